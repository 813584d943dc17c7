"""Step 3, offset: carbon credits and removals, retired once and only once.

:class:`Offset` blocks carry a registry serial (:class:`VerraSerial`,
:class:`GoldStandardSerial`, parsed by :func:`parse_serial`), vintage, type and
programme; :class:`OffsetLedger` holds them in one file and retires each serial
once, recording a :class:`Retirement`.
"""

from neutralcore.offsets.credits import (
    CorrespondingAdjustment,
    CreditKind,
    GoldStandardSerial,
    Offset,
    Period,
    Programme,
    RegistrySerial,
    RemovalType,
    VerraSerial,
    add_months,
    parse_serial,
)
from neutralcore.offsets.ledger import OffsetLedger, Retirement

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
