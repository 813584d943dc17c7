"""The one CSV reader and writer: a file's bytes in, a checked header, rows with their line numbers out.

Every reader of a CSV file (inventories, factor files, fuel-property files,
pack coverage, the pack checker) opens it with :func:`open_csv`, which

* reads a path, an ``importlib.resources`` traversable or bytes; drops a
  UTF-8 byte-order mark; ends lines at ``\\n``, ``\\r\\n`` or ``\\r``;
* checks the header: present, no empty, duplicate or missing column, and no
  unknown one when the allowed columns are given;
* gives each record with the physical lines it starts and ends on (the
  header is line 1; a quoted field may span lines; lines that are empty or
  hold only commas and spaces are skipped but counted);
* raises :class:`~neutralcore.SchemaError` naming the file, the line and the
  column, with the cause chained, for every problem: a file that cannot be
  read, text that is not UTF-8, a row of the wrong width, malformed CSV (an
  unclosed quote anywhere, the header included).

Field values are given as written (not stripped); the caller parses them.

:func:`write_csv` is the one writer.  It neutralises every text cell a
spreadsheet would run as a formula (OWASP's rule): a cell starting with
``=``, ``+``, ``-`` (unless it is a number), ``@``, a tab or a carriage
return gets a leading ``'``, and so does a cell that starts with ``'``
followed by one of those or by another ``'``, so that :func:`restore`
(which removes that one ``'``) gives back every cell exactly.

Examples
--------
>>> f = open_csv(b"activity,value\\r\\nelectricity.grid,0.6592\\r\\n\\r\\nfuel.diesel,2\\r\\n",
...              required=("activity", "value"), name="f.csv")
>>> f.header
('activity', 'value')
>>> list(f.records())
[(2, 2, ['electricity.grid', '0.6592']), (4, 4, ['fuel.diesel', '2'])]
>>> open_csv(b'activity,"value\\n1,2\\n', required=("activity",), name="f.csv")
Traceback (most recent call last):
...
neutralcore.SchemaError: f.csv: line 1: malformed CSV: unexpected end of data (a quoted field opened on line 1 is never closed)
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from operator import itemgetter, methodcaller
from pathlib import Path
from typing import Any, Iterator, Protocol, Sequence, Union

import attrs
import numpy as np

from neutralcore._core.collection import no_collection
from neutralcore.errors import SchemaError

__all__ = ["CsvFile", "open_csv", "CsvSource", "write_csv", "neutralise", "restore", "restore_column"]


class _Readable(Protocol):
    """An ``importlib.resources`` traversable, or anything else with ``read_bytes()``."""

    def read_bytes(self) -> bytes: ...


#: What :func:`open_csv` reads: a path, a traversable, or the bytes of a file.
CsvSource = Union[str, Path, bytes, _Readable]


def _error(name: str, message: str, *, line: int | None = None, column: str | None = None) -> SchemaError:
    text = f"line {line}: {message}" if line else message
    return SchemaError(text, source=name, column=column, line=line, lines=[line] if line else None)


def _read(source: CsvSource, name: str) -> bytes:
    try:
        if isinstance(source, (bytes, bytearray, memoryview)):
            return bytes(source)
        if isinstance(source, (str, Path)):
            return Path(source).read_bytes()
        return source.read_bytes()
    except FileNotFoundError as exc:
        raise _error(name, "file not found") from exc
    except OSError as exc:  # a directory, no permission, …
        raise _error(name, f"cannot read the file: {exc.strerror or exc}") from exc


def _blank(lines: list[str]) -> np.ndarray:
    """Which lines are empty or only commas and spaces (as spreadsheets leave)."""
    stripped = map(str.strip, map(methodcaller("replace", ",", ""), lines))
    return np.fromiter(map(len, stripped), dtype=np.int64, count=len(lines)) == 0


@attrs.frozen(eq=False)
class CsvFile:
    """A CSV file whose header has been read and checked; see :func:`open_csv`.

    ``data`` is the file's bytes without a byte-order mark; ``body`` is the
    byte offset of the line after the header when the header is one plain
    line (no quote, no ``\\r``), else ``None``.
    """

    name: str
    header: tuple[str, ...]
    header_end: int
    data: bytes
    body: int | None
    _text: list = attrs.field(factory=list, repr=False)

    def error(self, message: str, *, line: int | None = None, column: str | None = None) -> SchemaError:
        """A :class:`~neutralcore.SchemaError` about this file: ``<file>, column 'c': line n: <message>``."""
        return _error(self.name, message, line=line, column=column)

    def text(self) -> str:
        """The whole file as text (decoded once)."""
        if not self._text:
            try:
                self._text.append(self.data.decode("utf-8"))
            except UnicodeDecodeError as exc:
                line = self.data.count(b"\n", 0, exc.start) + 1
                raise self.error(f"not UTF-8 text ({exc.reason} at byte {exc.start})", line=line) from exc
        return self._text[0]

    def _reader(self) -> Iterator[tuple[int, int, list[str]]]:
        """Every record after the header, blank ones too, with the lines it starts and ends on."""
        reader = csv.reader(io.StringIO(self.text(), newline=""), strict=True)
        end = 0
        while True:
            start = end + 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                what = f"malformed CSV: {exc}"
                if "end of data" in str(exc):
                    what += f" (a quoted field opened on line {start} is never closed)"
                elif reader.line_num > start:
                    what += f" (in the record starting on line {start}, at line {reader.line_num})"
                raise self.error(what, line=start) from exc
            end = reader.line_num
            if end > self.header_end:
                yield start, end, fields

    def records(self) -> Iterator[tuple[int, int, list[str]]]:
        """``(line, end, fields)`` per data record: first and last physical line, and one string per column.

        Blank records are skipped; a record of the wrong width is an error.
        """
        width = len(self.header)
        for start, end, fields in self._reader():
            if not "".join(fields).strip():
                continue
            if len(fields) != width:
                raise self.error(f"expected {width} fields, found {len(fields)}", line=start)
            yield start, end, fields

    def columns(self) -> tuple[dict[str, list[str]], np.ndarray]:
        """Every data record as columns, and the line each record starts on (int64).

        The same records as :meth:`records`; a file without quote characters
        is split with ``str`` methods (no Python work per row).
        """
        text = self.text()
        if '"' not in text:
            return self._plain_columns(text)
        header = self.header
        rows: list[list[str]] = []
        lines: list[int] = []
        with no_collection():  # a million new lists of str would set off full collections that free nothing
            for start, _end, fields in self.records():
                rows.append(fields)
                lines.append(start)
            columns = {h: list(map(itemgetter(j), rows)) for j, h in enumerate(header)}
        return columns, np.asarray(lines, dtype=np.int64)

    def _plain_columns(self, text: str) -> tuple[dict[str, list[str]], np.ndarray]:
        width = len(self.header)
        body = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")[self.header_end:]
        line_of = np.arange(self.header_end + 1, self.header_end + 1 + len(body), dtype=np.int64)
        blank = _blank(body)
        if blank.any():
            keep = np.flatnonzero(~blank)
            body = [body[i] for i in keep.tolist()]
            line_of = line_of[keep]
        commas = np.fromiter(map(methodcaller("count", ","), body), dtype=np.int64, count=len(body))
        wrong = np.flatnonzero(commas != width - 1)
        if wrong.size:
            i = int(wrong[0])
            raise self.error(f"expected {width} fields, found {int(commas[i]) + 1}", line=int(line_of[i]))
        flat = ",".join(body).split(",") if body else []
        return {h: flat[j::width] for j, h in enumerate(self.header)}, line_of


def open_csv(
    source: CsvSource,
    *,
    required: Sequence[str],
    optional: Sequence[str] | None = None,
    name: str | None = None,
) -> CsvFile:
    """Read a CSV file's header and check it.

    Parameters
    ----------
    source : path, traversable or bytes
        The file.
    required : sequence of str
        Columns the header must have.
    optional : sequence of str, optional
        The other columns allowed; ``None`` allows any other column.
    name : str, optional
        The file's name in messages (default ``str(source)``; ``"<bytes>"`` for bytes).

    Raises
    ------
    SchemaError
        The file cannot be read, is empty, is not UTF-8 in its header, is
        malformed there, or its header has an empty, duplicate, missing or
        unknown column; ``.source``, ``.line`` and ``.column`` say where.
    """
    if name is None:
        name = "<bytes>" if isinstance(source, (bytes, bytearray, memoryview)) else str(source)
    data = _read(source, name)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    if not data or data.isspace():
        raise _error(name, "the file is empty; expected a header row", line=1)
    nl = data.find(b"\n")
    first = data if nl < 0 else data[:nl]
    if first.endswith(b"\r"):
        first = first[:-1]
    header: list[str]
    if b'"' not in first and b"\r" not in first:
        try:
            header = first.decode("utf-8").split(",")
        except UnicodeDecodeError as exc:
            raise _error(name, f"not UTF-8 text ({exc.reason} at byte {exc.start})", line=1) from exc
        header_end = 1
        body: int | None = len(data) if nl < 0 else nl + 1
        file = CsvFile(name, (), 1, data, body)
    else:
        file = CsvFile(name, (), 0, data, None)
        first_record = next(file._reader(), None)
        if first_record is None:
            raise _error(name, "the file is empty; expected a header row", line=1)
        header, header_end = first_record[2], first_record[1]
    header = [h.strip() for h in header]
    for i, h in enumerate(header):
        if not h:
            raise _error(name, f"field {i + 1} of the header is empty; every column needs a name", line=1)
    missing = [c for c in required if c not in header]
    if missing:
        raise _error(name, f"missing required column(s) {missing}; the header must include {list(required)}",
                     line=1, column=missing[0])
    if optional is not None:
        unknown = [c for c in header if c not in required and c not in optional]
        if unknown:
            raise _error(name, f"unknown column(s) {unknown}; allowed: {[*required, *optional]}", line=1,
                         column=unknown[0])
    dup = [c for c in header if header.count(c) > 1]
    if dup:
        raise _error(name, f"column {dup[0]!r} appears twice in the header", line=1, column=dup[0])
    return attrs.evolve(file, header=tuple(header), header_end=header_end)


# -- writing ------------------------------------------------------------------------

#: First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED = FORMULA_START + ("'",)
_NEGATIVE_NUMBER = re.compile(r"-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def neutralise(cell: str) -> str:
    """*cell* as written to CSV: prefixed with ``'`` if a spreadsheet would run it (see the module docs).

    Examples
    --------
    >>> neutralise("=1+2"), neutralise("@SUM(A1)"), neutralise("-12.5"), neutralise("-north"), neutralise("plant-1")
    ("'=1+2", "'@SUM(A1)", '-12.5', "'-north", 'plant-1')
    >>> restore(neutralise("'=x")) == "'=x"
    True
    """
    if not cell:
        return cell
    first = cell[0]
    if first in FORMULA_START and not (first == "-" and _NEGATIVE_NUMBER.fullmatch(cell)):
        return "'" + cell
    if first == "'" and cell[1:2] in _ESCAPED:
        return "'" + cell
    return cell


def restore(cell: str) -> str:
    """The cell :func:`neutralise` was given: one leading ``'`` before a formula character or ``'`` removed."""
    if cell[:1] == "'" and cell[1:2] in _ESCAPED:
        return cell[1:]
    return cell


def restore_column(column: Any) -> Any:
    """:func:`restore` applied to a column of text: a list of str, or a ``(codes, labels)`` pair."""
    if isinstance(column, tuple):
        codes, labels = column
        # one search of the labels joined (most files have no ' at all) before a test of each label
        if "'" not in "\n".join(map(str, labels)) or not any(str(v).startswith("'") for v in labels):
            return column
        fixed = [restore(v) for v in labels]
        merged = {v: i for i, v in enumerate(dict.fromkeys(fixed))}
        table = np.array([merged[v] for v in fixed], dtype=codes.dtype)
        return table[codes], tuple(merged)
    if not any(v.startswith("'") for v in column):
        return column
    return [restore(v) for v in column]


#: Rows of a file joined into text at a time by :func:`write_csv`.
_WRITE_ROWS = 1 << 16


def quote_cell(cell: str) -> str:
    """*cell* as the csv module writes it (``QUOTE_MINIMAL``): in double quotes, each ``"`` doubled, when it holds
    a comma, a quote or a line end.

    >>> quote_cell("plant-1"), quote_cell('a "b", c')
    ('plant-1', '"a ""b"", c"')
    """
    if "," in cell or '"' in cell or "\r" in cell or "\n" in cell:
        return '"' + cell.replace('"', '""') + '"'
    return cell


def write_csv(path: str | Path, header: Sequence[str], columns: Sequence[Any]) -> None:
    """Write a CSV file atomically (a temporary file beside *path*, renamed over it once complete).

    Each column is a numpy array of numbers (floats written with ``repr``,
    so they read back exactly), or a ``(codes, labels)`` pair of text labels
    (``None`` is written as an empty cell).  Every header name and label is
    :func:`neutralise`-d.  If writing fails, *path* is left as it was.

    The bytes are the csv module's (``csv.writer``, ``\\r\\n`` line ends): each distinct label is quoted once
    (:func:`quote_cell`), and the rows are joined into text a block at a time (an inventory of 1M rows:
    1.54 s through ``csv.writer``, 0.87 s here).
    """
    # a row of one empty field is written as "" by the csv module (an empty line would be no row at all)
    lone = (lambda cell: cell or '""') if len(columns) == 1 else (lambda cell: cell)
    parts: list[Any] = []
    for col in columns:
        if isinstance(col, tuple):
            codes, labels = col
            text = np.array([lone(quote_cell("" if v is None else neutralise(str(v)))) for v in labels] or [""],
                            dtype=object)
            parts.append((codes, text))
        elif col.dtype.kind in "iu" and col.shape[0] and int(col.max()) - int(col.min()) < 1 << 16:
            lo = int(col.min())  # a small range (years): each value's text made once, gathered like labels
            text = np.array([str(v) for v in range(lo, int(col.max()) + 1)], dtype=object)
            parts.append((col.astype(np.int64) - lo, text))
        else:
            parts.append(col)
    n = len(columns[0][0]) if isinstance(columns[0], tuple) else len(columns[0])
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    try:
        with open(tmp, "w", newline="", encoding="utf-8") as fh:
            fh.write(lone(",".join(quote_cell(neutralise(h)) for h in header)) + "\r\n")
            for s in range(0, n, _WRITE_ROWS):
                cells: list[list[str]] = []
                for part in parts:
                    if isinstance(part, tuple):
                        cells.append(part[1][part[0][s:s + _WRITE_ROWS]].tolist())
                    elif part.dtype.kind == "f":
                        cells.append(list(map(repr, part[s:s + _WRITE_ROWS].tolist())))
                    else:
                        cells.append(list(map(str, part[s:s + _WRITE_ROWS].tolist())))
                fh.write("\r\n".join(map(",".join, zip(*cells))))
                fh.write("\r\n")
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
