"""Base-year recalculation (issue 16): GHG Protocol Corporate Standard ch. 5, hand-worked."""

from __future__ import annotations

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

import neutralcore as nc
from neutralcore.reduce.baseyear import BaseYear, BaseYearChange, RecalculationPolicy


def test_acquisition_above_threshold_recalculates():
    r = BaseYear(2020, 100_000).recalculate([BaseYearChange("acquisition", 2022, 8_000, "plant Z")])
    assert r.base_emissions == 108_000.0 and r.recalculated
    rec = r.records[0]
    assert rec.decision == "recalculated" and rec.cumulative == pytest.approx(0.08)
    assert "8.0%" in rec.reason and "5.0% threshold" in rec.reason


def test_small_divestment_is_flagged_not_recalculated():
    r = BaseYear(2020, 100_000).recalculate([BaseYearChange("acquisition", 2022, 8_000),
                                             BaseYearChange("divestment", 2023, 3_000)])
    assert r.base_emissions == 108_000.0
    assert [x.decision for x in r.records] == ["recalculated", "below threshold"]
    assert r.flagged[0].change.kind == "divestment" and "allowed" in r.flagged[0].reason


def test_organic_growth_never_recalculates():
    r = BaseYear(2020, 100_000).recalculate([BaseYearChange("organic", 2023, 12_000, "output +12 %")])
    assert r.base_emissions == 100_000.0 and not r.recalculated
    assert r.records[0].decision == "not a trigger" and "organic" in r.records[0].reason


def test_small_changes_recalculate_once_they_add_up():
    r = BaseYear(2020, 100_000).recalculate([BaseYearChange("acquisition", 2021, 3_000),
                                             BaseYearChange("error", 2022, 2_500, "boiler meter")])
    assert [x.decision for x in r.records] == ["below threshold", "recalculated"]
    assert r.base_emissions == 105_500.0
    assert "acquisition 2021" in r.records[1].reason


def test_net_and_gross_cumulation():
    changes = [BaseYearChange("acquisition", 2021, 3_000), BaseYearChange("divestment", 2022, 3_000)]
    assert not BaseYear(2020, 100_000).recalculate(changes).recalculated
    gross = BaseYear(2020, 100_000, policy=RecalculationPolicy(cumulate="gross")).recalculate(changes)
    assert gross.recalculated and gross.base_emissions == 100_000.0


def test_table_records_each_reason():
    r = BaseYear(2020, 100_000).recalculate([BaseYearChange("outsourcing", 2021, 6_000, "logistics")])
    row = r.table().to_dicts()[0]
    assert row["change_t"] == -6_000.0 and row["base_after_t"] == 94_000.0 and row["decision"] == "recalculated"


def test_bad_input_names_the_field():
    with pytest.raises(nc.ScenarioError) as err:
        BaseYear(2020, None)
    assert err.value.field == "emissions"
    with pytest.raises(nc.ScenarioError) as err:
        BaseYearChange("acquisition", 2022, None)
    assert err.value.field == "emissions"
    with pytest.raises(nc.ScenarioError) as err:
        BaseYearChange("acquisition", 2022, -5)
    assert err.value.field == "emissions"
    with pytest.raises(nc.ScenarioError) as err:
        BaseYearChange("rebrand", 2022, 5)
    assert err.value.field == "kind"
    with pytest.raises(nc.ScenarioError) as err:
        RecalculationPolicy(threshold=5)
    assert err.value.field == "threshold"
    with pytest.raises(nc.ScenarioError) as err:
        BaseYear(2020, 100).recalculate([BaseYearChange("acquisition", 2019, 5)])
    assert err.value.field == "year"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["acquisition", "divestment", "organic", "factor"]),
                          st.floats(0, 20_000)), max_size=4))
def test_base_only_moves_by_triggered_changes(items):
    changes = [BaseYearChange(k, 2021 + i, e) for i, (k, e) in enumerate(items)]
    r = BaseYear(2020, 100_000).recalculate(changes)
    applied = 0.0
    for rec in r.records:
        assert rec.decision != "recalculated" or rec.cumulative >= 0.05 - 1e-12
        applied = rec.base_after - 100_000
    assert r.base_emissions == pytest.approx(100_000 + applied)
    assert all(rec.base_before == rec.base_after for rec in r.records if rec.decision != "recalculated")
