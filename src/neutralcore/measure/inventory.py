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

import codecs
import csv
import io
import math
from operator import itemgetter, methodcaller
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

import attrs
import numpy as np

from neutralcore._core.csvsplit import read_plain
from neutralcore._core.categorical import CHUNK, CODE_DTYPE, Categorical, combine_codes, factorize
from neutralcore._core.validators import activity_key as _activity
from neutralcore._core.validators import optional_str, quantity_column
from neutralcore._core.validators import region_code as _region
from neutralcore._core.validators import scope_int as _scope
from neutralcore._core.validators import year_int as _year_int
from neutralcore._core.validators import year_number as _year_number
from neutralcore.measure.activity import RESERVED_COLUMNS, Activity
from neutralcore.errors import InputError, InvalidQuantityError, NeutralcoreError, SchemaError, UnitError
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


# Dense keys: every combination of the key columns gets a code, so rows need no compaction pass.
_DENSE_MAX_KEYS = 1 << 21
_DENSE_MAX_TRIPLES = 1 << 17


def _blank(lines: list[str]) -> np.ndarray:
    """Lines that are empty or only commas and spaces (as spreadsheets leave)."""
    stripped = map(str.strip, map(methodcaller("replace", ",", ""), lines))
    return np.fromiter(map(len, stripped), dtype=np.int64, count=len(lines)) == 0


def _read_rows_plain(text: str, header: list[str], fname: str) -> tuple[dict[str, list[str]], list[int]]:
    """Columns of a CSV without quote characters: splitting and slicing in C, no Python work per row."""
    width = len(header)
    body = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")[1:]
    line_of = np.arange(2, len(body) + 2, dtype=np.int64)
    blank = _blank(body)
    if blank.any():
        keep = np.flatnonzero(~blank)
        body = [body[i] for i in keep.tolist()]
        line_of = line_of[keep]
    commas = np.fromiter(map(methodcaller("count", ","), body), dtype=np.int64, count=len(body))
    wrong = np.flatnonzero(commas != width - 1)
    if wrong.size:
        i = int(wrong[0])
        raise SchemaError(f"line {int(line_of[i])}: expected {width} fields, found {int(commas[i]) + 1}", source=fname,
                          rows=[int(line_of[i])])
    flat = ",".join(body).split(",") if body else []
    return {h: flat[j::width] for j, h in enumerate(header)}, line_of.tolist()


def _read_rows_quoted(reader: Any, header: list[str], fname: str) -> tuple[dict[str, list[str]], list[int]]:
    """Columns of a CSV with quoted fields (which may span lines), through the csv module."""
    width = len(header)
    raw_rows: list[list[str]] = []
    raw_lines: list[int] = []
    try:
        for raw in reader:  # quoted fields may span lines: track physical line numbers row by row
            raw_rows.append(raw)
            raw_lines.append(reader.line_num)
    except csv.Error as exc:
        raise SchemaError(f"line {reader.line_num}: malformed CSV: {exc}", source=fname, rows=[reader.line_num]) from None
    line_of = np.asarray(raw_lines, dtype=np.int64)
    widths = np.fromiter(map(len, raw_rows), dtype=np.int64, count=len(raw_rows))
    blank = _blank(list(map(",".join, raw_rows)))
    wrong = np.flatnonzero((widths != width) & ~blank)
    if wrong.size:
        i = int(wrong[0])
        raise SchemaError(f"line {int(line_of[i])}: expected {width} fields, found {int(widths[i])}", source=fname,
                          rows=[int(line_of[i])])
    if blank.any():
        keep = np.flatnonzero(~blank)
        raw_rows = [raw_rows[i] for i in keep.tolist()]
        line_of = line_of[keep]
    return {h: list(map(itemgetter(j), raw_rows)) for j, h in enumerate(header)}, line_of.tolist()


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
        if n and (year.min() < 1800 or year.max() > 2300):
            out_of_range = (year < 1800) | (year > 2300)
            raise SchemaError("year must be between 1800 and 2300", column="year", rows=_bad_rows(out_of_range, labels),
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
    def read_csv(cls, path: str | Path, *, dims: Sequence[str] | None = None) -> "Inventory":
        """Read an inventory from CSV.

        Required columns: ``activity, quantity, unit, region, year, scope``;
        optional ``category`` and ``site``; any other column becomes an extra
        grouping dimension (or only those named in *dims*).  Errors name the
        file, the column and the line numbers (the header is line 1).
        """
        fname = str(path)
        try:
            raw = Path(path).read_bytes()
        except FileNotFoundError:
            raise SchemaError("file not found", source=fname) from None
        except OSError as exc:  # a directory, no permission, …
            raise SchemaError(f"cannot read the file: {exc.strerror or exc}", source=fname) from None
        if raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        fast = cls._read_plain(raw, fname, dims)
        if fast is not None:
            return fast
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SchemaError(f"not UTF-8 text ({exc.reason})", source=fname) from None
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise SchemaError("the file is empty; expected a header row", source=fname) from None
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise SchemaError(f"missing required column(s) {missing} in the header (line 1)", column=missing[0], source=fname)
        dup = [c for c in header if header.count(c) > 1]
        if dup:
            raise SchemaError(f"column appears twice in the header (line 1)", column=dup[0], source=fname)
        width = len(header)
        if '"' in text:
            data, lines = _read_rows_quoted(reader, header, fname)
        else:
            data, lines = _read_rows_plain(text, header, fname)
        extra_names = [h for h in header if h not in RESERVED_COLUMNS]
        if dims is not None:
            unknown = [d for d in dims if d not in extra_names]
            if unknown:
                raise SchemaError(f"dimension(s) {unknown} not in the file", column=unknown[0], source=fname)
            extra_names = list(dims)
        cols = {name: data.get(name) for name in RESERVED_COLUMNS}
        cols["category"] = cols["category"] if cols["category"] is not None else None
        cols["site"] = cols["site"] if cols["site"] is not None else None
        inv = cls._build(cols, {d: data[d] for d in extra_names}, labels=lines, source=fname)
        inv._cache["origin"] = (fname, np.asarray(lines, dtype=np.int64))
        return inv

    @classmethod
    def _read_plain(cls, raw: bytes, fname: str, dims: Sequence[str] | None) -> "Inventory | None":
        """:meth:`read_csv` for a plain file (see :mod:`neutralcore._core.csvsplit`), or None to read it row by row."""
        end = raw.find(b"\n")
        if end < 0 or b'"' in raw[:end] or b"\r" in raw[:end]:
            return None
        try:
            header = [h.strip() for h in raw[:end].decode("utf-8").split(",")]
        except UnicodeDecodeError:
            return None
        if any(c not in header for c in REQUIRED) or len(set(header)) != len(header):
            return None  # the row-by-row path words these errors
        extra_names = [h for h in header if h not in RESERVED_COLUMNS]
        if dims is not None and any(d not in extra_names for d in dims):
            return None
        data = read_plain(raw[end + 1:], header)
        if data is None:
            return None
        n = data["quantity"].shape[0]
        if dims is not None:
            extra_names = list(dims)
        lines = np.arange(2, n + 2, dtype=np.int64)
        cols = {name: data.get(name) for name in RESERVED_COLUMNS}
        inv = cls._build(cols, {d: data[d] for d in extra_names}, labels=lines, source=fname)
        inv._cache["origin"] = (fname, lines)
        return inv

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
        """Write the inventory to CSV (readable again with :meth:`read_csv`)."""
        cols = self.to_columns()
        tmp = Path(str(path) + ".tmp")
        with open(tmp, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(list(cols))
            w.writerows(zip(*[[("" if v is None else repr(v) if isinstance(v, float) else v) for v in c] for c in cols.values()]))
        tmp.replace(path)

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
        """Rows at *index* (integer positions or a boolean mask)."""
        index = np.asarray(index)
        if index.dtype == bool:
            index = np.flatnonzero(index)
        return Inventory._make(
            quantity=_ro(self.quantity[index]), year=_ro(self.year[index]),
            activity=self.activity.take(index).compact(), unit=self.unit.take(index).compact(),
            region=self.region.take(index).compact(), scope=self.scope.take(index).compact(),
            category=self.category.take(index).compact(), site=self.site.take(index).compact(),
            dims={k: v.take(index).compact() for k, v in self.dims.items()}, cache={},
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
        """Stack inventories; extra dimensions missing from one are empty (None) there."""
        invs = list(inventories)
        if not invs:
            return cls()
        dim_names = list(dict.fromkeys(d for inv in invs for d in inv.dims))
        def dim_col(inv: "Inventory", d: str) -> Categorical:
            col = inv.dims.get(d)
            if col is None:  # a zero-row inventory adds no "(none)" group
                col = Categorical(_ro(np.zeros(len(inv), CODE_DTYPE)), (None,) if len(inv) else ())
            return col
        cat = lambda name: Categorical.concat([getattr(i, name) for i in invs]).compact()  # noqa: E731
        return cls._make(
            quantity=_ro(np.concatenate([i.quantity for i in invs])), year=_ro(np.concatenate([i.year for i in invs])),
            activity=cat("activity"), unit=cat("unit"), region=cat("region"), scope=cat("scope"),
            category=cat("category"), site=cat("site"),
            dims={d: Categorical.concat([dim_col(i, d) for i in invs]).compact() for d in dim_names}, cache={},
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
        return Inventory._build(cols, dims, labels=None, source=None)

    # -- kernel support ----------------------------------------------------------------

    def _row_keys(self) -> "RowKeys":
        """Cached codes of each row's (activity, region, year, unit) key; see :class:`RowKeys`."""
        hit = self._cache.get("row_keys")
        if hit is None:
            hit = RowKeys.of(self)
            self._cache["row_keys"] = hit
        return hit

    def emissions(self, factors: Any, *, gwp: str | None = None, strict: bool = False, **kwargs: Any) -> Any:
        """Emissions of this inventory under *factors*; see :func:`neutralcore.measure.kernel.compute`."""
        from neutralcore.measure.kernel import compute

        return compute(self, factors, gwp=gwp, strict=strict, **kwargs)

    # -- display ---------------------------------------------------------------------

    def summary(self) -> Any:
        """One row per (activity, unit): row count and total quantity in that unit."""
        from neutralcore._core.categorical import combine_codes, split_codes
        from neutralcore._core.table import Table

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

    def head(self, n: int = 10) -> Any:
        from neutralcore._core.table import Table

        sub = self.take(np.arange(min(n, len(self))))
        return Table(sub.to_columns(), title=f"Inventory: first {len(sub)} of {len(self)} rows")

    def __repr__(self) -> str:
        n = len(self)
        if n == 0:
            return "Inventory(0 rows)"
        yrs = f"{int(self.year.min())}–{int(self.year.max())}" if n else ""
        lines = [
            f"Inventory({n:,} row{'s' if n != 1 else ''}; {len(self.activity.categories):,} activities, "
            f"{len(self.region.categories):,} regions, "
            f"years {yrs}, {len(self.site.categories):,} sites" + (f", dims {list(self.dims)}" if self.dims else "") + ")"
        ]
        if n <= 10:
            lines.append(repr(self.head(10)).split("\n", 1)[1])
        else:
            lines.append(repr(self.head(5)).split("\n", 1)[1])
            lines.append(f"… {n - 5:,} more rows")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        n = len(self)
        head = self.head(10)._repr_html_()
        return f"<p><b>Inventory</b>: {n:,} rows, {len(self.activity.categories)} activities, {len(self.site.categories)} sites</p>{head}"
