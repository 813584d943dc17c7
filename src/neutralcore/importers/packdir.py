"""Write a :class:`~neutralcore.FactorSet` as a factor-pack directory that the strict pack reader reads back.

Examples
--------
>>> import tempfile, neutralcore as nc
>>> src = nc.Source("A ministry", "Grid factor announcement", 2024)
>>> fs = nc.FactorSet.from_factors([nc.Factor("electricity.grid", "XA", 2023, "t/MWh", {"CO2": 0.5}, src)])
>>> with tempfile.TemporaryDirectory() as d:
...     pack = write_pack(fs, d, name="my-grid", title="My grid factors", version="2024.1", license="CC-BY-4.0")
...     back = nc.FactorPack.from_directory(pack).load()
>>> back.get("electricity.grid", "XA", 2023).gases["CO2"]
0.5
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from neutralcore.errors import InputError
from neutralcore.measure import FactorSet, FuelProperty, Source

__all__ = ["write_pack", "FACTOR_HEADER", "PROPERTY_HEADER"]

FACTOR_HEADER = ("activity", "region", "year", "gas", "value", "unit", "kind", "confidence", "notes", "uncertainty",
                 "price_year", "energy_basis", "gwp_basis", "stage", "lower", "upper", "distribution", "publisher",
                 "document", "source_year", "url")
PROPERTY_HEADER = ("activity", "region", "property", "value", "unit", "confidence", "notes", "publisher", "document",
                   "source_year", "url")


def _toml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def _source_cells(s: Source) -> list[str]:
    return [s.publisher, s.document, str(s.year), s.url or ""]


def _csv(path: Path, header: tuple[str, ...], rows: list[list[str]]) -> None:
    import csv

    from neutralcore._core.csvrows import neutralise

    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([[neutralise(c) for c in row] for row in rows])
    tmp.replace(path)


def write_pack(
    fs: FactorSet, directory: str | Path, *, name: str, title: str, version: str, license: str,
    description: str = "",
) -> Path:
    """Write *fs* as a pack in *directory* (created if needed); return the directory.

    Every factor's source goes inline on its rows (``publisher``, ``document``, ``source_year``, ``url``), every
    region it uses is declared in ``pack.toml`` with the set's parents, and fuel properties go to
    ``properties.csv``, one per (activity, region).  Numbers are written with ``repr`` so they read back exactly.

    Raises
    ------
    InputError
        Two factors of one (activity, region) carry different values of the same property (a properties file
        holds one per activity and region).
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    rows: list[list[str]] = []
    props: dict[tuple[str, str, str], FuelProperty] = {}
    regions: dict[str, None] = {}
    for f in fs:
        if f.region != "World":
            regions[f.region] = None
        common = [f.kind or "", f.confidence or "", f.notes or "", "" if f.uncertainty is None else repr(f.uncertainty),
                  "" if f.price_year is None else str(f.price_year), f.energy_basis, f.gwp_basis or "", f.stage or ""]
        published = {} if f.co2e_total is None else {"CO2e": f.co2e_total}  # the checked total, read back as it
        for gas, value in {**f.gases, **published}.items():
            interval = f.intervals.get(gas)
            bounds = ["", "", ""] if interval is None else [repr(interval.lower), repr(interval.upper),
                                                            interval.distribution]
            rows.append([f.activity, f.region, str(f.year), gas, repr(float(value)), f.unit, *common, *bounds,
                         *_source_cells(f.source)])
        for p in (f.density, f.ncv, f.gcv):
            if p is None:
                continue
            key = (f.activity, f.region, p.name)
            if key in props and props[key] != p:
                raise InputError(f"{p.name} of {f.activity} in {f.region} differs between factors of different years; "
                                 "a pack's properties.csv holds one per activity and region", column="properties")
            props[key] = p
    for r, (parent, _label) in fs.regions.items():
        if r in regions and parent is not None and parent != "World":
            regions.setdefault(parent, None)
    _csv(out / "factors.csv", FACTOR_HEADER, rows)
    if props:
        _csv(out / "properties.csv", PROPERTY_HEADER, [
            [a, r, p.name, repr(p.value), p.unit, p.confidence or "", p.notes or "", *_source_cells(p.source)]
            for (a, r, _n), p in props.items()])
    lines = [f"name = {_toml(name)}", f"title = {_toml(title)}", f"version = {_toml(version)}", "api = 1",
             f"license = {_toml(license)}"] + ([f"description = {_toml(description)}"] if description else []) \
        + ["", "[regions]"]
    for r in regions:
        parent, label = fs.regions.get(r, (None, None))
        spec: dict[str, Any] = {}
        if label:
            spec["name"] = label
        if parent is not None and parent != "World":
            spec["parent"] = parent
        inner = ", ".join(f"{k} = {_toml(v)}" for k, v in spec.items())
        lines.append(f"{_toml(r)} = {{ {inner} }}" if inner else f"{_toml(r)} = {{}}")
    (out / "pack.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out
