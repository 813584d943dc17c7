"""The row passes of :mod:`neutralcore.measure.rowpass` as compiled loops (numba; ``neutralcore[fast]``).

Imported only when numba is installed and selected.  The loops are compiled on first use and cached on
disk (``cache=True``); group codes other than read-only int32 are converted first, so the loops see few
argument types.
"""

from __future__ import annotations

from typing import Sequence

import numba
import numpy as np

__all__ = ["code_counts", "dense_codes", "key_sums", "group_sums", "fused_pass"]

@numba.njit(cache=True, nogil=True)
def _key_loop(code: np.ndarray, quantity: np.ndarray, acc: np.ndarray) -> None:  # pragma: no cover
    # a key's row count and quantity side by side: one cache line per row's key, not two
    for i in range(code.shape[0]):
        k = code[i]
        acc[k, 0] += 1.0
        acc[k, 1] += quantity[i]


@numba.njit(cache=True, nogil=True)
def _group_loop(code: np.ndarray, quantity: np.ndarray, rates: np.ndarray, ng: int, g0: np.ndarray, g1: np.ndarray,
                g2: np.ndarray, g3: np.ndarray, o0: np.ndarray, o1: np.ndarray, o2: np.ndarray,
                o3: np.ndarray) -> None:  # pragma: no cover
    # up to four groupings per call (unused ones get one-row placeholders); rates of every column of a key
    m = rates.shape[1]
    for i in range(code.shape[0]):
        k = code[i]
        q = quantity[i]
        for j in range(m):
            w = q * rates[k, j]
            o0[g0[i], j] += w
            if ng > 1:
                o1[g1[i], j] += w
            if ng > 2:
                o2[g2[i], j] += w
            if ng > 3:
                o3[g3[i], j] += w


@numba.njit(cache=True, nogil=True)
def _count_loop(codes: np.ndarray, counts: np.ndarray) -> int:  # pragma: no cover
    n = counts.shape[0]
    for i in range(codes.shape[0]):
        c = codes[i]
        if c < 0 or c >= n:
            return i
        counts[c] += 1
    return -1


def code_counts(codes: np.ndarray, n_categories: int) -> np.ndarray | int:
    """The rows of each category, or ``-1 - position`` of the first code out of range."""
    counts = np.zeros(n_categories, np.int64)
    bad = _count_loop(codes, counts)
    return counts if bad < 0 else -1 - bad


@numba.njit(cache=True, nogil=True)
def _dense_loop(c0: np.ndarray, c1: np.ndarray, c2: np.ndarray, c3: np.ndarray, sizes: np.ndarray, offsets: np.ndarray,
                out: np.ndarray) -> None:  # pragma: no cover
    for i in range(out.shape[0]):
        out[i] = (((c0[i] - offsets[0]) * sizes[1] + c1[i] - offsets[1]) * sizes[2] + c2[i] - offsets[2]) * sizes[3] \
            + c3[i] - offsets[3]


@numba.njit(cache=True, nogil=True)
def _dense_sum_loop(c0: np.ndarray, c1: np.ndarray, c2: np.ndarray, c3: np.ndarray, sizes: np.ndarray,
                    offsets: np.ndarray, quantity: np.ndarray, out: np.ndarray, acc: np.ndarray) -> None:  # pragma: no cover
    for i in range(out.shape[0]):
        k = (((c0[i] - offsets[0]) * sizes[1] + c1[i] - offsets[1]) * sizes[2] + c2[i] - offsets[2]) * sizes[3] \
            + c3[i] - offsets[3]
        out[i] = k
        acc[k, 0] += 1.0
        acc[k, 1] += quantity[i]


def dense_codes(c0: np.ndarray, c1: np.ndarray, c2: np.ndarray, c3: np.ndarray, sizes: np.ndarray,
                offsets: np.ndarray, out: np.ndarray, quantity: np.ndarray | None = None, step: int = 1 << 62
                ) -> tuple[np.ndarray, np.ndarray] | None:
    """Each row's combined code of four integer columns, into *out*; with *quantity*, each code's row count
    and quantity from the same pass."""
    if quantity is None:
        _dense_loop(c0, c1, c2, c3, sizes, offsets, out)
        return None
    n_keys = int(np.prod(sizes))
    acc = np.zeros((n_keys, 2))
    n = out.shape[0]
    for s in range(0, n, step):  # chunk by chunk, as numpy's key_sums: the backends agree at any length
        e = min(s + step, n)
        part = acc if s == 0 else np.zeros((n_keys, 2))
        _dense_sum_loop(c0[s:e], c1[s:e], c2[s:e], c3[s:e], sizes, offsets, quantity[s:e], out[s:e], part)
        if s:
            acc += part
    return acc[:, 0].astype(np.int64), np.ascontiguousarray(acc[:, 1])


def key_sums(code: np.ndarray, quantity: np.ndarray, n_keys: int, step: int = 1 << 62) -> tuple[np.ndarray, np.ndarray]:
    """Each key's row count (int64) and quantity (float64), summed by chunks of *step* rows."""
    acc = np.zeros((n_keys, 2))
    n = code.shape[0]
    for s in range(0, n, step):  # chunk by chunk, as numpy's key_sums: the backends agree at any length
        part = acc if s == 0 else np.zeros((n_keys, 2))
        _key_loop(code[s:s + step], quantity[s:s + step], part)
        if s:
            acc += part
    return acc[:, 0].astype(np.int64), np.ascontiguousarray(acc[:, 1])


def group_sums(code: np.ndarray, quantity: np.ndarray, rates: np.ndarray, groups: Sequence[np.ndarray],
               out: Sequence[np.ndarray], step: int) -> None:
    """Add ``quantity * rates[code]`` of each row to row ``groups[g][row]`` of ``out[g]``, for every g.

    Four groupings per pass over the rows; group codes of another type than int32 are converted first, so the
    compiled loop sees one type (numba compiles one loop per combination of argument types).
    """
    spare_g = _readonly(np.zeros(1, np.int32))
    spare_o = np.zeros((1, rates.shape[1]))
    n = code.shape[0]
    for s in range(0, len(groups), 4):
        gs = [_readonly(g.astype(np.int32)) if g.dtype != np.int32 or g.flags.writeable else g for g in groups[s:s + 4]]
        ng = len(gs)
        gs += [spare_g] * (4 - ng)
        for a in range(0, n, step):  # chunk by chunk, as the numpy pass: the backends agree at any length
            b = min(a + step, n)
            part = [np.zeros_like(o) for o in out[s:s + 4]]
            g0, g1, g2, g3 = (g[a:b] if g is not spare_g else g for g in gs)
            o0, o1, o2, o3 = part + [spare_o] * (4 - ng)
            _group_loop(code[a:b], quantity[a:b], rates, ng, g0, g1, g2, g3, o0, o1, o2, o3)
            for o, p in zip(out[s:s + 4], part):
                o += p


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


@numba.njit(cache=True, nogil=True)
def _fused_co2e(c0: np.ndarray, c1: np.ndarray, c2: np.ndarray, c3: np.ndarray, sizes: np.ndarray,
                offsets: np.ndarray, quantity: np.ndarray, seen: np.ndarray, rates: np.ndarray,
                groups: tuple, out: tuple) -> float:  # pragma: no cover
    # per row: its key (not kept), marked seen (a byte per key: the array stays in cache), its CO2e added to the total and
    # to every grouping's sums.  groups and out are tuples of one type each: numba compiles (and unrolls) one
    # loop per number of groupings
    total = 0.0
    for i in range(quantity.shape[0]):
        k = (((c0[i] - offsets[0]) * sizes[1] + c1[i] - offsets[1]) * sizes[2] + c2[i] - offsets[2]) \
            * sizes[3] + c3[i] - offsets[3]
        seen[k] = 1
        w = quantity[i] * rates[k]
        total += w
        for t in range(len(groups)):
            out[t][groups[t][i]] += w
    return total


@numba.njit(cache=True, nogil=True)
def _fused_gases(c0: np.ndarray, c1: np.ndarray, c2: np.ndarray, c3: np.ndarray, sizes: np.ndarray,
                 offsets: np.ndarray, quantity: np.ndarray, seen: np.ndarray, rates: np.ndarray,
                 groups: tuple, out: tuple) -> float:  # pragma: no cover
    # the same with several rate columns (CO2e, then each gas) per key
    m = rates.shape[1]
    total = 0.0
    for i in range(quantity.shape[0]):
        k = (((c0[i] - offsets[0]) * sizes[1] + c1[i] - offsets[1]) * sizes[2] + c2[i] - offsets[2]) \
            * sizes[3] + c3[i] - offsets[3]
        seen[k] = 1
        q = quantity[i]
        total += q * rates[k, 0]
        for t in range(len(groups)):
            g = groups[t][i]
            o = out[t]
            for j in range(m):
                o[g, j] += q * rates[k, j]
    return total


def fused_pass(columns: Sequence[np.ndarray], sizes: np.ndarray, offsets: np.ndarray,
               quantity: np.ndarray, n_keys: int, rates: np.ndarray, groups: Sequence[np.ndarray],
               out: Sequence[np.ndarray], step: int) -> tuple[np.ndarray, float]:
    """Each row's key combined from four *columns* (not kept), whether each key has rows, the sum over
    rows of ``quantity * rates[key, 0]``, and ``quantity * rates[key]`` added to row ``groups[g][row]`` of
    ``out[g]``: one loop, run on chunks of *step* rows whose sums are added up."""
    seen = np.zeros(n_keys, np.uint8)
    gs = tuple(_readonly(g.astype(np.int32)) if g.dtype != np.int32 or g.flags.writeable else g for g in groups)
    n = quantity.shape[0]
    flat = rates.shape[1] == 1
    r = np.ascontiguousarray(rates[:, 0] if flat else rates, dtype=np.float64)
    loop = _fused_co2e if flat else _fused_gases
    total = 0.0
    # summed chunk by chunk, as the numpy pass is: no float accumulator takes millions of rows in a row, so both
    # backends agree to 1e-12 at any length
    for s in range(0, n, step):
        e = min(s + step, n)
        part = tuple(np.zeros(o.shape[0]) if flat else np.zeros_like(o) for o in out)
        c0, c1, c2, c3 = (c[s:e] for c in columns)
        total += loop(c0, c1, c2, c3, sizes, offsets, quantity[s:e], seen, r,
                      tuple(g[s:e] for g in gs), part)
        for o, p in zip(out, part):
            if flat:
                o[:, 0] += p
            else:
                o += p
    return seen.view(bool), float(total)
