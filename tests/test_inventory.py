"""Inventory construction, validation, CSV round trips, filtering and display."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest

import neutralcore as nc
from factors_fixture import published_factors


def make(**over):
    cols = dict(activity=["electricity.grid", "fuel.diesel.stationary"], quantity=[10.0, 5.0], unit=["MWh", "L"],
                region=["VN", "VN"], year=[2023, 2023], scope=[2, 1], site=["a", "b"])
    cols.update(over)
    return nc.Inventory.from_columns(**cols)


def test_from_columns_codes_and_arrays():
    inv = make()
    assert len(inv) == 2
    assert inv.quantity.dtype == np.float64 and inv.quantity.tolist() == [10.0, 5.0]
    assert inv.activity.categories == ("electricity.grid", "fuel.diesel.stationary")
    assert inv.activity.codes.tolist() == [0, 1]
    assert inv.scope.categories == (2, 1)
    assert not inv.quantity.flags.writeable


def test_from_columns_broadcasts_scalars_and_accepts_codes():
    inv = nc.Inventory.from_columns(
        activity=(np.array([0, 0, 1]), ("electricity.grid", "fuel.lpg.stationary")),
        quantity=np.array([1.0, 2.0, 3.0]), unit="MWh", region="VN", year=2023, scope=np.array([2, 2, 1]),
    )
    assert inv.activity.values() == ["electricity.grid", "electricity.grid", "fuel.lpg.stationary"]
    assert inv.year.tolist() == [2023] * 3
    assert inv.region.categories == ("VN",)


@pytest.mark.parametrize("bad, row", [(-1.0, 1), (math.nan, 0), (math.inf, 1)])
def test_bad_quantity_names_rows(bad, row):
    q = [1.0, 1.0]
    q[row] = bad
    with pytest.raises(nc.InvalidQuantityError) as info:
        make(quantity=q)
    assert info.value.rows == [row]
    assert info.value.column == "quantity"
    assert isinstance(info.value, ValueError)


def test_unknown_unit_names_rows():
    with pytest.raises(nc.UnknownUnitError, match="furlongs_per_fortnight_x"):
        make(unit=["MWh", "furlongs_per_fortnight_x"])


def test_bad_scope_and_activity_and_region():
    with pytest.raises(nc.InputError, match="scope"):
        make(scope=[2, 4])
    with pytest.raises(nc.InputError, match="Electricity"):
        make(activity=["Electricity Grid", "fuel.diesel.stationary"])
    with pytest.raises(nc.InputError, match="region"):
        make(region=["VN", "Viet Nam"])


def test_length_mismatch():
    with pytest.raises(nc.SchemaError, match="site.*3 rows"):
        make(site=["a", "b", "c"])


def test_activity_object_validation():
    with pytest.raises(nc.InvalidQuantityError):
        nc.Activity("electricity.grid", -1, "MWh", region="VN", year=2023, scope=2)
    with pytest.raises(nc.UnknownUnitError):
        nc.Activity("electricity.grid", 1, "parsecs_of_coal", region="VN", year=2023, scope=2)
    a = nc.Activity("electricity.grid", "12.5", "MWh", region="VN", year="2023", scope="scope 2", tags={"bu": "north"})
    assert (a.quantity, a.year, a.scope, dict(a.tags)) == (12.5, 2023, 2, {"bu": "north"})


def test_inventory_from_activities_roundtrip():
    acts = [
        nc.Activity("electricity.grid", 1200, "MWh", region="VN", year=2023, scope=2, site="p1", tags={"bu": "x"}),
        nc.Activity("fuel.lpg.stationary", 50, "kg", region="CN-JS", year=2022, scope=1, category="boilers"),
    ]
    inv = nc.Inventory(acts)
    back = list(inv)
    assert back[0] == acts[0]
    assert back[1] == acts[1]
    assert "bu" in inv.dims


def test_csv_roundtrip(tmp_path):
    inv = make(category=["c1", None])
    path = tmp_path / "inv.csv"
    inv.to_csv(path)
    again = nc.Inventory.read_csv(path)
    assert list(again) == list(inv)


def test_read_csv_errors_name_file_line_and_column(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("activity,quantity,unit,region,year,scope\n"
                    "electricity.grid,10,MWh,VN,2023,2\n"
                    "electricity.grid,-3,MWh,VN,2023,2\n")
    with pytest.raises(nc.InvalidQuantityError) as info:
        nc.Inventory.read_csv(path)
    assert info.value.rows == [3]
    assert str(path) in str(info.value) and "quantity" in str(info.value) and "(line 3)" in str(info.value)

    path.write_text("activity,quantity,unit,region,year,scope\nelectricity.grid,ten,MWh,VN,2023,2\n")
    with pytest.raises(nc.InvalidQuantityError, match=r"\(line 2\)"):
        nc.Inventory.read_csv(path)

    path.write_text("activity,quantity,unit,region,year\nelectricity.grid,1,MWh,VN,2023\n")
    with pytest.raises(nc.SchemaError, match="scope"):
        nc.Inventory.read_csv(path)

    path.write_text("activity,quantity,unit,region,year,scope\nelectricity.grid,1,MWh,VN,2023\n")
    with pytest.raises(nc.SchemaError, match="line 2: expected 6 fields, found 5"):
        nc.Inventory.read_csv(path)

    path.write_text("activity,quantity,unit,region,year,scope\nelectricity.grid,1,MWh,VN,20x3,2\n")
    with pytest.raises(nc.SchemaError, match=r"year.*\(line 2\)"):
        nc.Inventory.read_csv(path)


def test_read_csv_extra_columns_become_dimensions(tmp_path):
    path = tmp_path / "inv.csv"
    path.write_text("activity,quantity,unit,region,year,scope,business_unit\n"
                    "electricity.grid,1,MWh,VN,2023,2,north\nelectricity.grid,2,MWh,VN,2023,2,south\n")
    inv = nc.Inventory.read_csv(path)
    assert inv.dims["business_unit"].values() == ["north", "south"]
    assert len(inv.where(business_unit="south")) == 1


def test_where_and_concat():
    inv = make()
    assert len(inv.where(scope=2)) == 1
    assert len(inv.where(activity="fuel")) == 1  # dotted prefix
    assert len(inv.where(site=["a", "b"], year=2023)) == 2
    both = nc.Inventory.concat([inv, inv.where(scope=1)])
    assert len(both) == 3
    assert both.quantity.tolist() == [10.0, 5.0, 5.0]
    assert (inv + inv).quantity.sum() == 30.0


def test_with_quantity_validates_and_does_not_mutate():
    inv = make()
    with pytest.raises(nc.InvalidQuantityError):
        inv.with_quantity([1.0, -1.0])
    new = inv.with_quantity([1.0, 2.0])
    assert inv.quantity.tolist() == [10.0, 5.0]
    assert new.quantity.tolist() == [1.0, 2.0]


def test_repr_summarises_large_inventory():
    n = 100_000
    inv = nc.Inventory.from_columns(activity="electricity.grid", quantity=np.ones(n), unit="MWh", region="VN",
                                    year=2023, scope=2)
    text = repr(inv)
    assert "100,000 rows" in text and len(text.splitlines()) < 12
    assert "<table>" in inv._repr_html_()


def test_errors_pickle():
    for err in (nc.InvalidQuantityError("bad", column="quantity", rows=[1, 2], source="f.csv"),
                nc.FactorNotFoundError("none", keys=[("a", "VN", 2023)], rows=[0]),
                nc.PackFormatError("broken", file="f.csv", line=3, column="unit", plugin="x", dist="d")):
        again = pickle.loads(pickle.dumps(err))
        assert type(again) is type(err) and str(again) == str(err)
        assert again._fields == err._fields


def test_read_csv_unknown_unit_names_file_and_line(tmp_path):
    path = tmp_path / "inv.csv"
    path.write_text("activity,quantity,unit,region,year,scope\nelectricity.grid,1,MWh,VN,2023,2\n"
                    "electricity.grid,1,blorps,VN,2023,2\n")
    with pytest.raises(nc.UnknownUnitError) as info:
        nc.Inventory.read_csv(path)
    assert info.value.rows == [3] and info.value.source == str(path)
    assert str(path) in str(info.value) and "blorps" in str(info.value) and "(line 3)" in str(info.value)


def test_summary_per_activity_and_unit():
    inv = make(activity=["electricity.grid", "electricity.grid"], unit=["MWh", "MWh"], quantity=[10.0, 5.5])
    s = inv.summary()
    assert s.to_dicts() == [{"activity": "electricity.grid", "unit": "MWh", "rows": 2, "quantity": 15.5}]


# -- audit of issue 2: defects found and fixed -------------------------------------------


@pytest.mark.parametrize("scope", ["2", 2, 2.0, "2.0", "Scope 2", " scope 2 ", np.int64(2), np.float64(2.0)])
def test_scope_spellings(scope):
    assert nc.Activity("electricity.grid", 1, "MWh", region="VN", year=2023, scope=scope).scope == 2
    assert make(scope=[scope, 1]).scope.categories == (2, 1)


@pytest.mark.parametrize("scope", [2.5, True, "4", "two", None])
def test_bad_scopes(scope):
    with pytest.raises(nc.InputError, match="scope"):
        nc.Activity("electricity.grid", 1, "MWh", region="VN", year=2023, scope=scope)


def test_where_accepts_any_scalar_and_normalises_region():
    inv = make(region=["vn", "VN"])
    assert inv.region.categories == ("VN",)
    assert len(inv.where(scope=2.0)) == 1 and len(inv.where(scope=np.int64(1))) == 1
    assert len(inv.where(region="vn")) == 2


def test_year_is_never_truncated_or_wrapped():
    with pytest.raises(nc.SchemaError, match="2023.5"):
        make(year=2023.5)  # a scalar year used to become 2023
    with pytest.raises(nc.SchemaError, match="between 1800 and 2300") as exc:
        make(year=np.array([2023, 2**32 + 2023], dtype=np.int64))  # used to wrap to 2023 in int32
    assert exc.value.rows == [1]
    with pytest.raises(nc.SchemaError, match="between 1800 and 2300"):
        make(year=[2023, 10**12])
    assert make(year=np.int64(2023)).year.tolist() == [2023, 2023]
    assert make(year="2023").year.tolist() == [2023, 2023]
    assert make(year=np.array([2023.0, 2024.0])).year.tolist() == [2023, 2024]


def test_with_quantity_and_with_column_errors_are_typed():
    inv = make()
    with pytest.raises(nc.InvalidQuantityError):
        inv.with_quantity(["a", "b"])
    with pytest.raises(nc.SchemaError, match="9bad"):
        inv.with_column("9bad", ["x", "y"])  # used to return the inventory unchanged
    assert inv.with_column("region", ["cn", "vn"]).region.categories == ("CN", "VN")


def test_read_csv_skips_rows_of_empty_fields(tmp_path):
    path = tmp_path / "inv.csv"
    path.write_bytes(b"\xef\xbb\xbfactivity,quantity,unit,region,year,scope,site\r\n"
                     b"electricity.grid,\"1000\",MWh,vn,2023,Scope 2,a\r\n,,,,,,\r\n\r\n , ,,,,,\r\n")
    inv = nc.Inventory.read_csv(path)
    assert len(inv) == 1 and inv.region.categories == ("VN",) and inv.scope.categories == (2,)


def test_read_csv_directory_is_a_schema_error(tmp_path):
    with pytest.raises(nc.SchemaError) as exc:
        nc.Inventory.read_csv(tmp_path)
    assert str(tmp_path) in str(exc.value)


@pytest.mark.parametrize("quoted", [False, True])
def test_read_csv_plain_and_quoted_paths_agree(tmp_path, quoted):
    """Files without quotes are split in C; files with quotes go through the csv module: same rows, same lines."""
    q = '"' if quoted else ""
    path = tmp_path / "inv.csv"
    path.write_text("activity,quantity,unit,region,year,scope,site\r\n"
                    f"electricity.grid,10,MWh,VN,2023,2,{q}plant-1{q}\r\n"
                    "\r\n"
                    ",,,,,,\r\n"
                    "fuel.diesel.stationary,5,L,VN,2023,1,plant-2\r\n"
                    "electricity.grid,-1,MWh,VN,2023,2,plant-2\r\n", encoding="utf-8")
    with pytest.raises(nc.InvalidQuantityError) as info:
        nc.Inventory.read_csv(path)
    assert info.value.rows == [6]  # blank and comma-only lines are skipped but still counted
    path.write_text(path.read_text().replace(",-1,", ",1,"))
    inv = nc.Inventory.read_csv(path)
    assert inv.quantity.tolist() == [10.0, 5.0, 1.0]
    assert inv.site.values() == ["plant-1", "plant-2", "plant-2"]
    path.write_text(path.read_text() + "electricity.grid,1,MWh,VN,2023\n")
    with pytest.raises(nc.SchemaError, match="line 7: expected 7 fields, found 5"):
        nc.Inventory.read_csv(path)


# -- audit of issue 2 (second pass): more bad input, typed ---------------------------------

_SRC = nc.Source("IPCC", "2006 IPCC Guidelines Vol. 2 Table 1.2", 2006)


@pytest.mark.parametrize("make, match", [
    (lambda: nc.Factor("a.b", "VN", 2020, "t/MWh", {"CO2": 1}, None), "must be a neutralcore.Source"),
    (lambda: nc.Factor("a.b", "VN", 2020, "t/MWh", {"CO2": 1}, "IPCC"), "must be a neutralcore.Source"),
    (lambda: nc.Source("", "doc", 2020), "publisher must be a non-empty string"),
    (lambda: nc.Source(5, "doc", 2020), "publisher must be a non-empty string"),
    (lambda: nc.Source("IPCC", "  ", 2020), "document must be a non-empty string"),
    (lambda: nc.FuelProperty("foo", 43, "TJ/Gg", _SRC), "fuel property must be one of"),
    (lambda: nc.FuelProperty("ncv", "abc", "TJ/Gg", _SRC), "not a number"),
    (lambda: nc.FuelProperty("ncv", 43, "TJ/Gg", "IPCC"), "must be a neutralcore.Source"),
    (lambda: nc.Factor("a.b", "VN", 2020, "t/MWh", {"CO2": 1}, _SRC, uncertainty="x"), "uncertainty is not a number"),
    (lambda: nc.Activity("electricity.grid", True, "MWh", region="VN", year=2023, scope=2), "truth value"),
])
def test_value_types_refuse_bad_fields_with_typed_errors(make, match):
    with pytest.raises(nc.NeutralcoreError, match=match):
        make()


@pytest.mark.parametrize("quantity, error, match", [
    (np.ones((2, 2)), nc.SchemaError, r"one column \(1-D\), got shape \(2, 2\)"),
    (np.array([1 + 2j, 3 + 0j]), nc.InvalidQuantityError, "real numbers, got an array of complex128"),
    (np.array([True, False]), nc.InvalidQuantityError, "real numbers, got an array of bool"),
])
def test_from_columns_refuses_quantities_that_are_not_one_real_column(quantity, error, match):
    with pytest.raises(error, match=match):
        nc.Inventory.from_columns(activity="electricity.grid", quantity=quantity, unit="MWh", region="VN",
                                  year=2023, scope=2)


def test_concat_with_an_empty_inventory_adds_no_group():
    """2 MWh + 1 MWh of Viet Nam 2023 grid power in units a and b; an empty inventory changes nothing."""
    inv = nc.Inventory.from_columns(activity=["electricity.grid"] * 2, quantity=[1, 2], unit="MWh", region="VN",
                                    year=2023, scope=2, bu=["a", "b"])
    fs = published_factors()
    for combined in (inv + nc.Inventory(), nc.Inventory.concat([nc.Inventory(), inv]),
                     nc.Inventory.concat([inv.where(bu="zz"), inv])):
        table = combined.emissions(fs).by("bu")
        assert list(table["bu"]) == ["a", "b"]
        assert list(table["co2e_t"]) == pytest.approx([0.6592, 1.3184])
