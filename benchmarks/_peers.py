"""Data and contenders for ``bench_kernel.py``: neutralcore and the same job written as each peer's expert would.

Every contender returns ``(total, {dim: (labels, sums)})`` for dims scope, category and site (t CO2e); the driver
checks every figure of every contender against neutralcore's to 1e-9.

The job: each row's (activity, region, year, unit) key -> t CO2e per unit (factor matched per key, unit
converted, litres and kilograms bridged to energy by density and net calorific value, CO2/CH4/N2O weighted
by GWP100 AR5), times the row's quantity, summed in total and by scope (3), category (100) and site (10,000).

The peers do the per-key work the way an expert would: once per key, in numpy, from the factor and unit
tables (:func:`key_coef`), sized by the codes their own columns use; then per row one gather and one multiply
in their own engine and their own group sums (polars ``pl.lit(coef).gather(key)`` lazily with
``collect_all``; pandas Categorical codes + numpy; DuckDB a join to the per-key table with grouping sets;
pyarrow compute and ``Table.group_by``).  Synthetic factor values (this measures speed, not accounting).
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

import neutralcore as nc
from neutralcore.units import multiplier

N_ACT, N_REG, N_YEAR = 100, 10, 10
YMIN = 2015
YEARS = np.arange(YMIN, YMIN + N_YEAR, dtype=np.int32)
ENERGY_UNITS = ["MWh", "kWh", "GWh", "GJ", "TJ", "MJ", "Wh", "kJ"]
MASS_UNITS = ["kg", "t", "g", "Gg", "lb", "Mg"]
VOLUME_UNITS = ["L", "m^3", "gallon", "mL", "kL", "dm^3"]
UNITS = ENERGY_UNITS + MASS_UNITS + VOLUME_UNITS  # 20 units
N_UNIT = len(UNITS)
N_CAT, N_SITE = 100, 10_000
GWP = {"CO2": 1.0, "CH4": 28.0, "N2O": 265.0}
SRC = nc.Source("neutralcore benchmarks", "synthetic factors (speed only)", 2026)
ACTS = [f"act.a{i}" for i in range(N_ACT)]
REGS = [f"R{i}" for i in range(N_REG)]
CATS = [f"c{i}" for i in range(N_CAT)]
SITES = [f"s{i}" for i in range(N_SITE)]
DIMS = ("scope", "category", "site")

Result = tuple[float, dict[str, tuple[list[Any], np.ndarray]]]


def make_factors(rng: np.random.Generator) -> tuple[nc.FactorSet, dict[str, np.ndarray]]:
    """Half the activities electricity-like (t/MWh), half fuels (kg/TJ with density and NCV)."""
    factors = []
    table: dict[str, list[Any]] = {k: [] for k in ("per_tj", "co2", "ch4", "n2o", "to_t", "dens", "ncv")}
    for a in range(N_ACT):
        fuel = a % 2 == 1
        for r in range(N_REG):
            for y in YEARS.tolist():
                co2 = float(rng.uniform(50000, 100000) if fuel else rng.uniform(0.1, 1.0))
                ch4 = float(rng.uniform(1, 10)) if fuel else 0.0
                n2o = float(rng.uniform(0.1, 2)) if fuel else 0.0
                gases = {"CO2": co2, "CH4": ch4, "N2O": n2o} if fuel else {"CO2": co2}
                dens, ncv = float(rng.uniform(500, 1000)), float(rng.uniform(40, 50))
                kw = {}
                if fuel:
                    kw = dict(ncv=nc.FuelProperty("ncv", ncv, "TJ/Gg", SRC),
                              density=nc.FuelProperty("density", dens, "kg/m^3", SRC))
                factors.append(nc.Factor(ACTS[a], REGS[r], y, "kg/TJ" if fuel else "t/MWh", gases, SRC, **kw))
                table["per_tj"].append(fuel)
                table["co2"].append(co2); table["ch4"].append(ch4); table["n2o"].append(n2o)
                table["to_t"].append(0.001 if fuel else 1.0)
                table["dens"].append(dens if fuel else np.nan); table["ncv"].append(ncv / 1e6 if fuel else np.nan)
    return nc.FactorSet.from_factors(factors), {k: np.array(v) for k, v in table.items()}


def unit_table() -> dict[str, np.ndarray]:
    """Per (activity unit, factor per-unit MWh or TJ): the multiplier and whether density / NCV bridge it."""
    base = {u: ("m^3" if u in VOLUME_UNITS else "kg" if u in MASS_UNITS else "TJ") for u in UNITS}
    m = np.zeros((N_UNIT, 2)); need_d = np.zeros((N_UNIT, 2), bool); need_n = np.zeros((N_UNIT, 2), bool)
    for i, u in enumerate(UNITS):
        for j, per in enumerate(("MWh", "TJ")):
            b = base[u]
            if b == "TJ":
                m[i, j] = multiplier(u, per)
            else:
                m[i, j] = multiplier(u, b) * multiplier("TJ", per)
                need_d[i, j], need_n[i, j] = b == "m^3", True
    return {"m": m, "need_d": need_d, "need_n": need_n}


def make_rows(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Coded columns: int32 codes, the year as an int32 year, float64 quantities."""
    a = rng.integers(0, N_ACT, n, dtype=np.int32)
    fuel = a % 2 == 1  # electricity rows use energy units; fuel rows any of the 20
    u = np.where(fuel, rng.integers(0, N_UNIT, n, dtype=np.int32),
                 rng.integers(0, len(ENERGY_UNITS), n, dtype=np.int32)).astype(np.int32)
    return {
        "a": a, "r": rng.integers(0, N_REG, n, dtype=np.int32),
        "year": (YMIN + rng.integers(0, N_YEAR, n, dtype=np.int32)).astype(np.int32), "u": u,
        "q": rng.uniform(0, 1000, n), "scope": rng.integers(0, 3, n, dtype=np.int32),
        "cat": rng.integers(0, N_CAT, n, dtype=np.int32), "site": rng.integers(0, N_SITE, n, dtype=np.int32),
    }


# -- the per-key work every peer does (numpy, once per key) --------------------------------------------------


def key_coef(ftab: dict[str, np.ndarray], utab: dict[str, np.ndarray], acts: list[str] | None = None,
             regs: list[str] | None = None, units: list[str] | None = None, gas: str | None = None) -> np.ndarray:
    """Per dense key ``((a * R + r) * Y + year - YMIN) * U + u``: t CO2e (or t of *gas*) per activity unit.

    *acts*, *regs*, *units*: the label order of the caller's codes (a dictionary's), when not the factor
    table's; the per-key table is then built in that order, so no row is recoded.
    """
    pa_ = np.arange(N_ACT) if acts is None else np.array([ACTS.index(x) for x in acts])
    pr = np.arange(N_REG) if regs is None else np.array([REGS.index(x) for x in regs])
    pu = np.arange(N_UNIT) if units is None else np.array([UNITS.index(x) for x in units])
    f = ((pa_[:, None, None] * N_REG + pr[None, :, None]) * N_YEAR + np.arange(N_YEAR)[None, None, :]).reshape(-1)
    per = ftab["per_tj"][f].astype(np.int64)
    if gas is None:
        per_unit = (ftab["co2"] * GWP["CO2"] + ftab["ch4"] * GWP["CH4"] + ftab["n2o"] * GWP["N2O"]) * ftab["to_t"]
    else:
        per_unit = ftab[gas.lower()] * ftab["to_t"]
    m = utab["m"][pu[None, :], per[:, None]]
    with np.errstate(invalid="ignore"):
        bridge = (np.where(utab["need_d"][pu[None, :], per[:, None]], ftab["dens"][f][:, None], 1.0)
                  * np.where(utab["need_n"][pu[None, :], per[:, None]], ftab["ncv"][f][:, None], 1.0))
        return (m * bridge * per_unit[f][:, None]).reshape(-1)


# -- neutralcore -----------------------------------------------------------------------------------------------


def nc_job(inv: nc.Inventory, fs: nc.FactorSet, gases: bool = False) -> Result:
    import inspect

    groupings = [(d,) for d in DIMS]
    if "by" in inspect.signature(inv.emissions).parameters:  # the groupings summed in the rows' one pass
        res = inv.emissions(fs, gwp="AR5", by=groupings, by_gases=gases)
    else:
        res = inv.emissions(fs, gwp="AR5")
    if hasattr(res, "by_many"):  # every grouping in one pass over the rows
        tables = dict(zip(DIMS, res.by_many(groupings, gases=gases)))
    else:
        tables = {d: res.by(d, gases=gases) for d in DIMS}
    return res.total(), {d: (list(t[d]), np.asarray(t["co2e_t"])) for d, t in tables.items()}


def nc_from_codes(c: dict[str, np.ndarray]) -> nc.Inventory:
    return nc.Inventory.from_columns(
        activity=(c["a"], ACTS), region=(c["r"], REGS), year=c["year"], unit=(c["u"], UNITS), quantity=c["q"],
        scope=(c["scope"], (1, 2, 3)), category=(c["cat"], CATS), site=(c["site"], SITES),
    )


def nc_from_pandas(df: Any) -> nc.Inventory:
    if hasattr(nc.Inventory, "from_pandas"):
        return nc.Inventory.from_pandas(df)

    def cat(s: Any) -> tuple[np.ndarray, tuple[Any, ...]]:
        return s.cat.codes.to_numpy(), tuple(s.cat.categories)

    return nc.Inventory.from_columns(
        activity=cat(df["activity"]), region=cat(df["region"]), year=df["year"].to_numpy(), unit=cat(df["unit"]),
        quantity=df["quantity"].to_numpy(), scope=cat(df["scope"]), category=cat(df["category"]), site=cat(df["site"]))


def nc_from_polars(df: Any) -> nc.Inventory:
    if hasattr(nc.Inventory, "from_polars"):
        return nc.Inventory.from_polars(df)

    def cat(name: str) -> tuple[np.ndarray, tuple[Any, ...]]:
        s = df[name]
        return s.to_physical().to_numpy(), tuple(s.dtype.categories)

    return nc.Inventory.from_columns(
        activity=cat("activity"), region=cat("region"), year=df["year"].to_numpy(), unit=cat("unit"),
        quantity=df["quantity"].to_numpy(), scope=(df["scope"].to_numpy() - 1, (1, 2, 3)), category=cat("category"),
        site=cat("site"))


def nc_from_arrow(t: Any) -> nc.Inventory:
    if hasattr(nc.Inventory, "from_arrow"):
        return nc.Inventory.from_arrow(t)

    def cat(name: str) -> tuple[np.ndarray, tuple[Any, ...]]:
        col = t[name].combine_chunks()
        return col.indices.to_numpy(), tuple(col.dictionary.to_pylist())

    return nc.Inventory.from_columns(
        activity=cat("activity"), region=cat("region"), year=t["year"].to_numpy(), unit=cat("unit"),
        quantity=t["quantity"].to_numpy(), scope=(t["scope"].to_numpy() - 1, (1, 2, 3)), category=cat("category"),
        site=cat("site"))


def nc_from_lists(s: dict[str, Any]) -> nc.Inventory:
    return nc.Inventory.from_columns(activity=s["activity"], region=s["region"], unit=s["unit"], quantity=s["quantity"],
                                     year=s["year"], scope=s["scope"], category=s["category"], site=s["site"])


# -- floors -------------------------------------------------------------------------------------------------------

CHUNK = 1 << 16


def numpy_floor(c: dict[str, np.ndarray], ftab: dict[str, np.ndarray], utab: dict[str, np.ndarray]) -> Result:
    """The whole job in plain numpy, chunked so every temporary stays in cache: per-key table, then per chunk
    one combined key (int32), one gather (by the key cast to intp), one multiply, three bincounts and a sum."""
    coef = key_coef(ftab, utab)
    n = c["q"].shape[0]
    sums = {"scope": np.zeros(3), "category": np.zeros(N_CAT), "site": np.zeros(N_SITE)}
    total = 0.0
    key = np.empty(CHUNK, np.int32); idx = np.empty(CHUNK, np.intp); w = np.empty(CHUNK)
    for s in range(0, n, CHUNK):
        e = min(s + CHUNK, n); k = key[: e - s]; i = idx[: e - s]; x = w[: e - s]
        np.multiply(c["a"][s:e], N_REG, out=k); k += c["r"][s:e]; k *= N_YEAR; k += c["year"][s:e]
        k -= YMIN; k *= N_UNIT; k += c["u"][s:e]
        np.copyto(i, k)  # the gather by intp, numpy's index type (an int32 index is cast inside the take, slower)
        np.take(coef, i, out=x); x *= c["q"][s:e]
        total += float(x.sum())
        for d, col in (("scope", "scope"), ("category", "cat"), ("site", "site")):
            sums[d] += np.bincount(c[col][s:e], weights=x, minlength=sums[d].shape[0])
    return total, _coded_groups(sums)


def _coded_groups(sums: dict[str, np.ndarray]) -> dict[str, tuple[list[Any], np.ndarray]]:
    return {"scope": ([1, 2, 3], sums["scope"]), "category": (CATS, sums["category"]), "site": (SITES, sums["site"])}


def numba_fused(c: dict[str, np.ndarray], ftab: dict[str, np.ndarray], utab: dict[str, np.ndarray]) -> Result:
    """One compiled loop over the rows: key, gather, multiply, total and three group sums (numba)."""
    coef = key_coef(ftab, utab)
    sums = {"scope": np.zeros(3), "category": np.zeros(N_CAT), "site": np.zeros(N_SITE)}
    total = _fused()(c["a"], c["r"], c["year"], c["u"], c["q"], c["scope"], c["cat"], c["site"], coef,
                     sums["scope"], sums["category"], sums["site"])
    return float(total), _coded_groups(sums)


_FUSED: list[Callable[..., float]] = []


def _fused() -> Callable[..., float]:
    if not _FUSED:
        import numba

        @numba.njit(cache=False, nogil=True, fastmath=False)
        def loop(a, r, year, u, q, scope, cat, site, coef, o1, o2, o3):  # type: ignore[no-untyped-def]
            total = 0.0
            for i in range(q.shape[0]):
                k = ((a[i] * N_REG + r[i]) * N_YEAR + year[i] - YMIN) * N_UNIT + u[i]
                w = q[i] * coef[k]
                total += w
                o1[scope[i]] += w
                o2[cat[i]] += w
                o3[site[i]] += w
            return total

        _FUSED.append(loop)
    return _FUSED[0]


def numba_fused_parallel(c: dict[str, np.ndarray], ftab: dict[str, np.ndarray], utab: dict[str, np.ndarray]) -> Result:
    """The same compiled loop over every core (numba ``prange``): one contiguous share of the rows per thread,
    each into its own sums, added at the end."""
    import numba

    coef = key_coef(ftab, utab)
    total, s1, s2, s3 = _fused_par()(c["a"], c["r"], c["year"], c["u"], c["q"], c["scope"], c["cat"], c["site"],
                                     coef, numba.get_num_threads())
    return float(total), _coded_groups({"scope": s1, "category": s2, "site": s3})


_FUSED_PAR: list[Callable[..., tuple[float, np.ndarray, np.ndarray, np.ndarray]]] = []


def _fused_par() -> Callable[..., tuple[float, np.ndarray, np.ndarray, np.ndarray]]:
    if not _FUSED_PAR:
        import numba

        @numba.njit(cache=False, nogil=True, parallel=True)
        def loop(a, r, year, u, q, scope, cat, site, coef, nt):  # type: ignore[no-untyped-def]
            n = q.shape[0]
            o1 = np.zeros((nt, 3)); o2 = np.zeros((nt, N_CAT)); o3 = np.zeros((nt, N_SITE)); tot = np.zeros(nt)
            for t in numba.prange(nt):
                total = 0.0
                for i in range(t * n // nt, (t + 1) * n // nt):
                    k = ((a[i] * N_REG + r[i]) * N_YEAR + year[i] - YMIN) * N_UNIT + u[i]
                    w = q[i] * coef[k]
                    total += w
                    o1[t, scope[i]] += w
                    o2[t, cat[i]] += w
                    o3[t, site[i]] += w
                tot[t] = total
            return tot.sum(), o1.sum(axis=0), o2.sum(axis=0), o3.sum(axis=0)

        _FUSED_PAR.append(loop)
    return _FUSED_PAR[0]


def bandwidth_parallel_gbs(mib: int = 1024) -> float:
    """Read bandwidth of every core together: the best of five sums of *mib* MiB of float64 over numba threads."""
    import time

    import numba

    @numba.njit(parallel=True, nogil=True)
    def total(x):  # type: ignore[no-untyped-def]
        s = 0.0
        for i in numba.prange(x.shape[0]):
            s += x[i]
        return s

    x = np.ones(mib * 2**20 // 8)
    total(x[:1000])
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter(); total(x); best = min(best, time.perf_counter() - t0)
    return x.nbytes / best / 1e9


def bandwidth_gbs(mib: int = 1024) -> float:
    """Read bandwidth of one core: the best of five ``np.add.reduce`` over *mib* MiB of float64 (GB/s)."""
    import time

    x = np.ones(mib * 2**20 // 8)
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter(); np.add.reduce(x); best = min(best, time.perf_counter() - t0)
    return x.nbytes / best / 1e9


# -- polars -------------------------------------------------------------------------------------------------------


def polars_job(df: Any, coef: np.ndarray, gas_coefs: dict[str, np.ndarray] | None = None) -> Result:
    """Lazy: key expression, ``pl.lit(coef).gather(key)`` times quantity, the sums resolved with ``collect_all``."""
    import polars as pl

    schema = df.collect_schema()  # once: on a LazyFrame (scan_csv) each `.schema` would resolve the plan again

    def code(name: str) -> Any:
        col = pl.col(name)
        return (col.to_physical() if isinstance(schema[name], pl.Enum) else col).cast(pl.Int32)

    key = ((code("activity") * N_REG + code("region")) * N_YEAR + (pl.col("year") - YMIN)) * N_UNIT + code("unit")
    cols = [(pl.col("quantity") * pl.lit(pl.Series(coef)).gather(key)).alias("e")]
    for g, gc in (gas_coefs or {}).items():
        cols.append((pl.col("quantity") * pl.lit(pl.Series(gc)).gather(key)).alias(g))
    vals = ["e", *(gas_coefs or {})]
    base = df.lazy().with_columns(cols)
    out = pl.collect_all([base.select(pl.col("e").sum())]
                         + [base.group_by(d).agg([pl.col(v).sum() for v in vals]) for d in DIMS])
    total = float(out[0]["e"][0])
    groups = {}
    for d, t in zip(DIMS, out[1:]):
        labels = t[d].to_list()
        if not isinstance(schema[d], (pl.Enum, pl.Categorical)):  # coded columns: the codes' labels
            labels = [int(x) for x in labels] if d == "scope" else [(CATS if d == "category" else SITES)[i] for i in labels]
        groups[d] = (labels, t["e"].to_numpy())
    return total, groups


def polars_frame(c: dict[str, np.ndarray]) -> Any:
    """Enum columns from codes (polars' own categorical layout)."""
    import polars as pl

    def enum(codes: np.ndarray, cats: list[Any]) -> Any:
        import pyarrow as pa

        return pl.Series(pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(cats))).cast(pl.Enum(cats))

    return pl.DataFrame({
        "activity": enum(c["a"], ACTS), "region": enum(c["r"], REGS), "year": c["year"], "unit": enum(c["u"], UNITS),
        "quantity": c["q"], "scope": c["scope"] + 1, "category": enum(c["cat"], CATS), "site": enum(c["site"], SITES),
    })


def polars_from_lists(s: dict[str, Any], coef: np.ndarray) -> Result:
    import polars as pl

    df = pl.DataFrame({
        "activity": pl.Series(s["activity"], dtype=pl.Enum(ACTS)), "region": pl.Series(s["region"], dtype=pl.Enum(REGS)),
        "year": s["year"], "unit": pl.Series(s["unit"], dtype=pl.Enum(UNITS)), "quantity": s["quantity"],
        "scope": s["scope"], "category": pl.Series(s["category"], dtype=pl.Enum(CATS)),
        "site": pl.Series(s["site"], dtype=pl.Enum(SITES)),
    })
    return polars_job(df, coef)


# -- pandas -------------------------------------------------------------------------------------------------------


def pandas_job(df: Any, ftab: dict[str, np.ndarray], utab: dict[str, np.ndarray]) -> Result:
    """Categorical codes, the per-key table in the categories' order, a numpy gather and bincounts on the codes."""
    cats = {c: list(df[c].cat.categories) for c in ("activity", "region", "unit")}
    coef = key_coef(ftab, utab, cats["activity"], cats["region"], cats["unit"])
    key = df["activity"].cat.codes.to_numpy().astype(np.int32)
    key *= N_REG; key += df["region"].cat.codes.to_numpy(); key *= N_YEAR
    key += df["year"].to_numpy(); key -= YMIN; key *= N_UNIT; key += df["unit"].cat.codes.to_numpy()
    e = df["quantity"].to_numpy() * coef[key]
    groups = {}
    for d in DIMS:
        s = df[d]
        groups[d] = (list(s.cat.categories), np.bincount(s.cat.codes.to_numpy(), weights=e,
                                                         minlength=len(s.cat.categories)))
    return float(e.sum()), groups


def pandas_frame(c: dict[str, np.ndarray]) -> Any:
    import pandas as pd

    def cat(codes: np.ndarray, cats: list[Any]) -> Any:
        return pd.Categorical.from_codes(codes, categories=cats)

    return pd.DataFrame({
        "activity": cat(c["a"], ACTS), "region": cat(c["r"], REGS), "year": c["year"], "unit": cat(c["u"], UNITS),
        "quantity": c["q"], "scope": cat(c["scope"], [1, 2, 3]), "category": cat(c["cat"], CATS),
        "site": cat(c["site"], SITES),
    })


def pandas_from_lists(s: dict[str, Any], ftab: dict[str, np.ndarray], utab: dict[str, np.ndarray]) -> Result:
    import pandas as pd

    df = pd.DataFrame({
        "activity": pd.Categorical(s["activity"], categories=ACTS), "region": pd.Categorical(s["region"], categories=REGS),
        "year": s["year"], "unit": pd.Categorical(s["unit"], categories=UNITS), "quantity": s["quantity"],
        "scope": pd.Categorical(s["scope"], categories=[1, 2, 3]),
        "category": pd.Categorical(s["category"], categories=CATS), "site": pd.Categorical(s["site"], categories=SITES),
    })
    return pandas_job(df, ftab, utab)


# -- pyarrow ------------------------------------------------------------------------------------------------------


def arrow_table(c: dict[str, np.ndarray]) -> Any:
    import pyarrow as pa

    def dic(codes: np.ndarray, cats: list[Any]) -> Any:
        return pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(cats))

    return pa.table({
        "activity": dic(c["a"], ACTS), "region": dic(c["r"], REGS), "year": c["year"], "unit": dic(c["u"], UNITS),
        "quantity": c["q"], "scope": c["scope"] + 1, "category": dic(c["cat"], CATS), "site": dic(c["site"], SITES),
    })


def arrow_coded_table(c: dict[str, np.ndarray]) -> Any:
    import pyarrow as pa

    return pa.table({"a": c["a"], "r": c["r"], "year": c["year"], "u": c["u"], "quantity": c["q"],
                     "scope": c["scope"] + 1, "category": c["cat"], "site": c["site"]})


def arrow_job(t: Any, ftab: dict[str, np.ndarray], utab: dict[str, np.ndarray]) -> Result:
    """pyarrow.compute: the key from dictionary indices (the per-key table in the dictionaries' order),
    ``take``, ``multiply`` and ``Table.group_by().aggregate``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    coded = "a" in t.column_names
    if coded:
        ia, ir, iu = t["a"], t["r"], t["u"]
        coef = key_coef(ftab, utab)
    else:
        cols = {c: t[c].combine_chunks() for c in ("activity", "region", "unit")}
        coef = key_coef(ftab, utab, *(cols[c].dictionary.to_pylist() for c in ("activity", "region", "unit")))
        ia, ir, iu = (cols[c].indices.cast(pa.int32()) for c in ("activity", "region", "unit"))
    key = pc.add(pc.multiply(pc.subtract(pc.add(pc.multiply(pc.add(pc.multiply(ia, N_REG), ir), N_YEAR), t["year"]),
                                         YMIN), N_UNIT), iu)
    e = pc.multiply(t["quantity"], pc.take(pa.array(coef), key))
    groups = {}
    for d in DIMS:
        g = pa.table({"g": t[d], "e": e}).group_by("g").aggregate([("e", "sum")])
        labels = g["g"].to_pylist()
        if coded and d == "category":
            labels = [CATS[i] for i in labels]
        if coded and d == "site":
            labels = [SITES[i] for i in labels]
        groups[d] = (labels, g["e_sum"].to_numpy())
    return float(pc.sum(e).as_py()), groups


def arrow_from_lists(s: dict[str, Any], ftab: dict[str, np.ndarray], utab: dict[str, np.ndarray]) -> Result:
    import pyarrow as pa

    t = pa.table({
        **{c: pa.array(s[c], pa.string()).dictionary_encode() for c in ("activity", "region", "unit", "category", "site")},
        "year": s["year"], "quantity": s["quantity"], "scope": s["scope"],
    })
    return arrow_job(t, ftab, utab)


# -- DuckDB -------------------------------------------------------------------------------------------------------


def duckdb_job(con: Any, t: Any, ftab: dict[str, np.ndarray], utab: dict[str, np.ndarray]) -> Result:
    """A join of the rows to the per-key table, summed with GROUPING SETS in one query (all cores)."""
    import pyarrow as pa

    coded = "a" in t.column_names
    coef = key_coef(ftab, utab)
    ka, kr, ky, ku = np.unravel_index(np.arange(coef.shape[0]), (N_ACT, N_REG, N_YEAR, N_UNIT))
    if coded:
        keys = pa.table({"a": ka.astype(np.int32), "r": kr.astype(np.int32), "year": (ky + YMIN).astype(np.int32),
                         "u": ku.astype(np.int32), "coef": coef})
        on = "t.a = k.a AND t.r = k.r AND t.year = k.year AND t.u = k.u"
    else:
        keys = pa.table({"activity": np.array(ACTS, dtype=object)[ka], "region": np.array(REGS, dtype=object)[kr],
                         "year": (ky + YMIN).astype(np.int32), "unit": np.array(UNITS, dtype=object)[ku], "coef": coef})
        on = "t.activity = k.activity AND t.region = k.region AND t.year = k.year AND t.unit = k.unit"
    con.register("t", t)
    con.register("k", keys)
    out = con.sql(
        f"SELECT scope, category, site, sum(t.quantity * k.coef) AS e FROM t JOIN k ON {on} "
        "GROUP BY GROUPING SETS ((), (scope), (category), (site))").to_arrow_table()
    con.unregister("t"); con.unregister("k")
    sc, ca, si, e = (out[c].to_numpy(zero_copy_only=False) for c in ("scope", "category", "site", "e"))
    none = lambda x: np.array([v is None for v in x]) if x.dtype == object else np.isnan(x)  # noqa: E731
    ns, nca, nsi = none(sc), none(ca), none(si)
    groups: dict[str, tuple[list[Any], np.ndarray]] = {}
    for d, col, sel in (("scope", sc, ~ns), ("category", ca, ~nca), ("site", si, ~nsi)):
        labels = col[sel].tolist()
        if coded and d == "category":
            labels = [CATS[int(i)] for i in labels]
        elif coded and d == "site":
            labels = [SITES[int(i)] for i in labels]
        elif d == "scope":
            labels = [int(x) for x in labels]
        groups[d] = (labels, e[sel])
    return float(e[ns & nca & nsi][0]), groups
