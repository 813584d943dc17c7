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
from neutralcore.units import currency_of, dimension_of, multiplier, split_factor_unit

__all__ = ["Source", "FuelProperty", "Factor", "Interval", "DISTRIBUTIONS", "WORLD", "CONFIDENCE_LABELS",
           "CO2E_TOLERANCE", "check_co2e_total", "ENERGY_BASES", "NCV_PER_GCV", "NCV_PER_GCV_SOURCE", "PER_AMOUNTS"]

WORLD = "World"
CONFIDENCE_LABELS = ("A", "B", "C", "DERIVED")
#: The calorific bases an energy unit can be on: net (lower heating value) and gross (higher heating value).
ENERGY_BASES = ("ncv", "gcv")
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

    Draws below zero are set to zero (an emission factor is not negative).  When a publisher gives
    bounds but no distribution, the distribution is a choice and the row says whose: ``normal`` is
    what an ``Interval`` and a factor file take when none is given; the built-in ``ipcc`` pack
    states ``lognormal`` for the 2006 IPCC Guidelines' limits (Vol. 2, Ch. 1, Table 1.2), its own
    choice for positive values with limits not symmetric about the default, not a rule quoted from
    the Guidelines (their Vol. 1, Ch. 3 text on choosing a distribution was not read; see
    docs/measure.md, Uncertainty).

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


#: What each fuel property measures: its numerator (energy or mass) per what amount of fuel.
_PROPERTY_NUMERATOR = {"ncv": ("TJ", "energy"), "gcv": ("TJ", "energy"), "density": ("kg", "mass")}
#: The amounts of fuel a property may be per, in the canonical unit of each: mass, volume, gas at 0 degC and
#: 101.325 kPa (Nm3) and gas at a publisher's standard conditions (scf).
PER_AMOUNTS = {"mass": "kg", "volume": "m^3", "normal_gas": "Nm3", "standard_gas": "scf"}
#: IPCC default ratios of net to gross calorific value: 2006 IPCC Guidelines, Vol. 2 (Energy), Ch. 1, Section
#: 1.4.1.2: NCV is about 5 % below GCV for liquid and solid fuels and about 10 % below for natural gas.
NCV_PER_GCV = {"liquid": 0.95, "solid": 0.95, "natural_gas": 0.90}
NCV_PER_GCV_SOURCE = "IPCC, 2006 IPCC Guidelines for National Greenhouse Gas Inventories, Vol. 2 Ch. 1 Section 1.4.1.2"


def _property_name(_self: Any, _attr: Any, value: Any) -> None:
    if value not in _PROPERTY_NUMERATOR:
        raise InputError(f"fuel property must be one of {sorted(_PROPERTY_NUMERATOR)}, got {value!r}", column="name")


def _per_amount(name: str, unit: str) -> str:
    """Which amount of fuel a property in *unit* is per (a key of :data:`PER_AMOUNTS`), or DimensionError."""
    numerator, what = _PROPERTY_NUMERATOR[name]
    allowed = [k for k in PER_AMOUNTS if k != "mass"] if name == "density" else list(PER_AMOUNTS)
    for kind in allowed:
        target = f"{numerator}/{PER_AMOUNTS[kind]}"
        if dimension_of(unit) == dimension_of(target):
            return kind
    examples = {"ncv": "TJ/Gg, MJ/L, GJ/(10^4 Nm3), MMBtu/Mcf", "gcv": "MJ/kg, MMBtu/gal, MMBtu/scf",
                "density": "kg/m^3, kg/L, kg/Nm3"}[name]
    raise DimensionError(
        f"{name} unit {unit!r} is not {what} per mass, volume or gas at reference conditions (e.g. {examples})",
        unit=unit, expected=examples)


@attrs.frozen
class FuelProperty:
    """A sourced fuel property: net or gross calorific value (``ncv``, ``gcv``) or ``density``.

    A calorific value is energy per mass, per volume (heat content per litre or gallon) or per amount of gas at
    reference conditions (per ``Nm3``, per ``scf``); a density is mass per volume or per ``Nm3``/``scf``.
    :meth:`on_basis` turns a gross value into a net one (or back) with a stated ratio; nothing converts between
    the bases silently.

    Examples
    --------
    Diesel's net calorific value, 43.0 TJ/Gg (IPCC 2006 GL Vol. 2 Table 1.2), in TJ per kg:

    >>> ncv = FuelProperty("ncv", 43.0, "TJ/Gg", Source("IPCC", "2006 GL Vol.2 Table 1.2", 2006))
    >>> round(ncv.canonical(), 12), ncv.per
    (4.3e-05, 'mass')

    Natural gas heat content, 1.026 MMBtu per Mcf on a gross basis (US EPA GHG Emission Factors Hub, Table 1):

    >>> hhv = FuelProperty("gcv", 1.026, "MMBtu/Mcf", Source("US EPA", "GHG Emission Factors Hub, Table 1", 2024))
    >>> hhv.per, round(hhv.canonical() * 1e9, 6)  # TJ per scf, shown in kJ per scf
    ('standard_gas', 1082.487456)
    >>> net = hhv.on_basis("ncv", NCV_PER_GCV["natural_gas"])
    >>> net.name, round(net.value, 6), net.confidence
    ('ncv', 0.9234, 'DERIVED')
    """

    name: str = attrs.field(validator=_property_name)
    value: float = attrs.field(converter=_property_value)
    unit: str = attrs.field()
    source: Source = attrs.field(validator=_is_source)
    confidence: str | None = attrs.field(default=None, converter=optional_str, eq=False)
    notes: str | None = attrs.field(default=None, converter=optional_str, eq=False)
    #: the factor pack this property was published in (set when a pack's property serves another pack's factor)
    pack: str | None = attrs.field(default=None, converter=optional_str, kw_only=True)
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
        _per_amount(self.name, unit)

    @property
    def per(self) -> str:
        """The amount of fuel the value is per: ``"mass"``, ``"volume"``, ``"normal_gas"`` or ``"standard_gas"``."""
        return _per_amount(self.name, self.unit)

    def canonical(self) -> float:
        """Value in TJ (calorific values) or kg (density) per kg, m^3, Nm3 or scf (see :attr:`per`)."""
        return self.value * multiplier(self.unit, f"{_PROPERTY_NUMERATOR[self.name][0]}/{PER_AMOUNTS[self.per]}")

    def on_basis(self, basis: str, ratio: float, *, source: str = NCV_PER_GCV_SOURCE) -> "FuelProperty":
        """This calorific value on the other basis: ``ncv = ratio x gcv`` (*ratio* is NCV/GCV, e.g. 0.90 for gas).

        The result is marked ``DERIVED`` and its notes say the ratio and where it came from (*source*, by
        default the IPCC defaults of :data:`NCV_PER_GCV`); its :attr:`source` stays the original value's.
        """
        if self.name not in ("ncv", "gcv") or basis not in ("ncv", "gcv"):
            raise InputError(f"on_basis converts a calorific value to 'ncv' or 'gcv', not {self.name} to {basis!r}",
                             column="property")
        r = _property_value(ratio)
        if not 0.5 <= r <= 1.0:
            raise InputError(f"the NCV/GCV ratio must be between 0.5 and 1 (NCV is below GCV), got {ratio!r}",
                             column="ratio")
        if basis == self.name:
            return self
        value = self.value * r if basis == "ncv" else self.value / r
        note = f"{basis} = {'' if basis == 'ncv' else '1/'}{r:g} x {self.name} {self.value:g} {self.unit} ({source})"
        return FuelProperty(basis, value, self.unit, self.source, confidence="DERIVED",
                            notes="; ".join(n for n in (self.notes, note) if n), pack=self.pack)


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


def _price_year(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return year_int(value)
    except InputError as exc:
        raise InputError(f"price_year: {exc.message.split(': ', 1)[-1]}", column="price_year") from exc


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
    ncv, gcv, density : FuelProperty, optional
        Fuel properties that bridge mass, volume or gas at reference conditions to energy.
    energy_basis : {"ncv", "gcv"}
        The calorific basis of the factor's energy unit (default ``"ncv"``, as IPCC factors are; US EPA factors
        per MMBtu are ``"gcv"``).  Only a factor per energy unit may be ``"gcv"``.
    price_year : int, optional
        For a spend-based factor (per ``USD``, ``kEUR``, ...): the year whose prices the currency is in.
        Required for a factor per currency unit, refused for any other.
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
    gcv: FuelProperty | None = attrs.field(default=None, kw_only=True)
    energy_basis: str = attrs.field(default="ncv", kw_only=True)
    price_year: int | None = attrs.field(default=None, converter=_price_year, kw_only=True)
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

    @gcv.validator
    def _check_gcv(self, _a: Any, value: FuelProperty | None) -> None:
        if value is not None and (not isinstance(value, FuelProperty) or value.name != "gcv"):
            raise InputError("gcv must be a FuelProperty named 'gcv'", column="gcv")

    @energy_basis.validator
    def _check_energy_basis(self, _a: Any, value: str) -> None:
        if value not in ENERGY_BASES:
            raise InputError(f"energy_basis must be 'ncv' (net) or 'gcv' (gross), got {value!r}", column="energy_basis")
        if value == "gcv" and dimension_of(self.per_unit) != dimension_of("J"):
            raise InputError(f"energy_basis 'gcv' is the calorific basis of an energy unit; the factor "
                             f"{self.key} is per {self.per_unit!r}", column="energy_basis")

    @price_year.validator
    def _check_price_year(self, _a: Any, value: int | None) -> None:
        currency = currency_of(self.per_unit)
        if currency is not None and value is None:
            raise InputError(f"the spend-based factor {self.key} per {self.per_unit!r} needs its price_year (the "
                             f"year whose {currency} prices it is in)", column="price_year")
        if currency is None and value is not None:
            raise InputError(f"price_year is for a factor per currency unit; the factor {self.key} is per "
                             f"{self.per_unit!r}", column="price_year")

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.activity, self.region, self.year)

    @property
    def per_unit(self) -> str:
        """The activity unit the factor is per (``"MWh"`` for ``"t/MWh"``)."""
        return split_factor_unit(self.unit)[1]
