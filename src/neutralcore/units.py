"""The one pint registry of neutralcore, and unit conversion per distinct unit.

Quantities stay plain numpy magnitudes inside the library; pint is asked
once per *distinct* unit string for a multiplier, and the multipliers are
gathered onto rows with numpy.  The registry is built on first use, not at
import (a full ``UnitRegistry`` takes about 0.1 s to build).

Examples
--------
>>> from neutralcore.units import multiplier
>>> multiplier("kWh", "MWh")
0.001
"""

from __future__ import annotations

import functools
import math
import re
import threading
from typing import Any

import numpy as np

from neutralcore.errors import DimensionError, UnknownUnitError

__all__ = ["get_registry", "parse_unit", "multiplier", "dimension_of", "Quantity", "split_factor_unit"]

_lock = threading.Lock()
_AMBIGUOUS_TON = re.compile(r"(?<![A-Za-z_])tons?(?![A-Za-z_])")
_registry: Any = None

# Units the carbon-accounting world writes that pint's defaults do not define.
_EXTRA_DEFINITIONS = (
    "tonne_km = tonne * kilometer = tkm = t_km",
    "passenger_km = kilometer = pkm",
    "kilowatt_peak = kilowatt = kWp",
    "megawatt_peak = megawatt = MWp",
)


def get_registry() -> Any:
    """Return the library's single :class:`pint.UnitRegistry`, building it on first use."""
    global _registry
    if _registry is None:
        with _lock:
            if _registry is None:
                import pint

                reg: Any = pint.UnitRegistry(cache_folder=None)
                for line in _EXTRA_DEFINITIONS:
                    reg.define(line)
                _registry = reg
    return _registry


def Quantity(value: Any, unit: str) -> Any:  # noqa: N802 - mirrors pint's name
    """Build a Quantity of the library registry (whole arrays welcome)."""
    return get_registry().Quantity(value, unit)


@functools.lru_cache(maxsize=4096)
def parse_unit(unit: str) -> Any:
    """Return the pint ``Unit`` for *unit*, raising :class:`UnknownUnitError` if pint does not know it."""
    if not isinstance(unit, str) or not unit.strip():
        raise UnknownUnitError(f"unit must be a non-empty string, got {unit!r}", unit=unit)
    if unit.strip()[0].isdigit() or unit.strip()[0] in "+-.":
        raise UnknownUnitError(f"unit {unit!r} contains a number; give the number as the quantity", unit=unit)
    if _AMBIGUOUS_TON.search(unit):
        raise UnknownUnitError(
            f"unit {unit!r} is ambiguous: 'ton' means the US short ton (907.2 kg) in pint but a tonne to many "
            "readers; write 't' or 'tonne' (1,000 kg), 'short_ton' or 'long_ton'",
            unit=unit,
        )
    reg = get_registry()
    try:
        q = reg.Quantity(1.0, unit.strip())
    except Exception as exc:  # pint raises several types for unparseable strings
        raise UnknownUnitError(f"unknown unit {unit!r}", unit=unit) from exc
    if q.magnitude != 1.0:
        # e.g. "1000 kg": a number inside a unit string is not a unit
        raise UnknownUnitError(f"unit {unit!r} contains a number; give the number as the quantity", unit=unit)
    return q.units


@functools.lru_cache(maxsize=4096)
def dimension_of(unit: str) -> str:
    """Return pint's dimensionality of *unit* as a string, e.g. ``'[length] ** 3'``."""
    return str(parse_unit(unit).dimensionality)


@functools.lru_cache(maxsize=16384)
def multiplier(from_unit: str, to_unit: str) -> float:
    """Return the number that converts a magnitude in *from_unit* into *to_unit*.

    Raises
    ------
    UnknownUnitError
        If either unit is unknown.
    DimensionError
        If the two units measure different things (e.g. kWh and L).
    """
    src = parse_unit(from_unit)
    dst = parse_unit(to_unit)
    if src.dimensionality != dst.dimensionality:
        raise DimensionError(
            f"cannot convert {from_unit!r} ({src.dimensionality}) to {to_unit!r} ({dst.dimensionality})",
            unit=from_unit,
            expected=to_unit,
        )
    reg = get_registry()
    value = float(reg.Quantity(1.0, src).to(dst).magnitude)
    if src != dst and float(reg.Quantity(0.0, src).to(dst).magnitude) != 0.0:
        # an offset scale (degC, degF): converting it is not a multiplication, so no factor can apply
        raise DimensionError(
            f"{from_unit!r} cannot be converted to {to_unit!r} by a multiplier (an offset scale such as degC); "
            "use kelvin or delta_degC",
            unit=from_unit, expected=to_unit,
        )
    if not math.isfinite(value) or value <= 0.0:
        raise DimensionError(f"{from_unit!r} has no positive linear conversion to {to_unit!r}", unit=from_unit)
    return value


def multipliers(from_units: "list[str] | tuple[str, ...]", to_unit: str) -> np.ndarray:
    """Vector of :func:`multiplier` for each distinct unit in *from_units*."""
    return np.array([multiplier(u, to_unit) for u in from_units], dtype=np.float64)


@functools.lru_cache(maxsize=4096)
def split_factor_unit(unit: str) -> tuple[str, str, float]:
    """Split a factor unit ``"<mass>/<activity unit>"`` into its parts.

    Returns ``(mass_unit, per_unit, to_tonnes)`` where *to_tonnes* converts the
    mass unit to tonnes.

    >>> split_factor_unit("kg/TJ")
    ('kg', 'TJ', 0.001)
    """
    if not isinstance(unit, str) or "/" not in unit:
        raise UnknownUnitError(
            f"factor unit {unit!r} must be '<mass>/<activity unit>', e.g. 't/MWh' or 'kg/TJ'", unit=unit
        )
    mass, per = (part.strip() for part in unit.split("/", 1))
    if per.startswith("(") and per.endswith(")"):
        per = per[1:-1].strip()
    parse_unit(per)
    mass_unit = parse_unit(mass)
    if mass_unit.dimensionality != parse_unit("kg").dimensionality:
        raise DimensionError(
            f"factor unit {unit!r}: the numerator {mass!r} must be a mass (t, kg, g)", unit=unit, expected="mass"
        )
    return mass, per, multiplier(mass, "t")
