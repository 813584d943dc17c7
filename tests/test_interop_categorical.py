"""Categorical starting points (issue 15): pandas Categoricals, polars Enums and Arrow dictionaries give the
figures of the same rows handed over as coded numpy columns, to 1e-12, at every code width; their codes are
taken as they are (no copy, no per-row recode) and a later change to the frame changes nothing built from it.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neutralcore as nc
from neutralcore._core import frames
from neutralcore._core.categorical import Categorical
from factors_fixture import published_factors

N = 6_000
LABELS: dict[str, list[object]] = {
    "activity": ["electricity.grid", "fuel.diesel.stationary", "fuel.lpg.stationary"],
    "region": ["VN", "CN"],
    "unit": ["MWh", "kWh", "L", "kg"],
    "scope": [1, 2, 3],
    "category": [f"cat-{i}" for i in range(7)],
    "site": [f"site-{i:03d}" for i in range(50)],
}
GROUPINGS = [("scope",), ("category",), ("site",), ("scope", "site")]
#: categories no row uses, to widen the codes: pandas int8 / int16 / int32 and polars UInt8 / UInt16 / UInt32
PADDING = {"int8": 0, "int16": 300, "int32": 70_000}


@pytest.fixture(scope="module")
def factors() -> nc.FactorSet:
    return published_factors()


@pytest.fixture(scope="module")
def codes() -> dict[str, np.ndarray]:
    """Coded rows every factor of the fixture matches: electricity in MWh or kWh (VN or CN, 2023), fuels in
    litres or kilograms (VN; the IPCC defaults by the World fallback)."""
    rng = np.random.default_rng(15)
    a = rng.integers(0, 3, N, dtype=np.int32)
    elec = a == 0
    return {
        "activity": a,
        "region": np.where(elec, rng.integers(0, 2, N), 0).astype(np.int32),
        "unit": np.where(elec, rng.integers(0, 2, N), rng.integers(2, 4, N)).astype(np.int32),
        "scope": np.where(elec, 1, rng.integers(0, 3, N)).astype(np.int32),
        "category": rng.integers(0, 7, N, dtype=np.int32),
        "site": rng.integers(0, 50, N, dtype=np.int32),
        "quantity": np.round(rng.uniform(0, 1000, N), 3),
        "year": np.full(N, 2023, np.int32),
    }


def _figures(inv: nc.Inventory, fs: nc.FactorSet) -> tuple[float, dict]:
    res = inv.emissions(fs, by=GROUPINGS)
    tables = {g: res.by(*g).to_dicts() for g in GROUPINGS}
    return res.total(), {g: {tuple(r[d] for d in g): tuple(v for k, v in sorted(r.items()) if k.endswith("_t"))
                             for r in rows} for g, rows in tables.items()}


def _assert_same(got: tuple[float, dict], want: tuple[float, dict]) -> None:
    assert got[0] == pytest.approx(want[0], rel=1e-12, abs=0)
    for g, rows in want[1].items():
        assert got[1][g].keys() == rows.keys(), g
        np.testing.assert_allclose([got[1][g][k] for k in rows], list(rows.values()), rtol=1e-12, atol=0)


@pytest.fixture(scope="module")
def expected(codes, factors):
    inv = nc.Inventory.from_columns(
        **{k: (codes[k], LABELS[k]) for k in LABELS}, quantity=codes["quantity"], year=codes["year"])
    return _figures(inv, factors)


def _shuffled(name: str, c: np.ndarray, pad: int) -> tuple[np.ndarray, list[object]]:
    """The column's codes into its labels in another order (reversed), with *pad* unused categories first."""
    labels = LABELS[name]
    unused: list[object] = ([f"unused.a{i}" for i in range(pad)] if name == "activity" else
                            [10 + i for i in range(pad)] if name == "scope" else [f"unused-{i}" for i in range(pad)])
    cats = unused + labels[::-1]
    return (pad + len(labels) - 1 - c).astype(np.int64), cats


def _pandas(codes, pad: int) -> pd.DataFrame:
    cols = {}
    for k in LABELS:
        c, cats = _shuffled(k, codes[k], pad)
        cols[k] = pd.Categorical.from_codes(c, categories=cats)
    return pd.DataFrame({**cols, "quantity": codes["quantity"], "year": codes["year"]})


def _polars(codes, pad: int) -> pl.DataFrame:
    cols = {}
    for k in LABELS:
        c, cats = _shuffled(k, codes[k], pad)
        text = [str(x) for x in cats]
        cols[k] = pl.Series(k, np.array(text, dtype=object)[c].tolist(), dtype=pl.Enum(text))
    return pl.DataFrame({**cols, "quantity": codes["quantity"], "year": codes["year"]})


def _arrow(codes, width: str, pad: int, chunks: int = 1) -> pa.Table:
    cols = {}
    for k in LABELS:
        c, cats = _shuffled(k, codes[k], pad)
        cols[k] = pa.DictionaryArray.from_arrays(pa.array(c.astype(width)), pa.array(cats))
    return pa.table({**cols, "quantity": codes["quantity"], "year": codes["year"]})


@pytest.mark.parametrize("width", list(PADDING))
def test_pandas_categoricals_of_every_width_give_the_coded_figures(codes, factors, expected, width):
    df = _pandas(codes, PADDING[width])
    assert df["site"].array.codes.dtype == np.dtype(width)
    _assert_same(_figures(nc.Inventory.from_pandas(df), factors), expected)


@pytest.mark.parametrize("width, physical", [("int8", pl.UInt8), ("int16", pl.UInt16), ("int32", pl.UInt32)])
def test_polars_enums_of_every_width_give_the_coded_figures(codes, factors, expected, width, physical):
    df = _polars(codes, PADDING[width])
    assert df["site"].to_physical().dtype == physical
    _assert_same(_figures(nc.Inventory.from_polars(df), factors), expected)


@pytest.mark.parametrize("width", ["int8", "int16", "int32"])
@pytest.mark.parametrize("pad", [0, 60])
def test_arrow_dictionaries_of_every_width_give_the_coded_figures(codes, factors, expected, width, pad):
    _assert_same(_figures(nc.Inventory.from_arrow(_arrow(codes, width, pad)), factors), expected)


def test_arrow_chunks_with_their_own_dictionaries_give_the_coded_figures(codes, factors, expected):
    """Three chunks, each with its own dictionary: in another order, with unused entries (Arrow gives every
    chunk the same index type)."""
    parts = {k: [] for k in LABELS}
    bounds = [0, 1000, 4500, N]
    for i, (s, e) in enumerate(zip(bounds, bounds[1:])):
        for k in LABELS:
            labels = LABELS[k] if i != 1 else LABELS[k][::-1]
            cats = (["spare"] if i == 2 and k != "scope" else []) + labels
            lookup = np.array([cats.index(x) for x in LABELS[k]])
            idx = lookup[codes[k][s:e]].astype(np.int16)
            parts[k].append(pa.DictionaryArray.from_arrays(pa.array(idx), pa.array(cats)))
    table = pa.table({**{k: pa.chunked_array(v) for k, v in parts.items()},
                      "quantity": pa.chunked_array([codes["quantity"][s:e] for s, e in zip(bounds, bounds[1:])]),
                      "year": codes["year"]})
    assert table["site"].num_chunks == 3
    _assert_same(_figures(nc.Inventory.from_arrow(table), factors), expected)


def test_codes_are_taken_at_their_width_without_a_copy(codes):
    df = _pandas(codes, 0)
    inv = nc.Inventory.from_pandas(df)
    for k in ("activity", "site", "scope"):
        assert inv.column(k).codes.dtype == np.int8
        assert np.shares_memory(inv.column(k).codes, df[k].array.codes), k
    assert np.shares_memory(inv.quantity, df["quantity"].to_numpy())
    assert np.shares_memory(inv.year, df["year"].to_numpy())
    assert inv.site.categories == tuple(LABELS["site"][::-1])  # the frame's order: no recode

    pdf = _polars(codes, 0)
    inv = nc.Inventory.from_polars(pdf)
    assert inv.site.codes.dtype == np.uint8 and np.shares_memory(inv.site.codes, pdf["site"].to_physical().to_numpy())
    assert np.shares_memory(inv.quantity, pdf["quantity"].to_numpy())

    table = _arrow(codes, "int16", 0)
    inv = nc.Inventory.from_arrow(table)
    assert inv.site.codes.dtype == np.int16
    assert np.shares_memory(inv.site.codes, table["site"].chunk(0).indices.to_numpy())
    assert np.shares_memory(inv.quantity, table["quantity"].chunk(0).to_numpy())


def test_a_missing_value_in_a_required_categorical_names_its_row(codes):
    df = _pandas(codes, 0)
    df.loc[4321, "activity"] = None
    with pytest.raises(nc.InputError, match=r"column 'activity'.*row 4321") as info:
        nc.Inventory.from_pandas(df)
    assert info.value.rows == [4321]
    pdf = _polars(codes, 0).with_columns(
        pl.when(pl.int_range(pl.len()) == 17).then(None).otherwise(pl.col("unit")).alias("unit"))
    with pytest.raises(nc.UnitError, match=r"column 'unit'") as info:
        nc.Inventory.from_polars(pdf)
    assert info.value.rows == [17]
    region = pa.DictionaryArray.from_arrays(pa.array([0] * 5 + [None] + [0] * (N - 6), pa.int8()), pa.array(["VN"]))
    table = _arrow(codes, "int8", 0).set_column(1, "region", region)
    with pytest.raises(nc.InputError, match=r"column 'region'") as info:
        nc.Inventory.from_arrow(table)
    assert info.value.rows == [5]


def test_a_missing_value_in_an_optional_categorical_is_no_label(codes):
    df = _pandas(codes, 0)
    df.loc[3, "site"] = None
    inv = nc.Inventory.from_pandas(df)
    assert inv.site.values()[3] is None and inv.site.values()[2] == LABELS["site"][codes["site"][2]]


def test_a_frame_changed_afterwards_changes_no_inventory_or_result(codes, factors, expected):
    """Writes through pandas (Copy-on-Write), polars and Arrow (immutable) after the build: the inventory and
    a result already returned keep the figures they were built with, and so do results asked for later."""
    df = _pandas(codes, 0)
    inv = nc.Inventory.from_pandas(df)
    res = inv.emissions(factors, by=GROUPINGS)
    before = res.by("site").to_dicts()
    df.loc[:, "quantity"] = 0.0
    df.loc[0:100, "site"] = LABELS["site"][0]
    df["year"] = 2022
    df.iloc[5, df.columns.get_loc("activity")] = LABELS["activity"][1]
    assert res.by("site").to_dicts() == before
    _assert_same(_figures(inv, factors), expected)
    assert inv.quantity.tolist() == codes["quantity"].tolist()

    pdf = _polars(codes, 0)
    inv = nc.Inventory.from_polars(pdf)
    pdf[0, "quantity"] = 1e9
    s = pdf["site"]
    s[0] = LABELS["site"][3]
    _assert_same(_figures(inv, factors), expected)


def test_without_copy_on_write_pandas_columns_are_copied(codes, monkeypatch):
    """pandas 2.x without Copy-on-Write writes in place: the columns are then copied (simulated here: the
    installed pandas may always copy on write)."""
    monkeypatch.setattr(frames, "_copy_on_write", lambda pd: False)
    df = _pandas(codes, 0)
    inv = nc.Inventory.from_pandas(df)
    assert not np.shares_memory(inv.quantity, df["quantity"].to_numpy())
    assert not np.shares_memory(inv.site.codes, df["site"].array.codes)
    assert not inv.quantity.flags.writeable


def test_copy_on_write_is_read_from_the_pandas_version():
    class Old:
        __version__ = "2.2.3"

        class options:
            class mode:
                copy_on_write: object = False

    assert frames._copy_on_write(pd) is (int(pd.__version__.split(".")[0]) >= 3 or
                                         pd.options.mode.copy_on_write is True)
    assert frames._copy_on_write(Old) is False
    Old.options.mode.copy_on_write = "warn"
    assert frames._copy_on_write(Old) is False
    Old.options.mode.copy_on_write = True
    assert frames._copy_on_write(Old) is True


def test_a_bare_categorical_is_copied_since_its_owner_writes_in_place():
    cat = pd.Categorical(["a", "b", "a"])
    inv = nc.Inventory.from_columns(activity="electricity.grid", quantity=np.ones(3), unit="MWh", region="VN",
                                    year=2023, scope=2, site=cat)
    cat[0] = "b"
    assert inv.site.values() == ["a", "b", "a"]


# -- quantities -----------------------------------------------------------------------------------------------


def _with_quantity(q, lib: str):
    base = {"activity": ["electricity.grid"] * 3, "unit": ["MWh"] * 3, "region": ["VN"] * 3,
            "year": [2023] * 3, "scope": [2] * 3}
    if lib == "pandas":
        return nc.Inventory.from_pandas(pd.DataFrame({**base, "quantity": q}))
    if lib == "polars":
        return nc.Inventory.from_polars(pl.DataFrame({**base, "quantity": q}))
    return nc.Inventory.from_arrow(pa.table({**base, "quantity": q}))


@pytest.mark.parametrize("lib", ["pandas", "polars", "arrow"])
def test_float32_and_decimal_quantities_are_widened_to_float64(lib):
    q32 = np.array([0.1, 2.5, 1e6], np.float32)
    col = {"pandas": pd.Series(q32), "polars": pl.Series(q32), "arrow": pa.array(q32)}[lib]
    assert _with_quantity(col, lib).quantity.tolist() == q32.astype(np.float64).tolist()
    dec = [Decimal("0.1"), Decimal("2.5"), Decimal("1000000.25")]
    col = {"pandas": pd.Series(dec, dtype=object), "polars": pl.Series(dec), "arrow": pa.array(dec)}[lib]
    inv = _with_quantity(col, lib)
    assert inv.quantity.dtype == np.float64 and inv.quantity.tolist() == [0.1, 2.5, 1000000.25]


@pytest.mark.parametrize("lib", ["pandas", "polars", "arrow"])
def test_a_missing_quantity_names_its_row(lib):
    col = {"pandas": pd.array([1.0, None, 3.0], dtype="Float64"), "polars": pl.Series([1.0, None, 3.0]),
           "arrow": pa.array([1.0, None, 3.0])}[lib]
    with pytest.raises(nc.InvalidQuantityError, match="column 'quantity'") as info:
        _with_quantity(col, lib)
    assert info.value.rows == [1]


def test_nullable_pandas_floats_without_a_missing_value_are_read():
    inv = _with_quantity(pd.array([1.5, 2.0, 0.0], dtype="Float64"), "pandas")
    assert inv.quantity.tolist() == [1.5, 2.0, 0.0]


# -- unused categories ----------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(dtype=st.sampled_from(["int8", "int16", "int32", "uint8", "uint16"]), n_cats=st.integers(1, 120),
       data=st.data())
def test_dropping_unused_categories_keeps_every_label_and_the_code_width(dtype, n_cats, data):
    """Invariant: compacting keeps each row's label, the used categories in their order, and the codes' type."""
    codes = np.array(data.draw(st.lists(st.integers(0, n_cats - 1), max_size=300)), dtype=dtype)
    codes.setflags(write=False)  # as every inventory's codes are
    cat = Categorical(codes, tuple(f"c{i}" for i in range(n_cats)))
    small = cat.compact()
    assert small.values() == cat.values()
    assert small.categories == tuple(c for c in cat.categories if c in set(cat.values()))
    assert small.codes.dtype == codes.dtype and not small.codes.flags.writeable


def test_only_trailing_unused_categories_keep_the_codes_as_they_are():
    codes = np.array([0, 2, 1, 2], dtype=np.int16)
    codes.setflags(write=False)
    small = Categorical(codes, ("a", "b", "c", "spare", "spare2")).compact()
    assert small.codes is codes and small.categories == ("a", "b", "c")
    inner = Categorical(codes + 1, ("spare", "a", "b", "c")).compact()
    assert inner.codes.tolist() == [0, 2, 1, 2] and inner.codes.dtype == np.int16
    assert inner.categories == ("a", "b", "c")


def test_a_polars_categorical_is_coded_in_order_of_first_appearance():
    # polars' physical ids number the whole process's strings; the column's own labels come in the order its
    # rows first show them, the same on every run (an unordered unique() would not promise it)
    pl.Series(["zz-late", "s2"], dtype=pl.Categorical)  # other strings in the process's categories first
    s = pl.Series(["s2", "s1", None, "s2", "s3", "s1"], dtype=pl.Categorical)
    codes, labels = frames.column_values(s, coded=True)
    assert list(labels) == ["s2", "s1", "s3", None]
    assert [labels[c] for c in np.asarray(codes).tolist()] == ["s2", "s1", None, "s2", "s3", "s1"]


def test_equal_polars_enums_give_one_labels_tuple_and_other_enums_their_own():
    """An Enum's labels are read out once for equal categories (compared by polars), never mixed up with another
    Enum's of the same length, and a missing value still adds its ``None``."""
    a = pl.Series("site", ["s1", "s0", "s1"], dtype=pl.Enum(["s0", "s1"]))
    b = pl.Series("site", ["s0"], dtype=pl.Enum(["s0", "s1"]))
    swapped = pl.Series("site", ["s0"], dtype=pl.Enum(["s1", "s0"]))
    other = pl.Series("site", ["x1"], dtype=pl.Enum(["x0", "x1"]))
    (ca, la), (cb, lb) = frames.column_values(a), frames.column_values(b)
    assert la == ("s0", "s1") and lb is la
    assert ca.tolist() == [1, 0, 1] and cb.tolist() == [0]
    cs, ls = frames.column_values(swapped)
    assert ls == ("s1", "s0") and cs.tolist() == [1]
    co, lo = frames.column_values(other)
    assert lo == ("x0", "x1") and co.tolist() == [1]
    cn, ln = frames.column_values(pl.Series("site", ["s1", None], dtype=pl.Enum(["s0", "s1"])))
    assert ln == ("s0", "s1", None) and cn.tolist() == [1, 2]
    assert frames.column_values(a)[1] is la  # the tuple with None added is a copy: the shared one is unchanged
    inv = nc.Inventory.from_columns(activity=["x"] * 3, region="VN", year=2023, unit="MWh", quantity=[1.0] * 3,
                                    scope=1, site=frames.column_values(a))
    assert list(inv.site.values()) == ["s1", "s0", "s1"]
