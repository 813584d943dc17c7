"""Importers: published factor datasets as they are published, into a :class:`~neutralcore.FactorSet` or a pack.

* :func:`read_epa_stationary` (:mod:`.epa`): the US EPA GHG Emission Factors Hub, Table 1 (US public domain).
* :func:`read_hub_table` (:mod:`.epa`): the Hub's per-unit Tables 2, 3, 4, 6 (eGRID), 7, 8 and 10.
* :func:`read_desnz` (:mod:`.desnz`): the UK DESNZ/DEFRA conversion-factors flat file (Open Government Licence).
* :func:`write_pack` (:mod:`.packdir`): any factor set as a pack directory (``pack.toml``, ``factors.csv``,
  ``properties.csv``) that ``neutralcore pack check`` and :meth:`neutralcore.FactorPack.from_directory` read.

See ``docs/importers.md``.  Nothing here fetches from the network: give the file you downloaded.
"""

from neutralcore.importers.desnz import read_flat_file as read_desnz
from neutralcore.importers.epa import read_hub_table
from neutralcore.importers.epa import read_stationary_combustion as read_epa_stationary
from neutralcore.importers.packdir import write_pack

__all__ = ["read_desnz", "read_epa_stationary", "read_hub_table", "write_pack"]
