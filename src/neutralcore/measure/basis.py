"""The one vocabulary of reporting bases: scope numbers and the scope 2 method.

Every module that takes or reports a scope 2 method normalises it here, with
:func:`scope2_method`; every scope is an ``int`` 1, 2 or 3 (:data:`Scope`).
Results in tonnes are plain ``float`` values in tonnes (t CO2e for CO2e, t of
the gas for a gas mass); a name or column header says which.

Examples
--------
>>> scope2_method("Market-based")
'market'
>>> scope2_method(None)
'location'
"""

from __future__ import annotations

from typing import Literal

from neutralcore.errors import InputError

__all__ = ["Scope", "SCOPES", "Scope2Method", "SCOPE2_METHODS", "scope2_method"]

#: A GHG Protocol scope: 1 (direct), 2 (purchased energy) or 3 (other indirect).
Scope = Literal[1, 2, 3]
SCOPES: tuple[Scope, ...] = (1, 2, 3)

#: The two scope 2 methods of the GHG Protocol Scope 2 Guidance (2015), chapter 4.
Scope2Method = Literal["location", "market"]
SCOPE2_METHODS: tuple[Scope2Method, ...] = ("location", "market")

_SPELLINGS: dict[str, Scope2Method] = {
    "location": "location",
    "location-based": "location",
    "location_based": "location",
    "market": "market",
    "market-based": "market",
    "market_based": "market",
}


def scope2_method(value: str | None, *, column: str = "scope2") -> Scope2Method:
    """The scope 2 method *value* names: ``"location"`` or ``"market"``.

    Accepts either word, with or without ``-based`` (any case); ``None`` means
    the location-based method, the GHG Protocol's default figure.

    Raises
    ------
    InputError
        For anything else, naming *column*.
    """
    if value is None:
        return "location"
    if isinstance(value, str):
        method = _SPELLINGS.get(value.strip().lower())
        if method is not None:
            return method
    raise InputError(f"the scope 2 method must be 'location' or 'market', got {value!r}", column=column)
