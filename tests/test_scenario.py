"""Scenarios, trajectories, targets (SBTi linear, intensity, national pledges) and the gap.

Factors: Viet Nam grid 2023 0.6592 t CO2/MWh (MONRE/DCC), IPCC 2006 defaults (tests/factors_fixture.py).
The 0.5 / 0.6 t/MWh market "XA" is a constructed example.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import neutralcore as nc
from factors_fixture import published_factors
from neutralcore.plugins.levers import (
    CarbonCapture,
    EnergyEfficiency,
    FuelSwitch,
    RenewableContract,
    RooftopSolar,
    TreePlanting,
)

EXAMPLE = nc.Source("Constructed example", "grid 0.5, residual mix 0.6 t/MWh", 2024)


def vn_factory(mwh: float = 1_000.0) -> nc.Inventory:
    return nc.Inventory([
        nc.Activity("electricity.grid", mwh, "MWh", region="VN", year=2023, scope=2, site="bd"),
        nc.Activity("fuel.diesel.stationary", 15_000, "L", region="VN", year=2023, scope=1, site="bd"),
    ])


# -- targets ---------------------------------------------------------------------------------


def test_sbti_1_5c_is_linear():
    """100,000 t in 2020 at 4.2 %/yr of the base year: 2030 -> 58,000 t, 2027 -> 70,600 t."""
    t = nc.Target.sbti(2020, 100_000, 2030)
    assert t.value(2030) == pytest.approx(58_000.0)
    assert t.value(2027) == pytest.approx(70_600.0)
    assert t.value(2025) == pytest.approx(79_000.0)  # compounded would be 80,675
    assert t.value(2035) == pytest.approx(58_000.0)  # held after the target year
    assert math.isnan(t.value(2019))


def test_sbti_well_below_2c():
    """2.5 %/yr x 10 years = 25 %: 75,000 t in 2030."""
    assert nc.Target.sbti(2020, 100_000, 2030, "well-below-2C").value(2030) == pytest.approx(75_000.0)


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: nc.Target.absolute(2030, 1_000, 2025, 0.5), "not after"),
        (lambda: nc.Target.sbti(2030, 1_000, 2030), "not after"),
        (lambda: nc.Target.absolute(2020, 1_000, 2030, 1.2), "between 0 and 100 %"),
        (lambda: nc.Target.sbti(2020, 1_000, 2050), "more than 100 %"),
        (lambda: nc.Target.sbti(2020, 1_000, 2030, "3C"), "ambition"),
        (lambda: nc.Target.intensity(2020, 2.0, 2030, 0.3, metric=""), "metric"),
    ],
)
def test_bad_targets_are_scenario_errors(make, match):
    with pytest.raises(nc.ScenarioError, match=match):
        make()


def test_vietnam_pledge_from_pack_metadata():
    """Net zero by 2050, emissions peak in 2035 (Decision 896/QD-TTg): DERIVED path, cited."""
    from neutralcore.plugins.vietnam import pack

    t = nc.Target.national(pack, base_year=2023, base_emissions=12_000)
    assert (t.target_year, t.start_year, t.net, t.reduction) == (2050, 2035, True, 1.0)
    assert "896" in t.citation and "COP26" in t.citation
    assert "DERIVED" in t.method
    assert math.isnan(t.value(2034))
    assert t.value(2035) == pytest.approx(12_000)
    assert t.value(2040) == pytest.approx(12_000 * (1 - 5 / 15))
    assert t.value(2050) == pytest.approx(0.0)
    assert "896" in t.source.document and t.source.year == 2022  # the publisher named signed the decision
    assert "stricter than a peak" in t.method


def test_china_pledge_by_name_through_the_registry():
    """CO2 peak before 2030, neutrality before 2060 (Xinhua, 22 Sep 2020)."""
    t = nc.Target.national("china", base_year=2023, base_emissions=1_000)
    assert (t.start_year, t.target_year) == (2030, 2060)
    assert "xinhuanet.com" in t.citation
    assert t.value(2045) == pytest.approx(500.0)
    with pytest.raises(nc.ScenarioError, match="not a net-zero"):
        nc.Target.national("china", "ndc_2035", base_year=2023, base_emissions=1_000)


# -- scenarios -------------------------------------------------------------------------------


def test_growth_and_lever_start_years():
    """1,000 MWh x 0.6592, growing 5 %/yr; 20 % efficiency on electricity from 2025.

    2024: 1,050 MWh -> 692.16 t; 2025: 1,102.5 x 0.8 = 882 MWh -> 581.4144 t (grid factor of 2023 by year fallback).
    """
    fs = published_factors()
    s = nc.Scenario(vn_factory(), [(EnergyEfficiency(0.2, activity="electricity"), 2025)], factors=fs, growth=0.05)
    traj = s.trajectory(2023, 2025)
    assert traj["year"] == [2023, 2024, 2025]
    assert traj["scope2_location"][1] == pytest.approx(1_050 * 0.6592)
    assert traj["scope2_location"][2] == pytest.approx(1_102.5 * 0.8 * 0.6592)
    assert s.inventory(2025).quantity[0] == pytest.approx(882.0)
    assert s.baseline.quantity[0] == 1_000.0  # baseline untouched


def test_growth_per_activity():
    s = nc.Scenario(vn_factory(), factors=published_factors(), growth={"electricity": 0.10, "*": 0.0})
    np.testing.assert_allclose(s.inventory(2025).quantity, [1_210.0, 15_000.0])


def test_grid_factor_path_is_interpolated_and_marked_derived():
    """From the published 0.6592 (2023) to 0.40 in 2030: 2026 -> 0.6592 - 3/7 x 0.2592 = 0.548114."""
    s = nc.Scenario(vn_factory(), factors=published_factors(), grid_factor_path={2030: 0.40, 2050: 0.10})
    assert s.year(2026).by_scope()[2] == pytest.approx(1_000 * (0.6592 - 3 / 7 * 0.2592))
    assert s.year(2040).by_scope()[2] == pytest.approx(1_000 * 0.25)
    f = s.factors_for(2026).get("electricity.grid", "VN", 2026)
    assert f.confidence == "DERIVED" and "DERIVED" in f.source.note


def test_residual_mix_follows_the_grid_path():
    """XA: grid 0.5 and residual 0.6 in 2024; path 0.25 in 2030 -> residual 0.6 x 0.25 / 0.5 = 0.3."""
    fs = nc.FactorSet.from_factors([
        nc.Factor("electricity.grid", "XA", 2024, "t/MWh", {"CO2": 0.5}, EXAMPLE),
        nc.Factor("electricity.grid.residual", "XA", 2024, "t/MWh", {"CO2": 0.6}, EXAMPLE),
    ])
    inv = nc.Inventory([nc.Activity("electricity.grid", 10_000, "MWh", region="XA", year=2024, scope=2)])
    s = nc.Scenario(inv, factors=fs, grid_factor_path={2030: 0.25})
    traj = s.trajectory(2024, 2030)
    assert traj["scope2_location"][-1] == pytest.approx(2_500.0)
    assert traj["scope2_market"][-1] == pytest.approx(3_000.0)


def test_contracts_capture_and_removals_in_the_trajectory():
    """2024: 6,000 MWh RECs -> market 2,400 t (location 5,000); capture and removals reported apart."""
    ipcc = nc.Source("IPCC", "2006 IPCC Guidelines Vol.2 Table 2.3", 2006)
    fs = nc.FactorSet.from_factors([
        nc.Factor("electricity.grid", "XA", 2024, "t/MWh", {"CO2": 0.5}, EXAMPLE),
        nc.Factor("electricity.grid.residual", "XA", 2024, "t/MWh", {"CO2": 0.6}, EXAMPLE),
        nc.Factor("fuel.diesel.stationary", "World", 2006, "kg/TJ", {"CO2": 74100}, ipcc),
    ])
    inv = nc.Inventory([
        nc.Activity("electricity.grid", 10_000, "MWh", region="XA", year=2024, scope=2, site="p"),
        nc.Activity("fuel.diesel.stationary", 10, "TJ", region="XA", year=2024, scope=1, site="p"),
    ])
    levers = [RenewableContract(6_000, "REC", market="XA", retired_for="Acme"),
              CarbonCapture(0.5, activity="fuel.diesel"),
              TreePlanting("plantation.tropical_moist_deciduous_forest.asia", area=10)]
    s = nc.Scenario(inv, levers, factors=fs, entity="Acme")
    row = s.trajectory(2024, 2024).row(0)
    assert row["scope2_location"] == pytest.approx(5_000.0)
    assert row["scope2_market"] == pytest.approx(2_400.0)
    assert row["captured_t"] == pytest.approx(370.5)  # 10 TJ x 74.1 t x 50 %
    assert row["scope1"] == pytest.approx(370.5)
    assert row["removals_t"] == pytest.approx(10 * 8 * 0.47 * 44 / 12)
    assert row["total_location"] == pytest.approx(5_370.5)  # removals never netted in totals


def test_gap_year_by_year():
    """Baseline 659.2 + 40.2551 t held flat vs SBTi 1.5 °C from 2023: above the path from 2024."""
    fs = published_factors()
    s = nc.Scenario(vn_factory(), factors=fs)
    base = s.year(2023).total()
    t = nc.Target.sbti(2023, base, 2030)
    gap = s.gap(t)
    assert gap["year"][0] == 2023 and gap["year"][-1] == 2030
    assert gap["gap"][0] == pytest.approx(0.0)
    assert gap["gap"][-1] == pytest.approx(base * 0.042 * 7)
    assert gap.years_above == list(range(2024, 2031))
    assert not gap.on_track


def test_intensity_target_gap():
    """Output 1,000 t grows 10 %/yr, emissions flat: intensity falls 1/1.1 per year."""
    s = nc.Scenario(vn_factory(), factors=published_factors(), output=1_000, output_growth=0.10)
    base_i = s.year(2023).total() / 1_000
    t = nc.Target.intensity(2023, base_i, 2025, 0.10, metric="t product")
    gap = s.gap(t)
    assert gap["scenario"][2] == pytest.approx(base_i / 1.21)
    assert gap["target"][2] == pytest.approx(base_i * 0.9)
    assert gap["above"] == [False, False, False]


def test_scenario_bad_input():
    fs = published_factors()
    with pytest.raises(nc.ScenarioError, match="before the base year"):
        nc.Scenario(vn_factory(), [(EnergyEfficiency(0.1, activity="electricity"), 2020)], factors=fs)
    with pytest.raises(nc.LeverError, match="cannot act"):
        nc.Scenario(vn_factory(), [EnergyEfficiency(0.1, activity="fuel.coal")], factors=fs)
    with pytest.raises(nc.ScenarioError, match="factors="):
        nc.Scenario(vn_factory())
    with pytest.raises(nc.ScenarioError, match="-100 %"):
        nc.Scenario(vn_factory(), factors=fs, growth=-1.5)
    s = nc.Scenario(vn_factory(), factors=fs)
    with pytest.raises(nc.ScenarioError, match="before the scenario's base year"):
        s.trajectory(2020, 2030)
    two = nc.Inventory.concat([vn_factory(), vn_factory().with_column("year", 2022)])
    with pytest.raises(nc.ScenarioError, match="base_year="):
        nc.Scenario(two, factors=fs)
    assert nc.Scenario(two, factors=fs, base_year=2022).base_year == 2022


def test_a_lever_may_act_on_what_an_earlier_lever_added():
    """LPG boilers -> electric (0.85 -> 0.95), then solar on the new load.

    100 t LPG x 47.3 TJ/Gg = 4.73 TJ x 0.85 / 0.95 = 4.232105 TJ = 1,175.5848 MWh; solar 100 kWp x 1,300 = 130 MWh;
    (1,175.5848 - 130) x 0.6592 = 689.2495 t.  Solar before the switch has nothing to displace: a LeverError naming
    the year.
    """
    fs = published_factors()
    lpg = nc.Inventory([nc.Activity("fuel.lpg.stationary", 100, "t", region="VN", year=2023, scope=1, site="bd")])
    switch = FuelSwitch.from_factors(fs, "fuel.lpg.stationary", "electricity.grid", from_efficiency=0.85,
                                     to_efficiency=0.95)
    solar = RooftopSolar(100, 1_300, site="bd")
    row = nc.Scenario(lpg, [switch, solar], factors=fs).trajectory(2023, 2023).row(0)
    assert row["scope1"] == pytest.approx(0.0)
    assert row["scope2_location"] == pytest.approx((4.73 * 0.85 / 0.95 / 0.0036 - 130) * 0.6592)
    assert row["scope2_location"] == pytest.approx(689.2495, abs=1e-4)
    with pytest.raises(nc.LeverError, match="in 2024; levers active then, in order: rooftop-solar"):
        nc.Scenario(lpg, [(switch, 2025), (solar, 2024)], factors=fs)


def test_trajectory_carries_the_market_based_disclosures():
    """VN has no residual mix (grid average used, disclosed); a contract not retired for anyone is not applied."""
    c = RenewableContract(200, "I-REC", market="VN")
    traj = nc.Scenario(vn_factory(), [c], factors=published_factors(), entity="Acme").trajectory(2023, 2024)
    assert traj["scope2_market"][0] == pytest.approx(659.2)  # nothing applied
    assert any("No residual mix for electricity.grid in VN (2023)" in d for d in traj.disclosures)
    assert any("renewable-contract 2024 rejected: not retired" in d for d in traj.disclosures)


def test_intensity_needs_a_positive_output():
    s = nc.Scenario(vn_factory(), factors=published_factors(), output=0)
    t = nc.Target.intensity(2023, 1.0, 2025, 0.1, metric="t product")
    with pytest.raises(nc.ScenarioError, match="must be positive"):
        s.gap(t)


def test_long_trajectories_keep_few_whole_years():
    """Each year's inventory and emissions are as large as the baseline: only a few are kept, summaries for all."""
    from neutralcore.reduce.scenario import _RECENT

    s = nc.Scenario(vn_factory(), [(EnergyEfficiency(0.2, activity="electricity"), 2025)], factors=published_factors(),
                    growth=0.05)
    first = s.trajectory(2023, 2050)
    assert len(s._cache["recent"]) <= _RECENT
    assert s.year(2024).by_scope()[2] == pytest.approx(1_050 * 0.6592)  # evicted, recomputed the same
    np.testing.assert_array_equal(s.trajectory(2023, 2050)["total_location"], first["total_location"])


def test_scenario_plot_renders_png(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fs = published_factors()
    s = nc.Scenario(vn_factory(), [(EnergyEfficiency(0.3, activity="electricity"), 2026)], factors=fs,
                    grid_factor_path={2050: 0.2})
    ax = s.plot(target=nc.Target.sbti(2023, s.year(2023).total(), 2030), end=2035)
    out = tmp_path / "trajectory.png"
    ax.figure.savefig(out)
    plt.close(ax.figure)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_without_matplotlib_says_what_to_install(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    s = nc.Scenario(vn_factory(), factors=published_factors())
    with pytest.raises(nc.MissingDependencyError, match=r"pip install 'neutralcore\[plot\]'") as info:
        s.plot(end=2025)
    assert isinstance(info.value, ImportError)


def test_plot_stacks_only_the_scopes_the_target_covers(tmp_path):
    """A scope 1+2 target is drawn against scopes 1 and 2 only; a net target also gets the net line."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import PolyCollection

    inv = nc.Inventory.concat([vn_factory(), nc.Inventory([
        nc.Activity("fuel.diesel.stationary", 50_000, "L", region="VN", year=2023, scope=3, category=1, site="bd")])])
    s = nc.Scenario(inv, factors=published_factors())
    ax = s.plot(target=nc.Target.sbti(2023, s.year(2023).total(scopes=(1, 2)), 2030), end=2030)
    layers = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(layers) == 2
    top = max(p.vertices[:, 1].max() for c in layers for p in c.get_paths())
    assert top == pytest.approx(s.year(2023).total(scopes=(1, 2)))  # scope 3 is not stacked
    plt.close(ax.figure)
    ax = s.plot(target=nc.Target.national("vietnam", base_year=2023, base_emissions=inv_total(s)), end=2050)
    labels = [line.get_label() for line in ax.get_lines()]
    assert any(label.startswith("net of removals") for label in labels)
    assert len([c for c in ax.collections if isinstance(c, PolyCollection)]) == 3
    plt.close(ax.figure)


def inv_total(s: nc.Scenario) -> float:
    return s.year(2023).total()
