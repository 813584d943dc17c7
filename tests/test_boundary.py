"""Organisational boundary (issue 16): equity share and control approaches, GHG Protocol Corporate Standard ch. 3."""

from __future__ import annotations

import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import given, settings

import neutralcore as nc
from neutralcore.measure.boundary import Entity, consolidate

SRC = nc.Source("Example", "hand-worked boundary example", 2024)
FS = nc.FactorSet.from_factors([nc.Factor("fuel.coal", "XA", 2024, "t/t", {"CO2": 1.0}, SRC)])


def inventory() -> nc.Inventory:
    return nc.Inventory([
        nc.Activity("fuel.coal", 50_000, "t", region="XA", year=2024, scope=1, site="X"),
        nc.Activity("fuel.coal", 60_000, "t", region="XA", year=2024, scope=1, site="Y"),
        nc.Activity("fuel.coal", 40_000, "t", region="XA", year=2024, scope=1, site="Y"),
    ])


def entities(operates_y: bool = True) -> list[Entity]:
    return [Entity("Plant X", "X", equity=1.0, operational_control=True, financial_control=True),
            Entity("JV Y", "Y", equity=0.4, operational_control=operates_y)]


def test_hand_worked_equity_and_control():
    em = inventory().emissions(FS)
    assert consolidate(em, entities(), "equity").total() == 90_000.0
    assert consolidate(em, entities(), "operational").total() == 150_000.0
    assert consolidate(em, entities(operates_y=False), "operational").total() == 50_000.0
    assert consolidate(em, entities(), "financial").total() == 50_000.0
    assert isinstance(consolidate(em, entities(), "equity").total(), float)


def test_every_row_shows_its_included_share():
    c = consolidate(inventory().emissions(FS), entities(), "equity share")
    rows = c.rows().to_dicts()
    assert [r["entity"] for r in rows] == ["Plant X", "JV Y", "JV Y"]
    assert [r["share"] for r in rows] == [1.0, 0.4, 0.4]
    assert [r["included_t"] for r in rows] == [50_000.0, 24_000.0, 16_000.0]
    by = {r["entity"]: r for r in c.by_entity().to_dicts()}
    assert by["JV Y"]["co2e_t"] == 100_000.0 and by["JV Y"]["included_t"] == 40_000.0
    assert c.approach == "equity"
    assert "JV Y 40%" in c.describe()


def test_consolidated_emissions_keep_every_view():
    c = consolidate(inventory().emissions(FS), entities(), "equity")
    assert c.emissions is not None
    assert c.emissions.by_scope()[1] == 90_000.0
    assert c.emissions.by("site")["co2e_t"].tolist() == [50_000.0, 40_000.0]


def test_an_inventory_is_scaled_too():
    c = consolidate(inventory(), entities(), "equity")
    assert c.inventory.quantity.tolist() == [50_000.0, 24_000.0, 16_000.0]
    assert c.rows()["included_quantity"].tolist() == [50_000.0, 24_000.0, 16_000.0]
    assert c.inventory.emissions(FS).total() == 90_000.0
    with pytest.raises(nc.InputError, match="consolidate its emissions"):
        c.total()


@pytest.mark.parametrize("share", [-0.1, 1.01, 40, float("nan")])
def test_share_outside_0_100_is_a_typed_error_naming_the_field(share):
    with pytest.raises(nc.InputError) as err:
        Entity("JV Y", "Y", equity=share)
    assert err.value.column == "equity" and "JV Y" in str(err.value)


def test_bad_entities_name_the_field():
    with pytest.raises(nc.InputError) as err:
        consolidate(inventory(), [Entity("A", ["X", "Y"], equity=1), Entity("B", "Y", equity=0.4)], "equity")
    assert err.value.column == "sites" and "'Y'" in str(err.value)
    with pytest.raises(nc.InputError) as err:
        consolidate(inventory(), [Entity("A", "X", equity=1), Entity("A", "Y", equity=0.4)], "equity")
    assert err.value.column == "name"
    with pytest.raises(nc.InputError) as err:
        consolidate(inventory(), [Entity("A", "X", equity=1)], "equity")
    assert err.value.column == "site" and err.value.rows == [1, 2]
    with pytest.raises(nc.InputError) as err:
        consolidate(inventory(), entities(), "cost")
    assert err.value.column == "approach"
    with pytest.raises(nc.InputError) as err:
        Entity("A", [], equity=1)
    assert err.value.column == "sites"


@settings(max_examples=50, deadline=None)
@given(st.floats(0, 1), st.floats(0, 1e6), st.floats(0, 1e6), st.booleans())
def test_equity_lies_between_control_without_and_with_the_jv(share, x, y, controls):
    inv = nc.Inventory([nc.Activity("fuel.coal", x, "t", region="XA", year=2024, scope=1, site="X"),
                        nc.Activity("fuel.coal", y, "t", region="XA", year=2024, scope=1, site="Y")])
    ents = [Entity("X", "X", equity=1.0, operational_control=True), Entity("Y", "Y", equity=share,
                                                                           operational_control=controls)]
    em = inv.emissions(FS)
    eq = consolidate(em, ents, "equity").total()
    assert eq == pytest.approx(x + share * y, rel=1e-12, abs=1e-6)
    op = consolidate(em, ents, "operational").total()
    assert op == pytest.approx(x + (y if controls else 0.0), rel=1e-12, abs=1e-6)
    assert np.all(consolidate(em, ents, "equity").share <= 1.0)
