"""Where the rows of a table were read: the files and, per row, which file and which line.

:class:`Provenance` is the ``provenance`` field of an inventory read from CSV;
subsetting keeps each row's file and line, stacking keeps every file.  Errors
about rows name them by it (``lines 3, 5 of a.csv``).

Examples
--------
>>> import numpy as np
>>> a = Provenance.of_file("a.csv", np.array([2, 3, 5]))
>>> b = Provenance.of_file("b.csv", np.array([2]))
>>> both = Provenance.concat([a, b], [3, 1])
>>> both.describe([0, 2, 3])
'lines 2, 5 of a.csv; line 2 of b.csv'
>>> both.take(np.array([3])).fields([0])
{'lines': [2], 'source': 'b.csv'}
"""

from __future__ import annotations

from typing import Any, Sequence

import attrs
import numpy as np

from neutralcore.errors import InputError

__all__ = ["Provenance"]


def _ro(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def _str_tuple(value: Sequence[str]) -> tuple[str, ...]:
    return tuple(str(v) for v in value)


def _column(value: Any, dtype: type) -> np.ndarray:
    arr: np.ndarray = np.asarray(value, dtype=dtype).reshape(-1)
    return _ro(arr.copy()) if arr.flags.writeable else arr


def _file_column(value: Any) -> np.ndarray:
    return _column(value, np.int32)


def _line_column(value: Any) -> np.ndarray | range:
    if isinstance(value, range) and value.step == 1 and value.start >= 0:
        return value  # a file's rows one line each: kept as the range, an array made only when asked for
    return _column(value, np.int64)


@attrs.frozen(eq=False)
class Provenance:
    """The files rows were read from and, per row, its file and its 1-based line (the header is line 1).

    Parameters
    ----------
    files : tuple of str
        The files, in the order their rows first appear.
    file : numpy.ndarray of int32
        Per row, its file's index in *files*; ``-1`` for a row not read from a file.
    line : numpy.ndarray of int64, or range
        Per row, the line of the file it starts on; ``0`` for a row not read from a file.  A ``range`` (step 1,
        as a file read whole gives: ``range(2, n + 2)``) is kept as it is, holding no array.
    """

    files: tuple[str, ...] = attrs.field(converter=_str_tuple)
    file: np.ndarray = attrs.field(converter=_file_column)
    _line: np.ndarray | range = attrs.field(converter=_line_column, alias="line")

    @_line.validator
    def _same_length(self, _attr: Any, line: np.ndarray | range) -> None:
        if len(line) != self.file.shape[0]:
            raise InputError(f"provenance has {self.file.shape[0]} file indices but {len(line)} lines")

    @classmethod
    def of_file(cls, name: str, lines: Any) -> "Provenance":
        """Every row from one file *name*, at *lines* (an array, or a ``range`` kept as it is).

        The file index of every row is one shared zero (a read-only view with no memory of its own), so a
        file read whole (``lines=range(2, n + 2)``) costs no memory per row."""
        n = len(lines) if isinstance(lines, range) else np.asarray(lines).reshape(-1).shape[0]
        return cls((name,), np.broadcast_to(np.int32(0), (n,)), lines)

    @property
    def line(self) -> np.ndarray:
        """Per row, its line (read-only int64; made from the range when the rows are a file's lines in order)."""
        if isinstance(self._line, range):
            return _ro(np.arange(self._line.start, self._line.stop, dtype=np.int64))
        return self._line

    def __len__(self) -> int:
        return len(self._line)

    def take(self, index: np.ndarray) -> "Provenance":
        """The provenance of the rows at *index* (integer positions or a boolean mask)."""
        line = self._line
        if not isinstance(line, range):
            return Provenance(self.files, self.file[index], line[index])
        index = np.asarray(index)
        if index.dtype == bool:
            if index.shape != (len(line),):
                raise IndexError(f"boolean index of {index.shape} for {len(line)} rows")
            pos = np.flatnonzero(index)
        else:
            pos = index.astype(np.int64, copy=True).reshape(-1)
            if pos.size and (pos.min() < -len(line) or pos.max() >= len(line)):
                raise IndexError(f"row index out of range for {len(line)} rows")
            pos[pos < 0] += len(line)
        shared = self.file.strides == (0,)  # one file's shared zero (of_file) stays shared
        file = np.broadcast_to(self.file[:1], pos.shape) if shared and pos.size else self.file[pos]
        return Provenance(self.files, file, pos + line.start)

    @staticmethod
    def concat(parts: Sequence["Provenance | None"], lengths: Sequence[int]) -> "Provenance | None":
        """Stack the provenance of tables of *lengths* rows (``None`` for a table not read from a file)."""
        if all(p is None for p in parts):
            return None
        files: dict[str, int] = {}
        file_cols, line_cols = [], []
        for part, n in zip(parts, lengths):
            if part is None:
                file_cols.append(np.full(n, -1, np.int32))
                line_cols.append(np.zeros(n, np.int64))
                continue
            remap = np.array([files.setdefault(f, len(files)) for f in part.files] + [-1], dtype=np.int32)
            file_cols.append(remap[part.file])  # index -1 (no file) picks the trailing -1
            line_cols.append(part.line)
        return Provenance(tuple(files), np.concatenate(file_cols), np.concatenate(line_cols))

    def lines(self, rows: Sequence[int]) -> list[int]:
        """The lines of the rows at positions *rows* (0 for a row not read from a file)."""
        return [int(self._line[r]) for r in rows]

    def source(self, rows: Sequence[int]) -> str | None:
        """The file of the rows at *rows*; several are joined with ``"; "``; ``None`` if none was read from a file."""
        idx = dict.fromkeys(int(self.file[r]) for r in rows if self.file[r] >= 0)
        return "; ".join(self.files[i] for i in idx) or None

    def describe(self, rows: Sequence[int]) -> str:
        """``"lines 2, 5 of a.csv; line 2 of b.csv"`` for the rows at *rows*."""
        by_file: dict[int, list[int]] = {}
        for r in rows:
            if self.file[r] >= 0:
                by_file.setdefault(int(self.file[r]), []).append(int(self._line[r]))
        return "; ".join(f"line{'s' if len(ls) > 1 else ''} {', '.join(map(str, ls))} of {self.files[i]}"
                         for i, ls in by_file.items())

    def fields(self, rows: Sequence[int]) -> dict[str, Any]:
        """``lines`` and ``source`` of an error about the rows at *rows*."""
        return {"lines": self.lines(rows), "source": self.source(rows)}
