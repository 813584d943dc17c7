"""The china pack, row by row, against tables transcribed by hand from the publishers' documents' copies.

``tests/fixtures/published/`` holds the transcriptions (typed from the copies named in each row, not
generated from the pack):

* ``china_mee_electricity.csv``: the MEE/NBS electricity CO2 factors (公告2024年第12号, 公告2024年第33号,
  公告2025年第47号) and the MEE carbon-market grid factors, one row per published value, with the copy
  it was read from and a second independent copy where there is one.
* ``china_mee_electricity_second_copy.csv``: the national, regional and provincial averages of all three
  years as a second, independent project transcribed them (github.com/edg127117/building-energy-carbon-platform),
  typed from that file: every average is checked against both copies.
* ``china_guideline_defaults.csv``: guideline defaults (GB/T 32150—2025, purchased heat).

The CSV readers are the standard library's, so a broken pack reader cannot hide a wrong value.

Worked by hand:

* carbon market, 2022: 1,000 MWh x 0.5703 t/MWh = 570.3 t CO2; 2024 has no newer factor, so it takes
  the same 0.5703 (570.3 t), reported as a year fallback;
* Jiangsu 2022 (provincial, MEE/NBS): 3,000 MWh x 0.5978 = 1,793.4 t CO2; 2023: 3,000 x 0.5827 = 1,748.1 t,
  and 2024 takes the same 2023 factor;
* purchased heat, 2025: 5,000 GJ x 0.11 t/GJ = 550 t CO2.
"""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path

import pytest

import neutralcore as nc
from neutralcore.measure import coverage

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = ROOT / "tests" / "fixtures" / "published"
CHINA = ROOT / "src" / "neutralcore" / "plugins" / "china" / "data"

SERIES = {"average": "electricity.grid", "residual": "electricity.grid.residual",
          "fossil": "electricity.grid.fossil", "ets": "electricity.grid.ets"}
SOURCE_OF_YEAR = {2021: "mee-nbs-2021", 2022: "mee-nbs-2022", 2023: "mee-nbs-2023"}


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


PUBLISHED_ROWS = _read(PUBLISHED / "china_mee_electricity.csv")
SECOND_COPY = _read(PUBLISHED / "china_mee_electricity_second_copy.csv")
DEFAULTS = _read(PUBLISHED / "china_guideline_defaults.csv")
PACK_ROWS = _read(CHINA / "factors.csv")
PACK = {(r["activity"], r["region"], int(r["year"]), r["gas"]): r for r in PACK_ROWS}
TOML = tomllib.loads((CHINA / "pack.toml").read_text(encoding="utf-8"))


def _published(series: str, region: str, year: int) -> float:
    hits = [r for r in PUBLISHED_ROWS if (r["series"], r["region"], int(r["year"])) == (series, region, year)]
    assert len(hits) == 1, (series, region, year)
    return float(hits[0]["value"])


@pytest.mark.parametrize("row", [r for r in PUBLISHED_ROWS if r["status"] == "shipped"],
                         ids=lambda r: f"{r['series']}-{r['region']}-{r['year']}")
def test_shipped_value_equals_the_published_one(row):
    """kg CO2/kWh and t CO2/MWh are the same number; the pack's unit is t/MWh."""
    key = (SERIES[row["series"]], row["region"], int(row["year"]), "CO2")
    assert key in PACK, key
    got = PACK[key]
    assert float(got["value"]) == float(row["value"])
    assert got["unit"] == "t/MWh"
    if row["series"] != "ets":
        assert got["source"] == SOURCE_OF_YEAR[int(row["year"])]
    assert "SECONDARY" in got["notes"]  # every China value is read from a copy, and says so


def test_every_electricity_row_of_the_pack_is_a_published_one():
    shipped = {(SERIES[r["series"]], r["region"], int(r["year"])) for r in PUBLISHED_ROWS if r["status"] == "shipped"}
    pack = {(a, r, y) for (a, r, y, _g) in PACK if a.startswith("electricity.")}
    assert pack == shipped


def test_the_provincial_table_is_complete_for_each_year():
    """30 provinces a year (Tibet, Hong Kong, Macao and Taiwan have none), 7 grids, 1 national average."""
    for year in (2021, 2022, 2023):
        regions = {k[1] for k in PACK if k[0] == "electricity.grid" and k[2] == year}
        assert len(regions) == 38 and "CN-XZ" not in regions, year


# ------------------------------------------------------------------ cross-checks between independent copies

# 光明日报 (2026-01): change of each regional grid's 2023 factor against 2022, in %, as printed.
GMRB_2023_CHANGE = {"CN-NORTH": -6.1, "CN-NORTHEAST": -8.0, "CN-EAST": -2.1, "CN-CENTRAL": -2.3,
                    "CN-NORTHWEST": -5.4, "CN-SOUTH": 4.5, "CN-SOUTHWEST": 9.0}


@pytest.mark.parametrize("region", sorted(GMRB_2023_CHANGE))
def test_regional_2023_change_reproduces_the_2022_values(region):
    """The 2022 regional values (新京报) and the 2023 ones (光明日报) agree with the percentages printed in 2026,
    within 0.1 point: MEE's percentages come from its unrounded factors (Northeast: 0.5122/0.5564 is -7.94 %,
    printed -8.0 %); a wrong digit in either four-decimal value would move the change by far more."""
    v22, v23 = _published("average", region, 2022), _published("average", region, 2023)
    assert abs((v23 / v22 - 1) * 100 - GMRB_2023_CHANGE[region]) <= 0.1


def test_national_changes_as_printed():
    # 新京报: 2022 is 0.0202 (3.6 %) below 2021; the fossil factor 0.0101 (1.2 %) below
    assert round(_published("average", "CN", 2021) - _published("average", "CN", 2022), 4) == 0.0202
    assert round((1 - _published("average", "CN", 2022) / _published("average", "CN", 2021)) * 100, 1) == 3.6
    assert round(_published("fossil", "CN", 2021) - _published("fossil", "CN", 2022), 4) == 0.0101
    # 光明日报 / 中国电力报: 2023 is 1.1 % below 2022; the residual-mix proxy 4.1 % above
    assert round((_published("average", "CN", 2023) / _published("average", "CN", 2022) - 1) * 100, 1) == -1.1
    assert round((_published("residual", "CN", 2023) / _published("residual", "CN", 2022) - 1) * 100, 1) == 4.1


def test_provincial_2023_moves_as_mee_says():
    """MEE (via 光明日报 and 中国电力报): 20 provinces, Beijing among them, fell in 2023; 10, Guangdong among them,
    rose. The two years of the provincial table give exactly that."""
    provinces = [r["region"] for r in PUBLISHED_ROWS if r["year"] == "2023" and len(r["region"]) == 5]
    fell = {p for p in provinces if _published("average", p, 2023) < _published("average", p, 2022)}
    rose = {p for p in provinces if _published("average", p, 2023) > _published("average", p, 2022)}
    assert (len(fell), len(rose)) == (20, 10)
    assert "CN-BJ" in fell and "CN-GD" in rose


NAME_OF = {r["name"]: r["region"] for r in PUBLISHED_ROWS if r["series"] == "average"}


def test_every_average_agrees_with_the_second_copy():
    """The 114 national, regional and provincial averages (3 years x 38) of the two independent transcriptions."""
    assert len(SECOND_COPY) == 114
    for r in SECOND_COPY:
        assert _published("average", NAME_OF[r["name"]], int(r["year"])) == float(r["value"]), (r["name"], r["year"])
    docs = {int(r["year"]): r["document"] for r in SECOND_COPY}
    assert docs == {2021: "公告2024年第12号", 2022: "公告2024年第33号", 2023: "公告2025年第47号"}
    for year, doc in docs.items():
        assert doc in TOML["sources"][SOURCE_OF_YEAR[year]]["document"]


# ------------------------------------------------------------------ sources

def test_sources_name_the_announcements():
    s = TOML["sources"]
    assert "公告2024年第12号" in s["mee-nbs-2021"]["document"] and "2024-04-12" in s["mee-nbs-2021"]["document"]
    assert "公告2024年第33号" in s["mee-nbs-2022"]["document"]
    assert "公告2025年第47号" in s["mee-nbs-2023"]["document"] and s["mee-nbs-2023"]["year"] == 2025
    assert s["mee-nbs-2023"]["url"] == "https://www.mee.gov.cn/xxgk2018/xxgk/xxgk01/202512/t20251231_1139517.html"
    assert "环办气候函〔2023〕43号" in s["mee-ets-2023"]["document"]
    assert "UNVERIFIED" not in s["mee-ets-2023"]["document"]
    assert "GB/T 32150—2025" in s["gbt-32150-2025"]["document"] and "7.5.6" in s["gbt-32150-2025"]["document"]


def test_the_carbon_market_series_stays_apart_and_0_6101_is_not_shipped():
    ets = {k[2]: float(r["value"]) for k, r in PACK.items() if k[0] == "electricity.grid.ets"}
    assert ets == {2021: 0.5810, 2022: 0.5703}
    assert all(float(r["value"]) != 0.6101 for r in PACK_ROWS)
    assert all(r["source"].startswith("mee-ets") for k, r in PACK.items() if k[0] == "electricity.grid.ets")


@pytest.mark.parametrize("row", DEFAULTS, ids=lambda r: r["activity"])
def test_guideline_default_equals_the_published_one(row):
    got = PACK[(row["activity"], row["region"], int(row["year"]), row["gas"])]
    assert float(got["value"]) == float(row["value"])
    assert (got["unit"], row["unit"]) == ("t/GJ", "tCO2/GJ")
    assert got["source"] == "gbt-32150-2025"


# ------------------------------------------------------------------ hand-worked examples through the kernel

def _one(activity: str, quantity: float, unit: str, region: str, year: int, scope: int = 2) -> nc.Inventory:
    return nc.Inventory([nc.Activity(activity, quantity, unit, region=region, year=year, scope=scope)])


def test_carbon_market_factor_by_hand():
    china = nc.load_factors("china")
    assert _one("electricity.grid.ets", 1_000, "MWh", "CN", 2022).emissions(china).total() == pytest.approx(570.3)
    res = _one("electricity.grid.ets", 1_000, "MWh", "CN-JS", 2024).emissions(china)
    assert res.total() == pytest.approx(570.3)  # the 2022 factor is the newest: CN-JS -> CN-EAST -> CN
    m = res.matches[0]
    assert (m["region_used"], m["year_used"], m["year_fallback"]) == ("CN", 2022, True)


def test_jiangsu_provincial_by_hand():
    china = nc.load_factors("china")
    res = _one("electricity.grid", 3_000, "MWh", "CN-JS", 2022).emissions(china)
    assert res.total() == pytest.approx(1_793.4)
    assert res.matches[0]["region_used"] == "CN-JS"
    r23, r24 = (_one("electricity.grid", 3_000, "MWh", "CN-JS", y).emissions(china) for y in (2023, 2024))
    assert r23.total() == pytest.approx(1_748.1) and r24.total() == pytest.approx(1_748.1)
    assert (r23.matches[0]["region_used"], r23.matches[0]["year_fallback"]) == ("CN-JS", False)
    assert (r24.matches[0]["region_used"], r24.matches[0]["year_used"]) == ("CN-JS", 2023)
    # both fallback orders agree now that Jiangsu's own 2023 factor is published
    assert _one("electricity.grid", 3_000, "MWh", "CN-JS", 2024).emissions(
        china.with_fallback("region")).total() == pytest.approx(1_748.1)


def test_purchased_heat_by_hand():
    """5,000 GJ x 0.11 t CO2/GJ = 550 t CO2, for Jiangsu through CN-EAST to CN."""
    res = _one("heat.purchased", 5_000, "GJ", "CN-JS", 2025).emissions("china")
    assert res.total() == pytest.approx(550.0)
    gases = res.per_gas()
    assert gases.row(0)["gas"] == "CO2" and gases.row(0)["mass_t"] == pytest.approx(550.0)
    assert res.matches[0]["region_used"] == "CN"
    # MJ is converted: 5,000,000 MJ is the same 5,000 GJ
    assert _one("heat.purchased", 5e6, "MJ", "CN", 2026).emissions("china").total() == pytest.approx(550.0)


def test_purchased_heat_is_not_used_before_its_year():
    """A factor of a later year is never used: a 2023 heat row has no China factor (the default is 2025's)."""
    with pytest.raises(nc.FactorNotFoundError):
        _one("heat.purchased", 5_000, "GJ", "CN-JS", 2023).emissions("china")


# ------------------------------------------------------------------ coverage of CN and CN-JS

def test_coverage_of_china():
    rows = {r["activity"]: r for r in coverage("china", "CN")}
    assert {a for a in rows if not a.startswith("fuel.")} == {
        "electricity.grid", "electricity.grid.residual", "electricity.grid.fossil", "electricity.grid.ets",
        "heat.purchased"}  # the fuel defaults: tests/test_pack_china_fuels.py
    assert (rows["electricity.grid"]["level"], rows["electricity.grid"]["year_used"]) == ("own", 2023)
    assert (rows["electricity.grid.ets"]["year_used"], rows["heat.purchased"]["year_used"]) == (2022, 2025)


def test_coverage_of_jiangsu():
    rows = {r["activity"]: r for r in coverage("china", "CN-JS")}
    e = rows["electricity.grid"]
    assert (e["level"], e["region_used"], e["year_used"], e["own_years"]) == ("own", "CN-JS", 2023, "2021-2023")
    assert (rows["heat.purchased"]["level"], rows["heat.purchased"]["region_used"]) == ("country", "CN")
    assert (rows["electricity.grid.ets"]["level"], rows["electricity.grid.ets"]["year_used"]) == ("country", 2022)
    rows22 = {r["activity"]: r for r in coverage("china", "CN-JS", year=2022)}
    assert rows22["electricity.grid"]["level"] == "own" and "heat.purchased" not in rows22
