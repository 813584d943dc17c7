"""Reading a ``neutralcore.Emissions`` result (or a look-alike) into the figures of a balance.

Duck-typed, so the claim step needs no measuring machinery: a total read in
tonnes, scope rows, and which Scope 2 figure the result holds.
"""

from __future__ import annotations

import math
import numbers
import re
from typing import Iterable, Mapping, Protocol, Union

import attrs

from neutralcore.errors import ClaimError, InputError
from neutralcore.measure.basis import Scope2Method

__all__ = ["EmissionsResult", "ScopeRows", "SeparateGas", "tonnes_of", "scope_rows", "scope2_basis_of", "separate_gases"]


class EmissionsResult(Protocol):
    """What :meth:`~neutralcore.claim.Balance.from_emissions` reads: ``neutralcore.Emissions`` has it."""

    def total(self) -> object: ...

    def by(self, dim: str) -> object: ...


#: Scope figures as a mapping, row dicts with ``scope`` and ``co2e_t``, or (scope, tonnes) pairs.
ScopeRows = Union[Mapping[object, object], Iterable[object]]


def tonnes_of(value: object) -> float:
    """Magnitude in tonnes of a pint Quantity (or a plain number).

    Raises
    ------
    ClaimError
        When *value* is neither.
    """
    try:
        return float(value.to("t").magnitude)  # type: ignore[attr-defined]  # a pint Quantity
    except Exception:
        try:
            return float(value)  # type: ignore[arg-type]  # refused below
        except Exception as exc:
            raise ClaimError(
                f"cannot read {value!r} as tonnes CO2e; pass plain numbers in tonnes instead",
                value=repr(value),
            ) from exc


def scope_rows(rows: object) -> dict[object, float]:
    """Scope figures from a mapping, row dicts with ``scope``/``co2e_t`` (``Emissions.by("scope")``), or pairs.

    Rows of the same scope are added; the keys are checked and made ``1``/``2``/``3``
    by :class:`~neutralcore.claim.Balance`.

    >>> scope_rows([{"scope": 2, "co2e_t": 5.0}, {"scope": 1, "co2e_t": 7.0}])
    {2: 5.0, 1: 7.0}
    """
    if isinstance(rows, Mapping):
        return {k: tonnes_of(v) for k, v in rows.items()}
    out: dict[object, float] = {}
    for row in rows:  # type: ignore[attr-defined]  # an iterable of rows; anything else fails here
        if isinstance(row, Mapping):
            value = next((row[k] for k in ("co2e_t", "co2e", "value", "total") if k in row), None)
            if "scope" not in row or value is None:
                raise ClaimError(
                    f"cannot read a scope row {row!r}; pass by_scope={{1: ..., 2: ...}} explicitly",
                    row=repr(row),
                )
            key = row["scope"]
        else:
            key, value = row
        out[key] = out.get(key, 0.0) + tonnes_of(value)
    return out


def scope2_basis_of(emissions: object, s2: object, total: float) -> Scope2Method | None:
    """Which of ``s2.location`` / ``s2.market`` *emissions* is (``None`` if it cannot be told)."""
    method = getattr(emissions, "scope2_method", None)
    if method in ("location", "market"):
        return "market" if method == "market" else "location"
    market_result, location_result = getattr(s2, "market"), getattr(s2, "location")
    market, location = tonnes_of(market_result.total()), tonnes_of(location_result.total())
    is_market = math.isclose(total, market, rel_tol=1e-12, abs_tol=1e-9)
    is_location = math.isclose(total, location, rel_tol=1e-12, abs_tol=1e-9)
    if is_market != is_location:
        return "market" if is_market else "location"
    return None


def _mass(value: object) -> float:
    number = float(value)  # type: ignore[arg-type]  # refused below when not a number
    if not math.isfinite(number) or number < 0:
        raise InputError(f"must be a finite number >= 0, got {value!r}", column="mass_t")
    return number


def _co2e(value: object) -> float:
    number = float(value)  # type: ignore[arg-type]  # refused below when not a number
    if number != number:
        return number  # NaN: the GWP set gives this gas no value
    if not math.isfinite(number) or number < 0:
        raise InputError(f"must be a finite number >= 0 or NaN, got {value!r}", column="co2e_t")
    return number


@attrs.frozen
class SeparateGas:
    """A gas reported separately from the scopes, never in E (GHG Protocol Corporate Standard, revised 2004, ch. 9).

    Biogenic CO2 (``kind="biogenic"``) and gases the Kyoto Protocol does not cover (CFCs, HCFCs, halons, …):
    *mass_t* in t of the gas, *co2e_t* in t CO2e under the balance's GWP set (NaN when the set gives none).

    >>> SeparateGas("CO2_biogenic", "biogenic", 112.0, 112.0)
    SeparateGas(gas='CO2_biogenic', kind='biogenic', mass_t=112.0, co2e_t=112.0)
    """

    gas: str = attrs.field(converter=str)
    kind: str = attrs.field(converter=str)
    mass_t: float = attrs.field(converter=_mass)
    co2e_t: float = attrs.field(converter=_co2e)


def separate_gases(emissions: object) -> tuple[SeparateGas, ...]:
    """The rows of ``emissions.outside_scopes()`` (``neutralcore.Emissions``), or ``()`` when it has none.

    Raises
    ------
    ClaimError
        When ``outside_scopes()`` gives a table without ``gas``, ``kind``, ``mass_t`` and ``co2e_t``.
    """
    method = getattr(emissions, "outside_scopes", None)
    if not callable(method):
        return ()
    table = method()
    try:
        columns = [table[c] for c in ("gas", "kind", "mass_t", "co2e_t")]
        return tuple(SeparateGas(*row) for row in zip(*columns))
    except (KeyError, TypeError, ValueError, InputError) as exc:
        raise ClaimError(f"cannot read {type(emissions).__name__}.outside_scopes(): {exc}") from exc
