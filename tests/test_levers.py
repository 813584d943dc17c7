"""The built-in levers, worked by hand from published factors.

Factors (tests/factors_fixture.py): Viet Nam grid 2023 0.6592 t CO2/MWh (MONRE/DCC); IPCC 2006
Vol.2 Table 2.3 diesel 74,100 / 3 / 0.6 and LPG 63,100 / 1 / 0.1 kg CO2 / CH4 / N2O per TJ, NCV
43.0 and 47.3 TJ/Gg (Table 1.2); diesel density 839.5 kg/m^3 (Statistics Canada); natural gas
56,100 / 1 / 0.1 kg per TJ (Table 2.3).  GWP100 AR5: CH4 28, N2O 265.
Sequestration: IPCC 2006 Vol.4 Table 4.10 (tropical moist deciduous, Asia: 8 t dm/ha/yr),
Table 4.3 (CF 0.47), Table 4.4 (R 0.20), Table 8.2 (mixed hardwood 0.0100 t C/tree/yr).
"""

from __future__ import annotations

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neutralcore as nc
from factors_fixture import IPCC, published_factors
from neutralcore.levers import Costs, Outcome, crf
from neutralcore.plugins.levers import (
    CarbonCapture,
    EnergyEfficiency,
    FuelSwitch,
    RenewableContract,
    RooftopSolar,
    TreePlanting,
    efficiency,
    sequestration_rate,
    standard,
)

GAS = nc.Factor("fuel.natural_gas.stationary", "World", 2006, "kg/TJ", {"CO2": 56100, "CH4": 1, "N2O": 0.1}, IPCC,
                ncv=nc.FuelProperty("ncv", 48.0, "TJ/Gg", IPCC))
DIESEL_TJ = 15.0 * 839.5 * 43.0e-6  # 15,000 L -> 12,592.5 kg -> 0.5414775 TJ


def factors() -> nc.FactorSet:
    return nc.FactorSet.merge(published_factors(), nc.FactorSet.from_factors([GAS]))


def factory(grid_mwh: float = 1_200.0) -> nc.Inventory:
    return nc.Inventory([
        nc.Activity("electricity.grid", grid_mwh, "MWh", region="VN", year=2023, scope=2, site="bd"),
        nc.Activity("fuel.diesel.stationary", 15_000, "L", region="VN", year=2023, scope=1, site="bd"),
        nc.Activity("fuel.lpg.stationary", 100, "t", region="VN", year=2023, scope=1, site="bd"),
    ])


def total(inv: nc.Inventory) -> float:
    return inv.emissions(factors()).total()


# -- rooftop solar ------------------------------------------------------------------------


def test_solar_displaces_self_consumed_generation():
    """500 kWp x 1,300 kWh/kWp = 650 MWh; 1,200 - 650 = 550 MWh left; 650 x 0.6592 = 428.48 t less."""
    inv = factory()
    out = RooftopSolar(500, 1300, site="bd").apply(inv, 2023)
    assert out.quantity[0] == pytest.approx(550.0)
    assert total(inv) - total(out) == pytest.approx(428.48)
    assert inv.quantity[0] == 1_200.0  # input untouched


def test_solar_never_displaces_more_than_the_site_buys():
    """2,000 kWp x 1,300 = 2,600 MWh > 1,200 bought: grid falls to 0, 1,400 MWh exported, not credited."""
    inv = factory()
    lever = RooftopSolar(2, 1300, capacity_unit="MWp")
    assert lever.generation_mwh == pytest.approx(2_600.0)
    out = lever.apply(inv, 2023)
    assert out.quantity[0] == pytest.approx(0.0)
    assert lever.exported_mwh(inv) == pytest.approx(1_400.0)


def test_solar_spreads_over_rows_in_kwh_and_needs_a_site_when_several():
    inv = nc.Inventory([
        nc.Activity("electricity.grid", 600_000, "kWh", region="VN", year=2023, scope=2, site="a"),
        nc.Activity("electricity.grid", 600, "MWh", region="VN", year=2023, scope=2, site="a"),
        nc.Activity("electricity.grid", 900, "MWh", region="VN", year=2023, scope=2, site="b"),
    ])
    out = RooftopSolar(300, 1000, site="a").apply(inv, 2023)  # 300 MWh over 1,200 MWh at site a: 25 % each
    np.testing.assert_allclose(out.quantity, [450_000, 450, 900])
    with pytest.raises(nc.LeverError, match="name the site"):
        RooftopSolar(300, 1000).apply(inv, 2023)


# -- efficiency ------------------------------------------------------------------------------


def test_efficiency_cuts_chosen_activity_only():
    out = EnergyEfficiency(0.10, activity="electricity", site="bd").apply(factory(), 2023)
    np.testing.assert_allclose(out.quantity, [1_080.0, 15_000.0, 100.0])


def test_efficiency_by_site_cuts_everything_there():
    out = EnergyEfficiency(0.5, site="bd").apply(factory(), 2023)
    np.testing.assert_allclose(out.quantity, [600.0, 7_500.0, 50.0])


# -- fuel switch -------------------------------------------------------------------------------


def test_diesel_boiler_to_natural_gas_energy_equivalent():
    """0.5414775 TJ diesel x 0.80 / 0.90 = 0.4813133 TJ gas = 481.3133 GJ.

    Gas CO2e = 0.4813133 x (56.1 + 0.001 x 28 + 0.0001 x 265) = 27.0279 t.
    """
    fs = factors()
    sw = FuelSwitch.from_factors(fs, "fuel.diesel.stationary", "fuel.natural_gas.stationary",
                                 from_efficiency=0.80, to_efficiency=0.90)
    out = sw.apply(factory(), 2023)
    gas_gj = DIESEL_TJ * 0.8 / 0.9 * 1000
    assert out.quantity[1] == 0.0
    assert out.quantity[-1] == pytest.approx(gas_gj)
    assert out.to_columns()["unit"][-1] == "GJ" and out.to_columns()["scope"][-1] == 1
    by = out.emissions(fs).by("activity")
    gas = dict(zip(by["activity"], by["co2e_t"]))["fuel.natural_gas.stationary"]
    assert gas == pytest.approx(gas_gj / 1000 * (56.1 + 0.001 * 28 + 0.0001 * 265))


def test_lpg_to_electricity_adds_scope2_rows():
    """100 t LPG x 47.3 TJ/Gg = 4.73 TJ; x 0.85 / 0.95 = 4.23211 TJ = 1,175.585 MWh of grid electricity."""
    sw = FuelSwitch.from_factors(factors(), "fuel.lpg.stationary", "electricity.grid", from_efficiency=0.85,
                                 to_efficiency=0.95)
    out = sw.apply(factory(), 2023)
    assert out.quantity[-1] == pytest.approx(4.73 * 0.85 / 0.95 / 0.0036)
    assert out.to_columns()["scope"][-1] == 2
    assert out.quantity[2] == 0.0


def test_partial_switch_keeps_the_rest():
    sw = FuelSwitch.from_factors(factors(), "fuel.lpg.stationary", "fuel.natural_gas.stationary", share=0.25)
    out = sw.apply(factory(), 2023)
    assert out.quantity[2] == pytest.approx(75.0)
    assert out.quantity[-1] == pytest.approx(0.25 * 4.73 * 1000)


def test_fuel_switch_acts_on_scope1_fuel_only():
    """10 TJ diesel burned on site (scope 1) -> 10,000 GJ of gas; 5 TJ of a contractor's diesel (scope 3) stays."""
    inv = nc.Inventory([
        nc.Activity("fuel.diesel.stationary", 10, "TJ", region="VN", year=2023, scope=1, site="bd"),
        nc.Activity("fuel.diesel.stationary", 5, "TJ", region="VN", year=2023, scope=3, site="bd", category="4"),
    ])
    out = FuelSwitch("fuel.diesel.stationary", "fuel.natural_gas.stationary").apply(inv, 2023)
    cols = out.to_columns()
    assert cols["quantity"] == [0.0, 5.0, 10_000.0]
    assert cols["scope"] == [1, 3, 1]
    with pytest.raises(nc.LeverError, match=r"own equipment \(scope 1\); the fuel.diesel.stationary rows are in scope 3"):
        FuelSwitch("fuel.diesel.stationary", "fuel.natural_gas.stationary").apply(inv.where(scope=3), 2023)


def test_fuel_switch_needs_fuel_properties_for_litres():
    with pytest.raises(nc.LeverError, match="density and net calorific value"):
        FuelSwitch("fuel.diesel.stationary", "fuel.natural_gas.stationary").apply(factory(), 2023)


# -- renewable contracts, CCS, trees ------------------------------------------------------------


def test_contract_changes_only_market_based():
    inv = factory()
    c = RenewableContract(1_000, "I-REC", market="VN", retired_for="Acme")
    o = c.outcome(inv, 2023)
    assert o.inventory is inv
    (ins,) = o.instruments
    assert (ins.mwh, ins.vintage, ins.kind) == (1_000.0, 2023, "I-REC")
    res = o.inventory.emissions(factors(), scope2="market", instruments=o.instruments, entity="Acme")
    # market: 200 MWh at the grid average (VN has no residual mix) = 131.84 t; location unchanged 791.04 t
    assert res.scope2.market_total() == pytest.approx(131.84)
    assert res.scope2.location_total() == pytest.approx(791.04)


def test_ccs_captures_co2_of_chosen_scope1_sources():
    """Diesel CO2 = 0.5414775 TJ x 74.1 t/TJ = 40.1235 t; 90 % captured = 36.1112 t; CH4, N2O not."""
    inv = factory()
    o = CarbonCapture(0.9, activity="fuel.diesel").outcome(inv, 2023)
    em = o.inventory.emissions(factors())
    assert o.captured(em) == pytest.approx(0.9 * DIESEL_TJ * 74.1)


def test_two_captures_on_one_source_combine_in_series():
    """10 TJ diesel: CO2 741 t, CH4 0.03 t x 28 = 0.84, N2O 0.006 t x 265 = 1.59 t CO2e.

    Two 90 % units on the same stack capture 1 - 0.1 x 0.1 = 99 % of the CO2 = 733.59 t (not 180 % = 1,333.8 t);
    scope 1 left = 7.41 + 0.84 + 1.59 = 9.84 t, never negative.
    """
    inv = nc.Inventory([nc.Activity("fuel.diesel.stationary", 10, "TJ", region="VN", year=2023, scope=1, site="bd")])
    o = Outcome(inv).then(CarbonCapture(0.9, activity="fuel.diesel", name="a"), 2023)
    o = o.then(CarbonCapture(0.9, activity="fuel.diesel", name="b"), 2023)
    em = o.inventory.emissions(factors())
    assert o.captured(em) == pytest.approx(733.59)
    assert em.total() - o.captured(em) == pytest.approx(9.84)


def test_ccs_energy_penalty_burns_more_fuel():
    out = CarbonCapture(0.9, activity="fuel.diesel", energy_penalty=0.2).apply(factory(), 2023)
    assert out.quantity[1] == pytest.approx(18_000.0)


def test_tree_planting_is_a_separate_removal():
    """10 ha x 8 t dm/ha/yr x 0.47 x 44/12 = 137.8667 t CO2/yr; with roots R = 0.20: 165.44."""
    inv = factory()
    t = TreePlanting("plantation.tropical_moist_deciduous_forest.asia", area=10, planted=2025, duration=20)
    assert t.removals(inv, 2024) == ()
    (r,) = t.removals(inv, 2025)
    assert r.tonnes == pytest.approx(10 * 8 * 0.47 * 44 / 12)
    assert "DERIVED" in r.basis and "Table 4.10" in r.basis
    assert t.removals(inv, 2045) == ()
    assert t.apply(inv, 2025) is inv  # emissions are not netted
    rate = sequestration_rate("plantation.tropical_moist_deciduous_forest.asia",
                              roots="root_ratio.tropical_moist_deciduous_forest_above_ground_biomass_lt125_tonnes_ha")
    assert rate.value == pytest.approx(8 * 1.2 * 0.47 * 44 / 12)


def test_urban_trees_per_tree():
    """1,000 mixed-hardwood urban trees x 0.0100 t C x 44/12 = 36.667 t CO2/yr (Table 8.2)."""
    t = TreePlanting("urban_tree.mixed_hardwood", trees=1_000)
    assert t.removals(factory(), 2025)[0].tonnes == pytest.approx(36.6667, rel=1e-4)
    with pytest.raises(nc.LeverError, match="per tree"):
        TreePlanting("urban_tree.mixed_hardwood", area=3)


# -- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: RooftopSolar(-5, 1300), "must not be negative"),
        (lambda: EnergyEfficiency(1.5, activity="electricity"), "outside 0-100 %"),
        (lambda: EnergyEfficiency(15, activity="electricity"), "0.15 for 15 %"),
        (lambda: EnergyEfficiency(0.1), "activity= and/or site="),
        (lambda: CarbonCapture(1.2), "outside 0-100 %"),
        (lambda: CarbonCapture(0.9), "activity= and/or site="),
        (lambda: FuelSwitch("fuel.lpg.stationary", "fuel.natural_gas.stationary", to_efficiency=1.2), "above 100 %"),
        (lambda: RooftopSolar(5, 1300, activity="fuel.diesel.stationary"), "displaces electricity"),
        (lambda: TreePlanting("plantation.nowhere", area=1), "no sequestration value"),
        (lambda: Costs(100, 0), "lifetime"),
        (lambda: RooftopSolar(500, 1_300_000), "capacity factor above 100 %"),  # Wh given for kWh
        (lambda: RenewableContract(100, "carbon credit", market="VN"), "RenewableContract.instrument"),
        (lambda: RenewableContract(100, "REC", market="World"), "RenewableContract.market"),
        (lambda: TreePlanting("urban_tree.pine", trees=10, duration=True), "duration"),
    ],
)
def test_bad_parameters_are_lever_errors(make, match):
    with pytest.raises(nc.LeverError, match=match):
        make()


@pytest.mark.parametrize(
    "lever, match",
    [
        (EnergyEfficiency(0.1, activity="fuel.coal"), "cannot act on this inventory"),
        (CarbonCapture(0.9, activity="electricity.grid"), "CCS acts on scope 1"),
        (RooftopSolar(5, 1300, site="elsewhere"), "site 'elsewhere'"),
        (FuelSwitch("fuel.coal.anthracite.stationary", "fuel.natural_gas.stationary"), "cannot act"),
    ],
)
def test_lever_on_activities_it_cannot_act_on(lever, match):
    inv = factory()
    before = inv.quantity.copy()
    with pytest.raises(nc.LeverError, match=match):
        lever.apply(inv, 2023)
    np.testing.assert_array_equal(inv.quantity, before)


def test_parameters_carry_units_and_sets_configure_kinds():
    assert [(p.name, p.unit) for p in RooftopSolar(5, 1300).parameters] == [("capacity", "kWp"),
                                                                          ("specific_yield", "kWh/kWp/yr")]
    assert standard.names == ("rooftop-solar", "efficiency", "fuel-switch", "renewable-contract", "ccs", "tree-planting")
    lever = efficiency(0.2, activity="electricity", name="LED")
    assert isinstance(lever, EnergyEfficiency) and lever.name == "LED"
    with pytest.raises(nc.LeverError, match="pick one kind"):
        standard(0.2)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        lever.cut = 0.5


def test_capital_recovery_factor():
    assert crf(0.08, 10) == pytest.approx(0.1490295, rel=1e-6)
    assert crf(0.0, 10) == pytest.approx(0.1)
    with pytest.raises(nc.LeverError):
        crf(-1.0, 10)


# -- properties ---------------------------------------------------------------------------------

quantities = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=40, deadline=None)
@given(grid=quantities, diesel=quantities, cut=st.floats(0, 1), kwp=st.floats(0, 5_000), rate=st.floats(0, 1),
       which=st.sampled_from(["efficiency", "solar", "ccs"]))
def test_reduction_lever_never_raises_the_total(grid, diesel, cut, kwp, rate, which):
    inv = nc.Inventory([
        nc.Activity("electricity.grid", grid, "MWh", region="VN", year=2023, scope=2, site="s"),
        nc.Activity("fuel.diesel.stationary", diesel, "L", region="VN", year=2023, scope=1, site="s"),
    ])
    lever = {"efficiency": EnergyEfficiency(cut, activity=["electricity", "fuel"]),
             "solar": RooftopSolar(kwp, 1300),
             "ccs": CarbonCapture(rate, activity="fuel")}[which]
    fs = factors()
    before = inv.emissions(fs).total()
    o = lever.outcome(inv, 2023)
    em = o.inventory.emissions(fs)
    after = em.total() - o.captured(em)
    assert after <= before + 1e-9 * max(1.0, before)
    assert isinstance(o, Outcome)


@settings(max_examples=40, deadline=None)
@given(diesel=quantities, rate=st.floats(0, 1), penalty=st.floats(0, 1))
def test_ccs_never_raises_the_co2_it_claims_to_cut(diesel, rate, penalty):
    """With an energy penalty the sources burn more fuel; a lever whose capture cannot outweigh that is refused."""
    inv = nc.Inventory([nc.Activity("fuel.diesel.stationary", diesel, "L", region="VN", year=2023, scope=1, site="s")])
    if penalty > 0 and (1 + penalty) * (1 - rate) >= 1:
        with pytest.raises(nc.LeverError, match="add CO2, not cut it"):
            CarbonCapture(rate, activity="fuel", energy_penalty=penalty)
        return
    fs = factors()
    o = CarbonCapture(rate, activity="fuel", energy_penalty=penalty).outcome(inv, 2023)
    em = o.inventory.emissions(fs)
    before = _co2(inv.emissions(fs))
    assert _co2(em) - o.captured(em) <= before + 1e-9 * max(1.0, before)


def _co2(em: nc.Emissions) -> float:
    table = em.per_gas()
    return float(dict(zip(table["gas"], table["mass_t"])).get("CO2", 0.0))


def test_ccs_penalty_that_outweighs_capture_is_refused():
    """5 % capture with 30 % more fuel leaves 1.30 x 0.95 = 123.5 % of the CO2."""
    with pytest.raises(nc.LeverError, match=r"leaves 123\.5% of the sources' CO2"):
        CarbonCapture(0.05, activity="fuel", energy_penalty=0.3)
    assert CarbonCapture(0.9, activity="fuel", energy_penalty=0.3).energy_penalty == 0.3


def test_levers_with_prices_pickle():
    import pickle

    lever = EnergyEfficiency(0.1, activity="electricity.grid",
                             costs=nc.Costs(100_000, 10, prices={"electricity.grid": (100, "MWh")}))
    assert pickle.loads(pickle.dumps(lever)) == lever
