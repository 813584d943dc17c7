"""The organisational boundary: which share of each operation's emissions a company reports.

GHG Protocol Corporate Accounting and Reporting Standard, revised edition
(WRI/WBCSD 2004), chapter 3 ("Setting Organizational Boundaries"): a company
consolidates its emissions by one approach, applied consistently —

* **equity share**: the company's share of equity in each operation;
* **financial control**: 100 % of every operation over which it has financial
  control (it can direct the financial and operating policies with a view to
  gaining economic benefits), 0 % of the others;
* **operational control**: 100 % of every operation over which it (or a
  subsidiary) has full authority to introduce and implement operating
  policies, 0 % of the others.

An :class:`Entity` names the sites of one operation, the company's equity
share in it and whether the company controls it.  :func:`consolidate` applies
one approach to an inventory or its emissions and shows every row's included
share.  Not modelled: jointly controlled operations under financial control
(ch. 3 counts them at the equity share; give them ``financial_control=False``
and use the equity approach, or split the entity), and chains of holdings
(give each operation the company's effective share).

Examples
--------
A owns 100 % of plant X (50,000 t) and 40 % of joint venture Y (100,000 t),
which A operates:

>>> import neutralcore as nc
>>> src = nc.Source("Example", "hand-worked boundary example", 2024)
>>> fs = nc.FactorSet.from_factors([nc.Factor("fuel.coal", "XA", 2024, "t/t", {"CO2": 1.0}, src)])
>>> inv = nc.Inventory([nc.Activity("fuel.coal", 50_000, "t", region="XA", year=2024, scope=1, site="X"),
...                     nc.Activity("fuel.coal", 100_000, "t", region="XA", year=2024, scope=1, site="Y")])
>>> entities = [Entity("Plant X", "X", equity=1.0, operational_control=True, financial_control=True),
...             Entity("JV Y", "Y", equity=0.4, operational_control=True)]
>>> em = inv.emissions(fs)
>>> consolidate(em, entities, "equity").total(), consolidate(em, entities, "operational").total()
(90000.0, 150000.0)
>>> consolidate(em, entities, "financial").total()
50000.0
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Literal, Sequence, cast, get_args

import attrs
import numpy as np

from neutralcore._core.table import Table
from neutralcore.errors import InputError
from neutralcore.measure.emissions import Emissions
from neutralcore.measure.inventory import Inventory

__all__ = ["Approach", "APPROACHES", "Entity", "Consolidation", "consolidate", "BOUNDARY_SOURCE"]

#: A consolidation approach of the GHG Protocol Corporate Standard, chapter 3.
Approach = Literal["equity", "operational", "financial"]
APPROACHES: tuple[Approach, ...] = get_args(Approach)

#: Where the approaches come from.
BOUNDARY_SOURCE = ("GHG Protocol Corporate Accounting and Reporting Standard, revised edition (WRI/WBCSD 2004), "
                   "chapter 3, Setting Organizational Boundaries: equity share and control (financial or operational) "
                   "approaches")

_ALIASES = {"equity": "equity", "equity share": "equity", "equityshare": "equity",
            "operational": "operational", "operational control": "operational", "operationalcontrol": "operational",
            "financial": "financial", "financial control": "financial", "financialcontrol": "financial"}


def approach_name(value: str) -> Approach:
    """The canonical name of a consolidation approach (``"equity share"`` → ``"equity"``).

    >>> approach_name("Operational control")
    'operational'

    Raises
    ------
    InputError
        For anything but the three approaches of chapter 3.
    """
    key = " ".join(str(value).strip().lower().replace("_", " ").replace("-", " ").split())
    if key not in _ALIASES:
        raise InputError(f"unknown consolidation approach {value!r}; use one of {', '.join(APPROACHES)} "
                         "(GHG Protocol Corporate Standard, ch. 3)", column="approach")
    return cast(Approach, _ALIASES[key])


def _sites(value: str | Iterable[str]) -> tuple[str, ...]:
    items = (value,) if isinstance(value, str) else tuple(value)
    out = tuple(str(s).strip() for s in items)
    if not out or any(not s for s in out):
        raise InputError(f"an entity needs one or more non-blank site names, got {value!r}", column="sites")
    if len(set(out)) != len(out):
        raise InputError(f"a site is named twice in {list(out)}", column="sites")
    return out


def _share(value: Any) -> float:
    if isinstance(value, bool):
        raise InputError(f"equity share must be a number, got {value!r}", column="equity")
    try:
        share = float(value)
    except (TypeError, ValueError) as exc:
        raise InputError(f"equity share must be a number, got {value!r}", column="equity") from exc
    return share


@attrs.frozen
class Entity:
    """One operation of the reporting company: its sites, equity share and control.

    Parameters
    ----------
    name : str
        The operation (subsidiary, joint venture, plant...).
    sites : str or sequence of str
        The inventory's ``site`` labels that belong to it.
    equity : float
        The company's equity share, a fraction from 0 to 1 (0.4 for 40 %).
    operational_control, financial_control : bool
        Whether the company has operational / financial control over it.

    Raises
    ------
    InputError
        An equity share outside 0–100 % or not a number (``column="equity"``), no or blank sites
        (``column="sites"``), a blank name (``column="name"``).

    Examples
    --------
    >>> Entity("JV Y", ["Y1", "Y2"], equity=0.4).sites
    ('Y1', 'Y2')
    >>> Entity("JV Y", "Y", equity=40)
    Traceback (most recent call last):
    ...
    neutralcore.InputError: column 'equity': entity 'JV Y': equity share 40 is outside 0–100 % (a fraction: 0.4 for 40 %)
    """

    name: str = attrs.field(converter=lambda v: str(v).strip())
    sites: tuple[str, ...] = attrs.field(converter=_sites)
    equity: float = attrs.field(kw_only=True, converter=_share)
    operational_control: bool = attrs.field(default=False, kw_only=True, converter=bool)
    financial_control: bool = attrs.field(default=False, kw_only=True, converter=bool)

    def __attrs_post_init__(self) -> None:
        if not self.name:
            raise InputError("an entity needs a name", column="name")
        if not (math.isfinite(self.equity) and 0.0 <= self.equity <= 1.0):
            raise InputError(f"entity {self.name!r}: equity share {self.equity:g} is outside 0–100 % (a fraction: "
                             "0.4 for 40 %)", column="equity", entity=self.name)

    def share(self, approach: str) -> float:
        """The fraction of this operation's emissions the company reports under *approach*.

        >>> Entity("JV Y", "Y", equity=0.4).share("equity"), Entity("JV Y", "Y", equity=0.4).share("operational")
        (0.4, 0.0)
        """
        a = approach_name(approach)
        if a == "equity":
            return self.equity
        return 1.0 if (self.operational_control if a == "operational" else self.financial_control) else 0.0


def _entities(values: Entity | Iterable[Entity]) -> tuple[Entity, ...]:
    items = (values,) if isinstance(values, Entity) else tuple(values)
    for i, e in enumerate(items):
        if not isinstance(e, Entity):
            raise InputError(f"entities[{i}] is a {type(e).__name__}, not an Entity", column="entities")
    if not items:
        raise InputError("consolidate needs at least one Entity", column="entities")
    seen: dict[str, str] = {}
    names: set[str] = set()
    for e in items:
        if e.name in names:
            raise InputError(f"entity {e.name!r} is given twice", column="name", entity=e.name)
        names.add(e.name)
        for s in e.sites:
            if s in seen:
                raise InputError(f"site {s!r} belongs to both entity {seen[s]!r} and entity {e.name!r}: entities "
                                 "must not overlap", column="sites", entity=e.name, site=s)
            seen[s] = e.name
    return items


@attrs.frozen(eq=False)
class Consolidation:
    """An inventory or its emissions inside the organisational boundary of one approach.

    Attributes
    ----------
    approach : {"equity", "operational", "financial"}
    entities : tuple of Entity
    share : numpy.ndarray
        Per inventory row, the fraction included (read-only).
    entity : tuple of str
        Per inventory row, the entity it belongs to.
    inventory : Inventory
        The rows with their quantities multiplied by their share.
    emissions : Emissions or None
        The emissions of :attr:`inventory` (when emissions were consolidated).
    """

    approach: Approach
    entities: tuple[Entity, ...]
    share: np.ndarray = attrs.field(repr=False)
    entity: tuple[str, ...] = attrs.field(repr=False)
    inventory: Inventory = attrs.field(repr=False)
    emissions: Emissions | None = attrs.field(repr=False)
    _full: Emissions | Inventory = attrs.field(repr=False, alias="full")

    def total(self) -> float:
        """Consolidated total, t CO2e (needs emissions, not only an inventory)."""
        return self._need_emissions().total()

    def _need_emissions(self) -> Emissions:
        if self.emissions is None:
            raise InputError("this consolidation is of an inventory; consolidate its emissions for tonnes CO2e, or "
                             "compute consolidation.inventory.emissions(factors)", column="emissions")
        return self.emissions

    def rows(self) -> Table:
        """One row per inventory row: site, entity, share included, and the full and included figures.

        With emissions: ``co2e_t`` (100 %) and ``included_t`` (t CO2e); with an inventory: ``quantity``,
        ``included_quantity`` and ``unit``.
        """
        inv = self.inventory
        cols: dict[str, Any] = {"row": list(range(len(inv))), "site": inv.site.values(), "entity": list(self.entity),
                                "share": self.share.astype(float)}
        if isinstance(self._full, Emissions):
            full = self._full.row_co2e()
            cols["co2e_t"] = np.asarray(full, dtype=float)
            cols["included_t"] = np.asarray(full * self.share, dtype=float)
        else:
            cols["quantity"] = np.asarray(self._full.quantity, dtype=float)
            cols["included_quantity"] = np.asarray(inv.quantity, dtype=float)
            cols["unit"] = inv.unit.values()
        return Table(cols, title=f"Consolidation by the {self.approach} approach, row by row")

    def by_entity(self) -> Table:
        """One row per entity: its share under this approach and, with emissions, its 100 % and included t CO2e."""
        names = [e.name for e in self.entities]
        cols: dict[str, Any] = {"entity": names, "equity": [e.equity for e in self.entities],
                                "operational_control": [e.operational_control for e in self.entities],
                                "financial_control": [e.financial_control for e in self.entities],
                                "share": [e.share(self.approach) for e in self.entities]}
        if isinstance(self._full, Emissions):
            index = {n: i for i, n in enumerate(names)}
            codes = np.array([index[n] for n in self.entity], dtype=np.int64)
            full = np.bincount(codes, weights=self._full.row_co2e(), minlength=len(names)) if len(codes) \
                else np.zeros(len(names))
            cols["co2e_t"] = np.asarray(full, dtype=float)
            cols["included_t"] = np.asarray(full * np.array(cols["share"], dtype=float), dtype=float)
        return Table(cols, title=f"Consolidation by the {self.approach} approach (t CO2e)",)

    def describe(self) -> str:
        """One sentence for a report's boundary statement (e.g. ``Balance(boundary=...)``)."""
        parts = ", ".join(f"{e.name} {e.share(self.approach):.0%}" for e in self.entities)
        return (f"{self.approach} approach (GHG Protocol Corporate Standard, revised edition 2004, ch. 3): "
                f"{parts}")

    def __repr__(self) -> str:
        return self.by_entity().to_text()


def consolidate(data: Emissions | Inventory, entities: Entity | Sequence[Entity],
                approach: str = "operational") -> Consolidation:
    """Apply one consolidation approach of the GHG Protocol Corporate Standard (ch. 3) to *data*.

    Parameters
    ----------
    data : Emissions or Inventory
        Every row's ``site`` must belong to exactly one entity.
    entities : Entity or sequence of Entity
        The company's operations; no site may be in two.
    approach : {"equity", "operational", "financial"}
        ``"equity share"``, ``"operational control"`` and so on are read too.

    Returns
    -------
    Consolidation
        The included share of every row, the scaled inventory and, for emissions, the
        consolidated :class:`Emissions` (same factors, quantities × share).

    Raises
    ------
    InputError
        Overlapping entities (``column="sites"``), a duplicate entity name (``column="name"``), rows whose site
        belongs to no entity (``column="site"``, rows named), an unknown approach (``column="approach"``).
    """
    a = approach_name(approach)
    ents = _entities(entities)
    if isinstance(data, Emissions):
        inv = data.inventory
        if not isinstance(inv, Inventory):
            raise InputError(f"consolidate needs emissions of an Inventory, got {type(inv).__name__}",
                             column="inventory")
    elif isinstance(data, Inventory):
        inv = data
    else:
        raise InputError(f"consolidate needs an Inventory or Emissions, got {type(data).__name__}", column="data")
    owner = {s: i for i, e in enumerate(ents) for s in e.sites}
    cats = inv.site.categories
    cat_entity = np.array([owner.get(str(c), -1) if c is not None else -1 for c in cats], dtype=np.int64)
    row_entity = cat_entity[inv.site.codes] if len(cats) else np.full(len(inv), -1, dtype=np.int64)
    missing = np.flatnonzero(row_entity < 0)
    if missing.size:
        labels = sorted({str(cats[inv.site.codes[r]]) if cats[inv.site.codes[r]] is not None else "(no site)"
                         for r in missing[:1000]})
        raise InputError(f"site(s) {', '.join(labels)} belong to no entity; attach every site to one Entity",
                         column="site", rows=missing.tolist())
    shares_by_entity = np.array([e.share(a) for e in ents], dtype=float)
    share = shares_by_entity[row_entity]
    share.setflags(write=False)
    scaled = inv.with_quantity(inv.quantity * share)
    names = tuple(ents[i].name for i in row_entity.tolist())
    em = None
    if isinstance(data, Emissions):
        em = attrs.evolve(data, inventory=scaled, cache={}, scope2=None)
        if data.scope2 is not None:
            s2 = data.scope2
            both = attrs.evolve(s2, location=attrs.evolve(s2.location, inventory=scaled, cache={}, scope2=None),
                                market=attrs.evolve(s2.market, inventory=scaled, cache={}, scope2=None))
            em = em.with_scope2(both)
    return Consolidation(a, ents, share, names, scaled, em, full=data)
