"""Emissions of a ``dask.dataframe``: the in-memory figures, one pass over partitions, any Dask scheduler.

``pip install 'neutralcore[dask]'``.  How it runs (see ``docs/scale.md``):

1. Each partition (on a worker) becomes an :class:`~neutralcore.Inventory` with
   :meth:`~neutralcore.Inventory.from_pandas`, so its rows get exactly the in-memory checks, and is reduced to one
   entry per distinct *cell*: its (activity, region, year, unit) key and its labels of the grouping columns, with
   the row count, the quantity sum and the first row.  What leaves a worker is those per-(key × group) sums, never
   rows.
2. The partial sums are combined pairwise up a tree (``split_every`` at a time) by cell labels, exactly: counts
   add, quantities add, the first row is the smallest (partition, row).
3. On the client the cells form a small inventory (one row per cell, its summed quantity) whose emissions are
   computed by the kernel: factors are matched once per distinct key across all partitions, and every table
   (``total()``, ``by()``, ``per_gas()``, the match report) comes from the same code as in memory.

Factors never travel to the workers.  An error in a partition (a negative or NaN quantity, an unknown unit) and an
error of the keys (no factor, a unit that cannot convert, a fallback under ``strict=True``) name the partition and
the row in it (0-based), as ``.partition`` and ``.row``.

Examples
--------
>>> import pandas as pd, dask.dataframe as dd
>>> import neutralcore as nc
>>> import neutralcore.dask as ncd
>>> src = nc.Source("MONRE/DCC", "Viet Nam grid emission factor 2023", 2024)
>>> fs = nc.FactorSet.from_factors([nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, src)])
>>> df = pd.DataFrame({"activity": "electricity.grid", "quantity": [1000.0, 500.0, 250.0], "unit": "MWh",
...                    "region": "VN", "year": 2023, "scope": 2, "site": ["a", "b", "a"]})
>>> res = ncd.emissions(dd.from_pandas(df, npartitions=2), fs)
>>> round(res.total(), 6), res.by("site")["co2e_t"].round(6).tolist()
(1153.6, [824.0, 329.6])
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import attrs
import numpy as np

from neutralcore._core.table import Table
from neutralcore.errors import InputError, MissingDependencyError, NeutralcoreError
from neutralcore.measure.basis import Scope
from neutralcore.measure.emissions import Emissions
from neutralcore.measure.factorsource import FactorsLike
from neutralcore.measure.inventory import Inventory
from neutralcore.measure.spend import ExchangeRates, PriceIndex

if TYPE_CHECKING:
    import dask.dataframe
    import pandas

__all__ = ["DaskEmissions", "DaskMatches", "emissions"]

_KEY = ("activity", "region", "year", "unit")
_REQUIRED = ("activity", "quantity", "unit", "region", "year", "scope")
_ROW_BITS = 40  # a cell's first row is stored as partition << 40 | row: partitions of up to 2**40 rows


def _require() -> None:
    try:
        import dask.dataframe  # noqa: F401
    except ImportError as exc:
        raise MissingDependencyError(
            "neutralcore.dask needs dask[dataframe]: pip install 'neutralcore[dask]'") from exc


@attrs.frozen
class _Failure:
    """A partition's error, carried up the tree so the lowest partition's is raised (whatever finished first)."""

    partition: int
    error: NeutralcoreError


def _cells(part: "pandas.DataFrame", partition: int, columns: Mapping[str, str] | None,
           dims: Sequence[str] | None, keep: Sequence[str] | None) -> "pandas.DataFrame | _Failure":
    """One partition reduced to its cells: labels, ``rows``, ``qty`` (quantity sum) and ``first`` row."""
    import pandas as pd

    try:
        inv = Inventory.from_pandas(part, columns=columns, dims=dims)
    except NeutralcoreError as exc:
        return _Failure(partition, exc)
    names = [c for c in inv.columns if c != "quantity" and (keep is None or c in keep or c in _KEY or c == "scope")]
    n = len(inv)
    codes: list[np.ndarray] = []
    labels: list[list[Any]] = []
    sizes: list[int] = []
    for name in names:
        col = inv.column(name)
        if isinstance(col, np.ndarray):  # the year: integers, coded from their minimum
            lo = int(col.min()) if n else 0
            hi = int(col.max()) if n else 0
            codes.append(np.asarray(col, dtype=np.int64) - lo)
            labels.append(list(range(lo, hi + 1)))
        else:
            codes.append(np.asarray(col.codes, dtype=np.int64))
            labels.append(list(col.categories))
        sizes.append(max(len(labels[-1]), 1))
    code = np.zeros(n, dtype=np.int64)
    space = 1
    for c, size in zip(codes, sizes):
        if space * size >= 2**62:  # keep the mixed-radix code in int64: renumber what is present so far
            _, code = np.unique(code, return_inverse=True)
            code = code.reshape(-1).astype(np.int64)
            space = int(code.max()) + 1 if n else 1
        code = code * size + c
        space *= size
    if space <= max(4 * n, 1 << 16):  # small code space: count, no sort
        rows_all = np.bincount(code, minlength=space)
        present = np.flatnonzero(rows_all)
        qty = np.bincount(code, weights=inv.quantity, minlength=space)[present]
        first_all = np.full(space, -1, dtype=np.int64)
        first_all[code[::-1]] = np.arange(n - 1, -1, -1, dtype=np.int64)
        cell, rows, first = present, rows_all[present], first_all[present]
    else:
        cell, first, inverse, rows = np.unique(code, return_index=True, return_inverse=True, return_counts=True)
        qty = np.bincount(inverse.reshape(-1), weights=inv.quantity, minlength=cell.shape[0])
    out: dict[str, Any] = {}
    for name, c, lab in zip(names, codes, labels):  # a cell's labels: those of its first row
        arr: np.ndarray = np.empty(len(lab), dtype=object)
        arr[:] = lab
        out[name] = arr[c[first]]
    frame = pd.DataFrame({name: out[name] for name in names})
    frame["rows"] = np.asarray(rows, dtype=np.int64)
    frame["qty"] = np.asarray(qty, dtype=np.float64)
    frame["first"] = (np.int64(partition) << _ROW_BITS) | np.asarray(first, dtype=np.int64)
    return frame


def _combine(*parts: "pandas.DataFrame | _Failure") -> "pandas.DataFrame | _Failure":
    """Partial sums added by cell labels (exact for counts; quantities as float sums)."""
    import pandas as pd

    failures = [p for p in parts if isinstance(p, _Failure)]
    if failures:
        return min(failures, key=lambda f: f.partition)
    frames = [p for p in parts if isinstance(p, pd.DataFrame)]
    if len(frames) == 1:
        return frames[0]
    both = pd.concat(frames, ignore_index=True)
    labels = [c for c in both.columns if c not in ("rows", "qty", "first")]
    return both.groupby(labels, sort=False, dropna=False).agg(
        rows=("rows", "sum"), qty=("qty", "sum"), first=("first", "min")).reset_index()


def _none(values: Sequence[Any]) -> list[Any]:
    """Labels back from pandas: its missing-value markers as ``None``."""
    return [None if v is None or (isinstance(v, float) and v != v) else v for v in values]


def _located(exc: NeutralcoreError, partition: int, row: int, replace: bool) -> NeutralcoreError:
    """*exc* naming the partition and the row in it; *replace*: its rows were positions in the cell table."""
    where = f"partition {partition}, row {row} (0-based in the partition)"
    if replace:
        text, hits = re.subn(r"first rows \[[^\]]*\]", f"first at {where}", exc.message)
        new = exc.extended("") if hits else exc.extended(f"; first at {where}")
        if hits:
            new.message = text
            new.args = (text,)
        if getattr(new, "rows", None) is not None:
            setattr(new, "rows", [row])
    else:
        new = exc.extended(f" in partition {partition} (rows are positions in the partition)")
    setattr(new, "partition", partition)
    setattr(new, "row", row)
    return new


@attrs.frozen(eq=False, repr=False)
class DaskMatches:
    """Which factor each key used, over all partitions: :class:`~neutralcore.measure.emissions.Matches`' tables.

    ``summary()`` has the in-memory columns (``rows`` counts the rows of every partition) and two more,
    ``partition`` and ``row``: where the first row using the key is (0-based in its partition).
    """

    _result: "DaskEmissions"

    def summary(self) -> Table:
        """One row per distinct (activity, region, year); see :meth:`Matches.summary`."""
        res = self._result
        table = res.emissions.matches.summary()
        found = {k: (r, f) for k, r, f in zip(res._triples, res._triple_rows.tolist(), res._triple_first.tolist())}
        keys = list(zip(table["activity"], table["region"], table["year"]))
        cols = {c: table[c] for c in table.columns}
        cols["rows"] = [int(found[k][0]) for k in keys]
        cols["partition"] = [int(found[k][1]) >> _ROW_BITS for k in keys]
        cols["row"] = [int(found[k][1]) & ((1 << _ROW_BITS) - 1) for k in keys]
        return Table(cols, title=table.title)

    def fallbacks(self) -> Table:
        """Only the keys that used a fallback."""
        s = self.summary()
        keep = [i for i, k in enumerate(s["fallback"]) if k != "exact"]
        return Table({c: [s[c][i] for i in keep] for c in s.columns}, title="Fallbacks")

    def stale_fallbacks(self) -> Table:
        """Only the keys whose factor is a stale fallback."""
        s = self.summary()
        keep = [i for i, k in enumerate(s["stale"]) if k]
        return Table({c: [s[c][i] for i in keep] for c in s.columns}, title="Stale fallbacks")

    @property
    def n_fallback_rows(self) -> int:
        """Rows, over all partitions, whose factor came by a fallback."""
        s = self.summary()
        return int(sum(r for r, k in zip(s["rows"], s["fallback"]) if k != "exact"))

    def __len__(self) -> int:
        return self._result.n_rows


@attrs.frozen(eq=False, repr=False)
class DaskEmissions:
    """Emissions of a Dask DataFrame: the figures of :class:`~neutralcore.measure.emissions.Emissions`.

    Every figure in tonnes is a plain ``float`` (t CO2e, or t of one gas).

    Attributes
    ----------
    emissions : Emissions
        The in-memory result over the cells (one row per distinct key and grouping labels, quantities summed):
        its totals and group sums are the data's; its per-row views (``rows()``, ``row_co2e()``) are per cell.
    columns : tuple of str
        The columns collected: the key columns, ``scope`` and the grouping columns; :meth:`by` groups by these.
    n_rows, n_partitions : int
    """

    emissions: Emissions
    columns: tuple[str, ...]
    n_rows: int
    n_partitions: int
    _triples: list[tuple[str, str, int]]
    _triple_rows: np.ndarray
    _triple_first: np.ndarray

    @property
    def gases(self) -> tuple[str, ...]:
        """The gases of the matched factors."""
        return self.emissions.gases

    @property
    def gwp(self) -> str:
        """The GWP set used."""
        return self.emissions.gwp

    @property
    def matches(self) -> DaskMatches:
        """The factor matches over all partitions (see :class:`DaskMatches`)."""
        return DaskMatches(self)

    def total(self, gas: str | None = None) -> float:
        """Total in t CO2e, or of one *gas* in t of that gas."""
        return self.emissions.total(gas)

    def by_scope(self) -> dict[Scope, float]:
        """t CO2e of each scope: ``{1: ..., 2: ..., 3: ...}``."""
        return self.emissions.by_scope()

    def per_gas(self) -> Table:
        """Mass (t), GWP and CO2e (t) of each gas; see :meth:`Emissions.per_gas`."""
        return self.emissions.per_gas()

    def _dims(self, dims: Sequence[str]) -> None:
        for d in dims:
            if d not in self.columns:
                raise InputError(f"cannot group by {d!r}: it was not collected; collected: {', '.join(self.columns)} "
                                 "(name it in emissions(..., by=[...]))", column=str(d))

    def by(self, *dims: str, gases: bool = True) -> Table:
        """One row per group of *dims*: CO2e (t) and tonnes of each gas; see :meth:`Emissions.by`."""
        names = tuple(dims[0]) if len(dims) == 1 and isinstance(dims[0], (list, tuple)) else dims
        self._dims(names)
        return self.emissions.by(*names, gases=gases)

    def by_many(self, groupings: Sequence[Sequence[str]], *, gases: bool = True) -> list[Table]:
        """:meth:`by` for several groupings, in one pass over the cells."""
        for g in groupings:
            self._dims(tuple(g))
        return self.emissions.by_many(groupings, gases=gases)

    def __repr__(self) -> str:
        return (f"DaskEmissions: {self.total():,.3f} t CO2e ({self.gwp}) from {self.n_rows:,} rows in "
                f"{self.n_partitions} partitions, {len(self.emissions.inventory):,} cells")


def _wanted(by: Sequence[str | Sequence[str]] | None) -> list[str] | None:
    if by is None:
        return None
    out: list[str] = []
    for g in by:
        for d in ([g] if isinstance(g, str) else list(g)):
            if not isinstance(d, str):
                raise InputError(f"by= takes column names or tuples of them, got {d!r}", column="by")
            if d not in out:
                out.append(d)
    return out


def emissions(
    ddf: "dask.dataframe.DataFrame",
    factors: FactorsLike,
    *,
    gwp: str | None = None,
    strict: bool = False,
    by: Sequence[str | Sequence[str]] | None = None,
    columns: Mapping[str, str] | None = None,
    rates: ExchangeRates | None = None,
    prices: PriceIndex | None = None,
    split_every: int = 8,
) -> DaskEmissions:
    """Emissions of the rows of a Dask DataFrame, with the figures of ``Inventory.emissions()``.

    Runs on the current Dask scheduler: a ``distributed.Client``'s cluster when one is active, else Dask's
    default (threads).

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        Columns named as for :meth:`Inventory.from_pandas` (``activity, quantity, unit, region, year, scope``,
        optional ``category``, ``site`` and extra dimensions).
    factors : FactorSet, str, path or a sequence of these
        As for :meth:`Inventory.emissions`; read on the client only.
    gwp, strict, rates, prices
        As for :meth:`Inventory.emissions`.
    by : sequence of column names or tuples of them, optional
        The groupings :meth:`DaskEmissions.by` will be asked for, e.g. ``[("scope",), ("scope", "site")]``:
        only these columns (with the key columns and ``scope``) are read and summed.  Default: every column.
    columns : mapping of str to str, optional
        The frame's name of a column to the inventory's, as for :meth:`Inventory.from_pandas`.
    split_every : int
        How many partial sums each step of the tree reduction adds.

    Returns
    -------
    DaskEmissions

    Raises
    ------
    MissingDependencyError
        dask is not installed (``pip install 'neutralcore[dask]'``).
    InputError, InvalidQuantityError, UnknownUnitError, SchemaError
        A partition's rows, as :meth:`Inventory.from_pandas`, with ``.partition`` and its rows in the partition.
    FactorNotFoundError, DimensionError, FallbackError, GWPBasisError
        As :meth:`Inventory.emissions`, with ``.partition`` and ``.row`` of the first row with the key.
    """
    _require()
    import dask
    import pandas as pd

    if not isinstance(split_every, int) or split_every < 2:
        raise InputError(f"split_every must be an integer of at least 2, got {split_every!r}", column="split_every")
    keep = _wanted(by)
    rename = dict(columns or {})
    frame = ddf
    if keep is not None:  # read only the columns needed
        need = set(keep) | set(_REQUIRED)
        cols = [c for c in ddf.columns if rename.get(c, c) in need]
        frame = ddf[cols]
    dims = None if keep is None else [d for d in keep if d not in _REQUIRED + ("category", "site")]
    parts = [dask.delayed(_cells)(p, i, rename or None, dims, keep) for i, p in enumerate(frame.to_delayed())]
    n_partitions = len(parts)
    while len(parts) > 1:
        parts = [dask.delayed(_combine)(*parts[i:i + split_every]) for i in range(0, len(parts), split_every)]
    (cells,) = dask.compute(parts[0]) if parts else (None,)
    if isinstance(cells, _Failure):
        exc = cells.error
        rows = getattr(exc, "rows", None) or [0]
        raise _located(exc, cells.partition, int(rows[0]), replace=False) from exc
    if cells is None or not isinstance(cells, pd.DataFrame):
        raise InputError("the Dask DataFrame has no partitions", column="ddf")
    names = [c for c in cells.columns if c not in ("rows", "qty", "first")]
    data = {c: _none(cells[c].tolist()) for c in names}
    data["year"] = [int(y) for y in data["year"]]
    data["scope"] = [int(s) for s in data["scope"]]
    std = {c: data.pop(c) for c in ("activity", "unit", "region", "year", "scope", "category", "site") if c in data}
    compact = Inventory.from_columns(quantity=cells["qty"].to_numpy(dtype=np.float64), **std, **data)
    first = cells["first"].to_numpy(dtype=np.int64)
    try:
        em = compact.emissions(factors, gwp=gwp, strict=strict, rates=rates, prices=prices)
    except NeutralcoreError as exc:
        rows = getattr(exc, "rows", None)
        if not rows:
            raise
        at = int(first[int(rows[0])])
        raise _located(exc, at >> _ROW_BITS, at & ((1 << _ROW_BITS) - 1), replace=True) from exc
    per = cells.groupby(["activity", "region", "year"], sort=False).agg(rows=("rows", "sum"), first=("first", "min"))
    triples = [(str(a), str(r), int(y)) for a, r, y in per.index.tolist()]
    return DaskEmissions(
        emissions=em, columns=tuple(names), n_rows=int(cells["rows"].sum()), n_partitions=n_partitions,
        triples=triples, triple_rows=per["rows"].to_numpy(dtype=np.int64),
        triple_first=per["first"].to_numpy(dtype=np.int64),
    )
