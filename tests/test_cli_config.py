"""Errors in the TOML files of the command line name the file, the key and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from neutralcore.cli import main
from neutralcore.cli.config import Config, key_text

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "binh-duong.csv").write_bytes((EXAMPLES / "binh-duong.csv").read_bytes())
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(capsys, *argv: str) -> str:
    assert main(list(argv)) == 2
    return capsys.readouterr().err


def test_syntax_error_names_file_and_line(tmp_path, capsys):
    path = write(tmp_path, 'inventory = "binh-duong.csv"\nfactors = ["vietnam", "ipcc"\nstart = 2023\n')
    err = error_of(capsys, "scenario", str(path))
    assert f"InputError: {path}: not valid TOML" in err and "line 3" in err


def test_wrong_type_names_key_and_line(tmp_path, capsys):
    path = write(tmp_path, 'inventory = "binh-duong.csv"\nfactors = "vietnam,ipcc"\n\n[[levers]]\nkind = "efficiency"\n'
                           'cut = 0.1\nactivity = "fuel"\n\n[[levers]]\nkind = "efficiency"\nstart = "2025"\ncut = 0.1\n')
    err = error_of(capsys, "scenario", str(path))
    assert f"{path}, line 11, key levers[2].start: must be a whole number, got '2025'" in err


def test_bad_lever_parameter_names_the_lever_and_line(tmp_path, capsys):
    path = write(tmp_path, 'inventory = "binh-duong.csv"\nfactors = "vietnam,ipcc"\n\n[[levers]]\nkind = "efficiency"\n'
                           'cut = 15\nactivity = "electricity"\n')
    err = error_of(capsys, "scenario", str(path))
    assert f"{path}, line 6, key levers[1].cut" in err and "LeverError" in err


def test_unknown_lever_kind_and_unknown_key(tmp_path, capsys):
    path = write(tmp_path, 'inventory = "binh-duong.csv"\nfactors = "vietnam,ipcc"\n[[levers]]\nkind = "magic"\n')
    err = error_of(capsys, "scenario", str(path))
    assert f"{path}, line 4, key levers[1].kind: PluginNotFoundError" in err
    path = write(tmp_path, 'inventory = "binh-duong.csv"\nfactors = "vietnam,ipcc"\ngrowht = 0.03\n')
    err = error_of(capsys, "scenario", str(path))
    assert f"{path}, line 3, key growht: unknown key 'growht'" in err


def test_missing_inventory_and_missing_target_year(tmp_path, capsys):
    path = write(tmp_path, 'factors = "vietnam"\n')
    assert "missing key 'inventory'" in error_of(capsys, "scenario", str(path))
    path = write(tmp_path, 'inventory = "nowhere.csv"\nfactors = "vietnam,ipcc"\n')
    err = error_of(capsys, "scenario", str(path))
    assert f"{path}, line 1, key inventory: SchemaError" in err and "nowhere.csv" in err
    path = write(tmp_path, 'inventory = "binh-duong.csv"\nfactors = "vietnam,ipcc"\n\n[target]\ntype = "sbti"\n')
    err = error_of(capsys, "scenario", str(path))
    assert f"{path}, line 4, key target: missing key 'target.target_year'" in err


def test_claim_file_errors(tmp_path, capsys):
    path = tmp_path / "c.toml"
    path.write_text('subject = "Acme"\nperiod = "2024-13-01:2024-12-31"\n[emissions]\ntotal = 1.0\n', encoding="utf-8")
    err = error_of(capsys, "claim", str(path))
    assert f"{path}, line 2, key period" in err
    path.write_text('subject = "Acme"\nperiod = 2024\n[emissions]\ntotal = 1.0\nby_scope = { 4 = 1.0 }\n'
                    'gwp_set = "AR6"\nscope2_basis = "location"\n', encoding="utf-8")
    err = error_of(capsys, "claim", str(path))
    assert f"{path}, line 5, key emissions.by_scope.4: must be scope 1, 2 or 3" in err
    path.write_text('subject = "Acme"\nperiod = 2024\n', encoding="utf-8")
    assert "give either inventory = FILE" in error_of(capsys, "claim", str(path))


def test_key_lines_follow_tables_and_arrays_of_tables(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text('a = 1\n[[levers]]\nkind = "x"\n[levers.costs]\ncapex = 1\n[[levers]]\nkind = "y"\n'
                    '[target]\ntype = "sbti"\n', encoding="utf-8")
    cfg = Config(path)
    assert [cfg.line_of(p) for p in (("a",), ("levers", 0, "kind"), ("levers", 0, "costs", "capex"),
                                     ("levers", 1, "kind"), ("target", "type"), ("target", "nothing"))] == [1, 3, 5, 7, 9, 8]
    assert key_text(("levers", 1, "costs", "capex")) == "levers[2].costs.capex"
