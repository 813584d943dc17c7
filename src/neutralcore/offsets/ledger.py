"""A persistent ledger of carbon-credit blocks that refuses double use.

(Over 600 lines: one class whose every operation is one checked transaction; its SQLite file
handling and error meanings are in :mod:`neutralcore.offsets.ledgerfile`.)

:class:`OffsetLedger` holds :class:`~neutralcore.offsets.Offset` blocks in a
SQLite file (standard library :mod:`sqlite3`), retires them for a named subject
and period, and refuses any second use of a serial:

- adding a block whose range overlaps any block already in the ledger (same
  programme and project, :meth:`Offset.overlaps`; a registry serial number
  names unique issued credits) raises
  :class:`~neutralcore.DuplicateSerialError` naming both;
- retiring serials that were already retired raises
  :class:`~neutralcore.AlreadyRetiredError` naming the earlier retirement
  (subject, period, beneficiary, date) and the new request;
- partial retirement splits a held block into the retired part and the held
  remainder(s).

Integrity
---------
- **Atomic.** Every operation is one SQLite transaction opened with
  ``BEGIN IMMEDIATE``; an error or a crash before ``COMMIT`` leaves the file as
  it was (SQLite's rollback journal, ``synchronous=FULL``).
- **Serialised writers.** ``BEGIN IMMEDIATE`` takes the database's write lock
  before the ledger state is read, so two processes cannot both see serials as
  held and both retire them; the second waits (up to ``timeout`` seconds), then
  sees the first one's retirement and is refused.
- **Corruption detected.** The file carries an application id, and every
  write stores a SHA-256 digest of all rows.  Opening runs
  ``PRAGMA integrity_check``, recomputes the digest, re-validates every stored
  block and checks that no two blocks overlap; every transaction recomputes
  the digest again.  Any failure raises :class:`~neutralcore.LedgerCorruptError`
  and nothing is repaired silently.  (The digest has no secret key: it detects
  damage and naive edits, not a deliberate forger who recomputes it.)
- **New files appear atomically**: a new ledger is built in a temporary file
  and linked into place, so an empty or half-written file is never a ledger.
- **Failures say what they are.**  Every SQLite error becomes a
  :class:`~neutralcore.LedgerError` subclass with the SQLite error as its
  cause: :class:`~neutralcore.LedgerLockedError` (another process held the
  lock longer than ``timeout``), :class:`~neutralcore.LedgerClosedError`,
  :class:`~neutralcore.LedgerReadOnlyError`,
  :class:`~neutralcore.LedgerDiskFullError` and
  :class:`~neutralcore.LedgerNotFoundError` (file or directory missing);
  a transaction is rolled back only while one is open, so SQLite's own
  rollback after a full disk no longer hides the cause.
  :class:`~neutralcore.LedgerCorruptError` means the file is damaged.

Every operation is also appended to an ``events`` table (:meth:`OffsetLedger.history`).
"""

from __future__ import annotations

import datetime as _dt
import itertools
import json
import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import attrs

from neutralcore.errors import (
    AlreadyRetiredError,
    DuplicateSerialError,
    InputError,
    InvalidRetirementError,
    LedgerClosedError,
    LedgerCorruptError,
    LedgerError,
    LedgerNotFoundError,
    UnknownCreditError,
)
from neutralcore.offsets import ledgerfile
from neutralcore.offsets.credits import Offset
from neutralcore.offsets.ledgerfile import APPLICATION_ID, BLOCK_COLUMNS, DAMAGE, FORMAT_VERSION, canonical
from neutralcore.offsets.period import Period
from neutralcore.offsets.retirement import Retirement
from neutralcore.offsets.serials import RegistrySerial, parse_serial

__all__ = ["Retirement", "OffsetLedger"]


@attrs.frozen
class _Row:
    id: int
    offset: Offset
    retirement: Retirement | None


_MEMORY_LEDGERS = itertools.count(1)


def _text(value: Any, column: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"must be a non-empty string, got {value!r}", column=column)
    return value.strip()


class OffsetLedger:
    """Credit blocks held and retired, persisted to a SQLite file.

    Parameters
    ----------
    path : str or os.PathLike
        Ledger file.  It must exist unless ``create`` is true, so that a
        mistyped path is an error rather than a new, empty ledger that has
        forgotten every earlier retirement; ``":memory:"`` gives a ledger that
        lives as long as this object.
    timeout : float
        Seconds to wait for another process's lock before raising
        :class:`~neutralcore.LedgerLockedError`.
    create : bool
        Create the file (atomically) if it does not exist (default ``False``).
    read_only : bool
        Open the file read-only (SQLite ``mode=ro``): queries work, and every
        change raises :class:`~neutralcore.LedgerReadOnlyError`.

    Raises
    ------
    LedgerNotFoundError
        When ``create=False`` and the file does not exist, or its directory does not.
    LedgerCorruptError
        When the file is not a neutralcore ledger or fails its integrity check.
    LedgerLockedError
        When another process holds the file's lock for longer than ``timeout``.
    LedgerError
        Another subclass saying what stopped the operation (read-only, disk full, closed).

    Every :class:`sqlite3.Error` an operation meets is raised as one of these
    (the SQLite error is ``__cause__``), and the ledger is unchanged.

    Examples
    --------
    >>> from neutralcore.offsets import Offset, Period
    >>> ledger = OffsetLedger(":memory:")
    >>> block = ledger.add(Offset.from_serial(
    ...     "9660-115597313-115618057-VCS-VCU-261-VER-US-14-1060-01012019-31122019-0",
    ...     kind="avoidance", issuance_date="2020-06-01"))
    >>> r = ledger.retire(block, quantity=8000, subject="Acme Ltd",
    ...                   period=Period.year(2024), retired_on="2025-03-01")
    >>> r.quantity, ledger.held_quantity()
    (8000, 12745)
    >>> ledger.close()
    """

    def __init__(
        self, path: str | os.PathLike[str], *, timeout: float = 30.0, create: bool = False, read_only: bool = False
    ) -> None:
        self._lock = threading.RLock()
        self._timeout = float(timeout)
        self._closed = True  # until the connection is open
        self._memory = str(path) == ":memory:"
        self.path = str(path) if self._memory else str(Path(path))
        self.read_only = bool(read_only)
        #: What retirements record as their ledger: the file's real path (or a per-object name in memory).
        self.identity = f":memory:{next(_MEMORY_LEDGERS)}" if self._memory else os.path.realpath(self.path)
        if not self._memory and not os.path.exists(self.path):
            directory = os.path.dirname(os.path.abspath(self.path))
            if not os.path.isdir(directory):
                raise LedgerNotFoundError(
                    f"{self.path}: directory {directory} does not exist", path=self.path, directory=directory
                )
            if not create or self.read_only:
                raise LedgerNotFoundError(
                    f"no ledger file at {self.path} (pass create=True to start one)", path=self.path
                )
            ledgerfile.create_file(self.path, self._timeout)
        try:
            self._conn = ledgerfile.connect(self.path, self._timeout, read_only=self.read_only and not self._memory)
        except DAMAGE as exc:
            raise self._error(exc, "opening the ledger", damaged=True) from exc
        self._closed = False
        try:
            if self._memory:
                self._sql(lambda: ledgerfile.initialise(self._conn), "creating the ledger")
            self.verify()
        except BaseException:
            self.close()
            raise

    # -- file handling --------------------------------------------------------

    def close(self) -> None:
        """Close the database connection (a ``:memory:`` ledger is discarded); using the ledger then raises
        :class:`~neutralcore.LedgerClosedError`."""
        with self._lock:
            self._closed = True
            conn = getattr(self, "_conn", None)
            if conn is not None:
                conn.close()

    def __del__(self) -> None:
        # a ledger dropped without close() must not leak its connection (Python 3.13 warns about that)
        conn = getattr(self, "_conn", None)
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - interpreter shutdown
                pass

    def __enter__(self) -> "OffsetLedger":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"OffsetLedger({self.path!r})"

    # -- errors ---------------------------------------------------------------

    def _corrupt(self, why: str, exc: BaseException | None = None) -> LedgerCorruptError:
        err = LedgerCorruptError(f"{self.path}: ledger failed its integrity check: {why}", path=self.path)
        if exc is not None:
            err.__cause__ = exc
        return err

    def _error(self, exc: BaseException, doing: str, *, damaged: bool = False) -> LedgerError:
        """The LedgerError for *exc*: what :func:`ledgerfile.ledger_error` says, else damage or a plain LedgerError."""
        err = ledgerfile.ledger_error(exc, self.path, doing, self._timeout)
        if err is None:
            err = self._corrupt(str(exc), exc) if damaged else LedgerError(f"{self.path}: {doing} failed: {exc}",
                                                                           path=self.path)
        err.__cause__ = exc
        return err

    def _sql(self, call: Any, doing: str, *, damaged: bool = False) -> Any:
        try:
            return call()
        except sqlite3.Error as exc:
            raise self._error(exc, doing, damaged=damaged) from exc

    def _check_open(self, doing: str) -> None:
        if self._closed:
            raise LedgerClosedError(f"{self.path}: the ledger is closed (while {doing}); open it again",
                                    path=self.path)

    # -- integrity ------------------------------------------------------------

    def verify(self) -> None:
        """Check the whole file: SQLite page integrity, digest, every block, no overlaps.

        Raises
        ------
        LedgerCorruptError
            On any failure; the file is left as it is.
        LedgerLockedError, LedgerClosedError
            When the file could not be read at all (it is not then known to be damaged).
        """
        with self._lock:
            self._check_open("verifying the ledger")
            try:
                ok = self._conn.execute("PRAGMA integrity_check").fetchall()
            except DAMAGE as exc:
                raise self._error(exc, "verifying the ledger", damaged=True) from exc
            if ok != [("ok",)]:
                raise self._corrupt("SQLite integrity_check reported " + "; ".join(str(r[0]) for r in ok[:5]))
            with self._read("verifying the ledger"):
                pass

    def _load(self, doing: str) -> list[_Row]:
        conn = self._conn
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            if app_id != APPLICATION_ID:
                raise self._corrupt(f"not a neutralcore ledger (application_id {app_id:#x})")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version != FORMAT_VERSION:
                raise self._corrupt(
                    f"unsupported ledger format version {version} (this neutralcore reads version "
                    f"{FORMAT_VERSION}; rebuild the ledger from the registry records)"
                )
            stored = conn.execute("SELECT value FROM meta WHERE key='digest'").fetchone()
            if stored is None or stored[0] != ledgerfile.digest(conn):
                raise self._corrupt("content digest does not match (the file was changed outside the ledger)")
            raw = conn.execute(f"SELECT {BLOCK_COLUMNS} FROM blocks ORDER BY id").fetchall()
        except DAMAGE as exc:
            raise self._error(exc, doing, damaged=True) from exc
        rows = [self._row(r) for r in raw]
        by_key: dict[tuple[str, str, str], list[Offset]] = {}
        for row in rows:
            by_key.setdefault(row.offset.registry_key, []).append(row.offset)
        for blocks in by_key.values():
            blocks.sort(key=lambda o: o.serial_start)
            for a, b in zip(blocks, blocks[1:]):
                if a.overlaps(b):
                    raise self._corrupt(f"stored blocks overlap: {a.label} and {b.label}")
        return rows

    def _row(self, r: Sequence[Any]) -> _Row:
        (rid, key, start, end, status, subject, p_start, p_end, retired_on, beneficiary, reason, data) = r
        try:
            offset = Offset.from_dict(json.loads(data))
            if (canonical(list(offset.registry_key)), offset.serial_start, offset.serial_end) != (key, start, end):
                raise ValueError("indexed columns disagree with the stored block")
            retirement = None
            if status == "retired":
                retirement = Retirement(
                    id=rid,
                    offset=offset,
                    subject=subject,
                    period=Period(p_start, p_end),
                    beneficiary=beneficiary,
                    retired_on=_dt.date.fromisoformat(retired_on),
                    reason=reason,
                    ledger=self.identity,
                )
                if offset.retirement_date != retirement.retired_on or offset.beneficiary != beneficiary:
                    raise ValueError("retirement columns disagree with the stored block")
            elif offset.retirement_date is not None:
                raise ValueError("a held block carries a retirement date")
        except LedgerCorruptError:
            raise
        except Exception as exc:  # any failure to rebuild a row means the file is damaged
            raise self._corrupt(f"block {rid}: {exc}", exc) from exc
        return _Row(id=rid, offset=offset, retirement=retirement)

    # -- transactions ---------------------------------------------------------

    def _begin(self, mode: str, doing: str) -> None:
        self._check_open(doing)
        self._sql(lambda: self._conn.execute(f"BEGIN {mode}"), doing)

    def _end(self, sql: str, doing: str) -> None:
        if self._conn.in_transaction:  # SQLite rolls back by itself after some errors (a full disk)
            self._sql(lambda: self._conn.execute(sql), doing)

    @contextmanager
    def _read(self, doing: str) -> Iterator[list[_Row]]:
        with self._lock:
            self._begin("DEFERRED", doing)
            try:
                yield self._load(doing)
            finally:
                self._end("COMMIT", doing)

    @contextmanager
    def _write(self, doing: str) -> Iterator[list[_Row]]:
        """One ``BEGIN IMMEDIATE`` transaction: committed whole, or rolled back whole on any error."""
        with self._lock:
            self._begin("IMMEDIATE", doing)
            try:
                rows = self._load(doing)
                yield rows
                self._store_digest()
                self._conn.execute("COMMIT")
            except BaseException as exc:
                try:
                    self._end("ROLLBACK", doing)
                except LedgerError as rollback:  # the first error is the one to report; SQLite's journal restores
                    if hasattr(exc, "add_note"):  # Python 3.11+
                        exc.add_note(f"rolling back also failed: {rollback}")
                if isinstance(exc, sqlite3.Error):
                    raise self._error(exc, doing) from exc
                raise

    def _store_digest(self) -> None:
        self._conn.execute("UPDATE meta SET value=? WHERE key='digest'", (ledgerfile.digest(self._conn),))

    def _insert(self, offset: Offset, retirement: dict[str, Any] | None = None) -> int:
        r = retirement or {}
        cur = self._conn.execute(
            "INSERT INTO blocks (registry_key, serial_start, serial_end, status, subject, period_start, "
            "period_end, retired_on, beneficiary, reason, data) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                canonical(list(offset.registry_key)),
                offset.serial_start,
                offset.serial_end,
                "retired" if retirement else "held",
                r.get("subject"),
                r.get("period_start"),
                r.get("period_end"),
                r.get("retired_on"),
                r.get("beneficiary"),
                r.get("reason"),
                canonical(offset.to_dict()),
            ),
        )
        return int(cur.lastrowid)  # type: ignore[arg-type]

    # -- operations -----------------------------------------------------------

    def add(self, offset: Offset) -> Offset:
        """Add one held block; see :meth:`add_many`."""
        return self.add_many([offset])[0]

    def add_many(self, offsets: Iterable[Offset]) -> tuple[Offset, ...]:
        """Add held (not yet retired) blocks, all or none.

        Raises
        ------
        DuplicateSerialError
            When a block overlaps a block already in the ledger (held or
            retired) or another block in the same call; the message names both.
        InvalidRetirementError
            When a block already carries a retirement date (add it unretired,
            then record the retirement with :meth:`retire`).
        InputError
            When an item is not an :class:`Offset`.
        """
        new = list(offsets)
        for i, offset in enumerate(new):
            if not isinstance(offset, Offset):
                raise InputError(f"item {i} is a {type(offset).__name__}, not an Offset", column="offsets")
            if offset.retirement_date is not None:
                raise InvalidRetirementError(
                    f"{offset.label} already carries retirement date {offset.retirement_date}; add it "
                    "unretired and record the retirement with OffsetLedger.retire(...)",
                    serial=offset.serial,
                )
        with self._write(f"adding {len(new)} block(s)") as rows:
            seen: list[tuple[Offset, str]] = [
                (row.offset, self._use(row)) for row in rows
            ]
            for offset in new:
                for other, use in seen:
                    if offset.overlaps(other):
                        raise DuplicateSerialError(
                            f"serials {offset.serial} ({offset.label}) overlap {use}; "
                            "a serial can be in the ledger only once",
                            serial=offset.serial,
                            existing=other.serial,
                            existing_use=use,
                        )
                seen.append((offset, f"{offset.label} added in the same call"))
            for offset in new:
                self._insert(offset)
            ledgerfile.log(self._conn, "add", {"blocks": [o.to_dict() for o in new]})
        return tuple(new)

    @staticmethod
    def _use(row: _Row) -> str:
        if row.retirement is not None:
            return row.retirement.describe()
        return f"{row.offset.label}, held in the ledger (block {row.id})"

    def retire(
        self,
        credits: Offset | str,
        *,
        subject: str,
        period: Period,
        retired_on: _dt.date | str,
        beneficiary: str | None = None,
        reason: str | None = None,
        quantity: int | None = None,
    ) -> Retirement:
        """Retire held credits for *subject* and *period*; a partial retirement splits the block.

        Parameters
        ----------
        credits : Offset or str
            The serial range to retire: a held block (or any sub-range of one,
            e.g. from :meth:`Offset.slice`) or a registry serial string.
        subject : str
            The subject whose claim these credits support.
        period : Period
            The reporting period they are retired for.
        retired_on : datetime.date or ISO string
            Retirement date on the registry; not before the block's issuance date and not
            in the future (at most one day ahead of today's UTC date).
        beneficiary : str, optional
            On whose behalf they were retired; defaults to *subject*.
        reason : str, optional
            Retirement reason recorded on the registry.
        quantity : int, optional
            Retire only the first *quantity* credits of the range.

        Returns
        -------
        Retirement

        Raises
        ------
        AlreadyRetiredError
            When any of the serials was already retired; names both uses.
        UnknownCreditError
            When the range is not inside a single held block.
        InvalidRetirementError
            When the date precedes issuance or lies in the future, or *quantity* does not fit.
        SerialFormatError, InputError
            When the serial, subject, period or date is malformed.
        """
        subject = _text(subject, "subject")
        beneficiary = _text(beneficiary, "beneficiary") if beneficiary is not None else subject
        reason = reason.strip() or None if isinstance(reason, str) else None
        if not isinstance(period, Period):
            raise InputError(f"period must be a Period, got {type(period).__name__}", column="period")
        if isinstance(retired_on, str):
            try:
                retired_on = _dt.date.fromisoformat(retired_on)
            except ValueError:
                raise InputError(f"not an ISO date: {retired_on!r}", column="retired_on") from None
        if not isinstance(retired_on, _dt.date):
            raise InputError(f"retired_on must be a date, got {retired_on!r}", column="retired_on")
        if isinstance(retired_on, _dt.datetime):
            retired_on = retired_on.date()
        # A retirement is recorded once the registry has made it: a future date would let a claim
        # count credits that are still in circulation.  One day of slack
        # covers registries whose date is ahead of UTC.
        latest = _dt.datetime.now(_dt.timezone.utc).date() + _dt.timedelta(days=1)
        if retired_on > latest:
            raise InvalidRetirementError(
                f"retirement date {retired_on} is in the future; record a retirement after the registry "
                "has made it",
                retired_on=retired_on,
            )
        parsed_serial: RegistrySerial | None = None
        if isinstance(credits, str):
            parsed_serial = parse_serial(credits)
            target = Offset.from_serial(parsed_serial, kind="avoidance")
        elif isinstance(credits, Offset):
            target = credits
        else:
            raise InputError(
                f"credits must be an Offset or a serial string, got {type(credits).__name__}", column="credits"
            )
        key, start, end = target.registry_key, target.serial_start, target.serial_end
        if quantity is not None:
            if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= end - start + 1:
                raise InvalidRetirementError(
                    f"quantity must be a whole number from 1 to {end - start + 1}, got {quantity!r}",
                    quantity=quantity,
                )
            end = start + quantity - 1
            target = target.slice(start, end)

        with self._write(f"retiring serials {start}-{end}") as rows:
            held = [r for r in rows if r.retirement is None and r.offset.contains(target)]
            request = f"retire serials {start}-{end} for subject {subject!r}, period {period}, on {retired_on}"
            if not held:
                clashes = [r for r in rows if r.offset.overlaps(target)]
                retired = [r for r in clashes if r.retirement is not None]
                if retired:
                    first = retired[0].retirement
                    assert first is not None
                    raise AlreadyRetiredError(
                        f"cannot {request}: already used: " + "; ".join(
                            r.retirement.describe() for r in retired if r.retirement
                        ),
                        serial=f"{start}-{end}",
                        retired_on=first.retired_on,
                        beneficiary=first.beneficiary,
                        subject=first.subject,
                    )
                where = f"{key[0]} project {key[2]}"
                if clashes:
                    raise UnknownCreditError(
                        f"cannot {request}: the range is not inside a single held block of {where} "
                        "(it spans " + ", ".join(f"{r.offset.serial_start}-{r.offset.serial_end}" for r in clashes)
                        + ")",
                        serial=f"{start}-{end}",
                    )
                raise UnknownCreditError(
                    f"cannot {request}: no such credits in the ledger for {where}", serial=f"{start}-{end}"
                )
            row = held[0]
            block = row.offset
            if parsed_serial is not None and block.registry_serial is not None:
                if parsed_serial.with_range(0, 0) != block.registry_serial.with_range(0, 0):
                    raise UnknownCreditError(
                        f"serial {str(parsed_serial)!r} matches the range of block {block.serial} but not its "
                        "other fields (batch, vintage, country, ...)",
                        serial=str(parsed_serial),
                    )
            if block.issuance_date is not None and retired_on < block.issuance_date:
                raise InvalidRetirementError(
                    f"cannot {request}: retirement date {retired_on} is before issuance {block.issuance_date} "
                    f"of {block.label}",
                    serial=block.serial,
                    retired_on=retired_on,
                )
            self._conn.execute("DELETE FROM blocks WHERE id=?", (row.id,))
            if start > block.serial_start:
                self._insert(block.slice(block.serial_start, start - 1))
            if end < block.serial_end:
                self._insert(block.slice(end + 1, block.serial_end))
            retired_block = attrs.evolve(
                block.slice(start, end), retirement_date=retired_on, beneficiary=beneficiary
            )
            info = {
                "subject": subject,
                "period_start": period.start.isoformat(),
                "period_end": period.end.isoformat(),
                "retired_on": retired_on.isoformat(),
                "beneficiary": beneficiary,
                "reason": reason,
            }
            new_id = self._insert(retired_block, info)
            ledgerfile.log(
                self._conn,
                "retire",
                {"from_block": row.id, "block": new_id, "serials": [start, end], **info, "offset": block.to_dict()},
            )
        return Retirement(
            id=new_id,
            offset=retired_block,
            subject=subject,
            period=period,
            beneficiary=beneficiary,
            retired_on=retired_on,
            reason=reason,
            ledger=self.identity,
        )

    # -- queries --------------------------------------------------------------

    def holdings(self) -> tuple[Offset, ...]:
        """Held (unretired) blocks, ordered by programme, project and serial."""
        with self._read("reading the holdings") as rows:
            held = [r.offset for r in rows if r.retirement is None]
        return tuple(sorted(held, key=lambda o: (o.registry_key, o.serial_start)))

    def retirements(self, subject: str | None = None, period: Period | None = None) -> tuple[Retirement, ...]:
        """Retired blocks, optionally only those for *subject* and/or *period*, in retirement order."""
        with self._read("reading the retirements") as rows:
            found = [r.retirement for r in rows if r.retirement is not None]
        return tuple(
            r
            for r in found
            if (subject is None or r.subject == subject) and (period is None or r.period == period)
        )

    def retired_quantity(self, subject: str | None = None, period: Period | None = None) -> int:
        """Total credits retired (tonnes CO2e), optionally for one subject and/or period."""
        return sum(r.quantity for r in self.retirements(subject, period))

    def held_quantity(self) -> int:
        """Total credits held and not retired (tonnes CO2e)."""
        return sum(o.quantity for o in self.holdings())

    def history(self) -> tuple[dict[str, Any], ...]:
        """The append-only event log: ``{"id", "at", "op", "payload"}`` per operation."""
        with self._read("reading the history"):
            events = self._sql(
                lambda: self._conn.execute("SELECT id, at, op, payload FROM events ORDER BY id").fetchall(),
                "reading the history",
                damaged=True,
            )
        return tuple({"id": i, "at": at, "op": op, "payload": json.loads(p)} for i, at, op, p in events)
