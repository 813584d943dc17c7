"""Rows per second of neutralcore's emissions pipeline beside pandas, polars and a plain-numpy floor.

Run:  pip install '.[bench]' && python benchmarks/bench_kernel.py [--rows 1000000 10000000] [--repeat 3]

The job, identical for every contender, on the same synthetic data:
match each row's (activity, region, year) to a factor, convert the row's unit
to the factor's unit (bridging litres and kilograms to energy through the
fuel's density and net calorific value), weight CO2/CH4/N2O by GWP100 (AR5),
and sum CO2e by three dimensions (scope: 3 groups, category: 100, site: 10,000).

Two starting points:
* coded: columns already integer-coded (an ``Inventory`` built from codes; the
  baselines get the same integer columns) — the kernel;
* strings: raw Python string columns (ingest + kernel).

Synthetic data: 100 activities x 10 regions x 10 years = 10,000 factor keys;
20 activity units (energy, mass, volume); factor values are arbitrary but
fixed (this measures speed, not accounting).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
import tracemalloc

import numpy as np

import neutralcore as nc
from neutralcore.units import multiplier

N_ACT, N_REG, N_YEAR = 100, 10, 10
YEARS = np.arange(2015, 2015 + N_YEAR)
ENERGY_UNITS = ["MWh", "kWh", "GWh", "GJ", "TJ", "MJ", "Wh", "kJ"]
MASS_UNITS = ["kg", "t", "g", "Gg", "lb", "Mg"]
VOLUME_UNITS = ["L", "m^3", "gallon", "mL", "kL", "dm^3"]
UNITS = ENERGY_UNITS + MASS_UNITS + VOLUME_UNITS  # 20 units
GWP = {"CO2": 1.0, "CH4": 28.0, "N2O": 265.0}
SRC = nc.Source("neutralcore benchmarks", "synthetic factors (speed only)", 2026)


def make_factors(rng: np.random.Generator) -> tuple[nc.FactorSet, dict]:
    """Half the activities are electricity-like (t/MWh), half fuels (kg/TJ with density and NCV)."""
    factors = []
    table = {k: [] for k in ("a", "r", "y", "per", "co2", "ch4", "n2o", "to_t", "dens", "ncv")}
    regions = [f"R{i}" for i in range(N_REG)]
    for a in range(N_ACT):
        fuel = a % 2 == 1
        for r in range(N_REG):
            for y in YEARS:
                co2 = float(rng.uniform(50000, 100000) if fuel else rng.uniform(0.1, 1.0))
                ch4 = float(rng.uniform(1, 10)) if fuel else 0.0
                n2o = float(rng.uniform(0.1, 2)) if fuel else 0.0
                gases = {"CO2": co2, "CH4": ch4, "N2O": n2o} if fuel else {"CO2": co2}
                dens = float(rng.uniform(500, 1000))
                ncv = float(rng.uniform(40, 50))
                kw = {}
                if fuel:
                    kw = dict(ncv=nc.FuelProperty("ncv", ncv, "TJ/Gg", SRC), density=nc.FuelProperty("density", dens, "kg/m^3", SRC))
                factors.append(nc.Factor(f"act.a{a}", regions[r], int(y), "kg/TJ" if fuel else "t/MWh", gases, SRC, **kw))
                table["a"].append(a); table["r"].append(r); table["y"].append(int(y))
                table["per"].append("TJ" if fuel else "MWh")
                table["co2"].append(co2); table["ch4"].append(ch4); table["n2o"].append(n2o)
                table["to_t"].append(0.001 if fuel else 1.0)
                table["dens"].append(dens if fuel else np.nan); table["ncv"].append(ncv / 1e6 if fuel else np.nan)
    return nc.FactorSet.from_factors(factors), {k: np.array(v) for k, v in table.items()}


def make_rows(n: int, rng: np.random.Generator) -> dict:
    a = rng.integers(0, N_ACT, n, dtype=np.int32)
    fuel = (a % 2 == 1)
    # electricity rows use energy units; fuel rows any of the 20
    u_energy = rng.integers(0, len(ENERGY_UNITS), n, dtype=np.int32)
    u_any = rng.integers(0, len(UNITS), n, dtype=np.int32)
    u = np.where(fuel, u_any, u_energy).astype(np.int32)
    return {
        "a": a,
        "r": rng.integers(0, N_REG, n, dtype=np.int32),
        "y": rng.integers(0, N_YEAR, n, dtype=np.int32),
        "u": u,
        "q": rng.uniform(0, 1000, n),
        "scope": rng.integers(1, 4, n, dtype=np.int32),
        "cat": rng.integers(0, 100, n, dtype=np.int32),
        "site": rng.integers(0, 10_000, n, dtype=np.int32),
    }


def unit_table() -> dict:
    """Per (activity unit, factor per-unit): the direct multiplier or the bridge steps."""
    base = {u: ("m^3" if u in VOLUME_UNITS else "kg" if u in MASS_UNITS else "TJ") for u in UNITS}
    rows = {k: [] for k in ("u", "per", "m", "needs_d", "needs_n")}
    for i, u in enumerate(UNITS):
        for per in ("MWh", "TJ"):
            b = base[u]
            if b == "TJ":
                m, d, nn = multiplier(u, per), False, False
            else:
                m = multiplier(u, b) * multiplier("TJ", per)
                d, nn = b == "m^3", True
            rows["u"].append(i); rows["per"].append(per); rows["m"].append(m)
            rows["needs_d"].append(d); rows["needs_n"].append(nn)
    return rows


def timed(fn, repeat: int):
    best = float("inf")
    out = None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def timed_fresh(make, job, repeat: int):
    """Best time of *job* on a new object from *make* each run (the object is built outside the timer)."""
    best = float("inf")
    out = None
    for _ in range(repeat):
        obj = make()
        gc.collect()
        t0 = time.perf_counter()
        out = job(obj)
        best = min(best, time.perf_counter() - t0)
        del obj
    return best, out


def peak_mib(fn) -> float:
    gc.collect()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


# -- contenders ----------------------------------------------------------------------------------------------


def nc_inventory_from_codes(rows):
    return nc.Inventory.from_columns(
        activity=(rows["a"], tuple(f"act.a{i}" for i in range(N_ACT))),
        region=(rows["r"], tuple(f"R{i}" for i in range(N_REG))),
        year=YEARS[rows["y"]].astype(np.int32),
        unit=(rows["u"], tuple(UNITS)),
        quantity=rows["q"],
        scope=(rows["scope"] - 1, (1, 2, 3)),
        category=(rows["cat"], tuple(f"c{i}" for i in range(100))),
        site=(rows["site"], tuple(f"s{i}" for i in range(10_000))),
    )


def nc_job(inv, fs, gases=False):
    res = inv.emissions(fs, gwp="AR5")
    return [np.asarray(res.by(d, gases=gases)["co2e_t"]) for d in ("scope", "category", "site")], res.total()


def numpy_floor(rows, coef_per_row_code, code):
    co2e = rows["q"] * coef_per_row_code[code]
    return [np.bincount(rows[d], weights=co2e) for d in ("scope", "cat", "site")]


def pandas_job(df, ftab, utab):
    import pandas as pd

    m = df.merge(ftab, on=["a", "r", "y"], how="left", sort=False).merge(utab, on=["u", "per"], how="left", sort=False)
    bridge = np.where(m["needs_d"], m["dens"], 1.0) * np.where(m["needs_n"], m["ncv"], 1.0)
    per_unit = (m["co2"] * GWP["CO2"] + m["ch4"] * GWP["CH4"] + m["n2o"] * GWP["N2O"]) * m["to_t"]
    m["co2e"] = m["q"] * m["m"] * bridge * per_unit
    return [m.groupby(d, sort=False)["co2e"].sum() for d in ("scope", "cat", "site")]


def polars_job(ldf, lf, lu):
    import polars as pl

    q = (
        ldf.join(lf, on=["a", "r", "y"], how="left")
        .join(lu, on=["u", "per"], how="left")
        .with_columns(
            (pl.col("q") * pl.col("m")
             * pl.when(pl.col("needs_d")).then(pl.col("dens")).otherwise(1.0)
             * pl.when(pl.col("needs_n")).then(pl.col("ncv")).otherwise(1.0)
             * (pl.col("co2") * GWP["CO2"] + pl.col("ch4") * GWP["CH4"] + pl.col("n2o") * GWP["N2O"]) * pl.col("to_t")
             ).alias("co2e")
        )
    )
    return pl.collect_all([q.group_by(d).agg(pl.col("co2e").sum()) for d in ("scope", "cat", "site")])


def run(n: int, repeat: int, rng: np.random.Generator, fs, ftab) -> None:
    import pandas as pd
    import polars as pl

    rows = make_rows(n, rng)
    utab = unit_table()
    # plain-numpy floor: the coefficient per (a, r, y, u) precomputed; per row one gather, one multiply, 3 bincounts
    inv0 = nc_inventory_from_codes(rows)
    res0 = inv0.emissions(fs)
    code = res0.row_keys()
    coef = res0.keys().rates @ np.asarray(res0.per_gas()["gwp"], dtype=float)  # t CO2e per unit, per key
    t_floor, floor_out = timed(lambda: numpy_floor(rows, coef, code), repeat)

    t_build, _ = timed(lambda: nc_inventory_from_codes(rows), repeat)
    # each run gets a freshly built inventory (built outside the timer, the previous one freed first)
    t_nc, (nc_out, nc_total) = timed_fresh(lambda: nc_inventory_from_codes(rows), lambda inv: nc_job(inv, fs), repeat)
    warm = nc_inventory_from_codes(rows)
    nc_job(warm, fs)
    t_warm, _ = timed(lambda: nc_job(warm.with_quantity(warm.quantity), fs), repeat)
    t_gas, _ = timed(lambda: nc_job(warm.with_quantity(warm.quantity), fs, gases=True), repeat)

    # baselines on the same integer codes
    per = np.where(rows["a"] % 2 == 1, "TJ", "MWh")
    df = pd.DataFrame({"a": rows["a"], "r": rows["r"], "y": YEARS[rows["y"]], "u": rows["u"], "q": rows["q"],
                       "scope": rows["scope"], "cat": rows["cat"], "site": rows["site"]})
    fdf = pd.DataFrame(ftab_to_frame(ftab))
    udf = pd.DataFrame(utab)
    t_pd, pd_out = timed(lambda: pandas_job(df, fdf, udf), repeat)
    ldf, lf, lu = _to_polars(df).lazy(), _to_polars(fdf).lazy(), _to_polars(udf).lazy()
    t_pl, pl_out = timed(lambda: polars_job(ldf, lf, lu), repeat)

    # all contenders agree
    pd_total = float(pd_out[0].sum())
    pl_total = float(pl_out[0]["co2e"].sum())
    assert np.isclose(nc_total, pd_total, rtol=1e-9), (nc_total, pd_total)
    assert np.isclose(nc_total, pl_total, rtol=1e-9), (nc_total, pl_total)
    assert np.isclose(nc_total, floor_out[0].sum(), rtol=1e-9)
    nc_site = nc_out[2]
    by_site = pd_out[2]  # neutralcore sorts groups by label ("s0", "s1", "s10", ...), pandas by code
    pd_site = by_site.to_numpy()[np.argsort(np.array([f"s{i}" for i in by_site.index]), kind="stable")]
    assert np.allclose(nc_site, pd_site, rtol=1e-9)

    # from raw strings
    act_names = np.array([f"act.a{i}" for i in range(N_ACT)], dtype=object)
    reg_names = np.array([f"R{i}" for i in range(N_REG)], dtype=object)
    unit_names = np.array(UNITS, dtype=object)
    site_names = np.array([f"s{i}" for i in range(10_000)], dtype=object)
    cat_names = np.array([f"c{i}" for i in range(100)], dtype=object)
    s_cols = {
        "activity": act_names[rows["a"]].tolist(), "region": reg_names[rows["r"]].tolist(),
        "unit": unit_names[rows["u"]].tolist(), "site": site_names[rows["site"]].tolist(),
        "category": cat_names[rows["cat"]].tolist(),
    }
    years = YEARS[rows["y"]]

    def nc_strings():
        inv = nc.Inventory.from_columns(activity=s_cols["activity"], region=s_cols["region"], unit=s_cols["unit"],
                                        quantity=rows["q"], year=years, scope=rows["scope"], category=s_cols["category"],
                                        site=s_cols["site"])
        return nc_job(inv, fs)

    t_nc_s, (_, nc_total_s) = timed(nc_strings, repeat)
    sdf = pd.DataFrame({"activity": s_cols["activity"], "region": s_cols["region"], "y": years, "unit": s_cols["unit"],
                        "q": rows["q"], "scope": rows["scope"], "cat": s_cols["category"], "site": s_cols["site"]})
    sf = fdf.assign(activity=act_names[fdf["a"]], region=reg_names[fdf["r"]]).drop(columns=["a", "r"])
    su = udf.assign(unit=unit_names[udf["u"]]).drop(columns=["u"])

    def pandas_strings():
        m = sdf.merge(sf, on=["activity", "region", "y"], how="left", sort=False).merge(su, on=["unit", "per"], how="left", sort=False)
        bridge = np.where(m["needs_d"], m["dens"], 1.0) * np.where(m["needs_n"], m["ncv"], 1.0)
        per_unit = (m["co2"] * GWP["CO2"] + m["ch4"] * GWP["CH4"] + m["n2o"] * GWP["N2O"]) * m["to_t"]
        m["co2e"] = m["q"] * m["m"] * bridge * per_unit
        return [m.groupby(d, sort=False)["co2e"].sum() for d in ("scope", "cat", "site")]

    t_pd_s, pd_s = timed(pandas_strings, repeat)
    assert np.isclose(nc_total_s, float(pd_s[0].sum()), rtol=1e-9)
    lsdf, lsf, lsu = _to_polars(sdf).lazy(), _to_polars(sf).lazy(), _to_polars(su).lazy()

    def polars_strings():
        q = (lsdf.join(lsf, left_on=["activity", "region", "y"], right_on=["activity", "region", "y"], how="left")
             .join(lsu, on=["unit", "per"], how="left")
             .with_columns((pl.col("q") * pl.col("m")
                            * pl.when(pl.col("needs_d")).then(pl.col("dens")).otherwise(1.0)
                            * pl.when(pl.col("needs_n")).then(pl.col("ncv")).otherwise(1.0)
                            * (pl.col("co2") * GWP["CO2"] + pl.col("ch4") * GWP["CH4"] + pl.col("n2o") * GWP["N2O"]) * pl.col("to_t")).alias("co2e")))
        return pl.collect_all([q.group_by(d).agg(pl.col("co2e").sum()) for d in ("scope", "cat", "site")])

    t_pl_s, _ = timed(polars_strings, repeat)

    input_mib = sum(v.nbytes for v in rows.values()) / 2**20
    inv_mem = nc_inventory_from_codes(rows)
    peak = peak_mib(lambda: nc_job(inv_mem, fs))

    def line(name, t):
        return f"  {name:<44} {t * 1e3:9.1f} ms  {n / t / 1e6:8.1f} M rows/s"

    print(f"\n{n:,} rows; {len(fs):,} factor keys; {len(UNITS)} units; groups: scope 3, category 100, site 10,000")
    print(" coded columns (the kernel):")
    print(line("plain numpy floor (gather, multiply, 3 bincounts)", t_floor))
    print(line("neutralcore Inventory.emissions + 3 x by()", t_nc))
    print(line("  same, keys already coded (repeat run, e.g. scenario)", t_warm))
    print(line("  same, with per-gas columns in by() (more work)", t_gas))
    print(line("  (building the Inventory from codes)", t_build))
    print(line("pandas merge + groupby (integer codes)", t_pd))
    print(line("polars lazy joins + group_by (integer codes)", t_pl))
    print(f"  ratios (cold): neutralcore/floor {t_nc / t_floor:.2f}x; pandas/neutralcore {t_pd / t_nc:.1f}x; "
          f"polars/neutralcore {t_pl / t_nc:.1f}x")
    print(f"  ratios (keys coded): neutralcore/floor {t_warm / t_floor:.2f}x; pandas/neutralcore {t_pd / t_warm:.1f}x; "
          f"polars/neutralcore {t_pl / t_warm:.1f}x")
    print(" raw string columns (ingest + kernel):")
    print(line("neutralcore from_columns(str lists) + emissions", t_nc_s))
    print(line("pandas merge + groupby (string keys)", t_pd_s))
    print(line("polars lazy (string keys)", t_pl_s))
    print(f"  ratios: pandas/neutralcore {t_pd_s / t_nc_s:.1f}x; polars/neutralcore {t_pl_s / t_nc_s:.1f}x")
    print(f" memory: input columns {input_mib:.0f} MiB; neutralcore kernel peak (tracemalloc) {peak:.0f} MiB "
          f"({peak / input_mib:.2f}x input)")


def _to_polars(df):
    import polars as pl

    return pl.DataFrame({c: (df[c].to_numpy() if df[c].dtype.kind in "biuf" else df[c].astype(object).tolist())
                         for c in df.columns})


def ftab_to_frame(ftab: dict) -> dict:
    return {"a": ftab["a"], "r": ftab["r"], "y": ftab["y"], "per": ftab["per"], "co2": ftab["co2"], "ch4": ftab["ch4"],
            "n2o": ftab["n2o"], "to_t": ftab["to_t"], "dens": ftab["dens"], "ncv": ftab["ncv"]}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)
    import pandas, polars  # noqa: E401 - fail early with a clear message
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, pandas {pandas.__version__}, "
          f"polars {polars.__version__}, neutralcore {nc.__version__}, {os.cpu_count()} cores")
    rng = np.random.default_rng(20261123)
    fs, ftab = make_factors(rng)
    for n in args.rows:
        run(n, args.repeat, rng, fs, ftab)
    return 0


if __name__ == "__main__":
    sys.exit(main())
