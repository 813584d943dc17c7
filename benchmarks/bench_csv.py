"""CPU seconds of ``Inventory.read_csv`` and ``Inventory.to_csv`` on synthetic inventories.

Run:  python benchmarks/bench_csv.py [--rows 1000000] [--repeat 3]

Three files of the same rows (activity, quantity, unit, region, year, scope,
an empty category, one of 500 sites): ``plain`` (``\\n`` line ends, no quotes:
the numpy path of :mod:`neutralcore._core.csvsplit`), ``crlf`` (``\\r\\n``: the
string-split path of :mod:`neutralcore._core.csvrows`) and ``quoted`` (the site
quoted: the csv-module path).  Then ``to_csv`` of the inventory read.  Values
are arbitrary but fixed (this measures speed, not accounting).  Figures are the
best of *repeat* runs, in CPU seconds (``time.process_time``), so a busy
machine disturbs them less than wall time.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

import neutralcore as nc

HEADER = "activity,quantity,unit,region,year,scope,category,site"


def _files(where: Path, n: int) -> dict[str, Path]:
    rng = np.random.default_rng(0)
    kinds = [("electricity.grid", "MWh", 2), ("fuel.diesel.stationary", "L", 1), ("fuel.lpg.stationary", "t", 1)]
    pick = rng.integers(0, 3, n).tolist()
    qty = (rng.integers(0, 100_000, n) / 100).tolist()
    site = rng.integers(0, 500, n).tolist()
    rows = [f"{kinds[k][0]},{q},{kinds[k][1]},VN,2023,{kinds[k][2]},,{{}}site-{s}{{}}" for k, q, s in zip(pick, qty, site)]
    out = {}
    for name, end, quote in (("plain", "\n", ""), ("crlf", "\r\n", ""), ("quoted", "\n", '"')):
        path = where / f"{name}.csv"
        path.write_text(HEADER + end + end.join(r.format(quote, quote) for r in rows) + end, encoding="utf-8")
        out[name] = path
    return out


def _best(fn: object, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()  # type: ignore[operator]
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = _files(Path(tmp), args.rows)
        nc.Inventory.read_csv(files["plain"])  # build the unit registry once, outside the timings
        for name, path in files.items():
            seconds = _best(lambda: nc.Inventory.read_csv(path), args.repeat)
            print(f"read_csv {name:<7} {args.rows:>10,} rows  {seconds:6.2f} s")
        inv = nc.Inventory.read_csv(files["plain"])
        seconds = _best(lambda: inv.to_csv(Path(tmp) / "out.csv"), args.repeat)
        print(f"to_csv           {args.rows:>10,} rows  {seconds:6.2f} s")


if __name__ == "__main__":
    main()
