"""The rules table: every rule :func:`~neutralcore.claim.check_claim` runs, with its title, source and evidence.

A rule's source names the original publisher, document, edition and clause
where one could be confirmed, and the secondary summary it was read through
where the standard's own text was not available (tagged ``S`` or ``S2+``).
``docs/claim-rules.md`` lists the same rules for readers; a test keeps the two
in step.  The checks themselves are in :mod:`neutralcore.claim.checks`.

Examples
--------
>>> RULES["ISO-CR-02"].title
'Credits retired within 12 months after the period end'
>>> [r.id for r in rules_for("net-zero")][-2:]
['SBT-NZ-01', 'SBT-NZ-01.permanence']
"""

from __future__ import annotations

from typing import Mapping

import attrs

from neutralcore._core.validators import FrozenMap
from neutralcore.claim.policy import ClaimPolicy, Standard
from neutralcore.claim.result import EVIDENCE, CheckStatus, ClaimCheck, Evidence

__all__ = ["Rule", "RULES", "rules_for", "NET_ZERO_NOTE", "applied_note"]

_BOTH: tuple[Standard, ...] = ("ISO 14068-1", "net-zero")
_ISO: tuple[Standard, ...] = ("ISO 14068-1",)
_NZ: tuple[Standard, ...] = ("net-zero",)
_PAS: tuple[Standard, ...] = ("PAS 2060",)
_VCMI: tuple[Standard, ...] = ("VCMI",)
_ALL: tuple[Standard, ...] = ("ISO 14068-1", "net-zero", "PAS 2060", "VCMI")
_CREDITS: tuple[Standard, ...] = _ALL  # credit rules every claim that uses credits runs

#: Appended to the source of an ISO 14068-1 credit rule when it is applied to a net-zero claim.
NET_ZERO_NOTE = " (an ISO 14068-1 credit rule, applied to net-zero claims as good practice)"


def applied_note(standard: Standard) -> str:
    """What is appended to an ISO 14068-1 rule's source when *standard*'s check runs it ('' for ISO 14068-1).

    >>> applied_note("VCMI")
    ' (an ISO 14068-1 rule, applied to VCMI claims as good practice)'
    """
    if standard == "net-zero":
        return NET_ZERO_NOTE
    if standard == "ISO 14068-1":
        return ""
    return f" (an ISO 14068-1 rule, applied to {standard} claims as good practice)"


@attrs.frozen
class Rule:
    """One rule of the table.

    Attributes
    ----------
    id : str
        The rule id checks report (``"ISO-CR-02"``).
    title : str
        What the rule requires, under the default policy.
    source : str
        Publisher, document, edition and clause the rule rests on.
    evidence : str
        How well the source is supported (see :data:`neutralcore.claim.result.EVIDENCE`).
    standards : tuple of str
        The standards whose check runs this rule.
    policy_title, policy_source, policy_evidence : str, optional
        Title, source and evidence when a :class:`~neutralcore.claim.ClaimPolicy`
        setting replaces the default; ``{field}`` is filled from the policy.
    """

    id: str
    title: str = attrs.field(validator=attrs.validators.min_len(1))
    source: str = attrs.field(validator=attrs.validators.min_len(1))
    evidence: Evidence = attrs.field(validator=attrs.validators.in_(tuple(EVIDENCE)))
    standards: tuple[Standard, ...] = _BOTH
    policy_title: str | None = None
    policy_source: str | None = None
    policy_evidence: Evidence | None = None

    def check(
        self,
        status: CheckStatus,
        reason: str,
        credits: tuple[str, ...] = (),
        *,
        policy: ClaimPolicy | None = None,
        note: str = "",
    ) -> ClaimCheck:
        """This rule's :class:`~neutralcore.claim.ClaimCheck`; *policy* when a user setting replaced the default."""
        title, source, evidence = self.title, self.source, self.evidence
        if policy is not None:
            fields = attrs.asdict(policy)
            title = (self.policy_title or title).format(**fields)
            source = (self.policy_source or source).format(**fields)
            evidence = self.policy_evidence or evidence
        return ClaimCheck(self.id, title, status, reason, source + note, evidence, credits)


_ISO11 = "ISO 14068-1:2023 §11 (carbon credits), as summarised by 360impactportfolio.com"
_SBTI = "SBTi Corporate Net-Zero Standard, version 1.0 (October 2021; revised to 1.2, March 2024)"

_PAS2060 = ("PAS 2060:2014 (BSI), Specification for the demonstration of carbon neutrality; superseded by ISO "
            "14068-1:2023")
_VCMI_CODE = "VCMI Claims Code of Practice, version 1.0 (June 2023; tiers unchanged in the 2025 edition v3.1)"

_TABLE = (
    Rule("ISO-CL-01", "The claim is made after the period has ended (an achieved claim, not a commitment)",
         "ISO 14068-1:2023 scope: requirements for carbon neutrality commitments and for making carbon neutrality "
         "claims are set out separately; claims are made ex-post for a completed period, per secondary summaries",
         "S", _ALL),
    Rule("DEF-06", "Net-zero claim for a territory uses the national (IPCC) framing",
         "IPCC glossary definition of net zero emissions (anthropogenic emissions balanced by anthropogenic "
         "removals), read through secondary summaries (Wikipedia)", "S", _NZ),
    Rule("ISO-SB-01", "The subject is an organisation or a product, not a territory",
         "ISO 14068-1:2023 scope text", "P", _ISO),
    Rule("ISO-SB-02", "The boundary is documented",
         "ISO 14068-1:2023, the subject's boundary and its documentation (clause not confirmed), per secondary "
         "summaries", "S"),
    Rule("GHG-SC-02", "Footprint reported by scope, with the GWP set and the Scope 2 basis stated",
         "GHG Protocol Corporate Accounting and Reporting Standard, revised edition (WRI/WBCSD 2004): scopes 1 "
         "and 2 reported separately, per secondary summaries; which Scope 2 figure enters E is fixed by no source "
         "found, hence disclosed", "S2+", _ALL),
    Rule("S2-DR-01", "Both Scope 2 totals (location- and market-based) reported where contractual instruments are used",
         "GHG Protocol Scope 2 Guidance (WRI/WBCSD 2015), chapter 7, §7.1 dual reporting, as reproduced by Deloitte "
         "DART (GHG Protocol reporting considerations, chapter 5) and Sumday", "P"),
    Rule("ISO-CR-04", "Credits are additional, permanent (or reversal risk mitigated) and conservatively quantified",
         "ISO 14068-1:2023 §11.2 credit criteria, as summarised by 360impactportfolio.com; ICVCM Core Carbon "
         "Principles (2023), CCP 5 additionality, CCP 6 permanence, CCP 7 robust quantification", "S"),
    Rule("ISO-QF-03", "Removals are quantified and reported separately from emissions; reversals count as emissions",
         "ISO 14068-1:2023 per Auditel (removals reported separately) and Compensate's summary of the ISO/DIS 14068 "
         "draft, April 2023 (a reversed removal counts as an emission)", "S"),
    Rule("ISO-MP-04", "Reductions are evident before offsets are used (absolute or intensity)",
         "ISO 14068-1:2023 scope: reductions and removal enhancements in the value chain take priority over "
         "offsetting; 'evidence of reductions before offsetting', per Auditel and Crown Oil; PAS 2060:2014 scope: "
         "an offset-only declaration only for the first period, a reduction evident in every later one", "S2+", _ISO),
    Rule("SBT-LT-01", "Long-term reduction of at least 90% below base reached",
         f"{_SBTI}, long-term science-based targets (at least 90 % cross-sector), per secondary summaries", "S2+", _NZ,
         policy_title="Long-term reduction of at least {net_zero_min_reduction:.0%} below base reached",
         policy_source=f"{_SBTI}, long-term science-based targets (at least 90 % cross-sector), per secondary "
                       "summaries; threshold set by user policy"),
    Rule("ISO-CR-01.beneficiary", "Credits retired on behalf of the claimant", _ISO11 + ", and others", "S2+",
         _CREDITS),
    Rule("ISO-CR-01.period", "Credits retired for this subject and period", _ISO11 + ", and others", "S2+",
         _CREDITS),
    Rule("ISO-CR-02", "Credits retired within 12 months after the period end",
         "ISO 14068-1:2023 §11.2 (12 months after the end of the reporting period), as summarised by "
         "360impactportfolio.com", "S",
         policy_title="Credits retired within {retirement_window_months} months after the period end",
         policy_source="user policy of {retirement_window_months} months (ISO 14068-1:2023 §11.2 says 12, per "
                       "360impactportfolio.com)",
         policy_evidence="C"),
    Rule("ISO-CR-03", "Credits are ex-post: vintage ended before issuance and retirement",
         "ISO 14068-1:2023 §11.1/§11.2 as summarised by 360impactportfolio.com; PAS 2060:2014 §9.1.2(d)", "S"),
    Rule("ISO-CR-07", "No serial is used twice",
         "no double counting: ISO 14068-1:2023 §11 and ICVCM Core Carbon Principles (2023) CCP 8, per secondary "
         "summaries; a registry serial identifies its credits uniquely (ICVCM CCP 2, tracking); implemented as a "
         "serial-overlap test", "C", _CREDITS),
    Rule("ISO-CR-07.ledger", "Every retirement comes from one OffsetLedger, whose overlap test covers it",
         "no double counting (ISO 14068-1:2023 §11, per secondary summaries); an OffsetLedger refuses a serial used "
         "twice, so a claim shows its credits passed that test by citing it", "C", _CREDITS),
    Rule("ISO-CR-02.early", "Credits retired during or after the period they are claimed for",
         "neutralcore's own caution (no source found that forbids it): a retirement dated before the period "
         "began was made before the footprint it offsets existed", "C"),
    Rule("ISO-CR-08", "Maximum vintage age (user policy, off)",
         "user policy, not a requirement of any standard: no maximum vintage age was found in ISO 14068-1:2023, "
         "PAS 2060:2014, the ICVCM Core Carbon Principles (2023) or the SBTi Corporate Net-Zero Standard", "C",
         policy_title="Vintage no older than {max_vintage_age_years} years (user policy)"),
    Rule("A6-02", "Host-country authorisation and corresponding adjustment recorded",
         "Paris Agreement (2015) Article 6; ISO 14068-1:2023 §11.1 note on corresponding adjustments (per "
         "360impactportfolio.com); no source makes it a requirement, so its absence is a warning", "S"),
    Rule("ISO-CR-05", "Credits come from a recognised crediting programme with third-party verification",
         "ISO 14068-1:2023 §11.3 programme criteria, per 360impactportfolio.com; PAS 2060:2014 Annex C "
         "(Table C.2, schemes presumed to conform)", "S", ("ISO 14068-1", "net-zero", "PAS 2060")),
    Rule("ISO-CR-06", "Removal credits and reduction/avoidance credits reported separately",
         "ISO 14068-1:2023 §11, per secondary summaries", "S"),
    Rule("BAL-01", "Residual emissions (E − R) fully balanced by eligible credits (C ≥ E − R)",
         "neutralcore's balance equation (neutralcore.claim.Balance), built on ISO 14068-1:2023's definition of "
         "carbon neutrality (terms and definitions, read in the scope text); the equation's form is constructed",
         "C", ("ISO 14068-1", "PAS 2060")),
    Rule("SBT-NZ-01", "Residual emissions balanced only by removal credits (removals ≥ E − R)",
         f"{_SBTI}: residual emissions neutralised by permanent carbon removals, per secondary summaries; avoidance "
         "credits therefore excluded (derived)", "S2+", _NZ),
    Rule("SBT-NZ-01.permanence", "Removal credits store carbon durably",
         f"{_SBTI}, 'permanent removals', per secondary summaries; permanence horizons are not harmonised across "
         "crediting programmes (ICVCM Core Carbon Principles (2023), CCP 6 permanence)", "S2+", _NZ,
         policy_source=f"{_SBTI}, 'permanent removals', per secondary summaries; permanence horizons are not "
                       "harmonised across crediting programmes (ICVCM Core Carbon Principles (2023), CCP 6 "
                       "permanence); minimum set by user policy",
         policy_evidence="C"),
    Rule("PAS-QF-01", "Sources are excluded from the footprint only below 1 % of it each",
         f"{_PAS2060}, clause 6 (quantification): all scope 1 and 2 emissions and every scope 3 source contributing "
         "more than 1 % of the total footprint included, per secondary summaries (NQA, Intercer, Wikipedia); the "
         "exact clause wording was not read", "S2+", _PAS),
    Rule("PAS-QF-01.coverage", "The footprint covers at least 95 % of the subject's emissions",
         f"{_PAS2060}, clause 6: at least 95 % of the carbon footprint quantified, per secondary summaries (NQA); "
         "the exact clause wording was not read", "S2+", _PAS),
    Rule("PAS-RD-01", "Reductions shown in every period after the first (absolute or intensity)",
         f"{_PAS2060}, clause 8 (achievement of GHG emission reductions): a declaration of achievement for the first "
         "period may rest on offsetting alone; later periods need evidence of reductions, absolute or intensity, "
         "per its table of contents and secondary summaries", "S2+", _PAS),
    Rule("PAS-DC-03", "A qualifying explanatory statement (QES) is published with the declaration's contents",
         f"{_PAS2060}, clause 10 and Annex B (QES checklists B.1 to B.3): the declaration, entity, method, "
         "management plan, offsets, validation type (independent third-party certification, other-party "
         "validation or self-validation), senior-management sign-off, public availability; field list per the "
         "annex titles and secondary summaries", "S", _PAS),
    Rule("PAS-WD-01", "PAS 2060 is in force for the period (superseded by ISO 14068-1:2023)",
         f"{_PAS2060}: withdrawn on 30 November 2025, 24 months after ISO 14068-1:2023 was published, per "
         "secondary summaries that agree", "S2+", _PAS),
    Rule("VCMI-FC-01", "A public annual GHG inventory covering scopes 1, 2 and 3",
         f"{_VCMI_CODE}, Foundational Criterion 1, per secondary summaries (Carbon Credit Markets, Sylvera, "
         "GreenCalculus)", "S2+", _VCMI),
    Rule("VCMI-FC-02", "Validated science-based near-term targets and a public net-zero commitment (2050 at the "
         "latest)", f"{_VCMI_CODE}, Foundational Criterion 2, per secondary summaries", "S2+", _VCMI),
    Rule("VCMI-FC-03", "On track toward the near-term target",
         f"{_VCMI_CODE}, Foundational Criterion 3 (demonstrate progress), per secondary summaries", "S2+", _VCMI),
    Rule("VCMI-FC-04", "Public-policy advocacy consistent with the Paris Agreement",
         f"{_VCMI_CODE}, Foundational Criterion 4, per secondary summaries", "S2+", _VCMI),
    Rule("VCMI-CR-01", "Retired credits are high-quality (ICVCM Core Carbon Principles)",
         f"{_VCMI_CODE}: credits meet the ICVCM Core Carbon Principles (2023), per secondary summaries", "S2+",
         _VCMI),
    Rule("VCMI-TIER", "Claim tier: credits retired cover at least 20 % (Silver), 60 % (Gold) or 100 % (Platinum) of "
         "remaining emissions", f"{_VCMI_CODE}, Carbon Integrity claims: Silver 20 % to under 60 %, Gold 60 % to "
         "under 100 %, Platinum 100 % or more of remaining emissions, per secondary summaries that agree (Sylvera, "
         "GreenCalculus); the provisional 2022 edition used other bands", "S2+", _VCMI),
)

#: Every rule by id, in the order the checks report them.
RULES: Mapping[str, Rule] = FrozenMap({r.id: r for r in _TABLE})


def rules_for(standard: Standard) -> tuple[Rule, ...]:
    """The rules a check of *standard* runs, in order."""
    return tuple(r for r in RULES.values() if standard in r.standards)
