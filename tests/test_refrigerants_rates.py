"""Screening with a table of published leak-rate ranges by equipment type (LeakRates): a range is never one value.

The tables here are a site's own service-record summaries (hypothetical test data, not published defaults): the
IPCC 2006 Table 7.9 ranges are not shipped (see docs/measure.md).  Hand-worked, GWPs of R-410A from its blend
(50 % HFC-32 + 50 % HFC-125): AR5 1,923.5, AR4 2,087.5.
  100 kg R-410A chiller at the high end of 2-4 %/yr: 100 x 0.04 = 4 kg; x 1,923.5 = 7.694 t CO2e (AR5), x 2,087.5 = 8.35 t (AR4)
  at the low end: 2 kg = 3.847 t (AR5); at 3 %/yr chosen inside the range: 3 kg = 5.7705 t (AR5)
"""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

import neutralcore as nc
from neutralcore.measure.refrigerants import (
    LEAK_RATE_COLUMNS, LeakRateRange, LeakRates, MaterialBalance, Screening, leak_factors, leak_inventory,
)

HEAD = b"equipment,low_pct_per_year,high_pct_per_year,publisher,document,table,year,url,read_from\n"
ROWS = (b"Chillers,2,4,Site service records,Refrigerant log 2023,Leak-rate summary,2024,,the site's own log\n"
        b"Stand-alone commercial applications,1,1,Site service records,Refrigerant log 2023,Leak-rate summary,2024,,\n")
RECORDS = nc.Source("Site service records", "Refrigerant log 2023, Leak-rate summary", 2024)


def rates() -> LeakRates:
    return LeakRates.read_csv(HEAD + ROWS, name="rates.csv")


def co2e(leaks, gwp="AR5") -> float:
    inv = leak_inventory(leaks, region="VN", year=2023)
    return inv.emissions(leak_factors(inv), gwp=gwp).total()


def test_a_chiller_at_each_end_of_its_range():
    high = Screening.from_rates("R-410A", 100, rates(), "Chillers", choose="high")
    assert high.leak_rate == 0.04 and high.emitted() == pytest.approx(4.0, rel=1e-12)
    assert co2e([high]) == pytest.approx(7.694, rel=1e-12)
    assert co2e([high], gwp="AR4") == pytest.approx(8.35, rel=1e-12)
    low = Screening.from_rates("R-410A", 100, rates(), "chillers", choose="low")
    assert co2e([low]) == pytest.approx(3.847, rel=1e-12)
    inside = Screening.from_rates("R-410A", 100, rates(), "CHILLERS", choose=0.03)
    assert co2e([inside]) == pytest.approx(5.7705, rel=1e-12)


def test_the_source_in_the_result_says_which_table_row_and_choice():
    sc = Screening.from_rates("R-410A", 100, rates(), "chillers", choose="high", units=2, years=0.5)
    assert sc.equipment == "Chillers"
    assert sc.rate_source.publisher == "Site service records" and sc.rate_source.year == 2024
    assert sc.rate_source.document == "Refrigerant log 2023, Leak-rate summary: Chillers, high end of 2-4 %/yr"
    assert sc.rate_source.note == "read from the site's own log"
    inv = leak_inventory([sc, MaterialBalance("R-410A", 20, 15, purchased=10, disposed=5)], region="VN", year=2023)
    rows = inv.emissions(leak_factors(inv)).rows()
    assert rows["leak_rate_source"] == [
        "Site service records, Refrigerant log 2023, Leak-rate summary: Chillers, high end of 2-4 %/yr (2024)", None]
    # 100 kg x 2 units x 0.04 x 0.5 year = 4 kg; 7.694 t; the material balance is 10 kg = 19.235 t
    assert list(rows["co2e_t"]) == pytest.approx([7.694, 19.235], rel=1e-12)


def test_a_published_single_value_is_its_own_range():
    sc = Screening.from_rates("HFC-134a", 10, rates(), "stand-alone commercial applications", choose="high")
    assert sc.leak_rate == 0.01 and sc.rate_source.document.endswith("high end of 1-1 %/yr")
    # 10 kg x 0.01 = 0.1 kg HFC-134a; x 1,300 (AR5) = 0.13 t
    assert co2e([sc]) == pytest.approx(0.13, rel=1e-12)


def test_a_range_without_a_choice_is_an_error():
    with pytest.raises(nc.InputError, match=r"'Chillers' has a range of leak rates \(2-4 %/yr\), not one value: "
                                            r"pass choose='low', choose='high' or a rate inside the range"):
        Screening.from_rates("R-410A", 100, rates(), "Chillers")
    for bad in ("middle", True):
        with pytest.raises(nc.InputError, match="choose must be 'low', 'high'"):
            Screening.from_rates("R-410A", 100, rates(), "Chillers", choose=bad)
    with pytest.raises(nc.InputError, match=r"0.05 a year is outside the published range of 'Chillers' \(2-4 %/yr\)"):
        Screening.from_rates("R-410A", 100, rates(), "Chillers", choose=0.05)
    with pytest.raises(nc.InputError, match="fraction of the charge per year"):
        Screening.from_rates("R-410A", 100, rates(), "Chillers", choose=3)  # 3 % must be written 0.03


def test_an_unknown_equipment_type_names_the_known_ones():
    with pytest.raises(nc.InputError, match=r"unknown equipment type 'chiller'; known: Chillers, "
                                            r"Stand-alone commercial applications") as info:
        Screening.from_rates("R-410A", 100, rates(), "chiller", choose="high")
    assert info.value.column == "equipment"
    with pytest.raises(nc.InputError, match="must be a LeakRates table"):
        Screening.from_rates("R-410A", 100, {"Chillers": (0.02, 0.04)}, "Chillers", choose="high")  # type: ignore[arg-type]


@pytest.mark.parametrize("row, column, match", [
    (b"Chillers,2,,Site,Log,T1,2024,,\n", "high_pct_per_year", "high_pct_per_year is empty"),
    (b"Chillers,4,2,Site,Log,T1,2024,,\n", "high_pct_per_year", "low must not exceed high"),
    (b"Chillers,2,150,Site,Log,T1,2024,,\n", "high_pct_per_year", "from 0 to 100"),
    (b"Chillers,two,4,Site,Log,T1,2024,,\n", "low_pct_per_year", "'two' is not a number"),
    (b"Chillers,2,4,Site,Log,T1,20x4,,\n", "year", "year"),
    (b",2,4,Site,Log,T1,2024,,\n", "equipment", "equipment is empty"),
    (b"Chillers,2,4,,Log,T1,2024,,\n", "publisher", "publisher is empty"),
])
def test_a_bad_rate_file_names_file_line_and_column(row, column, match):
    with pytest.raises(nc.SchemaError, match=match) as info:
        LeakRates.read_csv(HEAD + ROWS + row, name="rates.csv")
    assert info.value.source == "rates.csv" and info.value.line == 4 and info.value.column == column


def test_a_rate_file_repeating_an_equipment_type_or_missing_a_column_is_refused():
    with pytest.raises(nc.SchemaError, match="equipment 'chillers' already given on line 2") as info:
        LeakRates.read_csv(HEAD + ROWS + b"chillers,1,2,Site,Log,T1,2024,,\n", name="rates.csv")
    assert info.value.line == 4
    with pytest.raises(nc.SchemaError, match="table"):
        LeakRates.read_csv(b"equipment,low_pct_per_year,high_pct_per_year,publisher,document,year\n"
                           b"Chillers,2,4,Site,Log,2024\n", name="rates.csv")
    with pytest.raises(nc.SchemaError, match="no rows"):
        LeakRates.read_csv(HEAD, name="rates.csv")
    assert LEAK_RATE_COLUMNS[:3] == ("equipment", "low_pct_per_year", "high_pct_per_year")


def test_ranges_built_in_code_check_themselves():
    with pytest.raises(nc.InputError, match="low must not exceed high"):
        LeakRateRange("Chillers", 0.04, 0.02, RECORDS)
    with pytest.raises(nc.InputError, match="must be a Source"):
        LeakRateRange("Chillers", 0.02, 0.04, "site log")  # type: ignore[arg-type]
    a = LeakRateRange("Chillers", 0.02, 0.04, RECORDS)
    with pytest.raises(nc.InputError, match="given twice"):
        LeakRates.from_ranges([a, LeakRateRange("chillers", 0.01, 0.02, RECORDS)])
    assert LeakRates.from_ranges([a]).rate("Chillers", "low")[0] == 0.02


@given(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1), st.floats(0, 1e4))
def test_a_chosen_rate_stays_inside_its_range(a, b, t, charge):
    low, high = min(a, b), max(a, b)
    table = LeakRates.from_ranges([LeakRateRange("Chillers", low, high, RECORDS)])
    value = low + t * (high - low)
    if not low <= value <= high:  # rounding at the ends
        value = high
    inside = Screening.from_rates("HFC-32", charge, table, "Chillers", choose=value).emitted()
    lo = Screening.from_rates("HFC-32", charge, table, "Chillers", choose="low").emitted()
    hi = Screening.from_rates("HFC-32", charge, table, "Chillers", choose="high").emitted()
    assert lo == charge * low and hi == charge * high
    assert lo <= inside <= hi
