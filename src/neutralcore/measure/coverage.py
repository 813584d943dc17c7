"""Which activities a region has factors for, at which level of its fallback chain, and from which year.

:func:`coverage` answers what a verifier asks before a calculation: for a
place, which activities have a factor, whether it is the place's own, a
parent region's (a grid region), the country's or the IPCC ``World``
default, and which year it is.  It matches exactly as the kernel does
(:func:`neutralcore.measure.kernel.resolve`), so the table shows what a row
of that region and year would use.

Examples
--------
>>> import neutralcore as nc
>>> src = nc.Source("MONRE/DCC", "Viet Nam grid emission factor 2023", 2024)
>>> fs = nc.FactorSet.from_factors([nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, src)])
>>> t = coverage(fs, "VN-SG")
>>> t.row(0)["activity"], t.row(0)["level"], t.row(0)["region_used"], t.row(0)["year_used"]
('electricity.grid', 'country', 'VN', 2023)
"""

from __future__ import annotations

import re

import numpy as np

from neutralcore._core.table import Table
from neutralcore._core.validators import region_code, year_int
from neutralcore.measure.factor import WORLD
from neutralcore.measure.factorsource import FactorsLike, as_factorset
from neutralcore.measure.kernel import resolve_labels

__all__ = ["coverage", "LEVELS"]

#: The levels of a region's fallback chain, most specific first.
LEVELS = ("own", "parent", "country", "World")

_COUNTRY = re.compile(r"^[A-Z]{2}$")


def _level(region: str, used: str) -> str:
    if used == region:
        return "own"
    if used == WORLD:
        return "World"
    return "country" if _COUNTRY.match(used) else "parent"


def _years(years: list[int]) -> str | None:
    if not years:
        return None
    lo, hi = min(years), max(years)
    return str(lo) if lo == hi else f"{lo}-{hi}"


def coverage(factors: FactorsLike, region: str, *, year: int | None = None) -> Table:
    """One row per activity with a factor anywhere in *region*'s fallback chain.

    Parameters
    ----------
    factors : FactorSet, pack names or path
        What ``Inventory.emissions()`` accepts as factors.
    region : str
        A region code (``"VN-SG"``, ``"CN-JS"``, ``"US-CA"``).
    year : int, optional
        The data year of the rows to match.  Default: for each activity, the latest year any
        region of the chain has a factor for (what the newest data gives).

    Returns
    -------
    Table
        Columns ``activity``; ``level`` (``own``, ``parent``, ``country`` or ``World``: where in the
        chain the factor a row would use comes from); ``region_used`` and ``year_used``;
        ``fallback`` (``exact``, ``region``, ``year`` or ``region+year``, as in
        ``Emissions.matches``); ``own_years`` (the years *region* itself has, or ``None``);
        ``unit`` (every unit the key has a factor in, ``"; "``-separated); ``pack``; ``source``.  Activities with no factor up to *year* anywhere in the chain
        are left out.

    Raises
    ------
    InputError
        *region* is not a region code, *year* is not a year, or *factors* cannot be resolved.
    """
    fs = as_factorset(factors)
    region = region_code(region)
    wanted = None if year is None else year_int(year)
    chain = fs.region_chain(region)
    acts = list(fs.activity.categories)
    if not acts or not len(fs):
        return _table([], region)
    in_chain = np.isin(np.asarray(fs.region.categories, dtype=object)[fs.region.codes], np.asarray(chain, dtype=object))
    latest = np.full(len(acts), -1, dtype=np.int64)
    np.maximum.at(latest, fs.activity.codes[in_chain], fs.year[in_chain].astype(np.int64))
    own = fs.region.categories.index(region) if region in fs.region.categories else -1
    have = np.flatnonzero(latest >= 0) if wanted is None else np.arange(len(acts))
    order = sorted(have.tolist(), key=lambda i: acts[i])
    names = [acts[i] for i in order]
    years = [int(latest[i]) if wanted is None else wanted for i in order]
    res = resolve_labels(fs, names, [region] * len(names), years)
    used = res.region_used
    rows = []
    for j, i in enumerate(order):
        f = int(res.factor[j])
        if f < 0:
            continue
        y_used = int(res.year_used[j])
        kind = "+".join(k for k, on in (("region", used[j] != region), ("year", y_used != years[j])) if on) or "exact"
        own_years = sorted(int(y) for y in fs.year[(fs.activity.codes == i) & (fs.region.codes == own)]) if own >= 0 else []
        factor = fs.factor(f)
        same_key = (fs.activity.codes == i) & (fs.region.codes == fs.region.codes[f]) & (fs.year == y_used)
        units = "; ".join(fs.unit.categories[c] for c in dict.fromkeys(fs.unit.codes[same_key].tolist()))
        rows.append((acts[i], _level(region, str(used[j])), used[j], y_used, kind, _years(own_years),
                     units, factor.pack, str(factor.source)))
    return _table(rows, region)


def _table(rows: list[tuple], region: str) -> Table:
    columns = ("activity", "level", "region_used", "year_used", "fallback", "own_years", "unit", "pack", "source")
    return Table.from_rows(columns, rows, title=f"Factor coverage of {region}")
