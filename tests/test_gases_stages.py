"""Life-cycle stages: opt-in upstream rows in scope 3 category 3, grouped by stage.

Hand-worked with illustrative factors (test data, not published values): 1,000 L diesel at 2.5 kg CO2/L direct and
0.6 kg CO2e/L well-to-tank (AR5 basis): scope 1 2.5 t, scope 3 category 3 0.6 t; 1,000 kWh at 0.2 kg CO2/kWh and
0.02 kg CO2/kWh T&D losses: scope 2 0.2 t, scope 3 category 3 0.02 t.
"""

from __future__ import annotations

import pytest

import neutralcore as nc
from neutralcore.measure.stages import SCOPE3_CATEGORY_3, stage_name, upstream_key, with_upstream

SRC = nc.Source("Test publisher", "illustrative factors for the stage tests", 2024)


def factors() -> nc.FactorSet:
    return nc.FactorSet.from_factors([
        nc.Factor("fuel.diesel", "GB", 2024, "kg/L", {"CO2": 2.5}, SRC),
        nc.Factor("fuel.diesel.wtt", "GB", 2024, "kg/L", {"CO2e": 0.6}, SRC, gwp_basis="AR5"),
        nc.Factor("electricity.grid", "GB", 2024, "kg/kWh", {"CO2": 0.2}, SRC),
        nc.Factor("electricity.grid.td", "GB", 2024, "kg/kWh", {"CO2": 0.02}, SRC, stage="T&D"),
        nc.Factor("refrigerant.r_410a", "GB", 2024, "t/t", {"R-410A": 1.0}, SRC),
    ])


def inventory() -> nc.Inventory:
    return nc.Inventory([
        nc.Activity("fuel.diesel", 1000, "L", region="GB", year=2024, scope=1, site="depot"),
        nc.Activity("electricity.grid", 1000, "kWh", region="GB", year=2024, scope=2, site="office"),
        nc.Activity("refrigerant.r_410a", 0.001, "t", region="GB", year=2024, scope=1, site="office"),
    ])


def test_upstream_is_opt_in():
    res = inventory().emissions(factors())
    assert res.by_scope()[3] == 0.0 and "stage" not in res.inventory.dims
    assert res.total() == pytest.approx(2.5 + 0.2 + 1.9235, rel=1e-12)


def test_upstream_rows_in_scope_3_category_3_grouped_by_stage():
    res = inventory().emissions(factors(), upstream=True)
    scopes = res.by_scope()
    assert scopes[1] == pytest.approx(2.5 + 1.9235, rel=1e-12) and scopes[2] == pytest.approx(0.2, rel=1e-12)
    assert scopes[3] == pytest.approx(0.6 + 0.02, rel=1e-12)
    by = res.by("stage")
    assert by["stage"] == ["combustion", "transmission-and-distribution", "well-to-tank"]
    assert list(by["co2e_t"]) == pytest.approx([2.5 + 0.2 + 1.9235, 0.02, 0.6])
    cat = res.by("scope", "category", gases=False)
    assert (3, SCOPE3_CATEGORY_3) in list(zip(cat["scope"], cat["category"]))
    assert res.total("CO2e") == pytest.approx(0.6, rel=1e-12)  # the WTT figure stays CO2e, apart from CO2
    assert len(res.inventory) == 5
    assert "upstream stages (scope 3) added for 2 row(s); no upstream factor for refrigerant.r_410a" in repr(res)


def test_a_scope_3_row_keeps_its_category():
    inv = nc.Inventory([nc.Activity("fuel.diesel", 100, "L", region="GB", year=2024, scope=3,
                                    category="6 business travel")])
    res = inv.emissions(factors(), upstream=True)
    cat = res.by("category", "stage", gases=False)
    assert cat["category"] == ["6 business travel", "6 business travel"]
    assert list(cat["co2e_t"]) == pytest.approx([0.25, 0.06])


def test_an_upstream_region_without_a_factor_is_an_error_not_a_gap():
    fs = nc.FactorSet.merge(factors(), nc.FactorSet.from_factors([
        nc.Factor("fuel.diesel", "VN", 2024, "kg/L", {"CO2": 2.6}, SRC)]))
    inv = nc.Inventory([nc.Activity("fuel.diesel", 10, "L", region="VN", year=2024, scope=1)])
    with pytest.raises(nc.FactorNotFoundError, match="fuel.diesel.wtt, VN, 2024"):
        inv.emissions(fs, upstream=True)


def test_stage_vocabulary_and_keys():
    assert stage_name("Well to tank") == stage_name("wtt") == "well-to-tank"
    assert upstream_key("electricity.grid", "transmission-and-distribution") == "electricity.grid.td"
    assert factors().factor(1).stage == "well-to-tank" and factors().factor(3).stage == "transmission-and-distribution"
    assert factors().factor(0).stage is None
    with pytest.raises(nc.InputError, match="well-to-tank factors go under the key"):
        nc.Factor("fuel.diesel", "GB", 2024, "kg/L", {"CO2": 0.6}, SRC, stage="well-to-tank")
    with pytest.raises(nc.InputError, match="names the well-to-tank stage"):
        nc.Factor("fuel.diesel.wtt", "GB", 2024, "kg/L", {"CO2": 0.6}, SRC, stage="upstream")
    with pytest.raises(nc.InputError, match="not one of"):
        stage_name("cradle")
    with pytest.raises(nc.InputError, match="True or False"):
        inventory().emissions(factors(), upstream="yes")  # type: ignore[arg-type]


def test_stage_column_in_a_factor_file():
    text = (b"activity,region,year,gas,value,unit,publisher,document,source_year,gwp_basis,stage\n"
            b"fuel.diesel.wtt,GB,2024,CO2e,0.6,kg/L,Test,illustrative,2024,AR5,Well-to-tank\n")
    fs = nc.FactorSet.read_csv(text)
    assert fs.factor(0).stage == "well-to-tank"
    with pytest.raises(nc.SchemaError, match="line 2.*not one of"):
        nc.FactorSet.read_csv(text.replace(b"Well-to-tank", b"cradle"))


def test_with_upstream_leaves_rows_of_activities_without_upstream_factors_alone():
    inv = with_upstream(inventory(), factors())
    assert len(inv) == 5 and inv.dims["stage"].categories[0] == "combustion"


def test_the_wtt_of_t_and_d_losses_is_the_upstream_of_the_t_and_d_row():
    """GHG Protocol Scope 3 Technical Guidance (2013) Table 3.1, activity C: T&D losses cover the generation
    (upstream activities and combustion) of the electricity lost.  1,000 kWh x (0.2 + 0.02 T&D + 0.04 WTT +
    0.004 WTT of T&D) kg = 0.264 t; the WTT of T&D is a well-to-tank row of key ``electricity.grid.td.wtt``."""
    fs = nc.FactorSet.from_factors([
        *factors(),
        nc.Factor("electricity.grid.wtt", "GB", 2024, "kg/kWh", {"CO2e": 0.04}, SRC, gwp_basis="AR5"),
        nc.Factor("electricity.grid.td.wtt", "GB", 2024, "kg/kWh", {"CO2e": 0.004}, SRC, gwp_basis="AR5"),
    ])
    inv = nc.Inventory([nc.Activity("electricity.grid", 1000, "kWh", region="GB", year=2024, scope=2)])
    res = inv.emissions(fs, upstream=True)
    assert res.total() == pytest.approx(0.2 + 0.02 + 0.04 + 0.004, rel=1e-12)
    rows = {(r["activity"], r["stage"]): r["co2e_t"] for r in res.by("activity", "stage").to_dicts()}
    assert rows == pytest.approx({("electricity.grid", "combustion"): 0.2,
                                  ("electricity.grid.td", "transmission-and-distribution"): 0.02,
                                  ("electricity.grid.wtt", "well-to-tank"): 0.04,
                                  ("electricity.grid.td.wtt", "well-to-tank"): 0.004})
    assert res.by_scope()[3] == pytest.approx(0.064, rel=1e-12)
    cat = res.by("scope", "category", gases=False)
    assert [c for s, c in zip(cat["scope"], cat["category"]) if s == 3] == [SCOPE3_CATEGORY_3]


def test_a_wtt_row_gets_no_wtt_of_its_own():
    """Only T&D (and other upstream) rows take a ``.wtt``: a key ``x.wtt.wtt`` is never looked for."""
    fs = nc.FactorSet.from_factors([*factors(), nc.Factor("fuel.diesel.wtt.wtt", "GB", 2024, "kg/L", {"CO2": 9.0},
                                                          SRC)])
    inv = nc.Inventory([nc.Activity("fuel.diesel", 1000, "L", region="GB", year=2024, scope=1)])
    assert inv.emissions(fs, upstream=True).total() == pytest.approx(2.5 + 0.6, rel=1e-12)
