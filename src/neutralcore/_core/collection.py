"""Pausing Python's cyclic garbage collector while a step builds many short-lived, acyclic objects."""

from __future__ import annotations

import contextlib
import gc
from typing import Iterator

__all__ = ["no_collection"]


@contextlib.contextmanager
def no_collection() -> Iterator[None]:
    """Run the block with the cyclic collector off, and turn it back on after only if it was on.

    Building a tuple or string per item of a large input sets off full
    collections that walk every live object and free nothing, so the time
    grows faster than the input; reference counting still frees everything.

    >>> with no_collection():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
