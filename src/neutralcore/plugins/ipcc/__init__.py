"""IPCC 2006 default stationary-combustion factor pack.

Tier 1 default CO2, CH4 and N2O emission factors (kg/TJ, net calorific basis) from the 2006
IPCC Guidelines for National Greenhouse Gas Inventories, Volume 2: Energy, Table 2.2 (energy
industries) and Table 2.3 (manufacturing industries and construction), and default net
calorific values from Table 1.2, for natural gas, gas/diesel oil, motor gasoline, LPG,
residual fuel oil and three coals; read from an export of the IPCC Emission Factor Database.
Densities for the four liquid fuels come from Statistics Canada's Energy Statistics Handbook
(57-601-X). All rows use region ``World`` and year 2006 (the edition year).
"""

from importlib.resources import files

from neutralcore.packs import FactorPack

pack = FactorPack.from_directory(files(__name__) / "data")
