r"""US EPA GHG Emission Factors Hub, Table 1 (stationary combustion), into a :class:`~neutralcore.FactorSet`.

The Hub (https://www.epa.gov/climateleadership/ghg-emission-factors-hub, US public domain) publishes, per fuel,
a heat content on a higher-heating-value (gross) basis and CO2, CH4 and N2O factors per mmBtu; its values are
those of 40 CFR 98 Subpart C Tables C-1 and C-2.  Table 1 comes in blocks (coal and coke per short ton,
natural gas per scf, petroleum products per gallon); this reader takes the table saved as CSV with one header,
each block's heading moved into a ``Heat Content Unit`` column::

    Fuel Category,Fuel Type,Heat Content (HHV),Heat Content Unit,CO2 Factor (kg CO2 per mmBtu),CH4 Factor (g CH4 per mmBtu),N2O Factor (g N2O per mmBtu)
    Natural Gas,Natural Gas,0.001026,mmBtu per scf,53.06,1.0,0.10

Each fuel becomes one factor per MMBtu on a gross basis (``energy_basis="gcv"``), CH4 and N2O converted from g
to kg, with its heat content as a ``gcv`` fuel property (MMBtu per scf, gallon or short ton), so an activity in
scf, gallons, litres or short tons converts through it.  Extra columns (the Hub's per-short-ton or per-gallon
factors, which are the same numbers multiplied out) are allowed and ignored.

Examples
--------
Natural gas as the Hub (2024) gives it: 1.026E-03 mmBtu/scf, 53.06 kg CO2, 1.0 g CH4 and 0.10 g N2O per mmBtu:

>>> table = (",".join(COLUMNS) + "\nNatural Gas,Natural Gas,0.001026,mmBtu per scf,53.06,1.0,0.10\n").encode()
>>> fs = read_stationary_combustion(table, year=2024)
>>> f = fs.get("fuel.natural_gas.stationary", "US", 2024)
>>> f.unit, f.energy_basis, dict(f.gases)["CO2"], f.gcv.unit
('kg/MMBtu', 'gcv', 53.06, 'MMBtu/scf')
"""

from __future__ import annotations

from typing import Mapping

from neutralcore._core.csvrows import CsvSource, open_csv
from neutralcore.errors import NeutralcoreError
from neutralcore.importers._common import activity_for, error, number, slug
from neutralcore.measure import Factor, FactorSet, FuelProperty, Source

__all__ = ["read_stationary_combustion", "COLUMNS", "HEAT_CONTENT_UNITS"]

COLUMNS = ("Fuel Category", "Fuel Type", "Heat Content (HHV)", "Heat Content Unit", "CO2 Factor (kg CO2 per mmBtu)",
           "CH4 Factor (g CH4 per mmBtu)", "N2O Factor (g N2O per mmBtu)")
#: The Hub's block headings and the unit each means.
HEAT_CONTENT_UNITS = {"mmBtu per scf": "MMBtu/scf", "mmBtu per gallon": "MMBtu/gal",
                      "mmBtu per short ton": "MMBtu/short_ton", "mmBtu per barrel": "MMBtu/oil_barrel"}


def read_stationary_combustion(
    path: CsvSource, *, year: int, region: str = "US", activities: Mapping[str, str] | None = None,
    url: str = "https://www.epa.gov/climateleadership/ghg-emission-factors-hub",
) -> FactorSet:
    """Read the Hub's Table 1 (as CSV, see the module) into factors for *region* and the Hub edition's *year*.

    *activities* maps a ``Fuel Type`` to the activity key to use; the default is
    ``fuel.<fuel type as one word>.stationary`` (``"Natural Gas"`` -> ``fuel.natural_gas.stationary``).

    Raises
    ------
    SchemaError
        A missing column, an unknown ``Heat Content Unit``, a value that is not a number, a fuel given twice;
        naming the file, line and column.
    """
    fname = str(path)
    file = open_csv(path, required=COLUMNS, optional=None, name=fname)
    source = Source("US EPA", f"GHG Emission Factors Hub ({year}), Table 1: Stationary Combustion "
                              "(40 CFR 98 Subpart C Tables C-1 and C-2)", year, url)
    factors: list[Factor] = []
    seen: dict[str, int] = {}
    for line, _end, fields in file.records():
        row = {h: v.strip() for h, v in zip(file.header, fields)}
        fuel = row["Fuel Type"]
        if not fuel:
            raise error(fname, line, "Fuel Type", "no fuel type")
        if fuel in seen:
            raise error(fname, line, "Fuel Type", f"{fuel!r} already given on line {seen[fuel]}")
        seen[fuel] = line
        key = activity_for(fuel, f"fuel.{slug(fuel)}.stationary", activities, fname, line)
        gases = {}
        for gas, column, to_kg in (("CO2", COLUMNS[4], 1.0), ("CH4", COLUMNS[5], 1e-3), ("N2O", COLUMNS[6], 1e-3)):
            value = number(fname, line, column, row[column])
            if value is not None:
                gases[gas] = value * to_kg
        if not gases:
            raise error(fname, line, COLUMNS[4], f"{fuel!r} gives no factor")
        heat = number(fname, line, COLUMNS[2], row[COLUMNS[2]])
        gcv = None
        if heat is not None:
            unit = HEAT_CONTENT_UNITS.get(row[COLUMNS[3]])
            if unit is None:
                raise error(fname, line, COLUMNS[3], f"heat content unit {row[COLUMNS[3]]!r} is not one of "
                            f"{sorted(HEAT_CONTENT_UNITS)}")
            gcv = FuelProperty("gcv", heat, unit, source, confidence="A",
                               notes=f"{row['Fuel Category']}: {fuel}; higher heating value")
        try:
            factors.append(Factor(key, region, year, "kg/MMBtu", gases, source, kind="stationary combustion",
                                  confidence="A", notes=f"{row['Fuel Category']}: {fuel}", energy_basis="gcv",
                                  gcv=gcv))
        except NeutralcoreError as exc:
            raise error(fname, line, "Fuel Type", str(exc)) from exc
    return FactorSet.from_factors(factors)
