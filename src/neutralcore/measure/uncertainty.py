"""The Monte Carlo draws behind :meth:`Emissions.uncertainty <neutralcore.measure.emissions.Emissions.uncertainty>`.

Two kinds of published 95 % interval are sampled: a factor's own (per gas, :class:`Interval`), and a
fuel property's (net or gross calorific value, density) when a row's unit is converted to the factor's
per-unit through that property.  Each distinct property is drawn once per iteration and the draw is
shared by every key whose conversion uses it (a key's unit multiplier is proportional to the product
of its properties' values, each to the power ``1`` or ``-1``), so rows using the same published value
are fully correlated: the correlation that the Monte Carlo approach of the 2006 IPCC Guidelines (Vol. 1,
Ch. 3, Approach 2) asks to keep where inputs share one parameter (the Guidelines' wording was not re-read for
this module; see docs/measure.md).

Draws keyed by identity
-----------------------
Every quantity sampled has its own random stream, seeded from the *seed* and a SHA-256 of what it is
(:func:`factor_identity`, :func:`property_identity`), never from its position: a factor gas's own
interval by (activity, region, year, unit, source, gas, value, interval), the ``uncertainty``
shorthand by the same with ``gas`` ``None``, a fuel property by (name, value, unit, source, interval).
So equal factor sets give the same result with the same *seed* whatever their order, a set rebuilt
from a lockfile (``FactorSet.from_lock``) gives the draws of the run it locked, and a factor draws the
same numbers in every result that uses it.  The pack is not part of an identity (a lockfile writes it
``name@version``), nor are notes, kind or confidence: they do not change the number drawn.

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

import hashlib
import json
from typing import Any, Callable, Sequence

import attrs
import numpy as np

from neutralcore._core.table import Table
from neutralcore.measure.convert import FactorFuel, factor_fuel
from neutralcore.measure.factor import FactorSet
from neutralcore.measure.factorvalue import DISTRIBUTIONS, Factor, FuelProperty, Interval, Source

__all__ = ["Uncertainty", "PropertyCells", "property_cells", "property_ratios", "property_table", "draw_ratios",
           "triangular_limits", "factor_identity", "property_identity", "keyed_generator", "keyed_ratios"]

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


def draw_ratios(rng: np.random.Generator | Sequence[np.random.Generator], n: int, value: np.ndarray,
                lower: np.ndarray, upper: np.ndarray, dist: np.ndarray) -> np.ndarray:
    """(n, len(value)) draws of each value's distribution divided by the value (0 for a draw below 0).

    *dist* is each value's index into :data:`~neutralcore.measure.factorvalue.DISTRIBUTIONS`; *lower* and
    *upper* are the 2.5th and 97.5th percentiles (see :class:`~neutralcore.measure.factorvalue.Interval`).
    *rng* is one generator for all the columns, or one per column (:func:`keyed_ratios`).
    """
    out = np.ones((n, value.shape[0]))
    per_column = not isinstance(rng, np.random.Generator)

    def draw(cols: np.ndarray, sample: "Callable[[np.random.Generator, Any, Any, Any, Any], np.ndarray]",
             p: np.ndarray, q: np.ndarray, r: np.ndarray) -> np.ndarray:
        if not per_column:
            return sample(rng, p, q, r, (n, cols.size))  # type: ignore[arg-type]
        gens: Sequence[np.random.Generator] = rng  # type: ignore[assignment]
        return np.column_stack([sample(gens[c], p[k], q[k], r[k], n) for k, c in enumerate(cols.tolist())])

    with np.errstate(divide="ignore", invalid="ignore"):
        for code, name in enumerate(DISTRIBUTIONS):
            cols = np.flatnonzero(dist == code)
            if not cols.size:
                continue
            v, lo, hi = value[cols], lower[cols], upper[cols]
            if name == "normal":
                x = draw(cols, lambda g, m, s, _, size: g.normal(m, s, size=size), v, (hi - lo) / (2 * Z_975), v)
            elif name == "lognormal":
                x = np.exp(draw(cols, lambda g, m, s, _, size: g.normal(m, s, size=size),
                                (np.log(lo) + np.log(hi)) / 2, (np.log(hi) - np.log(lo)) / (2 * Z_975), v))
            elif name == "uniform":
                w = (hi - lo) / (1 - 2 * P_TAIL)
                x = draw(cols, lambda g, a, b, _, size: g.uniform(a, b, size=size), lo - P_TAIL * w, hi + P_TAIL * w, v)
            else:
                a, b = triangular_limits(v, lo, hi)
                degenerate = b <= a  # a zero-width interval: the value itself
                x = np.where(degenerate, v, draw(cols, lambda g, a, m, b, size: g.triangular(a, m, b, size=size),
                                                 np.where(degenerate, v - 1, a), np.where(degenerate, v - 0.5, v),
                                                 np.where(degenerate, v, b)))
            out[:, cols] = np.where(v > 0, np.clip(x, 0.0, None) / np.where(v > 0, v, 1.0), 1.0)
    return out


def _source(s: Source) -> list[Any]:
    return [s.publisher, s.document, s.year, s.url, s.note]


def _interval(iv: Interval | None) -> list[Any] | None:
    return None if iv is None else [iv.lower, iv.upper, iv.distribution]


def _digest(parts: list[Any]) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, separators=(",", ":")).encode("utf-8")).hexdigest()


def factor_identity(f: Factor, gas: str | None) -> str:
    """What a factor gas's draws are keyed by: its key, unit, source, value and interval (SHA-256 hex).

    *gas* ``None`` is the factor's ``uncertainty`` shorthand (one draw for the gases it covers).

    >>> src = Source("MONRE/DCC", "Viet Nam grid emission factor 2023", 2024)
    >>> a = Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, src, uncertainty=0.05, pack="vietnam")
    >>> b = Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, src, uncertainty=0.05,
    ...            pack="vietnam@2024.1")
    >>> factor_identity(a, None) == factor_identity(b, None) != factor_identity(a, "CO2")
    True
    """
    if gas is None:
        spread: Any = ["shorthand", f.uncertainty, sorted((g, float(v)) for g, v in f.gases.items())]
    else:
        value = f.gases.get(gas)
        spread = [gas, None if value is None else float(value), _interval(f.intervals.get(gas))]
    return _digest(["factor", f.activity, f.region, f.year, f.unit, _source(f.source), spread])


def property_identity(p: FuelProperty) -> str:
    """What a fuel property's draws are keyed by: its name, value, unit, source and interval (SHA-256 hex)."""
    return _digest(["property", p.name, p.value, p.unit, _source(p.source), _interval(p.interval)])


def keyed_generator(root: np.random.SeedSequence, identity: str) -> np.random.Generator:
    """The random stream of the quantity *identity* names, under the run's *root* seed.

    The identity's SHA-256 is the seed sequence's spawn key, so streams of different identities are
    independent and each depends only on (seed, identity).
    """
    digest = bytes.fromhex(identity) if len(identity) == 64 else hashlib.sha256(identity.encode("utf-8")).digest()
    words = tuple(int.from_bytes(digest[i:i + 4], "little") for i in range(0, 32, 4))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(root.entropy, spawn_key=words)))


def keyed_ratios(root: np.random.SeedSequence, identities: Sequence[str], n: int, value: np.ndarray,
                 lower: np.ndarray, upper: np.ndarray, dist: np.ndarray) -> np.ndarray:
    """:func:`draw_ratios`, each column drawn from its own identity's stream (:func:`keyed_generator`).

    Columns of equal identity get equal draws; the result does not depend on the columns' order.
    """
    return draw_ratios([keyed_generator(root, identity) for identity in identities], n, value, lower, upper, dist)


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
    fuels: dict[int, FactorFuel] = {}

    def fuel_of(f: int) -> FactorFuel:  # each factor's fuel read once from the set's columns
        hit = fuels.get(f)
        if hit is None:
            hit = fuels[f] = factor_fuel(fs, f)
        return hit

    cell_of_key = np.zeros(len(key_factor), dtype=np.int64)
    for k, (f, unit) in enumerate(zip(key_factor.tolist(), key_unit)):
        if unit is None:
            continue
        hit = memo.get((f, unit))
        if hit is None:
            signature = tuple(sorted(
                (index.setdefault(p, len(index)), power)
                for p, power in fuel_of(f).paths([unit])[0] if p.interval is not None))
            hit = memo[(f, unit)] = cells.setdefault(signature, len(cells))
        cell_of_key[k] = hit
    powers = np.zeros((len(cells), len(index)), dtype=np.int64)
    for signature, c in cells.items():
        for j, power in signature:
            powers[c, j] += power
    return PropertyCells(cell_of_key=cell_of_key, powers=powers,
                         properties=tuple(index))


def property_ratios(cells: PropertyCells, root: np.random.SeedSequence, n: int) -> np.ndarray:
    """(n, cells) draws of each cell's unit multiplier divided by its value: one draw per property, shared.

    Each property draws from its own stream (:func:`property_identity`, :func:`keyed_generator`).
    """
    props = cells.properties
    if not props:
        return np.ones((n, cells.powers.shape[0]))
    value = np.array([p.value for p in props])
    lower = np.array([p.interval.lower for p in props if p.interval is not None])
    upper = np.array([p.interval.upper for p in props if p.interval is not None])
    dist = np.array([DISTRIBUTIONS.index(p.interval.distribution) for p in props if p.interval is not None])
    ids = [property_identity(p) for p in props]
    logs = np.log(np.clip(keyed_ratios(root, ids, n, value, lower, upper, dist), 1e-300, None))
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
