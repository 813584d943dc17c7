"""Refrigerant blends: ASHRAE Standard 34-2019 compositions, weighted from their components under each set.

Worked by hand from the component GWPs (AR4 WG1 Table 2.14, AR5 WG1 Table 8.A.1, AR6 WG1 Table 7.SM.7):
R-410A = 0.5 HFC-32 + 0.5 HFC-125 -> AR5 0.5 x 677 + 0.5 x 3170 = 1,923.5; AR4 0.5 x 675 + 0.5 x 3500 = 2,087.5.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, strategies as st

import neutralcore as nc
from neutralcore.gwp import BLENDS, BLEND_SOURCE, GWP_SETS, RefrigerantBlend, canonical_gas, gwp_value

REQUIRED = ("R-404A", "R-407A", "R-407C", "R-407F", "R-410A", "R-417A", "R-422D", "R-427A", "R-434A", "R-438A",
            "R-448A", "R-449A", "R-452A", "R-454B", "R-507A", "R-508B", "R-513A")
SRC = nc.Source("IPCC", "definition: 1 t of refrigerant emitted per t leaked", 2006)


def test_every_required_blend_is_shipped_with_its_source():
    assert set(REQUIRED) <= set(BLENDS)
    assert "ASHRAE Standard 34-2019" in BLEND_SOURCE
    for blend in BLENDS.values():
        assert math.fsum(blend.components.values()) == pytest.approx(1.0, abs=1e-12)
        assert blend.source == BLEND_SOURCE


@pytest.mark.parametrize("blend, gwp, expected", [
    ("R-410A", "AR5", 1923.5), ("R-410A", "AR4", 2087.5), ("R-410A", "AR6", 0.5 * 771 + 0.5 * 3740),
    ("R-404A", "AR4", 0.44 * 3500 + 0.52 * 4470 + 0.04 * 1430),  # 3,921.6
    ("R-407C", "AR5", 0.23 * 677 + 0.25 * 3170 + 0.52 * 1300),  # 1,624.21
    ("R-507A", "AR6", 0.5 * 3740 + 0.5 * 5810),  # 4,775
    ("R-508B", "AR5", 0.46 * 12400 + 0.54 * 11100),  # HFC-23 + PFC-116: 11,698
    ("R-448A", "AR5", 0.26 * 677 + 0.26 * 3170 + 0.21 * 1300),  # HFOs left out: 1,273.22
    ("R-422D", "AR4", 0.651 * 3500 + 0.315 * 1430),  # isobutane left out: 2,728.95
    ("R-410A", "SAR", 0.5 * 650 + 0.5 * 2800),
])
def test_blend_gwp_is_the_mass_weighted_sum(blend, gwp, expected):
    assert gwp_value(blend, gwp) == pytest.approx(expected, rel=1e-12)
    assert GWP_SETS[gwp][blend] == pytest.approx(expected, rel=1e-12)


def test_components_without_a_published_gwp_are_named():
    assert BLENDS["R-448A"].unweighted() == ("HFO-1234yf", "HFO-1234ze(E)")
    assert BLENDS["R-438A"].unweighted() == ("R-600", "R-601a")
    assert BLENDS["R-410A"].unweighted() == ()


def test_ten_kg_of_r410a_leaked():
    """10 kg R-410A = 0.01 t x 1,923.5 = 19.235 t CO2e (AR5); x 2,087.5 = 20.875 t (AR4)."""
    fs = nc.FactorSet.from_factors([nc.Factor("refrigerant.r410a", "World", 2006, "t/t", {"r410a": 1.0}, SRC)])
    inv = nc.Inventory([nc.Activity("refrigerant.r410a", 10, "kg", region="VN", year=2023, scope=1)])
    assert inv.emissions(fs, gwp="AR5").total() == pytest.approx(19.235, rel=1e-12)
    assert inv.emissions(fs, gwp="AR4").total() == pytest.approx(20.875, rel=1e-12)
    res = inv.emissions(fs)
    assert res.gases == ("R-410A",) and res.total("R-410A") == pytest.approx(0.01, rel=1e-12)
    assert res.per_gas()["reported"] == ["in scopes"]


def test_a_blend_in_a_factor_file():
    text = (b"activity,region,year,gas,value,unit,publisher,document,source_year\n"
            b"refrigerant.r404a,World,2006,R-404A,1,t/t,IPCC,definition,2006\n")
    fs = nc.FactorSet.read_csv(text)
    assert fs.gases == ("R-404A",)
    inv = nc.Inventory([nc.Activity("refrigerant.r404a", 1, "t", region="VN", year=2023, scope=1)])
    assert inv.emissions(fs, gwp="AR4").total() == pytest.approx(3921.6, rel=1e-12)


@pytest.mark.parametrize("components, match", [
    ({"HFC-32": 0.5, "HFC-125": 0.4}, "sum to 0.9, not 1"),
    ({"HFC-32": 0.6, "HFC-125": 0.6}, "sum to 1.2, not 1"),
    ({"HFC-32": 1.5}, r"must be in \(0, 1\]"),
    ({"HFC-32": 0.5, "unobtainium": 0.5}, "unknown blend component"),
    ({"HFC-32": "half", "HFC-125": 0.5}, "not a number"),
    ({}, "non-empty"),
])
def test_a_blend_whose_fractions_do_not_sum_to_one_is_a_typed_error(components, match):
    with pytest.raises(nc.BlendCompositionError, match=match) as info:
        RefrigerantBlend("R-999X", components, "test")
    assert isinstance(info.value, nc.NeutralcoreError) and info.value.column == "components"


def test_the_blend_table_is_checked(tmp_path, monkeypatch):
    import neutralcore.gwp as gwp_module

    (tmp_path / "refrigerant_blends.csv").write_text("blend,component,mass_percent\nR-410A,HFC-32,50\nR-410A,HFC-125,40\n")
    monkeypatch.setattr(gwp_module, "_DATA", tmp_path)
    with pytest.raises(nc.SchemaError, match="line 2: blend R-410A: .*sum to 0.9") as info:
        gwp_module._read_blends()
    assert isinstance(info.value.__cause__, nc.BlendCompositionError)


def test_split_into_components():
    assert BLENDS["R-407C"].split(100.0) == pytest.approx({"HFC-32": 23.0, "HFC-125": 25.0, "HFC-134a": 52.0})
    assert canonical_gas("R407C") == "R-407C"


KYOTO = ("HFC-32", "HFC-125", "HFC-134a", "HFC-143a", "HFC-23", "C2F6", "SF6")


@given(st.lists(st.integers(1, 1000), min_size=2, max_size=len(KYOTO)), st.sampled_from(["SAR", "AR4", "AR5", "AR6"]))
def test_blend_gwp_lies_between_its_components(weights, gwp):
    gases = KYOTO[: len(weights)]
    total = sum(weights)
    blend = RefrigerantBlend("R-test", {g: w / total for g, w in zip(gases, weights[:-1])}
                             | {gases[len(weights) - 1]: 1 - sum(w / total for w in weights[:-1])}, "test")
    values = [gwp_value(g, gwp) for g in gases]
    assert min(values) - 1e-6 <= blend.gwp(gwp) <= max(values) + 1e-6
    assert blend.gwp(gwp) == pytest.approx(sum(w / total * v for w, v in zip(weights, values)), rel=1e-9)
