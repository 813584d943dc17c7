"""What a claim is checked against besides its figures: the standard, the subject type, the user's policy and the reduction evidence."""

from __future__ import annotations

import enum
import math
import re
from typing import Any, Iterable, Literal

import attrs

from neutralcore.errors import ClaimError, InputError

__all__ = [
    "Standard",
    "STANDARDS",
    "standard_name",
    "RETIREMENT_WINDOW_MONTHS",
    "NET_ZERO_MIN_REDUCTION",
    "SubjectType",
    "ClaimPolicy",
    "ReductionEvidence",
]

#: A standard :func:`~neutralcore.claim.check_claim` knows, by canonical name.
Standard = Literal["ISO 14068-1", "net-zero", "PAS 2060", "VCMI"]
STANDARDS: tuple[Standard, ...] = ("ISO 14068-1", "net-zero", "PAS 2060", "VCMI")

#: Retirement window after the period end, months: ISO 14068-1:2023 §11.2, as
#: summarised by 360impactportfolio.com (a single secondary source).
RETIREMENT_WINDOW_MONTHS = 12
#: Long-term reduction below base before residuals may be neutralised: SBTi
#: Corporate Net-Zero Standard version 1.0 (2021), cross-sector long-term
#: targets, per secondary summaries.
NET_ZERO_MIN_REDUCTION = 0.90


def standard_name(name: str) -> Standard:
    """The canonical name of the standard *name* spells (``"ISO 14068-1:2023"``, ``"SBTi"``, ...).

    >>> standard_name("iso 14068-1:2023"), standard_name("Net Zero"), standard_name("PAS 2060:2014")
    ('ISO 14068-1', 'net-zero', 'PAS 2060')
    >>> standard_name("VCMI Claims Code")
    'VCMI'

    Raises
    ------
    ClaimError
        For a standard the checks do not know.
    """
    key = re.sub(r"[\s_\-:]+", "", str(name).lower())
    if key.startswith("iso14068"):
        return "ISO 14068-1"
    if key in ("netzero", "sbtinetzero", "sbti"):
        return "net-zero"
    if key.startswith("pas2060"):
        return "PAS 2060"
    if key.startswith("vcmi"):
        return "VCMI"
    raise ClaimError(f"unknown standard {name!r}; check_claim knows {', '.join(STANDARDS)}", standard=name)


class SubjectType(str, enum.Enum):
    """What a claim is about.

    ISO 14068-1:2023 (scope) covers organisations (including companies, local
    authorities and financial institutions) and products (goods, services,
    buildings, events); it is not for territories (countries, regions,
    states, cities).
    """

    ORGANISATION = "organisation"
    PRODUCT = "product"
    TERRITORY = "territory"

    @classmethod
    def parse(cls, value: "SubjectType | str") -> "SubjectType":
        """Return the type for *value*, accepting common names ("company", "event", "city", ...)."""
        if isinstance(value, cls):
            return value
        key = re.sub(r"[\s_\-]+", " ", str(value).strip().lower())
        try:
            return _SUBJECT_ALIASES[key]
        except KeyError:
            raise InputError(
                f"unknown subject type {value!r}; use an organisation, product or territory name "
                f"({', '.join(sorted(_SUBJECT_ALIASES))})",
                column="subject_type",
            ) from None


_SUBJECT_ALIASES: dict[str, SubjectType] = {
    **{
        k: SubjectType.ORGANISATION
        for k in ("organisation", "organization", "company", "local authority", "financial institution")
    },
    **{k: SubjectType.PRODUCT for k in ("product", "goods", "service", "building", "event")},
    **{
        k: SubjectType.TERRITORY
        for k in ("territory", "country", "region", "state", "province", "city", "municipality")
    },
}


def _nonneg_int_or_none(instance: Any, attribute: Any, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError(f"must be a whole number >= 0 or None, got {value!r}", column=attribute.name)


def _fraction(instance: Any, attribute: Any, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 < value <= 1.0:
        raise InputError(f"must be a fraction in (0, 1], got {value!r}", column=attribute.name)


def names(value: str | Iterable[object]) -> tuple[str, ...]:
    """One name or several, stripped, blanks dropped."""
    if isinstance(value, str):
        value = (value,)
    return tuple(str(v).strip() for v in value if str(v).strip())


@attrs.frozen
class ClaimPolicy:
    """User choices that shape the checks; the defaults follow the sources.

    Parameters
    ----------
    retirement_window_months : int
        Months after the period end within which credits must be retired.
        Default 12 (ISO 14068-1:2023 §11.2, per a secondary summary); any
        other value is reported as a user policy.
    max_vintage_age_years : int, optional
        Refuse credits whose vintage ended more than this many calendar years
        before the period end year.  **Off by default**: no maximum vintage
        age was found in ISO 14068-1:2023, PAS 2060:2014, the ICVCM Core
        Carbon Principles or the SBTi Corporate Net-Zero Standard; when set it
        is reported as a user policy, never as a standard's rule.
    net_zero_min_reduction : float
        Long-term reduction below base required before a net-zero claim.
        Default 0.90 (SBTi Corporate Net-Zero Standard, cross-sector).
    min_permanence_years : int, optional
        For net-zero claims, refuse removal credits with a shorter (or
        unrecorded) permanence horizon.  Off by default (a policy choice:
        horizons are not harmonised across crediting programmes).
    beneficiary_aliases : tuple of str
        Other names under which retirements count as on behalf of the claimant
        (e.g. a legal name beside a trading name).
    """

    retirement_window_months: int = attrs.field(default=RETIREMENT_WINDOW_MONTHS)
    max_vintage_age_years: int | None = attrs.field(default=None, validator=_nonneg_int_or_none)
    net_zero_min_reduction: float = attrs.field(default=NET_ZERO_MIN_REDUCTION, validator=_fraction)
    min_permanence_years: int | None = attrs.field(default=None, validator=_nonneg_int_or_none)
    beneficiary_aliases: tuple[str, ...] = attrs.field(default=(), converter=names)

    @retirement_window_months.validator
    def _check_window(self, attribute: Any, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InputError(f"must be a whole number of months >= 0, got {value!r}", column=attribute.name)


def nonneg_number(instance: Any, attribute: Any, value: Any) -> None:
    """attrs validator: ``None`` or a finite number >= 0."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise InputError(f"must be a finite number >= 0, got {value!r}", column=attribute.name)


def to_float(value: Any) -> Any:
    """attrs converter: a number as ``float``; anything else unchanged, for the validator to report."""
    if isinstance(value, bool):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def _opt_float(value: Any) -> Any:
    return None if value is None else to_float(value)


@attrs.frozen
class ReductionEvidence:
    """Evidence that emissions fell before offsets were used (the mitigation hierarchy).

    Parameters
    ----------
    period_index : int
        1 for the first period claimed, 2 for the next, ...
    reference_label : str
        What the period is compared with ("previous period" by default, as
        PAS 2060:2014 leaves the comparator open; or e.g. "base year 2019").
    reference_emissions : float, optional
        E of the reference, t CO2e, on the same boundary and basis.
    intensity, reference_intensity : float, optional
        Emission intensity now and in the reference (same unit).
    intensity_unit : str, optional
        E.g. ``"t CO2e per million USD revenue"``.
    base_year : int, optional
        Base year of the reduction targets.
    base_emissions : float, optional
        Base-year emissions, t CO2e; needed for a net-zero claim.
    actions : tuple of str
        Reduction actions taken, for the report.
    """

    period_index: int = attrs.field(default=1)
    reference_label: str = attrs.field(default="previous period", converter=str)
    reference_emissions: float | None = attrs.field(default=None, converter=_opt_float, validator=nonneg_number)
    intensity: float | None = attrs.field(default=None, converter=_opt_float, validator=nonneg_number)
    reference_intensity: float | None = attrs.field(default=None, converter=_opt_float, validator=nonneg_number)
    intensity_unit: str | None = attrs.field(default=None)
    base_year: int | None = attrs.field(default=None, validator=_nonneg_int_or_none)
    base_emissions: float | None = attrs.field(default=None, converter=_opt_float, validator=nonneg_number)
    actions: tuple[str, ...] = attrs.field(default=(), converter=names)

    @period_index.validator
    def _check_index(self, attribute: Any, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InputError(f"must be a whole number >= 1, got {value!r}", column="period_index")
