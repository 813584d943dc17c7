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
    # 2023: (850 + 420) MWh x 0.6592 t/MWh = 837.184 t; 2024: 910 MWh x 0.6592 (the 2023 factor, by year fallback)
    # = 599.872 t.  The two years are never added into one total.
    assert "Total: 837.184 t CO2e in 2023; 599.872 t CO2e in 2024" in out
    assert "1,437.056" not in out
    assert "2023  hanoi-office   560.32" in out and "2024  hanoi-office  599.872" in out
    assert "1 row(s) used a fallback factor" in out
    assert "MONRE" in out


def test_report_mixes_packs_csv_files_and_pack_directories(capsys):
    """The factory example from three kinds of source: the ipcc pack by name, the Viet Nam grid factors from a CSV
    file and the china pack read from its directory (pack.toml gives CN-JS its parent CN-EAST): the same
    4,936.358 t CO2e as the built-in packs give, since the values are the same published ones."""
    china_dir = Path(__file__).resolve().parent.parent / "src" / "neutralcore" / "plugins" / "china" / "data"
    factors = f"ipcc,{EXAMPLES / 'grid_factors.csv'},{china_dir}"
    assert main(["report", str(EXAMPLES / "factory.csv"), "--factors", factors]) == 0
    out = capsys.readouterr().out
    assert "Total: 4,936.358 t CO2e (2023)" in out
    assert "CN-EAST" not in out  # Jiangsu's own 2023 factor: no grid fallback to list


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
    assert "Total: 837.184 t CO2e in 2023; 599.872 t CO2e in 2024" in out


def test_report_reads_bom_crlf_quotes_and_spreadsheet_padding(tmp_path, capsys):
    inv = tmp_path / "inv.csv"
    inv.write_bytes(b"\xef\xbb\xbf\"activity\",\"quantity\",\"unit\",\"region\",\"year\",\"scope\"\r\n"
                    b"\"electricity.grid\",\"1000\",\"MWh\",\"vn\",\"2023\",\"Scope 2\"\r\n,,,,,\r\n\r\n\r\n")
    assert main(["report", str(inv), "--factors", str(EXAMPLES / "grid_factors.csv")]) == 0
    out = capsys.readouterr().out
    assert "Total: 659.200 t CO2e" in out  # 1,000 MWh x 0.6592 t/MWh
    assert "Fallbacks: none: every row matched a factor for its own region and year" in out


def test_report_header_only_and_empty(tmp_path, capsys):
    head = tmp_path / "head.csv"
    head.write_text("activity,quantity,unit,region,year,scope\n")
    assert main(["report", str(head), "--factors", str(EXAMPLES / "grid_factors.csv")]) == 0
    assert "Total: 0 t CO2e (no rows)" in capsys.readouterr().out
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert main(["report", str(empty), "--factors", str(EXAMPLES / "grid_factors.csv")]) == 2
    assert "empty" in capsys.readouterr().err
    assert main(["report", str(tmp_path), "--factors", str(EXAMPLES / "grid_factors.csv")]) == 2
    assert "SchemaError" in capsys.readouterr().err


def test_python_dash_m_neutralcore():
    out = subprocess.run([sys.executable, "-m", "neutralcore", "report", str(EXAMPLES / "office.csv"),
                          "--factors", str(EXAMPLES / "grid_factors.csv")], capture_output=True, text=True, check=True).stdout
    assert "Total: 837.184 t CO2e in 2023; 599.872 t CO2e in 2024" in out


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
    """--fallback region is applied and reported; Suzhou's 3,000 MWh in 2023 have Jiangsu's own 2023 factor
    (0.5827), which both orders take, so the total is the default's 4,936.358 t CO2e (the orders' difference is
    tested in test_fallback_latest.py)."""
    assert main(["report", str(EXAMPLES / "factory.csv"), "--fallback", "region"]) == 0
    out = capsys.readouterr().out
    assert "Total: 4,936.358 t CO2e" in out and "Fallback:  the row's region first" in out
    assert "CN-EAST" not in out


# -- years, formats, scope 2 ----------------------------------------------------------------------------------


def test_report_json_totals_per_year_never_summed(capsys):
    """2023: (850 + 420) MWh x 0.6592 = 837.184 t; 2024: 910 MWh x 0.6592 = 599.872 t (year fallback)."""
    import json

    assert main(["report", str(EXAMPLES / "office.csv"), "--factors", str(EXAMPLES / "grid_factors.csv"),
                 "--by", "site", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["facts"]["totals_t"] == {"2023": pytest.approx(837.184), "2024": pytest.approx(599.872)}
    assert data["facts"]["scope2_basis"] == "location" and data["facts"]["gwp"] == "GWP100 AR5"
    by = [(r["year"], r["site"], round(r["co2e_t"], 6)) for r in data["tables"]["by"]]
    assert by == [(2023, "hanoi-office", 560.32), (2023, "hcmc-office", 276.864), (2024, "hanoi-office", 599.872)]
    assert data["facts"]["fallback_rows"] == 1
    assert data["tables"]["fallbacks"][0]["year_used"] == 2023


def test_report_states_the_scope2_basis(capsys):
    assert main(["report", str(EXAMPLES / "office.csv"), "--factors", str(EXAMPLES / "grid_factors.csv")]) == 0
    assert "Scope 2:   location-based" in capsys.readouterr().out


def test_report_market_based_with_instruments(tmp_path, capsys):
    """1,000 MWh in Viet Nam 2023; 400 MWh of I-RECs retired for Acme: market-based (1,000 - 400) x 0.6592 =
    395.52 t (no residual mix for Viet Nam: the grid average, disclosed), location-based 659.2 t."""
    import json

    inv = tmp_path / "inv.csv"
    inv.write_text("activity,quantity,unit,region,year,scope\nelectricity.grid,1000,MWh,VN,2023,2\n", encoding="utf-8")
    ins = tmp_path / "instruments.csv"
    ins.write_text("kind,mwh,market,vintage,retired_for,id\nI-REC,400,VN,2023,Acme,IREC-1\n", encoding="utf-8")
    assert main(["report", str(inv), "--factors", "vietnam", "--scope2", "market", "--instruments", str(ins),
                 "--entity", "Acme", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["facts"]["scope2_basis"] == "market"
    assert data["facts"]["totals_t"] == {"2023": pytest.approx(395.52)}
    assert data["tables"]["scope2"] == [{"year": 2023, "scope2_location_t": pytest.approx(659.2),
                                         "scope2_market_t": pytest.approx(395.52)}]
    assert any("No residual mix" in n for n in data["notes"])
    assert main(["report", str(inv), "--factors", "vietnam", "--scope2", "market", "--instruments", str(ins),
                 "--entity", "Acme"]) == 0
    assert "Scope 2:   market-based" in capsys.readouterr().out


def test_report_bad_instrument_names_file_line_and_column(tmp_path, capsys):
    ins = tmp_path / "instruments.csv"
    ins.write_text("kind,mwh,market,vintage\nI-REC,400,VN,2023\nI-REC,lots,VN,2023\n", encoding="utf-8")
    assert main(["report", str(EXAMPLES / "office.csv"), "--factors", "vietnam", "--instruments", str(ins),
                 "--entity", "Acme"]) == 2
    err = capsys.readouterr().err
    assert "SchemaError" in err and str(ins) in err and "line 3" in err and "'mwh'" in err


def test_report_formats_and_output_file(tmp_path, capsys):
    args = ["report", str(EXAMPLES / "office.csv"), "--factors", str(EXAMPLES / "grid_factors.csv")]
    assert main([*args, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "year,scope,co2e_t,CO2_t"
    assert lines[1:] == ["2023,2,837.184,837.184", "2024,2,599.872,599.872"]
    assert main([*args, "--format", "markdown"]) == 0
    md = capsys.readouterr().out
    assert md.startswith("# Emissions of ") and "| year | scope | co2e\\_t | CO2\\_t |" in md
    html_file = tmp_path / "report.html"
    assert main([*args, "-o", str(html_file)]) == 0
    assert capsys.readouterr().out == ""
    page = html_file.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<dt>Scope 2</dt>" in page and "location-based" in page
    assert main([*args, "-o", str(tmp_path / "r.json")]) == 0
    assert (tmp_path / "r.json").read_text(encoding="utf-8").lstrip().startswith("{")


def test_report_csv_neutralises_formula_cells(tmp_path, capsys):
    inv = tmp_path / "inv.csv"
    inv.write_text("activity,quantity,unit,region,year,scope,site\nelectricity.grid,1000,MWh,VN,2023,2,=HYPERLINK(1)\n",
                   encoding="utf-8")
    assert main(["report", str(inv), "--factors", "vietnam", "--by", "site", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("2023,'=HYPERLINK(1),659.2")


def test_report_unknown_extension_reader(tmp_path, capsys):
    """A .parquet file is read by Inventory.read_parquet; an unreadable one is an error naming the file."""
    bad = tmp_path / "inv.parquet"
    bad.write_bytes(b"not parquet")
    assert main(["report", str(bad), "--factors", "vietnam"]) == 2
    assert str(bad) in capsys.readouterr().err


def test_docs_cli_report_example_is_what_the_command_prints(capsys):
    """Every line docs/cli.md shows for `neutralcore report examples/office.csv ...` is in the real output."""
    import re

    text = (EXAMPLES.parent / "docs" / "cli.md").read_text(encoding="utf-8")
    block = re.search(r"\$ neutralcore report examples/office.csv (.*?)\n(.*?)```", text, flags=re.S)
    assert block is not None
    args = block.group(1).split()
    assert main(["report", str(EXAMPLES / "office.csv"), *[str(EXAMPLES.parent / a) if a.startswith("examples/") else a
                                                              for a in args]]) == 0
    out = capsys.readouterr().out.replace(str(EXAMPLES.parent) + "/", "")
    for line in block.group(2).splitlines():
        if line.strip():
            assert line in out, line


@pytest.mark.parametrize("suffix", [".parquet", ".xlsx"])
def test_report_reads_parquet_and_excel_by_extension(suffix, tmp_path, capsys):
    """The office example as Parquet and as Excel gives the CSV's figures: 837.184 t in 2023, 599.872 t in 2024."""
    import csv
    import json

    rows = list(csv.reader((EXAMPLES / "office.csv").read_text(encoding="utf-8").splitlines()))
    header, body = rows[0], [[int(v) if v.isdigit() else v for v in r] for r in rows[1:]]
    path = tmp_path / f"office{suffix}"
    if suffix == ".parquet":
        pa = pytest.importorskip("pyarrow")
        pq = pytest.importorskip("pyarrow.parquet")
        pq.write_table(pa.table({h: [r[j] for r in body] for j, h in enumerate(header)}), path)
    else:
        openpyxl = pytest.importorskip("openpyxl")
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(header)
        for r in body:
            sheet.append(r)
        book.save(path)
    args = ["--factors", str(EXAMPLES / "grid_factors.csv"), "--by", "site", "--format", "json"]
    assert main(["report", str(path), *args]) == 0
    got = json.loads(capsys.readouterr().out)
    assert main(["report", str(EXAMPLES / "office.csv"), *args]) == 0
    want = json.loads(capsys.readouterr().out)
    assert got["facts"]["totals_t"] == want["facts"]["totals_t"] == {"2023": pytest.approx(837.184),
                                                                     "2024": pytest.approx(599.872)}
    assert got["tables"]["by"] == want["tables"]["by"]


def test_factors_coverage_of_a_region(capsys):
    """neutralcore.measure.coverage through the command line: Viet Nam's grid factor is its own, 2023 (MONRE/DCC)."""
    import json

    assert main(["factors", "vietnam", "--coverage", "VN", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    rows = {r["activity"]: r for r in data["tables"]["coverage"]}
    grid = rows["electricity.grid"]
    assert (grid["level"], grid["region_used"], grid["year_used"], grid["fallback"]) == ("own", "VN", 2023, "exact")
    assert data["facts"]["activities"] == len(rows) and data["facts"]["region"] == "VN"
    assert main(["factors", "--coverage", "CN-JS"]) == 0  # the built-in packs by default
    assert "electricity.grid " in capsys.readouterr().out
