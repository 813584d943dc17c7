"""``neutralcore ledger add|retire|list|verify LEDGER``: the credit ledger from the command line."""

from __future__ import annotations

import argparse
import datetime as _dt
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from neutralcore._core.table import Table
from neutralcore.cli.output import Document, Fact, emit
from neutralcore.errors import InputError, NeutralcoreError

if TYPE_CHECKING:
    from neutralcore.offsets import Offset, OffsetLedger, Period, Retirement

__all__ = ["parse_period", "read_serials", "block_table", "retirement_table", "add_parsers"]


def parse_period(text: str, what: str = "--period") -> "Period":
    """A period written ``2024`` (the calendar year) or ``2024-01-01:2024-12-31``."""
    from neutralcore.offsets import Period

    value = str(text).strip()
    try:
        if value.isdigit() and len(value) == 4:
            return Period.year(int(value))
        start, sep, end = value.partition(":")
        if sep:
            return Period(_dt.date.fromisoformat(start.strip()), _dt.date.fromisoformat(end.strip()))
    except ValueError as exc:
        raise InputError(f"{what} {text!r}: {exc}", column=what) from exc
    raise InputError(f"{what} {text!r} is neither a year (2024) nor START:END ISO dates (2024-01-01:2024-12-31)",
                     column=what)


def read_serials(path: str) -> list[tuple[int, str]]:
    """``(line, serial)`` for each serial of a text file: one a line, blank lines and ``#`` comments skipped."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read serials from {path}: {getattr(exc, 'strerror', None) or exc}",
                         source=str(path)) from exc
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        serial = line.split("#", 1)[0].strip()
        if serial:
            out.append((n, serial))
    return out


def block_table(blocks: Iterable["Offset"], title: str) -> Table:
    """One row per credit block: programme, project, country, kind, vintage, serials and quantity."""
    rows = [(o.programme_label, o.project_id, o.country, o.type_label, o.vintage.start.isoformat(),
             o.vintage.end.isoformat(), o.serial_start, o.serial_end, o.quantity, o.serial) for o in blocks]
    return Table.from_rows(("programme", "project", "country", "kind", "vintage_start", "vintage_end", "serial_start",
                            "serial_end", "quantity", "serial"), rows, title=title,
                           right=("serial_start", "serial_end", "quantity"))


def retirement_table(retirements: Iterable["Retirement"], title: str) -> Table:
    """One row per retired block: whom and what for, when, and which serials."""
    rows = [(r.id, r.subject, str(r.period), r.beneficiary, r.retired_on.isoformat(), r.offset.programme_label,
             r.offset.project_id, r.offset.serial_start, r.offset.serial_end, r.quantity, r.reason or "")
            for r in retirements]
    return Table.from_rows(("block", "subject", "period", "beneficiary", "retired_on", "programme", "project",
                            "serial_start", "serial_end", "quantity", "reason"), rows, title=title,
                           right=("block", "serial_start", "serial_end", "quantity"))


def _open(args: argparse.Namespace, **kw: Any) -> "OffsetLedger":
    from neutralcore.offsets import OffsetLedger

    return OffsetLedger(args.ledger, **kw)


def _add(args: argparse.Namespace) -> int:
    from neutralcore.offsets import Offset

    serials = [("command line", i + 1, s) for i, s in enumerate(args.serials)]
    csv_files = []
    for path in args.file or ():
        if Path(path).suffix.lower() == ".csv":
            csv_files.append(path)
        else:
            serials += [(path, line, s) for line, s in read_serials(path)]
    if not serials and not csv_files:
        raise InputError("ledger add: give serials on the command line, or --file FILE")
    if serials and args.kind is None:
        raise InputError("ledger add: --kind avoidance|removal is needed for serials (a serial does not say which)",
                         column="--kind")
    fields = {k: v for k, v in (("issuance_date", args.issuance_date), ("methodology", args.methodology)) if v}
    offsets = []
    for where, line, serial in serials:
        try:
            offsets.append(Offset.from_serial(serial, kind=args.kind, **fields))
        except NeutralcoreError as exc:
            at = f"serial {line} on the command line" if where == "command line" else f"{where}, line {line}"
            raise type(exc)(f"{at}: {exc}", file=None if where == "command line" else where, line=line) from exc
    ledger = _open(args, create=args.create)
    try:
        added: list[Offset] = []
        if offsets:
            added += ledger.add_many(offsets)
        for path in csv_files:
            added += ledger.add_csv(path, kind=args.kind)
        held = ledger.held_quantity()
    finally:
        ledger.close()
    facts = [Fact("ledger", "Ledger", args.ledger), Fact("added_blocks", "Added", len(added),
                                                         f"{len(added):,} block(s), {sum(o.quantity for o in added):,} t CO2e"),
             Fact("held_t", "Held", held, f"{held:,} t CO2e")]
    emit(Document(f"Credits added to {args.ledger}", facts, [("added", block_table(added, "Blocks added"))]),
         args.format, args.output)
    return 0


def _retire(args: argparse.Namespace) -> int:
    period = parse_period(args.period)
    ledger = _open(args)
    try:
        r = ledger.retire(args.serial, subject=args.subject, period=period, retired_on=args.retired_on,
                          beneficiary=args.beneficiary, reason=args.reason, quantity=args.quantity)
        retired = ledger.retired_quantity(args.subject, period)
    finally:
        ledger.close()
    facts = [Fact("ledger", "Ledger", args.ledger), Fact("retired_t", "Retired", r.quantity, f"{r.quantity:,} t CO2e"),
             Fact("subject", "Subject", r.subject), Fact("period", "Period", str(r.period)),
             Fact("subject_retired_t", "In total", retired,
                  f"{retired:,} t CO2e retired for {r.subject}, {r.period}")]
    emit(Document(f"Credits retired in {args.ledger}", facts, [("retired", retirement_table([r], "Retired"))]),
         args.format, args.output)
    return 0


def _list(args: argparse.Namespace) -> int:
    period = parse_period(args.period) if args.period else None
    ledger = _open(args, read_only=True)
    try:
        if args.retired or args.subject or period:
            items = ledger.retirements(args.subject, period)
            table = retirement_table(items, "Retirements")
            total = sum(r.quantity for r in items)
            facts = [Fact("retired_t", "Retired", total, f"{total:,} t CO2e in {len(items):,} block(s)")]
        else:
            blocks = ledger.holdings()
            table = block_table(blocks, "Held blocks")
            total = sum(o.quantity for o in blocks)
            facts = [Fact("held_t", "Held", total, f"{total:,} t CO2e in {len(blocks):,} block(s)")]
    finally:
        ledger.close()
    emit(Document(f"Ledger {args.ledger}", [Fact("ledger", "Ledger", args.ledger), *facts], [("blocks", table)]),
         args.format, args.output)
    return 0


def _verify(args: argparse.Namespace) -> int:
    ledger = _open(args, read_only=True)  # opening verifies the whole file
    try:
        ledger.verify()
        held, retired, events = ledger.held_quantity(), ledger.retired_quantity(), len(ledger.history())
    finally:
        ledger.close()
    facts = [Fact("ledger", "Ledger", args.ledger), Fact("ok", "Verified", True,
                                                         "ok: hash chain, every block row and no overlaps"),
             Fact("events", "Events", events), Fact("held_t", "Held", held, f"{held:,} t CO2e"),
             Fact("retired_t", "Retired", retired, f"{retired:,} t CO2e")]
    emit(Document(f"Ledger {args.ledger} verified", facts), args.format, args.output)
    return 0


def add_parsers(sub: Any, common: Sequence[argparse.ArgumentParser]) -> None:
    """The ``ledger`` subcommands, on the ``neutralcore`` parser's subparsers *sub*."""
    led = sub.add_parser("ledger", help="the credit ledger: add, retire, list, verify",
                         description="The credit ledger file (docs/offset-and-claim.md): each serial retired once.")
    lsub = led.add_subparsers(dest="ledger_command", required=True, metavar="ACTION")

    add = lsub.add_parser("add", parents=common, help="add credit blocks (serials, a serial file or a registry CSV export)")
    add.add_argument("ledger", help="ledger file")
    add.add_argument("serials", nargs="*", help="Verra or Gold Standard serials")
    add.add_argument("--file", action="append", metavar="FILE",
                     help="serials from FILE: one a line (# comments), or a registry-export .csv (repeatable)")
    add.add_argument("--kind", choices=("avoidance", "removal"), help="what the credits are (serials do not say)")
    add.add_argument("--issuance-date", help="issuance date (ISO) of the serials given")
    add.add_argument("--methodology", help="methodology of the serials given, e.g. VM0007")
    add.add_argument("--create", action="store_true", help="start a new ledger file")
    add.set_defaults(func=_add)

    ret = lsub.add_parser("retire", parents=common, help="retire held credits for a subject and period")
    ret.add_argument("ledger", help="ledger file")
    ret.add_argument("serial", help="the serial range to retire (a held block or part of one)")
    ret.add_argument("--subject", required=True, help="whose claim the credits support")
    ret.add_argument("--period", required=True, help="reporting period: 2024, or 2024-01-01:2024-12-31")
    ret.add_argument("--retired-on", required=True, help="retirement date on the registry (ISO)")
    ret.add_argument("--quantity", type=int, help="retire only the first N credits of the range")
    ret.add_argument("--beneficiary", help="on whose behalf (default: the subject)")
    ret.add_argument("--reason", help="retirement reason recorded on the registry")
    ret.set_defaults(func=_retire)

    lst = lsub.add_parser("list", parents=common, help="list held blocks, or retirements")
    lst.add_argument("ledger", help="ledger file")
    lst.add_argument("--retired", action="store_true", help="list retirements instead of held blocks")
    lst.add_argument("--subject", help="retirements for this subject")
    lst.add_argument("--period", help="retirements for this period: 2024, or START:END")
    lst.set_defaults(func=_list)

    ver = lsub.add_parser("verify", parents=common, help="verify the whole file: hashes, rows, no overlaps")
    ver.add_argument("ledger", help="ledger file")
    ver.set_defaults(func=_verify)
