r"""US EPA GHG Emission Factors Hub, Table 1 (stationary combustion), into a :class:`~neutralcore.FactorSet`.

The Hub (https://www.epa.gov/climateleadership/ghg-emission-factors-hub, US public domain) publishes, per fuel,
a heat content on a higher-heating-value (gross) basis and CO2, CH4 and N2O factors per mmBtu; its values are
those of 40 CFR 98 Subpart C Tables C-1 and C-2.  Table 1 comes in blocks (coal and coke per short ton,
natural gas per scf, petroleum products per gallon); this reader takes the table saved as CSV with one header,
each block's heading moved into a ``Heat Content Unit`` column::

    Fuel Category,Fuel Type,Heat Content (HHV),Heat Content Unit,CO2 Factor (kg CO2 per mmBtu),CH4 Factor (g CH4 per mmBtu),N2O Factor (g N2O per mmBtu)
    Natural Gas,Natural Gas,0.001026,mmBtu per scf,53.06,1.0,0.10

Each fuel becomes one factor per MMBtu on a gross basis (``energy_basis="gcv"``), CH4 and N2O converted from g
to kg (the CO2 of a ``Biomass Fuels`` category as ``CO2_biogenic``: reported, never in the scope totals), with its
heat content as a ``gcv`` fuel property (MMBtu per scf, gallon or short ton), so an activity in
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

import re
from typing import Mapping

from neutralcore._core.csvrows import CsvSource, open_csv
from neutralcore.errors import NeutralcoreError, SchemaError
from neutralcore.importers._common import activity_for, error, number, slug
from neutralcore.measure import Factor, FactorSet, FuelProperty, Source

__all__ = ["read_stationary_combustion", "read_hub_table", "COLUMNS", "HEAT_CONTENT_UNITS", "HUB_UNITS",
           "NONBASELOAD_COLUMNS"]

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
        co2 = "CO2_biogenic" if row["Fuel Category"].lower().startswith("biomass") else "CO2"
        for gas, column, to_kg in ((co2, COLUMNS[4], 1.0), ("CH4", COLUMNS[5], 1e-3), ("N2O", COLUMNS[6], 1e-3)):
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


#: The Hub's per-unit tables this reader takes: number -> (title, the activity key's prefix, kind, name column,
#: per-gas (column, gas, multiplier to the factor's mass unit) for the published headings).  Table 6 is keyed per eGRID subregion.
_TABLES: Mapping[int, tuple[str, str, str, str, tuple[tuple[str, str, float], ...]]] = {
    2: ("Table 2: Mobile Combustion CO2", "fuel", "mobile combustion (CO2 only; CH4 and N2O are per vehicle-mile "
        "in Tables 3-5)", "Fuel Type", (("kg CO2 per unit", "CO2", 1.0),)),
    3: ("Table 3: Mobile Combustion CH4 and N2O for On-Road Gasoline Vehicles", "vehicle", "mobile combustion, "
        "CH4 and N2O per vehicle-mile (CO2 from the fuel, Table 2)", "Vehicle Type",
        (("CH4 Factor (g CH4 / vehicle-mile)", "CH4", 1.0), ("N2O Factor (g N2O / vehicle-mile)", "N2O", 1.0))),
    4: ("Table 4: Mobile Combustion CH4 and N2O for On-Road Diesel and Alternative Fuel Vehicles", "vehicle",
        "mobile combustion, CH4 and N2O per vehicle-mile (CO2 from the fuel, Table 2)", "Vehicle Type",
        (("CH4 Factor (g CH4 / vehicle-mile)", "CH4", 1.0), ("N2O Factor (g N2O / vehicle-mile)", "N2O", 1.0))),
    6: ("Table 6: Electricity (eGRID total output emission rates)", "electricity.grid", "grid electricity, "
        "location-based (eGRID total output)", "eGRID Subregion Acronym",
        (("CO2 Factor (lb CO2 / MWh)", "CO2", 1.0), ("CH4 Factor (lb CH4 / MWh)", "CH4", 1.0),
         ("N2O Factor (lb N2O / MWh)", "N2O", 1.0))),
    7: ("Table 7: Steam and Heat", "", "purchased steam and heat", "Fuel Type",
        (("CO2 Factor (kg CO2 / mmBtu)", "CO2", 1.0), ("CH4 Factor (g CH4 / mmBtu)", "CH4", 1e-3),
         ("N2O Factor (g N2O / mmBtu)", "N2O", 1e-3))),
    8: ("Table 8: Scope 3 Category 4 and 9: Upstream and Downstream Transportation and Distribution", "freight",
        "transportation and distribution, distance-based", "Vehicle Type",
        (("CO2 Factor (kg CO2 / unit)", "CO2", 1.0), ("CH4 Factor (g CH4 / unit)", "CH4", 1e-3),
         ("N2O Factor (g N2O / unit)", "N2O", 1e-3))),
    10: ("Table 10: Scope 3 Category 6 and 7: Business Travel and Employee Commuting", "travel",
         "business travel and commuting, distance-based", "Vehicle Type",
         (("CO2 Factor (kg CO2 / unit)", "CO2", 1.0), ("CH4 Factor (g CH4 / unit)", "CH4", 1e-3),
          ("N2O Factor (g N2O / unit)", "N2O", 1e-3))),
}
#: The Hub's per-unit words and neutralcore's units: a vehicle-mile is a distance, a short ton-mile a mass x distance
#: (``tkm`` dimension), a passenger-mile a passenger x distance (``pkm`` dimension).
HUB_UNITS: Mapping[str, str] = {"gallon": "gal", "scf": "scf", "mmBtu": "MMBtu", "MWh": "MWh", "vehicle-mile": "mi",
                                "short ton-mile": "short_ton*mi", "passenger-mile": "passenger*mi"}
#: Table 6's non-baseload columns (optional): the same gases, a ``.nonbaseload`` key.
NONBASELOAD_COLUMNS = ("Non-Baseload CO2 Factor (lb CO2 / MWh)", "Non-Baseload CH4 Factor (lb CH4 / MWh)",
                       "Non-Baseload N2O Factor (lb N2O / MWh)")


def read_hub_table(
    path: CsvSource, *, table: int, year: int, region: str = "US", activities: Mapping[str, str] | None = None,
    url: str = "https://www.epa.gov/climateleadership/ghg-emission-factors-hub",
) -> FactorSet:
    """Read one of the Hub's per-unit Tables 2, 3, 4, 6, 7, 8 or 10 (as CSV with its published headings) into factors.

    Each table is saved with one header row, footnote letters dropped from names, and the published column
    headings (units in the heading, as the Hub prints them under each gas):

    * Table 2: ``Fuel Type,kg CO2 per unit,Unit`` -> ``fuel.<fuel>.mobile`` per ``gallon`` or ``scf`` (CO2 only).
    * Tables 3 and 4: ``Vehicle Type,Model Year,CH4 Factor (g CH4 / vehicle-mile),N2O Factor (g N2O / vehicle-mile)``
      (Table 4 also ``Fuel Type``; a block's vehicle type and fuel repeated on each of its rows) ->
      ``vehicle.<vehicle>[_<fuel>]_model_year_<years>`` (no model year for Table 4's alternative fuels) per vehicle-mile
      (``mi``) in ``g/mi`` as published, CH4 and N2O only: the CO2 is the fuel's, per gallon or scf in Table 2.
      ``≤1980`` reads ``up to 1980``.
    * Table 6: ``eGRID Subregion Acronym,eGRID Subregion Name,CO2 Factor (lb CO2 / MWh),CH4 Factor (lb CH4 / MWh),
      N2O Factor (lb N2O / MWh)`` and optionally the three ``Non-Baseload ...`` columns -> ``electricity.grid`` (and
      ``electricity.grid.nonbaseload``) per MWh in region ``EGRID-<acronym>`` (parent *region*); the ``US Average``
      row is *region* itself.  The factors stay in pounds per MWh (``lb/MWh``), as published.
    * Table 7: ``Fuel Type,CO2 Factor (kg CO2 / mmBtu),CH4 Factor (g CH4 / mmBtu),N2O Factor (g N2O / mmBtu)`` ->
      ``steam_and_heat.purchased`` per MMBtu.
    * Tables 8 and 10: ``Vehicle Type,CO2 Factor (kg CO2 / unit),CH4 Factor (g CH4 / unit),N2O Factor (g N2O / unit),
      Units`` -> ``freight.<vehicle>`` (Table 8) or ``travel.<vehicle>`` (Table 10) per ``vehicle-mile`` (``mi``),
      ``short ton-mile`` (``short_ton*mi``) or ``passenger-mile`` (``passenger*mi``).

    *activities* maps a published name (fuel, vehicle or eGRID acronym) to the activity key to use instead.

    Raises
    ------
    SchemaError
        A table number other than those above, a missing column, an unknown unit, a value that is not a number,
        a row given twice, a row with no factor; naming the file, line and column.

    Examples
    --------
    Table 7 of the 2024 Hub: 66.33 kg CO2, 1.25 g CH4 and 0.125 g N2O per mmBtu of purchased steam and heat:

    >>> csv = (b"Fuel Type,CO2 Factor (kg CO2 / mmBtu),CH4 Factor (g CH4 / mmBtu),N2O Factor (g N2O / mmBtu)\\n"
    ...        b"Steam and Heat,66.33,1.25,0.125\\n")
    >>> f = read_hub_table(csv, table=7, year=2024).get("steam_and_heat.purchased", "US", 2024)
    >>> f.unit, dict(f.gases)
    ('kg/MMBtu', {'CO2': 66.33, 'CH4': 0.00125, 'N2O': 0.000125})
    """
    fname = str(path)
    if table not in _TABLES:
        raise SchemaError(f"table {table!r} is not one this reader takes ({sorted(_TABLES)})", source=fname,
                          column="table")
    title, prefix, kind, name_column, gas_columns = _TABLES[table]
    unit_column = {2: "Unit", 8: "Units", 10: "Units"}.get(table)
    required = (name_column, *(c for c, _g, _k in gas_columns)) + ((unit_column,) if unit_column else ()) \
        + {3: ("Model Year",), 4: ("Fuel Type", "Model Year")}.get(table, ())
    optional = NONBASELOAD_COLUMNS + ("eGRID Subregion Name",) if table == 6 else None
    file = open_csv(path, required=required, optional=optional, name=fname)
    source = Source("US EPA", f"GHG Emission Factors Hub ({year}), {title}", year, url)
    factors: list[Factor] = []
    regions: dict[str, tuple[str, str]] = {}
    seen: dict[tuple[str, str], int] = {}
    for line, _end, fields in file.records():
        row = {h: v.strip() for h, v in zip(file.header, fields)}
        name = row[name_column]
        if not name:
            raise error(fname, line, name_column, f"no {name_column}")
        if table in (3, 4):
            year_text = row["Model Year"].replace("≤", "up to ")
            name = " ".join(x for x in (name, row.get("Fuel Type", ""), year_text and f"model year {year_text}") if x)
        unit = {3: "mi", 4: "mi", 6: "MWh", 7: "MMBtu"}.get(table) or HUB_UNITS.get(row[unit_column or ""], "")
        if not unit:
            raise error(fname, line, unit_column or name_column, f"unit {row[unit_column or '']!r} is not one of "
                        f"{sorted(u for u in HUB_UNITS if u not in ('mmBtu', 'MWh'))}")
        if (name, unit) in seen:
            raise error(fname, line, name_column, f"{name!r} per {unit} already given on line {seen[name, unit]}")
        seen[name, unit] = line
        where = region
        if table == 6:
            default = "electricity.grid"
            if name != "US Average":
                if not re.match(r"^[A-Z0-9]+$", name):
                    raise error(fname, line, name_column, f"eGRID subregion acronym {name!r} is not capital letters")
                where = f"EGRID-{name}"
                regions[where] = (region, row.get("eGRID Subregion Name") or name)
        elif table == 7:
            default = f"{slug(name)}.purchased"
        elif table == 2:
            default = f"fuel.{slug(name)}.mobile"
        else:
            default = f"{prefix}.{slug(name)}"
        key = activity_for(name, default, activities, fname, line)
        sets = [(key, gas_columns, kind)]
        if table == 6 and all(c in row for c in NONBASELOAD_COLUMNS):
            sets.append((f"{key}.nonbaseload", tuple((c, g, k) for c, (_c, g, k) in
                                                    zip(NONBASELOAD_COLUMNS, gas_columns)),
                         "grid electricity, eGRID non-baseload output (marginal; not the scope 2 location-based rate)"))
        for activity, columns, row_kind in sets:
            gases = {}
            for column, gas, to_kg in columns:
                value = number(fname, line, column, row[column])
                if value is not None:
                    gases[gas] = value * to_kg
            if not gases:
                raise error(fname, line, columns[0][0], f"{name!r} gives no factor")
            try:
                mass = {3: "g", 4: "g", 6: "lb"}.get(table, "kg")
                label = "" if where == region else f" ({regions[where][1]})"
                factors.append(Factor(activity, where, year, f"{mass}/{unit}", gases, source, kind=row_kind,
                                      confidence="A", notes=f"{title}: {name}{label}"))
            except NeutralcoreError as exc:
                raise error(fname, line, name_column, str(exc)) from exc
    return FactorSet.from_factors(factors, regions={r: (p, label) for r, (p, label) in regions.items()})
