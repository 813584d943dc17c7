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
    """``chunks()`` for :func:`group_keys` over a column's object pointers, each chunk's copied out of a fresh
    tuple of its rows (see :func:`_snapshot`) into one reused buffer; gives up (yields ``None``) if the
    column's length changed.  One pass: the hashing round reads each chunk once."""

    def __init__(self, values: Any, n: int) -> None:
        self.values = values
        self.n = n
        self.buffer = np.empty(min(CHUNK, n), dtype=np.uint64)

    def __call__(self) -> Iterator[tuple[int, np.ndarray | None]]:
        for s in range(0, self.n, CHUNK):
            e = min(s + CHUNK, self.n)
            out = self.buffer[:e - s]
            if len(self.values) != self.n or _snapshot(self.values, s, e, out) != e - s:
                yield s, None
                return
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
    """One hashing pass over ``chunks()`` (pairs of row indices or a slice start, and their pointers).

    The first row to reach an empty slot stands for it (a new representative, numbered on from those in
    *rep_rows*, whose row and address are recorded there); each row whose address is its slot's
    representative's gets that number in ``rep_of_row``.  Returns the (rows, pointers) left over by
    collisions, or ``None`` to give up.
    """
    size = 1 << table_bits
    first = np.full(size, -1, dtype=np.int64)
    slot_ptr = np.zeros(size, dtype=np.uint64)
    slot_rep = np.full(size, -1, dtype=np.int32)
    work = np.empty(CHUNK, dtype=np.uint64)
    base = sum(r.shape[0] for r in rep_rows)
    seen = 0
    left_rows, left_ptrs = [], []
    for rows, p in chunks():
        if p is None:
            return None
        m = p.shape[0]
        seen += m
        k = _slots(p, multiplier, table_bits, _scratch(work, m))
        rep = slot_rep[k]
        hit = slot_ptr[k] == p  # most rows: their slot already stands for their key
        hit &= rep >= 0  # (an empty slot holds key 0)
        if hit.all():
            if isinstance(rows, int):
                rep_of_row[rows:rows + m] = rep
            else:
                rep_of_row[rows] = rep
            continue
        miss = np.flatnonzero(~hit)
        new = miss[rep[miss] < 0]
        if new.size:
            at = (rows + new) if isinstance(rows, int) else rows[new]
            back = slice(None, None, -1)  # repeated slots: the earliest row is written last and stays
            first[k[new[back]]] = at[back]
            won = first[k[new]] == at  # the rows that now stand for their slot, one per new slot
            slots = k[new[won]]
            slot_ptr[slots] = p[new[won]]
            slot_rep[slots] = np.arange(base, base + slots.shape[0], dtype=np.int32)
            base += slots.shape[0]
            rep_rows.append(at[won])
            rep_ptrs.append(p[new[won]])
            if isinstance(rows, int) and base > max(_MAX_SHARE * seen, 4096):
                return None  # rows rarely share objects (e.g. parsed text): the dict path is faster
            km = k[miss]
            rep[miss] = slot_rep[km]
            hit[miss] = slot_ptr[km] == p[miss]
        target = np.arange(rows, rows + m) if isinstance(rows, int) else rows
        rep_of_row[target[hit]] = rep[hit]
        if not hit.all():
            left_rows.append(target[~hit])
            left_ptrs.append(p[~hit].copy())
    if not left_rows:
        return np.empty(0, np.int64), np.empty(0, np.uint64)
    return np.concatenate(left_rows), np.concatenate(left_ptrs)


def _group(chunks: Callable[[], Any], n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """:func:`group_keys` before the groups are renumbered: ``(rep_of_row, rank, first_rows, keys)``, where a
    row's group is ``rank[rep_of_row[row]]`` and *first_rows*, *keys* are in the groups' order."""
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
    reps = np.concatenate(rep_rows) if rep_rows else np.empty(0, np.int64)
    keys = np.concatenate(rep_keys) if rep_keys else np.empty(0, np.uint64)
    order = np.argsort(reps, kind="stable")
    rank = np.empty(order.shape[0], dtype=np.int32)
    rank[order] = np.arange(order.shape[0], dtype=np.int32)
    return rep_of_row, rank, reps[order], keys[order]


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

    >>> keys = np.array([7, 3, 7, 9, 3], dtype=np.uint64)
    >>> group, first, distinct = group_keys(lambda: iter([(0, keys)]), 5)
    >>> group.tolist(), first.tolist(), distinct.tolist()
    ([0, 1, 0, 2, 1], [0, 1, 3], [7, 3, 9])
    """
    grouped = _group(chunks, n)
    if grouped is None:
        return None
    rep_of_row, rank, first_rows, keys = grouped
    for s in range(0, n, CHUNK):
        np.take(rank, rep_of_row[s:s + CHUNK], out=rep_of_row[s:s + CHUNK])
    return rep_of_row, first_rows, keys


def identity_codes(values: Any, missing: Callable[[Any], int]) -> np.ndarray | None:
    """int32 codes of *values* (a list or 1-D object array), or ``None`` to use the dict path.

    *missing* is called once per distinct object, in order of first
    appearance, and returns the object's code (equal objects may share one:
    it is a dict lookup on the value).  The rows are grouped by address with
    :func:`group_keys` (one hashing pass over the rows, then one gather), the
    addresses copied from tuples of the rows a chunk at a time (see :class:`_Column`).
    """
    n = len(values)
    if n < MIN_ROWS or not enabled():
        return None
    if not (type(values) is list or (isinstance(values, np.ndarray) and values.dtype == object and values.ndim == 1)):
        return None
    column = _Column(values, n)
    grouped = _group(column, n)
    if grouped is None:
        return None
    rep_of_row, rank, rows, addresses = grouped
    try:
        objects = [values[i] for i in rows.tolist()]
    except IndexError:
        return None  # the column shrank under us; the dict path will see a consistent one
    if len(values) != n or [id(o) for o in objects] != addresses.tolist():
        return None  # the column changed under us
    code = np.fromiter(map(missing, objects), dtype=np.int32, count=len(objects))
    code_of_rep = code[rank]  # one gather per row: representative -> group (first appearance) -> code
    if (code_of_rep == np.arange(code_of_rep.shape[0], dtype=np.int32)).all():
        return rep_of_row  # representatives are numbered as they first appear and no two share a value: the codes
    for s in range(0, n, CHUNK):
        np.take(code_of_rep, rep_of_row[s:s + CHUNK], out=rep_of_row[s:s + CHUNK])
    return rep_of_row
