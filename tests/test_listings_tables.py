"""Claim checks and ledger listings are tables like every other result (issue 13): they convert and write."""

from __future__ import annotations

import datetime as dt

import pytest

from neutralcore.claim import Balance, check_claim
from neutralcore.offsets import Period



@pytest.fixture(scope="module")
def ledger(retired_ledger):
    return retired_ledger


def test_ledger_listings_are_tables(ledger, tmp_path):
    held = ledger.holdings_table()
    assert held["quantity"] == [12745] and held["programme"] == ["Verra VCS"] and held["vintage_start"] == ["2019-01-01"]
    gone = ledger.retirements_table(subject="Acme Ltd")
    assert gone["quantity"] == [8000] and gone["subject"] == ["Acme Ltd"] and gone["offset_quantity"] == [8000]
    assert gone["serial_start"] == [115597313] and gone["period_end"] == ["2024-12-31"]
    gone.to_csv(tmp_path / "retired.csv")
    assert (tmp_path / "retired.csv").read_text().splitlines()[0].startswith("id,subject,period_start")
    assert gone.to_pandas()["quantity"].tolist() == [8000]
    assert ledger.retirements_table(subject="Nobody")["quantity"] == []


def test_claim_checks_are_a_table(ledger):
    bal = Balance(subject="Acme Ltd", subject_type="organisation", period=Period.year(2024), emissions=11_500.0,
                  by_scope={"scope 1": 11_500.0}, gwp_set="AR5", scope2_basis="location",
                  credits=ledger.retirements("Acme Ltd"))
    result = check_claim(bal, as_of=dt.date(2026, 1, 1))
    table = result.table()
    assert table["rule"] == [c.rule for c in result.checks]
    assert set(table["status"]) <= {"pass", "warning", "fail"} and "fail" in table["status"]
    assert table.to_arrow().num_rows == len(result.checks)
