"""Claims over many credit blocks: linear work, capped report listings that keep every figure (issue 14)."""

from __future__ import annotations

import datetime as dt
import json
import time

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neutralcore import ClaimError
from neutralcore.claim import Balance, check_claim, render
from neutralcore.claim import assessment as assessment_module
from neutralcore.claim.assessment import assess_credits
from neutralcore.claim.policy import ClaimPolicy
from neutralcore.claim.result import CheckStatus
from neutralcore.offsets import Offset, Period, Retirement, add_months

Y2024 = Period.year(2024)


def block(i: int, *, project: str = "1060", beneficiary: str = "Acme Ltd", retired_on: dt.date = dt.date(2025, 3, 1),
          vintage: int = 2023, issued: dt.date | None = dt.date(2024, 4, 1), kind: str = "avoidance",
          start: int | None = None) -> Retirement:
    first = 10 * i + 1 if start is None else start
    offset = Offset(programme="Verra VCS", project_id=project, country="VN", kind=kind,
                    removal_type="technological" if kind == "removal" else None,
                    vintage=Period.year(vintage), serial_start=first, serial_end=first + 9,
                    issuance_date=issued, methodology="VM0042")
    return Retirement(id=i, offset=offset, subject="Acme Ltd", period=Y2024, beneficiary=beneficiary,
                      retired_on=retired_on)


def balance(credits, **kw) -> Balance:
    return Balance(subject="Acme Ltd", subject_type="organisation", period=Y2024, emissions=12_000.0,
                   by_scope={1: 7_000.0, 2: 5_000.0}, gwp_set="AR6 GWP100", scope2_basis="market",
                   credits=tuple(credits), **kw)


def many(n: int) -> Balance:
    return balance(block(i) for i in range(n))


def test_twenty_thousand_credits_check_and_render_in_seconds():
    """20,000 blocks: checked and written in all three formats; took ~30 s before issue 14, ~2 s now."""
    b = many(20_000)
    start = time.perf_counter()
    result = check_claim(b, as_of="2026-01-01")
    md = render(b, as_of="2026-01-01")
    html = render(b, "html", as_of="2026-01-01")
    data = json.loads(render(b, "json", as_of="2026-01-01"))
    assert time.perf_counter() - start < 20.0
    assert b.C == 200_000.0 and result["BAL-01"].status is CheckStatus.PASS
    assert len(result["ISO-CR-07.ledger"].credits) == 20_000 and len(data["balance"]["credits"]) == 20_000
    assert "| Verra VCS | avoidance | 2023-01-01 to 2023-12-31 | 20,000 | 200,000 | 200,000 |" in md
    assert ("The first 1,000 of 20,000 blocks are listed below. The other 19,000 blocks (190,000 t retired, "
            "190,000 t counted in C)") in md
    assert md.count("| Verra VCS | 1060 |") == 1_000 and html.count("<td>Verra VCS</td><td>1060</td>") == 1_000


def test_capped_listing_keeps_every_figure():
    """Worked by hand: 3 blocks counted (30 t), 2 not (20 t), listing capped at 2 of each."""
    credits = [block(0), block(1), block(2, beneficiary="Other Co"), block(3, retired_on=dt.date(2026, 3, 1)),
               block(4)]
    b = balance(credits)
    md = b.report(as_of="2026-01-01", max_blocks=2)
    assert "Avoidance / reduction credits: 50 t retired, 30 t counted in C." in md
    assert "| Verra VCS | avoidance | 2023-01-01 to 2023-12-31 | 5 | 50 | 30 |" in md
    assert ("The first 2 of 5 blocks are listed below. The other 3 blocks (30 t retired, 10 t counted in C) are in "
            "the summary above") in md
    assert md.count("| Verra VCS | 1060 |") == 2
    assert md.count("Not counted: ") == 2
    assert "are not counted; " not in md  # both named: no table
    capped = b.report(as_of="2026-01-01", max_blocks=1)
    assert capped.count("Not counted: ") == 1
    assert "2 blocks (20 t) are not counted; the first is named above, and here all of them by reason:" in capped
    assert "| ISO-CR-01.beneficiary: beneficiary 'Other Co' is not the claimant 'Acme Ltd' | 1 | 10 |" in capped
    full = b.report(as_of="2026-01-01", max_blocks=None)
    assert full.count("| Verra VCS | 1060 |") == 5 and "The first" not in full
    assert full == b.report(as_of="2026-01-01")  # below the default cap: the whole listing, as before


@pytest.mark.parametrize("bad", [-1, 1.5, "10", True])
def test_max_blocks_must_be_a_count(bad):
    with pytest.raises(ClaimError, match="max_blocks must be a whole number >= 0 or None"):
        render(many(1), max_blocks=bad, as_of="2026-01-01")


def test_reason_groups_blocks_beyond_ten():
    """12 blocks retired for another beneficiary: one finding, 12 blocks, 120 t; every block still named."""
    b = balance([block(i, beneficiary="Other Co") for i in range(12)])
    check = check_claim(b, as_of="2026-01-01")["ISO-CR-01.beneficiary"]
    assert check.status is CheckStatus.FAIL
    assert check.reason == ("12 blocks, 120 t (first Verra VCS project 1060 serials 1-10): beneficiary 'Other Co' "
                            "is not the claimant 'Acme Ltd'. These credits are not counted in C")
    assert len(check.credits) == 12 and check.credits[-1] == "Verra VCS project 1060 serials 111-120"
    few = check_claim(balance([block(0, beneficiary="Other Co")]), as_of="2026-01-01")["ISO-CR-01.beneficiary"]
    assert few.reason == ("Verra VCS project 1060 serials 1-10 (10 t): beneficiary 'Other Co' is not the claimant "
                          "'Acme Ltd'. These credits are not counted in C")


def test_json_lists_every_block_one_a_line_and_reads_back():
    """The records written apart from the indented body read back as the balance's own dicts."""
    b = balance([block(0), block(1, beneficiary='Quote " and } {, Co'), block(2, kind="removal")],
                boundary='records-"x"')
    text = render(b, "json", as_of="2026-01-01")
    data = json.loads(text)
    assert data["balance"]["credits"] == json.loads(json.dumps(b.to_dict()["credits"]))
    assert data["balance"]["boundary"] == 'records-"x"'
    assert text.count('\n      {"id": ') == 3
    assert data["checks"][[c["rule"] for c in data["checks"]].index("ISO-CR-07.ledger")]["credits"] == [
        "Verra VCS project 1060 serials 1-10", "Verra VCS project 1060 serials 11-20",
        "Verra VCS project 1060 serials 21-30"]


def test_each_block_named_once(monkeypatch):
    """Several checks name every block; the names are worked out once per balance."""
    calls = []
    real = assessment_module.block_names
    monkeypatch.setattr(assessment_module, "block_names", lambda blocks: calls.append(1) or real(blocks))
    b = many(30)  # not from a ledger, no corresponding adjustment: two checks name all 30 blocks
    result = check_claim(b, as_of="2026-01-01")
    assert len(result["ISO-CR-07.ledger"].credits) == len(result["A6-02"].credits) == 30
    render(b, as_of="2026-01-01")
    assert len(calls) == 1


def one_by_one(credits, policy: ClaimPolicy) -> tuple[set[int], float]:
    """The per-block rules run on every block with no sharing: which blocks fail, and C."""
    names = {"acme ltd"}
    deadline = add_months(Y2024.end, policy.retirement_window_months)
    clash = assessment_module.overlapping(credits)
    failed = set()
    for i, r in enumerate(credits):
        found = [assessment_module._beneficiary(r, names, "Acme Ltd"),
                 assessment_module._subject_period(r, "Acme Ltd", Y2024),
                 assessment_module._window(r, deadline), assessment_module._ex_post(r)]
        if policy.max_vintage_age_years is not None:
            found.append(assessment_module._vintage_age(r, Y2024, policy.max_vintage_age_years))
        if i in clash or any(s is CheckStatus.FAIL for _, s, _ in found):
            failed.add(i)
    return failed, float(sum(r.quantity for i, r in enumerate(credits) if i not in failed))


specs = st.lists(st.tuples(
    st.integers(0, 40), st.sampled_from(("1060", "1061")), st.sampled_from(("Acme Ltd", "acme  LTD", "Other Co")),
    st.sampled_from((dt.date(2023, 6, 1), dt.date(2025, 3, 1), dt.date(2026, 3, 1))),
    st.sampled_from((2016, 2023, 2024)), st.sampled_from((None, dt.date(2024, 4, 1), dt.date(2025, 4, 1))),
    st.sampled_from(("avoidance", "removal"))), max_size=30)


@settings(max_examples=150, deadline=None)
@given(specs, st.sampled_from((None, 5)))
def test_shared_judgement_matches_block_by_block(rows, max_age):
    """Judging each distinct set of facts once gives the same failures and C as judging every block."""
    credits = [block(i, start=start, project=p, beneficiary=who, retired_on=on, vintage=v, issued=issued, kind=k)
               for i, (start, p, who, on, v, issued, k) in enumerate(rows)]
    policy = ClaimPolicy(max_vintage_age_years=max_age)
    a = assess_credits(credits, subject="Acme Ltd", period=Y2024, claimant="Acme Ltd", policy=policy)
    failed, c = one_by_one(credits, policy)
    assert set(a.failures) == failed and a.counted_t == c
    assert a.removal_t == float(sum(r.quantity for i, r in enumerate(credits)
                                    if i not in failed and r.offset.kind.value == "removal"))
    assert a.eligible() == tuple(r for i, r in enumerate(credits) if i not in failed)
    b = balance(credits, policy=policy)
    assert b.C == c and b.to_dict()["credits"] == [{**r.to_dict(), "eligible": i not in failed}
                                                   for i, r in enumerate(credits)]
