"""The compiled row passes (neutralcore[fast], numba) give the numpy path's figures (1e-12), end to end."""

from __future__ import annotations

import numpy as np
import pytest

import neutralcore as nc
from factors_fixture import published_factors
from neutralcore.measure.rowpass import ENV

pytest.importorskip("numba")

GROUPINGS = [("scope",), ("site",), ("scope", "site"), ("activity", "unit"), ("year",)]


def _inventory(n: int = 3000) -> nc.Inventory:
    rng = np.random.default_rng(15)
    kinds = [("electricity.grid", "MWh", 2), ("electricity.grid", "kWh", 2), ("fuel.diesel.stationary", "L", 1),
             ("fuel.diesel.stationary", "kg", 1), ("fuel.lpg.stationary", "kg", 1)]
    pick = rng.integers(0, len(kinds), n)
    return nc.Inventory.from_columns(
        activity=[kinds[i][0] for i in pick], unit=[kinds[i][1] for i in pick], scope=[kinds[i][2] for i in pick],
        quantity=rng.uniform(0, 5000, n), region="VN", year=rng.integers(2022, 2024, n),
        site=[f"site-{i}" for i in rng.integers(0, 40, n)],
    )


def _figures(monkeypatch: pytest.MonkeyPatch, backend: str) -> tuple:
    monkeypatch.setenv(ENV, backend)
    res = _inventory().emissions(published_factors())
    tables = res.by_many(GROUPINGS)
    return (res.total(), [res.total(g) for g in res.gases], res.by_scope(), np.asarray(res.per_gas()["mass_t"]),
            [{c: t[c] for c in t.columns} for t in tables], res.keys().rows.tolist())


def test_numba_and_numpy_agree(monkeypatch):
    fast, slow = _figures(monkeypatch, "numba"), _figures(monkeypatch, "numpy")
    assert fast[0] == pytest.approx(slow[0], rel=1e-12)
    np.testing.assert_allclose(fast[1], slow[1], rtol=1e-12)
    assert fast[2].keys() == slow[2].keys()
    for s in fast[2]:
        assert fast[2][s] == pytest.approx(slow[2][s], rel=1e-12)
    np.testing.assert_allclose(fast[3], slow[3], rtol=1e-12)
    for a, b in zip(fast[4], slow[4]):
        assert a.keys() == b.keys()
        for c in a:
            if isinstance(a[c], np.ndarray):
                np.testing.assert_allclose(a[c], b[c], rtol=1e-12, atol=1e-12)
            else:
                assert a[c] == b[c]
    assert fast[5] == slow[5]


def test_numba_is_the_default_when_installed(monkeypatch):
    from neutralcore.measure.rowpass import backend

    monkeypatch.delenv(ENV, raising=False)
    assert backend() == "numba"


def test_backends_agree_when_one_accumulator_would_take_every_row(monkeypatch):
    """A 1e16 MWh row, then 199,999 rows of 1 MWh, all one key and one scope: a single float accumulator loses
    or gains about 0.34 t per row after the first (the grid factor's 0.6592 t is below half an ulp of the sum),
    a relative error near 1e-11; summed chunk by chunk as numpy does, both backends give the same figures."""
    n = 200_000
    q = np.ones(n)
    q[0] = 1e16
    inv = nc.Inventory.from_columns(activity="electricity.grid", unit="MWh", region="VN", year=2023, scope=2,
                                    quantity=q, site=np.where(np.arange(n) % 2 == 0, "a", "b"))
    fs = published_factors()
    got = {}
    for backend in ("numpy", "numba"):
        monkeypatch.setenv(ENV, backend)
        plain = inv.take(np.arange(n)).emissions(fs)
        planned = inv.take(np.arange(n)).emissions(fs, by=[("scope",), ("site",)])
        got[backend] = (plain.total(), plain.by("scope")["co2e_t"][0], plain.by("site")["co2e_t"].tolist(),
                        planned.total(), planned.by("scope")["co2e_t"][0], planned.by("site")["co2e_t"].tolist())
    for a, b in zip(got["numba"], got["numpy"]):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=0)
