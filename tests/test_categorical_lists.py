"""Long Python lists of plain ints (years, scopes) are coded without a dict lookup per row, exactly as the dict
path codes them; any other value leaves the list to the dict path and its checks, with their errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neutralcore as nc
from neutralcore._core.categorical import _FirstSeen, _int_list, factorize
from neutralcore._core.identity import MIN_ROWS
from neutralcore.errors import InputError, SchemaError

N = MIN_ROWS + 321


def by_dict(values: list) -> tuple[list, list]:
    seen = _FirstSeen()
    return [seen[v] for v in values], list(seen)


@settings(max_examples=25, deadline=None)
@given(pool=st.lists(st.one_of(st.integers(-5, 5), st.integers(1990, 2100), st.integers(-2**70, 2**70)),
                     min_size=1, max_size=20), seed=st.integers(0, 2**32 - 1))
def test_int_lists_are_coded_as_the_dict_path_codes_them(pool, seed):
    pick = np.random.default_rng(seed).integers(0, len(pool), N).tolist()
    values = [int(str(pool[i])) for i in pick]  # an int object per row, as parsed text gives
    cat = factorize(values)
    codes, labels = by_dict(values)
    assert cat.codes.dtype == np.int32 and cat.codes.tolist() == codes
    assert list(cat.categories) == labels and all(type(c) is int for c in cat.categories)


@pytest.mark.parametrize("odd", [True, 2020.0, "2020", None, np.int64(2020)])
def test_a_value_that_is_not_a_plain_int_leaves_the_list_to_the_dict_path(odd):
    values = [2020 + i % 3 for i in range(N)]
    values[N // 2] = odd
    assert _int_list(values) is None
    cat = factorize(values)
    codes, labels = by_dict(values)
    assert cat.codes.tolist() == codes and list(cat.categories) == labels


def columns(year: list, scope: list) -> dict:
    return dict(activity="electricity.grid", quantity=np.ones(len(year)), unit="MWh", region="VN", year=year,
                scope=scope)


def test_years_and_scopes_as_int_lists_build_the_inventory_of_arrays():
    year = [2023 + i % 2 for i in range(N)]
    scope = [2 - i % 2 for i in range(N)]
    from_lists = nc.Inventory.from_columns(**columns(year, scope))
    from_arrays = nc.Inventory.from_columns(**columns(np.array(year), np.array(scope)))
    assert from_lists.year.tolist() == from_arrays.year.tolist()
    assert from_lists.scope.values() == from_arrays.scope.values() == scope


@pytest.mark.parametrize(("year", "row"), [(1000, 7), (10**30, 9), (True, 3), (-5, 4)])
def test_a_bad_year_in_an_int_list_names_its_row(year, row):
    years = [2023] * N
    years[row] = year
    with pytest.raises(SchemaError) as err:
        nc.Inventory.from_columns(**columns(years, [1] * N))
    assert err.value.column == "year" and row in err.value.rows


@pytest.mark.parametrize("scope", [4, 0, -1])
def test_a_bad_scope_in_an_int_list_names_its_row(scope):
    scopes = [1] * N
    scopes[11] = scope
    with pytest.raises(InputError) as err:
        nc.Inventory.from_columns(**columns([2023] * N, scopes))
    assert err.value.column == "scope" and err.value.rows == [11]


@pytest.mark.parametrize("n", [3, N])
def test_a_truth_value_beside_equal_numbers_is_refused_at_its_own_row(n):
    # True == 1 as a dict key: coded together, True would pass as scope 1 (and 1 be named as a bad row)
    scope = [1] * n
    scope[1] = True
    kw = dict(activity=["electricity"] * n, region=["VN"] * n, year=[2023] * n, unit=["MWh"] * n,
              quantity=[1.0] * n)
    with pytest.raises(InputError, match=r"scope True is not 1, 2 or 3 \(row 1, 0-based\)"):
        nc.Inventory.from_columns(scope=scope, **kw)
    cat = factorize([1, True, 1.0, False, 0])
    assert [cat.categories[c] for c in cat.codes] == [1, True, 1, False, 0]
    assert [type(cat.categories[c]) for c in cat.codes][:2] == [int, bool]
