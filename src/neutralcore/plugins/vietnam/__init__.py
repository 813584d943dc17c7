"""Viet Nam grid emission factor pack.

National grid emission factor (tCO2/MWh) for 2014-2023 as announced by the Department of
Climate Change (DCC) of the Ministry of Natural Resources and Environment (MONRE), computed
with the CDM "Tool to calculate the emission factor for an electricity system". The values are
read from a secondary summary (climatechange.vn, "Viet Nam's 2023 Updated Grid Emission Factor
signifies lower electricity emissions", Table 1); the margin (OM/BM/CM) is not stated by the
source and is most likely the combined margin. Also records Viet Nam's net-zero-by-2050 pledge
(COP26; Decision No. 896/QD-TTg) in the pack metadata.
"""

from importlib.resources import files

from neutralcore.packs import FactorPack

pack = FactorPack.from_directory(files(__name__) / "data")
