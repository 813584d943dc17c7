"""Targets checked against a framework, rule by rule: :func:`validate_targets` and :class:`TargetValidation`.

Each rule is a row of :data:`TARGET_RULES` (id, what it requires, the document
and version it comes from, how well that source is supported) and its result
is a :class:`~neutralcore.claim.ClaimCheck`, the one rule-result type of the
package (defined in ``neutralcore._core.rulecheck`` so that this step need not
import ``claim``).  Frameworks:

* ``"SBTi near-term"``: SBTi Corporate Near-Term Criteria V5.2 (March 2024) —
  target year 5–10 years after submission, base year 2015 or later, ≥ 95 % of
  scopes 1+2 covered at ≥ 4.2 %/yr linear (1.5 °C), a scope 3 target when
  scope 3 is ≥ 40 % of scopes 1+2+3, covering ≥ 67 % of scope 3 at ≥ 2.5 %/yr
  linear (well-below 2 °C).
* ``"SBTi long-term"``: SBTi Corporate Net-Zero Standard V1.2 (March 2024) —
  ≥ 90 % cut by 2050 at the latest, ≥ 95 % of scopes 1+2 and ≥ 90 % of scope 3.

The criteria were read through secondary summaries that agree (evidence
``S2+``), not the criteria's own PDF; every check says so.  Linear rates are a
share of base-year emissions per year (``rate x years``), never compounded; a
compound or intensity path is compared by the cut it reaches by the target
year (an intensity target by the absolute cut its output series implies).

Examples
--------
>>> from neutralcore.reduce.target import Target
>>> by_scope = {1: 6_000.0, 2: 4_000.0, 3: 5_000.0}
>>> for ty in (2028, 2030, 2036):
...     v = Target.sbti(2023, 10_000, ty, submission_year=2024).validate(by_scope=by_scope)
...     print(ty, v["SBTi-NT-TIMEFRAME"].status.value)
2028 fail
2030 pass
2036 fail
"""

from __future__ import annotations

import math
import re
from typing import Iterable, Literal, Mapping, Protocol, Sequence

import attrs

from neutralcore._core.rulecheck import CheckList, CheckStatus, ClaimCheck, Evidence, check_tuple
from neutralcore._core.table import Table
from neutralcore.errors import ScenarioError

__all__ = ["Framework", "FRAMEWORKS", "TargetRule", "TARGET_RULES", "TargetValidation", "validate_targets",
           "framework_name"]

Framework = Literal["SBTi near-term", "SBTi long-term"]
FRAMEWORKS: tuple[Framework, ...] = ("SBTi near-term", "SBTi long-term")

PASS, FAIL, WARNING = CheckStatus.PASS, CheckStatus.FAIL, CheckStatus.WARNING

_NT = "SBTi Corporate Near-Term Criteria, version 5.2 (March 2024)"
_NZ = "SBTi Corporate Net-Zero Standard, version 1.2 (March 2024)"
_READ = ", per secondary summaries that agree (SBTi community forum, Sustainability Directory, Emitwise)"


class TargetLike(Protocol):
    """What the checks read from a :class:`~neutralcore.Target`."""

    @property
    def name(self) -> str: ...

    @property
    def base_year(self) -> int: ...

    @property
    def target_year(self) -> int: ...

    @property
    def reduction(self) -> float: ...

    @property
    def kind(self) -> str: ...

    @property
    def shape(self) -> str: ...

    @property
    def scopes(self) -> tuple[int, ...]: ...

    @property
    def coverage(self) -> float: ...

    @property
    def submission_year(self) -> int | None: ...

    @property
    def output(self) -> Mapping[int, float] | None: ...

    @property
    def metric(self) -> str | None: ...

    def absolute_reduction(self) -> float: ...


@attrs.frozen
class TargetRule:
    """One row of the target rules table."""

    id: str
    title: str
    source: str
    evidence: Evidence
    framework: Framework

    def check(self, status: CheckStatus, reason: str) -> ClaimCheck:
        return ClaimCheck(self.id, self.title, status, reason, self.source, self.evidence)


_TABLE = (
    TargetRule("SBTi-NT-TIMEFRAME", "Target year 5 to 10 years after the year of submission",
               f"{_NT}, timeframe: near-term targets cover a minimum of 5 and a maximum of 10 years from the date of "
               f"submission{_READ}", "S2+", "SBTi near-term"),
    TargetRule("SBTi-NT-BASEYEAR", "Base year no earlier than 2015",
               f"{_NT}, base year: no earlier than 2015{_READ}", "S2+", "SBTi near-term"),
    TargetRule("SBTi-NT-S12-COVERAGE", "Targets cover at least 95 % of company-wide scope 1 and 2 emissions",
               f"{_NT}, scope 1 and 2 boundary (95 % coverage){_READ}", "S2+", "SBTi near-term"),
    TargetRule("SBTi-NT-S12-AMBITION", "Scope 1 and 2 cut at least 4.2 % of base-year emissions per year, linear "
               "(1.5 °C)", f"{_NT}, scope 1 and 2 ambition: 1.5 °C, absolute contraction at a minimum 4.2 % linear "
               f"annual reduction{_READ}", "S2+", "SBTi near-term"),
    TargetRule("SBTi-NT-S3-REQUIRED", "A scope 3 target where scope 3 is at least 40 % of scopes 1+2+3",
               f"{_NT}, scope 3 screening: a near-term scope 3 target is required when scope 3 emissions are 40 % or "
               f"more of total scope 1, 2 and 3 emissions{_READ}", "S2+", "SBTi near-term"),
    TargetRule("SBTi-NT-S3-COVERAGE", "Scope 3 targets cover at least 67 % (two-thirds) of scope 3 emissions",
               f"{_NT}, scope 3 boundary (two-thirds coverage){_READ}", "S2+", "SBTi near-term"),
    TargetRule("SBTi-NT-S3-AMBITION", "Scope 3 cut at least 2.5 % of base-year emissions per year, linear "
               "(well-below 2 °C)", f"{_NT}, scope 3 ambition: at least well-below 2 °C, 2.5 % linear annual "
               f"reduction{_READ}", "S2+", "SBTi near-term"),
    TargetRule("SBTi-LT-YEAR", "Long-term target year 2050 at the latest",
               f"{_NZ}, long-term science-based targets: net zero by 2050 at the latest{_READ}", "S2+",
               "SBTi long-term"),
    TargetRule("SBTi-LT-REDUCTION", "Long-term cut of at least 90 % below the base year (cross-sector)",
               f"{_NZ}, long-term targets: at least 90 % absolute reduction (cross-sector pathway){_READ}", "S2+",
               "SBTi long-term"),
    TargetRule("SBTi-LT-S12-COVERAGE", "Long-term targets cover at least 95 % of scope 1 and 2 emissions",
               f"{_NZ}, long-term boundary (95 % of scopes 1 and 2){_READ}", "S2+", "SBTi long-term"),
    TargetRule("SBTi-LT-S3-COVERAGE", "Long-term targets cover at least 90 % of scope 3 emissions",
               f"{_NZ}, long-term boundary (90 % of scope 3){_READ}", "S2+", "SBTi long-term"),
)

#: Every target rule by id, in the order a validation reports them.
TARGET_RULES: Mapping[str, TargetRule] = {r.id: r for r in _TABLE}

#: Thresholds of the rules above (fractions; rates per year, linear).
NT_MIN_YEARS, NT_MAX_YEARS, NT_EARLIEST_BASE = 5, 10, 2015
S12_RATE, S3_RATE = 0.042, 0.025
S3_SHARE_TRIGGER, NT_S12_COVERAGE, NT_S3_COVERAGE = 0.40, 0.95, 0.67
LT_LATEST, LT_REDUCTION, LT_S12_COVERAGE, LT_S3_COVERAGE = 2050, 0.90, 0.95, 0.90


def framework_name(name: str) -> Framework:
    """The canonical framework name (``"sbti"``, ``"SBTi near term"`` → ``"SBTi near-term"``).

    >>> framework_name("SBTi net-zero")
    'SBTi long-term'
    """
    key = re.sub(r"[\s_\-:]+", "", str(name).lower())
    if key in ("sbti", "sbtinearterm", "nearterm"):
        return "SBTi near-term"
    if key in ("sbtilongterm", "longterm", "sbtinetzero", "netzero"):
        return "SBTi long-term"
    raise ScenarioError(f"unknown target framework {name!r}; use one of {', '.join(FRAMEWORKS)}", field="framework")


@attrs.frozen
class TargetValidation(CheckList):
    """Every rule of one framework checked on a company's targets; iterate for the checks.

    ``ok`` is true when no check failed (warnings are for the report).
    """

    framework: Framework
    checks: tuple[ClaimCheck, ...] = attrs.field(converter=check_tuple)

    def table(self) -> Table:
        """One row per rule: id, status, reason, source."""
        return Table({"rule": [c.rule for c in self.checks], "status": [c.status.value for c in self.checks],
                      "reason": [c.reason for c in self.checks], "source": [c.source for c in self.checks]},
                     title=f"Targets checked against {self.framework}")

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict."""
        return {"framework": self.framework, "ok": self.ok, "checks": [c.to_dict() for c in self.checks]}

    def __repr__(self) -> str:
        return self.table().to_text(max_rows=None)


def _by_scope(value: Mapping[int, float]) -> dict[int, float]:
    if not isinstance(value, Mapping):
        raise ScenarioError(f"by_scope must be a mapping {{scope: t CO2e}}, got {type(value).__name__}",
                            field="by_scope")
    out = {1: 0.0, 2: 0.0, 3: 0.0}
    for k, v in value.items():
        try:
            key = int(str(k).lower().replace("scope", "").strip())
        except ValueError as exc:
            raise ScenarioError(f"by_scope key {k!r} is not scope 1, 2 or 3", field="by_scope") from exc
        if key not in out:
            raise ScenarioError(f"by_scope key {k!r} is not scope 1, 2 or 3", field="by_scope")
        x = float(v)
        if not math.isfinite(x) or x < 0:
            raise ScenarioError(f"by_scope[{k!r}] = {v!r} must be a finite number >= 0", field="by_scope")
        out[key] = x
    if out[1] + out[2] + out[3] <= 0:
        raise ScenarioError("by_scope gives no emissions; pass the base-year emissions by scope (t CO2e)",
                            field="by_scope")
    return out


def _worst(items: Sequence[tuple[CheckStatus, str]]) -> tuple[CheckStatus, str]:
    status = FAIL if any(s is FAIL for s, _ in items) else WARNING if any(s is WARNING for s, _ in items) else PASS
    return status, "; ".join(r for _, r in items)


def _covered(targets: Sequence[TargetLike], scope: int) -> float:
    return max((t.coverage for t in targets if scope in t.scopes), default=0.0)


def _cut(t: TargetLike) -> tuple[float | None, str]:
    """The cut the target reaches by its target year, and how it was read (None: cannot be told)."""
    if t.kind == "intensity":
        if not t.output:
            return None, "an intensity target without an output series: the absolute cut it implies is unknown"
        return t.absolute_reduction(), f"absolute cut implied by the intensity path and the {t.metric} series"
    return t.reduction, ("compound path" if t.shape == "compound" else "linear path")


def _ambition(targets: Sequence[TargetLike], rate: float, what: str) -> tuple[CheckStatus, str]:
    out = []
    for t in targets:
        years = t.target_year - t.base_year
        need = min(rate * years, 1.0)
        cut, how = _cut(t)
        if cut is None:
            out.append((WARNING, f"{t.name}: {how}; pass output= to check it"))
            continue
        ok = cut >= need - 1e-12
        line = (f"{t.name}: {cut:.1%} cut {t.base_year}-{t.target_year} ({how}) vs {need:.1%} required "
                f"({rate:.1%} x {years} years, {what})")
        if t.shape == "pathway":
            line += "; an SDA pathway supplied by the user: check it is the sector's published pathway"
            out.append((PASS if ok else WARNING, line))
        else:
            out.append((PASS if ok else FAIL, line))
    return _worst(out)


def validate_targets(targets: Iterable[TargetLike], *, framework: str = "SBTi near-term",
                     by_scope: Mapping[int, float], submission_year: int | None = None) -> TargetValidation:
    """Check a company's targets against *framework*, every rule with its reason and source.

    Parameters
    ----------
    targets : iterable of Target
        The company's targets of that horizon (e.g. one for scopes 1+2, one for scope 3).
    framework : {"SBTi near-term", "SBTi long-term"}
    by_scope : mapping
        Base-year emissions by scope, t CO2e (``{1: ..., 2: ..., 3: ...}``): the 40 % scope 3 test and
        the coverage rules read it.
    submission_year : int, optional
        Year of submission for validation; default each target's ``submission_year``.

    Raises
    ------
    ScenarioError
        No target; a near-term check without a submission year (``field="submission_year"``); bad
        *by_scope* (``field="by_scope"``); an unknown framework (``field="framework"``).

    Examples
    --------
    Scope 3 is 60 % of the total, so a scope 3 target is required:

    >>> from neutralcore.reduce.target import Target
    >>> s12 = Target.sbti(2023, 4_000, 2030, submission_year=2024)
    >>> v = validate_targets([s12], by_scope={1: 3_000, 2: 1_000, 3: 6_000})
    >>> v.ok, v["SBTi-NT-S3-REQUIRED"].reason
    (False, 'scope 3 is 60.0% of scopes 1+2+3 (6,000 of 10,000 t): a scope 3 target is required; none is given')
    """
    fw = framework_name(framework)
    ts = list(targets)
    if not ts:
        raise ScenarioError("validate_targets needs at least one Target", field="targets")
    scopes = _by_scope(by_scope)
    rules = TARGET_RULES
    checks: list[ClaimCheck] = []
    s12 = [t for t in ts if 1 in t.scopes or 2 in t.scopes]
    s3 = [t for t in ts if 3 in t.scopes]
    e12, e3 = scopes[1] + scopes[2], scopes[3]
    cov12 = ((_covered(ts, 1) * scopes[1] + _covered(ts, 2) * scopes[2]) / e12) if e12 > 0 else 1.0
    cov3 = _covered(ts, 3)
    if fw == "SBTi near-term":
        lines = []
        for t in ts:
            sub = submission_year if submission_year is not None else t.submission_year
            if sub is None:
                raise ScenarioError(f"target {t.name!r}: SBTi near-term criteria count 5-10 years from the year of "
                                    "submission; give submission_year=", field="submission_year", target=t.name)
            span = t.target_year - int(sub)
            ok = NT_MIN_YEARS <= span <= NT_MAX_YEARS
            lines.append((PASS if ok else FAIL, f"{t.name}: {t.target_year} is {span} years after submission in "
                                                 f"{int(sub)}" + ("" if ok else " (5-10 required)")))
        checks.append(rules["SBTi-NT-TIMEFRAME"].check(*_worst(lines)))
        lines = [(PASS if t.base_year >= NT_EARLIEST_BASE else FAIL, f"{t.name}: base year {t.base_year}")
                 for t in ts]
        checks.append(rules["SBTi-NT-BASEYEAR"].check(*_worst(lines)))
        if not s12:
            checks.append(rules["SBTi-NT-S12-COVERAGE"].check(FAIL, "no target covers scope 1 or 2"))
        else:
            ok = cov12 >= NT_S12_COVERAGE - 1e-12
            checks.append(rules["SBTi-NT-S12-COVERAGE"].check(
                PASS if ok else FAIL, f"{cov12:.1%} of scope 1+2 emissions ({e12:,.0f} t) covered"
                + ("" if ok else f", {NT_S12_COVERAGE:.0%} required")))
            checks.append(rules["SBTi-NT-S12-AMBITION"].check(*_ambition(s12, S12_RATE, "1.5 °C")))
        total = e12 + e3
        share = e3 / total
        required = share >= S3_SHARE_TRIGGER - 1e-12
        head = f"scope 3 is {share:.1%} of scopes 1+2+3 ({e3:,.0f} of {total:,.0f} t)"
        if required and not s3:
            checks.append(rules["SBTi-NT-S3-REQUIRED"].check(FAIL, f"{head}: a scope 3 target is required; none is "
                                                                    "given"))
        else:
            checks.append(rules["SBTi-NT-S3-REQUIRED"].check(
                PASS, f"{head}: " + ("a scope 3 target is required and given" if required else
                                     f"below {S3_SHARE_TRIGGER:.0%}, no scope 3 target required")))
        if s3:
            ok = cov3 >= NT_S3_COVERAGE - 1e-12
            checks.append(rules["SBTi-NT-S3-COVERAGE"].check(
                PASS if ok else FAIL, f"{cov3:.1%} of scope 3 covered" + ("" if ok else f", {NT_S3_COVERAGE:.0%} "
                                                                         "required")))
            s3_only = [t for t in s3 if not (1 in t.scopes or 2 in t.scopes)]
            if s3_only:
                checks.append(rules["SBTi-NT-S3-AMBITION"].check(*_ambition(s3_only, S3_RATE, "well-below 2 °C")))
    else:
        lines = [(PASS if t.target_year <= LT_LATEST else FAIL, f"{t.name}: target year {t.target_year}") for t in ts]
        checks.append(rules["SBTi-LT-YEAR"].check(*_worst(lines)))
        lines = []
        for t in ts:
            cut, how = _cut(t)
            if cut is None:
                lines.append((WARNING, f"{t.name}: {how}"))
            else:
                ok = cut >= LT_REDUCTION - 1e-12
                lines.append((PASS if ok else FAIL, f"{t.name}: {cut:.1%} cut by {t.target_year} ({how})"
                              + ("" if ok else f", {LT_REDUCTION:.0%} required")))
        checks.append(rules["SBTi-LT-REDUCTION"].check(*_worst(lines)))
        ok = bool(s12) and cov12 >= LT_S12_COVERAGE - 1e-12
        checks.append(rules["SBTi-LT-S12-COVERAGE"].check(
            PASS if ok else FAIL, f"{cov12 if s12 else 0.0:.1%} of scope 1+2 emissions covered"
            + ("" if ok else f", {LT_S12_COVERAGE:.0%} required")))
        if e3 > 0:
            ok = cov3 >= LT_S3_COVERAGE - 1e-12
            checks.append(rules["SBTi-LT-S3-COVERAGE"].check(
                PASS if ok else FAIL, f"{cov3:.1%} of scope 3 emissions ({e3:,.0f} t) covered"
                + ("" if ok else f", {LT_S3_COVERAGE:.0%} required")))
    return TargetValidation(fw, tuple(checks))
