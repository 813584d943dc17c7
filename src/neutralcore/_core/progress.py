"""Progress of long work: a tqdm bar when asked (``progress=True``) or on an interactive terminal, else nothing.

tqdm is an optional extra (``pip install 'neutralcore[progress]'``).  Without it
progress is silent, even when asked for: a missing progress bar never stops a
calculation.  ``progress=False`` is always silent; ``progress=None`` (the
default of every function that takes it) shows a bar only when standard error
is a terminal.

Examples
--------
>>> with bar(3, "steps", progress=False) as b:
...     for _ in range(3):
...         b.update()
>>> list(track(range(3), desc="years", progress=False))
[0, 1, 2]
"""

from __future__ import annotations

import sys
from typing import Any, Iterable, Iterator, TypeVar

__all__ = ["Bar", "wanted", "bar", "track"]

T = TypeVar("T")


class Bar:
    """What :func:`bar` returns: ``update(n)``, ``close()`` and a context manager; silent unless it wraps a tqdm bar."""

    def __init__(self, inner: Any = None) -> None:
        self._inner = inner

    def update(self, n: int = 1) -> None:
        if self._inner is not None:
            self._inner.update(n)

    def close(self) -> None:
        if self._inner is not None:
            self._inner.close()
            self._inner = None

    def __enter__(self) -> "Bar":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def wanted(progress: bool | None) -> bool:
    """Whether to show progress: as asked, or (``None``) when standard error is an interactive terminal."""
    if progress is None:
        isatty = getattr(sys.stderr, "isatty", None)
        return bool(isatty and isatty())
    return bool(progress)


def bar(total: int | None, desc: str, *, progress: bool | None = None) -> Bar:
    """A progress bar of *total* steps named *desc* (silent when not :func:`wanted` or tqdm is missing)."""
    if not wanted(progress):
        return Bar()
    try:
        from tqdm import tqdm
    except ImportError:  # the optional extra is not installed: silent
        return Bar()
    return Bar(tqdm(total=total, desc=desc, leave=False, file=sys.stderr))


def track(items: Iterable[T], *, total: int | None = None, desc: str = "", progress: bool | None = None) -> Iterator[T]:
    """Yield *items*, advancing a :func:`bar` by one for each."""
    if total is None:
        total = len(items) if hasattr(items, "__len__") else None  # type: ignore[arg-type]
    with bar(total, desc, progress=progress) as b:
        for item in items:
            yield item
            b.update()
