"""Published uncertainty: per-gas 95 % intervals with their distribution, sampled per factor and combined."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neutralcore as nc
from neutralcore.measure.emissions import triangular_limits
from neutralcore.measure.factorvalue import Interval

SRC = nc.Source("test", "synthetic factors with stated intervals", 2024)
N = 200_000


def _one(interval: Interval | None, value: float = 0.5, *, uncertainty=None, region="XA"):
    return nc.Factor("electricity.grid", region, 2023, "t/MWh", {"CO2": value}, SRC,
                     intervals={"CO2": interval} if interval else None, uncertainty=uncertainty)


def _run(*factors, mwh=1_000.0, n=N, seed=7):
    fs = nc.FactorSet.from_factors(factors)
    inv = nc.Inventory([nc.Activity("electricity.grid", mwh, "MWh", region=f.region, year=2023, scope=2) for f in factors])
    return inv.emissions(fs).uncertainty(n, seed=seed)


@pytest.mark.parametrize("dist", ["normal", "lognormal", "uniform", "triangular"])
def test_one_factor_gives_its_own_bounds(dist):
    """A 2.5th/97.5th percentile is kept by scaling: 1,000 MWh x [0.4, 0.62] t/MWh -> 400 to 620 t, whatever the
    distribution (the value 0.51 is the midpoint, as a normal's mean is)."""
    u = _run(_one(Interval(0.4, 0.62, dist), 0.51))
    assert u.total == pytest.approx(510.0)
    assert u.low == pytest.approx(400.0, rel=0.006)
    assert u.high == pytest.approx(620.0, rel=0.006)
    assert u.share_without == 0.0 and len(u.without) == 0


def test_lognormal_median_is_the_geometric_mean():
    """Lognormal 95 % bounds 0.3 and 3 (value 1): median sqrt(0.3 x 3) = 0.948683; x 1,000 MWh = 948.68 t."""
    u = _run(_one(Interval(0.3, 3.0, "lognormal"), 1.0))
    assert u.median == pytest.approx(1000 * math.sqrt(0.9), rel=0.005)


def test_two_uniform_factors_add_to_a_triangle():
    """Two independent factors, each uniform on [0.4, 0.6] t/MWh (95 % bounds 0.405 and 0.595), 1,000 MWh each.
    The sum S is triangular on [800, 1200] t; P(S < 800 + t) = t^2 / (2 x 200^2) = 0.025 gives t = 200 x sqrt(0.05)
    = 44.72 t: the 95 % range is 844.72 to 1,155.28 t."""
    iv = Interval(0.405, 0.595, "uniform")
    u = _run(_one(iv, region="XA"), _one(iv, region="XB"))
    assert u.total == pytest.approx(1000.0)
    assert u.low == pytest.approx(844.72, rel=0.002)
    assert u.high == pytest.approx(1155.28, rel=0.002)


def test_rows_sharing_a_factor_are_fully_correlated():
    """Two sites on one uniform factor: the total's range is the factor's range times 2,000 MWh (810 to 1,190 t)."""
    fs = nc.FactorSet.from_factors([_one(Interval(0.405, 0.595, "uniform"))])
    inv = nc.Inventory([nc.Activity("electricity.grid", 1_000, "MWh", region="XA", year=2023, scope=2, site=s)
                        for s in ("a", "b")])
    u = inv.emissions(fs).uncertainty(N, seed=3)
    assert (u.low, u.high) == (pytest.approx(810.0, rel=0.002), pytest.approx(1190.0, rel=0.002))


def test_the_shorthand_is_a_normal_half_width():
    """uncertainty=0.1 on 0.5 t/MWh: normal, 95 % range 450 to 550 t for 1,000 MWh."""
    u = _run(_one(None, uncertainty=0.1))
    assert (u.low, u.high) == (pytest.approx(450.0, rel=0.002), pytest.approx(550.0, rel=0.002))


def test_rows_without_published_uncertainty_are_reported():
    """One factor with an interval (500 t), one without (250 t): a third of the total has none, and it is listed."""
    f_with = _one(Interval(0.4, 0.6), region="XA")
    f_without = _one(None, 0.25, region="XB")
    u = _run(f_with, f_without)
    assert u.share_without == pytest.approx(1 / 3)
    assert u.without.to_dicts() == [{"activity": "electricity.grid", "region": "XB", "year": 2023, "gas": "CO2",
                                     "co2e_t": pytest.approx(250.0)}]
    assert "has no published uncertainty: see .without" in str(u)
    fs = nc.FactorSet.from_factors([f_with, f_without])
    inv = nc.Inventory([nc.Activity("electricity.grid", 1, "MWh", region=r, year=2023, scope=2) for r in ("XA", "XB")])
    assert inv.emissions(fs).matches.summary()["uncertainty"] == ["published", "none"]


def test_per_gas_intervals_and_partly_stated_factors():
    """CO2 certain-ish, CH4 wide (lognormal): each gas is drawn by its own interval; a factor stating one gas of two
    is 'partly' in the matches report and its other gas is listed as without."""
    f = nc.Factor("fuel.gas.stationary", "XA", 2023, "kg/TJ", {"CO2": 56_100, "CH4": 1.0}, SRC,
                  intervals={"CH4": Interval(0.3, 3.0, "lognormal")})
    inv = nc.Inventory([nc.Activity("fuel.gas.stationary", 1_000, "TJ", region="XA", year=2023, scope=1)])
    res = inv.emissions(nc.FactorSet.from_factors([f]))
    assert res.matches.summary()["uncertainty"] == ["partly"]
    u = res.uncertainty(N, seed=1)
    # CO2 56,100 t fixed; CH4 1 t x GWP 28 (AR5) = 28 t, lognormal 8.4 to 84 t
    assert u.without["gas"] == ["CO2"]
    assert u.low == pytest.approx(56_100 + 8.4, rel=1e-5)
    assert u.high == pytest.approx(56_100 + 84.0, rel=1e-4)


def test_the_factor_file_columns(tmp_path):
    path = tmp_path / "f.csv"
    head = "activity,region,year,gas,value,unit,publisher,document,source_year,lower,upper,distribution\n"
    path.write_text(head + "fuel.gas.stationary,XA,2023,CO2,56100,kg/TJ,T,D,2024,54300,58300,\n"
                    "fuel.gas.stationary,XA,2023,CH4,1,kg/TJ,T,D,2024,0.3,3,lognormal\n"
                    "fuel.gas.stationary,XA,2023,N2O,0.1,kg/TJ,T,D,2024,,,\n", encoding="utf-8")
    f = nc.FactorSet.read_csv(path)[0]
    assert dict(f.intervals) == {"CO2": Interval(54300, 58300, "normal"), "CH4": Interval(0.3, 3, "lognormal")}
    for bad, column in (("54300,,", "upper"), (",,normal", "distribution"), ("54300,58300,beta", "distribution"),
                        ("57000,58300,", "lower"), ("58300,54300,", "lower")):
        path.write_text(head + f"fuel.gas.stationary,XA,2023,CO2,56100,kg/TJ,T,D,2024,{bad}\n", encoding="utf-8")
        with pytest.raises(nc.SchemaError) as info:
            nc.FactorSet.read_csv(path)
        assert (info.value.line, info.value.column) == (2, column), bad


def test_property_file_columns(tmp_path):
    factors, props = tmp_path / "f.csv", tmp_path / "p.csv"
    factors.write_text("activity,region,year,gas,value,unit,publisher,document,source_year\n"
                       "fuel.diesel.stationary,World,2006,CO2,74100,kg/TJ,T,D,2006\n", encoding="utf-8")
    props.write_text("activity,region,property,value,unit,source,lower,upper,distribution\n"
                     "fuel.diesel.stationary,World,ncv,43.0,TJ/Gg,s,41.4,43.3,triangular\n", encoding="utf-8")
    f = nc.FactorSet.read_csv(factors, properties=props, sources={"s": SRC})[0]
    assert f.ncv.interval == Interval(41.4, 43.3, "triangular")


def test_interval_checks():
    with pytest.raises(nc.InputError, match="above its upper"):
        Interval(2, 1)
    with pytest.raises(nc.InputError, match="lognormal interval needs a lower bound above 0"):
        Interval(0, 1, "lognormal")
    with pytest.raises(nc.InputError, match="distribution must be one of"):
        Interval(0, 1, "beta")
    with pytest.raises(nc.InputError, match="outside its interval"):
        _one(Interval(0.6, 0.7))
    with pytest.raises(nc.InputError, match="does not give"):
        nc.Factor("electricity.grid", "XA", 2023, "t/MWh", {"CO2": 0.5}, SRC, intervals={"CH4": Interval(0, 1)})
    fs = nc.FactorSet.from_factors([_one(Interval(0.4, 0.6, "uniform"))])
    assert fs[0].intervals["CO2"] == Interval(0.4, 0.6, "uniform")  # round trip through the columns
    merged = nc.FactorSet.merge(fs, nc.FactorSet.from_factors([_one(None, region="XB")]))
    assert merged.where(region="XA")[0].intervals["CO2"].distribution == "uniform"
    assert not merged.where(region="XB")[0].intervals


@settings(max_examples=40, deadline=None)
@given(mode=st.floats(0.1, 10), below=st.floats(0.0, 0.99), above=st.floats(0.0, 5.0))
def test_triangular_limits_keep_the_percentiles(mode, below, above):
    lower, upper = mode * (1 - below), mode * (1 + above)
    if upper - lower < 1e-6:
        return
    a, b = triangular_limits(np.array([mode]), np.array([lower]), np.array([upper]))
    a, b = float(a[0]), float(b[0])

    def cdf(x):
        return (x - a) ** 2 / ((b - a) * (mode - a)) if x <= mode else 1 - (b - x) ** 2 / ((b - a) * (b - mode))

    assert a <= lower <= mode <= upper <= b
    assert cdf(lower) == pytest.approx(0.025, abs=1e-6) and cdf(upper) == pytest.approx(0.975, abs=1e-6)
