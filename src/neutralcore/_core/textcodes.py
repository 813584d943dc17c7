"""Long lists of Python ``str`` as int32 codes in order of first appearance: by a compiled coder from the caller's
layer, else by polars or pyarrow when installed.

Text parsed row by row gives every row a ``str`` object of its own, so no route can skip reading each object:
touching them alone (``sum(map(len, values))``) costs 20-30 ns a row, a dict lookup per row (the numpy path)
55-110 ns (``benchmarks/bench_identity.py``).  With ``neutralcore[fast]`` the caller passes the compiled CSV
reader's split (:func:`neutralcore.measure._fastcsv.text_codes`): the list joined by line feeds in one
``str.join`` (the objects read once, 15-20 ns a row), then split and coded by the reader's lanes without the
GIL; it refuses a list whose values hold a line feed, carriage return or quote, which goes on to the
libraries.  polars copies the text into native memory near the floor (``pl.Series(values, dtype=pl.String)``,
25-35 ns a row), finds the labels of the first rows and codes every row against them with a cast to ``pl.Enum``
(20-30 ns; the polars peer, ``pl.Series(values, dtype=pl.Enum(labels))``, is that read and that cast with the
labels known); rows with a label the first rows lack are coded afterwards, on their own.  pyarrow, when polars
is not installed, reads the list (30-45 ns a row) and encodes it with ``dictionary_encode`` (15-20 ns).
Reading the objects holds the GIL throughout, so threads cannot read two columns at once; each column is coded
in the calling thread.

The labels returned are the first object of each distinct value, fetched back from the caller's list, and a
column is refused (``None``: the caller's dict path codes it) unless every one of those is a plain ``str``
or ``None`` and equals what the coder read: then the codes and labels are exactly the dict path's.  Bytes,
numbers, NaN and lone surrogates are refused by the read itself.  polars and pyarrow are imported only here,
inside functions.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, Sequence

import numpy as np

__all__ = ["text_codes", "starts_as_text", "ENGINES", "Compiled"]

#: The libraries tried, fastest first.
ENGINES = ("polars", "pyarrow")

#: ``(codes, labels)`` of one column.
Coded = tuple[np.ndarray, list[Any]]
#: A compiled coder from the caller's layer: ``(codes, labels as read)`` of a list of ``str``, or ``None``.
Compiled = Callable[[Sequence[str]], "tuple[np.ndarray, list[str]] | None"]

#: Rows per chunk when looking for each code's first row.
_CHUNK = 1 << 16
#: The first rows looked at before a library is asked: the first of them that is not None must be a str.
_PROBE = 64
#: The first rows whose labels are found first; rows with other labels are coded after them.
_PREFIX = 1 << 16


def _import(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _enum_codes(pl: Any, s: Any, distinct: Any) -> np.ndarray:
    """int32 positions of *s*'s values in *distinct* (a polars series of distinct values, perhaps one null),
    by a cast to ``pl.Enum``; -1 for a value not among them."""
    cats = distinct.drop_nulls()
    phys = s.cast(pl.Enum(cats), strict=False).to_physical()  # null: a null row, or a value not in cats
    if not phys.null_count():  # no None and no value outside cats: the Enum positions are the codes
        return phys.to_numpy().astype(np.int32)
    none_at = int(distinct.is_null().arg_true()[0]) if distinct.null_count() else -1
    table = np.empty(cats.len() + 1, dtype=np.int32)  # Enum position -> position in distinct; the last: a null
    table[:-1] = np.delete(np.arange(distinct.len(), dtype=np.int32), none_at) if none_at >= 0 else np.arange(
        cats.len(), dtype=np.int32)
    table[-1] = none_at
    codes = table[phys.fill_null(cats.len()).to_numpy()]
    if none_at >= 0 and phys.null_count() != s.null_count():  # some nulls are values not in cats, not None
        codes[(phys.is_null() & s.is_not_null()).to_numpy()] = -1
    return codes


def _polars(pl: Any, values: Any) -> Coded | None:
    try:
        s = pl.Series(values, dtype=pl.String, strict=True)  # the whole list at once: a slice of it would touch
    except (TypeError, ValueError, OverflowError, UnicodeError, pl.exceptions.PolarsError):  # every object again
        return None  # not text: bytes, numbers, NaN, a lone surrogate
    head = s.slice(0, _PREFIX).unique(maintain_order=True)
    codes = _enum_codes(pl, s, head)
    labels = head.to_list()
    late = np.flatnonzero(codes < 0)
    if late.shape[0]:
        # labels the first rows lack: every one first appears after all of theirs, so they are numbered after them,
        # in order of first appearance among these rows
        rest = s.gather(late)
        more = rest.unique(maintain_order=True)
        codes[late] = _enum_codes(pl, rest, more) + len(labels)
        labels += more.to_list()
    return codes, labels


def _pyarrow(pa: Any, values: Any) -> Coded | None:
    try:
        arr = pa.array(values)  # inferred, not pa.string(): that would take bytes as text
    except (pa.lib.ArrowException, TypeError, ValueError, OverflowError):  # a surrogate is a ValueError
        return None
    if not isinstance(arr, pa.Array) or not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        return None  # bytes (binary), all None (null), or chunks too large for one array
    enc = importlib.import_module("pyarrow.compute").dictionary_encode(arr, null_encoding="encode")
    codes = np.asarray(enc.indices.to_numpy(zero_copy_only=False))
    return codes.astype(np.int32, copy=False), enc.dictionary.to_pylist()


def _first_rows(codes: np.ndarray, m: int) -> np.ndarray:
    """The row where each of the codes ``0 .. m - 1`` first appears, for codes numbered in order of first
    appearance (a code's first row is where the running maximum rises to it); chunk by chunk until all are found."""
    rows = np.empty(m, dtype=np.int64)
    top = -1
    for s in range(0, codes.shape[0], _CHUNK):
        if top == m - 1:
            break
        run = np.maximum.accumulate(codes[s:s + _CHUNK])
        np.maximum(run, top, out=run)
        rises = np.flatnonzero(np.diff(run, prepend=np.int32(top)) > 0)
        rows[run[rises]] = rises + s
        top = int(run[-1])
    return rows


def _labels(values: Any, codes: np.ndarray, read: list[Any]) -> list[Any] | None:
    """The first object of each code from *values* (the dict path's labels), or ``None`` if one is not a plain
    ``str`` or ``None``, or differs from what the library read (the column changed since)."""
    if len(values) != codes.shape[0]:
        return None
    try:
        labels = [values[i] for i in _first_rows(codes, len(read)).tolist()]
    except IndexError:
        return None
    if any(type(v) is not str and v is not None for v in labels):
        return None  # a str subclass: its equality is its own; the dict path decides
    return labels if labels == read else None


def starts_as_text(values: Any) -> bool:
    """Whether the first of the first rows of *values* that is not None is a plain ``str`` (or all are None):
    the lists :func:`text_codes` hands on to a coder.

    >>> starts_as_text([None, "a", 1]), starts_as_text([2, "a"])
    (True, False)
    """
    return type(next((v for v in values[:_PROBE] if v is not None), "")) is str


def text_codes(values: Any, engines: Sequence[str] = ENGINES, compiled: Compiled | None = None) -> Coded | None:
    """Codes and labels of *values* (a list or object array of ``str`` and ``None``), in order of first
    appearance, exactly as a dict per row gives them, by *compiled* when given and it reads them, else by the
    first installed library of *engines*; ``None`` for a column that is not text, or when none of them is
    installed (the caller's dict path codes it).

    >>> codes, labels = text_codes(["b", "a", "b", None]) or (None, None)
    >>> labels in (["b", "a", None], None)  # None without polars and pyarrow
    True
    """
    if not starts_as_text(values):
        return None  # numbers and the like: a library would read the whole list before refusing it
    if compiled is not None:
        read = compiled(values)
        if read is not None:
            labels = _labels(values, read[0], read[1])
            if labels is not None:
                return read[0], labels
    for name in engines:
        lib = _import(name)
        if lib is None:
            continue
        code: Callable[[Any, Any], Coded | None] = _polars if name == "polars" else _pyarrow
        try:
            coded = code(lib, values)
        except Exception:  # noqa: BLE001 - a library's own failure: the caller's dict path codes the column
            return None
        if coded is None:
            return None
        labels = _labels(values, coded[0], coded[1])
        return None if labels is None else (coded[0], labels)
    return None
