"""Reduction levers: the plugin contract, their parameters and their costs.

(Just over 600 lines: the ``Lever`` protocol, its outcome and cost types and the views they share.)

A lever is a change a reporting organisation can make (rooftop solar, an
efficiency programme, a fuel switch, a renewable-electricity contract, carbon
capture, tree planting).  Levers are code, discovered through the entry-point
group ``neutralcore.levers``; the built-ins in :mod:`neutralcore.plugins.levers`
are registered the same way a third party's are.

The contract
------------
A lever is a **frozen attrs class** that subclasses :class:`Lever`:

* ``kind`` (class attribute): the registry name, e.g. ``"rooftop-solar"``;
  ``description`` (class attribute): one sentence for listings.
* Its **parameters** are attrs fields declared with :func:`parameter`, which
  records their unit (``"kWp"``, ``"kWh/kWp/yr"``, ``"1"`` for a fraction);
  :attr:`Lever.parameters` lists them with their values.  Validators reject bad
  values (negative capacity, a rate above 100 %) with :class:`~neutralcore.LeverError`
  when the lever is built.
* ``row_independent`` (class attribute, default ``False``): set it to ``True``
  when ``apply`` and the records treat rows that agree on every column alike,
  are linear in quantity and depend only on the rows the lever changes or
  captures from; scenarios and MAC curves then sum such rows first (far
  fewer rows, the same figures), and a MAC curve re-measures the lever only
  after a lever that touched the same rows.
* ``name`` (keyword, default ``kind``) labels one configured lever; ``costs``
  (keyword, a :class:`Costs`) feeds MAC curves.
* ``apply(inventory, year) -> Inventory`` returns the **changed activities**:
  changed quantities and/or new rows (a fuel switch adds rows of the new fuel).
  It never mutates its input (inventories are immutable) and raises
  :class:`~neutralcore.LeverError` when nothing in the inventory is something
  the lever can act on.  *year* is the year the inventory describes.
* Effects that are **not** a change of activity are returned as separate,
  non-negative records, never folded into the inventory:

  - ``instruments(inventory, year)``: :class:`~neutralcore.ContractualInstrument`
    objects, which act on the market-based scope 2 figure only;
  - ``captures(inventory, year)``: :class:`Capture` records (a capture rate on
    chosen scope 1 rows), subtracted from scope 1 CO2 and reported as captured;
  - ``removals(inventory, year)``: :class:`Removal` records (t CO2/yr removed
    inside the boundary), reported **beside** emissions and never netted.

  Each defaults to none.  :meth:`Lever.outcome` bundles all four into an
  :class:`Outcome`, which is what scenarios and MAC curves chain.

A third-party lever is written the same way and published with::

    [project.entry-points."neutralcore.levers"]
    night-shift = "acme_levers:NightShift"

The entry point names a configured lever instance or a :class:`LeverSet`; a
parametrised lever kind is published as ``LeverSet.of(NightShift)``, which the
user calls with the parameters (``registry.load("levers", "night-shift")(0.2)``).

Examples
--------
>>> import attrs, neutralcore as nc
>>> @attrs.frozen
... class Dimmer(nc.Lever):
...     kind = "dimmer"
...     description = "Dims the lights."
...     cut: float = nc.levers.parameter("1", "share of electricity saved", validator=nc.levers.fraction)
...     def apply(self, inventory, year):
...         m = self.require(inventory, inventory.mask(activity="electricity"), "electricity")
...         return inventory.with_quantity(inventory.quantity * (1 - self.cut * m))
>>> Dimmer(0.1).parameters[0].unit
'1'
"""

from __future__ import annotations

import math
import weakref
from typing import Any, Callable, ClassVar, Iterable, Iterator, Mapping, Sequence, Union

import attrs
import numpy as np

from neutralcore._core.validators import FrozenMap, activity_key, optional_str, year_int
from neutralcore._core.display import view_html
from neutralcore.errors import LeverError, NeutralcoreError
from neutralcore.measure.emissions import Emissions
from neutralcore.measure.factor import Source
from neutralcore.measure.inventory import Inventory
from neutralcore.measure.scope2 import ContractualInstrument
from neutralcore.units import multiplier, parse_unit

__all__ = [
    "Lever",
    "LeverSet",
    "Parameter",
    "Costs",
    "Price",
    "Capture",
    "Removal",
    "Outcome",
    "parameter",
    "labels",
    "activity_keys",
    "fraction",
    "nonnegative",
    "positive",
    "crf",
]


# -- validators (each raises LeverError naming the field) --------------------------


def _number(inst: object, attr: "attrs.Attribute[Any]", value: object) -> float:
    try:
        x = float(value)  # type: ignore[arg-type]  # a non-number is a LeverError below
    except (TypeError, ValueError):
        raise LeverError(f"{type(inst).__name__}.{attr.name} must be a number, got {value!r}", field=attr.name) from None
    if not math.isfinite(x):
        raise LeverError(f"{type(inst).__name__}.{attr.name} must be finite, got {value!r}", field=attr.name)
    return x


def fraction(inst: object, attr: "attrs.Attribute[Any]", value: object) -> None:
    """Validator: a share between 0 and 1 (0.15 means 15 %)."""
    x = _number(inst, attr, value)
    if x < 0 or x > 1:
        hint = f" (give a fraction: {x / 100:g} for {x:g} %)" if 1 < x <= 100 else ""
        raise LeverError(
            f"{type(inst).__name__}.{attr.name} = {value!r} is outside 0-100 %{hint}", field=attr.name, value=value
        )


def nonnegative(inst: object, attr: "attrs.Attribute[Any]", value: object) -> None:
    """Validator: a finite number >= 0."""
    if _number(inst, attr, value) < 0:
        raise LeverError(f"{type(inst).__name__}.{attr.name} must not be negative, got {value!r}", field=attr.name, value=value)


def positive(inst: object, attr: "attrs.Attribute[Any]", value: object) -> None:
    """Validator: a finite number > 0."""
    if _number(inst, attr, value) <= 0:
        raise LeverError(f"{type(inst).__name__}.{attr.name} must be positive, got {value!r}", field=attr.name, value=value)


def _to_float(value: Any) -> Any:
    try:
        return float(value)
    except (TypeError, ValueError):
        return value  # the validator names the field


def parameter(unit: str, doc: str, *, default: Any = attrs.NOTHING, validator: Any = None, kw_only: bool = False) -> Any:
    """Declare a numeric lever parameter with its *unit* and a one-line *doc*.

    The value is converted to ``float``; *validator* (e.g. :func:`fraction`,
    :func:`nonnegative`) runs on the converted value.
    """
    return attrs.field(
        default=default, converter=_to_float, validator=validator, kw_only=kw_only,
        metadata={"unit": unit, "doc": doc},
    )


def labels(value: str | Iterable[str] | None) -> tuple[str, ...] | None:
    """Converter for a lever's selection (sites): ``None``, one label or several -> a tuple of labels or ``None``.

    >>> labels("plant-1"), labels(["a", "b"]), labels(None)
    (('plant-1',), ('a', 'b'), None)
    """
    if value is None:
        return None
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def activity_keys(value: str | Iterable[str] | None) -> tuple[str, ...] | None:
    """Converter like :func:`labels` for activity keys, each normalised; a bad key is a :class:`LeverError`.

    >>> activity_keys(["fuel.diesel", "electricity"])
    ('fuel.diesel', 'electricity')
    """
    sel = labels(value)
    if sel is None:
        return None
    try:
        return tuple(activity_key(a) for a in sel)
    except NeutralcoreError as exc:
        raise LeverError(exc.message) from exc


# -- parameters and costs ----------------------------------------------------------


@attrs.frozen
class Parameter:
    """One parameter of a configured lever: name, value, unit and what it means."""

    name: str
    value: float | None
    unit: str
    doc: str

    def __str__(self) -> str:
        return f"{self.name} = {self.value:g} {self.unit}" if isinstance(self.value, float) else f"{self.name} = {self.value!r}"


def crf(rate: float, years: int) -> float:
    """Capital recovery factor ``r(1+r)^n / ((1+r)^n - 1)``; ``1/n`` when ``r == 0``.

    >>> round(crf(0.08, 10), 6)
    0.149029
    """
    r = float(rate)
    n = int(years)
    if not math.isfinite(r) or r <= -1:
        raise LeverError(f"discount rate {rate!r} must be above -100 %", value=rate)
    if n < 1:
        raise LeverError(f"lifetime {years!r} must be at least one year", value=years)
    if r == 0:
        return 1.0 / n
    g = (1.0 + r) ** n
    return r * g / (g - 1.0)


@attrs.frozen
class Price:
    """A price per unit of an activity, e.g. ``Price(100, "MWh")`` = 100 per MWh."""

    value: float = attrs.field(converter=_to_float, validator=nonnegative)
    per: str = attrs.field()

    @per.validator
    def _check_per(self, _a: Any, unit: str) -> None:
        try:
            parse_unit(unit)
        except Exception as exc:
            raise LeverError(f"price unit {unit!r}: {exc}", field="per") from None


def _prices(value: Any) -> Mapping[str, Price]:
    out: dict[str, Price] = {}
    for act, p in (value or {}).items():
        key = activity_keys(act)[0]  # type: ignore[index]
        if isinstance(p, Price):
            out[key] = p
        elif isinstance(p, (tuple, list)) and len(p) == 2:
            out[key] = Price(p[0], p[1])
        else:
            raise LeverError(f"price of {act!r} must be Price(value, unit) or (value, unit), got {p!r}", field="prices")
    return FrozenMap(out)


@attrs.frozen
class Costs:
    """What a lever costs, for MAC curves.

    Parameters
    ----------
    capex : float
        Up-front investment (currency), >= 0.
    lifetime : int
        Economic lifetime in years, >= 1; annualised with the capital recovery factor.
    opex_delta : float
        Change in annual operating cost (currency/yr; negative if it falls).
    savings : float
        Fixed annual savings (currency/yr) not captured by *prices*.
    prices : mapping, optional
        ``{activity: Price(value, unit)}`` (or ``(value, unit)``).  The MAC curve
        adds ``price x (quantity before - quantity after)`` for each priced
        activity, so a fuel switch is charged for the new fuel it buys.
    currency : str
        A label, e.g. ``"USD"``.

    Examples
    --------
    >>> c = Costs(capex=100_000, lifetime=10, savings=50_000)
    >>> round(c.annualised_capex(0.08), 2)
    14902.95
    """

    capex: float = attrs.field(converter=_to_float, validator=nonnegative)
    lifetime: int = attrs.field()
    opex_delta: float = attrs.field(default=0.0, converter=_to_float)
    savings: float = attrs.field(default=0.0, converter=_to_float)
    prices: Mapping[str, Price] = attrs.field(factory=dict, converter=_prices)
    currency: str = attrs.field(default="USD")

    @lifetime.validator
    def _check_lifetime(self, _a: Any, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise LeverError(f"Costs.lifetime must be a whole number of years >= 1, got {value!r}", field="lifetime")

    @opex_delta.validator
    def _check_opex(self, attr: Any, value: Any) -> None:
        _number(self, attr, value)

    @savings.validator
    def _check_savings(self, attr: Any, value: Any) -> None:
        _number(self, attr, value)

    def annualised_capex(self, discount_rate: float) -> float:
        """``capex x CRF(discount_rate, lifetime)``."""
        return self.capex * crf(discount_rate, self.lifetime)

    def price_savings(self, before: Inventory, after: Inventory) -> float:
        """Annual savings from *prices*: ``sum(price x (quantity before - quantity after))``."""
        total = 0.0
        for act, price in self.prices.items():
            total += price.value * (_quantity_in(before, act, price.per) - _quantity_in(after, act, price.per))
        return total


#: per inventory: the summed quantity of each distinct (activity, unit) pair, for pricing
_PAIR_SUMS: "weakref.WeakKeyDictionary[Inventory, tuple[list[str], list[str], np.ndarray]]" = weakref.WeakKeyDictionary()


def _pair_sums(inv: Inventory) -> tuple[list[str], list[str], np.ndarray]:
    """Activities, units and summed quantities of the distinct (activity, unit) pairs of *inv* (one pass, cached)."""
    hit = _PAIR_SUMS.get(inv)
    if hit is None:
        n_units = max(len(inv.unit.categories), 1)
        code = inv.activity.codes.astype(np.int64) * n_units + inv.unit.codes
        sums = np.bincount(code, weights=inv.quantity, minlength=len(inv.activity.categories) * n_units)
        pairs = np.flatnonzero(np.bincount(code, minlength=sums.shape[0]))
        hit = ([str(inv.activity.categories[c // n_units]) for c in pairs.tolist()],
               [str(inv.unit.categories[c % n_units]) for c in pairs.tolist()], sums[pairs])
        _PAIR_SUMS[inv] = hit
    return hit


def _quantity_in(inv: Inventory, activity: str, unit: str) -> float:
    """Sum of the quantity of *activity* (dotted prefix) in *unit*, from the per-(activity, unit) sums."""
    acts, units, sums = _pair_sums(inv)
    total = 0.0
    for a, u, q in zip(acts, units, sums.tolist()):
        if a == activity or a.startswith(activity + "."):
            try:
                total += q * multiplier(u, unit)
            except Exception as exc:
                raise LeverError(f"cannot price {activity!r} per {unit!r}: {exc}") from None
    return total


# -- records of effects that are not activity changes --------------------------------


@attrs.frozen
class Capture:
    """Carbon capture: a share of the CO2 of chosen scope 1 rows is captured, not emitted.

    Evaluated against the final inventory of a year, so it captures whatever
    the selected sources emit after every other lever.  Captured CO2 is
    reported as ``captured`` beside the scope 1 figure it was taken from.
    """

    lever: str
    rate: float = attrs.field(converter=_to_float, validator=fraction)
    activity: tuple[str, ...] | None = attrs.field(default=None, converter=activity_keys)
    site: tuple[str, ...] | None = attrs.field(default=None, converter=labels)

    def mask(self, inv: Inventory) -> np.ndarray:
        """Rows the capture applies to: scope 1 rows of the chosen activities and sites."""
        crit: dict[str, Any] = {"scope": 1}
        if self.activity is not None:
            crit["activity"] = self.activity
        if self.site is not None:
            crit["site"] = self.site
        return inv.mask(**crit)


@attrs.frozen
class Removal:
    """CO2 removed inside the boundary in one year (t CO2), with how it was worked out.

    Removals are reported separately from emissions and are never netted
    against them unless a caller asks for a net figure explicitly.
    """

    lever: str
    year: int = attrs.field(converter=year_int)
    tonnes: float = attrs.field(converter=_to_float, validator=nonnegative)
    basis: str = attrs.field()
    source: Source | None = attrs.field(default=None)


# -- the Lever base class --------------------------------------------------------------


def _figure(value: float) -> str:
    """*value* for a view: whole numbers with thousands separators, others to six significant figures."""
    return f"{value:,.0f}" if value.is_integer() and abs(value) < 1e15 else f"{value:,.6g}"


def _default_name(self: Any) -> str:
    return type(self).kind


@attrs.frozen(repr=False)
class Lever:
    """Base class of reduction levers; see the module docstring for the contract.

    Subclasses are frozen attrs classes that set the class attributes ``kind``
    and ``description`` and override :meth:`apply` (and, where the effect is
    not a change of activity, :meth:`instruments`, :meth:`captures` or
    :meth:`removals`).
    """

    kind: ClassVar[str] = "lever"
    description: ClassVar[str] = ""
    #: True when the lever treats rows that agree on every column alike, its effect is linear in quantity and
    #: depends only on the rows it changes or captures from (what every built-in does): scenarios and MAC
    #: curves may then sum such rows first, and a MAC curve need not re-measure it after a lever on other
    #: rows.  A lever that reads individual rows (their order, their file line, one row's quantity) leaves it False.
    row_independent: ClassVar[bool] = False

    name: str = attrs.field(default=attrs.Factory(_default_name, takes_self=True), kw_only=True, converter=str)
    costs: Costs | None = attrs.field(default=None, kw_only=True)

    @costs.validator
    def _check_costs(self, _a: Any, value: Any) -> None:
        if value is not None and not isinstance(value, Costs):
            raise LeverError(f"{type(self).__name__}.costs must be a Costs, got {type(value).__name__}", field="costs")

    # -- what a lever does -----------------------------------------------------------

    def apply(self, inventory: Inventory, year: int) -> Inventory:
        """The inventory after this lever (a new object; the input is untouched)."""
        return inventory

    def instruments(self, inventory: Inventory, year: int) -> tuple[ContractualInstrument, ...]:
        """Contractual instruments for the market-based scope 2 figure (default: none)."""
        return ()

    def captures(self, inventory: Inventory, year: int) -> tuple[Capture, ...]:
        """Capture records (default: none)."""
        return ()

    def removals(self, inventory: Inventory, year: int) -> tuple[Removal, ...]:
        """Removal records (default: none)."""
        return ()

    def outcome(self, inventory: Inventory, year: int) -> "Outcome":
        """Everything this lever does to *inventory* in *year*, as an :class:`Outcome`."""
        return Outcome(inventory).then(self, year)

    # -- helpers for subclasses -----------------------------------------------------------

    @property
    def parameters(self) -> tuple[Parameter, ...]:
        """The lever's parameters (fields declared with :func:`parameter`), with units."""
        return tuple(
            Parameter(f.name, getattr(self, f.name), f.metadata["unit"], f.metadata.get("doc", ""))
            for f in attrs.fields(type(self))
            if "unit" in f.metadata
        )

    def require(self, inventory: Inventory, mask: np.ndarray, what: str) -> np.ndarray:
        """Return *mask*, or raise :class:`LeverError` if it selects no row (naming what was looked for)."""
        if not isinstance(inventory, Inventory):
            raise LeverError(f"lever {self.name!r} needs an Inventory, got {type(inventory).__name__}")
        if not mask.any():
            acts = ", ".join(map(str, inventory.activity.categories[:8])) or "nothing"
            raise LeverError(
                f"lever {self.name!r} ({self.kind}) cannot act on this inventory: it needs {what}, "
                f"and the inventory holds {acts}",
                lever=self.name,
            )
        return mask

    def describe(self) -> str:
        params = ", ".join(str(p) for p in self.parameters)
        return f"{self.name} ({self.kind}): {self.description}" + (f" [{params}]" if params else "")

    def _facts(self) -> list[tuple[str, str]]:
        """The key facts of both views: parameters with units, other plain fields set away from their default, costs."""
        facts = [(p.name, _figure(p.value) + ("" if p.unit in ("", "1") else f" {p.unit}"))
                 for p in self.parameters if p.value is not None]
        for f in attrs.fields(type(self)):
            value = getattr(self, f.name)
            if f.name in ("name", "costs") or "unit" in f.metadata or value is None or value == f.default:
                continue
            if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                facts.append((f.name, _figure(value) if isinstance(value, float) else str(value)))
            elif isinstance(value, tuple) and value and all(isinstance(v, str) for v in value):
                facts.append((f.name, "|".join(value)))
        if self.costs is not None:
            c = self.costs
            facts.append(("costs", f"capex {c.capex:,.0f} {c.currency} over {c.lifetime} yr"))
        return facts

    def __repr__(self) -> str:
        facts = ", ".join(f"{k} {v}" for k, v in self._facts())
        return f"{type(self).__name__}({self.name!r}" + (f", {facts})" if facts else ")")

    def _repr_html_(self) -> str:
        return view_html(f"{self.name} ({self.kind}): {self.description}", self._facts())


#: What a :class:`LeverSet` holds: a lever kind (a class) or a configured lever.
LeverItem = Union[type[Lever], Lever]


# -- chaining -----------------------------------------------------------------------------


@attrs.frozen(eq=False)
class Outcome:
    """An inventory together with the non-activity records levers produced for it.

    ``inventory`` holds activities; ``instruments`` act on market-based scope 2;
    ``captures`` reduce scope 1 CO2; ``removals`` are reported separately.
    """

    inventory: Inventory
    instruments: tuple[ContractualInstrument, ...] = ()
    captures: tuple[Capture, ...] = ()
    removals: tuple[Removal, ...] = ()

    def then(self, lever: Lever, year: int) -> "Outcome":
        """Apply *lever* for *year*; all records are read from the inventory it was given."""
        if not isinstance(lever, Lever):
            raise LeverError(f"expected a Lever, got {type(lever).__name__}")
        inv = self.inventory
        new_inv = lever.apply(inv, year)
        if not isinstance(new_inv, Inventory):
            raise LeverError(f"lever {lever.name!r}: apply() returned {type(new_inv).__name__}, not an Inventory", lever=lever.name)
        return Outcome(
            new_inv,
            self.instruments + tuple(lever.instruments(inv, year)),
            self.captures + tuple(lever.captures(inv, year)),
            self.removals + tuple(lever.removals(inv, year)),
        )

    def captured(self, emissions: Emissions) -> float:
        """Tonnes of CO2 captured (t CO2), given the emissions of :attr:`inventory`.

        Captures on the same rows combine in series: what one capture lets
        through is what the next can capture, so a row's captured share is
        ``1 - prod(1 - rate)`` and never exceeds its CO2 (two 90 % units on one
        stack capture 99 %, not 180 %).
        """
        if not self.captures or "CO2" not in emissions.gases:
            return 0.0
        inv = self.inventory
        if len(emissions.inventory) != len(inv):
            raise LeverError(f"captured() needs the emissions of this outcome's inventory ({len(inv):,} rows), "
                             f"got emissions of {len(emissions.inventory):,} rows")
        row_co2 = emissions.row_mass("CO2")
        passed = np.ones(len(inv))
        for c in self.captures:
            passed[c.mask(inv)] *= 1.0 - c.rate
        return float(row_co2 @ (1.0 - passed))

    def removed(self) -> float:
        """Tonnes of CO2 removed (sum of :attr:`removals`)."""
        return float(sum(r.tonnes for r in self.removals))


# -- sets and plugin objects ------------------------------------------------------------------


def _lever_items(value: Iterable[LeverItem]) -> tuple[LeverItem, ...]:
    items = tuple(value)
    for it in items:
        if not (isinstance(it, Lever) or (isinstance(it, type) and issubclass(it, Lever))):
            raise LeverError(f"a LeverSet holds Lever classes or instances, got {it!r}")
    return items


@attrs.frozen
class LeverSet:
    """A named collection of lever kinds (classes) or configured levers.

    >>> from neutralcore.plugins.levers import standard
    >>> "rooftop-solar" in standard.names
    True
    """

    name: str
    levers: tuple[LeverItem, ...] = attrs.field(converter=_lever_items)
    description: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(_item_name(it) for it in self.levers)

    def __getitem__(self, name: str) -> LeverItem:
        for it in self.levers:
            if _item_name(it) == name:
                return it
        raise LeverError(f"lever set {self.name!r} has no lever {name!r}; it has {', '.join(self.names)}")

    def __iter__(self) -> Iterator[LeverItem]:
        return iter(self.levers)

    def __len__(self) -> int:
        return len(self.levers)

    @classmethod
    def of(cls, lever_class: type[Lever]) -> "LeverSet":
        """A set holding one lever kind, named after it: what a built-in entry point names."""
        return cls(lever_class.kind, (lever_class,), lever_class.description)

    def __call__(self, *args: Any, **kwargs: Any) -> Lever:
        """Configure the set's only lever kind: ``registry.load("levers", "efficiency")(0.1, activity="electricity")``."""
        if len(self.levers) != 1 or not isinstance(self.levers[0], type):
            raise LeverError(
                f"lever set {self.name!r} holds {len(self.levers)} levers ({', '.join(self.names)}); "
                f"pick one kind with set[name](...)"
            )
        kind = self.levers[0]
        assert isinstance(kind, type)
        return kind(*args, **kwargs)


def _item_name(it: LeverItem) -> str:
    return it.kind if isinstance(it, type) else it.name

