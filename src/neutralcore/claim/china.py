"""China's national carbon emission trading scheme: one covered entity's compliance for one year, rule by rule.

Rules, each cited (evidence in brackets):

* the emission report for year *Y* is submitted to the provincial
  ecology-environment authority before 31 March of *Y* + 1 — MEE, Measures
  for the Administration of Carbon Emission Trading (Trial), MEE Order No. 19
  (31 December 2020, in force 1 February 2021), Art. 25 [P: Chinese text];
* the verified emissions are the basis of the allowances due (Art. 26), and
  the entity surrenders allowances at least equal to them (Art. 28) [P];
* CCERs (China Certified Emission Reductions) may offset at most 5 % of the
  allowances due, and not from projects inside the national ETS's allowance
  management (Art. 29) [P];
* surrender by the deadline the ecology-environment authority sets for the
  cycle — Interim Regulations on the Administration of Carbon Emission
  Trading, State Council Decree No. 775 (adopted 5 January 2024, in force
  1 May 2024) [S2+]; the date is set per cycle by MEE notice, so it is an input.

Figures are t CO2e as plain ``float``.  The result is a
:class:`~neutralcore.claim.ClaimResult`, like a claim check's.

Examples
--------
>>> import datetime as dt
>>> c = EtsCompliance(2024, verified_emissions=1_000_000, allowances=950_000, ccer=50_000,
...                   reported_on=dt.date(2025, 3, 20), surrendered_on=dt.date(2025, 12, 15),
...                   deadline=dt.date(2025, 12, 31))
>>> c.max_ccer, c.min_allowances, c.balance
(50000.0, 950000.0, 0.0)
>>> check_ets(c).ok
True
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any

import attrs

from neutralcore._core.rulecheck import CheckStatus, ClaimCheck, Evidence
from neutralcore.claim.result import ClaimResult
from neutralcore.claim.text import tonnes
from neutralcore.errors import InputError

__all__ = ["EtsCompliance", "check_ets", "CCER_CAP", "ETS_RULES"]

PASS, FAIL, WARNING = CheckStatus.PASS, CheckStatus.FAIL, CheckStatus.WARNING

#: CCERs may offset at most this share of the allowances due (MEE Order No. 19, Art. 29).
CCER_CAP = 0.05

_MEASURES = ("Ministry of Ecology and Environment (MEE), Measures for the Administration of Carbon Emission Trading "
             "(Trial), MEE Order No. 19 (31 December 2020, in force 1 February 2021)")
_DECREE_775 = ("State Council, Interim Regulations on the Administration of Carbon Emission Trading, Decree No. 775 "
               "(adopted 5 January 2024, in force 1 May 2024), per secondary summaries")

#: id -> (title, source, evidence)
ETS_RULES: dict[str, tuple[str, str, Evidence]] = {
    "CN-ETS-REPORT": ("Emission report for the year submitted before 31 March of the next year",
                      f"{_MEASURES}, Art. 25 (Chinese text)", "P"),
    "CN-ETS-CCER-CAP": ("CCERs offset at most 5 % of the allowances due",
                        f"{_MEASURES}, Art. 29 (Chinese text)", "P"),
    "CN-ETS-CCER-SOURCE": ("CCERs not from projects inside the national ETS's allowance management",
                           f"{_MEASURES}, Art. 29 (Chinese text)", "P"),
    "CN-ETS-SURRENDER": ("Allowances and eligible CCERs surrendered at least equal the verified emissions",
                         f"{_MEASURES}, Arts. 26 and 28 (Chinese text); {_DECREE_775}", "P"),
    "CN-ETS-DEADLINE": ("Surrendered by the deadline set for the compliance cycle",
                        f"{_DECREE_775}; the date is set per cycle by MEE notice", "S2+"),
}


def _rule(rule_id: str, status: CheckStatus, reason: str) -> ClaimCheck:
    title, source, evidence = ETS_RULES[rule_id]
    return ClaimCheck(rule_id, title, status, reason, source, evidence)


def _tonnes(value: Any, name: str) -> float:
    if isinstance(value, bool):
        raise InputError(f"{name} must be a number of tonnes, got {value!r}", column=name)
    try:
        x = float(value)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be a number of tonnes, got {value!r}", column=name) from exc
    if not math.isfinite(x) or x < 0:
        raise InputError(f"{name} must be a finite number >= 0 (t CO2e), got {value!r}", column=name)
    return x


def _date(value: Any, name: str) -> _dt.date | None:
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise InputError(f"{name} must be a date or an ISO date string, got {value!r}", column=name) from exc


@attrs.frozen
class EtsCompliance:
    """One covered entity's compliance for one emissions year.

    Parameters
    ----------
    year : int
        The emissions year.
    verified_emissions : float
        Verified emissions (t CO2e): the allowances due.
    allowances, ccer : float
        Allowances and CCERs surrendered (t CO2e).
    ccer_from_covered_projects : float
        Of *ccer*, tonnes from projects inside the national ETS's allowance management (not eligible).
    reported_on, surrendered_on, deadline : date or ISO string, optional
        When the emission report was submitted, when the surrender was completed, and the cycle's
        surrender deadline (from the MEE notice).
    """

    year: int = attrs.field(converter=int)
    verified_emissions: float = attrs.field(kw_only=True, converter=lambda v: _tonnes(v, "verified_emissions"))
    allowances: float = attrs.field(kw_only=True, converter=lambda v: _tonnes(v, "allowances"))
    ccer: float = attrs.field(default=0.0, kw_only=True, converter=lambda v: _tonnes(v, "ccer"))
    ccer_from_covered_projects: float = attrs.field(
        default=0.0, kw_only=True, converter=lambda v: _tonnes(v, "ccer_from_covered_projects"))
    reported_on: _dt.date | None = attrs.field(default=None, kw_only=True,
                                                converter=lambda v: _date(v, "reported_on"))
    surrendered_on: _dt.date | None = attrs.field(default=None, kw_only=True,
                                                   converter=lambda v: _date(v, "surrendered_on"))
    deadline: _dt.date | None = attrs.field(default=None, kw_only=True, converter=lambda v: _date(v, "deadline"))

    def __attrs_post_init__(self) -> None:
        if self.ccer_from_covered_projects > self.ccer:
            raise InputError("ccer_from_covered_projects is more than the CCERs surrendered",
                             column="ccer_from_covered_projects")

    @property
    def report_due(self) -> _dt.date:
        """The last day the year's emission report may be submitted (before 31 March of the next year)."""
        return _dt.date(self.year + 1, 3, 31)

    @property
    def max_ccer(self) -> float:
        """At most this many CCERs count (5 % of the allowances due), t CO2e."""
        return CCER_CAP * self.verified_emissions

    @property
    def min_allowances(self) -> float:
        """At least this many allowances must be surrendered (the rest of the due after the CCER cap), t CO2e."""
        return self.verified_emissions - self.max_ccer

    @property
    def ccer_counted(self) -> float:
        """Eligible CCERs counted toward the surrender, up to the cap, t CO2e."""
        return min(self.ccer - self.ccer_from_covered_projects, self.max_ccer)

    @property
    def balance(self) -> float:
        """Allowances plus counted CCERs minus verified emissions: a surplus (> 0) or shortfall (< 0), t CO2e."""
        return self.allowances + self.ccer_counted - self.verified_emissions


def check_ets(c: EtsCompliance) -> ClaimResult:
    """Check one year's compliance in China's national ETS, every rule with its reason and source.

    Raises
    ------
    InputError
        When *c* is not an :class:`EtsCompliance`.
    """
    if not isinstance(c, EtsCompliance):
        raise InputError(f"check_ets needs an EtsCompliance, got {type(c).__name__}", column="compliance")
    checks = []
    due = c.report_due
    if c.reported_on is None:
        checks.append(_rule("CN-ETS-REPORT", FAIL, f"no report date given; the {c.year} report is due by {due}"))
    elif c.reported_on <= due:
        checks.append(_rule("CN-ETS-REPORT", PASS, f"reported on {c.reported_on}, by {due}"))
    else:
        days = (c.reported_on - due).days
        checks.append(_rule("CN-ETS-REPORT", FAIL, f"reported on {c.reported_on}: late, {days} day(s) after {due}"))
    over = c.ccer - c.ccer_from_covered_projects - c.max_ccer
    head = (f"{tonnes(c.ccer)} t CCER for {tonnes(c.verified_emissions)} t verified: at most "
            f"{tonnes(c.max_ccer)} t ({CCER_CAP:.0%})")
    checks.append(_rule("CN-ETS-CCER-CAP", FAIL if over > 1e-9 else PASS,
                        head + (f"; {tonnes(over)} t above the cap are not counted" if over > 1e-9 else "")))
    if c.ccer_from_covered_projects:
        checks.append(_rule("CN-ETS-CCER-SOURCE", FAIL, f"{tonnes(c.ccer_from_covered_projects)} t of CCERs come "
                                                        "from projects inside the ETS's allowance management and "
                                                        "are not counted"))
    elif c.ccer:
        checks.append(_rule("CN-ETS-CCER-SOURCE", PASS, "no CCERs from projects inside the ETS"))
    bal = c.balance
    text = (f"{tonnes(c.allowances)} t allowances + {tonnes(c.ccer_counted)} t CCER counted vs "
            f"{tonnes(c.verified_emissions)} t verified: ")
    checks.append(_rule("CN-ETS-SURRENDER", PASS if bal >= -1e-9 else FAIL,
                        text + (f"surplus {tonnes(bal)} t" if bal > 1e-9 else "met exactly" if bal >= -1e-9
                                else f"shortfall {tonnes(-bal)} t")))
    if c.deadline is None:
        checks.append(_rule("CN-ETS-DEADLINE", WARNING, "no surrender deadline given (set per cycle by MEE notice)"))
    elif c.surrendered_on is None:
        checks.append(_rule("CN-ETS-DEADLINE", FAIL, f"no surrender date given; the deadline is {c.deadline}"))
    elif c.surrendered_on <= c.deadline:
        checks.append(_rule("CN-ETS-DEADLINE", PASS, f"surrendered on {c.surrendered_on}, by {c.deadline}"))
    else:
        checks.append(_rule("CN-ETS-DEADLINE", FAIL, f"surrendered on {c.surrendered_on}: late, after {c.deadline}"))
    return ClaimResult("China national ETS", tuple(checks))
