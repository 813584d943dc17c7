"""Carbon credits as frozen values: :class:`Offset`, its vocabularies and registry serials.

An :class:`Offset` is one *block* of carbon credits (one credit = one tonne CO2e)
identified by a contiguous serial range in one programme and project.  It says
what the credits are (avoidance or removal; for removals, nature-based or
technological with a permanence horizon and buffer), when the mitigation
happened (the vintage period), when they were issued and retired, for whom,
and whether the host country authorised them with a corresponding adjustment.

Serial strings from two registries are parsed and formatted here, anchored on
their literal tokens (``VCU``, ``GS1-1-``, ``GS<project>``) rather than on a count
of dash-separated fields, and they round-trip to the same string:

- :class:`VerraSerial`, Verra VCU block serials (standards.md REG-02, [S]).
- :class:`GoldStandardSerial`, Gold Standard serials (standards.md REG-03, [S]).

Sources
-------
- ``quantity = end - start + 1`` and "one credit = one tonne": standards.md
  REG-01 [S2+] (help.cloverly.com; community registry parsers).
- Verra field names follow the community parser ``VcsSerialNumber`` cited in
  standards.md REG-02 [S]; Verra publishes no formal grammar.
- Gold Standard layout: standards.md REG-03 [S], from a Gold Standard public
  API sample whose ``number_of_credits`` (29,743) equals ``end - start + 1``.
  The meaning of the literal ``GS1-1`` head and of the field after the project
  id is **not confirmed** (standards.md §11 item 9) and is kept verbatim.

Nothing here reads or writes files; persistence lives in
:mod:`neutralcore.offsets.ledger`.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import enum
import math
import re
import unicodedata
from typing import Any, Mapping, Union

import attrs

from neutralcore.errors import InputError, SerialFormatError, UnknownProgrammeError

__all__ = [
    "Programme",
    "CreditKind",
    "RemovalType",
    "CorrespondingAdjustment",
    "Period",
    "VerraSerial",
    "GoldStandardSerial",
    "RegistrySerial",
    "parse_serial",
    "Offset",
]

#: Largest serial number stored (SQLite INTEGER is a signed 64-bit value).
_MAX_SERIAL = 2**63 - 1


# -- vocabularies --------------------------------------------------------------


class Programme(str, enum.Enum):
    """Crediting programme (the registry that issued the credits).

    ``Programme("vcs")``, ``Programme.parse("Gold Standard")`` and the member
    values are all accepted; unknown names raise
    :class:`~neutralcore.UnknownProgrammeError`.  Use ``OTHER`` with
    ``Offset.programme_name`` for any other registry (ACR, CAR, Puro.earth, ...).
    """

    VERRA_VCS = "Verra VCS"
    GOLD_STANDARD = "Gold Standard"
    CDM = "CDM"
    CHINA_CCER = "China CCER"
    VIETNAM = "Vietnam domestic mechanism"
    OTHER = "other"

    @classmethod
    def parse(cls, value: "Programme | str") -> "Programme":
        """Return the programme named by *value* (member, value or alias).

        Raises
        ------
        UnknownProgrammeError
            When *value* names no known programme.
        """
        if isinstance(value, cls):
            return value
        if not isinstance(value, str):
            raise UnknownProgrammeError(
                f"programme must be a string, got {type(value).__name__}",
                column="programme",
                available=tuple(m.value for m in cls),
            )
        key = re.sub(r"[\s_\-]+", " ", value.strip().lower())
        try:
            return _PROGRAMME_ALIASES[key]
        except KeyError:
            raise UnknownProgrammeError(
                f"unknown crediting programme {value!r}; known: "
                + ", ".join(m.value for m in cls)
                + " (use 'other' with programme_name for any other registry)",
                column="programme",
                value=value,
                available=tuple(m.value for m in cls),
            ) from None


_PROGRAMME_ALIASES: dict[str, Programme] = {
    **{k: Programme.VERRA_VCS for k in ("verra vcs", "verra", "vcs", "vcu", "verified carbon standard")},
    **{k: Programme.GOLD_STANDARD for k in ("gold standard", "gs", "gsf", "gold standard ver")},
    **{k: Programme.CDM for k in ("cdm", "cer", "clean development mechanism", "un cdm")},
    **{k: Programme.CHINA_CCER for k in ("china ccer", "ccer")},
    **{
        k: Programme.VIETNAM
        for k in ("vietnam domestic mechanism", "vietnam", "viet nam", "vn", "vietnam domestic")
    },
    "other": Programme.OTHER,
}


class CreditKind(str, enum.Enum):
    """Whether a credit avoids/reduces emissions or removes CO2 from the atmosphere."""

    AVOIDANCE = "avoidance"
    REMOVAL = "removal"


class RemovalType(str, enum.Enum):
    """How a removal stores carbon: in ecosystems or by technology (e.g. DACCS, biochar)."""

    NATURE_BASED = "nature-based"
    TECHNOLOGICAL = "technological"


class CorrespondingAdjustment(str, enum.Enum):
    """Paris Agreement Article 6 corresponding-adjustment status (standards.md A6-01/A6-02).

    ``APPLIED``: the host country applied (or has committed in a letter of
    authorisation to apply) a corresponding adjustment; ``NOT_APPLIED``: known
    not to; ``UNKNOWN``: not recorded.
    """

    APPLIED = "applied"
    NOT_APPLIED = "not applied"
    UNKNOWN = "unknown"


def _enum_converter(cls: type[enum.Enum], column: str) -> Any:
    def convert(value: Any) -> Any:
        if value is None or isinstance(value, cls):
            return value
        try:
            return cls(value)
        except ValueError:
            raise InputError(
                f"expected one of {[m.value for m in cls]}, got {value!r}", column=column
            ) from None

    return convert


def _to_date(column: str) -> Any:
    def convert(value: Any) -> Any:
        if value is None or (isinstance(value, _dt.date) and not isinstance(value, _dt.datetime)):
            return value
        if isinstance(value, _dt.datetime):
            return value.date()
        if isinstance(value, str):
            try:
                return _dt.date.fromisoformat(value)
            except ValueError:
                raise InputError(f"not an ISO date (YYYY-MM-DD): {value!r}", column=column) from None
        raise InputError(f"expected a date, got {type(value).__name__}", column=column)

    return convert


def _to_int(column: str) -> Any:
    def convert(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise InputError(f"expected an integer, got {value!r}", column=column)
        try:
            return int(value)
        except ValueError:
            raise InputError(f"expected an integer, got {value!r}", column=column) from None

    return convert


def _optional_text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _required_text(column: str) -> Any:
    def convert(value: Any) -> str:
        text = _optional_text(value)
        if text is None:
            raise InputError("must be a non-empty string", column=column)
        return text

    return convert


def add_months(day: _dt.date, months: int) -> _dt.date:
    """Return *day* moved by whole calendar *months*, clamped to the month's last day.

    Examples
    --------
    >>> add_months(_dt.date(2024, 2, 29), 12)
    datetime.date(2025, 2, 28)
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return _dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# -- period --------------------------------------------------------------------


@attrs.frozen
class Period:
    """A closed date interval ``[start, end]``: a reporting period or a vintage.

    Parameters
    ----------
    start, end : datetime.date or ISO string
        First and last day, both included; ``end >= start``.

    Examples
    --------
    >>> Period.year(2024)
    Period(start=datetime.date(2024, 1, 1), end=datetime.date(2024, 12, 31))
    """

    start: _dt.date = attrs.field(converter=_to_date("period.start"))  # type: ignore[misc]  # attrs plugin: converter factory
    end: _dt.date = attrs.field(converter=_to_date("period.end"))  # type: ignore[misc]  # attrs plugin: converter factory

    @start.validator
    def _check_start(self, attribute: Any, value: Any) -> None:
        if value is None:
            raise InputError("period start is required", column="period.start")

    @end.validator
    def _check_end(self, attribute: Any, value: Any) -> None:
        if value is None:
            raise InputError("period end is required", column="period.end")
        if value < self.start:
            raise InputError(
                f"period ends ({value}) before it starts ({self.start})", column="period.end"
            )

    @classmethod
    def year(cls, year: int) -> "Period":
        """Return the calendar year *year* as a period."""
        return cls(_dt.date(year, 1, 1), _dt.date(year, 12, 31))

    def __contains__(self, day: object) -> bool:
        return isinstance(day, _dt.date) and self.start <= day <= self.end

    def __str__(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


# -- serials -------------------------------------------------------------------

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


def _canonical_int(text: str, serial: str, field: str) -> int:
    if len(text) > 1 and text.startswith("0"):
        raise SerialFormatError(
            f"serial {serial!r}: {field} {text!r} has leading zeros, so it would not round-trip",
            serial=serial,
            field=field,
        )
    value = int(text)
    if value > _MAX_SERIAL:
        raise SerialFormatError(f"serial {serial!r}: {field} {text} is too large", serial=serial, field=field)
    return value


def _check_range(start: int, end: int, serial: str) -> None:
    if end < start:
        raise SerialFormatError(
            f"serial {serial!r}: block end {end} is before block start {start}", serial=serial, field="end"
        )


def _ddmmyyyy(text: str, serial: str, field: str) -> _dt.date:
    try:
        day = _dt.date(int(text[4:]), int(text[2:4]), int(text[:2]))
        if day.year < 1000:
            raise ValueError("year before 1000")
        return day
    except ValueError:
        raise SerialFormatError(
            f"serial {serial!r}: {field} {text!r} is not a valid DDMMYYYY date", serial=serial, field=field
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

    Layout (standards.md REG-02, field names from the community parser
    ``VcsSerialNumber``, [S])::

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
                f"not a Verra VCU serial: {serial!r} (expected "
                "'<batch>-<start>-<end>-[VCS-]VCU-<vvb>-<XXX>-<CC>-<scope>-<project>-<DDMMYYYY>-<DDMMYYYY>-<0|1>')",
                serial=serial,
            )
        start = _canonical_int(m["start"], serial, "block start")
        end = _canonical_int(m["end"], serial, "block end")
        _check_range(start, end, serial)
        vstart = _ddmmyyyy(m["vstart"], serial, "vintage start")
        vend = _ddmmyyyy(m["vend"], serial, "vintage end")
        if vend < vstart:
            raise SerialFormatError(
                f"serial {serial!r}: vintage ends ({vend}) before it starts ({vstart})",
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
        """Number of credits (tonnes CO2e): ``end - start + 1`` (REG-01)."""
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

    Layout (standards.md REG-03, [S]; seen in one Gold Standard public API sample, as noted
    by a secondary source)::

        GS1-1-<country>-GS<project>-<code>-<vintage year>-<issuance id>-<start>-<end>

    Checked against that one sample only: ``GS1-1-KE-GS7495-16-2025-30645-608-30350``
    is 29,743 credits (the API's ``number_of_credits`` equals ``30350 - 608 + 1``)
    of project GS7495, Kenya, vintage 2025.  No published grammar for these
    serials was found, so real serials laid out otherwise may exist.  **Not
    confirmed**: what the literal head ``GS1-1`` and the ``code`` field (``16``
    above) mean (standards.md §11 item 9); they are kept verbatim and given no
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
                f"not a Gold Standard serial: {serial!r} (expected "
                "'GS1-1-<CC>-GS<project>-<code>-<YYYY>-<issuance>-<start>-<end>')",
                serial=serial,
            )
        start = _canonical_int(m["start"], serial, "block start")
        end = _canonical_int(m["end"], serial, "block end")
        _check_range(start, end, serial)
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
        """Number of credits (tonnes CO2e): ``end - start + 1`` (REG-01)."""
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
        f"unrecognised serial {text!r}: neither a Verra VCU serial (contains '-VCU-') "
        "nor a Gold Standard serial (starts 'GS1-1-')",
        serial=text,
    )


# -- the credit block ------------------------------------------------------------


def _finite_fraction(instance: Any, attribute: Any, value: float | None) -> None:
    if value is None:
        return
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        raise InputError(f"must be a finite number, got {value!r}", column=attribute.name)
    if not 0.0 <= value < 1.0:
        raise InputError(f"must be a fraction in [0, 1), got {value!r}", column=attribute.name)


def _to_serial(value: Any) -> RegistrySerial | None:
    if value is None or isinstance(value, (VerraSerial, GoldStandardSerial)):
        return value
    return parse_serial(value)


def _programme(value: Any) -> Programme:
    return Programme.parse(value)


def _country(value: Any) -> str:
    text = _optional_text(value)
    if text is None or not re.fullmatch(r"[A-Za-z]{2}", text):
        raise InputError(f"must be an ISO 3166-1 alpha-2 code, got {value!r}", column="country")
    return text.upper()


#: Prefixes a programme puts before its project numbers ("GS7495", "VCS 1060").
_PROJECT_PREFIXES: dict[Programme, tuple[str, ...]] = {
    Programme.VERRA_VCS: ("vcs", "vcu", "verra"),
    Programme.GOLD_STANDARD: ("gs",),
    Programme.CHINA_CCER: ("ccer",),
    Programme.CDM: ("cdm",),
}


def _canonical_name(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _canonical_project(project_id: str, prefixes: tuple[str, ...]) -> str:
    """Project id for comparisons: NFKC, case-folded, no separators or programme prefix, digits as a number."""
    text = re.sub(r"[\s\-_]+", "", unicodedata.normalize("NFKC", project_id).casefold())
    for prefix in prefixes:
        if text.startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix):]
            break
    if text.isdecimal():
        text = str(int(text))
    return text


@attrs.frozen
class Offset:
    """One block of carbon credits (one credit = one tonne CO2e).

    Build it directly or from a registry serial with :meth:`from_serial`.
    Every field is validated; a change returns a new object
    (:func:`attrs.evolve`, :meth:`slice`).

    Parameters
    ----------
    programme : Programme or str
        Crediting programme; unknown names raise ``UnknownProgrammeError``.
    project_id : str
        Project identifier within the programme (``"1060"``, ``"7495"``).
    country : str
        Host country, ISO 3166-1 alpha-2.
    kind : CreditKind or str
        ``"avoidance"`` (reduction/avoidance) or ``"removal"``.
    vintage : Period
        When the mitigation happened.
    serial_start, serial_end : int
        Serial block, both ends included; ``quantity = end - start + 1``.
    methodology : str, optional
        Methodology reference (e.g. ``"VM0007"``).
    removal_type : RemovalType or str, optional
        Required for removals, refused for avoidance credits.
    permanence_years : int, optional
        Permanence (monitoring/storage) horizon in years; programmes differ (CCP-02).
    buffer_fraction : float, optional
        Share of issuance held in a buffer pool against reversals, in [0, 1).
    issuance_date, retirement_date : datetime.date, optional
        ``retirement_date >= issuance_date`` and ``issuance_date >= vintage.start``.
    beneficiary : str, optional
        On whose behalf the block was retired; only with a retirement date.
    host_authorised : bool, optional
        Host-country authorisation under Paris Agreement Article 6 (``None``: unknown).
    corresponding_adjustment : CorrespondingAdjustment or str
        Default ``"unknown"``.
    programme_name : str, optional
        The registry's own name; required when ``programme`` is ``OTHER``.
    project_name, verifier : str, optional
        For reports (standards.md §10.1).
    registry_serial : VerraSerial, GoldStandardSerial or str, optional
        The registry serial; its range, project, country and vintage must agree
        with the fields above.

    Raises
    ------
    InputError, UnknownProgrammeError, SerialFormatError
        When a field is invalid; the message names the field.
    """

    programme: Programme = attrs.field(converter=_programme)
    project_id: str = attrs.field(converter=_required_text("project_id"))  # type: ignore[misc]  # attrs plugin: converter factory
    country: str = attrs.field(converter=_country)
    kind: CreditKind = attrs.field(converter=_enum_converter(CreditKind, "kind"))  # type: ignore[misc]  # attrs plugin: converter factory
    vintage: Period = attrs.field()
    serial_start: int = attrs.field(converter=_to_int("serial_start"))  # type: ignore[misc]  # attrs plugin: converter factory
    serial_end: int = attrs.field(converter=_to_int("serial_end"))  # type: ignore[misc]  # attrs plugin: converter factory
    methodology: str | None = attrs.field(default=None, converter=_optional_text)
    removal_type: RemovalType | None = attrs.field(
        default=None, converter=_enum_converter(RemovalType, "removal_type")  # type: ignore[misc]  # attrs plugin: converter factory
    )
    permanence_years: int | None = attrs.field(default=None)
    buffer_fraction: float | None = attrs.field(default=None, validator=_finite_fraction)
    issuance_date: _dt.date | None = attrs.field(default=None, converter=_to_date("issuance_date"))  # type: ignore[misc]  # attrs plugin: converter factory
    retirement_date: _dt.date | None = attrs.field(default=None, converter=_to_date("retirement_date"))  # type: ignore[misc]  # attrs plugin: converter factory
    beneficiary: str | None = attrs.field(default=None, converter=_optional_text)
    host_authorised: bool | None = attrs.field(default=None)
    corresponding_adjustment: CorrespondingAdjustment = attrs.field(
        default=CorrespondingAdjustment.UNKNOWN,
        converter=_enum_converter(CorrespondingAdjustment, "corresponding_adjustment"),  # type: ignore[misc]  # attrs plugin: converter factory
    )
    programme_name: str | None = attrs.field(default=None, converter=_optional_text)
    project_name: str | None = attrs.field(default=None, converter=_optional_text)
    verifier: str | None = attrs.field(default=None, converter=_optional_text)
    registry_serial: RegistrySerial | None = attrs.field(default=None, converter=_to_serial)

    @kind.validator
    def _check_kind(self, attribute: Any, value: Any) -> None:
        if not isinstance(value, CreditKind):
            raise InputError("kind is required: 'avoidance' or 'removal'", column="kind")

    @vintage.validator
    def _check_vintage(self, attribute: Any, value: Any) -> None:
        if not isinstance(value, Period):
            raise InputError(f"vintage must be a Period, got {type(value).__name__}", column="vintage")

    @serial_start.validator
    def _check_start(self, attribute: Any, value: int) -> None:
        if not 0 <= value <= _MAX_SERIAL:
            raise InputError(f"must be between 0 and 2**63-1, got {value}", column="serial_start")

    @serial_end.validator
    def _check_end(self, attribute: Any, value: int) -> None:
        if value > _MAX_SERIAL:
            raise InputError(f"must be at most 2**63-1, got {value}", column="serial_end")
        if value < self.serial_start:
            raise InputError(
                f"serial block end {value} is before its start {self.serial_start}", column="serial_end"
            )

    @removal_type.validator
    def _check_removal(self, attribute: Any, value: RemovalType | None) -> None:
        if self.kind is CreditKind.REMOVAL and value is None:
            raise InputError(
                "a removal credit needs removal_type ('nature-based' or 'technological')",
                column="removal_type",
            )
        if self.kind is CreditKind.AVOIDANCE and value is not None:
            raise InputError("an avoidance credit has no removal_type", column="removal_type")

    @permanence_years.validator
    def _check_permanence(self, attribute: Any, value: int | None) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise InputError(f"must be a positive whole number of years, got {value!r}", column=attribute.name)

    @issuance_date.validator
    def _check_issuance(self, attribute: Any, value: _dt.date | None) -> None:
        if value is not None and value < self.vintage.start:
            raise InputError(
                f"issued on {value}, before its vintage starts ({self.vintage.start})", column="issuance_date"
            )

    @retirement_date.validator
    def _check_retirement(self, attribute: Any, value: _dt.date | None) -> None:
        if value is not None and self.issuance_date is not None and value < self.issuance_date:
            raise InputError(
                f"retired on {value}, before it was issued ({self.issuance_date})", column="retirement_date"
            )

    @beneficiary.validator
    def _check_beneficiary(self, attribute: Any, value: str | None) -> None:
        if value is not None and self.retirement_date is None:
            raise InputError("a beneficiary is only recorded with a retirement_date", column="beneficiary")

    @host_authorised.validator
    def _check_authorised(self, attribute: Any, value: bool | None) -> None:
        if value is not None and not isinstance(value, bool):
            raise InputError(f"must be True, False or None, got {value!r}", column=attribute.name)

    @programme_name.validator
    def _check_programme_name(self, attribute: Any, value: str | None) -> None:
        if self.programme is Programme.OTHER and value is None:
            raise InputError("programme 'other' needs programme_name (e.g. 'ACR')", column="programme_name")
        if self.programme is Programme.OTHER and value is not None:
            try:
                known = Programme.parse(value)
            except UnknownProgrammeError:
                return
            if known is not Programme.OTHER:
                # one registry under two names would give its serials two ledger keys
                raise InputError(f"programme_name {value!r} is the known programme {known.value!r}; give "
                                 f"programme={known.value!r} instead of 'other'", column="programme_name")

    @registry_serial.validator
    def _check_serial(self, attribute: Any, value: RegistrySerial | None) -> None:
        if value is None:
            return
        expected = Programme.VERRA_VCS if isinstance(value, VerraSerial) else Programme.GOLD_STANDARD
        problems = []
        if self.programme is not expected:
            problems.append(f"programme {self.programme.value!r} (serial is {expected.value})")
        if (value.start, value.end) != (self.serial_start, self.serial_end):
            problems.append(f"range {self.serial_start}-{self.serial_end} (serial has {value.start}-{value.end})")
        if value.project_id != self.project_id:
            problems.append(f"project {self.project_id!r} (serial has {value.project_id!r})")
        if value.country != self.country:
            problems.append(f"country {self.country!r} (serial has {value.country!r})")
        if isinstance(value, VerraSerial):
            if (value.vintage_start, value.vintage_end) != (self.vintage.start, self.vintage.end):
                problems.append(f"vintage {self.vintage} (serial has {value.vintage_start} to {value.vintage_end})")
        elif not (self.vintage.start.year <= value.vintage_year <= self.vintage.end.year):
            problems.append(f"vintage {self.vintage} (serial has vintage year {value.vintage_year})")
        if problems:
            raise InputError(
                f"registry serial {str(value)!r} disagrees with the offset's " + "; ".join(problems),
                column="registry_serial",
            )

    # -- construction --------------------------------------------------------

    @classmethod
    def from_serial(
        cls, serial: str | RegistrySerial, *, kind: CreditKind | str, vintage: Period | None = None, **fields: Any
    ) -> "Offset":
        """Build an offset from a Verra or Gold Standard serial.

        Parameters
        ----------
        serial : str or parsed serial
            Programme, project, country, serial range and (Verra) vintage come from it.
        kind : CreditKind or str
            Serials do not say whether credits are avoidance or removal.
        vintage : Period, optional
            Gold Standard serials carry only a vintage *year*; by default the
            vintage is that calendar year.  Pass the monitoring period to be exact.
        **fields
            Any other :class:`Offset` field (``issuance_date``, ``methodology``, ...).

        Examples
        --------
        >>> o = Offset.from_serial(
        ...     "9660-115597313-115618057-VCS-VCU-261-VER-US-14-1060-01012019-31122019-0",
        ...     kind="avoidance")
        >>> o.quantity, o.project_id, o.country, o.vintage.end.year
        (20745, '1060', 'US', 2019)
        """
        parsed = _to_serial(serial)
        assert parsed is not None
        if isinstance(parsed, VerraSerial):
            programme = Programme.VERRA_VCS
            vintage = vintage or Period(parsed.vintage_start, parsed.vintage_end)
        else:
            programme = Programme.GOLD_STANDARD
            vintage = vintage or Period.year(parsed.vintage_year)
        return cls(
            programme=programme,
            project_id=parsed.project_id,
            country=parsed.country,
            kind=kind,
            vintage=vintage,
            serial_start=parsed.start,
            serial_end=parsed.end,
            registry_serial=parsed,
            **fields,
        )

    # -- derived -------------------------------------------------------------

    @property
    def quantity(self) -> int:
        """Number of credits, i.e. tonnes CO2e: ``serial_end - serial_start + 1`` (REG-01)."""
        return self.serial_end - self.serial_start + 1

    @property
    def registry_key(self) -> tuple[str, str, str]:
        """``(programme, programme_name, project)`` in canonical form: serial ranges are unique within it (REG-04).

        The project id and programme name are compared, not displayed, so
        spellings of one project are one key (the programme name counts only
        for ``OTHER``; a known programme is one registry whatever it is
        called, and ``OTHER`` refuses the name of a known one): case, spaces, hyphens and
        underscores, the programme's own prefix (``GS7495`` for Gold Standard
        project ``7495``, ``VCS1060`` for Verra project ``1060``), leading
        zeros of an all-digit id (``01060``) and non-ASCII digits do not make
        a second project.  Merging two ids that are really different can only
        refuse an addition (naming both blocks), never let a serial in twice.
        """
        return (
            self.programme.value,
            _canonical_name(self.programme_name or "") if self.programme is Programme.OTHER else "",
            _canonical_project(self.project_id, _PROJECT_PREFIXES.get(self.programme, ())),
        )

    @property
    def serial(self) -> str:
        """The registry serial string, or ``"<start>-<end>"`` when none was given."""
        if self.registry_serial is not None:
            return str(self.registry_serial)
        return f"{self.serial_start}-{self.serial_end}"

    @property
    def programme_label(self) -> str:
        """Programme name for display (``programme_name`` for ``OTHER``)."""
        if self.programme is Programme.OTHER:
            return f"other ({self.programme_name})"
        return self.programme.value

    @property
    def label(self) -> str:
        """Short human label: programme, project and serial range."""
        return f"{self.programme_label} project {self.project_id} serials {self.serial_start}-{self.serial_end}"

    @property
    def type_label(self) -> str:
        """``"avoidance"``, ``"removal (nature-based)"`` or ``"removal (technological)"``."""
        if self.kind is CreditKind.REMOVAL and self.removal_type is not None:
            return f"removal ({self.removal_type.value})"
        return self.kind.value

    def overlaps(self, other: "Offset") -> bool:
        """Return whether both blocks share a serial in the same programme and project (REG-04)."""
        return (
            self.registry_key == other.registry_key
            and self.serial_start <= other.serial_end
            and other.serial_start <= self.serial_end
        )

    def contains(self, other: "Offset") -> bool:
        """Return whether *other*'s range lies within this block (same programme and project)."""
        return (
            self.registry_key == other.registry_key
            and self.serial_start <= other.serial_start
            and other.serial_end <= self.serial_end
        )

    def slice(self, start: int, end: int) -> "Offset":
        """Return the sub-block ``[start, end]`` with the serial string adjusted.

        Raises
        ------
        InputError
            When ``[start, end]`` is empty or not inside this block.
        """
        if not (self.serial_start <= start <= end <= self.serial_end):
            raise InputError(
                f"range {start}-{end} is not inside block {self.serial_start}-{self.serial_end}",
                column="serial_start",
            )
        serial = self.registry_serial.with_range(start, end) if self.registry_serial is not None else None
        return attrs.evolve(self, serial_start=start, serial_end=end, registry_serial=serial)

    # -- (de)serialisation ---------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict; :meth:`from_dict` rebuilds the same offset."""
        return {
            "programme": self.programme.value,
            "programme_name": self.programme_name,
            "project_id": self.project_id,
            "project_name": self.project_name,
            "country": self.country,
            "methodology": self.methodology,
            "kind": self.kind.value,
            "removal_type": self.removal_type.value if self.removal_type else None,
            "permanence_years": self.permanence_years,
            "buffer_fraction": self.buffer_fraction,
            "vintage_start": self.vintage.start.isoformat(),
            "vintage_end": self.vintage.end.isoformat(),
            "serial_start": self.serial_start,
            "serial_end": self.serial_end,
            "quantity": self.quantity,
            "serial": str(self.registry_serial) if self.registry_serial is not None else None,
            "issuance_date": self.issuance_date.isoformat() if self.issuance_date else None,
            "retirement_date": self.retirement_date.isoformat() if self.retirement_date else None,
            "beneficiary": self.beneficiary,
            "host_authorised": self.host_authorised,
            "corresponding_adjustment": self.corresponding_adjustment.value,
            "verifier": self.verifier,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Offset":
        """Rebuild an offset from :meth:`to_dict` output (validating everything again)."""
        fields = dict(data)
        fields.pop("quantity", None)
        vintage = Period(fields.pop("vintage_start"), fields.pop("vintage_end"))
        serial = fields.pop("serial", None)
        return cls(vintage=vintage, registry_serial=serial, **fields)
