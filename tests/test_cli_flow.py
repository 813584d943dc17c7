"""The command line for the whole flow, run on the bundled examples; JSON output checked against hand-worked figures."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from neutralcore.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
VCU = "9660-115597313-115618057-VCS-VCU-261-VER-US-14-1060-01012019-31122019-0"
GS = "GS1-1-KE-GS7495-16-2025-30645-608-30350"


def run_json(capsys, *argv: str) -> dict:
    assert main([*argv, "--format", "json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("command", [["report"], ["packs"], ["factors"], ["pack", "check"], ["scenario"], ["mac"],
                                     ["ledger", "add"], ["ledger", "retire"], ["ledger", "list"], ["ledger", "verify"],
                                     ["claim"]])
def test_every_subcommand_has_help_with_format_and_output(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "--format {text,markdown,html,json,csv}" in out and "-o FILE, --output FILE" in out


def test_version(capsys):
    import neutralcore

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"neutralcore {neutralcore.__version__}\n"


# -- scenario and mac -------------------------------------------------------------------------------------


def test_scenario_example_json(capsys):
    """examples/scenario.toml is the factory of docs/reduce.md.

    2023: 4,800 MWh x 0.6592 = 3,164.16 t (scope 2) + diesel 161.0202 t + LPG 746.802 t = 4,071.9822 t.
    2024: output +3 %, LED cuts electricity 15 %, the grid factor 1/7 of the way from 0.6592 to 0.55 (0.6436):
    4,800 x 1.03 x 0.85 = 4,202.4 MWh x 0.6436 = 2,704.66464 t of scope 2.
    SBTi 1.5C path in 2030: 4,071.9822 x (1 - 0.042 x 7) = 2,874.8194 t (linear, never compounded).
    """
    data = run_json(capsys, "scenario", str(EXAMPLES / "scenario.toml"))
    traj = {r["year"]: r for r in data["tables"]["trajectory"]}
    assert sorted(traj) == list(range(2023, 2031))
    assert traj[2023]["total_location"] == pytest.approx(4071.9822, abs=1e-4)
    assert traj[2023]["scope2_location"] == pytest.approx(3164.16, abs=1e-9)
    assert traj[2024]["scope2_location"] == pytest.approx(2704.66464, abs=1e-6)
    gap = {r["year"]: r for r in data["tables"]["gap"]}
    assert gap[2030]["target"] == pytest.approx(4071.9822 * 0.706, abs=1e-3)
    assert gap[2030]["target"] == pytest.approx(2874.8194, abs=1e-4)
    # the scenario's 2030 figure is the one docs/reduce.md quotes (2,773.39 t; 101.43 t below the path)
    assert round(gap[2030]["scenario"], 2) == 2773.39
    assert data["facts"]["gap_t"] == pytest.approx(gap[2030]["scenario"] - gap[2030]["target"])
    assert data["facts"]["on_track"] is True
    assert data["facts"]["years"] == [2023, 2030]


def test_scenario_text_and_end_override(capsys):
    assert main(["scenario", str(EXAMPLES / "scenario.toml"), "--end", "2025"]) == 0
    out = capsys.readouterr().out
    assert "2023  907.8222         3,164.16" in out and "2026" not in out.split("Gap to")[0]
    assert "On track: yes" in out and "Gap: 101.431 t CO2e below the path in 2030" in out


def test_mac_example_json(capsys):
    """The genset lever halves diesel: 161.0202 / 2 = 80.5101 t/yr.  Its cost: 30,000 x CRF(8 %, 10 yr)
    (0.1490295) = 4,470.88 $/yr, less 30,000 L x 0.9 $/L = 27,000 $/yr saved: -22,529.12 $/yr, -279.83 $/t."""
    data = run_json(capsys, "mac", str(EXAMPLES / "scenario.toml"))
    rows = {r["lever"]: r for r in data["tables"]["mac"]}
    genset = rows["genset on standby only"]
    assert genset["abatement_t"] == pytest.approx(80.5101, abs=1e-4)
    assert genset["annual_cost"] == pytest.approx(30_000 * 0.08 * 1.08**10 / (1.08**10 - 1) - 27_000, abs=1e-6)
    assert genset["cost_per_t"] == pytest.approx(-279.8296, abs=1e-4)
    assert [r["lever"] for r in data["tables"]["mac"]][0] == "LPG boilers -> heat pumps"  # the cheapest first
    assert data["facts"]["total_abatement_t"] == pytest.approx(1637.4223, abs=1e-4)
    assert data["facts"]["discount_rate"] == 0.08 and data["facts"]["scope2_basis"] == "location"
    assert any("566.649 t/yr after the levers before it vs 474.624 t/yr alone" in n for n in data["notes"])


def test_scenario_and_mac_plots(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    png = tmp_path / "trajectory.png"
    assert main(["scenario", str(EXAMPLES / "scenario.toml"), "--plot", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    mac_png = tmp_path / "mac.png"
    assert main(["mac", str(EXAMPLES / "scenario.toml"), "--plot", str(mac_png), "-o", str(tmp_path / "mac.csv")]) == 0
    assert mac_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "mac.csv").read_text().startswith("lever,kind,abatement_t,")


# -- ledger and claim -------------------------------------------------------------------------------------


def build_ledger(tmp_path: Path, capsys) -> Path:
    ledger = tmp_path / "acme-credits.ledger"
    data = run_json(capsys, "ledger", "add", str(ledger), "--create", "--kind", "avoidance", "--issuance-date",
                    "2020-06-01", "--methodology", "VM0007", "--file", str(EXAMPLES / "acme-serials.txt"))
    assert [r["quantity"] for r in data["tables"]["added"]] == [20745]  # 115618057 - 115597313 + 1
    data = run_json(capsys, "ledger", "add", str(ledger), GS, "--kind", "avoidance", "--issuance-date", "2026-07-28")
    assert data["facts"]["held_t"] == 20745 + 29743  # GS serials 608..30350
    data = run_json(capsys, "ledger", "retire", str(ledger), VCU, "--quantity", "8000", "--subject", "Acme Ltd",
                    "--period", "2024", "--retired-on", "2025-03-01", "--reason", "Acme Ltd carbon neutrality 2024")
    assert data["tables"]["retired"][0]["serial_end"] == 115597313 + 8000 - 1
    rest = VCU.replace("115597313", str(115597313 + 8000))
    data = run_json(capsys, "ledger", "retire", str(ledger), rest, "--quantity", "4000", "--subject", "Acme Ltd",
                    "--period", "2024-01-01:2024-12-31", "--retired-on", "2025-11-15")
    assert data["facts"]["subject_retired_t"] == 12_000
    return ledger


def test_ledger_list_and_verify(tmp_path, capsys):
    ledger = build_ledger(tmp_path, capsys)
    held = run_json(capsys, "ledger", "list", str(ledger))
    assert held["facts"]["held_t"] == 20745 + 29743 - 12_000
    retired = run_json(capsys, "ledger", "list", str(ledger), "--subject", "Acme Ltd", "--period", "2024")
    assert [r["quantity"] for r in retired["tables"]["blocks"]] == [8000, 4000]
    ok = run_json(capsys, "ledger", "verify", str(ledger))
    assert ok["facts"]["ok"] is True and ok["facts"]["retired_t"] == 12_000
    assert main(["ledger", "list", str(ledger), "--retired", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("block,subject,period,beneficiary,retired_on")


def test_ledger_retiring_twice_is_refused_and_names_both_uses(tmp_path, capsys):
    ledger = build_ledger(tmp_path, capsys)
    code = main(["ledger", "retire", str(ledger), VCU, "--quantity", "10", "--subject", "Other Co", "--period", "2024",
                 "--retired-on", "2025-03-02"])
    assert code == 2
    err = capsys.readouterr().err
    assert "AlreadyRetiredError" in err and "Acme Ltd" in err


def test_ledger_add_needs_kind_and_names_the_bad_serial_line(tmp_path, capsys):
    ledger = tmp_path / "l.ledger"
    assert main(["ledger", "add", str(ledger), VCU, "--create"]) == 2
    assert "--kind" in capsys.readouterr().err
    serials = tmp_path / "serials.txt"
    serials.write_text(f"# bought in 2024\n{VCU}\nnot-a-serial\n", encoding="utf-8")
    assert main(["ledger", "add", str(ledger), "--create", "--kind", "avoidance", "--file", str(serials)]) == 2
    err = capsys.readouterr().err
    assert "SerialFormatError" in err and f"{serials}, line 3" in err
    assert not ledger.exists()  # nothing half-done: the ledger was not even created


def test_claim_example_end_to_end(tmp_path, capsys):
    """E = 12,000 t, R = 500 t, C = 8,000 + 4,000 t retired by 2025-12-31: residual 11,500 t balanced, 500 t surplus."""
    ledger = build_ledger(tmp_path, capsys)
    report = tmp_path / "acme-2024.md"
    data = run_json(capsys, "claim", str(EXAMPLES / "claim.toml"), "--ledger", str(ledger), "--report", str(report))
    facts = data["facts"]
    assert (facts["emissions_t"], facts["removals_t"], facts["residual_t"], facts["credits_t"], facts["shortfall_t"]) == \
        (12_000.0, 500.0, 11_500.0, 12_000.0, 0.0)
    assert facts["ok"] is True
    checks = {c["rule"]: c["status"] for c in data["tables"]["checks"]}
    assert checks["BAL-01"] == "pass" and checks["ISO-CR-02"] == "pass"
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Carbon-neutrality report: Acme Ltd, 2024-01-01 to 2024-12-31")
    assert "surplus 500 t" in text


def test_claim_with_a_late_retirement_fails_and_exits_1(tmp_path, capsys):
    """The docs' walkthrough: the second 4,000 t retired on 2026-02-01 miss the 12-month window: C = 8,000 t,
    shortfall 11,500 - 8,000 = 3,500 t."""
    ledger = tmp_path / "late.ledger"
    assert main(["ledger", "add", str(ledger), VCU, "--create", "--kind", "avoidance", "--issuance-date", "2020-06-01"]) == 0
    for serial, n, day in ((VCU, 8000, "2025-03-01"), (VCU.replace("115597313", "115605313"), 4000, "2026-02-01")):
        assert main(["ledger", "retire", str(ledger), serial, "--quantity", str(n), "--subject", "Acme Ltd",
                     "--period", "2024", "--retired-on", day]) == 0
    capsys.readouterr()
    report = tmp_path / "acme.json"
    assert main(["claim", str(EXAMPLES / "claim.toml"), "--ledger", str(ledger), "--report", str(report),
                 "--format", "json"]) == 1
    facts = json.loads(capsys.readouterr().out)["facts"]
    assert facts["credits_t"] == 8000.0 and facts["shortfall_t"] == 3500.0 and facts["ok"] is False
    assert json.loads(report.read_text(encoding="utf-8"))  # the JSON report, by the file's extension


def test_claim_from_an_inventory(tmp_path, capsys):
    """inventory = FILE: E from the inventory (1,000 MWh x 0.6592 t/MWh = 659.2 t, location-based)."""
    (tmp_path / "inv.csv").write_text("activity,quantity,unit,region,year,scope\nelectricity.grid,1000,MWh,VN,2024,2\n",
                                      encoding="utf-8")
    (tmp_path / "claim.toml").write_text('subject = "Acme Ltd"\nperiod = 2024\ninventory = "inv.csv"\n'
                                         'factors = "vietnam"\nboundary = "Scope 2"\nas_of = "2025-06-30"\n',
                                         encoding="utf-8")
    assert main(["claim", str(tmp_path / "claim.toml"), "--format", "json"]) == 1  # no credits: a shortfall
    facts = json.loads(capsys.readouterr().out)["facts"]
    assert facts["emissions_t"] == pytest.approx(659.2) and facts["shortfall_t"] == pytest.approx(659.2)


def test_examples_are_copied_and_run_from_their_own_directory(tmp_path, capsys, monkeypatch):
    """Paths in a TOML file are relative to the file, not to the working directory."""
    for name in ("scenario.toml", "binh-duong.csv"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    monkeypatch.chdir(EXAMPLES.parent)
    data = run_json(capsys, "scenario", str(tmp_path / "scenario.toml"))
    assert data["facts"]["inventory"] == str(tmp_path / "binh-duong.csv")
