"""SAR, TAR and AR6 GWP20 sets, the Montreal Protocol gases, HFEs and the other IPCC species.

Expected values are the published tables as tabulated (see ``neutralcore.gwp``):
SAR: IPCC SAR WG1 (1995) Table 2.9; TAR: IPCC TAR WG1 (2001) Table 6.7; AR4 WG1 Table 2.14;
AR5 WG1 Table 8.A.1; AR6 WG1 Table 7.SM.7 (GWP100 and GWP20).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings, strategies as st

import neutralcore as nc
import neutralcore.gwp as gwp_module
from neutralcore.gwp import GWP_SETS, canonical_gas, canonical_gwp_set, gas_kind, gwp_label, gwp_value, in_scopes

SRC = nc.Source("IPCC", "definition: 1 t of gas emitted per t released", 2006)


@pytest.mark.parametrize("gas, sar, tar", [
    ("CH4", 21, 23), ("N2O", 310, 296), ("SF6", 23900, 22200), ("HFC-23", 11700, 12000), ("HFC-32", 650, 550),
    ("HFC-125", 2800, 3400), ("HFC-134a", 1300, 1300), ("HFC-143a", 3800, 4300), ("CF4", 6500, 5700),
    ("C2F6", 9200, 11900), ("HCFC-22", 1500, 1700), ("CFC-11", 3800, 4600),
])
def test_sar_and_tar(gas, sar, tar):
    assert gwp_value(gas, "SAR") == sar and gwp_value(gas, "tar") == tar


def test_sets_that_give_no_value_say_so():
    assert "NF3" not in GWP_SETS["SAR"] and gwp_value("NF3", "TAR") == 10800
    with pytest.raises(nc.UnknownGasError, match="no GWP in SAR.*sets that do: TAR, AR4, AR5, AR6, AR6-GWP20"):
        gwp_value("NF3", "SAR")


@pytest.mark.parametrize("gas, gwp20", [("CH4", 81.2), ("N2O", 273), ("HFC-134a", 4140), ("HFC-32", 2690),
                                        ("SF6", 18300), ("CFC-12", 12700)])
def test_ar6_gwp20(gas, gwp20):
    assert gwp_value(gas, "AR6-GWP20") == gwp20
    assert gwp_value(gas, "ar6_gwp20") == gwp20


def test_gwp20_of_split_methane_is_not_shipped():
    with pytest.raises(nc.UnknownGasError, match="only for AR6 GWP100"):
        gwp_value("CH4_fossil", "AR6-GWP20")


# AR4 Table 2.14, AR5 Table 8.A.1, AR6 Table 7.SM.7
@pytest.mark.parametrize("gas, ar4, ar5, ar6", [
    ("CFC-11", 4750, 4660, 6230), ("CFC-12", 10900, 10200, 12500), ("CFC-113", 6130, 5820, 6520),
    ("CFC-114", 10000, 8590, 9430), ("CFC-115", 7370, 7670, 9600), ("HCFC-22", 1810, 1760, 1960),
    ("HCFC-123", 77, 79, 90.4), ("HCFC-124", 609, 527, 597), ("HCFC-141b", 725, 782, 860),
    ("HCFC-142b", 2310, 1980, 2300), ("Halon-1211", 1890, 1750, 1930), ("Halon-1301", 7140, 6290, 7200),
    ("Halon-2402", 1640, 1470, 2170), ("CCl4", 1400, 1730, 2200), ("CH3CCl3", 146, 160, 161),
    ("CH3Br", 5, 2, 2.43), ("HFE-125", 14900, 12400, 14300), ("HFE-7100", None, None, None),
    ("SF5CF3", 17700, 17400, 18500), ("PFPMIE", 10300, 9710, 10300), ("CH2Cl2", 8.7, 9, 11.2),
])
def test_montreal_gases_hfes_and_others(gas, ar4, ar5, ar6):
    for name, value in (("AR4", ar4), ("AR5", ar5), ("AR6", ar6)):
        if value is None:
            assert gas not in GWP_SETS[name]
        else:
            assert gwp_value(gas, name) == value and GWP_SETS[name][gas] == value


@pytest.mark.parametrize("name, canonical", [
    ("R-22", "HCFC-22"), ("hcfc-141B", "HCFC-141b"), ("R-11", "CFC-11"), ("carbon tetrachloride", "CCl4"),
    ("methyl chloroform", "CH3CCl3"), ("Methyl Bromide", "CH3Br"), ("halon-1301", "Halon-1301"),
    ("HBFC-22B1", "Halon-1201"), ("co2_biogenic", "CO2_biogenic"), ("co2e", "CO2e"), ("r410a", "R-410A"),
])
def test_aliases(name, canonical):
    assert canonical_gas(name) == canonical


@pytest.mark.parametrize("gas, kind", [
    ("CO2", "kyoto"), ("CH4_fossil", "kyoto"), ("HFC-134a", "kyoto"), ("C10F18", "kyoto"), ("NF3", "kyoto"),
    ("CFC-12", "montreal"), ("HCFC-225cb", "montreal"), ("Halon-2402", "montreal"), ("CH3Br", "montreal"),
    ("HFE-245fa2", "other"), ("SO2F2", "other"), ("CH3Cl", "other"), ("CO2e", "co2e"),
    ("CO2_biogenic", "biogenic"), ("R-404A", "kyoto"),
])
def test_kinds(gas, kind):
    assert gas_kind(gas) == kind
    assert in_scopes(gas) is (kind in ("kyoto", "co2e"))


def test_every_value_is_positive_and_each_set_is_named():
    for name, values in GWP_SETS.items():
        assert canonical_gwp_set(name) == name
        assert all(v > 0 and math.isfinite(v) for v in values.values())
    assert gwp_label("AR6-GWP20") == "GWP20 AR6" and gwp_label("sar") == "GWP100 SAR"


def test_the_table_is_read_strictly(tmp_path, monkeypatch):
    header = "gas,kind,SAR,TAR,AR4,AR5,AR6,AR6-GWP20\n"
    for body, where in (("CO2,kyoto,1,1,1,1,1,1\nCH4,kyoto,21,23,x,28,27.9,81.2\n", "line 3"),
                        ("CO2,kyoto,1,1,1,1,1,1\nCH4,odd,21,23,25,28,27.9,81.2\n", "line 3"),
                        ("CO2,kyoto,1,1,1,1,1,1\nco2,kyoto,1,1,1,1,1,1\n", "line 3")):
        (tmp_path / "gwp.csv").write_text(header + body)
        monkeypatch.setattr(gwp_module, "_DATA", tmp_path)
        with pytest.raises(nc.SchemaError, match=where) as info:
            gwp_module._read_table()
        assert info.value.line == 3


def _leak(gas: str, tonnes: float, scope: int = 1) -> tuple[nc.Factor, nc.Activity]:
    key = "refrigerant." + gas.lower().replace("-", "_")
    return (nc.Factor(key, "World", 2006, "t/t", {gas: 1.0}, SRC),
            nc.Activity(key, tonnes, "t", region="VN", year=2023, scope=scope))


def test_hcfc_is_reported_apart_and_never_in_the_scope_totals():
    """1 t HFC-134a (AR5 1300) and 0.1 t HCFC-22 (AR5 1760): scope 1 = 1,300 t CO2e; HCFC-22 176 t apart."""
    (f1, a1), (f2, a2) = _leak("HFC-134a", 1.0), _leak("HCFC-22", 0.1)
    res = nc.Inventory([a1, a2]).emissions(nc.FactorSet.from_factors([f1, f2]))
    assert res.total() == pytest.approx(1300.0, rel=1e-12)
    assert res.by_scope()[1] == pytest.approx(1300.0, rel=1e-12)
    assert res.total("HCFC-22") == pytest.approx(0.1, rel=1e-12)
    table = res.per_gas()
    rows = {g: i for i, g in enumerate(table["gas"])}
    assert table["reported"][rows["HCFC-22"]] == "separately" and table["reported"][rows["HFC-134a"]] == "in scopes"
    assert table["co2e_t"][rows["HCFC-22"]] == pytest.approx(176.0, rel=1e-12)
    apart = res.outside_scopes()
    assert apart["gas"] == ["HCFC-22"] and apart["co2e_t"][0] == pytest.approx(176.0, rel=1e-12)
    by = res.by("activity")
    assert sum(by["co2e_t"]) == pytest.approx(1300.0, rel=1e-12) and "HCFC-22_t" in by.columns
    assert "reported separately from the scopes" in repr(res) and "HCFC-22 0.100 t (176.000 t CO2e)" in repr(res)


def test_a_montreal_gas_without_a_value_in_the_set_does_not_stop_the_totals():
    """CFC-114 has no SAR value: its CO2e is NaN in per_gas, the scope total is the HFC's (SAR 1300)."""
    (f1, a1), (f2, a2) = _leak("HFC-134a", 1.0), _leak("CFC-114", 1.0)
    res = nc.Inventory([a1, a2]).emissions(nc.FactorSet.from_factors([f1, f2]), gwp="SAR")
    assert res.total() == pytest.approx(1300.0, rel=1e-12) and res.gwp == "SAR"
    assert math.isnan(res.outside_scopes()["co2e_t"][0])


def test_sar_tar_and_gwp20_through_the_kernel():
    """1 t CH4: SAR 21, TAR 23, AR6 GWP20 81.2 t CO2e."""
    f, a = _leak("CH4", 1.0)
    inv, fs = nc.Inventory([a]), nc.FactorSet.from_factors([f])
    assert [inv.emissions(fs, gwp=s).total() for s in ("SAR", "TAR", "AR6-GWP20")] == [21.0, 23.0, 81.2]
    res = inv.emissions(fs, gwp="ar6_gwp20")
    assert res.gwp == "AR6-GWP20" and "GWP20 AR6" in repr(res)


MIX = ("CO2", "CH4", "N2O", "HFC-134a", "R-410A", "CO2e", "CO2_biogenic", "HCFC-22", "CFC-12", "HFE-125", "SO2F2")


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.sampled_from(MIX), st.floats(0, 1e3, allow_nan=False), min_size=1),
       st.sampled_from(["AR4", "AR5", "AR6"]))
def test_the_scope_total_is_the_in_scope_part_of_per_gas(gases, gwp):
    kwargs = {"gwp_basis": gwp} if "CO2e" in gases else {}
    if "CO2e" in gases and len(gases) > 1:
        gases = {g: v for g, v in gases.items() if g != "CO2e"}  # a CO2e beside gases would be a checked total
        kwargs = {}
    fs = nc.FactorSet.from_factors([nc.Factor("process.mix", "World", 2020, "t/t", gases, SRC, **kwargs)])
    res = nc.Inventory([nc.Activity("process.mix", 2.0, "t", region="VN", year=2023, scope=1)]).emissions(fs, gwp=gwp)
    table = res.per_gas()
    inside = sum(c for c, r in zip(table["co2e_t"], table["reported"]) if r == "in scopes")
    expected = sum(2.0 * v * GWP_SETS[gwp][g] for g, v in gases.items() if in_scopes(g))
    assert res.total() == pytest.approx(inside, rel=1e-9, abs=1e-9)
    assert res.total() == pytest.approx(expected, rel=1e-9, abs=1e-9)
    assert res.by_scope()[1] == pytest.approx(res.total(), rel=1e-12, abs=1e-12)
    assert set(res.outside_scopes()["gas"]) == {g for g in res.gases if not in_scopes(g)}
