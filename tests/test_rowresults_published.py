"""``Emissions.rows()`` shows each row's emissions from its factor's published CO2e total, where it gives one."""

from __future__ import annotations

import math

import pytest

import neutralcore as nc

IPCC_DIESEL = nc.Source("IPCC", "2006 IPCC Guidelines, Vol. 2, Ch. 2, Table 2.2 (gas/diesel oil)", 2006)
DESNZ_TD = nc.Source("UK DESNZ", "Greenhouse gas reporting: conversion factors 2025, T&D- UK electricity", 2025)
VN = nc.Source("MONRE/DCC", "Viet Nam grid emission factor 2023", 2024)


def diesel() -> nc.Factor:
    # 74,100 + 3 x 28 + 0.6 x 265 = 74,343 kg CO2e per TJ under AR5
    return nc.Factor("fuel.diesel.stationary", "World", 2006, "kg/TJ", {"CO2": 74_100, "CH4": 3, "N2O": 0.6},
                     IPCC_DIESEL, gwp_basis="AR5", co2e_total=74_343)


def test_published_total_per_row_in_tonnes_beside_the_reweighted_one():
    """2 TJ x 74,343 kg CO2e/TJ = 148.686 t (AR5, as published); 2,000 GJ = the same 2 TJ; the grid row has none.

    Under AR4 the gases give 2 x (74,100 + 3 x 25 + 0.6 x 298) / 1,000 = 148.7076 t in co2e_t.
    """
    fs = nc.FactorSet.from_factors([diesel(), nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, VN)])
    inv = nc.Inventory([nc.Activity("fuel.diesel.stationary", 2, "TJ", region="VN", year=2023, scope=1),
                        nc.Activity("fuel.diesel.stationary", 2_000, "GJ", region="VN", year=2023, scope=1),
                        nc.Activity("electricity.grid", 1_000, "MWh", region="VN", year=2023, scope=2)])
    t = inv.emissions(fs, gwp="AR4").rows()
    cols = t.columns
    assert cols.index("published_co2e_t") == cols.index("N2O_t") + 1
    assert cols.index("published_gwp_basis") == cols.index("published_co2e_t") + 1
    assert t["published_co2e_t"][:2].tolist() == [pytest.approx(148.686, rel=1e-12)] * 2
    assert math.isnan(t["published_co2e_t"][2])
    assert list(t["published_gwp_basis"]) == ["AR5", "AR5", None]
    assert t["co2e_t"][0] == pytest.approx(148.7076, rel=1e-12)


def test_no_column_without_a_published_total():
    fs = nc.FactorSet.from_factors([nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, VN)])
    inv = nc.Inventory([nc.Activity("electricity.grid", 1_000, "MWh", region="VN", year=2023, scope=2)])
    assert "published_co2e_t" not in inv.emissions(fs).rows().columns


def test_published_total_of_a_desnz_row_with_gases_in_kg_co2e():
    """DESNZ 2025 T&D UK electricity: 0.01853 kg CO2e/kWh, of which CO2 0.01834, CH4 0.00008, N2O 0.00011 kg CO2e
    (AR5): 50,000 kWh give 0.9265 t as published."""
    gases = {"CO2": 0.01834, "CH4": 0.00008 / 28, "N2O": 0.00011 / 265}
    f = nc.Factor("electricity.grid.td", "GB", 2025, "kg/kWh", gases, DESNZ_TD, gwp_basis="AR5", co2e_total=0.01853)
    inv = nc.Inventory([nc.Activity("electricity.grid.td", 50, "MWh", region="GB", year=2025, scope=3)])
    r = inv.emissions(nc.FactorSet.from_factors([f])).rows().row(0)
    assert r["published_co2e_t"] == pytest.approx(0.9265, rel=1e-12)
    assert r["co2e_t"] == pytest.approx(0.9265, rel=1e-12)


def test_a_market_based_scope_2_row_has_no_published_total():
    """A market-based row's rate is the instrument's or residual mix's, not its factor's: NaN there."""
    src = nc.Source("Test publisher", "illustrative grid factor for the market-based rows test", 2024)
    grid = nc.Factor("electricity.grid", "XA", 2024, "t/MWh", {"CO2": 0.5, "CH4": 1e-5}, src, gwp_basis="AR5",
                     co2e_total=0.50028)
    fs = nc.FactorSet.from_factors([grid, diesel()])
    inv = nc.Inventory([nc.Activity("electricity.grid", 10_000, "MWh", region="XA", year=2024, scope=2),
                        nc.Activity("fuel.diesel.stationary", 1, "TJ", region="XA", year=2024, scope=1)])
    recs = [nc.ContractualInstrument("REC", 6_000, market="XA", vintage=2024, retired_for="Acme")]
    market = inv.emissions(fs, scope2="market", instruments=recs, entity="Acme").rows()
    assert math.isnan(market["published_co2e_t"][0])
    assert market["published_co2e_t"][1] == pytest.approx(74.343, rel=1e-12)
    location = inv.emissions(fs).rows()
    assert location["published_co2e_t"][0] == pytest.approx(5_002.8, rel=1e-12)
