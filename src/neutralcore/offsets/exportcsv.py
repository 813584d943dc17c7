"""Credit blocks from a CSV file of serial blocks (a registry export), for :meth:`OffsetLedger.add_csv`.

The file is read with the project's one CSV reader
(:func:`neutralcore._core.csvrows.open_csv`); every bad cell is a
:class:`~neutralcore.SchemaError` naming the file, line and column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from neutralcore._core.csvrows import open_csv
from neutralcore.offsets.credits import Offset
from neutralcore.offsets.period import Period

__all__ = ["COLUMNS", "read_blocks"]

#: Columns read as whole numbers.
_INTS = ("serial_start", "serial_end", "permanence_years", "quantity")
#: The columns a file may have: the serial, or the fields of :class:`Offset` (``quantity`` is checked).
COLUMNS = (
    "serial", "kind", "programme", "programme_name", "project_id", "project_name", "country", "methodology",
    "removal_type", "permanence_years", "buffer_fraction", "vintage_start", "vintage_end", "serial_start",
    "serial_end", "quantity", "issuance_date", "host_authorised", "corresponding_adjustment", "verifier",
)


def _value(column: str, cell: str) -> Any:
    if column in _INTS:
        return int(cell)
    if column == "buffer_fraction":
        return float(cell)
    if column == "host_authorised":
        flag = cell.lower()
        if flag not in ("true", "false"):
            raise ValueError(f"must be true or false, got {cell!r}")
        return flag == "true"
    return cell



def read_blocks(source: str | Path | bytes, *, kind: str | None = None, name: str | None = None) -> list[Offset]:
    """The blocks of a CSV file, one per row; see :meth:`~neutralcore.offsets.OffsetLedger.add_csv`.

    Raises
    ------
    SchemaError
        When the file cannot be read, its header is wrong, or a cell is invalid.
    """
    file = open_csv(source, required=(), optional=COLUMNS, name=name)
    header = file.header
    if "serial" not in header:
        needed = ("programme", "project_id", "country", "vintage_start", "vintage_end", "serial_start",
                  "serial_end")
        missing = [c for c in needed if c not in header]
        if missing:
            raise file.error(f"needs a 'serial' column, or the columns {list(needed)} (missing {missing})",
                             line=1, column=missing[0])
    if "kind" not in header and kind is None:
        raise file.error("needs a 'kind' column or the kind= argument ('avoidance' or 'removal')", line=1)
    offsets = []
    for line, _end, cells in file.records():
        fields: dict[str, Any] = {} if kind is None else {"kind": kind}
        column = ""
        try:
            for column, cell in zip(header, cells):
                cell = cell.strip()
                if cell:
                    fields[column] = _value(column, cell)
            column = ""
            quantity = fields.pop("quantity", None)
            serial = fields.pop("serial", None)
            if serial is not None:
                column = "serial"
                offset = Offset.from_serial(serial, **fields)
            else:
                vintage = Period(fields.pop("vintage_start", None), fields.pop("vintage_end", None))
                offset = Offset(vintage=vintage, **fields)
            if quantity is not None and quantity != offset.quantity:
                column = "quantity"
                raise ValueError(f"quantity {quantity} is not the {offset.quantity} credits of serials "
                                 f"{offset.serial_start}-{offset.serial_end}")
        except (ValueError, TypeError) as exc:  # InputError and SerialFormatError are ValueErrors
            where = getattr(exc, "column", None) or column or None
            text = str(exc)
            if where and text.startswith(f"column {where!r}: "):  # the file's error names the column itself
                text = text[len(f"column {where!r}: "):]
            raise file.error(text, line=line, column=where) from exc
        offsets.append(offset)
    return offsets
