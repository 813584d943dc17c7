"""``measure.carboncontent.co2_factor``: the NCV x carbon content x oxidation x 44/12 of China's guidelines.

Worked by hand:

* IPCC 2006 natural gas, NCV 48.0 TJ/Gg (Table 1.2) x 15.3 t C/TJ (Table 1.3) x 1 x 44/12
  = 734.4 x 3.666... = 2,692.8 t CO2/Gg; per TJ 15.3 x 44/12 = 56.1 t, the 56,100 kg/TJ of Table 1.4.
* A guideline-style row, 20 GJ/t x 0.03 t C/GJ x 0.9 x 44/12 = 0.54 x 44/12 = 1.98 t CO2/t.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import neutralcore as nc
from neutralcore.measure.carboncontent import CO2_PER_C, co2_factor


def test_ipcc_natural_gas_by_hand():
    assert co2_factor(48.0, 15.3, 1.0) == pytest.approx(2692.8, rel=1e-12)
    assert co2_factor(1.0, 15.3, 1.0) * 1000 == pytest.approx(56100, rel=1e-12)  # kg CO2/TJ, Table 1.4


def test_guideline_style_row_by_hand():
    assert co2_factor(20.0, 0.03, 0.9) == pytest.approx(1.98, rel=1e-12)


def test_ratio_is_44_over_12():
    assert CO2_PER_C == 44.0 / 12.0


def test_result_is_a_plain_float():
    assert type(co2_factor(1, 1, 1)) is float


@pytest.mark.parametrize(
    "ncv, cc, of, column",
    [(0, 1, 1, "ncv"), (-1, 1, 1, "ncv"), (1, float("nan"), 1, "carbon_content"), (1, 1, 0, "oxidation"),
     (1, 1, 98, "oxidation"), ("x", 1, 1, "ncv"), (1, None, 1, "carbon_content"), (1, 1, float("inf"), "oxidation")],
)
def test_bad_values_are_typed_errors_naming_the_parameter(ncv, cc, of, column):
    with pytest.raises(nc.InputError) as info:
        co2_factor(ncv, cc, of, where=" (test pack, line 3)")
    assert info.value.column == column
    assert "(test pack, line 3)" in str(info.value)
    assert isinstance(info.value, nc.NeutralcoreError)


def test_percentage_given_as_number_says_so():
    with pytest.raises(nc.InputError, match="98 % is 0.98"):
        co2_factor(42.652, 0.0202, 98)


positive = st.floats(min_value=1e-6, max_value=1e6, allow_nan=False, allow_infinity=False)
fraction = st.floats(min_value=1e-6, max_value=1.0, allow_nan=False)


@given(positive, positive, fraction, st.floats(min_value=1e-3, max_value=1e3))
def test_linear_in_each_input(ncv, cc, of, k):
    base = co2_factor(ncv, cc, of)
    assert co2_factor(ncv * k, cc, of) == pytest.approx(base * k, rel=1e-12)
    assert co2_factor(ncv, cc * k, of) == pytest.approx(base * k, rel=1e-12)


@given(positive, positive, fraction)
def test_never_more_than_full_oxidation(ncv, cc, of):
    assert co2_factor(ncv, cc, of) <= co2_factor(ncv, cc, 1.0) * (1 + 1e-12)
    assert math.isfinite(co2_factor(ncv, cc, of))


# --------------------------------------------------------------------------- against the IPCC tables

import csv  # noqa: E402
from pathlib import Path  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


EFDB = _rows(FIXTURES / "published" / "ipcc2006_efdb_vol2.csv")
CC = {r["fuel"]: float(r["value"]) for r in EFDB if r["table"] == "Table 1.3"}
OF = {r["fuel"]: float(r["value"]) for r in EFDB if r["table"] == "Table 1.4"}
EF = {r["fuel"]: float(r["value"]) for r in EFDB if r["table"] == "Tables 1.4 and 2.3" and r["gas"] == "CARBON DIOXIDE"}


@pytest.mark.parametrize("fuel", sorted(EF))
def test_ipcc_table_1_4_is_the_product_rounded_to_three_figures(fuel):
    """IPCC Table 1.4 prints carbon content (Table 1.3) x oxidation x 44/12 to three significant figures."""
    computed = co2_factor(1.0, CC[fuel], OF[fuel]) * 1000  # t C/TJ -> kg CO2/TJ
    published = EF[fuel]
    step = 10 ** (math.floor(math.log10(published)) - 2)
    assert abs(computed - published) <= step / 2 + 1e-9, (fuel, computed, published)


def test_staged_ipcc_carbon_properties_equal_the_tables():
    """Carbon content and oxidation, staged until properties.csv accepts them (factor-file contract)."""
    staged = _rows(FIXTURES / "staged" / "ipcc_carbon_properties.csv")
    names = {"natural_gas": "Natural Gas", "diesel": "Gas Oil", "gasoline": "Motor Gasoline", "lpg": "Liquefied Petroleum Gases",
             "residual_fuel_oil": "Residual Fuel Oil", "coal.sub_bituminous": "Sub-Bituminous Coal", "coal.anthracite": "Anthracite",
             "coal.other_bituminous": "Other Bituminous Coal", "coal.lignite": "Lignite", "coal.coking": "Coking Coal",
             "coke_oven_coke": "Coke Oven Coke and Lignite Coke", "kerosene": "Other Kerosene", "jet_kerosene": "Jet Kerosene",
             "petroleum_coke": "Petroleum Coke", "refinery_gas": "Refinery Gas", "waste_oil": "Waste Oils", "naphtha": "Naphtha"}
    assert len(staged) == 2 * len(names)
    for r in staged:
        fuel = names[r["activity"].removeprefix("fuel.").removesuffix(".stationary")]
        table = CC if r["property"] == "carbon_content" else OF
        assert float(r["value"]) == table[fuel], r["activity"]
        assert r["unit"] == ("kg/GJ" if r["property"] == "carbon_content" else "1")
