"""neutralcore.dask: the figures of the in-memory path, over partitioned Parquet, on a LocalCluster and on threads."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

import neutralcore as nc  # noqa: E402
import neutralcore.dask as ncd  # noqa: E402

# dask's own Parquet reader calls reset_index(inplace=True), which pandas 3.1 deprecates
pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword:Warning")

SRC = nc.Source("test", "factors made up for the test", 2024)
FS = nc.FactorSet.from_factors([
    nc.Factor("electricity.grid", "VN", 2023, "t/MWh", {"CO2": 0.6592}, SRC),
    nc.Factor("electricity.grid", "VN-HN", 2022, "t/MWh", {"CO2": 0.7}, SRC),
    nc.Factor("fuel.diesel", "World", 2020, "kg/L", {"CO2": 2.68, "CH4": 0.0001, "N2O": 0.00002}, SRC),
    nc.Factor("fuel.gas", "VN", 2021, "kg/GJ", {"CO2": 56.1, "CH4": 0.001}, SRC),
])
N_PARTS, ROWS = 6, 4000
GROUPINGS = [("scope",), ("site",), ("category",), ("scope", "site"), ("activity", "year"), ("unit",)]


def _partition(i: int) -> pd.DataFrame:
    rng = np.random.default_rng(i)
    kind = rng.integers(0, 4, ROWS)
    activity = np.array(["electricity.grid", "electricity.grid", "fuel.diesel", "fuel.gas"])[kind]
    unit = np.where(kind < 2, np.where(rng.random(ROWS) < 0.5, "MWh", "kWh"),
                    np.where(kind == 2, "L", "GJ"))
    region = np.where(kind == 1, "VN-HN", np.where(rng.random(ROWS) < 0.5, "VN", "VN-SG"))
    return pd.DataFrame({
        "activity": activity, "quantity": rng.random(ROWS) * 1000, "unit": unit, "region": region,
        "year": rng.integers(2023, 2026, ROWS), "scope": np.where(kind < 2, 2, 1),
        "category": pd.Series(np.where(kind < 2, "purchased", "stationary"), dtype=object).where(kind != 3, None),
        "site": np.array(["a", "b", "c", "d", "e"])[rng.integers(0, 5, ROWS)],
    })


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("parquet")
    for i in range(N_PARTS):
        pq.write_table(pa.Table.from_pandas(_partition(i), preserve_index=False), root / f"part-{i:02d}.parquet")
    return root


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0",
                                       processes=True, silence_logs=50)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


@pytest.fixture(scope="module")
def expected() -> nc.Emissions:
    frame = pd.concat([_partition(i) for i in range(N_PARTS)], ignore_index=True)
    return nc.Inventory.from_pandas(frame).emissions(FS)


def _same_table(a: nc.Table, b: nc.Table) -> None:
    assert a.columns == b.columns[: len(a.columns)]
    for c in a.columns:
        if isinstance(a[c], np.ndarray) and a[c].dtype.kind == "f":
            np.testing.assert_allclose(np.asarray(b[c], dtype=float), a[c], rtol=1e-9, atol=1e-9)
        else:
            assert list(b[c]) == list(a[c]), c


def _check(res: ncd.DaskEmissions, exp: nc.Emissions) -> None:
    assert res.n_rows == N_PARTS * ROWS and res.n_partitions == N_PARTS
    assert res.total() == pytest.approx(exp.total(), rel=1e-9)
    for gas in ("CO2", "CH4", "N2O"):
        assert res.total(gas) == pytest.approx(exp.total(gas), rel=1e-9)
    assert res.by_scope() == pytest.approx(exp.by_scope(), rel=1e-9)
    for g in GROUPINGS:
        _same_table(exp.by(*g), res.by(*g))
    for a, b in zip(exp.by_many(GROUPINGS[:3], gases=False), res.by_many(GROUPINGS[:3], gases=False)):
        _same_table(a, b)
    _same_table(exp.per_gas(), res.per_gas())
    _same_table(exp.matches.summary(), res.matches.summary())
    _same_table(exp.matches.fallbacks(), res.matches.fallbacks())
    assert res.matches.n_fallback_rows == exp.matches.n_fallback_rows > 0
    assert len(res.matches) == len(exp.matches)


def test_local_cluster_matches_in_memory(dataset: Path, client: object, expected: nc.Emissions) -> None:
    ddf = dd.read_parquet(str(dataset))
    assert ddf.npartitions == N_PARTS
    _check(ncd.emissions(ddf, FS), expected)


def test_threads_without_cluster(dataset: Path, expected: nc.Emissions) -> None:
    ddf = dd.read_parquet(str(dataset))
    with __import__("dask").config.set(scheduler="threads"):
        _check(ncd.emissions(ddf, FS, split_every=2), expected)


def test_by_reads_only_named_columns(dataset: Path, expected: nc.Emissions) -> None:
    res = ncd.emissions(dd.read_parquet(str(dataset)), FS, by=[("scope", "site")])
    assert "category" not in res.columns
    _same_table(expected.by("scope", "site"), res.by("scope", "site"))
    _same_table(expected.by("site"), res.by("site"))
    with pytest.raises(nc.InputError, match="not collected"):
        res.by("category")


def test_first_row_of_each_key(dataset: Path) -> None:
    res = ncd.emissions(dd.read_parquet(str(dataset)), FS)
    s = res.matches.summary()
    for a, r, y, p, row in zip(s["activity"], s["region"], s["year"], s["partition"], s["row"]):
        part = _partition(p)
        hit = np.flatnonzero((part["activity"] == a) & (part["region"] == r) & (part["year"] == y))
        assert hit[0] == row
        for earlier in range(p):
            q = _partition(earlier)
            assert not ((q["activity"] == a) & (q["region"] == r) & (q["year"] == y)).any()


def _with_bad_partition(root: Path, change: dict[str, object]) -> Path:
    for i in range(N_PARTS):
        part = _partition(i)
        if i == 3:
            for column, value in change.items():
                part.loc[7, column] = value
        pq.write_table(pa.Table.from_pandas(part, preserve_index=False), root / f"part-{i:02d}.parquet")
    return root


def test_negative_quantity_names_partition_and_row(tmp_path: Path, client: object) -> None:
    root = _with_bad_partition(tmp_path, {"quantity": -1.0})
    with pytest.raises(nc.InvalidQuantityError) as err:
        ncd.emissions(dd.read_parquet(str(root)), FS)
    assert (err.value.partition, err.value.row) == (3, 7)
    assert "partition 3" in str(err.value) and "row 7" in str(err.value)


def test_unknown_key_names_partition_and_row(tmp_path: Path) -> None:
    root = _with_bad_partition(tmp_path, {"activity": "fuel.coal"})
    with pytest.raises(nc.FactorNotFoundError) as err:
        ncd.emissions(dd.read_parquet(str(root)), FS, by=["scope"])
    assert (err.value.partition, err.value.row) == (3, 7)
    assert "partition 3, row 7" in str(err.value)


def test_bad_unit_names_partition_and_row(tmp_path: Path) -> None:
    root = _with_bad_partition(tmp_path, {"unit": "kg"})  # a mass where the factor is per energy
    with pytest.raises(nc.DimensionError) as err:
        ncd.emissions(dd.read_parquet(str(root)), FS, by=["scope"])
    assert err.value.partition == 3
    part = _partition(3)
    part.loc[7, "unit"] = "kg"
    bad = part.index[(part["unit"] == "kg")]
    assert err.value.row == bad[0]


def test_strict_fallback_names_partition_and_row(dataset: Path) -> None:
    with pytest.raises(nc.FallbackError) as err:
        ncd.emissions(dd.read_parquet(str(dataset)), FS, strict=True, by=["scope"])
    assert err.value.partition == 0 and err.value.row >= 0


def test_missing_dask_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "dask.dataframe", None)
    with pytest.raises(nc.MissingDependencyError, match=r"neutralcore\[dask\]"):
        ncd.emissions(None, FS)  # type: ignore[arg-type]
