"""US EPA GHG Emission Factors Hub 2024 pack: Tables 1, 2, 3, 4, 6, 7, 8 and 10.

US Environmental Protection Agency, *Emission Factors for Greenhouse Gas Inventories* (2024), read with
:func:`neutralcore.importers.read_epa_stationary` (Table 1, per MMBtu on a gross basis with heat contents as fuel
properties) and :func:`neutralcore.importers.read_hub_table` (mobile CO2, on-road CH4 and N2O per vehicle-mile, eGRID2022 subregions in lb/MWh, steam and
heat, scope 3 transport and business travel), written with :func:`neutralcore.importers.write_pack`.  Region
``US`` and ``EGRID-<acronym>`` (falling back to ``US``), year 2024.  A work of the US Government, in the public
domain in the United States (``data/LICENSE``).  Where the copy was read: ``data/pack.toml`` ``[metadata]``.
"""

from importlib.resources import files

from neutralcore.packs import FactorPack

pack = FactorPack.from_directory(files(__name__) / "data")
