"""Reading inventory files with optional libraries: Parquet (pyarrow), Excel workbooks (openpyxl), and CSV
bodies through pyarrow's or polars' tokenizer or neutralcore's own reader.

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

**CSV engines.** :func:`engine_columns` splits a CSV body with pyarrow's
(``pyarrow.csv.read_csv``, blocks parsed on every core, extra ``arrow``) or
polars' (``polars.read_csv``, extra ``polars``) multi-threaded tokenizer into
what :func:`neutralcore._core.csvsplit.read_plain` gives: every label column,
year and scope included, dictionary-encoded by the engine (pyarrow reads
them straight into dictionary arrays, the blocks' dictionaries unified;
polars ``Categorical``) and handed over as its codes and labels, and the quantity
parsed to float64 by the engine.  Both parse decimals correctly rounded
(pyarrow and polars use the fast_float algorithm), so every decimal is the
float64 :func:`float` gives.  Year and scope are read as text and checked by
neutralcore, not parsed as integers by the engine: the engines' integer
grammars differ from neutralcore's (polars reads ``+2023``, pyarrow ``0x10``).
The engine is trusted only where its rows are the file's lines: a body with a
quote character, a blank or short row, an empty or unparseable quantity, a
carriage return inside a label (polars ends lines only at ``\\n``), or text
that is not UTF-8 gives ``None``, and ``Inventory.read_csv`` then reads the
file with neutralcore's own reader, whose errors name the file, the line and
the column.  A carriage return alone ends a line for pyarrow as it does for
neutralcore's reader.

:func:`own_columns` is neutralcore's own engine: the compiled reader
(:mod:`neutralcore.measure._fastcsv`) when numba is selected, else the numpy
reader (:mod:`neutralcore._core.csvsplit`); the same columns either way.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
import importlib.util
from typing import Any, Callable, Literal, Mapping, Sequence

import attrs
import numpy as np

from neutralcore._core.categorical import gather
from neutralcore._core.frames import require
from neutralcore._core.csvsplit import file_pieces, read_plain_chunked, read_plain_pieces
from neutralcore.measure.rowpass import csv_reader, first_seen
from neutralcore.errors import InputError, SchemaError

__all__ = ["ExcelColumns", "read_excel_columns", "read_parquet_table", "Engine", "ENGINES", "AUTO_MIN_BYTES",
           "resolve_engine", "engine_columns", "own_columns"]


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


# -- CSV through pyarrow's or polars' tokenizer ---------------------------------------------------------------

#: What ``Inventory.read_csv(engine=...)`` takes.
Engine = Literal["auto", "neutralcore", "pyarrow", "polars"]
ENGINES: tuple[str, ...] = ("auto", "neutralcore", "pyarrow", "polars")
#: ``engine="auto"`` hands a body of at least this many bytes to pyarrow or polars when one is installed;
#: a smaller file is read faster than either library imports.
AUTO_MIN_BYTES = 1 << 20
_EXTRAS = {"pyarrow": "arrow", "polars": "polars"}
#: pyarrow's block: large enough that few dictionaries need unifying, small enough for every core to get blocks.
_ARROW_BLOCK = 1 << 22
#: From this many bytes of file, blocks twice as long: a 10M-row file (362-479 MiB) was read 15% faster in 8 MiB
#: blocks than in 4 MiB ones (half as many dictionaries a column to unify: 60 against 120 for 479 MiB), its peak
#: no higher; a 1M-row file (36-48 MiB) no faster, its peak 10-18% higher.
_ARROW_LONG_FILE = 1 << 27


def _arrow_block(size: int) -> int:
    return 2 * _ARROW_BLOCK if size >= _ARROW_LONG_FILE else _ARROW_BLOCK


def resolve_engine(engine: str, body_bytes: int) -> str:
    """The engine that reads a CSV body of *body_bytes* bytes: *engine* itself, or for ``"auto"`` and a body of
    at least :data:`AUTO_MIN_BYTES`: ``"neutralcore"`` when its compiled reader is selected (numba,
    :func:`neutralcore.measure.rowpass.csv_reader`), else pyarrow, else polars, when installed; else
    ``"neutralcore"``.

    Raises
    ------
    InputError
        *engine* is not one of :data:`ENGINES`.
    MissingDependencyError
        pyarrow or polars was asked for and is not installed (the extra named).

    Examples
    --------
    >>> resolve_engine("auto", 100)
    'neutralcore'
    >>> resolve_engine("fast", 100)
    Traceback (most recent call last):
    ...
    neutralcore.InputError: engine must be one of 'auto', 'neutralcore', 'pyarrow', 'polars'; got 'fast'
    """
    if engine not in ENGINES:
        raise InputError(f"engine must be one of {', '.join(map(repr, ENGINES))}; got {engine!r}")
    if engine == "auto":
        if body_bytes >= AUTO_MIN_BYTES:
            if csv_reader(body_bytes) is not None:  # the compiled reader: faster than either (docs/scale.md)
                return "neutralcore"
            for name in ("pyarrow", "polars"):
                if _installed(name):
                    return name
        return "neutralcore"
    if engine != "neutralcore":
        require(engine, f"Inventory.read_csv(engine={engine!r})", _EXTRAS[engine])
    return engine


def _installed(name: str) -> bool:
    """Whether *name* can be imported, asked without importing it."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # an import hook refusing it, or a module entry set to None
        return False


def engine_columns(data: bytes | Path, body: int, header: Sequence[str], engine: str,
                   numeric: str = "quantity") -> dict[str, Any] | None:
    """The columns of a CSV body after a one-line header of *body* bytes, split by *engine*, or ``None``.

    *data* is the file's bytes, or its path: the engine then reads the file itself, so its bytes are never
    held whole in memory.  The same shape as :func:`neutralcore._core.csvsplit.read_plain`:
    ``{name: (codes, labels)}`` per label column (labels as written, in order of first appearance),
    ``{numeric: float64 array}``; row *i* is line *i* + 2.  ``None`` where the engine's rows might not be the
    file's lines or its values not what neutralcore's reader reads (see the module docs): the caller then
    reads the file itself.

    Examples
    --------
    >>> out = engine_columns(b"k,quantity\\na,1.5\\nb,2\\na,0.1\\n", 11, ["k", "quantity"], "pyarrow")
    >>> out["k"][0].tolist(), out["k"][1], out["quantity"].tolist()
    ([0, 1, 0], ('a', 'b'), [1.5, 2.0, 0.1])
    >>> engine_columns(b'k,quantity\\n"a",1\\n', 11, ["k", "quantity"], "polars") is None
    True
    """
    if isinstance(data, (bytes, bytearray)) and (body >= len(data) or data.find(b'"', body) >= 0):
        return None
    read = _arrow_columns if engine == "pyarrow" else _polars_columns
    out = read(data, body, list(header), numeric)
    if out is None or not out[numeric].shape[0]:
        return None
    # a quote is text to both engines (neutralcore's reader reads quoted fields), and a carriage return alone
    # is text to polars (it ends a line for neutralcore): both show in a label, or make a quantity unreadable
    if any('"' in label or "\r" in label for name, column in out.items() if name != numeric for label in column[1]):
        return None
    return out  # a blank, short or long line is an error (refused above): the rows are the file's lines


def own_columns(data: bytes | Path, body: int, header: Sequence[str], numeric: str = "quantity", *,
                on_piece: Callable[[int], None] | None = None) -> dict[str, Any] | None:
    """The columns of a plain CSV body after a header of *body* bytes, split by neutralcore's own reader (the
    shape :func:`engine_columns` gives), or ``None`` where it is not plain: the compiled reader
    (:mod:`neutralcore.measure._fastcsv`, blocks on every core) when numba is selected
    (:func:`neutralcore.measure.rowpass.csv_reader`), else the numpy reader in pieces of 4 MiB
    (:mod:`neutralcore._core.csvsplit`).  Either way a file on disk is read a block at a time, never whole, and
    the columns are the same to the bit.  *on_piece* is called with the bytes of each piece read.

    Examples
    --------
    >>> out = own_columns(b"k,quantity\\na,1.5\\nb,2\\na,0.1\\n", 11, ["k", "quantity"])
    >>> out["k"][0].tolist(), out["k"][1], out["quantity"].tolist()
    ([0, 1, 0], ('a', 'b'), [1.5, 2.0, 0.1])
    """
    size = (len(data) if isinstance(data, (bytes, bytearray)) else os.path.getsize(data)) - body
    compiled = csv_reader(size)
    if compiled is not None:
        out = compiled(data, body, list(header), numeric)
        if out is not None and on_piece is not None:
            on_piece(size)
        return out
    if isinstance(data, (bytes, bytearray)):
        return read_plain_chunked(data, list(header), numeric, start=body, on_piece=on_piece)
    return read_plain_pieces(file_pieces(data, body), list(header), numeric, on_piece=on_piece)


def _arrow_columns(data: bytes | Path, body: int, header: list[str], numeric: str) -> dict[str, Any] | None:
    """pyarrow's multi-threaded reader (``pyarrow.csv.read_csv``, blocks of :data:`_ARROW_BLOCK` bytes, twice
    that for a file of :data:`_ARROW_LONG_FILE` bytes or more, parsed on every core), each label column read
    straight into dictionary arrays: a block's text is let go once it is converted, so what is held is the codes
    and quantities plus the blocks in flight, never the file's text; the blocks' dictionaries unified at the end
    (labels in order of first appearance)."""
    pa = require("pyarrow", "Inventory.read_csv(engine='pyarrow')", "arrow")
    csv = require("pyarrow.csv", "Inventory.read_csv(engine='pyarrow')", "arrow")
    label_type = pa.dictionary(pa.int32(), pa.string())
    try:
        from_path = not isinstance(data, (bytes, bytearray))
        size = len(data) - body if isinstance(data, (bytes, bytearray)) else os.path.getsize(data)
        table = csv.read_csv(
            str(data) if from_path else pa.BufferReader(pa.py_buffer(data)[body:]),
            read_options=csv.ReadOptions(column_names=header, block_size=_arrow_block(size), skip_rows=int(from_path),
                                         use_threads=True),
            parse_options=csv.ParseOptions(quote_char=False, double_quote=False, ignore_empty_lines=False),
            convert_options=csv.ConvertOptions(
                column_types={h: pa.float64() if h == numeric else label_type for h in header}, null_values=[],
                strings_can_be_null=False, quoted_strings_can_be_null=False, check_utf8=True),
        )
    except (pa.ArrowException, ValueError):  # a short row, a bad number, not UTF-8: neutralcore's reader says where
        return None
    out: dict[str, Any] = {}
    for h in header:  # a column at a time, each column's Arrow arrays let go once it is numpy
        column = table.column(h)
        table = table.drop_columns([h])
        if h == numeric:
            values = column.to_numpy()  # one chunk: Arrow's memory; several: one copy
            values.setflags(write=False)  # Arrow's memory or a copy made here: either way taken as a view
            out[h] = values
            continue
        if not column.num_chunks:
            out[h] = (np.zeros(0, dtype=np.int32), ())
            continue
        unified = pa.table({h: column}).unify_dictionaries().column(0)
        del column
        labels = tuple(unified.chunk(0).dictionary.to_pylist())
        indices = pa.chunked_array([c.indices for c in unified.chunks], type=pa.int32()).combine_chunks()
        del unified
        codes = indices.to_numpy(zero_copy_only=False)
        codes.setflags(write=False)  # an Arrow buffer (immutable) or a copy made here: taken as a view
        out[h] = (codes, labels)
    return out


def _polars_columns(data: bytes | Path, body: int, header: list[str], numeric: str) -> dict[str, Any] | None:
    pl = require("polars", "Inventory.read_csv(engine='polars')", "polars")
    try:
        df = pl.read_csv(data, has_header=False, skip_lines=1, quote_char=None, empty_string_is_null=False,
                         null_values=None, raise_if_empty=False,
                         schema={h: pl.Float64 if h == numeric else pl.Categorical for h in header})
    except Exception as exc:  # polars raises its own ComputeError, a short row an exception of another kind
        if type(exc).__module__.partition(".")[0] != "polars":
            raise
        return None
    # polars reads an empty Categorical field as null whatever empty_string_is_null says, and pads a short row
    # with nulls: a short row nulls the last column, so with no null there, a null is an empty field
    if df.get_column(header[-1]).null_count():
        return None
    out: dict[str, Any] = {}
    coder = first_seen(df.height)
    for h in header:
        s = df.get_column(h)
        if s.null_count():
            if h == numeric:
                return None
            s = s.fill_null("")
        if h == numeric:
            out[h] = np.asarray(s.to_numpy())
            out[h].setflags(write=False)
            continue
        # physical values index polars' process-wide categories: number the ones present by first appearance
        if coder is not None:  # one compiled pass over the physical values; each label read at its first row
            codes, first = coder(s.to_physical().to_numpy())
            codes.setflags(write=False)
            out[h] = (codes, tuple(s.gather(first).cast(pl.String).to_list()))
            df = df.drop(h)
            continue
        present = s.unique(maintain_order=True)
        ids = present.to_physical().to_numpy().astype(np.int64)
        table = np.zeros(int(ids.max()) + 1 if ids.size else 1, dtype=np.int32)
        table[ids] = np.arange(ids.size, dtype=np.int32)
        codes = gather(table, s.to_physical().to_numpy())
        codes.setflags(write=False)
        out[h] = (codes, tuple(present.cast(pl.String).to_list()))
        df = df.drop(h)
    return out
