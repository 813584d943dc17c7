"""On-site solar PV (:class:`RooftopSolar`)."""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from neutralcore._core.validators import activity_key, optional_str
from neutralcore.errors import LeverError
from neutralcore.levers import Lever, nonnegative, parameter, positive
from neutralcore.measure.inventory import Inventory
from neutralcore.units import multiplier

__all__ = ["RooftopSolar"]


_HOURS_PER_YEAR = 8784.0  # a leap year: the most kWh one kWp can make in a year


def _unit_mult(inv: Inventory, unit: str, what: str, rows: np.ndarray) -> np.ndarray:
    """Per unit category of *inv* used by *rows*: multiplier to *unit* (one pint call per distinct unit)."""
    out = np.full(len(inv.unit.categories), np.nan)
    try:
        for c in np.unique(inv.unit.codes[rows]).tolist():
            out[c] = multiplier(inv.unit.categories[c], unit)
    except Exception as exc:
        raise LeverError(f"{what}: {exc}") from None
    return out


@attrs.frozen(repr=False)  # Lever.__repr__: one line of key figures
class RooftopSolar(Lever):
    """On-site solar that displaces grid electricity bought by one site (self-consumption only).

    Generation = ``capacity x specific_yield``.  Within each year it displaces at
    most what the site buys (rows of *activity*, scope 2, at *site*), spread
    pro rata over those rows; exported power is not credited.

    Parameters
    ----------
    capacity : float
        Peak capacity in *capacity_unit* (default kWp), >= 0.
    specific_yield : float
        kWh per kWp per year at the site (take it from a yield study; none is assumed).
    site : str, optional
        The site it is built on; required when the inventory has several sites.
    activity : str
        The grid electricity activity it displaces (default ``electricity.grid``).
    """

    kind = "rooftop-solar"
    description = "On-site solar PV displacing grid electricity of its site (self-consumed only; exports not credited)."
    row_independent = True

    capacity: float = parameter("kWp", "peak capacity", validator=nonnegative)
    specific_yield: float = parameter("kWh/kWp/yr", "annual yield per kWp at the site", validator=positive)
    site: str | None = attrs.field(default=None, converter=optional_str)
    activity: str = attrs.field(default="electricity.grid", converter=activity_key)
    capacity_unit: str = attrs.field(default="kWp")

    @capacity_unit.validator
    def _check_unit(self, _a: Any, unit: str) -> None:
        try:
            multiplier(unit, "kWp")
        except Exception:
            raise LeverError(f"RooftopSolar.capacity_unit {unit!r} is not a power (kWp, MWp)", field="capacity_unit") from None

    @activity.validator
    def _check_activity(self, _a: Any, act: str) -> None:
        if not act.startswith("electricity"):
            raise LeverError(f"RooftopSolar displaces electricity, not {act!r}", field="activity")

    @specific_yield.validator
    def _check_yield(self, _a: Any, value: float) -> None:
        if value > _HOURS_PER_YEAR:
            raise LeverError(
                f"RooftopSolar.specific_yield {value:g} kWh/kWp/yr is above {_HOURS_PER_YEAR:g} (one kWp running at "
                "full power every hour of the year, a capacity factor above 100 %); give kWh per kWp per year",
                field="specific_yield", value=value,
            )

    @property
    def generation_mwh(self) -> float:
        """Annual generation in MWh."""
        return self.capacity * multiplier(self.capacity_unit, "kWp") * self.specific_yield / 1000.0

    def _rows(self, inv: Inventory) -> np.ndarray:
        m = self.require(inv, inv.mask(activity=self.activity, scope=2), f"grid electricity ({self.activity}, scope 2)")
        if self.site is not None:
            m = self.require(inv, m & inv.mask(site=self.site), f"grid electricity bought by site {self.site!r}")
        else:
            sites = set(inv.site.categories[c] for c in np.unique(inv.site.codes[m]))
            if len(sites) > 1:
                raise LeverError(
                    f"lever {self.name!r}: the inventory buys grid electricity at {len(sites)} sites "
                    f"({', '.join(map(str, sorted(sites, key=str)))}); name the site the panels are on",
                    lever=self.name,
                )
        return m

    def apply(self, inventory: Inventory, year: int) -> Inventory:
        m = self._rows(inventory)
        idx = np.flatnonzero(m)
        to_mwh = _unit_mult(inventory, "MWh", f"lever {self.name!r}", idx)
        q_mwh = inventory.quantity[idx] * to_mwh[inventory.unit.codes[idx]]
        years, g = np.unique(inventory.year[idx], return_inverse=True)
        bought = np.bincount(g, weights=q_mwh, minlength=len(years))
        gen = self.generation_mwh
        share = np.ones(len(years))  # all displaced where generation covers what is bought
        part = bought > gen
        share[part] = gen / bought[part]
        q = inventory.quantity.copy()
        q[idx] = q[idx] * (1.0 - share[g])
        return inventory.with_quantity(q)

    def exported_mwh(self, inventory: Inventory) -> float:
        """Generation not self-consumed (not credited), summed over the inventory's years."""
        m = self._rows(inventory)
        to_mwh = _unit_mult(inventory, "MWh", f"lever {self.name!r}", m)
        q_mwh = inventory.quantity[m] * to_mwh[inventory.unit.codes[m]]
        years, g = np.unique(inventory.year[m], return_inverse=True)
        bought = np.bincount(g, weights=q_mwh, minlength=len(years))
        return float(np.maximum(0.0, self.generation_mwh - bought).sum())
