"""acme-factors: an example neutralcore factor pack (template).

The pack is data, not code: ``data/pack.toml`` (metadata and sources) and
``data/factors.csv`` (the factors).  This module only points neutralcore at them;
it is imported when someone asks for the pack by name, never when packs are listed.

EXAMPLE ONLY: the two factors are the Viet Nam 2022 and 2023 national grid emission
factors copied, with their source, from neutralcore's built-in ``vietnam`` pack.  Replace
them with your own published values and sources.
"""

from importlib.resources import files

from neutralcore.packs import FactorPack

pack = FactorPack.from_directory(files(__name__) / "data")
