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

    The annual leak rate is given with its :class:`~neutralcore.Source`.  The
    IPCC default ranges (2006 IPCC Guidelines, Vol. 3, Ch. 7, Table 7.9) are not
    shipped: no copy of that table could be read for this release, so pick the
    rate from the table (or better, from the equipment's records) and cite it.

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
from typing import Any, Sequence, Union

import attrs
import numpy as np

from neutralcore.errors import InputError, InvalidQuantityError
from neutralcore.gwp import GASES, canonical_gas
from neutralcore.measure.activity import Activity
from neutralcore.measure.factor import FactorSet
from neutralcore.measure.factorvalue import Factor, Source
from neutralcore.measure.inventory import Inventory
from neutralcore.units import multiplier

__all__ = ["MaterialBalance", "Screening", "Leak", "leak_activity_key", "leak_inventory", "leak_factors",
           "LEAK_DEFINITION"]

#: The source of the factors :func:`leak_factors` builds: a refrigerant released is that mass of the gas emitted.
LEAK_DEFINITION = Source(
    "IPCC", "2006 IPCC Guidelines, Vol. 3, Ch. 7: emissions of a refrigerant are the mass of it released "
    "(1 t of the gas per t released, by definition)", 2006,
)


def _nonneg(value: Any, what: str) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{what} is not a number: {value!r}", column=what) from exc
    if not math.isfinite(x) or x < 0:
        raise InvalidQuantityError(f"{what} must be finite and non-negative, got {value!r}", column=what)
    return x


def _start(value: Any) -> float:
    return _nonneg(value, "start")


def _end(value: Any) -> float:
    return _nonneg(value, "end")


def _purchased(value: Any) -> float:
    return _nonneg(value, "purchased")


def _disposed(value: Any) -> float:
    return _nonneg(value, "disposed")


def _new_charge(value: Any) -> float:
    return _nonneg(value, "new_charge")


def _retired_charge(value: Any) -> float:
    return _nonneg(value, "retired_charge")


def _charge(value: Any) -> float:
    return _nonneg(value, "charge")


def _years(value: Any) -> float:
    return _nonneg(value, "years")


def _mass_unit(value: Any) -> str:
    unit = str(value).strip()
    multiplier(unit, "t")  # a mass unit, or a DimensionError / UnknownUnitError naming it
    return unit


def _rate(value: Any) -> float:
    x = _nonneg(value, "leak_rate")
    if x > 1:
        raise InputError(f"leak_rate is a fraction of the charge per year (0.05 for 5 %), got {value!r}",
                         column="leak_rate")
    return x


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
    """One activity row per leak: ``refrigerant.<gas>``, the mass emitted, and a ``method`` dimension.

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
        rows.append(Activity(leak_activity_key(leak.gas), mass, leak.unit, region=region, year=year, scope=scope,
                             site=site, category=category, tags={"method": leak.method}))
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
