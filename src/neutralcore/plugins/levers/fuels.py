"""Switching one fuel to another, or to electricity, at equal useful energy (:class:`FuelSwitch`)."""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from neutralcore._core.validators import activity_key, optional_str
from neutralcore.errors import LeverError
from neutralcore.levers import Lever, fraction, labels, parameter, positive
from neutralcore.measure.factor import FactorSet, FuelProperty
from neutralcore.measure.inventory import Inventory
from neutralcore.units import dimension_of, multiplier

__all__ = ["FuelSwitch"]


def _energy_per_unit(units: tuple[str, ...], ncv: FuelProperty | None, density: FuelProperty | None, fuel: str) -> np.ndarray:
    """TJ per unit of each of *units*: energy directly; mass and volume through the NCV (per mass or per volume)
    and the density."""
    per_kg = per_m3 = None
    if ncv is not None:
        if ncv.per not in ("mass", "volume") or (density is not None and density.per != "volume"):
            raise LeverError(f"{fuel}: FuelSwitch reads an NCV per mass or volume and a density per volume; "
                             f"got {ncv.unit!r}" + (f" and {density.unit!r}" if density is not None else ""))
        if ncv.per == "mass":
            per_kg = ncv.canonical()
            per_m3 = per_kg * density.canonical() if density is not None else None
        else:
            per_m3 = ncv.canonical()
            per_kg = per_m3 / density.canonical() if density is not None else None
    out = np.empty(len(units))
    for i, u in enumerate(units):
        dim = dimension_of(u)
        if dim == dimension_of("TJ"):
            out[i] = multiplier(u, "TJ")
        elif dim == dimension_of("kg"):
            if per_kg is None:
                need = "net calorific value" if ncv is None else "density (its NCV is per volume)"
                raise LeverError(f"{fuel} in {u!r} needs its {need} (ncv=, density=, or FuelSwitch.from_factors)")
            out[i] = multiplier(u, "kg") * per_kg
        elif dim == dimension_of("m^3"):
            if per_m3 is None:
                raise LeverError(f"{fuel} in {u!r} needs its density and net calorific value (or FuelSwitch.from_factors)")
            out[i] = multiplier(u, "m^3") * per_m3
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


@attrs.frozen(repr=False)  # Lever.__repr__: one line of key figures
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
    row_independent = True

    from_activity: str = attrs.field(converter=activity_key)
    to_activity: str = attrs.field(converter=activity_key)
    share: float = parameter("1", "share of the old fuel replaced", default=1.0, validator=fraction)
    from_efficiency: float = parameter("1", "efficiency of the old equipment", default=1.0, validator=positive)
    to_efficiency: float = parameter("1", "efficiency (or COP) of the new equipment", default=1.0, validator=positive)
    to_unit: str | None = attrs.field(default=None, converter=optional_str)
    site: tuple[str, ...] | None = attrs.field(default=None, converter=labels)
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
        new_rows = Inventory.from_columns(  # from_columns drops the categories the new rows do not use
            activity=self.to_activity, quantity=new_tj / per_unit, unit=self.target_unit,
            region=inventory.region.take(idx), year=inventory.year[idx],
            scope=2 if _is_electricity(self.to_activity) else 1, category=inventory.category.take(idx),
            site=inventory.site.take(idx), **{k: v.take(idx) for k, v in inventory.dims.items()},
        )
        return Inventory.concat([inventory.with_quantity(q_old), new_rows])
