"""Results out (issue 13, "Out" and "Conventions"): every table converts with fixed column types; per-row results."""

from __future__ import annotations

import csv
import json
import math

import numpy as np
import openpyxl
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import neutralcore as nc
from neutralcore._core.table import Table

SRC = nc.Source("MONRE/DCC", "Viet Nam grid emission factor 2023", 2024)
IPCC = nc.Source("IPCC", "2006 IPCC Guidelines, Vol. 2, Table 2.2", 2006)


@pytest.fixture(scope="module")
def factors() -> nc.FactorSet:
    # hand-checkable numbers: 0.5 t CO2/MWh; 2 t CO2 + 0.001 t CH4 per t of fuel
    return nc.FactorSet.from_factors([
        nc.Factor("electricity.grid", "VN", 2022, "t/MWh", {"CO2": 0.5}, SRC),
        nc.Factor("fuel.test", "VN", 2023, "t/t", {"CO2": 2.0, "CH4": 0.001}, IPCC),
    ])


@pytest.fixture(scope="module")
def res(factors):
    inv = nc.Inventory([
        nc.Activity("electricity.grid", 100, "MWh", region="VN", year=2023, scope=2, site="b"),
        nc.Activity("electricity.grid", 300, "MWh", region="VN", year=2023, scope=2, site="a"),
        nc.Activity("fuel.test", 10, "t", region="VN", year=2023, scope=1, site="a"),
    ])
    return inv.emissions(factors, gwp="AR5")


def test_by_takes_arguments_or_one_list(res):
    a, b = res.by("scope", "site"), res.by(["scope", "site"])
    assert a.to_dicts() == b.to_dicts() == res.by(("scope", "site")).to_dicts()
    # CH4 AR5 GWP100 is 28 (IPCC AR5 WG1 Table 8.A.1): 10 t x (2 + 0.001 x 28) = 20.28
    assert [(r["scope"], r["site"], round(r["co2e_t"], 9)) for r in a] == [(1, "a", 20.28), (2, "a", 150.0),
                                                                           (2, "b", 50.0)]
    with pytest.raises(nc.InputError, match="as arguments or as one list"):
        res.by(["scope"], "site")


def test_by_table_converts_with_fixed_types(res):
    t = res.by("scope", "site")
    assert t.column_types() == {"scope": "int", "site": "str", "co2e_t": "float", "CO2_t": "float", "CH4_t": "float"}
    df = t.to_pandas()
    assert str(df["scope"].dtype) == "int64" and df["co2e_t"].dtype == np.float64
    assert pd.api.types.is_string_dtype(df["site"]) and df["site"].tolist() == ["a", "a", "b"]
    assert df.attrs["title"] == t.title
    p = t.to_polars()
    assert p.schema == pl.Schema({"scope": pl.Int64, "site": pl.String, "co2e_t": pl.Float64, "CO2_t": pl.Float64,
                                  "CH4_t": pl.Float64})
    a = t.to_arrow()
    assert a.schema.field("scope").type == pa.int64() and a.schema.field("site").type == pa.string()
    assert a.schema.field("co2e_t").type == pa.float64() and a.schema.metadata[b"title"] == t.title.encode()
    assert a.column("co2e_t").to_pylist() == list(t["co2e_t"])


def test_year_keys_are_ints_and_sorted(factors):
    inv = nc.Inventory([nc.Activity("electricity.grid", 1, "MWh", region="VN", year=y, scope=2) for y in (2024, 2022, 2023)])
    t = inv.emissions(factors).by("year")
    assert t["year"] == [2022, 2023, 2024] and t.to_arrow().schema.field("year").type == pa.int64()


def test_every_table_kind_converts(res):
    for table in (res.by("scope"), res.per_gas(), res.matches.summary(), res.matches.fallbacks(), res.rows(),
                  res.inventory.summary()):
        assert isinstance(table, Table)
        assert len(table.to_pandas()) == len(table.to_polars()) == table.to_arrow().num_rows == len(table)
        assert len(json.loads(table.to_json())) == len(table)


def test_to_csv_goes_through_the_one_writer_and_reads_back(res, tmp_path):
    t = res.by("scope", "site")
    t.to_csv(tmp_path / "by.csv")
    with open(tmp_path / "by.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == list(t.columns)
    assert [float(r[2]) for r in rows[1:]] == list(t["co2e_t"])  # floats written exactly
    back = pd.read_csv(tmp_path / "by.csv")
    assert back["co2e_t"].tolist() == list(t["co2e_t"]) and back["scope"].tolist() == [1, 2, 2]
    Table({"label": ["=cmd()", None], "n": [1, None]}).to_csv(tmp_path / "x.csv")
    assert (tmp_path / "x.csv").read_text(encoding="utf-8").splitlines() == ["label,n", "'=cmd(),1", ","]


def test_to_json_records_nulls_and_dates(tmp_path):
    import datetime

    t = Table({"k": ["a", None], "v": np.array([1.5, np.nan]), "d": [datetime.date(2024, 5, 1), None], "n": [3, None]})
    want = [{"k": "a", "v": 1.5, "d": "2024-05-01", "n": 3}, {"k": None, "v": None, "d": None, "n": None}]
    assert json.loads(t.to_json()) == want
    t.to_json(tmp_path / "t.json", indent=2)
    assert json.loads((tmp_path / "t.json").read_text(encoding="utf-8")) == want


def test_to_excel_writes_numbers_as_numbers_and_formulas_as_text(res, tmp_path):
    t = res.by("scope", "site")
    t.to_excel(tmp_path / "by.xlsx", sheet="By scope")
    ws = openpyxl.load_workbook(tmp_path / "by.xlsx")["By scope"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == t.columns and [r[2] for r in rows[1:]] == list(t["co2e_t"])
    Table({"label": ["=SUM(A1:A2)"], "x": [float("nan")]}).to_excel(tmp_path / "f.xlsx")
    cell = openpyxl.load_workbook(tmp_path / "f.xlsx").active["A2"]
    assert cell.value == "=SUM(A1:A2)" and cell.data_type == "s"
    assert openpyxl.load_workbook(tmp_path / "f.xlsx").active["B2"].value is None


def test_rows_give_every_gas_the_factor_used_and_its_source(res):
    t = res.rows()
    assert t.columns[:1] == ("row",) and {"CO2_t", "CH4_t", "factor_activity", "factor_region", "factor_year",
                                          "fallback", "pack", "source"} <= set(t.columns)
    rows = t.to_dicts()
    assert [r["co2e_t"] for r in rows] == pytest.approx([50.0, 150.0, 20.28], rel=1e-12)
    assert [r["CH4_t"] for r in rows] == pytest.approx([0.0, 0.0, 0.01], rel=1e-12)
    assert rows[0]["factor_year"] == 2022 and rows[0]["fallback"] == "year" and rows[0]["year"] == 2023
    assert rows[2]["fallback"] == "exact" and rows[2]["source"] == "IPCC, 2006 IPCC Guidelines, Vol. 2, Table 2.2 (2006)"
    assert math.isclose(sum(t["co2e_t"]), res.total(), rel_tol=1e-12)
    assert t.to_pandas()["CO2_t"].dtype == np.float64


def test_rows_of_a_file_name_file_and_line(factors, tmp_path):
    path = tmp_path / "inv.csv"
    path.write_text("activity,quantity,unit,region,year,scope\n\nelectricity.grid,2,MWh,VN,2023,2\n", encoding="utf-8")
    r = nc.Inventory.read_csv(path).emissions(factors).rows().row(0)
    assert r["file"] == str(path) and r["line"] == 3 and r["co2e_t"] == 1.0


def test_target_takes_what_total_returns(res):
    total = res.total()
    assert type(total) is float
    for value in (total, np.float64(total), res.by("scope")["co2e_t"].sum()):
        t = nc.Target.sbti(2023, value, 2030)
        assert type(t.base_value) is float and t.base_value == pytest.approx(220.28)
        assert t.value(2030) == pytest.approx(220.28 * (1 - 0.042 * 7))


def test_dataframes_page_runs(tmp_path, monkeypatch):
    """docs/dataframes.md runs as written."""
    import re
    from pathlib import Path

    monkeypatch.chdir(tmp_path)
    text = (Path(__file__).resolve().parent.parent / "docs" / "dataframes.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 4
    namespace: dict = {}
    for i, block in enumerate(blocks):
        exec(compile(block, f"dataframes.md example {i + 1}", "exec"), namespace)  # noqa: S102 - our own docs
    assert (tmp_path / "by_scope.csv").exists() and (tmp_path / "by_scope.xlsx").exists()


def test_trajectory_gap_and_mac_curve_convert():
    from neutralcore.plugins.levers import EnergyEfficiency

    factors = nc.load_factors("vietnam", "ipcc")
    inv = nc.Inventory([
        nc.Activity("electricity.grid", 1200, "MWh", region="VN", year=2023, scope=2, site="plant-1"),
        nc.Activity("fuel.diesel.stationary", 15_000, "L", region="VN", year=2023, scope=1, site="plant-1"),
    ])
    scenario = nc.Scenario(inv, [(EnergyEfficiency(0.10, activity="electricity.grid"), 2026)], factors=factors)
    traj = scenario.trajectory(2023, 2030)
    gap = scenario.gap(nc.Target.sbti(2023, inv.emissions(factors).total(), 2030))
    lever = EnergyEfficiency(0.10, activity="electricity.grid", costs=nc.Costs(capex=10_000, lifetime=10))
    mac = nc.mac_curve(inv, [lever], 2023, discount_rate=0.08, factors=factors)
    for table in (traj, gap, mac):
        assert isinstance(table, Table)
        assert table.to_arrow().num_rows == len(table.to_polars()) == len(table.to_pandas()) == len(table)
    assert traj.to_pandas()["year"].tolist() == list(range(2023, 2031))
    assert str(traj.to_pandas()["year"].dtype) == "int64" and traj.to_arrow().schema.field("scope1").type == pa.float64()
    # 10 % of 1,200 MWh x 0.6592 t/MWh (MONRE/DCC 2023) = 79.104 t less scope 2 from 2026
    s2 = traj.to_pandas().set_index("year")["scope2_location"]
    assert s2[2025] - s2[2026] == pytest.approx(79.104)
