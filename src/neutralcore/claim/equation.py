"""The figures of a claim: emissions, removals and credits of one subject for one period, and the balance equation.

:class:`BalanceEquation` holds every field of :class:`~neutralcore.claim.Balance`
and the equation (all figures in tonnes CO2e, plain ``float``)::

    E        = emissions in the boundary + reversals of earlier removals
    R        = in-boundary removals, reported separately
    residual = E - R
    C        = credits that pass the credit checks, retired for this subject and period
    neutral  = C >= residual;  surplus = C - residual, shown and not transferable

The credits are assessed once, when the balance is made
(:attr:`BalanceEquation.assessment`); every figure reads that assessment.
``Balance`` adds the ``check()`` and ``report()`` shortcuts on top, so that
the checks and the report can take this class without importing them back.
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence, TypedDict, TypeVar, cast

import attrs

from neutralcore._core.validators import FrozenMap, scope_int
from neutralcore.claim.assessment import CreditAssessment, assess_credits
from neutralcore.claim.declaration import ClaimEvidence
from neutralcore.claim.policy import (
    ClaimPolicy,
    ReductionEvidence,
    Standard,
    SubjectType,
    nonneg_number,
    names,
    standard_name,
    to_float,
)
from neutralcore.claim.reading import (
    EmissionsResult,
    FactorUsed,
    SeparateGas,
    factors_used,
    scope2_basis_of,
    scope_rows,
    separate_gases,
    tonnes_of,
)
from neutralcore.claim.text import tonnes
from neutralcore.errors import ClaimError, InputError, UnknownGWPSetError
from neutralcore.gwp import gwp_label
from neutralcore.measure.basis import Scope, Scope2Method, scope2_method
from neutralcore.offsets import Period, Retirement

__all__ = ["BalanceEquation", "Outcome"]


_B = TypeVar("_B", bound="BalanceEquation")


class Outcome(TypedDict, total=False):
    """The balance under one standard (see :meth:`BalanceEquation.outcome`); figures in t CO2e."""

    standard: Standard
    counted_t: float
    balanced: bool
    result: str
    long_term_cut: float | None
    long_term_reached: bool
    shortfall_t: float
    surplus_t: float


def _by_scope(value: object) -> Mapping[Scope, float]:
    """``{1: t, 2: t, 3: t}``, sorted by scope, from keys given as ``1`` or ``"scope 1"``."""
    if value is None:
        return FrozenMap({})
    if not isinstance(value, Mapping):
        raise InputError("by_scope must be a mapping such as {1: 7000.0, 2: 5000.0}", column="by_scope")
    out: dict[Scope, float] = {}
    for key, v in value.items():
        try:
            scope = cast(Scope, scope_int(key))
        except InputError as exc:
            raise InputError(f"by_scope keys must be scopes 1, 2 or 3, got {key!r}", column="by_scope") from exc
        if scope in out:
            raise InputError(f"by_scope names scope {scope} twice", column="by_scope")
        out[scope] = to_float(v)
    return FrozenMap({s: out[s] for s in sorted(out)})


def _scope2_figures(value: object) -> Mapping[str, float]:
    if value is None:
        return FrozenMap({})
    if not isinstance(value, Mapping):
        raise InputError("scope2_figures must be a mapping such as {'location': 6100.0, 'market': 5000.0}",
                         column="scope2_figures")
    return FrozenMap({str(k): to_float(v) for k, v in value.items()})


def _credits(value: Retirement | Sequence[Retirement]) -> tuple[Retirement, ...]:
    if isinstance(value, Retirement):
        return (value,)
    return tuple(value)


def _basis(value: object) -> Scope2Method:
    if value is None:
        raise InputError("the Scope 2 basis in E must be stated: 'location' or 'market'", column="scope2_basis")
    return scope2_method(value, column="scope2_basis")  # type: ignore[arg-type]  # non-strings are refused there


def _separate(value: Sequence[object]) -> tuple[SeparateGas, ...]:
    items = tuple(value)
    for item in items:
        if not isinstance(item, SeparateGas):
            raise InputError(f"separately_reported items must be SeparateGas, got {type(item).__name__}",
                             column="separately_reported")
    return cast("tuple[SeparateGas, ...]", items)


def _factors(value: Sequence[object]) -> tuple[FactorUsed, ...]:
    items = tuple(value)
    for item in items:
        if not isinstance(item, FactorUsed):
            raise InputError(f"factors_used items must be FactorUsed, got {type(item).__name__}", column="factors_used")
    return cast("tuple[FactorUsed, ...]", items)


def _text(value: object) -> str:
    return str(value).strip()


@attrs.frozen
class BalanceEquation:
    """The fields and figures of a :class:`~neutralcore.claim.Balance` (see there for the parameters)."""

    subject: str = attrs.field(converter=_text)
    subject_type: SubjectType = attrs.field(converter=SubjectType.parse)  # type: ignore[misc]  # attrs plugin: converter factory
    period: Period = attrs.field()
    emissions: float = attrs.field(converter=to_float, validator=nonneg_number)
    by_scope: Mapping[Scope, float] = attrs.field(converter=_by_scope, eq=False)
    gwp_set: str = attrs.field(converter=_text)
    scope2_basis: Scope2Method = attrs.field(converter=_basis)
    boundary: str = attrs.field(default="", converter=_text)
    removals: float = attrs.field(default=0.0, converter=to_float, validator=nonneg_number)
    reversals: float = attrs.field(default=0.0, converter=to_float, validator=nonneg_number)
    credits: tuple[Retirement, ...] = attrs.field(default=(), converter=_credits)
    claimant: str | None = attrs.field(default=None)
    reduction: ReductionEvidence | None = attrs.field(default=None)
    policy: ClaimPolicy = attrs.field(factory=ClaimPolicy)
    scope2_figures: Mapping[str, float] = attrs.field(factory=dict, converter=_scope2_figures, eq=False)
    disclosures: tuple[str, ...] = attrs.field(default=(), converter=names)
    #: Gases reported separately from the scopes and never in E (biogenic CO2, non-Kyoto gases), read by
    #: :meth:`from_emissions` from ``Emissions.outside_scopes()``; empty when E was given as a figure.
    separately_reported: tuple[SeparateGas, ...] = attrs.field(default=(), converter=_separate, eq=False)
    #: The emission factors behind E, once each, with their kind and source, read by :meth:`from_emissions`
    #: from the result's matches; empty when E was given as a figure.
    factors_used: tuple[FactorUsed, ...] = attrs.field(default=(), converter=_factors, eq=False)
    #: PAS 2060 and VCMI evidence: materiality, the qualifying explanatory statement, VCMI's criteria.
    evidence: ClaimEvidence | None = attrs.field(default=None)
    #: The per-credit findings, worked out once when the balance is made.
    assessment: CreditAssessment = attrs.field(init=False, eq=False, repr=False)

    @subject.validator
    def _check_subject(self, attribute: "attrs.Attribute[str]", value: str) -> None:
        if not value:
            raise InputError("the subject must be named", column="subject")

    @period.validator
    def _check_period(self, attribute: "attrs.Attribute[Period]", value: object) -> None:
        if not isinstance(value, Period):
            raise InputError(f"period must be a Period, got {type(value).__name__}", column="period")

    @by_scope.validator
    def _check_scopes(self, attribute: "attrs.Attribute[Mapping[Scope, float]]", value: Mapping[Scope, object]) -> None:
        for key, v in value.items():
            if isinstance(v, bool) or not isinstance(v, float) or not math.isfinite(v) or v < 0:
                raise InputError(f"scope {key}: must be a finite number >= 0, got {v!r}", column="by_scope")
        if value:
            total = math.fsum(value.values())  # type: ignore[arg-type]  # all floats, checked above
            if not math.isclose(total, self.emissions, rel_tol=1e-9, abs_tol=1e-6):
                raise InputError(
                    f"scopes add up to {tonnes(total)} t but emissions are {tonnes(self.emissions)} t",
                    column="by_scope",
                )

    @gwp_set.validator
    def _check_gwp(self, attribute: "attrs.Attribute[str]", value: str) -> None:
        if not value:
            raise InputError("the GWP set must be stated (e.g. 'AR6 GWP100')", column="gwp_set")

    @scope2_figures.validator
    def _check_scope2_figures(self, attribute: "attrs.Attribute[Mapping[str, float]]", value: Mapping[str, object]) -> None:
        for key, v in value.items():
            if key not in ("location", "market"):
                raise InputError(f"keys must be 'location' and/or 'market', got {key!r}", column="scope2_figures")
            if isinstance(v, bool) or not isinstance(v, float) or not math.isfinite(v) or v < 0:
                raise InputError(f"{key}: must be a finite number >= 0, got {v!r}", column="scope2_figures")
        in_e = value.get(self.scope2_basis)
        listed = self.by_scope.get(2)
        if in_e is not None and listed is not None and not math.isclose(listed, in_e, rel_tol=1e-9, abs_tol=1e-6):  # type: ignore[arg-type]
            raise InputError(
                f"by_scope gives scope 2 as {tonnes(listed)} t, but the {self.scope2_basis}-based figure is "
                f"{tonnes(in_e)} t: the Scope 2 basis stated is not the one in E",  # type: ignore[arg-type]
                column="scope2_basis",
            )

    @credits.validator
    def _check_credits(self, attribute: "attrs.Attribute[tuple[Retirement, ...]]", value: tuple[object, ...]) -> None:
        for i, item in enumerate(value):
            if not isinstance(item, Retirement):
                raise InputError(
                    f"credit {i} is a {type(item).__name__}; pass retirements from OffsetLedger.retire/retirements",
                    column="credits",
                )

    @claimant.validator
    def _check_claimant(self, attribute: "attrs.Attribute[str | None]", value: object) -> None:
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise InputError(f"must be a non-empty string or None, got {value!r}", column="claimant")

    @reduction.validator
    def _check_reduction(self, attribute: "attrs.Attribute[ReductionEvidence | None]", value: object) -> None:
        if value is not None and not isinstance(value, ReductionEvidence):
            raise InputError("reduction must be a ReductionEvidence", column="reduction")

    @evidence.validator
    def _check_evidence(self, attribute: "attrs.Attribute[ClaimEvidence | None]", value: object) -> None:
        if value is not None and not isinstance(value, ClaimEvidence):
            raise InputError("evidence must be a ClaimEvidence", column="evidence")

    @policy.validator
    def _check_policy(self, attribute: "attrs.Attribute[ClaimPolicy]", value: object) -> None:
        if not isinstance(value, ClaimPolicy):
            raise InputError("policy must be a ClaimPolicy", column="policy")

    def __attrs_post_init__(self) -> None:
        assessment = assess_credits(self.credits, subject=self.subject, period=self.period,
                                    claimant=self.claimant_name, policy=self.policy)
        object.__setattr__(self, "assessment", assessment)

    # -- construction --------------------------------------------------------------

    @classmethod
    def from_emissions(
        cls: type[_B],
        emissions: EmissionsResult,
        *,
        subject: str,
        subject_type: SubjectType | str,
        period: Period,
        by_scope: Mapping[int, float] | Mapping[str, float] | None = None,
        gwp_set: str | None = None,
        scope2_basis: str | None = None,
        boundary: str = "",
        removals: float = 0.0,
        reversals: float = 0.0,
        credits: Sequence[Retirement] = (),
        claimant: str | None = None,
        reduction: ReductionEvidence | None = None,
        policy: ClaimPolicy | None = None,
        scope2_figures: Mapping[str, float] | None = None,
        disclosures: Sequence[str] | None = None,
    ) -> _B:
        """Build a balance from a ``neutralcore.Emissions`` result (duck-typed).

        Uses ``emissions.total()`` (a pint Quantity, read in tonnes) for E,
        ``emissions.by("scope")`` for ``by_scope`` unless *by_scope* is given,
        and ``emissions.gwp`` for ``gwp_set`` unless given.  Every other
        parameter is the :class:`~neutralcore.claim.Balance` field of that name.

        The Scope 2 basis is read from the result: a result computed with
        ``scope2="market"`` is market-based, one computed with
        ``scope2="location"`` or without *scope2* is location-based.  Both
        Scope 2 figures and the market-based disclosures are carried into the
        report, and so are the emission factors the result used, each with its kind and source
        (:attr:`factors_used`).  A *scope2_basis* that contradicts the result is refused; for
        a duck-typed object without ``scope2`` it must be given.

        Raises
        ------
        ClaimError
            When the object does not provide readable totals or scope rows,
            when the Scope 2 basis is missing or contradicts the result, or
            when the inventory's activity years lie outside *period*.
        """
        try:
            total = tonnes_of(emissions.total())
        except AttributeError as exc:
            raise ClaimError(
                f"{type(emissions).__name__} has no total(); pass emissions= as tonnes to Balance(...)"
            ) from exc
        if by_scope is None:
            try:
                by_scope = cast("dict[int, float]", scope_rows(emissions.by("scope")))
            except AttributeError as exc:
                raise ClaimError(f"{type(emissions).__name__} has no by('scope'); pass by_scope= explicitly") from exc
        gwp = getattr(emissions, "gwp", None)
        if gwp_set is None and gwp:
            try:
                horizon, name = gwp_label(gwp).split(" ", 1)
                gwp_set = f"{name} {horizon}"  # "AR5 GWP100", "AR6 GWP20"
            except UnknownGWPSetError:
                gwp_set = str(gwp)  # a look-alike's own name for its set, kept as given

        detected: Scope2Method | None = None
        s2 = getattr(emissions, "scope2", None)
        if s2 is not None and hasattr(s2, "location") and hasattr(s2, "market"):
            detected = scope2_basis_of(emissions, s2, total)
            if scope2_figures is None:
                scope2_figures = {"location": tonnes_of(s2.location_total()), "market": tonnes_of(s2.market_total())}
            if disclosures is None:
                disclosures = tuple(getattr(s2, "disclosures", ()))
        elif hasattr(emissions, "scope2") and hasattr(emissions, "inventory"):
            detected = "location"  # neutralcore.Emissions computed without scope2=: grid-average factors
        if scope2_basis is None:
            if detected is None:
                raise ClaimError(
                    f"cannot tell which Scope 2 figure {type(emissions).__name__} holds; pass scope2_basis="
                    "'location' or 'market'"
                )
            basis: Scope2Method = detected
        else:
            basis = scope2_method(scope2_basis, column="scope2_basis")
            if detected is not None and basis != detected:
                raise ClaimError(
                    f"scope2_basis={scope2_basis!r}, but these emissions are {detected}-based"
                    + ("" if s2 is not None else " (computed without scope2=; use inv.emissions(factors, "
                       "scope2='market', instruments=..., entity=...) for a market-based figure)"),
                    scope2_basis=str(scope2_basis),
                )

        years = getattr(getattr(emissions, "inventory", None), "year", None)
        if isinstance(period, Period) and years is not None and len(years):
            lo, hi = int(years.min()), int(years.max())
            if lo < period.start.year or hi > period.end.year:
                raise ClaimError(
                    f"the inventory's activity years are {lo}" + (f"-{hi}" if hi != lo else "")
                    + f", outside the period {period}: E must be the emissions of the period claimed",
                    period=str(period),
                )
        return cls(
            subject=subject, subject_type=subject_type, period=period, emissions=total, by_scope=by_scope,
            gwp_set=gwp_set, scope2_basis=basis, boundary=boundary, removals=removals,
            reversals=reversals, credits=credits, claimant=claimant, reduction=reduction,
            policy=ClaimPolicy() if policy is None else policy,
            scope2_figures={} if scope2_figures is None else scope2_figures,
            disclosures=() if disclosures is None else disclosures,
            separately_reported=separate_gases(emissions),
            factors_used=factors_used(emissions),
        )

    # -- the equation --------------------------------------------------------------

    @property
    def E(self) -> float:  # noqa: N802 - the standard's symbol
        """Emissions in the boundary plus reversals of earlier removals, t CO2e."""
        return self.emissions + self.reversals

    @property
    def R(self) -> float:  # noqa: N802
        """In-boundary removals, t CO2e."""
        return self.removals

    @property
    def residual(self) -> float:
        """``E - R``, t CO2e."""
        return self.E - self.R

    @property
    def claimant_name(self) -> str:
        """The entity credits must be retired on behalf of."""
        return (self.claimant or self.subject).strip()

    @property
    def eligible_credits(self) -> tuple[Retirement, ...]:
        """Retirements that pass every credit check (they make up C)."""
        return self.assessment.eligible()

    @property
    def excluded_credits(self) -> tuple[tuple[Retirement, tuple[str, ...]], ...]:
        """Retirements left out of C, each with the reasons."""
        return self.assessment.excluded()

    @property
    def C(self) -> float:  # noqa: N802
        """Credits (t CO2e) that pass the checks and are retired for this subject and period."""
        return self.assessment.counted_t

    @property
    def removal_credits(self) -> float:
        """The part of C that is removal credits, t CO2e."""
        return self.assessment.removal_t

    @property
    def is_neutral(self) -> bool:
        """``C >= residual``."""
        return self.C >= self.residual

    @property
    def shortfall(self) -> float:
        """How much of the residual is not covered by C (0 when neutral), t CO2e."""
        return max(0.0, self.residual - self.C)

    @property
    def surplus(self) -> float:
        """Credits beyond the residual, t CO2e; shown, and not transferable to another subject or period."""
        return max(0.0, self.C - max(self.residual, 0.0))

    @property
    def result(self) -> str:
        """``"neutral"`` or ``"short"``."""
        return "neutral" if self.is_neutral else "short"

    def outcome(self, standard: str = "ISO 14068-1") -> Outcome:
        """The balance under *standard*: which credits count, the shortfall, the surplus and the result.

        ``"ISO 14068-1"`` counts C (every eligible credit); ``"net-zero"``
        counts only the eligible removal credits, since avoidance credits
        cannot neutralise residual emissions (rule SBT-NZ-01).

        A net-zero balance can be claimed only once the long-term reduction
        (``policy.net_zero_min_reduction`` below the base year, rule SBT-LT-01) is
        reached, so removals that cover the residual before then give the
        result ``"not claimable"``, not ``"balanced by removals"``.

        Returns
        -------
        dict
            ``standard``, ``counted_t``, ``balanced``, ``result`` (``"neutral"``
            or ``"short"`` for ISO 14068-1; ``"balanced by removals"``,
            ``"not claimable"`` or ``"short"`` for net zero), ``shortfall_t``
            and ``surplus_t`` (t CO2e); for net zero also ``long_term_cut``
            (share below base-year emissions, ``None`` without them) and
            ``long_term_reached``.
        """
        std = standard_name(standard)
        counted = self.removal_credits if std == "net-zero" else self.C
        balanced = counted >= self.residual
        out: Outcome = {"standard": std, "counted_t": counted, "balanced": balanced}
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
            f"E = {tonnes(self.E)} t CO2e"
            + (f" (including {tonnes(self.reversals)} t of reversed removals)" if self.reversals else "")
            + f", R = {tonnes(self.R)} t, residual E − R = {tonnes(self.residual)} t, "
        )
        excluded = self.assessment.excluded_t()
        if nz:
            head += f"eligible removal credits = {tonnes(out['counted_t'])} t (only removals count for net zero"
            avoidance = self.C - self.removal_credits
            if avoidance:
                head += f"; {tonnes(avoidance)} t of eligible avoidance credits do not count"
            head += ")"
        else:
            head += f"C = {tonnes(self.C)} t of eligible retired credits"
        if excluded:
            head += f" ({tonnes(excluded)} t more offered but excluded by the checks)"
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
                    f"; surplus {tonnes(out['surplus_t'])} t, which is not transferable to another subject "
                    "or period"
                )
        else:
            tail = (f"Result: not balanced: short by {tonnes(out['shortfall_t'])} t CO2e"
                    + (" of removal credits" if nz else ""))
        return f"{head}. {tail}."

    def to_dict(self, standard: str = "ISO 14068-1", *, credits: bool = True) -> dict[str, object]:
        """Return a JSON-ready dict of inputs and results (tonnes as ``*_t``); ``result``, ``shortfall_t`` and ``surplus_t`` follow *standard*.

        ``credits=False`` leaves out the ``credits`` list (each retirement's dict and ``eligible``), for a
        caller that writes them itself."""
        red = self.reduction
        counted = self.assessment.counted
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
            "separately_reported": [{"gas": g.gas, "kind": g.kind, "mass_t": g.mass_t,
                                     "co2e_t": None if g.co2e_t != g.co2e_t else g.co2e_t}
                                    for g in self.separately_reported],
            "factors_used": [f.to_dict() for f in self.factors_used],
            "by_scope_t": {f"scope {k}": v for k, v in self.by_scope.items()},
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
        } | ({"credits": [{**r.to_dict(), "eligible": counted(i)} for i, r in enumerate(self.credits)]} if credits else {})

