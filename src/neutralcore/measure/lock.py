"""The factor lockfile: every factor a result used, so the run can be repeated exactly and compared.

``Emissions.lock(path)`` writes JSON (:func:`write_lock`): the format version,
the GWP set with the weight of each gas, the scope 2 method, the factor set's
fallback order and region chains, the inventory's row count and SHA-256 digest,
the total in t CO2e, the keys that matched by fallback, and every factor used —
key, unit, value per gas, source, pack (``name@version`` where the version is
known), kind, confidence, fuel properties, the GWP basis and published CO2e total where it gives them, and a
SHA-256 hash of its content.
``FactorSet.from_lock(path)`` reads the factors back (:func:`read_lock`), so
``inventory.emissions(FactorSet.from_lock(path), gwp=lock["gwp"])`` gives the
same figures; :func:`lock_diff` lists the factors two lockfiles disagree on.

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
from typing import Any, Mapping, Protocol

import numpy as np

from neutralcore._core.table import Table
from neutralcore.errors import InputError
from neutralcore.gwp import gwp_vector
from neutralcore.measure.factorvalue import Factor, FuelProperty, Source

__all__ = ["LOCK_VERSION", "write_lock", "read_lock", "lock_factors", "lock_diff", "inventory_digest", "factor_hash"]

#: The lockfile format this module writes and reads.
LOCK_VERSION = 1


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

    def row_keys(self) -> np.ndarray: ...

    def total(self) -> float: ...


def _source(s: Source) -> dict[str, Any]:
    return {"publisher": s.publisher, "document": s.document, "year": s.year, "url": s.url, "note": s.note}


def _prop(p: FuelProperty | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {"name": p.name, "value": p.value, "unit": p.unit, "source": _source(p.source), "confidence": p.confidence}


def _factor_dict(f: Factor, versions: Mapping[str, str]) -> dict[str, Any]:
    pack = f.pack
    if pack is not None and "@" not in pack and pack in versions:
        pack = f"{pack}@{versions[pack]}"
    body = {
        "activity": f.activity, "region": f.region, "year": f.year, "unit": f.unit,
        "gases": {g: float(v) for g, v in sorted(f.gases.items())}, "source": _source(f.source), "pack": pack,
        "kind": f.kind, "confidence": f.confidence, "notes": f.notes, "ncv": _prop(f.ncv),
        "density": _prop(f.density), "uncertainty": f.uncertainty,
    }
    # written only where given, so the hash of a factor without them is what earlier versions wrote
    if f.gwp_basis is not None:
        body["gwp_basis"] = f.gwp_basis
    if f.co2e_total is not None:
        body["co2e_total"] = float(f.co2e_total)
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


def lock_data(em: EmissionsLike, *, versions: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The lockfile's content for *em* (what :func:`write_lock` writes)."""
    fs = em.factors
    summary = em.matches.summary()
    used: dict[tuple[str, str, int], Factor] = {}
    # the factor each key used, read from one row of that key (exactly what the kernel matched)
    _, first_rows = np.unique(np.asarray(em.row_keys()), return_index=True)
    for row in first_rows.tolist():
        f = em.matches.factor(int(row))
        used[f.key] = f
    vers = dict(versions or {})
    factors = [_factor_dict(used[k], vers) for k in sorted(used, key=lambda k: (k[0], k[1], k[2]))]
    regions = {code: {"parent": parent, "name": name} for code, (parent, name) in fs.regions.items()}
    fallbacks = [{"activity": r["activity"], "region": r["region"], "year": r["year"], "used":
                  f"{r['activity']}|{r['region_used']}|{r['year_used']}", "fallback": r["fallback"]}
                 for r in summary if r["fallback"] != "exact"]
    gases = list(em.gases)
    weights = gwp_vector(gases, em.gwp) if gases else np.zeros(0)
    return {
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
    for i, f in enumerate(data["factors"]):
        body = {k: v for k, v in f.items() if k not in ("hash", "key")}
        if factor_hash(body) != f.get("hash"):
            raise InputError(f"factor {i} ({f.get('key')}) does not match its hash: the lockfile was edited",
                             source=str(p), column="factors", rows=[i])
    return data


def _to_source(d: Mapping[str, Any]) -> Source:
    return Source(d["publisher"], d["document"], d["year"], url=d.get("url"), note=d.get("note"))


def _to_prop(d: Mapping[str, Any] | None) -> FuelProperty | None:
    if d is None:
        return None
    return FuelProperty(d["name"], d["value"], d["unit"], _to_source(d["source"]), confidence=d.get("confidence"))


def lock_factors(data: Mapping[str, Any]) -> tuple[list[Factor], dict[str, Any], str]:
    """The factors, region chains and fallback order of a lockfile's content (see ``FactorSet.from_lock``)."""
    factors = [Factor(f["activity"], f["region"], f["year"], f["unit"], f["gases"], _to_source(f["source"]),
                      kind=f.get("kind"), confidence=f.get("confidence"), notes=f.get("notes"), ncv=_to_prop(f["ncv"]),
                      density=_to_prop(f["density"]), uncertainty=f.get("uncertainty"), pack=f.get("pack"),
                      gwp_basis=f.get("gwp_basis"), co2e_total=f.get("co2e_total"))
               for f in data["factors"]]
    regions = {code: (spec["parent"], spec["name"]) for code, spec in data["regions"].items()}
    return factors, regions, str(data["fallback_order"])


def lock_diff(before: str | os.PathLike[str] | Mapping[str, Any],
              after: str | os.PathLike[str] | Mapping[str, Any]) -> Table:
    """The factors two lockfiles disagree on: one row per (key, gas) changed, added or removed.

    Columns: ``key``, ``gas``, ``before``, ``after`` (per unit; ``None`` where absent), ``change``
    (relative, ``None`` for an added or removed value), ``status`` and the ``source`` after (or before).
    The GWP set is compared too (key ``"gwp"``).
    """
    a = before if isinstance(before, Mapping) else read_lock(before)
    b = after if isinstance(after, Mapping) else read_lock(after)
    fa = {f["key"]: f for f in a["factors"]}
    fb = {f["key"]: f for f in b["factors"]}
    rows: list[tuple[Any, ...]] = []
    if a["gwp"] != b["gwp"]:
        rows.append(("gwp", None, a["gwp"], b["gwp"], None, "changed", "GWP set"))
    for key in sorted(set(fa) | set(fb)):
        x, y = fa.get(key), fb.get(key)
        if x is not None and y is not None and x["hash"] == y["hash"]:
            continue
        gx = x["gases"] if x else {}
        gy = y["gases"] if y else {}
        src = y or x
        assert src is not None
        source = f"{src['source']['publisher']}, {src['source']['document']} ({src['source']['year']})"
        changed = False
        for gas in sorted(set(gx) | set(gy)):
            u, v = gx.get(gas), gy.get(gas)
            if u == v:
                continue
            changed = True
            status = "added" if u is None else "removed" if v is None else "changed"
            rel = (v / u - 1.0) if (u is not None and v is not None and u != 0) else None
            rows.append((key, gas, u, v, None if rel is None or math.isnan(rel) else rel, status, source))
        if not changed:
            rows.append((key, None, None, None, None, "metadata changed", source))
    return Table.from_rows(("key", "gas", "before", "after", "change", "status", "source"), rows,
                           title="Lockfile differences (factor values per unit)")
