"""Coding a long column of Python objects by identity, in whole-array passes.

A list of labels holds pointers to its objects, and in practice most rows share
a few objects: ``["electricity.grid"] * n``, ``names[codes].tolist()`` and the
like repeat references, not copies.  Read as integers, those pointers let numpy
find the distinct objects by hashing addresses into a table (a scatter and a
gather per cache-sized chunk); Python then meets each distinct object once and
dedupes them by value.  At 10M rows this codes a column about twice as fast as
a dict lookup per row, the floor of any per-row Python work.

The pointers are only ever read from a tuple this module builds and owns, one
chunk of rows at a time (``tuple(values[s:e])``): a tuple cannot be resized or
changed, so another thread resizing the caller's list meanwhile cannot move the
memory being read (the list itself is never read through a pointer).  The tuple
layout is checked at import before any pointer is read, and the addresses are
only compared, never followed: the objects are fetched back by ordinary
indexing and checked against ``id()``.  Whenever a check fails, the rows rarely
share objects (text parsed row by row), the interpreter is not CPython, or the
environment variable ``NEUTRALCORE_NO_IDENTITY`` is set to anything but ``""``
or ``"0"``, :func:`identity_codes` returns ``None`` and the caller uses the dict
path.
"""

from __future__ import annotations

import ctypes
import os
import platform
import sys
from typing import Any, Callable, Iterator

import numpy as np

__all__ = ["identity_codes", "group_keys", "enabled", "MIN_ROWS", "CHUNK", "ENV_OFF"]

#: Below this many rows the dict path is as fast and simpler.
MIN_ROWS = 1 << 16
CHUNK = 1 << 16
#: Set to anything but "" or "0" to code every column with the dict path.
ENV_OFF = "NEUTRALCORE_NO_IDENTITY"

_PTR = ctypes.sizeof(ctypes.c_void_p)
#: Where a tuple's items start: CPython's tuple is its fixed header (``__basicsize__``) then one pointer per item.
_TUPLE_ITEMS = tuple.__basicsize__


def _layout_ok() -> bool:
    """Whether a tuple's items are where this module reads them, checked before any pointer is read."""
    if platform.python_implementation() != "CPython" or _PTR != 8 or tuple.__itemsize__ != _PTR:
        return False
    probe = tuple(object() for _ in range(3))
    # the read must lie inside the tuple's own allocation (getsizeof counts the header and every item)
    if sys.getsizeof(probe) < _TUPLE_ITEMS + len(probe) * _PTR:
        return False
    out = np.zeros(len(probe), dtype=np.uint64)
    ctypes.memmove(out.ctypes.data, id(probe) + _TUPLE_ITEMS, len(probe) * _PTR)
    return out.tolist() == [id(o) for o in probe]


_LAYOUT_OK = _layout_ok()


def enabled() -> bool:
    """Whether identity coding is in use: CPython with the checked tuple layout, and not turned off."""
    return _LAYOUT_OK and os.environ.get(ENV_OFF, "") in ("", "0")


def _snapshot(values: Any, start: int, stop: int, out: np.ndarray) -> int:
    """Copy the pointers of rows ``start:stop`` into *out* from a tuple of those rows; the tuple's length."""
    part = values[start:stop]
    chunk = tuple(part if type(part) is list else part.tolist())
    ctypes.memmove(out.ctypes.data, id(chunk) + _TUPLE_ITEMS, len(chunk) * _PTR)
    return len(chunk)


class _Column:
    """``chunks()`` for :func:`group_keys` over a column's object pointers.

    The first pass copies each chunk's pointers out of a fresh tuple (see
    :func:`_snapshot`) into an array this object owns; later passes read that
    array.  A pass gives up (yields ``None``) if the column's length changed.
    """

    def __init__(self, values: Any, n: int) -> None:
        self.values = values
        self.n = n
        self.pointers = np.empty(self.n, dtype=np.uint64)
        self.done = 0

    def __call__(self) -> Iterator[tuple[int, np.ndarray | None]]:
        for s in range(0, self.n, CHUNK):
            e = min(s + CHUNK, self.n)
            out = self.pointers[s:e]
            if s >= self.done:
                if len(self.values) != self.n or _snapshot(self.values, s, e, out) != e - s:
                    yield s, None
                    return
                self.done = e
            yield s, out


#: log2 of the first round's table: 256K slots (4 MiB with the addresses) stay in cache; a column with many
#: distinct objects collides more, and its leftover rows get a larger table in the next round.
_TABLE_BITS = 18
#: Give up when more than this share of the rows seen so far hold objects of their own.
_MAX_SHARE = 0.25
#: Odd 64-bit multipliers for Fibonacci hashing of addresses; each round of collisions gets the next.
_MULTIPLIERS = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9)


def _slots(p: np.ndarray, multiplier: int, table_bits: int, out: np.ndarray) -> np.ndarray:
    # addresses are 16-byte aligned or so; the multiply spreads the remaining bits over the top ones
    np.multiply(p, np.uint64(multiplier), out=out)
    np.right_shift(out, np.uint64(64 - table_bits), out=out)
    return out.view(np.int64)


def _scratch(work: np.ndarray, n: int) -> np.ndarray:
    """*n* slots of the reusable buffer, or a new array when a caller's chunk is longer."""
    return work[:n] if n <= work.shape[0] else np.empty(n, dtype=work.dtype)


def _round(chunks: Callable[[], Any], multiplier: int, table_bits: int, rep_of_row: np.ndarray,
           rep_rows: list[np.ndarray], rep_ptrs: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray] | None:
    """One hashing round over ``chunks()`` (pairs of row indices or a slice start, and their pointers).

    Sets ``rep_of_row`` for the rows whose address is the one their slot's first row has, records each
    new representative's row and address, and returns the (rows, pointers) left over by collisions.
    """
    size = 1 << table_bits
    first = np.full(size, -1, dtype=np.int64)
    slot_ptr = np.zeros(size, dtype=np.uint64)
    work = np.empty(CHUNK, dtype=np.uint64)
    seen = filled = 0
    for rows, p in chunks():
        if p is None:
            return None
        k = _slots(p, multiplier, table_bits, _scratch(work, p.shape[0]))
        new = np.flatnonzero(first[k] < 0)
        seen += p.shape[0]
        if new.size:
            back = new[::-1]  # repeated slots: the earliest row is written last and stays
            first[k[back]] = (rows + back) if isinstance(rows, int) else rows[back]
            slot_ptr[k[back]] = p[back]
            filled += np.unique(k[new]).shape[0]
            if isinstance(rows, int) and filled > max(_MAX_SHARE * seen, 4096):
                return None  # rows rarely share objects (e.g. parsed text): the dict path is faster
    used = np.flatnonzero(first >= 0)
    base = sum(r.shape[0] for r in rep_rows)
    slot_rep = np.full(size, -1, dtype=np.int32)
    slot_rep[used] = np.arange(base, base + used.shape[0], dtype=np.int32)
    rep_rows.append(first[used])
    rep_ptrs.append(slot_ptr[used])
    left_rows, left_ptrs = [], []
    for rows, p in chunks():
        if p is None:
            return None
        k = _slots(p, multiplier, table_bits, _scratch(work, p.shape[0]))
        hit = slot_ptr[k] == p
        target = np.arange(rows, rows + p.shape[0]) if isinstance(rows, int) else rows
        if hit.all():
            rep_of_row[target] = slot_rep[k]
        else:
            rep_of_row[target[hit]] = slot_rep[k[hit]]
            left_rows.append(target[~hit])
            left_ptrs.append(p[~hit].copy())
    if not left_rows:
        return np.empty(0, np.int64), np.empty(0, np.uint64)
    return np.concatenate(left_rows), np.concatenate(left_ptrs)


def group_keys(chunks: Callable[[], Any], n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Group *n* rows by a uint64 key, without sorting.

    *chunks* returns an iterator of ``(first_row, keys)`` pairs covering the
    rows in order (``keys`` may be ``None`` to give up).  Returns
    ``(group_of_row, first_rows, keys)``: each row's group number, and per
    group the row where it first appears and its key, with groups numbered
    in order of first appearance.  ``None`` when most rows have keys of their
    own (grouping would not pay) or *chunks* gave up.

    Keys are hashed into a table; the first row to reach a slot stands for
    it, and a row joins that row only if its own key is the same, so a
    collision never merges two keys: the rows it leaves go round again with
    another multiplier, and any still left after that are grouped exactly, by
    sorting their keys (so equal keys always share a group).
    """
    rep_of_row = np.empty(n, dtype=np.int32)
    rep_rows: list[np.ndarray] = []
    rep_keys: list[np.ndarray] = []
    left = _round(chunks, _MULTIPLIERS[0], _TABLE_BITS, rep_of_row, rep_rows, rep_keys)
    for multiplier in _MULTIPLIERS[1:]:
        if left is None or left[0].size == 0:
            break
        rows, keys = left
        left = _round(lambda: ((rows[s:s + CHUNK], keys[s:s + CHUNK]) for s in range(0, rows.size, CHUNK)),
                      multiplier, min(22, max(_TABLE_BITS, rows.size.bit_length() + 1)), rep_of_row, rep_rows,
                      rep_keys)
    if left is None or left[0].size > _MAX_SHARE * n:
        return None
    if left[0].size:
        rows, keys = left  # rows ascending: a key's first index here is its first row
        distinct, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        base = sum(r.shape[0] for r in rep_rows)
        rep_of_row[rows] = base + inverse.reshape(-1).astype(np.int32)
        rep_rows.append(rows[first])
        rep_keys.append(distinct)
    reps, keys = np.concatenate(rep_rows), np.concatenate(rep_keys)
    order = np.argsort(reps, kind="stable")
    rank = np.empty(order.shape[0], dtype=np.int32)
    rank[order] = np.arange(order.shape[0], dtype=np.int32)
    for s in range(0, n, CHUNK):
        np.take(rank, rep_of_row[s:s + CHUNK], out=rep_of_row[s:s + CHUNK])
    return rep_of_row, reps[order], keys[order]


def identity_codes(values: Any, missing: Callable[[Any], int]) -> np.ndarray | None:
    """int32 codes of *values* (a list or 1-D object array), or ``None`` to use the dict path.

    *missing* is called once per distinct object, in order of first
    appearance, and returns the object's code (equal objects may share one:
    it is a dict lookup on the value).  The rows are grouped by address with
    :func:`group_keys`, the addresses copied from tuples of the rows a chunk
    at a time (see :class:`_Column`).
    """
    n = len(values)
    if n < MIN_ROWS or not enabled():
        return None
    if not (type(values) is list or (isinstance(values, np.ndarray) and values.dtype == object and values.ndim == 1)):
        return None
    column = _Column(values, n)
    grouped = group_keys(column, n)
    if grouped is None:
        return None
    group_of_row, rows, addresses = grouped
    try:
        objects = [values[i] for i in rows.tolist()]
    except IndexError:
        return None  # the column shrank under us; the dict path will see a consistent one
    if len(values) != n or [id(o) for o in objects] != addresses.tolist():
        return None  # the column changed under us
    code = np.fromiter(map(missing, objects), dtype=np.int32, count=len(objects))
    for s in range(0, n, CHUNK):
        np.take(code, group_of_row[s:s + CHUNK], out=group_of_row[s:s + CHUNK])
    return group_of_row
