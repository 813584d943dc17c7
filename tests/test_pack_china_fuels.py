"""The china pack's fuel defaults, row by row, against GB/T 32151.34—2024 Table C.1 as transcribed by hand.

``tests/fixtures/published/china_gbt32151_c1.csv`` holds the table twice, typed from two independent
transcriptions (github.com/adgo07/GHGTOOL's copy of GB/T 32151.34—2024 Table C.1, and a copy of the
same-series GB/T 32151.22—2024 Table C.1 with carbon content in t C/TJ and oxidation in %).
The pack ships each fuel's NCV (``properties.csv``) and the CO2 factor the guideline's formula gives,

    CO2 = quantity x NCV x carbon content x oxidation x 44/12,

so every shipped factor is recomputed here from the transcribed inputs.

Worked by hand (t CO2):

* 100 t of anthracite: 26.7 GJ/t x 0.0274 t C/GJ = 0.73158 t C/t; x 0.94 = 0.6876852; x 44/12 = 2.5215124 t CO2/t,
  so 252.15124 t (the pack's rounded 2.521512 t/t gives 252.1512);
* 10 x 10^4 Nm3 of natural gas: 389.31 x 0.0153 = 5.956443; x 0.99 = 5.89687857; x 44/12 = 21.62188809 t per 10^4 Nm3,
  so 216.2188809 t; 100,000 Nm3 is the same amount;
* 4,265.2 GJ of diesel is 100 t at 42.652 GJ/t: 42.652 x 0.0202 x 0.98 x 44/12 = 3.0959096 t/t, so 309.59096 t.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neutralcore as nc
from neutralcore.measure import coverage
from neutralcore.measure.carboncontent import co2_factor

ROOT = Path(__file__).resolve().parents[1]
CHINA = ROOT / "src" / "neutralcore" / "plugins" / "china" / "data"
SOURCE = "gbt-32151-34-2024"


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


TABLE = _read(ROOT / "tests" / "fixtures" / "published" / "china_gbt32151_c1.csv")
FACTORS = {r["activity"]: r for r in _read(CHINA / "factors.csv") if r["source"] == SOURCE}
PROPERTIES = {r["activity"]: r for r in _read(CHINA / "properties.csv") if r["source"] == SOURCE}


def _one(activity: str, quantity: float, unit: str, region: str = "CN", year: int = 2024) -> nc.Inventory:
    return nc.Inventory([nc.Activity(activity, quantity, unit, region=region, year=year, scope=1)])


def test_the_table_has_its_26_fuels_once():
    assert len(TABLE) == 26
    assert len({r["activity"] for r in TABLE}) == 26 and len({r["name"] for r in TABLE}) == 26


@pytest.mark.parametrize("row", TABLE, ids=lambda r: r["activity"])
def test_the_two_copies_agree(row):
    """Same NCV; carbon content (t C/GJ) x 1000 is the t C/TJ column; oxidation x 100 is the % column."""
    assert float(row["ncv"]) == float(row["second_ncv"])
    assert round(float(row["carbon_content"]) * 1000, 6) == float(row["second_carbon_content_tC_per_TJ"])
    assert round(float(row["oxidation"]) * 100, 6) == float(row["second_oxidation_pct"])


@pytest.mark.parametrize("row", TABLE, ids=lambda r: r["activity"])
def test_shipped_factor_is_the_guideline_formula(row):
    got = FACTORS[row["activity"]]
    expected = co2_factor(float(row["ncv"]), float(row["carbon_content"]), float(row["oxidation"]))
    assert abs(float(got["value"]) - expected) <= 5e-7  # shipped to 6 decimals
    assert (got["region"], got["year"], got["gas"], got["confidence"]) == ("CN", "2024", "CO2", "DERIVED")
    assert got["unit"] == f"t/{row['amount_unit']}"
    for given_value in (row["ncv"], row["carbon_content"], row["oxidation"]):
        assert given_value in got["notes"]  # the three inputs a verifier recomputes from
    assert row["name"] in got["kind"] and "Table C.1" in got["kind"]


@pytest.mark.parametrize("row", TABLE, ids=lambda r: r["activity"])
def test_shipped_ncv_is_the_table_one(row):
    got = PROPERTIES[row["activity"]]
    assert (got["region"], got["property"], got["confidence"]) == ("CN", "ncv", "B")
    assert float(got["value"]) == float(row["ncv"])
    assert got["unit"] == ("GJ/t" if row["amount_unit"] == "t" else "GJ/10^4 Nm3")


def test_every_fuel_row_of_the_pack_is_a_table_row():
    """One document's table, not a mix: nothing from another guideline's table under this source."""
    assert set(FACTORS) == set(PROPERTIES) == {r["activity"] for r in TABLE}
    fuel_rows = [r for r in _read(CHINA / "factors.csv") if r["activity"].startswith("fuel.")]
    assert {r["source"] for r in fuel_rows} == {SOURCE}


def test_rows_that_older_tables_print_differently():
    """Values where GB/T 32151.34—2024 differs from the older NDRC / GB/T 32150—2015-era tables stay this table's."""
    t = {r["activity"]: r for r in TABLE}
    assert (t["fuel.lng.stationary"]["ncv"], t["fuel.lng.stationary"]["carbon_content"]) == ("51.498", "0.0153")
    assert t["fuel.petroleum_coke.stationary"]["oxidation"] == "0.98"
    assert t["fuel.refinery_gas.stationary"]["oxidation"] == "0.99"
    assert t["fuel.coal.other_products.stationary"]["oxidation"] == "0.98"


# ------------------------------------------------------------------ hand-worked through the kernel

def test_anthracite_by_hand():
    res = _one("fuel.coal.anthracite.stationary", 100, "t", region="CN-JS").emissions("china")
    assert res.total() == pytest.approx(252.15124, rel=1e-6)
    assert (res.matches[0]["region_used"], res.matches[0]["year_used"]) == ("CN", 2024)


def test_natural_gas_by_hand_in_both_volume_units():
    china = nc.load_factors("china")
    wan = _one("fuel.natural_gas.stationary", 10, "10^4 Nm3", year=2025).emissions(china).total()
    nm3 = _one("fuel.natural_gas.stationary", 100_000, "Nm3", year=2025).emissions(china).total()
    assert wan == pytest.approx(216.2188809, rel=1e-6)
    assert nm3 == pytest.approx(wan, rel=1e-12)


def test_diesel_metered_in_gj_uses_the_table_ncv():
    """4,265.2 GJ / 42.652 GJ/t = 100 t; 100 t x 3.0959096 t/t."""
    res = _one("fuel.diesel.stationary", 4_265.2, "GJ").emissions("china")
    assert res.total() == pytest.approx(309.59096, rel=1e-6)


def test_the_table_is_not_used_before_its_year():
    with pytest.raises(nc.FactorNotFoundError):
        _one("fuel.diesel.stationary", 100, "t", year=2023).emissions("china")


@settings(max_examples=40, deadline=None)
@given(row=st.sampled_from(TABLE), quantity=st.floats(min_value=1e-3, max_value=1e7))
def test_emissions_are_quantity_times_the_recomputed_factor(row, quantity):
    expected = quantity * co2_factor(float(row["ncv"]), float(row["carbon_content"]), float(row["oxidation"]))
    got = _one(row["activity"], quantity, row["amount_unit"]).emissions("china").total()
    assert got == pytest.approx(expected, rel=5e-7 / 0.9)  # the 6-decimal rounding of a factor of at least 1.05


def test_coverage_of_china_lists_the_fuels():
    rows = {r["activity"]: r for r in coverage("china", "CN")}
    for r in TABLE:
        assert (rows[r["activity"]]["level"], rows[r["activity"]]["year_used"]) == ("own", 2024)
    js = {r["activity"]: r for r in coverage("china", "CN-JS")}
    assert (js["fuel.diesel.stationary"]["level"], js["fuel.diesel.stationary"]["region_used"]) == ("country", "CN")
