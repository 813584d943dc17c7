"""What both importers share: activity keys from published names, strict numbers, file errors."""

from __future__ import annotations

import re
from typing import Mapping

from neutralcore._core.validators import ACTIVITY_RE
from neutralcore.errors import SchemaError

__all__ = ["slug", "activity_for", "number", "error"]


def slug(text: str) -> str:
    """A published name as one lowercase activity-key word: ``"Distillate Fuel Oil No. 2"`` -> ``distillate_fuel_oil_no_2``."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "unnamed"


def activity_for(name: str, default: str, activities: Mapping[str, str] | None, fname: str, line: int) -> str:
    """The activity key for a published name: the user's mapping if it has the name, else *default*."""
    key = (activities or {}).get(name, default)
    if not ACTIVITY_RE.match(key):
        raise error(fname, line, "activity", f"activity key {key!r} for {name!r} is not dotted lowercase words")
    return key


def number(fname: str, line: int, column: str, text: str) -> float | None:
    """A published number (thousands separators allowed), ``None`` for a blank cell (not available, never 0)."""
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError as exc:
        raise error(fname, line, column, f"{text!r} is not a number") from exc
    if not value >= 0 or value == float("inf"):
        raise error(fname, line, column, f"{text!r} must be finite and non-negative")
    return value


def error(fname: str, line: int, column: str, message: str) -> SchemaError:
    return SchemaError(f"line {line}: {message}", source=fname, column=column, line=line)
