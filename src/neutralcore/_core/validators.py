"""attrs validators and converters shared by the public value types, and the quantity column's converter."""

from __future__ import annotations

import decimal
import math
import numbers
import re
from typing import Any, Iterator, Mapping, Sequence

import numpy as np

from neutralcore.errors import InputError, InvalidQuantityError, SchemaError

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
    """Converter+check: a whole year from :data:`YEAR_MIN` to :data:`YEAR_MAX` (``2023``, ``2023.0``, ``"2023"``)."""
    year = year_number(value)
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise InputError(f"year {_short(value)} is not a whole year between {YEAR_MIN} and {YEAR_MAX}", column="year")
    return year


def years_out_of_range(years: np.ndarray) -> np.ndarray:
    """Boolean mask of the whole years in *years* outside :data:`YEAR_MIN`..:data:`YEAR_MAX` (the rule of :func:`year_int`)."""
    return (years < YEAR_MIN) | (years > YEAR_MAX)


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


def finite_fraction(value: Any, *, name: str, meaning: str = "a fraction from 0 to 1") -> float:
    """:func:`finite_nonneg`, and at most 1; *meaning* says in the error what the fraction is of."""
    x = finite_nonneg(value, name=name)
    if x > 1:
        raise InputError(f"{name} is {meaning}, got {value!r}", column=name)
    return x


#: Python types whose values are plain numbers as quantities; any other type in a list is looked at row by row.
_NUMBER_TYPES = frozenset({float, int, np.float64, np.float32, np.int64, np.int32})


def _quantity_error(values: Sequence[Any], labels: Sequence[int] | np.ndarray | None,
                    source: str | None) -> InvalidQuantityError:
    """The error for a quantity column that is not all plain numbers, naming the first rows at fault."""
    bad: list[int] = []
    reasons: list[str] = []
    for i, v in enumerate(values):
        why = quantity_problem(v)
        if why is not None:
            bad.append(_row_names([i], labels)[0])
            reasons.append(f"quantity {v!r} {why}" if len(repr(v)) <= 40 else f"quantity {why}")
            if len(bad) >= 10:
                break
    if not reasons:
        return InvalidQuantityError("quantity is not a number", column="quantity", source=source)
    what = "quantity is empty" if all(r.endswith(" is empty") for r in reasons) else reasons[0]
    return InvalidQuantityError(what, column="quantity", rows=bad, source=source)


def quantity_column(q_in: Any, labels: Sequence[int] | np.ndarray | None, source: str | None) -> np.ndarray:
    """A quantity column as a 1-D float64 array, or a typed error naming the rows (docs/measure.md, Input values).

    *labels* are the rows' names in errors (a file's line numbers), *source* the file.  Finiteness and sign
    are left to the caller, which checks them on the whole array.
    """
    if np.isscalar(q_in) or q_in is None:
        raise SchemaError("quantity must be a column, not a scalar", column="quantity", source=source)
    if isinstance(q_in, np.ma.MaskedArray):
        masked = np.ma.getmaskarray(q_in).reshape(-1)
        if masked.any():
            raise InvalidQuantityError("quantity is masked (a missing value)", column="quantity",
                                       rows=_row_names(np.flatnonzero(masked)[:10].tolist(), labels), source=source)
        q_in = np.ma.getdata(q_in)
    if not isinstance(q_in, (list, tuple, np.ndarray)) and not hasattr(q_in, "__array__"):
        q_in = list(q_in)  # a generator or other iterable: read it once
    if isinstance(q_in, np.ndarray) and q_in.dtype.kind in "bcmMSV":
        raise InvalidQuantityError(f"quantity must be real numbers, got an array of {q_in.dtype}",
                                   column="quantity", source=source)
    if isinstance(q_in, np.ndarray) and q_in.dtype.kind in "OU":
        q_in = q_in.tolist()
    if isinstance(q_in, (list, tuple)):
        kinds = set(map(type, q_in))
        if not kinds <= _NUMBER_TYPES:
            texts = q_in if kinds == {str} else [v for v in q_in if type(v) is str] if str in kinds else []
            joined = "".join(texts)
            if (kinds - _NUMBER_TYPES - {str}) or not joined.isascii() or "_" in joined:
                if any(quantity_problem(v) is not None for v in q_in):
                    raise _quantity_error(q_in, labels, source)
    try:
        quantity = np.array(q_in, dtype=np.float64)
    except (TypeError, ValueError, OverflowError) as exc:
        raise _quantity_error(list(q_in), labels, source) from exc
    if quantity.ndim != 1:
        raise SchemaError(f"quantity must be one column (1-D), got shape {quantity.shape}", column="quantity",
                          source=source)
    return quantity


def _row_names(positions: list[int], labels: Sequence[int] | np.ndarray | None) -> list[int]:
    return positions if labels is None else [int(labels[i]) for i in positions]


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def optional_str(value: Any) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    return s or None
