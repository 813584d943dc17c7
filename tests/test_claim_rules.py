"""The rules table is the one list of claim rules: the checks, the docs and the reports all agree with it."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest

from neutralcore.claim import STANDARDS, Balance, ClaimPolicy, ReductionEvidence, check_claim, render
from neutralcore.claim.checks import CHECKS
from neutralcore.claim.result import EVIDENCE
from neutralcore.claim.rules import RULES, rules_for
from neutralcore.offsets import Offset, Period, Retirement

ROOT = Path(__file__).resolve().parents[1]
CLAIM = ROOT / "src" / "neutralcore" / "claim"
RULE_ID = re.compile(r"\b(?:ISO|SBT|PAS|GHG|S2|DEF|CCP|REG|VN|A6|BAL|CL|QF)-[A-Z0-9]+(?:-[0-9]+)?(?:\.[a-z]+)?\b")
Y2024 = Period.year(2024)


def retirement(i: int, **kw) -> Retirement:
    fields = dict(programme="Verra VCS", project_id="1060", country="VN", kind="avoidance", vintage=Period.year(2023),
                  serial_start=100 * i + 1, serial_end=100 * i + 100, issuance_date=dt.date(2024, 4, 1))
    fields.update(kw)
    return Retirement(id=i, offset=Offset(**fields), subject="Acme Ltd", period=Y2024, beneficiary="Acme Ltd",
                      retired_on=dt.date(2025, 3, 1))


def balances() -> list[Balance]:
    credits = (retirement(0), retirement(1, kind="removal", removal_type="nature-based"),
               retirement(2, programme="other", programme_name="ACR"))
    common = dict(period=Y2024, emissions=100.0, by_scope={"scope 1": 100.0}, gwp_set="AR6 GWP100",
                  scope2_basis="location")
    return [
        Balance(subject="Acme Ltd", subject_type="organisation", **common),
        Balance(subject="Hanoi", subject_type="city", credits=credits, **common),
        Balance(subject="Acme Ltd", subject_type="product", credits=credits,
                reduction=ReductionEvidence(period_index=2, base_emissions=1_000.0),
                policy=ClaimPolicy(retirement_window_months=3, max_vintage_age_years=0, min_permanence_years=100,
                                   net_zero_min_reduction=0.5), **common),
    ]


def test_every_rule_check_claim_reports_is_in_the_table():
    seen = set()
    for b in balances():
        for standard in STANDARDS:
            result = check_claim(b, standard, as_of="2026-01-01")
            assert [c.rule for c in result] == [r.id for r in rules_for(result.standard) if r.id in
                                                {c.rule for c in result}]
            for c in result:
                rule = RULES[c.rule]
                assert c.source.startswith(rule.source) or c.source.startswith(rule.policy_source.split("{")[0])
                seen.add(c.rule)
    assert seen == set(RULES)  # the balances above reach every rule


def test_each_rule_has_one_check_function_and_the_code_names_only_table_rules():
    assert set(CHECKS) == set(RULES)
    for path in CLAIM.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for rule_id in RULE_ID.findall(node.value):
                    assert rule_id in RULES, f"{path.name} names {rule_id!r}, which the rules table does not define"


@pytest.mark.parametrize("rule", list(RULES.values()), ids=list(RULES))
def test_every_rule_has_a_title_a_source_and_an_evidence_tag(rule):
    assert rule.title.strip() and rule.source.strip() and rule.standards
    assert rule.evidence in EVIDENCE and (rule.policy_evidence is None or rule.policy_evidence in EVIDENCE)
    assert "standards.md" not in rule.source + (rule.policy_source or "")
    assert not RULE_ID.search(rule.source), "a source cites the standard itself, not a rule id"


def test_the_docs_list_exactly_the_table():
    text = (ROOT / "docs" / "claim-rules.md").read_text(encoding="utf-8")
    rows = [line.split(" | ") for line in text.splitlines() if line.startswith("| ") and not line.startswith("| Rule")]
    assert [row[0].removeprefix("| ") for row in rows] == list(RULES)
    assert {row[0].removeprefix("| "): row[3] for row in rows} == {r.id: r.evidence for r in RULES.values()}


def test_nothing_cites_a_file_the_project_does_not_ship():
    files = [*CLAIM.glob("*.py"), ROOT / "docs" / "offset-and-claim.md", ROOT / "docs" / "claim-rules.md"]
    for path in files:
        assert "standards.md" not in path.read_text(encoding="utf-8"), path.name
    for b in balances():
        for fmt in ("markdown", "html", "json"):
            for standard in STANDARDS:
                text = render(b, fmt, standard=standard, as_of="2026-01-01")
                assert "standards.md" not in text
                assert set(RULE_ID.findall(text)) <= set(RULES)
