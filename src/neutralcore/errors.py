"""Every error neutralcore raises on purpose, under one base class.

Catch :class:`NeutralcoreError` to catch them all.  Each class mixes in the
builtin it refines (``ValueError``, ``LookupError``, ``TypeError``) so that
code written against the builtins keeps working.  Messages say what was wrong
and where (row, column, file, plugin); the same facts are kept as attributes.
Every error pickles (``__reduce__`` returns the constructor arguments), so it
crosses process boundaries intact.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Iterator, Literal, Sequence

__all__ = [
    "NeutralcoreError",
    "InputError",
    "InvalidQuantityError",
    "SchemaError",
    "UnitError",
    "UnknownUnitError",
    "DimensionError",
    "NotFoundError",
    "FactorNotFoundError",
    "FallbackError",
    "UnknownGWPSetError",
    "UnknownGasError",
    "PluginError",
    "PluginNotFoundError",
    "PluginConflictError",
    "PluginImportError",
    "PluginValidationError",
    "PackFormatError",
    "LeverError",
    "ScenarioError",
    "LedgerError",
    "SerialFormatError",
    "DuplicateSerialError",
    "AlreadyRetiredError",
    "UnknownCreditError",
    "LedgerCorruptError",
    "LedgerNotFoundError",
    "LedgerLockedError",
    "LedgerClosedError",
    "LedgerReadOnlyError",
    "LedgerDiskFullError",
    "LedgerFormatError",
    "ClaimError",
    "UnknownProgrammeError",
    "InvalidRetirementError",
    "MissingDependencyError",
    "NeutralcoreWarning",
    "PluginWarning",
    "rows_text",
    "BlendCompositionError",
    "GWPBasisError",
    "row_numbers",
    "RowKind",
]


#: What the row numbers of an error are: a file's lines (the header is line 1), a spreadsheet's row numbers
#: as it shows them, or 0-based positions in the data (in-memory columns, a DataFrame, a Parquet file).
RowKind = Literal["line", "sheet row", "position"]

_ROW_KIND: ContextVar["RowKind | None"] = ContextVar("neutralcore_row_kind", default=None)


@contextmanager
def row_numbers(kind: RowKind) -> Iterator[None]:
    """Within the block, an :class:`InputError` about rows says they are *kind* (a reader of a file sets this).

    >>> with row_numbers("sheet row"):
    ...     str(InputError("quantity must not be negative", rows=[3], source="book.xlsx, sheet 'S'"))
    "book.xlsx, sheet 'S': quantity must not be negative (row 3)"
    """
    token = _ROW_KIND.set(kind)
    try:
        yield
    finally:
        _ROW_KIND.reset(token)


def rows_text(rows: Sequence[int] | None, limit: int = 5, kind: RowKind | None = None) -> str:
    """The ``" (rows 3, 4 and 2 more)"`` every error message about rows ends with (``""`` for no rows).

    *kind* says what the numbers are: ``"line"`` (a file's lines), ``"position"``
    (0-based positions, said so) or ``"sheet row"`` (a spreadsheet's row numbers,
    which are what it shows, so they are just rows); ``None`` just "rows".

    Examples
    --------
    >>> rows_text([3]), rows_text([1, 2, 3, 4, 5, 6, 7])
    (' (row 3)', ' (rows 1, 2, 3, 4, 5 and 2 more)')
    >>> rows_text([3, 4], kind="line"), rows_text([0], kind="position")
    (' (lines 3, 4)', ' (row 0, 0-based)')
    """
    if not rows:
        return ""
    rows = list(rows)
    shown = ", ".join(str(r) for r in rows[:limit])
    more = f" and {len(rows) - limit} more" if len(rows) > limit else ""
    word = "line" if kind == "line" else "row"
    word = word if len(rows) == 1 else word + "s"
    return f" ({word} {shown}{more}{', 0-based' if kind == 'position' else ''})"


class NeutralcoreError(Exception):
    """Base class of every error neutralcore raises on purpose.

    Examples
    --------
    >>> import neutralcore as nc
    >>> issubclass(nc.UnknownUnitError, nc.NeutralcoreError)
    True
    """

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        self._fields = fields
        for key, value in fields.items():
            setattr(self, key, value)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self._fields))

    def __str__(self) -> str:
        return self.message

    def extended(self, text: str) -> "NeutralcoreError":
        """A copy of this error, of the same class and with the same fields, with *text* added to its message.

        >>> import neutralcore as nc
        >>> err = nc.FactorNotFoundError("no factor for (a.b, VN, 2023)", keys=[("a.b", "VN", 2023)])
        >>> new = err.extended(" Did you mean 'a.c'?")
        >>> type(new).__name__, str(new), new.keys
        ('FactorNotFoundError', "no factor for (a.b, VN, 2023) Did you mean 'a.c'?", [('a.b', 'VN', 2023)])
        """
        err = type(self).__new__(type(self))
        NeutralcoreError.__init__(err, self.message + text, **self._fields)
        return err

    if TYPE_CHECKING:  # fields (row, column, file, plugin, …) are set per error from keyword arguments

        def __getattr__(self, name: str) -> Any: ...


def _rebuild(cls: type[NeutralcoreError], message: str, fields: dict[str, Any]) -> NeutralcoreError:
    err = cls.__new__(cls)
    NeutralcoreError.__init__(err, message, **fields)
    return err


# -- bad user data -----------------------------------------------------------


class InputError(NeutralcoreError, ValueError):
    """Raised when user data is invalid; ``.column``, ``.rows`` and ``.source`` say where.

    Row numbers mean one thing per kind of input, and the message says which
    (``.row_kind``):

    * a CSV file: ``.rows`` and ``.lines`` are the file's lines (the header is
      line 1), ``(line 3)``;
    * an Excel sheet: the sheet's row numbers as Excel shows them, with the
      sheet in ``.source`` (``book.xlsx, sheet 'Data'``), ``(row 3)``;
    * in-memory data (columns, a DataFrame) and a Parquet file: 0-based
      positions, ``(row 3, 0-based)``.

    An error of a calculation on an inventory has ``.rows`` as 0-based positions
    in it; one read from a file carries ``.lines`` and ``.source`` as well (from
    ``Inventory.provenance``).  An error in a file's structure (its header, a row
    of the wrong width, malformed CSV) has ``.line``, ``.lines`` and ``.source``
    and no ``.rows``.

    Examples
    --------
    >>> str(InputError("quantity must not be negative", column="quantity", rows=[3], source="inv.csv"))
    "inv.csv, column 'quantity': quantity must not be negative (line 3)"
    >>> str(InputError("quantity must not be negative", column="quantity", rows=[1]))
    "column 'quantity': quantity must not be negative (row 1, 0-based)"
    """

    def __init__(
        self,
        message: str,
        *,
        column: str | None = None,
        rows: Sequence[int] | None = None,
        source: str | None = None,
        **fields: Any,
    ) -> None:
        where = []
        if source:
            where.append(str(source))
        if column:
            where.append(f"column {column!r}")
        prefix = (", ".join(where) + ": ") if where else ""
        rows = list(rows) if rows is not None else None
        kind: RowKind | None = fields.pop("row_kind", None) or _ROW_KIND.get()
        if kind is None:  # with a file and no lines of its own, it is raised while the file is read
            kind = "line" if source is not None and "lines" not in fields else "position"
        if rows is not None:
            fields["row_kind"] = kind
            if kind != "position" and source is not None:
                fields.setdefault("lines", rows)  # raised while reading the file: the rows are its lines
        text = prefix + message + rows_text(rows, kind=kind)
        super().__init__(text, column=column, rows=rows, source=source, **fields)
        self.message = text
        self._fields = dict(column=column, rows=rows, source=source, **fields)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self._fields))


class InvalidQuantityError(InputError):
    """Raised when a quantity is negative, NaN or infinite."""


class SchemaError(InputError):
    """Raised when a column is missing, mistyped or unparseable (CSV or columns)."""


# -- units -------------------------------------------------------------------


class UnitError(NeutralcoreError, ValueError):
    """Raised when a unit cannot be used; ``.unit``, ``.expected`` and ``.rows`` say which."""


class UnknownUnitError(UnitError):
    """Raised when pint does not know a unit string."""


class DimensionError(UnitError):
    """Raised when a unit has the wrong dimension, e.g. kWh against a per-litre factor."""


# -- lookups -----------------------------------------------------------------


class NotFoundError(NeutralcoreError, LookupError):
    """Raised when something asked for by name or key does not exist."""


class FactorNotFoundError(NotFoundError):
    """Raised when an (activity, region, year) key has no factor and no fallback."""


class FallbackError(NotFoundError):
    """Raised under ``strict=True`` when a row would need a region or year fallback."""


class UnknownGWPSetError(NotFoundError):
    """Raised when a GWP set name is not known; ``.available`` lists the known ones."""


class UnknownGasError(NotFoundError):
    """Raised when a gas has no GWP in the chosen set."""


# -- plugins -----------------------------------------------------------------


class PluginError(NeutralcoreError):
    """Raised when a plugin cannot be found, chosen, imported or validated.

    ``.plugin``, ``.kind``, ``.dist`` and ``.version`` name it (``dist`` is
    ``None`` for a plugin registered at run time).
    """


class PluginNotFoundError(PluginError, LookupError):
    """Raised when no installed plugin has the name asked for; ``.available`` lists them."""


class PluginConflictError(PluginError):
    """Raised when two distributions provide the same plugin name and it is used unqualified."""


class PluginImportError(PluginError):
    """Raised when importing a plugin (or calling its factory) fails; the cause is chained."""


class PluginValidationError(PluginError, TypeError):
    """Raised when a plugin object has the wrong type, name or API version."""


class PackFormatError(PluginError, ValueError):
    """Raised when a factor-pack file is malformed; ``.file``, ``.line``, ``.column`` say where."""


# -- reduce --------------------------------------------------------------------


class LeverError(NeutralcoreError, ValueError):
    """Raised when a lever is misconfigured or applied where it cannot act."""


class ScenarioError(NeutralcoreError, ValueError):
    """Raised when a scenario, target or MAC-curve input is invalid."""


# -- offset and claim --------------------------------------------------------


class LedgerError(NeutralcoreError):
    """Raised when a ledger operation is refused; the ledger is unchanged."""


class SerialFormatError(LedgerError, ValueError):
    """Raised when a registry serial string cannot be parsed."""


class DuplicateSerialError(LedgerError, ValueError):
    """Raised when a serial (or an overlapping range) is already in the ledger."""


class AlreadyRetiredError(LedgerError):
    """Raised when a credit serial has already been retired; names both uses."""


class UnknownCreditError(LedgerError, LookupError):
    """Raised when a serial or block is not in the ledger."""


class LedgerCorruptError(LedgerError):
    """Raised when a ledger file is damaged or is not a ledger: it failed its integrity check."""


class LedgerNotFoundError(LedgerError, LookupError):
    """Raised when a ledger file, or the directory it should be in, does not exist; ``.path`` says which."""


class LedgerLockedError(LedgerError):
    """Raised when another process held the ledger's lock for longer than the ledger's ``timeout``; nothing changed."""


class LedgerClosedError(LedgerError):
    """Raised when a closed ledger is used."""


class LedgerReadOnlyError(LedgerError):
    """Raised when a change is asked of a ledger that cannot be written (opened read-only, or file not writable)."""


class LedgerDiskFullError(LedgerError):
    """Raised when the disk (or the file's size limit) is full during a change; the change was rolled back."""


class LedgerFormatError(LedgerError):
    """Raised when a ledger file is of an older release's format version (``.version``); nothing changed.

    A file of the previous format is migrated on request (``OffsetLedger.migrate(path)``).
    """


class ClaimError(NeutralcoreError, ValueError):
    """Raised when a claim cannot be evaluated at all (a failed check is a result, not an error)."""


class UnknownProgrammeError(InputError):
    """Raised when a crediting programme name is not recognised; ``.available`` lists the known ones."""


class InvalidRetirementError(LedgerError, ValueError):
    """Raised when a retirement request is invalid (e.g. dated before issuance); the ledger is unchanged."""


# -- optional dependencies --------------------------------------------------


class MissingDependencyError(NeutralcoreError, ImportError):
    """Raised when an optional dependency is not installed; ``.package`` and ``.extra`` say what to install."""


# -- warnings ----------------------------------------------------------------


class NeutralcoreWarning(UserWarning):
    """Base class of neutralcore's warnings."""


class PluginWarning(NeutralcoreWarning):
    """A broken or duplicate plugin seen while enumerating plugins nobody asked for."""


# -- gases (appended) ---------------------------------------------------------


class BlendCompositionError(InputError):
    """Raised when a refrigerant blend's mass fractions are not numbers in (0, 1] summing to 1, or name an unknown component."""


class GWPBasisError(SchemaError):
    """Raised when a ``CO2e`` amount has no GWP basis or disagrees with its own gases weighted under it, or
    (with ``strict=True``) is used under another GWP set than its basis; a pack reports it as a ``PackFormatError``."""


for _name in __all__:
    if isinstance(globals()[_name], type):
        globals()[_name].__module__ = "neutralcore"
del _name
