"""CO2 emission factors from a fuel's carbon content, the way China's accounting guidelines compute them.

China's enterprise guidelines (NDRC's 24 industry guidelines, MEE's 2022 power-sector guideline,
GB/T 32150/32151) publish, per fuel, a net calorific value (NCV), a carbon content per unit of
calorific value (CC) and an oxidation rate (OF), and compute

    CO2 = quantity x NCV x CC x OF x 44/12

so a pack that ships those three properties gets its factor from :func:`co2_factor` rather than
from a hand-typed product.  The 2006 IPCC Guidelines use the same relation (Vol. 2, Ch. 1,
Tables 1.3 and 1.4), but publish the rounded CO2 factor itself, which packs ship as printed.

Examples
--------
IPCC 2006 natural gas: NCV 48.0 TJ/Gg (Table 1.2), carbon content 15.3 t C/TJ (Table 1.3),
oxidation 1 (Table 1.4): 48.0 x 15.3 x 1 x 44/12 = 2,692.8 t CO2 per Gg of gas.

>>> round(co2_factor(48.0, 15.3, 1.0), 9)
2692.8
>>> round(co2_factor(1.0, 15.3, 1.0), 6)  # per TJ: Table 1.4 prints the rounded 56,100 kg CO2/TJ
56.1
"""

from __future__ import annotations

import math

from neutralcore.errors import InputError

__all__ = ["CO2_PER_C", "co2_factor"]

#: Mass of CO2 per mass of carbon, 44/12, the molecular-weight ratio every guideline uses.
CO2_PER_C = 44.0 / 12.0


def _positive(value: float, name: str, where: str | None) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} {value!r} is not a number{where or ''}", column=name) from exc
    if not math.isfinite(x) or x <= 0:
        raise InputError(f"{name} {value!r} must be finite and positive{where or ''}", column=name)
    return x


def co2_factor(ncv: float, carbon_content: float, oxidation: float, *, where: str | None = None) -> float:
    """CO2 per unit of fuel: ``ncv x carbon_content x oxidation x 44/12``.

    Parameters
    ----------
    ncv : float
        Net calorific value, energy per unit of fuel (e.g. GJ/t, or GJ per 10^4 Nm3).
    carbon_content : float
        Carbon per unit of that energy (e.g. t C/GJ).  Its energy unit must be the one ``ncv``
        is in; the result is in the carbon's mass unit (t C/GJ gives t CO2 per unit of fuel).
    oxidation : float
        Oxidation rate as a fraction in (0, 1] (a guideline's 98 % is 0.98).
    where : str, optional
        Appended to error messages (e.g. ``" (china pack, fuel.diesel, line 4)"``).

    Returns
    -------
    float
        CO2 per unit of fuel, in the carbon content's mass unit.

    Raises
    ------
    neutralcore.InputError
        If a value is not a finite positive number or the oxidation rate is above 1
        (a percentage given as a number, e.g. 98).

    Examples
    --------
    IPCC gas/diesel oil, t CO2 per Gg: 43.0 TJ/Gg x 20.2 t C/TJ x 44/12 (Table 1.4 prints the
    rounded 74,100 kg CO2/TJ, i.e. 3,186.3 t per Gg):

    >>> round(co2_factor(43.0, 20.2, 1.0), 6)
    3184.866667
    """
    n = _positive(ncv, "ncv", where)
    c = _positive(carbon_content, "carbon_content", where)
    o = _positive(oxidation, "oxidation", where)
    if o > 1.0:
        raise InputError(f"oxidation {oxidation!r} is above 1: give it as a fraction (98 % is 0.98){where or ''}",
                         column="oxidation")
    return n * c * o * CO2_PER_C
