"""The factor lockfile: every factor a result used, so the run can be repeated exactly and compared.

``Emissions.lock(path)`` writes JSON (:func:`write_lock`): the format version,
the GWP set with the weight of each gas, the scope 2 method, the factor set's
fallback order and region chains, the inventory's row count and SHA-256 digest,
the total in t CO2e, the keys that matched by fallback, the run options used
(``options``, see below), and every factor used (with a market-based scope 2
figure, also every residual-mix factor ``<activity>.residual`` of the activities used) —
key, unit, value per gas, source, pack (``name@version`` where the version is
known), kind, confidence, notes, fuel properties (``ncv``, ``density``), the
uncertainty shorthand, and a SHA-256 hash of its content.  Every other field that
changes a result or a report is written only where the factor has it:
``gcv`` (a gross calorific value), ``energy_basis`` (``"gcv"``; net is the
default), ``price_year`` (a spend-based factor), ``stage`` (where the key does
not already say it: ``<activity>.wtt`` is well-to-tank), ``intervals`` (per gas,
the published 95 % bounds and distribution), ``gwp_basis``, ``co2e_total`` (the
publisher's CO2e total, in the factor's unit), ``validity_years`` (from its pack)
and ``overrides`` (the packs whose factor for the key it replaced in a merge); a
fuel property's ``interval`` and ``notes`` (how a derived property was worked
out) likewise, and its ``pack`` where it was lent by another pack than the
factor's.
``FactorSet.from_lock(path)`` reads the factors back (:func:`read_lock`,
:func:`lock_factors`, :func:`lock_columns`), so
``inventory.emissions(FactorSet.from_lock(path), gwp=lock["gwp"])`` gives the
same figures; :func:`lock_diff` lists every field two lockfiles disagree on.

Run options
-----------
``options`` is written only where the run used one, so a lockfile of a run without them is byte for byte as
before: ``strict`` and ``upstream`` (``true``), ``rates`` and ``prices`` (the exchange-rate and price-index rows
the spend keys were converted with, each with its source; ``[]`` where a table was given and no row used),
``scope2`` (the method, instruments, supplier rates, entity and vintage window of a market-based figure).
:func:`neutralcore.measure.replay.replay` rebuilds them, recomputes and compares.

Format version
--------------
:data:`LOCK_VERSION` changes when a field changes meaning, or a lockfile could
no longer be read the same way.  A field only some factors have is added without
a new version: it is written only where a factor has it, so a lockfile of
factors without it is byte for byte what earlier versions wrote and still
verifies.  The reader refuses a factor or property field it does not know (a
lockfile from a later neutralcore), rather than rebuild the factor without it.

Examples
--------
>>> import json, tempfile, pathlib
>>> import neutralcore as nc
>>> src = nc.Source("MONRE/DCC", "Viet Nam grid emission factor 2023", 2024)
>>> fs = nc.FactorSet.from_factors([nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, src)])
>>> inv = nc.Inventory([nc.Activity("electricity.grid", 1_200, "MWh", region="VN", year=2023, scope=2)])
>>> em = inv.emissions(fs)
>>> path = pathlib.Path(tempfile.mkdtemp()) / "run.lock.json"
>>> em.lock(path)["total_t"]
791.04
>>> inv.emissions(nc.FactorSet.from_lock(path), gwp=json.loads(path.read_text())["gwp"]).total() == em.total()
True
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from pathlib import Path
from typing import Any, Mapping, Protocol, Sequence

import attrs
import numpy as np

from neutralcore._core.categorical import Categorical, factorize
from neutralcore._core.table import Table
from neutralcore.errors import InputError, NeutralcoreError
from neutralcore.gwp import gwp_vector
from neutralcore.measure.factorvalue import Factor, FuelProperty, Interval, Source
from neutralcore.measure.spend import ExchangeRates, PriceIndex
from neutralcore.measure.stages import stage_of_key
from neutralcore.units import currency_of, split_factor_unit

__all__ = ["LOCK_VERSION", "RunOptions", "write_lock", "read_lock", "lock_data", "lock_factors", "lock_columns",
           "lock_diff", "inventory_digest", "factor_hash"]

#: The lockfile format this module writes and reads (see "Format version" above).
LOCK_VERSION = 1

#: The fields a locked factor may have (the first ones always, the rest where the factor has them).
_FACTOR_FIELDS = frozenset({
    "key", "activity", "region", "year", "unit", "gases", "source", "pack", "kind", "confidence", "notes", "ncv",
    "density", "uncertainty", "hash", "gcv", "energy_basis", "price_year", "stage", "intervals", "gwp_basis",
    "co2e_total", "validity_years", "overrides"})
#: The fields of a lockfile's ``options`` (each written only where the run used it).
_OPTION_FIELDS = frozenset({"strict", "upstream", "rates", "prices", "scope2"})
#: The fields of ``options.scope2``.
_SCOPE2_FIELDS = frozenset({"method", "instruments", "supplier_rates", "entity", "vintage_window"})
#: The fields a locked fuel property may have.
_PROPERTY_FIELDS = frozenset({"name", "value", "unit", "source", "confidence", "pack", "interval", "notes"})


def _items(value: Sequence[Any] | None) -> tuple[Any, ...]:
    return tuple(value or ())


@attrs.frozen
class RunOptions:
    """What a run was given besides its factors and GWP set: what ``Inventory.emissions()`` records on its result
    (``Emissions.run``) and :func:`write_lock` writes, where used, as the lockfile's ``options``.

    *instruments* and *supplier_rates* are the :class:`~neutralcore.measure.scope2.ContractualInstrument` and
    :class:`~neutralcore.measure.scope2.SupplierRate` objects the market-based figure was given.
    """

    strict: bool = attrs.field(default=False, converter=bool)
    upstream: bool = attrs.field(default=False, converter=bool)
    rates: ExchangeRates | None = None
    prices: PriceIndex | None = None
    scope2: str | None = None
    instruments: tuple[Any, ...] = attrs.field(default=(), converter=_items)
    supplier_rates: tuple[Any, ...] = attrs.field(default=(), converter=_items)
    entity: str | None = None
    vintage_window: int | tuple[int, int] | None = None

    @property
    def market(self) -> bool:
        """Whether the run was asked for both scope 2 figures (``Inventory.emissions`` calls ``dual_report``)."""
        return not (self.scope2 is None and not self.instruments and not self.supplier_rates and self.entity is None
                    and self.vintage_window is None)


class EmissionsLike(Protocol):
    """What :func:`write_lock` reads from an :class:`~neutralcore.Emissions`."""

    @property
    def inventory(self) -> Any: ...

    @property
    def factors(self) -> Any: ...

    @property
    def gwp(self) -> str: ...

    @property
    def gases(self) -> tuple[str, ...]: ...

    @property
    def scope2_method(self) -> str: ...

    @property
    def matches(self) -> Any: ...

    @property
    def run(self) -> RunOptions: ...

    def row_keys(self) -> np.ndarray: ...

    def total(self) -> float: ...


def _source(s: Source) -> dict[str, Any]:
    return {"publisher": s.publisher, "document": s.document, "year": s.year, "url": s.url, "note": s.note}


def _interval(iv: Interval) -> dict[str, Any]:
    return {"lower": iv.lower, "upper": iv.upper, "distribution": iv.distribution}


def _versioned(pack: str | None, versions: Mapping[str, str]) -> str | None:
    if pack is not None and "@" not in pack and pack in versions:
        return f"{pack}@{versions[pack]}"
    return pack


def _prop(p: FuelProperty | None, own_pack: str | None = None,
          versions: Mapping[str, str] | None = None) -> dict[str, Any] | None:
    if p is None:
        return None
    out = {"name": p.name, "value": p.value, "unit": p.unit, "source": _source(p.source), "confidence": p.confidence}
    # written only where given, as for a factor's optional fields (see "Format version" above)
    if p.notes is not None:  # how a derived property was worked out (e.g. a density from a published ratio)
        out["notes"] = p.notes
    if p.pack is not None and p.pack != own_pack:  # lent by another pack (FactorSet.merge)
        out["pack"] = _versioned(p.pack, versions or {})
    if p.interval is not None:
        out["interval"] = _interval(p.interval)
    return out


def _factor_dict(f: Factor, versions: Mapping[str, str], *, validity: int | None = None,
                 overrides: str | None = None) -> dict[str, Any]:
    body = {
        "activity": f.activity, "region": f.region, "year": f.year, "unit": f.unit,
        "gases": {g: float(v) for g, v in sorted(f.gases.items())}, "source": _source(f.source),
        "pack": _versioned(f.pack, versions), "kind": f.kind, "confidence": f.confidence, "notes": f.notes,
        "ncv": _prop(f.ncv, f.pack, versions), "density": _prop(f.density, f.pack, versions),
        "uncertainty": f.uncertainty,
    }
    # written only where given, so the hash of a factor without them is what earlier versions wrote
    if f.gcv is not None:
        body["gcv"] = _prop(f.gcv, f.pack, versions)
    if f.energy_basis != "ncv":
        body["energy_basis"] = f.energy_basis
    if f.price_year is not None:
        body["price_year"] = f.price_year
    if f.stage is not None and f.stage != stage_of_key(f.activity):
        body["stage"] = f.stage
    if f.intervals:
        body["intervals"] = {g: _interval(iv) for g, iv in sorted(f.intervals.items())}
    if f.gwp_basis is not None:
        body["gwp_basis"] = f.gwp_basis
    if f.co2e_total is not None:
        body["co2e_total"] = float(f.co2e_total)
    if validity is not None:
        body["validity_years"] = validity
    if overrides is not None:
        body["overrides"] = overrides
    return {"key": f"{f.activity}|{f.region}|{f.year}", **body, "hash": factor_hash(body)}


def factor_hash(body: Mapping[str, Any]) -> str:
    """SHA-256 of a factor's content (canonical JSON of every field but the hash), as ``"sha256:<hex>"``."""
    data = {k: v for k, v in body.items() if k not in ("hash", "key")}
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def inventory_digest(inventory: Any) -> str:
    """SHA-256 of an inventory's rows: quantities and years (float64 / int64 bytes) and every label column."""
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(inventory.quantity, dtype="<f8").tobytes())
    h.update(np.ascontiguousarray(inventory.year, dtype="<i8").tobytes())
    for name in inventory.columns:
        if name in ("quantity", "year"):
            continue
        col = inventory.column(name)
        h.update(name.encode("utf-8"))
        h.update(json.dumps([None if c is None else str(c) for c in col.categories]).encode("utf-8"))
        h.update(np.ascontiguousarray(col.codes, dtype="<i4").tobytes())
    return "sha256:" + h.hexdigest()


def _validity(fs: Any, i: int) -> int | None:
    years = None if fs.validity is None else int(fs.validity[i])
    return None if years is None or years < 0 else years


def _overrides(fs: Any, i: int) -> str | None:
    cat: Categorical | None = fs.overrides
    return None if cat is None else cat.categories[int(cat.codes[i])]


def _spend_rows(em: EmissionsLike, used_rows: Sequence[int]) -> tuple[set[tuple[str, str, int]], set[tuple[str, int]]]:
    """The exchange-rate and price-index rows the spend keys of *em* were converted with (one row per key given)."""
    run, fs, inv = em.run, em.factors, em.inventory
    index = np.asarray(em.matches.factor_index)
    units = inv.unit.categories
    rate_keys: set[tuple[str, str, int]] = set()
    price_keys: set[tuple[str, int]] = set()
    for row in used_rows:
        f = fs.factor(int(index[row]))
        ca, cf = currency_of(units[int(inv.unit.codes[row])]), currency_of(split_factor_unit(f.unit)[1])
        if ca is None or cf is None:
            continue
        year, price_year = int(inv.year[row]), f.price_year or 0
        if ca != cf and run.rates is not None:
            rate_keys.update(run.rates.route(ca, cf, year))
        if year != price_year and run.prices is not None:
            price_keys.update({(cf, year), (cf, price_year)})
    return rate_keys, price_keys


def _options(em: EmissionsLike, used_rows: Sequence[int]) -> dict[str, Any]:
    """The lockfile's ``options``: each option the run used, the table rows it converted with, with their sources."""
    run: RunOptions | None = getattr(em, "run", None)
    if run is None:
        return {}
    out: dict[str, Any] = {}
    if run.strict:
        out["strict"] = True
    if run.upstream:
        out["upstream"] = True
    if run.rates is not None or run.prices is not None:
        rate_keys, price_keys = _spend_rows(em, used_rows)
        if run.rates is not None:
            out["rates"] = [{"year": y, "from": a, "to": b, "rate": run.rates.rates[(a, b, y)],
                             "source": _source(run.rates.sources[(a, b, y)])}
                            for a, b, y in sorted(rate_keys, key=lambda k: (k[2], k[0], k[1]))]
        if run.prices is not None:
            out["prices"] = [{"currency": c, "year": y, "value": run.prices.values[(c, y)],
                              "source": _source(run.prices.sources[(c, y)])} for c, y in sorted(price_keys)]
    if run.market:
        window = run.vintage_window
        out["scope2"] = {
            "method": run.scope2,
            "instruments": [{"kind": i.kind, "mwh": i.mwh, "market": i.market, "vintage": i.vintage,
                             "retired_for": i.retired_for, "rate": i.rate, "id": i.id} for i in run.instruments],
            "supplier_rates": [{"rate": r.rate, "region": r.region, "year": r.year, "mwh": r.mwh,
                                "supplier": r.supplier, "source": None if r.source is None else _source(r.source)}
                               for r in run.supplier_rates],
            "entity": run.entity,
            "vintage_window": list(window) if isinstance(window, tuple) else window,
        }
    return out


def lock_data(em: EmissionsLike, *, versions: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The lockfile's content for *em* (what :func:`write_lock` writes)."""
    fs = em.factors
    summary = em.matches.summary()
    used: dict[tuple[str, str, int], int] = {}
    # the factor each key used, read from one row of that key (exactly what the kernel matched)
    _, first_rows = np.unique(np.asarray(em.row_keys()), return_index=True)
    index = np.asarray(em.matches.factor_index)
    for row in first_rows.tolist():
        i = int(index[row])
        used[fs.factor(i).key] = i
    run: RunOptions | None = getattr(em, "run", None)
    if run is not None and run.market:
        # the market-based figure looks up <activity>.residual with the usual fallbacks: lock every residual-mix
        # factor of the activities used, so the replay chooses among the same ones
        wanted = {k[0] + ".residual" for k in used}
        codes = np.flatnonzero(np.isin(np.asarray(fs.activity.codes),
                                       [c for c, a in enumerate(fs.activity.categories) if a in wanted]))
        for i in codes.tolist():
            used.setdefault(fs.factor(i).key, i)
    vers = dict(versions or {})
    factors = [_factor_dict(fs.factor(used[k]), vers, validity=_validity(fs, used[k]),
                            overrides=_overrides(fs, used[k]))
               for k in sorted(used, key=lambda k: (k[0], k[1], k[2]))]
    regions = {code: {"parent": parent, "name": name} for code, (parent, name) in fs.regions.items()}
    fallbacks = [{"activity": r["activity"], "region": r["region"], "year": r["year"], "used":
                  f"{r['activity']}|{r['region_used']}|{r['year_used']}", "fallback": r["fallback"]}
                 for r in summary if r["fallback"] != "exact"]
    gases = list(em.gases)
    weights = gwp_vector(gases, em.gwp) if gases else np.zeros(0)
    data = {
        "neutralcore_lock": LOCK_VERSION,
        "gwp": em.gwp,
        "gwp_weights": {g: float(w) for g, w in zip(gases, weights)},
        "scope2_method": em.scope2_method,
        "units": {"result": "t CO2e", "factor_values": "per factor 'unit' (<mass>/<activity unit>)"},
        "fallback_order": fs.fallback,
        "regions": regions,
        "inventory": {"rows": len(em.inventory), "digest": inventory_digest(em.inventory)},
        "total_t": float(em.total()),
        "fallbacks": fallbacks,
        "factors": factors,
    }
    options = _options(em, first_rows.tolist())
    if options:  # written only where a run option was used, so other lockfiles are byte for byte as before
        data["options"] = options
    return data


def write_lock(em: EmissionsLike, path: str | os.PathLike[str], *,
               versions: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Write *em*'s lockfile (JSON) to *path* and return its content.

    *versions* maps pack names to versions (e.g. from ``neutralcore.list_packs()``) so each
    factor's pack is written ``name@version``.  The file is replaced only once complete.
    """
    data = lock_data(em, versions=versions)
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    try:
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return data


def read_lock(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A lockfile's content, checked: format version, fields, and every factor's hash.

    Raises
    ------
    InputError
        Not JSON, another format version, a missing field, or a factor whose content no longer
        matches its hash (``source`` is the path, ``column`` the field).
    """
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read lockfile: {exc}", source=str(p)) from exc
    if not isinstance(data, dict) or data.get("neutralcore_lock") != LOCK_VERSION:
        raise InputError(f"not a neutralcore lockfile of format {LOCK_VERSION}", source=str(p),
                         column="neutralcore_lock")
    for field in ("gwp", "factors", "regions", "fallback_order", "inventory"):
        if field not in data:
            raise InputError(f"lockfile has no {field!r}", source=str(p), column=field)
    options = data.get("options", {})
    unknown_options = sorted(set(options) - _OPTION_FIELDS) + sorted(
        f"scope2.{k}" for k in set(options.get("scope2") or {}) - _SCOPE2_FIELDS) if isinstance(options, dict) else ["?"]
    if unknown_options:
        raise InputError(f"options {unknown_options} are not ones this version of neutralcore knows (a lockfile from "
                         "a later version?): the run cannot be replayed exactly", source=str(p), column="options")
    for i, f in enumerate(data["factors"]):
        body = {k: v for k, v in f.items() if k not in ("hash", "key")}
        if factor_hash(body) != f.get("hash"):
            raise InputError(f"factor {i} ({f.get('key')}) does not match its hash: the lockfile was edited",
                             source=str(p), column="factors", rows=[i])
        unknown = sorted(set(f) - _FACTOR_FIELDS) + sorted(
            f"{name}.{k}" for name in ("ncv", "density", "gcv") if isinstance(f.get(name), dict)
            for k in set(f[name]) - _PROPERTY_FIELDS)
        if unknown:
            raise InputError(f"factor {i} ({f.get('key')}) has field(s) {unknown} that this version of neutralcore "
                             "does not know (a lockfile from a later version?): it cannot be rebuilt exactly",
                             source=str(p), column="factors", rows=[i])
    return data


def _to_source(d: Mapping[str, Any]) -> Source:
    return Source(d["publisher"], d["document"], d["year"], url=d.get("url"), note=d.get("note"))


def _to_interval(d: Mapping[str, Any] | None) -> Interval | None:
    return None if d is None else Interval(d["lower"], d["upper"], d["distribution"])


def _to_prop(d: Mapping[str, Any] | None) -> FuelProperty | None:
    if d is None:
        return None
    return FuelProperty(d["name"], d["value"], d["unit"], _to_source(d["source"]), confidence=d.get("confidence"),
                        notes=d.get("notes"), pack=d.get("pack"), interval=_to_interval(d.get("interval")))


def _to_factor(f: Mapping[str, Any]) -> Factor:
    return Factor(f["activity"], f["region"], f["year"], f["unit"], f["gases"], _to_source(f["source"]),
                  kind=f.get("kind"), confidence=f.get("confidence"), notes=f.get("notes"), ncv=_to_prop(f["ncv"]),
                  density=_to_prop(f["density"]), gcv=_to_prop(f.get("gcv")),
                  energy_basis=f.get("energy_basis", "ncv"), price_year=f.get("price_year"),
                  uncertainty=f.get("uncertainty"), pack=f.get("pack"), stage=f.get("stage"),
                  intervals={g: _to_interval(iv) for g, iv in f.get("intervals", {}).items()},
                  gwp_basis=f.get("gwp_basis"), co2e_total=f.get("co2e_total"))


def lock_factors(data: Mapping[str, Any], *, source: str | None = None
                 ) -> tuple[list[Factor], dict[str, Any], str]:
    """The factors, region chains and fallback order of a lockfile's content (see ``FactorSet.from_lock``).

    Raises
    ------
    InputError
        A factor or region that cannot be rebuilt (a missing field, a value its class refuses), naming the
        lockfile (*source*), the factor (its position in ``rows`` and its key in the message) and the cause.
    """
    factors = []
    for i, f in enumerate(data["factors"]):
        try:
            factors.append(_to_factor(f))
        except (NeutralcoreError, ValueError, TypeError, KeyError, AttributeError) as exc:
            key = f.get("key") if isinstance(f, Mapping) else None
            raise InputError(f"factor {i} ({key}) cannot be rebuilt: {type(exc).__name__}: {exc}", source=source,
                             column="factors", rows=[i]) from exc
    try:
        regions = {code: (spec["parent"], spec["name"]) for code, spec in data["regions"].items()}
    except (TypeError, KeyError, AttributeError) as exc:
        raise InputError(f"region chains cannot be rebuilt: {type(exc).__name__}: {exc}", source=source,
                         column="regions") from exc
    return factors, regions, str(data["fallback_order"])


def lock_columns(data: Mapping[str, Any]) -> dict[str, Any]:
    """The per-factor columns of a ``FactorSet`` that a :class:`Factor` does not hold, from a lockfile's content.

    ``validity`` (years each factor may serve after its own; -1 for no limit) and ``overrides`` (the packs each
    replaced in a merge), in the order of :func:`lock_factors`, each ``None`` where no factor has it: what
    ``FactorSet.from_lock`` sets on the set built from those factors.
    """
    factors = data["factors"]
    out: dict[str, Any] = {"validity": None, "overrides": None}
    if any("validity_years" in f for f in factors):
        years = np.array([f.get("validity_years", -1) for f in factors], dtype=np.int32)
        years.setflags(write=False)
        out["validity"] = years
    if any("overrides" in f for f in factors):
        out["overrides"] = factorize([f.get("overrides") for f in factors], len(factors))
    return out


def _leaves(value: Any, path: str, out: dict[str, Any]) -> dict[str, Any]:
    """*value* flattened to ``{dotted path: leaf}`` (a property ``gcv`` gives ``gcv.value``, ``gcv.source.year``...)."""
    if isinstance(value, Mapping):
        for k, v in value.items():
            _leaves(v, f"{path}.{k}" if path else str(k), out)
    else:
        out[path] = value
    return out


def _relative(u: Any, v: Any) -> float | None:
    numbers = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (u, v))
    if not numbers or u == 0:
        return None
    rel = v / u - 1.0
    return None if math.isnan(rel) else rel


def _option_leaves(options: Mapping[str, Any]) -> dict[str, Any]:
    """A lockfile's ``options`` as ``{dotted path: leaf}``, table rows named by what they quote, not position."""
    named: dict[str, Any] = {k: v for k, v in options.items() if k not in ("rates", "prices", "scope2")}
    if "rates" in options:
        named["rates"] = {f"{r['year']} {r['from']}->{r['to']}": {k: v for k, v in r.items()
                                                                  if k not in ("year", "from", "to")}
                          for r in options["rates"]} or {"(none used)": None}
    if "prices" in options:
        named["prices"] = {f"{r['currency']} {r['year']}": {k: v for k, v in r.items() if k not in ("currency", "year")}
                           for r in options["prices"]} or {"(none used)": None}
    if "scope2" in options:
        s2 = dict(options["scope2"])
        for name in ("instruments", "supplier_rates"):
            s2[name] = {str(i): item for i, item in enumerate(s2.get(name) or [])}
        named["scope2"] = s2
    return _leaves(named, "", {})


def lock_diff(before: str | os.PathLike[str] | Mapping[str, Any],
              after: str | os.PathLike[str] | Mapping[str, Any]) -> Table:
    """The factors two lockfiles disagree on: one row per (key, field) changed, added or removed.

    Columns: ``key``, ``gas``, ``field``, ``before``, ``after`` (``None`` where absent), ``change``
    (relative, for numbers; ``None`` otherwise and for an added or removed value), ``status``
    (``changed``, ``added`` or ``removed``) and the ``source`` after (or before).  A value per gas is field
    ``value`` with its ``gas`` (per unit of the factor); a published interval bound is ``interval.lower`` or
    ``interval.upper`` (or ``interval.distribution``) with its gas; every other field is named by its path in
    the lockfile (``stage``, ``energy_basis``, ``price_year``, ``co2e_total``, ``gcv.value``,
    ``source.document``, ``pack``...) with ``gas`` ``None``.  A factor only one lockfile has is one row per
    gas, ``added`` or ``removed``.  The GWP set is compared too (key ``"gwp"``), and the run options (key
    ``"options"``; field ``strict``, ``upstream``, ``rates.<year> <from>-><to>.rate``,
    ``prices.<currency> <year>.value``, ``scope2.instruments.<n>.mwh``... with their sources).

    Examples
    --------
    UK DESNZ's 2025 well-to-tank factor for natural gas per kWh on a net, then on a gross calorific basis
    (flat file, "WTT- fuels"): the diff shows the value and the basis that changed.

    >>> import pathlib, tempfile
    >>> import neutralcore as nc
    >>> src = nc.Source("UK DESNZ", "Greenhouse gas reporting: conversion factors 2025, WTT- fuels, natural gas", 2025)
    >>> inv = nc.Inventory([nc.Activity("fuel.natural_gas.wtt", 1_000, "kWh", region="GB", year=2025, scope=3)])
    >>> def lock(value, basis, name):
    ...     f = nc.Factor("fuel.natural_gas.wtt", "GB", 2025, "kg/kWh", {"CO2e": value}, src, gwp_basis="AR5",
    ...                   energy_basis=basis)
    ...     return inv.emissions(nc.FactorSet.from_factors([f])).lock(pathlib.Path(tempfile.mkdtemp()) / name)
    >>> net, gross = lock(0.03347, "ncv", "net.json"), lock(0.03021, "gcv", "gross.json")
    >>> "stage" in net["factors"][0]  # the key .wtt says its stage: not written again
    False
    >>> [(r["field"], r["gas"], r["before"], r["after"], r["status"]) for r in lock_diff(net, gross).to_dicts()]
    [('value', 'CO2e', 0.03347, 0.03021, 'changed'), ('energy_basis', None, None, 'gcv', 'added')]
    """
    a = before if isinstance(before, Mapping) else read_lock(before)
    b = after if isinstance(after, Mapping) else read_lock(after)
    fa = {f["key"]: f for f in a["factors"]}
    fb = {f["key"]: f for f in b["factors"]}
    rows: list[tuple[Any, ...]] = []
    if a["gwp"] != b["gwp"]:
        rows.append(("gwp", None, "gwp", a["gwp"], b["gwp"], None, "changed", "GWP set"))
    oa, ob = _option_leaves(a.get("options", {})), _option_leaves(b.get("options", {}))
    for field in sorted(set(oa) | set(ob)):
        u, v = oa.get(field), ob.get(field)
        if field in oa and field in ob and u == v:
            continue
        status = "added" if field not in oa else "removed" if field not in ob else "changed"
        rows.append(("options", None, field, u, v, _relative(u, v), status, "run options"))
    for key in sorted(set(fa) | set(fb)):
        x, y = fa.get(key), fb.get(key)
        if x is not None and y is not None and x["hash"] == y["hash"]:
            continue
        src = y or x
        assert src is not None
        source = f"{src['source']['publisher']}, {src['source']['document']} ({src['source']['year']})"
        gx = x["gases"] if x else {}
        gy = y["gases"] if y else {}
        for gas in sorted(set(gx) | set(gy)):
            u, v = gx.get(gas), gy.get(gas)
            if u == v:
                continue
            status = "added" if u is None else "removed" if v is None else "changed"
            rows.append((key, gas, "value", u, v, _relative(u, v), status, source))
        if x is None or y is None:
            continue
        skip = ("key", "hash", "gases", "intervals")
        lx = _leaves({k: v for k, v in x.items() if k not in skip}, "", {})
        ly = _leaves({k: v for k, v in y.items() if k not in skip}, "", {})
        for gas, ix, iy in [(g, x.get("intervals", {}).get(g), y.get("intervals", {}).get(g))
                            for g in sorted(set(x.get("intervals", {})) | set(y.get("intervals", {})))]:
            for k in ("lower", "upper", "distribution"):
                u, v = (ix or {}).get(k), (iy or {}).get(k)
                if u != v:
                    status = "added" if u is None else "removed" if v is None else "changed"
                    rows.append((key, gas, f"interval.{k}", u, v, _relative(u, v), status, source))
        for field in sorted(set(lx) | set(ly)):
            u, v = lx.get(field), ly.get(field)
            if u == v:
                continue
            status = "added" if field not in lx or u is None else "removed" if field not in ly or v is None \
                else "changed"
            rows.append((key, None, field, u, v, _relative(u, v), status, source))
    return Table.from_rows(("key", "gas", "field", "before", "after", "change", "status", "source"), rows,
                           title="Lockfile differences (factor values per unit)")
