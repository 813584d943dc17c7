"""The value types of an emission factor: ``Source``, ``FuelProperty`` and ``Factor``.

Frozen and validated; every factor and fuel property carries the
:class:`Source` it was published in.  :mod:`neutralcore.measure.factor`
re-exports them beside the columnar ``FactorSet``; the factor-file reader
(:mod:`neutralcore.measure.factorfile`) builds them.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import attrs

from neutralcore._core.validators import FrozenMap, activity_key, optional_str, region_code, year_int
from neutralcore.errors import DimensionError, GWPBasisError, InputError, UnknownGasError
from neutralcore.gwp import canonical_gas, canonical_gwp_set, gwp_vector
from neutralcore.measure.stages import UPSTREAM_SUFFIX, stage_name, stage_of_key
from neutralcore.units import multiplier, split_factor_unit

__all__ = ["Source", "FuelProperty", "Factor", "WORLD", "CONFIDENCE_LABELS", "CO2E_TOLERANCE", "check_co2e_total"]

WORLD = "World"
CONFIDENCE_LABELS = ("A", "B", "C", "DERIVED")


def _source_year(value: Any) -> int:
    return year_int(value)


def _required_text(column: str) -> Any:
    def check(_self: Any, _attr: Any, value: Any) -> None:
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"{column} must be a non-empty string, got {value!r}", column=column)

    return check


def _is_source(_self: Any, attr: Any, value: Any) -> None:
    if not isinstance(value, Source):
        raise InputError(
            f"{attr.name} must be a neutralcore.Source(publisher, document, year), got {type(value).__name__} "
            f"{value!r}: every number carries where it was published", column=attr.name)


@attrs.frozen
class Source:
    """Where a number was published.

    Parameters
    ----------
    publisher : str
        Who published it (an agency, the IPCC, a ministry).
    document : str
        The document, table or announcement.
    year : int
        Year of publication.
    url : str, optional
        Where to read it.
    note : str, optional
        Anything a reader must know (e.g. "read from a secondary copy").
    """

    publisher: str = attrs.field(validator=_required_text("publisher"))
    document: str = attrs.field(validator=_required_text("document"))
    year: int = attrs.field(converter=_source_year)
    url: str | None = attrs.field(default=None, converter=optional_str)
    note: str | None = attrs.field(default=None, converter=optional_str, eq=False)

    def __str__(self) -> str:
        url = f" <{self.url}>" if self.url else ""
        return f"{self.publisher}, {self.document} ({self.year}){url}"


def _property_value(value: Any) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError) as exc:
        raise InputError(f"fuel property value is not a number: {value!r}", column="value") from exc
    if not math.isfinite(x) or x <= 0:
        raise InputError(f"fuel property value must be finite and positive, got {value!r}")
    return x


_PROPERTY_TARGET = {"ncv": ("TJ/kg", "energy per mass"), "density": ("kg/m^3", "mass per volume")}


def _property_name(_self: Any, _attr: Any, value: Any) -> None:
    if value not in _PROPERTY_TARGET:
        raise InputError(f"fuel property must be one of {sorted(_PROPERTY_TARGET)}, got {value!r}", column="name")


@attrs.frozen
class FuelProperty:
    """A sourced fuel property: net calorific value (``ncv``) or ``density``.

    Examples
    --------
    Diesel's net calorific value, 43.0 TJ/Gg (IPCC 2006 GL Vol. 2 Table 1.2), in TJ per kg:

    >>> ncv = FuelProperty("ncv", 43.0, "TJ/Gg", Source("IPCC", "2006 GL Vol.2 Table 1.2", 2006))
    >>> round(ncv.canonical(), 12)
    4.3e-05
    """

    name: str = attrs.field(validator=_property_name)
    value: float = attrs.field(converter=_property_value)
    unit: str = attrs.field()
    source: Source = attrs.field(validator=_is_source)
    confidence: str | None = attrs.field(default=None, converter=optional_str, eq=False)
    notes: str | None = attrs.field(default=None, converter=optional_str, eq=False)

    @unit.validator
    def _check_unit(self, _attr: Any, unit: str) -> None:
        target, what = _PROPERTY_TARGET[self.name]
        try:
            multiplier(unit, target)
        except DimensionError as exc:
            raise DimensionError(
                f"{self.name} unit {unit!r} is not {what} (e.g. {target})", unit=unit, expected=target
            ) from exc

    def canonical(self) -> float:
        """Value in TJ/kg (ncv) or kg/m^3 (density)."""
        return self.value * multiplier(self.unit, _PROPERTY_TARGET[self.name][0])


def _gases(value: Mapping[str, Any]) -> Mapping[str, float]:
    if not isinstance(value, Mapping) or not value:
        raise InputError("gases must be a non-empty mapping gas -> amount, e.g. {'CO2': 0.6766}", column="gases")
    out: dict[str, float] = {}
    for gas, amount in value.items():
        out[canonical_gas(gas)] = _nonneg(amount, f"amount of {gas}", "gases", "finite and non-negative")
    return FrozenMap(out)


def _nonneg(value: Any, what: str, column: str, expected: str) -> float:
    """*value* as a finite float >= 0, or an :class:`InputError` saying *what* it is and naming *column*."""
    try:
        x = float(value)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{what} is not a number: {value!r}", column=column) from exc
    if not math.isfinite(x) or x < 0:
        raise InputError(f"{what} must be {expected}, got {value!r}", column=column)
    return x


def _gwp_basis(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return canonical_gwp_set(value)


#: How far a published CO2e total may be from its gases weighted under its basis (relative): rounding in print.
CO2E_TOLERANCE = 5e-3


def check_co2e_total(gases: Mapping[str, float], basis: str) -> tuple[float, float] | None:
    """(published CO2e, the gases weighted under *basis*) for a factor giving both; ``None`` if it gives one kind.

    Raises
    ------
    GWPBasisError
        If they differ by more than :data:`CO2E_TOLERANCE` (relative), or a gas has no GWP in *basis*.
    """
    others = {g: v for g, v in gases.items() if g != "CO2e"}
    if "CO2e" not in gases or not others:
        return None
    try:
        weighted = float(math.fsum(v * w for v, w in zip(others.values(), gwp_vector(tuple(others), basis))))
    except UnknownGasError as exc:
        raise GWPBasisError(f"the published CO2e cannot be checked under its basis {basis}: {exc.message}") from exc
    published = gases["CO2e"]
    if not math.isclose(published, weighted, rel_tol=CO2E_TOLERANCE, abs_tol=0.0):
        terms = " + ".join(f"{g} {v:g} x {w:g}" for (g, v), w in zip(others.items(), gwp_vector(tuple(others), basis)))
        raise GWPBasisError(
            f"published CO2e {published:g} disagrees with its gases weighted under {basis}: {terms} = {weighted:.6g} "
            f"({(published / weighted - 1) if weighted else float('inf'):+.2%}; allowed ±{CO2E_TOLERANCE:.1%})"
        )
    return published, weighted


def _co2e_total(value: Any) -> float | None:
    if value is None:
        return None
    return _nonneg(value, "co2e_total", "co2e_total", "finite and non-negative")


def _stage(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return stage_name(value)


def _factor_unit(value: Any) -> str:
    split_factor_unit(value)
    return str(value).strip()


def _uncertainty(value: Any) -> float | None:
    if value is None or value == "":
        return None
    return _nonneg(value, "uncertainty", "uncertainty", "a finite non-negative fraction")


@attrs.frozen
class Factor:
    """An emission factor: amounts of each gas per unit of one activity in one region and year.

    Parameters
    ----------
    activity : str
        Dotted activity key, e.g. ``"electricity.grid"``.
    region : str
        Region code (``"VN"``, ``"CN-EAST"``, ``"World"``).
    year : int
        The year the factor applies to (the data year).
    unit : str
        ``"<mass>/<activity unit>"``, e.g. ``"t/MWh"``.
    gases : mapping
        Amount of each gas per activity unit, e.g. ``{"CO2": 0.6592}``.
    source : Source
        Where it was published.  Required.
    kind, confidence, notes : str, optional
        What kind of factor it is, a confidence label (A/B/C/DERIVED) and free notes.
    ncv, density : FuelProperty, optional
        Fuel properties that bridge mass or volume to energy.
    uncertainty : float, optional
        Relative half-width of the 95 % interval (0.05 for ±5 %).
    gwp_basis : {"SAR", "TAR", "AR4", "AR5", "AR6", "AR6-GWP20"}, optional
        The GWP set its publisher used for a ``CO2e`` amount; required when *gases* has ``"CO2e"``.
    stage : {"combustion", "well-to-tank", "transmission-and-distribution", "upstream"}, optional
        Life-cycle stage (default: the activity's own, direct emissions).  An upstream factor sits under
        ``<activity>.wtt``, ``.td`` or ``.upstream`` (:mod:`neutralcore.measure.stages`); its stage is read
        from the key when not given, and must agree with it when given.
    co2e_total : float, optional
        A publisher's CO2e total of the per-gas values (same unit), checked against them: weighted under
        *gwp_basis* they must agree within :data:`CO2E_TOLERANCE`.  A ``"CO2e"`` given in *gases* beside other
        gases is taken as this total and moved here, so only the gases are counted (never the total again).
    pack : str, optional
        The factor pack it came from.

    Examples
    --------
    >>> src = Source("MONRE/DCC", "Viet Nam grid emission factor 2023", 2024)
    >>> f = Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, src)
    >>> f.per_unit
    'MWh'
    >>> desnz = Source("UK DESNZ", "Greenhouse gas reporting: conversion factors 2021, UK electricity", 2021)
    >>> Factor("electricity.grid", "GB", 2021, "kg/kWh", {"CO2e": 0.21233}, desnz, gwp_basis="AR5").gwp_basis
    'AR5'
    """

    activity: str = attrs.field(converter=activity_key)
    region: str = attrs.field(converter=region_code)
    year: int = attrs.field(converter=year_int)
    unit: str = attrs.field(converter=_factor_unit)
    gases: Mapping[str, float] = attrs.field(converter=_gases)
    source: Source = attrs.field(validator=_is_source)
    kind: str | None = attrs.field(default=None, converter=optional_str, kw_only=True)
    confidence: str | None = attrs.field(default=None, converter=optional_str, kw_only=True)
    notes: str | None = attrs.field(default=None, converter=optional_str, kw_only=True, eq=False)
    ncv: FuelProperty | None = attrs.field(default=None, kw_only=True)
    density: FuelProperty | None = attrs.field(default=None, kw_only=True)
    uncertainty: float | None = attrs.field(default=None, converter=_uncertainty, kw_only=True)
    pack: str | None = attrs.field(default=None, converter=optional_str, kw_only=True)
    stage: str | None = attrs.field(default=None, converter=_stage, kw_only=True)
    co2e_total: float | None = attrs.field(default=None, converter=_co2e_total, kw_only=True)

    @stage.validator
    def _check_stage(self, _a: Any, value: str | None) -> None:
        by_key = stage_of_key(self.activity)
        if by_key is not None and value not in (None, by_key):
            raise InputError(f"the key {self.activity!r} names the {by_key} stage, not {value!r}", column="stage")
        if value in UPSTREAM_SUFFIX and by_key != value:
            raise InputError(f"{value} factors go under the key '<activity>.{UPSTREAM_SUFFIX[value]}' "
                             f"(e.g. '{self.activity}.{UPSTREAM_SUFFIX[value]}'), not {self.activity!r}", column="stage")
    gwp_basis: str | None = attrs.field(default=None, converter=_gwp_basis, kw_only=True)

    @gwp_basis.validator
    def _check_gwp_basis(self, _a: Any, value: str | None) -> None:
        combined = dict(self.gases)
        if self.co2e_total is not None:
            if "CO2e" in combined:
                raise GWPBasisError(f"factor ({self.activity}, {self.region}, {self.year}) gives CO2e both in gases "
                                    "and as co2e_total", column="co2e_total")
            combined["CO2e"] = self.co2e_total
        if "CO2e" in combined and value is None:
            raise GWPBasisError(
                f"factor ({self.activity}, {self.region}, {self.year}) gives CO2e but no gwp_basis: say which GWP set "
                "its publisher used (SAR, TAR, AR4, AR5, AR6)", column="gwp_basis",
            )
        if value is not None:
            try:
                check_co2e_total(combined, value)
            except GWPBasisError as exc:
                raise GWPBasisError(f"factor ({self.activity}, {self.region}, {self.year}): {exc.message}",
                                    column="gwp_basis") from exc

    def __attrs_post_init__(self) -> None:
        if self.stage is None and stage_of_key(self.activity) is not None:  # the key says which stage
            object.__setattr__(self, "stage", stage_of_key(self.activity))
        # a published CO2e total given beside its gases is a check (made above), not another amount
        if "CO2e" in self.gases and len(self.gases) > 1:
            gases = dict(self.gases)
            object.__setattr__(self, "co2e_total", gases.pop("CO2e"))
            object.__setattr__(self, "gases", FrozenMap(gases))

    @confidence.validator
    def _check_confidence(self, _a: Any, value: str | None) -> None:
        if value is not None and value not in CONFIDENCE_LABELS:
            raise InputError(f"confidence {value!r} is not one of {CONFIDENCE_LABELS}", column="confidence")

    @ncv.validator
    def _check_ncv(self, _a: Any, value: FuelProperty | None) -> None:
        if value is not None and (not isinstance(value, FuelProperty) or value.name != "ncv"):
            raise InputError("ncv must be a FuelProperty named 'ncv'", column="ncv")

    @density.validator
    def _check_density(self, _a: Any, value: FuelProperty | None) -> None:
        if value is not None and (not isinstance(value, FuelProperty) or value.name != "density"):
            raise InputError("density must be a FuelProperty named 'density'", column="density")

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.activity, self.region, self.year)

    @property
    def per_unit(self) -> str:
        """The activity unit the factor is per (``"MWh"`` for ``"t/MWh"``)."""
        return split_factor_unit(self.unit)[1]
