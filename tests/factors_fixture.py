"""Factor sets built from published values, for the core tests.

Sources (as shipped in the built-in packs):
- Viet Nam grid EF 2022 0.6766 and 2023 0.6592 t CO2/MWh: MONRE/DCC, as summarised in
  "Viet Nam's 2023 Updated Grid Emission Factor signifies lower electricity emissions", Table 1.
- China MEE/NBS 2023: national average 0.5306, East China grid 0.5500 t CO2/MWh.
- IPCC 2006 Guidelines Vol.2 Table 2.3 (manufacturing): gas/diesel oil 74,100 / 3 / 0.6 kg per TJ (CO2/CH4/N2O),
  LPG 63,100 / 1 / 0.1; Table 1.2 NCV: gas/diesel oil 43.0 TJ/Gg, LPG 47.3 TJ/Gg.
- Diesel density 839.5 kg/m^3, LPG 507.5 kg/m^3: Statistics Canada, Energy Statistics Handbook (57-601-X), Appendix A.
"""

from __future__ import annotations

import neutralcore as nc

DCC = nc.Source("MONRE Department of Climate Change", "Viet Nam grid emission factor (climatechange.vn summary, Table 1)", 2025)
MEE = nc.Source("MEE and NBS", "关于发布2023年电力二氧化碳排放因子的公告", 2026)
IPCC = nc.Source("IPCC", "2006 IPCC Guidelines for National GHG Inventories, Vol.2 Energy, Tables 1.2 and 2.3", 2006)
STATCAN = nc.Source("Statistics Canada", "Energy Statistics Handbook (57-601-X), Appendix A", 2012)


def published_factors() -> nc.FactorSet:
    diesel_ncv = nc.FuelProperty("ncv", 43.0, "TJ/Gg", IPCC)
    diesel_density = nc.FuelProperty("density", 839.5, "kg/m^3", STATCAN)
    lpg_ncv = nc.FuelProperty("ncv", 47.3, "TJ/Gg", IPCC)
    lpg_density = nc.FuelProperty("density", 507.5, "kg/m^3", STATCAN)
    return nc.FactorSet.from_factors(
        [
            nc.Factor("electricity.grid", "VN", 2022, "t/MWh", {"CO2": 0.6766}, DCC),
            nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, DCC),
            nc.Factor("electricity.grid", "CN", 2023, "t/MWh", {"CO2": 0.5306}, MEE),
            nc.Factor("electricity.grid", "CN-EAST", 2023, "t/MWh", {"CO2": 0.5500}, MEE),
            nc.Factor("fuel.diesel.stationary", "World", 2006, "kg/TJ", {"CO2": 74100, "CH4": 3, "N2O": 0.6}, IPCC,
                      ncv=diesel_ncv, density=diesel_density),
            nc.Factor("fuel.lpg.stationary", "World", 2006, "kg/TJ", {"CO2": 63100, "CH4": 1, "N2O": 0.1}, IPCC,
                      ncv=lpg_ncv, density=lpg_density),
        ],
        regions={"CN-JS": "CN-EAST", "CN-EAST": "CN", "CN": None, "VN": None},
    )
