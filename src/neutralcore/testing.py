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
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs

from .errors import PackFormatError

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
       reader: activity key syntax, declared region, whole year, known gas,
       finite non-negative value, parseable ``<mass>/<unit>`` unit, a source
       for every row, no key given twice;
    4. that every declared source is used, that the pack has at least one
       factor, and that a factor given per unit of energy with a fuel
       density also has a net calorific value (else litres cannot reach it);
    5. that the coverage :func:`~neutralcore.list_packs` shows equals what
       the strict reader loaded.

    Returns a :class:`PackReport` when everything passes.
    """
    from . import registry
    from .packs import FactorPack, read_coverage
    from .units import dimension_of

    if isinstance(target, FactorPack):
        pack = target
    elif _is_directory(target):
        pack = FactorPack.from_directory(target)
    else:
        pack = registry.load("factors", target)
        name = str(target).rpartition(":")[2]
        infos = [i for i in registry.list_packs() if i.name == name and (i.dist == pack.dist or i.dist is None)]
        if infos and infos[0].coverage is None:
            raise pack.format_error(
                f"list_packs() cannot read this pack's metadata without importing it: {infos[0].problem}. "
                "Put pack.toml and factors.csv in a 'data' folder inside the package the entry point names",
                file=None, line=None, column=None,
            )
    fs = pack.load()
    if len(fs) == 0:
        raise pack.format_error("the pack has no factors", file=pack.factors_file, line=None, column=None)

    used = {f.source for f in fs}
    used |= {p.source for f in fs for p in (f.ncv, f.density) if p is not None}
    for sid, source in pack.sources.items():
        if source not in used:
            raise pack.format_error(
                f"source {sid!r} is declared in pack.toml but no factor or property uses it",
                file=pack.pack_file, line=None, column=f"sources.{sid}",
            )

    for f in fs:
        if f.density is not None and f.ncv is None and dimension_of(f.per_unit) == dimension_of("TJ"):
            raise pack.format_error(
                f"{f.activity} ({f.region}, {f.year}) is per {f.per_unit} and has a density but no net calorific "
                "value, so an amount in litres or kilograms cannot be converted to energy",
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
