"""Carbon capture and storage on scope 1 sources (:class:`CarbonCapture`)."""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from neutralcore.errors import LeverError
from neutralcore.levers import Capture, Lever, activity_keys, fraction, labels, parameter
from neutralcore.measure.inventory import Inventory

__all__ = ["CarbonCapture"]


@attrs.frozen(repr=False)  # Lever.__repr__: one line of key figures
class CarbonCapture(Lever):
    """Carbon capture and storage on chosen scope 1 sources.

    A share *capture_rate* of the CO2 of the selected scope 1 rows (chosen by
    *activity* and/or *site*; one of them is required) is captured
    (CH4 and N2O are not); the lever returns a :class:`~neutralcore.levers.Capture`
    record that scenarios subtract from scope 1 and report as ``captured``.  An
    *energy_penalty* (extra fuel burned to run the capture plant, a share of the
    fuel) raises the selected rows' quantities first.  Captures on the same
    rows act in series (see :meth:`~neutralcore.levers.Outcome.captured`).

    Parameters
    ----------
    capture_rate : float
        Share of the selected rows' CO2 captured, 0-1 (no default is assumed).
    activity : str or sequence of str, optional
        Scope 1 activities served (dotted prefix).
    site : str or sequence of str, optional
        Sites served.  At least one of *activity* and *site* must be given.
    energy_penalty : float
        Extra fuel burned by the capture plant, as a share of the sources' fuel (0-1, default 0).
        A penalty that the capture does not outweigh, ``(1 + penalty) * (1 - capture_rate) >= 1``,
        is refused: the lever would raise the CO2 it claims to cut.
    """

    kind = "ccs"
    description = "Captures a share of the CO2 of chosen scope 1 sources (reported as captured)."
    row_independent = True

    capture_rate: float = parameter("1", "share of the sources' CO2 captured", validator=fraction)
    activity: tuple[str, ...] | None = attrs.field(default=None, converter=activity_keys)
    site: tuple[str, ...] | None = attrs.field(default=None, converter=labels)
    energy_penalty: float = parameter("1", "extra fuel as a share of the source's fuel", default=0.0,
                                      validator=fraction, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if (1.0 + self.energy_penalty) * (1.0 - self.capture_rate) >= 1.0 and self.energy_penalty > 0:
            raise LeverError(
                f"CarbonCapture: capturing {self.capture_rate:.1%} of the CO2 while burning {self.energy_penalty:.1%} more "
                f"fuel leaves {(1.0 + self.energy_penalty) * (1.0 - self.capture_rate):.1%} of the sources' CO2: the "
                "plant would add CO2, not cut it", field="energy_penalty")
        if self.activity is None and self.site is None:
            raise LeverError("CarbonCapture needs activity= and/or site= (the scope 1 sources its capture plant serves; "
                             "a capture rate on every scope 1 row would include vehicles and other small sources)",
                             field="activity")

    def _rows(self, inv: Inventory) -> np.ndarray:
        crit: dict[str, Any] = {}
        if self.activity is not None:
            crit["activity"] = self.activity
        if self.site is not None:
            crit["site"] = self.site
        chosen = inv.mask(**crit)
        what = f"scope 1 sources ({', '.join(self.activity) if self.activity else 'any activity'})"
        if chosen.any() and not (chosen & inv.mask(scope=1)).any():
            raise LeverError(f"lever {self.name!r}: CCS acts on scope 1 sources; the chosen rows are in scope "
                             f"{', '.join(sorted({str(inv.scope.categories[c]) for c in np.unique(inv.scope.codes[chosen])}))}",
                             lever=self.name)
        return self.require(inv, chosen & inv.mask(scope=1), what)

    def apply(self, inventory: Inventory, year: int) -> Inventory:
        m = self._rows(inventory)
        if self.energy_penalty == 0:
            return inventory
        return inventory.with_quantity(np.where(m, inventory.quantity * (1.0 + self.energy_penalty), inventory.quantity))

    def captures(self, inventory: Inventory, year: int) -> tuple[Capture, ...]:
        return (Capture(self.name, self.capture_rate, activity=self.activity, site=self.site),)
