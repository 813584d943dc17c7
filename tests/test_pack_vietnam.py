"""The vietnam pack, row by row against tables typed by hand from the publishers' documents.

The fixtures in ``tests/fixtures/published/vietnam_*.csv`` were transcribed by hand from the copies of the
DCC grid announcements and of MONRE Decision 2626/QĐ-BTNMT (10 Oct 2022) named in the pack's sources; they
keep the decision's row numbers (STT), its Vietnamese names and its printed numbers (``98.300`` is 98,300,
``1,5`` is 1.5).  Nothing here is generated from the pack files.  The key each row is shipped under is
written below by hand, so a row moved to another key, a changed value or an extra row fails.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import neutralcore as nc
from neutralcore.claim.vietnam import Facility, inventory_report
from neutralcore.gwp import canonical_gas, gas_kind, gwp_value
from neutralcore.measure.coverage import coverage

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = ROOT / "tests" / "fixtures" / "published"
VIETNAM = ROOT / "src" / "neutralcore" / "plugins" / "vietnam" / "data"
IPCC = ROOT / "src" / "neutralcore" / "plugins" / "ipcc" / "data"


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def vn_number(printed: str) -> float:
    """A number as printed in a Vietnamese legal text: ``.`` groups thousands, ``,`` is the decimal mark."""
    return float(printed.replace(".", "").replace(",", "."))


def test_vn_number():
    assert [vn_number(s) for s in ("98.300", "1,5", "0,6", "100.000", "6.500", "4,15", "10")] == [
        98300.0, 1.5, 0.6, 100000.0, 6500.0, 4.15, 10.0]


GRID = _read(PUBLISHED / "vietnam_dcc_grid.csv")
ANNEX1 = {r["stt"]: r for r in _read(PUBLISHED / "vietnam_2626_annex1.csv")}
ANNEX2 = {r["stt"]: r for r in _read(PUBLISHED / "vietnam_2626_annex2.csv")}
ANNEX4 = {r["stt"]: r for r in _read(PUBLISHED / "vietnam_2626_annex4.csv")}
SHIPPED = _read(VIETNAM / "factors.csv")
ROWS = {(r["activity"], r["year"], r["gas"]): r for r in SHIPPED}
PROPS = {(r["activity"], r["property"]): r for r in _read(VIETNAM / "properties.csv")}
IPCC_ROWS = {(r["activity"], r["gas"]): r for r in _read(IPCC / "factors.csv") if r["region"] == "World"}
IPCC_PROPS = {(r["activity"], r["property"]): r for r in _read(IPCC / "properties.csv")}

BIO = "CO2_biogenic"
# Annex I: pack key -> {gas: STT of the decision's row}; biomass and charcoal CO2 ship as CO2_biogenic
ANNEX1_KEYS: dict[str, dict[str, str]] = {
    # 1.1 Công nghiệp năng lượng (energy industries)
    "fuel.coal.anthracite.stationary.energy_industries": {"CO2": "1.1", "CH4": "1.2", "N2O": "1.3"},
    "fuel.coal.sub_bituminous.stationary.energy_industries": {"CO2": "1.4", "CH4": "1.5", "N2O": "1.6"},
    "fuel.crude_oil.stationary.energy_industries": {"CO2": "1.7", "CH4": "1.8", "N2O": "1.9"},
    "fuel.diesel.stationary.energy_industries": {"CO2": "1.10", "CH4": "1.11", "N2O": "1.12"},
    "fuel.residual_fuel_oil.stationary.energy_industries": {"CO2": "1.13", "CH4": "1.14", "N2O": "1.15"},
    "fuel.natural_gas.stationary.energy_industries": {"CO2": "1.16", "CH4": "1.17", "N2O": "1.18"},
    "fuel.biomass.stationary.energy_industries": {BIO: "1.19", "CH4": "1.20", "N2O": "1.21"},
    "fuel.biomass.charcoal.stationary.energy_industries": {BIO: "1.22", "CH4": "1.23", "N2O": "1.24"},
    # 1.2 Công nghiệp sản xuất và xây dựng (manufacturing and construction); biomass CO2 from row 1.19
    "fuel.coal.anthracite.stationary.manufacturing": {"CO2": "1.25", "CH4": "1.26", "N2O": "1.27"},
    "fuel.diesel.stationary.manufacturing": {"CO2": "1.28", "CH4": "1.29", "N2O": "1.30"},
    "fuel.residual_fuel_oil.stationary.manufacturing": {"CO2": "1.31", "CH4": "1.32", "N2O": "1.33"},
    "fuel.lpg.stationary.manufacturing": {"CO2": "1.34", "CH4": "1.35", "N2O": "1.36"},
    "fuel.natural_gas.stationary.manufacturing": {"CO2": "1.37", "CH4": "1.38", "N2O": "1.39"},
    "fuel.biomass.stationary.manufacturing": {BIO: "1.19", "CH4": "1.40", "N2O": "1.41"},
    # 1.3 domestic aviation: one CH4 (1.44) and one N2O (1.45) row for all fuels
    "fuel.jet_kerosene.mobile.aviation": {"CO2": "1.42", "CH4": "1.44", "N2O": "1.45"},
    "fuel.aviation_gasoline.mobile.aviation": {"CO2": "1.43", "CH4": "1.44", "N2O": "1.45"},
    # 1.4 road, 1.5 rail, 1.6 inland waterways and domestic navigation
    "fuel.diesel.mobile.road": {"CO2": "1.46", "CH4": "1.47", "N2O": "1.48"},
    "fuel.gasoline.mobile.road": {"CO2": "1.49", "CH4": "1.50", "N2O": "1.51"},
    "fuel.lpg.mobile.road": {"CO2": "1.52", "CH4": "1.53", "N2O": "1.54"},
    "fuel.natural_gas.mobile.road": {"CO2": "1.55", "CH4": "1.56", "N2O": "1.57"},
    "fuel.diesel.mobile.rail": {"CO2": "1.58", "CH4": "1.59", "N2O": "1.60"},
    "fuel.diesel.mobile.navigation": {"CO2": "1.61", "CH4": "1.62", "N2O": "1.63"},
    "fuel.residual_fuel_oil.mobile.navigation": {"CO2": "1.64", "CH4": "1.65", "N2O": "1.66"},
    # 1.7 Thương mại và dịch vụ (commercial), 1.8 Dân dụng (residential)
    "fuel.coal.anthracite.stationary.commercial": {"CO2": "1.67", "CH4": "1.68", "N2O": "1.69"},
    "fuel.diesel.stationary.commercial": {"CO2": "1.70", "CH4": "1.71", "N2O": "1.72"},
    "fuel.lpg.stationary.commercial": {"CO2": "1.73", "CH4": "1.74", "N2O": "1.75"},
    "fuel.biomass.charcoal.stationary.commercial": {BIO: "1.76", "CH4": "1.77", "N2O": "1.78"},
    "fuel.coal.anthracite.stationary.residential": {"CO2": "1.79", "CH4": "1.80", "N2O": "1.81"},
    "fuel.kerosene.stationary.residential": {"CO2": "1.82", "CH4": "1.83", "N2O": "1.84"},
    "fuel.lpg.stationary.residential": {"CO2": "1.85", "CH4": "1.86", "N2O": "1.87"},
    "fuel.biomass.stationary.residential": {BIO: "1.88", "CH4": "1.89", "N2O": "1.90"},
    "fuel.biomass.charcoal.stationary.residential": {BIO: "1.91", "CH4": "1.92", "N2O": "1.93"},
    # 1.9 Nông nghiệp, lâm nghiệp và thủy sản (agriculture, forestry, fisheries); biomass CO2 from row 1.88
    "fuel.gasoline.stationary.agriculture": {"CO2": "1.94", "CH4": "1.95", "N2O": "1.96"},
    "fuel.diesel.stationary.agriculture": {"CO2": "1.97", "CH4": "1.98", "N2O": "1.99"},
    "fuel.biomass.stationary.agriculture": {BIO: "1.88", "CH4": "1.100", "N2O": "1.101"},
}
# biomass CO2 that a section does not list, taken from the decision's biomass CO2 row of another section
BORROWED = {("fuel.biomass.stationary.manufacturing", BIO), ("fuel.biomass.stationary.agriculture", BIO)}
# the IPCC 2006 default (ipcc pack, World) each Annex I key equals: the decision's rows are Tier 1 defaults
IPCC_TWIN = {
    "fuel.biomass.stationary.energy_industries": "fuel.biomass.other_primary_solid.stationary.energy_industries",
    "fuel.biomass.stationary.manufacturing": "fuel.biomass.other_primary_solid.stationary.manufacturing",
    "fuel.biomass.stationary.residential": "fuel.biomass.other_primary_solid.stationary.residential",
    "fuel.biomass.stationary.agriculture": "fuel.biomass.other_primary_solid.stationary.residential",  # Table 2.5
    "fuel.gasoline.stationary.agriculture": "fuel.gasoline.stationary.residential",
    "fuel.diesel.stationary.agriculture": "fuel.diesel.stationary.residential",
    "fuel.gasoline.mobile.road": "fuel.gasoline.mobile.road.uncontrolled",
}
NO_IPCC_TWIN = {"fuel.crude_oil.stationary.energy_industries", "fuel.jet_kerosene.mobile.aviation",
                "fuel.aviation_gasoline.mobile.aviation", "fuel.residual_fuel_oil.mobile.navigation"}
ANNEX2_KEYS = {"process.lime.high_calcium": "1.4", "process.lime.dolomitic.low_purity": "1.5"}
ANNEX4_KEYS = {
    "waste.composting.dry": {"CH4": "2.1", "N2O": "2.3"},
    "waste.composting.wet": {"CH4": "2.2", "N2O": "2.4"},
    "waste.anaerobic_digestion.dry": {"CH4": "2.5"},
    "waste.anaerobic_digestion.wet": {"CH4": "2.6"},
}
# wastewater CH4 = B0 x MCF (IPCC 2006 Vol.5 Ch.6): key -> (STT of B0, STT of MCF)
WASTEWATER = {
    "wastewater.domestic.bod.centralised_aerobic": ("4.1", "4.2"),
    "wastewater.domestic.bod.septic": ("4.1", "4.3"),
    "wastewater.domestic.bod.untreated_discharge": ("4.1", "4.4"),
    "wastewater.industrial.cod.centralised_aerobic": ("4.6", "4.7"),
    "wastewater.industrial.cod.shallow_anaerobic": ("4.6", "4.8"),
    "wastewater.industrial.cod.deep_anaerobic": ("4.6", "4.9"),
    "wastewater.industrial.cod.untreated_discharge": ("4.6", "4.10"),
}


@pytest.fixture(scope="module")
def vn():
    return nc.load_factors("vietnam")


# --------------------------------------------------------------------------- the DCC grid factor


@pytest.mark.parametrize("row", [r for r in GRID if r["letter"]], ids=lambda r: r["year"])
def test_a_grid_year_with_a_known_letter_cites_it_with_the_letters_year(row, vn):
    """The 2022 and 2023 factors cite their DCC letter by number and date, with the letter's year (2024),
    not the 2025 of the news summaries they were read from (issue 12)."""
    src = vn.get("electricity.grid", "VN", int(row["year"])).source
    assert f"No. {row['letter']} of {row['letter_date']}" in src.document
    assert src.year == int(row["letter_date"].rsplit(" ", 1)[1]) == 2024


@pytest.mark.parametrize("row", GRID, ids=lambda r: r["year"])
def test_grid_equals_the_dcc_table(row):
    shipped = ROWS[("electricity.grid", row["year"], "CO2")]
    assert float(shipped["value"]) == float(row["ef_t_per_mwh"])
    assert shipped["unit"] == "t/MWh" and shipped["region"] == "VN" and shipped["confidence"] == "B"
    assert "combined margin (CM)" in shipped["kind"] and "Tool 07" in shipped["kind"]
    assert "VietnamPlus" in shipped["notes"]  # the second copy of the series
    if row["letter"]:
        assert f"No. {row['letter']} of {row['letter_date']}" in shipped["notes"]  # cited by number and date


def test_no_2024_grid_factor_is_shipped(vn):
    """No DCC/MAE letter announcing a 2024 factor was found: 2024 uses 2023's (a year fallback), not an estimate."""
    assert {int(r["year"]) for r in GRID} == set(range(2014, 2024))
    assert vn.get("electricity.grid", "VN", 2024) is None
    inv = nc.Inventory([nc.Activity("electricity.grid", 1000, "MWh", region="VN", year=2024, scope=2)])
    res = inv.emissions(vn)
    assert res.total() == pytest.approx(659.2, rel=1e-12)
    assert (res.matches[0]["year_used"], res.matches[0]["year_fallback"]) == (2023, True)


# --------------------------------------------------------------------------- Decision 2626, Annex I


def _annex1_cases():
    for key, gases in ANNEX1_KEYS.items():
        for gas, stt in gases.items():
            yield pytest.param(key, gas, stt, id=f"{key}-{gas}")


@pytest.mark.parametrize(("key", "gas", "stt"), list(_annex1_cases()))
def test_annex1_row_equals_the_decision(key, gas, stt):
    published = ANNEX1[stt]
    shipped = ROWS[(key, "2022", gas)]
    assert float(shipped["value"]) == vn_number(published["value_printed"]), (key, gas, stt)
    assert published["gas"] == ("CO2" if gas == BIO else gas)
    assert published["unit_printed"].replace(" ", "") == f"Kg{published['gas']}/TJ"
    assert published["tier"] == "Bậc 1"
    assert (shipped["unit"], shipped["source"], shipped["confidence"], shipped["region"]) == (
        "kg/TJ", "monre-2626-2022", "B", "VN")
    assert stt in shipped["kind"]
    if (key, gas) not in BORROWED:
        assert published["section_vi"] in shipped["kind"]


def test_every_annex1_combustion_row_is_shipped_once_under_a_named_key():
    """All 101 fuel-combustion rows (1.1-1.101) are used; no shipped fuel row lacks its decision row."""
    used = {stt for gases in ANNEX1_KEYS.values() for stt in gases.values()}
    assert used == set(ANNEX1) and len(ANNEX1) == 101
    shipped_fuel = {(r["activity"], r["gas"]) for r in SHIPPED if r["activity"].startswith("fuel.")}
    assert shipped_fuel == {(k, g) for k, gases in ANNEX1_KEYS.items() for g in gases}


@pytest.mark.parametrize("key", sorted(set(ANNEX1_KEYS) - NO_IPCC_TWIN))
def test_annex1_rows_are_the_ipcc_defaults(key):
    """The cross-check with the publisher's own source data: each row is the IPCC 2006 Tier 1 default it adopts."""
    twin = IPCC_TWIN.get(key, key)
    for gas in ANNEX1_KEYS[key]:
        assert float(ROWS[(key, "2022", gas)]["value"]) == float(IPCC_ROWS[(twin, gas)]["value"]), (key, gas)


def test_biomass_co2_is_biogenic_and_the_decisions_own_number():
    """Sections 1.2 and 1.9 list only CH4 and N2O for biomass: their CO2_biogenic is the decision's biomass CO2 row."""
    for key in ("fuel.biomass.stationary.manufacturing", "fuel.biomass.stationary.agriculture"):
        row = ROWS[(key, "2022", BIO)]
        assert float(row["value"]) == vn_number(ANNEX1[ANNEX1_KEYS[key][BIO]]["value_printed"]) == 100000.0
        assert "lists only CH4 and N2O" in row["notes"]
    assert not any(r["gas"] == "CO2" for r in SHIPPED if r["activity"].startswith("fuel.biomass."))


def test_the_decisions_asterisk_is_not_claimed_for_ipcc_defaults():
    """'*' marks the decision's country-specific factors; no shipped row says it adopts an IPCC default by it."""
    assert not any("row marked *" in r["kind"] or "row marked *" in r["notes"] for r in SHIPPED)
    assert all("*" not in ANNEX1[stt]["name_vi"] for stt in ANNEX1)


@pytest.mark.parametrize(("key", "prop"), sorted(PROPS))
def test_fuel_properties_are_the_ipcc_packs(key, prop):
    """NCVs (IPCC Table 1.2) and densities (Statistics Canada) are copied from the ipcc pack's row for the same fuel."""
    row = PROPS[(key, prop)]
    twin = IPCC_TWIN.get(key, key)
    twin = {"fuel.residual_fuel_oil.mobile.navigation": "fuel.residual_fuel_oil.stationary.manufacturing",
            "fuel.jet_kerosene.mobile.aviation": "fuel.jet_kerosene.stationary.manufacturing"}.get(key, twin)
    ip = IPCC_PROPS[(twin, prop)]
    assert (row["value"], row["unit"], row["source"], row["confidence"]) == (ip["value"], ip["unit"], ip["source"], "A")
    # Table 1.2's 95 % limits travel with the NCV they belong to (the ipcc pack's own test checks them)
    assert (row["lower"], row["upper"], row["distribution"]) == (ip["lower"], ip["upper"], ip["distribution"])


def test_fuel_oil_by_mass_carries_the_ncv_range(vn):
    """100 t of FO in a factory: 0.1 Gg x 40.4 TJ/Gg = 4.04 TJ x (77,400 + 3 x 28 + 0.6 x 265 = 77,643 kg/TJ, AR5)
    = 313.67772 t CO2e; the NCV's Table 1.2 limits give 313.67772 x [39.8, 41.7] / 40.4 (lognormal, to sampling
    error); the decision's factors themselves carry no published uncertainty and are listed as such."""
    inv = nc.Inventory([nc.Activity("fuel.residual_fuel_oil.stationary.manufacturing", 100, "t", region="VN", year=2023,
                                    scope=1)])
    u = inv.emissions(vn, gwp="AR5").uncertainty(100_000, seed=3)
    assert u.total == pytest.approx(313.67772, rel=1e-12)
    assert u.low == pytest.approx(313.67772 * 39.8 / 40.4, rel=0.003)
    assert u.high == pytest.approx(313.67772 * 41.7 / 40.4, rel=0.003)
    assert sorted(u.without["gas"]) == ["CH4", "CO2", "N2O"]


def test_every_fuel_key_converts_tonnes_except_where_no_ncv_is_stored():
    """Tonnes and litres convert as in the ipcc pack; crude oil and aviation gasoline have no stored IPCC NCV."""
    missing = {k for k in ANNEX1_KEYS if (k, "ncv") not in PROPS}
    assert missing == {"fuel.crude_oil.stationary.energy_industries", "fuel.aviation_gasoline.mobile.aviation"}


# --------------------------------------------------------------------------- Annexes II and IV


@pytest.mark.parametrize("key", sorted(ANNEX2_KEYS))
def test_annex2_lime_rows(key):
    published = ANNEX2[ANNEX2_KEYS[key]]
    shipped = ROWS[(key, "2022", "CO2")]
    assert float(shipped["value"]) == vn_number(published["value_printed"])
    assert (shipped["unit"], shipped["confidence"]) == ("t/t", "C")  # one copy only, equal to the IPCC default
    assert float(shipped["value"]) == float(IPCC_ROWS[(key, "CO2")]["value"])


def _annex4_cases():
    for key, gases in ANNEX4_KEYS.items():
        for gas, stt in gases.items():
            yield pytest.param(key, gas, stt, id=f"{key}-{gas}")


@pytest.mark.parametrize(("key", "gas", "stt"), list(_annex4_cases()))
def test_annex4_biological_treatment_rows(key, gas, stt):
    published = ANNEX4[stt]
    shipped = ROWS[(key, "2022", gas)]
    assert published["gas"] == gas
    assert float(shipped["value"]) == vn_number(published["value_printed"])
    assert (shipped["unit"], shipped["confidence"]) == ("g/kg", "B")
    assert float(shipped["value"]) == float(IPCC_ROWS[(key, gas)]["value"])


def test_anaerobic_digestion_n2o_is_negligible_in_the_decision_and_not_shipped():
    assert ANNEX4["2.7"]["value_printed"] == ANNEX4["2.8"]["value_printed"] == "Giả định không đáng kể"
    assert ("waste.anaerobic_digestion.dry", "2022", "N2O") not in ROWS


@pytest.mark.parametrize("key", sorted(WASTEWATER))
def test_wastewater_ch4_is_b0_times_mcf(key):
    b0, mcf = (vn_number(ANNEX4[s]["value_printed"]) for s in WASTEWATER[key])
    shipped = ROWS[(key, "2022", "CH4")]
    assert float(shipped["value"]) == pytest.approx(b0 * mcf, rel=1e-12)
    assert (shipped["unit"], shipped["confidence"]) == ("kg/kg", "DERIVED")
    quantity = "BOD" if ".bod." in key else "COD"
    assert ANNEX4[WASTEWATER[key][0]]["unit_printed"] == f"Kg CH4/kg{quantity}"


def test_pack_ships_nothing_else():
    named = ({"electricity.grid"} | set(ANNEX1_KEYS) | set(ANNEX2_KEYS) | set(ANNEX4_KEYS) | set(WASTEWATER))
    assert {r["activity"] for r in SHIPPED} == named
    assert {r["source"] for r in SHIPPED} == {"dcc-grid-ef", "dcc-327-2024", "dcc-1726-2024", "monre-2626-2022"}


# --------------------------------------------------------------------------- hand-worked examples


def test_rice_husk_boiler_by_hand(vn):
    """1,000 kg of rice husk in a factory boiler (Decision 2626 rows 1.40/1.41, biomass CO2 row 1.19; AR5).

    Energy: 1 t = 0.001 Gg x 11.6 TJ/Gg (IPCC other primary solid biomass) = 0.0116 TJ
    CO2_biogenic: 0.0116 x 100,000 = 1,160 kg = 1.16 t, reported apart, not in the total
    CH4: 0.0116 x 30 = 0.348 kg x 28 = 9.744 kg;  N2O: 0.0116 x 4 = 0.0464 kg x 265 = 12.296 kg
    Total: 22.04 kg = 0.02204 t CO2e
    """
    inv = nc.Inventory([nc.Activity("fuel.biomass.stationary.manufacturing", 1000, "kg", region="VN", year=2023, scope=1)])
    res = inv.emissions(vn, gwp="AR5")
    assert res.total() == pytest.approx(0.02204, rel=1e-12)
    gas = {r["gas"]: r for r in res.per_gas()}
    assert gas[BIO]["mass_t"] == pytest.approx(1.16, rel=1e-12)
    assert gas["CH4"]["mass_t"] == pytest.approx(0.000348, rel=1e-12)
    assert gas["N2O"]["mass_t"] == pytest.approx(0.0000464, rel=1e-12)
    assert (res.matches[0]["factor"].pack, res.matches[0]["year_used"]) == ("vietnam", 2022)


def test_fuel_oil_boiler_litres_by_hand(vn):
    """1,000 L of fuel oil (FO) in manufacturing (rows 1.31-1.33; AR5).

    Mass: 1 m3 x 992.8 kg/m3 (Statistics Canada heavy fuel oil) = 0.0009928 Gg x 40.4 TJ/Gg = 0.04010912 TJ
    CO2 0.04010912 x 77,400 = 3,104.445888 kg; CH4 x 3 = 0.12032736 kg x 28 = 3.36916608 kg;
    N2O x 0.6 = 0.024065472 kg x 265 = 6.37735008 kg;  total 3,114.19240416 kg = 3.11419240416 t CO2e
    """
    inv = nc.Inventory([nc.Activity("fuel.residual_fuel_oil.stationary.manufacturing", 1000, "L", region="VN", year=2023,
                                    scope=1)])
    assert inv.emissions(vn, gwp="AR5").total() == pytest.approx(3.11419240416, rel=1e-12)


def test_industrial_wastewater_by_hand(vn):
    """10,000 kg COD to a deep anaerobic lagoon: 10,000 x 0.25 x 0.8 = 2,000 kg CH4 x 28 (AR5) = 56 t CO2e."""
    inv = nc.Inventory([nc.Activity("wastewater.industrial.cod.deep_anaerobic", 10_000, "kg", region="VN", year=2023,
                                    scope=1)])
    assert inv.emissions(vn, gwp="AR5").total() == pytest.approx(56.0, rel=1e-12)


def _factory() -> nc.Inventory:
    return nc.Inventory([
        nc.Activity("electricity.grid", 5000, "MWh", region="VN-39", year=2023, scope=2, site="dong-nai"),
        nc.Activity("fuel.residual_fuel_oil.stationary.manufacturing", 20, "TJ", region="VN", year=2023, scope=1,
                    site="dong-nai"),
        nc.Activity("fuel.biomass.stationary.manufacturing", 10, "TJ", region="VN", year=2023, scope=1, site="dong-nai"),
        nc.Activity("fuel.diesel.mobile.road", 1, "TJ", region="VN", year=2023, scope=1, site="dong-nai"),
        nc.Activity("wastewater.industrial.cod.shallow_anaerobic", 50_000, "kg", region="VN", year=2023, scope=1,
                    site="dong-nai"),
    ])


def test_a_dong_nai_factory_by_hand(vn):
    """A Dong Nai textile factory, 2023 (AR5): grid via the country (VN-39, ISO 3166-2 for Dong Nai, is no pack's region), FO and rice-husk
    boilers, a diesel truck, an anaerobic wastewater pond.

    Grid:    5,000 MWh x 0.6592                                       = 3,296 t CO2
    FO:      20 TJ: CO2 20 x 77,400 = 1,548,000 kg; CH4 60 kg x 28 = 1,680; N2O 12 kg x 265 = 3,180 -> 1,552.86 t
    Husk:    10 TJ: CH4 300 kg x 28 = 8,400; N2O 40 kg x 265 = 10,600 -> 19 t; biogenic CO2 1,000 t apart
    Truck:   1 TJ: CO2 74,100; CH4 3.9 x 28 = 109.2; N2O 3.9 x 265 = 1,033.5 -> 75.2427 t
    Pond:    50,000 kg COD x 0.25 x 0.2 = 2,500 kg CH4 x 28               = 70 t
    Total:   3,296 + 1,552.86 + 19 + 75.2427 + 70                         = 5,013.1027 t CO2e (scope 1: 1,717.1027)
    """
    res = _factory().emissions(vn, gwp="AR5")
    assert res.total() == pytest.approx(5013.1027, rel=1e-12)
    by_scope = {r["scope"]: r["co2e_t"] for r in res.by("scope")}
    assert by_scope[1] == pytest.approx(1717.1027, rel=1e-12) and by_scope[2] == pytest.approx(3296.0, rel=1e-12)
    assert {r["gas"]: r["mass_t"] for r in res.per_gas()}[BIO] == pytest.approx(1000.0, rel=1e-12)
    grid = res.matches[0]
    assert (grid["region_used"], grid["year_used"]) == ("VN", 2023)
    assert "combined margin (CM)" in grid["factor"].kind


def test_the_viet_nam_report_on_the_factory(vn):
    """The Decree 06 inventory report names Decision 2626 for every fuel row and keeps biogenic CO2 apart."""
    res = _factory().emissions(vn, gwp="AR5")
    f = Facility("Dong Nai Textiles", "industry", emissions=res.total(), province="Dong Nai")
    data = json.loads(inventory_report(res, f, period="2023", format="json"))
    assert data["total_t"] == pytest.approx(5013.1027, rel=1e-12)
    used = {r["activity"]: r for r in data["sections"]["III. Emission factors"]}
    for act in ("fuel.residual_fuel_oil.stationary.manufacturing", "fuel.biomass.stationary.manufacturing",
                "fuel.diesel.mobile.road", "wastewater.industrial.cod.shallow_anaerobic"):
        assert "2626/QĐ-BTNMT" in used[act]["source"], act
    assert "DCC" in used["electricity.grid"]["source"]
    assert "combined margin of CDM Tool 07" in used["electricity.grid"]["source"]  # what the grid number is
    gases = {r["gas"]: r for r in data["sections"]["IV. Results by gas"]}
    assert gases[BIO]["mass_t"] == pytest.approx(1000.0, rel=1e-12)
    md = inventory_report(res, f, period="2023")
    assert "fuel.biomass.stationary.manufacturing" in md and "2626" in md


@given(st.sampled_from(sorted(k for k in ANNEX1_KEYS if ".biomass." in k)),
       st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False))
def test_biogenic_co2_never_counts_in_the_total(key, tj):
    """For any biomass key and amount: total = TJ x (CH4 x 28 + N2O x 265) / 1000; CO2_biogenic only apart."""
    vn = nc.load_factors("vietnam")
    res = nc.Inventory([nc.Activity(key, tj, "TJ", region="VN", year=2023, scope=1)]).emissions(vn, gwp="AR5")
    ch4, n2o, bio = (float(ROWS[(key, "2022", g)]["value"]) for g in ("CH4", "N2O", BIO))
    assert res.total() == pytest.approx(tj * (ch4 * 28 + n2o * 265) / 1000, rel=1e-12)
    assert {r["gas"]: r["mass_t"] for r in res.per_gas()}[BIO] == pytest.approx(tj * bio / 1000, rel=1e-12)


# --------------------------------------------------------------------------- coverage and refrigerants


def test_coverage_of_viet_nam(vn):
    """coverage('VN'): every shipped activity is Viet Nam's own; grid 2023, Decision 2626 rows 2022."""
    rows = {r["activity"]: r for r in coverage(vn, "VN")}
    named = {"electricity.grid"} | set(ANNEX1_KEYS) | set(ANNEX2_KEYS) | set(ANNEX4_KEYS) | set(WASTEWATER)
    assert set(rows) == named
    assert all(r["level"] == "own" and r["region_used"] == "VN" and r["pack"] == "vietnam" for r in rows.values())
    assert (rows["electricity.grid"]["year_used"], rows["electricity.grid"]["own_years"]) == (2023, "2014-2023")
    assert rows["fuel.residual_fuel_oil.stationary.manufacturing"]["year_used"] == 2022
    assert rows["fuel.diesel.mobile.road"]["unit"] == "kg/TJ"
    hcmc = {r["activity"]: r for r in coverage(vn, "VN-SG")}
    assert hcmc["fuel.lpg.stationary.manufacturing"]["level"] == "country"


def test_the_refrigerants_a_vietnamese_factory_uses_resolve():
    """R-22, R-32, R-410A and R-134a are gases (gwp.csv, refrigerant_blends.csv), not pack factors."""
    assert [canonical_gas(g) for g in ("R-22", "R-32", "R-410A", "R-134a")] == ["HCFC-22", "HFC-32", "R-410A", "HFC-134a"]
    assert gas_kind("HCFC-22") == "montreal"  # reported outside the scopes
    assert gwp_value("R-410A", "AR5") == pytest.approx(0.5 * gwp_value("HFC-32", "AR5") + 0.5 * gwp_value("HFC-125", "AR5"))
