"""Scope 2 dual reporting: location-based and market-based electricity emissions.

The location-based figure is what :func:`neutralcore.measure.kernel.compute` gives:
consumption x the grid-average factor where it is consumed.  The market-based
figure follows the GHG Protocol Scope 2 Guidance (2015) hierarchy, applied to
scope 2 rows whose activity is ``electricity`` or ``electricity.*``:

1. **contractual instruments** (RECs, I-RECs, GOs, PPAs, green tariffs) that
   pass the quality criteria, at their own emission rate (zero for
   renewables);
2. **supplier-specific rates** (:class:`SupplierRate`) for consumption left;
3. the **residual mix** for what is still left, looked up as the factor of
   ``<activity>.residual`` (e.g. ``electricity.grid.residual``) with the usual
   region and year fallbacks;
4. the **grid average** where no residual mix exists; this fallback is listed
   in :attr:`Scope2Result.fallbacks` and in the disclosures (Scope 2 Guidance:
   the absence of a residual mix is disclosed).

Quality criteria checked for each instrument (an instrument that fails one is
not applied, and :attr:`Scope2Result.instruments` says why):

* it is retired (``retired_for`` is set) **for the reporting entity**
  (``entity=``);
* it comes from the **same market** as the consumption: its ``market`` is the
  consumption's region or one of that region's parents in the factor set's
  region chain (an I-REC for ``CN`` covers ``CN-GD``);
* its **vintage** lies inside the configured window around the consumption
  year (``vintage_window=0``, the default, means the same calendar year; the
  Guidance says only "as close as possible", so the window is a policy).

Allocation: within one market (region) and year, qualifying instruments cover
consumption in the order given, pro rata across the rows of that market, so a
(region, year) pair has a single market-based rate; MWh beyond the market's
consumption are not applied (and not carried to another year).  Instrument and
supplier rates are t CO2 per MWh, as certificates and utilities publish them.

Examples
--------
>>> import neutralcore as nc
>>> src = nc.Source("Example", "worked example of the GHG Protocol Scope 2 hierarchy", 2015)
>>> fs = nc.FactorSet.from_factors([
...     nc.Factor("electricity.grid", "XA", 2024, "t/MWh", {"CO2": 0.5}, src),
...     nc.Factor("electricity.grid.residual", "XA", 2024, "t/MWh", {"CO2": 0.6}, src)])
>>> inv = nc.Inventory([nc.Activity("electricity.grid", 10_000, "MWh", region="XA", year=2024, scope=2)])
>>> recs = [nc.ContractualInstrument("REC", 6_000, market="XA", vintage=2024, retired_for="Acme")]
>>> res = inv.emissions(fs, scope2="market", instruments=recs, entity="Acme")
>>> round(res.total(), 3), round(res.scope2.location_total(), 3)
(2400.0, 5000.0)
"""

from __future__ import annotations

from typing import Any, Sequence

import attrs
import numpy as np

from neutralcore._core.table import Table
from neutralcore._core.validators import finite_nonneg, optional_str, region_code, year_int
from neutralcore.errors import InputError
from neutralcore.measure.basis import scope2_method
from neutralcore.measure.emissions import Emissions, Scope2Result
from neutralcore.measure.factor import WORLD, Source
from neutralcore.measure.kernel import resolve_labels
from neutralcore.units import multiplier, split_factor_unit

__all__ = ["ContractualInstrument", "SupplierRate", "Scope2Result", "market_based", "dual_report", "INSTRUMENT_KINDS"]

INSTRUMENT_KINDS = ("REC", "I-REC", "GO", "PPA", "GREEN-TARIFF", "OTHER")
RESIDUAL_SUFFIX = ".residual"


def _kind(value: Any) -> str:
    k = str(value).strip().upper().replace("_", "-")
    aliases = {"IREC": "I-REC", "GOO": "GO", "GREEN TARIFF": "GREEN-TARIFF", "EAC": "OTHER", "GEC": "OTHER"}
    k = aliases.get(k, k)
    if k not in INSTRUMENT_KINDS:
        raise InputError(f"instrument kind {value!r} is not one of {INSTRUMENT_KINDS}", column="kind")
    return k


def _mwh(value: Any) -> float:
    return finite_nonneg(value, name="mwh")


def _rate(value: Any) -> float:
    return finite_nonneg(value, name="rate")


def _market(value: Any) -> str:
    r = region_code(value)
    if r == WORLD:
        raise InputError("an instrument's market must be a real market (e.g. 'VN', 'CN'), not 'World'", column="market")
    return r


@attrs.frozen
class ContractualInstrument:
    """A contractual instrument for the market-based scope 2 figure.

    Parameters
    ----------
    kind : str
        ``"REC"``, ``"I-REC"``, ``"GO"``, ``"PPA"``, ``"GREEN-TARIFF"`` or ``"OTHER"``.
    mwh : float
        Electricity covered.
    market : str
        Region code of the market it was issued in (``"VN"``, ``"CN"``).
    vintage : int
        Year of the generation it certifies.
    retired_for : str, optional
        Entity it was retired / redeemed / cancelled for; ``None`` if not retired.
    rate : float
        Emission rate it conveys, t CO2/MWh (0 for renewable generation).
    id : str, optional
        Certificate or contract reference.
    """

    kind: str = attrs.field(converter=_kind)
    mwh: float = attrs.field(converter=_mwh)
    market: str = attrs.field(kw_only=True, converter=_market)
    vintage: int = attrs.field(kw_only=True, converter=year_int)
    retired_for: str | None = attrs.field(default=None, kw_only=True, converter=optional_str)
    rate: float = attrs.field(default=0.0, kw_only=True, converter=_rate)
    id: str | None = attrs.field(default=None, kw_only=True, converter=optional_str)

    @property
    def label(self) -> str:
        return self.id or f"{self.kind} {self.mwh:g} MWh {self.market} {self.vintage}"


@attrs.frozen
class SupplierRate:
    """A supplier- or utility-specific emission rate (t CO2/MWh) for consumption in *region*.

    *year* ``None`` applies to every year; *mwh* ``None`` covers all consumption
    in the region that instruments left, otherwise at most *mwh*.
    """

    rate: float = attrs.field(converter=_rate)
    region: str = attrs.field(kw_only=True, converter=region_code)
    year: int | None = attrs.field(default=None, kw_only=True, converter=attrs.converters.optional(year_int))
    mwh: float | None = attrs.field(default=None, kw_only=True, converter=attrs.converters.optional(_mwh))
    supplier: str | None = attrs.field(default=None, kw_only=True, converter=optional_str)
    source: Source | None = attrs.field(default=None, kw_only=True)


def _window(value: Any) -> tuple[int, int]:
    if isinstance(value, (tuple, list)) and len(value) == 2:
        before, after = value
    else:
        before = after = value
    try:
        b, a = int(before), int(after)
    except (TypeError, ValueError):
        raise InputError(f"vintage_window {value!r} must be a number of years or (before, after)") from None
    if b < 0 or a < 0:
        raise InputError(f"vintage_window {value!r} must not be negative")
    return b, a


def _is_electricity(act: str) -> bool:
    return (act == "electricity" or act.startswith("electricity.")) and not act.endswith(RESIDUAL_SUFFIX)


def market_based(
    em: Emissions,
    *,
    instruments: Sequence[ContractualInstrument] = (),
    supplier_rates: Sequence[SupplierRate] = (),
    entity: str | None = None,
    vintage_window: int | tuple[int, int] = 0,
    require_entity: bool = True,
) -> Scope2Result:
    """Build the market-based figure from location-based emissions *em*; see the module docstring.

    Built on :meth:`Emissions.keys` and :meth:`Emissions.with_rates`: only the
    rates of scope 2 electricity keys change.  With *require_entity* false
    (scenarios), instruments given without an *entity* are rejected with that
    reason instead of raising.
    """
    instruments = tuple(instruments or ())
    supplier_rates = tuple(supplier_rates or ())
    for i, ins in enumerate(instruments):
        if not isinstance(ins, ContractualInstrument):
            raise InputError(f"instruments[{i}] is a {type(ins).__name__}, not a ContractualInstrument")
    for i, sr in enumerate(supplier_rates):
        if not isinstance(sr, SupplierRate):
            raise InputError(f"supplier_rates[{i}] is a {type(sr).__name__}, not a SupplierRate")
    entity = optional_str(entity)
    if instruments and entity is None and require_entity:
        raise InputError(
            "entity= is needed for market-based scope 2 with instruments: each instrument must have been retired "
            "for the reporting entity (Scope 2 quality criterion 3)"
        )
    window = _window(vintage_window)

    use = _Consumption(em)
    rows_i = _apply_instruments(use, instruments, entity, window)
    _apply_supplier_rates(use, supplier_rates)
    gases, residual, fb_rows = _residual_mix(em, use)
    if (instruments or supplier_rates) and "CO2" not in gases:
        gases.append("CO2")
    market = em.with_rates(gases, _market_rates(use, gases, residual), scope2_method="market")

    disclosures: list[str] = []
    for j, used in enumerate(fb_rows["used"]):
        if used.startswith("grid"):
            disclosures.append(
                f"No residual mix for {fb_rows['activity'][j]} in {fb_rows['region'][j]} ({fb_rows['year'][j]}): the "
                "grid-average factor was used for the market-based figure; the Scope 2 Guidance asks that the absence of "
                "a residual mix be disclosed."
            )
    for label, status, reason in zip(rows_i["instrument"], rows_i["status"], rows_i["reason"]):
        if status != "applied":
            disclosures.append(f"Instrument {label} {status}: {reason}.")
    if use.other_scope2:
        disclosures.append("Scope 2 rows other than electricity (heat, steam, cooling) use their location-based factor in "
                           "the market-based figure.")
    return Scope2Result(
        location=em,
        market=market,
        instruments=Table(rows_i, title="Contractual instruments (market-based scope 2)"),
        fallbacks=Table(fb_rows, title="Market-based scope 2: residual-mix fallbacks"),
        disclosures=tuple(dict.fromkeys(disclosures)),
        entity=entity,
        vintage_window=window,
    )


class _Consumption:
    """Scope 2 electricity of an :class:`Emissions`, per key and per (region, year) market group.

    ``remaining`` (MWh not yet covered) and ``fixed_t`` (t CO2 from instruments and supplier
    rates) are per group and are filled in by the steps of the hierarchy.
    """

    def __init__(self, em: Emissions) -> None:
        inv = em.inventory
        keys = em.keys()
        row_key = em.row_keys()
        elec_key = np.array([_is_electricity(a) for a in keys.activity], dtype=bool)
        # one pass over rows (scope 2 rows per key); the rest is per key
        s2_code = [c for c, label in enumerate(inv.scope.categories) if label == 2]
        s2_rows = (np.bincount(row_key, weights=inv.scope.codes == s2_code[0], minlength=len(keys)).astype(np.int64)
                   if s2_code and len(inv) else np.zeros(len(keys), np.int64))
        s2e_rows_per_key = np.where(elec_key, s2_rows, 0)
        mixed = (s2e_rows_per_key > 0) & (s2e_rows_per_key < keys.rows)
        if mixed.any():  # keys must be wholly scope 2 electricity or wholly not
            k = int(np.flatnonzero(mixed)[0])
            raise InputError(
                f"market-based scope 2: electricity ({keys.activity[k]}, {keys.region[k]}, {int(keys.year[k])}) "
                "appears both in scope 2 and in another scope; give the non-scope-2 electricity its own activity key "
                "(e.g. 'electricity.grid.resold')",
                rows=np.flatnonzero(row_key == k)[:10].tolist(),
            )
        self.keys = keys
        self.other_scope2 = bool((s2_rows[~elec_key] > 0).any())
        self.ekeys = np.flatnonzero(s2e_rows_per_key > 0)
        self.to_mwh = np.array([multiplier(str(keys.unit[k]), "MWh") for k in self.ekeys.tolist()])
        self.mwh = keys.quantity[self.ekeys] * self.to_mwh
        self.region = [keys.region[k] for k in self.ekeys.tolist()]
        self.year = keys.year[self.ekeys].astype(int)
        self.groups = list(dict.fromkeys(zip(self.region, self.year.tolist())))
        index = {g: i for i, g in enumerate(self.groups)}
        self.group_of = np.array([index[(r, y)] for r, y in zip(self.region, self.year.tolist())], dtype=np.int64)
        ng = len(self.groups)
        self.consumption = np.bincount(self.group_of, weights=self.mwh, minlength=ng) if ng else np.zeros(0)
        self.remaining = self.consumption.copy()
        self.fixed_t = np.zeros(ng)
        self.chains = {r: em.factors.region_chain(r) for r in dict.fromkeys(self.region)}

    def cover(self, groups: list[int], mwh: float | None, rate: float) -> float:
        """Cover up to *mwh* (``None``: all) of the groups' remaining consumption at *rate*, pro rata; MWh applied."""
        idx = np.array(groups)
        avail = float(self.remaining[idx].sum())
        applied = avail if mwh is None else min(mwh, avail)
        if applied > 0:
            share = self.remaining[idx] / avail
            self.remaining[idx] -= applied * share
            self.fixed_t[idx] += applied * share * rate
        return applied


def _apply_instruments(use: _Consumption, instruments: Sequence[ContractualInstrument], entity: str | None,
                       window: tuple[int, int]) -> dict[str, list[Any]]:
    """Step 1: apply the instruments that meet the quality criteria; one row per instrument saying how it went."""
    rows: dict[str, list[Any]] = {c: [] for c in ("instrument", "kind", "mwh", "market", "vintage", "retired_for",
                                                  "rate", "status", "applied_mwh", "reason")}
    regions_present = sorted(set(use.region))
    for ins in instruments:
        reason = None
        applied = 0.0
        if entity is None:
            reason = "no reporting entity given (entity=), so retirement for it cannot be checked"
        elif ins.retired_for is None:
            reason = "not retired: it must be redeemed, retired or cancelled for the reporting entity"
        elif ins.retired_for != entity:
            reason = f"retired for {ins.retired_for!r}, not for the reporting entity {entity!r}"
        else:
            same_market = [g for g, (r, _y) in enumerate(use.groups) if ins.market in use.chains[r]]
            if not same_market:
                reason = (f"different market: issued in {ins.market!r}, consumption is in "
                          f"{', '.join(regions_present) or 'no scope 2 electricity'}")
            else:
                eligible = [g for g in same_market
                            if use.groups[g][1] - window[0] <= ins.vintage <= use.groups[g][1] + window[1]]
                if not eligible:
                    years = sorted({use.groups[g][1] for g in same_market})
                    reason = (f"vintage {ins.vintage} outside the vintage window ({window[0]} year(s) before, "
                              f"{window[1]} after) of consumption in {', '.join(map(str, years))}")
                else:
                    applied = use.cover(eligible, ins.mwh, ins.rate)
                    if applied < ins.mwh:
                        reason = (f"only {applied:,.3f} of {ins.mwh:,.3f} MWh applied: no more consumption left in its "
                                  "market and vintage window (the excess is not carried over)")
        status = "rejected" if applied == 0 and reason else ("partly applied" if reason else "applied")
        for c, v in zip(rows, (ins.label, ins.kind, ins.mwh, ins.market, ins.vintage, ins.retired_for, ins.rate,
                               status, applied, reason or "")):
            rows[c].append(v)
    return rows


def _apply_supplier_rates(use: _Consumption, supplier_rates: Sequence[SupplierRate]) -> None:
    """Step 2: supplier-specific rates for the consumption instruments left."""
    for sr in supplier_rates:
        eligible = [g for g, (r, y) in enumerate(use.groups)
                    if sr.region in use.chains[r] and (sr.year is None or sr.year == y)]
        if eligible:
            use.cover(eligible, sr.mwh, sr.rate)


def _residual_mix(em: Emissions, use: _Consumption
                  ) -> tuple[list[str], dict[int, dict[str, float]], dict[str, list[Any]]]:
    """Steps 3 and 4: per scope 2 electricity key, the residual mix (t of each gas per MWh), else the grid average.

    Returns the gases of the market view, the residual rates by position in ``use.ekeys`` (absent: grid
    average) and the fallback rows.
    """
    fs, keys = em.factors, use.keys
    res_acts = [keys.activity[k] + RESIDUAL_SUFFIX for k in use.ekeys.tolist()]
    res = resolve_labels(fs, res_acts, use.region, use.year) if len(use.ekeys) else None
    gases = list(em.gases)
    residual: dict[int, dict[str, float]] = {}
    fb_rows: dict[str, list[Any]] = {c: [] for c in ("activity", "region", "year", "used", "region_used", "year_used", "mwh")}
    for j, k in enumerate(use.ekeys.tolist()):
        f = int(res.factor[j]) if res is not None else -1
        if res is not None and f >= 0:
            _mass, per, to_t = split_factor_unit(fs.unit.categories[fs.unit.codes[f]])
            per_mwh = to_t * multiplier("MWh", per)
            vals = {g: float(v) * per_mwh for g, v in zip(fs.gases, fs.values[f]) if v == v}
            residual[j] = vals
            gases += [g for g in vals if g not in gases]
            if res.level[j] > 0 or res.year_used[j] != use.year[j]:
                _fb(fb_rows, keys.activity[k], use.region[j], use.year[j], "residual mix (fallback)",
                    res.region_used[j], int(res.year_used[j]), use.mwh[j])
        else:
            _fb(fb_rows, keys.activity[k], use.region[j], use.year[j], "grid average (no residual mix)",
                keys.region[k], int(keys.year_used[k]), use.mwh[j])
    return gases, residual, fb_rows


def _market_rates(use: _Consumption, gases: list[str], residual: dict[int, dict[str, float]]) -> np.ndarray:
    """Per key, t of each of *gases* per activity unit in the market view (only scope 2 electricity keys change)."""
    rates = np.zeros((len(use.keys), len(gases)))
    rates[:, : use.keys.rates.shape[1]] = use.keys.rates
    co2 = gases.index("CO2") if "CO2" in gases else -1
    with np.errstate(divide="ignore", invalid="ignore"):
        rem_share = np.where(use.consumption > 0, use.remaining / use.consumption, 0.0)
        fixed_per_mwh = np.where(use.consumption > 0, use.fixed_t / use.consumption, 0.0)
    for j, k in enumerate(use.ekeys.tolist()):
        g = use.group_of[j]
        if j in residual:
            resid = np.array([residual[j].get(gas, 0.0) for gas in gases])
        else:  # grid average per MWh
            resid = rates[k] / use.to_mwh[j]
        row = rem_share[g] * resid
        if co2 >= 0:
            row[co2] += fixed_per_mwh[g]
        rates[k] = row * use.to_mwh[j]
    return rates


def _fb(rows: dict[str, list[Any]], act: str, region: str, year: Any, used: str, region_used: Any, year_used: int,
        mwh: float) -> None:
    for c, v in zip(rows, (act, region, int(year), used, region_used, year_used, float(mwh))):
        rows[c].append(v)


def dual_report(
    em: Emissions,
    *,
    scope2: str | None = None,
    instruments: Sequence[ContractualInstrument] = (),
    supplier_rates: Sequence[SupplierRate] = (),
    entity: str | None = None,
    vintage_window: int | tuple[int, int] = 0,
) -> Emissions:
    """The scope 2 method dispatch: *em* (location-based) or its market-based twin, carrying both in ``.scope2``.

    *scope2* is normalised by :func:`neutralcore.measure.basis.scope2_method`
    (``None`` is location-based); the other options are those of :func:`market_based`.
    """
    method = scope2_method(scope2)
    result = market_based(em, instruments=instruments, supplier_rates=supplier_rates, entity=entity,
                          vintage_window=vintage_window)
    chosen = result.location if method == "location" else result.market
    return chosen.with_scope2(result)
