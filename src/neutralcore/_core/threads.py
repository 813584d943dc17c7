"""Work shared out over Python threads, every one joined before the caller goes on.

neutralcore's compiled loops release the GIL, so a few Python threads, started for one piece of work and joined
at its end, run them on several cores with nothing left running afterwards.
"""

from __future__ import annotations

import threading
from typing import Callable

__all__ = ["on_threads"]


def on_threads(run: Callable[[int], None], shares: int) -> None:
    """``run(0)`` on the caller's thread and ``run(1)`` … ``run(shares - 1)`` on threads of their own; returns
    once every one has ended, also when ``run(0)`` raises (no thread is left working on the caller's arrays).

    >>> done = []
    >>> on_threads(done.append, 3)
    >>> sorted(done)
    [0, 1, 2]
    """
    helpers = [threading.Thread(target=run, args=(t,)) for t in range(1, shares)]
    for h in helpers:
        h.start()
    try:
        run(0)
    finally:
        for h in helpers:
            h.join()
