"""The numpy path works with every optional library hidden, and each optional entry point names its extra.

A child Python gets a ``sys.meta_path`` finder that refuses pandas, polars,
pyarrow, openpyxl, numba, dask, distributed, matplotlib and tqdm, and ``None``
for each in ``sys.modules`` (so ``importlib.util.find_spec`` finds nothing, as
pint asks about dask), as if they were not installed, then runs the README's example and the offset-and-claim
walkthrough (measure -> reduce -> offset -> claim), and calls every optional
entry point, which must raise ``MissingDependencyError`` naming its extra.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HIDDEN = ("pandas", "polars", "pyarrow", "openpyxl", "numba", "dask", "distributed", "matplotlib", "tqdm")

CHILD = textwrap.dedent('''
    import importlib.abc, json, re, sys
    from pathlib import Path

    HIDDEN = {hidden!r}

    class Hide(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in HIDDEN:
                raise ModuleNotFoundError(f"No module named {{name!r}} (hidden by test_numpy_only)", name=name)
            return None

    sys.meta_path.insert(0, Hide())
    for name in list(sys.modules):
        if name.partition(".")[0] in HIDDEN:
            del sys.modules[name]
    for name in HIDDEN:  # so that importlib.util.find_spec(name) says None, as for a library not installed
        sys.modules[name] = None

    import numpy as np
    import neutralcore as nc
    from neutralcore._core.table import Table

    out = {{}}
    root = Path({root!r})
    scope = {{}}
    for page in (root / "README.md", root / "docs" / "offset-and-claim.md"):
        for block in re.findall(r"```python\\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.S):
            exec(compile(block, str(page), "exec"), scope)
    out["total"] = scope["res"].total()
    out["scope2_2025"] = list(scope["scenario"].trajectory(2023, 2030)["scope2_location"])[2]
    out["by_scope_site"] = scope["res"].by(["scope", "site"]).to_json()
    out["rows"] = len(scope["res"].rows())
    out["claim"] = [scope["balance"].C, scope["balance"].shortfall, scope["result"].ok]

    tmp = Path.cwd()
    calls = {{
        "Inventory.from_pandas": lambda: nc.Inventory.from_pandas(None),
        "Inventory.from_polars": lambda: nc.Inventory.from_polars(None),
        "Inventory.from_arrow": lambda: nc.Inventory.from_arrow(None),
        "Inventory.read_parquet": lambda: nc.Inventory.read_parquet(tmp / "x.parquet"),
        "Inventory.read_excel": lambda: nc.Inventory.read_excel(tmp / "x.xlsx"),
        "Table.to_pandas": lambda: scope["res"].by("scope").to_pandas(),
        "Table.to_polars": lambda: scope["res"].by("scope").to_polars(),
        "Table.to_arrow": lambda: scope["res"].by("scope").to_arrow(),
        "Table.to_excel": lambda: scope["res"].by("scope").to_excel(tmp / "t.xlsx"),
        "plotting": lambda: __import__("neutralcore.plotting").plotting.require_matplotlib(),
    }}
    extras = {{}}
    for name, call in calls.items():
        try:
            call()
        except nc.MissingDependencyError as exc:
            extras[name] = [exc.extra, f"neutralcore[{{exc.extra}}]" in str(exc)]
        else:
            extras[name] = None
    out["extras"] = extras
    scope["res"].by("scope").to_csv(tmp / "by.csv")
    out["csv"] = (tmp / "by.csv").read_text(encoding="utf-8").splitlines()[0]
    out["loaded"] = sorted({{m.partition(".")[0] for m, mod in sys.modules.items() if mod is not None}} & set(HIDDEN))
    print(json.dumps(out))
''')


def test_core_flow_runs_and_optional_entry_points_name_their_extras(tmp_path, subprocess_env):
    script = CHILD.format(hidden=HIDDEN, root=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=subprocess_env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    # README: 1,200 MWh x 0.6592 t/MWh + 15,000 L diesel (40.25506 t CO2e, AR5) = 831.295 t
    assert abs(out["total"] - (791.04 + 40.25506178249999)) < 1e-6
    # solar from 2025: (1,200 - 500 kWp x 1,300 kWh/kWp / 1,000) MWh x 0.6592 = 362.56 t
    assert abs(out["scope2_2025"] - 362.56) < 1e-9
    assert [r["scope"] for r in json.loads(out["by_scope_site"])] == [1, 2] and out["rows"] == 2
    # docs/offset-and-claim.md: 8,000 t retired in the window, 11,500 - 8,000 = 3,500 t short, so no claim
    assert out["claim"] == [8000.0, 3500.0, False]
    assert out["extras"] == {
        "Inventory.from_pandas": ["pandas", True], "Inventory.from_polars": ["polars", True],
        "Inventory.from_arrow": ["arrow", True], "Inventory.read_parquet": ["parquet", True],
        "Inventory.read_excel": ["excel", True], "Table.to_pandas": ["pandas", True],
        "Table.to_polars": ["polars", True], "Table.to_arrow": ["arrow", True], "Table.to_excel": ["excel", True],
        "plotting": ["plot", True],
    }
    assert out["csv"] == "scope,co2e_t,CO2_t,CH4_t,N2O_t"
    assert out["loaded"] == []


def test_optional_libraries_are_imported_only_when_used(tmp_path, subprocess_env):
    """With every library installed, the numpy path imports none of them; from_pandas imports pandas only."""
    script = textwrap.dedent(f'''
        import json, sys
        import neutralcore as nc
        inv = nc.Inventory.from_columns(activity="electricity.grid", quantity=[1.0, 2.0], unit="MWh", region="VN",
                                        year=2023, scope=2, site=["a", "b"])
        src = nc.Source("MONRE/DCC", "Viet Nam grid emission factor 2023", 2024)
        fs = nc.FactorSet.from_factors([nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {{"CO2": 0.6592}}, src)])
        res = inv.emissions(fs)
        res.by(["scope", "site"]).to_csv("by.csv"); res.rows().to_json()
        before = sorted({{m.partition(".")[0] for m in sys.modules}} & set({HIDDEN!r}))
        import pandas as pd
        nc.Inventory.from_pandas(pd.DataFrame(inv.to_columns()))
        after = sorted({{m.partition(".")[0] for m in sys.modules}} & set({HIDDEN!r}) - {{"pandas"}})
        print(json.dumps([before, after]))
    ''')
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=subprocess_env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    before, after = json.loads(proc.stdout.strip().splitlines()[-1])
    # pint imports dask when it is installed, to support dask arrays (we do not); numba is the [fast] extra, which
    # the row passes use whenever it is installed (NEUTRALCORE_KERNEL=numpy turns it off)
    assert set(before) <= {"dask", "numba"}
    assert "polars" not in after and "openpyxl" not in after and "matplotlib" not in after
