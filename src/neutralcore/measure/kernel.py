"""The vectorised core: match factors, convert units, weight by GWP, sum.

Nothing here loops in Python over rows.  The work is folded per distinct key:

1. The inventory's rows are coded once into distinct (activity, region,
   year, unit) keys (cached on the inventory).
2. Each distinct (activity, region, year) is matched to one factor, with all
   chain levels and years searched at once with ``np.searchsorted``.
3. Each distinct (activity unit, factor unit) pair gets one pint multiplier;
   fuel density and net calorific value bridge volume, mass and energy.
4. Per key: tonnes of each gas per activity unit, and CO2e per activity unit.
5. Per row: one gather and one multiply, or sums of quantity per (group,
   key) with ``np.bincount`` followed by a small matrix product.

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

from typing import Any, Protocol, Sequence

import numpy as np

from neutralcore._core.categorical import CHUNK, split_codes
from neutralcore._core.provenance import Provenance
from neutralcore.errors import (
    DimensionError, FactorNotFoundError, FallbackError, InputError, InvalidQuantityError, UnknownGasError,
)
from neutralcore.measure.emissions import Emissions, InventoryLike, gas_sort_key
from neutralcore.measure.factor import WORLD, FactorSet, parent_region
from neutralcore.gwp import DEFAULT_GWP, gwp_vector
from neutralcore.units import dimension_of, multiplier, split_factor_unit

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


class KeyedRows(InventoryLike, Protocol):
    """What :func:`compute` reads of an inventory (an :class:`~neutralcore.Inventory` is one): its columns,
    its cached row keys and, when read from CSV, the file and line numbers of its rows (``provenance``)."""

    @property
    def provenance(self) -> Provenance | None: ...
    def _row_keys(self) -> RowKeyCodes: ...

_YEAR_SPAN = 10000
_BASES = ("m^3", "kg", "TJ")  # volume -> mass (density) -> energy (ncv)


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


def _checked_total(quantity: np.ndarray, coef: np.ndarray, code: np.ndarray) -> float:
    """Sum of quantity x coef[code] in chunks (no per-row array); NaN or inf propagate to the caller."""
    total = 0.0
    buf = np.empty(min(CHUNK, len(code)))
    with np.errstate(over="ignore", invalid="ignore"):
        for start in range(0, len(code), CHUNK):
            stop = min(start + CHUNK, len(code))
            w = buf[: stop - start]
            np.take(coef, code[start:stop], out=w)
            w *= quantity[start:stop]
            total += float(w.sum())
    return total


def _row_values(quantity: np.ndarray, coef: np.ndarray, code: np.ndarray) -> np.ndarray:
    """Per-row CO2e, materialised only when an error must find the rows responsible."""
    with np.errstate(over="ignore", invalid="ignore"):
        return quantity * coef[code]


def _base_of(unit: str) -> int:
    dim = dimension_of(unit)
    for i, base in enumerate(_BASES):
        if dim == dimension_of(base):
            return i
    return -1


# reasons a key has no coefficient (0 = fine)
_OK, _NO_FACTOR, _BAD_DIMENSION, _NO_PROPERTY, _NO_GWP, _AMBIGUOUS = 0, 1, 2, 3, 4, 5


def _unit_multipliers(
    fs: FactorSet, fidx: np.ndarray, u_k: np.ndarray, unit_labels: Sequence[str], reason: np.ndarray
) -> np.ndarray:
    """Per key: the number converting one activity unit to the factor's per-unit.

    Computed per distinct (activity unit, factor unit) pair with pint, then
    gathered; volume and mass reach energy through the factor's density and
    net calorific value (vectorised over keys).  Keys that cannot be converted
    get NaN and a code in *reason*; the caller raises only if a row uses one.
    """
    k = fidx.shape[0]
    if k == 0:
        return np.ones(0)
    n_fu = max(len(fs.unit.categories), 1)
    fu_k = fs.unit.codes[fidx].astype(np.int64)
    pair_code = u_k.astype(np.int64) * n_fu + fu_k
    space = (int(u_k.max()) + 1) * n_fu
    if space <= 1 << 20:  # few units: a dense table instead of a sort
        pairs = np.flatnonzero(np.bincount(pair_code, minlength=space))
        lookup = np.zeros(space, dtype=np.int64)
        lookup[pairs] = np.arange(pairs.shape[0])
        pair_idx = lookup[pair_code]
    else:
        pairs, pair_idx = np.unique(pair_code, return_inverse=True)
        pair_idx = pair_idx.reshape(-1)
    m = np.ones(len(pairs))
    base_a = np.zeros(len(pairs), dtype=np.int64)
    step = np.zeros(len(pairs), dtype=np.int64)  # base_f - base_a; 0 = same dimension
    for j, code in enumerate(pairs.tolist()):
        au = unit_labels[code // n_fu]
        pu = split_factor_unit(fs.unit.categories[code % n_fu])[1]
        if dimension_of(au) == dimension_of(pu):
            try:
                m[j] = multiplier(au, pu)
            except DimensionError:  # an offset scale (degC): raised below only if a row uses it
                m[j] = np.nan
            continue
        ba, bf = _base_of(au), _base_of(pu)
        if ba < 0 or bf < 0:
            m[j] = np.nan
            continue
        m[j] = multiplier(au, _BASES[ba]) * multiplier(_BASES[bf], pu)
        base_a[j], step[j] = ba, bf - ba
    mult = m[pair_idx]
    reason[np.isnan(mult) & (reason == _OK)] = _BAD_DIMENSION
    s = step[pair_idx]
    if not s.any():
        return mult
    dens = fs.property_array("density")[fidx]
    ncv = fs.property_array("ncv")[fidx]
    ba = base_a[pair_idx]
    # volume(0) -> mass(1): x density ; mass(1) -> energy(2): x ncv ; the other way: divide
    need_d = (s != 0) & (np.minimum(ba, ba + s) == 0)
    need_n = (s != 0) & (np.maximum(ba, ba + s) == 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        bridge = np.where(need_d, np.where(s > 0, dens, 1.0 / dens), 1.0) * np.where(need_n, np.where(s > 0, ncv, 1.0 / ncv), 1.0)
    reason[np.isnan(bridge) & (reason == _OK)] = _NO_PROPERTY
    return mult * bridge


def _raise_for(
    bad_keys: np.ndarray, reason: np.ndarray, rows_of: Any, labels: Any, fs: FactorSet, fidx: np.ndarray,
    u_k: np.ndarray, unit_labels: Sequence[str], gases: Sequence[str], gwp: str, ambiguous_with: np.ndarray,
) -> None:
    """Raise the error for the first problem among keys that rows actually use."""
    acts, regs, years, t_of_k = labels
    order = [_NO_FACTOR, _AMBIGUOUS, _BAD_DIMENSION, _NO_PROPERTY, _NO_GWP]
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
        f = fs.factor(int(fidx[k]))
        ba, bf = _base_of(au), _base_of(pu)
        lo, hi = min(ba, bf), max(ba, bf)
        need = [w for w, cond, have in (("density", lo == 0, f.density), ("net calorific value", hi == 2, f.ncv))
                if cond and have is None]
        raise DimensionError(
            f"an activity in {au!r} needs the fuel's {' and '.join(need)} to use a factor per {pu!r}, "
            f"and the factor ({f.activity}, {f.region}, {f.year}) gives none (or {au!r} is the wrong unit for this "
            f"activity); {where}",
            unit=au, expected=pu, rows=rows, **rows_of.fields(rows),
        )
    missing = [g for g in gases if np.isnan(gwp_vector_lenient((g,), gwp)[0])]
    try:
        gwp_vector(missing, gwp)
    except UnknownGasError as exc:
        raise UnknownGasError(f"{exc.message}; {where}", gas=missing[0], gwp=gwp, rows=rows, **rows_of.fields(rows)) from None


def gwp_vector_lenient(gases: Sequence[str], gwp: str) -> np.ndarray:
    """GWP values, NaN for a gas that has none in the set (checked later against the rows)."""
    out = np.empty(len(gases))
    for i, g in enumerate(gases):
        try:
            out[i] = gwp_vector((g,), gwp)[0]
        except UnknownGasError:
            out[i] = np.nan
    return out


def compute(inv: KeyedRows, fs: FactorSet, *, gwp: str | None = None, strict: bool = False) -> Emissions:
    """Location-based emissions of inventory *inv* with factor set *fs* under GWP set *gwp*.

    Pack names and paths are turned into a FactorSet before this, at the API
    edge (:meth:`Inventory.emissions`, through
    :func:`neutralcore.measure.factorsource.as_factorset`); the market-based
    scope 2 view is built on the result by :mod:`neutralcore.measure.scope2`.

    Parameters
    ----------
    inv : Inventory
    fs : FactorSet
    gwp : {"AR4", "AR5", "AR6"}, optional
        GWP100 set; default :data:`neutralcore.gwp.DEFAULT_GWP` (AR5).
    strict : bool
        Make any region or year fallback an error.

    Returns
    -------
    Emissions
    """
    if not isinstance(fs, FactorSet):
        raise InputError(f"compute() needs a FactorSet, got {type(fs).__name__}", column="factors")
    gwp = DEFAULT_GWP if gwp is None else gwp
    gwp_vector((), gwp)  # validate the set name early
    rk = inv._row_keys()
    code, sizes, ymin = rk.code, rk.sizes, rk.ymin
    n_act, n_reg, span, n_unit = sizes
    # every key (dense: each possible combination; compact: each combination present), and its triple
    key_ids = np.arange(rk.n_keys, dtype=np.int64) if rk.dense or rk.uniq is None else rk.uniq
    a_k, r_k, y_k, u_k = split_codes(key_ids, sizes)
    # matched per (activity, region, year) and, where some activity has factors in several dimensions of unit,
    # the dimension of the activity unit (diesel per L and per kWh: L rows and kWh rows match apart)
    dim_labels: list[str] = []
    d_of_u = np.zeros(max(n_unit, 1), dtype=np.int64)
    if len(fs) and fs.has_mixed_dimensions():
        dims = [dimension_of(u) for u in inv.unit.categories]
        dim_labels = list(dict.fromkeys(dims))
        d_of_u[: len(dims)] = [dim_labels.index(d) for d in dims]
    n_dim = max(len(dim_labels), 1)
    tri = ((a_k * n_reg + r_k) * span + y_k) * n_dim + d_of_u[u_k]
    if rk.dense:
        n_tri = n_act * n_reg * span * n_dim
        tri_ids, t_of_k = np.arange(n_tri, dtype=np.int64), tri
    else:
        tri_ids, t_of_k = np.unique(tri, return_inverse=True)
        t_of_k = t_of_k.reshape(-1)
    td, tri_ids = tri_ids % n_dim, tri_ids // n_dim
    ta, tr, ty = tri_ids // (n_reg * span), (tri_ids // span) % n_reg, tri_ids % span + ymin
    res = resolve(fs, inv.activity.categories, inv.region.categories, ta, tr, ty,
                  dimension_labels=dim_labels, dimension=td if dim_labels else None)
    acts = np.array(inv.activity.categories, dtype=object)[ta].tolist() if len(ta) else []
    regs = np.array(inv.region.categories, dtype=object)[tr].tolist() if len(tr) else []

    fidx = res.factor[t_of_k]  # per key; -1 = no factor
    reason = np.where(fidx < 0, _NO_FACTOR, _OK).astype(np.int8)
    reason[res.ambiguous[t_of_k] & (reason == _OK)] = _AMBIGUOUS
    fsafe = np.where(fidx < 0, 0, fidx)
    if len(fs):
        mult = _unit_multipliers(fs, fsafe, u_k, inv.unit.categories, reason)
        to_t = np.array([split_factor_unit(u)[2] for u in fs.unit.categories])[fs.unit.codes[fsafe]]
        vals = fs.values[fsafe]
    else:
        mult, to_t, vals = np.full(len(fidx), np.nan), np.ones(len(fidx)), np.zeros((len(fidx), 0))
    ok_key = reason == _OK
    used = (~np.isnan(vals[ok_key])).any(axis=0) if vals.shape[1] else np.zeros(0, bool)
    columns = sorted(np.flatnonzero(used).tolist(), key=lambda j: gas_sort_key(fs.gases[j]))
    gases = tuple(fs.gases[j] for j in columns)
    with np.errstate(invalid="ignore"):
        gas_t = np.nan_to_num(vals[:, columns]) * (to_t * mult)[:, None]  # t of gas per activity unit, per key
    weights = gwp_vector_lenient(gases, gwp)
    if np.isnan(weights).any():
        no_gwp = (gas_t[:, np.isnan(weights)] > 0).any(axis=1) & ok_key
        reason[no_gwp] = _NO_GWP
    with np.errstate(invalid="ignore"):
        co2e = gas_t @ np.nan_to_num(weights) if gases else np.zeros(len(fidx))
    co2e[reason != _OK] = np.nan

    # one pass over rows, in cache-sized chunks: the total; NaN means a row uses a key with a problem
    row_sum = _checked_total(inv.quantity, co2e, code)
    labels = (acts, regs, ty, t_of_k)

    origin = inv.provenance  # files and line numbers when read from CSV

    class _Rows:
        """First rows (0-based positions) using some keys, and a text naming them (with CSV lines)."""

        def __call__(self, keys: np.ndarray) -> list[int]:
            return np.flatnonzero(np.isin(code, keys))[:10].tolist()

        def describe(self, rows: list[int]) -> str:
            text = f"first rows {rows}"
            if origin is not None:
                text += f" (lines {origin.lines(rows)} of {origin.source(rows)})"
            return text

        def fields(self, rows: list[int]) -> dict[str, Any]:
            """``lines`` and ``source`` of the error when the inventory was read from a CSV file."""
            if origin is None:
                return {}
            return origin.fields(rows)

    rows_of = _Rows()

    if np.isnan(row_sum):
        bad_keys = np.unique(code[np.isnan(_row_values(inv.quantity, co2e, code))])
        _raise_for(bad_keys, reason, rows_of, labels, fs, fsafe, u_k, inv.unit.categories, gases, gwp, res.ambiguous_with)
    if np.isinf(row_sum):  # quantities so large that CO2e overflows a float: no number would be right
        row = _row_values(inv.quantity, co2e, code)
        rows = np.flatnonzero(np.isinf(row))[:10].tolist() or np.argsort(row)[-10:][::-1].tolist()
        raise InvalidQuantityError(
            f"emissions overflow (larger than {np.finfo(float).max:.3g} t CO2e); check the quantities and units; "
            f"{rows_of.describe(rows)}", column="quantity", rows=rows, **rows_of.fields(rows),
        )
    fb = (res.level > 0) | (res.year_used != ty)
    if strict and fb.any():
        present = np.bincount(code, minlength=len(fidx)) > 0 if len(code) else np.zeros(len(fidx), bool)
        fb_keys = np.flatnonzero(fb[t_of_k] & present)
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
    # keys no row uses keep harmless placeholders
    bad = reason != _OK
    if bad.any():
        co2e[bad] = 0.0
        gas_t[bad] = 0.0
    gas_t = np.nan_to_num(gas_t)
    em = Emissions(
        inventory=inv, factors=fs, gwp=gwp.upper(), gases=gases, gwp_weights=np.nan_to_num(weights),
        key_inverse=code, key_factor=fsafe, key_gas_t=gas_t, key_co2e=co2e,
        resolution=res, triple_of_key=t_of_k,
        triple_labels=(acts, regs, ty), cache={"total": row_sum},
    )
    return em
