"""UK DESNZ/DEFRA greenhouse gas conversion factors, flat file, into a :class:`~neutralcore.FactorSet`.

The UK government publishes each year's *Greenhouse gas reporting: conversion factors* with a "flat file"
(https://www.gov.uk/government/collections/government-conversion-factors-for-company-reporting; Open Government
Licence v3.0).  Its sheet "Factors by Category", saved as CSV, has one row per factor and gas::

    ID,Scope,Level 1,Level 2,Level 3,Level 4,Column Text,UOM,GHG/Unit,GHG Conversion Factor 2025
    13_402_4000_5_1,Scope 3,Transmission and distribution,T&D- UK electricity,Electricity: UK,kWh,,kWh,kg CO2e,0.01853

``GHG/Unit`` is ``kg CO2e`` (the total) or ``kg CO2e of CO2 per unit`` (and of CH4, of N2O): every column is in kg
CO2e, weighted under the GWP set the year's methodology paper states.  This reader keeps that as published:

* a row set with only a total becomes a ``CO2e`` factor with its ``gwp_basis``;
* a row set with per-gas columns becomes per-gas masses (the CO2e of each gas divided by that gas's GWP under
  ``gwp_basis``: what the publisher multiplied) with the published total as ``co2e_total``, which the factor
  checks against them;
* ``WTT-`` and ``Transmission and distribution`` rows become the ``well-to-tank`` and
  ``transmission-and-distribution`` stages of the direct activity they belong to (key suffix ``.wtt``, ``.td``);
  ``WTT- UK electricity (T&D)``, the WTT of the electricity lost in T&D, is the ``well-to-tank`` stage of the T&D
  part (``<electricity>.td.wtt``);
* ``Outside of Scopes`` rows (the CO2 of biomass, reported apart) become ``CO2_biogenic``.

Each (levels, UOM) is one activity: ``desnz.<level 1>.<level 2>...<UOM>`` in lowercase words, e.g.
``desnz.uk_electricity.electricity_generated.electricity_uk.kwh``; the UOM is part of the key because DESNZ gives
one fuel in several units, and two of them (``kWh (Net CV)``, ``kWh (Gross CV)``) differ only in calorific basis.
Pass ``activities={default key: your key}`` to rename.  A blank factor cell is "not published" and is skipped.
"""

from __future__ import annotations

import re
from typing import Mapping

from neutralcore.errors import NeutralcoreError, SchemaError
from neutralcore.gwp import gwp_value
from neutralcore.importers._common import activity_for, error, number, slug
from neutralcore.measure import Factor, FactorSet, Source
from neutralcore._core.csvrows import CsvSource, open_csv

__all__ = ["read_flat_file", "COLUMNS", "UNITS", "URL"]

COLUMNS = ("ID", "Scope", "Level 1", "Level 2", "Level 3", "Level 4", "Column Text", "UOM", "GHG/Unit")
URL = "https://www.gov.uk/government/collections/government-conversion-factors-for-company-reporting"
_FACTOR_COLUMN = re.compile(r"^GHG Conversion Factor (\d{4})$")
_GAS_OF = {"kg CO2e": None, "kg CO2e of CO2 per unit": "CO2", "kg CO2e of CH4 per unit": "CH4",
           "kg CO2e of N2O per unit": "N2O"}
#: DESNZ's units of measure and neutralcore's: (unit, energy basis or None).  DESNZ "cubic metres" of gas are as
#: billed in the UK (at the gas transporters' standard conditions); they are read as ``m^3`` as published.
UNITS: Mapping[str, tuple[str, str | None]] = {
    "kWh": ("kWh", None), "kWh (Net CV)": ("kWh", "ncv"), "kWh (Gross CV)": ("kWh", "gcv"), "litres": ("L", None),
    "tonnes": ("t", None), "kg": ("kg", None), "cubic metres": ("m^3", None), "km": ("km", None),
    "miles": ("mi", None), "passenger.km": ("pkm", None), "tonne.km": ("tkm", None), "GJ": ("GJ", None),
    "Room per night": ("room*night", None), "million litres": ("ML", None),
}
#: Upstream Level 1 names and (the direct Level 1 and Level 2 they belong to, stage).  Level 2 ``None``: same as own.
_UPSTREAM = {
    ("WTT- fuels", None): (("Fuels", None), "well-to-tank"),
    ("WTT- bioenergy", None): (("Bioenergy", None), "well-to-tank"),
    ("Transmission and distribution", "T&D- UK electricity"): (("UK electricity", "Electricity generated"),
                                                                "transmission-and-distribution"),
    ("WTT- UK electricity", "WTT- UK electricity (generation)"): (("UK electricity", "Electricity generated"),
                                                                  "well-to-tank"),
    # the WTT of the electricity lost in T&D: the upstream of the T&D part, key <electricity>.td.wtt
    ("WTT- UK electricity", "WTT- UK electricity (T&D)"): (("UK electricity", "Electricity generated"),
                                                           "well-to-tank of transmission-and-distribution"),
}
_SUFFIX = {"well-to-tank": "wtt", "transmission-and-distribution": "td",
           "well-to-tank of transmission-and-distribution": "td.wtt"}


def _bytes(path: CsvSource) -> bytes:
    if isinstance(path, (bytes, bytearray, memoryview)):
        return bytes(path)
    reader = getattr(path, "read_bytes", None)
    if reader is not None:
        return bytes(reader())
    try:
        with open(path, "rb") as fh:  # type: ignore[arg-type]
            return fh.read()
    except OSError as exc:
        raise SchemaError(f"cannot read: {exc}", source=str(path)) from exc


def _header_line(data: bytes) -> int:
    """0-based index of the line that starts the table (``ID,Scope,...``): the sheet has title rows above it."""
    for i, line in enumerate(data.splitlines()[:50]):
        if line.lstrip(b"\xef\xbb\xbf").startswith(b"ID,Scope,"):
            return i
    return 0


def read_flat_file(
    path: CsvSource, *, gwp_basis: str, region: str = "GB", activities: Mapping[str, str] | None = None,
) -> FactorSet:
    """Read a DESNZ/DEFRA flat file (sheet "Factors by Category" as CSV) into factors for *region*.

    Parameters
    ----------
    path : path or bytes
        The CSV.  Title rows above the ``ID,Scope,...`` header are skipped; line numbers in errors are the file's.
    gwp_basis : str
        The GWP set the year's methodology paper says the kg CO2e are weighted under (e.g. ``"AR5"``).
    region : str
        Region of the factors (default ``"GB"``; DESNZ's factors are for UK reporting).
    activities : mapping, optional
        Default activity key -> the key to use instead.

    Raises
    ------
    SchemaError
        A missing column, no ``GHG Conversion Factor <year>`` column, an unknown ``UOM`` or ``GHG/Unit``, a value
        that is not a number, a gas given twice for one factor, per-gas values that disagree with their total;
        naming the file, line and column.
    """
    fname = str(path)
    data = _bytes(path)
    skip = _header_line(data)
    body = b"\n".join(data.splitlines()[skip:]) + b"\n"
    try:
        file = open_csv(body, required=COLUMNS, optional=None, name=fname)
    except SchemaError as exc:
        line = (exc.line or 1) + skip
        raise SchemaError(f"line {line}: {exc.message.split(': ', 1)[-1]}", source=fname, column=exc.column,
                          line=line) from exc
    year_columns = [(h, int(m.group(1))) for h in file.header if (m := _FACTOR_COLUMN.match(h))]
    if len(year_columns) != 1:
        raise error(fname, 1 + skip, "GHG Conversion Factor", "the header needs one 'GHG Conversion Factor <year>' "
                    f"column, found {[h for h, _ in year_columns]}")
    value_column, year = year_columns[0]
    source = Source("UK Department for Energy Security and Net Zero (DESNZ)",
                    f"Greenhouse gas reporting: conversion factors {year}, flat file, sheet 'Factors by Category'",
                    year, URL)
    groups: dict[tuple[str, ...], dict] = {}
    for line0, _end, fields in file.records():
        line = line0 + skip
        row = {h: v.strip() for h, v in zip(file.header, fields)}
        value = number(fname, line, value_column, row[value_column])
        if value is None:
            continue
        ghg = row["GHG/Unit"]
        if ghg not in _GAS_OF:
            raise error(fname, line, "GHG/Unit", f"GHG/Unit {ghg!r} is not one of {sorted(_GAS_OF)}")
        if row["UOM"] not in UNITS:
            raise error(fname, line, "UOM", f"unit of measure {row['UOM']!r} is not one of {sorted(UNITS)}")
        key = tuple(row[c] for c in COLUMNS[1:8])
        g = groups.setdefault(key, {"line": line, "ids": [], "gases": {}})
        gas = _GAS_OF[ghg] or "total"
        if gas in g["gases"]:
            raise error(fname, line, "GHG/Unit", f"{ghg!r} for this factor already given on line {g['gases'][gas][1]}")
        g["gases"][gas] = (value, line)
        g["ids"].append(row["ID"])
    factors = []
    for (scope, l1, l2, l3, l4, text, uom), g in groups.items():
        factors.append(_factor(fname, g, scope, (l1, l2, l3, l4, text), uom, year, region, gwp_basis, source,
                               activities))
    return FactorSet.from_factors(factors)


def _key(levels: tuple[str, ...], uom: str) -> str:
    words = [slug(x) for x in levels if x] + [slug(uom)]
    return "desnz." + ".".join(words)


def _factor(fname: str, g: dict, scope: str, levels: tuple[str, ...], uom: str, year: int, region: str,
            basis: str, source: Source, activities: Mapping[str, str] | None) -> Factor:
    line = g["line"]
    unit, energy_basis = UNITS[uom]
    l1, l2 = levels[0], levels[1]
    up = _UPSTREAM.get((l1, l2)) or _UPSTREAM.get((l1, None))
    stage = None
    if up is not None:
        (d1, d2), stage = up
        direct = (d1, d2 if d2 is not None else l2, *levels[2:])
        default = f"{_key(direct, uom)}.{_SUFFIX[stage]}"
        stage = stage.split(" of ")[0]
    elif l1.startswith("WTT-"):
        stage = "well-to-tank"
        default = f"{_key(levels, uom)}.wtt"
    else:
        default = _key(levels, uom)
    key = activity_for(default, default, activities, fname, line)
    published = {k: v for k, (v, _line) in g["gases"].items()}
    total = published.pop("total", None)
    outside = scope.lower().startswith("outside")
    try:
        if outside:
            gases = {"CO2_biogenic": total if total is not None else sum(published.values())}
            extra: dict = {}
        elif published:
            gases = {gas: v / gwp_value(gas, basis) for gas, v in published.items()}
            extra = {"gwp_basis": basis, "co2e_total": total}
        else:
            gases = {"CO2e": total}
            extra = {"gwp_basis": basis}
        notes = f"{scope}: {' > '.join(x for x in levels if x)} [{uom}]; DESNZ ID {', '.join(g['ids'])}"
        return Factor(key, region, year, f"kg/{unit}", gases, source, kind=scope, confidence="A", notes=notes,
                      energy_basis=energy_basis or "ncv", stage=stage, **extra)
    except NeutralcoreError as exc:
        raise error(fname, line, "GHG Conversion Factor", str(exc)) from exc
