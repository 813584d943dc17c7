"""Importers of published datasets, run on small fixture extracts (tests/fixtures/importers/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

import neutralcore as nc
from neutralcore.importers import read_epa_stationary, write_pack

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "importers"
EPA = FIXTURES / "epa_hub_table1_extract.csv"


def one(activity, quantity, unit, region="US", year=2024):
    return nc.Inventory([nc.Activity(activity, quantity, unit, region=region, year=year, scope=1)])


def test_epa_table1_reads_as_published():
    fs = read_epa_stationary(EPA, year=2024)
    assert len(fs) == 8
    gas = fs.get("fuel.natural_gas.stationary", "US", 2024)
    assert gas.unit == "kg/MMBtu" and gas.energy_basis == "gcv" and gas.gcv.unit == "MMBtu/scf"
    assert dict(gas.gases) == {"CO2": 53.06, "CH4": 1.0e-3, "N2O": 1.0e-4}
    assert "Table 1" in gas.source.document and gas.source.publisher == "US EPA"


def test_epa_natural_gas_worked_by_hand():
    """1,000,000 scf x 1.026E-03 mmBtu/scf = 1,026 mmBtu; x 53.06 kg = 54.43956 t CO2; CO2e (AR5) adds
    1.026 kg CH4 x 28 and 0.1026 kg N2O x 265: 54.43956 + 0.028728 + 0.027189 = 54.495477 t."""
    res = one("fuel.natural_gas.stationary", 1_000_000, "scf").emissions(read_epa_stationary(EPA, year=2024))
    assert res.total("CO2") == pytest.approx(54.43956, rel=1e-12)
    assert res.total() == pytest.approx(54.495477, rel=1e-12)


def test_epa_distillate_by_the_gallon_and_coal_by_the_short_ton():
    """1,000 gal No. 2 oil x 0.138 = 138 mmBtu: CO2 138 x 73.96 = 10,206.48 kg, CH4 0.414 kg, N2O 0.0828 kg;
    AR5 CO2e = 10.20648 + 0.011592 + 0.021942 = 10.240014 t.  10 short tons anthracite x 25.09 = 250.9 mmBtu
    x 103.69 kg = 26,015.821 kg CO2."""
    fs = read_epa_stationary(EPA, year=2024)
    oil = one("fuel.distillate_fuel_oil_no_2.stationary", 1000, "gal").emissions(fs)
    assert oil.total("CO2") == pytest.approx(10.20648, rel=1e-12)
    assert oil.total() == pytest.approx(10.240014, rel=1e-12)
    coal = one("fuel.anthracite.stationary", 10, "short_ton").emissions(fs)
    assert coal.total("CO2") == pytest.approx(26.015821, rel=1e-12)


def test_epa_activity_keys_can_be_chosen():
    fs = read_epa_stationary(EPA, year=2024, activities={"Natural Gas": "fuel.natural_gas.stationary.commercial"})
    assert fs.get("fuel.natural_gas.stationary.commercial", "US", 2024) is not None
    with pytest.raises(nc.SchemaError, match="not dotted lowercase"):
        read_epa_stationary(EPA, year=2024, activities={"Natural Gas": "Natural Gas"})


@pytest.mark.parametrize("edit, line, column, says", [
    (("mmBtu per scf", "mmBtu per cubic foot"), 5, "Heat Content Unit", "not one of"),
    (("53.06", "fifty"), 5, "CO2 Factor (kg CO2 per mmBtu)", "not a number"),
    (("Motor Gasoline", "Natural Gas"), 8, "Fuel Type", "already given on line 5"),
])
def test_epa_bad_rows_name_file_line_and_column(tmp_path, edit, line, column, says):
    bad = tmp_path / "table1.csv"
    bad.write_text(EPA.read_text(encoding="utf-8").replace(*edit), encoding="utf-8")
    with pytest.raises(nc.SchemaError) as info:
        read_epa_stationary(bad, year=2024)
    assert info.value.line == line and info.value.column == column and says in str(info.value)
    assert info.value.source == str(bad)


def test_a_blank_cell_is_not_a_zero(tmp_path):
    """The Hub leaves a cell blank where it gives no value; a blank CH4 is no CH4 factor, not 0."""
    path = tmp_path / "table1.csv"
    path.write_text(EPA.read_text(encoding="utf-8").replace("53.06,1,0.1", "53.06,,"), encoding="utf-8")
    gas = read_epa_stationary(path, year=2024).get("fuel.natural_gas.stationary", "US", 2024)
    assert dict(gas.gases) == {"CO2": 53.06}


def test_write_pack_round_trips_and_passes_pack_check(tmp_path):
    from neutralcore.testing import check_factor_pack

    fs = read_epa_stationary(EPA, year=2024)
    pack_dir = write_pack(fs, tmp_path / "epa-hub", name="epa-hub", title="US EPA GHG Emission Factors Hub 2024",
                          version="2024.1", license="US public domain (17 U.S.C. 105)",
                          description="Table 1 stationary combustion")
    pack = nc.FactorPack.from_directory(pack_dir)
    back = pack.load()
    assert len(back) == len(fs)
    for f in fs:
        g = back.get(*f.key)
        assert dict(g.gases) == dict(f.gases) and g.energy_basis == "gcv" and g.gcv.value == f.gcv.value
        assert g.source == f.source
    check_factor_pack(pack_dir)
    res = one("fuel.natural_gas.stationary", 1_000_000, "scf").emissions(back)
    assert res.total("CO2") == pytest.approx(54.43956, rel=1e-12)


def test_docs_importers_examples_run(tmp_path, monkeypatch):
    import re

    monkeypatch.chdir(tmp_path)
    text = (Path(__file__).resolve().parents[1] / "docs" / "importers.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks
    namespace: dict = {}
    for i, block in enumerate(blocks):
        exec(compile(block, f"importers.md example {i + 1}", "exec"), namespace)  # noqa: S102 - our own docs


# -- UK DESNZ/DEFRA flat file -------------------------------------------------------------------------------------

DESNZ = FIXTURES / "desnz_2025_flat_extract.csv"
TD = "desnz.uk_electricity.electricity_generated.electricity_uk.kwh.kwh.td"
WTT_GAS = "desnz.fuels.gaseous_fuels.natural_gas.kwh_gross_cv.wtt"
HOTEL = "desnz.hotel_stay.hotel_stay.uk.room_per_night"
PELLETS = "desnz.outside_of_scopes.biomass.wood_pellets.kwh"


def desnz():
    from neutralcore.importers import read_desnz

    return read_desnz(DESNZ, gwp_basis="AR5")


def gb(activity, quantity, unit, scope=3):
    return nc.Inventory([nc.Activity(activity, quantity, unit, region="GB", year=2025, scope=scope,
                                     category="3" if scope == 3 else None)])


def test_desnz_reads_every_factor_as_published():
    fs = desnz()
    assert len(fs) == 10  # 13 rows: the T&D factor has four, wood pellets two units
    td = fs.get(TD, "GB", 2025)
    assert td.stage == "transmission-and-distribution" and td.gwp_basis == "AR5"
    # per-gas columns are kg CO2e of each gas: masses are those divided by the AR5 GWP (CH4 28, N2O 265)
    assert td.gases["CO2"] == 0.01834
    assert td.gases["CH4"] == pytest.approx(0.00008 / 28, rel=1e-12)
    assert td.gases["N2O"] == pytest.approx(0.00011 / 265, rel=1e-12)
    wtt = fs.get(WTT_GAS, "GB", 2025)
    assert wtt.stage == "well-to-tank" and dict(wtt.gases) == {"CO2e": 0.03021} and wtt.energy_basis == "gcv"
    assert fs.get("desnz.fuels.gaseous_fuels.natural_gas.kwh_net_cv.wtt", "GB", 2025).energy_basis == "ncv"
    assert "DESNZ" in td.source.publisher and "2025" in td.source.document and "13_402_4000_5_1" in td.notes


def test_desnz_worked_by_hand():
    """1,000 kWh T&D x 0.01853 kg CO2e = 0.01853 t CO2e (AR5), of which 0.01834 t CO2;
    10,000 kWh (gross CV) of gas, WTT x 0.03021 kg = 0.3021 t CO2e; 3 room-nights x 10.4 kg = 0.0312 t CO2e."""
    fs = desnz()
    td = gb(TD, 1000, "kWh").emissions(fs, gwp="AR5")
    assert td.total() == pytest.approx(0.01853, rel=1e-12)
    assert td.total("CO2") == pytest.approx(0.01834, rel=1e-12)
    assert gb(WTT_GAS, 10_000, "kWh").emissions(fs, gwp="AR5").total() == pytest.approx(0.3021, rel=1e-12)
    hotel = gb(HOTEL, 3, "room*night").emissions(fs, gwp="AR5")
    assert hotel.total() == pytest.approx(0.0312, rel=1e-12)
    per_gas = {r["gas"]: r for r in hotel.per_gas().to_dicts()}
    assert "CO2e" in per_gas and "CO2" not in per_gas  # a CO2e-only factor is shown as CO2e, never as CO2


def test_desnz_biogenic_co2_is_reported_apart():
    """Wood pellets, outside of scopes: 1,000 kWh x 0.35 kg = 0.35 t CO2_biogenic, not in the scope total."""
    res = gb(PELLETS, 1000, "kWh", scope=1).emissions(desnz(), gwp="AR5")
    assert res.total() == 0.0
    assert res.total("CO2_biogenic") == pytest.approx(0.35, rel=1e-12)


def test_desnz_title_rows_blank_cells_and_errors(tmp_path):
    from neutralcore.importers import read_desnz

    text = DESNZ.read_text(encoding="utf-8")
    titled = tmp_path / "flat.csv"
    titled.write_text("Greenhouse gas reporting: conversion factors,,,,,,,,,\n\n" + text.replace(",10.4\n", ",\n"),
                      encoding="utf-8")
    fs = read_desnz(titled, gwp_basis="AR5")
    assert len(fs) == 9 and fs.get(HOTEL, "GB", 2025) is None  # a blank cell is not published, never 0
    titled.write_text("Title,,,,,,,,,\n" + text.replace("Room per night", "Room-night"), encoding="utf-8")
    with pytest.raises(nc.SchemaError) as info:
        read_desnz(titled, gwp_basis="AR5")
    assert info.value.line == 13 and info.value.column == "UOM" and "Room-night" in str(info.value)
    titled.write_text(text.replace("0.00011", "0.011"), encoding="utf-8")
    with pytest.raises(nc.SchemaError) as info:
        read_desnz(titled, gwp_basis="AR5")
    assert info.value.line == 6 and "disagrees" in str(info.value)  # per-gas values against their total
    titled.write_text(text.replace("GHG Conversion Factor 2025", "Factor"), encoding="utf-8")
    with pytest.raises(nc.SchemaError, match="GHG Conversion Factor <year>"):
        read_desnz(titled, gwp_basis="AR5")


def test_desnz_to_a_pack(tmp_path):
    pack_dir = write_pack(desnz(), tmp_path / "desnz-2025", name="desnz-2025", title="DESNZ 2025 extract",
                          version="2025.1", license="Open Government Licence v3.0")
    back = nc.FactorPack.from_directory(pack_dir).load()
    assert gb(TD, 1000, "kWh").emissions(back, gwp="AR5").total() == pytest.approx(0.01853, rel=1e-12)


def test_write_pack_keeps_intervals_stages_and_bases(tmp_path):
    from neutralcore.measure.factorvalue import Interval

    src = nc.Source("IPCC", "2006 IPCC Guidelines Vol. 2 Table 2.2", 2006)
    f = nc.Factor("fuel.diesel.stationary", "World", 2006, "kg/TJ", {"CO2": 74100, "CH4": 3}, src,
                  intervals={"CO2": Interval(72600, 74800, "normal")})
    back = nc.FactorPack.from_directory(write_pack(nc.FactorSet.from_factors([f]), tmp_path / "p", name="p",
                                                   title="p", version="1", license="test")).load()
    assert back[0].intervals == f.intervals and dict(back[0].gases) == dict(f.gases)
    td = nc.FactorPack.from_directory(write_pack(desnz(), tmp_path / "d", name="d", title="d", version="1",
                                                 license="OGL v3.0")).load().get(TD, "GB", 2025)
    assert td.stage == "transmission-and-distribution" and td.gwp_basis == "AR5"


# -- US EPA Hub 2024: the biomass rule and the per-unit tables ----------------------------------------------------
def test_epa_biomass_co2_is_biogenic_and_outside_the_total():
    """Regression: the Hub's Biomass Fuels rows were read as fossil CO2 (in the scope total).  10 short tons of wood
    x 17.48 mmBtu = 174.8 mmBtu; CO2 174.8 x 93.8 kg = 16,396.24 kg, reported as CO2_biogenic; in scope only
    CH4 174.8 x 7.2 g = 1.25856 kg (x 28) and N2O 174.8 x 3.6 g = 0.62928 kg (x 265): 0.03523968 + 0.1667592 =
    0.20199888 t CO2e (AR5)."""
    fs = read_epa_stationary(EPA, year=2024)
    wood = fs.get("fuel.wood_and_wood_residuals.stationary", "US", 2024)
    assert set(wood.gases) == {"CO2_biogenic", "CH4", "N2O"}
    res = one("fuel.wood_and_wood_residuals.stationary", 10, "short_ton").emissions(fs, gwp="AR5")
    assert res.total() == pytest.approx(0.20199888, rel=1e-12)
    assert res.total("CO2_biogenic") == pytest.approx(16.39624, rel=1e-12)
    assert res.total("CO2") == 0.0


def _hub(table):
    from neutralcore.importers import read_hub_table

    return read_hub_table(FIXTURES / f"epa_hub_table{table}_extract.csv", table=table, year=2024)


def test_epa_table6_egrid_subregions_in_pounds_under_the_us_average():
    """1,000 MWh in WECC California (CAMX): 497.443 lb CO2/MWh x 1,000 x 0.45359237 kg/lb = 225,636.35 kg."""
    fs = _hub(6)
    camx = fs.get("electricity.grid", "EGRID-CAMX", 2024)
    assert camx.unit == "lb/MWh" and dict(camx.gases) == {"CO2": 497.443, "CH4": 0.03, "N2O": 0.004}
    assert fs.get("electricity.grid.nonbaseload", "EGRID-CAMX", 2024).gases["CO2"] == 1054.982
    assert fs.regions["EGRID-CAMX"] == ("US", "WECC California")
    inv = nc.Inventory([nc.Activity("electricity.grid", 1000, "MWh", region="EGRID-CAMX", year=2024, scope=2),
                        nc.Activity("electricity.grid", 1000, "MWh", region="US", year=2024, scope=2)])
    rows = inv.emissions(fs).rows()
    assert rows.row(0)["CO2_t"] == pytest.approx(225.63634931, rel=1e-9)
    # the country itself is the US Average row: 823.149 lb x 0.45359237 = 373.37411 kg/MWh
    assert rows.row(1)["CO2_t"] == pytest.approx(373.37410577, rel=1e-9)


def test_epa_tables_7_8_10_units_as_published():
    """Steam: 1,000 mmBtu x 66.33 kg = 66.33 t CO2.  Truck: 1,000 short ton-miles x 0.16804260 kg = 0.1680426 t
    CO2, and the same 1,000 short ton-miles are 1,459.97 tkm.  Air long haul: 1,000 passenger-miles x
    0.16255627 kg = 0.16255627 t CO2."""
    steam = _hub(7).get("steam_and_heat.purchased", "US", 2024)
    assert dict(steam.gases) == {"CO2": 66.33, "CH4": 0.00125, "N2O": 0.000125}
    inv = nc.Inventory([nc.Activity("steam_and_heat.purchased", 1000, "MMBtu", region="US", year=2024, scope=2)])
    assert inv.emissions(_hub(7)).total("CO2") == pytest.approx(66.33, rel=1e-12)
    fs8 = _hub(8)
    truck = nc.Inventory([nc.Activity("freight.medium_and_heavy_duty_truck", 1000, "short_ton*mi", region="US",
                                      year=2024, scope=3, category="4"),
                          nc.Activity("freight.medium_and_heavy_duty_truck", 100, "mi", region="US", year=2024,
                                      scope=3, category="4")])
    rows8 = truck.emissions(fs8).rows()
    co2 = [rows8.row(0)["CO2_t"], rows8.row(1)["CO2_t"]]
    assert co2[0] == pytest.approx(0.16804260183413908, rel=1e-12)
    assert co2[1] == pytest.approx(0.13597865955318438, rel=1e-12)   # per vehicle-mile: the other factor
    air = nc.Inventory([nc.Activity("travel.air_travel_long_haul_2300_miles", 1000, "passenger*mi", region="US",
                                    year=2024, scope=3, category="6")])
    assert air.emissions(_hub(10)).total("CO2") == pytest.approx(0.16255627009646303, rel=1e-12)


def test_epa_table2_is_co2_only_per_gallon():
    fs = _hub(2)
    assert dict(fs.get("fuel.diesel_fuel.mobile", "US", 2024).gases) == {"CO2": 10.21}
    assert fs.get("fuel.motor_gasoline.mobile", "US", 2024).unit == "kg/gal"


@pytest.mark.parametrize("table, edit, line, column, says", [
    (8, ("short ton-mile", "ton-mile"), 3, "Units", "not one of"),
    (6, ("CAMX", "camx"), 2, "eGRID Subregion Acronym", "capital letters"),
    (10, ("0.113", "n/a"), 3, "CO2 Factor (kg CO2 / unit)", "not a number"),
    (8, ("Rail", "Medium- and Heavy-Duty Truck"), 4, "Vehicle Type", "already given on line 3"),
])
def test_epa_hub_table_bad_rows_name_file_line_and_column(tmp_path, table, edit, line, column, says):
    from neutralcore.importers import read_hub_table

    bad = tmp_path / "t.csv"
    text = (FIXTURES / f"epa_hub_table{table}_extract.csv").read_text(encoding="utf-8")
    bad.write_text(text.replace(*edit, 1) if edit[0] != "Rail" else text.replace("\nRail,", f"\n{edit[1]},"),
                   encoding="utf-8")
    with pytest.raises(nc.SchemaError) as info:
        read_hub_table(bad, table=table, year=2024)
    assert info.value.line == line and info.value.column == column and says in str(info.value)


def test_epa_hub_table_refuses_a_table_it_does_not_read():
    from neutralcore.importers import read_hub_table

    with pytest.raises(nc.SchemaError, match="table 9 is not one"):
        read_hub_table(EPA, table=9, year=2024)


def test_write_pack_names_sources_in_a_table_with_their_notes(tmp_path):
    """A source given to write_pack goes to pack.toml's [sources] (with its note) and rows carry its id."""
    import tomllib

    from neutralcore.testing import check_factor_pack

    fs = read_epa_stationary(EPA, year=2024)
    src = next(iter(fs)).source
    named = nc.Source(src.publisher, src.document, src.year, src.url, note="read from a copy, sha256 00fb2f35")
    pack_dir = write_pack(fs, tmp_path / "p", name="p", title="t", version="1", license="US public domain",
                          sources={"epa-hub-2024-t1": named})
    meta = tomllib.loads((pack_dir / "pack.toml").read_text(encoding="utf-8"))
    assert meta["sources"]["epa-hub-2024-t1"]["note"] == "read from a copy, sha256 00fb2f35"
    assert "GHG Emission Factors Hub" not in (pack_dir / "factors.csv").read_text(encoding="utf-8")
    back = nc.FactorPack.from_directory(pack_dir).load()
    gas = back.get("fuel.natural_gas.stationary", "US", 2024)
    assert gas.source == src and gas.source.note == named.note and gas.gcv.source.note == named.note
    check_factor_pack(pack_dir)
    with pytest.raises(nc.InputError, match="source id 'Bad Id'"):
        write_pack(fs, tmp_path / "q", name="q", title="t", version="1", license="x", sources={"Bad Id": named})


def test_epa_tables_3_and_4_ch4_n2o_per_vehicle_mile_by_model_year():
    """A 2019 gasoline car, 10,000 miles: CH4 10,000 x 0.005105 g = 51.05 g, N2O 10,000 x 0.001452 g = 14.52 g;
    AR5 CO2e = 0.05105 x 28 + 0.01452 x 265 = 1.4294 + 3.8478 = 5.2772 kg (its CO2 is the fuel's, Table 2)."""
    fs3 = _hub(3)
    car = fs3.get("vehicle.gasoline_passenger_cars_model_year_2019", "US", 2024)
    assert car.unit == "g/mi" and dict(car.gases) == {"CH4": 0.005105, "N2O": 0.001452}
    assert fs3.get("vehicle.gasoline_heavy_duty_vehicles_model_year_up_to_1980", "US", 2024).gases["CH4"] == 0.4604
    inv = nc.Inventory([nc.Activity("vehicle.gasoline_passenger_cars_model_year_2019", 10_000, "mi", region="US",
                                    year=2024, scope=1)])
    assert inv.emissions(fs3, gwp="AR5").total() == pytest.approx(0.0052772, rel=1e-12)
    fs4 = _hub(4)
    assert dict(fs4.get("vehicle.medium_and_heavy_duty_vehicles_diesel_model_year_2007_2021", "US", 2024).gases) \
        == {"CH4": 0.0095, "N2O": 0.0431}
    assert dict(fs4.get("vehicle.light_duty_cars_cng", "US", 2024).gases) == {"CH4": 0.133, "N2O": 0.004}
