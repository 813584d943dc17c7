"""The built-in packs, row by row, against tables taken from the publishers (not from the pack files).

``tests/fixtures/published/`` holds the publishers' rows:

* ``ipcc2006_efdb_vol2.csv``, ``ipcc2006_efdb_vol3_vol5.csv``: rows of the IPCC Emission Factor
  Database export of the 2006 IPCC Guidelines (exported from the EFDB on 2023-09-05; copy in
  github.com/Open-Earth-Foundation/CityCatalyst, ``EFDB_output.xlsx``), one per EF ID, with the
  export's own fuel name, table ("Source of data"), gas name, value and unit.

This module maps each publisher row to the pack key it must appear under (the mapping is written
here by hand, from the table and the IPCC fuel name) and checks the value; it also checks the other
way, that every IPCC-sourced row of the pack is backed by a publisher row.  The CSV readers are the
standard library's, so a broken pack reader cannot hide a wrong value.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = ROOT / "tests" / "fixtures" / "published"
STAGED = ROOT / "tests" / "fixtures" / "staged"
IPCC = ROOT / "src" / "neutralcore" / "plugins" / "ipcc" / "data"


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


FUEL = {  # IPCC 2006 fuel name (EFDB "Fuel 2006") -> pack fuel key
    "Natural Gas": "natural_gas", "Gas Oil": "diesel", "Diesel Oil": "diesel", "Motor Gasoline": "gasoline",
    "Liquefied Petroleum Gases": "lpg", "Residual Fuel Oil": "residual_fuel_oil",
    "Sub-Bituminous Coal": "coal.sub_bituminous", "Anthracite": "coal.anthracite",
    "Other Bituminous Coal": "coal.other_bituminous", "Lignite": "coal.lignite", "Coking Coal": "coal.coking",
    "Coke Oven Coke and Lignite Coke": "coke_oven_coke", "Other Kerosene": "kerosene", "Jet Kerosene": "jet_kerosene",
    "Petroleum Coke": "petroleum_coke", "Refinery Gas": "refinery_gas", "Waste Oils": "waste_oil", "Naphtha": "naphtha",
    "Wood/Wood Waste": "biomass.wood", "Other Primary Solid Biomass": "biomass.other_primary_solid",
    "Charcoal": "biomass.charcoal", "Other Biogas": "biogas", "Landfill Gas": "landfill_gas",
}
BIOMASS = {"biomass.wood", "biomass.other_primary_solid", "biomass.charcoal", "biogas", "landfill_gas"}
SECTOR = {"2.2": "energy_industries", "2.3": "manufacturing", "2.4": "commercial", "2.5": "residential"}
GAS = {"CARBON DIOXIDE": "CO2", "METHANE": "CH4", "NITROUS OXIDE": "N2O", "CF4": "CF4", "C2F6": "C2F6"}

# Chapter 3 rows: EF ID -> (activity, gas).  Table 3.3.1 gives one diesel value for four off-road sources.
MOBILE = {
    "118597": ("fuel.natural_gas.mobile.road", "CH4"), "118606": ("fuel.natural_gas.mobile.road", "N2O"),
    "118598": ("fuel.lpg.mobile.road", "CH4"), "118607": ("fuel.lpg.mobile.road", "N2O"),
    **{str(i): ("fuel.diesel.mobile.offroad", "CH4") for i in range(118973, 118977)},
    **{str(i): ("fuel.diesel.mobile.offroad", "N2O") for i in range(118977, 118981)},
    "118981": ("fuel.gasoline.mobile.offroad.four_stroke.agriculture", "CH4"),
    "118982": ("fuel.gasoline.mobile.offroad.four_stroke.industry", "CH4"),
    "118983": ("fuel.gasoline.mobile.offroad.four_stroke.household", "CH4"),
    "118984": ("fuel.gasoline.mobile.offroad.four_stroke.agriculture", "N2O"),
    "118985": ("fuel.gasoline.mobile.offroad.four_stroke.industry", "N2O"),
    "118986": ("fuel.gasoline.mobile.offroad.four_stroke.household", "N2O"),
    "118987": ("fuel.gasoline.mobile.offroad.two_stroke.agriculture", "CH4"),
    "118988": ("fuel.gasoline.mobile.offroad.two_stroke.forestry", "CH4"),
    "118989": ("fuel.gasoline.mobile.offroad.two_stroke.industry", "CH4"),
    "118990": ("fuel.gasoline.mobile.offroad.two_stroke.household", "CH4"),
    "118991": ("fuel.gasoline.mobile.offroad.two_stroke.agriculture", "N2O"),
    "118992": ("fuel.gasoline.mobile.offroad.two_stroke.forestry", "N2O"),
    "118993": ("fuel.gasoline.mobile.offroad.two_stroke.industry", "N2O"),
    "118994": ("fuel.gasoline.mobile.offroad.two_stroke.household", "N2O"),
    "118995": ("fuel.diesel.mobile.rail", "CH4"), "118996": ("fuel.diesel.mobile.rail", "N2O"),
    "118997": ("fuel.coal.sub_bituminous.mobile.rail", "CH4"), "118998": ("fuel.coal.sub_bituminous.mobile.rail", "N2O"),
    "119009": ("fuel.diesel.mobile.navigation", "CH4"), "119010": ("fuel.diesel.mobile.navigation", "N2O"),
    # the road rows shipped earlier from secondary copies (confidence B), now read from the export
    "118592": ("fuel.gasoline.mobile.road.uncontrolled", "CH4"), "118601": ("fuel.gasoline.mobile.road.uncontrolled", "N2O"),
    "118593": ("fuel.gasoline.mobile.road.oxidation_catalyst", "CH4"),
    "118602": ("fuel.gasoline.mobile.road.oxidation_catalyst", "N2O"),
    "118594": ("fuel.gasoline.mobile.road.low_mileage_ldv_1995", "CH4"),
    "118603": ("fuel.gasoline.mobile.road.low_mileage_ldv_1995", "N2O"),
    "118595": ("fuel.diesel.mobile.road", "CH4"), "118596": ("fuel.diesel.mobile.road", "CH4"),
    "118604": ("fuel.diesel.mobile.road", "N2O"), "118605": ("fuel.diesel.mobile.road", "N2O"),
}
MOBILE_FUEL = {  # mobile key -> fuel key whose Table 1.4 CO2 and Table 1.2 NCV it carries
    a: ("coal.sub_bituminous" if ".coal." in a else a.split(".")[1]) for a, _ in MOBILE.values()
}

# Volume 3 and 5 rows: EF ID -> (activity, gas, unit the pack uses)
PROCESS = {
    "213926": ("process.cement.clinker", "CO2", "t/t"), "213928": ("process.lime", "CO2", "t/t"),
    "23028": ("process.lime.high_calcium", "CO2", "t/t"), "23029": ("process.lime.dolomitic", "CO2", "t/t"),
    "27514": ("process.lime.dolomitic.low_purity", "CO2", "t/t"), "23030": ("process.lime.hydraulic", "CO2", "t/t"),
    "213930": ("process.glass.batch_excluding_cullet", "CO2", "t/t"),
    "213980": ("process.ammonia.natural_gas", "CO2", "t/t"),
    "214091": ("process.iron.sinter", "CO2", "t/t"), "214092": ("process.iron.pig_iron", "CO2", "t/t"),
    "214093": ("process.iron.dri", "CO2", "t/t"), "214095": ("process.steel.bof", "CO2", "t/t"),
    "214097": ("process.steel.eaf", "CO2", "t/t"), "214098": ("process.steel", "CO2", "t/t"),
    "214133": ("process.aluminium.soderberg", "CO2", "t/t"), "214134": ("process.aluminium.prebake", "CO2", "t/t"),
    "214135": ("process.aluminium.pfc.cwpb", "CF4", "kg/t"), "214136": ("process.aluminium.pfc.swpb", "CF4", "kg/t"),
    "214137": ("process.aluminium.pfc.vss", "CF4", "kg/t"), "214138": ("process.aluminium.pfc.hss", "CF4", "kg/t"),
    "214139": ("process.aluminium.pfc.cwpb", "C2F6", "kg/t"), "214140": ("process.aluminium.pfc.swpb", "C2F6", "kg/t"),
    "214141": ("process.aluminium.pfc.vss", "C2F6", "kg/t"), "214142": ("process.aluminium.pfc.hss", "C2F6", "kg/t"),
    "615013": ("waste.composting.wet", "CH4", "g/kg"), "615017": ("waste.composting.wet", "N2O", "g/kg"),
    "615011": ("waste.composting.dry", "CH4", "g/kg"), "615015": ("waste.composting.dry", "N2O", "g/kg"),
    "615014": ("waste.anaerobic_digestion.wet", "CH4", "g/kg"), "615012": ("waste.anaerobic_digestion.dry", "CH4", "g/kg"),
}
# the export's unit text for each pack unit (the pack writes "t/t" for "tonne CO2/tonne clinker produced")
EXPORT_UNIT_MASS = {"t/t": "tonne", "kg/t": "kg", "g/kg": "g"}


@pytest.fixture(scope="module")
def pack_rows():
    return {(r["activity"], r["gas"]): r for r in _read(IPCC / "factors.csv")}


@pytest.fixture(scope="module")
def pack_props():
    return {(r["activity"], r["property"]): r for r in _read(IPCC / "properties.csv")}


VOL2 = _read(PUBLISHED / "ipcc2006_efdb_vol2.csv")
VOL35 = _read(PUBLISHED / "ipcc2006_efdb_vol3_vol5.csv")


def _stationary_targets(row):
    """(activity, gas) keys a Vol.2 Ch.2 publisher row must appear under."""
    table = row["table"].split()[-1]
    fuel = FUEL[row["fuel"]]
    gas = GAS[row["gas"]]
    if gas == "CO2" and fuel in BIOMASS:
        gas = "CO2_biogenic"
    keys = [(f"fuel.{fuel}.stationary.{SECTOR[table]}", gas)]
    if table == "2.3":
        keys.append((f"fuel.{fuel}.stationary", gas))  # the generic key holds the 1.A.2 values
    return keys


STATIONARY = [r for r in VOL2 if r["table"].split()[-1] in SECTOR]


@pytest.mark.parametrize("row", STATIONARY, ids=lambda r: f"{r['ef_id']}-{r['fuel']}-{r['gas'][:3]}-{r['table']}")
def test_stationary_factor_equals_published(row, pack_rows):
    assert row["unit"] == "kg/TJ"
    for key in _stationary_targets(row):
        shipped = pack_rows[key]
        assert float(shipped["value"]) == float(row["value"]), key
        assert shipped["unit"] == "kg/TJ" and shipped["region"] == "World" and shipped["year"] == "2006"
        assert row["ef_id"] in shipped["notes"], key  # the row cites the EF ID it was read from
        assert row["table"].replace("Tables", "Tables").split()[-1] in shipped["notes"], key


NCV = [r for r in VOL2 if r["table"] == "Table 1.2"]


@pytest.mark.parametrize("row", NCV, ids=lambda r: f"{r['ef_id']}-{r['fuel']}")
def test_ncv_equals_published_for_every_key_of_the_fuel(row, pack_props, pack_rows):
    assert row["unit"] == "TJ/Gg"
    fuel = FUEL[row["fuel"]]
    keys = [f"fuel.{fuel}.stationary"] + [f"fuel.{fuel}.stationary.{s}" for s in SECTOR.values()]
    keys += sorted({a for a, f in MOBILE_FUEL.items() if f == fuel})
    for act in keys:
        shipped = pack_props[(act, "ncv")]
        assert float(shipped["value"]) == float(row["value"]), act
        assert shipped["unit"] == "TJ/Gg" and row["ef_id"] in shipped["notes"], act


MOBILE_ROWS = [r for r in VOL2 if r["ef_id"] in MOBILE]


def test_every_mapped_chapter3_row_is_in_the_fixture():
    assert {r["ef_id"] for r in MOBILE_ROWS} == set(MOBILE)


@pytest.mark.parametrize("row", MOBILE_ROWS, ids=lambda r: r["ef_id"])
def test_mobile_factor_equals_published(row, pack_rows):
    act, gas = MOBILE[row["ef_id"]]
    assert GAS[row["gas"]] == gas and row["unit"] == "kg/TJ"
    shipped = pack_rows[(act, gas)]
    assert float(shipped["value"]) == float(row["value"])
    assert row["table"].split()[-1] in shipped["notes"]


@pytest.mark.parametrize("activity", sorted(MOBILE_FUEL))
def test_mobile_co2_is_the_fuels_table_1_4_value(activity, pack_rows):
    fuel = MOBILE_FUEL[activity]
    names = [n for n, f in FUEL.items() if f == fuel]
    published = {float(r["value"]) for r in VOL2
                 if r["table"] == "Tables 1.4 and 2.3" and r["fuel"] in names and r["gas"] == "CARBON DIOXIDE"}
    assert len(published) == 1
    assert float(pack_rows[(activity, "CO2")]["value"]) == published.pop()


@pytest.mark.parametrize("row", VOL35, ids=lambda r: r["ef_id"])
def test_process_and_waste_factors_equal_published(row, pack_rows):
    if row["ef_id"] not in PROCESS:
        assert row["ef_id"] in {"213931", "615016", "615018"}  # cullet ratio, and two blank N2O cells: not factors
        assert not row["value"] or row["description"].startswith("Curret")
        return
    act, gas, unit = PROCESS[row["ef_id"]]
    assert GAS[row["gas"]] == gas
    assert row["unit"].lower().startswith(EXPORT_UNIT_MASS[unit])
    shipped = pack_rows[(act, gas)]
    assert float(shipped["value"]) == float(row["value"])
    assert shipped["unit"] == unit and row["ef_id"] in shipped["notes"]


def test_cement_clinker_is_0_52():
    # the figure the issue names, as printed in Vol.3 Ch.2 (Equation 2.4)
    row = next(r for r in VOL35 if r["ef_id"] == "213926")
    assert float(row["value"]) == 0.52 and "Equation 2.4" in row["source_of_data"]


def test_every_ipcc_sourced_row_is_backed_by_a_publisher_row(pack_rows):
    backed = {k for r in STATIONARY for k in _stationary_targets(r)}
    backed |= {MOBILE[r["ef_id"]] for r in MOBILE_ROWS}
    backed |= {(a, "CO2") for a in MOBILE_FUEL}
    backed |= {(a, g) for a, g, _ in PROCESS.values()}
    from test_ipcc_wastewater import MCF  # B0 x MCF rows, each checked there against the EFDB transcription

    backed |= {(a, "CH4") for a in MCF}
    shipped = set(pack_rows)
    assert shipped - backed == set()
    assert backed - shipped == set()


def test_biogenic_co2_is_never_a_scope_gas(pack_rows):
    """Biomass CO2 ships as CO2_biogenic (reported apart, never in scope totals), never as CO2."""
    shipped = _read(IPCC / "factors.csv")
    for r in shipped:
        fuel = r["activity"].removeprefix("fuel.").split(".stationary")[0]
        if fuel in BIOMASS:
            assert r["gas"] != "CO2", r["activity"]
    biogenic = [r for r in shipped if r["gas"] == "CO2_biogenic"]
    assert len(biogenic) == len(BIOMASS) * 5  # four sectors and the generic key
    assert {float(r["value"]) for r in biogenic if "biomass.wood" in r["activity"]} == {112000.0}


def test_biomass_co2_is_reported_apart_by_hand():
    """1 TJ of wood in a home (Table 2.5): CH4 300 kg x 28 + N2O 4 kg x 265 = 9.46 t CO2e in scope 1; 112 t biogenic CO2 apart."""
    import neutralcore as nc
    from neutralcore.plugins.ipcc import pack

    inv = nc.Inventory([nc.Activity("fuel.biomass.wood.stationary.residential", 1, "TJ", region="VN", year=2023, scope=1)])
    res = inv.emissions(nc.load_factors(pack), gwp="AR5")
    assert res.total() == pytest.approx(9.46, rel=1e-12)
    per_gas = {row["gas"]: row for row in res.per_gas()}
    assert per_gas["CO2_biogenic"]["mass_t"] == pytest.approx(112.0, rel=1e-12)


# The vietnam pack's rows are checked against their own transcribed tables in tests/test_pack_vietnam.py.
