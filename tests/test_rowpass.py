"""The row passes (measure.rowpass): hand-worked sums, agreement with a naive loop, both backends, chunking."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neutralcore as nc
from neutralcore.measure import rowpass
from neutralcore.measure.rowpass import ENV, group_sums, key_sums

BACKENDS = ["numpy", pytest.param("numba", marks=pytest.mark.skipif(
    importlib.util.find_spec("numba") is None, reason="needs neutralcore[fast]"))]


@pytest.fixture(params=BACKENDS)
def backend(request, monkeypatch):
    monkeypatch.setenv(ENV, request.param)
    return request.param


def test_hand_worked_sums(backend):
    # keys 0, 1, 1, 2, 0 with 1, 2, 3, 4, 5 units; rates (t CO2e, t CO2) per unit: key 0 (10, 9), key 1 (100, 90),
    # key 2 (0.5, 0.25).  Group A = rows 0, 1, 2; group B = rows 3, 4.
    code = np.array([0, 1, 1, 2, 0], dtype=np.int32)
    q = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    rates = np.array([[10.0, 9.0], [100.0, 90.0], [0.5, 0.25]])
    rows, qty = key_sums(code, q, 4)
    assert rows.tolist() == [2, 2, 1, 0] and rows.dtype == np.int64
    assert qty.tolist() == [6.0, 5.0, 4.0, 0.0]
    g = np.array([0, 0, 0, 1, 1], dtype=np.int8)
    by_group, by_key = group_sums(code, q, rates, [(g, 2), (code, 3)])
    # A: 1 x 10 + 2 x 100 + 3 x 100 = 510 (CO2 459); B: 4 x 0.5 + 5 x 10 = 52 (CO2 46)
    assert by_group.tolist() == [[510.0, 459.0], [52.0, 46.0]]
    assert by_key.tolist() == [[60.0, 54.0], [500.0, 450.0], [2.0, 1.0]]


def test_nothing_to_sum(backend):
    assert [s.shape for s in group_sums(np.zeros(0, np.int32), np.zeros(0), np.ones((1, 2)), [(np.zeros(0, np.int32), 3)])] \
        == [(3, 2)]
    assert group_sums(np.zeros(2, np.int32), np.ones(2), np.ones((1, 1)), []) == []


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 300_000), st.integers(1, 50), st.integers(1, 3), st.integers(1, 20_000), st.integers(0, 2**32 - 1))
def test_agrees_with_a_naive_sum_across_chunks(n, n_keys, m, n_groups, seed):
    rng = np.random.default_rng(seed)
    n = min(n, 5000) if seed % 4 else n  # a few cases long enough to span many chunks
    code = rng.integers(0, n_keys, n).astype(np.int32)
    q = rng.uniform(0, 1000, n)
    rates = rng.uniform(0, 10, (n_keys, m))
    g = rng.integers(0, n_groups, n).astype(np.int16 if n_groups < 2**15 else np.int32)
    want = np.zeros((n_groups, m))
    np.add.at(want, g, q[:, None] * rates[code])
    want_rows = np.bincount(code, minlength=n_keys)
    for name in [b if isinstance(b, str) else b.values[0] for b in BACKENDS]:
        if name == "numba" and importlib.util.find_spec("numba") is None:
            continue
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv(ENV, name)
            (got,) = group_sums(code, q, rates, [(g, n_groups)])
            rows, qty = key_sums(code, q, n_keys)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-9)
        assert rows.tolist() == want_rows.tolist()
        np.testing.assert_allclose(qty, np.bincount(code, weights=q, minlength=n_keys), rtol=1e-12)


def test_backend_choice(monkeypatch):
    monkeypatch.setenv(ENV, "numpy")
    assert rowpass.backend() == "numpy"
    monkeypatch.setenv(ENV, " NumPy ")
    assert rowpass.backend() == "numpy"
    monkeypatch.setenv(ENV, "fortran")
    with pytest.raises(nc.InputError, match="NEUTRALCORE_KERNEL='fortran' is not a kernel backend"):
        rowpass.backend()
    monkeypatch.setattr(rowpass, "_numba_available", lambda: False)
    monkeypatch.setenv(ENV, "numba")
    with pytest.raises(nc.errors.MissingDependencyError, match=r"neutralcore\[fast\]"):
        rowpass.backend()
    monkeypatch.delenv(ENV)
    assert rowpass.backend() == "numpy"  # the default without numba
    monkeypatch.setattr(rowpass, "_numba_available", lambda: True)
    assert rowpass.backend() == "numba"  # the default with it
    assert rowpass.backend(rowpass.FAST_MIN_ROWS) == "numba"
    assert rowpass.backend(rowpass.FAST_MIN_ROWS - 1) == "numpy"  # a short pass does not even import numba
    monkeypatch.setenv(ENV, "numba")
    assert rowpass.backend(10) == "numba"  # forced: every pass
