"""A small read-only table for results: text and HTML display, dict and pandas export."""

from __future__ import annotations

import html
from typing import Any, Iterator, Mapping, Sequence

import numpy as np

__all__ = ["Table"]

_MAX_ROWS = 20


def _fmt(value: Any) -> str:
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
        return f"{v:,.4f}".rstrip("0").rstrip(".")
    return str(value)


class Table:
    """Named columns of equal length.  ``len``, iteration over row dicts,
    ``table["column"]``, :meth:`to_dicts`, :meth:`to_pandas`; prints as text and
    shows as HTML in notebooks, truncated to the first and last rows.
    """

    def __init__(self, columns: Mapping[str, Any], *, title: str | None = None) -> None:
        self._columns = {k: list(v) if not isinstance(v, np.ndarray) else v for k, v in columns.items()}
        lengths = {len(v) for v in self._columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns of unequal length: {lengths}")
        self._n = lengths.pop() if lengths else 0
        self.title = title

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

    def _shown(self) -> list[int | None]:
        if self._n <= _MAX_ROWS:
            return list(range(self._n))
        half = _MAX_ROWS // 2
        return list(range(half)) + [None] + list(range(self._n - half, self._n))

    def __repr__(self) -> str:
        names = list(self._columns)
        rows = [[_fmt(self._columns[k][i]) if i is not None else "…" for k in names] for i in self._shown()]
        widths = [max([len(n)] + [len(r[j]) for r in rows]) for j, n in enumerate(names)]
        numeric = [
            isinstance(self._columns[k], np.ndarray) or all(isinstance(x, (int, float)) for x in list(self._columns[k])[:5])
            for k in names
        ]
        def line(cells: Sequence[str]) -> str:
            return "  ".join(c.rjust(w) if num else c.ljust(w) for c, w, num in zip(cells, widths, numeric)).rstrip()
        out = []
        if self.title:
            out.append(self.title)
        out.append(line(names))
        out.append("  ".join("-" * w for w in widths))
        out.extend(line(r) for r in rows)
        if self._n > _MAX_ROWS:
            out.append(f"[{self._n} rows]")
        return "\n".join(out)

    def _repr_html_(self) -> str:
        names = list(self._columns)
        head = "".join(f"<th>{html.escape(n)}</th>" for n in names)
        body = []
        for i in self._shown():
            if i is None:
                body.append("<tr>" + "".join("<td>…</td>" for _ in names) + "</tr>")
            else:
                body.append("<tr>" + "".join(f"<td>{html.escape(_fmt(self._columns[k][i]))}</td>" for k in names) + "</tr>")
        cap = f"<caption>{html.escape(self.title)}</caption>" if self.title else ""
        more = f"<p>{self._n} rows</p>" if self._n > _MAX_ROWS else ""
        return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}"
