"""Marginal abatement cost (MAC) curves.

For each lever, in one year:

* **annual abatement** (t CO2e/yr): emissions before minus after the lever,
  plus any removals it adds (shown apart in ``removal_t``);
* **annualised cost** = ``capex x CRF(r, lifetime) + opex_delta - savings``,
  with ``CRF = r(1+r)^n / ((1+r)^n - 1)`` and savings = fixed savings +
  ``price x (quantity before - quantity after)`` for each priced activity;
* **cost per tonne** = annualised cost / abatement.  A lever whose abatement
  is zero or negative has no cost per tonne: it is reported with its status,
  never divided by, and placed after the others.

Abatement is **sequential**: levers are taken cheapest first, each measured
against the baseline left by the levers before it (efficiency shrinks what
solar can displace), choosing at each step the cheapest remaining lever given
what is already done.  The **standalone** figures (each lever alone against the
baseline) are in ``standalone_abatement_t`` / ``standalone_cost_per_t``;
``curve.interacting`` says whether they differ.  Levers that complement each
other (electrification, then solar on the larger load) can make the sequential
sum exceed the standalone sum; ``curve.notes`` says so.

A MAC curve is a snapshot of one year: it ignores lead times and lock-in,
depends on the baseline's assumptions (grid path, prices) and on the declared
discount rate (Kesicki and Ekins, "Marginal abatement cost curves: a call for
caution", Climate Policy 12, 2012, 219-236; Vogt-Schilb and Hallegatte,
"Marginal abatement cost curves and the optimal timing of mitigation
measures", Energy Policy 66, 2014, 645-653).
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from neutralcore._core.progress import bar
from neutralcore._core.table import Table
from neutralcore.errors import LeverError, ScenarioError
from neutralcore.measure.factor import FactorSet
from neutralcore.measure.inventory import Inventory
from neutralcore.levers import Costs, Lever, Outcome, crf
from neutralcore.measure.basis import Scope2Method, scope2_method
from neutralcore.measure.scope2 import ContractualInstrument, SupplierRate
from neutralcore.reduce.aggregate import Combination, aggregated, footprint
from neutralcore.reduce.inputs import year_of
from neutralcore.reduce.scenario import Scenario
from neutralcore.reduce.trajectory import ScenarioYear, assess

__all__ = ["mac_curve", "MacCurve"]

_COLUMNS = ("lever", "kind", "abatement_t", "reduction_t", "removal_t", "annual_cost", "cost_per_t", "annualised_capex",
            "opex_delta", "savings", "standalone_abatement_t", "standalone_cost_per_t", "cumulative_t", "status")



def _costs_of(lever: Lever) -> Costs:
    if lever.costs is None:
        raise ScenarioError(f"lever {lever.name!r} has no costs; give it costs=Costs(capex=..., lifetime=...)")
    return lever.costs

class MacCurve(Table):
    """A MAC curve: one row per lever, cheapest first; see :mod:`neutralcore.reduce.mac`.

    Attributes
    ----------
    year, discount_rate, currency, scope2
    baseline_t : float
        Baseline emissions (all scopes, after capture) in *year*.
    interacting : bool
        True when a lever's sequential abatement differs from its standalone one.
    notes : tuple of str
    """

    year: int
    discount_rate: float
    currency: str
    scope2: Scope2Method
    baseline_t: float
    interacting: bool
    notes: tuple[str, ...]

    def plot(self, ax: Any = None) -> Any:
        """Bars: width = annual abatement, height = cost per tonne; returns the matplotlib Axes."""
        from neutralcore.plotting import plot_mac

        return plot_mac(self, ax=ax)

    @property
    def total_abatement(self) -> float:
        return float(np.nansum(np.maximum(np.asarray(self["abatement_t"], dtype=float), 0.0)))

    def __repr__(self) -> str:
        text = super().__repr__()
        return text + "".join(f"\n- {n}" for n in self.notes)


class _Step:
    __slots__ = ("lever", "costs", "outcome", "result", "reduction", "removal", "savings", "annualised", "cost", "abatement",
                 "per_t", "before", "footprint", "measured_at")

    def __init__(self, lever: Lever, before: ScenarioYear, after: ScenarioYear, basis: Scope2Method, rate: float) -> None:
        costs = _costs_of(lever)
        self.lever = lever
        self.before = before
        #: the combinations the lever changed or captures from (None: unknown, so it interacts with every lever)
        self.footprint: frozenset[Combination] | None = None
        #: how many levers the sequential order held when this step was measured
        self.measured_at = 0
        self.costs = costs
        self.outcome = after.outcome
        self.result = after
        self.reduction = before.total(basis) - after.total(basis)
        self.removal = after.removals_t - before.removals_t
        self.savings = costs.savings + costs.price_savings(before.inventory, after.inventory)
        self.annualised = costs.capex * crf(rate, costs.lifetime)
        self.cost = self.annualised + costs.opex_delta - self.savings
        self.abatement = self.reduction + self.removal
        self.per_t = self.cost / self.abatement if self.abatement > 1e-12 else math.nan


def mac_curve(
    baseline: Scenario | Inventory,
    levers: Sequence[Lever],
    year: int,
    discount_rate: float,
    *,
    factors: FactorSet | None = None,
    scope2: str = "location",
    gwp: str | None = None,
    entity: str | None = None,
    instruments: Sequence[ContractualInstrument] = (),
    supplier_rates: Sequence[SupplierRate] = (),
    vintage_window: int | tuple[int, int] = 0,
    aggregate: bool = True,
    progress: bool | None = None,
) -> MacCurve:
    """The MAC curve of *levers* against *baseline* in *year* at *discount_rate*.

    Parameters
    ----------
    baseline : Scenario or Inventory
        A scenario (its inventory and factors for *year*, after its own levers)
        or an inventory with rows for *year* (then give *factors*).
    levers : sequence of Lever
        Each with :class:`~neutralcore.levers.Costs`.
    year : int
    discount_rate : float
        E.g. 0.08; must be above -100 %.
    scope2 : {"location", "market"}
        Which scope 2 figure abatement is measured on (contracts act on market-based only).
    aggregate : bool
        Sum the baseline's rows that agree on every column first (default
        True; the same figures, far fewer rows); done only when every lever
        is :attr:`~neutralcore.levers.Lever.row_independent`.
    progress : bool, optional
        Show a progress bar (``True``), never (``False``), or on an interactive terminal
        (``None``); it needs the ``progress`` extra (tqdm) and is silent without it.

    Raises
    ------
    ScenarioError
        Discount rate <= -100 %, a lever without costs, duplicate lever names,
        mixed currencies, no baseline rows for *year*.
    LeverError
        A lever cannot act on the baseline, neither alone nor after the other
        levers.  A lever that can act only after another (solar on a site
        that buys electricity only once its boilers are electrified) is
        measured after it, with no standalone figures, and the notes say so.
    """
    r = _rate(discount_rate)
    basis = scope2_method(scope2)
    y = year_of(year, "year")
    levers = list(levers)
    if not levers:
        raise ScenarioError("mac_curve needs at least one lever")
    for i, lv in enumerate(levers):
        if not isinstance(lv, Lever):
            raise ScenarioError(f"levers[{i}] is a {type(lv).__name__}, not a Lever")
        _costs_of(lv)
    names = [lv.name for lv in levers]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ScenarioError(f"lever names must be unique in a MAC curve; repeated: {dup} (set name=...)")
    currencies = sorted({_costs_of(lv).currency for lv in levers})
    if len(currencies) > 1:
        raise ScenarioError(f"levers are costed in several currencies {currencies}; convert them to one")

    if isinstance(baseline, Scenario):
        start = baseline.outcome(y)
        fs = baseline.factors_for(y)
        gwp = gwp or baseline.gwp
        entity = entity or baseline.entity
        instruments = tuple(instruments) + baseline.instruments
        supplier_rates = tuple(supplier_rates) + baseline.supplier_rates
        vintage_window = vintage_window or baseline.vintage_window
    elif isinstance(baseline, Inventory):
        if not isinstance(factors, FactorSet):
            raise ScenarioError("an Inventory baseline needs factors= (a FactorSet)")
        years = set(baseline.year.tolist())
        if y not in years:
            raise ScenarioError(f"the baseline has no rows for {y} (it holds {sorted(years)}); pass a Scenario to project it")
        start = Outcome(baseline if years == {y} else baseline.where(year=y))
        fs = factors
    else:
        raise ScenarioError(f"baseline must be a Scenario or an Inventory, got {type(baseline).__name__}")

    summed = aggregate and all(lv.row_independent for lv in levers)
    if summed:
        start = Outcome(aggregated(start.inventory), start.instruments, start.captures, start.removals)

    def evaluate(o: Outcome) -> ScenarioYear:
        return assess(o, fs, y, gwp=gwp, entity=entity, instruments=tuple(instruments),
                      supplier_rates=tuple(supplier_rates), vintage_window=vintage_window)

    base = evaluate(start)

    def step(lv: Lever, before: ScenarioYear, measured_at: int = 0) -> tuple[_Step | None, str]:
        try:
            after = before.outcome.then(lv, y)
            st = _Step(lv, before, evaluate(after), basis, r)
        except LeverError as exc:  # e.g. solar on a site that buys electricity only after a fuel switch
            return None, exc.message
        if summed:
            st.footprint = footprint(before.inventory, after.inventory, after.captures[len(before.outcome.captures):])
            st.measured_at = measured_at
        return st, ""

    def still_valid(st: _Step, since: Sequence[_Step]) -> bool:
        """Whether *st*, measured before the levers *since* were applied, would measure the same after them.

        Levers on disjoint rows cannot interact: emissions, captures and price savings are sums over rows.
        Market-based scope 2 with instruments or supplier rates couples every row of a market, so then
        nothing is reused.
        """
        if st.footprint is None:
            return False
        for p in since:
            if p.footprint is None or p.footprint & st.footprint:
                return False
            if basis == "market" and (instruments or supplier_rates or p.outcome.instruments or st.outcome.instruments):
                return False
        return True

    standalone: dict[str, _Step] = {}
    cannot_alone: dict[str, str] = {}
    # one step per lever measured alone, one per lever placed in the sequence
    shown = bar(2 * len(levers), f"MAC curve {y}: levers", progress=progress)
    for lv in levers:
        shown.update()
        st, why = step(lv, base)
        if st is None:
            cannot_alone[lv.name] = why
        else:
            standalone[lv.name] = st

    # greedy sequential order: the cheapest remaining lever given what is already done
    order: list[_Step] = []
    latest: dict[str, _Step] = dict(standalone)  # each lever's last measurement
    current = base
    remaining = list(levers)
    first = True
    while remaining:
        steps: list[_Step] = []
        blocked: dict[str, str] = {}
        for lv in remaining:
            if first:
                if lv.name in standalone:
                    steps.append(standalone[lv.name])
                else:
                    blocked[lv.name] = cannot_alone[lv.name]
                continue
            prev = latest.get(lv.name)
            if prev is not None and still_valid(prev, order[prev.measured_at:]):
                steps.append(prev)
                continue
            st, why = step(lv, current, len(order))
            if st is None:
                blocked[lv.name] = why
                latest.pop(lv.name, None)
            else:
                steps.append(st)
                latest[lv.name] = st
        first = False
        if not steps:
            name, why = next(iter(blocked.items()))
            raise LeverError(
                f"lever(s) {sorted(blocked)} cannot act on the baseline, alone or after the other levers "
                f"({name}: {why})",
                lever=name,
            )
        positive = [s for s in steps if s.abatement > 1e-12]
        pick = min(positive, key=lambda s: s.per_t) if positive else steps[0]
        if pick.before is not current:  # measured earlier and still valid: measure it on what is done now
            fresh, _why = step(pick.lever, current, len(order))
            if fresh is None:
                latest.pop(pick.lever.name, None)
                continue
            pick = fresh
        order.append(pick)
        shown.update()
        current = pick.result
        remaining = [lv for lv in remaining if lv is not pick.lever]

    shown.close()
    # rows with abatement first (greedy order), then the others
    good = [s for s in order if s.abatement > 1e-12]
    rest = [s for s in order if s.abatement <= 1e-12]
    cols: dict[str, list[Any]] = {c: [] for c in _COLUMNS}
    cumulative = 0.0
    notes: list[str] = []
    interacting = False
    for s in good + rest:
        alone = standalone.get(s.lever.name)
        if alone is None:
            notes.append(f"{s.lever.name}: cannot act alone ({cannot_alone[s.lever.name]}); measured only after the "
                         "levers before it, so it has no standalone figures")
        if s.abatement > 1e-12:
            cumulative += s.abatement
            status = "ok"
        elif abs(s.abatement) <= 1e-12:
            status = "no abatement: cost per tonne undefined (not divided)"
            own = {ins.label for ins in s.lever.instruments(start.inventory, y)}
            if basis == "location" and own:
                status += "; contracts act on market-based scope 2 only (use scope2='market')"
            elif own:  # say why the lever's instruments were not applied
                t = s.result.scope2.instruments
                status += "".join(f"; {lab} {st}: {why}" for lab, st, why in zip(t["instrument"], t["status"], t["reason"])
                                  if lab in own and st != "applied")
        else:
            status = "raises emissions: cost per tonne undefined"
        if alone is not None and not math.isclose(s.abatement, alone.abatement, rel_tol=1e-9, abs_tol=1e-6):
            interacting = True
            notes.append(f"{s.lever.name}: {s.abatement:,.3f} t/yr after the levers before it vs {alone.abatement:,.3f} "
                         "t/yr alone")
        for c, v in zip(_COLUMNS, (s.lever.name, s.lever.kind, s.abatement, s.reduction, s.removal, s.cost, s.per_t,
                                   s.annualised, s.costs.opex_delta, s.savings,
                                   alone.abatement if alone is not None else math.nan,
                                   alone.per_t if alone is not None else math.nan,
                                   cumulative, status)):
            cols[c].append(v)
    seq_sum = sum(s.abatement for s in order)
    alone_sum = sum(st.abatement for st in standalone.values())
    if seq_sum > alone_sum + 1e-6:
        notes.append(f"levers complement each other: sequential abatement {seq_sum:,.3f} t/yr exceeds the sum of "
                     f"standalone abatements {alone_sum:,.3f} t/yr")
    if good and any(b.per_t < a.per_t - 1e-9 for a, b in zip(good, good[1:])):
        notes.append("interactions make a later lever cheaper per tonne than an earlier one; the order is the greedy "
                     "cheapest-next order")
    if any(s.removal for s in order):
        notes.append("abatement_t includes removals (removal_t), which stay reported apart from emissions")
    table = MacCurve(
        {k: (np.array(v, dtype=float) if k not in ("lever", "kind", "status") else v) for k, v in cols.items()},
        title=f"MAC curve {y} ({currencies[0]}/t CO2e, discount rate {r:.1%}, scope 2 {basis}-based; sequential)",
    )
    table.year = y
    table.discount_rate = r
    table.currency = currencies[0]
    table.scope2 = basis
    table.baseline_t = base.total(basis)
    table.interacting = interacting
    table.notes = tuple(notes)
    return table


def _rate(value: Any) -> float:
    try:
        r = float(value)
    except (TypeError, ValueError):
        raise ScenarioError(f"discount rate must be a number, got {value!r}") from None
    if not math.isfinite(r) or r <= -1:
        raise ScenarioError(f"discount rate {value!r} must be above -100 % (e.g. 0.08 for 8 %)", value=value)
    return r
