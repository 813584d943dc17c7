"""What a credit is: its programme, kind, removal type and corresponding-adjustment status.

:class:`Programme` also owns the one normaliser of programme names,
:func:`programme_key`, and :func:`known_programme`, which finds a known
programme inside any spelling of a name, so that one registry's credits can
have only one ledger key however the programme was written.
"""

from __future__ import annotations

import enum
import functools
import re
import unicodedata

from neutralcore.errors import UnknownProgrammeError

__all__ = [
    "Programme",
    "CreditKind",
    "RemovalType",
    "CorrespondingAdjustment",
    "programme_key",
    "known_programme",
]


_ASCII_SEPARATORS = re.compile(r"[^0-9a-z]+")


def _tokens(text: str) -> list[str]:
    """NFKC, case-folded, format characters dropped, split on every character that is not a letter, digit or mark."""
    if text.isascii():  # NFKC changes no ASCII text, and ASCII has no marks or format characters
        return [t for t in _ASCII_SEPARATORS.split(text.lower()) if t]
    text = unicodedata.normalize("NFKC", text).casefold()
    out, word = [], []
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cf":  # zero-width space, joiners, soft hyphen, direction marks: invisible, so ignored
            continue
        if category[0] in "LNM":
            word.append(ch)
        elif word:
            out.append("".join(word))
            word = []
    if word:
        out.append("".join(word))
    return out


@functools.lru_cache(maxsize=4096)
def programme_key(name: str) -> str:
    """Return *name* as it is compared: NFKC, case-folded, only letters, digits and marks kept.

    Whitespace, punctuation, symbols and format characters (zero-width
    spaces, joiners) are removed, so every spelling of one name is one key.

    Examples
    --------
    >>> programme_key("Verra\\u200b Registry"), programme_key("ＶＣＳ"), programme_key("A.C.R.")
    ('verraregistry', 'vcs', 'acr')
    """
    return "".join(_tokens(name))


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
        """Return the programme named by *value* (member, value or alias, spelt any way :func:`programme_key` folds).

        Raises
        ------
        UnknownProgrammeError
            When *value* names no known programme.

        Examples
        --------
        >>> Programme.parse("gold_standard"), Programme.parse("ＶＣＳ")
        (<Programme.GOLD_STANDARD: 'Gold Standard'>, <Programme.VERRA_VCS: 'Verra VCS'>)
        """
        if isinstance(value, cls):
            return value
        if not isinstance(value, str):
            raise UnknownProgrammeError(
                f"programme must be a string, got {type(value).__name__}",
                column="programme",
                available=tuple(m.value for m in cls),
            )
        try:
            return _BY_KEY[programme_key(value)]
        except KeyError:
            raise UnknownProgrammeError(
                f"unknown crediting programme {value!r}; known: "
                + ", ".join(m.value for m in cls)
                + " (use 'other' with programme_name for any other registry)",
                column="programme",
                value=value,
                available=tuple(m.value for m in cls),
            ) from None


#: Names of each known programme: found anywhere inside a name (``"The Gold Standard Foundation"``).
_NAMES: dict[Programme, tuple[str, ...]] = {
    Programme.VERRA_VCS: ("Verra VCS", "Verra", "Verified Carbon Standard"),
    Programme.GOLD_STANDARD: ("Gold Standard", "Gold Standard VER", "Gold Standard for the Global Goals"),
    Programme.CDM: ("Clean Development Mechanism", "UN CDM"),
    Programme.CHINA_CCER: ("China CCER",),
    Programme.VIETNAM: ("Vietnam domestic mechanism", "Vietnam domestic", "Vietnam", "Viet Nam"),
}
#: Acronyms of each known programme: found as a word of a name (``"VCS Registry"``, ``"V.C.S."``), not
#: inside another word, so that ``"Cercarbono"`` is not the CDM's ``"CER"``.
_ACRONYMS: dict[Programme, tuple[str, ...]] = {
    Programme.VERRA_VCS: ("VCS", "VCU"),
    Programme.GOLD_STANDARD: ("GS", "GSF", "GS4GI"),
    Programme.CDM: ("CDM", "CER"),
    Programme.CHINA_CCER: ("CCER",),
    Programme.VIETNAM: ("VN",),
}
#: Generic words a registry's name is often written with; an acronym followed or preceded by them still names it.
_GENERIC = ("registry", "standard", "standards", "program", "programme", "credits", "credit", "units", "the")

_BY_KEY: dict[str, Programme] = {programme_key(m.value): m for m in Programme}
for _programme, _aliases in (*_NAMES.items(), *_ACRONYMS.items()):
    _BY_KEY.update((programme_key(a), _programme) for a in _aliases)
del _programme, _aliases


def known_programme(name: str) -> Programme | None:
    """Return the known programme that *name* names or contains, or ``None``.

    A known programme's name (``"Verra"``, ``"Gold Standard"``) counts
    anywhere in *name* once both are folded by :func:`programme_key`
    (``"Verra\\u200bRegistry"``); an acronym (``"VCS"``, ``"GS"``) counts as a
    word of *name*, or as all of it apart from generic words such as
    "Registry" or "Standard" (``"V.C.S. Registry"``).

    Examples
    --------
    >>> known_programme("VERRA Registry"), known_programme("gs-registry"), known_programme("ACR")
    (<Programme.VERRA_VCS: 'Verra VCS'>, <Programme.GOLD_STANDARD: 'Gold Standard'>, None)
    """
    words = _tokens(name)
    squashed = "".join(words)
    if not squashed:
        return None
    core, previous = squashed, ""
    while core != previous:  # "vcsregistry" -> "vcs"; "thegsstandard" -> "gs"
        previous = core
        for generic in _GENERIC:
            core = core.removesuffix(generic).removeprefix(generic) or core
    for key in (squashed, core):  # the whole name first: "C.CER Registry" is China's CCER, not the CDM's CER
        exact = _BY_KEY.get(key)
        if exact is not None and exact is not Programme.OTHER:
            return exact
    for programme, names in _NAMES.items():
        if any(programme_key(n) in squashed for n in names):
            return programme
    for programme, acronyms in _ACRONYMS.items():
        if any(programme_key(a) in words for a in acronyms):
            return programme
    return None


class CreditKind(str, enum.Enum):
    """Whether a credit avoids/reduces emissions or removes CO2 from the atmosphere."""

    AVOIDANCE = "avoidance"
    REMOVAL = "removal"


class RemovalType(str, enum.Enum):
    """How a removal stores carbon: in ecosystems or by technology (e.g. DACCS, biochar)."""

    NATURE_BASED = "nature-based"
    TECHNOLOGICAL = "technological"


class CorrespondingAdjustment(str, enum.Enum):
    """Paris Agreement Article 6 corresponding-adjustment status.

    Corresponding adjustments are set out in UNFCCC decision 2/CMA.3, "Guidance
    on cooperative approaches referred to in Article 6, paragraph 2, of the
    Paris Agreement".

    ``APPLIED``: the host country applied (or has committed in a letter of
    authorisation to apply) a corresponding adjustment; ``NOT_APPLIED``: known
    not to; ``UNKNOWN``: not recorded.
    """

    APPLIED = "applied"
    NOT_APPLIED = "not applied"
    UNKNOWN = "unknown"
