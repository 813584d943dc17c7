"""Seconds to check and render a claim whose balance holds many credit blocks.

Run:  PYTHONPATH=src python benchmarks/bench_claim.py [--credits 1000 10000 100000] [--repeat 3]

Each time includes making the balance anew (``attrs.evolve``), so the one
assessment of its credits is counted in every column.  The last column is
the time per 1,000 credits of ``check_claim`` plus the three reports: linear
growth keeps it flat.

Every block is a distinct Verra serial range of 10 t in one project, retired
for the subject and period claimed, so every credit check runs on every block
(this measures speed, not accounting).  The retirements are built by hand:
going through an ``OffsetLedger`` would time the ledger too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from neutralcore.claim import Balance, check_claim, render
from neutralcore.offsets import Offset, Period, Retirement


def make_balance(n: int) -> Balance:
    period = Period.year(2024)
    retirements = tuple(
        Retirement(id=i, offset=Offset(programme="Verra VCS", project_id="1060", country="VN", kind="avoidance",
                                       vintage=Period.year(2023), serial_start=10 * i + 1, serial_end=10 * i + 10,
                                       issuance_date=dt.date(2024, 4, 1), methodology="VM0042"),
                   subject="Acme Ltd", period=period, beneficiary="Acme Ltd", retired_on=dt.date(2025, 3, 1))
        for i in range(n)
    )
    return Balance(subject="Acme Ltd", subject_type="organisation", period=period, emissions=12_000.0,
                   by_scope={"scope 1": 7_000.0, "scope 2": 5_000.0}, gwp_set="AR6 GWP100",
                   scope2_basis="market", credits=retirements)


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--credits", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for n in args.credits:
        t0 = time.perf_counter()
        b = make_balance(n)
        built = time.perf_counter() - t0
        check = best(lambda: check_claim(attrs_copy(b), as_of="2026-01-01"), args.repeat)
        md = best(lambda: render(attrs_copy(b), as_of="2026-01-01"), args.repeat)
        html = best(lambda: render(attrs_copy(b), "html", as_of="2026-01-01"), args.repeat)
        js = best(lambda: render(attrs_copy(b), "json", as_of="2026-01-01"), args.repeat)
        per_1000 = (check + md + html + js) / n * 1000
        print(f"{n:>7,} credits: build {built:6.2f} s, check_claim {check:6.3f} s, markdown {md:6.3f} s, "
              f"html {html:6.3f} s, json {js:6.3f} s; all four {per_1000:6.3f} s per 1,000 credits "
              f"(best of {args.repeat})")


def attrs_copy(b: Balance) -> Balance:
    """A fresh Balance equal to *b*, so no assessment cached on *b* is reused between runs."""
    import attrs

    return attrs.evolve(b)


if __name__ == "__main__":
    main()
