"""Reading a plain CSV body into coded columns with whole-array passes.

A plain body has no quote characters, no carriage returns and exactly one
``\\n`` per row; most machine-written inventories are like that.  Its commas
and newlines are found with numpy, every field is then a byte span, and:

* a label column is grouped by the content of its spans (a 64-bit hash of
  the bytes, grouped with :func:`neutralcore._core.identity.group_keys`, then every
  row's bytes compared with its group's first row, so a hash collision can
  never merge two labels); only the distinct labels become Python strings;
* the quantity column is parsed as plain decimals (``-12``, ``3.25``, ``.5``):
  the digits form an exact integer below 2**53 and one division by an exact
  power of ten rounds it correctly, so the value is the one ``float()`` gives.

Anything else (quotes, blank rows, exponents, a label longer than
:data:`MAX_LABEL` bytes, text that is not UTF-8, rows that rarely repeat a
label) returns ``None``, and the caller reads the file with the csv module,
whose errors name the line.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neutralcore._core.identity import CHUNK as _ROWS
from neutralcore._core.identity import group_keys

__all__ = ["read_plain", "MAX_LABEL"]

#: Labels longer than this many bytes go the csv-module way.
MAX_LABEL = 64
_COMMA, _NEWLINE, _DOT, _MINUS, _ZERO = 44, 10, 46, 45, 48
#: Keep the low *i* bytes of a little-endian word.
_KEEP = np.array([(1 << (8 * i)) - 1 for i in range(8)] + [(1 << 64) - 1], dtype=np.uint64)
_POW10 = 10.0 ** np.arange(23)
_MAX_EXACT = 1 << 53


def read_plain(body: bytes, header: list[str], numeric: str = "quantity") -> dict[str, Any] | None:
    """Columns of a plain CSV body (the bytes after the header line), or ``None``.

    Returns ``{name: (codes, categories)}`` for label columns and
    ``{numeric: float64 array}``; rows are the body's lines in order, so row
    *i* is line *i* + 2 of the file.
    """
    if not body or b'"' in body or b"\r" in body:
        return None
    if not body.endswith(b"\n"):
        body += b"\n"
    padded = np.frombuffer(body + b"\0" * 8, dtype=np.uint8)  # 8 spare bytes: a word read may pass the end
    buf = padded[:-8]
    width = len(header)
    delims = np.flatnonzero((buf == _COMMA) | (buf == _NEWLINE))
    if delims.size == 0 or delims.size % width:
        return None
    ends = delims.reshape(-1, width)
    if not (buf[ends[:, -1]] == _NEWLINE).all() or (width > 1 and not (buf[ends[:, :-1]] == _COMMA).all()):
        return None
    n = ends.shape[0]
    starts = np.empty_like(ends)
    starts[0, 0] = 0
    starts[1:, 0] = ends[:-1, -1] + 1
    starts[:, 1:] = ends[:, :-1] + 1
    lengths = ends - starts
    if (lengths.sum(axis=1) == 0).any():
        return None  # an empty row: the csv-module path skips it and keeps line numbers right
    words = np.lib.stride_tricks.as_strided(padded, shape=(buf.shape[0], 8), strides=(1, 1)).view("<u8")[:, 0]
    out: dict[str, Any] = {}
    for j, name in enumerate(header):
        s, length = starts[:, j], lengths[:, j]
        column = _decimals(buf, s, length) if name == numeric else _labels(body, words, s, length)
        if column is None:
            return None
        out[name] = column
    return out


def _field_words(words: np.ndarray, s: np.ndarray, length: np.ndarray, k: int) -> np.ndarray:
    """Bytes ``8k .. 8k+7`` of each field as a little-endian word, zero past the field's end."""
    w = words[np.minimum(s + 8 * k, words.shape[0] - 1)]  # past a short field's end the mask zeroes it anyway
    w &= _KEEP[np.clip(length - 8 * k, 0, 8)]
    return w


def _labels(body: bytes, words: np.ndarray, s: np.ndarray, length: np.ndarray) -> tuple[np.ndarray, tuple] | None:
    n = s.shape[0]
    longest = int(length.max())
    if longest > MAX_LABEL:
        return None
    n_words = max(1, (longest + 7) // 8)
    field = [_field_words(words, s, length, k) for k in range(n_words)]
    key = length.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    for w in field:
        key ^= w
        key *= np.uint64(0xBF58476D1CE4E5B9)
        key ^= key >> np.uint64(31)
    grouped = group_keys(lambda: ((r, key[r:r + _ROWS]) for r in range(0, n, _ROWS)), n)
    if grouped is None:
        return None
    group, first, _ = grouped
    if not (length == length[first][group]).all() or any(not (w == w[first][group]).all() for w in field):
        return None  # two labels with one 64-bit hash: never merge them
    try:
        labels = tuple(body[a:a + b].decode("utf-8") for a, b in zip(s[first].tolist(), length[first].tolist()))
    except UnicodeDecodeError:
        return None
    return group, labels


def _decimals(buf: np.ndarray, s: np.ndarray, length: np.ndarray) -> np.ndarray | None:
    """Plain decimals (optional leading ``-``, digits, at most one ``.``) parsed exactly; else None."""
    n = s.shape[0]
    if n == 0 or length.min() < 1 or length.max() > 18:
        return None
    out = np.empty(n, dtype=np.float64)
    width = int(length.max())
    col = np.arange(width)
    for r in range(0, n, _ROWS):
        ss, ll = s[r:r + _ROWS], length[r:r + _ROWS]
        inside = col < ll[:, None]
        b = buf[np.minimum(ss[:, None] + col, buf.shape[0] - 1)]
        digit = inside & (b >= _ZERO) & (b <= _ZERO + 9)
        dot = inside & (b == _DOT)
        minus = inside & (b == _MINUS) & (col == 0)
        if not (digit | dot | minus | ~inside).all() or (dot.sum(axis=1) > 1).any() or not digit.any(axis=1).all():
            return None
        has_dot = dot.any(axis=1)
        dot_at = np.where(has_dot, dot.argmax(axis=1), ll)
        # a digit's power of ten: the digits after it, not counting the dot
        after = (ll[:, None] - 1 - col) - (has_dot[:, None] & (col < dot_at[:, None]))
        mantissa = np.where(digit, (b.astype(np.int64) - _ZERO) * (10 ** np.clip(after, 0, 17)), 0).sum(axis=1)
        if (mantissa >= _MAX_EXACT).any():
            return None
        value = mantissa / _POW10[np.where(has_dot, ll - 1 - dot_at, 0)]
        out[r:r + _ROWS] = np.where(minus[:, 0], -value, value)
    return out
