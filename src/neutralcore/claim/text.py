"""How claim figures and credit blocks are written in reasons, statements and reports."""

from __future__ import annotations

from typing import Sequence

from neutralcore._core.table import fixed_point
from neutralcore.offsets import Retirement

__all__ = ["tonnes", "block_name", "block_names", "blocks_reason", "LISTED_BLOCKS"]

#: How many blocks a check's reason names one by one; beyond that it gives one entry per distinct finding, with
#: the number of blocks and their tonnes (the check's ``credits`` still names every block).
LISTED_BLOCKS = 10


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


def block_names(blocks: Sequence[Retirement]) -> tuple[str, ...]:
    """:func:`block_name` of each block."""
    return tuple(map(block_name, blocks))


def blocks_reason(items: Sequence[tuple[Retirement, str]], *, sep: str = ": ", quantity: bool = True) -> str:
    """A check's reason about some blocks, each with a note: ``"<block> (<t> t): <note>; ..."``.

    Up to :data:`LISTED_BLOCKS` blocks are named one by one.  Beyond that the
    blocks are grouped by note: ``"<n> blocks, <t> t (first <block>): <note>"``
    per distinct note, at most :data:`LISTED_BLOCKS` notes and then the count
    and tonnes of the blocks with any other note, so every block is counted.

    >>> import datetime as dt
    >>> from neutralcore.offsets import Offset, Period, Retirement
    >>> def r(i):
    ...     o = Offset(programme="Verra VCS", project_id="1060", country="VN", kind="avoidance",
    ...                vintage=Period.year(2023), serial_start=10 * i + 1, serial_end=10 * i + 10)
    ...     return Retirement(id=i, offset=o, subject="A", period=Period.year(2024), beneficiary="A",
    ...                       retired_on=dt.date(2025, 3, 1))
    >>> blocks_reason([(r(0), "late")])
    'Verra VCS project 1060 serials 1-10 (10 t): late'
    >>> blocks_reason([(r(i), "late" if i else "early") for i in range(12)])
    '11 blocks, 110 t (first Verra VCS project 1060 serials 11-20): late; 1 block, 10 t (first Verra VCS project 1060 serials 1-10): early'
    """
    if len(items) <= LISTED_BLOCKS:
        return "; ".join(f"{block_name(r)}{f' ({r.quantity:,} t)' if quantity else ''}{sep}{note}"
                         for r, note in items)
    counts: dict[str, int] = {}
    quantities: dict[str, int] = {}
    first: dict[str, Retirement] = {}
    for r, note in items:
        if note in counts:
            counts[note] += 1
            quantities[note] += r.quantity
        else:
            counts[note], quantities[note], first[note] = 1, r.quantity, r
    ranked = sorted(counts, key=lambda note: -counts[note])
    parts = [f"{_blocks(counts[note])}, {quantities[note]:,} t (first {block_name(first[note])}){sep}{note}"
             for note in ranked[:LISTED_BLOCKS]]
    rest = ranked[LISTED_BLOCKS:]
    if rest:
        parts.append(f"{_blocks(sum(counts[n] for n in rest))}, {sum(quantities[n] for n in rest):,} t with "
                     f"{len(rest):,} other findings")
    return "; ".join(parts)


def _blocks(n: int) -> str:
    return f"{n:,} block" + ("" if n == 1 else "s")
