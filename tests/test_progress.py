"""Long work shows progress when asked or on a terminal, through tqdm if installed, and is silent otherwise."""

from __future__ import annotations

import sys

import pytest

import neutralcore as nc
from neutralcore._core import progress as prog
from neutralcore.plugins.levers import EnergyEfficiency

pytest.importorskip("tqdm")


@pytest.fixture(scope="module")
def setup():
    fs = nc.load_factors("vietnam", "ipcc")
    inv = nc.Inventory([nc.Activity("electricity.grid", 4_800, "MWh", region="VN", year=2023, scope=2),
                        nc.Activity("fuel.diesel.stationary", 60_000, "L", region="VN", year=2023, scope=1)])
    return fs, inv


def test_monte_carlo_progress_shown_when_asked_and_results_unchanged(setup, capsys):
    fs, inv = setup
    res = inv.emissions(fs)
    quiet = res.uncertainty(5_000, seed=1, progress=False)
    assert capsys.readouterr().err == ""
    shown = res.uncertainty(5_000, seed=1, progress=True)
    err = capsys.readouterr().err
    assert "Monte Carlo" in err and "/5000" in err  # the bar, cleared when done (leave=False)
    assert shown == quiet


def test_monte_carlo_blocks_give_the_same_draws(setup, monkeypatch):
    fs, inv = setup
    res = inv.emissions(fs)
    whole = res.uncertainty(3_001, seed=7)
    import neutralcore.measure.emissions as emissions

    monkeypatch.setattr(emissions, "_MC_BLOCK", 1_000)  # blocks of a few hundred iterations
    blocked = res.uncertainty(3_001, seed=7)
    assert (blocked.low, blocked.median, blocked.high) == pytest.approx((whole.low, whole.median, whole.high), rel=1e-12)


def test_scenario_years_and_mac_levers_show_progress(setup, capsys):
    fs, inv = setup
    lever = EnergyEfficiency(0.1, activity="electricity", name="LED", costs=nc.Costs(capex=1_000, lifetime=10))
    scenario = nc.Scenario(inv, [lever], factors=fs, name="plan")
    scenario.trajectory(2023, 2030, progress=True)
    assert "plan: years" in capsys.readouterr().err
    nc.mac_curve(inv, [lever], 2023, 0.08, factors=fs, progress=True)
    assert "MAC curve 2023: levers" in capsys.readouterr().err


def test_silent_without_tqdm_even_when_asked(setup, monkeypatch, capsys):
    fs, inv = setup
    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm now raises ImportError
    res = inv.emissions(fs)
    assert res.uncertainty(1_000, seed=2, progress=True) == res.uncertainty(1_000, seed=2, progress=False)
    nc.Scenario(inv, factors=fs).trajectory(2023, 2025, progress=True)
    assert capsys.readouterr().err == ""


def test_default_shows_progress_only_on_a_terminal(monkeypatch):
    class Tty:
        def isatty(self) -> bool:
            return True

    assert prog.wanted(None) is False  # pytest's captured stderr is no terminal
    monkeypatch.setattr(sys, "stderr", Tty())
    assert prog.wanted(None) is True and prog.wanted(False) is False


VCU = "9660-115597313-115618057-VCS-VCU-261-VER-US-14-1060-01012019-31122019-0"


def _inventory_csv(tmp_path, rows: int):
    path = tmp_path / "big.csv"
    body = "".join(f"electricity.grid,{i + 1},MWh,VN,2023,2,site-{i % 7}\n" for i in range(rows))
    path.write_text("activity,quantity,unit,region,year,scope,site\n" + body, encoding="utf-8")
    return path


def test_read_csv_shows_a_bar_over_the_pieces_read(tmp_path, monkeypatch, capsys):
    """3,000 rows read in pieces of 4 kB by the numpy reader: the same inventory with or without a bar over the
    bytes."""
    import neutralcore._core.csvsplit as csvsplit

    monkeypatch.setenv("NEUTRALCORE_KERNEL", "numpy")

    path = _inventory_csv(tmp_path, 3_000)
    body = path.stat().st_size - len("activity,quantity,unit,region,year,scope,site\n")
    pieces = []
    real = csvsplit.read_plain_chunked
    monkeypatch.setattr("neutralcore.measure.readers.read_plain_chunked",
                        lambda *a, **k: real(*a, **{**k, "chunk_bytes": 4_096,
                                                    "on_piece": lambda n: (pieces.append(n), k["on_piece"](n))}))
    real_file, real_pieces = csvsplit.file_pieces, csvsplit.read_plain_pieces  # a path: read from disk in pieces
    monkeypatch.setattr("neutralcore.measure.readers.file_pieces", lambda p, start: real_file(p, start, 4_096))
    monkeypatch.setattr("neutralcore.measure.readers.read_plain_pieces",
                        lambda *a, **k: real_pieces(*a, on_piece=lambda n: (pieces.append(n), k["on_piece"](n))))
    quiet = nc.Inventory.read_csv(path, progress=False)
    assert capsys.readouterr().err == "" and sum(pieces) == body and len(pieces) > 10  # every byte counted once
    shown = nc.Inventory.read_csv(path, progress=True)
    err = capsys.readouterr().err
    assert "reading big.csv (bytes)" in err and f"/{body}" in err
    assert shown.quantity.sum() == quiet.quantity.sum() == 3_000 * 3_001 / 2 and shown.site.values() == quiet.site.values()


def test_ledger_imports_show_a_bar_over_the_blocks(tmp_path, capsys):
    from neutralcore.offsets import OffsetLedger

    export = f"serial,issuance_date\n{VCU},2020-06-01\n".encode()
    with OffsetLedger(":memory:") as led:
        led.add_csv(export, kind="avoidance", progress=False)
        assert capsys.readouterr().err == ""
    with OffsetLedger(":memory:") as led:
        (block,) = led.add_csv(export, kind="avoidance", progress=True)
        err = capsys.readouterr().err
        assert "adding 1 block(s): checked + inserted" in err and "/2" in err and block.quantity == 20_745


def test_reads_and_imports_silent_without_tqdm(tmp_path, monkeypatch, capsys):
    from neutralcore.offsets import OffsetLedger

    monkeypatch.setitem(sys.modules, "tqdm", None)
    path = _inventory_csv(tmp_path, 50)
    assert nc.Inventory.read_csv(path, progress=True).quantity.sum() == 50 * 51 / 2
    with OffsetLedger(":memory:") as led:
        led.add_csv(f"serial,issuance_date\n{VCU},2020-06-01\n".encode(), kind="avoidance", progress=True)
    assert capsys.readouterr().err == ""
