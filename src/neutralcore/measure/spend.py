"""Exchange-rate and price-index tables: how a spend meets a spend-based factor in another currency or price year.

A spend-based factor (kg CO2e per ``USD`` at 2018 prices) applies to a spend in
its own currency and price year.  A spend in another currency, or in another
year's prices, is converted only with tables the user (or a pack, with sources)
supplies: :class:`ExchangeRates` and :class:`PriceIndex`, passed to
``Inventory.emissions(..., rates=..., prices=...)``.  Nothing is fetched from
the network and nothing is assumed: without a table the kernel raises
:class:`~neutralcore.DimensionError` saying which table, currency and year it
needs.

The conversion of a spend of *x* in currency ``A`` in year *Y* (the row's
year) for a factor per ``B`` at price year *P*:

1. ``A`` to ``B`` at the exchange rate of year *Y* (the rate the money changed
   at that year, e.g. the annual average the IMF or the World Bank publish);
2. year-*Y* ``B`` to year-*P* ``B`` with ``B``'s price index: ``x x I(P) / I(Y)``.

Examples
--------
>>> import neutralcore as nc
>>> src = nc.Source("A central bank", "Annual average exchange rates", 2024)
>>> rates = ExchangeRates.from_rows([(2023, "USD", "EUR", 0.9248, src)])
>>> round(rates.rate("EUR", "USD", 2023), 6)  # the inverse of 0.9248
1.081315
>>> prices = PriceIndex.from_rows([("USD", 2018, 100.0, src), ("USD", 2023, 118.0, src)])
>>> round(prices.ratio("USD", 2023, 2018), 6)  # 2023 dollars in 2018 prices
0.847458
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Mapping

import attrs

from neutralcore._core.csvrows import CsvSource, open_csv
from neutralcore._core.validators import FrozenMap, year_int
from neutralcore.errors import DimensionError, InputError, NeutralcoreError, SchemaError
from neutralcore.measure.factorvalue import Source
from neutralcore.units import CURRENCIES

__all__ = ["ExchangeRates", "PriceIndex", "RATE_COLUMNS", "INDEX_COLUMNS"]

#: Columns of an exchange-rate CSV: ``rate`` is units of ``to`` per one unit of ``from`` in ``year``.
RATE_COLUMNS = ("year", "from", "to", "rate", "publisher", "document", "source_year")
#: Columns of a price-index CSV: the index ``value`` of ``currency``'s economy in ``year`` (any base year).
INDEX_COLUMNS = ("currency", "year", "value", "publisher", "document", "source_year")
_OPTIONAL = ("url", "notes")


def _currency(value: Any, column: str) -> str:
    if not isinstance(value, str) or value.strip().upper() not in CURRENCIES:
        raise InputError(f"{value!r} is not an ISO 4217 currency code neutralcore knows "
                         f"(neutralcore.units.CURRENCIES)", column=column)
    return value.strip().upper()


def _positive(value: Any, column: str) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{value!r} is not a number", column=column) from exc
    if not math.isfinite(x) or x <= 0:
        raise InputError(f"{value!r} must be finite and positive", column=column)
    return x


def _rows(path: CsvSource, required: tuple[str, ...]) -> Iterable[tuple[str, int, dict[str, str]]]:
    name = str(path)
    file = open_csv(path, required=required, optional=_OPTIONAL, name=name)
    for line, _end, fields in file.records():
        yield name, line, {h: v.strip() for h, v in zip(file.header, fields)}


def _read(path: CsvSource, required: tuple[str, ...], build: Any, table: Any) -> Any:
    """A strict table: each row through *build*, all of them into *table*; a SchemaError names file, line, column.

    Each row is checked alone as it is read (so its error names its line); the whole table is built at the end.
    """
    out: list[Any] = []
    for name, line, row in _rows(path, required):
        try:
            source = Source(row["publisher"], row["document"], row["source_year"], row.get("url") or None,
                            row.get("notes") or None)
            out.append(build(row, source))
            table(out[-1:])
        except NeutralcoreError as exc:
            column = getattr(exc, "column", None) or ("source_year" if "year" in exc.message else "value")
            raise SchemaError(f"line {line}: {exc.message.split(': ', 1)[-1]}", source=name, column=column,
                              line=line) from exc
    try:
        return table(out)
    except InputError as exc:
        raise SchemaError(exc.message, source=str(path), column=exc.column) from exc


@attrs.frozen
class ExchangeRates:
    """Annual exchange rates, each with its source: ``rate`` units of ``to`` per one unit of ``from`` in ``year``.

    A rate is used as given, inverted, or through one currency both are quoted against (World Bank and IMF
    tables quote every currency per US dollar).  A pair given twice for a year is an error.

    Build with :meth:`from_rows` or :meth:`read_csv` (columns :data:`RATE_COLUMNS`, optional ``url``,
    ``notes``).
    """

    rates: Mapping[tuple[str, str, int], float] = attrs.field(converter=FrozenMap)
    sources: Mapping[tuple[str, str, int], Source] = attrs.field(converter=FrozenMap, eq=False)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int, str, str, float, Source]]) -> "ExchangeRates":
        """From ``(year, from, to, rate, source)`` tuples."""
        rates: dict[tuple[str, str, int], float] = {}
        sources: dict[tuple[str, str, int], Source] = {}
        for i, (year, a, b, rate, source) in enumerate(rows):
            key = (_currency(a, "from"), _currency(b, "to"), year_int(year))
            if key[0] == key[1]:
                raise InputError(f"a rate from {key[0]} to itself (row {i + 1})", column="to")
            if key in rates or (key[1], key[0], key[2]) in rates:
                raise InputError(f"the rate {key[0]}->{key[1]} for {key[2]} is given twice", column="rate")
            if not isinstance(source, Source):
                raise InputError(f"row {i + 1}: every rate carries its Source", column="source")
            rates[key] = _positive(rate, "rate")
            sources[key] = source
        return cls(rates, sources)

    @classmethod
    def read_csv(cls, path: CsvSource) -> "ExchangeRates":
        """Read a strict CSV (``year,from,to,rate,publisher,document,source_year[,url,notes]``).

        Every error is a :class:`~neutralcore.SchemaError` naming the file, line and column.
        """
        return _read(path, RATE_COLUMNS, lambda r, s: (r["year"], r["from"], r["to"], r["rate"], s), cls.from_rows)

    def _key(self, a: str, b: str, year: int) -> tuple[str, str, int] | None:
        """The row quoting a and b in *year*, as given or inverted."""
        for key in ((a, b, year), (b, a, year)):
            if key in self.rates:
                return key
        return None

    def route(self, from_currency: str, to_currency: str, year: int) -> tuple[tuple[str, str, int], ...]:
        """The rows (keys of :attr:`rates`) :meth:`rate` multiplies, in order: none for one currency, the pair
        (as given or inverted), or two through one currency both are quoted against.

        >>> src = Source("A central bank", "Annual average exchange rates", 2024)
        >>> ExchangeRates.from_rows([(2023, "USD", "EUR", 0.9248, src), (2023, "USD", "VND", 23_787.0, src)]
        ...                         ).route("EUR", "VND", 2023)
        (('USD', 'EUR', 2023), ('USD', 'VND', 2023))

        Raises
        ------
        DimensionError
            No rate for that pair and year, directly, inverted or through one shared currency.
        """
        a, b = _currency(from_currency, "from"), _currency(to_currency, "to")
        if a == b:
            return ()
        direct = self._key(a, b, year)
        if direct is not None:
            return (direct,)
        for via in sorted({c for k in self.rates if k[2] == year for c in k[:2]} - {a, b}):
            first, second = self._key(a, via, year), self._key(via, b, year)
            if first is not None and second is not None:
                return (first, second)
        raise DimensionError(f"the exchange-rate table has no {a}->{b} rate for {year} (directly, inverted or "
                             "through one currency both are quoted against)", unit=a, expected=b)

    def rate(self, from_currency: str, to_currency: str, year: int) -> float:
        """Units of *to_currency* per one unit of *from_currency* in *year* (the product along :meth:`route`).

        Raises
        ------
        DimensionError
            No rate for that pair and year, directly, inverted or through one shared currency.
        """
        value, here = 1.0, _currency(from_currency, "from")
        for key in self.route(from_currency, to_currency, year):
            value = value * self.rates[key] if key[0] == here else value * (1.0 / self.rates[key])
            here = key[1] if key[0] == here else key[0]
        return value


@attrs.frozen
class PriceIndex:
    """A price index per currency and year (a GDP deflator or producer price index), each value with its source.

    Only ratios of one currency's values are used, so any base year works.  Build with :meth:`from_rows` or
    :meth:`read_csv` (columns :data:`INDEX_COLUMNS`, optional ``url``, ``notes``).
    """

    values: Mapping[tuple[str, int], float] = attrs.field(converter=FrozenMap)
    sources: Mapping[tuple[str, int], Source] = attrs.field(converter=FrozenMap, eq=False)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, int, float, Source]]) -> "PriceIndex":
        """From ``(currency, year, value, source)`` tuples."""
        values: dict[tuple[str, int], float] = {}
        sources: dict[tuple[str, int], Source] = {}
        for i, (currency, year, value, source) in enumerate(rows):
            key = (_currency(currency, "currency"), year_int(year))
            if key in values:
                raise InputError(f"the {key[0]} price index for {key[1]} is given twice", column="value")
            if not isinstance(source, Source):
                raise InputError(f"row {i + 1}: every index value carries its Source", column="source")
            values[key] = _positive(value, "value")
            sources[key] = source
        return cls(values, sources)

    @classmethod
    def read_csv(cls, path: CsvSource) -> "PriceIndex":
        """Read a strict CSV (``currency,year,value,publisher,document,source_year[,url,notes]``)."""
        return _read(path, INDEX_COLUMNS, lambda r, s: (r["currency"], r["year"], r["value"], s), cls.from_rows)

    def ratio(self, currency: str, from_year: int, to_year: int) -> float:
        """The number turning *currency* at *from_year* prices into *to_year* prices: ``I(to) / I(from)``.

        Raises
        ------
        DimensionError
            The index has no value for that currency in one of the years.
        """
        c = _currency(currency, "currency")
        if from_year == to_year:
            return 1.0
        missing = [y for y in (from_year, to_year) if (c, y) not in self.values]
        if missing:
            raise DimensionError(f"the price index has no {c} value for {', '.join(map(str, missing))}",
                                 unit=c, expected=f"{c} at {to_year} prices")
        return self.values[(c, to_year)] / self.values[(c, from_year)]
