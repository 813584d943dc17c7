"""One description of a record's fields, giving both its JSON-ready dict and a fast JSON encoder for many records.

A value type lists its fields once as a :class:`RecordSpec`; ``to_dict``
comes from it, and so does :meth:`RecordSpec.encode_many`, which writes, for
many records at once, the same JSON lines as
``json.dumps(spec.to_dict(obj), ensure_ascii=False)`` without building a dict
per record: it works column by column (a field of every record, read with
:func:`operator.attrgetter` where the field is an attribute path), and encodes
each distinct value of a column once, so values repeated over many records (a
programme, a country, a vintage) cost one encoding.

Examples
--------
>>> import datetime, json
>>> from types import SimpleNamespace as NS
>>> spec = RecordSpec(("name", "name"), ("born", "born"), ("n", lambda p: len(p.name)))
>>> ada = NS(name="Ada", born=datetime.date(1815, 12, 10))
>>> spec.to_dict(ada)
{'name': 'Ada', 'born': '1815-12-10', 'n': 3}
>>> spec.encode_many([ada]) == [json.dumps(spec.to_dict(ada), ensure_ascii=False)]
True
"""

from __future__ import annotations

import datetime as _dt
import json
import operator
from typing import Any, Callable, Iterable, Union

__all__ = ["Nested", "RecordSpec", "json_texts"]

Getter = Callable[[Any], Any]
_encode_text: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]
_NUMBERS = frozenset({bool, int, float})


class Nested:
    """A field whose value is itself a record, described by *spec* (``None`` stays ``null``)."""

    __slots__ = ("spec", "get")

    def __init__(self, spec: "RecordSpec", get: Getter | str) -> None:
        self.spec = spec
        self.get: Getter = operator.attrgetter(get) if isinstance(get, str) else get


def _plain(value: Any) -> Any:
    """A field's value as ``to_dict`` gives it: dates as ISO text."""
    return value.isoformat() if isinstance(value, _dt.date) else value


def _text(value: Any) -> str:
    """One value's JSON text, as ``json.dumps(_plain(value), ensure_ascii=False)``."""
    if isinstance(value, _dt.date):
        return _encode_text(value.isoformat())
    if type(value) is str:
        return _encode_text(value)
    return json.dumps(value, ensure_ascii=False)


def json_texts(values: list[Any]) -> list[str]:
    """The JSON text of every value of one column (as ``json.dumps(v, ensure_ascii=False)``, dates as ISO text),
    each distinct value encoded once."""
    kinds = set(map(type, values))
    if kinds == {int}:  # serials and ids: mostly distinct, and int's text is its repr
        return list(map(int.__repr__, values))
    if len(kinds & _NUMBERS) > 1:  # 1, 1.0 and True are one dict key but three texts
        return [_text(v) for v in values]
    try:
        table = {v: _text(v) for v in set(values)}
    except TypeError:  # an unhashable value (a list or dict)
        return [_text(v) for v in values]
    return [table[v] for v in values]


class RecordSpec:
    """The fields of a record, in order: ``(key, getter)`` pairs.

    A getter is an attribute path (``"vintage.start"``), a function of the
    record, or :class:`Nested`; it returns a JSON value, or a
    :class:`datetime.date`, which becomes ISO text.
    """

    __slots__ = ("fields",)

    def __init__(self, *fields: tuple[str, Union[Getter, str, Nested]]) -> None:
        self.fields: tuple[tuple[str, Union[Getter, Nested]], ...] = tuple(
            (key, operator.attrgetter(get) if isinstance(get, str) else get) for key, get in fields
        )

    def to_dict(self, obj: Any) -> dict[str, Any]:
        """The record's JSON-ready dict."""
        out: dict[str, Any] = {}
        for key, get in self.fields:
            if isinstance(get, Nested):
                inner = get.get(obj)
                out[key] = None if inner is None else get.spec.to_dict(inner)
            else:
                out[key] = _plain(get(obj))
        return out

    def columns(self, objs: Iterable[Any], *, prefix: str = "") -> dict[str, list[Any]]:
        """The records as columns, one per field (dates as ISO text); a nested record's fields follow it, each
        named ``<field>_<key>`` where its own key is taken by an outer field.

        >>> from types import SimpleNamespace as NS
        >>> inner = RecordSpec(("name", "name"), ("n", "n"))
        >>> RecordSpec(("n", "n"), ("item", Nested(inner, "item"))).columns([NS(n=1, item=NS(name="a", n=2))])
        {'n': [1], 'name': ['a'], 'item_n': [2]}
        """
        objs = list(objs)
        out: dict[str, list[Any]] = {}
        for key, get in self.fields:
            if isinstance(get, Nested):
                inner = list(map(get.get, objs))
                present = [x for x in inner if x is not None]
                sub = get.spec.columns(present)
                for name, values in sub.items():
                    it = iter(values)
                    out[name if name not in out and name not in self._keys() else f"{key}_{name}"] = [
                        None if x is None else next(it) for x in inner]
            else:
                out[prefix + key] = [_plain(v) for v in map(get, objs)]
        return out

    def _keys(self) -> set[str]:
        return {key for key, _get in self.fields}

    def encode_many(self, objs: Iterable[Any]) -> list[str]:
        """Each record's JSON text, as ``json.dumps(self.to_dict(obj), ensure_ascii=False)`` writes it."""
        objs = list(objs)
        if not objs:
            return []
        if not self.fields:
            return ["{}"] * len(objs)
        columns = []
        for i, (key, get) in enumerate(self.fields):
            head = ("{" if i == 0 else ", ") + _encode_text(key) + ": "
            if isinstance(get, Nested):
                inner = list(map(get.get, objs))
                encoded = iter(get.spec.encode_many([x for x in inner if x is not None]))
                texts = ["null" if x is None else next(encoded) for x in inner]
            else:
                texts = json_texts(list(map(get, objs)))
            columns.append([head + t for t in texts])
        return [line + "}" for line in map("".join, zip(*columns))]
