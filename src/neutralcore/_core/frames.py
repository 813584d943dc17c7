"""DataFrames, Series and Arrow arrays as plain columns: numpy arrays and ``(codes, categories)`` pairs.

The one place that knows pandas, polars and pyarrow objects on the way in.
:func:`library_of` tells them apart by their type's module (nothing is
imported to ask); :func:`frame_columns` gives a frame's columns by name and
:func:`column_values` turns one column into what ``Inventory.from_columns``
takes:

* a categorical column (pandas ``Categorical``, polars ``Enum`` or
  ``Categorical``, an Arrow ``DictionaryArray``) becomes its codes and its
  categories, with no pass over the rows in Python; a missing value gets the
  category ``None`` (which the inventory then refuses or keeps, by column);
* a text column is dictionary-coded by its own library (``pandas.factorize``,
  a polars ``Enum`` cast, ``pyarrow.compute.dictionary_encode``), also into
  codes and categories;
* a numeric column becomes a numpy array, a :class:`numpy.ma.MaskedArray`
  where values are missing;
* codes and numbers are read-only views of the library's memory, not copies,
  where nothing the library lets its user do can write to it later: polars and
  Arrow memory always, pandas memory under Copy-on-Write, where the view holds
  the pandas column (so pandas copies before writing); pandas without
  Copy-on-Write and a bare ``pandas.Categorical`` are copied;
* anything else becomes a numpy object array of Python values.

pandas, polars and pyarrow are imported only inside these functions; the
library of an object handed in is installed by definition, and the frame
readers that need one raise :class:`~neutralcore.MissingDependencyError`
through :func:`require`.

Examples
--------
>>> import numpy as np
>>> library_of(np.arange(3)) is None
True
>>> library_of([1, 2]) is None
True
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import Any, Literal, Mapping, Sequence, Union

import numpy as np

from neutralcore.errors import MissingDependencyError, SchemaError
from neutralcore._core.categorical import gather
from neutralcore._core.textcodes import text_codes

__all__ = ["Library", "Column", "library_of", "is_frame", "is_column", "require", "frame_columns", "column_values",
           "index_names", "renamed", "string_codes"]

Library = Literal["pandas", "polars", "arrow"]
#: What :func:`column_values` gives: an array (masked where values are missing) or ``(codes, categories)``.
Column = Union[np.ndarray, "tuple[np.ndarray, tuple[Any, ...]]"]

_EXTRA = {"pandas": "pandas", "polars": "polars", "pyarrow": "arrow"}
_FRAMES = {("pandas", "DataFrame"), ("polars", "DataFrame"), ("polars", "LazyFrame"), ("arrow", "Table"),
           ("arrow", "RecordBatch")}
_COLUMNS = {("pandas", "Series"), ("pandas", "Categorical"), ("polars", "Series"), ("arrow", "ChunkedArray")}


def require(module: str, what: str, extra: str | None = None) -> ModuleType:
    """Import optional *module* for *what*, or raise :class:`~neutralcore.MissingDependencyError` naming its extra.

    >>> require("no_such_module_here", "reading this", "arrow")
    Traceback (most recent call last):
    ...
    neutralcore.MissingDependencyError: reading this needs no_such_module_here, which is not installed: pip install 'neutralcore[arrow]'
    """
    extra = extra or _EXTRA.get(module.partition(".")[0], module)
    try:
        __import__(module)  # the import statement's hook, so that a patched builtins.__import__ is honoured too
        return sys.modules[module]
    except ImportError as exc:
        top = module.partition(".")[0]
        raise MissingDependencyError(
            f"{what} needs {top}, which is not installed: pip install 'neutralcore[{extra}]'",
            package=top, extra=extra,
        ) from exc


def _kind(obj: Any) -> tuple[Library, str] | None:
    for cls in type(obj).__mro__:
        root = cls.__module__.partition(".")[0]
        if root in ("pandas", "polars"):
            return root, cls.__name__  # type: ignore[return-value]
        if root == "pyarrow":
            return "arrow", cls.__name__
    return None


def library_of(obj: Any) -> Library | None:
    """``"pandas"``, ``"polars"`` or ``"arrow"`` for a frame, series or array of that library, else ``None``."""
    kind = _kind(obj)
    return None if kind is None else kind[0]


def is_frame(obj: Any) -> bool:
    """Whether *obj* is a pandas or polars DataFrame (or polars LazyFrame), an Arrow Table or RecordBatch."""
    return _kind(obj) in _FRAMES


def is_column(obj: Any) -> bool:
    """Whether *obj* is a pandas Series or Categorical, a polars Series, or an Arrow Array or ChunkedArray."""
    kind = _kind(obj)
    if kind is None:
        return False
    if kind in _COLUMNS:
        return True
    if kind[0] == "arrow":
        pa = importlib.import_module("pyarrow")
        return isinstance(obj, pa.Array)
    return False


def frame_columns(frame: Any, what: str) -> dict[str, Any]:
    """The columns of a frame by name, each as its library's series (not converted yet).

    A polars LazyFrame is collected.  *what* names the frame in errors.

    Raises
    ------
    SchemaError
        A column name that is not a string, or a name given twice.
    """
    kind = _kind(frame)
    if kind is None or kind not in _FRAMES:
        raise SchemaError(f"{what} is a {type(frame).__name__}, not a DataFrame or an Arrow table")
    if kind == ("polars", "LazyFrame"):
        frame = frame.collect()
    names = list(frame.columns) if kind[0] != "arrow" else list(frame.schema.names)
    for name in names:
        if not isinstance(name, str):
            raise SchemaError(f"{what} has a column named {name!r}, not a string; rename its columns to text")
    dup = [n for n in names if names.count(n) > 1]
    if dup:
        raise SchemaError(f"{what} has the column {dup[0]!r} twice", column=dup[0])
    if kind[0] == "pandas":
        return {name: frame[name] for name in names}
    if kind[0] == "polars":
        return {name: frame.get_column(name) for name in names}
    return {name: frame.column(i) for i, name in enumerate(names)}


def index_names(frame: Any) -> list[str]:
    """The named levels of a pandas frame's index (a hint for a column that is not found); ``[]`` for others."""
    if library_of(frame) != "pandas":
        return []
    return [str(n) for n in getattr(frame.index, "names", []) if n is not None]


def column_values(obj: Any, *, coded: bool = True) -> Column:
    """One column as a numpy array or ``(codes, categories)``; see the module docs.

    *coded* ``False`` gives values, never codes (a quantity column).
    """
    library = library_of(obj)
    if library == "pandas":
        return _pandas(obj, coded)
    if library == "polars":
        return _polars(obj, coded)
    if library == "arrow":
        return _arrow(obj, coded)
    raise TypeError(f"not a pandas, polars or Arrow column: {type(obj).__name__}")


def _owned(a: np.ndarray) -> np.ndarray:
    """*a*, an array no one else can change (made here, or a view of immutable Arrow memory), marked read-only,
    so that ``Inventory.from_columns`` takes it without a copy."""
    a.setflags(write=False)
    return a


def _with_missing(codes: np.ndarray, categories: Sequence[Any], missing: np.ndarray | None, *,
                  sentinel: bool = True) -> Column:
    """Codes with every missing row (*missing*, or with *sentinel* a negative code) on one extra category ``None``.

    Without *sentinel* (Arrow and polars, which count their nulls) ``missing=None`` means no row is missing and
    the codes are not read here: ``Inventory.from_columns`` checks their range anyway.
    """
    kept = categories if type(categories) is tuple else tuple(categories)  # a tuple handed in stays that object
    if missing is None:
        if not sentinel or codes.dtype.kind == "u" or not codes.size or int(codes.min()) >= 0:  # no mask of every row
            return codes, kept
        missing = codes < 0
    elif not missing.any():
        return codes, kept
    cats = list(kept)
    codes = _owned(np.where(missing, len(cats), codes).astype(np.int32))
    cats.append(None)
    return codes, tuple(cats)


def _expand(column: Column) -> np.ndarray:
    if isinstance(column, tuple):
        codes, cats = column
        table = np.empty(len(cats), dtype=object)
        table[:] = list(cats)
        return table[codes] if len(cats) else np.empty(codes.shape[0], dtype=object)
    return column


def _masked(data: np.ndarray, missing: np.ndarray) -> np.ndarray:
    return np.ma.MaskedArray(data, mask=missing) if missing.any() else data


# -- pandas ------------------------------------------------------------------------


def _copy_on_write(pd: ModuleType) -> bool:
    """Whether pandas copies a column before writing to it while another pandas object still refers to it:
    always from pandas 3.0, and in pandas 2.x when ``pd.options.mode.copy_on_write`` is ``True``."""
    try:
        if int(str(pd.__version__).split(".", 1)[0]) >= 3:
            return True
    except ValueError:
        return False
    return getattr(getattr(pd.options, "mode", None), "copy_on_write", False) is True


class _Held:
    """The array interface of a pandas column's memory, holding the pandas object it came from.

    ``np.asarray`` of one is a read-only array whose ``base`` is this object, so the pandas Series lives as long
    as the array does; while it lives, Copy-on-Write makes pandas copy that memory before any write through the
    frame (``df.loc[...] = ...``, ``df[c] *= 2``), and the array keeps the values it was taken with.
    """

    __slots__ = ("__array_interface__", "owner")

    def __init__(self, array: np.ndarray, owner: Any) -> None:
        face = dict(array.__array_interface__)
        face["data"] = (face["data"][0], True)
        self.__array_interface__ = face
        self.owner = owner


def _pd_array(a: np.ndarray, owner: Any, cow: bool) -> np.ndarray:
    """*a* (a pandas column's memory) as a read-only view that keeps *owner* referenced, with Copy-on-Write;
    a copy of it without (pandas may then write to it in place later)."""
    if not cow:
        return _owned(np.array(a, copy=True))
    return np.asarray(_Held(a, owner))


def _pandas(obj: Any, coded: bool) -> Column:
    pd = importlib.import_module("pandas")
    # a bare Categorical is written in place by its owner (``cat[0] = ...``): not guarded by Copy-on-Write
    cow = not isinstance(obj, pd.Categorical) and _copy_on_write(pd)
    if isinstance(obj, pd.Categorical):
        obj = pd.Series(obj)
    dtype = obj.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        # the Categorical's own codes at their width (int8, int16, int32), -1 where missing
        out = _with_missing(_pd_array(obj.array.codes, obj, cow), obj.cat.categories.tolist(), None)
        return out if coded else _expand(out)
    if isinstance(dtype, np.dtype) and dtype.kind in "iufb":
        return _pd_array(obj.to_numpy(), obj, cow)
    if isinstance(dtype, np.dtype) and dtype.kind == "O" or pd.api.types.is_string_dtype(dtype):
        codes, uniques = pd.factorize(obj, use_na_sentinel=True)
        out = _with_missing(_owned(np.asarray(codes)), list(uniques), None)
        return out if coded else _expand(out)
    missing = obj.isna().to_numpy()
    if pd.api.types.is_integer_dtype(dtype):
        return _masked(obj.to_numpy(dtype=np.int64, na_value=0), missing)
    if pd.api.types.is_float_dtype(dtype):
        return _masked(obj.to_numpy(dtype=np.float64, na_value=0.0), missing)
    return _masked(obj.to_numpy(dtype=object), missing)


# -- polars ------------------------------------------------------------------------


def _polars(obj: Any, coded: bool) -> Column:
    pl = importlib.import_module("polars")
    dtype = obj.dtype
    if isinstance(dtype, pl.Enum):
        phys = obj.to_physical()
        out = _with_missing(_pl_codes(phys), _enum_labels(dtype), _pl_missing(phys), sentinel=False)
        return out if coded else _expand(out)
    if isinstance(dtype, pl.Categorical):
        # physical values index the categories of the whole process; number the distinct ones present
        present = obj.drop_nulls().unique(maintain_order=True)  # labels in order of first appearance, every run
        ids = present.to_physical().to_numpy().astype(np.int64)
        phys = obj.to_physical()
        table = np.zeros(int(ids.max()) + 1 if ids.size else 1, dtype=np.int32)
        table[ids] = np.arange(ids.size, dtype=np.int32)
        # one gather indexed by the physical codes as they are (UInt32), with no widened copy of them first
        codes = _owned(gather(table, _pl_codes(phys)))
        out = _with_missing(codes, present.cast(pl.String).to_list(), _pl_missing(phys), sentinel=False)
        return out if coded else _expand(out)
    if dtype == pl.String:
        labels = obj.drop_nulls().unique(maintain_order=True).to_list()
        phys = obj.cast(pl.Enum(labels)).to_physical()
        out = _with_missing(_pl_codes(phys), labels, _pl_missing(phys), sentinel=False)
        return out if coded else _expand(out)
    if dtype.is_numeric() or dtype == pl.Boolean:
        missing = _pl_missing(obj)
        data = obj.fill_null(0).to_numpy() if missing is not None else obj.to_numpy()
        return _masked(np.asarray(data), missing) if missing is not None else _owned(np.asarray(data))
    values = np.empty(len(obj), dtype=object)
    values[:] = obj.to_list()
    return values


#: The labels of the polars ``Enum`` dtypes read lately (newest last), with the categories they were read from.
_ENUMS: list[tuple[Any, tuple[str, ...]]] = []
_ENUMS_KEPT = 16
_ENUM_MOST = 1 << 20  # an Enum with more categories is read every time (not held)


def _enum_labels(dtype: Any) -> tuple[str, ...]:
    """An ``Enum``'s categories as a tuple of ``str``: the same tuple object for equal categories, compared by
    polars (10,000 labels: 0.015 ms, where reading them out as Python strings takes 0.4 ms and hashing those
    fresh strings, to check them and find their facts, 0.5 ms more)."""
    cats = dtype.categories
    n = len(cats)
    for seen, labels in reversed(list(_ENUMS)):  # a copy: another thread may add meanwhile
        if len(labels) == n and seen.equals(cats):
            return labels
    labels = tuple(cats.to_list())
    if n <= _ENUM_MOST:
        _ENUMS.append((cats, labels))
        del _ENUMS[:-_ENUMS_KEPT]
    return labels


def _pl_missing(series: Any) -> np.ndarray | None:
    return series.is_null().to_numpy() if series.null_count() else None


def _pl_codes(phys: Any) -> np.ndarray:
    """Codes out of polars: a read-only view of its memory or a copy made here, either way no one else's to change."""
    return _owned(np.asarray(phys.fill_null(0).to_numpy() if phys.null_count() else phys.to_numpy()))


# -- Arrow -------------------------------------------------------------------------


def _arrow(obj: Any, coded: bool) -> Column:
    pa = importlib.import_module("pyarrow")
    pc = importlib.import_module("pyarrow.compute")
    if isinstance(obj, pa.ChunkedArray):
        if pa.types.is_dictionary(obj.type):
            obj = obj.unify_dictionaries()
        obj = obj.combine_chunks() if obj.num_chunks != 1 else obj.chunk(0)
    typ = obj.type
    if not pa.types.is_dictionary(typ) and (pa.types.is_string(typ) or pa.types.is_large_string(typ)
                                            or _is_string_view(pa, typ)):
        obj = pc.dictionary_encode(obj)
        typ = obj.type
    if pa.types.is_dictionary(typ):
        indices = obj.indices
        missing = None
        if indices.null_count:
            missing = np.asarray(indices.is_null().to_numpy(zero_copy_only=False))
            indices = pc.fill_null(indices, 0)
        out = _with_missing(_owned(np.asarray(indices.to_numpy(zero_copy_only=False))), obj.dictionary.to_pylist(),
                            missing, sentinel=False)
        return out if coded else _expand(out)
    if pa.types.is_integer(typ) or pa.types.is_floating(typ) or pa.types.is_boolean(typ):
        if obj.null_count:
            missing = np.asarray(obj.is_null().to_numpy(zero_copy_only=False))
            filled = pc.fill_null(obj, False if pa.types.is_boolean(typ) else 0)
            return _masked(np.asarray(filled.to_numpy(zero_copy_only=False)), missing)
        return _owned(np.asarray(obj.to_numpy(zero_copy_only=False)))
    values = np.empty(len(obj), dtype=object)
    values[:] = obj.to_pylist()
    return values


def string_codes(values: Any) -> tuple[np.ndarray, list[Any]] | None:
    """A list (or numpy array) of ``str`` and ``None`` as int32 codes and its distinct labels, in order of first
    appearance, by pyarrow: :func:`neutralcore._core.textcodes.text_codes` with pyarrow alone.  ``None`` when
    pyarrow is not installed or a value is not a ``str`` or ``None``."""
    return text_codes(values, ("pyarrow",))


def _is_string_view(pa: Any, typ: Any) -> bool:
    check = getattr(pa.types, "is_string_view", None)
    return bool(check(typ)) if check is not None else False


def renamed(names: Sequence[str], columns: Mapping[str, str] | None, what: str) -> dict[str, str]:
    """Each frame column's name in the inventory: *columns* maps a frame's name to the inventory's.

    Raises
    ------
    SchemaError
        A name in *columns* that the frame lacks, or two columns given one name.
    """
    mapping = dict(columns or {})
    unknown = [k for k in mapping if k not in names]
    if unknown:
        raise SchemaError(f"columns={{{unknown[0]!r}: ...}} names no column of {what}; its columns: "
                          f"{', '.join(map(str, names))}", column=unknown[0])
    out = {name: mapping.get(name, name) for name in names}
    targets = list(out.values())
    dup = [t for t in targets if targets.count(t) > 1]
    if dup:
        sources = [k for k, v in out.items() if v == dup[0]]
        raise SchemaError(f"two columns of {what} would both be {dup[0]!r}: {sources}", column=dup[0])
    return out
