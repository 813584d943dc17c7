"""IPCC 100-year global warming potentials (GWP100) as vectors over a fixed gas order.

Sets: ``"AR4"``, ``"AR5"`` and ``"AR6"``.  The default is ``"AR5"``
(:data:`DEFAULT_GWP`), the set the Paris Agreement's enhanced transparency
framework asks of national reporting (UNFCCC decision 18/CMA.1, annex) and
the one most corporate programmes use today; pass ``gwp="AR6"`` for the
newest science.

Sources
-------
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
AR6
    IPCC AR6 WG1, Chapter 7 Supplementary Material, Table 7.SM.7 (Smith et
    al. 2021).  Fossil and non-fossil methane (29.8 and 27.0) are AR6 WG1
    Table 7.15; these two were taken from secondary copies of that table and
    are flagged ``secondary`` in :data:`GWP_SOURCES`.

All other values were read from openclimatedata/globalwarmingpotentials
(``globalwarmingpotentials.csv``, commit 0057adbe), which transcribes the
above tables.  Refrigerant blends (R-404A, R-410A, …) are not shipped: their
GWP is the mass-weighted sum of their components, and the compositions
(ASHRAE Standard 34) were not verified here; give a blend's components as
separate gases instead.

Methane: the gas ``"CH4"`` uses the single AR6 value 27.9 (Table 7.SM.7).
Use ``"CH4_fossil"`` or ``"CH4_non_fossil"`` in factor data to get the split
AR6 values; AR4 and AR5 give no split value, and asking for one there is an
:class:`~neutralcore.UnknownGasError`.

Examples
--------
>>> from neutralcore.gwp import gwp_vector
>>> gwp_vector(("CO2", "CH4", "N2O"), "AR5").tolist()
[1.0, 28.0, 265.0]
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping, Sequence

import numpy as np

from neutralcore.errors import UnknownGasError, UnknownGWPSetError

__all__ = [
    "GASES",
    "GWP_SETS",
    "GWP_SOURCES",
    "GWP_VALUE_SOURCES",
    "DEFAULT_GWP",
    "gwp_vector",
    "gwp_value",
    "canonical_gas",
]

DEFAULT_GWP = "AR5"

#: Gases neutralcore knows, in the fixed order of every GWP vector.
GASES: tuple[str, ...] = (
    "CO2",
    "CH4",
    "CH4_fossil",
    "CH4_non_fossil",
    "N2O",
    "SF6",
    "NF3",
    "HFC-23",
    "HFC-32",
    "HFC-125",
    "HFC-134a",
    "CF4",
    "HFC-41",
    "HFC-134",
    "HFC-143",
    "HFC-143a",
    "HFC-152",
    "HFC-152a",
    "HFC-161",
    "HFC-227ea",
    "HFC-236cb",
    "HFC-236ea",
    "HFC-236fa",
    "HFC-245ca",
    "HFC-245fa",
    "HFC-365mfc",
    "HFC-43-10mee",
    "C2F6",
    "C3F8",
    "c-C4F8",
    "C4F10",
    "C5F12",
    "C6F14",
)

_NAN = float("nan")
# columns: AR4, AR5, AR6 ; NaN = no value published in that set's table
_TABLE: dict[str, tuple[float, float, float]] = {
    "CO2": (1.0, 1.0, 1.0),
    "CH4": (25.0, 28.0, 27.9),
    "CH4_fossil": (_NAN, _NAN, 29.8),
    "CH4_non_fossil": (_NAN, _NAN, 27.0),
    "N2O": (298.0, 265.0, 273.0),
    "SF6": (22800.0, 23500.0, 25200.0),
    "NF3": (17200.0, 16100.0, 17400.0),
    "HFC-23": (14800.0, 12400.0, 14600.0),
    "HFC-32": (675.0, 677.0, 771.0),
    "HFC-125": (3500.0, 3170.0, 3740.0),
    "HFC-134a": (1430.0, 1300.0, 1530.0),
    "CF4": (7390.0, 6630.0, 7380.0),
    # further HFCs and PFCs, same sources; the AR4 values of HFC-41, -134, -143,
    # -152, -161, -236cb, -236ea and -245ca come from US EPA 40 CFR 98 Table A-1
    # instead (see GWP_VALUE_SOURCES)
    "HFC-41": (92.0, 116.0, 135.0),
    "HFC-134": (1100.0, 1120.0, 1260.0),
    "HFC-143": (353.0, 328.0, 364.0),
    "HFC-143a": (4470.0, 4800.0, 5810.0),
    "HFC-152": (53.0, 16.0, 21.5),
    "HFC-152a": (124.0, 138.0, 164.0),
    "HFC-161": (12.0, 4.0, 4.84),
    "HFC-227ea": (3220.0, 3350.0, 3600.0),
    "HFC-236cb": (1340.0, 1210.0, 1350.0),
    "HFC-236ea": (1370.0, 1330.0, 1500.0),
    "HFC-236fa": (9810.0, 8060.0, 8690.0),
    "HFC-245ca": (693.0, 716.0, 787.0),
    "HFC-245fa": (1030.0, 858.0, 962.0),
    "HFC-365mfc": (794.0, 804.0, 914.0),
    "HFC-43-10mee": (1640.0, 1650.0, 1600.0),
    "C2F6": (12200.0, 11100.0, 12400.0),
    "C3F8": (8830.0, 8900.0, 9290.0),
    "c-C4F8": (10300.0, 9540.0, 10200.0),
    "C4F10": (8860.0, 9200.0, 10000.0),
    "C5F12": (9160.0, 8550.0, 9220.0),
    "C6F14": (9300.0, 7910.0, 8620.0),
}

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
}
_CANON = {g.upper(): g for g in GASES}
_CANON.update(_ALIASES)

_SET_COLUMN = {"AR4": 0, "AR5": 1, "AR6": 2}

#: Publication behind each set (report, table); see the module docstring.
GWP_SOURCES: Mapping[str, str] = MappingProxyType(
    {
        "AR4": "IPCC AR4 WG1 (2007) Table 2.14, GWP100; via GHG Protocol GWP Values (2016); "
        "eight HFCs via US EPA 40 CFR 98 Table A-1 (see GWP_VALUE_SOURCES)",
        "AR5": "IPCC AR5 WG1 (2013) Table 8.A.1, GWP100 without climate-carbon feedback; via GHG Protocol GWP Values (2016)",
        "AR6": "IPCC AR6 WG1 (2021) Ch.7 SM Table 7.SM.7, GWP100; CH4_fossil/CH4_non_fossil from Table 7.15 (secondary copies)",
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

#: The GWP sets as read-only mappings gas -> GWP100 (only gases with a published value).
GWP_SETS: Mapping[str, Mapping[str, float]] = MappingProxyType(
    {
        name: MappingProxyType({g: v[col] for g, v in _TABLE.items() if v[col] == v[col]})
        for name, col in _SET_COLUMN.items()
    }
)


def canonical_gas(gas: str) -> str:
    """Return the canonical spelling of *gas* (``"ch4"`` → ``"CH4"``, ``"R-134a"`` → ``"HFC-134a"``)."""
    try:
        return _CANON[str(gas).strip().upper()]
    except KeyError:
        raise UnknownGasError(
            f"unknown gas {gas!r}; known gases: {', '.join(GASES)}", gas=gas, available=GASES
        ) from None


def _set_column(gwp: str) -> int:
    try:
        return _SET_COLUMN[str(gwp).upper()]
    except KeyError:
        raise UnknownGWPSetError(
            f"unknown GWP set {gwp!r}; available: {', '.join(_SET_COLUMN)}", gwp=gwp, available=tuple(_SET_COLUMN)
        ) from None


def gwp_value(gas: str, gwp: str = DEFAULT_GWP) -> float:
    """GWP100 of one gas in one set."""
    return float(gwp_vector((gas,), gwp)[0])


def gwp_vector(gases: Sequence[str], gwp: str = DEFAULT_GWP) -> np.ndarray:
    """GWP100 values for *gases* (in that order) under set *gwp*.

    Raises
    ------
    UnknownGWPSetError
        If *gwp* is not AR4, AR5 or AR6.
    UnknownGasError
        If a gas is unknown, or has no value in that set.
    """
    col = _set_column(gwp)
    out = np.empty(len(gases), dtype=np.float64)
    for i, gas in enumerate(gases):
        row = _TABLE[canonical_gas(gas)]
        value = row[col]
        if value != value:
            if canonical_gas(gas).startswith("CH4_"):
                hint = "the split fossil/non-fossil methane values exist only in AR6; use 'CH4' or gwp='AR6'"
            else:
                have = [name for name, j in _SET_COLUMN.items() if row[j] == row[j]]
                hint = f"the {gwp.upper()} table gives no value for it; sets that do: {', '.join(have) or 'none'}"
            raise UnknownGasError(f"gas {gas!r} has no GWP100 in {gwp.upper()} ({hint})", gas=gas, gwp=gwp)
        out[i] = value
    return out
