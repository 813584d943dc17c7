"""Groupings asked for up front (``Inventory.emissions(..., by=...)``) are summed in the one pass over the rows
that codes them, on both backends, with the figures and the errors of the usual path."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

import neutralcore as nc
import neutralcore.measure.emissions as emissions_module
from factors_fixture import published_factors
from neutralcore.measure.rowpass import ENV

BACKENDS = ["numpy"] + (["numba"] if importlib.util.find_spec("numba") else [])
GROUPINGS = [("scope",), ("site",), ("scope", "site"), ("activity", "unit"), ("year",), ("region",)]


def _inventory(n: int = 3000, **extra: object) -> nc.Inventory:
    rng = np.random.default_rng(15)
    kinds = [("electricity.grid", "MWh", 2), ("electricity.grid", "kWh", 2), ("fuel.diesel.stationary", "L", 1),
             ("fuel.diesel.stationary", "kg", 1), ("fuel.lpg.stationary", "kg", 1)]
    pick = rng.integers(0, len(kinds), n)
    cols: dict = dict(
        activity=[kinds[i][0] for i in pick], unit=[kinds[i][1] for i in pick], scope=[kinds[i][2] for i in pick],
        quantity=rng.uniform(0, 5000, n), region="VN", year=rng.integers(2022, 2024, n),
        site=[f"site-{i}" for i in rng.integers(0, 40, n)],
    )
    cols.update(extra)
    return nc.Inventory.from_columns(**cols)


def _count_passes(monkeypatch: pytest.MonkeyPatch, calls: list, fail: bool = False) -> None:
    """Record (or refuse) each pass a result makes over the rows for groupings asked for later: over the rows'
    key codes (group_sums) or, while no code per row is kept, over the key columns (fused_pass)."""
    for name in ("group_sums", "fused_pass"):
        real = getattr(emissions_module, name)

        def counted(*args: object, _real=real, **kw: object):
            if fail:
                raise AssertionError("a second pass over the rows")
            calls.append(1)
            return _real(*args, **kw)

        monkeypatch.setattr(emissions_module, name, counted)


def _tables(res: nc.Emissions, gases: bool) -> list[dict]:
    return [{c: t[c] for c in t.columns} for t in res.by_many(GROUPINGS, gases=gases)]


def _same(a: list[dict], b: list[dict]) -> None:
    for x, y in zip(a, b):
        assert list(x) == list(y)
        for c in x:
            if isinstance(x[c], np.ndarray):
                np.testing.assert_allclose(x[c], y[c], rtol=1e-12, atol=1e-12)
            else:
                assert x[c] == y[c]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("gases", [False, True])
def test_planned_groupings_give_the_tables_of_by_many(monkeypatch, backend, gases):
    monkeypatch.setenv(ENV, backend)
    fs = published_factors()
    plain = _inventory().emissions(fs)
    planned = _inventory().emissions(fs, by=GROUPINGS, by_gases=gases)
    assert planned.total() == pytest.approx(plain.total(), rel=1e-12)
    assert planned.gases == plain.gases
    _same(_tables(planned, gases), _tables(plain, gases))
    # what the pass did not sum is summed on demand, the same as before
    for g in plain.gases:
        assert planned.total(g) == pytest.approx(plain.total(g), rel=1e-12)
    np.testing.assert_allclose(planned.per_gas()["mass_t"], plain.per_gas()["mass_t"], rtol=1e-12)
    assert planned.keys().rows.tolist() == plain.keys().rows.tolist()
    assert planned.by_scope() == pytest.approx(plain.by_scope(), rel=1e-12)


@pytest.mark.parametrize("backend", BACKENDS)
def test_planned_groupings_need_no_second_pass(monkeypatch, backend):
    monkeypatch.setenv(ENV, backend)
    res = _inventory().emissions(published_factors(), by=GROUPINGS, by_gases=True)

    _count_passes(monkeypatch, [], fail=True)
    res.by_many(GROUPINGS)  # with the gases
    res.by_many(GROUPINGS, gases=False)  # CO2e columns of the same sums
    res.by("scope", "site")
    with pytest.raises(AssertionError, match="second pass"):
        res.by("category")  # not planned: one pass when asked


@pytest.mark.parametrize("backend", BACKENDS)
def test_hand_worked_figures_through_the_planned_pass(monkeypatch, backend):
    """1,200 MWh x 0.6592 t/MWh = 791.04 t (site a); 15,000 L diesel = 40.25506178 t CO2e AR5 (site b)."""
    monkeypatch.setenv(ENV, backend)
    inv = nc.Inventory([nc.Activity("electricity.grid", 1200, "MWh", region="VN", year=2023, scope=2, site="a"),
                        nc.Activity("fuel.diesel.stationary", 15_000, "L", region="VN", year=2023, scope=1, site="b")])
    res = inv.emissions(published_factors(), gwp="AR5", by=[("site",)], by_gases=True)
    diesel = 40.12348275 + 0.0016244325 * 28 + 0.0003248865 * 265
    t = res.by("site")
    np.testing.assert_allclose(t["co2e_t"], [791.04, diesel], rtol=1e-12)
    np.testing.assert_allclose(t["CO2_t"], [791.04, 40.12348275], rtol=1e-12)
    assert res.total() == pytest.approx(791.04 + diesel, rel=1e-12)


@pytest.mark.parametrize("backend", BACKENDS)
def test_planned_pass_raises_what_the_usual_path_raises(monkeypatch, backend):
    monkeypatch.setenv(ENV, backend)
    fs = published_factors()
    n = 3000
    bad_unit = _inventory(unit=["kg"] + ["MWh"] * (n - 1), activity=["electricity.grid"] * n)
    with pytest.raises(nc.DimensionError) as err:
        bad_unit.emissions(fs, by=[("scope",)])
    assert err.value.rows == [0]
    no_factor = _inventory(activity=["electricity.grid"] * (n - 1) + ["fuel.unheard.of"],
                           unit=["MWh"] * n)
    with pytest.raises(nc.FactorNotFoundError) as err2:
        no_factor.emissions(fs, by=[("scope",)])
    assert err2.value.rows == [n - 1]
    huge = _inventory(quantity=np.full(n, 1e306), activity=["electricity.grid"] * n, unit=["MWh"] * n)
    with pytest.raises(nc.InvalidQuantityError, match="overflow"):
        huge.emissions(fs, by=[("scope",)])
    with pytest.raises(nc.FallbackError):
        _inventory(year=np.full(n, 2030)).emissions(fs, strict=True, by=[("scope",)])
    with pytest.raises(nc.InputError, match="cannot group by"):
        _inventory().emissions(fs, by=[("colour",)])


@pytest.mark.parametrize("backend", BACKENDS)
def test_planned_pass_on_a_large_inventory_matches_the_other_backend(monkeypatch, backend):
    """40,000 rows: the numba loop itself (above FAST_MIN_ROWS) against numpy's figures."""
    fs = published_factors()
    monkeypatch.setenv(ENV, "numpy")
    ref = _inventory(40_000).emissions(fs)
    want = _tables(ref, True)
    monkeypatch.setenv(ENV, backend)
    got = _inventory(40_000).emissions(fs, by=GROUPINGS)
    assert got.total() == pytest.approx(ref.total(), rel=1e-12)
    _same(_tables(got, True), want)


@pytest.mark.parametrize("codes_kept", [False, True])
def test_planned_groupings_on_rows_read_before_take_one_pass(monkeypatch, codes_kept):
    import neutralcore.measure.kernel as kernel

    inv = _inventory()
    fs = published_factors()
    first = inv.emissions(fs)
    want = _tables(first, True)  # one pass when asked
    if codes_kept:
        first.row_keys()  # each row's key code combined and kept
    calls: list = []
    kernel_calls: list = []
    _count_passes(monkeypatch, calls)
    real = kernel.fused_pass
    monkeypatch.setattr(kernel, "fused_pass", lambda *a, **k: kernel_calls.append(1) or real(*a, **k))
    again = inv.emissions(fs, by=GROUPINGS)
    assert kernel_calls == [1] and calls == []  # the job's own pass sums them
    _same(_tables(again, True), want)
    assert kernel_calls == [1] and calls == []


def test_by_must_be_a_list_of_groupings():
    with pytest.raises(nc.InputError, match="list of groupings"):
        _inventory().emissions(published_factors(), by="scope")  # type: ignore[arg-type]
