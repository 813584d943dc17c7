"""attrs validators and converters shared by the public value types."""

from __future__ import annotations

import math
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


#: The years neutralcore accepts, inclusive (data years, publication years, vintages): the one rule.
YEAR_MIN, YEAR_MAX = 1800, 2300


def year_int(value: Any) -> int:
    """Converter+check: a whole year from :data:`YEAR_MIN` to :data:`YEAR_MAX` (``2023``, ``2023.0``, ``"2023"``)."""
    if isinstance(value, bool):
        raise InputError(f"year {value!r} is not a whole number", column="year")
    try:
        as_float = float(value)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"year {value!r} is not a whole number", column="year") from None
    if not as_float.is_integer() or not YEAR_MIN <= as_float <= YEAR_MAX:
        raise InputError(f"year {value!r} is not a whole year between {YEAR_MIN} and {YEAR_MAX}", column="year")
    return int(as_float)


def years_out_of_range(years: np.ndarray) -> np.ndarray:
    """Boolean mask of the whole years in *years* outside :data:`YEAR_MIN`..:data:`YEAR_MAX` (the rule of :func:`year_int`)."""
    return (years < YEAR_MIN) | (years > YEAR_MAX)


def scope_int(value: Any) -> int:
    """Converter+check: GHG Protocol scope 1, 2 or 3, given as ``2``, ``2.0``, ``"2"``, ``"2.0"`` or ``"Scope 2"``."""
    if isinstance(value, bool):
        raise InputError(f"scope {value!r} is not 1, 2 or 3", column="scope")
    try:
        as_float = float(str(value).strip().lower().removeprefix("scope").strip())
    except (TypeError, ValueError):
        raise InputError(f"scope {value!r} is not 1, 2 or 3", column="scope") from None
    if as_float not in (1.0, 2.0, 3.0):
        raise InputError(f"scope {value!r} is not 1, 2 or 3", column="scope")
    return int(as_float)


def finite_nonneg(value: Any, *, name: str = "quantity") -> float:
    if isinstance(value, (bool, np.bool_)):
        raise InvalidQuantityError(f"{name} {value!r} is a truth value, not a number", column=name)
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
