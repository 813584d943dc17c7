"""Categorical columns: integer codes into a tuple of distinct values.

``factorize`` turns a column of labels into codes without a Python loop per
row: long columns are coded by object identity in whole-array passes
(:mod:`neutralcore._core.identity`), others with ``map(dict.__getitem__, …)``,
which iterates in C; either way Python code runs only for the first
appearance of each distinct label.
"""

from __future__ import annotations

from typing import Any, Callable, Hashable, Iterable, Sequence

import attrs
import numpy as np

from neutralcore._core.identity import identity_codes

__all__ = ["Categorical", "factorize", "combine_codes"]

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

    def compact(self, counts: np.ndarray | None = None) -> "Categorical":
        """Drop categories no row uses (keeps their order)."""
        if counts is None:
            counts = np.bincount(self.codes, minlength=len(self.categories))
        used = counts > 0
        if used.all():
            return self
        new_index = np.cumsum(used, dtype=np.int64) - 1
        cats = tuple(c for c, u in zip(self.categories, used) if u)
        return Categorical(_readonly(new_index[self.codes].astype(CODE_DTYPE)), cats)

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


def factorize(values: Any, n: int | None = None, *, count: Counter | None = None) -> Categorical:
    """Code a column of hashable labels.

    *values* may be a :class:`Categorical` (returned as is), a
    ``(codes, categories)`` pair, a scalar (broadcast to *n* rows), a numpy
    array or any sequence.  *count* replaces the chunked ``np.bincount`` that
    checks and counts the codes of a pair (a compiled loop, from the caller's layer).
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
        if len(set(cats)) != len(cats):
            raise ValueError("categories of a (codes, categories) pair must be distinct")
        codes, counts = code_view(codes, len(cats), count)
        cat = Categorical(codes, cats)
        return cat if counts.all() else cat.compact(counts)
    if isinstance(values, (str, bytes, int, float)) or values is None or np.isscalar(values):
        if n is None:
            raise TypeError("a scalar column needs a row count")
        v = values.item() if isinstance(values, np.generic) else values
        return Categorical(_readonly(np.zeros(n, dtype=CODE_DTYPE)), (v,))
    if isinstance(values, np.ndarray):
        if values.dtype.kind in "iub" and values.ndim == 1:
            return _small_range(values) or _sorted_codes(values)
        if values.dtype.kind in "iub":
            return _sorted_codes(values)
        if values.dtype != object:
            values = values.tolist()
    elif not isinstance(values, (list, tuple)):
        values = list(values)
    mapping = _FirstSeen()
    codes = identity_codes(values, mapping.__getitem__)
    if codes is None:
        if isinstance(values, np.ndarray):
            values = values.tolist()
        codes = np.fromiter(map(mapping.__getitem__, values), dtype=CODE_DTYPE, count=len(values))
    return Categorical(_readonly(codes), tuple(mapping))


#: Integer code dtypes kept as they come (a read-only array of these is taken as a view, never copied).
CODE_DTYPES = (np.dtype(np.int8), np.dtype(np.int16), np.dtype(np.int32), np.dtype(np.uint8), np.dtype(np.uint16))


def code_view(codes: np.ndarray, n_categories: int, count: Counter | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Integer *codes* into *n_categories* categories as read-only codes, and the number of rows of each category.

    Two passes: a max, then the counts (a chunked ``np.bincount``, which fails on a negative code); the rows
    are searched only when one fails, to name the first code out of range.  A
    read-only array of int32 or a narrower integer type is returned as a view (no copy); a read-only uint32
    array in range is viewed as int32.  A writeable array is copied (the caller could change it later), as is
    any wider type (narrowed to int32 after the check).  Raises ``ValueError`` naming the first code out of range.
    """
    if count is not None and codes.size and codes.dtype != np.uint64:
        got = count(codes, n_categories)
        ok = not isinstance(got, int)
        counts = got if not isinstance(got, int) else np.zeros(n_categories, np.int64)
    else:
        ok = not codes.size or int(codes.max()) < n_categories  # first, so no count table is ever too long
        try:
            counts = bincount(codes, None, n_categories) if codes.size and ok else np.zeros(n_categories, np.int64)
        except ValueError:  # a negative code
            ok = False
    if not ok:
        bad = int(np.flatnonzero((codes < 0) | (codes >= n_categories))[0])
        raise ValueError(f"codes out of range of the {n_categories} categories (code {int(codes[bad])} at "
                         f"position {bad})")
    if not codes.flags.writeable:
        if codes.dtype in CODE_DTYPES:
            return codes.view(), counts
        if codes.dtype == np.uint32:
            return _readonly(codes.view(CODE_DTYPE)), counts  # in range above, so every code is below 2**31
    return _readonly(codes.astype(CODE_DTYPE)), counts


#: An integer column whose values span at most this many (and at most 4 per row) is coded with a bincount.
SMALL_RANGE = 1 << 16


def _small_range(values: np.ndarray) -> Categorical | None:
    """Codes of a 1-D integer column spanning few values (scope, year): a bincount of the values present and
    a lookup table, no sort; ``None`` when the span is too wide.  Categories ascending, as a sort gives."""
    n = values.shape[0]
    if n == 0:
        return Categorical(_readonly(np.zeros(0, CODE_DTYPE)), ())
    if values.dtype == np.uint64:
        return None
    as_bool = values.dtype.kind == "b"
    if as_bool:
        values = values.view(np.uint8)
    lo, hi = int(values.min()), int(values.max())
    span = hi - lo + 1
    if span > SMALL_RANGE or span > 4 * n + 16:
        return None
    counts = np.zeros(span, np.int64)
    lookup = np.empty(span, CODE_DTYPE)
    shifted = np.empty(min(n, CHUNK), np.intp)
    for s in range(0, n, CHUNK):  # shifted in cache-sized chunks: no per-row temporary of the whole column
        part = shifted[: min(n - s, CHUNK)]
        part[:] = values[s:s + CHUNK]
        part -= lo
        counts += np.bincount(part, minlength=span)
    present = np.flatnonzero(counts)
    lookup[present] = np.arange(present.shape[0], dtype=CODE_DTYPE)
    codes = np.empty(n, CODE_DTYPE)
    for s in range(0, n, CHUNK):
        part = shifted[: min(n - s, CHUNK)]
        part[:] = values[s:s + CHUNK]
        part -= lo
        np.take(lookup, part, out=codes[s:s + CHUNK])
    cats = (present + lo).tolist()
    return Categorical(_readonly(codes), tuple(bool(c) for c in cats) if as_bool else tuple(cats))


def _sorted_codes(values: np.ndarray) -> Categorical:
    uniq, inv = np.unique(values, return_inverse=True)
    return Categorical(_readonly(inv.astype(CODE_DTYPE).reshape(-1)), tuple(uniq.tolist()))


class _FirstSeen(dict):
    """label -> code in order of first appearance; a hit is a plain C dict lookup, only a miss runs Python."""

    def __missing__(self, key: Any) -> int:
        code = self[key] = len(self)
        return code


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
    if space <= max(4 * n, 1 << 22):
        present = np.bincount(key, minlength=space) if n else np.zeros(space, np.int64)
        uniq = np.flatnonzero(present)
        lookup = np.zeros(space, dtype=np.int32)
        lookup[uniq] = np.arange(uniq.shape[0], dtype=np.int32)
        return lookup[key], uniq
    uniq, inv = np.unique(key, return_inverse=True)
    return inv.astype(np.int32).reshape(-1), uniq


#: rows per chunk for passes that should stay in cache (2**18 bincounts measured faster than 2**16 here)
CHUNK = 1 << 18


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
