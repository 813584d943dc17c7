"""Issue 13: row numbers in the kernel's errors say what they are — file lines for a file, 0-based rows in memory."""

import pytest

import neutralcore as nc

SRC = nc.Source("MONRE/DCC", "Viet Nam grid emission factor 2023", 2024)
FS = nc.FactorSet.from_factors([nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, SRC)])
ROWS = "activity,quantity,unit,region,year,scope\nelectricity.grid,1,MWh,VN,2023,2\nheat.steam,5,GJ,VN,2023,2\n"


def test_in_memory_rows_are_named_0_based():
    inv = nc.Inventory.read_csv(ROWS.encode())
    inv = nc.Inventory.from_columns(**{k: list(v) for k, v in inv.to_columns().items()})
    with pytest.raises(nc.FactorNotFoundError, match=r"first rows \[1\] \(0-based\)"):
        inv.emissions(FS)


def test_file_rows_are_named_by_their_lines(tmp_path):
    path = tmp_path / "inv.csv"
    path.write_text(ROWS)
    with pytest.raises(nc.FactorNotFoundError, match=r"first lines \[3\] of .*inv\.csv \(rows \[1\], 0-based\)"):
        nc.Inventory.read_csv(path).emissions(FS)
