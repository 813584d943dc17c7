"""A balance assesses its credits once, and the serial-overlap test scales (issue 9)."""

from __future__ import annotations

import datetime as dt
import json
import time

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import neutralcore.claim.equation as equation
from neutralcore.claim import Balance, check_claim, render
from neutralcore.claim.assessment import overlapping
from neutralcore.offsets import Offset, Period, Retirement

Y2024 = Period.year(2024)


def block(i: int, start: int, end: int, project: str = "1060") -> Retirement:
    offset = Offset(programme="Verra VCS", project_id=project, country="VN", kind="avoidance",
                    vintage=Period.year(2023), serial_start=start, serial_end=end,
                    issuance_date=dt.date(2024, 4, 1), methodology="VM0042")
    return Retirement(id=i, offset=offset, subject="Acme Ltd", period=Y2024, beneficiary="Acme Ltd",
                      retired_on=dt.date(2025, 3, 1))


def balance(n: int) -> Balance:
    return Balance(subject="Acme Ltd", subject_type="organisation", period=Y2024, emissions=12_000.0,
                   by_scope={"scope 1": 7_000.0, "scope 2": 5_000.0}, gwp_set="AR6 GWP100",
                   scope2_basis="market", credits=tuple(block(i, 10 * i + 1, 10 * i + 10) for i in range(n)))


def test_credits_are_assessed_once_per_balance(monkeypatch):
    """Every figure, the check and all three reports read one assessment (they re-ran it per property)."""
    calls = []
    real = equation.assess_credits

    def counting(*args, **kw):
        calls.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(equation, "assess_credits", counting)
    b = balance(30)
    assert len(calls) == 1
    assert (b.C, b.removal_credits, b.shortfall, b.is_neutral) == (300.0, 0.0, 11_700.0, False)
    assert len(b.eligible_credits) == 30 and b.excluded_credits == ()
    b.statement(), b.outcome("net-zero"), b.to_dict()
    check_claim(b, as_of="2026-01-01")
    check_claim(b, "net-zero", as_of="2026-01-01")
    for fmt in ("markdown", "html", "json"):
        render(b, fmt, as_of="2026-01-01")
    assert len(calls) == 1
    render(b, policy=b.policy, as_of="2026-01-01")  # a policy given makes a new balance: assessed anew
    assert len(calls) == 2


def test_two_thousand_credits_check_and_report_in_seconds():
    """2,000 blocks: the old per-property O(n²) assessment took minutes; the bound is generous."""
    b = balance(2_000)
    start = time.perf_counter()
    result = check_claim(b, as_of="2026-01-01")
    md = render(b, as_of="2026-01-01")
    assert time.perf_counter() - start < 10.0
    assert result["ISO-CR-07"].status.value == "pass" and b.C == 20_000.0
    assert "short by 0 t" not in md and json.loads(render(b, "json", as_of="2026-01-01"))["balance"]["C_t"] == 20_000.0


def brute_force(credits: list[Retirement]) -> set[int]:
    clash = set()
    for i in range(len(credits)):
        for j in range(i + 1, len(credits)):
            if credits[i].offset.overlaps(credits[j].offset):
                clash.update((i, j))
    return clash


ranges = st.tuples(st.integers(1, 60), st.integers(0, 15), st.sampled_from(("1060", "1061")))


@given(st.lists(ranges, max_size=25))
def test_overlap_sweep_matches_pairwise_test(specs):
    """The sorted sweep flags exactly the blocks Offset.overlaps pairs up."""
    credits = [block(i, start, start + length, project) for i, (start, length, project) in enumerate(specs)]
    assert overlapping(credits) == brute_force(credits)


def test_overlap_examples():
    """Worked by hand: [1, 10] and [5, 6] overlap, [11, 20] touches neither, another project never clashes."""
    credits = [block(0, 1, 10), block(1, 11, 20), block(2, 5, 6), block(3, 1, 10, project="1061"),
               block(4, 0, 100, project="2000"), block(5, 100, 100, project="2000")]
    assert overlapping(credits) == {0, 2, 4, 5}


blocks = st.lists(st.tuples(st.integers(1, 200), st.integers(0, 50), st.sampled_from(("1060", "1061")),
                            st.sampled_from((dt.date(2025, 3, 1), dt.date(2026, 3, 1))),
                            st.sampled_from(("Acme Ltd", "Other Co"))), max_size=12)


@given(blocks, st.floats(0.0, 5_000.0), st.floats(0.0, 500.0))
def test_balance_invariants(specs, emissions, removals):
    """C plus what was excluded is what was offered; shortfall and surplus are the two sides of C − (E − R)."""
    credits = []
    for i, (start, length, project, retired_on, beneficiary) in enumerate(specs):
        credits.append(attrs.evolve(block(i, start, start + length, project), retired_on=retired_on,
                                    beneficiary=beneficiary))
    b = Balance(subject="Acme Ltd", subject_type="organisation", period=Y2024, emissions=emissions, by_scope={},
                gwp_set="AR6 GWP100", scope2_basis="location", removals=removals, credits=tuple(credits))
    offered = sum(r.quantity for r in credits)
    assert isinstance(b.C, float) and b.C + sum(r.quantity for r, _ in b.excluded_credits) == offered
    assert b.surplus - b.shortfall == pytest.approx(b.C - max(b.residual, 0.0))
    assert min(b.shortfall, b.surplus) == 0.0
    clash = overlapping(credits)
    result = check_claim(b, as_of="2027-01-01")
    assert (result["ISO-CR-07"].status.value == "fail") == bool(clash)
    assert all(i not in clash for i, r in enumerate(credits) if r in b.eligible_credits)
