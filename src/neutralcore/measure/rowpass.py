"""The passes over an inventory's rows: row keys, per-key sums, and every requested group sum in one pass.

Everything else in the kernel is per key; these are the kernel's loops over rows, and only the row keys
(one code per row, cached on the inventory) are kept.  Two backends give the same figures (to rounding, 1e-12 relative):

* ``"numpy"``: cache-sized chunks; per chunk one gather and one multiply per rate column and a
  ``np.bincount`` per grouping;
* ``"numba"``: one compiled loop over the rows (:mod:`neutralcore.measure._fast`), used when numba is
  installed (``pip install 'neutralcore[fast]'``) for passes over at least :data:`FAST_MIN_ROWS` rows
  (shorter ones take well under a millisecond either way, and do not import numba).  The fused pass runs on
  every core (:func:`threads`), in fixed blocks of rows whose sums are added in block order: the same figures
  on any number of threads.

The environment variable ``NEUTRALCORE_KERNEL`` (``numpy`` or ``numba``) forces one for every pass, and
``NEUTRALCORE_THREADS`` caps the compiled pass's threads; both are read on each call.

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

from neutralcore.errors import InputError, InvalidQuantityError, MissingDependencyError, SchemaError

__all__ = ["Backend", "ENV", "FAST_MIN_ROWS", "KEY_NAMES", "THREADS_ENV", "backend", "code_counter", "dense_codes",
           "key_sums", "group_sums", "fused_pass", "threads"]

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


#: Environment variable: threads of the compiled pass (default ``numba.config.NUMBA_NUM_THREADS``).
THREADS_ENV = "NEUTRALCORE_THREADS"

#: The key columns' names in errors of :func:`fused_pass` (groupings are named ``group 0``, ``group 1``, …).
KEY_NAMES = ("activity", "region", "year", "unit")


def threads(requested: int | None = None) -> int:
    """Threads the compiled pass runs on: *requested*, else ``NEUTRALCORE_THREADS``, else numba's
    ``NUMBA_NUM_THREADS`` (the cores; 1 when numba is absent).  The figures do not depend on it.

    Raises
    ------
    InputError
        ``NEUTRALCORE_THREADS`` (or *requested*) is not a positive integer.
    """
    raw: object = requested if requested is not None else os.environ.get(THREADS_ENV, "").strip() or None
    if raw is None:
        if not _numba_available():
            return 1
        from neutralcore.measure import _fast

        return _fast.max_threads()
    try:
        n = int(str(raw))
    except ValueError:
        n = 0
    if n < 1:
        raise InputError(f"{THREADS_ENV}={raw!r} is not a positive number of threads", column=THREADS_ENV)
    if _numba_available():
        from neutralcore.measure import _fast

        n = min(n, _fast.max_threads())
    return n


def _first_bad(masks: Sequence[np.ndarray]) -> tuple[int, int] | None:
    # the first row any mask flags, and the first mask (in the given order) flagging it
    best: tuple[int, int] | None = None
    for j, m in enumerate(masks):
        hit = np.flatnonzero(m[: best[0] + 1] if best is not None else m)
        if hit.size and (best is None or int(hit[0]) < best[0]):
            best = (int(hit[0]), j)
    return best


def _raise_bad(row: int, what: int, names: Sequence[str], values: Sequence[np.ndarray], sizes: Sequence[int],
               offsets: Sequence[int], remap: Sequence[np.ndarray | None]) -> None:
    """The error of the first row a check of :func:`fused_pass` refused: *what* 0 is the quantity, 1.. the key
    columns then the groupings (a native code out of its remap table, or a code out of its range)."""
    if what == 0:
        q = float(values[0][row])
        text = "quantity must not be negative" if q < 0 else "quantity must be finite (NaN or infinite found)"
        raise InvalidQuantityError(text, column=names[0], rows=[row])
    j = what - 1
    code = int(values[what][row])
    table = remap[j]
    if table is not None and not 0 <= code < table.shape[0]:
        raise SchemaError(f"code {code} is out of range of the {table.shape[0]} categories",
                          column=names[what], rows=[row])
    if table is not None:
        code = int(table[code])
    lo, hi = int(offsets[j]), int(offsets[j]) + int(sizes[j]) - 1
    raise SchemaError(f"code {code} is outside {lo}..{hi}", column=names[what], rows=[row])


def fused_pass(columns: Sequence[np.ndarray], sizes: Sequence[int], offsets: Sequence[int], quantity: np.ndarray,
               n_keys: int, rates: np.ndarray, groups: Sequence[tuple[np.ndarray, int]], *,
               remap: Sequence[np.ndarray | None] | None = None, check: bool = False,
               names: Sequence[str] | None = None, threads: int | None = None,
               ) -> tuple[np.ndarray, float, list[np.ndarray]]:
    """The keys rows use, the total and every group sum, in one pass over the rows.

    Each row's dense key ``((x0 - o0) * s1 + x1 - o1) * s2 + …`` is combined from the four key *columns* (and
    not kept: :func:`dense_codes` gives the codes again if something asks).  Returns per key whether some row
    has it (bool), the sum over rows of ``quantity * rates[key, 0]`` and per grouping the sums over rows of
    ``quantity * rates[key]`` (shape ``(n_groups, columns)``).  Nothing per key is accumulated but a seen flag:
    a key's row count and quantity are :func:`key_sums`, for whoever needs them later.

    Parameters
    ----------
    columns : four 1-D integer arrays
        Activity, region, year and unit codes, read as they are: int8, int16, int32, int64 or unsigned, never
        converted or copied.
    sizes, offsets : four ints each
        Column *j*'s codes (after *remap*) lie in ``offsets[j] .. offsets[j] + sizes[j] - 1``.
    quantity : 1-D float64 array
    n_keys : int
        ``prod(sizes)``.
    rates : 2-D float64 array, shape (n_keys, columns)
        Per key: t CO2e per unit of quantity (column 0), then t of each gas.
    groups : sequence of (codes, n_groups)
        Each grouping's code per row (``0 .. n_groups - 1``), any integer type.
    remap : sequence of (array or None), optional
        One entry per key column, then one per grouping: a lookup table (any integer type) applied per row,
        ``code = remap[j][columns[j][row]]`` — e.g. a pandas/Arrow column's own codes to the inventory's label
        codes — or ``None`` for a column read as it is.  A native code outside the table is always an error
        (:class:`~neutralcore.errors.SchemaError` naming the row); a table entry outside the column's range
        is one under *check*.
    check : bool
        Also check every row: the quantity finite and not negative
        (:class:`~neutralcore.errors.InvalidQuantityError`), every code (after *remap*) in its range
        (:class:`~neutralcore.errors.SchemaError`).  The error names the first bad row (0-based) and, for
        that row, the first bad of: quantity, the key columns, the groupings.  Nothing is returned then.
    names : sequence of str, optional
        Column names for the errors: quantity, the four key columns, then the groupings (default
        ``"quantity"``, :data:`KEY_NAMES`, ``"group 0"``, …).
    threads : int, optional
        Threads of the compiled pass (default :func:`threads`); ignored by the numpy backend.  The figures are
        the same for any number: rows are summed in fixed blocks whose partial sums are added in block order.

    Returns
    -------
    seen : numpy.ndarray of bool, shape (n_keys,)
    total : float
    sums : list of numpy.ndarray, shape (n_groups, columns)

    Examples
    --------
    >>> cols = [np.array([0, 1, 1], np.int8), np.zeros(3, np.int16), np.full(3, 2023, np.int32), np.zeros(3, np.int8)]
    >>> rates = np.array([[2.0], [10.0]])
    >>> seen, total, (by_site,) = fused_pass(cols, (2, 1, 1, 1), (0, 0, 2023, 0), np.array([1.0, 2.0, 3.0]), 2,
    ...                                      rates, [(np.array([1, 0, 1], np.uint8), 2)], check=True)
    >>> seen.tolist(), total, by_site[:, 0].tolist()
    ([True, True], 52.0, [20.0, 32.0])

    A remap table takes a frame's own codes (here 0 = "b", 1 = "a") to the inventory's:

    >>> _, total, _ = fused_pass(cols, (2, 1, 1, 1), (0, 0, 2023, 0), np.array([1.0, 2.0, 3.0]), 2, rates, [],
    ...                          remap=[np.array([1, 0]), None, None, None])
    >>> total  # rows' activities 1, 0, 0: 10 * 1 + 2 * 2 + 2 * 3
    20.0
    >>> fused_pass(cols, (2, 1, 1, 1), (0, 0, 2023, 0), np.array([1.0, -2.0, 3.0]), 2, rates, [], check=True)
    Traceback (most recent call last):
    ...
    neutralcore.InvalidQuantityError: column 'quantity': quantity must not be negative (row 1, 0-based)
    """
    n = quantity.shape[0]
    ng = len(groups)
    space = int(np.prod([max(int(x), 1) for x in sizes], dtype=object))
    m = rates.shape[1]
    maps: list[np.ndarray | None] = list(remap) if remap is not None else [None] * (4 + ng)
    if len(maps) != 4 + ng or len(columns) != 4:
        raise InputError(f"fused_pass takes 4 key columns and one remap entry per key column and grouping "
                         f"({4 + ng}), got {len(columns)} and {len(maps)}", column="remap")
    label = list(names) if names is not None else ["quantity", *KEY_NAMES, *(f"group {i}" for i in range(ng))]
    out = [np.zeros((size, m)) for _, size in groups]
    if backend(n) == "numba":
        from neutralcore.measure import _fast

        seen, total, bad = _fast.fused_pass(
            columns, np.array(sizes, np.int64), np.array(offsets, np.int64), quantity, n_keys,
            np.ascontiguousarray(rates, dtype=np.float64), [g for g, _ in groups], [s for _, s in groups], out,
            maps, check, _chunk(max([size for _, size in groups], default=1)), _threads_for(threads))
        if bad is not None:
            _raise_bad(bad[0], bad[1], label, [quantity, *columns, *(g for g, _ in groups)],
                       [*sizes, *(s for _, s in groups)], [*offsets, *([0] * ng)], maps)
        return seen, total, out
    columns_r = [np.ascontiguousarray(rates[:, j]) for j in range(m)]
    step = _chunk(max([size for _, size in groups], default=1))
    base = sum(int(o) * int(np.prod(sizes[i + 1:], dtype=object)) for i, o in enumerate(offsets))
    wide = np.int32 if space + abs(base) < 2**31 else np.int64  # int32 when no partial sum can overflow it
    buf = np.empty(min(step, n))
    seen = np.zeros(n_keys, dtype=bool)
    total = 0.0
    ranges = [(int(o), int(o) + int(s)) for o, s in zip(offsets, sizes)] + [(0, int(s)) for _, s in groups]
    for s in range(0, n, step):
        q = quantity[s:s + step]
        raw = [_signed(c[s:s + step]) for c in columns] + [_signed(g[s:s + step]) for g, _ in groups]
        native = [(x < 0) | (x >= t.shape[0]) if t is not None else None for x, t in zip(raw, maps)]
        coded = [x if t is None else np.take(t, np.clip(x, 0, t.shape[0] - 1)) for x, t in zip(raw, maps)]
        if check or any(b is not None for b in native):
            masks = [~(q >= 0) | ~np.isfinite(q) if check else np.zeros(q.shape[0], bool)]
            for x, b, (lo, hi) in zip(coded, native, ranges):
                masks.append((x < lo) | (x >= hi) if check else np.zeros(q.shape[0], bool))
                if b is not None:
                    masks[-1] |= b
            hit = _first_bad(masks)
            if hit is not None:
                _raise_bad(s + hit[0], hit[1], label, [quantity, *columns, *(g for g, _ in groups)],
                           [*sizes, *(sz for _, sz in groups)], [*offsets, *([0] * ng)], maps)
        k = coded[0].astype(wide)
        for col, size in zip(coded[1:4], sizes[1:]):
            k *= size
            k += col
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
                for g, (_, size), o in zip(coded[4:], groups, out):
                    o[:, j] += np.bincount(g, weights=w, minlength=size)
    return seen, total, out


def _threads_for(requested: int | None) -> int:
    return threads(requested)


def _signed(x: np.ndarray) -> np.ndarray:
    # uint64 mixes with signed codes only as float in numpy: a chunk of it as int64 (codes are far below 2**63)
    return x.astype(np.int64) if x.dtype == np.uint64 else x
