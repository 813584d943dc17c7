"""The compact notebook and console view of a result: a title, its key facts, and a few rows of one table.

Every ``__repr__`` / ``_repr_html_`` pair of a result or value type is built
here, and its table through the one :class:`~neutralcore._core.table.Table`
renderer, so each view is short (a title line, a handful of facts, at most
:data:`ROWS` rows) and every text in it is escaped.

Examples
--------
>>> from neutralcore._core.table import Table
>>> print(view_text("Balance: Acme Ltd", [("E", "12,000 t CO2e"), ("C", "8,000 t")]))
Balance: Acme Ltd
  E: 12,000 t CO2e
  C: 8,000 t
>>> view_html("A <b>", [("k", "v")])
'<div><strong>A &lt;b&gt;</strong><ul><li>k: v</li></ul></div>'
"""

from __future__ import annotations

import html
from typing import Sequence

from neutralcore._core.table import Table

__all__ = ["ROWS", "view_text", "view_html", "shorten"]

#: Rows of a table a compact view shows (the first and last half).
ROWS = 10


def shorten(text: object, width: int = 80) -> str:
    """*text* on one line, cut to *width* characters with an ellipsis."""
    one = " ".join(str(text).split())
    return one if len(one) <= width else one[: width - 1] + "…"


def view_text(title: str, facts: Sequence[tuple[str, str]] = (), table: Table | None = None,
              notes: Sequence[str] = (), *, rows: int = ROWS) -> str:
    """Plain text: the title, ``  key: value`` lines, the table (at most *rows* rows) and the notes."""
    out = [title, *(f"  {k}: {v}" for k, v in facts)]
    if table is not None:
        out.append(table.to_text(max_rows=rows))
    out += [f"- {n}" for n in notes]
    return "\n".join(out)


def view_html(title: str, facts: Sequence[tuple[str, str]] = (), table: Table | None = None,
              notes: Sequence[str] = (), *, rows: int = ROWS) -> str:
    """HTML: the title in bold, the facts as a list, the table (at most *rows* rows) and the notes; all escaped."""
    e = html.escape
    items = "".join(f"<li>{e(k)}: {e(v)}</li>" for k, v in facts)
    body = f"<ul>{items}</ul>" if items else ""
    if table is not None:
        body += table.to_html(max_rows=rows)
    body += "".join(f"<p>{e(n)}</p>" for n in notes)
    return f"<div><strong>{e(title)}</strong>{body}</div>"
