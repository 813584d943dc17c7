"""UK DESNZ 2024 conversion factors pack: the *Greenhouse gas reporting: conversion factors 2024* flat file.

UK Department for Energy Security and Net Zero (DESNZ), Version 1.1 (30 October 2024), sheet "Factors by
Category", read with :func:`neutralcore.importers.read_desnz` (kg CO2e under AR5, per-gas columns as gas masses,
WTT and T&D as life-cycle stages, outside-of-scopes CO2 as ``CO2_biogenic``) and written with
:func:`neutralcore.importers.write_pack`.  Region ``GB``, year 2024.  Contains public sector information licensed
under the Open Government Licence v3.0 (``data/LICENCE``).  Where the copy was read and how it was checked:
``data/pack.toml`` ``[metadata]`` and ``docs/factor-sources.md``.
"""

from importlib.resources import files

from neutralcore.packs import FactorPack

pack = FactorPack.from_directory(files(__name__) / "data")
