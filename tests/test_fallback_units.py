"""More than one unit per key: the matcher picks the factor whose dimension fits the row's unit."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neutralcore as nc
from neutralcore.measure import coverage

SRC = nc.Source("test", "synthetic factors in two units", 2024)
# one key, two units: 2.68 kg CO2 per litre and 0.267 kg CO2 per kWh (made-up round numbers)
PER_L = nc.Factor("fuel.diesel.stationary", "VN", 2023, "kg/L", {"CO2": 2.68}, SRC)
PER_KWH = nc.Factor("fuel.diesel.stationary", "VN", 2023, "kg/kWh", {"CO2": 0.267}, SRC)
PER_KM = nc.Factor("transport.car", "VN", 2023, "kg/km", {"CO2": 0.17}, SRC)
CAR_PER_L = nc.Factor("transport.car", "VN", 2023, "kg/L", {"CO2": 2.3}, SRC)


def _row(activity, q, unit, year=2023):
    return nc.Activity(activity, q, unit, region="VN", year=year, scope=1)


def test_each_row_takes_the_factor_of_its_dimension():
    fs = nc.FactorSet.from_factors([PER_L, PER_KWH, PER_KM, CAR_PER_L])
    inv = nc.Inventory([_row("fuel.diesel.stationary", 1_000, "L"), _row("fuel.diesel.stationary", 2, "MWh"),
                        _row("transport.car", 10_000, "km"), _row("transport.car", 500, "L"),
                        _row("fuel.diesel.stationary", 1, "m^3")])
    res = inv.emissions(fs)
    # 1,000 L x 2.68 kg = 2.68 t; 2 MWh = 2,000 kWh x 0.267 kg = 0.534 t; 10,000 km x 0.17 kg = 1.7 t;
    # 500 L x 2.3 kg = 1.15 t; 1 m^3 = 1,000 L x 2.68 kg = 2.68 t
    assert res.row_co2e().tolist() == pytest.approx([2.68, 0.534, 1.7, 1.15, 2.68])
    assert [res.matches.factor(i).unit for i in range(5)] == ["kg/L", "kg/kWh", "kg/km", "kg/L", "kg/L"]
    assert not res.matches.fallback.any()
    s = res.matches.summary()  # one line per (activity, region, year, dimension): L and m^3 rows share theirs
    assert sorted(zip(s["activity"], s["unit"], s["rows"])) == [
        ("fuel.diesel.stationary", "kg/L", 2), ("fuel.diesel.stationary", "kg/kWh", 1),
        ("transport.car", "kg/L", 1), ("transport.car", "kg/km", 1)]


def test_the_dimension_first_then_the_fallback_rules():
    """A km row in 2024 takes the 2023 per-km factor even though a 2024 per-litre factor exists (never converted)."""
    newer = nc.Factor("transport.car", "VN", 2024, "kg/L", {"CO2": 2.31}, SRC)
    inv = nc.Inventory([_row("transport.car", 100, "km", year=2024), _row("transport.car", 100, "L", year=2024)])
    res = inv.emissions(nc.FactorSet.from_factors([PER_KM, CAR_PER_L, newer]))
    assert res.row_co2e().tolist() == pytest.approx([0.017, 0.231])
    assert [res.matches[i]["year_used"] for i in range(2)] == [2023, 2024]


def test_a_row_in_a_third_dimension_is_ambiguous():
    """kg of diesel fits neither per litre nor per kWh: which property to convert through is not guessed."""
    inv = nc.Inventory([_row("fuel.diesel.stationary", 100, "kg")])
    with pytest.raises(nc.DimensionError, match="ambiguous") as info:
        inv.emissions(nc.FactorSet.from_factors([PER_L, PER_KWH]))
    assert "'L'" in str(info.value) and "'kWh'" in str(info.value)


def test_two_factors_of_one_dimension_are_refused_naming_both():
    per_m3 = nc.Factor("fuel.diesel.stationary", "VN", 2023, "kg/m^3", {"CO2": 2680}, SRC)
    with pytest.raises(nc.InputError, match=r"item 0 per 'L' and item 1 per 'm\^3'") as info:
        nc.FactorSet.from_factors([PER_L, per_m3])
    assert info.value.rows == [0, 1]


def test_get_keeps_a_clear_meaning():
    fs = nc.FactorSet.from_factors([PER_L, PER_KWH])
    with pytest.raises(nc.InputError, match="give unit="):
        fs.get("fuel.diesel.stationary", "VN", 2023)
    assert fs.get("fuel.diesel.stationary", "VN", 2023, unit="MWh") == PER_KWH
    assert fs.get("fuel.diesel.stationary", "VN", 2023, unit="L") == PER_L
    assert fs.get("fuel.diesel.stationary", "VN", 2023, unit="km") is None
    single = nc.FactorSet.from_factors([PER_L])
    assert single.get("fuel.diesel.stationary", "VN", 2023) == PER_L
    assert coverage(fs, "VN").row(0)["unit"] == "kg/L; kg/kWh"


def test_merge_keeps_both_units_and_replaces_within_one():
    a = nc.FactorSet.from_factors([PER_L], pack="a")
    b = nc.FactorSet.from_factors([PER_KWH], pack="b")
    c = nc.FactorSet.from_factors([nc.Factor("fuel.diesel.stationary", "VN", 2023, "kg/L", {"CO2": 2.7}, SRC)], pack="c")
    merged = nc.FactorSet.merge(a, b, c)
    assert len(merged) == 2
    assert merged.get("fuel.diesel.stationary", "VN", 2023, unit="L").gases["CO2"] == 2.7
    assert merged.get("fuel.diesel.stationary", "VN", 2023, unit="kWh").pack == "b"


def test_factor_file_with_two_units_per_key(tmp_path):
    path = tmp_path / "f.csv"
    head = "activity,region,year,gas,value,unit,publisher,document,source_year\n"
    path.write_text(head + "fuel.diesel.stationary,VN,2023,CO2,2.68,kg/L,T,D,2024\n"
                    "fuel.diesel.stationary,VN,2023,CH4,0.0001,kg/L,T,D,2024\n"
                    "fuel.diesel.stationary,VN,2023,CO2,0.267,kg/kWh,T,D,2024\n", encoding="utf-8")
    fs = nc.FactorSet.read_csv(path)
    assert len(fs) == 2 and dict(fs.get("fuel.diesel.stationary", "VN", 2023, unit="L").gases) == {"CO2": 2.68, "CH4": 0.0001}
    path.write_text(head + "fuel.diesel.stationary,VN,2023,CO2,2.68,kg/L,T,D,2024\n"
                    "fuel.diesel.stationary,VN,2023,CH4,0.1,kg/m^3,T,D,2024\n", encoding="utf-8")
    with pytest.raises(nc.SchemaError, match="same dimension") as info:
        nc.FactorSet.read_csv(path)
    assert info.value.line == 3


def test_get_takes_the_exact_activity_not_its_family():
    """electricity.grid has a family (electricity.grid.ets ...): get() is the exact key's factor (MEE/NBS CN 2021)."""
    china = nc.load_factors("china")
    assert china.get("electricity.grid", "CN", 2021).activity == "electricity.grid"
    assert china.get("electricity.grid.ets", "CN", 2021).gases["CO2"] == 0.5810


KEYS = st.sets(st.tuples(st.sampled_from(["CN-JS", "CN-EAST", "CN", "World"]), st.sampled_from(range(2018, 2025))),
               max_size=8)


@settings(max_examples=40, deadline=None)
@given(per_l=KEYS, per_kwh=KEYS, prefer=st.sampled_from(["year", "region"]))
def test_a_row_matches_as_if_only_its_dimension_existed(per_l, per_kwh, prefer):
    """A litre row is matched exactly as in a set of the per-litre factors alone, whenever its chain has one."""
    regions = {"CN": {}, "CN-EAST": "CN", "CN-JS": "CN-EAST"}
    litre = [nc.Factor("fuel.diesel.stationary", r, y, "kg/L", {"CO2": 2.68}, SRC) for r, y in sorted(per_l)]
    kwh = [nc.Factor("fuel.diesel.stationary", r, y, "kg/kWh", {"CO2": 0.267}, SRC) for r, y in sorted(per_kwh)]
    both = nc.FactorSet.from_factors(litre + kwh, regions=regions).with_fallback(prefer)
    alone = nc.FactorSet.from_factors(litre, regions=regions).with_fallback(prefer)
    rows = [nc.Activity("fuel.diesel.stationary", 1, "L", region="CN-JS", year=y, scope=1) for y in range(2018, 2026)]
    for row in rows:
        inv = nc.Inventory([row])
        try:
            want = inv.emissions(alone).matches[0]
        except nc.FactorNotFoundError:
            continue  # no per-litre factor in the chain: another dimension may be bridged (or it is an error)
        got = inv.emissions(both).matches[0]
        assert (got["region_used"], got["year_used"], got["factor"].unit) == (want["region_used"], want["year_used"], "kg/L")
