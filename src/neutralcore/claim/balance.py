"""The carbon-neutrality balance: :class:`Balance`, with its ``check()`` and ``report()`` shortcuts.

The fields and the balance equation are those of
:class:`~neutralcore.claim.equation.BalanceEquation`; the rules are in
:mod:`neutralcore.claim.rules` (listed with their sources in
``docs/claim-rules.md``), the checks in :mod:`neutralcore.claim.checks` and
the report in :mod:`neutralcore.claim.report`.  A failed check is a result,
not an exception; :class:`~neutralcore.ClaimError` means the claim could not
be evaluated at all.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import attrs

from neutralcore.claim.check import check_claim
from neutralcore.claim.equation import BalanceEquation
from neutralcore._core.display import view_html, view_text
from neutralcore.claim.policy import ClaimPolicy
from neutralcore.claim.report import MAX_LISTED_BLOCKS, render
from neutralcore.claim.result import ClaimResult

__all__ = ["Balance"]


@attrs.frozen
class Balance(BalanceEquation):
    """Emissions, removals and credits of one subject for one period.

    All figures are tonnes CO2e as plain ``float``; the credits are assessed
    once, when the balance is made.

    Parameters
    ----------
    subject : str
        The organisation or product the claim is about.
    subject_type : SubjectType or str
        ``"organisation"``, ``"product"`` or a territory type ("country", "city", ...).
    period : Period
        The reporting period.
    emissions : float
        Emissions in the boundary (inventory total, excluding reversals), t CO2e.
    by_scope : mapping of scope to float
        Breakdown of *emissions* by scope, ``{1: 7000.0, 2: 5000.0}`` (keys written
        ``"scope 1"`` are read as ``1``); must add up to *emissions*.
    gwp_set : str
        GWP set used (e.g. ``"AR6 GWP100"``).
    scope2_basis : {"location", "market"}
        Which Scope 2 figure is in E (``"market-based"`` etc. are read by
        :func:`neutralcore.measure.basis.scope2_method`); no source fixes it,
        so it must be stated.
    boundary : str
        Boundary description: consolidation approach and included categories.
    removals : float
        In-boundary removals R, reported separately (rule ISO-QF-03), t CO2e.
    reversals : float
        Reversals of removals counted in earlier periods; added to E (rule ISO-QF-03), t CO2e.
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
        (GHG Protocol Scope 2 Guidance, rule S2-DR-01).  When given, ``by_scope[2]``
        must equal the figure of *scope2_basis*.
    disclosures : tuple of str
        Notes on how the footprint was computed (e.g. the market-based Scope 2
        disclosures of :class:`neutralcore.measure.scope2.Scope2Result`), printed in the report.
    factors_used : tuple of FactorUsed
        The emission factors behind E, each with its kind and source (read by :meth:`from_emissions`
        from the result's matches), listed in the report's "Emission factors used" section.
    evidence : ClaimEvidence, optional
        What PAS 2060 and VCMI checks read besides the figures: materiality, the qualifying
        explanatory statement and VCMI's foundational criteria (:mod:`neutralcore.claim.declaration`).

    Examples
    --------
    >>> from neutralcore.offsets import Period
    >>> b = Balance(subject="Acme Ltd", subject_type="organisation", period=Period.year(2024),
    ...             emissions=12000.0, by_scope={1: 7000.0, 2: 5000.0},
    ...             gwp_set="AR6 GWP100", scope2_basis="market", removals=500.0)
    >>> b.residual, b.C, b.shortfall
    (11500.0, 0.0, 11500.0)
    """

    def check(
        self,
        standard: str = "ISO 14068-1",
        policy: ClaimPolicy | None = None,
        *,
        as_of: _dt.date | str | None = None,
    ) -> ClaimResult:
        """Shortcut for :func:`~neutralcore.claim.check_claim`."""
        return check_claim(self, standard=standard, policy=policy, as_of=as_of)

    def report(
        self,
        format: str = "markdown",
        *,
        standard: str = "ISO 14068-1",
        policy: ClaimPolicy | None = None,
        as_of: _dt.date | str | None = None,
        max_blocks: int | None = MAX_LISTED_BLOCKS,
    ) -> str:
        """Render the carbon-neutrality report: ``"markdown"``, ``"html"`` or ``"json"``.

        See :func:`neutralcore.claim.report.render` (*max_blocks*: how many credit
        blocks of each type the Markdown and HTML reports list one by one).
        """
        return render(self, format=format, standard=standard, policy=policy, as_of=as_of, max_blocks=max_blocks)

    def _view(self) -> tuple[str, list[tuple[str, str]]]:
        def t(v: float) -> str:
            return f"{v:,.3f}".rstrip("0").rstrip(".") + " t CO2e"

        facts = [
            ("E", f"{t(self.emissions)} ({self.gwp_set}; scope 2 {self.scope2_basis}-based)"),
            ("R", t(self.removals)),
            ("E - R", t(self.residual)),
            ("C", f"{t(self.C)} from {len(self.credits):,} retired block(s) offered"),
            ("shortfall" if self.shortfall > 0 else "surplus", t(self.shortfall if self.shortfall > 0 else self.surplus)),
        ]
        kind = getattr(self.subject_type, "value", self.subject_type)
        return f"Balance: {self.subject} ({kind}), {self.period}", facts

    def plot(self, ax: Any = None) -> Any:
        """The balance as a waterfall: E, removals, the residual, credits, and the shortfall or surplus."""
        from neutralcore.plotting import plot_balance

        return plot_balance(self, ax=ax)

    def __repr__(self) -> str:
        return view_text(*self._view())

    def _repr_html_(self) -> str:
        return view_html(*self._view())
