"""Landfill CH4 by IPCC 2006 FOD (``neutralcore.measure.landfill``; issue 12: solid waste CH4).

Hand-worked: 1,000 t food waste deposited in 2020 at a managed anaerobic site, tropical wet climate, no oxidising
cover.  DDOCm = 1000 x DOC 0.15 x DOCf 0.5 x MCF 1 = 75 t; k = 0.4; e^-0.4 = 0.670320046, 1 - e^-0.4 = 0.329679954.
CH4 in year T = 75 x e^(-0.4 (T - 2021)) x 0.329679954 x F 0.5 x 16/12:
  2021: 75 x 0.329679954 x 0.5 x 4/3                     = 16.48399770 t CH4
  2022: 75 x 0.670320046 x 0.329679954 x 0.5 x 4/3       = 11.04955410 t CH4
  2030: 75 x e^-3.6 (0.027323722) x 0.329679954 x 2/3    =  0.45040418 t CH4
Shipped values are checked row by row against the EFDB export transcribed in
``tests/fixtures/published/ipcc2006_efdb_vol5_landfill.csv``.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neutralcore as nc
from neutralcore.measure.landfill import (CLIMATES, DEFAULTS, SITE_TYPES, Defaults, Deposit, Landfill, half_life,
                                          landfill_factors, landfill_inventory)

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "published" / "ipcc2006_efdb_vol5_landfill.csv"
DATA = ROOT / "src" / "neutralcore" / "data" / "landfill_ipcc2006.csv"

with FIXTURE.open(encoding="utf-8", newline="") as _f:
    PUBLISHED = {r["ef_id"]: r for r in csv.DictReader(_f)}


def _data_rows() -> list[dict[str, str]]:
    with DATA.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


SITE = Landfill("managed_anaerobic", "tropical_wet")
FOOD = [Deposit(2020, "food", 1000)]


@pytest.mark.parametrize("year, expected", [(2020, 0.0), (2021, 16.48399770), (2022, 11.04955410),
                                            (2030, 0.45040418)])
def test_hand_worked_food_waste(year: int, expected: float) -> None:
    r = SITE.ch4(FOOD, year=year)
    assert r.generated == pytest.approx(expected, abs=1e-7)
    assert r.emitted == pytest.approx(expected, abs=1e-7)


def test_recovery_and_oxidation_eq_3_1() -> None:
    site = Landfill("managed_anaerobic", "tropical_wet", oxidising_cover=True)
    r = site.ch4(FOOD, year=2021, recovered=6.48399770)
    assert r.ox == 0.1
    assert r.emitted == pytest.approx((16.48399770 - 6.48399770) * 0.9, abs=1e-7)  # 9.0 t CH4


def test_semi_aerobic_halves_and_other_waste_types() -> None:
    semi = Landfill("managed_semi_aerobic", "tropical_wet")
    assert semi.ch4(FOOD, year=2021).emitted == pytest.approx(16.48399770 / 2, abs=1e-7)
    # paper in tropical wet: 1000 x 0.40 x 0.5 x 1 x (1 - e^-0.07) x 0.5 x 4/3 = 200 x 0.067606 x 2/3 = 9.0141 t
    assert SITE.ch4([Deposit(2020, "paper", 1000)], year=2021).emitted == pytest.approx(
        200 * -math.expm1(-0.07) * 2 / 3, rel=1e-12)
    assert SITE.ch4([Deposit(2020, "paper", 1000)], year=2021).emitted == pytest.approx(9.0141, abs=1e-4)


def test_inventory_row_weighs_as_ch4() -> None:
    inv = landfill_inventory([SITE.ch4(FOOD, year=2021)], region="VN")
    e = inv.emissions(landfill_factors(inv), gwp="AR5")
    assert e.total() == pytest.approx(16.48399770 * 28, abs=1e-5)  # AR5 CH4 GWP100 = 28


# -- shipped values against the export ------------------------------------------------------------------------------

def test_every_shipped_value_is_its_export_row() -> None:
    rows = _data_rows()
    assert len(rows) == 38
    for row in rows:
        pub = PUBLISHED[row["ef_id"]]
        assert pub["category"].startswith("4.A"), row
        assert "2006 IPCC default" in pub["type_of_parameter"], row
        scale = 100 if pub["unit"] == "%" else 1
        assert float(row["value"]) == pytest.approx(float(pub["value"]) / scale, abs=1e-12), row


def test_k_rows_name_their_climate_and_class() -> None:
    zones = {"boreal_temperate_dry": ("Boreal", "Dry"), "boreal_temperate_wet": ("Boreal", "Wet"),
             "tropical_dry": ("Tropical", "Dry"), "tropical_wet": ("Tropical", "Wet")}
    classes = {"paper_textiles": "paper/textiles", "wood_straw": "wood/straw", "garden_putrescible": "garden",
               "food_sludge": "food waste"}
    for row in _data_rows():
        if row["parameter"] != "k":
            continue
        zone, cls = row["name"].split("/")
        pub = PUBLISHED[row["ef_id"]]
        assert pub["region"].startswith(zones[zone][0]) and zones[zone][1] in pub["region"], row
        assert classes[cls] in pub["conditions"].lower(), row


def test_half_lives_of_the_export_agree_with_ln2_over_k() -> None:
    # Table 3.3 prints half-lives rounded; 615097 (bulk, boreal wet: k 0.09 -> 7.7 y) is printed 7.
    for k_id in range(615068, 615088):
        k = float(PUBLISHED[str(k_id)]["value"])
        t = float(PUBLISHED[str(k_id + 20)]["value"])
        assert abs(half_life(k) - t) < 1.0, k_id


# -- invariants -----------------------------------------------------------------------------------------------------

WASTES = ["food", "garden", "paper", "textiles", "wood"]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(SITE_TYPES), st.sampled_from(CLIMATES), st.sampled_from(WASTES),
       st.floats(0, 1e6, allow_nan=False), st.booleans())
def test_total_over_long_horizon(site_type: str, climate: str, waste: str, tonnes: float, cover: bool) -> None:
    cover = cover and site_type.startswith("managed")
    site = Landfill(site_type, climate, oxidising_cover=cover)
    dep = [Deposit(1800, waste, tonnes)]
    years = 2300 - 1800  # the whole year range: e^-(500 k) is left undecayed, 4.5e-5 for the slowest k, 0.02
    total = math.fsum(site.ch4(dep, year=y).emitted for y in range(1801, 2301))
    expected = tonnes * DEFAULTS.doc[waste] * 0.5 * site.mcf * 0.5 * 16 / 12 * (1 - site.ox)
    assert total == pytest.approx(expected * -math.expm1(-site.k_of(waste) * years), rel=1e-9, abs=1e-9)
    assert total == pytest.approx(expected, rel=5e-5, abs=1e-9)  # W x DOC x DOCf x MCF x F x 16/12 x (1 - OX)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(WASTES), st.floats(0, 1e6, allow_nan=False), st.floats(0, 1), st.integers(1990, 2030),
       st.integers(1991, 2060))
def test_split_deposit_same_result_and_never_negative(waste: str, tonnes: float, share: float, dep_year: int,
                                                      year: int) -> None:
    whole = SITE.ch4([Deposit(dep_year, waste, tonnes)], year=year).emitted
    split = SITE.ch4([Deposit(dep_year, waste, tonnes * share), Deposit(dep_year, waste, tonnes * (1 - share))],
                     year=year).emitted
    assert split == pytest.approx(whole, rel=1e-12, abs=1e-12)
    assert whole >= 0


# -- bad input ------------------------------------------------------------------------------------------------------

def test_bad_input_is_a_typed_error() -> None:
    with pytest.raises(nc.InputError, match="site_type"):
        Landfill("open dump", "tropical_wet")
    with pytest.raises(nc.InputError, match="climate"):
        Landfill("managed_anaerobic", "humid")
    with pytest.raises(nc.InputError, match="managed sites only"):
        Landfill("unmanaged_deep", "tropical_wet", oxidising_cover=True)
    with pytest.raises(nc.InputError, match="waste"):
        Deposit(2020, "plastic", 10)
    with pytest.raises(nc.InvalidQuantityError, match="tonnes"):
        Deposit(2020, "food", -1)
    with pytest.raises(nc.InputError, match="no default DOC for 'sludge'"):
        SITE.ch4([Deposit(2020, "sludge", 10)], year=2021)
    with pytest.raises(nc.InputError, match="no default k for 'nappies'"):
        SITE.ch4([Deposit(2020, "nappies", 10)], year=2021)
    with pytest.raises(nc.InvalidQuantityError, match="recovered"):
        SITE.ch4(FOOD, year=2021, recovered=20)
    with pytest.raises(nc.InputError, match="item 1"):
        SITE.ch4([FOOD[0], "food"], year=2021)  # type: ignore[list-item]
    with pytest.raises(nc.InputError, match="doc"):
        Landfill("managed_anaerobic", "tropical_wet", doc={"sludge": 1.5})


def test_values_the_defaults_lack_can_be_given() -> None:
    site = Landfill("managed_anaerobic", "tropical_wet", doc={"sludge": 0.05}, k={"nappies": 0.1})
    # sludge takes the food/sludge k 0.4: 1000 x 0.05 x 0.5 x (1 - e^-0.4) x 2/3
    assert site.ch4([Deposit(2020, "sludge", 1000)], year=2021).emitted == pytest.approx(
        25 * 0.329679954 * 2 / 3, rel=1e-8)
    assert site.ch4([Deposit(2020, "nappies", 1000)], year=2021).emitted == pytest.approx(
        1000 * 0.24 * 0.5 * -math.expm1(-0.1) * 2 / 3, rel=1e-12)


def test_defaults_file_errors_say_where(tmp_path: Path) -> None:
    bad = DATA.read_text(encoding="utf-8").replace("doc,food,0.15", "doc,food,x")
    p = tmp_path / "d.csv"
    p.write_text(bad, encoding="utf-8")
    with pytest.raises(nc.SchemaError) as info:
        Defaults.read(p)
    assert info.value.line == 2 and info.value.column == "value"
    p.write_text(DATA.read_text(encoding="utf-8").replace("doc,food,", "dok,food,"), encoding="utf-8")
    with pytest.raises(nc.SchemaError, match="unknown parameter 'dok'"):
        Defaults.read(p)


def test_waste_page_examples_print_what_they_say(capsys: pytest.CaptureFixture[str]) -> None:
    """docs/waste.md: the example runs and prints the lines its ``# `` comments show."""
    import re

    text = (ROOT / "docs" / "waste.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks
    namespace: dict[str, object] = {}
    for i, block in enumerate(blocks):
        exec(compile(block, f"waste.md example {i + 1}", "exec"), namespace)  # noqa: S102 - our own docs
        lines = block.splitlines()
        shown = [line[2:] for prev, line in zip(lines, lines[1:]) if "print(" in prev and line.startswith("# ")]
        assert len(shown) == 2
        assert capsys.readouterr().out.splitlines() == shown


def test_defaults_file_must_be_complete_and_keep_the_modelled_delay(tmp_path: Path) -> None:
    text = DATA.read_text(encoding="utf-8")
    p = tmp_path / "d.csv"
    p.write_text("\n".join(line for line in text.splitlines() if not line.startswith("mcf,uncategorised")),
                 encoding="utf-8")
    with pytest.raises(nc.SchemaError, match="mcf uncategorised"):
        Defaults.read(p)
    p.write_text(text.replace("delay,,6,", "delay,,3,"), encoding="utf-8")
    with pytest.raises(nc.SchemaError, match="only the IPCC default of 6 months"):
        Defaults.read(p)
