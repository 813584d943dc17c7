"""Check a claim: run the rules of the chosen standard, from the rules table, on a balance."""

from __future__ import annotations

import datetime as _dt

import attrs

from neutralcore._core.collection import no_collection
from neutralcore.claim.checks import CHECKS, Claim
from neutralcore.claim.equation import BalanceEquation
from neutralcore.claim.policy import ClaimPolicy, standard_name
from neutralcore.claim.result import ClaimCheck, ClaimResult
from neutralcore.claim.rules import rules_for
from neutralcore.errors import ClaimError

__all__ = ["check_claim", "as_of_date"]


def check_claim(
    balance: BalanceEquation,
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
        only after the period has ended (rule ISO-CL-01); before that it is a
        commitment and the check fails.

    Returns
    -------
    ClaimResult
        Every rule of *standard* in :data:`neutralcore.claim.rules.RULES` that
        applies, with pass / fail / warning, the reason and the source.

    Raises
    ------
    ClaimError
        When *standard* is unknown, *balance* is not a :class:`Balance` or *as_of* is not a date.

    Examples
    --------
    A 100 t footprint with no credits: the claim is made after 2024 ended,
    and fails the balance rule.

    >>> from neutralcore.claim import Balance
    >>> from neutralcore.offsets import Period
    >>> b = Balance(subject="Acme Ltd", subject_type="organisation", period=Period.year(2024), emissions=100.0,
    ...             by_scope={1: 100.0}, gwp_set="AR6 GWP100", scope2_basis="location")
    >>> result = check_claim(b, as_of="2025-06-30")
    >>> result.ok, result["BAL-01"].status.value
    (False, 'fail')
    >>> result["ISO-CL-01"].reason
    'the period ended on 2024-12-31, before the assessment date 2025-06-30'
    """
    std = standard_name(standard)
    day = as_of_date(as_of)
    if not isinstance(balance, BalanceEquation):
        raise ClaimError(f"check_claim needs a Balance, got {type(balance).__name__}")
    if policy is not None:
        if not isinstance(policy, ClaimPolicy):
            raise ClaimError(f"policy must be a ClaimPolicy, got {type(policy).__name__}")
        balance = attrs.evolve(balance, policy=policy)
    claim = Claim(balance, std, day)
    checks: list[ClaimCheck] = []
    with no_collection():
        for rule in rules_for(std):
            check = CHECKS[rule.id](claim)
            if check is not None:
                checks.append(check)
    return ClaimResult(std, tuple(checks))


def as_of_date(value: _dt.date | str | None) -> _dt.date:
    """The assessment date: *value* (a date or ISO string) or today.

    Raises
    ------
    ClaimError
        For anything else.
    """
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
