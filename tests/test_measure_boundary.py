"""The measure boundary (issue 9): the kernel computes from a FactorSet, Emissions keeps its arrays private,
totals are floats in tonnes and group tables are sorted."""

from __future__ import annotations

import attrs
import numpy as np
import pytest

import neutralcore as nc
from neutralcore.measure import factorsource, kernel

SRC = nc.Source("Example", "hand-worked boundary example", 2024)


def factors() -> nc.FactorSet:
    return nc.FactorSet.from_factors([
        nc.Factor("electricity.grid", "XA", 2024, "t/MWh", {"CO2": 0.5}, SRC),
        nc.Factor("fuel.gas", "XA", 2024, "t/MWh", {"CO2": 0.2, "CH4": 0.001}, SRC),
    ])


def inventory() -> nc.Inventory:
    # first-seen order is scope 2, 1, 3 and sites "b", None, "a": by() must not keep it
    return nc.Inventory([
        nc.Activity("electricity.grid", 100, "MWh", region="XA", year=2024, scope=2, site="b"),
        nc.Activity("fuel.gas", 10, "MWh", region="XA", year=2024, scope=1),
        nc.Activity("fuel.gas", 20, "MWh", region="XA", year=2024, scope=1, site="a"),
        nc.Activity("electricity.grid", 4, "MWh", region="XA", year=2024, scope=3, site="a"),
    ])


def test_totals_are_floats_in_tonnes():
    # CO2e = 100 x 0.5 + 30 x (0.2 + 0.001 x 28) + 4 x 0.5 = 50 + 6.84 + 2 = 58.84 t (AR5: CH4 28)
    res = inventory().emissions(factors())
    assert type(res.total()) is float and res.total() == pytest.approx(58.84, rel=1e-12)
    assert type(res.total("CH4")) is float and res.total("CH4") == pytest.approx(0.03, rel=1e-12)
    assert res.total("SF6") == 0.0 and type(res.total("SF6")) is float
    assert res.by_scope() == pytest.approx({1: 6.84, 2: 50.0, 3: 2.0})
    assert all(type(v) is float for v in res.by_scope().values())


def test_by_sorts_group_keys_and_fixes_column_types():
    res = inventory().emissions(factors())
    t = res.by("scope")
    assert t["scope"] == [1, 2, 3]
    np.testing.assert_allclose(t["co2e_t"], [6.84, 50.0, 2.0])
    t = res.by("scope", "site")
    assert list(zip(t["scope"], t["site"])) == [(1, "a"), (1, None), (2, "b"), (3, "a")]
    np.testing.assert_allclose(t["co2e_t"], [20 * 0.228, 10 * 0.228, 50.0, 2.0])
    assert t["co2e_t"].dtype == np.float64 and t["CO2_t"].dtype == np.float64
    big = res.by("site", "scope", gases=False)  # the per-row path gives the same order
    assert list(zip(big["site"], big["scope"])) == [("a", 1), ("a", 3), ("b", 2), (None, 1)]



def test_by_one_text_dimension_sorts_every_label_alike():
    """by() of one text dimension: every label a group (its remembered order) or only some (the general sort)."""
    fs = factors()
    sites = ("s10", "s2", "S1", "s1")  # the columns' order, not the sorted one: S1, s1, s10, s2
    inv = nc.Inventory.from_columns(activity=["electricity.grid"] * 4, region="XA", year=2024, unit="MWh",
                                    quantity=[1.0, 2.0, 3.0, 4.0], scope=2,
                                    site=(np.array([0, 1, 2, 3], np.int32), sites))
    t = inv.emissions(fs).by("site")
    assert t["site"] == ["S1", "s1", "s10", "s2"]
    assert t["co2e_t"].tolist() == [1.5, 2.0, 0.5, 1.0]
    some = nc.Inventory.from_columns(activity=["electricity.grid"] * 3, region="XA", year=2024, unit="MWh",
                                     quantity=[1.0, 2.0, 3.0], scope=2,
                                     site=(np.array([0, 1, 3], np.int32), sites)).emissions(fs).by("site")
    assert some["site"] == ["s1", "s10", "s2"] and some["co2e_t"].tolist() == [1.5, 0.5, 1.0]

def test_emissions_arrays_are_private_and_the_method_set_is_public():
    res = inventory().emissions(factors())
    for name in ("key_inverse", "key_factor", "key_gas_t", "key_co2e", "resolution", "triple_of_key",
                 "triple_labels", "gwp_weights"):
        assert not hasattr(res, name), name
    np.testing.assert_allclose(res.row_mass("CO2"), [50.0, 2.0, 4.0, 2.0])
    np.testing.assert_allclose(res.row_mass("CH4"), [0.0, 0.01, 0.02, 0.0])
    keys = res.keys()
    assert len(keys) == len(set(zip(keys.activity, keys.unit))) == 2
    grid = keys.activity.index("electricity.grid")
    assert keys.unit[grid] == "MWh" and keys.quantity[grid] == 104.0 and keys.rows[grid] == 2
    assert keys.rates[grid, res.gases.index("CO2")] == 0.5
    with pytest.raises(ValueError):
        keys.rates[0, 0] = 1.0  # read-only
    doubled = res.with_rates(res.gases, keys.rates * 2, scope2_method="market")
    assert doubled.total() == pytest.approx(2 * 58.84) and doubled.scope2_method == "market"
    with pytest.raises(nc.InputError, match="shape"):
        res.with_rates(res.gases, keys.rates[:1], scope2_method="market")


def test_kernel_takes_only_a_factorset():
    inv = inventory()
    with pytest.raises(nc.InputError, match="needs a FactorSet"):
        kernel.compute(inv, "vietnam")  # type: ignore[arg-type]
    assert kernel.compute(inv, factors()).total() == pytest.approx(58.84)
    assert not hasattr(kernel, "_as_factorset")


def test_names_and_paths_are_resolved_by_the_registry(tmp_path):
    fs = factors()
    assert factorsource.as_factorset(fs) is fs
    path = tmp_path / "f.csv"
    path.write_text(
        "activity,region,year,unit,gas,value,publisher,document,source_year\n"
        "electricity.grid,XA,2024,t/MWh,CO2,0.5,Example,hand-worked boundary example,2024\n",
        encoding="utf-8",
    )
    assert nc.registry.resolve_factors(str(path)).values.tolist() == [[0.5]]
    inv = nc.Inventory([nc.Activity("electricity.grid", 100, "MWh", region="XA", year=2024, scope=2)])
    assert inv.emissions(path).total() == pytest.approx(50.0)
    with pytest.raises(nc.InputError):
        nc.registry.resolve_factors(42)  # type: ignore[arg-type]


def test_without_a_resolver_a_name_is_a_typed_error(monkeypatch):
    monkeypatch.setattr(factorsource, "_resolver", [])
    with pytest.raises(nc.InputError, match="no resolver") as info:
        inventory().emissions("vietnam")
    assert info.value.column == "factors"
    assert inventory().emissions(factors()).total() == pytest.approx(58.84)  # a FactorSet needs none


def test_scope2_method_spellings_go_through_basis():
    inv, fs = inventory().where(scope=[1, 2]), factors()
    for spelling in ("market", "Market-based", "market_based"):
        assert inv.emissions(fs, scope2=spelling).scope2_method == "market"
    with pytest.raises(nc.InputError, match="'location' or 'market'"):
        inv.emissions(fs, scope2="marginal")
    with pytest.raises(nc.InputError):
        attrs.evolve(inv.emissions(fs), scope2_method="residual")


def test_dual_report_totals_are_floats():
    inv = nc.Inventory([nc.Activity("electricity.grid", 100, "MWh", region="XA", year=2024, scope=2)])
    rec = nc.ContractualInstrument("REC", 40, market="XA", vintage=2024, retired_for="Acme")
    res = inv.emissions(factors(), scope2="market", instruments=[rec], entity="Acme")
    # 60 MWh left at the grid average (no residual mix): 60 x 0.5 = 30 t; location: 100 x 0.5 = 50 t
    assert type(res.scope2.market_total()) is float and res.scope2.market_total() == pytest.approx(30.0)
    assert type(res.scope2.location_total()) is float and res.scope2.location_total() == pytest.approx(50.0)
    assert res.total() == pytest.approx(30.0)


def _trajectory() -> nc.Trajectory:
    t = nc.Trajectory({"year": [2024, 2025], "scope1": np.array([1.0, 1.0]), "scope2_location": np.array([5.0, 4.0]),
                       "scope2_market": np.array([2.0, 1.0]), "scope3": np.array([0.0, 0.0]),
                       "total_location": np.array([6.0, 5.0]), "total_market": np.array([3.0, 2.0]),
                       "captured_t": np.zeros(2), "removals_t": np.zeros(2)}, title="t")
    return t


def test_plot_trajectory_reads_the_basis_with_scope2_method():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from neutralcore.plotting import plot_trajectory

    ax = plot_trajectory(_trajectory(), basis="Location-based")  # drew the market-based column before
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "scope 2 (location-based)" in labels
    with pytest.raises(nc.InputError):
        plot_trajectory(_trajectory(), basis="residual")
    plt.close("all")


def test_trajectory_total_and_scenario_year_use_the_one_vocabulary():
    t = _trajectory()
    np.testing.assert_allclose(t.total("market_based"), [3.0, 2.0])
    with pytest.raises(nc.InputError):
        t.total("marginal")
    with pytest.raises(nc.InputError):
        nc.Target.sbti(2020, 100.0, 2030, scope2="marginal")
    assert nc.Target.sbti(2020, 100.0, 2030, scope2="Market-based").scope2 == "market"


def test_gases_come_in_one_fixed_order_whatever_the_factor_files_say():
    fs = nc.FactorSet.from_factors([nc.Factor("fuel.gas", "XA", 2024, "t/MWh", {"N2O": 0.0001, "CH4": 0.001, "CO2": 0.2},
                                              SRC)])
    assert fs.gases == ("N2O", "CH4", "CO2")
    res = nc.Inventory([nc.Activity("fuel.gas", 10, "MWh", region="XA", year=2024, scope=1)]).emissions(fs)
    assert res.gases == ("CO2", "CH4", "N2O")
    table = res.per_gas()
    assert table["gas"] == ["CO2", "CH4", "N2O"]
    # 10 MWh: CO2 2 t; CH4 0.01 t x 28 = 0.28; N2O 0.001 t x 265 = 0.265 (AR5)
    np.testing.assert_allclose(table["co2e_t"], [2.0, 0.28, 0.265])
    assert res.by("scope").columns == ("scope", "co2e_t", "CO2_t", "CH4_t", "N2O_t")
    keys = res.keys()
    swapped = res.with_rates(("N2O", "CO2", "CH4"), keys.rates[:, [2, 0, 1]], scope2_method="location")
    assert swapped.gases == res.gases and swapped.total() == pytest.approx(res.total())


def test_claim_reads_the_scope2_method_when_both_figures_agree():
    """No instruments and no residual mix: market = location, so only ``scope2_method`` can say which it is
    (it was read from the now private per-key array before)."""
    from neutralcore.claim import Balance
    from neutralcore.offsets import Period

    inv = nc.Inventory([nc.Activity("electricity.grid", 100, "MWh", region="XA", year=2024, scope=2)])
    res = inv.emissions(factors(), scope2="market")
    assert res.scope2.market_total() == res.scope2.location_total() == pytest.approx(50.0)
    b = Balance.from_emissions(res, subject="Acme", subject_type="organisation", period=Period.year(2024))
    assert b.scope2_basis == "market" and b.E == pytest.approx(50.0)
