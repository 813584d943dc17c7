"""Issue 15: ``Inventory.read_csv(engine=...)``: pyarrow's and polars' tokenizers give neutralcore's inventory.

Every engine must give the same inventory (quantities to the bit, the same labels in the same order, the same
lines) and the same error (type and message: file, line, column) on the same bytes; an engine asked for and not
installed raises ``MissingDependencyError`` naming its extra.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neutralcore as nc
from neutralcore.measure import readers
from neutralcore.measure.inventory import Inventory

pytest.importorskip("pyarrow")
pytest.importorskip("polars")

#: neutralcore's own reader both ways: numpy (``read_plain_pieces``) and, with numba, the compiled reader
#: (:mod:`neutralcore.measure._fastcsv`, forced for files of every size): every test runs under each.
KERNELS = ["numpy"] + (["numba"] if importlib.util.find_spec("numba") else [])


@pytest.fixture(autouse=True, scope="module", params=KERNELS)
def own_reader(request):
    """Every test of the module once per kernel (module-scoped, so Hypothesis's examples share it)."""
    before = os.environ.get("NEUTRALCORE_KERNEL")
    os.environ["NEUTRALCORE_KERNEL"] = request.param
    yield request.param
    if before is None:
        del os.environ["NEUTRALCORE_KERNEL"]
    else:
        os.environ["NEUTRALCORE_KERNEL"] = before

ENGINES = ("neutralcore", "pyarrow", "polars")
HEADER = "activity,quantity,unit,region,year,scope,category,site,bu"


def read(data: bytes | Path, engine: str):
    try:
        return Inventory.read_csv(data, engine=engine)
    except nc.NeutralcoreError as exc:
        return exc


def assert_same(a, b) -> None:
    """The same inventory (every column, label order and line) or the same error (type, message, lines)."""
    if isinstance(a, Exception) or isinstance(b, Exception):
        assert type(a) is type(b), (a, b)
        assert str(a) == str(b)
        assert getattr(a, "line", None) == getattr(b, "line", None)
        assert getattr(a, "column", None) == getattr(b, "column", None)
        return
    assert len(a) == len(b)
    assert a.quantity.tobytes() == b.quantity.tobytes()
    np.testing.assert_array_equal(a.year, b.year)
    assert a.year.dtype == b.year.dtype == np.int32
    for name in ("activity", "unit", "region", "scope", "category", "site"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.categories == y.categories, name
        np.testing.assert_array_equal(x.codes, y.codes)
    assert list(a.dims) == list(b.dims)
    for d in a.dims:
        assert a.dims[d].categories == b.dims[d].categories
        np.testing.assert_array_equal(a.dims[d].codes, b.dims[d].codes)
    np.testing.assert_array_equal(a.provenance.line, b.provenance.line)


def all_engines(data: bytes):
    """Every engine on *data* as bytes and as a file on disk (which pyarrow and polars read themselves)."""
    results = [read(data, e) for e in ENGINES]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "inv.csv"
        path.write_bytes(data)
        on_disk = [read(path, e) for e in ENGINES]
    for other in results[1:]:
        assert_same(results[0], other)
    for a, b in zip(results, on_disk):
        if isinstance(a, Exception):
            assert type(a) is type(b) and str(a).replace("<bytes>", str(path)) == str(b), (a, b)
        else:
            assert_same(a, b)
    return results[0]


decimal = st.one_of(
    st.floats(0, 1e12, allow_nan=False).map(repr),                       # what to_csv writes: up to 17 digits
    st.floats(0, 1e300, allow_nan=False).map(lambda x: f"{x:.16e}"),     # 17 significant digits, exponent
    st.floats(0, 1e-300, allow_nan=False).map(lambda x: f"{x:.16E}"),    # tiny, subnormal, capital E
    st.integers(0, 10**20).map(str),                                     # past 2**53
    st.integers(0, 10**7).map(lambda i: f"{i / 100:.2f}"),               # hand-typed short decimals
    st.decimals(0, 10**9, allow_nan=False, allow_infinity=False, places=6).map(str),
    st.sampled_from([".5", "7.", "007.250", "+4", "1e3", "5.e3", "0.1234567890123456789", "-0", "1E+2"]),
)
label = st.text(st.characters(codec="utf-8", exclude_characters='",\r\n'), max_size=12)
row = st.tuples(
    st.sampled_from(["electricity.grid", "fuel.diesel.stationary", "fuel.lpg.stationary"]),
    decimal,
    st.sampled_from(["MWh", "kWh", "L", "kg", "t", "GJ"]),
    st.sampled_from(["VN", "vn", "CN-JS", "TH"]),
    st.sampled_from(["2022", "2023", "2023.0", "02024"]),
    st.sampled_from(["1", "2", "3", "2.0"]),
    label,
    label,
    st.sampled_from(["", "a", "b", "'=x", "=1+2"]),
)


@settings(max_examples=50, deadline=None)
@given(rows=st.lists(row, min_size=1, max_size=40), crlf=st.booleans())
def test_every_engine_gives_the_same_inventory(rows, crlf):
    end = "\r\n" if crlf else "\n"
    data = (HEADER + end + end.join(",".join(r) for r in rows) + end).encode()
    inv = all_engines(data)
    if not isinstance(inv, Exception):
        assert inv.provenance.line.tolist() == list(range(2, len(rows) + 2))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(min_value=0, allow_nan=False, allow_infinity=False), min_size=1, max_size=50),
       st.sampled_from(["repr", "e", "E", "g17"]))
def test_every_engine_parses_decimals_correctly_rounded(values, form):
    """17-digit and exponent forms: each engine's float64 is float() of the text, to the bit."""
    fmt = {"repr": repr, "e": lambda v: f"{v:.16e}", "E": lambda v: f"{v:.16E}", "g17": lambda v: f"{v:.17g}"}[form]
    texts = [fmt(v) for v in values]
    data = ("activity,quantity,unit,region,year,scope\n"
            + "".join(f"electricity.grid,{t},MWh,VN,2023,2\n" for t in texts)).encode()
    want = [float(t).hex() for t in texts]
    for engine in ENGINES:
        got = Inventory.read_csv(data, engine=engine).quantity.tolist()
        assert [v.hex() for v in got] == [w if w != "-0x0.0p+0" else "0x0.0p+0" for w in want], engine


def test_hard_decimals_are_exact_in_every_engine():
    """Halfway cases and the extremes: 2**53 + 1, the largest and smallest doubles, a 2.675 that is not 2.675."""
    texts = ["9007199254740993", "1.7976931348623157e+308", "2.2250738585072014e-308", "5e-324", "4.9406564584124654e-324",
             "2.675", "0.30000000000000004", "1.00000000000000011102230246251565404236316680908203125",
             "123456789012345678901234567890", "0.1"]
    data = ("activity,quantity,unit,region,year,scope\n"
            + "".join(f"electricity.grid,{t},MWh,VN,2023,2\n" for t in texts)).encode()
    for engine in ENGINES:
        got = Inventory.read_csv(data, engine=engine).quantity.tolist()
        assert [v.hex() for v in got] == [float(t).hex() for t in texts], engine


BAD = [
    b"electricity.grid,-5,MWh,VN,2023,2\n",                         # negative quantity: the line named
    b"electricity.grid,abc,MWh,VN,2023,2\n",                        # not a number
    b"electricity.grid,1_000,MWh,VN,2023,2\n",                      # float() reads it, no CSV writer writes it
    b"electricity.grid,nan,MWh,VN,2023,2\n",                        # NaN
    b"electricity.grid,1e400,MWh,VN,2023,2\n",                      # overflows to infinity
    b"electricity.grid,,MWh,VN,2023,2\n",                           # empty quantity
    b"electricity.grid,1,MWh,VN,2023\n",                            # a short row
    b"electricity.grid,1,MWh,VN,2023,2,x\n",                        # a long row
    b"electricity.grid,1,MWh,VN,1799,2\n",                          # year out of range
    b"electricity.grid,1,MWh,VN,20x3,2\n",                          # year not a number
    b"electricity.grid,1,MWh,VN,2023,4\n",                          # no scope 4
    b"electricity.grid,1,furlongs,VN,2023,2\n",                     # unknown unit
    b"Electricity Grid,1,MWh,VN,2023,2\n",                          # a bad activity key
    b"electricity.grid,1,MWh,VN,2023,2\n\n",                        # a blank line at the end (skipped)
    b"electricity.grid,1,MWh,VN,2023,2\n,,,,,\n",                   # a line of commas (skipped)
    b"electricity.grid,1,MWh,VN,2023,2\r",                          # a lone carriage return
    b"electricity.grid,1,MWh,VN,2023,2\rx",                         # ... inside a label
    b'electricity.grid,1,MWh,"VN",2023,2\n',                        # quoted: neutralcore's reader
    b'electricity.grid,1,MWh,"V"N,2023,2\n',                        # malformed quoting: the csv module's error
    b"electricity.grid,1,MWh,\xff,2023,2\n",                        # not UTF-8
    b"electricity.grid,1,MWh,VN,2023,2",                            # no final line end
]


@pytest.mark.parametrize("bad", BAD)
def test_every_engine_gives_the_same_error_or_inventory(bad):
    """Many good lines, then the odd one: the same inventory or the same error (file, line, column) everywhere."""
    good = b"fuel.diesel.stationary,2.5,L,VN,2023,1\n" * 50
    data = b"activity,quantity,unit,region,year,scope\n" + good + bad + good[: len(good) // 2]
    all_engines(data)


def test_an_error_names_the_line_in_every_engine():
    data = (b"activity,quantity,unit,region,year,scope\n" + b"electricity.grid,1,MWh,VN,2023,2\n" * 1000
            + b"electricity.grid,-3,MWh,VN,2023,2\n")
    for engine in ENGINES:
        with pytest.raises(nc.InvalidQuantityError) as info:
            Inventory.read_csv(data, engine=engine)
        assert info.value.rows == [1002] and "line 1002" in str(info.value), engine


def test_a_file_written_by_to_csv_reads_the_same_in_every_engine(tmp_path):
    rng = np.random.default_rng(5)
    n = 3000
    inv = Inventory.from_columns(
        activity=["electricity.grid"] * n, quantity=rng.uniform(0, 1e6, n),
        unit=(rng.integers(0, 2, n), ("MWh", "kWh")), region=(rng.integers(0, 2, n), ("VN", "CN-JS")),
        year=(2022 + rng.integers(0, 2, n)).astype(np.int32), scope=[2] * n,
        site=(rng.integers(0, 40, n), tuple(f"=site {i}" for i in range(40))))
    path = tmp_path / "inv.csv"
    inv.to_csv(path)
    data = path.read_bytes()
    assert b"\r\n" in data and b"'=site" in data
    again = all_engines(data)
    assert again.quantity.tobytes() == inv.quantity.tobytes() and again.site.values() == inv.site.values()
    fs = "vietnam,china,ipcc"
    totals = {e: Inventory.read_csv(path, engine=e).emissions(fs).total() for e in ENGINES}
    assert len(set(totals.values())) == 1, totals  # the same inventory: the same float, not merely close
    assert totals["pyarrow"] == pytest.approx(inv.emissions(fs).total(), rel=1e-12)  # labels in another order


@pytest.mark.parametrize("kernel", ["numpy"] + (["numba"] if importlib.util.find_spec("numba") else []))
def test_engines_read_pieces_and_keep_labels_in_order_of_first_appearance(monkeypatch, kernel):
    """pyarrow in blocks of 256 bytes (many pieces, each with its own dictionary): the pieces' labels merged;
    polars' labels numbered by first appearance by its unique() (numpy) or by one compiled pass (numba)."""
    monkeypatch.setenv("NEUTRALCORE_KERNEL", kernel)
    monkeypatch.setattr(readers, "_ARROW_BLOCK", 256)
    rows = [f"electricity.grid,{i}.25,MWh,R{i % 13},{2020 + i % 3},2,c{(i * 7) % 31},s{i % 101}" for i in range(2000)]
    data = ("activity,quantity,unit,region,year,scope,category,site\n" + "\n".join(rows) + "\n").encode()
    inv = all_engines(data)
    assert inv.site.categories[:3] == ("s0", "s1", "s2") and len(inv.site.categories) == 101


@pytest.mark.parametrize("long_file", [False, True])
def test_a_long_file_is_read_in_longer_blocks(monkeypatch, long_file):
    """pyarrow's blocks double from _ARROW_LONG_FILE bytes of file; the inventory is the same either way."""
    seen = []
    real = readers._arrow_block
    monkeypatch.setattr(readers, "_ARROW_BLOCK", 256)
    monkeypatch.setattr(readers, "_ARROW_LONG_FILE", 1000 if long_file else 10**9)
    monkeypatch.setattr(readers, "_arrow_block", lambda size: seen.append(real(size)) or seen[-1])
    rows = [f"electricity.grid,{i}.25,MWh,R{i % 13},{2020 + i % 3},2,c{(i * 7) % 31},s{i % 101}" for i in range(2000)]
    data = ("activity,quantity,unit,region,year,scope,category,site\n" + "\n".join(rows) + "\n").encode()
    inv = all_engines(data)
    assert seen == [512 if long_file else 256] * 2  # the bytes, then the file on disk
    assert inv.site.categories[:3] == ("s0", "s1", "s2") and len(inv.site.categories) == 101


def test_auto_picks_an_engine_by_size(monkeypatch, own_reader):
    """From 1 MiB: neutralcore's compiled reader with numba, else pyarrow, else polars."""
    compiled = own_reader == "numba"
    assert readers.resolve_engine("auto", readers.AUTO_MIN_BYTES - 1) == "neutralcore"
    assert readers.resolve_engine("auto", readers.AUTO_MIN_BYTES) == ("neutralcore" if compiled else "pyarrow")
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    assert readers.resolve_engine("auto", readers.AUTO_MIN_BYTES) == ("neutralcore" if compiled else "polars")
    monkeypatch.setitem(sys.modules, "polars", None)
    assert readers.resolve_engine("auto", readers.AUTO_MIN_BYTES) == "neutralcore"


@pytest.mark.parametrize(("engine", "module", "extra"), [("pyarrow", "pyarrow", "arrow"), ("polars", "polars", "polars")])
def test_an_engine_not_installed_names_its_extra(engine, module, extra, monkeypatch):
    monkeypatch.setitem(sys.modules, module, None)
    data = b"activity,quantity,unit,region,year,scope\nelectricity.grid,1,MWh,VN,2023,2\n"
    with pytest.raises(nc.MissingDependencyError) as info:
        Inventory.read_csv(data, engine=engine)
    assert info.value.extra == extra and f"pip install 'neutralcore[{extra}]'" in str(info.value)
    assert len(Inventory.read_csv(data)) == 1  # auto: neutralcore's own reader


def test_an_unknown_engine_is_an_input_error():
    with pytest.raises(nc.InputError, match="engine must be one of 'auto', 'neutralcore', 'pyarrow', 'polars'"):
        Inventory.read_csv(b"activity,quantity,unit,region,year,scope\n", engine="pandas")  # type: ignore[arg-type]


def test_engine_columns_are_taken_without_a_copy():
    """One piece: the codes and quantities the engine made are the inventory's, read-only, not copied."""
    rows = "".join(f"electricity.grid,{i}.5,MWh,VN,2023,2,s{i % 5}\n" for i in range(100))
    data = ("activity,quantity,unit,region,year,scope,site\n" + rows).encode()
    body = data.index(b"\n") + 1
    header = data[: body - 1].decode().split(",")
    for engine in ("pyarrow", "polars"):
        cols = readers.engine_columns(data, body, header, engine)
        assert cols is not None
        assert not cols["quantity"].flags.writeable and not cols["site"][0].flags.writeable
        inv = Inventory._build({k: cols.get(k) for k in ("activity", "quantity", "unit", "region", "year", "scope",
                                                          "category", "site")}, {}, labels=None, source=None)
        assert np.shares_memory(inv.quantity, cols["quantity"]), engine
        assert np.shares_memory(inv.site.codes, cols["site"][0]), engine


def test_a_bar_follows_every_engine(tmp_path, capsys):
    pytest.importorskip("tqdm")
    path = tmp_path / "inv.csv"
    path.write_bytes(b"activity,quantity,unit,region,year,scope\n" + b"electricity.grid,1,MWh,VN,2023,2\n" * 200)
    body = path.stat().st_size - len("activity,quantity,unit,region,year,scope\n")
    for engine in ENGINES:
        assert len(Inventory.read_csv(path, engine=engine, progress=True)) == 200
        err = capsys.readouterr().err
        assert "reading inv.csv (bytes)" in err and f"/{body}" in err, engine


@pytest.mark.parametrize("engine", ["pyarrow", "polars", "neutralcore"])
def test_an_engine_reads_a_file_on_disk_itself(engine, tmp_path, monkeypatch):
    """Given a path, pyarrow or polars reads the file, and neutralcore's engine reads it in pieces: the file's
    bytes are never held whole (``open_csv`` sees only the header line), so peak memory holds the columns and
    one piece; the inventory is the one neutralcore's reader gives from the bytes."""
    from neutralcore.measure import inventory as module

    opened = []
    real = module.open_csv
    monkeypatch.setattr(module, "open_csv", lambda source, **kw: opened.append(source) or real(source, **kw))
    path = tmp_path / "inv.csv"
    path.write_bytes(b"activity,quantity,unit,region,year,scope\r\n" + b"electricity.grid,0.1,MWh,VN,2023,2\r\n" * 500)
    inv = Inventory.read_csv(path, engine=engine)
    assert opened == [b"activity,quantity,unit,region,year,scope\r\n"]
    assert_same(inv, Inventory.read_csv(path.read_bytes(), engine="neutralcore"))
    assert inv.provenance.describe([0]) == f"line 2 of {path}"
