"""``Emissions``: the result of applying factors to an inventory.

(Over 1,000 lines: ``Emissions``, ``Matches``, ``Uncertainty`` and ``Scope2Result`` share its private per-key arrays.)

Everything is kept per distinct key (activity, region, year, unit) plus one
key code per row: totals are per-key dot products, and every group sum asked for together
(:meth:`Emissions.by_many`) is one pass over the rows (:mod:`neutralcore.measure.rowpass`).

Examples
--------
>>> import neutralcore as nc
>>> src = nc.Source("MONRE/DCC", "Viet Nam grid emission factor 2023", 2024)
>>> fs = nc.FactorSet.from_factors([nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, src)])
>>> inv = nc.Inventory([nc.Activity("electricity.grid", 1000, "MWh", region="VN", year=2023, scope=2)])
>>> round(inv.emissions(fs).total(), 6)
659.2
"""

from __future__ import annotations

import os
from typing import Any, Callable, Iterator, Mapping, Protocol, Sequence, TypedDict

import attrs
import numpy as np

from neutralcore._core.categorical import CHUNK, Categorical, bincount, combine_codes, split_codes
from neutralcore._core.display import view_html, view_text
from neutralcore._core.labelfacts import all_text, text_order, text_rank
from neutralcore._core.progress import bar
from neutralcore._core.table import Table
from neutralcore.errors import InputError
from neutralcore.gwp import GASES, canonical_gas, gas_kind, gwp_label, in_scopes, reporting_weights
from neutralcore.measure.basis import SCOPES, Scope, Scope2Method, scope2_method
from neutralcore.measure.factor import Factor, FactorSet
from neutralcore.measure.factorvalue import DISTRIBUTIONS
from neutralcore.measure.lock import RunOptions
from neutralcore.measure.rowpass import fused_pass, group_sums, key_sums
from neutralcore.measure.rowresults import row_results
from neutralcore.measure.uncertainty import (Uncertainty, factor_identity, keyed_generator, keyed_ratios,
                                             property_cells, property_ratios, property_table, triangular_limits)

__all__ = ["Emissions", "EmissionKeys", "InventoryLike", "Matches", "RowMatch", "Scope2Result", "Uncertainty", "gas_sort_key",
           "group_codes", "check_dims",
           "triangular_limits"]


#: Draws per block of the Monte Carlo (iterations x factors), so memory stays bounded and progress can show.
_MC_BLOCK = 2_000_000


class InventoryLike(Protocol):
    """What :class:`Emissions` reads of its inventory (an :class:`~neutralcore.Inventory` is one).

    A protocol rather than the class itself, because ``Inventory.emissions()``
    computes through this module: measure's modules import one way.
    """

    @property
    def quantity(self) -> np.ndarray: ...
    @property
    def year(self) -> np.ndarray: ...
    @property
    def activity(self) -> Categorical: ...
    @property
    def unit(self) -> Categorical: ...
    @property
    def region(self) -> Categorical: ...
    @property
    def scope(self) -> Categorical: ...
    @property
    def category(self) -> Categorical: ...
    @property
    def site(self) -> Categorical: ...
    @property
    def dims(self) -> Mapping[str, Categorical]: ...
    @property
    def columns(self) -> tuple[str, ...]: ...
    def column(self, name: str) -> Categorical | np.ndarray: ...
    def to_columns(self) -> dict[str, list[Any]]: ...
    def mask(self, **criteria: Any) -> np.ndarray: ...
    def __len__(self) -> int: ...


class RowMatch(TypedDict):
    """One row of :class:`Matches`: the row's key, the factor it used and how it was found."""

    row: int
    activity: str
    region: str
    year: int
    factor: Factor
    region_used: str | None
    year_used: int
    region_fallback: bool
    year_fallback: bool
    stale: bool


@attrs.frozen(eq=False, repr=False)
class Matches:
    """Which factor each row used, and whether it came by region or year fallback.

    Per-row arrays (``factor_index``, ``region_fallback``, ``year_fallback``,
    ``fallback``, ``stale``) are gathered on first use; :meth:`summary` and
    :meth:`fallbacks` are one row per distinct key.  A *stale* fallback is a
    factor used more years after its own year than its pack's
    ``validity_years`` allow.
    """

    _em: "Emissions"

    def _per_key(self, arr: np.ndarray) -> np.ndarray:
        return arr[self._em._key_inverse]

    @property
    def factor_index(self) -> np.ndarray:
        """Per row: index of the factor used in ``Emissions.factors``."""
        return self._per_key(self._em._key_factor)

    @property
    def region_fallback(self) -> np.ndarray:
        """Per row: True where the factor came from a parent region."""
        res = self._em._resolution
        return self._per_key((res.level > 0)[self._em._triple_of_key])

    @property
    def year_fallback(self) -> np.ndarray:
        """Per row: True where the factor came from an earlier year."""
        res = self._em._resolution
        ty = self._em._triple_labels[2]
        return self._per_key((res.year_used != ty)[self._em._triple_of_key])

    @property
    def fallback(self) -> np.ndarray:
        """Per row: True where the factor came by region or year fallback."""
        return self.region_fallback | self.year_fallback

    @property
    def stale(self) -> np.ndarray:
        """Per row: True where the factor is a stale fallback (older than its pack's ``validity_years`` allow)."""
        return self._per_key(self._em._resolution.stale[self._em._triple_of_key])

    def _row(self, row: int) -> int:
        n = len(self._em._key_inverse)
        row = int(row)
        if not -n <= row < n:
            raise IndexError(f"row {row} out of range for {n} rows")
        return row % n

    def factor(self, row: int) -> Factor:
        """The :class:`Factor` used by *row*."""
        return self._em.factors.factor(int(self._em._key_factor[self._em._key_inverse[self._row(row)]]))

    def __len__(self) -> int:
        return len(self._em._key_inverse)

    def __getitem__(self, row: int) -> RowMatch:
        """How *row* was matched: its key, the factor used and which fallback brought it."""
        row = self._row(row)
        k = int(self._em._key_inverse[row])
        t = int(self._em._triple_of_key[k])
        res = self._em._resolution
        acts, regs, ty = self._em._triple_labels
        return {
            "row": row,
            "activity": acts[t],
            "region": regs[t],
            "year": int(ty[t]),
            "factor": self.factor(row),
            "region_used": res.region_used[t],
            "year_used": int(res.year_used[t]),
            "region_fallback": bool(res.level[t] > 0),
            "year_fallback": bool(res.year_used[t] != ty[t]),
            "stale": bool(res.stale[t]),
        }

    def summary(self) -> Table:
        """One row per distinct (activity, region, year): factor used (region, year, unit), fallback kind, whether it is stale,
        what :meth:`Emissions.uncertainty` samples for it (``uncertainty``: ``published`` or ``partly`` if all or
        some of its gases carry a published interval, ``property: ncv`` (or ``density, ncv``...) for the fuel
        properties with an interval that convert its rows, both joined by ``"; "``, else ``none``), row count,
        pack, source, and the packs whose factor for that key the used one overrode in a merge."""
        from neutralcore.measure.convert import describe_properties, factor_fuel

        em = self._em
        res = em._resolution
        acts, regs, ty = em._triple_labels
        rows_per_key = em._key_rows()
        rows_per_triple = np.bincount(em._triple_of_key, weights=rows_per_key, minlength=len(acts)).astype(np.int64)
        fs = em.factors
        keep = np.flatnonzero(rows_per_triple > 0).tolist()  # triples some row uses
        level, used_year, factor = res.level, res.year_used, res.factor
        region_used = res.region_used
        kinds = []
        for t in keep:
            k = []
            if level[t] > 0:
                k.append("region")
            if used_year[t] != ty[t]:
                k.append("year")
            kinds.append("+".join(k) or "exact")
        fids = [int(factor[t]) for t in keep]
        # the units each used triple's rows are in, for the fuel properties a conversion took from its factor
        inv = em.inventory
        n_unit = max(len(inv.unit.categories), 1)
        code = em._triple_of_key[em._key_inverse].astype(np.int64) * n_unit + inv.unit.codes
        space = len(acts) * n_unit  # (triple, unit) pairs the rows use: counted when few, else sorted
        pairs = np.flatnonzero(np.bincount(code, minlength=space)) if space <= 4 * code.shape[0] + 65536 \
            else np.unique(code)
        tri, unit_code = np.divmod(pairs, n_unit)
        starts = np.flatnonzero(np.r_[True, tri[1:] != tri[:-1]]) if pairs.shape[0] else np.zeros(0, np.int64)
        unit_labels: np.ndarray = np.empty(n_unit, dtype=object)
        unit_labels[:] = list(inv.unit.categories) or [None]
        listed = unit_labels[unit_code].tolist()
        units_of: dict[int, list[str]] = {t: listed[a:b] for t, a, b in zip(
            tri[starts].tolist(), starts.tolist(), [*starts[1:].tolist(), pairs.shape[0]])}
        # what uncertainty() samples per key: the factor's gas intervals, and the intervals of the properties
        # its rows' conversion takes (the same property paths as measure.uncertainty.property_cells)
        used = [factor_fuel(fs, f).used(units_of.get(t, [])) for t, f in zip(keep, fids)]
        sampled = []
        for props, stated in zip(used, _uncertainty_stated(fs)[fids].tolist() if fids else []):
            names = dict.fromkeys(p.name for p in props if p.interval is not None)
            parts = ([_stated[stated]] if stated else []) + ([f"property: {', '.join(names)}"] if names else [])
            sampled.append("; ".join(parts) or "none")
        return Table(
            {
                "activity": [acts[t] for t in keep],
                "region": [regs[t] for t in keep],
                "year": [int(ty[t]) for t in keep],
                "region_used": [region_used[t] for t in keep],
                "year_used": [int(used_year[t]) for t in keep],
                "unit": [fs.unit.categories[fs.unit.codes[f]] for f in fids],
                "fallback": kinds,
                "stale": [bool(res.stale[t]) for t in keep],
                "uncertainty": sampled,
                "rows": [int(rows_per_triple[t]) for t in keep],
                "pack": [fs.pack.categories[fs.pack.codes[f]] for f in fids],
                "source": [str(fs.source.categories[fs.source.codes[f]]) for f in fids],
                "overrides": [
                    fs.overrides.categories[fs.overrides.codes[f]] if fs.overrides is not None else None
                    for f in fids
                ],
                "properties": [describe_properties(fs, f, props) for f, props in zip(fids, used)],
            },
            title="Factor matches",
        )

    def fallbacks(self) -> Table:
        """Only the keys that used a fallback."""
        s = self.summary()
        keep = [i for i, k in enumerate(s["fallback"]) if k != "exact"]
        return Table({c: [s[c][i] for i in keep] for c in s.columns}, title="Fallbacks")

    @property
    def n_fallback_rows(self) -> int:
        s = self.summary()
        return int(sum(r for r, k in zip(s["rows"], s["fallback"]) if k != "exact"))

    def stale_fallbacks(self) -> Table:
        """Only the keys whose factor is a stale fallback."""
        s = self.summary()
        keep = [i for i, k in enumerate(s["stale"]) if k]
        return Table({c: [s[c][i] for i in keep] for c in s.columns}, title="Stale fallbacks")

    def _view(self) -> tuple[str, list[tuple[str, str]], Table | None]:
        fb = self.fallbacks()
        n = len(self)
        n_stale = sum(fb["stale"]) if len(fb) else 0
        stale = f", {n_stale} stale" if n_stale else ""
        title = (f"Matches: {n:,} row{'' if n == 1 else 's'}, {self.n_fallback_rows:,} by fallback "
                 f"({len(fb)} key(s){stale})")
        return title, [], (fb if len(fb) else None)

    def __repr__(self) -> str:
        return view_text(*self._view())

    def _repr_html_(self) -> str:
        return view_html(*self._view())


def _own_interval(fs: FactorSet, factors: np.ndarray, gases: Sequence[str]) -> np.ndarray:
    """Per (factor, gas) pair: True where the gas has its own :class:`Interval` (not the shorthand)."""
    if fs.intervals is None:
        return np.zeros(len(gases), dtype=bool)
    per = fs.intervals.categories
    return np.array([bool(per[fs.intervals.codes[f]]) and g in per[fs.intervals.codes[f]]
                     for f, g in zip(factors.tolist(), gases)], dtype=bool)


def _canonical_rank(fs: FactorSet, factors: np.ndarray) -> np.ndarray:
    """Per factor of *fs*: its rank among *factors* by (activity, region, year, unit, content identity)."""
    used = np.unique(factors).tolist()
    keys = []
    for f in used:
        factor = fs.factor(f)
        keys.append((factor.activity, factor.region, factor.year, factor.unit, factor_identity(factor, None)))
    rank = np.zeros(len(fs), dtype=np.int64)
    for r, i in enumerate(sorted(range(len(used)), key=keys.__getitem__)):
        rank[used[i]] = r
    return rank


_stated = ("none", "partly", "published")


def _uncertainty_stated(fs: FactorSet) -> np.ndarray:
    """Per factor: 0 no gas has a published uncertainty, 1 some do, 2 all do (see :meth:`Matches.summary`)."""
    gives = ~np.isnan(fs.values)
    stated = (fs.interval_arrays()[2] >= 0) & gives
    n_gives, n_stated = gives.sum(axis=1), stated.sum(axis=1)
    return np.where(n_stated == 0, 0, np.where(n_stated < n_gives, 1, 2))


def gas_sort_key(gas: str) -> tuple[int, str]:
    """The order of gases in every :class:`Emissions` (``gases``, ``per_gas()`` rows, ``by()`` columns).

    The fixed order of :data:`neutralcore.gwp.GASES` (the Kyoto gases CO2, CH4, N2O, SF6, NF3, HFCs, PFCs;
    then CO2e, CO2_biogenic, the Montreal Protocol gases, the other species, the refrigerant blends), then any
    other gas by name.

    >>> sorted(["N2O", "HFC-32", "CO2", "CH4"], key=gas_sort_key)
    ['CO2', 'CH4', 'N2O', 'HFC-32']
    """
    i = _GAS_RANK.get(gas)
    return (i, "") if i is not None else (len(GASES), gas)


_GAS_RANK = {g: i for i, g in enumerate(GASES)}


def _ro(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


@attrs.frozen(eq=False)
class EmissionKeys:
    """The distinct (activity, region, year, unit) keys of an :class:`Emissions`, one entry per key.

    What builders of other views (the market-based scope 2 figure) read;
    see :meth:`Emissions.keys`.  Arrays are read-only.

    Attributes
    ----------
    activity, region : tuple of str
    year : numpy.ndarray of int64
    unit : tuple of str
        The activity unit of the key's rows (``None`` for a key no row uses).
    quantity : numpy.ndarray of float
        Sum of the rows' quantities, in *unit*.
    rows : numpy.ndarray of int64
        Number of rows with the key.
    rates : numpy.ndarray of float, shape (keys, gases)
        Tonnes of each gas of :attr:`Emissions.gases` per one *unit* of activity.
    year_used : numpy.ndarray of int64
        Year of the factor each key used (``-1`` for none).
    """

    activity: tuple[str, ...]
    region: tuple[str, ...]
    year: np.ndarray
    unit: tuple[str | None, ...]
    quantity: np.ndarray
    rows: np.ndarray
    rates: np.ndarray
    year_used: np.ndarray

    def __len__(self) -> int:
        return len(self.activity)


def _dimension_names(dims: tuple[Any, ...]) -> tuple[str, ...]:
    """``by()``'s dimensions: the arguments, or the one list or tuple given (pandas' ``groupby([...])`` habit)."""
    if len(dims) == 1 and isinstance(dims[0], (list, tuple)):
        return tuple(dims[0])
    for d in dims:
        if isinstance(d, (list, tuple)):
            raise InputError(f"give by() dimensions as arguments or as one list, not {dims!r}", column=str(d))
    return tuple(dims)


def _sort_rank(categories: Sequence[Any]) -> np.ndarray:
    """Rank of each category in sorted order (numbers and strings each ascending, ``None`` last)."""
    if isinstance(categories, tuple) and all_text(categories):
        return text_rank(categories)  # the usual labels: ranked once per distinct tuple
    if None in categories:
        present = [i for i, c in enumerate(categories) if c is not None]
        values = [categories[i] for i in present]
    else:
        present, values = list(range(len(categories))), list(categories)
    if all(type(v) is str for v in values):  # by code point, as str compares (a stable sort)
        order = np.array(sorted(range(len(values)), key=values.__getitem__), dtype=np.int64)
    elif all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
        order = np.argsort(np.array(values, dtype=np.int64), kind="stable")
    else:  # mixed labels: by type name, then value
        order = np.array(sorted(range(len(values)), key=lambda i: (type(values[i]).__name__, values[i])), dtype=np.int64)
    ranked = np.array(present, dtype=np.int64)[order] if present else np.zeros(0, np.int64)
    rank = np.full(len(categories), len(present), dtype=np.int64)  # None after everything
    rank[ranked] = np.arange(len(present))
    return rank


def group_codes(inv: InventoryLike, dims: tuple[str, ...]) -> tuple[np.ndarray, list[np.ndarray], list[Categorical], int]:
    """Each row's group of *dims* (codes ``0 .. n - 1``), each group's code per dimension, the dimensions'
    categories and the number of groups *n*."""
    cols: list[np.ndarray] = []
    sizes: list[int] = []
    cats: list[Categorical] = []
    for d in dims:
        if d == "year":
            ymin = int(inv.year.min()) if len(inv) else 0
            span = int(inv.year.max()) - ymin + 1 if len(inv) else 1
            cols.append((inv.year - ymin).astype(np.int32))
            sizes.append(span)
            cats.append(Categorical(np.zeros(0, np.int32), tuple(range(ymin, ymin + span))))
        elif d == "gas":
            raise InputError("group by gas with per_gas(); by() already gives one column per gas", column="gas")
        else:
            cat = inv.column(d)
            assert isinstance(cat, Categorical)
            cols.append(cat.codes)
            sizes.append(len(cat.categories))
            cats.append(cat)
    if len(cols) == 1:
        ngroups = sizes[0]
        if dims[0] != "year":  # inventory categoricals are compact: every category has rows
            return cols[0], [np.arange(ngroups)], cats, ngroups
        present = np.bincount(cols[0], minlength=ngroups) > 0
        uniq = np.flatnonzero(present)
        if uniq.shape[0] == ngroups:
            return cols[0], [uniq], cats, ngroups
        lookup = np.zeros(ngroups, dtype=np.int32)
        lookup[uniq] = np.arange(uniq.shape[0], dtype=np.int32)
        return lookup[cols[0]], [uniq], cats, uniq.shape[0]
    inv_codes, uniq = combine_codes(cols, sizes)
    return inv_codes, split_codes(uniq, sizes), cats, uniq.shape[0]


def check_dims(inv: InventoryLike, dims: tuple[str, ...]) -> tuple[str, ...]:
    """*dims* if they are dimensions *inv* can be grouped by, once each; else an :class:`InputError`."""
    if not dims:
        raise InputError("by() needs at least one dimension, e.g. by('scope')")
    groupable = [c for c in inv.columns if c != "quantity"]
    for d in dims:
        if not isinstance(d, str) or d not in groupable:
            raise InputError(f"cannot group by {d!r}; dimensions: {', '.join(groupable)}", column=str(d))
    if len(set(dims)) != len(dims):
        raise InputError(f"a dimension is given twice in by{tuple(dims)}", column=next(d for d in dims if dims.count(d) > 1))
    return dims


@attrs.frozen(eq=False, repr=False)
class Emissions:
    """Emissions of an inventory: totals, group sums, per-gas figures and the factor matches.

    Every figure in tonnes is a plain ``float`` (t CO2e, or t of one gas);
    group tables have their group keys sorted.  The per-key arrays the kernel
    computed are private; :meth:`row_co2e`, :meth:`row_mass`, :meth:`by_scope`,
    :meth:`keys` and :meth:`with_rates` are what other views are built from.

    Attributes
    ----------
    inventory : Inventory
    factors : FactorSet
    gwp : str
        The GWP set used ("AR5", "AR4", "AR6", "SAR", "TAR" or "AR6-GWP20").
    gases : tuple of str
        Gases present in the matched factors.
    scope2 : Scope2Result or None
        Both scope 2 figures when asked for with ``emissions(..., scope2=..., instruments=...)``.
    scope2_method : {"location", "market"}
        Which scope 2 figure this result's totals contain.
    """

    inventory: InventoryLike
    factors: FactorSet
    gwp: str
    gases: tuple[str, ...]
    _gwp_weights: np.ndarray
    #: each row's key code, or what gives it when first asked for (the kernel's row keys, :class:`RowKeyCodes`)
    _key_codes: Any
    _key_factor: np.ndarray
    #: each key's t of each gas per activity unit (keys x gases), or what works it out when first read (a
    #: callable: the kernel's per-key gas table is built only for what needs it)
    _key_gas: np.ndarray | Callable[[], np.ndarray]
    _key_co2e: np.ndarray
    _resolution: Any
    _triple_of_key: np.ndarray
    _triple_labels: tuple[Sequence[str], Sequence[str], np.ndarray]
    _cache: dict = attrs.field(factory=dict)
    #: Both scope 2 figures (a :class:`Scope2Result`) when asked for with
    #: ``emissions(..., scope2=..., instruments=...)``; ``None`` otherwise.
    scope2: "Scope2Result | None" = attrs.field(default=None, kw_only=True)
    #: Which scope 2 figure this result's totals contain: ``"location"`` or ``"market"``.
    scope2_method: Scope2Method = attrs.field(default="location", kw_only=True, converter=scope2_method)
    #: The run options ``Inventory.emissions()`` was given (strict, upstream, rate tables, scope 2 inputs), for the lockfile.
    run: RunOptions = attrs.field(factory=RunOptions, kw_only=True, eq=False)

    @property
    def _key_gas_t(self) -> np.ndarray:
        """Each key's t of each gas per activity unit (keys x gases)."""
        gas = self._key_gas
        if isinstance(gas, np.ndarray):
            return gas
        hit: np.ndarray | None = self._cache.get("key_gas")
        if hit is None:
            hit = self._cache["key_gas"] = gas()
        return hit

    @property
    def _key_inverse(self) -> np.ndarray:
        """Each row's key code (``code`` of the kernel's row keys, combined again if the pass did not keep it)."""
        codes = self._key_codes
        return codes if isinstance(codes, np.ndarray) else codes.code

    @property
    def matches(self) -> Matches:
        """Which factor each row used, and the fallbacks (see :class:`Matches`)."""
        return Matches(self)

    # -- per key / per row ---------------------------------------------------------

    def _key_quantity(self) -> np.ndarray:
        hit = self._cache.get("kq")
        if hit is None:
            self._cache["rows"], hit = key_sums(self._key_inverse, self.inventory.quantity, len(self._key_factor))
            self._cache["kq"] = hit
        return hit

    def _key_rows(self) -> np.ndarray:
        if "rows" not in self._cache:
            self._cache.pop("kq", None)
            self._key_quantity()
        rows: np.ndarray = self._cache["rows"]
        return rows

    def row_co2e(self) -> np.ndarray:
        """CO2e of every row, in t CO2e (one gather and one multiply; read-only)."""
        hit = self._cache.get("row")
        if hit is None:
            hit = _ro(self.inventory.quantity * self._key_co2e[self._key_inverse])
            self._cache["row"] = hit
        return hit

    def row_mass(self, gas: str) -> np.ndarray:
        """Mass of *gas* from every row, in t of the gas (zeros for a gas no matched factor has).

        >>> res.row_mass("CO2").tolist()  # doctest: +SKIP
        [659.2]
        """
        g = canonical_gas(gas)
        if g not in self.gases:
            return np.zeros(len(self.inventory))
        return self.inventory.quantity * self._key_gas_t[:, self.gases.index(g)][self._key_inverse]

    def keys(self) -> EmissionKeys:
        """The distinct keys with their quantities and per-unit rates; see :class:`EmissionKeys`."""
        nkeys = len(self._key_factor)
        n = len(self.inventory)
        first = np.full(nkeys, -1, dtype=np.int64)
        first[self._key_inverse[::-1]] = np.arange(n - 1, -1, -1)
        acts, regs, ty = self._triple_labels
        t = self._triple_of_key
        inv = self.inventory

        def labels(values: Sequence[Any], index: np.ndarray) -> tuple[Any, ...]:
            arr: np.ndarray = np.empty(len(values) + 1, dtype=object)  # the extra slot: None for index -1
            arr[:-1] = list(values)
            return tuple(arr[index].tolist())

        unit_code = np.where(first >= 0, inv.unit.codes[np.clip(first, 0, None)] if n else -1, -1)
        return EmissionKeys(
            activity=labels(acts, t), region=labels(regs, t), year=_ro(np.asarray(ty, dtype=np.int64)[t]),
            unit=labels(inv.unit.categories, unit_code), quantity=_ro(self._key_quantity().copy()),
            rows=_ro(self._key_rows().copy()), rates=_ro(self._key_gas_t.copy()),
            year_used=_ro(np.asarray(self._resolution.year_used, dtype=np.int64)[t]),
        )

    def row_keys(self) -> np.ndarray:
        """Per row: the index of its key in :meth:`keys` (read-only)."""
        return self._key_inverse

    def with_rates(self, gases: Sequence[str], rates: np.ndarray, *, scope2_method: str) -> "Emissions":
        """The same rows with other per-key rates (t of each of *gases* per unit; shape (keys, gases)).

        How the market-based scope 2 view is built (:mod:`neutralcore.measure.scope2`).
        CO2e is weighted with this result's GWP set; the gases are put in :func:`gas_sort_key` order.

        Raises
        ------
        InputError
            If *rates* does not have one row per key and one column per gas, or holds a
            negative or non-finite number.
        """
        names = [canonical_gas(g) for g in gases]
        rates = np.asarray(rates, dtype=float)
        if rates.ndim != 2 or rates.shape != (len(self._key_factor), len(names)):
            raise InputError(f"rates must have shape ({len(self._key_factor)}, {len(names)}) (keys, gases), "
                             f"got {rates.shape}", column="rates")
        if not np.isfinite(rates).all() or (rates < 0).any():
            raise InputError("rates must be finite and non-negative", column="rates")
        if len(set(names)) != len(names):
            raise InputError(f"a gas is given twice in {names}", column="gases")
        order = sorted(range(len(names)), key=lambda j: gas_sort_key(names[j]))
        gases, rates = tuple(names[j] for j in order), rates[:, order]
        weights, scoped = reporting_weights(gases, self.gwp)
        if np.isnan(weights[scoped]).any():
            missing = [g for g, w, s in zip(gases, weights, scoped) if s and w != w]
            raise InputError(f"no {self.gwp} GWP for {', '.join(missing)}", column="gases")
        key_co2e = rates @ np.where(scoped, weights, 0.0)
        return attrs.evolve(self, gases=gases, gwp_weights=weights, key_gas=rates, key_co2e=key_co2e,
                            cache={}, scope2=None, scope2_method=scope2_method)

    def lock(self, path: "str | os.PathLike[str]", *, versions: "Mapping[str, str] | None" = None) -> dict[str, Any]:
        """Write this result's factor lockfile to *path* (JSON) and return its content.

        See :mod:`neutralcore.measure.lock`; ``FactorSet.from_lock(path)`` reads it back and
        :func:`neutralcore.measure.replay.replay` recomputes and compares the run.
        """
        from neutralcore.measure.lock import write_lock

        return write_lock(self, path, versions=versions)

    def with_scope2(self, result: "Scope2Result") -> "Emissions":
        """This result carrying both scope 2 figures (a :class:`~neutralcore.measure.scope2.Scope2Result`)."""
        return attrs.evolve(self, cache={}, scope2=result)

    # -- totals ---------------------------------------------------------------------

    def total(self, gas: str | None = None) -> float:
        """Total in t CO2e, or of one *gas* in t of that gas.

        >>> round(inv.emissions(fs).total(), 6)  # doctest: +SKIP
        659.2
        """
        if gas is None:
            value = self._cache.get("total")
            if value is None:
                row = self._cache.get("row")
                value = float(row.sum()) if row is not None else float(self._key_quantity() @ self._key_co2e)
            return float(value)
        g = canonical_gas(gas)
        if g not in self.gases:
            return 0.0
        return float(self._key_quantity() @ self._key_gas_t[:, self.gases.index(g)])

    def by_scope(self) -> dict[Scope, float]:
        """t CO2e of each scope: ``{1: ..., 2: ..., 3: ...}`` (0.0 for a scope without rows)."""
        inv = self.inventory
        out: dict[Scope, float] = {s: 0.0 for s in SCOPES}
        if len(inv):
            per = self._sums([("scope",)], gases=False)[0][0]
            for scope, value in zip(inv.scope.categories, per[:, 0].tolist()):
                out[int(scope)] = value  # type: ignore[index]
        return out

    def per_gas(self) -> Table:
        """Mass of each gas (t), its GWP, its CO2e (t) and whether it is in the scope totals, one row per gas.

        ``reported`` is ``"in scopes"`` for the Kyoto gases and ``CO2e`` (amounts a publisher gave only as
        CO2e, unspecified gases, shown apart from CO2 and never added to its mass; see :meth:`co2e_basis`), ``"separately"`` for biogenic CO2 and the gases the Kyoto Protocol does
        not cover (CFCs, HCFCs, halons, HFEs, …), which the GHG Protocol Corporate Standard (Ch. 9) has
        reported separately from the scopes: their ``co2e_t`` is shown here and never added to
        :meth:`total`, :meth:`by_scope` or the ``co2e_t`` of :meth:`by` (see :meth:`outside_scopes`).
        ``gwp`` and ``co2e_t`` are NaN for a gas outside the scopes that the set gives no value.
        """
        kq = self._key_quantity()
        mass = kq @ self._key_gas_t if len(self.gases) else np.zeros(0)
        weights = np.asarray(self._gwp_weights, dtype=float)
        kinds = [gas_kind(g) for g in self.gases]
        return Table(
            {"gas": list(self.gases), "mass_t": np.asarray(mass, dtype=float), "gwp": weights,
             "co2e_t": np.asarray(mass * weights, dtype=float), "kind": kinds,
             "reported": ["in scopes" if k in ("kyoto", "co2e") else "separately" for k in kinds]},
            title=f"Emissions per gas ({gwp_label(self.gwp)})",
        )

    def co2e_basis(self) -> Table:
        """The keys whose factor gives only a ``CO2e`` amount, with the GWP set its publisher used.

        A CO2e amount cannot be re-weighted (its gases are not given): it is kept as published, so a row
        whose ``gwp_basis`` is not this result's :attr:`gwp` mixes two sets.  ``same_basis`` says which;
        ``inv.emissions(..., strict=True)`` refuses them instead.  Columns: activity, region, year,
        gwp_basis, same_basis, rows, co2e_t (t CO2e as published).
        """
        hit = self._cache.get("co2e_basis")
        if hit is not None:
            return hit
        cols: dict[str, Any] = {"activity": [], "region": [], "year": [], "gwp_basis": [], "same_basis": [],
                                "rows": [], "co2e_t": []}
        if "CO2e" in self.gases:
            kq = self._key_quantity()
            rate = self._key_gas_t[:, self.gases.index("CO2e")]
            nrows = self._key_rows()
            acts, regs, ty = self._triple_labels
            for k in np.flatnonzero((rate > 0) & (nrows > 0)).tolist():
                t = int(self._triple_of_key[k])
                basis = self.factors.gwp_basis_of(int(self._key_factor[k]))
                for c, v in (("activity", acts[t]), ("region", regs[t]), ("year", int(ty[t])), ("gwp_basis", basis),
                             ("same_basis", basis == self.gwp), ("rows", int(nrows[k])),
                             ("co2e_t", float(kq[k] * rate[k]))):
                    cols[c].append(v)
        cols["co2e_t"] = np.asarray(cols["co2e_t"], dtype=float)
        hit = Table(cols, title=f"CO2e amounts and their publishers' GWP basis (this result: {gwp_label(self.gwp)})")
        self._cache["co2e_basis"] = hit
        return hit

    def outside_scopes(self) -> Table:
        """The gases reported separately from the scopes (biogenic CO2, non-Kyoto gases): :meth:`per_gas` rows.

        GHG Protocol Corporate Standard (revised edition 2004), Chapter 9: CO2 from biologically sequestered
        carbon and GHGs not covered by the Kyoto Protocol (e.g. CFCs) are reported separately from the scopes.
        """
        table = self.per_gas()
        keep = [i for i, r in enumerate(table["reported"]) if r == "separately"]
        return Table({c: [table[c][i] for i in keep] if c in ("gas", "kind", "reported")
                      else np.asarray(table[c], dtype=float)[keep] for c in table.columns},
                     title=f"Reported separately from the scopes ({gwp_label(self.gwp)})")

    def uncertainty(self, iterations: int = 10_000, *, seed: int | None = None,
                    progress: bool | None = None) -> "Uncertainty":
        """Monte Carlo range of the total from the published uncertainties of the factors and fuel properties.

        Each gas of each factor used with a published 95 % interval (``Factor.intervals``, or the
        factor's ``uncertainty`` shorthand: normal, relative half-width) is drawn once per iteration
        from its distribution (:class:`~neutralcore.measure.factorvalue.Interval`: normal, lognormal,
        uniform or triangular, the bounds being its 2.5th and 97.5th percentiles) and applied to every
        row that uses it, so rows sharing a factor are fully correlated; gases with their own interval
        are drawn independently, and the shorthand is one draw for all the gases it covers.
        A fuel property with a published interval (``FuelProperty.interval``: an NCV, GCV or density)
        that converts a row's unit to its factor's per-unit is drawn once per iteration too, the one draw
        shared by every row converted through it, whichever activity it is (see
        :mod:`neutralcore.measure.uncertainty`).
        Gases of factors without a published uncertainty are held fixed: the share of the total they
        carry is ``share_without`` and they are listed in ``without`` (never counted as certain
        silently); the sampled properties are listed in ``properties``.  Activity-data uncertainty is not
        included.  Cost is independent of the row count: emissions are summed per (factor, property cell,
        gas) once, then an (iterations x lines) matrix is applied.
        *progress* shows a bar (``True``), never (``False``) or on an interactive terminal (``None``; needs tqdm).
        """
        if isinstance(iterations, bool) or not isinstance(iterations, (int, np.integer)) or iterations < 2:
            raise InputError(f"iterations must be a whole number of at least 2, got {iterations!r}")
        iterations = int(iterations)
        fs = self.factors
        nf = len(fs)
        kq = self._key_quantity()
        cells = property_cells(fs, self._key_factor, self.keys().unit)
        n_cells = cells.powers.shape[0]
        # t CO2e per (factor x property cell, gas of this result)
        fc_code, fc_of_key = np.unique(self._key_factor.astype(np.int64) * n_cells + cells.cell_of_key,
                                       return_inverse=True)
        fc_of_key = fc_of_key.reshape(-1)
        per_fcg = np.zeros((fc_code.shape[0], len(self.gases)))
        # only what counts in total(): gases reported outside the scopes (biogenic CO2, non-Kyoto) weigh 0
        scoped = np.where([in_scopes(g) for g in self.gases], np.nan_to_num(self._gwp_weights), 0.0)
        for j in range(len(self.gases)):
            per_fcg[:, j] = np.bincount(fc_of_key, weights=kq * self._key_gas_t[:, j] * scoped[j],
                                        minlength=fc_code.shape[0])
        per_fg = np.zeros((nf, len(self.gases)))
        np.add.at(per_fg, fc_code // n_cells, per_fcg)
        total = float(self.total())
        col = [fs.gases.index(g) for g in self.gases]
        lower, upper, dist = fs.interval_arrays()
        lower, upper, dist = lower[:, col], upper[:, col], dist[:, col]
        central = fs.values[:, col]
        f_used, g_used = np.nonzero(per_fg)
        # lines in a canonical order of factor content, so the sums do not depend on the factor set's order
        rank = _canonical_rank(fs, f_used)
        order = np.lexsort((g_used, rank[f_used]))
        f_used, g_used = f_used[order], g_used[order]
        contrib = per_fg[f_used, g_used]
        has = dist[f_used, g_used] >= 0
        shorthand = has & ~np.isnan(fs.uncertainty[f_used]) & ~_own_interval(fs, f_used, [self.gases[j] for j in g_used])
        # each draw keyed by what it samples, not by factor position (see neutralcore.measure.uncertainty)
        root = np.random.SeedSequence(seed)
        with bar(iterations, "Monte Carlo", progress=progress) as shown:
            ratios = np.ones((iterations, f_used.shape[0]))
            # the shorthand: one draw per factor for all its gases (the old behaviour), normal
            if shorthand.any():
                fac, inv = np.unique(f_used[shorthand], return_inverse=True)
                sigma = fs.uncertainty[fac] / 1.96
                z = np.column_stack([keyed_generator(root, factor_identity(fs.factor(f), None)).normal(
                    1.0, s, size=iterations) for f, s in zip(fac.tolist(), sigma.tolist())])
                ratios[:, np.flatnonzero(shorthand)] = np.clip(z, 0.0, None)[:, inv.reshape(-1)]
            own = np.flatnonzero(has & ~shorthand)
            if own.size:
                ids = [factor_identity(fs.factor(f), self.gases[g])
                       for f, g in zip(f_used[own].tolist(), g_used[own].tolist())]
                ratios[:, own] = keyed_ratios(
                    root, ids, iterations, central[f_used[own], g_used[own]], lower[f_used[own], g_used[own]],
                    upper[f_used[own], g_used[own]], dist[f_used[own], g_used[own]])
            if cells.properties:
                # each (factor x cell, gas) line: its factor-gas draw times its cell's property draws
                line_fc, line_g = np.nonzero(per_fcg)
                order = np.lexsort((line_g, fc_code[line_fc] % n_cells, rank[fc_code[line_fc] // n_cells]))
                line_fc, line_g = line_fc[order], line_g[order]
                fg_pos = np.full((nf, len(self.gases)), -1, dtype=np.int64)
                fg_pos[f_used, g_used] = np.arange(f_used.shape[0])
                by_cell = property_ratios(cells, root, iterations)
                line_ratios = ratios[:, fg_pos[fc_code[line_fc] // n_cells, line_g]] * by_cell[:, fc_code[line_fc] % n_cells]
                line_contrib = per_fcg[line_fc, line_g]
                totals = line_ratios @ line_contrib + (total - float(line_contrib.sum()))
            else:
                totals = ratios @ contrib + (total - float(contrib.sum()))
            shown.update(iterations)
        low, mid, high = np.percentile(totals, [2.5, 50.0, 97.5])
        miss = np.flatnonzero(~has)
        acts, regs = fs.activity.values(), fs.region.values()
        without = Table(
            {"activity": [acts[f] for f in f_used[miss].tolist()], "region": [regs[f] for f in f_used[miss].tolist()],
             "year": [int(fs.year[f]) for f in f_used[miss].tolist()], "gas": [self.gases[j] for j in g_used[miss].tolist()],
             "co2e_t": np.asarray(contrib[miss], dtype=float)},
            title="Emissions without a published uncertainty (t CO2e)",
        )
        co2e_per_cell = np.bincount(fc_code % n_cells, weights=per_fcg.sum(axis=1), minlength=n_cells)
        return Uncertainty(
            total=total, mean=float(totals.mean()), median=float(mid), low=float(low), high=float(high),
            iterations=iterations, share_without=float(contrib[miss].sum() / total) if total else 0.0, without=without,
            properties=property_table(cells, co2e_per_cell),
        )

    def rows(self) -> Table:
        """Every inventory row with its result: a :class:`~neutralcore._core.table.Table` of one row per row.

        Columns: ``row`` (0-based position), ``file`` and ``line`` (for an
        inventory read from a file), the inventory's own columns, ``co2e_t``
        and ``<gas>_t`` for every gas of :attr:`gases` (t, float), the factor
        used (``factor_activity``, ``factor_region``, ``factor_year``), how it
        was found (``fallback``: ``exact``, ``region``, ``year`` or
        ``region+year``), its ``pack`` and its ``source`` (publisher, document,
        year); where a factor used gives its publisher's CO2e total, also
        ``published_co2e_t`` (t CO2e from that total) and ``published_gwp_basis``
        (see :mod:`neutralcore.measure.rowresults`).  Convert it like any table:
        ``.to_pandas()``, ``.to_arrow()``, ``.to_csv(path)``.

        >>> res.rows().to_pandas()  # doctest: +SKIP
        """
        return row_results(self)

    # -- grouping ---------------------------------------------------------------------

    def _group_codes(self, dims: tuple[str, ...]) -> tuple[np.ndarray, list[np.ndarray], list[Categorical], int]:
        return group_codes(self.inventory, dims)

    def _check_dims(self, dims: tuple[str, ...]) -> tuple[str, ...]:
        return check_dims(self.inventory, dims)

    def keep_sums(self, sums: Mapping[tuple[str, ...], tuple[np.ndarray, list[np.ndarray], list[Categorical]]], *,
                  gases: bool) -> None:
        """Keep group sums computed with the rows' pass (:func:`neutralcore.measure.kernel.compute`'s ``by``):
        per grouping, the sums (groups x (CO2e[, each gas])), each group's codes and the categories."""
        key = "gas" if gases and self.gases else "co2e"
        self._cache.setdefault(f"by_{key}", {}).update(sums)

    def by(self, *dims: str | Sequence[str], gases: bool = True) -> Table:
        """One row per group of *dims*: CO2e (t) and, unless ``gases=False``, tonnes of each gas.

        Dimensions: ``activity``, ``unit``, ``region``, ``year``, ``scope``,
        ``category``, ``site`` and any extra dimension of the inventory, given
        as arguments or as one list (``by("scope", "site")`` and
        ``by(["scope", "site"])`` are the same).  Rows are sorted by the group
        labels (scope 1, 2, 3; sites and activities alphabetically; an empty
        label last); ``co2e_t`` and the ``<gas>_t`` columns are float arrays.
        Several groupings cost one pass over the rows with :meth:`by_many`.

        >>> res.by("scope", "site")  # doctest: +SKIP
        """
        return self.by_many([self._check_dims(_dimension_names(dims))], gases=gases)[0]

    def by_many(self, groupings: Sequence[Sequence[str]], *, gases: bool = True) -> list[Table]:
        """:meth:`by` for several groupings at once, summed in one pass over the rows; one table per grouping.

        The same tables as ``[res.by(*g, gases=gases) for g in groupings]``, for the price of about one.

        Examples
        --------
        >>> import neutralcore as nc
        >>> src = nc.Source("MONRE/DCC", "Viet Nam grid emission factor 2023", 2024)
        >>> fs = nc.FactorSet.from_factors([nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, src)])
        >>> inv = nc.Inventory([nc.Activity("electricity.grid", 1000, "MWh", region="VN", year=2023, scope=2, site="a"),
        ...                     nc.Activity("electricity.grid", 500, "MWh", region="VN", year=2023, scope=2, site="b")])
        >>> by_scope, by_site = inv.emissions(fs).by_many([("scope",), ("site",)])
        >>> by_scope["co2e_t"].round(6).tolist(), by_site["site"], by_site["co2e_t"].round(6).tolist()
        ([988.8], ['a', 'b'], [659.2, 329.6])
        """
        if isinstance(groupings, (str, bytes)) or not all(isinstance(g, (list, tuple)) for g in groupings):
            raise InputError("by_many() takes a list of groupings, each a tuple of dimensions, e.g. [('scope',), "
                             "('scope', 'site')]")
        specs = [self._check_dims(tuple(g)) for g in groupings]
        sums = self._sums(specs, gases=gases)
        return [self._table(dims, parts, cats, values, gases) for dims, (values, parts, cats) in zip(specs, sums)]

    def _sums(self, specs: Sequence[tuple[str, ...]], *, gases: bool
              ) -> list[tuple[np.ndarray, list[np.ndarray], list[Categorical]]]:
        """Per grouping: the sums (groups x (CO2e, each gas)), and each group's codes and categories per dimension.

        One pass over the rows for all groupings (:func:`neutralcore.measure.rowpass.group_sums` over the rows'
        key codes, or :func:`neutralcore.measure.rowpass.fused_pass` over the key columns while no code per row is
        kept); groupings asked for before are taken from the cache.
        """
        key = "gas" if gases and self.gases else "co2e"
        cache: dict[tuple[str, ...], Any] = self._cache.setdefault(f"by_{key}", {})
        if key == "co2e":  # a grouping summed with its gases has its CO2e column too
            cache.update((d, v) for d, v in self._cache.get("by_gas", {}).items() if d not in cache)
        todo = [d for d in dict.fromkeys(specs) if d not in cache]
        if todo:
            coded = [self._group_codes(d) for d in todo]
            rates = self._key_co2e[:, None] if key == "co2e" else np.column_stack([self._key_co2e, self._key_gas_t])
            groups = [(c[0], c[3]) for c in coded]
            lay = getattr(self._key_codes, "uncombined", None)
            if lay is not None:  # no code per row kept: each row's key combined from its columns as the pass reads
                sums = fused_pass(lay.columns, lay.sizes, lay.offsets, self.inventory.quantity, lay.n_keys, rates,
                                  groups)[2]
            else:
                sums = group_sums(self._key_inverse, self.inventory.quantity, rates, groups)
            for d, c, values in zip(todo, coded, sums):
                cache[d] = (values, c[1], c[2])
        return [cache[d] for d in specs]

    def _table(self, dims: tuple[str, ...], parts: list[np.ndarray], cats: list[Categorical], values: np.ndarray,
               gases: bool) -> Table:
        """The table of :meth:`by`: groups sorted by their labels, the last dimension varying fastest."""
        ngroups = values.shape[0]
        n_gas = len(self.gases) if gases else 0
        out: dict[str, Any] = {}
        cats0 = cats[0].categories if len(cats) == 1 else ()
        if (len(cats) == 1 and ngroups == len(cats0) and isinstance(cats0, tuple) and all_text(cats0)
                and bool((parts[0] == np.arange(ngroups)).all())):  # one dimension, every label a group, in order
            order, ordered = text_order(cats0)  # the usual by(site): the labels' sorted order, remembered
            out[dims[0]] = list(ordered)
        else:
            order = np.lexsort([_sort_rank(cat.categories)[part] for part, cat in zip(parts, cats)][::-1]) \
                if ngroups else np.zeros(0, dtype=np.int64)
            for d, part, cat in zip(dims, parts, cats):
                labels: np.ndarray = np.empty(len(cat.categories), dtype=object)
                labels[:] = list(cat.categories)
                out[d] = labels[part[order]].tolist()
        out["co2e_t"] = np.array(values[order, 0], dtype=float)
        for j in range(n_gas):
            out[f"{self.gases[j]}_t"] = np.array(values[order, j + 1], dtype=float)
        return Table(out, title=f"Emissions by {', '.join(dims)} (t; CO2e with {gwp_label(self.gwp)})")

    # -- display ------------------------------------------------------------------------

    def plot(self, *dims: str | Sequence[str], gases: bool = False, ax: Any = None) -> Any:
        """Bars of the result by *dims* (default ``scope``); with *gases*, each bar stacked by gas in t CO2e
        (the gases in the scope totals only).  Returns the matplotlib Axes; needs the ``plot`` extra
        (:class:`~neutralcore.MissingDependencyError` otherwise).

        >>> res.plot("site")                # doctest: +SKIP
        >>> res.plot("scope", gases=True)   # doctest: +SKIP
        """
        from neutralcore._core.charts import plot_gases, plot_groups

        table = self.by(*(dims or ("scope",)))
        if not gases:
            return plot_groups(table, ax=ax)
        kept = [g for g in self.gases if in_scopes(g)]
        weights = np.nan_to_num(reporting_weights(kept, self.gwp)[0]) if kept else np.zeros(0)
        return plot_gases(table, weights.tolist(), kept, ax=ax)

    def _display(self) -> tuple[str, Table, list[str]]:
        """Heading, the table by scope and the notes, shown as text and as HTML."""
        total = self.total()
        fb = self.matches.n_fallback_rows
        heading = (f"Emissions: {total:,.3f} t CO2e ({gwp_label(self.gwp)}; scope 2 {self.scope2_method}-based) "
                   f"from {len(self.inventory):,} rows")
        notes = [f"{fb:,} row(s) used a fallback factor: see .matches.fallbacks()" if fb
                 else "No row used a fallback factor."]
        stage = self.inventory.dims.get("stage")
        if stage is not None:
            notes.append(_stage_note(self.inventory, stage))
        if "CO2e" in self.gases:
            basis = self.co2e_basis()
            off = [i for i, same in enumerate(basis["same_basis"]) if not same]
            if off:
                sets = sorted({str(basis["gwp_basis"][i]) for i in off})
                notes.append(f"{sum(basis['rows'][i] for i in off):,} row(s) carry CO2e published under "
                             f"{', '.join(sets)}, kept as published (not {self.gwp}): see .co2e_basis()")
        apart = self.outside_scopes() if any(gas_kind(g) not in ("kyoto", "co2e") for g in self.gases) else None
        if apart is not None and len(apart):
            parts = [f"{g} {m:,.3f} t" + (f" ({c:,.3f} t CO2e)" if g != "CO2_biogenic" and c == c else "")
                     for g, m, c in zip(apart["gas"], apart["mass_t"], apart["co2e_t"])]
            notes.append("reported separately from the scopes, not in the total: " + "; ".join(parts)
                         + " (see .outside_scopes())")
        return heading, self.by("scope"), notes

    def __repr__(self) -> str:
        heading, table, notes = self._display()
        return table.to_text(title="\n".join(t for t in (heading, table.title) if t), notes=notes)

    def _repr_html_(self) -> str:
        heading, table, notes = self._display()
        return table.to_html(title=heading, notes=notes)

    def __iter__(self) -> Iterator[Any]:
        raise TypeError("iterate over emissions.by(...) or emissions.row_co2e()")


def _stage_note(inv: InventoryLike, stage: Categorical) -> str:
    """What ``upstream=True`` added, and which activities had no upstream factor (said, never silent)."""
    labels = np.array(stage.categories, dtype=object)[stage.codes]
    acts = np.array(inv.activity.categories, dtype=object)[inv.activity.codes]
    direct = labels == "combustion"
    base = {str(a).rsplit(".", 1)[0] for a in acts[~direct].tolist()}
    without = sorted({str(a) for a in acts[direct].tolist()} - base)
    text = f"upstream stages (scope 3) added for {int((~direct).sum()):,} row(s)"
    if without:
        text += f"; no upstream factor for {', '.join(without[:5])}" + (" …" if len(without) > 5 else "")
    return text + " (see .by('stage'))"


@attrs.frozen(eq=False, repr=False)
class Scope2Result:
    """Both scope 2 figures and how the market-based one was built (by :func:`neutralcore.measure.scope2.market_based`).

    Defined here, beside :class:`Emissions`, which carries it in ``.scope2``; importable from
    :mod:`neutralcore.measure.scope2` too.

    Attributes
    ----------
    location, market : Emissions
        The whole inventory under each method (only scope 2 electricity differs).
    instruments : Table
        One row per instrument: status (``applied``, ``partly applied``,
        ``rejected``), MWh applied and the reason.
    fallbacks : Table
        Keys whose market-based residual share used the grid average (no
        residual mix) or a residual mix from another region or year.
    disclosures : tuple of str
        Sentences to put in a report.
    entity : str or None
    vintage_window : (int, int)
    """

    location: Emissions
    market: Emissions
    instruments: Table
    fallbacks: Table
    disclosures: tuple[str, ...]
    entity: str | None
    vintage_window: tuple[int, int]

    def location_total(self) -> float:
        """Location-based scope 2, in t CO2e."""
        return self.location.by_scope()[2]

    def market_total(self) -> float:
        """Market-based scope 2, in t CO2e."""
        return self.market.by_scope()[2]

    def summary(self) -> Table:
        """Scope 2 and the inventory total under each method."""
        return Table(
            {
                "method": ["location-based", "market-based"],
                "scope2_t": np.array([self.location_total(), self.market_total()], dtype=float),
                "total_t": np.array([self.location.total(), self.market.total()], dtype=float),
            },
            title="Scope 2 dual reporting (t CO2e)",
        )

    def _view(self) -> tuple[str, list[tuple[str, str]], Table, list[str]]:
        ins = self.instruments
        applied = sum(1 for s in ins["status"] if s != "rejected") if len(ins) else 0
        facts = [("instruments", f"{len(ins)} given, {applied} applied"), ("entity", self.entity or "—")]
        return "Scope 2, location- and market-based (t CO2e)", facts, self.summary(), list(self.disclosures)

    def __repr__(self) -> str:
        title, facts, table, notes = self._view()
        return view_text(title, facts, table, notes)

    def _repr_html_(self) -> str:
        return view_html(*self._view())
