"""AR4 GWP100 of the eight HFCs the GHG Protocol tabulation omits.

Values as printed in US EPA, 40 CFR Part 98 Subpart A, Table A-1 (100-year GWPs;
the version before the 89 FR 31894 amendment of 2024), which carries IPCC AR4
WG1 Table 2.14 values for these gases.
"""

from __future__ import annotations

import math

import pytest

import neutralcore as nc
from neutralcore.gwp import GASES, GWP_SETS, GWP_SOURCES, GWP_VALUE_SOURCES, gwp_value, gwp_vector

AR4_HFCS = {
    "HFC-41": 92.0,
    "HFC-134": 1100.0,
    "HFC-143": 353.0,
    "HFC-152": 53.0,
    "HFC-161": 12.0,
    "HFC-236cb": 1340.0,
    "HFC-236ea": 1370.0,
    "HFC-245ca": 693.0,
}


@pytest.mark.parametrize("gas, value", sorted(AR4_HFCS.items()))
def test_ar4_value(gas, value):
    assert gwp_value(gas, "AR4") == value
    assert gwp_value(gas.lower(), "ar4") == value
    assert GWP_SETS["AR4"][gas] == value


def test_vector_in_order():
    gases = list(AR4_HFCS)
    assert gwp_vector(gases, "AR4").tolist() == list(AR4_HFCS.values())


def test_each_added_value_is_cited():
    assert set(GWP_VALUE_SOURCES) == {("AR4", g) for g in AR4_HFCS}
    for cite in GWP_VALUE_SOURCES.values():
        assert "US EPA" in cite and "40 CFR Part 98" in cite and "Table A-1" in cite
        assert "AR4" in cite and "Table 2.14" in cite
    assert "GWP_VALUE_SOURCES" in GWP_SOURCES["AR4"]


def test_other_sets_unchanged():
    assert gwp_value("HFC-245ca", "AR5") == 716.0
    assert gwp_value("HFC-245ca", "AR6") == 787.0
    assert gwp_value("HFC-41", "AR5") == 116.0


#: the Kyoto gases shipped before the SAR/TAR and Montreal-gas tables were added
KYOTO_FIRST = GASES[:GASES.index("C6F14") + 1]


def test_only_split_methane_still_missing_in_ar4():
    missing = {g for g in KYOTO_FIRST if g not in GWP_SETS["AR4"]}
    assert missing == {"CH4_fossil", "CH4_non_fossil"}
    assert not any(math.isnan(v) for v in GWP_SETS["AR4"].values())


def test_one_tonne_hfc_245ca_is_693_t_co2e_under_ar4():
    """1 t HFC-245ca emitted x AR4 GWP100 693 = 693 t CO2e (AR5: 716 t)."""
    src = nc.Source("IPCC", "definition: 1 t of gas emitted per t leaked", 2006)
    fs = nc.FactorSet.from_factors([nc.Factor("refrigerant.hfc_245ca", "World", 2006, "t/t", {"HFC-245ca": 1.0}, src)])
    inv = nc.Inventory([nc.Activity("refrigerant.hfc_245ca", 1, "t", region="VN", year=2023, scope=1)])
    res = inv.emissions(fs, gwp="AR4")
    assert res.total() == pytest.approx(693.0, rel=1e-12)
    assert res.total("HFC-245ca") == pytest.approx(1.0, rel=1e-12)
    assert inv.emissions(fs, gwp="AR5").total() == pytest.approx(716.0, rel=1e-12)
