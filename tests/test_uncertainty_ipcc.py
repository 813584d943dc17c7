"""The ipcc pack's published 95 % limits, row by row against a hand transcription, and what they do in a result.

``tests/fixtures/published/ipcc2006_table1_2_ncv_bounds.csv`` is typed from two secondary transcriptions of
the 2006 IPCC Guidelines, Vol. 2, Ch. 1, Table 1.2 ("Default net calorific values (NCVs) and lower and upper
limits of the 95% confidence intervals"), with each copy's figures in its own column; it is not generated
from the pack.  The pack is read here with the standard library's CSV reader.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

import neutralcore as nc

ROOT = Path(__file__).resolve().parents[1]
PROPERTIES = ROOT / "src" / "neutralcore" / "plugins" / "ipcc" / "data" / "properties.csv"
FACTORS = ROOT / "src" / "neutralcore" / "plugins" / "ipcc" / "data" / "factors.csv"
FIXTURE = ROOT / "tests" / "fixtures" / "published" / "ipcc2006_table1_2_ncv_bounds.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


PUBLISHED = {r["fuel"]: r for r in _rows(FIXTURE)}
PACK_NCV = [r for r in _rows(PROPERTIES) if r["property"] == "ncv"]


def _fuel_of(row: dict[str, str]) -> str:
    """The IPCC fuel name a pack property row cites: its notes start with it ("Natural Gas; Vol.2 Ch.1 Table 1.2 ...")."""
    return row["notes"].split(";", 1)[0]


def test_fixture_copies_agree_with_each_other():
    """Each bound shipped is read the same in both copies (copy A "default, lower, upper"; copy B "default (lower, upper)")."""
    for fuel, r in PUBLISHED.items():
        a = [float(x) for x in r["copy_a"].split(",")]
        b = [float(x) for x in re.findall(r"[\d.]+", r["copy_b"])]
        assert a == b == [float(r["default"]), float(r["lower"]), float(r["upper"])], fuel


@pytest.mark.parametrize("fuel", sorted(PUBLISHED))
def test_every_key_of_the_fuel_has_the_published_limits(fuel):
    pub = PUBLISHED[fuel]
    rows = [r for r in PACK_NCV if _fuel_of(r) == fuel]
    assert rows, fuel
    for r in rows:
        assert float(r["value"]) == float(pub["default"]), r["activity"]
        assert (float(r["lower"]), float(r["upper"])) == (float(pub["lower"]), float(pub["upper"])), r["activity"]
        assert r["unit"] == pub["unit"] == "TJ/Gg"
        assert r["distribution"] == "lognormal"


def test_no_other_row_carries_limits():
    """Every bound in the pack is one of the transcribed ones: none typed from elsewhere."""
    bounded = [r for r in _rows(PROPERTIES) if r.get("lower") or r.get("upper") or r.get("distribution")]
    assert {_fuel_of(r) for r in bounded} == set(PUBLISHED)
    assert all(r["property"] == "ncv" and r["source"] == "ipcc-2006-v2" for r in bounded)
    assert len(bounded) == 41  # natural gas 6 keys, diesel 9, gasoline 15, LPG 6, residual fuel oil 5


def test_no_factor_row_carries_limits():
    """Table 1.4's CO2 limits and Tables 2.2-2.5's CH4/N2O limits are not shipped (only one copy of 1.4 was found)."""
    rows = _rows(FACTORS)
    assert not any(r.get("lower") or r.get("upper") or r.get("uncertainty") for r in rows)


def test_the_loaded_pack_carries_the_interval():
    from neutralcore.plugins.ipcc import pack

    fs = pack.load()
    for act, (lo, hi) in {"fuel.lpg.stationary.manufacturing": (44.8, 52.2),
                          "fuel.natural_gas.stationary.residential": (46.5, 50.4),
                          "fuel.diesel.mobile.road": (41.4, 43.3)}.items():
        f = fs.get(act, "World", 2006)
        assert f is not None and f.ncv is not None and f.ncv.interval is not None
        assert (f.ncv.interval.lower, f.ncv.interval.upper, f.ncv.interval.distribution) == (lo, hi, "lognormal")
    coal = fs.get("fuel.coal.sub_bituminous.stationary", "World", 2006)
    assert coal is not None and coal.ncv is not None and coal.ncv.interval is None


def test_lpg_by_mass_is_no_longer_plus_minus_zero():
    """Regression: before the property limits were sampled, 100 t of LPG gave a 95 % range of exactly its total.
    Now it is 298.72 x [44.8, 52.2] / 47.3 = 282.93 to 329.67 t CO2e (lognormal, to sampling error)."""
    inv = nc.Inventory([nc.Activity("fuel.lpg.stationary.manufacturing", 100, "t", region="VN", year=2024, scope=1)])
    u = inv.emissions("ipcc").uncertainty(100_000, seed=4)
    assert u.total == pytest.approx(298.720785)
    assert u.low == pytest.approx(298.720785 * 44.8 / 47.3, rel=0.003)
    assert u.high == pytest.approx(298.720785 * 52.2 / 47.3, rel=0.003)
    # the factor's own gases still have no published uncertainty, and are listed as such
    assert sorted(u.without["gas"]) == ["CH4", "CO2", "N2O"] and u.share_without == pytest.approx(1.0)


def test_sector_keys_of_one_fuel_share_one_draw():
    """10 t of natural gas in manufacturing and 10 t in households use the one Table 1.2 NCV: one draw, so the
    range is the sum times the NCV's range, (a + b) x [46.5, 50.4]/48.0."""
    inv = nc.Inventory([nc.Activity("fuel.natural_gas.stationary.manufacturing", 10, "t", region="VN", year=2024, scope=1),
                        nc.Activity("fuel.natural_gas.stationary.residential", 10, "t", region="VN", year=2024, scope=1)])
    u = inv.emissions("ipcc").uncertainty(100_000, seed=2)
    assert len(u.properties) == 1
    assert u.low == pytest.approx(u.total * 46.5 / 48.0, rel=0.003)
    assert u.high == pytest.approx(u.total * 50.4 / 48.0, rel=0.003)


def test_rows_without_published_uncertainty_are_listed_in_the_matches():
    inv = nc.Inventory([nc.Activity("fuel.natural_gas.stationary.manufacturing", 1000, "GJ", region="VN", year=2024,
                                    scope=1)])
    res = inv.emissions("ipcc")
    assert res.matches.summary()["uncertainty"] == ["none"]
    u = res.uncertainty(1_000, seed=1)
    assert u.low == u.high == pytest.approx(56.1545)
    assert sorted(u.without["gas"]) == ["CH4", "CO2", "N2O"] and len(u.properties) == 0


def test_docs_uncertainty_example_prints_what_it_says(capsys):
    """docs/measure.md, uncertainty section: the example runs and prints the lines its ``# `` comments show."""
    text = (ROOT / "docs" / "measure.md").read_text(encoding="utf-8")
    start = text.index("## Uncertainty")
    nxt = text.find("\n## ", start + 1)
    section = text[start: nxt if nxt >= 0 else len(text)]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert blocks, "the uncertainty section has no Python example"
    for i, block in enumerate(blocks):
        namespace: dict = {}
        exec(compile(block, f"measure.md uncertainty example {i + 1}", "exec"), namespace)  # noqa: S102 - our own docs
        shown = [line[2:] for line in block.splitlines() if line.startswith("# ")]
        assert capsys.readouterr().out.splitlines() == shown, f"example {i + 1}"
    # the hand-worked figures the text quotes
    assert "56.15 + 298.72 × [44.8, 52.2] / 47.3 = 339.09 to 385.82 t" in section
    assert round(56.1545 + 298.720785 * 44.8 / 47.3, 2) == 339.09
    assert round(56.1545 + 298.720785 * 52.2 / 47.3, 2) == 385.82
    # the diesel example: 43 TJ x 74.343 t/TJ, the NCV's range and its lognormal median
    assert "74.343 × [41.4, 43.3] = 3,077.80 to\n3,219.05 t" in section
    assert "74.343 × √(41.4 × 43.3) = 3,147.63 t" in section
    assert round(43 * (74.1 + 0.003 * 28 + 0.0006 * 265), 2) == 3196.75
    assert [round(74.343 * x, 2) for x in (41.4, 43.3, (41.4 * 43.3) ** 0.5)] == [3077.80, 3219.05, 3147.63]
