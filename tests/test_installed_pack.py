"""The third-party path, for real: build wheels of the template pack (docs/template-pack) and of two
deliberately broken packs, pip-install them offline into a temporary directory, and use them from a
fresh interpreter.

The wheels are assembled by hand (a wheel is a zip with the package files plus METADATA, WHEEL,
entry_points.txt and RECORD), so no build backend or network is needed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "docs" / "template-pack"

pytestmark = pytest.mark.slow


def build_wheel(project: Path, out: Path, *, requires: bool = False) -> Path:
    """A pure-Python wheel of *project* (src layout), from its pyproject.toml (its dependencies as
    ``Requires-Dist`` when *requires*)."""
    meta = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    name, version = meta["name"], meta["version"]
    stem = f"{name.replace('-', '_')}-{version}"
    info = f"{stem}.dist-info"
    entries: dict[str, bytes] = {}
    for path in sorted((project / "src").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            entries[path.relative_to(project / "src").as_posix()] = path.read_bytes()
    deps = "".join(f"Requires-Dist: {d}\n" for d in meta.get("dependencies", [])) if requires else ""
    entries[f"{info}/METADATA"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n{deps}".encode()
    entries[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: neutralcore-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    eps = meta.get("entry-points", {})
    entries[f"{info}/entry_points.txt"] = "".join(
        f"[{group}]\n" + "".join(f"{k} = {v}\n" for k, v in items.items()) + "\n" for group, items in eps.items()
    ).encode()
    record = []
    for arc, data in entries.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{arc},sha256={digest},{len(data)}")
    record.append(f"{info}/RECORD,,")
    entries[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel = out / f"{stem}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zf:
        for arc, data in entries.items():
            zf.writestr(arc, data)
    return wheel


def write_project(where: Path, dist: str, package: str, pack: str, init: str, rows: str) -> Path:
    """A small pack project like the template; *init* is the package's __init__.py."""
    (where / "src" / package / "data").mkdir(parents=True)
    (where / "pyproject.toml").write_text(
        f'[project]\nname = "{dist}"\nversion = "0.1"\n\n'
        f'[project.entry-points."neutralcore.factors"]\n{pack} = "{package}:pack"\n'
    )
    (where / "src" / package / "__init__.py").write_text(init)
    template_data = TEMPLATE / "src" / "acme_factors" / "data"
    toml = (template_data / "pack.toml").read_text(encoding="utf-8").replace('name = "acme-example"', f'name = "{pack}"')
    (where / "src" / package / "data" / "pack.toml").write_text(toml, encoding="utf-8")
    (where / "src" / package / "data" / "factors.csv").write_text(
        "activity,region,year,gas,value,unit,source\n" + rows, encoding="utf-8")
    return where


PACK_INIT = (TEMPLATE / "src" / "acme_factors" / "__init__.py").read_text(encoding="utf-8")

CHILD = textwrap.dedent(
    """
    import json, sys
    import neutralcore as nc
    from neutralcore import registry

    THIRD_PARTY = ("acme_factors", "broken_import_factors", "bad_data_factors")
    out = {}
    infos = {p.name: p for p in nc.list_packs()}
    out["listed"] = sorted(infos)
    lever_specs = {s.name: s for s in registry.available("levers")}
    out["lever_spec"] = [lever_specs["acme-heat-recovery"].dist, lever_specs["acme-heat-recovery"].version]
    out["imported_after_listing"] = sorted(m for m in sys.modules if m.split(".")[0] in THIRD_PARTY)
    acme = infos["acme-example"]
    out["acme_info"] = [acme.dist, acme.dist_version, acme.version, list(acme.coverage.years), list(acme.coverage.regions)]
    out["broken_listed_version"] = infos["broken-import"].version

    fs = nc.load_factors("vietnam", "ipcc", "acme-example")
    f = fs.get("electricity.grid", "VN", 2023)
    out["acme_factor"] = [f.gases["CO2"], f.pack, f.source.publisher]
    inv = nc.Inventory([
        nc.Activity("electricity.grid", 4200, "MWh", region="VN", year=2023, scope=2),
        nc.Activity("fuel.diesel.stationary", 15000, "L", region="VN", year=2023, scope=1),
    ])
    res = inv.emissions(fs, gwp="AR5")
    out["total_t"] = res.total()
    out["row_packs"] = [res.matches[i]["factor"].pack for i in range(2)]

    lever = registry.load("levers", "acme-heat-recovery")(0.3, name="recovery", costs=nc.Costs(50_000, 10))
    out["lever_type"] = type(lever).__module__
    sc = nc.Scenario(inv, [(lever, 2025)], factors=fs)
    out["scenario_scope1"] = [sc.year(2024).by_scope()[1], sc.year(2025).by_scope()[1]]
    curve = nc.mac_curve(inv, [lever], 2023, 0.08, factors=fs)
    out["mac"] = [curve["lever"][0], float(curve["abatement_t"][0]), float(curve["cost_per_t"][0])]

    errors = {}
    for name in ("broken-import", "bad-data"):
        try:
            nc.load_factors(name)
        except nc.PluginError as exc:
            errors[name] = {
                "type": type(exc).__name__, "dist": exc.dist, "version": exc.version, "message": str(exc),
                "cause": type(exc.__cause__).__name__, "file": getattr(exc, "file", None),
                "line": getattr(exc, "line", None), "column": getattr(exc, "column", None),
            }
    out["errors"] = errors
    out["after_errors"] = nc.load_factors("acme-example", "china").get("electricity.grid", "CN-EAST", 2023).gases["CO2"]
    out["status"] = {s.name: s.ok for s in registry.status("factors")}
    print(json.dumps(out))
    """
)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """pip-install the template pack and two broken packs (offline) into one target directory."""
    tmp = tmp_path_factory.mktemp("installed-pack")
    wheels = tmp / "wheels"
    wheels.mkdir()
    broken_import = write_project(
        tmp / "broken-import", "broken-import-factors", "broken_import_factors", "broken-import",
        "raise RuntimeError('deliberately broken: this pack fails on import')\n",
        "electricity.grid,VN,2023,CO2,0.6592,t/MWh,dcc-grid-ef\n",
    )
    bad_data = write_project(
        tmp / "bad-data", "bad-data-factors", "bad_data_factors", "bad-data", PACK_INIT,
        "electricity.grid,VN,2022,CO2,0.6766,t/MWh,dcc-grid-ef\nelectricity.grid,VN,2023,CO2,0.6592,tonnes per MWh,dcc-grid-ef\n",
    )
    built = [build_wheel(p, wheels) for p in (TEMPLATE, broken_import, bad_data)]
    site = tmp / "site"
    cmd = [sys.executable, "-m", "pip", "install", "--no-index", "--no-deps", "--no-compile",
           "--disable-pip-version-check", "--quiet", "--target", str(site), *map(str, built)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (site / "acme_factors-2025.1.0.dist-info" / "entry_points.txt").is_file()
    assert (site / "acme_factors" / "data" / "factors.csv").is_file()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(site)] + [p for p in sys.path if p])
    return site, env


def test_installed_template_pack_is_discovered_loaded_and_used(installed):
    site, env = installed
    done = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert {"acme-example", "broken-import", "bad-data", "vietnam", "china", "ipcc"} <= set(out["listed"])
    assert out["imported_after_listing"] == []
    assert out["acme_info"] == ["acme-factors", "2025.1.0", "2025.1", [2022, 2023], ["VN"]]
    assert out["broken_listed_version"] == "2025.1"
    # the template's factor is the published Viet Nam 2023 value, and it wins over vietnam's (named later)
    assert out["acme_factor"][0] == pytest.approx(0.6592, abs=1e-12)
    assert out["acme_factor"][1:] == ["acme-example", "Ministry of Natural Resources and Environment (MONRE), Department of Climate Change (DCC)"]
    # 4,200 MWh x 0.6592 = 2,768.64 t CO2; 15,000 L diesel = 0.5414775 TJ -> 40.12348275 t CO2
    # + 1.6244325 kg CH4 x 28 = 0.04548411 t + 0.3248865 kg N2O x 265 = 0.0860949225 t => 2,808.8950617825 t CO2e
    assert out["total_t"] == pytest.approx(2808.8950617825, rel=1e-12)
    assert out["row_packs"] == ["acme-example", "ipcc"]

    # the template's lever, from the same installed distribution, in a scenario and a MAC curve:
    # scope 1 is the diesel above, 40.2550617825 t CO2e; 30 % heat recovery from 2025 leaves 70 % of it
    assert out["lever_spec"] == ["acme-factors", "2025.1.0"]
    assert out["lever_type"] == "acme_factors.levers"
    assert out["scenario_scope1"] == pytest.approx([40.2550617825, 0.7 * 40.2550617825], rel=1e-12)
    crf = 0.08 * 1.08**10 / (1.08**10 - 1)  # 0.149029...; 50,000 x crf = 7,451.47 $/yr over 12.0765 t/yr
    assert out["mac"][0] == "recovery"
    assert out["mac"][1] == pytest.approx(0.3 * 40.2550617825, rel=1e-12)
    assert out["mac"][2] == pytest.approx(50_000 * crf / (0.3 * 40.2550617825), rel=1e-9)
    assert round(out["mac"][2], 2) == 617.02

    imp = out["errors"]["broken-import"]
    assert (imp["type"], imp["dist"], imp["version"], imp["cause"]) == (
        "PluginImportError", "broken-import-factors", "0.1", "RuntimeError")
    assert "broken-import-factors 0.1" in imp["message"] and "deliberately broken" in imp["message"]
    bad = out["errors"]["bad-data"]
    assert (bad["type"], bad["dist"], bad["line"], bad["column"]) == ("PackFormatError", "bad-data-factors", 3, "unit")
    assert bad["file"].endswith(os.path.join("bad_data_factors", "data", "factors.csv"))
    assert "bad-data-factors 0.1" in bad["message"] and "tonnes per MWh" in bad["message"]

    assert out["after_errors"] == pytest.approx(0.5500, abs=1e-12)
    assert out["status"] == {"acme-example": True, "bad-data": False, "broken-import": False,
                             "china": True, "desnz2024": True, "epa2024": True, "ipcc": True, "vietnam": True}


def test_cli_lists_installed_packs_and_flags_the_broken_ones(installed):
    site, env = installed
    done = subprocess.run([sys.executable, "-m", "neutralcore.cli", "packs"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1, done.stderr  # one or more packs do not load
    rows = {line.split()[0]: line for line in done.stdout.splitlines()[2:] if line.strip() and not line.startswith(" ")}
    assert rows["acme-example"].split() == ["acme-example", "2025.1", "acme-factors", "2025.1.0", "2022-2023", "1", "1", "ok"]
    assert rows["broken-import"].endswith("ERROR (PluginImportError)")
    assert rows["bad-data"].endswith("ERROR (PackFormatError)")
    assert rows["vietnam"].endswith("ok")
    done = subprocess.run([sys.executable, "-m", "neutralcore.cli", "factors", "acme-example"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "electricity.grid  VN      2023  t/MWh  0.6592  acme-example" in done.stdout


def test_template_pack_own_tests_pass_when_installed(installed):
    """The plugin author's tests (docs/template-pack/tests, using neutralcore.testing) pass on the installed pack."""
    site, env = installed
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(TEMPLATE / "tests")],
        cwd=TEMPLATE, env={**env, "PYTHONDONTWRITEBYTECODE": "1"}, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in done.stdout


def test_pack_wheel_installs_next_to_a_local_neutralcore_wheel(tmp_path):
    """The template pack's wheel requires neutralcore: offline, with no neutralcore in reach, pip refuses it
    (the unpublished-requirement problem); with a wheel of this checkout in --find-links, pip installs both,
    and the pack works from there alone (docs/plugin-authors.md, "Building and installing")."""
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    pack = build_wheel(TEMPLATE, wheels, requires=True)
    core = build_wheel(ROOT, wheels)  # this checkout, its own dependencies left to the environment
    base = [sys.executable, "-m", "pip", "install", "--no-index", "--no-compile", "--disable-pip-version-check",
            "--quiet"]
    alone = subprocess.run([*base, "--target", str(tmp_path / "alone"), str(pack)], capture_output=True, text=True,
                           timeout=120)
    assert alone.returncode != 0 and "neutralcore" in alone.stderr
    site = tmp_path / "site"
    done = subprocess.run([*base, "--find-links", str(wheels), "--target", str(site), str(pack)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert core.name.startswith("neutralcore-") and (site / "neutralcore" / "__init__.py").is_file()
    child = ("import json, neutralcore as nc; fs = nc.load_factors('vietnam', 'acme-example'); "
             "print(json.dumps([nc.__file__, fs.get('electricity.grid', 'VN', 2023).pack]))")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(site)
    run = subprocess.run([sys.executable, "-c", child], env=env, capture_output=True, text=True, timeout=120,
                         cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    where, used = json.loads(run.stdout)
    assert where.startswith(str(site)) and used == "acme-example"
