"""Importers of published datasets, run on small fixture extracts (tests/fixtures/importers/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

import neutralcore as nc
from neutralcore.importers import read_epa_stationary, write_pack

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "importers"
EPA = FIXTURES / "epa_hub_table1_extract.csv"


def one(activity, quantity, unit, region="US", year=2024):
    return nc.Inventory([nc.Activity(activity, quantity, unit, region=region, year=year, scope=1)])


def test_epa_table1_reads_as_published():
    fs = read_epa_stationary(EPA, year=2024)
    assert len(fs) == 7
    gas = fs.get("fuel.natural_gas.stationary", "US", 2024)
    assert gas.unit == "kg/MMBtu" and gas.energy_basis == "gcv" and gas.gcv.unit == "MMBtu/scf"
    assert dict(gas.gases) == {"CO2": 53.06, "CH4": 1.0e-3, "N2O": 1.0e-4}
    assert "Table 1" in gas.source.document and gas.source.publisher == "US EPA"


def test_epa_natural_gas_worked_by_hand():
    """1,000,000 scf x 1.026E-03 mmBtu/scf = 1,026 mmBtu; x 53.06 kg = 54.43956 t CO2; CO2e (AR5) adds
    1.026 kg CH4 x 28 and 0.1026 kg N2O x 265: 54.43956 + 0.028728 + 0.027189 = 54.495477 t."""
    res = one("fuel.natural_gas.stationary", 1_000_000, "scf").emissions(read_epa_stationary(EPA, year=2024))
    assert res.total("CO2") == pytest.approx(54.43956, rel=1e-12)
    assert res.total() == pytest.approx(54.495477, rel=1e-12)


def test_epa_distillate_by_the_gallon_and_coal_by_the_short_ton():
    """1,000 gal No. 2 oil x 0.138 = 138 mmBtu: CO2 138 x 73.96 = 10,206.48 kg, CH4 0.414 kg, N2O 0.0828 kg;
    AR5 CO2e = 10.20648 + 0.011592 + 0.021942 = 10.240014 t.  10 short tons anthracite x 25.09 = 250.9 mmBtu
    x 103.69 kg = 26,015.821 kg CO2."""
    fs = read_epa_stationary(EPA, year=2024)
    oil = one("fuel.distillate_fuel_oil_no_2.stationary", 1000, "gal").emissions(fs)
    assert oil.total("CO2") == pytest.approx(10.20648, rel=1e-12)
    assert oil.total() == pytest.approx(10.240014, rel=1e-12)
    coal = one("fuel.anthracite_coal.stationary", 10, "short_ton").emissions(fs)
    assert coal.total("CO2") == pytest.approx(26.015821, rel=1e-12)


def test_epa_activity_keys_can_be_chosen():
    fs = read_epa_stationary(EPA, year=2024, activities={"Natural Gas": "fuel.natural_gas.stationary.commercial"})
    assert fs.get("fuel.natural_gas.stationary.commercial", "US", 2024) is not None
    with pytest.raises(nc.SchemaError, match="not dotted lowercase"):
        read_epa_stationary(EPA, year=2024, activities={"Natural Gas": "Natural Gas"})


@pytest.mark.parametrize("edit, line, column, says", [
    (("mmBtu per scf", "mmBtu per cubic foot"), 5, "Heat Content Unit", "not one of"),
    (("53.06", "fifty"), 5, "CO2 Factor (kg CO2 per mmBtu)", "not a number"),
    (("Motor Gasoline", "Natural Gas"), 8, "Fuel Type", "already given on line 5"),
])
def test_epa_bad_rows_name_file_line_and_column(tmp_path, edit, line, column, says):
    bad = tmp_path / "table1.csv"
    bad.write_text(EPA.read_text(encoding="utf-8").replace(*edit), encoding="utf-8")
    with pytest.raises(nc.SchemaError) as info:
        read_epa_stationary(bad, year=2024)
    assert info.value.line == line and info.value.column == column and says in str(info.value)
    assert info.value.source == str(bad)


def test_a_blank_cell_is_not_a_zero(tmp_path):
    """The Hub leaves a cell blank where it gives no value; a blank CH4 is no CH4 factor, not 0."""
    path = tmp_path / "table1.csv"
    path.write_text(EPA.read_text(encoding="utf-8").replace("53.06,1.0,0.10", "53.06,,"), encoding="utf-8")
    gas = read_epa_stationary(path, year=2024).get("fuel.natural_gas.stationary", "US", 2024)
    assert dict(gas.gases) == {"CO2": 53.06}


def test_write_pack_round_trips_and_passes_pack_check(tmp_path):
    from neutralcore.testing import check_factor_pack

    fs = read_epa_stationary(EPA, year=2024)
    pack_dir = write_pack(fs, tmp_path / "epa-hub", name="epa-hub", title="US EPA GHG Emission Factors Hub 2024",
                          version="2024.1", license="US public domain (17 U.S.C. 105)",
                          description="Table 1 stationary combustion")
    pack = nc.FactorPack.from_directory(pack_dir)
    back = pack.load()
    assert len(back) == len(fs)
    for f in fs:
        g = back.get(*f.key)
        assert dict(g.gases) == dict(f.gases) and g.energy_basis == "gcv" and g.gcv.value == f.gcv.value
        assert g.source == f.source
    check_factor_pack(pack_dir)
    res = one("fuel.natural_gas.stationary", 1_000_000, "scf").emissions(back)
    assert res.total("CO2") == pytest.approx(54.43956, rel=1e-12)


def test_docs_importers_examples_run(tmp_path, monkeypatch):
    import re

    monkeypatch.chdir(tmp_path)
    text = (Path(__file__).resolve().parents[1] / "docs" / "importers.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks
    namespace: dict = {}
    for i, block in enumerate(blocks):
        exec(compile(block, f"importers.md example {i + 1}", "exec"), namespace)  # noqa: S102 - our own docs
