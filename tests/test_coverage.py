"""neutralcore.measure.coverage: which activities a region has, at which level and year."""

from __future__ import annotations

import pytest

import neutralcore as nc
from neutralcore.measure import coverage

SRC = nc.Source("test", "synthetic factors for coverage", 2024)


def _fs():
    f = lambda a, r, y, v=0.5: nc.Factor(a, r, y, "t/MWh", {"CO2": v}, SRC, pack="p")  # noqa: E731
    return nc.FactorSet.from_factors(
        [f("electricity.grid", "CN-JS", 2021), f("electricity.grid", "CN-JS", 2022), f("electricity.grid", "CN-EAST", 2023),
         f("heat.steam", "CN", 2020), f("fuel.gas", "World", 2006), f("fuel.gas", "TH", 2023)],
        regions={"CN": {}, "CN-EAST": "CN", "CN-JS": "CN-EAST"},
    )


def test_levels_years_and_fallbacks():
    t = coverage(_fs(), "CN-JS")
    rows = {r["activity"]: r for r in t}
    assert list(rows) == ["electricity.grid", "fuel.gas", "heat.steam"]  # sorted; TH's gas is not in the chain
    e = rows["electricity.grid"]
    # the newest data for Jiangsu is the East China grid's 2023 factor; Jiangsu itself has 2021-2022
    assert (e["level"], e["region_used"], e["year_used"], e["fallback"], e["own_years"]) == ("parent", "CN-EAST", 2023, "region", "2021-2022")
    assert (rows["heat.steam"]["level"], rows["heat.steam"]["region_used"]) == ("country", "CN")
    assert (rows["fuel.gas"]["level"], rows["fuel.gas"]["year_used"], rows["fuel.gas"]["own_years"]) == ("World", 2006, None)
    assert t.title == "Factor coverage of CN-JS"


def test_a_given_year():
    """For 2022 Jiangsu has its own factor; before 2020 there is no steam factor, so it is left out."""
    rows = {r["activity"]: r for r in coverage(_fs(), "cn-js", year=2022)}
    assert (rows["electricity.grid"]["level"], rows["electricity.grid"]["fallback"]) == ("own", "exact")
    assert rows["heat.steam"]["fallback"] == "region+year"
    assert "heat.steam" not in {r["activity"] for r in coverage(_fs(), "CN-JS", year=2019)}


def test_an_undeclared_province_on_the_vietnam_pack():
    """VN-SG: the grid factor comes from the country, VN 2023 (0.6592 t CO2/MWh, MONRE/DCC)."""
    rows = {r["activity"]: r for r in coverage("vietnam", "VN-SG")}
    e = rows["electricity.grid"]
    assert (e["level"], e["region_used"], e["year_used"], e["pack"]) == ("country", "VN", 2023, "vietnam")


def test_bad_input():
    with pytest.raises(nc.InputError):
        coverage(_fs(), "not a region")
    with pytest.raises(nc.NeutralcoreError):
        coverage(_fs(), "CN", year="20x3")
    assert len(coverage(nc.FactorSet.empty(), "VN")) == 0


def test_the_command_line(capsys):
    """neutralcore factors --coverage VN-SG [NAMES]: the table of neutralcore.measure.coverage(factors, region)."""
    from neutralcore.cli import main

    assert main(["factors", "--coverage", "VN-SG", "vietnam"]) == 0
    out = capsys.readouterr().out
    assert "Factor coverage of VN-SG" in out and "electricity.grid" in out and "country" in out
    assert main(["factors", "--coverage", "CN-JS"]) == 0  # the default packs
    out = capsys.readouterr().out
    assert "own" in out and "country" in out  # Jiangsu's own grid factor; the ETS and heat factors are China's
