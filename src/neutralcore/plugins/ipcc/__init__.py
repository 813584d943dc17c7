"""IPCC 2006 default emission factor pack (Tier 1 defaults, region ``World``, year 2006).

From the 2006 IPCC Guidelines for National Greenhouse Gas Inventories, read from an export of
the IPCC Emission Factor Database (each row cites its table and EF ID):

* Volume 2 stationary combustion, 22 fuels in four sectors: ``fuel.<fuel>.stationary.energy_industries``
  (Table 2.2), ``.manufacturing`` (Table 2.3), ``.commercial`` (Table 2.4), ``.residential``
  (Table 2.5); the generic ``fuel.<fuel>.stationary`` holds exactly the Table 2.3 (1.A.2
  manufacturing) values.  Net calorific values from Table 1.2; biomass CO2 is shipped as
  ``CO2_biogenic`` (reported apart, never in scope totals).
* Volume 2 mobile combustion (Chapter 3): road, off-road, rail and navigation.
* Volume 3 process factors (cement clinker, lime, glass, ammonia, iron and steel, aluminium) and
  Volume 5 composting and anaerobic digestion.

Densities for the liquid fuels come from Statistics Canada's Energy Statistics Handbook (57-601-X).
The NCVs of natural gas, gas/diesel oil, motor gasoline, LPG and residual fuel oil carry Table 1.2's
95 % limits (sampled by ``Emissions.uncertainty()``); no emission factor carries bounds.
The edition year 2006 applies to later years via year fallback.
"""

from importlib.resources import files

from neutralcore.packs import FactorPack

pack = FactorPack.from_directory(files(__name__) / "data")
