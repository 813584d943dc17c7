"""Step 3, offset: carbon credits and removals, retired once and only once.

:class:`Offset` blocks carry a registry serial (:class:`VerraSerial`,
:class:`GoldStandardSerial`, parsed by :func:`parse_serial`), vintage, type and
programme; :class:`OffsetLedger` holds them in one file and retires each serial
once, recording a :class:`Retirement`.

Modules: :mod:`.vocabulary` (programmes, credit kinds, the programme-name
normaliser), :mod:`.period` (dates), :mod:`.serials` (registry serials),
:mod:`.credits` (:class:`Offset`), :mod:`.retirement` and :mod:`.ledger`.
"""

from neutralcore.offsets.credits import Offset
from neutralcore.offsets.ledger import OffsetLedger, Retirement
from neutralcore.offsets.period import Period, add_months
from neutralcore.offsets.serials import GoldStandardSerial, RegistrySerial, VerraSerial, parse_serial
from neutralcore.offsets.vocabulary import CorrespondingAdjustment, CreditKind, Programme, RemovalType

__all__ = [
    "Programme",
    "CreditKind",
    "RemovalType",
    "CorrespondingAdjustment",
    "Period",
    "add_months",
    "VerraSerial",
    "GoldStandardSerial",
    "RegistrySerial",
    "parse_serial",
    "Offset",
    "OffsetLedger",
    "Retirement",
]
