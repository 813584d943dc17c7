"""Tree planting inside the boundary, and the IPCC 2006 Vol. 4 sequestration values it uses."""

from __future__ import annotations

import csv
import functools
import io
import sys
from importlib.resources import files
from typing import Any

import attrs

from neutralcore._core.table import Table
from neutralcore._core.validators import optional_str, year_int
from neutralcore.errors import LeverError
from neutralcore.levers import Lever, Removal, fraction, nonnegative, parameter
from neutralcore.measure.factor import Source
from neutralcore.measure.inventory import Inventory

__all__ = ["SequestrationRate", "sequestration_rate", "sequestration_table", "TreePlanting"]


_C_TO_CO2 = 44.0 / 12.0


def _optional_nonneg(inst: Any, attr: Any, value: Any) -> None:
    if value is not None:
        nonnegative(inst, attr, value)


@attrs.frozen
class SequestrationRate:
    """A sourced sequestration rate: t CO2 per *per* per year, with how it was derived."""

    key: str
    value: float
    per: str  # "ha", "tree" or "ha crown cover"
    source: Source
    derivation: str
    low: float | None = None
    high: float | None = None
    confidence: str = "DERIVED"


@functools.lru_cache(maxsize=1)
def _sequestration_rows() -> dict[str, dict[str, str]]:
    text = (files("neutralcore.plugins") / "data" / "sequestration.csv").read_text(encoding="utf-8")
    return {r["key"]: r for r in csv.DictReader(io.StringIO(text))}


@functools.lru_cache(maxsize=1)
def _sequestration_source() -> Source:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    meta = tomllib.loads((files("neutralcore.plugins") / "data" / "sequestration.toml").read_text(encoding="utf-8"))["source"]
    return Source(meta["publisher"], meta["document"], meta["year"], url=meta.get("url"), note=meta.get("note"))


def sequestration_table() -> Table:
    """The shipped IPCC 2006 Vol. 4 values (growth, carbon fraction, root ratio, urban trees) as a Table."""
    rows = list(_sequestration_rows().values())
    return Table({c: [r[c] for r in rows] for c in rows[0]}, title="IPCC 2006 Vol. 4 values shipped with neutralcore")


def _num(row: dict[str, str], bound: str) -> float:
    v = row["value" if bound == "central" else bound]
    if not v:
        raise LeverError(f"{row['key']} has no {bound} value in the source (published as "
                         f"{row['low']}-{row['high']}); choose bound='low' or 'high'", key=row["key"])
    return float(v)


def sequestration_rate(key: str, *, roots: str | float | None = None, bound: str = "central") -> SequestrationRate:
    """A sequestration rate in t CO2 per ha (or per tree) per year, DERIVED from IPCC 2006 Vol. 4 values.

    * ``plantation.<zone>.<region>`` (Table 4.10, t dry matter/ha/yr above ground):
      ``growth x (1 + R) x CF x 44/12`` with CF = 0.47 t C/t dm (Table 4.3,
      "all", tropical and subtropical) and R the root-to-shoot ratio: ``roots=None``
      counts above-ground growth only (R = 0); give a Table 4.4 key
      (``"root_ratio.tropical_moist_deciduous_forest_above_ground_biomass_lt125_tonnes_ha"``)
      or a number.
    * ``urban_tree.<species>`` (Table 8.2, t C/tree/yr) and ``urban_crown.<region>``
      (Table 8.1, t C/ha of crown cover/yr): ``x 44/12``.

    *bound* picks the published ``"central"`` value or the ``"low"`` / ``"high"``
    end of its range.

    >>> r = sequestration_rate("plantation.tropical_moist_deciduous_forest.asia")
    >>> round(r.value, 4), r.per
    (13.7867, 'ha')
    """
    rows = _sequestration_rows()
    if key not in rows:
        near = [k for k in rows if k.startswith(key.rsplit(".", 1)[0])][:8]
        raise LeverError(f"no sequestration value {key!r}" + (f"; similar: {', '.join(near)}" if near else ""), key=key)
    if bound not in ("central", "low", "high"):
        raise LeverError(f"bound must be 'central', 'low' or 'high', got {bound!r}")
    row = rows[key]
    src = _sequestration_source()
    loc = f"IPCC 2006 Vol. 4 Table {row['table']} p. {row['page']} (EFDB {row['efdb_id']})"
    if row["quantity"] == "growth":
        cf = float(rows["carbon_fraction.tropical_and_subtropical"]["value"])
        if roots is None:
            r, rtxt = 0.0, "above-ground only (R = 0)"
        elif isinstance(roots, str):
            if roots not in rows or rows[roots]["quantity"] != "root_ratio":
                raise LeverError(f"{roots!r} is not a root_ratio key (Table 4.4)", key=roots)
            r, rtxt = float(rows[roots]["value"]), f"R = {rows[roots]['value']} ({roots}, Table 4.4)"
        else:
            r = float(roots)
            if not 0 <= r <= 2:
                raise LeverError(f"root-to-shoot ratio {roots!r} is outside 0-2")
            rtxt = f"R = {r:g} (given)"
        k = (1.0 + r) * cf * _C_TO_CO2

        def conv(x: str) -> float | None:
            return float(x) * k if x else None

        return SequestrationRate(
            key, _num(row, bound) * k, "ha", src,
            f"DERIVED: {bound} growth {_num(row, bound):g} t dm/ha/yr ({loc}) x (1 + R) x CF {cf:g} t C/t dm "
            f"(Table 4.3) x 44/12; {rtxt}",
            conv(row["low"]), conv(row["high"]),
        )
    if row["quantity"] in ("carbon_per_tree", "carbon_per_crown_ha"):
        per = "tree" if row["quantity"] == "carbon_per_tree" else "ha crown cover"
        return SequestrationRate(
            key, _num(row, bound) * _C_TO_CO2, per, src,
            f"DERIVED: {_num(row, bound):g} {row['unit']} ({loc}) x 44/12; {row['notes']}",
        )
    raise LeverError(f"{key!r} is a {row['quantity']}, not a sequestration rate", key=key)


def _rate(value: Any) -> SequestrationRate:
    if isinstance(value, SequestrationRate):
        return value
    if isinstance(value, str):
        return sequestration_rate(value)
    raise LeverError(f"rate must be a SequestrationRate or a key of sequestration_rate(), got {value!r}", field="rate")


@attrs.frozen(repr=False)  # Lever.__repr__: one line of key figures
class TreePlanting(Lever):
    """Tree planting / reforestation inside the boundary: a removal, reported apart from emissions.

    Removal per year = ``area x rate`` (or ``trees x rate`` for a per-tree rate),
    from *planted* (default: whenever the lever is active) for *duration* years
    (default: open-ended; IPCC Table 4.10 growth rates are for young
    plantations, so a duration of about 20 years is prudent).

    Parameters
    ----------
    rate : SequestrationRate or str
        E.g. ``"plantation.tropical_moist_deciduous_forest.asia"`` (see :func:`sequestration_rate`).
    area : float, optional
        Hectares (for per-ha rates).
    trees : float, optional
        Number of trees (for per-tree rates).
    planted : int, optional
        Year planted: no removal before it.
    duration : int, optional
        Years of growth counted from *planted* (whole years >= 1).
    site : str, optional
        Site inside the boundary where the trees stand (checked against the inventory).
    """

    kind = "tree-planting"
    description = "Trees planted inside the boundary; CO2 removed is reported separately, never netted silently."
    row_independent = True

    rate: SequestrationRate = attrs.field(converter=_rate)
    area: float | None = parameter("ha", "area planted", default=None, validator=_optional_nonneg)
    trees: float | None = parameter("1", "number of trees", default=None, validator=_optional_nonneg)
    planted: int | None = attrs.field(default=None, kw_only=True, converter=attrs.converters.optional(year_int))
    duration: int | None = attrs.field(default=None, kw_only=True)
    site: str | None = attrs.field(default=None, kw_only=True, converter=optional_str)

    def __attrs_post_init__(self) -> None:
        if self.rate.per == "tree":
            if self.trees is None or self.area is not None:
                raise LeverError(f"rate {self.rate.key!r} is per tree: give trees=, not area=", field="trees")
        elif self.area is None or self.trees is not None:
            raise LeverError(f"rate {self.rate.key!r} is per {self.rate.per}: give area= (ha), not trees=", field="area")
        if self.duration is not None and (isinstance(self.duration, bool) or not isinstance(self.duration, int)
                                          or self.duration < 1):
            raise LeverError(f"TreePlanting.duration must be a whole number of years >= 1, got {self.duration!r}",
                             field="duration")

    def _facts(self) -> list[tuple[str, str]]:
        return [("rate", self.rate.key), *super()._facts()]

    @property
    def amount(self) -> float:
        return float(self.trees if self.rate.per == "tree" else self.area)  # type: ignore[arg-type]

    def apply(self, inventory: Inventory, year: int) -> Inventory:
        if self.site is not None:
            self.require(inventory, inventory.mask(site=self.site), f"site {self.site!r} inside the boundary")
        return inventory

    def removals(self, inventory: Inventory, year: int) -> tuple[Removal, ...]:
        if self.planted is not None and (year < self.planted or (self.duration and year >= self.planted + self.duration)):
            return ()
        unit = "trees" if self.rate.per == "tree" else self.rate.per
        return (Removal(
            self.name, year, self.amount * self.rate.value,
            f"{self.amount:g} {unit} x {self.rate.value:.4f} t CO2/{self.rate.per}/yr; {self.rate.derivation}",
            self.rate.source,
        ),)
