"""Long Python string lists are coded the same by every route: the compiled CSV split (numba), polars, pyarrow,
object identity, the dict path.

Each route gives the dict path's codes (int32, in order of first appearance) and labels (the first object of
each value), so an Inventory built from the same lists is identical whichever libraries are installed,
including with polars and pyarrow hidden from a child interpreter as ``tests/test_numpy_only.py`` hides them.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neutralcore as nc
from neutralcore._core import textcodes
from neutralcore._core.categorical import _FirstSeen, factorize, own_text
from neutralcore._core.identity import MIN_ROWS
from neutralcore.errors import InputError, NeutralcoreError

try:
    from neutralcore.measure import _fastcsv
except ImportError:  # no numba: the compiled route is not there to test
    _fastcsv = None  # type: ignore[assignment]

ROOT = Path(__file__).resolve().parents[1]
N = MIN_ROWS + 1_234
ROUTES = [("polars",), ("pyarrow",), ()]  # () : neither library, the dict path


def by_dict(values: list) -> tuple[list, list]:
    seen = _FirstSeen()
    return [seen[v] for v in values], list(seen)


def own_objects(pool: list, pick: np.ndarray) -> list:
    """One new object per row (text parsed row by row), None kept as None."""
    return [None if pool[i] is None else "".join(tuple(pool[i])) for i in pick.tolist()]


text = st.text(alphabet=st.sampled_from("aZ é中\u00a0\t-.ü€"), max_size=5)


@settings(max_examples=30, deadline=None)
@given(pool=st.lists(st.one_of(text, st.none()), min_size=1, max_size=30), seed=st.integers(0, 2**32 - 1),
       late=st.integers(0, 3), prefix=st.sampled_from([1, 7, 1 << 16]))
def test_every_route_gives_the_dict_paths_codes_and_labels(pool, seed, late, prefix):
    """Labels drawn at random, duplicates, empty strings, non-ASCII and None; *late* rows near the end take
    labels that the first rows lack (coded after the others, in order of first appearance)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(textcodes, "_PREFIX", prefix)
        check_routes(pool, seed, late)


def check_routes(pool: list, seed: int, late: int) -> None:
    rng = np.random.default_rng(seed)
    head = max(1, len(pool) // 2)
    pick = rng.integers(0, head, 2_000)
    if late:
        pick[-late:] = rng.integers(0, len(pool), late)
    values = own_objects(pool, pick)
    codes, labels = by_dict(values)
    for engines in ROUTES[:2]:
        got = textcodes.text_codes(values, engines)
        if got is None:
            assert engines == ("pyarrow",) and all(v is None for v in values)  # Arrow's null type: the dict path
            continue
        assert got[0].dtype == np.int32
        assert got[0].tolist() == codes and got[1] == labels
        assert all(a is b for a, b in zip(got[1], labels))  # the very objects the dict path keeps


#: Every character the CSV split treats apart (comma, quote, line feed, carriage return), beside plain text.
raw = st.text(alphabet=st.sampled_from("ab é中,\"\n\r\t"), max_size=4)


@pytest.mark.skipif(_fastcsv is None, reason="needs numba (neutralcore[fast])")
@settings(max_examples=60, deadline=None)
@given(pool=st.lists(st.one_of(raw, st.none()), min_size=1, max_size=12), seed=st.integers(0, 2**32 - 1),
       rows=st.sampled_from([1, 5, 3_000]), threads=st.sampled_from([1, 2, 3]))
def test_the_compiled_split_codes_a_list_as_the_dict_path_or_leaves_it(pool, seed, rows, threads):
    """The list joined by line feeds and split by the CSV reader's lanes (in blocks of at least
    ``_TEXT_BLOCK`` bytes, so a long list is split by several lanes): the dict path's codes and labels, or
    ``None`` exactly when a value is not a str, holds a character the split ends a row at or refuses (a
    quote), or is the last and empty (its line would not be there); a comma is text."""
    values = own_objects(pool, np.random.default_rng(seed).integers(0, len(pool), rows))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_fastcsv, "_TEXT_BLOCK", 64)
        got = textcodes.text_codes(values, (), compiled=lambda v: _fastcsv.text_codes(v, threads))
    refused = any(v is None or any(c in v for c in '"\n\r') for v in values) or values[-1] == ""  # a comma is text
    if refused:
        assert got is None
        return
    codes, labels = by_dict(values)
    assert got is not None and got[0].dtype == np.int32
    assert got[0].tolist() == codes and got[1] == labels
    assert all(a is b for a, b in zip(got[1], labels))  # the caller's own objects, not the ones decoded


@pytest.mark.skipif(_fastcsv is None, reason="needs numba (neutralcore[fast])")
@settings(max_examples=25, deadline=None)
@given(pools=st.lists(st.lists(st.one_of(raw, st.none()), min_size=1, max_size=6), min_size=1, max_size=5),
       seed=st.integers(0, 2**32 - 1), threads=st.sampled_from([1, 2, 3]))
def test_lists_coded_together_are_coded_as_each_alone(pools, seed, threads):
    """:func:`text_codes_many` (each list split on a lane of its own while the next is joined, at most
    *threads* at once) gives each list exactly what :func:`text_codes` gives it alone, refusals included."""
    rng = np.random.default_rng(seed)
    lists = [own_objects(pool, rng.integers(0, len(pool), int(rng.integers(1, 3_000)))) for pool in pools]
    together = _fastcsv.text_codes_many(lists, threads)
    for values, got in zip(lists, together):
        alone = _fastcsv.text_codes(values, 1)
        assert (got is None) == (alone is None)
        if got is not None and alone is not None:
            assert got[0].dtype == np.int32 and got[0].tolist() == alone[0].tolist() and got[1] == alone[1]
    coder = _fastcsv.TextCoder(threads)
    coder.prepare(lists)
    for values, got in zip(lists, together):
        again = coder(values)
        assert (again is None) == (got is None)
        if again is not None and got is not None:
            assert again[0].tolist() == got[0].tolist() and again[1] == got[1]
    copy = list(lists[0])  # an equal list that is another object is coded afresh, not taken for the first
    fresh, first = coder(copy), together[0]
    assert (fresh is None) == (first is None) and (fresh is None or fresh[1] == first[1])


@pytest.mark.skipif(_fastcsv is None, reason="needs numba (neutralcore[fast])")
def test_a_failure_in_a_split_thread_is_raised_by_the_caller(monkeypatch):
    """Not a refusal: an error of the split itself (here a MemoryError) reaches the caller, not a thread's
    stderr, and no list is taken for coded."""
    def broken(self, *args):
        raise MemoryError("no room for the codes")

    monkeypatch.setattr(_fastcsv._Lane, "split", broken)
    with pytest.raises(MemoryError, match="no room"):
        _fastcsv.text_codes_many([["a", "b"], ["c", "d"]], threads=2)


@pytest.mark.skipif(_fastcsv is None, reason="needs numba (neutralcore[fast])")
def test_the_lists_of_one_build_are_coded_together(monkeypatch):
    """Every long list of per-row text of a build goes to :func:`text_codes_many` in one call; lists of shared
    objects (coded by identity) are not among them, and the inventory is the one built without the coder."""
    monkeypatch.setenv("NEUTRALCORE_KERNEL", "numba")
    batches = []
    many = _fastcsv.text_codes_many
    monkeypatch.setattr(_fastcsv, "text_codes_many", lambda lists, t: batches.append(len(lists)) or many(lists, t))
    cols = columns(N)
    shared = ["plant", "office"] * (N // 2)
    cols["category"] = shared + ["plant"] * (N - len(shared))
    inv = nc.Inventory.from_columns(**cols)
    # activity, region, site: objects of their own; unit ("L" is one of CPython's one-character singletons),
    # scope ("1", "2") and category hold shared objects, coded by identity
    assert batches == [3]
    assert [own_text(cols[c]) for c in ("activity", "region", "site", "unit", "scope", "category")] == [True] * 3 + [
        False] * 3
    monkeypatch.setenv("NEUTRALCORE_KERNEL", "numpy")  # no compiled coder: polars, pyarrow, identity, dicts
    assert digest(inv) == digest(nc.Inventory.from_columns(**cols))


@pytest.mark.skipif(_fastcsv is None, reason="needs numba (neutralcore[fast])")
def test_the_compiled_split_is_what_a_long_list_is_coded_by_with_numba(monkeypatch):
    monkeypatch.setenv("NEUTRALCORE_KERNEL", "numba")
    calls = []
    split = _fastcsv.text_codes
    monkeypatch.setattr(_fastcsv, "text_codes", lambda *a, **k: calls.append(1) or split(*a, **k))
    monkeypatch.setattr(textcodes.text_codes, "__defaults__", ((), None))  # neither library: only the split
    values = own_objects(["Nhà máy 1, Hà Nội", "kho", "văn phòng"], np.random.default_rng(4).integers(0, 3, N))
    inv = nc.Inventory.from_columns(activity="electricity.grid", unit="kWh", region="VN", quantity=np.ones(N),
                                    year=2024, scope=2, site=values)
    assert calls == [1]
    codes, labels = by_dict(values)
    assert inv.site.codes.tolist() == codes and list(inv.site.categories) == labels


@pytest.mark.parametrize("engines", ROUTES)
def test_factorize_of_a_long_list_is_the_same_by_every_route(engines, monkeypatch):
    monkeypatch.setattr(textcodes.text_codes, "__defaults__", (engines, None))
    pool = ["site-a", "", "ü-site", "中文", None, "s" * 40]
    values = own_objects(pool, np.random.default_rng(5).integers(0, len(pool), N))
    cat = factorize(values)
    codes, labels = by_dict(values)
    assert cat.codes.dtype == np.int32 and cat.codes.tolist() == codes and list(cat.categories) == labels


@pytest.mark.parametrize("odd", [b"bytes", 7, float("nan"), True, "\ud800", np.str_("zz")])
@pytest.mark.parametrize("engines", ROUTES[:2])
def test_a_value_that_is_not_a_plain_str_leaves_the_column_to_the_dict_path(odd, engines):
    values = own_objects(["x", "y"], np.random.default_rng(1).integers(0, 2, 5_000))
    values[2_500] = odd
    assert textcodes.text_codes(values, engines) is None
    cat = factorize(values)
    assert cat.values()[2_500] is odd


def test_a_str_subclass_label_is_left_to_the_dict_path():
    class Label(str):
        pass

    values = own_objects(["x", "y"], np.random.default_rng(2).integers(0, 2, 5_000))
    values[0] = Label("x")
    assert textcodes.text_codes(values, ("polars",)) is None
    assert textcodes.text_codes(values, ("pyarrow",)) is None
    assert type(factorize(values).categories[0]) is Label


def test_first_rows_finds_each_codes_first_row():
    codes = np.array([0, 0, 1, 0, 2, 1, 3, 3], dtype=np.int32)
    assert textcodes._first_rows(codes, 4).tolist() == [0, 2, 4, 6]
    long = np.repeat(np.arange(5, dtype=np.int32), textcodes._CHUNK)  # a new code at each chunk's start
    assert textcodes._first_rows(long, 5).tolist() == [i * textcodes._CHUNK for i in range(5)]


def columns(n: int, seed: int = 11) -> dict:
    rng = np.random.default_rng(seed)
    acts = ["electricity.grid", "fuel.diesel", "fuel.natural_gas"]
    units = {"electricity.grid": "MWh", "fuel.diesel": "L", "fuel.natural_gas": "GJ"}
    a = rng.integers(0, 3, n)
    sites = [f"Nhà máy {i}" for i in range(300)] + [""]
    return {
        "activity": own_objects(acts, a),
        "unit": [("" + units[acts[i]] + ".")[:-1] for i in a.tolist()],
        "region": own_objects(["VN", "VN-SG"], rng.integers(0, 2, n)),
        "site": own_objects(sites + [None], rng.integers(0, len(sites) + 1, n)),
        "category": own_objects(["plant", "office", "ü"], rng.integers(0, 3, n)),
        "quantity": rng.uniform(0, 10, n), "year": 2023, "scope": own_objects(["1", "2"], rng.integers(0, 2, n)),
    }


def digest(inv: nc.Inventory) -> dict:
    return {name: [getattr(inv, name).codes.tolist(), list(getattr(inv, name).categories)]
            for name in ("activity", "unit", "region", "site", "category", "scope")}


def test_inventories_from_long_lists_are_identical_by_every_route(monkeypatch):
    cols = columns(N)
    results = []
    for kernel in ("numpy", "numba") if _fastcsv is not None else ("numpy",):
        monkeypatch.setenv("NEUTRALCORE_KERNEL", kernel)  # numba: the compiled split codes every column it reads
        for engines in ROUTES:
            monkeypatch.setattr(textcodes.text_codes, "__defaults__", (engines, None))
            results.append(digest(nc.Inventory.from_columns(**cols)))
    monkeypatch.delenv("NEUTRALCORE_KERNEL")
    monkeypatch.setenv("NEUTRALCORE_NO_IDENTITY", "1")
    results.append(digest(nc.Inventory.from_columns(**cols)))
    assert all(r == results[0] for r in results[1:])


@pytest.mark.parametrize("engines", ROUTES)
def test_a_missing_activity_among_per_row_strings_names_the_row(engines, monkeypatch):
    monkeypatch.setattr(textcodes.text_codes, "__defaults__", (engines, None))
    cols = columns(N)
    cols["activity"][MIN_ROWS + 7] = None
    with pytest.raises(InputError) as err:
        nc.Inventory.from_columns(**cols)
    assert isinstance(err.value, NeutralcoreError)
    assert err.value.column == "activity" and err.value.rows == [MIN_ROWS + 7]


CHILD = textwrap.dedent('''
    import importlib.abc, json, sys
    HIDDEN = ("polars", "pyarrow", "pandas")

    class Hide(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in HIDDEN:
                raise ModuleNotFoundError(f"No module named {{name!r}} (hidden)", name=name)
            return None

    sys.meta_path.insert(0, Hide())
    for name in HIDDEN:
        sys.modules[name] = None
    sys.path[:0] = [{src!r}, {tests!r}]
    import neutralcore as nc
    from test_textcodes import N, columns, digest
    print(json.dumps(digest(nc.Inventory.from_columns(**columns(N)))))
    assert not any(m.partition(".")[0] in HIDDEN for m, v in sys.modules.items() if v is not None)
''')


def test_the_numpy_path_with_polars_and_pyarrow_hidden_builds_the_same_inventory():
    script = CHILD.format(src=str(ROOT / "src"), tests=str(ROOT / "tests"))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout) == json.loads(json.dumps(digest(nc.Inventory.from_columns(**columns(N)))))
