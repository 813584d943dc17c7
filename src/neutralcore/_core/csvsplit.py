"""Reading a plain CSV body into coded columns with whole-array passes.

A plain body has no quote characters and exactly one line end (``\\n`` or
``\\r\\n``) per row; most machine-written inventories are like that.  Its commas
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

from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

import numpy as np

from neutralcore._core.identity import CHUNK as _ROWS
from neutralcore._core.identity import group_keys

__all__ = ["read_plain", "read_plain_chunked", "read_plain_pieces", "file_pieces", "merge_codes", "MAX_LABEL",
           "CHUNK_BYTES", "cast_fields"]

#: Bytes of body read per pass by :func:`read_plain_chunked`: its working arrays are a few times this, whatever
#: the file's size.
CHUNK_BYTES = 1 << 22
#: Labels longer than this many bytes go the csv-module way.
MAX_LABEL = 64
_COMMA, _NEWLINE, _DOT, _MINUS, _ZERO = 44, 10, 46, 45, 48
#: Keep the low *i* bytes of a little-endian word.
_KEEP = np.array([(1 << (8 * i)) - 1 for i in range(8)] + [(1 << 64) - 1], dtype=np.uint64)
_POW10 = 10.0 ** np.arange(23)
_MAX_EXACT = 1 << 53
#: The longest number field read here (``repr`` of a float is at most 24 characters).
_MAX_NUMBER = 32
#: Besides digits, ``.`` and ``-``: the characters of an exponent or a signed number (``+``, ``e``, ``E``).
_PLUS, _LOWER_E, _UPPER_E = 43, 101, 69


def read_plain(body: bytes, header: list[str], numeric: str = "quantity") -> dict[str, Any] | None:
    """Columns of a plain CSV body (the bytes after the header line), or ``None``.

    Returns ``{name: (codes, categories)}`` for label columns and
    ``{numeric: float64 array}``; rows are the body's lines in order, so row
    *i* is line *i* + 2 of the file.
    """
    if not body or b'"' in body:
        return None
    if b"\r" in body:  # CRLF line ends (what the csv module writes, to_csv included) are one newline each
        if body.count(b"\r") != body.count(b"\r\n"):
            return None
        body = body.replace(b"\r\n", b"\n")
    if not body.endswith(b"\n"):
        body += b"\n"
    padded = np.frombuffer(body + b"\0" * 8, dtype=np.uint8)  # 8 spare bytes: a word read may pass the end
    buf = padded[:-8]
    width = len(header)
    delims = np.flatnonzero((buf == _COMMA) | (buf == _NEWLINE))
    if buf.shape[0] < 1 << 31:
        delims = delims.astype(np.int32)  # a piece's byte offsets: half the memory of every span array below
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
        column: np.ndarray | tuple[np.ndarray, tuple] | None
        column = _decimals(buf, s, length) if name == numeric else _labels(body, words, s, length)
        if column is None:
            return None
        array = column if isinstance(column, np.ndarray) else column[0]
        array.setflags(write=False)  # made here, ours alone: Inventory.from_columns takes it without a copy
        out[name] = column
    return out


def read_plain_chunked(body: bytes, header: list[str], numeric: str = "quantity",
                       chunk_bytes: int = CHUNK_BYTES, *, start: int = 0,
                       on_piece: Callable[[int], None] | None = None) -> dict[str, Any] | None:
    """:func:`read_plain` of *body* (from byte *start*, so a file's bytes need not be copied past its header)
    in pieces of about *chunk_bytes* bytes cut at line ends, so the working
    memory is bounded by the piece, not the file; the pieces' labels are merged into one set of categories
    per column (in order of first appearance) and their codes renumbered.  ``None`` if any piece is not plain.
    *on_piece*, if given, is called with the bytes of each piece once it is read (for a progress bar).

    Examples
    --------
    >>> out = read_plain_chunked(b"a,1\\nb,2\\na,3\\n", ["k", "quantity"], chunk_bytes=4)
    >>> out["k"][0].tolist(), out["k"][1], out["quantity"].tolist()
    ([0, 1, 0], ('a', 'b'), [1.0, 2.0, 3.0])
    """
    def pieces() -> Iterator[bytes]:
        at = start
        while at < len(body):
            end = body.find(b"\n", min(at + chunk_bytes, len(body)) - 1)
            end = len(body) if end < 0 else end + 1
            yield body[at:end]
            at = end

    if len(body) - start <= chunk_bytes:
        whole = read_plain(body[start:], header, numeric)
        if on_piece is not None and whole is not None:
            on_piece(len(body) - start)
        return whole
    return read_plain_pieces(pieces(), header, numeric, on_piece=on_piece)


def file_pieces(path: str | Path, start: int, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    """The bytes of the file at *path* from byte *start*, in pieces of about *chunk_bytes* cut after a ``\\n``
    (the last piece may end without one): a file read this way is never held whole.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     f = Path(d) / "x.csv"
    ...     _ = f.write_bytes(b"h\\na,1\\nbb,2\\nc,3")
    ...     list(file_pieces(f, 2, chunk_bytes=3))
    [b'a,1\\n', b'bb,2\\n', b'c,3']
    """
    with open(path, "rb") as fh:
        fh.seek(start)
        rest = b""
        while block := fh.read(chunk_bytes):
            block = rest + block if rest else block
            cut = block.rfind(b"\n") + 1
            if cut:
                yield block[:cut]
            rest = block[cut:]
        if rest:
            yield rest


def read_plain_pieces(pieces: Iterable[bytes], header: list[str], numeric: str = "quantity", *,
                      on_piece: Callable[[int], None] | None = None) -> dict[str, Any] | None:
    """:func:`read_plain` of a body given as *pieces* cut at line ends (:func:`file_pieces`, or slices of
    bytes), the pieces' labels merged as :func:`merge_codes` does; ``None`` if any piece is not plain or there
    are none.  Each piece is let go once read, so only the columns and one piece are ever held.

    Examples
    --------
    >>> out = read_plain_pieces([b"a,1\\n", b"b,2\\na,3\\n"], ["k", "quantity"])
    >>> out["k"][0].tolist(), out["k"][1], out["quantity"].tolist()
    ([0, 1, 0], ('a', 'b'), [1.0, 2.0, 3.0])
    """
    parts: list[dict[str, Any]] = []
    for piece in pieces:
        part = read_plain(piece, header, numeric)
        if part is None:
            return None
        parts.append(part)
        if on_piece is not None:
            on_piece(len(piece))
        del piece, part
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    out: dict[str, Any] = {}
    n = sum(p[numeric].shape[0] for p in parts)
    for name in header:  # one column at a time, each piece's arrays let go as soon as they are merged
        if name == numeric:
            out[name] = np.concatenate([p.pop(name) for p in parts])
            out[name].setflags(write=False)
        else:
            out[name] = merge_codes((p.pop(name) for p in parts), n)
    return out


def merge_codes(pieces: Iterable[tuple[np.ndarray, Sequence[str]]], n: int) -> tuple[np.ndarray, tuple[str, ...]]:
    """One label column read in pieces, as one ``(codes, labels)`` pair of *n* rows.

    Each piece is its rows' codes (any integer type) into that piece's distinct labels; the labels of the
    whole are in order of first appearance across the pieces (each piece's in its own order) and each piece's
    codes are renumbered straight into one int32 array.  A single piece is returned as it is, without a copy.

    Examples
    --------
    >>> codes, labels = merge_codes([(np.array([0, 1, 0]), ["a", "b"]), (np.array([0, 1]), ["c", "a"])], 5)
    >>> codes.tolist(), labels
    ([0, 1, 0, 2, 0], ('a', 'b', 'c'))
    """
    out: np.ndarray | None = None
    first: tuple[np.ndarray, Sequence[str]] | None = None
    seen: dict[str, int] = {}
    at = 0
    for codes, labels in pieces:
        if first is None and out is None:
            first = (codes, labels)
            for label in labels:
                seen.setdefault(label, len(seen))
            continue
        if out is None:
            assert first is not None
            out = np.empty(n, dtype=np.int32)
            at = _put(out, 0, first[0], None)
            first = None
        remap = np.fromiter((seen.setdefault(label, len(seen)) for label in labels), dtype=np.int32,
                            count=len(labels))
        at = _put(out, at, codes, remap)
    if out is None:
        if first is None:
            return np.zeros(0, dtype=np.int32), ()
        return first[0], tuple(seen)
    if at != n:
        raise ValueError(f"the pieces hold {at} rows, not {n}")
    out.setflags(write=False)  # made here, no one else's to change: Inventory.from_columns takes it as a view
    return out, tuple(seen)


def _put(out: np.ndarray, at: int, codes: np.ndarray, remap: np.ndarray | None) -> int:
    """Write *codes* (renumbered by *remap* unless it is ``None`` or the identity) into ``out[at:]``."""
    end = at + codes.shape[0]
    if remap is None or np.array_equal(remap, np.arange(remap.shape[0], dtype=np.int32)):
        out[at:end] = codes
    else:
        np.take(remap, codes, out=out[at:end])
    return end


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


def _exact_longdouble() -> bool:
    """Whether numpy's long double is x87 extended precision (a 64-bit significand, stored low word first),
    whose division rounds correctly to 64 bits: x86-64 Linux and macOS on Intel, not Windows or ARM."""
    info = np.finfo(np.longdouble)
    if info.nmant != 63 or np.dtype(np.longdouble).itemsize not in (12, 16):
        return False
    one = np.array([1.0], dtype=np.longdouble).view(np.uint64)
    return int(one[0]) == 1 << 63  # the explicit integer bit, in the first 8 bytes


#: Plain decimals of up to 18 digits are divided by their power of ten in x87 long double (:func:`_long_quotients`).
_LONG = _exact_longdouble()
#: 10**k, exact in long double for k <= 27 (5**27 < 2**64).
_POW10_LONG = np.array([10**k for k in range(28)], dtype=np.longdouble) if _LONG else None
_MAX_LONG_DIGITS = 18  # 10**18 < 2**63: the digits of such a number are an exact int64 and an exact long double
#: The 11 bits a long double's significand loses when rounded to a double, and the value they have at a midpoint.
_LOW11, _MIDPOINT = np.uint64(0x7FF), np.uint64(0x400)


def _long_quotients(mantissa: np.ndarray, power: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """*mantissa* / 10 ** *power* as float64 (non-negative int64 mantissas of at most 18 digits, powers 0 to 27),
    divided once in x87 long double (only where :data:`_POW10_LONG` exists), and whether each quotient landed
    exactly halfway between two doubles: those (about one in 2,048) may be rounded wrongly by rounding twice,
    and must be cast from their text.  Every other value is the one ``float()`` gives for the decimal's text.

    Examples
    --------
    >>> if _POW10_LONG is not None:
    ...     v, midway = _long_quotients(np.array([30000000000000004]), np.array([17]))
    ...     assert v.tolist() == [0.30000000000000004] and not midway.any()
    """
    assert _POW10_LONG is not None
    q = mantissa.astype(np.longdouble) / _POW10_LONG[power]
    low = np.ascontiguousarray(q).view(np.uint64).reshape(q.shape[0], -1)[:, 0] & _LOW11
    return q.astype(np.float64), low == _MIDPOINT


def cast_fields(buf: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray | None:
    """The numbers written in the fields of *buf* at *starts* (*lengths* bytes each) by numpy's correctly
    rounded bytes-to-float cast: each is ``float()`` of its text.  ``None`` if any is empty, longer than
    :data:`_MAX_NUMBER` bytes or not a number (the csv-module reader then says which line).

    >>> buf = np.frombuffer(b"1e-5,x,2.5E+3", dtype=np.uint8)
    >>> cast_fields(buf, np.array([0, 7]), np.array([4, 6])).tolist()
    [1e-05, 2500.0]
    >>> cast_fields(buf, np.array([5]), np.array([1])) is None
    True
    """
    if not starts.shape[0]:
        return np.empty(0)
    if lengths.min() < 1 or lengths.max() > _MAX_NUMBER:
        return None
    width = int(lengths.max())
    col = np.arange(width)
    text = np.where(col < lengths[:, None], buf[np.minimum(starts[:, None] + col, buf.shape[0] - 1)], 0)
    try:
        return np.ascontiguousarray(text.astype(np.uint8)).view(f"S{width}")[:, 0].astype(np.float64)
    except ValueError:
        return None


def _decimals(buf: np.ndarray, s: np.ndarray, length: np.ndarray) -> np.ndarray | None:
    """Decimal numbers parsed exactly, or None (the csv-module path then reads the file).

    Plain decimals (an optional leading ``-``, digits, at most one ``.``)
    are parsed with whole-array integer arithmetic: their digits form an
    exact int64 *m* and the value is *m* / 10**k, rounded once:

    * up to 2**53, both *m* and 10**k (k <= 22) are exact doubles, and one
      correctly rounded division gives the value ``float()`` gives
      (Clinger's fast path: W. D. Clinger, "How to read floating point
      numbers accurately", PLDI 1990);
    * up to 18 digits (what ``repr`` and :meth:`Inventory.to_csv` write: 17
      significant digits), where numpy's long double is x87 extended
      precision: *m* and 10**k (k <= 27) are exact there, the quotient is
      rounded to 64 bits and then to 53.  Rounding twice differs from rounding
      once only when the first rounding lands exactly halfway between two
      doubles (its 11 dropped bits are ``10000000000``), about one value in
      2,048: those few go to the exact cast below.

    Any other field made only of digits, ``.``, ``-``, ``+``, ``e`` and ``E``
    (an exponent, more digits) is parsed by numpy's correctly rounded
    bytes-to-float cast, so every number :meth:`Inventory.to_csv` writes
    stays on this path.

    Examples
    --------
    >>> text = b"0.30000000000000004,2.675,1e3,-0.5,123456789012345678"
    >>> buf = np.frombuffer(text, dtype=np.uint8)
    >>> ends = np.flatnonzero(buf == 44).tolist() + [len(text)]
    >>> starts = [0] + [e + 1 for e in ends[:-1]]
    >>> got = _decimals(buf, np.array(starts), np.array(ends) - np.array(starts))
    >>> [v.hex() for v in got.tolist()] == [float(t).hex() for t in text.decode().split(",")]
    True
    """
    n = s.shape[0]
    if n == 0 or length.min() < 1 or length.max() > _MAX_NUMBER:
        return None
    out = np.empty(n, dtype=np.float64)
    width = int(length.max())
    col = np.arange(width, dtype=np.int32)
    for r in range(0, n, _ROWS):
        ss, ll = s[r:r + _ROWS], length[r:r + _ROWS]
        inside = col < ll[:, None]
        b = buf[np.minimum(ss[:, None] + col, buf.shape[0] - 1)]
        digit = inside & (b >= _ZERO) & (b <= _ZERO + 9)
        dot = inside & (b == _DOT)
        minus = inside & (b == _MINUS)
        other = inside & ~(digit | dot | minus)
        if (other & ~((b == _PLUS) | (b == _LOWER_E) | (b == _UPPER_E))).any():
            return None  # a character no number this path reads has: the csv module says which line
        digits = digit.sum(axis=1)
        plain = (~other.any(axis=1) & ~(minus[:, 1:].any(axis=1)) & (dot.sum(axis=1) <= 1) & (digits > 0)
                 & (digits <= _MAX_LONG_DIGITS))
        has_dot = dot.any(axis=1)
        dot_at = np.where(has_dot, dot.argmax(axis=1), ll)
        # the digits as one integer, a column at a time (Horner): 1-D temporaries only; a row of more than 18
        # digits may wrap around, but such a row is not plain and its mantissa is never used
        mantissa = np.zeros(ss.shape[0], dtype=np.int64)
        for j in range(width):
            dj = digit[:, j]
            if dj.any():
                mantissa *= np.where(dj, 10, 1)
                mantissa += np.where(dj, b[:, j].astype(np.int64) - _ZERO, 0)
        power = np.where(has_dot, ll - 1 - dot_at, 0)
        simple = plain & (mantissa < _MAX_EXACT)
        value = mantissa / _POW10[np.minimum(power, _POW10.shape[0] - 1)]
        rest = np.flatnonzero(~simple)
        if rest.size and _POW10_LONG is not None:
            wide = rest[plain[rest]]
            if wide.size:
                value[wide], midway = _long_quotients(mantissa[wide], power[wide])
                rest = np.union1d(rest[~plain[rest]], wide[midway])
        chunk = np.where(minus[:, 0], -value, value)
        if rest.size:
            exact = cast_fields(buf, ss[rest], ll[rest])
            if exact is None:
                return None
            chunk[rest] = exact
        out[r:r + _ROWS] = chunk
    return out
