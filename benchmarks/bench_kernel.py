"""neutralcore's emissions job end to end beside the same job written by an expert in polars, pandas, DuckDB and
pyarrow, a chunked-numpy floor, a fused compiled loop and the memory-bandwidth limit.

Run:  pip install '.[bench]' && python benchmarks/bench_kernel.py [--rows 1000000 10000000] [--rounds 5]

One process; in every round each contender runs once, in the same order (interleaved, so a noisy neighbour
slows all of them alike); the table gives the minimum and the median over the rounds, and the median count of
fresh pages (minor page faults) a call touched.  The floors: a chunked
plain-numpy job, a fused numba loop on one core and the same loop over every core (``prange``, one share of the
rows per thread), and the memory-bandwidth limit on one core and on every core.  Every contender's
total and every group sum is checked against neutralcore's to 1e-9 (relative).  The job and the data are
described in ``_peers.py``: 10,000 factors, 20 units, CO2e by scope (3), category (100) and site (10,000).  Every
contender builds its per-key table (t CO2e per activity unit for every (activity, region, year, unit) key) inside
its timed job, as neutralcore matches its keys inside its own.

Starting points, each timed from the data as its user holds it (building the ``Inventory`` included):

* coded: int32 code columns, an int32 year and float64 quantities (read-only numpy arrays, taken as views; and
  the same as writeable arrays, which ``from_columns`` copies);
* categorical: a pandas DataFrame of Categoricals, a polars DataFrame of Enums, an Arrow table of dictionaries;
* strings, shared: Python lists of labels whose rows share a few objects (``names[codes].tolist()``);
* strings, one object per row: Python lists where every row holds its own string (text parsed row by row).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any, Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _peers as p  # noqa: E402

import neutralcore as nc  # noqa: E402


def _backend() -> str:
    try:
        from neutralcore.measure.rowpass import backend
    except ImportError:  # a release before the row passes had backends
        return "numpy"
    return backend()


def minor_faults() -> int:
    """Fresh pages this process has had mapped in so far (0 where the platform does not count them): a call's
    difference is the memory it touched for the first time, each page a trip into the kernel."""
    try:
        import resource
    except ImportError:  # not on Windows
        return 0
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_minflt)


def _threads() -> int:
    try:
        from neutralcore.measure.rowpass import thread_count
    except ImportError:  # a release before the pass ran on threads
        return 1
    return thread_count()


def check(name: str, got: p.Result, ref: p.Result) -> None:
    """Every figure of *got* equals *ref*'s to 1e-9 (relative); groups compared by label."""
    assert np.isclose(got[0], ref[0], rtol=1e-9, atol=0), (name, "total", got[0], ref[0])
    for d in p.DIMS:
        want = dict(zip([str(x) for x in ref[1][d][0]], ref[1][d][1].tolist()))
        have = dict(zip([str(x) for x in got[1][d][0]], np.asarray(got[1][d][1], dtype=float).tolist()))
        assert want.keys() == have.keys(), (name, d, sorted(set(want) ^ set(have))[:5])
        a = np.array([have[k] for k in want]); b = np.array(list(want.values()))
        assert np.allclose(a, b, rtol=1e-9, atol=0), (name, d, float(np.max(np.abs(a - b) / np.abs(b))))


def threads(count: int, fn: Callable[[], p.Result]) -> p.Result:
    """*fn* with the compiled pass on *count* threads."""
    before = os.environ.get("NEUTRALCORE_THREADS")
    os.environ["NEUTRALCORE_THREADS"] = str(count)
    try:
        return fn()
    finally:
        if before is None:
            del os.environ["NEUTRALCORE_THREADS"]
        else:
            os.environ["NEUTRALCORE_THREADS"] = before


def labels(names: list[Any], codes: np.ndarray) -> list[Any]:
    arr = np.empty(len(names), dtype=object)
    arr[:] = names
    return arr[codes].tolist()


def own_objects(names: list[str], codes: np.ndarray) -> list[str]:
    """One new string object per row, as text parsed row by row gives."""
    return ["".join(s) for s in labels([tuple(x) for x in names], codes)]


def run(n: int, rounds: int, rng: np.random.Generator, fs: nc.FactorSet, ftab: dict, utab: dict) -> dict[str, Any]:
    import duckdb
    import polars as pl

    cw = p.make_rows(n, rng)  # writeable arrays: from_columns copies them
    c = {k: v.copy() for k, v in cw.items()}
    for v in c.values():
        v.setflags(write=False)  # read-only: taken as views
    # every peer builds its per-key table inside its timed job, as neutralcore matches its keys inside its own
    coef = lambda: p.key_coef(ftab, utab)  # noqa: E731
    gas_coefs = lambda: {g: p.key_coef(ftab, utab, gas=g) for g in p.GWP}  # noqa: E731
    pdf, plf, at, atc = p.pandas_frame(c), p.polars_frame(c), p.arrow_table(c), p.arrow_coded_table(c)
    plc = pl.DataFrame({"activity": c["a"], "region": c["r"], "year": c["year"], "unit": c["u"], "quantity": c["q"],
                        "scope": c["scope"] + 1, "category": c["cat"], "site": c["site"]})
    con = duckdb.connect()
    built = p.nc_from_codes(c)  # for the job run again on the same inventory
    shared = {"activity": labels(p.ACTS, c["a"]), "region": labels(p.REGS, c["r"]), "unit": labels(p.UNITS, c["u"]),
              "category": labels(p.CATS, c["cat"]), "site": labels(p.SITES, c["site"]),
              "quantity": c["q"], "year": c["year"], "scope": c["scope"] + 1}
    per_row = dict(shared, **{k: own_objects(names, c[col]) for k, names, col in (
        ("activity", p.ACTS, "a"), ("region", p.REGS, "r"), ("unit", p.UNITS, "u"), ("category", p.CATS, "cat"),
        ("site", p.SITES, "site"))})
    try:
        import numba
        have_numba = True
        cores = int(numba.config.NUMBA_NUM_THREADS)  # type: ignore[attr-defined]
    except ImportError:
        have_numba, cores = False, 1

    # (starting point, contender, function); the first of each starting point is neutralcore
    cases: list[tuple[str, str, Callable[[], p.Result]]] = [
        ("coded", "neutralcore from_columns((codes, labels)) + emissions + 3 by()", lambda: p.nc_job(p.nc_from_codes(c), fs)),
        ("coded", "neutralcore, the same from writeable arrays (copied)", lambda: p.nc_job(p.nc_from_codes(cw), fs)),
        ("coded", "neutralcore, the job again on an inventory built before (no build)", lambda: p.nc_job(built, fs)),
        *([("coded", "neutralcore, the same on one thread (NEUTRALCORE_THREADS=1)",
            lambda: threads(1, lambda: p.nc_job(p.nc_from_codes(c), fs))),
           ("coded", f"neutralcore, the same on {cores} threads (NEUTRALCORE_THREADS={cores})",
            lambda: threads(cores, lambda: p.nc_job(p.nc_from_codes(c), fs)))] if have_numba else []),
        ("coded", "numpy, chunked whole-job floor", lambda: p.numpy_floor(c, ftab, utab)),
        *([("coded", "numba fused loop (compiled floor, one core)", lambda: p.numba_fused(c, ftab, utab)),
           ("coded", "numba fused loop, prange over every core (parallel floor)",
            lambda: p.numba_fused_parallel(c, ftab, utab))] if have_numba else []),
        ("coded", "polars lazy gather + collect_all", lambda: p.polars_job(plc, coef())),
        ("coded", "DuckDB join to per-key table, grouping sets", lambda: p.duckdb_job(con, atc, ftab, utab)),
        ("coded", "pyarrow.compute take + group_by", lambda: p.arrow_job(atc, ftab, utab)),
        ("per-gas", "neutralcore, by(..., gases=True) (CO2e + 3 gases)", lambda: p.nc_job(p.nc_from_codes(c), fs, gases=True)),
        ("per-gas", "polars lazy, 4 gathers (CO2e + 3 gases)", lambda: p.polars_job(plc, coef(), gas_coefs())),
        ("pandas", "neutralcore from pandas Categoricals", lambda: p.nc_job(p.nc_from_pandas(pdf), fs)),
        ("pandas", "pandas Categorical codes + numpy gather", lambda: p.pandas_job(pdf, ftab, utab)),
        ("polars", "neutralcore from polars Enums", lambda: p.nc_job(p.nc_from_polars(plf), fs)),
        ("polars", "polars lazy gather on Enums + collect_all", lambda: p.polars_job(plf, coef())),
        ("arrow", "neutralcore from Arrow dictionaries", lambda: p.nc_job(p.nc_from_arrow(at), fs)),
        ("arrow", "pyarrow.compute on dictionaries", lambda: p.arrow_job(at, ftab, utab)),
        ("arrow", "DuckDB on dictionaries, join on labels", lambda: p.duckdb_job(con, at, ftab, utab)),
        ("strings, shared", "neutralcore from_columns(lists)", lambda: p.nc_job(p.nc_from_lists(shared), fs)),
        ("strings, shared", "polars Enum from lists + gather", lambda: p.polars_from_lists(shared, coef())),
        ("strings, shared", "pandas Categorical from lists + gather", lambda: p.pandas_from_lists(shared, ftab, utab)),
        ("strings, shared", "pyarrow dictionary_encode + compute", lambda: p.arrow_from_lists(shared, ftab, utab)),
        ("strings, per row", "neutralcore from_columns(lists)", lambda: p.nc_job(p.nc_from_lists(per_row), fs)),
        ("strings, per row", "polars Enum from lists + gather", lambda: p.polars_from_lists(per_row, coef())),
        ("strings, per row", "pandas Categorical from lists + gather", lambda: p.pandas_from_lists(per_row, ftab, utab)),
        ("strings, per row", "pyarrow dictionary_encode + compute", lambda: p.arrow_from_lists(per_row, ftab, utab)),
    ]
    times: dict[tuple[str, str], list[float]] = {(g, name): [] for g, name, _ in cases}
    faults: dict[tuple[str, str], list[int]] = {(g, name): [] for g, name, _ in cases}  # fresh pages per call
    rows_of_co2e = next(name for g, name, _ in cases if g == "coded")
    rows_of_gas = next(name for g, name, _ in cases if g == "per-gas")
    ref = p.nc_job(p.nc_from_codes(c), fs)
    ref_gas = p.nc_job(p.nc_from_codes(c), fs, gases=True)
    check("per-gas CO2e", ref_gas, ref)
    if have_numba:
        p.numba_fused(c, ftab, utab)  # compile outside the timer
        p.numba_fused_parallel(c, ftab, utab)
    for r in range(rounds):
        for g, name, fn in cases:
            gc.collect()
            f0 = minor_faults()
            t0 = time.perf_counter()
            out = fn()
            times[(g, name)].append(time.perf_counter() - t0)
            faults[(g, name)].append(minor_faults() - f0)
            if r == 0:
                check(name, out, ref)
            del out
    con.close()

    gbs = p.bandwidth_gbs()
    gbs_all = p.bandwidth_parallel_gbs() if have_numba else gbs
    bytes_per_row = sum(v.itemsize for v in c.values())  # every coded column read once
    limit = bytes_per_row * n / (gbs * 1e9)
    limit_all = bytes_per_row * n / (gbs_all * 1e9)
    input_mib = sum(v.nbytes for v in c.values()) / 2**20
    gc.collect()
    tracemalloc.start()
    p.nc_job(p.nc_from_codes(c), fs)
    peak_mib = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()

    report: dict[str, Any] = {"rows": n, "rounds": rounds, "bandwidth_gbs": gbs, "bytes_per_row": bytes_per_row,
                              "bandwidth_limit_ms": limit * 1e3, "bandwidth_all_cores_gbs": gbs_all,
                              "bandwidth_limit_all_cores_ms": limit_all * 1e3, "threads": _threads(), "input_mib": input_mib, "nc_peak_mib": peak_mib,
                              "load": os.getloadavg()[0], "results": []}
    print(f"\n{n:,} rows; {len(fs):,} factors; {p.N_UNIT} units; groups: scope 3, category 100, site 10,000; "
          f"{rounds} rounds interleaved (load average {os.getloadavg()[0]:.2f})")
    groups = list(dict.fromkeys(g for g, _, _ in cases))
    for g in groups:
        rows = [(name, min(ts), statistics.median(ts), statistics.median(faults[(gg, name)]))
                for (gg, name), ts in times.items() if gg == g]
        nc_min = rows[0][1]
        print(f" {g}:")
        for name, tmin, tmed, flt in rows:
            print(f"  {name:<60} min {tmin * 1e3:9.1f} ms  median {tmed * 1e3:9.1f} ms  {n / tmin / 1e6:7.1f} M rows/s"
                  f"  {tmin / nc_min:5.2f}x neutralcore  {flt:7.0f} faults")
            report["results"].append({"start": g, "name": name, "min_ms": tmin * 1e3, "median_ms": tmed * 1e3,
                                      "page_faults": flt})
    print(f" memory bandwidth (np.add.reduce, one core): {gbs:.1f} GB/s; the coded job reads {bytes_per_row} B/row: "
          f"limit {limit * 1e3:.1f} ms; every core (numba prange sum): {gbs_all:.1f} GB/s, limit {limit_all * 1e3:.1f} ms")
    gas_ratio = min(times[("per-gas", rows_of_gas)]) / min(times[("coded", rows_of_co2e)])
    print(f" per-gas by() / CO2e job (min): {gas_ratio:.2f}x")
    report["per_gas_ratio"] = gas_ratio
    print(f" memory: coded input {input_mib:.0f} MiB; neutralcore end-to-end peak (tracemalloc) {peak_mib:.0f} MiB")
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)
    import duckdb, pandas, polars, pyarrow  # noqa: E401 - fail early with a clear message
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, pandas {pandas.__version__}, polars "
          f"{polars.__version__}, pyarrow {pyarrow.__version__}, duckdb {duckdb.__version__}, neutralcore "
          f"{nc.__version__}, kernel {_backend()} on {_threads()} thread(s) now (load average "
          f"{os.getloadavg()[0]:.2f}), {os.cpu_count()} cores")
    rng = np.random.default_rng(20261123)
    fs, ftab = p.make_factors(rng)
    utab = p.unit_table()
    reports = [run(n, args.rounds, rng, fs, ftab, utab) for n in args.rows]
    if args.json:
        args.json.write_text(json.dumps(reports, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
