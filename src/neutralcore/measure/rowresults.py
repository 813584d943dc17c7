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
"""

from __future__ import annotations

from typing import Any, Protocol, Sequence

import numpy as np

from neutralcore._core.categorical import Categorical
from neutralcore._core.table import Table
from neutralcore.measure.factor import FactorSet
from neutralcore.gwp import gwp_label

__all__ = ["row_results", "RowSource"]


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


def _gather(labels: Sequence[Any], index: np.ndarray) -> list[Any]:
    table: np.ndarray = np.empty(len(labels), dtype=object)
    table[:] = list(labels)
    return table[index].tolist() if len(labels) else [None] * int(index.shape[0])


def _labels(cat: Categorical, index: np.ndarray | None = None) -> list[Any]:
    codes = cat.codes if index is None else cat.codes[index]
    return _gather(cat.categories, codes)


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
