"""China factor pack: electricity CO2 factors, the national purchased-heat default and fuel defaults.

Four series kept apart:

* MEE + NBS electricity CO2 emission factors for data years 2021-2023 (公告2024年第12号 of
  2024-04-12, 公告2024年第33号 signed 2024-12-20, 公告2025年第47号 of 2025-12-31): national
  average, national average excluding market-traded non-fossil electricity
  (``electricity.grid.residual``), national fossil-fuel factor (``electricity.grid.fossil``),
  seven regional grids and 30 provinces.
* MEE carbon-market enterprise-reporting national grid factors (``electricity.grid.ets``):
  0.5810 for 2021 and 0.5703 for 2022 (环办气候函〔2023〕43号).
* GB/T 32150—2025's default for purchased heat, 0.11 t CO2/GJ (``heat.purchased``, from 2025).
* GB/T 32151.34—2024 Table C.1's fuel defaults for 26 fuels (``fuel.<fuel>.stationary``, CN, from 2024): the NCV as
  a property and the CO2 factor NCV x carbon content x oxidation x 44/12 (t CO2 per t or per 10^4 Nm3).

Regions follow ISO 3166-2:CN codes (e.g. ``CN-JS``) with each province's parent set to its
regional grid (``CN-NORTH`` ... ``CN-SOUTHWEST``). Values come from news copies and independent
transcriptions of the publishers' documents and carry confidence B or C, or DERIVED for the fuel factors (see ``pack.toml`` and
``docs/factor-sources.md``). The "3060" dual-carbon pledge is in the metadata.
"""

from importlib.resources import files

from neutralcore.packs import FactorPack

pack = FactorPack.from_directory(files(__name__) / "data")
