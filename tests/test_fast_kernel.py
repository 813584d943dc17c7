"""The compiled row passes (neutralcore[fast], numba) give the numpy path's figures (1e-12), end to end."""

from __future__ import annotations

import functools
import math

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


# -- the fused pass over threads, blocks, code widths and remap tables (rowpass.fused_pass) ----------------------

from neutralcore.measure.rowpass import THREADS_ENV, fused_pass, thread_count  # noqa: E402

_SIZES, _OFFS = (5, 3, 3, 4), (0, 0, 2020, 0)


def _pass_inputs(n: int, seed: int = 7, narrow: bool = False) -> tuple:
    rng = np.random.default_rng(seed)
    types = (np.int8, np.uint16, np.int32, np.int64) if narrow else (np.int32,) * 4
    cols = [rng.integers(lo, lo + z, n).astype(t) for z, lo, t in zip(_SIZES, _OFFS, types)]
    q = rng.uniform(0, 10, n)
    rates = rng.uniform(0, 1, (180, 2))
    groups = [(rng.integers(0, 7, n).astype(np.int16 if narrow else np.int32), 7),
              (rng.integers(0, 1000, n).astype(np.int32), 1000)]
    return cols, q, rates, groups


def _run(monkeypatch: pytest.MonkeyPatch, backend: str, cols, q, rates, groups, **kw):  # type: ignore[no-untyped-def]
    monkeypatch.setenv(ENV, backend)
    return fused_pass(cols, _SIZES, _OFFS, q, 180, rates, groups, **kw)


@pytest.mark.parametrize("n", [65536 * 3 + 17, 65536 * 2, 65536 * 2 - 1, 65536 * 2 + 1])
def test_fused_pass_same_figures_on_one_and_two_threads(monkeypatch, n):
    """Blocks are fixed (65,536 rows here) and added in block order: 1 and 2 threads give the same bits, at
    ragged and exact block boundaries, and the numpy path's figures to 1e-12."""
    cols, q, rates, groups = _pass_inputs(n)
    one = _run(monkeypatch, "numba", cols, q, rates, groups, threads=1)
    two = _run(monkeypatch, "numba", cols, q, rates, groups, threads=2)
    slow = _run(monkeypatch, "numpy", cols, q, rates, groups)
    assert one[1] == two[1]
    assert (one[0] == two[0]).all() and (one[0] == slow[0]).all()
    for a, b, c in zip(one[2], two[2], slow[2]):
        assert np.array_equal(a, b)
        np.testing.assert_allclose(a, c, rtol=1e-12, atol=0)
    assert one[1] == pytest.approx(slow[1], rel=1e-12)
    # the hand-checkable figure: the total is the sum over rows of quantity times the key's rate
    k = (((cols[0] * 3 + cols[1]) * 3 + cols[2] - 2020) * 4 + cols[3]).astype(np.int64)
    assert one[1] == pytest.approx(float(np.sum(q * rates[k, 0])), rel=1e-12)


def test_threads_env(monkeypatch):
    monkeypatch.setenv(THREADS_ENV, "1")
    assert thread_count() == 1
    monkeypatch.setenv(THREADS_ENV, "two")
    with pytest.raises(nc.InputError, match=THREADS_ENV):
        thread_count()
    monkeypatch.setenv(THREADS_ENV, "0")
    with pytest.raises(nc.InputError, match=THREADS_ENV):
        thread_count()


def test_threads_default_every_core_and_at_most_numba_threads(monkeypatch):
    import os

    from neutralcore.measure import _fast

    monkeypatch.delenv(THREADS_ENV, raising=False)
    assert thread_count() == min(len(os.sched_getaffinity(0)), _fast.max_threads())
    monkeypatch.setenv(THREADS_ENV, "100000")
    assert thread_count() == _fast.max_threads()


@pytest.mark.parametrize("ng", [0, 1, 4, 5])
@pytest.mark.parametrize("columns", [1, 3, 4])
def test_fused_pass_any_number_of_groupings(monkeypatch, ng, columns):
    """0, 1, 4 and 5 groupings (four a pass: 5 takes two), CO2e only, with two gases or with three (a loop of
    its own): every grouping's sums are the rows' ``quantity * rates[key]`` summed by hand, and the total too,
    on one thread and two."""
    n = 65536 + 4321
    rng = np.random.default_rng(ng * 10 + columns)
    cols = [rng.integers(lo, lo + z, n).astype(np.int32) for z, lo in zip(_SIZES, _OFFS)]
    q = rng.uniform(0, 10, n)
    rates = rng.uniform(0, 1, (180, columns))
    sizes = [3, 50, 7, 1, 200][:ng]
    groups = [(rng.integers(0, z, n).astype(np.int32), z) for z in sizes]
    k = (((cols[0] * 3 + cols[1]) * 3 + cols[2] - 2020) * 4 + cols[3]).astype(np.int64)
    w = q[:, None] * rates[k]
    for threads in (1, 2):
        seen, total, sums = _run(monkeypatch, "numba", cols, q, rates, groups, threads=threads)
        assert total == pytest.approx(float(w[:, 0].sum()), rel=1e-12)
        assert seen.tolist() == np.isin(np.arange(180), k).tolist()
        assert len(sums) == ng
        for (g, z), got in zip(groups, sums):
            want = np.zeros((z, columns))
            np.add.at(want, g, w)
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)


@pytest.mark.parametrize("backend", ["numba", "numpy"])
def test_fused_pass_narrow_codes_and_remap(monkeypatch, backend):
    """int8/uint16/int32/int64 key codes and int16 group codes are read as they are; remap tables give the
    figures of the remapped columns, for key columns and groupings alike."""
    n = 70_001
    cols, q, rates, groups = _pass_inputs(n, narrow=True)
    # the frame's own activity codes run backwards, its grouping-0 codes hold 9 categories folded onto 7
    act_table = np.array([4, 3, 2, 1, 0], np.int8)
    g_table = np.array([0, 1, 2, 3, 4, 5, 6, 6, 0])
    native = [act_table.argsort()[cols[0]].astype(np.int8), *cols[1:]]
    rng = np.random.default_rng(3)
    g_native = rng.integers(0, 9, n).astype(np.int16)
    want = _run(monkeypatch, backend, [act_table[native[0]].astype(np.int32), *cols[1:]], q, rates,
                [(g_table[g_native], 7), groups[1]])
    got = _run(monkeypatch, backend, native, q, rates, [(g_native, 7), groups[1]],
               remap=[act_table, None, None, None, g_table, None], check=True)
    assert (got[0] == want[0]).all()
    assert got[1] == pytest.approx(want[1], rel=1e-12)
    for a, b in zip(got[2], want[2]):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("backend", ["numba", "numpy"])
def test_fused_pass_checks_name_the_first_bad_row(monkeypatch, backend):
    """The first bad row wins, across block boundaries; at that row the quantity is named before the codes."""
    n = 65536 * 2 + 5
    cols, q, rates, groups = _pass_inputs(n)
    bad_q = q.copy()
    bad_q[[65536 + 3, 100_000]] = [-1.0, np.nan]
    with pytest.raises(nc.InvalidQuantityError, match="negative") as exc:
        _run(monkeypatch, backend, cols, bad_q, rates, groups, check=True)
    assert exc.value.rows == [65539] and exc.value.column == "quantity"
    bad_site = groups[1][0].copy()
    bad_site[[70_000, 65_537]] = [1000, 1000]
    year = cols[2].copy()
    year[65_537] = 2019
    with pytest.raises(nc.SchemaError, match="outside 2020..2022") as exc:
        _run(monkeypatch, backend, [cols[0], cols[1], year, cols[3]], q, rates, [groups[0], (bad_site, 1000)],
             check=True, names=["qty", "a", "r", "y", "u", "scope", "site"])
    assert exc.value.rows == [65537] and exc.value.column == "y"
    # a native code outside its remap table is always refused (pandas codes a missing value -1)
    act = cols[0].copy()
    act[12] = -1
    with pytest.raises(nc.SchemaError, match="out of range of the 5 categories") as exc:
        _run(monkeypatch, backend, [act, *cols[1:]], q, rates, groups,
             remap=[np.arange(5), None, None, None, None, None])
    assert exc.value.rows == [12] and exc.value.column == "activity"
    # a remap entry with no label is refused only when a row uses it
    table = np.array([0, 1, 2, 3, -1])
    used = cols[0].copy()
    used[used == 4] = 3
    _run(monkeypatch, backend, [used, *cols[1:]], q, rates, groups, remap=[table, None, None, None, None, None])
    used[40] = 4
    with pytest.raises(nc.SchemaError, match="has no label") as exc:
        _run(monkeypatch, backend, [used, *cols[1:]], q, rates, groups, remap=[table, None, None, None, None, None])
    assert exc.value.rows == [40]


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 300), step=st.sampled_from([1, 3, 7, 64, 1000]), seed=st.integers(0, 2**16), gases=st.booleans())
def test_blocks_and_threads_never_change_the_figures(n, step, seed, gases):
    """Any block size, one or two threads: the same bits on either thread count, and every group sum equal to
    the exactly rounded sum of its rows (math.fsum) to 1e-12."""
    import math

    from neutralcore.measure import _fast

    rng = np.random.default_rng(seed)
    cols = [rng.integers(lo, lo + z, n).astype(np.int32) for z, lo in zip(_SIZES, _OFFS)]
    q = rng.uniform(0, 10, n)
    m = 3 if gases else 1
    rates = rng.uniform(0, 1, (180, m))
    groups = [rng.integers(0, 7, n).astype(np.int32), rng.integers(0, 5, n).astype(np.int32)]
    runs = []
    for threads in (1, 2):
        out = [np.zeros((7, m)), np.zeros((5, m))]
        seen, total, bad = _fast.fused_pass(cols, np.array(_SIZES), np.array(_OFFS), q, 180, rates, groups, [7, 5], out,
                                            True, True, step, threads)
        assert bad == -1
        runs.append((seen, total, out))
    (s1, t1, o1), (s2, t2, o2) = runs
    assert t1 == t2 and (s1 == s2).all() and all(np.array_equal(a, b) for a, b in zip(o1, o2))
    k = ((cols[0] * 3 + cols[1]) * 3 + cols[2] - 2020) * 4 + cols[3]
    w = q[:, None] * rates[k]
    assert t1 == pytest.approx(math.fsum(w[:, 0]), rel=1e-12, abs=1e-300)
    assert sorted(np.flatnonzero(s1).tolist()) == sorted(set(k.tolist()))
    for g, o in zip(groups, o1):
        for label in range(o.shape[0]):
            for j in range(m):
                assert o[label, j] == pytest.approx(math.fsum(w[g == label, j]), rel=1e-12, abs=1e-300)



@pytest.mark.parametrize("threads", [2, 3])
def test_a_key_map_per_thread_and_one_shared_map_give_the_same_keys_and_bits(monkeypatch, threads):
    """Each thread marks the keys of its blocks in a map of its own (a store with no test), or, past
    ``OWN_MAPS_BYTES``, all in one shared map tested before it is written: the same keys, exactly those the
    rows use, and the same bits, also where the rows of one key fall to different threads."""
    from neutralcore.measure import _fast

    n = 65536 * 4 + 11
    rng = np.random.default_rng(41)
    cols = [rng.integers(lo, lo + z, n).astype(np.int32) for z, lo in zip(_SIZES, _OFFS)]
    cols[0][: n // 2] = 0  # the first half of the rows (the first thread's) on activity 0 only
    cols[0][-5:] = 0  # and a few of the last thread's rows on the same keys
    q = rng.uniform(0, 10, n)
    rates = rng.uniform(0, 1, (180, 1))
    groups = [rng.integers(0, 7, n).astype(np.int32)]

    def run() -> tuple:
        out = [np.zeros((7, 1))]
        seen, total, bad = _fast.fused_pass(cols, np.array(_SIZES), np.array(_OFFS), q, 180, rates, groups, [7], out,
                                            False, False, 65536, threads)
        assert bad == -1
        return seen, total, out[0]

    monkeypatch.setattr(_fast, "max_threads", lambda: 4)
    own = run()
    monkeypatch.setattr(_fast, "OWN_MAPS_BYTES", 0)
    shared = run()
    k = ((cols[0] * 3 + cols[1]) * 3 + cols[2] - 2020) * 4 + cols[3]
    assert own[0].dtype == bool and own[0].shape == (180,)
    assert np.flatnonzero(own[0]).tolist() == np.flatnonzero(shared[0]).tolist() == sorted(set(k.tolist()))
    assert own[1] == shared[1] and np.array_equal(own[2], shared[2])

@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16])
def test_code_span_is_min_max(dtype):
    """The compiled one-pass minimum and maximum give numpy's figures for every code type, and an inventory
    built with it refuses a code out of range at the same row."""
    from neutralcore._core.categorical import CodeRangeError, code_view, min_max
    from neutralcore.measure import _fast

    rng = np.random.default_rng(3)
    lo = 0 if np.dtype(dtype).kind == "u" else -5
    x = rng.integers(lo, 100, 70_001).astype(dtype)
    assert _fast.code_span(x) == min_max(x)
    assert _fast.code_span(x[:1]) == (int(x[0]), int(x[0]))
    bad = np.arange(70_000, dtype=np.int32) % 7
    bad[54_321] = 7
    with pytest.raises(CodeRangeError, match="code 7 at position 54321"):
        code_view(bad, 7, span=_fast.code_span)
    inv = nc.Inventory.from_columns(activity=(bad % 7, tuple("abcdefg")), quantity=np.ones(70_000), unit="kWh",
                                    region="VN", year=np.full(70_000, 2023, np.int32), scope=2)
    assert inv.activity.codes.max() == 6
    with pytest.raises(nc.SchemaError, match="row 54321"):
        nc.Inventory.from_columns(activity=(bad, tuple("abcdefg")), quantity=np.ones(70_000), unit="kWh",
                                  region="VN", year=np.full(70_000, 2023, np.int32), scope=2)


def test_fused_passes_from_several_threads_at_once_give_the_same_bits(monkeypatch):
    """Callers' threads running two-thread passes at once (the pass's own threads are Python threads, joined at
    each wave's end): every result the same bits as one pass alone."""
    from concurrent.futures import ThreadPoolExecutor

    cols, q, rates, groups = _pass_inputs(65536 * 3 + 11)
    want = _run(monkeypatch, "numba", cols, q, rates, groups, threads=1)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda t: fused_pass(cols, _SIZES, _OFFS, q, 180, rates, groups, threads=t),
                                [2, 1, 2, 2, 1, 2]))
    for seen, total, sums in results:
        assert total == want[1] and (seen == want[0]).all()
        for a, b in zip(sums, want[2]):
            assert np.array_equal(a, b)


@pytest.mark.parametrize("threads", [2, 3, 4])
@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64])
def test_code_span_on_threads_is_min_max(dtype, threads):
    """A long column cut into one share per thread gives the same minimum and maximum, wherever they lie
    (first row, last row, at a cut)."""
    from neutralcore._core.categorical import min_max
    from neutralcore.measure import _fast

    n = threads * _fast.SPAN_SHARE + 7
    rng = np.random.default_rng(threads)
    x = rng.integers(-3, 50, n).astype(dtype)
    lo, hi = min_max(x)
    assert (lo, hi) == (-3, 49) and _fast.code_span(x, threads) == (lo, hi)
    for at in (0, n - 1, n // threads, n // threads - 1):
        y = x.copy()
        y[at] = 100
        assert _fast.code_span(y, threads) == (lo, 100)
        y[at] = -100
        assert _fast.code_span(y, threads) == (-100, hi)


@pytest.mark.parametrize("bad", [-0.0, -1e-300, -5e-324, -1.0, math.inf, -math.inf, math.nan, -math.nan, 0.0,
                                 5e-324, 1.7976931348623157e308])
def test_quantity_bits_check_agrees_with_min_max(bad):
    """The quantities' bits read as int64 pass the compiled span exactly when every quantity is finite, not
    negative and not -0.0; anything else goes on to the float checks, so an inventory gets the same column
    (-0.0 made 0.0) or the same error with the compiled span as without."""
    from neutralcore.measure import _fast
    from neutralcore.measure.inventory import _clean_quantity

    q = np.linspace(0.0, 10.0, 300_001)
    q[123_457] = bad
    q.setflags(write=False)
    lo, hi = _fast.code_span(q.view(np.int64), 2)
    plain = bad == bad and bad >= 0 and bad < math.inf and not math.copysign(1.0, bad) < 0
    assert (0 <= lo and hi < 0x7FF0000000000000) == plain
    with_span, without = _clean_quantity(q, functools.partial(_fast.code_span, threads=2)), _clean_quantity(q)
    assert (with_span is None) == (without is None)
    if without is not None:
        assert with_span.tobytes() == without.tobytes() and not np.signbit(with_span).any()


def test_code_spans_read_every_column_on_the_same_threads(monkeypatch):
    """The spans of several columns read together (each thread a share of every column, short columns too) are
    numpy's; rowpass's answer gives them for those columns and their views without reading again, and reads any
    other array it is asked about."""
    from neutralcore._core.categorical import min_max
    from neutralcore.measure import _fast, rowpass

    rng = np.random.default_rng(11)
    n = 3 * _fast.SPAN_SHARE
    arrays = [rng.integers(-9, 90, n).astype(np.int32), rng.integers(0, 200, n).astype(np.uint8),
              np.array([7], np.int16), rng.integers(-(2**40), 2**40, 5).astype(np.int64),
              np.arange(n, dtype=np.int64)[::-1].copy()]
    want = [min_max(a) for a in arrays]
    for threads in (1, 2, 3, 8):
        assert _fast.code_spans(arrays, threads) == want
    monkeypatch.delenv(ENV, raising=False)  # numba, whatever the suite was asked to run on
    span = rowpass.code_spans(arrays + [np.zeros(0, np.int32), np.ones((2, 2), np.int32)], n)
    assert span is not None
    calls = []
    real = _fast.code_span
    try:
        _fast.code_span = lambda a, threads=1: calls.append(a.shape[0]) or real(a, threads)  # type: ignore[assignment]
        assert [span(a) for a in arrays] == want and [span(a.view()) for a in arrays] == want and calls == []
        other = arrays[0][1:]  # another stretch of the same memory: read
        assert span(other) == min_max(other) and calls == [n - 1]
    finally:
        _fast.code_span = real


def test_code_spans_is_none_on_the_numpy_backend(monkeypatch):
    from neutralcore.measure import rowpass

    monkeypatch.setenv(ENV, "numpy")
    assert rowpass.code_spans([np.arange(10)], 10) is None


def test_long_coded_columns_checked_on_threads_name_the_bad_row():
    """An inventory of columns long enough to be checked on several threads refuses a code out of range, a
    negative quantity and a NaN at their rows, and makes -0.0 0.0, as one read of each column does."""
    n = 5 * (1 << 19) + 3
    codes = np.arange(n, dtype=np.int32) % 7
    q = np.ones(n)
    codes.setflags(write=False)

    def build(codes=codes, q=q):
        return nc.Inventory.from_columns(activity=(codes, tuple("abcdefg")), quantity=q, unit="kWh", region="VN",
                                         year=np.full(n, 2023, np.int32), scope=2)

    assert build().activity.codes.max() == 6
    bad = codes.copy()
    bad[n - 2] = 7
    with pytest.raises(nc.SchemaError, match=f"row {n - 2}"):
        build(codes=bad)
    for value, what in ((-1.0, "negative"), (math.nan, "finite")):
        q2 = q.copy()
        q2[3 * (1 << 19)] = value
        with pytest.raises(nc.InvalidQuantityError, match=what) as err:
            build(q=q2)
        assert err.value.rows == [3 * (1 << 19)]
    q3 = q.copy()
    q3[[0, n - 1]] = -0.0
    got = build(q=q3).quantity
    assert not np.signbit(got).any() and got[0] == 0.0 and got[n - 1] == 0.0
