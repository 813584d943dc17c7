"""China's national ETS compliance (issue 16): CCER cap 5 %, surrender, report and surrender deadlines."""

from __future__ import annotations

import datetime as dt

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

import neutralcore as nc
from neutralcore.claim.china import EtsCompliance, check_ets

D = dt.date


def test_hand_worked_cap():
    c = EtsCompliance(2024, verified_emissions=1_000_000, allowances=950_000, ccer=50_000,
                      reported_on=D(2025, 3, 31), surrendered_on=D(2025, 12, 31), deadline=D(2025, 12, 31))
    assert (c.max_ccer, c.min_allowances, c.ccer_counted, c.balance) == (50_000.0, 950_000.0, 50_000.0, 0.0)
    r = check_ets(c)
    assert r.ok and r.standard == "China national ETS"
    assert r["CN-ETS-SURRENDER"].reason.endswith("met exactly")
    assert "Art. 29" in r["CN-ETS-CCER-CAP"].source and r["CN-ETS-CCER-CAP"].evidence == "P"


def test_ccer_above_cap_is_not_counted_and_leaves_a_shortfall():
    c = EtsCompliance(2024, verified_emissions=1_000_000, allowances=930_000, ccer=70_000, reported_on=D(2025, 3, 1))
    r = check_ets(c)
    assert r["CN-ETS-CCER-CAP"].status.value == "fail" and "20,000 t above the cap" in r["CN-ETS-CCER-CAP"].reason
    assert c.balance == -20_000.0 and "shortfall 20,000 t" in r["CN-ETS-SURRENDER"].reason
    assert r["CN-ETS-DEADLINE"].status.value == "warning"


def test_surplus_and_ineligible_ccer():
    c = EtsCompliance(2024, verified_emissions=100_000, allowances=99_000, ccer=3_000, ccer_from_covered_projects=1_000,
                      reported_on=D(2025, 3, 1))
    r = check_ets(c)
    assert r["CN-ETS-CCER-SOURCE"].status.value == "fail"
    assert c.ccer_counted == 2_000.0 and c.balance == 1_000.0 and "surplus 1,000 t" in r["CN-ETS-SURRENDER"].reason


def test_after_the_deadline_is_late():
    c = EtsCompliance(2024, verified_emissions=1_000, allowances=1_000, reported_on="2025-04-01",
                      surrendered_on="2026-01-05", deadline="2025-12-31")
    r = check_ets(c)
    assert r["CN-ETS-REPORT"].status.value == "fail" and "late, 1 day(s) after 2025-03-31" in r["CN-ETS-REPORT"].reason
    assert r["CN-ETS-DEADLINE"].status.value == "fail" and "late" in r["CN-ETS-DEADLINE"].reason
    assert not r.ok


def test_bad_input_names_the_field():
    with pytest.raises(nc.InputError) as err:
        EtsCompliance(2024, verified_emissions=-1, allowances=0)
    assert err.value.column == "verified_emissions"
    with pytest.raises(nc.InputError) as err:
        EtsCompliance(2024, verified_emissions=1, allowances=1, reported_on="31/03/2025")
    assert err.value.column == "reported_on" and err.value.__cause__ is not None
    with pytest.raises(nc.InputError):
        check_ets("2024")


@settings(max_examples=80, deadline=None)
@given(st.floats(0, 1e7), st.floats(0, 1e7), st.floats(0, 1e6))
def test_counted_ccer_never_exceeds_five_percent(verified, allowances, ccer):
    c = EtsCompliance(2024, verified_emissions=verified, allowances=allowances, ccer=ccer)
    assert c.ccer_counted <= 0.05 * verified + 1e-9
    assert (check_ets(c)["CN-ETS-SURRENDER"].status.value == "pass") == (c.balance >= -1e-9)
