"""The Monte Carlo draws behind :meth:`Emissions.uncertainty <neutralcore.measure.emissions.Emissions.uncertainty>`.

Two kinds of published 95 % interval are sampled: a factor's own (per gas, :class:`Interval`), and a
fuel property's (net or gross calorific value, density) when a row's unit is converted to the factor's
per-unit through that property.  Each distinct property is drawn once per iteration and the draw is
shared by every key whose conversion uses it (a key's unit multiplier is proportional to the product
of its properties' values, each to the power ``1`` or ``-1``), so rows using the same published value
are fully correlated: the correlation that the Monte Carlo approach of the 2006 IPCC Guidelines (Vol. 1,
Ch. 3, Approach 2) asks to keep where inputs share one parameter (the Guidelines' wording was not re-read for
this module; see docs/measure.md).

Examples
--------
Diesel bought by mass, converted to energy by an NCV with an illustrative normal 95 % interval of
41 to 45 TJ/Gg (value 43): 1 t is 0.043 TJ, x 74,100 kg/TJ = 3.1863 t CO2, and its 95 % range is
the NCV's range times 74.1 t/TJ x 0.001 Gg = 3.0381 to 3.3345 t.

>>> import neutralcore as nc
>>> from neutralcore.measure.factorvalue import Interval
>>> src = nc.Source("illustration", "a stated interval, not a published one", 2024)
>>> ncv = nc.FuelProperty("ncv", 43.0, "TJ/Gg", src, interval=Interval(41.0, 45.0))
>>> f = nc.Factor("fuel.diesel", "World", 2006, "kg/TJ", {"CO2": 74100}, src, ncv=ncv)
>>> res = nc.Inventory([nc.Activity("fuel.diesel", 1, "t", region="World", year=2006, scope=1)]).emissions(
...     nc.FactorSet.from_factors([f]))
>>> u = res.uncertainty(200_000, seed=1)
>>> round(u.total, 4), round(u.low, 2), round(u.high, 2), u.properties["property"]
(3.1863, 3.04, 3.33, ['ncv'])
"""

from __future__ import annotations

from typing import Sequence

import attrs
import numpy as np

from neutralcore._core.table import Table
from neutralcore.measure.convert import property_path
from neutralcore.measure.factor import FactorSet
from neutralcore.measure.factorvalue import DISTRIBUTIONS, FuelProperty

__all__ = ["Uncertainty", "PropertyCells", "property_cells", "property_ratios", "property_table", "draw_ratios",
           "triangular_limits"]

P_TAIL = 0.025  # each tail outside a 95 % interval
Z_975 = 1.959963984540054  # the standard normal's 97.5th percentile


@attrs.frozen
class Uncertainty:
    """Result of :meth:`Emissions.uncertainty`: the 95 % range of the total (t CO2e).

    ``share_without`` and ``without`` are the (factor, gas) lines whose factor value has no published
    uncertainty (the value is held fixed; a fuel property of its conversion may still be sampled);
    ``properties`` lists the fuel properties whose published interval was sampled, with the t CO2e
    whose conversion uses each.
    """

    total: float
    mean: float
    median: float
    low: float
    high: float
    iterations: int
    share_without: float
    #: the (factor, gas) lines without a published uncertainty and the t CO2e each carries
    without: Table = attrs.field(factory=lambda: Table({}), eq=False, kw_only=True)
    #: the fuel properties (NCV, GCV, density) whose published interval was sampled, and the t CO2e using each
    properties: Table = attrs.field(factory=lambda: Table({}), eq=False, kw_only=True)

    @property
    def relative(self) -> tuple[float, float]:
        """(low, high) as fractions of the total, e.g. (-0.05, +0.05)."""
        return (self.low / self.total - 1.0, self.high / self.total - 1.0) if self.total else (0.0, 0.0)

    def __str__(self) -> str:
        lo, hi = self.relative
        n_props = len(self.properties)
        props = (f"; {n_props} fuel propert{'y' if n_props == 1 else 'ies'} sampled (see .properties)"
                 if n_props else "")
        return (f"{self.total:,.3f} t CO2e, 95 % range {self.low:,.3f} to {self.high:,.3f} ({lo:+.1%} / {hi:+.1%}) "
                f"from {self.iterations:,} draws; {self.share_without:.0%} of the total ({len(self.without)} factor-gas "
                f"line(s)) has no published uncertainty" + (": see .without" if len(self.without) else "") + props)


def triangular_limits(mode: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The limits (a, b) of triangular distributions with *mode* whose 2.5th and 97.5th percentiles are *lower*, *upper*.

    Solves lower = a + sqrt(p (b - a)(mode - a)) and upper = b - sqrt(p (b - a)(b - mode)), p = 0.025,
    by fixed-point iteration (a contraction: sqrt(p) < 0.16), vectorised.

    >>> a, b = triangular_limits(np.array([1.0]), np.array([0.5]), np.array([1.5]))
    >>> [round(float(a[0]), 6), round(float(b[0]), 6)]  # 1 -/+ 0.5 / (1 - sqrt(0.05))
    [0.355996, 1.644004]
    """
    width = upper - lower
    a, b = lower - 0.1 * width, upper + 0.1 * width  # off the trivial fixed point a = mode when lower = mode
    for _ in range(200):
        a_new = lower - np.sqrt(P_TAIL * (b - a) * np.clip(mode - a, 0.0, None))
        b_new = upper + np.sqrt(P_TAIL * (b - a) * np.clip(b - mode, 0.0, None))
        done = np.allclose(a_new, a, rtol=0, atol=1e-13 * max(1.0, float(np.abs(upper).max(initial=0.0)))) and \
            np.allclose(b_new, b, rtol=0, atol=1e-13 * max(1.0, float(np.abs(upper).max(initial=0.0))))
        a, b = a_new, b_new
        if done:
            break
    return a, b


def draw_ratios(rng: np.random.Generator, n: int, value: np.ndarray, lower: np.ndarray, upper: np.ndarray,
                dist: np.ndarray) -> np.ndarray:
    """(n, len(value)) draws of each value's distribution divided by the value (0 for a draw below 0).

    *dist* is each value's index into :data:`~neutralcore.measure.factorvalue.DISTRIBUTIONS`; *lower* and
    *upper* are the 2.5th and 97.5th percentiles (see :class:`~neutralcore.measure.factorvalue.Interval`).
    """
    out = np.ones((n, value.shape[0]))
    with np.errstate(divide="ignore", invalid="ignore"):
        for code, name in enumerate(DISTRIBUTIONS):
            cols = np.flatnonzero(dist == code)
            if not cols.size:
                continue
            v, lo, hi = value[cols], lower[cols], upper[cols]
            size = (n, cols.size)
            if name == "normal":
                x = rng.normal(v, (hi - lo) / (2 * Z_975), size=size)
            elif name == "lognormal":
                x = np.exp(rng.normal((np.log(lo) + np.log(hi)) / 2, (np.log(hi) - np.log(lo)) / (2 * Z_975), size=size))
            elif name == "uniform":
                w = (hi - lo) / (1 - 2 * P_TAIL)
                x = rng.uniform(lo - P_TAIL * w, hi + P_TAIL * w, size=size)
            else:
                a, b = triangular_limits(v, lo, hi)
                degenerate = b <= a  # a zero-width interval: the value itself
                x = np.where(degenerate, v, rng.triangular(np.where(degenerate, v - 1, a), np.where(degenerate, v - 0.5, v),
                                                           np.where(degenerate, v, b), size=size))
            out[:, cols] = np.where(v > 0, np.clip(x, 0.0, None) / np.where(v > 0, v, 1.0), 1.0)
    return out


@attrs.frozen
class PropertyCells:
    """Which sampled fuel properties each key's unit conversion uses.

    Keys using the same properties with the same powers share a *cell*; cell 0 uses none.
    """

    #: per key, its cell
    cell_of_key: np.ndarray
    #: (cells, properties): the power (1, -1 or 0) each property's value enters a cell's unit multiplier with
    powers: np.ndarray
    #: the distinct fuel properties with a published interval that some key's conversion uses
    properties: tuple[FuelProperty, ...]


def property_cells(fs: FactorSet, key_factor: np.ndarray, key_unit: Sequence[str | None]) -> PropertyCells:
    """The cells of the keys whose factor (*key_factor*, into *fs*) is reached from *key_unit* through a property
    with a published interval.

    A property is one published value, as the factor set holds it: equal name, value, unit, source, pack and
    interval (:class:`~neutralcore.FuelProperty` equality).  Keys of different activities bridged by the same
    published NCV (a fuel's four sectors) share its draw.
    """
    index: dict[FuelProperty, int] = {}
    cells: dict[tuple[tuple[int, int], ...], int] = {(): 0}
    memo: dict[tuple[int, str], int] = {}
    cell_of_key = np.zeros(len(key_factor), dtype=np.int64)
    for k, (f, unit) in enumerate(zip(key_factor.tolist(), key_unit)):
        if unit is None:
            continue
        hit = memo.get((f, unit))
        if hit is None:
            signature = tuple(sorted(
                (index.setdefault(p, len(index)), power)
                for p, power in property_path(fs.factor(f), unit) if p.interval is not None))
            hit = memo[(f, unit)] = cells.setdefault(signature, len(cells))
        cell_of_key[k] = hit
    powers = np.zeros((len(cells), len(index)), dtype=np.int64)
    for signature, c in cells.items():
        for j, power in signature:
            powers[c, j] += power
    return PropertyCells(cell_of_key=cell_of_key, powers=powers,
                         properties=tuple(index))


def property_ratios(cells: PropertyCells, rng: np.random.Generator, n: int) -> np.ndarray:
    """(n, cells) draws of each cell's unit multiplier divided by its value: one draw per property, shared."""
    props = cells.properties
    if not props:
        return np.ones((n, cells.powers.shape[0]))
    value = np.array([p.value for p in props])
    lower = np.array([p.interval.lower for p in props if p.interval is not None])
    upper = np.array([p.interval.upper for p in props if p.interval is not None])
    dist = np.array([DISTRIBUTIONS.index(p.interval.distribution) for p in props if p.interval is not None])
    logs = np.log(np.clip(draw_ratios(rng, n, value, lower, upper, dist), 1e-300, None))
    return np.exp(logs @ cells.powers.T.astype(float))


def property_table(cells: PropertyCells, co2e_per_cell: np.ndarray) -> Table:
    """The sampled properties and the t CO2e of the keys whose conversion uses each."""
    props = cells.properties
    using = np.abs(cells.powers) > 0
    return Table(
        {"property": [p.name for p in props], "value": np.array([p.value for p in props], dtype=float),
         "unit": [p.unit for p in props],
         "lower": np.array([p.interval.lower for p in props if p.interval is not None], dtype=float),
         "upper": np.array([p.interval.upper for p in props if p.interval is not None], dtype=float),
         "distribution": [p.interval.distribution for p in props if p.interval is not None],
         "pack": [p.pack for p in props], "notes": [p.notes for p in props],
         "co2e_t": np.array([float(co2e_per_cell[using[:, j]].sum()) for j in range(len(props))], dtype=float)},
        title="Fuel properties sampled (t CO2e of the rows converted through each)",
    )
