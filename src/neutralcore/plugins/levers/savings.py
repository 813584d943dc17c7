"""Percentage cuts to chosen activities or sites (:class:`EnergyEfficiency`)."""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from neutralcore.errors import LeverError
from neutralcore.levers import Lever, activity_keys, fraction, labels, parameter
from neutralcore.measure.inventory import Inventory

__all__ = ["EnergyEfficiency"]


@attrs.frozen(repr=False)  # Lever.__repr__: one line of key figures
class EnergyEfficiency(Lever):
    """A percentage cut to chosen activities and/or sites (e.g. LED lighting, VSDs, insulation).

    Parameters
    ----------
    cut : float
        Share saved, 0-1 (0.15 = 15 %).
    activity : str or sequence of str, optional
        Activities cut (dotted prefix: ``"fuel"`` matches every fuel).
    site : str or sequence of str, optional
        Sites cut.  At least one of *activity* and *site* must be given.
    """

    kind = "efficiency"
    description = "Cuts the chosen activities or sites by a percentage."
    row_independent = True

    cut: float = parameter("1", "share of the chosen activity saved (0.15 = 15 %)", validator=fraction)
    activity: tuple[str, ...] | None = attrs.field(default=None, converter=activity_keys)
    site: tuple[str, ...] | None = attrs.field(default=None, converter=labels)

    def __attrs_post_init__(self) -> None:
        if self.activity is None and self.site is None:
            raise LeverError("EnergyEfficiency needs activity= and/or site= (what the cut applies to)", field="activity")

    def apply(self, inventory: Inventory, year: int) -> Inventory:
        crit: dict[str, Any] = {}
        if self.activity is not None:
            crit["activity"] = self.activity
        if self.site is not None:
            crit["site"] = self.site
        what = " at ".join(x for x in (
            f"activity {', '.join(self.activity)}" if self.activity else "",
            f"site {', '.join(map(str, self.site))}" if self.site else "") if x)
        m = self.require(inventory, inventory.mask(**crit), what)
        return inventory.with_quantity(np.where(m, inventory.quantity * (1.0 - self.cut), inventory.quantity))
