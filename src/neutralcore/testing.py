"""Test helpers for plugin authors.

A factor-pack author's whole test can be::

    # tests/test_pack.py
    from neutralcore.testing import check_factor_pack

    def test_pack():
        check_factor_pack("acme-steel")

Given an installed pack *name*, the check goes through the registry exactly
as ``nc.load_factors("acme-steel")`` does, so it also checks the entry-point
wiring; given a *directory*, it checks the files alone (what
``neutralcore pack check DIR`` runs).

Every bad row of ``factors.csv`` and ``properties.csv`` is reported in one
run, not only the first: the error raised lists them all (``.problems``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import attrs

from neutralcore._core.csvrows import open_csv
from neutralcore.errors import NeutralcoreError, PackFormatError, SchemaError

#: At most this many row problems are collected in one run.
MAX_PROBLEMS = 100

__all__ = ["check_factor_pack", "PackReport"]

_ENERGY, _MASS, _VOLUME = "[length] ** 2 * [mass] / [time] ** 2", "[mass]", "[length] ** 3"


@attrs.frozen
class PackReport:
    """What :func:`check_factor_pack` checked: the pack and a summary of its factors."""

    pack: Any
    factors: Any
    activities: tuple[str, ...]
    regions: tuple[str, ...]
    years: tuple[int, ...]
    gases: tuple[str, ...]

    def summary(self) -> str:
        p = self.pack
        years = f"{self.years[0]}-{self.years[-1]}" if len(self.years) > 1 else ", ".join(map(str, self.years))
        regions = ", ".join(self.regions) if len(self.regions) <= 8 else ", ".join(self.regions[:8]) + ", …"
        return (
            f"pack {p.name!r} version {p.version} (api {p.api}): {len(self.factors)} factors, "
            f"{len(self.activities)} activities, {len(self.regions)} regions ({regions}), "
            f"years {years}, gases {', '.join(self.gases)}, {len(p.sources)} sources"
        )


class _Blanked:
    """A data file as the strict reader sees it, with some lines emptied (the reader skips blank lines).

    Emptying a bad row (rather than deleting it) keeps every later line number true to the file.
    """

    def __init__(self, file: Any, lines: set[int]) -> None:
        self._file, self._lines = file, lines

    def read_bytes(self) -> bytes:
        data = self._file.read_bytes()
        if not self._lines:
            return data
        parts = re.split(rb"(?<=\n)", data)
        return b"".join(b"\n" if i in self._lines else part for i, part in enumerate(parts, 1))

    def is_file(self) -> bool:
        return self._file.is_file()

    def __str__(self) -> str:
        return str(self._file)


def _record_lines(file: Any, start: int) -> range:
    """The physical lines of the CSV record that starts on line *start* (a quoted field may span lines)."""
    try:
        for line, end, _fields in open_csv(file, required=(), name=str(file)).records():
            if line >= start:
                return range(start, end + 1) if line == start else range(start, start + 1)
    except SchemaError:
        pass
    return range(start, start + 1)


def _row_problems(pack: Any, first: PackFormatError) -> list[PackFormatError]:
    """Every bad row of the pack's CSV files, starting from the *first* one the reader stopped at.

    The reader is run again with each reported row emptied, until the files read cleanly, a
    problem cannot be stepped over (header, malformed CSV, no line), or :data:`MAX_PROBLEMS`.
    """
    from neutralcore.measure.factor import FactorSet

    files = {str(pack.factors_file): pack.factors_file}
    if pack.properties_file is not None:
        files[str(pack.properties_file)] = pack.properties_file
    blanked: dict[str, set[int]] = {name: set() for name in files}
    regions = {code: dict(spec) for code, spec in pack.regions.items()}
    problems = [first]
    err = first
    while len(problems) < MAX_PROBLEMS:
        line, file = err.line, err.file
        if file not in files or not line or line <= 1 or "malformed CSV" in err.message or line in blanked[file]:
            break
        blanked[file].update(_record_lines(_Blanked(files[file], blanked[file]), line))
        props = pack.properties_file
        try:
            pack._wrap(lambda: FactorSet.read_csv(
                _Blanked(pack.factors_file, blanked[str(pack.factors_file)]), sources=pack.sources, regions=regions,
                properties=None if props is None else _Blanked(props, blanked[str(props)]), pack=pack.name))
        except PackFormatError as exc:
            err = exc
            problems.append(exc)
            continue
        break
    return problems


def _combined(pack: Any, problems: list[NeutralcoreError]) -> NeutralcoreError:
    """One error for several problems: the first one's type and fields, every message, ``.problems``."""
    if len(problems) == 1:
        return problems[0]
    first = problems[0]
    origin = f"{pack.describe_origin()}: "
    lines = [str(p)[len(origin):] if str(p).startswith(origin) else str(p) for p in problems]
    more = " (the first {}; fix them and check again)".format(MAX_PROBLEMS) if len(problems) >= MAX_PROBLEMS else ""
    message = f"{origin}{len(problems)} problems{more}:\n  " + "\n  ".join(lines)
    fields = dict(getattr(first, "_fields", {}))
    fields["problems"] = tuple(problems)
    return type(first)(message, **fields)


def _no_pack_toml_here(directory: Path) -> PackFormatError | None:
    """A clear error when *directory* has no pack.toml, naming the pack directories found below it."""
    if (directory / "pack.toml").is_file() or not directory.is_dir():
        return None
    found: list[str] = []
    for pattern in ("*/pack.toml", "*/*/pack.toml", "*/*/*/pack.toml"):
        for hit in sorted(directory.glob(pattern)):
            rel = hit.parent.relative_to(directory)
            if any(part.startswith((".", "__")) or part in ("site-packages", "build", "dist") for part in rel.parts):
                continue
            found.append(str(hit.parent))
    hint = (f"; the pack directory is the one holding pack.toml, e.g. {', '.join(found[:3])}" if found
            else "; give the directory that holds pack.toml and factors.csv")
    return PackFormatError(f"{directory}: no pack.toml in this directory{hint}", file=str(directory / "pack.toml"),
                           line=None, column=None, kind="factors")


def _is_directory(target: Any) -> bool:
    if isinstance(target, Path):
        return True
    if isinstance(target, str):
        return "/" in target or "\\" in target or target in (".", "..") or Path(target).is_dir()
    return hasattr(target, "joinpath") and hasattr(target, "read_text")


def check_factor_pack(target: Any) -> PackReport:
    """Validate a factor pack; raise a :class:`~neutralcore.PluginError` describing the first problem.

    *target* is an installed pack name (``"acme-steel"`` or
    ``"acme-factors:acme-steel"``) or a pack directory (path or traversable,
    the one holding ``pack.toml``).  Checks, in order:

    1. (by name) the entry point imports and gives a ``FactorPack`` whose
       ``pack.toml`` name equals the entry-point name, and
       :func:`neutralcore.list_packs` can read its metadata without importing it;
    2. ``pack.toml`` against the strict schema (name, title, version, api,
       license, sources, regions);
    3. every row of ``factors.csv`` and ``properties.csv`` with the strict
       reader: activity key syntax, declared region, whole year, known gas
       (``CO2e`` with its ``gwp_basis``), finite non-negative value, parseable
       ``<mass>/<unit>`` unit, a source for every row, no key given twice in
       one dimension of its unit, and the optional factor columns
       ``gwp_basis``, ``stage``, ``price_year``, ``energy_basis``, ``lower``,
       ``upper`` and ``distribution``; a property is ``ncv`` or ``gcv`` (energy
       per mass, per volume, per ``Nm3`` or per ``scf``) or ``density`` (mass
       per volume, per ``Nm3`` or per ``scf``);
    4. that every declared source is used (by a factor or by a property:
       ``ncv``, ``gcv`` or ``density``), that the pack has at least one
       factor, and that a factor given per unit of energy with a fuel
       density also has a calorific value on its ``energy_basis`` (``ncv``,
       the default, or ``gcv``; else litres cannot reach it);
    5. that the coverage :func:`~neutralcore.list_packs` shows equals what
       the strict reader loaded.

    Every bad CSV row is reported, not only the first: when there are several
    problems, the error raised has the first one's type, fields (``.file``,
    ``.line``, ``.column``) and a message listing them all; ``.problems``
    holds each one as its own error.  Steps 4 and 5 run once the rows are
    clean.

    Returns a :class:`PackReport` when everything passes.
    """
    from neutralcore import registry
    from neutralcore.packs import FactorPack, read_coverage
    from neutralcore.units import dimension_of

    listing_problem = None
    if isinstance(target, FactorPack):
        pack = target
    elif _is_directory(target):
        if isinstance(target, (str, Path)):
            missing = _no_pack_toml_here(Path(target))
            if missing is not None:
                raise missing
        pack = FactorPack.from_directory(target)
    else:
        pack = registry.load("factors", target)
        name = str(target).rpartition(":")[2]
        infos = [i for i in registry.list_packs() if i.name == name and (i.dist == pack.dist or i.dist is None)]
        if infos and infos[0].coverage is None:
            listing_problem = pack.format_error(
                f"list_packs() cannot read this pack's metadata without importing it: {infos[0].problem}. "
                "Put pack.toml and factors.csv in a 'data' folder inside the package the entry point names",
                file=None, line=None, column=None,
            )
    try:
        fs = pack.load()
    except PackFormatError as exc:
        problems: list[NeutralcoreError] = [listing_problem] if listing_problem is not None else []
        raise _combined(pack, [*problems, *_row_problems(pack, exc)]) from exc
    if listing_problem is not None:
        raise listing_problem
    if len(fs) == 0:
        raise pack.format_error("the pack has no factors", file=pack.factors_file, line=None, column=None)

    used = {f.source for f in fs}
    used |= {p.source for f in fs for p in (f.ncv, f.gcv, f.density) if p is not None}
    for sid, source in pack.sources.items():
        if source not in used:
            raise pack.format_error(
                f"source {sid!r} is declared in pack.toml but no factor or property uses it",
                file=pack.pack_file, line=None, column=f"sources.{sid}",
            )

    for f in fs:
        calorific = f.gcv if f.energy_basis == "gcv" else f.ncv
        if f.density is not None and calorific is None and dimension_of(f.per_unit) == dimension_of("TJ"):
            label = "gross calorific value (gcv)" if f.energy_basis == "gcv" else "net calorific value (ncv)"
            raise pack.format_error(
                f"{f.activity} ({f.region}, {f.year}) is per {f.per_unit} and has a density but no {label} on its "
                f"energy basis, so an amount in litres or kilograms cannot be converted to energy",
                file=pack.properties_file or pack.factors_file, line=None, column="property",
            )

    cov = read_coverage(pack.factors_file)
    loaded = (
        tuple(sorted(set(fs.activity.values()))),
        tuple(sorted(set(fs.region.values()))),
        tuple(sorted({int(y) for y in fs.year.tolist()})),
    )
    if (cov.activities, cov.regions, cov.years) != loaded:
        raise PackFormatError(
            f"{pack.describe_origin()}: the coverage read without validation {cov} differs from the loaded factors",
            file=str(pack.factors_file), line=None, column=None, plugin=pack.name, kind="factors", dist=pack.dist,
            version=pack.dist_version,
        )
    return PackReport(pack, fs, loaded[0], loaded[1], loaded[2], tuple(fs.gases))
