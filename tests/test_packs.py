"""FactorPack: the strict pack.toml schema, the strict CSV reader behind load(), check_factor_pack, and the CLI.

Test rows use a real published value: Viet Nam's 2023 national grid emission factor,
0.6592 t CO2/MWh (MONRE/DCC, as shipped in the built-in vietnam pack).
"""

from __future__ import annotations

from importlib.resources import files
from types import MappingProxyType

import pytest

import neutralcore as nc
from neutralcore.cli import main
from neutralcore.errors import PackFormatError, PluginError
from neutralcore.packs import FactorPack, read_coverage
from neutralcore.testing import check_factor_pack

TOML = """\
name = "demo"
title = "Demo pack"
version = "2025.1"
api = 1
license = "public data"
description = "Viet Nam grid factor"

[sources.dcc]
publisher = "MONRE/DCC"
document = "Viet Nam grid emission factors 2014-2023, Table 1"
year = 2025

[regions]
VN = { name = "Viet Nam" }
"""
HEADER = "activity,region,year,gas,value,unit,source\n"
ROW = "electricity.grid,VN,2023,CO2,0.6592,t/MWh,dcc\n"


def write_pack(tmp_path, toml=TOML, rows=ROW, properties=None):
    (tmp_path / "pack.toml").write_text(toml, encoding="utf-8")
    (tmp_path / "factors.csv").write_text(HEADER + rows, encoding="utf-8")
    if properties is not None:
        (tmp_path / "properties.csv").write_text(properties, encoding="utf-8")
    return tmp_path


# -- pack.toml -----------------------------------------------------------------------------


def test_builtin_pack_metadata_is_read_only():
    pack = FactorPack.from_directory(files("neutralcore.plugins.vietnam") / "data")
    assert (pack.name, pack.version, pack.api) == ("vietnam", "2026.3", 1)
    assert pack.title.startswith("Viet Nam grid emission factors (MONRE/DCC) and MONRE Decision 2626/QĐ-BTNMT emission factors")
    assert pack.sources["dcc-grid-ef"].year == 2025
    assert pack.regions["VN"]["name"] == "Viet Nam" and pack.regions["VN"]["parent"] is None
    assert pack.pledges["net_zero_2050"]["target_year"] == 2050
    assert pack.dist is None
    for view in (pack.sources, pack.regions, pack.metadata, pack.pledges, pack.pledges["net_zero_2050"]):
        assert isinstance(view, MappingProxyType)
        with pytest.raises(TypeError):
            view["x"] = 1  # type: ignore[index]
    china = FactorPack.from_directory(files("neutralcore.plugins.china") / "data")
    assert set(china.pledges) == {"dual_carbon_3060", "ndc_2035"}
    assert china.regions["CN-JS"]["parent"] == "CN-EAST"


def test_load_reads_once_and_records_the_pack(tmp_path):
    pack = FactorPack.from_directory(write_pack(tmp_path))
    fs = pack.load()
    assert pack.load() is fs
    f = fs.get("electricity.grid", "VN", 2023)
    assert f.gases["CO2"] == pytest.approx(0.6592, abs=1e-12)
    assert (f.pack, f.source.publisher, f.unit) == ("demo", "MONRE/DCC", "t/MWh")
    assert pack.coverage() == read_coverage(tmp_path / "factors.csv")
    assert pack.coverage().years == (2023,) and pack.coverage().year_span == "2023"


def test_properties_file_is_optional_and_used(tmp_path):
    """A fuel factor with its IPCC 2006 net calorific value (diesel 43.0 TJ/Gg, Vol.2 Table 1.2)."""
    toml = TOML.replace('[regions]', '[sources.ipcc]\npublisher = "IPCC"\ndocument = "2006 GL Vol.2 Table 1.2"\nyear = 2006\n\n[regions]')
    props = "activity,region,property,value,unit,source\nfuel.diesel.stationary,World,ncv,43.0,TJ/Gg,ipcc\n"
    pack = FactorPack.from_directory(write_pack(tmp_path, toml, ROW + "fuel.diesel.stationary,World,2006,CO2,74100,kg/TJ,ipcc\n", props))
    f = pack.load().get("fuel.diesel.stationary", "World", 2006)
    assert f.ncv.value == pytest.approx(43.0, abs=1e-12) and f.ncv.unit == "TJ/Gg"


@pytest.mark.parametrize(
    "edit, line, column, message",
    [
        (lambda t: t.replace('title = "Demo pack"\n', ""), None, None, "missing required key 'title'"),
        (lambda t: t.replace("api = 1", "api = 2"), 4, "api", "api = 2 is not supported"),
        (lambda t: t.replace("api = 1", 'api = "1"'), 4, "api", "'api' must be an integer"),
        (lambda t: t.replace('version = "2025.1"', 'version = ""'), 3, "version", "'version' must be a non-empty string"),
        (lambda t: t.replace('name = "demo"', 'name = "Demo Pack"'), 1, "name", "must match"),
        (lambda t: 'homepage = "x"\n' + t, 1, "homepage", "unknown top-level key(s) ['homepage']"),
        (lambda t: t.replace("year = 2025\n", ""), 8, "sources.dcc", "source 'dcc' has no 'year'"),
        (lambda t: t.replace("year = 2025", 'year = "2025"'), 11, "sources.dcc.year", "'year' must be a whole year"),
        (lambda t: t.replace("year = 2025", "year = 2025\nedition = 2"), 12, "sources.dcc.edition", "unknown key(s) ['edition']"),
        (lambda t: t.replace('VN = { name = "Viet Nam" }', 'VN = { name = "Viet Nam", iso = "VNM" }'), 14, "regions.VN",
         "unknown key(s) ['iso']"),
        (lambda t: t.replace('VN = { name = "Viet Nam" }', 'VN = { parent = "ASEAN" }\nASEAN = { parent = "VN" }'), None,
         "regions", "region fallback chain loops"),
        (lambda t: t.replace("api = 1", "api = = 1"), 4, "7", "not valid TOML"),
        # a typo in a parent would silently cut the fallback chain of every row in that region
        (lambda t: t.replace('VN = { name = "Viet Nam" }', 'VN = { name = "Viet Nam", parent = "ASEN" }'), 14, "regions.VN",
         "parent 'ASEN' is not declared in [regions]"),
    ],
)
def test_pack_toml_errors_name_file_line_and_key(tmp_path, edit, line, column, message):
    write_pack(tmp_path, edit(TOML))
    with pytest.raises(PackFormatError) as exc:
        FactorPack.from_directory(tmp_path)
    err = exc.value
    assert message in str(err)
    assert err.file == str(tmp_path / "pack.toml")
    assert (err.line, err.column) == (line, column)
    assert str(tmp_path / "pack.toml") in str(err)


@pytest.mark.parametrize(
    "toml",
    [
        "a = " + "[" * 3000 + "]" * 3000 + "\n",  # the TOML parser recursed until RecursionError
        "a = " + "{ b = " * 3000 + "1" + " }" * 3000 + "\n",
        TOML + "[" + ".".join(["metadata"] + ["x"] * 3000) + "]\ny = 1\n",  # parses; freezing recursed
        TOML + "[metadata]\n" + ".".join(["x"] * 3000) + " = 1\n",
        TOML.replace("[regions]", "[metadata]\nx = " + "[" * 200 + "]" * 200 + "\n\n[regions]"),
    ],
    ids=["nested-arrays", "nested-tables", "dotted-table", "dotted-key", "deep-metadata-array"],
)
def test_deeply_nested_pack_toml_is_a_format_error(tmp_path, toml):
    write_pack(tmp_path, toml)
    with pytest.raises(PackFormatError) as exc:
        FactorPack.from_directory(tmp_path)
    assert exc.value.file == str(tmp_path / "pack.toml")
    assert "nested" in str(exc.value) and str(tmp_path / "pack.toml") in str(exc.value)


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.replace('name = "demo"', "name = []"),
        lambda t: t.replace('title = "Demo pack"', "title = { a = 1 }"),
        lambda t: t.replace('license = "public data"', "license = 2024-01-01"),
        lambda t: t.replace("api = 1", "api = true"),
        lambda t: t.replace("api = 1", "api = [1]"),
        lambda t: t.replace("[sources.dcc]", "[sources.dcc.inner]"),
        lambda t: t.replace("year = 2025", "year = true"),
        lambda t: t.replace("year = 2025", "year = 1e3000"),
        lambda t: t.replace("year = 2025", "year = 99999999999999999"),
        lambda t: t.replace('publisher = "MONRE/DCC"', "publisher = 3"),
        lambda t: t.replace('VN = { name = "Viet Nam" }', "VN = 1"),
        lambda t: t.replace('VN = { name = "Viet Nam" }', 'VN = { parent = 3 }'),
        lambda t: t.replace('VN = { name = "Viet Nam" }', 'VN = { parent = "VN" }'),
        lambda t: t.replace('VN = { name = "Viet Nam" }', 'VN = { name = ["Viet", "Nam"] }'),
        lambda t: t.replace('VN = { name = "Viet Nam" }', '"V N" = { name = "x" }'),
        lambda t: t.replace("[regions]", "regions = [1, 2]\n[other]"),
        lambda t: t.replace("[sources.dcc]", "sources = 3\n[x]"),
        lambda t: t + "metadata = 3\n",
        lambda t: t.replace("[regions]", "[[regions]]"),
        lambda t: "\ufeff" + t,
        lambda t: t + "\x00",
    ],
)
def test_malformed_pack_toml_shapes_are_format_errors(tmp_path, edit):
    """Every wrong shape or type in pack.toml is a PackFormatError naming the file, never a builtin error."""
    write_pack(tmp_path, edit(TOML))
    with pytest.raises(PackFormatError) as exc:
        FactorPack.from_directory(tmp_path)
    assert exc.value.file == str(tmp_path / "pack.toml")


def _chain_toml(n: int) -> str:
    regions = "".join(f'R{i} = {{ parent = "R{i + 1}" }}\n' for i in range(n)) + f'R{n} = {{ name = "top" }}\n'
    return TOML.replace('VN = { name = "Viet Nam" }\n', "VN = {}\n" + regions)


def test_long_region_chains_are_checked_in_linear_time(tmp_path):
    """3,000 chained regions: the loop check walked each chain from every region (about 70 s); now one pass."""
    import time

    from neutralcore.measure.factor import region_map

    n = 3000
    chain = {f"R{i}": f"R{i + 1}" for i in range(n)}
    start = time.perf_counter()
    regions = region_map(chain)
    pack = FactorPack.from_directory(write_pack(tmp_path, _chain_toml(n)))
    coverage = read_coverage(pack.factors_file)
    elapsed = time.perf_counter() - start
    assert len(regions) == n and regions["R0"] == ("R1", None)
    assert len(pack.regions) == n + 2 and coverage.regions == ("VN",)
    assert elapsed < 3.0, elapsed
    looped = dict(chain, **{f"R{n}": "R0"})
    start = time.perf_counter()
    with pytest.raises(nc.InputError, match="loops") as exc:
        region_map(looped)
    assert time.perf_counter() - start < 3.0
    assert str(exc.value).count("->") == n + 1  # the whole loop is named


def test_list_packs_is_fast_for_a_long_declared_chain(tmp_path, install_dist):
    import time

    install_dist("chain-factors", factors={"chain": "chain_pack"}, modules={"chain_pack/__init__": ""},
                 files={"chain_pack/data/pack.toml": _chain_toml(3000).replace('name = "demo"', 'name = "chain"'),
                        "chain_pack/data/factors.csv": HEADER + ROW})
    start = time.perf_counter()
    infos = [i for i in nc.list_packs() if i.name == "chain"]
    elapsed = time.perf_counter() - start
    assert infos and infos[0].problem is None and infos[0].coverage.regions == ("VN",)
    assert elapsed < 3.0, elapsed


def test_declared_parents_and_world_are_accepted(tmp_path):
    toml = TOML.replace('VN = { name = "Viet Nam" }',
                        'ASEAN = { name = "ASEAN", parent = "World" }\nVN = { name = "Viet Nam", parent = "ASEAN" }')
    pack = FactorPack.from_directory(write_pack(tmp_path, toml))
    assert pack.load().region_chain("VN") == ("VN", "ASEAN", "World")


def test_missing_files_are_format_errors(tmp_path):
    with pytest.raises(PackFormatError, match="no pack.toml"):
        FactorPack.from_directory(tmp_path)
    (tmp_path / "pack.toml").write_text(TOML)
    with pytest.raises(PackFormatError, match="the pack 'demo' has no factors.csv") as exc:
        FactorPack.from_directory(tmp_path)
    assert exc.value.plugin == "demo"


# -- factors.csv through load() ----------------------------------------------------------------


@pytest.mark.parametrize(
    "row, column, message",
    [
        ("Electricity Grid,VN,2023,CO2,0.6592,t/MWh,dcc", "activity", "is not dotted lowercase words"),
        ("electricity.grid,TH,2023,CO2,0.6592,t/MWh,dcc", "region", "region 'TH' is not declared"),
        ("electricity.grid,VN,20x3,CO2,0.6592,t/MWh,dcc", "year", "year '20x3' is not a whole number"),
        ("electricity.grid,VN,2023,CO3,0.6592,t/MWh,dcc", "gas", "CO3"),
        ("electricity.grid,VN,2023,CO2,-0.6592,t/MWh,dcc", "value", "must be finite and non-negative"),
        ("electricity.grid,VN,2023,CO2,nan,t/MWh,dcc", "value", "must be finite and non-negative"),
        ("electricity.grid,VN,2023,CO2,inf,t/MWh,dcc", "value", "must be finite and non-negative"),
        ("electricity.grid,VN,2023,CO2,0.6592,t/blorbs,dcc", "unit", "blorbs"),
        ("electricity.grid,VN,2023,CO2,0.6592,MWh/t,dcc", "unit", "must be a mass"),
        ("electricity.grid,VN,2023,CO2,0.6592,t/MWh,", "source", "no source"),
        ("electricity.grid,VN,2023,CO2,0.6592,t/MWh,iea", "source", "unknown source id 'iea'"),
    ],
)
def test_bad_rows_name_file_line_column_and_pack(tmp_path, row, column, message):
    """The bad row is line 3 (header is line 1, a good row line 2)."""
    good = "electricity.grid,VN,2022,CO2,0.6766,t/MWh,dcc\n"
    pack = FactorPack.from_directory(write_pack(tmp_path, rows=good + row + "\n"))
    with pytest.raises(PackFormatError) as exc:
        pack.load()
    err = exc.value
    assert (err.line, err.column, err.plugin, err.kind) == (3, column, "demo", "factors")
    assert err.file == str(tmp_path / "factors.csv")
    assert message in str(err) and "line 3" in str(err) and "pack 'demo'" in str(err)
    assert isinstance(err.__cause__, nc.SchemaError)


def test_key_given_twice_is_an_error(tmp_path):
    pack = FactorPack.from_directory(write_pack(tmp_path, rows=ROW + ROW))
    with pytest.raises(PackFormatError, match="already given on line 2") as exc:
        pack.load()
    assert (exc.value.line, exc.value.column) == (3, "gas")


# -- neutralcore.testing ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["vietnam", "china", "ipcc"])
def test_builtin_packs_pass_the_plugin_author_check(name):
    report = check_factor_pack(name)
    assert report.pack.name == name and report.pack.dist == "neutralcore"


def test_check_reports_what_it_checked(tmp_path):
    report = check_factor_pack(write_pack(tmp_path))
    assert (report.activities, report.regions, report.years, report.gases) == (("electricity.grid",), ("VN",), (2023,), ("CO2",))
    assert report.summary() == (
        "pack 'demo' version 2025.1 (api 1): 1 factors, 1 activities, 1 regions (VN), years 2023, gases CO2, 1 sources"
    )
    assert check_factor_pack(str(tmp_path)).pack.name == "demo"


def test_check_reports_every_bad_row_at_once(tmp_path):
    """Three bad rows (one of them a record whose quoted note spans two lines) and a bad property: four problems."""
    toml = TOML.replace("[regions]", '[sources.ipcc]\npublisher = "IPCC"\ndocument = "2006 GL Vol.2 Table 1.2"\n'
                        'year = 2006\n\n[regions]')
    header = "activity,region,year,gas,value,unit,source,notes\n"
    rows = (
        "electricity.grid,VN,2022,CO2,0.6766,t/MWh,dcc,\n"           # line 2: fine
        "electricity.grid,VN,2023,CO2,-0.6592,t/MWh,dcc,\n"          # line 3: negative
        'electricity.grid,TH,2023,CO2,0.6592,t/MWh,dcc,"a note\non two lines"\n'  # lines 4-5: undeclared region
        "electricity.grid,VN,2021,CO3,0.7221,t/MWh,dcc,\n"           # line 6: unknown gas
        "fuel.diesel.stationary,World,2006,CO2,74100,kg/TJ,ipcc,\n"  # line 7: fine
    )
    props = "activity,region,property,value,unit,source\nfuel.diesel.stationary,World,ncv,forty-three,TJ/Gg,ipcc\n"
    write_pack(tmp_path, toml, properties=props)
    (tmp_path / "factors.csv").write_text(header + rows, encoding="utf-8")
    with pytest.raises(PackFormatError) as exc:
        check_factor_pack(tmp_path)
    err = exc.value
    where = [(p.file.rsplit("/", 1)[-1], p.line, p.column) for p in err.problems]
    assert where == [("properties.csv", 2, "value"), ("factors.csv", 3, "value"), ("factors.csv", 4, "region"),
                     ("factors.csv", 6, "gas")]
    assert (err.file, err.line, err.column) == (str(tmp_path / "properties.csv"), 2, "value")
    assert str(err).startswith("pack 'demo': 4 problems:\n  ")
    assert f"{tmp_path / 'factors.csv'}, line 3, column 'value': '-0.6592' must be finite and non-negative" in str(err)
    assert "line 6, column 'gas'" in str(err)
    assert all(isinstance(p, PackFormatError) for p in err.problems)
    import pickle

    assert pickle.loads(pickle.dumps(err)).problems[2].line == 4  # the line the record starts on


def test_cli_pack_check_lists_every_problem(tmp_path, capsys):
    rows = "electricity.grid,VN,2023,CO2,-1,t/MWh,dcc\nelectricity.grid,VN,2022,CO2,0.6766,t/blorbs,dcc\n"
    write_pack(tmp_path, rows=rows)
    assert main(["pack", "check", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("neutralcore: error: PackFormatError: pack 'demo': 2 problems:\n")
    assert "line 2, column 'value': '-1' must be finite" in err and "line 3, column 'unit'" in err


def test_check_of_a_directory_without_pack_toml_points_to_the_pack(tmp_path, capsys):
    """Run at a project's root, the check names the folder that holds pack.toml."""
    data = tmp_path / "src" / "acme_factors" / "data"
    data.mkdir(parents=True)
    write_pack(data)
    with pytest.raises(PackFormatError, match="no pack.toml in this directory; the pack directory is the one holding "
                                              "pack.toml, e.g. .*acme_factors/data"):
        check_factor_pack(tmp_path)
    assert main(["pack", "check", str(tmp_path)]) == 2
    assert str(data) in capsys.readouterr().err


def test_check_rejects_an_unused_source(tmp_path):
    toml = TOML.replace("[regions]", '[sources.unused]\npublisher = "X"\ndocument = "Y"\nyear = 2020\n\n[regions]')
    with pytest.raises(PackFormatError, match="source 'unused' is declared in pack.toml but no factor") as exc:
        check_factor_pack(write_pack(tmp_path, toml))
    assert exc.value.column == "sources.unused"


def test_check_rejects_density_without_calorific_value(tmp_path):
    """Litres could not reach a per-TJ factor: density (Statistics Canada 839.5 kg/m3) alone is not enough."""
    toml = TOML.replace("[regions]", '[sources.ipcc]\npublisher = "IPCC"\ndocument = "2006 GL Vol.2"\nyear = 2006\n\n'
                        '[sources.statcan]\npublisher = "Statistics Canada"\ndocument = "57-601-X"\nyear = 2012\n\n[regions]')
    rows = ROW + "fuel.diesel.stationary,World,2006,CO2,74100,kg/TJ,ipcc\n"
    props = "activity,region,property,value,unit,source\nfuel.diesel.stationary,World,density,839.5,kg/m^3,statcan\n"
    with pytest.raises(PackFormatError, match="has a density but no net calorific value"):
        check_factor_pack(write_pack(tmp_path, toml, rows, props))


def test_check_rejects_an_empty_pack(tmp_path):
    with pytest.raises(PackFormatError, match="the pack has no factors"):
        check_factor_pack(write_pack(tmp_path, rows=""))


def test_check_of_an_unknown_name_is_a_plugin_error():
    with pytest.raises(nc.PluginNotFoundError):
        check_factor_pack("no-such-pack")


# -- command line ------------------------------------------------------------------------------


def test_cli_pack_check_ok(tmp_path, capsys):
    assert main(["pack", "check", str(write_pack(tmp_path))]) == 0
    assert capsys.readouterr().out.startswith("ok: pack 'demo' version 2025.1 (api 1): 1 factors")


def test_cli_pack_check_failure_exits_2_naming_the_line(tmp_path, capsys):
    write_pack(tmp_path, rows="electricity.grid,VN,2023,CO2,-1,t/MWh,dcc\n")
    assert main(["pack", "check", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("neutralcore: error: PackFormatError: pack 'demo': ")
    assert "factors.csv" in err and "line 2" in err and "'-1' must be finite and non-negative" in err


def test_cli_factors_shows_values_and_sources(capsys):
    assert main(["factors", "vietnam", "--activity", "electricity.grid", "--year", "2023"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "Factors: vietnam (1 of 58 factors; activity electricity.grid, year 2023)"
    assert lines[3].split() == ["electricity.grid", "VN", "2023", "t/MWh", "0.6592", "vietnam", "B", "[1]"]
    assert "[1] Ministry of Natural Resources and Environment (MONRE), Department of Climate Change (DCC)" in out


def test_cli_factors_shows_fuel_properties(capsys):
    assert main(["factors", "ipcc", "--activity", "fuel.diesel.stationary", "--region", "World"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("fuel.diesel.stationary "))
    assert row.split() == ["fuel.diesel.stationary", "World", "2006", "kg/TJ", "74100", "3", "0.6", "43", "TJ/Gg", "[1]",
                           "839.5", "kg/m^3", "[2]", "ipcc", "A", "[1]"]
    assert "[2] Statistics Canada" in out


def test_cli_factors_says_what_each_factor_is_and_how_a_region_falls_back(capsys):
    """Jiangsu has provincial factors for 2021-2022 only; the listing says what a 2023 row would use."""
    assert main(["factors", "china", "--activity", "electricity.grid", "--region", "CN-JS"]) == 0
    out = capsys.readouterr().out
    assert [line.split()[2:5] for line in out.splitlines()[3:5]] == [["2021", "t/MWh", "0.6451"], ["2022", "t/MWh", "0.5978"]]
    assert ("a CN-JS row uses the first of CN-JS (Jiangsu), CN-EAST (East China grid (华东)), CN (China), World "
            "that has a factor for the row's year") in out
    assert "electricity.grid: MEE/NBS provincial average electricity CO2 emission factor (location-based) (江苏)" in out
    assert main(["factors", "china", "--region", "CN", "--year", "2022"]) == 0
    out = capsys.readouterr().out
    assert "electricity.grid.ets: MEE carbon-market (enterprise GHG reporting) national grid factor; not the MEE/NBS " \
           "statistical series" in out


def test_cli_factors_without_match_exits_1(capsys):
    assert main(["factors", "vietnam", "--year", "1999"]) == 1
    assert "No factor matches." in capsys.readouterr().err


def test_cli_unknown_pack_exits_2(capsys):
    assert main(["factors", "atlantis"]) == 2
    assert "PluginNotFoundError: no installed factors plugin named 'atlantis'" in capsys.readouterr().err


def test_cli_packs_lists_builtins(capsys):
    assert main(["packs"]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split() for line in out.splitlines()[2:7]}
    assert rows["vietnam"][:4] == ["vietnam", "2026.3", "neutralcore", rows["vietnam"][3]]
    assert rows["vietnam"][4:] == ["2014-2023", "1", "49", "ok"]  # the grid and 48 Decision 2626 keys
    assert rows["ipcc"][4:] == ["2006", "1", "166", "ok"]  # 110 stationary (22 fuels x 5 keys), 17 mobile, 24 process/waste, 15 wastewater
    assert rows["china"][4:] == ["2021-2025", "38", "31", "ok"]  # heat.purchased is GB/T 32150—2025's; 26 fuels
    assert rows["desnz2024"][4:] == ["2024", "1", "1459", "ok"] and rows["epa2024"][4:] == ["2024", "28", "240", "ok"]
    assert "vietnam: Viet Nam grid emission factors (MONRE/DCC)" in out


def test_cli_report_uses_packs_by_name(tmp_path, capsys):
    """1,000 MWh Viet Nam 2023 x 0.6592 t/MWh = 659.2 t CO2e."""
    inv = tmp_path / "inv.csv"
    inv.write_text("activity,quantity,unit,region,year,scope\nelectricity.grid,1000,MWh,VN,2023,2\n")
    assert main(["report", str(inv), "--factors", "vietnam,ipcc"]) == 0
    assert "Total: 659.200 t CO2e" in capsys.readouterr().out


def test_errors_are_plugin_errors():
    assert issubclass(PackFormatError, PluginError) and issubclass(PackFormatError, ValueError)
