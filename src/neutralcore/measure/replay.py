"""Replaying a locked run: the same inventory recomputed from its lockfile, and exactly what differs.

:func:`replay` is what a verifier runs: given a lockfile (``Emissions.lock``) and the inventory, it rebuilds the
factors (``FactorSet.from_lock``) and the run options the lockfile recorded (``strict``, ``upstream``, the
exchange-rate and price-index rows used, the scope 2 instruments and supplier rates), recomputes, locks the new
result in memory and compares the two: the inventory (row count and SHA-256), the total, the GWP set, the run
options and every factor field (:func:`~neutralcore.measure.lock.lock_diff`).  An empty ``differences`` table
means the figures are the same.

Examples
--------
>>> import pathlib, tempfile
>>> import neutralcore as nc
>>> src = nc.Source("MONRE/DCC", "Viet Nam grid emission factor 2023", 2024)
>>> fs = nc.FactorSet.from_factors([nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, src)])
>>> inv = nc.Inventory([nc.Activity("electricity.grid", 1_200, "MWh", region="VN", year=2023, scope=2)])
>>> path = pathlib.Path(tempfile.mkdtemp()) / "run.lock.json"
>>> _ = inv.emissions(fs, strict=True).lock(path)
>>> r = replay(path, inv)
>>> r.same, r.emissions.total()
(True, 791.04)
>>> more = nc.Inventory([nc.Activity("electricity.grid", 1_300, "MWh", region="VN", year=2023, scope=2)])
>>> [(d["key"], d["field"], d["before"], d["after"]) for d in replay(path, more).differences.to_dicts()][1:]
[('total', 'total_t', 791.04, 856.96)]
"""

from __future__ import annotations

import os
from typing import Any, Mapping

import attrs

from neutralcore._core.table import Table
from neutralcore.errors import InputError, NeutralcoreError
from neutralcore.measure.emissions import Emissions
from neutralcore.measure.factor import FactorSet
from neutralcore.measure.factorvalue import Source
from neutralcore.measure.inventory import Inventory
from neutralcore.measure.lock import lock_data, lock_diff, read_lock
from neutralcore.measure.scope2 import ContractualInstrument, SupplierRate
from neutralcore.measure.spend import ExchangeRates, PriceIndex

__all__ = ["Replay", "replay", "run_options"]

_COLUMNS = ("key", "gas", "field", "before", "after", "change", "status", "source")


def _source(d: Mapping[str, Any]) -> Source:
    return Source(d["publisher"], d["document"], d["year"], url=d.get("url"), note=d.get("note"))


def run_options(data: Mapping[str, Any], *, source: str | None = None) -> dict[str, Any]:
    """The keyword arguments of ``Inventory.emissions()`` a lockfile's ``options`` record (none for an older one).

    Raises
    ------
    InputError
        An option that cannot be rebuilt (a rate row, an instrument...), naming the lockfile and the option.
    """
    options = data.get("options") or {}
    out: dict[str, Any] = {}
    try:
        if options.get("strict"):
            out["strict"] = True
        if options.get("upstream"):
            out["upstream"] = True
        if "rates" in options:
            out["rates"] = ExchangeRates.from_rows([(r["year"], r["from"], r["to"], r["rate"], _source(r["source"]))
                                                    for r in options["rates"]])
        if "prices" in options:
            out["prices"] = PriceIndex.from_rows([(r["currency"], r["year"], r["value"], _source(r["source"]))
                                                  for r in options["prices"]])
        if "scope2" in options:
            s2 = options["scope2"]
            window = s2.get("vintage_window")
            out.update(
                scope2=s2.get("method"), entity=s2.get("entity"),
                vintage_window=tuple(window) if isinstance(window, list) else window,
                instruments=[ContractualInstrument(i["kind"], i["mwh"], market=i["market"], vintage=i["vintage"],
                                                   retired_for=i.get("retired_for"), rate=i.get("rate", 0.0),
                                                   id=i.get("id")) for i in s2.get("instruments") or []],
                supplier_rates=[SupplierRate(r["rate"], region=r["region"], year=r.get("year"), mwh=r.get("mwh"),
                                             supplier=r.get("supplier"),
                                             source=None if r.get("source") is None else _source(r["source"]))
                                for r in s2.get("supplier_rates") or []])
    except (NeutralcoreError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise InputError(f"the run options cannot be rebuilt: {type(exc).__name__}: {exc}", source=source,
                         column="options") from exc
    return out


@attrs.frozen
class Replay:
    """A locked run recomputed (:func:`replay`): the new result and what differs from the lockfile.

    ``differences`` has the columns of :func:`~neutralcore.measure.lock.lock_diff`; besides its rows, key
    ``inventory`` (field ``rows`` or ``digest``) says the inventory is not the locked one and key ``total``
    (field ``total_t``, t CO2e) that the total differs.
    """

    emissions: Emissions
    #: the lockfile's content
    locked: Mapping[str, Any] = attrs.field(eq=False, repr=False)
    differences: Table = attrs.field(eq=False)

    @property
    def same(self) -> bool:
        """Whether the replay gives the locked figures from the locked inputs (no difference at all)."""
        return len(self.differences) == 0

    def __str__(self) -> str:
        if self.same:
            return f"replayed: the same figures ({self.emissions.total():,.6g} t CO2e) from the same inputs"
        return self.differences.to_text()


def replay(path: str | os.PathLike[str], inventory: Inventory) -> Replay:
    """Recompute *inventory* with the factors, GWP set and run options of the lockfile at *path*, and compare.

    *inventory* is an :class:`~neutralcore.Inventory` (the one the run was given; with ``upstream`` the
    lockfile's digest is of the inventory with its upstream rows, which the replay builds again).

    Raises
    ------
    InputError
        An unreadable, edited or unknown lockfile (see ``FactorSet.from_lock``), or an inventory the locked
        factors cannot compute (a key the locked run did not have), naming the lockfile, with the cause chained.
    """
    if not isinstance(inventory, Inventory):
        raise InputError(f"replay() needs the Inventory the run was given, got {type(inventory).__name__}",
                         column="inventory", source=str(path))
    data = read_lock(path)
    factors = FactorSet.from_lock(path)
    kwargs = run_options(data, source=str(path))
    try:
        em = inventory.emissions(factors, gwp=data["gwp"], **kwargs)
    except NeutralcoreError as exc:
        raise InputError(f"the inventory cannot be replayed with the lockfile's factors and options (is it the "
                         f"locked inventory? {data['inventory']['rows']} rows, {data['inventory']['digest']}): "
                         f"{exc}", source=str(path)) from exc
    again = lock_data(em)
    rows: list[tuple[Any, ...]] = []
    for field in ("rows", "digest"):
        u, v = data["inventory"].get(field), again["inventory"][field]
        if u != v:
            rows.append(("inventory", None, field, u, v, None, "changed", "the inventory given"))
    if data.get("total_t") != again["total_t"]:
        u, v = data.get("total_t"), again["total_t"]
        rows.append(("total", None, "total_t", u, v, None if not u else v / u - 1.0, "changed", "t CO2e"))
    rows += [tuple(r[c] for c in _COLUMNS) for r in lock_diff(data, again).to_dicts()]
    return Replay(em, data, Table.from_rows(_COLUMNS, rows, title=f"Replay of {os.fspath(path)}: differences"))
