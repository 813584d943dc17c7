"""An ISO 3166-2 code falls back to its country before World, whether or not a pack declares it."""

from __future__ import annotations

import pytest

import neutralcore as nc
from neutralcore.measure.factor import parent_region, region_map

SRC = nc.Source("test", "synthetic factors for the region chain", 2024)


def test_undeclared_province_falls_back_to_its_country():
    """Ho Chi Minh City (VN-SG) is declared by no pack: 1,000 MWh in 2023 x 0.6592 t CO2/MWh (MONRE/DCC, VN) = 659.2 t."""
    vietnam = nc.load_factors("vietnam")
    assert "VN-SG" not in vietnam.regions
    assert vietnam.region_chain("VN-SG") == ("VN-SG", "VN", "World")
    inv = nc.Inventory([nc.Activity("electricity.grid", 1_000, "MWh", region="VN-SG", year=2023, scope=2)])
    res = inv.emissions(vietnam)
    assert res.total() == pytest.approx(659.2, abs=1e-9)
    m = res.matches[0]
    assert (m["region_used"], m["year_used"], m["region_fallback"], m["year_fallback"]) == ("VN", 2023, True, False)
    assert res.matches.fallbacks()["region_used"] == ["VN"]


def test_us_state_falls_to_the_country_then_world():
    """US-CA diesel: a US factor is used before the IPCC World default, and each use is a reported fallback."""
    world = nc.Factor("fuel.diesel.stationary", "World", 2006, "kg/TJ", {"CO2": 74_100}, SRC)
    us = nc.Factor("fuel.diesel.stationary", "US", 2020, "kg/TJ", {"CO2": 73_000}, SRC)
    inv = nc.Inventory([nc.Activity("fuel.diesel.stationary", 2, "TJ", region="US-CA", year=2023, scope=1)])
    only_world = inv.emissions(nc.FactorSet.from_factors([world]))
    assert nc.FactorSet.empty().region_chain("US-CA") == ("US-CA", "US", "World")
    assert only_world.total() == pytest.approx(2 * 74.1)  # 2 TJ x 74,100 kg/TJ = 148.2 t
    assert only_world.matches[0]["region_used"] == "World" and only_world.matches[0]["region_fallback"]
    with_us = inv.emissions(nc.FactorSet.from_factors([world, us]))
    assert with_us.total() == pytest.approx(2 * 73.0)  # the country's factor comes before World
    assert with_us.matches.fallbacks()["region_used"] == ["US"]
    with pytest.raises(nc.FallbackError):
        inv.emissions(nc.FactorSet.from_factors([world, us]), strict=True)


def test_the_built_in_packs_reach_the_country():
    """US-CA with the IPCC pack: US (no factor), then World; the chain is the same with any pack."""
    ipcc = nc.load_factors("ipcc")
    assert ipcc.region_chain("US-CA") == ("US-CA", "US", "World")
    inv = nc.Inventory([nc.Activity("fuel.diesel.stationary", 1, "TJ", region="US-CA", year=2023, scope=1)])
    m = inv.emissions(ipcc).matches[0]
    assert (m["region_used"], m["region_fallback"], m["year_fallback"]) == ("World", True, True)


def test_declared_chains_come_first():
    """Jiangsu: the declared CN-JS -> CN-EAST -> CN chain is kept; an undeclared CN-XX code goes to CN."""
    china = nc.load_factors("china")
    assert china.region_chain("CN-JS") == ("CN-JS", "CN-EAST", "CN", "World")
    assert china.region_chain("CN-XX") == ("CN-XX", "CN", "World")
    # a declared parent of World still passes the country first
    fs = nc.FactorSet.from_factors([], regions={"VN-HN": "World"})
    assert fs.region_chain("VN-HN") == ("VN-HN", "VN", "World")
    # a grid region declared without a parent, with an ISO-like but non-ISO code, goes to World
    assert parent_region("CN-EAST", {}) == "World"


def test_declared_region_without_parent_keeps_the_country_chain():
    """A pack declaring VN-SG with no parent still falls back to VN, and the kernel agrees with region_chain."""
    f = nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, SRC)
    fs = nc.FactorSet.from_factors([f], regions={"VN-SG": {"name": "Ho Chi Minh City"}})
    assert fs.region_chain("VN-SG") == ("VN-SG", "VN", "World")
    inv = nc.Inventory([nc.Activity("electricity.grid", 10, "MWh", region="VN-SG", year=2023, scope=2)])
    assert inv.emissions(fs).total() == pytest.approx(6.592)


def test_a_loop_through_the_implicit_country_is_refused():
    """CN declared with parent CN-JS, CN-JS undeclared: CN-JS -> CN -> CN-JS loops."""
    with pytest.raises(nc.InputError, match="loops: CN -> CN-JS -> CN"):
        region_map({"CN": "CN-JS"})
