"""The outcome of a claim check: one :class:`ClaimCheck` per rule, gathered in a :class:`ClaimResult`."""

from __future__ import annotations


import attrs

from neutralcore._core.display import shorten, view_html, view_text
from neutralcore._core.rulecheck import EVIDENCE, CheckList, CheckStatus, ClaimCheck, Evidence, check_tuple
from neutralcore._core.table import Table

__all__ = ["CheckStatus", "Evidence", "EVIDENCE", "ClaimCheck", "ClaimResult"]


@attrs.frozen
class ClaimResult(CheckList):
    """Every check of one claim; iterate over it for the :class:`ClaimCheck` objects.

    ``ok`` is true when no check failed (warnings do not block a claim but
    belong in the report).
    """

    standard: str
    checks: tuple[ClaimCheck, ...] = attrs.field(converter=check_tuple)

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict."""
        return {"standard": self.standard, "ok": self.ok, "checks": [c.to_dict() for c in self.checks]}

    def table(self) -> Table:
        """Every check as a row of a :class:`~neutralcore.Table`: rule, title, status, reason, source, evidence
        and the credits it names (``; ``-joined), in the rules table's order (so ``result.table().to_pandas()``
        and ``.to_csv(path)`` work)."""
        return Table({
            "rule": [c.rule for c in self.checks],
            "title": [c.title for c in self.checks],
            "status": [c.status.value for c in self.checks],
            "reason": [c.reason for c in self.checks],
            "source": [c.source for c in self.checks],
            "evidence": [str(c.evidence) for c in self.checks],
            "credits": ["; ".join(map(str, c.credits)) for c in self.checks],
        }, title=f"Checks of the claim ({self.standard})")

    def _view(self) -> tuple[str, list[tuple[str, str]], Table]:
        verdict = "no check failed" if self.ok else f"{len(self.failed)} failed: {', '.join(c.rule for c in self.failed)}"
        title = (f"ClaimResult ({self.standard}): {verdict}; {len(self.passed)} passed, "
                 f"{len(self.warnings)} warning(s), {len(self.failed)} failed")
        # failures and warnings first, each with the start of its reason
        shown = [*self.failed, *self.warnings, *self.passed]
        table = Table.from_rows(("rule", "status", "reason"),
                                [(c.rule, c.status.value, shorten(c.reason, 70)) for c in shown])
        return title, [], table

    def __repr__(self) -> str:
        return view_text(*self._view())

    def _repr_html_(self) -> str:
        return view_html(*self._view())
