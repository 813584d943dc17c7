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

from test_csv_engines import ENGINES, all_engines, assert_same, own_reader  # noqa: E402,F401

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


#: 18-digit decimals next to a midpoint between two doubles, where dividing in long double and then rounding
#: to double rounds twice and is wrong (found by search): the parser must see the midpoint and cast exactly.
DOUBLE_ROUNDING = ["623693.104413423629", "481963.565225335391", "962444.418905568833", "668919.220653947501"]


def _parse(texts):
    from neutralcore._core.csvsplit import _decimals

    body = ",".join(texts).encode()
    buf = np.frombuffer(body, dtype=np.uint8)
    ends = np.flatnonzero(buf == 44).tolist() + [len(body)]
    starts = [0] + [e + 1 for e in ends[:-1]]
    return _decimals(buf, np.array(starts), np.array(ends) - np.array(starts))


def _hex(values):
    return [float(v).hex() for v in values]


@pytest.mark.parametrize("long_double", [True, False])
def test_decimals_next_to_a_midpoint_are_exact(long_double, monkeypatch):
    from neutralcore._core import csvsplit

    if not long_double:  # what a machine without x87 long double runs (Windows, ARM)
        monkeypatch.setattr(csvsplit, "_POW10_LONG", None)
    naive = [float(np.longdouble(int(t.replace(".", ""))) / np.longdouble(10 ** len(t.split(".")[1])))
             for t in DOUBLE_ROUNDING]
    if csvsplit._LONG:
        assert naive != [float(t) for t in DOUBLE_ROUNDING]  # the cases are real on this machine
    assert _hex(_parse(DOUBLE_ROUNDING)) == _hex(map(float, DOUBLE_ROUNDING))
    data = b"activity,quantity,unit,region,year,scope\n" + b"".join(
        b"electricity.grid,%s,MWh,VN,2023,2\n" % t.encode() for t in DOUBLE_ROUNDING)
    for engine in ENGINES:
        assert _hex(Inventory.read_csv(data, engine=engine).quantity.tolist()) == _hex(map(float, DOUBLE_ROUNDING))


def _near_midpoint(value: float, digits: int) -> str:
    """The decimal of *digits* significant digits nearest the midpoint above *value* (a hard case)."""
    import decimal

    with decimal.localcontext() as ctx:
        ctx.prec = 60
        mid = (decimal.Decimal(value) + decimal.Decimal(float(np.nextafter(value, np.inf)))) / 2
        return f"{mid:.{digits}g}"


plain_decimal = st.one_of(
    st.floats(1e-4, 1e15).map(repr),                                                # what to_csv writes
    st.tuples(st.floats(1e-3, 1e12), st.sampled_from([15, 16, 17, 18])).map(lambda a: _near_midpoint(*a)),
    st.tuples(st.integers(0, 10**9), st.integers(0, 10**9), st.integers(1, 9)).map(
        lambda a: f"{a[0]}.{a[1] % 10 ** a[2]:0{a[2]}d}"),                            # up to 18 digits
    st.integers(0, 10**18 - 1).map(str),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(plain_decimal.filter(lambda t: "e" not in t), min_size=1, max_size=60))
def test_plain_decimals_up_to_18_digits_are_float_of_their_text(texts):
    assert _hex(_parse(texts)) == _hex(map(float, texts))


def test_without_pyarrow_and_polars_auto_reads_with_numpy_to_the_same_inventory(tmp_path):
    """The numpy-only path: a 1.3 MiB file (past the size where auto picks pyarrow) read in a process where
    pyarrow and polars cannot be imported gives the inventory pyarrow gives here; asking for pyarrow there
    names the extra."""
    import hashlib
    import os
    import subprocess
    import sys

    rng = np.random.default_rng(9)
    n = 30_000
    rows = [f"electricity.grid,{q!r},MWh,VN,2023,2,s{s}\n" for q, s in zip(rng.uniform(0, 1e4, n).tolist(),
                                                                          rng.integers(0, 500, n).tolist())]
    path = tmp_path / "inv.csv"
    path.write_bytes(HEAD + "".join(rows).encode())
    assert path.stat().st_size > readers.AUTO_MIN_BYTES

    def digest(inv):
        parts = [inv.quantity.tobytes(), inv.site.codes.astype(np.int64).tobytes(), "|".join(inv.site.categories).encode(),
                 inv.provenance.line.tobytes()]
        return hashlib.sha256(b"".join(parts)).hexdigest()

    child = f"""
import sys, hashlib
for name in ("pyarrow", "polars"):
    sys.modules[name] = None
import numpy as np
import neutralcore as nc
from neutralcore.measure.inventory import Inventory
inv = Inventory.read_csv({str(path)!r})
parts = [inv.quantity.tobytes(), inv.site.codes.astype(np.int64).tobytes(), "|".join(inv.site.categories).encode(),
         inv.provenance.line.tobytes()]
print(hashlib.sha256(b"".join(parts)).hexdigest())
try:
    Inventory.read_csv({str(path)!r}, engine="pyarrow")
except nc.MissingDependencyError as exc:
    print(exc.extra)
assert "pyarrow" not in sys.modules or sys.modules["pyarrow"] is None
"""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(__file__).resolve().parent.parent / "src"),
                                                        os.environ.get("PYTHONPATH", "")]))
    out = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, env=env, check=True)
    got, extra = out.stdout.split()
    assert extra == "arrow"
    assert got == digest(Inventory.read_csv(path, engine="pyarrow")) == digest(Inventory.read_csv(path))


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("kind", ["to_csv", "typed"])
def test_both_kinds_of_file_stay_on_the_fast_path(engine, kind, tmp_path, monkeypatch):
    """A file written by to_csv (CRLF, 17 digits) and a hand-typed one (LF, cents) are both split by the engine
    asked for: neither is given to the csv module's reader, and both give the inventory they were written from."""
    from neutralcore._core.csvrows import CsvFile

    rng = np.random.default_rng(2)
    n = 2_000
    q = rng.uniform(0, 1e4, n)
    if kind == "typed":
        q = np.round(q, 2)
    inv = Inventory.from_columns(activity="electricity.grid", quantity=q, unit="MWh", region="VN", year=2023,
                                 scope=2, site=(rng.integers(0, 30, n), tuple(f"s{i}" for i in range(30))))
    path = tmp_path / "inv.csv"
    if kind == "to_csv":
        inv.to_csv(path)
    else:
        sites = inv.site.values()
        path.write_text("activity,quantity,unit,region,year,scope,site\n" + "".join(
            f"electricity.grid,{v:.2f},MWh,VN,2023,2,{s}\n" for v, s in zip(q.tolist(), sites)), encoding="utf-8")
    monkeypatch.setattr(CsvFile, "columns", lambda self: pytest.fail("given to the csv module's reader"))
    again = Inventory.read_csv(path, engine=engine)
    assert again.quantity.tobytes() == inv.quantity.tobytes() and again.site.values() == inv.site.values()


def test_polars_reads_empty_labels_itself_and_refuses_short_rows():
    """polars reads an empty Categorical field as null (as it pads a short row): an empty category, as to_csv
    writes it, is read by polars as the empty label (it used to fall back to neutralcore's reader), while a short
    row, or an empty last field that could be one, is still left to neutralcore's reader."""
    header = ["activity", "quantity", "unit", "region", "year", "scope", "category", "site"]
    head = (",".join(header) + "\r\n").encode()
    rows = b"".join(b"electricity.grid,%d.5,MWh,VN,2023,2,%s,s%d\r\n" % (i, b"" if i % 2 else b"c", i % 3)
                    for i in range(50))
    cols = readers.engine_columns(head + rows, len(head), header, "polars")
    assert cols is not None
    codes, labels = cols["category"]
    assert [labels[c] for c in codes.tolist()] == ["" if i % 2 else "c" for i in range(50)]
    assert_same(Inventory.read_csv(head + rows, engine="polars"), Inventory.read_csv(head + rows, engine="neutralcore"))
    short = head + rows + b"electricity.grid,1,MWh,VN,2023,2,c\r\n"
    assert readers.engine_columns(short, len(head), header, "polars") is None
    empty_last = head + rows + b"electricity.grid,1,MWh,VN,2023,2,c,\r\n"
    assert readers.engine_columns(empty_last, len(head), header, "polars") is None
    all_engines(short)
    all_engines(empty_last)
