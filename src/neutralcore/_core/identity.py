"""Coding a long column of Python objects by identity, in whole-array passes.

A list of labels holds pointers to its objects, and in practice most rows share
a few objects: ``["electricity.grid"] * n``, ``names[codes].tolist()`` and the
like repeat references, not copies.  Read as integers, those pointers let numpy
find the distinct objects by hashing addresses into a table (a scatter and a
gather per cache-sized chunk); Python then meets each distinct object once and
dedupes them by value.  At 10M rows this codes a column four to five times
faster than a dict lookup per row, the floor of any per-row Python work.

Only CPython with a GIL exposes ``id()`` as the address and lets the pointer copy
run without another thread mutating the list.  Everything here is checked (the
list layout at import, the pointers against ``id()`` of the objects fetched back
through ordinary indexing); whenever a check fails, or the rows rarely share
objects (text parsed row by row), :func:`identity_codes` returns ``None`` and
the caller uses the dict path.
"""

from __future__ import annotations

import ctypes
import platform
import sys
from typing import Any, Callable

import numpy as np

__all__ = ["identity_codes", "group_keys", "MIN_ROWS", "CHUNK"]

#: Below this many rows the dict path is as fast and simpler.
MIN_ROWS = 1 << 16
CHUNK = 1 << 16


def _memcpy() -> Callable[..., Any] | None:
    # PyDLL, unlike CDLL, keeps the GIL during the call: no Python thread can resize the list mid-copy.
    try:
        fn = ctypes.PyDLL(None).memcpy
    except (OSError, AttributeError, TypeError):
        return None
    fn.argtypes = (ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t)
    fn.restype = ctypes.c_void_p
    return fn


def _gil_enabled() -> bool:
    check = getattr(sys, "_is_gil_enabled", None)
    return True if check is None else bool(check())


_PTR = ctypes.sizeof(ctypes.c_void_p)
#: Offset of ``ob_item`` in a CPython ``PyListObject`` (after ``PyObject_VAR_HEAD``).
_OB_ITEM = 3 * ctypes.sizeof(ctypes.c_ssize_t)
_COPY = _memcpy() if platform.python_implementation() == "CPython" and _PTR == 8 and _gil_enabled() else None


class _Items:
    """The pointers of a list's or object array's items, copied a chunk at a time under the GIL."""

    def __init__(self, values: Any) -> None:
        self.values = values
        self.n = len(values)
        self.is_list = type(values) is list

    def address(self) -> int:
        if self.is_list:
            return int(ctypes.c_void_p.from_address(id(self.values) + _OB_ITEM).value or 0)
        return int(self.values.ctypes.data)

    def copy(self, start: int, out: np.ndarray) -> bool:
        """Copy the pointers of rows ``start:start+len(out)`` into *out*; False if the column changed size."""
        address = self.address()
        if not address or len(self.values) != self.n or _COPY is None:
            return False
        _COPY(out.ctypes.data, address + start * _PTR, out.shape[0] * _PTR)
        return True


def _items(values: Any) -> _Items | None:
    if _COPY is None:
        return None
    if type(values) is list or (isinstance(values, np.ndarray) and values.dtype == object and values.ndim == 1
                                and values.flags.c_contiguous):
        return _Items(values)
    return None


def _pointers(values: Any) -> np.ndarray | None:
    """A private copy of the column's object pointers, or None."""
    items = _items(values)
    if items is None:
        return None
    out = np.empty(items.n, dtype=np.uint64)
    if not items.copy(0, out) or (items.n and (int(out[0]) != id(values[0]) or int(out[-1]) != id(values[-1]))):
        return None
    return out


def _self_test() -> bool:
    probe = [object() for _ in range(3)] * 2
    ptrs = _pointers(probe)
    return ptrs is not None and ptrs.tolist() == [id(o) for o in probe]


if _COPY is not None and not _self_test():  # pragma: no cover - a CPython whose list layout differs
    _COPY = None


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
    another multiplier, and any still left after that are groups of their own.
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
        base = sum(r.shape[0] for r in rep_rows)
        rep_of_row[left[0]] = np.arange(base, base + left[0].size, dtype=np.int32)
        rep_rows.append(left[0])
        rep_keys.append(left[1])
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
    :func:`group_keys`; the pointers are read a chunk at a time, so the only
    array as long as the column is the codes.
    """
    n = len(values)
    if n < MIN_ROWS:
        return None
    items = _items(values)
    if items is None:
        return None
    buffer = np.empty(CHUNK, dtype=np.uint64)

    def from_column() -> Any:
        for s in range(0, n, CHUNK):
            out = buffer[:min(CHUNK, n - s)]
            yield s, (out if items.copy(s, out) else None)

    grouped = group_keys(from_column, n)
    if grouped is None:
        return None
    group_of_row, rows, addresses = grouped
    objects = [values[i] for i in rows.tolist()]
    if [id(o) for o in objects] != addresses.tolist():
        return None  # the column changed under us; the dict path will see a consistent one
    code = np.fromiter(map(missing, objects), dtype=np.int32, count=len(objects))
    for s in range(0, n, CHUNK):
        np.take(code, group_of_row[s:s + CHUNK], out=group_of_row[s:s + CHUNK])
    return group_of_row
