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
    exec(compile(blocks[0], str(README), "exec"), scope)  # noqa: S102 - our own README
    # 1,200 MWh x 0.6592 t/MWh + 15,000 L diesel (40.25506 t CO2e, AR5) = 831.295 t
    assert scope["res"].total().magnitude == pytest.approx(791.04 + 40.25506178249999, rel=1e-9)
    assert "<Quantity(831.3, 'metric_ton')>" in blocks[0]
