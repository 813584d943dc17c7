"""The passes over an inventory's rows: row keys, per-key sums, and every requested group sum in one pass.

Everything else in the kernel is per key; these are the kernel's loops over rows, and only the row keys
(one code per row, cached on the inventory) are kept.  Two backends give the same figures (to rounding, 1e-12 relative):

* ``"numpy"``: cache-sized chunks; per chunk one gather and one multiply per rate column and a
  ``np.bincount`` per grouping;
* ``"numba"``: one compiled loop over the rows (:mod:`neutralcore.measure._fast`), used when numba is
  installed (``pip install 'neutralcore[fast]'``) for passes over at least :data:`FAST_MIN_ROWS` rows
  (shorter ones take well under a millisecond either way, and do not import numba).  The fused pass runs
  in fixed blocks of rows whose sums are added in block order, on every core by default
  (:func:`thread_count`): the same figures on any number of threads.

The same choice picks neutralcore's CSV reader (:func:`csv_reader`: numba's :mod:`neutralcore.measure._fastcsv`
for a body of at least :data:`FAST_MIN_CSV_BYTES`, else numpy's).
The environment variable ``NEUTRALCORE_KERNEL`` (``numpy`` or ``numba``) forces one for every pass, and
``NEUTRALCORE_THREADS`` sets the compiled pass's and CSV reader's threads; both are read on each call.

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

import functools
import importlib.util
import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Literal, Sequence

import numpy as np

from neutralcore.errors import InputError, InvalidQuantityError, MissingDependencyError, SchemaError

if TYPE_CHECKING:
    from neutralcore.measure import _fastcsv

__all__ = ["Backend", "ENV", "FAST_MIN_ROWS", "FAST_MIN_CSV_BYTES", "CsvReader", "csv_reader", "KEY_NAMES",
           "THREADS_ENV", "backend", "code_counter", "code_spans", "first_seen", "dense_codes",
           "key_sums", "group_sums", "fused_pass", "thread_count", "GridMultipliers", "GridRates", "grid_multipliers",
           "grid_rates", "text_coder"]

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


def code_spans(arrays: Sequence[np.ndarray], rows: int | None = None) -> Callable[[np.ndarray], tuple[int, int]] | None:
    """The compiled minimum and maximum of an integer column in one pass (numba), for the build's checks and
    :func:`neutralcore._core.categorical.factorize`: *arrays* (the 1-D integer ones) are read at once, all
    together on :func:`thread_count` threads (a few threads started for the lot, not for each column); any other
    array is read when asked for.  ``None`` when numba is not in use (numpy's chunked
    :func:`~neutralcore._core.categorical.min_max` is used then).

    An array is known by its memory (address, shape, strides and type): a view of a column read before is
    answered without a read.  The arrays read are held while the answer is, so no other array can take their
    memory meanwhile."""
    if backend(rows) != "numba":
        return None
    from neutralcore.measure import _fast

    threads = thread_count()
    todo = [a for a in arrays if a.ndim == 1 and a.shape[0] and a.dtype.kind in "iu"]
    known = {_memory(a): (a, span) for a, span in zip(todo, _fast.code_spans(todo, threads))}

    def span(a: np.ndarray) -> tuple[int, int]:
        hit = known.get(_memory(a))
        return hit[1] if hit is not None else _fast.code_span(a, threads)

    return span


def _memory(a: np.ndarray) -> tuple[int, tuple[int, ...], tuple[int, ...], str]:
    return a.__array_interface__["data"][0], a.shape, a.strides, a.dtype.str


def first_seen(rows: int | None = None) -> Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]] | None:
    """The compiled renumbering of integer ids in order of first appearance, in one pass (numba): each row's
    int32 code and the row where each code first appears; ``None`` when numba is not in use."""
    if backend(rows) != "numba":
        return None
    from neutralcore.measure import _fast

    return _fast.first_seen_codes


#: A CSV body of fewer bytes is split by the numpy reader (about 30,000 rows: it takes a few milliseconds, and
#: numba is not even imported).
FAST_MIN_CSV_BYTES = 1 << 20
#: ``read(data, body, header, numeric)``: the compiled CSV reader
#: (:func:`neutralcore.measure._fastcsv.read_plain_compiled`).
CsvReader = Callable[["bytes | Path", int, list[str], str], "dict[str, object] | None"]


def csv_reader(body_bytes: int) -> CsvReader | None:
    """The compiled CSV reader (numba: one pass per block splitting, coding and parsing, blocks on the
    :func:`thread_count` threads) for a body of *body_bytes* bytes, or ``None`` for the numpy reader:
    numba when selected as for the passes (``NEUTRALCORE_KERNEL``, else installed and the body at least
    :data:`FAST_MIN_CSV_BYTES`)."""
    if body_bytes < FAST_MIN_CSV_BYTES and not os.environ.get(ENV, "").strip():
        return None
    if backend() != "numba":
        return None
    from neutralcore.measure import _fastcsv

    return functools.partial(_fastcsv.read_plain_compiled, threads=thread_count())


def text_coder(rows: int | None = None) -> "_fastcsv.TextCoder | None":
    """The compiled coding of long lists of ``str`` objects, each row its own (the CSV reader's split over a
    list joined by line feeds, on the :func:`thread_count` threads; the lists of one build coded ahead together
    by ``prepare``), for :func:`neutralcore._core.categorical.factorize`; ``None`` when numba is not in use for
    *rows* rows (polars or pyarrow, when installed, or a dict per row code them)."""
    if backend(rows) != "numba":
        return None
    from neutralcore.measure import _fastcsv

    return _fastcsv.TextCoder(thread_count())


#: ``loop(fu_t, by_fu, m, node_a, gross_t, row, amounts, reason, mult, codes)``: the compiled conversion of the
#: dense key space by :func:`neutralcore.measure.convert.unit_multipliers` (``mult`` and ``reason`` written).
GridMultipliers = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                            np.ndarray, np.ndarray, tuple[int, int, int]], None]
#: ``rates(to_t, mult, per_t, weights, reason, ok)``: each dense key's t CO2e per activity unit (NaN where its
#: reason is not *ok*) and its scale ``to_t * mult`` (written over *mult*): its gas rates are the scale times its
#: triple's gases.
GridRates = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, int], tuple[np.ndarray, np.ndarray]]


def grid_multipliers(keys: int | None = None) -> GridMultipliers | None:
    """The compiled per-key unit conversion of a dense key space of *keys* keys (numba), or ``None`` when numba is
    not in use (:func:`neutralcore.measure.convert.unit_multipliers` then gathers in numpy)."""
    if backend(keys) != "numba":
        return None
    from neutralcore.measure import _fast

    return _fast.grid_multipliers


def grid_rates(keys: int | None = None) -> GridRates | None:
    """The compiled per-key gas and CO2e rates of a dense key space of *keys* keys (numba), or ``None`` when numba
    is not in use (the kernel then broadcasts in numpy)."""
    if backend(keys) != "numba":
        return None
    from neutralcore.measure import _fast

    return _fast.grid_rates


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
    ibuf = np.empty(min(step, n), dtype=np.intp)  # gathered by intp: an int32 index is cast inside every take
    for s in range(0, n, step):
        k, q, w = code[s:s + step], quantity[s:s + step], buf[: min(step, n - s)]
        if k.dtype != np.intp:
            np.copyto(ibuf[: k.shape[0]], k, casting="unsafe")
            k = ibuf[: k.shape[0]]
        for j, column in enumerate(columns):
            np.take(column, k, out=w)
            w *= q
            for (g, size), o in zip(groups, out):
                o[:, j] += np.bincount(g[s:s + step], weights=w, minlength=size)
    return out


#: Environment variable: threads of the compiled passes and CSV reader (default: every core).
THREADS_ENV = "NEUTRALCORE_THREADS"

#: The key columns' names in errors of :func:`fused_pass` (groupings are named ``group 0``, ``group 1``, …).
KEY_NAMES = ("activity", "region", "year", "unit")


def _cores() -> int:
    """The cores this process may run on, at most numba's ``NUMBA_NUM_THREADS`` (one without numba)."""
    if not _numba_available():
        return 1
    from neutralcore.measure import _fast

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, _fast.max_threads()))


def thread_count(requested: int | None = None) -> int:
    """Threads the compiled passes and the compiled CSV reader run on: *requested*, else ``NEUTRALCORE_THREADS``,
    else every core; never more than numba's ``NUMBA_NUM_THREADS`` (the cores, by default).  The figures do not
    depend on it: the fused pass sums fixed blocks of rows and adds them in block order.

    The threads are Python threads running compiled loops that release the GIL, started for a pass and joined
    at its end: none is left spinning on a core afterwards (numba's OpenMP pool, used before, did, which made a
    job among other work no faster on two threads; see docs/scale.md).  Set ``NEUTRALCORE_THREADS=1`` where the
    caller already runs a worker per core.

    Raises
    ------
    InputError
        ``NEUTRALCORE_THREADS`` (or *requested*) is not a positive integer.
    """
    raw: object = requested if requested is not None else os.environ.get(THREADS_ENV, "").strip() or None
    if raw is None:
        return _cores()
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


def _raise_bad(row: int, quantity: np.ndarray, codes: Sequence[np.ndarray], ranges: Sequence[tuple[int, int]],
               tables: Sequence[int | None], names: Sequence[str], check_q: bool) -> None:
    """The error of *row*, the first row a check of :func:`fused_pass` refused: its quantity, else its first
    code (key columns, then groupings) outside its range (``tables[j]``: the size of column *j*'s remap
    table, whose native codes it checks)."""
    q = float(quantity[row])
    if check_q and not 0.0 <= q < np.inf:
        text = "quantity must not be negative" if q < 0 else "quantity must be finite (NaN or infinite found)"
        raise InvalidQuantityError(text, column=names[0], rows=[row])
    for j, (x, (lo, hi), t) in enumerate(zip(codes, ranges, tables)):
        code = int(x[row])
        if t is not None and not 0 <= code < t:
            raise SchemaError(f"code {code} is out of range of the {t} categories", column=names[1 + j], rows=[row])
        if not lo <= code < hi:
            raise SchemaError(f"code {code} is outside {lo}..{hi - 1}", column=names[1 + j], rows=[row])
    raise AssertionError(f"row {row} was refused but passes every check")  # pragma: no cover


def _first_bad(quantity: np.ndarray, codes: Sequence[np.ndarray], ranges: Sequence[tuple[int, int]],
               check_q: bool) -> int:
    # numpy: the first row of a chunk with a bad quantity or a code out of range, or -1
    bad = ~((quantity >= 0) & (quantity < np.inf)) if check_q else np.zeros(quantity.shape[0], bool)
    for x, (lo, hi) in zip(codes, ranges):
        bad |= (x < lo) | (x >= hi)
    hit = np.flatnonzero(bad)
    return int(hit[0]) if hit.size else -1


def _table(t: np.ndarray, lo: int, hi: int, codes: np.ndarray, name: str) -> np.ndarray:
    """Remap table *t* as int64 with every entry in ``lo .. hi - 1``; an entry outside that is refused only
    if a row's code uses it (then naming the first such row; this searches the rows, so only when the table
    has such entries)."""
    t = np.asarray(t)
    if t.ndim != 1 or t.dtype.kind not in "iu":
        raise InputError(f"a remap table must be a 1-D integer array, got {t.dtype} of shape {t.shape}", column=name)
    t = t.astype(np.int64)
    wrong = (t < lo) | (t >= hi)
    if wrong.any():
        x = _signed(codes)
        inside = (x >= 0) & (x < t.shape[0])
        rows = np.flatnonzero(inside & wrong[np.where(inside, x, 0)])
        if rows.size:
            row = int(rows[0])
            raise SchemaError(f"code {int(x[row])} has no label (its remap entry {int(t[x[row]])} is outside "
                              f"{lo}..{hi - 1})", column=name, rows=[row])
        t = np.where(wrong, lo, t)
    return t


def fused_pass(columns: Sequence[np.ndarray], sizes: Sequence[int], offsets: Sequence[int], quantity: np.ndarray,
               n_keys: int, rates: np.ndarray | None, groups: Sequence[tuple[np.ndarray, int]], *,
               remap: Sequence[np.ndarray | None] | None = None, check: bool = False,
               names: Sequence[str] | None = None, threads: int | None = None,
               factored: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
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
        Threads of the compiled pass (default :func:`thread_count`); ignored by the numpy backend.  The figures are
        the same for any number: rows are summed in fixed blocks whose partial sums are added in block order.
    factored : (scale, per_triple, weights), optional
        *rates* as factors, for CO2e and three gases: key ``k``'s gas ``g`` is ``scale[k] * per_triple[t, g]``
        with ``t = k // sizes[3]`` (its activity, region and year), its CO2e those summed with *weights* in gas
        order; *rates* may then be ``None``.  The compiled pass reads the two small tables instead of the
        per-key one (a quarter of its size: fewer cache misses per row); the numpy pass, or a pass with remap
        tables on the key columns, builds the per-key table from them.

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
    if factored is not None:
        _check_factored(factored, n_keys, int(sizes[3]))
    fast = backend(n) == "numba"
    if factored is not None and (not fast or not ng or (remap is not None and any(t is not None for t in remap[:4]))):
        rates, factored = _factored_rates(*factored, int(sizes[3])), None
    if rates is None:
        if factored is None:
            raise InputError("fused_pass needs rates, or factored rates", column="rates")
        m = 4
    else:
        m = rates.shape[1]
    maps: list[np.ndarray | None] = list(remap) if remap is not None else [None] * (4 + ng)
    if len(maps) != 4 + ng or len(columns) != 4:
        raise InputError(f"fused_pass takes 4 key columns and one remap entry per key column and grouping "
                         f"({4 + ng}), got {len(columns)} and {len(maps)}", column="remap")
    label = list(names) if names is not None else ["quantity", *KEY_NAMES, *(f"group {i}" for i in range(ng))]
    gcodes = [g for g, _ in groups]
    # remap tables are applied per key and per group, not per row: the pass runs over the native codes (their
    # key space, with the rates gathered into it), then the seen keys and the group sums are taken back
    tables = [None if t is None else _table(t, int(o), int(o) + int(z), c, nm)
              for t, o, z, c, nm in zip(maps[:4], offsets, sizes, columns, label[1:5])]
    gtables = [None if t is None else _table(t, 0, int(z), g, nm)
               for t, (g, z), nm in zip(maps[4:], groups, label[5:])]
    nsizes = [int(z) if t is None else t.shape[0] for t, z in zip(tables, sizes)]
    noffs = [int(o) if t is None else 0 for t, o in zip(tables, offsets)]
    gsizes = [int(z) if t is None else t.shape[0] for t, (_, z) in zip(gtables, groups)]
    native_keys = None
    if any(t is not None for t in tables):
        parts = [np.arange(int(o), int(o) + int(z)) if t is None else t for t, o, z in zip(tables, offsets, sizes)]
        native_keys = parts[0] - int(offsets[0])
        for part, o, z in zip(parts[1:], offsets[1:], sizes[1:]):
            native_keys = (native_keys[:, None] * int(z) + (part - int(o))[None, :]).reshape(-1)
        rates = rates[native_keys] if rates is not None else rates
    n_native = int(np.prod([max(z, 1) for z in nsizes], dtype=object))
    check_codes = check or any(t is not None for t in (*tables, *gtables))
    ranges = [(o, o + z) for o, z in zip(noffs, nsizes)] + [(0, z) for z in gsizes]
    nout = [np.zeros((z, m)) for z in gsizes]
    if fast:
        from neutralcore.measure import _fast

        nseen, total, bad = _fast.fused_pass(
            columns, np.array(nsizes, np.int64), np.array(noffs, np.int64), quantity, n_native,
            _NO_RATES if rates is None else np.ascontiguousarray(rates, dtype=np.float64), gcodes, gsizes, nout,
            check_codes, check, _chunk(max(gsizes, default=1)), thread_count(threads), factored)
    else:
        assert rates is not None  # a factored table was built above for numpy
        nseen, total, bad = _numpy_pass(columns, nsizes, noffs, quantity, n_native, rates, gcodes, gsizes, nout,
                                        check_codes, check, ranges)
    if bad >= 0:
        _raise_bad(bad, quantity, [*columns, *gcodes], ranges,
                   [None if t is None else t.shape[0] for t in (*tables, *gtables)], label, check)
    if native_keys is None:
        seen = nseen
    else:
        seen = np.zeros(n_keys, dtype=bool)
        seen[native_keys[nseen]] = True
    out: list[np.ndarray] = []
    for t, (_, z), sums in zip(gtables, groups, nout):
        if t is None:
            out.append(sums)
        else:
            merged = np.zeros((int(z), m))
            np.add.at(merged, t, sums)
            out.append(merged)
    return seen, total, out


_NO_RATES = np.zeros((1, 4))


def _check_factored(factored: tuple[np.ndarray, np.ndarray, np.ndarray], n_keys: int, units: int) -> None:
    # the compiled pass reads three gases a triple and one scale a key, unchecked: the shapes are checked here
    scale, per_triple, weights = (np.asarray(x) for x in factored)
    n_tri = n_keys // max(units, 1)
    if (scale.shape != (n_keys,) or per_triple.shape != (n_tri, 3) or weights.shape != (3,)
            or n_tri * max(units, 1) != n_keys):
        raise InputError(f"factored= takes (scale, per_triple, weights) of shapes ({n_keys},), ({n_tri}, 3) and (3,) "
                         f"for {n_keys} keys of {units} units each; got {scale.shape}, {per_triple.shape} and "
                         f"{weights.shape}", column="factored")


def _factored_rates(scale: np.ndarray, per_triple: np.ndarray, weights: np.ndarray, units: int) -> np.ndarray:
    # the per-key table of fused_pass(factored=...): CO2e, then each gas, key k of triple k // units
    gas = scale[:, None] * np.repeat(per_triple, units, axis=0)
    out = np.empty((gas.shape[0], 1 + gas.shape[1]))
    out[:, 1:] = gas
    out[:, 0] = 0.0
    for g in range(gas.shape[1]):  # summed in gas order, as the compiled pass sums them
        out[:, 0] += gas[:, g] * weights[g]
    return out


def _numpy_pass(columns: Sequence[np.ndarray], sizes: Sequence[int], offsets: Sequence[int], quantity: np.ndarray,
                n_keys: int, rates: np.ndarray, groups: Sequence[np.ndarray], group_sizes: Sequence[int],
                out: Sequence[np.ndarray], check_codes: bool, check_q: bool, ranges: Sequence[tuple[int, int]]
                ) -> tuple[np.ndarray, float, int]:
    # the fused pass in cache-sized chunks: combined key, one gather and multiply per rate column, a bincount per
    # grouping; the first row a check refused, or -1
    n = quantity.shape[0]
    space = int(np.prod([max(int(x), 1) for x in sizes], dtype=object))
    columns_r = [np.ascontiguousarray(rates[:, j]) for j in range(rates.shape[1])]
    step = _chunk(max(group_sizes, default=1))
    base = sum(int(o) * int(np.prod(sizes[i + 1:], dtype=object)) for i, o in enumerate(offsets))
    wide = np.int32 if space + abs(base) < 2**31 else np.int64  # int32 when no partial sum can overflow it
    # combined at the columns' width, then gathered and scattered by intp, numpy's index type (an int32 index
    # is cast inside each take and each scatter: the one cast here is cheaper)
    kbuf = np.empty(min(step, n), dtype=wide)
    ibuf = np.empty(min(step, n), dtype=np.intp)
    buf = np.empty(min(step, n))
    seen = np.zeros(n_keys, dtype=bool)
    # with no grouping the total is the figure: summed row by row, as the compiled loop sums it (a bincount into
    # one bin), not pairwise (w.sum()), so that both backends give the same bits
    one_bin = np.zeros(min(step, n), dtype=np.intp) if not groups else None
    total = 0.0
    for s in range(0, n, step):
        q = quantity[s:s + step]
        raw = [_signed(c[s:s + step]) for c in columns]
        gs = [_signed(g[s:s + step]) for g in groups]
        if check_codes or check_q:
            hit = _first_bad(q, [*raw, *gs] if check_codes else [], ranges, check_q)
            if hit >= 0:
                return seen, 0.0, s + hit
        k = kbuf[: q.shape[0]]
        np.copyto(k, raw[0], casting="unsafe")
        for col, size in zip(raw[1:], sizes[1:]):
            k *= size
            k += col
        if base:
            k -= base
        if wide is not np.intp:
            np.copyto(ibuf[: q.shape[0]], k)
            k = ibuf[: q.shape[0]]
        seen[k] = True
        w = buf[: q.shape[0]]
        with np.errstate(over="ignore", invalid="ignore"):  # the kernel raises for overflow and rates it refuses
            for j, column in enumerate(columns_r):
                np.take(column, k, out=w)
                w *= q
                if j == 0:
                    total += float(w.sum()) if one_bin is None else \
                        float(np.bincount(one_bin[: w.shape[0]], weights=w, minlength=1)[0])
                for g, size, o in zip(gs, group_sizes, out):
                    o[:, j] += np.bincount(g, weights=w, minlength=size)
    return seen, total, -1


def _signed(x: np.ndarray) -> np.ndarray:
    # uint64 mixes with signed codes only as float in numpy: a chunk of it as int64 (codes are far below 2**63)
    return x.astype(np.int64) if x.dtype == np.uint64 else x
