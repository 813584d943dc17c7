"""Monte Carlo percentiles against the analytic ones, on a built-in row; and invariants of the shipped limits.

The tolerance of a sampled percentile is derived from the sample size: the p-quantile of N independent draws has
a standard error of sqrt(p (1 - p) / N) / f(x_p), f the density of the total at its p-quantile (the usual
asymptotic result for sample quantiles); every check allows 4 of those standard errors, so a correct sampler
fails it about once in 16,000 runs and a wrong distribution (normal for lognormal, a median moved by a bias) fails
it every time.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neutralcore as nc
from neutralcore.measure.factorvalue import Interval

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "neutralcore" / "plugins"

N = 100_000
Z975 = 1.959963984540054
#: the standard normal density at its 2.5th and 97.5th percentiles
PHI_Z975 = math.exp(-Z975 ** 2 / 2) / math.sqrt(2 * math.pi)
#: 1,000 t of gas/diesel oil in 1.A.2 (Table 2.3), t CO2e per TJ: 74.1 CO2 + 0.003 CH4 x 28 + 0.0006 N2O x 265
DIESEL_T_PER_TJ = 74.1 + 0.003 * 28 + 0.0006 * 265


def _se_quantile(p: float, density: float, n: int = N) -> float:
    return math.sqrt(p * (1 - p) / n) / density


def _diesel(tonnes: float = 1000.0) -> nc.Activity:
    return nc.Activity("fuel.diesel.stationary.manufacturing", tonnes, "t", region="VN", year=2024, scope=1)


def test_built_in_diesel_ncv_percentiles_match_the_analytic_lognormal():
    """1,000 t of diesel, ipcc pack: T = 74.343 t/TJ x 1 Gg x NCV, ln NCV normal with mean (ln 41.4 + ln 43.3) / 2
    and standard deviation s = (ln 43.3 - ln 41.4) / 3.92 = 0.011447. By hand: 2.5th percentile 74.343 x 41.4 =
    3,077.80 t, 97.5th 74.343 x 43.3 = 3,219.05 t, median 74.343 x sqrt(41.4 x 43.3) = 3,147.63 t, mean = median x
    exp(s^2 / 2) = 3,147.84 t; the density of T at a percentile t_p is phi(1.96) / (t_p s)."""
    assert DIESEL_T_PER_TJ == pytest.approx(74.343)
    u = nc.Inventory([_diesel()]).emissions("ipcc").uncertainty(N, seed=11)
    s = (math.log(43.3) - math.log(41.4)) / (2 * Z975)
    assert s == pytest.approx(0.011447, abs=5e-7)
    low, high = DIESEL_T_PER_TJ * 41.4, DIESEL_T_PER_TJ * 43.3
    median = DIESEL_T_PER_TJ * math.sqrt(41.4 * 43.3)
    assert (round(low, 2), round(high, 2), round(median, 2)) == (3077.80, 3219.05, 3147.63)
    assert u.total == pytest.approx(DIESEL_T_PER_TJ * 43.0)  # the deterministic total keeps the default NCV
    assert u.low == pytest.approx(low, abs=4 * _se_quantile(0.025, PHI_Z975 / (low * s)))
    assert u.high == pytest.approx(high, abs=4 * _se_quantile(0.025, PHI_Z975 / (high * s)))
    density_at_median = 1 / (math.sqrt(2 * math.pi) * median * s)
    assert u.median == pytest.approx(median, abs=4 * _se_quantile(0.5, density_at_median))
    sd = median * math.exp(s ** 2 / 2) * math.sqrt(math.exp(s ** 2) - 1)
    assert u.mean == pytest.approx(median * math.exp(s ** 2 / 2), abs=4 * sd / math.sqrt(N))
    # a normal with the same width would centre on the default 43.0: 3,196.75 t, 49 t above the lognormal median
    assert u.total - u.median > 10 * 4 * _se_quantile(0.5, density_at_median)


def test_normal_interval_percentiles_match_the_analytic_normal():
    """A stated normal interval on the factor itself (not a published one): 2,000 MWh x 0.5 t/MWh, 95 % bounds 0.45
    and 0.55, so T ~ N(1,000, (1,100 - 900) / 3.92 = 51.02 t); percentiles 900 and 1,100 t by hand, density at each
    phi(1.96) / 51.02."""
    src = nc.Source("illustration", "a stated normal interval, not a published one", 2024)
    f = nc.Factor("electricity.grid", "XA", 2023, "t/MWh", {"CO2": 0.5}, src,
                  intervals={"CO2": Interval(0.45, 0.55, "normal")})
    inv = nc.Inventory([nc.Activity("electricity.grid", 2000, "MWh", region="XA", year=2023, scope=2)])
    u = inv.emissions(nc.FactorSet.from_factors([f])).uncertainty(N, seed=5)
    sigma = 200 / (2 * Z975)
    tol = 4 * _se_quantile(0.025, PHI_Z975 / sigma)
    assert tol == pytest.approx(1.72, abs=0.01)  # 4 x 0.431 t: under 0.2 % of the total at 100,000 draws
    assert u.low == pytest.approx(900.0, abs=tol) and u.high == pytest.approx(1100.0, abs=tol)
    assert u.mean == pytest.approx(1000.0, abs=4 * sigma / math.sqrt(N))


@settings(max_examples=20, deadline=None)
@given(parts=st.lists(st.floats(0.5, 5_000.0), min_size=1, max_size=4), seed=st.integers(0, 2 ** 31 - 1))
def test_splitting_a_quantity_into_rows_leaves_the_range_unchanged(parts, seed):
    """Invariant: rows of one key share the one Table 1.2 NCV draw, so any split of the same tonnes gives the range
    of their sum (and the range scales with it)."""
    split = nc.Inventory([_diesel(q) for q in parts]).emissions("ipcc").uncertainty(2_000, seed=seed)
    whole = nc.Inventory([_diesel(sum(parts))]).emissions("ipcc").uncertainty(2_000, seed=seed)
    one = nc.Inventory([_diesel(1.0)]).emissions("ipcc").uncertainty(2_000, seed=seed)
    for a, b, c in ((split.low, whole.low, one.low), (split.high, whole.high, one.high)):
        assert a == pytest.approx(b, rel=1e-9) and b == pytest.approx(c * sum(parts), rel=1e-9)
    assert split.low <= split.median <= split.high


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _fuel(row: dict[str, str]) -> str:
    return row["notes"].split(";", 1)[0]


def test_vietnam_rows_copied_from_ipcc_carry_the_ipcc_interval_exactly():
    """A vietnam NCV row copied from the ipcc pack (source ipcc-2006-v2) carries the ipcc row's Table 1.2 limits and
    distribution when, and only when, the ipcc pack's row of that fuel and value has them; nothing else is bounded."""
    ipcc: dict[tuple[str, str], tuple[str, str, str]] = {}
    for r in _rows(DATA / "ipcc" / "data" / "properties.csv"):
        if r["property"] == "ncv":
            ipcc.setdefault((_fuel(r), r["value"]), (r["lower"], r["upper"], r["distribution"]))
    vn = _rows(DATA / "vietnam" / "data" / "properties.csv")
    copied = [r for r in vn if r["property"] == "ncv" and r["source"] == "ipcc-2006-v2"]
    assert copied
    for r in copied:
        assert (_fuel(r), r["value"]) in ipcc, r["activity"]
        assert (r["lower"], r["upper"], r["distribution"]) == ipcc[(_fuel(r), r["value"])], r["activity"]
    bounded = [r for r in vn if r["lower"] or r["upper"] or r["distribution"]]
    assert all(r in copied for r in bounded)
    assert len(bounded) == 19
    # and against the hand transcription of Table 1.2, not only against the other pack
    published = {r["fuel"]: r for r in _rows(ROOT / "tests" / "fixtures" / "published" / "ipcc2006_table1_2_ncv_bounds.csv")}
    for r in bounded:
        pub = published[_fuel(r)]
        assert [float(r[c]) for c in ("value", "lower", "upper")] == [float(pub[c]) for c in ("default", "lower", "upper")]
        assert r["unit"] == pub["unit"]


@pytest.mark.parametrize("pack", ["ipcc", "vietnam"])
def test_every_bounded_row_says_its_distribution_is_the_packs_choice(pack):
    """Table 1.2 states no distribution: each bounded row says lognormal is the pack's own choice, as
    neutralcore.Interval and docs/measure.md do."""
    rows = [r for r in _rows(DATA / pack / "data" / "properties.csv") if r["distribution"]]
    assert rows and {r["distribution"] for r in rows} == {"lognormal"}
    assert all("lognormal by this pack's choice (Table 1.2 states no distribution)" in r["notes"] for r in rows)
    doc = " ".join((Interval.__doc__ or "").split())
    assert "its own choice for positive values" in doc and "not a rule quoted from the Guidelines" in doc
    measure = " ".join((ROOT / "docs" / "measure.md").read_text(encoding="utf-8").split())
    assert "that is the `ipcc` pack's own choice, not the Guidelines'" in measure
    toml = " ".join((DATA / "ipcc" / "data" / "pack.toml").read_text(encoding="utf-8").split())
    assert "lognormal is this pack's own choice" in toml and "not a rule quoted from the Guidelines" in toml
