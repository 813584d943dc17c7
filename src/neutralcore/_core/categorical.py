"""Categorical columns: integer codes into a tuple of distinct values.

``factorize`` turns a column of labels into codes without a Python loop per
row: long columns are coded by object identity in whole-array passes
(:mod:`neutralcore._core.identity`); long columns of text whose rows hold
objects of their own, by polars or pyarrow when installed
(:func:`neutralcore._core.textcodes.text_codes`); long lists of plain ints
(years, scopes) by ``np.fromiter`` after one type check; others with
``map(dict.__getitem__, …)``, which iterates in C.  Every path gives the same
codes, in order of first appearance, and Python code runs only for the first
appearance of each distinct label.
"""

from __future__ import annotations

from typing import Any, Callable, Hashable, Iterable, Sequence

import attrs
import numpy as np

from neutralcore._core.identity import MIN_ROWS, identity_codes
from neutralcore._core.textcodes import Compiled, starts_as_text, text_codes
from neutralcore._core.labelfacts import distinct

__all__ = ["Categorical", "factorize", "combine_codes", "code_view", "used", "narrow_dtype",
           "CodeRangeError", "min_max", "gather", "dense_space", "own_text"]

CODE_DTYPE = np.int32


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


@attrs.frozen(eq=False, repr=False)
class Categorical:
    """A column as ``codes`` (an int32, or narrower integer, array) into ``categories`` (tuple of distinct values)."""

    codes: np.ndarray
    categories: tuple[Any, ...]

    def __len__(self) -> int:
        return int(self.codes.shape[0])

    def __repr__(self) -> str:
        return f"Categorical({len(self)} rows, {len(self.categories)} categories)"

    def values(self) -> list[Any]:
        """The labels, one per row (materialises a list)."""
        cats = np.empty(len(self.categories), dtype=object)
        cats[:] = list(self.categories)
        return cats[self.codes].tolist()

    def take(self, index: np.ndarray) -> "Categorical":
        return Categorical(_readonly(self.codes[index]), self.categories)

    def recode(self, categories: Sequence[Any]) -> np.ndarray:
        """Codes of this column in another category list that contains all of ours."""
        pos = {c: i for i, c in enumerate(categories)}
        table = np.array([pos[c] for c in self.categories], dtype=CODE_DTYPE)
        return table[self.codes] if len(table) else self.codes.copy()

    def compact(self, present: np.ndarray | None = None) -> "Categorical":
        """Drop categories no row uses (keeps their order); *present*: whether each is used, if known."""
        if present is None:
            present = used(self.codes, len(self.categories))
        present = present > 0
        if present.all():
            return self
        kept = int(np.count_nonzero(present))
        if present[:kept].all():  # only trailing categories unused: the codes stand as they are
            return Categorical(self.codes, self.categories[:kept])
        cats = tuple(c for c, u in zip(self.categories, present) if u)
        # renumbered at the codes' own width (fewer categories fit it) in cache-sized chunks: one pass, no int64 copy
        table = (np.cumsum(present, dtype=np.int64) - 1).astype(self.codes.dtype)
        return Categorical(_readonly(gather(table, self.codes)), cats)

    @staticmethod
    def concat(parts: Sequence["Categorical"]) -> "Categorical":
        cats: dict[Any, None] = {}
        for p in parts:
            cats.update(dict.fromkeys(p.categories))
        allcats = tuple(cats)
        codes = np.concatenate([p.recode(allcats) for p in parts]) if parts else np.empty(0, CODE_DTYPE)
        return Categorical(_readonly(codes.astype(CODE_DTYPE, copy=False)), allcats)


#: ``count(codes, n_categories)``: the rows of each category, or ``-1 - position`` of the first code out of range.
Counter = Callable[[np.ndarray, int], "np.ndarray | int"]
#: A compiled minimum and maximum of an integer column (from the caller's layer).
Span = Callable[[np.ndarray], tuple[int, int]]


def factorize(values: Any, n: int | None = None, *, count: Counter | None = None,
              span: Span | None = None, text: Compiled | None = None) -> Categorical:
    """Code a column of hashable labels.

    *values* may be a :class:`Categorical` (returned as is), a
    ``(codes, categories)`` pair, a scalar (broadcast to *n* rows), a numpy
    array or any sequence.  *count* replaces the chunked ``np.bincount`` that
    checks and counts the codes of a pair, *span* the chunked :func:`min_max` of integer codes and values,
    *text* codes a long list of ``str`` objects of their own (compiled loops, from the caller's layer).
    """
    if isinstance(values, Categorical):
        return values.compact()
    if isinstance(values, tuple) and len(values) == 2 and isinstance(values[0], np.ndarray):
        codes, cats = values
        if codes.ndim != 1:
            raise ValueError(f"codes of a (codes, categories) pair must be one column (1-D), got shape {codes.shape}")
        if codes.dtype.kind not in "iu":
            raise TypeError("codes of a (codes, categories) pair must be integers")
        cats = tuple(cats)
        if not distinct(cats):
            raise ValueError("categories of a (codes, categories) pair must be distinct")
        codes, present = code_view(codes, len(cats), count, span)
        cat = Categorical(codes, cats)
        return cat if present.all() else cat.compact(present)
    if isinstance(values, (str, bytes, int, float)) or values is None or np.isscalar(values):
        if n is None:
            raise TypeError("a scalar column needs a row count")
        v = values.item() if isinstance(values, np.generic) else values
        return Categorical(_readonly(np.zeros(n, dtype=CODE_DTYPE)), (v,))
    if isinstance(values, np.ndarray):
        if values.dtype.kind in "iub" and values.ndim == 1:
            return _small_range(values, span) or _sorted_codes(values)
        if values.dtype.kind in "iub":
            return _sorted_codes(values)
        if values.dtype != object:
            values = values.tolist()
    elif not isinstance(values, (list, tuple)):
        values = list(values)
    if len(values) >= MIN_ROWS:
        ints = _int_list(values)
        if ints is not None:  # e.g. years as a list: no dict lookup per row
            cat = _small_range(ints) or _sorted_codes(ints)
            return _first_appearance(cat)
    mapping = _FirstSeen()
    own = len(values) >= MIN_ROWS and _own_objects(values)
    codes = None if own else identity_codes(values, mapping.__getitem__)
    if codes is None and len(values) >= MIN_ROWS:
        # rows rarely share objects (text parsed row by row): a compiled coder, polars or pyarrow code them fastest
        coded = text_codes(values, compiled=text)
        if coded is not None:
            return Categorical(_readonly(coded[0]), tuple(coded[1]))
    if codes is None:
        if isinstance(values, np.ndarray):
            values = values.tolist()
        codes = np.fromiter(map(mapping.__getitem__, values), dtype=CODE_DTYPE, count=len(values))
    if (True in mapping or False in mapping) and any(v.__class__ is bool for v in values):
        return _bools_apart(values)  # True == 1 as a dict key: a truth value would pass as the number
    return Categorical(_readonly(codes), tuple(mapping))


class _Truth:
    """A truth value as a key of its own, so that ``True`` and ``1`` (equal in Python) are coded apart."""

    __slots__ = ("value",)

    def __init__(self, value: bool) -> None:
        self.value = value

    def __hash__(self) -> int:
        return hash((_Truth, self.value))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Truth) and other.value is self.value


def _bools_apart(values: Sequence[Any]) -> Categorical:
    mapping = _FirstSeen()
    codes = np.fromiter((mapping[_Truth(v) if v.__class__ is bool else v] for v in values), dtype=CODE_DTYPE,
                        count=len(values))
    return Categorical(_readonly(codes), tuple(k.value if isinstance(k, _Truth) else k for k in mapping))


class CodeRangeError(ValueError):
    """A code outside its categories; ``position`` is the row (0-based) of the first one."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.position = position


#: Integer code dtypes kept as they come (a read-only array of these is taken as a view, never copied).
CODE_DTYPES = (np.dtype(np.int8), np.dtype(np.int16), np.dtype(np.int32), np.dtype(np.uint8), np.dtype(np.uint16))


def code_view(codes: np.ndarray, n_categories: int, count: Counter | None = None,
              span: Span | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Integer *codes* into *n_categories* categories as read-only codes, and whether each category is used.

    The range is checked with a max (and a min for a signed type); the rows are searched only when that fails,
    to name the first code out of range.  Which categories are used is found by :func:`used`, which usually
    reads only the first chunk of rows.  A read-only array of int32 or a narrower integer type is returned as a
    view (no copy), kept at its width; a read-only uint32 array in range is viewed as int32.  A writeable array
    is copied (the caller could change it later), at its width; any wider type is narrowed to int32.
    *count* (a compiled count, from the caller's layer) counts the rows when most of a long column must be read;
    *span* (a compiled minimum and maximum) replaces :func:`min_max` (or, for an unsigned type, numpy's max).
    Raises :class:`CodeRangeError` naming the first code out of range.

    >>> codes, present = code_view(np.array([2, 0, 2], dtype=np.int8), 3)
    >>> codes.dtype, present.tolist()
    (dtype('int8'), [True, False, True])
    >>> code_view(np.array([0, 3]), 3)
    Traceback (most recent call last):
    ...
    neutralcore._core.categorical.CodeRangeError: codes out of range of the 3 categories (code 3 at position 1)
    """
    if codes.size:
        lo, hi = (0, int(codes.max())) if codes.dtype.kind == "u" and span is None else (span or min_max)(codes)
        if lo < 0 or hi >= n_categories:
            bad = int(np.flatnonzero((codes < 0) | (codes >= n_categories))[0])
            raise CodeRangeError(f"codes out of range of the {n_categories} categories (code {int(codes[bad])} at "
                                 f"position {bad})", bad)
    present = used(codes, n_categories, count)
    if not codes.flags.writeable:
        if codes.dtype in CODE_DTYPES:
            return codes.view(), present
        if codes.dtype == np.uint32:
            return _readonly(codes.view(CODE_DTYPE)), present  # in range above, so every code is below 2**31
    # a copy kept at its width when that is a code type, else narrowed to int32 (in range, checked above)
    return _readonly(codes.astype(codes.dtype if codes.dtype in CODE_DTYPES else CODE_DTYPE)), present


#: Rows of the first chunk :func:`used` counts (at least 16 per category); each next chunk is twice as long, up to
#: :data:`CHUNK`.
_FIRST_CHUNK = 1 << 14

#: When at most this many categories are still unseen, each is searched for by itself (an equality test per
#: chunk, stopping at the first hit) rather than counting every code of the chunk.
_FEW_UNSEEN = 4


def used(codes: np.ndarray, n_categories: int, count: Counter | None = None) -> np.ndarray:
    """Whether each category ``0 .. n_categories - 1`` has a row, for *codes* already checked to be in range.

    Chunks of rows are counted only until every category has been seen, which for a column that uses them all
    is usually the first chunk; the last few unseen categories are searched for one by one.  The whole column
    is read only when a category is unused (then with *count*, a compiled count, when given).

    >>> used(np.array([0, 2, 2, 0]), 4).tolist()
    [True, False, True, False]
    """
    seen = np.zeros(n_categories, dtype=bool)
    n = codes.shape[0]
    unseen = n_categories
    start = 0
    step = min(CHUNK, max(_FIRST_CHUNK, 16 * n_categories))  # chunks grow: most columns show every label early
    while start < n and unseen:
        if unseen <= _FEW_UNSEEN:
            part = codes[start:start + step]
            for k in np.flatnonzero(~seen).tolist():
                if (part == k).any():
                    seen[k] = True
                    unseen -= 1
        elif count is not None and start and n - start > 4 * CHUNK:
            got = count(codes[start:], n_categories)
            if isinstance(got, int):  # cannot happen for checked codes; count them here instead
                got = np.bincount(codes[start:], minlength=n_categories)
            seen |= got > 0
            break
        else:
            part = codes[start:start + step]
            counted = None if count is None else count(part, n_categories)
            if counted is None or isinstance(counted, int):  # no compiled count (a bad code: never, once checked)
                counted = np.bincount(part, minlength=n_categories)
            seen |= counted > 0
            unseen = n_categories - int(np.count_nonzero(seen))
        start += step
        step = min(2 * step, CHUNK)
    return seen


def narrow_dtype(n_categories: int) -> np.dtype:
    """The narrowest signed code type for *n_categories* categories: int8, int16 or int32."""
    if n_categories <= 1 << 7:
        return np.dtype(np.int8)
    if n_categories <= 1 << 15:
        return np.dtype(np.int16)
    return np.dtype(CODE_DTYPE)


#: An integer column whose values span at most this many (and at most 4 per row) is coded without a sort.
SMALL_RANGE = 1 << 16


def _small_range(values: np.ndarray, spanner: Span | None = None) -> Categorical | None:
    """Codes of a 1-D integer column spanning few values (scope, year) with no sort: each value minus the
    minimum, in the narrowest code type, then renumbered only if a value inside the span has no row
    (categories ascending, as a sort gives); ``None`` when the span is too wide."""
    n = values.shape[0]
    if n == 0:
        return Categorical(_readonly(np.zeros(0, CODE_DTYPE)), ())
    if values.dtype == np.uint64:
        return None
    as_bool = values.dtype.kind == "b"
    if as_bool:
        values = values.view(np.uint8)
    lo, hi = (spanner or min_max)(values)
    span = hi - lo + 1
    if span > SMALL_RANGE or span > 4 * n + 16:
        return None
    codes = np.empty(n, narrow_dtype(span))
    # in the column's own type when the difference fits it (the fastest loop), else through int64
    wide = None if hi - lo <= int(np.iinfo(values.dtype).max) else np.int64
    np.subtract(values, values.dtype.type(lo), out=codes, dtype=wide, casting="unsafe")
    present = used(codes, span)
    values_present = np.flatnonzero(present)
    if values_present.shape[0] != span:  # a gap in the span: renumber the values present
        lookup = np.zeros(span, codes.dtype)
        lookup[values_present] = np.arange(values_present.shape[0], dtype=codes.dtype)
        gather(lookup, codes, out=codes)
    cats = (values_present + lo).tolist()
    return Categorical(_readonly(codes), tuple(bool(c) for c in cats) if as_bool else tuple(cats))


def _sorted_codes(values: np.ndarray) -> Categorical:
    uniq, inv = np.unique(values, return_inverse=True)
    return Categorical(_readonly(inv.astype(CODE_DTYPE).reshape(-1)), tuple(uniq.tolist()))


def _int_list(values: Any) -> np.ndarray | None:
    """A list of plain ``int`` as an int64 array (one pass to check the types, one to copy), or ``None``: any
    other value (a bool, a float, text, None, a numpy integer) or an int beyond int64 leaves the list to the
    dict path and the caller's checks, with their errors."""
    if type(values) is not list or not values or type(values[0]) is not int:
        return None
    if set(map(type, values)) != {int}:
        return None
    try:
        return np.fromiter(values, dtype=np.int64, count=len(values))
    except OverflowError:
        return None


def _first_appearance(cat: Categorical) -> Categorical:
    """*cat* with its categories in order of first appearance and int32 codes, as the dict path codes a list:
    each category's first row is found chunk by chunk until all are seen (usually in the first chunk)."""
    m = len(cat.categories)
    first = np.full(m, -1, dtype=np.int64)
    found = 0
    for s in range(0, len(cat), CHUNK):
        part = cat.codes[s:s + CHUNK]
        u, at = np.unique(part, return_index=True)
        new = first[u] < 0
        first[u[new]] = at[new] + s
        found += int(np.count_nonzero(new))
        if found == m:
            break
    order = np.argsort(first, kind="stable")
    if (order == np.arange(m)).all():
        return Categorical(_readonly(cat.codes.astype(CODE_DTYPE)), cat.categories)
    table = np.empty(m, dtype=CODE_DTYPE)
    table[order] = np.arange(m, dtype=CODE_DTYPE)
    return Categorical(_readonly(table[cat.codes]), tuple(cat.categories[i] for i in order.tolist()))


#: Rows probed by :func:`_own_objects`.
_PROBE = 1 << 14


def own_text(values: Any) -> bool:
    """Whether :func:`factorize` would hand *values* to :func:`~neutralcore._core.textcodes.text_codes` (a long
    list or tuple whose first rows mostly hold objects of their own and start as text), the lists a compiled
    text coder is given."""
    return (isinstance(values, (list, tuple)) and len(values) >= MIN_ROWS and _own_objects(values)
            and starts_as_text(values))


def _own_objects(values: Any) -> bool:
    """Whether most of the first rows hold objects of their own (text parsed row by row), so that coding by
    object identity would give up (after hashing a first chunk of addresses, about ten times this probe)."""
    return len(set(map(id, values[:_PROBE]))) > 0.75 * _PROBE


class _FirstSeen(dict):
    """label -> code in order of first appearance; a hit is a plain C dict lookup, only a miss runs Python."""

    def __missing__(self, key: Any) -> int:
        code = self[key] = len(self)
        return code


def dense_space(rows: int) -> int:
    """The most combinations :func:`combine_codes` codes of *rows* rows with a dense table (no sort)."""
    return max(4 * rows, 1 << 22)


def combine_codes(columns: Sequence[np.ndarray], sizes: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Combine several code columns into one code per distinct combination.

    Returns ``(inverse, uniq)``: ``inverse[i]`` is row *i*'s combination index,
    and ``uniq`` the combined integer of each combination (decode with
    :func:`split_codes`).  Uses a dense table when the product of *sizes* is
    small, a sort otherwise.
    """
    n = columns[0].shape[0] if columns else 0
    space = 1
    for s in sizes:
        space *= max(int(s), 1)
    dtype = np.int32 if space < 2**31 else np.int64
    key: Any = np.zeros(n, dtype=dtype)
    for col, size in zip(columns, sizes):
        key *= max(int(size), 1)
        key += col
    if space <= dense_space(n):
        present = np.bincount(key, minlength=space) if n else np.zeros(space, np.int64)
        uniq = np.flatnonzero(present)
        lookup = np.zeros(space, dtype=np.int32)
        lookup[uniq] = np.arange(uniq.shape[0], dtype=np.int32)
        return gather(lookup, key), uniq
    uniq, inv = np.unique(key, return_inverse=True)
    return inv.astype(np.int32).reshape(-1), uniq


#: rows per chunk for passes that should stay in cache (2**18 bincounts measured faster than 2**16 here)
CHUNK = 1 << 18


#: rows per chunk of :func:`min_max`: a chunk read for the min is still in cache for the max
MINMAX_CHUNK = 1 << 16


def gather(table: np.ndarray, codes: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``table[codes]`` for *codes* already checked to be in range, a cache-sized chunk at a time (numpy casts an
    index to intp: a chunk's cast stays in cache, with no intp copy of every code), into *out* (of *table*'s
    type; it may be *codes* itself) or a new array.  About three times as fast as ``table[codes]`` at 1M rows.

    >>> gather(np.array([2015, 2016, 2017], dtype=np.int32), np.array([2, 0, 2], dtype=np.int8)).tolist()
    [2017, 2015, 2017]
    """
    if out is None:
        out = np.empty(codes.shape[0], table.dtype)
    for s in range(0, codes.shape[0], CHUNK):
        # mode="clip": the codes are in range, and "raise" would copy every chunk's output through a buffer
        np.take(table, codes[s:s + CHUNK], out=out[s:s + CHUNK], mode="clip")
    return out


def min_max(a: np.ndarray) -> tuple[Any, Any]:
    """The minimum and maximum of a non-empty 1-D array in one pass over memory (chunk by chunk; NaN if any).

    >>> min_max(np.array([3, -1, 7]))
    (-1, 7)
    """
    n = a.shape[0]
    if n <= MINMAX_CHUNK:
        return a.min().item(), a.max().item()
    lows, highs = [], []
    for s in range(0, n, MINMAX_CHUNK):
        part = a[s:s + MINMAX_CHUNK]
        lows.append(part.min())
        highs.append(part.max())
    return np.array(lows).min().item(), np.array(highs).max().item()


def bincount(codes: np.ndarray, weights: np.ndarray | None, minlength: int) -> np.ndarray:
    """``np.bincount`` in cache-sized chunks when the bins are few (about 30 % faster at 10M rows:
    numpy casts the codes to intp, and a chunk's cast stays in cache)."""
    n = codes.shape[0]
    if n <= CHUNK or minlength > CHUNK // 8:
        return np.bincount(codes, weights=weights, minlength=minlength)
    out = np.zeros(minlength, dtype=np.float64 if weights is not None else np.int64)
    for start in range(0, n, CHUNK):
        stop = start + CHUNK
        out += np.bincount(codes[start:stop], weights=None if weights is None else weights[start:stop], minlength=minlength)
    return out


def split_codes(uniq: np.ndarray, sizes: Sequence[int]) -> list[np.ndarray]:
    """Invert :func:`combine_codes` on the combined integers."""
    out = []
    # int64 results, computed in int32 when they fit (integer division is about twice as fast)
    narrow = uniq.size and int(uniq.max()) < 2**31 and int(uniq.min()) >= 0
    rest = uniq.astype(np.int32 if narrow else np.int64)
    for size in reversed(sizes):
        rest, part = np.divmod(rest, max(int(size), 1))
        out.append(part.astype(np.int64, copy=False))
    return out[::-1]
