"""The carbon-neutrality balance and the claim checks.

:class:`Balance` is the balance equation of standards.md §2.4, for one subject
and one period::

    E        = emissions in the boundary + reversals of earlier removals   (t CO2e)
    R        = in-boundary removals, reported separately                   (t CO2e)
    residual = E - R
    C        = credits that pass the credit checks, retired for this subject and period
    neutral  = C >= residual;  surplus = C - residual, shown and not transferable

:func:`check_claim` evaluates a claim against ``"ISO 14068-1"`` (carbon
neutrality) or ``"net-zero"`` (SBTi-style) and returns every rule with
``pass``, ``fail`` or ``warning`` and the reason.  A failed check is a result,
not an exception; :class:`~neutralcore.ClaimError` means the claim could not
be evaluated at all.

Sources and their weight
------------------------
Each rule names its source and carries the evidence tag of
``standards.md`` (the project's reference notes):

- ``P``: seen in the primary text or a faithful copy;
- ``S`` / ``S2+``: seen only in secondary summaries (one / two or more);
- ``U``: not verified; ``C``: a constructed rule or a policy choice.

The full texts of ISO 14068-1:2023 and of the SBTi Net-Zero Standard were not
available; most credit rules (the 12-month retirement window, ex-post
issuance, retirement on behalf of the claimant) rest on secondary summaries of
ISO 14068-1 §11 and each says so in its description.  A maximum vintage age is
**not** a rule of any standard found; it exists only as a user policy
(:attr:`ClaimPolicy.max_vintage_age_years`, off by default).

This module takes emissions as plain numbers (tonnes CO2e) and does not import
the measuring core; :meth:`Balance.from_emissions` duck-types a
``neutralcore.Emissions`` result.
"""

from __future__ import annotations

import datetime as _dt
import enum
import math
import numbers
import re
from typing import Any, Iterable, Iterator, Mapping

import attrs

from neutralcore._core.validators import FrozenMap
from neutralcore.errors import ClaimError, InputError
from neutralcore.offsets.ledger import Retirement
from neutralcore.offsets.credits import CorrespondingAdjustment, CreditKind, Period, Programme, RemovalType, add_months

__all__ = [
    "CheckStatus",
    "SubjectType",
    "ClaimPolicy",
    "ReductionEvidence",
    "ClaimCheck",
    "ClaimResult",
    "Balance",
    "check_claim",
    "STANDARDS",
]

#: Standards :func:`check_claim` knows, by canonical name.
STANDARDS = ("ISO 14068-1", "net-zero")

#: Retirement window after the period end, months: ISO 14068-1 §11.2 per
#: 360impactportfolio.com (standards.md ISO-CR-02, [S], single secondary source).
RETIREMENT_WINDOW_MONTHS = 12
#: Long-term reduction below base before residuals may be neutralised: SBTi
#: Corporate Net-Zero Standard v1.x, cross-sector (standards.md SBT-LT-01, [S2+]).
NET_ZERO_MIN_REDUCTION = 0.90

_SECONDARY = {"S": "a single secondary summary", "S2+": "two or more secondary summaries"}


# -- vocabularies ------------------------------------------------------------------


class CheckStatus(str, enum.Enum):
    """Outcome of one rule."""

    PASS = "pass"
    FAIL = "fail"
    WARNING = "warning"


class SubjectType(str, enum.Enum):
    """What a claim is about (standards.md DEF-02).

    ISO 14068-1 covers organisations (including companies, local authorities
    and financial institutions) and products (goods, services, buildings,
    events); it is not for territories (countries, regions, states, cities).
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


def _names(value: Any) -> tuple[str, ...]:
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
        Default 12 (ISO 14068-1 §11.2 per a secondary summary, ISO-CR-02 [S]);
        any other value is reported as a user policy.
    max_vintage_age_years : int, optional
        Refuse credits whose vintage ended more than this many calendar years
        before the period end year.  **Off by default**: no stored source gives
        a maximum vintage age for ISO 14068-1, PAS 2060, ICVCM or SBTi
        (standards.md ISO-CR-08 [C], §6.3); when set it is reported as a user
        policy, never as a standard's rule.
    net_zero_min_reduction : float
        Long-term reduction below base required before a net-zero claim.
        Default 0.90 (SBTi cross-sector, SBT-LT-01 [S2+]).
    min_permanence_years : int, optional
        For net-zero claims, refuse removal credits with a shorter (or
        unrecorded) permanence horizon.  Off by default ([C] policy; horizons
        are not harmonised across programmes, CCP-02).
    beneficiary_aliases : tuple of str
        Other names under which retirements count as on behalf of the claimant
        (e.g. a legal name beside a trading name).
    """

    retirement_window_months: int = attrs.field(default=RETIREMENT_WINDOW_MONTHS)
    max_vintage_age_years: int | None = attrs.field(default=None, validator=_nonneg_int_or_none)
    net_zero_min_reduction: float = attrs.field(default=NET_ZERO_MIN_REDUCTION, validator=_fraction)
    min_permanence_years: int | None = attrs.field(default=None, validator=_nonneg_int_or_none)
    beneficiary_aliases: tuple[str, ...] = attrs.field(default=(), converter=_names)

    @retirement_window_months.validator
    def _check_window(self, attribute: Any, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InputError(f"must be a whole number of months >= 0, got {value!r}", column=attribute.name)


def _finite_nonneg(instance: Any, attribute: Any, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise InputError(f"must be a finite number >= 0, got {value!r}", column=attribute.name)


def _opt_float(value: Any) -> float | None:
    return None if value is None else _to_float(value)


def _to_float(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return value  # the validator reports it


@attrs.frozen
class ReductionEvidence:
    """Evidence that emissions fell before offsets were used (the mitigation hierarchy).

    Parameters
    ----------
    period_index : int
        1 for the first period claimed, 2 for the next, ...
    reference_label : str
        What the period is compared with ("previous period" by default, as
        PAS-RD-01 leaves the comparator open [U]; or e.g. "base year 2019").
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
    reference_emissions: float | None = attrs.field(default=None, converter=_opt_float, validator=_finite_nonneg)
    intensity: float | None = attrs.field(default=None, converter=_opt_float, validator=_finite_nonneg)
    reference_intensity: float | None = attrs.field(default=None, converter=_opt_float, validator=_finite_nonneg)
    intensity_unit: str | None = attrs.field(default=None)
    base_year: int | None = attrs.field(default=None, validator=_nonneg_int_or_none)
    base_emissions: float | None = attrs.field(default=None, converter=_opt_float, validator=_finite_nonneg)
    actions: tuple[str, ...] = attrs.field(default=(), converter=_names)

    @period_index.validator
    def _check_index(self, attribute: Any, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InputError(f"must be a whole number >= 1, got {value!r}", column="period_index")


def _str_tuple(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _check_tuple(values: Iterable[ClaimCheck]) -> tuple[ClaimCheck, ...]:
    return tuple(values)


@attrs.frozen
class ClaimCheck:
    """The result of one rule.

    Attributes
    ----------
    rule : str
        Rule id from standards.md (e.g. ``"ISO-CR-02"``), with a suffix where
        one source rule is split into several checks.
    title : str
        What the rule requires.
    status : CheckStatus
    reason : str
        Why it passed, failed or warned, with the numbers and the credit blocks concerned.
    source : str
        Where the rule comes from.
    evidence : str
        ``"P"``, ``"S"``, ``"S2+"``, ``"U"`` or ``"C"`` (see the module docstring).
    credits : tuple of str
        Serials of the credit blocks the result concerns (failed or warned), if any.
    """

    rule: str
    title: str
    status: CheckStatus = attrs.field(converter=CheckStatus)
    reason: str
    source: str
    evidence: str = attrs.field(validator=attrs.validators.in_(("P", "S", "S2+", "U", "C")))
    credits: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)

    @property
    def secondary(self) -> bool:
        """Whether the rule rests only on secondary summaries of the standard."""
        return self.evidence in _SECONDARY

    @property
    def description(self) -> str:
        """Title, source and how well the source is supported, in one sentence."""
        note = {
            "P": "primary text or a faithful copy",
            "S": "rests on a single secondary summary, not the standard's own text",
            "S2+": "rests on secondary summaries, not the standard's own text",
            "U": "not verified in any source; a default to review",
            "C": "a constructed rule or user policy, not a requirement of a standard",
        }[self.evidence]
        return f"{self.title}. Source: {self.source} [{self.evidence}: {note}]."

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "rule": self.rule,
            "title": self.title,
            "status": self.status.value,
            "reason": self.reason,
            "source": self.source,
            "evidence": self.evidence,
            "description": self.description,
            "credits": list(self.credits),
        }


@attrs.frozen
class ClaimResult:
    """Every check of one claim; iterate over it for the :class:`ClaimCheck` objects.

    ``ok`` is true when no check failed (warnings do not block a claim but
    belong in the report).
    """

    standard: str
    checks: tuple[ClaimCheck, ...] = attrs.field(converter=_check_tuple)

    def __iter__(self) -> Iterator[ClaimCheck]:
        return iter(self.checks)

    def __len__(self) -> int:
        return len(self.checks)

    def __getitem__(self, rule: str) -> ClaimCheck:
        """The check whose rule id is *rule*."""
        for check in self.checks:
            if check.rule == rule:
                return check
        raise KeyError(rule)

    @property
    def ok(self) -> bool:
        """True when no check failed."""
        return not self.failed

    @property
    def failed(self) -> tuple[ClaimCheck, ...]:
        return tuple(c for c in self.checks if c.status is CheckStatus.FAIL)

    @property
    def warnings(self) -> tuple[ClaimCheck, ...]:
        return tuple(c for c in self.checks if c.status is CheckStatus.WARNING)

    @property
    def passed(self) -> tuple[ClaimCheck, ...]:
        return tuple(c for c in self.checks if c.status is CheckStatus.PASS)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {"standard": self.standard, "ok": self.ok, "checks": [c.to_dict() for c in self.checks]}


# -- helpers -------------------------------------------------------------------------


def _ref(r: Retirement) -> str:
    """How a credit block is named in check reasons: its registry serial, else programme, project and range."""
    o = r.offset
    return o.serial if o.registry_serial is not None else o.label


def _norm_name(name: str) -> str:
    return " ".join(name.casefold().split())


def _tonnes_fmt(value: float) -> str:
    text = f"{value:,.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _as_of(value: Any) -> _dt.date:
    """The assessment date: *value* (a date or ISO string) or today."""
    if value is None:
        return _dt.date.today()
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ClaimError(f"as_of must be a date or an ISO date string, got {value!r}", as_of=repr(value))


def _standard(name: str) -> str:
    key = re.sub(r"[\s_\-:]+", "", str(name).lower())
    if key.startswith("iso14068"):
        return "ISO 14068-1"
    if key in ("netzero", "sbtinetzero", "sbti"):
        return "net-zero"
    raise ClaimError(
        f"unknown standard {name!r}; check_claim knows {', '.join(STANDARDS)}", standard=name
    )


def _tonnes(value: Any) -> float:
    """Magnitude in tonnes of a pint Quantity (or a plain number)."""
    try:
        return float(value.to("t").magnitude)
    except Exception:
        try:
            return float(value)
        except Exception as exc:
            raise ClaimError(
                f"cannot read {value!r} as tonnes CO2e; pass plain numbers in tonnes instead",
                value=repr(value),
            ) from exc


def _scope_rows(rows: Any) -> dict[str, float]:
    """``{"scope 1": t, ...}`` from a mapping, row dicts with ``scope``/``co2e_t``, or pairs.

    Integer scope labels (``1``, ``2``, ``3``) become ``"scope 1"`` etc.
    """
    if hasattr(rows, "items"):
        return {str(k): _tonnes(v) for k, v in rows.items()}
    out: dict[str, float] = {}
    for row in rows:
        if isinstance(row, Mapping):
            value = next((row[k] for k in ("co2e_t", "co2e", "value", "total") if k in row), None)
            if "scope" not in row or value is None:
                raise ClaimError(
                    f"cannot read a scope row {row!r}; pass by_scope={{'scope 1': ..., ...}} explicitly",
                    row=repr(row),
                )
            key = row["scope"]
        else:
            key, value = row
        name = f"scope {key}" if isinstance(key, numbers.Integral) and not isinstance(key, bool) else str(key)
        out[name] = out.get(name, 0.0) + _tonnes(value)
    return {k: out[k] for k in sorted(out, key=_scope_order)}


def _scope2_basis_of(emissions: Any, s2: Any, total: float) -> str | None:
    """Which of ``s2.location`` / ``s2.market`` *emissions* is (``None`` if it cannot be told)."""
    method = getattr(emissions, "scope2_method", None)
    if method in ("location", "market"):
        return str(method)
    market, location = _tonnes(s2.market.total()), _tonnes(s2.location.total())
    is_market = math.isclose(total, market, rel_tol=1e-12, abs_tol=1e-9)
    is_location = math.isclose(total, location, rel_tol=1e-12, abs_tol=1e-9)
    if is_market != is_location:
        return "market" if is_market else "location"
    return None


def _scope_order(name: str) -> tuple[int, float, str]:
    m = re.fullmatch(r"scope\s*(\d+)", name.strip().casefold())
    return (0, float(m[1]), name) if m else (1, 0.0, name)


def _by_scope(value: Any) -> Mapping[str, float]:
    if value is None:
        return FrozenMap({})
    if not hasattr(value, "items"):
        raise InputError("by_scope must be a mapping such as {'scope 1': 7000.0}", column="by_scope")
    return FrozenMap({str(k): _to_float(v) for k, v in value.items()})


def _credits(value: Any) -> tuple[Retirement, ...]:
    if isinstance(value, Retirement):
        return (value,)
    return tuple(value)


@attrs.frozen
class _CreditAssessment:
    """Per-credit findings: rule id -> (status, note) for each retirement."""

    findings: tuple[tuple[Retirement, tuple[tuple[str, CheckStatus, str], ...]], ...]

    def eligible(self) -> tuple[Retirement, ...]:
        return tuple(r for r, f in self.findings if all(s is not CheckStatus.FAIL for _, s, _ in f))

    def excluded(self) -> tuple[tuple[Retirement, tuple[str, ...]], ...]:
        return tuple(
            (r, tuple(f"{rule}: {note}" for rule, s, note in f if s is CheckStatus.FAIL))
            for r, f in self.findings
            if any(s is CheckStatus.FAIL for _, s, _ in f)
        )


# -- the balance ---------------------------------------------------------------------


@attrs.frozen
class Balance:
    """Emissions, removals and credits of one subject for one period.

    All quantities are tonnes CO2e as plain numbers.

    Parameters
    ----------
    subject : str
        The organisation or product the claim is about.
    subject_type : SubjectType or str
        ``"organisation"``, ``"product"`` or a territory type ("country", "city", ...).
    period : Period
        The reporting period.
    emissions : float
        Emissions in the boundary (inventory total, excluding reversals).
    by_scope : mapping of str to float
        Breakdown of *emissions*, e.g. ``{"scope 1": 7000.0, "scope 2": 5000.0}``;
        must add up to *emissions*.
    gwp_set : str
        GWP set used (e.g. ``"AR6 GWP100"``).
    scope2_basis : {"location", "market"}
        Which Scope 2 figure is in E; no source fixes it, so it must be stated (standards.md §2.4 [U]).
    boundary : str
        Boundary description: consolidation approach and included categories.
    removals : float
        In-boundary removals R, reported separately (ISO-QF-03).
    reversals : float
        Reversals of removals counted in earlier periods; added to E (ISO-QF-04).
    credits : sequence of Retirement
        Retired credit blocks offered for this claim (usually
        ``ledger.retirements(subject, period)``).
    claimant : str, optional
        The entity on whose behalf credits must be retired; defaults to *subject*.
    reduction : ReductionEvidence, optional
        Evidence of reductions (required after the first period).
    policy : ClaimPolicy
        User choices; see :class:`ClaimPolicy`.
    scope2_figures : mapping, optional
        Both Scope 2 totals, ``{"location": t, "market": t}``, for dual reporting
        (GHG Protocol Scope 2 Guidance, S2-DR-01).  When given, ``by_scope["scope 2"]``
        must equal the figure of *scope2_basis*.
    disclosures : tuple of str
        Notes on how the footprint was computed (e.g. the market-based Scope 2
        disclosures of :class:`neutralcore.measure.scope2.Scope2Result`), printed in the report.

    Examples
    --------
    >>> b = Balance(subject="Acme Ltd", subject_type="organisation", period=Period.year(2024),
    ...             emissions=12000.0, by_scope={"scope 1": 7000.0, "scope 2": 5000.0},
    ...             gwp_set="AR6 GWP100", scope2_basis="market", removals=500.0)
    >>> b.residual, b.C, b.shortfall
    (11500.0, 0, 11500.0)
    """

    subject: str = attrs.field(converter=lambda v: str(v).strip())
    subject_type: SubjectType = attrs.field(converter=SubjectType.parse)  # type: ignore[misc]  # attrs plugin: converter factory
    period: Period = attrs.field()
    emissions: float = attrs.field(converter=_to_float, validator=_finite_nonneg)
    by_scope: Mapping[str, float] = attrs.field(converter=_by_scope, eq=False)
    gwp_set: str = attrs.field(converter=lambda v: str(v).strip())
    scope2_basis: str = attrs.field(converter=lambda v: str(v).strip().lower().removesuffix("-based"))
    boundary: str = attrs.field(default="", converter=lambda v: str(v).strip())
    removals: float = attrs.field(default=0.0, converter=_to_float, validator=_finite_nonneg)
    reversals: float = attrs.field(default=0.0, converter=_to_float, validator=_finite_nonneg)
    credits: tuple[Retirement, ...] = attrs.field(default=(), converter=_credits)
    claimant: str | None = attrs.field(default=None)
    reduction: ReductionEvidence | None = attrs.field(default=None)
    policy: ClaimPolicy = attrs.field(factory=ClaimPolicy)
    scope2_figures: Mapping[str, float] = attrs.field(factory=dict, converter=_by_scope, eq=False)
    disclosures: tuple[str, ...] = attrs.field(default=(), converter=_names)

    @subject.validator
    def _check_subject(self, attribute: Any, value: str) -> None:
        if not value:
            raise InputError("the subject must be named", column="subject")

    @period.validator
    def _check_period(self, attribute: Any, value: Any) -> None:
        if not isinstance(value, Period):
            raise InputError(f"period must be a Period, got {type(value).__name__}", column="period")

    @by_scope.validator
    def _check_scopes(self, attribute: Any, value: Mapping[str, Any]) -> None:
        for key, v in value.items():
            if isinstance(v, bool) or not isinstance(v, float) or not math.isfinite(v) or v < 0:
                raise InputError(f"scope {key!r}: must be a finite number >= 0, got {v!r}", column="by_scope")
        if value:
            total = math.fsum(value.values())
            if not math.isclose(total, self.emissions, rel_tol=1e-9, abs_tol=1e-6):
                raise InputError(
                    f"scopes add up to {_tonnes_fmt(total)} t but emissions are {_tonnes_fmt(self.emissions)} t",
                    column="by_scope",
                )

    @gwp_set.validator
    def _check_gwp(self, attribute: Any, value: str) -> None:
        if not value:
            raise InputError("the GWP set must be stated (e.g. 'AR6 GWP100')", column="gwp_set")

    @scope2_basis.validator
    def _check_basis(self, attribute: Any, value: str) -> None:
        if value not in ("location", "market"):
            raise InputError(f"must be 'location' or 'market', got {value!r}", column="scope2_basis")

    @scope2_figures.validator
    def _check_scope2_figures(self, attribute: Any, value: Mapping[str, Any]) -> None:
        for key, v in value.items():
            if key not in ("location", "market"):
                raise InputError(f"keys must be 'location' and/or 'market', got {key!r}", column="scope2_figures")
            if isinstance(v, bool) or not isinstance(v, float) or not math.isfinite(v) or v < 0:
                raise InputError(f"{key}: must be a finite number >= 0, got {v!r}", column="scope2_figures")
        in_e = value.get(self.scope2_basis)
        listed = self.by_scope.get("scope 2")
        if in_e is not None and listed is not None and not math.isclose(listed, in_e, rel_tol=1e-9, abs_tol=1e-6):
            raise InputError(
                f"by_scope gives scope 2 as {_tonnes_fmt(listed)} t, but the {self.scope2_basis}-based figure is "
                f"{_tonnes_fmt(in_e)} t: the Scope 2 basis stated is not the one in E",
                column="scope2_basis",
            )

    @credits.validator
    def _check_credits(self, attribute: Any, value: tuple[Any, ...]) -> None:
        for i, item in enumerate(value):
            if not isinstance(item, Retirement):
                raise InputError(
                    f"credit {i} is a {type(item).__name__}; pass retirements from OffsetLedger.retire/retirements",
                    column="credits",
                )

    @claimant.validator
    def _check_claimant(self, attribute: Any, value: Any) -> None:
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise InputError(f"must be a non-empty string or None, got {value!r}", column="claimant")

    @reduction.validator
    def _check_reduction(self, attribute: Any, value: Any) -> None:
        if value is not None and not isinstance(value, ReductionEvidence):
            raise InputError("reduction must be a ReductionEvidence", column="reduction")

    @policy.validator
    def _check_policy(self, attribute: Any, value: Any) -> None:
        if not isinstance(value, ClaimPolicy):
            raise InputError("policy must be a ClaimPolicy", column="policy")

    # -- construction --------------------------------------------------------------

    @classmethod
    def from_emissions(cls, emissions: Any, **kw: Any) -> "Balance":
        """Build a balance from a ``neutralcore.Emissions`` result (duck-typed).

        Uses ``emissions.total()`` (a pint Quantity, read in tonnes) for E,
        ``emissions.by("scope")`` for ``by_scope`` unless *by_scope* is given,
        and ``emissions.gwp`` for ``gwp_set`` unless given.  Every other
        :class:`Balance` field is passed through *kw*.

        The Scope 2 basis is read from the result: a result computed with
        ``scope2="market"`` is market-based, one computed with
        ``scope2="location"`` or without *scope2* is location-based.  Both
        Scope 2 figures and the market-based disclosures are carried into the
        report.  A *scope2_basis* that contradicts the result is refused; for
        a duck-typed object without ``scope2`` it must be given.

        Raises
        ------
        ClaimError
            When the object does not provide readable totals or scope rows,
            when the Scope 2 basis is missing or contradicts the result, or
            when the inventory's activity years lie outside *period*.
        """
        try:
            total = _tonnes(emissions.total())
        except AttributeError as exc:
            raise ClaimError(
                f"{type(emissions).__name__} has no total(); pass emissions= as tonnes to Balance(...)"
            ) from exc
        if "by_scope" not in kw:
            try:
                kw["by_scope"] = _scope_rows(emissions.by("scope"))
            except AttributeError as exc:
                raise ClaimError(
                    f"{type(emissions).__name__} has no by('scope'); pass by_scope= explicitly"
                ) from exc
        if "gwp_set" not in kw and getattr(emissions, "gwp", None):
            kw["gwp_set"] = f"{emissions.gwp} GWP100"

        detected: str | None = None
        s2 = getattr(emissions, "scope2", None)
        if s2 is not None and hasattr(s2, "location") and hasattr(s2, "market"):
            figures = {"location": _tonnes(s2.location_total()), "market": _tonnes(s2.market_total())}
            detected = _scope2_basis_of(emissions, s2, total)
            kw.setdefault("scope2_figures", figures)
            kw.setdefault("disclosures", tuple(getattr(s2, "disclosures", ())))
        elif hasattr(emissions, "scope2") and hasattr(emissions, "inventory"):
            detected = "location"  # neutralcore.Emissions computed without scope2=: grid-average factors
        given = kw.get("scope2_basis")
        if given is None:
            if detected is None:
                raise ClaimError(
                    f"cannot tell which Scope 2 figure {type(emissions).__name__} holds; pass scope2_basis="
                    "'location' or 'market'"
                )
            kw["scope2_basis"] = detected
        elif detected is not None and str(given).strip().lower().removesuffix("-based") != detected:
            raise ClaimError(
                f"scope2_basis={given!r}, but these emissions are {detected}-based"
                + ("" if s2 is not None else " (computed without scope2=; use inv.emissions(factors, "
                   "scope2='market', instruments=..., entity=...) for a market-based figure)"),
                scope2_basis=str(given),
            )

        period = kw.get("period")
        years = getattr(getattr(emissions, "inventory", None), "year", None)
        if isinstance(period, Period) and years is not None and len(years):
            lo, hi = int(years.min()), int(years.max())
            if lo < period.start.year or hi > period.end.year:
                raise ClaimError(
                    f"the inventory's activity years are {lo}" + (f"-{hi}" if hi != lo else "")
                    + f", outside the period {period}: E must be the emissions of the period claimed",
                    period=str(period),
                )
        return cls(emissions=total, **kw)

    # -- the equation --------------------------------------------------------------

    @property
    def E(self) -> float:  # noqa: N802 - the standard's symbol
        """Emissions in the boundary plus reversals of earlier removals (ISO-QF-04)."""
        return self.emissions + self.reversals

    @property
    def R(self) -> float:  # noqa: N802
        """In-boundary removals."""
        return self.removals

    @property
    def residual(self) -> float:
        """``E - R``."""
        return self.E - self.R

    @property
    def claimant_name(self) -> str:
        """The entity credits must be retired on behalf of."""
        return (self.claimant or self.subject).strip()

    def _assess(self) -> _CreditAssessment:
        return _assess_credits(self)

    @property
    def eligible_credits(self) -> tuple[Retirement, ...]:
        """Retirements that pass every credit check (they make up C)."""
        return self._assess().eligible()

    @property
    def excluded_credits(self) -> tuple[tuple[Retirement, tuple[str, ...]], ...]:
        """Retirements left out of C, each with the reasons."""
        return self._assess().excluded()

    @property
    def C(self) -> int:  # noqa: N802
        """Credits (t CO2e) that pass the checks and are retired for this subject and period."""
        return sum(r.quantity for r in self.eligible_credits)

    @property
    def removal_credits(self) -> int:
        """The part of C that is removal credits."""
        return sum(r.quantity for r in self.eligible_credits if r.offset.kind is CreditKind.REMOVAL)

    @property
    def is_neutral(self) -> bool:
        """``C >= residual``."""
        return self.C >= self.residual

    @property
    def shortfall(self) -> float:
        """How much of the residual is not covered by C (0 when neutral)."""
        return max(0.0, self.residual - self.C)

    @property
    def surplus(self) -> float:
        """Credits beyond the residual; shown, and not transferable to another subject or period."""
        return max(0.0, self.C - max(self.residual, 0.0))

    @property
    def result(self) -> str:
        """``"neutral"`` or ``"short"``."""
        return "neutral" if self.is_neutral else "short"

    def outcome(self, standard: str = "ISO 14068-1") -> dict[str, Any]:
        """The balance under *standard*: which credits count, the shortfall, the surplus and the result.

        ``"ISO 14068-1"`` counts C (every eligible credit); ``"net-zero"``
        counts only the eligible removal credits, since avoidance credits
        cannot neutralise residual emissions (SBT-NZ-01, DEF-05).

        A net-zero balance can be claimed only once the long-term reduction
        (``policy.net_zero_min_reduction`` below the base year, SBT-LT-01) is
        reached, so removals that cover the residual before then give the
        result ``"not claimable"``, not ``"balanced by removals"``.

        Returns
        -------
        dict
            ``standard``, ``counted_t``, ``balanced``, ``result`` (``"neutral"``
            or ``"short"`` for ISO 14068-1; ``"balanced by removals"``,
            ``"not claimable"`` or ``"short"`` for net zero), ``shortfall_t``
            and ``surplus_t``; for net zero also ``long_term_cut`` (share
            below base-year emissions, ``None`` without them) and
            ``long_term_reached``.
        """
        std = _standard(standard)
        counted = self.removal_credits if std == "net-zero" else self.C
        balanced = counted >= self.residual
        out: dict[str, Any] = {"standard": std, "counted_t": counted, "balanced": balanced}
        if std == "net-zero":
            base = self.reduction.base_emissions if self.reduction is not None else None
            cut = 1.0 - self.E / base if base else None
            reached = cut is not None and cut >= self.policy.net_zero_min_reduction - 1e-12
            out["result"] = ("balanced by removals" if reached else "not claimable") if balanced else "short"
            out["long_term_cut"] = cut
            out["long_term_reached"] = reached
        else:
            out["result"] = "neutral" if balanced else "short"
        out["shortfall_t"] = max(0.0, self.residual - counted)
        out["surplus_t"] = max(0.0, counted - max(self.residual, 0.0))
        return out

    def statement(self, standard: str = "ISO 14068-1") -> str:
        """The balance statement under *standard* in one paragraph."""
        out = self.outcome(standard)
        nz = out["standard"] == "net-zero"
        head = (
            f"E = {_tonnes_fmt(self.E)} t CO2e"
            + (f" (including {_tonnes_fmt(self.reversals)} t of reversed removals)" if self.reversals else "")
            + f", R = {_tonnes_fmt(self.R)} t, residual E − R = {_tonnes_fmt(self.residual)} t, "
        )
        excluded = sum(r.quantity for r, _ in self.excluded_credits)
        if nz:
            head += f"eligible removal credits = {_tonnes_fmt(out['counted_t'])} t (only removals count for net zero"
            avoidance = self.C - self.removal_credits
            if avoidance:
                head += f"; {_tonnes_fmt(avoidance)} t of eligible avoidance credits do not count"
            head += ")"
        else:
            head += f"C = {_tonnes_fmt(self.C)} t of eligible retired credits"
        if excluded:
            head += f" ({_tonnes_fmt(excluded)} t more offered but excluded by the checks)"
        relation = "removal credits ≥ E − R" if nz else "C ≥ E − R"
        if out["result"] == "not claimable":
            cut = out["long_term_cut"]
            need = f"at least {self.policy.net_zero_min_reduction:.0%} below base-year emissions first"
            tail = (f"Result: removal credits cover E − R, but net zero cannot be claimed for {self.subject}, "
                    f"{self.period}: " + (f"E is {cut:.1%} below the base year and the long-term target needs {need}"
                                          if cut is not None else
                                          f"no base-year emissions were given, and the long-term target needs {need}"))
        elif out["balanced"]:
            tail = f"Result: balanced ({relation}) for {self.subject}, {self.period}"
            if out["surplus_t"]:
                tail += (
                    f"; surplus {_tonnes_fmt(out['surplus_t'])} t, which is not transferable to another subject "
                    "or period"
                )
        else:
            tail = (f"Result: not balanced: short by {_tonnes_fmt(out['shortfall_t'])} t CO2e"
                    + (" of removal credits" if nz else ""))
        return f"{head}. {tail}."

    def check(
        self,
        standard: str = "ISO 14068-1",
        policy: ClaimPolicy | None = None,
        *,
        as_of: _dt.date | str | None = None,
    ) -> ClaimResult:
        """Shortcut for :func:`check_claim`."""
        return check_claim(self, standard=standard, policy=policy, as_of=as_of)

    def report(
        self,
        format: str = "markdown",
        *,
        standard: str = "ISO 14068-1",
        policy: ClaimPolicy | None = None,
        as_of: _dt.date | str | None = None,
    ) -> str:
        """Render the carbon-neutrality report: ``"markdown"``, ``"html"`` or ``"json"``.

        See :func:`neutralcore.claim.report.render`.
        """
        from neutralcore.claim.report import render

        return render(self, format=format, standard=standard, policy=policy, as_of=as_of)

    def to_dict(self, standard: str = "ISO 14068-1") -> dict[str, Any]:
        """Return a JSON-ready dict of inputs and results; ``result``, ``shortfall_t`` and ``surplus_t`` follow *standard*."""
        red = self.reduction
        eligible = {id(r) for r in self.eligible_credits}
        out = self.outcome(standard)
        return {
            "subject": self.subject,
            "subject_type": self.subject_type.value,
            "claimant": self.claimant_name,
            "period_start": self.period.start.isoformat(),
            "period_end": self.period.end.isoformat(),
            "boundary": self.boundary,
            "gwp_set": self.gwp_set,
            "scope2_basis": self.scope2_basis,
            "scope2_figures_t": dict(self.scope2_figures),
            "disclosures": list(self.disclosures),
            "by_scope_t": dict(self.by_scope),
            "emissions_t": self.emissions,
            "reversals_t": self.reversals,
            "E_t": self.E,
            "R_t": self.R,
            "residual_t": self.residual,
            "C_t": self.C,
            "removal_credits_t": self.removal_credits,
            "standard": out["standard"],
            "counted_credits_t": out["counted_t"],
            "result": out["result"],
            "shortfall_t": out["shortfall_t"],
            "surplus_t": out["surplus_t"],
            "surplus_transferable": False,
            "reduction": attrs.asdict(red) if red is not None else None,
            "policy": attrs.asdict(self.policy),
            "credits": [
                {**r.to_dict(), "eligible": id(r) in eligible} for r in self.credits
            ],
        }


# -- the checks ------------------------------------------------------------------------

_ISO11 = "ISO 14068-1:2023 §11 (credits), as summarised by 360impactportfolio.com"


def _overlapping(credits: tuple[Retirement, ...]) -> set[int]:
    clash: set[int] = set()
    for i in range(len(credits)):
        for j in range(i + 1, len(credits)):
            if credits[i].offset.overlaps(credits[j].offset):
                clash.update((i, j))
    return clash


def _assess_credits(b: Balance) -> _CreditAssessment:
    policy = b.policy
    names = {_norm_name(n) for n in (b.claimant_name, *policy.beneficiary_aliases)}
    deadline = add_months(b.period.end, policy.retirement_window_months)
    clash = _overlapping(b.credits)
    out = []
    for i, r in enumerate(b.credits):
        o = r.offset
        f: list[tuple[str, CheckStatus, str]] = []
        if _norm_name(r.beneficiary) in names:
            f.append(("ISO-CR-01.beneficiary", CheckStatus.PASS, f"retired on behalf of {r.beneficiary!r}"))
        else:
            f.append(
                (
                    "ISO-CR-01.beneficiary",
                    CheckStatus.FAIL,
                    f"beneficiary {r.beneficiary!r} is not the claimant {b.claimant_name!r}",
                )
            )
        if r.subject == b.subject and r.period == b.period:
            f.append(("ISO-CR-01.period", CheckStatus.PASS, "retired for this subject and period"))
        else:
            f.append(
                (
                    "ISO-CR-01.period",
                    CheckStatus.FAIL,
                    f"retired for subject {r.subject!r}, period {r.period}, not {b.subject!r}, {b.period}",
                )
            )
        if r.retired_on <= deadline:
            f.append(("ISO-CR-02", CheckStatus.PASS, f"retired {r.retired_on}, deadline {deadline}"))
        else:
            f.append(("ISO-CR-02", CheckStatus.FAIL, f"retired {r.retired_on}, after the deadline {deadline}"))
        if o.vintage.end > r.retired_on:
            f.append(
                ("ISO-CR-03", CheckStatus.FAIL, f"vintage ends {o.vintage.end}, after retirement on {r.retired_on}")
            )
        elif o.issuance_date is not None and o.vintage.end > o.issuance_date:
            f.append(
                ("ISO-CR-03", CheckStatus.FAIL, f"issued {o.issuance_date}, before its vintage ended {o.vintage.end}")
            )
        elif o.issuance_date is None:
            f.append(
                ("ISO-CR-03", CheckStatus.WARNING, "issuance date not recorded; ex-post issuance cannot be verified")
            )
        else:
            f.append(("ISO-CR-03", CheckStatus.PASS, "ex-post"))
        if i in clash:
            f.append(("ISO-CR-07", CheckStatus.FAIL, "its serials overlap another block in this claim"))
        else:
            f.append(("ISO-CR-07", CheckStatus.PASS, "serials used once"))
        limit = policy.max_vintage_age_years
        if limit is not None:
            age = b.period.end.year - o.vintage.end.year
            if age > limit:
                f.append(
                    ("ISO-CR-08", CheckStatus.FAIL, f"vintage ended {o.vintage.end.year}, {age} years before the period end (policy max {limit})")
                )
            else:
                f.append(("ISO-CR-08", CheckStatus.PASS, f"vintage age {age} years"))
        out.append((r, tuple(f)))
    return _CreditAssessment(tuple(out))


def _from_findings(
    assessment: _CreditAssessment, rule: str, title: str, source: str, evidence: str, empty: str
) -> ClaimCheck:
    rows = [(r, s, note) for r, f in assessment.findings for (rid, s, note) in f if rid == rule]
    if not rows:
        return ClaimCheck(rule, title, CheckStatus.PASS, empty, source, evidence)
    bad = [(r, s, note) for r, s, note in rows if s is not CheckStatus.PASS]
    if not bad:
        return ClaimCheck(rule, title, CheckStatus.PASS, f"all {len(rows)} credit block(s) pass", source, evidence)
    status = CheckStatus.FAIL if any(s is CheckStatus.FAIL for _, s, _ in bad) else CheckStatus.WARNING
    reason = "; ".join(f"{_ref(r)} ({r.quantity:,} t): {note}" for r, _, note in bad)
    if status is CheckStatus.FAIL:
        reason += ". These credits are not counted in C"
    return ClaimCheck(rule, title, status, reason, source, evidence, tuple(_ref(r) for r, _, _ in bad))


def check_claim(
    balance: Balance,
    standard: str = "ISO 14068-1",
    policy: ClaimPolicy | None = None,
    *,
    as_of: _dt.date | str | None = None,
) -> ClaimResult:
    """Check a carbon-neutrality (ISO 14068-1) or net-zero claim.

    Parameters
    ----------
    balance : Balance
    standard : {"ISO 14068-1", "net-zero"}
        ``"ISO 14068-1"``: carbon neutrality, residual balanced by eligible
        credits.  ``"net-zero"``: SBTi-style, residual balanced only by
        removal credits and only once the long-term reduction is reached.
    policy : ClaimPolicy, optional
        Overrides ``balance.policy``.
    as_of : datetime.date or ISO string, optional
        The date the claim is assessed (default: today).  A claim is made
        only after the period has ended (ISO-CL-01); before that it is a
        commitment and the check fails.

    Returns
    -------
    ClaimResult
        Every rule with pass / fail / warning, the reason and the source.

    Raises
    ------
    ClaimError
        When *standard* is unknown, *balance* is not a :class:`Balance` or *as_of* is not a date.
    """
    std = _standard(standard)
    day = _as_of(as_of)
    if not isinstance(balance, Balance):
        raise ClaimError(f"check_claim needs a Balance, got {type(balance).__name__}")
    if policy is not None:
        if not isinstance(policy, ClaimPolicy):
            raise ClaimError(f"policy must be a ClaimPolicy, got {type(policy).__name__}")
        balance = attrs.evolve(balance, policy=policy)
    b, pol = balance, balance.policy
    a = b._assess()
    checks: list[ClaimCheck] = []
    add = checks.append
    nz = std == "net-zero"
    nz_note = " (an ISO 14068-1 credit rule, applied to net-zero claims as good practice)" if nz else ""

    # the claim is ex-post
    ended = b.period.end < day
    add(ClaimCheck(
        "ISO-CL-01", "The claim is made after the period has ended (an achieved claim, not a commitment)",
        CheckStatus.PASS if ended else CheckStatus.FAIL,
        (f"the period ended on {b.period.end}, before the assessment date {day}" if ended else
         f"the period ends on {b.period.end}, not before the assessment date {day}: neutrality for it cannot "
         "yet be claimed, only committed to"),
        "ISO 14068-1:2023 separates commitments from claims (scope text [P]); claims are made ex-post for a "
        "completed period, per secondary summaries (standards.md ISO-CL-01)", "S"))

    # subject and boundary
    if nz:
        if b.subject_type is SubjectType.TERRITORY:
            add(ClaimCheck(
                "DEF-06", "Net-zero claim for a territory uses the national (IPCC) framing", CheckStatus.WARNING,
                "these checks implement the SBTi corporate reading; a territory's net zero balances its "
                "anthropogenic emissions and removals and must state which gases it covers",
                "IPCC definition of net zero, via Wikipedia-derived summaries (standards.md DEF-06)", "S"))
    elif b.subject_type is SubjectType.TERRITORY:
        add(ClaimCheck(
            "ISO-SB-01", "The subject is an organisation or a product, not a territory", CheckStatus.FAIL,
            f"{b.subject!r} is a territory; ISO 14068-1 is not intended for territories (regions, countries, "
            "states, cities); use the national / UNFCCC framing instead",
            "ISO 14068-1:2023 scope text", "P"))
    else:
        add(ClaimCheck(
            "ISO-SB-01", "The subject is an organisation or a product, not a territory", CheckStatus.PASS,
            f"{b.subject!r} is an {b.subject_type.value}" if b.subject_type is SubjectType.ORGANISATION
            else f"{b.subject!r} is a {b.subject_type.value}",
            "ISO 14068-1:2023 scope text", "P"))
    add(ClaimCheck(
        "ISO-SB-02", "The boundary is documented",
        CheckStatus.PASS if b.boundary else CheckStatus.WARNING,
        b.boundary if b.boundary else "no boundary description given (consolidation approach, categories "
        "included or excluded with justification)",
        "ISO 14068-1:2023, per secondary summaries (standards.md ISO-SB-02)", "S"))
    scopes = ", ".join(f"{k}: {_tonnes_fmt(v)} t" for k, v in b.by_scope.items())
    add(ClaimCheck(
        "GHG-SC-02", "Footprint reported by scope, with the GWP set and the Scope 2 basis stated",
        CheckStatus.PASS if b.by_scope else CheckStatus.WARNING,
        (f"{scopes}; GWP set {b.gwp_set}; Scope 2 {b.scope2_basis}-based" if b.by_scope
         else f"no breakdown by scope given; GWP set {b.gwp_set}; Scope 2 {b.scope2_basis}-based"),
        "GHG Protocol Corporate Standard (scopes reported separately), per secondary summaries; which Scope 2 "
        "figure enters E is fixed by no source found, hence disclosed (standards.md GHG-SC-02, §2.4)", "S2+"))
    add(_dual_scope2_check(b))
    if b.credits:
        add(ClaimCheck(
            "ISO-CR-04", "Credits are additional, permanent (or reversal risk mitigated) and conservatively quantified",
            CheckStatus.WARNING,
            "not assessed by neutralcore: additionality, permanence and conservative quantification are properties "
            "of each project and its methodology; check them (e.g. an ICVCM CCP label or the programme's approval) "
            "and keep the evidence with the claim",
            "ISO 14068-1:2023 §11.2(b)-(d), per secondary summaries (standards.md ISO-CR-04)", "S"))
    add(ClaimCheck(
        "ISO-QF-03", "Removals are quantified and reported separately from emissions; reversals count as emissions",
        CheckStatus.PASS,
        f"R = {_tonnes_fmt(b.R)} t reported separately; reversals of earlier removals "
        f"{_tonnes_fmt(b.reversals)} t added to E",
        "ISO 14068-1:2023 per Auditel (ISO-QF-03) and Compensate's summary of the DIS (ISO-QF-04)", "S"))

    # mitigation hierarchy / long-term reduction
    red = b.reduction
    if not nz:
        add(_reduction_check(b, red))
    else:
        base = red.base_emissions if red is not None else None
        if not base:
            add(ClaimCheck(
                "SBT-LT-01", f"Long-term reduction of at least {pol.net_zero_min_reduction:.0%} below base reached",
                CheckStatus.FAIL, "no base-year emissions given (ReductionEvidence.base_emissions); the long-term "
                "reduction cannot be shown",
                "SBTi Corporate Net-Zero Standard v1.x (≥ 90 % cross-sector), per secondary summaries", "S2+"))
        else:
            cut = 1.0 - b.E / base
            ok = cut >= pol.net_zero_min_reduction - 1e-12
            add(ClaimCheck(
                "SBT-LT-01", f"Long-term reduction of at least {pol.net_zero_min_reduction:.0%} below base reached",
                CheckStatus.PASS if ok else CheckStatus.FAIL,
                f"E = {_tonnes_fmt(b.E)} t is {cut:.1%} below base {_tonnes_fmt(base)} t"
                + (f" ({red.base_year})" if red and red.base_year else "")
                + ("" if ok else f"; net zero needs at least {pol.net_zero_min_reduction:.0%} first; "
                   "credits do not count as reductions (SBT-NZ-02)"),
                "SBTi Corporate Net-Zero Standard v1.x (≥ 90 % cross-sector), per secondary summaries"
                + ("" if pol.net_zero_min_reduction == NET_ZERO_MIN_REDUCTION else "; threshold set by user policy"),
                "S2+"))

    # credit checks
    add(_from_findings(a, "ISO-CR-01.beneficiary", "Credits retired on behalf of the claimant",
                       _ISO11 + " and others" + nz_note, "S2+", "no credits offered"))
    add(_from_findings(a, "ISO-CR-01.period", "Credits retired for this subject and period",
                       _ISO11 + " and others" + nz_note, "S2+", "no credits offered"))
    window = pol.retirement_window_months
    add(_from_findings(
        a, "ISO-CR-02", f"Credits retired within {window} months after the period end",
        ("ISO 14068-1:2023 §11.2 (12 months after the end of the reporting period), as summarised by "
         "360impactportfolio.com" if window == RETIREMENT_WINDOW_MONTHS else
         f"user policy of {window} months (ISO 14068-1:2023 §11.2 says 12, per 360impactportfolio.com)") + nz_note,
        "S" if window == RETIREMENT_WINDOW_MONTHS else "C", "no credits offered"))
    add(_from_findings(a, "ISO-CR-03", "Credits are ex-post: vintage ended before issuance and retirement",
                       "ISO 14068-1:2023 §11.1/§11.2 as summarised by 360impactportfolio.com; PAS 2060 §9.1.2(d)"
                       + nz_note, "S", "no credits offered"))
    add(_from_findings(a, "ISO-CR-07", "No serial is used twice",
                       "double-counting principle (ISO 14068-1 §11 and ICVCM CCP 8, per secondary summaries), "
                       "implemented as a serial-overlap test (standards.md ISO-CR-07, REG-04)", "C",
                       "no credits offered"))
    add(_ledger_check(b))
    add(_early_retirement_check(b))
    if pol.max_vintage_age_years is None:
        add(ClaimCheck(
            "ISO-CR-08", "Maximum vintage age (user policy, off)", CheckStatus.PASS,
            "no maximum vintage age applied: none was found in ISO 14068-1, PAS 2060, ICVCM or SBTi; set "
            "ClaimPolicy.max_vintage_age_years to apply your own",
            "user policy, not a requirement of any standard (standards.md ISO-CR-08, §6.3)", "C"))
    else:
        add(_from_findings(
            a, "ISO-CR-08", f"Vintage no older than {pol.max_vintage_age_years} years (user policy)",
            "user policy, not a requirement of any standard (standards.md ISO-CR-08, §6.3)", "C",
            "no credits offered"))
    add(_ca_check(b))
    add(_programme_check(b))
    removal_q = sum(r.quantity for r in b.credits if r.offset.kind is CreditKind.REMOVAL)
    add(ClaimCheck(
        "ISO-CR-06", "Removal credits and reduction/avoidance credits reported separately", CheckStatus.PASS,
        f"offered: {removal_q:,} t removal credits, {sum(r.quantity for r in b.credits) - removal_q:,} t "
        "avoidance/reduction credits (listed separately in the report)",
        "ISO 14068-1:2023 §11, per secondary summaries (standards.md ISO-CR-06)", "S"))

    # the balance
    if nz:
        add(_removals_only_check(b))
        add(_permanence_check(b))
    else:
        add(ClaimCheck(
            "BAL-01", "Residual emissions (E − R) fully balanced by eligible credits (C ≥ E − R)",
            CheckStatus.PASS if b.is_neutral else CheckStatus.FAIL, b.statement(),
            "balance equation of standards.md §2.4, built on ISO 14068-1's definition of carbon neutrality "
            "(scope text, DEF-01 [P]); the equation's form is constructed", "C"))
    return ClaimResult(std, tuple(checks))


def _reduction_check(b: Balance, red: ReductionEvidence | None) -> ClaimCheck:
    rule, title = "ISO-MP-04", "Reductions are evident before offsets are used (absolute or intensity)"
    source = ("ISO 14068-1:2023 mitigation hierarchy (scope text [P]); 'evidence of reductions before offsetting', "
              "per Auditel and Crown Oil; PAS 2060 requires it after the first period (PAS-RD-01 [P])")
    absolute = intensity = None
    if red is not None and red.reference_emissions is not None:
        absolute = b.E < red.reference_emissions
    if red is not None and red.intensity is not None and red.reference_intensity is not None:
        intensity = red.intensity < red.reference_intensity
    parts = []
    if absolute is not None:
        assert red is not None and red.reference_emissions is not None
        change = b.E - red.reference_emissions
        parts.append(f"absolute: E {_tonnes_fmt(b.E)} t vs {_tonnes_fmt(red.reference_emissions)} t in the "
                     f"{red.reference_label} ({'+' if change >= 0 else '−'}{_tonnes_fmt(abs(change))} t)")
    if intensity is not None:
        assert red is not None
        unit = f" {red.intensity_unit}" if red.intensity_unit else ""
        parts.append(f"intensity: {red.intensity:g}{unit} vs {red.reference_intensity:g}{unit}")
    shown = "; ".join(parts)
    if absolute or intensity:
        return ClaimCheck(rule, title, CheckStatus.PASS, "reduction evident: " + shown, source, "S2+")
    first = red is None or red.period_index == 1
    if first:
        return ClaimCheck(
            rule, title, CheckStatus.WARNING,
            ("first period and " + (shown + ": no reduction shown" if shown else "no reduction evidence given")
             + "; PAS 2060 allowed an offset-only first period, but secondary summaries say ISO 14068-1 "
             "has no such concession"),
            source, "S2+")
    return ClaimCheck(
        rule, title, CheckStatus.FAIL,
        (f"period {red.period_index if red else '?'}: " + (shown + ": neither fell" if shown else
         "no reduction evidence given (reference emissions or intensities)")),
        source, "S2+")


def _ledger_check(b: Balance) -> ClaimCheck:
    rule, title = "ISO-CR-07.ledger", "Every retirement comes from one OffsetLedger, whose overlap test covers it"
    source = ("double-counting principle (ISO 14068-1 §11, per secondary summaries); a ledger refuses a serial used "
              "twice (standards.md REG-04), so a claim shows its credits passed that test by citing it")
    if not b.credits:
        return ClaimCheck(rule, title, CheckStatus.PASS, "no credits offered", source, "C")
    by_hand = [r for r in b.credits if r.ledger is None]
    ledgers = sorted({r.ledger for r in b.credits if r.ledger is not None})
    if by_hand:
        return ClaimCheck(
            rule, title, CheckStatus.WARNING,
            f"{len(by_hand)} retirement(s) ({sum(r.quantity for r in by_hand):,} t) were not read from an OffsetLedger "
            "(built by hand): neutralcore cannot show their serials were retired only once; keep the registry's "
            "retirement statements with the claim", source, "C", tuple(_ref(r) for r in by_hand))
    if len(ledgers) > 1:
        return ClaimCheck(
            rule, title, CheckStatus.WARNING,
            f"the retirements come from {len(ledgers)} ledgers ({'; '.join(ledgers)}): each refuses double use on "
            "its own, not across the others (ISO-CR-07 still tests the serials of this claim against each other)",
            source, "C")
    return ClaimCheck(rule, title, CheckStatus.PASS,
                      f"all {len(b.credits)} retirement(s) read from the ledger {ledgers[0]}", source, "C")


def _early_retirement_check(b: Balance) -> ClaimCheck:
    rule, title = "ISO-CR-02.early", "Credits retired during or after the period they are claimed for"
    source = ("neutralcore's own caution (no source found that forbids it): a retirement dated before the period "
              "began was made before the footprint it offsets existed")
    early = [r for r in b.credits if r.retired_on < b.period.start]
    if not early:
        return ClaimCheck(rule, title, CheckStatus.PASS,
                          "no credits offered" if not b.credits else "no retirement predates the period", source, "C")
    return ClaimCheck(
        rule, title, CheckStatus.WARNING,
        "; ".join(f"{_ref(r)} ({r.quantity:,} t) retired on {r.retired_on}, before the period began on "
                  f"{b.period.start}" for r in early) + ": check these were retired for this claim",
        source, "C", tuple(_ref(r) for r in early))


def _ca_check(b: Balance) -> ClaimCheck:
    missing = [r for r in b.credits if r.offset.corresponding_adjustment is not CorrespondingAdjustment.APPLIED]
    title = "Host-country authorisation and corresponding adjustment recorded"
    source = ("Paris Agreement Article 6; ISO 14068-1 §11.1 note mentions corresponding adjustments (per "
              "360impactportfolio.com); no source makes it a requirement, so its absence is a warning (A6-02)")
    if not missing:
        reason = "all blocks carry an applied corresponding adjustment" if b.credits else "no credits offered"
        return ClaimCheck("A6-02", title, CheckStatus.PASS, reason, source, "S")
    reason = "; ".join(
        f"{_ref(r)} ({r.quantity:,} t): corresponding adjustment {r.offset.corresponding_adjustment.value}, "
        f"host authorisation {'yes' if r.offset.host_authorised else 'no' if r.offset.host_authorised is False else 'unknown'}"
        for r in missing
    ) + ". Risk that the host country also counts these reductions towards its NDC (double claiming)"
    return ClaimCheck("A6-02", title, CheckStatus.WARNING, reason, source, "S", tuple(_ref(r) for r in missing))


def _dual_scope2_check(b: Balance) -> ClaimCheck:
    title = "Both Scope 2 totals (location- and market-based) reported where contractual instruments are used"
    source = ("GHG Protocol Scope 2 Guidance (2015) §7.1, dual reporting, as reproduced by Sumday and Deloitte "
              "DART (standards.md S2-DR-01)")
    fig = b.scope2_figures
    if "location" in fig and "market" in fig:
        return ClaimCheck("S2-DR-01", title, CheckStatus.PASS,
                          f"location-based {_tonnes_fmt(fig['location'])} t, market-based "
                          f"{_tonnes_fmt(fig['market'])} t; E uses the {b.scope2_basis}-based figure", source, "P")
    if b.scope2_basis == "market":
        return ClaimCheck("S2-DR-01", title, CheckStatus.WARNING,
                          "E uses the market-based Scope 2 figure but the location-based total is not given "
                          "(Balance.scope2_figures); a company with operations in markets offering contractual "
                          "instruments reports both", source, "P")
    return ClaimCheck("S2-DR-01", title, CheckStatus.PASS,
                      "location-based Scope 2 only: sufficient where no operation is in a market with contractual "
                      "instruments; otherwise report the market-based total too", source, "P")


def _programme_check(b: Balance) -> ClaimCheck:
    other = [r for r in b.credits if r.offset.programme in (Programme.OTHER, Programme.VIETNAM)]
    title = "Credits come from a recognised crediting programme with third-party verification"
    source = "ISO 14068-1:2023 §11.3 programme criteria, per 360impactportfolio.com (ISO-CR-05); PAS 2060 Annex C"
    if other and all(r.offset.programme is Programme.VIETNAM for r in other):
        source += "; Viet Nam's carbon-market roadmap in Decree 06/2022/ND-CP, per secondary summaries"
    if not other:
        return ClaimCheck("ISO-CR-05", title, CheckStatus.PASS,
                          ("all blocks are from " + ", ".join(sorted({r.offset.programme_label for r in b.credits})))
                          if b.credits else "no credits offered",
                          source, "S")
    reason = "; ".join(
        f"{_ref(r)}: {r.offset.programme_label}"
        + (" (a pilot mechanism still being set up: Decree 06/2022 plans a pilot crediting mechanism to "
           "end-2027, standards.md VN-07)" if r.offset.programme is Programme.VIETNAM else "")
        for r in other
    ) + ": confirm the programme's independent verification and double-counting safeguards"
    return ClaimCheck("ISO-CR-05", title, CheckStatus.WARNING, reason, source, "S",
                      tuple(_ref(r) for r in other))


def _removals_only_check(b: Balance) -> ClaimCheck:
    eligible = b.eligible_credits
    avoidance = [r for r in eligible if r.offset.kind is CreditKind.AVOIDANCE]
    removals = b.removal_credits
    covered = removals >= b.residual
    title = "Residual emissions balanced only by removal credits (removals ≥ E − R)"
    source = ("SBTi Corporate Net-Zero Standard v1.x neutralisation by permanent removals (SBT-NZ-01 [S2+]); "
              "avoidance credits excluded (DEF-05, derived)")
    if avoidance:
        reason = (f"{sum(r.quantity for r in avoidance):,} t of avoidance credits cannot balance a net-zero claim "
                  "and are not counted; ")
    else:
        reason = ""
    reason += (f"residual E − R = {_tonnes_fmt(b.residual)} t, eligible removal credits {removals:,} t: "
               + ("balanced" if covered else f"short by {_tonnes_fmt(b.residual - removals)} t"))
    status = CheckStatus.PASS if covered and not avoidance else CheckStatus.FAIL
    return ClaimCheck("SBT-NZ-01", title, status, reason, source, "S2+", tuple(_ref(r) for r in avoidance))


def _permanence_check(b: Balance) -> ClaimCheck:
    title = "Removal credits store carbon durably"
    source = ("SBTi Corporate Net-Zero Standard v1.x 'permanent removals' (SBT-NZ-01 [S2+]); permanence horizons are "
              "not harmonised across programmes (ICVCM, CCP-02)")
    minimum = b.policy.min_permanence_years
    fails, warns = [], []
    for r in b.eligible_credits:
        o = r.offset
        if o.kind is not CreditKind.REMOVAL:
            continue
        horizon = f"{o.permanence_years} years" if o.permanence_years else "horizon not recorded"
        buffer = f", buffer {o.buffer_fraction:.0%}" if o.buffer_fraction is not None else ""
        if minimum is not None and (o.permanence_years or 0) < minimum:
            fails.append((r, f"{horizon}{buffer}, policy minimum {minimum} years"))
        elif o.removal_type is RemovalType.NATURE_BASED or o.permanence_years is None:
            warns.append((r, f"{o.type_label}, {horizon}{buffer}: reversal risk"))
    if fails:
        return ClaimCheck("SBT-NZ-01.permanence", title, CheckStatus.FAIL,
                          "; ".join(f"{_ref(r)}: {n}" for r, n in fails), source + "; minimum set by user policy",
                          "C", tuple(_ref(r) for r, _ in fails))
    if warns:
        return ClaimCheck("SBT-NZ-01.permanence", title, CheckStatus.WARNING,
                          "; ".join(f"{_ref(r)}: {n}" for r, n in warns), source, "S2+",
                          tuple(_ref(r) for r, _ in warns))
    return ClaimCheck("SBT-NZ-01.permanence", title, CheckStatus.PASS,
                      "every removal block is technological with a recorded permanence horizon"
                      if any(r.offset.kind is CreditKind.REMOVAL for r in b.eligible_credits) else
                      "no eligible removal credits", source, "S2+")
