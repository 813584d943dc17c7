"""Factor objects and the strict factor-file reader."""

from __future__ import annotations

import pytest

import neutralcore as nc

HEADER = "activity,region,year,gas,value,unit,source,kind,confidence,notes\n"
SOURCES = {"dcc": nc.Source("MONRE/DCC", "Viet Nam grid EF 2023", 2025)}


def write(tmp_path, body, header=HEADER, name="factors.csv"):
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    return path


def test_factor_validation():
    src = SOURCES["dcc"]
    f = nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"co2": 0.6592}, src)
    assert dict(f.gases) == {"CO2": 0.6592} and f.key == ("electricity.grid", "VN", 2023)
    with pytest.raises(nc.InputError, match="non-negative"):
        nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": -1}, src)
    with pytest.raises(nc.UnknownGasError):
        nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO3": 1}, src)
    with pytest.raises(nc.InputError, match="must be a neutralcore.Source"):
        nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 1}, "a string is not a Source")
    with pytest.raises(nc.DimensionError):
        nc.Factor("electricity.grid", "VN", 2023, "MWh/t", {"CO2": 1}, src)
    with pytest.raises(nc.DimensionError, match="energy per mass"):
        nc.FuelProperty("ncv", 43, "kg/L", src)


def test_read_csv_groups_gases_and_resolves_sources(tmp_path):
    path = write(tmp_path, "electricity.grid,VN,2023,CO2,0.6592,t/MWh,dcc,grid EF,B,\n"
                           "fuel.diesel.stationary,World,2006,CO2,74100,kg/TJ,dcc,,A,\n"
                           "fuel.diesel.stationary,World,2006,CH4,3,kg/TJ,dcc,,A,\n")
    fs = nc.FactorSet.read_csv(path, sources=SOURCES)
    assert len(fs) == 2
    diesel = fs.get("fuel.diesel.stationary", "World", 2006)
    assert dict(diesel.gases) == {"CO2": 74100.0, "CH4": 3.0}
    assert fs.get("electricity.grid", "VN", 2023).confidence == "B"
    assert fs.get("electricity.grid", "VN", 2022) is None


def test_inline_sources(tmp_path):
    path = write(tmp_path, "electricity.grid,VN,2023,CO2,0.6592,t/MWh,MONRE/DCC,Viet Nam grid EF 2023,2025,\n",
                 header="activity,region,year,gas,value,unit,publisher,document,source_year,url\n")
    f = nc.FactorSet.read_csv(path)[0]
    assert f.source == nc.Source("MONRE/DCC", "Viet Nam grid EF 2023", 2025)


@pytest.mark.parametrize("row, column, text", [
    ("Electricity,VN,2023,CO2,0.6,t/MWh,dcc,,,", "activity", "dotted lowercase"),
    ("electricity.grid,VN,20x3,CO2,0.6,t/MWh,dcc,,,", "year", "whole number"),
    ("electricity.grid,VN,2023,CO3,0.6,t/MWh,dcc,,,", "gas", "unknown gas"),
    ("electricity.grid,VN,2023,CO2,-0.6,t/MWh,dcc,,,", "value", "non-negative"),
    ("electricity.grid,VN,2023,CO2,nan,t/MWh,dcc,,,", "value", "finite"),
    ("electricity.grid,VN,2023,CO2,0_6592,t/MWh,dcc,,,", "value", "not a number"),
    ("electricity.grid,VN,2023,CO2,0.6,t/blorp,dcc,,,", "unit", "blorp"),
    ("electricity.grid,VN,2023,CO2,0.6,t/MWh,nope,,,", "source", "unknown source id"),
    ("electricity.grid,VN,2023,CO2,0.6,t/MWh,,,,", "source", "no source"),
    ("electricity.grid,VN,2023,CO2,0.6,t/MWh,dcc,,Z,", "confidence", "confidence"),
])
def test_reader_names_file_line_and_column(tmp_path, row, column, text):
    path = write(tmp_path, "electricity.grid,VN,2022,CO2,0.6766,t/MWh,dcc,,,\n" + row + "\n")
    with pytest.raises(nc.SchemaError) as info:
        nc.FactorSet.read_csv(path, sources=SOURCES)
    err = info.value
    assert err.line == 3 and err.column == column and err.source == str(path)
    assert text in str(err) and "line 3" in str(err) and str(path) in str(err)


def test_reader_duplicates_and_header(tmp_path):
    path = write(tmp_path, "electricity.grid,VN,2023,CO2,0.6,t/MWh,dcc,,,\nelectricity.grid,VN,2023,CO2,0.7,t/MWh,dcc,,,\n")
    with pytest.raises(nc.SchemaError, match="already given on line 2"):
        nc.FactorSet.read_csv(path, sources=SOURCES)
    path = write(tmp_path, "x\n", header="activity,region,year,gas,value\n")
    with pytest.raises(nc.SchemaError, match="missing required column"):
        nc.FactorSet.read_csv(path, sources=SOURCES)
    path = write(tmp_path, "", header=HEADER.replace("notes", "colour"))
    with pytest.raises(nc.SchemaError, match="unknown column"):
        nc.FactorSet.read_csv(path, sources=SOURCES)
    path = write(tmp_path, 'electricity.grid,VN,2023,CO2,0.6,t/MWh,dcc,"unclosed\n')
    with pytest.raises(nc.SchemaError):
        nc.FactorSet.read_csv(path, sources=SOURCES)


def test_declared_regions_are_enforced(tmp_path):
    path = write(tmp_path, "electricity.grid,CN-XX,2023,CO2,0.6,t/MWh,dcc,,,\n")
    with pytest.raises(nc.SchemaError, match="not declared"):
        nc.FactorSet.read_csv(path, sources=SOURCES, regions={"CN": {"name": "China"}})


def test_region_cycle_is_rejected():
    src = SOURCES["dcc"]
    with pytest.raises(nc.InputError, match="loops"):
        nc.FactorSet.from_factors([nc.Factor("electricity.grid", "A", 2023, "t/MWh", {"CO2": 1}, src)],
                                  regions={"A": "B", "B": "A"})


def test_merge_later_wins_and_records_pack():
    src = SOURCES["dcc"]
    a = nc.FactorSet.from_factors([nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.1}, src),
                                   nc.Factor("electricity.grid", "VN", 2022, "t/MWh", {"CO2": 0.2}, src)], pack="a")
    b = nc.FactorSet.from_factors([nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, src)], pack="b")
    ab = nc.FactorSet.merge(a, b)
    assert len(ab) == 2
    assert ab.get("electricity.grid", "VN", 2023).gases["CO2"] == 0.6592
    assert ab.get("electricity.grid", "VN", 2023).pack == "b"
    assert ab.get("electricity.grid", "VN", 2022).pack == "a"
    ba = nc.FactorSet.merge(b, a)
    assert ba.get("electricity.grid", "VN", 2023).gases["CO2"] == 0.1
    assert (a | b).get("electricity.grid", "VN", 2023).pack == "b"


def test_merge_records_overrides_and_matches_report_them():
    src = SOURCES["dcc"]
    a = nc.FactorSet.from_factors([nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.1}, src),
                                   nc.Factor("electricity.grid", "VN", 2022, "t/MWh", {"CO2": 0.2}, src)], pack="a")
    b = nc.FactorSet.from_factors([nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, src)], pack="b")
    c = nc.FactorSet.from_factors([nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, src)], pack="c")
    abc = nc.FactorSet.merge(nc.FactorSet.merge(a, b), c)
    inv = nc.Inventory([nc.Activity("electricity.grid", 10, "MWh", region="VN", year=y, scope=2) for y in (2022, 2023)])
    summary = inv.emissions(abc).matches.summary()
    by_year = {row["year"]: row for row in summary}
    assert by_year[2023]["pack"] == "c" and by_year[2023]["overrides"] == "a; b"
    assert by_year[2022]["pack"] == "a" and by_year[2022]["overrides"] is None


# -- audit of issue 2: defects found and fixed -------------------------------------------

INLINE = "activity,region,year,gas,value,unit,publisher,document,source_year,kind,confidence,uncertainty\n"


def test_conflicting_factor_metadata_across_gas_rows_is_an_error(tmp_path):
    # the CH4 row's uncertainty used to be dropped silently (the first row's value won)
    body = ("fuel.x,World,2006,CO2,74100,kg/TJ,IPCC,GL,2006,,A,0.05\n"
            "fuel.x,World,2006,CH4,3,kg/TJ,IPCC,GL,2006,,A,0.5\n")
    with pytest.raises(nc.SchemaError, match="uncertainty") as exc:
        nc.FactorSet.read_csv(write(tmp_path, body, header=INLINE))
    assert exc.value.line == 3 and exc.value.column == "uncertainty"
    body = ("fuel.x,World,2006,CO2,74100,kg/TJ,IPCC,GL,2006,a,A,\n"
            "fuel.x,World,2006,CH4,3,kg/TJ,IPCC,GL,2006,b,A,\n")
    with pytest.raises(nc.SchemaError, match="kind"):
        nc.FactorSet.read_csv(write(tmp_path, body, header=INLINE))


def test_factor_metadata_given_on_one_gas_row_applies_to_the_factor(tmp_path):
    body = ("fuel.x,World,2006,CO2,74100,kg/TJ,IPCC,GL,2006,,,\n"
            "fuel.x,World,2006,CH4,3,kg / TJ,IPCC,GL,2006,Table 2.3,B,0.5\n")
    f = nc.FactorSet.read_csv(write(tmp_path, body, header=INLINE)).factor(0)
    assert (f.uncertainty, f.kind, f.confidence) == (0.5, "Table 2.3", "B")


def test_region_codes_in_factor_files_are_case_insensitive(tmp_path):
    body = "electricity.grid,cn-js,2023,CO2,0.55,t/MWh,MEE,doc,2024,,,\n"
    fs = nc.FactorSet.read_csv(write(tmp_path, body, header=INLINE), regions={"CN-JS": "CN"})
    assert fs.region.categories == ("CN-JS",)
    body = ("electricity.grid,vn,2023,CO2,0.6592,t/MWh,DCC,doc,2025,,,\n"
            "electricity.grid,VN,2023,CO2,0.7,t/MWh,DCC,doc,2025,,,\n")
    with pytest.raises(nc.SchemaError, match="already given on line 2"):
        nc.FactorSet.read_csv(write(tmp_path, body, header=INLINE))


def test_unreadable_factor_file_is_a_schema_error(tmp_path):
    with pytest.raises(nc.SchemaError, match="cannot read"):
        nc.FactorSet.read_csv(tmp_path)
