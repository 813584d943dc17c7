"""The ledger's SQLite file: its schema, opening and creating it, and what its errors mean.

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
from typing import Any

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
    "FORMAT_VERSION",
    "BLOCK_COLUMNS",
    "DAMAGE",
    "canonical",
    "connect",
    "create_file",
    "digest",
    "initialise",
    "ledger_error",
    "log",
]

#: ``PRAGMA application_id`` of a neutralcore ledger ("NCLG" in ASCII).
APPLICATION_ID = 0x4E434C47
#: Ledger file format version (``PRAGMA user_version``).  Version 3 indexes blocks by the
#: :attr:`Offset.registry_key` of :func:`~neutralcore.offsets.vocabulary.programme_key` (so
#: ``GS7495`` and ``7495`` are one project, and ``"A.C.R."`` and ``"ACR"`` one programme); files of
#: earlier versions are refused rather than read with keys that no longer compare.
FORMAT_VERSION = 3

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
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
    CHECK (serial_end >= serial_start),
    CHECK ((status = 'retired') = (subject IS NOT NULL AND period_start IS NOT NULL
                                   AND period_end IS NOT NULL AND retired_on IS NOT NULL))
);
CREATE INDEX blocks_by_range ON blocks (registry_key, serial_start);
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    op TEXT NOT NULL,
    payload TEXT NOT NULL
);
"""

BLOCK_COLUMNS = (
    "id, registry_key, serial_start, serial_end, status, subject, period_start, period_end, "
    "retired_on, beneficiary, reason, data"
)

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


def log(conn: sqlite3.Connection, op: str, payload: dict[str, Any]) -> None:
    """Append one operation to the ``events`` table."""
    at = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="microseconds")
    conn.execute("INSERT INTO events (at, op, payload) VALUES (?, ?, ?)", (at, op, canonical(payload)))


def digest(conn: sqlite3.Connection) -> str:
    """SHA-256 of every block, event and meta row (but the digest itself), in id order."""
    h = hashlib.sha256(b"neutralcore-ledger-v1\n")
    for row in conn.execute(f"SELECT {BLOCK_COLUMNS} FROM blocks ORDER BY id"):
        h.update(b"B" + canonical(list(row)).encode() + b"\n")
    for row in conn.execute("SELECT id, at, op, payload FROM events ORDER BY id"):
        h.update(b"E" + canonical(list(row)).encode() + b"\n")
    for row in conn.execute("SELECT key, value FROM meta WHERE key != 'digest' ORDER BY key"):
        h.update(b"M" + canonical(list(row)).encode() + b"\n")
    return h.hexdigest()


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
        conn.execute("INSERT INTO meta VALUES ('digest', '')")
        log(conn, "create", {"format_version": FORMAT_VERSION})
        conn.execute("UPDATE meta SET value=? WHERE key='digest'", (digest(conn),))
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
