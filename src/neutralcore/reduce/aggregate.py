"""An inventory with one row per distinct combination of all its columns, for row-independent levers.

Emissions, lever effects and price savings are linear in quantity and depend
on a row only through its columns, so summing the quantities of rows that
agree on every column (activity, unit, region, year, scope, category, site
and each extra dimension) leaves every figure a scenario or MAC curve
reports unchanged (up to the order of floating-point sums) while the levers
and the kernel see far fewer rows.  A lever that needs the individual rows
says so with ``row_independent = False`` (:class:`~neutralcore.levers.Lever`),
and then nothing is aggregated.

Examples
--------
>>> import neutralcore as nc
>>> inv = nc.Inventory([nc.Activity("electricity.grid", q, "MWh", region="VN", year=2024, scope=2, site="a")
...                     for q in (100.0, 200.0, 300.0)])
>>> agg = aggregated(inv)
>>> len(agg), float(agg.quantity.sum())
(1, 600.0)
"""

from __future__ import annotations

import numpy as np

from neutralcore._core.categorical import bincount, combine_codes
from neutralcore.measure.inventory import Inventory

__all__ = ["aggregated"]


def aggregated(inv: Inventory) -> Inventory:
    """*inv* with the quantities of rows equal in every column summed; row order and file provenance are not kept."""
    n = len(inv)
    if n == 0:
        return inv
    years, code = np.unique(inv.year, return_inverse=True)
    code = code.reshape(-1)
    size = int(years.shape[0])
    cats = [inv.activity, inv.unit, inv.region, inv.scope, inv.category, inv.site, *inv.dims.values()]
    for cat in cats:  # one column at a time, so the combined code never overflows
        code, uniq = combine_codes([code, cat.codes], [size, max(len(cat.categories), 1)])
        size = int(uniq.shape[0])
    if size == n:
        return inv
    rep = np.empty(size, dtype=np.int64)
    rep[code] = np.arange(n)  # any row of a group stands for it: they agree on every column
    sub = inv.take(rep)
    return Inventory.from_columns(
        activity=sub.activity, quantity=bincount(code, inv.quantity, size), unit=sub.unit, region=sub.region,
        year=sub.year, scope=sub.scope, category=sub.category, site=sub.site, **dict(sub.dims),
    )
