"""DataFrames, Arrow, Parquet and Excel in (issue 13, "In"): each path as a user drives it.

A 100,000-row inventory handed over as a pandas DataFrame, a polars DataFrame,
an Arrow table and a Parquet file (and 5,000 rows as an Excel workbook, since
openpyxl writes about 20,000 rows a second) gives exactly the ``by()`` table of
the same rows read from CSV.
"""

from __future__ import annotations

import sys
import zipfile
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import openpyxl
import pytest

import neutralcore as nc
from neutralcore._core import frames

N = 100_000
N_EXCEL = 5_000


def _frame(n: int, seed: int = 13) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    acts = np.array(["electricity.grid", "fuel.diesel.stationary", "fuel.natural_gas.stationary"])
    units = np.array(["MWh", "L", "GJ"])
    pick = rng.integers(0, 3, n)
    return pd.DataFrame({
        "activity": acts[pick],
        "quantity": np.round(rng.random(n) * 1000, 3),
        "unit": units[pick],
        "region": "VN",
        "year": rng.integers(2022, 2024, n),
        "scope": np.where(pick == 0, 2, 1),
        "site": np.array([f"site-{i:02d}" for i in range(40)])[rng.integers(0, 40, n)],
        "team": np.array(["ops", "admin", "fleet"])[rng.integers(0, 3, n)],
    })


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return _frame(N)


@pytest.fixture(scope="module")
def factors():
    return nc.load_factors("vietnam", "ipcc")


@pytest.fixture(scope="module")
def expected(data, factors, tmp_path_factory):
    path = tmp_path_factory.mktemp("csv") / "inventory.csv"
    data.to_csv(path, index=False)
    res = nc.Inventory.read_csv(path).emissions(factors)
    return {dims: res.by(*dims).to_dicts() for dims in (("scope", "site"), ("year", "activity", "team"))}


def _same_by(inv, factors, expected):
    res = inv.emissions(factors)
    for dims, rows in expected.items():
        got = res.by(*dims).to_dicts()
        assert [tuple(r[d] for d in dims) for r in got] == [tuple(r[d] for d in dims) for r in rows]
        np.testing.assert_allclose([r["co2e_t"] for r in got], [r["co2e_t"] for r in rows], rtol=1e-12)


def test_pandas_frame_gives_the_csv_by_table(data, factors, expected):
    _same_by(nc.Inventory.from_pandas(data), factors, expected)


def test_pandas_categorical_columns_give_the_same(data, factors, expected):
    df = data.astype({c: "category" for c in ("activity", "unit", "region", "site", "team")})
    _same_by(nc.Inventory.from_pandas(df), factors, expected)


def test_polars_frame_string_enum_and_categorical_give_the_same(data, factors, expected):
    df = pl.from_pandas(data)
    _same_by(nc.Inventory.from_polars(df), factors, expected)
    cats = df.with_columns(pl.col("activity", "site").cast(pl.Categorical),
                           pl.col("team").cast(pl.Enum(["fleet", "ops", "admin", "unused"])))
    _same_by(nc.Inventory.from_polars(cats), factors, expected)
    _same_by(nc.Inventory.from_polars(cats.lazy()), factors, expected)


def test_arrow_table_plain_large_and_dictionary_strings_give_the_same(data, factors, expected):
    table = pa.Table.from_pandas(data, preserve_index=False)
    _same_by(nc.Inventory.from_arrow(table), factors, expected)
    large = table.cast(pa.schema([pa.field(f.name, pa.large_string()) if pa.types.is_string(f.type) else f
                                  for f in table.schema]))
    assert pa.types.is_large_string(large.schema.field("activity").type)
    _same_by(nc.Inventory.from_arrow(large), factors, expected)
    encoded = pa.table({name: (col.dictionary_encode() if pa.types.is_string(col.type) else col)
                        for name, col in zip(table.column_names, table.columns)})
    _same_by(nc.Inventory.from_arrow(encoded), factors, expected)


def test_arrow_chunks_with_different_dictionaries_are_unified():
    a = pa.array(["site-b", "site-a"]).dictionary_encode()
    b = pa.array(["site-c", "site-b"]).dictionary_encode()
    codes, cats = frames.column_values(pa.chunked_array([a, b]))
    assert [cats[c] for c in codes] == ["site-b", "site-a", "site-c", "site-b"]


def test_parquet_file_gives_the_same(data, factors, expected, tmp_path):
    path = tmp_path / "inventory.parquet"
    data.to_parquet(path, index=False, row_group_size=30_000)  # several row groups: chunked columns
    inv = nc.Inventory.read_parquet(path)
    assert len(inv) == N
    _same_by(inv, factors, expected)


def _write_xlsx(path, df: pd.DataFrame, title: str = "Inventory", blank_after: int | None = None) -> None:
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet(title)
    ws.append(list(df.columns))
    for i, row in enumerate(df.itertuples(index=False)):
        ws.append([v.item() if isinstance(v, np.generic) else v for v in row])
        if blank_after is not None and i == blank_after:
            ws.append([])
    book.save(path)


def _col(j: int) -> str:
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s

def _write_xlsx_fast(path, df: pd.DataFrame, title: str = "Inventory") -> None:
    """A minimal .xlsx (one sheet, inline strings, numbers as numbers) written as XML, for large test files."""
    cols = list(df.columns)
    letters = [_col(j) for j in range(len(cols))]
    def cell(ref, v):
        if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
            return f'<c r="{ref}"><v>{float(v)!r}</v></c>' if isinstance(v, (float, np.floating)) else f'<c r="{ref}"><v>{int(v)}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'
    rows = ["<row r=\"1\">" + "".join(cell(f"{l}1", c) for l, c in zip(letters, cols)) + "</row>"]
    values = [df[c].tolist() for c in cols]
    for i in range(len(df)):
        r = i + 2
        rows.append(f'<row r="{r}">' + "".join(cell(f"{l}{r}", v[i]) for l, v in zip(letters, values)) + "</row>")
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             + "".join(rows) + "</sheetData></worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                   '</Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                   '</Relationships>')
        z.writestr("xl/workbook.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                   f'<sheets><sheet name="{escape(title)}" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                   '</Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", sheet)


def test_a_100000_row_excel_file_gives_the_same(data, factors, expected, tmp_path):
    """Issue 13: the 100,000-row inventory as an .xlsx (written here as plain sheet XML; openpyxl's own writer
    takes about 35 s for it) reads to the same by() table as the CSV."""
    path = tmp_path / "big.xlsx"
    _write_xlsx_fast(path, data)
    inv = nc.Inventory.read_excel(path, sheet="Inventory")
    assert len(inv) == N
    _same_by(inv, factors, expected)


def test_excel_file_gives_the_same(factors, tmp_path):
    df = _frame(N_EXCEL, seed=5)
    csv = tmp_path / "small.csv"
    df.to_csv(csv, index=False)
    want = nc.Inventory.read_csv(csv).emissions(factors).by("scope", "site").to_dicts()
    path = tmp_path / "inventory.xlsx"
    _write_xlsx(path, df, blank_after=10)
    inv = nc.Inventory.read_excel(path, sheet="Inventory")
    got = inv.emissions(factors).by("scope", "site").to_dicts()
    assert [(r["scope"], r["site"]) for r in got] == [(r["scope"], r["site"]) for r in want]
    np.testing.assert_allclose([r["co2e_t"] for r in got], [r["co2e_t"] for r in want], rtol=1e-12)
    # the header is row 1, data from row 2, and the blank row after the 11th record is skipped but counted
    assert inv.provenance.line[:12].tolist() == list(range(2, 13)) + [14]
    assert inv.provenance.files == (f"{path}, sheet 'Inventory'",)


# -- columns, names and coded data ---------------------------------------------------------


def _small() -> pd.DataFrame:
    return pd.DataFrame({"activity": ["electricity.grid", "electricity.grid"], "kwh": [1200.0, 300.0],
                         "unit": "kWh", "region": "VN", "year": 2023, "scope": 2, "plant": ["p1", "p2"]})


def test_columns_mapping_renames_and_extra_columns_become_dimensions():
    inv = nc.Inventory.from_pandas(_small(), columns={"kwh": "quantity"})
    assert inv.quantity.tolist() == [1200.0, 300.0] and list(inv.dims) == ["plant"]
    inv = nc.Inventory.from_pandas(_small(), columns={"kwh": "quantity", "plant": "site"}, dims=[])
    assert inv.site.categories == ("p1", "p2") and not inv.dims


def test_missing_column_names_it_and_hints_at_the_mapping_and_the_index():
    with pytest.raises(nc.SchemaError, match=r"lacks the required column\(s\) \['quantity'\].*columns=") as info:
        nc.Inventory.from_pandas(_small())
    assert info.value.column == "quantity"
    df = _small().rename(columns={"kwh": "quantity"}).set_index("region")
    with pytest.raises(nc.SchemaError, match=r"\['region'\] in its index: use df.reset_index\(\)"):
        nc.Inventory.from_pandas(df)
    with pytest.raises(nc.SchemaError, match="names no column"):
        nc.Inventory.from_pandas(_small(), columns={"kWh": "quantity"})
    with pytest.raises(nc.SchemaError, match="would both be 'quantity'"):
        nc.Inventory.from_pandas(_small().assign(quantity=1.0), columns={"kwh": "quantity"})


def test_inventory_of_a_frame_points_at_the_right_constructor():
    df = _small()
    with pytest.raises(nc.InputError, match=r"use Inventory.from_pandas\(df\)"):
        nc.Inventory(df)
    with pytest.raises(nc.InputError, match=r"use Inventory.from_polars\(df\)"):
        nc.Inventory(pl.from_pandas(df))
    with pytest.raises(nc.InputError, match=r"use Inventory.from_arrow\(table\)"):
        nc.Inventory(pa.Table.from_pandas(df))
    with pytest.raises(nc.InputError, match=r"use Inventory.from_columns"):
        nc.Inventory({"activity": ["electricity.grid"]})
    with pytest.raises(nc.InputError, match=r"for a Series use Inventory.from_columns\(activity=..."):
        nc.Inventory(df["activity"])
    with pytest.raises(nc.SchemaError, match=r"use Inventory.from_polars\(\)"):
        nc.Inventory.from_pandas(pl.from_pandas(df))


def test_from_columns_takes_pandas_polars_and_arrow_columns():
    common = dict(unit="MWh", region="VN", year=2023, scope=2)
    for activity, quantity, site in (
        (pd.Series(["electricity.grid"] * 3), pd.Series([1.0, 2.0, 3.0]), pd.Categorical(["a", "b", "a"])),
        (pl.Series(["electricity.grid"] * 3), pl.Series([1.0, 2.0, 3.0]), pl.Series(["a", "b", "a"], dtype=pl.Categorical)),
        (pa.array(["electricity.grid"] * 3, pa.large_string()), pa.array([1.0, 2.0, 3.0]),
         pa.array(["a", "b", "a"]).dictionary_encode()),
        (pa.chunked_array([["electricity.grid"] * 2, ["electricity.grid"]]), pa.chunked_array([[1, 2], [3]]),
         pa.chunked_array([pa.array(["a", "b"]).dictionary_encode(), pa.array(["a"]).dictionary_encode()])),
    ):
        inv = nc.Inventory.from_columns(activity=activity, quantity=quantity, site=site, team=site, **common)
        assert inv.quantity.tolist() == [1.0, 2.0, 3.0]
        assert inv.site.values() == ["a", "b", "a"] and inv.dims["team"].values() == ["a", "b", "a"]
        assert inv.activity.categories == ("electricity.grid",)


def test_pyarrow_large_string_activity_is_read_not_refused():
    """Regression: a large_string activity column was refused as `<pyarrow.LargeStringScalar ...>`."""
    inv = nc.Inventory.from_columns(activity=pa.array(["electricity.grid"], pa.large_string()), quantity=[1.0],
                                    unit="MWh", region="VN", year=2023, scope=2)
    assert inv.activity.categories == ("electricity.grid",)


def test_categorical_columns_are_taken_by_their_codes():
    cat = pd.Categorical(["b", "a", "b", None], categories=["a", "b", "unused"])
    codes, cats = frames.column_values(pd.Series(cat))
    assert cats == ("a", "b", "unused", None) and codes.tolist() == [1, 0, 1, 3]
    codes, cats = frames.column_values(pl.Series(["y", None, "x"], dtype=pl.Enum(["x", "y"])))
    assert cats == ("x", "y", None) and codes.tolist() == [1, 2, 0]
    dict_arr = pa.DictionaryArray.from_arrays(pa.array([1, None, 0], pa.int8()), pa.array(["p", "q"]))
    codes, cats = frames.column_values(dict_arr)
    assert cats == ("p", "q", None) and codes.tolist() == [1, 2, 0]


def test_missing_labels_are_none_for_optional_columns_and_errors_for_required_ones():
    df = _small().rename(columns={"kwh": "quantity"})
    df["site"] = pd.Categorical(["s1", None])
    assert nc.Inventory.from_pandas(df).site.values() == ["s1", None]
    df.loc[1, "activity"] = None
    with pytest.raises(nc.InputError, match=r"column 'activity'.*None.*\(row 1") as info:
        nc.Inventory.from_pandas(df)
    assert info.value.rows == [1]


def test_missing_numbers_name_their_rows():
    base = _small().rename(columns={"kwh": "quantity"})
    df = base.assign(year=pd.array([2023, None], dtype="Int64"))
    with pytest.raises(nc.SchemaError, match="column 'year'.*missing") as info:
        nc.Inventory.from_pandas(df)
    assert info.value.rows == [1]
    table = pa.Table.from_pandas(base, preserve_index=False).set_column(1, "quantity", pa.array([None, 3.0]))
    with pytest.raises(nc.InvalidQuantityError, match="masked") as info:
        nc.Inventory.from_arrow(table)
    assert info.value.rows == [0]
    with pytest.raises(nc.InvalidQuantityError) as info:
        nc.Inventory.from_polars(pl.from_arrow(table))
    assert info.value.rows == [0]


# -- file errors ------------------------------------------------------------------------------


def test_excel_errors_name_file_sheet_row_and_column(tmp_path):
    df = _small().rename(columns={"kwh": "quantity"})
    df.loc[1, "quantity"] = -5.0
    path = tmp_path / "bad.xlsx"
    _write_xlsx(path, df, title="Data")
    with pytest.raises(nc.InvalidQuantityError) as info:
        nc.Inventory.read_excel(path)
    assert str(info.value).startswith(f"{path}, sheet 'Data', column 'quantity': quantity must not be negative")
    assert info.value.rows == [3] and info.value.source == f"{path}, sheet 'Data'"
    with pytest.raises(nc.SchemaError, match=r"has no sheet 'Other'; its sheets: \['Data'\]"):
        nc.Inventory.read_excel(path, sheet="Other")
    with pytest.raises(nc.SchemaError, match=r"missing required column\(s\) \['scope'\]") as info:
        _write_xlsx(tmp_path / "noscope.xlsx", df.drop(columns="scope"))
        nc.Inventory.read_excel(tmp_path / "noscope.xlsx")
    assert info.value.column == "scope" and info.value.line == 1

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "S"
    ws.append(["activity", "quantity", "unit", "region", "year", "scope"])
    ws.append(["electricity.grid", 1, "MWh", "VN", 2023, 2])
    ws.append(["electricity.grid", 1, "MWh", "VN", 2023, 2, None, "stray"])
    book.save(tmp_path / "wide.xlsx")
    with pytest.raises(nc.SchemaError, match=r"sheet 'S': row 3: cell H3 holds 'stray', beyond the header's 6 columns"):
        nc.Inventory.read_excel(tmp_path / "wide.xlsx")
    with pytest.raises(nc.SchemaError, match="file not found") as info:
        nc.Inventory.read_excel(tmp_path / "none.xlsx")
    assert isinstance(info.value.__cause__, FileNotFoundError)
    (tmp_path / "text.xlsx").write_text("activity,quantity\n")
    with pytest.raises(nc.SchemaError, match="not a readable Excel"):
        nc.Inventory.read_excel(tmp_path / "text.xlsx")


def test_parquet_errors_name_the_file(tmp_path):
    with pytest.raises(nc.SchemaError, match="file not found"):
        nc.Inventory.read_parquet(tmp_path / "none.parquet")
    (tmp_path / "x.parquet").write_bytes(b"not parquet")
    with pytest.raises(nc.SchemaError, match="not a readable Parquet file") as info:
        nc.Inventory.read_parquet(tmp_path / "x.parquet")
    assert info.value.__cause__ is not None
    pq.write_table(pa.table({"activity": ["electricity.grid"], "quantity": [1.0]}), tmp_path / "thin.parquet")
    with pytest.raises(nc.SchemaError, match=r"the Parquet file lacks the required column\(s\) \['unit'"):
        nc.Inventory.read_parquet(tmp_path / "thin.parquet")


@pytest.mark.parametrize("module, extra, call", [
    ("pandas", "pandas", lambda p: nc.Inventory.from_pandas(None)),
    ("polars", "polars", lambda p: nc.Inventory.from_polars(None)),
    ("pyarrow", "arrow", lambda p: nc.Inventory.from_arrow(None)),
    ("pyarrow", "parquet", lambda p: nc.Inventory.read_parquet(p / "x.parquet")),
    ("openpyxl", "excel", lambda p: nc.Inventory.read_excel(p / "x.xlsx")),
])
def test_a_missing_library_names_its_extra(monkeypatch, tmp_path, module, extra, call):
    for name in [m for m in sys.modules if m == module or m.startswith(module + ".")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(nc.MissingDependencyError, match=rf"pip install 'neutralcore\[{extra}\]'") as info:
        call(tmp_path)
    assert info.value.extra == extra and isinstance(info.value, ImportError)


def test_excel_headers_are_renamed_with_columns(tmp_path):
    df = _small()
    _write_xlsx(tmp_path / "k.xlsx", df)
    inv = nc.Inventory.read_excel(tmp_path / "k.xlsx", columns={"kwh": "quantity", "plant": "site"})
    assert inv.quantity.tolist() == [1200.0, 300.0] and inv.site.categories == ("p1", "p2") and not inv.dims
    with pytest.raises(nc.SchemaError, match=r"columns=\{'kWh': \.\.\.\} names no column"):
        nc.Inventory.read_excel(tmp_path / "k.xlsx", columns={"kWh": "quantity"})


# -- invariants --------------------------------------------------------------------------------

from hypothesis import given, strategies as st  # noqa: E402

_labels = st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", "c-1", "site 9", "ü"])), min_size=1, max_size=30)


@given(_labels, st.data())
def test_every_column_kind_gives_the_same_labels(sites, data):
    """A label column reads the same as a list, pandas (object, Categorical), polars (String, Categorical, Enum)
    and Arrow (string, large_string, dictionary), missing values included, whatever the category order."""
    n = len(sites)
    extra = data.draw(st.lists(st.sampled_from(["zz", "yy"]), max_size=2, unique=True))
    cats = list(dict.fromkeys([s for s in sites if s is not None])) + extra
    cats = data.draw(st.permutations(cats))
    kinds = [
        sites,
        pd.Series(sites, dtype=object),
        pd.Series(pd.Categorical(sites, categories=cats)),
        pl.Series(sites, dtype=pl.String),
        pl.Series(sites, dtype=pl.String).cast(pl.Categorical),
        pl.Series(sites, dtype=pl.Enum(cats)) if cats else pl.Series(sites, dtype=pl.String),
        pa.array(sites, pa.string()),
        pa.array(sites, pa.large_string()),
        pa.array(sites, pa.string()).dictionary_encode(),
    ]
    base = dict(activity="electricity.grid", quantity=np.ones(n), unit="MWh", region="VN", year=2023, scope=2)
    for column in kinds:
        inv = nc.Inventory.from_columns(**base, site=column, team=column)
        assert inv.site.values() == sites and inv.dims["team"].values() == sites, type(column)


def test_arrow_and_polars_columns_are_taken_without_a_copy():
    quantity = pa.array(np.arange(1000, dtype=np.float64))
    site = pa.array(["a", "b"] * 500).dictionary_encode()
    inv = nc.Inventory.from_columns(activity="electricity.grid", quantity=quantity, unit="MWh", region="VN",
                                    year=2023, scope=2, site=site)
    assert np.shares_memory(inv.quantity, np.asarray(quantity.to_numpy()))
    s = pl.Series(np.arange(1000, dtype=np.float64))
    inv = nc.Inventory.from_columns(activity="electricity.grid", quantity=s, unit="MWh", region="VN", year=2023,
                                    scope=2)
    assert np.shares_memory(inv.quantity, s.to_numpy())



def test_a_pandas_frame_changed_afterwards_leaves_the_inventory_as_it_was():
    """Regression: pandas' read-only views were taken without a copy, and a later df.loc[...] = ... changed them."""
    df = pd.DataFrame({"activity": "electricity.grid", "quantity": np.arange(3.0), "unit": "MWh", "region": "VN",
                       "year": 2023, "scope": 2, "site": pd.Categorical(["a", "b", "a"])})
    inv = nc.Inventory.from_pandas(df)
    col = nc.Inventory.from_columns(**{c: df[c] for c in df})
    df.loc[0, "quantity"] = 99.0
    df.loc[0, "site"] = "b"
    for i in (inv, col):
        assert i.quantity.tolist() == [0.0, 1.0, 2.0] and i.site.values() == ["a", "b", "a"]
