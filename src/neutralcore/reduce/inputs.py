"""Checks of the numbers given to scenarios, targets and MAC curves, each raising :class:`~neutralcore.ScenarioError`.

Shared by :mod:`.scenario`, :mod:`.target`, :mod:`.trajectory` and :mod:`.mac`.

Examples
--------
>>> year_of("2030", "target year"), finite("0.25", "reduction")
(2030, 0.25)
>>> interpolate({2020: 1.0, 2030: 0.5}, 2025)
0.75
"""

from __future__ import annotations

import math
from typing import Mapping

import numpy as np

from neutralcore._core.validators import year_int
from neutralcore.errors import NeutralcoreError, ScenarioError

__all__ = ["year_of", "finite", "interpolate"]


def year_of(value: object, what: str) -> int:
    """*value* as a year (an ``int``), or a :class:`ScenarioError` naming *what* it is."""
    try:
        return year_int(value)
    except NeutralcoreError as exc:
        raise ScenarioError(f"{what}: {exc.message}") from exc


def finite(value: object, what: str) -> float:
    """*value* as a finite ``float``, or a :class:`ScenarioError` naming *what* it is."""
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise ScenarioError(f"{what} must be a number, got {value!r}") from exc
    if not math.isfinite(x):
        raise ScenarioError(f"{what} must be finite, got {value!r}")
    return x


def interpolate(points: Mapping[int, float], year: int) -> float:
    """Linear between the *points* ``{year: value}``, flat before the first and after the last."""
    ys = sorted(points)
    if year <= ys[0]:
        return float(points[ys[0]])
    if year >= ys[-1]:
        return float(points[ys[-1]])
    return float(np.interp(year, ys, [points[y] for y in ys]))
