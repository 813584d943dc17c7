"""Where factors come from, without measure knowing about plugins.

The kernel computes from a :class:`~neutralcore.FactorSet`.  Users may also
name factor packs or paths (``inv.emissions("vietnam,ipcc")``); turning those
into a ``FactorSet`` is the plugin registry's job
(:func:`neutralcore.registry.resolve_factors`).  The registry installs itself
here with :func:`set_resolver` when it is imported (``import neutralcore``
does so), so measure never imports the registry.

Examples
--------
>>> import neutralcore as nc
>>> src = nc.Source("Example", "a one-factor set", 2024)
>>> fs = nc.FactorSet.from_factors([nc.Factor("electricity.grid", "XA", 2024, "t/MWh", {"CO2": 0.5}, src)])
>>> as_factorset(fs) is fs
True
"""

from __future__ import annotations

import os
from typing import Callable, Sequence, Union

from neutralcore.errors import InputError
from neutralcore.measure.factor import FactorSet

__all__ = ["FactorsLike", "Resolver", "as_factorset", "set_resolver", "Catalogue", "set_catalogue", "installed_activities"]

#: What a user may pass as factors: a FactorSet, pack names (``"vietnam,ipcc"``), a CSV file or pack
#: directory path, or a sequence of these (merged in order, the later winning).
FactorsLike = Union[FactorSet, str, "os.PathLike[str]", Sequence[Union[FactorSet, str, "os.PathLike[str]"]]]

#: A function turning :data:`FactorsLike` into a FactorSet.
Resolver = Callable[[FactorsLike], FactorSet]

_resolver: list[Resolver] = []


def set_resolver(resolver: Resolver) -> None:
    """Install the function that turns pack names and paths into a FactorSet (the registry calls this)."""
    _resolver[:] = [resolver]


def as_factorset(factors: FactorsLike) -> FactorSet:
    """*factors* as a :class:`~neutralcore.FactorSet`: a FactorSet as is, anything else through the resolver.

    Raises
    ------
    InputError
        If *factors* is not a FactorSet and no resolver is installed (``neutralcore.registry``
        was never imported).
    """
    if isinstance(factors, FactorSet):
        return factors
    if not _resolver:
        raise InputError(
            f"factors {factors!r} is not a FactorSet, and no resolver of pack names and paths is installed; "
            "import neutralcore (or neutralcore.registry), or pass a FactorSet",
            column="factors",
        )
    return _resolver[0](factors)


#: A function giving each installed factor pack's name and the activity keys it covers.
Catalogue = Callable[[], Sequence["tuple[str, Sequence[str]]"]]

_catalogue: list[Catalogue] = []


def set_catalogue(catalogue: Catalogue) -> None:
    """Install the function that lists installed packs and their activity keys (the registry calls this)."""
    _catalogue[:] = [catalogue]


def installed_activities() -> list[tuple[str, Sequence[str]]]:
    """Each installed pack's name and activity keys, for hints in errors; ``[]`` if unknown or unreadable."""
    if not _catalogue:
        return []
    try:
        return list(_catalogue[0]())
    except Exception:  # a hint must never hide the error it is added to
        return []
