"""Every plot renders to a PNG file (Agg backend), and says what it shows."""

from __future__ import annotations

import pytest

import neutralcore as nc
from neutralcore.claim import Balance
from neutralcore.offsets import Period
from neutralcore.plotting import plot_balance, plot_emissions, save

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def res():
    fs = nc.load_factors("vietnam", "ipcc")
    inv = nc.Inventory([
        nc.Activity("electricity.grid", 4_800, "MWh", region="VN", year=2023, scope=2, site="binh-duong"),
        nc.Activity("fuel.diesel.stationary", 60_000, "L", region="VN", year=2023, scope=1, site="binh-duong"),
        nc.Activity("electricity.grid", 1_000, "MWh", region="VN", year=2023, scope=2, site="hanoi"),
    ])
    return fs, inv, inv.emissions(fs)


def written(ax, path) -> bytes:
    save(ax, str(path))
    data = path.read_bytes()
    assert data[:8] == PNG and len(data) > 2_000
    return data


def test_groups_bars(res, tmp_path):
    """By site: binh-duong 3,164.16 + 161.02 t, hanoi 1,000 x 0.6592 = 659.2 t."""
    ax = plot_emissions(res[2], "site")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["hanoi", "binh-duong"]  # largest on top
    assert [round(p.get_width(), 2) for p in ax.patches] == [659.2, round(3164.16 + 161.0202, 2)]
    written(ax, tmp_path / "sites.png")


def test_gas_stacked_bars_are_in_co2e(res, tmp_path):
    """Each gas's bar is its tonnes x its AR5 GWP (CH4 28, N2O 265), so the stack is the CO2e total."""
    ax = plot_emissions(res[2], "scope", gases=True)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["CO2 (x 1)", "CH4 (x 28)", "N2O (x 265)"]
    heights = {}
    for p in ax.patches:
        heights.setdefault(round(p.get_x(), 6), []).append(p.get_height())
    totals = sorted(round(sum(h), 4) for h in heights.values())
    by_scope = res[2].by("scope")
    assert totals == sorted(round(v, 4) for v in by_scope["co2e_t"])
    written(ax, tmp_path / "gases.png")


def test_trajectory_with_target_path_over_the_whole_range(res, tmp_path):
    fs, inv, em = res
    scenario = nc.Scenario(inv, factors=fs, growth=0.02)
    target = nc.Target.sbti(2023, em.total(), 2030)
    trajectory = scenario.trajectory(2023, 2035)
    ax = trajectory.plot(target)
    line = next(ln for ln in ax.get_lines() if ln.get_label().startswith("target:"))
    xs, ys = line.get_data()
    assert list(xs) == list(range(2023, 2036))  # every year of the trajectory, flat after 2030
    assert ys[0] == pytest.approx(em.total()) and ys[-1] == pytest.approx(em.total() * (1 - 0.042 * 7))
    written(ax, tmp_path / "trajectory.png")
    written(scenario.plot(target), tmp_path / "scenario.png")


def test_mac_curve_shows_interaction_notes(tmp_path):
    from neutralcore.plugins.levers import EnergyEfficiency, FuelSwitch

    fs = nc.load_factors("vietnam", "ipcc")
    inv = nc.Inventory([nc.Activity("electricity.grid", 4_800, "MWh", region="VN", year=2023, scope=2),
                        nc.Activity("fuel.lpg.stationary", 250, "t", region="VN", year=2023, scope=1)])
    prices = {"electricity.grid": (80, "MWh"), "fuel.lpg.stationary": (900, "t")}
    eff = EnergyEfficiency(0.15, activity="electricity", name="LED", costs=nc.Costs(capex=120_000, lifetime=10, prices=prices))
    hp = FuelSwitch.from_factors(fs, "fuel.lpg.stationary", "electricity.grid", from_efficiency=0.85, to_efficiency=3.0,
                                 name="heat pumps", costs=nc.Costs(capex=400_000, lifetime=15, prices=prices))
    curve = nc.mac_curve(inv, [eff, hp], 2023, 0.08, factors=fs)
    assert curve.notes
    ax = curve.plot()
    assert any(curve.notes[0] in t.get_text() for t in ax.texts)
    written(ax, tmp_path / "mac.png")


def test_balance_waterfall(tmp_path):
    """E 12,000, R 500, residual 11,500, C 0 (no credits): shortfall 11,500 t."""
    b = Balance(subject="Acme Ltd", subject_type="organisation", period=Period.year(2024), emissions=12_000.0,
                by_scope={1: 7_000.0, 2: 5_000.0}, gwp_set="AR6 GWP100", scope2_basis="market", removals=500.0)
    ax = b.plot()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["E (emissions)", "- R (removals)", "E - R (residual)",
                                                           "- C (credits)", "shortfall"]
    assert [round(p.get_height()) for p in ax.patches] == [12_000, 500, 11_500, 0, 11_500]
    assert "credits do not reduce the footprint" in ax.get_title()
    written(plot_balance(b), tmp_path / "balance.png")


def test_without_matplotlib_the_error_names_the_extra(monkeypatch, res):
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(nc.MissingDependencyError, match=r"neutralcore\[plot\]"):
        plot_emissions(res[2])


def test_emissions_plot_method_draws_by_group_and_by_gas(tmp_path):
    """Issue 13: the result itself has .plot(); stacked by gas, only the gases in the scope totals are drawn."""
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import neutralcore as nc
    from neutralcore.plotting import save

    src = nc.Source("IPCC", "2006 IPCC Guidelines, Vol. 2, Table 2.5", 2006)
    fs = nc.FactorSet.from_factors([nc.Factor("fuel.wood.stationary.residential", "World", 2006, "kg/TJ",
                                              {"CO2_biogenic": 112000.0, "CH4": 300.0, "N2O": 4.0}, src)])
    inv = nc.Inventory([nc.Activity("fuel.wood.stationary.residential", 1, "TJ", region="VN", year=2023, scope=1,
                                    site=s) for s in ("a", "b")])
    res = inv.emissions(fs)
    ax = res.plot("site")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"] or len(ax.patches) == 2
    stacked = res.plot("scope", gases=True)
    assert sorted(t.get_text() for t in stacked.get_legend().get_texts()) == ["CH4 (x 28)", "N2O (x 265)"]
    save(stacked, str(tmp_path / "gases.png"))
    assert (tmp_path / "gases.png").read_bytes()[:4] == b"\x89PNG"
