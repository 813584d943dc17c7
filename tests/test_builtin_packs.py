"""The built-in packs loaded through the registry: published values, two factory inventories
worked by hand, and the merge precedence.

Published values typed in by hand (not read from the pack files):

* Viet Nam grid, MONRE/DCC (summary table on climatechange.vn): 2014 0.6612, 2015 0.8154,
  2016 0.9185, 2017 0.8649, 2018 0.9130, 2019 0.8458, 2020 0.8041, 2021 0.7221, 2022 0.6766,
  2023 0.6592 t CO2/MWh.
* China, MEE/NBS electricity CO2 factors: national 2021 0.5568, 2022 0.5366, 2023 0.5306;
  East China grid 2021 0.5992, 2022 0.5617, 2023 0.5500; Jiangsu 2021 0.6451, 2022 0.5978,
  2023 0.5827; MEE carbon-market factor 2021 0.5810, 2022 0.5703.
* IPCC 2006 GL Vol.2 Table 2.3 (manufacturing), kg/TJ: gas/diesel oil 74,100 CO2, 3 CH4,
  0.6 N2O; LPG 63,100 / 1 / 0.1; natural gas 56,100 / 1 / 0.1.  Table 1.2 NCV: diesel
  43.0, LPG 47.3, natural gas 48.0 TJ/Gg.
* IPCC 2006 GL Vol.2 Ch.3, road transport, kg/TJ: Table 3.2.1 CO2 gas/diesel oil 74,100, motor
  gasoline 69,300; Table 3.2.2 CH4/N2O gas/diesel oil 3.9 / 3.9, motor gasoline uncontrolled 33 / 3.2,
  oxidation catalyst 25 / 8.0, low-mileage light duty vehicle vintage 1995 or later 3.8 / 5.7.
* Statistics Canada 57-601-X (2012), approximate weight of one cubic metre: diesel 839.5 kg.
* GWP100 AR5 (IPCC AR5 WG1 Table 8.A.1): CH4 28, N2O 265.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import neutralcore as nc

VN_GRID = {2014: 0.6612, 2015: 0.8154, 2016: 0.9185, 2017: 0.8649, 2018: 0.9130,
           2019: 0.8458, 2020: 0.8041, 2021: 0.7221, 2022: 0.6766, 2023: 0.6592}


@pytest.fixture(scope="module")
def builtins():
    return nc.load_factors("vietnam", "china", "ipcc")


# -- shipped values equal the published tables ----------------------------------------------------


@pytest.mark.parametrize("year, value", sorted(VN_GRID.items()))
def test_vietnam_grid_series(year, value):
    f = nc.load_factors("vietnam").get("electricity.grid", "VN", year)
    assert f.gases == {"CO2": pytest.approx(value, abs=1e-12)}
    assert (f.unit, f.pack) == ("t/MWh", "vietnam")
    assert "Department of Climate Change" in f.source.publisher


@pytest.mark.parametrize(
    "activity, region, year, value",
    [
        ("electricity.grid", "CN", 2021, 0.5568),
        ("electricity.grid", "CN", 2022, 0.5366),
        ("electricity.grid", "CN", 2023, 0.5306),
        ("electricity.grid", "CN-EAST", 2021, 0.5992),
        ("electricity.grid", "CN-EAST", 2022, 0.5617),
        ("electricity.grid", "CN-EAST", 2023, 0.5500),
        ("electricity.grid", "CN-JS", 2021, 0.6451),
        ("electricity.grid", "CN-JS", 2022, 0.5978),
        ("electricity.grid", "CN-JS", 2023, 0.5827),
        ("electricity.grid.ets", "CN", 2021, 0.5810),
        ("electricity.grid.ets", "CN", 2022, 0.5703),
    ],
)
def test_china_values(activity, region, year, value):
    f = nc.load_factors("china").get(activity, region, year)
    assert f.gases == {"CO2": pytest.approx(value, abs=1e-12)}
    assert f.pack == "china"
    assert nc.load_factors("china").get("electricity.grid", "CN-JS", 2023).gases["CO2"] == 0.5827


@pytest.mark.parametrize(
    "fuel, co2, ch4, n2o, ncv",
    [("diesel", 74100, 3, 0.6, 43.0), ("lpg", 63100, 1, 0.1, 47.3), ("natural_gas", 56100, 1, 0.1, 48.0)],
)
def test_ipcc_stationary_defaults(fuel, co2, ch4, n2o, ncv):
    f = nc.load_factors("ipcc").get(f"fuel.{fuel}.stationary", "World", 2006)
    assert f.unit == "kg/TJ"
    assert f.gases == {"CO2": pytest.approx(co2, abs=1e-9), "CH4": pytest.approx(ch4, abs=1e-12),
                       "N2O": pytest.approx(n2o, abs=1e-12)}
    assert (f.ncv.value, f.ncv.unit) == (pytest.approx(ncv, abs=1e-12), "TJ/Gg")


def test_diesel_density_from_statistics_canada():
    f = nc.load_factors("ipcc").get("fuel.diesel.stationary", "World", 2006)
    assert (f.density.value, f.density.unit) == (pytest.approx(839.5, abs=1e-12), "kg/m^3")
    assert f.density.source.publisher == "Statistics Canada"


@pytest.mark.parametrize(
    "activity, co2, ch4, n2o, ncv, density",
    [
        ("fuel.diesel.mobile.road", 74100, 3.9, 3.9, 43.0, 839.5),
        ("fuel.gasoline.mobile.road.uncontrolled", 69300, 33, 3.2, 44.3, 745.2),
        ("fuel.gasoline.mobile.road.oxidation_catalyst", 69300, 25, 8.0, 44.3, 745.2),
        ("fuel.gasoline.mobile.road.low_mileage_ldv_1995", 69300, 3.8, 5.7, 44.3, 745.2),
    ],
)
def test_ipcc_road_defaults(activity, co2, ch4, n2o, ncv, density):
    f = nc.load_factors("ipcc").get(activity, "World", 2006)
    assert f.unit == "kg/TJ"
    assert f.gases == {"CO2": pytest.approx(co2, abs=1e-9), "CH4": pytest.approx(ch4, abs=1e-12),
                       "N2O": pytest.approx(n2o, abs=1e-12)}
    assert (f.ncv.value, f.ncv.unit) == (pytest.approx(ncv, abs=1e-12), "TJ/Gg")
    assert (f.density.value, f.density.unit) == (pytest.approx(density, abs=1e-12), "kg/m^3")
    assert "Table 3.2.2" in f.source.document


# -- factory inventories worked by hand ----------------------------------------------------------


def test_diesel_truck_litres(builtins):
    """A diesel truck in Viet Nam, 2023, burns 1,000 L of gas/diesel oil (IPCC road defaults, AR5).

    Litres: 1,000 L = 1 m3 x 839.5 kg/m3 = 839.5 kg = 0.0008395 Gg
    Energy: 0.0008395 Gg x 43.0 TJ/Gg                        = 0.0360985 TJ
    CO2:    0.0360985 x 74,100 kg/TJ (Table 3.2.1)          = 2,674.89885 kg
    CH4:    0.0360985 x 3.9 kg/TJ (Table 3.2.2) = 0.14078415 kg x 28  = 3.9419562 kg CO2e
    N2O:    0.0360985 x 3.9 kg/TJ (Table 3.2.2) = 0.14078415 kg x 265 = 37.30779975 kg CO2e
    CO2e:   2,674.89885 + 3.9419562 + 37.30779975           = 2,716.14860595 kg = 2.71614860595 t
    """
    inv = nc.Inventory([nc.Activity("fuel.diesel.mobile.road", 1000, "L", region="VN", year=2023, scope=1)])
    res = inv.emissions(builtins, gwp="AR5")
    assert res.total() == pytest.approx(2.71614860595, rel=1e-12)
    per_gas = {row["gas"]: row for row in res.per_gas()}
    assert per_gas["CO2"]["mass_t"] == pytest.approx(2.67489885, rel=1e-12)
    assert per_gas["CH4"]["mass_t"] == pytest.approx(0.00014078415, rel=1e-12)
    assert per_gas["N2O"]["mass_t"] == pytest.approx(0.00014078415, rel=1e-12)
    m = res.matches[0]
    # Viet Nam's Decision 2626/QD-BTNMT row (the same IPCC defaults) is matched before the World row
    assert (m["factor"].pack, m["region_used"], m["year_used"]) == ("vietnam", "VN", 2022)




def test_binh_duong_factory(builtins):
    """Binh Duong, Viet Nam, 2023: grid electricity, a diesel generator (litres), LPG boilers (kg).

    Grid:   4,200 MWh x 0.6592 t/MWh                         = 2,768.64 t CO2
    Diesel: 15,000 L = 15 m3 x 839.5 kg/m3 = 12,592.5 kg = 0.0125925 Gg
            x 43.0 TJ/Gg                                     = 0.5414775 TJ
            CO2 0.5414775 x 74,100 = 40,123.48275 kg;  CH4 x 3 = 1.6244325 kg;  N2O x 0.6 = 0.3248865 kg
    LPG:    80,000 kg = 0.08 Gg x 47.3 TJ/Gg                 = 3.784 TJ
            CO2 3.784 x 63,100 = 238,770.4 kg;  CH4 x 1 = 3.784 kg;  N2O x 0.1 = 0.3784 kg
    CO2  = 2,768.64 + 40.12348275 + 238.7704                  = 3,047.53388275 t
    CH4  = 1.6244325 + 3.784 = 5.4084325 kg x 28              = 0.15143611 t CO2e
    N2O  = 0.3248865 + 0.3784 = 0.7032865 kg x 265            = 0.1863709225 t CO2e
    CO2e = 3,047.53388275 + 0.15143611 + 0.1863709225         = 3,047.8716897825 t
    Scope 2 = 2,768.64 t;  scope 1 = 3,047.8716897825 - 2,768.64 = 279.2316897825 t
    """
    inv = nc.Inventory([
        nc.Activity("electricity.grid", 4200, "MWh", region="VN", year=2023, scope=2, site="binh-duong"),
        nc.Activity("fuel.diesel.stationary", 15_000, "L", region="VN", year=2023, scope=1, site="binh-duong"),
        nc.Activity("fuel.lpg.stationary", 80_000, "kg", region="VN", year=2023, scope=1, site="binh-duong"),
    ])
    res = inv.emissions(builtins, gwp="AR5")
    assert res.total() == pytest.approx(3047.8716897825, rel=1e-12)
    per_gas = {row["gas"]: row for row in res.per_gas()}
    assert per_gas["CO2"]["mass_t"] == pytest.approx(3047.53388275, rel=1e-12)
    assert per_gas["CH4"]["mass_t"] == pytest.approx(0.0054084325, rel=1e-12)
    assert per_gas["N2O"]["mass_t"] == pytest.approx(0.0007032865, rel=1e-12)
    by_scope = {row["scope"]: row["co2e_t"] for row in res.by("scope")}
    assert by_scope[2] == pytest.approx(2768.64, rel=1e-12)
    assert by_scope[1] == pytest.approx(279.2316897825, rel=1e-12)
    # which pack each row used: the grid from vietnam (exact), the fuels from ipcc (World, 2006)
    assert [res.matches[i]["factor"].pack for i in range(3)] == ["vietnam", "ipcc", "ipcc"]
    assert res.matches[0]["region_fallback"] is False and res.matches[0]["year_fallback"] is False
    assert (res.matches[1]["region_used"], res.matches[1]["year_used"]) == ("World", 2006)


def test_jiangsu_factory_uses_the_provincial_factor(builtins):
    """Suzhou, Jiangsu, 2023: Jiangsu's own 2023 factor (公告2025年第47号, table 3) is used.

    Grid:  3,000,000 kWh = 3,000 MWh x 0.5827 t/MWh (CN-JS 2023)     = 1,748.1 t CO2
    Gas:   2.5 TJ x 56,100 kg/TJ = 140,250 kg CO2;  CH4 2.5 x 1 = 2.5 kg x 28 = 70 kg;
           N2O 2.5 x 0.1 = 0.25 kg x 265 = 66.25 kg                   = 140.38625 t CO2e
    Total                                                             = 1,888.48625 t CO2e
    """
    inv = nc.Inventory([
        nc.Activity("electricity.grid", 3_000_000, "kWh", region="CN-JS", year=2023, scope=2, site="suzhou"),
        nc.Activity("fuel.natural_gas.stationary", 2.5, "TJ", region="CN-JS", year=2023, scope=1, site="suzhou"),
    ])
    res = inv.emissions(builtins, gwp="AR5")
    assert res.total() == pytest.approx(1888.48625, rel=1e-12)
    grid = res.matches[0]
    assert (grid["region_used"], grid["year_used"], grid["region_fallback"]) == ("CN-JS", 2023, False)
    assert grid["factor"].gases["CO2"] == pytest.approx(0.5827, abs=1e-12)
    assert grid["factor"].pack == "china"


def test_jiangsu_2022_uses_the_provincial_factor(builtins):
    """Jiangsu 2022 is published: 3,000 MWh x 0.5978 = 1,793.4 t CO2, no fallback."""
    inv = nc.Inventory([nc.Activity("electricity.grid", 3000, "MWh", region="CN-JS", year=2022, scope=2)])
    res = inv.emissions(builtins)
    assert res.total() == pytest.approx(1793.4, rel=1e-12)
    assert res.matches[0]["region_used"] == "CN-JS" and res.matches[0]["region_fallback"] is False


def test_example_inventory_uses_the_builtin_packs_by_default(capsys):
    """The README's main job: both factories of examples/factory.csv, 3,047.8716897825 + 1,888.48625 t."""
    from pathlib import Path

    from neutralcore.cli import main

    example = Path(__file__).resolve().parents[1] / "examples" / "factory.csv"
    if not example.is_file():
        pytest.skip("examples/factory.csv is not in this checkout")
    assert main(["report", str(example)]) == 0
    out = capsys.readouterr().out
    assert "Factors:   neutralcore:vietnam,neutralcore:china,neutralcore:ipcc (" in out
    assert "Total: 4,936.358 t CO2e" in out  # 3,047.8716897825 + 1,888.48625 = 4,936.3579397825


# -- merge precedence -------------------------------------------------------------------------------


def _by_key(fs):
    return {f.key: (dict(f.gases), f.pack, f.unit) for f in fs}


@given(st.permutations(["vietnam", "china", "ipcc"]))
def test_keys_covered_by_one_pack_do_not_depend_on_order(order):
    """The built-ins cover disjoint keys, so any order gives the same factors, each from its own pack."""
    assert _by_key(nc.load_factors(*order)) == _by_key(nc.load_factors("vietnam", "china", "ipcc"))


@given(
    first=st.sets(st.sampled_from(sorted(VN_GRID)), max_size=10),
    second=st.sets(st.sampled_from(sorted(VN_GRID)), max_size=10),
)
def test_merge_order_only_matters_where_both_packs_cover_a_key(first, second):
    """Two subsets of the Viet Nam series as packs 'a' and 'b': keys in one only are the same in
    either order; keys in both come from the later pack."""
    full = nc.load_factors("vietnam")
    a = nc.FactorSet.from_factors([_relabel(full.get("electricity.grid", "VN", y), "a") for y in sorted(first)])
    b = nc.FactorSet.from_factors([_relabel(full.get("electricity.grid", "VN", y), "b") for y in sorted(second)])
    ab, ba = _by_key(nc.FactorSet.merge(a, b)), _by_key(nc.FactorSet.merge(b, a))
    assert set(ab) == set(ba) == {("electricity.grid", "VN", y) for y in first | second}
    for key in ab:
        year = key[2]
        if (year in first) != (year in second):
            assert ab[key] == ba[key]
            assert ab[key][0] == {"CO2": pytest.approx(VN_GRID[year], abs=1e-12)}
        else:
            assert (ab[key][1], ba[key][1]) == ("b", "a")


def _relabel(factor, pack):
    import attrs

    return attrs.evolve(factor, pack=pack)


@pytest.mark.parametrize("order", ["china-first", "extra-first"])
def test_a_pack_declaring_a_region_without_parent_keeps_the_fallback_chain(order):
    """A second pack that names CN-JS but gives it no parent must not cut Jiangsu off from the East China grid:
    2023 grid electricity in Jiangsu then still falls back to CN-EAST 2023 (0.5500 t CO2/MWh, MEE/NBS), whichever
    order the packs are merged in (the pack without Jiangsu's own 2023 factor, so that the fallback is needed)."""
    china = nc.load_factors("china")
    china = nc.FactorSet.merge(china.where(year=[2021, 2022]), china.where(region="CN-EAST", year=2023))
    coal = china.get("electricity.grid", "CN-JS", 2022)  # any factor with a source, relabelled below
    extra = nc.FactorSet.from_factors([nc.Factor("fuel.other.stationary", "CN-JS", 2023, "t/t", {"CO2": 1.0},
                                                 coal.source)], regions={"CN-JS": {"name": "Jiangsu"}}, pack="extra")
    merged = nc.FactorSet.merge(china, extra) if order == "china-first" else nc.FactorSet.merge(extra, china)
    assert merged.region_chain("CN-JS") == ("CN-JS", "CN-EAST", "CN", "World")
    inv = nc.Inventory([nc.Activity("electricity.grid", 1_000, "MWh", region="CN-JS", year=2023, scope=2)])
    assert inv.emissions(merged).total() == pytest.approx(550.0)


def test_vietnam_decision_2626_row_gives_the_ipcc_result(builtins):
    """A Binh Duong generator on the Decision 2626 key: same numbers as the IPCC World row, Vietnamese citation.

    15,000 L = 15 m3 x 839.5 kg/m3 = 12,592.5 kg = 0.0125925 Gg x 43.0 TJ/Gg = 0.5414775 TJ
    x (74,100 + 3 x 28 + 0.6 x 265 = 74,343) kg CO2e/TJ (AR5)    = 40,255.0618 kg = 40.2550618 t
    """
    inv = nc.Inventory([nc.Activity("fuel.diesel.stationary.manufacturing", 15_000, "L", region="VN", year=2023, scope=1)])
    res = inv.emissions(builtins, gwp="AR5")
    assert res.total() == pytest.approx(40.25506178, rel=1e-9)
    m = res.matches[0]
    assert (m["factor"].pack, m["region_used"], m["year_used"]) == ("vietnam", "VN", 2022)
    assert "2626" in m["factor"].source.document
    world = nc.Inventory([nc.Activity("fuel.diesel.stationary.manufacturing", 15_000, "L", region="TH", year=2023, scope=1)])
    assert world.emissions(builtins, gwp="AR5").total() == pytest.approx(res.total(), rel=1e-12)
