"""The default fallback does not jump: a year with no factor uses the same choice as the latest year with one."""

from __future__ import annotations

import pytest

import neutralcore as nc


def _jiangsu(year: int) -> nc.Inventory:
    return nc.Inventory([nc.Activity("electricity.grid", 1_000, "MWh", region="CN-JS", year=year, scope=2)])


def _china_before_2023_provinces() -> nc.FactorSet:
    """The china pack as it was before the 2023 provincial table was shipped: Jiangsu 2021-2022, the grids to 2023."""
    china = nc.load_factors("china")
    return nc.FactorSet.merge(china.where(year=[2021, 2022]), china.where(region="CN-EAST", year=2023))


def test_jiangsu_2023_and_2024_are_consistent():
    """MEE/NBS, without Jiangsu's 2023 factor: Jiangsu has provincial factors for 2021 and 2022 (0.5978 t/MWh);
    the East China grid has 2023 (0.5500).  2023 takes the grid's 2023 factor, and so does 2024: 1,000 MWh x
    0.5500 = 550 t (the old rule took Jiangsu 2022 for 2024: 597.8 t, 8.7 % more).  With the pack as shipped,
    Jiangsu's own 2023 factor (0.5827) serves 2023 and 2024 alike: 582.7 t."""
    shipped = nc.load_factors("china")
    assert [_jiangsu(y).emissions(shipped).total() for y in (2023, 2024)] == pytest.approx([582.7, 582.7])
    china = _china_before_2023_provinces()
    r23, r24 = _jiangsu(2023).emissions(china), _jiangsu(2024).emissions(china)
    assert r23.total() == pytest.approx(550.0)
    assert r24.total() == pytest.approx(550.0)
    m = r24.matches[0]
    assert (m["region_used"], m["year_used"], m["region_fallback"], m["year_fallback"]) == ("CN-EAST", 2023, True, True)
    assert r24.matches.fallbacks()["fallback"] == ["region+year"]
    # 2022: Jiangsu's own factor is the latest for that year
    assert _jiangsu(2022).emissions(china).total() == pytest.approx(597.8)


def test_region_first_stays_an_option():
    china = _china_before_2023_provinces().with_fallback("region")
    assert _jiangsu(2024).emissions(china).total() == pytest.approx(597.8)
    assert _jiangsu(2024).emissions(china).matches[0]["year_used"] == 2022


def test_a_country_row_is_not_replaced_by_an_older_world_default():
    """VN 2025: the newest Viet Nam factor (2023, 0.6592) comes before any World row of an earlier year."""
    src = nc.Source("test", "synthetic World default", 2024)
    world = nc.FactorSet.from_factors([nc.Factor("electricity.grid", "World", 2020, "t/MWh", {"CO2": 0.5}, src)])
    fs = nc.FactorSet.merge(world, nc.load_factors("vietnam"))
    inv = nc.Inventory([nc.Activity("electricity.grid", 1_000, "MWh", region="VN-SG", year=2025, scope=2)])
    assert inv.emissions(fs).total() == pytest.approx(659.2)
