"""Energy per mass, per volume and per amount of gas, on a net or gross basis (issue 11, energy basis)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neutralcore as nc
from neutralcore.measure.factorvalue import NCV_PER_GCV

EPA = nc.Source("US EPA", "GHG Emission Factors Hub, Table 1 (from 40 CFR 98 Subpart C Tables C-1 and C-2)", 2024)
IPCC = nc.Source("IPCC", "2006 IPCC Guidelines Vol. 2 Ch. 2 Table 2.2", 2006)
CHINA = nc.Source("NDRC", "Guidelines for GHG accounting of enterprises (natural gas default NCV)", 2015)
GAS = "fuel.natural_gas.stationary"


def one(activity, quantity, unit, region="US", year=2024):
    return nc.Inventory([nc.Activity(activity, quantity, unit, region=region, year=year, scope=1)])


def epa_gas(**kw):
    hhv = nc.FuelProperty("gcv", 1.026, "MMBtu/Mcf", EPA)
    return nc.Factor(GAS, "US", 2024, "kg/MMBtu", {"CO2": 53.06, "CH4": 1.0e-3, "N2O": 1.0e-4}, EPA,
                     **{"energy_basis": "gcv", "gcv": hhv, **kw})


def test_epa_natural_gas_by_the_standard_cubic_foot():
    """1,000,000 scf x 1.026 MMBtu/Mcf (gross) x 53.06 kg CO2/MMBtu = 54.43956 t CO2 (US EPA hub values).

    CH4: 1,026 MMBtu x 1.0e-3 kg = 1.026 kg; N2O: 0.1026 kg; AR5 CO2e = 54.43956 + 0.001026 x 28 + 0.0001026 x 265
    = 54.43956 + 0.028728 + 0.027189 = 54.495477 t.
    """
    res = one(GAS, 1_000_000, "scf").emissions(nc.FactorSet.from_factors([epa_gas()]))
    assert res.total("CO2") == pytest.approx(54.43956, rel=1e-12)
    assert res.total("CH4") == pytest.approx(0.001026, rel=1e-12)
    assert res.total() == pytest.approx(54.495477, rel=1e-12)
    same = one(GAS, 1000, "Mcf").emissions(nc.FactorSet.from_factors([epa_gas()]))
    assert same.total() == pytest.approx(54.495477, rel=1e-12)


def test_gross_and_net_never_meet_silently():
    """An NCV-basis factor (IPCC 56,100 kg CO2/TJ) cannot use a gross heat content without a stated ratio."""
    hhv = nc.FuelProperty("gcv", 1.026, "MMBtu/Mcf", EPA)
    net_factor = nc.Factor(GAS, "US", 2024, "kg/TJ", {"CO2": 56100}, IPCC, gcv=hhv)
    with pytest.raises(nc.DimensionError) as info:
        one(GAS, 1_000_000, "scf").emissions(nc.FactorSet.from_factors([net_factor]))
    text = str(info.value)
    assert "net basis" in text and "NCV/GCV ratio" in text and "on_basis" in text
    # stated: NCV = 0.90 x GCV for natural gas (IPCC 2006 Vol. 2 Ch. 1 default) -> 0.9234 MMBtu/Mcf
    lhv = hhv.on_basis("ncv", NCV_PER_GCV["natural_gas"])
    assert lhv.value == pytest.approx(0.9234, rel=1e-12) and lhv.confidence == "DERIVED" and "0.9" in lhv.notes
    fs = nc.FactorSet.from_factors([nc.Factor(GAS, "US", 2024, "kg/TJ", {"CO2": 56100}, IPCC, ncv=lhv)])
    # 1e6 scf -> 923.4 MMBtu (net) x 1.055056 GJ = 974.2387104 GJ = 0.9742387104 TJ x 56,100 kg = 54,654.79165 kg
    assert one(GAS, 1_000_000, "scf").emissions(fs).total() == pytest.approx(54.65479165, rel=1e-9)


def test_heat_content_per_gallon():
    """EPA motor gasoline: 0.125 MMBtu/gal (gross), 70.22 kg CO2/MMBtu.

    100 gal -> 12.5 MMBtu -> 877.75 kg; 1,000 L = 264.1720524 gal -> 33.02150655 MMBtu -> 2,318.770190 kg.
    """
    hc = nc.FuelProperty("gcv", 0.125, "MMBtu/gal", EPA)
    f = nc.Factor("fuel.gasoline.stationary", "US", 2024, "kg/MMBtu", {"CO2": 70.22}, EPA, energy_basis="gcv", gcv=hc)
    fs = nc.FactorSet.from_factors([f])
    assert one("fuel.gasoline.stationary", 100, "gal").emissions(fs).total() == pytest.approx(0.87775, rel=1e-12)
    assert one("fuel.gasoline.stationary", 1000, "L").emissions(fs).total() == pytest.approx(2.318770190, rel=1e-9)


def test_china_natural_gas_per_ten_thousand_normal_cubic_metres():
    """389.31 GJ per 10^4 Nm3 (NCV): 10 x 10^4 Nm3 = 3,893.1 GJ = 3.8931 TJ x 56.1 t/TJ = 218.40291 t CO2."""
    ncv = nc.FuelProperty("ncv", 389.31, "GJ/(10^4 Nm3)", CHINA)
    fs = nc.FactorSet.from_factors([nc.Factor(GAS, "CN", 2024, "t/TJ", {"CO2": 56.1}, IPCC, ncv=ncv)])
    assert one(GAS, 10, "10^4 Nm3", region="CN").emissions(fs).total() == pytest.approx(218.40291, rel=1e-12)
    assert one(GAS, 100_000, "Nm3", region="CN").emissions(fs).total() == pytest.approx(218.40291, rel=1e-12)
    # a metered volume is not gas at normal conditions: the per-Nm3 NCV does not serve m^3
    with pytest.raises(nc.DimensionError, match="volume"):
        one(GAS, 100_000, "m^3", region="CN").emissions(fs)


def test_density_per_normal_cubic_metre_bridges_to_mass():
    """0.7174 kg/Nm3 x 48.0 TJ/Gg: 1,000 Nm3 = 717.4 kg = 0.0344352 TJ x 56,100 kg/TJ = 1,931.81472 kg."""
    d = nc.FuelProperty("density", 0.7174, "kg/Nm3", IPCC)
    n = nc.FuelProperty("ncv", 48.0, "TJ/Gg", IPCC)
    fs = nc.FactorSet.from_factors([nc.Factor(GAS, "XA", 2024, "kg/TJ", {"CO2": 56100}, IPCC, ncv=n, density=d)])
    assert one(GAS, 1000, "Nm3", region="XA").emissions(fs).total() == pytest.approx(1.93181472, rel=1e-12)


def test_an_energy_activity_is_read_on_the_factors_basis():
    """1,000 MMBtu of gas on a per-MMBtu (gross) factor: 53.06 t CO2 (no basis conversion asked or made)."""
    fs = nc.FactorSet.from_factors([epa_gas()])
    assert one(GAS, 1000, "MMBtu").emissions(fs).total("CO2") == pytest.approx(53.06, rel=1e-12)
    assert one(GAS, 10, "therm").emissions(fs).total("CO2") == pytest.approx(0.05306, rel=1e-12)


def test_bad_basis_input_is_a_typed_error():
    with pytest.raises(nc.InputError, match="'ncv' \\(net\\) or 'gcv'"):
        epa_gas(energy_basis="hhv")
    with pytest.raises(nc.InputError, match="calorific basis of an energy unit"):
        nc.Factor(GAS, "US", 2024, "kg/scf", {"CO2": 0.05}, EPA, energy_basis="gcv")
    with pytest.raises(nc.InputError, match="named 'gcv'"):
        nc.Factor(GAS, "US", 2024, "kg/MMBtu", {"CO2": 53.06}, EPA, gcv=nc.FuelProperty("ncv", 48, "TJ/Gg", IPCC))
    with pytest.raises(nc.DimensionError, match="energy per mass, volume or gas"):
        nc.FuelProperty("gcv", 1.026, "MMBtu/km", EPA)
    with pytest.raises(nc.DimensionError, match="mass per"):
        nc.FuelProperty("density", 1.0, "kg/kg", EPA)
    hhv = nc.FuelProperty("gcv", 1.026, "MMBtu/Mcf", EPA)
    with pytest.raises(nc.InputError, match="between 0.5 and 1"):
        hhv.on_basis("ncv", 1.1)
    with pytest.raises(nc.InputError, match="calorific value"):
        nc.FuelProperty("density", 0.7, "kg/Nm3", EPA).on_basis("ncv", 0.9)


def test_factor_file_reads_basis_and_gross_properties(tmp_path):
    factors = tmp_path / "factors.csv"
    factors.write_text(
        "activity,region,year,gas,value,unit,energy_basis,publisher,document,source_year\n"
        f"{GAS},US,2024,CO2,53.06,kg/MMBtu,gcv,US EPA,GHG Emission Factors Hub Table 1,2024\n"
        f"{GAS},US,2024,CH4,0.001,kg/MMBtu,,US EPA,GHG Emission Factors Hub Table 1,2024\n", encoding="utf-8")
    props = tmp_path / "properties.csv"
    props.write_text("activity,region,property,value,unit,publisher,document,source_year\n"
                     f"{GAS},World,gcv,1.026,MMBtu/Mcf,US EPA,GHG Emission Factors Hub Table 1,2024\n",
                     encoding="utf-8")
    fs = nc.FactorSet.read_csv(factors, properties=props)
    f = fs[0]
    assert f.energy_basis == "gcv" and f.gcv is not None and f.gcv.per == "standard_gas"
    assert one(GAS, 1_000_000, "scf").emissions(fs).total("CO2") == pytest.approx(54.43956, rel=1e-12)
    factors.write_text(factors.read_text().replace(",gcv,US", ",higher,US", 1))
    with pytest.raises(nc.SchemaError) as info:
        nc.FactorSet.read_csv(factors)
    assert info.value.line == 2 and info.value.column == "energy_basis"
    factors.write_text(factors.read_text().replace(",higher,US", ",ncv,US", 1).replace(",,US", ",gcv,US", 1))
    with pytest.raises(nc.SchemaError) as info:
        nc.FactorSet.read_csv(factors)
    assert info.value.line == 3 and info.value.column == "energy_basis" and "differs" in str(info.value)


@settings(max_examples=60, deadline=None)
@given(gcv=st.floats(0.01, 100.0), ratio=st.floats(0.5, 1.0))
def test_on_basis_round_trips_and_net_is_below_gross(gcv, ratio):
    hhv = nc.FuelProperty("gcv", gcv, "MJ/kg", EPA)
    net = hhv.on_basis("ncv", ratio)
    assert net.value <= hhv.value * (1 + 1e-12)
    assert net.on_basis("gcv", ratio).value == pytest.approx(gcv, rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(q=st.floats(0.1, 1e6), density=st.floats(0.5, 1200.0), ncv=st.floats(5.0, 60.0))
def test_volume_to_energy_is_quantity_x_density_x_ncv(q, density, ncv):
    """An activity in m^3 on a per-TJ factor of 1 t/TJ: q x density (kg/m^3) x ncv (TJ/Gg) x 1e-6 t."""
    f = nc.Factor("fuel.x", "XA", 2024, "t/TJ", {"CO2": 1.0}, IPCC, ncv=nc.FuelProperty("ncv", ncv, "TJ/Gg", IPCC),
                  density=nc.FuelProperty("density", density, "kg/m^3", IPCC))
    got = one("fuel.x", q, "m^3", region="XA").emissions(nc.FactorSet.from_factors([f])).total()
    assert got == pytest.approx(q * density * ncv * 1e-6, rel=1e-9)


def test_fuel_switch_reads_an_ncv_per_litre():
    """An NCV per litre (36 MJ/L) is not per kg: 1,000 L diesel = 36 GJ; switched 1:1 to gas that is 36 GJ of gas.

    FuelSwitch used to multiply any NCV as if it were per kg (and by the density for litres)."""
    from neutralcore.plugins.levers.fuels import FuelSwitch

    src = nc.Source("A ministry", "National fuel properties table", 2024)
    inv = nc.Inventory([nc.Activity("fuel.diesel.stationary", 1000, "L", region="XA", year=2024, scope=1)])
    switch = FuelSwitch("fuel.diesel.stationary", "fuel.natural_gas.stationary",
                        from_ncv=nc.FuelProperty("ncv", 36.0, "MJ/L", src))
    out = switch.apply(inv, 2024).to_columns()
    assert out["quantity"] == [0.0, pytest.approx(36.0, rel=1e-12)] and out["unit"] == ["L", "GJ"]
    dens = nc.FuelProperty("density", 0.84, "kg/L", src)
    kg = nc.Inventory([nc.Activity("fuel.diesel.stationary", 840, "kg", region="XA", year=2024, scope=1)])
    with_density = FuelSwitch("fuel.diesel.stationary", "fuel.natural_gas.stationary",
                              from_ncv=nc.FuelProperty("ncv", 36.0, "MJ/L", src), from_density=dens)
    assert with_density.apply(kg, 2024).to_columns()["quantity"][1] == pytest.approx(36.0, rel=1e-12)
    with pytest.raises(nc.LeverError, match="density"):
        switch.apply(kg, 2024)
    gas = FuelSwitch("fuel.natural_gas.stationary", "electricity.grid",
                     from_ncv=nc.FuelProperty("ncv", 0.038931, "GJ/Nm3", src))
    with pytest.raises(nc.LeverError, match="per mass or volume"):
        gas.apply(nc.Inventory([nc.Activity("fuel.natural_gas.stationary", 1, "GJ", region="XA", year=2024,
                                            scope=1)]), 2024)
