"""The one table renderer: text, Markdown and HTML from one Table, escaped and aligned (issue 9)."""

from __future__ import annotations

import numpy as np
import pytest

from neutralcore._core.table import Table, cell_text, fixed_point, markdown_escape


def test_text_aligns_numbers_right_and_separates_thousands():
    t = Table({"name": ["a", "bb"], "t": [1234.5, 0.25], "n": np.array([7, 12])}, title="T")
    assert t.to_text() == "T\nname        t   n\n----  -------  --\na     1,234.5   7\nbb       0.25  12"
    assert repr(t) == t.to_text()
    assert t.to_text(title="").splitlines()[0].startswith("name")


def test_explicit_alignment_and_rows():
    t = Table.from_rows(["k", "v"], [("x", "1"), ("yy", "22")], right=["v"])
    assert t.to_text() == "k    v\n--  --\nx    1\nyy  22"
    with pytest.raises(ValueError, match="repeat"):
        Table.from_rows(["k", "k"], [])
    with pytest.raises(ValueError, match="row 0"):
        Table.from_rows(["k", "v"], [("x",)])


def test_long_tables_are_cut_in_text_and_html_but_not_when_asked():
    t = Table({"i": list(range(25))})
    text = t.to_text()
    assert "…" in text and text.endswith("[25 rows]") and len(text.splitlines()) == 2 + 21 + 1
    assert "<p>25 rows</p>" in t.to_html()
    assert len(t.to_text(max_rows=None).splitlines()) == 2 + 25
    assert t.to_markdown().count("\n") == 1 + 25


def test_html_and_markdown_escape_every_cell_heading_title_and_note():
    t = Table.from_rows(["<h>"], [("<script>x</script> | *y*",)], title="<t>")
    html = t.to_html(notes=["<n>"])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<caption>&lt;t&gt;</caption>" in html and "<th>&lt;h&gt;</th>" in html and "<p>&lt;n&gt;</p>" in html
    md = t.to_markdown()
    assert md.splitlines() == ["&lt;t&gt;", "", "| &lt;h&gt; |", "|---|", "| &lt;script&gt;x&lt;/script&gt; \\| \\*y\\* |"]


def test_markdown_marks_numeric_columns_right_aligned():
    assert Table({"a": ["x"], "b": [1.5]}).to_markdown().splitlines()[1] == "|---|---:|"


def test_cell_formats():
    assert [cell_text(v) for v in (None, float("nan"), 0.0, 1e-5, 2e12, 12345.67891, 3, "s")] == [
        "—", "", "0", "1e-05", "2e+12", "12,345.6789", "3", "s"]
    assert (fixed_point(-0.0004, 3), fixed_point(1_000_000.0, 3)) == ("0", "1,000,000")
    assert markdown_escape("# a\nb_c") == "\\# a b\\_c"


def test_inventory_and_emissions_html_go_through_the_table():
    import neutralcore as nc

    inv = nc.Inventory([nc.Activity("electricity.grid", 10, "MWh", region="VN", year=2023, scope=2, site="<b>x</b>")])
    html = inv._repr_html_()
    assert html.startswith("<table><caption>Inventory: 1 row,") and "&lt;b&gt;x&lt;/b&gt;" in html and "<b>" not in html


def test_column_types_are_fixed_by_the_values_not_the_row_count():
    t = Table({"scope": [1, 2], "year": np.array([2023, 2024]), "t": [1, 2.5], "label": ["a", None], "flag": [True, False],
               "none": [None, None], "mixed": ["a", 1], "np": [np.int64(3), np.int64(4)]})
    assert t.column_types() == {"scope": "int", "year": "int", "t": "float", "label": "str", "flag": "bool",
                                "none": "float", "mixed": "object", "np": "int"}
    assert Table({"e": []}).column_types() == {"e": "str"}


@pytest.mark.parametrize("module, extra, call", [
    ("pandas", "pandas", lambda t, p: t.to_pandas()),
    ("polars", "polars", lambda t, p: t.to_polars()),
    ("pyarrow", "arrow", lambda t, p: t.to_arrow()),
    ("openpyxl", "excel", lambda t, p: t.to_excel(p / "t.xlsx")),
])
def test_conversions_name_the_missing_extra(monkeypatch, tmp_path, module, extra, call):
    import sys

    import neutralcore as nc

    for name in [m for m in sys.modules if m == module or m.startswith(module + ".")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(nc.MissingDependencyError, match=rf"neutralcore\[{extra}\]") as info:
        call(Table({"a": [1]}), tmp_path)
    assert info.value.extra == extra
    assert not (tmp_path / "t.xlsx").exists()


def test_csv_and_json_need_no_optional_library(tmp_path):
    t = Table({"site": ["a", "=b"], "co2e_t": np.array([0.1, 2.0])})
    t.to_csv(tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_text(encoding="utf-8").splitlines() == ["site,co2e_t", "a,0.1", "'=b,2.0"]
    assert t.to_json() == '[{"site": "a", "co2e_t": 0.1}, {"site": "=b", "co2e_t": 2.0}]'
