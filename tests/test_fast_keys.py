"""The compiled per-key conversion of the dense key space (neutralcore[fast]) gives the numpy path's rates.

A job with groupings asked up front rates every key of the dense space before the rows are read; with numba that
is one compiled loop for the unit multipliers and fuel-property bridges and one for the gas and CO2e rates.  The
factors here are synthetic (a test of arithmetic, not of published values): a liquid fuel with density and net
calorific value, a gas on a gross basis with only its gross calorific value, and electricity.
"""

from __future__ import annotations

import numpy as np
import pytest

import neutralcore as nc
from neutralcore.measure.rowpass import ENV

pytest.importorskip("numba")

SRC = nc.Source("neutralcore tests", "synthetic factors", 2026)
GROUPINGS = [("scope",), ("site",), ("activity", "unit")]


def _factors() -> nc.FactorSet:
    liquid = dict(ncv=nc.FuelProperty("ncv", 43.0, "TJ/Gg", SRC), density=nc.FuelProperty("density", 840, "kg/m^3", SRC))
    gas = dict(gcv=nc.FuelProperty("gcv", 52.0, "MJ/kg", SRC), energy_basis="gcv")
    return nc.FactorSet.from_factors([
        nc.Factor("fuel.liquid", "VN", 2023, "kg/TJ", {"CO2": 74100.0, "CH4": 3.0, "N2O": 0.6}, SRC, **liquid),
        nc.Factor("fuel.liquid", "VN", 2024, "kg/TJ", {"CO2": 74000.0, "CH4": 3.0, "N2O": 0.6}, SRC, **liquid),
        nc.Factor("fuel.gas", "VN", 2023, "kg/GJ", {"CO2": 56.1, "CH4": 0.001}, SRC, **gas),
        nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, SRC),
    ])


KINDS = [("fuel.liquid", "L", 1), ("fuel.liquid", "kg", 1), ("fuel.liquid", "t", 1), ("fuel.liquid", "GJ", 1),
         ("fuel.liquid", "m^3", 1), ("fuel.gas", "kg", 1), ("fuel.gas", "GJ", 1), ("fuel.gas", "kWh", 1),
         ("electricity.grid", "kWh", 2), ("electricity.grid", "MWh", 2)]


def _inventory(n: int, kinds: list[tuple[str, str, int]] = KINDS) -> nc.Inventory:
    rng = np.random.default_rng(7)
    pick = rng.integers(0, len(kinds), n)
    return nc.Inventory.from_columns(
        activity=[kinds[i][0] for i in pick], unit=[kinds[i][1] for i in pick], scope=[kinds[i][2] for i in pick],
        quantity=rng.uniform(0, 5000, n), region="VN", year=np.where(pick < 2, 2024, 2023),
        site=[f"site-{i}" for i in rng.integers(0, 30, n)],
    )


def _figures(monkeypatch: pytest.MonkeyPatch, backend: str, gases: bool) -> tuple:
    monkeypatch.setenv(ENV, backend)
    res = _inventory(4000).emissions(_factors(), by=GROUPINGS, by_gases=gases)
    tables = res.by_many(GROUPINGS, gases=gases)
    return res.total(), [res.total(g) for g in res.gases], [{c: t[c] for c in t.columns} for t in tables]


@pytest.mark.parametrize("gases", [False, True])
def test_compiled_key_rates_equal_numpy(monkeypatch, gases):
    from neutralcore.measure import _fast

    calls = []
    for name in ("grid_multipliers", "grid_rates"):
        def spy(*args, _f=getattr(_fast, name), _n=name):
            calls.append(_n)
            return _f(*args)
        monkeypatch.setattr(_fast, name, spy)
    fast = _figures(monkeypatch, "numba", gases)
    assert sorted(set(calls)) == ["grid_multipliers", "grid_rates"]  # the compiled loops ran
    slow = _figures(monkeypatch, "numpy", gases)
    assert len(calls) == 2  # and only on numba
    assert fast[0] == pytest.approx(slow[0], rel=1e-12)
    np.testing.assert_allclose(fast[1], slow[1], rtol=1e-12)
    for a, b in zip(fast[2], slow[2]):
        assert a.keys() == b.keys()
        for c in a:
            if isinstance(a[c], np.ndarray):
                np.testing.assert_allclose(a[c], b[c], rtol=1e-12, atol=0)
            else:
                assert a[c] == b[c]


def test_key_gas_table_built_when_read_equals_numpy(monkeypatch):
    # with numba the dense keys' gas table (keys x gases) is built only when something reads it: the same
    # rates as the numpy path's table, 0 for the keys no row uses, and never built by the job itself
    from neutralcore.measure import kernel

    built = []
    real = kernel._KeyGases.__call__

    def spy(self):
        built.append(True)
        return real(self)

    monkeypatch.setattr(kernel._KeyGases, "__call__", spy)
    got = {}
    for backend in ("numba", "numpy"):
        monkeypatch.setenv(ENV, backend)
        res = _inventory(4000).emissions(_factors(), by=GROUPINGS, by_gases=False)
        before = len(built)
        res.by("scope", gases=False), res.total()
        assert len(built) == before  # the job, its CO2e tables and its total read no per-key gas
        keys = res.keys()
        got[backend] = (keys.rates, keys.rows, [res.total(g) for g in res.gases])
    assert built == [True]  # numba's table, built once, when keys() read it
    rates, rows, totals = got["numba"]
    np.testing.assert_allclose(rates, got["numpy"][0], rtol=1e-12, atol=0)
    assert (rates[rows == 0] == 0).all() and (rates[rows > 0] > 0).any()
    np.testing.assert_allclose(totals, got["numpy"][2], rtol=1e-12)


def test_compiled_key_rates_by_hand(monkeypatch):
    # 1,000 L of the liquid fuel in 2024: 1 m^3 x 840 kg/m^3 x 43 TJ/Gg = 0.03612 TJ;
    # (74000 + 28 x 3 + 265 x 0.6) = 74,243 kg/TJ (AR5) x 0.03612 TJ = 2,681.65716 kg CO2e
    monkeypatch.setenv(ENV, "numba")
    inv = nc.Inventory.from_columns(activity=["fuel.liquid"], unit=["L"], quantity=[1000.0], region="VN",
                                    year=[2024], scope=[1], site=["a"])
    res = inv.emissions(_factors(), gwp="AR5", by=[("site",)])
    assert res.total() == pytest.approx(2.68165716, rel=1e-12)
    # 100 kg of the gas, 52 MJ/kg gross = 5.2 GJ; (56.1 + 28 x 0.001) kg/GJ x 5.2 GJ = 291.8656 kg CO2e
    inv = nc.Inventory.from_columns(activity=["fuel.gas"], unit=["kg"], quantity=[100.0], region="VN",
                                    year=[2023], scope=[1], site=["a"])
    assert inv.emissions(_factors(), gwp="AR5", by=[("site",)]).total() == pytest.approx(0.2918656, rel=1e-12)


@pytest.mark.parametrize("unit, error", [("L", nc.NeutralcoreError), ("m", nc.NeutralcoreError)])
def test_compiled_key_problems_raise_as_numpy(monkeypatch, unit, error):
    # the gas has no density (L cannot reach its energy) and no unit of length reaches a factor per GJ
    kinds = KINDS + [("fuel.gas", unit, 1)]
    messages = []
    for backend in ("numba", "numpy"):
        monkeypatch.setenv(ENV, backend)
        with pytest.raises(error) as info:
            _inventory(500, kinds).emissions(_factors(), by=GROUPINGS)
        messages.append((type(info.value), str(info.value)))
    assert messages[0] == messages[1]
    assert "fuel.gas" in messages[0][1]


def test_a_spend_pair_takes_the_general_path(monkeypatch):
    # 1,000 EUR spent in 2023 at 0.9248 EUR per USD and a price index 100 (2018) / 118 (2023), against 0.5 kg CO2
    # per USD at 2018 prices (test inputs, not published figures): 1,000 / 0.9248 x 100 / 118 x 0.5 kg
    # = 458.1842705 kg; beside 2 MWh of electricity at 0.6592 t/MWh = 1.3184 t
    src = nc.Source("neutralcore tests", "hand-worked rates", 2024)
    fs = nc.FactorSet.from_factors([
        nc.Factor("purchased.goods", "VN", 2023, "kg/USD", {"CO2": 0.5}, src, price_year=2018),
        nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, src)])
    rates = nc.ExchangeRates.from_rows([(2023, "USD", "EUR", 0.9248, src)])
    prices = nc.PriceIndex.from_rows([("USD", 2018, 100.0, src), ("USD", 2023, 118.0, src)])
    inv = nc.Inventory.from_columns(activity=["purchased.goods", "electricity.grid"], unit=["EUR", "MWh"],
                                    quantity=[1000.0, 2.0], region="VN", year=[2023, 2023], scope=[3, 2],
                                    site=["a", "b"])
    totals = []
    for backend in ("numba", "numpy"):
        monkeypatch.setenv(ENV, backend)
        totals.append(inv.emissions(fs, rates=rates, prices=prices, by=[("site",)]).by("site")["co2e_t"].tolist())
    assert totals[0] == totals[1]
    assert totals[0] == pytest.approx([0.4581842705, 1.3184], rel=1e-9)


def test_per_gas_pass_reads_factored_rates(monkeypatch):
    # CO2e and three gases on the dense space: the compiled pass works each row's rates out of its key's scale
    # and its triple's gases, and gives the numpy path's figures
    from neutralcore.measure import _fast

    seen = []

    def spy(*args, _f=_fast.fused_pass, **kw):
        seen.append(args[-1] if len(args) > 13 else kw.get("factored"))
        return _f(*args, **kw)

    monkeypatch.setattr(_fast, "fused_pass", spy)
    fast = _figures(monkeypatch, "numba", True)
    assert seen and seen[0] is not None and seen[0][1].shape[1] == 3
    slow = _figures(monkeypatch, "numpy", True)
    assert fast[0] == pytest.approx(slow[0], rel=1e-12)
    for a, b in zip(fast[2], slow[2]):
        for c in a:
            if isinstance(a[c], np.ndarray):
                np.testing.assert_allclose(a[c], b[c], rtol=1e-12, atol=0)


@pytest.mark.parametrize("backend", ["numba", "numpy"])
@pytest.mark.parametrize("remapped", [False, True])
def test_fused_pass_factored_equals_its_table(monkeypatch, backend, remapped):
    from neutralcore.measure.rowpass import fused_pass

    monkeypatch.setenv(ENV, backend)
    rng = np.random.default_rng(3)
    n, sizes, offsets = 5000, (3, 2, 4, 5), (0, 0, 2020, 0)
    cols = [rng.integers(0, 3, n, dtype=np.int8), rng.integers(0, 2, n, dtype=np.int16),
            rng.integers(2020, 2024, n, dtype=np.int32), rng.integers(0, 5, n, dtype=np.int64)]
    q = rng.uniform(0, 100, n)
    n_tri, keys = 3 * 2 * 4, 3 * 2 * 4 * 5
    scale, per_t, w = rng.uniform(0, 2, keys), rng.uniform(0, 1, (n_tri, 3)), np.array([1.0, 28.0, 265.0])
    gas = scale[:, None] * np.repeat(per_t, 5, axis=0)
    table = np.column_stack([gas[:, 0] * w[0] + gas[:, 1] * w[1] + gas[:, 2] * w[2], gas])
    groups = [(rng.integers(0, 7, n, dtype=np.int32), 7), (rng.integers(0, 3, n, dtype=np.uint8), 3)]
    remap = [np.array([2, 0, 1]), None, None, None, None, None] if remapped else None
    a = fused_pass(cols, sizes, offsets, q, keys, table, groups, remap=remap)
    b = fused_pass(cols, sizes, offsets, q, keys, None, groups, remap=remap, factored=(scale, per_t, w))
    assert a[0].tolist() == b[0].tolist()
    assert b[1] == pytest.approx(a[1], rel=1e-12)
    for x, y in zip(a[2], b[2]):
        np.testing.assert_allclose(y, x, rtol=1e-12, atol=0)


# -- any factor set: the compiled per-key loops and the numpy gathers agree, figures and errors alike ----------

from hypothesis import given, strategies as st  # noqa: E402

_PER = {"t/MWh": {}, "kg/TJ": {}, "kg/GJ": {"energy_basis": "gcv"}, "kg/kg": {}, "kg/L": {}}
_PROPS = {"ncv": lambda v: nc.FuelProperty("ncv", v, "TJ/Gg", SRC),
          "gcv": lambda v: nc.FuelProperty("gcv", v, "MJ/kg", SRC),
          "density": lambda v: nc.FuelProperty("density", v, "kg/m^3", SRC)}
_UNITS = ("MWh", "kWh", "GJ", "TJ", "kg", "t", "L", "m^3", "km")


@st.composite
def _job(draw: st.DrawFn) -> tuple[nc.FactorSet, dict]:
    factors = []
    acts = [f"fuel.f{i}" for i in range(draw(st.integers(1, 4)))]
    for a in acts:
        per = draw(st.sampled_from(sorted(_PER)))
        props = {p: _PROPS[p](draw(st.floats(1.0, 1000.0))) for p in ("ncv", "gcv", "density") if draw(st.booleans())}
        if per == "kg/GJ":
            props.pop("ncv", None)  # a gross-basis factor bridges by its gross calorific value
        gases = {"CO2": draw(st.floats(0.1, 1e5))}
        if draw(st.booleans()):
            gases |= {"CH4": draw(st.floats(0.0, 10.0)), "N2O": draw(st.floats(0.0, 2.0))}
        for year in (2023, 2024):
            factors.append(nc.Factor(a, "VN", year, per, gases, SRC, **props, **_PER[per]))
    n = draw(st.integers(1, 60))
    rows = dict(activity=[draw(st.sampled_from(acts)) for _ in range(n)],
                unit=[draw(st.sampled_from(_UNITS)) for _ in range(n)],
                quantity=[draw(st.floats(0.0, 1e4)) for _ in range(n)], region="VN",
                year=[draw(st.sampled_from((2023, 2024))) for _ in range(n)], scope=1,
                site=[draw(st.sampled_from("abc")) for _ in range(n)])
    return nc.FactorSet.from_factors(factors), rows


def _outcome(fs: nc.FactorSet, rows: dict, gases: bool) -> tuple:
    try:
        res = nc.Inventory.from_columns(**rows).emissions(fs, by=[("site",), ("unit",)], by_gases=gases)
    except nc.NeutralcoreError as exc:
        return type(exc), str(exc)
    tables = res.by_many([("site",), ("unit",)], gases=gases)
    return res.total(), res.gases, [{c: list(t[c]) for c in t.columns} for t in tables]


@given(_job(), st.booleans())
def test_any_factor_set_compiled_keys_equal_numpy(job, gases):
    fs, rows = job
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(ENV, "numba")
        fast = _outcome(fs, rows, gases)
        mp.setenv(ENV, "numpy")
        slow = _outcome(fs, rows, gases)
    if isinstance(fast[0], type):  # an error: the same one
        assert fast == slow
        return
    assert fast[0] == pytest.approx(slow[0], rel=1e-12, abs=1e-300)
    assert fast[1] == slow[1]
    for a, b in zip(fast[2], slow[2]):
        assert a.keys() == b.keys()
        for c in a:
            if c.endswith("_t"):
                assert a[c] == pytest.approx(b[c], rel=1e-12, abs=1e-300)
            else:
                assert a[c] == b[c]


@pytest.mark.parametrize("backend", ["numba", "numpy"])
def test_fused_pass_refuses_factored_rates_of_the_wrong_shape(monkeypatch, backend):
    from neutralcore.measure.rowpass import fused_pass

    monkeypatch.setenv(ENV, backend)
    cols = [np.zeros(4, np.int32)] * 4
    q = np.ones(4)
    groups = [(np.zeros(4, np.int32), 1)]
    good = (np.ones(10), np.ones((2, 3)), np.ones(3))  # 10 keys: 2 triples x 5 units
    fused_pass(cols, (1, 1, 2, 5), (0, 0, 0, 0), q, 10, None, groups, factored=good)
    for bad in [(np.ones(9), good[1], good[2]), (good[0], np.ones((2, 2)), np.ones(2)),
                (good[0], good[1], np.ones(4))]:
        with pytest.raises(nc.InputError, match="factored= takes") as info:
            fused_pass(cols, (1, 1, 2, 5), (0, 0, 0, 0), q, 10, None, groups, factored=bad)
        assert info.value.column == "factored"


@pytest.mark.parametrize("backend", ["numba", "numpy"])
def test_fuel_amounts_worked_out_once_per_factor_set(monkeypatch, backend):
    # the amounts each factor's fuel bridges by (density, NCV, GCV) are factor-side: a second job with the same
    # factor set reads them, a set derived from it (with_fallback) works them out afresh; the figures the same
    from neutralcore.measure import convert

    monkeypatch.setenv(ENV, backend)
    calls = []
    real = convert._amounts
    monkeypatch.setattr(convert, "_amounts", lambda *a: calls.append(len(a[1])) or real(*a))
    fs = _factors()
    first = _inventory(500).emissions(fs, by=GROUPINGS).total()
    again = _inventory(800).emissions(fs, by=GROUPINGS)
    assert calls == [len(fs)]  # once, for every factor of the set
    other = _inventory(500).emissions(fs.with_fallback("region"), by=GROUPINGS).total()
    assert calls == [len(fs)] * 2 and other == first
    # by hand: 1,000 L of the liquid fuel in 2024 (see test_compiled_key_rates_by_hand): 2.68165716 t CO2e
    one = nc.Inventory.from_columns(activity=["fuel.liquid"], unit=["L"], quantity=[1000.0], region="VN",
                                    year=[2024], scope=[1], site=["a"])
    assert one.emissions(fs, gwp="AR5", by=[("site",)]).total() == pytest.approx(2.68165716, rel=1e-12)
    assert again.total() > 0 and calls == [len(fs)] * 2


@pytest.mark.parametrize("n_gas", [1, 2, 3, 4])
def test_grid_rates_loop_gives_the_same_bits_for_any_number_of_gases(n_gas):
    """Each key's scale and CO2e (its gases weighted, added in gas order) from the compiled loop, whether the
    three-gas loop or the general one runs, equal the same arithmetic in Python to the bit; a key with a problem
    gets NaN and still its scale."""
    from neutralcore.measure import _fast

    rng = np.random.default_rng(n_gas)
    n_t, grid = 50, 7
    to_t = rng.uniform(0.1, 3.0, n_t)
    mult = rng.uniform(0.0, 2.0, n_t * grid)
    mult[::11] = -0.0
    per_t = rng.uniform(0.0, 1.0, (n_t, n_gas))
    weights = np.array([1.0, 27.9, 273.0, 0.5][:n_gas])
    reason = (rng.random(n_t * grid) < 0.3).astype(np.int8)
    co2e = np.empty(n_t * grid)
    scale = mult.copy()
    _fast._grid_rates_loop(to_t, scale, per_t, weights, reason, 0, co2e)
    for k in range(n_t * grid):
        t = k // grid
        s = float(to_t[t]) * float(mult[k])
        c = 0.0
        for g in range(n_gas):
            c += (s * float(per_t[t, g])) * float(weights[g])
        assert scale[k].tobytes() == np.float64(s).tobytes()
        assert np.isnan(co2e[k]) if reason[k] else co2e[k].tobytes() == np.float64(c).tobytes()
