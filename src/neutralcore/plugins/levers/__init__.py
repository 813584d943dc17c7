"""The standard reduction levers, registered under ``neutralcore.levers`` like any third party's.

=====================  ======================  ==========================================================
entry point            class                   what it changes
=====================  ======================  ==========================================================
``rooftop-solar``      :class:`RooftopSolar`   grid electricity of one site, by self-consumed generation
``efficiency``         :class:`EnergyEfficiency`  chosen activities / sites, by a percentage cut
``fuel-switch``        :class:`FuelSwitch`     one fuel to another (or to electricity), energy-equivalent
``renewable-contract`` :class:`RenewableContract`  market-based scope 2 only (PPA, REC, I-REC, GO)
``ccs``                :class:`CarbonCapture`  captures a share of chosen scope 1 CO2
``tree-planting``      :class:`TreePlanting`   a removal inside the boundary, reported apart
=====================  ======================  ==========================================================

No lever ships an assumed technical number (solar yield, boiler efficiency,
capture rate): the user gives them.  Each entry point names a one-kind :class:`~neutralcore.LeverSet`;
calling it configures the lever (``load("levers", "efficiency")(0.1, activity="electricity")``).
The one data set shipped is
``data/sequestration.csv``, values of the 2006 IPCC Guidelines Vol. 4 with
their table, page and EFDB id (source in ``data/sequestration.toml``).

One module per lever kind: :mod:`.solar`, :mod:`.savings`, :mod:`.fuels`,
:mod:`.contracts`, :mod:`.capture` and :mod:`.trees`; every name is exported here.
"""

from __future__ import annotations

from neutralcore.levers import LeverSet
from neutralcore.plugins.levers.capture import CarbonCapture
from neutralcore.plugins.levers.contracts import RenewableContract
from neutralcore.plugins.levers.fuels import FuelSwitch
from neutralcore.plugins.levers.savings import EnergyEfficiency
from neutralcore.plugins.levers.solar import RooftopSolar
from neutralcore.plugins.levers.trees import SequestrationRate, TreePlanting, sequestration_rate, sequestration_table

__all__ = [
    "RooftopSolar",
    "EnergyEfficiency",
    "FuelSwitch",
    "RenewableContract",
    "CarbonCapture",
    "TreePlanting",
    "SequestrationRate",
    "sequestration_rate",
    "sequestration_table",
    "standard",
    "rooftop_solar",
    "efficiency",
    "fuel_switch",
    "renewable_contract",
    "ccs",
    "tree_planting",
]


# entry-point objects: one set per kind, callable to configure it (see LeverSet.__call__)
rooftop_solar = LeverSet.of(RooftopSolar)
efficiency = LeverSet.of(EnergyEfficiency)
fuel_switch = LeverSet.of(FuelSwitch)
renewable_contract = LeverSet.of(RenewableContract)
ccs = LeverSet.of(CarbonCapture)
tree_planting = LeverSet.of(TreePlanting)

standard = LeverSet(
    "standard",
    (RooftopSolar, EnergyEfficiency, FuelSwitch, RenewableContract, CarbonCapture, TreePlanting),
    "The built-in lever kinds of neutralcore.",
)
