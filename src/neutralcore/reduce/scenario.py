"""Scenarios: a base-year inventory projected forward with growth, a grid-factor path and levers.

A :class:`Scenario` projects a base-year inventory forward: quantities grow
(``growth=``), the grid factor follows an assumed path (``grid_factor_path=``),
and levers start in chosen years.  For each year it gives the inventory, the
non-activity records of the levers (:class:`~neutralcore.levers.Outcome`) and
their emissions, location- and market-based (:class:`ScenarioYear`, in
:mod:`.trajectory`); :meth:`Scenario.trajectory` collects them per scope and
:meth:`Scenario.gap` compares them with a :class:`~neutralcore.reduce.target.Target`.

Carbon credits play no part: SBTi targets are met by reductions (SBTi
Corporate Net-Zero Standard; see ``Target.sbti``).  ``Target``, ``Gap``,
``SBTI``, ``ScenarioYear`` and ``Trajectory`` are importable from here as before.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from typing import Any, Callable, Mapping, Union, cast

import attrs
import numpy as np

from neutralcore._core.display import view_html
from neutralcore._core.progress import track
from neutralcore._core.validators import activity_key, optional_str
from neutralcore.errors import LeverError, ScenarioError
from neutralcore.levers import Lever, Outcome
from neutralcore.measure.basis import SCOPES, scope2_method
from neutralcore.measure.emissions import Emissions
from neutralcore.measure.factor import Factor, FactorSet, Source
from neutralcore.measure.inventory import Inventory
from neutralcore.measure.kernel import resolve_labels
from neutralcore.measure.scope2 import ContractualInstrument, SupplierRate
from neutralcore.units import multiplier, split_factor_unit
from neutralcore.reduce.aggregate import aggregated
from neutralcore.reduce.inputs import finite, interpolate, year_of
from neutralcore.reduce.target import SBTI, Gap, Target
from neutralcore.reduce.trajectory import ScenarioYear, Trajectory, YearSummary, assess

__all__ = ["Scenario", "ScenarioYear", "Trajectory", "Target", "Gap", "SBTI"]

#: whole years (outcome and emissions entries) a scenario keeps; summaries are kept for every year
_RECENT = 6

#: Annual growth of quantities: one rate, ``{activity prefix: rate, "*": default}``, or ``f(year) -> multiplier``.
Growth = Union[float, Mapping[str, float], Callable[[int], float]]
#: Assumed grid factor in t CO2/MWh: ``{year: value}``, or ``{region: {year: value}}``.
GridPath = Union[Mapping[int, float], Mapping[str, Mapping[int, float]]]


def _lever_items(value: Any) -> tuple[tuple[Lever, int | None], ...]:
    out: list[tuple[Lever, int | None]] = []
    for i, item in enumerate(value or ()):
        if isinstance(item, Lever):
            out.append((item, None))
        elif isinstance(item, (tuple, list)) and len(item) == 2 and isinstance(item[0], Lever):
            out.append((item[0], year_of(item[1], f"start year of lever {item[0].name!r}")))
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
            out[key] = finite(v, f"growth of {k!r}")
            if out[key] <= -1:
                raise ScenarioError(f"growth of {k!r} {v!r} must be above -100 %")
        return out
    g = finite(value, "growth")
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
        x = finite(v, f"grid factor for {y}")
        if x < 0:
            raise ScenarioError(f"grid factor for {y} must not be negative, got {v!r}")
        out[year_of(y, "grid_factor_path year")] = x
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
    aggregate : bool
        Sum rows that agree on every column before projecting, for
        :meth:`trajectory` and :meth:`gap` (default True; the same figures,
        far fewer rows).  Done only when every lever is row-independent
        (:attr:`~neutralcore.levers.Lever.row_independent`, as every built-in
        is); :meth:`outcome`, :meth:`inventory`, :meth:`year` and
        :meth:`emissions` always give the rows themselves.
    """

    baseline: Inventory
    levers: tuple[tuple[Lever, int | None], ...] = attrs.field(default=(), converter=_lever_items)
    factors: FactorSet = attrs.field(default=None, kw_only=True)
    growth: Growth = attrs.field(default=0.0, kw_only=True, converter=_growth)
    grid_factor_path: GridPath | None = attrs.field(default=None, kw_only=True, converter=_grid_path)
    grid_activity: str = attrs.field(default="electricity.grid", kw_only=True, converter=activity_key)
    #: None on input means "the baseline's only year"; always an int after construction.
    base_year: int = attrs.field(default=None, kw_only=True)  # type: ignore[assignment]
    entity: str | None = attrs.field(default=None, kw_only=True, converter=optional_str)
    instruments: tuple[ContractualInstrument, ...] = attrs.field(default=(), kw_only=True, converter=tuple)
    supplier_rates: tuple[SupplierRate, ...] = attrs.field(default=(), kw_only=True, converter=tuple)
    vintage_window: int | tuple[int, int] = attrs.field(default=0, kw_only=True)
    output: float | Mapping[int, float] | None = attrs.field(default=None, kw_only=True)
    output_growth: float = attrs.field(default=0.0, kw_only=True)
    gwp: str | None = attrs.field(default=None, kw_only=True)
    name: str = attrs.field(default="scenario", kw_only=True)
    aggregate: bool = attrs.field(default=True, kw_only=True, converter=bool)
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
            by = year_of(self.base_year, "base year")
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
        finite(self.output_growth, "output_growth")
        # Fail early if a lever cannot act.  Each lever meets the inventory the levers before it leave (a
        # fuel switch to electricity gives solar something to displace), so check the chain in each year a
        # lever starts: between start years the set of active levers, and so the rows they meet, is the same.
        first = self.base_year
        for start in sorted({first if s is None else s for _lv, s in self.levers}):
            try:
                self._outcome(start, self._aggregates)
            except LeverError as exc:
                active = [lv.name for lv, s in self.levers if (first if s is None else s) <= start]
                raise LeverError(f"{exc.message} (scenario {self.name!r} in {start}; levers active then, in order: "
                                 f"{', '.join(active)})", **exc._fields) from None

    # -- building years ---------------------------------------------------------------------

    def _base(self, summed: bool = False) -> Inventory:
        """The base-year rows (*summed*: with rows equal in every column summed, see :mod:`.aggregate`)."""
        key = "summed base" if summed else "base"
        hit = self._cache.get(key)
        if hit is None:
            if summed:
                hit = aggregated(self._base())
            else:
                single = bool((self.baseline.year == self.base_year).all())
                hit = self.baseline if single else self.baseline.where(year=self.base_year)
            self._cache[key] = hit
        return hit

    @property
    def _aggregates(self) -> bool:
        """Whether trajectories and gaps are worked out on the summed base (see *aggregate*)."""
        return self.aggregate and all(lv.row_independent for lv, _s in self.levers)

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
        y = year_of(year, "year")
        if y < self.base_year:
            raise ScenarioError(f"year {y} is before the scenario's base year {self.base_year}")
        return y

    def _grown(self, year: int, summed: bool = False) -> Inventory:
        base = self._base(summed)
        n = year - self.base_year
        g = self.growth
        if callable(g):
            mult = np.full(len(base), finite(g(year), f"growth({year})"))
            if mult[0] < 0:
                raise ScenarioError(f"growth({year}) returned a negative multiplier")
        elif isinstance(g, Mapping):
            rates_of: Mapping[str, float] = g

            def rate(c: str) -> float:  # longest matching activity prefix, else "*", else 0
                keys = [k for k in rates_of if k != "*" and (c == k or c.startswith(k + "."))]
                return rates_of[max(keys, key=len)] if keys else rates_of.get("*", 0.0)

            rates = np.array([rate(c) for c in base.activity.categories])
            mult = (1.0 + rates[base.activity.codes]) ** n
        else:
            mult = np.full(len(base), (1.0 + g) ** n)
        inv = base.with_quantity(base.quantity * mult)
        return inv if year == self.base_year else inv.with_year(year)

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
        res = resolve_labels(self.factors, [activity], [region], np.array([self.base_year]))
        f = int(res.factor[0])
        if f < 0:
            return None
        fs = self.factors
        _m, per, to_t = split_factor_unit(fs.unit.categories[fs.unit.codes[f]])
        co2 = fs.values[f, fs.gases.index("CO2")] if "CO2" in fs.gases else math.nan
        return None if co2 != co2 else float(co2) * to_t * multiplier("MWh", per)

    def _derived_factors(self, year: int) -> list[Factor]:
        gp = self.grid_factor_path
        assert gp is not None  # only called with a grid path
        regions = self._cache.get("grid_regions")
        if regions is None:
            base = self._base()
            used = np.unique(base.region.codes[base.mask(activity=self.grid_activity)])
            regions = self._cache["grid_regions"] = sorted({base.region.categories[c] for c in used.tolist()})
        if all(isinstance(v, Mapping) for v in gp.values()):
            per_region = cast("Mapping[str, Mapping[int, float]]", gp)
        else:
            per_region = {r: cast("Mapping[int, float]", gp) for r in regions}
        out = []
        for region, points in per_region.items():
            anchor = self._anchor(self.grid_activity, region)
            pts = dict(points)
            if anchor is not None and self.base_year < min(pts):
                pts.setdefault(self.base_year, anchor)
            if year < min(pts):
                continue
            value = interpolate(pts, year)
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
        return self._outcome(self._check_year(year), False)

    def _outcome(self, y: int, summed: bool) -> Outcome:
        def make() -> Outcome:
            out = Outcome(self._grown(y, summed))
            for lever, start in self.levers:
                if (start if start is not None else self.base_year) <= y:
                    out = out.then(lever, y)
            return out

        return self._recent(("summed outcome" if summed else "outcome", y), make)

    def inventory(self, year: int) -> Inventory:
        """The inventory of *year* after growth and levers."""
        return self.outcome(year).inventory

    def year(self, year: int) -> ScenarioYear:
        """Everything about *year*: outcome, both scope 2 figures, capture, removals."""
        return self._year(self._check_year(year), False)

    def _year(self, y: int, summed: bool) -> ScenarioYear:
        return self._recent(("summed year" if summed else "year", y), lambda: assess(
            self._outcome(y, summed), self.factors_for(y), y, gwp=self.gwp, instruments=self.instruments,
            supplier_rates=self.supplier_rates, entity=self.entity, vintage_window=self.vintage_window))

    def _summary(self, year: int) -> YearSummary:
        """The figures of *year* that trajectories and gaps need (kept for every year; small)."""
        key = ("summary", year)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = self._year(self._check_year(year), self._aggregates).summary()
        return hit

    def emissions(self, year: int, scope2: str = "location") -> Emissions:
        """:class:`~neutralcore.Emissions` of *year* (before capture; see :meth:`year` for capture and removals)."""
        return self.year(year).emissions(scope2)

    def metric(self, year: int) -> float:
        """The activity metric (denominator of intensity targets) in *year*."""
        if self.output is None:
            raise ScenarioError("intensity targets need the scenario's output= (e.g. tonnes of product per year)")
        if isinstance(self.output, Mapping):
            if not self.output:
                raise ScenarioError("output= is an empty mapping; give {year: value}")
            value = interpolate({year_of(k, "output year"): finite(v, "output") for k, v in self.output.items()}, int(year))
        else:
            value = finite(self.output, "output") * (1.0 + self.output_growth) ** (int(year) - self.base_year)
        if not value > 0:
            raise ScenarioError(f"the scenario's output (intensity denominator) in {int(year)} is {value:g}; it must be "
                                "positive")
        return value

    # -- results ------------------------------------------------------------------------------

    def trajectory(self, start: int | None = None, end: int = 2050, *, progress: bool | None = None) -> Trajectory:
        """Emissions per year per scope from *start* (default the base year) to *end*.

        *progress*: show a progress bar (``True``), never (``False``), or on an interactive
        terminal (``None``); it needs the ``progress`` extra (tqdm) and is silent without it.
        """
        a = self._check_year(self.base_year if start is None else start)
        b = year_of(end, "end year")
        if b < a:
            raise ScenarioError(f"end year {b} is before start year {a}")
        cols: dict[str, list[Any]] = {c: [] for c in ("year", "scope1", "scope2_location", "scope2_market", "scope3",
                                                      "total_location", "total_market", "captured_t", "removals_t")}
        disclosures: dict[str, None] = {}
        for y in track(range(a, b + 1), desc=f"{self.name}: years", progress=progress):
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
        b = year_of(target.target_year if end is None else end, "end year")
        if b < a:
            raise ScenarioError(f"end year {b} is before start year {a}")
        cols: dict[str, list[Any]] = {c: [] for c in ("year", "scenario", "target", "gap", "above")}
        for y in range(a, b + 1):
            v = self._summary(y).total(target.scope2, target.scopes, use_net)
            if target.kind == "intensity":
                v = v / self.metric(y)
            t = float(target.values([y])[0])  # the real shape: no constraint after the target year
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

        basis = scope2_method(scope2 or (target.scope2 if target is not None else "location"))
        end = end if end is not None else (max(2050, target.target_year) if target is not None else 2050)
        traj = self.trajectory(start, end)
        path: Any = None if target is None else _AbsolutePath(target, self) if target.kind == "intensity" \
            else _RealPath(target)
        scopes = target.scopes if target is not None else (1, 2, 3)
        return plot_trajectory(traj, basis=basis, target=path, ax=ax, scopes=scopes,
                               net=bool(target is not None and target.net))

    def __repr__(self) -> str:
        levers = ", ".join(f"{lv.name} from {s or self.base_year}" for lv, s in self.levers) or "no levers"
        return f"Scenario({self.name!r}, base year {self.base_year}, {len(self.baseline)} rows; {levers})"

    def _repr_html_(self) -> str:
        growth = self.growth if not callable(self.growth) else "a function of the year"
        facts = [("base year", str(self.base_year)), ("rows", f"{len(self.baseline):,}"), ("growth", str(growth)),
                 ("grid factor path", "assumed (DERIVED factors)" if self.grid_factor_path else "none: published factors"),
                 ("levers", "; ".join(f"{lv.name} from {s or self.base_year}" for lv, s in self.levers) or "none")]
        return view_html(f"Scenario: {self.name}", facts)


class _AbsolutePath:
    """An intensity target drawn in t CO2e: its path x the scenario's activity metric."""

    def __init__(self, target: Target, scenario: Scenario) -> None:
        self.name = f"{target.name} (x {target.metric})"
        self._t, self._s = target, scenario

    def value(self, year: int) -> float:
        return float(self._t.values([year])[0]) * self._s.metric(year)


class _RealPath:
    """A target drawn in its real shape: nothing after its target year (``Target.values``), not flat to 2050."""

    def __init__(self, target: Target) -> None:
        self.name = target.name
        self._t = target

    def value(self, year: int) -> float:
        return float(self._t.values([year])[0])
