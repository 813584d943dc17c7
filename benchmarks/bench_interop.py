"""Seconds to build an inventory from each input kind, and to hand results back out.

Run:  PYTHONPATH=src python benchmarks/bench_interop.py [--rows 1000000] [--excel-rows 100000] [--repeat 3]

Rows: 3 activities in 3 units, 50 sites, 3 years, one region; the same rows as
a pandas DataFrame (text columns, then ``category`` columns), a polars
DataFrame (``String``, then ``Categorical``), an Arrow table (``string``, then
dictionary-encoded), a Parquet file, an Excel workbook and a CSV file.  Each
time is the best of ``--repeat`` runs after one warm-up (the unit registry is
built once per process).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import polars as pl
import pyarrow as pa

import neutralcore as nc


def frame(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    acts = np.array(["electricity.grid", "fuel.diesel.stationary", "fuel.natural_gas.stationary"])
    pick = rng.integers(0, 3, n)
    return pd.DataFrame({
        "activity": acts[pick], "quantity": rng.random(n) * 100, "unit": np.array(["MWh", "L", "GJ"])[pick],
        "region": "VN", "year": rng.integers(2022, 2025, n), "scope": np.where(pick == 0, 2, 1),
        "site": np.array([f"site-{i}" for i in range(50)])[rng.integers(0, 50, n)],
    })


def best(call, repeat: int) -> float:
    call()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--excel-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n, repeat = args.rows, args.repeat
    df = frame(n)
    text = ["activity", "unit", "region", "site"]
    cat = df.astype({c: "category" for c in text})
    pdf = pl.from_pandas(df)
    pcat = pdf.with_columns(pl.col(*text).cast(pl.Categorical))
    table = pa.Table.from_pandas(df, preserve_index=False)
    dtable = pa.Table.from_pandas(cat, preserve_index=False)
    tmp = Path(tempfile.mkdtemp())
    df.to_csv(tmp / "inv.csv", index=False)
    df.to_parquet(tmp / "inv.parquet", index=False)
    print(f"{n:,} rows")
    for label, call in [
        ("pandas, text columns", lambda: nc.Inventory.from_pandas(df)),
        ("pandas, category columns", lambda: nc.Inventory.from_pandas(cat)),
        ("polars, String columns", lambda: nc.Inventory.from_polars(pdf)),
        ("polars, Categorical columns", lambda: nc.Inventory.from_polars(pcat)),
        ("Arrow, string columns", lambda: nc.Inventory.from_arrow(table)),
        ("Arrow, dictionary columns", lambda: nc.Inventory.from_arrow(dtable)),
        ("Parquet file", lambda: nc.Inventory.read_parquet(tmp / "inv.parquet")),
        ("CSV file (read_csv)", lambda: nc.Inventory.read_csv(tmp / "inv.csv")),
    ]:
        print(f"  {label:32s} {best(call, repeat) * 1000:8.0f} ms")

    m = args.excel_rows
    small = df.head(m)
    start = time.perf_counter()
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet("Inventory")
    ws.append(list(small.columns))
    for row in small.itertuples(index=False):
        ws.append([v.item() if isinstance(v, np.generic) else v for v in row])
    book.save(tmp / "inv.xlsx")
    print(f"{m:,} rows: writing the workbook with openpyxl {time.perf_counter() - start:.1f} s")
    print(f"  {'Excel file (read_excel)':32s} {best(lambda: nc.Inventory.read_excel(tmp / 'inv.xlsx'), 1):8.1f} s")

    src = nc.Source("bench", "made-up factors for timing", 2024)
    fs = nc.FactorSet.from_factors([
        nc.Factor("electricity.grid", "VN", 2022, "t/MWh", {"CO2": 0.5}, src),
        nc.Factor("fuel.diesel.stationary", "VN", 2022, "kg/L", {"CO2": 2.7, "CH4": 0.0001}, src),
        nc.Factor("fuel.natural_gas.stationary", "VN", 2022, "kg/GJ", {"CO2": 56.1, "CH4": 0.001}, src),
    ])
    res = nc.Inventory.from_pandas(cat).emissions(fs)
    by = res.by("scope", "site")
    print(f"{n:,} rows out")
    for label, call in [
        ("Emissions.rows()", res.rows),
        ("Emissions.rows().to_pandas()", lambda: res.rows().to_pandas()),
        ("by(scope, site).to_pandas()", by.to_pandas),
        ("by(scope, site).to_arrow()", by.to_arrow),
        ("by(scope, site).to_json()", by.to_json),
    ]:
        print(f"  {label:32s} {best(call, repeat) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
