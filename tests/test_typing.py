"""The user path is typed: a README-style script type-checks with mypy and shows concrete types.

``tests/typing/user_path.py`` marks each ``reveal_type`` line with the type it
must reveal (``# R: Emissions``); this test runs mypy on the script against the
imported neutralcore (installed or source tree) and compares, as attrs' typing
tests do.  No revealed type may be ``Any``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import neutralcore

pytest.importorskip("mypy")

SCRIPT = Path(__file__).parent / "typing" / "user_path.py"
_REVEALED = re.compile(r":(\d+): note: Revealed type is \"(.*)\"")


def _short(name: str) -> str:
    """``neutralcore.measure.emissions.Emissions`` -> ``Emissions`` (builtins stay as they are)."""
    return re.sub(r"\b(?:[a-z_][a-z0-9_]*\.)+([A-Za-z_]\w*)", r"\1", name)


def test_user_path_types(tmp_path):
    """Every revealed type on the user path is the concrete one the script expects."""
    package_root = Path(neutralcore.__file__).resolve().parents[1]
    env = dict(os.environ)
    if package_root.name != "site-packages":
        env["MYPYPATH"] = str(package_root)
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--cache-dir", str(tmp_path / "cache"),
         "--follow-imports=silent", "--no-error-summary", "--hide-error-context", str(SCRIPT)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300,
    )
    revealed = {int(m.group(1)): _short(m.group(2)) for m in _REVEALED.finditer(proc.stdout)}
    expected = {
        n: line.split("# R:", 1)[1].strip()
        for n, line in enumerate(SCRIPT.read_text(encoding="utf-8").splitlines(), 1)
        if "# R:" in line
    }
    errors = [line for line in proc.stdout.splitlines() if ": error:" in line]
    assert errors == []
    assert revealed == expected
    assert not [n for n, t in revealed.items() if "Any" in t]


def test_package_type_checks(tmp_path):
    """The package itself is clean under mypy with the settings in pyproject.toml (py.typed promises it)."""
    root = Path(__file__).resolve().parents[1]
    if not (root / "src" / "neutralcore").is_dir():
        pytest.skip("no source tree beside the tests")
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache"), "--no-error-summary"],
        capture_output=True, text=True, cwd=root, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
