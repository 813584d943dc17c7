"""The ledger at scale (issue 14): operations read only the blocks they touch, the hash chain, format migration,
bulk import."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neutralcore.errors import (
    AlreadyRetiredError,
    DuplicateSerialError,
    LedgerCorruptError,
    LedgerFormatError,
    SchemaError,
    UnknownCreditError,
)
from neutralcore.offsets import Offset, OffsetLedger, Period
from neutralcore.offsets.ledgerfile import FORMAT_VERSION, row_hash

FIXTURE = Path(__file__).parent / "fixtures" / "ledger-format3.ledger"
Y2024 = Period.year(2024)
VCU = "9660-115597313-115618057-VCS-VCU-261-VER-US-14-1060-01012019-31122019-0"


def block(start: int, end: int, project: str = "1060") -> Offset:
    return Offset(programme="Verra VCS", project_id=project, country="US", kind="avoidance",
                  vintage=Period.year(2023), serial_start=start, serial_end=end, issuance_date="2024-03-01")


def state(led: OffsetLedger) -> tuple:
    return led.holdings(), led.retirements(), [(e["op"], e["payload"]) for e in led.history()]


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tamper(path: Path, *sql: str) -> None:
    conn = sqlite3.connect(path)
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.close()


@pytest.fixture
def big(tmp_path: Path):
    """A ledger of 3,000 blocks in three projects, 300 of them retired."""
    path = tmp_path / "big.ledger"
    with OffsetLedger(path, create=True) as led:
        led.add_many([block(10 * i, 10 * i + 9, project=p) for p in ("1", "2", "3") for i in range(1000)])
        for i in range(0, 1000, 10):
            led.retire(block(10 * i, 10 * i + 4, project="2"), subject="Acme", period=Y2024, retired_on="2025-01-01")
    return path


# -- each operation reads only what it touches -------------------------------------------


def _plans(led: OffsetLedger, call) -> list[str]:
    """The query plan of every statement *call* runs on the ledger's connection."""
    statements: list[str] = []
    led._conn.set_trace_callback(statements.append)
    try:
        call()
    finally:
        led._conn.set_trace_callback(None)
    plans = []
    for sql in statements:
        if sql.lstrip().upper().startswith(("SELECT", "DELETE", "UPDATE")):
            plans += [row[-1] for row in led._conn.execute("EXPLAIN QUERY PLAN " + sql)]
    return plans


@pytest.mark.parametrize(
    ("name", "call", "most"),
    [
        ("add", lambda L: L.add(block(50_000, 50_009, project="1")), 1),
        ("add-refused", lambda L: pytest.raises(DuplicateSerialError, L.add, block(5_005, 5_015, project="1")), 1),
        ("retire-split", lambda L: L.retire(block(5_003, 5_005, project="3"), subject="A", period=Y2024,
                                            retired_on="2025-01-01"), 1),
        ("retire-refused", lambda L: pytest.raises(AlreadyRetiredError, L.retire, block(100, 103, project="2"),
                                                   subject="A", period=Y2024, retired_on="2025-01-01"), 1),
        ("retire-spanning", lambda L: pytest.raises(UnknownCreditError, L.retire, block(5_005, 5_034, project="3"),
                                                    subject="A", period=Y2024, retired_on="2025-01-01"), 4),
        ("retirements-of-subject", lambda L: L.retirements("Nobody"), 0),
        ("held-quantity", lambda L: L.held_quantity(), 0),
    ],
)
def test_an_operation_reads_only_the_blocks_it_touches(big, name, call, most):
    """Counted in the storage layer (rows_read) and shown by SQLite's query plans: no operation scans the
    blocks or the events of a 3,000-block ledger."""
    with OffsetLedger(big) as led:
        before = led.rows_read
        plans = _plans(led, lambda: call(led))
        assert led.rows_read - before <= most, name
        scans = [p for p in plans if p.startswith("SCAN") and ("blocks" in p or "events" in p)]
        if name != "held-quantity":  # a total over all held blocks is one SQL aggregate
            assert scans == [], (name, scans)


def test_listing_reads_each_listed_block_once(big):
    with OffsetLedger(big) as led:
        before = led.rows_read
        held = led.holdings()
        assert led.rows_read - before == len(held) == 3000
        before = led.rows_read
        assert len(led.retirements("Acme", Y2024)) == 100 and led.rows_read - before == 100
        assert led.held_quantity() == 3 * 10_000 - 500 and led.retired_quantity("Acme") == 500


# -- add_many sorts its own blocks ------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("12"), st.integers(0, 80), st.integers(1, 12)), max_size=12),
       st.randoms(use_true_random=False))
def test_add_many_refuses_exactly_the_batches_with_an_overlap(blocks, rnd):
    """Sorting finds an overlap wherever a pair shares a serial, in any order the blocks come in."""
    offsets = [block(s, s + n - 1, project=p) for p, s, n in blocks]
    clash = any(a.overlaps(b) for i, a in enumerate(offsets) for b in offsets[i + 1:])
    rnd.shuffle(offsets)
    with OffsetLedger(":memory:") as led:
        led.add(block(200, 210, project="1"))
        if clash:
            with pytest.raises(DuplicateSerialError, match="same call"):
                led.add_many(offsets)
            assert led.held_quantity() == 11
        else:
            led.add_many(offsets)
            assert led.held_quantity() == 11 + sum(o.quantity for o in offsets)
            assert len(led.holdings()) == 1 + len(offsets)


def test_registry_key_is_computed_once():
    o = block(1, 10, project="VCS 01060")
    assert o.registry_key is o.registry_key and o.registry_key == ("Verra VCS", "", "1060")


# -- the hash chain ---------------------------------------------------------------------------


def _ledger(path: Path) -> None:
    with OffsetLedger(path, create=True) as led:
        led.add_many([block(1, 100), block(1, 100, project="2")])
        led.retire(block(1, 10), subject="Acme", period=Y2024, retired_on="2025-01-01")


@pytest.mark.parametrize(
    "sql",
    [
        ["UPDATE events SET payload = replace(payload, 'Acme', 'Evil') WHERE op = 'retire'"],
        ["DELETE FROM events WHERE id = (SELECT max(id) FROM events)"],
        ["DELETE FROM events WHERE op = 'add'"],
        ["DELETE FROM blocks WHERE status = 'held' AND registry_key LIKE '%\"2\"%'"],
        ["UPDATE blocks SET subject = 'Evil' WHERE status = 'retired'"],
        ["INSERT INTO blocks SELECT 99, registry_key, 500, 600, status, subject, period_start, period_end, retired_on,"
         " beneficiary, reason, data, row_hash FROM blocks LIMIT 1"],
        ["UPDATE events SET state = '" + "0" * 64 + "' WHERE id = (SELECT max(id) FROM events)"],
    ],
    ids=["event-edited", "last-event-deleted", "middle-event-deleted", "block-deleted", "retirement-edited",
         "block-inserted", "state-edited"],
)
def test_edits_outside_the_ledger_are_refused_on_open(tmp_path, sql):
    path = tmp_path / "l.ledger"
    _ledger(path)
    _tamper(path, *sql)
    digest = file_hash(path)
    with pytest.raises(LedgerCorruptError):
        OffsetLedger(path)
    assert file_hash(path) == digest


def test_a_block_edited_with_its_hash_recomputed_is_still_refused(tmp_path):
    """Rehashing the row is not enough: the rows no longer add up to the state the last event recorded."""
    path = tmp_path / "l.ledger"
    _ledger(path)
    conn = sqlite3.connect(path)
    row = conn.execute("SELECT * FROM blocks WHERE status='retired'").fetchone()
    edited = (*row[:5], "Evil", *row[6:12])
    conn.execute("UPDATE blocks SET subject='Evil', row_hash=? WHERE id=?", (row_hash(edited), row[0]))
    conn.commit()
    conn.close()
    with pytest.raises(LedgerCorruptError, match="not the ones the event log recorded"):
        OffsetLedger(path)


def test_another_ledgers_operations_are_followed_and_an_outside_edit_is_caught(tmp_path):
    """Two ledger objects on one file see each other's operations; an edit made between them by plain SQLite
    is caught by the next operation (a full verification), though it touches other blocks."""
    path = tmp_path / "l.ledger"
    _ledger(path)
    with OffsetLedger(path) as a, OffsetLedger(path) as b:
        a.retire(block(11, 20), subject="A", period=Y2024, retired_on="2025-01-01")
        b.retire(block(21, 30), subject="B", period=Y2024, retired_on="2025-01-01")
        assert a.retired_quantity() == b.retired_quantity() == 30
        assert [e["op"] for e in a.history()] == ["create", "add", "retire", "retire", "retire"]
        _tamper(path, "DELETE FROM blocks WHERE registry_key LIKE '%\"2\"%'")
        with pytest.raises(LedgerCorruptError):
            a.retire(block(31, 40), subject="A", period=Y2024, retired_on="2025-01-01")
        with pytest.raises(LedgerCorruptError):
            b.holdings()


def test_history_events_chain(tmp_path):
    path = tmp_path / "l.ledger"
    _ledger(path)
    with OffsetLedger(path) as led:
        events = led.history()
    assert [e["op"] for e in events] == ["create", "add", "retire"]
    assert len({e["hash"] for e in events}) == 3
    assert [o["serial_start"] for o in events[1]["payload"]["blocks"]] == [1, 1]
    assert events[2]["payload"]["serials"] == [1, 10]


# -- format 3 files ---------------------------------------------------------------------------


@pytest.fixture
def v3(tmp_path: Path) -> Path:
    """A ledger written by neutralcore's previous release (format 3): 3 blocks added, 8,000 VCUs retired."""
    target = tmp_path / "v3.ledger"
    shutil.copyfile(FIXTURE, target)
    return target


def test_format_3_is_refused_naming_its_version_until_migrated(v3):
    digest = file_hash(v3)
    with pytest.raises(LedgerFormatError, match=r"format version 3 .*OffsetLedger\.migrate") as info:
        OffsetLedger(v3)
    assert info.value.version == 3
    with pytest.raises(LedgerFormatError, match="format version 3"):
        OffsetLedger(v3, read_only=True)
    assert file_hash(v3) == digest


@pytest.mark.parametrize("how", ["classmethod", "argument"])
def test_format_3_migrates_when_asked_and_keeps_everything(v3, how):
    if how == "classmethod":
        OffsetLedger.migrate(v3)
        led = OffsetLedger(v3)
    else:
        led = OffsetLedger(v3, migrate=True)
    with led:
        assert led._conn.execute("PRAGMA user_version").fetchone()[0] == FORMAT_VERSION
        assert (led.held_quantity(), led.retired_quantity("Acme Ltd", Y2024)) == (13_335, 8_000)
        assert [e["op"] for e in led.history()] == ["create", "add", "add", "retire", "migrate"]
        (r,) = led.retirements()
        assert (r.offset.serial_start, r.offset.serial_end, r.reason, r.id) == (115597313, 115605312, "2024 claim", 5)
        assert [o.project_id for o in led.holdings()] == ["7495", "1060", "ACR123"]
        with pytest.raises(DuplicateSerialError, match="retired on 2025-03-01"):
            led.add(Offset.from_serial(VCU, kind="avoidance").slice(115597313, 115597400))
        r2 = led.retire(led.holdings()[-1], quantity=5, subject="B", period=Y2024, retired_on="2025-04-01")
        assert r2.id == 7  # after the remainder (6): block ids of format 3 are not reused
    OffsetLedger.migrate(v3)  # a format 4 file is left as it is
    with OffsetLedger(v3) as again:
        assert again.retired_quantity() == 8_005


def test_a_damaged_format_3_file_is_not_migrated(v3):
    _tamper(v3, "UPDATE blocks SET serial_end = serial_end + 1 WHERE status = 'held'")
    digest = file_hash(v3)
    with pytest.raises(LedgerCorruptError, match="digest does not match"):
        OffsetLedger.migrate(v3)
    assert file_hash(v3) == digest


def test_an_older_format_is_not_migrated(v3):
    _tamper(v3, "PRAGMA user_version = 2")
    with pytest.raises(LedgerFormatError, match="unsupported ledger format version 2") as info:
        OffsetLedger(v3, migrate=True)
    assert info.value.version == 2


# -- bulk import of a registry export -----------------------------------------------------------


def test_add_csv_serials_and_fields(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text(
        "serial,kind,issuance_date,quantity\n"
        f"{VCU},avoidance,2020-06-01,20745\n"
        "GS1-1-KE-GS7495-16-2025-30645-608-30350,removal,,\n",
        encoding="utf-8",
    )
    with OffsetLedger(":memory:") as led:
        with pytest.raises(SchemaError, match=r"column 'removal_type': line 3: a removal credit needs"):
            led.add_csv(export)
        assert led.held_quantity() == 0
        export.write_text(export.read_text().replace(",removal,,", ",avoidance,,"))
        added = led.add_csv(export)
        assert [o.quantity for o in added] == [20745, 29743]
        fields = ("programme,project_id,country,vintage_start,vintage_end,serial_start,serial_end\n"
                  "CDM,0123,IN,2015-01-01,2015-12-31,1,500\n")
        (cdm,) = led.add_csv(fields.encode(), kind="avoidance", name="cdm.csv")
        assert (cdm.programme.value, cdm.quantity, cdm.vintage.end.year) == ("CDM", 500, 2015)
        with pytest.raises(DuplicateSerialError):
            led.add_csv(fields.replace(",1,500", ",400,600").encode(), kind="avoidance")
        assert led.held_quantity() == 20745 + 29743 + 500


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        (f"serial,kind\n{VCU},avoidance\nnot-a-serial,avoidance\n", 3, "serial"),
        (f"serial,kind,quantity\n{VCU},avoidance,5\n", 2, "quantity"),
        (f"serial,kind,permanence_years\n{VCU},avoidance,ten\n", 2, "permanence_years"),
        (f"serial,kind,colour\n{VCU},avoidance,red\n", 1, "colour"),
        ("programme,kind\nCDM,avoidance\n", 1, "project_id"),
        (f"serial\n{VCU}\n", 1, None),
    ],
    ids=["bad-serial", "wrong-quantity", "not-a-number", "unknown-column", "no-range", "no-kind"],
)
def test_add_csv_errors_name_file_line_and_column(text, line, column):
    with OffsetLedger(":memory:") as led:
        with pytest.raises(SchemaError) as info:
            led.add_csv(text.encode(), name="export.csv")
        assert "export.csv" in str(info.value)
        assert (info.value.line, info.value.column) == (line, column)
        assert led.held_quantity() == 0 and len(led.history()) == 1


def test_opening_without_verification_checks_the_last_event_and_the_rows_read(tmp_path):
    path = tmp_path / "l.ledger"
    _ledger(path)
    with OffsetLedger(path, verify=False) as led:
        assert led.rows_read == 0 and led.held_quantity() == 190
    _tamper(path, "UPDATE blocks SET serial_end = 150 WHERE status = 'held' AND serial_start = 11")
    with OffsetLedger(path, verify=False) as led:  # the damaged row is not read yet
        with pytest.raises(LedgerCorruptError, match="was changed after it was written"):
            led.retire(block(20, 30), subject="A", period=Y2024, retired_on="2025-01-01")
        led.retire(block(1, 10, project="2"), subject="A", period=Y2024, retired_on="2025-01-01")
        with pytest.raises(LedgerCorruptError):
            led.verify()
    _tamper(path, "UPDATE events SET hash = 'x' WHERE id = (SELECT max(id) FROM events)")
    with pytest.raises(LedgerCorruptError, match="its hash does not match"):
        OffsetLedger(path, verify=False)


WRITER = """
import random, sys
from neutralcore.errors import AlreadyRetiredError, UnknownCreditError
from neutralcore.offsets import Offset, OffsetLedger, Period
path, seed = sys.argv[1], int(sys.argv[2])
rnd = random.Random(seed)
won = 0
with OffsetLedger(path) as led:
    for _ in range(25):
        start = rnd.randrange(1, 200)
        o = Offset(programme="Verra VCS", project_id="1060", country="US", kind="avoidance",
                   vintage=Period.year(2023), serial_start=start, serial_end=start + 4, issuance_date="2024-03-01")
        try:
            won += led.retire(o, subject=f"w{seed}", period=Period.year(2024), retired_on="2025-01-01").quantity
        except (AlreadyRetiredError, UnknownCreditError):
            pass
print(won)
"""


def test_writers_in_several_processes_never_retire_a_serial_twice(tmp_path):
    """Four processes retire overlapping ranges of one ledger at once; each follows the others' events."""
    import os
    import subprocess
    import sys

    path = tmp_path / "l.ledger"
    with OffsetLedger(path, create=True) as led:
        led.add(block(1, 300))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(i)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for i in range(4)]
    won = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        won.append(int(out))
    with OffsetLedger(path) as led:  # verified in full on opening
        retired = led.retirements()
        serials = [s for r in retired for s in range(r.offset.serial_start, r.offset.serial_end + 1)]
        assert len(serials) == len(set(serials)) == sum(won) == led.retired_quantity() > 0
        assert led.held_quantity() + led.retired_quantity() == 300
        for i, count in enumerate(won):
            assert sum(r.quantity for r in retired if r.subject == f"w{i}") == count
