"""How claim figures and credit blocks are written in reasons, statements and reports."""

from __future__ import annotations

from neutralcore._core.table import fixed_point
from neutralcore.offsets import Retirement

__all__ = ["tonnes", "block_name"]


def tonnes(value: float) -> str:
    """A figure in tonnes: thousands separators, at most 3 decimals.

    >>> tonnes(11500.0), tonnes(0.1004), tonnes(-0.0)
    ('11,500', '0.1', '0')
    """
    return fixed_point(value, 3)


def block_name(r: Retirement) -> str:
    """How a credit block is named in check reasons: its registry serial, else programme, project and range."""
    o = r.offset
    return o.serial if o.registry_serial is not None else o.label
