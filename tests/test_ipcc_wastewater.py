"""IPCC 2006 Vol. 5 Ch. 6 wastewater CH4 in the ``ipcc`` pack (issue 12: IPCC breadth, waste and wastewater).

Each shipped factor is B0 x MCF (Equations 6.2 and 6.5), with B0 and MCF as the IPCC Emission Factor Database
exports them, transcribed in ``tests/fixtures/published/ipcc2006_efdb_vol5_wastewater.csv`` (EF IDs 614859-614972).
Hand-worked: 1,000 kg COD through an anaerobic shallow lagoon = 1,000 x 0.25 x 0.2 = 50 kg CH4 = 1.4 t CO2e (AR5,
CH4 28); 1,000 kg BOD into septic systems = 1,000 x 0.6 x 0.5 = 300 kg CH4 = 8.4 t CO2e.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import neutralcore as nc

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "published" / "ipcc2006_efdb_vol5_wastewater.csv"
PACK = ROOT / "src" / "neutralcore" / "plugins" / "ipcc" / "data" / "factors.csv"
VN_PACK = ROOT / "src" / "neutralcore" / "plugins" / "vietnam" / "data" / "factors.csv"

def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


PUBLISHED = {r["ef_id"]: r for r in _read(FIXTURE)}
B0 = {"bod": float(PUBLISHED["614961"]["value"]), "cod": float(PUBLISHED["614965"]["value"])}
# shipped key -> the MCF row of the export it takes
MCF = {
    "wastewater.domestic.bod.untreated_discharge": "614859",
    "wastewater.domestic.bod.stagnant_sewer": "614860",
    "wastewater.domestic.bod.flowing_sewer": "614861",
    "wastewater.domestic.bod.anaerobic_digester_sludge": "614864",
    "wastewater.domestic.bod.anaerobic_reactor": "614865",
    "wastewater.domestic.bod.shallow_anaerobic": "614866",
    "wastewater.domestic.bod.deep_anaerobic": "614867",
    "wastewater.domestic.bod.septic": "614868",
    "wastewater.industrial.cod.untreated_discharge": "614966",
    "wastewater.industrial.cod.centralised_aerobic.well_managed": "614967",
    "wastewater.industrial.cod.centralised_aerobic.not_well_managed": "614968",
    "wastewater.industrial.cod.anaerobic_digester_sludge": "614969",
    "wastewater.industrial.cod.anaerobic_reactor": "614970",
    "wastewater.industrial.cod.shallow_anaerobic": "614971",
    "wastewater.industrial.cod.deep_anaerobic": "614972",
}


def _rows(path: Path) -> dict[tuple[str, str], dict[str, str]]:
    return {(r["activity"], r["region"]): r for r in _read(path) if r["activity"].startswith("wastewater.")}


SHIPPED = _rows(PACK)


def test_the_published_inputs_are_the_ones_transcribed():
    assert B0 == {"bod": 0.6, "cod": 0.25}
    assert PUBLISHED["614961"]["unit"] == "Kg CH4/Kg BOD" and PUBLISHED["614965"]["unit"] == "Kg CH4/Kg COD"


def test_the_pack_ships_exactly_these_wastewater_rows():
    assert {a for a, _ in SHIPPED} == set(MCF)
    assert {r for _, r in SHIPPED} == {"World"}


@pytest.mark.parametrize("key", sorted(MCF))
def test_each_row_is_b0_times_the_published_mcf(key):
    row = SHIPPED[(key, "World")]
    mcf = PUBLISHED[MCF[key]]
    quantity = key.split(".")[2]
    assert float(row["value"]) == pytest.approx(B0[quantity] * float(mcf["value"]), rel=1e-12, abs=0)
    assert (row["year"], row["gas"], row["unit"], row["confidence"]) == ("2006", "CH4", "kg/kg", "DERIVED")
    assert row["source"] == "ipcc-2006-v5-wastewater"
    assert f"EF ID {MCF[key]}" in row["notes"] and quantity.upper() in row["kind"]


def test_hand_worked_lagoon_and_septic():
    ipcc = nc.load_factors("ipcc")
    inv = nc.Inventory([
        nc.Activity("wastewater.industrial.cod.shallow_anaerobic", 1_000, "kg", region="CN-JS", year=2023, scope=1),
        nc.Activity("wastewater.domestic.bod.septic", 1_000, "kg", region="CN-JS", year=2023, scope=1),
    ])
    res = inv.emissions(ipcc, gwp="AR5")
    assert res.total() == pytest.approx(1.4 + 8.4, rel=1e-12)
    assert {r["gas"]: r["mass_t"] for r in res.per_gas()}["CH4"] == pytest.approx(0.35, rel=1e-12)
    assert res.matches[0]["region_used"] == "World"


def test_decision_2626_rows_equal_the_ipcc_defaults_they_adopt():
    """Where Viet Nam's Decision 2626 and the IPCC name the same system, the values agree (the decision adopts them)."""
    vn = _rows(VN_PACK)
    same = sorted(a for a, _ in vn if a in MCF)
    assert same == ["wastewater.domestic.bod.septic", "wastewater.domestic.bod.untreated_discharge",
                    "wastewater.industrial.cod.deep_anaerobic", "wastewater.industrial.cod.shallow_anaerobic",
                    "wastewater.industrial.cod.untreated_discharge"]
    for key in same:
        assert float(vn[(key, "VN")]["value"]) == pytest.approx(float(SHIPPED[(key, "World")]["value"]), rel=1e-12)


def test_viet_nam_rows_still_win_for_vn():
    res = nc.Inventory([nc.Activity("wastewater.industrial.cod.shallow_anaerobic", 1_000, "kg", region="VN-SG",
                                    year=2023, scope=1)]).emissions(nc.load_factors("vietnam", "ipcc"))
    assert res.matches[0]["factor"].pack == "vietnam"
