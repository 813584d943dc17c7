"""The row passes of :mod:`neutralcore.measure.rowpass` as compiled loops (numba; ``neutralcore[fast]``).

Imported only when numba is installed and selected.  The loops are compiled on first use and cached on
disk (``cache=True``).  The fused pass takes codes of any integer type as they are (a read-only view of
each, so a loop is compiled once per combination of types, not per writeable flag) and runs in blocks whose
partial sums are added in block order, on the Python threads :func:`neutralcore.measure.rowpass.thread_count`
gives (every core by default, at most :func:`max_threads`): the loops release the GIL, and no thread outlives
its pass.
"""

from __future__ import annotations

from typing import Sequence

import numba
import numpy as np

from neutralcore._core.threads import on_threads

__all__ = ["code_counts", "code_span", "code_spans", "dense_codes", "key_sums", "group_sums", "fused_pass",
           "max_threads", "grid_multipliers", "grid_rates"]

@numba.njit(cache=True, nogil=True)
def _key_loop(code: np.ndarray, quantity: np.ndarray, acc: np.ndarray) -> None:  # pragma: no cover
    # a key's row count and quantity side by side: one cache line per row's key, not two
    for i in range(code.shape[0]):
        k = np.uint64(code[i])  # unsigned: no wraparound test per gather (codes are in range)
        acc[k, 0] += 1.0
        acc[k, 1] += quantity[i]


@numba.njit(cache=True, nogil=True)
def _group_loop(code: np.ndarray, quantity: np.ndarray, rates: np.ndarray, ng: int, g0: np.ndarray, g1: np.ndarray,
                g2: np.ndarray, g3: np.ndarray, o0: np.ndarray, o1: np.ndarray, o2: np.ndarray,
                o3: np.ndarray) -> None:  # pragma: no cover
    # up to four groupings per call (unused ones get one-row placeholders); rates of every column of a key
    m = rates.shape[1]
    for i in range(code.shape[0]):
        k = np.uint64(code[i])  # unsigned indices: no wraparound test per gather and scatter
        q = quantity[i]
        for j in range(m):
            w = q * rates[k, j]
            o0[np.uint64(g0[i]), j] += w
            if ng > 1:
                o1[np.uint64(g1[i]), j] += w
            if ng > 2:
                o2[np.uint64(g2[i]), j] += w
            if ng > 3:
                o3[np.uint64(g3[i]), j] += w


@numba.njit(cache=True, nogil=True)
def _count_loop(codes: np.ndarray, counts: np.ndarray) -> int:  # pragma: no cover
    n = counts.shape[0]
    for i in range(codes.shape[0]):
        c = codes[i]
        if c < 0 or c >= n:
            return i
        counts[np.uint64(c)] += 1
    return -1


@numba.njit(cache=True, nogil=True)
def _span_loop(codes: np.ndarray) -> tuple[int, int]:  # pragma: no cover
    lo = codes[0]
    hi = codes[0]
    for i in range(codes.shape[0]):
        c = codes[i]
        lo = min(lo, c)
        hi = max(hi, c)
    return lo, hi


#: Rows of the shortest share of a column :func:`code_span` gives a thread of its own (below it, starting the
#: thread costs more than the share's read).
SPAN_SHARE = 1 << 19


def code_span(codes: np.ndarray, threads: int = 1) -> tuple[int, int]:
    """The minimum and maximum of a non-empty 1-D integer array, in one pass (numpy reads it twice, a chunk at
    a time), cut into one share per thread (at most *threads*, each at least :data:`SPAN_SHARE` rows)."""
    n = codes.shape[0]
    shares = max(1, min(threads, n // SPAN_SHARE))
    if shares == 1:
        lo, hi = _span_loop(codes)
        return int(lo), int(hi)
    cuts = [n * t // shares for t in range(shares + 1)]
    spans: list[tuple[int, int]] = [(0, 0)] * shares

    def run(t: int) -> None:
        spans[t] = _span_loop(codes[cuts[t]:cuts[t + 1]])

    on_threads(run, shares)
    return int(min(lo for lo, _ in spans)), int(max(hi for _, hi in spans))


def code_spans(arrays: Sequence[np.ndarray], threads: int = 1) -> list[tuple[int, int]]:
    """:func:`code_span` of each non-empty 1-D integer array, all on the same threads: each thread reads its share
    of the rows of every array (at most *threads* shares, each at least :data:`SPAN_SHARE` rows of all the arrays
    together), so a few threads are started for the lot, not for each array."""
    shares = max(1, min(threads, sum(a.shape[0] for a in arrays) // SPAN_SHARE))
    if shares == 1:
        return [code_span(a) for a in arrays]
    spans: list[list[tuple[int, int]]] = [[] for _ in range(shares)]

    def run(t: int) -> None:
        for a in arrays:
            n = a.shape[0]
            lo, hi = n * t // shares, n * (t + 1) // shares
            if lo < hi:
                spans[t].append(_span_loop(a[lo:hi]))
            else:  # a share too short to hold a row: the array's first row stands in (it is in the span anyway)
                spans[t].append((a[0], a[0]))

    on_threads(run, shares)
    return [(int(min(spans[t][i][0] for t in range(shares))), int(max(spans[t][i][1] for t in range(shares))))
            for i in range(len(arrays))]


@numba.njit(cache=True, nogil=True)
def _first_seen_loop(ids: np.ndarray, table: np.ndarray, out: np.ndarray, first: np.ndarray) -> int:  # pragma: no cover
    nxt = 0
    for i in range(ids.shape[0]):
        x = ids[i]
        c = table[x]
        if c < 0:
            c = nxt
            table[x] = c
            first[c] = i
            nxt += 1
        out[i] = c
    return nxt


def first_seen_codes(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Non-negative integer *ids* (a 1-D array) renumbered ``0, 1, …`` in order of first appearance, in one pass:
    each row's int32 code, and the row where each code first appears."""
    size = int(ids.max()) + 1 if ids.shape[0] else 1
    table = np.full(size, -1, np.int32)
    out = np.empty(ids.shape[0], np.int32)
    first = np.empty(min(size, ids.shape[0]), np.int64)
    k = _first_seen_loop(ids, table, out, first)
    return out, first[:k]


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
        u = np.uint64(k)
        acc[u, 0] += 1.0
        acc[u, 1] += quantity[i]


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
def _bad(i: int, c0: np.ndarray, c1: np.ndarray, c2: np.ndarray, c3: np.ndarray, sizes: np.ndarray,
         offsets: np.ndarray, quantity: np.ndarray, ng: int, g0: np.ndarray, g1: np.ndarray, g2: np.ndarray,
         g3: np.ndarray, gsize: np.ndarray, check_q: bool) -> bool:  # pragma: no cover
    # whether row i fails a check: its quantity (when asked), or a code outside its range (one unsigned compare of
    # code - offset with the size each; the first ng groupings)
    q = quantity[i]
    if check_q and not (q >= 0.0 and q < np.inf):
        return True
    bad = ((np.uint64(np.int64(c0[i]) - offsets[0]) >= np.uint64(sizes[0]))
           | (np.uint64(np.int64(c1[i]) - offsets[1]) >= np.uint64(sizes[1]))
           | (np.uint64(np.int64(c2[i]) - offsets[2]) >= np.uint64(sizes[2]))
           | (np.uint64(np.int64(c3[i]) - offsets[3]) >= np.uint64(sizes[3])))
    if ng > 0:
        bad |= np.uint64(np.int64(g0[i])) >= np.uint64(gsize[0])
    if ng > 1:
        bad |= np.uint64(np.int64(g1[i])) >= np.uint64(gsize[1])
    if ng > 2:
        bad |= np.uint64(np.int64(g2[i])) >= np.uint64(gsize[2])
    if ng > 3:
        bad |= np.uint64(np.int64(g3[i])) >= np.uint64(gsize[3])
    return bool(bad)


@numba.njit(cache=True, nogil=True, inline="always")
def _add4(o: np.ndarray, r: np.uint64, w0: float, w1: float, w2: float, w3: float) -> None:  # pragma: no cover
    # a group's four sums (CO2e and three gases) from row r of a partial-sums slice
    o[r] += w0
    o[r + np.uint64(1)] += w1
    o[r + np.uint64(2)] += w2
    o[r + np.uint64(3)] += w3


@numba.njit(cache=True, nogil=True, inline="always")
def _add3(o: np.ndarray, r: np.uint64, w1: float, w2: float, w3: float) -> None:  # pragma: no cover
    # a group's three gas sums from row r of a partial-sums slice (its CO2e is worked out from them afterwards)
    o[r] += w1
    o[r + np.uint64(1)] += w2
    o[r + np.uint64(2)] += w3


@numba.njit(cache=True, nogil=True, inline="always")
def _mark(seen: np.ndarray, k: np.uint64, shared: bool) -> None:  # pragma: no cover
    # key k has a row. A map *shared* by threads is written once per key, then only read (a line written by two
    # cores bounces between them); on one thread the store is unconditional: a test and branch per row cost more
    # than the pass's gather (1M rows: 9.4 ms against 7.0)
    if shared:
        if seen[k] == 0:
            seen[k] = 1
    else:
        seen[k] = 1


@numba.njit(cache=True, nogil=True)
def _block(a: int, e: int, c0: np.ndarray, c1: np.ndarray, c2: np.ndarray, c3: np.ndarray, sizes: np.ndarray,
           offsets: np.ndarray, quantity: np.ndarray, seen: np.ndarray, rate0: np.ndarray, rates: np.ndarray,
           ng: int, g0: np.ndarray, g1: np.ndarray, g2: np.ndarray, g3: np.ndarray, gsize: np.ndarray,
           gbase: np.ndarray, check: bool, check_q: bool, p: np.ndarray, fac: bool, shared: bool
           ) -> tuple[float, int]:  # pragma: no cover
    # rows a .. e - 1 into partial sums p (zeroed here): their total, and the first row a check refused (or -1).
    # Grouping t (t < ng) is summed into its own slice of p from row gbase[t]; the arrays of unused ones are never
    # read. The tests on ng stay out of the loop (LLVM unswitches it), and with a grouping the total is left to
    # the caller (the sum of the first grouping's sums): one add less per row
    m = 3 if fac else rates.shape[1]  # factored: each group's three gas sums (its CO2e from them afterwards)
    p[:] = 0.0
    z1, z2, z3 = sizes[1], sizes[2], sizes[3]
    base = offsets[0] * z1 * z2 * z3 + offsets[1] * z2 * z3 + offsets[2] * z3 + offsets[3]
    o0 = p[gbase[0] * m:(gbase[0] + gsize[0]) * m]
    o1 = p[gbase[1] * m:(gbase[1] + gsize[1]) * m]
    o2 = p[gbase[2] * m:(gbase[2] + gsize[2]) * m]
    o3 = p[gbase[3] * m:(gbase[3] + gsize[3]) * m]
    tot = 0.0
    if check:
        for i in range(a, e):
            if _bad(i, c0, c1, c2, c3, sizes, offsets, quantity, ng, g0, g1, g2, g3, gsize, check_q):
                return tot, i
    # the block's rows as slices indexed from 0 and every gather and scatter by an unsigned index: numba then
    # proves no index negative and drops its wraparound test from each of the loop's ten array reads (a third of
    # the loop's time); the codes are in range (checked when the inventory was built, or above)
    x0, x1, x2, x3, qb = c0[a:e], c1[a:e], c2[a:e], c3[a:e], quantity[a:e]
    h0, h1, h2, h3 = g0[a:e] if ng > 0 else g0, g1[a:e] if ng > 1 else g1, g2[a:e] if ng > 2 else g2, \
        g3[a:e] if ng > 3 else g3
    if m == 1:  # CO2e only: one rate per key
        for i in range(qb.shape[0]):
            k = np.uint64(((np.int64(x0[i]) * z1 + x1[i]) * z2 + x2[i]) * z3 + x3[i] - base)
            _mark(seen, k, shared)
            w = qb[i] * rate0[k]
            if ng == 0:
                tot += w
            else:
                o0[np.uint64(h0[i])] += w
                if ng > 1:
                    o1[np.uint64(h1[i])] += w
                if ng > 2:
                    o2[np.uint64(h2[i])] += w
                if ng > 3:
                    o3[np.uint64(h3[i])] += w
    elif fac and ng > 0:  # CO2e and three gases (CO2, CH4, N2O: the usual per-gas job) worked out from factors
        # rate0 each key's scale, rates each triple's three gases: both
        # tables together a quarter of the per-key table's size.  Each group adds three gas sums a row, not four:
        # its CO2e is the gases' sums weighted afterwards (a quarter fewer additions into memory)
        flat = rates.reshape(rates.size)
        zt = np.uint64(z3)
        bt = offsets[0] * z1 * z2 + offsets[1] * z2 + offsets[2]
        for i in range(qb.shape[0]):
            q = qb[i]
            t = np.uint64((np.int64(x0[i]) * z1 + x1[i]) * z2 + x2[i] - bt)
            k = t * zt + np.uint64(x3[i] - offsets[3])
            sc = rate0[k]
            tb = t * np.uint64(3)
            w1 = q * (sc * flat[tb])
            w2 = q * (sc * flat[tb + np.uint64(1)])
            w3 = q * (sc * flat[tb + np.uint64(2)])
            _mark(seen, k, shared)
            _add3(o0, np.uint64(h0[i]) * np.uint64(3), w1, w2, w3)
            if ng > 1:
                _add3(o1, np.uint64(h1[i]) * np.uint64(3), w1, w2, w3)
            if ng > 2:
                _add3(o2, np.uint64(h2[i]) * np.uint64(3), w1, w2, w3)
            if ng > 3:
                _add3(o3, np.uint64(h3[i]) * np.uint64(3), w1, w2, w3)
    elif m == 4 and ng > 0:  # CO2e and three gases from the per-key table, unrolled: four rates into registers
        flat = rates.reshape(rates.size)
        for i in range(qb.shape[0]):
            q = qb[i]
            k = np.uint64(((np.int64(x0[i]) * z1 + x1[i]) * z2 + x2[i]) * z3 + x3[i] - base)
            kb = k * np.uint64(4)
            w0 = q * flat[kb]
            w1 = q * flat[kb + np.uint64(1)]
            w2 = q * flat[kb + np.uint64(2)]
            w3 = q * flat[kb + np.uint64(3)]
            _mark(seen, k, shared)
            _add4(o0, np.uint64(h0[i]) * np.uint64(4), w0, w1, w2, w3)
            if ng > 1:
                _add4(o1, np.uint64(h1[i]) * np.uint64(4), w0, w1, w2, w3)
            if ng > 2:
                _add4(o2, np.uint64(h2[i]) * np.uint64(4), w0, w1, w2, w3)
            if ng > 3:
                _add4(o3, np.uint64(h3[i]) * np.uint64(4), w0, w1, w2, w3)
    else:  # CO2e, then each gas: the key's rates read from the flat table (no row view per row)
        um = np.uint64(m)
        flat = rates.reshape(rates.size)
        for i in range(qb.shape[0]):
            k = np.uint64(((np.int64(x0[i]) * z1 + x1[i]) * z2 + x2[i]) * z3 + x3[i] - base)
            _mark(seen, k, shared)
            q = qb[i]
            if ng == 0:
                tot += q * rate0[k]
            else:
                r0 = np.uint64(h0[i]) * um
                r1 = np.uint64(h1[i]) * um if ng > 1 else np.uint64(0)
                r2 = np.uint64(h2[i]) * um if ng > 2 else np.uint64(0)
                r3 = np.uint64(h3[i]) * um if ng > 3 else np.uint64(0)
                kb = k * um
                for j in range(m):
                    uj = np.uint64(j)
                    w = q * flat[kb + uj]
                    o0[r0 + uj] += w
                    if ng > 1:
                        o1[r1 + uj] += w
                    if ng > 2:
                        o2[r2 + uj] += w
                    if ng > 3:
                        o3[r3 + uj] += w
    return tot, -1


@numba.njit(cache=True, nogil=True)
def _fused_range(b0: int, b1: int, w0: int, c0: np.ndarray, c1: np.ndarray, c2: np.ndarray, c3: np.ndarray,
                 sizes: np.ndarray, offsets: np.ndarray, quantity: np.ndarray, seen: np.ndarray, rate0: np.ndarray,
                 rates: np.ndarray, ng: int, g0: np.ndarray, g1: np.ndarray, g2: np.ndarray, g3: np.ndarray,
                 gsize: np.ndarray, gbase: np.ndarray, check_codes: bool, check_q: bool, step: int,
                 part: np.ndarray, ptot: np.ndarray, badrow: np.ndarray, fac: bool, shared: bool
                 ) -> None:  # pragma: no cover
    # blocks b0 .. b1 - 1 of a wave starting at block w0, each into its own partial sums (one thread's share);
    # *shared*: the key map is written by other threads too
    n = quantity.shape[0]
    for b in range(b0, b1):
        a = b * step
        ptot[b - w0], badrow[b - w0] = _block(a, min(a + step, n), c0, c1, c2, c3, sizes, offsets, quantity, seen,
                                              rate0, rates, ng, g0, g1, g2, g3, gsize, gbase, check_codes, check_q,
                                              part[b - w0], fac, shared)
        if badrow[b - w0] >= 0:
            return


@numba.njit(cache=True, nogil=True)
def _add_wave(nb: int, part: np.ndarray, ptot: np.ndarray, badrow: np.ndarray, out: np.ndarray,
              total: float) -> tuple[float, int]:  # pragma: no cover
    # a wave's partial sums added to out and the total in block order (so the figures do not depend on threads)
    for bb in range(nb):
        if badrow[bb] >= 0:
            return total, badrow[bb]
    for bb in range(nb):
        total += ptot[bb]
    for bb in range(nb):
        for j in range(out.shape[0]):
            out[j] += part[bb, j]
    return total, -1


def _fused_threads(c0: np.ndarray, c1: np.ndarray, c2: np.ndarray, c3: np.ndarray, sizes: np.ndarray,
                   offsets: np.ndarray, quantity: np.ndarray, seen: np.ndarray, rate0: np.ndarray, rates: np.ndarray,
                   ng: int, g0: np.ndarray, g1: np.ndarray, g2: np.ndarray, g3: np.ndarray, gsize: np.ndarray,
                   gbase: np.ndarray, check_codes: bool, check_q: bool, step: int, wave: int, out: np.ndarray,
                   fac: bool, threads: int) -> tuple[float, int]:
    """Blocks of *step* rows, *wave* blocks at a time, on *threads* Python threads (the compiled loop releases the
    GIL): each wave's blocks cut into one run of blocks per thread, each block into its own partial sums, which
    are then added to *out* and the total in block order, so the figures do not depend on the threads.  The
    threads end with the wave: none is left spinning or holding a core.  *seen*: one key map, or one row of it
    per thread (each thread's own, written with no test).  Returns the total and the first row a check refused,
    else -1."""
    n = quantity.shape[0]
    shared = seen.ndim == 1
    nblocks = (n + step - 1) // step
    part = np.empty((wave, out.shape[0]))
    ptot = np.zeros(wave)
    badrow = np.full(wave, -1, np.int64)
    total = 0.0
    for w0 in range(0, nblocks, wave):
        nb = min(wave, nblocks - w0)
        badrow[:] = -1
        shares = min(threads, nb)  # every share at least one block
        cuts = [w0 + (nb * t) // shares for t in range(shares + 1)]

        def run(t: int) -> None:
            _fused_range(cuts[t], cuts[t + 1], w0, c0, c1, c2, c3, sizes, offsets, quantity,
                         seen if shared else seen[t], rate0, rates, ng, g0, g1, g2, g3, gsize, gbase, check_codes,
                         check_q, step, part, ptot, badrow, fac, shared)

        on_threads(run, shares)
        total, bad = _add_wave(nb, part, ptot, badrow, out, total)
        if bad >= 0:
            return total, int(bad)
    return total, -1


@numba.njit(cache=True, nogil=True)
def _fused_serial(c0: np.ndarray, c1: np.ndarray, c2: np.ndarray, c3: np.ndarray, sizes: np.ndarray,
                  offsets: np.ndarray, quantity: np.ndarray, seen: np.ndarray, rate0: np.ndarray, rates: np.ndarray,
                  ng: int, g0: np.ndarray, g1: np.ndarray, g2: np.ndarray, g3: np.ndarray, gsize: np.ndarray,
                  gbase: np.ndarray,
                  check_codes: bool, check_q: bool, step: int, wave: int, out: np.ndarray, fac: bool
                  ) -> tuple[float, int]:  # pragma: no cover
    # the blocks of _fused_threads on this thread alone: the same blocks added in the same order, the same bits;
    # given a wave of 1 (one block's partial sums held: a wave of them would be fresh memory, page-faulted in)
    n = quantity.shape[0]
    width = out.shape[0]
    nblocks = (n + step - 1) // step
    part = np.empty((wave, width))
    ptot = np.zeros(wave)
    badrow = np.full(wave, -1, np.int64)
    total = 0.0
    for w0 in range(0, nblocks, wave):
        nb = min(wave, nblocks - w0)
        for bb in range(nb):
            a = (w0 + bb) * step
            ptot[bb], badrow[bb] = _block(a, min(a + step, n), c0, c1, c2, c3, sizes, offsets, quantity, seen, rate0,
                                          rates, ng, g0, g1, g2, g3, gsize, gbase, check_codes, check_q, part[bb],
                                          fac, False)
        total, bad = _add_wave(nb, part, ptot, badrow, out, total)
        if bad >= 0:
            return total, bad
    return total, -1


def _arg(a: np.ndarray) -> np.ndarray:
    # a read-only contiguous view: numba compiles one loop per argument type, and read-only is a type of its own
    v = a.view() if a.flags.c_contiguous else np.ascontiguousarray(a)
    v.setflags(write=False)
    return v


def max_threads() -> int:
    """numba's ``NUMBA_NUM_THREADS`` (the cores, by default): the most threads a pass runs on."""
    return int(getattr(numba.config, "NUMBA_NUM_THREADS"))



def _unused(gs: list[np.ndarray]) -> np.ndarray:
    # the array passed for an unused grouping (never read): one of the used ones, so that the compiled loop's
    # argument types, and the loops compiled, stay the same
    return gs[0] if gs else _NONE


_NONE = _arg(np.zeros(1, np.int32))

#: Bytes of partial sums held at once: the blocks handed to the threads together are as many as fit (at least two
#: per thread); the figures do not depend on it.
WAVE_BYTES = 4 << 20


#: Bytes of per-thread key maps at most (one byte per key and thread); a wider key space shares one map.
OWN_MAPS_BYTES = 32 << 20


def _wave(width: int, threads: int, blocks: int) -> int:
    return max(2 * threads, min(blocks, WAVE_BYTES // max(8 * width, 1)))


def fused_pass(columns: Sequence[np.ndarray], sizes: np.ndarray, offsets: np.ndarray, quantity: np.ndarray,
               n_keys: int, rates: np.ndarray, groups: Sequence[np.ndarray], group_sizes: Sequence[int],
               out: Sequence[np.ndarray], check_codes: bool, check_q: bool, step: int, threads: int,
               factored: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
               ) -> tuple[np.ndarray, float, int]:
    """:func:`neutralcore.measure.rowpass.fused_pass` (remap tables already applied per key and per group by
    it) as one compiled loop over blocks of *step* rows on *threads* threads: the keys rows use, the total and
    ``quantity * rates[key]`` added to ``out[g]``, four groupings a pass; and the first row a check refused,
    or -1.  With *factored* ``(scale, per_triple, weights)`` (three gases, at least one grouping), *rates* is
    not read: each row's gases are worked out from its key's scale and its triple's gases, and each group's
    CO2e from its three gas sums, weighted in gas order."""
    threads = max(1, min(threads, max_threads()))
    # a key map of its own for each thread while they are small: a store with no test (a shared map is tested
    # before it is written, so that a line is not written by two cores: 1M rows, 9.5 ms against 7.3 on one core)
    own = threads > 1 and n_keys * threads <= OWN_MAPS_BYTES
    maps = np.zeros((threads, n_keys) if own else n_keys, np.uint8)
    fac = factored is not None
    weights = np.zeros(0)
    if factored is not None:
        scale, per_triple, weights = factored
        m = 3  # the partial sums hold each group's three gases; out gets CO2e from them, then the gases
        r = _arg(np.ascontiguousarray(per_triple, dtype=np.float64))  # weights applied per group, afterwards
        r0 = _arg(np.ascontiguousarray(scale, dtype=np.float64))
    else:
        m = rates.shape[1]
        r = _arg(rates)
        r0 = _arg(np.ascontiguousarray(rates[:, 0]))  # CO2e per key, contiguous: the loop's one gather
    cs = [_arg(c) for c in columns]
    q = _arg(quantity)
    total = 0.0
    for s in range(0, max(len(groups), 1), 4):  # four groupings a pass: the loops compiled stay few
        gs = [_arg(g) for g in groups[s:s + 4]]
        ng = len(gs)
        sz = list(group_sizes[s:s + 4]) + [0] * (4 - ng)
        base = np.concatenate([[0], np.cumsum(sz)[:-1]]).astype(np.int64)
        flat = np.zeros(max(int(sum(sz)) * m, 1))
        g = gs + [_unused(gs)] * (4 - ng)
        args = (cs[0], cs[1], cs[2], cs[3], sizes, offsets, q, maps, r0, r, ng, g[0], g[1], g[2], g[3],
                np.array(sz, np.int64), base, check_codes or (check_q and s == 0), check_q and s == 0, step,
                _wave(flat.shape[0], threads, -(-q.shape[0] // step)) if threads > 1 else 1, flat, fac)
        tot, row = _fused_serial(*args) if threads == 1 else _fused_threads(*args, threads)
        if row >= 0:
            return _keys_seen(maps), 0.0, int(row)
        for t in range(ng):
            part = flat[base[t] * m:(base[t] + sz[t]) * m].reshape(sz[t], m)
            if fac:  # a group's CO2e: its gases' sums weighted, in gas order
                out[s + t][:, 0] += part[:, 0] * weights[0] + part[:, 1] * weights[1] + part[:, 2] * weights[2]
                out[s + t][:, 1:] += part
            else:
                out[s + t] += part
        if s == 0:  # with a grouping, the total is the sum of its sums (the blocks leave it out)
            total = tot if ng == 0 else float(np.sum(out[0][:, 0]))
    return _keys_seen(maps), float(total), -1


def _keys_seen(maps: np.ndarray) -> np.ndarray:
    return maps.view(bool) if maps.ndim == 1 else np.bitwise_or.reduce(maps, axis=0).view(bool)


# -- per key: the dense key space (every (activity, region, year) triple with every unit) ------------------------


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _grid_mult_loop(fu_t: np.ndarray, by_fu: np.ndarray, m: np.ndarray, node_a: np.ndarray, gross_t: np.ndarray,
                    row: np.ndarray, amounts: np.ndarray, reason: np.ndarray, mult: np.ndarray, ok: int,
                    bad_dimension: int, no_property: int) -> None:  # pragma: no cover
    # convert.unit_multipliers' gathers key by key: the pair's multiplier, then its fuel-property bridge
    grid = by_fu.shape[1]
    for t in range(fu_t.shape[0]):
        fu = fu_t[t]
        gross = gross_t[t]
        r = row[t]
        for u in range(grid):
            k = t * grid + u
            j = by_fu[fu, u]
            x = m[j]
            if np.isnan(x) and reason[k] == ok:
                reason[k] = bad_dimension
            a = node_a[j]
            if a >= 0:
                if a == 4 and gross:
                    a = 5  # energy on the factor's gross basis
                b = 1.0 / amounts[r, a]
                if np.isnan(b) and reason[k] == ok:
                    reason[k] = no_property
                x *= b
            mult[k] = x


def grid_multipliers(fu_t: np.ndarray, by_fu: np.ndarray, m: np.ndarray, node_a: np.ndarray, gross_t: np.ndarray,
                     row: np.ndarray, amounts: np.ndarray, reason: np.ndarray, mult: np.ndarray,
                     codes: tuple[int, int, int]) -> None:
    """Each dense key ``t * grid + u``'s multiplier into *mult* and its reason into *reason*: the pair
    ``by_fu[fu_t[t], u]``'s multiplier *m*, times, for a pair bridged from node ``node_a``, one over the triple's
    amount ``amounts[row[t], node]`` (its gross energy node where *gross_t*); *codes* are the reasons OK,
    BAD_DIMENSION and NO_PROPERTY."""
    _grid_mult_loop(fu_t, by_fu, m, node_a, gross_t, row, amounts, reason, mult, codes[0], codes[1], codes[2])


@numba.njit(cache=True, nogil=True)
def _grid_rates_loop(to_t: np.ndarray, mult: np.ndarray, per_t: np.ndarray, weights: np.ndarray, reason: np.ndarray,
                     ok: int, co2e: np.ndarray) -> None:  # pragma: no cover
    n_t, n_gas = per_t.shape
    grid = mult.shape[0] // max(n_t, 1)
    if n_gas == 3:  # CO2, CH4 and N2O, the usual gases: the triple's three held in registers over its keys
        w0, w1, w2 = weights[0], weights[1], weights[2]
        for t in range(n_t):
            s_t = to_t[t]
            p0, p1, p2 = per_t[t, 0], per_t[t, 1], per_t[t, 2]
            for u in range(grid):
                k = t * grid + u
                s = s_t * mult[k]
                mult[k] = s
                c = 0.0  # the same additions in the same order as the loop below: the same bits
                c += (s * p0) * w0
                c += (s * p1) * w1
                c += (s * p2) * w2
                co2e[k] = c if reason[k] == ok else np.nan  # a select, not a branch a key with a problem mispredicts
        return
    for t in range(n_t):
        s_t = to_t[t]
        for u in range(grid):
            k = t * grid + u
            s = s_t * mult[k]
            mult[k] = s  # the key's scale, in place of its multiplier
            if reason[k] != ok:  # no rate: a NaN CO2e, the mark of a key with a problem
                co2e[k] = np.nan
                continue
            c = 0.0
            for g in range(n_gas):
                c += (s * per_t[t, g]) * weights[g]  # the key's gas rate (scale x the triple's gas), weighted
            co2e[k] = c


def grid_rates(to_t: np.ndarray, mult: np.ndarray, per_t: np.ndarray, weights: np.ndarray, reason: np.ndarray,
               ok: int) -> tuple[np.ndarray, np.ndarray]:
    """Each dense key ``t * grid + u``'s t CO2e per activity unit, the sum over gases of its rate
    ``to_t[t] * mult[k] * per_t[t, g]`` weighted by *weights* (NaN where its *reason* is not *ok*), and its scale
    ``to_t[t] * mult[k]``, written over *mult* (no new array: fresh memory is page-faulted in).  Each gas rate is
    the scale times the triple's gas, so the per-key gas table is left to whoever needs it."""
    co2e = np.empty(mult.shape[0])
    _grid_rates_loop(np.ascontiguousarray(to_t, dtype=np.float64), mult, np.ascontiguousarray(per_t),
                     np.ascontiguousarray(weights, dtype=np.float64), reason, ok, co2e)
    return co2e, mult
