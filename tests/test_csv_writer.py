"""The one CSV writer (``write_csv``) writes the csv module's bytes, a block of rows joined at a time."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neutralcore as nc
from neutralcore._core import csvrows
from neutralcore._core.csvrows import neutralise, write_csv

label = st.one_of(st.none(), st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8),
                  st.sampled_from(["a,b", 'say "hi"', "two\nlines", "cr\r", "=1+2", "-3.5", "'=x", " pad ", ""]))
column = st.one_of(
    st.lists(label, min_size=1, max_size=6).map(lambda labels: ("labels", labels)),
    st.just(("float", None)), st.just(("int", None)),
)


@settings(max_examples=80, deadline=None)
@given(st.lists(column, min_size=1, max_size=5), st.integers(0, 40), st.integers(1, 7), st.integers(0, 2**32 - 1))
def test_the_writer_writes_the_csv_modules_bytes(tmp_path_factory, kinds, n, block, seed):
    rng = np.random.default_rng(seed)
    columns = []
    for kind, labels in kinds:
        if kind == "labels":
            columns.append((rng.integers(0, len(labels), n).astype(np.int32), tuple(labels)))
        elif kind == "float":
            columns.append(rng.choice([0.1, 1e16, 1e-7, 123.456, 0.0, -0.0, 2.5e300, 1 / 3], n))
        else:
            columns.append(rng.integers(-10**12, 10**12, n))
    header = [f"c{i}" if i else "=h,ead" for i in range(len(columns))]
    d = tmp_path_factory.mktemp("w")
    old = csvrows._WRITE_ROWS
    csvrows._WRITE_ROWS = block  # several blocks, and rows across their edges
    try:
        write_csv(d / "fast.csv", header, columns)
    finally:
        csvrows._WRITE_ROWS = old
    # the reference: every cell through csv.writer, floats by repr, labels neutralised, None empty
    cells = []
    for col in columns:
        if isinstance(col, tuple):
            codes, labels = col
            cells.append(["" if labels[c] is None else neutralise(str(labels[c])) for c in codes.tolist()])
        else:
            cells.append([repr(v) if isinstance(v, float) else str(v) for v in col.tolist()])
    with open(d / "module.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([neutralise(h) for h in header])
        writer.writerows(zip(*cells))
    assert (d / "fast.csv").read_bytes() == (d / "module.csv").read_bytes()


def test_an_inventory_written_reads_back_the_same(tmp_path):
    inv = nc.Inventory([nc.Activity("electricity.grid", 0.1 + 0.2, "MWh", region="VN", year=2023, scope=2,
                                    site='plant "A", north'),
                        nc.Activity("fuel.diesel.stationary", 1e16, "L", region="VN", year=2023, scope=1,
                                    site="=cmd", category="line\nbreak")])
    inv.to_csv(tmp_path / "inv.csv")
    back = nc.Inventory.read_csv(tmp_path / "inv.csv")
    assert back.quantity.tolist() == [0.1 + 0.2, 1e16]
    assert back.site.values() == ['plant "A", north', "=cmd"]
    assert back.category.values() == [None, "line\nbreak"]
    assert (tmp_path / "inv.csv").read_bytes().count(b"\r\n") == 3 + 0  # header and two rows; the \n is quoted
