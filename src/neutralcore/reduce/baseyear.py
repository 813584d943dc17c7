"""The base year and its recalculation policy (GHG Protocol Corporate Standard, revised edition 2004, chapter 5).

A company tracks its emissions against a base year.  Chapter 5 ("Tracking
Emissions Over Time") has the base year recalculated when changes that
transfer emissions into or out of the boundary, or change how they are
counted, are significant, alone or cumulatively:

* **structural changes**: acquisitions and divestments (mergers included),
  outsourcing and insourcing of emitting activities;
* **changes in calculation methodology or emission factors**, and the
  **discovery of significant errors** (or of several errors that together are
  significant).

It is **not** recalculated for organic growth or decline (changes in output,
closures and openings of facilities the company owned), nor for facilities
that did not exist in the base year.  The significance threshold is the
company's own choice, stated in its recalculation policy; chapter 5 sets no
number.  5 % is common practice (CDP's guidance asks for the threshold; the
SBTi Corporate Near-Term Criteria V5.2 (2024) recalculate targets on changes
of 5 % or more), so :class:`RecalculationPolicy` defaults to it and says so.

Examples
--------
>>> by = BaseYear(2020, 100_000)
>>> r = by.recalculate([BaseYearChange("acquisition", 2022, 8_000, "plant Z"),
...                     BaseYearChange("divestment", 2023, 3_000, "depot"),
...                     BaseYearChange("organic", 2023, 12_000, "output +12 %")])
>>> r.base_emissions, [c.decision for c in r.records]
(108000.0, ['recalculated', 'below threshold', 'not a trigger'])
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Literal, get_args

import attrs

from neutralcore._core.table import Table
from neutralcore.errors import ScenarioError
from neutralcore.reduce.inputs import year_of

__all__ = ["ChangeKind", "CHANGE_KINDS", "BaseYearChange", "RecalculationPolicy", "BaseYear", "Recalculation",
           "RecalculationRecord", "BASE_YEAR_SOURCE"]

#: What happened: structural changes, corrections, or organic growth (never a trigger).
ChangeKind = Literal["acquisition", "divestment", "outsourcing", "insourcing", "methodology", "factor", "error",
                     "organic"]
CHANGE_KINDS: tuple[ChangeKind, ...] = get_args(ChangeKind)

_ADDS = ("acquisition", "insourcing")
_REMOVES = ("divestment", "outsourcing")
_CORRECTIONS = ("methodology", "factor", "error")

BASE_YEAR_SOURCE = ("GHG Protocol Corporate Accounting and Reporting Standard, revised edition (WRI/WBCSD 2004), "
                    "chapter 5, Tracking Emissions Over Time: base-year emissions recalculated for structural changes, "
                    "changes in methodology or emission factors and significant errors, individually or cumulatively "
                    "significant; not for organic growth or decline")
THRESHOLD_SOURCE = ("the company's recalculation policy (GHG Protocol Corporate Standard 2004, ch. 5, sets no number); "
                    "5 % is common practice (SBTi Corporate Near-Term Criteria V5.2, 2024, target recalculation; CDP "
                    "guidance), read through secondary summaries")


def _nonneg_or_signed(inst: Any, attr: Any, value: float | None) -> None:
    if value is None:
        raise ScenarioError(f"a {inst.kind} change needs its base-year emissions (emissions=, t CO2e in the base "
                            "year)", field="emissions")
    if not math.isfinite(value):
        raise ScenarioError(f"{inst.kind} change: emissions must be finite, got {value!r}", field="emissions")
    if inst.kind in _ADDS + _REMOVES and value < 0:
        raise ScenarioError(f"{inst.kind} change: emissions is the base-year emissions of the operation moved, "
                            f"a number >= 0 (the kind sets the direction), got {value:g}", field="emissions")


def _opt_float(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ScenarioError(f"emissions must be a number, got {value!r}", field="emissions")
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise ScenarioError(f"emissions must be a number, got {value!r}", field="emissions") from exc


def _kind(value: Any) -> ChangeKind:
    key = str(value).strip().lower()
    aliases = {"merger": "acquisition", "acquire": "acquisition", "divest": "divestment", "sale": "divestment",
               "emission factor": "factor", "factors": "factor", "growth": "organic", "decline": "organic",
               "organic growth": "organic", "organic decline": "organic", "correction": "error"}
    key = aliases.get(key, key)
    if key not in CHANGE_KINDS:
        raise ScenarioError(f"unknown base-year change {value!r}; use one of {', '.join(CHANGE_KINDS)}", field="kind")
    return key  # type: ignore[return-value]


@attrs.frozen
class BaseYearChange:
    """One change that may move base-year emissions.

    Parameters
    ----------
    kind : str
        ``"acquisition"``, ``"insourcing"`` (add the operation's base-year emissions),
        ``"divestment"``, ``"outsourcing"`` (remove them), ``"methodology"``, ``"factor"``,
        ``"error"`` (a signed correction of base-year emissions) or ``"organic"``
        (growth or decline: recorded, never a trigger).
    year : int
        When it happened.
    emissions : float
        t CO2e: the base-year emissions of the operation moved (>= 0), or the signed change of
        base-year emissions a correction makes; for organic growth, the change in emissions.
    description : str
    """

    kind: ChangeKind = attrs.field(converter=_kind)
    year: int = attrs.field(converter=lambda v: year_of(v, "change year"))
    emissions: float | None = attrs.field(converter=_opt_float, validator=_nonneg_or_signed)
    description: str = attrs.field(default="", converter=str)

    @property
    def delta(self) -> float:
        """Signed change of base-year emissions this change would make, t CO2e (0 for organic growth)."""
        assert self.emissions is not None
        if self.kind in _REMOVES:
            return -self.emissions
        if self.kind == "organic":
            return 0.0
        return self.emissions


def _threshold(inst: Any, attr: Any, value: float) -> None:
    if not (math.isfinite(value) and 0.0 < value < 1.0):
        raise ScenarioError(f"significance threshold {value!r} must be a fraction between 0 and 1 (0.05 for 5 %)",
                            field="threshold")


@attrs.frozen
class RecalculationPolicy:
    """When base-year emissions are recalculated.

    Parameters
    ----------
    threshold : float
        Significance threshold: the cumulative change since the last recalculation, as a fraction of
        the base-year emissions, at or above which the base year is recalculated.  Default 0.05; the
        GHG Protocol leaves the number to the company (see :data:`THRESHOLD_SOURCE`).
    cumulate : {"net", "gross"}
        Add the pending changes' signed deltas (``"net"``) or their sizes (``"gross"``, stricter: an
        acquisition and a divestment of the same size still count).
    """

    threshold: float = attrs.field(default=0.05, converter=float, validator=_threshold)
    cumulate: Literal["net", "gross"] = attrs.field(default="net", validator=attrs.validators.in_(("net", "gross")))

    @property
    def source(self) -> str:
        return f"{THRESHOLD_SOURCE}; threshold {self.threshold:.1%}, {self.cumulate} cumulation"


@attrs.frozen
class RecalculationRecord:
    """What was decided about one change, and why."""

    change: BaseYearChange
    decision: Literal["recalculated", "below threshold", "not a trigger"]
    cumulative: float
    base_before: float
    base_after: float
    reason: str


@attrs.frozen
class Recalculation:
    """The base year after a series of changes: the emissions, each decision and its reason."""

    base_year: int
    original_emissions: float
    base_emissions: float
    policy: RecalculationPolicy
    records: tuple[RecalculationRecord, ...]

    @property
    def recalculated(self) -> bool:
        return any(r.decision == "recalculated" for r in self.records)

    @property
    def flagged(self) -> tuple[RecalculationRecord, ...]:
        """Changes below the threshold: recalculation allowed, not required; disclose them."""
        return tuple(r for r in self.records if r.decision == "below threshold")

    def table(self) -> Table:
        """One row per change: year, kind, t CO2e, cumulative share, decision, base before and after, reason."""
        rs = self.records
        return Table({
            "year": [r.change.year for r in rs], "kind": [r.change.kind for r in rs],
            "description": [r.change.description for r in rs], "change_t": [float(r.change.delta) for r in rs],
            "cumulative": [r.cumulative for r in rs], "decision": [r.decision for r in rs],
            "base_before_t": [r.base_before for r in rs], "base_after_t": [r.base_after for r in rs],
            "reason": [r.reason for r in rs],
        }, title=f"Base year {self.base_year}: {self.original_emissions:,.0f} t → {self.base_emissions:,.0f} t CO2e")

    def __repr__(self) -> str:
        return self.table().to_text()


@attrs.frozen
class BaseYear:
    """A base year, its emissions (t CO2e) and the policy that says when they are recalculated.

    Raises
    ------
    ScenarioError
        Missing or negative base-year emissions (``field="emissions"``), a bad year or threshold.
    """

    year: int = attrs.field(converter=lambda v: year_of(v, "base year"))
    emissions: float | None = attrs.field(converter=_opt_float)
    policy: RecalculationPolicy = attrs.field(factory=RecalculationPolicy, kw_only=True)

    def __attrs_post_init__(self) -> None:
        e = self.emissions
        if e is None or not math.isfinite(e) or e <= 0:
            raise ScenarioError(f"base year {self.year} needs its emissions (t CO2e, > 0) before it can be "
                                f"recalculated, got {e!r}", field="emissions")
        if not isinstance(self.policy, RecalculationPolicy):
            raise ScenarioError(f"policy must be a RecalculationPolicy, got {type(self.policy).__name__}",
                                field="policy")

    def significance(self, delta: float) -> float:
        """*delta* (t CO2e) as a share of the base-year emissions."""
        assert self.emissions is not None
        return abs(float(delta)) / self.emissions

    def recalculate(self, changes: Iterable[BaseYearChange]) -> Recalculation:
        """Apply *changes* in year order under the policy.

        Changes below the threshold are pending: they are flagged (``"below threshold"``,
        recalculation allowed, not required) and count toward the cumulative change; when the
        cumulative change reaches the threshold, the base year is recalculated with every pending
        change.  Organic growth or decline is recorded and never counted.
        """
        items = list(changes)
        for i, c in enumerate(items):
            if not isinstance(c, BaseYearChange):
                raise ScenarioError(f"changes[{i}] is a {type(c).__name__}, not a BaseYearChange", field="changes")
            if c.year < self.year:
                raise ScenarioError(f"a {c.kind} change in {c.year} is before the base year {self.year}",
                                    field="year")
        assert self.emissions is not None
        base = self.emissions
        pending: list[BaseYearChange] = []
        records: list[RecalculationRecord] = []
        pol = self.policy
        for c in sorted(items, key=lambda c: c.year):
            if c.kind == "organic":
                records.append(RecalculationRecord(c, "not a trigger", 0.0, base, base,
                                                   "organic growth or decline: not recalculated (GHG Protocol "
                                                   "Corporate Standard 2004, ch. 5)"))
                continue
            pending.append(c)
            deltas = [p.delta for p in pending]
            size = abs(sum(deltas)) if pol.cumulate == "net" else sum(abs(d) for d in deltas)
            share = size / base if base > 0 else math.inf
            if share >= pol.threshold - 1e-12:
                after = base + sum(deltas)
                if after < 0:
                    raise ScenarioError(f"{c.kind} change in {c.year} would leave the base year below zero "
                                        f"({after:,.0f} t CO2e)", field="emissions")
                others = [f"{p.kind} {p.year}" for p in pending[:-1]]
                reason = (f"cumulative change {share:.1%} of base-year emissions reaches the {pol.threshold:.1%} "
                          f"threshold: base year recalculated by {sum(deltas):+,.0f} t"
                          + (f" (with the earlier {', '.join(others)})" if others else ""))
                records.append(RecalculationRecord(c, "recalculated", share, base, after, reason))
                base, pending = after, []
            else:
                records.append(RecalculationRecord(
                    c, "below threshold", share, base, base,
                    f"cumulative change {share:.1%} is below the {pol.threshold:.1%} threshold: no recalculation "
                    "required (allowed; disclose it)"))
        return Recalculation(self.year, self.emissions, base, pol, tuple(records))
