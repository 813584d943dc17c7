"""Conventions (issue 13): an activity-key typo gets "did you mean" and the installed packs that cover it."""

from __future__ import annotations

import pickle

import pytest

import neutralcore as nc


def _inv(activity: str, unit: str = "MWh") -> nc.Inventory:
    return nc.Inventory([nc.Activity(activity, 10, unit, region="VN", year=2023, scope=2)])


def test_a_typo_gets_did_you_mean_and_the_packs_covering_the_key():
    with pytest.raises(nc.FactorNotFoundError) as info:
        _inv("electricity.gird").emissions(nc.load_factors("vietnam"))
    msg = str(info.value)
    assert msg.startswith("no factor for 1 key(s): (electricity.gird, VN, 2023)")
    assert "Did you mean 'electricity.grid' (for 'electricity.gird')?" in msg
    assert "Installed packs covering it or a similar key: china (electricity.grid, " in msg
    assert msg.endswith(", vietnam (electricity.grid).")
    assert info.value.keys == [("electricity.gird", "VN", 2023)] and info.value.rows == [0]
    again = pickle.loads(pickle.dumps(info.value))
    assert str(again) == msg and type(again) is nc.FactorNotFoundError


def test_a_key_of_a_pack_not_loaded_names_that_pack():
    with pytest.raises(nc.FactorNotFoundError) as info:
        _inv("fuel.diesel.stationary", "L").emissions(nc.load_factors("vietnam"))
    assert "Did you mean" not in str(info.value)
    assert "Installed packs covering it or a similar key: ipcc (fuel.diesel.stationary)." in str(info.value)


def test_nothing_close_adds_nothing():
    with pytest.raises(nc.FactorNotFoundError) as info:
        _inv("zzzz.qqqq").emissions(nc.load_factors("vietnam"))
    assert str(info.value).endswith("year fallback takes only earlier years.")
