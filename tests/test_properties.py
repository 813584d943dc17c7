"""Invariants of the kernel, checked with Hypothesis."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import neutralcore as nc
from factors_fixture import published_factors
from strategies import activity_lists

FS = published_factors()
SETTINGS = settings(max_examples=60, deadline=None)


def total(acts) -> float:
    return nc.Inventory(acts).emissions(FS).total().magnitude


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
    assert np.isclose(inv.emissions(FS).total().magnitude, whole, rtol=1e-9, atol=1e-9)


@SETTINGS
@given(activity_lists, st.sampled_from([("scope",), ("site",), ("scope", "site"), ("activity", "region", "year"), ("category", "unit")]))
def test_groups_sum_to_total(acts, dims):
    res = nc.Inventory(acts).emissions(FS)
    table = res.by(*dims)
    assert np.isclose(np.sum(table["co2e_t"]), res.total().magnitude, rtol=1e-9, atol=1e-9)
    for gas in res.gases:
        assert np.isclose(np.sum(table[f"{gas}_t"]), res.total(gas).magnitude, rtol=1e-9, atol=1e-12)


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
    assert np.isclose(scaled.emissions(FS).total().magnitude, k * total(acts), rtol=1e-9, atol=1e-6)


@SETTINGS
@given(activity_lists)
def test_coded_and_object_construction_agree(acts):
    inv = nc.Inventory(acts)
    cols = inv.to_columns()
    again = nc.Inventory.from_columns(**cols)
    assert np.isclose(again.emissions(FS).total().magnitude, total(acts), rtol=1e-12, atol=1e-12)


@SETTINGS
@given(activity_lists, st.sampled_from([("scope",), ("site", "unit"), ("activity", "region", "year")]))
def test_dense_and_compact_key_coding_agree(acts, dims):
    """Rows are coded densely when the key space is small and compactly otherwise: same results either way."""
    import neutralcore.inventory as inventory

    dense = nc.Inventory(acts).emissions(FS)
    saved = inventory._DENSE_MAX_KEYS, inventory._DENSE_MAX_TRIPLES
    inventory._DENSE_MAX_KEYS = inventory._DENSE_MAX_TRIPLES = 0
    try:
        inv = nc.Inventory(acts)
        assert not inv._row_keys().dense
        compact = inv.emissions(FS)
    finally:
        inventory._DENSE_MAX_KEYS, inventory._DENSE_MAX_TRIPLES = saved
    assert np.isclose(dense.total().magnitude, compact.total().magnitude, rtol=1e-12, atol=1e-12)
    a, b = dense.by(*dims), compact.by(*dims)
    assert a.columns == b.columns
    key = lambda t: [tuple(str(t[d][i]) for d in dims) for i in range(len(t))]  # noqa: E731
    va, vb = dict(zip(key(a), np.asarray(a["co2e_t"]))), dict(zip(key(b), np.asarray(b["co2e_t"])))
    assert va.keys() == vb.keys()
    assert all(np.isclose(va[k], vb[k], rtol=1e-12, atol=1e-12) for k in va)
    assert sorted(map(str, dense.matches.summary())) == sorted(map(str, compact.matches.summary()))
