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
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence

import attrs
import numpy as np

from neutralcore._core.csvrows import CsvFile, CsvSource, open_csv, restore_column, write_csv
from neutralcore._core.labelfacts import clean_text
from neutralcore._core import frames
from neutralcore._core.progress import bar
from neutralcore._core.provenance import Provenance
from neutralcore._core.table import Table
from neutralcore._core.categorical import CHUNK, CODE_DTYPE, Categorical, CodeRangeError, combine_codes, factorize
from neutralcore._core.categorical import Span, gather, min_max, own_text, split_codes
from neutralcore._core.validators import activity_key as _activity
from neutralcore._core.validators import optional_str, quantity_column
from neutralcore._core.validators import region_code as _region
from neutralcore._core.validators import scope_int as _scope
from neutralcore._core.validators import year_int as _year_int
from neutralcore._core.validators import YEAR_MAX, YEAR_MIN, years_out_of_range
from neutralcore._core.validators import year_number as _year_number
from neutralcore.measure.activity import RESERVED_COLUMNS, Activity
from neutralcore.errors import FactorNotFoundError, InputError, InvalidQuantityError, NeutralcoreError, SchemaError, UnitError
from neutralcore.errors import row_numbers
from neutralcore.measure.emissions import Emissions
from neutralcore.measure.factorsource import FactorsLike, as_factorset, installed_activities
from neutralcore.measure.kernel import compute
from neutralcore.measure.lock import RunOptions
from neutralcore.measure.readers import (Engine, engine_columns, own_columns, read_excel_columns, read_parquet_table,
                                        resolve_engine)
from neutralcore.measure.rowpass import code_counter, code_spans, dense_codes, text_coder
from neutralcore.measure.suggest import suggestion
from neutralcore.measure.scope2 import ContractualInstrument, SupplierRate, dual_report
from neutralcore.measure.spend import ExchangeRates, PriceIndex
from neutralcore.measure.stages import with_upstream
from neutralcore.units import parse_unit

if TYPE_CHECKING:
    import pandas
    import polars
    import pyarrow

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
    if fn is _label and clean_text(cat.categories):
        return cat  # free-text labels already as _label leaves them (e.g. 10,000 site names)
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
    if len(merged) == len(new_labels):  # none merged: each code keeps its place, only the labels change
        return Categorical(cat.codes, tuple(merged))
    table = np.array([merged[v] for v in new_labels], dtype=CODE_DTYPE)
    return Categorical(_ro(gather(table, cat.codes) if len(table) else cat.codes.copy()), tuple(merged))


def _float_view(q: Any) -> np.ndarray | None:
    """A float64 column as it can be used without conversion: a read-only 1-D array is taken as a view, a
    writeable one copied (the caller could change it later); ``None`` for anything else (converted and checked
    by :func:`~neutralcore._core.validators.quantity_column`)."""
    if type(q) is not np.ndarray or q.dtype != np.float64 or q.ndim != 1:
        return None
    return q.view() if not q.flags.writeable else q.copy()


#: The bits of +inf as an int64: a float64's bits, read as an int64, are at least 0 and below this exactly when it
#: is finite, not negative and not -0.0 (IEEE 754 binary64: the sign is the top bit, then the exponent).
_INF_BITS = 0x7FF0000000000000


def _clean_quantity(q: np.ndarray, span: Span | None = None) -> np.ndarray | None:
    """*q* when every quantity is finite and not negative (one min and one max: NaN makes both NaN), with any
    -0.0 made 0.0 (it equals 0 and is not negative; in a copy if *q* is read-only); ``None`` otherwise.

    *span* (a compiled minimum and maximum of integers) first reads the quantities' bits as int64: when they are
    all in ``[0, _INF_BITS)`` nothing more is read."""
    if not q.shape[0]:
        return q
    if span is not None and q.flags.c_contiguous:
        lo, hi = span(q.view(np.int64))
        if lo >= 0 and hi < _INF_BITS:
            return q
    lo, hi = min_max(q)  # one pass over memory; NaN makes both NaN
    if not (lo >= 0.0 and hi < math.inf):
        return None
    if lo == 0.0 and any(np.signbit(q[s:s + CHUNK]).any() for s in range(0, q.shape[0], CHUNK)):
        q = q if q.flags.writeable else q.copy()
        q += 0.0
    return q


def _integer_columns(quantity: np.ndarray, cols: dict[str, Any], dims: dict[str, Any]) -> list[np.ndarray]:
    """What a build reads the minimum and maximum of: the quantities' bits (as int64, for
    :func:`_clean_quantity`), and each integer array given as a column or as the codes of a (codes, labels) pair."""
    out = [quantity.view(np.int64)] if quantity.flags.c_contiguous else []
    for v in (*(cols.get(k) for k in ("year", "activity", "unit", "region", "scope", "category", "site")),
              *dims.values()):
        if isinstance(v, tuple) and len(v) == 2:
            v = v[0]
        if type(v) is np.ndarray and v.ndim == 1 and v.dtype.kind in "iu":  # not a masked array: refused first
            out.append(v)
    return out


def _unit(v: Any) -> str:
    if not isinstance(v, str):
        raise UnitError(f"unit {v!r} is not a string", unit=v)
    parse_unit(v)
    return v.strip()


def _label(v: Any) -> str | None:
    """An optional label: None, NaN and pandas' NA (whose comparisons are ambiguous) are no label."""
    if type(v) is str:
        return v.strip() or None
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

    _code: np.ndarray | None
    sizes: tuple[int, int, int, int]
    ymin: int
    dense: bool
    uniq: np.ndarray | None
    n_keys: int
    #: ``(quantity, rows, qty)``: each key's row count and quantity when the pass coding the rows gave them,
    #: valid for that quantity array only (``with_quantity()`` keeps the codes, not these sums)
    sums: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    #: the dense layout the codes are combined from when first asked for (``code`` given as ``None``: the
    #: kernel's fused pass read the rows without keeping a code per row)
    layout_: "RowLayout | None" = None
    _made: dict = attrs.field(factory=dict, repr=False)

    @property
    def code(self) -> np.ndarray:
        """Each row's key code (combined from the layout's columns on first use when not kept)."""
        if self._code is not None:
            return self._code
        hit = self._made.get("code")
        if hit is None:
            assert self.layout_ is not None
            code, _ = dense_codes(list(self.layout_.columns), self.sizes, self.layout_.offsets)
            hit = self._made["code"] = _ro(code)
        return hit

    @property
    def uncombined(self) -> "RowLayout | None":
        """The dense layout of the rows while no code per row is kept: a pass can combine each row's key from
        its columns as it reads them, rather than have the codes combined and kept first."""
        return self.layout_ if self._code is None and "code" not in self._made else None

    def key_sums(self, quantity: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """Each key's row count and quantity, if the coding pass gave them for this *quantity* array."""
        if self.sums is None or self.sums[0] is not quantity:
            return None
        return self.sums[1], self.sums[2]

    @classmethod
    def layout(cls, inv: "Inventory") -> "RowLayout | None":
        """The dense layout of *inv*'s keys when their space is small enough to code them densely, else ``None``."""
        n = len(inv)
        if n == 0:
            return None
        lo, hi = inv._cache.get("year_span") or (int(inv.year.min()), int(inv.year.max()))
        ymin, span = lo, hi - lo + 1
        sizes = (max(len(inv.activity.categories), 1), max(len(inv.region.categories), 1), span,
                 max(len(inv.unit.categories), 1))
        space = sizes[0] * sizes[1] * sizes[2] * sizes[3]
        if space <= max(_DENSE_MAX_KEYS if space <= 2 * n + 65536 else 65536, 1) and space // sizes[3] <= _DENSE_MAX_TRIPLES:
            return RowLayout(sizes, ymin, (0, 0, ymin, 0), space,
                             (inv.activity.codes, inv.region.codes, inv.year, inv.unit.codes))
        return None

    @classmethod
    def of(cls, inv: "Inventory", lay: "RowLayout | None" = None) -> "RowKeys":
        n = len(inv)
        lay = lay or cls.layout(inv)
        if lay is not None:
            code, sums = dense_codes(list(lay.columns), lay.sizes, lay.offsets, inv.quantity)
            return lay.keys(code, None if sums is None else (inv.quantity, *sums))
        ymin = int(inv.year.min()) if n else 0
        span = int(inv.year.max()) - ymin + 1 if n else 1
        sizes = (max(len(inv.activity.categories), 1), max(len(inv.region.categories), 1), span,
                 max(len(inv.unit.categories), 1))
        if n == 0:
            return cls(_ro(np.zeros(0, np.int32)), sizes, ymin, False, np.zeros(0, np.int64), 0)
        cols = [inv.activity.codes, inv.region.codes, (inv.year - ymin).astype(np.int32), inv.unit.codes]
        inverse, uniq = combine_codes(cols, sizes)
        return cls(_ro(inverse), sizes, ymin, False, uniq, int(uniq.shape[0]))


@attrs.frozen(eq=False)
class RowLayout:
    """The dense key space of an inventory's rows before they are coded: each row's key is
    ``((activity * R + region) * Y + year - ymin) * U + unit`` of its four ``columns``, ``n_keys`` in all."""

    sizes: tuple[int, int, int, int]
    ymin: int
    offsets: tuple[int, int, int, int]
    n_keys: int
    columns: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]

    def keys(self, code: np.ndarray | None, sums: tuple[np.ndarray, np.ndarray, np.ndarray] | None) -> RowKeys:
        """The :class:`RowKeys` of rows coded as *code* in this layout (``None``: coded when first asked for),
        with the keys' ``(quantity, rows, qty)``."""
        return RowKeys(None if code is None else _ro(code), self.sizes, self.ymin, True, None, self.n_keys, sums,
                       self)


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
        if frames.is_frame(activities) or frames.is_column(activities) or isinstance(activities, Mapping):
            lib = frames.library_of(activities)
            use = {"pandas": "Inventory.from_pandas(df)", "polars": "Inventory.from_polars(df)",
                   "arrow": "Inventory.from_arrow(table)"}.get(lib or "", "Inventory.from_columns(**columns)")
            if frames.is_column(activities):
                use = "Inventory.from_columns(activity=..., quantity=..., ...), one column per argument"
            raise InputError(f"Inventory() takes Activity objects; for a {type(activities).__name__} use {use}")
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
        ``(codes, categories)`` pair of already-coded data, or a pandas Series
        or ``Categorical``, a polars Series or an Arrow array or chunked array
        (categorical ones taken by their codes; see :meth:`from_pandas`).  Extra
        keyword arguments become extra grouping dimensions.

        A read-only numpy array is taken as a view, without a copy: float64
        quantities, an int32 year, and codes of int8, int16, int32, uint8 or
        uint16 (kept at that width) or uint32 (viewed as int32).  A writeable
        array is copied, because its owner could change it later and an
        inventory never changes; mark your arrays read-only
        (``a.setflags(write=False)``) to pass them without a copy.  Any other
        type is converted (int64 codes narrowed to int32 once in range).
        Checks read each column once (a min and a max; rows are searched only
        when one fails); scope and year integers are coded by counting each
        value, not by a sort.

        Raises
        ------
        InvalidQuantityError
            A quantity is negative, NaN or infinite (rows named).
        SchemaError
            Columns of different lengths, or an unparseable year.
        InputError, UnknownUnitError
            A bad activity key, region, scope or unit (rows named).
        """
        cols = dict(activity=activity, quantity=quantity, unit=unit, region=region, year=year, scope=scope,
                    category=category, site=site)
        # pandas/polars Series and Arrow arrays: categorical ones as (codes, categories), numbers as arrays
        cols = {k: frames.column_values(v, coded=k != "quantity") if frames.is_column(v) else v for k, v in cols.items()}
        dims = {k: frames.column_values(v) if frames.is_column(v) else v for k, v in dims.items()}
        return cls._build(cols, dims, labels=None, source=None)

    @classmethod
    def from_pandas(cls, df: "pandas.DataFrame", *, columns: Mapping[str, str] | None = None,
                    dims: Sequence[str] | None = None) -> "Inventory":
        """An inventory from a pandas DataFrame whose columns are named as in the CSV schema.

        Parameters
        ----------
        df : pandas.DataFrame
            Columns ``activity, quantity, unit, region, year, scope``, optional
            ``category`` and ``site``; any other column becomes an extra
            grouping dimension (or only those named in *dims*).  The index is
            not read (``df.reset_index()`` makes its levels columns).
        columns : mapping of str to str, optional
            The frame's name of a column to the inventory's, e.g.
            ``{"kwh": "quantity", "plant": "site"}``.
        dims : sequence of str, optional
            The extra dimensions to keep (inventory names); default every other column.

        ``Categorical`` columns are taken by their codes (at their width: int8,
        int16 or int32) and categories, text columns are coded by
        :func:`pandas.factorize`.  With pandas' Copy-on-Write (always from
        pandas 3.0) codes, float64 quantities and int32 years are used in
        place, without a copy: the inventory holds the frame's columns, so a
        later write through the frame (``df.loc[...] = ...``) copies them first
        and the inventory is unchanged; without Copy-on-Write they are copied.
        A frame built over your own numpy arrays without a copy
        (``copy=False``) shares their memory, and so does the inventory
        (docs/dataframes.md, "Copies").  Errors name the column and the rows by
        their 0-based position in the frame (not the index label).

        Raises
        ------
        SchemaError
            A required column is missing, *columns* names a column the frame lacks,
            or a value is missing where one is required.
        InvalidQuantityError, InputError, UnknownUnitError
            As :meth:`from_columns`.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"activity": ["electricity.grid"] * 2, "kwh": [1200.0, 300.0], "unit": "kWh",
        ...                    "region": "VN", "year": 2023, "scope": 2, "plant": ["p1", "p2"]})
        >>> inv = Inventory.from_pandas(df, columns={"kwh": "quantity", "plant": "site"})
        >>> len(inv), inv.site.categories
        (2, ('p1', 'p2'))
        """
        frames.require("pandas", "Inventory.from_pandas()")
        return cls._from_frame(df, "pandas", "the DataFrame", columns, dims)

    @classmethod
    def from_polars(cls, df: "polars.DataFrame | polars.LazyFrame", *, columns: Mapping[str, str] | None = None,
                    dims: Sequence[str] | None = None) -> "Inventory":
        """An inventory from a polars DataFrame (or LazyFrame, collected); columns as in :meth:`from_pandas`.

        ``Enum`` and ``Categorical`` columns are taken by their codes, ``String``
        columns coded by a cast to ``Enum``; errors name rows by 0-based position.
        Enum codes (UInt8, UInt16 or UInt32), float64 quantities and int32 years
        are used in place: polars never writes to a buffer another object holds.

        Examples
        --------
        >>> import polars as pl
        >>> df = pl.DataFrame({"activity": ["electricity.grid"], "quantity": [1200.0], "unit": ["MWh"],
        ...                    "region": ["VN"], "year": [2023], "scope": [2]})
        >>> len(Inventory.from_polars(df))
        1
        """
        frames.require("polars", "Inventory.from_polars()")
        return cls._from_frame(df, "polars", "the DataFrame", columns, dims)

    @classmethod
    def from_arrow(cls, table: "pyarrow.Table | pyarrow.RecordBatch", *, columns: Mapping[str, str] | None = None,
                   dims: Sequence[str] | None = None) -> "Inventory":
        """An inventory from an Arrow table or record batch; columns as in :meth:`from_pandas`.

        ``DictionaryArray`` columns are taken by their indices and dictionary,
        ``string``, ``large_string`` and ``string_view`` columns dictionary-encoded
        by pyarrow; errors name rows by 0-based position.  Indices (at their
        width), float64 quantities and int32 years of a one-chunk column are used
        in place (Arrow memory is immutable); the chunks of a longer column are
        joined once, their dictionaries unified.

        Examples
        --------
        >>> import pyarrow as pa
        >>> t = pa.table({"activity": ["electricity.grid"], "quantity": [1200.0], "unit": ["MWh"],
        ...               "region": ["VN"], "year": [2023], "scope": [2]})
        >>> len(Inventory.from_arrow(t))
        1
        """
        frames.require("pyarrow", "Inventory.from_arrow()")
        return cls._from_frame(table, "arrow", "the Arrow table", columns, dims)

    @classmethod
    def _from_frame(cls, frame: Any, library: str, what: str, columns: Mapping[str, str] | None,
                    dims: Sequence[str] | None, source: str | None = None) -> "Inventory":
        if frames.library_of(frame) != library or not frames.is_frame(frame):
            hint = {"pandas": "from_pandas", "polars": "from_polars", "arrow": "from_arrow"}.get(
                frames.library_of(frame) or "", "from_columns")
            raise SchemaError(f"expected a {library} frame, got a {type(frame).__module__}.{type(frame).__name__}; "
                              f"use Inventory.{hint}()", source=source)
        by_name = frames.frame_columns(frame, what)
        names = frames.renamed(list(by_name), columns, what)
        data = {names[k]: v for k, v in by_name.items()}
        missing = [c for c in REQUIRED if c not in data]
        if missing:
            in_index = [c for c in missing if c in frames.index_names(frame)]
            hint = f"; {in_index} in its index: use df.reset_index()" if in_index else ""
            raise SchemaError(f"{what} lacks the required column(s) {missing}{hint}; its columns: "
                              f"{', '.join(by_name)} (map others with columns={{'name': {missing[0]!r}}})",
                              column=missing[0], source=source)
        extra = [k for k in data if k not in RESERVED_COLUMNS] if dims is None else list(dims)
        absent = [d for d in extra if d not in data]
        if absent:
            raise SchemaError(f"dims names {absent[0]!r}, which {what} lacks", column=absent[0], source=source)
        cols = {k: None if data.get(k) is None else frames.column_values(data[k], coded=k != "quantity")
                for k in RESERVED_COLUMNS}
        with row_numbers("position"):  # a frame's rows, and a Parquet file's, are 0-based positions
            return cls._build(cols, {d: frames.column_values(data[d]) for d in extra}, labels=None, source=source)

    @classmethod
    def read_parquet(cls, path: str | Path, *, columns: Mapping[str, str] | None = None,
                     dims: Sequence[str] | None = None) -> "Inventory":
        """Read an inventory from a Parquet file (needs pyarrow: ``pip install 'neutralcore[parquet]'``).

        Columns as in :meth:`read_csv` (renamed with *columns* as in
        :meth:`from_pandas`); dictionary-encoded columns are taken by their
        codes.  Errors name the file, the column and the rows by their
        0-based position in the file.

        Raises
        ------
        MissingDependencyError
            pyarrow is not installed.
        SchemaError
            The file cannot be read, is not Parquet, or lacks a required column.
        InvalidQuantityError, InputError, UnknownUnitError
            A bad value (the rows named).

        Examples
        --------
        >>> import pyarrow as pa, pyarrow.parquet as pq, tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), "inventory.parquet")
        >>> pq.write_table(pa.table({"activity": ["electricity.grid"], "quantity": [1200.0], "unit": ["MWh"],
        ...                          "region": ["VN"], "year": [2023], "scope": [2]}), path)
        >>> len(Inventory.read_parquet(path))
        1
        """
        table = read_parquet_table(path)
        return cls._from_frame(table, "arrow", "the Parquet file", columns, dims, source=str(path))

    @classmethod
    def read_excel(cls, path: str | Path, sheet: str | int | None = None, *, columns: Mapping[str, str] | None = None,
                   dims: Sequence[str] | None = None) -> "Inventory":
        """Read an inventory from a sheet of an ``.xlsx`` workbook (needs openpyxl: ``pip install 'neutralcore[excel]'``).

        The first non-blank row of the sheet is the header, with the columns
        of :meth:`read_csv`; blank rows are skipped.  *sheet* is a sheet's
        title or 0-based position (default the first sheet).  Rows are
        streamed (openpyxl's read-only mode), and a formula cell gives the
        value Excel last computed for it.  *columns* and *dims* are as in
        :meth:`from_pandas` (``columns={"kWh": "quantity"}`` renames a header).

        The inventory's :attr:`provenance` records the file and sheet and each
        row's number in the sheet; errors name the file, the sheet, the
        column and those row numbers, as Excel shows them.

        Raises
        ------
        MissingDependencyError
            openpyxl is not installed.
        SchemaError
            The file cannot be read or is not a workbook, the sheet does not exist,
            or its header is missing a required column (file, sheet, row and column named).
        InvalidQuantityError, InputError, UnknownUnitError
            A bad value (the sheet rows named).

        Examples
        --------
        >>> import openpyxl, tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), "inventory.xlsx")
        >>> book = openpyxl.Workbook()
        >>> book.active.append(["activity", "quantity", "unit", "region", "year", "scope"])
        >>> book.active.append(["electricity.grid", 1200, "MWh", "VN", 2023, 2])
        >>> book.save(path)
        >>> inv = Inventory.read_excel(path)
        >>> len(inv), inv.provenance.line.tolist()
        (1, [2])
        """
        sheet_cols = read_excel_columns(path, sheet, required=REQUIRED, columns=columns)
        header = sheet_cols.header
        extra_names = [h for h in header if h not in RESERVED_COLUMNS] if dims is None else list(dims)
        absent = [d for d in extra_names if d not in header]
        if absent:
            raise SchemaError(f"dims names {absent[0]!r}, which the sheet lacks", column=absent[0],
                              source=sheet_cols.source)
        data = sheet_cols.columns
        cols = {name: data.get(name) for name in RESERVED_COLUMNS}
        with row_numbers("sheet row"):
            inv = cls._build(cols, {d: data[d] for d in extra_names}, labels=sheet_cols.rows, source=sheet_cols.source)
        return inv._evolve(provenance=Provenance.of_file(sheet_cols.source, sheet_cols.rows), cache=dict(inv._cache))

    @classmethod
    def _build(
        cls, cols: dict[str, Any], dims: dict[str, Any], *, labels: Sequence[int] | np.ndarray | None, source: str | None
    ) -> "Inventory":
        quantity = _float_view(cols["quantity"])
        if quantity is None:
            quantity = quantity_column(cols["quantity"], labels, source)
            quantity += 0.0  # -0 becomes 0 (it equals 0 and is not negative)
        n = quantity.shape[0]
        counter, spanner = code_counter(n), code_spans(_integer_columns(quantity, cols, dims), n)
        texter = text_coder(n)
        clean = _clean_quantity(quantity, spanner)
        for name, mask, what in (
            ("quantity", ~np.isfinite(quantity), "quantity must be finite (NaN or infinite found)"),
            ("quantity", quantity < 0, "quantity must not be negative"),
        ) if clean is None else ():
            if mask.any():
                raise InvalidQuantityError(what, column=name, rows=_bad_rows(mask, labels), source=source)
        quantity = quantity if clean is None else clean

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
                cat = factorize(value, n, count=counter, span=spanner, text=texter)
            except CodeRangeError as exc:  # the row of the first code out of range
                row = exc.position if labels is None else int(labels[exc.position])
                raise SchemaError(f"cannot read column: {exc}", column=name, rows=[row], source=source) from exc
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
            # into int32 (each value clamped to -1 .. 9999 above; the range is checked below): read-only, kept
            year = _ro(gather(np.array(vals, dtype=np.int32), ycat.codes)) if vals else np.zeros(0, np.int32)
        if year.shape[0] != n:
            raise SchemaError(f"has {year.shape[0]} rows, quantity has {n}", column="year", source=source)
        y_lo, y_hi = (spanner or min_max)(year) if n else (YEAR_MIN, YEAR_MIN)
        if not YEAR_MIN <= y_lo <= y_hi <= YEAR_MAX:  # the mask only to name the rows
            raise SchemaError(f"year must be between {YEAR_MIN} and {YEAR_MAX}", column="year",
                              rows=_bad_rows(years_out_of_range(year), labels), source=source)
        # a read-only int32 column is taken as a view; any other is copied (narrowed once the range is checked)
        year = year.view() if year.dtype == np.int32 and not year.flags.writeable else year.astype(np.int32)

        norm = {"activity": _activity, "unit": _unit, "region": _region, "scope": _scope, "category": _label, "site": _label}
        if texter is not None:  # lists of text parsed row by row: coded together, each split while the next is read
            texter.prepare([v for v in [*(cols[name] for name in norm), *dims.values()] if own_text(v)])
        cats = {}
        for name, fn in norm.items():
            cats[name] = _normalise(coded(name, cols[name]), fn, name, labels, source)
        extra = {name: _normalise(coded(name, v), _label, name, labels, source) for name, v in dims.items()}
        return cls._make(  # the year range checked above is kept: the dense layout reads no row again for it
            quantity=_ro(quantity), year=_ro(year), dims=extra, cache={"year_span": (int(y_lo), int(y_hi))}, **cats
        )

    @classmethod
    def read_csv(cls, path: CsvSource, *, dims: Sequence[str] | None = None,
                 progress: bool | None = None, engine: Engine = "auto") -> "Inventory":
        """Read an inventory from CSV.

        Required columns: ``activity, quantity, unit, region, year, scope``;
        optional ``category`` and ``site``; any other column becomes an extra
        grouping dimension (or only those named in *dims*).  *path* is a
        path, an ``importlib.resources`` traversable or the file's bytes.

        The inventory's :attr:`provenance` records the file and each row's
        line (the header is line 1); :meth:`where`, :meth:`take` and
        :meth:`concat` keep it, and errors name the file, the column and the
        lines.

        *engine* splits the file into columns: ``"neutralcore"`` (its own
        reader: with ``pip install 'neutralcore[fast]'``, compiled loops that
        split, code and parse each block in one pass, blocks on every core;
        without, numpy in pieces of 4 MiB; a file on disk is read a block at a
        time either way), ``"pyarrow"`` (``pip install 'neutralcore[arrow]'``)
        or ``"polars"`` (``pip install 'neutralcore[polars]'``), whose
        multi-threaded tokenizers dictionary-encode the label columns and
        parse the quantities, or ``"auto"`` (the default): for a file of
        1 MiB or more, neutralcore's compiled reader with ``[fast]``, else
        pyarrow, else polars, when installed; else neutralcore.  Every
        engine gives the same inventory, to the bit, and
        the same checks and errors: the decimals are parsed correctly rounded
        by all three, every label, year and scope goes through neutralcore's
        checks, and a file an engine cannot be trusted with (quoted fields, a
        blank or short row, a value it cannot parse) is read by neutralcore's
        own reader, whose errors name the file, the line and the column.

        *progress* shows a bar over the bytes read (``True``), never
        (``False``), or (``None``, the default) only on an interactive
        terminal; it needs tqdm (``pip install 'neutralcore[progress]'``) and
        is silent without it.  The bar follows neutralcore's engine piece by
        piece and pyarrow's or polars' in one step; a file with quoted
        fields is read without one.

        Raises
        ------
        SchemaError
            The file cannot be read or is malformed (an unclosed quote, a row
            of the wrong width), or its header lacks a required column,
            repeats one or has an empty one.
        InvalidQuantityError, InputError, UnknownUnitError
            A bad value (the lines named).
        InputError
            *engine* is not one of ``"auto"``, ``"neutralcore"``, ``"pyarrow"``, ``"polars"``.
        MissingDependencyError
            ``engine="pyarrow"`` or ``"polars"`` and that library is not installed (the extra named).

        Examples
        --------
        >>> data = b"activity,quantity,unit,region,year,scope\\nelectricity.grid,1200,MWh,VN,2023,2\\n"
        >>> inv = Inventory.read_csv(data)
        >>> inv.provenance.describe([0])
        'line 2 of <bytes>'
        >>> Inventory.read_csv(data, engine="pyarrow").quantity.tolist() == inv.quantity.tolist()
        True
        """
        tried = False  # whether an engine read the file on disk and could not: the csv module then reads it
        if isinstance(path, (str, Path)):
            streamed, tried = cls._read_engine_path(Path(path), dims, progress, engine)
            if streamed is not None:
                return streamed
        file = open_csv(path, required=REQUIRED)
        extra_names = cls._csv_dims(file, dims)
        chosen = resolve_engine(engine, len(file.data) - (file.body or 0))
        if file.body is not None and not tried:
            fast = cls._read_plain(file, extra_names, progress, chosen)
            if fast is not None:
                return fast
        data, lines = file.columns()
        return cls._from_file_columns(file, data, lines, extra_names)

    @staticmethod
    def _csv_dims(file: CsvFile, dims: Sequence[str] | None) -> list[str]:
        extra_names = [h for h in file.header if h not in RESERVED_COLUMNS]
        if dims is not None:
            unknown = [d for d in dims if d not in extra_names]
            if unknown:
                raise file.error(f"dimension(s) {unknown} not in the file", column=unknown[0])
            extra_names = list(dims)
        return extra_names

    @classmethod
    def _read_engine_path(cls, path: Path, dims: Sequence[str] | None, progress: bool | None,
                          engine: str) -> "tuple[Inventory | None, bool]":
        """:meth:`read_csv` of a file on disk read by pyarrow or polars themselves, or by neutralcore's engine in
        pieces (its bytes never held whole), and whether that was tried; ``None`` when not read: then the file is
        read as bytes, by the csv module if the engine was tried (the same bytes would fail it again), and errors
        come from that read."""
        try:
            size = path.stat().st_size
            with open(path, "rb") as fh:
                head = fh.readline(1 << 16)
        except OSError:
            return None, False
        line = head[:-2] if head.endswith(b"\r\n") else head[:-1]
        if not head.endswith(b"\n") or b'"' in line or b"\r" in line or not line.strip():
            return None, False  # a header that is not one plain line: the whole file's read says what it is
        file = open_csv(head, required=REQUIRED, name=str(path))  # the header checks of the whole file's read
        extra_names = cls._csv_dims(file, dims)
        chosen = resolve_engine(engine, size - len(head))
        if file.body is None:
            return None, False
        with bar(size - len(head), f"reading {path.name} (bytes)", progress=progress) as b:
            if chosen == "neutralcore":  # the file a block at a time: its bytes never held whole
                data = own_columns(path, len(head), file.header, on_piece=b.update)
            else:
                data = engine_columns(path, len(head), file.header, chosen)
                if data is not None:
                    b.update(size - len(head))
            if data is None:
                return None, True
        lines = range(2, data["quantity"].shape[0] + 2)  # the file's lines in order: kept as the range
        return cls._from_file_columns(file, data, lines, extra_names, escaped=True), True

    @classmethod
    def _from_file_columns(cls, file: CsvFile, data: dict[str, Any], lines: range | np.ndarray,
                           extra_names: Sequence[str], escaped: bool | None = None) -> "Inventory":
        """The inventory of a CSV file's columns (either reader's), labels restored, with its provenance.

        *escaped*: whether a label may carry :meth:`to_csv`'s formula escape (default: the file has a ``'``)."""
        if b"'" in file.data if escaped is None else escaped:
            data = _restored(data, extra_names)
        cols = {name: data.get(name) for name in RESERVED_COLUMNS}
        inv = cls._build(cols, {d: data[d] for d in extra_names}, labels=lines, source=file.name)
        return inv._evolve(provenance=Provenance.of_file(file.name, lines), cache=dict(inv._cache))

    @classmethod
    def _read_plain(cls, file: CsvFile, extra_names: Sequence[str], progress: bool | None = False,
                    engine: str = "neutralcore") -> "Inventory | None":
        """:meth:`read_csv` of an opened file whose header is one plain line, by *engine* (pyarrow or polars:
        :func:`~neutralcore.measure.readers.engine_columns`; neutralcore: :mod:`neutralcore._core.csvsplit`),
        or ``None`` when the body is not one that engine reads (the csv-module reader then reads it)."""
        assert file.body is not None
        data: dict[str, Any] | None = None
        size = len(file.data) - file.body
        with bar(size, f"reading {Path(file.name).name} (bytes)", progress=progress) as b:
            if engine != "neutralcore":
                data = engine_columns(file.data, file.body, file.header, engine)
                if data is not None:
                    b.update(size)  # pyarrow and polars read the body in one call
            if data is None:
                data = own_columns(file.data, file.body, file.header, on_piece=b.update)
        if data is None:
            return None
        lines = range(2, data["quantity"].shape[0] + 2)  # the file's lines in order: kept as the range
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
        return self._evolve(year=_ro(np.full(len(self), y, dtype=np.int32)), cache={"year_span": (y, y)})

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

    def _row_keys(self, fused: "Callable[[RowLayout], RowKeys] | None" = None) -> "RowKeys":
        """Cached codes of each row's (activity, region, year, unit) key; see :class:`RowKeys`.

        When their space is dense, *fused* (the kernel's pass that also sums the rows,
        :func:`neutralcore.measure.rowpass.fused_pass`) reads them, given their :class:`RowLayout`, on every call:
        coded before or not, one pass over the rows, with no code per row combined, kept and read again.
        """
        hit = self._cache.get("row_keys")
        lay = None
        if hit is None or (fused is not None and hit.dense):
            lay = hit.layout_ if hit is not None and hit.layout_ is not None else RowKeys.layout(self)
        if fused is not None and lay is not None:
            keys = fused(lay)
            if hit is None:
                hit = self._cache["row_keys"] = keys
            return hit
        if hit is None:
            hit = self._cache["row_keys"] = RowKeys.of(self, lay)
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
        upstream: bool = False,
        rates: ExchangeRates | None = None,
        prices: PriceIndex | None = None,
        by: Sequence[Sequence[str]] = (),
        by_gases: bool = True,
    ) -> Emissions:
        """Emissions of this inventory under *factors*.

        Parameters
        ----------
        factors : FactorSet, str, path or a sequence of these
            A factor set, pack names (``"vietnam,ipcc"``), a factor CSV file or a
            pack directory; names and paths are resolved by
            :func:`neutralcore.registry.resolve_factors`.
        gwp : {"AR5", "AR4", "AR6", "SAR", "TAR", "AR6-GWP20"}, optional
            GWP set; default :data:`neutralcore.gwp.DEFAULT_GWP` (AR5).
        strict : bool
            Make any region or year fallback an error.
        scope2 : {"location", "market"}, optional
            Which scope 2 figure the result's totals hold (any spelling
            :func:`neutralcore.measure.basis.scope2_method` takes).  Given, or
            with *instruments*, *supplier_rates*, *entity* or *vintage_window*,
            the result carries both figures in ``.scope2``
            (:func:`neutralcore.measure.scope2.market_based`); otherwise it is
            the location-based result alone.
        upstream : bool
            Opt in to life-cycle stages: each row whose activity has upstream factors (``<activity>.wtt``,
            ``.td``, ``.upstream``) also gives its upstream part in scope 3 (category 3 for a scope 1 or 2
            row), and the result's inventory has a ``stage`` dimension (:mod:`neutralcore.measure.stages`).
        rates, prices : ExchangeRates, PriceIndex, optional
            Exchange rates and price indices for spends in another currency or
            price year than their spend-based factor's
            (:mod:`neutralcore.measure.spend`); without them such a row is a
            :class:`~neutralcore.DimensionError` saying which table is missing.
        by : sequence of tuples of str, optional
            Groupings asked for up front (e.g. ``[("scope",), ("site",)]``), summed in the same pass over the
            rows as the totals (with each gas unless *by_gases* is False), so that ``by()`` and ``by_many()``
            read them without another pass; any grouping can still be asked for later.

        Returns
        -------
        Emissions
            Totals in t CO2e (plain floats); see :func:`neutralcore.measure.kernel.compute`.
        """
        fs = as_factorset(factors)
        run = RunOptions(strict=strict, upstream=upstream is True, rates=rates, prices=prices, scope2=scope2,
                         instruments=instruments or (), supplier_rates=supplier_rates or (), entity=entity,
                         vintage_window=vintage_window)
        if isinstance(upstream, bool) and upstream:
            em = with_upstream(self, fs).emissions(fs, gwp=gwp, strict=strict, scope2=scope2, instruments=instruments,
                                                   supplier_rates=supplier_rates, entity=entity,
                                                   vintage_window=vintage_window, rates=rates, prices=prices,
                                                   by=by, by_gases=by_gases)
            return attrs.evolve(em, run=run)
        if not isinstance(upstream, bool):
            raise InputError(f"upstream must be True or False, got {upstream!r}", column="upstream")
        try:
            em = compute(self, fs, gwp=gwp, strict=strict, rates=rates, prices=prices, by=by, by_gases=by_gases)
        except FactorNotFoundError as exc:  # add "did you mean" and the installed packs that cover the key
            missing = [key[0] for key in getattr(exc, "keys", None) or ()]
            hint = suggestion(missing, fs.activity.categories, installed_activities()) if missing else ""
            if not hint:
                raise
            raise exc.extended(hint).with_traceback(exc.__traceback__) from exc.__cause__
        if scope2 is None and instruments is None and supplier_rates is None and entity is None \
                and vintage_window is None:
            return attrs.evolve(em, run=run)
        return attrs.evolve(dual_report(em, scope2=scope2, instruments=instruments or (),
                                        supplier_rates=supplier_rates or (), entity=entity,
                                        vintage_window=0 if vintage_window is None else vintage_window), run=run)

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
