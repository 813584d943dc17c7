"""Per-row results: each inventory row with its CO2e, every gas, the factor it used and that factor's source.

:func:`row_results` builds the table behind :meth:`Emissions.rows
<neutralcore.measure.emissions.Emissions.rows>` from what an
:class:`~neutralcore.measure.emissions.Emissions` offers every consumer
(``row_keys()``, ``keys()``, ``matches``, ``factors``): per-key labels are
worked out once per distinct key, then gathered onto the rows with numpy.

Examples
--------
>>> import neutralcore as nc
>>> src = nc.Source("MONRE/DCC", "Viet Nam grid emission factor 2023", 2024)
>>> fs = nc.FactorSet.from_factors([nc.Factor("electricity.grid", "VN", 2022, "t/MWh", {"CO2": 0.6592}, src)])
>>> inv = nc.Inventory([nc.Activity("electricity.grid", 1000, "MWh", region="VN", year=2023, scope=2)])
>>> t = inv.emissions(fs).rows()
>>> r = t.row(0)
>>> r["co2e_t"], r["CO2_t"], r["factor_year"], r["fallback"], r["source"]
(659.2, 659.2, 2022, 'year', 'MONRE/DCC, Viet Nam grid emission factor 2023 (2024)')

Where a factor used gives its publisher's CO2e total beside its gases (``Factor.co2e_total``), two more
columns follow the gas columns: ``published_co2e_t``, the row's emissions in t CO2e from that published
total (the row's quantity, in the factor's unit, times the total; NaN for a row whose factor gives none,
and for a scope 2 row of a market-based result, whose rate is not the factor's), and
``published_gwp_basis``, the GWP set the publisher weighted it under (``None`` where none).  It is a
check beside ``co2e_t``, which re-weights the gases under the result's own GWP set; neither is summed
into the other.  IPCC 2006 gas/diesel oil in stationary combustion (Vol. 2, Ch. 2, Table 2.2),
74,100 kg CO2 + 3 kg CH4 + 0.6 kg N2O per TJ = 74,343 kg CO2e per TJ under AR5 (3 x 28 + 0.6 x 265):

>>> ipcc = nc.Source("IPCC", "2006 IPCC Guidelines, Vol. 2, Ch. 2, Table 2.2 (gas/diesel oil)", 2006)
>>> fs = nc.FactorSet.from_factors([nc.Factor("fuel.diesel.stationary", "World", 2006, "kg/TJ",
...     {"CO2": 74_100, "CH4": 3, "N2O": 0.6}, ipcc, gwp_basis="AR5", co2e_total=74_343)])
>>> inv = nc.Inventory([nc.Activity("fuel.diesel.stationary", 2, "TJ", region="VN", year=2023, scope=1)])
>>> r = inv.emissions(fs, gwp="AR6").rows().row(0)
>>> round(r["published_co2e_t"], 9), r["published_gwp_basis"], round(r["co2e_t"], 6)  # co2e_t: AR6 weights
(148.686, 'AR5', 148.695)
"""

from __future__ import annotations

from typing import Any, Protocol, Sequence

import numpy as np

from neutralcore._core.categorical import Categorical
from neutralcore._core.table import Table
from neutralcore.measure.factor import FactorSet
from neutralcore.gwp import gwp_label

__all__ = ["row_results", "published_co2e", "RowSource"]


class RowSource(Protocol):
    """What :func:`row_results` reads of an ``Emissions`` (which imports this module, so not the class itself)."""

    @property
    def inventory(self) -> Any: ...
    @property
    def factors(self) -> FactorSet: ...
    @property
    def gwp(self) -> str: ...
    @property
    def gases(self) -> tuple[str, ...]: ...
    @property
    def scope2_method(self) -> str: ...
    @property
    def matches(self) -> Any: ...
    def row_co2e(self) -> np.ndarray: ...
    def row_mass(self, gas: str) -> np.ndarray: ...
    def row_keys(self) -> np.ndarray: ...
    def keys(self) -> Any: ...


def _gather(labels: Sequence[Any], index: np.ndarray) -> list[Any]:
    table: np.ndarray = np.empty(len(labels), dtype=object)
    table[:] = list(labels)
    return table[index].tolist() if len(labels) else [None] * int(index.shape[0])


def _labels(cat: Categorical, index: np.ndarray | None = None) -> list[Any]:
    codes = cat.codes if index is None else cat.codes[index]
    return _gather(cat.categories, codes)


def published_co2e(em: RowSource, factor: np.ndarray) -> np.ndarray | None:
    """Per row: t CO2e from its factor's published CO2e total (NaN where none); ``None`` if no factor used has one.

    *factor* is the factor index of every row.  The row's quantity in the factor's unit is read off the kernel's
    own conversion: a gas's t per activity unit divided by the factor's value of that gas.
    """
    fs = em.factors
    if fs.co2e_total is None or not len(factor):
        return None
    total = fs.co2e_total[factor]
    if np.isnan(total).all():
        return None
    row_key = np.asarray(em.row_keys(), dtype=np.int64)
    rates = np.asarray(em.keys().rates, dtype=np.float64)
    key_factor = np.zeros(rates.shape[0], dtype=np.int64)
    key_factor[row_key] = factor
    to_factor_unit = np.full(rates.shape[0], np.nan)  # t of factor mass unit x factor units per activity unit
    with np.errstate(invalid="ignore", divide="ignore"):
        for j, gas in enumerate(em.gases):
            if gas not in fs.gases:
                continue
            value = fs.values[key_factor, fs.gases.index(gas)]
            hit = np.isnan(to_factor_unit) & (value > 0)
            to_factor_unit[hit] = rates[hit, j] / value[hit]
        out = np.asarray(em.inventory.quantity, dtype=np.float64) * to_factor_unit[row_key] * total
    out[total == 0] = 0.0
    if em.scope2_method == "market":
        scope = em.inventory.scope
        out[np.array([s == 2 for s in scope.categories], dtype=bool)[scope.codes]] = np.nan
    return out


def row_results(em: RowSource) -> Table:
    """One row per inventory row; see :meth:`Emissions.rows <neutralcore.measure.emissions.Emissions.rows>`."""
    inv = em.inventory
    n = len(inv)
    matches = em.matches
    fs = em.factors
    out: dict[str, Any] = {"row": np.arange(n, dtype=np.int64)}
    provenance = getattr(inv, "provenance", None)
    if provenance is not None:
        files = np.asarray(provenance.file)
        out["file"] = _gather([*provenance.files, None], np.where(files >= 0, files, len(provenance.files)))
        out["line"] = np.asarray(provenance.line, dtype=np.int64).copy()
    for name in inv.columns:
        col = inv.column(name)
        out[name] = np.asarray(col).copy() if isinstance(col, np.ndarray) else _labels(col)
    out["co2e_t"] = np.asarray(em.row_co2e(), dtype=np.float64).copy()
    for gas in em.gases:
        out[f"{gas}_t"] = np.asarray(em.row_mass(gas), dtype=np.float64)
    factor = np.asarray(matches.factor_index, dtype=np.int64)
    published = published_co2e(em, factor)
    if published is not None:
        out["published_co2e_t"] = published
        assert fs.gwp_basis is not None and fs.co2e_total is not None  # a published total has its basis
        per_factor = [b if g else None for b, g in zip(fs.gwp_basis.values(), (~np.isnan(fs.co2e_total)).tolist())]
        out["published_gwp_basis"] = _gather(per_factor, factor)
    out["factor_activity"] = _labels(fs.activity, factor)
    out["factor_region"] = _labels(fs.region, factor)
    out["factor_year"] = np.asarray(fs.year, dtype=np.int64)[factor] if n else np.zeros(0, np.int64)
    region_fb, year_fb = np.asarray(matches.region_fallback), np.asarray(matches.year_fallback)
    kind = np.array(["exact", "region", "year", "region+year"], dtype=object)
    out["fallback"] = kind[region_fb.astype(np.int64) + 2 * year_fb.astype(np.int64)].tolist() if n else []
    out["pack"] = _labels(fs.pack, factor)
    out["source"] = _gather([None if s is None else str(s) for s in fs.source.categories], fs.source.codes[factor])
    return Table(out, title=f"Emissions per row ({n:,} rows; t, CO2e with {gwp_label(em.gwp)}; "
                            f"scope 2 {em.scope2_method}-based)")
