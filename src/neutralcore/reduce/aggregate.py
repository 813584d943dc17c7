"""Rows summed by all their columns, and the combinations a lever changed, for row-independent levers.

Emissions, lever effects and price savings are linear in quantity and depend
on a row only through its columns, so summing the quantities of rows that
agree on every column (activity, unit, region, year, scope, category, site
and each extra dimension) leaves every figure a scenario or MAC curve
reports unchanged (up to the order of floating-point sums) while the levers
and the kernel see far fewer rows.  A lever that needs the individual rows
says so with ``row_independent = False`` (:class:`~neutralcore.levers.Lever`),
and then nothing is aggregated.

:func:`footprint` names the combinations a lever changed or captures from;
a MAC curve re-measures a lever only when its footprint meets the one of the
lever just applied (levers on disjoint rows cannot interact).

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

from typing import Hashable, Sequence

from neutralcore._core.categorical import Categorical, bincount, combine_codes, dense_space, factorize
from neutralcore.levers import Capture
from neutralcore.measure.inventory import Inventory

__all__ = ["aggregated", "footprint", "Combination"]

#: One combination of an inventory's columns: (year, activity, unit, region, scope, category, site, *dims).
Combination = tuple[Hashable, ...]


def _categoricals(inv: Inventory) -> list[Categorical]:
    return [inv.activity, inv.unit, inv.region, inv.scope, inv.category, inv.site, *inv.dims.values()]


def _groups(inv: Inventory) -> tuple[np.ndarray, int, np.ndarray]:
    """Each row's combination index, the number of combinations and one row standing for each."""
    year = factorize(inv.year)  # ascending, as a sort gives; a small range is coded with no sort
    cols, sizes = [year.codes], [max(len(year.categories), 1)]
    space = sizes[0]
    dense = dense_space(len(inv))  # combine_codes' dense table: no sort while the space stays this small
    for cat in _categoricals(inv):
        k = max(len(cat.categories), 1)
        if space * k > dense:  # the columns so far to one code per combination present, so the space stays small
            code, uniq = combine_codes(cols, sizes)
            cols, sizes, space = [code], [max(int(uniq.shape[0]), 1)], max(int(uniq.shape[0]), 1)
        cols.append(cat.codes)
        sizes.append(k)
        space *= k
    code, uniq = combine_codes(cols, sizes)
    size = int(uniq.shape[0])
    rep = np.empty(size, dtype=np.int64)
    rep[code] = np.arange(len(inv))  # any row of a group stands for it: they agree on every column
    return code, size, rep


def aggregated(inv: Inventory) -> Inventory:
    """*inv* with the quantities of rows equal in every column summed; row order and file provenance are not kept."""
    n = len(inv)
    if n == 0:
        return inv
    code, size, rep = _groups(inv)
    if size == n:
        return inv
    sub = inv.take(rep)
    return Inventory.from_columns(
        activity=sub.activity, quantity=bincount(code, inv.quantity, size), unit=sub.unit, region=sub.region,
        year=sub.year, scope=sub.scope, category=sub.category, site=sub.site, **dict(sub.dims),
    )


def footprint(before: Inventory, after: Inventory, captures: Sequence[Capture] = ()) -> frozenset[Combination] | None:
    """The combinations whose summed quantity differs between *before* and *after*, and those *captures* select.

    ``None`` when a combination with no quantity before has some after: a
    lever that put quantity on rows other levers saw empty may change what
    they do, so everything is re-measured after it.

    >>> import neutralcore as nc
    >>> inv = nc.Inventory([nc.Activity("electricity.grid", 10, "MWh", region="VN", year=2024, scope=2, site=s)
    ...                     for s in ("a", "b")])
    >>> cut = inv.with_quantity(inv.quantity * np.array([0.5, 1.0]))
    >>> sorted(c[6] for c in footprint(inv, cut))
    ['a']
    """
    if len(before) == len(after) and before.year is after.year and all(
            a is b for a, b in zip(_categoricals(before), _categoricals(after))):
        # the same rows with new quantities (what most levers return): compare row by row, a superset of
        # the combinations whose sums changed
        changed = before.quantity != after.quantity
        if (changed & (before.quantity == 0)).any():
            return None
        for c in captures:
            changed |= c.mask(after)
        return _combinations(after, np.flatnonzero(changed))
    nb = len(before)
    both = Inventory.concat([before, after])
    if len(both) == 0:
        return frozenset()
    code, size, rep = _groups(both)
    q_before = bincount(code[:nb], before.quantity, size)
    q_after = bincount(code[nb:], after.quantity, size)
    changed = q_before != q_after
    if (changed & (q_before == 0)).any():
        return None
    for c in captures:
        changed[code[nb:][c.mask(after)]] = True
    return _combinations(both, rep[np.flatnonzero(changed)])


def _combinations(inv: Inventory, rows: np.ndarray) -> frozenset[Combination]:
    """The distinct combinations of all columns of *inv* at *rows*."""
    if rows.shape[0] == 0:
        return frozenset()
    cats = _categoricals(inv)
    code = np.unique(inv.year[rows], return_inverse=True)[1].reshape(-1)
    size = int(code.max()) + 1
    for cat in cats:
        code, uniq = combine_codes([code, cat.codes[rows]], [size, max(len(cat.categories), 1)])
        size = int(uniq.shape[0])
    rep = np.empty(size, dtype=np.int64)
    rep[code] = rows
    columns = [inv.year[rep].tolist()]
    for cat in cats:
        labels = list(cat.categories)
        columns.append([labels[c] for c in cat.codes[rep].tolist()])
    return frozenset(zip(*columns))
