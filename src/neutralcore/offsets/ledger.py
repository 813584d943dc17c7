"""A persistent ledger of carbon-credit blocks that refuses double use.

(Over 600 lines: one class whose every operation is one checked transaction, with the checks of the
rows it reads and of a format 3 file it migrates; its SQLite schema, hashes, full verification and
error meanings are in :mod:`neutralcore.offsets.ledgerfile`, its CSV import in
:mod:`neutralcore.offsets.exportcsv`.)

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

Cost
----
Each operation reads only the blocks it touches, through the index on
(registry key, serial start): adding a block is one neighbour query (the stored
block starting at or before its last serial) and one insert; retiring reads the
block that holds the range (and, when it is refused, the blocks the range
overlaps); :meth:`OffsetLedger.add_many` is one transaction that sorts its own
blocks to find overlaps among them.  Listing and totals are SQL queries.

Integrity
---------
- **Atomic.** Every operation is one SQLite transaction opened with
  ``BEGIN IMMEDIATE``; an error or a crash before ``COMMIT`` leaves the file as
  it was (SQLite's rollback journal, ``synchronous=FULL``).
- **Serialised writers.** ``BEGIN IMMEDIATE`` takes the database's write lock
  before the ledger state is read, so two processes cannot both see serials as
  held and both retire them; the second waits (up to ``timeout`` seconds), then
  sees the first one's retirement and is refused.
- **A hash chain.** Every operation appends an event to an append-only log;
  each event's SHA-256 covers its time, operation, payload (by its SHA-256), the hash of the
  event before it and the *state* it leaves: the sum (modulo 2**256) of the
  SHA-256 of every stored block row.  Each block row carries its own SHA-256.
- **What is checked when.** Opening (by default) and :meth:`OffsetLedger.verify` check
  everything (:func:`~neutralcore.offsets.ledgerfile.verify_all`): SQLite's
  ``integrity_check``, the whole chain from the first event, every row's hash,
  that the rows add up to the last event's state, and that no two blocks
  overlap.  ``verify(checkpoint=True)`` also appends a ``checkpoint`` event
  saying what it verified, and ``OffsetLedger(path, verify="incremental")``
  then checks only what changed since the last one
  (:func:`~neutralcore.offsets.ledgerfile.verify_since`): the chain from the
  checkpoint on, every row written since (its hash, and no overlap with its
  neighbours), and that the rows add up to the last event's state; it does not
  read SQLite's pages or the rows from before the checkpoint, which a full
  verification (scheduled by the caller) and every operation that reads them
  still check.  Every operation checks the last event's hash; the rows it reads
  are checked against their hashes and re-validated as
  :class:`~neutralcore.offsets.Offset` values.  When another connection
  committed since this object's last operation, the file's ids and format are
  checked and the events it appended must chain on; when the file changed
  *without* a new event (an edit outside neutralcore), the next operation
  verifies the whole file first.
  Any failure raises :class:`~neutralcore.LedgerCorruptError` and nothing is
  repaired silently.  (No hash has a secret key: they detect damage and edits
  made outside neutralcore, not a forger who recomputes them.)
- **New files appear atomically**: a new ledger is built in a temporary file
  and linked into place, so an empty or half-written file is never a ledger.
- **Versioned format.** A file of format 3 (the previous release) is refused
  with :class:`~neutralcore.LedgerFormatError` naming its version until it is
  migrated with :meth:`OffsetLedger.migrate` (or ``migrate=True``), which checks
  it in full first and rewrites it in one transaction.
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
from typing import Any, Callable, Iterable, Iterator, Literal, Sequence

import attrs

from neutralcore._core.display import view_html
from neutralcore._core.progress import bar
from neutralcore._core.table import Table
from neutralcore.errors import (
    AlreadyRetiredError,
    DuplicateSerialError,
    InputError,
    InvalidRetirementError,
    LedgerClosedError,
    LedgerCorruptError,
    LedgerError,
    LedgerFormatError,
    LedgerNotFoundError,
    UnknownCreditError,
)
from neutralcore.offsets import ledgerfile
from neutralcore.offsets.credits import OFFSET_RECORD, Offset
from neutralcore.offsets.exportcsv import read_blocks
from neutralcore.offsets.ledgerfile import (
    APPLICATION_ID,
    BLOCK_COLUMNS,
    DAMAGE,
    EVENT_COLUMNS,
    FORMAT_VERSION,
    MIGRATABLE_VERSION,
    canonical,
)
from neutralcore.offsets.period import Period
from neutralcore.offsets.retirement import RETIREMENT_RECORD, Retirement
from neutralcore.offsets.serials import RegistrySerial, parse_serial

__all__ = ["Retirement", "OffsetLedger"]


@attrs.frozen
class _Row:
    id: int
    offset: Offset
    retirement: Retirement | None


@attrs.define
class _Tx:
    """What a write transaction changes: the state (sum of row hashes) and the next block id."""

    head: tuple[int, str]
    state: int
    next_id: int = 0  # read at the first insert (0: not yet)


_MEMORY_LEDGERS = itertools.count(1)
_SELECT = f"SELECT {BLOCK_COLUMNS} FROM blocks"
def _text(value: Any, column: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"must be a non-empty string, got {value!r}", column=column)
    return value.strip()


def _since_checkpoint(conn: sqlite3.Connection) -> int:
    """Verify what changed since the last checkpoint, or everything when there is none."""
    mark = ledgerfile.last_checkpoint(conn)
    return ledgerfile.verify_all(conn) if mark is None else ledgerfile.verify_since(conn, mark)


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
        Create the file (atomically); it must not exist yet, unless *exist_ok*
        (default ``False``).
    exist_ok : bool
        With *create*, open the file if it exists instead of refusing it
        (default ``False``, so that starting a new ledger never silently
        reopens an old one and its retirements).
    read_only : bool
        Open the file read-only (SQLite ``mode=ro``): queries work, and every
        change raises :class:`~neutralcore.LedgerReadOnlyError`.
    migrate : bool
        Migrate a file of the previous format (3) to the current one (4) on
        opening; see :meth:`migrate`.  Without it such a file is refused.
    verify : bool or {"full", "incremental"}
        What opening checks.  ``True`` or ``"full"`` (the default): the whole
        file (:meth:`verify`).  ``"incremental"``: what changed since the last
        checkpoint (:meth:`verify` with ``checkpoint=True`` writes one) — the
        event log from the checkpoint on, every block row written since, that
        the stored row hashes add up to the state the last event recorded, and
        no overlap among the blocks written since; a ledger without a
        checkpoint is verified in full.  ``False``: only the file's ids and its
        last event's hash, in constant time.  Whatever is chosen, each
        operation checks the rows it reads, and a full verification is then
        the caller's to schedule.

    Raises
    ------
    LedgerNotFoundError
        When ``create=False`` and the file does not exist, or its directory does not.
    LedgerError
        When ``create=True`` and the file exists already (unless ``exist_ok=True``).
    LedgerCorruptError
        When the file is not a neutralcore ledger or fails its integrity check.
    LedgerFormatError
        When the file is of another format version (``.version`` says which).
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
        self,
        path: str | os.PathLike[str],
        *,
        timeout: float = 30.0,
        create: bool = False,
        exist_ok: bool = False,
        read_only: bool = False,
        migrate: bool = False,
        verify: bool | Literal["full", "incremental"] = True,
    ) -> None:
        if verify not in (True, False, "full", "incremental"):
            raise InputError(f"verify must be True, False, 'full' or 'incremental', not {verify!r}", column="verify")
        self._lock = threading.RLock()
        self._timeout = float(timeout)
        self._closed = True  # until the connection is open
        self._memory = str(path) == ":memory:"
        self.path = str(path) if self._memory else str(Path(path))
        self.read_only = bool(read_only)
        #: Block rows read since the ledger was opened (not counting full verifications).
        self.rows_read = 0
        # (PRAGMA data_version, last event id, its hash) after this object's last checked transaction
        self._seen: tuple[int, int, str] | None = None
        #: What retirements record as their ledger: the file's real path (or a per-object name in memory).
        self.identity = f":memory:{next(_MEMORY_LEDGERS)}" if self._memory else os.path.realpath(self.path)
        if create and not exist_ok and not self._memory and os.path.exists(self.path):
            raise LedgerError(
                f"{self.path}: a ledger file exists already; open it with OffsetLedger({self.path!r}), or pass "
                "exist_ok=True to create it only if it is missing", path=self.path,
            )
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
            if migrate:
                self._migrate()
            if verify == "incremental":
                self._verify_incremental()
            elif verify:
                self.verify()
            else:
                self._open_quick()
        except BaseException:
            self.close()
            raise

    @classmethod
    def migrate(cls, path: str | os.PathLike[str], *, timeout: float = 30.0) -> None:
        """Migrate the ledger file at *path* from format 3 (the previous release) to format 4, in place.

        The file is checked in full as a format 3 ledger first (its digest, and
        every block re-validated); then one transaction rewrites it, so a crash
        leaves either the old file or the new one.  A file already of format 4
        is left as it is.

        Raises
        ------
        LedgerCorruptError
            When the file fails its format 3 checks, or is of a format that cannot be migrated.
        LedgerError
            A subclass saying what else stopped it (locked, read-only, disk full, not found).
        """
        cls(path, timeout=timeout, migrate=True).close()

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

    def _view(self) -> tuple[str, list[tuple[str, str]]]:
        title = f"OffsetLedger({self.path!r})"
        if self._closed:
            return title + " (closed)", []
        held, retired = self.held_quantity(), self.retired_quantity()
        return title, [("held", f"{held:,} t CO2e"), ("retired", f"{retired:,} t CO2e"),
                       ("mode", "read-only" if self.read_only else "read-write")]

    def __repr__(self) -> str:
        title, facts = self._view()
        return title[:-1] + "".join(f", {k} {v}" for k, v in facts) + ")" if facts else title

    def _repr_html_(self) -> str:
        return view_html(*self._view())

    # -- errors ---------------------------------------------------------------

    def _corrupt(self, why: str, exc: BaseException | None = None, **context: Any) -> LedgerCorruptError:
        err = LedgerCorruptError(f"{self.path}: ledger failed its integrity check: {why}", path=self.path, **context)
        if exc is not None:
            err.__cause__ = exc
        return err

    def _error(self, exc: BaseException, doing: str, *, damaged: bool = False) -> LedgerError:
        """The LedgerError for *exc*: what :func:`ledgerfile.ledger_error` says, else damage or a plain LedgerError."""
        if isinstance(exc, ledgerfile.Damaged):
            return self._corrupt(str(exc), exc)
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

    def verify(self, *, checkpoint: bool = False) -> None:
        """Check the whole file (what opening checks): SQLite page integrity, the whole hash chain, every
        block row's hash, that the rows are the state the last event recorded, and no overlaps.

        Parameters
        ----------
        checkpoint : bool
            Also append a ``checkpoint`` event recording what was verified (in
            the same write transaction, so nothing changes in between), from
            which ``OffsetLedger(path, verify="incremental")`` verifies.  The
            event joins the hash chain like any other; it changes no block.

        Raises
        ------
        LedgerCorruptError
            On any failure; the file is left as it is.
        LedgerLockedError, LedgerClosedError, LedgerReadOnlyError
            When the file could not be read (or, for a checkpoint, written) at all (it is not then known to
            be damaged).
        """
        doing = "verifying the ledger"
        if checkpoint:
            with self._write(doing) as tx:
                blocks = self._verify_all(doing)
                self._log(tx, ledgerfile.CHECKPOINT, ledgerfile.checkpoint_payload(self._conn, blocks))
            return
        self._read_checked(doing, ledgerfile.verify_all)

    def _checked(self, doing: str, check: Callable[[sqlite3.Connection], int | None]) -> int | None:
        """Run *check* on the file (inside a transaction), then note its last event as seen; damage found
        either way is a :class:`~neutralcore.LedgerCorruptError`.  Returns what *check* returned."""
        try:
            result = check(self._conn)
            head = ledgerfile.read_head(self._conn)
            version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        except (ledgerfile.Damaged, *DAMAGE) as exc:
            raise self._error(exc, doing, damaged=True) from exc
        self._seen = (version, head[0], head[1])
        return result

    def _read_checked(self, doing: str, check: Callable[[sqlite3.Connection], int | None]) -> None:
        """:meth:`_checked` in a read transaction of its own, after the file's ids and format."""
        with self._lock:
            self._begin("DEFERRED", doing, damaged=True)
            try:
                self._header(doing)
                self._checked(doing, check)
            finally:
                self._end("COMMIT", doing, damaged=True)

    def _verify_all(self, doing: str) -> int:
        return int(self._checked(doing, ledgerfile.verify_all) or 0)

    def _verify_incremental(self) -> None:
        self._read_checked("opening the ledger", _since_checkpoint)

    def _open_quick(self) -> None:
        self._read_checked("opening the ledger", lambda conn: None)

    def _header(self, doing: str) -> None:
        try:
            app_id = self._conn.execute("PRAGMA application_id").fetchone()[0]
            version = self._conn.execute("PRAGMA user_version").fetchone()[0]
        except DAMAGE as exc:
            raise self._error(exc, doing, damaged=True) from exc
        if app_id != APPLICATION_ID:
            raise self._corrupt(f"not a neutralcore ledger (application_id {app_id:#x})")
        if version == MIGRATABLE_VERSION:
            raise LedgerFormatError(
                f"{self.path}: ledger format version {version} (written by the previous neutralcore release); this neutralcore "
                f"reads version {FORMAT_VERSION}: migrate it once with OffsetLedger.migrate({self.path!r}) or open "
                "it with migrate=True",
                path=self.path,
                version=version,
            )
        if 1 <= version < MIGRATABLE_VERSION:  # an older release's format: the file is not damaged
            raise LedgerFormatError(
                f"{self.path}: unsupported ledger format version {version} (this neutralcore reads version "
                f"{FORMAT_VERSION} and migrates version {MIGRATABLE_VERSION}; rebuild the ledger from the "
                "registry records)",
                path=self.path,
                version=version,
            )
        if version != FORMAT_VERSION:  # no release wrote it: a damaged header, or a newer neutralcore
            raise self._corrupt(
                f"unknown ledger format version {version} (this neutralcore reads version {FORMAT_VERSION}; "
                "the header is damaged, or a newer neutralcore wrote the file)",
                version=version,
            )

    def _check(self, doing: str) -> tuple[int, str, int]:
        """At the start of a transaction: the last event, and anything committed since this object's last one
        (the file's ids and format first, if anything was)."""
        try:
            head = ledgerfile.read_head(self._conn)
            version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        except (ledgerfile.Damaged, *DAMAGE) as exc:
            self._header(doing)  # a file that is no longer a format 4 ledger says so first
            raise self._error(exc, doing, damaged=True) from exc
        seen = self._seen
        if seen is None or version != seen[0]:
            self._header(doing)
        try:
            if seen is None or version != seen[0]:
                if seen is not None and head[0] > seen[1]:
                    ledgerfile.follow(self._conn, (seen[1], seen[2]))  # another ledger's operations
                else:  # the file changed, but not through a ledger operation
                    ledgerfile.verify_all(self._conn)
            elif (head[0], head[1]) != (seen[1], seen[2]):
                raise ledgerfile.Damaged("the last event changed although nothing was committed")
        except (ledgerfile.Damaged, *DAMAGE) as exc:
            raise self._error(exc, doing, damaged=True) from exc
        self._seen = (version, head[0], head[1])
        return head

    def _migrate(self) -> None:
        doing = "migrating the ledger"
        with self._lock:
            self._begin("IMMEDIATE", doing)
            try:
                try:
                    app_id = self._conn.execute("PRAGMA application_id").fetchone()[0]
                    version = self._conn.execute("PRAGMA user_version").fetchone()[0]
                except DAMAGE as exc:
                    raise self._error(exc, doing, damaged=True) from exc
                if app_id != APPLICATION_ID or version != MIGRATABLE_VERSION:
                    self._end("ROLLBACK", doing)
                    return  # _header (called by verify) says what it is
                self._check_v3(doing)
                ledgerfile.migrate_v3(self._conn)
                self._conn.execute("COMMIT")
            except BaseException as exc:
                self._rollback(exc, doing)
                if isinstance(exc, sqlite3.Error):
                    raise self._error(exc, doing) from exc
                raise

    def _check_v3(self, doing: str) -> None:
        """A format 3 file's own checks: SQLite integrity, its digest, every block, no overlaps."""
        try:
            ok = self._conn.execute("PRAGMA integrity_check").fetchall()
            if ok != [("ok",)]:
                raise self._corrupt("SQLite integrity_check reported " + "; ".join(str(r[0]) for r in ok[:5]))
            stored = self._conn.execute("SELECT value FROM meta WHERE key='digest'").fetchone()
            if stored is None or stored[0] != ledgerfile.digest_v3(self._conn):
                raise self._corrupt("content digest does not match (the file was changed outside the ledger)")
            raw = self._conn.execute(f"SELECT {BLOCK_COLUMNS.replace(', row_hash', '')} FROM blocks").fetchall()
        except DAMAGE as exc:
            raise self._error(exc, doing, damaged=True) from exc
        offsets = sorted((self._parse(r).offset for r in raw), key=lambda o: (o.registry_key, o.serial_start))
        for a, b in zip(offsets, offsets[1:]):
            if a.overlaps(b):
                raise self._corrupt(f"stored blocks overlap: {a.label} and {b.label}")

    # -- rows -----------------------------------------------------------------

    def _rows(self, sql: str, params: Sequence[Any], doing: str) -> list[tuple[Any, ...]]:
        """Block rows of one query, each checked against its hash; counted in :attr:`rows_read`."""
        try:
            rows = self._conn.execute(sql, params).fetchall()
            for r in rows:
                if ledgerfile.row_hash(r[:-1]) != r[-1]:
                    raise ledgerfile.Damaged(f"block {r[0]} was changed after it was written (its hash does not match)")
        except (ledgerfile.Damaged, *DAMAGE) as exc:
            raise self._error(exc, doing, damaged=True) from exc
        self.rows_read += len(rows)
        return rows

    def _parse(self, r: Sequence[Any]) -> _Row:
        (rid, key, start, end, status, subject, p_start, p_end, retired_on, beneficiary, reason, data) = r[:12]
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

    def _begin(self, mode: str, doing: str, *, damaged: bool = False) -> None:
        self._check_open(doing)
        self._sql(lambda: self._conn.execute(f"BEGIN {mode}"), doing, damaged=damaged)

    def _end(self, sql: str, doing: str, *, damaged: bool = False) -> None:
        if self._conn.in_transaction:  # SQLite rolls back by itself after some errors (a full disk)
            self._sql(lambda: self._conn.execute(sql), doing, damaged=damaged)

    def _rollback(self, exc: BaseException, doing: str) -> None:
        try:
            self._end("ROLLBACK", doing)
        except LedgerError as rollback:  # the first error is the one to report; SQLite's journal restores
            if hasattr(exc, "add_note"):  # Python 3.11+
                exc.add_note(f"rolling back also failed: {rollback}")

    @contextmanager
    def _read(self, doing: str) -> Iterator[None]:
        with self._lock:
            self._begin("DEFERRED", doing)
            try:
                self._check(doing)
                yield
            finally:
                self._end("COMMIT", doing)

    @contextmanager
    def _write(self, doing: str) -> Iterator[_Tx]:
        """One ``BEGIN IMMEDIATE`` transaction: committed whole, or rolled back whole on any error."""
        with self._lock:
            self._begin("IMMEDIATE", doing)
            seen = self._seen
            try:
                head = self._check(doing)
                tx = _Tx(head=(head[0], head[1]), state=head[2])
                yield tx
                self._conn.execute("COMMIT")
                self._seen = (self._seen[0] if self._seen else 0, tx.head[0], tx.head[1])
            except BaseException as exc:
                self._seen = seen
                self._rollback(exc, doing)
                if isinstance(exc, sqlite3.Error):
                    raise self._error(exc, doing) from exc
                raise

    def _log(self, tx: _Tx, op: str, payload: str) -> None:
        """Append the operation's event (the last write of every operation)."""
        tx.head = ledgerfile.append_event(self._conn, op, payload, tx.state, tx.head)

    def _insert(self, tx: _Tx, offset: Offset, data: str, retirement: dict[str, Any] | None = None) -> int:
        r = retirement or {}
        if not tx.next_id:
            tx.next_id = ledgerfile.next_block_id(self._conn)
        values = (
            tx.next_id,
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
            data,
        )
        digest = ledgerfile.row_hash(values)
        self._conn.execute(f"INSERT INTO blocks ({BLOCK_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           (*values, digest))
        tx.state = ledgerfile.add_to_state(tx.state, digest)
        tx.next_id += 1
        return values[0]

    def _delete(self, tx: _Tx, raw: Sequence[Any]) -> None:
        self._conn.execute("DELETE FROM blocks WHERE id=?", (raw[0],))
        tx.state = ledgerfile.add_to_state(tx.state, raw[-1], -1)

    # -- operations -----------------------------------------------------------

    def add(self, offset: Offset) -> Offset:
        """Add one held block; see :meth:`add_many`."""
        return self.add_many([offset])[0]

    def add_many(self, offsets: Iterable[Offset], *, progress: bool | None = None) -> tuple[Offset, ...]:
        """Add held (not yet retired) blocks, all or none, in one transaction.

        The blocks are sorted by registry key and serial to find overlaps among
        them; each is checked against the ledger with one indexed query.
        *progress* shows a bar over the blocks checked and inserted (``True``),
        never (``False``), or (``None``, the default) only on an interactive
        terminal; it needs tqdm (``pip install 'neutralcore[progress]'``) and
        is silent without it.

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
        ordered = sorted(new, key=lambda o: (o.registry_key, o.serial_start))
        reach: Offset | None = None  # of the blocks so far with this key, the one reaching the highest serial
        for offset in ordered:
            if reach is not None and reach.registry_key == offset.registry_key:
                if offset.serial_start <= reach.serial_end:
                    self._refuse_overlap(offset, reach, f"{reach.label} added in the same call")
                if offset.serial_end <= reach.serial_end:
                    continue
            reach = offset
        doing = f"adding {len(new)} block(s)"
        with self._write(doing) as tx, bar(2 * len(new), f"{doing}: checked + inserted", progress=progress) as b:
            datas = []
            for offset in new:
                key = canonical(list(offset.registry_key))
                near = self._rows(f"{_SELECT} WHERE registry_key=? AND serial_start<=? ORDER BY serial_start DESC "
                                  "LIMIT 1", (key, offset.serial_end), doing)
                if near and near[0][3] >= offset.serial_start:
                    row = self._parse(near[0])
                    self._refuse_overlap(offset, row.offset, self._use(row))
                b.update()
            for offset in new:
                data = canonical(offset.to_dict())
                self._insert(tx, offset, data)
                datas.append(data)
                b.update()
            self._log(tx, "add", '{"blocks":[' + ",".join(datas) + "]}")
        return tuple(new)

    @staticmethod
    def _refuse_overlap(offset: Offset, other: Offset, use: str) -> None:
        raise DuplicateSerialError(
            f"serials {offset.serial} ({offset.label}) overlap {use}; a serial can be in the ledger only once",
            serial=offset.serial,
            existing=other.serial,
            existing_use=use,
        )

    def add_csv(self, source: str | Path | bytes, *, kind: str | None = None,
                name: str | None = None, progress: bool | None = None) -> tuple[Offset, ...]:
        """Add the serial blocks of a CSV file (a registry export), all or none, in one transaction.

        One row per block.  Either a ``serial`` column holds the Verra or Gold
        Standard serial (programme, project, country, range and vintage come
        from it), or the columns ``programme``, ``project_id``, ``country``,
        ``vintage_start``, ``vintage_end``, ``serial_start`` and ``serial_end``
        give them.  Any other :class:`Offset` field may be a column (an empty
        cell is no value); ``kind`` may be a column or the *kind* argument; a
        ``quantity`` column, if present, must equal ``serial_end - serial_start + 1``.
        *progress* is as for :meth:`add_many`.

        Raises
        ------
        SchemaError
            When the file cannot be read, its header is wrong, or a cell is
            invalid; the message names the file, line and column.
        DuplicateSerialError
            As for :meth:`add_many`; nothing is added.

        Examples
        --------
        >>> ledger = OffsetLedger(":memory:")
        >>> export = (b"serial,issuance_date\\n"
        ...           b"9660-115597313-115618057-VCS-VCU-261-VER-US-14-1060-01012019-31122019-0,2020-06-01\\n")
        >>> [o.quantity for o in ledger.add_csv(export, kind="avoidance", name="vcus.csv")]
        [20745]
        >>> ledger.close()
        """
        return self.add_many(read_blocks(source, kind=kind, name=name), progress=progress)

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

        doing = f"retiring serials {start}-{end}"
        key_text = canonical(list(key))
        with self._write(doing) as tx:
            near = self._rows(f"{_SELECT} WHERE registry_key=? AND serial_start<=? ORDER BY serial_start DESC LIMIT 1",
                              (key_text, start), doing)
            request = f"retire serials {start}-{end} for subject {subject!r}, period {period}, on {retired_on}"
            if not (near and near[0][4] == "held" and near[0][3] >= end):
                self._refuse_retirement(near, key_text, start, end, request, key, doing)
            raw = near[0]
            row = self._parse(raw)
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
            self._delete(tx, raw)
            if start > block.serial_start:
                piece = block.slice(block.serial_start, start - 1)
                self._insert(tx, piece, canonical(piece.to_dict()))
            if end < block.serial_end:
                piece = block.slice(end + 1, block.serial_end)
                self._insert(tx, piece, canonical(piece.to_dict()))
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
            new_id = self._insert(tx, retired_block, canonical(retired_block.to_dict()), info)
            self._log(tx, "retire", canonical(
                {"from_block": row.id, "from_hash": raw[-1], "block": new_id, "serials": [start, end], **info,
                 "offset": block.to_dict()}
            ))
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

    def _refuse_retirement(self, near: list[tuple[Any, ...]], key_text: str, start: int, end: int, request: str,
                           key: tuple[str, str, str], doing: str) -> None:
        """Raise why ``[start, end]`` is not inside one held block, reading the blocks it overlaps."""
        clashes = [self._parse(r) for r in near if r[3] >= start]
        clashes += [self._parse(r) for r in self._rows(
            f"{_SELECT} WHERE registry_key=? AND serial_start>? AND serial_start<=? ORDER BY serial_start",
            (key_text, start, end), doing)]
        retired = [r.retirement for r in clashes if r.retirement is not None]
        if retired:
            first = retired[0]
            raise AlreadyRetiredError(
                f"cannot {request}: already used: " + "; ".join(r.describe() for r in retired),
                serial=f"{start}-{end}",
                retired_on=first.retired_on,
                beneficiary=first.beneficiary,
                subject=first.subject,
            )
        where = f"{key[0]} project {key[2]}"
        if clashes:
            raise UnknownCreditError(
                f"cannot {request}: the range is not inside a single held block of {where} "
                "(it spans " + ", ".join(f"{r.offset.serial_start}-{r.offset.serial_end}" for r in clashes) + ")",
                serial=f"{start}-{end}",
            )
        raise UnknownCreditError(f"cannot {request}: no such credits in the ledger for {where}", serial=f"{start}-{end}")

    # -- queries --------------------------------------------------------------

    def holdings(self) -> tuple[Offset, ...]:
        """Held (unretired) blocks, ordered by programme, project and serial."""
        doing = "reading the holdings"
        with self._read(doing):
            rows = self._rows(f"{_SELECT} WHERE status='held'", (), doing)
        held = [self._parse(r).offset for r in rows]
        return tuple(sorted(held, key=lambda o: (o.registry_key, o.serial_start)))

    @staticmethod
    def _filter(subject: str | None, period: Period | None) -> tuple[str, list[str]]:
        where, params = "status='retired'", []
        if subject is not None:
            where += " AND subject=?"
            params.append(subject)
        if period is not None:
            where += " AND period_start=? AND period_end=?"
            params += [period.start.isoformat(), period.end.isoformat()]
        return where, params

    def retirements(self, subject: str | None = None, period: Period | None = None) -> tuple[Retirement, ...]:
        """Retired blocks, optionally only those for *subject* and/or *period*, in retirement order."""
        doing = "reading the retirements"
        where, params = self._filter(subject, period)
        with self._read(doing):
            rows = self._rows(f"{_SELECT} WHERE {where} ORDER BY id", params, doing)
        found = [self._parse(r).retirement for r in rows]
        return tuple(r for r in found if r is not None)

    def holdings_table(self) -> Table:
        """:meth:`holdings` as a :class:`~neutralcore.Table`, one column per field of ``Offset.to_dict()``
        (so ``ledger.holdings_table().to_pandas()``, ``.to_csv(path)``, ``.to_excel(path)`` work)."""
        held = self.holdings()
        return Table(OFFSET_RECORD.columns(held), title=f"Held credit blocks ({len(held):,})")

    def retirements_table(self, subject: str | None = None, period: Period | None = None) -> Table:
        """:meth:`retirements` as a :class:`~neutralcore.Table`: the fields of ``Retirement.to_dict()``, then its
        block's (``offset_quantity`` and ``offset_beneficiary`` where the names repeat)."""
        found = self.retirements(subject, period)
        return Table(RETIREMENT_RECORD.columns(found), title=f"Retirements ({len(found):,})")

    def _total(self, where: str, params: Sequence[Any], doing: str) -> int:
        with self._read(doing):
            try:
                total = self._conn.execute(
                    f"SELECT COALESCE(SUM(serial_end - serial_start + 1), 0) FROM blocks WHERE {where}", params
                ).fetchone()[0]
            except DAMAGE as exc:
                raise self._error(exc, doing, damaged=True) from exc
        if not isinstance(total, int):
            raise self._corrupt(f"the total of the stored ranges is {total!r}, not a whole number")
        return total

    def retired_quantity(self, subject: str | None = None, period: Period | None = None) -> int:
        """Total credits retired (tonnes CO2e), optionally for one subject and/or period (summed by SQL)."""
        where, params = self._filter(subject, period)
        return self._total(where, params, "summing the retirements")

    def held_quantity(self) -> int:
        """Total credits held and not retired (tonnes CO2e; summed by SQL)."""
        return self._total("status='held'", (), "summing the holdings")

    def history(self) -> tuple[dict[str, Any], ...]:
        """The append-only event log: ``{"id", "at", "op", "payload", "hash"}`` per operation, each event's
        hash covering the one before it."""
        doing = "reading the history"
        with self._read(doing):
            try:
                events = self._conn.execute(f"SELECT {EVENT_COLUMNS}, payload FROM events ORDER BY id").fetchall()
                prev = ledgerfile.GENESIS
                for e in events:
                    if e[5] != prev or ledgerfile.event_hash(*e[:6]) != e[6] or ledgerfile.payload_hash(e[7]) != e[3]:
                        raise ledgerfile.Damaged(f"event {e[0]} does not match its hash chain")
                    prev = e[6]
                return tuple({"id": i, "at": at, "op": op, "payload": json.loads(p), "hash": h}
                             for i, at, op, _ph, _state, _prev, h, p in events)
            except (ledgerfile.Damaged, *DAMAGE) as exc:
                raise self._error(exc, doing, damaged=True) from exc
