"""Every public result and value type has a short ``__repr__`` and ``_repr_html_`` stating its key facts."""

from __future__ import annotations

import html

import pytest

import neutralcore as nc
from neutralcore.claim import Balance
from neutralcore.offsets import OffsetLedger, Period
from neutralcore.plugins.levers import EnergyEfficiency

LIMIT = 2_000  # characters: a view, never a dump


@pytest.fixture(scope="module")
def ledger(retired_ledger):
    return retired_ledger


@pytest.fixture(scope="module")
def balance(ledger):
    return Balance(subject="Acme Ltd", subject_type="organisation", period=Period.year(2024), emissions=12_000.0,
                   by_scope={1: 7_000.0, 2: 5_000.0}, gwp_set="AR6 GWP100", scope2_basis="market", removals=500.0,
                   credits=ledger.retirements("Acme Ltd", Period.year(2024)), boundary="Operational control")


@pytest.fixture(scope="module")
def market():
    fs = nc.load_factors("vietnam", "ipcc")
    inv = nc.Inventory([nc.Activity("electricity.grid", 4_800, "MWh", region="VN", year=2023, scope=2, site="a"),
                        nc.Activity("electricity.grid", 100, "MWh", region="VN", year=2024, scope=2, site="a")])
    recs = [nc.ContractualInstrument("I-REC", 1_000, market="VN", vintage=2023, retired_for="A")]
    return fs, inv, inv.emissions(fs, scope2="market", instruments=recs, entity="A")


def check(obj, *facts: str) -> None:
    text, page = repr(obj), obj._repr_html_()
    assert len(text) <= LIMIT and len(page) <= 3 * LIMIT, (len(text), len(page))  # HTML cells carry their styles
    for fact in facts:
        assert fact in text, (fact, text)
        assert html.escape(fact) in page, (fact, page)


def test_balance(balance):
    """E 12,000, R 500: residual 11,500; C 8,000 retired; shortfall 3,500 t (the 3,197-character dump is gone)."""
    check(balance, "Balance: Acme Ltd (organisation), 2024-01-01 to 2024-12-31", "E: 12,000 t CO2e (AR6 GWP100; scope 2 market-based)",
          "E - R: 11,500 t CO2e", "C: 8,000 t CO2e", "shortfall: 3,500 t CO2e")


def test_claim_result(balance):
    result = balance.check(as_of="2025-06-30")
    check(result, "ClaimResult (ISO 14068-1): 1 failed: BAL-01", "BAL-01", "fail")
    assert repr(result).splitlines()[3].startswith("BAL-01")  # failures first


def test_target():
    """SBTi 1.5C: 4.2 %/yr x 7 years = 29.4 % below 4,071.98 t = 2,874.82 t in 2030."""
    check(nc.Target.sbti(2023, 4071.98, 2030), "Target: SBTi 1.5C", "4,071.98 t CO2e in 2023 to 2,874.82 in 2030 (-29.4%)",
          "scopes 1, 2, scope 2 location-based")


def test_offset_and_ledger(ledger):
    block = ledger.holdings()[0]
    check(block, "Verra VCS project 1060", "115605313-115618057", "12,745")
    check(ledger, "OffsetLedger(':memory:'", "held", "12,745 t CO2e", "8,000 t CO2e")
    ledger2 = OffsetLedger(":memory:")
    ledger2.close()
    assert repr(ledger2) == "OffsetLedger(':memory:') (closed)"


def test_emissions_states_gwp_basis_and_fallbacks(market):
    _fs, _inv, res = market
    # 2023: (4,800 - 1,000) x 0.6592 = 2,504.96 t; 2024: 100 MWh x 0.6592 (the 2023 factor, by year fallback)
    check(res, "GWP100 AR5", "scope 2 market-based", "1 row(s) used a fallback factor")
    check(res.scope2, "Scope 2, location- and market-based", "1 given, 1 applied", "No residual mix")
    check(res.matches, "Matches: 2 rows, 1 by fallback (1 key(s))")
    loc = _inv.where(year=2023).emissions(_fs)
    check(loc, "scope 2 location-based", "No row used a fallback factor.")


def test_scenario_trajectory_and_lever(market):
    fs, inv, _res = market
    lever = EnergyEfficiency(0.15, activity="electricity", name="LED", costs=nc.Costs(capex=1_000, lifetime=10))
    scenario = nc.Scenario(inv.where(year=2023), [(lever, 2024)], factors=fs, name="plan")
    check(scenario, "plan", "LED from 2024")
    trajectory = scenario.trajectory(2023, 2040)
    check(trajectory, "Trajectory of plan 2023-2040")
    assert "2,689.536" in repr(trajectory)  # 4,800 x 0.85 x 0.6592
    page = lever._repr_html_()
    assert "LED (efficiency)" in page and "cut: 0.15<" in page and "capex 1,000 USD over 10 yr" in page


def test_list_packs_is_a_table():
    packs = nc.list_packs()
    assert isinstance(packs, tuple) and {p.name for p in packs} >= {"vietnam", "china", "ipcc"}
    check(packs, "factor pack(s) installed", "vietnam", "2014-2023")


def test_views_escape_user_text(ledger):
    b = Balance(subject="<script>x</script>", subject_type="organisation", period=Period.year(2024),
                emissions=1.0, by_scope={1: 1.0}, gwp_set="AR6 GWP100", scope2_basis="location")
    assert "<script>" not in b._repr_html_() and "&lt;script&gt;" in b._repr_html_()


def test_built_in_levers_repr_on_one_line():
    """Each built-in lever prints its name and key figures on one short line, not attrs' ~390-character dump."""
    from neutralcore.plugins.levers import CarbonCapture, FuelSwitch, RenewableContract, RooftopSolar, TreePlanting

    cases = [
        (RooftopSolar(500, 1_200, site="plant-1", name="solar-1", costs=nc.Costs(capex=1_000_000, lifetime=25)),
         "RooftopSolar('solar-1', capacity 500 kWp, specific_yield 1,200 kWh/kWp/yr, site plant-1, "
         "costs capex 1,000,000 USD over 25 yr)"),
        (EnergyEfficiency(0.15, activity="electricity", name="LED"), "EnergyEfficiency('LED', cut 0.15, activity electricity)"),
        (FuelSwitch("fuel.diesel", "electricity.grid", share=0.5, to_efficiency=3.0),
         "FuelSwitch('fuel-switch', share 0.5, from_efficiency 1, to_efficiency 3, from_activity fuel.diesel, "
         "to_activity electricity.grid)"),
        (CarbonCapture(0.9, activity="fuel.coal"), "CarbonCapture('ccs', capture_rate 0.9, energy_penalty 0, activity fuel.coal)"),
        (RenewableContract(2_000, "I-REC", market="VN", vintage=2024),
         "RenewableContract('renewable-contract', mwh 2,000 MWh, rate 0 t/MWh, instrument I-REC, market VN, vintage 2024)"),
        (TreePlanting("plantation.tropical_moist_deciduous_forest.asia", area=12.5, planted=2026),
         "TreePlanting('tree-planting', rate plantation.tropical_moist_deciduous_forest.asia, area 12.5 ha, planted 2026)"),
    ]
    for lever, expected in cases:
        text = repr(lever)
        assert text == expected and len(text) < 160 and "\n" not in text
        for name, value in lever._facts():
            assert html.escape(f"{name}: {value}") in lever._repr_html_()  # the same facts in both views
