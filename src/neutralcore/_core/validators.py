"""attrs validators and converters shared by the public value types."""

from __future__ import annotations

import decimal
import math
import numbers
import re
from typing import Any, Iterator, Mapping

import numpy as np

from neutralcore.errors import InputError, InvalidQuantityError

ACTIVITY_RE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
REGION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")


class FrozenMap(Mapping):
    """A read-only mapping that, unlike ``types.MappingProxyType``, pickles and hashes.

    Used for mapping fields of the frozen value types (``Activity.tags``,
    ``Factor.gases``, ``FactorSet.regions``) so those objects can be pickled,
    sent to worker processes and used as dict keys.
    """

    __slots__ = ("_data", "_hash")
    _data: dict[Any, Any]
    _hash: int | None

    def __init__(self, data: Any = ()) -> None:
        object.__setattr__(self, "_data", dict(data))
        object.__setattr__(self, "_hash", None)

    def __getitem__(self, key: Any) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: Any) -> bool:
        return key in self._data

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __hash__(self) -> int:
        cached = self._hash
        if cached is None:
            cached = hash(frozenset(self._data.items()))
            object.__setattr__(self, "_hash", cached)
        return cached

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, FrozenMap):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other)
        return NotImplemented

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMap, (self._data,))

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"


def activity_key(value: Any) -> str:
    """Converter+check: an activity key is dotted lowercase, e.g. ``fuel.diesel.stationary``."""
    if not isinstance(value, str) or not ACTIVITY_RE.match(value.strip()):
        raise InputError(
            f"activity key {value!r} is not dotted lowercase words (e.g. 'electricity.grid')", column="activity"
        )
    return value.strip()


def region_code(value: Any) -> str:
    """Converter+check: a region code, canonicalised.

    Region codes are case-insensitive: ISO codes and pack-defined codes are
    upper-cased (``"vn"`` → ``"VN"``, ``"cn-js"`` → ``"CN-JS"``) and any
    spelling of ``world`` becomes ``"World"``.  Activities, inventories,
    factors, factor files and region hierarchies all go through this, so
    ``"vn"`` in an inventory matches a factor for ``"VN"``.
    """
    if not isinstance(value, str) or not REGION_RE.match(value.strip()):
        raise InputError(f"region {value!r} is not a region code (e.g. 'VN', 'CN-JS', 'World')", column="region")
    code = value.strip().upper()
    return "World" if code == "WORLD" else code


#: A year or scope written as text: ASCII digits, optionally ".0" (as spreadsheets write whole numbers).
_WHOLE_TEXT = re.compile(r"\s*([0-9]+)(?:\.0*)?\s*", re.ASCII)
_SCOPE_TEXT = re.compile(r"\s*(?:scope\s*)?([0-9]+)(?:\.0*)?\s*", re.ASCII | re.IGNORECASE)


def _whole(value: Any, pattern: re.Pattern[str]) -> int | None:
    """*value* as a whole number, or None: text must match *pattern*, numbers must be integral; no bools."""
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, str):
        m = pattern.fullmatch(value)
        return int(m.group(1)) if m else None
    if not isinstance(value, (numbers.Real, decimal.Decimal, np.number)) or isinstance(value, np.complexfloating):
        return None
    try:
        as_float = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return int(as_float) if math.isfinite(as_float) and as_float.is_integer() else None


def year_number(value: Any) -> int:
    """Converter+check: a year as a whole number (``2023``, ``2023.0``, ``"2023"``); not range-checked.

    Refused: truth values, ``"2e3"``, ``"2_023"``, non-ASCII digits, NaN and anything that is not a number.
    """
    year = _whole(value, _WHOLE_TEXT)
    if year is None:
        raise InputError(f"year {_short(value)} is not a whole number written with digits 0-9 (e.g. 2023)",
                         column="year")
    return year


def year_int(value: Any) -> int:
    year = year_number(value)
    if not 1800 <= year <= 2300:
        raise InputError(f"year {_short(value)} is not a whole year between 1800 and 2300", column="year")
    return year


def scope_int(value: Any) -> int:
    """Converter+check: GHG Protocol scope 1, 2 or 3, given as ``2``, ``2.0``, ``"2"``, ``"2.0"`` or ``"Scope 2"``."""
    scope = _whole(value, _SCOPE_TEXT)
    if scope not in (1, 2, 3):
        raise InputError(f"scope {_short(value)} is not 1, 2 or 3", column="scope")
    return scope


def quantity_problem(value: Any) -> str | None:
    """Why *value* is not a plain number as a quantity, or None (range and finiteness are checked elsewhere).

    Numbers (``int``, ``float``, numpy numbers, ``Decimal``, ``Fraction``) and decimal text in ASCII
    (``"12.5"``, ``" 3e2 "``) pass; truth values, ``None``, ``"1_000"``, non-ASCII digits, bytes, dates and
    complex numbers do not.
    """
    if isinstance(value, (bool, np.bool_)):
        return "is a truth value, not a number"
    if value is None:
        return "is missing"
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return "is empty"
        if not text.isascii():
            return "has characters other than ASCII digits, '.', '-', '+' and 'e'"
        if "_" in text:
            return "has '_' in it (write 1000, not 1_000)"
        try:
            float(text)
        except ValueError:
            return "is not a number"
        return None
    if isinstance(value, (numbers.Real, decimal.Decimal, np.integer, np.floating)):
        try:
            float(value)
        except OverflowError:
            return "is too large for a float"
        except (TypeError, ValueError):
            return "is not a number"
        return None
    return f"is a {type(value).__name__}, not a number"


def finite_nonneg(value: Any, *, name: str = "quantity") -> float:
    why = quantity_problem(value)
    if why is not None:
        raise InvalidQuantityError(f"{name} {_short(value)} {why}", column=name)
    x = float(value)
    if not math.isfinite(x):
        raise InvalidQuantityError(f"{name} must be finite, got {value!r}", column=name)
    if x < 0:
        raise InvalidQuantityError(f"{name} must not be negative, got {value!r}", column=name)
    return x + 0.0  # -0 is 0


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def optional_str(value: Any) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    return s or None
