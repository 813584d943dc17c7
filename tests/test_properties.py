"""Invariants of the kernel, checked with Hypothesis."""

from __future__ import annotations

import importlib.util

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import neutralcore as nc
from factors_fixture import published_factors
from strategies import activity_lists

FS = published_factors()
SETTINGS = settings(max_examples=60, deadline=None)


def total(acts) -> float:
    return nc.Inventory(acts).emissions(FS).total()


@SETTINGS
@given(activity_lists, st.randoms(use_true_random=False))
def test_total_independent_of_row_order(acts, rnd):
    shuffled = list(acts)
    rnd.shuffle(shuffled)
    assert np.isclose(total(shuffled), total(acts), rtol=1e-9, atol=1e-9)


@SETTINGS
@given(activity_lists, st.integers(0, 40))
def test_total_independent_of_splitting(acts, cut):
    cut = min(cut, len(acts))
    whole = total(acts)
    parts = sum(total(p) for p in (acts[:cut], acts[cut:]) if p)
    assert np.isclose(parts, whole, rtol=1e-9, atol=1e-9)
    inv = nc.Inventory.concat([nc.Inventory(p) for p in (acts[:cut], acts[cut:]) if p])
    assert np.isclose(inv.emissions(FS).total(), whole, rtol=1e-9, atol=1e-9)


@SETTINGS
@given(activity_lists, st.sampled_from([("scope",), ("site",), ("scope", "site"), ("activity", "region", "year"), ("category", "unit")]))
def test_groups_sum_to_total(acts, dims):
    res = nc.Inventory(acts).emissions(FS)
    table = res.by(*dims)
    assert np.isclose(np.sum(table["co2e_t"]), res.total(), rtol=1e-9, atol=1e-9)
    for gas in res.gases:
        assert np.isclose(np.sum(table[f"{gas}_t"]), res.total(gas), rtol=1e-9, atol=1e-12)


@SETTINGS
@given(activity_lists)
def test_kwh_instead_of_mwh_changes_nothing(acts):
    converted = [
        nc.Activity(a.activity, a.quantity * 1000, "kWh", region=a.region, year=a.year, scope=a.scope, site=a.site)
        if a.unit == "MWh" else a
        for a in acts
    ]
    assert np.isclose(total(converted), total(acts), rtol=1e-9, atol=1e-9)


@SETTINGS
@given(activity_lists, st.floats(min_value=0.0, max_value=1e3, allow_nan=False))
def test_scaling_quantities_scales_total(acts, k):
    inv = nc.Inventory(acts)
    scaled = inv.with_quantity(inv.quantity * k)
    assert np.isclose(scaled.emissions(FS).total(), k * total(acts), rtol=1e-9, atol=1e-6)


@SETTINGS
@given(activity_lists)
def test_coded_and_object_construction_agree(acts):
    inv = nc.Inventory(acts)
    cols = inv.to_columns()
    again = nc.Inventory.from_columns(**cols)
    assert np.isclose(again.emissions(FS).total(), total(acts), rtol=1e-12, atol=1e-12)


@SETTINGS
@given(activity_lists, st.sampled_from([("scope",), ("site", "unit"), ("activity", "region", "year")]))
def test_dense_and_compact_key_coding_agree(acts, dims):
    """Rows are coded densely when the key space is small and compactly otherwise: same results either way."""
    import neutralcore.measure.inventory as inventory

    dense = nc.Inventory(acts).emissions(FS)
    saved = inventory._DENSE_MAX_KEYS, inventory._DENSE_MAX_TRIPLES
    inventory._DENSE_MAX_KEYS = inventory._DENSE_MAX_TRIPLES = 0
    try:
        inv = nc.Inventory(acts)
        assert not inv._row_keys().dense
        compact = inv.emissions(FS)
    finally:
        inventory._DENSE_MAX_KEYS, inventory._DENSE_MAX_TRIPLES = saved
    assert np.isclose(dense.total(), compact.total(), rtol=1e-12, atol=1e-12)
    a, b = dense.by(*dims), compact.by(*dims)
    assert a.columns == b.columns
    key = lambda t: [tuple(str(t[d][i]) for d in dims) for i in range(len(t))]  # noqa: E731
    va, vb = dict(zip(key(a), np.asarray(a["co2e_t"]))), dict(zip(key(b), np.asarray(b["co2e_t"])))
    assert va.keys() == vb.keys()
    assert all(np.isclose(va[k], vb[k], rtol=1e-12, atol=1e-12) for k in va)
    assert sorted(map(str, dense.matches.summary())) == sorted(map(str, compact.matches.summary()))


# A broader strategy: more units (volume, mass and energy for fuels), regions in any case and at every level of
# the chain, years up to 2050 (year fallback), zero quantities.  "vn" vs "VN" was a counterexample before region
# codes were made case-insensitive.
_WIDE_UNITS = {
    "electricity.grid": ("MWh", "kWh", "GJ", "TJ", "therm", "Btu"),
    "fuel.diesel.stationary": ("L", "m^3", "gallon", "kg", "t", "lb", "GJ", "TJ", "MWh", "kWh", "therm", "Btu"),
    "fuel.lpg.stationary": ("kg", "t", "lb", "GJ", "L", "m^3", "gallon", "MWh"),
}


@st.composite
def _wide_activity(draw):
    act = draw(st.sampled_from(sorted(_WIDE_UNITS)))
    regions = ["VN", "vn", "CN-JS", "cn-js", "CN-EAST", "CN"] + ([] if act == "electricity.grid" else ["World", "world"])
    return nc.Activity(
        act, draw(st.one_of(st.just(0.0), st.floats(0, 1e9), st.integers(0, 10**12))), draw(st.sampled_from(_WIDE_UNITS[act])),
        region=draw(st.sampled_from(regions)), year=draw(st.integers(2023, 2050)), scope=draw(st.sampled_from([1, 2, 3])),
        site=draw(st.sampled_from(("a", "b", None))),
    )


@settings(max_examples=40, deadline=None)
@given(st.lists(_wide_activity(), min_size=0, max_size=40), st.integers(0, 40))
def test_wide_invariants(acts, cut):
    whole = total(acts) if acts else 0.0
    upper = [nc.Activity(a.activity, a.quantity, a.unit, region=a.region.upper(), year=a.year, scope=a.scope, site=a.site)
             for a in acts]
    assert (total(upper) if upper else 0.0) == whole
    parts = sum(total(p) for p in (acts[:cut], acts[cut:]) if p)
    assert np.isclose(parts, whole, rtol=1e-9, atol=1e-9)
    res = nc.Inventory(acts).emissions(FS)
    for dims in (("scope",), ("site", "year"), ("activity", "region", "unit")):
        assert np.isclose(np.sum(res.by(*dims)["co2e_t"]), whole, rtol=1e-9, atol=1e-9)
    assert np.isclose(res.row_co2e().sum(), whole, rtol=1e-9, atol=1e-9)


@SETTINGS
@given(activity_lists, st.sampled_from([("site",), ("scope", "site"), ("activity", "region")]))
def test_group_sums_agree_across_backends_and_batches(acts, dims):
    """by() alone, by_many() beside other groupings, and the numpy and numba row passes give the same tonnes."""
    import os

    from neutralcore.measure.rowpass import ENV

    backends = ["numpy"] + (["numba"] if importlib.util.find_spec("numba") else [])
    tables = []
    for name in backends:
        old = os.environ.get(ENV)
        os.environ[ENV] = name
        try:
            res = nc.Inventory(acts).emissions(FS)
            tables.append(res.by(*dims))
            tables.append(res.by_many([("scope",), dims, ("year", "unit")])[1])
            tables.append(res.by_many([dims], gases=False)[0])
        finally:
            os.environ.pop(ENV) if old is None else os.environ.__setitem__(ENV, old)
    for t in tables[1:]:
        assert t[dims[0]] == tables[0][dims[0]]
        np.testing.assert_allclose(t["co2e_t"], tables[0]["co2e_t"], rtol=1e-12, atol=1e-12)
    gas_tables = [t for i, t in enumerate(tables) if i % 3 != 2]  # the gases=False table has CO2e alone
    for t in gas_tables:
        assert list(t.columns) == list(tables[0].columns)
        for column in [f"{g}_t" for g in res.gases]:
            np.testing.assert_allclose(t[column], tables[0][column], rtol=1e-12, atol=1e-15)
