"""The strict reader of factor CSV files (long format) and fuel-property files.

Every rejected value raises :class:`~neutralcore.SchemaError` with the file,
the line (1-based, the header is line 1) and the column.  Nothing is
evaluated: values are parsed as numbers, units by pint, gases against the
known list.
"""

from __future__ import annotations

import math
from typing import Any, Iterator, Mapping

from neutralcore._core.csvrows import CsvSource, open_csv
from neutralcore._core.validators import ACTIVITY_RE, REGION_RE, region_code, year_int
from neutralcore.errors import GWPBasisError, InputError, NeutralcoreError, SchemaError
from neutralcore.measure.factorvalue import (
    CONFIDENCE_LABELS, DISTRIBUTIONS, ENERGY_BASES, WORLD, Factor, FuelProperty, Interval, Source,
)
from neutralcore.gwp import canonical_gas, canonical_gwp_set
from neutralcore.measure.stages import stage_name
from neutralcore.units import dimension_of, split_factor_unit

FACTOR_COLUMNS = ("activity", "region", "year", "gas", "value", "unit")
FACTOR_OPTIONAL = ("source", "kind", "confidence", "notes", "uncertainty", "publisher", "document", "source_year", "url",
                   "gwp_basis", "stage", "price_year", "energy_basis", "lower", "upper", "distribution")
PROPERTY_COLUMNS = ("activity", "region", "property", "value", "unit")
PROPERTY_OPTIONAL = ("source", "confidence", "notes", "publisher", "document", "source_year", "url", "lower", "upper",
                     "distribution")


def _name(path: CsvSource) -> str:
    return str(path)


def _rows(path: CsvSource, required: tuple[str, ...], optional: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """``(line, {column: stripped value})`` per record of a strictly checked file (see :mod:`neutralcore._core.csvrows`)."""
    file = open_csv(path, required=required, optional=optional, name=_name(path))
    header = file.header
    for line, _end, fields in file.records():
        yield line, {h: v.strip() for h, v in zip(header, fields)}


def _unit_parts(unit: str) -> tuple[Any, Any]:
    """A factor unit as parsed (mass unit, per unit), so 'kg / TJ' and 'kg/TJ' compare equal."""
    from neutralcore.units import parse_unit

    mass, per, _ = split_factor_unit(unit)
    return parse_unit(mass), parse_unit(per)


def _err(fname: str, line: int, column: str, message: str) -> SchemaError:
    return SchemaError(f"line {line}: {message}", source=fname, column=column, line=line, rows=None)


def _number(fname: str, line: int, column: str, text: str) -> float:
    try:
        if "_" in text:  # Python's float() reads "1_0" as 10; a published value is never written so
            raise ValueError(text)
        x = float(text)
    except ValueError as exc:
        raise _err(fname, line, column, f"{text!r} is not a number") from exc
    if not math.isfinite(x) or x < 0:
        raise _err(fname, line, column, f"{text!r} must be finite and non-negative")
    return x


def _interval(fname: str, line: int, row: dict[str, str], value: float) -> Interval | None:
    """The row's published 95 % interval (``lower``, ``upper``, ``distribution``), or ``None`` when it gives none."""
    lo, hi, dist = row.get("lower", ""), row.get("upper", ""), row.get("distribution", "")
    if not lo and not hi:
        if dist:
            raise _err(fname, line, "distribution", f"distribution {dist!r} given without lower and upper bounds")
        return None
    if not lo or not hi:
        missing = "lower" if not lo else "upper"
        raise _err(fname, line, missing, f"{missing} is empty: give both bounds of the 95 % interval, or neither")
    lower, upper = _number(fname, line, "lower", lo), _number(fname, line, "upper", hi)
    if dist and dist not in DISTRIBUTIONS:
        raise _err(fname, line, "distribution", f"distribution {dist!r} is not one of {DISTRIBUTIONS}")
    try:
        interval = Interval(lower, upper, dist or "normal")
        interval.check_holds(value, "value")
    except NeutralcoreError as exc:
        raise _err(fname, line, "lower" if "lower" in str(exc) or "outside" in str(exc) else "upper", str(exc)) from exc
    return interval


def _source_of(fname: str, line: int, row: dict[str, str], sources: Mapping[str, Source] | None) -> Source:
    ref = row.get("source", "")
    if ref:
        if sources is None:
            raise _err(fname, line, "source", f"source id {ref!r} given but no sources table to resolve it")
        if ref not in sources:
            raise _err(fname, line, "source", f"unknown source id {ref!r}; known: {sorted(sources)}")
        return sources[ref]
    if row.get("publisher") and row.get("document") and row.get("source_year"):
        try:
            return Source(row["publisher"], row["document"], row["source_year"], row.get("url") or None)
        except NeutralcoreError as exc:
            raise _err(fname, line, "source_year", str(exc)) from exc
    raise _err(fname, line, "source", "no source: give a source id, or publisher, document and source_year")


def _check_key(fname: str, line: int, row: dict[str, str], regions: Mapping[str, Any] | None) -> tuple[str, str]:
    act = row["activity"]
    if not ACTIVITY_RE.match(act):
        raise _err(fname, line, "activity", f"activity {act!r} is not dotted lowercase words (e.g. 'electricity.grid')")
    reg = row["region"]
    if not REGION_RE.match(reg):
        raise _err(fname, line, "region", f"region {reg!r} is not a region code")
    reg = region_code(reg)  # case-insensitive: "vn" is "VN", "world" is "World"
    if regions is not None and reg != WORLD and reg not in _declared(regions):
        raise _err(fname, line, "region", f"region {row['region']!r} is not declared in the pack's regions")
    return act, reg


def _declared(regions: Mapping[str, Any]) -> frozenset[str]:
    """The declared region codes, canonicalised (computed once per mapping)."""
    key = id(regions)
    hit = _DECLARED.get(key)
    if hit is None or hit[0] is not regions:
        hit = (regions, frozenset(region_code(r) for r in regions if isinstance(r, str) and REGION_RE.match(r.strip())))
        _DECLARED.clear()
        _DECLARED[key] = hit
    return hit[1]


_DECLARED: dict[int, tuple[Any, frozenset[str]]] = {}


def read_properties(
    path: CsvSource, sources: Mapping[str, Source] | None, regions: Mapping[str, Any] | None, pack: str | None = None
) -> dict[tuple[str, str, str], FuelProperty]:
    fname = _name(path)
    out: dict[tuple[str, str, str], FuelProperty] = {}
    lines: dict[tuple[str, str, str], int] = {}
    for line, row in _rows(path, PROPERTY_COLUMNS, PROPERTY_OPTIONAL):
        act, reg = _check_key(fname, line, row, regions)
        prop = row["property"]
        if prop not in ("ncv", "gcv", "density"):
            raise _err(fname, line, "property", f"property {prop!r} is not 'ncv', 'gcv' or 'density'")
        value = _number(fname, line, "value", row["value"])
        source = _source_of(fname, line, row, sources)
        conf = row.get("confidence") or None
        if conf is not None and conf not in CONFIDENCE_LABELS:
            raise _err(fname, line, "confidence", f"confidence {conf!r} is not one of {CONFIDENCE_LABELS}")
        interval = _interval(fname, line, row, value)
        try:
            fp = FuelProperty(prop, value, row["unit"], source, confidence=conf, notes=row.get("notes"), pack=pack,
                              interval=interval)
        except NeutralcoreError as exc:
            raise _err(fname, line, "unit" if "unit" in str(exc) else "value", str(exc)) from exc
        key = (act, reg, prop)
        if key in out:
            raise _err(fname, line, "property", f"{prop} of {act} in {reg} already given on line {lines[key]}")
        out[key] = fp
        lines[key] = line
    return out


def read_factor_rows(
    path: CsvSource,
    *,
    sources: Mapping[str, Source] | None = None,
    regions: Mapping[str, Any] | None = None,
    properties: CsvSource | None = None,
    pack: str | None = None,
) -> list[Factor]:
    """Parse and validate a factor file into :class:`Factor` objects (one per key)."""
    fname = _name(path)
    props = read_properties(properties, sources, regions, pack) if properties is not None else {}
    groups: dict[tuple[str, str, int, str], dict[str, Any]] = {}
    gas_lines: dict[tuple[str, str, int, str, str], int] = {}
    dims: dict[str, str] = {}
    for line, row in _rows(path, FACTOR_COLUMNS, FACTOR_OPTIONAL):
        act, reg = _check_key(fname, line, row, regions)
        try:
            year = year_int(row["year"])
        except InputError as exc:
            raise _err(fname, line, "year", exc.message.split(": ", 1)[-1]) from exc
        try:
            gas = canonical_gas(row["gas"])
        except NeutralcoreError as exc:
            raise _err(fname, line, "gas", str(exc)) from exc
        value = _number(fname, line, "value", row["value"])
        unit = row["unit"]
        try:
            split_factor_unit(unit)
        except NeutralcoreError as exc:
            raise _err(fname, line, "unit", str(exc)) from exc
        source = _source_of(fname, line, row, sources)
        conf = row.get("confidence") or None
        if conf is not None and conf not in CONFIDENCE_LABELS:
            raise _err(fname, line, "confidence", f"confidence {conf!r} is not one of {CONFIDENCE_LABELS}")
        unc = row.get("uncertainty") or None
        unc_v = _number(fname, line, "uncertainty", unc) if unc is not None else None
        basis = row.get("gwp_basis") or None
        if basis is not None:
            try:
                basis = canonical_gwp_set(basis)
            except NeutralcoreError as exc:
                raise _err(fname, line, "gwp_basis", str(exc)) from exc
        stage = row.get("stage") or None
        if stage is not None:
            try:
                stage = stage_name(stage)
            except NeutralcoreError as exc:
                raise _err(fname, line, "stage", str(exc)) from exc
        if basis is None and gas == "CO2e":
            raise GWPBasisError(
                f"line {line}: a CO2e amount for ({act}, {reg}, {year}) needs its gwp_basis, the GWP set its "
                "publisher used (SAR, TAR, AR4, AR5, AR6)", source=fname, column="gwp_basis", line=line, rows=None,
            )
        price_text = row.get("price_year") or None
        price_year: int | None = None
        if price_text is not None:
            try:
                price_year = year_int(price_text)
            except InputError as exc:
                raise _err(fname, line, "price_year", exc.message.split(": ", 1)[-1]) from exc
        energy = row.get("energy_basis") or None
        if energy is not None and energy.lower() not in ENERGY_BASES:
            raise _err(fname, line, "energy_basis", f"energy_basis {energy!r} is not 'ncv' (net) or 'gcv' (gross)")
        energy = energy.lower() if energy is not None else None
        # a key may have one factor per dimension of its unit (diesel per L and per kWh): rows group by that too
        dim = dims.get(unit) or dims.setdefault(unit, dimension_of(split_factor_unit(unit)[1]))
        interval = _interval(fname, line, row, value)
        gkey = (act, reg, year, dim, gas)
        if gkey in gas_lines:
            raise _err(fname, line, "gas", f"{gas} for ({act}, {reg}, {year}) per {dim} already given on line "
                       f"{gas_lines[gkey]}")
        gas_lines[gkey] = line
        key = (act, reg, year, dim)
        g = groups.get(key)
        if g is None:
            groups[key] = dict(
                line=line, unit=unit, gases={gas: value}, source=source, kind=row.get("kind") or None,
                confidence=conf, notes=[row["notes"]] if row.get("notes") else [], uncertainty=unc_v,
                gwp_basis=basis, stage=stage, price_year=price_year, energy_basis=energy,
                intervals={gas: interval} if interval is not None else {},
            )
            continue
        if unit != g["unit"] and _unit_parts(unit) != _unit_parts(g["unit"]):
            raise _err(fname, line, "unit", f"unit {unit!r} differs from {g['unit']!r} on line {g['line']} for the same "
                       f"key in the same dimension ({dim}); a key has one factor per dimension of its unit")
        if source != g["source"]:
            raise _err(fname, line, "source", f"source differs from line {g['line']} for the same key; split the key or use one source")
        # one factor has one kind, confidence and uncertainty: rows of its gases may repeat them or leave them
        # blank, but must not disagree (the first value would otherwise win silently)
        for column, new in (("kind", row.get("kind") or None), ("confidence", conf), ("uncertainty", unc_v),
                            ("gwp_basis", basis), ("stage", stage), ("price_year", price_year),
                            ("energy_basis", energy)):
            if new is None:
                continue
            if g[column] is None:
                g[column] = new
            elif g[column] != new:
                raise _err(fname, line, column, f"{column} {new!r} differs from {g[column]!r} given earlier for "
                           f"({act}, {reg}, {year}) (first line {g['line']}); a factor has one {column}")
        g["gases"][gas] = value
        if interval is not None:
            g["intervals"][gas] = interval
        if row.get("notes") and row["notes"] not in g["notes"]:
            g["notes"].append(row["notes"])
    factors = []
    for (act, reg, year, _dim), g in groups.items():
        ncv = props.get((act, reg, "ncv")) or props.get((act, WORLD, "ncv"))
        density = props.get((act, reg, "density")) or props.get((act, WORLD, "density"))
        gcv = props.get((act, reg, "gcv")) or props.get((act, WORLD, "gcv"))
        try:
            factors.append(
                Factor(
                    act, reg, year, g["unit"], g["gases"], g["source"], kind=g["kind"], confidence=g["confidence"],
                    notes="; ".join(g["notes"]) or None, ncv=ncv, density=density, uncertainty=g["uncertainty"], pack=pack,
                    gwp_basis=g["gwp_basis"], stage=g["stage"],
                    gcv=gcv, energy_basis=g["energy_basis"] or "ncv", price_year=g["price_year"],
                    intervals=g["intervals"],
                )
            )
        except GWPBasisError as exc:  # a published CO2e total that disagrees with its gases: part of pack validation
            raise GWPBasisError(f"line {g['line']}: {exc.message.split(': ', 1)[-1]}", source=fname, column="value",
                                line=g["line"], rows=None) from exc
        except NeutralcoreError as exc:
            bad = getattr(exc, "column", None)
            raise _err(fname, g["line"], bad if bad in ("price_year", "energy_basis") else "value", str(exc)) from exc
    return factors
