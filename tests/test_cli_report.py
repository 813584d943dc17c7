"""`neutralcore report` on the bundled examples."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from neutralcore.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_report_with_factor_csv(capsys):
    assert main(["report", str(EXAMPLES / "office.csv"), "--factors", str(EXAMPLES / "grid_factors.csv"), "--by", "site"]) == 0
    out = capsys.readouterr().out
    # 850 + 910 MWh (Hanoi, 2023 and 2024 via year fallback) + 420 MWh (HCMC), all at 0.6592 t/MWh
    assert "Total: 1,437.056 t CO2e" in out
    assert "hanoi-office  1,160.192" in out
    assert "1 row(s) used a fallback factor" in out
    assert "MONRE" in out


def test_report_mixes_packs_csv_files_and_pack_directories(capsys):
    """The factory example from three kinds of source: the ipcc pack by name, the Viet Nam grid factors from a CSV
    file and the china pack read from its directory (pack.toml gives CN-JS its parent CN-EAST): the same
    4,838.258 t CO2e as the built-in packs give, since the values are the same published ones."""
    china_dir = Path(__file__).resolve().parent.parent / "src" / "neutralcore" / "plugins" / "china" / "data"
    factors = f"ipcc,{EXAMPLES / 'grid_factors.csv'},{china_dir}"
    assert main(["report", str(EXAMPLES / "factory.csv"), "--factors", factors]) == 0
    out = capsys.readouterr().out
    assert "Total: 4,838.258 t CO2e" in out
    assert "CN-JS   2023  CN-EAST" in out


def test_report_factors_path_that_is_neither_csv_nor_pack(tmp_path, capsys):
    assert main(["report", str(EXAMPLES / "factory.csv"), "--factors", str(tmp_path / "nothing.txt")]) == 2
    assert "neither a .csv file nor a pack directory" in capsys.readouterr().err


def test_report_bad_input_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("activity,quantity,unit,region,year,scope\nelectricity.grid,-5,MWh,VN,2023,2\n")
    assert main(["report", str(bad), "--factors", str(EXAMPLES / "grid_factors.csv")]) == 2
    err = capsys.readouterr().err
    assert "InvalidQuantityError" in err and "(line 2)" in err and str(bad) in err


def test_report_strict(capsys):
    code = main(["report", str(EXAMPLES / "office.csv"), "--factors", str(EXAMPLES / "grid_factors.csv"), "--strict"])
    assert code == 2
    assert "FallbackError" in capsys.readouterr().err


def test_console_script_entry_point():
    out = subprocess.run([sys.executable, "-m", "neutralcore.cli", "report", str(EXAMPLES / "office.csv"),
                          "--factors", str(EXAMPLES / "grid_factors.csv")], capture_output=True, text=True, check=True).stdout
    assert "Total: 1,437.056 t CO2e" in out


def test_report_reads_bom_crlf_quotes_and_spreadsheet_padding(tmp_path, capsys):
    inv = tmp_path / "inv.csv"
    inv.write_bytes(b"\xef\xbb\xbf\"activity\",\"quantity\",\"unit\",\"region\",\"year\",\"scope\"\r\n"
                    b"\"electricity.grid\",\"1000\",\"MWh\",\"vn\",\"2023\",\"Scope 2\"\r\n,,,,,\r\n\r\n\r\n")
    assert main(["report", str(inv), "--factors", str(EXAMPLES / "grid_factors.csv")]) == 0
    out = capsys.readouterr().out
    assert "Total: 659.200 t CO2e" in out  # 1,000 MWh x 0.6592 t/MWh
    assert "No fallbacks" in out


def test_report_header_only_and_empty(tmp_path, capsys):
    head = tmp_path / "head.csv"
    head.write_text("activity,quantity,unit,region,year,scope\n")
    assert main(["report", str(head), "--factors", str(EXAMPLES / "grid_factors.csv")]) == 0
    assert "Total: 0.000 t CO2e" in capsys.readouterr().out
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert main(["report", str(empty), "--factors", str(EXAMPLES / "grid_factors.csv")]) == 2
    assert "empty" in capsys.readouterr().err
    assert main(["report", str(tmp_path), "--factors", str(EXAMPLES / "grid_factors.csv")]) == 2
    assert "SchemaError" in capsys.readouterr().err


def test_python_dash_m_neutralcore():
    out = subprocess.run([sys.executable, "-m", "neutralcore", "report", str(EXAMPLES / "office.csv"),
                          "--factors", str(EXAMPLES / "grid_factors.csv")], capture_output=True, text=True, check=True).stdout
    assert "Total: 1,437.056 t CO2e" in out


def test_a_bare_name_is_a_pack_even_beside_a_folder_of_that_name(tmp_path, monkeypatch, capsys):
    """Run from a directory that holds a folder called 'vietnam': `--factors vietnam` still means the pack
    (1,000 MWh x 0.6592 t CO2/MWh, DCC 2023)."""
    (tmp_path / "vietnam").mkdir()
    inv = tmp_path / "vn.csv"
    inv.write_text("activity,quantity,unit,region,year,scope\nelectricity.grid,1000,MWh,VN,2023,2\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["report", "vn.csv", "--factors", "vietnam"]) == 0
    assert "Total: 659.200 t CO2e" in capsys.readouterr().out


def test_report_fallback_order(capsys):
    """--fallback region: Suzhou's 3,000 MWh in 2023 take Jiangsu's own 2022 factor (0.5978) instead of the East
    China grid's 2023 one (0.5500): 4,838.258 + 3,000 x (0.5978 - 0.5500) = 4,981.658 t CO2e."""
    assert main(["report", str(EXAMPLES / "factory.csv"), "--fallback", "region"]) == 0
    out = capsys.readouterr().out
    assert "Total: 4,981.658 t CO2e" in out and "Fallback:  the row's region first" in out
    assert "CN-JS   2023  CN-JS" in out
