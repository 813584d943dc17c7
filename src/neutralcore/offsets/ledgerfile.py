"""The ledger's SQLite file: its schema, hashes and checks, opening, creating and migrating it, and what its errors mean.

(Just over 600 lines: the file format, its hashes and both verifications, kept together so they cannot drift.)

:func:`ledger_error` turns a :class:`sqlite3.Error` or :class:`OSError` into
the :class:`~neutralcore.LedgerError` subclass that says what happened (locked
by another process, closed, read-only, disk full, directory missing), so that
:class:`~neutralcore.LedgerCorruptError` is left for a file that is damaged.
"""

from __future__ import annotations

import datetime as _dt
import errno
import hashlib
import json
import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Any, Sequence

from neutralcore.errors import (
    LedgerClosedError,
    LedgerDiskFullError,
    LedgerError,
    LedgerLockedError,
    LedgerNotFoundError,
    LedgerReadOnlyError,
)

__all__ = [
    "APPLICATION_ID",
    "CHECKPOINT",
    "FORMAT_VERSION",
    "MIGRATABLE_VERSION",
    "BLOCK_COLUMNS",
    "EVENT_COLUMNS",
    "DAMAGE",
    "GENESIS",
    "Damaged",
    "add_to_state",
    "append_event",
    "canonical",
    "checkpoint_payload",
    "connect",
    "create_file",
    "digest_v3",
    "event_hash",
    "payload_hash",
    "follow",
    "initialise",
    "last_checkpoint",
    "ledger_error",
    "migrate_v3",
    "next_block_id",
    "read_head",
    "row_hash",
    "state_text",
    "verify_all",
    "verify_since",
]

#: ``PRAGMA application_id`` of a neutralcore ledger ("NCLG" in ASCII).
APPLICATION_ID = 0x4E434C47
#: Ledger file format version (``PRAGMA user_version``).  Version 3 indexed blocks by the
#: :attr:`Offset.registry_key` of :func:`~neutralcore.offsets.vocabulary.programme_key` (so
#: ``GS7495`` and ``7495`` are one project, and ``"A.C.R."`` and ``"ACR"`` one programme) and kept one
#: digest of the whole file; version 4 keeps the same blocks, each with its own SHA-256, and an event
#: log whose every event hashes the previous one and the state it leaves.  Version 3 files are
#: migrated when asked (:func:`migrate_v3`); earlier ones are refused.
FORMAT_VERSION = 4
#: The format a ledger of the previous release has, which :func:`migrate_v3` upgrades.
MIGRATABLE_VERSION = 3

_BLOCKS = """
CREATE TABLE blocks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    registry_key TEXT NOT NULL,
    serial_start INTEGER NOT NULL,
    serial_end INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('held', 'retired')),
    subject TEXT,
    period_start TEXT,
    period_end TEXT,
    retired_on TEXT,
    beneficiary TEXT,
    reason TEXT,
    data TEXT NOT NULL,
    row_hash TEXT NOT NULL,
    CHECK (serial_end >= serial_start),
    CHECK ((status = 'retired') = (subject IS NOT NULL AND period_start IS NOT NULL
                                   AND period_end IS NOT NULL AND retired_on IS NOT NULL))
);
CREATE UNIQUE INDEX blocks_by_range ON blocks (registry_key, serial_start);
CREATE INDEX blocks_retired ON blocks (status, id);
"""
_EVENTS = """
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    op TEXT NOT NULL,
    payload_hash TEXT NOT NULL,
    state TEXT NOT NULL,
    prev TEXT NOT NULL,
    hash TEXT NOT NULL,
    payload TEXT NOT NULL  -- last, so reading the columns before it never walks a large payload's pages
);
"""
_SCHEMA = "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);" + _BLOCKS + _EVENTS

#: The ``prev`` of the first event.
GENESIS = "0" * 64
_MODULUS = 2**256

BLOCK_COLUMNS = (
    "id, registry_key, serial_start, serial_end, status, subject, period_start, period_end, "
    "retired_on, beneficiary, reason, data, row_hash"
)
#: Columns of ``events`` that make the chain, in the order :func:`event_hash` takes them (then the hash); the
#: payload itself is covered by its SHA-256, so checking the last event does not read a large payload.
EVENT_COLUMNS = "id, at, op, payload_hash, state, prev, hash"

#: What reading a damaged file can raise, besides our own checks: SQLite's errors, text that is not
#: UTF-8, and values of the wrong type where a column's affinity let them in.
DAMAGE = (sqlite3.DatabaseError, UnicodeDecodeError, TypeError, ValueError, OverflowError, KeyError)

# SQLite primary result codes (https://www.sqlite.org/rescode.html)
_BUSY, _LOCKED, _READONLY, _IOERR, _FULL, _CANTOPEN = 5, 6, 8, 10, 13, 14
#: For Python 3.10, whose sqlite3 errors carry no ``sqlite_errorcode``: SQLite's own message of each code.
_MESSAGES = (
    ("database is locked", _BUSY),
    ("database table is locked", _LOCKED),
    ("readonly database", _READONLY),
    ("disk is full", _FULL),
    ("unable to open database file", _CANTOPEN),
    ("disk i/o error", _IOERR),
)


def canonical(obj: Any) -> str:
    """*obj* as compact, key-sorted ASCII JSON: what is stored and digested."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF  # the primary code of an extended one (SQLITE_READONLY_DIRECTORY -> SQLITE_READONLY)
    text = str(exc).lower()
    return next((c for needle, c in _MESSAGES if needle in text), None)


def ledger_error(exc: BaseException, path: str, doing: str, timeout: float) -> LedgerError | None:
    """The :class:`~neutralcore.LedgerError` that says what *exc* means, or ``None`` if it may mean damage.

    *doing* says what was being done (``"retiring serials 1-10"``), for the
    message.  The caller chains *exc* as the cause (``raise err from exc``).
    """
    where = f"{path}: "
    directory = os.path.dirname(os.path.abspath(path)) if path != ":memory:" else ""
    if isinstance(exc, sqlite3.ProgrammingError) and "closed" in str(exc).lower():
        return LedgerClosedError(f"{where}the ledger is closed (while {doing}); open it again", path=path)
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOENT:
            return LedgerNotFoundError(
                f"{where}directory {directory} does not exist (while {doing})", path=path, directory=directory
            )
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return LedgerReadOnlyError(
                f"{where}cannot write in directory {directory} ({exc.strerror}) while {doing}; nothing was changed",
                path=path,
            )
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return LedgerDiskFullError(f"{where}disk full while {doing}; nothing was changed", path=path)
        return LedgerError(f"{where}{exc.strerror or exc} while {doing}", path=path)
    if not isinstance(exc, sqlite3.Error):
        return None
    code = _code(exc)
    if code in (_BUSY, _LOCKED):
        return LedgerLockedError(
            f"{where}the ledger is locked by another process (waited {timeout:g} s) while {doing}; nothing was "
            "changed. Try again once that process has finished, or open the ledger with a longer timeout=",
            path=path,
            timeout=timeout,
        )
    if code == _READONLY:
        return LedgerReadOnlyError(
            f"{where}the ledger is read-only (opened with read_only=True, or the file or its directory cannot "
            f"be written) so {doing} was refused; nothing was changed (SQLite: {exc})",
            path=path,
        )
    if code == _FULL:
        return LedgerDiskFullError(
            f"{where}disk full (or the file reached its size limit) while {doing}; the change was rolled back "
            f"and nothing was changed (SQLite: {exc})",
            path=path,
        )
    if code == _CANTOPEN:
        if directory and not os.path.isdir(directory):
            return LedgerNotFoundError(
                f"{where}directory {directory} does not exist (while {doing})", path=path, directory=directory
            )
        if directory and not os.access(directory, os.W_OK):  # SQLite cannot create its rollback journal there
            return LedgerReadOnlyError(
                f"{where}the ledger's directory {directory} cannot be written, so SQLite cannot keep the journal "
                f"that makes changes atomic; {doing} was refused and nothing was changed",
                path=path,
            )
        return LedgerError(f"{where}cannot open the file while {doing} (SQLite: {exc})", path=path)
    if code == _IOERR:
        return LedgerError(f"{where}input/output error while {doing} (SQLite: {exc}); nothing was changed", path=path)
    return None


class Damaged(Exception):
    """What :func:`verify_all`, :func:`read_head` and :func:`follow` found wrong; the ledger raises it as
    :class:`~neutralcore.LedgerCorruptError`."""


def _cell(value: Any) -> str:
    if value is None:
        return "n"
    if type(value) is int:
        return f"i{value}"
    text = str(value)  # a str; anything else is damage, and hashes differently from what was written
    return f"{'s' if type(value) is str else 'x'}{len(text)}:{text}"


def _digest(tag: bytes, values: Sequence[Any]) -> str:
    """SHA-256 (hex) of *values*, each cell written with its type and length (``n``, ``i42``, ``s5:Acme…``)
    so that no two sequences share an encoding, and no JSON escaping is paid for on every row."""
    text = "|".join(map(_cell, values))
    return hashlib.sha256(tag + text.encode("utf-8", "surrogatepass")).hexdigest()


def row_hash(values: Sequence[Any]) -> str:
    """SHA-256 (hex) of one block row: every column but ``row_hash``, the id included."""
    return _digest(b"neutralcore-block-v4\n", values)


def add_to_state(state: int, digest: str, sign: int = 1) -> int:
    """The ledger state with one block row's hash added (``sign=-1``: removed).

    The state is the sum of every stored row's hash modulo 2**256: it does not
    depend on row order, so an operation updates it from the rows it touches.
    """
    return (state + sign * int(digest, 16)) % _MODULUS


def event_hash(eid: int, at: str, op: str, payload_hash: str, state: str, prev: str) -> str:
    """SHA-256 (hex) of one event, which includes its payload's SHA-256, the previous event's hash and the
    state it left."""
    return _digest(b"neutralcore-event-v4\n", (eid, at, op, payload_hash, state, prev))


def payload_hash(payload: str) -> str:
    """SHA-256 (hex) of an event's payload text."""
    return hashlib.sha256(payload.encode()).hexdigest()


def _insert_event(conn: sqlite3.Connection, eid: int, at: str, op: str, payload: str, state: str, prev: str) -> str:
    ph = payload_hash(payload)
    digest = event_hash(eid, at, op, ph, state, prev)
    conn.execute("INSERT INTO events (id, at, op, payload, payload_hash, state, prev, hash) VALUES (?,?,?,?,?,?,?,?)",
                 (eid, at, op, payload, ph, state, prev, digest))
    return digest


def state_text(state: int) -> str:
    """The state as stored in an event: 64 hex digits."""
    return f"{state:064x}"


def append_event(conn: sqlite3.Connection, op: str, payload: str, state: int, head: tuple[int, str]) -> tuple[int, str]:
    """Append one event after *head* ``(id, hash)``; return the new head."""
    at = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="microseconds")
    eid = head[0] + 1
    return eid, _insert_event(conn, eid, at, op, payload, state_text(state), head[1])


def _check_event(row: Sequence[Any], prev: str) -> None:
    eid, at, op, ph, state, stored_prev, digest = row
    if stored_prev != prev:
        raise Damaged(f"event {eid} does not follow the event before it (the hash chain is broken)")
    if event_hash(eid, at, op, ph, state, stored_prev) != digest:
        raise Damaged(f"event {eid} was changed after it was written (its hash does not match)")


def _sequence(conn: sqlite3.Connection, table: str) -> int:
    row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name=?", (table,)).fetchone()
    return int(row[0]) if row is not None else 0


def read_head(conn: sqlite3.Connection) -> tuple[int, str, int]:
    """The last event's ``(id, hash, state)``, its own hash checked.

    The last event is the one SQLite's ``AUTOINCREMENT`` counter says was
    written last, so an event deleted from the end is missed, not forgotten.
    """
    last = _sequence(conn, "events")
    row = conn.execute(f"SELECT {EVENT_COLUMNS} FROM events WHERE id=?", (last,)).fetchone()
    if row is None:
        raise Damaged(f"the event log has lost its last event ({last})" if last else "the event log is empty")
    _check_event(row, row[5])
    return int(row[0]), str(row[6]), int(row[4], 16)


def next_block_id(conn: sqlite3.Connection) -> int:
    """The id the next stored block gets (ids are never reused)."""
    return _sequence(conn, "blocks") + 1


def follow(conn: sqlite3.Connection, since: tuple[int, str]) -> None:
    """Check the events written after *since* ``(id, hash)`` (by another process) chain on from it."""
    prev = since[1]
    expected = since[0] + 1
    for row in conn.execute(f"SELECT {EVENT_COLUMNS} FROM events WHERE id >= ? ORDER BY id", (since[0],)):
        if row[0] == since[0]:
            if row[6] != since[1]:
                raise Damaged(f"event {row[0]} was replaced since this ledger last read it")
            continue
        if row[0] != expected:
            raise Damaged(f"event {expected} is missing from the event log")
        _check_event(row, prev)
        prev, expected = row[6], expected + 1


def verify_all(conn: sqlite3.Connection) -> int:
    """Check the whole file; return the number of blocks.  Raises :class:`Damaged` naming the first problem.

    Checked: SQLite's ``integrity_check`` (pages, indexes, constraints); every
    event's hash and its link to the one before, from the first; that the log
    ends where SQLite says the last event was written; every block row's hash;
    that the rows add up to the state the last event recorded (no row added,
    removed or replaced outside the ledger); and that no two blocks of one
    registry key share a serial.
    """
    ok = conn.execute("PRAGMA integrity_check").fetchall()
    if ok != [("ok",)]:
        raise Damaged("SQLite integrity_check reported " + "; ".join(str(r[0]) for r in ok[:5]))
    prev, expected, state = GENESIS, 1, None
    for *row, payload in conn.execute(f"SELECT {EVENT_COLUMNS}, payload FROM events ORDER BY id"):
        if row[0] != expected:
            raise Damaged(f"event {expected} is missing from the event log")
        _check_event(row, prev)
        if payload_hash(payload) != row[3]:
            raise Damaged(f"the payload of event {row[0]} was changed after it was written")
        prev, expected, state = row[6], expected + 1, row[4]
    if state is None:
        raise Damaged("the event log is empty")
    if _sequence(conn, "events") != expected - 1:
        raise Damaged(f"the event log ends at event {expected - 1} but event {_sequence(conn, 'events')} was written")
    total, count = 0, 0
    for row in conn.execute(f"SELECT {BLOCK_COLUMNS} FROM blocks"):
        if row_hash(row[:-1]) != row[-1]:
            raise Damaged(f"block {row[0]} was changed after it was written (its hash does not match)")
        total += int(row[-1], 16)
        count += 1
    if state_text(total % _MODULUS) != state:
        raise Damaged("the stored blocks are not the ones the event log recorded (a block was added, removed or "
                      "replaced outside the ledger)")
    clash = conn.execute(
        "SELECT id, registry_key, serial_start, serial_end, prev_id, prev_end FROM ("
        " SELECT id, registry_key, serial_start, serial_end,"
        " LAG(id) OVER w AS prev_id, LAG(serial_end) OVER w AS prev_end FROM blocks"
        " WINDOW w AS (PARTITION BY registry_key ORDER BY serial_start)) WHERE prev_end >= serial_start LIMIT 1"
    ).fetchone()
    if clash is not None:
        raise Damaged(f"stored blocks {clash[4]} and {clash[0]} of {clash[1]} overlap (serials up to {clash[5]} "
                      f"and from {clash[2]})")
    return count


#: The event operation that records a full verification; :func:`verify_since` starts from the latest one.
CHECKPOINT = "checkpoint"


def last_checkpoint(conn: sqlite3.Connection) -> tuple[int, dict[str, Any]] | None:
    """The latest checkpoint event's ``(id, payload)``, or ``None`` when the ledger has none.

    SQLite walks the event log backwards from its end and stops at the first
    checkpoint, so this reads only the events written since.
    """
    row = conn.execute("SELECT id, payload FROM events WHERE op=? ORDER BY id DESC LIMIT 1", (CHECKPOINT,)).fetchone()
    if row is None:
        return None
    payload = json.loads(row[1])
    if not isinstance(payload, dict) or not {"through", "through_hash", "next_block", "blocks"} <= payload.keys():
        raise Damaged(f"checkpoint event {row[0]} does not say what it checked")
    return int(row[0]), payload


def checkpoint_payload(conn: sqlite3.Connection, blocks: int) -> str:
    """The payload of a checkpoint written after a full verification of *blocks* blocks (read in the same
    transaction): the event and block id it reaches."""
    head = read_head(conn)
    return canonical({"through": head[0], "through_hash": head[1], "next_block": next_block_id(conn), "blocks": blocks})


def verify_since(conn: sqlite3.Connection, checkpoint: tuple[int, dict[str, Any]]) -> int:
    """Check what changed since *checkpoint* (from :func:`last_checkpoint`); return the number of blocks.

    Checked: the event the checkpoint reached still has the hash it recorded;
    every event from the checkpoint on, its hash, its link to the one before
    and its payload; that the log ends where SQLite says the last event was
    written; the hash of every block row written since the checkpoint, and
    that none of them overlaps its neighbours; and that the rows add up to the
    state the last event recorded: the checkpoint's state, less the hashes of
    the blocks that retirements since removed (each retirement's event records
    the hash of the block it split), plus the hashes of the rows written
    since, with as many rows from before the checkpoint left as it had less
    those removed.  Not checked (a full :func:`verify_all` checks them):
    SQLite's page integrity, and the contents of rows written before the
    checkpoint.  The work is in proportion to what changed since the
    checkpoint, not to the size of the ledger.
    """
    cid, info = checkpoint
    next_block = int(info["next_block"])
    through = conn.execute("SELECT hash FROM events WHERE id=?", (int(info["through"]),)).fetchone()
    if through is None or through[0] != info["through_hash"]:
        raise Damaged(f"event {info['through']}, which checkpoint {cid} verified, was changed or removed")
    before = conn.execute("SELECT hash FROM events WHERE id=?", (cid - 1,)).fetchone()
    if before is None:
        raise Damaged(f"event {cid - 1} is missing from the event log")
    prev, expected, state, start_state = before[0], cid, "", ""
    removed, removed_sum, exact = 0, 0, True
    for *row, payload in conn.execute(f"SELECT {EVENT_COLUMNS}, payload FROM events WHERE id >= ? ORDER BY id", (cid,)):
        if row[0] != expected:
            raise Damaged(f"event {expected} is missing from the event log")
        _check_event(row, prev)
        if payload_hash(payload) != row[3]:
            raise Damaged(f"the payload of event {row[0]} was changed after it was written")
        if row[0] == cid:
            start_state = row[4]
        elif row[2] == "retire":
            split = json.loads(payload)
            if "from_hash" not in split:
                exact = False  # written before retirements recorded the hash of the block they split
            elif int(split["from_block"]) < next_block:
                removed, removed_sum = removed + 1, removed_sum + int(split["from_hash"], 16)
        elif row[2] not in ("add", CHECKPOINT):
            exact = False
        prev, expected, state = row[6], expected + 1, row[4]
    if _sequence(conn, "events") != expected - 1:
        raise Damaged(f"the event log ends at event {expected - 1} but event {_sequence(conn, 'events')} was written")
    added, added_sum = 0, 0
    for row in conn.execute(f"SELECT {BLOCK_COLUMNS} FROM blocks WHERE id >= ?", (next_block,)):
        if row_hash(row[:-1]) != row[-1]:
            raise Damaged(f"block {row[0]} was changed after it was written (its hash does not match)")
        added, added_sum = added + 1, added_sum + int(row[-1], 16)
    # every pair of neighbours with a block written since: the one below it and the one above (indexed lookups)
    clash = conn.execute(
        "SELECT id, registry_key, serial_start, serial_end, below_id, below_end, above_id, above_start FROM ("
        " SELECT n.id, n.registry_key, n.serial_start, n.serial_end,"
        "  (SELECT o.id FROM blocks o WHERE o.registry_key = n.registry_key AND o.serial_start < n.serial_start"
        "   ORDER BY o.serial_start DESC LIMIT 1) AS below_id,"
        "  (SELECT o.serial_end FROM blocks o WHERE o.registry_key = n.registry_key AND o.serial_start < n.serial_start"
        "   ORDER BY o.serial_start DESC LIMIT 1) AS below_end,"
        "  (SELECT o.id FROM blocks o WHERE o.registry_key = n.registry_key AND o.serial_start > n.serial_start"
        "   ORDER BY o.serial_start LIMIT 1) AS above_id,"
        "  (SELECT o.serial_start FROM blocks o WHERE o.registry_key = n.registry_key AND o.serial_start > n.serial_start"
        "   ORDER BY o.serial_start LIMIT 1) AS above_start"
        " FROM blocks n WHERE n.id >= ?)"
        " WHERE below_end >= serial_start OR above_start <= serial_end LIMIT 1", (next_block,)).fetchone()
    if clash is not None:
        rid, key, first, last, below_id, below_end, above_id, above_start = clash
        if below_end is not None and below_end >= first:
            raise Damaged(f"stored blocks {below_id} and {rid} of {key} overlap (serials up to {below_end} and "
                          f"from {first})")
        raise Damaged(f"stored blocks {rid} and {above_id} of {key} overlap (serials up to {last} and "
                      f"from {above_start})")
    count = int(conn.execute("SELECT count(*) FROM blocks").fetchone()[0])
    if exact:
        total = int(start_state, 16) - removed_sum + added_sum
        if count - added != int(info["blocks"]) - removed:
            raise Damaged(f"{count - added} blocks from before checkpoint {cid} are stored, but the event log leaves "
                          f"{int(info['blocks']) - removed} (a block was added or removed outside the ledger)")
    else:
        total = sum(int(digest, 16) for (digest,) in conn.execute("SELECT row_hash FROM blocks"))
    if state_text(total % _MODULUS) != state:
        raise Damaged("the stored blocks are not the ones the event log recorded (a block was added, removed or "
                      "replaced outside the ledger)")
    return count


def digest_v3(conn: sqlite3.Connection) -> str:
    """The whole-file digest of a format 3 ledger (what :func:`migrate_v3` checks before it changes anything)."""
    h = hashlib.sha256(b"neutralcore-ledger-v1\n")
    columns = BLOCK_COLUMNS.replace(", row_hash", "")
    for row in conn.execute(f"SELECT {columns} FROM blocks ORDER BY id"):
        h.update(b"B" + canonical(list(row)).encode() + b"\n")
    for row in conn.execute("SELECT id, at, op, payload FROM events ORDER BY id"):
        h.update(b"E" + canonical(list(row)).encode() + b"\n")
    for row in conn.execute("SELECT key, value FROM meta WHERE key != 'digest' ORDER BY key"):
        h.update(b"M" + canonical(list(row)).encode() + b"\n")
    return h.hexdigest()


def migrate_v3(conn: sqlite3.Connection) -> None:
    """Rewrite a format 3 ledger as format 4, inside the caller's ``BEGIN IMMEDIATE`` transaction.

    Blocks keep their ids and columns and gain their hash; the old events keep
    their id, time, operation and payload and are chained (with an empty
    state: format 3 did not record one); a ``migrate`` event records the
    state and the format 3 digest.  The caller has checked that digest and
    every block.
    """
    old = digest_v3(conn)
    conn.execute("DROP INDEX blocks_by_range")
    conn.execute("ALTER TABLE blocks RENAME TO blocks_v3")
    conn.execute("ALTER TABLE events RENAME TO events_v3")
    for statement in (_BLOCKS + _EVENTS).split(";"):
        if statement.strip():
            conn.execute(statement)
    columns = BLOCK_COLUMNS.replace(", row_hash", "")
    state = 0
    for row in conn.execute(f"SELECT {columns} FROM blocks_v3 ORDER BY id").fetchall():
        digest = row_hash(row)
        state = add_to_state(state, digest)
        conn.execute(f"INSERT INTO blocks ({BLOCK_COLUMNS}) VALUES ({','.join('?' * 13)})", (*row, digest))
    seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name='blocks_v3'").fetchone()
    if seq is not None:  # ids of blocks removed by format 3 splits are not reused either
        conn.execute("UPDATE sqlite_sequence SET seq=max(seq, ?) WHERE name='blocks'", (seq[0],))
        conn.execute("INSERT INTO sqlite_sequence (name, seq) SELECT 'blocks', ? WHERE NOT EXISTS "
                     "(SELECT 1 FROM sqlite_sequence WHERE name='blocks')", (seq[0],))
    head = (0, GENESIS)
    for eid, at, op, payload in conn.execute("SELECT id, at, op, payload FROM events_v3 ORDER BY id").fetchall():
        head = (head[0] + 1, _insert_event(conn, head[0] + 1, at, op, payload, "", head[1]))
    conn.execute("DROP TABLE blocks_v3")
    conn.execute("DROP TABLE events_v3")
    conn.execute("DELETE FROM meta WHERE key='digest'")
    conn.execute(f"PRAGMA user_version={FORMAT_VERSION}")
    append_event(conn, "migrate", canonical({"from_format": MIGRATABLE_VERSION, "to_format": FORMAT_VERSION,
                                             "format_3_digest": old}), state, head)


def connect(target: str, timeout: float, *, read_only: bool = False) -> sqlite3.Connection:
    """Open *target* in autocommit mode (transactions are explicit); ``read_only`` opens it ``mode=ro``."""
    if read_only and target != ":memory:":
        uri = Path(target).absolute().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, timeout=timeout, isolation_level=None, check_same_thread=False, uri=True)
    else:
        conn = sqlite3.connect(target, timeout=timeout, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA synchronous=FULL")
    except BaseException:
        conn.close()
        raise
    return conn


def initialise(conn: sqlite3.Connection) -> None:
    """Write the schema, ids and first event of a new ledger in one transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version={FORMAT_VERSION}")
        conn.execute("INSERT INTO meta VALUES ('format', 'neutralcore offset ledger')")
        append_event(conn, "create", canonical({"format_version": FORMAT_VERSION}), 0, (0, GENESIS))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # SQLite has already rolled back after e.g. a full disk
            conn.execute("ROLLBACK")
        raise


def create_file(path: str, timeout: float) -> None:
    """Build a new, empty ledger in a temporary file and link it into place (atomic; never overwrites).

    Raises
    ------
    LedgerError
        A subclass saying why (directory missing, not writable, disk full).
    """
    directory = os.path.dirname(os.path.abspath(path))
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".ledger-", suffix=".tmp", dir=directory)
        os.close(fd)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would lock out other users' writers
        conn = sqlite3.connect(tmp, timeout=timeout, isolation_level=None)
        try:
            conn.execute("PRAGMA synchronous=FULL")
            initialise(conn)
        finally:
            conn.close()
        try:
            os.link(tmp, path)  # atomic, and fails if another process got there first
        except FileExistsError:
            pass
    except (OSError, sqlite3.Error) as exc:
        err = ledger_error(exc, path, "creating the ledger", timeout)
        raise (err or LedgerError(f"{path}: cannot create the ledger: {exc}", path=path)) from exc
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:  # the directory went away with it
                pass
