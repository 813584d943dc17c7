"""Refrigerant leaks as gas masses: the material-balance and the screening method.

Both methods give the mass of a refrigerant (a gas or a blend of
:data:`neutralcore.gwp.BLENDS`) released in a reporting period; the kernel then
weights it like any other gas.  The rows are ordinary activities, one per
refrigerant, keyed ``refrigerant.<gas>`` (``refrigerant.r_410a``,
``refrigerant.hfc_134a``) with the mass as quantity, and :func:`leak_factors`
gives the factors they need: 1 t of the gas emitted per t released, by
definition.

Material balance
    US EPA Center for Corporate Climate Leadership, *Greenhouse Gas Inventory
    Guidance: Direct Fugitive Emissions from Refrigeration, Air Conditioning,
    Fire Suppression, and Industrial Gases* (November 2014), Section 2.3, the
    GHG Protocol's material-balance approach for HFCs and PFCs::

        emitted = (A - B) + (C - D) - (E - F)

    A, B: refrigerant in storage at the start and the end of the period;
    C: purchased or otherwise acquired (including what contractors charged
    into the entity's equipment); D: sold, returned to suppliers or sent off
    site for recycling, reclamation or destruction; E: full charge of new
    equipment installed; F: full charge of equipment retired.  A negative
    result means a figure is wrong, and is refused.

Screening
    Operation emissions of the screening method (same EPA guidance, Section
    2.1.1; 2006 IPCC Guidelines, Vol. 3, Ch. 7, Section 7.5.2)::

        emitted = full charge x number of units x annual leak rate x years in use

    The annual leak rate is given with its :class:`~neutralcore.Source`, or
    taken from a table of published ranges by equipment type
    (:class:`LeakRates`, read strictly from a CSV file) with
    :meth:`Screening.from_rates`.  A published range (the IPCC gives, per
    equipment type, a low and a high operation rate) is never turned into a
    single value silently: the caller says ``choose="low"``, ``"high"`` or a
    value inside the range, and the rate's source in the result says which.

    The IPCC default ranges (2006 IPCC Guidelines, Vol. 3, Ch. 7, Table 7.9)
    are not shipped: no copy of that table whose numbers agree with a second
    source could be read for this release.  Write the rows of your copy in a
    :class:`LeakRates` file (one row per equipment type, with publisher,
    document, table, year and which copy you read), or give the rate from the
    equipment's own service records.

Examples
--------
>>> import neutralcore as nc
>>> from neutralcore.measure.refrigerants import MaterialBalance, leak_factors, leak_inventory
>>> mb = MaterialBalance("R-410A", start=20, end=15, purchased=10, disposed=5, unit="kg")
>>> mb.emitted()
10.0
>>> inv = leak_inventory([mb], region="VN", year=2023)
>>> round(inv.emissions(leak_factors(inv), gwp="AR5").total(), 6)
19.235
"""

from __future__ import annotations

import math
import re
from typing import Any, Iterable, Mapping, Sequence, Union

import attrs
import numpy as np

from neutralcore._core.csvrows import CsvSource, open_csv
from neutralcore._core.validators import FrozenMap, finite_fraction, finite_nonneg
from neutralcore.errors import InputError, InvalidQuantityError, NeutralcoreError
from neutralcore.gwp import GASES, canonical_gas
from neutralcore.measure.activity import Activity
from neutralcore.measure.factor import FactorSet
from neutralcore.measure.factorvalue import Factor, Source
from neutralcore.measure.inventory import Inventory
from neutralcore.units import multiplier

__all__ = ["MaterialBalance", "Screening", "Leak", "leak_activity_key", "leak_inventory", "leak_factors",
           "LEAK_DEFINITION", "LeakRateRange", "LeakRates", "LEAK_RATE_COLUMNS", "LEAK_RATE_OPTIONAL"]

#: The source of the factors :func:`leak_factors` builds: a refrigerant released is that mass of the gas emitted.
LEAK_DEFINITION = Source(
    "IPCC", "2006 IPCC Guidelines, Vol. 3, Ch. 7: emissions of a refrigerant are the mass of it released "
    "(1 t of the gas per t released, by definition)", 2006,
)


def _start(value: Any) -> float:
    return finite_nonneg(value, name="start")


def _end(value: Any) -> float:
    return finite_nonneg(value, name="end")


def _purchased(value: Any) -> float:
    return finite_nonneg(value, name="purchased")


def _disposed(value: Any) -> float:
    return finite_nonneg(value, name="disposed")


def _new_charge(value: Any) -> float:
    return finite_nonneg(value, name="new_charge")


def _retired_charge(value: Any) -> float:
    return finite_nonneg(value, name="retired_charge")


def _charge(value: Any) -> float:
    return finite_nonneg(value, name="charge")


def _years(value: Any) -> float:
    return finite_nonneg(value, name="years")


def _mass_unit(value: Any) -> str:
    unit = str(value).strip()
    multiplier(unit, "t")  # a mass unit, or a DimensionError / UnknownUnitError naming it
    return unit


def _rate(value: Any) -> float:
    return finite_fraction(value, name="leak_rate", meaning="a fraction of the charge per year (0.05 for 5 %)")


def _source(_self: Any, _attr: Any, value: Any) -> None:
    if not isinstance(value, Source):
        raise InputError(f"rate_source must be a Source (where the leak rate was published), got {value!r}",
                         column="rate_source")


@attrs.frozen
class MaterialBalance:
    """One refrigerant's material balance over the reporting period; every mass in *unit*.

    Parameters
    ----------
    gas : str
        The refrigerant: a gas or a blend (``"R-410A"``, ``"HFC-134a"``).
    start, end : float
        Refrigerant in storage at the start and at the end of the period (A, B).
    purchased : float
        Purchased or acquired, including what contractors charged into the equipment (C).
    disposed : float
        Sold, returned or sent off site for recycling, reclamation or destruction (D).
    new_charge, retired_charge : float
        Full charge of the equipment installed (E) and retired (F) in the period.
    unit : str
        A mass unit (``"kg"``, ``"t"``, ``"lb"``).
    """

    gas: str = attrs.field(converter=canonical_gas)
    start: float = attrs.field(converter=_start)
    end: float = attrs.field(converter=_end)
    purchased: float = attrs.field(default=0.0, converter=_purchased, kw_only=True)
    disposed: float = attrs.field(default=0.0, converter=_disposed, kw_only=True)
    new_charge: float = attrs.field(default=0.0, converter=_new_charge, kw_only=True)
    retired_charge: float = attrs.field(default=0.0, converter=_retired_charge, kw_only=True)
    unit: str = attrs.field(default="kg", converter=_mass_unit, kw_only=True)

    method = "material balance"

    def emitted(self) -> float:
        """(start - end) + (purchased - disposed) - (new_charge - retired_charge), in *unit*.

        Raises
        ------
        InvalidQuantityError
            If the balance is negative (more refrigerant accounted for than there was).
        """
        value = ((self.start - self.end) + (self.purchased - self.disposed)
                 - (self.new_charge - self.retired_charge))
        if value < -1e-12 * max(self.start, self.end, self.purchased, self.disposed, self.new_charge,
                                self.retired_charge, 1.0):
            raise InvalidQuantityError(
                f"the material balance of {self.gas} is negative ({value:g} {self.unit}): (start {self.start:g} - end "
                f"{self.end:g}) + (purchased {self.purchased:g} - disposed {self.disposed:g}) - (new charge "
                f"{self.new_charge:g} - retired charge {self.retired_charge:g}); a figure is wrong",
                column="material_balance",
            )
        return max(value, 0.0)


def _equipment_name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"equipment must be a non-empty name, got {value!r}", column="equipment")
    return " ".join(value.split())


def _equipment_key(name: str) -> str:
    """How equipment names compare: case, spacing and punctuation ignored ("Chillers" is "chillers")."""
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


def _fraction(value: Any, what: str) -> float:
    return finite_fraction(value, name=what, meaning="a fraction of the charge per year (0.15 for 15 %)")


def _low(value: Any) -> float:
    return _fraction(value, what="low")


def _high(value: Any) -> float:
    return _fraction(value, what="high")


@attrs.frozen
class LeakRateRange:
    """A published range of annual operation leak rates for one equipment type, as fractions of the full charge.

    Parameters
    ----------
    equipment : str
        The equipment type as its publisher names it (``"Chillers"``).
    low, high : float
        The low and high ends of the range, fractions of the charge per year (0.02 for 2 %).  Equal for a
        publisher that gives one value.
    source : Source
        Where the range was published (publisher, document and table, year; its ``note`` says which copy was read).
    """

    equipment: str = attrs.field(converter=_equipment_name)
    low: float = attrs.field(converter=_low)
    high: float = attrs.field(converter=_high)
    source: Source = attrs.field(validator=_source)

    @high.validator
    def _check_order(self, _a: Any, value: float) -> None:
        if value < self.low:
            raise InputError(f"the range of {self.equipment!r} runs from {self.low:g} down to {value:g}: low must not "
                             "exceed high", column="high")

    def pick(self, choose: str | float | None) -> tuple[float, str]:
        """The rate *choose* asks for (``"low"``, ``"high"`` or a fraction inside the range) and how it was chosen.

        Raises
        ------
        InputError
            *choose* is missing (a range is not a value), not ``"low"``/``"high"``, or a value outside the range.
        """
        span = f"{self.low * 100:g}-{self.high * 100:g} %/yr"
        if choose is None:
            raise InputError(f"{self.equipment!r} has a range of leak rates ({span}), not one value: pass "
                             "choose='low', choose='high' or a rate inside the range (a fraction per year)",
                             column="choose")
        if isinstance(choose, bool):
            raise InputError(f"choose must be 'low', 'high' or a rate inside the range, got {choose!r}",
                             column="choose")
        if isinstance(choose, str):
            if choose not in ("low", "high"):
                raise InputError(f"choose must be 'low', 'high' or a rate inside the range, got {choose!r}",
                                 column="choose")
            return (self.low if choose == "low" else self.high), f"{choose} end of {span}"
        rate = _fraction(choose, "choose")
        if not self.low <= rate <= self.high:
            raise InputError(f"a rate of {rate:g} a year is outside the published range of {self.equipment!r} "
                             f"({span})", column="choose")
        return rate, f"{rate * 100:g} %/yr, chosen inside {span}"


#: The columns a :class:`LeakRates` file must have: the equipment type, its range in % of the charge a year, and
#: where the range was published.
LEAK_RATE_COLUMNS = ("equipment", "low_pct_per_year", "high_pct_per_year", "publisher", "document", "table", "year")
#: The columns it may have: where to read it, which copy was read ("secondary copy at <url>"), notes.
LEAK_RATE_OPTIONAL = ("url", "read_from", "notes")


@attrs.frozen(eq=False)
class LeakRates:
    """Published annual operation leak-rate ranges by equipment type, for :meth:`Screening.from_rates`.

    Build one with :meth:`read_csv` (a file with :data:`LEAK_RATE_COLUMNS`, percentages of the full charge a
    year, one row per equipment type) or :meth:`from_ranges`.

    Examples
    --------
    >>> text = (b"equipment,low_pct_per_year,high_pct_per_year,publisher,document,table,year,read_from\\n"
    ...         b"Chillers,2,4,Site service records,Chiller log 2023,Leak summary,2024,the site's own log\\n")
    >>> rates = LeakRates.read_csv(text, name="rates.csv")
    >>> rates.equipment_types
    ('Chillers',)
    >>> rate, source = rates.rate("chillers", "high")
    >>> rate, str(source)
    (0.04, 'Site service records, Chiller log 2023, Leak summary: Chillers, high end of 2-4 %/yr (2024)')
    """

    ranges: Mapping[str, LeakRateRange] = attrs.field(converter=FrozenMap)

    @classmethod
    def from_ranges(cls, ranges: Iterable[LeakRateRange]) -> "LeakRates":
        """A table of *ranges*; an equipment type given twice is an :class:`~neutralcore.InputError`."""
        out: dict[str, LeakRateRange] = {}
        for i, r in enumerate(ranges):
            if not isinstance(r, LeakRateRange):
                raise InputError(f"item {i} is a {type(r).__name__}, not a LeakRateRange", rows=[i])
            key = _equipment_key(r.equipment)
            if key in out:
                raise InputError(f"equipment {r.equipment!r} is given twice", column="equipment", rows=[i])
            out[key] = r
        return cls(out)

    @classmethod
    def read_csv(cls, path: CsvSource, *, name: str | None = None) -> "LeakRates":
        """Read a leak-rate file strictly: every error is a :class:`~neutralcore.SchemaError` naming file, line, column.

        Columns :data:`LEAK_RATE_COLUMNS` (``low_pct_per_year`` and ``high_pct_per_year`` in % of the full charge a
        year, ``year`` the year of publication), optionally :data:`LEAK_RATE_OPTIONAL`; ``read_from`` becomes the
        source's note.
        """
        file = open_csv(path, required=LEAK_RATE_COLUMNS, optional=LEAK_RATE_OPTIONAL, name=name)
        out: dict[str, LeakRateRange] = {}
        lines: dict[str, int] = {}
        for line, _end, fields in file.records():
            row = {h: v.strip() for h, v in zip(file.header, fields)}
            for column in LEAK_RATE_COLUMNS:
                if not row[column]:
                    raise file.error(f"{column} is empty", line=line, column=column)
            low, high = (_percent(file, line, c, row[c]) for c in ("low_pct_per_year", "high_pct_per_year"))
            try:
                source = Source(row["publisher"], f"{row['document']}, {row['table']}", row["year"],
                                row.get("url") or None, note=_read_note(row.get("read_from")))
            except NeutralcoreError as exc:
                raise file.error(str(exc), line=line, column="year") from exc
            try:
                r = LeakRateRange(row["equipment"], low / 100.0, high / 100.0, source)
            except NeutralcoreError as exc:
                raise file.error(str(exc), line=line, column="high_pct_per_year") from exc
            key = _equipment_key(r.equipment)
            if key in out:
                raise file.error(f"equipment {r.equipment!r} already given on line {lines[key]}", line=line,
                                 column="equipment")
            out[key], lines[key] = r, line
        if not out:
            raise file.error("no rows: a leak-rate file needs at least one equipment type", line=1)
        return cls(out)

    @property
    def equipment_types(self) -> tuple[str, ...]:
        """The equipment types, as their publisher names them."""
        return tuple(r.equipment for r in self.ranges.values())

    def range(self, equipment: str) -> LeakRateRange:
        """The range of *equipment* (case, spacing and punctuation ignored).

        Raises
        ------
        InputError
            An equipment type the table does not have; the message lists the ones it has.
        """
        hit = self.ranges.get(_equipment_key(_equipment_name(equipment)))
        if hit is None:
            raise InputError(f"unknown equipment type {equipment!r}; known: {', '.join(self.equipment_types)}",
                             column="equipment")
        return hit

    def rate(self, equipment: str, choose: str | float | None) -> tuple[float, Source]:
        """The annual rate (a fraction) for *equipment* as *choose* picks it, and its source saying how it was picked.

        See :meth:`LeakRateRange.pick`; the returned source's document names the equipment and the choice.
        """
        r = self.range(equipment)
        rate, how = r.pick(choose)
        return rate, attrs.evolve(r.source, document=f"{r.source.document}: {r.equipment}, {how}")


def _percent(file: Any, line: int, column: str, text: str) -> float:
    try:
        if "_" in text:
            raise ValueError(text)
        x = float(text)
    except ValueError as exc:
        raise file.error(f"{text!r} is not a number", line=line, column=column) from exc
    if not math.isfinite(x) or not 0 <= x <= 100:
        raise file.error(f"{text!r} must be a percentage of the charge a year, from 0 to 100", line=line,
                         column=column)
    return x


def _read_note(text: str | None) -> str | None:
    return f"read from {text}" if text else None


@attrs.frozen
class Screening:
    """Operation leaks of equipment by the screening method: charge x units x annual leak rate x years.

    Parameters
    ----------
    gas : str
        The refrigerant.
    charge : float
        Full charge of one unit, in *unit*.
    leak_rate : float
        Annual leak rate as a fraction of the full charge (0.05 for 5 % a year).
    rate_source : Source
        Where the leak rate was published (e.g. 2006 IPCC Guidelines, Vol. 3, Ch. 7, Table 7.9, or the
        equipment's service records).
    units : int
        Number of identical units.
    years : float
        Years in use during the reporting period (0.5 for six months).
    equipment : str, optional
        The equipment type, for the reader.
    unit : str
        A mass unit.
    """

    gas: str = attrs.field(converter=canonical_gas)
    charge: float = attrs.field(converter=_charge)
    leak_rate: float = attrs.field(converter=_rate)
    rate_source: Source = attrs.field(validator=_source)
    units: int = attrs.field(default=1, kw_only=True)
    years: float = attrs.field(default=1.0, converter=_years, kw_only=True)
    equipment: str | None = attrs.field(default=None, kw_only=True)
    unit: str = attrs.field(default="kg", converter=_mass_unit, kw_only=True)

    method = "screening"

    @units.validator
    def _check_units(self, _a: Any, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise InputError(f"units must be a whole number of at least 0, got {value!r}", column="units")

    def emitted(self) -> float:
        """charge x units x leak_rate x years, in *unit*."""
        return self.charge * int(self.units) * self.leak_rate * self.years

    @classmethod
    def from_rates(
        cls, gas: str, charge: float, rates: LeakRates, equipment: str, *, choose: str | float | None = None,
        units: int = 1, years: float = 1.0, unit: str = "kg",
    ) -> "Screening":
        """Screening of *equipment* with its annual rate from *rates*, picked by *choose*.

        *choose* is ``"low"`` or ``"high"`` (an end of the published range) or a rate inside it (a fraction a
        year); it has no default, because a range is not a value.  The rate's source records the table, the
        equipment type and the choice.

        Raises
        ------
        InputError
            An unknown equipment type (the message lists the known ones), a missing or invalid *choose*.
        """
        if not isinstance(rates, LeakRates):
            raise InputError(f"rates must be a LeakRates table, got {type(rates).__name__}", column="rates")
        rate, source = rates.rate(equipment, choose)
        r = rates.range(equipment)
        return cls(gas, charge, rate, source, units=units, years=years, equipment=r.equipment, unit=unit)


#: What :func:`leak_inventory` takes.
Leak = Union[MaterialBalance, Screening]


def leak_activity_key(gas: str) -> str:
    """The activity key of a refrigerant's leak rows: ``"R-410A"`` → ``"refrigerant.r_410a"``.

    >>> leak_activity_key("HFC-134a"), leak_activity_key("r410a")
    ('refrigerant.hfc_134a', 'refrigerant.r_410a')
    """
    slug = re.sub(r"[^a-z0-9]+", "_", canonical_gas(gas).lower()).strip("_")
    return f"refrigerant.{slug}"


def leak_inventory(
    leaks: Sequence[Leak], *, region: str, year: int, scope: int = 1, site: str | None = None,
    category: str | None = "fugitive refrigerant",
) -> Inventory:
    """One activity row per leak: ``refrigerant.<gas>``, the mass emitted, and ``method`` and ``leak_rate_source`` dimensions.

    ``leak_rate_source`` is, for a :class:`Screening` row, where its leak rate was published (and, for a rate
    from :class:`LeakRates`, which equipment type and which end of the range); empty for a material balance.

    Raises
    ------
    InputError
        If an item is not a :class:`MaterialBalance` or :class:`Screening` (the index says which).
    InvalidQuantityError
        If a material balance is negative.
    """
    rows = []
    for i, leak in enumerate(leaks):
        if not isinstance(leak, (MaterialBalance, Screening)):
            raise InputError(f"item {i} is a {type(leak).__name__}, not a MaterialBalance or Screening", rows=[i])
        try:
            mass = leak.emitted()
        except InvalidQuantityError as exc:
            raise InvalidQuantityError(f"item {i}: {exc.message}", column="material_balance", rows=[i]) from exc
        tags = {"method": leak.method}
        if isinstance(leak, Screening):
            tags["leak_rate_source"] = str(leak.rate_source)
        rows.append(Activity(leak_activity_key(leak.gas), mass, leak.unit, region=region, year=year, scope=scope,
                             site=site, category=category, tags=tags))
    return Inventory(rows)


def leak_factors(inventory: Inventory) -> FactorSet:
    """The factors the leak rows of *inventory* need: 1 t of each refrigerant per t released.

    One factor per (refrigerant, region, year) of the rows, so every row matches exactly (no fallback).
    """
    acts, regs = inventory.activity.categories, inventory.region.categories
    keys = sorted({(acts[a], regs[r], int(y)) for a, r, y in zip(inventory.activity.codes.tolist(),
                                                                   inventory.region.codes.tolist(),
                                                                   inventory.year.tolist())})
    return FactorSet.from_factors([Factor(act, reg, y, "t/t", {_gas_of(act): 1.0}, LEAK_DEFINITION)
                                   for act, reg, y in keys if act.startswith("refrigerant.")])


def _gas_of(key: str) -> str:
    for gas in GASES:
        if leak_activity_key(gas) == key:
            return gas
    raise InputError(f"activity {key!r} names no known refrigerant", column="activity")
