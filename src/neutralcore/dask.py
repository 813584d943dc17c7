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
from neutralcore.measure.rowpass import key_sums
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


@attrs.frozen(eq=False)
class _Cells:
    """Partial sums: per cell (a distinct key and grouping labels) its codes into each column's labels, its row
    count, quantity sum and first row (``partition << 40 | row``).  Only these arrays and the labels travel."""

    names: tuple[str, ...]
    labels: tuple[tuple[Any, ...], ...]
    codes: np.ndarray  # (cells, columns) int32
    rows: np.ndarray
    qty: np.ndarray
    first: np.ndarray


def _group(codes: np.ndarray, sizes: Sequence[int]) -> tuple[np.ndarray, np.ndarray, int]:
    """Each row of *codes* (one column per label column) numbered by its distinct combination: (inverse, one row
    index per combination, count); counted with a bincount when the combined space is small, else sorted."""
    n = codes.shape[0]
    code = np.zeros(n, dtype=np.int64)
    space = 1
    for j, size in enumerate(sizes):
        size = max(int(size), 1)
        if space * size >= 2**62:  # keep the mixed-radix code in int64: renumber what is present so far
            _, code = np.unique(code, return_inverse=True)
            code = code.reshape(-1).astype(np.int64)
            space = int(code.max()) + 1 if n else 1
        code = code * size + codes[:, j]
        space *= size
    if space <= max(4 * n, 1 << 16):  # small code space: count, no sort
        seen = np.full(space, -1, dtype=np.int64)
        seen[code[::-1]] = np.arange(n - 1, -1, -1, dtype=np.int64)  # the first row of each combination
        present = np.flatnonzero(seen >= 0)
        number = np.zeros(space, dtype=np.int64)
        number[present] = np.arange(present.shape[0])
        return number[code], seen[present], int(present.shape[0])
    _, index, inverse = np.unique(code, return_index=True, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64), index, int(index.shape[0])


def _cells(part: "pandas.DataFrame", partition: int, columns: Mapping[str, str] | None,
           dims: Sequence[str] | None, keep: Sequence[str] | None) -> "_Cells | _Failure":
    """One partition reduced to its cells."""
    try:
        inv = Inventory.from_pandas(part, columns=columns, dims=dims)
    except NeutralcoreError as exc:
        return _Failure(partition, exc)
    names = [c for c in inv.columns if c != "quantity" and (keep is None or c in keep or c in _KEY or c == "scope")]
    n = len(inv)
    codes = np.empty((n, len(names)), dtype=np.int32)
    labels: list[tuple[Any, ...]] = []
    for j, name in enumerate(names):
        col = inv.column(name)
        if isinstance(col, np.ndarray):  # the year: integers, coded from their minimum
            lo, hi = (int(col.min()), int(col.max())) if n else (0, -1)
            codes[:, j] = col
            codes[:, j] -= lo
            labels.append(tuple(range(lo, hi + 1)))
        else:
            codes[:, j] = col.codes
            labels.append(tuple(col.categories))
    inverse, first, m = _group(codes, [len(x) for x in labels])
    rows, qty = key_sums(inverse, inv.quantity, m)
    return _Cells(tuple(names), tuple(labels), codes[first], rows, qty,
                  (np.int64(partition) << _ROW_BITS) | first.astype(np.int64))


def _combine(*parts: "_Cells | _Failure") -> "_Cells | _Failure":
    """Partial sums added cell by cell: counts exactly, quantities as float sums, the smallest first row.

    Folded two at a time, so a step holds about two partial results, whatever ``split_every`` is."""
    failures = [p for p in parts if isinstance(p, _Failure)]
    if failures:
        return min(failures, key=lambda f: f.partition)
    cells = [p for p in parts if isinstance(p, _Cells)]
    acc = cells[0]
    for other in cells[1:]:
        acc = _merge(acc, other)
    return acc


def _merge(a: _Cells, b: _Cells) -> _Cells:
    labels: list[tuple[Any, ...]] = []
    codes = np.empty((a.codes.shape[0] + b.codes.shape[0], len(a.names)), dtype=np.int32)
    for j in range(len(a.names)):  # each column's labels: a's, then b's new ones
        union = {v: i for i, v in enumerate(a.labels[j])}
        to = np.array([union.setdefault(v, len(union)) for v in b.labels[j]], dtype=np.int32)
        codes[: a.codes.shape[0], j] = a.codes[:, j]
        codes[a.codes.shape[0]:, j] = to[b.codes[:, j]] if len(to) else b.codes[:, j]
        labels.append(tuple(union))
    inverse, index, m = _group(codes, [len(x) for x in labels])
    rows = np.bincount(inverse, weights=np.concatenate([a.rows, b.rows]), minlength=m).astype(np.int64)
    qty = np.bincount(inverse, weights=np.concatenate([a.qty, b.qty]), minlength=m)
    first = np.full(m, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, inverse, np.concatenate([a.first, b.first]))
    return _Cells(a.names, tuple(labels), codes[index], rows, qty, first)


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
    if not isinstance(cells, _Cells):
        raise InputError("the Dask DataFrame has no partitions", column="ddf")
    data: dict[str, Any] = {}
    for j, name in enumerate(cells.names):
        values: np.ndarray = np.empty(len(cells.labels[j]), dtype=object)
        values[:] = list(cells.labels[j])
        if name in ("year", "scope"):
            data[name] = np.asarray(cells.labels[j], dtype=np.int64)[cells.codes[:, j]]
        else:
            data[name] = (cells.codes[:, j].astype(np.int32), values)
    std = {c: data.pop(c) for c in ("activity", "unit", "region", "year", "scope", "category", "site") if c in data}
    compact = Inventory.from_columns(quantity=cells.qty, **std, **data)
    try:
        em = compact.emissions(factors, gwp=gwp, strict=strict, rates=rates, prices=prices)
    except NeutralcoreError as exc:
        rows = getattr(exc, "rows", None)
        if not rows:
            raise
        at = int(cells.first[int(rows[0])])
        raise _located(exc, at >> _ROW_BITS, at & ((1 << _ROW_BITS) - 1), replace=True) from exc
    tri = [cells.names.index(c) for c in ("activity", "region", "year")]
    inverse, index, m = _group(cells.codes[:, tri], [len(cells.labels[j]) for j in tri])
    triple_rows = np.bincount(inverse, weights=cells.rows, minlength=m).astype(np.int64)
    triple_first = np.full(m, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(triple_first, inverse, cells.first)
    a, r, y = (cells.labels[j] for j in tri)
    triples = [(str(a[i]), str(r[k]), int(y[t])) for i, k, t in cells.codes[index][:, tri].tolist()]
    return DaskEmissions(
        emissions=em, columns=cells.names, n_rows=int(cells.rows.sum()), n_partitions=n_partitions,
        triples=triples, triple_rows=triple_rows, triple_first=triple_first,
    )
