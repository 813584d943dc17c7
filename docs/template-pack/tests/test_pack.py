"""The pack author's tests: run them with the pack installed (pip install -e . ; pytest)."""

import pytest

import neutralcore as nc
from neutralcore.testing import check_factor_pack


def test_pack_passes_neutralcore_checks():
    """Entry point, pack.toml, every CSV row, sources and listing metadata are valid."""
    report = check_factor_pack("acme-example")
    assert report.pack.name == "acme-example"
    assert len(report.factors) == 2


def test_published_value():
    """The shipped value equals the published one (DCC, Viet Nam 2023: 0.6592 t CO2/MWh)."""
    factor = nc.load_factors("acme-example").get("electricity.grid", "VN", 2023)
    assert factor.gases["CO2"] == pytest.approx(0.6592, abs=1e-12)
    assert factor.pack == "acme-example"


def test_used_in_a_calculation():
    """1,000 MWh of Viet Nam grid electricity in 2023: 1,000 x 0.6592 = 659.2 t CO2."""
    inv = nc.Inventory([nc.Activity("electricity.grid", 1000, "MWh", region="VN", year=2023, scope=2)])
    total = inv.emissions(nc.load_factors("acme-example")).total()
    assert total == pytest.approx(659.2, rel=1e-12)  # t CO2e, a float


def test_lever_from_the_registry():
    """30 % heat recovery on 10 TJ of boiler diesel: 7 TJ x 74,100 kg CO2/TJ = 518.7 t CO2 (IPCC 2006 Table 2.3)."""
    lever = nc.registry.load("levers", "acme-heat-recovery")(0.3)
    inv = nc.Inventory([nc.Activity("fuel.diesel.stationary", 10, "TJ", region="VN", year=2023, scope=1)])
    after = lever.outcome(inv, 2023).inventory
    assert after.quantity[0] == pytest.approx(7.0)
    assert inv.quantity[0] == 10.0  # the input is untouched
    per_gas = after.emissions(nc.load_factors("ipcc")).per_gas()
    co2 = dict(zip(per_gas["gas"], per_gas["mass_t"]))["CO2"]
    assert co2 == pytest.approx(518.7, rel=1e-12)
