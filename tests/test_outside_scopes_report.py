"""The claim report carries the gases reported outside the scopes (GHG Protocol Corporate Standard, ch. 9).

Hand-worked case: 1 TJ of wood burnt in a residential boiler with the ``ipcc`` pack (IPCC 2006 Vol. 2 Ch. 2,
Table 2.5, residential, wood/wood waste: CO2 112,000 kg/TJ, CH4 300 kg/TJ, N2O 4 kg/TJ).  In E (AR5):
CH4 0.3 t x 28 + N2O 0.004 t x 265 = 8.4 + 1.06 = 9.46 t CO2e; 112 t CO2_biogenic reported apart (GWP 1).
"""

from __future__ import annotations

import json

import pytest

import neutralcore as nc
from neutralcore.claim import Balance
from neutralcore.claim.reading import SeparateGas
from neutralcore.errors import InputError
from neutralcore.offsets import Period

HEADING = "Reported separately (not in the balance)"


def wood_balance() -> Balance:
    inv = nc.Inventory([nc.Activity("fuel.biomass.wood.stationary.residential", 1, "TJ", region="VN", year=2024,
                                    scope=1)])
    res = inv.emissions(nc.load_factors("ipcc"), gwp="AR5")
    return Balance.from_emissions(res, subject="Acme Ltd", subject_type="organisation", period=Period.year(2024))


def test_biomass_balance_carries_biogenic_co2_apart_from_e():
    b = wood_balance()
    assert b.emissions == pytest.approx(9.46, rel=1e-12)
    (gas,) = b.separately_reported
    assert (gas.gas, gas.kind) == ("CO2_biogenic", "biogenic")
    assert gas.mass_t == pytest.approx(112.0, rel=1e-12)
    assert gas.co2e_t == pytest.approx(112.0, rel=1e-12)


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_report_shows_the_separate_section(fmt):
    text = wood_balance().report(fmt)
    assert HEADING in text
    assert ("CO2\\_biogenic" if fmt == "markdown" else "CO2_biogenic") in text and "112 t" in text
    assert "9.46 t" in text


def test_json_report_lists_the_separate_gases():
    data = json.loads(wood_balance().report("json"))
    (row,) = data["balance"]["separately_reported"]
    assert row["gas"] == "CO2_biogenic" and row["kind"] == "biogenic"
    assert row["mass_t"] == pytest.approx(112.0) and row["co2e_t"] == pytest.approx(112.0)


def test_non_kyoto_gas_is_listed_with_its_co2e():
    # 1 kg HCFC-22 leaked: AR5 GWP100 1,760 (AR5 WG1 Table 8.A.1) -> 1.76 t CO2e reported apart, E = 0
    src = nc.Source("IPCC", "AR5 WG1 Table 8.A.1", 2013)
    fs = nc.FactorSet.from_factors([nc.Factor("refrigerant.leak", "World", 2024, "kg/kg", {"HCFC-22": 1.0}, src)])
    inv = nc.Inventory([nc.Activity("refrigerant.leak", 1, "kg", region="World", year=2024, scope=1)])
    b = Balance.from_emissions(inv.emissions(fs, gwp="AR5"), subject="Acme Ltd", subject_type="organisation",
                               period=Period.year(2024))
    assert b.emissions == 0.0
    (gas,) = b.separately_reported
    assert gas.gas == "HCFC-22" and gas.mass_t == pytest.approx(0.001)
    assert gas.co2e_t == pytest.approx(1.76, rel=1e-12)
    assert "1.76 t" in b.report("markdown")


def test_balance_without_an_emissions_result_shows_nothing():
    b = Balance(subject="Acme Ltd", subject_type="organisation", period=Period.year(2024), emissions=100.0,
                by_scope={1: 100.0}, gwp_set="AR5 GWP100", scope2_basis="location")
    assert b.separately_reported == ()
    assert HEADING not in b.report("markdown") and HEADING not in b.report("html")
    assert json.loads(b.report("json"))["balance"]["separately_reported"] == []


def test_bad_separate_lines_are_refused():
    with pytest.raises(InputError, match="mass_t"):
        SeparateGas("CO2_biogenic", "biogenic", -1.0, 1.0)
    with pytest.raises(InputError, match="separately_reported"):
        Balance(subject="Acme Ltd", subject_type="organisation", period=Period.year(2024), emissions=1.0,
                by_scope={1: 1.0}, gwp_set="AR5", scope2_basis="location", separately_reported=[("CO2_biogenic", 1.0)])


def test_a_20_year_set_is_named_as_such_in_the_balance():
    # regression: from_emissions wrote "AR6-GWP20 GWP100" for a result computed with gwp="AR6-GWP20"
    inv = nc.Inventory([nc.Activity("fuel.biomass.wood.stationary.residential", 1, "TJ", region="VN", year=2024,
                                    scope=1)])
    res = inv.emissions(nc.load_factors("ipcc"), gwp="AR6-GWP20")
    b = Balance.from_emissions(res, subject="Acme Ltd", subject_type="organisation", period=Period.year(2024))
    assert b.gwp_set == "AR6 GWP20"
    assert wood_balance().gwp_set == "AR5 GWP100"


def test_factor_table_shows_gwp_basis_and_stage_only_when_given():
    src = nc.Source("test", "values made up for a table test, not published", 2023)
    plain = nc.FactorSet.from_factors([nc.Factor("fuel.gas", "GB", 2023, "kg/kWh", {"CO2": 0.18}, src)])
    assert "gwp_basis" not in plain.to_table().columns and "stage" not in plain.to_table().columns
    fs = nc.FactorSet.from_factors([
        nc.Factor("electricity.grid", "GB", 2023, "kg/kWh", {"CO2e": 0.2}, src, gwp_basis="AR5"),
        nc.Factor("electricity.grid.td", "GB", 2023, "kg/kWh", {"CO2e": 0.02}, src, gwp_basis="AR5",
                  stage="transmission-and-distribution"),
        nc.Factor("fuel.gas", "GB", 2023, "kg/kWh", {"CO2": 0.18}, src),
    ])
    table = fs.to_table()
    assert sorted(table["gwp_basis"]) == ["", "AR5", "AR5"]
    assert sorted(table["stage"]) == ["", "", "transmission-and-distribution"]


HEAT = """[sources.epa-heat]
publisher = "US EPA"
document = "GHG Emission Factors Hub (2024), Table 1: heat content of natural gas"
year = 2024
"""
MADE_UP = """[sources.made-up]
publisher = "test"
document = "values made up for a check test, not published"
year = 2024
"""


def _gcv_pack(tmp_path, properties, sources=HEAT):
    (tmp_path / "pack.toml").write_text('''\
name = "epa-demo"
title = "Demo pack"
version = "2025.1"
api = 1
license = "public domain"

[sources.epa-co2]
publisher = "US EPA"
document = "GHG Emission Factors Hub (2024), Table 1: CO2 factor of natural gas"
year = 2024

[regions]
US = { name = "United States" }

''' + sources, encoding="utf-8")
    (tmp_path / "factors.csv").write_text("activity,region,year,gas,value,unit,source,energy_basis\n"
                                          "fuel.natural_gas.stationary,US,2024,CO2,53.06,kg/MMBtu,epa-co2,gcv\n",
                                          encoding="utf-8")
    (tmp_path / "properties.csv").write_text("activity,region,property,value,unit,source\n" + properties,
                                             encoding="utf-8")
    return tmp_path


def test_check_factor_pack_counts_a_source_used_only_by_a_gross_heat_content(tmp_path):
    # regression: a source used only by a gcv property was reported as declared but unused
    from neutralcore.testing import check_factor_pack

    check_factor_pack(_gcv_pack(tmp_path, "fuel.natural_gas.stationary,US,gcv,1.026,MMBtu/Mcf,epa-heat\n"))


def test_check_factor_pack_wants_a_calorific_value_on_the_factors_basis(tmp_path):
    # a gross-basis factor with a density and only a net value cannot reach MMBtu from a mass or volume
    from neutralcore.errors import PackFormatError
    from neutralcore.testing import check_factor_pack

    props = ("fuel.natural_gas.stationary,US,density,0.7,kg/Nm3,made-up\n"
             "fuel.natural_gas.stationary,US,ncv,48.0,TJ/Gg,made-up\n")
    with pytest.raises(PackFormatError, match=r"no gross calorific value \(gcv\) on its energy basis"):
        check_factor_pack(_gcv_pack(tmp_path, props, sources=MADE_UP))
