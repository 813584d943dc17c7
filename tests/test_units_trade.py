"""Units that trade and regulation use (issue 11): US gas and energy units, coal equivalent, transport and
accommodation counts, ambiguous US/SI prefixes and "did you mean" hints."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import neutralcore as nc
from neutralcore.units import CURRENCIES, currency_of, get_registry, multiplier, parse_unit


@pytest.mark.parametrize("unit, other, factor", [
    # 1 Btu = 1 055.056 J (pint's Btu, ISO 31-4; NIST SP 811 (2008) B.8 lists Btu_IT = 1.055 056 E+03 J)
    ("MMBtu", "GJ", 1.055056), ("mmBtu", "MMBtu", 1.0), ("therm", "MMBtu", 0.1), ("kBtu", "Btu", 1e3),
    # gas volumes at reference conditions: 100, 10^3, 10^6 standard cubic feet
    ("ccf", "scf", 100.0), ("Mcf", "scf", 1e3), ("MMcf", "Mcf", 1e3), ("MMscf", "MMcf", 1.0),
    ("10^4 Nm3", "Nm3", 1e4), ("10**4*Nm3", "Nm3", 1e4), ("10^4Nm3", "Nm3", 1e4),
    # coal equivalent GB/T 2589-2020: 1 kgce = 29.3076 MJ; oil equivalent IEA: 1 toe = 41.868 GJ
    ("tce", "GJ", 29.3076), ("kgce", "MJ", 29.3076), ("tce", "kgce", 1e3), ("toe", "GJ", 41.868),
    ("Mtoe", "PJ", 41.868), ("tce", "toe", 29.3076 / 41.868),
    ("passenger.km", "pkm", 1.0), ("passenger*km", "p_km", 1.0), ("tonne.km", "tkm", 1.0),
    ("room.night", "room_night", 1.0), ("person.night", "person_night", 1.0), ("kUSD", "USD", 1e3),
])
def test_trade_units(unit, other, factor):
    assert multiplier(unit, other) == pytest.approx(factor, rel=1e-12)


def test_natural_gas_worked_in_trade_units():
    """1,000,000 scf x 1.026 MMBtu/Mcf = 1,026 MMBtu = 1,082.487 GJ (1,026 x 1.055056)."""
    assert 1e6 * multiplier("scf", "Mcf") * 1.026 == pytest.approx(1026.0, rel=1e-12)
    assert 1026 * multiplier("MMBtu", "GJ") == pytest.approx(1082.487456, rel=1e-12)
    # China: 389.31 GJ per 10^4 Nm3 of natural gas is 0.038931 GJ per Nm3
    assert 389.31 * multiplier("GJ/(10^4 Nm3)", "GJ/Nm3") == pytest.approx(0.038931, rel=1e-12)


@pytest.mark.parametrize("unit, other, says", [
    ("pkm", "km", "a passenger-km is not a vehicle-km"), ("passenger.km", "km", "[passenger]"),
    ("tkm", "km", "[mass]"), ("Nm3", "m^3", "reference conditions"), ("scf", "ft^3", "reference conditions"),
    ("scf", "Nm3", "at the conditions"), ("Mcf", "m^3", "reference conditions"), ("room*night", "night", "[room]"),
    ("person*night", "room*night", "[person]"), ("USD", "EUR", "exchange-rate table"), ("CNY", "kg", "currency"),
])
def test_kept_apart(unit, other, says):
    with pytest.raises(nc.DimensionError) as info:
        multiplier(unit, other)
    assert says in str(info.value)


@pytest.mark.parametrize("unit, says", [
    ("MBtu", "'kBtu' (10^3 Btu) or 'MMBtu'"), ("MBtu/h", "thousand Btu in US practice"), ("Mlb", "'klb'"),
    ("Mlbs", "thousand pounds"), ("kg/Mlb", "ambiguous"), ("Mscf", "'Mcf' (10^3 scf)"), ("mcf", "milli"),
    ("mmscf", "'MMscf'"), ("MMlb", "t or kg"), ("kMcf", "'MMcf'"),
])
def test_us_and_si_prefixes_refused_as_ambiguous(unit, says):
    with pytest.raises(nc.UnknownUnitError) as info:
        parse_unit(unit)
    assert says in str(info.value) and info.value.unit == unit


@pytest.mark.parametrize("unit, hint", [
    ("m3", "did you mean 'm^3'"), ("kg/m3", "did you mean 'm^3'"), ("mwh", "did you mean 'MWh'"),
    ("Mwh", "'MWh'"), ("KWH", "'kWh'"), ("mmbtu", "'MMBtu'"), ("TCE", "'tce'"), ("usd", "'USD'"),
    ("rmb", "'CNY'"), ("Gwh", "'GWh'"), ("nm3", "'Nm3'"), ("ft3", "'scf'"),
])
def test_did_you_mean(unit, hint):
    with pytest.raises(nc.UnknownUnitError) as info:
        parse_unit(unit)
    assert hint in str(info.value)


def test_every_currency_is_its_own_dimension():
    reg = get_registry()
    assert {"USD", "EUR", "GBP", "CNY", "VND", "JPY"} <= set(CURRENCIES)
    dims = {str(parse_unit(code).dimensionality) for code in CURRENCIES}
    assert len(dims) == len(CURRENCIES)
    for code in CURRENCIES:
        assert len(reg.parse_unit_name(code)) == 1  # never read as a prefix on something else
        assert currency_of(code) == code and currency_of(f"k{code}") == code
    assert currency_of("kWh") is None and currency_of("USD/kWh") is None and currency_of("USD^2") is None


@given(a=st.sampled_from(CURRENCIES), b=st.sampled_from(CURRENCIES))
def test_no_two_currencies_convert(a, b):
    if a == b:
        assert multiplier(a, b) == 1.0
    else:
        with pytest.raises(nc.DimensionError, match="exchange-rate table"):
            multiplier(a, b)


def test_a_per_pkm_factor_refuses_vehicle_km():
    """pkm used to be defined as km: 1,000 vehicle-km against a per-passenger-km factor gave a number."""
    src = nc.Source("Test publisher", "Test table", 2024)
    fs = nc.FactorSet.from_factors([nc.Factor("transport.bus", "XA", 2024, "kg/pkm", {"CO2": 0.1}, src)])
    ok = nc.Inventory([nc.Activity("transport.bus", 1000, "passenger.km", region="XA", year=2024, scope=3)])
    assert ok.emissions(fs).total() == pytest.approx(0.1, rel=1e-12)  # 1,000 pkm x 0.1 kg = 0.1 t
    bad = nc.Inventory([nc.Activity("transport.bus", 1000, "km", region="XA", year=2024, scope=3)])
    with pytest.raises(nc.DimensionError, match="'km' cannot use a factor per 'pkm'"):
        bad.emissions(fs)
