"""Raw errors on the input paths are typed, and each odd input value has one decided meaning (issue 10).

The decisions are the table "Input values" in docs/measure.md; each row has a test here.
"""

from __future__ import annotations

import decimal
import fractions

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neutralcore as nc

BASE = dict(activity="electricity.grid", quantity=[1.0, 2.0], unit="MWh", region="VN", year=2023, scope=2)


def build(**columns):
    return nc.Inventory.from_columns(**{**BASE, **columns})


def refused(error, **columns):
    with pytest.raises(error) as info:
        build(**columns)
    return info.value


# -- raw errors that were not NeutralcoreErrors ------------------------------------------------------------------


def test_a_quantity_too_large_for_a_float_is_an_invalid_quantity():
    """quantity=[10**400] raised a bare OverflowError."""
    err = refused(nc.InvalidQuantityError, quantity=[1, 10**400])
    assert err.column == "quantity" and err.rows == [1] and "too large for a float" in str(err)
    assert refused(nc.InvalidQuantityError, quantity=np.array([10**400, 1], dtype=object)).rows == [0]
    with pytest.raises(nc.InvalidQuantityError, match="too large"):
        nc.Activity("electricity.grid", 10**400, "MWh", region="VN", year=2023, scope=2)


def test_pandas_string_columns_with_na_are_read():
    """A pandas "string" column with NA raised TypeError ("boolean value of NA is ambiguous"); in an optional
    label column NA is no label, like None and NaN, and in a required one it is an error naming the row."""
    pd = pytest.importorskip("pandas")
    inv = build(site=pd.array(["a", pd.NA], dtype="string"), bu=pd.array([pd.NA, "x"], dtype="string"))
    assert inv.site.values() == ["a", None] and inv.dims["bu"].values() == [None, "x"]
    err = refused(nc.InputError, activity=pd.array(["electricity.grid", pd.NA], dtype="string"))
    assert err.column == "activity" and err.rows == [1]
    err = refused(nc.InvalidQuantityError, quantity=pd.array([1.0, pd.NA], dtype="Float64"))
    assert err.rows == [1]
    err = refused(nc.InvalidQuantityError, quantity=[1.0, pd.NA])
    assert err.rows == [1] and "not a number" in str(err)
    assert refused(nc.SchemaError, year=pd.array([2023, pd.NA], dtype="Int64")).rows == [1]


@pytest.mark.parametrize("codes, says", [
    (np.array([0, 2**40]), "code 1099511627776 at position 1"),  # tried to allocate 8 TiB (MemoryError)
    (np.array([0, 2**63], dtype=np.uint64), "code 9223372036854775808"),  # was called a negative code
    (np.array([0, -1]), "code -1 at position 1"),
    (np.array([[0, 1]]), "one column (1-D)"),  # was flattened
])
def test_codes_out_of_range_are_a_schema_error(codes, says):
    err = refused(nc.SchemaError, site=(codes, ("a", "b")))
    assert err.column == "site" and says in str(err)


# -- decisions: quantities -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("value, says", [
    (True, "truth value"), (np.bool_(False), "truth value"), (None, "is missing"), ("1_000", "'_'"),
    ("١٢", "ASCII"), ("１２", "ASCII"), (b"1", "bytes"), (1j, "complex"), (np.datetime64("2020"), "datetime64"),
    ("", "empty"), ("twelve", "not a number"),
])
def test_quantities_that_could_be_a_mistake_are_refused(value, says):
    err = refused(nc.InvalidQuantityError, quantity=[2.0, value])
    assert err.rows == [1] and says in str(err)
    with pytest.raises(nc.InvalidQuantityError, match=says):
        nc.Activity("electricity.grid", value, "MWh", region="VN", year=2023, scope=2)


def test_a_masked_quantity_is_refused_and_an_unmasked_one_read():
    """A masked entry used to be read as the number under the mask."""
    err = refused(nc.InvalidQuantityError, quantity=np.ma.array([1.0, 2.0], mask=[False, True]))
    assert err.rows == [1] and "masked" in str(err)
    assert build(quantity=np.ma.array([1.0, 2.0], mask=False)).quantity.tolist() == [1.0, 2.0]


def test_quantities_that_are_plain_numbers_are_read():
    inv = build(quantity=[" 12.5 ", "3e2", decimal.Decimal("0.25"), fractions.Fraction(1, 4), np.float32(2), 7])
    assert inv.quantity.tolist() == [12.5, 300.0, 0.25, 0.25, 2.0, 7.0]
    assert build(quantity=(v for v in [1.0, 2.0])).quantity.tolist() == [1.0, 2.0]  # an iterable is read once


def test_minus_zero_is_zero():
    inv = build(quantity=[-0.0, "-0"])
    assert inv.quantity.tolist() == [0.0, 0.0] and not np.signbit(inv.quantity).any()
    assert not np.signbit(nc.Activity("electricity.grid", -0.0, "MWh", region="VN", year=2023, scope=2).quantity)


# -- decisions: years and scopes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2e3", "2_023", "٢٠٢٣", "+2023", True, np.bool_(True), "nan", float("nan"),
                                   2023.5, "2023.5", None, b"2023"])
def test_years_that_could_be_a_mistake_are_refused(value):
    """'2e3' was read as the year 2000, '2_023' and '٢٠٢٣' as 2023."""
    err = refused(nc.SchemaError, year=[2023, value])
    assert err.column == "year" and err.rows == [1]
    with pytest.raises(nc.InputError):
        nc.Activity("electricity.grid", 1, "MWh", region="VN", year=value, scope=2)


def test_years_that_are_whole_numbers_are_read():
    inv = build(year=[2023.0, " 2024 "])
    assert inv.year.tolist() == [2023, 2024]
    assert build(year=["2023.0", np.int16(2022)]).year.tolist() == [2023, 2022]
    assert build(year=[decimal.Decimal("2021"), fractions.Fraction(4040, 2)]).year.tolist() == [2021, 2020]
    assert build(year=[2e3, 2023]).year.tolist() == [2000, 2023]  # the float 2000.0: nothing says it was "2e3"
    assert refused(nc.SchemaError, year=[-0.0, 2023]).rows == [0]  # year 0: out of range
    err = refused(nc.SchemaError, year=np.ma.array([2023, 2023], mask=[False, True]))
    assert err.rows == [1] and "masked" in str(err)


@pytest.mark.parametrize("value", ["2e0", "٢", "1_0", "-0", "+2", True, np.bool_(True), 2.5, float("nan"), "inf",
                                   10**400, "Scope 2.5"])
def test_scopes_that_could_be_a_mistake_are_refused(value):
    err = refused(nc.InputError, scope=[2, value])
    assert err.column == "scope" and err.rows == [1]


def test_scopes_written_as_people_write_them_are_read():
    assert build(scope=["Scope 2", "2.0"]).scope.values() == [2, 2]
    assert build(scope=[np.int64(1), 3.0]).scope.values() == [1, 3]
    assert build(scope=[decimal.Decimal("2"), " 1 "]).scope.values() == [2, 1]


@settings(max_examples=200, deadline=None)
@given(value=st.one_of(st.text(max_size=12), st.integers(), st.floats(), st.booleans(), st.none(),
                       st.binary(max_size=4)))
def test_any_quantity_is_read_or_refused_with_a_typed_error(value):
    try:
        inv = build(quantity=[value, 1.0])
    except nc.InputError as err:
        assert err.column == "quantity"
        return
    q = inv.quantity[0]
    assert np.isfinite(q) and q >= 0 and not np.signbit(q)
