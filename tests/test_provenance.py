"""Provenance of a file read whole: one shared file index and the lines as a range, the same rows as the arrays."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neutralcore as nc
from neutralcore._core.provenance import Provenance

ROWS = b"activity,quantity,unit,region,year,scope\n" + b"".join(
    b"electricity.grid,%d,MWh,VN,2023,2\n" % q for q in range(1, 7)
)


def _both(n: int) -> tuple[Provenance, Provenance]:
    return Provenance.of_file("a.csv", range(2, n + 2)), Provenance.of_file("a.csv", np.arange(2, n + 2))


@pytest.mark.parametrize("engine", ["neutralcore", "pyarrow", "polars"])
def test_a_file_read_whole_holds_no_array_per_row(tmp_path, engine):
    if engine != "neutralcore":
        pytest.importorskip(engine)
    path = tmp_path / "a.csv"
    path.write_bytes(ROWS)
    prov = nc.Inventory.read_csv(path, engine=engine).provenance
    assert prov.file.strides == (0,) and prov.file.tolist() == [0] * 6  # one zero, shared by every row
    assert prov.line.tolist() == [2, 3, 4, 5, 6, 7] and not prov.line.flags.writeable
    assert prov.describe([0, 5]) == f"lines 2, 7 of {path}"
    inv = nc.Inventory.read_csv(path, engine=engine)
    kept = inv.take(inv.quantity > 3).provenance
    assert kept.line.tolist() == [5, 6, 7] and kept.file.tolist() == [0, 0, 0]


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 40).flatmap(lambda n: st.tuples(
    st.just(n),
    st.one_of(st.lists(st.integers(-n, n - 1), max_size=50) if n else st.just([]),
              st.lists(st.booleans(), min_size=n, max_size=n)))))
def test_range_lines_take_the_rows_the_array_lines_take(case):
    n, index = case
    lazy, eager = _both(n)
    idx = np.array(index, dtype=bool if index and isinstance(index[0], bool) else np.int64)
    got, want = lazy.take(idx), eager.take(idx)
    assert got.line.tolist() == want.line.tolist()
    assert got.file.tolist() == want.file.tolist() and got.files == want.files
    assert len(got) == len(want)
    rows = list(range(len(want)))
    assert got.describe(rows) == want.describe(rows) and got.fields(rows) == want.fields(rows)


def test_range_lines_stack_and_pickle_as_arrays_do():
    lazy, eager = _both(3)
    other = Provenance.of_file("b.csv", [9])
    stacked = Provenance.concat([lazy, None, other], [3, 2, 1])
    assert stacked.line.tolist() == [2, 3, 4, 0, 0, 9] and stacked.file.tolist() == [0, 0, 0, -1, -1, 1]
    back = pickle.loads(pickle.dumps(lazy))
    assert back.line.tolist() == eager.line.tolist() and back.describe([2]) == "line 4 of a.csv"


def test_range_lines_out_of_range_are_refused():
    lazy, _ = _both(3)
    with pytest.raises(IndexError):
        lazy.take(np.array([3]))
    with pytest.raises(IndexError):
        lazy.take(np.array([True, False]))
    with pytest.raises(nc.InputError, match="3 file indices but 2 lines"):
        Provenance(("a.csv",), [0, 0, 0], range(2, 4))
