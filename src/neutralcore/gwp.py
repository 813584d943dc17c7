"""IPCC global warming potentials as vectors over a fixed gas order, the gases' reporting kinds, refrigerant blends.

Sets: ``"SAR"``, ``"TAR"``, ``"AR4"``, ``"AR5"`` and ``"AR6"`` (100-year,
GWP100) and ``"AR6-GWP20"`` (20-year, for methane reporting).  The default
is ``"AR5"`` (:data:`DEFAULT_GWP`), the set the Paris Agreement's enhanced
transparency framework asks of national reporting (UNFCCC decision
18/CMA.1, annex) and the one most corporate programmes use today; pass
``gwp="AR6"`` for the newest science, ``"SAR"`` or ``"TAR"`` where a
national guideline or a historical UNFCCC series still asks for them.

The values are the table ``neutralcore/data/gwp.csv`` (one row per gas,
one column per set, read strictly at import).

Sources
-------
SAR
    IPCC Second Assessment Report, WG1 (1995), Table 2.9, GWP100, as
    tabulated by the GHG Protocol, "Global Warming Potential Values"
    (16 Feb 2016).
TAR
    IPCC Third Assessment Report, WG1 (2001), Table 6.7 (Ramaswamy et al.
    2001, p. 388), GWP100.
AR4
    IPCC AR4 WG1, Table 2.14 (Forster et al. 2007), as tabulated by the GHG
    Protocol, "Global Warming Potential Values" (16 Feb 2016).  That
    tabulation omits eight HFCs (HFC-41, -134, -143, -152, -161, -236cb,
    -236ea, -245ca); their AR4 values were read from US EPA, 40 CFR Part 98
    Subpart A, Table A-1 (100-year GWPs, the version before the 2024
    amendment at 89 FR 31894) and are cited per value in
    :data:`GWP_VALUE_SOURCES`.
AR5
    IPCC AR5 WG1, Table 8.A.1 (Myhre et al. 2013), values *without*
    climate-carbon feedback, as tabulated in the same GHG Protocol document.
AR6, AR6-GWP20
    IPCC AR6 WG1, Chapter 7 Supplementary Material, Table 7.SM.7 (Smith et
    al. 2021), GWP100 and GWP20.  Fossil and non-fossil methane (GWP100 29.8
    and 27.0) are AR6 WG1 Table 7.15; these two were taken from secondary
    copies of that table and are flagged ``secondary`` in
    :data:`GWP_SOURCES`; their GWP20 is not shipped.

All other values were read from openclimatedata/globalwarmingpotentials
(``globalwarmingpotentials.csv`` at commit fc4e6f48, CC0), which transcribes
the tables above (its AR4, AR5 and AR6 GWP100 columns are the same as at
commit 0057adbe, from which earlier releases read them).  The species are
those of that file: the Kyoto gases (CO2, CH4, N2O, HFCs, PFCs, SF6, NF3),
the Montreal Protocol gases (CFCs, HCFCs, halons, carbon tetrachloride,
methyl chloroform, methyl bromide, HBFC-22B1), hydrofluoroethers and the
other species of the IPCC tables.  A blank cell means the set's table gives
no value.  AR6 Table 7.SM.7 lists more species (HFOs among them) than that
file holds; those are not shipped.

Kinds and the scope totals
--------------------------
Each gas has a kind (:func:`gas_kind`): ``"kyoto"`` (the seven gases or
families the GHG Protocol Corporate Standard requires in the scopes),
``"montreal"`` (ozone-depleting substances controlled by the Montreal
Protocol), ``"other"`` (HFEs, SO2F2, SF5CF3, chlorinated methanes and the
other species), ``"co2e"`` (an amount a publisher gave only in CO2e,
gas ``"CO2e"``) and ``"biogenic"`` (``"CO2_biogenic"``, CO2 from biomass).
Only ``kyoto`` and ``co2e`` amounts enter the scope totals
(:func:`in_scopes`); the GHG Protocol Corporate Standard (revised edition,
2004), Chapter 9 "Reporting GHG Emissions", has CO2 from biologically
sequestered carbon and the GHGs not covered by the Kyoto Protocol (e.g.
CFCs) reported separately from the scopes.  ``CO2e`` and ``CO2_biogenic``
have a weight of 1 in every set, by definition.

Refrigerant blends
------------------
:data:`BLENDS` holds R-404A, R-407A, R-407C, R-407F, R-410A, R-417A,
R-422D, R-427A, R-434A, R-438A, R-448A, R-449A, R-452A, R-454B, R-507A,
R-508B and R-513A by their nominal compositions in mass per cent from
ANSI/ASHRAE Standard 34-2019 (p. 9 ff.), as tabulated by
openscm/openscm-units (``src/openscm_units/data/mixtures.py`` at commit
14a4e60f, which cites that edition), in ``neutralcore/data/refrigerant_blends.csv``.
A blend's GWP is the mass-weighted sum of its components' GWPs in the set
(R-410A = 0.5 HFC-32 + 0.5 HFC-125: AR5 1,923.5, AR4 2,087.5); a blend name
is usable wherever a gas is.  The hydrocarbon components (R-600 butane,
R-600a isobutane, R-601a isopentane, R-290 propane) and the HFOs
(HFO-1234yf, HFO-1234ze(E)) have no value in the tables shipped here, so
they are left out of the weighted sum (weight 0) and named by
:meth:`RefrigerantBlend.unweighted`.

Methane: the gas ``"CH4"`` uses the single AR6 value 27.9 (Table 7.SM.7).
Use ``"CH4_fossil"`` or ``"CH4_non_fossil"`` in factor data to get the split
AR6 values; earlier sets give no split value, and asking for one there is an
:class:`~neutralcore.UnknownGasError`.

Examples
--------
>>> from neutralcore.gwp import gwp_vector, gwp_value, gas_kind
>>> gwp_vector(("CO2", "CH4", "N2O"), "AR5").tolist()
[1.0, 28.0, 265.0]
>>> gwp_vector(("CH4", "N2O"), "SAR").tolist()
[21.0, 310.0]
>>> gwp_value("R-410A", "AR5"), gwp_value("R-410A", "AR4")
(1923.5, 2087.5)
>>> gas_kind("HCFC-22"), gas_kind("HFC-134a"), gas_kind("CO2_biogenic")
('montreal', 'kyoto', 'biogenic')
"""

from __future__ import annotations

import math
from importlib.resources import files
from types import MappingProxyType
from typing import Any, Literal, Mapping, Sequence

import attrs
import numpy as np

from neutralcore._core.csvrows import open_csv
from neutralcore.errors import BlendCompositionError, SchemaError, UnknownGasError, UnknownGWPSetError

__all__ = [
    "GASES",
    "GWP_SETS",
    "GWP_SOURCES",
    "GWP_VALUE_SOURCES",
    "DEFAULT_GWP",
    "BLENDS",
    "BLEND_SOURCE",
    "BLEND_COMPONENTS_WITHOUT_GWP",
    "GasKind",
    "RefrigerantBlend",
    "gwp_vector",
    "gwp_value",
    "canonical_gas",
    "canonical_gwp_set",
    "gas_kind",
    "in_scopes",
    "reporting_weights",
    "gwp_label",
]

DEFAULT_GWP = "AR5"

#: The kind of a gas, which decides whether it enters the scope totals (see the module docstring).
GasKind = Literal["kyoto", "montreal", "other", "co2e", "biogenic"]
_KINDS: tuple[str, ...] = ("kyoto", "montreal", "other", "co2e", "biogenic")
_IN_SCOPES = frozenset({"kyoto", "co2e"})

_SET_NAMES: tuple[str, ...] = ("SAR", "TAR", "AR4", "AR5", "AR6", "AR6-GWP20")
_SET_ALIASES = {"AR6_GWP20": "AR6-GWP20", "AR6GWP20": "AR6-GWP20", "AR6-GWP100": "AR6", "AR6_GWP100": "AR6"}

_DATA = files("neutralcore") / "data"


def _number(file: Any, line: int, column: str, text: str) -> float:
    try:
        x = float(text)
    except ValueError as exc:
        raise file.error(f"{text!r} is not a number", line=line, column=column) from exc
    if not math.isfinite(x) or x <= 0:
        raise file.error(f"{text!r} must be a finite positive number", line=line, column=column)
    return x


def _read_table() -> tuple[dict[str, tuple[float, ...]], dict[str, str]]:
    """``gas -> one value per set (NaN = none published)`` and ``gas -> kind``, from ``data/gwp.csv``."""
    columns = ("gas", "kind") + _SET_NAMES
    file = open_csv(_DATA / "gwp.csv", required=columns, optional=(), name="neutralcore/data/gwp.csv")
    table: dict[str, tuple[float, ...]] = {}
    kinds: dict[str, str] = {}
    for line, _end, fields in file.records():
        row = dict(zip(file.header, (f.strip() for f in fields)))
        gas = row["gas"]
        if not gas or gas.upper() in {g.upper() for g in table}:
            raise file.error(f"gas {gas!r} is empty or given twice", line=line, column="gas")
        if row["kind"] not in _KINDS:
            raise file.error(f"kind {row['kind']!r} is not one of {_KINDS}", line=line, column="kind")
        table[gas] = tuple(_number(file, line, s, row[s]) if row[s] else math.nan for s in _SET_NAMES)
        kinds[gas] = row["kind"]
    return table, kinds


_TABLE, _KIND = _read_table()

#: Blend components that no table shipped here gives a GWP for; a blend's weighted sum leaves them out.
BLEND_COMPONENTS_WITHOUT_GWP: tuple[str, ...] = ("HFO-1234yf", "HFO-1234ze(E)", "R-290", "R-600", "R-600a", "R-601a")

#: Where the compositions of :data:`BLENDS` come from.
BLEND_SOURCE = (
    "ANSI/ASHRAE Standard 34-2019, Designation and Safety Classification of Refrigerants, p. 9 ff. (nominal "
    "compositions, mass %), as tabulated by openscm/openscm-units src/openscm_units/data/mixtures.py @14a4e60f"
)


def _fractions(value: Mapping[str, Any]) -> Mapping[str, float]:
    if not isinstance(value, Mapping) or not value:
        raise BlendCompositionError("a blend needs a non-empty mapping component -> mass fraction", column="components")
    out: dict[str, float] = {}
    for comp, frac in value.items():
        name = _component(comp)
        try:
            x = float(frac)
        except (TypeError, ValueError) as exc:
            raise BlendCompositionError(f"mass fraction of {comp!r} is not a number: {frac!r}", column="components") from exc
        if not math.isfinite(x) or not 0 < x <= 1:
            raise BlendCompositionError(f"mass fraction of {comp!r} must be in (0, 1], got {frac!r}", column="components")
        if name in out:
            raise BlendCompositionError(f"component {comp!r} is given twice", column="components")
        out[name] = x
    total = math.fsum(out.values())
    if abs(total - 1.0) > 1e-9:
        raise BlendCompositionError(
            f"mass fractions sum to {total:.10g}, not 1: {', '.join(f'{k} {v:g}' for k, v in out.items())}",
            column="components",
        )
    return MappingProxyType(out)


def _component(name: Any) -> str:
    text = str(name).strip()
    for known in BLEND_COMPONENTS_WITHOUT_GWP:
        if text.upper() == known.upper():
            return known
    key = text.upper()
    if key in _CANON and _CANON[key] in _TABLE:
        return _CANON[key]
    raise BlendCompositionError(
        f"unknown blend component {name!r}: not a gas with a GWP table row, nor one of {BLEND_COMPONENTS_WITHOUT_GWP}",
        column="components",
    )


@attrs.frozen
class RefrigerantBlend:
    """A refrigerant blend: its components' mass fractions, which sum to 1.

    Parameters
    ----------
    name : str
        ASHRAE designation, e.g. ``"R-410A"``.
    components : mapping
        Component gas -> mass fraction, e.g. ``{"HFC-32": 0.5, "HFC-125": 0.5}``.
    source : str
        Where the composition was published.

    Raises
    ------
    BlendCompositionError
        If a component is unknown, a fraction is not in (0, 1], or the fractions do not sum to 1.

    Examples
    --------
    >>> b = RefrigerantBlend("R-410A", {"HFC-32": 0.5, "HFC-125": 0.5}, "ASHRAE 34-2019")
    >>> b.gwp("AR5")
    1923.5
    >>> b.split(10.0)
    {'HFC-32': 5.0, 'HFC-125': 5.0}
    >>> RefrigerantBlend("R-bad", {"HFC-32": 0.5, "HFC-125": 0.4}, "x")
    Traceback (most recent call last):
    ...
    neutralcore.BlendCompositionError: column 'components': mass fractions sum to 0.9, not 1: HFC-32 0.5, HFC-125 0.4
    """

    name: str = attrs.field(converter=lambda s: str(s).strip())
    components: Mapping[str, float] = attrs.field(converter=_fractions)
    source: str = attrs.field(converter=str)

    def gwp(self, gwp: str = DEFAULT_GWP) -> float:
        """The blend's GWP in set *gwp*: sum of mass fraction x component GWP (components without a GWP left out)."""
        col = _set_column(gwp)
        total = 0.0
        for comp, frac in self.components.items():
            if comp in BLEND_COMPONENTS_WITHOUT_GWP:
                continue
            value = _TABLE[comp][col]
            if value != value:
                raise UnknownGasError(
                    f"blend {self.name!r}: component {comp} has no GWP in {_SET_NAMES[col]}, so neither has the blend",
                    gas=self.name, gwp=gwp,
                )
            total += frac * value
        return float(round(total, 9))

    def unweighted(self) -> tuple[str, ...]:
        """Components left out of :meth:`gwp` because no shipped table gives them a value."""
        return tuple(c for c in self.components if c in BLEND_COMPONENTS_WITHOUT_GWP)

    def split(self, mass: float) -> dict[str, float]:
        """*mass* of the blend as masses of its components (same unit)."""
        return {c: float(mass) * f for c, f in self.components.items()}

    @property
    def kind(self) -> GasKind:
        """``"kyoto"`` when every weighted component is a Kyoto gas (all of :data:`BLENDS`), else ``"montreal"``/``"other"``."""
        kinds = {_KIND[c] for c in self.components if c not in BLEND_COMPONENTS_WITHOUT_GWP}
        for k in ("montreal", "other"):
            if k in kinds:
                return k  # type: ignore[return-value]
        return "kyoto"


def _read_blends() -> dict[str, RefrigerantBlend]:
    file = open_csv(_DATA / "refrigerant_blends.csv", required=("blend", "component", "mass_percent"), optional=(),
                    name="neutralcore/data/refrigerant_blends.csv")
    parts: dict[str, dict[str, float]] = {}
    first: dict[str, int] = {}
    for line, _end, fields in file.records():
        blend, comp, pct = (f.strip() for f in fields)
        first.setdefault(blend, line)
        share = parts.setdefault(blend, {})
        if comp in share:
            raise file.error(f"{comp} given twice for {blend}", line=line, column="component")
        share[comp] = _number(file, line, "mass_percent", pct) / 100.0
    out = {}
    for blend, share in parts.items():
        try:
            out[blend] = RefrigerantBlend(blend, share, BLEND_SOURCE)
        except BlendCompositionError as exc:
            raise SchemaError(f"line {first[blend]}: blend {blend}: {exc.message}", source=file.name,
                              column="mass_percent", line=first[blend]) from exc
    return out


_ALIASES = {
    "PFC-14": "CF4",
    "PFC-116": "C2F6",
    "PFC-218": "C3F8",
    "PFC-318": "c-C4F8",
    "PFC-3-1-10": "C4F10",
    "PFC-4-1-12": "C5F12",
    "PFC-5-1-14": "C6F14",
    "R-143A": "HFC-143a",
    "R-152A": "HFC-152a",
    "R-227EA": "HFC-227ea",
    "R-245FA": "HFC-245fa",
    "HFC-4310MEE": "HFC-43-10mee",
    "R-134A": "HFC-134a",
    "R-32": "HFC-32",
    "R-125": "HFC-125",
    "R-23": "HFC-23",
    "CH4-FOSSIL": "CH4_fossil",
    "CH4-NON-FOSSIL": "CH4_non_fossil",
    "CH4_NON-FOSSIL": "CH4_non_fossil",
    # Montreal Protocol gases by their refrigerant numbers and common names
    "R-11": "CFC-11",
    "R-12": "CFC-12",
    "R-13": "CFC-13",
    "R-113": "CFC-113",
    "R-114": "CFC-114",
    "R-115": "CFC-115",
    "R-22": "HCFC-22",
    "R-123": "HCFC-123",
    "R-124": "HCFC-124",
    "R-141B": "HCFC-141b",
    "R-142B": "HCFC-142b",
    "HALON-1211": "Halon-1211",
    "H-1211": "Halon-1211",
    "H-1301": "Halon-1301",
    "H-2402": "Halon-2402",
    "HBFC-22B1": "Halon-1201",
    "CARBON TETRACHLORIDE": "CCl4",
    "METHYL CHLOROFORM": "CH3CCl3",
    "1,1,1-TRICHLOROETHANE": "CH3CCl3",
    "METHYL BROMIDE": "CH3Br",
    "R-14": "CF4",
    "R-116": "C2F6",
    "R-744": "CO2",
    "CO2-BIOGENIC": "CO2_biogenic",
    "BIOGENIC CO2": "CO2_biogenic",
}
_CANON: dict[str, str] = {g.upper(): g for g in _TABLE}
_CANON.update(_ALIASES)

#: The refrigerant blends, by ASHRAE designation (see the module docstring and :data:`BLEND_SOURCE`).
BLENDS: Mapping[str, RefrigerantBlend] = MappingProxyType(_read_blends())
for _b in BLENDS:
    _CANON[_b.upper()] = _b
    _CANON[_b.upper().replace("-", "", 1)] = _b  # "R410A"

#: Gases neutralcore knows, in the fixed order of every GWP vector: the table's gases, then the blends.
GASES: tuple[str, ...] = tuple(_TABLE) + tuple(BLENDS)


def canonical_gwp_set(gwp: str) -> str:
    """The canonical name of GWP set *gwp* (``"ar5"`` → ``"AR5"``, ``"AR6_GWP20"`` → ``"AR6-GWP20"``).

    Raises
    ------
    UnknownGWPSetError
        If *gwp* names no set.
    """
    key = str(gwp).strip().upper()
    key = _SET_ALIASES.get(key, key)
    if key not in _SET_NAMES:
        raise UnknownGWPSetError(
            f"unknown GWP set {gwp!r}; available: {', '.join(_SET_NAMES)}", gwp=gwp, available=_SET_NAMES
        )
    return key


def _set_column(gwp: str) -> int:
    return _SET_NAMES.index(canonical_gwp_set(gwp))


#: Publication behind each set (report, table); see the module docstring.
GWP_SOURCES: Mapping[str, str] = MappingProxyType(
    {
        "SAR": "IPCC SAR WG1 (1995) Table 2.9, GWP100; via GHG Protocol GWP Values (2016), read from "
        "openclimatedata/globalwarmingpotentials @fc4e6f48",
        "TAR": "IPCC TAR WG1 (2001) Table 6.7 (p. 388), GWP100; read from openclimatedata/globalwarmingpotentials @fc4e6f48",
        "AR4": "IPCC AR4 WG1 (2007) Table 2.14, GWP100; via GHG Protocol GWP Values (2016); "
        "eight HFCs via US EPA 40 CFR 98 Table A-1 (see GWP_VALUE_SOURCES)",
        "AR5": "IPCC AR5 WG1 (2013) Table 8.A.1, GWP100 without climate-carbon feedback; via GHG Protocol GWP Values (2016)",
        "AR6": "IPCC AR6 WG1 (2021) Ch.7 SM Table 7.SM.7, GWP100; CH4_fossil/CH4_non_fossil from Table 7.15 (secondary copies)",
        "AR6-GWP20": "IPCC AR6 WG1 (2021) Ch.7 SM Table 7.SM.7, GWP20; read from openclimatedata/globalwarmingpotentials "
        "@fc4e6f48",
    }
)

_EPA_TABLE_A1 = (
    "US EPA, 40 CFR Part 98 Subpart A, Table A-1 'Global Warming Potentials' (100-year), version before "
    "the 89 FR 31894 (2024) amendment; AR4 value (IPCC AR4 WG1 (2007) Table 2.14) read from this secondary copy"
)

#: Per-value citations, keyed by (set, gas), for values not taken from the source
#: :data:`GWP_SOURCES` gives for their set.
GWP_VALUE_SOURCES: Mapping[tuple[str, str], str] = MappingProxyType(
    {
        ("AR4", gas): _EPA_TABLE_A1
        for gas in ("HFC-41", "HFC-134", "HFC-143", "HFC-152", "HFC-161", "HFC-236cb", "HFC-236ea", "HFC-245ca")
    }
)


def _set_values(col: int) -> Mapping[str, float]:
    values = {g: v[col] for g, v in _TABLE.items() if v[col] == v[col]}
    for name, blend in BLENDS.items():
        try:
            values[name] = blend.gwp(_SET_NAMES[col])
        except UnknownGasError:
            continue
    return MappingProxyType(values)


#: The GWP sets as read-only mappings gas -> GWP (only gases with a published value; blends weighted).
GWP_SETS: Mapping[str, Mapping[str, float]] = MappingProxyType({name: _set_values(i) for i, name in enumerate(_SET_NAMES)})


def canonical_gas(gas: str) -> str:
    """Return the canonical spelling of *gas* (``"ch4"`` → ``"CH4"``, ``"R-134a"`` → ``"HFC-134a"``, ``"r410a"`` → ``"R-410A"``)."""
    try:
        return _CANON[str(gas).strip().upper()]
    except KeyError:
        raise UnknownGasError(
            f"unknown gas {gas!r}; known gases: {', '.join(GASES)}", gas=gas, available=GASES
        ) from None


def gas_kind(gas: str) -> GasKind:
    """The kind of *gas*: ``"kyoto"``, ``"montreal"``, ``"other"``, ``"co2e"`` or ``"biogenic"`` (module docstring)."""
    g = canonical_gas(gas)
    if g in BLENDS:
        return BLENDS[g].kind
    return _KIND[g]  # type: ignore[return-value]


def in_scopes(gas: str) -> bool:
    """Whether amounts of *gas* count in the scope totals (Kyoto gases and ``CO2e``; GHG Protocol Ch. 9)."""
    return gas_kind(gas) in _IN_SCOPES


def gwp_value(gas: str, gwp: str = DEFAULT_GWP) -> float:
    """GWP of one gas (or blend) in one set."""
    return float(gwp_vector((gas,), gwp)[0])


def gwp_vector(gases: Sequence[str], gwp: str = DEFAULT_GWP) -> np.ndarray:
    """GWP values for *gases* (in that order) under set *gwp*.

    Raises
    ------
    UnknownGWPSetError
        If *gwp* is not one of SAR, TAR, AR4, AR5, AR6, AR6-GWP20.
    UnknownGasError
        If a gas is unknown, or has no value in that set.
    """
    col = _set_column(gwp)
    name = _SET_NAMES[col]
    out = np.empty(len(gases), dtype=np.float64)
    for i, gas in enumerate(gases):
        g = canonical_gas(gas)
        if g in BLENDS:
            out[i] = BLENDS[g].gwp(name)
            continue
        row = _TABLE[g]
        value = row[col]
        if value != value:
            if g.startswith("CH4_"):
                hint = "the split fossil/non-fossil methane values are shipped only for AR6 GWP100; use 'CH4' or gwp='AR6'"
            else:
                have = [s for j, s in enumerate(_SET_NAMES) if row[j] == row[j]]
                hint = f"the {name} table gives no value for it; sets that do: {', '.join(have) or 'none'}"
            raise UnknownGasError(f"gas {gas!r} has no GWP in {name} ({hint})", gas=gas, gwp=gwp)
        out[i] = value
    return out


def reporting_weights(gases: Sequence[str], gwp: str = DEFAULT_GWP) -> tuple[np.ndarray, np.ndarray]:
    """Per gas of *gases*: its GWP in set *gwp* (NaN where the set gives none) and whether it counts in the scopes.

    The CO2e that enters scope totals is ``mass @ where(in_scopes, gwp, 0)``; gases outside the scopes
    (Montreal, other, biogenic) keep their GWP for reporting them separately.

    >>> w, scoped = reporting_weights(("CO2", "HCFC-22", "CO2_biogenic"), "AR5")
    >>> w.tolist(), scoped.tolist()
    ([1.0, 1760.0, 1.0], [True, False, False])
    """
    weights = np.empty(len(gases), dtype=np.float64)
    scoped = np.empty(len(gases), dtype=bool)
    canonical_gwp_set(gwp)
    for i, gas in enumerate(gases):
        scoped[i] = in_scopes(gas)
        try:
            weights[i] = gwp_vector((gas,), gwp)[0]
        except UnknownGasError:
            weights[i] = np.nan
    return weights, scoped


def gwp_label(gwp: str) -> str:
    """How results name set *gwp*: ``"GWP100 AR5"``, ``"GWP20 AR6"``.

    >>> gwp_label("ar5"), gwp_label("AR6-GWP20")
    ('GWP100 AR5', 'GWP20 AR6')
    """
    name = canonical_gwp_set(gwp)
    return "GWP20 AR6" if name == "AR6-GWP20" else f"GWP100 {name}"
