"""The factor lockfile (issue 16): write, reproduce exactly, refuse an edited file, diff two runs."""

from __future__ import annotations

import json

import pytest

import neutralcore as nc
from neutralcore.measure.lock import lock_diff

SRC = nc.Source("MONRE/DCC", "Viet Nam grid emission factors", 2024)
GAS = nc.Source("IPCC", "2006 IPCC Guidelines, Vol. 2, Table 2.3", 2006)


def factors(grid_2023: float = 0.6592) -> nc.FactorSet:
    return nc.FactorSet.from_factors([
        nc.Factor("electricity.grid", "VN", 2022, "t/MWh", {"CO2": 0.6766}, SRC, pack="vietnam"),
        nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": grid_2023}, SRC, pack="vietnam"),
        nc.Factor("fuel.gas", "World", 2006, "kg/TJ", {"CO2": 56_100, "CH4": 5, "N2O": 0.1}, GAS, pack="ipcc"),
        nc.Factor("fuel.coal", "World", 2006, "kg/TJ", {"CO2": 94_600}, GAS, pack="ipcc"),  # unused
    ])


def inventory() -> nc.Inventory:
    return nc.Inventory([
        nc.Activity("electricity.grid", 1_200, "MWh", region="VN", year=2023, scope=2, site="BD-1"),
        nc.Activity("electricity.grid", 300, "MWh", region="VN", year=2024, scope=2, site="BD-2"),  # year fallback
        nc.Activity("fuel.gas", 40, "TJ", region="VN", year=2023, scope=1, site="BD-1"),           # region fallback
    ])


def test_lock_reproduces_the_result_exactly(tmp_path):
    em = inventory().emissions(factors(), gwp="AR6")
    data = em.lock(tmp_path / "run.lock.json", versions={"vietnam": "2024.1"})
    saved = json.loads((tmp_path / "run.lock.json").read_text())
    assert saved == data
    assert data["gwp"] == "AR6" and data["gwp_weights"]["CH4"] > 1 and data["inventory"]["rows"] == 3
    assert [f["key"] for f in data["factors"]] == ["electricity.grid|VN|2023", "fuel.gas|World|2006"]
    assert data["factors"][0]["pack"] == "vietnam@2024.1" and data["factors"][1]["pack"] == "ipcc"
    assert data["factors"][0]["hash"].startswith("sha256:")
    assert {f["fallback"] for f in data["fallbacks"]} == {"year", "region+year"}
    again = inventory().emissions(nc.FactorSet.from_lock(tmp_path / "run.lock.json"), gwp=data["gwp"])
    assert again.total() == em.total() == data["total_t"]
    assert again.by("site")["co2e_t"].tolist() == em.by("site")["co2e_t"].tolist()
    assert again.lock(tmp_path / "again.json")["inventory"]["digest"] == data["inventory"]["digest"]
    assert len(lock_diff(tmp_path / "run.lock.json", tmp_path / "again.json")) == 0


def test_edited_lockfile_is_refused(tmp_path):
    path = tmp_path / "run.lock.json"
    inventory().emissions(factors()).lock(path)
    data = json.loads(path.read_text())
    data["factors"][0]["gases"]["CO2"] = 0.1
    path.write_text(json.dumps(data))
    with pytest.raises(nc.InputError) as err:
        nc.FactorSet.from_lock(path)
    assert err.value.column == "factors" and err.value.source == str(path) and "edited" in str(err.value)
    path.write_text("{}")
    with pytest.raises(nc.InputError):
        nc.FactorSet.from_lock(path)
    path.write_text("not json")
    with pytest.raises(nc.InputError) as err:
        nc.FactorSet.from_lock(path)
    assert err.value.__cause__ is not None


def test_diff_lists_changed_factors(tmp_path):
    inventory().emissions(factors()).lock(tmp_path / "a.json")
    inventory().emissions(factors(0.6600), gwp="AR6").lock(tmp_path / "b.json")
    diff = lock_diff(tmp_path / "a.json", tmp_path / "b.json").to_dicts()
    assert diff[0]["key"] == "gwp" and diff[0]["before"] == "AR5" and diff[0]["after"] == "AR6"
    grid = [r for r in diff if r["key"] == "electricity.grid|VN|2023"]
    assert len(grid) == 1 and grid[0]["before"] == 0.6592 and grid[0]["after"] == 0.66
    assert grid[0]["change"] == pytest.approx(0.66 / 0.6592 - 1) and grid[0]["status"] == "changed"
    assert not [r for r in diff if r["key"] == "fuel.gas|World|2006"]


def test_lock_records_the_factor_each_key_used_not_a_prefix_match(tmp_path):
    """Regression: FactorSet.get matches a dotted prefix, so the lock must take the matched factor itself."""
    fs = nc.FactorSet.from_factors([
        nc.Factor("fuel.gas.stationary.energy_industries", "World", 2006, "kg/TJ", {"CO2": 1.0}, GAS),
        nc.Factor("fuel.gas.stationary", "World", 2006, "kg/TJ", {"CO2": 56_100}, GAS),
    ])
    inv = nc.Inventory([nc.Activity("fuel.gas.stationary", 10, "TJ", region="VN", year=2023, scope=1)])
    em = inv.emissions(fs)
    data = em.lock(tmp_path / "x.json")
    assert [f["key"] for f in data["factors"]] == ["fuel.gas.stationary|World|2006"]
    assert inv.emissions(nc.FactorSet.from_lock(tmp_path / "x.json")).total() == em.total() == 561.0


IPCC_DIESEL = nc.Source("IPCC", "2006 IPCC Guidelines, Vol. 2, Ch. 2, Table 2.2 (gas/diesel oil)", 2006)
DESNZ = nc.Source("UK DESNZ", "Greenhouse gas reporting: conversion factors 2024, UK electricity", 2024)


def test_lock_round_trips_a_published_co2e_total_and_a_co2e_only_factor(tmp_path):
    """Regression: the lock dropped gwp_basis and co2e_total, so a CO2e factor could not be read back."""
    fs = nc.FactorSet.from_factors([
        # 74,100 + 3 x 28 + 0.6 x 265 = 74,343 kg CO2e/TJ under AR5
        nc.Factor("fuel.diesel.stationary", "World", 2006, "kg/TJ", {"CO2": 74_100, "CH4": 3, "N2O": 0.6},
                  IPCC_DIESEL, gwp_basis="AR5", co2e_total=74_343),
        nc.Factor("electricity.grid", "GB", 2024, "kg/kWh", {"CO2e": 0.20705}, DESNZ, gwp_basis="AR5"),
    ])
    inv = nc.Inventory([nc.Activity("fuel.diesel.stationary", 2, "TJ", region="VN", year=2023, scope=1),
                        nc.Activity("electricity.grid", 1_000, "kWh", region="GB", year=2024, scope=2)])
    em = inv.emissions(fs)
    assert em.total() == pytest.approx(2 * 74.343 + 0.20705, rel=1e-12)
    data = em.lock(tmp_path / "run.lock.json")
    by_key = {f["key"]: f for f in data["factors"]}
    assert by_key["fuel.diesel.stationary|World|2006"]["co2e_total"] == 74_343.0
    assert by_key["fuel.diesel.stationary|World|2006"]["gwp_basis"] == "AR5"
    assert "co2e_total" not in by_key["electricity.grid|GB|2024"]
    back = nc.FactorSet.from_lock(tmp_path / "run.lock.json")
    assert back.get("fuel.diesel.stationary", "World", 2006).co2e_total == 74_343.0
    assert back.get("electricity.grid", "GB", 2024).gwp_basis == "AR5"
    assert inv.emissions(back).total() == em.total()


def test_a_factor_without_basis_or_total_is_written_as_before(tmp_path):
    """Fields added for co2e_total are written only where given, so older lockfiles keep verifying."""
    data = inventory().emissions(factors()).lock(tmp_path / "run.lock.json")
    assert {k for f in data["factors"] for k in f} == {
        "key", "activity", "region", "year", "unit", "gases", "source", "pack", "kind", "confidence", "notes", "ncv",
        "density", "uncertainty", "hash"}
