"""One function per rule of :data:`~neutralcore.claim.rules.RULES`: each turns a claim into its :class:`ClaimCheck`.

Every function takes a :class:`Claim` (the balance, the standard and the
assessment date) and returns the check, or ``None`` where the rule does not
apply to that claim (e.g. ``ISO-CR-04`` without credits).  Titles, sources and
evidence come from the rules table; the functions supply status and reason.
"""

from __future__ import annotations

import datetime as _dt
from typing import Callable, Mapping

import attrs

from neutralcore._core.validators import FrozenMap
from neutralcore.claim.equation import BalanceEquation
from neutralcore.claim.policy import NET_ZERO_MIN_REDUCTION, RETIREMENT_WINDOW_MONTHS, Standard, SubjectType
from neutralcore.claim.result import CheckStatus, ClaimCheck
from neutralcore.claim.rules import RULES, applied_note
from neutralcore.claim.text import blocks_reason, tonnes
from neutralcore.offsets import CorrespondingAdjustment, CreditKind, Programme, RemovalType

__all__ = ["Claim", "CHECKS"]

PASS, FAIL, WARNING = CheckStatus.PASS, CheckStatus.FAIL, CheckStatus.WARNING

#: PAS 2060:2014 materiality: a source may be left out only below this share, and this much must be covered.
PAS_MAX_EXCLUSION, PAS_MIN_COVERAGE = 0.01, 0.95
#: PAS 2060 withdrawn (secondary summaries that agree).
PAS_WITHDRAWN = _dt.date(2025, 11, 30)
#: VCMI Claims Code tiers: share of remaining emissions covered by high-quality retired credits, highest first.
VCMI_TIERS: tuple[tuple[str, float], ...] = (("Platinum", 1.0), ("Gold", 0.6), ("Silver", 0.2))
_NO_CREDITS = "no credits offered"


@attrs.frozen
class Claim:
    """What a check looks at: the balance, the standard it is checked against and the assessment date."""

    balance: BalanceEquation
    standard: Standard
    as_of: _dt.date

    @property
    def net_zero(self) -> bool:
        return self.standard == "net-zero"

    @property
    def credit_note(self) -> str:
        """Appended to an ISO 14068-1 rule's source in a net-zero, PAS 2060 or VCMI check."""
        return applied_note(self.standard)


def _per_block(c: Claim, rule_id: str, *, policy: bool = False, iso_rule: bool = True) -> ClaimCheck:
    """A credit rule's check from the per-block findings: fail if any block fails, else warn if any warns.

    *policy*: a user setting replaced the rule's default; *iso_rule*: an ISO
    14068-1 credit rule, so a net-zero check says it is applied as good practice.
    """
    b, rule = c.balance, RULES[rule_id]
    pol = b.policy if policy else None
    note = c.credit_note if iso_rule else ""
    credits = b.assessment.credits
    if not credits:
        return rule.check(PASS, _NO_CREDITS, policy=pol, note=note)
    flags = b.assessment.flags.get(rule_id, ())
    if not flags:
        return rule.check(PASS, f"all {len(credits)} credit block(s) pass", policy=pol, note=note)
    status = FAIL if any(s is FAIL for _, s, _ in flags) else WARNING
    bad = [(credits[i], finding) for i, _, finding in flags]
    reason = blocks_reason(bad)
    if status is FAIL:
        reason += ". These credits are not counted in C"
    return rule.check(status, reason, b.assessment.names_of([r for r, _ in bad]), policy=pol, note=note)


def claim_after_period(c: Claim) -> ClaimCheck:
    """ISO-CL-01: the claim is made after the period has ended."""
    end, day = c.balance.period.end, c.as_of
    note = c.credit_note if c.standard in ("PAS 2060", "VCMI") else ""
    if end < day:
        return RULES["ISO-CL-01"].check(PASS, f"the period ended on {end}, before the assessment date {day}",
                                        note=note)
    return RULES["ISO-CL-01"].check(
        FAIL, f"the period ends on {end}, not before the assessment date {day}: neutrality for it cannot yet be "
        "claimed, only committed to", note=note)


def territory_net_zero(c: Claim) -> ClaimCheck | None:
    """DEF-06: a territory's net zero is framed nationally, not by these corporate checks."""
    if c.balance.subject_type is not SubjectType.TERRITORY:
        return None
    return RULES["DEF-06"].check(
        WARNING, "these checks implement the SBTi corporate reading; a territory's net zero balances its "
        "anthropogenic emissions and removals and must state which gases it covers")


def subject_not_territory(c: Claim) -> ClaimCheck:
    """ISO-SB-01: ISO 14068-1 covers organisations and products, not territories."""
    b = c.balance
    if b.subject_type is SubjectType.TERRITORY:
        return RULES["ISO-SB-01"].check(
            FAIL, f"{b.subject!r} is a territory; ISO 14068-1 is not intended for territories (regions, countries, "
            "states, cities); use the national / UNFCCC framing instead")
    article = "an" if b.subject_type is SubjectType.ORGANISATION else "a"
    return RULES["ISO-SB-01"].check(PASS, f"{b.subject!r} is {article} {b.subject_type.value}")


def boundary_documented(c: Claim) -> ClaimCheck:
    """ISO-SB-02: the boundary is documented."""
    b = c.balance
    if b.boundary:
        return RULES["ISO-SB-02"].check(PASS, b.boundary)
    return RULES["ISO-SB-02"].check(
        WARNING, "no boundary description given (consolidation approach, categories included or excluded with "
        "justification)")


def footprint_by_scope(c: Claim) -> ClaimCheck:
    """GHG-SC-02: the footprint by scope, with the GWP set and the Scope 2 basis."""
    b = c.balance
    tail = f"GWP set {b.gwp_set}; Scope 2 {b.scope2_basis}-based"
    if b.by_scope:
        scopes = ", ".join(f"scope {k}: {tonnes(v)} t" for k, v in b.by_scope.items())
        return RULES["GHG-SC-02"].check(PASS, f"{scopes}; {tail}")
    return RULES["GHG-SC-02"].check(WARNING, f"no breakdown by scope given; {tail}")


def dual_scope2(c: Claim) -> ClaimCheck:
    """S2-DR-01: both Scope 2 totals where contractual instruments are used."""
    b, rule = c.balance, RULES["S2-DR-01"]
    fig = b.scope2_figures
    if "location" in fig and "market" in fig:
        return rule.check(PASS, f"location-based {tonnes(fig['location'])} t, market-based {tonnes(fig['market'])} t; "
                                f"E uses the {b.scope2_basis}-based figure")
    if b.scope2_basis == "market":
        return rule.check(WARNING, "E uses the market-based Scope 2 figure but the location-based total is not given "
                                   "(Balance.scope2_figures); a company with operations in markets offering "
                                   "contractual instruments reports both")
    return rule.check(PASS, "location-based Scope 2 only: sufficient where no operation is in a market with "
                            "contractual instruments; otherwise report the market-based total too")


def credit_quality(c: Claim) -> ClaimCheck | None:
    """ISO-CR-04: additionality, permanence and quantification are the user's to check."""
    if not c.balance.credits:
        return None
    return RULES["ISO-CR-04"].check(
        WARNING, "not assessed by neutralcore: additionality, permanence and conservative quantification are "
        "properties of each project and its methodology; check them (e.g. an ICVCM CCP label or the programme's "
        "approval) and keep the evidence with the claim")


def removals_separate(c: Claim) -> ClaimCheck:
    """ISO-QF-03: removals reported separately, reversals added to E."""
    b = c.balance
    return RULES["ISO-QF-03"].check(
        PASS, f"R = {tonnes(b.R)} t reported separately; reversals of earlier removals {tonnes(b.reversals)} t "
        "added to E")


def reductions_evident(c: Claim) -> ClaimCheck:
    """ISO-MP-04: reductions are evident before offsets are used."""
    b, rule, red = c.balance, RULES["ISO-MP-04"], c.balance.reduction
    absolute = intensity = None
    if red is not None and red.reference_emissions is not None:
        absolute = b.E < red.reference_emissions
    if red is not None and red.intensity is not None and red.reference_intensity is not None:
        intensity = red.intensity < red.reference_intensity
    parts = []
    if absolute is not None:
        assert red is not None and red.reference_emissions is not None
        change = b.E - red.reference_emissions
        parts.append(f"absolute: E {tonnes(b.E)} t vs {tonnes(red.reference_emissions)} t in the "
                     f"{red.reference_label} ({'+' if change >= 0 else '−'}{tonnes(abs(change))} t)")
    if intensity is not None:
        assert red is not None
        unit = f" {red.intensity_unit}" if red.intensity_unit else ""
        parts.append(f"intensity: {red.intensity:g}{unit} vs {red.reference_intensity:g}{unit}")
    shown = "; ".join(parts)
    if absolute or intensity:
        return rule.check(PASS, "reduction evident: " + shown)
    if red is None or red.period_index == 1:
        return rule.check(
            WARNING, "first period and " + (shown + ": no reduction shown" if shown else "no reduction evidence given")
            + "; PAS 2060 allowed an offset-only first period, but secondary summaries say ISO 14068-1 has no such "
            "concession")
    return rule.check(
        FAIL, f"period {red.period_index}: " + (shown + ": neither fell" if shown else
                                                "no reduction evidence given (reference emissions or intensities)"))


def long_term_reduction(c: Claim) -> ClaimCheck:
    """SBT-LT-01: the long-term reduction below base is reached before a net-zero claim."""
    b, pol, red = c.balance, c.balance.policy, c.balance.reduction
    policy = pol if pol.net_zero_min_reduction != NET_ZERO_MIN_REDUCTION else None
    base = red.base_emissions if red is not None else None
    if not base:
        return RULES["SBT-LT-01"].check(
            FAIL, "no base-year emissions given (ReductionEvidence.base_emissions); the long-term reduction cannot "
            "be shown", policy=policy)
    cut = 1.0 - b.E / base
    ok = cut >= pol.net_zero_min_reduction - 1e-12
    reason = (f"E = {tonnes(b.E)} t is {cut:.1%} below base {tonnes(base)} t"
              + (f" ({red.base_year})" if red and red.base_year else "")
              + ("" if ok else f"; net zero needs at least {pol.net_zero_min_reduction:.0%} first; credits do not "
                 "count as reductions (SBTi Corporate Net-Zero Standard)"))
    return RULES["SBT-LT-01"].check(PASS if ok else FAIL, reason, policy=policy)


def beneficiary(c: Claim) -> ClaimCheck:
    """ISO-CR-01.beneficiary: credits retired on behalf of the claimant."""
    return _per_block(c, "ISO-CR-01.beneficiary")


def subject_period(c: Claim) -> ClaimCheck:
    """ISO-CR-01.period: credits retired for this subject and period."""
    return _per_block(c, "ISO-CR-01.period")


def retirement_window(c: Claim) -> ClaimCheck:
    """ISO-CR-02: credits retired within the window after the period end."""
    return _per_block(c, "ISO-CR-02", policy=c.balance.policy.retirement_window_months != RETIREMENT_WINDOW_MONTHS)


def ex_post(c: Claim) -> ClaimCheck:
    """ISO-CR-03: the vintage ended before issuance and retirement."""
    return _per_block(c, "ISO-CR-03")


def serials_once(c: Claim) -> ClaimCheck:
    """ISO-CR-07: no serial is used twice among the credits offered."""
    return _per_block(c, "ISO-CR-07", iso_rule=False)


def one_ledger(c: Claim) -> ClaimCheck:
    """ISO-CR-07.ledger: every retirement comes from one OffsetLedger."""
    b, rule = c.balance, RULES["ISO-CR-07.ledger"]
    if not b.credits:
        return rule.check(PASS, _NO_CREDITS)
    by_hand = [r for r in b.credits if r.ledger is None]
    ledgers = sorted({r.ledger for r in b.credits if r.ledger is not None})
    if by_hand:
        return rule.check(
            WARNING, f"{len(by_hand)} retirement(s) ({sum(r.quantity for r in by_hand):,} t) were not read from an "
            "OffsetLedger (built by hand): neutralcore cannot show their serials were retired only once; keep the "
            "registry's retirement statements with the claim", b.assessment.names_of(by_hand))
    if len(ledgers) > 1:
        return rule.check(
            WARNING, f"the retirements come from {len(ledgers)} ledgers ({'; '.join(ledgers)}): each refuses double "
            "use on its own, not across the others (ISO-CR-07 still tests the serials of this claim against each "
            "other)")
    return rule.check(PASS, f"all {len(b.credits)} retirement(s) read from the ledger {ledgers[0]}")


def early_retirement(c: Claim) -> ClaimCheck:
    """ISO-CR-02.early: a retirement dated before the period began is a warning."""
    b, rule = c.balance, RULES["ISO-CR-02.early"]
    early = [r for r in b.credits if r.retired_on < b.period.start]
    if not early:
        return rule.check(PASS, _NO_CREDITS if not b.credits else "no retirement predates the period")
    return rule.check(
        WARNING, blocks_reason([(r, f"retired on {r.retired_on}, before the period began on {b.period.start}")
                                for r in early], sep=" ") + ": check these were retired for this claim",
        b.assessment.names_of(early))


def vintage_age(c: Claim) -> ClaimCheck:
    """ISO-CR-08: a maximum vintage age, only as a user policy (off by default)."""
    if c.balance.policy.max_vintage_age_years is None:
        return RULES["ISO-CR-08"].check(
            PASS, "no maximum vintage age applied: none was found in ISO 14068-1, PAS 2060, ICVCM or SBTi; set "
            "ClaimPolicy.max_vintage_age_years to apply your own")
    return _per_block(c, "ISO-CR-08", policy=True, iso_rule=False)


def corresponding_adjustment(c: Claim) -> ClaimCheck:
    """A6-02: host-country authorisation and corresponding adjustment recorded."""
    b, rule = c.balance, RULES["A6-02"]
    missing = [r for r in b.credits if r.offset.corresponding_adjustment is not CorrespondingAdjustment.APPLIED]
    if not missing:
        return rule.check(PASS, "all blocks carry an applied corresponding adjustment" if b.credits else _NO_CREDITS)
    authorised = {True: "yes", False: "no", None: "unknown"}
    notes = {(ca, host): f"corresponding adjustment {ca.value}, host authorisation {authorised[host]}"
             for ca in CorrespondingAdjustment for host in authorised}
    reason = blocks_reason([
        (r, notes[r.offset.corresponding_adjustment, r.offset.host_authorised]) for r in missing
    ]) + ". Risk that the host country also counts these reductions towards its NDC (double claiming)"
    return rule.check(WARNING, reason, b.assessment.names_of(missing))


def recognised_programme(c: Claim) -> ClaimCheck:
    """ISO-CR-05: credits come from a recognised crediting programme."""
    b, rule = c.balance, RULES["ISO-CR-05"]
    other = [r for r in b.credits if r.offset.programme in (Programme.OTHER, Programme.VIETNAM)]
    note = ""
    if other and all(r.offset.programme is Programme.VIETNAM for r in other):
        note = "; Viet Nam's carbon-market roadmap in Decree 06/2022/ND-CP, per secondary summaries"
    if not other:
        # one offset per programme spelling: the label is worked out per programme, not per block
        spelling = {(r.offset.programme, r.offset.programme_name): r.offset for r in b.credits}
        return rule.check(PASS, ("all blocks are from " + ", ".join(sorted({o.programme_label
                                                                            for o in spelling.values()})))
                          if b.credits else _NO_CREDITS, note=note)
    reason = blocks_reason([
        (r, r.offset.programme_label
         + (" (a pilot mechanism still being set up: Decree 06/2022/ND-CP plans a pilot crediting mechanism to "
            "end-2027)" if r.offset.programme is Programme.VIETNAM else ""))
        for r in other
    ], quantity=False) + ": confirm the programme's independent verification and double-counting safeguards"
    return rule.check(WARNING, reason, b.assessment.names_of(other), note=note)


def kinds_separate(c: Claim) -> ClaimCheck:
    """ISO-CR-06: removal and avoidance credits reported separately."""
    credits, quantities = c.balance.credits, c.balance.assessment.quantities
    removal_q = sum(q for r, q in zip(credits, quantities) if r.offset.kind is CreditKind.REMOVAL)
    return RULES["ISO-CR-06"].check(
        PASS, f"offered: {removal_q:,} t removal credits, {sum(quantities) - removal_q:,} t "
        "avoidance/reduction credits (listed separately in the report)")


def balanced(c: Claim) -> ClaimCheck:
    """BAL-01: C ≥ E − R."""
    b = c.balance
    return RULES["BAL-01"].check(PASS if b.is_neutral else FAIL, b.statement())


# -- PAS 2060 ------------------------------------------------------------------------------------

_NO_MATERIALITY = ("no source list given (Balance(evidence=ClaimEvidence(materiality=Materiality([...])))): "
                   "exclusions cannot be checked")


def pas_exclusions(c: Claim) -> ClaimCheck:
    """PAS-QF-01: every excluded source is below 1 % of the footprint."""
    ev, rule = c.balance.evidence, RULES["PAS-QF-01"]
    m = ev.materiality if ev is not None else None
    if m is None:
        return rule.check(FAIL, _NO_MATERIALITY)
    big = [(s, m.share(s)) for s in m.excluded if m.share(s) >= PAS_MAX_EXCLUSION]
    small = [(s, m.share(s)) for s in m.excluded if m.share(s) < PAS_MAX_EXCLUSION]
    if big:
        return rule.check(FAIL, "; ".join(f"{s.name} excluded at {share:.2%} of the footprint ({tonnes(s.emissions)} "
                                          f"t), not below 1 %" for s, share in big))
    if small:
        return rule.check(PASS, "excluded below 1 % each: " + ", ".join(
            f"{s.name} {share:.2%}" + (f" ({s.reason})" if s.reason else "") for s, share in small))
    return rule.check(PASS, f"all {len(m.sources)} sources included")


def pas_coverage(c: Claim) -> ClaimCheck:
    """PAS-QF-01.coverage: at least 95 % of the footprint covered."""
    ev, rule = c.balance.evidence, RULES["PAS-QF-01.coverage"]
    m = ev.materiality if ev is not None else None
    if m is None:
        return rule.check(FAIL, _NO_MATERIALITY)
    ok = m.coverage >= PAS_MIN_COVERAGE - 1e-12
    return rule.check(PASS if ok else FAIL, f"{tonnes(m.included_total)} of {tonnes(m.total)} t included: "
                      f"{m.coverage:.2%}" + ("" if ok else ", at least 95 % required"))


def pas_reductions(c: Claim) -> ClaimCheck:
    """PAS-RD-01: the first period may rest on offsets; later ones show reductions."""
    b, rule, red = c.balance, RULES["PAS-RD-01"], c.balance.reduction
    index = red.period_index if red is not None else 1
    shown = []
    fell = False
    if red is not None and red.reference_emissions is not None:
        fell |= b.E < red.reference_emissions
        shown.append(f"absolute: E {tonnes(b.E)} t vs {tonnes(red.reference_emissions)} t in the {red.reference_label}")
    if red is not None and red.intensity is not None and red.reference_intensity is not None:
        fell |= red.intensity < red.reference_intensity
        unit = f" {red.intensity_unit}" if red.intensity_unit else ""
        shown.append(f"intensity: {red.intensity:g}{unit} vs {red.reference_intensity:g}{unit}")
    text = "; ".join(shown)
    if fell:
        return rule.check(PASS, f"period {index}: reduction shown ({text})")
    if index == 1:
        return rule.check(PASS, "first period: a declaration may rest on offsetting alone (PAS 2060 concession); "
                          "reductions are needed from the second period" + (f" ({text})" if text else ""))
    return rule.check(FAIL, f"period {index}: " + (f"{text}: neither fell" if text else
                                                   "no reduction evidence given (reference emissions or intensities)"))


def pas_statement(c: Claim) -> ClaimCheck:
    """PAS-DC-03: the qualifying explanatory statement and its contents."""
    ev, rule = c.balance.evidence, RULES["PAS-DC-03"]
    qes = ev.statement if ev is not None else None
    if qes is None:
        return rule.check(FAIL, "no qualifying explanatory statement given (ClaimEvidence(statement=...))")
    if qes.missing:
        return rule.check(FAIL, "the statement does not give: " + ", ".join(f.replace("_", " ") for f in qes.missing))
    return rule.check(PASS, f"{qes.declaration} declaration by {qes.entity}, {qes.validation}, signed by "
                            f"{qes.signed_by}, public at {qes.public_at}")


def pas_in_force(c: Claim) -> ClaimCheck:
    """PAS-WD-01: PAS 2060 was withdrawn on 30 November 2025."""
    end, rule = c.balance.period.end, RULES["PAS-WD-01"]
    if end <= PAS_WITHDRAWN:
        return rule.check(PASS, f"the period ended on {end}, before PAS 2060 was withdrawn ({PAS_WITHDRAWN})")
    return rule.check(WARNING, f"the period ends on {end}, after PAS 2060 was withdrawn on {PAS_WITHDRAWN}: "
                               "claim against ISO 14068-1:2023 instead")


# -- VCMI Claims Code ----------------------------------------------------------------------------

def _vcmi(c: Claim, rule_id: str, field: str, yes: str, no: str) -> ClaimCheck:
    ev = c.balance.evidence
    crit = ev.vcmi if ev is not None else None
    if crit is None:
        return RULES[rule_id].check(FAIL, "no VCMI evidence given (ClaimEvidence(vcmi=VcmiCriteria(...)))")
    return RULES[rule_id].check(PASS if getattr(crit, field) else FAIL, yes if getattr(crit, field) else no)


def vcmi_inventory(c: Claim) -> ClaimCheck:
    """VCMI-FC-01: a public scope 1, 2 and 3 inventory."""
    check = _vcmi(c, "VCMI-FC-01", "inventory_public", "the annual inventory is public",
                  "the inventory is not shown to be public")
    if check.status is PASS and 3 not in c.balance.by_scope:
        return RULES["VCMI-FC-01"].check(FAIL, "the balance gives no scope 3 figure (by_scope)")
    return check


def vcmi_target(c: Claim) -> ClaimCheck:
    """VCMI-FC-02: validated science-based near-term targets, net zero by 2050."""
    return _vcmi(c, "VCMI-FC-02", "target_validated", "validated science-based near-term targets and a net-zero "
                 "commitment", "no validated science-based target: no VCMI claim can be made")


def vcmi_progress(c: Claim) -> ClaimCheck:
    """VCMI-FC-03: on track toward the near-term target."""
    return _vcmi(c, "VCMI-FC-03", "on_track", "on track toward the near-term target",
                 "not shown to be on track toward the near-term target")


def vcmi_advocacy(c: Claim) -> ClaimCheck:
    """VCMI-FC-04: Paris-consistent advocacy."""
    return _vcmi(c, "VCMI-FC-04", "advocacy_aligned", "advocacy consistent with the Paris Agreement",
                 "advocacy not shown to be consistent with the Paris Agreement")


def vcmi_quality(c: Claim) -> ClaimCheck:
    """VCMI-CR-01: retired credits are high-quality."""
    if not c.balance.credits:
        return RULES["VCMI-CR-01"].check(FAIL, _NO_CREDITS)
    return _vcmi(c, "VCMI-CR-01", "credits_high_quality", "credits meet the ICVCM Core Carbon Principles",
                 "credits not shown to meet the ICVCM Core Carbon Principles: they do not count toward a tier")


def vcmi_tier(c: Claim) -> ClaimCheck:
    """VCMI-TIER: the tier the high-quality credits reach, once the foundational criteria hold."""
    b, rule = c.balance, RULES["VCMI-TIER"]
    ev = b.evidence
    crit = ev.vcmi if ev is not None else None
    remaining = max(b.residual, 0.0)
    quality = crit is not None and crit.credits_high_quality
    credits = b.C if quality else 0.0
    share = credits / remaining if remaining > 0 else (1.0 if credits > 0 else 0.0)
    tier = next((name for name, low in VCMI_TIERS if share >= low - 1e-12), None)
    head = (f"{tonnes(credits)} t of high-quality credits for {tonnes(remaining)} t of remaining emissions (E − R): "
            f"{share:.2%}")
    missing = [] if crit is None else [n for n, ok in (("inventory", crit.inventory_public),
                                                       ("validated target", crit.target_validated),
                                                       ("progress", crit.on_track),
                                                       ("advocacy", crit.advocacy_aligned)) if not ok]
    if crit is None or missing:
        return rule.check(FAIL, head + "; foundational criteria not met (" + (", ".join(missing) if missing else
                                                                               "no VCMI evidence") + "): no tier")
    if tier is None:
        return rule.check(FAIL, head + ", below the 20 % of VCMI Silver: no tier")
    return rule.check(PASS, f"{head}: VCMI {tier}")


def removals_only(c: Claim) -> ClaimCheck:
    """SBT-NZ-01: the residual is balanced by removal credits only."""
    b = c.balance
    avoidance = [r for r in b.eligible_credits if r.offset.kind is CreditKind.AVOIDANCE]
    removals = b.removal_credits
    covered = removals >= b.residual
    reason = (f"{sum(r.quantity for r in avoidance):,} t of avoidance credits cannot balance a net-zero claim and "
              "are not counted; " if avoidance else "")
    reason += (f"residual E − R = {tonnes(b.residual)} t, eligible removal credits {tonnes(removals)} t: "
               + ("balanced" if covered else f"short by {tonnes(b.residual - removals)} t"))
    return RULES["SBT-NZ-01"].check(PASS if covered and not avoidance else FAIL, reason,
                                    b.assessment.names_of(avoidance))


def permanence(c: Claim) -> ClaimCheck:
    """SBT-NZ-01.permanence: removal credits store carbon durably."""
    b, rule = c.balance, RULES["SBT-NZ-01.permanence"]
    minimum = b.policy.min_permanence_years
    fails, warns = [], []
    for r in b.eligible_credits:
        o = r.offset
        if o.kind is not CreditKind.REMOVAL:
            continue
        horizon = f"{o.permanence_years} years" if o.permanence_years else "horizon not recorded"
        buffer = f", buffer {o.buffer_fraction:.0%}" if o.buffer_fraction is not None else ""
        if minimum is not None and (o.permanence_years or 0) < minimum:
            fails.append((r, f"{horizon}{buffer}, policy minimum {minimum} years"))
        elif o.removal_type is RemovalType.NATURE_BASED or o.permanence_years is None:
            warns.append((r, f"{o.type_label}, {horizon}{buffer}: reversal risk"))
    if fails:
        return rule.check(FAIL, blocks_reason(fails, quantity=False), b.assessment.names_of([r for r, _ in fails]),
                          policy=b.policy)
    if warns:
        return rule.check(WARNING, blocks_reason(warns, quantity=False),
                          b.assessment.names_of([r for r, _ in warns]))
    any_removal = any(r.offset.kind is CreditKind.REMOVAL for r in b.eligible_credits)
    return rule.check(PASS, "every removal block is technological with a recorded permanence horizon"
                      if any_removal else "no eligible removal credits")


#: The function that checks each rule of the table, by rule id.
CHECKS: Mapping[str, Callable[[Claim], ClaimCheck | None]] = FrozenMap({
    "ISO-CL-01": claim_after_period,
    "DEF-06": territory_net_zero,
    "ISO-SB-01": subject_not_territory,
    "ISO-SB-02": boundary_documented,
    "GHG-SC-02": footprint_by_scope,
    "S2-DR-01": dual_scope2,
    "ISO-CR-04": credit_quality,
    "ISO-QF-03": removals_separate,
    "ISO-MP-04": reductions_evident,
    "SBT-LT-01": long_term_reduction,
    "ISO-CR-01.beneficiary": beneficiary,
    "ISO-CR-01.period": subject_period,
    "ISO-CR-02": retirement_window,
    "ISO-CR-03": ex_post,
    "ISO-CR-07": serials_once,
    "ISO-CR-07.ledger": one_ledger,
    "ISO-CR-02.early": early_retirement,
    "ISO-CR-08": vintage_age,
    "A6-02": corresponding_adjustment,
    "ISO-CR-05": recognised_programme,
    "ISO-CR-06": kinds_separate,
    "BAL-01": balanced,
    "SBT-NZ-01": removals_only,
    "SBT-NZ-01.permanence": permanence,
    "PAS-QF-01": pas_exclusions,
    "PAS-QF-01.coverage": pas_coverage,
    "PAS-RD-01": pas_reductions,
    "PAS-DC-03": pas_statement,
    "PAS-WD-01": pas_in_force,
    "VCMI-FC-01": vcmi_inventory,
    "VCMI-FC-02": vcmi_target,
    "VCMI-FC-03": vcmi_progress,
    "VCMI-FC-04": vcmi_advocacy,
    "VCMI-CR-01": vcmi_quality,
    "VCMI-TIER": vcmi_tier,
})
