"""Reading inventory files other than CSV: Parquet (pyarrow) and Excel workbooks (openpyxl).

Each reader gives the file's columns by name and says where its rows are, and
``Inventory.read_parquet`` / ``Inventory.read_excel`` build the inventory
through the same checks as every other input.  Both libraries are optional
extras, imported when a file is read; a missing one raises
:class:`~neutralcore.MissingDependencyError` naming the extra
(``pip install 'neutralcore[parquet]'``, ``pip install 'neutralcore[excel]'``).

Where errors point:

* **Excel**: the file and the sheet (``book.xlsx, sheet 'Data'``), the column
  by its header, and the rows by their row number in the sheet (the header is
  usually row 1), as Excel shows them; a cell outside the header is named by
  its address (``H7``).
* **Parquet**: the file, the column, and the rows by their 0-based position
  in the file (a Parquet file has no lines).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any, Mapping, Sequence

import attrs
import numpy as np

from neutralcore._core.frames import require
from neutralcore.errors import SchemaError

__all__ = ["ExcelColumns", "read_excel_columns", "read_parquet_table"]


def _missing_file(path: Path, name: str, exc: OSError) -> SchemaError:
    what = "file not found" if isinstance(exc, FileNotFoundError) else f"cannot read the file: {exc.strerror or exc}"
    return SchemaError(what, source=name)


def read_parquet_table(path: str | Path) -> Any:
    """The Parquet file at *path* as a ``pyarrow.Table``.

    Raises
    ------
    MissingDependencyError
        pyarrow is not installed (the ``parquet`` extra).
    SchemaError
        The file cannot be read or is not a Parquet file (the file named, the cause chained).
    """
    pq = require("pyarrow.parquet", "Inventory.read_parquet()", "parquet")
    pa = require("pyarrow", "Inventory.read_parquet()", "parquet")
    name = str(path)
    try:
        return pq.read_table(Path(path))
    except OSError as exc:
        if isinstance(exc, pa.ArrowException):
            raise SchemaError(f"not a readable Parquet file: {exc}", source=name) from exc
        raise _missing_file(Path(path), name, exc) from exc
    except pa.ArrowException as exc:
        raise SchemaError(f"not a readable Parquet file: {exc}", source=name) from exc


@attrs.frozen(eq=False)
class ExcelColumns:
    """A sheet's table: the columns by header, each row's sheet row number, and the name errors use.

    ``source`` is ``"<file>, sheet '<title>'"``; ``rows`` holds the 1-based
    sheet row of each record (blank rows are skipped but counted).
    """

    source: str
    header: tuple[str, ...]
    header_row: int
    columns: dict[str, list[Any]]
    rows: np.ndarray


def _letter(index: int) -> str:
    """The column letters of 0-based column *index*: 0 -> A, 27 -> AB."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def read_excel_columns(path: str | Path, sheet: str | int | None = None, *, required: Sequence[str] = (),
                       columns: Mapping[str, str] | None = None) -> ExcelColumns:
    """Read one sheet of an ``.xlsx`` workbook as columns, streaming its rows (openpyxl read-only mode).

    The first non-blank row is the header; cells hold what Excel stored
    (a formula cell its last computed value).  *sheet* is a sheet's title or
    0-based position; default the first sheet.  *columns* renames headers
    (a header's text to the name wanted) before *required* is checked.

    Raises
    ------
    MissingDependencyError
        openpyxl is not installed (the ``excel`` extra).
    SchemaError
        The file cannot be read or is not an ``.xlsx`` workbook, the sheet does not
        exist, the header has an empty, repeated or missing required column, or a
        row has a value beyond the header; the file, sheet, row and column named.
    """
    openpyxl = require("openpyxl", "Inventory.read_excel()", "excel")
    name = str(path)
    try:
        book = openpyxl.load_workbook(Path(path), read_only=True, data_only=True)
    except FileNotFoundError as exc:
        raise _missing_file(Path(path), name, exc) from exc
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        what = type(exc).__name__ if isinstance(exc, KeyError) else str(exc)
        raise SchemaError(f"not a readable Excel .xlsx workbook ({what})", source=name) from exc
    except Exception as exc:  # openpyxl's InvalidFileException and friends
        if type(exc).__module__.startswith("openpyxl"):
            raise SchemaError(f"not a readable Excel .xlsx workbook ({exc})", source=name) from exc
        raise
    try:
        titles = list(book.sheetnames)
        if sheet is None:
            title = titles[0]
        elif isinstance(sheet, int) and not isinstance(sheet, bool):
            if not -len(titles) <= sheet < len(titles):
                raise SchemaError(f"has no sheet at position {sheet}; its sheets: {titles}", source=name)
            title = titles[sheet]
        elif isinstance(sheet, str) and sheet in titles:
            title = sheet
        else:
            raise SchemaError(f"has no sheet {sheet!r}; its sheets: {titles}", source=name)
        return _read_sheet(book[title], f"{name}, sheet {title!r}", required, columns or {})
    finally:
        book.close()


def _read_sheet(ws: Any, source: str, required: Sequence[str], columns: Mapping[str, str]) -> ExcelColumns:
    records = iter(enumerate(ws.iter_rows(min_row=1, values_only=True), start=1))
    header_row, head = 0, ()
    for number, cells in records:
        if not all(map(_blank, cells)):
            header_row, head = number, cells
            break
    if not header_row:
        raise SchemaError("the sheet is empty; expected a header row", source=source, line=1)
    cells = list(head)
    while cells and _blank(cells[-1]):
        cells.pop()
    header = [str(c).strip() if c is not None else "" for c in cells]
    for j, h in enumerate(header):
        if not h:
            raise SchemaError(f"row {header_row}: header cell {_letter(j)}{header_row} is empty; every column needs "
                              f"a name", source=source, line=header_row)
    unknown = [k for k in columns if k not in header]
    if unknown:
        raise SchemaError(f"row {header_row}: columns={{{unknown[0]!r}: ...}} names no column of the header "
                          f"{header}", source=source, column=unknown[0], line=header_row)
    header = [columns.get(h, h) for h in header]
    dup = [h for h in header if header.count(h) > 1]
    if dup:
        raise SchemaError(f"row {header_row}: column {dup[0]!r} appears twice in the header", source=source,
                          column=dup[0], line=header_row)
    missing = [c for c in required if c not in header]
    if missing:
        raise SchemaError(f"row {header_row}: missing required column(s) {missing}; the header must include "
                          f"{list(required)}", source=source, column=missing[0], line=header_row)
    width = len(header)
    body: list[tuple[Any, ...]] = []
    numbers: list[int] = []
    blank = (None,) * width
    for number, row in records:
        if len(row) > width and not all(map(_blank, row[width:])):
            j = width + next(i for i, c in enumerate(row[width:]) if not _blank(c))
            raise SchemaError(f"row {number}: cell {_letter(j)}{number} holds {row[j]!r}, beyond the header's "
                              f"{width} columns", source=source, line=number)
        row = row[:width]
        if not all(map(_blank, row)):
            body.append(row if len(row) == width else row + blank[len(row):])
            numbers.append(number)
    data = [list(c) for c in zip(*body)] if body else [[] for _ in header]
    return ExcelColumns(source, tuple(header), header_row, dict(zip(header, data)),
                        np.asarray(numbers, dtype=np.int64))
