"""Conventions (issue 13): an activity-key typo gets "did you mean" and the installed packs that cover it."""

from __future__ import annotations

import pickle

import pytest

import neutralcore as nc


def _inv(activity: str, unit: str = "MWh") -> nc.Inventory:
    return nc.Inventory([nc.Activity(activity, 10, unit, region="VN", year=2023, scope=2)])


def test_a_typo_gets_did_you_mean_and_the_packs_covering_the_key():
    with pytest.raises(nc.FactorNotFoundError) as info:
        _inv("electricity.gird").emissions(nc.load_factors("vietnam"))
    msg = str(info.value)
    assert msg.startswith("no factor for 1 key(s): (electricity.gird, VN, 2023)")
    assert "Did you mean 'electricity.grid' (for 'electricity.gird')?" in msg
    assert "Installed packs covering it or a similar key: china (electricity.grid, " in msg
    assert msg.endswith(", vietnam (electricity.grid).")
    assert info.value.keys == [("electricity.gird", "VN", 2023)] and info.value.rows == [0]
    again = pickle.loads(pickle.dumps(info.value))
    assert str(again) == msg and type(again) is nc.FactorNotFoundError


def test_a_key_of_a_pack_not_loaded_names_that_pack():
    with pytest.raises(nc.FactorNotFoundError) as info:
        _inv("fuel.diesel.stationary", "L").emissions(nc.load_factors("vietnam"))
    # the vietnam pack has the sector-qualified key (MONRE Decision 2626), the ipcc pack the generic one
    assert ("Did you mean 'fuel.diesel.stationary.commercial' or 'fuel.diesel.stationary.agriculture' or "
            "'fuel.diesel.stationary.manufacturing' (for 'fuel.diesel.stationary')?") in str(info.value)
    assert ("Installed packs covering it or a similar key: ipcc (fuel.diesel.stationary), "
            "vietnam (fuel.diesel.stationary.commercial, fuel.diesel.stationary.agriculture).") in str(info.value)


def test_nothing_close_adds_nothing():
    with pytest.raises(nc.FactorNotFoundError) as info:
        _inv("zzzz.qqqq").emissions(nc.load_factors("vietnam"))
    assert str(info.value).endswith("year fallback takes only earlier years.")


# -- row numbers mean one thing per input, and the message says which ---------------------------

import numpy as np  # noqa: E402
import openpyxl  # noqa: E402
import pandas as pd  # noqa: E402
import polars as pl  # noqa: E402
import pyarrow as pa  # noqa: E402

HEADER = ["activity", "quantity", "unit", "region", "year", "scope"]
GOOD = ["electricity.grid", 1.0, "MWh", "VN", 2023, 2]
BAD = ["electricity.grid", -1.0, "MWh", "VN", 2023, 2]


def test_csv_rows_are_file_lines(tmp_path):
    path = tmp_path / "inv.csv"
    path.write_text(",".join(HEADER) + "\n" + ",".join(map(str, GOOD)) + "\n\n" + ",".join(map(str, BAD)) + "\n")
    with pytest.raises(nc.InvalidQuantityError) as info:
        nc.Inventory.read_csv(path)
    assert str(info.value) == f"{path}, column 'quantity': quantity must not be negative (line 4)"
    assert (info.value.rows, info.value.lines, info.value.row_kind) == ([4], [4], "line")


def test_excel_rows_are_the_sheet_rows(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Data"
    for row in ([], HEADER, GOOD, BAD):
        ws.append(row)
    book.save(tmp_path / "inv.xlsx")
    with pytest.raises(nc.InvalidQuantityError) as info:
        nc.Inventory.read_excel(tmp_path / "inv.xlsx")
    assert str(info.value) == f"{tmp_path / 'inv.xlsx'}, sheet 'Data', column 'quantity': quantity must not be negative (row 4)"
    assert (info.value.rows, info.value.row_kind) == ([4], "sheet row")


def test_parquet_rows_are_0_based_positions(tmp_path):
    pd.DataFrame([GOOD, GOOD, BAD], columns=HEADER).to_parquet(tmp_path / "inv.parquet")
    with pytest.raises(nc.InvalidQuantityError) as info:
        nc.Inventory.read_parquet(tmp_path / "inv.parquet")
    assert str(info.value).endswith("inv.parquet, column 'quantity': quantity must not be negative (row 2, 0-based)")
    assert (info.value.rows, info.value.row_kind, getattr(info.value, "lines", None)) == ([2], "position", None)


@pytest.mark.parametrize("make", [
    lambda df: nc.Inventory.from_pandas(df),
    lambda df: nc.Inventory.from_polars(pl.from_pandas(df)),
    lambda df: nc.Inventory.from_arrow(pa.Table.from_pandas(df)),
    lambda df: nc.Inventory.from_columns(**{c: df[c].to_numpy() for c in df}),
    lambda df: nc.Inventory.from_columns(**{c: df[c].tolist() for c in df}),
])
def test_in_memory_rows_are_0_based_positions(make):
    df = pd.DataFrame([GOOD, BAD, GOOD, BAD], columns=HEADER, index=[10, 11, 12, 13])  # index labels are not used
    with pytest.raises(nc.InvalidQuantityError) as info:
        make(df)
    assert str(info.value) == "column 'quantity': quantity must not be negative (rows 1, 3, 0-based)"
    assert (info.value.rows, info.value.row_kind) == ([1, 3], "position")


def test_errors_of_a_calculation_give_positions_and_the_file_lines(tmp_path):
    path = tmp_path / "inv.csv"
    path.write_text(",".join(HEADER) + "\n\n" + "electricity.grid,1,kg,VN,2023,2\n")
    src = nc.Source("MONRE/DCC", "Viet Nam grid emission factor 2023", 2024)
    fs = nc.FactorSet.from_factors([nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, src)])
    with pytest.raises(nc.DimensionError) as info:
        nc.Inventory.read_csv(path).emissions(fs)
    assert (info.value.rows, info.value.lines, info.value.source) == ([0], [3], str(path))
    assert f"lines [3] of {path}" in str(info.value)
