"""Registry serials of credit blocks: :class:`VerraSerial`, :class:`GoldStandardSerial`, :func:`parse_serial`.

Serial strings from two registries are parsed and formatted here, anchored on
their literal tokens (``VCU``, ``GS1-1-``, ``GS<project>``) rather than on a count
of dash-separated fields, and they round-trip to the same string.  One serial
names one *block*: the credits numbered ``start`` to ``end``, both included, so
``quantity = end - start + 1`` credits of one tonne CO2e each.

Sources
-------
- Verra: "Verra represents a block of VCUs within one unique serial number",
  with the example ``0001-000001-000100-VCS-VCU-003-VER-US-0003-01012020-31122020-1``
  for 100 VCUs: Cloverly, "What do I enter for the registry serial number range
  of a batch of credits?" (help.cloverly.com/knowledge/registry-serial-number-ranges).
  Field names follow the open-source parser ``VcsSerialNumber`` of
  stellarcarbon/sc-audit (``sc_audit/loader/utils.py``).  Verra publishes no
  formal grammar; its VCS Program Guide (section "Verra Registry") and Registry
  User Guide describe serial numbers without one.
- Gold Standard: one credit-block record of the Gold Standard Impact Registry's
  public API, as quoted by a secondary source (not re-checked here), whose
  ``number_of_credits`` (29,743) equals ``end - start + 1``.  The meaning of the
  literal ``GS1-1`` head and of the field after the project id is **not
  confirmed**; both are kept verbatim.
- Widths: neither registry documents a width for any field.  Block numbers are
  bounded by what the ledger stores (SQLite INTEGER, signed 64-bit: at most
  19 digits, ``2**63 - 1``); a longer block number is a
  :class:`~neutralcore.SerialFormatError` naming the field, not a silent
  overflow or Python's own ``ValueError`` past 4,300 digits.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Union

import attrs

from neutralcore.errors import SerialFormatError

__all__ = ["MAX_SERIAL", "VerraSerial", "GoldStandardSerial", "RegistrySerial", "parse_serial"]

#: Largest serial number stored (SQLite INTEGER is a signed 64-bit value).
MAX_SERIAL = 2**63 - 1
#: Digits of MAX_SERIAL: a block number written with more cannot be stored.
_MAX_DIGITS = len(str(MAX_SERIAL))

# Verra: batch-start-end-[VCS-]VCU-<vvb>-<registry token>-<country>-<scope>-<project>-
#        <vintage start DDMMYYYY>-<vintage end DDMMYYYY>-<additional certification 0/1>
# Anchored on the literal "VCU" token (optionally preceded by the literal "VCS").
_VERRA_RE = re.compile(
    r"(?P<batch>[0-9]+)-(?P<start>[0-9]+)-(?P<end>[0-9]+)-(?:(?P<program>VCS)-)?VCU-"
    r"(?P<vvb>[0-9]+)-(?P<token>[A-Z]{3})-(?P<country>[A-Z]{2})-(?P<scope>[0-9]+)-"
    r"(?P<project>[0-9]+)-(?P<vstart>[0-9]{8})-(?P<vend>[0-9]{8})-(?P<addl>[01])",
    re.ASCII,
)
# Gold Standard: GS1-1-<country>-GS<project>-<code>-<vintage year>-<issuance>-<start>-<end>
# Anchored on the literal "GS1-1-" head and the literal "GS" before the project id.
# Digits are ASCII only ([0-9], not Python's Unicode-aware \d): "١٠٦٠" is not "1060", and
# a serial that parsed from other digits would neither round-trip nor match the same
# credits in the ledger.  The vintage year has four digits and no leading zero.
_GS_RE = re.compile(
    r"GS1-1-(?P<country>[A-Z]{2})-GS(?P<project>[0-9]+)-(?P<code>[0-9]+)-(?P<year>[1-9][0-9]{3})-"
    r"(?P<issuance>[0-9]+)-(?P<start>[0-9]+)-(?P<end>[0-9]+)",
    re.ASCII,
)


def _shown(text: str) -> str:
    """*text* for a message: whole up to 80 characters, else its ends and its length."""
    return repr(text) if len(text) <= 80 else f"{text[:40]!r}...{text[-20:]!r} ({len(text):,} characters)"


def _canonical_int(text: str, serial: str, field: str) -> int:
    if len(text) > _MAX_DIGITS:
        raise SerialFormatError(
            f"serial {_shown(serial)}: {field} has {len(text):,} digits; a block number has at most "
            f"{_MAX_DIGITS} (the ledger stores it as a signed 64-bit integer, at most {MAX_SERIAL})",
            serial=serial,
            field=field,
        )
    if len(text) > 1 and text.startswith("0"):
        raise SerialFormatError(
            f"serial {_shown(serial)}: {field} {text!r} has leading zeros, so it would not round-trip",
            serial=serial,
            field=field,
        )
    value = int(text)
    if value > MAX_SERIAL:
        raise SerialFormatError(
            f"serial {_shown(serial)}: {field} {text} is larger than {MAX_SERIAL}", serial=serial, field=field
        )
    return value


def _block_range(m: re.Match[str], serial: str) -> tuple[int, int]:
    """The block's first and last serial from a layout match, checked (digits, size, order)."""
    start = _canonical_int(m["start"], serial, "block start")
    end = _canonical_int(m["end"], serial, "block end")
    if end < start:
        raise SerialFormatError(
            f"serial {_shown(serial)}: block end {end} is before block start {start}", serial=serial, field="end"
        )
    return start, end


def _ddmmyyyy(text: str, serial: str, field: str) -> _dt.date:
    try:
        day = _dt.date(int(text[4:]), int(text[2:4]), int(text[:2]))
        if day.year < 1000:
            raise ValueError("year before 1000")
        return day
    except ValueError:
        raise SerialFormatError(
            f"serial {_shown(serial)}: {field} {text!r} is not a valid DDMMYYYY date", serial=serial, field=field
        ) from None


def _fmt_ddmmyyyy(day: _dt.date) -> str:
    return f"{day.day:02d}{day.month:02d}{day.year:04d}"


def _serial_text(value: Any) -> str:
    if not isinstance(value, str):
        raise SerialFormatError(f"a serial must be a string, got {type(value).__name__}", serial=repr(value))
    return value.strip()


@attrs.frozen
class VerraSerial:
    """A Verra VCU block serial, parsed.

    Layout (example on Cloverly's help page on registry serial number ranges; field
    names from the open-source parser ``VcsSerialNumber`` of stellarcarbon/sc-audit)::

        <batch>-<start>-<end>-[VCS-]VCU-<vvb>-<token>-<country>-<scope>-<project>-<DDMMYYYY>-<DDMMYYYY>-<0|1>

    Digit fields other than the block range are kept as text so that leading
    zeros (``042``) round-trip; the block range must be written without leading
    zeros.

    Examples
    --------
    >>> s = VerraSerial.parse("9660-115597313-115618057-VCS-VCU-261-VER-US-14-1060-01012019-31122019-0")
    >>> s.quantity, s.project_id, s.country, s.vintage_start.year
    (20745, '1060', 'US', 2019)
    >>> str(s)
    '9660-115597313-115618057-VCS-VCU-261-VER-US-14-1060-01012019-31122019-0'
    """

    batch: str
    start: int
    end: int
    program_code: str | None
    vvb_id: str
    registry_token: str
    country: str
    sectoral_scope: str
    project_id: str
    vintage_start: _dt.date
    vintage_end: _dt.date
    additional_certification: bool

    @classmethod
    def parse(cls, serial: str) -> "VerraSerial":
        """Parse a Verra VCU serial string.

        Raises
        ------
        SerialFormatError
            When the string does not match the layout, a date is invalid, the
            block end precedes the start, or the vintage ends before it starts.
        """
        serial = _serial_text(serial)
        m = _VERRA_RE.fullmatch(serial)
        if m is None:
            raise SerialFormatError(
                f"not a Verra VCU serial: {_shown(serial)} (expected "
                "'<batch>-<start>-<end>-[VCS-]VCU-<vvb>-<XXX>-<CC>-<scope>-<project>-<DDMMYYYY>-<DDMMYYYY>-<0|1>')",
                serial=serial,
            )
        start, end = _block_range(m, serial)
        vstart = _ddmmyyyy(m["vstart"], serial, "vintage start")
        vend = _ddmmyyyy(m["vend"], serial, "vintage end")
        if vend < vstart:
            raise SerialFormatError(
                f"serial {_shown(serial)}: vintage ends ({vend}) before it starts ({vstart})",
                serial=serial,
                field="vintage end",
            )
        return cls(
            batch=m["batch"],
            start=start,
            end=end,
            program_code=m["program"],
            vvb_id=m["vvb"],
            registry_token=m["token"],
            country=m["country"],
            sectoral_scope=m["scope"],
            project_id=m["project"],
            vintage_start=vstart,
            vintage_end=vend,
            additional_certification=m["addl"] == "1",
        )

    @property
    def quantity(self) -> int:
        """Number of credits (tonnes CO2e): ``end - start + 1``."""
        return self.end - self.start + 1

    def with_range(self, start: int, end: int) -> "VerraSerial":
        """Return the same serial for the sub-range ``[start, end]``."""
        return attrs.evolve(self, start=start, end=end)

    def __str__(self) -> str:
        program = f"{self.program_code}-" if self.program_code else ""
        return (
            f"{self.batch}-{self.start}-{self.end}-{program}VCU-{self.vvb_id}-{self.registry_token}-"
            f"{self.country}-{self.sectoral_scope}-{self.project_id}-"
            f"{_fmt_ddmmyyyy(self.vintage_start)}-{_fmt_ddmmyyyy(self.vintage_end)}-"
            f"{int(self.additional_certification)}"
        )


@attrs.frozen
class GoldStandardSerial:
    """A Gold Standard credit-block serial, parsed.

    Layout (seen in one Gold Standard Impact Registry public API record, as quoted
    by a secondary source)::

        GS1-1-<country>-GS<project>-<code>-<vintage year>-<issuance id>-<start>-<end>

    Checked against that one sample only: ``GS1-1-KE-GS7495-16-2025-30645-608-30350``
    is 29,743 credits (the API's ``number_of_credits`` equals ``30350 - 608 + 1``)
    of project GS7495, Kenya, vintage 2025.  No published grammar for these
    serials was found, so real serials laid out otherwise may exist.  **Not
    confirmed**: what the literal head ``GS1-1`` and the ``code`` field (``16``
    above) mean; they are kept verbatim and given no
    meaning.  Serials with any other layout are refused rather than guessed at.

    Examples
    --------
    >>> s = GoldStandardSerial.parse("GS1-1-KE-GS7495-16-2025-30645-608-30350")
    >>> s.quantity, s.project_id, s.country, s.vintage_year
    (29743, '7495', 'KE', 2025)
    """

    country: str
    project_id: str
    code: str
    vintage_year: int
    issuance_id: str
    start: int
    end: int

    @classmethod
    def parse(cls, serial: str) -> "GoldStandardSerial":
        """Parse a Gold Standard serial string.

        Raises
        ------
        SerialFormatError
            When the string does not match the layout or its block end precedes its start.
        """
        serial = _serial_text(serial)
        m = _GS_RE.fullmatch(serial)
        if m is None:
            raise SerialFormatError(
                f"not a Gold Standard serial: {_shown(serial)} (expected "
                "'GS1-1-<CC>-GS<project>-<code>-<YYYY>-<issuance>-<start>-<end>')",
                serial=serial,
            )
        start, end = _block_range(m, serial)
        return cls(
            country=m["country"],
            project_id=m["project"],
            code=m["code"],
            vintage_year=int(m["year"]),
            issuance_id=m["issuance"],
            start=start,
            end=end,
        )

    @property
    def quantity(self) -> int:
        """Number of credits (tonnes CO2e): ``end - start + 1``."""
        return self.end - self.start + 1

    def with_range(self, start: int, end: int) -> "GoldStandardSerial":
        """Return the same serial for the sub-range ``[start, end]``."""
        return attrs.evolve(self, start=start, end=end)

    def __str__(self) -> str:
        return (
            f"GS1-1-{self.country}-GS{self.project_id}-{self.code}-{self.vintage_year}-"
            f"{self.issuance_id}-{self.start}-{self.end}"
        )


RegistrySerial = Union[VerraSerial, GoldStandardSerial]


def parse_serial(serial: str) -> RegistrySerial:
    """Parse a Verra VCU or Gold Standard serial, chosen by its literal tokens.

    Raises
    ------
    SerialFormatError
        When the string is neither (the message says which layout was tried).
    """
    text = _serial_text(serial)
    if text.startswith("GS"):
        return GoldStandardSerial.parse(text)
    if "-VCU-" in text:
        return VerraSerial.parse(text)
    raise SerialFormatError(
        f"unrecognised serial {_shown(text)}: neither a Verra VCU serial (contains '-VCU-') "
        "nor a Gold Standard serial (starts 'GS1-1-')",
        serial=text,
    )
