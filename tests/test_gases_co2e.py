"""CO2e-only factors (unspecified gases) with the GWP basis their publisher used.

1,000 kWh x 0.20705 kg CO2e/kWh = 207.05 kg = 0.20705 t CO2e under its AR5 basis, shown as CO2e, not CO2
(the figure of issue 11's worked example, quoted there as a UK government conversion factor).
IPCC 2006 Vol. 2 Table 2.2 diesel (gas/diesel oil): CO2 74,100, CH4 3, N2O 0.6 kg/TJ, whose AR5 CO2e is
74,100 + 3 x 28 + 0.6 x 265 = 74,343 kg/TJ.
"""

from __future__ import annotations

import pytest

import neutralcore as nc

UK = nc.Source("UK DESNZ", "GHG conversion factors, UK electricity (the value quoted in issue 11)", 2024)
IPCC = nc.Source("IPCC", "2006 IPCC Guidelines, Vol. 2, Ch. 2, Table 2.2", 2006)


def electricity(basis: str = "AR5") -> tuple[nc.Inventory, nc.FactorSet]:
    fs = nc.FactorSet.from_factors([nc.Factor("electricity.grid", "GB", 2024, "kg/kWh", {"CO2e": 0.20705}, UK,
                                              gwp_basis=basis)])
    inv = nc.Inventory([nc.Activity("electricity.grid", 1000, "kWh", region="GB", year=2024, scope=2)])
    return inv, fs


def test_co2e_only_factor_is_shown_as_co2e_not_co2():
    inv, fs = electricity()
    res = inv.emissions(fs)
    assert res.total() == pytest.approx(0.20705, rel=1e-12)
    assert res.by_scope()[2] == pytest.approx(0.20705, rel=1e-12)
    assert res.total("CO2") == 0.0 and res.total("CO2e") == pytest.approx(0.20705, rel=1e-12)
    table = res.per_gas()
    assert table["gas"] == ["CO2e"] and table["kind"] == ["co2e"] and table["reported"] == ["in scopes"]
    assert "CO2e_t" in res.by("scope").columns and "CO2_t" not in res.by("scope").columns
    basis = res.co2e_basis()
    assert basis["gwp_basis"] == ["AR5"] and basis["same_basis"] == [True] and basis["rows"] == [1]
    assert "kept as published" not in repr(res)


def test_another_gwp_set_than_the_basis_is_allowed_and_stated():
    inv, fs = electricity()
    res = inv.emissions(fs, gwp="AR6")
    assert res.total() == pytest.approx(0.20705, rel=1e-12)  # not re-weighted: its gases are not known
    basis = res.co2e_basis()
    assert basis["activity"] == ["electricity.grid"] and basis["same_basis"] == [False]
    assert "1 row(s) carry CO2e published under AR5, kept as published (not AR6)" in repr(res)


def test_strict_refuses_a_co2e_amount_under_another_basis():
    inv, fs = electricity()
    with pytest.raises(nc.GWPBasisError, match=r"strict=True: \(electricity.grid, GB, 2024\) gives CO2e published "
                                               r"under AR5, not AR6") as info:
        inv.emissions(fs, gwp="AR6", strict=True)
    assert info.value.rows == [0]
    assert inv.emissions(fs, gwp="AR5", strict=True).total() == pytest.approx(0.20705, rel=1e-12)


def test_a_co2e_factor_without_its_basis_is_a_typed_error():
    with pytest.raises(nc.GWPBasisError, match=r"factor \(electricity.grid, GB, 2024\) gives CO2e but no gwp_basis"):
        nc.Factor("electricity.grid", "GB", 2024, "kg/kWh", {"CO2e": 0.20705}, UK)
    with pytest.raises(nc.UnknownGWPSetError):
        nc.Factor("electricity.grid", "GB", 2024, "kg/kWh", {"CO2e": 0.20705}, UK, gwp_basis="AR3")


HEAD = b"activity,region,year,gas,value,unit,publisher,document,source_year,gwp_basis\n"


def test_a_co2e_row_without_its_basis_names_file_and_line(tmp_path):
    text = HEAD + b"electricity.grid,GB,2024,CO2e,0.20705,kg/kWh,UK DESNZ,conversion factors,2024,\n"
    path = tmp_path / "factors.csv"
    path.write_bytes(text)
    with pytest.raises(nc.GWPBasisError, match="line 2: a CO2e amount for .* needs its gwp_basis") as info:
        nc.FactorSet.read_csv(path)
    assert info.value.line == 2 and info.value.column == "gwp_basis" and info.value.source == str(path)
    assert isinstance(info.value, nc.SchemaError)
    ok = nc.FactorSet.read_csv(text.replace(b"2024,\n", b"2024,ar5\n"))
    assert ok.factor(0).gwp_basis == "AR5" and ok.factor(0).gases == {"CO2e": 0.20705}


def test_gases_with_their_published_co2e_total_are_checked_and_not_counted_twice():
    factor = nc.Factor("fuel.diesel.stationary", "World", 2006, "kg/TJ",
                       {"CO2": 74_100, "CH4": 3, "N2O": 0.6, "CO2e": 74_343}, IPCC, gwp_basis="AR5")
    assert factor.co2e_total == 74_343 and "CO2e" not in factor.gases  # a check, not another amount
    assert factor == nc.Factor("fuel.diesel.stationary", "World", 2006, "kg/TJ", {"CO2": 74_100, "CH4": 3, "N2O": 0.6},
                               IPCC, gwp_basis="AR5", co2e_total=74_343)
    fs = nc.FactorSet.from_factors([factor])
    inv = nc.Inventory([nc.Activity("fuel.diesel.stationary", 1, "TJ", region="VN", year=2023, scope=1)])
    assert inv.emissions(fs).total() == pytest.approx(74.343, rel=1e-12)
    # the gases are re-weighted under any set: AR4 74,100 + 3 x 25 + 0.6 x 298 = 74,353.8 kg
    assert inv.emissions(fs, gwp="AR4").total() == pytest.approx(74.3538, rel=1e-12)
    assert "CO2e" not in inv.emissions(fs).gases
    with pytest.raises(nc.GWPBasisError, match=r"published CO2e 80000 disagrees with its gases weighted under AR5: "
                                               r"CO2 74100 x 1 \+ CH4 3 x 28 \+ N2O 0.6 x 265 = 74343"):
        nc.Factor("fuel.diesel.stationary", "World", 2006, "kg/TJ",
                  {"CO2": 74_100, "CH4": 3, "N2O": 0.6, "CO2e": 80_000}, IPCC, gwp_basis="AR5")


def test_a_disagreeing_total_in_a_pack_file_is_a_format_error_with_its_line():
    rows = [b"fuel.diesel.stationary,World,2006,CO2,74100,kg/TJ,IPCC,Table 2.2,2006,AR5",
            b"fuel.diesel.stationary,World,2006,CH4,3,kg/TJ,IPCC,Table 2.2,2006,",
            b"fuel.diesel.stationary,World,2006,N2O,0.6,kg/TJ,IPCC,Table 2.2,2006,",
            b"fuel.diesel.stationary,World,2006,CO2e,75000,kg/TJ,IPCC,Table 2.2,2006,AR5"]
    with pytest.raises(nc.GWPBasisError, match=r"line 2: factor \(fuel.diesel.stationary, World, 2006\): published "
                                               r"CO2e 75000 disagrees") as info:
        nc.FactorSet.read_csv(HEAD + b"\n".join(rows) + b"\n")
    assert info.value.line == 2
    rows[-1] = rows[-1].replace(b"75000", b"74343")
    assert nc.FactorSet.read_csv(HEAD + b"\n".join(rows) + b"\n").factor(0).gwp_basis == "AR5"


def test_basis_survives_merge_and_take():
    _inv, fs = electricity("AR4")
    other = nc.FactorSet.from_factors([nc.Factor("fuel.gas", "GB", 2024, "kg/kWh", {"CO2": 0.18}, UK)])
    merged = nc.FactorSet.merge(other, fs)
    assert [f.gwp_basis for f in merged] == [None, "AR4"]
    assert merged.where(activity="electricity.grid").factor(0).gwp_basis == "AR4"
    assert nc.FactorSet.merge(other, other.where(activity="fuel.gas")).gwp_basis_of(0) is None


def test_a_disagreeing_total_in_a_pack_is_a_pack_format_error(tmp_path):
    (tmp_path / "pack.toml").write_text(
        'name = "uk_test"\ntitle = "UK test"\nversion = "1"\napi = 1\nlicense = "OGL"\ndescription = "test"\n\n'
        '[sources.desnz]\npublisher = "UK DESNZ"\ndocument = "GHG conversion factors"\nyear = 2024\n')
    (tmp_path / "factors.csv").write_text(
        "activity,region,year,gas,value,unit,source,gwp_basis\n"
        "fuel.diesel.stationary,World,2024,CO2,2.5,kg/L,desnz,AR5\n"
        "fuel.diesel.stationary,World,2024,CO2e,2.7,kg/L,desnz,AR5\n")
    with pytest.raises(nc.PackFormatError, match="line 2") as info:
        nc.packs.FactorPack.from_directory(tmp_path).load()
    assert isinstance(info.value.__cause__, nc.GWPBasisError)


def test_a_co2e_total_needs_gases_and_a_basis_and_is_given_once():
    gases = {"CO2": 74_100, "CH4": 3, "N2O": 0.6}
    with pytest.raises(nc.GWPBasisError, match="no gwp_basis"):
        nc.Factor("fuel.diesel.stationary", "World", 2006, "kg/TJ", gases, IPCC, co2e_total=74_343)
    with pytest.raises(nc.GWPBasisError, match="both in gases and as co2e_total"):
        nc.Factor("fuel.diesel.stationary", "World", 2006, "kg/TJ", {**gases, "CO2e": 74_343}, IPCC, gwp_basis="AR5",
                  co2e_total=74_343)


def test_the_market_based_view_does_not_count_a_published_total_twice():
    """A residual mix given as CO2 0.5 t/MWh with its CO2e total 0.5 (AR5) is 0.5 t/MWh, not 1.0."""
    src = nc.Source("Test registry", "residual mix", 2024)
    fs = nc.FactorSet.from_factors([
        nc.Factor("electricity.grid", "XA", 2024, "t/MWh", {"CO2": 0.4}, src),
        nc.Factor("electricity.grid.residual", "XA", 2024, "t/MWh", {"CO2": 0.5, "CO2e": 0.5}, src, gwp_basis="AR5"),
    ])
    inv = nc.Inventory([nc.Activity("electricity.grid", 10, "MWh", region="XA", year=2024, scope=2)])
    res = inv.emissions(fs, scope2="market")
    assert res.scope2.market_total() == pytest.approx(5.0, rel=1e-12)
