"""Fuel properties of one pack serve another pack's factors for the same fuel (issue 11)."""

from __future__ import annotations

import pytest

import neutralcore as nc

MINE = nc.Source("Acme Energy", "Supplier-specific diesel factor 2024", 2024)
DIESEL = "fuel.diesel.stationary"


def my_pack(tmp_path):
    """A third-party factor per TJ for diesel in XA, with no density or NCV of its own."""
    path = tmp_path / "mine.csv"
    path.write_text("activity,region,year,gas,value,unit,publisher,document,source_year\n"
                    f"{DIESEL},XA,2024,CO2,74100,kg/TJ,Acme Energy,Supplier-specific diesel factor 2024,2024\n",
                    encoding="utf-8")
    return nc.FactorSet.read_csv(path).with_pack("my_pack")


def test_ipcc_properties_serve_a_third_party_factor(tmp_path):
    """1,000 L diesel: 1 m^3 x 839.5 kg/m^3 (ipcc pack, Statistics Canada) x 43.0 TJ/Gg (ipcc pack, IPCC 2006
    Table 1.2) = 0.0360985 TJ x 74,100 kg/TJ = 2,674.89885 kg CO2."""
    mine = my_pack(tmp_path)
    inv = nc.Inventory([nc.Activity(DIESEL, 1000, "L", region="XA", year=2024, scope=1)])
    with pytest.raises(nc.DimensionError, match="density"):
        inv.emissions(mine)  # alone it has no way from litres to TJ
    res = inv.emissions(nc.FactorSet.merge(nc.load_factors("ipcc"), mine))
    assert res.total("CO2") == pytest.approx(2.67489885, rel=1e-12)
    row = res.matches.summary().to_dicts()[0]
    assert row["pack"] == "my_pack" and row["region_used"] == "XA"
    assert row["properties"] == "density 839.5 kg/m^3 (ipcc); ncv 43 TJ/Gg (ipcc)"
    assert row["uncertainty"] == "property: ncv"  # the ipcc NCV has Table 1.2's 95 % limits; the density none
    used = res.matches.factor(0)
    assert used.density is not None and used.density.pack == "ipcc" and "IPCC" in used.ncv.source.publisher
    # the same through pack names, as --factors ipcc,<dir> would
    same = inv.emissions(nc.FactorSet.merge(nc.registry.resolve_factors("ipcc"), mine))
    assert same.total() == pytest.approx(res.total(), rel=1e-15)


def test_a_factors_own_property_wins_and_units_that_need_none_report_none(tmp_path):
    own = nc.FuelProperty("ncv", 42.0, "TJ/Gg", MINE)
    f = nc.Factor(DIESEL, "XA", 2024, "kg/TJ", {"CO2": 74100}, MINE, ncv=own, pack="my_pack")
    fs = nc.FactorSet.merge(nc.load_factors("ipcc"), nc.FactorSet.from_factors([f]))
    got = fs.get(DIESEL, "XA", 2024)
    assert got.ncv == own and got.density is not None and got.density.pack == "ipcc"
    inv = nc.Inventory([nc.Activity(DIESEL, 1, "TJ", region="XA", year=2024, scope=1)])
    assert inv.emissions(fs).matches.summary().to_dicts()[0]["properties"] is None


def test_a_parent_key_lends_and_an_unrelated_fuel_does_not():
    src = nc.Source("IPCC", "2006 GL Vol.2 Table 1.2", 2006)
    ncv = nc.FuelProperty("ncv", 43.0, "TJ/Gg", src)
    parent = nc.Factor(DIESEL, "World", 2006, "kg/TJ", {"CO2": 74100}, src, ncv=ncv, pack="a")
    child = nc.Factor(DIESEL + ".manufacturing", "XA", 2024, "kg/TJ", {"CO2": 74100}, MINE, pack="b")
    other = nc.Factor("fuel.lpg.stationary", "XA", 2024, "kg/TJ", {"CO2": 63100}, MINE, pack="b")
    fs = nc.FactorSet.merge(nc.FactorSet.from_factors([parent]), nc.FactorSet.from_factors([child, other]))
    assert fs.get(DIESEL + ".manufacturing", "XA", 2024).ncv == ncv.__class__("ncv", 43.0, "TJ/Gg", src, pack="a")
    assert fs.get("fuel.lpg.stationary", "XA", 2024).ncv is None
    # 1 t diesel = 0.043 TJ x 74,100 kg/TJ = 3,186.3 kg
    inv = nc.Inventory([nc.Activity(DIESEL + ".manufacturing", 1, "t", region="XA", year=2024, scope=1)])
    assert inv.emissions(fs).total() == pytest.approx(3.1863, rel=1e-12)


def test_a_region_specific_property_does_not_serve_another_country():
    src = nc.Source("A ministry", "National NCV table", 2020)
    vn = nc.Factor(DIESEL, "VN", 2020, "kg/TJ", {"CO2": 74100}, src, ncv=nc.FuelProperty("ncv", 42.5, "TJ/Gg", src))
    xa = nc.Factor(DIESEL, "XA", 2024, "kg/TJ", {"CO2": 74100}, MINE)
    fs = nc.FactorSet.merge(nc.FactorSet.from_factors([vn]), nc.FactorSet.from_factors([xa]))
    assert fs.get(DIESEL, "XA", 2024).ncv is None


def test_the_report_names_only_the_properties_a_conversion_took(tmp_path):
    """1 t of diesel needs only the NCV (1,000 kg x 43.0 TJ/Gg = 0.043 TJ x 74,100 kg = 3,186.3 kg CO2)."""
    fs = nc.FactorSet.merge(nc.load_factors("ipcc"), my_pack(tmp_path))
    res = nc.Inventory([nc.Activity(DIESEL, 1, "t", region="XA", year=2024, scope=1)]).emissions(fs)
    assert res.total() == pytest.approx(3.1863, rel=1e-9)
    assert res.matches.summary().to_dicts()[0]["properties"] == "ncv 43 TJ/Gg (ipcc)"


def test_the_uncertainty_column_says_what_is_sampled():
    """A factor without an interval reads ``none`` only when no property with an interval converts its rows:
    illustrative values (not published): NCV 43 TJ/Gg, 95 % interval 41 to 45, density 840 kg/m^3 with none."""
    src = nc.Source("illustration", "stated intervals for a test, not published ones", 2024)
    ncv = nc.FuelProperty("ncv", 43.0, "TJ/Gg", src, interval=nc.Interval(41.0, 45.0))
    rho = nc.FuelProperty("density", 840.0, "kg/m^3", src, interval=nc.Interval(830.0, 850.0, "uniform"))
    plain = nc.Factor("fuel.a", "XA", 2024, "kg/TJ", {"CO2": 74100}, src, ncv=ncv)
    both = nc.Factor("fuel.b", "XA", 2024, "kg/TJ", {"CO2": 74100}, src, ncv=ncv, density=rho,
                     intervals={"CO2": nc.Interval(72600, 74800)})
    fs = nc.FactorSet.from_factors([plain, both])
    rows = [("fuel.a", 1, "t"), ("fuel.a", 1, "TJ"), ("fuel.b", 1000, "L"), ("fuel.b", 1, "TJ")]
    got = []
    for key, q, unit in rows:
        inv = nc.Inventory([nc.Activity(key, q, unit, region="XA", year=2024, scope=1)])
        got.append(inv.emissions(fs).matches.summary()["uncertainty"][0])
    assert got == ["property: ncv", "none", "published; property: density, ncv", "published"]
    inv = nc.Inventory([nc.Activity("fuel.a", 1, "t", region="XA", year=2024, scope=1)])
    u = inv.emissions(fs).uncertainty(2_000, seed=1)
    assert list(u.properties["property"]) == ["ncv"]  # what the column says is what uncertainty() sampled


UNITS = ["L", "m^3", "kg", "t", "GJ", "TJ", "MWh", "kWh", "Nm3", "scf", "therm", "km", "USD"]


def test_the_columnar_property_paths_are_the_factors_own():
    # every factor of the shipped packs merged, each unit: the paths read from the set's columns (what the
    # factor-match report and uncertainty use, no Factor built) are property_path() of the factor itself
    from neutralcore.measure.convert import factor_fuel, property_path

    fs = nc.registry.resolve_factors("ipcc,vietnam,china")
    assert len(fs) > 100
    units = [u for u in UNITS if _parses(u)]
    for i in range(len(fs)):
        f = fs.factor(i)
        want = [property_path(f, u) for u in units]
        assert factor_fuel(fs, i).paths(units) == want, f
        union = tuple(dict.fromkeys(q for path in want for q, _ in path))
        assert factor_fuel(fs, i).used(units) == union


def _parses(unit: str) -> bool:
    from neutralcore.units import dimension_of

    try:
        dimension_of(unit)
    except nc.NeutralcoreError:
        return False
    return True
