"""Factor packs: emission factors shipped as data, with their metadata.

A factor pack is a directory of data files, never code::

    data/
    ├── pack.toml        # metadata: name, title, version, api, license, description,
    │                    #   [sources.<id>], [regions], [metadata]
    ├── factors.csv      # one row per (activity, region, year, gas)
    └── properties.csv   # optional: net calorific values and densities of fuels

A distribution publishes it by exposing a :class:`FactorPack` under the
``neutralcore.factors`` entry point::

    # acme_factors/__init__.py
    from importlib.resources import files
    from neutralcore.packs import FactorPack

    pack = FactorPack.from_directory(files(__name__) / "data")

``from_directory`` reads and checks ``pack.toml`` only (small, cheap);
:meth:`FactorPack.load` reads the CSV files with the one strict reader
(:meth:`neutralcore.FactorSet.read_csv`) the first time it is called and
caches the result.  Nothing in a pack is evaluated: values are parsed as
numbers, units by pint, gases against the known list.

``pack.toml``
-------------
Top-level keys (anything else is an error):

``name`` (required)
    The pack name users type (``nc.load_factors("acme-steel")``); lowercase
    letters, digits, ``.``, ``_`` and ``-``, starting with a letter or digit.
    It must equal the entry-point name the pack is registered under.
``title``, ``version``, ``license`` (required)
    Non-empty strings.  ``version`` is the edition of the *data* (e.g.
    ``"2025.1"``); the distribution has its own version.
``api`` (required)
    The pack-format version the pack is written for, an integer.  This
    release reads ``api = 1``.
``description`` (optional)
    One or two sentences.
``validity_years`` (optional)
    A whole number of years, at least 0: a factor of the pack used for a row
    more than this many years after the factor's own year is reported as a
    *stale* fallback in ``Emissions.matches`` (and is an error under
    ``strict=True``).  Without it no factor of the pack goes stale.
``[sources.<id>]``
    ``publisher``, ``document``, ``year`` (integer), optional ``url`` and
    ``note``.  The ``source`` column of ``factors.csv`` refers to these ids.
``[regions]``
    ``CODE = { name = "...", parent = "..." }`` (both optional).  Every
    region a factor row uses must be declared here, except ``World``, and so
    must every parent.  A region without a parent falls back to ``World``.
``[metadata]``
    Free-form tables (e.g. ``[metadata.pledges.<id>]``), exposed read-only as
    :attr:`FactorPack.metadata` and :attr:`FactorPack.pledges`.

``factors.csv`` and ``properties.csv`` follow the long format documented in
:meth:`neutralcore.FactorSet.read_csv`.

Errors
------
Every problem in a pack's files is a :class:`~neutralcore.PackFormatError`
naming the file, the line and the column, and (once the registry has
attached them) the pack and the distribution it came from.
"""

from __future__ import annotations

import re
import sys
import threading
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, Mapping, overload

import attrs

from neutralcore._core.csvrows import CsvSource, open_csv
from neutralcore._core.validators import year_int
from neutralcore.errors import InputError, NeutralcoreError, PackFormatError, SchemaError
from neutralcore.measure.factor import FactorSet

if sys.version_info >= (3, 11):
    import tomllib as _toml
else:  # pragma: no cover
    import tomli as _toml

__all__ = ["FactorPack", "Coverage", "SUPPORTED_API", "NAME_RE", "MAX_METADATA_DEPTH", "read_coverage", "find_pack_toml"]

#: Pack-format versions this release can read.
SUPPORTED_API: tuple[int, ...] = (1,)
#: What a pack (and entry-point) name may look like.
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")

PACK_FILE = "pack.toml"
FACTORS_FILE = "factors.csv"
PROPERTIES_FILE = "properties.csv"

_REQUIRED = ("name", "title", "version", "api", "license")
_OPTIONAL = ("description", "validity_years", "sources", "regions", "metadata")
_SOURCE_KEYS = ("publisher", "document", "year", "url", "note")

_load_lock = threading.RLock()


# -- read-only views -----------------------------------------------------------


#: How deeply ``[metadata]`` may nest tables and arrays (dotted keys nest without limit in TOML).
MAX_METADATA_DEPTH = 32


def _frozen(value: Any, depth: int = 0) -> Any:
    """Deep read-only copy of parsed TOML (tables become mappingproxies, arrays tuples).

    Raises ``ValueError`` past :data:`MAX_METADATA_DEPTH` levels.
    """
    if isinstance(value, (Mapping, list)) and depth >= MAX_METADATA_DEPTH:
        raise ValueError(f"tables or arrays are nested more than {MAX_METADATA_DEPTH} levels deep")
    if isinstance(value, Mapping):
        return MappingProxyType({k: _frozen(v, depth + 1) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_frozen(v, depth + 1) for v in value)
    return value


# -- locating errors in pack.toml ------------------------------------------------


def _line_of(text: str, table: str | None, key: str | None) -> int | None:
    """Best-effort 1-based line of ``key`` inside ``[table]`` (or of the table header)."""
    lines = text.splitlines()
    start = 0
    if table:
        header = re.compile(r"^\s*\[\s*" + re.escape(table).replace(r"\.", r"\s*\.\s*") + r"\s*\]\s*(#.*)?$")
        for i, line in enumerate(lines):
            if header.match(line):
                start = i
                if key is None:
                    return i + 1
                break
        else:
            return None
    if key is None:
        return None
    pattern = re.compile(r"^\s*(\"?)" + re.escape(key) + r"\1\s*=")
    for i in range(start if not table else start + 1, len(lines)):
        if table and re.match(r"^\s*\[", lines[i]):
            break
        if not table and re.match(r"^\s*\[", lines[i]):
            break
        if pattern.match(lines[i]):
            return i + 1
    return None


class _TomlContext:
    """Builds :class:`PackFormatError` for one ``pack.toml``."""

    def __init__(self, file: str, text: str, name: str | None = None) -> None:
        self.file, self.text, self.name = file, text, name

    def error(self, message: str, *, table: str | None = None, key: str | None = None) -> PackFormatError:
        line = _line_of(self.text, table, key)
        column = ".".join(p for p in (table, key) if p) or None
        where = f"{self.file}" + (f", line {line}" if line else "") + (f", key {column!r}" if column else "")
        return PackFormatError(
            f"{where}: {message}", file=self.file, line=line, column=column, plugin=self.name, kind="factors",
            dist=None, version=None,
        )


def _parse_toml(file: str, text: str) -> dict[str, Any]:
    try:
        return _toml.loads(text)
    except RecursionError as exc:  # the TOML parser recurses once per level of nested arrays and tables
        raise PackFormatError(
            f"{file}: not valid pack metadata: arrays or tables are nested too deeply",
            file=file, line=None, column=None, plugin=None, kind="factors", dist=None, version=None,
        ) from exc
    except _toml.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"line (\d+), column (\d+)", msg)
        line = int(m.group(1)) if m else None
        col = m.group(2) if m else None
        raise PackFormatError(
            f"{file}" + (f", line {line}" if line else "") + f": not valid TOML: {msg}",
            file=file, line=line, column=col, plugin=None, kind="factors", dist=None, version=None,
        ) from exc


@overload
def _check_str(ctx: _TomlContext, data: Mapping[str, Any], key: str, *, table: str | None = None,
               required: Literal[True] = True) -> str: ...
@overload
def _check_str(ctx: _TomlContext, data: Mapping[str, Any], key: str, *, table: str | None = None,
               required: Literal[False]) -> str | None: ...
def _check_str(ctx: _TomlContext, data: Mapping[str, Any], key: str, *, table: str | None = None,
               required: bool = True) -> str | None:
    if key not in data:
        if required:
            raise ctx.error(f"missing required key {key!r}", table=table)
        return None
    value = data[key]
    if not isinstance(value, str) or not value.strip():
        raise ctx.error(f"{key!r} must be a non-empty string, got {value!r}", table=table, key=key)
    return value.strip()


def _parse_sources(ctx: _TomlContext, raw: Any) -> Mapping[str, Any]:
    from neutralcore.measure.factor import Source

    if not isinstance(raw, Mapping):
        raise ctx.error("'sources' must be a table of [sources.<id>] tables", key="sources")
    out = {}
    for sid, spec in raw.items():
        table = f"sources.{sid}"
        if not isinstance(spec, Mapping):
            raise ctx.error(f"source {sid!r} must be a table with publisher, document and year", table=table)
        unknown = sorted(set(spec) - set(_SOURCE_KEYS))
        if unknown:
            raise ctx.error(f"unknown key(s) {unknown} in source {sid!r}; allowed: {list(_SOURCE_KEYS)}",
                            table=table, key=unknown[0])
        publisher = _check_str(ctx, spec, "publisher", table=table)
        document = _check_str(ctx, spec, "document", table=table)
        if "year" not in spec:
            raise ctx.error(f"source {sid!r} has no 'year'", table=table)
        year = spec["year"]
        try:
            if not isinstance(year, int):  # a TOML integer: "2024" and 2024.0 are not years here
                raise InputError(f"year {year!r} is not a whole number", column="year")
            year_int(year)
        except InputError as exc:
            raise ctx.error(f"'year' must be a whole year (e.g. 2024), got {year!r}: {exc.message.split(': ', 1)[-1]}",
                            table=table, key="year") from exc
        url = _check_str(ctx, spec, "url", table=table, required=False)
        note = _check_str(ctx, spec, "note", table=table, required=False)
        out[sid] = Source(publisher, document, year, url, note)
    return MappingProxyType(out)


def _parse_regions(ctx: _TomlContext, raw: Any) -> Mapping[str, Any]:
    from neutralcore._core.validators import REGION_RE
    from neutralcore.measure.factor import WORLD, region_map

    if not isinstance(raw, Mapping):
        raise ctx.error("'regions' must be a table: CODE = { name = \"...\", parent = \"...\" }", key="regions")
    out = {}
    for code, spec in raw.items():
        if not REGION_RE.match(code):
            raise ctx.error(f"region code {code!r} is not a region code (e.g. 'VN', 'CN-JS')", table="regions", key=code)
        if not isinstance(spec, Mapping):
            raise ctx.error(f"region {code!r} must be an inline table {{ name = ..., parent = ... }}",
                            table="regions", key=code)
        unknown = sorted(set(spec) - {"name", "parent"})
        if unknown:
            raise ctx.error(f"region {code!r} has unknown key(s) {unknown}; allowed: ['name', 'parent']",
                            table="regions", key=code)
        for field in ("name", "parent"):
            if field in spec and (not isinstance(spec[field], str) or not spec[field].strip()):
                raise ctx.error(f"region {code!r}: {field!r} must be a non-empty string", table="regions", key=code)
        if "parent" in spec and not REGION_RE.match(spec["parent"].strip()):
            raise ctx.error(f"region {code!r}: parent {spec['parent']!r} is not a region code",
                            table="regions", key=code)
        out[code] = MappingProxyType({"name": spec.get("name"), "parent": spec.get("parent")})
    for code, spec in out.items():
        parent = spec["parent"].strip() if spec["parent"] else None
        if parent is not None and parent != WORLD and parent not in out:
            # an undeclared parent (often a typo) would silently break the fallback chain of every row in *code*
            raise ctx.error(f"region {code!r}: parent {parent!r} is not declared in [regions]; declare it "
                            f"(with its own parent, if any) or use {WORLD!r}", table="regions", key=code)
    try:
        region_map(out)  # rejects loops in the fallback chains
    except NeutralcoreError as exc:
        raise ctx.error(str(exc), key="regions") from exc
    return MappingProxyType(out)


# -- coverage (cheap, no validation) ---------------------------------------------


@attrs.frozen
class Coverage:
    """What a pack covers, read cheaply from its ``factors.csv`` (sorted, distinct values)."""

    activities: tuple[str, ...]
    regions: tuple[str, ...]
    years: tuple[int, ...]
    rows: int

    @property
    def year_span(self) -> str:
        """``"2014-2023"``, ``"2006"`` or ``""``."""
        if not self.years:
            return ""
        lo, hi = self.years[0], self.years[-1]
        return str(lo) if lo == hi else f"{lo}-{hi}"


def read_coverage(factors_file: CsvSource) -> Coverage:
    """Scan a ``factors.csv`` for its activities, regions and years, without validating it.

    This is what :func:`neutralcore.list_packs` shows; :meth:`FactorPack.load`
    is the strict reader.  Raises :class:`PackFormatError` only if the file
    cannot be read as CSV with ``activity``, ``region`` and ``year`` columns.
    """
    name = str(factors_file)
    try:
        data, _lines = open_csv(factors_file, required=("activity", "region", "year"), name=name).columns()
    except SchemaError as exc:
        raise PackFormatError(f"{name}: {_bare_message(exc, None)}", file=name, line=exc.line, column=exc.column) from exc
    acts = {a.strip() for a in data["activity"]} - {""}
    regs = {r.strip() for r in data["region"]} - {""}
    years: set[int] = set()
    for y in set(data["year"]):
        try:
            years.add(int(float(y)))
        except (ValueError, OverflowError):
            pass
    return Coverage(tuple(sorted(acts)), tuple(sorted(regs)), tuple(sorted(years)), len(data["year"]))


def find_pack_toml(directory: Any, name: str | None = None) -> Any:
    """Find a pack's ``pack.toml`` under a package directory, by the layout convention.

    Looks at ``<dir>/data/pack.toml``, ``<dir>/pack.toml``, then one and two
    levels further down; with *name*, a file whose ``name`` key equals it is
    preferred.  Returns a traversable or ``None``.  Nothing is imported.
    """
    root = directory

    def named(cand: Any) -> bool:
        try:
            return _toml.loads(cand.read_text(encoding="utf-8")).get("name") == name
        except Exception:  # noqa: BLE001 - a broken file is reported when the pack is loaded, not here
            return False

    candidates = [c for c in (root / "data" / PACK_FILE, root / PACK_FILE) if c.is_file()]
    if candidates and (name is None or named(candidates[0])):
        return candidates[0]
    try:
        for sub in sorted(root.iterdir(), key=lambda p: p.name):
            if not sub.is_dir() or sub.name.startswith((".", "__")):
                continue
            subs = [sub] + sorted((s for s in sub.iterdir() if s.is_dir() and not s.name.startswith((".", "__"))),
                                  key=lambda p: p.name)
            candidates += [s / PACK_FILE for s in subs if (s / PACK_FILE).is_file() and s / PACK_FILE not in candidates]
    except OSError:
        pass
    if name is not None:
        for cand in candidates:
            if named(cand):
                return cand
    return candidates[0] if candidates else None


# -- the pack ---------------------------------------------------------------------


def _bare_message(exc: SchemaError, line: int | None) -> str:
    """The reader's message without the ``file, column 'c': line n:`` it was prefixed with."""
    message = exc.message
    where = [str(exc.source)] if exc.source else []
    if exc.column:
        where.append(f"column {exc.column!r}")
    prefix = ", ".join(where) + ": "
    if where and message.startswith(prefix):
        message = message[len(prefix):]
    if line and message.startswith(f"line {line}: "):
        message = message[len(f"line {line}: "):]
    return message


def _as_traversable(directory: Any) -> Any:
    if isinstance(directory, (str, Path)):
        return Path(directory)
    if hasattr(directory, "joinpath") and hasattr(directory, "read_text"):
        return directory
    raise TypeError(f"a pack directory must be a path or an importlib.resources traversable, got {type(directory).__name__}")


@attrs.frozen(repr=False)
class FactorPack:
    """A factor pack: metadata from ``pack.toml`` plus where its data files are.

    Build one with :meth:`from_directory`; call :meth:`load` for its
    :class:`~neutralcore.FactorSet` (read and validated once, then cached).
    ``dist`` and ``dist_version`` name the distribution the pack was
    installed with; the registry fills them in (``None`` for a pack built by
    hand or registered at run time).

    Examples
    --------
    >>> from importlib.resources import files
    >>> pack = FactorPack.from_directory(files("neutralcore.plugins.vietnam") / "data")
    >>> pack.name, pack.api
    ('vietnam', 1)
    >>> float(pack.load().get("electricity.grid", "VN", 2023).gases["CO2"])
    0.6592
    """

    name: str
    title: str
    version: str
    api: int
    license: str
    description: str
    sources: Mapping[str, Any] = attrs.field(eq=False)
    regions: Mapping[str, Mapping[str, str | None]] = attrs.field(eq=False)
    metadata: Mapping[str, Any] = attrs.field(eq=False)
    files: Any = attrs.field(eq=False)
    dist: str | None = attrs.field(default=None, kw_only=True)
    #: ``validity_years`` of pack.toml: years after its own year a factor may be used before it is stale
    validity_years: int | None = attrs.field(default=None, kw_only=True)
    dist_version: str | None = attrs.field(default=None, kw_only=True)
    _cache: dict = attrs.field(factory=dict, init=False, eq=False, repr=False)

    # -- construction ---------------------------------------------------------------

    @classmethod
    def from_directory(cls, directory: Any) -> "FactorPack":
        """Read ``pack.toml`` in *directory* (a path or a resources traversable), strictly.

        The CSV files are not read until :meth:`load`.  Raises
        :class:`~neutralcore.PackFormatError` naming the file, line and key.
        """
        root = _as_traversable(directory)
        toml_file = root / PACK_FILE
        fname = str(toml_file)
        if not toml_file.is_file():
            raise PackFormatError(f"{fname}: no {PACK_FILE} in the pack directory {root}", file=fname, line=None,
                                  column=None, kind="factors")
        try:
            text = toml_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PackFormatError(f"{fname}: cannot read: {exc}", file=fname, line=None, column=None,
                                  kind="factors") from exc
        data = _parse_toml(fname, text)
        raw_name = data.get("name")
        ctx = _TomlContext(fname, text, raw_name if isinstance(raw_name, str) else None)
        unknown = sorted(set(data) - set(_REQUIRED) - set(_OPTIONAL))
        if unknown:
            raise ctx.error(f"unknown top-level key(s) {unknown}; allowed: {list(_REQUIRED + _OPTIONAL)} "
                            "(put anything else under [metadata])", key=unknown[0])
        name = _check_str(ctx, data, "name")
        assert name is not None
        if not NAME_RE.match(name):
            raise ctx.error(f"pack name {name!r} must match {NAME_RE.pattern} (lowercase, e.g. 'acme-steel')", key="name")
        title = _check_str(ctx, data, "title")
        version = _check_str(ctx, data, "version")
        license_ = _check_str(ctx, data, "license")
        description = _check_str(ctx, data, "description", required=False) or ""
        if "api" not in data:
            raise ctx.error(f"missing required key 'api' (the pack-format version; this release reads {list(SUPPORTED_API)})")
        api = data["api"]
        if isinstance(api, bool) or not isinstance(api, int):
            raise ctx.error(f"'api' must be an integer, got {api!r}", key="api")
        if api not in SUPPORTED_API:
            raise ctx.error(f"pack format api = {api} is not supported by this neutralcore (reads {list(SUPPORTED_API)}); "
                            "upgrade neutralcore or use a pack edition written for it", key="api")
        validity = data.get("validity_years")
        if validity is not None and (isinstance(validity, bool) or not isinstance(validity, int) or validity < 0):
            raise ctx.error(f"'validity_years' must be a whole number of years, at least 0 (e.g. validity_years = 3), "
                            f"got {validity!r}", key="validity_years")
        sources = _parse_sources(ctx, data.get("sources", {}))
        regions = _parse_regions(ctx, data.get("regions", {}))
        metadata = data.get("metadata", {})
        if not isinstance(metadata, Mapping):
            raise ctx.error("'metadata' must be a table", key="metadata")
        try:
            frozen_metadata = _frozen(metadata)
        except ValueError as exc:
            raise ctx.error(f"'metadata': {exc}", key="metadata") from exc
        if not (root / FACTORS_FILE).is_file():
            raise PackFormatError(f"{root / FACTORS_FILE}: the pack {name!r} has no {FACTORS_FILE}",
                                  file=str(root / FACTORS_FILE), line=None, column=None, plugin=name, kind="factors")
        return cls(
            name=name, title=title or "", version=version or "", api=api, license=license_ or "",
            description=description, sources=sources, regions=regions, metadata=frozen_metadata, files=root,
            validity_years=validity,
        )

    # -- files and metadata -----------------------------------------------------------

    @property
    def pack_file(self) -> Any:
        return self.files / PACK_FILE

    @property
    def factors_file(self) -> Any:
        return self.files / FACTORS_FILE

    @property
    def properties_file(self) -> Any:
        """``properties.csv``, or ``None`` when the pack has none."""
        f = self.files / PROPERTIES_FILE
        return f if f.is_file() else None

    @property
    def pledges(self) -> Mapping[str, Any]:
        """``[metadata.pledges.<id>]`` tables, read-only (empty if none)."""
        return self.metadata.get("pledges", MappingProxyType({}))

    def coverage(self) -> Coverage:
        """Activities, regions and years of ``factors.csv``, from a cheap scan (see :func:`read_coverage`)."""
        return self._wrap(lambda: read_coverage(self.factors_file))

    def describe_origin(self) -> str:
        """``"pack 'x' from distribution d 1.0"`` (for messages)."""
        if self.dist:
            return f"pack {self.name!r} from distribution {self.dist} {self.dist_version or ''}".rstrip()
        return f"pack {self.name!r}"

    # -- data -----------------------------------------------------------------------------

    def load(self) -> FactorSet:
        """Read and validate the pack's factors once; return the cached :class:`~neutralcore.FactorSet`.

        Every factor records ``pack = self.name``.  A malformed file raises
        :class:`~neutralcore.PackFormatError` with ``.file``, ``.line``,
        ``.column``, ``.plugin`` and ``.dist``; nothing is cached then, so a
        fixed file can be loaded again.
        """
        fs = self._cache.get("factors")
        if fs is None:
            with _load_lock:
                fs = self._cache.get("factors")
                if fs is None:
                    fs = self._wrap(self._read)
                    self._cache["factors"] = fs
        return fs

    def _read(self) -> FactorSet:
        regions = {code: dict(spec) for code, spec in self.regions.items()}
        return FactorSet.read_csv(
            self.factors_file, sources=self.sources, regions=regions, properties=self.properties_file, pack=self.name,
            validity_years=self.validity_years,
        )

    def _wrap(self, fn: Any) -> Any:
        try:
            return fn()
        except PackFormatError as exc:
            raise self.format_error(exc.message, file=getattr(exc, "file", None), line=getattr(exc, "line", None),
                                    column=getattr(exc, "column", None)) from exc
        except SchemaError as exc:
            line = getattr(exc, "line", None)
            raise self.format_error(_bare_message(exc, line), file=exc.source, line=line, column=exc.column) from exc
        except NeutralcoreError as exc:
            raise self.format_error(str(exc), file=str(self.factors_file), line=None, column=None) from exc

    def format_error(self, message: str, *, file: Any, line: int | None, column: str | None) -> PackFormatError:
        """A :class:`PackFormatError` about this pack (used by the reader and by ``neutralcore.testing``).

        The message reads ``<pack>: <file>, line <n>, column '<c>': <what is wrong>``; parts the
        *message* already states are not repeated.
        """
        where = []
        if file and str(file) not in message:
            where.append(str(file))
        if line and f"line {line}" not in message:
            where.append(f"line {line}")
        if column and repr(column) not in message:
            where.append(f"column {column!r}")
        prefix = (", ".join(where) + ": ") if where else ""
        return PackFormatError(
            f"{self.describe_origin()}: {prefix}{message}", file=None if file is None else str(file), line=line,
            column=column, plugin=self.name, kind="factors", dist=self.dist, version=self.dist_version,
        )

    def __repr__(self) -> str:
        origin = f", dist={self.dist!r}" if self.dist else ""
        return f"FactorPack(name={self.name!r}, version={self.version!r}, api={self.api}{origin}, files={str(self.files)!r})"
