"""The standard reduction levers, registered under ``neutralcore.levers`` like any third party's.

=====================  ======================  ==========================================================
entry point            class                   what it changes
=====================  ======================  ==========================================================
``rooftop-solar``      :class:`RooftopSolar`   grid electricity of one site, by self-consumed generation
``efficiency``         :class:`EnergyEfficiency`  chosen activities / sites, by a percentage cut
``fuel-switch``        :class:`FuelSwitch`     one fuel to another (or to electricity), energy-equivalent
``renewable-contract`` :class:`RenewableContract`  market-based scope 2 only (PPA, REC, I-REC, GO)
``ccs``                :class:`CarbonCapture`  captures a share of chosen scope 1 CO2
``tree-planting``      :class:`TreePlanting`   a removal inside the boundary, reported apart
=====================  ======================  ==========================================================

No lever ships an assumed technical number (solar yield, boiler efficiency,
capture rate): the user gives them.  Each entry point names a one-kind :class:`~neutralcore.LeverSet`;
calling it configures the lever (``load("levers", "efficiency")(0.1, activity="electricity")``).
The one data set shipped is
``data/sequestration.csv``, values of the 2006 IPCC Guidelines Vol. 4 with
their table, page and EFDB id (source in ``data/sequestration.toml``).
"""

from __future__ import annotations

import csv
import functools
import io
import sys
from importlib.resources import files
from typing import Any

import attrs
import numpy as np

from neutralcore._core.validators import activity_key, optional_str, region_code, year_int
from neutralcore.errors import LeverError, NeutralcoreError
from neutralcore.measure.factor import FactorSet, FuelProperty, Source
from neutralcore.measure.inventory import Inventory
from neutralcore.levers import (
    Capture,
    Lever,
    LeverSet,
    Removal,
    _activities,
    _selection,
    fraction,
    nonnegative,
    parameter,
    positive,
)
from neutralcore.measure.scope2 import ContractualInstrument
from neutralcore.units import dimension_of, multiplier

__all__ = [
    "RooftopSolar",
    "EnergyEfficiency",
    "FuelSwitch",
    "RenewableContract",
    "CarbonCapture",
    "TreePlanting",
    "SequestrationRate",
    "sequestration_rate",
    "sequestration_table",
    "standard",
    "rooftop_solar",
    "efficiency",
    "fuel_switch",
    "renewable_contract",
    "ccs",
    "tree_planting",
]

_C_TO_CO2 = 44.0 / 12.0
_HOURS_PER_YEAR = 8784.0  # a leap year: the most kWh one kWp can make in a year


def _site_mask(inv: Inventory, site: Any) -> np.ndarray:
    return inv.mask(site=site) if site is not None else np.ones(len(inv), dtype=bool)


def _unit_mult(inv: Inventory, unit: str, what: str, rows: np.ndarray) -> np.ndarray:
    """Per unit category of *inv* used by *rows*: multiplier to *unit* (one pint call per distinct unit)."""
    out = np.full(len(inv.unit.categories), np.nan)
    try:
        for c in np.unique(inv.unit.codes[rows]).tolist():
            out[c] = multiplier(inv.unit.categories[c], unit)
    except Exception as exc:
        raise LeverError(f"{what}: {exc}") from None
    return out


def _optional_nonneg(inst: Any, attr: Any, value: Any) -> None:
    if value is not None:
        nonnegative(inst, attr, value)


# ---------------------------------------------------------------------------------------------
# rooftop solar


@attrs.frozen
class RooftopSolar(Lever):
    """On-site solar that displaces grid electricity bought by one site (self-consumption only).

    Generation = ``capacity x specific_yield``.  Within each year it displaces at
    most what the site buys (rows of *activity*, scope 2, at *site*), spread
    pro rata over those rows; exported power is not credited.

    Parameters
    ----------
    capacity : float
        Peak capacity in *capacity_unit* (default kWp), >= 0.
    specific_yield : float
        kWh per kWp per year at the site (take it from a yield study; none is assumed).
    site : str, optional
        The site it is built on; required when the inventory has several sites.
    activity : str
        The grid electricity activity it displaces (default ``electricity.grid``).
    """

    kind = "rooftop-solar"
    description = "On-site solar PV displacing grid electricity of its site (self-consumed only; exports not credited)."

    capacity: float = parameter("kWp", "peak capacity", validator=nonnegative)
    specific_yield: float = parameter("kWh/kWp/yr", "annual yield per kWp at the site", validator=positive)
    site: str | None = attrs.field(default=None, converter=optional_str)
    activity: str = attrs.field(default="electricity.grid", converter=activity_key)
    capacity_unit: str = attrs.field(default="kWp")

    @capacity_unit.validator
    def _check_unit(self, _a: Any, unit: str) -> None:
        try:
            multiplier(unit, "kWp")
        except Exception:
            raise LeverError(f"RooftopSolar.capacity_unit {unit!r} is not a power (kWp, MWp)", field="capacity_unit") from None

    @activity.validator
    def _check_activity(self, _a: Any, act: str) -> None:
        if not act.startswith("electricity"):
            raise LeverError(f"RooftopSolar displaces electricity, not {act!r}", field="activity")

    @specific_yield.validator
    def _check_yield(self, _a: Any, value: float) -> None:
        if value > _HOURS_PER_YEAR:
            raise LeverError(
                f"RooftopSolar.specific_yield {value:g} kWh/kWp/yr is above {_HOURS_PER_YEAR:g} (one kWp running at "
                "full power every hour of the year, a capacity factor above 100 %); give kWh per kWp per year",
                field="specific_yield", value=value,
            )

    @property
    def generation_mwh(self) -> float:
        """Annual generation in MWh."""
        return self.capacity * multiplier(self.capacity_unit, "kWp") * self.specific_yield / 1000.0

    def _rows(self, inv: Inventory) -> np.ndarray:
        m = self.require(inv, inv.mask(activity=self.activity, scope=2), f"grid electricity ({self.activity}, scope 2)")
        if self.site is not None:
            m = self.require(inv, m & inv.mask(site=self.site), f"grid electricity bought by site {self.site!r}")
        else:
            sites = set(inv.site.categories[c] for c in np.unique(inv.site.codes[m]))
            if len(sites) > 1:
                raise LeverError(
                    f"lever {self.name!r}: the inventory buys grid electricity at {len(sites)} sites "
                    f"({', '.join(map(str, sorted(sites, key=str)))}); name the site the panels are on",
                    lever=self.name,
                )
        return m

    def apply(self, inventory: Inventory, year: int) -> Inventory:
        m = self._rows(inventory)
        idx = np.flatnonzero(m)
        to_mwh = _unit_mult(inventory, "MWh", f"lever {self.name!r}", idx)
        q_mwh = inventory.quantity[idx] * to_mwh[inventory.unit.codes[idx]]
        years, g = np.unique(inventory.year[idx], return_inverse=True)
        bought = np.bincount(g, weights=q_mwh, minlength=len(years))
        gen = self.generation_mwh
        share = np.ones(len(years))  # all displaced where generation covers what is bought
        part = bought > gen
        share[part] = gen / bought[part]
        q = inventory.quantity.copy()
        q[idx] = q[idx] * (1.0 - share[g])
        return inventory.with_quantity(q)

    def exported_mwh(self, inventory: Inventory) -> float:
        """Generation not self-consumed (not credited), summed over the inventory's years."""
        m = self._rows(inventory)
        to_mwh = _unit_mult(inventory, "MWh", f"lever {self.name!r}", m)
        q_mwh = inventory.quantity[m] * to_mwh[inventory.unit.codes[m]]
        years, g = np.unique(inventory.year[m], return_inverse=True)
        bought = np.bincount(g, weights=q_mwh, minlength=len(years))
        return float(np.maximum(0.0, self.generation_mwh - bought).sum())


# ---------------------------------------------------------------------------------------------
# energy efficiency


@attrs.frozen
class EnergyEfficiency(Lever):
    """A percentage cut to chosen activities and/or sites (e.g. LED lighting, VSDs, insulation).

    Parameters
    ----------
    cut : float
        Share saved, 0-1 (0.15 = 15 %).
    activity : str or sequence of str, optional
        Activities cut (dotted prefix: ``"fuel"`` matches every fuel).
    site : str or sequence of str, optional
        Sites cut.  At least one of *activity* and *site* must be given.
    """

    kind = "efficiency"
    description = "Cuts the chosen activities or sites by a percentage."

    cut: float = parameter("1", "share of the chosen activity saved (0.15 = 15 %)", validator=fraction)
    activity: tuple[str, ...] | None = attrs.field(default=None, converter=_activities)
    site: tuple[str, ...] | None = attrs.field(default=None, converter=_selection)

    def __attrs_post_init__(self) -> None:
        if self.activity is None and self.site is None:
            raise LeverError("EnergyEfficiency needs activity= and/or site= (what the cut applies to)", field="activity")

    def apply(self, inventory: Inventory, year: int) -> Inventory:
        crit: dict[str, Any] = {}
        if self.activity is not None:
            crit["activity"] = self.activity
        if self.site is not None:
            crit["site"] = self.site
        what = " at ".join(x for x in (
            f"activity {', '.join(self.activity)}" if self.activity else "",
            f"site {', '.join(map(str, self.site))}" if self.site else "") if x)
        m = self.require(inventory, inventory.mask(**crit), what)
        return inventory.with_quantity(np.where(m, inventory.quantity * (1.0 - self.cut), inventory.quantity))


# ---------------------------------------------------------------------------------------------
# fuel switch


def _energy_per_unit(units: tuple[str, ...], ncv: FuelProperty | None, density: FuelProperty | None, fuel: str) -> np.ndarray:
    """TJ per unit of each of *units* (energy directly; mass via NCV; volume via density and NCV)."""
    out = np.empty(len(units))
    for i, u in enumerate(units):
        dim = dimension_of(u)
        if dim == dimension_of("TJ"):
            out[i] = multiplier(u, "TJ")
        elif dim == dimension_of("kg"):
            if ncv is None:
                raise LeverError(f"{fuel} in {u!r} needs its net calorific value (ncv=, or FuelSwitch.from_factors)")
            out[i] = multiplier(u, "kg") * ncv.canonical()
        elif dim == dimension_of("m^3"):
            if ncv is None or density is None:
                raise LeverError(f"{fuel} in {u!r} needs its density and net calorific value (or FuelSwitch.from_factors)")
            out[i] = multiplier(u, "m^3") * density.canonical() * ncv.canonical()
        else:
            raise LeverError(f"{fuel}: unit {u!r} is not an energy, mass or volume")
    return out


def _is_electricity(act: str) -> bool:
    return act == "electricity" or act.startswith("electricity.")


def _opt_property(name: str) -> Any:
    def check(inst: Any, attr: Any, value: Any) -> None:
        if value is not None and (not isinstance(value, FuelProperty) or value.name != name):
            raise LeverError(f"{type(inst).__name__}.{attr.name} must be a FuelProperty named {name!r}", field=attr.name)
    return check


@attrs.frozen
class FuelSwitch(Lever):
    """Replace (a share of) one fuel by another at equal useful energy.

    ``useful = E_from x from_efficiency``; the new fuel's energy is
    ``useful / to_efficiency``.  Energy comes from the rows' units: energy
    units directly, mass through the net calorific value, volume through
    density and NCV (:meth:`from_factors` takes these from a factor set, e.g.
    the IPCC pack).  It acts on the **scope 1** rows of *from_activity* (fuel
    burned in the organisation's own equipment; rows of that fuel in other
    scopes are left alone, and none in scope 1 is a :class:`LeverError`).  New
    rows of *to_activity* are added (scope 2 for electricity, else scope 1)
    beside the old rows, which keep ``1 - share``.

    Parameters
    ----------
    from_activity, to_activity : str
        E.g. ``"fuel.diesel.stationary"`` -> ``"fuel.natural_gas.stationary"``,
        or ``"fuel.lpg.stationary"`` -> ``"electricity.grid"``.
    share : float
        Share of the old fuel replaced, 0-1.
    from_efficiency, to_efficiency : float
        Conversion efficiencies of the old and new equipment (0-1; for an
        electric heat pump the coefficient of performance, up to 10).
    to_unit : str, optional
        Unit of the new rows: default ``"MWh"`` for electricity, ``"GJ"`` otherwise.
    site : str or sequence of str, optional
        Only these sites.
    """

    kind = "fuel-switch"
    description = "Switches a fuel to another fuel or to electricity at equal useful energy (NCVs and efficiencies)."

    from_activity: str = attrs.field(converter=activity_key)
    to_activity: str = attrs.field(converter=activity_key)
    share: float = parameter("1", "share of the old fuel replaced", default=1.0, validator=fraction)
    from_efficiency: float = parameter("1", "efficiency of the old equipment", default=1.0, validator=positive)
    to_efficiency: float = parameter("1", "efficiency (or COP) of the new equipment", default=1.0, validator=positive)
    to_unit: str | None = attrs.field(default=None, converter=optional_str)
    site: tuple[str, ...] | None = attrs.field(default=None, converter=_selection)
    from_ncv: FuelProperty | None = attrs.field(default=None, validator=_opt_property("ncv"))
    from_density: FuelProperty | None = attrs.field(default=None, validator=_opt_property("density"))
    to_ncv: FuelProperty | None = attrs.field(default=None, validator=_opt_property("ncv"))
    to_density: FuelProperty | None = attrs.field(default=None, validator=_opt_property("density"))

    def __attrs_post_init__(self) -> None:
        if self.from_activity == self.to_activity:
            raise LeverError(f"FuelSwitch from and to the same activity {self.from_activity!r}", field="to_activity")
        if _is_electricity(self.from_activity):
            raise LeverError("FuelSwitch switches away from a fuel; for electricity use efficiency or solar levers",
                             field="from_activity")
        if self.from_efficiency > 1:
            raise LeverError(f"FuelSwitch.from_efficiency {self.from_efficiency:g} is above 100 %", field="from_efficiency")
        limit = 10.0 if _is_electricity(self.to_activity) else 1.0
        if self.to_efficiency > limit:
            what = "a coefficient of performance above 10" if limit > 1 else "above 100 % for a fuel"
            raise LeverError(f"FuelSwitch.to_efficiency {self.to_efficiency:g} is {what}", field="to_efficiency")
        unit = self.target_unit
        try:
            dim = dimension_of(unit)
        except Exception as exc:
            raise LeverError(f"FuelSwitch.to_unit {unit!r}: {exc}", field="to_unit") from None
        if dim not in (dimension_of("TJ"), dimension_of("kg"), dimension_of("m^3")):
            raise LeverError(f"FuelSwitch.to_unit {unit!r} is not an energy, mass or volume", field="to_unit")
        if _is_electricity(self.to_activity) and dim != dimension_of("TJ"):
            raise LeverError(f"electricity is measured in energy units, not {unit!r}", field="to_unit")

    @property
    def target_unit(self) -> str:
        return self.to_unit or ("MWh" if _is_electricity(self.to_activity) else "GJ")

    @classmethod
    def from_factors(cls, factors: FactorSet, from_activity: str, to_activity: str, **kwargs: Any) -> "FuelSwitch":
        """Build a switch taking each fuel's NCV and density from *factors* (e.g. ``load_factors("ipcc")``)."""
        if not isinstance(factors, FactorSet):
            raise LeverError(f"factors must be a FactorSet, got {type(factors).__name__}")

        def props(act: str) -> tuple[FuelProperty | None, FuelProperty | None]:
            exact = [f for f in factors.where(activity=act) if f.activity == act]
            if not exact:
                raise LeverError(f"the factor set has no factor for {act!r} to take its fuel properties from")
            ncv = next((f.ncv for f in exact if f.ncv is not None), None)
            dens = next((f.density for f in exact if f.density is not None), None)
            return ncv, dens

        fn, fd = props(activity_key(from_activity))
        tn, td = (None, None) if _is_electricity(to_activity) else props(activity_key(to_activity))
        kwargs.setdefault("from_ncv", fn)
        kwargs.setdefault("from_density", fd)
        kwargs.setdefault("to_ncv", tn)
        kwargs.setdefault("to_density", td)
        return cls(from_activity, to_activity, **kwargs)

    def apply(self, inventory: Inventory, year: int) -> Inventory:
        m = inventory.mask(activity=self.from_activity)
        m = self.require(inventory, m, f"{self.from_activity}")
        own = m & inventory.mask(scope=1)
        if not own.any():
            scopes = sorted({str(inventory.scope.categories[c]) for c in np.unique(inventory.scope.codes[m])})
            raise LeverError(
                f"lever {self.name!r}: a fuel switch replaces fuel burned in the organisation's own equipment "
                f"(scope 1); the {self.from_activity} rows are in scope {', '.join(scopes)}",
                lever=self.name,
            )
        m = own
        if self.site is not None:
            m = self.require(inventory, m & inventory.mask(site=self.site), f"{self.from_activity} at site {', '.join(self.site)}")
        idx = np.flatnonzero(m)
        used = np.unique(inventory.unit.codes[idx])
        tj = np.full(len(inventory.unit.categories), np.nan)
        tj[used] = _energy_per_unit(tuple(inventory.unit.categories[c] for c in used.tolist()), self.from_ncv,
                                    self.from_density, self.from_activity)
        useful_tj = inventory.quantity[idx] * tj[inventory.unit.codes[idx]] * self.share * self.from_efficiency
        new_tj = useful_tj / self.to_efficiency
        per_unit = _energy_per_unit((self.target_unit,), self.to_ncv, self.to_density, self.to_activity)[0]
        q_old = inventory.quantity.copy()
        q_old[idx] *= 1.0 - self.share
        sub = inventory.take(idx)
        new_rows = Inventory.from_columns(
            activity=self.to_activity, quantity=new_tj / per_unit, unit=self.target_unit, region=sub.region,
            year=sub.year, scope=2 if _is_electricity(self.to_activity) else 1, category=sub.category, site=sub.site,
            **dict(sub.dims),
        )
        return Inventory.concat([inventory.with_quantity(q_old), new_rows])


# ---------------------------------------------------------------------------------------------
# renewable electricity contracts


@attrs.frozen
class RenewableContract(Lever):
    """A renewable-electricity contract or certificate purchase: acts on market-based scope 2 only.

    Activities are unchanged (location-based scope 2 stays as it is); the lever
    yields a :class:`~neutralcore.ContractualInstrument` per year it is active,
    of vintage *vintage* (default: that year), which
    :func:`neutralcore.measure.scope2.market_based` applies if it meets the quality
    criteria.

    Parameters
    ----------
    mwh : float
        MWh per year covered.
    instrument : str
        ``"PPA"``, ``"REC"``, ``"I-REC"``, ``"GO"`` or ``"GREEN-TARIFF"``.
    market : str
        Region code of the market the instruments come from.
    retired_for : str, optional
        Entity they are retired for (should be the reporting entity).
    rate : float
        t CO2/MWh conveyed (0 for renewable generation).
    vintage : int, optional
        Fixed vintage; default the year the lever is applied to.
    """

    kind = "renewable-contract"
    description = "Renewable electricity bought by contract or certificate (PPA, REC, I-REC, GO); market-based scope 2 only."

    mwh: float = parameter("MWh", "electricity covered per year", validator=nonnegative)
    instrument: str = attrs.field(default="PPA")
    market: str = attrs.field(default=None, kw_only=True, converter=attrs.converters.optional(region_code))
    retired_for: str | None = attrs.field(default=None, kw_only=True, converter=optional_str)
    rate: float = parameter("t/MWh", "emission rate conveyed", default=0.0, validator=nonnegative, kw_only=True)
    vintage: int | None = attrs.field(default=None, kw_only=True, converter=attrs.converters.optional(year_int))

    def __attrs_post_init__(self) -> None:
        if self.market is None:
            raise LeverError("RenewableContract needs market= (the region code its instruments come from)", field="market")
        try:  # validates kind and market
            ContractualInstrument(self.instrument, self.mwh, market=self.market, vintage=2000)
        except NeutralcoreError as exc:
            field = "instrument" if getattr(exc, "column", None) == "kind" else "market"
            raise LeverError(f"RenewableContract.{field}: {exc.message.split(': ', 1)[-1]}", field=field,
                             value=getattr(self, field)) from None

    def apply(self, inventory: Inventory, year: int) -> Inventory:
        self.require(inventory, inventory.mask(activity="electricity", scope=2), "scope 2 electricity")
        return inventory

    def instruments(self, inventory: Inventory, year: int) -> tuple[ContractualInstrument, ...]:
        return (ContractualInstrument(
            self.instrument, self.mwh, market=self.market, vintage=self.vintage or year,
            retired_for=self.retired_for, rate=self.rate, id=f"{self.name} {self.vintage or year}",
        ),)


# ---------------------------------------------------------------------------------------------
# carbon capture


@attrs.frozen
class CarbonCapture(Lever):
    """Carbon capture and storage on chosen scope 1 sources.

    A share *capture_rate* of the CO2 of the selected scope 1 rows (chosen by
    *activity* and/or *site*; one of them is required) is captured
    (CH4 and N2O are not); the lever returns a :class:`~neutralcore.levers.Capture`
    record that scenarios subtract from scope 1 and report as ``captured``.  An
    *energy_penalty* (extra fuel burned to run the capture plant, a share of the
    fuel) raises the selected rows' quantities first.  Captures on the same
    rows act in series (see :meth:`~neutralcore.levers.Outcome.captured`).

    Parameters
    ----------
    capture_rate : float
        Share of the selected rows' CO2 captured, 0-1 (no default is assumed).
    activity : str or sequence of str, optional
        Scope 1 activities served (dotted prefix).
    site : str or sequence of str, optional
        Sites served.  At least one of *activity* and *site* must be given.
    energy_penalty : float
        Extra fuel burned by the capture plant, as a share of the sources' fuel (0-1, default 0).
        A penalty that the capture does not outweigh, ``(1 + penalty) * (1 - capture_rate) >= 1``,
        is refused: the lever would raise the CO2 it claims to cut.
    """

    kind = "ccs"
    description = "Captures a share of the CO2 of chosen scope 1 sources (reported as captured)."

    capture_rate: float = parameter("1", "share of the sources' CO2 captured", validator=fraction)
    activity: tuple[str, ...] | None = attrs.field(default=None, converter=_activities)
    site: tuple[str, ...] | None = attrs.field(default=None, converter=_selection)
    energy_penalty: float = parameter("1", "extra fuel as a share of the source's fuel", default=0.0,
                                      validator=fraction, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if (1.0 + self.energy_penalty) * (1.0 - self.capture_rate) >= 1.0 and self.energy_penalty > 0:
            raise LeverError(
                f"CarbonCapture: capturing {self.capture_rate:.1%} of the CO2 while burning {self.energy_penalty:.1%} more "
                f"fuel leaves {(1.0 + self.energy_penalty) * (1.0 - self.capture_rate):.1%} of the sources' CO2: the "
                "plant would add CO2, not cut it", field="energy_penalty")
        if self.activity is None and self.site is None:
            raise LeverError("CarbonCapture needs activity= and/or site= (the scope 1 sources its capture plant serves; "
                             "a capture rate on every scope 1 row would include vehicles and other small sources)",
                             field="activity")

    def _rows(self, inv: Inventory) -> np.ndarray:
        crit: dict[str, Any] = {}
        if self.activity is not None:
            crit["activity"] = self.activity
        if self.site is not None:
            crit["site"] = self.site
        chosen = inv.mask(**crit)
        what = f"scope 1 sources ({', '.join(self.activity) if self.activity else 'any activity'})"
        if chosen.any() and not (chosen & inv.mask(scope=1)).any():
            raise LeverError(f"lever {self.name!r}: CCS acts on scope 1 sources; the chosen rows are in scope "
                             f"{', '.join(sorted({str(inv.scope.categories[c]) for c in np.unique(inv.scope.codes[chosen])}))}",
                             lever=self.name)
        return self.require(inv, chosen & inv.mask(scope=1), what)

    def apply(self, inventory: Inventory, year: int) -> Inventory:
        m = self._rows(inventory)
        if self.energy_penalty == 0:
            return inventory
        return inventory.with_quantity(np.where(m, inventory.quantity * (1.0 + self.energy_penalty), inventory.quantity))

    def captures(self, inventory: Inventory, year: int) -> tuple[Capture, ...]:
        return (Capture(self.name, self.capture_rate, activity=self.activity, site=self.site),)


# ---------------------------------------------------------------------------------------------
# tree planting


@attrs.frozen
class SequestrationRate:
    """A sourced sequestration rate: t CO2 per *per* per year, with how it was derived."""

    key: str
    value: float
    per: str  # "ha", "tree" or "ha crown cover"
    source: Source
    derivation: str
    low: float | None = None
    high: float | None = None
    confidence: str = "DERIVED"


@functools.lru_cache(maxsize=1)
def _sequestration_rows() -> dict[str, dict[str, str]]:
    text = (files("neutralcore.plugins") / "data" / "sequestration.csv").read_text(encoding="utf-8")
    return {r["key"]: r for r in csv.DictReader(io.StringIO(text))}


@functools.lru_cache(maxsize=1)
def _sequestration_source() -> Source:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    meta = tomllib.loads((files("neutralcore.plugins") / "data" / "sequestration.toml").read_text(encoding="utf-8"))["source"]
    return Source(meta["publisher"], meta["document"], meta["year"], url=meta.get("url"), note=meta.get("note"))


def sequestration_table() -> Any:
    """The shipped IPCC 2006 Vol. 4 values (growth, carbon fraction, root ratio, urban trees) as a Table."""
    from neutralcore._core.table import Table

    rows = list(_sequestration_rows().values())
    return Table({c: [r[c] for r in rows] for c in rows[0]}, title="IPCC 2006 Vol. 4 values shipped with neutralcore")


def _num(row: dict[str, str], bound: str) -> float:
    v = row["value" if bound == "central" else bound]
    if not v:
        raise LeverError(f"{row['key']} has no {bound} value in the source (published as "
                         f"{row['low']}-{row['high']}); choose bound='low' or 'high'", key=row["key"])
    return float(v)


def sequestration_rate(key: str, *, roots: str | float | None = None, bound: str = "central") -> SequestrationRate:
    """A sequestration rate in t CO2 per ha (or per tree) per year, DERIVED from IPCC 2006 Vol. 4 values.

    * ``plantation.<zone>.<region>`` (Table 4.10, t dry matter/ha/yr above ground):
      ``growth x (1 + R) x CF x 44/12`` with CF = 0.47 t C/t dm (Table 4.3,
      "all", tropical and subtropical) and R the root-to-shoot ratio: ``roots=None``
      counts above-ground growth only (R = 0); give a Table 4.4 key
      (``"root_ratio.tropical_moist_deciduous_forest_above_ground_biomass_lt125_tonnes_ha"``)
      or a number.
    * ``urban_tree.<species>`` (Table 8.2, t C/tree/yr) and ``urban_crown.<region>``
      (Table 8.1, t C/ha of crown cover/yr): ``x 44/12``.

    *bound* picks the published ``"central"`` value or the ``"low"`` / ``"high"``
    end of its range.

    >>> r = sequestration_rate("plantation.tropical_moist_deciduous_forest.asia")
    >>> round(r.value, 4), r.per
    (13.7867, 'ha')
    """
    rows = _sequestration_rows()
    if key not in rows:
        near = [k for k in rows if k.startswith(key.rsplit(".", 1)[0])][:8]
        raise LeverError(f"no sequestration value {key!r}" + (f"; similar: {', '.join(near)}" if near else ""), key=key)
    if bound not in ("central", "low", "high"):
        raise LeverError(f"bound must be 'central', 'low' or 'high', got {bound!r}")
    row = rows[key]
    src = _sequestration_source()
    loc = f"IPCC 2006 Vol. 4 Table {row['table']} p. {row['page']} (EFDB {row['efdb_id']})"
    if row["quantity"] == "growth":
        cf = float(rows["carbon_fraction.tropical_and_subtropical"]["value"])
        if roots is None:
            r, rtxt = 0.0, "above-ground only (R = 0)"
        elif isinstance(roots, str):
            if roots not in rows or rows[roots]["quantity"] != "root_ratio":
                raise LeverError(f"{roots!r} is not a root_ratio key (Table 4.4)", key=roots)
            r, rtxt = float(rows[roots]["value"]), f"R = {rows[roots]['value']} ({roots}, Table 4.4)"
        else:
            r = float(roots)
            if not 0 <= r <= 2:
                raise LeverError(f"root-to-shoot ratio {roots!r} is outside 0-2")
            rtxt = f"R = {r:g} (given)"
        k = (1.0 + r) * cf * _C_TO_CO2

        def conv(x: str) -> float | None:
            return float(x) * k if x else None

        return SequestrationRate(
            key, _num(row, bound) * k, "ha", src,
            f"DERIVED: {bound} growth {_num(row, bound):g} t dm/ha/yr ({loc}) x (1 + R) x CF {cf:g} t C/t dm "
            f"(Table 4.3) x 44/12; {rtxt}",
            conv(row["low"]), conv(row["high"]),
        )
    if row["quantity"] in ("carbon_per_tree", "carbon_per_crown_ha"):
        per = "tree" if row["quantity"] == "carbon_per_tree" else "ha crown cover"
        return SequestrationRate(
            key, _num(row, bound) * _C_TO_CO2, per, src,
            f"DERIVED: {_num(row, bound):g} {row['unit']} ({loc}) x 44/12; {row['notes']}",
        )
    raise LeverError(f"{key!r} is a {row['quantity']}, not a sequestration rate", key=key)


def _rate(value: Any) -> SequestrationRate:
    if isinstance(value, SequestrationRate):
        return value
    if isinstance(value, str):
        return sequestration_rate(value)
    raise LeverError(f"rate must be a SequestrationRate or a key of sequestration_rate(), got {value!r}", field="rate")


@attrs.frozen
class TreePlanting(Lever):
    """Tree planting / reforestation inside the boundary: a removal, reported apart from emissions.

    Removal per year = ``area x rate`` (or ``trees x rate`` for a per-tree rate),
    from *planted* (default: whenever the lever is active) for *duration* years
    (default: open-ended; IPCC Table 4.10 growth rates are for young
    plantations, so a duration of about 20 years is prudent).

    Parameters
    ----------
    rate : SequestrationRate or str
        E.g. ``"plantation.tropical_moist_deciduous_forest.asia"`` (see :func:`sequestration_rate`).
    area : float, optional
        Hectares (for per-ha rates).
    trees : float, optional
        Number of trees (for per-tree rates).
    planted : int, optional
        Year planted: no removal before it.
    duration : int, optional
        Years of growth counted from *planted* (whole years >= 1).
    site : str, optional
        Site inside the boundary where the trees stand (checked against the inventory).
    """

    kind = "tree-planting"
    description = "Trees planted inside the boundary; CO2 removed is reported separately, never netted silently."

    rate: SequestrationRate = attrs.field(converter=_rate)
    area: float | None = parameter("ha", "area planted", default=None, validator=_optional_nonneg)
    trees: float | None = parameter("1", "number of trees", default=None, validator=_optional_nonneg)
    planted: int | None = attrs.field(default=None, kw_only=True, converter=attrs.converters.optional(year_int))
    duration: int | None = attrs.field(default=None, kw_only=True)
    site: str | None = attrs.field(default=None, kw_only=True, converter=optional_str)

    def __attrs_post_init__(self) -> None:
        if self.rate.per == "tree":
            if self.trees is None or self.area is not None:
                raise LeverError(f"rate {self.rate.key!r} is per tree: give trees=, not area=", field="trees")
        elif self.area is None or self.trees is not None:
            raise LeverError(f"rate {self.rate.key!r} is per {self.rate.per}: give area= (ha), not trees=", field="area")
        if self.duration is not None and (isinstance(self.duration, bool) or not isinstance(self.duration, int)
                                          or self.duration < 1):
            raise LeverError(f"TreePlanting.duration must be a whole number of years >= 1, got {self.duration!r}",
                             field="duration")

    @property
    def amount(self) -> float:
        return float(self.trees if self.rate.per == "tree" else self.area)  # type: ignore[arg-type]

    def apply(self, inventory: Inventory, year: int) -> Inventory:
        if self.site is not None:
            self.require(inventory, inventory.mask(site=self.site), f"site {self.site!r} inside the boundary")
        return inventory

    def removals(self, inventory: Inventory, year: int) -> tuple[Removal, ...]:
        if self.planted is not None and (year < self.planted or (self.duration and year >= self.planted + self.duration)):
            return ()
        unit = "trees" if self.rate.per == "tree" else self.rate.per
        return (Removal(
            self.name, year, self.amount * self.rate.value,
            f"{self.amount:g} {unit} x {self.rate.value:.4f} t CO2/{self.rate.per}/yr; {self.rate.derivation}",
            self.rate.source,
        ),)


# entry-point objects: one set per kind, callable to configure it (see LeverSet.__call__)
rooftop_solar = LeverSet.of(RooftopSolar)
efficiency = LeverSet.of(EnergyEfficiency)
fuel_switch = LeverSet.of(FuelSwitch)
renewable_contract = LeverSet.of(RenewableContract)
ccs = LeverSet.of(CarbonCapture)
tree_planting = LeverSet.of(TreePlanting)

standard = LeverSet(
    "standard",
    (RooftopSolar, EnergyEfficiency, FuelSwitch, RenewableContract, CarbonCapture, TreePlanting),
    "The built-in lever kinds of neutralcore.",
)
