"""The per-credit findings of a claim, worked out once per balance.

:func:`assess_credits` runs every per-block credit rule (beneficiary, subject
and period, retirement window, ex-post issuance, serial overlap, the vintage
policy) on each retirement; the balance counts the blocks with no failure in
C and the checks report the findings rule by rule.

The work is one pass over the blocks: the rules other than the serial overlap
read only a block's beneficiary, subject, period, retirement date, vintage end
and issuance date, so each distinct combination of those is judged once; the
overlap is found by sorting (:func:`overlapping`).  Only what did not pass is
stored, with the totals of C, so no figure or check walks the blocks again.
"""

from __future__ import annotations

import datetime as _dt
import operator
from typing import Iterable, Mapping, Sequence

import attrs

from neutralcore._core.collection import no_collection
from neutralcore._core.validators import FrozenMap
from neutralcore.claim.policy import ClaimPolicy
from neutralcore.claim.result import CheckStatus
from neutralcore.claim.text import block_name, block_names
from neutralcore.offsets import CreditKind, Period, Retirement, add_months

__all__ = ["Finding", "Flag", "BLOCK_RULES", "CreditAssessment", "assess_credits", "overlapping"]

#: One rule's verdict on one block: (rule id, status, note).
Finding = tuple[str, CheckStatus, str]

#: A block that did not pass one rule: (its index in the balance's credits, status, note).
Flag = tuple[int, CheckStatus, str]

#: The per-block rules, in the order their failures are given for a block.
BLOCK_RULES = ("ISO-CR-01.beneficiary", "ISO-CR-01.period", "ISO-CR-02", "ISO-CR-03", "ISO-CR-07", "ISO-CR-08")

_OVERLAP: Finding = ("ISO-CR-07", CheckStatus.FAIL, "its serials overlap another block in this claim")
_PASS, _FAIL = CheckStatus.PASS, CheckStatus.FAIL


@attrs.frozen
class CreditAssessment:
    """What the per-block rules found in a balance's credits, and the totals that follow.

    Attributes
    ----------
    credits : tuple of Retirement
        The blocks assessed, in the balance's order.
    quantities : tuple of int
        Each block's quantity, t CO2e (one credit is one tonne).
    rules : tuple of str
        The per-block rules that were run (``ISO-CR-08`` only under a vintage-age policy).
    flags : mapping of rule id to tuple of Flag
        For each rule, the blocks that did not pass it: (index, status, note), in block order.
    failures : mapping of int to tuple of str
        For each block some rule failed, ``"rule: note"`` for every failure, in rule order.
    counted_credits : tuple of Retirement
        The blocks no rule failed, in order: they make up C.
    counted_t : float
        C: the quantity of the blocks no rule failed, t CO2e.
    removal_t : float
        The part of *counted_t* that is removal credits, t CO2e.
    """

    credits: tuple[Retirement, ...]
    quantities: tuple[int, ...]
    rules: tuple[str, ...]
    flags: Mapping[str, tuple[Flag, ...]]
    failures: Mapping[int, tuple[str, ...]]
    counted_credits: tuple[Retirement, ...]
    counted_t: float
    removal_t: float
    _names: dict[int, str] = attrs.field(factory=dict, init=False, eq=False, repr=False)

    def counted(self, index: int) -> bool:
        """Whether block *index* is counted in C (no rule failed it)."""
        return index not in self.failures

    def eligible(self) -> tuple[Retirement, ...]:
        """The retirements no rule failed."""
        return self.counted_credits

    def excluded(self) -> tuple[tuple[Retirement, tuple[str, ...]], ...]:
        """The retirements some rule failed, each with ``"rule: note"`` for every failure."""
        return tuple((self.credits[i], reasons) for i, reasons in self.failures.items())

    def names_of(self, blocks: Iterable[Retirement]) -> tuple[str, ...]:
        """The :func:`~neutralcore.claim.text.block_name` of each of *blocks* (some of :attr:`credits`).

        Every block's name is worked out once, on first use, however many checks name it.
        """
        names = self._names
        if not names and self.credits:
            names.update(zip(map(id, self.credits), block_names(self.credits)))
        get = names.get
        return tuple(get(id(r)) or block_name(r) for r in blocks)

    def excluded_t(self) -> int:
        """The quantity of the blocks left out of C, t CO2e."""
        return sum(self.quantities[i] for i in self.failures)


def overlapping(credits: Sequence[Retirement]) -> set[int]:
    """Indexes of the blocks whose serials overlap another block's, in O(n log n).

    Blocks are compared within one registry key (programme and project), as
    :meth:`neutralcore.offsets.Offset.overlaps` does: sorted by first serial,
    a block overlaps an earlier one exactly when it starts at or before the
    furthest end seen so far.
    """
    groups: dict[object, list[tuple[int, int, int]]] = {}
    keys: dict[tuple[object, ...], object] = {}
    spelling = operator.attrgetter("offset.programme", "offset.programme_name", "offset.project_id")
    for i, r in enumerate(credits):
        o = r.offset
        # registry_key folds the spelling of a project; fold each distinct spelling once
        raw = spelling(r)
        key = keys.get(raw)
        if key is None:
            key = keys[raw] = o.registry_key
        groups.setdefault(key, []).append((o.serial_start, o.serial_end, i))
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
    with no_collection():
        return _assess(tuple(credits), subject, period, claimant, policy)


def _assess(credits: tuple[Retirement, ...], subject: str, period: Period, claimant: str,
            policy: ClaimPolicy) -> CreditAssessment:
    names = {_norm_name(n) for n in (claimant, *policy.beneficiary_aliases)}
    deadline = add_months(period.end, policy.retirement_window_months)
    limit = policy.max_vintage_age_years
    rules = BLOCK_RULES if limit is not None else BLOCK_RULES[:-1]
    clash = overlapping(credits)
    facts = operator.attrgetter("beneficiary", "subject", "period", "retired_on", "offset.vintage.end",
                                "offset.issuance_date")
    judged: dict[tuple[object, ...], tuple[tuple[Finding, ...], tuple[Finding, ...]]] = {}
    flags: dict[str, list[Flag]] = {rule: [] for rule in rules}
    failures: dict[int, tuple[str, ...]] = {}
    for i, r in enumerate(credits):
        key = facts(r)
        found = judged.get(key)
        if found is None:
            before = (_beneficiary(r, names, claimant), _subject_period(r, subject, period), _window(r, deadline),
                      _ex_post(r))
            after = (_vintage_age(r, period, limit),) if limit is not None else ()
            found = judged[key] = (tuple(f for f in before if f[1] is not _PASS),
                                   tuple(f for f in after if f[1] is not _PASS))
        bad = found[0] + (_OVERLAP,) + found[1] if i in clash else found[0] + found[1]
        if bad:
            for rule, status, note in bad:
                flags[rule].append((i, status, note))
            failed = tuple(f"{rule}: {note}" for rule, status, note in bad if status is _FAIL)
            if failed:
                failures[i] = failed
    eligible = tuple(r for i, r in enumerate(credits) if i not in failures) if failures else credits
    quantities = tuple(r.quantity for r in credits)
    counted = removal = 0
    for i, r in enumerate(credits):
        if i not in failures:
            counted += quantities[i]
            if r.offset.kind is CreditKind.REMOVAL:
                removal += quantities[i]
    return CreditAssessment(credits, quantities, rules, FrozenMap({rule: tuple(v) for rule, v in flags.items()}),
                            FrozenMap(failures), eligible, float(counted), float(removal))


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
