"""Tests for neutralcore.claim and neutralcore.claim.report, with hand-worked numbers."""

from __future__ import annotations

import datetime as dt
import json
import os

import attrs
import pint
import pytest

from neutralcore.claim import (
    Balance,
    CheckStatus,
    ClaimPolicy,
    ReductionEvidence,
    SubjectType,
    check_claim,
)
from neutralcore.claim.report import CREDITS_WARNING, render
from neutralcore.errors import ClaimError, InputError
from neutralcore.offsets import Offset, OffsetLedger, Period, Retirement

Y2024 = Period.year(2024)
SUBJECT = "Acme Ltd"


def credit(start: int, end: int, *, project: str = "1060", **kw) -> Offset:
    fields = dict(
        programme="Verra VCS",
        project_id=project,
        country="VN",
        kind="avoidance",
        vintage=Period.year(2023),
        serial_start=start,
        serial_end=end,
        issuance_date=dt.date(2024, 4, 1),
        methodology="VM0042",
    )
    fields.update(kw)
    return Offset(**fields)


def retired(offset: Offset, retired_on: str, *, subject: str = SUBJECT, period: Period = Y2024, beneficiary: str | None = None) -> Retirement:
    """Retire *offset* through a fresh in-memory ledger (the way users get Retirement objects)."""
    with OffsetLedger(":memory:") as led:
        led.add(offset)
        return led.retire(offset, subject=subject, period=period, retired_on=retired_on, beneficiary=beneficiary)


def balance(credits=(), **kw) -> Balance:
    fields = dict(
        subject=SUBJECT,
        subject_type="organisation",
        period=Y2024,
        emissions=12_000.0,
        by_scope={"scope 1": 7_000.0, "scope 2": 5_000.0},
        gwp_set="AR6 GWP100",
        scope2_basis="market",
        boundary="Operational control; scopes 1 and 2; scope 3 categories 1, 6, 7",
        removals=500.0,
        credits=tuple(credits),
    )
    fields.update(kw)
    return Balance(**fields)


# -- the hand-worked example from the issue ----------------------------------------

# Period 2024: E = 12,000 t, R = 500 t, so residual = 11,500 t.
# Block A: 8,000 t retired 2025-03-01, within 12 months of 2024-12-31 -> counted.
# Block B: 4,000 t retired 2026-02-01, after 2025-12-31 -> not counted.
# C = 8,000 t; short by 11,500 - 8,000 = 3,500 t.
A = credit(1, 8_000)
B = credit(8_001, 12_000)


def test_issue_example_short_by_3500():
    """E 12,000, R 500, credits 8,000 (valid) + 4,000 (retired too late) -> short by 3,500 t."""
    b = balance([retired(A, "2025-03-01"), retired(B, "2026-02-01")])
    assert (b.E, b.R, b.residual) == (12_000.0, 500.0, 11_500.0)
    assert b.C == 8_000
    assert b.shortfall == 3_500.0 and b.surplus == 0.0
    assert b.result == "short" and not b.is_neutral
    result = check_claim(b)
    assert not result.ok
    window = result["ISO-CR-02"]
    assert window.status is CheckStatus.FAIL
    assert "2026-02-01" in window.reason and "2025-12-31" in window.reason and "8001-12000" in window.reason
    assert result["BAL-01"].status is CheckStatus.FAIL
    assert "short by 3,500 t" in result["BAL-01"].reason
    assert [r.quantity for r, _ in b.excluded_credits] == [4_000]


def test_issue_example_neutral_with_500_surplus():
    """The same with block B retired by 2025-12-31 -> neutral, 500 t surplus, not transferable."""
    b = balance([retired(A, "2025-03-01"), retired(B, "2025-12-31")])
    assert b.C == 12_000
    assert b.is_neutral and b.result == "neutral"
    assert b.shortfall == 0.0 and b.surplus == 500.0
    assert "surplus 500 t" in b.statement() and "not transferable" in b.statement()
    result = check_claim(b)
    assert result["ISO-CR-02"].status is CheckStatus.PASS
    assert result["BAL-01"].status is CheckStatus.PASS
    assert b.to_dict()["surplus_transferable"] is False


def test_reversals_add_to_E():
    """A reversal of an earlier removal counts as emissions (ISO-QF-04): E = 12,000 + 300."""
    b = balance([retired(A, "2025-03-01")], reversals=300.0)
    assert b.E == 12_300.0 and b.residual == 11_800.0 and b.shortfall == 3_800.0


# -- credit checks ------------------------------------------------------------------


def test_beneficiary_must_be_claimant():
    """Credits retired for someone else fail and are not counted; an alias policy accepts a legal name."""
    r = retired(A, "2025-03-01", beneficiary="Someone Else")
    b = balance([r])
    res = check_claim(b)
    assert res["ISO-CR-01.beneficiary"].status is CheckStatus.FAIL
    assert b.C == 0
    ok = balance([retired(A, "2025-03-01", beneficiary="ACME  ltd")])  # case and spaces do not matter
    assert check_claim(ok)["ISO-CR-01.beneficiary"].status is CheckStatus.PASS
    alias = balance([r], policy=ClaimPolicy(beneficiary_aliases=("Someone Else",)))
    assert alias.C == 8_000


def test_credits_for_another_period_or_subject_fail():
    """Credits retired for 2023, or for another subject, do not count for Acme 2024."""
    b = balance([retired(A, "2024-06-01", period=Period.year(2023)), retired(B, "2025-03-01", subject="Other")])
    check = check_claim(b)["ISO-CR-01.period"]
    assert check.status is CheckStatus.FAIL and len(check.credits) == 2
    assert b.C == 0


def test_ex_post_vintage_must_end_before_retirement():
    """A vintage that ends after the retirement date is ex-ante and fails."""
    future = credit(1, 100, vintage=Period("2025-01-01", "2025-12-31"), issuance_date=None)
    b = balance([retired(future, "2025-06-01")])
    check = check_claim(b)["ISO-CR-03"]
    assert check.status is CheckStatus.FAIL and "after retirement" in check.reason
    assert b.C == 0


def test_issued_before_vintage_end_fails_and_missing_issuance_warns():
    """Issuance inside the vintage fails; an unrecorded issuance date is a warning."""
    early = credit(1, 100, vintage=Period.year(2023), issuance_date=dt.date(2023, 6, 1))
    assert check_claim(balance([retired(early, "2025-01-01")]))["ISO-CR-03"].status is CheckStatus.FAIL
    unknown = credit(1, 100, issuance_date=None)
    b = balance([retired(unknown, "2025-01-01")])
    assert check_claim(b)["ISO-CR-03"].status is CheckStatus.WARNING
    assert b.C == 100  # a warning does not exclude the credit


def test_serial_used_twice_across_ledgers_fails():
    """The same serials retired in two ledgers and offered together fail ISO-CR-07; neither counts."""
    b = balance([retired(A, "2025-03-01"), retired(credit(7_000, 9_000), "2025-03-02")])
    check = check_claim(b)["ISO-CR-07"]
    assert check.status is CheckStatus.FAIL and len(check.credits) == 2
    assert b.C == 0


def test_missing_corresponding_adjustment_is_a_warning_only():
    """No corresponding adjustment is a warning (A6-02), never a failure, and the credit still counts."""
    b = balance([retired(A, "2025-03-01")])
    check = check_claim(b)["A6-02"]
    assert check.status is CheckStatus.WARNING and "double claiming" in check.reason
    assert b.C == 8_000
    applied = credit(1, 10, corresponding_adjustment="applied", host_authorised=True)
    assert check_claim(balance([retired(applied, "2025-01-01")]))["A6-02"].status is CheckStatus.PASS


def test_vintage_age_is_a_policy_off_by_default():
    """An old vintage passes by default; a max age applies only as a labelled user policy."""
    old = credit(1, 100, vintage=Period.year(2012), issuance_date=dt.date(2013, 5, 1))
    b = balance([retired(old, "2025-01-01")])
    default = check_claim(b)["ISO-CR-08"]
    assert default.status is CheckStatus.PASS and default.evidence == "C"
    assert "not a requirement of any standard" in default.description
    assert b.C == 100
    strict = check_claim(b, policy=ClaimPolicy(max_vintage_age_years=5))["ISO-CR-08"]
    assert strict.status is CheckStatus.FAIL and "user policy" in strict.description
    assert "12 years" in strict.reason
    assert attrs.evolve(b, policy=ClaimPolicy(max_vintage_age_years=5)).C == 0


def test_other_programme_warns():
    """Credits from an unlisted programme are flagged for a quality review."""
    acr = credit(1, 10, programme="other", programme_name="ACR")
    check = check_claim(balance([retired(acr, "2025-01-01")]))["ISO-CR-05"]
    assert check.status is CheckStatus.WARNING and "ACR" in check.reason


# -- subject, boundary, reductions --------------------------------------------------


@pytest.mark.parametrize("kind", ["country", "city", "region", "territory"])
def test_territory_fails_under_iso(kind):
    """ISO 14068-1 is not for territories (ISO-SB-01, primary scope text)."""
    b = balance(subject_type=kind)
    assert b.subject_type is SubjectType.TERRITORY
    check = check_claim(b)["ISO-SB-01"]
    assert check.status is CheckStatus.FAIL and check.evidence == "P"


@pytest.mark.parametrize("kind", ["organisation", "company", "local authority", "product", "event", "building"])
def test_organisations_and_products_pass(kind):
    """Organisations (incl. local authorities) and products (incl. events, buildings) are valid subjects."""
    assert check_claim(balance(subject_type=kind))["ISO-SB-01"].status is CheckStatus.PASS


def test_missing_boundary_warns():
    """An undocumented boundary is a warning."""
    assert check_claim(balance(boundary=""))["ISO-SB-02"].status is CheckStatus.WARNING


def test_reduction_evidence():
    """First period without evidence warns; later periods need an absolute or intensity reduction."""
    assert check_claim(balance())["ISO-MP-04"].status is CheckStatus.WARNING
    up = ReductionEvidence(period_index=2, reference_emissions=11_000.0)
    assert check_claim(balance(reduction=up))["ISO-MP-04"].status is CheckStatus.FAIL
    absolute = ReductionEvidence(period_index=2, reference_emissions=12_500.0)
    assert check_claim(balance(reduction=absolute))["ISO-MP-04"].status is CheckStatus.PASS
    intensity = ReductionEvidence(
        period_index=3, reference_emissions=11_000.0, intensity=40.0, reference_intensity=44.0,
        intensity_unit="t CO2e per M USD",
    )
    check = check_claim(balance(reduction=intensity))["ISO-MP-04"]
    assert check.status is CheckStatus.PASS and "intensity" in check.reason
    assert check_claim(balance(reduction=ReductionEvidence(period_index=2)))["ISO-MP-04"].status is CheckStatus.FAIL


# -- net zero --------------------------------------------------------------------------


def removal(start: int, end: int, **kw) -> Offset:
    fields = dict(kind="removal", removal_type="technological", permanence_years=1000, project="DAC1")
    fields.update(kw)
    return credit(start, end, **fields)


def test_net_zero_needs_removals_only():
    """Avoidance credits cannot balance a net-zero claim."""
    red = ReductionEvidence(base_emissions=120_000.0, base_year=2019)  # 12,000 is 90 % below 120,000
    b = balance([retired(A, "2025-03-01"), retired(removal(1, 11_500), "2025-03-01")], reduction=red)
    res = check_claim(b, "net-zero")
    assert res["SBT-LT-01"].status is CheckStatus.PASS
    nz = res["SBT-NZ-01"]
    assert nz.status is CheckStatus.FAIL and "avoidance" in nz.reason
    only = balance([retired(removal(1, 11_500), "2025-03-01")], reduction=red)
    res2 = check_claim(only, "net-zero")
    assert res2["SBT-NZ-01"].status is CheckStatus.PASS
    assert res2["SBT-NZ-01.permanence"].status is CheckStatus.PASS
    assert "ISO-SB-01" not in {c.rule for c in res2} and "BAL-01" not in {c.rule for c in res2}


def test_net_zero_needs_the_long_term_reduction_first():
    """At 85 % below base, removals do not make a net-zero claim; without a base it fails too."""
    short = ReductionEvidence(base_emissions=80_000.0)  # 1 - 12,000/80,000 = 85 %
    b = balance([retired(removal(1, 11_500), "2025-03-01")], reduction=short)
    check = check_claim(b, "net-zero")["SBT-LT-01"]
    assert check.status is CheckStatus.FAIL and "85.0%" in check.reason
    assert check_claim(balance(), "net zero")["SBT-LT-01"].status is CheckStatus.FAIL
    # the balance itself says so too: 11,500 t of removals cover E − R = 11,500 t, but the claim cannot be made
    out = b.outcome("net-zero")
    assert (out["balanced"], out["result"], out["long_term_reached"]) == (True, "not claimable", False)
    assert out["long_term_cut"] == pytest.approx(0.85)
    text = b.statement("net-zero")
    assert "net zero cannot be claimed" in text and "E is 85.0% below the base year" in text
    assert "Result: balanced" not in b.report(standard="net-zero")
    assert json.loads(b.report("json", standard="net-zero"))["balance"]["result"] == "not claimable"
    reached = balance([retired(removal(1, 11_500), "2025-03-01")], reduction=ReductionEvidence(base_emissions=120_000.0))
    assert reached.outcome("net-zero")["result"] == "balanced by removals"  # 12,000 is exactly 90 % below 120,000
    assert balance([retired(removal(1, 11_500), "2025-03-01")]).outcome("net-zero")["result"] == "not claimable"


def test_net_zero_removal_shortfall_and_permanence():
    """Too few removals fail; nature-based removals warn; a permanence policy can fail them."""
    red = ReductionEvidence(base_emissions=200_000.0)
    trees = removal(1, 11_500, removal_type="nature-based", permanence_years=40, buffer_fraction=0.2)
    b = balance([retired(trees, "2025-03-01")], reduction=red)
    res = check_claim(b, "net-zero")
    assert res["SBT-NZ-01"].status is CheckStatus.PASS
    assert res["SBT-NZ-01.permanence"].status is CheckStatus.WARNING
    strict = check_claim(b, "net-zero", policy=ClaimPolicy(min_permanence_years=100))
    assert strict["SBT-NZ-01.permanence"].status is CheckStatus.FAIL
    few = balance([retired(removal(1, 1_000), "2025-03-01")], reduction=red)
    assert "short by 10,500 t" in check_claim(few, "net-zero")["SBT-NZ-01"].reason


def test_net_zero_balance_statement_counts_removals_only():
    """E 12,000, R 500: 11,000 t avoidance + 1,000 t removals make C 12,000 (ISO: 500 t surplus), but for
    net zero only the 1,000 t of removals count: short by 11,500 - 1,000 = 10,500 t."""
    red = ReductionEvidence(base_emissions=200_000.0)
    b = balance([retired(credit(1, 11_000), "2025-03-01"), retired(removal(1, 1_000), "2025-03-01")], reduction=red)
    assert (b.C, b.removal_credits, b.surplus) == (12_000, 1_000, 500.0)
    iso, nz = b.outcome(), b.outcome("net-zero")
    assert iso["result"] == "neutral" and iso["surplus_t"] == 500.0
    assert nz["result"] == "short" and nz["shortfall_t"] == 10_500.0 and nz["surplus_t"] == 0.0
    md = b.report(standard="net-zero")
    assert "Result: balanced" not in md and "surplus 500 t" not in md
    assert "short by 10,500 t CO2e of removal credits" in md
    assert "| Shortfall | 10,500 |" in md
    data = json.loads(b.report("json", standard="net-zero"))
    assert data["balance"]["result"] == "short" and data["balance"]["shortfall_t"] == 10_500.0
    assert data["balance"]["counted_credits_t"] == 1_000
    assert "short by 10,500 t" in data["statement"]
    assert json.loads(b.report("json"))["balance"]["result"] == "neutral"


def test_claim_only_after_the_period_has_ended():
    """On or before 2024-12-31 a 2024 claim is a commitment (ISO-CL-01 fails); from 2025-01-01 it may be made."""
    b = balance()
    assert check_claim(b, as_of="2024-12-31")["ISO-CL-01"].status is CheckStatus.FAIL
    assert check_claim(b, as_of=dt.date(2025, 1, 1))["ISO-CL-01"].status is CheckStatus.PASS
    assert check_claim(b)["ISO-CL-01"].status is CheckStatus.PASS  # today is after 2024
    assert "ISO-CL-01" in b.report(as_of="2024-06-30") and "FAIL" in b.report(as_of="2024-06-30")
    with pytest.raises(ClaimError):
        check_claim(b, as_of="soon")


def test_vietnam_pilot_mechanism_warns():
    """Viet Nam's domestic mechanism is still a pilot: its credits count but ISO-CR-05 warns."""
    vn = credit(1, 10, programme="vietnam")
    b = balance([retired(vn, "2025-01-01")])
    check = check_claim(b)["ISO-CR-05"]
    assert check.status is CheckStatus.WARNING and "pilot" in check.reason
    assert b.C == 10
    assert check_claim(balance())["ISO-CR-05"].reason == "no credits offered"


def test_report_lists_the_verifier_and_keeps_user_text_out_of_markdown_structure():
    """The verification body is in the credit table; a boundary starting '- ' or '1. ' stays a paragraph."""
    b = balance([retired(credit(1, 10, verifier="Example VVB"), "2025-01-01")], boundary="- scope 1\n---\n1. fuels")
    md = b.report()
    assert "| Verifier |" in md and "Example VVB" in md
    assert not any(line.startswith(("- ", "1. ", "---")) for line in md.splitlines())


# -- rule descriptions ------------------------------------------------------------------


@pytest.mark.parametrize("standard", ["ISO 14068-1", "net-zero"])
def test_every_rule_names_its_source(standard):
    """Each check names a source; secondary-only rules say so; vintage age never claims a standard."""
    b = balance([retired(A, "2025-03-01")], reduction=ReductionEvidence(base_emissions=200_000.0))
    for check in check_claim(b, standard):
        assert check.source and "Source:" in check.description
        if check.secondary:
            assert "secondary" in check.description
        assert check.reason
    window = check_claim(b)["ISO-CR-02"]
    assert window.evidence == "S" and "360impactportfolio" in window.source


def test_unknown_standard_and_bad_inputs():
    """An unknown standard is a ClaimError; invalid balances are InputErrors."""
    with pytest.raises(ClaimError):
        check_claim(balance(), "PAS 2061")
    with pytest.raises(ClaimError):
        check_claim("not a balance")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="add up"):
        balance(by_scope={"scope 1": 1.0})
    with pytest.raises(InputError):
        balance(scope2_basis="hybrid")
    with pytest.raises(InputError):
        balance(emissions=-1.0, by_scope={})
    with pytest.raises(InputError):
        balance(emissions=float("nan"), by_scope={})
    with pytest.raises(InputError):
        balance(credits=[A])  # an Offset, not a Retirement
    with pytest.raises(InputError):
        balance(subject_type="galaxy")
    with pytest.raises(InputError):
        balance(gwp_set=" ")
    with pytest.raises(InputError):
        ClaimPolicy(max_vintage_age_years=-1)


# -- from_emissions ---------------------------------------------------------------------


class FakeEmissions:
    """Duck-typed stand-in for neutralcore.Emissions: total() in kg, by('scope') as row dicts."""

    gwp = "AR6"

    def __init__(self) -> None:
        self.ureg = pint.UnitRegistry()

    def total(self):
        return self.ureg.Quantity(12_000_000.0, "kg")

    def by(self, dim):
        assert dim == "scope"
        return [{"scope": 1, "co2e_t": 7_000.0}, {"scope": 2, "co2e_t": 5_000.0}]  # as Emissions.by gives them


def test_from_emissions_duck_types():
    """total() is read in tonnes, by('scope') gives by_scope, gwp gives the GWP set."""
    b = Balance.from_emissions(FakeEmissions(), subject=SUBJECT, subject_type="organisation", period=Y2024,
                               scope2_basis="location")
    assert b.emissions == 12_000.0
    assert dict(b.by_scope) == {1: 7_000.0, 2: 5_000.0}
    assert b.gwp_set == "AR6 GWP100"
    override = Balance.from_emissions(FakeEmissions(), by_scope={"Scope 1": 12_000.0}, gwp_set="AR5",
                                      subject=SUBJECT, subject_type="product", period=Y2024, scope2_basis="market")
    assert dict(override.by_scope) == {1: 12_000.0} and override.gwp_set == "AR5"
    with pytest.raises(ClaimError):
        Balance.from_emissions(object(), subject=SUBJECT, subject_type="product", period=Y2024,
                               scope2_basis="market", gwp_set="AR6")
    with pytest.raises(ClaimError, match="scope2_basis"):  # used to be a bare TypeError
        Balance.from_emissions(FakeEmissions(), subject=SUBJECT, subject_type="product", period=Y2024)


# A real inventory, worked by hand (vietnam + ipcc packs, AR5 GWP100):
#   scope 2: 10,000 MWh x 0.6592 t/MWh (VN grid 2023)            = 6,592 t (location-based)
#   scope 1: 50 TJ diesel x (74,100 CO2 + 3 x 28 CH4 + 0.6 x 265 N2O) kg/TJ
#            = 50 x 74,343 kg                                     = 3,717.15 t
#   market-based scope 2: 4,000 MWh covered by I-RECs at 0; the other 6,000 MWh at the
#   residual mix, which the pack lacks, so the grid average: 6,000 x 0.6592 = 3,955.2 t
Y2023 = Period.year(2023)


@pytest.fixture(scope="module")
def vn_inventory():
    import neutralcore as nc

    factors = nc.load_factors("vietnam", "ipcc")
    inv = nc.Inventory([
        nc.Activity("electricity.grid", 10_000, "MWh", region="VN", year=2023, scope=2),
        nc.Activity("fuel.diesel.stationary", 50, "TJ", region="VN", year=2023, scope=1),
    ])
    recs = [nc.ContractualInstrument("I-REC", 4_000, market="VN", vintage=2023, retired_for=SUBJECT)]
    return inv, factors, recs


def test_from_emissions_location_based_result(vn_inventory):
    """A result computed without scope2= is location-based: E, scopes, GWP set and basis are read from it."""
    inv, factors, _ = vn_inventory
    res = inv.emissions(factors)
    b = Balance.from_emissions(res, subject=SUBJECT, subject_type="organisation", period=Y2023)
    assert b.E == pytest.approx(10_309.15)
    assert list(b.by_scope) == [1, 2]
    assert b.by_scope[1] == pytest.approx(3_717.15) and b.by_scope[2] == pytest.approx(6_592.0)
    assert (b.gwp_set, b.scope2_basis) == ("AR5 GWP100", "location")
    with pytest.raises(ClaimError, match="location-based"):  # was silently labelled market-based
        Balance.from_emissions(res, subject=SUBJECT, subject_type="organisation", period=Y2023, scope2_basis="market")
    with pytest.raises(ClaimError, match="outside the period"):  # 2023 activity offered as the 2024 footprint
        Balance.from_emissions(res, subject=SUBJECT, subject_type="organisation", period=Y2024)


def test_from_emissions_market_based_result(vn_inventory):
    """A scope2='market' result is market-based; both scope 2 figures and the disclosures reach the report."""
    inv, factors, recs = vn_inventory
    res = inv.emissions(factors, scope2="market", instruments=recs, entity=SUBJECT)
    b = Balance.from_emissions(res, subject=SUBJECT, subject_type="organisation", period=Y2023)
    assert b.scope2_basis == "market"
    assert b.E == pytest.approx(3_717.15 + 3_955.2)
    assert b.by_scope[2] == pytest.approx(3_955.2)
    assert dict(b.scope2_figures) == pytest.approx({"location": 6_592.0, "market": 3_955.2})
    assert any("residual mix" in d for d in b.disclosures)
    with pytest.raises(ClaimError, match="market-based"):
        Balance.from_emissions(res, subject=SUBJECT, subject_type="organisation", period=Y2023,
                               scope2_basis="location")
    assert check_claim(b)["S2-DR-01"].status is CheckStatus.PASS
    md = b.report()
    assert "| location-based | 6,592 t | no |" in md and "| market-based | 3,955.2 t | yes |" in md
    assert "Disclosure: No residual mix" in md
    loc = Balance.from_emissions(inv.emissions(factors, scope2="location", instruments=recs, entity=SUBJECT),
                                 subject=SUBJECT, subject_type="organisation", period=Y2023)
    assert loc.scope2_basis == "location" and loc.E == pytest.approx(10_309.15)


def test_scope2_basis_must_match_the_scope2_figure_in_E():
    """by_scope's scope 2 must be the figure of the basis stated; market-based alone warns (dual reporting)."""
    with pytest.raises(InputError, match="basis"):
        balance(scope2_basis="location", scope2_figures={"location": 6_000.0, "market": 5_000.0})
    ok = balance(scope2_basis="market", scope2_figures={"location": 6_000.0, "market": 5_000.0})
    assert check_claim(ok)["S2-DR-01"].status is CheckStatus.PASS
    assert check_claim(balance(scope2_basis="market"))["S2-DR-01"].status is CheckStatus.WARNING
    assert balance(scope2_basis="Market-based").scope2_basis == "market"


# -- report -----------------------------------------------------------------------------


def test_markdown_report_contents():
    """The report carries every required section, each credit block and every check."""
    b = balance([retired(A, "2025-03-01"), retired(B, "2026-02-01")],
                reduction=ReductionEvidence(period_index=2, reference_emissions=12_600.0, actions=("LED retrofit",)))
    md = b.report()
    for text in ("Subject and period", "Boundary", "Footprint", "AR6 GWP100", "market-based", "Removals",
                 "Reduction evidence", "LED retrofit", "Balance statement", "short by 3,500 t",
                 "1-8000", "8001-12000", "2025-03-01", "2026-02-01", "VM0042", "Checks", "ISO-CR-02",
                 "FAIL", CREDITS_WARNING):
        assert text in md, text
    assert md.count("| ISO-") >= 8


def test_html_report_escapes_user_text():
    """User text cannot inject markup into HTML or Markdown."""
    b = balance(subject="<script>alert(1)</script> | Co", boundary="<b>x</b>")
    html_text = b.report("html")
    assert "<script>alert" not in html_text and "&lt;script&gt;" in html_text
    assert CREDITS_WARNING.split(".")[0] in html_text
    md = b.report("markdown")
    assert "<script>" not in md and "\\|" in md


def test_json_report_is_complete():
    """JSON carries the balance, every check and the warning."""
    b = balance([retired(A, "2025-03-01"), retired(B, "2025-12-31")])
    data = json.loads(render(b, "json"))
    assert data["balance"]["result"] == "neutral" and data["balance"]["surplus_t"] == 500.0
    assert data["balance"]["C_t"] == 12_000 and data["ok"] is True
    assert {c["rule"] for c in data["checks"]} >= {"ISO-CR-01.beneficiary", "ISO-CR-02", "ISO-CR-03", "ISO-CR-07", "BAL-01"}
    assert all(c["eligible"] for c in data["balance"]["credits"])
    assert data["credits_warning"] == CREDITS_WARNING
    nz = json.loads(b.report("json", standard="net-zero"))
    assert nz["standard"] == "net-zero" and nz["ok"] is False
    with pytest.raises(ClaimError):
        b.report("pdf")


def test_credit_quality_is_flagged_as_not_assessed():
    """ISO 14068-1 §11.2(b)-(d) cannot be judged from registry data: the result says so instead of passing."""
    b = balance([retired(A, "2025-03-01")])
    check = check_claim(b)["ISO-CR-04"]
    assert check.status is CheckStatus.WARNING
    assert "not assessed" in check.reason and "additionality" in check.reason


def test_balance_pickles_for_worker_processes():
    import pickle

    b = balance([retired(A, "2025-03-01")])
    again = pickle.loads(pickle.dumps(b))
    assert again.C == b.C == 8_000 and dict(again.by_scope) == {1: 7_000.0, 2: 5_000.0}


def test_claim_says_whether_its_credits_come_from_one_ledger(tmp_path):
    """8,000 t retired through one ledger file: PASS naming it; the same block built by hand, or credits from two
    ledgers: a warning, since no one ledger's overlap test covers them all."""
    path = tmp_path / "acme.ledger"
    with OffsetLedger(path, create=True) as led:
        led.add(credit(1, 8_000))
        led.add(credit(1, 4_000, project="2000"))
        a = led.retire(credit(1, 8_000), subject=SUBJECT, period=Y2024, retired_on="2025-03-01")
        b = led.retire(credit(1, 4_000, project="2000"), subject=SUBJECT, period=Y2024, retired_on="2025-03-01")
        assert led.retirements()[0].ledger == a.ledger == os.path.realpath(path)
    one = check_claim(balance([a, b]))["ISO-CR-07.ledger"]
    assert one.status is CheckStatus.PASS and os.path.realpath(path) in one.reason
    forged = Retirement(id=1, offset=a.offset, subject=SUBJECT, period=Y2024, beneficiary=SUBJECT,
                        retired_on=dt.date(2025, 3, 1))
    by_hand = check_claim(balance([forged]))["ISO-CR-07.ledger"]
    assert by_hand.status is CheckStatus.WARNING and "not read from an OffsetLedger" in by_hand.reason
    assert "8,000 t" in by_hand.reason
    two = check_claim(balance([a, retired(credit(1, 100, project="3000"), "2025-03-01")]))["ISO-CR-07.ledger"]
    assert two.status is CheckStatus.WARNING and "from 2 ledgers" in two.reason


def test_retirement_before_the_period_is_flagged():
    """Credits retired on 2023-12-01 for the 2024 period: a warning naming the date; 2025-03-01: no warning."""
    old = credit(1, 100, vintage=Period.year(2022), issuance_date=dt.date(2023, 4, 1))
    early = check_claim(balance([retired(old, "2023-12-01")]))["ISO-CR-02.early"]
    assert early.status is CheckStatus.WARNING and "retired on 2023-12-01, before the period began on 2024-01-01" in early.reason
    assert check_claim(balance([retired(credit(1, 100), "2025-03-01")]))["ISO-CR-02.early"].status is CheckStatus.PASS


def test_by_scope_keys_are_scope_numbers():
    """by_scope keys are the one scope form, 1/2/3: "scope 1" and "Scope 2" are read as such, anything else refused."""
    b = balance(by_scope={"scope 2": 5_000.0, "Scope 1": 7_000.0})
    assert list(b.by_scope.items()) == [(1, 7_000.0), (2, 5_000.0)]  # sorted by scope
    assert b.to_dict()["by_scope_t"] == {"scope 1": 7_000.0, "scope 2": 5_000.0}
    with pytest.raises(InputError, match="scopes 1, 2 or 3"):
        balance(by_scope={"total": 12_000.0})
    with pytest.raises(InputError, match="twice"):
        balance(by_scope={1: 7_000.0, "scope 1": 5_000.0})
