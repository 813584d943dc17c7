"""The unit registry, factor-unit parsing and the GWP sets."""

from __future__ import annotations

import pytest

import neutralcore as nc
from neutralcore.gwp import GWP_SOURCES, canonical_gas, gwp_value, gwp_vector
from neutralcore.units import get_registry, multiplier, parse_unit, split_factor_unit


def test_one_registry():
    assert get_registry() is get_registry()


@pytest.mark.parametrize("src, dst, expected", [
    ("kWh", "MWh", 1e-3), ("GJ", "MWh", 1 / 3.6), ("TJ", "MWh", 1e6 / 3600), ("L", "m^3", 1e-3),
    ("t", "kg", 1e3), ("Gg", "t", 1e3), ("tkm", "kg*km", 1e3),
])
def test_multipliers(src, dst, expected):
    assert multiplier(src, dst) == pytest.approx(expected, rel=1e-12)


def test_unit_errors():
    with pytest.raises(nc.UnknownUnitError, match="blorps"):
        parse_unit("blorps")
    with pytest.raises(nc.UnknownUnitError, match="contains a number"):
        parse_unit("1000 kg")
    with pytest.raises(nc.DimensionError, match="'kWh'.*'L'"):
        multiplier("kWh", "L")


def test_split_factor_unit():
    assert split_factor_unit("t/MWh") == ("t", "MWh", 1.0)
    assert split_factor_unit("kg/TJ") == ("kg", "TJ", 1e-3)
    assert split_factor_unit("g/(t*km)")[1] == "t*km"
    with pytest.raises(nc.DimensionError, match="numerator"):
        split_factor_unit("MWh/t")
    with pytest.raises(nc.UnknownUnitError):
        split_factor_unit("tonnes")


# IPCC GWP100 values (AR4 WG1 Table 2.14; AR5 WG1 Table 8.A.1 without climate-carbon feedback; AR6 WG1 Table 7.SM.7)
@pytest.mark.parametrize("gas, ar4, ar5, ar6", [
    ("CO2", 1, 1, 1), ("CH4", 25, 28, 27.9), ("N2O", 298, 265, 273), ("SF6", 22800, 23500, 25200),
    ("NF3", 17200, 16100, 17400), ("HFC-134a", 1430, 1300, 1530), ("HFC-32", 675, 677, 771),
    ("HFC-125", 3500, 3170, 3740), ("HFC-23", 14800, 12400, 14600), ("CF4", 7390, 6630, 7380),
    ("HFC-143a", 4470, 4800, 5810), ("HFC-152a", 124, 138, 164), ("HFC-227ea", 3220, 3350, 3600),
    ("HFC-245fa", 1030, 858, 962), ("HFC-43-10mee", 1640, 1650, 1600), ("C2F6", 12200, 11100, 12400),
    ("c-C4F8", 10300, 9540, 10200), ("C6F14", 9300, 7910, 8620),
])
def test_gwp_values(gas, ar4, ar5, ar6):
    assert [gwp_value(gas, s) for s in ("AR4", "AR5", "AR6")] == [ar4, ar5, ar6]


def test_ar6_methane_split_and_aliases():
    assert gwp_value("CH4_fossil", "AR6") == 29.8
    assert gwp_value("CH4_non_fossil", "AR6") == 27.0
    assert canonical_gas("r-134a") == "HFC-134a" and canonical_gas("PFC-14") == "CF4" and canonical_gas("ch4") == "CH4"
    assert canonical_gas("PFC-116") == "C2F6" and canonical_gas("hfc-4310mee") == "HFC-43-10mee"
    assert gwp_value("HFC-41", "AR5") == 116.0
    with pytest.raises(nc.UnknownGasError):
        gwp_vector(["CH4_fossil"], "AR4")
    with pytest.raises(nc.UnknownGasError, match="unknown gas"):
        canonical_gas("CO3")
    with pytest.raises(nc.UnknownGWPSetError) as info:
        gwp_vector(["CO2"], "AR3")
    assert info.value.available == ("SAR", "TAR", "AR4", "AR5", "AR6", "AR6-GWP20")


def test_every_set_is_cited():
    assert set(GWP_SOURCES) == {"SAR", "TAR", "AR4", "AR5", "AR6", "AR6-GWP20"} == set(nc.GWP_SETS)
    assert "Table 2.14" in GWP_SOURCES["AR4"] and "8.A.1" in GWP_SOURCES["AR5"] and "7.SM.7" in GWP_SOURCES["AR6"]
    assert "Table 2.9" in GWP_SOURCES["SAR"] and "Table 6.7" in GWP_SOURCES["TAR"]
    assert "7.SM.7" in GWP_SOURCES["AR6-GWP20"] and "GWP20" in GWP_SOURCES["AR6-GWP20"]
    assert dict(nc.GWP_SETS["AR5"])["CH4"] == 28.0


def test_ton_is_refused_as_ambiguous():
    """pint's 'ton' is the US short ton (907.18474 kg); a carbon report that writes 'ton' usually means tonnes."""
    for unit in ("ton", "tons", "ton*km", "kg/ton"):
        with pytest.raises(nc.UnknownUnitError, match="ambiguous"):
            parse_unit(unit)
    assert multiplier("tonne", "kg") == 1000.0
    assert multiplier("short_ton", "kg") == pytest.approx(907.18474)
    assert multiplier("tonne_km", "t*km") == 1.0
