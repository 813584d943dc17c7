"""Viet Nam's GHG inventory obligation (issue 16): Decree 06/2022/NĐ-CP thresholds, the list, the reports."""

from __future__ import annotations

import json

import pytest

import neutralcore as nc
from neutralcore.claim.vietnam import Facility, inventory_obligation, inventory_report


@pytest.mark.parametrize("kw, obliged", [
    (dict(sector="industry", emissions=3_000), True),
    (dict(sector="industry", emissions=2_999.9, energy_toe=999), False),
    (dict(sector="industry", energy_toe=1_000), True),
    (dict(sector="thermal power", energy_toe=1_200), True),
    (dict(sector="freight transport", energy_toe=1_000), True),
    (dict(sector="commercial building", energy_toe=999), False),
    (dict(sector="solid waste", waste_capacity=65_000), True),
    (dict(sector="solid waste", waste_capacity=64_999), False),
    (dict(sector="other", energy_toe=5_000), False),  # the energy criterion names its sectors
    (dict(sector="other", listed=True), True),
])
def test_thresholds(kw, obliged):
    assert inventory_obligation(Facility("F", **kw)).obliged is obliged


def test_reasons_and_reports():
    o = inventory_obligation(Facility("Binh Duong Plastics", "industry", emissions=4_200, energy_toe=1_500,
                                      listed=True, province="Binh Duong"))
    assert o.met == ("emissions of 3,000 t CO2e a year or more", "energy use of 1,000 TOE a year or more (industry)")
    assert "Decision 13/2024/QĐ-TTg" in o.notes[0]
    rows = o.reports.to_dicts()
    assert rows[0]["due"] == "before 31 March, every two years from 2023" and "(4)(a)" in rows[0]["source"]
    assert rows[1]["form"] == "Form 06, Appendix II"
    assert all("Decree 06/2022/NĐ-CP" in r["source"] for r in o.criteria.to_dicts())
    unknown = inventory_obligation(Facility("X", "industry"))
    assert not unknown.obliged and "not known" in unknown.notes[0] and len(unknown.reports) == 0


def test_inventory_report_formats():
    src = nc.Source("MONRE/DCC", "Viet Nam grid emission factor 2023", 2024)
    fs = nc.FactorSet.from_factors([nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, src)])
    em = nc.Inventory([nc.Activity("electricity.grid", 10_000, "MWh", region="VN", year=2023, scope=2)]).emissions(fs)
    f = Facility("Binh Duong Plastics", "industry", emissions=em.total(), listed=True)
    md = inventory_report(em, f, period="2023")
    assert md.startswith("# GHG inventory report: Binh Duong Plastics, 2023") and "6,592" in md
    assert "MONRE/DCC" in md
    assert "<h2>IV. Results by gas</h2>" in inventory_report(em, f, period="2023", format="html")
    data = json.loads(inventory_report(em, f, period="2023", format="json"))
    assert data["total_t"] == pytest.approx(6_592.0)
    with pytest.raises(nc.InputError):
        inventory_report(em, f, period="2023", format="pdf")


def test_bad_input():
    with pytest.raises(nc.InputError) as err:
        Facility("F", "mining")
    assert err.value.column == "sector"
    with pytest.raises(nc.InputError) as err:
        Facility("F", "industry", energy_toe=-3)
    assert err.value.column == "energy_toe"
