"""Scope 2 dual reporting: location-based unchanged, market-based by the GHG Protocol hierarchy.

Numbers are worked by hand.  The 0.5 / 0.6 t/MWh example is the constructed example of the
issue (a made-up market "XA"); the others use published factors: Viet Nam 2023 grid 0.6592
t CO2/MWh (MONRE/DCC), China 2023 East China grid 0.5500 and national average excluding
market-traded non-fossil power ("residual") 0.6096 t CO2/MWh (MEE/NBS).
"""

from __future__ import annotations

import numpy as np
import pytest

import neutralcore as nc
from neutralcore.measure.scope2 import market_based

EXAMPLE = nc.Source("Constructed example", "issue 4: 10,000 MWh, grid 0.5, residual mix 0.6 t/MWh", 2024)
DCC = nc.Source("MONRE Department of Climate Change", "Viet Nam grid emission factor (climatechange.vn summary, Table 1)", 2025)
MEE = nc.Source("MEE and NBS", "关于发布2023年电力二氧化碳排放因子的公告", 2026)


def example_factors() -> nc.FactorSet:
    return nc.FactorSet.from_factors([
        nc.Factor("electricity.grid", "XA", 2024, "t/MWh", {"CO2": 0.5}, EXAMPLE),
        nc.Factor("electricity.grid.residual", "XA", 2024, "t/MWh", {"CO2": 0.6}, EXAMPLE),
    ])


def example_inventory(mwh: float = 10_000) -> nc.Inventory:
    return nc.Inventory([nc.Activity("electricity.grid", mwh, "MWh", region="XA", year=2024, scope=2, site="plant")])


def rec(mwh, market="XA", vintage=2024, retired_for="Acme", **kw):
    return nc.ContractualInstrument("REC", mwh, market=market, vintage=vintage, retired_for=retired_for, **kw)


def test_issue_example_location_and_market():
    """10,000 MWh x 0.5 = 5,000 t; market: (10,000 - 6,000) MWh x 0.6 = 2,400 t."""
    inv, fs = example_inventory(), example_factors()
    res = inv.emissions(fs, scope2="market", instruments=[rec(6_000)], entity="Acme")
    assert res.total() == pytest.approx(2_400.0)
    assert res.scope2.market_total() == pytest.approx(2_400.0)
    assert res.scope2.location_total() == pytest.approx(5_000.0)
    assert res.scope2.instruments["status"] == ["applied"]


def test_issue_example_other_market_rejected_with_reason():
    """2,000 of the 6,000 MWh come from another market: (10,000 - 4,000) x 0.6 = 3,600 t."""
    inv, fs = example_inventory(), example_factors()
    res = inv.emissions(fs, scope2="market", instruments=[rec(4_000), rec(2_000, market="XB")], entity="Acme")
    assert res.total() == pytest.approx(3_600.0)
    table = res.scope2.instruments
    assert table["status"] == ["applied", "rejected"]
    assert table["applied_mwh"] == [4_000.0, 0.0]
    assert "different market" in table["reason"][1]
    assert any("rejected" in d and "XB" in d for d in res.scope2.disclosures)


def test_location_result_unchanged_by_default():
    inv, fs = example_inventory(), example_factors()
    plain = inv.emissions(fs)
    assert plain.scope2 is None
    assert plain.total() == pytest.approx(5_000.0)
    dual = inv.emissions(fs, scope2="location", instruments=[rec(6_000)], entity="Acme")
    assert dual.total() == plain.total()
    np.testing.assert_array_equal(dual.row_co2e(), plain.row_co2e())
    assert dual.scope2.market_total() == pytest.approx(2_400.0)


@pytest.mark.parametrize(
    "instrument, reason",
    [
        (rec(6_000, retired_for=None), "not retired"),
        (rec(6_000, retired_for="Someone Else"), "not for the reporting entity"),
        (rec(6_000, vintage=2022), "outside the vintage window"),
    ],
)
def test_failing_quality_criteria_not_applied(instrument, reason):
    """A failed instrument is not applied: all 10,000 MWh at the residual mix, 6,000 t."""
    res = example_inventory().emissions(example_factors(), scope2="market", instruments=[instrument], entity="Acme")
    assert res.total() == pytest.approx(6_000.0)
    assert res.scope2.instruments["status"] == ["rejected"]
    assert reason in res.scope2.instruments["reason"][0]


def test_vintage_window_is_a_policy():
    res = example_inventory().emissions(example_factors(), scope2="market", instruments=[rec(6_000, vintage=2023)],
                                        entity="Acme", vintage_window=(1, 0))
    assert res.total() == pytest.approx(2_400.0)


def test_excess_instruments_partly_applied_not_below_zero():
    res = example_inventory().emissions(example_factors(), scope2="market", instruments=[rec(12_000)], entity="Acme")
    assert res.total() == pytest.approx(0.0)
    assert res.scope2.instruments["status"] == ["partly applied"]
    assert res.scope2.instruments["applied_mwh"] == [10_000.0]


def test_instrument_own_rate_and_supplier_rate():
    """6,000 MWh at 0.1 (instrument rate) + 4,000 MWh at the supplier's 0.3 = 600 + 1,200 = 1,800 t."""
    sr = nc.SupplierRate(0.3, region="XA", supplier="Utility X")
    res = example_inventory().emissions(example_factors(), scope2="market", instruments=[rec(6_000, rate=0.1)],
                                        supplier_rates=[sr], entity="Acme")
    assert res.total() == pytest.approx(1_800.0)


def test_grid_average_fallback_is_disclosed():
    """Viet Nam publishes no residual mix: market-based = 1,000 MWh x 0.6592 = 659.2 t, and it says so."""
    fs = nc.FactorSet.from_factors([nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, DCC)])
    inv = nc.Inventory([nc.Activity("electricity.grid", 1_000, "MWh", region="VN", year=2023, scope=2)])
    res = inv.emissions(fs, scope2="market")
    assert res.total() == pytest.approx(659.2)
    assert res.scope2.fallbacks["used"] == ["grid average (no residual mix)"]
    assert any("No residual mix" in d and "VN" in d for d in res.scope2.disclosures)


def test_residual_mix_from_parent_region_and_parent_market_instrument():
    """Jiangsu (CN-JS): location via East China 0.5500; residual mix only for CN, 0.6096.

    1,000 MWh: location 550 t; market with 400 MWh of CN I-RECs = 600 x 0.6096 = 365.76 t.
    """
    fs = nc.FactorSet.from_factors(
        [
            nc.Factor("electricity.grid", "CN-EAST", 2023, "t/MWh", {"CO2": 0.5500}, MEE),
            nc.Factor("electricity.grid.residual", "CN", 2023, "t/MWh", {"CO2": 0.6096}, MEE),
        ],
        regions={"CN-JS": "CN-EAST", "CN-EAST": "CN", "CN": None},
    )
    inv = nc.Inventory([nc.Activity("electricity.grid", 1_000, "MWh", region="CN-JS", year=2023, scope=2)])
    irec = nc.ContractualInstrument("I-REC", 400, market="CN", vintage=2023, retired_for="Acme")
    res = inv.emissions(fs, scope2="market", instruments=[irec], entity="Acme")
    assert res.scope2.location_total() == pytest.approx(550.0)
    assert res.total() == pytest.approx(365.76)
    assert res.scope2.fallbacks["used"] == ["residual mix (fallback)"]
    assert res.scope2.fallbacks["region_used"] == ["CN"]


def test_kwh_rows_and_other_scopes_untouched():
    """500,000 kWh = 500 MWh at the residual 0.6 = 300 t; the scope 1 row keeps its figure."""
    ipcc = nc.Source("IPCC", "2006 IPCC Guidelines Vol.2 Table 2.3", 2006)
    fs = nc.FactorSet.merge(example_factors(), nc.FactorSet.from_factors(
        [nc.Factor("fuel.diesel.stationary", "World", 2006, "kg/TJ", {"CO2": 74100}, ipcc)]))
    inv = nc.Inventory([
        nc.Activity("electricity.grid", 500_000, "kWh", region="XA", year=2024, scope=2),
        nc.Activity("fuel.diesel.stationary", 10, "TJ", region="XA", year=2024, scope=1),
    ])
    res = inv.emissions(fs, scope2="market")
    by = dict(zip(res.by("scope")["scope"], res.by("scope")["co2e_t"]))
    assert by[2] == pytest.approx(300.0)
    assert by[1] == pytest.approx(741.0)


def test_instruments_need_the_reporting_entity():
    with pytest.raises(nc.InputError, match="entity"):
        example_inventory().emissions(example_factors(), scope2="market", instruments=[rec(1)])


def test_bad_options_and_instruments_are_typed_errors():
    with pytest.raises(nc.InputError):
        example_inventory().emissions(example_factors(), scope2="marginal")
    with pytest.raises(nc.InputError):
        nc.ContractualInstrument("REC", -5, market="XA", vintage=2024)
    with pytest.raises(nc.InputError):
        nc.ContractualInstrument("REC", 5, market="World", vintage=2024)
    with pytest.raises(nc.InputError):
        nc.ContractualInstrument("carbon credit", 5, market="XA", vintage=2024)


def test_electricity_in_two_scopes_under_one_key_is_refused():
    inv = nc.Inventory([
        nc.Activity("electricity.grid", 100, "MWh", region="XA", year=2024, scope=2),
        nc.Activity("electricity.grid", 50, "MWh", region="XA", year=2024, scope=3),
    ])
    with pytest.raises(nc.InputError, match="both in scope 2 and in another scope"):
        market_based(inv.emissions(example_factors()))


def test_results_say_which_scope2_method_they_hold():
    import neutralcore as nc
    from neutralcore.measure.scope2 import market_based

    src = nc.Source("MONRE/DCC", "Viet Nam grid EF 2023", 2025)
    fs = nc.FactorSet.from_factors([nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, src)])
    inv = nc.Inventory([nc.Activity("electricity.grid", 1000, "MWh", region="VN", year=2023, scope=2)])
    em = inv.emissions(fs)
    assert em.scope2_method == "location"
    assert market_based(em).market.scope2_method == "market"
    assert inv.emissions(fs, scope2="market").scope2_method == "market"
    assert inv.emissions(fs, scope2="location").scope2_method == "location"
