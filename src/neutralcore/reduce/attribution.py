"""Why a footprint changed: :func:`attribute` splits the change between two results into its effects (LMDI).

Each group ``g`` (by default one activity in one region with one unit) and gas
``k`` has emissions ``E = A x f x w``: activity ``A`` (units of the activity),
factor ``f`` (t of the gas per unit, the group's average) and GWP ``w``.  The
additive logarithmic mean Divisia index (LMDI-I; Ang, "The LMDI approach to
decomposition analysis: a practical guide", Energy Policy 33 (2005) 867–871)
gives, with ``L(a, b) = (a - b) / (ln a - ln b)`` (and ``L(a, a) = a``)::

    ΔE_activity = Σ L(E1, E0) ln(A1 / A0)
    ΔE_factor   = Σ L(E1, E0) ln(f1 / f0)
    ΔE_gwp      = Σ L(E1, E0) ln(w1 / w0)

summed over every (group, gas) present in both results; they add up to
``E1 - E0`` exactly (no residual), since ``ln(A1 f1 w1 / A0 f0 w0) = ln(E1 / E0)``.
A group or gas present in one result only (an acquired site, a new source, a
dropped one) has no logarithm: its whole change is the **boundary** effect.
Scope 2 market-based results decompose the same way (their per-key rates are
the factors).

Comparing one inventory under two factor versions, the factor effect is the
revision; ``threshold`` (default 5 %, the base-year recalculation policy's)
flags a revision whose effect reaches it — GHG Protocol Corporate Standard
(2004) ch. 5 recalculates the base year for changes in emission factors that
are significant.

Examples
--------
Viet Nam grid electricity, 1,000 MWh at 0.6766 t/MWh (2022) and 1,200 MWh at 0.6592 t/MWh (2023):

>>> import neutralcore as nc
>>> src = nc.Source("MONRE/DCC", "Viet Nam grid emission factors", 2024)
>>> fs = nc.FactorSet.from_factors([nc.Factor("electricity.grid", "VN", 2022, "t/MWh", {"CO2": 0.6766}, src),
...                                 nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, src)])
>>> year = lambda q, y: nc.Inventory([nc.Activity("electricity.grid", q, "MWh", region="VN", year=y, scope=2)])
>>> a = attribute(year(1_000, 2022).emissions(fs), year(1_200, 2023).emissions(fs))
>>> round(a.change, 2), round(a.activity, 2), round(a.factor, 2), a.gwp, a.boundary
(114.44, 133.52, -19.08, 0.0, 0.0)
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import attrs
import numpy as np

from neutralcore._core.table import Table
from neutralcore.errors import InputError
from neutralcore.gwp import gwp_vector
from neutralcore.measure.emissions import Emissions

__all__ = ["Attribution", "attribute", "logmean"]

_EFFECTS = ("activity", "factor", "gwp", "boundary")


def logmean(a: float, b: float) -> float:
    """The logarithmic mean ``(a - b) / (ln a - ln b)``; ``a`` when ``a == b``.

    >>> round(logmean(791.04, 676.6), 4)
    732.3303
    """
    if a <= 0 or b <= 0:
        raise InputError(f"the logarithmic mean needs positive values, got {a!r} and {b!r}", column="emissions")
    if math.isclose(a, b, rel_tol=1e-12):
        return (a + b) / 2.0
    return (a - b) / (math.log(a) - math.log(b))


def _groups(em: Emissions, dims: tuple[str, ...]) -> dict[tuple[Any, ...], tuple[float, dict[str, float], str]]:
    """Per group: the activity quantity, t of each gas, and the unit."""
    keys = em.keys()
    labels = {"activity": keys.activity, "region": keys.region, "unit": keys.unit}
    for d in dims:
        if d not in labels:
            raise InputError(f"attribute() groups by activity, region and unit; got {d!r}", column="by")
    out: dict[tuple[Any, ...], tuple[float, dict[str, float], str]] = {}
    mass = keys.quantity[:, None] * keys.rates if len(keys) else np.zeros((0, len(em.gases)))
    for i in range(len(keys)):
        g = tuple(labels[d][i] for d in dims)
        q, gas, unit = out.get(g, (0.0, {}, str(keys.unit[i])))
        if str(keys.unit[i]) != unit:
            raise InputError(f"group {g} has rows in {unit!r} and {keys.unit[i]!r}: group by unit too",
                             column="unit")
        for j, name in enumerate(em.gases):
            gas[name] = gas.get(name, 0.0) + float(mass[i, j])
        out[g] = (q + float(keys.quantity[i]), gas, unit)
    return out


@attrs.frozen
class Attribution:
    """The change between two results split into activity, factor, GWP/method and boundary effects (t CO2e).

    Attributes
    ----------
    before, after : float
        Totals, t CO2e.
    activity, factor, gwp, boundary : float
        The effects, t CO2e; they add up to ``after - before``.
    groups : Table
        One row per group: its labels, ``before_t``, ``after_t``, ``change_t`` and each effect.
    flags : tuple of str
        Findings for the report (a factor revision reaching the threshold).
    """

    before: float
    after: float
    activity: float
    factor: float
    gwp: float
    boundary: float
    groups: Table = attrs.field(repr=False)
    flags: tuple[str, ...] = ()

    @property
    def change(self) -> float:
        """``after - before``, t CO2e."""
        return self.after - self.before

    def table(self) -> Table:
        """The bridge: before, each effect, after (t CO2e)."""
        return Table({"step": ["before", *(f"{e} effect" for e in _EFFECTS), "after"],
                      "t_co2e": [self.before, self.activity, self.factor, self.gwp, self.boundary, self.after]},
                     title="Change attribution (LMDI additive, t CO2e)")

    def __repr__(self) -> str:
        return self.table().to_text(notes=self.flags)


def attribute(before: Emissions, after: Emissions, *, by: Sequence[str] = ("activity", "region", "unit"),
              threshold: float = 0.05) -> Attribution:
    """Split ``after.total() - before.total()`` into activity, factor, GWP/method and boundary effects.

    Parameters
    ----------
    before, after : Emissions
        Two years, or one inventory under two factor versions or GWP sets.
    by : sequence of {"activity", "region", "unit"}
        The groups; each needs one unit.
    threshold : float
        Flag a factor effect of at least this share of *before* (the base-year significance threshold).

    Raises
    ------
    InputError
        Not two :class:`Emissions`; a group mixing units; a bad threshold.
    """
    for name, em in (("before", before), ("after", after)):
        if not isinstance(em, Emissions):
            raise InputError(f"attribute() needs two Emissions; {name} is a {type(em).__name__}", column=name)
    if not (isinstance(threshold, (int, float)) and 0 < threshold < 1):
        raise InputError(f"threshold {threshold!r} must be a fraction between 0 and 1", column="threshold")
    dims = tuple(by)
    g0, g1 = _groups(before, dims), _groups(after, dims)
    w0 = dict(zip(before.gases, gwp_vector(list(before.gases), before.gwp))) if before.gases else {}
    w1 = dict(zip(after.gases, gwp_vector(list(after.gases), after.gwp))) if after.gases else {}
    rows: list[dict[str, Any]] = []
    total = {e: 0.0 for e in _EFFECTS}
    for g in sorted(set(g0) | set(g1), key=lambda k: tuple("" if x is None else str(x) for x in k)):
        q0, m0, _ = g0.get(g, (0.0, {}, ""))
        q1, m1, _ = g1.get(g, (0.0, {}, ""))
        eff = {e: 0.0 for e in _EFFECTS}
        e0_sum = e1_sum = 0.0
        for gas in sorted(set(m0) | set(m1)):
            e0 = m0.get(gas, 0.0) * float(w0.get(gas, 0.0))
            e1 = m1.get(gas, 0.0) * float(w1.get(gas, 0.0))
            e0_sum += e0
            e1_sum += e1
            if e0 > 0 and e1 > 0 and q0 > 0 and q1 > 0:
                lm = logmean(e1, e0)
                f0, f1 = m0[gas] / q0, m1[gas] / q1
                eff["activity"] += lm * math.log(q1 / q0)
                eff["factor"] += lm * math.log(f1 / f0)
                eff["gwp"] += lm * math.log(float(w1[gas]) / float(w0[gas]))
            else:
                eff["boundary"] += e1 - e0
        for e in _EFFECTS:
            total[e] += eff[e]
        rows.append({**dict(zip(dims, g)), "before_t": e0_sum, "after_t": e1_sum, "change_t": e1_sum - e0_sum,
                     **{f"{e}_t": eff[e] for e in _EFFECTS}})
    cols = (*dims, "before_t", "after_t", "change_t", *(f"{e}_t" for e in _EFFECTS))
    table = Table({c: [r[c] for r in rows] for c in cols}, title="Change attribution by group (LMDI, t CO2e)")
    b, a = before.total(), after.total()
    flags = []
    if b > 0 and abs(total["factor"]) / b >= threshold - 1e-12:
        flags.append(f"the factor effect {total['factor']:+,.2f} t is {abs(total['factor']) / b:.1%} of {b:,.2f} t, at "
                     f"or above the {threshold:.0%} significance threshold: if the factors were revised (not a new "
                     "year's factors), recalculate the base year (GHG Protocol Corporate Standard 2004, ch. 5)")
    return Attribution(b, a, total["activity"], total["factor"], total["gwp"], total["boundary"], table, tuple(flags))
