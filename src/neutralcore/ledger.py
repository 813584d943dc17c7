"""Deprecated alias of :mod:`neutralcore.offsets` for :class:`OffsetLedger` and :class:`Retirement`.

.. deprecated:: 0.1.0
   Import them from :mod:`neutralcore.offsets` (or :mod:`neutralcore`).
"""

import warnings

from neutralcore.offsets.ledger import OffsetLedger, Retirement

__all__ = ["OffsetLedger", "Retirement"]

warnings.warn(
    "neutralcore.ledger is deprecated; import OffsetLedger and Retirement from neutralcore.offsets",
    DeprecationWarning,
    stacklevel=2,
)
