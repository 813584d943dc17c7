"""Emission factors with provenance: ``Source``, ``FuelProperty``, ``Factor`` and the columnar ``FactorSet``.

(Over 600 lines: one frozen columnar ``FactorSet`` whose constructors, merge, region chains and per-factor columns share its invariants.)

A factor gives amounts of each gas per unit of activity, e.g. 0.6592 t CO2
per MWh of Viet Nam grid electricity in 2023.  Its unit is written
``"<mass>/<activity unit>"`` (``"t/MWh"``, ``"kg/TJ"``).  A factor per
energy can carry its fuel's net calorific value and density, which let an
activity in kilograms or litres be converted to energy.

Region fallback
---------------
A ``FactorSet`` knows a parent for each region it declares (``regions=``,
e.g. ``{"CN-JS": "CN-EAST", "CN-EAST": "CN"}``).  A region without a
declared parent falls back to its country when its code has the ISO 3166-2
form (``VN-SG`` to ``VN``), and to ``"World"`` otherwise; see
:func:`parent_region`.  See :mod:`neutralcore.measure.kernel` for the
matching rules.
"""

from __future__ import annotations

import os
import re
from typing import Any, Callable, Iterable, Iterator, Mapping, TypeVar

import attrs
import numpy as np

from neutralcore._core.categorical import Categorical, factorize
from neutralcore._core.csvrows import CsvSource
from neutralcore._core.table import Table
from neutralcore._core.validators import FrozenMap, activity_key, optional_str, region_code
from neutralcore.errors import InputError, NeutralcoreError
from neutralcore.units import dimension_of, split_factor_unit
from neutralcore.measure.factorfile import read_factor_rows
from neutralcore.measure.factorvalue import CONFIDENCE_LABELS, DISTRIBUTIONS, WORLD, Factor, FuelProperty, Interval, Source

__all__ = ["Source", "FuelProperty", "Factor", "Interval", "FactorSet", "WORLD", "CONFIDENCE_LABELS", "parent_region", "region_map"]

_T = TypeVar("_T")

#: An ISO 3166-2 subdivision code: the ISO 3166-1 alpha-2 country, a hyphen, one to three letters or digits.
_ISO_3166_2 = re.compile(r"^([A-Z]{2})-[A-Z0-9]{1,3}$")

def _ro(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def region_map(regions: Mapping[str, Any] | None) -> Mapping[str, tuple[str | None, str | None]]:
    """A region hierarchy, normalised and checked: ``{code: (parent, name)}``.

    Takes ``{code: parent}``, ``{code: {"name": ..., "parent": ...}}`` or an
    already normalised mapping; codes are canonicalised (``"cn-js"`` is
    ``"CN-JS"``).  This is the converter of :attr:`FactorSet.regions`.

    Raises
    ------
    InputError
        A code is not a region code, a spec has unknown fields, or a fallback
        chain loops (checked in one pass over the regions, however long the chains).

    Examples
    --------
    >>> dict(region_map({"cn-js": "CN-EAST", "CN-EAST": {"name": "East China", "parent": "CN"}}))
    {'CN-JS': ('CN-EAST', None), 'CN-EAST': ('CN', 'East China')}
    >>> region_map({"A": "B", "B": "A"})
    Traceback (most recent call last):
    ...
    neutralcore.InputError: column 'regions': region fallback chain loops: A -> B -> A
    """
    out: dict[str, tuple[str | None, str | None]] = {}
    for code, spec in (regions or {}).items():
        code = region_code(code)
        if isinstance(spec, Mapping):
            unknown = set(spec) - {"name", "parent"}
            if unknown:
                raise InputError(f"region {code!r} has unknown fields {sorted(unknown)}", column="regions")
            parent, name = spec.get("parent"), spec.get("name")
        elif isinstance(spec, tuple) and len(spec) == 2:  # already normalised
            parent, name = spec
        else:
            parent, name = spec, None
        parent = region_code(parent) if parent not in (None, "") else None
        out[code] = (parent, optional_str(name))
    _check_cycles(out)
    return FrozenMap(out)


def parent_region(region: str, regions: Mapping[str, tuple[str | None, str | None]]) -> str | None:
    """The region *region* falls back to: its declared parent; else, for an ISO 3166-2 code, its country; else World.

    *regions* is a normalised hierarchy (:func:`region_map`).  A declared parent of ``"World"`` for an
    ISO 3166-2 code still goes through the country first, so ``VN-SG`` always reaches ``VN`` before
    ``World``.  ``None`` for ``"World"`` itself.

    Examples
    --------
    >>> parent_region("VN-SG", {}), parent_region("VN", {}), parent_region("XX-EAST", {})
    ('VN', 'World', 'World')
    >>> parent_region("CN-JS", region_map({"CN-JS": "CN-EAST"}))
    'CN-EAST'
    """
    if region == WORLD:
        return None
    parent = regions.get(region, (None, None))[0]
    if parent is not None and parent != WORLD:
        return parent
    iso = _ISO_3166_2.match(region)
    return iso.group(1) if iso else WORLD


def _check_cycles(regions: Mapping[str, tuple[str | None, str | None]]) -> None:
    """Refuse a loop in the parent chains (declared parents and ISO 3166-2 countries); every region is walked once."""
    done: set[str] = set()
    for start in regions:
        path: dict[str, None] = {}  # the chain walked from *start*, in order
        cur: str | None = start
        while cur is not None and cur != WORLD and cur not in done:
            if cur in path:
                chain = list(path)
                loop = chain[chain.index(cur):] + [cur]
                raise InputError(f"region fallback chain loops: {' -> '.join(loop)}", column="regions")
            path[cur] = None
            cur = parent_region(cur, regions)
        done.update(path)


def _fallback_kind(_self: Any, _attr: Any, value: Any) -> None:
    if value not in ("year", "region"):
        raise InputError(f"fallback must be 'year' (the latest year up the region chain first) or 'region' (own "
                         f"region's earlier year first), got {value!r}", column="fallback")


def _optional_concat(parts: list[Categorical | None], sizes: list[int]) -> Categorical | None:
    """Concatenate optional per-factor columns; a set without one holds None there."""
    if all(p is None for p in parts):
        return None
    return Categorical.concat([p if p is not None else factorize([None] * n, n) for p, n in zip(parts, sizes)])


@attrs.frozen(eq=False, repr=False)
class FactorSet:
    """A columnar collection of factors, unique by (activity, region, year) and the dimension of the unit.

    Most keys have one factor; a key may have one per dimension of its per-unit
    (diesel per litre and per kWh), and the kernel picks the one that fits a
    row's unit.

    Build one with :meth:`from_factors`, :meth:`read_csv` or
    :func:`neutralcore.load_factors`; combine with :meth:`merge` (later
    sets win for keys both cover).  ``len()``, iteration (yields
    :class:`Factor`), :meth:`where` and :meth:`get` work as expected.
    """

    activity: Categorical
    region: Categorical
    year: np.ndarray
    unit: Categorical
    gases: tuple[str, ...]
    values: np.ndarray
    source: Categorical
    kind: Categorical
    confidence: Categorical
    notes: Categorical
    pack: Categorical
    ncv: Categorical
    density: Categorical
    uncertainty: np.ndarray
    gcv: Categorical = attrs.field(kw_only=True)
    #: per factor, the calorific basis of its energy unit: "ncv" or "gcv"
    energy_basis: Categorical = attrs.field(kw_only=True)
    #: per factor, the price year of a spend-based factor (0 where it is not one)
    price_year: np.ndarray = attrs.field(kw_only=True)
    regions: Mapping[str, tuple[str | None, str | None]] = attrs.field(converter=region_map, factory=dict)
    #: per factor, the packs whose factor for the same key it replaced in a merge (None where it replaced nothing)
    overrides: Categorical | None = attrs.field(default=None, kw_only=True)
    #: which fallback comes first when a row's own (region, year) has no factor; see :meth:`with_fallback`
    fallback: str = attrs.field(default="year", kw_only=True, validator=_fallback_kind)
    #: per factor, the GWP set its publisher used for a CO2e amount (None where it gives none); see :class:`Factor`
    gwp_basis: Categorical | None = attrs.field(default=None, kw_only=True)
    #: per factor, its life-cycle stage (None: the activity's direct emissions); see :class:`Factor`
    stage: Categorical | None = attrs.field(default=None, kw_only=True)
    #: per factor, the years after its own year it may serve before it is a stale fallback (-1: no limit;
    #: ``None``: no limit for any); from a pack's ``validity_years``, see :meth:`with_validity`
    validity: np.ndarray | None = attrs.field(default=None, kw_only=True)
    #: per factor, its published per-gas 95 % intervals (a mapping gas -> :class:`Interval`; None: none given)
    intervals: Categorical | None = attrs.field(default=None, kw_only=True)
    #: per factor, its publisher's CO2e total of the per-gas values, same unit (NaN where none; ``None``: none for
    #: any); checked against the gases under ``gwp_basis`` when the factor was built, see :class:`Factor`
    co2e_total: np.ndarray | None = attrs.field(default=None, kw_only=True)
    _cache: dict = attrs.field(factory=dict, init=False, repr=False)

    def interval_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per factor and gas of :attr:`gases`: lower and upper bounds (NaN where none) and the distribution
        code (an index into :data:`~neutralcore.measure.factorvalue.DISTRIBUTIONS`, -1 where none).

        From each gas's own :class:`Interval`, else from the factor's ``uncertainty`` shorthand
        (normal, value x (1 -/+ uncertainty)).
        """
        hit = self._cache.get("intervals")
        if hit is None:
            lower = np.full(self.values.shape, np.nan)
            upper = np.full(self.values.shape, np.nan)
            dist = np.full(self.values.shape, -1, dtype=np.int64)
            short = ~np.isnan(self.uncertainty)
            if short.any():
                u = self.uncertainty[short][:, None]
                lower[short] = np.clip(self.values[short] * (1.0 - u), 0.0, None)
                upper[short] = self.values[short] * (1.0 + u)
                dist[short] = np.where(np.isnan(self.values[short]), -1, DISTRIBUTIONS.index("normal"))
            if self.intervals is not None:
                gpos = {g: j for j, g in enumerate(self.gases)}
                for code, per_gas in enumerate(self.intervals.categories):
                    if not per_gas:
                        continue
                    rows = np.flatnonzero(self.intervals.codes == code)
                    for gas, iv in per_gas.items():
                        j = gpos[gas]
                        lower[rows, j], upper[rows, j] = iv.lower, iv.upper
                        dist[rows, j] = DISTRIBUTIONS.index(iv.distribution)
            hit = (_ro(lower), _ro(upper), _ro(dist))
            self._cache["intervals"] = hit
        return hit

    def property_array(self, name: str, per: str = "mass") -> np.ndarray:
        """Per factor: ``ncv`` or ``gcv`` in TJ, or ``density`` in kg, per unit of *per* (NaN where not given).

        *per* is the amount of fuel the property is given per (a key of
        :data:`neutralcore.measure.factorvalue.PER_AMOUNTS`: ``"mass"`` (kg), ``"volume"`` (m^3),
        ``"normal_gas"`` (Nm3) or ``"standard_gas"`` (scf)); a property given per another amount is NaN here.
        """
        key = f"prop:{name}:{per}"
        hit = self._cache.get(key)
        if hit is None:
            cat: Categorical = getattr(self, name)
            per_cat = np.array([np.nan if p is None or p.per != per else p.canonical() for p in cat.categories],
                               dtype=np.float64)
            hit = _ro(per_cat[cat.codes] if len(per_cat) else np.full(len(self), np.nan))
            self._cache[key] = hit
        return hit

    # -- construction ------------------------------------------------------------

    @classmethod
    def from_factors(
        cls, factors: Iterable[Factor], *, regions: Mapping[str, Any] | None = None, pack: str | None = None,
        validity_years: int | None = None,
    ) -> "FactorSet":
        """Build a set from :class:`Factor` objects; a key given twice in one dimension of its unit is an error.

        *pack*, if given, is recorded on factors that do not name their own.  *validity_years*, if
        given, applies to every factor (:meth:`with_validity`).
        """
        factors = list(factors)
        for i, f in enumerate(factors):
            if not isinstance(f, Factor):
                raise InputError(f"item {i} is a {type(f).__name__}, not a Factor", rows=[i])
        seen: dict[tuple[str, str, int, str], int] = {}
        for i, f in enumerate(factors):
            k = (*f.key, dimension_of(f.per_unit))
            if k in seen:
                j = seen[k]
                raise InputError(
                    f"factor {f.key} is given twice in one dimension: item {j} per {factors[j].per_unit!r} and item {i} "
                    f"per {f.per_unit!r} ({k[3]}); a key may have one factor per dimension of its unit (per litre "
                    "and per kWh, not per litre and per m^3)", rows=[j, i])
            seen[k] = i
        gases = tuple(dict.fromkeys(g for f in factors for g in f.gases))
        values = np.full((len(factors), len(gases)), np.nan)
        gpos = {g: j for j, g in enumerate(gases)}
        for i, f in enumerate(factors):
            for g, v in f.gases.items():
                values[i, gpos[g]] = v
        n = len(factors)
        col = lambda attr: factorize([getattr(f, attr) for f in factors], n)  # noqa: E731
        return cls(
            activity=col("activity"),
            region=col("region"),
            year=_ro(np.array([f.year for f in factors], dtype=np.int32)),
            unit=col("unit"),
            gases=gases,
            values=_ro(values),
            source=col("source"),
            kind=col("kind"),
            confidence=col("confidence"),
            notes=col("notes"),
            pack=factorize([f.pack if f.pack is not None else pack for f in factors], n),
            ncv=col("ncv"),
            density=col("density"),
            uncertainty=_ro(np.array([np.nan if f.uncertainty is None else f.uncertainty for f in factors])),
            gcv=col("gcv"),
            energy_basis=col("energy_basis"),
            price_year=_ro(np.array([f.price_year or 0 for f in factors], dtype=np.int32)),
            regions=regions or {},
            gwp_basis=col("gwp_basis"),
            stage=col("stage"),
            intervals=factorize([f.intervals or None for f in factors], n) if any(f.intervals for f in factors) else None,
            co2e_total=_ro(np.array([np.nan if f.co2e_total is None else f.co2e_total for f in factors]))
            if any(f.co2e_total is not None for f in factors) else None,
        ).with_validity(validity_years)

    @classmethod
    def read_csv(
        cls,
        path: CsvSource,
        *,
        sources: Mapping[str, Source] | None = None,
        regions: Mapping[str, Any] | None = None,
        properties: CsvSource | None = None,
        pack: str | None = None,
        validity_years: int | None = None,
    ) -> "FactorSet":
        """Read factors from a CSV file in neutralcore's long format, strictly.

        One row per (activity, region, year, gas)::

            activity,region,year,gas,value,unit,source,kind,confidence,notes

        ``source`` is an id into *sources*; a file without *sources* gives
        each row's source inline in columns ``publisher,document,source_year,url``
        instead.  *properties* is an optional second CSV
        (``activity,region,property,value,unit,source,confidence,notes``) of
        fuel properties (``ncv``, ``density``); a property row for region
        ``World`` applies to that activity in every region.

        Every error is a :class:`~neutralcore.SchemaError` naming the file,
        line and column.  *path* may be a path or an ``importlib.resources``
        traversable.
        """
        factors = read_factor_rows(path, sources=sources, regions=regions, properties=properties, pack=pack)
        return cls.from_factors(factors, regions=regions, pack=pack, validity_years=validity_years)

    @classmethod
    def from_lock(cls, path: "str | os.PathLike[str]") -> "FactorSet":
        """The factors a lockfile recorded (``Emissions.lock``), with its region chains and fallback order.

        Raises
        ------
        InputError
            An unreadable or edited lockfile (see :func:`neutralcore.measure.lock.read_lock`), or a factor, region
            chain or fallback order that cannot be rebuilt: every error names the lockfile (``source``) and, for a
            factor, its position (``rows``) and key, with the cause chained.
        """
        from neutralcore.measure.lock import lock_columns, lock_factors, read_lock

        data = read_lock(path)
        factors, regions, fallback = lock_factors(data, source=str(path))
        try:
            return attrs.evolve(cls.from_factors(factors, regions=regions).with_fallback(fallback),
                                **lock_columns(data))
        except (NeutralcoreError, ValueError, TypeError, KeyError) as exc:
            raise InputError(f"the lockfile's factor set cannot be rebuilt: {type(exc).__name__}: {exc}",
                             source=str(path), column="factors") from exc

    @classmethod
    def empty(cls) -> "FactorSet":
        return cls.from_factors([])

    # -- container protocol ----------------------------------------------------

    def __len__(self) -> int:
        return int(self.year.shape[0])

    def factor(self, i: int) -> Factor:
        """The *i*-th factor as a :class:`Factor`."""
        i = int(i)
        if not -len(self) <= i < len(self):
            raise IndexError(f"factor index {i} out of range for {len(self)} factors")
        gases = {g: float(v) for g, v in zip(self.gases, self.values[i]) if v == v}
        pick = lambda c: c.categories[int(c.codes[i])]  # noqa: E731
        unc = float(self.uncertainty[i])
        return Factor(
            pick(self.activity),
            pick(self.region),
            int(self.year[i]),
            pick(self.unit),
            gases,
            pick(self.source),
            kind=pick(self.kind),
            confidence=pick(self.confidence),
            notes=pick(self.notes),
            ncv=pick(self.ncv),
            density=pick(self.density),
            gcv=pick(self.gcv),
            energy_basis=pick(self.energy_basis),
            price_year=int(self.price_year[i]) or None,
            uncertainty=None if unc != unc else unc,
            pack=pick(self.pack),
            gwp_basis=self.gwp_basis_of(i),
            stage=None if self.stage is None else self.stage.categories[int(self.stage.codes[i])],
            intervals=pick(self.intervals) if self.intervals is not None else None,
            co2e_total=self.co2e_total_of(i),
        )

    def co2e_total_of(self, i: int) -> float | None:
        """The published CO2e total of the *i*-th factor's gases, in its unit (``None`` where it gives none).

        >>> ipcc = Source("IPCC", "2006 IPCC Guidelines, Vol. 2, Ch. 2, Table 2.2 (gas/diesel oil)", 2006)
        >>> f = Factor("fuel.diesel.stationary", "World", 2006, "kg/TJ", {"CO2": 74_100, "CH4": 3, "N2O": 0.6},
        ...            ipcc, gwp_basis="AR5", co2e_total=74_343)  # 74,100 + 3 x 28 + 0.6 x 265
        >>> FactorSet.from_factors([f]).co2e_total_of(0)
        74343.0
        """
        if self.co2e_total is None:
            return None
        v = float(self.co2e_total[int(i)])
        return None if v != v else v

    def gwp_basis_of(self, i: int) -> str | None:
        """The GWP basis of the *i*-th factor's CO2e amount (``None`` where it gives none)."""
        return None if self.gwp_basis is None else self.gwp_basis.categories[int(self.gwp_basis.codes[i])]

    def __iter__(self) -> Iterator[Factor]:
        return (self.factor(i) for i in range(len(self)))

    def __getitem__(self, key: int) -> Factor:
        return self.factor(key)

    def get(self, activity: str, region: str, year: int, unit: str | None = None) -> Factor | None:
        """The factor published for exactly this key, or ``None`` (no fallback).

        A key may have factors in several units of different dimensions (diesel per litre and per
        kWh); then *unit* (an activity unit, e.g. ``"L"`` or ``"MWh"``) picks the one of its
        dimension, and without it the call is an :class:`~neutralcore.InputError` naming the units.
        With one factor for the key, *unit* is not needed; if given, it must fit the factor's
        dimension (else ``None``).
        """
        mask = self._mask(activity=activity, region=region, year=year)
        acts = self.activity.categories
        idx = np.array([i for i in np.flatnonzero(mask).tolist() if acts[self.activity.codes[i]] == activity],
                       dtype=np.int64)  # the exact activity, not its dotted family
        if unit is not None:
            dims, labels = self.per_unit_dimensions()
            wanted = dimension_of(unit)
            idx = np.array([i for i in idx.tolist() if labels[dims[i]] == wanted], dtype=np.int64)
        elif idx.size > 1:
            units = [self.unit.categories[self.unit.codes[i]] for i in idx.tolist()]
            raise InputError(f"({activity}, {region}, {year}) has {idx.size} factors, in {', '.join(map(repr, units))}; "
                             "give unit= (the activity unit) to pick one", column="unit")
        return self.factor(int(idx[0])) if idx.size else None

    def has_multi_unit_keys(self) -> bool:
        """Whether some (activity, region, year) has factors in more than one unit (of different dimensions)."""
        hit = self._cache.get("multi")
        if hit is None:
            key = (self.activity.codes.astype(np.int64) * max(len(self.region.categories), 1) + self.region.codes) \
                * 10000 + self.year
            hit = bool(np.unique(key).shape[0] < key.shape[0])
            self._cache["multi"] = hit
        return hit

    def derived(self, key: str, make: Callable[[], _T]) -> _T:
        """What *make* works out from this factor set, computed on first use under *key* and kept with the set
        (a factor set does not change; a set derived from it by ``with_fallback()`` or the like starts afresh).

        For the layers that derive per-factor tables from a set, such as the amounts of each factor's fuel that
        :mod:`neutralcore.measure.convert` bridges units by: worked out once, not on every call.

        >>> fs = FactorSet.empty()
        >>> fs.derived("example", lambda: [1, 2]) is fs.derived("example", lambda: [3])
        True
        """
        slot = ("derived", key)
        if slot not in self._cache:
            self._cache[slot] = make()
        hit: _T = self._cache[slot]
        return hit

    def complete_gases(self) -> np.ndarray:
        """Per gas column (in :attr:`gases` order), whether every factor has a value for that gas (read-only).

        >>> ipcc = Source("IPCC", "2006 IPCC Guidelines, Vol. 2, Ch. 2, Table 2.2 (gas/diesel oil)", 2006)
        >>> diesel = Factor("fuel.diesel.stationary", "World", 2006, "kg/TJ", {"CO2": 74_100, "CH4": 3, "N2O": 0.6}, ipcc)
        >>> FactorSet.from_factors([diesel]).complete_gases().tolist()
        [True, True, True]
        >>> desnz = Source("UK DESNZ", "Greenhouse gas reporting: conversion factors 2024", 2024)
        >>> grid = Factor("electricity.grid", "GB", 2024, "kg/kWh", {"CO2e": 0.20705}, desnz, gwp_basis="AR5")
        >>> FactorSet.from_factors([diesel, grid]).complete_gases().tolist()  # each gas missing from one factor
        [False, False, False, False]
        """
        hit = self._cache.get("complete")
        if hit is None:
            hit = _ro(~np.isnan(self.values).any(axis=0))
            self._cache["complete"] = hit
        return hit

    def has_mixed_dimensions(self) -> bool:
        """Whether some activity has factors in units of more than one dimension (per litre somewhere, per kWh elsewhere)."""
        hit = self._cache.get("mixed")
        if hit is None:
            dims, labels = self.per_unit_dimensions()
            pairs = self.activity.codes.astype(np.int64) * max(len(labels), 1) + dims
            hit = bool(np.unique(pairs).shape[0] > np.unique(self.activity.codes).shape[0])
            self._cache["mixed"] = hit
        return hit

    def per_unit_dimensions(self) -> tuple[np.ndarray, tuple[str, ...]]:
        """Per factor, a code of the dimension of its per-unit (``"t/MWh"``: energy), and the dimensions."""
        hit = self._cache.get("dims")
        if hit is None:
            per_cat = [dimension_of(split_factor_unit(u)[1]) for u in self.unit.categories]
            labels = tuple(dict.fromkeys(per_cat))
            cat_code = np.array([labels.index(d) for d in per_cat], dtype=np.int64)
            hit = (_ro(cat_code[self.unit.codes] if len(cat_code) else np.zeros(len(self), np.int64)), labels)
            self._cache["dims"] = hit
        return hit

    def _mask(self, **criteria: Any) -> np.ndarray:
        mask = np.ones(len(self), dtype=bool)
        for name, wanted in criteria.items():
            if wanted is None:
                continue
            if name == "year":
                years = [wanted] if np.isscalar(wanted) else list(wanted)
                mask &= np.isin(self.year, np.array(years, dtype=np.int64))
                continue
            if name not in ("activity", "region", "pack", "kind", "confidence"):
                raise InputError(f"cannot filter factors by {name!r}")
            cat: Categorical = getattr(self, name)
            wanted_set = {wanted} if isinstance(wanted, str) else set(wanted)
            if name == "region":
                wanted_set = {region_code(w) for w in wanted_set}
            if name == "activity":
                # a dotted prefix selects the whole family: "fuel.diesel" matches "fuel.diesel.stationary"
                ok = [c in wanted_set or any(str(c).startswith(w + ".") for w in wanted_set) for c in cat.categories]
            else:
                ok = [c in wanted_set for c in cat.categories]
            mask &= np.array(ok, dtype=bool)[cat.codes] if len(cat.categories) else False
        return mask

    def where(self, **criteria: Any) -> "FactorSet":
        """Subset by ``activity`` (exact or dotted prefix), ``region``, ``year``, ``pack``, ``kind``, ``confidence``."""
        return self.take(np.flatnonzero(self._mask(**criteria)))

    def take(self, index: np.ndarray) -> "FactorSet":
        index = np.asarray(index, dtype=np.int64)
        cats = {
            name: getattr(self, name).take(index).compact()
            for name in ("activity", "region", "unit", "source", "kind", "confidence", "notes", "pack", "ncv", "density",
                         "gcv", "energy_basis")
        }
        return attrs.evolve(
            self,
            overrides=self.overrides.take(index).compact() if self.overrides is not None else None,
            gwp_basis=self.gwp_basis.take(index).compact() if self.gwp_basis is not None else None,
            stage=self.stage.take(index).compact() if self.stage is not None else None,
            validity=_ro(self.validity[index]) if self.validity is not None else None,
            intervals=self.intervals.take(index).compact() if self.intervals is not None else None,
            co2e_total=_ro(self.co2e_total[index]) if self.co2e_total is not None else None,
            year=_ro(self.year[index]),
            values=_ro(self.values[index]),
            uncertainty=_ro(self.uncertainty[index]),
            price_year=_ro(self.price_year[index]),
            **cats,
        )

    def with_fallback(self, prefer: str) -> "FactorSet":
        """The same factors, matched with another fallback order.

        ``"year"`` (the default): the latest year up to the row's that any
        region of the chain has, at the most specific region that has it
        (``CN-JS`` 2023 takes ``CN-EAST`` 2023, and so does ``CN-JS`` 2024: a
        year without data repeats the latest year's choice).  ``"region"``:
        the most specific region that has any factor up to the row's year
        first (``CN-JS`` 2023 takes ``CN-JS`` 2022), then its parent.  Either way a later year is never used, and
        every fallback is reported.  A set asking for ``"region"`` keeps it
        through :meth:`merge`.
        """
        return attrs.evolve(self, fallback=prefer)

    def with_validity(self, years: int | None) -> "FactorSet":
        """The same factors, each valid for *years* after its own year (``None``: no limit).

        A row more than *years* after the year of the factor it uses is a *stale* fallback:
        reported in ``Emissions.matches`` (``stale``) and an error under ``strict=True``.
        A pack sets it with ``validity_years`` in its ``pack.toml``.

        >>> src = Source("test", "a factor of 2020", 2021)
        >>> fs = FactorSet.from_factors([Factor("electricity.grid", "VN", 2020, "t/MWh", {"CO2": 0.8}, src)])
        >>> fs.with_validity(3).validity.tolist()
        [3]
        """
        if years is None:
            return attrs.evolve(self, validity=None) if self.validity is not None else self
        if isinstance(years, bool) or not isinstance(years, (int, np.integer)) or years < 0:
            raise InputError(f"validity years must be a whole number, at least 0, got {years!r}", column="validity_years")
        return attrs.evolve(self, validity=_ro(np.full(len(self), int(years), dtype=np.int32)))

    def with_pack(self, pack: str) -> "FactorSet":
        """The same factors, every one recorded as coming from *pack*."""
        return attrs.evolve(self, pack=factorize([pack] * len(self), len(self)))

    # -- combining ---------------------------------------------------------------

    @classmethod
    def merge(cls, *sets: "FactorSet") -> "FactorSet":
        """Merge sets; for a key several sets cover, the **last** set wins.

        Region hierarchies are merged the same way: a later set's parent wins,
        but a region a later set declares without a parent keeps the parent an
        earlier set gave it (so adding a pack never cuts another pack's fallback
        chain).
        Each factor keeps the ``pack`` it came from.

        Fuel properties are shared across the sets: a factor that has no
        ``ncv``, ``gcv`` or ``density`` of its own takes the one a factor of
        another set gives for the same fuel, i.e. the same activity key or its
        nearest dotted parent (``fuel.diesel.stationary.manufacturing`` takes
        ``fuel.diesel.stationary``'s), at the factor's region or the nearest
        one up its region chain (``World`` last), the latest year first.  The
        property keeps its own source and records its ``pack``; the matches
        report lists it (``Emissions.matches.summary()``, column ``properties``).
        """
        sets = tuple(s for s in sets if s is not None)
        if not sets:
            return cls.empty()
        if len(sets) == 1:
            return sets[0]
        gases = tuple(dict.fromkeys(g for s in sets for g in s.gases))
        blocks = []
        for s in sets:
            block = np.full((len(s), len(gases)), np.nan)
            for j, g in enumerate(s.gases):
                block[:, gases.index(g)] = s.values[:, j]
            blocks.append(block)
        cat = lambda name: Categorical.concat([getattr(s, name) for s in sets])  # noqa: E731
        activity, region = cat("activity"), cat("region")
        year = np.concatenate([s.year for s in sets])
        regions: dict[str, Any] = {}
        for s in sets:
            for k, (parent, label) in s.regions.items():
                known = regions.get(k, {"parent": None, "name": None})
                regions[k] = {"parent": parent if parent is not None else known["parent"],
                              "name": label if label is not None else known["name"]}
        merged = cls(
            activity=activity,
            region=region,
            year=_ro(year),
            unit=cat("unit"),
            gases=gases,
            values=_ro(np.vstack(blocks) if blocks else np.empty((0, len(gases)))),
            source=cat("source"),
            kind=cat("kind"),
            confidence=cat("confidence"),
            notes=cat("notes"),
            pack=cat("pack"),
            ncv=cat("ncv"),
            density=cat("density"),
            uncertainty=_ro(np.concatenate([s.uncertainty for s in sets])),
            gcv=cat("gcv"),
            energy_basis=cat("energy_basis"),
            price_year=_ro(np.concatenate([s.price_year for s in sets])),
            regions=regions,
            fallback="region" if any(s.fallback == "region" for s in sets) else "year",
            gwp_basis=_optional_concat([s.gwp_basis for s in sets], [len(s) for s in sets]),
            stage=_optional_concat([s.stage for s in sets], [len(s) for s in sets]),
            intervals=None if all(s.intervals is None for s in sets) else Categorical.concat(
                [s.intervals if s.intervals is not None else factorize([None] * len(s), len(s)) for s in sets]),
            validity=None if all(s.validity is None for s in sets) else _ro(np.concatenate(
                [s.validity if s.validity is not None else np.full(len(s), -1, dtype=np.int32) for s in sets])),
            co2e_total=None if all(s.co2e_total is None for s in sets) else _ro(np.concatenate(
                [s.co2e_total if s.co2e_total is not None else np.full(len(s), np.nan) for s in sets])),
        )
        # keep the last occurrence of every (activity, region, year, dimension of the unit); record what it replaced
        n = len(merged)
        dims, dim_labels = merged.per_unit_dimensions()
        key = ((activity.codes.astype(np.int64) * len(region.categories) + region.codes) * 10000 + year) \
            * max(len(dim_labels), 1) + dims
        _, first_in_reversed = np.unique(key[::-1], return_index=True)
        keep = np.sort(n - 1 - first_in_reversed)
        if keep.shape[0] == n:
            return _lend_properties(merged)
        earlier = [s.overrides.values() if s.overrides is not None else [None] * len(s) for s in sets]
        replaced: list[list[str]] = [[x] if x else [] for part in earlier for x in part]
        winner = {int(k): int(i) for k, i in zip(key[keep].tolist(), keep.tolist())}
        packs = merged.pack.values()
        for i in np.setdiff1d(np.arange(n), keep).tolist():
            w = winner[int(key[i])]
            replaced[w] = replaced[w] + replaced[i] + [packs[i] or "(no pack)"]
        overrides = factorize(["; ".join(r) if r else None for r in replaced], n)
        return _lend_properties(attrs.evolve(merged, overrides=overrides).take(keep))

    def __or__(self, other: "FactorSet") -> "FactorSet":
        return FactorSet.merge(self, other)

    def properties_of(self, i: int) -> tuple[FuelProperty, ...]:
        """The fuel properties factor *i* carries (density, ncv, gcv), each with the pack it came from."""
        pick = lambda c: c.categories[int(c.codes[i])]  # noqa: E731
        return tuple(p for p in (pick(self.density), pick(self.ncv), pick(self.gcv)) if p is not None)

    # -- regions -------------------------------------------------------------------

    def region_chain(self, region: str) -> tuple[str, ...]:
        """The fallback chain of *region*, most specific first, ending in ``"World"``.

        Declared parents first; an ISO 3166-2 code then falls back to its country before
        ``"World"`` whether or not the set declares it (:func:`parent_region`).

        >>> FactorSet.empty().region_chain("VN-SG")
        ('VN-SG', 'VN', 'World')
        """
        region = region_code(region)
        chain = [region]
        cur: str | None = region
        while cur != WORLD:
            cur = parent_region(str(cur), self.regions)
            if cur is None or cur in chain:
                break
            chain.append(cur)
        return tuple(chain)

    # -- display --------------------------------------------------------------------

    def to_table(self) -> Table:
        """Every factor, one row each: key, unit, per-gas values, pack, confidence and source.

        ``co2e_total`` (a publisher's CO2e total of the per-gas values, in the factor's unit; NaN where none),
        ``gwp_basis`` and ``stage`` columns follow the gases when any factor has one (``""`` where it has none).

        >>> src = Source("UK DESNZ", "Greenhouse gas reporting: conversion factors 2024", 2024)
        >>> fs = FactorSet.from_factors([Factor("electricity.grid", "GB", 2024, "kg/kWh", {"CO2e": 0.20705}, src,
        ...                                     gwp_basis="AR5")])
        >>> fs.to_table().columns
        ('activity', 'region', 'year', 'unit', 'CO2e', 'gwp_basis', 'pack', 'confidence', 'source')
        """
        cols: dict[str, Any] = {
            "activity": self.activity.values(),
            "region": self.region.values(),
            "year": self.year.tolist(),
            "unit": self.unit.values(),
        }
        for j, g in enumerate(self.gases):
            cols[g] = self.values[:, j].tolist()
        if self.co2e_total is not None:
            cols["co2e_total"] = self.co2e_total.tolist()
        for name in ("gwp_basis", "stage"):
            cat: Categorical | None = getattr(self, name)
            column = [] if cat is None else cat.values()
            if any(v is not None for v in column):
                cols[name] = ["" if v is None else str(v) for v in column]
        cols["pack"] = self.pack.values()
        cols["confidence"] = self.confidence.values()
        cols["source"] = [str(s) for s in self.source.values()]
        return Table(cols, title=f"FactorSet: {len(self)} factors")

    def __repr__(self) -> str:
        return repr(self.to_table())

    def _repr_html_(self) -> str:
        return self.to_table()._repr_html_()


def _parents(activity: str) -> list[str]:
    """*activity* and its dotted parents down to two words: ``a.b.c`` -> ``["a.b.c", "a.b"]``."""
    parts = activity.split(".")
    return [".".join(parts[:i]) for i in range(len(parts), min(2, len(parts)) - 1, -1)]


def _lend_properties(fs: FactorSet) -> FactorSet:
    """*fs* with each missing fuel property taken from another factor of the same fuel (see :meth:`FactorSet.merge`)."""
    if not len(fs):
        return fs
    acts = fs.activity.categories
    regions = fs.region.categories
    packs = fs.pack.categories
    changed: dict[str, Any] = {}
    for name in ("density", "ncv", "gcv"):
        cat: Categorical = getattr(fs, name)
        has = np.array([p is not None for p in cat.categories], dtype=bool)
        have = has[cat.codes] if len(cat.categories) else np.zeros(len(fs), bool)
        if have.all() or not have.any():
            continue
        # donors: activity -> region -> (year, index) of the latest factor that has the property
        donors: dict[str, dict[str, tuple[int, int]]] = {}
        for i in np.flatnonzero(have).tolist():
            by_region = donors.setdefault(acts[fs.activity.codes[i]], {})
            r = regions[fs.region.codes[i]]
            y = int(fs.year[i])
            if r not in by_region or by_region[r][0] <= y:
                by_region[r] = (y, i)
        lookup = [next((donors[a] for a in _parents(act) if a in donors), None) for act in acts]
        wanting = np.flatnonzero(~have & np.array([d is not None for d in lookup], dtype=bool)[fs.activity.codes])
        if not wanting.size:
            continue
        values = cat.values()
        for i in wanting.tolist():
            by_region = lookup[fs.activity.codes[i]]
            assert by_region is not None
            donor = next((by_region[r][1] for r in fs.region_chain(regions[fs.region.codes[i]]) if r in by_region), None)
            if donor is None:
                continue
            prop = values[donor]
            if prop.pack is None and packs[fs.pack.codes[donor]] is not None:
                prop = attrs.evolve(prop, pack=packs[fs.pack.codes[donor]])
            values[i] = prop
        changed[name] = factorize(values, len(fs))
    return attrs.evolve(fs, **changed) if changed else fs
