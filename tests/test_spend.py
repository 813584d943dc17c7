"""Spend-based factors: currencies, price years, exchange-rate and price-index tables (issue 11).

The rates and index values below are test inputs chosen to make the arithmetic easy to check by hand, not
published figures; nothing here is shipped.
"""

from __future__ import annotations

import pytest

import neutralcore as nc

SRC = nc.Source("Test publisher", "Hand-worked test table", 2024)
ACT = "purchased.goods.steel"


def spend_factor(**kw):
    """0.5 kg CO2e-as-CO2 per USD at 2018 prices."""
    return nc.Factor(ACT, "World", 2018, "kg/USD", {"CO2": 0.5}, SRC, **{"price_year": 2018, **kw})


def spend(quantity, unit, year):
    return nc.Inventory([nc.Activity(ACT, quantity, unit, region="US", year=year, scope=3, category="1")])


RATES = nc.ExchangeRates.from_rows([(2023, "USD", "EUR", 0.9248, SRC), (2023, "USD", "VND", 23_800, SRC),
                                    (2018, "USD", "EUR", 0.8500, SRC)])
PRICES = nc.PriceIndex.from_rows([("USD", 2018, 100.0, SRC), ("USD", 2023, 118.0, SRC)])


def test_same_currency_and_price_year_needs_no_table():
    """1,000 USD (2018) x 0.5 kg/USD = 500 kg = 0.5 t; 2 kUSD = 2,000 USD -> 1.0 t."""
    fs = nc.FactorSet.from_factors([spend_factor()])
    assert spend(1000, "USD", 2018).emissions(fs).total() == pytest.approx(0.5, rel=1e-12)
    assert spend(2, "kUSD", 2018).emissions(fs).total() == pytest.approx(1.0, rel=1e-12)


def test_another_price_year_needs_a_price_index():
    """1,000 USD spent in 2023 = 1,000 x 100/118 = 847.4576 USD at 2018 prices x 0.5 kg = 0.4237288 t."""
    fs = nc.FactorSet.from_factors([spend_factor()])
    with pytest.raises(nc.DimensionError) as info:
        spend(1000, "USD", 2023).emissions(fs)
    assert "price-index table" in str(info.value) and "2023" in str(info.value) and "2018 prices" in str(info.value)
    got = spend(1000, "USD", 2023).emissions(fs, prices=PRICES).total()
    assert got == pytest.approx(1000 * 100 / 118 * 0.5e-3, rel=1e-12)
    assert got == pytest.approx(0.42372881, rel=1e-8)


def test_another_currency_needs_an_exchange_rate_table():
    """1,000 EUR in 2023 / 0.9248 EUR per USD = 1,081.314879 USD (2023) x 100/118 = 916.368541 USD (2018)
    x 0.5 kg = 458.1842705 kg."""
    fs = nc.FactorSet.from_factors([spend_factor()])
    with pytest.raises(nc.DimensionError) as info:
        spend(1000, "EUR", 2023).emissions(fs)
    assert "exchange-rate table" in str(info.value) and "EUR to USD" in str(info.value)
    with pytest.raises(nc.DimensionError, match="price-index table"):
        spend(1000, "EUR", 2023).emissions(fs, rates=RATES)
    got = spend(1000, "EUR", 2023).emissions(fs, rates=RATES, prices=PRICES).total()
    assert got == pytest.approx(0.4581842705, rel=1e-9)


def test_a_rate_through_a_shared_currency():
    """A per-EUR factor (2023 prices, 0.4 kg/EUR) and a spend of 23,800,000 VND in 2023:
    23.8e6 VND / 23,800 VND per USD = 1,000 USD x 0.9248 EUR/USD = 924.8 EUR x 0.4 kg = 369.92 kg."""
    f = nc.Factor(ACT, "World", 2023, "kg/EUR", {"CO2": 0.4}, SRC, price_year=2023)
    got = spend(23_800_000, "VND", 2023).emissions(nc.FactorSet.from_factors([f]), rates=RATES).total()
    assert got == pytest.approx(0.36992, rel=1e-12)


def test_a_missing_rate_names_the_pair_and_year():
    fs = nc.FactorSet.from_factors([spend_factor()])
    with pytest.raises(nc.DimensionError, match="no GBP->USD rate for 2023"):
        spend(1000, "GBP", 2023).emissions(fs, rates=RATES, prices=PRICES)
    with pytest.raises(nc.DimensionError, match="no USD value for 2020"):
        spend(1000, "USD", 2020).emissions(fs, prices=PRICES)


def test_spend_and_physical_units_never_meet():
    fs = nc.FactorSet.from_factors([spend_factor()])
    with pytest.raises(nc.DimensionError):
        spend(1000, "kg", 2018).emissions(fs)


def test_price_year_is_required_for_and_only_for_spend_factors():
    with pytest.raises(nc.InputError, match="needs its price_year"):
        nc.Factor(ACT, "World", 2018, "kg/USD", {"CO2": 0.5}, SRC)
    with pytest.raises(nc.InputError, match="price_year is for a factor per currency unit"):
        nc.Factor(ACT, "World", 2018, "kg/kWh", {"CO2": 0.5}, SRC, price_year=2018)
    assert spend_factor().price_year == 2018
    fs = nc.FactorSet.from_factors([spend_factor()])
    assert fs[0].price_year == 2018 and nc.FactorSet.merge(fs, fs)[0].price_year == 2018


def test_factor_csv_price_year(tmp_path):
    path = tmp_path / "factors.csv"
    head = "activity,region,year,gas,value,unit,price_year,publisher,document,source_year\n"
    path.write_text(head + f"{ACT},World,2018,CO2,0.5,kg/USD,2018,Test publisher,Table,2024\n", encoding="utf-8")
    assert nc.FactorSet.read_csv(path)[0].price_year == 2018
    path.write_text(head + f"{ACT},World,2018,CO2,0.5,kg/USD,,Test publisher,Table,2024\n", encoding="utf-8")
    with pytest.raises(nc.SchemaError) as info:
        nc.FactorSet.read_csv(path)
    assert info.value.line == 2 and info.value.column == "price_year" and "needs its price_year" in str(info.value)
    path.write_text(head + f"{ACT},World,2018,CO2,0.5,kg/USD,20x8,Test publisher,Table,2024\n", encoding="utf-8")
    with pytest.raises(nc.SchemaError) as info:
        nc.FactorSet.read_csv(path)
    assert info.value.column == "price_year"


def test_rate_and_index_tables_from_csv(tmp_path):
    rates = tmp_path / "rates.csv"
    rates.write_text("year,from,to,rate,publisher,document,source_year\n"
                     "2023,USD,EUR,0.9248,Test publisher,Table,2024\n", encoding="utf-8")
    assert nc.ExchangeRates.read_csv(rates).rate("EUR", "USD", 2023) == pytest.approx(1 / 0.9248, rel=1e-12)
    rates.write_text("year,from,to,rate,publisher,document,source_year\n"
                     "2023,USD,EUR,0.9248,Test publisher,Table,2024\n"
                     "2023,USD,XYZ,3,Test publisher,Table,2024\n", encoding="utf-8")
    with pytest.raises(nc.SchemaError) as info:
        nc.ExchangeRates.read_csv(rates)
    assert info.value.line == 3 and info.value.column == "to" and "ISO 4217" in str(info.value)
    rates.write_text("year,from,to,rate,publisher,document,source_year\n"
                     "2023,USD,EUR,-1,Test publisher,Table,2024\n", encoding="utf-8")
    with pytest.raises(nc.SchemaError) as info:
        nc.ExchangeRates.read_csv(rates)
    assert info.value.column == "rate"
    rates.write_text("year,from,to,rate,publisher,document,source_year\n"
                     "2023,USD,EUR,0.9,Test publisher,Table,2024\n2023,EUR,USD,1.1,Test publisher,Table,2024\n",
                     encoding="utf-8")
    with pytest.raises(nc.SchemaError, match="given twice"):
        nc.ExchangeRates.read_csv(rates)
    index = tmp_path / "index.csv"
    index.write_text("currency,year,value,publisher,document,source_year\nUSD,2018,100,Test publisher,Table,2024\n"
                     "USD,2023,118,Test publisher,Table,2024\n", encoding="utf-8")
    assert nc.PriceIndex.read_csv(index).ratio("USD", 2023, 2018) == pytest.approx(100 / 118, rel=1e-12)
    index.write_text("currency,year,value,publisher,document\nUSD,2018,100,Test publisher,Table\n", encoding="utf-8")
    with pytest.raises(nc.SchemaError, match="source_year"):
        nc.PriceIndex.read_csv(index)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=80, deadline=None)
@given(eur=st.floats(0.1, 10.0), vnd=st.floats(1.0, 1e5), a=st.sampled_from(["USD", "EUR", "VND"]),
       b=st.sampled_from(["USD", "EUR", "VND"]))
def test_rates_invert_and_chain_consistently(eur, vnd, a, b):
    """rate(a, b) x rate(b, a) = 1, and a rate through USD is the product of the two quoted rates."""
    rates = nc.ExchangeRates.from_rows([(2023, "USD", "EUR", eur, SRC), (2023, "USD", "VND", vnd, SRC)])
    assert rates.rate(a, b, 2023) * rates.rate(b, a, 2023) == pytest.approx(1.0, rel=1e-12)
    assert rates.rate("EUR", "VND", 2023) == pytest.approx(vnd / eur, rel=1e-12)
