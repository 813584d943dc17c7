"""One year of a scenario, and the trajectory of many.

:func:`assess` measures an :class:`~neutralcore.levers.Outcome` (the inventory
a year's levers leave, with their instruments, captures and removals) under
both scope 2 methods: a :class:`ScenarioYear`.  :class:`YearSummary` keeps what
trajectories and gaps read of it, and :class:`Trajectory` is the table of
years.

Reporting rules kept here:

* scope 1 is reported **after** capture (CCS), with the captured CO2 in its own
  column;
* removals (tree planting) are a separate column and are **never** subtracted
  from emissions, except by a target that says it is net (``Target.net``) or
  an explicit ``net=True``.

Examples
--------
>>> s = YearSummary({1: 10.0, 2: 5.0, 3: 1.0}, {1: 10.0, 2: 2.0, 3: 1.0}, 0.0, 3.0, ())
>>> s.total("market", (1, 2), net=False), s.total("location-based", (1, 2, 3), net=True)
(12.0, 13.0)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Sequence

import attrs
import numpy as np

from neutralcore._core.display import ROWS
from neutralcore.errors import ScenarioError
from neutralcore._core.table import Table
from neutralcore.levers import Outcome
from neutralcore.measure.basis import SCOPES, Scope, scope2_method
from neutralcore.measure.emissions import Emissions
from neutralcore.measure.factor import FactorSet
from neutralcore.measure.inventory import Inventory
from neutralcore.measure.scope2 import ContractualInstrument, Scope2Result, SupplierRate, market_based

if TYPE_CHECKING:
    from neutralcore.plotting import TargetPath

__all__ = ["ScenarioYear", "YearSummary", "Trajectory", "assess"]


@attrs.frozen(eq=False, repr=False)
class ScenarioYear:
    """One year of a scenario: its outcome and emissions under both scope 2 methods.

    The market-based figure (:attr:`scope2`) is worked out from the
    location-based emissions the first time it is asked for, by *market_of*.
    """

    year: int
    outcome: Outcome
    location: Emissions
    captured_t: float
    removals_t: float
    market_of: Callable[[Emissions], Scope2Result] = attrs.field(kw_only=True, repr=False)
    _cache: dict = attrs.field(factory=dict, kw_only=True, repr=False)

    @property
    def inventory(self) -> Inventory:
        return self.outcome.inventory

    @property
    def scope2(self) -> Scope2Result:
        """Both scope 2 figures, with the instruments table, fallbacks and disclosures."""
        hit = self._cache.get("scope2")
        if hit is None:
            hit = self._cache["scope2"] = self.market_of(self.location)
        return hit

    def emissions(self, scope2: str = "location") -> Emissions:
        """The :class:`~neutralcore.Emissions` (before capture) under *scope2* ``"location"`` or ``"market"``."""
        return self.location if scope2_method(scope2) == "location" else self.scope2.market

    def by_scope(self, scope2: str = "location") -> dict[Scope, float]:
        """t CO2e per scope (1, 2, 3), scope 1 after capture."""
        method = scope2_method(scope2)
        hit = self._cache.get(("by_scope", method))
        if hit is None:
            hit = self.emissions(method).by_scope()
            hit[1] -= self.captured_t
            self._cache[("by_scope", method)] = hit
        return dict(hit)

    def total(self, scope2: str = "location", *, scopes: Sequence[Scope] = SCOPES, net: bool = False) -> float:
        """t CO2e of *scopes* (after capture); minus removals only if *net* is asked for."""
        by = self.by_scope(scope2)
        return sum(by[s] for s in scopes) - (self.removals_t if net else 0.0)

    def summary(self) -> YearSummary:
        """What trajectories and gaps read of this year."""
        return YearSummary(self.by_scope("location"), self.by_scope("market"), self.captured_t, self.removals_t,
                           self.scope2.disclosures)


@attrs.frozen
class YearSummary:
    """One year reduced to what trajectories and gaps read: t CO2e per scope (scope 1 after capture)."""

    location: dict[Scope, float]
    market: dict[Scope, float]
    captured_t: float
    removals_t: float
    disclosures: tuple[str, ...]

    def total(self, scope2: str, scopes: Sequence[Scope], net: bool) -> float:
        """t CO2e of *scopes* under *scope2*, minus removals if *net*."""
        by = self.location if scope2_method(scope2) == "location" else self.market
        return sum(by[s] for s in scopes) - (self.removals_t if net else 0.0)


def assess(outcome: Outcome, factors: FactorSet, year: int, *, gwp: str | None = None,
           instruments: Sequence[ContractualInstrument] = (), supplier_rates: Sequence[SupplierRate] = (),
           entity: str | None = None, vintage_window: int | tuple[int, int] = 0) -> ScenarioYear:
    """Emissions of an :class:`Outcome` (location- and market-based, capture, removals)."""
    em = outcome.inventory.emissions(factors, gwp=gwp)
    every = tuple(instruments) + outcome.instruments
    rates = tuple(supplier_rates)

    def market_of(location: Emissions) -> Scope2Result:
        return market_based(location, instruments=every, supplier_rates=rates, entity=entity,
                            vintage_window=vintage_window, require_entity=False)

    return ScenarioYear(year, outcome, em, outcome.captured(em), outcome.removed(), market_of=market_of)


class Trajectory(Table):
    """Emissions per year per scope (t CO2e): ``year, scope1, scope2_location, scope2_market, scope3,
    total_location, total_market, captured_t, removals_t``.

    ``year`` is a list of ints, every other column a float array, one row per year in order.
    Totals are emissions only; removals are beside them, never subtracted.
    ``disclosures`` gathers the market-based scope 2 disclosures of its years
    (grid average used for want of a residual mix, instruments not applied and why).
    """

    disclosures: tuple[str, ...] = ()

    def _notes(self) -> list[str]:
        return [f"{len(self.disclosures)} market-based scope 2 disclosure(s): see .disclosures"] if self.disclosures else []

    def __repr__(self) -> str:
        return self.to_text(max_rows=ROWS, notes=self._notes())

    def _repr_html_(self) -> str:
        return self.to_html(max_rows=ROWS, notes=self._notes())

    def plot(self, target: "TargetPath | None" = None, *, scope2: str | None = None,
             scopes: Sequence[Scope] | None = None, ax: Any = None) -> Any:
        """Draw the emissions stacked by scope, removals below zero and *target*'s path; returns the Axes.

        With a target, its scopes and scope 2 basis are drawn (and, for a net target, the
        net line it is compared with), as :meth:`Scenario.gap` compares them.
        """
        from neutralcore.plotting import plot_trajectory

        basis = scope2_method(scope2 or getattr(target, "scope2", "location"))
        chosen = tuple(scopes) if scopes is not None else tuple(getattr(target, "scopes", SCOPES))
        if getattr(target, "kind", None) == "intensity":
            raise ScenarioError("an intensity target's path is per unit of output: use Scenario.plot(target)")
        return plot_trajectory(self, basis=basis, target=target, ax=ax, scopes=chosen,
                               net=bool(getattr(target, "net", False)))

    def total(self, scope2: str = "location") -> np.ndarray:
        """``total_location`` or ``total_market`` (t CO2e per year)."""
        return np.asarray(self["total_" + scope2_method(scope2)], dtype=float)
