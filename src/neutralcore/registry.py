"""Plugin discovery: factor packs and levers found through entry points.

(Over 600 lines: discovery, isolation of broken plugins, loading and the factor-pack edge
share one cache and one lock; split, that state would be shared across modules.)

Two entry-point groups, one per kind of plugin:

==============  ========================  ==========================================
kind            group                     object the entry point names
==============  ========================  ==========================================
``"factors"``   ``neutralcore.factors``   a :class:`~neutralcore.FactorPack` (or a
                                          zero-argument callable returning one)
``"levers"``    ``neutralcore.levers``    a ``Lever`` / ``LeverSet`` (or a callable
                                          returning one)
==============  ========================  ==========================================

The built-in packs (``vietnam``, ``china``, ``ipcc``) are registered in
neutralcore's own ``pyproject.toml`` through the same group; nothing here
knows their names.

How it behaves
--------------
* **Discovery reads metadata only.**  The first :func:`available` (or
  :func:`load`, :func:`list_packs`) reads every installed distribution's
  ``entry_points.txt`` once per group and caches the result; :func:`refresh`
  forgets it (and the import system's directory caches, so a pack installed
  since is found).  One distribution with unreadable metadata is skipped with
  a :class:`~neutralcore.PluginWarning` (and reported by :func:`status`); it
  cannot stop the others from being found.
* **Listing imports nothing.**  :func:`list_packs` finds each pack's
  ``pack.toml`` and ``factors.csv`` by locating the entry point's package
  directory with the import system's *finders* (no module is executed) and
  looking for ``data/pack.toml`` there (see :func:`neutralcore.packs.find_pack_toml`).
  Coverage is scanned from ``factors.csv`` without validating it.
* **Loading imports one plugin.**  :func:`load` imports only the entry point
  asked for, validates the object, and caches it only once it is valid.  The
  cache fill is locked per plugin, so threads loading the same pack get one
  object, and a pack whose module loads another pack while it is imported
  cannot deadlock against a thread that is loading it.
* **Duplicate names are an error where used.**  If two distributions provide
  the same name, both are listed, and using the bare name raises
  :class:`~neutralcore.PluginConflictError`; ``"dist:name"`` picks one.
* **A broken plugin fails only its own name.**  Anything its import or
  factory raises, ``SystemExit`` and ``KeyboardInterrupt`` included, becomes
  :class:`~neutralcore.PluginImportError` (the original is ``__cause__``); only
  a real Ctrl-C (SIGINT) arriving meanwhile is let through.  A wrong object
  raises :class:`~neutralcore.PluginValidationError`, a malformed data file
  :class:`~neutralcore.PackFormatError`; each names the plugin and the
  distribution.  Failures are not cached.

Precedence in :func:`load_factors`
----------------------------------
``load_factors("vietnam", "ipcc")`` merges the packs in the order given: where
two packs have a factor for the same (activity, region, year), the **later**
pack wins.  Every factor keeps the name of the pack it came from
(``FactorSet.pack``; ``Emissions.matches`` reports it per row).  Region
hierarchies are merged the same way.
"""

from __future__ import annotations

import difflib
import importlib
import os
import re
import signal
import sys
import threading
import warnings
from contextlib import contextmanager
from types import MappingProxyType
from typing import Any, Callable, Iterable, Iterator, Literal, Mapping, overload

import attrs

from neutralcore._core.display import ROWS
from neutralcore._core.table import Table
from neutralcore.errors import (
    InputError,
    NeutralcoreError,
    PluginConflictError,
    PluginError,
    PluginImportError,
    PluginNotFoundError,
    PluginValidationError,
    PluginWarning,
)
from neutralcore.measure.factor import FactorSet
from neutralcore.measure.factorsource import FactorsLike, set_catalogue, set_resolver
from neutralcore.levers import Lever, LeverSet
from neutralcore.packs import NAME_RE, Coverage, FactorPack, find_pack_toml, read_coverage

__all__ = [
    "PackList",
    "GROUPS",
    "PluginSpec",
    "PluginStatus",
    "PackInfo",
    "available",
    "load",
    "register",
    "unregister",
    "refresh",
    "status",
    "unreadable",
    "list_packs",
    "load_factors",
    "resolve_factors",
]

#: Entry-point group of each plugin kind.
GROUPS: Mapping[str, str] = MappingProxyType({"factors": "neutralcore.factors", "levers": "neutralcore.levers"})

UNKNOWN_DIST = "<unknown>"

_lock = threading.RLock()
_discovered: dict[str, tuple[tuple["PluginSpec", Any], ...]] = {}
_unreadable: dict[str, tuple[PluginError, ...]] = {}
_loaded: dict[tuple[str, str, str, str], Any] = {}
_key_locks: dict[tuple[str, str, str, str], threading.RLock] = {}
_registered: dict[str, dict[str, Any]] = {kind: {} for kind in GROUPS}
_infos: dict["PluginSpec", "PackInfo"] = {}


def _distributions() -> Iterable[Any]:
    try:
        from importlib_metadata import distributions
    except ImportError:  # pragma: no cover - the backport is a dependency; the stdlib one works on 3.10+
        from importlib.metadata import distributions  # type: ignore[assignment]
    return distributions()


def _meta(dist: Any, field: str) -> str | None:
    """A METADATA field, or ``None`` when it is missing or unreadable (never raises)."""
    try:
        value = dist.metadata[field]
    except Exception:  # noqa: BLE001 - importlib_metadata >= 8 raises KeyError for a missing field
        return None
    return value.strip() if isinstance(value, str) and value.strip() else None


def _dist_key(dist: Any) -> str:
    """The normalised name importlib-metadata deduplicates distributions by (first on sys.path wins)."""
    try:
        key = dist._normalized_name
    except Exception:  # noqa: BLE001
        key = None
    return key or _normalise_dist(_meta(dist, "Name") or str(getattr(dist, "_path", id(dist))))


def _entry_points(group: str) -> tuple[list[Any], list[tuple[str, str | None, Exception]]]:
    """Entry points of *group*, read one distribution at a time.

    ``importlib_metadata.entry_points()`` parses every distribution's
    ``entry_points.txt`` and fails as a whole on the first malformed one, so
    a single broken (possibly unrelated) distribution would hide every pack.
    Here a distribution that cannot be read is returned in the second list
    (name, version, error) if its file mentions *group*, and skipped silently
    otherwise.  Distributions are deduplicated by normalised name, as
    ``entry_points()`` does.
    """
    header = re.compile(r"^\s*\[\s*" + re.escape(group) + r"\s*\]", re.MULTILINE)
    found: list[Any] = []
    broken: list[tuple[str, str | None, Exception]] = []
    seen: set[str] = set()
    for dist in _distributions():
        key = _dist_key(dist)
        if key in seen:
            continue
        seen.add(key)
        try:
            eps = list(dist.entry_points.select(group=group))
        except Exception as exc:  # noqa: BLE001 - one distribution's metadata must not break discovery
            try:
                text = dist.read_text("entry_points.txt") or ""
            except Exception:  # noqa: BLE001
                text = ""
            if header.search(text):
                broken.append((_meta(dist, "Name") or key, _meta(dist, "Version"), exc))
            continue
        found.extend(eps)
    return found, broken


def _normalise_dist(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# -- records -----------------------------------------------------------------------


@attrs.frozen
class PluginSpec:
    """One plugin as discovered from installed metadata; nothing imported.

    ``dist`` and ``version`` are the distribution's name and version
    (``None`` for an object registered at run time with :func:`register`).
    """

    kind: str
    name: str
    value: str
    dist: str | None
    version: str | None

    @property
    def qualified_name(self) -> str:
        """``"dist:name"``, the name that always picks this one plugin."""
        return f"{self.dist}:{self.name}" if self.dist else self.name

    @property
    def module(self) -> str:
        return self.value.split(":", 1)[0].strip()

    def describe(self) -> str:
        if self.dist is None:
            return f"{self.kind} plugin {self.name!r} (registered at run time)"
        return f"{self.kind} plugin {self.name!r} from distribution {self.dist} {self.version or ''}".rstrip()


@attrs.frozen
class PluginStatus:
    """Whether one plugin loads: ``ok``, or the ``error`` it raised.

    ``conflicts`` lists the qualified names of every distribution that
    provides the same name (empty when the name is unique); such a plugin
    can only be used by its qualified name.
    """

    spec: PluginSpec
    ok: bool
    error: PluginError | None = None
    conflicts: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.spec.name


@attrs.frozen
class PackInfo:
    """One installed factor pack as :func:`list_packs` sees it, without importing it.

    ``version`` is the data edition from ``pack.toml``; ``dist_version`` the
    distribution's.  ``coverage`` is ``None`` (and ``problem`` says why) when
    the pack's files could not be found or read without importing it.
    """

    spec: PluginSpec
    title: str | None = None
    version: str | None = None
    description: str | None = None
    license: str | None = None
    coverage: Coverage | None = None
    problem: str | None = None
    conflicts: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def dist(self) -> str | None:
        return self.spec.dist

    @property
    def dist_version(self) -> str | None:
        return self.spec.version


# -- discovery -------------------------------------------------------------------------


def _check_kind(kind: str) -> str:
    if kind not in GROUPS:
        raise PluginValidationError(
            f"unknown plugin kind {kind!r}; known kinds: {sorted(GROUPS)}", plugin=None, kind=kind, dist=None, version=None
        )
    return kind


def _discover(kind: str) -> tuple[tuple[PluginSpec, Any], ...]:
    found = _discovered.get(kind)
    if found is None:
        with _lock:
            found = _discovered.get(kind)
            if found is None:
                eps, broken = _entry_points(GROUPS[kind])
                pairs = []
                for ep in eps:
                    dist = getattr(ep, "dist", None)
                    spec = PluginSpec(
                        kind=kind,
                        name=ep.name,
                        value=ep.value,
                        # a METADATA without Name: the name importlib-metadata knows it by (its directory's)
                        dist=(_meta(dist, "Name") or _dist_key(dist)) if dist is not None else UNKNOWN_DIST,
                        version=_meta(dist, "Version") if dist is not None else None,
                    )
                    pairs.append((spec, ep))
                pairs.sort(key=lambda p: (p[0].name, _normalise_dist(p[0].dist or "")))
                errors = []
                for dist_name, version, exc in broken:
                    err = PluginImportError(
                        f"distribution {dist_name} {version or ''}".rstrip()
                        + f" declares {GROUPS[kind]} entry points, but its entry_points.txt cannot be read "
                        f"({type(exc).__name__}: {exc}); its {kind} plugins are skipped. Reinstall or fix that "
                        "distribution.",
                        plugin=None, kind=kind, dist=dist_name, version=version,
                    )
                    err.__cause__ = exc
                    errors.append(err)
                found = tuple(pairs)
                _unreadable[kind] = tuple(errors)
                _discovered[kind] = found
                # cached first: under ``-W error`` the warning raises, and the next call must not rescan
                for err in errors:
                    warnings.warn(err.message, PluginWarning, stacklevel=4)
    return found


def unreadable(kind: str = "factors") -> tuple[PluginError, ...]:
    """Distributions whose *kind* entry points could not be read (each a :class:`PluginImportError`).

    Such a distribution is skipped by discovery (with a :class:`~neutralcore.PluginWarning`);
    every other plugin is still found.  :func:`status` reports these too.
    """
    _check_kind(kind)
    _discover(kind)
    return _unreadable.get(kind, ())


def available(kind: str = "factors") -> tuple[PluginSpec, ...]:
    """Every installed plugin of *kind*, sorted by (name, distribution); imports nothing.

    Two distributions providing the same name both appear.  Objects added
    with :func:`register` appear with ``dist=None``.
    """
    _check_kind(kind)
    specs = [spec for spec, _ in _discover(kind)]
    specs += [PluginSpec(kind, name, f"<registered {type(obj).__name__}>", None, None)
              for name, obj in _registered[kind].items()]
    return tuple(sorted(specs, key=lambda s: (s.name, s.dist is not None, _normalise_dist(s.dist or ""))))


def refresh() -> None:
    """Forget discovered and loaded plugins, so the next use rescans installed metadata.

    Objects added with :func:`register` are kept.
    """
    with _lock:
        _discovered.clear()
        _unreadable.clear()
        _loaded.clear()
        _key_locks.clear()
        _infos.clear()
        # the path finders cache directory listings (keyed by mtime, which can be coarse): without
        # this, a distribution installed since the first scan may stay invisible to metadata and import
        importlib.invalidate_caches()


def _conflicts(kind: str, name: str) -> tuple[str, ...]:
    specs = [s for s, _ in _discover(kind) if s.name == name]
    return tuple(s.qualified_name for s in specs) if len(specs) > 1 else ()


# -- loading ---------------------------------------------------------------------------


def _pick(kind: str, name: str) -> tuple[PluginSpec, Any] | Any:
    """Resolve a (possibly qualified) name to ``(spec, entry point)``, or a registered object."""
    if not isinstance(name, str) or not name.strip():
        raise PluginNotFoundError(f"a {kind} plugin name must be a non-empty string, got {name!r}",
                                  plugin=name, kind=kind, dist=None, version=None, available=())
    name = name.strip()
    dist_wanted, _, bare = name.rpartition(":")
    pairs = _discover(kind)
    names = sorted({s.name for s, _ in pairs} | set(_registered[kind]))
    if not dist_wanted:
        if bare in _registered[kind]:
            return _registered[kind][bare]
        hits = [p for p in pairs if p[0].name == bare]
    else:
        hits = [p for p in pairs if p[0].name == bare and _normalise_dist(p[0].dist or "") == _normalise_dist(dist_wanted)]
    if not hits:
        close = difflib.get_close_matches(bare, names, n=3)
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
        where = f" from distribution {dist_wanted!r}" if dist_wanted else ""
        shown = ", ".join(names) if names else "none"
        skipped = _unreadable.get(kind, ())
        if skipped:
            hint += (f" ({len(skipped)} distribution(s) with unreadable entry points were skipped: "
                     f"{', '.join(str(e.dist) for e in skipped)})")
        raise PluginNotFoundError(
            f"no installed {kind} plugin named {bare!r}{where} (entry-point group {GROUPS[kind]!r}); "
            f"installed: {shown}{hint}",
            plugin=name, kind=kind, dist=dist_wanted or None, version=None, available=tuple(names),
        )
    if len(hits) > 1:
        cands = tuple(s.qualified_name for s, _ in hits)
        listing = "; ".join(f"{s.dist} {s.version or ''} ({s.value})".replace("  ", " ") for s, _ in hits)
        raise PluginConflictError(
            f"{len(hits)} installed distributions provide the {kind} plugin {bare!r}: {listing}. "
            f"Choose one by its qualified name, e.g. {cands[0]!r}"
            + (f" (load_factors({cands[0]!r}))" if kind == "factors" else "")
            + (", or uninstall the other." if len(hits) == 2 else ", or uninstall the others."),
            plugin=bare, kind=kind, dist=None, version=None, candidates=cands, dists=tuple(s.dist for s, _ in hits),
        )
    return hits[0]


def _reraise_as_plugin_error(exc: PluginError, spec: PluginSpec) -> PluginError:
    """The same error class, now naming the plugin and distribution."""
    fields = dict(getattr(exc, "_fields", {}))
    fields.update(plugin=spec.name, kind=spec.kind, dist=spec.dist, version=spec.version)
    message = exc.message if spec.describe() in exc.message else f"{spec.describe()}: {exc.message}"
    return type(exc)(message, **fields)


def _lever_check(obj: Any) -> bool:
    if isinstance(obj, (Lever, LeverSet)):
        return True
    return isinstance(getattr(obj, "name", None), str) and callable(getattr(obj, "apply", None))


def _validate(obj: Any, kind: str, name: str, spec: PluginSpec) -> Any:
    if kind == "factors":
        if not isinstance(obj, FactorPack):
            raise PluginValidationError(
                f"{spec.describe()}: entry point {spec.value!r} gave a {type(obj).__name__}, not a "
                "neutralcore.packs.FactorPack (build one with FactorPack.from_directory(files(__name__) / 'data'))",
                plugin=name, kind=kind, dist=spec.dist, version=spec.version,
            )
        if obj.name != name:
            raise PluginValidationError(
                f"{spec.describe()}: the entry point is named {name!r} but its pack.toml says name = {obj.name!r}; "
                "the two must agree so every factor records the name it is loaded by",
                plugin=name, kind=kind, dist=spec.dist, version=spec.version,
            )
        if spec.dist is not None:
            obj = attrs.evolve(obj, dist=spec.dist, dist_version=spec.version)
        return obj
    if not _lever_check(obj):
        raise PluginValidationError(
            f"{spec.describe()}: entry point {spec.value!r} gave a {type(obj).__name__}, not a neutralcore Lever "
            "(an object with a str 'name' and a callable 'apply')",
            plugin=name, kind=kind, dist=spec.dist, version=spec.version,
        )
    return obj


def _lock_for(key: tuple[str, str, str, str]) -> threading.RLock:
    with _lock:
        lock = _key_locks.get(key)
        if lock is None:
            lock = _key_locks[key] = threading.RLock()
        return lock


@contextmanager
def _watching_ctrl_c() -> Iterator[dict[str, bool]]:
    """Record whether a real Ctrl-C (SIGINT) arrives while plugin code runs, so that the user's
    KeyboardInterrupt is told apart from one a plugin raises itself.  Off the main thread no
    signal is ever delivered, so every KeyboardInterrupt there is the plugin's."""
    seen = {"sigint": False}
    if threading.current_thread() is not threading.main_thread():
        yield seen
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous is None:  # a handler installed from C: leave it alone
        yield seen
        return

    def handler(signum: int, frame: Any) -> None:
        seen["sigint"] = True
        if callable(previous):
            previous(signum, frame)
        elif previous != signal.SIG_IGN:
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, handler)
    try:
        yield seen
    finally:
        signal.signal(signal.SIGINT, previous)


def _run_plugin_code(call: Callable[[], Any], spec: PluginSpec, doing: str) -> Any:
    """Run *call* (a plugin's import or factory) with everything it raises contained as a PluginError.

    ``SystemExit``, ``KeyboardInterrupt`` and any other ``BaseException`` the plugin raises become
    :class:`~neutralcore.PluginImportError` (the original is ``__cause__``); only a real Ctrl-C
    while it runs is let through, so the user can still stop the program.
    """
    with _watching_ctrl_c() as seen:
        try:
            return call()
        except PluginError as exc:  # e.g. a malformed pack.toml read at import time
            raise _reraise_as_plugin_error(exc, spec) from exc
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt) and seen["sigint"]:
                raise
            raise PluginImportError(
                f"{spec.describe()}: {doing} {spec.value!r} failed: {type(exc).__name__}: {exc}",
                plugin=spec.name, kind=spec.kind, dist=spec.dist, version=spec.version,
            ) from exc


def _load_spec(spec: PluginSpec, ep: Any) -> Any:
    key = (spec.kind, spec.name, spec.dist or "", spec.value)
    obj = _loaded.get(key)
    if obj is not None:
        return obj
    # One lock per plugin, never the registry-wide one, around the import: the plugin's module may
    # itself use the registry while another thread holds that module's import lock.
    with _lock_for(key):
        obj = _loaded.get(key)
        if obj is not None:
            return obj
        if not NAME_RE.match(spec.name):
            raise PluginValidationError(
                f"{spec.describe()}: the entry-point name {spec.name!r} is not a valid plugin name "
                f"({NAME_RE.pattern}: lowercase letters, digits, '.', '_' and '-')",
                plugin=spec.name, kind=spec.kind, dist=spec.dist, version=spec.version,
            )
        obj = _run_plugin_code(ep.load, spec, "importing")
        if callable(obj) and not isinstance(obj, (FactorPack, type)) and not (spec.kind == "levers" and _lever_check(obj)):
            obj = _run_plugin_code(obj, spec, "calling the factory")
        obj = _validate(obj, spec.kind, spec.name, spec)
        _loaded[key] = obj
        return obj


@overload
def load(kind: Literal["factors"], name: str) -> FactorPack: ...
@overload
def load(kind: Literal["levers"], name: str) -> Lever | LeverSet: ...
@overload
def load(kind: str, name: str) -> FactorPack | Lever | LeverSet: ...
def load(kind: str, name: str) -> FactorPack | Lever | LeverSet:
    """Import and return the plugin *name* of *kind* (``"factors"`` or ``"levers"``), cached.

    *name* is an entry-point name (``"vietnam"``) or a qualified
    ``"dist:name"`` (``"neutralcore:vietnam"``).  Only that entry point is
    imported.  A name registered with :func:`register` wins over installed
    plugins of the same bare name.

    Raises
    ------
    PluginNotFoundError
        No plugin has that name (``.available`` lists those that do).
    PluginConflictError
        Several distributions provide it; ``.candidates`` lists the qualified names.
    PluginImportError
        Importing it (or calling its factory) failed; the error is ``__cause__``.
    PluginValidationError
        It is not a ``FactorPack`` / ``Lever``, or its names disagree.
    PackFormatError
        Its ``pack.toml`` is malformed.
    """
    _check_kind(kind)
    picked = _pick(kind, name)
    if not isinstance(picked, tuple):
        return picked
    spec, ep = picked
    return _load_spec(spec, ep)


def register(obj: Any, *, kind: str = "factors", name: str | None = None, replace: bool = False) -> Any:
    """Make *obj* loadable by name in this process (notebooks, tests); returns it.

    *name* defaults to ``obj.name``.  If an installed plugin or an earlier
    registration already uses the name, this raises
    :class:`~neutralcore.PluginConflictError` unless ``replace=True``; with it,
    the bare name now means *obj* (installed plugins stay reachable as
    ``"dist:name"``).
    """
    _check_kind(kind)
    name = name if name is not None else getattr(obj, "name", None)
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise PluginValidationError(
            f"cannot register a {kind} plugin under the name {name!r}: names match {NAME_RE.pattern}",
            plugin=name, kind=kind, dist=None, version=None,
        )
    spec = PluginSpec(kind, name, f"<registered {type(obj).__name__}>", None, None)
    obj = _validate(obj, kind, name, spec)
    with _lock:
        taken = [s.qualified_name for s, _ in _discover(kind) if s.name == name]
        if name in _registered[kind]:
            taken.append(f"{name} (registered at run time)")
        if taken and not replace:
            raise PluginConflictError(
                f"the {kind} plugin name {name!r} is already used by {', '.join(taken)}; "
                "pass replace=True to make the bare name mean the new object",
                plugin=name, kind=kind, dist=None, version=None, candidates=tuple(taken),
            )
        _registered[kind][name] = obj
        _infos.clear()
    return obj


def unregister(name: str, *, kind: str = "factors") -> None:
    """Remove an object added with :func:`register` (installed plugins are untouched)."""
    _check_kind(kind)
    with _lock:
        if _registered[kind].pop(name, None) is None:
            raise PluginNotFoundError(
                f"no {kind} plugin named {name!r} was registered at run time",
                plugin=name, kind=kind, dist=None, version=None, available=tuple(_registered[kind]),
            )
        _infos.clear()


def status(kind: str | None = None) -> tuple[PluginStatus, ...]:
    """Try to load every installed plugin (of *kind*, or of every kind); never raises (but for the user's Ctrl-C).

    A plugin that raises anything while it loads, ``SystemExit`` and
    ``KeyboardInterrupt`` included, is reported with a
    :class:`~neutralcore.PluginImportError` and the others are still tried.

    For factor packs the data files are read and validated too, so ``ok``
    means ``load_factors("<dist>:<name>")`` works.
    """
    out = []
    for k in ([kind] if kind is not None else list(GROUPS)):
        try:
            _check_kind(k)
            pairs = list(_discover(k))
        except Exception as exc:  # noqa: BLE001 - status() reports, it never raises
            if k in _discovered:  # only the PluginWarning was raised (``-W error``); it is reported below
                pairs = list(_discovered[k])
            else:
                spec = PluginSpec(str(k), "*", "", UNKNOWN_DIST, None)
                out.append(PluginStatus(spec, False, _as_plugin_error(exc, spec)))
                continue
        for err in _unreadable.get(k, ()):
            # a distribution whose entry points cannot be read: its plugin names are unknown
            out.append(PluginStatus(PluginSpec(k, "*", "entry_points.txt", err.dist, err.version), False, err))
        for spec, ep in pairs:
            conflicts = _conflicts(k, spec.name)
            try:
                obj = _load_spec(spec, ep)
                if k == "factors":
                    obj.load()
                out.append(PluginStatus(spec, True, None, conflicts))
            except Exception as exc:  # noqa: BLE001
                out.append(PluginStatus(spec, False, _as_plugin_error(exc, spec), conflicts))
        for name, obj in _registered[k].items():
            spec = PluginSpec(k, name, f"<registered {type(obj).__name__}>", None, None)
            try:
                if k == "factors":
                    obj.load()
                out.append(PluginStatus(spec, True))
            except Exception as exc:  # noqa: BLE001
                out.append(PluginStatus(spec, False, _as_plugin_error(exc, spec)))
    return tuple(out)


def _as_plugin_error(exc: BaseException, spec: PluginSpec) -> PluginError:
    if isinstance(exc, PluginError):
        return exc
    err = PluginImportError(f"{spec.describe()}: {type(exc).__name__}: {exc}", plugin=spec.name, kind=spec.kind,
                            dist=spec.dist, version=spec.version)
    err.__cause__ = exc
    return err


# -- factor packs -----------------------------------------------------------------------


def _find_spec_without_import(fullname: str, path: list[str] | None) -> Any:
    """Ask the import system's finders for a module spec; executes no module."""
    for finder in sys.meta_path:
        find = getattr(finder, "find_spec", None)
        if find is None:
            continue
        try:
            spec = find(fullname, path)
        except Exception:  # noqa: BLE001 - a confused finder is not our problem
            continue
        if spec is not None:
            return spec
    return None


def _package_dirs(module: str) -> list[Any]:
    """Directories of the package that holds *module*, found without importing it."""
    from pathlib import Path

    parts = module.split(".")
    path: list[str] | None = None
    name = ""
    for i, part in enumerate(parts):
        name = f"{name}.{part}" if name else part
        mod = sys.modules.get(name)
        if mod is not None:
            locs = getattr(mod, "__path__", None)
            origin = getattr(mod, "__file__", None)
        else:
            spec = _find_spec_without_import(name, path)
            if spec is None:
                return []
            locs = spec.submodule_search_locations
            origin = spec.origin
        if locs is None:
            # a plain module: its package is the directory around it (never a bare top-level directory)
            if i == len(parts) - 1 and i > 0 and origin:
                return [Path(origin).parent]
            return []
        path = list(locs)
    return [Path(p) for p in (path or [])]


def _pack_info(spec: PluginSpec, obj: Any = None) -> PackInfo:
    info = _infos.get(spec)
    if info is not None:
        return info
    conflicts = _conflicts("factors", spec.name) if spec.dist is not None else ()
    try:
        toml_file = None
        if obj is None:
            loaded = _loaded.get(("factors", spec.name, spec.dist or "", spec.value))
            if loaded is not None:
                obj = loaded
        if obj is not None:
            toml_file = obj.files / "pack.toml"
        else:
            for d in _package_dirs(spec.module):
                toml_file = find_pack_toml(d, spec.name)
                if toml_file is not None:
                    break
        if toml_file is None:
            info = PackInfo(spec, problem=f"no pack.toml found beside module {spec.module!r} without importing it; "
                                          "coverage is known once the pack is loaded", conflicts=conflicts)
        else:
            pack = obj if obj is not None else FactorPack.from_directory(toml_file.parent)
            info = PackInfo(
                spec, title=pack.title, version=pack.version, description=pack.description, license=pack.license,
                coverage=pack.coverage() if obj is not None else read_coverage(pack.factors_file),
                problem=(f"pack.toml says name = {pack.name!r}" if pack.name != spec.name else None),
                conflicts=conflicts,
            )
    except NeutralcoreError as exc:
        info = PackInfo(spec, problem=str(exc), conflicts=conflicts)
    except Exception as exc:  # noqa: BLE001 - listing never fails because of one pack
        info = PackInfo(spec, problem=f"{type(exc).__name__}: {exc}", conflicts=conflicts)
    _infos[spec] = info
    return info


class PackList(tuple):  # type: ignore[type-arg]
    """What :func:`list_packs` returns: a tuple of :class:`PackInfo` that shows as a table."""

    def table(self) -> Table:
        """One row per pack: name, data version, distribution, years, regions, activities."""
        rows = [(i.spec.qualified_name if i.conflicts else i.name, i.version or "?",
                 f"{i.dist} {i.dist_version or ''}".strip() if i.dist else "(registered)",
                 i.coverage.year_span if i.coverage else "?", len(i.coverage.regions) if i.coverage else "?",
                 len(i.coverage.activities) if i.coverage else "?", i.problem or "") for i in self]
        return Table.from_rows(("name", "version", "distribution", "years", "regions", "activities", "problem"), rows,
                               title=f"{len(self)} factor pack(s) installed", right=("regions", "activities"))

    def __repr__(self) -> str:
        return self.table().to_text(max_rows=ROWS)

    def _repr_html_(self) -> str:
        return self.table().to_html(max_rows=ROWS)


def list_packs() -> "PackList":
    """Every installed factor pack with its metadata and coverage, importing no pack's code.

    Each :class:`PackInfo` gives ``name``, ``version`` (data edition),
    ``dist`` and ``dist_version``, ``title``, ``description``, ``license``
    and ``coverage`` (activities, regions, years).  A pack whose files
    cannot be read is still listed, with ``problem`` saying why; whether it
    *imports* is only known by loading it (see :func:`status`).

    Examples
    --------
    >>> import neutralcore as nc
    >>> [p.name for p in nc.list_packs()]  # doctest: +SKIP
    ['china', 'ipcc', 'vietnam']
    """
    out = [_pack_info(spec) for spec, _ in _discover("factors")]
    for name, obj in _registered["factors"].items():
        out.append(_pack_info(PluginSpec("factors", name, f"<registered {type(obj).__name__}>", None, None), obj))
    return PackList(sorted(out, key=lambda i: (i.name, i.dist is not None, _normalise_dist(i.dist or ""))))


def load_factors(*names: str | FactorPack) -> FactorSet:
    """Load factor packs by name and merge them into one :class:`~neutralcore.FactorSet`.

    ``load_factors("vietnam", "ipcc")`` (or ``load_factors("vietnam,ipcc")``):
    where two packs cover the same (activity, region, year), the pack named
    **later** wins.  Each factor records the pack it came from
    (``FactorSet.pack``).  A qualified ``"dist:name"`` picks one of two
    distributions providing the same name, and its factors then record
    the qualified name, so the two stay apart in ``matches``.

    Raises the :func:`load` errors, and :class:`~neutralcore.PackFormatError`
    (file, line, column, pack, distribution) for a malformed data file.
    Other packs are not affected by one pack's failure.
    """
    wanted: list[Any] = []
    for n in names:
        if isinstance(n, str):
            wanted += [part.strip() for part in n.split(",") if part.strip()]
        else:
            wanted.append(n)
    if not wanted:
        raise PluginNotFoundError(
            "name at least one factor pack, e.g. load_factors('vietnam', 'ipcc')",
            plugin=None, kind="factors", dist=None, version=None, available=tuple(s.name for s in available("factors")),
        )
    packs = [n if isinstance(n, FactorPack) else load("factors", n) for n in wanted]
    sets = [pack.load() for pack in packs]
    providers: dict[str, int] = {}
    for spec in available("factors"):
        providers[spec.name] = providers.get(spec.name, 0) + 1
    for i, n in enumerate(wanted):
        # "dist:name" for a name two distributions provide: record which one, not just the shared name
        if isinstance(n, str) and ":" in n and providers.get(n.split(":", 1)[1], 0) > 1:
            sets[i] = sets[i].with_pack(n)
    return FactorSet.merge(*sets)


def resolve_factors(factors: FactorsLike) -> FactorSet:
    """A FactorSet from a FactorSet, or from pack names, factor CSV files and pack directories.

    A string may list several, comma-separated (``"ipcc,my_factors.csv"``);
    they are merged in order, the later winning for a key both cover.  A
    directory holding a ``pack.toml``, given as a path (``./my_pack``), is
    read as an uninstalled pack, with its regions and fuel properties; a bare
    CSV file has neither.  A bare name is always a pack name.  This is what
    ``Inventory.emissions("vietnam,ipcc")`` uses (through
    :func:`neutralcore.measure.factorsource.as_factorset`).

    Raises
    ------
    InputError
        For something that is neither a FactorSet, a name nor a path, or a path that is neither
        a ``.csv`` file nor a pack directory.
    PluginNotFoundError
        For an unknown pack name, or no name at all (naming the packs there are).

    Examples
    --------
    >>> import neutralcore as nc
    >>> fs = nc.registry.resolve_factors("neutralcore:vietnam")
    >>> resolve_factors(fs) is fs
    True
    """
    if isinstance(factors, FactorSet):
        return factors
    items: list[Any]
    if isinstance(factors, os.PathLike):
        items = [factors]
    elif isinstance(factors, str):
        items = [part.strip() for part in factors.split(",") if part.strip()]
    elif isinstance(factors, (list, tuple)):
        items = list(factors)
    else:
        raise InputError(f"factors must be a FactorSet, pack name(s) or a CSV path, got {type(factors).__name__}",
                         column="factors")
    parts: list[FactorSet] = []
    for item in items:
        if isinstance(item, FactorSet):
            parts.append(item)
            continue
        text = os.fspath(item) if isinstance(item, os.PathLike) else item
        if not isinstance(text, str):
            raise InputError(f"factors item {item!r} is not a pack name or a path", column="factors")
        is_path = isinstance(item, os.PathLike) or os.sep in text or bool(os.altsep and os.altsep in text)
        if text.lower().endswith(".csv"):
            parts.append(FactorSet.read_csv(text))
        elif is_path and os.path.isdir(text):  # a bare name is a pack name, even if a folder has it
            parts.append(FactorPack.from_directory(text).load())
        elif is_path:
            raise InputError(f"factors path {text!r} is neither a .csv file nor a pack directory with pack.toml",
                             column="factors")
        else:
            parts.append(load_factors(text))
    if not parts:
        return load_factors()  # raises, naming the packs there are
    return FactorSet.merge(*parts)


set_resolver(resolve_factors)
set_catalogue(lambda: [(p.name, p.coverage.activities) for p in list_packs() if p.coverage is not None])
