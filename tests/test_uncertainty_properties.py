"""Fuel-property intervals (NCV, density) sampled in ``Emissions.uncertainty()``: one draw per property, shared."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neutralcore as nc
from neutralcore.measure.factorvalue import Interval

SRC = nc.Source("test", "synthetic factors and properties with stated intervals", 2024)
N = 200_000


def _ncv(interval: Interval | None, value: float = 43.0, notes: str | None = "diesel") -> nc.FuelProperty:
    return nc.FuelProperty("ncv", value, "TJ/Gg", SRC, notes=notes, interval=interval)


def _diesel(activity: str, ncv: nc.FuelProperty | None, *, co2: float = 74100.0, co2_interval=None,
            density: nc.FuelProperty | None = None) -> nc.Factor:
    return nc.Factor(activity, "World", 2006, "kg/TJ", {"CO2": co2}, SRC, ncv=ncv, density=density,
                     intervals={"CO2": co2_interval} if co2_interval else None)


def _run(factors, rows, n=N, seed=3):
    fs = nc.FactorSet.from_factors(factors)
    inv = nc.Inventory([nc.Activity(a, q, u, region="World", year=2006, scope=1) for a, q, u in rows])
    res = inv.emissions(fs)
    return res, res.uncertainty(n, seed=seed)


@pytest.mark.parametrize("dist", ["normal", "lognormal", "uniform", "triangular"])
def test_one_ncv_gives_its_own_bounds(dist):
    """10 t of diesel = 0.43 TJ; x 74,100 kg/TJ = 31.863 t CO2.  The NCV alone is uncertain, 41.5 to 44.5 TJ/Gg, so the
    total's 95 % range is 10 t x [41.5, 44.5] TJ/Gg x 74.1 t/TJ / 1,000 = 30.7515 to 32.9745 t, whatever the
    distribution (43.0 is the midpoint, as a normal's mean is)."""
    res, u = _run([_diesel("fuel.diesel", _ncv(Interval(41.5, 44.5, dist)))], [("fuel.diesel", 10, "t")])
    assert u.total == pytest.approx(31.863)
    assert u.low == pytest.approx(30.7515, rel=0.004)
    assert u.high == pytest.approx(32.9745, rel=0.004)
    assert list(u.properties["property"]) == ["ncv"]
    assert u.properties["co2e_t"].tolist() == pytest.approx([31.863])


def test_normal_ncv_mean_is_the_published_value():
    """A normal NCV has its mean at 43.0: the Monte Carlo mean is the total, 31.863 t, to sampling error
    (sd of the mean = 31.863 x (3/3.92)/43 / sqrt(200,000) = 0.0013 t)."""
    _res, u = _run([_diesel("fuel.diesel", _ncv(Interval(41.5, 44.5, "normal")))], [("fuel.diesel", 10, "t")])
    assert u.mean == pytest.approx(31.863, abs=0.006)


def test_uniform_ncv_has_the_flat_range_by_hand():
    """A uniform NCV with 95 % bounds 41.0 and 44.0: flat from 41.0 - 0.025 w to 44.0 + 0.025 w, w = 3/0.95 = 3.158;
    its mean is the midpoint 42.5, so the Monte Carlo mean is 31.863 x 42.5/43 = 31.492 t."""
    _res, u = _run([_diesel("fuel.diesel", _ncv(Interval(41.0, 44.0, "uniform")))], [("fuel.diesel", 10, "t")])
    assert u.mean == pytest.approx(31.863 * 42.5 / 43.0, rel=0.001)


def test_a_property_divides_where_the_conversion_divides():
    """A factor per kg of fuel (74,100 kg/TJ x 0.043 TJ/t = 3,186.3 kg CO2/t) met by an activity in TJ: the unit
    multiplier is 1/NCV, so 1 TJ = 1/0.043 t = 23.256 t of fuel -> 74.1 t CO2.  With a uniform NCV from 41 to 45 the
    range is 74.1 x 43/45 to 74.1 x 43/41 = 70.807 to 77.715 t (1/x is decreasing: the bounds swap)."""
    ncv = _ncv(Interval(41.0, 45.0, "uniform"))
    f = nc.Factor("fuel.diesel", "World", 2006, "kg/t", {"CO2": 3186.3}, SRC, ncv=ncv)
    _res, u = _run([f], [("fuel.diesel", 1, "TJ")])
    assert u.total == pytest.approx(74.1)
    assert u.low == pytest.approx(74.1 * 43 / 45, rel=0.003)
    assert u.high == pytest.approx(74.1 * 43 / 41, rel=0.003)


def test_density_and_ncv_are_both_drawn_for_litres():
    """1,000 L of diesel through a density (840 kg/m^3, exact) and an NCV: only the NCV is uncertain, so the range is
    the NCV's: 0.84 t x 43 TJ/Gg x 74.1 t/TJ / 1,000 = 2.6765 t, range x 41/43 and x 45/43 (normal)."""
    density = nc.FuelProperty("density", 840, "kg/m^3", SRC)
    f = _diesel("fuel.diesel", _ncv(Interval(41.0, 45.0)), density=density)
    _res, u = _run([f], [("fuel.diesel", 1000, "L")])
    assert u.total == pytest.approx(2.676492)
    assert u.low == pytest.approx(2.676492 * 41 / 43, rel=0.004)
    assert u.high == pytest.approx(2.676492 * 45 / 43, rel=0.004)
    # with the density uncertain too (830 to 850, normal): two independent normal ratios, sds 4/3.92/43 and
    # 20/3.92/840; the product's relative sd is about sqrt(0.02373^2 + 0.00607^2) = 0.02450
    d2 = nc.FuelProperty("density", 840, "kg/m^3", SRC, interval=Interval(830, 850))
    _res, u2 = _run([_diesel("fuel.diesel", _ncv(Interval(41.0, 45.0)), density=d2)], [("fuel.diesel", 1000, "L")])
    half = (u2.high - u2.low) / 2 / u2.total
    assert half == pytest.approx(1.96 * math.hypot(4 / 3.92 / 43, 20 / 3.92 / 840), rel=0.02)
    assert sorted(u2.properties["property"]) == ["density", "ncv"]


def test_keys_sharing_a_published_ncv_move_together():
    """The same published NCV under two sector keys (one draw, shared): 10 t on each key gives 63.726 t with the
    range of one NCV, 63.726 x [41, 45]/43 = 60.762 to 66.690 t.  Two different published values (43.0 and 43.2 TJ/Gg,
    the same normal bounds, sd s = 4/3.92) are drawn independently: each key's sd is 10 t x 74.1 t/TJ / 1,000 x s =
    0.7561 t, so the sum's half-range is 1.96 x sqrt 2 x 0.7561 = 2.096 t, not the shared 2 x 1.96 x 0.7561."""
    shared = _ncv(Interval(41.0, 45.0))
    rows = [("fuel.diesel.stationary.manufacturing", 10, "t"), ("fuel.diesel.stationary.commercial", 10, "t")]
    _res, u = _run([_diesel(rows[0][0], shared), _diesel(rows[1][0], shared)], rows)
    assert u.total == pytest.approx(63.726)
    assert u.low == pytest.approx(63.726 * 41 / 43, rel=0.004)
    assert u.high == pytest.approx(63.726 * 45 / 43, rel=0.004)
    assert len(u.properties) == 1 and u.properties["co2e_t"].tolist() == pytest.approx([63.726])
    a, b = _ncv(Interval(41.0, 45.0), 43.0), _ncv(Interval(41.0, 45.0), 43.2)
    _res, v = _run([_diesel(rows[0][0], a), _diesel(rows[1][0], b)], rows)
    assert len(v.properties) == 2
    s = 4 / 3.92
    # t CO2 on each key: 31.863 and 31.863 x 43.2/43; each key's absolute sd is 10 t x 74.1 t/TJ/1,000 x s
    key_sd = 10 * 0.0741 * s
    assert (v.high - v.low) / 2 == pytest.approx(1.96 * key_sd * math.sqrt(2), rel=0.02)


def test_factor_and_property_intervals_combine():
    """CO2 factor normal 72,000 to 76,200 (value 74,100) and NCV normal 41 to 45 (value 43), independent: the
    product's relative sd is about sqrt((4,200/3.92/74,100)^2 + (4/3.92/43)^2) = 0.02661."""
    f = _diesel("fuel.diesel", _ncv(Interval(41.0, 45.0)), co2_interval=Interval(72000, 76200))
    _res, u = _run([f], [("fuel.diesel", 10, "t")])
    assert u.share_without == 0.0 and len(u.without) == 0
    expected = 1.96 * math.hypot(4200 / 3.92 / 74100, 4 / 3.92 / 43)
    assert (u.high - u.low) / 2 / u.total == pytest.approx(expected, rel=0.02)


def test_a_row_in_energy_units_does_not_use_the_ncv():
    """1 TJ of diesel meets a factor per TJ: no conversion, so the NCV's interval is not drawn; the factor without a
    published uncertainty is listed and the range is the total itself."""
    res, u = _run([_diesel("fuel.diesel", _ncv(Interval(41.0, 45.0)))], [("fuel.diesel", 1, "TJ")])
    assert u.low == u.high == pytest.approx(74.1)
    assert len(u.properties) == 0
    assert u.without["gas"] == ["CO2"] and u.share_without == 1.0


def test_a_property_without_bounds_keeps_the_old_result_exactly():
    """Regression: with no property interval anywhere the draws are those of the factor intervals alone, bit for bit."""
    plain = _diesel("fuel.diesel", _ncv(None), co2_interval=Interval(72000, 76200, "triangular"))
    _res, with_ncv = _run([plain], [("fuel.diesel", 10, "t")], n=5_000, seed=11)
    energy = _diesel("fuel.diesel", None, co2_interval=Interval(72000, 76200, "triangular"))
    _res, by_energy = _run([energy], [("fuel.diesel", 0.43, "TJ")], n=5_000, seed=11)
    assert (with_ncv.low, with_ncv.median, with_ncv.high) == pytest.approx((by_energy.low, by_energy.median,
                                                                            by_energy.high), rel=1e-12)


def test_a_seed_gives_identical_results():
    f = _diesel("fuel.diesel", _ncv(Interval(41.0, 45.0, "lognormal")), co2_interval=Interval(72000, 76200))
    _r, a = _run([f], [("fuel.diesel", 10, "t")], n=3_000, seed=5)
    _r, b = _run([f], [("fuel.diesel", 10, "t")], n=3_000, seed=5)
    _r, c = _run([f], [("fuel.diesel", 10, "t")], n=3_000, seed=6)
    assert (a.low, a.median, a.high, a.mean) == (b.low, b.median, b.high, b.mean)
    assert a.median != c.median


def test_str_names_the_sampled_properties():
    _r, u = _run([_diesel("fuel.diesel", _ncv(Interval(41.0, 45.0)))], [("fuel.diesel", 10, "t")], n=1_000)
    assert "1 fuel property sampled (see .properties)" in str(u)


@settings(max_examples=25, deadline=None)
@given(lo=st.floats(30.0, 42.0), hi=st.floats(44.0, 60.0), q=st.floats(0.5, 1e4),
       dist=st.sampled_from(["normal", "lognormal", "uniform", "triangular"]))
def test_range_scales_with_quantity_and_brackets_the_total(lo, hi, q, dist):
    """Invariant: the range brackets the total when the value sits inside the bounds, and scales with the quantity.

    The value (43.0 TJ/Gg) is kept at least 1 TJ/Gg inside each bound: 4,000 draws put the sampled 2.5th and 97.5th
    percentiles within about 0.5 % of the distribution's, so a bound 0.1 TJ/Gg from the value (lo=31.75,
    hi=43.125, lognormal) could land on either side of the total by chance.
    """
    f = _diesel("fuel.diesel", _ncv(Interval(lo, hi, dist)))
    _r, u1 = _run([f], [("fuel.diesel", 1.0, "t")], n=4_000, seed=2)
    _r, uq = _run([f], [("fuel.diesel", q, "t")], n=4_000, seed=2)
    assert uq.low == pytest.approx(u1.low * q, rel=1e-9) and uq.high == pytest.approx(u1.high * q, rel=1e-9)
    assert u1.low <= u1.total * 1.001 and u1.high >= u1.total * 0.999
    assert np.isfinite([u1.low, u1.high]).all()
