"""Biogenic CO2: reported per gas, by group and in the report, never in the scope totals.

A biomass boiler burning 1 TJ of wood (IPCC 2006 Vol. 2 Ch. 2, Table 2.2, energy industries, wood/wood waste:
CO2 112,000 kg/TJ, CH4 30 kg/TJ, N2O 4 kg/TJ): 112 t CO2_biogenic reported apart; in scope 1 only
CH4 0.030 t x 28 + N2O 0.004 t x 265 = 0.84 + 1.06 = 1.90 t CO2e (AR5).
"""

from __future__ import annotations

import pytest

import neutralcore as nc

IPCC = nc.Source("IPCC", "2006 IPCC Guidelines, Vol. 2, Ch. 2, Table 2.2 (energy industries)", 2006)


def boiler() -> tuple[nc.Inventory, nc.FactorSet]:
    fs = nc.FactorSet.from_factors([
        nc.Factor("fuel.wood.stationary", "World", 2006, "kg/TJ", {"CO2_biogenic": 112_000, "CH4": 30, "N2O": 4}, IPCC),
        nc.Factor("fuel.gas.stationary", "World", 2006, "kg/TJ", {"CO2": 56_100}, IPCC),
    ])
    inv = nc.Inventory([
        nc.Activity("fuel.wood.stationary", 1, "TJ", region="VN", year=2023, scope=1, site="mill"),
        nc.Activity("fuel.gas.stationary", 1, "TJ", region="VN", year=2023, scope=1, site="office"),
    ])
    return inv, fs


def test_biomass_boiler_biogenic_co2_appears_per_gas_and_not_in_the_total():
    inv, fs = boiler()
    res = inv.emissions(fs)
    # 56.1 t fossil CO2 (natural gas, Table 2.2) + 1.90 t CH4/N2O of the wood; the 112 t biogenic CO2 is apart
    assert res.total() == pytest.approx(56.1 + 1.9, rel=1e-12)
    assert res.by_scope()[1] == pytest.approx(58.0, rel=1e-12)
    assert res.total("CO2_biogenic") == pytest.approx(112.0, rel=1e-12)
    assert res.total("CO2") == pytest.approx(56.1, rel=1e-12)  # never mixed with fossil CO2
    table = res.per_gas()
    row = table["gas"].index("CO2_biogenic")
    assert table["mass_t"][row] == pytest.approx(112.0) and table["reported"][row] == "separately"
    assert table["kind"][row] == "biogenic"
    assert res.outside_scopes()["gas"] == ["CO2_biogenic"]


def test_biogenic_co2_by_group_and_in_the_report():
    inv, fs = boiler()
    res = inv.emissions(fs)
    by = res.by("site")
    assert by["site"] == ["mill", "office"]
    assert list(by["CO2_biogenic_t"]) == pytest.approx([112.0, 0.0])
    assert list(by["co2e_t"]) == pytest.approx([1.9, 56.1])
    assert float(res.row_co2e()[0]) == pytest.approx(1.9)
    text = repr(res)
    assert "CO2_biogenic 112.000 t" in text and "not in the total" in text
    assert "58.000 t CO2e" in text


def test_biogenic_co2_has_no_effect_under_any_gwp_set():
    inv, fs = boiler()
    for gwp in ("SAR", "TAR", "AR4", "AR5", "AR6", "AR6-GWP20"):
        res = inv.emissions(fs, gwp=gwp)
        without = res.total() - 56.1
        assert without == pytest.approx(0.030 * nc.GWP_SETS[gwp]["CH4"] + 0.004 * nc.GWP_SETS[gwp]["N2O"], rel=1e-9)
