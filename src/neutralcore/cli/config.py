"""Reading the TOML files of ``neutralcore scenario``, ``mac`` and ``claim``: every error names the file, key and line.

tomllib reports the line of a syntax error; for a value of the wrong type or
a missing key the error names the key path (``levers[2].cut``) and the line
that key is written on, found by reading the file's table headers and keys.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any, Sequence

from neutralcore.errors import InputError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["Config", "ConfigSection", "key_text"]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-.\"' ]+?)\s*=")

KeyPath = tuple[str | int, ...]


def key_text(path: KeyPath) -> str:
    """``("levers", 1, "cut")`` as ``levers[2].cut`` (array entries counted from 1, as people count)."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _split_key(text: str) -> list[str]:
    return [p.strip().strip("\"'") for p in text.split(".")]


def _key_lines(text: str) -> dict[KeyPath, int]:
    """The line each table header and key of *text* is written on (inline tables are not entered)."""
    lines: dict[KeyPath, int] = {}
    counts: dict[tuple[str, ...], int] = {}
    prefix: KeyPath = ()

    def resolve(names: list[str]) -> KeyPath:
        # a header [a.b] under an array of tables [[a]] refers to a's last entry
        out: list[str | int] = []
        for i, name in enumerate(names):
            out.append(name)
            key = tuple(names[: i + 1])
            if key in counts and i < len(names) - 1:
                out.append(counts[key] - 1)
        return tuple(out)

    for n, line in enumerate(text.splitlines(), 1):
        m = _HEADER.match(line)
        if m:
            names = _split_key(m.group(2))
            if m.group(1) == "[[":
                counts[tuple(names)] = counts.get(tuple(names), 0) + 1
                prefix = resolve(names) + (counts[tuple(names)] - 1,)
            else:
                prefix = resolve(names)
            lines.setdefault(prefix, n)
            continue
        m = _KEY.match(line)
        if m and not line.lstrip().startswith("#"):
            lines.setdefault(prefix + tuple(_split_key(m.group(1))), n)
    return lines


class Config:
    """A TOML file read whole; :meth:`section` gives typed access with located errors."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.dir = self.path.parent
        try:
            self.text = self.path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror or exc}", file=str(path)) from exc
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})", file=str(path)) from exc
        try:
            self.data = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as exc:
            m = re.search(r"line (\d+)", str(exc))
            line = int(m.group(1)) if m else None
            raise InputError(f"{path}: not valid TOML: {exc}", file=str(path), line=line) from exc
        self._lines = _key_lines(self.text)

    def line_of(self, path: KeyPath) -> int | None:
        """The line *path* (or the nearest table enclosing it) is written on."""
        for end in range(len(path), 0, -1):
            if path[:end] in self._lines:
                return self._lines[path[:end]]
        return None

    def error(self, path: KeyPath, message: str) -> InputError:
        line = self.line_of(path)
        where = f"{self.path}" + (f", line {line}" if line else "") + (f", key {key_text(path)}" if path else "")
        return InputError(f"{where}: {message}", key=key_text(path), file=str(self.path), line=line)

    def section(self, path: KeyPath = ()) -> "ConfigSection":
        return ConfigSection(self, path, self.data)

    def resolve(self, value: str) -> Path:
        """A path written in the file: relative to the file's directory."""
        p = Path(value).expanduser()
        return p if p.is_absolute() else self.dir / p


_TYPES = {str: "a string", int: "a whole number", float: "a number", bool: "true or false", dict: "a table",
          list: "an array"}


class ConfigSection:
    """One table of a :class:`Config`, at key path *path*."""

    def __init__(self, config: Config, path: KeyPath, data: dict[str, Any]) -> None:
        self.config, self.path, self.data = config, path, data

    def __contains__(self, key: str) -> bool:
        return key in self.data

    def error(self, key: str | int | None, message: str) -> InputError:
        return self.config.error(self.path + ((key,) if key is not None else ()), message)

    def check_keys(self, allowed: Sequence[str]) -> None:
        """Refuse a key this table does not take (most often a typo)."""
        for key in self.data:
            if key not in allowed:
                raise self.error(key, f"unknown key {key!r}; this table takes {', '.join(allowed)}")

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = None, *, required: bool = False) -> Any:
        """The value of *key*, checked to be of *kind* (an int is a float too; a bool is neither)."""
        if key not in self.data:
            if required:
                raise self.error(None, f"missing key {key_text(self.path + (key,))!r}")
            return default
        value = self.data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        ok = any(isinstance(value, k) and not (isinstance(value, bool) and k in (int, float)) for k in kinds)
        if not ok and float in kinds and isinstance(value, int) and not isinstance(value, bool):
            ok = True
        if not ok:
            want = " or ".join(_TYPES.get(k, k.__name__) for k in kinds)
            raise self.error(key, f"must be {want}, got {value!r}")
        return float(value) if kinds == (float,) else value

    def table(self, key: str, *, required: bool = False) -> "ConfigSection | None":
        value = self.get(key, dict, required=required)
        return None if value is None else ConfigSection(self.config, self.path + (key,), value)

    def tables(self, key: str) -> list["ConfigSection"]:
        """The entries of an array of tables (``[[key]]``)."""
        value = self.get(key, list, [])
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                raise self.config.error(self.path + (key, i), f"must be a table, got {item!r}")
            out.append(ConfigSection(self.config, self.path + (key, i), item))
        return out

    def path_value(self, key: str, *, required: bool = False) -> Path | None:
        value = self.get(key, str, required=required)
        return None if value is None else self.config.resolve(value)
