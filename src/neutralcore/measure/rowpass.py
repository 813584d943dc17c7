"""The passes over an inventory's rows: row keys, per-key sums, and every requested group sum in one pass.

Everything else in the kernel is per key; these are the kernel's loops over rows, and only the row keys
(one code per row, cached on the inventory) are kept.  Two backends give the same figures (to rounding, 1e-12 relative):

* ``"numpy"``: cache-sized chunks; per chunk one gather and one multiply per rate column and a
  ``np.bincount`` per grouping;
* ``"numba"``: one compiled loop over the rows (:mod:`neutralcore.measure._fast`), used when numba is
  installed (``pip install 'neutralcore[fast]'``) for passes over at least :data:`FAST_MIN_ROWS` rows
  (shorter ones take well under a millisecond either way, and do not import numba).

The environment variable ``NEUTRALCORE_KERNEL`` (``numpy`` or ``numba``) forces one for every pass, read on
each call.

Examples
--------
>>> import numpy as np
>>> code = np.array([0, 1, 1, 0], dtype=np.int32)
>>> q = np.array([1.0, 2.0, 3.0, 4.0])
>>> rows, qty = key_sums(code, q, 2)
>>> rows.tolist(), qty.tolist()
([2, 2], [5.0, 5.0])
>>> rates = np.array([[10.0], [100.0]])  # per key: t CO2e per unit
>>> [s.tolist() for s in group_sums(code, q, rates, [(np.array([0, 0, 1, 1], dtype=np.int32), 2)])]
[[[210.0], [340.0]]]
"""

from __future__ import annotations

import importlib.util
import os
from typing import Callable, Literal, Sequence

import numpy as np

from neutralcore.errors import InputError, MissingDependencyError

__all__ = ["Backend", "ENV", "FAST_MIN_ROWS", "backend", "code_counter", "dense_codes", "key_sums", "group_sums",
           "fused_pass"]

Backend = Literal["numpy", "numba"]
#: Environment variable forcing a backend: ``numpy`` or ``numba``.
ENV = "NEUTRALCORE_KERNEL"
#: Rows per chunk of the numpy pass: a chunk's codes, weights and bincount casts stay in cache.
CHUNK = 1 << 16


#: Below this many rows the numpy passes take well under a millisecond: numba is not even imported.
FAST_MIN_ROWS = 1 << 15


def _numba_available() -> bool:
    """Whether numba is installed and imports (asked only for a pass long enough to use it)."""
    if importlib.util.find_spec("numba") is None:
        return False
    try:
        import numba  # noqa: F401
    except ImportError:  # installed but broken (e.g. for another numpy): the numpy passes give the same figures
        return False
    return True


def backend(rows: int | None = None) -> Backend:
    """The backend the passes use now: ``NEUTRALCORE_KERNEL`` if set, else ``"numba"`` when installed (for a
    pass over at least :data:`FAST_MIN_ROWS` *rows*, when given).

    Raises
    ------
    InputError
        ``NEUTRALCORE_KERNEL`` names neither backend.
    MissingDependencyError
        ``NEUTRALCORE_KERNEL=numba`` without numba installed.
    """
    forced = os.environ.get(ENV, "").strip().lower()
    if forced == "numpy":
        return "numpy"
    if forced == "numba":
        if not _numba_available():
            raise MissingDependencyError(f"{ENV}=numba needs numba: pip install 'neutralcore[fast]'")
        return "numba"
    if forced:
        raise InputError(f"{ENV}={forced!r} is not a kernel backend; use 'numpy' or 'numba'", column=ENV)
    if rows is not None and rows < FAST_MIN_ROWS:
        return "numpy"
    return "numba" if _numba_available() else "numpy"


def _chunk(n_bins: int) -> int:
    # a chunk's bincount allocates and adds n_bins: keep that below a quarter of the chunk's own work
    return max(CHUNK, 4 * n_bins)


def _key_step(n: int, n_keys: int) -> int:
    # the chunks of numpy's key_sums (one bincount when the rows fit one chunk), for the compiled loops to match
    return max(n, 1) if n <= _chunk(n_keys) else _chunk(n_keys)


def code_counter(rows: int | None = None) -> Callable[[np.ndarray, int], np.ndarray | int] | None:
    """The compiled check-and-count of a column's codes (numba), for
    :func:`neutralcore._core.categorical.factorize`; ``None`` when numba is not in use (it then counts with
    ``np.bincount``).  The counter returns the rows of each category, or ``-1 - position`` of the first code
    out of range, in one pass."""
    if backend(rows) != "numba":
        return None
    from neutralcore.measure import _fast

    return _fast.code_counts


def dense_codes(columns: Sequence[np.ndarray], sizes: Sequence[int], offsets: Sequence[int],
                quantity: np.ndarray | None = None) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
    """Each row's combined code ``((c0 - o0) * s1 + c1 - o1) * s2 + …`` of several integer columns (int32 when
    the product of *sizes* fits, else int64), in one pass over the rows.

    With *quantity* and the numba backend, the same pass also gives :func:`key_sums` of the codes (else
    ``None``: the numpy path would gain nothing from fusing them).
    """
    n = columns[0].shape[0]
    space = int(np.prod([max(int(s), 1) for s in sizes], dtype=object))
    dtype = np.int32 if space < 2**31 else np.int64
    code = np.empty(n, dtype=dtype)
    if backend(n) == "numba" and len(columns) == 4:
        from neutralcore.measure import _fast

        sums = _fast.dense_codes(columns[0], columns[1], columns[2], columns[3], np.array(sizes, np.int64),
                                 np.array(offsets, np.int64), code, quantity, _key_step(n, space))
        return code, sums
    base = sum(int(o) * int(np.prod(sizes[i + 1:], dtype=object)) for i, o in enumerate(offsets))
    for s in range(0, n, CHUNK):  # combined in cache-sized chunks: one pass over memory instead of seven
        part = columns[0][s:s + CHUNK].astype(np.int64)  # int64 within the chunk: no overflow before the offset
        for col, size in zip(columns[1:], sizes[1:]):
            part *= size
            part += col[s:s + CHUNK]
        if base:
            part -= base
        code[s:s + CHUNK] = part
    return code, None


def key_sums(code: np.ndarray, quantity: np.ndarray, n_keys: int) -> tuple[np.ndarray, np.ndarray]:
    """Per key ``0 .. n_keys - 1``: the number of rows (int64) and the sum of their quantities (float64)."""
    n = code.shape[0]
    if backend(n) == "numba":
        from neutralcore.measure import _fast

        return _fast.key_sums(code, quantity, n_keys, _key_step(n, n_keys))
    if n <= _chunk(n_keys):
        return (np.bincount(code, minlength=n_keys).astype(np.int64, copy=False),
                np.bincount(code, weights=quantity, minlength=n_keys))
    rows, qty = np.zeros(n_keys, np.int64), np.zeros(n_keys)
    step = _chunk(n_keys)
    for s in range(0, n, step):
        part = code[s:s + step]
        rows += np.bincount(part, minlength=n_keys)
        qty += np.bincount(part, weights=quantity[s:s + step], minlength=n_keys)
    return rows, qty


def group_sums(code: np.ndarray, quantity: np.ndarray, rates: np.ndarray,
               groups: Sequence[tuple[np.ndarray, int]]) -> list[np.ndarray]:
    """Sums over rows of ``quantity * rates[code]``, for each grouping at once, in one pass over the rows.

    Parameters
    ----------
    code : numpy.ndarray of int
        Each row's key.
    quantity : numpy.ndarray of float64
    rates : numpy.ndarray of float64, shape (keys, columns)
        Per key, per unit of quantity: e.g. t CO2e, then t of each gas.
    groups : sequence of (codes, n_groups)
        Each grouping's code per row (``0 .. n_groups - 1``).

    Returns
    -------
    list of numpy.ndarray, shape (n_groups, columns)
        One per grouping, in the order given.
    """
    n, m = code.shape[0], rates.shape[1]
    out = [np.zeros((size, m)) for _, size in groups]
    if not n or not m or not groups:
        return out
    if backend(n) == "numba":
        from neutralcore.measure import _fast

        _fast.group_sums(code, quantity, np.ascontiguousarray(rates, dtype=np.float64), [g for g, _ in groups], out,
                         _chunk(max(size for _, size in groups)))
        return out
    columns = [np.ascontiguousarray(rates[:, j]) for j in range(m)]
    step = _chunk(max(size for _, size in groups))
    buf = np.empty(min(step, n))
    for s in range(0, n, step):
        k, q, w = code[s:s + step], quantity[s:s + step], buf[: min(step, n - s)]
        for j, column in enumerate(columns):
            np.take(column, k, out=w)
            w *= q
            for (g, size), o in zip(groups, out):
                o[:, j] += np.bincount(g[s:s + step], weights=w, minlength=size)
    return out


def fused_pass(columns: Sequence[np.ndarray], sizes: Sequence[int], offsets: Sequence[int], quantity: np.ndarray,
               n_keys: int, rates: np.ndarray, groups: Sequence[tuple[np.ndarray, int]]
               ) -> tuple[np.ndarray, float, list[np.ndarray]]:
    """The keys rows use, the total and every group sum, in one pass over the rows.

    Each row's dense key is combined from the four key *columns* as :func:`dense_codes` does (and not kept:
    :func:`dense_codes` gives them again if something asks).  Returns per key whether some row has it (bool), the sum over rows of
    ``quantity * rates[key, 0]`` and per grouping the sums over rows of ``quantity * rates[key]`` (shape
    ``(n_groups, columns)``).  Nothing per key is accumulated but a seen flag (a byte per key, which stays in
    cache): a key's row count and quantity are :func:`key_sums`, for whoever needs them later.  The numba
    backend is one compiled loop for any number of groupings; the numpy one combines the key, gathers and sums
    in cache-sized chunks.
    """
    n = quantity.shape[0]
    space = int(np.prod([max(int(x), 1) for x in sizes], dtype=object))
    m = rates.shape[1]
    out = [np.zeros((size, m)) for _, size in groups]
    if backend(n) == "numba":
        from neutralcore.measure import _fast

        seen, total = _fast.fused_pass(columns, np.array(sizes, np.int64), np.array(offsets, np.int64),
                                       quantity, n_keys, rates, [g for g, _ in groups], out,
                                       _chunk(max([size for _, size in groups], default=1)))
        return seen, total, out
    columns_r = [np.ascontiguousarray(rates[:, j]) for j in range(m)]
    step = _chunk(max([size for _, size in groups], default=1))
    base = sum(int(o) * int(np.prod(sizes[i + 1:], dtype=object)) for i, o in enumerate(offsets))
    wide = np.int32 if space + abs(base) < 2**31 else np.int64  # int32 when no partial sum can overflow it
    buf = np.empty(min(step, n))
    seen = np.zeros(n_keys, dtype=bool)
    total = 0.0
    for s in range(0, n, step):
        q = quantity[s:s + step]
        k = columns[0][s:s + step].astype(wide)
        for col, size in zip(columns[1:], sizes[1:]):
            k *= size
            k += col[s:s + step]
        if base:
            k -= base
        seen[k] = True
        w = buf[: q.shape[0]]
        with np.errstate(over="ignore", invalid="ignore"):  # the kernel raises for overflow and rates it refuses
            for j, column in enumerate(columns_r):
                np.take(column, k, out=w)
                w *= q
                if j == 0:
                    total += float(w.sum())
                for (g, size), o in zip(groups, out):
                    o[:, j] += np.bincount(g[s:s + step], weights=w, minlength=size)
    return seen, total, out
