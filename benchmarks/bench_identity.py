"""Coding Python lists of labels: every route, per column and per phase, contenders interleaved.

Run:  python benchmarks/bench_identity.py [--rows 1000000 10000000] [--rounds 5]

The five label columns of ``bench_kernel.py`` (activity 100 labels, region 10, unit 20, category 100,
site 10,000), each as rows that share objects (``names[codes].tolist()``) and as rows that hold one object
each (text parsed row by row).  Per column: the floors of reading the objects at all (``sum(map(len, col))``,
``sum(map(hash, col))``), the dict path (``np.fromiter(map(d.__getitem__, col))``), polars' and pyarrow's read
of the list and their encodings, pandas ``factorize``, numpy ``StringDType``, and neutralcore's
``factorize`` and its routes (``neutralcore._core.textcodes.text_codes`` by polars and by pyarrow).  Then the
five columns together, and a list of years (plain ints) by numpy, polars, pyarrow and ``factorize``.  Min and median wall time of *rounds* rounds, and the least CPU time (every thread of
the process: polars and pyarrow may use several), in ns per row.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import time
from typing import Any, Callable

import numpy as np

from neutralcore._core import textcodes
from neutralcore._core.categorical import factorize

COLUMNS = {"activity": 100, "region": 10, "unit": 20, "category": 100, "site": 10_000}


def columns(n: int, own: bool) -> dict[str, list[str]]:
    rng = np.random.default_rng(0)
    out = {}
    for name, k in COLUMNS.items():
        names = [f"{name[:3]}.label{i}" for i in range(k)]
        pick = rng.integers(0, k, n).tolist()
        out[name] = ["".join(tuple(names[i])) for i in pick] if own else [names[i] for i in pick]
    return out


def contenders(col: list[str]) -> dict[str, Callable[[], Any]]:
    import pandas as pd
    import polars as pl
    import pyarrow as pa
    import pyarrow.compute as pc

    d = {v: i for i, v in enumerate(dict.fromkeys(col))}
    s = pl.Series(col, dtype=pl.String)
    a = pa.array(col, pa.string())
    return {
        "floor: sum(map(len, col))": lambda: sum(map(len, col)),
        "floor: sum(map(hash, col))": lambda: sum(map(hash, col)),
        "dict: np.fromiter(map(d.__getitem__, col))": lambda: np.fromiter(map(d.__getitem__, col), np.int32, len(col)),
        "polars read: pl.Series(col, pl.String)": lambda: pl.Series(col, dtype=pl.String),
        "polars encode: unique + Enum cast": lambda: s.cast(pl.Enum(s.unique(maintain_order=True))).to_physical(),
        "polars peer: pl.Series(col, pl.Enum(labels))": lambda: pl.Series(col, dtype=pl.Enum(list(d))).to_physical(),
        "pyarrow read: pa.array(col)": lambda: pa.array(col),
        "pyarrow encode: dictionary_encode": lambda: pc.dictionary_encode(a),
        "pyarrow index_in (known labels)": lambda: pc.index_in(a, value_set=pa.array(list(d))),
        "pandas: factorize(object array)": lambda: pd.factorize(np.array(col, dtype=object)),
        "numpy: StringDType array": lambda: np.array(col, dtype=np.dtypes.StringDType()),
        "text_codes by polars (first rows' labels, Enum cast)": lambda: textcodes.text_codes(col, ("polars",)),
        "text_codes by pyarrow (dictionary_encode)": lambda: textcodes.text_codes(col, ("pyarrow",)),
        "neutralcore factorize": lambda: factorize(col),
    }


def int_contenders(col: list[int]) -> dict[str, Callable[[], Any]]:
    import polars as pl
    import pyarrow as pa

    n = len(col)
    return {
        "floor: set(map(type, col)) (the type check)": lambda: set(map(type, col)),
        "np.fromiter(col, np.int64, n)": lambda: np.fromiter(col, np.int64, n),
        "np.array(col, dtype=np.int64)": lambda: np.array(col, dtype=np.int64),
        "pl.Series(col, pl.Int64, strict=True)": lambda: pl.Series(col, dtype=pl.Int64, strict=True).to_numpy(),
        "pa.array(col, pa.int64())": lambda: pa.array(col, pa.int64()).to_numpy(),
        "neutralcore factorize (type check + fromiter)": lambda: factorize(col),
    }


def interleaved(cases: dict[str, Callable[[], Any]], rounds: int) -> dict[str, tuple[list[float], list[float]]]:
    times: dict[str, list[float]] = {k: [] for k in cases}
    cpu: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(rounds):
        for name, fn in cases.items():
            gc.collect()
            t0 = time.perf_counter()
            c0 = time.process_time()
            fn()
            times[name].append(time.perf_counter() - t0)
            cpu[name].append(time.process_time() - c0)
    return {k: (times[k], cpu[k]) for k in cases}


def show(title: str, times: dict[str, tuple[list[float], list[float]]], rows: int) -> None:
    print(f" {title}")
    for name, (ts, cs) in times.items():
        print(f"  {name:<52} min {min(ts) * 1e9 / rows:6.1f}  median {statistics.median(ts) * 1e9 / rows:6.1f}  "
              f"cpu min {min(cs) * 1e9 / rows:6.1f} ns/row")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--columns", nargs="+", default=["activity", "site"])
    args = parser.parse_args()
    for n in args.rows:
        for own in (True, False):
            cols = columns(n, own)
            kind = "one object per row" if own else "rows share objects"
            print(f"\n{n:,} rows, {kind} (load average {os.getloadavg()[0]:.2f})")
            for name in args.columns:
                show(f"{name} ({COLUMNS[name]:,} labels)", interleaved(contenders(cols[name]), args.rounds), n)
            five = list(cols.values())
            cases: dict[str, Callable[[], Any]] = {
                f"text_codes by {e}": (lambda e=e: [textcodes.text_codes(c, (e,)) for c in five])
                for e in textcodes.ENGINES}
            cases["neutralcore factorize, column by column"] = lambda: [factorize(c) for c in five]
            cases["floor: sum(map(len, col)), 5 columns"] = lambda: [sum(map(len, c)) for c in five]
            show("the five columns (ns per row of all five)", interleaved(cases, args.rounds), n)
        years = [int(str(y)) for y in (2015 + np.random.default_rng(1).integers(0, 10, n)).tolist()]
        show(f"{n:,} years as a list of int, one object per row", interleaved(int_contenders(years), args.rounds), n)


if __name__ == "__main__":
    main()
