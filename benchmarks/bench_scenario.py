"""Scenarios and MAC curves on a large inventory, beside the kernel floor.

Run:  PYTHONPATH=src python benchmarks/bench_scenario.py [--rows 1000000] [--levers 12 50] [--years 30] [--row-path]

``--row-path`` passes ``aggregate=False``: every row measured and every lever
re-measured at every step, the path a lever that is not row-independent takes.

Three jobs on one synthetic inventory (default 1,000,000 rows: grid electricity,
diesel and natural gas over 1,000 sites and 5 categories, one region, base
year 2024):

* a 30-year scenario (2024-2053) with 3 levers (an efficiency cut, a fuel
  switch to electricity from 2030, rooftop solar on one site), growth and a
  grid-factor path: ``Scenario.trajectory``;
* a 12-lever and a 50-lever MAC curve in 2024 (efficiency cuts on groups of
  sites, solar on single sites, a fuel switch, CCS, a renewable contract,
  tree planting; prices on some): ``mac_curve``.

Each job is printed beside two **kernel floors**: the same number of plain
``Inventory.emissions()`` calls the job makes (counted while it runs), with
the inventory's cached row keys dropped before each call so every call does
the whole kernel,

* on the full-size inventory (1,333,286 rows: the base inventory plus the rows
  a fuel switch adds), the floor of measuring rows one by one, and
* on the largest inventory the job actually measured (with ``aggregate=True``
  the rows summed by all their columns, 20,000 rows).

The target is within 1.5x of the floor.

Factors are synthetic (speed only, not accounting): they carry a
``neutralcore benchmarks`` source that says so.

Measured on the project's 2-core machine (shared, so +-30 %), 1,000,000 rows:

=============================  ===========  ==========================  ======================
job                            before (*)   now, ``aggregate=True``     now, ``--row-path``
=============================  ===========  ==========================  ======================
scenario, 30 years, 3 levers   12.9 s       0.15 s (30 calls)           4.7 s
MAC curve, 12 levers           20.3 s       0.13 s (36 calls)           4.1 s (79 calls)
MAC curve, 50 levers           419 s        0.42 s (175 calls)          not run
=============================  ===========  ==========================  ======================

(*) every row measured and every lever re-measured at every step: 30, 79
and 1,276 emissions() calls, whose floor on the 1,333,286-row inventory is
0.5 s, 1.3 s and 17-54 s.  Now (2026-12-03) the floor on the full-size
inventory for the calls made is 0.11 s, 0.12 s and 0.55 s (the jobs 1.40-1.45x,
1.13-1.14x and 0.77-0.80x of it: a plain ``emissions()`` call became one pass
over the rows that keeps no code per row, three times faster than the 0.37 s,
0.47 s and 1.96 s of before), and on the 20,000 summed rows actually measured
0.02-0.10 s: what is left is per-year bookkeeping of the levers, not rows.  The
rows are summed once per job (``aggregate=True``): their columns combined into
one code while the combinations fit a dense table, not one column at a time
(the 30-year scenario 0.18-0.19 s to 0.15 s).
"""

from __future__ import annotations

import argparse
import gc
import time
from typing import Any, Callable

import numpy as np

import neutralcore as nc
from neutralcore.plugins.levers import (CarbonCapture, EnergyEfficiency, FuelSwitch, RenewableContract, RooftopSolar,
                                        TreePlanting)

SRC = nc.Source("neutralcore benchmarks", "synthetic factors (speed only, not accounting)", 2026)
N_SITES, N_CATS = 1000, 5


def make_factors() -> nc.FactorSet:
    return nc.FactorSet.from_factors([
        nc.Factor("electricity.grid", "VN", 2024, "t/MWh", {"CO2": 0.65}, SRC),
        nc.Factor("fuel.diesel.stationary", "VN", 2024, "kg/TJ", {"CO2": 74000.0, "CH4": 3.0, "N2O": 0.6}, SRC),
        nc.Factor("fuel.natural_gas.stationary", "VN", 2024, "kg/TJ", {"CO2": 56000.0, "CH4": 1.0, "N2O": 0.1}, SRC),
    ])


def make_inventory(n: int, seed: int = 7) -> nc.Inventory:
    rng = np.random.default_rng(seed)
    acts = ("electricity.grid", "fuel.diesel.stationary", "fuel.natural_gas.stationary")
    a = rng.integers(0, 3, n)
    return nc.Inventory.from_columns(
        activity=(a.astype(np.int32), acts),
        quantity=np.where(a == 0, rng.uniform(1, 100, n), rng.uniform(0.001, 0.1, n)),
        unit=(a.clip(0, 1).astype(np.int32), ("MWh", "TJ")),
        region="VN", year=2024,
        scope=((a > 0).astype(np.int32), (2, 1)),
        category=(rng.integers(0, N_CATS, n).astype(np.int32), tuple(f"c{i}" for i in range(N_CATS))),
        site=(rng.integers(0, N_SITES, n).astype(np.int32), tuple(f"s{i}" for i in range(N_SITES))),
    )


def scenario_levers() -> list[Any]:
    return [
        EnergyEfficiency(0.1, activity="electricity"),
        (FuelSwitch("fuel.diesel.stationary", "electricity.grid", share=0.5, from_efficiency=0.8, to_efficiency=3.0), 2030),
        RooftopSolar(500.0, 1300.0, site="s0"),
    ]


def mac_levers(k: int) -> list[nc.Lever]:
    """*k* costed levers: a few of every kind, then efficiency cuts and solar on disjoint groups of sites."""
    costs = lambda capex, **kw: nc.Costs(capex=capex, lifetime=10, **kw)  # noqa: E731
    price = {"electricity": nc.Price(100.0, "MWh"), "fuel": nc.Price(20_000.0, "TJ")}
    out: list[nc.Lever] = [
        FuelSwitch("fuel.diesel.stationary", "electricity.grid", share=0.3, to_efficiency=3.0, name="heat pumps",
                   costs=costs(2e6, prices=price)),
        CarbonCapture(0.9, activity="fuel.natural_gas", name="ccs", costs=costs(5e7, opex_delta=1e6)),
        RenewableContract(5_000.0, market="VN", retired_for="Acme", name="ppa", costs=costs(0, opex_delta=2e5)),
        TreePlanting("plantation.tropical_moist_deciduous_forest.asia", 100.0, name="trees", costs=costs(3e5)),
    ]
    i = 0
    while len(out) < k:
        sites = [f"s{j}" for j in range(10 * i, 10 * i + 10)]
        if i % 3 == 2:
            out.append(RooftopSolar(200.0 + i, 1300.0, site=f"s{900 + i}", name=f"solar {i}",
                                    costs=costs(1.5e5, prices=price)))
        else:
            out.append(EnergyEfficiency(0.05 + 0.01 * (i % 10), site=sites, name=f"efficiency {i}",
                                        costs=costs(1e4 * (1 + i % 7), prices=price if i % 2 else {})))
        i += 1
    return out[:k]


class Counter:
    """Counts ``Inventory.emissions`` calls (and the largest inventory measured) while a job runs."""

    def __init__(self) -> None:
        self.calls = 0
        self.largest: nc.Inventory | None = None
        self._orig = nc.Inventory.emissions

    def __enter__(self) -> "Counter":
        counter, orig = self, self._orig

        def counted(inv: nc.Inventory, *a: Any, **kw: Any) -> nc.Emissions:
            counter.calls += 1
            if counter.largest is None or len(inv) > len(counter.largest):
                counter.largest = inv
            return orig(inv, *a, **kw)

        nc.Inventory.emissions = counted  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: Any) -> None:
        nc.Inventory.emissions = self._orig  # type: ignore[method-assign]


def floor(inv: nc.Inventory, fs: nc.FactorSet, calls: int) -> float:
    """Seconds of *calls* plain ``emissions()`` calls on *inv*, each with the row-key cache dropped."""
    total = 0.0
    for _ in range(calls):
        inv._cache.clear()
        t0 = time.perf_counter()
        inv.emissions(fs)
        total += time.perf_counter() - t0
    return total


def run(label: str, job: Callable[[], Any], full: nc.Inventory, fs: nc.FactorSet) -> Any:
    gc.collect()
    with Counter() as c:
        t0 = time.perf_counter()
        out = job()
        t = time.perf_counter() - t0
    assert c.largest is not None
    fl = floor(full, fs, c.calls)
    own = floor(c.largest, fs, c.calls)
    print(f"{label:<30} {t:7.2f} s   {c.calls:5d} emissions() calls; floor on {len(full):,} rows {fl:6.2f} s "
          f"({t / fl:5.2f}x), on the {len(c.largest):,} rows measured {own:6.2f} s ({t / own:5.2f}x)", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--levers", type=int, nargs="+", default=[12, 50])
    ap.add_argument("--years", type=int, default=30)
    ap.add_argument("--row-path", action="store_true", help="aggregate=False (the path of levers that need rows)")
    args = ap.parse_args()
    fs = make_factors()
    inv = make_inventory(args.rows)
    end = 2024 + args.years - 1
    # the full-size inventory the scenario meets in its last years: the base one plus the fuel switch's rows
    switched = scenario_levers()[1][0].apply(inv, 2024)

    def scenario() -> Any:
        s = nc.Scenario(inv, scenario_levers(), factors=fs, growth={"electricity": 0.02, "*": 0.01},
                        grid_factor_path={2050: 0.3}, name="bench", aggregate=not args.row_path)
        return s.trajectory(2024, end)

    print(f"neutralcore {nc.__version__}; {'row path, ' if args.row_path else ''}{args.rows:,}-row inventory, {len(inv.activity.categories)} activities, "
          f"{N_SITES:,} sites, {N_CATS} categories")
    run(f"scenario {args.years} years, 3 levers", scenario, switched, fs)
    for k in args.levers:
        levers = mac_levers(k)
        run(f"MAC curve, {k} levers", lambda: nc.mac_curve(inv, levers, 2024, 0.08, factors=fs, entity="Acme",
                                                           aggregate=not args.row_path), switched, fs)


if __name__ == "__main__":
    main()
