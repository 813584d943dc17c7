"""Scenarios and MAC curves worked out per distinct row (``aggregate=True``) give the row-by-row figures.

The old path (``aggregate=False``: every row measured, every lever re-measured at every step) and the
new one are compared on a generated inventory with several levers, to 1e-9.  Factors are constructed
example values (market "XA": grid 0.5, residual mix 0.6 t CO2/MWh) and the IPCC 2006 Vol. 2 Table 2.3
defaults for stationary diesel (74,100 kg CO2/TJ) and natural gas (56,100 kg CO2/TJ).
"""

from __future__ import annotations

import math
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neutralcore as nc
from neutralcore.plugins.levers import (CarbonCapture, EnergyEfficiency, FuelSwitch, RenewableContract, RooftopSolar,
                                        TreePlanting)
from neutralcore.reduce.aggregate import aggregated

EXAMPLE = nc.Source("Constructed example", "market XA: grid 0.5, residual mix 0.6 t/MWh", 2024)
IPCC = nc.Source("IPCC", "2006 IPCC Guidelines Vol.2 Table 2.3", 2006)
FS = nc.FactorSet.from_factors([
    nc.Factor("electricity.grid", "XA", 2024, "t/MWh", {"CO2": 0.5}, EXAMPLE),
    nc.Factor("electricity.grid.residual", "XA", 2024, "t/MWh", {"CO2": 0.6}, EXAMPLE),
    nc.Factor("fuel.diesel.stationary", "World", 2006, "kg/TJ", {"CO2": 74100}, IPCC),
    nc.Factor("fuel.natural_gas.stationary", "World", 2006, "kg/TJ", {"CO2": 56100}, IPCC),
])
PRICE = {"electricity": (100, "MWh"), "fuel": (20_000, "TJ")}


def generated(n: int = 3_000, seed: int = 3) -> nc.Inventory:
    """*n* rows over 3 activities, 12 sites and 3 categories: many rows agree on every column."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 3, n)
    return nc.Inventory.from_columns(
        activity=(a.astype(np.int32), ("electricity.grid", "fuel.diesel.stationary", "fuel.natural_gas.stationary")),
        quantity=np.where(a == 0, rng.uniform(1, 100, n), rng.uniform(0.001, 0.1, n)),
        unit=(a.clip(0, 1).astype(np.int32), ("MWh", "TJ")), region="XA", year=2024,
        scope=((a > 0).astype(np.int32), (2, 1)),
        category=(rng.integers(0, 3, n).astype(np.int32), ("c0", "c1", "c2")),
        site=(rng.integers(0, 12, n).astype(np.int32), tuple(f"s{i}" for i in range(12))),
    )


def costs(capex: float, **kw: Any) -> nc.Costs:
    return nc.Costs(capex=capex, lifetime=10, **kw)


def mac_levers() -> list[nc.Lever]:
    return [
        FuelSwitch("fuel.diesel.stationary", "electricity.grid", share=0.4, to_efficiency=3.0, site=["s0", "s1"],
                   name="heat pumps", costs=costs(2e5, prices=PRICE)),
        CarbonCapture(0.9, activity="fuel.natural_gas", site=["s2", "s3"], energy_penalty=0.1, name="ccs",
                      costs=costs(5e6)),
        RenewableContract(20_000.0, market="XA", retired_for="Acme", name="ppa", costs=costs(0, opex_delta=2e4)),
        TreePlanting("plantation.tropical_moist_deciduous_forest.asia", 10.0, name="trees", costs=costs(3e4)),
        RooftopSolar(300.0, 1300.0, site="s1", name="solar s1", costs=costs(1.5e5, prices=PRICE)),
        RooftopSolar(200.0, 1200.0, site="s9", name="solar s9", costs=costs(1.2e5, prices=PRICE)),
        *[EnergyEfficiency(0.05 + 0.02 * i, site=[f"s{i + 4}"], name=f"efficiency s{i + 4}",
                           costs=costs(1e4 * (i + 1), prices=PRICE if i % 2 else {})) for i in range(5)],
        EnergyEfficiency(0.1, activity="electricity", name="lighting", costs=costs(8e4, prices=PRICE)),
    ]


def assert_tables_equal(a: Any, b: Any) -> None:
    assert list(a.columns) == list(b.columns)
    for c in a.columns:
        x, y = list(a[c]), list(b[c])
        if all(isinstance(v, (float, np.floating)) for v in x + y):
            np.testing.assert_allclose(np.array(x, float), np.array(y, float), rtol=1e-9, atol=1e-9, err_msg=c)
        else:
            assert x == y, c


def test_aggregated_sums_rows_equal_in_every_column():
    inv = generated()
    agg = aggregated(inv)
    assert len(agg) == 3 * 12 * 3 < len(inv)
    assert agg.provenance is None
    assert agg.emissions(FS).total() == pytest.approx(inv.emissions(FS).total(), rel=1e-12)
    by_row = inv.emissions(FS).by("site")
    by_agg = agg.emissions(FS).by("site")
    np.testing.assert_allclose(by_agg["co2e_t"], by_row["co2e_t"], rtol=1e-12)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 6000), st.integers(1, 6000), st.integers(0, 2**31 - 1))
def test_aggregated_groups_rows_equal_in_every_column(n_site: int, n_cat: int, seed: int):
    # sites x categories beyond the dense table (6,000 rows: 2**22 combinations) combine the columns seen so far
    # into codes part way; the groups must be the rows' distinct (year, labels...) tuples either way
    rng = np.random.default_rng(seed)
    n = 6000
    site, cat = rng.integers(0, n_site, n), rng.integers(0, n_cat, n)
    year = rng.integers(2024, 2027, n)
    acts = ("electricity.grid", "fuel.diesel.stationary")
    a = rng.integers(0, 2, n)
    inv = nc.Inventory.from_columns(activity=[acts[i] for i in a], unit=["MWh" if i == 0 else "L" for i in a],
                                    quantity=rng.uniform(0, 10, n), region="VN", year=year, scope=(a == 0) + 1,
                                    site=[f"s{i}" for i in site], category=[f"c{i}" for i in cat])
    agg = aggregated(inv)
    keys = list(zip(year.tolist(), a.tolist(), site.tolist(), cat.tolist()))
    want: dict = {}
    for k, q in zip(keys, inv.quantity.tolist()):
        want[k] = want.get(k, 0.0) + q
    got = {(int(y), acts.index(ac), int(si[1:]), int(c[1:])): q for y, ac, si, c, q in zip(
        agg.year.tolist(), agg.activity.values(), agg.site.values(), agg.category.values(), agg.quantity.tolist())}
    assert len(agg) == len(want) and got.keys() == want.keys()
    for k, q in want.items():
        assert got[k] == pytest.approx(q, rel=1e-12)


def scenario(inv: nc.Inventory, aggregate: bool, **kw: Any) -> nc.Scenario:
    levers = [EnergyEfficiency(0.1, activity="electricity"),
              (FuelSwitch("fuel.diesel.stationary", "electricity.grid", share=0.5, to_efficiency=3.0), 2027),
              (RooftopSolar(400.0, 1300.0, site="s3"), 2026),
              (CarbonCapture(0.85, activity="fuel.natural_gas", energy_penalty=0.15), 2030),
              (RenewableContract(30_000.0, market="XA", retired_for="Acme"), 2028),
              TreePlanting("plantation.tropical_moist_deciduous_forest.asia", 25.0, planted=2025, duration=20)]
    return nc.Scenario(inv, levers, factors=FS, growth={"electricity": 0.03, "fuel.diesel": -0.02, "*": 0.01},
                       grid_factor_path={2040: 0.2}, entity="Acme", aggregate=aggregate, **kw)


def test_scenario_trajectory_and_gap_match_the_row_path():
    inv = generated()
    new, old = scenario(inv, True), scenario(inv, False)
    assert_tables_equal(new.trajectory(2024, 2045), old.trajectory(2024, 2045))
    assert new.trajectory(2024, 2045).disclosures == old.trajectory(2024, 2045).disclosures
    target = nc.Target.sbti(2024, old.year(2024).total("market"), 2035, scope2="market")
    assert_tables_equal(new.gap(target), old.gap(target))
    assert len(new.inventory(2030)) == len(old.inventory(2030))  # the rows themselves, not the sums


def test_mac_curve_matches_the_row_path():
    inv = generated()
    for scope2 in ("location", "market"):
        new = nc.mac_curve(inv, mac_levers(), 2024, 0.08, factors=FS, scope2=scope2, entity="Acme")
        old = nc.mac_curve(inv, mac_levers(), 2024, 0.08, factors=FS, scope2=scope2, entity="Acme", aggregate=False)
        assert_tables_equal(new, old)
        assert new.notes == old.notes and new.interacting == old.interacting
        assert new.baseline_t == pytest.approx(old.baseline_t, rel=1e-12)


def test_mac_curve_on_a_scenario_matches_the_row_path():
    s = scenario(generated(), False)
    new = nc.mac_curve(s, mac_levers()[4:], 2031, 0.08)
    old = nc.mac_curve(s, mac_levers()[4:], 2031, 0.08, aggregate=False)
    assert_tables_equal(new, old)


@attrs.frozen
class FirstRowOnly(nc.Lever):
    """A third-party lever that reads rows one by one: it cuts the first row only."""

    kind = "first-row"

    def apply(self, inventory: nc.Inventory, year: int) -> nc.Inventory:
        q = inventory.quantity.copy()
        q[0] = 0.0
        return inventory.with_quantity(q)


def test_a_lever_that_needs_rows_meets_the_rows():
    inv = generated()
    first = float(inv.emissions(FS).row_co2e()[0])
    assert first > 0
    assert not FirstRowOnly.row_independent
    curve = nc.mac_curve(inv, [FirstRowOnly(costs=costs(1.0))], 2024, 0.08, factors=FS)
    assert curve["abatement_t"][0] == pytest.approx(first, rel=1e-9)
    s = nc.Scenario(inv, [FirstRowOnly()], factors=FS)
    assert s.trajectory(2024, 2025)["total_location"][0] == pytest.approx(inv.emissions(FS).total() - first, rel=1e-12)


@settings(max_examples=25, deadline=None)
@given(cuts=st.lists(st.just(0.0) | st.floats(0.01, 1.0), min_size=1, max_size=4), kwp=st.just(0.0) | st.floats(1.0, 2_000.0),
       seed=st.integers(0, 1000))
def test_levers_never_raise_what_they_cut(cuts, kwp, seed):
    """Each efficiency cut and solar array abates >= 0 t, sequentially and alone, on both paths alike.

    (Cuts below 1 % are left out: their abatement is a difference of totals near float noise.)
    """
    inv = generated(400, seed)
    levers = [EnergyEfficiency(c, site=[f"s{i}", f"s{i + 4}"], name=f"cut {i}", costs=costs(1e3)) for i, c in enumerate(cuts)]
    levers.append(RooftopSolar(kwp, 1300.0, site="s1", name="solar", costs=costs(1e4)))
    new = nc.mac_curve(inv, levers, 2024, 0.08, factors=FS)
    old = nc.mac_curve(inv, levers, 2024, 0.08, factors=FS, aggregate=False)
    assert_tables_equal(new, old)
    for col in ("abatement_t", "standalone_abatement_t"):
        assert all(x >= -1e-9 for x in new[col] if not math.isnan(x))


def test_mac_curve_re_measures_only_levers_that_overlap_the_one_applied(monkeypatch):
    """Six cuts on six different sites: base + 6 alone + 5 picks re-measured = 12 evaluations (22 row by row)."""
    inv = generated()
    levers = [EnergyEfficiency(0.05 * (i + 1), site=f"s{i}", name=f"cut s{i}", costs=costs(1e3 * (i + 1))) for i in range(6)]
    calls: list[int] = []
    emissions = nc.Inventory.emissions

    def counted(self: nc.Inventory, *a: Any, **kw: Any) -> nc.Emissions:
        calls.append(len(self))
        return emissions(self, *a, **kw)

    monkeypatch.setattr(nc.Inventory, "emissions", counted)
    new = nc.mac_curve(inv, levers, 2024, 0.08, factors=FS)
    assert len(calls) == 12 and max(calls) == len(aggregated(inv))
    calls.clear()
    old = nc.mac_curve(inv, levers, 2024, 0.08, factors=FS, aggregate=False)
    assert len(calls) == 1 + 6 + 15 and max(calls) == len(inv)
    assert_tables_equal(new, old)
    # a lever on every site overlaps each cut, so it is re-measured after each one, and the figures still agree
    calls.clear()
    both = levers + [EnergyEfficiency(0.2, activity="electricity", name="lighting", costs=costs(5e4))]
    assert_tables_equal(nc.mac_curve(inv, both, 2024, 0.08, factors=FS),
                        nc.mac_curve(inv, both, 2024, 0.08, factors=FS, aggregate=False))


def test_market_based_scope2_is_worked_out_only_when_asked_for():
    """Electricity in scope 2 and scope 3 under one key has no market-based figure; location-based curves need none."""
    inv = nc.Inventory([nc.Activity("electricity.grid", 1_000, "MWh", region="XA", year=2024, scope=2, site="p"),
                        nc.Activity("electricity.grid", 500, "MWh", region="XA", year=2024, scope=3, site="p")])
    cut = EnergyEfficiency(0.1, site="p", costs=costs(1e3))
    assert nc.mac_curve(inv, [cut], 2024, 0.08, factors=FS)["abatement_t"][0] == pytest.approx(150 * 0.5)
    with pytest.raises(nc.InputError, match="both in scope 2 and in another scope"):
        nc.mac_curve(inv, [cut], 2024, 0.08, factors=FS, scope2="market")


def test_concat_of_subsets_uses_every_category():
    """Inventory.concat no longer compacts: the union of the parts' categories is used because each part's is."""
    inv = generated(300)
    a, b = inv.where(site=["s0", "s1"]), inv.where(activity="fuel", site="s5")
    both = nc.Inventory.concat([a, b])
    for name in ("activity", "unit", "region", "scope", "category", "site"):
        col = both.column(name)
        assert sorted(map(str, set(col.values()))) == sorted(map(str, col.categories)), name
    assert both.emissions(FS).total() == pytest.approx(a.emissions(FS).total() + b.emissions(FS).total(), rel=1e-12)


def test_with_year_moves_every_row_and_keeps_the_rest(tmp_path):
    path = tmp_path / "inv.csv"
    generated(50).to_csv(path)
    inv = nc.Inventory.read_csv(path)
    moved = inv.with_year(2030)
    assert set(moved.year.tolist()) == {2030} and moved.year.dtype == inv.year.dtype
    assert moved.provenance is inv.provenance and moved.site is inv.site
    np.testing.assert_array_equal(moved.quantity, inv.quantity)
    grid_2030 = nc.Factor("electricity.grid", "XA", 2030, "t/MWh", {"CO2": 0.25}, EXAMPLE)
    fs = nc.FactorSet.merge(FS, nc.FactorSet.from_factors([grid_2030]))
    elec = moved.mask(activity="electricity")
    assert moved.emissions(fs).by("activity")["co2e_t"][0] == pytest.approx(0.25 * float(moved.quantity[elec].sum()))
    with pytest.raises(nc.InputError, match="year"):
        inv.with_year(99999)
