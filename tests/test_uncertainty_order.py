"""``uncertainty(seed=...)`` draws keyed by what is sampled, not by factor position: any order, same figures."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neutralcore as nc
from neutralcore.measure.factorvalue import Interval

SRC = nc.Source("test", "synthetic factors with stated intervals (not published values)", 2024)
NCV = nc.FuelProperty("ncv", 43.0, "TJ/Gg", SRC, interval=Interval(41.4, 43.3))


def factor_list() -> list[nc.Factor]:
    return [
        nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, SRC, uncertainty=0.05),
        nc.Factor("electricity.grid", "TH", 2023, "t/MWh", {"CO2": 0.4999}, SRC, uncertainty=0.10),
        nc.Factor("fuel.diesel.stationary", "World", 2006, "kg/TJ", {"CO2": 74_100, "CH4": 3, "N2O": 0.6}, SRC,
                  ncv=NCV, intervals={"CO2": Interval(72_600, 74_800), "CH4": Interval(1, 10, "lognormal"),
                                      "N2O": Interval(0.2, 2, "triangular")}),
        nc.Factor("fuel.gas", "World", 2006, "kg/TJ", {"CO2": 56_100}, SRC,
                  intervals={"CO2": Interval(54_300, 58_300, "uniform")}),
        nc.Factor("fuel.coal", "World", 2006, "kg/TJ", {"CO2": 94_600}, SRC),  # no published uncertainty
    ]


GRID_VN = nc.Activity("electricity.grid", 1_200, "MWh", region="VN", year=2023, scope=2)
COAL = nc.Activity("fuel.coal", 10, "TJ", region="VN", year=2023, scope=1)
INV = nc.Inventory([
    GRID_VN,
    nc.Activity("electricity.grid", 800, "MWh", region="TH", year=2023, scope=2),
    nc.Activity("fuel.diesel.stationary", 100, "t", region="VN", year=2023, scope=1),
    nc.Activity("fuel.gas", 40, "TJ", region="VN", year=2023, scope=1),
    COAL,
])


def figures(factors: list[nc.Factor], seed: int = 7, n: int = 500) -> tuple[float, ...]:
    u = INV.emissions(nc.FactorSet.from_factors(factors)).uncertainty(n, seed=seed)
    return (u.total, u.mean, u.median, u.low, u.high, u.share_without)


def test_reversed_factor_order_gives_the_same_draws():
    """Regression: draws followed the factor index, so the same factors reversed gave another range."""
    assert figures(factor_list()[::-1]) == figures(factor_list())


@settings(max_examples=25, deadline=None)
@given(order=st.permutations(range(5)), seed=st.integers(0, 2**32 - 1))
def test_any_permutation_of_the_factors_gives_identical_results(order, seed):
    base = factor_list()
    assert figures([base[i] for i in order], seed) == figures(base, seed)


def test_a_lockfile_rebuild_gives_the_draws_of_the_locked_run(tmp_path):
    """The lockfile writes factors in key order and packs as name@version: neither changes a draw."""
    fs = nc.FactorSet.from_factors(factor_list()[::-1], pack="test")  # not in key order
    em = INV.emissions(fs)
    em.lock(tmp_path / "run.lock.json", versions={"test": "1.0"})
    back = nc.FactorSet.from_lock(tmp_path / "run.lock.json")
    assert [f.pack for f in back] == ["test@1.0"] * 5
    again = INV.emissions(back)
    a, b = em.uncertainty(2_000, seed=11), again.uncertainty(2_000, seed=11)
    assert (a.total, a.mean, a.median, a.low, a.high) == (b.total, b.mean, b.median, b.low, b.high)


def test_a_factor_draws_the_same_in_every_result_that_uses_it():
    """The Viet Nam grid factor alone, and beside a factor held fixed (coal: 10 TJ x 94.6 t/TJ = 946 t CO2):
    the same draws, so the range moves by exactly the fixed 946 t (to rounding)."""
    grid, coal = factor_list()[0], factor_list()[4]
    alone = nc.Inventory([GRID_VN]).emissions(nc.FactorSet.from_factors([grid])).uncertainty(1_000, seed=3)
    both = nc.Inventory([GRID_VN, COAL]).emissions(nc.FactorSet.from_factors([coal, grid])).uncertainty(1_000, seed=3)
    assert both.total == pytest.approx(alone.total + 946.0, rel=1e-12)
    assert both.low == pytest.approx(alone.low + 946.0, rel=1e-12)
    assert both.high == pytest.approx(alone.high + 946.0, rel=1e-12)


def test_a_seed_still_changes_the_draws_and_repeats_them():
    assert figures(factor_list(), 1) == figures(factor_list(), 1)
    assert figures(factor_list(), 1) != figures(factor_list(), 2)
