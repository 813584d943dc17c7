"""The vectorised core: match factors, convert units, weight by GWP, sum.

(Over 600 lines: matching, rating every key and naming the rows of each kind of problem share one call's arrays.)

Nothing here loops in Python over rows.  The work is folded per distinct key:

1. The inventory's rows are coded once into distinct (activity, region,
   year, unit) keys (cached on the inventory).
2. Each distinct (activity, region, year) is matched to one factor, with all
   chain levels and years searched at once with ``np.searchsorted``.
3. Each distinct (activity unit, factor unit) pair some row uses gets one pint multiplier;
   fuel density and net calorific value bridge volume, mass and energy, once per triple.
4. Per key: tonnes of each gas per activity unit, and CO2e per activity unit, gathered from the
   per-triple and per-pair values (broadcast over the dense key space: no work per key beyond a gather; with
   ``neutralcore[fast]`` each key's CO2e and scale in one compiled loop, its gases built only when read).
5. Per row (:mod:`neutralcore.measure.rowpass`): one pass counting each key's
   rows and summing their quantities, from which every total is a per-key dot
   product; group sums are one more chunked pass for all groupings asked for.

Matching rules
--------------
For a row (activity, region, year), by default (*year first*):

* the latest year up to the row's year that any region of the row's
  fallback chain has a factor for (the region itself, then its declared
  parent, …, an ISO 3166-2 code's country, then ``"World"``);
* at that year, the most specific region that has it.

So a year with no published factor uses the same choice as the latest year
that has one: Jiangsu 2024 uses what Jiangsu 2023 uses (the East China grid's
2023 factor), never an older provincial row.  *Region first*
(:meth:`FactorSet.with_fallback`) takes the most specific region with any
factor up to the row's year, its latest such year.

A factor is never taken from a later year.  Anything other than an exact
(region, year) match is a *fallback*, reported per row in
``Emissions.matches``; ``strict=True`` makes any fallback an error.
"""

from __future__ import annotations

from typing import Any, Mapping, Protocol, Sequence, overload

import numpy as np

from neutralcore._core.categorical import split_codes
from neutralcore._core.provenance import Provenance
from neutralcore.errors import (
    DimensionError, FactorNotFoundError, FallbackError, GWPBasisError, InputError, InvalidQuantityError,
    UnknownGasError,
)
from neutralcore.measure.convert import (
    BAD_DIMENSION, NO_FACTOR, NO_GWP, NO_PROPERTY, NO_RATE, OK, KeyProblems, property_problem, unit_multipliers,
)
from neutralcore.measure.emissions import Emissions, InventoryLike, check_dims, gas_sort_key, group_codes
from neutralcore.measure.factor import WORLD, FactorSet, parent_region
from neutralcore.measure.rowpass import fused_pass, grid_rates, key_sums
from neutralcore.gwp import DEFAULT_GWP, canonical_gwp_set, gwp_vector, in_scopes, reporting_weights
from neutralcore.measure.spend import ExchangeRates, PriceIndex
from neutralcore.units import dimension_of, split_factor_unit

__all__ = ["compute", "resolve", "resolve_labels", "KeyedRows", "RowKeyCodes"]


class RowKeyCodes(Protocol):
    """Each row's (activity, region, year, unit) key, coded (:class:`neutralcore.measure.inventory.RowKeys`)."""

    @property
    def code(self) -> np.ndarray: ...
    @property
    def sizes(self) -> tuple[int, int, int, int]: ...
    @property
    def ymin(self) -> int: ...
    @property
    def dense(self) -> bool: ...
    @property
    def uniq(self) -> np.ndarray | None: ...
    @property
    def n_keys(self) -> int: ...
    def key_sums(self, quantity: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None: ...


class RowLayoutLike(Protocol):
    """How an inventory's rows would be coded into dense keys (:class:`neutralcore.measure.inventory.RowLayout`)."""

    @property
    def sizes(self) -> tuple[int, int, int, int]: ...
    @property
    def ymin(self) -> int: ...
    @property
    def offsets(self) -> tuple[int, int, int, int]: ...
    @property
    def n_keys(self) -> int: ...
    @property
    def columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]: ...
    def keys(self, code: np.ndarray | None, sums: tuple[np.ndarray, np.ndarray, np.ndarray] | None) -> RowKeyCodes: ...


class KeyedRows(InventoryLike, Protocol):
    """What :func:`compute` reads of an inventory (an :class:`~neutralcore.Inventory` is one): its columns,
    its cached row keys (coded by *fused*, given their dense layout, when they are not coded yet and their
    space is dense) and, when read from CSV, the file and line numbers of its rows (``provenance``)."""

    @property
    def provenance(self) -> Provenance | None: ...
    def _row_keys(self, fused: Any = None) -> RowKeyCodes: ...  # fused: RowLayoutLike -> RowKeyCodes

_YEAR_SPAN = 10000


class Resolution:
    """Per (activity, region, year) triple: the factor chosen (-1 = none) and how.

    ``stale`` is True where the factor is used more years after its own year than its
    pack's ``validity_years`` allow (:meth:`FactorSet.with_validity`).
    """

    def __init__(self, fs: FactorSet, factor: np.ndarray, level: np.ndarray, year_used: np.ndarray,
                 year: np.ndarray | None = None):
        self._fs = fs
        self.factor = factor  # index into the FactorSet, -1 = none
        self.level = level  # 0 = own region, 1 = parent, …
        self.year_used = year_used
        self.stale = np.zeros(factor.shape[0], dtype=bool)
        #: True where the key found has factors in several dimensions, none of them the activity unit's
        self.ambiguous = np.zeros(factor.shape[0], dtype=bool)
        self.ambiguous_with = np.full(factor.shape[0], -1, dtype=np.int64)  # the other factor, for the error
        if fs.validity is not None and year is not None and factor.shape[0] and len(fs):
            limit = fs.validity[np.clip(factor, 0, None)]
            self.stale = (factor >= 0) & (limit >= 0) & (np.asarray(year, dtype=np.int64) - year_used > limit)

    @property
    def region_used(self) -> list[str | None]:
        regions = list(self._fs.region.categories)
        codes = self._fs.region.codes
        return [regions[codes[b]] if b >= 0 else None for b in self.factor.tolist()]


def _search(
    fsorted: np.ndarray, order: np.ndarray, group: np.ndarray, cur: np.ndarray, qy: np.ndarray, parent: np.ndarray,
    nreg: int, region_first: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Per query, the factor (index into the set; -1 none) and the level the rule picks.

    *fsorted* holds the factors' keys ``(group * nreg + region) * _YEAR_SPAN + year``, sorted, *order* their
    indices; every level of every region chain is searched at once with ``np.searchsorted``.
    """
    m = group.shape[0]
    best = np.full(m, -1, dtype=np.int64)
    best_level = np.full(m, -1, dtype=np.int64)
    best_year = np.full(m, -1, dtype=np.int64)
    level = 0
    alive = (group >= 0) & (cur >= 0)
    while alive.any() and level <= nreg and len(fsorted):
        pair = group * nreg + cur
        target = pair * _YEAR_SPAN + qy
        pos = np.searchsorted(fsorted, target, side="right") - 1  # this level's latest year up to the row's
        posc = np.clip(pos, 0, None)
        got_pair, got_year = np.divmod(fsorted[posc], _YEAR_SPAN)
        found = alive & (pos >= 0) & (got_pair == pair)
        # region first: the first level with any year ends the search; year first (the default): a level
        # replaces a more specific one only with a strictly later year, so the latest year wins, at the most
        # specific region that has it
        take = found & (best < 0) if region_first else found & (got_year > best_year)
        best[take] = order[posc[take]]
        best_level[take] = level
        best_year[take] = got_year[take]
        alive &= ~take if region_first else best_year != qy  # nothing beats the row's own year
        cur = np.where(cur >= 0, parent[np.clip(cur, 0, None)], -1)
        alive &= cur >= 0
        level += 1
    return best, best_level


def resolve(
    fs: FactorSet,
    activity_labels: Sequence[str],
    region_labels: Sequence[str],
    activity: np.ndarray,
    region: np.ndarray,
    year: np.ndarray,
    *,
    dimension_labels: Sequence[str] = (),
    dimension: np.ndarray | None = None,
) -> Resolution:
    """Match (activity, region, year) triples, given as codes into the label lists, to factors.

    Vectorised over triples: every level of every region chain is searched at
    once with ``np.searchsorted`` over the factors sorted by (activity, region, year).
    The order of the fallbacks is the factor set's (:meth:`FactorSet.with_fallback`).

    *dimension*, codes into *dimension_labels* (pint dimensionalities, e.g. ``"[length]"``), is
    the dimension of each triple's activity unit: the rules are applied first among the factors
    whose per-unit has that dimension (a car per km and per litre: a km row takes the per-km
    factor), and only where the chain has none of them among all factors, whose unit is then
    bridged by density and NCV.  Where that finds a key with factors in several other dimensions,
    the triple is ``ambiguous`` (``Resolution.ambiguous``, ``Resolution.ambiguous_with``).
    """
    m = int(np.asarray(activity).shape[0])
    universe: dict[str, int] = {}
    for r in list(fs.region.categories) + list(fs.regions) + list(region_labels) + [WORLD]:
        universe.setdefault(r, len(universe))
    parent_of: list[int] = []
    names = list(universe)
    for r in names:  # grows while parents (declared, or an ISO 3166-2 code's country) are met
        p = parent_region(r, fs.regions)
        if p is not None and p not in universe:
            universe[p] = len(universe)
            names.append(p)
        parent_of.append(-1 if p is None else universe[p])
    parent = np.array(parent_of, dtype=np.int64)
    act_code = {a: i for i, a in enumerate(fs.activity.categories)}
    nreg = len(universe)

    f_region = np.array([universe[r] for r in fs.region.categories], dtype=np.int64)[fs.region.codes] if len(fs) else np.zeros(0, np.int64)
    f_act = fs.activity.codes.astype(np.int64)
    fkey = (f_act * nreg + f_region) * _YEAR_SPAN + fs.year
    order = np.argsort(fkey, kind="stable")
    fsorted = fkey[order]

    act_map = np.array([act_code.get(a, -1) for a in activity_labels], dtype=np.int64)
    reg_map = np.array([universe[r] for r in region_labels], dtype=np.int64)
    qa = act_map[np.asarray(activity, dtype=np.int64)] if m else np.zeros(0, np.int64)
    cur = reg_map[np.asarray(region, dtype=np.int64)] if m else np.zeros(0, np.int64)
    qy = np.asarray(year, dtype=np.int64)
    region_first = fs.fallback == "region"

    best = np.full(m, -1, dtype=np.int64)
    level = np.full(m, -1, dtype=np.int64)
    f_dim, f_dim_labels = fs.per_unit_dimensions() if len(fs) else (np.zeros(0, np.int64), ())
    if dimension is not None and fs.has_mixed_dimensions():  # some activity has factors in several dimensions
        dim_code = {d: i for i, d in enumerate(f_dim_labels)}
        ndim = len(f_dim_labels)
        q_dim = np.array([dim_code.get(d, -1) for d in dimension_labels], dtype=np.int64)[np.asarray(dimension, dtype=np.int64)] \
            if m else np.zeros(0, np.int64)
        dkey = ((f_act * ndim + f_dim) * nreg + f_region) * _YEAR_SPAN + fs.year
        dorder = np.argsort(dkey, kind="stable")
        group = np.where((qa >= 0) & (q_dim >= 0), qa * ndim + q_dim, -1)
        best, level = _search(dkey[dorder], dorder, group, cur, qy, parent, nreg, region_first)
    rest = np.flatnonzero(best < 0)
    ambiguous = np.zeros(m, dtype=bool)
    ambiguous_with = np.full(m, -1, dtype=np.int64)
    if rest.size == m:  # no dimension pass (the usual case): no copies
        best, level = _search(fsorted, order, qa, cur, qy, parent, nreg, region_first)
    elif rest.size:
        best[rest], level[rest] = _search(fsorted, order, qa[rest], cur[rest], qy[rest], parent, nreg, region_first)
    if rest.size and fs.has_multi_unit_keys():
        # the key found has factors in more than one dimension, none of them the row's: which to bridge is not ours to guess
        b = best[rest]
        hit = b >= 0
        sorted_pos = np.empty(len(fs), dtype=np.int64)
        sorted_pos[order] = np.arange(len(fs))
        pos = np.where(hit, sorted_pos[np.clip(b, 0, None)], -1)
        first = np.searchsorted(fsorted, fsorted[np.clip(pos, 0, None)], side="left")
        several = hit & (first < np.clip(pos, 0, None))
        ambiguous[rest[several]] = True
        ambiguous_with[rest[several]] = order[first[several]]
    year_used = np.where(best >= 0, fs.year[np.clip(best, 0, None)] if len(fs) else 0, -1)
    res = Resolution(fs, best, level, year_used, qy)
    res.ambiguous, res.ambiguous_with = ambiguous, ambiguous_with
    return res


def resolve_labels(fs: FactorSet, activity: Sequence[str], region: Sequence[str], year: Sequence[int] | np.ndarray) -> Resolution:
    """:func:`resolve` for triples given as labels (small inputs)."""
    acts = list(dict.fromkeys(activity))
    regs = list(dict.fromkeys(region))
    a_pos = {a: i for i, a in enumerate(acts)}
    r_pos = {r: i for i, r in enumerate(regs)}
    return resolve(
        fs, acts, regs,
        np.array([a_pos[a] for a in activity], dtype=np.int64),
        np.array([r_pos[r] for r in region], dtype=np.int64),
        np.asarray(year, dtype=np.int64),
    )


def _row_values(quantity: np.ndarray, coef: np.ndarray, code: np.ndarray) -> np.ndarray:
    """Per-row CO2e, materialised only when an error must find the rows responsible."""
    with np.errstate(over="ignore", invalid="ignore"):
        return quantity * coef[code]


# reasons a key has no coefficient (0 = fine)
_OK, _NO_FACTOR, _BAD_DIMENSION, _NO_PROPERTY, _NO_GWP, _NO_RATE = OK, NO_FACTOR, BAD_DIMENSION, NO_PROPERTY, NO_GWP, NO_RATE
_AMBIGUOUS = 6  # the key found has factors in several dimensions, none the row unit's (after measure.convert's reasons)


def _raise_for(
    bad_keys: np.ndarray, reason: np.ndarray, rows_of: Any, labels: Any, fs: FactorSet, fidx: np.ndarray,
    u_k: np.ndarray, unit_labels: Sequence[str], gases: Sequence[str], gwp: str, ambiguous_with: np.ndarray,
    problems: KeyProblems | Mapping[int, str] | None = None,
) -> None:
    """Raise the error for the first problem among keys that rows actually use."""
    acts, regs, years, t_of_k = labels
    order = [_NO_FACTOR, _AMBIGUOUS, _BAD_DIMENSION, _NO_PROPERTY, _NO_RATE, _NO_GWP]
    kinds = reason[bad_keys]
    kind = next(r for r in order if (kinds == r).any())
    keys = bad_keys[kinds == kind]
    rows = rows_of(keys)
    where = rows_of.describe(rows)
    k = int(keys[0])
    t = int(t_of_k[k])
    if kind == _NO_FACTOR:
        tri = sorted({int(t_of_k[x]) for x in keys.tolist()})
        names = [f"({acts[i]}, {regs[i]}, {int(years[i])})" for i in tri[:5]]
        raise FactorNotFoundError(
            f"no factor for {len(tri)} key(s): {', '.join(names)}" + (" …" if len(tri) > 5 else "")
            + f"; {where}. Region fallback follows the factor set's region chain to 'World'; "
            "year fallback takes only earlier years.",
            keys=[(acts[i], regs[i], int(years[i])) for i in tri],
            rows=rows, **rows_of.fields(rows),
        )
    au = unit_labels[int(u_k[k])]
    pu = split_factor_unit(fs.unit.categories[int(fs.unit.codes[fidx[k]])])[1]
    if kind == _AMBIGUOUS:
        a, b = fs.factor(int(fidx[k])), fs.factor(int(ambiguous_with[t]))
        raise DimensionError(
            f"an activity in {au!r} ({dimension_of(au)}) fits none of the factors for ({a.activity}, {a.region}, {a.year}), "
            f"which has one per {b.per_unit!r} ({dimension_of(b.per_unit)}) and one per {a.per_unit!r} "
            f"({dimension_of(a.per_unit)}): which to convert through is ambiguous; give the rows in one of those "
            f"units: ({acts[t]}, {regs[t]}, {int(years[t])}); {where}",
            unit=au, expected=pu, rows=rows, **rows_of.fields(rows),
        )
    if kind == _BAD_DIMENSION and dimension_of(au) == dimension_of(pu):
        raise DimensionError(
            f"an activity in {au!r} cannot use a factor per {pu!r}: an offset scale (degC, degF) is not converted "
            f"by a multiplier; use kelvin or delta_degC: ({acts[t]}, {regs[t]}, {int(years[t])}); {where}",
            unit=au, expected=pu, rows=rows, **rows_of.fields(rows),
        )
    if kind == _BAD_DIMENSION:
        raise DimensionError(
            f"an activity in {au!r} cannot use a factor per {pu!r} ({dimension_of(au)} vs {dimension_of(pu)}): "
            f"({acts[t]}, {regs[t]}, {int(years[t])}); {where}",
            unit=au, expected=pu, rows=rows, **rows_of.fields(rows),
        )
    if kind == _NO_PROPERTY:
        raise DimensionError(
            f"{property_problem(fs.factor(int(fidx[k])), au, pu)}; {where}",
            unit=au, expected=pu, rows=rows, **rows_of.fields(rows),
        )
    if kind == _NO_RATE:
        raise DimensionError(
            f"{(problems or {}).get(k, 'no exchange rate or price index')}: ({acts[t]}, {regs[t]}, {int(years[t])}); {where}",
            unit=au, expected=pu, rows=rows, **rows_of.fields(rows),
        )
    missing = [g for g in gases if in_scopes(g) and np.isnan(gwp_vector_lenient((g,), gwp)[0])]
    try:
        gwp_vector(missing, gwp)
    except UnknownGasError as exc:
        raise UnknownGasError(f"{exc.message}; {where}", gas=missing[0], gwp=gwp, rows=rows, **rows_of.fields(rows)) from None


def _check_co2e_basis(fs: FactorSet, fidx: np.ndarray, co2e_t: np.ndarray, gwp: str, labels: Any,
                      rows_of: Any) -> None:
    """strict=True: a CO2e amount published under another GWP set than *gwp* is an error (*co2e_t* is 0 for a key
    no row uses)."""
    keys = np.flatnonzero(co2e_t > 0)  # keys no row uses have none
    factors = np.unique(fidx[keys])
    other = [f for f in factors.tolist() if fs.gwp_basis_of(f) != gwp]  # once per factor, not per key
    off = keys[np.isin(fidx[keys], other)].tolist()
    if off:
        acts, regs, years, t_of_k = labels
        t = int(t_of_k[off[0]])
        rows = rows_of(np.array(off))
        raise GWPBasisError(
            f"strict=True: ({acts[t]}, {regs[t]}, {int(years[t])}) gives CO2e published under "
            f"{fs.gwp_basis_of(int(fidx[off[0]]))}, not {gwp}; {len(off)} key(s) would keep their publisher's basis; "
            f"{rows_of.describe(rows)}", rows=rows, **rows_of.fields(rows),
        )


def gwp_vector_lenient(gases: Sequence[str], gwp: str) -> np.ndarray:
    """GWP values, NaN for a gas that has none in the set (checked later against the rows)."""
    out = np.empty(len(gases))
    for i, g in enumerate(gases):
        try:
            out[i] = gwp_vector((g,), gwp)[0]
        except UnknownGasError:
            out[i] = np.nan
    return out


class _TripleLabels(Sequence[str]):
    """Each triple's activity (or region) label, looked up from the inventory's labels when first read: the job
    itself reads none of them (at 10,000 triples a list of 10,000 would be built for an error or a report)."""

    def __init__(self, labels: Sequence[str], codes: np.ndarray) -> None:
        self._labels, self._codes = labels, codes
        self._list: list[str] | None = None

    def _values(self) -> list[str]:
        if self._list is None:
            self._list = np.array(self._labels, dtype=object)[self._codes].tolist() if len(self._codes) else []
        return self._list

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> list[str]: ...
    def __getitem__(self, i: int | slice) -> str | list[str]:
        return self._values()[i]

    def __len__(self) -> int:
        return int(self._codes.shape[0])


def _gas_table(scale: np.ndarray, per_t: np.ndarray, grid: int) -> np.ndarray:
    """Each dense key ``t * grid + u``'s t of each gas per activity unit: its scale times its triple's gases."""
    n_t, n_gas = per_t.shape
    with np.errstate(invalid="ignore", over="ignore"):
        return (scale.reshape(n_t, grid)[:, :, None] * per_t[:, None, :]).reshape(n_t * grid, n_gas)


class _KeyGases:
    """Each dense key's t of each gas per activity unit, worked out when first read: the key's scale (t per
    activity unit) times its triple's gases, 0 for the keys in ``zero`` (a problem, or no row).

    The kernel's own work needs only each key's CO2e; the table (keys x gases, 4.8 MB at 200,000 keys and three
    gases) is built for whoever reads a key's gases (``Emissions.per_gas()``, ``keys()``, a by() not summed in
    the pass), the same numbers as the compiled rates loop's.
    """

    def __init__(self, scale: np.ndarray, per_t: np.ndarray, grid: int) -> None:
        self.scale, self.per_t, self.grid = scale, per_t, grid
        self.zero: np.ndarray | None = None  # per key: True where its gases are 0

    def pick(self, columns: list[int]) -> "_KeyGases":
        """The same keys with the gas columns *columns* only."""
        out = _KeyGases(self.scale, np.ascontiguousarray(self.per_t[:, columns]), self.grid)
        out.zero = self.zero
        return out

    def __call__(self) -> np.ndarray:
        gas = _gas_table(self.scale, self.per_t, self.grid)
        if self.zero is not None:
            gas[self.zero] = 0.0
        if not np.isfinite(gas).all():
            np.nan_to_num(gas, copy=False)
        return gas


class _PerKey:
    """Per key of a layout: its triple, unit, factor and reason, and its rates (t of each gas and t CO2e per unit)."""

    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)
        self.t_of_k: np.ndarray
        self.u_k: np.ndarray
        self.res: Resolution
        self.acts: Sequence[str]
        self.regs: Sequence[str]
        self.ty: np.ndarray
        self.f_t: np.ndarray
        self.reason: np.ndarray
        self.problems: KeyProblems
        self.vals: np.ndarray
        self.columns: list[int]
        self.gases: tuple[str, ...]
        self.gas_t: np.ndarray | _KeyGases  # keys x gases, or what works it out when read
        self.weights: np.ndarray
        self.co2e: np.ndarray
        self.pick: list[int]  # the columns of the gases, in gas_t as computed for every key
        self.grid: int | None  # keys t * grid + u over every unit (the dense space, one dimension): else None
        self.factors: tuple[np.ndarray, np.ndarray, np.ndarray] | None  # grid with numba: each key's scale, each
        # triple's gases and the weights, from which a row's rates are worked out in the pass (three gases only)
        self.no_gwp: bool  # some key has a gas without a GWP in the set (its reason _NO_GWP)

    def for_rows(self, fs: FactorSet, gwp: str, present: np.ndarray | None) -> "_PerKey":
        """The same with the gases of the keys rows use (computed for every key, before the rows were read).

        A key refused for a gas without a GWP still uses its gases: the error names the gas."""
        reason = np.where(self.reason == _NO_GWP, _OK, self.reason) if self.no_gwp else self.reason
        columns = _used_columns(fs, self.vals, reason, self.t_of_k, present, self.grid)
        if columns == self.columns:  # the usual case: no copy
            return self
        pick = [self.columns.index(j) for j in columns]
        gases = tuple(fs.gases[j] for j in columns)
        weights, _ = reporting_weights(gases, gwp)
        out = _PerKey(**self.__dict__)
        gas_t = self.gas_t.pick(pick) if isinstance(self.gas_t, _KeyGases) else self.gas_t[:, pick]
        out.columns, out.gases, out.gas_t, out.weights, out.pick = columns, gases, gas_t, weights, pick
        return out


def _used_columns(fs: FactorSet, vals: np.ndarray, reason: np.ndarray, t_of_k: np.ndarray,
                  present: np.ndarray | None, grid: int | None = None) -> list[int]:
    """The factor set's gas columns some key without a problem (that a row uses) has a value for, in gas order.

    *grid*: the keys are ``t * grid + u`` over every unit (then each triple's keys are a row of a reshape).  A gas
    every factor has is used as soon as any such key is; only the other gases look at the keys' factors."""
    ok_key = reason == _OK
    if present is not None:
        ok_key &= present
    used = fs.complete_gases() & ok_key.any() if vals.shape[1] else np.zeros(0, bool)
    rest = np.flatnonzero(~fs.complete_gases()) if vals.shape[1] else np.zeros(0, np.int64)
    if rest.size:
        if grid:
            ok_t = ok_key.reshape(-1, grid).any(axis=1)
        else:
            ok_t = np.bincount(t_of_k[ok_key], minlength=vals.shape[0]) > 0
        used[rest] = (~np.isnan(vals[:, rest]) & ok_t[:, None]).any(axis=0)  # a mask, not a copy of the rows
    return sorted(np.flatnonzero(used).tolist(), key=lambda j: gas_sort_key(fs.gases[j]))


def _per_key(inv: KeyedRows, fs: FactorSet, gwp: str, sizes: tuple[int, int, int, int], ymin: int,
             uniq: np.ndarray | None, present: np.ndarray | None, rates: ExchangeRates | None,
             prices: PriceIndex | None) -> _PerKey:
    """Match and rate every key: the dense space's (*uniq* ``None``) or the combinations *uniq* holds.

    *present* marks the keys rows use (``None``: every key, or not known yet).
    """
    n_act, n_reg, span, n_unit = sizes
    # matched per (activity, region, year) and, where some activity has factors in several dimensions of unit,
    # the dimension of the activity unit (diesel per L and per kWh: L rows and kWh rows match apart)
    dim_labels: list[str] = []
    d_of_u = np.zeros(max(n_unit, 1), dtype=np.int64)
    if len(fs) and fs.has_mixed_dimensions():
        dims = [dimension_of(u) for u in inv.unit.categories]
        dim_labels = list(dict.fromkeys(dims))
        d_of_u[: len(dims)] = [dim_labels.index(d) for d in dims]
    n_dim = max(len(dim_labels), 1)
    grid: int | None = None
    t_of_k: np.ndarray
    u_k: np.ndarray
    if uniq is None:
        # the keys are the rows' dense codes, triple-major: each key's triple and unit by broadcasting
        n_tri = n_act * n_reg * span
        # int32 while the keys fit: these are per-key arrays, and fresh memory is page-faulted in
        index = np.int32 if n_tri * max(n_unit, 1) * n_dim < 2**31 else np.int64
        if n_dim == 1:
            grid = n_unit  # key t * n_unit + u: its triple t repeated, its unit tiled
            t_of_k = np.repeat(np.arange(n_tri, dtype=index), n_unit)
        else:
            t_of_k = (np.arange(n_tri, dtype=np.int64)[:, None] * n_dim + d_of_u[None, :n_unit]).reshape(-1)
        u_k = np.tile(np.arange(n_unit, dtype=index), n_tri)
        tri_ids = np.arange(n_tri * n_dim, dtype=np.int64)
    else:
        a_k, r_k, y_k, u_k = split_codes(uniq, sizes)
        tri = ((a_k * n_reg + r_k) * span + y_k) * n_dim + d_of_u[u_k]
        tri_ids, t_of_k = np.unique(tri, return_inverse=True)
        t_of_k = t_of_k.reshape(-1)
    td, tri_ids = tri_ids % n_dim, tri_ids // n_dim
    ta, tr, ty = tri_ids // (n_reg * span), (tri_ids // span) % n_reg, tri_ids % span + ymin
    res = resolve(fs, inv.activity.categories, inv.region.categories, ta, tr, ty,
                  dimension_labels=dim_labels, dimension=td if dim_labels else None)
    acts, regs = _TripleLabels(inv.activity.categories, ta), _TripleLabels(inv.region.categories, tr)

    # per triple: the factor and whether it has one; per key only gathers of per-triple and per-unit-pair values
    reason_t = np.where(res.factor < 0, _NO_FACTOR, _OK).astype(np.int8)
    reason_t[res.ambiguous & (reason_t == _OK)] = _AMBIGUOUS
    f_t = np.where(res.factor < 0, 0, res.factor)
    reason = np.repeat(reason_t, grid) if grid else reason_t[t_of_k]
    problems = KeyProblems()
    if len(fs):
        mult = unit_multipliers(fs, f_t, u_k, inv.unit.categories, reason, years=ty, rates=rates, prices=prices,
                                problems=problems, triple=t_of_k, present=present, grid=grid)
        to_t = np.array([split_factor_unit(u)[2] for u in fs.unit.categories])[fs.unit.codes[f_t]]
        vals = fs.values[f_t]
    else:
        mult, to_t, vals = np.full(len(t_of_k), np.nan), np.ones(len(f_t)), np.zeros((len(f_t), 0))
    columns = _used_columns(fs, vals, reason, t_of_k, present, grid)
    gases = tuple(fs.gases[j] for j in columns)
    # gases outside the scopes (Montreal, other, biogenic CO2) keep their GWP for reporting but weigh 0 here
    weights, scoped = reporting_weights(gases, gwp)
    weigh = np.nan_to_num(np.where(scoped, weights, 0.0))
    rates_loop = grid_rates(len(t_of_k)) if grid else None
    co2e: np.ndarray | None = None
    factors = None
    with np.errstate(invalid="ignore"):  # t of gas per activity unit; 0 for a key with a problem
        gas_t: np.ndarray | _KeyGases
        if rates_loop is not None:  # the dense keys' CO2e and scale in one compiled loop; their gases when read
            per_t = np.ascontiguousarray(np.nan_to_num(vals[:, columns]))
            co2e, scale = rates_loop(to_t, mult, per_t, weigh, reason, _OK)
            gas_t = _KeyGases(scale, per_t, n_unit)
            gas_t.zero = reason != _OK
            if len(columns) == 3:
                factors = (scale, per_t, weigh)
        elif grid:  # dense keys are (triple, unit): a broadcast per gas into its column, no gather
            scale = to_t[:, None] * mult.reshape(len(f_t), n_unit)
            scale[reason.reshape(scale.shape) != _OK] = 0.0
            gas_t = _gas_table(scale.reshape(-1), np.nan_to_num(vals[:, columns]), n_unit)
        else:
            scale = np.where(reason == _OK, to_t[t_of_k] * mult, 0.0)
            gas_t = np.nan_to_num(vals[:, columns])[t_of_k] * scale[:, None]
    if np.isnan(weights[scoped]).any():
        if isinstance(gas_t, _KeyGases):  # needed now: a gas without a GWP is looked for in every key's gases
            gas_t = gas_t()
        ok_key = reason == _OK
        no_gwp = (gas_t[:, np.isnan(weights) & scoped] > 0).any(axis=1) & (ok_key if present is None else ok_key & present)
        reason[no_gwp] = _NO_GWP
        gas_t[no_gwp] = 0.0
        if co2e is not None:
            co2e[no_gwp] = np.nan
        no_gwp_any = bool(no_gwp.any())
    else:
        no_gwp_any = False
    if co2e is None:
        with np.errstate(invalid="ignore"):
            co2e = gas_t @ weigh if gases else np.zeros(len(t_of_k))
        co2e[reason != _OK] = np.nan
    return _PerKey(t_of_k=t_of_k, u_k=u_k, res=res, acts=acts, regs=regs, ty=ty, f_t=f_t, reason=reason,
                   problems=problems, vals=vals, columns=columns, gases=gases, gas_t=gas_t, weights=weights, co2e=co2e,
                   pick=list(range(len(columns))), grid=grid, factors=factors, no_gwp=no_gwp_any)


def compute(
    inv: KeyedRows, fs: FactorSet, *, gwp: str | None = None, strict: bool = False,
    rates: ExchangeRates | None = None, prices: PriceIndex | None = None,
    by: Sequence[Sequence[str]] = (), by_gases: bool = True,
) -> Emissions:
    """Location-based emissions of inventory *inv* with factor set *fs* under GWP set *gwp*.

    Pack names and paths are turned into a FactorSet before this, at the API
    edge (:meth:`Inventory.emissions`, through
    :func:`neutralcore.measure.factorsource.as_factorset`); the market-based
    scope 2 view is built on the result by :mod:`neutralcore.measure.scope2`.

    Parameters
    ----------
    inv : Inventory
    fs : FactorSet
    gwp : {"AR5", "AR4", "AR6", "SAR", "TAR", "AR6-GWP20"}, optional
        GWP set; default :data:`neutralcore.gwp.DEFAULT_GWP` (AR5).
    strict : bool
        Make any region or year fallback an error, and any ``CO2e`` amount published under another GWP set
        than *gwp* (otherwise kept as published and listed by :meth:`Emissions.co2e_basis`).
    rates, prices : ExchangeRates, PriceIndex, optional
        The tables a spend in another currency or price year than its factor's needs
        (:mod:`neutralcore.measure.spend`).
    by : sequence of tuples of str, optional
        Groupings summed now, with each gas unless *by_gases* is False (:meth:`Emissions.by` and
        :meth:`Emissions.by_many` then read them without a pass).  Rows not coded yet into a dense key space
        are coded, totalled and grouped in one pass (each key's row count and quantity are summed later, only
        if asked for); otherwise the groupings take one pass, all together.

    Returns
    -------
    Emissions
    """
    if not isinstance(fs, FactorSet):
        raise InputError(f"compute() needs a FactorSet, got {type(fs).__name__}", column="factors")
    gwp = DEFAULT_GWP if gwp is None else gwp
    gwp_vector((), gwp)  # validate the set name early
    if isinstance(by, (str, bytes)) or not all(isinstance(g, (list, tuple)) for g in by):
        raise InputError("by= takes a list of groupings, each a tuple of dimensions, e.g. [('scope',), "
                         "('scope', 'site')]", column="by")
    planned = [check_dims(inv, tuple(g)) for g in by]
    planned = list(dict.fromkeys(planned))
    coded = [group_codes(inv, d) for d in planned]
    in_pass: dict[str, Any] = {}  # what the fused pass gave, when the rows were coded by it

    def fused(lay: RowLayoutLike) -> RowKeyCodes:
        # dense keys: per-key rates first (for every key of the space), then one pass for the keys rows use, the
        # total and every planned group sum (with no grouping planned, CO2e only: a gas is summed when asked for)
        pk = _per_key(inv, fs, gwp, lay.sizes, lay.ymin, None, None, rates, prices)
        factored = None
        gases_in_pass = by_gases and bool(coded)
        if gases_in_pass and pk.factors is not None and pk.grid == lay.sizes[3]:  # rates worked out per row from the
            factored = pk.factors  # key's scale and its triple's gases: a quarter of the table
        gas_of_key = None
        if gases_in_pass and not factored:
            gas_of_key = pk.gas_t() if isinstance(pk.gas_t, _KeyGases) else pk.gas_t
        if gas_of_key is not None:
            pk.gas_t = gas_of_key  # built for the pass: kept, not built again when read
        rate = None if factored else np.column_stack([pk.co2e, gas_of_key]) if gas_of_key is not None else pk.co2e[:, None]
        seen_, total_, sums_ = fused_pass(lay.columns, lay.sizes, lay.offsets, inv.quantity, lay.n_keys, rate,
                                          [(c[0], c[3]) for c in coded], factored=factored)
        # the total as the sum of the first grouping's sums (summed alike by both backends), not the pass's own
        # running total (numpy sums a chunk pairwise, the compiled loop row by row: 1e-12 apart at worst); with no
        # grouping, the pass's total (then summed row by row by both)
        with np.errstate(invalid="ignore", over="ignore"):
            total_ = float(np.sum(sums_[0][:, 0])) if sums_ and not np.isnan(total_) else total_
        in_pass.update(pk=pk, seen=seen_, total=total_, sums=sums_)
        return lay.keys(None, None)  # each row's code is combined again only if something asks for it

    rk = inv._row_keys(fused)
    dense = rk.dense or rk.uniq is None
    key_rows: np.ndarray | None = None
    key_qty: np.ndarray | None = None
    present: np.ndarray | None = None  # per key: whether a row uses it (None: every key)
    if "pk" in in_pass:  # the keys' counts and quantities are left to whoever asks (Emissions sums them then)
        present = in_pass["seen"]
        pk = in_pass["pk"].for_rows(fs, gwp, present)
    else:
        known = rk.key_sums(inv.quantity)  # given by the pass that coded the rows, when it could
        key_rows, key_qty = known if known is not None else key_sums(rk.code, inv.quantity, rk.n_keys)
        present = key_rows > 0 if dense else None
        pk = _per_key(inv, fs, gwp, rk.sizes, rk.ymin, None if dense else rk.uniq, present, rates, prices)
    t_of_k, u_k, res, acts, regs, ty = pk.t_of_k, pk.u_k, pk.res, pk.acts, pk.regs, pk.ty
    reason, problems, gases, gas_t, weights, co2e = pk.reason, pk.problems, pk.gases, pk.gas_t, pk.weights, pk.co2e
    f_t = pk.f_t.astype(np.int32) if len(fs) < 2**31 else pk.f_t  # per key below: the narrower, the fewer pages
    fsafe = np.repeat(f_t, pk.grid) if pk.grid else f_t[t_of_k]

    labels = (acts, regs, ty, t_of_k)

    origin = inv.provenance  # files and line numbers when read from CSV

    class _Rows:
        """First rows (0-based positions) using some keys, and a text naming them (with CSV lines)."""

        def __call__(self, keys: np.ndarray) -> list[int]:
            return np.flatnonzero(np.isin(rk.code, keys))[:10].tolist()

        def describe(self, rows: list[int]) -> str:
            """Rows read from a file by their file lines; rows built in memory by their 0-based positions."""
            if origin is not None:
                return f"first lines {origin.lines(rows)} of {origin.source(rows)} (rows {rows}, 0-based)"
            return f"first rows {rows} (0-based)"

        def fields(self, rows: list[int]) -> dict[str, Any]:
            """``lines`` and ``source`` of the error when the inventory was read from a CSV file."""
            if origin is None:
                return {}
            return origin.fields(rows)

    rows_of = _Rows()

    bad = np.isnan(co2e)
    bad_keys = np.flatnonzero(bad if present is None else bad & present)  # keys with a problem that rows use
    if bad_keys.size:
        _raise_for(bad_keys, reason, rows_of, labels, fs, fsafe, u_k, inv.unit.categories, gases, gwp,
                   res.ambiguous_with, problems)
    # keys no row uses, or with a problem no row meets, have no emissions
    idle = bad if present is None else bad | ~present
    idle_keys = np.flatnonzero(idle)
    if idle_keys.size:
        co2e[idle_keys] = 0.0
        fsafe[idle_keys] = 0
        if isinstance(gas_t, _KeyGases):  # cleared when the table is built
            gas_t.zero = idle
        elif present is not None:  # a key with a problem has 0 of each gas already
            gas_t[np.flatnonzero(~(bad | present))] = 0.0  # whole rows by index: faster than a broadcast mask
    if not isinstance(gas_t, _KeyGases) and not np.isfinite(co2e).all():  # a gas rate that is not finite makes
        np.nan_to_num(gas_t, copy=False)  # its key's CO2e not finite
    with np.errstate(over="ignore", invalid="ignore"):
        row_sum = float(key_qty @ co2e) if key_qty is not None else in_pass["total"]
    if np.isinf(row_sum):  # quantities so large that CO2e overflows a float: no number would be right
        row = _row_values(inv.quantity, co2e, rk.code)
        rows = np.flatnonzero(np.isinf(row))[:10].tolist() or np.argsort(row)[-10:][::-1].tolist()
        raise InvalidQuantityError(
            f"emissions overflow (larger than {np.finfo(float).max:.3g} t CO2e); check the quantities and units; "
            f"{rows_of.describe(rows)}", column="quantity", rows=rows, **rows_of.fields(rows),
        )
    fb = (res.level > 0) | (res.year_used != ty)
    if strict and fb.any():
        fb_k = fb[t_of_k]
        fb_keys = np.flatnonzero(fb_k if present is None else fb_k & present)
        if fb_keys.size:
            stale_keys = fb_keys[res.stale[t_of_k[fb_keys]]]
            fb_keys = stale_keys if stale_keys.size else fb_keys  # the worse problem first
            t = int(t_of_k[fb_keys[0]])
            rows = rows_of(fb_keys)
            f_stale = res.stale[t]
            raise FallbackError(
                f"strict=True: ({acts[t]}, {regs[t]}, {int(ty[t])}) would use the factor for "
                f"({res.region_used[t]}, {int(res.year_used[t])})"
                + (f", a stale fallback: {int(ty[t]) - int(res.year_used[t])} years after its year, more than its "
                   f"pack's validity of {int(fs.validity[res.factor[t]])} years" if f_stale and fs.validity is not None
                   else "") + "; "
                f"{len(np.unique(t_of_k[fb_keys]))} key(s) need a fallback; {rows_of.describe(rows)}",
                rows=rows, **rows_of.fields(rows),
            )
    if strict and "CO2e" in gases:
        table = gas_t() if isinstance(gas_t, _KeyGases) else gas_t
        _check_co2e_basis(fs, fsafe, table[:, gases.index("CO2e")], canonical_gwp_set(gwp), labels, rows_of)
        gas_t = table
    em = Emissions(
        inventory=inv, factors=fs, gwp=canonical_gwp_set(gwp), gases=gases, gwp_weights=weights,
        key_codes=rk, key_factor=fsafe, key_gas=gas_t, key_co2e=co2e,
        resolution=res, triple_of_key=t_of_k,
        triple_labels=(acts, regs, ty),
        cache={"total": row_sum} if key_qty is None else {"total": row_sum, "kq": key_qty, "rows": key_rows},
    )
    if "sums" in in_pass:  # the planned groupings, summed by the fused pass: by() and by_many() read them
        cols = [0] + [1 + j for j in pk.pick] if by_gases else [0]
        em.keep_sums({d: (v[:, cols], c[1], c[2]) for d, c, v in zip(planned, coded, in_pass["sums"])},
                     gases=by_gases)
    elif planned:  # rows coded before, or not densely: the planned groupings in one pass, kept by the result
        em.by_many(planned, gases=by_gases)
    return em
