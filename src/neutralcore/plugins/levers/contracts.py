"""Renewable-electricity contracts for the market-based scope 2 figure (:class:`RenewableContract`)."""

from __future__ import annotations

import attrs

from neutralcore._core.validators import optional_str, region_code, year_int
from neutralcore.errors import LeverError, NeutralcoreError
from neutralcore.levers import Lever, nonnegative, parameter
from neutralcore.measure.inventory import Inventory
from neutralcore.measure.scope2 import ContractualInstrument

__all__ = ["RenewableContract"]


@attrs.frozen(repr=False)  # Lever.__repr__: one line of key figures
class RenewableContract(Lever):
    """A renewable-electricity contract or certificate purchase: acts on market-based scope 2 only.

    Activities are unchanged (location-based scope 2 stays as it is); the lever
    yields a :class:`~neutralcore.ContractualInstrument` per year it is active,
    of vintage *vintage* (default: that year), which
    :func:`neutralcore.measure.scope2.market_based` applies if it meets the quality
    criteria.

    Parameters
    ----------
    mwh : float
        MWh per year covered.
    instrument : str
        ``"PPA"``, ``"REC"``, ``"I-REC"``, ``"GO"`` or ``"GREEN-TARIFF"``.
    market : str
        Region code of the market the instruments come from.
    retired_for : str, optional
        Entity they are retired for (should be the reporting entity).
    rate : float
        t CO2/MWh conveyed (0 for renewable generation).
    vintage : int, optional
        Fixed vintage; default the year the lever is applied to.
    """

    kind = "renewable-contract"
    description = "Renewable electricity bought by contract or certificate (PPA, REC, I-REC, GO); market-based scope 2 only."
    row_independent = True

    mwh: float = parameter("MWh", "electricity covered per year", validator=nonnegative)
    instrument: str = attrs.field(default="PPA")
    market: str = attrs.field(default=None, kw_only=True, converter=attrs.converters.optional(region_code))
    retired_for: str | None = attrs.field(default=None, kw_only=True, converter=optional_str)
    rate: float = parameter("t/MWh", "emission rate conveyed", default=0.0, validator=nonnegative, kw_only=True)
    vintage: int | None = attrs.field(default=None, kw_only=True, converter=attrs.converters.optional(year_int))

    def __attrs_post_init__(self) -> None:
        if self.market is None:
            raise LeverError("RenewableContract needs market= (the region code its instruments come from)", field="market")
        try:  # validates kind and market
            ContractualInstrument(self.instrument, self.mwh, market=self.market, vintage=2000)
        except NeutralcoreError as exc:
            field = "instrument" if getattr(exc, "column", None) == "kind" else "market"
            raise LeverError(f"RenewableContract.{field}: {exc.message.split(': ', 1)[-1]}", field=field,
                             value=getattr(self, field)) from None

    def apply(self, inventory: Inventory, year: int) -> Inventory:
        self.require(inventory, inventory.mask(activity="electricity", scope=2), "scope 2 electricity")
        return inventory

    def instruments(self, inventory: Inventory, year: int) -> tuple[ContractualInstrument, ...]:
        return (ContractualInstrument(
            self.instrument, self.mwh, market=self.market, vintage=self.vintage or year,
            retired_for=self.retired_for, rate=self.rate, id=f"{self.name} {self.vintage or year}",
        ),)
