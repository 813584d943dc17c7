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
from neutralcore.errors import DimensionError, InputError
from neutralcore.gwp import canonical_gas
from neutralcore.units import multiplier, split_factor_unit

__all__ = ["Source", "FuelProperty", "Factor", "Interval", "DISTRIBUTIONS", "WORLD", "CONFIDENCE_LABELS"]

WORLD = "World"
CONFIDENCE_LABELS = ("A", "B", "C", "DERIVED")
#: The distributions a published uncertainty may have.
DISTRIBUTIONS = ("normal", "lognormal", "uniform", "triangular")


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


def _bound(value: Any) -> float:
    return _nonneg(value, "an interval bound", "lower", "finite and non-negative")


def _distribution(value: Any) -> str:
    if value not in DISTRIBUTIONS:
        raise InputError(f"distribution must be one of {DISTRIBUTIONS}, got {value!r}", column="distribution")
    return str(value)


@attrs.frozen
class Interval:
    """A published 95 % interval of a value: its bounds, absolute and in the value's unit, and its distribution.

    ``lower`` and ``upper`` are the 2.5th and 97.5th percentiles of the distribution, whatever it is:

    * ``normal``: mean = the published value, standard deviation = (upper - lower) / (2 x 1.96);
    * ``lognormal``: ln of the value normal with mean (ln lower + ln upper) / 2 and standard deviation
      (ln upper - ln lower) / (2 x 1.96), so the median is sqrt(lower x upper); lower must be above 0;
    * ``uniform``: flat from lower - 0.025 w to upper + 0.025 w, w = (upper - lower) / 0.95;
    * ``triangular``: mode = the published value, limits such that lower and upper are its 2.5th and
      97.5th percentiles.

    Draws below zero are set to zero (an emission factor is not negative).  The default
    ``normal`` is the one to state when a publisher gives bounds but no distribution (say so in
    the factor's notes).

    Examples
    --------
    An illustrative lognormal interval from 1 to 10 (not a published one); its median is sqrt(10):

    >>> Interval(1, 10, "lognormal")
    Interval(lower=1.0, upper=10.0, distribution='lognormal')
    """

    lower: float = attrs.field(converter=_bound)
    upper: float = attrs.field(converter=_bound)
    distribution: str = attrs.field(default="normal", converter=_distribution)

    def __attrs_post_init__(self) -> None:
        if self.lower > self.upper:
            raise InputError(f"interval lower bound {self.lower!r} is above its upper bound {self.upper!r}", column="lower")
        if self.distribution == "lognormal" and self.lower <= 0:
            raise InputError("a lognormal interval needs a lower bound above 0", column="lower")

    def check_holds(self, value: float, what: str) -> None:
        """Raise :class:`~neutralcore.InputError` unless *value* (the published central value) is within the bounds."""
        if not self.lower <= value <= self.upper:
            raise InputError(f"{what} {value!r} is outside its interval [{self.lower!r}, {self.upper!r}]", column="lower")


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
    #: the published 95 % interval of the value, in *unit* (``None``: none published)
    interval: "Interval | None" = attrs.field(default=None, kw_only=True)

    @interval.validator
    def _check_interval(self, _a: Any, value: "Interval | None") -> None:
        if value is None:
            return
        if not isinstance(value, Interval):
            raise InputError(f"interval must be an Interval(lower, upper, distribution), got {value!r}", column="lower")
        value.check_holds(self.value, f"{self.name} value")

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


def _factor_unit(value: Any) -> str:
    split_factor_unit(value)
    return str(value).strip()


def _uncertainty(value: Any) -> float | None:
    if value is None or value == "":
        return None
    return _nonneg(value, "uncertainty", "uncertainty", "a finite non-negative fraction")


def _intervals(value: Mapping[str, Any] | None) -> Mapping[str, Interval]:
    if not value:
        return FrozenMap({})
    if not isinstance(value, Mapping):
        raise InputError("intervals must be a mapping gas -> Interval(lower, upper, distribution)", column="lower")
    out: dict[str, Interval] = {}
    for gas, interval in value.items():
        if isinstance(interval, tuple):
            interval = Interval(*interval)
        if not isinstance(interval, Interval):
            raise InputError(f"interval of {gas} must be an Interval(lower, upper, distribution), got {interval!r}",
                             column="lower")
        out[canonical_gas(gas)] = interval
    return FrozenMap(out)


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
        Relative half-width of the 95 % interval (0.05 for ±5 %), normal, for every gas without
        its own interval: a shorthand for ``intervals``.
    intervals : mapping, optional
        Per gas, the published 95 % :class:`Interval` (absolute bounds in the factor's unit, and
        the distribution), e.g. ``{"CH4": Interval(1, 10, "lognormal")}``.
    pack : str, optional
        The factor pack it came from.

    Examples
    --------
    >>> src = Source("MONRE/DCC", "Viet Nam grid emission factor 2023", 2024)
    >>> f = Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, src)
    >>> f.per_unit
    'MWh'
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
    intervals: Mapping[str, Interval] = attrs.field(factory=FrozenMap, converter=_intervals, kw_only=True)

    @intervals.validator
    def _check_intervals(self, _a: Any, value: Mapping[str, Interval]) -> None:
        for gas, interval in value.items():
            if gas not in self.gases:
                raise InputError(f"interval given for {gas}, which the factor does not give (gases: "
                                 f"{sorted(self.gases)})", column="lower")
            interval.check_holds(self.gases[gas], f"{gas} value")

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
