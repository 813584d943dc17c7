"""The claim report and the Viet Nam inventory report say what each emission factor behind E is (issue 12).

Hand-worked case: 1,000 MWh of grid electricity bought in Ho Chi Minh City (``VN-SG``) in 2023 with the
``vietnam`` pack: the province falls back to VN, whose 2023 factor is the DCC-announced combined margin of
CDM Tool 07, 0.6592 t CO2/MWh (DCC letter 1726/BĐKH-PTCBT of 3 December 2024), so E = 1,000 x 0.6592 =
659.2 t CO2e.  The report must show the factor's kind ("combined margin (CM)", "Tool 07"), its value and its
citation (the letter by number and date, with the letter's year 2024) in Markdown, HTML and JSON.
"""

from __future__ import annotations

import functools
import html
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neutralcore as nc
from neutralcore.claim import Balance
from neutralcore.claim.reading import FactorUsed, factors_used
from neutralcore.claim.report import FACTORS_HEADING
from neutralcore.claim.vietnam import Facility, inventory_report
from neutralcore.errors import ClaimError, InputError
from neutralcore.offsets import Period

LETTER = "DCC official letter No. 1726/BĐKH-PTCBT of 3 December 2024"
KIND = ("the combined margin (CM) of the CDM 'Tool to calculate the emission factor for an electricity system' "
        "(Tool 07), which Vietnamese GHG reporters use as the national grid factor")


def hcmc(year: int = 2023, *rows: nc.Activity) -> nc.Emissions:
    inv = nc.Inventory([nc.Activity("electricity.grid", 1000, "MWh", region="VN-SG", year=year, scope=2), *rows])
    return inv.emissions(nc.load_factors("vietnam"), gwp="AR5")


def balance(res: nc.Emissions, year: int = 2023) -> Balance:
    return Balance.from_emissions(res, subject="Saigon Garments", subject_type="organisation",
                                  period=Period.year(year))


def test_the_balance_carries_the_grid_factor_it_used():
    b = balance(hcmc())
    assert b.emissions == pytest.approx(659.2, rel=1e-12)
    (f,) = b.factors_used
    assert (f.activity, f.region, f.year, f.unit, f.values) == ("electricity.grid", "VN", 2023, "t/MWh",
                                                               (("CO2", 0.6592),))
    assert KIND in f.kind
    assert LETTER in f.source and "(2024)" in f.source and "(2025)" not in f.source
    assert (f.confidence, f.pack) == ("B", "vietnam")


def test_markdown_report_names_kind_value_and_letter():
    md = balance(hcmc()).report("markdown", as_of="2024-06-30")
    section = md.split(f"## {FACTORS_HEADING}\n", 1)[1].split("\n## ", 1)[0]
    (row,) = [line for line in section.splitlines() if line.startswith("| electricity.grid")]
    cells = [c.strip() for c in row.strip("|").split(" | ")]
    assert cells[:4] == ["electricity.grid", "VN", "2023", "CO2 0.6592 t/MWh"]
    assert KIND in cells[4]
    assert LETTER in cells[5] and "(2024)" in cells[5]
    assert cells[6:] == ["B", "vietnam"]
    assert md.index(f"## {FACTORS_HEADING}") < md.index("## Removals")


def test_html_report_names_kind_value_and_letter():
    text = balance(hcmc()).report("html", as_of="2024-06-30")
    section = text.split(f"<h2>{FACTORS_HEADING}</h2>", 1)[1].split("</section>", 1)[0]
    assert "CO2 0.6592 t/MWh" in section
    assert html.escape(KIND) in section
    assert LETTER in section and "(2024)" in section


def test_json_report_lists_the_factors_used():
    data = json.loads(balance(hcmc()).report("json", as_of="2024-06-30"))
    (row,) = data["balance"]["factors_used"]
    assert row["activity"] == "electricity.grid" and (row["region"], row["year"]) == ("VN", 2023)
    assert row["values"] == {"CO2": 0.6592} and row["unit"] == "t/MWh"
    assert KIND in row["kind"] and LETTER in row["source"]
    assert (row["confidence"], row["pack"]) == ("B", "vietnam")


def test_2022_cites_letter_327():
    (f,) = balance(hcmc(2022), 2022).factors_used
    assert f.values == (("CO2", 0.6766),)
    assert "DCC official letter No. 327/BĐKH-PTCBT of 19 March 2024" in f.source and "(2024)" in f.source


def test_a_year_without_a_factor_lists_the_one_it_fell_back_to():
    # 2024: no DCC letter found, so the 2023 factor by year fallback (1,000 x 0.6592 = 659.2 t)
    b = balance(hcmc(2024), 2024)
    assert b.emissions == pytest.approx(659.2, rel=1e-12)
    assert [(f.region, f.year) for f in b.factors_used] == [("VN", 2023)]


def test_each_factor_is_listed_once_sorted_by_activity():
    # two grid rows and a Decision 2626 row: 20 TJ of FO in manufacturing
    fo = nc.Activity("fuel.residual_fuel_oil.stationary.manufacturing", 20, "TJ", region="VN", year=2023, scope=1)
    grid = nc.Activity("electricity.grid", 500, "MWh", region="VN", year=2023, scope=2)
    b = balance(hcmc(2023, fo, grid))
    assert [f.activity for f in b.factors_used] == ["electricity.grid",
                                                    "fuel.residual_fuel_oil.stationary.manufacturing"]
    fuel = b.factors_used[1]
    assert "2626/QĐ-BTNMT" in fuel.source and fuel.kind
    assert dict(fuel.values)["CO2"] == 77400.0 and fuel.unit == "kg/TJ"


def test_a_balance_given_as_figures_has_no_factor_section():
    b = Balance(subject="Acme Ltd", subject_type="organisation", period=Period.year(2024), emissions=100.0,
                by_scope={1: 100.0}, gwp_set="AR5 GWP100", scope2_basis="location")
    assert b.factors_used == ()
    assert FACTORS_HEADING not in b.report("markdown") and FACTORS_HEADING not in b.report("html")
    assert json.loads(b.report("json"))["balance"]["factors_used"] == []
    assert factors_used(object()) == ()


def test_a_factor_without_a_kind_says_so():
    src = nc.Source("Acme Energy", "Supplier letter 2024", 2024)
    fs = nc.FactorSet.from_factors([nc.Factor("electricity.grid", "VN", 2024, "t/MWh", {"CO2": 0.5}, src)])
    res = nc.Inventory([nc.Activity("electricity.grid", 10, "MWh", region="VN", year=2024, scope=2)]).emissions(fs)
    md = balance(res, 2024).report("markdown", as_of="2025-06-30")
    row = "| electricity.grid | VN | 2024 | CO2 0.5 t/MWh | not stated | Acme Energy, Supplier letter 2024 (2024) |"
    assert row in md


def test_bad_factor_lines_are_refused():
    with pytest.raises(InputError, match="factors_used"):
        Balance(subject="Acme Ltd", subject_type="organisation", period=Period.year(2024), emissions=1.0,
                by_scope={1: 1.0}, gwp_set="AR5 GWP100", scope2_basis="location", factors_used=["grid"])
    with pytest.raises(InputError, match="finite"):
        FactorUsed("electricity.grid", "VN", 2023, "t/MWh", (("CO2", float("nan")),), "", "")


def test_unreadable_factors_are_a_claim_error():
    class Broken:
        class matches:  # noqa: N801 - a look-alike's attribute
            factor_index = [0]

        class factors:  # noqa: N801
            @staticmethod
            def factor(i: int) -> object:
                raise IndexError(i)

    with pytest.raises(ClaimError, match="cannot read the factors Broken used"):
        factors_used(Broken())


@pytest.mark.parametrize("fmt", ["markdown", "html", "json"])
def test_viet_nam_inventory_report_names_the_kind(fmt):
    res = hcmc()
    f = Facility("Saigon Garments", "industry", emissions=res.total(), province="Ho Chi Minh City")
    text = inventory_report(res, f, period="2023", format=fmt)
    if fmt == "json":
        (row,) = json.loads(text)["sections"]["III. Emission factors"]
        assert KIND in row["kind"] and LETTER in row["source"]
    else:
        assert (html.escape(KIND) if fmt == "html" else KIND.replace("_", "\\_")) in text
        assert LETTER in text


def test_the_claim_command_writes_the_factor_section(tmp_path, capsys):
    """``neutralcore claim`` with ``inventory =``: the Markdown report file names the grid factor's kind and letter."""
    from neutralcore.cli import main

    (tmp_path / "inv.csv").write_text("activity,quantity,unit,region,year,scope\n"
                                      "electricity.grid,1000,MWh,VN-SG,2023,2\n", encoding="utf-8")
    (tmp_path / "claim.toml").write_text('subject = "Saigon Garments"\nperiod = 2023\ninventory = "inv.csv"\n'
                                         'factors = "vietnam"\nboundary = "Scope 2"\nas_of = "2024-06-30"\n'
                                         'report = "report.md"\n', encoding="utf-8")
    assert main(["claim", str(tmp_path / "claim.toml"), "--format", "json"]) == 1  # no credits: a shortfall
    capsys.readouterr()
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert f"## {FACTORS_HEADING}" in md and KIND in md and LETTER in md
    assert "| electricity.grid | VN | 2023 | CO2 0.6592 t/MWh |" in md


@functools.lru_cache(maxsize=1)
def _vietnam() -> nc.FactorSet:
    return nc.load_factors("vietnam")


_KEYS = ("electricity.grid", "fuel.diesel.mobile.road", "fuel.residual_fuel_oil.stationary.manufacturing",
         "fuel.biomass.stationary.manufacturing", "wastewater.industrial.cod.shallow_anaerobic")
_UNITS = {"electricity.grid": "MWh", "wastewater.industrial.cod.shallow_anaerobic": "kg"}


@given(st.lists(st.tuples(st.sampled_from(_KEYS), st.sampled_from(["VN", "VN-SG", "VN-HN"]),
                          st.integers(2022, 2025), st.floats(0, 1e4, allow_nan=False)), min_size=1, max_size=12))
@settings(max_examples=25, deadline=None)
def test_the_listed_factors_are_exactly_the_matched_ones(rows):
    """Invariant: one line per factor the matches used, never one more or less, sorted."""
    inv = nc.Inventory([nc.Activity(a, q, _UNITS.get(a, "TJ"), region=r, year=y,
                                    scope=2 if a == "electricity.grid" else 1) for a, r, y, q in rows])
    res = inv.emissions(_vietnam())
    listed = [(f.activity, f.region, f.year) for f in factors_used(res)]
    s = res.matches.summary()
    assert listed == sorted(set(zip(s["activity"], s["region_used"], s["year_used"])))
