"""The desnz2024 and epa2024 packs, checked row by row against values transcribed by hand from the publishers.

UK: *Greenhouse gas reporting: conversion factors 2024* (DESNZ, flat file Version 1.1, sheet "Factors by
Category"); each value below was also found in the same category's sheet of DESNZ's 2024 condensed set (V1.1),
except the WTT rows, which that set does not print.  US: EPA GHG Emission Factors Hub 2024 (Tables 1, 2, 6, 7, 8,
10; Tables 3 and 4 per vehicle-mile).  Where each copy was read, with its sha256: ``docs/factor-sources.md``.  The tables are typed here, not read
from the pack files.
"""

from __future__ import annotations

import json

import pytest

import neutralcore as nc
from neutralcore.gwp import gwp_value

ELEC = "desnz.uk_electricity.electricity_generated.electricity_uk.kwh.kwh"

#: (activity key, DESNZ ID of the row, GHG/Unit, published kg CO2e per unit)
UK_2024 = [
    (ELEC, "7_400_4000_5_2", "CO2", 0.20493),
    (ELEC, "7_400_4000_5_3", "CH4", 0.0009),
    (ELEC, "7_400_4000_5_4", "N2O", 0.00122),
    (ELEC + ".td", "13_402_4000_5_2", "CO2", 0.01811),
    (ELEC + ".td", "13_402_4000_5_3", "CH4", 0.00008),
    (ELEC + ".td", "13_402_4000_5_4", "N2O", 0.00011),
    (ELEC + ".wtt", "15_917_4000_5_1", "CO2e", 0.0459),
    (ELEC + ".td.wtt", "15_918_4000_5_1", "CO2e", 0.00397),                   # WTT- UK electricity (T&D)
    ("desnz.fuels.gaseous_fuels.natural_gas.kwh_gross_cv", "1_100_1004_6_2", "CO2", 0.18253),
    ("desnz.fuels.gaseous_fuels.natural_gas.kwh_gross_cv", "1_100_1004_6_3", "CH4", 0.00028),
    ("desnz.fuels.gaseous_fuels.natural_gas.kwh_gross_cv", "1_100_1004_6_4", "N2O", 0.00009),
    ("desnz.fuels.gaseous_fuels.natural_gas.cubic_metres", "1_100_1004_1_2", "CO2", 2.0414),
    ("desnz.fuels.gaseous_fuels.natural_gas.kwh_gross_cv.wtt", "11_100_1004_6_1", "CO2e", 0.03021),
    ("desnz.fuels.liquid_fuels.diesel_average_biofuel_blend.litres", "1_101_1011_8_2", "CO2", 2.4796),
    ("desnz.fuels.liquid_fuels.diesel_average_biofuel_blend.litres", "1_101_1011_8_4", "N2O", 0.0329),
    ("desnz.fuels.liquid_fuels.diesel_average_biofuel_blend.litres.wtt", "11_101_1011_8_1", "CO2e", 0.61101),
    ("desnz.hotel_stay.hotel_stay.uk.room_per_night", "29_600_4000_13_1", "CO2e", 10.4),
    ("desnz.water_supply.water_supply.water_supply.cubic_metres", "17_404_4005_1_1", "CO2e", 0.15311),
    ("desnz.business_travel_land.rail.national_rail.passenger_km", "25_315_3147_11_2", "CO2", 0.0351),
    ("desnz.freighting_goods.rail.freight_train.tonne_km", "27_315_3151_14_2", "CO2", 0.02749),
    ("desnz.freighting_goods.cargo_ship.container_ship.average.tonne_km", "27_320_3235_14_2", "CO2", 0.01592),
]

#: (activity key, region, gas, value in the factor's unit, unit) as the Hub 2024 prints them
US_2024 = [
    ("fuel.natural_gas.stationary", "US", "CO2", 53.06, "kg/MMBtu"),                 # Table 1
    ("fuel.natural_gas.stationary", "US", "CH4", 1.0e-3, "kg/MMBtu"),                # 1.0 g
    ("fuel.natural_gas.stationary", "US", "N2O", 0.1e-3, "kg/MMBtu"),                # 0.10 g
    ("fuel.distillate_fuel_oil_no_2.stationary", "US", "CO2", 73.96, "kg/MMBtu"),
    ("fuel.bituminous.stationary", "US", "CO2", 93.28, "kg/MMBtu"),
    ("fuel.wood_and_wood_residuals.stationary", "US", "CO2_biogenic", 93.8, "kg/MMBtu"),
    ("fuel.diesel_fuel.mobile", "US", "CO2", 10.21, "kg/gal"),                       # Table 2
    ("fuel.compressed_natural_gas_cng.mobile", "US", "CO2", 0.05444, "kg/scf"),
    ("electricity.grid", "US", "CO2", 823.149, "lb/MWh"),                            # Table 6, US Average
    ("electricity.grid", "EGRID-CAMX", "CO2", 497.443, "lb/MWh"),
    ("electricity.grid", "EGRID-SRSO", "CO2", 893.29, "lb/MWh"),
    ("electricity.grid", "EGRID-RFCW", "N2O", 0.012, "lb/MWh"),
    ("electricity.grid.nonbaseload", "EGRID-ERCT", "CO2", 1194.876, "lb/MWh"),
    ("steam_and_heat.purchased", "US", "CO2", 66.33, "kg/MMBtu"),                    # Table 7
    ("steam_and_heat.purchased", "US", "CH4", 1.25e-3, "kg/MMBtu"),
    ("travel.intercity_rail_national_average", "US", "CO2", 0.113, "kg/passenger*mi"),  # Table 10
    ("travel.intercity_rail_national_average", "US", "CH4", 0.0092e-3, "kg/passenger*mi"),
    ("vehicle.gasoline_passenger_cars_model_year_2021", "US", "CH4", 0.00505, "g/mi"),      # Table 3 (0.005050)
    ("vehicle.gasoline_light_duty_trucks_model_year_2021", "US", "N2O", 0.0012, "g/mi"),
    ("vehicle.passenger_cars_diesel_model_year_2007_2021", "US", "CH4", 0.0302, "g/mi"),    # Table 4
    ("vehicle.buses_cng", "US", "CH4", 2.753, "g/mi"),
]


@pytest.fixture(scope="module")
def uk():
    return nc.load_factors("desnz2024")


@pytest.fixture(scope="module")
def us():
    return nc.load_factors("epa2024")


@pytest.mark.parametrize("key, desnz_id, gas, published", UK_2024)
def test_desnz2024_rows_as_published(uk, key, desnz_id, gas, published):
    f = uk.get(key, "GB", 2024)
    assert f is not None and f.pack == "desnz2024" and desnz_id in f.notes
    assert f.gwp_basis == "AR5" and f.unit.startswith("kg/")
    # per-gas columns are kg CO2e of that gas: the pack holds the mass, i.e. the column over its AR5 GWP
    mass = published if gas == "CO2e" else published / gwp_value(gas, "AR5")
    assert f.gases[gas] == pytest.approx(mass, rel=1e-12)
    assert f.source.publisher == "UK Department for Energy Security and Net Zero (DESNZ)"
    assert "conversion factors 2024" in f.source.document and f.source.year == 2024


@pytest.mark.parametrize("key, region, gas, published, unit", US_2024)
def test_epa2024_rows_as_published(us, key, region, gas, published, unit):
    f = us.get(key, region, 2024)
    assert f is not None and f.pack == "epa2024"
    assert f.unit == unit and f.gases[gas] == pytest.approx(published, rel=1e-12)
    assert f.source.publisher == "US EPA" and "GHG Emission Factors Hub (2024)" in f.source.document


def test_uk_electricity_1000_kwh_worked_by_hand(uk):
    """1,000 kWh x 0.20705 kg CO2e/kWh (DESNZ 2024, AR5: 0.20493 CO2 + 0.00090 CH4 + 0.00122 N2O) = 0.20705 t."""
    inv = nc.Inventory([nc.Activity(ELEC, 1000, "kWh", region="GB", year=2024, scope=2)])
    res = inv.emissions(uk, gwp="AR5")
    assert res.total() == pytest.approx(0.20705, rel=1e-12)
    assert res.total("CO2") == pytest.approx(0.20493, rel=1e-12)


def test_uk_hotel_and_freight_worked_by_hand(uk):
    """3 room-nights x 10.4 kg = 31.2 kg CO2e (a CO2e factor, not CO2); 10,000 tkm by freight train x (0.02749 +
    0.00002 + 0.00028) kg = 277.9 kg CO2e."""
    inv = nc.Inventory([
        nc.Activity("desnz.hotel_stay.hotel_stay.uk.room_per_night", 3, "room*night", region="GB", year=2024, scope=3,
                    category="6"),
        nc.Activity("desnz.freighting_goods.rail.freight_train.tonne_km", 10_000, "tkm", region="GB", year=2024,
                    scope=3, category="4")])
    res = inv.emissions(uk, gwp="AR5")
    assert res.total() == pytest.approx(0.0312 + 0.2779, rel=1e-12)
    assert res.total("CO2e") == pytest.approx(0.0312, rel=1e-12)


def test_us_natural_gas_1000_scf_worked_by_hand(us):
    """1,000 scf x 0.001026 mmBtu/scf = 1.026 mmBtu: CO2 1.026 x 53.06 = 54.43956 kg; CH4 1.026 g x 28 =
    0.028728 kg and N2O 0.1026 g x 265 = 0.027189 kg CO2e: 0.054495477 t CO2e (AR5, as the Hub recommends)."""
    inv = nc.Inventory([nc.Activity("fuel.natural_gas.stationary", 1000, "scf", region="US", year=2024, scope=1)])
    res = inv.emissions(us, gwp="AR5")
    assert res.total("CO2") == pytest.approx(0.05443956, rel=1e-12)
    assert res.total() == pytest.approx(0.054495477, rel=1e-12)


def test_us_egrid_subregion_falls_back_to_the_us_average(us):
    """1 MWh in SERC South: 893.29 lb CO2 x 0.45359237 = 405.18950 kg; a declared subregion's chain ends at US."""
    assert us.regions["EGRID-SRSO"][0] == "US"
    inv = nc.Inventory([nc.Activity("electricity.grid", 1, "MWh", region="EGRID-SRSO", year=2024, scope=2)])
    assert inv.emissions(us).total("CO2") == pytest.approx(893.29 * 0.45359237 / 1000, rel=1e-12)


def test_packs_carry_their_licences():
    from importlib.resources import files

    uk_text = (files("neutralcore.plugins.desnz2024") / "data" / "LICENCE").read_text(encoding="utf-8")
    us_text = (files("neutralcore.plugins.epa2024") / "data" / "LICENSE").read_text(encoding="utf-8")
    assert "Open Government Licence v3.0" in uk_text and "public domain" in us_text
    infos = {i.name: i for i in nc.list_packs()}
    assert "Open Government Licence v3.0" in infos["desnz2024"].license
    assert "public domain" in infos["epa2024"].license


def test_coverage_of_gb_and_us_on_the_command_line(capsys):
    from neutralcore.cli import main

    assert main(["factors", "desnz2024", "--coverage", "GB", "--format", "json"]) == 0
    rows = {r["activity"]: r for r in json.loads(capsys.readouterr().out)["tables"]["coverage"]}
    assert rows[ELEC]["region_used"] == "GB" and rows[ELEC]["year_used"] == 2024
    assert main(["factors", "epa2024", "--coverage", "EGRID-CAMX", "--format", "json"]) == 0
    rows = {r["activity"]: r for r in json.loads(capsys.readouterr().out)["tables"]["coverage"]}
    assert rows["electricity.grid"]["region_used"] == "EGRID-CAMX"
    assert rows["fuel.natural_gas.stationary"]["region_used"] == "US"      # falls back to the country


@pytest.mark.parametrize("name", ["desnz2024", "epa2024"])
def test_packs_pass_pack_check(name):
    from importlib.resources import files

    from neutralcore.testing import check_factor_pack

    check_factor_pack(files(f"neutralcore.plugins.{name}") / "data")


def test_every_row_names_the_copy_it_was_read_from(uk, us):
    """Each factor's source carries the note saying which copy of the publisher's workbook was read (sha256)."""
    assert {f.source.note for f in uk} == {uk.get(ELEC, "GB", 2024).source.note}
    assert "db8cb915af241b389add753402fb225f1850c583ac331994a71b2f281c484320" in uk.get(ELEC, "GB", 2024).source.note
    assert all("00fb2f355324252410bfb1caebc2891aae37fda78e357caa550997226f0cd8fd" in f.source.note for f in us)


def test_uk_electricity_with_its_upstream_stages_opt_in(uk):
    """upstream=True adds, in scope 3 category 3, T&D 1,000 x 0.0183 kg, generation WTT 1,000 x 0.0459 kg and the WTT
    of the T&D losses 1,000 x 0.00397 kg (DESNZ IDs 13_402_4000_5_1, 15_917_4000_5_1, 15_918_4000_5_1) to the
    scope 2 0.20705 t (7_400_4000_5_1): 0.27522 t, the four lines DESNZ's 2024 condensed set (sheet "Introduction")
    lists for an organisation that includes WTT."""
    inv = nc.Inventory([nc.Activity(ELEC, 1000, "kWh", region="GB", year=2024, scope=2)])
    res = inv.emissions(uk, gwp="AR5", upstream=True)
    assert res.total() == pytest.approx(0.20705 + 0.0183 + 0.0459 + 0.00397, rel=1e-12)
    assert res.by_scope()[3] == pytest.approx(0.0183 + 0.0459 + 0.00397, rel=1e-12)
    by_stage = {r["stage"]: r["co2e_t"] for r in res.by("stage").to_dicts()}
    assert by_stage["transmission-and-distribution"] == pytest.approx(0.0183, rel=1e-12)
    assert by_stage["well-to-tank"] == pytest.approx(0.0459 + 0.00397, rel=1e-12)
    by_key = {r["activity"]: r["co2e_t"] for r in res.by("activity").to_dicts()}
    assert by_key[ELEC + ".td.wtt"] == pytest.approx(0.00397, rel=1e-12)


#: (activity key, DESNZ ID of the total, published kg CO2e total, its per-gas kg CO2e columns CO2, CH4, N2O)
UK_2024_TOTALS = [
    # natural gas per kWh (gross CV): 0.18253 + 0.00028 + 0.00009 = 0.1829
    ("desnz.fuels.gaseous_fuels.natural_gas.kwh_gross_cv", "1_100_1004_6_1", 0.1829, (0.18253, 0.00028, 0.00009)),
    (ELEC, "7_400_4000_5_1", 0.20705, (0.20493, 0.0009, 0.00122)),          # UK electricity per kWh
    (ELEC + ".td", "13_402_4000_5_1", 0.0183, (0.01811, 0.00008, 0.00011)),  # its T&D losses per kWh
]


@pytest.mark.parametrize("key, desnz_id, total, parts", UK_2024_TOTALS)
def test_desnz2024_keeps_published_co2e_totals(uk, key, desnz_id, total, parts):
    """The published kg CO2e total is kept beside the per-gas masses, and equals them weighted under AR5
    (CH4 28, N2O 265: IPCC AR5 WG1 Table 8.7) to the publisher's rounding."""
    f = uk.get(key, "GB", 2024)
    assert desnz_id in f.notes and f.co2e_total == total
    co2, ch4, n2o = f.gases["CO2"], f.gases["CH4"], f.gases["N2O"]
    assert (co2, ch4 * 28, n2o * 265) == pytest.approx(parts, rel=1e-12)
    assert co2 + 28 * ch4 + 265 * n2o == pytest.approx(total, abs=1e-5)


def test_desnz2024_totals_are_not_added_to_the_gases(uk):
    """A kept total is a check, not an extra gas: 1,000 kWh of gas (gross CV) = 0.1829 t CO2e, no CO2e line."""
    inv = nc.Inventory([nc.Activity("desnz.fuels.gaseous_fuels.natural_gas.kwh_gross_cv", 1000, "kWh", region="GB",
                                    year=2024, scope=1)])
    res = inv.emissions(uk, gwp="AR5")
    assert res.total() == pytest.approx(0.1829, abs=1e-9) and res.total("CO2e") == 0


def test_every_desnz2024_total_agrees_with_its_gases(uk):
    rows = [f for f in uk if f.co2e_total is not None]
    assert len(rows) > 500
    for f in rows:
        weighted = sum(v * gwp_value(g, "AR5") for g, v in f.gases.items())
        assert weighted == pytest.approx(f.co2e_total, rel=5e-3), f.activity


def test_pack_check_refuses_a_total_that_disagrees(tmp_path):
    """Editing the natural gas total in a copy of the pack (0.1829 -> 0.2) makes the pack check fail."""
    import shutil
    from importlib.resources import files

    from neutralcore.testing import check_factor_pack

    src = files("neutralcore.plugins.desnz2024") / "data"
    for name in ("factors.csv", "pack.toml", "LICENCE"):
        shutil.copy(str(src / name), tmp_path / name)
    text = (tmp_path / "factors.csv").read_text(encoding="utf-8")
    old = "desnz.fuels.gaseous_fuels.natural_gas.kwh_gross_cv,GB,2024,CO2e,0.1829,"
    assert text.count(old) == 1
    (tmp_path / "factors.csv").write_text(text.replace(old, old.replace("0.1829", "0.2")), encoding="utf-8")
    with pytest.raises(nc.NeutralcoreError, match="0.2"):
        check_factor_pack(tmp_path)


def test_interval_is_exported_at_top_level():
    from neutralcore.measure import Interval
    from neutralcore.measure.factorvalue import Interval as Defined

    assert nc.Interval is Interval is Defined and "Interval" in nc.__all__
    assert nc.Interval(1, 10, "lognormal").distribution == "lognormal"
