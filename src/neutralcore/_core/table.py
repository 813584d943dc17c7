"""The one table type and its renderer: text, Markdown and HTML, with dict, DataFrame, Arrow, CSV, JSON and Excel export.

Every table the package shows goes through :class:`Table`: a result's
``repr``, its notebook HTML, the command line's listings and the claim
report's Markdown and HTML.  Cells are formatted by :func:`cell_text`
(floats with thousands separators and at most four decimals, ``None`` as a
dash); numeric columns are right-aligned; HTML and Markdown escape every
cell, heading, title and note.

Examples
--------
>>> t = Table({"scope": [1, 2], "co2e_t": [1234.5, 0.25]}, title="By scope")
>>> print(t)
By scope
scope   co2e_t
-----  -------
    1  1,234.5
    2     0.25
>>> print(t.to_markdown())
By scope
<BLANKLINE>
| scope | co2e\\_t |
|---:|---:|
| 1 | 1,234.5 |
| 2 | 0.25 |
>>> Table.from_rows(("name",), [("<b>",)]).to_html()
'<table><thead><tr><th>name</th></tr></thead><tbody><tr><td>&lt;b&gt;</td></tr></tbody></table>'

Every table converts the same way, each column to one fixed type
(:meth:`Table.column_types`): numbers in tonnes stay ``float64``, whole-number
keys (scope, year) ``int64``, labels text, so a ``by()`` table has the same
dtypes whatever its rows.

>>> t.column_types()
{'scope': 'int', 'co2e_t': 'float'}
>>> t.to_json()
'[{"scope": 1, "co2e_t": 1234.5}, {"scope": 2, "co2e_t": 0.25}]'
"""

from __future__ import annotations

import datetime
import html
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Literal, Mapping, Sequence

import numpy as np

from neutralcore._core.categorical import factorize
from neutralcore._core.csvrows import write_csv
from neutralcore._core.frames import require

if TYPE_CHECKING:
    import pandas
    import polars
    import pyarrow

#: The type each column converts to: float64, int64, bool, text, or Python objects (dates, mixed).
ColumnType = Literal["float", "int", "bool", "str", "object"]

__all__ = ["Table", "ColumnType", "cell_text", "fixed_point", "markdown_escape"]

_MAX_ROWS = 20
_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]|#"})
_RIGHT = ' style="text-align:right"'


def fixed_point(value: float, places: int) -> str:
    """*value* with thousands separators and at most *places* decimals, trailing zeros dropped.

    >>> fixed_point(11500.0, 3), fixed_point(0.1236, 3), fixed_point(-0.0001, 3)
    ('11,500', '0.124', '0')
    """
    text = f"{value:,.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def cell_text(value: object) -> str:
    """How a table shows *value*: ``None`` as a dash, NaN as blank, floats by :func:`fixed_point` to 4 decimals."""
    if value is None:
        return "—"
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if v != v:
            return ""
        if v == 0:
            return "0"
        if abs(v) >= 1e12 or abs(v) < 1e-3:
            return f"{v:.4g}"
        return fixed_point(v, 4)
    return str(value)


def markdown_escape(text: object) -> str:
    """*text* on one line with no raw HTML and no Markdown markup, safe in a paragraph or a table cell.

    >>> markdown_escape("a | <b>_x_</b>\\nnext")
    'a \\\\| &lt;b&gt;\\\\_x\\\\_&lt;/b&gt; next'
    """
    one_line = " ".join(str(text).split())
    return html.escape(one_line, quote=False).translate(_MD_SPECIAL)


class Table:
    """Named columns of equal length.  ``len``, iteration over row dicts,
    ``table["column"]``, :meth:`to_dicts`, :meth:`to_pandas`; prints as text and
    shows as HTML in notebooks, truncated to the first and last rows.

    Parameters
    ----------
    columns : mapping of str to sequence
        Column name to values (lists or numpy arrays of one length).
    title : str, optional
        Shown above the table (a caption in HTML).
    right : iterable of str, optional
        Columns to right-align; by default those holding numbers.
    """

    def __init__(
        self, columns: Mapping[str, Any], *, title: str | None = None, right: Iterable[str] | None = None
    ) -> None:
        self._columns = {k: list(v) if not isinstance(v, np.ndarray) else v for k, v in columns.items()}
        lengths = {len(v) for v in self._columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns of unequal length: {lengths}")
        self._n = lengths.pop() if lengths else 0
        self.title = title
        self._right = None if right is None else frozenset(right)

    @classmethod
    def from_rows(
        cls,
        headers: Sequence[str],
        rows: Iterable[Sequence[object]],
        *,
        title: str | None = None,
        right: Iterable[str] | None = None,
    ) -> "Table":
        """A table from a header and rows of cells (each row as long as the header).

        Raises
        ------
        ValueError
            When two headers are equal or a row has another length.
        """
        if len(set(headers)) != len(headers):
            raise ValueError(f"column names repeat: {list(headers)}")
        data = [tuple(r) for r in rows]
        for i, r in enumerate(data):
            if len(r) != len(headers):
                raise ValueError(f"row {i} has {len(r)} cells for {len(headers)} columns")
        return cls({h: [r[j] for r in data] for j, h in enumerate(headers)}, title=title, right=right)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self._columns)

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, name: str) -> Any:
        return self._columns[name]

    def row(self, i: int) -> dict[str, Any]:
        return {k: (v[i].item() if isinstance(v, np.ndarray) else v[i]) for k, v in self._columns.items()}

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (self.row(i) for i in range(self._n))

    def to_dicts(self) -> list[dict[str, Any]]:
        return list(self)

    # -- conversion -----------------------------------------------------------------

    def column_types(self) -> dict[str, ColumnType]:
        """Each column's type in every conversion: ``float`` (float64), ``int`` (int64), ``bool``, ``str`` or ``object``.

        A numpy column has its dtype's kind; a list is ``int`` when its values are
        whole numbers (Python or numpy ints), ``float`` when numbers with a float
        among them, ``bool`` or ``str`` when all are, ``object`` otherwise.
        ``None`` is a missing value of any type (a null; NaN in a float column).
        """
        return {name: _column_type(values, _types(values)) for name, values in self._columns.items()}

    def _typed(self) -> Iterator[tuple[str, ColumnType, Any]]:
        """(name, type, values): numpy arrays for numbers without a missing value, lists otherwise."""
        for name, values in self._columns.items():
            present = _types(values)
            kind = _column_type(values, present)
            if isinstance(values, np.ndarray):
                if kind == "object":
                    values = values.tolist()
                elif kind == "str":
                    values = [str(v) for v in values.tolist()]
                yield name, kind, values
            elif kind in ("float", "int", "bool") and type(None) not in present:
                yield name, kind, np.asarray(values, dtype={"float": np.float64, "int": np.int64, "bool": bool}[kind])
            elif kind == "float":
                yield name, kind, np.array([np.nan if v is None else v for v in values], dtype=np.float64)
            elif any(issubclass(t, np.generic) for t in present):
                yield name, kind, [v.item() if isinstance(v, np.generic) else v for v in values]
            else:
                yield name, kind, values

    def to_pandas(self) -> "pandas.DataFrame":
        """A :class:`pandas.DataFrame` of the table (needs pandas: ``pip install 'neutralcore[pandas]'``).

        Column types by :meth:`column_types`: float64, int64 (nullable ``Int64``
        where a value is missing), bool, text and object; the title is kept in
        ``DataFrame.attrs["title"]``.
        """
        pd = require("pandas", "Table.to_pandas()")
        data: dict[str, Any] = {}
        for name, kind, values in self._typed():
            if kind == "int" and not isinstance(values, np.ndarray):
                data[name] = pd.array(values, dtype="Int64")
            elif kind == "bool" and not isinstance(values, np.ndarray):
                data[name] = pd.array(values, dtype="boolean")
            elif kind == "object":
                arr = np.empty(len(values), dtype=object)
                arr[:] = values
                data[name] = arr
            else:
                data[name] = values
        df = pd.DataFrame(data, index=pd.RangeIndex(self._n))
        if self.title:
            df.attrs["title"] = self.title
        return df

    def to_polars(self) -> "polars.DataFrame":
        """A :class:`polars.DataFrame` of the table (needs polars: ``pip install 'neutralcore[polars]'``).

        ``Float64``, ``Int64``, ``Boolean`` and ``String`` columns by :meth:`column_types`
        (a missing value a null); other values as polars infers them.
        """
        pl = require("polars", "Table.to_polars()")
        dtypes = {"float": pl.Float64, "int": pl.Int64, "bool": pl.Boolean, "str": pl.String}
        series = []
        for name, kind, values in self._typed():
            if kind == "object":
                series.append(pl.Series(name, values, strict=False))
            else:
                series.append(pl.Series(name, values, dtype=dtypes[kind]))
        return pl.DataFrame(series) if series else pl.DataFrame()

    def to_arrow(self) -> "pyarrow.Table":
        """A ``pyarrow.Table`` of the table (needs pyarrow: ``pip install 'neutralcore[arrow]'``).

        ``float64``, ``int64``, ``bool`` and ``string`` columns by :meth:`column_types`
        (a missing value a null); the title in the schema metadata under ``title``.
        """
        pa = require("pyarrow", "Table.to_arrow()")
        types = {"float": pa.float64(), "int": pa.int64(), "bool": pa.bool_(), "str": pa.string()}
        arrays, names = [], []
        for name, kind, values in self._typed():
            if kind == "object":
                try:
                    arrays.append(pa.array(values))
                except (pa.ArrowInvalid, pa.ArrowTypeError):
                    arrays.append(pa.array([None if v is None else str(v) for v in values], pa.string()))
            else:
                arrays.append(pa.array(values, type=types[kind]))
            names.append(name)
        meta = {"title": self.title} if self.title else None
        return pa.Table.from_arrays(arrays, names=names, metadata=meta)

    def to_csv(self, path: str | Path) -> None:
        """Write the table to CSV through the one CSV writer (:func:`neutralcore._core.csvrows.write_csv`).

        One header row, then one row per table row; floats are written exactly
        (``repr``), a missing value as an empty cell, and a text cell a
        spreadsheet would run as a formula is written with a leading ``'``.
        The file is replaced only once it is completely written.
        """
        columns: list[Any] = []
        for _name, kind, values in self._typed():
            if isinstance(values, np.ndarray) and kind in ("float", "int"):
                columns.append(values)
            else:
                cat = factorize([None if v is None else (v if kind == "str" else _text(v)) for v in values])
                columns.append((cat.codes, cat.categories))
        write_csv(path, self.columns, columns)

    def to_json(self, path: str | Path | None = None, *, indent: int | None = None) -> str:
        """The rows as a JSON array of objects (``orient="records"``), written to *path* if given.

        Numbers stay numbers (floats exactly, by ``repr``), a missing value or NaN is
        ``null``, dates are ISO 8601 text and other objects their ``str``.
        """
        typed = list(self._typed())
        records = [{name: _json_value(values[i], kind) for name, kind, values in typed}
                   for i in range(self._n)]
        text = json.dumps(records, indent=indent, ensure_ascii=False, allow_nan=False)
        if path is not None:
            _atomic_write(Path(path), lambda fh: fh.write(text + "\n"), mode="w")
        return text

    def to_excel(self, path: str | Path, *, sheet: str = "Sheet1") -> None:
        """Write the table to an ``.xlsx`` workbook, one sheet (needs openpyxl: ``pip install 'neutralcore[excel]'``).

        The header is row 1; numbers are stored as numbers, a missing value as
        an empty cell, and text as text, even text starting with ``=`` (never a
        formula).  Rows are streamed (openpyxl's write-only mode); the file is
        replaced only once it is completely written.
        """
        openpyxl = require("openpyxl", "Table.to_excel()", "excel")
        cell_mod = require("openpyxl.cell", "Table.to_excel()", "excel")
        book = openpyxl.Workbook(write_only=True)
        ws = book.create_sheet(sheet)
        typed = list(self._typed())
        ws.append([_excel_text(ws, cell_mod, str(name)) for name in self.columns])
        cols = [values.tolist() if isinstance(values, np.ndarray) else values for _n, _k, values in typed]
        kinds = [kind for _n, kind, _v in typed]
        for row in zip(*cols):
            ws.append([_excel_cell(ws, cell_mod, v, k) for v, k in zip(row, kinds)])
        _atomic_write(Path(path), book.save, mode=None)

    # -- rendering ------------------------------------------------------------------

    def _numeric(self) -> list[bool]:
        if self._right is not None:
            return [k in self._right for k in self._columns]
        return [isinstance(v, np.ndarray) or all(isinstance(x, (int, float)) for x in v[:5])
                for v in self._columns.values()]

    def _cells(self, max_rows: int | None) -> tuple[list[list[str] | None], bool]:
        """Formatted rows (``None`` marks the elided middle) and whether rows were left out."""
        n = self._n
        if max_rows is None or n <= max_rows:
            shown: list[int | None] = list(range(n))
        else:
            half = max_rows // 2
            shown = list(range(half)) + [None] + list(range(n - half, n))
        cols = list(self._columns.values())
        return [None if i is None else [cell_text(c[i]) for c in cols] for i in shown], len(shown) < n

    def _title(self, title: str | None) -> str:
        return (self.title or "") if title is None else title

    def to_text(self, *, max_rows: int | None = _MAX_ROWS, title: str | None = None, notes: Sequence[str] = ()) -> str:
        """Plain text: title, header, a rule, the rows (numbers right-aligned), then *notes*.

        Parameters
        ----------
        max_rows : int, optional
            Show the first and last ``max_rows // 2`` rows of a longer table
            and its row count; ``None`` shows every row.
        title : str, optional
            Replaces the table's title; ``""`` shows none.
        notes : sequence of str
            Lines printed after the table.
        """
        names = list(self._columns)
        cells, cut = self._cells(max_rows)
        rows = [r if r is not None else ["…"] * len(names) for r in cells]
        widths = [max([len(n)] + [len(r[j]) for r in rows]) for j, n in enumerate(names)]
        numeric = self._numeric()

        def line(row: Sequence[str]) -> str:
            return "  ".join(c.rjust(w) if num else c.ljust(w) for c, w, num in zip(row, widths, numeric)).rstrip()

        head = self._title(title)
        out = [head] if head else []
        out.append(line(names))
        out.append("  ".join("-" * w for w in widths))
        out.extend(line(r) for r in rows)
        if cut:
            out.append(f"[{self._n} rows]")
        out.extend(notes)
        return "\n".join(out)

    def to_markdown(self, *, max_rows: int | None = None, title: str | None = None, notes: Sequence[str] = ()) -> str:
        """A Markdown table (numbers right-aligned), every cell escaped; title and notes as paragraphs."""
        names = list(self._columns)
        cells, cut = self._cells(max_rows)
        out = []
        head = self._title(title)
        if head:
            out += [markdown_escape(head), ""]
        out.append("| " + " | ".join(markdown_escape(n) for n in names) + " |")
        out.append("|" + "".join("---:|" if num else "---|" for num in self._numeric()))
        out += ["| " + " | ".join(markdown_escape(c) for c in (r if r is not None else ["…"] * len(names))) + " |"
                for r in cells]
        if cut:
            notes = [f"{self._n} rows", *notes]
        for note in notes:
            out += ["", markdown_escape(note)]
        return "\n".join(out)

    def to_html(self, *, max_rows: int | None = _MAX_ROWS, title: str | None = None, notes: Sequence[str] = ()) -> str:
        """An HTML table (numbers right-aligned), every cell, heading, caption and note escaped."""
        e = html.escape
        names = list(self._columns)
        numeric = self._numeric()
        cells, cut = self._cells(max_rows)
        head = "".join(f"<th{_RIGHT if num else ''}>{e(n)}</th>" for n, num in zip(names, numeric))
        body = "".join(
            "<tr>" + "".join(f"<td{_RIGHT if num else ''}>{e(c)}</td>"
                             for c, num in zip(r if r is not None else ["…"] * len(names), numeric)) + "</tr>"
            for r in cells
        )
        caption = self._title(title)
        cap = f"<caption>{e(caption)}</caption>" if caption else ""
        more = [f"{self._n} rows"] if cut else []
        after = "".join(f"<p>{e(n)}</p>" for n in [*more, *notes])
        return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{after}"

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        return self.to_html()


def _types(values: Any) -> set[type]:
    """The types of a list column's values (``NoneType`` among them for a missing value); empty for an array."""
    return set() if isinstance(values, np.ndarray) else set(map(type, values))


def _column_type(values: Any, types: set[type]) -> ColumnType:
    if isinstance(values, np.ndarray):
        kind = values.dtype.kind
        if kind == "f":
            return "float"
        if kind in "iu":
            return "int"
        if kind == "b":
            return "bool"
        if kind == "U":
            return "str"
        types = set(map(type, values.tolist()))
    present = types - {type(None)}
    if not present:
        return "float" if len(values) else "str"
    if present <= {bool, np.bool_}:
        return "bool"
    ints = {t for t in present if issubclass(t, (int, np.integer)) and not issubclass(t, (bool, np.bool_))}
    if present == ints:
        return "int"
    if present <= ints | {t for t in present if issubclass(t, (float, np.floating))}:
        return "float"
    if present == {str}:
        return "str"
    return "object"


def _text(value: Any) -> str:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


def _json_value(value: Any, kind: ColumnType) -> Any:
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, (bool, int, str)):
        return value
    return _text(value)


def _excel_text(ws: Any, cell_mod: Any, text: str) -> Any:
    if text.startswith("="):  # openpyxl would store it as a formula
        cell = cell_mod.WriteOnlyCell(ws, value=text)
        cell.data_type = "s"
        return cell
    return text


def _excel_cell(ws: Any, cell_mod: Any, value: Any, kind: ColumnType) -> Any:
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str):
        return _excel_text(ws, cell_mod, value)
    if isinstance(value, (bool, int, float, datetime.date, datetime.datetime)):
        return value
    return _excel_text(ws, cell_mod, str(value))


def _atomic_write(target: Path, write: Any, *, mode: str | None) -> None:
    """Write through a temporary file beside *target*, renamed over it once complete."""
    tmp = target.with_name(target.name + ".tmp")
    try:
        if mode is None:
            write(tmp)
        else:
            with open(tmp, mode, encoding="utf-8", newline="") as fh:
                write(fh)
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
