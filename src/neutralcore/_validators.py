"""attrs validators and converters shared by the public value types."""

from __future__ import annotations

import math
import re
from typing import Any

from .errors import InputError, InvalidQuantityError

ACTIVITY_RE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
REGION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")


def activity_key(value: Any) -> str:
    """Converter+check: an activity key is dotted lowercase, e.g. ``fuel.diesel.stationary``."""
    if not isinstance(value, str) or not ACTIVITY_RE.match(value.strip()):
        raise InputError(
            f"activity key {value!r} is not dotted lowercase words (e.g. 'electricity.grid')", column="activity"
        )
    return value.strip()


def region_code(value: Any) -> str:
    if not isinstance(value, str) or not REGION_RE.match(value.strip()):
        raise InputError(f"region {value!r} is not a region code (e.g. 'VN', 'CN-JS', 'World')", column="region")
    return value.strip()


def year_int(value: Any) -> int:
    try:
        as_float = float(value)
    except (TypeError, ValueError):
        raise InputError(f"year {value!r} is not a whole number", column="year") from None
    if not as_float.is_integer() or not 1800 <= as_float <= 2300:
        raise InputError(f"year {value!r} is not a whole year between 1800 and 2300", column="year")
    return int(as_float)


def scope_int(value: Any) -> int:
    try:
        as_int = int(str(value).strip().lower().removeprefix("scope").strip())
    except (TypeError, ValueError):
        raise InputError(f"scope {value!r} is not 1, 2 or 3", column="scope") from None
    if as_int not in (1, 2, 3):
        raise InputError(f"scope {value!r} is not 1, 2 or 3", column="scope")
    return as_int


def finite_nonneg(value: Any, *, name: str = "quantity") -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InvalidQuantityError(f"{name} {value!r} is not a number", column=name) from None
    if not math.isfinite(x):
        raise InvalidQuantityError(f"{name} must be finite, got {value!r}", column=name)
    if x < 0:
        raise InvalidQuantityError(f"{name} must not be negative, got {value!r}", column=name)
    return x


def optional_str(value: Any) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    return s or None
