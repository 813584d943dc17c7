"""Closed date intervals (:class:`Period`: a reporting period or a vintage) and :func:`add_months`."""

from __future__ import annotations

import calendar
import datetime as _dt
from typing import Any

import attrs

from neutralcore.errors import InputError
from neutralcore.offsets._fields import to_date

__all__ = ["Period", "add_months"]


def add_months(day: _dt.date, months: int) -> _dt.date:
    """Return *day* moved by whole calendar *months*, clamped to the month's last day.

    Examples
    --------
    >>> add_months(_dt.date(2024, 2, 29), 12)
    datetime.date(2025, 2, 28)
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return _dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@attrs.frozen
class Period:
    """A closed date interval ``[start, end]``: a reporting period or a vintage.

    Parameters
    ----------
    start, end : datetime.date or ISO string
        First and last day, both included; ``end >= start``.

    Examples
    --------
    >>> Period.year(2024)
    Period(start=datetime.date(2024, 1, 1), end=datetime.date(2024, 12, 31))
    """

    start: _dt.date = attrs.field(converter=to_date("period.start"))  # type: ignore[misc]  # attrs plugin: converter factory
    end: _dt.date = attrs.field(converter=to_date("period.end"))  # type: ignore[misc]  # attrs plugin: converter factory

    @start.validator
    def _check_start(self, attribute: Any, value: Any) -> None:
        if value is None:
            raise InputError("period start is required", column="period.start")

    @end.validator
    def _check_end(self, attribute: Any, value: Any) -> None:
        if value is None:
            raise InputError("period end is required", column="period.end")
        if value < self.start:
            raise InputError(
                f"period ends ({value}) before it starts ({self.start})", column="period.end"
            )

    @classmethod
    def year(cls, year: int) -> "Period":
        """Return the calendar year *year* as a period."""
        return cls(_dt.date(year, 1, 1), _dt.date(year, 12, 31))

    def __contains__(self, day: object) -> bool:
        return isinstance(day, _dt.date) and self.start <= day <= self.end

    def __str__(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"
