"""Issue 15, the CSV part: the engines' block-at-a-time reading, the exactness of their decimals and of
neutralcore's own decimal parser, and what each engine is trusted with.

Every engine must give neutralcore's inventory to the bit (quantities, labels in order of first appearance,
lines) or neutralcore's error (file, line, column) on the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neutralcore.measure import readers
from neutralcore.measure.inventory import Inventory

pa = pytest.importorskip("pyarrow")
pytest.importorskip("polars")

from test_csv_engines import ENGINES, all_engines, assert_same  # noqa: E402

HEAD = b"activity,quantity,unit,region,year,scope,site\n"
ROW = b"electricity.grid,%d.5,MWh,VN,2023,2,s%d"


def test_a_carriage_return_alone_ends_a_line_in_every_engine_and_pyarrow_keeps_the_file():
    """``\\r`` alone ends a line for the csv module and for pyarrow: the same rows on the same lines, and pyarrow
    reads the file itself (it used to count the lines again and give the file to neutralcore's reader)."""
    rows = [ROW % (i, i % 3) for i in range(60)]
    data = HEAD + b"\r".join(rows[:30]) + b"\n" + b"\r\n".join(rows[30:]) + b"\n"
    inv = all_engines(data)
    assert inv.provenance.line.tolist() == list(range(2, 62))
    body = len(HEAD)
    assert readers.engine_columns(data, body, HEAD.decode().strip().split(","), "pyarrow") is not None


def test_pyarrow_reads_block_by_block_and_unifies_the_dictionaries(monkeypatch, tmp_path):
    """Blocks of 256 bytes: each block's labels encoded on their own, the dictionaries unified in order of first
    appearance across the file, the codes one read-only int32 array."""
    monkeypatch.setattr(readers, "_ARROW_BLOCK", 256)
    rows = [f"electricity.grid,{i}.25,MWh,R{(i * 5) % 7},2023,{1 + i % 3},s{(i * 37) % 211}" for i in range(3000)]
    path = tmp_path / "inv.csv"
    path.write_bytes(HEAD + "\n".join(rows).encode() + b"\n")
    cols = readers.engine_columns(path, len(HEAD), HEAD.decode().strip().split(","), "pyarrow")
    assert cols is not None
    codes, labels = cols["site"]
    assert codes.dtype == np.int32 and not codes.flags.writeable
    want = list(dict.fromkeys(f"s{(i * 37) % 211}" for i in range(3000)))
    assert list(labels) == want
    assert [labels[c] for c in codes.tolist()] == [f"s{(i * 37) % 211}" for i in range(3000)]
    assert_same(Inventory.read_csv(path, engine="pyarrow"), Inventory.read_csv(path, engine="neutralcore"))
