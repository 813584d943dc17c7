"""Incremental verification from a checkpoint (issue 14): what ``verify="incremental"`` reads and what it catches."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from neutralcore.errors import InputError, LedgerCorruptError, LedgerReadOnlyError
from neutralcore.offsets import Offset, OffsetLedger, Period, ledgerfile

Y2024 = Period.year(2024)


def block(start: int, end: int, project: str = "1060") -> Offset:
    return Offset(programme="Verra VCS", project_id=project, country="US", kind="avoidance",
                  vintage=Period.year(2023), serial_start=start, serial_end=end, issuance_date="2024-03-01")


def _sql(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


@pytest.fixture
def marked(tmp_path: Path) -> Path:
    """2,000 blocks checkpointed, then 20 more added and 10 retirements (each splits an old block in two)."""
    path = tmp_path / "marked.ledger"
    with OffsetLedger(path, create=True) as led:
        led.add_many([block(10 * i, 10 * i + 9, project=p) for p in ("1", "2") for i in range(1000)])
        led.verify(checkpoint=True)
        for i in range(20):
            led.add(block(100_000 + 10 * i, 100_000 + 10 * i + 9))
        for i in range(10):
            led.retire(block(10 * i, 10 * i + 4, project="1"), subject="Acme", period=Y2024, retired_on="2025-01-01")
    return path


def test_incremental_open_rehashes_only_the_rows_written_since(marked: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = ledgerfile.row_hash
    monkeypatch.setattr(ledgerfile, "row_hash", lambda values: calls.append(values[0]) or real(values))
    with OffsetLedger(marked, verify="incremental") as led:
        assert led.held_quantity() == 2020 * 10 - 10 * 5
    # 20 added blocks, and per retirement the retired part and the held remainder
    assert len(calls) == 20 + 10 * 2
    calls.clear()
    OffsetLedger(marked).close()  # full verification reads every row
    assert len(calls) == 2000 + 20 + 10


def test_checkpoint_is_an_event_in_the_chain(tmp_path: Path) -> None:
    with OffsetLedger(tmp_path / "l", create=True) as led:
        led.add(block(1, 10))
        led.verify(checkpoint=True)
        last = led.history()[-1]
        assert last["op"] == "checkpoint"
        assert last["payload"] == {"through": 2, "through_hash": led.history()[1]["hash"], "next_block": 2, "blocks": 1}
        assert led.held_quantity() == 10  # a checkpoint changes no block


def test_without_a_checkpoint_incremental_verifies_in_full(tmp_path: Path) -> None:
    path = tmp_path / "l"
    with OffsetLedger(path, create=True) as led:
        led.add(block(1, 10))
    _sql(path, "UPDATE blocks SET data = replace(data, 'avoidance', 'removal')")  # an old row's bytes; its hash left alone
    with pytest.raises(LedgerCorruptError, match="block 1 was changed"):
        OffsetLedger(path, verify="incremental")


def test_a_damaged_new_row_is_caught(marked: Path) -> None:
    _sql(marked, "UPDATE blocks SET beneficiary = 'Mallory' WHERE id = (SELECT max(id) FROM blocks)")
    with pytest.raises(LedgerCorruptError, match="was changed after it was written"):
        OffsetLedger(marked, verify="incremental")


def test_an_old_row_removed_outside_the_ledger_is_caught(marked: Path) -> None:
    _sql(marked, "DELETE FROM blocks WHERE id = 1500")
    with pytest.raises(LedgerCorruptError, match="outside the ledger"):
        OffsetLedger(marked, verify="incremental")


def test_a_row_inserted_outside_the_ledger_is_caught(marked: Path) -> None:
    conn = sqlite3.connect(marked)
    cols = ledgerfile.BLOCK_COLUMNS
    row = list(conn.execute(f"SELECT {cols} FROM blocks WHERE id = 2010").fetchone())
    row[0], row[2], row[3] = 9999, 900_000, 900_009
    row[-1] = ledgerfile.row_hash(row[:-1])  # a well-formed row with a valid hash
    conn.execute(f"INSERT INTO blocks ({cols}) VALUES ({','.join('?' * len(row))})", row)
    conn.commit()
    conn.close()
    with pytest.raises(LedgerCorruptError, match="not the ones the event log recorded"):
        OffsetLedger(marked, verify="incremental")


def test_an_event_after_the_checkpoint_changed_is_caught(marked: Path) -> None:
    _sql(marked, "UPDATE events SET at = '2000-01-01' WHERE id = (SELECT max(id) FROM events)")
    with pytest.raises(LedgerCorruptError, match="changed after it was written"):
        OffsetLedger(marked, verify="incremental")


def test_the_checkpointed_event_changed_is_caught(marked: Path) -> None:
    _sql(marked, "UPDATE events SET hash = '" + "0" * 64 + "' WHERE id = 2")
    with pytest.raises(LedgerCorruptError, match="checkpoint 3 verified"):
        OffsetLedger(marked, verify="incremental")


def test_an_old_row_edited_with_its_hash_is_left_to_full_verification_and_to_operations(marked: Path) -> None:
    """What incremental verification does not read: the bytes of a row from before the checkpoint (documented)."""
    _sql(marked, "UPDATE blocks SET data = replace(data, 'avoidance', 'removal') WHERE id = 1500")
    led = OffsetLedger(marked, verify="incremental")  # not read, so not caught here...
    with pytest.raises(LedgerCorruptError, match="block 1500 was changed"):
        led.retire(block(10 * 499, 10 * 499 + 1, project="2"), subject="A", period=Y2024, retired_on="2025-01-01")
    led.close()
    with pytest.raises(LedgerCorruptError, match="block 1500 was changed"):
        OffsetLedger(marked)  # ...and a full verification catches it


def test_retirements_record_the_hash_of_the_block_they_split(marked: Path) -> None:
    with OffsetLedger(marked) as led:
        event = led.history()[-1]
    assert event["op"] == "retire" and len(event["payload"]["from_hash"]) == 64


def test_a_checkpoint_needs_a_writable_ledger_and_the_mode_is_checked(marked: Path) -> None:
    with OffsetLedger(marked, read_only=True, verify=False) as led:
        with pytest.raises(LedgerReadOnlyError):
            led.verify(checkpoint=True)
        led.verify()
    with pytest.raises(InputError, match="verify"):
        OffsetLedger(marked, verify="quick")  # type: ignore[arg-type]


def test_retire_events_without_the_split_hash_fall_back_to_every_stored_hash(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A retirement whose event does not record ``from_hash`` (as an older writer's would not) is still checked
    exactly, by adding up every row's stored hash."""
    import neutralcore.offsets.ledger as ledger_module

    path = tmp_path / "l"
    with OffsetLedger(path, create=True) as led:
        led.add_many([block(10 * i, 10 * i + 9) for i in range(100)])
        led.verify(checkpoint=True)
    real = ledger_module.canonical
    monkeypatch.setattr(ledger_module, "canonical",
                        lambda obj: real({k: v for k, v in obj.items() if k != "from_hash"} if isinstance(obj, dict)
                                         else obj))
    with OffsetLedger(path) as led:
        led.retire(block(0, 4), subject="Acme", period=Y2024, retired_on="2025-01-01")
        assert "from_hash" not in led.history()[-1]["payload"]
    OffsetLedger(path, verify="incremental").close()
    _sql(path, "DELETE FROM blocks WHERE id = 50")
    with pytest.raises(LedgerCorruptError, match="outside the ledger"):
        OffsetLedger(path, verify="incremental")
