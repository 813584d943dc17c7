"""Regression tests of issue 9 (architecture) and issue 10 (reliability) for the readers and writers."""

from __future__ import annotations

import neutralcore as nc
import neutralcore.errors


def test_fallback_warning_is_gone():
    """It was never raised: fallbacks are reported in ``Emissions.matches`` (and are errors under ``strict``)."""
    assert not hasattr(nc, "FallbackWarning")
    assert not hasattr(neutralcore.errors, "FallbackWarning")
    assert "FallbackWarning" not in nc.__all__


# -- one CSV reader: every reader shares the header rules and the typed errors ---------------------

import csv  # noqa: E402
import pickle  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from factors_fixture import published_factors  # noqa: E402
from neutralcore.packs import read_coverage  # noqa: E402

INV_HEADER = "activity,quantity,unit,region,year,scope"
FACTOR_HEADER = "activity,region,year,gas,value,unit,publisher,document,source_year"
#: Viet Nam's 2023 grid factor, 0.6592 t CO2/MWh (MONRE/DCC, as in the built-in vietnam pack)
FACTOR_ROW = "electricity.grid,VN,2023,CO2,0.6592,t/MWh,MONRE/DCC,Viet Nam grid emission factor 2023,2024"


def _inventory(path):
    return nc.Inventory.read_csv(path)


def _factors(path):
    return nc.FactorSet.read_csv(path)


def _coverage(path):
    return read_coverage(path)


READERS = {"inventory": (_inventory, INV_HEADER, "electricity.grid,1200,MWh,VN,2023,2"),
           "factors": (_factors, FACTOR_HEADER, FACTOR_ROW),
           "coverage": (_coverage, FACTOR_HEADER, FACTOR_ROW)}


@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize("where", ["header", "body"])
def test_an_unclosed_quote_is_a_typed_error_naming_file_and_line(tmp_path, reader, where):
    """An unclosed quote in the header was a raw ``_csv.Error`` from ``Inventory.read_csv``."""
    read, header, row = READERS[reader]
    path = tmp_path / "bad.csv"
    if where == "header":
        text = header.replace(",", ',"', 1) + "\n" + row + "\n" + row + "\n"
        line = 1
    else:
        text = header + "\n" + row + "\n" + row.replace(",", ',"', 1) + "\n" + row + "\n"
        line = 3
    path.write_text(text, encoding="utf-8")
    with pytest.raises(nc.NeutralcoreError) as exc:
        read(path)
    err = exc.value
    assert isinstance(err, nc.PackFormatError if reader == "coverage" else nc.SchemaError)
    assert str(path) in str(err) and f"line {line}" in str(err) and "never closed" in str(err)
    assert err.line == line
    causes = [err.__cause__]
    while causes[-1] is not None:
        causes.append(causes[-1].__cause__)
    assert any(isinstance(c, csv.Error) for c in causes)


@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize("edit, column, message", [
    (lambda h: h + ",activity", "activity", "appears twice"),
    (lambda h: h.replace("activity,", ""), "activity", "missing required column(s) ['activity']"),
    (lambda h: h + ",", None, "field 10 of the header is empty" ),
])
def test_header_rules_are_the_same_in_every_reader(tmp_path, reader, edit, column, message):
    read, header, row = READERS[reader]
    path = tmp_path / "bad.csv"
    bad = edit(header)
    path.write_text(bad + "\n" + row + "\n", encoding="utf-8")
    if "empty" in message:
        message = f"field {len(bad.split(','))} of the header is empty"
    with pytest.raises(nc.NeutralcoreError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")) as exc:
        read(path)
    assert exc.value.line == 1 and exc.value.column == column


@pytest.mark.parametrize("reader", sorted(READERS))
def test_every_reader_takes_bom_crlf_quotes_and_blank_lines(tmp_path, reader):
    read, header, row = READERS[reader]
    fields = row.split(",")
    quoted = ",".join(f'"{f}"' for f in fields)
    path = tmp_path / "ok.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (",".join(f'"{h}"' for h in header.split(",")) + "\r\n" + quoted + "\r\n"
                                        + "," * (len(fields) - 1) + "\r\n\r\n").encode())
    got = read(path)
    assert len(got.regions if reader == "coverage" else got) == 1


def test_rows_carry_the_line_they_start_on():
    from neutralcore._core.csvrows import open_csv

    data = b'a,b\r\n1,"two\r\nlines"\r\n\r\n,\r\n3,4\r\n'
    f = open_csv(data, required=("a", "b"), name="x.csv")
    assert list(f.records()) == [(2, 3, ["1", "two\r\nlines"]), (6, 6, ["3", "4"])]
    cols, lines = f.columns()
    assert cols == {"a": ["1", "3"], "b": ["two\r\nlines", "4"]} and lines.tolist() == [2, 6]
    with pytest.raises(nc.SchemaError, match="line 3: expected 2 fields, found 3") as exc:
        open_csv(b"a,b\n1,2\n1,2,3\n", required=("a",), name="x.csv").columns()
    assert (exc.value.source, exc.value.line, exc.value.lines) == ("x.csv", 3, [3])
    with pytest.raises(nc.SchemaError, match="unknown column"):
        open_csv(b"a,c\n", required=("a",), optional=("b",))
    with pytest.raises(nc.SchemaError, match="line 2: not UTF-8") as exc:
        open_csv(b"a,b\n\xff,1\n", required=("a",)).columns()
    assert isinstance(exc.value.__cause__, UnicodeDecodeError)


# -- CSV provenance -------------------------------------------------------------------------------


def _write(path, *rows):
    path.write_text(INV_HEADER + ",site\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("quoted", [False, True])
def test_provenance_is_kept_by_where_take_and_concat(tmp_path, quoted):
    q = '"' if quoted else ""
    a = _write(tmp_path / "a.csv", "electricity.grid,1,MWh,VN,2023,2,x", "", f"electricity.grid,2,MWh,VN,2023,2,{q}y{q}")
    b = _write(tmp_path / "b.csv", "electricity.grid,3,MWh,VN,2023,2,y")
    inv_a, inv_b = nc.Inventory.read_csv(a), nc.Inventory.read_csv(b)
    assert inv_a.provenance.files == (str(a),) and inv_a.provenance.line.tolist() == [2, 4]
    sub = inv_a.where(site="y")
    assert sub.provenance.lines([0]) == [4] and sub.provenance.source([0]) == str(a)
    assert inv_a.take(np.array([1, 0])).provenance.line.tolist() == [4, 2]
    both = nc.Inventory.concat([inv_a, inv_b])
    assert both.provenance.files == (str(a), str(b))
    assert both.provenance.file.tolist() == [0, 0, 1] and both.provenance.line.tolist() == [2, 4, 2]
    assert (inv_b + inv_a).provenance.describe([0, 1, 2]) == f"line 2 of {b}; lines 2, 4 of {a}"
    mixed = nc.Inventory.concat([nc.Inventory([nc.Activity("electricity.grid", 1, "MWh", region="VN", year=2023,
                                                             scope=2)]), inv_b])
    assert mixed.provenance.file.tolist() == [-1, 0] and mixed.provenance.source([0]) is None
    assert inv_a.with_quantity(np.array([5.0, 6.0])).provenance.line.tolist() == [2, 4]
    assert inv_a.with_column("site", ["p", "q"]).provenance.line.tolist() == [2, 4]
    assert nc.Inventory([]).provenance is None
    assert pickle.loads(pickle.dumps(sub)).provenance.line.tolist() == [4]


def test_errors_after_where_and_concat_name_the_right_file_and_line(tmp_path):
    """where() and concat() dropped the file and lines, so a later error named neither."""
    a = _write(tmp_path / "a.csv", "electricity.grid,1,MWh,VN,2023,2,x", "electricity.grid,1,MWh,TH,2023,2,y")
    b = _write(tmp_path / "b.csv", "electricity.grid,1,MWh,VN,2023,2,x", "electricity.grid,1,MWh,VN,2023,2,x",
               "electricity.grid,1,MWh,TH,2023,2,x")
    inv_a = nc.Inventory.read_csv(a)
    with pytest.raises(nc.FactorNotFoundError) as exc:
        inv_a.where(site="y").emissions(published_factors())
    assert (exc.value.lines, exc.value.source) == ([3], str(a))
    with pytest.raises(nc.FactorNotFoundError) as exc:
        nc.Inventory.concat([inv_a.where(site="x"), nc.Inventory.read_csv(b)]).emissions(published_factors())
    assert (exc.value.rows, exc.value.lines, exc.value.source) == ([3], [4], str(b))
    assert f"lines [4] of {b}" in str(exc.value)


def test_provenance_checks_its_columns():
    from neutralcore._core.provenance import Provenance

    with pytest.raises(nc.InputError, match="2 file indices but 1 lines"):
        Provenance(("a.csv",), [0, 0], [2])


# -- safe outputs ---------------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

DANGEROUS = ["=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3+cmd|' /C calc'!A0", "@SUM(A1:A2)", "'=already quoted", "''x",
             "-north"]


def _labelled(sites, categories=None, business_unit=None):
    n = len(sites)
    return nc.Inventory.from_columns(activity="electricity.grid", quantity=np.arange(1.0, n + 1), unit="MWh",
                                     region="VN", year=2023, scope=2, site=sites,
                                     category=categories if categories is not None else [None] * n,
                                     business_unit=business_unit if business_unit is not None else ["bu"] * n)


def test_to_csv_neutralises_formula_cells_and_reads_them_back(tmp_path):
    """to_csv wrote ``=cmd|…`` verbatim: a spreadsheet opening the file would run it."""
    inv = _labelled(DANGEROUS + ["-12.5", "plant-1"], categories=list(reversed(DANGEROUS + ["-12.5", "plant-1"])),
                    business_unit=["@bu"] * 9)
    path = tmp_path / "out.csv"
    inv.to_csv(path)
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
            assert not cell.startswith("-") or cell == "-12.5", cell
    site = rows[0].index("site")
    assert [r[site] for r in rows[1:]] == ["'" + s for s in DANGEROUS] + ["-12.5", "plant-1"]
    again = nc.Inventory.read_csv(path)
    assert again.site.values() == inv.site.values() and again.category.values() == inv.category.values()
    assert again.dims["business_unit"].values() == ["@bu"] * 9
    assert list(again) == list(inv)


label = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12).map(str.strip).filter(bool)


@settings(max_examples=60, deadline=None)
@given(sites=st.lists(st.one_of(label, st.sampled_from(DANGEROUS), st.sampled_from(["'", "'-", "-0", "-.5", "-1e3"])),
                      min_size=1, max_size=8))
def test_to_csv_then_read_csv_gives_the_same_inventory(sites, tmp_path_factory):
    inv = _labelled(sites)
    path = tmp_path_factory.mktemp("rt") / "inv.csv"
    inv.to_csv(path)
    again = nc.Inventory.read_csv(path)
    assert again.site.values() == inv.site.values()
    assert again.quantity.tolist() == inv.quantity.tolist() and list(again) == list(inv)


def test_to_csv_replaces_the_file_only_when_complete(tmp_path):
    target = tmp_path / "inv.csv"
    target.mkdir()  # renaming over a directory fails: the error propagates and nothing is left behind
    with pytest.raises(OSError):
        _labelled(["a"]).to_csv(target)
    assert target.is_dir() and not (tmp_path / "inv.csv.tmp").exists()


def test_html_stays_escaped():
    html = _labelled(["<script>alert(1)</script>"])._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_fast_path_restores_escaped_labels_too(tmp_path, monkeypatch):
    from neutralcore.measure import inventory as inventory_module
    from neutralcore.measure import readers

    seen = []
    real = readers.own_columns  # a path: read from disk a block at a time
    monkeypatch.setattr(inventory_module, "own_columns",
                        lambda *a, **k: seen.append(real(*a, **k)) or seen[-1])
    sites = ["=1+2", "@x", "-north", "plant", "'=lit", "-3"] * 50
    inv = _labelled(sites)
    path = tmp_path / "inv.csv"
    inv.to_csv(path)  # \r\n line ends, which the fast path reads too
    again = nc.Inventory.read_csv(path)
    assert seen and seen[-1] is not None
    assert again.site.values() == sites
