"""Carbon credits as frozen values: :class:`Offset`, one block of credits.

An :class:`Offset` is one *block* of carbon credits (one credit = one tonne CO2e)
identified by a contiguous serial range in one programme and project.  It says
what the credits are (avoidance or removal; for removals, nature-based or
technological with a permanence horizon and buffer), when the mitigation
happened (the vintage period), when they were issued and retired, for whom,
and whether the host country authorised them with a corresponding adjustment.

Its vocabularies live in :mod:`neutralcore.offsets.vocabulary`, its dates in
:mod:`neutralcore.offsets.period` and registry serials in
:mod:`neutralcore.offsets.serials`; nothing here reads or writes files
(persistence lives in :mod:`neutralcore.offsets.ledger`).

:meth:`Offset.overlaps` is the one test of whether two blocks share a serial;
the ledger uses it for every refusal.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import re
import unicodedata
from typing import Any, Mapping

import attrs

from neutralcore._core.display import view_html
from neutralcore._core.records import RecordSpec
from neutralcore.errors import InputError
from neutralcore.offsets._fields import enum_converter, optional_str, required_text, to_date, to_int
from neutralcore.offsets.period import Period, add_months  # noqa: F401 - add_months: importable from here, as before
from neutralcore.offsets.serials import MAX_SERIAL, GoldStandardSerial, RegistrySerial, VerraSerial, parse_serial
from neutralcore.offsets.vocabulary import (
    CorrespondingAdjustment,
    CreditKind,
    Programme,
    RemovalType,
    known_programme,
    programme_key,
)

__all__ = ["Offset", "OFFSET_RECORD"]


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
    text = optional_str(value)
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


@functools.lru_cache(maxsize=4096)  # a ledger computes each block's key several times per transaction
def _canonical_project(project_id: str, prefixes: tuple[str, ...]) -> str:
    """Project id for comparisons: folded by :func:`programme_key`, no programme prefix, digits as a number."""
    text = programme_key(project_id)
    for prefix in prefixes:
        if text.startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix):]
            break
    if text.isdecimal():  # any script's digits, any length (int() refuses more than 4,300 digits)
        text = "".join(str(unicodedata.decimal(ch)) for ch in text).lstrip("0") or "0"
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
        Permanence (monitoring/storage) horizon in years; programmes set different horizons.
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
        For reports.
    registry_serial : VerraSerial, GoldStandardSerial or str, optional
        The registry serial; its range, project, country and vintage must agree
        with the fields above.

    Raises
    ------
    InputError, UnknownProgrammeError, SerialFormatError
        When a field is invalid; the message names the field.
    """

    programme: Programme = attrs.field(converter=_programme)
    project_id: str = attrs.field(converter=required_text("project_id"))  # type: ignore[misc]  # attrs plugin: converter factory
    country: str = attrs.field(converter=_country)
    kind: CreditKind = attrs.field(converter=enum_converter(CreditKind, "kind"))  # type: ignore[misc]  # attrs plugin: converter factory
    vintage: Period = attrs.field()
    serial_start: int = attrs.field(converter=to_int("serial_start"))  # type: ignore[misc]  # attrs plugin: converter factory
    serial_end: int = attrs.field(converter=to_int("serial_end"))  # type: ignore[misc]  # attrs plugin: converter factory
    methodology: str | None = attrs.field(default=None, converter=optional_str)
    removal_type: RemovalType | None = attrs.field(
        default=None, converter=enum_converter(RemovalType, "removal_type")  # type: ignore[misc]  # attrs plugin: converter factory
    )
    permanence_years: int | None = attrs.field(default=None)
    buffer_fraction: float | None = attrs.field(default=None, validator=_finite_fraction)
    issuance_date: _dt.date | None = attrs.field(default=None, converter=to_date("issuance_date"))  # type: ignore[misc]  # attrs plugin: converter factory
    retirement_date: _dt.date | None = attrs.field(default=None, converter=to_date("retirement_date"))  # type: ignore[misc]  # attrs plugin: converter factory
    beneficiary: str | None = attrs.field(default=None, converter=optional_str)
    host_authorised: bool | None = attrs.field(default=None)
    corresponding_adjustment: CorrespondingAdjustment = attrs.field(
        default=CorrespondingAdjustment.UNKNOWN,
        converter=enum_converter(CorrespondingAdjustment, "corresponding_adjustment"),  # type: ignore[misc]  # attrs plugin: converter factory
    )
    programme_name: str | None = attrs.field(default=None, converter=optional_str)
    project_name: str | None = attrs.field(default=None, converter=optional_str)
    verifier: str | None = attrs.field(default=None, converter=optional_str)
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
        if not 0 <= value <= MAX_SERIAL:
            raise InputError(f"must be between 0 and 2**63-1, got {value}", column="serial_start")

    @serial_end.validator
    def _check_end(self, attribute: Any, value: int) -> None:
        if value > MAX_SERIAL:
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
            known = known_programme(value)
            if known is not None:
                # one registry under two names would give its serials two ledger keys
                raise InputError(
                    f"programme_name {value!r} is the known programme {known.value!r}; give "
                    f"programme={known.value!r} instead of 'other'",
                    column="programme_name",
                    programme=known.value,
                )
            if not programme_key(value):
                raise InputError(
                    f"programme_name {value!r} has no letter or digit to tell the registry by", column="programme_name"
                )

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
        """Number of credits, i.e. tonnes CO2e: ``serial_end - serial_start + 1``."""
        return self.serial_end - self.serial_start + 1

    @functools.cached_property
    def registry_key(self) -> tuple[str, str, str]:
        """``(programme, programme_name, project)`` in canonical form: serial ranges are unique within it.

        Computed once per offset (the offset is frozen).

        The project id and programme name are compared, not displayed, so
        spellings of one project are one key (the programme name counts only
        for ``OTHER``; a known programme is one registry whatever it is
        called, and ``OTHER`` refuses any name containing a known one): both are
        folded by :func:`~neutralcore.offsets.vocabulary.programme_key`, so case,
        width, spaces, punctuation and invisible format characters, the programme's own prefix (``GS7495`` for Gold Standard
        project ``7495``, ``VCS1060`` for Verra project ``1060``), leading
        zeros of an all-digit id (``01060``) and non-ASCII digits do not make
        a second project.  Merging two ids that are really different can only
        refuse an addition (naming both blocks), never let a serial in twice.
        """
        return (
            self.programme.value,
            programme_key(self.programme_name or "") if self.programme is Programme.OTHER else "",
            _canonical_project(self.project_id, _PROJECT_PREFIXES.get(self.programme, ())),
        )

    @property
    def serial(self) -> str:
        """The registry serial string, or ``"<start>-<end>"`` when none was given."""
        if self.registry_serial is not None:
            return str(self.registry_serial)
        return f"{self.serial_start}-{self.serial_end}"

    def _view(self) -> tuple[str, list[tuple[str, str]]]:
        facts = [("serials", f"{self.serial_start}-{self.serial_end} ({self.quantity:,} t CO2e)"),
                 ("kind", self.type_label), ("vintage", str(self.vintage)), ("country", self.country)]
        if self.retirement_date is not None:
            facts.append(("retired", f"{self.retirement_date} for {self.beneficiary or '?'}"))
        return f"Offset: {self.programme_label} project {self.project_id}", facts

    def __repr__(self) -> str:
        state = f", retired {self.retirement_date}" if self.retirement_date is not None else ""
        return (f"Offset({self.programme_label} project {self.project_id}, serials {self.serial_start}-{self.serial_end}, "
                f"{self.quantity:,} t, {self.type_label}, vintage {self.vintage}, {self.country}{state})")

    def _repr_html_(self) -> str:
        return view_html(*self._view())

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
        """Return whether both blocks share a serial in the same programme and project."""
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
        return OFFSET_RECORD.to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Offset":
        """Rebuild an offset from :meth:`to_dict` output (validating everything again)."""
        fields = dict(data)
        fields.pop("quantity", None)
        vintage = Period(fields.pop("vintage_start"), fields.pop("vintage_end"))
        serial = fields.pop("serial", None)
        return cls(vintage=vintage, registry_serial=serial, **fields)


#: The fields of :meth:`Offset.to_dict`, in order (also what reports encode many offsets with).
OFFSET_RECORD = RecordSpec(
    ("programme", "programme.value"),
    ("programme_name", "programme_name"),
    ("project_id", "project_id"),
    ("project_name", "project_name"),
    ("country", "country"),
    ("methodology", "methodology"),
    ("kind", "kind.value"),
    ("removal_type", lambda o: o.removal_type.value if o.removal_type else None),
    ("permanence_years", "permanence_years"),
    ("buffer_fraction", "buffer_fraction"),
    ("vintage_start", "vintage.start"),
    ("vintage_end", "vintage.end"),
    ("serial_start", "serial_start"),
    ("serial_end", "serial_end"),
    ("quantity", "quantity"),
    ("serial", lambda o: str(o.registry_serial) if o.registry_serial is not None else None),
    ("issuance_date", "issuance_date"),
    ("retirement_date", "retirement_date"),
    ("beneficiary", "beneficiary"),
    ("host_authorised", "host_authorised"),
    ("corresponding_adjustment", "corresponding_adjustment.value"),
    ("verifier", "verifier"),
)
