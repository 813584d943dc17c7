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
For a row (activity, region, year) the factor is, in order of preference:

* the factor for exactly that year, at the most specific region of the
  region's fallback chain that has one (the region itself, then its declared
  parent, …, then ``"World"``);
* otherwise the latest earlier year, at the most specific region that has one.

A factor is never taken from a later year.  Anything other than an exact
(region, year) match is a *fallback*, reported per row in
``Emissions.matches``; ``strict=True`` makes any fallback an error.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ._categorical import split_codes
from .errors import DimensionError, FactorNotFoundError, FallbackError, InputError, UnknownGasError
from .factor import WORLD, FactorSet
from .gwp import DEFAULT_GWP, gwp_vector
from .units import dimension_of, multiplier, split_factor_unit

__all__ = ["compute", "resolve"]

_YEAR_SPAN = 10000
_BASES = ("m^3", "kg", "TJ")  # volume -> mass (density) -> energy (ncv)


def _as_factorset(factors: Any) -> FactorSet:
    if isinstance(factors, FactorSet):
        return factors
    if isinstance(factors, str) and factors.lower().endswith(".csv"):
        return FactorSet.read_csv(factors)
    if isinstance(factors, (str, list, tuple)):
        from .registry import load_factors

        names = [n.strip() for n in factors.split(",")] if isinstance(factors, str) else list(factors)
        return load_factors(*names)
    raise InputError(f"factors must be a FactorSet, pack name(s) or a CSV path, got {type(factors).__name__}")


class Resolution:
    """Per distinct (activity, region, year) triple: the factor chosen and how."""

    def __init__(self, factor: np.ndarray, level: np.ndarray, year_used: np.ndarray, region_used: list[str | None]):
        self.factor = factor  # index into the FactorSet, -1 = none
        self.level = level  # 0 = own region, 1 = parent, …
        self.year_used = year_used
        self.region_used = region_used


def resolve(fs: FactorSet, activity: Sequence[str], region: Sequence[str], year: np.ndarray) -> Resolution:
    """Match distinct (activity, region, year) triples to factors (vectorised over triples)."""
    m = len(activity)
    # region universe: factor regions, declared regions, queried regions, World
    universe: dict[str, int] = {}
    for r in list(fs.region.categories) + list(fs.regions) + list(region) + [WORLD]:
        universe.setdefault(r, len(universe))
    parent = np.full(len(universe), -1, dtype=np.int64)
    for r, code in universe.items():
        if r == WORLD:
            continue
        p = fs.regions.get(r, (None, None))[0]
        parent[code] = universe[p if p is not None else WORLD]
    act_code = {a: i for i, a in enumerate(fs.activity.categories)}
    nreg = len(universe)

    f_region = np.array([universe[r] for r in fs.region.categories], dtype=np.int64)[fs.region.codes] if len(fs) else np.zeros(0, np.int64)
    fkey = (fs.activity.codes.astype(np.int64) * nreg + f_region) * _YEAR_SPAN + fs.year
    order = np.argsort(fkey, kind="stable")
    fsorted = fkey[order]

    qa = np.array([act_code.get(a, -1) for a in activity], dtype=np.int64)
    cur = np.array([universe[r] for r in region], dtype=np.int64)
    qy = np.asarray(year, dtype=np.int64)

    best = np.full(m, -1, dtype=np.int64)
    best_level = np.full(m, -1, dtype=np.int64)
    exact_found = np.zeros(m, dtype=bool)
    earlier = np.full(m, -1, dtype=np.int64)
    earlier_level = np.full(m, -1, dtype=np.int64)
    level = 0
    alive = (qa >= 0) & (cur >= 0)
    while alive.any() and level <= nreg:
        pair = qa * nreg + cur
        target = pair * _YEAR_SPAN + qy
        pos = np.searchsorted(fsorted, target, side="right") - 1
        ok = alive & (pos >= 0)
        posc = np.clip(pos, 0, None)
        same_pair = ok & (fsorted[posc] // _YEAR_SPAN == pair) if len(fsorted) else np.zeros(m, bool)
        is_exact = same_pair & (fsorted[posc] == target)
        new_exact = is_exact & ~exact_found
        best[new_exact] = order[posc[new_exact]]
        best_level[new_exact] = level
        exact_found |= new_exact
        new_earlier = same_pair & ~is_exact & (earlier < 0)
        earlier[new_earlier] = order[posc[new_earlier]]
        earlier_level[new_earlier] = level
        cur = np.where(cur >= 0, parent[np.clip(cur, 0, None)], -1)
        alive &= cur >= 0
        level += 1
    use_earlier = ~exact_found & (earlier >= 0)
    best[use_earlier] = earlier[use_earlier]
    best_level[use_earlier] = earlier_level[use_earlier]
    year_used = np.where(best >= 0, fs.year[np.clip(best, 0, None)] if len(fs) else 0, -1)
    regions = list(fs.region.categories)
    region_used = [regions[fs.region.codes[b]] if b >= 0 else None for b in best.tolist()]
    return Resolution(best, best_level, year_used, region_used)


def _base_of(unit: str) -> int:
    dim = dimension_of(unit)
    for i, base in enumerate(_BASES):
        if dim == dimension_of(base):
            return i
    return -1


def _unit_multipliers(fs: FactorSet, fidx: np.ndarray, u_k: np.ndarray, unit_labels: Sequence[str], key_rows: Any) -> np.ndarray:
    """Per key: the number converting one activity unit to the factor's per-unit.

    Computed per distinct (activity unit, factor unit) pair with pint, then
    gathered; volume and mass reach energy through the factor's density and
    net calorific value (vectorised over keys).
    """
    k = fidx.shape[0]
    if k == 0:
        return np.ones(0)
    n_fu = max(len(fs.unit.categories), 1)
    fu_k = fs.unit.codes[fidx].astype(np.int64)
    pair_code = u_k.astype(np.int64) * n_fu + fu_k
    pairs, pair_idx = np.unique(pair_code, return_inverse=True)
    pair_idx = pair_idx.reshape(-1)
    m = np.ones(len(pairs))
    base_a = np.zeros(len(pairs), dtype=np.int64)
    step = np.zeros(len(pairs), dtype=np.int64)  # base_f - base_a; 0 = same dimension
    for j, code in enumerate(pairs.tolist()):
        au = unit_labels[code // n_fu]
        pu = split_factor_unit(fs.unit.categories[code % n_fu])[1]
        if dimension_of(au) == dimension_of(pu):
            m[j] = multiplier(au, pu)
            continue
        ba, bf = _base_of(au), _base_of(pu)
        if ba < 0 or bf < 0:
            keys = np.flatnonzero(pair_idx == j)
            raise DimensionError(
                f"an activity in {au!r} cannot use a factor per {pu!r} ({dimension_of(au)} vs {dimension_of(pu)})"
                + key_rows(keys),
                unit=au, expected=pu,
            )
        m[j] = multiplier(au, _BASES[ba]) * multiplier(_BASES[bf], pu)
        base_a[j], step[j] = ba, bf - ba
    mult = m[pair_idx]
    s = step[pair_idx]
    if not s.any():
        return mult
    dens = fs.property_array("density")[fidx]
    ncv = fs.property_array("ncv")[fidx]
    ba = base_a[pair_idx]
    # volume(0) -> mass(1): x density ; mass(1) -> energy(2): x ncv ; the other way: divide
    need_d = (s != 0) & (np.minimum(ba, ba + s) == 0)
    need_n = (s != 0) & (np.maximum(ba, ba + s) == 2)
    missing = (need_d & np.isnan(dens)) | (need_n & np.isnan(ncv))
    if missing.any():
        keys = np.flatnonzero(missing)
        i = int(keys[0])
        au = unit_labels[int(u_k[i])]
        pu = split_factor_unit(fs.unit.categories[int(fu_k[i])])[1]
        what = " and ".join(
            w for w, need, arr in (("density", need_d, dens), ("net calorific value", need_n, ncv)) if need[i] and np.isnan(arr[i])
        )
        raise DimensionError(
            f"an activity in {au!r} needs the fuel's {what} to use a factor per {pu!r}, and the factor gives none"
            + key_rows(keys),
            unit=au, expected=pu,
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        bridge = np.where(need_d, np.where(s > 0, dens, 1.0 / dens), 1.0) * np.where(need_n, np.where(s > 0, ncv, 1.0 / ncv), 1.0)
    return mult * bridge


def compute(inv: Any, factors: Any, *, gwp: str | None = None, strict: bool = False, scope2: str | None = None, **market: Any) -> "Any":
    """Compute emissions of inventory *inv* with *factors* under GWP set *gwp*.

    Parameters
    ----------
    inv : Inventory
    factors : FactorSet, str or list of str
        A factor set, pack names (``"vietnam,ipcc"``) or a CSV path.
    gwp : {"AR4", "AR5", "AR6"}, optional
        GWP100 set; default :data:`neutralcore.gwp.DEFAULT_GWP` (AR5).
    strict : bool
        Make any region or year fallback an error.
    scope2 : {"location", "market"}, optional
        Which scope 2 figure the result shows.  Given (or with *instruments*,
        *supplier_rates*, *entity*, *vintage_window*), the result carries both
        in ``.scope2``; see :mod:`neutralcore.scope2`.  Without them the
        result is the location-based one, exactly as before.

    Returns
    -------
    Emissions
    """
    from .emissions import Emissions

    fs = _as_factorset(factors)
    gwp = DEFAULT_GWP if gwp is None else gwp
    gwp_vector((), gwp)  # validate the set name early
    inverse, uniq, ymin = inv._row_keys()
    sizes = [len(inv.activity.categories), len(inv.region.categories), 0, len(inv.unit.categories)]
    span = int(inv.year.max()) - ymin + 1 if len(inv) else 1
    sizes[2] = span
    a_k, r_k, y_k, u_k = split_codes(uniq, sizes)
    y_k = y_k + ymin

    # distinct (activity, region, year) triples among keys
    tri = (a_k * sizes[1] + r_k) * span + (y_k - ymin)
    tri_u, tri_inv = np.unique(tri, return_inverse=True)
    ta = tri_u // (sizes[1] * span)
    tr = (tri_u // span) % sizes[1]
    ty = tri_u % span + ymin
    acts = [inv.activity.categories[i] for i in ta.tolist()]
    regs = [inv.region.categories[i] for i in tr.tolist()]
    res = resolve(fs, acts, regs, ty)

    def key_rows(keys: np.ndarray) -> str:
        """Text naming the first rows of the given distinct keys."""
        rows = np.flatnonzero(np.isin(inverse, keys))[:5].tolist()
        return f" (rows {', '.join(map(str, rows))})" if rows else ""

    missing = np.flatnonzero(res.factor < 0)
    if missing.size:
        names = [f"({acts[i]}, {regs[i]}, {int(ty[i])})" for i in missing[:5].tolist()]
        keys = np.flatnonzero(np.isin(tri_inv, missing))
        rows = np.flatnonzero(np.isin(inverse, keys))[:10].tolist()
        raise FactorNotFoundError(
            f"no factor for {len(missing)} key(s): {', '.join(names)}"
            + (" …" if missing.size > 5 else "")
            + f"; first rows {rows}. Region fallback follows the factor set's region chain to 'World'; "
            "year fallback takes only earlier years.",
            keys=[(acts[i], regs[i], int(ty[i])) for i in missing.tolist()],
            rows=rows,
        )
    fb = (res.level > 0) | (res.year_used != ty)
    if strict and fb.any():
        i = int(np.flatnonzero(fb)[0])
        keys = np.flatnonzero(np.isin(tri_inv, np.flatnonzero(fb)))
        rows = np.flatnonzero(np.isin(inverse, keys))[:10].tolist()
        raise FallbackError(
            f"strict=True: ({acts[i]}, {regs[i]}, {int(ty[i])}) would use the factor for "
            f"({res.region_used[i]}, {int(res.year_used[i])}); {int(fb.sum())} key(s) need a fallback; first rows {rows}",
            rows=rows,
        )

    fidx = res.factor[tri_inv]  # per key
    mult = _unit_multipliers(fs, fidx, u_k, inv.unit.categories, key_rows)
    to_t = np.array([split_factor_unit(u)[2] for u in fs.unit.categories])[fs.unit.codes[fidx]] if len(fidx) else np.ones(0)
    vals = fs.values[fidx] if len(fidx) else np.zeros((0, len(fs.gases)))
    gas_t = np.nan_to_num(vals) * (to_t * mult)[:, None]  # t of gas per activity unit, per key
    used = (~np.isnan(vals)).any(axis=0) if len(fidx) else np.zeros(len(fs.gases), bool)
    gases = tuple(g for g, u in zip(fs.gases, used) if u)
    gas_t = gas_t[:, used]
    weights = gwp_vector(gases, gwp)
    co2e = gas_t @ weights if gases else np.zeros(len(fidx))
    em = Emissions(
        inventory=inv, factors=fs, gwp=gwp.upper(), gases=gases, gwp_weights=weights,
        key_inverse=inverse, key_factor=fidx, key_gas_t=gas_t, key_co2e=co2e,
        resolution=res, triple_of_key=tri_inv,
        triple_labels=(acts, regs, ty),
    )
    if scope2 is None and not market:
        return em
    from .scope2 import dual_report  # location- and market-based scope 2; see neutralcore.scope2

    return dual_report(em, scope2=scope2 or "location", **market)
