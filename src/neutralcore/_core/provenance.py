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


def _line_column(value: Any) -> np.ndarray:
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
    line : numpy.ndarray of int64
        Per row, the line of the file it starts on; ``0`` for a row not read from a file.
    """

    files: tuple[str, ...] = attrs.field(converter=_str_tuple)
    file: np.ndarray = attrs.field(converter=_file_column)
    line: np.ndarray = attrs.field(converter=_line_column)

    @line.validator
    def _same_length(self, _attr: Any, line: np.ndarray) -> None:
        if line.shape != self.file.shape:
            raise InputError(f"provenance has {self.file.shape[0]} file indices but {line.shape[0]} lines")

    @classmethod
    def of_file(cls, name: str, lines: Any) -> "Provenance":
        """Every row from one file *name*, at *lines*."""
        lines = np.asarray(lines, dtype=np.int64)
        return cls((name,), _ro(np.zeros(lines.shape[0], np.int32)), lines)  # read-only: taken, not copied

    def __len__(self) -> int:
        return int(self.line.shape[0])

    def take(self, index: np.ndarray) -> "Provenance":
        """The provenance of the rows at *index* (integer positions)."""
        return Provenance(self.files, self.file[index], self.line[index])

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
        return [int(self.line[r]) for r in rows]

    def source(self, rows: Sequence[int]) -> str | None:
        """The file of the rows at *rows*; several are joined with ``"; "``; ``None`` if none was read from a file."""
        idx = dict.fromkeys(int(self.file[r]) for r in rows if self.file[r] >= 0)
        return "; ".join(self.files[i] for i in idx) or None

    def describe(self, rows: Sequence[int]) -> str:
        """``"lines 2, 5 of a.csv; line 2 of b.csv"`` for the rows at *rows*."""
        by_file: dict[int, list[int]] = {}
        for r in rows:
            if self.file[r] >= 0:
                by_file.setdefault(int(self.file[r]), []).append(int(self.line[r]))
        return "; ".join(f"line{'s' if len(ls) > 1 else ''} {', '.join(map(str, ls))} of {self.files[i]}"
                         for i, ls in by_file.items())

    def fields(self, rows: Sequence[int]) -> dict[str, Any]:
        """``lines`` and ``source`` of an error about the rows at *rows*."""
        return {"lines": self.lines(rows), "source": self.source(rows)}
