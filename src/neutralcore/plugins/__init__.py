"""Built-in factor packs shipped with neutralcore.

Each sub-package (``vietnam``, ``china``, ``ipcc``) holds one pack: a ``data/`` folder with
``pack.toml`` (metadata, sources, regions), ``factors.csv`` (emission factors) and
``properties.csv`` (fuel properties), and exposes it as ``pack`` for the
``neutralcore.factors`` entry point. Every value names its original publisher and keeps the
confidence label (A/B/C) it was given when it was traced; see ``docs/factor-sources.md``.
"""
