"""The plain-CSV fast path reads exactly what the csv-module path reads, or steps aside."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neutralcore as nc
from neutralcore._core.csvrows import open_csv
from neutralcore._core.csvsplit import read_plain
from neutralcore.measure.activity import RESERVED_COLUMNS
from neutralcore.measure.inventory import REQUIRED, Inventory

HEADER = "activity,quantity,unit,region,year,scope,category,site,bu"

quantity_text = st.one_of(
    st.integers(0, 10**12).map(str),
    st.floats(0, 1e9, allow_nan=False).map(lambda x: f"{x:.3f}"),
    st.floats(0, 1e6, allow_nan=False).map(repr),  # may carry an exponent: the slow path then reads it
    st.sampled_from([".5", "7.", "007.250", "-3", "1e3", " 12", "+4", "", "abc", "0.1234567890123456789"]),
)
row = st.tuples(
    st.sampled_from(["electricity.grid", "fuel.diesel.stationary", "fuel.lpg.stationary", "Electricity"]),
    quantity_text,
    st.sampled_from(["MWh", "kWh", "L", "kg", "t", "GJ", "mwh"]),
    st.sampled_from(["VN", "vn", "CN-JS", "TH", ""]),
    st.sampled_from(["2022", "2023", "2023.0", "1799"]),
    st.sampled_from(["1", "2", "3", "2.0"]),
    st.sampled_from(["", "boilers", "purchased electricity"]),
    st.sampled_from(["binh-duong", "Bình Dương", "suzhou", ""]),
    st.sampled_from(["", "a", "b"]),
)


def plain(path, engine="neutralcore"):
    """The fast reader's inventory of *path* (``None`` if it steps aside), the header read once."""
    file = open_csv(path, required=REQUIRED)
    return Inventory._read_plain(file, [h for h in file.header if h not in RESERVED_COLUMNS], False, engine)


def read_both(path):
    """(fast-path result or error, row-by-row result or error)."""
    def run():
        try:
            return Inventory.read_csv(path, engine="neutralcore")
        except nc.NeutralcoreError as exc:
            return exc
    fast = run()
    with pytest.MonkeyPatch.context() as m:
        m.setattr(Inventory, "_read_plain", classmethod(lambda cls, *a: None))
        slow = run()
    return fast, slow


def same(a, b) -> None:
    if isinstance(a, Exception) or isinstance(b, Exception):
        assert type(a) is type(b) and str(a) == str(b)
        return
    assert len(a) == len(b)
    np.testing.assert_array_equal(a.quantity, b.quantity)
    np.testing.assert_array_equal(a.year, b.year)
    for name in ("activity", "unit", "region", "scope", "category", "site"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.values() == y.values(), name
    assert set(a.dims) == set(b.dims) and all(a.dims[d].values() == b.dims[d].values() for d in a.dims)
    np.testing.assert_array_equal(a.provenance.line, b.provenance.line)


@settings(max_examples=80, deadline=None)
@given(rows=st.lists(row, min_size=1, max_size=30))
def test_fast_path_reads_what_the_csv_module_reads(rows, tmp_path_factory):
    path = tmp_path_factory.mktemp("csv") / "inv.csv"
    path.write_text(HEADER + "\n" + "\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    fast, slow = read_both(path)
    same(fast, slow)


def test_plain_decimals_are_parsed_exactly():
    """Each value equals float() of its text, to the bit."""
    texts = ["0", "1", "4200", "15000.5", ".5", "7.", "0.1", "0.3", "123456.789", "9007199254740991",
             "2.675", "1.000000000000002", "9999999999999.99"]
    body = "".join(f"x,{t}\n" for t in texts).encode()
    out = read_plain(body, ["activity", "quantity"])
    assert out is not None
    assert out["quantity"].tolist() == [float(t) for t in texts]
    assert out["activity"][1] == ("x",) and out["activity"][0].tolist() == [0] * len(texts)


def test_long_decimals_and_exponents_are_parsed_exactly_on_the_fast_path():
    """17 significant digits (what repr and to_csv write), more digits than 2**53 and exponents: float() of the
    text, to the bit, without leaving the fast path."""
    texts = ["0.30000000000000004", "9007199254740993", "1e3", "2.5E-7", "1.7976931348623157e+308",
             "123456789012345678", "5e-324", "0.1", "-0"]
    body = "".join(f"x,{t}\n" for t in texts).encode()
    out = read_plain(body, ["activity", "quantity"])
    assert out is not None
    assert [v.hex() for v in out["quantity"].tolist()] == [float(t).hex() for t in texts]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=0, allow_nan=False, allow_infinity=False), min_size=1, max_size=40))
def test_every_float_repr_writes_is_read_back_exactly(values):
    body = "".join(f"x,{v!r}\n" for v in values).encode()
    out = read_plain(body, ["activity", "quantity"])
    assert out is not None
    assert out["quantity"].tolist() == values


def test_a_file_written_by_to_csv_is_read_back_the_fast_way(tmp_path):
    """Issue 15: a round trip through to_csv stays on the fast path and gives the same quantities."""
    quantities = [0.1 + 0.2, 1 / 3, 2 / 7 * 1e6, 1e-5, 12.0]
    inv = Inventory.from_columns(activity=["electricity.grid"] * 5, quantity=quantities, unit=["MWh"] * 5,
                                 region=["VN"] * 5, year=[2023] * 5, scope=[2] * 5)
    path = tmp_path / "out.csv"
    inv.to_csv(path)
    assert plain(path) is not None
    assert Inventory.read_csv(path).quantity.tolist() == quantities


@pytest.mark.parametrize("body", [
    b'a,"1"\n',            # quotes
    b"a,1\rb,2\r\n",       # a carriage return alone
    b"a,1\n\nb,2\n",       # a blank row
    b"a,1\nb\n",           # a short row
    b"a,1_000\n",          # what float() reads but no CSV writer writes
    b"a,nan\n",            # letters
    b"a,1 \n",             # a space
    b"a,\n",               # an empty quantity
    b"a,1\n" + b"x" * 65 + b",2\n",  # a label longer than MAX_LABEL
    b"\xff,1\n",           # not UTF-8
])
def test_anything_unusual_goes_the_row_by_row_way(body):
    assert read_plain(body, ["activity", "quantity"]) is None


def test_the_bundled_example_is_read_the_fast_way(monkeypatch):
    """factory.csv is plain: the fast path reads it, to the same inventory (total 4,936.358 t CO2e)."""
    from pathlib import Path

    from neutralcore._core.csvrows import CsvFile

    path = Path(__file__).resolve().parent.parent / "examples" / "factory.csv"
    monkeypatch.setattr(CsvFile, "columns", lambda self: pytest.fail("read by the csv module"))
    for source in (path, path.read_bytes()):  # a path is read in pieces from disk, bytes in pieces of the bytes
        inv = Inventory.read_csv(source, engine="neutralcore")
        assert inv.emissions("vietnam,china,ipcc").total() == pytest.approx(4936.358, abs=5e-4)


valid_row = st.tuples(
    st.sampled_from([("electricity.grid", "MWh"), ("electricity.grid", "kWh"), ("fuel.diesel.stationary", "L")]),
    st.one_of(st.integers(0, 10**12).map(str), st.floats(0, 1e9, allow_nan=False).map(lambda x: f"{x:.4f}")),
    st.sampled_from(["VN", "vn", "CN-JS"]),
    st.sampled_from(["2022", "2023"]),
    st.sampled_from(["1", "2", "3"]),
    st.sampled_from(["", "boilers"]),
    st.sampled_from(["binh-duong", "Bình Dương", ""]),
    st.sampled_from(["", "a", "b"]),
)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(valid_row, min_size=1, max_size=40))
def test_valid_plain_files_take_the_fast_path_and_agree(rows, tmp_path_factory):
    path = tmp_path_factory.mktemp("csv") / "inv.csv"
    lines = [",".join((act, q, unit, *rest)) for (act, unit), q, *rest in rows]
    path.write_text(HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    raw = path.read_bytes()
    assert plain(path) is not None
    fast, slow = read_both(path)
    assert not isinstance(fast, Exception)
    same(fast, slow)
    assert fast.emissions("vietnam,china,ipcc").total() == slow.emissions("vietnam,china,ipcc").total()


def test_a_large_file_sorted_by_site_is_read_by_both_readers(tmp_path):
    """100,000 sites x 5 rows, sorted by site (as a machine writes it): the last hashing round used to leave
    rows of one label in groups of their own, and the fast reader refused the file ("categories of a (codes,
    categories) pair must be distinct"); both readers now give the same 500,000-row inventory."""
    path = tmp_path / "sorted.csv"
    body = "".join(f"electricity.grid,{j + 1},MWh,VN,2023,2,site-{i}\n" for i in range(100_000) for j in range(5))
    path.write_text("activity,quantity,unit,region,year,scope,site\n" + body, encoding="utf-8")
    assert plain(path) is not None
    fast, slow = read_both(path)
    assert not isinstance(fast, Exception)
    same(fast, slow)
    assert len(fast.site.categories) == 100_000 and fast.site.categories[:2] == ("site-0", "site-1")
    assert float(fast.quantity.sum()) == 100_000 * 15.0


@settings(max_examples=40, deadline=None)
@given(n_labels=st.integers(1, 60), repeat=st.integers(1, 6), shuffled=st.booleans(), seed=st.integers(0, 2**16))
def test_sorted_high_cardinality_files_agree_when_every_key_collides(n_labels, repeat, shuffled, seed,
                                                                     tmp_path_factory):
    """With every hashing multiplier 0 all labels share one slot, so nearly every row reaches the last grouping
    step: the fast reader still reads what the csv module reads, sorted by site or not."""
    import neutralcore._core.identity as identity

    rows = [f"fuel.diesel.stationary,{j}.5,L,VN,2022,1,s{i}" for i in range(n_labels) for j in range(repeat)]
    if shuffled:
        rows = [rows[i] for i in np.random.default_rng(seed).permutation(len(rows)).tolist()]
    path = tmp_path_factory.mktemp("csv") / "inv.csv"
    path.write_text("activity,quantity,unit,region,year,scope,site\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as m:
        m.setattr(identity, "_MULTIPLIERS", (0, 0, 0))
        m.setattr(identity, "_MAX_SHARE", 1.0)
        assert plain(path) is not None
        fast, slow = read_both(path)
    assert not isinstance(fast, Exception)
    same(fast, slow)
    assert len(fast.site.categories) == n_labels


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(row, min_size=1, max_size=40), chunk=st.integers(min_value=1, max_value=200))
def test_reading_in_pieces_gives_what_one_pass_gives(rows, chunk):
    """The body read in pieces of any size (cut at line ends) gives the same columns, labels in the same order."""
    from neutralcore._core.csvsplit import read_plain_chunked

    body = ("\n".join(",".join(r) for r in rows) + "\n").encode()
    header = HEADER.split(",")
    whole = read_plain(body, header)
    pieces = read_plain_chunked(body, header, chunk_bytes=chunk)
    if whole is None:
        return  # not plain as a whole; a piece may still be, and the caller then reads it the csv-module way
    assert pieces is not None
    for name in header:
        if name == "quantity":
            assert pieces[name].tolist() == whole[name].tolist()
        else:
            assert pieces[name][1] == whole[name][1]
            assert pieces[name][0].tolist() == whole[name][0].tolist()
