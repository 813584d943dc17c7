"""Identity coding against the dict path, on label columns given as Python lists.

Run:  python benchmarks/bench_identity.py [--rows 1000000 10000000] [--repeat 3]

Two columns per size: rows that share objects (10,000 site names picked at
random, as ``names[codes].tolist()`` gives), and rows that hold one object
each (text parsed row by row; identity coding steps aside after one chunk).
Prints the best time of *repeat* runs of ``neutralcore._core.categorical.factorize``
with identity coding on and with ``NEUTRALCORE_NO_IDENTITY=1`` (the dict path).
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from neutralcore._core.categorical import factorize


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    names = [f"site-{i}" for i in range(10_000)]
    for n in args.rows:
        shared = [names[i] for i in np.random.default_rng(0).integers(0, len(names), n).tolist()]
        own = [("site-" + str(i % 10_000) + ".")[:-1] for i in range(n)]
        for label, column in (("rows share objects", shared), ("one object per row", own)):
            os.environ.pop("NEUTRALCORE_NO_IDENTITY", None)
            on = best(lambda: factorize(column, None), args.repeat)
            os.environ["NEUTRALCORE_NO_IDENTITY"] = "1"
            off = best(lambda: factorize(column, None), args.repeat)
            os.environ.pop("NEUTRALCORE_NO_IDENTITY", None)
            print(f"{n:>11,} rows, {label:<19}: identity {on * 1e3:7.0f} ms, dict path {off * 1e3:7.0f} ms"
                  f" ({off / on:4.1f}x)")


if __name__ == "__main__":
    main()
