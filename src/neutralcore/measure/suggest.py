"""Hints for a key with no factor: the factor set's close keys ("did you mean") and the installed packs that cover it.

Examples
--------
>>> suggestion(["electricity.gird"], ["electricity.grid", "fuel.diesel.stationary"],
...            [("vietnam", ["electricity.grid"]), ("ipcc", ["fuel.diesel.stationary"])])
" Did you mean 'electricity.grid' (for 'electricity.gird')? Installed packs covering it or a similar key: vietnam (electricity.grid)."
>>> suggestion(["fuel.coal.stationary"], ["electricity.grid"], [("ipcc", ["fuel.coal.stationary"])])
' Installed packs covering it or a similar key: ipcc (fuel.coal.stationary).'
>>> suggestion(["zzz.qqq"], ["electricity.grid"], [])
''
"""

from __future__ import annotations

import difflib
from typing import Sequence

__all__ = ["suggestion"]

_CUTOFF = 0.75


def suggestion(missing: Sequence[str], known: Sequence[str], installed: Sequence[tuple[str, Sequence[str]]]) -> str:
    """A sentence or two to add to a :class:`~neutralcore.FactorNotFoundError` (``""`` when nothing is close).

    *missing* are the activity keys without a factor, *known* the factor set's
    activity keys and *installed* each installed pack's name and activity keys.
    """
    missing = [m for m in dict.fromkeys(missing) if m not in known][:3]
    out = []
    close = {m: difflib.get_close_matches(m, list(known), n=3, cutoff=_CUTOFF) for m in missing}
    guesses = [f"{' or '.join(map(repr, c))} (for {m!r})" for m, c in close.items() if c]
    if guesses:
        out.append(f" Did you mean {'; '.join(guesses)}?")
    covering: dict[str, list[str]] = {}
    for name, acts in installed:
        acts = list(acts)
        for m in missing:
            hits = [m] if m in acts else difflib.get_close_matches(m, acts, n=2, cutoff=_CUTOFF)
            if hits:
                covering.setdefault(name, [])
                covering[name] += [h for h in hits if h not in covering[name]]
    if covering:
        packs = ", ".join(f"{name} ({', '.join(keys)})" for name, keys in sorted(covering.items()))
        out.append(f" Installed packs covering it or a similar key: {packs}.")
    return "".join(out)
