"""Building an inventory from the data as users hold it (issue 15, ingest): codes taken as they come, checks by
min and max, used categories found without counting every row, small integer ranges coded without a sort, and
every starting point giving the same inventory and the same results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neutralcore as nc
from neutralcore._core import frames
from neutralcore._core.categorical import _FIRST_CHUNK, CHUNK, CodeRangeError, code_view, factorize, narrow_dtype, used

ACTS = ("electricity.grid", "fuel.diesel.stationary", "fuel.natural_gas.stationary")
UNITS = ("MWh", "L", "GJ")


def _ro(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


# -- which categories are used -------------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 11), max_size=60), st.integers(12, 20))
def test_used_is_a_count_above_zero(codes, n_categories):
    arr = np.array(codes, dtype=np.int64)
    assert used(arr, n_categories).tolist() == (np.bincount(arr, minlength=n_categories) > 0).tolist()


@pytest.mark.parametrize("late", [1, 3, 7])
def test_used_finds_categories_first_seen_after_the_first_chunks(late):
    """Categories that appear only near the end: one by one (few unseen) or counted (many unseen)."""
    n = 3 * CHUNK + 5
    codes = np.zeros(n, dtype=np.int16)
    codes[: CHUNK // 2] = np.arange(CHUNK // 2) % 5  # categories 0..4 in the first chunk
    for i in range(late):
        codes[n - 1 - i] = 10 + i  # categories 10.. only in the last rows
    got = used(codes, 10 + late + 2)
    assert got.tolist() == (np.bincount(codes, minlength=10 + late + 2) > 0).tolist()


def test_used_with_a_compiled_count_for_the_rest():
    calls = []

    def count(c, k):
        calls.append(c.shape[0])
        return np.bincount(c, minlength=k)

    n = 8 * CHUNK
    codes = np.zeros(n, dtype=np.int32)
    codes[-10:] = np.arange(10, 20)  # ten categories unseen after the first chunk: the rest is counted once
    assert used(codes, 21, count).tolist() == [True] + [False] * 9 + [True] * 10 + [False]
    assert calls == [_FIRST_CHUNK, n - _FIRST_CHUNK]  # the first chunk, then the rest at once


def test_used_reads_a_short_first_chunk_when_it_shows_every_category():
    """A column whose first rows show every category is read no further than its first chunk (16 rows per
    category, at least 16,384): the compiled count reads that chunk only."""
    calls = []

    def count(c, k):
        calls.append(c.shape[0])
        return np.bincount(c, minlength=k)

    codes = np.tile(np.arange(100, dtype=np.int32), 8 * CHUNK // 100)
    assert used(codes, 100, count).all() and calls == [_FIRST_CHUNK]
    # one category never used: searched for by itself chunk by chunk (few unseen), no other chunk counted
    assert used(codes, 101, count).tolist() == [True] * 100 + [False] and calls == [_FIRST_CHUNK] * 2


# -- codes as they come ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.uint8, np.uint16])
def test_read_only_narrow_codes_are_views_kept_at_their_width(dtype):
    codes = _ro(np.array([2, 0, 1, 2], dtype=dtype))
    got, present = code_view(codes, 3)
    assert got.dtype == np.dtype(dtype) and np.shares_memory(got, codes) and not got.flags.writeable
    assert present.tolist() == [True, True, True]
    inv = nc.Inventory.from_columns(activity=(codes, ACTS), quantity=_ro(np.ones(4)), unit=(codes, UNITS),
                                    region="VN", year=2024, scope=1)
    assert np.shares_memory(inv.activity.codes, codes) and inv.activity.codes.dtype == np.dtype(dtype)


def test_read_only_uint32_codes_are_viewed_as_int32_and_wide_codes_narrowed():
    u32 = _ro(np.array([1, 0], dtype=np.uint32))
    got, _ = code_view(u32, 2)
    assert got.dtype == np.int32 and np.shares_memory(got, u32)
    got, _ = code_view(np.array([1, 0], dtype=np.int64), 2)
    assert got.dtype == np.int32 and got.tolist() == [1, 0]


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64, np.uint8, np.uint32])
@pytest.mark.parametrize("bad, at", [(3, 4), (-1, 2)])
def test_a_code_out_of_range_names_its_position(dtype, bad, at):
    if bad < 0 and np.dtype(dtype).kind == "u":
        bad = 200  # no negative unsigned code: too large instead
    codes = np.array([0, 1, 2, 0, 1], dtype=np.int64)
    codes[at] = bad
    with pytest.raises(CodeRangeError, match=rf"code {bad} at position {at}\)") as exc:
        code_view(codes.astype(dtype), 3)
    assert exc.value.position == at


def test_inventory_error_for_a_code_out_of_range_names_column_and_row():
    codes = _ro(np.array([0, 1, 0, 5, 1], dtype=np.int16))
    with pytest.raises(nc.SchemaError, match="codes out of range of the 3 categories") as exc:
        nc.Inventory.from_columns(activity=(codes, ACTS), quantity=_ro(np.ones(5)), unit="MWh", region="VN",
                                  year=2024, scope=1)
    assert exc.value.column == "activity" and exc.value.rows == [3]
    assert isinstance(exc.value.__cause__, CodeRangeError)


def test_unused_categories_of_a_pair_are_dropped():
    cat = factorize((_ro(np.array([3, 0, 3], dtype=np.int8)), ("a", "b", "c", "d")))
    assert cat.categories == ("a", "d") and cat.codes.tolist() == [1, 0, 1]


# -- small integer ranges ----------------------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(-128, 127), min_size=1, max_size=40), st.sampled_from([np.int8, np.int16, np.int64]))
def test_small_range_codes_are_a_sorts_even_across_the_whole_int8_range(values, dtype):
    """-128 and 127 in one int8 column: the difference (255) does not fit int8, and must not wrap."""
    arr = np.array(values, dtype=dtype)
    cat = factorize(arr)
    uniq, inv = np.unique(arr, return_inverse=True)
    assert cat.categories == tuple(uniq.tolist()) and cat.codes.tolist() == inv.tolist()
    span = int(arr.max()) - int(arr.min()) + 1
    assert cat.codes.dtype == (narrow_dtype(span) if span <= 4 * arr.shape[0] + 16 else np.int32)  # else sorted


def test_long_year_column_with_a_gap_and_a_late_value_is_coded_like_a_sort():
    n = 3 * CHUNK
    year = np.full(n, 2020, dtype=np.int32)
    year[::7] = 2023
    year[-1] = 2019  # the minimum only in the last row; 2021 and 2022 absent
    cat = factorize(_ro(year))
    uniq, inv = np.unique(year, return_inverse=True)
    assert cat.categories == (2019, 2020, 2023) and np.array_equal(cat.codes, inv)
    assert cat.codes.dtype == np.int8


def test_scope_column_is_coded_narrow_and_gives_the_same_results():
    n = 2000
    rng = np.random.default_rng(5)
    scope = rng.integers(1, 3, n, dtype=np.int64)
    kw = dict(activity="electricity.grid", quantity=rng.random(n) * 100, unit="MWh", region="VN", year=2023)
    inv = nc.Inventory.from_columns(scope=scope, **kw)
    assert inv.scope.codes.dtype == np.int8 and inv.scope.categories == (1, 2)
    ref = nc.Inventory.from_columns(scope=[int(s) for s in scope], **kw)
    fs = nc.load_factors("vietnam")
    a, b = inv.emissions(fs).by("scope"), ref.emissions(fs).by("scope")
    assert list(a["scope"]) == list(b["scope"]) and np.allclose(a["co2e_t"], b["co2e_t"], rtol=1e-12, atol=0)


# -- frames -------------------------------------------------------------------------------------------------------


def test_categorical_codes_without_missing_values_are_not_rewritten():
    """No missing value: the library's codes are used as they are (no mask, no rewrite)."""
    s = pl.Series(["VN", "TH", "VN"], dtype=pl.Enum(["VN", "TH"]))
    codes, cats = frames.column_values(s)
    assert codes.dtype == np.uint8 and cats == ("VN", "TH")
    arr = pa.array(["VN", "TH", "VN"]).dictionary_encode()
    codes, cats = frames.column_values(arr)
    assert np.shares_memory(codes, np.asarray(arr.indices.to_numpy())) and cats == ("VN", "TH")


def test_missing_values_become_a_none_category_in_every_library():
    for col in (pd.Series(pd.Categorical(["a", None, "b"])), pl.Series(["a", None, "b"], dtype=pl.Enum(["a", "b"])),
                pa.array(["a", None, "b"]).dictionary_encode()):
        codes, cats = frames.column_values(col)
        assert [cats[c] for c in codes.tolist()] == ["a", None, "b"], type(col)


def test_pandas_categorical_codes_are_copied_once_and_the_inventory_stays_as_it_was():
    df = pd.DataFrame({"activity": pd.Categorical(["electricity.grid"] * 3), "quantity": [1.0, 2.0, 3.0],
                       "unit": pd.Categorical(["MWh", "kWh", "MWh"]), "region": "VN", "year": 2023, "scope": 2})
    inv = nc.Inventory.from_pandas(df)
    df.loc[0, "unit"] = "kWh"
    df.loc[1, "quantity"] = 99.0
    assert inv.unit.values() == ["MWh", "kWh", "MWh"] and inv.quantity.tolist() == [1.0, 2.0, 3.0]


# -- every starting point gives the same inventory and the same results --------------------------------------------


@st.composite
def _rows(draw):
    n = draw(st.integers(1, 40))
    pick = draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
    sites = draw(st.lists(st.sampled_from(["s1", "s2", "s3", "s4"]), min_size=n, max_size=n))
    years = draw(st.lists(st.sampled_from([2022, 2023]), min_size=n, max_size=n))
    qty = draw(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=n, max_size=n))
    return {"activity": [ACTS[i] for i in pick], "quantity": qty, "unit": [UNITS[i] for i in pick],
            "region": ["VN"] * n, "year": years, "scope": [2 if i == 0 else 1 for i in pick], "site": sites}


def _summary(inv: nc.Inventory, fs) -> tuple:
    res = inv.emissions(fs)
    cols = tuple(sorted((k, tuple(map(str, v))) for k, v in inv.to_columns().items()))
    by = res.by("scope", "site")
    return cols, res.total(), tuple(zip(by["scope"], by["site"], np.round(np.asarray(by["co2e_t"]), 6)))


@pytest.fixture(scope="module")
def fs():
    return nc.load_factors("vietnam", "ipcc")


def _starting_points(rows: dict) -> dict[str, nc.Inventory]:
    df = pd.DataFrame(rows)
    cat = df.astype({k: "category" for k in ("activity", "unit", "region", "scope", "site")})
    pdf = pl.DataFrame(rows)
    enums = pdf.with_columns(*(pl.col(k).cast(pl.Enum(sorted(set(rows[k])))) for k in ("activity", "unit", "site")))
    table = pa.table({k: (pa.array(v).dictionary_encode() if k in ("activity", "unit", "site") else pa.array(v))
                      for k, v in rows.items()})
    codes = {}
    for k in ("activity", "unit", "region", "site"):
        labels = sorted(set(rows[k]))
        codes[k] = (_ro(np.array([labels.index(x) for x in rows[k]], dtype=np.int8)), tuple(labels))
    coded = dict(rows, **codes, quantity=_ro(np.array(rows["quantity"])), year=_ro(np.array(rows["year"], np.int32)),
                 scope=_ro(np.array(rows["scope"], dtype=np.int16)))
    return {
        "lists": nc.Inventory.from_columns(**rows),
        "coded": nc.Inventory.from_columns(**coded),
        "pandas": nc.Inventory.from_pandas(df),
        "pandas categorical": nc.Inventory.from_pandas(cat),
        "polars": nc.Inventory.from_polars(pdf),
        "polars enum": nc.Inventory.from_polars(enums),
        "arrow": nc.Inventory.from_arrow(table),
        "activities": nc.Inventory([nc.Activity(a, q, u, region=r, year=y, scope=s, site=si) for a, q, u, r, y, s, si
                                    in zip(*(rows[k] for k in ("activity", "quantity", "unit", "region", "year",
                                                               "scope", "site")))]),
    }


@settings(max_examples=25, deadline=None)
@given(_rows())
def test_every_starting_point_gives_the_same_inventory_and_results(fs, rows):
    got = {name: _summary(inv, fs) for name, inv in _starting_points(rows).items()}
    ref = got.pop("lists")
    for name, summary in got.items():
        assert summary[0] == ref[0], name
        assert summary[1] == pytest.approx(ref[1], rel=1e-12), name
        assert summary[2] == ref[2], name


# -- strings whose rows hold objects of their own ------------------------------------------------------------------


def _dict_codes(values):
    first: dict = {}
    codes = [first.setdefault(v, len(first)) for v in values]
    return codes, tuple(first)


def _own_objects(labels, n, seed=3):
    pick = np.random.default_rng(seed).integers(0, len(labels), n).tolist()
    return ["".join(tuple(labels[i])) if labels[i] is not None else None for i in pick]


@pytest.mark.parametrize("labels", [["site-a", "site-b", "ü-site", "s" * 40], ["x", None, "y"]])
def test_strings_one_object_per_row_give_the_dict_paths_codes(labels):
    from neutralcore._core.identity import MIN_ROWS

    values = _own_objects(labels, MIN_ROWS + 10)
    assert frames.string_codes(values) is not None  # pyarrow codes them
    cat = factorize(values)
    codes, cats = _dict_codes(values)
    assert cat.categories == cats and cat.codes.tolist() == codes and cat.codes.dtype == np.int32


@pytest.mark.parametrize("odd", [b"bytes", 7, float("nan"), True, "\ud800"])
def test_a_value_that_is_not_text_is_left_to_the_dict_path(odd):
    """pyarrow would turn bytes into text; numbers, NaN and lone surrogates it refuses: all go the exact way."""
    from neutralcore._core.identity import MIN_ROWS

    values = _own_objects(["a", "b"], MIN_ROWS + 10)
    values[MIN_ROWS // 2] = odd
    assert frames.string_codes(values) is None
    cat = factorize(values)
    assert odd in cat.categories or (odd != odd and any(c != c for c in cat.categories))
    assert cat.values()[MIN_ROWS // 2] is odd


def test_strings_are_coded_the_same_without_pyarrow(monkeypatch):
    from neutralcore._core.identity import MIN_ROWS

    values = _own_objects(["site-a", "site-b", None], MIN_ROWS + 10)
    with_arrow = factorize(values)
    real = frames.importlib.import_module

    def no_arrow(name, *a, **k):
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real(name, *a, **k)

    monkeypatch.setattr(frames.importlib, "import_module", no_arrow)
    assert frames.string_codes(values) is None
    without = factorize(values)
    assert without.categories == with_arrow.categories and np.array_equal(without.codes, with_arrow.codes)


def test_a_bad_label_among_strings_one_object_per_row_names_column_and_row():
    from neutralcore._core.identity import MIN_ROWS

    n = MIN_ROWS + 10
    acts = _own_objects(["electricity.grid"], n)
    acts[n - 3] = "Not A Key!"
    with pytest.raises(nc.InputError) as exc:
        nc.Inventory.from_columns(activity=acts, quantity=np.ones(n), unit="MWh", region="VN", year=2024, scope=2)
    assert exc.value.column == "activity" and exc.value.rows == [n - 3]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-1e9, 1e9, allow_nan=False), min_size=1, max_size=30), st.integers(0, 3),
       st.sampled_from([None, float("nan")]))
def test_min_max_in_chunks_is_numpys(values, repeat, odd):
    """Long enough to be chunked; a NaN anywhere makes both NaN (the quantity check relies on it)."""
    from neutralcore._core.categorical import MINMAX_CHUNK, min_max

    arr = np.resize(np.array(values), MINMAX_CHUNK * repeat + len(values))
    if odd is not None:
        arr[-1] = odd
    lo, hi = min_max(arr)
    if odd is None:
        assert (lo, hi) == (arr.min(), arr.max())
    else:
        assert lo != lo and hi != hi


@settings(max_examples=10, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=6)), min_size=1, max_size=12), st.booleans())
def test_long_label_lists_are_coded_as_the_dict_path_codes_them(labels, shared):
    """Any path a long list takes (object identity, pyarrow, dict): first-appearance codes, equal labels merged."""
    from neutralcore._core.identity import MIN_ROWS

    pick = np.random.default_rng(len(labels)).integers(0, len(labels), MIN_ROWS + 1).tolist()
    values = [labels[i] if shared or labels[i] is None else "".join(tuple(labels[i])) for i in pick]
    cat = factorize(values)
    codes, cats = _dict_codes(values)
    assert cat.categories == cats and cat.codes.tolist() == codes


def test_rows_with_objects_of_their_own_skip_identity_coding_and_shared_ones_keep_it():
    from neutralcore._core.categorical import _own_objects
    from neutralcore._core.identity import MIN_ROWS

    sites = [f"site-{i}" for i in range(10_000)]
    pick = np.random.default_rng(9).integers(0, len(sites), MIN_ROWS).tolist()
    assert not _own_objects([sites[i] for i in pick])
    assert _own_objects(["".join(tuple(sites[i])) for i in pick])
