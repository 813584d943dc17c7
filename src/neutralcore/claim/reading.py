"""Reading a ``neutralcore.Emissions`` result (or a look-alike) into the figures of a balance.

Duck-typed, so the claim step needs no measuring machinery: a total read in
tonnes, scope rows, which Scope 2 figure the result holds, the gases reported
apart, and the emission factors the result used (what each one is and where it
was published).
"""

from __future__ import annotations

import math
import numbers
import re
from typing import Iterable, Mapping, Protocol, Union

import attrs
import numpy as np

from neutralcore.errors import ClaimError, InputError
from neutralcore.measure.basis import Scope2Method

__all__ = ["EmissionsResult", "ScopeRows", "SeparateGas", "FactorUsed", "tonnes_of", "scope_rows", "scope2_basis_of",
           "separate_gases", "factors_used"]


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


def _label(value: object) -> str:
    text = "" if value is None else str(value).strip()
    return text


def _values(value: Mapping[str, float]) -> tuple[tuple[str, float], ...]:
    items = tuple((str(g), float(v)) for g, v in dict(value).items())
    for gas, number in items:
        if not math.isfinite(number):
            raise InputError(f"factor value of {gas} must be a finite number, got {number!r}", column="values")
    return items


@attrs.frozen
class FactorUsed:
    """One emission factor an inventory's rows used, as a claim report shows it to a verifier.

    *kind* says what the number is as its publisher defines it (for Viet Nam's grid factor: the combined
    margin of CDM Tool 07 that DCC announces), *source* is the citation (publisher, document, year, URL),
    *values* the per-gas amounts in *unit*; *region* and *year* are the factor's own, which may be a
    parent region's or an earlier year's when the rows came to it by fallback.

    >>> f = FactorUsed("electricity.grid", "VN", 2023, "t/MWh", (("CO2", 0.6592),),
    ...                "DCC-announced combined margin (CDM Tool 07)", "MONRE/DCC, letter 1726/BĐKH-PTCBT (2024)", "B")
    >>> f.values_text
    'CO2 0.6592 t/MWh'
    """

    activity: str = attrs.field(converter=str)
    region: str = attrs.field(converter=str)
    year: int = attrs.field(converter=int)
    unit: str = attrs.field(converter=str)
    values: tuple[tuple[str, float], ...] = attrs.field(converter=_values)
    kind: str = attrs.field(converter=_label)
    source: str = attrs.field(converter=_label)
    confidence: str = attrs.field(default="", converter=_label)
    pack: str = attrs.field(default="", converter=_label)

    @property
    def values_text(self) -> str:
        """The per-gas values with the unit, e.g. ``"CO2 0.6592 t/MWh"``."""
        return "; ".join(f"{gas} {value:g} {self.unit}" for gas, value in self.values)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict; *values* as ``{gas: value}`` in *unit*."""
        return {"activity": self.activity, "region": self.region, "year": self.year, "unit": self.unit,
                "values": dict(self.values), "kind": self.kind or None, "source": self.source or None,
                "confidence": self.confidence or None, "pack": self.pack or None}


def factors_used(emissions: object) -> tuple[FactorUsed, ...]:
    """The factors ``emissions`` (``neutralcore.Emissions``) used, once each, sorted by activity, region and year.

    Read from ``emissions.matches.factor_index`` and ``emissions.factors.factor(i)``; ``()`` for a result
    without them (a look-alike, or figures given by hand).

    Raises
    ------
    ClaimError
        When ``matches`` and ``factors`` are there but cannot be read as factors.
    """
    matches = getattr(emissions, "matches", None)
    factors = getattr(emissions, "factors", None)
    index = getattr(matches, "factor_index", None)
    if index is None or not callable(getattr(factors, "factor", None)):
        return ()
    try:
        used = np.unique(np.asarray(index, dtype=np.int64))
        rows = []
        for i in used[used >= 0].tolist():
            f = factors.factor(i)  # type: ignore[union-attr]  # checked callable above
            rows.append(FactorUsed(f.activity, f.region, f.year, f.unit, f.gases, f.kind, f.source, f.confidence,
                                   f.pack))
    except (AttributeError, TypeError, ValueError, IndexError, InputError) as exc:
        raise ClaimError(f"cannot read the factors {type(emissions).__name__} used: {exc}") from exc
    return tuple(sorted(rows, key=lambda r: (r.activity, r.region, r.year, r.unit, r.pack)))
