"""What the subcommands read: an inventory by its file extension, a contractual-instrument CSV file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from neutralcore._core.csvrows import open_csv
from neutralcore.errors import InputError, NeutralcoreError

if TYPE_CHECKING:
    from neutralcore.measure import ContractualInstrument, Inventory

__all__ = ["INVENTORY_SUFFIXES", "read_inventory", "read_instruments"]

#: Inventory file extensions and the reader each one uses.
INVENTORY_SUFFIXES = {".csv": "read_csv", ".parquet": "read_parquet", ".pq": "read_parquet",
                      ".xlsx": "read_excel", ".xlsm": "read_excel"}

_INSTRUMENT_COLUMNS = ("kind", "mwh", "market", "vintage")
_INSTRUMENT_OPTIONAL = ("retired_for", "rate", "id")


def read_inventory(path: str | Path) -> "Inventory":
    """An inventory file: CSV, Parquet (``.parquet``, ``.pq``) or Excel (``.xlsx``, ``.xlsm``), by its extension.

    Any other extension is read as CSV (the format of the bundled examples).
    """
    from neutralcore.measure.inventory import Inventory

    suffix = Path(path).suffix.lower()
    reader = getattr(Inventory, INVENTORY_SUFFIXES.get(suffix, "read_csv"), None)
    if reader is None:
        raise InputError(f"{path}: this version of neutralcore cannot read {suffix} inventories", source=str(path))
    return reader(path)  # type: ignore[no-any-return]


def read_instruments(path: str | Path) -> "tuple[ContractualInstrument, ...]":
    """Contractual instruments from a CSV file: ``kind,mwh,market,vintage[,retired_for,rate,id]``, one a row.

    Raises
    ------
    SchemaError
        When the file cannot be read, its header is wrong or a cell is not valid; names file, line and column.
    """
    from neutralcore.measure.scope2 import ContractualInstrument

    f = open_csv(path, required=_INSTRUMENT_COLUMNS, optional=_INSTRUMENT_OPTIONAL, name=str(path))
    out = []
    for line, _end, fields in f.records():
        row = {h: v.strip() for h, v in zip(f.header, fields)}
        column = "mwh"
        try:
            mwh = float(row["mwh"])
            column = "vintage"
            vintage = int(row["vintage"])
            column = "rate"
            rate = float(row["rate"]) if row.get("rate") else 0.0
            column = "kind"
            out.append(ContractualInstrument(row["kind"], mwh, market=row["market"], vintage=vintage, rate=rate,
                                             retired_for=row.get("retired_for") or None, id=row.get("id") or None))
        except (ValueError, NeutralcoreError) as exc:
            column = getattr(exc, "column", None) or column
            why = str(exc).removeprefix(f"column {column!r}: ")
            raise f.error(f"not a valid instrument: {why}", line=line, column=column) from exc
    return tuple(out)
