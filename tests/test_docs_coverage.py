"""docs/coverage.md: its example runs, and its Viet Nam factory table is what ``coverage()`` gives (issue 12)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import neutralcore as nc
from neutralcore.measure import coverage

PAGE = Path(__file__).resolve().parent.parent / "docs" / "coverage.md"
TEXT = PAGE.read_text(encoding="utf-8")


def _factory_rows() -> list[tuple[str, str, str, str, str]]:
    section = TEXT.split("## A Vietnamese factory or industrial park", 1)[1]
    out = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 6 or not cells[1].startswith("`"):
            continue
        for key in re.findall(r"`([^`]+)`", cells[1]):
            out.append((key, cells[2], cells[3], cells[4], cells[5]))
    return out


ROWS = _factory_rows()


def test_the_page_examples_run():
    blocks = re.findall(r"```python\n(.*?)```", TEXT, flags=re.S)
    assert blocks
    namespace: dict = {}
    for i, block in enumerate(blocks):
        exec(compile(block, f"coverage.md example {i + 1}", "exec"), namespace)  # noqa: S102 - our own docs


def test_the_table_lists_every_need_of_the_issue():
    keys = {r[0] for r in ROWS}
    assert len(ROWS) == 25
    for needed in ("electricity.grid", "fuel.lpg.stationary.manufacturing",
                   "fuel.residual_fuel_oil.stationary.manufacturing", "fuel.diesel.stationary.manufacturing",
                   "fuel.gasoline.mobile.road", "fuel.diesel.mobile.road", "fuel.natural_gas.stationary.manufacturing",
                   "fuel.coal.anthracite.stationary.manufacturing", "fuel.biomass.stationary.manufacturing",
                   "wastewater.industrial.cod.shallow_anaerobic"):
        assert needed in keys


@pytest.fixture(scope="module")
def hcmc():
    return {r["activity"]: r for r in coverage(nc.load_factors("vietnam", "ipcc"), "VN-SG").to_dicts()}


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r[0])
def test_each_row_is_what_coverage_gives(row, hcmc):
    key, level, region, year, pack = row
    got = hcmc[key]
    assert (got["level"], got["region_used"], str(got["year_used"]), got["pack"]) == (level, region, year, pack)


def test_a_2023_ho_chi_minh_city_row_is_the_hand_worked_0_6592():
    # 1,000 MWh in VN-SG, 2023: VN's DCC factor 0.6592 t CO2/MWh -> 659.2 t CO2e
    inv = nc.Inventory([nc.Activity("electricity.grid", 1_000, "MWh", region="VN-SG", year=2023, scope=2)])
    assert inv.emissions(nc.load_factors("vietnam", "ipcc")).total() == pytest.approx(659.2, rel=1e-12)


def test_what_the_page_says_is_not_covered_has_no_factor():
    fs = nc.load_factors("vietnam", "ipcc")
    cov = {r["activity"] for r in coverage(fs, "VN-SG").to_dicts()}
    assert not any(k.startswith(("steam", "heat", "waste.landfill", "fuel.biomass.rice_husk", "fuel.biomass.bagasse"))
                   for k in cov)
    assert not any(k.endswith(".km") for k in cov)
