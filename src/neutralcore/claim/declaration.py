"""What a PAS 2060 or VCMI claim needs besides the balance: materiality, the explanatory statement, VCMI's criteria.

:class:`ClaimEvidence` is passed as ``Balance(evidence=...)``:

* :class:`Materiality`: every emission source with its t CO2e and whether it
  is in the footprint; PAS 2060:2014 allows excluding a source only below 1 %
  of the footprint, with at least 95 % covered (rules ``PAS-QF-01``).
* :class:`QualifyingStatement`: the contents of PAS 2060's qualifying
  explanatory statement (QES, Annex B checklists) a check can see (``PAS-DC-03``).
* :class:`VcmiCriteria`: the VCMI Claims Code of Practice's foundational
  criteria (a public inventory, a validated science-based target, progress
  toward it, Paris-aligned advocacy) and whether the credits are high-quality.

Examples
--------
>>> m = Materiality([EmissionSource("electricity", 600.0, scope=2), EmissionSource("gas", 390.0, scope=1),
...                  EmissionSource("commuting", 10.0, scope=3, included=False, reason="no data")])
>>> m.coverage, m.largest_exclusion
(0.99, ('commuting', 0.01))
"""

from __future__ import annotations

import math
from typing import Iterable, Literal

import attrs

from neutralcore.errors import InputError

__all__ = ["EmissionSource", "Materiality", "QualifyingStatement", "VcmiCriteria", "ClaimEvidence", "VALIDATION_TYPES"]

#: PAS 2060's three ways a declaration is validated (clause 10 / Annex A, per the BSI abstract and summaries).
VALIDATION_TYPES = ("independent third-party certification", "other-party validation", "self-validation")


def _tonnes(inst: object, attr: "attrs.Attribute[float]", value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, float) or not math.isfinite(value) or value < 0:
        raise InputError(f"must be a finite number >= 0 (t CO2e), got {value!r}", column=attr.name)


def _to_float(value: object) -> object:
    if isinstance(value, bool):
        return value
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return value


@attrs.frozen
class EmissionSource:
    """One emission source of the subject: t CO2e, and whether the footprint includes it (and why not)."""

    name: str = attrs.field(converter=lambda v: str(v).strip())
    emissions: float = attrs.field(converter=_to_float, validator=_tonnes)
    scope: int | None = attrs.field(default=None, kw_only=True)
    included: bool = attrs.field(default=True, kw_only=True, converter=bool)
    reason: str = attrs.field(default="", kw_only=True, converter=str)

    def __attrs_post_init__(self) -> None:
        if not self.name:
            raise InputError("a source needs a name", column="name")
        if self.scope is not None and self.scope not in (1, 2, 3):
            raise InputError(f"source {self.name!r}: scope must be 1, 2 or 3, got {self.scope!r}", column="scope")


def _sources(values: Iterable[EmissionSource]) -> tuple[EmissionSource, ...]:
    out = tuple(values)
    for i, s in enumerate(out):
        if not isinstance(s, EmissionSource):
            raise InputError(f"sources[{i}] is a {type(s).__name__}, not an EmissionSource", column="sources")
    names = [s.name for s in out]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise InputError(f"source(s) {', '.join(dup)} listed twice", column="sources")
    return out


@attrs.frozen
class Materiality:
    """All the subject's emission sources, included or not, for the materiality rules."""

    sources: tuple[EmissionSource, ...] = attrs.field(converter=_sources)

    @property
    def total(self) -> float:
        """t CO2e of every source, included or not."""
        return math.fsum(s.emissions for s in self.sources)

    @property
    def included_total(self) -> float:
        return math.fsum(s.emissions for s in self.sources if s.included)

    @property
    def coverage(self) -> float:
        """Share of all sources' emissions the footprint includes (1.0 with no emissions)."""
        total = self.total
        return self.included_total / total if total > 0 else 1.0

    @property
    def excluded(self) -> tuple[EmissionSource, ...]:
        return tuple(s for s in self.sources if not s.included)

    def share(self, source: EmissionSource) -> float:
        total = self.total
        return source.emissions / total if total > 0 else 0.0

    @property
    def largest_exclusion(self) -> tuple[str, float] | None:
        """The excluded source with the largest share, and the share."""
        ex = self.excluded
        if not ex:
            return None
        s = max(ex, key=lambda s: s.emissions)
        return s.name, round(self.share(s), 12)


@attrs.frozen
class QualifyingStatement:
    """What a PAS 2060 qualifying explanatory statement says, as far as a check can see.

    Every field is the statement's text (or ``None`` when missing): the declaration
    (``"achievement"`` or ``"commitment"``), the entity responsible, the footprint
    method, the carbon management plan (targets and means), the offsets (scheme,
    projects, retirement evidence), the validation type (:data:`VALIDATION_TYPES`),
    who signed it for senior management, and where it is public.
    """

    declaration: Literal["achievement", "commitment"] | None = None
    entity: str | None = None
    method: str | None = None
    management_plan: str | None = None
    offsets: str | None = None
    validation: str | None = None
    signed_by: str | None = None
    public_at: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.declaration is not None and self.declaration not in ("achievement", "commitment"):
            raise InputError(f"declaration must be 'achievement' or 'commitment', got {self.declaration!r}",
                             column="declaration")
        if self.validation is not None and self.validation not in VALIDATION_TYPES:
            raise InputError(f"validation must be one of {VALIDATION_TYPES}, got {self.validation!r}",
                             column="validation")

    @property
    def missing(self) -> tuple[str, ...]:
        """The fields the statement leaves empty."""
        return tuple(f.name for f in attrs.fields(QualifyingStatement) if not getattr(self, f.name))


@attrs.frozen
class VcmiCriteria:
    """The VCMI Claims Code of Practice's foundational criteria, as the claimant evidences them.

    Parameters
    ----------
    inventory_public : bool
        An annual scope 1, 2 and 3 inventory is publicly disclosed.
    target_validated : bool
        Science-based near-term targets are set, validated (e.g. by the SBTi) and public, with a
        public commitment to net zero by 2050 at the latest.
    on_track : bool
        The company shows progress toward its near-term target (on track).
    advocacy_aligned : bool
        Its public-policy advocacy supports the Paris Agreement's goals.
    credits_high_quality : bool
        The retired credits meet the ICVCM Core Carbon Principles (CCP-labelled).
    """

    inventory_public: bool = attrs.field(default=False, converter=bool)
    target_validated: bool = attrs.field(default=False, converter=bool)
    on_track: bool = attrs.field(default=False, converter=bool)
    advocacy_aligned: bool = attrs.field(default=False, converter=bool)
    credits_high_quality: bool = attrs.field(default=False, converter=bool)


@attrs.frozen
class ClaimEvidence:
    """The PAS 2060 and VCMI evidence of one claim (``Balance(evidence=...)``)."""

    materiality: Materiality | None = None
    statement: QualifyingStatement | None = None
    vcmi: VcmiCriteria | None = None

    def __attrs_post_init__(self) -> None:
        for name, cls in (("materiality", Materiality), ("statement", QualifyingStatement), ("vcmi", VcmiCriteria)):
            value = getattr(self, name)
            if value is not None and not isinstance(value, cls):
                raise InputError(f"must be a {cls.__name__} or None, got {type(value).__name__}", column=name)
