"""Factor matching against a plain-Python reading of the documented rules, for both fallback orders."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neutralcore as nc
from neutralcore.measure.kernel import resolve_labels

SRC = nc.Source("test", "synthetic factors for the matching rules", 2024)
# a chain: CN-JS -> CN-EAST -> CN -> World; TH has no declared parent (-> World)
REGIONS = {"CN": {"name": "China"}, "CN-EAST": {"parent": "CN"}, "CN-JS": {"parent": "CN-EAST"}}
CHAIN = {"CN-JS": ["CN-JS", "CN-EAST", "CN", "World"], "CN-EAST": ["CN-EAST", "CN", "World"],
         "CN": ["CN", "World"], "TH": ["TH", "World"]}
YEARS = list(range(2018, 2025))


def expected(table: dict, region: str, year: int, prefer: str):
    """(region, year) of the factor the documented rules pick, or None."""
    chain = CHAIN[region]
    if prefer == "year":  # the latest year anywhere up the chain, at the most specific region that has it
        years = [y for (rr, y) in table if rr in chain and y <= year]
        if not years:
            return None
        latest = max(years)
        return next((r, latest) for r in chain if (r, latest) in table)
    for r in chain:
        upto = [y for (rr, y) in table if rr == r and y <= year]
        if upto:
            return r, max(upto)
    return None


@settings(max_examples=60, deadline=None)
@given(keys=st.sets(st.tuples(st.sampled_from(["CN-JS", "CN-EAST", "CN", "World", "TH"]), st.sampled_from(YEARS)),
                    min_size=1, max_size=12),
       prefer=st.sampled_from(["year", "region"]))
def test_matching_follows_the_documented_rules(keys, prefer):
    factors = [nc.Factor("electricity.grid", r, y, "t/MWh", {"CO2": 0.5}, SRC) for r, y in sorted(keys)]
    fs = nc.FactorSet.from_factors(factors, regions=REGIONS).with_fallback(prefer)
    queries = [(r, y) for r in CHAIN for y in YEARS]
    res = resolve_labels(fs, ["electricity.grid"] * len(queries), [r for r, _ in queries], [y for _, y in queries])
    used = res.region_used
    for i, (r, y) in enumerate(queries):
        want = expected(set(keys), r, y, prefer)
        got = None if res.factor[i] < 0 else (used[i], int(res.year_used[i]))
        assert got == want, (r, y, prefer)


@settings(max_examples=40, deadline=None)
@given(keys=st.sets(st.tuples(st.sampled_from(["CN-JS", "CN-EAST", "CN", "World"]), st.sampled_from(YEARS)),
                    min_size=1, max_size=12))
def test_a_year_without_data_repeats_the_latest_choice(keys):
    """Year first: every year after the last published one uses exactly the factor that last year used."""
    fs = nc.FactorSet.from_factors([nc.Factor("electricity.grid", r, y, "t/MWh", {"CO2": 0.5}, SRC) for r, y in sorted(keys)],
                                   regions=REGIONS)
    last = max(y for _, y in keys)
    later = list(range(last, last + 4))
    res = resolve_labels(fs, ["electricity.grid"] * len(later), ["CN-JS"] * len(later), later)
    assert len(set(res.factor.tolist())) == 1


def test_the_two_orders_on_the_china_pack():
    """Jiangsu grid power in 2023 on the pack without Jiangsu's own 2023 factor: the year-first default takes the
    East China grid's 2023 factor (0.5500 t/MWh); region-first takes Jiangsu's own 2022 factor (0.5978 t/MWh), both
    MEE/NBS."""
    china = nc.load_factors("china")
    china = nc.FactorSet.merge(china.where(year=[2021, 2022]), china.where(region="CN-EAST", year=2023))
    inv = nc.Inventory([nc.Activity("electricity.grid", 1_000, "MWh", region="CN-JS", year=2023, scope=2)])
    assert inv.emissions(china).total() == pytest.approx(550.0)
    region_first = china.with_fallback("region")
    res = inv.emissions(region_first)
    assert res.total() == pytest.approx(597.8)
    assert res.matches[0]["factor"].region == "CN-JS" and res.matches[0]["factor"].year == 2022
    assert nc.FactorSet.merge(region_first, nc.load_factors("ipcc")).fallback == "region"
    with pytest.raises(nc.InputError, match="fallback must be"):
        china.with_fallback("newest")
