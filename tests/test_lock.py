"""The factor lockfile (issue 16): write, reproduce exactly, refuse an edited file, diff two runs."""

from __future__ import annotations

import json
import math

import pytest

import neutralcore as nc
from neutralcore.measure.lock import lock_diff

SRC = nc.Source("MONRE/DCC", "Viet Nam grid emission factors", 2024)
GAS = nc.Source("IPCC", "2006 IPCC Guidelines, Vol. 2, Table 2.3", 2006)


def factors(grid_2023: float = 0.6592) -> nc.FactorSet:
    return nc.FactorSet.from_factors([
        nc.Factor("electricity.grid", "VN", 2022, "t/MWh", {"CO2": 0.6766}, SRC, pack="vietnam"),
        nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": grid_2023}, SRC, pack="vietnam"),
        nc.Factor("fuel.gas", "World", 2006, "kg/TJ", {"CO2": 56_100, "CH4": 5, "N2O": 0.1}, GAS, pack="ipcc"),
        nc.Factor("fuel.coal", "World", 2006, "kg/TJ", {"CO2": 94_600}, GAS, pack="ipcc"),  # unused
    ])


def inventory() -> nc.Inventory:
    return nc.Inventory([
        nc.Activity("electricity.grid", 1_200, "MWh", region="VN", year=2023, scope=2, site="BD-1"),
        nc.Activity("electricity.grid", 300, "MWh", region="VN", year=2024, scope=2, site="BD-2"),  # year fallback
        nc.Activity("fuel.gas", 40, "TJ", region="VN", year=2023, scope=1, site="BD-1"),           # region fallback
    ])


def test_lock_reproduces_the_result_exactly(tmp_path):
    em = inventory().emissions(factors(), gwp="AR6")
    data = em.lock(tmp_path / "run.lock.json", versions={"vietnam": "2024.1"})
    saved = json.loads((tmp_path / "run.lock.json").read_text())
    assert saved == data
    assert data["gwp"] == "AR6" and data["gwp_weights"]["CH4"] > 1 and data["inventory"]["rows"] == 3
    assert [f["key"] for f in data["factors"]] == ["electricity.grid|VN|2023", "fuel.gas|World|2006"]
    assert data["factors"][0]["pack"] == "vietnam@2024.1" and data["factors"][1]["pack"] == "ipcc"
    assert data["factors"][0]["hash"].startswith("sha256:")
    assert {f["fallback"] for f in data["fallbacks"]} == {"year", "region+year"}
    again = inventory().emissions(nc.FactorSet.from_lock(tmp_path / "run.lock.json"), gwp=data["gwp"])
    assert again.total() == em.total() == data["total_t"]
    assert again.by("site")["co2e_t"].tolist() == em.by("site")["co2e_t"].tolist()
    assert again.lock(tmp_path / "again.json")["inventory"]["digest"] == data["inventory"]["digest"]
    assert len(lock_diff(tmp_path / "run.lock.json", tmp_path / "again.json")) == 0


def test_edited_lockfile_is_refused(tmp_path):
    path = tmp_path / "run.lock.json"
    inventory().emissions(factors()).lock(path)
    data = json.loads(path.read_text())
    data["factors"][0]["gases"]["CO2"] = 0.1
    path.write_text(json.dumps(data))
    with pytest.raises(nc.InputError) as err:
        nc.FactorSet.from_lock(path)
    assert err.value.column == "factors" and err.value.source == str(path) and "edited" in str(err.value)
    path.write_text("{}")
    with pytest.raises(nc.InputError):
        nc.FactorSet.from_lock(path)
    path.write_text("not json")
    with pytest.raises(nc.InputError) as err:
        nc.FactorSet.from_lock(path)
    assert err.value.__cause__ is not None


def test_diff_lists_changed_factors(tmp_path):
    inventory().emissions(factors()).lock(tmp_path / "a.json")
    inventory().emissions(factors(0.6600), gwp="AR6").lock(tmp_path / "b.json")
    diff = lock_diff(tmp_path / "a.json", tmp_path / "b.json").to_dicts()
    assert diff[0]["key"] == "gwp" and diff[0]["before"] == "AR5" and diff[0]["after"] == "AR6"
    grid = [r for r in diff if r["key"] == "electricity.grid|VN|2023"]
    assert len(grid) == 1 and grid[0]["before"] == 0.6592 and grid[0]["after"] == 0.66
    assert grid[0]["change"] == pytest.approx(0.66 / 0.6592 - 1) and grid[0]["status"] == "changed"
    assert not [r for r in diff if r["key"] == "fuel.gas|World|2006"]


def test_lock_records_the_factor_each_key_used_not_a_prefix_match(tmp_path):
    """Regression: FactorSet.get matches a dotted prefix, so the lock must take the matched factor itself."""
    fs = nc.FactorSet.from_factors([
        nc.Factor("fuel.gas.stationary.energy_industries", "World", 2006, "kg/TJ", {"CO2": 1.0}, GAS),
        nc.Factor("fuel.gas.stationary", "World", 2006, "kg/TJ", {"CO2": 56_100}, GAS),
    ])
    inv = nc.Inventory([nc.Activity("fuel.gas.stationary", 10, "TJ", region="VN", year=2023, scope=1)])
    em = inv.emissions(fs)
    data = em.lock(tmp_path / "x.json")
    assert [f["key"] for f in data["factors"]] == ["fuel.gas.stationary|World|2006"]
    assert inv.emissions(nc.FactorSet.from_lock(tmp_path / "x.json")).total() == em.total() == 561.0


IPCC_DIESEL = nc.Source("IPCC", "2006 IPCC Guidelines, Vol. 2, Ch. 2, Table 2.2 (gas/diesel oil)", 2006)
DESNZ = nc.Source("UK DESNZ", "Greenhouse gas reporting: conversion factors 2024, UK electricity", 2024)


def test_lock_round_trips_a_published_co2e_total_and_a_co2e_only_factor(tmp_path):
    """Regression: the lock dropped gwp_basis and co2e_total, so a CO2e factor could not be read back."""
    fs = nc.FactorSet.from_factors([
        # 74,100 + 3 x 28 + 0.6 x 265 = 74,343 kg CO2e/TJ under AR5
        nc.Factor("fuel.diesel.stationary", "World", 2006, "kg/TJ", {"CO2": 74_100, "CH4": 3, "N2O": 0.6},
                  IPCC_DIESEL, gwp_basis="AR5", co2e_total=74_343),
        nc.Factor("electricity.grid", "GB", 2024, "kg/kWh", {"CO2e": 0.20705}, DESNZ, gwp_basis="AR5"),
    ])
    inv = nc.Inventory([nc.Activity("fuel.diesel.stationary", 2, "TJ", region="VN", year=2023, scope=1),
                        nc.Activity("electricity.grid", 1_000, "kWh", region="GB", year=2024, scope=2)])
    em = inv.emissions(fs)
    assert em.total() == pytest.approx(2 * 74.343 + 0.20705, rel=1e-12)
    data = em.lock(tmp_path / "run.lock.json")
    by_key = {f["key"]: f for f in data["factors"]}
    assert by_key["fuel.diesel.stationary|World|2006"]["co2e_total"] == 74_343.0
    assert by_key["fuel.diesel.stationary|World|2006"]["gwp_basis"] == "AR5"
    assert "co2e_total" not in by_key["electricity.grid|GB|2024"]
    back = nc.FactorSet.from_lock(tmp_path / "run.lock.json")
    assert back.get("fuel.diesel.stationary", "World", 2006).co2e_total == 74_343.0
    assert back.get("electricity.grid", "GB", 2024).gwp_basis == "AR5"
    assert inv.emissions(back).total() == em.total()


def test_a_lockfile_of_factors_without_the_optional_fields_is_byte_for_byte_as_before(tmp_path):
    """The SHA-256 of this run's lockfile as the lockfile writer wrote it before gcv, price_year, stage, intervals,
    validity and overrides were locked (commit 48d32c9): adding them changed nothing for factors without them."""
    import hashlib

    path = tmp_path / "run.lock.json"
    inventory().emissions(factors(), gwp="AR6").lock(path, versions={"vietnam": "2024.1"})
    assert hashlib.sha256(path.read_bytes()).hexdigest() == \
        "fa80207755f8d4930308bba137236c8073cf9d0f00dd0bdabfa1d767fe504e21"


def test_a_factor_without_basis_or_total_is_written_as_before(tmp_path):
    """Fields added for co2e_total are written only where given, so older lockfiles keep verifying."""
    data = inventory().emissions(factors()).lock(tmp_path / "run.lock.json")
    assert {k for f in data["factors"] for k in f} == {
        "key", "activity", "region", "year", "unit", "gases", "source", "pack", "kind", "confidence", "notes", "ncv",
        "density", "uncertainty", "hash"}


# -- every field that changes a result or a report (issue 11 follow-up) -------------------------------------------

EPA = nc.Source("US EPA", "GHG Emission Factors Hub, Table 1 (natural gas; 40 CFR 98 Tables C-1 and C-2)", 2024)
DESNZ_WTT = nc.Source("UK DESNZ", "Greenhouse gas reporting: conversion factors 2025, WTT- fuels, natural gas", 2025)
TEST = nc.Source("Test publisher", "illustrative factors for the lockfile tests (not published values)", 2024)


def replay(em: nc.Emissions, inv: nc.Inventory, tmp_path, **kw) -> tuple[nc.Emissions, dict]:
    """Lock *em*, rebuild its factors from the lockfile and compute *inv* again with them."""
    data = em.lock(tmp_path / "run.lock.json")
    again = inv.emissions(nc.FactorSet.from_lock(tmp_path / "run.lock.json"), gwp=data["gwp"], **kw)
    return again, data


def assert_same(a: nc.Emissions, b: nc.Emissions, *dims: str) -> None:
    assert a.total() == b.total()
    assert a.per_gas().to_dicts() == b.per_gas().to_dicts()
    for d in ("scope", "activity", *dims):
        assert a.by(d).to_dicts() == b.by(d).to_dicts()


def epa_gas(**kw) -> nc.Factor:
    """US EPA natural gas: 53.06 kg CO2, 1.0 g CH4 and 0.10 g N2O per MMBtu, HHV 1.026 MMBtu per Mcf (gross)."""
    hhv = nc.FuelProperty("gcv", 1.026, "MMBtu/Mcf", EPA)
    return nc.Factor("fuel.natural_gas.stationary", "US", 2024, "kg/MMBtu", {"CO2": 53.06, "CH4": 1.0e-3, "N2O": 1.0e-4},
                     EPA, energy_basis="gcv", gcv=hhv, **kw)


def test_lock_keeps_a_gross_calorific_value_and_the_gross_basis(tmp_path):
    """Regression: gcv and energy_basis were dropped, so a gas row in scf could not be bridged on replay.

    1,000,000 scf x 1.026 MMBtu/Mcf x 53.06 kg CO2/MMBtu = 54.43956 t CO2 (issue 11's hand-worked case).
    """
    inv = nc.Inventory([nc.Activity("fuel.natural_gas.stationary", 1_000_000, "scf", region="US", year=2024, scope=1)])
    em = inv.emissions(nc.FactorSet.from_factors([epa_gas()]))
    assert em.total("CO2") == pytest.approx(54.43956, rel=1e-12)
    again, data = replay(em, inv, tmp_path)
    locked = data["factors"][0]
    assert locked["energy_basis"] == "gcv" and locked["gcv"]["value"] == 1.026 and locked["gcv"]["unit"] == "MMBtu/Mcf"
    assert_same(em, again)
    assert again.matches.summary()["properties"] == em.matches.summary()["properties"]


def test_lock_keeps_the_basis_when_both_calorific_values_are_given(tmp_path):
    """Regression: with energy_basis dropped, a gross-basis factor with NCV and GCV replayed on the net basis.

    The NCV is the GCV x 0.90 (IPCC default NCV/GCV ratio for natural gas): on the net basis the same scf would
    give 10 % less.
    """
    ncv = nc.FuelProperty("gcv", 1.026, "MMBtu/Mcf", EPA).on_basis("ncv", 0.90)
    inv = nc.Inventory([nc.Activity("fuel.natural_gas.stationary", 1_000_000, "scf", region="US", year=2024, scope=1)])
    em = inv.emissions(nc.FactorSet.from_factors([epa_gas(ncv=ncv)]))
    assert em.total("CO2") == pytest.approx(54.43956, rel=1e-12)
    again, _ = replay(em, inv, tmp_path)
    assert_same(em, again)


def test_lock_keeps_the_price_year_of_a_spend_based_factor(tmp_path):
    """Regression: price_year was dropped, so from_lock refused the spend-based factor it had written.

    1,000 USD spent in 2023 at 2018 prices (index 100 in 2018, 118 in 2023; test values) x 0.5 kg/USD
    = 1,000 x 100/118 x 0.5 kg = 0.4237288 t.
    """
    prices = nc.PriceIndex.from_rows([("USD", 2018, 100.0, TEST), ("USD", 2023, 118.0, TEST)])
    fs = nc.FactorSet.from_factors([nc.Factor("purchased.goods.steel", "World", 2018, "kg/USD", {"CO2": 0.5}, TEST,
                                              price_year=2018)])
    inv = nc.Inventory([nc.Activity("purchased.goods.steel", 1_000, "USD", region="VN", year=2023, scope=3)])
    em = inv.emissions(fs, prices=prices)
    assert em.total() == pytest.approx(1_000 * 100 / 118 * 0.5 / 1_000, rel=1e-12)
    again, data = replay(em, inv, tmp_path, prices=prices)
    assert data["factors"][0]["price_year"] == 2018
    assert_same(em, again)


def staged() -> tuple[nc.FactorSet, nc.Inventory]:
    """UK DESNZ 2025 natural gas well-to-tank, 0.03347 kg CO2e per kWh (net CV), AR5; a direct factor (test value)."""
    fs = nc.FactorSet.from_factors([
        nc.Factor("fuel.natural_gas", "GB", 2025, "kg/kWh", {"CO2": 0.18}, TEST, stage="combustion"),
        nc.Factor("fuel.natural_gas.wtt", "GB", 2025, "kg/kWh", {"CO2e": 0.03347}, DESNZ_WTT, gwp_basis="AR5"),
    ])
    return fs, nc.Inventory([nc.Activity("fuel.natural_gas", 10_000, "kWh", region="GB", year=2025, scope=1)])


def test_lock_keeps_a_declared_stage_and_by_stage_is_the_same(tmp_path):
    """Regression: a declared stage was dropped (Factor.stage came back None); a key's own stage is not repeated.

    10,000 kWh x 0.18 kg = 1.8 t combustion (scope 1); x 0.03347 kg CO2e = 0.3347 t well-to-tank (scope 3).
    """
    fs, inv = staged()
    em = inv.emissions(fs, upstream=True)
    assert em.by("stage").to_dicts() == [
        {"stage": "combustion", "co2e_t": pytest.approx(1.8, rel=1e-12), "CO2_t": pytest.approx(1.8, rel=1e-12),
         "CO2e_t": 0.0},
        {"stage": "well-to-tank", "co2e_t": pytest.approx(0.3347, rel=1e-12), "CO2_t": 0.0,
         "CO2e_t": pytest.approx(0.3347, rel=1e-12)}]
    again, data = replay(em, inv, tmp_path, upstream=True)
    by_key = {f["key"]: f for f in data["factors"]}
    assert by_key["fuel.natural_gas|GB|2025"]["stage"] == "combustion"
    assert "stage" not in by_key["fuel.natural_gas.wtt|GB|2025"]  # the key .wtt says it
    back = nc.FactorSet.from_lock(tmp_path / "run.lock.json")
    assert [f.stage for f in back] == ["combustion", "well-to-tank"]
    assert list(back) == list(fs)
    assert_same(em, again, "stage")


def uncertain(tmp_path) -> tuple[nc.FactorSet, nc.Inventory]:
    from neutralcore.measure.factorvalue import Interval

    fs = nc.FactorSet.from_factors([
        nc.Factor("fuel.diesel.stationary", "World", 2006, "kg/TJ", {"CO2": 74_100, "CH4": 3, "N2O": 0.6}, TEST,
                  intervals={"CO2": Interval(72_600, 74_800), "CH4": Interval(1, 10, "lognormal"),
                             "N2O": Interval(0.2, 2, "triangular")}),
        nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, SRC, uncertainty=0.05),
    ])
    inv = nc.Inventory([nc.Activity("fuel.diesel.stationary", 40, "TJ", region="VN", year=2023, scope=1),
                        nc.Activity("electricity.grid", 1_200, "MWh", region="VN", year=2023, scope=2)])
    return fs, inv


def test_lock_keeps_published_intervals_and_the_monte_carlo_is_the_same(tmp_path):
    """Regression: per-gas intervals were dropped, so uncertainty() of the replay held the diesel gases fixed."""
    fs, inv = uncertain(tmp_path)
    em = inv.emissions(fs)
    again, data = replay(em, inv, tmp_path)
    grid, diesel = data["factors"]  # in key order
    assert diesel["intervals"]["CH4"] == {"lower": 1.0, "upper": 10.0, "distribution": "lognormal"}
    assert "intervals" not in grid and grid["uncertainty"] == 0.05
    assert_same(em, again)
    a, b = em.uncertainty(2_000, seed=7), again.uncertainty(2_000, seed=7)
    assert a.share_without == b.share_without == 0.0
    assert (a.low, a.median, a.high, a.mean) == (b.low, b.median, b.high, b.mean)


def test_lock_keeps_a_fuel_property_interval_and_a_lent_property_pack(tmp_path):
    """Regression: a property's interval and the pack that lent it were dropped (the matches report then named
    the factor's own pack).

    IPCC 2006 Vol. 2 Table 1.2: gas/diesel oil NCV 43.0 TJ/Gg; its interval here is a test value.
    """
    from neutralcore.measure.factorvalue import Interval

    ipcc = nc.Source("IPCC", "2006 IPCC Guidelines, Vol. 2, Ch. 1, Table 1.2 (gas/diesel oil NCV)", 2006)
    ncv = nc.FuelProperty("ncv", 43.0, "TJ/Gg", ipcc, interval=Interval(41.4, 43.3))
    donor = nc.FactorSet.from_factors([nc.Factor("fuel.diesel.stationary", "World", 2006, "kg/TJ", {"CO2": 74_100},
                                                 IPCC_DIESEL, ncv=ncv)], pack="ipcc")
    mine = nc.FactorSet.from_factors([nc.Factor("fuel.diesel.stationary", "VN", 2023, "kg/TJ", {"CO2": 74_000},
                                                TEST)], pack="mine")
    fs = donor | mine
    inv = nc.Inventory([nc.Activity("fuel.diesel.stationary", 100, "t", region="VN", year=2023, scope=1)])
    em = inv.emissions(fs)
    assert em.total() == pytest.approx(100 * 43.0e-3 * 74_100 / 1_000 * 74_000 / 74_100, rel=1e-12)
    assert em.matches.summary()["properties"] == ["ncv 43 TJ/Gg (ipcc)"]
    again, data = replay(em, inv, tmp_path)
    assert data["factors"][0]["ncv"]["pack"] == "ipcc"
    assert data["factors"][0]["ncv"]["interval"] == {"lower": 41.4, "upper": 43.3, "distribution": "normal"}
    assert again.matches.summary()["properties"] == em.matches.summary()["properties"]
    assert again.factors[0].ncv == em.factors.get("fuel.diesel.stationary", "VN", 2023).ncv
    assert_same(em, again)
    a, b = em.uncertainty(2_000, seed=5), again.uncertainty(2_000, seed=5)  # the NCV's interval is sampled
    assert a.low < a.total < a.high
    assert (a.low, a.median, a.high) == (b.low, b.median, b.high)


def test_lock_keeps_validity_and_overrides_so_the_matches_report_is_the_same(tmp_path):
    """Regression: a pack's validity_years and the packs a factor overrode were dropped: a stale fallback came
    back fresh (and strict=True stopped refusing it) and the overrides column came back empty."""
    old = nc.FactorSet.from_factors([nc.Factor("electricity.grid", "VN", 2020, "t/MWh", {"CO2": 0.8}, TEST)],
                                    pack="old")
    new = nc.FactorSet.from_factors([nc.Factor("electricity.grid", "VN", 2020, "t/MWh", {"CO2": 0.7}, TEST)],
                                    pack="new", validity_years=2)
    fs = old | new
    inv = nc.Inventory([nc.Activity("electricity.grid", 1_000, "MWh", region="VN", year=2024, scope=2)])
    em = inv.emissions(fs)
    again, data = replay(em, inv, tmp_path)
    assert data["factors"][0]["validity_years"] == 2 and data["factors"][0]["overrides"] == "old"
    assert em.matches.summary().to_dicts() == again.matches.summary().to_dicts()
    assert again.matches.summary()["stale"] == [True] and again.matches.summary()["overrides"] == ["old"]
    assert_same(em, again)
    with pytest.raises(nc.FallbackError):
        inv.emissions(nc.FactorSet.from_lock(tmp_path / "run.lock.json"), strict=True)


def test_a_field_from_a_later_version_is_refused_not_dropped(tmp_path):
    path = tmp_path / "run.lock.json"
    inventory().emissions(factors()).lock(path)
    data = json.loads(path.read_text())
    f = data["factors"][0]
    f["carbon_content"] = 20.2
    f["hash"] = nc.measure.lock.factor_hash(f)
    path.write_text(json.dumps(data))
    with pytest.raises(nc.InputError) as err:
        nc.FactorSet.from_lock(path)
    assert "carbon_content" in str(err.value) and err.value.column == "factors" and err.value.rows == [0]


def test_lock_diff_names_each_changed_field(tmp_path):
    fs, inv = staged()
    a = inv.emissions(fs, upstream=True).lock(tmp_path / "a.json")
    b_fs = nc.FactorSet.from_factors([
        nc.Factor("fuel.natural_gas", "GB", 2025, "kg/kWh", {"CO2": 0.18}, TEST),
        nc.Factor("fuel.natural_gas.wtt", "GB", 2025, "kg/kWh", {"CO2e": 0.03021}, DESNZ_WTT, gwp_basis="AR5",
                  energy_basis="gcv"),
    ])
    b = inv.emissions(b_fs, upstream=True).lock(tmp_path / "b.json")
    rows = [(r["key"], r["field"], r["gas"], r["before"], r["after"], r["status"]) for r in lock_diff(a, b).to_dicts()]
    assert rows == [
        ("fuel.natural_gas.wtt|GB|2025", "value", "CO2e", 0.03347, 0.03021, "changed"),
        ("fuel.natural_gas.wtt|GB|2025", "energy_basis", None, None, "gcv", "added"),
        ("fuel.natural_gas|GB|2025", "stage", None, "combustion", None, "removed"),
    ]
    fs2, inv2 = uncertain(tmp_path)
    c = inv2.emissions(fs2).lock(tmp_path / "c.json")
    d_fs = nc.FactorSet.from_factors([fs2[0], nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, SRC,
                                                        uncertainty=0.1)])
    d = inv2.emissions(d_fs).lock(tmp_path / "d.json")
    diff = lock_diff(c, d).to_dicts()
    assert [(r["field"], r["before"], r["after"], r["status"]) for r in diff] == [("uncertainty", 0.05, 0.1, "changed")]
    assert diff[0]["change"] == pytest.approx(1.0)


# -- a hypothesis round trip over generated factors ------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from neutralcore.gwp import gwp_vector  # noqa: E402
from neutralcore.measure.factorvalue import DISTRIBUTIONS, Interval  # noqa: E402

GEN = nc.Source("Test publisher", "generated factors for the lockfile round trip (not published values)", 2024)
#: per kind of factor: its unit, the activity unit of its rows
KINDS = {"energy": ("kg/TJ", "TJ"), "mass": ("kg/TJ", "t"), "gross": ("kg/MMBtu", "scf"), "spend": ("kg/USD", "USD"),
         "plain": ("t/MWh", "MWh")}


@st.composite
def generated_factor(draw, i: int) -> tuple[nc.Factor, str]:
    kind = draw(st.sampled_from(sorted(KINDS)))
    unit, row_unit = KINDS[kind]
    gases = draw(st.dictionaries(st.sampled_from(["CO2", "CH4", "N2O"]), st.floats(1e-3, 1e5), min_size=1))
    intervals = {}
    for gas, v in gases.items():
        if draw(st.booleans()):
            lo, hi = draw(st.floats(0.0, 0.9)), draw(st.floats(0.0, 2.0))
            intervals[gas] = Interval(v * (1 - lo), v * (1 + hi), draw(st.sampled_from(DISTRIBUTIONS)))
    extra: dict = {}
    if draw(st.booleans()):
        extra["uncertainty"] = draw(st.floats(0.0, 0.5))
    if draw(st.booleans()):
        extra["stage"] = "combustion"
    if draw(st.booleans()):
        weights = gwp_vector(tuple(gases), "AR5")
        extra["co2e_total"] = math.fsum(v * w for v, w in zip(gases.values(), weights))
        extra["gwp_basis"] = "AR5"
    value = draw(st.floats(0.5, 60.0)) if kind == "mass" else draw(st.floats(0.01, 1.2))  # TJ/Gg; MMBtu/Mcf
    bounds = draw(st.one_of(st.none(), st.just(Interval(value * 0.95, value * 1.05))))
    if kind == "mass":
        extra["ncv"] = nc.FuelProperty("ncv", value, "TJ/Gg", GEN, interval=bounds)
    elif kind == "gross":
        extra["energy_basis"] = "gcv"
        extra["gcv"] = nc.FuelProperty("gcv", value, "MMBtu/Mcf", GEN, interval=bounds)
    elif kind == "spend":
        extra["price_year"] = 2020
    f = nc.Factor(f"test.fuel{i:02d}", "World", 2020, unit, gases, GEN, intervals=intervals, **extra)
    return f, row_unit


@st.composite
def generated_run(draw) -> tuple[nc.FactorSet, nc.Inventory]:
    n = draw(st.integers(1, 5))
    made = [draw(generated_factor(i)) for i in range(n)]
    validity = draw(st.one_of(st.none(), st.integers(0, 3)))
    fs = nc.FactorSet.from_factors([f for f, _ in made], validity_years=validity)  # in key order, every one used
    rows = [nc.Activity(f.activity, draw(st.floats(0.01, 1e4)), unit, region="VN",
                        year=2020 if f.price_year else 2020 + draw(st.integers(0, 4)), scope=draw(st.sampled_from([1, 3])))
            for f, unit in made for _ in range(draw(st.integers(1, 3)))]
    return fs, nc.Inventory(rows)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated_run())
def test_generated_factors_round_trip_through_the_lockfile(run):
    import tempfile
    from pathlib import Path

    fs, inv = run
    em = inv.emissions(fs)
    with tempfile.TemporaryDirectory() as tmp:
        data = em.lock(Path(tmp) / "a.json")
        back = nc.FactorSet.from_lock(Path(tmp) / "a.json")
        again = inv.emissions(back, gwp=data["gwp"])
        assert list(back) == list(fs)
        assert again.lock(Path(tmp) / "b.json")["factors"] == data["factors"]
    assert_same(em, again)
    assert em.matches.summary().to_dicts() == again.matches.summary().to_dicts()
    a, b = em.uncertainty(200, seed=11), again.uncertainty(200, seed=11)
    assert (a.low, a.median, a.high, a.share_without) == (b.low, b.median, b.high, b.share_without)


def test_lock_keeps_a_fuel_property_note(tmp_path):
    """Regression: a fuel property's notes (how a derived property was worked out) were not written.

    IPCC 2006 Vol. 2 Table 1.2: gas/diesel oil NCV 43.0 TJ/Gg; 100 t x 0.043 TJ/t x 74,100 kg/TJ = 318.63 t CO2.
    """
    ipcc = nc.Source("IPCC", "2006 IPCC Guidelines, Vol. 2, Ch. 1, Table 1.2 (gas/diesel oil NCV)", 2006)
    note = "Table 1.2 default NCV; the interval is not used here"
    ncv = nc.FuelProperty("ncv", 43.0, "TJ/Gg", ipcc, notes=note)
    fs = nc.FactorSet.from_factors([nc.Factor("fuel.diesel.stationary", "World", 2006, "kg/TJ", {"CO2": 74_100},
                                              IPCC_DIESEL, ncv=ncv)])
    inv = nc.Inventory([nc.Activity("fuel.diesel.stationary", 100, "t", region="World", year=2006, scope=1)])
    em = inv.emissions(fs)
    again, data = replay(em, inv, tmp_path)
    assert data["factors"][0]["ncv"]["notes"] == note
    assert nc.FactorSet.from_lock(tmp_path / "run.lock.json")[0].ncv.notes == note
    assert em.total() == pytest.approx(318.63, rel=1e-12)
    assert_same(em, again)
    # a property without notes is written as before: no "notes" key
    plain = nc.FactorSet.from_factors([nc.Factor("fuel.diesel.stationary", "World", 2006, "kg/TJ", {"CO2": 74_100},
                                                 IPCC_DIESEL, ncv=nc.FuelProperty("ncv", 43.0, "TJ/Gg", ipcc))])
    assert "notes" not in inv.emissions(plain).lock(tmp_path / "plain.json")["factors"][0]["ncv"]


def rehash(path, edit) -> None:
    """Apply *edit* to the first factor of the lockfile at *path* and give it a matching hash."""
    data = json.loads(path.read_text())
    edit(data["factors"][0])
    data["factors"][0]["hash"] = nc.measure.lock.factor_hash(data["factors"][0])
    path.write_text(json.dumps(data))


@pytest.mark.parametrize("edit", [
    lambda f: f.update(unit="t/banana"),          # a unit the factor class refuses
    lambda f: f["gases"].update(CO2=-1.0),        # a negative value
    lambda f: f.pop("activity"),                  # a missing field
    lambda f: f["source"].pop("publisher"),       # a source without its publisher
], ids=["unit", "negative", "missing", "source"])
def test_every_rebuild_error_names_the_lockfile_and_the_factor(tmp_path, edit):
    """Regression: a factor the Factor class refused raised its own error, naming neither file nor factor."""
    path = tmp_path / "run.lock.json"
    inventory().emissions(factors()).lock(path)
    rehash(path, edit)
    with pytest.raises(nc.InputError) as err:
        nc.FactorSet.from_lock(path)
    assert err.value.source == str(path) and err.value.column == "factors" and err.value.rows == [0]
    assert "electricity.grid|VN|2023" in str(err.value) and str(path) in str(err.value)
    assert err.value.__cause__ is not None


def test_a_bad_fallback_order_names_the_lockfile(tmp_path):
    path = tmp_path / "run.lock.json"
    inventory().emissions(factors()).lock(path)
    data = json.loads(path.read_text())
    data["fallback_order"] = "sideways"
    path.write_text(json.dumps(data))
    with pytest.raises(nc.InputError) as err:
        nc.FactorSet.from_lock(path)
    assert err.value.source == str(path) and err.value.__cause__ is not None


# -- run options and replay ------------------------------------------------------------------------------------

def spend_run(eur_usd: float = 1.0813) -> tuple[nc.Emissions, nc.Inventory, nc.ExchangeRates, nc.PriceIndex]:
    """1,000 EUR spent in 2023 on steel with a factor of 0.5 kg CO2 per USD at 2018 prices (test values):
    1,000 EUR x 1.0813 USD/EUR x 100/118 x 0.5 kg = 0.458178 t CO2 (to 6 decimals)."""
    rates = nc.ExchangeRates.from_rows([(2023, "EUR", "USD", eur_usd, TEST), (2023, "USD", "VND", 23_787.0, TEST),
                                        (2022, "EUR", "USD", 1.0530, TEST)])  # the last two are not used
    prices = nc.PriceIndex.from_rows([("USD", 2018, 100.0, TEST), ("USD", 2023, 118.0, TEST),
                                      ("USD", 2020, 105.0, TEST)])  # 2020 is not used
    fs = nc.FactorSet.from_factors([nc.Factor("purchased.goods.steel", "World", 2018, "kg/USD", {"CO2": 0.5}, TEST,
                                              price_year=2018)])
    inv = nc.Inventory([nc.Activity("purchased.goods.steel", 1_000, "EUR", region="VN", year=2023, scope=3)])
    return inv.emissions(fs, rates=rates, prices=prices), inv, rates, prices


def test_lock_records_the_rate_and_index_rows_used_with_their_sources(tmp_path):
    """Regression: rates= and prices= were not in the lockfile, so the replay raised DimensionError."""
    from neutralcore.measure.replay import replay as rerun

    em, inv, _, _ = spend_run()
    assert round(em.total(), 6) == 0.458178
    data = em.lock(tmp_path / "run.lock.json")
    test_source = {"publisher": TEST.publisher, "document": TEST.document, "year": 2024, "url": None, "note": None}
    assert data["options"] == {
        "rates": [{"year": 2023, "from": "EUR", "to": "USD", "rate": 1.0813, "source": test_source}],
        "prices": [{"currency": "USD", "year": 2018, "value": 100.0, "source": test_source},
                   {"currency": "USD", "year": 2023, "value": 118.0, "source": test_source}]}
    r = rerun(tmp_path / "run.lock.json", inv)
    assert r.same and r.emissions.total() == em.total()
    assert "same figures" in str(r)


def test_lock_diff_and_replay_name_a_changed_rate(tmp_path):
    a = spend_run()[0].lock(tmp_path / "a.json")
    b = spend_run(eur_usd=1.09)[0].lock(tmp_path / "b.json")
    rows = [(r["key"], r["field"], r["before"], r["after"], r["status"]) for r in lock_diff(a, b).to_dicts()]
    assert rows == [("options", "rates.2023 EUR->USD.rate", 1.0813, 1.09, "changed")]


def test_lock_records_strict_and_upstream_and_replay_uses_them(tmp_path):
    from neutralcore.measure.replay import replay as rerun

    fs, inv = staged()
    em = inv.emissions(fs, upstream=True, strict=True)
    data = em.lock(tmp_path / "run.lock.json")
    assert data["options"] == {"strict": True, "upstream": True}
    r = rerun(tmp_path / "run.lock.json", inv)
    assert r.same and r.emissions.by("stage").to_dicts() == em.by("stage").to_dicts()
    assert r.emissions.total() == pytest.approx(1.8 + 0.3347, rel=1e-12)
    # the same factors without upstream: the option is what differs
    plain = inv.emissions(fs).lock(tmp_path / "plain.json")
    assert "options" not in plain
    assert ("options", "upstream", True, None, "removed") in [
        (r["key"], r["field"], r["before"], r["after"], r["status"]) for r in lock_diff(data, plain).to_dicts()]


def test_replay_says_the_inventory_differs(tmp_path):
    """1,200 MWh locked, 1,300 MWh replayed at 0.6592 t/MWh: 791.04 t then 856.96 t."""
    from neutralcore.measure.replay import replay as rerun

    src = nc.Source("MONRE/DCC", "Viet Nam grid emission factor 2023", 2024)
    fs = nc.FactorSet.from_factors([nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, src)])
    one = lambda mwh: nc.Inventory([nc.Activity("electricity.grid", mwh, "MWh", region="VN", year=2023,  # noqa: E731
                                                scope=2)])
    one(1_200).emissions(fs).lock(tmp_path / "run.lock.json")
    r = rerun(tmp_path / "run.lock.json", one(1_300))
    assert not r.same
    assert [(d["key"], d["field"]) for d in r.differences.to_dicts()] == [("inventory", "digest"), ("total", "total_t")]
    assert r.differences.to_dicts()[1]["before"] == 791.04 and round(r.differences.to_dicts()[1]["after"], 6) == 856.96
    other = nc.Inventory([nc.Activity("fuel.coal", 1, "TJ", region="VN", year=2023, scope=1)])
    with pytest.raises(nc.InputError) as err:
        rerun(tmp_path / "run.lock.json", other)
    assert err.value.source == str(tmp_path / "run.lock.json") and err.value.__cause__ is not None


def test_an_unknown_option_is_refused(tmp_path):
    path = tmp_path / "run.lock.json"
    inventory().emissions(factors()).lock(path)
    data = json.loads(path.read_text())
    data["options"] = {"carbon_price": 80}
    path.write_text(json.dumps(data))
    with pytest.raises(nc.InputError) as err:
        nc.FactorSet.from_lock(path)
    assert "carbon_price" in str(err.value) and err.value.column == "options"


def test_a_market_based_run_replays_with_its_instruments_and_residual_mix(tmp_path):
    """Regression: instruments were not locked, nor the residual mix. 10,000 MWh, 6,000 MWh of RECs (rate 0),
    residual mix 0.6 t/MWh on the 4,000 MWh left: 2,400 t market-based (grid 0.5: 5,000 t location-based)."""
    from neutralcore.measure.replay import replay as rerun

    src = nc.Source("Example", "worked example of the GHG Protocol Scope 2 hierarchy", 2015)
    fs = nc.FactorSet.from_factors([nc.Factor("electricity.grid", "XA", 2024, "t/MWh", {"CO2": 0.5}, src),
                                    nc.Factor("electricity.grid.residual", "XA", 2024, "t/MWh", {"CO2": 0.6}, src)])
    inv = nc.Inventory([nc.Activity("electricity.grid", 10_000, "MWh", region="XA", year=2024, scope=2)])
    recs = [nc.ContractualInstrument("REC", 6_000, market="XA", vintage=2024, retired_for="Acme")]
    em = inv.emissions(fs, scope2="market", instruments=recs, entity="Acme")
    data = em.lock(tmp_path / "run.lock.json")
    assert data["options"]["scope2"]["instruments"][0]["mwh"] == 6_000.0 and data["options"]["scope2"]["entity"] == "Acme"
    assert [f["key"] for f in data["factors"]] == ["electricity.grid|XA|2024", "electricity.grid.residual|XA|2024"]
    r = rerun(tmp_path / "run.lock.json", inv)
    assert r.same and r.emissions.total() == pytest.approx(2_400.0, rel=1e-12)
    assert r.emissions.scope2.location_total() == pytest.approx(5_000.0, rel=1e-12)


def test_replay_refuses_what_is_not_an_inventory(tmp_path):
    from neutralcore.measure.replay import replay

    with pytest.raises(nc.InputError, match="replay\\(\\) needs the Inventory the run was given, got list") as info:
        replay(tmp_path / "run.lock", [("fuel.diesel", 10.0)])  # type: ignore[arg-type]
    assert info.value.source == str(tmp_path / "run.lock")
