"""Per key: the number that turns one activity unit into one of its factor's per-unit.

Three kinds of conversion, each computed once per distinct (activity unit,
factor unit) pair the rows use (fuel properties once per factor, a spend once per pair, year and price
year) and gathered onto the kernel's keys:

* **Same dimension**: pint's multiplier (``kWh`` to ``MWh``, ``scf`` to ``Mcf``).
* **Across amounts of fuel**: volume (``m^3``), gas at normal conditions
  (``Nm3``), gas at standard conditions (``scf``), mass and energy are linked
  by the fuel properties of the factor (``density``, ``ncv``, ``gcv``, each
  per mass, volume, ``Nm3`` or ``scf``): a path from the activity's amount to
  the factor's is searched per factor, vectorised over keys.  Energy is two
  nodes, net and gross: a factor's per-energy unit is on its ``energy_basis``,
  an activity in an energy unit is read on that same basis, and net and gross
  meet only through a property on each basis (never a silent ratio; see
  :meth:`neutralcore.FuelProperty.on_basis`).
* **Spend**: a currency meets a currency only through the exchange-rate and
  price-index tables of :mod:`neutralcore.measure.spend`, at the row's year
  and the factor's ``price_year``.

Keys that cannot be converted get NaN and a reason code; the kernel raises only
if a row uses one.
"""

from __future__ import annotations

import functools
from typing import MutableMapping, Sequence

import attrs
import numpy as np

from neutralcore.errors import DimensionError
from neutralcore.measure.factor import FactorSet
from neutralcore.measure.factorvalue import PER_AMOUNTS, Factor, FuelProperty
from neutralcore.measure.rowpass import GridMultipliers, grid_multipliers
from neutralcore.measure.spend import ExchangeRates, PriceIndex
from neutralcore.units import currency_of, dimension_of, multiplier, split_factor_unit

__all__ = ["unit_multipliers", "KeyProblems", "base_of", "property_problem", "properties_used", "property_path",
           "FactorFuel", "factor_fuel", "describe_properties", "NODES", "OK", "NO_FACTOR", "BAD_DIMENSION",
           "NO_PROPERTY", "NO_GWP", "NO_RATE"]

#: The amounts of fuel the kernel bridges, in order; energy is on a net and on a gross basis.
NODES = ("volume", "normal_gas", "standard_gas", "mass", "energy (net)", "energy (gross)")
_NODE_UNITS = ("m^3", "Nm3", "scf", "kg", "TJ", "TJ")
_PER_NODE = {"volume": 0, "normal_gas": 1, "standard_gas": 2, "mass": 3}
_PROPERTY_NODE = {"density": 3, "ncv": 4, "gcv": 5}
_EDGES = tuple((prop, per) for prop in ("density", "ncv", "gcv") for per in PER_AMOUNTS
               if not (prop == "density" and per == "mass"))
_WORDS = {"density": "density", "ncv": "net calorific value", "gcv": "gross calorific value"}

# reasons a key has no coefficient (0 = fine)
OK, NO_FACTOR, BAD_DIMENSION, NO_PROPERTY, NO_GWP, NO_RATE = 0, 1, 2, 3, 4, 5


@functools.lru_cache(maxsize=4096)
def base_of(unit: str) -> int:
    """The node of :data:`NODES` a unit measures (energy: the net node), or -1."""
    dim = dimension_of(unit)
    for i, base in enumerate(_NODE_UNITS[:5]):
        if dim == dimension_of(base):
            return i
    return -1


def _amounts(fs: FactorSet, fidx: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Per factor *fidx*: ``r[:, n]``, the amount in node *n* per amount in node *f* (the factor's) of its fuel.

    Known at the factor's node and spread along each property edge (``to = value x from``) of the factor's
    properties until nothing changes (at most five steps); NaN where the properties give no path.
    """
    k = fidx.shape[0]
    r = np.full((k, len(NODES)), np.nan)
    r[np.arange(k), f] = 1.0
    edges = []
    for prop, per in _EDGES:
        v = fs.property_array(prop, per)[fidx]
        if not np.isnan(v).all():
            edges.append((_PER_NODE[per], _PROPERTY_NODE[prop], v))
    with np.errstate(divide="ignore", invalid="ignore"):
        for _step in range(len(NODES) - 1):
            changed = False
            for lo, hi, v in edges:
                up = np.isnan(r[:, hi]) & ~np.isnan(r[:, lo]) & ~np.isnan(v)
                down = np.isnan(r[:, lo]) & ~np.isnan(r[:, hi]) & ~np.isnan(v)
                if up.any():
                    r[up, hi] = r[up, lo] * v[up]
                    changed = True
                if down.any():
                    r[down, lo] = r[down, hi] / v[down]
                    changed = True
            if not changed:
                break
    return r


def _spend_one(au: str, pu: str, ca: str, cf: str, year: int, price_year: int,
               rates: ExchangeRates | None, prices: PriceIndex | None) -> tuple[float, str | None]:
    head = f"a spend in {au!r} in {year} meets a factor per {pu!r} at {price_year} prices"
    value = 1.0
    if ca != cf:
        if rates is None:
            return np.nan, (f"{head}: converting {ca} to {cf} needs an exchange-rate table; pass "
                            "rates=neutralcore.ExchangeRates.read_csv(...) to emissions()")
        try:
            value *= rates.rate(ca, cf, year)
        except DimensionError as exc:
            return np.nan, f"{head}: {exc.message}"
    if year != price_year:
        if prices is None:
            return np.nan, (f"{head}: converting {year} {cf} to {price_year} prices needs a price-index table; "
                            "pass prices=neutralcore.PriceIndex.read_csv(...) to emissions()")
        try:
            value *= prices.ratio(cf, year, price_year)
        except DimensionError as exc:
            return np.nan, f"{head}: {exc.message}"
    return value, None


class KeyProblems:
    """Why keys got ``NO_RATE``: one message per (unit pair, year, price year) that failed, looked up by key.

    ``problems.get(key)`` is the message of key *key* (``None`` when it has none), as a ``dict`` would give.
    """

    def __init__(self) -> None:
        self._of_key: np.ndarray | None = None
        self._messages: list[str | None] = []

    def _set(self, of_key: np.ndarray, messages: list[str | None]) -> None:
        self._of_key, self._messages = of_key, messages

    def get(self, key: int, default: str | None = None) -> str | None:
        """The message of *key*, else *default*."""
        if self._of_key is None or not 0 <= key < self._of_key.shape[0] or self._of_key[key] < 0:
            return default
        message = self._messages[int(self._of_key[key])]
        return default if message is None else message


def _pair_table(fs: FactorSet, pairs: np.ndarray, n_fu: int, unit_labels: Sequence[str]
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[int, tuple[str, str, str, str]]]:
    """Per (activity unit, factor unit) pair ``u * n_fu + fu`` of *pairs*, then one NaN slot: the multiplier, the
    nodes a fuel-property bridge goes from and to (-1: none needed), and the spend pairs' units and currencies."""
    m = np.ones(len(pairs) + 1)
    m[-1] = np.nan
    node_a = np.full(len(pairs) + 1, -1, dtype=np.int64)  # -1: no bridge needed
    node_f = np.full(len(pairs) + 1, -1, dtype=np.int64)
    money: dict[int, tuple[str, str, str, str]] = {}
    for j, code in enumerate(pairs.tolist()):
        au = unit_labels[code // n_fu]
        pu = split_factor_unit(fs.unit.categories[code % n_fu])[1]
        ca, cf = currency_of(au), currency_of(pu)
        if ca is not None or cf is not None:
            if ca is not None and cf is not None:
                m[j] = multiplier(au, ca) * multiplier(cf, pu)
                money[j] = (au, pu, ca, cf)
            else:
                m[j] = np.nan
            continue
        if dimension_of(au) == dimension_of(pu):
            try:
                m[j] = multiplier(au, pu)
            except DimensionError:  # an offset scale (degC): raised by the kernel only if a row uses it
                m[j] = np.nan
            continue
        ba, bf = base_of(au), base_of(pu)
        if ba < 0 or bf < 0:
            m[j] = np.nan
            continue
        m[j] = multiplier(au, _NODE_UNITS[ba]) * multiplier(_NODE_UNITS[bf], pu)
        node_a[j], node_f[j] = ba, bf
    return m, node_a, node_f, money


def _bridge_amounts(fs: FactorSet, fidx: np.ndarray, need: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For the factors ``fidx[need]`` some bridged key uses: whether each is on a gross basis, and the amount of
    its fuel in every node per amount in its own unit's node (:func:`_amounts`)."""
    gross = np.array([b == "gcv" for b in fs.energy_basis.categories], dtype=bool)
    is_gross = gross[fs.energy_basis.codes[fidx[need]]] if gross.size else np.zeros(need.size, bool)
    return is_gross, _fuel_amounts(fs)[fidx[need]]


def _fuel_amounts(fs: FactorSet) -> np.ndarray:
    """Per factor of *fs*: the amount of its fuel in every node of :data:`NODES` per amount in the node of its own
    unit (its gross energy node on a gross basis), NaN where its properties give no path (:func:`_amounts`);
    worked out once per factor set (read-only).
    """
    def make() -> np.ndarray:
        gross = np.array([b == "gcv" for b in fs.energy_basis.categories], dtype=bool)
        is_gross = gross[fs.energy_basis.codes] if gross.size else np.zeros(len(fs), bool)
        node = np.array([base_of(split_factor_unit(u)[1]) for u in fs.unit.categories], dtype=np.int64)
        f = node[fs.unit.codes] if node.size else np.zeros(len(fs), np.int64)
        amounts = _amounts(fs, np.arange(len(fs)), np.where(f >= 0, f + ((f == 4) & is_gross), 0))
        amounts.setflags(write=False)
        return amounts

    return fs.derived("fuel amounts", make)


def unit_multipliers(
    fs: FactorSet, fidx: np.ndarray, u_k: np.ndarray, unit_labels: Sequence[str], reason: np.ndarray, *,
    years: np.ndarray | None = None, rates: ExchangeRates | None = None, prices: PriceIndex | None = None,
    problems: KeyProblems | MutableMapping[int, str] | None = None, triple: np.ndarray | None = None,
    present: np.ndarray | None = None, grid: int | None = None,
) -> np.ndarray:
    """Per key: the number converting one activity unit to the factor's per-unit.

    *fidx* is each key's factor, *u_k* its activity-unit code into *unit_labels*, *years* its row year (for
    spend).  With *triple* (each key's index into them), *fidx* and *years* are given once per (activity,
    region, year) triple instead, and the work per factor (fuel-property bridges) is done once per triple
    and gathered onto the keys.  *present* (per key, optional) marks the keys some row uses: the conversions
    are looked up for their (activity unit, factor unit) pairs only, and other keys may get NaN.  *grid*: the
    keys are every triple with every unit, key ``t * grid + u`` (the dense key space); with
    ``neutralcore[fast]`` and no spend they are then converted in one compiled loop (the same numbers).

    Each distinct (activity unit, factor unit) pair is converted once (pint), each (pair, year, price year)
    of a spend once; nothing loops in Python per key.  Keys that cannot be converted get NaN and a code in
    *reason* (``BAD_DIMENSION``, ``NO_PROPERTY``, ``NO_RATE``); for ``NO_RATE`` the message is in *problems*
    under the key's index.
    """
    k = u_k.shape[0]
    if k == 0:
        return np.ones(0)
    n_fu = max(len(fs.unit.categories), 1)
    fu_t = fs.unit.codes[fidx].astype(np.int64)
    if grid and triple is not None and present is None:
        loop = grid_multipliers(fidx.shape[0] * grid)
        if loop is not None:
            mult = _on_grid(fs, fidx, fu_t, n_fu, grid, unit_labels, reason, loop)
            if mult is not None:
                return mult
    fu_k = fu_t if triple is None else fu_t[triple]
    pair_code = u_k.astype(np.int64) * n_fu + fu_k
    space = (int(u_k.max()) + 1) * n_fu
    seen = pair_code if present is None else pair_code[present]
    if space <= 1 << 20:  # few units: a dense table instead of a sort
        pairs = np.flatnonzero(np.bincount(seen, minlength=space))
        lookup = np.full(space, pairs.shape[0], dtype=np.int64)  # a pair no present key has: the NaN slot
        lookup[pairs] = np.arange(pairs.shape[0])
        pair_idx = lookup[pair_code]
    else:
        pairs = np.unique(seen)
        pos = np.clip(np.searchsorted(pairs, pair_code), 0, max(pairs.shape[0] - 1, 0))
        pair_idx = np.where(pairs[pos] == pair_code, pos, pairs.shape[0]) if pairs.shape[0] else \
            np.zeros(k, np.int64)
    m, node_a, node_f, money = _pair_table(fs, pairs, n_fu, unit_labels)
    mult = m[pair_idx]
    reason[np.isnan(mult) & (reason == OK)] = BAD_DIMENSION
    na = node_a[pair_idx]
    bridged = np.flatnonzero(na >= 0)
    if bridged.size:
        t_b = bridged if triple is None else triple[bridged]
        n_t = fidx.shape[0]
        need = np.flatnonzero(np.bincount(t_b, minlength=n_t))  # the triples (or keys) some bridged key uses
        is_gross, amounts = _bridge_amounts(fs, fidx, need)
        row = np.zeros(n_t, dtype=np.int64)
        row[need] = np.arange(need.size)
        r_b = row[t_b]
        na_b = na[bridged]
        a = na_b + ((na_b == 4) & is_gross[r_b])  # energy on the factor's basis
        with np.errstate(divide="ignore", invalid="ignore"):
            bridge = 1.0 / amounts.reshape(-1)[r_b * amounts.shape[1] + a]  # amounts[r_b, a], as one 1-D gather
        lost = bridged[np.isnan(bridge)]
        reason[lost[reason[lost] == OK]] = NO_PROPERTY
        mult[bridged] *= bridge
    if money:
        spend_pair = np.zeros(len(pairs) + 1, dtype=bool)
        spend_pair[list(money)] = True
        keys = np.flatnonzero(spend_pair[pair_idx] & (reason == OK) & (True if present is None else present))
        if keys.size:
            t_s = keys if triple is None else triple[keys]
            year = np.zeros(keys.size, dtype=np.int64) if years is None else np.asarray(years, dtype=np.int64)[t_s]
            price_year = fs.price_year[fidx[t_s]].astype(np.int64)
            combos, which = np.unique(np.column_stack([pair_idx[keys], year, price_year]), axis=0,
                                      return_inverse=True)
            which = which.reshape(-1)
            values = np.empty(combos.shape[0])
            messages: list[str | None] = []
            for i, (j, y, py) in enumerate(combos.tolist()):
                values[i], message = _spend_one(*money[j], y, py, rates, prices)
                messages.append(message)
            mult[keys] *= values[which]
            failed = np.array([msg is not None for msg in messages], dtype=bool)
            reason[keys[failed[which]]] = NO_RATE
            if problems is not None and failed.any():
                of_key = np.full(k, -1, dtype=np.int64)
                of_key[keys] = which
                if isinstance(problems, KeyProblems):
                    problems._set(of_key, messages)
                else:
                    for x in keys[failed[which]].tolist():
                        problems[x] = messages[int(of_key[x])]  # type: ignore[assignment]
    return mult


def _on_grid(fs: FactorSet, fidx: np.ndarray, fu_t: np.ndarray, n_fu: int, grid: int, unit_labels: Sequence[str],
             reason: np.ndarray, loop: GridMultipliers) -> np.ndarray | None:
    """:func:`unit_multipliers` of the dense keys ``t * grid + u`` (every triple *t* of *fidx* with every unit) by
    the compiled *loop*, or ``None`` when some pair is a spend (converted by the general path)."""
    used_fu = np.flatnonzero(np.bincount(fu_t, minlength=n_fu))
    pairs = (np.arange(grid, dtype=np.int64)[:, None] * n_fu + used_fu[None, :]).reshape(-1)  # ascending
    m, node_a, node_f, money = _pair_table(fs, pairs, n_fu, unit_labels)
    if money:
        return None
    lookup = np.full(grid * n_fu, pairs.shape[0], dtype=np.int64)  # (unit, factor unit) -> pair; unused: NaN slot
    lookup[pairs] = np.arange(pairs.shape[0])
    by_fu = np.ascontiguousarray(lookup.reshape(grid, n_fu).T)  # [factor unit, unit]
    bridged_fu = (node_a[by_fu] >= 0).any(axis=1)
    need = np.flatnonzero(bridged_fu[fu_t])  # the triples some bridged key uses
    n_t = fidx.shape[0]
    row = np.zeros(n_t, dtype=np.int64)
    gross_t = np.zeros(n_t, dtype=bool)
    amounts = np.ones((1, len(NODES)))
    if need.size:
        is_gross, amounts = _bridge_amounts(fs, fidx, need)
        row[need] = np.arange(need.size)
        gross_t[need] = is_gross
    mult = np.empty(n_t * grid)
    loop(fu_t, by_fu, m, node_a, gross_t, row, np.ascontiguousarray(amounts), reason, mult,
         (OK, BAD_DIMENSION, NO_PROPERTY))
    return mult


def _described(p: FuelProperty | None) -> str | None:
    if p is None:
        return None
    per = {"mass": "mass", "volume": "volume", "normal_gas": "Nm3", "standard_gas": "scf"}[p.per]
    return f"{_WORDS[p.name]} per {per} ({p.value:g} {p.unit}{', pack ' + p.pack if p.pack else ''})"


def property_problem(f: Factor, au: str, pu: str) -> str:
    """Why an activity in *au* cannot reach factor *f*'s per-unit *pu* with the fuel properties *f* has."""
    gross = f.energy_basis == "gcv"
    ba, bf = base_of(au), base_of(pu)
    a = ba + (1 if ba == 4 and gross else 0)
    t = bf + (1 if bf == 4 and gross else 0)
    have = [d for d in (_described(f.density), _described(f.ncv), _described(f.gcv)) if d]
    text = (f"an activity in {au!r} ({NODES[a]}) cannot reach the factor's per-unit {pu!r} ({NODES[t]}) with the "
            f"fuel properties of the factor ({f.activity}, {f.region}, {f.year}): "
            + ("; ".join(have) if have else "it gives none"))
    want = {a, t}
    if want & {4, 5}:
        basis = "net" if want & {4} else "gross"
        other = f.gcv if basis == "net" else f.ncv
        if other is not None and (f.ncv if basis == "net" else f.gcv) is None:
            text += (f". The factor is on a {basis} basis and the fuel has only its "
                     f"{'gross' if basis == 'net' else 'net'} calorific value: converting between the bases needs "
                     "the fuel's NCV/GCV ratio; give the other value, or derive it with "
                     "FuelProperty.on_basis(basis, ratio) (IPCC defaults in neutralcore.measure.factorvalue.NCV_PER_GCV)")
        else:
            text += f"; it needs the fuel's {basis} calorific value (and its density to start from a volume)"
    elif want & {0, 1, 2}:
        text += "; it needs the fuel's density"
    return text + f" (or {au!r} is the wrong unit for this activity)"


def _path(props: tuple[tuple[str, str], ...], a: int, t: int) -> list[tuple[int, int]] | None:
    """The fuel properties (``(name, per)`` each, indexed as in *props*) on the shortest path from node *a* to
    node *t* (breadth first), or ``None``.

    Each with the power it enters the conversion from *a* to *t* with: ``1`` where the path goes from the amount a
    property is per to what it measures (mass to energy by an NCV), ``-1`` the other way.
    """
    edges = [(_PER_NODE[per], _PROPERTY_NODE[name], j) for j, (name, per) in enumerate(props)]
    came: dict[int, tuple[int, int, int] | None] = {a: None}
    frontier = [a]
    while frontier and t not in came:
        nxt = []
        for node in frontier:
            for lo, hi, j in edges:
                for here, there, power in ((lo, hi, 1), (hi, lo, -1)):
                    if here == node and there not in came:
                        came[there] = (node, j, power)
                        nxt.append(there)
        frontier = nxt
    if t not in came:
        return None
    used: list[tuple[int, int]] = []
    node = t
    while came[node] is not None:
        node, j, power = came[node]  # type: ignore[misc]
        used.append((j, power))
    return used[::-1]


@functools.lru_cache(maxsize=8192)
def _path_shape(unit: str, per_unit: str, gross: bool, props: tuple[tuple[str, str], ...]
                ) -> tuple[tuple[int, int], ...]:
    """Which of *props* (``(name, per)`` of a factor's fuel properties) convert *unit* to *per_unit*, by index,
    each with its power: the same for every factor of that kind, so worked out once."""
    if dimension_of(unit) == dimension_of(per_unit) or currency_of(unit) is not None:
        return ()
    ba, bf = base_of(unit), base_of(per_unit)
    if ba < 0 or bf < 0:
        return ()
    g = 1 if gross else 0
    return tuple(_path(props, ba + (g if ba == 4 else 0), bf + (g if bf == 4 else 0)) or ())


@attrs.frozen
class FactorFuel:
    """What converts an activity's unit to one factor's per-unit: its per-unit, whether it is on a gross basis,
    and the fuel properties it has (density, NCV, GCV).  :meth:`paths` gives :func:`property_path`."""

    per_unit: str
    gross: bool
    props: tuple[FuelProperty, ...]
    kinds: tuple[tuple[str, str], ...] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "kinds", tuple((q.name, q.per) for q in self.props))

    def paths(self, units: Sequence[str]) -> list[tuple[tuple[FuelProperty, int], ...]]:
        """:func:`property_path` for each of *units* (each kind of path worked out once, then looked up)."""
        out: list[tuple[tuple[FuelProperty, int], ...]] = []
        for u in units:
            shape = _path_shape(u, self.per_unit, self.gross, self.kinds) if self.props else ()
            out.append(tuple((self.props[j], power) for j, power in shape) if shape else ())
        return out

    def used(self, units: Sequence[str]) -> tuple[FuelProperty, ...]:
        """The distinct properties the conversions of *units* take, in the order their paths first take them."""
        if not self.props:
            return ()
        return tuple(self.props[j] for j in _union_shape(tuple(units), self.per_unit, self.gross, self.kinds))


def factor_fuel(fs: FactorSet, factor: int) -> FactorFuel:
    """The :class:`FactorFuel` of the set's *factor*-th factor, read from the set's columns (no :class:`Factor`
    built: a report over 10,000 factors would otherwise build 10,000, about 15 us each)."""
    pick = lambda c: c.categories[int(c.codes[factor])]  # noqa: E731
    props = tuple(q for q in (pick(fs.density), pick(fs.ncv), pick(fs.gcv)) if q is not None)
    return FactorFuel(_per_unit(pick(fs.unit)), pick(fs.energy_basis) == "gcv", props)


@functools.lru_cache(maxsize=4096)
def _per_unit(unit: str) -> str:
    return split_factor_unit(unit)[1]


@functools.lru_cache(maxsize=8192)
def _union_shape(units: tuple[str, ...], per_unit: str, gross: bool, props: tuple[tuple[str, str], ...]
                 ) -> tuple[int, ...]:
    # the properties (by index) any of *units*' conversions takes, in the order the paths first take them
    return tuple(dict.fromkeys(j for u in units for j, _power in _path_shape(u, per_unit, gross, props)))


def property_path(f: Factor, unit: str) -> tuple[tuple[FuelProperty, int], ...]:
    """The fuel properties that convert an activity in *unit* to factor *f*'s per-unit, each with its power.

    The unit multiplier is proportional to the product of each property's value raised to its power (``1``:
    the path multiplies by it, ``-1``: divides); empty where *unit* converts by itself (the same dimension as
    the per-unit, or a currency) or cannot reach it.

    >>> import neutralcore as nc
    >>> src = nc.Source("IPCC", "2006 GL Vol.2 Tables 1.2 and 1.4", 2006)
    >>> ncv = nc.FuelProperty("ncv", 43.0, "TJ/Gg", src)
    >>> f = nc.Factor("fuel.diesel", "World", 2006, "kg/TJ", {"CO2": 74100}, src, ncv=ncv)
    >>> [(p.name, power) for p, power in property_path(f, "t")]
    [('ncv', 1)]
    >>> property_path(f, "GJ")
    ()
    """
    props = tuple(q for q in (f.density, f.ncv, f.gcv) if q is not None)
    return FactorFuel(f.per_unit, f.energy_basis == "gcv", props).paths([unit])[0]


def properties_used(fs: FactorSet, factor: int, units: Sequence[str]) -> str | None:
    """The fuel properties factor *factor*'s conversion took for rows in *units*, each with its pack.

    Each as ``"ncv 43 TJ/Gg (ipcc)"``: name, value, unit and the pack it was published in; ``None`` where every
    unit converts by itself (the same dimension as the factor's per-unit, or a currency).
    """
    return describe_properties(fs, factor, factor_fuel(fs, factor).used(units))


def describe_properties(fs: FactorSet, factor: int, used: Sequence[FuelProperty]) -> str | None:
    """:func:`properties_used` from the properties :meth:`FactorFuel.used` found."""
    if not used:
        return None
    own = fs.pack.categories[int(fs.pack.codes[factor])]
    return "; ".join(f"{q.name} {q.value:g} {q.unit} ({q.pack or own or 'no pack'})" for q in used)
