"""A retirement record: which credits were retired, for whom, for which subject and period."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import attrs

from neutralcore._core.records import Nested, RecordSpec
from neutralcore.offsets.credits import OFFSET_RECORD, Offset
from neutralcore.offsets.period import Period

__all__ = ["Retirement", "RETIREMENT_RECORD"]


@attrs.frozen
class Retirement:
    """One retired block: which credits, for whom, for which subject and period.

    Attributes
    ----------
    id : int
        The block's id in the ledger.
    offset : Offset
        The retired block (``retirement_date`` and ``beneficiary`` set).
    subject : str
        The subject whose claim the credits are retired for.
    period : Period
        The reporting period they are retired for.
    beneficiary : str
        On whose behalf the registry retired them (defaults to the subject).
    retired_on : datetime.date
        Retirement date.
    reason : str, optional
        Retirement reason as recorded on the registry.
    ledger : str, optional
        The ledger that recorded it (its file's real path), so a claim can show
        its credits were checked for double use; ``None`` for one built by hand.
    """

    id: int = attrs.field(validator=attrs.validators.instance_of(int))
    offset: Offset = attrs.field(validator=attrs.validators.instance_of(Offset))
    subject: str = attrs.field(validator=attrs.validators.instance_of(str))
    period: Period = attrs.field(validator=attrs.validators.instance_of(Period))
    beneficiary: str = attrs.field(validator=attrs.validators.instance_of(str))
    retired_on: _dt.date = attrs.field(validator=attrs.validators.instance_of(_dt.date))
    reason: str | None = attrs.field(default=None)
    ledger: str | None = attrs.field(default=None, kw_only=True, eq=False)

    @property
    def quantity(self) -> int:
        """Credits retired (tonnes CO2e)."""
        return self.offset.quantity

    def describe(self) -> str:
        """One line naming this use of the serials (used in error messages)."""
        return (
            f"{self.offset.label} retired on {self.retired_on} for subject {self.subject!r}, "
            f"period {self.period}, beneficiary {self.beneficiary!r} (ledger block {self.id})"
        )

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return RETIREMENT_RECORD.to_dict(self)


#: The fields of :meth:`Retirement.to_dict`, in order (also what reports encode many retirements with).
RETIREMENT_RECORD = RecordSpec(
    ("id", "id"),
    ("subject", "subject"),
    ("period_start", "period.start"),
    ("period_end", "period.end"),
    ("beneficiary", "beneficiary"),
    ("retired_on", "retired_on"),
    ("reason", "reason"),
    ("ledger", "ledger"),
    ("quantity", "quantity"),
    ("offset", Nested(OFFSET_RECORD, "offset")),
)
