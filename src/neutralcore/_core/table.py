"""The one table type and its renderer: text, Markdown and HTML, with dict and pandas export.

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
"""

from __future__ import annotations

import html
from typing import Any, Iterable, Iterator, Mapping, Sequence

import numpy as np

__all__ = ["Table", "cell_text", "fixed_point", "markdown_escape"]

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

    def to_pandas(self) -> Any:
        """A :class:`pandas.DataFrame` of the table (needs pandas: ``pip install neutralcore[pandas]``)."""
        try:
            import pandas as pd
        except ImportError as exc:
            from neutralcore.errors import MissingDependencyError

            raise MissingDependencyError(
                "to_pandas() needs pandas, which is not installed: pip install 'neutralcore[pandas]'",
                package="pandas", extra="pandas",
            ) from exc
        return pd.DataFrame({k: np.asarray(v) if isinstance(v, np.ndarray) else v for k, v in self._columns.items()})

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
