"""Landfill CH4 by the IPCC first-order-decay (FOD) method, in t CH4 a year.

Methane from a solid waste disposal site (SWDS) in a reporting year comes from waste deposited in
earlier years, so it is not one factor per tonne: the 2006 IPCC Guidelines, Vol. 5, Ch. 3 (Equations
3.1 to 3.6) decay the decomposable carbon of each year's deposit::

    DDOCm           = W x DOC x DOCf x MCF                      (Eq. 3.2, t)
    DDOCma(T)       = DDOCmd(T) + DDOCma(T-1) x exp(-k)          (Eq. 3.4)
    decomposed(T)   = DDOCma(T-1) x (1 - exp(-k))               (Eq. 3.5)
    generated(T)    = decomposed(T) x F x 16/12                  (Eq. 3.6, t CH4)
    emitted(T)      = (sum over waste types of generated(T) - R(T)) x (1 - OX)   (Eq. 3.1)

k is the decay rate (a year; half-life = ln 2 / k, Eq. 3.5 note).  Eq. 3.4 and 3.5 decay a deposit from
the year after it is made: that is the guidelines' default delay of six months from deposit to full
methane production (p. 3.19) for waste deposited through the year, and the only delay this module models.

The defaults (DOC per waste type from Ch. 2 Tables 2.4 and 2.5; DOCf 0.5; F 0.5; MCF per site type, Table
3.1; OX, Table 3.2; k per climate zone, Table 3.3) are read with the project's CSV reader from
``neutralcore/data/landfill_ipcc2006.csv``, each row with its IPCC Emission Factor Database EF ID.  A
waste type without a published default (sludge's DOC; k for nappies and industrial waste) needs the
value from the caller, with its source.

The result hands to an inventory the way refrigerant leaks do: :func:`landfill_inventory` makes one
``landfill.ch4`` row (quantity: the t CH4 emitted) per result, and :func:`landfill_factors` gives the
factor they need, 1 t CH4 per t CH4, by definition.

Examples
--------
>>> from neutralcore.measure.landfill import Deposit, Landfill
>>> site = Landfill("managed_anaerobic", "tropical_wet")
>>> r = site.ch4([Deposit(2020, "food", 1000)], year=2021)
>>> round(r.emitted, 6)      # 1000 x 0.15 x 0.5 x 1 x (1 - e^-0.4) x 0.5 x 16/12, t CH4
16.483998
"""

from __future__ import annotations

import math
from importlib.resources import files
from typing import Any, Iterable, Mapping, Sequence

import attrs

from neutralcore._core.csvrows import open_csv
from neutralcore._core.validators import FrozenMap, finite_fraction, finite_nonneg, quantity_problem, year_int
from neutralcore.errors import InputError, InvalidQuantityError
from neutralcore.measure.activity import Activity
from neutralcore.measure.factor import FactorSet
from neutralcore.measure.factorvalue import Factor, Source
from neutralcore.measure.inventory import Inventory

__all__ = ["Deposit", "Landfill", "LandfillCH4", "Defaults", "DEFAULTS", "SITE_TYPES", "CLIMATES",
           "WASTE_TYPES", "LANDFILL_KEY", "LANDFILL_DEFINITION", "half_life", "landfill_inventory",
           "landfill_factors"]

_DATA = files("neutralcore") / "data" / "landfill_ipcc2006.csv"
_NAME = "neutralcore/data/landfill_ipcc2006.csv"

#: Site types of Table 3.1 (the MCF rows).
SITE_TYPES = ("managed_anaerobic", "managed_semi_aerobic", "unmanaged_deep", "unmanaged_shallow", "uncategorised")
#: Climate zones of Table 3.3: boreal and temperate (MAT <= 20 C) dry (MAP/PET < 1) or wet (> 1); tropical
#: (MAT > 20 C) dry (MAP < 1000 mm) or wet (MAP >= 1000 mm).
CLIMATES = ("boreal_temperate_dry", "boreal_temperate_wet", "tropical_dry", "tropical_wet")
#: Waste type -> its row class in Table 3.3 (``None``: the table has none, so k must be given).
WASTE_TYPES: Mapping[str, str | None] = FrozenMap({
    "food": "food_sludge", "garden": "garden_putrescible", "paper": "paper_textiles", "textiles": "paper_textiles",
    "wood": "wood_straw", "sludge": "food_sludge", "nappies": None,
    "industrial.food_beverage_tobacco": None, "industrial.textile": None, "industrial.wood": None,
    "industrial.pulp_paper": None, "industrial.construction_demolition": None, "industrial.other": None,
})
#: The activity key of a landfill CH4 row.
LANDFILL_KEY = "landfill.ch4"
#: The source of the factor :func:`landfill_factors` builds.
LANDFILL_DEFINITION = Source(
    "IPCC", "2006 IPCC Guidelines, Vol. 5, Ch. 3, Eq. 3.1: CH4 emitted from solid waste disposal, computed by "
    "neutralcore.measure.landfill (1 t CH4 per t CH4, by definition)", 2006,
)
_MANAGED = ("managed_anaerobic", "managed_semi_aerobic")


def half_life(k: float) -> float:
    """The half-life in years of a decay rate *k* (a year): ln 2 / k.

    >>> round(half_life(0.4), 3)
    1.733
    """
    return math.log(2) / _rate(k, "k")


def _rate(value: Any, what: str) -> float:
    why = quantity_problem(value)
    if why is not None:
        raise InputError(f"{what} {why}: {value!r}", column=what)
    x = float(value)
    if not math.isfinite(x) or x <= 0:
        raise InputError(f"{what} must be a finite decay rate above 0 (a year), got {value!r}", column=what)
    return x


def _waste(value: Any) -> str:
    if not isinstance(value, str) or value.strip() not in WASTE_TYPES:
        raise InputError(f"waste must be one of {sorted(WASTE_TYPES)}, got {value!r}", column="waste")
    return value.strip()


def _tonnes(value: Any) -> float:
    return finite_nonneg(value, name="tonnes")


def _docf(value: Any) -> float:
    return finite_fraction(value, name="docf")


def _f(value: Any) -> float:
    return finite_fraction(value, name="f")


def _delay(value: Any) -> float:
    return finite_nonneg(value, name="delay_months")


def _choice(options: Sequence[str], what: str) -> Any:
    def check(_self: Any, _attr: Any, value: Any) -> None:
        if value not in options:
            raise InputError(f"{what} must be one of {list(options)}, got {value!r}", column=what)
    return check


@attrs.frozen
class Deposit:
    """Waste of one type deposited at the site in one year.

    Parameters
    ----------
    year : int
        The year of deposit; it starts decaying the year after (the six-month delay, Vol. 5 Ch. 3 p. 3.19).
    waste : str
        One of :data:`WASTE_TYPES`.
    tonnes : float
        Wet weight deposited, t.
    """

    year: int = attrs.field(converter=year_int)
    waste: str = attrs.field(converter=_waste)
    tonnes: float = attrs.field(converter=_tonnes)


@attrs.frozen
class Defaults:
    """The FOD parameters read from a CSV file (``parameter,name,value,unit,ef_id,table``), each with its source.

    ``doc`` maps a waste type to its DOC (fraction of wet weight); ``k`` maps ``"<climate>/<class>"`` to a
    decay rate (a year); ``mcf`` a site type and ``ox`` a cover (``oxidising_cover``, ``no_oxidising_cover``)
    to a fraction; ``docf``, ``f`` fractions, ``delay_months`` the delay.  ``sources`` gives each value's
    :class:`~neutralcore.Source` under ``"<parameter>:<name>"``.
    """

    doc: Mapping[str, float] = attrs.field(converter=FrozenMap)
    k: Mapping[str, float] = attrs.field(converter=FrozenMap)
    mcf: Mapping[str, float] = attrs.field(converter=FrozenMap)
    ox: Mapping[str, float] = attrs.field(converter=FrozenMap)
    docf: float = attrs.field(converter=_docf)
    f: float = attrs.field(converter=_f)
    delay_months: float = attrs.field(converter=_delay)
    sources: Mapping[str, Source] = attrs.field(converter=FrozenMap)

    @classmethod
    def read(cls, source: Any = None, *, name: str | None = None) -> "Defaults":
        """Read a defaults file (the shipped one when *source* is ``None``).

        Raises
        ------
        SchemaError
            A wrong header, an unknown parameter, a value that is not a number or is out of range, a
            duplicate row, or a parameter missing; the message names the file, line and column.
        """
        if source is None:
            source, name = _DATA, _NAME
        file = open_csv(source, required=("parameter", "name", "value", "unit", "ef_id", "table"), optional=(),
                        name=name)
        tables: dict[str, dict[str, float]] = {"doc": {}, "k": {}, "mcf": {}, "ox": {}}
        single: dict[str, float] = {}
        sources: dict[str, Source] = {}
        for line, _end, fields in file.records():
            param, key, text, _unit, ef_id, table = (f.strip() for f in fields)
            try:
                value = float(text)
            except ValueError as exc:
                raise file.error(f"{text!r} is not a number", line=line, column="value") from exc
            if not math.isfinite(value) or value < 0 or (param not in ("k", "delay") and value > 1):
                raise file.error(f"{text!r} is out of range for {param}", line=line, column="value")
            if param in tables:
                if not key:
                    raise file.error(f"a {param} row needs a name", line=line, column="name")
                target = tables[param]
            elif param in ("docf", "f", "delay"):
                if key:
                    raise file.error(f"a {param} row has no name, got {key!r}", line=line, column="name")
                target = single
                key = param
            else:
                raise file.error(f"unknown parameter {param!r}; expected doc, k, mcf, ox, docf, f or delay",
                                 line=line, column="parameter")
            if key in target:
                raise file.error(f"{param} {key!r} appears twice", line=line, column="name")
            target[key] = value
            ref = f"EFDB EF ID {ef_id}" if ef_id else "no EF ID"
            sources[f"{param}:{key}" if param in tables else param] = Source(
                "IPCC", f"2006 IPCC Guidelines for National Greenhouse Gas Inventories, {table} ({ref})", 2006)
        missing = [p for p in ("docf", "f", "delay") if p not in single]
        missing += [f"mcf {s}" for s in SITE_TYPES if s not in tables["mcf"]]
        missing += [f"ox {c}" for c in ("no_oxidising_cover", "oxidising_cover") if c not in tables["ox"]]
        if missing:
            raise file.error(f"parameter(s) {missing} missing")
        if single["delay"] != 6:
            raise file.error(f"delay {single['delay']:g} months: only the IPCC default of 6 months (decay from the "
                             f"year after deposit, Eq. 3.4 and 3.5) is modelled", column="value")
        return cls(tables["doc"], tables["k"], tables["mcf"], tables["ox"], single["docf"], single["f"],
                   single["delay"], sources)


#: The shipped IPCC 2006 defaults.
DEFAULTS = Defaults.read()


def _values(value: Any, what: str) -> FrozenMap:
    if not isinstance(value, Mapping):
        raise InputError(f"{what} must be a mapping of waste type to value, got {type(value).__name__}", column=what)
    out = {}
    for key, x in value.items():
        _waste(key)
        out[key] = _rate(x, what) if what == "k" else finite_fraction(x, name=what)
    return FrozenMap(out)


def _doc_values(value: Any) -> FrozenMap:
    return _values(value, "doc")


def _k_values(value: Any) -> FrozenMap:
    return _values(value, "k")


def _defaults(_self: Any, _attr: Any, value: Any) -> None:
    if not isinstance(value, Defaults):
        raise InputError(f"defaults must be a Defaults table, got {type(value).__name__}", column="defaults")


@attrs.frozen
class LandfillCH4:
    """CH4 of one site in one reporting year, t CH4.

    ``generated`` is the sum over waste types (``by_waste``) of CH4 generated (Eq. 3.6); ``recovered`` the
    CH4 recovered (R); ``emitted`` = (generated - recovered) x (1 - ox) (Eq. 3.1).
    """

    year: int
    site_type: str
    climate: str
    generated: float
    recovered: float
    ox: float
    emitted: float
    by_waste: Mapping[str, float] = attrs.field(converter=FrozenMap)


@attrs.frozen
class Landfill:
    """One solid waste disposal site: its type, climate zone, cover, and any values the defaults lack.

    Parameters
    ----------
    site_type : str
        One of :data:`SITE_TYPES` (Table 3.1, the MCF).
    climate : str
        One of :data:`CLIMATES` (Table 3.3, the k).
    oxidising_cover : bool
        A managed site covered with CH4-oxidising material (soil, compost): OX 0.1; otherwise 0 (Table 3.2).
    doc, k : mapping, optional
        Values for waste types, used before the defaults (a fraction of wet weight; a year): needed for the
        waste types the defaults lack (``sludge``'s DOC; k of ``nappies`` and ``industrial.*``).
    defaults : Defaults
        The defaults table (:data:`DEFAULTS`).
    """

    site_type: str = attrs.field(validator=_choice(SITE_TYPES, "site_type"))
    climate: str = attrs.field(validator=_choice(CLIMATES, "climate"))
    oxidising_cover: bool = attrs.field(default=False, kw_only=True)
    doc: Mapping[str, float] = attrs.field(factory=dict, kw_only=True, converter=_doc_values)
    k: Mapping[str, float] = attrs.field(factory=dict, kw_only=True, converter=_k_values)
    defaults: Defaults = attrs.field(default=DEFAULTS, kw_only=True, validator=_defaults)

    @oxidising_cover.validator
    def _check_cover(self, _a: Any, value: Any) -> None:
        if not isinstance(value, bool):
            raise InputError(f"oxidising_cover must be True or False, got {value!r}", column="oxidising_cover")
        if value and self.site_type not in _MANAGED:
            raise InputError(f"an oxidising cover (OX 0.1) is defined for managed sites only (Table 3.2), not "
                             f"{self.site_type!r}", column="oxidising_cover")

    def doc_of(self, waste: str) -> float:
        """The DOC of *waste* (fraction of wet weight): the site's value, else the default."""
        if waste in self.doc:
            return self.doc[waste]
        if waste not in self.defaults.doc:
            raise InputError(f"no default DOC for {waste!r} (2006 IPCC Vol. 5 Ch. 2 gives none this module "
                             f"ships); give it as Landfill(..., doc={{{waste!r}: value}})", column="doc")
        return self.defaults.doc[waste]

    def k_of(self, waste: str) -> float:
        """The decay rate of *waste* (a year) in the site's climate: the site's value, else Table 3.3."""
        if waste in self.k:
            return self.k[waste]
        cls = WASTE_TYPES[waste]
        key = f"{self.climate}/{cls}"
        if cls is None or key not in self.defaults.k:
            raise InputError(f"no default k for {waste!r} in {self.climate!r} (Table 3.3 has no row for it); give "
                             f"it as Landfill(..., k={{{waste!r}: value}})", column="k")
        return self.defaults.k[key]

    @property
    def mcf(self) -> float:
        """The methane correction factor of the site type (Table 3.1)."""
        return self.defaults.mcf[self.site_type]

    @property
    def ox(self) -> float:
        """The oxidation factor (Table 3.2)."""
        return self.defaults.ox["oxidising_cover" if self.oxidising_cover else "no_oxidising_cover"]

    def ch4(self, deposits: Iterable[Deposit], *, year: int, recovered: float = 0.0) -> LandfillCH4:
        """CH4 generated and emitted in *year* from *deposits*, t CH4.

        Deposits in *year* or later add nothing to it (they start decaying the year after deposit).
        *recovered* is the CH4 recovered (flared or used) in *year*, t CH4.

        Raises
        ------
        InputError
            An item that is not a :class:`Deposit` (the index says which), a waste type with no DOC or k, a
            bad year.
        InvalidQuantityError
            *recovered* negative, or more than the CH4 generated.
        """
        t = year_int(year)
        rec = finite_nonneg(recovered, name="recovered")
        mcf, docf, f = self.mcf, self.defaults.docf, self.defaults.f
        by: dict[str, float] = {}
        for i, d in enumerate(deposits):
            if not isinstance(d, Deposit):
                raise InputError(f"item {i} is a {type(d).__name__}, not a Deposit", rows=[i])
            ddocm = d.tonnes * self.doc_of(d.waste) * docf * mcf
            age = t - d.year
            gen = 0.0
            if age >= 1:
                k = self.k_of(d.waste)
                gen = ddocm * math.exp(-k * (age - 1)) * -math.expm1(-k) * f * 16.0 / 12.0
            by[d.waste] = by.get(d.waste, 0.0) + gen
        generated = math.fsum(by.values())
        if rec > generated * (1 + 1e-12):
            raise InvalidQuantityError(f"recovered CH4 ({rec:g} t) is more than the CH4 generated in {t} "
                                       f"({generated:g} t)", column="recovered")
        ox = self.ox
        emitted = max(generated - rec, 0.0) * (1.0 - ox)
        return LandfillCH4(t, self.site_type, self.climate, generated, rec, ox, emitted, by)


def landfill_inventory(results: Sequence[LandfillCH4], *, region: str, scope: int = 1, site: str | None = None,
                       category: str | None = "solid waste disposal") -> Inventory:
    """One ``landfill.ch4`` row per result: the t CH4 emitted, in its reporting year.

    Raises
    ------
    InputError
        If an item is not a :class:`LandfillCH4` (the index says which).
    """
    rows = []
    for i, r in enumerate(results):
        if not isinstance(r, LandfillCH4):
            raise InputError(f"item {i} is a {type(r).__name__}, not a LandfillCH4", rows=[i])
        rows.append(Activity(LANDFILL_KEY, r.emitted, "t", region=region, year=r.year, scope=scope, site=site,
                             category=category, tags={"method": "IPCC 2006 FOD", "site_type": r.site_type,
                                                      "climate": r.climate}))
    return Inventory(rows)


def landfill_factors(inventory: Inventory) -> FactorSet:
    """The factors the ``landfill.ch4`` rows of *inventory* need: 1 t CH4 per t CH4, one per (region, year)."""
    acts, regs = inventory.activity.categories, inventory.region.categories
    keys = sorted({(regs[r], int(y)) for a, r, y in zip(inventory.activity.codes.tolist(),
                                                        inventory.region.codes.tolist(), inventory.year.tolist())
                   if acts[a] == LANDFILL_KEY})
    return FactorSet.from_factors([Factor(LANDFILL_KEY, reg, y, "t/t", {"CH4": 1.0}, LANDFILL_DEFINITION)
                                   for reg, y in keys])
