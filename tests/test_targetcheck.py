"""Targets checked, not just drawn (issue 16): SBTi near-term and long-term rules, compound, intensity and SDA paths."""

from __future__ import annotations

import math

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

import neutralcore as nc
from neutralcore.reduce.targetcheck import validate_targets

T = nc.Target
SMALL_S3 = {1: 6_000.0, 2: 4_000.0, 3: 2_000.0}
BIG_S3 = {1: 3_000.0, 2: 1_000.0, 3: 6_000.0}


@pytest.mark.parametrize("target_year, status", [(2028, "fail"), (2029, "pass"), (2030, "pass"), (2034, "pass"),
                                                 (2035, "fail"), (2036, "fail")])
def test_near_term_spans_5_to_10_years_from_submission(target_year, status):
    v = T.sbti(2023, 10_000, target_year, submission_year=2024).validate(by_scope=SMALL_S3)
    assert v["SBTi-NT-TIMEFRAME"].status.value == status
    assert f"{target_year - 2024} years after submission in 2024" in v["SBTi-NT-TIMEFRAME"].reason


def test_submission_year_is_required_and_named():
    with pytest.raises(nc.ScenarioError) as err:
        T.sbti(2023, 10_000, 2030).validate(by_scope=SMALL_S3)
    assert err.value.field == "submission_year"
    # given to the check instead of the target
    assert T.sbti(2023, 10_000, 2030).validate(by_scope=SMALL_S3, submission_year=2024).ok


def test_minimum_ambition_is_4_2_percent_linear():
    ok = T.sbti(2020, 100_000, 2030, submission_year=2024).validate(by_scope=SMALL_S3)
    assert ok["SBTi-NT-S12-AMBITION"].status.value == "pass" and ok.ok
    weak = T.absolute(2020, 100_000, 2030, 0.40, submission_year=2024).validate(by_scope=SMALL_S3)
    assert weak["SBTi-NT-S12-AMBITION"].status.value == "fail"
    assert "40.0% cut 2020-2030 (linear path) vs 42.0% required" in weak["SBTi-NT-S12-AMBITION"].reason


def test_compound_4_2_percent_is_less_than_sbti_linear():
    t = T.compound(2020, 100_000, 2030, 0.042, submission_year=2024)
    assert t.value(2030) == pytest.approx(100_000 * 0.958 ** 10)
    assert t.value(2025) == pytest.approx(100_000 * 0.958 ** 5)
    assert t.reduction == pytest.approx(1 - 0.958 ** 10)  # 34.89 %
    v = t.validate(by_scope=SMALL_S3)
    assert v["SBTi-NT-S12-AMBITION"].status.value == "fail" and "34.9% cut" in v["SBTi-NT-S12-AMBITION"].reason


def test_scope3_target_required_at_40_percent():
    s12 = T.sbti(2023, 4_000, 2030, submission_year=2024)
    v = s12.validate(by_scope=BIG_S3)
    assert v["SBTi-NT-S3-REQUIRED"].status.value == "fail"
    assert v["SBTi-NT-S3-REQUIRED"].reason.startswith("scope 3 is 60.0% of scopes 1+2+3")
    at_40 = s12.validate(by_scope={1: 3_000, 2: 3_000, 3: 4_000})
    assert at_40["SBTi-NT-S3-REQUIRED"].status.value == "fail"  # 40 % exactly is "40 % or more"
    below = s12.validate(by_scope={1: 3_000, 2: 3_100, 3: 3_900})
    assert below["SBTi-NT-S3-REQUIRED"].status.value == "pass"


def test_scope3_coverage_and_ambition():
    s12 = T.sbti(2023, 4_000, 2030, submission_year=2024)
    s3 = T.sbti(2023, 4_200, 2030, "well-below-2C", scopes=3, coverage=0.7, submission_year=2024)
    v = validate_targets([s12, s3], by_scope=BIG_S3)
    assert v.ok, v
    assert v["SBTi-NT-S3-COVERAGE"].reason == "70.0% of scope 3 covered"
    low = validate_targets([s12, T.sbti(2023, 3_600, 2030, "well-below-2C", scopes=3, coverage=0.6,
                                        submission_year=2024)], by_scope=BIG_S3)
    assert low["SBTi-NT-S3-COVERAGE"].status.value == "fail"
    weak = validate_targets([s12, T.absolute(2023, 4_200, 2030, 0.10, scopes=3, submission_year=2024)], by_scope=BIG_S3)
    assert weak["SBTi-NT-S3-AMBITION"].status.value == "fail"  # 10 % < 2.5 % x 7 = 17.5 %


def test_scope12_coverage_95_percent():
    t = T.sbti(2023, 10_000, 2030, submission_year=2024, coverage=0.9)
    v = t.validate(by_scope=SMALL_S3)
    assert v["SBTi-NT-S12-COVERAGE"].status.value == "fail" and "90.0%" in v["SBTi-NT-S12-COVERAGE"].reason


def test_intensity_target_is_checked_by_the_absolute_cut_of_its_output_series():
    output = {2020: 100_000, 2030: 150_000}
    weak = T.intensity(2020, 1.0, 2030, 0.6, metric="t product", output=output, submission_year=2024)
    assert weak.absolute_reduction() == pytest.approx(1 - 0.4 * 1.5)  # 40 %: output grew 50 %
    assert weak.absolute_value(2030) == pytest.approx(60_000.0)
    assert weak.validate(by_scope=SMALL_S3)["SBTi-NT-S12-AMBITION"].status.value == "fail"
    strong = T.intensity(2020, 1.0, 2030, 0.7, metric="t product", output=output, submission_year=2024)
    assert strong.validate(by_scope=SMALL_S3)["SBTi-NT-S12-AMBITION"].status.value == "pass"  # 55 %
    bare = T.intensity(2020, 1.0, 2030, 0.7, metric="t product", submission_year=2024)
    assert bare.validate(by_scope=SMALL_S3)["SBTi-NT-S12-AMBITION"].status.value == "warning"
    with pytest.raises(nc.ScenarioError) as err:
        bare.absolute_value(2030)
    assert err.value.field == "output"


def test_sda_converges_on_the_supplied_pathway():
    path = {2020: 0.8, 2030: 0.5, 2050: 0.1}
    t = T.sda(2020, 1.0, 2030, path, metric="t cement", submission_year=2024)
    # (1.0 - 0.1) x (0.5 - 0.1) / (0.8 - 0.1) + 0.1
    assert t.value(2030) == pytest.approx(0.9 * 0.4 / 0.7 + 0.1)
    assert t.value(2025) == pytest.approx(0.9 * (0.65 - 0.1) / 0.7 + 0.1)
    with pytest.raises(nc.ScenarioError) as err:
        T.sda(2020, 1.0, 2055, path, metric="t cement")
    assert err.value.field == "pathway"


def test_long_term():
    lt = T.absolute(2020, 100_000, 2050, 0.9, scopes=(1, 2, 3))
    v = lt.validate("SBTi long-term", by_scope=SMALL_S3)
    assert v.ok and v.framework == "SBTi long-term"
    assert T.absolute(2020, 100_000, 2050, 0.85, scopes=(1, 2, 3)).validate(
        "SBTi long-term", by_scope=SMALL_S3)["SBTi-LT-REDUCTION"].status.value == "fail"
    assert T.absolute(2020, 100_000, 2055, 0.9, scopes=(1, 2, 3)).validate(
        "SBTi long-term", by_scope=SMALL_S3)["SBTi-LT-YEAR"].status.value == "fail"
    s3_low = T.absolute(2020, 100_000, 2050, 0.9, scopes=(1, 2, 3), coverage=0.95)
    # coverage 95 % of every scope passes 1+2 and 3
    assert s3_low.validate("SBTi long-term", by_scope=SMALL_S3).ok


def test_every_check_is_cited():
    v = T.sbti(2023, 10_000, 2030, submission_year=2024).validate(by_scope=BIG_S3)
    for c in v:
        assert "SBTi Corporate Near-Term Criteria, version 5.2 (March 2024)" in c.source and c.evidence == "S2+"
    assert isinstance(v["SBTi-NT-TIMEFRAME"], nc.ClaimCheck)
    assert v.to_dict()["ok"] is False


def test_values_follow_the_real_shape_and_stop_at_the_target_year():
    t = T.sbti(2020, 100_000, 2030)
    vals = t.values(range(2019, 2051))
    assert math.isnan(vals[0]) and vals[-1] != vals[-1]  # nothing after 2030: not drawn flat to 2050
    assert vals[2030 - 2019] == pytest.approx(58_000.0) and vals[2025 - 2019] == pytest.approx(79_000.0)
    assert t.values([2040], hold=True)[0] == pytest.approx(58_000.0)
    assert t.value(2035) == pytest.approx(58_000.0)  # value() keeps its documented hold


def test_bad_input():
    with pytest.raises(nc.ScenarioError) as err:
        T.sbti(2023, 10_000, 2030, submission_year=2024).validate(by_scope={})
    assert err.value.field == "by_scope"
    with pytest.raises(nc.ScenarioError) as err:
        T.sbti(2023, 10_000, 2030, submission_year=2024).validate("EU taxonomy", by_scope=SMALL_S3)
    assert err.value.field == "framework"
    with pytest.raises(nc.ScenarioError) as err:
        T.sbti(2023, 10_000, 2030, coverage=1.5)
    assert err.value.field == "coverage"


@settings(max_examples=60, deadline=None)
@given(st.integers(2015, 2040), st.integers(1, 15), st.floats(0.0, 1.0))
def test_linear_ambition_rule_is_rate_times_years(by, years, cut):
    t = T.absolute(by, 1_000, by + years, cut, submission_year=by + 1)
    v = t.validate(by_scope=SMALL_S3)
    assert (v["SBTi-NT-S12-AMBITION"].status.value == "pass") == (cut >= min(0.042 * years, 1.0) - 1e-12)
    assert (v["SBTi-NT-TIMEFRAME"].status.value == "pass") == (5 <= years - 1 <= 10)


def test_gap_and_plot_follow_the_real_shape_after_the_target_year():
    from factors_fixture import published_factors

    inv = nc.Inventory([nc.Activity("electricity.grid", 1_000, "MWh", region="VN", year=2023, scope=2)])
    s = nc.Scenario(inv, factors=published_factors())
    t = T.sbti(2023, s.year(2023).total(), 2030)
    gap = s.gap(t, end=2035)
    assert gap["year"][-1] == 2035
    assert math.isnan(gap["target"][-1]) and math.isnan(gap["gap"][-1])  # a 2030 target says nothing about 2035
    assert gap["target"][2030 - 2023] == pytest.approx(s.year(2023).total() * (1 - 0.042 * 7))
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    ax = s.plot(target=t, end=2040)
    (line,) = [ln for ln in ax.get_lines() if ln.get_label() == f"target: {t.name}"]
    ys = [float(y) for y in line.get_ydata()]
    assert ys[2030 - 2023] == pytest.approx(gap["target"][2030 - 2023]) and math.isnan(ys[-1])  # stops at 2030
