"""PAS 2060 and VCMI claims (issue 16): materiality, the first-period concession, the QES, and VCMI tiers."""

from __future__ import annotations

import datetime as dt

import pytest

import neutralcore as nc
from neutralcore.claim import Balance, ReductionEvidence, check_claim
from neutralcore.claim.declaration import (ClaimEvidence, EmissionSource, Materiality, QualifyingStatement,
                                           VcmiCriteria)
from neutralcore.offsets import Offset, Period, Retirement

Y2024 = Period.year(2024)
QES = QualifyingStatement(declaration="achievement", entity="Acme Ltd", method="GHG Protocol Corporate Standard",
                          management_plan="-42 % scopes 1+2 by 2030", offsets="Verra VCS 1060, retired 2025-03-01",
                          validation="independent third-party certification", signed_by="CEO",
                          public_at="https://acme.example/qes")


def credits(quantity: int, start: int = 1) -> tuple[Retirement, ...]:
    o = Offset(programme="Verra VCS", project_id="1060", country="VN", kind="avoidance", vintage=Period.year(2023),
               serial_start=start, serial_end=start + quantity - 1, issuance_date=dt.date(2024, 4, 1))
    return (Retirement(id=1, offset=o, subject="Acme Ltd", period=Y2024, beneficiary="Acme Ltd",
                       retired_on=dt.date(2025, 3, 1)),)


def balance(emissions=1_000.0, credit_t=1_000, evidence=None, reduction=None, period=Y2024, by_scope=None):
    return Balance(subject="Acme Ltd", subject_type="organisation", period=period, emissions=emissions,
                   by_scope=by_scope or {1: emissions}, gwp_set="AR6 GWP100", scope2_basis="location",
                   credits=credits(credit_t) if credit_t else (), evidence=evidence, reduction=reduction)


def sources(excluded: list[float], included: float = 1_000.0) -> Materiality:
    return Materiality([EmissionSource("operations", included, scope=1)]
                       + [EmissionSource(f"s3 cat {i}", e, scope=3, included=False, reason="estimate only")
                          for i, e in enumerate(excluded)])


def pas(**kw):
    return check_claim(balance(**kw), "PAS 2060", as_of="2025-06-30")


def test_materiality_exclusions_only_below_one_percent():
    ok = pas(evidence=ClaimEvidence(materiality=sources([9.0]), statement=QES))
    assert ok["PAS-QF-01"].status.value == "pass"                       # 9 / 1,009 = 0.89 %
    assert "s3 cat 0 0.89% (estimate only)" in ok["PAS-QF-01"].reason
    assert ok["PAS-QF-01.coverage"].reason == "1,000 of 1,009 t included: 99.11%"
    at_one = pas(evidence=ClaimEvidence(materiality=sources([10.0], included=990.0), statement=QES))
    assert at_one["PAS-QF-01"].status.value == "fail"                   # 10 / 1,000 = 1 %: not below 1 %
    assert ok.ok, [c for c in ok.failed]


def test_coverage_at_least_95_percent():
    r = pas(evidence=ClaimEvidence(materiality=sources([9.0] * 7, included=940.0), statement=QES))
    assert r["PAS-QF-01"].status.value == "pass"                        # each 9 / 1,003 = 0.90 %
    assert r["PAS-QF-01.coverage"].status.value == "fail"               # 940 / 1,003 = 93.72 %
    assert "93.72%" in r["PAS-QF-01.coverage"].reason


def test_first_period_concession_and_later_reductions():
    ev = ClaimEvidence(materiality=sources([]), statement=QES)
    first = pas(evidence=ev)
    assert first["PAS-RD-01"].status.value == "pass" and "first period" in first["PAS-RD-01"].reason
    later = pas(evidence=ev, reduction=ReductionEvidence(period_index=2, reference_emissions=1_000.0))
    assert later["PAS-RD-01"].status.value == "fail" and not later.ok
    fell = pas(evidence=ev, reduction=ReductionEvidence(period_index=2, reference_emissions=1_100.0))
    assert fell["PAS-RD-01"].status.value == "pass"
    intensity = pas(evidence=ev, reduction=ReductionEvidence(period_index=3, intensity=0.9, reference_intensity=1.0,
                                                             intensity_unit="t CO2e/t"))
    assert intensity["PAS-RD-01"].status.value == "pass"


def test_qes_contents():
    r = pas(evidence=ClaimEvidence(materiality=sources([]), statement=QualifyingStatement(declaration="achievement",
                                                                                           entity="Acme Ltd")))
    assert r["PAS-DC-03"].status.value == "fail"
    assert r["PAS-DC-03"].reason == ("the statement does not give: method, management plan, offsets, validation, "
                                     "signed by, public at")
    assert pas(evidence=None)["PAS-DC-03"].status.value == "fail"
    with pytest.raises(nc.InputError) as err:
        QualifyingStatement(validation="a friend checked it")
    assert err.value.column == "validation"


def test_pas_withdrawn_after_november_2025_is_a_warning():
    ev = ClaimEvidence(materiality=sources([]), statement=QES)
    late = check_claim(balance(evidence=ev, period=Period.year(2026), credit_t=0), "PAS 2060", as_of="2027-06-30")
    assert late["PAS-WD-01"].status.value == "warning"
    assert pas(evidence=ev)["PAS-WD-01"].status.value == "pass"


def test_pas_balance_and_credit_rules_run():
    r = pas(evidence=ClaimEvidence(materiality=sources([]), statement=QES), credit_t=800)
    assert r["BAL-01"].status.value == "fail"
    assert r["ISO-CR-01.beneficiary"].source.endswith("(an ISO 14068-1 rule, applied to PAS 2060 claims as good "
                                                      "practice)")
    assert r.standard == "PAS 2060"


VCMI_OK = VcmiCriteria(inventory_public=True, target_validated=True, on_track=True, advocacy_aligned=True,
                       credits_high_quality=True)
S123 = {1: 4_000.0, 2: 3_000.0, 3: 3_000.0}


def vcmi(credit_t, criteria=VCMI_OK):
    return check_claim(balance(10_000.0, credit_t, ClaimEvidence(vcmi=criteria), by_scope=S123), "VCMI",
                       as_of="2025-06-30")


@pytest.mark.parametrize("credit_t, tier", [(2_000, "Silver"), (5_999, "Silver"), (6_000, "Gold"),
                                            (9_999, "Gold"), (10_000, "Platinum"), (12_000, "Platinum")])
def test_vcmi_tiers(credit_t, tier):
    r = vcmi(credit_t)
    assert r["VCMI-TIER"].status.value == "pass" and r["VCMI-TIER"].reason.endswith(f"VCMI {tier}")
    assert r.ok


def test_vcmi_below_silver_and_prerequisites():
    low = vcmi(1_999)
    assert low["VCMI-TIER"].status.value == "fail" and "19.99%" in low["VCMI-TIER"].reason
    no_target = vcmi(10_000, VcmiCriteria(inventory_public=True, on_track=True, advocacy_aligned=True,
                                          credits_high_quality=True))
    assert no_target["VCMI-FC-02"].status.value == "fail"
    assert no_target["VCMI-TIER"].status.value == "fail" and "validated target" in no_target["VCMI-TIER"].reason
    off_track = vcmi(10_000, VcmiCriteria(inventory_public=True, target_validated=True, advocacy_aligned=True,
                                          credits_high_quality=True))
    assert off_track["VCMI-FC-03"].status.value == "fail" and not off_track.ok
    low_quality = vcmi(10_000, VcmiCriteria(inventory_public=True, target_validated=True, on_track=True,
                                            advocacy_aligned=True))
    assert low_quality["VCMI-CR-01"].status.value == "fail"
    assert "0 t of high-quality credits" in low_quality["VCMI-TIER"].reason
    assert check_claim(balance(10_000.0, 10_000, None, by_scope=S123), "VCMI",
                       as_of="2025-06-30")["VCMI-TIER"].status.value == "fail"


def test_vcmi_needs_scope_3():
    r = check_claim(balance(10_000.0, 10_000, ClaimEvidence(vcmi=VCMI_OK)), "VCMI", as_of="2025-06-30")
    assert r["VCMI-FC-01"].status.value == "fail"


def test_evidence_must_be_typed():
    with pytest.raises(nc.InputError) as err:
        balance(evidence="see our website")
    assert err.value.column == "evidence"
    with pytest.raises(nc.InputError) as err:
        ClaimEvidence(materiality=[1, 2])
    assert err.value.column == "materiality"
    with pytest.raises(nc.InputError) as err:
        Materiality([EmissionSource("a", 1.0), EmissionSource("a", 2.0)])
    assert err.value.column == "sources"
