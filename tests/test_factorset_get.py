"""``FactorSet.get`` is an exact lookup: a key is never answered by a longer key of its dotted family."""

import neutralcore as nc

SRC = nc.Source("IPCC", "2006 IPCC Guidelines, Vol. 2, Tables 2.2 and 2.3", 2006)


def test_get_takes_the_exact_key_not_a_dotted_child():
    child = nc.Factor("fuel.diesel.stationary.energy_industries", "World", 2006, "kg/TJ", {"CO2": 74100.0}, SRC)
    generic = nc.Factor("fuel.diesel.stationary", "World", 2006, "kg/TJ", {"CO2": 74100.0, "CH4": 10.0}, SRC)
    fs = nc.FactorSet.from_factors([child, generic])
    assert fs.get("fuel.diesel.stationary", "World", 2006).activity == "fuel.diesel.stationary"
    assert nc.FactorSet.from_factors([child]).get("fuel.diesel.stationary", "World", 2006) is None
    assert fs.get("fuel.diesel", "World", 2006) is None
    assert len(fs.where(activity="fuel.diesel")) == 2  # where() still selects the family
