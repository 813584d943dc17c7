"""One output mechanism for every subcommand: a :class:`Document` rendered as text, Markdown, HTML, JSON or CSV.

A document is a title, key facts (each a JSON value with a label for people),
named :class:`~neutralcore._core.table.Table` s and notes.  Text, Markdown and
HTML come from the one table renderer; JSON holds the facts, every row of every
table and the notes; CSV is the document's first table; every table is
written by :meth:`Table.to_json` and :meth:`Table.to_csv` (floats exact, text cells
neutralised against spreadsheet formulas).
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import math
import tempfile
from pathlib import Path
from typing import Any, Iterable, Sequence

import attrs
import numpy as np

from neutralcore._core.table import Table, markdown_escape
from neutralcore.errors import InputError

__all__ = ["FORMATS", "Fact", "Document", "render", "emit", "plain", "table_csv", "format_for", "table_of"]

FORMATS = ("text", "markdown", "html", "json", "csv")

_LABEL_WIDTH = 10

#: File extensions that choose a format for ``-o FILE`` when ``--format`` is not given.
_BY_EXTENSION = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html",
                 ".json": "json", ".csv": "csv"}


@attrs.frozen
class Fact:
    """One key fact: a JSON *key*, a *label* for people, the *value* and how it reads (*text*)."""

    key: str
    label: str
    value: Any
    text: str | None = None
    #: Shown in text under the aligned facts, on a line of its own (a headline figure such as the total).
    headline: bool = False

    def shown(self) -> str:
        if self.text is not None:
            return self.text
        if isinstance(self.value, float):
            return f"{self.value:,.3f}"
        return str(self.value)


def _facts(values: Iterable[Fact]) -> tuple[Fact, ...]:
    return tuple(values)


def _tables(values: Iterable[tuple[str, Table]]) -> tuple[tuple[str, Table], ...]:
    return tuple(values)


def _notes(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen
class Document:
    """What a subcommand prints: *title*, *facts*, named *tables* (the first is the CSV one) and *notes*.

    *text*, when given, is the plain-text rendering laid out by hand (the listings whose layout
    predates this module); every other format is built from the facts and tables.
    """

    title: str
    facts: tuple[Fact, ...] = attrs.field(default=(), converter=_facts)
    tables: tuple[tuple[str, Table], ...] = attrs.field(default=(), converter=_tables)
    notes: tuple[str, ...] = attrs.field(default=(), converter=_notes)
    text: str | None = None


def plain(value: Any) -> Any:
    """*value* as a JSON value: numpy scalars as Python numbers, NaN as ``null``, dates as ISO strings."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _rows(table: Table) -> list[dict[str, Any]]:
    return json.loads(table.to_json())  # type: ignore[no-any-return]


def table_csv(table: Table) -> str:
    """*table* as CSV text, by :meth:`Table.to_csv` (floats exact, formula cells neutralised)."""
    with tempfile.TemporaryDirectory() as where:
        path = Path(where) / "table.csv"
        table.to_csv(path)
        return path.read_text(encoding="utf-8")


def render(doc: Document, fmt: str) -> str:
    """*doc* in format *fmt* (one of :data:`FORMATS`)."""
    if fmt == "json":
        data = {
            "title": doc.title,
            "facts": {f.key: plain(f.value) for f in doc.facts},
            "tables": {name: _rows(t) for name, t in doc.tables},
            "notes": list(doc.notes),
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return table_csv(doc.tables[0][1]) if doc.tables else ""
    if fmt == "markdown":
        out = [f"# {markdown_escape(doc.title)}", ""]
        out += [f"- **{markdown_escape(f.label)}**: {markdown_escape(f.shown())}" for f in doc.facts]
        for _name, t in doc.tables:
            out += ["", t.to_markdown(max_rows=None)]
        out += [x for n in doc.notes for x in ("", markdown_escape(n))]
        return "\n".join(out) + "\n"
    if fmt == "html":
        e = html.escape
        facts = "".join(f"<dt>{e(f.label)}</dt><dd>{e(f.shown())}</dd>" for f in doc.facts)
        tables = "".join(t.to_html(max_rows=None) for _name, t in doc.tables)
        notes = "".join(f"<p>{e(n)}</p>" for n in doc.notes)
        return (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{e(doc.title)}</title></head>'
                f"<body><h1>{e(doc.title)}</h1><dl>{facts}</dl>{tables}{notes}</body></html>\n")
    if doc.text is not None:
        return doc.text.rstrip("\n") + "\n"
    out = [doc.title, ""] if doc.title else []
    out += [f"{(f.label + ':').ljust(_LABEL_WIDTH)} {f.shown()}" for f in doc.facts if not f.headline]
    headlines = [f"{f.label}: {f.shown()}" for f in doc.facts if f.headline]
    if headlines:
        out += ["", *headlines]
    for _name, t in doc.tables:
        out += ["", t.to_text(max_rows=None)]
    if doc.notes:
        out.append("")
        out += list(doc.notes)
    return "\n".join(out) + "\n"


def format_for(fmt: str | None, output: str | None) -> str:
    """The format asked for: ``--format``, else the extension of ``-o FILE``, else text."""
    if fmt is not None:
        return fmt
    if output:
        return _BY_EXTENSION.get(Path(output).suffix.lower(), "text")
    return "text"


def emit(doc: Document, fmt: str | None, output: str | None) -> None:
    """Print *doc*, or write it to *output* (atomically: a file beside it, renamed over it)."""
    chosen = format_for(fmt, output)
    if chosen == "csv" and output and output != "-" and doc.tables:
        try:
            doc.tables[0][1].to_csv(output)
        except OSError as exc:
            raise InputError(f"cannot write {output}: {exc.strerror or exc}", source=str(output)) from exc
        return
    text = render(doc, chosen)
    if not output or output == "-":
        print(text, end="")
        return
    target = Path(output)
    tmp = target.with_name(target.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"cannot write {output}: {exc.strerror or exc}", source=str(output)) from exc


def table_of(headers: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None) -> Table:
    """A :class:`Table` from a header and rows."""
    return Table.from_rows(headers, rows, title=title)
