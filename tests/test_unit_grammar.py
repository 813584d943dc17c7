"""Unit strings are data, read under a grammar before pint sees them (issue 10, parts 3 and 4)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neutralcore as nc
from neutralcore.units import MAX_UNIT_LENGTH, multiplier, parse_unit, split_factor_unit

ROOT = Path(__file__).resolve().parents[1]


def shipped_units() -> set[str]:
    """Every unit in the shipped packs, the examples and the template pack."""
    files = [*ROOT.glob("src/neutralcore/plugins/*/data/*.csv"), *ROOT.glob("examples/*.csv"),
             *ROOT.glob("docs/template-pack/**/*.csv")]
    units = set()
    for path in files:
        with open(path, encoding="utf-8", newline="") as fh:
            units |= {row["unit"] for row in csv.DictReader(fh) if row.get("unit")}
    return units


def test_every_shipped_unit_is_read():
    units = shipped_units()
    assert {"t/MWh", "kg/TJ", "TJ/Gg", "kg/m^3", "MWh", "kWh", "L", "kg"} <= units
    for unit in units:
        parse_unit(unit)


@pytest.mark.parametrize("unit, other, factor", [
    ("tonne.km", "t*km", 1.0), ("tkm", "t*km", 1.0), ("t * km", "tonne_km", 1.0), ("m^3", "L", 1000.0),
    ("m**3", "m^3", 1.0), ("kg/(t*km)", "g/tkm", 1000.0), ("kWh^-1", "1/MWh" and "MWh**-1", 1000.0),
    (" MWh ", "kWh", 1000.0), ("GJ", "MWh", 1 / 3.6), ("kWp", "W", 1000.0), ("short_ton", "kg", 907.18474),
    ("kilowatt_hour", "kWh", 1.0), ("(kg)/(TJ)", "kg/TJ", 1.0), ("m^+2", "m**2", 1.0), ("(m^3)^2", "m**6", 1.0), ("(m/s)^-2", "s**2/m**2", 1.0),
])
def test_units_written_as_people_write_them(unit, other, factor):
    assert multiplier(unit, other) == pytest.approx(factor, rel=1e-12)


@pytest.mark.parametrize("unit, says", [
    # a number, or a name that only scales the quantity: pi*kWh read as 3.14 kWh
    ("%kWh", "'%' at character 1"), ("kWh*percent", "'percent', a dimensionless number"),
    ("kWh*ppm", "'ppm', a dimensionless number"), ("ppb", "unknown unit 'ppb'"), ("pi*kWh", "'pi', a constant"),
    ("kWh*turn", "'turn', a dimensionless"), ("kWh*degree", "'degree', a dimensionless"),
    ("kWh*radian", "'radian', a dimensionless"), ("count", "'count', a dimensionless"),
    ("kWh*permille", "'permille'"), ("kWh**0", "(and not 0)"), ("kWh*avogadro_number", "'avogadro_number', a constant"),
    ("kWh*c/(m/s)", "'c', a constant"), ("speed_of_light*s/m*MWh", "'speed_of_light', a constant"),
    ("1000 kg", "contains a number"), ("kg*1000", "contains a number"), ("1/kWh", "contains a number"),
    # not one unit
    ("kWh # comment", "'#' at character 5"), ("kWh; MWh", "';' at character 4"), ("kWh, MWh", "','"),
    ("kg m", "two units side by side"), ("kWh\x00", "U+0000"), ("kWh\u200b", "U+200B"), ("k\u202eWh", "U+202E"),
    ("kWh\x1b[31m", "U+001B"), ("kWh/", "ends where a unit name is expected"), ("(kWh", "unclosed '('"),
    ("kWh)", "')' at character 4"), ("kWh**", "power"), ("{kWh}", "'{'"), ("kWh.", "ends where"),
    # powers: pint computes kg**(10**10**10) with Python integers and never returns
    ("kg**(10**10**10)", "power at character 3"), ("kg**7", "not a whole number from -6 to 6"),
    ("m^-7", "-6 to 6"), ("kWh**0.5", "power"), ("kWh**(1/2)", "power"), ("kg**9999999999", "power"), ("(kWh**6)**6", "'kWh' to a power beyond 6"),
    ("((m^2)^2)^2", "'m' to a power beyond 6"),
    ("x" * (MAX_UNIT_LENGTH + 1), f"longer than {MAX_UNIT_LENGTH} characters"),
    ("blorps", "unknown unit 'blorps'"), ("m3", "unknown unit 'm3'"), ("ton*km", "ambiguous"),
])
def test_refused_units_say_what_is_wrong(unit, says):
    with pytest.raises(nc.UnknownUnitError) as info:
        parse_unit(unit)
    assert says in str(info.value)
    assert info.value.unit == unit.strip()


def test_a_scaled_unit_in_an_inventory_is_refused_with_its_line(tmp_path):
    """electricity.grid,1,pi*kWh,… used to give 0.0020709 t CO2e (pi x 0.0006592) instead of an error."""
    path = tmp_path / "inv.csv"
    path.write_text("activity,quantity,unit,region,year,scope\nelectricity.grid,1,kWh,VN,2023,2\n"
                    "electricity.grid,1,pi*kWh,VN,2023,2\n", encoding="utf-8")
    with pytest.raises(nc.UnknownUnitError) as info:
        nc.Inventory.read_csv(path)
    assert info.value.rows == [3] and info.value.source == str(path) and info.value.column == "unit"
    assert "'pi*kWh'" in str(info.value)
    assert isinstance(info.value.__cause__, nc.UnknownUnitError)  # the cause is chained, not dropped
    with pytest.raises(nc.UnknownUnitError, match="'kWh\\*ppm'"):
        nc.Activity("electricity.grid", 1, "kWh*ppm", region="VN", year=2023, scope=2)


def test_a_scaled_factor_unit_fails_pack_check(tmp_path):
    """`neutralcore pack check` passed a factor in percent*t/MWh; it now names the file, line and column."""
    import shutil

    from neutralcore.testing import check_factor_pack

    data = tmp_path / "data"
    shutil.copytree(ROOT / "docs/template-pack/src/acme_factors/data", data)
    factors = data / "factors.csv"
    with open(factors, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1][rows[0].index("unit")] = "percent*t/MWh"
    with open(factors, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    with pytest.raises(nc.PackFormatError) as info:
        check_factor_pack(data)
    assert info.value.line == 2 and info.value.column == "unit" and "'percent'" in str(info.value)
    with pytest.raises(nc.UnknownUnitError, match="'percent'"):
        split_factor_unit("percent*t/MWh")


def test_huge_powers_return_at_once_in_every_reader(tmp_path):
    """In a subprocess with a timeout, so the old hang fails the test instead of stopping the suite."""
    script = textwrap.dedent(f"""
        import neutralcore as nc
        from pathlib import Path
        from neutralcore.units import parse_unit, split_factor_unit
        path = Path({str(tmp_path / 'inv.csv')!r})
        path.write_text("activity,quantity,unit,region,year,scope\\nelectricity.grid,1,kg**(10**10**10),VN,2023,2\\n")
        for call in (lambda: parse_unit("kg**(10**10**10)"), lambda: split_factor_unit("kg**(10**10**10)/MWh"),
                     lambda: nc.Inventory.read_csv(path)):
            try:
                call()
            except nc.NeutralcoreError as exc:
                print(type(exc).__name__)
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr[-1000:]
    assert result.stdout.split() == ["UnknownUnitError"] * 3


unit_alphabet = st.sampled_from(list("kKgGmMWhtTJLs*/^().+-_ 0123456789%#;,\x00\u200b") + ["**", "kWh", "pi", "MWh"])


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(max_size=1024), st.lists(unit_alphabet, max_size=400).map("".join).map(lambda s: s[:1024])))
def test_any_string_up_to_1kb_returns_or_raises_at_once(text):
    """parse_unit either returns a unit or raises UnitError, within a generous 0.5 s (measured: well under 10 ms).

    The best of three tries counts: a grammar that backtracks is slow every time, while a one-off pause of a
    busy machine (a collection, the host taking the core) is not the parser's."""
    took = []
    for _ in range(3):
        parse_unit.cache_clear()
        began = time.perf_counter()
        try:
            parse_unit(text)
        except nc.UnitError:
            pass
        took.append(time.perf_counter() - began)
        if took[-1] < 0.5:
            break
    assert min(took) < 0.5
