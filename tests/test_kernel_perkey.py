"""Per-key work sized by what rows use: each (activity unit, factor unit) pair converted once, fuel-property
bridges once per triple, problems only for keys some row uses; figures worked by hand."""

from __future__ import annotations

import numpy as np
import pytest

import neutralcore as nc
import neutralcore.measure.convert as convert
from factors_fixture import published_factors

SRC = nc.Source("MONRE/DCC", "Viet Nam grid emission factor 2023", 2024)


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    calls: list[tuple[str, str]] = []
    real = convert.multiplier

    def counted(a: str, b: str) -> float:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(convert, "multiplier", counted)
    return calls


def test_one_pint_multiplier_per_unit_pair_whatever_the_keys(monkeypatch):
    """400 keys (20 sites x 10 years x 2 units), 1 factor unit: two pairs, two pint calls (kWh and MWh to MWh)."""
    calls = _counting(monkeypatch)
    years = list(range(2014, 2024))
    fs = nc.FactorSet.from_factors([nc.Factor("electricity.grid", f"R{r}", y, "t/MWh", {"CO2": 0.5}, SRC)
                                    for r in range(20) for y in years])
    n = 20 * len(years) * 2
    rows = np.arange(n)
    inv = nc.Inventory.from_columns(
        activity="electricity.grid", region=[f"R{i % 20}" for i in rows], year=[years[(i // 20) % 10] for i in rows],
        unit=["kWh" if i // 200 else "MWh" for i in rows], quantity=np.full(n, 1000.0), scope=2)
    res = inv.emissions(fs)
    # 200 rows of 1000 MWh and 200 of 1000 kWh, at 0.5 t/MWh: 100,000 + 100 t CO2
    assert res.total() == pytest.approx(100_100.0, rel=1e-12)
    assert sorted(set(calls)) == [("MWh", "MWh"), ("kWh", "MWh")]
    assert len(calls) == 2


def test_a_dense_key_no_row_uses_is_never_an_error():
    """Electricity in MWh and diesel in L: the dense space also holds (electricity, L) and (diesel, MWh); no row
    uses them, so no DimensionError, and they carry no emissions."""
    fs = published_factors()
    inv = nc.Inventory([nc.Activity("electricity.grid", 1200, "MWh", region="VN", year=2023, scope=2),
                        nc.Activity("fuel.diesel.stationary", 15_000, "L", region="VN", year=2023, scope=1)])
    res = inv.emissions(fs, gwp="AR5")
    # 1,200 MWh x 0.6592 = 791.04 t; 15,000 L of diesel (tests/test_kernel.py, worked by hand) = 40.25506178 t
    assert res.total() == pytest.approx(791.04 + 40.12348275 + 0.0016244325 * 28 + 0.0003248865 * 265, rel=1e-12)
    assert res.keys().rows.sum() == 2
    assert sorted(res.by("unit", gases=False)["unit"]) == ["L", "MWh"]


def test_a_used_key_with_a_wrong_unit_is_still_an_error_naming_its_row():
    fs = published_factors()
    inv = nc.Inventory([nc.Activity("electricity.grid", 1200, "MWh", region="VN", year=2023, scope=2),
                        nc.Activity("electricity.grid", 5, "kg", region="VN", year=2023, scope=2)])
    with pytest.raises(nc.DimensionError) as err:
        inv.emissions(fs)
    assert err.value.rows == [1]


def test_bridge_once_per_triple_gives_each_unit_its_own_figure():
    """Diesel in L, kg and TJ in one dense space: one triple, three bridges from the same properties."""
    fs = published_factors()
    q = {"L": 15_000.0, "kg": 12_592.5, "TJ": 0.5414775}  # the same diesel (tests/test_kernel.py)
    inv = nc.Inventory([nc.Activity("fuel.diesel.stationary", v, u, region="VN", year=2023, scope=1)
                        for u, v in q.items()])
    by_unit = inv.emissions(fs, gwp="AR5").by("unit")
    np.testing.assert_allclose(by_unit["CO2_t"], [40.12348275] * 3, rtol=1e-12)
