"""An example reduction lever shipped beside the factor pack (template).

A lever is code, so it lives in its own module: the registry imports it only when
someone asks for the lever by name.  Register it under the ``neutralcore.levers``
entry-point group (see ``pyproject.toml``).
"""

import attrs
import numpy as np

import neutralcore as nc
from neutralcore.levers import fraction, parameter


@attrs.frozen
class HeatRecovery(nc.Lever):
    """Recovers waste heat to cut the fuel burned in boilers by a share *share* (0-1)."""

    kind = "acme-heat-recovery"
    description = "Recovers waste heat to cut the fuel burned in boilers (scope 1 fuel rows)."

    share: float = parameter("1", "share of boiler fuel saved", validator=fraction)

    def apply(self, inventory: nc.Inventory, year: int) -> nc.Inventory:
        rows = self.require(inventory, inventory.mask(activity="fuel", scope=1), "boiler fuel (scope 1)")
        return inventory.with_quantity(np.where(rows, inventory.quantity * (1 - self.share), inventory.quantity))


#: The entry-point object: a set holding one lever kind, configured by calling it.
heat_recovery = nc.LeverSet.of(HeatRecovery)
