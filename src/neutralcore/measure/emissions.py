"""``Emissions``: the result of applying factors to an inventory.

Everything is kept per distinct key (activity, region, year, unit) plus one
key code per row, so totals and group sums are ``np.bincount`` passes and
small matrix products, and per-gas figures cost no extra pass over rows.

Examples
--------
>>> import neutralcore as nc
>>> src = nc.Source("MONRE/DCC", "Viet Nam grid emission factor 2023", 2024)
>>> fs = nc.FactorSet.from_factors([nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, src)])
>>> inv = nc.Inventory([nc.Activity("electricity.grid", 1000, "MWh", region="VN", year=2023, scope=2)])
>>> round(inv.emissions(fs).total().magnitude, 6)
659.2
"""

from __future__ import annotations

from typing import Any, Iterator

import attrs
import numpy as np

from neutralcore._core.categorical import CHUNK, Categorical, bincount, combine_codes, split_codes
from neutralcore._core.table import Table
from neutralcore.measure.factor import Factor, FactorSet
from neutralcore.units import Quantity

__all__ = ["Emissions", "Matches", "Uncertainty"]

# above this many (group x key) cells, group sums go through per-row CO2e instead
_PAIR_LIMIT = 1 << 22


@attrs.frozen(eq=False, repr=False)
class Matches:
    """Which factor each row used, and whether it came by region or year fallback.

    Per-row arrays (``factor_index``, ``region_fallback``, ``year_fallback``,
    ``fallback``) are gathered on first use; :meth:`summary` and
    :meth:`fallbacks` are one row per distinct key.
    """

    _em: "Emissions"

    def _per_key(self, arr: np.ndarray) -> np.ndarray:
        return arr[self._em.key_inverse]

    @property
    def factor_index(self) -> np.ndarray:
        """Per row: index of the factor used in ``Emissions.factors``."""
        return self._per_key(self._em.key_factor)

    @property
    def region_fallback(self) -> np.ndarray:
        """Per row: True where the factor came from a parent region."""
        res = self._em.resolution
        return self._per_key((res.level > 0)[self._em.triple_of_key])

    @property
    def year_fallback(self) -> np.ndarray:
        """Per row: True where the factor came from an earlier year."""
        res = self._em.resolution
        ty = self._em.triple_labels[2]
        return self._per_key((res.year_used != ty)[self._em.triple_of_key])

    @property
    def fallback(self) -> np.ndarray:
        return self.region_fallback | self.year_fallback

    def _row(self, row: int) -> int:
        n = len(self._em.key_inverse)
        row = int(row)
        if not -n <= row < n:
            raise IndexError(f"row {row} out of range for {n} rows")
        return row % n

    def factor(self, row: int) -> Factor:
        """The :class:`Factor` used by *row*."""
        return self._em.factors.factor(int(self._em.key_factor[self._em.key_inverse[self._row(row)]]))

    def __len__(self) -> int:
        return len(self._em.key_inverse)

    def __getitem__(self, row: int) -> dict[str, Any]:
        row = self._row(row)
        k = int(self._em.key_inverse[row])
        t = int(self._em.triple_of_key[k])
        res = self._em.resolution
        acts, regs, ty = self._em.triple_labels
        return {
            "row": row,
            "activity": acts[t],
            "region": regs[t],
            "year": int(ty[t]),
            "factor": self.factor(row),
            "region_used": res.region_used[t],
            "year_used": int(res.year_used[t]),
            "region_fallback": bool(res.level[t] > 0),
            "year_fallback": bool(res.year_used[t] != ty[t]),
        }

    def summary(self) -> Table:
        """One row per distinct (activity, region, year): factor used, fallback kind, row count, pack, source,
        and the packs whose factor for that key the used one overrode in a merge."""
        em = self._em
        res = em.resolution
        acts, regs, ty = em.triple_labels
        rows_per_key = np.bincount(em.key_inverse, minlength=len(em.key_factor))
        rows_per_triple = np.bincount(em.triple_of_key, weights=rows_per_key, minlength=len(acts)).astype(np.int64)
        fs = em.factors
        keep = np.flatnonzero(rows_per_triple > 0).tolist()  # triples some row uses
        level, used_year, factor = res.level, res.year_used, res.factor
        region_used = res.region_used
        kinds = []
        for t in keep:
            k = []
            if level[t] > 0:
                k.append("region")
            if used_year[t] != ty[t]:
                k.append("year")
            kinds.append("+".join(k) or "exact")
        fids = [int(factor[t]) for t in keep]
        return Table(
            {
                "activity": [acts[t] for t in keep],
                "region": [regs[t] for t in keep],
                "year": [int(ty[t]) for t in keep],
                "region_used": [region_used[t] for t in keep],
                "year_used": [int(used_year[t]) for t in keep],
                "fallback": kinds,
                "rows": [int(rows_per_triple[t]) for t in keep],
                "pack": [fs.pack.categories[fs.pack.codes[f]] for f in fids],
                "source": [str(fs.source.categories[fs.source.codes[f]]) for f in fids],
                "overrides": [
                    fs.overrides.categories[fs.overrides.codes[f]] if fs.overrides is not None else None
                    for f in fids
                ],
            },
            title="Factor matches",
        )

    def fallbacks(self) -> Table:
        """Only the keys that used a fallback."""
        s = self.summary()
        keep = [i for i, k in enumerate(s["fallback"]) if k != "exact"]
        return Table({c: [s[c][i] for i in keep] for c in s.columns}, title="Fallbacks")

    @property
    def n_fallback_rows(self) -> int:
        s = self.summary()
        return int(sum(r for r, k in zip(s["rows"], s["fallback"]) if k != "exact"))

    def __repr__(self) -> str:
        fb = self.fallbacks()
        return f"Matches({len(self):,} rows, {len(fb)} key(s) by fallback)\n" + (repr(fb) if len(fb) else "")


@attrs.frozen
class Uncertainty:
    """Result of :meth:`Emissions.uncertainty`: the 95 % range of the total (t CO2e)."""

    total: float
    mean: float
    median: float
    low: float
    high: float
    iterations: int
    share_without: float

    @property
    def relative(self) -> tuple[float, float]:
        """(low, high) as fractions of the total, e.g. (-0.05, +0.05)."""
        return (self.low / self.total - 1.0, self.high / self.total - 1.0) if self.total else (0.0, 0.0)

    def __str__(self) -> str:
        lo, hi = self.relative
        return (f"{self.total:,.3f} t CO2e, 95 % range {self.low:,.3f} to {self.high:,.3f} ({lo:+.1%} / {hi:+.1%}) "
                f"from {self.iterations:,} draws; {self.share_without:.0%} of the total has no stated uncertainty")


@attrs.frozen(eq=False, repr=False)
class Emissions:
    """Emissions of an inventory: totals, group sums, per-gas figures and the factor matches.

    Attributes
    ----------
    inventory : Inventory
    factors : FactorSet
    gwp : str
        The GWP100 set used ("AR4", "AR5" or "AR6").
    gases : tuple of str
        Gases present in the matched factors.
    """

    inventory: Any
    factors: FactorSet
    gwp: str
    gases: tuple[str, ...]
    gwp_weights: np.ndarray
    key_inverse: np.ndarray
    key_factor: np.ndarray
    key_gas_t: np.ndarray
    key_co2e: np.ndarray
    resolution: Any
    triple_of_key: np.ndarray
    triple_labels: tuple[list[str], list[str], np.ndarray]
    _cache: dict = attrs.field(factory=dict)
    #: Both scope 2 figures (a :class:`neutralcore.measure.scope2.Scope2Result`) when asked for with
    #: ``emissions(..., scope2=..., instruments=...)``; ``None`` otherwise.
    scope2: Any = attrs.field(default=None, kw_only=True)
    #: Which scope 2 figure this result's totals contain: ``"location"`` or ``"market"``.
    scope2_method: str = attrs.field(default="location", kw_only=True,
                                     validator=attrs.validators.in_(("location", "market")))

    @property
    def matches(self) -> Matches:
        return Matches(self)

    # -- per key / per row ---------------------------------------------------------

    def _key_quantity(self) -> np.ndarray:
        hit = self._cache.get("kq")
        if hit is None:
            hit = bincount(self.key_inverse, self.inventory.quantity, len(self.key_factor))
            self._cache["kq"] = hit
        return hit

    def row_co2e(self) -> np.ndarray:
        """CO2e of every row, in tonnes (one gather and one multiply)."""
        hit = self._cache.get("row")
        if hit is None:
            hit = self.inventory.quantity * self.key_co2e[self.key_inverse]
            hit.setflags(write=False)
            self._cache["row"] = hit
        return hit

    # -- totals ---------------------------------------------------------------------

    def total(self, gas: str | None = None) -> Any:
        """Total in tonnes CO2e (a pint Quantity), or of one gas in tonnes of that gas."""
        if gas is None:
            value = self._cache.get("total")
            if value is None:
                row = self._cache.get("row")
                value = float(row.sum()) if row is not None else float(self._key_quantity() @ self.key_co2e)
            return Quantity(float(value), "t")
        kq = self._key_quantity()
        from neutralcore.gwp import canonical_gas

        g = canonical_gas(gas)
        if g not in self.gases:
            return Quantity(0.0, "t")
        return Quantity(float(kq @ self.key_gas_t[:, self.gases.index(g)]), "t")

    def per_gas(self) -> Table:
        """Mass of each gas (t), its GWP and its CO2e (t)."""
        kq = self._key_quantity()
        mass = kq @ self.key_gas_t if len(self.gases) else np.zeros(0)
        return Table(
            {"gas": list(self.gases), "mass_t": mass, "gwp": self.gwp_weights, "co2e_t": mass * self.gwp_weights},
            title=f"Emissions per gas (GWP100 {self.gwp})",
        )

    def uncertainty(self, iterations: int = 10_000, *, seed: int | None = None) -> "Uncertainty":
        """Monte Carlo range of the total from the factors' stated uncertainties.

        Each factor with an ``uncertainty`` (relative half-width of its 95 %
        interval) is drawn once per iteration from a normal distribution
        (sigma = uncertainty / 1.96, truncated at zero) and applied to every
        row that uses it, so rows sharing a factor are fully correlated.
        Factors without a stated uncertainty are held fixed, and the share of
        the total they carry is reported.  Activity-data uncertainty is not
        included.  Cost is independent of the row count: emissions are summed
        per factor once, then an (iterations x factors) matrix is applied.
        """
        from neutralcore.errors import InputError

        if isinstance(iterations, bool) or not isinstance(iterations, (int, np.integer)) or iterations < 2:
            raise InputError(f"iterations must be a whole number of at least 2, got {iterations!r}")
        iterations = int(iterations)
        nf = len(self.factors)
        per_factor = np.bincount(self.key_factor, weights=self._key_quantity() * self.key_co2e, minlength=nf)
        used = np.flatnonzero(per_factor)
        unc = self.factors.uncertainty[used]
        has = ~np.isnan(unc)
        rng = np.random.default_rng(seed)
        draws = np.ones((iterations, used.shape[0]))
        if has.any():
            sigma = unc[has] / 1.96
            draws[:, has] = np.clip(rng.normal(1.0, sigma, size=(iterations, int(has.sum()))), 0.0, None)
        totals = draws @ per_factor[used]
        total = float(per_factor.sum())
        low, mid, high = np.percentile(totals, [2.5, 50.0, 97.5])
        return Uncertainty(
            total=total, mean=float(totals.mean()), median=float(mid), low=float(low), high=float(high),
            iterations=iterations, share_without=float(per_factor[used][~has].sum() / total) if total else 0.0,
        )

    # -- grouping ---------------------------------------------------------------------

    def _group_codes(self, dims: tuple[str, ...]) -> tuple[np.ndarray, list[np.ndarray], list[Categorical], int]:
        inv = self.inventory
        cols: list[np.ndarray] = []
        sizes: list[int] = []
        cats: list[Categorical] = []
        for d in dims:
            if d == "year":
                ymin = int(inv.year.min()) if len(inv) else 0
                span = int(inv.year.max()) - ymin + 1 if len(inv) else 1
                cols.append((inv.year - ymin).astype(np.int32))
                sizes.append(span)
                cats.append(Categorical(np.zeros(0, np.int32), tuple(range(ymin, ymin + span))))
            elif d == "gas":
                from neutralcore.errors import InputError

                raise InputError("group by gas with per_gas(); by() already gives one column per gas", column="gas")
            else:
                cat = inv.column(d)
                assert isinstance(cat, Categorical)
                cols.append(cat.codes)
                sizes.append(len(cat.categories))
                cats.append(cat)
        if len(cols) == 1:
            ngroups = sizes[0]
            if dims[0] != "year":  # inventory categoricals are compact: every category has rows
                return cols[0], [np.arange(ngroups)], cats, ngroups
            present = np.bincount(cols[0], minlength=ngroups) > 0
            uniq = np.flatnonzero(present)
            if uniq.shape[0] == ngroups:
                return cols[0], [uniq], cats, ngroups
            lookup = np.zeros(ngroups, dtype=np.int32)
            lookup[uniq] = np.arange(uniq.shape[0], dtype=np.int32)
            return lookup[cols[0]], [uniq], cats, uniq.shape[0]
        inv_codes, uniq = combine_codes(cols, sizes)
        return inv_codes, split_codes(uniq, sizes), cats, uniq.shape[0]

    def by(self, *dims: str, gases: bool = True) -> Table:
        """One row per group of *dims*: CO2e (t) and, unless ``gases=False``, tonnes of each gas.

        Dimensions: ``activity``, ``unit``, ``region``, ``year``, ``scope``,
        ``category``, ``site`` and any extra dimension of the inventory.

        >>> res.by("scope", "site")  # doctest: +SKIP
        """
        if not dims:
            from neutralcore.errors import InputError

            raise InputError("by() needs at least one dimension, e.g. by('scope')")
        from neutralcore.errors import InputError

        groupable = [c for c in self.inventory.columns if c != "quantity"]
        for d in dims:
            if not isinstance(d, str) or d not in groupable:
                raise InputError(f"cannot group by {d!r}; dimensions: {', '.join(groupable)}", column=str(d))
        if len(set(dims)) != len(dims):
            raise InputError(f"a dimension is given twice in by{tuple(dims)}", column=next(d for d in dims if dims.count(d) > 1))
        gcodes, parts, cats, ngroups = self._group_codes(tuple(dims))
        nkeys = len(self.key_factor)
        q = self.inventory.quantity
        n_gas = len(self.gases) if gases else 0
        if n_gas and ngroups * max(nkeys, 1) <= _PAIR_LIMIT:
            # quantity per (group, key), then a small matrix product gives CO2e and every gas
            pair = gcodes.astype(np.int64) * nkeys + self.key_inverse
            gk = np.bincount(pair, weights=q, minlength=ngroups * nkeys).reshape(ngroups, nkeys)
            co2e = gk @ self.key_co2e
            gas = gk @ self.key_gas_t
        else:
            co2e = bincount(gcodes, self.row_co2e(), ngroups)
            gas = self._gas_by_group(gcodes, ngroups) if n_gas else np.zeros((ngroups, 0))
        out: dict[str, Any] = {}
        for d, part, cat in zip(dims, parts, cats):
            labels: np.ndarray = np.empty(len(cat.categories), dtype=object)
            labels[:] = list(cat.categories)
            out[d] = labels[part].tolist()
        out["co2e_t"] = co2e
        for j in range(n_gas):
            out[f"{self.gases[j]}_t"] = gas[:, j]
        return Table(out, title=f"Emissions by {', '.join(dims)} (t; CO2e with GWP100 {self.gwp})")

    def _gas_by_group(self, gcodes: np.ndarray, ngroups: int) -> np.ndarray:
        """Tonnes of each gas per group, one cache-sized chunk of rows at a time (no per-row array per gas)."""
        q, inverse = self.inventory.quantity, self.key_inverse
        per_key = [np.ascontiguousarray(self.key_gas_t[:, j]) for j in range(len(self.gases))]
        out = np.zeros((ngroups, len(per_key)))
        buf = np.empty(min(CHUNK, q.shape[0]))
        for start in range(0, q.shape[0], CHUNK):
            stop = min(start + CHUNK, q.shape[0])
            k, g, w = inverse[start:stop], gcodes[start:stop], buf[: stop - start]
            for j, column in enumerate(per_key):
                np.take(column, k, out=w)
                w *= q[start:stop]
                out[:, j] += np.bincount(g, weights=w, minlength=ngroups)
        return out

    # -- display ------------------------------------------------------------------------

    def _display(self) -> tuple[str, Table, list[str]]:
        """Heading, the table by scope and the notes, shown as text and as HTML."""
        total = self.total().magnitude
        fb = self.matches.n_fallback_rows
        heading = (f"Emissions: {total:,.3f} t CO2e (GWP100 {self.gwp}; scope 2 {self.scope2_method}-based) "
                   f"from {len(self.inventory):,} rows")
        notes = [f"{fb:,} row(s) used a fallback factor: see .matches.fallbacks()"] if fb else []
        return heading, self.by("scope"), notes

    def __repr__(self) -> str:
        heading, table, notes = self._display()
        return table.to_text(title="\n".join(t for t in (heading, table.title) if t), notes=notes)

    def _repr_html_(self) -> str:
        heading, table, notes = self._display()
        return table.to_html(title=heading, notes=notes)

    def __iter__(self) -> Iterator[Any]:
        raise TypeError("iterate over emissions.by(...) or emissions.row_co2e()")
