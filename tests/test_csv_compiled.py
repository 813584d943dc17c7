"""Issue 15: the compiled CSV reader (``neutralcore[fast]``) against a plain Python reading of the same bytes.

Blocks are made tiny so that every body is many blocks over several lanes: the columns must be the same to the
bit on any number of threads (labels in order of first appearance, each row's code, ``float()`` of each
quantity's text), and ``None`` wherever the body is not plain.  ``test_csv_engines.py`` and
``test_csv_stream.py`` run every engine test with this reader as well (``NEUTRALCORE_KERNEL=numba``).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("numba")

from neutralcore.measure import _fastcsv  # noqa: E402

from test_csv_stream import _near_midpoint  # noqa: E402

HEADER = ["activity", "quantity", "unit", "site"]


def expected(body: bytes, header=HEADER, numeric="quantity"):
    """The columns read with Python alone: lines, fields, labels numbered by first appearance, float()."""
    lines = body.replace(b"\r\n", b"\n").split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    cols: dict = {h: ([], {}) for h in header}
    for line in lines:
        for h, field in zip(header, line.split(b",")):
            codes, seen = cols[h]
            codes.append(float(field) if h == numeric else seen.setdefault(field.decode(), len(seen)))
    return {h: np.array(c) if h == numeric else (np.array(c, np.int32), tuple(s)) for h, (c, s) in cols.items()}


def assert_columns(got, want):
    """*got* has *want*'s columns: codes 2 bytes a row while no column has more than 65,536 labels."""
    assert got is not None and list(got) == list(want)
    narrow = all(len(w[1]) <= 65_536 for w in want.values() if isinstance(w, tuple))
    for h, w in want.items():
        if isinstance(w, tuple):
            assert got[h][1] == w[1], h
            assert got[h][0].dtype in ((np.uint16,) if narrow else (np.uint16, np.int32))
            assert not got[h][0].flags.writeable
            np.testing.assert_array_equal(got[h][0], w[0])
        else:
            assert [v.hex() for v in got[h].tolist()] == [v.hex() for v in w.tolist()]
            assert not got[h].flags.writeable


def read_both(body: bytes, tmp: Path, threads: int, header=HEADER):
    """The reader on *body* as bytes (after a header line) and as a file on disk: both the same."""
    head = (",".join(header) + "\n").encode()
    from_bytes = _fastcsv.read_plain_compiled(head + body, len(head), header, threads=threads)
    path = tmp / f"b{threads}.csv"
    path.write_bytes(head + body)
    from_file = _fastcsv.read_plain_compiled(path, len(head), header, threads=threads)
    if from_bytes is None or from_file is None:
        assert from_bytes is None and from_file is None
        return None
    assert_columns(from_file, {h: v for h, v in from_bytes.items()})
    return from_bytes


quantity = st.one_of(
    st.floats(0, 1e30, allow_nan=False, allow_infinity=False).map(repr),             # to_csv: 17 digits, exponents
    st.floats(0, 1e6).map(lambda v: f"{v:.2f}"),                                      # typed by hand
    st.tuples(st.floats(1e-3, 1e12), st.sampled_from([15, 16, 17, 18])).map(lambda a: _near_midpoint(*a)),
    st.integers(0, 10**18 - 1).map(str),
    st.integers(0, 10**25).map(str),                                                  # more digits than 18
    st.floats(-1e6, 0, allow_nan=False).map(repr),                                     # negative (-0.0 too)
    st.sampled_from(["0", ".5", "5.", "007", "1e5", "1E-5", "+3", "2.5e+300", "4.9e-324"]),
)
label = st.text(st.sampled_from("abcxyz_.-é中 "), min_size=0, max_size=8)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(label, quantity, st.sampled_from(["MWh", "t", "kg"]), label), min_size=1,
                     max_size=60),
       crlf=st.booleans(), last_newline=st.booleans(), block=st.sampled_from([128, 256, 1 << 20]),
       threads=st.integers(1, 3))
def test_the_compiled_reader_reads_what_python_reads(rows, crlf, last_newline, block, threads, tmp_path,
                                                     monkeypatch):
    monkeypatch.setattr(_fastcsv, "BLOCK", block)
    end = b"\r\n" if crlf else b"\n"
    body = end.join(",".join(r).encode() for r in rows) + (end if last_newline else b"")
    assert_columns(read_both(body, tmp_path, threads), expected(body))


@pytest.mark.parametrize("threads", [1, 2, 4])
def test_tables_and_label_bytes_grow_past_their_first_size(threads, tmp_path, monkeypatch):
    """30,000 distinct sites (the tables start at 4,096 slots) and 2,000 labels of 100 bytes (the label bytes
    start at 64 KiB), in blocks of 64 KiB over several lanes."""
    monkeypatch.setattr(_fastcsv, "BLOCK", 1 << 16)
    rows = [f"{'a' * 90}{i % 2000:010d},{i}.5,MWh,s{(i * 7919) % 30000}" for i in range(40_000)]
    body = ("\n".join(rows) + "\n").encode()
    got = read_both(body, tmp_path, threads)
    assert len(got["site"][1]) == 30_000 and len(got["activity"][1]) == 2000
    assert_columns(got, expected(body))


@pytest.mark.parametrize("threads", [1, 2])
def test_codes_widen_to_int32_past_65536_labels(threads, tmp_path, monkeypatch):
    """70,000 distinct sites after 20,000 rows with few: a lane that meets its 65,537th label stops, the lanes
    finish their blocks, every column is widened to int32 once and the blocks that met it are split again (in
    the file's order); the labels and codes are those of a plain reading either way."""
    monkeypatch.setattr(_fastcsv, "BLOCK", 1 << 16)
    rows = [f"a{i % 3},{i}.5,MWh,s{i % 10}" for i in range(20_000)]
    rows += [f"a{i % 3},{i}.25,t,site{i}" for i in range(70_000)]
    body = ("\n".join(rows) + "\n").encode()
    got = read_both(body, tmp_path, threads)
    assert len(got["site"][1]) == 70_010
    assert got["site"][0].dtype == np.int32  # on two lanes each may see fewer: then the merge widens it alone
    if threads == 1:
        assert {got[h][0].dtype for h in ("activity", "unit")} == {np.dtype(np.int32)}
    assert_columns(got, expected(body))


def test_a_column_widens_alone_when_only_the_lanes_labels_together_pass_its_codes(monkeypatch):
    """Codes of one byte (255 at most) and two blocks, one a lane, each with 200 sites of its own: neither lane
    passes 255, so nothing is split again, but the merged sites (400) do: that column alone is widened."""
    real = _fastcsv._Lane.split
    seen = []

    def one_block_a_lane(self, *args):  # the lane that has split a block waits, so the other takes the next
        seen.append(self)
        real(self, *args)
        time.sleep(0.3)

    monkeypatch.setattr(_fastcsv._Lane, "split", one_block_a_lane)
    head = (",".join(HEADER) + "\n").encode()
    first = "".join(f"a,{i}.5,MWh,s{i % 200}\n" for i in range(2000))
    second = "".join(f"a,{i}.5,MWh,t{i % 200}\n" for i in range(2000))
    body = (first + second).encode()
    got = _fastcsv.read_plain_compiled(head + body, len(head), HEADER, threads=2, block_bytes=len(first) - 10,
                                       code_dtype=np.uint8)
    assert len({id(lane) for lane in seen}) == 2
    assert got["site"][0].dtype == np.int32 and got["activity"][0].dtype == np.uint8
    want = expected(body)
    for h in ("activity", "unit", "site"):
        assert got[h][1] == want[h][1]
        np.testing.assert_array_equal(got[h][0], want[h][0])


def test_columns_grow_when_later_rows_are_shorter(tmp_path, monkeypatch):
    """The first blocks' long rows make too small an estimate of the rows: the columns grow, keeping what was
    read."""
    monkeypatch.setattr(_fastcsv, "BLOCK", 4096)
    rows = [f"{'long' * 20},{i}.25,MWh,s{i % 7}" for i in range(200)] + [f"a,{i},t,s" for i in range(20_000)]
    body = ("\n".join(rows) + "\n").encode()
    assert_columns(read_both(body, tmp_path, 2), expected(body))


def test_another_header_order_and_more_columns(tmp_path, monkeypatch):
    monkeypatch.setattr(_fastcsv, "BLOCK", 256)
    header = ["site", "year", "quantity", "activity", "bu"]
    body = "".join(f"s{i % 5},{2020 + i % 3},{i / 7!r},act{i % 11},\n" for i in range(300)).encode()
    assert_columns(read_both(body, tmp_path, 3, header), expected(body, header))


BAD = {
    "a quote": b'a,1,MWh,"s"\n',
    "a carriage return alone": b"a,1,MWh,s\rb,2,t,s\n",
    "a carriage return in a label": b"a\r,1,MWh,s\n",
    "a blank line": b"a,1,MWh,s\n\nb,2,t,s\n",
    "a short row": b"a,1,MWh\n",
    "a long row": b"a,1,MWh,s,x\n",
    "a label not UTF-8": b"a\xff,1,MWh,s\n",
    "an empty quantity": b"a,,MWh,s\n",
    "a quantity with a letter": b"a,1x,MWh,s\n",
    "a quantity with a space": b"a, 1,MWh,s\n",
    "nan": b"a,nan,MWh,s\n",
    "an exponent without digits": b"a,1e,MWh,s\n",
    "two signs": b"a,--1,MWh,s\n",
    "two dots": b"a,1.2.3,MWh,s\n",
}


@pytest.mark.parametrize("what", list(BAD))
@pytest.mark.parametrize("threads", [1, 2])
def test_a_body_that_is_not_plain_gives_none(what, threads, tmp_path, monkeypatch):
    """The bad row after 2,000 good ones (several blocks): ``None``, so that the csv module's reader says where."""
    monkeypatch.setattr(_fastcsv, "BLOCK", 4096)
    good = b"".join(b"a,%d.5,MWh,s%d\n" % (i, i % 9) for i in range(2000))
    assert read_both(good + BAD[what] + good, tmp_path, threads) is None


def test_a_line_longer_than_a_block_gives_none(tmp_path, monkeypatch):
    monkeypatch.setattr(_fastcsv, "BLOCK", 128)
    assert read_both(b"a,1,MWh,s\n" + b"x" * 300 + b",1,MWh,s\n", tmp_path, 1) is None


def test_an_empty_body_gives_none(tmp_path):
    assert read_both(b"", tmp_path, 1) is None


def test_neutralcore_threads_sets_the_readers_lanes(monkeypatch):
    """:func:`thread_count`'s threads: every core by default, ``NEUTRALCORE_THREADS`` when set (checked)."""
    import neutralcore as nc
    from neutralcore.measure import rowpass

    monkeypatch.setenv("NEUTRALCORE_KERNEL", "numba")
    monkeypatch.delenv("NEUTRALCORE_THREADS", raising=False)
    assert rowpass.csv_reader(10).keywords == {"threads": rowpass.thread_count()}
    monkeypatch.setenv("NEUTRALCORE_THREADS", "1")
    assert rowpass.csv_reader(10).keywords == {"threads": 1}
    monkeypatch.setenv("NEUTRALCORE_THREADS", "none")
    with pytest.raises(nc.InputError, match="NEUTRALCORE_THREADS='none' is not a positive number of threads"):
        rowpass.csv_reader(10)
    monkeypatch.setenv("NEUTRALCORE_KERNEL", "numpy")
    assert rowpass.csv_reader(1 << 30) is None


@settings(max_examples=400, deadline=None)
@given(st.integers(1, 10**18 - 1), st.integers(0, 27))
def test_the_loops_decimals_are_float_of_their_text(w, places):
    """Eisel-Lemire in the loop (up to 18 digits, 27 places): the float64 ``float()`` gives, to the bit."""
    bits = _fastcsv._decimal_bits(np.uint64(w), -places, _fastcsv._POW5_HI, _fastcsv._POW5_LO)
    assert np.int64(bits).view(np.float64) == float(f"{w}e-{places}")


def test_the_loops_decimals_on_many_values_and_hard_cases():
    """200,000 random mantissas and places, what ``repr`` writes, and values next to a midpoint."""
    from test_csv_stream import DOUBLE_ROUNDING

    rng = np.random.default_rng(15)
    w = np.minimum((rng.random(200_000) * 10.0 ** rng.integers(1, 19, 200_000)).astype(np.uint64) + np.uint64(1),
                   np.uint64(10**18 - 1))
    q = rng.integers(0, 28, 200_000)
    texts = [f"{a}e-{b}" for a, b in zip(w.tolist(), q.tolist())]
    texts += [repr(v) for v in (rng.random(20_000) * 10.0 ** rng.integers(-4, 13, 20_000)).tolist() if "e" not in repr(v)]
    texts += list(DOUBLE_ROUNDING) + ["9007199254740993", "0.1", "1" * 18, "0." + "0" * 26 + "1"]
    for text in texts:
        mantissa, _, exp = text.partition("e-")
        whole, _, frac = mantissa.partition(".")
        places = int(exp or 0) + len(frac)
        got = _fastcsv._decimal_bits(np.uint64(int(whole + frac)), -places, _fastcsv._POW5_HI, _fastcsv._POW5_LO)
        assert np.int64(got).view(np.float64) == float(text), text


def test_readers_on_several_threads_at_once_give_the_same_columns(tmp_path, monkeypatch):
    """Four callers' threads reading at once, each with its own lanes: the same columns as one alone."""
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setattr(_fastcsv, "BLOCK", 1 << 14)
    rows = [f"a{i % 37},{i}.125,MWh,s{(i * 7919) % 5003}" for i in range(30_000)]
    body = ("\n".join(rows) + "\n").encode()
    want = expected(body)
    head = (",".join(HEADER) + "\n").encode()
    path = tmp_path / "many.csv"
    path.write_bytes(head + body)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda t: _fastcsv.read_plain_compiled(path, len(head), HEADER, threads=t),
                                [1, 2, 3, 2, 1, 2, 3, 2]))
    for got in results:
        assert_columns(got, want)


def test_an_error_in_a_lane_reaches_the_caller(tmp_path, monkeypatch):
    """A lane's unexpected error (here a MemoryError) is raised again in the caller's thread, once every lane has
    stopped; nothing is returned."""
    monkeypatch.setattr(_fastcsv, "BLOCK", 4096)
    real = _fastcsv._Lane.split
    calls = []

    def failing(self, *args):
        calls.append(1)
        if len(calls) == 3:
            raise MemoryError("no room")
        return real(self, *args)

    monkeypatch.setattr(_fastcsv._Lane, "split", failing)
    body = b"".join(b"a,%d.5,MWh,s%d\n" % (i, i % 9) for i in range(5000))
    with pytest.raises(MemoryError, match="no room"):
        read_both(body, tmp_path, 2)
