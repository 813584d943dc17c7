"""attrs converters of the offsets' fields, each raising :class:`~neutralcore.InputError` naming its column."""

from __future__ import annotations

import datetime as _dt
import enum
from typing import Any, Callable

from neutralcore._core.validators import optional_str
from neutralcore.errors import InputError

__all__ = ["enum_converter", "to_date", "to_int", "optional_str", "required_text"]


def enum_converter(cls: type[enum.Enum], column: str) -> Callable[[Any], Any]:
    """Converter to a member of *cls* (``None`` passes through)."""

    def convert(value: Any) -> Any:
        if value is None or isinstance(value, cls):
            return value
        try:
            return cls(value)
        except ValueError:
            raise InputError(
                f"expected one of {[m.value for m in cls]}, got {value!r}", column=column
            ) from None

    return convert


def to_date(column: str) -> Callable[[Any], Any]:
    """Converter to a :class:`datetime.date` from a date, datetime or ISO string (``None`` passes through)."""

    def convert(value: Any) -> Any:
        if value is None or (isinstance(value, _dt.date) and not isinstance(value, _dt.datetime)):
            return value
        if isinstance(value, _dt.datetime):
            return value.date()
        if isinstance(value, str):
            try:
                return _dt.date.fromisoformat(value)
            except ValueError:
                raise InputError(f"not an ISO date (YYYY-MM-DD): {value!r}", column=column) from None
        raise InputError(f"expected a date, got {type(value).__name__}", column=column)

    return convert


def to_int(column: str) -> Callable[[Any], int]:
    """Converter to an ``int`` from an int or a string of digits (not a bool, not a float)."""

    def convert(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise InputError(f"expected an integer, got {value!r}", column=column)
        try:
            return int(value)
        except ValueError:  # also Python's limit of 4,300 digits for int(str)
            text = str(value)
            shown = text if len(text) <= 40 else f"{text[:20]}... ({len(text):,} characters)"
            raise InputError(f"expected an integer, got {shown!r}", column=column) from None

    return convert


def required_text(column: str) -> Callable[[Any], str]:
    """Converter to a stripped, non-empty string."""

    def convert(value: Any) -> str:
        text = optional_str(value)
        if text is None:
            raise InputError("must be a non-empty string", column=column)
        return text

    return convert
