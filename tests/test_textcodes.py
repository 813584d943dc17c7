"""Long Python string lists are coded the same by every route: polars, pyarrow, object identity, the dict path.

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
from neutralcore._core.categorical import _FirstSeen, factorize
from neutralcore._core.identity import MIN_ROWS
from neutralcore.errors import InputError, NeutralcoreError

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


@pytest.mark.parametrize("engines", ROUTES)
def test_factorize_of_a_long_list_is_the_same_by_every_route(engines, monkeypatch):
    monkeypatch.setattr(textcodes.text_codes, "__defaults__", (engines,))
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
    for engines in ROUTES:
        monkeypatch.setattr(textcodes.text_codes, "__defaults__", (engines,))
        results.append(digest(nc.Inventory.from_columns(**cols)))
    monkeypatch.setenv("NEUTRALCORE_NO_IDENTITY", "1")
    results.append(digest(nc.Inventory.from_columns(**cols)))
    assert all(r == results[0] for r in results[1:])


@pytest.mark.parametrize("engines", ROUTES)
def test_a_missing_activity_among_per_row_strings_names_the_row(engines, monkeypatch):
    monkeypatch.setattr(textcodes.text_codes, "__defaults__", (engines,))
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
