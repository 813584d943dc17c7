"""The row passes of :mod:`neutralcore.measure.rowpass` as compiled loops (numba; ``neutralcore[fast]``).

Imported only when numba is installed and selected.  The loops are compiled on first use and cached on
disk (``cache=True``); group codes are copied a chunk at a time into one int64 block, so every input
dtype runs the same compiled loop.
"""

from __future__ import annotations

from typing import Sequence

import numba
import numpy as np

__all__ = ["key_sums", "group_sums"]

#: Rows per call of the group loop: the chunk's codes (one int64 row per grouping) stay in cache.
CHUNK = 1 << 14


@numba.njit(cache=True, nogil=True)
def _key_loop(code: np.ndarray, quantity: np.ndarray, rows: np.ndarray, qty: np.ndarray) -> None:  # pragma: no cover
    for i in range(code.shape[0]):
        k = code[i]
        rows[k] += 1
        qty[k] += quantity[i]


@numba.njit(cache=True, nogil=True)
def _group_loop(codes: np.ndarray, quantity: np.ndarray, rates: np.ndarray, offsets: np.ndarray,
                out: np.ndarray) -> None:  # pragma: no cover
    # codes: row 0 the key of each row of the chunk, rows 1.. each grouping's code
    m = rates.shape[1]
    ng = offsets.shape[0]
    for i in range(codes.shape[1]):
        k = codes[0, i]
        q = quantity[i]
        for j in range(m):
            w = q * rates[k, j]
            for g in range(ng):
                out[offsets[g] + codes[g + 1, i], j] += w


def key_sums(code: np.ndarray, quantity: np.ndarray, rows: np.ndarray, qty: np.ndarray) -> None:
    """Add each row's count and quantity to its key's entry of *rows* and *qty*."""
    _key_loop(code, quantity, rows, qty)


def group_sums(code: np.ndarray, quantity: np.ndarray, rates: np.ndarray, groups: Sequence[np.ndarray],
               offsets: np.ndarray, out: np.ndarray) -> None:
    """Add ``quantity * rates[code]`` of each row to row ``offsets[g] + groups[g][row]`` of *out*, for every g."""
    n = code.shape[0]
    block = np.empty((len(groups) + 1, min(CHUNK, n)), np.int64)
    for s in range(0, n, CHUNK):
        e = min(s + CHUNK, n)
        b = block[:, : e - s]
        b[0] = code[s:e]
        for g, col in enumerate(groups):
            b[g + 1] = col[s:e]
        _group_loop(b, quantity[s:e], rates, offsets, out)
