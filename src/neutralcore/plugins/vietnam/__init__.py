"""Viet Nam factor pack: the DCC grid factor and MONRE Decision 2626/QĐ-BTNMT fuel factors.

National grid emission factor (tCO2/MWh) for 2014-2023 as announced by the Department of
Climate Change (DCC) of the Ministry of Natural Resources and Environment (MONRE): the combined
margin (CM) of the CDM "Tool to calculate the emission factor for an electricity system"
(Tool 07), which Vietnamese reporters use as the grid factor (letters 327/BĐKH-PTCBT for 2022
and 1726/BĐKH-PTCBT for 2023). The values are read from a secondary summary (climatechange.vn,
"Viet Nam's 2023 Updated Grid Emission Factor signifies lower electricity emissions", Table 1).
Six fuel rows of Decision 2626/QĐ-BTNMT (10 Oct 2022), Annex I, which adopt IPCC 2006 defaults,
are read from code-file copies (confidence C). Also records Viet Nam's net-zero-by-2050 pledge
(COP26; Decision No. 896/QD-TTg) in the pack metadata.
"""

from importlib.resources import files

from neutralcore.packs import FactorPack

pack = FactorPack.from_directory(files(__name__) / "data")
