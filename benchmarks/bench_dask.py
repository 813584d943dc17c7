"""neutralcore.dask out of core: a partitioned Parquet dataset larger than the job's memory, on a LocalCluster.

Run:  pip install '.[dask]' && python benchmarks/bench_dask.py [--rows 100000000] [--per-file 2000000]
      [--workers 2] [--memory-limit 1GiB] [--dir /tmp/nc-dask-bench] [--keep]

Writes the dataset in chunks (one Parquet file per chunk: dictionary-coded label columns, float64 quantities;
never more than one chunk in memory), then times ``neutralcore.dask.emissions()`` over it on a
``distributed.LocalCluster`` (one thread per worker), asking for CO2e by scope, by site and by (scope, site).
The total and every group sum are checked to 1e-9 (relative) against sums the generator kept while writing
(quantity per key and site, times each key's factor: the factors are CO2 only, so t CO2e = quantity × factor
× unit scale, worked without neutralcore).  Prints a JSON line of figures, with the machine's load (``uptime``).

The job: 200 activities (``bench.a000`` …, scope and category fixed per activity), 5 regions, 3 years, units MWh
and kWh (6,000 keys), 50 sites; each activity has one CO2 factor for ``World`` 2020, so every key is matched by
a region and year fallback (reported in ``matches.fallbacks()``).  The factor values are made up for the
benchmark and ship nowhere.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np

N_ACT, REGIONS, YEARS, UNITS, N_SITE = 200, ("VN", "CN", "TH", "ID", "MY"), (2022, 2023, 2024), ("MWh", "kWh"), 50
SCALE = np.array([1.0, 0.001])  # MWh, kWh in MWh: the factors are t CO2 per MWh


def _factors() -> tuple[object, np.ndarray]:
    import neutralcore as nc

    rate = 0.1 + np.arange(N_ACT) / N_ACT  # t CO2/MWh, made up
    src = nc.Source("neutralcore benchmark", "made-up factors for bench_dask.py", 2026)
    fs = nc.FactorSet.from_factors([nc.Factor(f"bench.a{a:03d}", "World", 2020, "t/MWh", {"CO2": float(rate[a])}, src)
                                    for a in range(N_ACT)])
    return fs, rate


def write(root: Path, rows: int, per_file: int, seed: int = 0) -> tuple[np.ndarray, float]:
    """Write *rows* rows in files of *per_file*; return the expected t CO2e per (scope, site) and the seconds taken."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    _, rate = _factors()
    scope_of = np.arange(N_ACT) % 3  # scope code 0..2 per activity
    acts = pa.array([f"bench.a{a:03d}" for a in range(N_ACT)])
    cats = pa.array([f"cat{a % 15:02d}" for a in range(N_ACT)])
    sites = pa.array([f"site{s:02d}" for s in range(N_SITE)])
    expect = np.zeros((3, N_SITE))  # t CO2e per (scope, site)
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    done, i = 0, 0
    while done < rows:
        n = min(per_file, rows - done)
        a = rng.integers(0, N_ACT, n).astype(np.int32)
        u = rng.integers(0, 2, n).astype(np.int32)
        s = rng.integers(0, N_SITE, n).astype(np.int32)
        q = rng.random(n) * 1000.0
        co2e = q * rate[a] * SCALE[u]
        expect += np.bincount(scope_of[a] * N_SITE + s, weights=co2e, minlength=3 * N_SITE).reshape(3, N_SITE)
        table = pa.table({
            "activity": pa.DictionaryArray.from_arrays(a, acts),
            "quantity": q,
            "unit": pa.DictionaryArray.from_arrays(u, pa.array(UNITS)),
            "region": pa.DictionaryArray.from_arrays(rng.integers(0, len(REGIONS), n).astype(np.int32),
                                                     pa.array(REGIONS)),
            "year": np.asarray(YEARS, dtype=np.int32)[rng.integers(0, len(YEARS), n)],
            "scope": (scope_of[a] + 1).astype(np.int8),
            "category": pa.DictionaryArray.from_arrays(a % 15, cats),
            "site": pa.DictionaryArray.from_arrays(s, sites),
        })
        pq.write_table(table, root / f"part-{i:05d}.parquet", row_group_size=n)
        done += n
        i += 1
    return expect, time.perf_counter() - t0


def _peak_rss() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


def run(root: Path, workers: int, expect: np.ndarray, memory_limit: str) -> dict[str, object]:
    import dask.dataframe as dd
    import distributed

    import neutralcore.dask as ncd

    fs, _ = _factors()
    groupings = [("scope",), ("site",), ("scope", "site")]
    with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=":0",
                                  memory_limit=memory_limit, silence_logs=50) as cluster, \
            distributed.Client(cluster) as client:
        ddf = dd.read_parquet(str(root))
        t0 = time.perf_counter()
        res = ncd.emissions(ddf, fs, by=groupings)
        t_job = time.perf_counter() - t0
        t0 = time.perf_counter()
        by_scope, by_site, by_both = res.by_many(groupings, gases=False)
        t_tables = time.perf_counter() - t0
        peak = max(client.run(_peak_rss).values())
    total = float(expect.sum())
    assert abs(res.total() - total) <= 1e-9 * total, (res.total(), total)
    np.testing.assert_allclose(by_scope["co2e_t"], expect.sum(axis=1), rtol=1e-9)
    np.testing.assert_allclose(by_site["co2e_t"], expect.sum(axis=0), rtol=1e-9)
    np.testing.assert_allclose(by_both["co2e_t"], expect.reshape(-1), rtol=1e-9)
    cells = len(res.emissions.inventory)
    return {
        "rows": res.n_rows, "partitions": res.n_partitions, "workers": workers, "seconds": round(t_job, 2),
        "rows_per_second": round(res.n_rows / t_job), "tables_seconds": round(t_tables, 4), "cells": cells,
        "keys": len(res.matches.summary()), "fallback_rows": res.matches.n_fallback_rows,
        "total_t": total, "worker_memory_limit": memory_limit, "worker_peak_rss_mib": round(peak / 2**20),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000_000)
    ap.add_argument("--per-file", type=int, default=2_000_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--memory-limit", default="1GiB", help="per worker (default 1GiB: less than the data)")
    ap.add_argument("--dir", type=Path, default=Path("/tmp/nc-dask-bench"))
    ap.add_argument("--keep", action="store_true", help="keep the dataset (default: delete it after the run)")
    args = ap.parse_args()
    if args.dir.exists():
        shutil.rmtree(args.dir)
    expect, t_write = write(args.dir, args.rows, args.per_file)
    size = sum(f.stat().st_size for f in args.dir.iterdir())
    out = run(args.dir, args.workers, expect, args.memory_limit)
    out.update(write_seconds=round(t_write, 1), dataset_mib=round(size / 2**20), uptime=subprocess.run(
        ["uptime"], capture_output=True, text=True).stdout.strip(), cpus=os.cpu_count())
    print(json.dumps(out))
    if not args.keep:
        shutil.rmtree(args.dir)


if __name__ == "__main__":
    main()
