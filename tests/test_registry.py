"""Plugin discovery with real installed distributions (a .dist-info on a temporary sys.path entry).

The factor value used by the test packs is a real published one: Viet Nam's 2023 national grid
emission factor, 0.6592 t CO2/MWh (MONRE/DCC, as shipped in the built-in vietnam pack), and
0.6766 for 2022 where two packs must be told apart.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap

import pytest

import neutralcore as nc
from neutralcore import registry
from neutralcore.errors import (
    PackFormatError,
    PluginConflictError,
    PluginError,
    PluginImportError,
    PluginNotFoundError,
    PluginValidationError,
)

PACK_MODULE = """\
from importlib.resources import files
from neutralcore.packs import FactorPack
pack = FactorPack.from_directory(files(__name__) / "data")
"""

SOURCE = """\
[sources.dcc]
publisher = "Ministry of Natural Resources and Environment (MONRE), Department of Climate Change (DCC)"
document = "Viet Nam grid emission factors 2014-2023, summarised by climatechange.vn, Table 1"
year = 2025
"""


def pack_toml(name: str, version: str = "2025.1") -> str:
    return (
        f'name = "{name}"\ntitle = "Test pack {name}"\nversion = "{version}"\napi = 1\n'
        f'license = "public data"\ndescription = "Viet Nam grid factor for tests"\n\n'
        + SOURCE
        + '\n[regions]\nVN = { name = "Viet Nam" }\n'
    )


HEADER = "activity,region,year,gas,value,unit,source\n"
ROW_2023 = "electricity.grid,VN,2023,CO2,0.6592,t/MWh,dcc\n"
ROW_2022 = "electricity.grid,VN,2022,CO2,0.6766,t/MWh,dcc\n"


def pack_files(module: str, name: str, rows: str = ROW_2023, toml: str | None = None) -> dict:
    return {
        f"{module}/data/pack.toml": toml if toml is not None else pack_toml(name),
        f"{module}/data/factors.csv": HEADER + rows,
        f"{module}/__init__.py": PACK_MODULE,
    }


@pytest.fixture
def acme(install_dist):
    """A healthy third-party pack 'acme' from distribution acme-factors 1.2."""
    return install_dist("acme-factors", "1.2", factors={"acme": "acme_pack:pack"}, files=pack_files("acme_pack", "acme"))


# -- discovery ---------------------------------------------------------------------------


def test_available_lists_installed_pack_without_importing_it(acme):
    """available() and list_packs() read metadata only: the pack's module is not imported."""
    specs = [s for s in registry.available("factors") if s.name == "acme"]
    assert specs == [nc.PluginSpec("factors", "acme", "acme_pack:pack", "acme-factors", "1.2")]
    assert specs[0].qualified_name == "acme-factors:acme"
    info = {i.name: i for i in nc.list_packs()}["acme"]
    assert "acme_pack" not in sys.modules
    assert (info.version, info.dist, info.dist_version) == ("2025.1", "acme-factors", "1.2")
    assert info.description == "Viet Nam grid factor for tests"
    assert info.coverage.activities == ("electricity.grid",)
    assert info.coverage.regions == ("VN",)
    assert info.coverage.years == (2023,)
    assert info.problem is None


def test_builtin_packs_are_registered_through_entry_points():
    """Every package under neutralcore/plugins/ has an entry point in the installed metadata."""
    from importlib.resources import files

    plugin_dirs = sorted(
        p.name for p in files("neutralcore.plugins").iterdir() if p.is_dir() and (p / "data" / "pack.toml").is_file()
    )
    specs = {s.name: s for s in registry.available("factors") if s.dist == "neutralcore"}
    assert sorted(specs) == plugin_dirs == ["china", "desnz2024", "epa2024", "ipcc", "vietnam"]
    for name, spec in specs.items():
        assert spec.value == f"neutralcore.plugins.{name}:pack"


def test_list_packs_reports_builtin_coverage():
    """Coverage of the built-ins as list_packs() shows it (read from the shipped files)."""
    infos = {i.name: i for i in nc.list_packs() if i.dist == "neutralcore"}
    assert infos["vietnam"].coverage.years == tuple(range(2014, 2024))
    assert infos["vietnam"].coverage.regions == ("VN",)
    assert infos["ipcc"].coverage.regions == ("World",)
    assert infos["ipcc"].coverage.years == (2006,)
    assert "electricity.grid.ets" in infos["china"].coverage.activities
    assert infos["china"].coverage.years == (2021, 2022, 2023, 2024, 2025)  # 2024: GB/T 32151.34; 2025: GB/T 32150
    assert infos["china"].version == "2026.2"


def test_listing_imports_no_pack_in_a_fresh_process(subprocess_env):
    """In a fresh interpreter: import, list_packs() and available() import no pack; load imports only that one."""
    code = textwrap.dedent(
        """
        import sys
        import neutralcore as nc
        assert not [m for m in sys.modules if m.startswith("neutralcore.plugins.")], "import"
        names = [p.name for p in nc.list_packs()]
        assert {"vietnam", "china", "ipcc"} <= set(names), names
        nc.registry.available("levers")
        assert not [m for m in sys.modules if m.startswith("neutralcore.plugins.")], "list"
        nc.load_factors("vietnam")
        loaded = sorted(m for m in sys.modules if m.startswith("neutralcore.plugins."))
        assert loaded == ["neutralcore.plugins.vietnam"], loaded
        print("ok")
        """
    )
    out = subprocess.run([sys.executable, "-c", code], env=subprocess_env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_refresh_picks_up_a_distribution_installed_after_the_first_scan(tmp_path, monkeypatch):
    """Discovery is cached until refresh()."""
    registry.refresh()
    assert "late" not in {s.name for s in registry.available("factors")}
    for rel, text in pack_files("late_pack", "late").items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    info = tmp_path / "late_factors-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: late-factors\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[neutralcore.factors]\nlate = late_pack:pack\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        assert "late" not in {s.name for s in registry.available("factors")}
        registry.refresh()
        assert "late" in {s.name for s in registry.available("factors")}
        assert nc.load_factors("late").get("electricity.grid", "VN", 2023).gases["CO2"] == pytest.approx(0.6592, abs=1e-12)
    finally:
        sys.modules.pop("late_pack", None)
        registry.refresh()


# -- loading -------------------------------------------------------------------------------


def test_load_imports_the_pack_and_records_its_distribution(acme):
    """load() returns the FactorPack with the distribution's name and version, and caches it."""
    pack = registry.load("factors", "acme")
    assert "acme_pack" in sys.modules
    assert isinstance(pack, nc.FactorPack)
    assert (pack.name, pack.dist, pack.dist_version, pack.version) == ("acme", "acme-factors", "1.2", "2025.1")
    assert registry.load("factors", "acme") is pack
    assert registry.load("factors", "acme-factors:acme") is pack


def test_load_factors_from_a_third_party_pack(acme):
    """The factor loaded equals the published value, with its source and pack recorded."""
    fs = nc.load_factors("acme")
    f = fs.get("electricity.grid", "VN", 2023)
    assert f.gases["CO2"] == pytest.approx(0.6592, abs=1e-12)
    assert f.unit == "t/MWh"
    assert f.pack == "acme"
    assert f.source.publisher.startswith("Ministry of Natural Resources and Environment")


def test_later_pack_wins_and_each_factor_keeps_its_pack(acme):
    """Precedence is the argument order: vietnam then acme -> acme's 2023 factor; other years stay vietnam's."""
    fs = nc.load_factors("vietnam", "acme")
    assert fs.get("electricity.grid", "VN", 2023).pack == "acme"
    assert fs.get("electricity.grid", "VN", 2022).pack == "vietnam"
    fs = nc.load_factors("acme", "vietnam")
    assert fs.get("electricity.grid", "VN", 2023).pack == "vietnam"
    assert nc.load_factors("vietnam,acme").get("electricity.grid", "VN", 2023).pack == "acme"


def test_unknown_name_lists_what_is_installed(acme):
    with pytest.raises(PluginNotFoundError) as info:
        nc.load_factors("acmee")
    err = info.value
    assert isinstance(err, LookupError)
    assert "acmee" in str(err) and "did you mean 'acme'" in str(err)
    assert {"acme", "vietnam", "ipcc", "china"} <= set(err.available)
    with pytest.raises(PluginNotFoundError, match="from distribution 'nobody'"):
        registry.load("factors", "nobody:acme")


def test_no_names_is_an_error():
    with pytest.raises(PluginNotFoundError, match="name at least one factor pack"):
        nc.load_factors()


def test_unknown_kind_is_an_error():
    with pytest.raises(PluginValidationError, match="unknown plugin kind 'gwp'"):
        registry.available("gwp")


# -- duplicates ------------------------------------------------------------------------------


def test_two_distributions_with_the_same_name_conflict_until_qualified(install_dist):
    """Both are listed; the bare name raises naming both; each qualified name loads its own data."""
    install_dist("acme-factors", "1.2", factors={"acme": "acme_pack:pack"}, files=pack_files("acme_pack", "acme"))
    install_dist("other-factors", "3.0", factors={"acme": "other_pack:pack"},
                 files=pack_files("other_pack", "acme", rows=ROW_2022))
    assert [(s.name, s.dist) for s in registry.available() if s.name == "acme"] == [
        ("acme", "acme-factors"), ("acme", "other-factors")]
    infos = [i for i in nc.list_packs() if i.name == "acme"]
    assert [i.dist for i in infos] == ["acme-factors", "other-factors"]
    assert infos[0].conflicts == ("acme-factors:acme", "other-factors:acme")
    with pytest.raises(PluginConflictError) as info:
        nc.load_factors("acme")
    err = info.value
    assert err.candidates == ("acme-factors:acme", "other-factors:acme")
    assert err.dists == ("acme-factors", "other-factors")
    assert "acme-factors 1.2" in str(err) and "other-factors 3.0" in str(err)
    assert "acme-factors:acme" in str(err)
    assert "acme_pack" not in sys.modules and "other_pack" not in sys.modules
    a = nc.load_factors("acme-factors:acme")
    b = nc.load_factors("other-factors:acme")
    assert a.get("electricity.grid", "VN", 2023).gases["CO2"] == pytest.approx(0.6592, abs=1e-12)
    assert b.get("electricity.grid", "VN", 2022).gases["CO2"] == pytest.approx(0.6766, abs=1e-12)
    assert len(a) == len(b) == 1
    assert nc.load_factors("vietnam").get("electricity.grid", "VN", 2023) is not None


def test_a_third_party_cannot_shadow_a_builtin(install_dist, tmp_path, capsys):
    """A second 'vietnam' makes the bare name ambiguous rather than silently replacing the built-in."""
    install_dist("shadow-factors", "0.1", factors={"vietnam": "shadow_pack:pack"},
                 files=pack_files("shadow_pack", "vietnam", rows=ROW_2022))
    with pytest.raises(PluginConflictError, match="neutralcore:vietnam"):
        nc.load_factors("vietnam")
    fs = nc.load_factors("neutralcore:vietnam")
    assert len(fs) == 58  # the grid series (10 years) and 48 Decision 2626 keys
    # the two stay apart in the provenance: each factor records the qualified name it was loaded by
    both = nc.load_factors("neutralcore:vietnam", "shadow-factors:vietnam")
    assert both.get("electricity.grid", "VN", 2022).pack == "shadow-factors:vietnam"
    assert both.get("electricity.grid", "VN", 2023).pack == "neutralcore:vietnam"
    # and the report command's default packs (qualified) still work: 1,000 MWh x 0.6592 t/MWh (DCC, 2023)
    from neutralcore.cli import main

    inv = tmp_path / "vn.csv"
    inv.write_text("activity,quantity,unit,region,year,scope\nelectricity.grid,1000,MWh,VN,2023,2\n", encoding="utf-8")
    assert main(["report", str(inv)]) == 0
    assert "Total: 659.200 t CO2e" in capsys.readouterr().out


# -- broken plugins ------------------------------------------------------------------------


def test_pack_that_raises_on_import_fails_alone(install_dist, acme):
    """ImportError inside the plugin -> PluginImportError naming dist and version; the cause is kept."""
    install_dist("broken-factors", "0.3", factors={"broken": "broken_pack:pack"},
                 files={**pack_files("broken_pack", "broken"),
                        "broken_pack/__init__.py": "import missing_dependency_xyz\n"})
    names = [i.name for i in nc.list_packs()]
    assert "broken" in names and "acme" in names
    with pytest.raises(PluginImportError) as info:
        nc.load_factors("broken")
    err = info.value
    assert (err.plugin, err.kind, err.dist, err.version) == ("broken", "factors", "broken-factors", "0.3")
    assert "broken-factors 0.3" in str(err) and "missing_dependency_xyz" in str(err)
    assert isinstance(err.__cause__, ModuleNotFoundError)
    # everything else keeps working, and a retry fails the same way (failures are not cached)
    assert nc.load_factors("acme", "vietnam").get("electricity.grid", "VN", 2023).pack == "vietnam"
    with pytest.raises(PluginImportError):
        registry.load("factors", "broken")


def test_factory_that_raises_is_an_import_error(install_dist):
    install_dist("factory-factors", "1.0", factors={"fact": "fact_pack:make"},
                 modules={"fact_pack": "def make():\n    raise RuntimeError('no data today')\n"})
    with pytest.raises(PluginImportError, match="calling the factory 'fact_pack:make' failed: RuntimeError: no data today"):
        registry.load("factors", "fact")


def test_factory_returning_a_pack_is_called(install_dist):
    files = pack_files("made_pack", "made")
    files["made_pack/__init__.py"] = (
        "from importlib.resources import files\nfrom neutralcore.packs import FactorPack\n"
        "def make():\n    return FactorPack.from_directory(files(__name__) / 'data')\n"
    )
    install_dist("made-factors", "1.0", factors={"made": "made_pack:make"}, files=files)
    pack = registry.load("factors", "made")
    assert (pack.name, pack.dist) == ("made", "made-factors")


def test_malformed_data_file_names_file_line_column_and_distribution(install_dist, acme):
    """A negative value on line 3 -> PackFormatError at load time for that pack only."""
    where = install_dist("bad-factors", "2.0", factors={"bad": "bad_pack:pack"},
                         files=pack_files("bad_pack", "bad", rows=ROW_2022 + ROW_2023.replace("0.6592", "-0.6592")))
    info = {i.name: i for i in nc.list_packs()}["bad"]
    assert info.coverage.years == (2022, 2023)  # listing does not validate rows
    with pytest.raises(PackFormatError) as exc:
        nc.load_factors("vietnam", "bad")
    err = exc.value
    assert isinstance(err, ValueError)
    assert err.file.endswith("factors.csv") and "bad_pack" in err.file
    assert (err.line, err.column) == (3, "value")
    assert (err.plugin, err.dist, err.version) == ("bad", "bad-factors", "2.0")
    assert "bad-factors 2.0" in str(err) and "line 3" in str(err) and "'-0.6592' must be finite and non-negative" in str(err)
    assert nc.load_factors("acme").get("electricity.grid", "VN", 2023) is not None
    # not cached: once the file is fixed the same pack object loads
    (where / "bad_pack" / "data" / "factors.csv").write_text(HEADER + ROW_2022 + ROW_2023)
    assert len(nc.load_factors("bad")) == 2


def test_malformed_pack_toml_is_a_format_error_naming_the_distribution(install_dist):
    """pack.toml is read at import; its error keeps its type and gains the distribution."""
    toml = pack_toml("badmeta").replace("api = 1", "api = 7")
    install_dist("badmeta-factors", "1.0", factors={"badmeta": "badmeta_pack:pack"},
                 files=pack_files("badmeta_pack", "badmeta", toml=toml))
    info = {i.name: i for i in nc.list_packs()}["badmeta"]
    assert info.coverage is None and "api = 7 is not supported" in info.problem
    with pytest.raises(PackFormatError) as exc:
        registry.load("factors", "badmeta")
    err = exc.value
    assert (err.dist, err.version, err.plugin) == ("badmeta-factors", "1.0", "badmeta")
    assert err.file.endswith("pack.toml") and err.line == 4 and err.column == "api"
    assert "badmeta-factors 1.0" in str(err)


def test_wrong_object_type_is_a_validation_error(install_dist):
    install_dist("wrong-factors", "1.0", factors={"wrong": "wrong_pack:pack"}, modules={"wrong_pack": "pack = {'CO2': 0.6592}\n"})
    with pytest.raises(PluginValidationError) as exc:
        registry.load("factors", "wrong")
    assert isinstance(exc.value, TypeError)
    assert exc.value.dist == "wrong-factors"
    assert "gave a dict, not a neutralcore.packs.FactorPack" in str(exc.value)


def test_entry_point_name_must_equal_pack_name(install_dist):
    install_dist("alias-factors", "1.0", factors={"alias": "alias_pack:pack"}, files=pack_files("alias_pack", "real-name"))
    with pytest.raises(PluginValidationError, match="named 'alias' but its pack.toml says name = 'real-name'"):
        nc.load_factors("alias")


def test_invalid_entry_point_name_is_listed_but_not_loadable(install_dist):
    install_dist("caps-factors", "1.0", factors={"Caps": "caps_pack:pack"}, files=pack_files("caps_pack", "caps"))
    assert "Caps" in {s.name for s in registry.available()}
    with pytest.raises(PluginValidationError, match="'Caps' is not a valid plugin name"):
        registry.load("factors", "Caps")
    assert "caps_pack" not in sys.modules


def test_status_reports_every_plugin_and_never_raises(install_dist, acme):
    install_dist("broken-factors", "0.3", factors={"broken": "broken_pack:pack"},
                 modules={"broken_pack": "raise RuntimeError('deliberately broken')\n"})
    install_dist("bad-factors", "2.0", factors={"bad": "bad_pack:pack"},
                 files=pack_files("bad_pack", "bad", rows="electricity.grid,VN,2023,CO3,0.6592,t/MWh,dcc\n"))
    by_name = {st.name: st for st in registry.status("factors")}
    assert by_name["acme"].ok and by_name["vietnam"].ok and by_name["ipcc"].ok and by_name["china"].ok
    assert not by_name["broken"].ok and isinstance(by_name["broken"].error, PluginImportError)
    assert isinstance(by_name["broken"].error.__cause__, RuntimeError)
    assert not by_name["bad"].ok and isinstance(by_name["bad"].error, PackFormatError)
    assert (by_name["bad"].error.line, by_name["bad"].error.column) == (2, "gas")


def test_plugin_errors_pickle_with_their_fields(install_dist):
    install_dist("broken-factors", "0.3", factors={"broken": "broken_pack:pack"},
                 modules={"broken_pack": "raise RuntimeError('deliberately broken')\n"})
    with pytest.raises(PluginImportError) as exc:
        registry.load("factors", "broken")
    back = pickle.loads(pickle.dumps(exc.value))
    assert type(back) is PluginImportError
    assert (back.plugin, back.dist, back.version, str(back)) == ("broken", "broken-factors", "0.3", str(exc.value))


# -- register ------------------------------------------------------------------------------------


def test_register_cannot_shadow_an_installed_name_without_replace(tmp_path):
    """register() refuses a taken name; replace=True makes the bare name mean the new pack."""
    from importlib.resources import files

    vn = nc.FactorPack.from_directory(files("neutralcore.plugins.vietnam") / "data")
    with pytest.raises(PluginConflictError, match="already used by neutralcore:vietnam"):
        registry.register(vn)
    for rel, text in pack_files("x", "vietnam", rows=ROW_2022).items():
        if rel.startswith("x/data/"):
            (tmp_path / rel.removeprefix("x/data/")).write_text(text)
    mine = nc.FactorPack.from_directory(tmp_path)
    registry.register(mine, replace=True)
    try:
        assert len(nc.load_factors("vietnam")) == 1
        assert len(nc.load_factors("neutralcore:vietnam")) == 58
        assert [i.dist for i in nc.list_packs() if i.name == "vietnam"] == [None, "neutralcore"]
    finally:
        registry.unregister("vietnam")
    assert len(nc.load_factors("vietnam")) == 58


def test_register_validates_the_object():
    with pytest.raises(PluginValidationError, match="not a neutralcore.packs.FactorPack"):
        registry.register(object(), name="thing")
    with pytest.raises(PluginValidationError, match="cannot register a factors plugin under the name 'Bad Name'"):
        registry.register(object(), name="Bad Name")
    with pytest.raises(PluginNotFoundError):
        registry.unregister("never-registered")


# -- levers ------------------------------------------------------------------------------------


def test_lever_plugins_load_and_are_validated(install_dist):
    """neutralcore.levers: an object with a str name and a callable apply is accepted; a string is not."""
    install_dist(
        "lever-plugins", "1.0",
        levers={"noop": "lever_mod:noop", "bad": "lever_mod:bad"},
        modules={"lever_mod": (
            "class NoOp:\n    name = 'noop'\n    def apply(self, inventory, year):\n        return inventory\n"
            "noop = NoOp()\nbad = 'not a lever'\n")},
    )
    assert {s.name for s in registry.available("levers")} >= {"noop", "bad"}
    assert registry.load("levers", "noop").name == "noop"
    with pytest.raises(PluginValidationError, match="not a neutralcore Lever") as exc:
        registry.load("levers", "bad")
    assert exc.value.kind == "levers" and exc.value.dist == "lever-plugins"
    assert all(isinstance(e, PluginError) for e in [exc.value])


def test_two_packs_in_one_distribution_are_listed_without_import(install_dist):
    """data/<name>/pack.toml: list_packs() finds each pack's files by its name, importing nothing."""
    files = {
        "multi_pack/__init__.py": (
            "from importlib.resources import files\nfrom neutralcore.packs import FactorPack\n"
            "steel = FactorPack.from_directory(files(__name__) / 'data' / 'steel')\n"
            "cement = FactorPack.from_directory(files(__name__) / 'data' / 'cement')\n"
        ),
        "multi_pack/data/steel/pack.toml": pack_toml("steel"),
        "multi_pack/data/steel/factors.csv": HEADER + ROW_2022,
        "multi_pack/data/cement/pack.toml": pack_toml("cement"),
        "multi_pack/data/cement/factors.csv": HEADER + ROW_2023,
    }
    install_dist("multi-factors", "1.0", factors={"steel": "multi_pack:steel", "cement": "multi_pack:cement"}, files=files)
    infos = {i.name: i for i in nc.list_packs()}
    assert infos["steel"].coverage.years == (2022,)
    assert infos["cement"].coverage.years == (2023,)
    assert "multi_pack" not in sys.modules
    assert nc.load_factors("steel").get("electricity.grid", "VN", 2022).pack == "steel"


# -- robustness of discovery, refresh and the cache fill ---------------------------------------


def _raw_dist_info(where, folder: str, metadata: str, entry_points: str) -> None:
    info = where / folder
    info.mkdir()
    (info / "METADATA").write_text(metadata, encoding="utf-8")
    (info / "entry_points.txt").write_text(entry_points, encoding="utf-8")


def test_a_distribution_with_unreadable_metadata_does_not_hide_the_other_packs(tmp_path, monkeypatch, acme):
    """One malformed entry_points.txt (or a METADATA without Name) must not break discovery of every pack."""
    _raw_dist_info(tmp_path, "bad_ep-1.0.dist-info", "Metadata-Version: 2.1\nName: bad-ep\nVersion: 1.0\n",
                   "[neutralcore.factors]\nthis line has no equals sign\n")
    _raw_dist_info(tmp_path, "unrelated-2.0.dist-info", "Metadata-Version: 2.1\nName: unrelated\nVersion: 2.0\n",
                   "[console_scripts]\nneither has this one\n")
    _raw_dist_info(tmp_path, "nameless-1.0.dist-info", "Metadata-Version: 2.1\nVersion: 1.0\n",
                   "[neutralcore.factors]\nnameless = acme_pack:pack\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    registry.refresh()
    try:
        with pytest.warns(nc.PluginWarning, match="bad-ep 1.0 declares neutralcore.factors entry points") as caught:
            names = {s.qualified_name for s in registry.available("factors")}
        assert len(caught) == 1  # the unrelated distribution's broken file is none of our business
        assert {"neutralcore:vietnam", "acme-factors:acme", "nameless:nameless"} <= names
        assert {"vietnam", "china", "ipcc", "acme"} <= {i.name for i in nc.list_packs()}
        assert nc.load_factors("vietnam", "acme").get("electricity.grid", "VN", 2023).pack == "acme"
        (skipped,) = registry.unreadable("factors")
        assert isinstance(skipped, PluginImportError) and (skipped.dist, skipped.version) == ("bad-ep", "1.0")
        bad = [st for st in registry.status("factors") if st.spec.dist == "bad-ep"]
        assert len(bad) == 1 and not bad[0].ok and bad[0].error is skipped
        with pytest.raises(PluginNotFoundError, match="unreadable entry points were skipped: bad-ep"):
            nc.load_factors("from-bad-ep")
    finally:
        registry.refresh()


def test_refresh_finds_a_pack_installed_into_an_already_scanned_directory(tmp_path, monkeypatch):
    """pip installs into site-packages, which was scanned already; refresh() must not trust the finders' caches.

    The directory's modification time is put back after the install, as on a file system with coarse
    timestamps, so only an explicit cache invalidation reveals the new files.
    """
    import importlib.util
    import os

    monkeypatch.syspath_prepend(str(tmp_path))
    registry.refresh()
    assert "late2" not in {s.name for s in registry.available("factors")}
    assert importlib.util.find_spec("late2_pack") is None  # the path finder now caches this directory's listing
    before = os.stat(tmp_path)
    for rel, text in pack_files("late2_pack", "late2").items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    _raw_dist_info(tmp_path, "late2_factors-0.1.dist-info", "Metadata-Version: 2.1\nName: late2-factors\nVersion: 0.1\n",
                   "[neutralcore.factors]\nlate2 = late2_pack:pack\n")
    os.utime(tmp_path, ns=(before.st_atime_ns, before.st_mtime_ns))
    try:
        registry.refresh()
        assert "late2" in {s.name for s in registry.available("factors")}
        assert nc.load_factors("late2").get("electricity.grid", "VN", 2023).pack == "late2"
    finally:
        sys.modules.pop("late2_pack", None)
        registry.refresh()


def test_threads_loading_one_pack_get_one_object():
    """The cache fill is locked: 16 threads racing on a fresh registry all get the same pack object."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    registry.refresh()
    barrier = threading.Barrier(16)

    def load(_):
        barrier.wait()
        return registry.load("factors", "china")

    with ThreadPoolExecutor(16) as pool:
        packs = list(pool.map(load, range(16)))
    assert len({id(p) for p in packs}) == 1
    assert packs[0].load() is packs[0].load()


def test_a_pack_that_loads_another_pack_while_imported_does_not_deadlock(tmp_path, subprocess_env):
    """Thread B imports a pack module whose body loads 'vietnam'; thread A loads that pack by name meanwhile.

    Holding one registry-wide lock around the import deadlocked: A held it and waited for the module,
    B held the module's import lock and waited for the registry.  Run in a child process, so a
    regression fails on its timeout instead of hanging the suite.
    """
    module = (
        "import stacked_sync\nstacked_sync.importing.set()\nstacked_sync.loading.wait(5)\n"
        "from neutralcore import registry\nbase = registry.load('factors', 'vietnam')\n" + PACK_MODULE
    )
    for rel, text in {**pack_files("stacked_pack", "stacked"), "stacked_pack/__init__.py": module}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    (tmp_path / "stacked_sync.py").write_text("import threading\nimporting = threading.Event()\nloading = threading.Event()\n")
    _raw_dist_info(tmp_path, "stacked_factors-1.0.dist-info", "Metadata-Version: 2.1\nName: stacked-factors\nVersion: 1.0\n",
                   "[neutralcore.factors]\nstacked = stacked_pack:pack\n")
    code = textwrap.dedent(
        """
        import importlib, os, sys, threading
        import stacked_sync
        from neutralcore import registry
        results = {}
        def b():
            results["b"] = importlib.import_module("stacked_pack").base.name
        def a():
            stacked_sync.importing.wait(5)
            threading.Timer(0.2, stacked_sync.loading.set).start()  # let A reach the import first
            results["a"] = registry.load("factors", "stacked").name
        threads = [threading.Thread(target=b, daemon=True), threading.Thread(target=a, daemon=True)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        print(sorted(results.items()) if not any(t.is_alive() for t in threads) else "deadlock", flush=True)
        os._exit(0)
        """
    )
    env = {**subprocess_env, "PYTHONPATH": str(tmp_path) + ":" + subprocess_env["PYTHONPATH"]}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[('a', 'stacked'), ('b', 'vietnam')]"


def test_cli_packs_names_a_conflict_once_and_an_unreadable_distribution(install_dist, tmp_path, monkeypatch, capsys):
    from neutralcore.cli import main

    install_dist("acme-factors", "1.2", factors={"acme": "acme_pack:pack"}, files=pack_files("acme_pack", "acme"))
    install_dist("other-factors", "3.0", factors={"acme": "other_pack:pack"},
                 files=pack_files("other_pack", "acme", rows=ROW_2022))
    _raw_dist_info(tmp_path, "bad_ep-1.0.dist-info", "Metadata-Version: 2.1\nName: bad-ep\nVersion: 1.0\n",
                   "[neutralcore.factors]\nthis line has no equals sign\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    registry.refresh()
    try:
        assert main(["packs"]) == 1  # the unreadable distribution is a problem; no warning is printed instead
        out = capsys.readouterr().out
    finally:
        registry.refresh()
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert ["acme-factors:acme", "2025.1", "acme-factors", "1.2", "2023", "1", "1", "ok"] in rows
    assert ["other-factors:acme", "2025.1", "other-factors", "3.0", "2022", "1", "1", "ok"] in rows
    assert out.count("acme: provided by acme-factors:acme, other-factors:acme; use the qualified name") == 1
    assert "bad-ep 1.0: distribution bad-ep 1.0 declares neutralcore.factors entry points" in out


# -- a plugin cannot stop or silence the program ---------------------------------------------

#: Module sources that end a plugin's import with a BaseException that is not an Exception.
QUITTERS = {
    "exit-0": "raise SystemExit(0)\n",
    "exit-3": "import sys\nsys.exit(3)\n",
    "exit-text": "import sys\nsys.exit('plugin says bye')\n",
    "ctrl-c": "raise KeyboardInterrupt\n",
    "base": "class Odd(BaseException):\n    pass\nraise Odd('odd')\n",
}
CAUSES = {"exit-0": SystemExit, "exit-3": SystemExit, "exit-text": SystemExit, "ctrl-c": KeyboardInterrupt,
          "base": BaseException}


@pytest.mark.parametrize("how", sorted(QUITTERS))
@pytest.mark.parametrize("where", ["import", "factory"])
def test_systemexit_and_keyboardinterrupt_from_a_plugin_are_contained(install_dist, acme, how, where):
    """Issue 10: a plugin raising SystemExit at import silenced `neutralcore packs`; KeyboardInterrupt escaped."""
    source = QUITTERS[how] if where == "import" else "def make():\n" + textwrap.indent(QUITTERS[how], "    ")
    install_dist("quit-factors", "0.1", factors={"quitter": "quit_pack:" + ("pack" if where == "import" else "make")},
                 modules={"quit_pack": source})
    with pytest.raises(PluginImportError, match="quit-factors 0.1") as info:
        registry.load("factors", "quitter")
    assert type(info.value.__cause__) is CAUSES[how] or isinstance(info.value.__cause__, CAUSES[how])
    assert (info.value.plugin, info.value.dist) == ("quitter", "quit-factors")
    by_name = {st.name: st for st in registry.status("factors")}  # goes on past it
    assert not by_name["quitter"].ok and isinstance(by_name["quitter"].error, PluginImportError)
    assert isinstance(by_name["quitter"].error.__cause__, CAUSES[how])
    assert by_name["acme"].ok and by_name["vietnam"].ok
    with pytest.raises(PluginImportError):  # a failure is not cached as anything else
        nc.load_factors("quitter")


def _child_env() -> dict:
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    env.pop("PYTHONSTARTUP", None)
    return env


@pytest.mark.parametrize("how", ["exit-0", "ctrl-c"])
def test_cli_reports_a_plugin_that_exits_as_broken_and_goes_on(install_dist, acme, how):
    """`neutralcore packs` lists the plugin as broken (exit 1), and `factors`/`pack check` name it (exit 2)."""
    install_dist("quit-factors", "0.1", factors={"quitter": "quit_pack:pack"}, modules={"quit_pack": QUITTERS[how]})
    env = _child_env()
    cli = [sys.executable, "-m", "neutralcore"]
    done = subprocess.run(cli + ["packs"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    rows = {line.split()[0]: line.split()[-1] for line in done.stdout.splitlines()[2:] if line.strip() and "  " in line}
    assert rows.get("acme") == "ok" and rows.get("vietnam") == "ok"
    assert "ERROR (PluginImportError)" in done.stdout
    cause = "SystemExit" if how == "exit-0" else "KeyboardInterrupt"
    assert f"quit-factors:quitter: PluginImportError: factors plugin 'quitter' from distribution quit-factors 0.1: " \
           f"importing 'quit_pack:pack' failed: {cause}" in done.stdout
    for args in (["factors", "quitter"], ["pack", "check", "quitter"]):
        done = subprocess.run(cli + args, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert "PluginImportError" in done.stderr and cause in done.stderr and "Traceback" not in done.stderr


def test_ctrl_c_still_stops_the_cli_with_status_130(install_dist, acme):
    """A real SIGINT, even while a plugin is being imported, ends the command: exit 130, no traceback."""
    import signal

    install_dist("slow-factors", "0.1", factors={"slow": "slow_pack:pack"},
                 modules={"slow_pack": "import sys, time\nprint('importing', file=sys.stderr, flush=True)\n"
                                       "time.sleep(60)\n"})
    proc = subprocess.Popen([sys.executable, "-m", "neutralcore", "packs"], env=_child_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        assert proc.stderr.readline().strip() == "importing"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130, (out, err)
    assert "Traceback" not in err and "neutralcore: interrupted" in err


def test_main_returns_130_on_keyboard_interrupt(monkeypatch, capsys):
    """Ctrl-C outside any plugin (here: while listing) is the user's: status 130, one line, no traceback."""
    from neutralcore import cli

    def interrupted(*args, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(registry, "list_packs", interrupted)
    assert cli.main(["packs"]) == 130
    assert capsys.readouterr().err == "neutralcore: interrupted\n"
