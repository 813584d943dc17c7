"""China electricity emission factor pack.

Two series kept apart:

* MEE + NBS electricity CO2 emission factors for data years 2021-2023 (announcements of
  2024-04-12, 2024-12-20 and early 2026): national average, national average excluding
  market-traded non-fossil electricity (``electricity.grid.residual``), national fossil-fuel
  factor (``electricity.grid.fossil``), seven regional grids and 30 provinces (2021-2022).
* MEE carbon-market enterprise-reporting national grid factors (``electricity.grid.ets``):
  0.5810 for 2021 and 0.5703 for 2022.

Regions follow ISO 3166-2:CN codes (e.g. ``CN-JS``) with each province's parent set to its
regional grid (``CN-NORTH`` ... ``CN-SOUTHWEST``). Values come from news copies of the
announcements and carry confidence B or C. The "3060" dual-carbon pledge is in the metadata.
"""

from importlib.resources import files

from neutralcore.packs import FactorPack

pack = FactorPack.from_directory(files(__name__) / "data")
