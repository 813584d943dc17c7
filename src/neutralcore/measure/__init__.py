"""Step 1, measure: activities times emission factors give emissions.

:class:`Activity` rows make an :class:`Inventory` (numpy columns and
categorical codes); :class:`Factor` values with their :class:`Source` make a
:class:`FactorSet`; the kernel (:mod:`.kernel`) matches each distinct key once
and gives :class:`Emissions`, which also reports market-based scope 2
(:mod:`.scope2`).  Nothing here imports ``reduce``, ``offsets``, ``claim`` or
the plugin registry: names of factor packs are turned into a ``FactorSet`` at
the API edge.
"""

from neutralcore.measure.activity import Activity
from neutralcore.measure.boundary import Consolidation, Entity, consolidate
from neutralcore.measure.coverage import coverage
from neutralcore.measure.emissions import Emissions, Matches, Uncertainty
from neutralcore.measure.factor import Factor, FactorSet, FuelProperty, Interval, Source
from neutralcore.measure.inventory import Inventory
from neutralcore.measure.scope2 import ContractualInstrument, Scope2Result, SupplierRate
from neutralcore.measure.spend import ExchangeRates, PriceIndex

__all__ = [
    "Activity",
    "Inventory",
    "Source",
    "FuelProperty",
    "Factor",
    "FactorSet",
    "Interval",
    "Emissions",
    "Matches",
    "Uncertainty",
    "ContractualInstrument",
    "SupplierRate",
    "Scope2Result",
    "Entity",
    "Consolidation",
    "consolidate",
    "ExchangeRates",
    "PriceIndex",
    "coverage",
]
