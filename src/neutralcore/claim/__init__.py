"""Step 4, claim: footprint minus reductions minus retired credits, checked against a standard.

:class:`Balance` adds up what a claim stands on; :func:`check_claim` runs the
rules of the chosen standard (the table :data:`~neutralcore.claim.rules.RULES`,
listed with their sources in ``docs/claim-rules.md``) and gives a
:class:`ClaimResult`; :func:`render` writes the report a person reads
(Markdown, HTML or JSON).

Modules: :mod:`~neutralcore.claim.equation` (the figures and the balance
equation), :mod:`~neutralcore.claim.balance` (:class:`Balance`),
:mod:`~neutralcore.claim.policy` (standards, subject types, user policy,
reduction evidence), :mod:`~neutralcore.claim.declaration` (PAS 2060 and VCMI evidence), :mod:`~neutralcore.claim.assessment` (per-credit
findings), :mod:`~neutralcore.claim.rules` (the rules table),
:mod:`~neutralcore.claim.checks` (one function per rule),
:mod:`~neutralcore.claim.check` (:func:`check_claim`),
:mod:`~neutralcore.claim.result` (:class:`ClaimCheck`, :class:`ClaimResult`)
and :mod:`~neutralcore.claim.report`; national compliance in
:mod:`~neutralcore.claim.vietnam` (the GHG inventory obligation) and :mod:`~neutralcore.claim.china`
(the national ETS).
"""

from neutralcore.claim.balance import Balance
from neutralcore.claim.check import check_claim
from neutralcore.claim.china import EtsCompliance, check_ets
from neutralcore.claim.declaration import ClaimEvidence, EmissionSource, Materiality, QualifyingStatement, VcmiCriteria
from neutralcore.claim.policy import STANDARDS, ClaimPolicy, ReductionEvidence, SubjectType
from neutralcore.claim.report import CREDITS_WARNING, MAX_LISTED_BLOCKS, REPORT_FORMATS, render
from neutralcore.claim.result import CheckStatus, ClaimCheck, ClaimResult
from neutralcore.claim.vietnam import Facility, inventory_obligation, inventory_report

__all__ = [
    "Balance",
    "ReductionEvidence",
    "ClaimEvidence",
    "EmissionSource",
    "Materiality",
    "QualifyingStatement",
    "VcmiCriteria",
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
    "MAX_LISTED_BLOCKS",
    "EtsCompliance",
    "check_ets",
    "Facility",
    "inventory_obligation",
    "inventory_report",
]
