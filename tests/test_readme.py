"""The README's Python example runs and gives the numbers it shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_python_example():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    assert blocks
    scope: dict = {}
    for block in blocks:  # the examples build on each other
        exec(compile(block, str(README), "exec"), scope)  # noqa: S102 - our own README
    # 1,200 MWh x 0.6592 t/MWh + 15,000 L diesel (40.25506 t CO2e, AR5) = 831.295 t
    assert scope["res"].total() == pytest.approx(791.04 + 40.25506178249999, rel=1e-9)
    assert type(scope["res"].total()) is float
    assert "# 831.295... (t CO2e, a plain float)" in blocks[0]
    # solar from 2025: (1,200 - 500 kWp x 1,300 kWh/kWp / 1,000) MWh x 0.6592 = 362.56 t; then 10 % efficiency on
    # the remaining purchases from 2026: 495 MWh x 0.6592 = 326.304 t (2023 factor, by year fallback)
    traj = scope["scenario"].trajectory(2023, 2030)
    assert list(traj["scope2_location"])[2:4] == pytest.approx([362.56, 326.304])
    assert list(scope["scenario"].gap(scope["target"])["target"])[-1] == pytest.approx(831.2950617825 * (1 - 0.042 * 7))
