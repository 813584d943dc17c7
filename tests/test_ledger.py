"""Tests for neutralcore.offsets.ledger: retirement, double-use refusal, atomicity, corruption, concurrency."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import neutralcore.offsets.credits
from neutralcore.errors import (
    AlreadyRetiredError,
    DuplicateSerialError,
    InputError,
    InvalidRetirementError,
    LedgerClosedError,
    LedgerCorruptError,
    LedgerDiskFullError,
    LedgerFormatError,
    LedgerError,
    LedgerLockedError,
    LedgerNotFoundError,
    LedgerReadOnlyError,
    SerialFormatError,
    UnknownCreditError,
)
from neutralcore.offsets.ledger import OffsetLedger, Retirement
from neutralcore.offsets.credits import Offset, Period

SRC = str(Path(neutralcore.offsets.__file__).resolve().parents[1])
VCU_13 = "9660-115597313-115618057-VCS-VCU-261-VER-US-14-1060-01012019-31122019-0"
Y2024 = Period.year(2024)


def block(start: int = 1, end: int = 100, project: str = "1060", **kw) -> Offset:
    fields = dict(
        programme="Verra VCS",
        project_id=project,
        country="US",
        kind="avoidance",
        vintage=Period.year(2023),
        serial_start=start,
        serial_end=end,
        issuance_date=dt.date(2024, 3, 1),
    )
    fields.update(kw)
    return Offset(**fields)


def snapshot(ledger: OffsetLedger) -> tuple:
    """Everything observable about a ledger's state."""
    return ledger.holdings(), ledger.retirements(), len(ledger.history())


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "credits.ledger"


@pytest.fixture
def ledger(path: Path):
    with OffsetLedger(path, create=True) as led:
        yield led


# -- holding and retiring --------------------------------------------------------


def test_partial_retirement_splits_block(ledger):
    """Retiring the middle of a block leaves two held pieces and one retired piece."""
    ledger.add(Offset.from_serial(VCU_13, kind="avoidance", issuance_date="2020-06-01"))
    whole = ledger.holdings()[0]
    r = ledger.retire(
        whole.slice(115597400, 115597499), subject="Acme Ltd", period=Y2024, retired_on="2025-03-01", reason="2024 claim"
    )
    assert isinstance(r, Retirement)
    assert (r.quantity, r.subject, r.beneficiary, r.retired_on) == (100, "Acme Ltd", "Acme Ltd", dt.date(2025, 3, 1))
    assert r.offset.retirement_date == dt.date(2025, 3, 1) and r.offset.beneficiary == "Acme Ltd"
    assert r.offset.serial == "9660-115597400-115597499-VCS-VCU-261-VER-US-14-1060-01012019-31122019-0"
    held = ledger.holdings()
    assert [(o.serial_start, o.serial_end) for o in held] == [(115597313, 115597399), (115597500, 115618057)]
    assert ledger.held_quantity() + ledger.retired_quantity() == 20745
    assert ledger.retired_quantity("Acme Ltd", Y2024) == 100
    assert ledger.retired_quantity("Other", Y2024) == 0


def test_retire_first_quantity_and_by_serial_string(ledger):
    """quantity= retires the first N credits; a serial string names a held range."""
    ledger.add(Offset.from_serial(VCU_13, kind="avoidance"))
    r1 = ledger.retire(VCU_13, quantity=8000, subject="Acme", period=Y2024, retired_on="2025-03-01")
    assert (r1.offset.serial_start, r1.offset.serial_end) == (115597313, 115605312)
    rest = "9660-115605313-115618057-VCS-VCU-261-VER-US-14-1060-01012019-31122019-0"
    r2 = ledger.retire(rest, subject="Acme", period=Y2024, retired_on="2025-03-02", beneficiary="Acme plc")
    assert r2.quantity == 12745 and r2.beneficiary == "Acme plc"
    assert ledger.holdings() == ()


def test_retiring_twice_names_both_uses(ledger):
    """A serial retired twice is refused, naming the earlier retirement and the new request."""
    b = ledger.add(block(1, 100))
    ledger.retire(b.slice(1, 50), subject="Acme Ltd", period=Y2024, retired_on="2025-03-01")
    before = snapshot(ledger)
    with pytest.raises(AlreadyRetiredError) as info:
        ledger.retire(b.slice(40, 60), subject="Other Co", period=Period.year(2025), retired_on="2026-01-01")
    msg = str(info.value)
    assert "Acme Ltd" in msg and "2025-03-01" in msg  # the first use
    assert "Other Co" in msg and "40-60" in msg  # the second
    assert info.value.subject == "Acme Ltd" and info.value.retired_on == dt.date(2025, 3, 1)
    assert snapshot(ledger) == before


def test_same_block_cannot_be_retired_twice(ledger):
    """Retiring exactly the same retired block again is refused."""
    b = ledger.add(block(1, 100))
    ledger.retire(b, subject="Acme", period=Y2024, retired_on="2025-01-01")
    with pytest.raises(AlreadyRetiredError):
        ledger.retire(b, subject="Acme", period=Y2024, retired_on="2025-01-01")
    assert ledger.retired_quantity() == 100


def test_adding_overlap_names_both(ledger):
    """An overlapping range in the same programme and project is refused, naming both blocks."""
    ledger.add(block(1, 100))
    before = snapshot(ledger)
    with pytest.raises(DuplicateSerialError) as info:
        ledger.add(block(100, 150))
    assert "1-100" in str(info.value) and "100-150" in str(info.value)
    assert snapshot(ledger) == before
    ledger.add(block(1, 100, project="2000"))  # same range, other project: fine
    ledger.add(block(1, 100, programme="CDM"))  # other programme: fine


def test_one_registry_under_another_name_is_still_one_registry(ledger):
    """Verra's serials cannot come in a second time as programme 'other' named 'Verra', nor under a display name."""
    ledger.add(block(1, 100))
    before = snapshot(ledger)
    with pytest.raises(InputError, match="is the known programme 'Verra VCS'"):
        ledger.add(block(1, 100, programme="other", programme_name="Verra"))
    with pytest.raises(DuplicateSerialError):
        ledger.add(block(1, 100, programme_name="Verra Registry"))
    assert snapshot(ledger) == before
    ledger.add(block(1, 100, programme="other", programme_name="ACR"))  # a registry neutralcore has no member for


@pytest.mark.parametrize(
    "name",
    ["Verra Registry", "ＶＣＳ", "Verra\u200b", "Verra ", "verra.", "V C S", "VCS Registry", "Verified Carbon Standard",
     "Verra\ufeffRegistry", "VERRA-VCS"],
)
def test_verra_serials_cannot_come_in_again_as_another_programme(ledger, path, name):
    """Issue 10: the same Verra serials as programme 'other' spelt like Verra were held twice (8 of 10 variants)."""
    ledger.add(block(1, 100))
    before, digest = snapshot(ledger), file_hash(path)
    with pytest.raises(InputError, match="'Verra VCS'"):
        ledger.add(block(1, 100, programme="other", programme_name=name))
    assert snapshot(ledger) == before and file_hash(path) == digest


def test_overlap_with_retired_block_is_refused(ledger):
    """Re-adding serials already retired is refused and names the retirement."""
    b = ledger.add(block(1, 100))
    ledger.retire(b, subject="Acme", period=Y2024, retired_on="2025-01-01")
    with pytest.raises(DuplicateSerialError, match="retired on 2025-01-01 for subject 'Acme'"):
        ledger.add(block(50, 60))


def test_add_many_is_all_or_nothing(ledger):
    """A batch with an internal overlap adds nothing."""
    before = snapshot(ledger)
    with pytest.raises(DuplicateSerialError, match="same call"):
        ledger.add_many([block(1, 10), block(20, 30), block(5, 6)])
    assert snapshot(ledger) == before


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda L, b: L.retire(block(500, 600), subject="A", period=Y2024, retired_on="2025-01-01"), UnknownCreditError),
        (lambda L, b: L.retire(block(90, 110), subject="A", period=Y2024, retired_on="2025-01-01"), UnknownCreditError),
        (lambda L, b: L.retire(block(1, 100, project="9"), subject="A", period=Y2024, retired_on="2025-01-01"), UnknownCreditError),
        (lambda L, b: L.retire(b, subject="A", period=Y2024, retired_on="2024-02-01"), InvalidRetirementError),
        (lambda L, b: L.retire(b, quantity=0, subject="A", period=Y2024, retired_on="2025-01-01"), InvalidRetirementError),
        (lambda L, b: L.retire(b, quantity=101, subject="A", period=Y2024, retired_on="2025-01-01"), InvalidRetirementError),
        (lambda L, b: L.retire(b, subject="  ", period=Y2024, retired_on="2025-01-01"), InputError),
        (lambda L, b: L.retire(b, subject="A", period=2024, retired_on="2025-01-01"), InputError),
        (lambda L, b: L.retire(b, subject="A", period=Y2024, retired_on="01/01/2025"), InputError),
        (lambda L, b: L.retire("not-a-serial", subject="A", period=Y2024, retired_on="2025-01-01"), SerialFormatError),
        (lambda L, b: L.add(block(200, 300, retirement_date="2025-01-01")), InvalidRetirementError),
        (lambda L, b: L.add("1-100"), InputError),
        (
            lambda L, b: L.retire(b, subject="A", period=Y2024, retired_on=dt.date.today() + dt.timedelta(days=30)),
            InvalidRetirementError,
        ),
    ],
    ids=[
        "unknown-range",
        "spans-beyond-block",
        "other-project",
        "retired-before-issuance",
        "quantity-zero",
        "quantity-too-big",
        "empty-subject",
        "period-not-Period",
        "bad-date",
        "malformed-serial",
        "add-already-retired",
        "add-not-offset",
        "retired-in-the-future",
    ],
)
def test_bad_requests_leave_ledger_unchanged(ledger, path, call, error):
    """Every refused request raises a typed error and changes nothing, in memory or on disk."""
    b = ledger.add(block(1, 100))
    before, digest = snapshot(ledger), file_hash(path)
    with pytest.raises(error):
        call(ledger, b)
    assert snapshot(ledger) == before
    assert file_hash(path) == digest


@pytest.mark.parametrize(
    ("serial", "programme", "spelling"),
    [
        ("GS1-1-KE-GS7495-16-2025-30645-608-30350", "Gold Standard", "GS7495"),
        ("GS1-1-KE-GS7495-16-2025-30645-608-30350", "Gold Standard", "gs-07495"),
        (VCU_13, "Verra VCS", "VCS 1060"),
        (VCU_13, "Verra VCS", "01060"),
        (VCU_13, "Verra VCS", "١٠٦٠"),
    ],
)
def test_same_credits_under_another_project_spelling_are_refused(ledger, path, serial, programme, spelling):
    """The credits of a registry serial, typed in again with the project id spelt otherwise, are one block."""
    parsed = Offset.from_serial(serial, kind="avoidance", issuance_date="2026-07-28")
    ledger.add(parsed)
    ledger.retire(parsed, quantity=100, subject="Acme", period=Y2024, retired_on="2026-08-01")
    before, digest = snapshot(ledger), file_hash(path)
    again = Offset(programme=programme, project_id=spelling, country=parsed.country, kind="avoidance",
                   vintage=parsed.vintage, serial_start=parsed.serial_start, serial_end=parsed.serial_start + 9)
    with pytest.raises(DuplicateSerialError, match="retired on 2026-08-01 for subject 'Acme'"):
        ledger.add(again)
    with pytest.raises(AlreadyRetiredError, match="Acme"):  # and retiring them again under that spelling
        ledger.retire(again, subject="Other", period=Y2024, retired_on="2026-08-02")
    assert snapshot(ledger) == before and file_hash(path) == digest
    rest = ledger.retire(attrs.evolve(again, serial_start=parsed.serial_start + 100, serial_end=parsed.serial_start + 109),
                         subject="Other", period=Y2024, retired_on="2026-08-02")
    assert rest.offset.project_id == parsed.project_id  # the held block's own record is kept


def test_serial_string_must_match_held_block(ledger):
    """A serial string whose range matches but other fields differ is refused."""
    ledger.add(Offset.from_serial(VCU_13, kind="avoidance"))
    other_batch = "9661" + VCU_13[4:]
    with pytest.raises(UnknownCreditError, match="other fields"):
        ledger.retire(other_batch, subject="A", period=Y2024, retired_on="2025-01-01")


# -- persistence -------------------------------------------------------------------


def test_reload_gives_same_state(path):
    """A reopened ledger has the same holdings, retirements and history."""
    with OffsetLedger(path, create=True) as led:
        b = led.add(Offset.from_serial(VCU_13, kind="avoidance", methodology="VM0007"))
        led.retire(b, quantity=10, subject="Acme", period=Y2024, retired_on="2025-02-01", reason="claim 2024")
        state = snapshot(led)
    with OffsetLedger(path, create=False) as again:
        assert snapshot(again) == state
        ops = [e["op"] for e in again.history()]
        assert ops == ["create", "add", "retire"]
        assert again.retirements()[0].reason == "claim 2024"


def test_missing_file_without_create(tmp_path):
    """create=False refuses to start a new ledger."""
    with pytest.raises(LedgerError, match="no ledger file"):
        OffsetLedger(tmp_path / "absent.ledger", create=False)
    assert not (tmp_path / "absent.ledger").exists()


def test_memory_ledger():
    """':memory:' gives a working, unpersisted ledger."""
    with OffsetLedger(":memory:") as led:
        led.add(block())
        assert led.held_quantity() == 100


# -- corruption --------------------------------------------------------------------


def _tamper_sql(path: Path, sql: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute(sql)
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: _tamper_sql(p, "UPDATE blocks SET serial_end = serial_end + 1"),
        lambda p: _tamper_sql(p, "DELETE FROM blocks WHERE status = 'retired'"),
        lambda p: _tamper_sql(p, "UPDATE blocks SET data = replace(data, 'Acme', 'Evil')"),
        lambda p: _tamper_sql(p, "DELETE FROM events WHERE op = 'retire'"),
        lambda p: _tamper_sql(p, "PRAGMA application_id = 0"),
        lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),
        lambda p: p.write_bytes(b"\x00" * 100 + p.read_bytes()[100:]),
        lambda p: p.write_bytes(b""),
        lambda p: p.write_text('{"blocks": []}'),
    ],
    ids=[
        "edited-range",
        "deleted-retirement",
        "edited-json",
        "deleted-event",
        "foreign-app-id",
        "truncated",
        "header-zeroed",
        "emptied",
        "not-sqlite",
    ],
)
def test_corruption_is_detected(path, damage):
    """A damaged or foreign file raises LedgerCorruptError on load and is left as it is."""
    with OffsetLedger(path, create=True) as led:
        b = led.add(block(1, 100))
        led.retire(b.slice(1, 10), subject="Acme", period=Y2024, retired_on="2025-01-01")
    damage(path)
    digest = file_hash(path)
    with pytest.raises(LedgerCorruptError):
        OffsetLedger(path)
    assert file_hash(path) == digest


def test_older_format_version_is_refused(path):
    """A file of another format version (e.g. 1, whose keys were not canonical) is refused, not misread."""
    with OffsetLedger(path, create=True) as led:
        led.add(block(1, 100))
    _tamper_sql(path, "PRAGMA user_version = 1")
    with pytest.raises(LedgerFormatError, match="format version 1") as info:
        OffsetLedger(path)
    assert info.value.version == 1 and not isinstance(info.value, LedgerCorruptError)  # not damaged


def test_a_format_version_no_release_wrote_is_damage(path):
    """A header version no release wrote (a flipped bit, or a newer neutralcore) is LedgerCorruptError, not a format."""
    with OffsetLedger(path, create=True) as led:
        led.add(block(1, 100))
    _tamper_sql(path, "PRAGMA user_version = 12")
    with pytest.raises(LedgerCorruptError, match="unknown ledger format version 12") as info:
        OffsetLedger(path)
    assert not isinstance(info.value, LedgerFormatError)


def test_foreign_sqlite_database_is_refused(tmp_path):
    """An ordinary SQLite file is not silently taken for a ledger."""
    p = tmp_path / "other.db"
    _tamper_sql(p, "CREATE TABLE t (x)")
    with pytest.raises(LedgerCorruptError, match="not a neutralcore ledger"):
        OffsetLedger(p)


def test_tampering_while_open_is_detected_on_next_operation(ledger, path):
    """An edit made outside the ledger while it is open is caught by its next operation (a full verification)."""
    ledger.add(block(1, 100))
    _tamper_sql(path, "UPDATE blocks SET serial_end = 200")
    with pytest.raises(LedgerCorruptError):
        ledger.retire(block(1, 10), subject="A", period=Y2024, retired_on="2025-01-01")
    with pytest.raises(LedgerCorruptError):
        ledger.holdings()


# -- what stopped an operation, said as what it is ---------------------------------------


def _sqlite_cause(err: BaseException) -> sqlite3.Error:
    assert isinstance(err.__cause__, sqlite3.Error), repr(err.__cause__)
    return err.__cause__


def test_read_only_ledger_refuses_changes_and_still_reads(path):
    """A read-only open (SQLite mode=ro, which fails even as root) raises LedgerReadOnlyError, not a raw OperationalError."""
    with OffsetLedger(path, create=True) as led:
        led.add(block(1, 100))
        state = snapshot(led)
    digest = file_hash(path)
    with OffsetLedger(path, read_only=True) as led:
        assert snapshot(led) == state
        with pytest.raises(LedgerReadOnlyError, match="read-only") as info:
            led.add(block(200, 300))
        assert _sqlite_cause(info.value).sqlite_errorname == "SQLITE_READONLY"
        with pytest.raises(LedgerReadOnlyError):
            led.retire(block(1, 10), subject="A", period=Y2024, retired_on="2025-01-01")
        assert snapshot(led) == state
    assert file_hash(path) == digest
    with pytest.raises(LedgerNotFoundError):
        OffsetLedger(path.with_name("absent.ledger"), read_only=True, create=True)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes files whatever their mode")
def test_file_without_write_permission_is_read_only(path):
    with OffsetLedger(path, create=True) as led:
        led.add(block(1, 100))
    path.chmod(0o444)
    with OffsetLedger(path) as led, pytest.raises(LedgerReadOnlyError):
        led.add(block(200, 300))


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes files whatever their mode")
def test_directory_without_write_permission_is_read_only(path):
    """SQLite cannot create its journal in a read-only directory: LedgerReadOnlyError, not 'unable to open'."""
    with OffsetLedger(path, create=True) as led:
        led.add(block(1, 100))
    path.parent.chmod(0o555)
    try:
        with OffsetLedger(path) as led, pytest.raises(LedgerReadOnlyError):
            led.add(block(200, 300))
        with pytest.raises(LedgerReadOnlyError):
            OffsetLedger(path.with_name("new.ledger"), create=True)
    finally:
        path.parent.chmod(0o755)


def test_write_lock_held_by_another_connection_is_reported_as_locked(ledger, path):
    """Another writer's BEGIN IMMEDIATE makes a change wait `timeout` seconds, then raise LedgerLockedError."""
    ledger.add(block(1, 100))
    before, digest = snapshot(ledger), file_hash(path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with OffsetLedger(path, timeout=0.2) as led:
            assert snapshot(led) == before  # readers are not blocked by a writer's reserved lock
            t0 = time.monotonic()
            with pytest.raises(LedgerLockedError, match=r"locked by another process \(waited 0.2 s\)") as info:
                led.add(block(200, 300))
            assert time.monotonic() - t0 >= 0.15
            assert _sqlite_cause(info.value).sqlite_errorname == "SQLITE_BUSY"
            assert not isinstance(info.value, LedgerCorruptError)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert snapshot(ledger) == before and file_hash(path) == digest
    ledger.add(block(200, 300))  # and once the lock is released, it works


@pytest.fixture
def quick_ledger(path):
    """A ledger that waits only 0.1 s for another process's lock."""
    with OffsetLedger(path, create=True, timeout=0.1) as led:
        yield led


def test_exclusive_lock_is_locked_not_corrupt(quick_ledger, path):
    """A reader blocked by another process's exclusive lock used to be told the file was corrupt."""
    quick_ledger.add(block(1, 100))
    before = snapshot(quick_ledger)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(LedgerLockedError, match=r"locked by another process \(waited 0.1 s\)"):
            quick_ledger.holdings()
        with pytest.raises(LedgerLockedError):
            quick_ledger.verify()
        with pytest.raises(LedgerLockedError):
            OffsetLedger(path, timeout=0.1)  # opening reads the whole file
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert snapshot(quick_ledger) == before


def test_closed_ledger_says_closed(path):
    """Using a closed ledger raises LedgerClosedError (it used to raise LedgerCorruptError)."""
    led = OffsetLedger(path, create=True)
    led.add(block(1, 100))
    led.close()
    for call in (led.holdings, led.history, led.verify, lambda: led.add(block(200, 300)),
                 lambda: led.retire(block(1, 10), subject="A", period=Y2024, retired_on="2025-01-01")):
        with pytest.raises(LedgerClosedError, match="closed"):
            call()
    led.close()  # twice is fine
    with OffsetLedger(path) as again:
        assert again.held_quantity() == 100


def test_disk_full_is_reported_and_changes_nothing(ledger, path):
    """A full disk (simulated with PRAGMA max_page_count) raises LedgerDiskFullError, not SQLite's
    "cannot rollback - no transaction is active", which hid the real cause."""
    ledger.add(block(1, 100))
    before, digest = snapshot(ledger), file_hash(path)
    pages = ledger._conn.execute("PRAGMA page_count").fetchone()[0]
    ledger._conn.execute(f"PRAGMA max_page_count={pages}")
    with pytest.raises(LedgerDiskFullError, match="disk full") as info:
        ledger.add_many([block(1000 + 10 * i, 1005 + 10 * i, methodology="VM0007 " + "x" * 200) for i in range(300)])
    assert _sqlite_cause(info.value).sqlite_errorname == "SQLITE_FULL"
    assert "cannot rollback" not in str(info.value)
    assert snapshot(ledger) == before and file_hash(path) == digest
    ledger._conn.execute("PRAGMA max_page_count=1073741823")
    ledger.add(block(200, 300))


def test_missing_directory_is_named(tmp_path):
    """A ledger in a directory that does not exist is LedgerNotFoundError naming it (create=True used to raise a
    bare FileNotFoundError from tempfile)."""
    target = tmp_path / "no-such-dir" / "credits.ledger"
    for create in (True, False):
        with pytest.raises(LedgerNotFoundError, match="no-such-dir does not exist") as info:
            OffsetLedger(target, create=create)
        assert info.value.directory == str(tmp_path / "no-such-dir")
    assert not (tmp_path / "no-such-dir").exists()


# -- atomicity -----------------------------------------------------------------------


def test_error_mid_operation_rolls_back(ledger, path, monkeypatch):
    """An exception after the rows are written but before COMMIT leaves the ledger as it was."""
    b = ledger.add(block(1, 100))
    before, digest = snapshot(ledger), file_hash(path)

    def boom(self, *args):
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(OffsetLedger, "_log", boom)
    with pytest.raises(RuntimeError):
        ledger.retire(b.slice(1, 50), subject="A", period=Y2024, retired_on="2025-01-01")
    monkeypatch.undo()
    assert snapshot(ledger) == before
    assert file_hash(path) == digest
    ledger.retire(b.slice(1, 50), subject="A", period=Y2024, retired_on="2025-01-01")  # and it still works


def _run(script: str, *args: str, **kw) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


CRASH = """
import os, sys
from neutralcore.offsets.ledger import OffsetLedger
from neutralcore.offsets.credits import Period
original = OffsetLedger._log
def crash(self, *args):
    original(self, *args)   # every row and the operation's event are written ...
    os._exit(7)             # ... and the process dies before COMMIT
OffsetLedger._log = crash
led = OffsetLedger(sys.argv[1])
led.retire(led.holdings()[0], quantity=10, subject="Acme", period=Period.year(2024), retired_on="2025-01-01")
"""


def test_crash_mid_operation_leaves_file_as_it_was(path):
    """A process killed inside a retirement leaves the previous, valid ledger."""
    with OffsetLedger(path, create=True) as led:
        led.add(block(1, 100))
        before = snapshot(led)
    proc = _run(CRASH, str(path))
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 7, err
    with OffsetLedger(path) as again:  # the hot journal is rolled back on open
        assert snapshot(again) == before
        again.verify()


RACER = """
import json, os, sys, time
from neutralcore.errors import AlreadyRetiredError
from neutralcore.offsets.ledger import OffsetLedger
from neutralcore.offsets.credits import Period
path, go, name = sys.argv[1:4]
led = OffsetLedger(path)
target = led.holdings()[0]             # every racer sees the block as held
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.001)
try:
    r = led.retire(target, subject=name, period=Period.year(2024), retired_on="2025-01-01")
    print(json.dumps({"retired": r.quantity, "by": name}), flush=True)
except AlreadyRetiredError as exc:
    print(json.dumps({"refused": str(exc), "by": name}), flush=True)
led.close()
"""


def test_concurrent_processes_cannot_both_retire(path, tmp_path):
    """Three processes race to retire the same block: exactly one wins, the others are refused."""
    with OffsetLedger(path, create=True) as led:
        led.add(block(1, 1000))
    go = tmp_path / "go"
    procs = [_run(RACER, str(path), str(go), f"racer-{i}") for i in range(3)]
    for p in procs:
        assert p.stdout is not None
        assert p.stdout.readline().strip() == "ready", p.stderr.read() if p.stderr else ""
    go.touch()
    results = []
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    winners = [r for r in results if "retired" in r]
    assert len(winners) == 1 and winners[0]["retired"] == 1000
    assert all("already used" in r["refused"] for r in results if "refused" in r)
    with OffsetLedger(path) as led:
        assert led.retired_quantity() == 1000
        assert [r.subject for r in led.retirements()] == [winners[0]["by"]]


# -- the invariant, under any sequence of operations -----------------------------------

PROJECTS = ("1", "2")


class LedgerMachine(RuleBasedStateMachine):
    """Model: a list of (project, start, end, subject-or-None) blocks, checked against the ledger."""

    def __init__(self) -> None:
        super().__init__()
        self.dir = tempfile.mkdtemp(prefix="nc-ledger-")
        self.path = os.path.join(self.dir, "l.ledger")
        self.ledger = OffsetLedger(self.path, create=True)
        self.blocks: list[tuple[str, int, int, str | None]] = []

    def teardown(self) -> None:
        self.ledger.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def _serials(self, project: str, retired: bool | None = None) -> set[int]:
        return {
            s
            for p, a, b, who in self.blocks
            if p == project and (retired is None or (who is not None) == retired)
            for s in range(a, b + 1)
        }

    @rule(project=st.sampled_from(PROJECTS), start=st.integers(0, 60), length=st.integers(1, 15))
    def add(self, project: str, start: int, length: int) -> None:
        end = start + length - 1
        if set(range(start, end + 1)) & self._serials(project):
            with pytest.raises(DuplicateSerialError):
                self.ledger.add(block(start, end, project=project))
        else:
            self.ledger.add(block(start, end, project=project))
            self.blocks.append((project, start, end, None))

    @rule(
        project=st.sampled_from(PROJECTS),
        start=st.integers(0, 70),
        length=st.integers(1, 20),
        subject=st.sampled_from(("A", "B")),
    )
    def retire(self, project: str, start: int, length: int, subject: str) -> None:
        end = start + length - 1
        wanted = set(range(start, end + 1))
        home = [i for i, (p, a, b, who) in enumerate(self.blocks) if p == project and who is None and a <= start and end <= b]
        request = dict(subject=subject, period=Y2024, retired_on="2025-01-01")
        if wanted & self._serials(project, retired=True):
            with pytest.raises(AlreadyRetiredError):
                self.ledger.retire(block(start, end, project=project), **request)
        elif not home:
            with pytest.raises(UnknownCreditError):
                self.ledger.retire(block(start, end, project=project), **request)
        else:
            r = self.ledger.retire(block(start, end, project=project), **request)
            assert r.quantity == length
            p, a, b, _ = self.blocks.pop(home[0])
            if a < start:
                self.blocks.append((p, a, start - 1, None))
            if end < b:
                self.blocks.append((p, end + 1, b, None))
            self.blocks.append((p, start, end, subject))

    @rule(data=st.data(), subject=st.sampled_from(("A", "B")))
    def retire_inside_held_block(self, data: st.DataObject, subject: str) -> None:
        held = [(p, a, b) for p, a, b, who in self.blocks if who is None]
        if not held:
            return
        p, a, b = data.draw(st.sampled_from(held))
        start = data.draw(st.integers(a, b))
        end = data.draw(st.integers(start, b))
        self.retire(p, start, end - start + 1, subject)

    @rule(data=st.data(), subject=st.sampled_from(("A", "B")))
    def retire_again(self, data: st.DataObject, subject: str) -> None:
        used = [(p, a, b) for p, a, b, who in self.blocks if who is not None]
        if not used:
            return
        p, a, b = data.draw(st.sampled_from(used))
        start = data.draw(st.integers(a, b))
        end = data.draw(st.integers(start, b + 5))
        self.retire(p, start, end - start + 1, subject)

    @rule()
    def reload(self) -> None:
        self.ledger.close()
        self.ledger = OffsetLedger(self.path, create=False)

    @invariant()
    def no_serial_retired_twice_and_totals_add_up(self) -> None:
        retired = self.ledger.retirements()
        seen: set[tuple[str, int]] = set()
        for r in retired:
            serials = {(r.offset.project_id, s) for s in range(r.offset.serial_start, r.offset.serial_end + 1)}
            assert not serials & seen, "a serial was retired twice"
            seen |= serials
        assert self.ledger.retired_quantity() == sum(r.quantity for r in retired) == len(seen)
        model_retired = sorted((p, a, b, who) for p, a, b, who in self.blocks if who is not None)
        assert sorted((r.offset.project_id, r.offset.serial_start, r.offset.serial_end, r.subject) for r in retired) == model_retired
        model_held = sorted((p, a, b) for p, a, b, who in self.blocks if who is None)
        assert sorted((o.project_id, o.serial_start, o.serial_end) for o in self.ledger.holdings()) == model_held


LedgerMachine.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestLedgerInvariant = LedgerMachine.TestCase


def test_a_missing_file_is_an_error_unless_asked_to_create(tmp_path):
    """A mistyped path must not silently start an empty ledger that has forgotten every retirement."""
    target = tmp_path / "acme-credits.ledger"
    with pytest.raises(LedgerError, match="create=True"):
        OffsetLedger(target)
    assert not target.exists()
    with OffsetLedger(target, create=True) as led:
        assert led.held_quantity() == 0
    with OffsetLedger(target) as again:
        assert again.held_quantity() == 0


def test_every_bit_flip_is_refused_typed_or_harmless(tmp_path):
    """Flip one bit at a time across a whole ledger file: each damaged copy either opens with exactly the original
    holdings and retirements (SQLite free space, unused header bytes) or raises LedgerCorruptError, never a raw
    UnicodeDecodeError or TypeError (both used to escape from damaged text and values)."""
    p = tmp_path / "l.ledger"
    with OffsetLedger(p, create=True) as led:
        led.add(block(1, 1000))
        led.retire(block(1, 100), subject="A", period=Y2024, retired_on="2025-01-01")
        expected = (led.holdings(), led.retirements())
    data = p.read_bytes()
    q = tmp_path / "flipped.ledger"
    outcomes = {"refused": 0, "same": 0}
    # every 16th byte's high bit and the byte after's low bit (a full sweep takes 30 s; this one hits both escapes)
    for i in range(0, len(data), 16):
        for j, bit in ((i, 0x80), (i + 1, 0x01)):
            if j >= len(data):
                continue
            damaged = bytearray(data)
            damaged[j] ^= bit
            q.write_bytes(bytes(damaged))
            try:
                with OffsetLedger(q) as led:
                    assert (led.holdings(), led.retirements()) == expected, f"byte {j} bit {bit:#x}"
                outcomes["same"] += 1
            except LedgerCorruptError:
                outcomes["refused"] += 1
    assert outcomes["refused"] > 0 and sum(outcomes.values()) == 2 * len(range(0, len(data), 16))
