"""Viet Nam factor pack: the DCC grid factor and the emission factors of MONRE Decision 2626/QĐ-BTNMT.

National grid emission factor (tCO2/MWh) for 2014-2023 as announced by the Department of
Climate Change (DCC) of the Ministry of Natural Resources and Environment (MONRE, since 2025 the
Ministry of Agriculture and Environment): the combined margin (CM) of the CDM "Tool to calculate
the emission factor for an electricity system" (Tool 07), which Vietnamese reporters use as the
grid factor (letters 327/BĐKH-PTCBT of 19 March 2024 for 2022 and 1726/BĐKH-PTCBT of 3 December
2024 for 2023). Read from two secondary copies (climatechange.vn Table 1; VietnamPlus, April 2025).
No 2024 factor is shipped: no DCC letter announcing one was found.

Decision 2626/QĐ-BTNMT (10 Oct 2022), the official list of emission factors for GHG inventories,
read from public transcriptions cross-checked against each other and against the IPCC 2006
defaults it adopts: every fuel-combustion row of Annex I (1.1-1.101: energy industries,
manufacturing, aviation, road, rail, navigation, commercial, residential, agriculture), by sector,
with biomass and charcoal CO2 as ``CO2_biogenic``; the lime rows of Annex II; the composting and
anaerobic-digestion rows of Annex IV; and wastewater CH4 factors derived from its B0 and MCF.
Also records Viet Nam's net-zero-by-2050 pledge (COP26; Decision No. 896/QD-TTg) in the pack
metadata. What is left out, and why, is in the pack's ``not_shipped`` metadata and
``docs/factor-sources.md``.
"""

from importlib.resources import files

from neutralcore.packs import FactorPack

pack = FactorPack.from_directory(files(__name__) / "data")
