"""Life-cycle stages of a factor, and the upstream rows an activity gets when asked for.

A factor's ``stage`` is one of :data:`STAGES`: ``combustion`` (the default: the
direct emissions of the activity), ``well-to-tank`` (extraction, refining and
transport of a fuel, or of the fuels of the electricity generated),
``transmission-and-distribution`` (grid losses of purchased electricity) and
``upstream`` (any other upstream part).  An upstream factor sits beside its
activity under the key ``<activity>.<suffix>`` (:data:`UPSTREAM_SUFFIX`):
``fuel.diesel.stationary.wtt``, ``electricity.grid.td``.

``inv.emissions(factors, upstream=True)`` (opt in, never by default) gives each
row whose activity has such factors its upstream part too (:func:`with_upstream`):
a copy of the row under the upstream key, in scope 3 — category 3, "fuel- and
energy-related activities (not included in scope 1 or scope 2)" (GHG Protocol
Corporate Value Chain (Scope 3) Standard, 2011, Ch. 5) for a scope 1 or 2 row;
its own scope 3 category for a scope 3 row — and every row gets a ``stage``
dimension, so results group by stage: ``res.by("stage")``.  A T&D (or other
upstream) row takes in turn its own ``.wtt`` factor, as ``well-to-tank``:
``electricity.grid.td.wtt`` is the WTT of the electricity lost in T&D, which
the GHG Protocol counts with the losses ("generation (upstream activities and
combustion)" of the electricity lost: Technical Guidance for Calculating
Scope 3 Emissions, 2013, Table 3.1, C).

Examples
--------
>>> stage_name("Well to tank"), upstream_key("fuel.diesel.stationary", "well-to-tank")
('well-to-tank', 'fuel.diesel.stationary.wtt')
"""

from __future__ import annotations

from typing import Any, Literal, Protocol, Sequence

import numpy as np

from neutralcore.errors import InputError

__all__ = ["Stage", "STAGES", "UPSTREAM_SUFFIX", "SCOPE3_CATEGORY_3", "stage_name", "upstream_key", "stage_of_key",
           "with_upstream"]

Stage = Literal["combustion", "well-to-tank", "transmission-and-distribution", "upstream"]
STAGES: tuple[str, ...] = ("combustion", "well-to-tank", "transmission-and-distribution", "upstream")

#: key suffix of each upstream stage's factors
UPSTREAM_SUFFIX: dict[str, str] = {"well-to-tank": "wtt", "transmission-and-distribution": "td", "upstream": "upstream"}
_STAGE_OF_SUFFIX = {v: k for k, v in UPSTREAM_SUFFIX.items()}
_ALIASES = {"wtt": "well-to-tank", "t&d": "transmission-and-distribution", "td": "transmission-and-distribution",
            "direct": "combustion"}

#: the category label upstream rows of scope 1 and 2 activities get (GHG Protocol Scope 3 Standard, category 3)
SCOPE3_CATEGORY_3 = "3 fuel- and energy-related activities"


def stage_name(value: Any) -> str:
    """The canonical stage name (``"Well to tank"`` → ``"well-to-tank"``, ``"T&D"`` → ``"transmission-and-distribution"``).

    Raises
    ------
    InputError
        If *value* names no stage of :data:`STAGES`.
    """
    text = "-".join(str(value).strip().lower().replace("_", " ").split())
    text = _ALIASES.get(text, text)
    if text not in STAGES:
        raise InputError(f"stage {value!r} is not one of {', '.join(STAGES)}", column="stage")
    return text


def upstream_key(activity: str, stage: str) -> str:
    """The key of *activity*'s factor for upstream *stage*: ``<activity>.<suffix>``."""
    return f"{activity}.{UPSTREAM_SUFFIX[stage_name(stage)]}"


def stage_of_key(activity: str) -> str | None:
    """The upstream stage a key's last part names (``"electricity.grid.td"`` → ``"transmission-and-distribution"``), else None."""
    return _STAGE_OF_SUFFIX.get(activity.rsplit(".", 1)[-1]) if "." in activity else None


class _Activities(Protocol):
    @property
    def activity(self) -> Any: ...


def with_upstream(inv: Any, factors: _Activities) -> Any:
    """*inv* with a ``stage`` dimension, plus one upstream row per row and upstream key *factors* has.

    Rows keep their quantities, units, regions, years and sites; upstream rows of scope 1 and 2 rows are
    scope 3, category :data:`SCOPE3_CATEGORY_3`; those of scope 3 rows keep their scope and category.
    The original rows are stage ``combustion``.  Which factor an upstream row takes is decided as for any
    row (region and year fallback, reported in the matches; a region no upstream factor covers is a
    :class:`~neutralcore.FactorNotFoundError`, not a silent gap).
    """
    have = set(factors.activity.categories)
    parts = [inv.with_column("stage", ["combustion"] * len(inv))]
    firsts = [(stage, _upstream_rows(inv, have, stage, suffix, direct=True)) for stage, suffix in UPSTREAM_SUFFIX.items()]
    for stage, sub in firsts:
        if sub is None:
            continue
        parts.append(sub.with_column("stage", [stage] * len(sub)))
        if stage != "well-to-tank":  # the WTT of the energy a T&D (or other upstream) row stands for
            wtt = _upstream_rows(sub, have, "well-to-tank", UPSTREAM_SUFFIX["well-to-tank"], direct=False)
            if wtt is not None:
                parts.append(wtt.with_column("stage", ["well-to-tank"] * len(wtt)))
    return type(inv).concat(parts)


def _upstream_rows(inv: Any, have: set[str], stage: str, suffix: str, *, direct: bool) -> Any:
    """The rows of *inv* whose ``<activity>.<suffix>`` is in *have*, moved to that key in scope 3; None if none.

    A *direct* row keyed with an upstream suffix takes none (an inventory row ``x.td`` is the user's own T&D
    row, not a direct activity); an upstream row takes only another stage (no ``.wtt.wtt``).
    """
    acts: Sequence[str] = inv.activity.categories
    wanted = np.array([(stage_of_key(a) is None if direct else stage_of_key(a) != stage) and f"{a}.{suffix}" in have
                       for a in acts], dtype=bool)
    rows = np.flatnonzero(wanted[inv.activity.codes]) if len(acts) else np.zeros(0, np.int64)
    if not rows.size:
        return None
    sub = inv.take(rows)
    scopes = [int(s) for s in np.array(sub.scope.categories, dtype=object)[sub.scope.codes]]
    cats = np.array(sub.category.categories, dtype=object)[sub.category.codes].tolist()
    sub_acts = np.array(sub.activity.categories, dtype=object)[sub.activity.codes].tolist()
    sub = sub.with_column("activity", [f"{a}.{suffix}" for a in sub_acts])
    sub = sub.with_column("category", [c if s == 3 else SCOPE3_CATEGORY_3 for s, c in zip(scopes, cats)])
    return sub.with_column("scope", [3] * len(rows))
