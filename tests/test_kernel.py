"""Emissions computed from published factors, checked against hand-worked values."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neutralcore as nc
from factors_fixture import published_factors

# Diesel, 15,000 L, worked by hand:
#   mass   = 15 m^3 x 839.5 kg/m^3            = 12,592.5 kg = 0.0125925 Gg
#   energy = 0.0125925 Gg x 43.0 TJ/Gg         = 0.5414775 TJ
#   CO2    = 0.5414775 TJ x 74,100 kg/TJ       = 40,123.48275 kg
#   CH4    = 0.5414775 x 3 kg                  = 1.6244325 kg
#   N2O    = 0.5414775 x 0.6 kg                = 0.3248865 kg
DIESEL_CO2_T = 40.12348275
DIESEL_CH4_T = 0.0016244325
DIESEL_N2O_T = 0.0003248865
DIESEL_CO2E = {
    "AR4": DIESEL_CO2_T + DIESEL_CH4_T * 25 + DIESEL_N2O_T * 298,  # 40.26090974
    "AR5": DIESEL_CO2_T + DIESEL_CH4_T * 28 + DIESEL_N2O_T * 265,  # 40.25506178
    "AR6": DIESEL_CO2_T + DIESEL_CH4_T * 27.9 + DIESEL_N2O_T * 273,  # 40.25749843
}


def diesel(q=15_000, unit="L", **kw):
    kw.setdefault("region", "VN")
    kw.setdefault("year", 2023)
    kw.setdefault("scope", 1)
    return nc.Activity("fuel.diesel.stationary", q, unit, **kw)


def grid(q, unit="MWh", **kw):
    kw.setdefault("region", "VN")
    kw.setdefault("year", 2023)
    kw.setdefault("scope", 2)
    return nc.Activity("electricity.grid", q, unit, **kw)


def test_grid_electricity_in_mwh():
    """1,200 MWh x 0.6592 t/MWh (Viet Nam 2023) = 791.04 t CO2."""
    res = nc.Inventory([grid(1200)]).emissions(published_factors())
    assert res.total() == pytest.approx(791.04, rel=1e-12)
    assert type(res.total()) is float and type(res.total("CO2")) is float  # t CO2e / t CO2, never a Quantity


def test_grid_electricity_kwh_equals_mwh():
    fs = published_factors()
    a = nc.Inventory([grid(1200)]).emissions(fs).total()
    b = nc.Inventory([grid(1_200_000, "kWh")]).emissions(fs).total()
    assert a == pytest.approx(b, rel=1e-12)


@pytest.mark.parametrize("gwp", ["AR4", "AR5", "AR6"])
def test_diesel_litres_through_density_and_ncv(gwp):
    res = nc.Inventory([diesel()]).emissions(published_factors(), gwp=gwp)
    assert res.total() == pytest.approx(DIESEL_CO2E[gwp], rel=1e-12)
    assert res.total("CO2") == pytest.approx(DIESEL_CO2_T, rel=1e-12)
    assert res.total("CH4") == pytest.approx(DIESEL_CH4_T, rel=1e-12)
    assert res.total("N2O") == pytest.approx(DIESEL_N2O_T, rel=1e-12)
    gases = res.per_gas()
    assert list(gases["gas"]) == ["CO2", "CH4", "N2O"]


def test_default_gwp_is_ar5():
    res = nc.Inventory([diesel()]).emissions(published_factors())
    assert res.gwp == "AR5" == nc.DEFAULT_GWP
    assert res.total() == pytest.approx(DIESEL_CO2E["AR5"], rel=1e-12)


def test_diesel_in_kg_and_tj_agree_with_litres():
    fs = published_factors()
    litres = nc.Inventory([diesel()]).emissions(fs).total()
    kg = nc.Inventory([diesel(12_592.5, "kg")]).emissions(fs).total()
    tj = nc.Inventory([diesel(0.5414775, "TJ")]).emissions(fs).total()
    assert kg == pytest.approx(litres, rel=1e-12)
    assert tj == pytest.approx(litres, rel=1e-12)


def test_lpg_in_kg():
    """80,000 kg LPG = 0.08 Gg x 47.3 TJ/Gg = 3.784 TJ; CO2 3.784 x 63,100 kg = 238.7704 t;
    CH4 3.784 kg, N2O 0.3784 kg; AR5 CO2e = 238.7704 + 0.003784 x 28 + 0.0003784 x 265 = 238.976628 t."""
    act = nc.Activity("fuel.lpg.stationary", 80_000, "kg", region="VN", year=2023, scope=1)
    res = nc.Inventory([act]).emissions(published_factors())
    assert res.total() == pytest.approx(238.976628, rel=1e-12)


def test_mixed_inventory_by_scope_and_site():
    inv = nc.Inventory([
        grid(1200, site="p1"),
        grid(300_000, "kWh", site="p2"),
        diesel(site="p1"),
    ])
    res = inv.emissions(published_factors())
    table = {(r["scope"], r["site"]): r["co2e_t"] for r in res.by("scope", "site")}
    assert table[(2, "p1")] == pytest.approx(791.04)
    assert table[(2, "p2")] == pytest.approx(197.76)  # 300 MWh x 0.6592
    assert table[(1, "p1")] == pytest.approx(DIESEL_CO2E["AR5"])
    assert res.total() == pytest.approx(791.04 + 197.76 + DIESEL_CO2E["AR5"])
    by_scope = {r["scope"]: r for r in res.by("scope")}
    assert by_scope[1]["CH4_t"] == pytest.approx(DIESEL_CH4_T)
    assert by_scope[2]["CH4_t"] == 0


def test_year_fallback_reported():
    """2024 has no published Viet Nam factor: the 2023 value is used and reported."""
    inv = nc.Inventory([grid(100, year=2024), grid(100, year=2023)])
    res = inv.emissions(published_factors())
    assert res.total() == pytest.approx(2 * 65.92)
    assert res.matches.year_fallback.tolist() == [True, False]
    assert res.matches.region_fallback.tolist() == [False, False]
    m = res.matches[0]
    assert (m["region_used"], m["year_used"]) == ("VN", 2023)
    fb = res.matches.fallbacks()
    assert len(fb) == 1 and fb["fallback"][0] == "year"


def test_region_fallback_province_to_grid_region():
    """Jiangsu 2023 has no provincial factor here: East China grid 2023 (0.5500) is used."""
    inv = nc.Inventory([grid(1000, region="CN-JS")])
    res = inv.emissions(published_factors())
    assert res.total() == pytest.approx(550.0)
    assert res.matches[0]["region_used"] == "CN-EAST"
    assert res.matches.region_fallback.tolist() == [True]


def test_exact_year_at_parent_beats_earlier_year_at_own_region():
    fs = nc.FactorSet.merge(
        published_factors(),
        nc.FactorSet.from_factors([nc.Factor("electricity.grid", "CN-JS", 2022, "t/MWh", {"CO2": 0.5978}, nc.Source("MEE and NBS", "2022 factors", 2024))]),
    )
    res = nc.Inventory([grid(1000, region="CN-JS", year=2023), grid(1000, region="CN-JS", year=2022)]).emissions(fs)
    assert [res.matches[i]["region_used"] for i in (0, 1)] == ["CN-EAST", "CN-JS"]
    assert res.total() == pytest.approx(550.0 + 597.8)


def test_strict_turns_fallback_into_error():
    inv = nc.Inventory([grid(100, year=2023), grid(100, year=2024)])
    with pytest.raises(nc.FallbackError, match=r"rows \[1\]"):
        inv.emissions(published_factors(), strict=True)
    assert inv.emissions(published_factors().where(year=2023), strict=False).total() == pytest.approx(131.84)


def test_missing_factor_names_row_and_key():
    inv = nc.Inventory([grid(1), nc.Activity("fuel.coal.anthracite.stationary", 5, "t", region="VN", year=2023, scope=1)])
    with pytest.raises(nc.FactorNotFoundError) as info:
        inv.emissions(published_factors())
    assert "(fuel.coal.anthracite.stationary, VN, 2023)" in str(info.value)
    assert info.value.rows == [1]
    assert info.value.keys == [("fuel.coal.anthracite.stationary", "VN", 2023)]


def test_no_factor_from_a_later_year():
    inv = nc.Inventory([grid(1, year=2021)])
    with pytest.raises(nc.FactorNotFoundError, match="electricity.grid, VN, 2021"):
        inv.emissions(published_factors())


def test_wrong_dimension_is_an_error():
    inv = nc.Inventory([nc.Activity("electricity.grid", 5, "L", region="VN", year=2023, scope=2)])
    with pytest.raises(nc.DimensionError, match="'L'.*'MWh'"):
        inv.emissions(published_factors())


def test_missing_density_is_a_clear_error():
    fs = nc.FactorSet.from_factors([
        nc.Factor("fuel.diesel.stationary", "World", 2006, "kg/TJ", {"CO2": 74100}, nc.Source("IPCC", "2006 GL", 2006),
                  ncv=nc.FuelProperty("ncv", 43.0, "TJ/Gg", nc.Source("IPCC", "2006 GL", 2006))),
    ])
    with pytest.raises(nc.DimensionError, match="density"):
        nc.Inventory([diesel()]).emissions(fs)
    # kilograms need only the NCV
    res = nc.Inventory([diesel(12_592.5, "kg")]).emissions(fs)
    assert res.total() == pytest.approx(DIESEL_CO2_T)


def test_unknown_gwp_set():
    with pytest.raises(nc.UnknownGWPSetError, match="AR7"):
        nc.Inventory([grid(1)]).emissions(published_factors(), gwp="AR7")


@pytest.mark.parametrize("by", [(), [("scope",)]])  # the planned groupings' pass rates every key before the rows
def test_split_methane_needs_ar6(by):
    src = nc.Source("IPCC", "AR6 WG1 Table 7.15 (secondary copy)", 2021)
    fs = nc.FactorSet.from_factors([nc.Factor("process.leak", "World", 2020, "t/t", {"CH4_fossil": 1.0}, src)])
    inv = nc.Inventory([nc.Activity("process.leak", 2, "t", region="VN", year=2023, scope=1)])
    with pytest.raises(nc.UnknownGasError, match="AR5"):
        nc.Inventory([nc.Activity("process.leak", 2, "t", region="VN", year=2023, scope=1)]).emissions(
            fs, gwp="AR5", by=by)
    assert inv.emissions(fs, gwp="AR6", by=by).total() == pytest.approx(2 * 29.8)
    with pytest.raises(nc.UnknownGasError, match="AR5"):
        inv.emissions(fs, gwp="AR5", by=by)


def test_refrigerant_leak_in_kg():
    """12 kg HFC-134a leaked: AR5 1,300 -> 15.6 t CO2e; AR6 1,530 -> 18.36 t."""
    src = nc.Source("IPCC", "definition: 1 kg of gas emitted per kg leaked", 2006)
    fs = nc.FactorSet.from_factors([nc.Factor("refrigerant.hfc_134a", "World", 2006, "kg/kg", {"HFC-134a": 1.0}, src)])
    inv = nc.Inventory([nc.Activity("refrigerant.hfc_134a", 12, "kg", region="VN", year=2023, scope=1)])
    assert inv.emissions(fs).total() == pytest.approx(15.6)
    assert inv.emissions(fs, gwp="AR6").total() == pytest.approx(18.36)


def test_row_co2e_and_large_group_path_agree():
    rng = np.random.default_rng(0)
    n = 5000
    inv = nc.Inventory.from_columns(
        activity="electricity.grid", quantity=rng.uniform(0, 10, n), unit=rng.choice(["MWh", "kWh"], n).tolist(),
        region="VN", year=2023, scope=2, site=[f"s{i}" for i in range(n)],
    )
    res = inv.emissions(published_factors())
    by_site = res.by("site")
    assert len(by_site) == n
    assert np.asarray(by_site["co2e_t"]).sum() == pytest.approx(res.total())
    assert res.row_co2e().sum() == pytest.approx(res.total())


def test_factors_by_pack_name_unknown_pack():
    with pytest.raises(nc.PluginError):
        nc.Inventory([grid(1)]).emissions("no-such-pack")


def test_uncertainty_monte_carlo():
    """Two factors, +-10 % and +-20 % (95 %), independent: sigma of the total is
    sqrt((0.1/1.96 x 659.2)^2 + (0.2/1.96 x 550)^2) = 65.04 t, so the 95 % half-width is about 127.5 t."""
    src = nc.Source("MONRE/DCC", "grid EF", 2025)
    fs = nc.FactorSet.from_factors([
        nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, src, uncertainty=0.10),
        nc.Factor("electricity.grid", "CN", 2023, "t/MWh", {"CO2": 0.5500}, src, uncertainty=0.20),
        nc.Factor("fuel.lpg.stationary", "World", 2006, "t/t", {"CO2": 3.0}, src),
    ])
    inv = nc.Inventory([grid(1000), grid(1000, region="CN"),
                        nc.Activity("fuel.lpg.stationary", 10, "t", region="VN", year=2023, scope=1)])
    u = inv.emissions(fs).uncertainty(iterations=200_000, seed=1)
    assert u.total == pytest.approx(659.2 + 550 + 30)
    assert u.mean == pytest.approx(u.total, rel=2e-3)
    half = (u.high - u.low) / 2
    assert half == pytest.approx(1.96 * ((0.1 / 1.96 * 659.2) ** 2 + (0.2 / 1.96 * 550) ** 2) ** 0.5, rel=0.02)
    assert u.share_without == pytest.approx(30 / 1239.2)
    assert "95 % range" in str(u)


def test_tables_convert_to_pandas_or_say_what_to_install(monkeypatch):
    res = nc.Inventory([grid(1200, site="p1"), diesel(site="p1")]).emissions(published_factors())
    table = res.by("scope")
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(nc.MissingDependencyError, match=r"neutralcore\[pandas\]"):
            table.to_pandas()
    else:
        df = table.to_pandas()
        assert list(df.columns) == ["scope", "co2e_t", "CO2_t", "CH4_t", "N2O_t"]
        assert df["co2e_t"].sum() == pytest.approx(791.04 + DIESEL_CO2E["AR5"])
    import builtins

    real_import = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas":
            raise ImportError("No module named 'pandas'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(nc.MissingDependencyError, match=r"pip install 'neutralcore\[pandas\]'"):
        table.to_pandas()


def test_undeclared_parent_region_falls_back_to_world():
    """A parent that is named but not declared is a region without factors: the chain goes on to World."""
    src = nc.Source("IPCC", "2006 GL", 2006)
    fs = nc.FactorSet.from_factors(
        [nc.Factor("fuel.lpg.stationary", "World", 2006, "t/t", {"CO2": 3.0}, src)], regions={"CN-JS": "CN-EST"})
    inv = nc.Inventory([nc.Activity("fuel.lpg.stationary", 2, "t", region="CN-JS", year=2023, scope=1)])
    res = inv.emissions(fs)
    assert res.total() == pytest.approx(6.0)
    assert fs.region_chain("CN-JS") == ("CN-JS", "CN-EST", "CN", "World")  # CN-EST has the ISO 3166-2 form


def test_errors_name_csv_lines_when_read_from_csv(tmp_path):
    path = tmp_path / "inv.csv"
    path.write_text("activity,quantity,unit,region,year,scope\n"
                    "electricity.grid,1,MWh,VN,2023,2\n"
                    "electricity.grid,1,MWh,VN,2023,2\n"
                    "electricity.grid,1,MWh,TH,2023,2\n")
    with pytest.raises(nc.FactorNotFoundError) as info:
        nc.Inventory.read_csv(path).emissions(published_factors())
    assert info.value.rows == [2]
    assert f"lines [4] of {path}" in str(info.value)
    assert (info.value.lines, info.value.source) == ([4], str(path))
    bad_unit = tmp_path / "unit.csv"
    bad_unit.write_text("activity,quantity,unit,region,year,scope\nelectricity.grid,1,MWh,VN,2023,2\n"
                        "electricity.grid,1,L,VN,2023,2\n")
    with pytest.raises(nc.DimensionError) as info:
        nc.Inventory.read_csv(bad_unit).emissions(published_factors())
    assert (info.value.rows, info.value.lines, info.value.source) == ([1], [3], str(bad_unit))
    negative = tmp_path / "neg.csv"
    negative.write_text("activity,quantity,unit,region,year,scope\nelectricity.grid,-1,MWh,VN,2023,2\n")
    with pytest.raises(nc.InvalidQuantityError) as info:
        nc.Inventory.read_csv(negative)
    assert (info.value.rows, info.value.lines, info.value.source) == ([2], [2], str(negative))
    inv = nc.Inventory([nc.Activity("electricity.grid", 1, "MWh", region="TH", year=2023, scope=2)])
    with pytest.raises(nc.FactorNotFoundError) as info:
        inv.emissions(published_factors())
    assert info.value.rows == [0] and getattr(info.value, "lines", None) is None


# -- audit of issue 2: defects found and fixed -------------------------------------------


def test_region_codes_are_case_insensitive_everywhere():
    # "vn" in an inventory matches the published VN factor: 1,000 MWh x 0.6592 t/MWh = 659.2 t
    fs = published_factors()
    res = nc.Inventory([grid(1000, region="vn"), grid(1000, region=" Vn ")]).emissions(fs, strict=True)
    assert res.total() == pytest.approx(1318.4, rel=1e-12)
    assert res.inventory.region.categories == ("VN",)
    assert nc.Activity("electricity.grid", 1, "MWh", region="world", year=2023, scope=2).region == "World"
    src = nc.Source("X", "doc", 2020)
    assert nc.Factor("electricity.grid", "cn-js", 2023, "t/MWh", {"CO2": 0.5}, src).region == "CN-JS"
    # a province under its declared grid region, given in lower case: CN-JS -> CN-EAST (0.5500 t/MWh)
    res = nc.Inventory([grid(1000, region="cn-js")]).emissions(fs)
    assert res.total() == pytest.approx(550.0, rel=1e-12)
    assert fs.region_chain("cn-js") == ("CN-JS", "CN-EAST", "CN", "World")
    assert len(fs.where(region="cn")) == 1
    # "vn" and "VN" are one key, so giving both is a duplicate
    with pytest.raises(nc.InputError, match="twice"):
        nc.FactorSet.from_factors([nc.Factor("electricity.grid", r, 2023, "t/MWh", {"CO2": 0.5}, src) for r in ("vn", "VN")])


def test_offset_temperature_units_are_an_error_not_a_number():
    # 10 degC against a factor per kelvin used to give 10 x 274.15 (pint converts 1 degC to 274.15 K)
    src = nc.Source("X", "doc", 2020)
    fs = nc.FactorSet.from_factors([nc.Factor("x.y", "World", 2020, "kg/kelvin", {"CO2": 1.0}, src)])
    inv = nc.Inventory([nc.Activity("x.y", 10, "degC", region="VN", year=2020, scope=1)])
    with pytest.raises(nc.DimensionError, match="offset scale"):
        inv.emissions(fs)
    with pytest.raises(nc.DimensionError, match="offset scale"):
        nc.units.multiplier("degC", "degF")


def test_overflowing_total_is_an_error():
    inv = nc.Inventory([diesel(1e308, "t")])  # 1e308 t x 3.19 t CO2e/t overflows a float
    with pytest.raises(nc.InvalidQuantityError, match="overflow") as exc:
        inv.emissions(published_factors())
    assert exc.value.rows == [0]


def test_factors_given_as_a_path(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("activity,region,year,gas,value,unit,publisher,document,source_year\n"
                    "electricity.grid,VN,2023,CO2,0.6592,t/MWh,DCC,doc,2025\n")
    assert nc.Inventory([grid(1000)]).emissions(path).total() == pytest.approx(659.2, rel=1e-12)


def test_results_pickle_and_value_types_hash():
    import pickle

    res = nc.Inventory([diesel(tags={"bu": "north"}), grid(1000)]).emissions(published_factors())
    again = pickle.loads(pickle.dumps(res))
    assert again.total() == res.total()
    assert again.by("bu")["co2e_t"].tolist() == res.by("bu")["co2e_t"].tolist()
    f = res.matches.factor(0)
    assert pickle.loads(pickle.dumps(f)) == f and hash(f) == hash(pickle.loads(pickle.dumps(f)))
    a = diesel(tags={"bu": "north"})
    assert pickle.loads(pickle.dumps(a)) == a and len({a, diesel(tags={"bu": "north"})}) == 1
    assert a.tags == {"bu": "north"}
    with pytest.raises(TypeError):
        a.tags["bu"] = "south"  # type: ignore[index]


def test_by_rejects_quantity_and_repeated_dimensions():
    res = nc.Inventory([grid(1000)]).emissions(published_factors())
    with pytest.raises(nc.InputError, match="cannot group by 'quantity'"):
        res.by("quantity")
    with pytest.raises(nc.InputError, match="twice"):
        res.by("scope", "scope")


def test_uncertainty_iterations_must_be_an_integer():
    res = nc.Inventory([grid(1000)]).emissions(published_factors())
    for bad in (2.5, "10", True, 1):
        with pytest.raises(nc.InputError, match="iterations"):
            res.uncertainty(bad)


def test_matches_row_out_of_range_names_the_row():
    res = nc.Inventory([grid(1000)]).emissions(published_factors())
    with pytest.raises(IndexError, match="row 5 out of range for 1 rows"):
        res.matches.factor(5)
    with pytest.raises(IndexError, match="row 5"):
        res.matches[5]
    assert res.matches[-1]["region"] == "VN"


# -- ingest: coded columns taken without copies ---------------------------------------------------------------


def _ro(a):
    a.setflags(write=False)
    return a


def _coded(n=1000, **over):
    rng = np.random.default_rng(7)
    cols = dict(
        activity=(_ro(np.zeros(n, np.int32)), ("electricity.grid",)),
        quantity=_ro(rng.uniform(0, 10, n)),
        unit=(_ro(rng.integers(0, 2, n).astype(np.int32)), ("MWh", "kWh")),
        region="VN",
        year=_ro(rng.integers(2022, 2024, n).astype(np.int32)),
        scope=2,
        site=(_ro(rng.integers(0, 3, n).astype(np.uint8)), ("a", "b", "c")),
    )
    cols.update(over)
    return cols


def test_read_only_coded_columns_are_taken_as_views():
    """Regression: int32 codes were copied by astype even when already int32, quantities and years copied too."""
    cols = _coded()
    inv = nc.Inventory.from_columns(**cols)
    assert np.shares_memory(inv.quantity, cols["quantity"])
    assert np.shares_memory(inv.year, cols["year"])
    assert np.shares_memory(inv.activity.codes, cols["activity"][0])
    assert np.shares_memory(inv.unit.codes, cols["unit"][0])
    assert np.shares_memory(inv.site.codes, cols["site"][0]) and inv.site.codes.dtype == np.uint8  # narrower kept
    for a in (inv.quantity, inv.year, inv.unit.codes, inv.site.codes):
        assert not a.flags.writeable
    fs = published_factors()
    expected = sum(q * (0.6592 if y == 2023 else 0.6766) * (1.0 if u == 0 else 1e-3)
                   for q, y, u in zip(cols["quantity"], cols["year"], cols["unit"][0]))
    assert inv.emissions(fs).total() == pytest.approx(expected, rel=1e-12)


def test_read_only_uint32_codes_are_viewed_as_int32():
    codes = _ro(np.array([1, 0, 1], dtype=np.uint32))
    inv = nc.Inventory.from_columns(**_coded(3, unit=(codes, ("MWh", "kWh"))))
    assert inv.unit.codes.dtype == np.int32 and np.shares_memory(inv.unit.codes, codes)
    assert inv.unit.values() == ["kWh", "MWh", "kWh"]


def test_writeable_columns_are_copied():
    """A writeable array could be changed by its owner later: the inventory keeps its own copy."""
    q = np.array([1.0, 2.0, 3.0])
    codes = np.array([0, 1, 0], dtype=np.int32)
    year = np.array([2023, 2023, 2022], dtype=np.int32)
    inv = nc.Inventory.from_columns(**_coded(3, quantity=q, unit=(codes, ("MWh", "kWh")), year=year))
    q[:] = 99.0
    codes[:] = 1
    year[:] = 2000
    assert inv.quantity.tolist() == [1.0, 2.0, 3.0]
    assert inv.unit.values() == ["MWh", "kWh", "MWh"]
    assert inv.year.tolist() == [2023, 2023, 2022]


def test_negative_zero_in_a_read_only_column_becomes_zero_in_a_copy():
    q = _ro(np.array([0.0, -0.0, 5.0]))
    inv = nc.Inventory.from_columns(**_coded(3, quantity=q))
    assert not np.signbit(inv.quantity).any() and np.signbit(q[1])
    assert not np.shares_memory(inv.quantity, q)


def test_coded_columns_still_checked():
    with pytest.raises(nc.InvalidQuantityError, match="finite") as exc:
        nc.Inventory.from_columns(**_coded(3, quantity=_ro(np.array([1.0, np.nan, 2.0]))))
    assert exc.value.rows == [1]
    with pytest.raises(nc.InvalidQuantityError, match="negative") as exc:
        nc.Inventory.from_columns(**_coded(3, quantity=_ro(np.array([1.0, 2.0, -2.0]))))
    assert exc.value.rows == [2]
    with pytest.raises(nc.SchemaError, match="codes out of range of the 2 categories \\(code 2 at position 1\\)"):
        nc.Inventory.from_columns(**_coded(3, unit=(_ro(np.array([0, 2, 1], np.int32)), ("MWh", "kWh"))))
    with pytest.raises(nc.SchemaError, match="year must be between") as exc:
        nc.Inventory.from_columns(**_coded(3, year=_ro(np.array([2023, 1700, 2023], np.int32))))
    assert exc.value.rows == [1]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-(2**40), 2**40), min_size=1, max_size=50), st.integers(-3, 3), st.sampled_from(
    [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32]))
def test_small_range_integers_coded_like_a_sort(values, spread, dtype):
    """Scope and year columns are coded with a bincount: the same categories and codes as np.unique gives."""
    from neutralcore._core.categorical import factorize

    info = np.iinfo(dtype)
    raw = np.array(values, dtype=np.int64)
    arr = np.clip(raw if spread == 3 else raw // (2**(36 + spread)), info.min, info.max).astype(dtype)
    cat = factorize(arr)
    uniq, inv = np.unique(arr, return_inverse=True)
    assert cat.categories == tuple(uniq.tolist())
    assert cat.codes.tolist() == inv.tolist()


def test_with_quantity_never_reuses_the_old_per_key_sums():
    """The pass coding the rows also sums each key's quantity; a new quantity column must not use those sums."""
    n = 70_000  # dense keys, so the numba coding pass gives the sums
    cols = _coded(n)
    inv = nc.Inventory.from_columns(**cols)
    fs = published_factors()
    first = inv.emissions(fs).total()
    doubled = inv.with_quantity(inv.quantity * 2)
    assert doubled._cache.get("row_keys") is inv._cache.get("row_keys")  # the codes are kept
    assert doubled.emissions(fs).total() == pytest.approx(2 * first, rel=1e-12)
    assert inv.emissions(fs).total() == pytest.approx(first, rel=1e-12)


def test_strict_co2e_basis_check_with_a_sparse_dense_key_space():
    """Regression: the check counted rows per key over the rows' dense codes, longer than the keys in use."""
    uk = nc.Source("UK DESNZ", "GHG conversion factors, UK electricity (the value quoted in issue 11)", 2024)
    fs = nc.FactorSet.from_factors([
        nc.Factor("electricity.grid", "GB", 2024, "kg/kWh", {"CO2e": 0.20705}, uk, gwp_basis="AR5"),
        nc.Factor("heat.district", "FR", 2024, "kg/kWh", {"CO2e": 0.20705}, uk, gwp_basis="AR5"),
    ])
    # (electricity, GB) and (heat, FR) are used; (electricity, FR) and (heat, GB) are dense codes no row has
    inv = nc.Inventory([nc.Activity("electricity.grid", 1000, "kWh", region="GB", year=2024, scope=2),
                        nc.Activity("heat.district", 1000, "kWh", region="FR", year=2024, scope=2)])
    assert inv.emissions(fs, gwp="AR5", strict=True).total() == pytest.approx(2 * 0.20705, rel=1e-12)
    with pytest.raises(nc.GWPBasisError, match=r"gives CO2e published under AR5, not AR6; 2 key\(s\)") as info:
        inv.emissions(fs, gwp="AR6", strict=True)
    assert info.value.rows == [0, 1]


def test_by_many_gives_the_tables_of_by_in_one_pass(monkeypatch):
    fs = published_factors()
    inv = nc.Inventory([grid(1200, site="a"), grid(300, site="b"), diesel(site="a"), diesel(5000, site="c", scope=3)])
    res = inv.emissions(fs)
    calls = []
    import neutralcore.measure.emissions as emissions

    # one pass over the rows: over their key columns while no code per row is kept (fused_pass), else over the
    # codes (group_sums); the groupings are the 7th and 4th arguments
    for name, at in (("group_sums", 3), ("fused_pass", 6)):
        real = getattr(emissions, name)
        monkeypatch.setattr(emissions, name, lambda *a, _r=real, _at=at, **k: calls.append(len(a[_at])) or _r(*a, **k))
    by_scope, by_site, by_both = res.by_many([("scope",), ("site",), ("scope", "site")])
    assert calls == [3]  # one pass for the three groupings
    # scope 1: diesel 40.25506178 t (AR5); scope 2: 1,500 MWh x 0.6592 = 988.8 t; scope 3: 5,000 L of diesel
    assert by_scope["scope"] == [1, 2, 3]
    np.testing.assert_allclose(by_scope["co2e_t"], [DIESEL_CO2E["AR5"], 988.8, DIESEL_CO2E["AR5"] / 3], rtol=1e-12)
    assert by_site["site"] == ["a", "b", "c"]
    np.testing.assert_allclose(by_site["co2e_t"], [791.04 + DIESEL_CO2E["AR5"], 197.76, DIESEL_CO2E["AR5"] / 3],
                               rtol=1e-12)
    assert by_both["scope"] == [1, 2, 2, 3] and by_both["site"] == ["a", "a", "b", "c"]
    for table, dims in ((by_scope, ("scope",)), (by_site, ("site",)), (by_both, ("scope", "site"))):
        again = res.by(*dims)  # from the cache: no second pass
        assert list(again.columns) == list(table.columns)
        np.testing.assert_array_equal(again["co2e_t"], table["co2e_t"])
    assert calls == [3]
    assert res.by("site", gases=False)["co2e_t"].tolist() == by_site["co2e_t"].tolist() and calls == [3]
    with pytest.raises(nc.InputError, match="list of groupings"):
        res.by_many("scope")
    with pytest.raises(nc.InputError, match="cannot group by 'colour'"):
        res.by_many([("scope",), ("colour",)])


def test_a_second_job_on_the_same_inventory_reads_the_rows_in_one_pass_again(monkeypatch):
    # the rows' keys cached by the first job must not send the next one down the slower path (a code per row
    # combined and kept, then read once for the keys' sums and again for the groupings)
    import neutralcore.measure.emissions as emissions
    import neutralcore.measure.kernel as kernel

    fs = published_factors()
    inv = nc.Inventory([grid(1200, site="a"), grid(300, site="b"), diesel(site="a"), diesel(5000, site="c", scope=3)])
    passes, sums = [], []
    real_pass, real_sums = kernel.fused_pass, emissions.group_sums
    monkeypatch.setattr(kernel, "fused_pass", lambda *a, **k: passes.append(1) or real_pass(*a, **k))
    monkeypatch.setattr(emissions, "group_sums", lambda *a, **k: sums.append(1) or real_sums(*a, **k))
    first = inv.emissions(fs, by=[("scope",), ("site",)])
    again = inv.emissions(fs, gwp="AR6", by=[("scope",), ("site",)])
    assert passes == [1, 1] and sums == []
    assert "code" not in inv._cache["row_keys"]._made  # no code per row combined
    # scope 2: 1,500 MWh x 0.6592 t/MWh = 988.8 t under any GWP set (CO2 only)
    assert first.by("scope")["co2e_t"][1] == again.by("scope")["co2e_t"][1] == pytest.approx(988.8, rel=1e-12)
    np.testing.assert_array_equal(inv.emissions(fs, by=[("site",)]).by("site")["co2e_t"], first.by("site")["co2e_t"])
