"""``Inventory.read_csv`` + the emissions job, per engine, beside polars, pyarrow and DuckDB reading the same file.

Run:  pip install '.[bench]' && python benchmarks/bench_csv.py [--rows 1000000 10000000] [--rounds 3] [--dir DIR]
      [--phases]  (each phase of read_csv + job per engine: tokenize, dictionary-encode, build, job)

The rows and the job are those of ``bench_kernel.py`` (``_peers.py``: 100 activities x 10 regions x 10 years x
20 units, 10,000 factors; t CO2e in total and by scope, category (100) and site (10,000)).  Two files of the same
rows (columns activity, quantity, unit, region, year, scope, category, site):

* ``to_csv``: written by ``Inventory.to_csv`` (``\\r\\n`` line ends, quantities as ``repr`` writes them: up to
  17 significant digits);
* ``typed``: hand-typed short decimals (quantities rounded to cents, ``709.85``), ``\\n`` line ends.

Contenders, each from the file on disk to the job's figures: neutralcore ``read_csv(engine=...)`` + the job
(``"neutralcore"``: its compiled reader with ``[fast]``, and its numpy reader; ``"pyarrow"``, ``"polars"``); polars ``read_csv`` with ``Enum`` columns (the label lists
known up front, as the factor table gives them) + the lazy gather of ``bench_kernel.py``; polars ``scan_csv``,
the same lazily; polars ``read_csv`` told only what the factor table gives (activities, regions and units as
``Enum``; the file's categories and sites read as ``Categorical``); pyarrow ``csv.read_csv`` with dictionary
columns + ``pyarrow.compute``; DuckDB ``read_csv`` joined to the per-key table with grouping sets.  One process, contenders interleaved over *rounds* rounds, min and
median; every figure of every contender checked against neutralcore's to 1e-9.  Then each contender's peak
memory, each in a fresh child process: resident (``ru_maxrss``, above the process's size before the read) and
Python's allocations (``tracemalloc``: numpy's arrays included, pyarrow's and polars' own memory not).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any, Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _peers as p  # noqa: E402

import neutralcore as nc  # noqa: E402

LABELS = {"activity": p.ACTS, "region": p.REGS, "unit": p.UNITS, "category": p.CATS, "site": p.SITES}
HEADER = ["activity", "quantity", "unit", "region", "year", "scope", "category", "site"]


def write_files(where: Path, n: int, seed: int = 15) -> tuple[dict[str, Path], dict[str, dict[str, np.ndarray]]]:
    """The two files of *n* rows (reused when *where* has them) and the coded columns each holds."""
    import polars as pl

    c = p.make_rows(n, np.random.default_rng(seed))
    typed = dict(c, q=np.round(c["q"], 2))
    files = {"to_csv": where / f"to_csv_{n}.csv", "typed": where / f"typed_{n}.csv"}
    if not files["to_csv"].exists():
        p.nc_from_codes(c).to_csv(files["to_csv"])
    if not files["typed"].exists():
        df = p.polars_frame(typed).select(HEADER)
        df.write_csv(files["typed"], float_precision=2, line_terminator="\n")
    return files, {"to_csv": c, "typed": typed}


# -- contenders: each from a path to (total, {dim: (labels, sums)}) ---------------------------------------------


def nc_read(path: Path, fs: nc.FactorSet, engine: str) -> p.Result:
    return p.nc_job(nc.Inventory.read_csv(path, engine=engine), fs)  # type: ignore[arg-type]


def nc_read_numpy(path: Path, fs: nc.FactorSet) -> p.Result:
    """neutralcore's own reader and the job without numba: what a machine without ``[fast]`` runs (as the memory
    child of this contender does)."""
    before = os.environ.get("NEUTRALCORE_KERNEL")
    os.environ["NEUTRALCORE_KERNEL"] = "numpy"
    try:
        return p.nc_job(nc.Inventory.read_csv(path, engine="neutralcore"), fs)
    finally:
        if before is None:
            del os.environ["NEUTRALCORE_KERNEL"]
        else:
            os.environ["NEUTRALCORE_KERNEL"] = before


def polars_schema() -> dict[str, Any]:
    import polars as pl

    return {"activity": pl.Enum(p.ACTS), "quantity": pl.Float64, "unit": pl.Enum(p.UNITS), "region": pl.Enum(p.REGS),
            "year": pl.Int32, "scope": pl.Int32, "category": pl.Enum(p.CATS), "site": pl.Enum(p.SITES)}


def polars_schema_factors() -> dict[str, Any]:
    """What an expert reading a file they have not seen knows up front: the factor table's activities, regions
    and units (``Enum``); the file's own categories and sites are read as ``Categorical``."""
    import polars as pl

    return polars_schema() | {"category": pl.Categorical, "site": pl.Categorical}


def polars_read_factors(path: Path, coef: np.ndarray) -> p.Result:
    import polars as pl

    return p.polars_job(pl.read_csv(path, schema=polars_schema_factors()), coef)


def polars_read(path: Path, coef: np.ndarray) -> p.Result:
    import polars as pl

    return p.polars_job(pl.read_csv(path, schema=polars_schema()), coef)


def polars_scan(path: Path, coef: np.ndarray) -> p.Result:
    import polars as pl

    return p.polars_job(pl.scan_csv(path, schema=polars_schema()), coef)


def arrow_read(path: Path, ftab: dict, utab: dict) -> p.Result:
    import pyarrow as pa
    import pyarrow.csv as csv

    label = pa.dictionary(pa.int32(), pa.string())
    types = {h: label for h in LABELS} | {"quantity": pa.float64(), "year": pa.int32(), "scope": pa.int32()}
    t = csv.read_csv(path, convert_options=csv.ConvertOptions(column_types=types)).unify_dictionaries()
    return p.arrow_job(t, ftab, utab)


def duckdb_read(con: Any, path: Path, ftab: dict, utab: dict) -> p.Result:
    import pyarrow as pa

    coef = p.key_coef(ftab, utab)
    ka, kr, ky, ku = np.unravel_index(np.arange(coef.shape[0]), (p.N_ACT, p.N_REG, p.N_YEAR, p.N_UNIT))
    keys = pa.table({"activity": np.array(p.ACTS, dtype=object)[ka], "region": np.array(p.REGS, dtype=object)[kr],
                     "year": (ky + p.YMIN).astype(np.int32), "unit": np.array(p.UNITS, dtype=object)[ku], "coef": coef})
    con.register("k", keys)
    cols = ("{'activity': 'VARCHAR', 'quantity': 'DOUBLE', 'unit': 'VARCHAR', 'region': 'VARCHAR', 'year': 'INTEGER', "
            "'scope': 'INTEGER', 'category': 'VARCHAR', 'site': 'VARCHAR'}")
    out = con.sql(
        f"SELECT scope, category, site, sum(t.quantity * k.coef) AS e FROM read_csv('{path}', header=true, "
        f"columns={cols}) t JOIN k ON t.activity = k.activity AND t.region = k.region AND t.year = k.year "
        "AND t.unit = k.unit GROUP BY GROUPING SETS ((), (scope), (category), (site))").fetchnumpy()
    con.unregister("k")
    groups: dict[str, tuple[list[Any], np.ndarray]] = {}
    scope, cat, site, e = out["scope"], out["category"], out["site"], np.asarray(out["e"], dtype=float)
    null = lambda x: np.ma.getmaskarray(x) if np.ma.isMaskedArray(x) else np.array([v is None for v in x])  # noqa: E731
    ns, nca, nsi = null(scope), null(cat), null(site)
    for d, col, sel in (("scope", scope, ~ns), ("category", cat, ~nca), ("site", site, ~nsi)):
        vals = np.ma.getdata(col)[sel].tolist()
        groups[d] = ([int(v) for v in vals] if d == "scope" else vals, e[sel])
    return float(e[ns & nca & nsi][0]), groups


def contenders(fs: nc.FactorSet, ftab: dict, utab: dict, con: Any) -> list[tuple[str, Callable[[Path], p.Result]]]:
    coef = lambda: p.key_coef(ftab, utab)  # noqa: E731 - the per-key table built inside each timed job
    return [
        ("neutralcore read_csv(engine='neutralcore') + job", lambda f: nc_read(f, fs, "neutralcore")),
        ("neutralcore read_csv(engine='neutralcore'), numpy reader + job", lambda f: nc_read_numpy(f, fs)),
        ("neutralcore read_csv(engine='pyarrow') + job", lambda f: nc_read(f, fs, "pyarrow")),
        ("neutralcore read_csv(engine='polars') + job", lambda f: nc_read(f, fs, "polars")),
        ("polars read_csv (Enum schema) + lazy gather", lambda f: polars_read(f, coef())),
        ("polars scan_csv (Enum schema) + lazy gather", lambda f: polars_scan(f, coef())),
        ("polars read_csv (Enum: factor table's labels only) + lazy gather",
         lambda f: polars_read_factors(f, coef())),
        ("pyarrow csv.read_csv (dictionaries) + compute", lambda f: arrow_read(f, ftab, utab)),
        ("DuckDB read_csv + join + grouping sets", lambda f: duckdb_read(con, f, ftab, utab)),
    ]


def setup() -> tuple[nc.FactorSet, dict, dict]:
    fs, ftab = p.make_factors(np.random.default_rng(20261123))
    return fs, ftab, p.unit_table()


def child(name: str, path: Path, read_only: bool) -> None:
    """Peak memory of one contender on *path* (or of its read alone), printed as JSON (run in a fresh process)."""
    import duckdb

    fs, ftab, utab = setup()
    con = duckdb.connect()
    fn = dict(contenders(fs, ftab, utab, con))[name]
    if "numpy reader" in name:  # the read and the job both without numba in this process
        os.environ["NEUTRALCORE_KERNEL"] = "numpy"
    if read_only:
        engine = name.split("'")[1]
        fn = lambda f: nc.Inventory.read_csv(f, engine=engine)  # type: ignore[arg-type,misc]  # noqa: E731
    warm = path.with_name("warm-up.csv")  # 60,000 rows: the unit registry built, numba's loops loaded, pools made
    if not warm.exists():
        p.nc_from_codes(p.make_rows(60_000, np.random.default_rng(0))).to_csv(warm)
    fn(warm)
    gc.collect()
    base = _rss_mib("VmRSS")
    with open("/proc/self/clear_refs", "w") as fh:  # Linux: the peak resident size (VmHWM) starts again from now
        fh.write("5")
    tracemalloc.start()
    kept = fn(path)
    traced = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    del kept
    print(json.dumps({"rss_mib": _rss_mib("VmHWM") - base, "traced_mib": traced}))


def _rss_mib(field: str) -> float:
    """*field* of /proc/self/status (``VmRSS`` now, ``VmHWM`` the peak), in MiB."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status (this measurement needs Linux)")


def run(n: int, rounds: int, where: Path, memory: bool) -> dict[str, Any]:
    import duckdb

    fs, ftab, utab = setup()
    files, data = write_files(where, n)
    con = duckdb.connect()
    cases = contenders(fs, ftab, utab, con)
    refs = {k: p.nc_job(p.nc_from_codes(c), fs) for k, c in data.items()}
    times: dict[tuple[str, str], list[float]] = {(k, name): [] for k in files for name, _ in cases}
    for r in range(rounds):
        for kind, path in files.items():
            for name, fn in cases:
                gc.collect()
                t0 = time.perf_counter()
                out = fn(path)
                times[(kind, name)].append(time.perf_counter() - t0)
                if r == 0:
                    _check(name, out, refs[kind])
                del out
    report: dict[str, Any] = {"rows": n, "rounds": rounds, "load": os.getloadavg()[0], "results": []}
    print(f"\n{n:,} rows, {rounds} rounds interleaved (load average {os.getloadavg()[0]:.2f})")
    for kind, path in files.items():
        size = path.stat().st_size / 2**20
        print(f" {kind} file ({size:.0f} MiB):")
        rows = [(name, min(ts), statistics.median(ts)) for (k, name), ts in times.items() if k == kind]
        best_peer = min(t for name, t, _ in rows if not name.startswith("neutralcore"))
        for name, tmin, tmed in rows:
            print(f"  {name:<50} min {tmin * 1e3:8.0f} ms  median {tmed * 1e3:8.0f} ms  {tmin / best_peer:5.2f}x best "
                  f"peer")
            report["results"].append({"file": kind, "file_mib": size, "name": name, "min_ms": tmin * 1e3,
                                      "median_ms": tmed * 1e3})
        if memory:
            print(f"  peak memory above the process before the read, as a multiple of the file ({size:.0f} MiB):")
            for name, _ in cases:
                for read_only in ((True, False) if name.startswith("neutralcore") else (False,)):
                    mem = _memory(name, path, read_only)
                    what = name.replace(" + job", "") + (" alone" if read_only else "")
                    print(f"   {what:<55} RSS {mem['rss_mib']:7.0f} MiB ({mem['rss_mib'] / size:4.2f}x)  traced "
                          f"{mem['traced_mib']:7.0f} MiB ({mem['traced_mib'] / size:4.2f}x)")
                    report["results"].append({"file": kind, "name": what, "memory": True, **mem})
    con.close()
    return report


def _memory(name: str, path: Path, read_only: bool) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--child", name, str(path), str(int(read_only))],
                         capture_output=True, text=True, check=True, env=os.environ)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _check(name: str, got: p.Result, ref: p.Result) -> None:
    assert np.isclose(got[0], ref[0], rtol=1e-9, atol=0), (name, "total", got[0], ref[0])
    for d in p.DIMS:
        want = dict(zip([str(x) for x in ref[1][d][0]], ref[1][d][1].tolist()))
        have = dict(zip([str(x) for x in got[1][d][0]], np.asarray(got[1][d][1], dtype=float).tolist()))
        assert want.keys() == have.keys(), (name, d)
        a, b = np.array([have[k] for k in want]), np.array(list(want.values()))
        assert np.allclose(a, b, rtol=1e-9, atol=0), (name, d)


def phases(n: int, rounds: int, where: Path) -> None:
    """CPU and wall time of each phase of ``read_csv`` + job per engine at *n* rows, minimum of *rounds*: the
    engine's tokenizer alone (strings and float64), the engine's split as ``read_csv`` asks for it (tokenize +
    dictionary-encode; neutralcore's engine: split + group labels + parse decimals), the build (the checks, each
    distinct label converted once) and the job."""
    import polars as pl
    import pyarrow as pa
    import pyarrow.csv as csv

    from neutralcore._core.csvrows import open_csv
    from neutralcore._core.csvsplit import file_pieces, read_plain_pieces
    from neutralcore.measure import readers
    from neutralcore.measure.inventory import REQUIRED, Inventory

    fs, _, _ = setup()
    files, _ = write_files(where, n)
    res: dict[str, list[tuple[float, float]]] = {}

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        c0, t0 = time.process_time(), time.perf_counter()
        out = fn()
        res.setdefault(name, []).append((time.process_time() - c0, time.perf_counter() - t0))
        return out

    strings = {h: pa.float64() if h == "quantity" else pa.string() for h in HEADER}
    for _ in range(rounds):
        for kind, path in files.items():
            with open(path, "rb") as fh:
                head = fh.readline()
            file = open_csv(head, required=REQUIRED, name=str(path))
            timed(f"{kind} pyarrow tokenize (strings, float64)", lambda: list(csv.open_csv(
                str(path), read_options=csv.ReadOptions(column_names=HEADER, block_size=1 << 23, skip_rows=1),
                parse_options=csv.ParseOptions(quote_char=False, double_quote=False, ignore_empty_lines=False),
                convert_options=csv.ConvertOptions(column_types=strings, null_values=[], strings_can_be_null=False,
                                                   check_utf8=True))))
            timed(f"{kind} polars tokenize (strings, float64)", lambda: pl.read_csv(
                path, has_header=False, skip_lines=1, quote_char=None,
                schema={h: pl.Float64 if h == "quantity" else pl.String for h in HEADER}))
            for engine in ("pyarrow", "polars", "neutralcore", "numpy"):
                split = ((lambda: read_plain_pieces(file_pieces(path, len(head)), HEADER)) if engine == "numpy"
                         else (lambda: readers.own_columns(path, len(head), HEADER)) if engine == "neutralcore"
                         else (lambda: readers.engine_columns(path, len(head), HEADER, engine)))
                cols = timed(f"{kind} {engine} split as read_csv asks (+ dictionary-encode)", split)
                if cols is None:  # e.g. labels too rare in a piece for neutralcore's grouping: the csv module reads it
                    print(f"  ({kind}: engine {engine!r} hands this file to neutralcore's csv-module reader)")
                    continue
                lines = range(2, cols["quantity"].shape[0] + 2)
                inv = timed(f"{kind} {engine} build (checks, labels)",
                            lambda: Inventory._from_file_columns(file, cols, lines, [], escaped=True))
                timed(f"{kind} {engine} job", lambda: p.nc_job(inv, fs))
                del cols, inv
    print(f"\n{n:,} rows, phases, minimum of {rounds} rounds (load average {os.getloadavg()[0]:.2f})")
    for name, ts in res.items():
        print(f"  {name:<60} CPU {min(c for c, _ in ts) * 1e3:7.0f} ms  wall {min(w for _, w in ts) * 1e3:7.0f} ms")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--dir", type=Path, help="where the files are written (and reused); default a temporary one")
    ap.add_argument("--no-memory", action="store_true", help="skip the per-contender memory runs")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--phases", action="store_true", help="time each phase of read_csv + job per engine instead")
    ap.add_argument("--child", nargs=3, metavar=("CONTENDER", "FILE", "READ_ONLY"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child[0], Path(args.child[1]), args.child[2] == "1")
        return 0
    import duckdb, polars, pyarrow  # noqa: E401 - fail early with a clear message
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, polars {polars.__version__}, pyarrow "
          f"{pyarrow.__version__}, duckdb {duckdb.__version__}, neutralcore {nc.__version__}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        where = args.dir or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        if args.phases:
            for n in args.rows:
                phases(n, args.rounds, where)
            return 0
        reports = [run(n, args.rounds, where, not args.no_memory) for n in args.rows]
    if args.json:
        args.json.write_text(json.dumps(reports, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
