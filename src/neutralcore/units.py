"""The one pint registry of neutralcore, and unit conversion per distinct unit.

Quantities stay plain numpy magnitudes inside the library; pint is asked
once per *distinct* unit string for a multiplier, and the multipliers are
gathered onto rows with numpy.  The registry is built on first use, not at
import (a full ``UnitRegistry`` takes about 0.1 s to build).

Unit strings are data (from inventories, factor files, installed packs), so
pint never sees one before :func:`parse_unit` has read it under a small
grammar: at most :data:`MAX_UNIT_LENGTH` characters of unit names (with pint's
prefixes: ``kWh``, ``Gg``, ``tonne``), ``*`` or ``.`` between them, ``/``,
parentheses and whole powers from -6 to 6 (``m^3``, ``m**3``).  Numbers,
comments, ``;``, ``%``, control and format characters are refused, and so are
names that only scale a quantity: dimensionless ones (``percent``, ``ppm``,
``pi``, ``turn``, ``degree``, ``radian``, ``count``, ``dozen``) and pint's
physical constants (``avogadro_number``, ``speed_of_light``).  One number is
read: China's ``10^4 Nm3`` (ten thousand normal cubic metres).

Beyond pint's defaults the registry defines the units trade and regulation
write (each cited in ``docs/measure.md``, "Units"): ``MMBtu``, ``scf``,
``ccf``, ``Mcf``, ``MMcf``, ``Nm3``, ``tce``, ``kgce``, ``pkm``, ``tkm``,
``room*night``, ``person*night`` and the ISO 4217 currencies
(:data:`CURRENCIES`), each currency a dimension of its own.  Names that mean
one thing in US practice and another in SI (``MBtu``, ``Mlb``, ``Mscf``) are
refused as ambiguous, as ``ton`` is.

Examples
--------
>>> from neutralcore.units import multiplier
>>> multiplier("kWh", "MWh")
0.001
"""

from __future__ import annotations

import functools
import math
import re
import threading
import unicodedata
from importlib import resources
from typing import TYPE_CHECKING, Any, cast

from neutralcore.errors import DimensionError, UnknownUnitError

if TYPE_CHECKING:
    import pint

__all__ = ["get_registry", "parse_unit", "multiplier", "dimension_of", "Quantity", "split_factor_unit",
           "currency_of", "CURRENCIES", "MAX_UNIT_LENGTH", "MAX_POWER"]

#: Longest unit string read (``"kg/(tonne*km)"`` is 13 characters).
MAX_UNIT_LENGTH = 100
#: Largest power of a unit, either sign (``m^3``; pint would compute ``kg**(10**10**10)`` for ever).
MAX_POWER = 6

_lock = threading.Lock()
_AMBIGUOUS_TON = re.compile(r"(?<![A-Za-z_])tons?(?![A-Za-z_])")
_registry: Any = None

# Units the carbon-accounting world writes that pint's defaults do not define (sources: docs/measure.md, "Units").
_EXTRA_DEFINITIONS = (
    # freight and passenger transport: a tonne-km is mass x distance; a passenger-km is its own dimension, so a
    # per-pkm factor refuses a vehicle-km (plain km) quantity
    "tonne_km = tonne * kilometer = tkm = t_km",
    "passenger = [passenger]",
    "passenger_km = passenger * kilometer = pkm = p_km",
    # accommodation: a room-night and a person-night are counts of their own (DEFRA/DESNZ "room per night")
    "room = [room]",
    "night = [night]",
    "person = [person]",
    "room_night = room * night",
    "person_night = person * night",
    "kilowatt_peak = kilowatt = kWp",
    "megawatt_peak = megawatt = MWp",
    # energy: US trade writes MM for million (EIA, US EPA GHG Emission Factors Hub); NIST SP 811 (2008) Appendix B.8
    "million_Btu = 1e6 * Btu = MMBtu = mmBtu = MMBTU",
    # coal equivalent: GB/T 2589-2020 Section 3.4 and Appendix A: 1 kgce = 29 307.6 kJ (7 000 kcal)
    "kilogram_of_coal_equivalent = 29.3076 * megajoule = kgce",
    "tonne_of_coal_equivalent = 29.3076 * gigajoule = tce",
    # gas at reference conditions: an amount of gas, not a volume at the metered conditions, so neither is a
    # volume (m^3) and the two are not converted into each other (each publisher states its own conditions)
    "normal_cubic_meter = [normal_gas_volume] = Nm3 = normal_cubic_metre",
    "ten_thousand_normal_cubic_meter = 1e4 * normal_cubic_meter = wan_Nm3",
    "standard_cubic_foot = [standard_gas_volume] = scf = SCF",
    "hundred_standard_cubic_feet = 100 * scf = ccf = Ccf = CCF",
    "thousand_standard_cubic_feet = 1e3 * scf = Mcf = MCF",
    "million_standard_cubic_feet = 1e6 * scf = MMcf = MMscf = MMCF = MMSCF",
)

#: ISO 4217 alphabetic codes defined as units, each of its own dimension (``[currency_USD]``): never converted
#: into each other by pint; a spend in one currency meets a factor in another only through an exchange-rate
#: table (:class:`neutralcore.measure.spend.ExchangeRates`).  ISO 4217:2015, the maintenance agency's list one.
CURRENCIES = (
    "USD", "EUR", "GBP", "CNY", "VND", "JPY", "KRW", "INR", "IDR", "THB", "MYR", "SGD", "PHP", "AUD", "NZD",
    "CAD", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "RON", "BRL", "MXN", "ZAR", "TRY", "HKD",
    "TWD", "SAR", "AED", "ILS", "EGP", "NGN", "KES", "CLP", "COP", "PEN", "ARS", "BDT", "PKR", "LKR", "KHR",
    "LAK", "MMK", "KZT", "UAH", "QAR", "KWD", "MAD", "GHS", "ETB", "TZS",
)

# Prefixes that mean one thing in US trade practice and another in SI: pint would read the M as mega.
_AMBIGUOUS_NAMES = {
    "MBtu": "'MBtu' is a thousand Btu in US practice but a million (mega) to pint; write 'kBtu' (10^3 Btu) or "
            "'MMBtu' (10^6 Btu)",
    "MBTU": "'MBTU' is a thousand Btu in US practice but a million (mega) to pint; write 'kBtu' or 'MMBtu'",
    "Mbtu": "'Mbtu' is a thousand Btu in US practice but a million (mega) to pint; write 'kBtu' or 'MMBtu'",
    "Mlb": "'Mlb' is a thousand pounds in US practice but a million (mega) to pint; write 'klb' (10^3 lb) or "
           "give the mass in t or kg",
    "Mlbs": "'Mlbs' is a thousand pounds in US practice but a million (mega) to pint; write 'klb' or t",
    "MMlb": "'MMlb' (a million pounds in US practice) is not a unit here; give the mass in t or kg",
    "Mscf": "'Mscf' is a thousand scf in US practice but a million (mega) to pint; write 'Mcf' (10^3 scf) or "
            "'MMcf' (10^6 scf)",
    "MSCF": "'MSCF' is a thousand scf in US practice but a million (mega) to pint; write 'Mcf' or 'MMcf'",
    "kMcf": "'kMcf' mixes an SI prefix with the US 'M'; write 'MMcf' (10^6 scf)",
    "MMMBtu": "'MMMBtu' is not a unit here; write 'MMBtu' with the quantity in millions of Btu",
    "mcf": "'mcf' is a thousand cubic feet in US practice but milli-cf to pint; write 'Mcf' (10^3 scf)",
    "mmcf": "'mmcf' is not a unit here; write 'MMcf' (10^6 scf)",
    "mmscf": "'mmscf' is not a unit here; write 'MMscf' (10^6 scf)",
    "Mm3": "'Mm3' is not a unit here: pint reads 'Mm' as megametre; write '1e6 m^3' as a quantity of 'm^3' or "
           "'Nm3' at reference conditions",
}

# Names people write that are not units here, or are in another case: "did you mean" hints.
_HINTS = {
    "m3": "'m^3' (a volume at the metered conditions) or 'Nm3' (gas at 0 degC and 101.325 kPa)",
    "M3": "'m^3' or 'Nm3'", "cm3": "'cm^3'", "dm3": "'dm^3' or 'L'", "km2": "'km^2'", "m2": "'m^2'",
    "ft3": "'ft^3' (a volume) or 'scf' (gas at standard conditions)", "cf": "'ft^3' or 'scf'",
    "Sm3": "'Nm3' (0 degC, 101.325 kPa) after converting from the standard conditions (15 degC) yourself",
    "nm3": "'Nm3'", "NM3": "'Nm3'", "Nm^3": "'Nm3'",
    "tCO2e": "'t' (the gas is given apart, e.g. gas=CO2e)", "tCO2": "'t' (the gas is given apart)",
    "kgCO2e": "'kg' (the gas is given apart)", "kgCO2": "'kg' (the gas is given apart)",
    "tonnes": "'t' or 'tonne'", "kwh": "'kWh'", "Kwh": "'kWh'", "KWh": "'kWh'", "KWH": "'kWh'", "kwH": "'kWh'",
    "mwh": "'MWh' (megawatt hour; 'mWh' is a milliwatt hour)", "Mwh": "'MWh'", "MWH": "'MWh'",
    "gwh": "'GWh'", "GWH": "'GWh'", "twh": "'TWh'", "gj": "'GJ'", "Gj": "'GJ'", "tj": "'TJ'", "Tj": "'TJ'",
    "mj": "'MJ'", "Mj": "'MJ'", "KG": "'kg'", "Kg": "'kg'", "kgs": "'kg'", "KM": "'km'", "Km": "'km'",
    "ltr": "'L'", "lbs": "'lb'", "mmbtu": "'MMBtu'", "MMbtu": "'MMBtu'", "mmBTU": "'MMBtu'",
    "btu": "'Btu'", "BTu": "'Btu'", "Therm": "'therm'", "TCE": "'tce'", "TOE": "'toe'",
    "KGCE": "'kgce'", "Tce": "'tce'", "scm": "'Nm3' or 'm^3'", "PKM": "'pkm'", "TKM": "'tkm'",
    "vkm": "'km' (a vehicle-km is a distance)", "usd": "'USD'", "eur": "'EUR'", "gbp": "'GBP'", "cny": "'CNY'",
    "RMB": "'CNY' (ISO 4217)", "rmb": "'CNY' (ISO 4217)", "yuan": "'CNY'", "dollar": "'USD'", "euro": "'EUR'",
}

# China's 10^4 Nm3 (wan cubic metres, as the NDRC/MEE guidelines write gas volumes) has a number in it
_TEN_THOUSAND_NM3 = re.compile(r"10\s*(?:\^|\*\*)\s*4\s*[*.]?\s*Nm3")


def get_registry() -> pint.UnitRegistry:
    """Return the library's single :class:`pint.UnitRegistry`, building it on first use."""
    global _registry
    if _registry is None:
        with _lock:
            if _registry is None:
                import pint

                reg: Any = pint.UnitRegistry(cache_folder=None)
                for line in _EXTRA_DEFINITIONS:
                    reg.define(line)
                for code in CURRENCIES:
                    reg.define(f"{code} = [currency_{code}]")
                _registry = reg
    return _registry


def Quantity(value: Any, unit: str) -> pint.Quantity:  # noqa: N802 - mirrors pint's name
    """Build a Quantity of the library registry (whole arrays welcome)."""
    return get_registry().Quantity(value, unit)


_TOKEN = re.compile(
    r"(?P<space>\s+)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<power>\*\*|\^)|(?P<op>[*/.])|(?P<open>\()|(?P<close>\))"
    r"|(?P<number>[0-9]+(?:\.[0-9]*)?)|(?P<sign>[+-])"
)


def _refuse(unit: str, why: str) -> UnknownUnitError:
    shown = unit if len(unit) <= 60 else unit[:57] + "..."
    return UnknownUnitError(f"unit {shown!r} {why}", unit=unit)


def _grammar(unit: str) -> tuple[str, list[str]]:
    """The pint expression of *unit* and its names, or :class:`UnknownUnitError` saying what is wrong and where.

    ``unit := term (("*" | "." | "/") term)*``, ``term := (name | "(" unit ")") [("**" | "^") [+-]digits]``.
    """
    if len(unit) > MAX_UNIT_LENGTH:
        raise _refuse(unit, f"is longer than {MAX_UNIT_LENGTH} characters")
    for ch in unit:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") and ch not in " \t":
            raise _refuse(unit, f"contains the control or format character U+{ord(ch):04X}")
    tokens: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(unit):
        m = _TOKEN.match(unit, pos)
        if m is None:
            ch = unit[pos]
            hint = {"#": " (a comment?)", ";": " (a second unit?)", ",": " (a second unit?)",
                    "%": " (write the percentage into the quantity)"}.get(ch, "")
            raise _refuse(unit, f"has {ch!r} at character {pos + 1}, which is not part of a unit{hint}")
        if m.lastgroup != "space":
            tokens.append((m.lastgroup or "", m.group(), pos))
        elif tokens and tokens[-1][0] in ("name", "close"):
            after = _TOKEN.match(unit, m.end())
            if after is not None and after.lastgroup in ("name", "open"):
                raise _refuse(unit, f"has two units side by side at character {m.end() + 1}; write '*' between them")
        pos = m.end()
    out: list[str] = []
    names: list[str] = []
    powers: list[int] = []  # the power each name is raised to, through the groups around it
    at = 0

    def expect_term(depth: int) -> None:
        nonlocal at
        if at >= len(tokens):
            raise _refuse(unit, "ends where a unit name is expected")
        kind, text, where = tokens[at]
        first = len(names)
        if kind == "name":
            out.append(text)
            names.append(text)
            powers.append(1)
            at += 1
        elif kind == "open":
            out.append("(")
            at += 1
            expect_unit(depth + 1)
            if at >= len(tokens) or tokens[at][0] != "close":
                raise _refuse(unit, f"has an unclosed '(' at character {where + 1}")
            out.append(")")
            at += 1
        elif kind == "number":
            raise _refuse(unit, "contains a number; give the number as the quantity")
        else:
            raise _refuse(unit, f"has {text!r} at character {where + 1} where a unit name is expected")
        if at < len(tokens) and tokens[at][0] == "power":
            where = tokens[at][2]
            at += 1
            sign = ""
            if at < len(tokens) and tokens[at][0] == "sign":
                sign = tokens[at][1]
                at += 1
            if at >= len(tokens) or tokens[at][0] != "number" or not tokens[at][1].isdigit() \
                    or not 1 <= int(tokens[at][1]) <= MAX_POWER:
                raise _refuse(unit, f"has a power at character {where + 1} that is not a whole number from "
                                    f"-{MAX_POWER} to {MAX_POWER} (and not 0)")
            out.append(f"**{sign}{int(tokens[at][1])}")
            for i in range(first, len(names)):  # a power of a group raises every name in it
                powers[i] *= int(tokens[at][1])
                if powers[i] > MAX_POWER:
                    raise _refuse(unit, f"raises {names[i]!r} to a power beyond {MAX_POWER}")
            at += 1

    def expect_unit(depth: int) -> None:
        nonlocal at
        expect_term(depth)
        while at < len(tokens) and tokens[at][0] == "op":
            out.append("/" if tokens[at][1] == "/" else "*")
            at += 1
            expect_term(depth)

    if not tokens:
        raise _refuse(unit, "is empty")
    expect_unit(0)
    if at < len(tokens):
        kind, text, where = tokens[at]
        if kind == "number":
            raise _refuse(unit, "contains a number; give the number as the quantity")
        raise _refuse(unit, f"has {text!r} at character {where + 1} where '*', '/' or the end is expected")
    return "".join(out), names


@functools.lru_cache(maxsize=1)
def _constants() -> frozenset[str]:
    """Names pint defines in its file of physical constants (``speed_of_light``, ``avogadro_number``, ...)."""
    text = resources.files("pint").joinpath("constants_en.txt").read_text(encoding="utf-8")
    names = set()
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if "=" in line and not line.startswith("@"):
            names.add(line.split("=", 1)[0].strip())
    return frozenset(names)


def _unknown(unit: str, name: str) -> UnknownUnitError:
    hint = _HINTS.get(name) or _HINTS.get(name.lower()) or _case_hint(name)
    return UnknownUnitError(f"unknown unit {name!r}" + (f" in {unit!r}" if name != unit else "")
                            + (f"; did you mean {hint}?" if hint else ""), unit=unit)


@functools.lru_cache(maxsize=1)
def _common_names() -> dict[str, str]:
    """Lower-cased spellings of the units inventories use most, for "did you mean" hints on case errors."""
    names = ["Wh", "kWh", "MWh", "GWh", "TWh", "J", "kJ", "MJ", "GJ", "TJ", "PJ", "g", "kg", "t", "kt", "Mt",
             "Gg", "L", "kL", "ML", "km", "m", "tkm", "pkm", "Btu", "kBtu", "MMBtu", "therm", "scf", "Mcf", "MMcf",
             "ccf", "Nm3", "tce", "toe", "kgce", "ktoe", "Mtoe", "kWp", "MWp", *CURRENCIES]
    return {n.lower(): n for n in names}


def _case_hint(name: str) -> str | None:
    known = _common_names().get(name.lower())
    return f"{known!r}" if known is not None and known != name else None


def _check_name(reg: Any, unit: str, name: str) -> None:
    try:
        candidates = reg.parse_unit_name(name)
        dimensionless = bool(candidates) and reg.Unit(name).dimensionless
    except Exception as exc:  # pint raises several types for names it does not know
        raise _unknown(unit, name) from exc
    if not candidates:
        raise _unknown(unit, name)
    if any(root in _constants() for _prefix, root, _suffix in candidates):
        raise _refuse(unit, f"uses {name!r}, a constant (like pi, avogadro_number or speed_of_light), not a unit; "
                            "give its value in the quantity")
    if dimensionless:
        raise _refuse(unit, f"uses {name!r}, a dimensionless number (percent, ppm, pi, an angle or a count) that "
                            "would only scale the quantity; give the quantity in a unit of what was measured")


@functools.lru_cache(maxsize=4096)
def parse_unit(unit: str) -> pint.Unit:
    """Return the pint ``Unit`` for *unit*, read under the module's grammar.

    Raises
    ------
    UnknownUnitError
        The string is not a unit under the grammar (too long, a number, a
        comment, a power beyond 6), names a unit pint does not know, a
        dimensionless scale (``%``, ``ppm``, ``pi``, ``degree``) or a
        physical constant, or is ambiguous between US and SI practice (``ton``,
        ``MBtu``, ``Mlb``, ``Mscf``).  ``.unit`` is the string; an unknown name
        that is a common unit in another case or spelling (``mwh``, ``m3``)
        gets a "did you mean" hint.

    Examples
    --------
    >>> parse_unit("tonne.km") == parse_unit("t*km")
    True
    >>> multiplier("MMBtu", "GJ")
    1.055056
    >>> parse_unit("m3")
    Traceback (most recent call last):
    ...
    neutralcore.UnknownUnitError: unknown unit 'm3'; did you mean 'm^3' (a volume at the metered conditions) or 'Nm3' (gas at 0 degC and 101.325 kPa)?
    >>> parse_unit("kg**(10**10**10)")
    Traceback (most recent call last):
    ...
    neutralcore.UnknownUnitError: unit 'kg**(10**10**10)' has a power at character 3 that is not a whole number from -6 to 6 (and not 0)
    """
    if not isinstance(unit, str) or not unit.strip():
        raise UnknownUnitError(f"unit must be a non-empty string, got {unit!r}", unit=unit)
    expression, names = _grammar(_TEN_THOUSAND_NM3.sub("wan_Nm3", unit.strip()))
    for name in names:
        if name in _AMBIGUOUS_NAMES:
            raise UnknownUnitError(f"unit {unit!r} is ambiguous: {_AMBIGUOUS_NAMES[name]}", unit=unit)
    if _AMBIGUOUS_TON.search(unit):
        raise UnknownUnitError(
            f"unit {unit!r} is ambiguous: 'ton' means the US short ton (907.2 kg) in pint but a tonne to many "
            "readers; write 't' or 'tonne' (1,000 kg), 'short_ton' or 'long_ton'",
            unit=unit,
        )
    reg = get_registry()
    for name in dict.fromkeys(names):
        _check_name(reg, unit, name)
    try:
        q = reg.Quantity(1.0, expression)
    except Exception as exc:  # pint raises several types for unparseable strings
        raise UnknownUnitError(f"unknown unit {unit!r}", unit=unit) from exc
    if q.magnitude != 1.0:
        raise UnknownUnitError(f"unit {unit!r} contains a number; give the number as the quantity", unit=unit)
    return cast("pint.Unit", q.units)


@functools.lru_cache(maxsize=4096)
def dimension_of(unit: str) -> str:
    """Return pint's dimensionality of *unit* as a string, e.g. ``'[length] ** 3'``."""
    return str(parse_unit(unit).dimensionality)


def _why_not(dims: str) -> str:
    """Why two dimensions this library defines are kept apart, for the error that refuses converting them."""
    if "[currency_" in dims:
        return ("; currencies are converted only with an exchange-rate table "
                "(emissions(..., rates=neutralcore.ExchangeRates...))")
    if "_gas_volume]" in dims:
        return ("; 'Nm3' (0 degC, 101.325 kPa) and 'scf' (the publisher's standard conditions) are amounts of gas "
                "at reference conditions, not volumes at the metered conditions: convert them at the conditions "
                "your meter or publisher states, or use the fuel's density or calorific value per Nm3 or scf")
    if "[passenger]" in dims:
        return "; a passenger-km is not a vehicle-km: use a per-km (vehicle) factor or give passenger-km"
    return ""


@functools.lru_cache(maxsize=16384)
def multiplier(from_unit: str, to_unit: str) -> float:
    """Return the number that converts a magnitude in *from_unit* into *to_unit*.

    Raises
    ------
    UnknownUnitError
        If either unit is unknown.
    DimensionError
        If the two units measure different things (e.g. kWh and L).
    """
    src = parse_unit(from_unit)
    dst = parse_unit(to_unit)
    if src.dimensionality != dst.dimensionality:
        raise DimensionError(
            f"cannot convert {from_unit!r} ({src.dimensionality}) to {to_unit!r} ({dst.dimensionality})"
            + _why_not(str(src.dimensionality) + " " + str(dst.dimensionality)),
            unit=from_unit,
            expected=to_unit,
        )
    reg = get_registry()
    value = float(reg.Quantity(1.0, src).to(dst).magnitude)
    if src != dst and float(reg.Quantity(0.0, src).to(dst).magnitude) != 0.0:
        # an offset scale (degC, degF): converting it is not a multiplication, so no factor can apply
        raise DimensionError(
            f"{from_unit!r} cannot be converted to {to_unit!r} by a multiplier (an offset scale such as degC); "
            "use kelvin or delta_degC",
            unit=from_unit, expected=to_unit,
        )
    if not math.isfinite(value) or value <= 0.0:
        raise DimensionError(f"{from_unit!r} has no positive linear conversion to {to_unit!r}", unit=from_unit)
    return value


@functools.lru_cache(maxsize=4096)
def split_factor_unit(unit: str) -> tuple[str, str, float]:
    """Split a factor unit ``"<mass>/<activity unit>"`` into its parts.

    Returns ``(mass_unit, per_unit, to_tonnes)`` where *to_tonnes* converts the
    mass unit to tonnes.

    >>> split_factor_unit("kg/TJ")
    ('kg', 'TJ', 0.001)
    """
    if not isinstance(unit, str) or "/" not in unit:
        raise UnknownUnitError(
            f"factor unit {unit!r} must be '<mass>/<activity unit>', e.g. 't/MWh' or 'kg/TJ'", unit=unit
        )
    mass, per = (part.strip() for part in unit.split("/", 1))
    if per.startswith("(") and per.endswith(")"):
        per = per[1:-1].strip()
    parse_unit(per)
    mass_unit = parse_unit(mass)
    if mass_unit.dimensionality != parse_unit("kg").dimensionality:
        raise DimensionError(
            f"factor unit {unit!r}: the numerator {mass!r} must be a mass (t, kg, g)", unit=unit, expected="mass"
        )
    return mass, per, multiplier(mass, "t")


@functools.lru_cache(maxsize=4096)
def currency_of(unit: str) -> str | None:
    """The ISO 4217 code of a currency unit (``"kUSD"`` is ``"USD"``), or ``None`` for any other unit.

    >>> currency_of("kUSD"), currency_of("MWh")
    ('USD', None)
    >>> multiplier("kUSD", "USD")
    1000.0
    """
    dims = dict(parse_unit(unit).dimensionality)
    if len(dims) == 1:
        (dim, power), = dims.items()
        if power == 1 and dim.startswith("[currency_"):
            return dim[len("[currency_"):-1]
    return None
