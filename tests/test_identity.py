"""Coding long columns by object identity gives exactly what a dict lookup per row gives."""

from __future__ import annotations

import platform

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neutralcore._core.categorical import _FirstSeen, factorize
from neutralcore._core.identity import MIN_ROWS, identity_codes

N = MIN_ROWS + 4_321

labels = st.one_of(st.text(max_size=6), st.integers(-3, 3), st.none(), st.booleans(), st.sampled_from([0.5, 2.0]))


def by_dict(values: list) -> tuple[list, tuple]:
    # a truth value is its own label, never equal to the number 1 or 0 it equals as a dict key
    seen = _FirstSeen()
    codes = [seen[("truth", v) if v.__class__ is bool else v] for v in values]
    return codes, tuple(k[1] if isinstance(k, tuple) and k[:1] == ("truth",) else k for k in seen)


@settings(max_examples=25, deadline=None)
@given(pool=st.lists(labels, min_size=1, max_size=40), seed=st.integers(0, 2**32 - 1), copies=st.booleans())
def test_identity_coding_equals_dict_coding(pool, seed, copies):
    """Equal labels held by different objects (copies=True re-creates every string) share one code, in order of
    first appearance, exactly as with a dict (a truth value apart from the number it equals); a list and an object array give the same."""
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(pool), N)
    values = [pool[i] for i in pick.tolist()]
    if copies:
        values = [("" + v + ".")[:-1] if isinstance(v, str) else v for v in values]
    expected_codes, expected_cats = by_dict(values)
    for column in (values, np.array(values + [None], dtype=object)[:-1]):
        cat = factorize(column, N)
        assert cat.categories == expected_cats
        assert cat.codes.tolist() == expected_codes


@pytest.mark.skipif(platform.python_implementation() != "CPython", reason="identity coding is CPython-only")
def test_long_columns_take_the_identity_path_and_short_ones_do_not():
    names = [f"site-{i}" for i in range(300)]
    column = [names[i] for i in np.random.default_rng(1).integers(0, 300, N).tolist()]
    seen = _FirstSeen()
    codes = identity_codes(column, seen.__getitem__)
    assert codes is not None and codes.dtype == np.int32
    assert list(seen) == list(dict.fromkeys(column))  # first appearance, as a dict meets them
    cats = list(seen)
    assert [cats[c] for c in codes.tolist()] == column
    assert identity_codes(column[: MIN_ROWS - 1], _FirstSeen().__getitem__) is None
    assert identity_codes(tuple(column), _FirstSeen().__getitem__) is None  # only lists and object arrays


def test_unhashable_labels_still_raise():
    with pytest.raises(TypeError):
        factorize([[1], [2]] * (N // 2), N)


@pytest.mark.skipif(platform.python_implementation() != "CPython", reason="identity coding is CPython-only")
def test_hash_collisions_never_merge_two_objects(monkeypatch):
    """A first multiplier of 0 puts every address in one slot: round one resolves one object, the next
    multiplier the rest, and the codes still equal the dict's.  With every multiplier 0 the rows left over
    are too many, and the column goes to the dict path instead."""
    import neutralcore._core.identity as identity

    pool = [f"label-{i}" for i in range(7)] + [None, 3]
    values = [pool[i] for i in np.random.default_rng(7).integers(0, len(pool), N).tolist()]
    monkeypatch.setattr(identity, "_MULTIPLIERS", (0, 0x9E3779B97F4A7C15, 0))
    seen = _FirstSeen()
    codes = identity_codes(values, seen.__getitem__)
    assert codes is not None
    assert tuple(seen) == tuple(dict.fromkeys(values))
    assert codes.tolist() == by_dict(values)[0]
    monkeypatch.setattr(identity, "_MULTIPLIERS", (0, 0, 0))
    assert identity_codes(values, _FirstSeen().__getitem__) is None
    cat = factorize(values, N)
    assert (cat.codes.tolist(), cat.categories) == by_dict(values)


def test_rows_holding_their_own_objects_go_to_the_dict_path():
    """Text parsed row by row gives every row a new string object: hashing addresses would only add work."""
    values = [("site-" + str(i % 5) + ".")[:-1] for i in range(N)]
    assert identity_codes(values, _FirstSeen().__getitem__) is None
    cat = factorize(values, N)
    assert cat.categories == ("site-0", "site-1", "site-2", "site-3", "site-4")
    assert cat.codes[:7].tolist() == [0, 1, 2, 3, 4, 0, 1]


def test_group_keys_takes_chunks_of_any_length():
    """Keys 7, 3, 7, 9, 3, … in one chunk longer than the reusable buffer: groups in order of first appearance."""
    from neutralcore._core.identity import CHUNK, group_keys

    keys = np.tile(np.array([7, 3, 7, 9, 3], dtype=np.uint64), (3 * CHUNK) // 5 + 1)
    group, first, distinct = group_keys(lambda: iter([(0, keys)]), keys.size)
    assert distinct.tolist() == [7, 3, 9] and first.tolist() == [0, 1, 3]
    assert group[:6].tolist() == [0, 1, 0, 2, 1, 0]


def by_first_appearance(keys: list) -> tuple[list, list, list]:
    group: dict = {}
    first = []
    for i, k in enumerate(keys):
        if k not in group:
            group[k] = len(group)
            first.append(i)
    return [group[k] for k in keys], first, list(group)


@settings(max_examples=60, deadline=None)
@given(keys=st.lists(st.integers(0, 40), min_size=1, max_size=300), colliding=st.booleans())
def test_group_keys_groups_equal_keys_together_even_after_every_round(keys, colliding):
    """Rows left over by every hashing round are grouped exactly: with every multiplier 0 all keys share one
    slot, so all but three keys reach the last step.  They used to become a group per row, so the CSV reader
    produced repeated labels and refused the file."""
    import neutralcore._core.identity as identity
    from neutralcore._core.identity import group_keys

    arr = np.array(keys, dtype=np.uint64)
    with pytest.MonkeyPatch.context() as m:
        if colliding:
            m.setattr(identity, "_MULTIPLIERS", (0, 0, 0))
            m.setattr(identity, "_MAX_SHARE", 1.0)
        group, first, distinct = group_keys(lambda: iter([(0, arr)]), arr.size)
    expected = by_first_appearance(keys)
    assert (group.tolist(), first.tolist(), distinct.tolist()) == expected


def test_rows_left_after_the_last_round_share_a_group_when_equal(monkeypatch):
    """Keys 5, 6, 5, 7, 6, 8, 9, 8, 9, 9 with one slot for all: the three rounds take 5, 6 and 7; the rows of
    8 and 9 are left over, and each key's rows share one group (they were five groups of one row)."""
    import neutralcore._core.identity as identity
    from neutralcore._core.identity import group_keys

    monkeypatch.setattr(identity, "_MULTIPLIERS", (0, 0, 0))
    monkeypatch.setattr(identity, "_MAX_SHARE", 1.0)
    keys = np.array([5, 6, 5, 7, 6, 8, 9, 8, 9, 9], dtype=np.uint64)
    group, first, distinct = group_keys(lambda: iter([(0, keys)]), keys.size)
    assert distinct.tolist() == [5, 6, 7, 8, 9]
    assert first.tolist() == [0, 1, 3, 5, 6]
    assert group.tolist() == [0, 1, 0, 2, 1, 3, 4, 3, 4, 4]
