"""A factor's published CO2e total survives a FactorSet: factor(i), take, merge, the table and a pack directory."""

from __future__ import annotations

import pytest

import neutralcore as nc
from neutralcore.importers import write_pack

IPCC = nc.Source("IPCC", "2006 IPCC Guidelines, Vol. 2, Ch. 2, Table 2.2 (gas/diesel oil)", 2006)
GRID = nc.Source("MONRE/DCC", "Viet Nam grid emission factor 2023", 2024)


def diesel() -> nc.Factor:
    # 74,100 + 3 x 28 + 0.6 x 265 = 74,343 kg CO2e/TJ under AR5 (IPCC 2006 Table 2.2; AR5 WG1 Table 8.A.1)
    return nc.Factor("fuel.diesel.stationary", "World", 2006, "kg/TJ", {"CO2": 74_100, "CH4": 3, "N2O": 0.6},
                     IPCC, gwp_basis="AR5", co2e_total=74_343)


def grid() -> nc.Factor:
    return nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, GRID)


def test_factorset_gives_the_total_back():
    """Regression: FactorSet.factor(i) lost co2e_total (None)."""
    fs = nc.FactorSet.from_factors([grid(), diesel()])
    assert fs.factor(1).co2e_total == 74_343.0 and fs.factor(1) == diesel()
    assert fs.factor(0).co2e_total is None and fs.co2e_total_of(0) is None
    assert nc.FactorSet.from_factors([grid()]).co2e_total is None  # no column when no factor gives one


def test_total_survives_take_merge_and_get():
    fs = nc.FactorSet.from_factors([diesel()])
    merged = nc.FactorSet.merge(nc.FactorSet.from_factors([grid()]), fs)
    assert [f.co2e_total for f in merged] == [None, 74_343.0]
    assert merged.where(activity="fuel.diesel").factor(0).co2e_total == 74_343.0
    assert merged.get("fuel.diesel.stationary", "World", 2006).co2e_total == 74_343.0
    # a later set without totals replaces the key: its factor's (absent) total wins, not the old one
    plain = nc.FactorSet.from_factors([nc.Factor("fuel.diesel.stationary", "World", 2006, "kg/TJ",
                                                 {"CO2": 74_100}, IPCC)])
    assert nc.FactorSet.merge(fs, plain).factor(0).co2e_total is None


def test_table_shows_the_total_beside_the_gases():
    t = nc.FactorSet.from_factors([grid(), diesel()]).to_table()
    assert t.columns[:8] == ("activity", "region", "year", "unit", "CO2", "CH4", "N2O", "co2e_total")
    assert t["co2e_total"][1] == 74_343.0 and t["co2e_total"][0] != t["co2e_total"][0]  # NaN where none


def test_matches_report_the_total_of_the_factor_used():
    inv = nc.Inventory([nc.Activity("fuel.diesel.stationary", 2, "TJ", region="VN", year=2023, scope=1)])
    em = inv.emissions(nc.FactorSet.from_factors([diesel()]))
    assert em.total() == pytest.approx(148.686, rel=1e-12)  # 2 TJ x 74,343 kg/TJ
    assert em.matches.factor(0).co2e_total == 74_343.0
    assert em.matches[0]["factor"].gwp_basis == "AR5"


def test_pack_directory_round_trips_the_total(tmp_path):
    fs = nc.FactorSet.from_factors([grid(), diesel()])
    pack = write_pack(fs, tmp_path, name="t", title="t", version="1", license="CC-BY-4.0")
    assert "fuel.diesel.stationary,World,2006,CO2e,74343.0" in (pack / "factors.csv").read_text()
    back = nc.FactorPack.from_directory(pack).load()
    assert back.get("fuel.diesel.stationary", "World", 2006).co2e_total == 74_343.0
    assert back.get("fuel.diesel.stationary", "World", 2006).gases == diesel().gases


def test_factor_csv_keeps_the_total():
    text = (b"activity,region,year,gas,value,unit,publisher,document,source_year,gwp_basis\n"
            b"fuel.diesel.stationary,World,2006,CO2,74100,kg/TJ,IPCC,Table 2.2,2006,AR5\n"
            b"fuel.diesel.stationary,World,2006,CH4,3,kg/TJ,IPCC,Table 2.2,2006,\n"
            b"fuel.diesel.stationary,World,2006,N2O,0.6,kg/TJ,IPCC,Table 2.2,2006,\n"
            b"fuel.diesel.stationary,World,2006,CO2e,74343,kg/TJ,IPCC,Table 2.2,2006,AR5\n")
    fs = nc.FactorSet.read_csv(text)
    assert fs.factor(0).co2e_total == 74_343.0 and "CO2e" not in fs.gases
