"""A factor used more than the pack's validity_years after its own year is a reported stale fallback."""

from __future__ import annotations

from importlib.resources import files

import pytest

import neutralcore as nc
from neutralcore.packs import FactorPack

SRC = nc.Source("test", "synthetic grid factors", 2024)


def _inv(*years: int) -> nc.Inventory:
    return nc.Inventory([nc.Activity("electricity.grid", 100, "MWh", region="VN", year=y, scope=2) for y in years])


def _fs(validity):
    return nc.FactorSet.from_factors([nc.Factor("electricity.grid", "VN", 2020, "t/MWh", {"CO2": 0.8}, SRC)],
                                     validity_years=validity)


def test_stale_after_the_validity():
    """Valid 3 years: 2023 (3 years after 2020) is a year fallback but not stale; 2024 (4 years) is stale."""
    res = _inv(2020, 2023, 2024).emissions(_fs(3))
    assert res.total() == pytest.approx(3 * 80.0)
    assert res.matches.stale.tolist() == [False, False, True]
    assert [res.matches[i]["stale"] for i in range(3)] == [False, False, True]
    s = res.matches.summary()
    assert s["stale"] == [False, False, True] and s["fallback"] == ["exact", "year", "year"]
    assert res.matches.stale_fallbacks()["year"] == [2024]
    assert "1 stale" in repr(res.matches)


def test_no_validity_means_never_stale():
    assert not _inv(2050).emissions(_fs(None)).matches.stale.any()
    assert _fs(3).with_validity(None).validity is None
    with pytest.raises(nc.InputError, match="validity years"):
        _fs(3).with_validity(-1)


def test_stale_is_an_error_under_strict():
    with pytest.raises(nc.FallbackError, match="stale fallback: 4 years after its year, more than its pack's validity of 3"):
        _inv(2023, 2024).emissions(_fs(3), strict=True)


def test_validity_is_per_pack_through_a_merge():
    """Only the factors of the pack that declares a validity go stale."""
    other = nc.FactorSet.from_factors([nc.Factor("heat.steam", "VN", 2010, "t/GJ", {"CO2": 0.07}, SRC)])
    merged = nc.FactorSet.merge(other, _fs(3))
    inv = nc.Inventory([nc.Activity("electricity.grid", 1, "MWh", region="VN", year=2030, scope=2),
                        nc.Activity("heat.steam", 1, "GJ", region="VN", year=2030, scope=2)])
    assert inv.emissions(merged).matches.stale.tolist() == [True, False]
    assert merged.where(activity="electricity.grid").validity.tolist() == [3]


def _pack_copy(tmp_path, extra: str):
    src = files("neutralcore.plugins.vietnam") / "data"
    dest = tmp_path / "vn"
    dest.mkdir()
    for name in ("pack.toml", "factors.csv"):
        (dest / name).write_bytes((src / name).read_bytes())
    text = (dest / "pack.toml").read_text(encoding="utf-8")
    (dest / "pack.toml").write_text(text.replace('api = 1\n', f'api = 1\n{extra}\n', 1), encoding="utf-8")
    return dest


def test_validity_years_in_pack_toml(tmp_path):
    """validity_years = 1 in pack.toml: Viet Nam 2025 on the 2023 factor (0.6592) is stale, 2024 is not."""
    pack = FactorPack.from_directory(_pack_copy(tmp_path, "validity_years = 1"))
    assert pack.validity_years == 1
    res = _inv(2024, 2025).emissions(pack.load())
    assert res.total() == pytest.approx(2 * 65.92)
    assert res.matches.stale.tolist() == [False, True]


@pytest.mark.parametrize("bad", ['"3"', "-1", "true", "2.5"])
def test_bad_validity_years(tmp_path, bad):
    with pytest.raises(nc.PackFormatError, match="validity_years") as info:
        FactorPack.from_directory(_pack_copy(tmp_path, f"validity_years = {bad}"))
    assert info.value.line is not None
