"""Scenarios, trajectories, targets and the gap between them.

A :class:`Scenario` projects a base-year inventory forward: quantities grow
(``growth=``), the grid factor follows an assumed path (``grid_factor_path=``),
and levers start in chosen years.  For each year it gives the inventory, the
non-activity records of the levers (:class:`~neutralcore.levers.Outcome`) and
their emissions, location- and market-based; :meth:`Scenario.trajectory`
collects them per scope.

Reporting rules kept here:

* scope 1 is reported **after** capture (CCS), with the captured CO2 in its own
  column;
* removals (tree planting) are a separate column and are **never** subtracted
  from emissions, except by a target that says it is net (``Target.net``) or
  an explicit ``net=True``;
* carbon credits play no part: SBTi targets are met by reductions
  (SBTi Net-Zero Standard; see ``Target.sbti``).

:class:`Target` draws target paths: absolute contraction (linear, never
compounded), intensity, and the national pledges shipped in the country
packs' metadata, each with its citation.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from typing import Any, Callable, Mapping, Sequence

import attrs
import numpy as np

from neutralcore._core.table import Table
from neutralcore._core.validators import activity_key, optional_str, year_int
from neutralcore.errors import LeverError, NeutralcoreError, ScenarioError
from neutralcore.measure.factor import Factor, FactorSet, Source
from neutralcore.measure.inventory import Inventory
from neutralcore.levers import Lever, Outcome
from neutralcore.measure.scope2 import ContractualInstrument, Scope2Result, SupplierRate, market_based

__all__ = ["Scenario", "ScenarioYear", "Trajectory", "Target", "Gap", "SBTI"]

#: whole years (outcome and emissions entries) a scenario keeps; summaries are kept for every year
_RECENT = 6

#: SBTi absolute-contraction rates (share of base-year emissions per year, linear).
SBTI: Mapping[str, float] = {"1.5C": 0.042, "well-below-2C": 0.025}
SBTI_SOURCE = Source(
    "Science Based Targets initiative (SBTi)",
    "Corporate Net-Zero Standard v1.x (2021-2024), near-term criteria: absolute contraction approach, minimum 4.2 % of "
    "base-year emissions per year (1.5 °C) and 2.5 % per year (well-below 2 °C), linear",
    2021,
    note="Read from secondary summaries that agree (SBTi launch text, community sources); the Standard's v2 (2026) was "
         "not read. Linear: required reduction = rate x (target year - base year), not compounded.",
)


def _year(value: Any, what: str) -> int:
    try:
        return year_int(value)
    except NeutralcoreError as exc:
        raise ScenarioError(f"{what}: {exc.message}") from None


def _finite(value: Any, what: str) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ScenarioError(f"{what} must be a number, got {value!r}") from None
    if not math.isfinite(x):
        raise ScenarioError(f"{what} must be finite, got {value!r}")
    return x


def _interp(points: Mapping[int, float], year: int) -> float:
    ys = sorted(points)
    if year <= ys[0]:
        return float(points[ys[0]])
    if year >= ys[-1]:
        return float(points[ys[-1]])
    return float(np.interp(year, ys, [points[y] for y in ys]))


# ---------------------------------------------------------------------------------------------
# one year


@attrs.frozen(eq=False, repr=False)
class ScenarioYear:
    """One year of a scenario: its outcome and emissions under both scope 2 methods."""

    year: int
    outcome: Outcome
    scope2: Scope2Result
    captured_t: float
    removals_t: float

    @property
    def inventory(self) -> Inventory:
        return self.outcome.inventory

    def emissions(self, scope2: str = "location") -> Any:
        """The :class:`~neutralcore.Emissions` (before capture) under *scope2* ``"location"`` or ``"market"``."""
        return self.scope2.location if _basis(scope2) == "location" else self.scope2.market

    def by_scope(self, scope2: str = "location") -> dict[int, float]:
        """t CO2e per scope (1, 2, 3), scope 1 after capture."""
        em = self.emissions(scope2)
        inv = em.inventory
        scopes = np.array([int(s) for s in inv.scope.categories], dtype=np.int64)
        per = np.bincount(scopes[inv.scope.codes], weights=em.row_co2e(), minlength=4) if len(inv) else np.zeros(4)
        out = {s: float(per[s]) for s in (1, 2, 3)}
        out[1] -= self.captured_t
        return out

    def total(self, scope2: str = "location", *, scopes: Sequence[int] = (1, 2, 3), net: bool = False) -> float:
        """Emissions of *scopes* (after capture); minus removals only if *net* is asked for."""
        by = self.by_scope(scope2)
        return sum(by[s] for s in scopes) - (self.removals_t if net else 0.0)


@attrs.frozen
class _Summary:
    """One year reduced to what trajectories and gaps read: t CO2e per scope (scope 1 after capture)."""

    location: dict[int, float]
    market: dict[int, float]
    captured_t: float
    removals_t: float
    disclosures: tuple[str, ...]

    def total(self, scope2: str, scopes: Sequence[int], net: bool) -> float:
        by = self.location if _basis(scope2) == "location" else self.market
        return sum(by[s] for s in scopes) - (self.removals_t if net else 0.0)


def _basis(value: str) -> str:
    b = str(value).lower().removesuffix("-based")
    if b not in ("location", "market"):
        raise ScenarioError(f"scope 2 basis {value!r} must be 'location' or 'market'")
    return b


def assess(outcome: Outcome, factors: FactorSet, year: int, *, gwp: str | None = None,
           instruments: Sequence[ContractualInstrument] = (), supplier_rates: Sequence[SupplierRate] = (),
           entity: str | None = None, vintage_window: Any = 0) -> ScenarioYear:
    """Emissions of an :class:`Outcome` (location- and market-based, capture, removals)."""
    em = outcome.inventory.emissions(factors, gwp=gwp)
    s2 = market_based(em, instruments=tuple(instruments) + outcome.instruments, supplier_rates=supplier_rates,
                      entity=entity, vintage_window=vintage_window, require_entity=False)
    return ScenarioYear(year, outcome, s2, outcome.captured(em), outcome.removed())


# ---------------------------------------------------------------------------------------------
# results as tables


class Trajectory(Table):
    """Emissions per year per scope (t CO2e): ``year, scope1, scope2_location, scope2_market, scope3,
    total_location, total_market, captured_t, removals_t``.

    Totals are emissions only; removals are beside them, never subtracted.
    ``disclosures`` gathers the market-based scope 2 disclosures of its years
    (grid average used for want of a residual mix, instruments not applied and why).
    """

    disclosures: tuple[str, ...] = ()

    def total(self, scope2: str = "location") -> np.ndarray:
        return np.asarray(self["total_" + _basis(scope2)], dtype=float)


class Gap(Table):
    """Year by year: the scenario, the target path and how far the scenario is above it.

    ``gap`` is scenario minus target (positive = above the target path);
    years where the target sets no constraint (before a pledge's peak year)
    have no gap.
    """

    target: "Target"

    @property
    def years_above(self) -> list[int]:
        return [y for y, a in zip(self["year"], self["above"]) if a]

    @property
    def on_track(self) -> bool:
        return not self.years_above


# ---------------------------------------------------------------------------------------------
# targets


def _reduction(inst: Any, attr: Any, value: float) -> None:
    if not 0 <= value <= 1:
        raise ScenarioError(f"Target.{attr.name} {value!r} must be between 0 and 100 % (a fraction)")


def _scopes(value: Any) -> tuple[int, ...]:
    items = (value,) if isinstance(value, int) else tuple(value)
    out = []
    for s in items:
        if s not in (1, 2, 3):
            raise ScenarioError(f"target scopes must be 1, 2 or 3, got {s!r}")
        out.append(int(s))
    return tuple(sorted(set(out)))


@attrs.frozen
class Target:
    """A target path: ``value(year)`` in t CO2e (or intensity units), linear between its ends.

    The path is ``base_value`` at the year it starts declining (``start_year``,
    default the base year) and falls linearly to ``base_value x (1 - reduction)``
    at ``target_year``, then stays there.  Before ``start_year`` a target with a
    ``start_year`` sets no constraint (``nan``; a pledge's peak year).

    Build one with :meth:`absolute`, :meth:`sbti`, :meth:`intensity` or
    :meth:`national`.

    Examples
    --------
    >>> t = Target.sbti(2020, 100_000, 2030)
    >>> round(t.value(2030), 6), round(t.value(2027), 6)
    (58000.0, 70600.0)
    """

    name: str
    base_year: int = attrs.field(converter=lambda v: _year(v, "base year"))
    base_value: float = attrs.field(converter=lambda v: _finite(v, "base value"))
    target_year: int = attrs.field(converter=lambda v: _year(v, "target year"))
    reduction: float = attrs.field(converter=lambda v: _finite(v, "reduction"), validator=_reduction)
    kind: str = attrs.field(default="absolute", kw_only=True)
    scopes: tuple[int, ...] = attrs.field(default=(1, 2), kw_only=True, converter=_scopes)
    scope2: str = attrs.field(default="location", kw_only=True, converter=_basis)
    start_year: int | None = attrs.field(default=None, kw_only=True,
                                         converter=attrs.converters.optional(lambda v: _year(v, "start year")))
    net: bool = attrs.field(default=False, kw_only=True)
    metric: str | None = attrs.field(default=None, kw_only=True, converter=optional_str)
    method: str = attrs.field(default="", kw_only=True)
    source: Source | None = attrs.field(default=None, kw_only=True)
    citation: str | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.target_year <= self.base_year:
            raise ScenarioError(f"target {self.name!r}: target year {self.target_year} is not after its base year "
                                f"{self.base_year}")
        if self.base_value < 0:
            raise ScenarioError(f"target {self.name!r}: base value {self.base_value:g} is negative")
        if self.kind not in ("absolute", "intensity"):
            raise ScenarioError(f"target kind {self.kind!r} must be 'absolute' or 'intensity'")
        if self.kind == "intensity" and not self.metric:
            raise ScenarioError("an intensity target needs metric= (its denominator, e.g. 't product')")
        s = self.start_year
        if s is not None and not self.base_year <= s < self.target_year:
            raise ScenarioError(f"target {self.name!r}: start year {s} must be between the base year {self.base_year} "
                                f"and the target year {self.target_year}")

    # -- constructors ----------------------------------------------------------------------

    @classmethod
    def absolute(cls, base_year: int, base_emissions: float, target_year: int, reduction: float, **kw: Any) -> "Target":
        """Absolute target: *reduction* (fraction) of base-year emissions by *target_year*, linear path."""
        kw.setdefault("method", f"linear from {base_year} to a {float(reduction):.1%} cut in {target_year}")
        return cls(kw.pop("name", f"-{float(reduction):.0%} by {target_year}"), base_year, base_emissions, target_year,
                   reduction, **kw)

    @classmethod
    def sbti(cls, base_year: int, base_emissions: float, target_year: int, ambition: str = "1.5C",
             **kw: Any) -> "Target":
        """SBTi absolute contraction: 4.2 %/yr (``"1.5C"``) or 2.5 %/yr (``"well-below-2C"``) of base-year emissions, linear.

        Required reduction = rate x (target year - base year), never compounded.
        """
        if ambition not in SBTI:
            raise ScenarioError(f"SBTi ambition {ambition!r} must be one of {tuple(SBTI)}")
        by, ty = _year(base_year, "base year"), _year(target_year, "target year")
        if ty <= by:
            raise ScenarioError(f"target year {ty} is not after the base year {by}")
        rate = SBTI[ambition]
        reduction = rate * (ty - by)
        if reduction > 1:
            raise ScenarioError(
                f"{rate:.1%}/yr over {ty - by} years is {reduction:.0%}, more than 100 %: SBTi near-term targets span "
                "5-10 years; for a long-term target use Target.absolute(..., reduction=0.9)"
            )
        kw.setdefault("method", f"SBTi absolute contraction, {rate:.1%} of {by} emissions per year, linear")
        kw.setdefault("source", SBTI_SOURCE)
        return cls(kw.pop("name", f"SBTi {ambition} ({rate:.1%}/yr linear)"), by, base_emissions, ty, reduction, **kw)

    @classmethod
    def intensity(cls, base_year: int, base_intensity: float, target_year: int, reduction: float, *, metric: str,
                  **kw: Any) -> "Target":
        """Intensity target: t CO2e per unit of *metric* (e.g. ``"t product"``), linear path."""
        kw.setdefault("method", f"intensity per {metric}, linear to a {float(reduction):.1%} cut in {target_year}")
        return cls(kw.pop("name", f"-{float(reduction):.0%} t CO2e/{metric} by {target_year}"), base_year,
                   base_intensity, target_year, reduction, kind="intensity", metric=metric, **kw)

    @classmethod
    def national(cls, pack: Any, pledge: str | None = None, *, base_year: int, base_emissions: float,
                 **kw: Any) -> "Target":
        """A national pledge shipped in a country pack's metadata, as a DERIVED path, with its citation.

        The pledges set end points, not paths.  The path drawn here is DERIVED:
        no constraint before the pledge's peak year (if it names one), then a
        straight line from the base-year emissions to net zero in the pledge
        year.  Net-zero and neutrality pledges compare emissions net of
        removals (``net=True``).

        Where the pledge names a peak year, the line runs from *base_emissions*
        in the peak year to zero: with the base year's own emissions that is
        stricter than "peak by" if emissions still grow until then, so pass the
        expected peak level as *base_emissions* to anchor the path there.  The
        path covers every gas of the chosen scopes, even where the pledge names
        CO2 only (China's peak): both readings are stated in ``method``.

        *pack* is a pack name (loaded through the registry) or a
        :class:`~neutralcore.packs.FactorPack`.
        """
        fp = _load_pack(pack)
        pledges = dict(getattr(fp, "pledges", None) or fp.metadata.get("pledges", {}))
        if not pledges:
            raise ScenarioError(f"pack {fp.name!r} ships no pledges in its metadata")
        if pledge is None:
            usable = [k for k, p in pledges.items() if "neutrality_before" in p or "net zero" in str(p.get("target", ""))]
            if len(usable) != 1:
                raise ScenarioError(f"pack {fp.name!r} ships pledges {sorted(pledges)}; name one with pledge=")
            pledge = usable[0]
        if pledge not in pledges:
            raise ScenarioError(f"pack {fp.name!r} has no pledge {pledge!r}; it has {sorted(pledges)}")
        p = pledges[pledge]
        if "neutrality_before" in p:
            target_year = int(p["neutrality_before"])
            start = int(p["peak_before"]) if "peak_before" in p else None
            reading = (f"'peak before {start}' read as: no constraint before {start}; 'neutrality before "
                       f"{target_year}' read as net zero in {target_year}") if start else ""
        elif "net zero" in str(p.get("target", "")) and "target_year" in p:
            target_year = int(p["target_year"])
            start = int(p["emissions_peak_year"]) if "emissions_peak_year" in p else None
            reading = f"emissions peak in {start}: no constraint before {start}" if start else ""
        else:
            raise ScenarioError(
                f"pledge {pledge!r} of pack {fp.name!r} ({p.get('target')}) is not a net-zero or neutrality end point "
                "that neutralcore can draw as a path; build a Target.absolute for it"
            )
        by = _year(base_year, "base year")
        if start is not None and start < by:
            start = None
        announced = str(p.get("announced", ""))
        year = int(announced[:4]) if announced[:4].isdigit() else int(p.get("document_year", by))
        citation = "; ".join(str(x) for x in (p.get("announcement"), p.get("document"), p.get("publisher"), p.get("url"))
                             if x)
        if p.get("document"):  # the publisher named is the document's, not the announcement's
            year = int(p.get("document_year", year))
        source = Source(str(p.get("publisher") or fp.name), str(p.get("document") or p.get("announcement") or pledge),
                        year, url=p.get("url"), note=p.get("note"))
        method = (f"DERIVED path for the pledge '{p.get('target')}': straight line from {by} emissions to net zero in "
                  f"{target_year}" + (f"; {reading}" if reading else "") + ". The pledge sets the end point, not the path"
                  + (f". From {start} the line starts at the base-year level, which is stricter than a peak if "
                     f"emissions grow until {start}: pass the expected peak level as base_emissions= to anchor there"
                     if start else "")
                  + ". The path covers every gas of the chosen scopes, whatever gases the pledge names.")
        kw.setdefault("scopes", (1, 2, 3))
        kw.setdefault("net", True)
        return cls(kw.pop("name", f"{fp.name}: {p.get('target')}"), by, base_emissions, target_year, 1.0,
                   start_year=start, method=method, source=source, citation=citation, **kw)

    # -- the path ----------------------------------------------------------------------------

    def value(self, year: int) -> float:
        """The target path in *year* (``nan`` before the base year or before ``start_year``)."""
        y = int(year)
        s = self.start_year if self.start_year is not None else self.base_year
        if y < s:
            return math.nan
        if y >= self.target_year:
            return self.base_value * (1.0 - self.reduction)
        return self.base_value * (1.0 - self.reduction * (y - s) / (self.target_year - s))

    def path(self, start: int | None = None, end: int | None = None) -> Table:
        """The path year by year, as a table."""
        a = self.base_year if start is None else int(start)
        b = self.target_year if end is None else int(end)
        years = list(range(a, b + 1))
        return Table({"year": years, "target": [self.value(y) for y in years]}, title=f"Target path: {self.name}")


def _load_pack(pack: Any) -> Any:
    if isinstance(pack, str):
        from neutralcore.registry import load

        return load("factors", pack)
    if not hasattr(pack, "metadata"):
        raise ScenarioError(f"pack must be a pack name or a FactorPack, got {type(pack).__name__}")
    return pack


# ---------------------------------------------------------------------------------------------
# the scenario


def _lever_items(value: Any) -> tuple[tuple[Lever, int | None], ...]:
    out: list[tuple[Lever, int | None]] = []
    for i, item in enumerate(value or ()):
        if isinstance(item, Lever):
            out.append((item, None))
        elif isinstance(item, (tuple, list)) and len(item) == 2 and isinstance(item[0], Lever):
            out.append((item[0], _year(item[1], f"start year of lever {item[0].name!r}")))
        else:
            raise ScenarioError(f"levers[{i}] must be a Lever or (Lever, start_year), got {item!r}")
    return tuple(out)


def _growth(value: Any) -> Any:
    if callable(value):
        return value
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            key = "*" if k == "*" else activity_key(k)
            out[key] = _finite(v, f"growth of {k!r}")
            if out[key] <= -1:
                raise ScenarioError(f"growth of {k!r} {v!r} must be above -100 %")
        return out
    g = _finite(value, "growth")
    if g <= -1:
        raise ScenarioError(f"growth {value!r} must be above -100 %/yr")
    return g


def _grid_path(value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, Mapping) or not value:
        raise ScenarioError("grid_factor_path must map year -> t CO2/MWh (or region -> {year: t CO2/MWh})")
    if all(isinstance(v, Mapping) for v in value.values()):
        return {str(r): _grid_path(v) for r, v in value.items()}
    out = {}
    for y, v in value.items():
        x = _finite(v, f"grid factor for {y}")
        if x < 0:
            raise ScenarioError(f"grid factor for {y} must not be negative, got {v!r}")
        out[_year(y, "grid_factor_path year")] = x
    return out


@attrs.frozen(eq=False, repr=False)
class Scenario:
    """A base-year inventory projected forward with growth, a grid-factor path and levers.

    Parameters
    ----------
    baseline : Inventory
        Base-year activities (one year, or pick one with *base_year*).
    levers : sequence of Lever or (Lever, start_year)
        Applied in the order given from their start year (default: the base year).
    factors : FactorSet
        Emission factors (e.g. ``load_factors("vietnam", "ipcc")``).
    growth : float, mapping or callable
        Annual growth of quantities: one rate (0.03 = 3 %/yr, compounded),
        ``{activity prefix: rate, "*": default}``, or ``f(year) -> multiplier``.
    grid_factor_path : mapping, optional
        Assumed grid factor, t CO2/MWh: ``{year: value}`` for every region of
        the baseline's grid electricity, or ``{region: {year: value}}``.
        Linear between points, from the published base-year factor to the
        first point, flat after the last.  Residual mixes are scaled by the same
        ratio.  These factors are DERIVED scenario assumptions and say so.
    grid_activity : str
        The activity the path applies to (``electricity.grid``).
    entity, instruments, supplier_rates, vintage_window
        Market-based scope 2 settings (see :mod:`neutralcore.measure.scope2`).
    output : float or mapping, optional
        Activity metric for intensity targets (base-year value grown at
        *output_growth*, or ``{year: value}``).
    gwp : str, optional
    name : str
    """

    baseline: Inventory
    levers: tuple[tuple[Lever, int | None], ...] = attrs.field(default=(), converter=_lever_items)
    factors: FactorSet = attrs.field(default=None, kw_only=True)
    growth: Any = attrs.field(default=0.0, kw_only=True, converter=_growth)
    grid_factor_path: Any = attrs.field(default=None, kw_only=True, converter=_grid_path)
    grid_activity: str = attrs.field(default="electricity.grid", kw_only=True, converter=activity_key)
    #: None on input means "the baseline's only year"; always an int after construction.
    base_year: int = attrs.field(default=None, kw_only=True)  # type: ignore[assignment]
    entity: str | None = attrs.field(default=None, kw_only=True, converter=optional_str)
    instruments: tuple[ContractualInstrument, ...] = attrs.field(default=(), kw_only=True, converter=tuple)
    supplier_rates: tuple[SupplierRate, ...] = attrs.field(default=(), kw_only=True, converter=tuple)
    vintage_window: Any = attrs.field(default=0, kw_only=True)
    output: Any = attrs.field(default=None, kw_only=True)
    output_growth: float = attrs.field(default=0.0, kw_only=True)
    gwp: str | None = attrs.field(default=None, kw_only=True)
    name: str = attrs.field(default="scenario", kw_only=True)
    _cache: dict = attrs.field(factory=dict, kw_only=True, repr=False)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.baseline, Inventory):
            raise ScenarioError(f"baseline must be an Inventory, got {type(self.baseline).__name__}")
        if not isinstance(self.factors, FactorSet):
            raise ScenarioError("Scenario needs factors= (a FactorSet, e.g. nc.load_factors('vietnam', 'ipcc'))")
        if len(self.baseline) == 0:
            raise ScenarioError("the baseline inventory is empty")
        years = np.unique(self.baseline.year).tolist()
        if self.base_year is None:
            if len(years) > 1:
                raise ScenarioError(f"the baseline holds years {years}; pick the base year with base_year=")
            object.__setattr__(self, "base_year", years[0])
        else:
            by = _year(self.base_year, "base year")
            if by not in years:
                raise ScenarioError(f"the baseline has no rows for base year {by} (it holds {years})")
            object.__setattr__(self, "base_year", by)
        for lever, start in self.levers:
            if start is not None and start < self.base_year:
                raise ScenarioError(f"lever {lever.name!r} starts in {start}, before the base year {self.base_year}")
        base = self._base()
        if isinstance(self.grid_factor_path, dict) and self.grid_factor_path and all(
                isinstance(v, dict) for v in self.grid_factor_path.values()):
            missing = set(self.grid_factor_path) - set(base.region.categories)
            if missing:
                raise ScenarioError(f"grid_factor_path names region(s) {sorted(missing)} absent from the baseline")
        _finite(self.output_growth, "output_growth")
        # Fail early if a lever cannot act.  Each lever meets the inventory the levers before it leave (a
        # fuel switch to electricity gives solar something to displace), so check the chain in each year a
        # lever starts: between start years the set of active levers, and so the rows they meet, is the same.
        first = self.base_year
        for start in sorted({first if s is None else s for _lv, s in self.levers}):
            try:
                self.outcome(start)
            except LeverError as exc:
                active = [lv.name for lv, s in self.levers if (first if s is None else s) <= start]
                raise LeverError(f"{exc.message} (scenario {self.name!r} in {start}; levers active then, in order: "
                                 f"{', '.join(active)})", **exc._fields) from None

    # -- building years ---------------------------------------------------------------------

    def _base(self) -> Inventory:
        hit = self._cache.get("base")
        if hit is None:
            single = bool((self.baseline.year == self.base_year).all())
            hit = self.baseline if single else self.baseline.where(year=self.base_year)
            self._cache["base"] = hit
        return hit

    def _recent(self, key: Any, make: Callable[[], Any]) -> Any:
        """Cache of whole years (inventories, emissions), bounded: a year of a large inventory is large.

        Every year's *summary* is kept (:meth:`_summary`); only the last few
        whole years are, so a 27-year trajectory of a million rows does not
        hold 27 copies of it.  Evicted years are recomputed on demand.
        """
        lru = self._cache.setdefault("recent", OrderedDict())
        hit = lru.get(key)
        if hit is None:
            hit = make()
            lru[key] = hit
            while len(lru) > _RECENT:
                lru.popitem(last=False)
        else:
            lru.move_to_end(key)
        return hit

    def _check_year(self, year: Any) -> int:
        y = _year(year, "year")
        if y < self.base_year:
            raise ScenarioError(f"year {y} is before the scenario's base year {self.base_year}")
        return y

    def _grown(self, year: int) -> Inventory:
        base = self._base()
        n = year - self.base_year
        g = self.growth
        if callable(g):
            mult = np.full(len(base), _finite(g(year), f"growth({year})"))
            if mult[0] < 0:
                raise ScenarioError(f"growth({year}) returned a negative multiplier")
        elif isinstance(g, dict):
            def rate(c: str) -> float:  # longest matching activity prefix, else "*", else 0
                keys = [k for k in g if k != "*" and (c == k or c.startswith(k + "."))]
                return g[max(keys, key=len)] if keys else g.get("*", 0.0)

            rates = np.array([rate(c) for c in base.activity.categories])
            mult = (1.0 + rates[base.activity.codes]) ** n
        else:
            mult = np.full(len(base), (1.0 + g) ** n)
        inv = base.with_quantity(base.quantity * mult)
        return inv if year == self.base_year else inv.with_column("year", year)

    def factors_for(self, year: int) -> FactorSet:
        """The factor set used for *year*: the given factors plus the DERIVED grid-path factors."""
        y = self._check_year(year)
        if self.grid_factor_path is None:
            return self.factors
        key = ("factors", y)
        hit = self._cache.get(key)
        if hit is None:
            hit = FactorSet.merge(self.factors, FactorSet.from_factors(self._derived_factors(y)))
            self._cache[key] = hit
        return hit

    def _anchor(self, activity: str, region: str) -> float | None:
        from neutralcore.measure.kernel import resolve_labels as resolve
        from neutralcore.units import multiplier, split_factor_unit

        res = resolve(self.factors, [activity], [region], np.array([self.base_year]))
        f = int(res.factor[0])
        if f < 0:
            return None
        fs = self.factors
        _m, per, to_t = split_factor_unit(fs.unit.categories[fs.unit.codes[f]])
        co2 = fs.values[f, fs.gases.index("CO2")] if "CO2" in fs.gases else math.nan
        return None if co2 != co2 else float(co2) * to_t * multiplier("MWh", per)

    def _derived_factors(self, year: int) -> list[Factor]:
        gp = self.grid_factor_path
        regions = self._cache.get("grid_regions")
        if regions is None:
            base = self._base()
            used = np.unique(base.region.codes[base.mask(activity=self.grid_activity)])
            regions = self._cache["grid_regions"] = sorted({base.region.categories[c] for c in used.tolist()})
        per_region = gp if all(isinstance(v, dict) for v in gp.values()) else {r: gp for r in regions}
        out = []
        for region, points in per_region.items():
            anchor = self._anchor(self.grid_activity, region)
            pts = dict(points)
            if anchor is not None and self.base_year < min(pts):
                pts.setdefault(self.base_year, anchor)
            if year < min(pts):
                continue
            value = _interp(pts, year)
            src = Source(f"neutralcore scenario {self.name!r}", "grid_factor_path (scenario assumption)", self.base_year,
                         note="DERIVED: linear interpolation of the scenario's grid_factor_path from the published "
                              f"{self.base_year} factor; not a published factor")
            out.append(Factor(self.grid_activity, region, year, "t/MWh", {"CO2": value}, src, confidence="DERIVED",
                              notes=f"DERIVED scenario grid factor for {year}", kind="scenario assumption"))
            residual = self._anchor(self.grid_activity + ".residual", region)
            if residual is not None and anchor:
                out.append(Factor(self.grid_activity + ".residual", region, year, "t/MWh",
                                  {"CO2": residual * value / anchor}, src, confidence="DERIVED", kind="scenario assumption",
                                  notes=f"DERIVED: published {self.base_year} residual mix x (path {value:.4f} / published "
                                        f"grid {anchor:.4f})"))
        return out

    def outcome(self, year: int) -> Outcome:
        """Activities and lever records for *year* (levers started by then, in order)."""
        y = self._check_year(year)

        def make() -> Outcome:
            out = Outcome(self._grown(y))
            for lever, start in self.levers:
                if (start if start is not None else self.base_year) <= y:
                    out = out.then(lever, y)
            return out

        return self._recent(("outcome", y), make)

    def inventory(self, year: int) -> Inventory:
        """The inventory of *year* after growth and levers."""
        return self.outcome(year).inventory

    def year(self, year: int) -> ScenarioYear:
        """Everything about *year*: outcome, both scope 2 figures, capture, removals."""
        y = self._check_year(year)
        return self._recent(("year", y), lambda: assess(
            self.outcome(y), self.factors_for(y), y, gwp=self.gwp, instruments=self.instruments,
            supplier_rates=self.supplier_rates, entity=self.entity, vintage_window=self.vintage_window))

    def _summary(self, year: int) -> "_Summary":
        """The figures of *year* that trajectories and gaps need (kept for every year; small)."""
        key = ("summary", year)
        hit = self._cache.get(key)
        if hit is None:
            r = self.year(year)
            hit = _Summary(r.by_scope("location"), r.by_scope("market"), r.captured_t, r.removals_t,
                           r.scope2.disclosures)
            self._cache[key] = hit
        return hit

    def emissions(self, year: int, scope2: str = "location") -> Any:
        """:class:`~neutralcore.Emissions` of *year* (before capture; see :meth:`year` for capture and removals)."""
        return self.year(year).emissions(scope2)

    def metric(self, year: int) -> float:
        """The activity metric (denominator of intensity targets) in *year*."""
        if self.output is None:
            raise ScenarioError("intensity targets need the scenario's output= (e.g. tonnes of product per year)")
        if isinstance(self.output, Mapping):
            if not self.output:
                raise ScenarioError("output= is an empty mapping; give {year: value}")
            value = _interp({_year(k, "output year"): _finite(v, "output") for k, v in self.output.items()}, int(year))
        else:
            value = _finite(self.output, "output") * (1.0 + self.output_growth) ** (int(year) - self.base_year)
        if not value > 0:
            raise ScenarioError(f"the scenario's output (intensity denominator) in {int(year)} is {value:g}; it must be "
                                "positive")
        return value

    # -- results ------------------------------------------------------------------------------

    def trajectory(self, start: int | None = None, end: int = 2050) -> Trajectory:
        """Emissions per year per scope from *start* (default the base year) to *end*."""
        a = self._check_year(self.base_year if start is None else start)
        b = _year(end, "end year")
        if b < a:
            raise ScenarioError(f"end year {b} is before start year {a}")
        cols: dict[str, list[Any]] = {c: [] for c in ("year", "scope1", "scope2_location", "scope2_market", "scope3",
                                                      "total_location", "total_market", "captured_t", "removals_t")}
        disclosures: dict[str, None] = {}
        for y in range(a, b + 1):
            r = self._summary(y)
            loc, mkt = r.location, r.market
            for c, v in zip(cols, (y, loc[1], loc[2], mkt[2], loc[3], sum(loc.values()), sum(mkt.values()),
                                   r.captured_t, r.removals_t)):
                cols[c].append(v)
            disclosures.update(dict.fromkeys(r.disclosures))
        out = Trajectory({k: (np.array(v) if k != "year" else v) for k, v in cols.items()},
                         title=f"Trajectory of {self.name} {a}-{b} (t CO2e; scope 1 after capture; removals apart)")
        out.disclosures = tuple(disclosures)
        return out

    def gap(self, target: Target, start: int | None = None, end: int | None = None, *, net: bool | None = None) -> Gap:
        """How far the scenario is above *target*, year by year (positive = above the path).

        Uses the target's scopes and scope 2 basis; net of removals only if the
        target is net (or *net* says so).
        """
        if not isinstance(target, Target):
            raise ScenarioError(f"gap() needs a Target, got {type(target).__name__}")
        use_net = target.net if net is None else bool(net)
        a = self._check_year(max(self.base_year, target.base_year) if start is None else start)
        b = _year(target.target_year if end is None else end, "end year")
        if b < a:
            raise ScenarioError(f"end year {b} is before start year {a}")
        cols: dict[str, list[Any]] = {c: [] for c in ("year", "scenario", "target", "gap", "above")}
        for y in range(a, b + 1):
            v = self._summary(y).total(target.scope2, target.scopes, use_net)
            if target.kind == "intensity":
                v = v / self.metric(y)
            t = target.value(y)
            g = v - t if t == t else math.nan
            for c, x in zip(cols, (y, v, t, g, bool(g > 1e-9) if g == g else False)):
                cols[c].append(x)
        unit = f"t CO2e/{target.metric}" if target.kind == "intensity" else "t CO2e"
        basis = f"scopes {', '.join(map(str, target.scopes))}, scope 2 {target.scope2}-based" + (
            ", net of removals" if use_net else ", removals not netted")
        out = Gap({k: (np.array(v, dtype=float) if k in ("scenario", "target", "gap") else v) for k, v in cols.items()},
                  title=f"Gap to {target.name} ({unit}; {basis})")
        out.target = target
        return out

    def plot(self, target: Target | None = None, start: int | None = None, end: int | None = None, *,
             scope2: str | None = None, ax: Any = None) -> Any:
        """Draw the trajectory (stacked by scope) against *target*'s path; returns the matplotlib Axes.

        With a target, only the scopes it covers are stacked, and a net target
        also gets the net-of-removals line it is compared with, so the picture
        agrees with :meth:`gap`.
        """
        from neutralcore.plotting import plot_trajectory

        basis = _basis(scope2 or (target.scope2 if target is not None else "location"))
        end = end if end is not None else (max(2050, target.target_year) if target is not None else 2050)
        traj = self.trajectory(start, end)
        path: Any = _AbsolutePath(target, self) if target is not None and target.kind == "intensity" else target
        scopes = target.scopes if target is not None else (1, 2, 3)
        return plot_trajectory(traj, basis=basis, target=path, ax=ax, scopes=scopes,
                               net=bool(target is not None and target.net))

    def __repr__(self) -> str:
        levers = ", ".join(f"{lv.name} from {s or self.base_year}" for lv, s in self.levers) or "no levers"
        return f"Scenario({self.name!r}, base year {self.base_year}, {len(self.baseline)} rows; {levers})"


class _AbsolutePath:
    """An intensity target drawn in t CO2e: its path x the scenario's activity metric."""

    def __init__(self, target: Target, scenario: Scenario) -> None:
        self.name = f"{target.name} (x {target.metric})"
        self._t, self._s = target, scenario

    def value(self, year: int) -> float:
        return self._t.value(year) * self._s.metric(year)
