"""One rule's result, for every rule check of the package: :class:`ClaimCheck`, :class:`CheckStatus`, :data:`EVIDENCE`.

No domain knowledge: a rule id, what it requires, pass / fail / warning, why,
where the rule comes from and how well that source is supported.  Claim
checks (:mod:`neutralcore.claim`) and target validation
(:mod:`neutralcore.reduce.targetcheck`) both report with it; it lives here so
that neither step imports the other.
"""

from __future__ import annotations

import enum
from typing import Iterable, Iterator, Literal

import attrs

__all__ = ["CheckStatus", "Evidence", "EVIDENCE", "ClaimCheck", "CheckList", "check_tuple"]

#: How well a rule's source is supported.
Evidence = Literal["P", "S", "S2+", "U", "C"]

#: What each :data:`Evidence` tag means, as the report states it.
EVIDENCE: dict[str, str] = {
    "P": "primary text or a faithful copy",
    "S": "rests on a single secondary summary, not the standard's own text",
    "S2+": "rests on secondary summaries, not the standard's own text",
    "U": "not verified in any source; a default to review",
    "C": "a constructed rule or user policy, not a requirement of a standard",
}


class CheckStatus(str, enum.Enum):
    """Outcome of one rule."""

    PASS = "pass"
    FAIL = "fail"
    WARNING = "warning"


def _str_tuple(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen
class ClaimCheck:
    """The result of one rule.

    Attributes
    ----------
    rule : str
        Rule id from :data:`neutralcore.claim.rules.RULES` (e.g. ``"ISO-CR-02"``;
        a suffix such as ``.period`` marks one of several checks drawn from
        one clause).  ``docs/claim-rules.md`` lists every rule with its source.
    title : str
        What the rule requires.
    status : CheckStatus
    reason : str
        Why it passed, failed or warned, with the numbers and the credit blocks concerned.
    source : str
        Where the rule comes from: publisher, document, clause, edition.
    evidence : str
        ``"P"``, ``"S"``, ``"S2+"``, ``"U"`` or ``"C"`` (see :data:`EVIDENCE`).
    credits : tuple of str
        Serials of the credit blocks the result concerns (failed or warned), if any.
    """

    rule: str
    title: str
    status: CheckStatus = attrs.field(converter=CheckStatus)
    reason: str
    source: str
    evidence: Evidence = attrs.field(validator=attrs.validators.in_(tuple(EVIDENCE)))
    credits: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)

    @property
    def secondary(self) -> bool:
        """Whether the rule rests only on secondary summaries of the standard."""
        return self.evidence in ("S", "S2+")

    @property
    def description(self) -> str:
        """Title, source and how well the source is supported, in one sentence."""
        return f"{self.title}. Source: {self.source} [{self.evidence}: {EVIDENCE[self.evidence]}]."

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict."""
        return {
            "rule": self.rule,
            "title": self.title,
            "status": self.status.value,
            "reason": self.reason,
            "source": self.source,
            "evidence": self.evidence,
            "description": self.description,
            "credits": list(self.credits),
        }


def check_tuple(values: Iterable[ClaimCheck]) -> tuple[ClaimCheck, ...]:
    """The checks of a result, as a tuple (an attrs converter)."""
    return tuple(values)


class CheckList:
    """What a result of rule checks offers (``ClaimResult``, ``TargetValidation``): iterate, look a rule up by
    its id, and the checks that failed, warned or passed.  The class defines ``checks``."""

    __slots__ = ()
    checks: tuple[ClaimCheck, ...]

    def __iter__(self) -> Iterator[ClaimCheck]:
        return iter(self.checks)

    def __len__(self) -> int:
        return len(self.checks)

    def __getitem__(self, rule: str) -> ClaimCheck:
        """The check whose rule id is *rule*."""
        for check in self.checks:
            if check.rule == rule:
                return check
        raise KeyError(rule)

    @property
    def ok(self) -> bool:
        """True when no check failed (warnings are for the report)."""
        return not self.failed

    @property
    def failed(self) -> tuple[ClaimCheck, ...]:
        return tuple(c for c in self.checks if c.status is CheckStatus.FAIL)

    @property
    def warnings(self) -> tuple[ClaimCheck, ...]:
        return tuple(c for c in self.checks if c.status is CheckStatus.WARNING)

    @property
    def passed(self) -> tuple[ClaimCheck, ...]:
        return tuple(c for c in self.checks if c.status is CheckStatus.PASS)
