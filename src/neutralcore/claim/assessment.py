"""The per-credit findings of a claim, worked out once per balance.

:func:`assess_credits` runs every per-block credit rule (beneficiary, subject
and period, retirement window, ex-post issuance, serial overlap, the vintage
policy) on each retirement; the balance counts the blocks with no failure in
C and the checks report the findings rule by rule.
"""

from __future__ import annotations

import datetime as _dt
from typing import Iterable, Sequence

import attrs

from neutralcore.claim.policy import ClaimPolicy
from neutralcore.claim.result import CheckStatus
from neutralcore.offsets import Period, Retirement, add_months

__all__ = ["Finding", "CreditAssessment", "assess_credits", "overlapping"]

#: One rule's verdict on one block: (rule id, status, note).
Finding = tuple[str, CheckStatus, str]


@attrs.frozen
class CreditAssessment:
    """Per-credit findings: for each retirement, the (rule id, status, note) of every per-block rule."""

    findings: tuple[tuple[Retirement, tuple[Finding, ...]], ...]

    def eligible(self) -> tuple[Retirement, ...]:
        """The retirements no rule failed."""
        return tuple(r for r, f in self.findings if all(s is not CheckStatus.FAIL for _, s, _ in f))

    def excluded(self) -> tuple[tuple[Retirement, tuple[str, ...]], ...]:
        """The retirements some rule failed, each with ``"rule: note"`` for every failure."""
        return tuple(
            (r, tuple(f"{rule}: {note}" for rule, s, note in f if s is CheckStatus.FAIL))
            for r, f in self.findings
            if any(s is CheckStatus.FAIL for _, s, _ in f)
        )

    def of_rule(self, rule: str) -> list[tuple[Retirement, CheckStatus, str]]:
        """Every block's (retirement, status, note) under *rule*."""
        return [(r, s, note) for r, f in self.findings for (rid, s, note) in f if rid == rule]


def overlapping(credits: Sequence[Retirement]) -> set[int]:
    """Indexes of the blocks whose serials overlap another block's, in O(n log n).

    Blocks are compared within one registry key (programme and project), as
    :meth:`neutralcore.offsets.Offset.overlaps` does: sorted by first serial,
    a block overlaps an earlier one exactly when it starts at or before the
    furthest end seen so far.
    """
    groups: dict[object, list[tuple[int, int, int]]] = {}
    for i, r in enumerate(credits):
        o = r.offset
        groups.setdefault(o.registry_key, []).append((o.serial_start, o.serial_end, i))
    clash: set[int] = set()
    for blocks in groups.values():
        blocks.sort()
        reach, holder = blocks[0][1], blocks[0][2]
        for start, end, i in blocks[1:]:
            if start <= reach:
                clash.update((i, holder))
            if end > reach:
                reach, holder = end, i
    return clash


def assess_credits(
    credits: Sequence[Retirement],
    *,
    subject: str,
    period: Period,
    claimant: str,
    policy: ClaimPolicy,
) -> CreditAssessment:
    """Run every per-block credit rule on *credits* retired for *subject* and *period* on behalf of *claimant*."""
    names = {_norm_name(n) for n in (claimant, *policy.beneficiary_aliases)}
    deadline = add_months(period.end, policy.retirement_window_months)
    clash = overlapping(credits)
    out = []
    for i, r in enumerate(credits):
        f: list[Finding] = [
            _beneficiary(r, names, claimant),
            _subject_period(r, subject, period),
            _window(r, deadline),
            _ex_post(r),
            ("ISO-CR-07", CheckStatus.FAIL, "its serials overlap another block in this claim") if i in clash
            else ("ISO-CR-07", CheckStatus.PASS, "serials used once"),
        ]
        if policy.max_vintage_age_years is not None:
            f.append(_vintage_age(r, period, policy.max_vintage_age_years))
        out.append((r, tuple(f)))
    return CreditAssessment(tuple(out))


def _norm_name(name: str) -> str:
    return " ".join(name.casefold().split())


def _beneficiary(r: Retirement, names: Iterable[str], claimant: str) -> Finding:
    if _norm_name(r.beneficiary) in names:
        return ("ISO-CR-01.beneficiary", CheckStatus.PASS, f"retired on behalf of {r.beneficiary!r}")
    return ("ISO-CR-01.beneficiary", CheckStatus.FAIL, f"beneficiary {r.beneficiary!r} is not the claimant {claimant!r}")


def _subject_period(r: Retirement, subject: str, period: Period) -> Finding:
    if r.subject == subject and r.period == period:
        return ("ISO-CR-01.period", CheckStatus.PASS, "retired for this subject and period")
    return ("ISO-CR-01.period", CheckStatus.FAIL,
            f"retired for subject {r.subject!r}, period {r.period}, not {subject!r}, {period}")


def _window(r: Retirement, deadline: _dt.date) -> Finding:
    if r.retired_on <= deadline:
        return ("ISO-CR-02", CheckStatus.PASS, f"retired {r.retired_on}, deadline {deadline}")
    return ("ISO-CR-02", CheckStatus.FAIL, f"retired {r.retired_on}, after the deadline {deadline}")


def _ex_post(r: Retirement) -> Finding:
    o = r.offset
    if o.vintage.end > r.retired_on:
        return ("ISO-CR-03", CheckStatus.FAIL, f"vintage ends {o.vintage.end}, after retirement on {r.retired_on}")
    if o.issuance_date is not None and o.vintage.end > o.issuance_date:
        return ("ISO-CR-03", CheckStatus.FAIL, f"issued {o.issuance_date}, before its vintage ended {o.vintage.end}")
    if o.issuance_date is None:
        return ("ISO-CR-03", CheckStatus.WARNING, "issuance date not recorded; ex-post issuance cannot be verified")
    return ("ISO-CR-03", CheckStatus.PASS, "ex-post")


def _vintage_age(r: Retirement, period: Period, limit: int) -> Finding:
    end = r.offset.vintage.end
    age = period.end.year - end.year
    if age > limit:
        return ("ISO-CR-08", CheckStatus.FAIL,
                f"vintage ended {end.year}, {age} years before the period end (policy max {limit})")
    return ("ISO-CR-08", CheckStatus.PASS, f"vintage age {age} years")
