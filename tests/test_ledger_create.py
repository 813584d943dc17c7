"""``OffsetLedger(path, create=True)`` starts a new ledger; on an existing file it is an error unless ``exist_ok``."""

from __future__ import annotations

import pytest

from neutralcore import LedgerError
from neutralcore.offsets import Offset, OffsetLedger

VCU = "9660-115597313-115618057-VCS-VCU-261-VER-US-14-1060-01012019-31122019-0"


def test_create_on_an_existing_file_is_refused_naming_the_path(tmp_path):
    path = tmp_path / "credits.ledger"
    with OffsetLedger(path, create=True) as led:
        led.add(Offset.from_serial(VCU, kind="avoidance"))
    before = path.read_bytes()
    with pytest.raises(LedgerError, match="a ledger file exists already") as exc:
        OffsetLedger(path, create=True)
    assert exc.value.path == str(path) and str(path) in str(exc.value)
    assert path.read_bytes() == before  # nothing changed


def test_exist_ok_reopens_the_file_with_its_blocks(tmp_path):
    path = tmp_path / "credits.ledger"
    with OffsetLedger(path, create=True, exist_ok=True) as led:  # missing: created
        led.add(Offset.from_serial(VCU, kind="avoidance"))
    with OffsetLedger(path, create=True, exist_ok=True) as led:  # present: opened as it is
        assert led.held_quantity() == 20745


def test_memory_ledgers_are_always_new():
    with OffsetLedger(":memory:", create=True) as led:
        assert led.held_quantity() == 0
