"""Step 4, claim: footprint minus reductions minus retired credits, checked against a standard.

:class:`Balance` adds up what a claim stands on; :func:`check_claim` runs the
rules of the chosen standard and gives a :class:`ClaimResult`; :func:`render`
writes the report a person reads (Markdown, HTML or JSON).
"""

from neutralcore.claim.balance import (
    STANDARDS,
    Balance,
    CheckStatus,
    ClaimCheck,
    ClaimPolicy,
    ClaimResult,
    ReductionEvidence,
    SubjectType,
    check_claim,
)
from neutralcore.claim.report import CREDITS_WARNING, REPORT_FORMATS, render

__all__ = [
    "Balance",
    "ReductionEvidence",
    "ClaimPolicy",
    "ClaimCheck",
    "ClaimResult",
    "CheckStatus",
    "SubjectType",
    "STANDARDS",
    "check_claim",
    "render",
    "REPORT_FORMATS",
    "CREDITS_WARNING",
]
