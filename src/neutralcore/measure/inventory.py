# Over 600 lines: one frozen columnar type whose constructors, CSV edge, subsetting and kernel support share its invariants.
"""``Inventory``: activities held as columns (numpy arrays and categorical codes).

An inventory is immutable: filtering, concatenating or changing quantities
returns a new one, and a failed construction leaves nothing behind.

Examples
--------
>>> import neutralcore as nc
>>> inv = nc.Inventory([
...     nc.Activity("electricity.grid", 1200, "MWh", region="VN", year=2023, scope=2, site="plant-1"),
...     nc.Activity("electricity.grid", 300, "MWh", region="VN", year=2023, scope=2, site="plant-2"),
... ])
>>> len(inv), len(inv.where(site="plant-1"))
(2, 1)
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

import attrs
import numpy as np

from neutralcore._core.csvrows import CsvFile, CsvSource, open_csv, restore_column, write_csv
from neutralcore._core.csvsplit import read_plain_chunked
from neutralcore._core.provenance import Provenance
from neutralcore._core.table import Table
from neutralcore._core.categorical import CHUNK, CODE_DTYPE, Categorical, combine_codes, factorize, split_codes
from neutralcore._core.validators import activity_key as _activity
from neutralcore._core.validators import optional_str, quantity_column
from neutralcore._core.validators import region_code as _region
from neutralcore._core.validators import scope_int as _scope
from neutralcore._core.validators import year_int as _year_int
from neutralcore._core.validators import YEAR_MAX, YEAR_MIN, years_out_of_range
from neutralcore._core.validators import year_number as _year_number
from neutralcore.measure.activity import RESERVED_COLUMNS, Activity
from neutralcore.errors import InputError, InvalidQuantityError, NeutralcoreError, SchemaError, UnitError
from neutralcore.measure.emissions import Emissions
from neutralcore.measure.factorsource import FactorsLike, as_factorset
from neutralcore.measure.kernel import compute
from neutralcore.measure.scope2 import ContractualInstrument, SupplierRate, dual_report
from neutralcore.units import parse_unit

__all__ = ["Inventory"]

REQUIRED = ("activity", "quantity", "unit", "region", "year", "scope")
CATEGORICAL = ("activity", "unit", "region", "scope", "category", "site")


def _ro(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def _bad_rows(mask: np.ndarray, labels: Sequence[int] | np.ndarray | None) -> list[int]:
    idx = np.flatnonzero(mask)[:10]
    if labels is None:
        return idx.tolist()
    return [int(labels[i]) for i in idx]


def _normalise(
    cat: Categorical, fn: Callable[[Any], Any], column: str, labels: Sequence[int] | np.ndarray | None, source: str | None
) -> Categorical:
    """Apply *fn* to each distinct label (not each row); merge labels that become equal."""
    new_labels = []
    for code, label in enumerate(cat.categories):
        try:
            new_labels.append(fn(label))
        except NeutralcoreError as exc:
            rows = _bad_rows(cat.codes == code, labels)
            cls = type(exc) if isinstance(exc, (InputError, UnitError)) else InputError
            if issubclass(cls, InputError):
                raise cls(exc.message.split(": ", 1)[-1], column=column, rows=rows, source=source) from exc
            placed = InputError(exc.message, column=column, rows=rows, source=source).message  # file, column, rows
            raise cls(placed, unit=label, rows=rows, source=source, column=column) from exc
    merged = {v: i for i, v in enumerate(dict.fromkeys(new_labels))}
    if len(merged) == len(new_labels) and all(type(a) is type(b) and a == b for a, b in zip(new_labels, cat.categories)):
        return cat
    table = np.array([merged[v] for v in new_labels], dtype=CODE_DTYPE)
    return Categorical(_ro(table[cat.codes] if len(table) else cat.codes.copy()), tuple(merged))


def _unit(v: Any) -> str:
    if not isinstance(v, str):
        raise UnitError(f"unit {v!r} is not a string", unit=v)
    parse_unit(v)
    return v.strip()


def _label(v: Any) -> str | None:
    """An optional label: None, NaN and pandas' NA (whose comparisons are ambiguous) are no label."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    try:
        missing = bool(v != v)
    except TypeError:  # pandas.NA: "boolean value of NA is ambiguous"
        missing = True
    return None if missing else optional_str(v)


def _restored(data: dict[str, Any], extra_names: Sequence[str]) -> dict[str, Any]:
    """Free-text columns (category, site, extra dimensions) with :meth:`Inventory.to_csv`'s formula escape undone."""
    out = dict(data)
    for name in ("category", "site", *extra_names):
        if out.get(name) is not None:
            out[name] = restore_column(out[name])
    return out


# Dense keys: every combination of the key columns gets a code, so rows need no compaction pass.
_DENSE_MAX_KEYS = 1 << 21
_DENSE_MAX_TRIPLES = 1 << 17


@attrs.frozen(eq=False)
class RowKeys:
    """Each row's code for its (activity, region, year, unit) combination.

    ``dense``: ``code`` is the combination itself (``n_keys`` = product of the
    column sizes), used when that space is small; otherwise ``code`` indexes
    ``uniq``, the combinations present.
    """

    code: np.ndarray
    sizes: tuple[int, int, int, int]
    ymin: int
    dense: bool
    uniq: np.ndarray | None
    n_keys: int

    @classmethod
    def of(cls, inv: "Inventory") -> "RowKeys":
        n = len(inv)
        ymin = int(inv.year.min()) if n else 0
        span = int(inv.year.max()) - ymin + 1 if n else 1
        sizes = (max(len(inv.activity.categories), 1), max(len(inv.region.categories), 1), span,
                 max(len(inv.unit.categories), 1))
        space = sizes[0] * sizes[1] * sizes[2] * sizes[3]
        cols = [inv.activity.codes, inv.region.codes, (inv.year - ymin).astype(np.int32), inv.unit.codes]
        if n == 0:
            return cls(_ro(np.zeros(0, np.int32)), sizes, ymin, False, np.zeros(0, np.int64), 0)
        if space <= max(_DENSE_MAX_KEYS if space <= 2 * n + 65536 else 65536, 1) and space // sizes[3] <= _DENSE_MAX_TRIPLES:
            dtype = np.int32 if space < 2**31 else np.int64
            code: np.ndarray = np.empty(n, dtype=dtype)
            step = CHUNK  # combine in cache-sized chunks: one pass over memory instead of seven
            for start in range(0, n, step):
                stop = start + step
                part: Any = cols[0][start:stop].astype(dtype)
                for col, size in zip(cols[1:], sizes[1:]):
                    part *= size
                    part += col[start:stop]
                code[start:stop] = part
            return cls(_ro(code), sizes, ymin, True, None, space)
        inverse, uniq = combine_codes(cols, sizes)
        return cls(_ro(inverse), sizes, ymin, False, uniq, int(uniq.shape[0]))


@attrs.frozen(init=False, eq=False, repr=False)
class Inventory:
    """Activities as columns: numpy arrays for quantity and year, categorical codes for the rest.

    Build one from :class:`Activity` objects (``Inventory([...])``), from
    columns (:meth:`from_columns`) or from a CSV file (:meth:`read_csv`).
    Quantities must be finite and non-negative; every error names the rows.
    """

    quantity: np.ndarray
    year: np.ndarray
    activity: Categorical
    unit: Categorical
    region: Categorical
    scope: Categorical
    category: Categorical
    site: Categorical
    dims: Mapping[str, Categorical]
    #: Where each row was read (file and line), for an inventory read with :meth:`read_csv`; ``None`` otherwise.
    provenance: Provenance | None = attrs.field(default=None, repr=False)
    _cache: dict = attrs.field(factory=dict, repr=False)

    def __init__(self, activities: Iterable[Activity] = ()) -> None:
        acts = list(activities)
        for i, a in enumerate(acts):
            if not isinstance(a, Activity):
                raise InputError(f"item {i} is a {type(a).__name__}, not an Activity", rows=[i])
        tag_names = list(dict.fromkeys(k for a in acts for k in a.tags))
        cols: dict[str, Any] = {name: [getattr(a, name) for a in acts] for name in RESERVED_COLUMNS}
        for t in tag_names:
            cols[t] = [a.tags.get(t) for a in acts]
        built = Inventory.from_columns(**cols)
        fields = {f.name: getattr(built, f.name) for f in attrs.fields(Inventory) if f.name != "_cache"}
        self.__attrs_init__(**fields, cache={})

    @classmethod
    def _make(cls, **fields: Any) -> "Inventory":
        obj = cls.__new__(cls)
        obj.__attrs_init__(**fields)
        return obj

    # -- construction ------------------------------------------------------------

    @classmethod
    def from_columns(
        cls,
        *,
        activity: Any,
        quantity: Any,
        unit: Any,
        region: Any,
        year: Any,
        scope: Any,
        category: Any = None,
        site: Any = None,
        **dims: Any,
    ) -> "Inventory":
        """Build an inventory from columns.

        Each column may be a sequence, a numpy array, a scalar (repeated on
        every row), a :class:`~neutralcore._core.categorical.Categorical` or a
        ``(codes, categories)`` pair of already-coded data.  Extra keyword
        arguments become extra grouping dimensions.

        Raises
        ------
        InvalidQuantityError
            A quantity is negative, NaN or infinite (rows named).
        SchemaError
            Columns of different lengths, or an unparseable year.
        InputError, UnknownUnitError
            A bad activity key, region, scope or unit (rows named).
        """
        return cls._build(
            dict(activity=activity, quantity=quantity, unit=unit, region=region, year=year, scope=scope,
                 category=category, site=site),
            dims,
            labels=None,
            source=None,
        )

    @classmethod
    def _build(
        cls, cols: dict[str, Any], dims: dict[str, Any], *, labels: Sequence[int] | np.ndarray | None, source: str | None
    ) -> "Inventory":
        quantity = quantity_column(cols["quantity"], labels, source)
        quantity += 0.0  # -0 becomes 0 (it equals 0 and is not negative)
        n = quantity.shape[0]
        for name, mask, what in (
            ("quantity", ~np.isfinite(quantity), "quantity must be finite (NaN or infinite found)"),
            ("quantity", quantity < 0, "quantity must not be negative"),
        ):
            if mask.any():
                raise InvalidQuantityError(what, column=name, rows=_bad_rows(mask, labels), source=source)

        for name in dims:
            if not name.isidentifier() or name in RESERVED_COLUMNS or name.startswith("_"):
                raise SchemaError(f"extra dimension name {name!r} is not allowed", column=name, source=source)

        def coded(name: str, value: Any) -> Categorical:
            if isinstance(value, np.ma.MaskedArray):
                masked = np.ma.getmaskarray(value).reshape(-1)
                if masked.any():
                    raise SchemaError("is masked (a missing value)", column=name, rows=_bad_rows(masked, labels),
                                      source=source)
                value = np.ma.getdata(value)
            try:
                cat = factorize(value, n)
            except (TypeError, ValueError) as exc:
                raise SchemaError(f"cannot read column: {exc}", column=name, source=source) from None
            if len(cat) != n:
                raise SchemaError(f"has {len(cat)} rows, quantity has {n}", column=name, source=source)
            return cat

        y_in = cols["year"]
        if isinstance(y_in, np.ma.MaskedArray):
            y_in = coded("year", y_in)  # refuses masked rows
        if isinstance(y_in, np.ndarray) and y_in.dtype.kind in "iu":
            year = y_in.reshape(-1)  # range-checked below before narrowing to int32 (no silent wrap-around)
        elif np.isscalar(y_in) or y_in is None:
            try:
                year = np.full(n, _year_int(y_in), dtype=np.int32)
            except InputError as exc:
                raise SchemaError(exc.message.split(": ", 1)[-1], column="year", source=source) from None
        else:
            ycat = coded("year", y_in)
            vals = []
            for code, v in enumerate(ycat.categories):
                try:
                    vals.append(min(max(_year_number(v), -1), 9999))  # out of range either way; checked below
                except InputError as exc:
                    raise SchemaError(exc.message.split(": ", 1)[-1], column="year",
                                      rows=_bad_rows(ycat.codes == code, labels), source=source) from exc
            year = np.array(vals, dtype=np.int64)[ycat.codes] if vals else np.zeros(0, np.int32)
        if year.shape[0] != n:
            raise SchemaError(f"has {year.shape[0]} rows, quantity has {n}", column="year", source=source)
        out_of_range = years_out_of_range(year)
        if out_of_range.any():
            raise SchemaError(f"year must be between {YEAR_MIN} and {YEAR_MAX}", column="year", rows=_bad_rows(out_of_range, labels),
                              source=source)
        year = year.astype(np.int32, copy=False)

        norm = {"activity": _activity, "unit": _unit, "region": _region, "scope": _scope, "category": _label, "site": _label}
        cats = {}
        for name, fn in norm.items():
            cats[name] = _normalise(coded(name, cols[name]), fn, name, labels, source)
        extra = {name: _normalise(coded(name, v), _label, name, labels, source) for name, v in dims.items()}
        return cls._make(
            quantity=_ro(quantity), year=_ro(year), dims=extra, cache={}, **cats
        )

    @classmethod
    def read_csv(cls, path: CsvSource, *, dims: Sequence[str] | None = None) -> "Inventory":
        """Read an inventory from CSV.

        Required columns: ``activity, quantity, unit, region, year, scope``;
        optional ``category`` and ``site``; any other column becomes an extra
        grouping dimension (or only those named in *dims*).  *path* is a
        path, an ``importlib.resources`` traversable or the file's bytes.

        The inventory's :attr:`provenance` records the file and each row's
        line (the header is line 1); :meth:`where`, :meth:`take` and
        :meth:`concat` keep it, and errors name the file, the column and the
        lines.

        Raises
        ------
        SchemaError
            The file cannot be read or is malformed (an unclosed quote, a row
            of the wrong width), or its header lacks a required column,
            repeats one or has an empty one.
        InvalidQuantityError, InputError, UnknownUnitError
            A bad value (the lines named).

        Examples
        --------
        >>> data = b"activity,quantity,unit,region,year,scope\\nelectricity.grid,1200,MWh,VN,2023,2\\n"
        >>> inv = Inventory.read_csv(data)
        >>> inv.provenance.describe([0])
        'line 2 of <bytes>'
        """
        file = open_csv(path, required=REQUIRED)
        extra_names = [h for h in file.header if h not in RESERVED_COLUMNS]
        if dims is not None:
            unknown = [d for d in dims if d not in extra_names]
            if unknown:
                raise file.error(f"dimension(s) {unknown} not in the file", column=unknown[0])
            extra_names = list(dims)
        if file.body is not None:
            fast = cls._read_plain(file.data, file.name, dims)
            if fast is not None:
                return fast
        data, lines = file.columns()
        return cls._from_file_columns(file, data, lines, extra_names)

    @classmethod
    def _from_file_columns(cls, file: CsvFile, data: dict[str, Any], lines: np.ndarray,
                           extra_names: Sequence[str]) -> "Inventory":
        """The inventory of a CSV file's columns (either reader's), labels restored, with its provenance."""
        if b"'" in file.data:
            data = _restored(data, extra_names)
        cols = {name: data.get(name) for name in RESERVED_COLUMNS}
        inv = cls._build(cols, {d: data[d] for d in extra_names}, labels=lines, source=file.name)
        return inv._evolve(provenance=Provenance.of_file(file.name, lines))

    @classmethod
    def _read_plain(cls, raw: bytes, fname: str, dims: Sequence[str] | None) -> "Inventory | None":
        """:meth:`read_csv` of a file's bytes with a plain body (see :mod:`neutralcore._core.csvsplit`), or None."""
        file = open_csv(raw, required=REQUIRED, name=fname)
        extra_names = [h for h in file.header if h not in RESERVED_COLUMNS] if dims is None else list(dims)
        if file.body is None:
            return None
        data = read_plain_chunked(file.data, list(file.header), start=file.body)
        if data is None:
            return None
        lines = np.arange(2, data["quantity"].shape[0] + 2, dtype=np.int64)
        return cls._from_file_columns(file, data, lines, extra_names)

    # -- export ------------------------------------------------------------------

    @property
    def columns(self) -> tuple[str, ...]:
        return RESERVED_COLUMNS + tuple(self.dims)

    def column(self, name: str) -> Categorical | np.ndarray:
        """A column by name: quantity and year as arrays, the others as categoricals."""
        if name in ("quantity", "year"):
            return getattr(self, name)
        if name in CATEGORICAL:
            return getattr(self, name)
        if name in self.dims:
            return self.dims[name]
        raise InputError(f"no column {name!r}; columns: {', '.join(self.columns)}", column=name)

    def to_columns(self) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {}
        for name in self.columns:
            col = self.column(name)
            out[name] = col.tolist() if isinstance(col, np.ndarray) else col.values()
        return out

    def to_csv(self, path: str | Path) -> None:
        """Write the inventory to CSV, readable again with :meth:`read_csv` (to the same inventory).

        Safe to open in a spreadsheet: a label a spreadsheet would run as a
        formula (starting with ``=``, ``+``, ``-`` unless a number, ``@``)
        is written with a leading ``'``, which :meth:`read_csv` removes
        again.  The file is replaced only once it is completely written.
        """
        columns: list[Any] = []
        for name in self.columns:
            col = self.column(name)
            columns.append(col if isinstance(col, np.ndarray) else (col.codes, col.categories))
        write_csv(path, self.columns, columns)

    def __len__(self) -> int:
        return int(self.quantity.shape[0])

    def __iter__(self) -> Iterator[Activity]:
        cols = self.to_columns()
        dims = list(self.dims)
        for i in range(len(self)):
            yield Activity(
                cols["activity"][i], cols["quantity"][i], cols["unit"][i], region=cols["region"][i],
                year=cols["year"][i], scope=cols["scope"][i], category=cols["category"][i], site=cols["site"][i],
                tags={d: cols[d][i] for d in dims if cols[d][i] is not None},
            )

    # -- subsetting and combining ------------------------------------------------------

    def take(self, index: np.ndarray) -> "Inventory":
        """Rows at *index* (integer positions or a boolean mask); each keeps its file and line (:attr:`provenance`)."""
        index = np.asarray(index)
        if index.dtype == bool:
            index = np.flatnonzero(index)
        return Inventory._make(
            quantity=_ro(self.quantity[index]), year=_ro(self.year[index]),
            activity=self.activity.take(index).compact(), unit=self.unit.take(index).compact(),
            region=self.region.take(index).compact(), scope=self.scope.take(index).compact(),
            category=self.category.take(index).compact(), site=self.site.take(index).compact(),
            dims={k: v.take(index).compact() for k, v in self.dims.items()}, cache={},
            provenance=self.provenance.take(index) if self.provenance is not None else None,
        )

    def mask(self, **criteria: Any) -> np.ndarray:
        """Boolean mask of rows matching all *criteria* (see :meth:`where`)."""
        m = np.ones(len(self), dtype=bool)
        for name, wanted in criteria.items():
            if name == "year":
                years = [wanted] if np.isscalar(wanted) else list(wanted)
                m &= np.isin(self.year, np.asarray(years, dtype=np.int64))
                continue
            col = self.column(name)
            if isinstance(col, np.ndarray):
                raise InputError(f"cannot filter on {name!r}", column=name)
            scalar = wanted is None or isinstance(wanted, str) or np.isscalar(wanted) or not hasattr(wanted, "__iter__")
            wanted_set = {wanted} if scalar else set(wanted)
            if name == "scope":
                wanted_set = {_scope(w) for w in wanted_set}
            elif name == "region":
                wanted_set = {_region(w) for w in wanted_set}
            if name == "activity":
                ok = [c in wanted_set or any(str(c).startswith(f"{w}.") for w in wanted_set) for c in col.categories]
            else:
                ok = [c in wanted_set for c in col.categories]
            m &= np.array(ok, dtype=bool)[col.codes] if ok else np.zeros(len(self), bool)
        return m

    def where(self, **criteria: Any) -> "Inventory":
        """Rows matching every criterion, e.g. ``inv.where(scope=2, site=["a", "b"])``.

        ``activity`` also matches by dotted prefix: ``activity="fuel"`` keeps
        ``fuel.diesel.stationary``.
        """
        return self.take(np.flatnonzero(self.mask(**criteria)))

    @classmethod
    def concat(cls, inventories: Sequence["Inventory"]) -> "Inventory":
        """Stack inventories; extra dimensions missing from one are empty (None) there.

        The :attr:`provenance` of inventories read from files is kept: each
        row still names its own file and line.
        """
        invs = list(inventories)
        if not invs:
            return cls()
        dim_names = list(dict.fromkeys(d for inv in invs for d in inv.dims))
        def dim_col(inv: "Inventory", d: str) -> Categorical:
            col = inv.dims.get(d)
            if col is None:  # a zero-row inventory adds no "(none)" group
                col = Categorical(_ro(np.zeros(len(inv), CODE_DTYPE)), (None,) if len(inv) else ())
            return col
        # every inventory uses all its categories (constructors and take() compact them), so their union is used
        cat = lambda name: Categorical.concat([getattr(i, name) for i in invs])  # noqa: E731
        return cls._make(
            quantity=_ro(np.concatenate([i.quantity for i in invs])), year=_ro(np.concatenate([i.year for i in invs])),
            activity=cat("activity"), unit=cat("unit"), region=cat("region"), scope=cat("scope"),
            category=cat("category"), site=cat("site"),
            dims={d: Categorical.concat([dim_col(i, d) for i in invs]) for d in dim_names}, cache={},
            provenance=Provenance.concat([i.provenance for i in invs], [len(i) for i in invs]),
        )

    def __add__(self, other: "Inventory") -> "Inventory":
        if not isinstance(other, Inventory):
            return NotImplemented
        return Inventory.concat([self, other])

    def with_quantity(self, quantity: np.ndarray) -> "Inventory":
        """The same rows with new quantities (validated); for levers and scenarios."""
        try:
            q = np.array(quantity, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError):
            raise InvalidQuantityError("new quantity is not numeric", column="quantity") from None
        if q.shape[0] != len(self):
            raise SchemaError(f"new quantity has {q.shape[0]} rows, inventory has {len(self)}", column="quantity")
        bad = ~np.isfinite(q) | (q < 0)
        if bad.any():
            raise InvalidQuantityError("quantity must be finite and non-negative", column="quantity", rows=_bad_rows(bad, None))
        cache = dict(self._cache)  # codes are unchanged, so cached keys stay valid
        return self._evolve(quantity=_ro(q), cache=cache)

    def with_year(self, year: int) -> "Inventory":
        """The same rows, every one moved to *year*; the other columns are kept as they are, not re-validated.

        >>> import neutralcore as nc
        >>> inv = nc.Inventory([nc.Activity("electricity.grid", 10, "MWh", region="VN", year=2024, scope=2)])
        >>> inv.with_year(2030).year.tolist()
        [2030]
        """
        y = _year_int(year)
        return self._evolve(year=_ro(np.full(len(self), y, dtype=np.int32)))

    def _evolve(self, **changes: Any) -> "Inventory":
        fields: dict[str, Any] = {str(f.alias): getattr(self, f.name) for f in attrs.fields(Inventory)}
        fields["cache"] = {}
        fields.update(changes)
        return Inventory._make(**fields)

    def with_column(self, name: str, values: Any) -> "Inventory":
        """The same rows with one categorical column replaced (validated)."""
        if name in ("quantity",):
            return self.with_quantity(values)
        cols: dict[str, Any] = {n: getattr(self, n) for n in CATEGORICAL}
        cols["quantity"] = self.quantity
        cols["year"] = self.year
        dims = dict(self.dims)
        if name in cols:
            cols[name] = values
        else:  # an extra dimension; _build rejects names that are not allowed
            dims[name] = values
        return Inventory._build(cols, dims, labels=None, source=None)._evolve(provenance=self.provenance)

    # -- kernel support ----------------------------------------------------------------

    def _row_keys(self) -> "RowKeys":
        """Cached codes of each row's (activity, region, year, unit) key; see :class:`RowKeys`."""
        hit = self._cache.get("row_keys")
        if hit is None:
            hit = RowKeys.of(self)
            self._cache["row_keys"] = hit
        return hit

    def emissions(
        self,
        factors: FactorsLike,
        *,
        gwp: str | None = None,
        strict: bool = False,
        scope2: str | None = None,
        instruments: Sequence[ContractualInstrument] | None = None,
        supplier_rates: Sequence[SupplierRate] | None = None,
        entity: str | None = None,
        vintage_window: int | tuple[int, int] | None = None,
    ) -> Emissions:
        """Emissions of this inventory under *factors*.

        Parameters
        ----------
        factors : FactorSet, str, path or a sequence of these
            A factor set, pack names (``"vietnam,ipcc"``), a factor CSV file or a
            pack directory; names and paths are resolved by
            :func:`neutralcore.registry.resolve_factors`.
        gwp : {"AR4", "AR5", "AR6"}, optional
            GWP100 set; default :data:`neutralcore.gwp.DEFAULT_GWP` (AR5).
        strict : bool
            Make any region or year fallback an error.
        scope2 : {"location", "market"}, optional
            Which scope 2 figure the result's totals hold (any spelling
            :func:`neutralcore.measure.basis.scope2_method` takes).  Given, or
            with *instruments*, *supplier_rates*, *entity* or *vintage_window*,
            the result carries both figures in ``.scope2``
            (:func:`neutralcore.measure.scope2.market_based`); otherwise it is
            the location-based result alone.

        Returns
        -------
        Emissions
            Totals in t CO2e (plain floats); see :func:`neutralcore.measure.kernel.compute`.
        """
        em = compute(self, as_factorset(factors), gwp=gwp, strict=strict)
        if scope2 is None and instruments is None and supplier_rates is None and entity is None \
                and vintage_window is None:
            return em
        return dual_report(em, scope2=scope2, instruments=instruments or (), supplier_rates=supplier_rates or (),
                           entity=entity, vintage_window=0 if vintage_window is None else vintage_window)

    # -- display ---------------------------------------------------------------------

    def summary(self) -> Table:
        """One row per (activity, unit): row count and total quantity in that unit."""

        sizes = [max(len(self.activity.categories), 1), max(len(self.unit.categories), 1)]
        inverse, uniq = combine_codes([self.activity.codes, self.unit.codes], sizes)
        a, u = split_codes(uniq, sizes)
        k = uniq.shape[0]
        return Table(
            {
                "activity": [self.activity.categories[i] for i in a.tolist()],
                "unit": [self.unit.categories[i] for i in u.tolist()],
                "rows": np.bincount(inverse, minlength=k).tolist(),
                "quantity": np.bincount(inverse, weights=self.quantity, minlength=k),
            },
            title=f"Inventory: {len(self):,} rows",
        )

    def head(self, n: int = 10) -> Table:
        """The first *n* rows as a :class:`~neutralcore._core.table.Table`."""
        sub = self.take(np.arange(min(n, len(self))))
        return Table(sub.to_columns(), title=f"Inventory: first {len(sub)} of {len(self)} rows")

    def __repr__(self) -> str:
        n = len(self)
        if n == 0:
            return "Inventory(0 rows)"
        yrs = f"{int(self.year.min())}–{int(self.year.max())}" if n else ""
        lines = [
            f"Inventory({_count(n, 'row')}; {_count(len(self.activity.categories), 'activity', 'activities')}, "
            f"{_count(len(self.region.categories), 'region')}, "
            f"years {yrs}, {_count(len(self.site.categories), 'site')}" + (f", dims {list(self.dims)}" if self.dims else "") + ")"
        ]
        if n <= 10:
            lines.append(self.head(10).to_text(title=""))
        else:
            lines.append(self.head(5).to_text(title="", notes=[f"… {n - 5:,} more rows"]))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        n = len(self)
        heading = (f"Inventory: {_count(n, 'row')}, {_count(len(self.activity.categories), 'activity', 'activities')}, "
                   f"{_count(len(self.site.categories), 'site')}")
        return self.head(10).to_html(title=heading)


def _count(n: int, one: str, many: str | None = None) -> str:
    """``"1 site"``, ``"1,200 sites"``."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"
