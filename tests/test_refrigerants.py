"""Refrigerant leak methods: material balance and screening, producing gas masses the kernel weights.

Hand-worked: 10 kg R-410A leaked = 0.010 t x 1,923.5 = 19.235 t CO2e (AR5); x 2,087.5 = 20.875 t (AR4).
"""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

import neutralcore as nc
from neutralcore.measure.refrigerants import (
    LEAK_DEFINITION, MaterialBalance, Screening, leak_activity_key, leak_factors, leak_inventory,
)

RECORDS = nc.Source("Site service records", "refrigerant log 2023", 2024)


def test_material_balance_of_ten_kg_r410a():
    # storage 20 -> 15 kg, 10 kg bought, 5 kg sent for reclamation: (20 - 15) + (10 - 5) = 10 kg
    mb = MaterialBalance("R-410A", start=20, end=15, purchased=10, disposed=5)
    assert mb.emitted() == 10.0
    inv = leak_inventory([mb], region="VN", year=2023)
    assert inv.activity.categories == ("refrigerant.r_410a",)
    fs = leak_factors(inv)
    assert inv.emissions(fs, gwp="AR5").total() == pytest.approx(19.235, rel=1e-12)
    assert inv.emissions(fs, gwp="AR4").total() == pytest.approx(20.875, rel=1e-12)
    res = inv.emissions(fs)
    assert res.total("R-410A") == pytest.approx(0.010, rel=1e-12)
    assert res.matches.n_fallback_rows == 0
    assert res.by("method")["method"] == ["material balance"]


def test_material_balance_with_equipment_changes():
    """EPA: (A - B) + (C - D) - (E - F) = (100 - 80) + (50 - 10) - (30 - 12) = 42 kg HFC-134a; AR5 42 x 1.3 = 54.6 t."""
    mb = MaterialBalance("HFC-134a", start=100, end=80, purchased=50, disposed=10, new_charge=30, retired_charge=12)
    assert mb.emitted() == 42.0
    inv = leak_inventory([mb], region="VN", year=2023)
    assert inv.emissions(leak_factors(inv)).total() == pytest.approx(54.6, rel=1e-12)


def test_a_negative_material_balance_is_refused():
    mb = MaterialBalance("R-404A", start=10, end=30, purchased=5)
    with pytest.raises(nc.InvalidQuantityError, match=r"material balance of R-404A is negative \(-15 kg\)"):
        mb.emitted()
    with pytest.raises(nc.InvalidQuantityError, match="item 1: ") as info:
        leak_inventory([MaterialBalance("R-404A", 1, 0), mb], region="VN", year=2023)
    assert info.value.rows == [1]


def test_screening_charge_times_leak_rate():
    """2 chillers of 150 kg R-407C, 4 % a year, 6 months: 150 x 2 x 0.04 x 0.5 = 6 kg; AR5 6 x 1,624.21 = 9.74526 t."""
    sc = Screening("R-407C", 150, 0.04, RECORDS, units=2, years=0.5, equipment="chiller")
    assert sc.emitted() == pytest.approx(6.0, rel=1e-12)
    inv = leak_inventory([sc, MaterialBalance("R-410A", 20, 15, purchased=10, disposed=5)], region="VN", year=2023,
                         site="plant")
    fs = leak_factors(inv)
    res = inv.emissions(fs)
    assert res.total() == pytest.approx(6 * 1.62421 + 19.235, rel=1e-12)
    by = res.by("method")
    assert by["method"] == ["material balance", "screening"]
    assert list(by["co2e_t"]) == pytest.approx([19.235, 9.74526])


def test_leak_rows_in_pounds():
    """22.0462 lb = 10 kg R-410A (1 lb = 0.45359237 kg): 19.235 t CO2e under AR5."""
    inv = leak_inventory([MaterialBalance("R-410A", 0, 0, purchased=10 / 0.45359237, unit="lb")], region="US",
                         year=2023)
    assert inv.emissions(leak_factors(inv)).total() == pytest.approx(19.235, rel=1e-12)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(gas="R-410A", charge=10, leak_rate=1.5, rate_source=RECORDS), nc.InputError, "fraction of the charge"),
    (dict(gas="R-410A", charge=-1, leak_rate=0.1, rate_source=RECORDS), nc.InvalidQuantityError, "must not be negative"),
    (dict(gas="R-410A", charge=10, leak_rate=0.1, rate_source="IPCC"), nc.InputError, "must be a Source"),
    (dict(gas="R-999Z", charge=10, leak_rate=0.1, rate_source=RECORDS), nc.UnknownGasError, "unknown gas"),
    (dict(gas="R-410A", charge=10, leak_rate=0.1, rate_source=RECORDS, unit="kWh"), nc.DimensionError, "kWh"),
    (dict(gas="R-410A", charge=10, leak_rate=0.1, rate_source=RECORDS, units=1.5), nc.InputError, "whole number"),
])
def test_screening_inputs_are_checked(kwargs, error, match):
    with pytest.raises(error, match=match):
        Screening(**kwargs)


def test_keys_and_definition_source():
    assert leak_activity_key("HFC-43-10mee") == "refrigerant.hfc_43_10mee"
    assert leak_activity_key("HCFC-22") == "refrigerant.hcfc_22"
    assert "2006 IPCC Guidelines" in LEAK_DEFINITION.document


def test_an_hcfc_leak_is_reported_apart():
    """R-22 (HCFC-22) is a Montreal gas: 10 kg = 17.6 t CO2e (AR5 1,760), reported separately, not in the total."""
    inv = leak_inventory([MaterialBalance("R-22", 10, 0)], region="VN", year=2023)
    res = inv.emissions(leak_factors(inv))
    assert res.total() == 0.0
    assert res.outside_scopes()["co2e_t"][0] == pytest.approx(17.6, rel=1e-12)


@given(st.floats(0, 1e4), st.floats(0, 1e4), st.floats(0, 1e4), st.floats(0, 1e4))
def test_material_balance_is_the_sum_of_its_terms(start, end, purchased, disposed):
    mb = MaterialBalance("HFC-32", start, end, purchased=purchased, disposed=disposed)
    value = (start - end) + (purchased - disposed)
    if value < -1e-12 * max(start, end, purchased, disposed, 1.0):  # the tolerance of MaterialBalance.emitted
        with pytest.raises(nc.InvalidQuantityError):
            mb.emitted()
    else:
        assert mb.emitted() == pytest.approx(max(value, 0.0), abs=1e-9)


def test_a_truth_value_is_not_a_charge():
    # True would have been read as 1 kg; amounts follow the quantity rule of every activity
    with pytest.raises(nc.InputError, match="charge True is a truth value, not a number"):
        Screening(gas="R-410A", charge=True, leak_rate=0.1, rate_source=RECORDS)
