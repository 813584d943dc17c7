"""Emission factors with provenance: ``Source``, ``FuelProperty``, ``Factor`` and the columnar ``FactorSet``.

A factor gives amounts of each gas per unit of activity, e.g. 0.6592 t CO2
per MWh of Viet Nam grid electricity in 2023.  Its unit is written
``"<mass>/<activity unit>"`` (``"t/MWh"``, ``"kg/TJ"``).  A factor per
energy can carry its fuel's net calorific value and density, which let an
activity in kilograms or litres be converted to energy.

Region fallback
---------------
A ``FactorSet`` knows a parent for each region it declares (``regions=``,
e.g. ``{"CN-JS": "CN-EAST", "CN-EAST": "CN"}``).  A region without a
declared parent falls back to ``"World"``.  See :mod:`neutralcore.measure.kernel`
for the matching rules.
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any, Iterable, Iterator, Mapping, Sequence

import attrs
import numpy as np

from neutralcore._core.categorical import Categorical, factorize
from neutralcore._core.validators import FrozenMap, activity_key, optional_str, region_code, year_int
from neutralcore.errors import DimensionError, InputError, SchemaError, UnitError
from neutralcore.gwp import canonical_gas
from neutralcore.units import dimension_of, multiplier, split_factor_unit

__all__ = ["Source", "FuelProperty", "Factor", "FactorSet", "WORLD"]

WORLD = "World"
CONFIDENCE_LABELS = ("A", "B", "C", "DERIVED")


def _source_year(value: Any) -> int:
    return year_int(value)


def _required_text(column: str) -> Any:
    def check(_self: Any, _attr: Any, value: Any) -> None:
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"{column} must be a non-empty string, got {value!r}", column=column)

    return check


def _is_source(_self: Any, attr: Any, value: Any) -> None:
    if not isinstance(value, Source):
        raise InputError(
            f"{attr.name} must be a neutralcore.Source(publisher, document, year), got {type(value).__name__} "
            f"{value!r}: every number carries where it was published", column=attr.name)


@attrs.frozen
class Source:
    """Where a number was published.

    Parameters
    ----------
    publisher : str
        Who published it (an agency, the IPCC, a ministry).
    document : str
        The document, table or announcement.
    year : int
        Year of publication.
    url : str, optional
        Where to read it.
    note : str, optional
        Anything a reader must know (e.g. "read from a secondary copy").
    """

    publisher: str = attrs.field(validator=_required_text("publisher"))
    document: str = attrs.field(validator=_required_text("document"))
    year: int = attrs.field(converter=_source_year)
    url: str | None = attrs.field(default=None, converter=optional_str)
    note: str | None = attrs.field(default=None, converter=optional_str, eq=False)

    def __str__(self) -> str:
        url = f" <{self.url}>" if self.url else ""
        return f"{self.publisher}, {self.document} ({self.year}){url}"


def _property_value(value: Any) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InputError(f"fuel property value is not a number: {value!r}", column="value") from None
    if not math.isfinite(x) or x <= 0:
        raise InputError(f"fuel property value must be finite and positive, got {value!r}")
    return x


_PROPERTY_TARGET = {"ncv": ("TJ/kg", "energy per mass"), "density": ("kg/m^3", "mass per volume")}


def _property_name(_self: Any, _attr: Any, value: Any) -> None:
    if value not in _PROPERTY_TARGET:
        raise InputError(f"fuel property must be one of {sorted(_PROPERTY_TARGET)}, got {value!r}", column="name")


@attrs.frozen
class FuelProperty:
    """A sourced fuel property: net calorific value (``ncv``) or ``density``.

    Examples
    --------
    Diesel's net calorific value, 43.0 TJ/Gg (IPCC 2006 GL Vol. 2 Table 1.2), in TJ per kg:

    >>> ncv = FuelProperty("ncv", 43.0, "TJ/Gg", Source("IPCC", "2006 GL Vol.2 Table 1.2", 2006))
    >>> round(ncv.canonical(), 12)
    4.3e-05
    """

    name: str = attrs.field(validator=_property_name)
    value: float = attrs.field(converter=_property_value)
    unit: str = attrs.field()
    source: Source = attrs.field(validator=_is_source)
    confidence: str | None = attrs.field(default=None, converter=optional_str, eq=False)
    notes: str | None = attrs.field(default=None, converter=optional_str, eq=False)

    @unit.validator
    def _check_unit(self, _attr: Any, unit: str) -> None:
        target, what = _PROPERTY_TARGET[self.name]
        try:
            multiplier(unit, target)
        except DimensionError:
            raise DimensionError(
                f"{self.name} unit {unit!r} is not {what} (e.g. {target})", unit=unit, expected=target
            ) from None

    def canonical(self) -> float:
        """Value in TJ/kg (ncv) or kg/m^3 (density)."""
        return self.value * multiplier(self.unit, _PROPERTY_TARGET[self.name][0])


def _gases(value: Mapping[str, Any]) -> Mapping[str, float]:
    if not isinstance(value, Mapping) or not value:
        raise InputError("gases must be a non-empty mapping gas -> amount, e.g. {'CO2': 0.6766}", column="gases")
    out: dict[str, float] = {}
    for gas, amount in value.items():
        g = canonical_gas(gas)
        try:
            x = float(amount)
        except (TypeError, ValueError):
            raise InputError(f"amount of {gas} is not a number: {amount!r}", column="gases") from None
        if not math.isfinite(x) or x < 0:
            raise InputError(f"amount of {gas} must be finite and non-negative, got {amount!r}", column="gases")
        out[g] = x
    return FrozenMap(out)


def _factor_unit(value: Any) -> str:
    split_factor_unit(value)
    return str(value).strip()


def _uncertainty(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InputError(f"uncertainty is not a number: {value!r}", column="uncertainty") from None
    if not math.isfinite(x) or x < 0:
        raise InputError(f"uncertainty must be a finite non-negative fraction, got {value!r}", column="uncertainty")
    return x


@attrs.frozen
class Factor:
    """An emission factor: amounts of each gas per unit of one activity in one region and year.

    Parameters
    ----------
    activity : str
        Dotted activity key, e.g. ``"electricity.grid"``.
    region : str
        Region code (``"VN"``, ``"CN-EAST"``, ``"World"``).
    year : int
        The year the factor applies to (the data year).
    unit : str
        ``"<mass>/<activity unit>"``, e.g. ``"t/MWh"``.
    gases : mapping
        Amount of each gas per activity unit, e.g. ``{"CO2": 0.6592}``.
    source : Source
        Where it was published.  Required.
    kind, confidence, notes : str, optional
        What kind of factor it is, a confidence label (A/B/C/DERIVED) and free notes.
    ncv, density : FuelProperty, optional
        Fuel properties that bridge mass or volume to energy.
    uncertainty : float, optional
        Relative half-width of the 95 % interval (0.05 for ±5 %).
    pack : str, optional
        The factor pack it came from.

    Examples
    --------
    >>> src = Source("MONRE/DCC", "Viet Nam grid emission factor 2023", 2024)
    >>> f = Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, src)
    >>> f.per_unit
    'MWh'
    """

    activity: str = attrs.field(converter=activity_key)
    region: str = attrs.field(converter=region_code)
    year: int = attrs.field(converter=year_int)
    unit: str = attrs.field(converter=_factor_unit)
    gases: Mapping[str, float] = attrs.field(converter=_gases)
    source: Source = attrs.field(validator=_is_source)
    kind: str | None = attrs.field(default=None, converter=optional_str, kw_only=True)
    confidence: str | None = attrs.field(default=None, converter=optional_str, kw_only=True)
    notes: str | None = attrs.field(default=None, converter=optional_str, kw_only=True, eq=False)
    ncv: FuelProperty | None = attrs.field(default=None, kw_only=True)
    density: FuelProperty | None = attrs.field(default=None, kw_only=True)
    uncertainty: float | None = attrs.field(default=None, converter=_uncertainty, kw_only=True)
    pack: str | None = attrs.field(default=None, converter=optional_str, kw_only=True)

    @confidence.validator
    def _check_confidence(self, _a: Any, value: str | None) -> None:
        if value is not None and value not in CONFIDENCE_LABELS:
            raise InputError(f"confidence {value!r} is not one of {CONFIDENCE_LABELS}", column="confidence")

    @ncv.validator
    def _check_ncv(self, _a: Any, value: FuelProperty | None) -> None:
        if value is not None and (not isinstance(value, FuelProperty) or value.name != "ncv"):
            raise InputError("ncv must be a FuelProperty named 'ncv'", column="ncv")

    @density.validator
    def _check_density(self, _a: Any, value: FuelProperty | None) -> None:
        if value is not None and (not isinstance(value, FuelProperty) or value.name != "density"):
            raise InputError("density must be a FuelProperty named 'density'", column="density")

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.activity, self.region, self.year)

    @property
    def per_unit(self) -> str:
        """The activity unit the factor is per (``"MWh"`` for ``"t/MWh"``)."""
        return split_factor_unit(self.unit)[1]


# ---------------------------------------------------------------------------


def _ro(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def _region_map(regions: Mapping[str, Any] | None) -> Mapping[str, tuple[str | None, str | None]]:
    """Normalise ``{code: parent}`` or ``{code: {"name":…, "parent":…}}`` to ``{code: (parent, name)}``."""
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


def _check_cycles(regions: Mapping[str, tuple[str | None, str | None]]) -> None:
    for code in regions:
        seen = [code]
        cur = regions[code][0]
        while cur is not None and cur != WORLD:
            if cur in seen:
                raise InputError(f"region fallback chain loops: {' -> '.join(seen + [cur])}", column="regions")
            seen.append(cur)
            cur = regions.get(cur, (None, None))[0]


def _fallback_kind(_self: Any, _attr: Any, value: Any) -> None:
    if value not in ("year", "region"):
        raise InputError(f"fallback must be 'year' (own year up the region chain first) or 'region' (own region's "
                         f"earlier year first), got {value!r}", column="fallback")


@attrs.frozen(eq=False, repr=False)
class FactorSet:
    """A columnar collection of factors, unique by (activity, region, year).

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
    regions: Mapping[str, tuple[str | None, str | None]] = attrs.field(converter=_region_map, factory=dict)
    #: per factor, the packs whose factor for the same key it replaced in a merge (None where it replaced nothing)
    overrides: Categorical | None = attrs.field(default=None, kw_only=True)
    #: which fallback comes first when a row's own (region, year) has no factor; see :meth:`with_fallback`
    fallback: str = attrs.field(default="year", kw_only=True, validator=_fallback_kind)
    _cache: dict = attrs.field(factory=dict, init=False, repr=False)

    def property_array(self, name: str) -> np.ndarray:
        """Per factor: ``ncv`` in TJ/kg or ``density`` in kg/m^3 (NaN where not given)."""
        key = f"prop:{name}"
        hit = self._cache.get(key)
        if hit is None:
            cat: Categorical = getattr(self, name)
            per_cat = np.array([np.nan if p is None else p.canonical() for p in cat.categories], dtype=np.float64)
            hit = _ro(per_cat[cat.codes] if len(per_cat) else np.full(len(self), np.nan))
            self._cache[key] = hit
        return hit

    # -- construction ------------------------------------------------------------

    @classmethod
    def from_factors(
        cls, factors: Iterable[Factor], *, regions: Mapping[str, Any] | None = None, pack: str | None = None
    ) -> "FactorSet":
        """Build a set from :class:`Factor` objects; a key given twice is an error.

        *pack*, if given, is recorded on factors that do not name their own.
        """
        factors = list(factors)
        for i, f in enumerate(factors):
            if not isinstance(f, Factor):
                raise InputError(f"item {i} is a {type(f).__name__}, not a Factor", rows=[i])
        seen: dict[tuple[str, str, int], int] = {}
        for i, f in enumerate(factors):
            if f.key in seen:
                raise InputError(f"factor {f.key} is given twice (items {seen[f.key]} and {i})", rows=[seen[f.key], i])
            seen[f.key] = i
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
            regions=regions or {},
        )

    @classmethod
    def read_csv(
        cls,
        path: Any,
        *,
        sources: Mapping[str, Source] | None = None,
        regions: Mapping[str, Any] | None = None,
        properties: Any = None,
        pack: str | None = None,
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
        from neutralcore.measure.factorfile import read_factor_rows

        factors = read_factor_rows(path, sources=sources, regions=regions, properties=properties, pack=pack)
        return cls.from_factors(factors, regions=regions, pack=pack)

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
            uncertainty=None if unc != unc else unc,
            pack=pick(self.pack),
        )

    def __iter__(self) -> Iterator[Factor]:
        return (self.factor(i) for i in range(len(self)))

    def __getitem__(self, key: int) -> Factor:
        return self.factor(key)

    def get(self, activity: str, region: str, year: int) -> Factor | None:
        """The factor published for exactly this key, or ``None`` (no fallback)."""
        mask = self._mask(activity=activity, region=region, year=year)
        idx = np.flatnonzero(mask)
        return self.factor(int(idx[0])) if idx.size else None

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
            for name in ("activity", "region", "unit", "source", "kind", "confidence", "notes", "pack", "ncv", "density")
        }
        return attrs.evolve(
            self,
            overrides=self.overrides.take(index).compact() if self.overrides is not None else None,
            year=_ro(self.year[index]),
            values=_ro(self.values[index]),
            uncertainty=_ro(self.uncertainty[index]),
            **cats,
        )

    def with_fallback(self, prefer: str) -> "FactorSet":
        """The same factors, matched with another fallback order.

        ``"year"`` (the default): the row's own year anywhere up the region
        chain first (``CN-JS`` 2023 takes ``CN-EAST`` 2023), then the latest
        earlier year.  ``"region"``: the most specific region that has any
        factor up to the row's year first (``CN-JS`` 2023 takes ``CN-JS``
        2022), then its parent.  Either way a later year is never used, and
        every fallback is reported.  A set asking for ``"region"`` keeps it
        through :meth:`merge`.
        """
        return attrs.evolve(self, fallback=prefer)

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
            regions=regions,
            fallback="region" if any(s.fallback == "region" for s in sets) else "year",
        )
        # keep the last occurrence of every (activity, region, year); record what it replaced
        n = len(merged)
        key = (activity.codes.astype(np.int64) * len(region.categories) + region.codes) * 10000 + year
        _, first_in_reversed = np.unique(key[::-1], return_index=True)
        keep = np.sort(n - 1 - first_in_reversed)
        if keep.shape[0] == n:
            return merged
        earlier = [s.overrides.values() if s.overrides is not None else [None] * len(s) for s in sets]
        replaced: list[list[str]] = [[x] if x else [] for part in earlier for x in part]
        winner = {int(k): int(i) for k, i in zip(key[keep].tolist(), keep.tolist())}
        packs = merged.pack.values()
        for i in np.setdiff1d(np.arange(n), keep).tolist():
            w = winner[int(key[i])]
            replaced[w] = replaced[w] + replaced[i] + [packs[i] or "(no pack)"]
        overrides = factorize(["; ".join(r) if r else None for r in replaced], n)
        return attrs.evolve(merged, overrides=overrides).take(keep)

    def __or__(self, other: "FactorSet") -> "FactorSet":
        return FactorSet.merge(self, other)

    # -- regions -------------------------------------------------------------------

    def region_chain(self, region: str) -> tuple[str, ...]:
        """The fallback chain of *region*, most specific first, ending in ``"World"``."""
        region = region_code(region)
        chain = [region]
        cur = region
        while cur != WORLD:
            parent = self.regions.get(cur, (None, None))[0]
            cur = parent if parent is not None else WORLD
            if cur in chain:
                break
            chain.append(cur)
        return tuple(chain)

    # -- display --------------------------------------------------------------------

    def to_table(self) -> "Any":
        from neutralcore._core.table import Table

        cols: dict[str, Any] = {
            "activity": self.activity.values(),
            "region": self.region.values(),
            "year": self.year.tolist(),
            "unit": self.unit.values(),
        }
        for j, g in enumerate(self.gases):
            cols[g] = self.values[:, j].tolist()
        cols["pack"] = self.pack.values()
        cols["confidence"] = self.confidence.values()
        cols["source"] = [str(s) for s in self.source.values()]
        return Table(cols, title=f"FactorSet: {len(self)} factors")

    def __repr__(self) -> str:
        return repr(self.to_table())

    def _repr_html_(self) -> str:
        return self.to_table()._repr_html_()
