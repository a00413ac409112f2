"""The dask engine: same results as the in-process engine, streamed by partitions, on a LocalCluster."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geomap import run
from geomap.sources import GDELT_COLUMNS

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def cluster():
    from geomap.engine import local_client

    with local_client(threads=2) as client:  # ports the system picks, on 127.0.0.1 only
        yield client


def test_a_dask_run_listens_on_127_0_0_1_only_and_serves_no_dashboard(tmp_path, monkeypatch):
    """Every socket that starts listening during the run is recorded where it is bound (the real listen runs)."""
    import socket

    from typer.testing import CliRunner

    from geomap.cli import app

    bound = []
    listen = socket.socket.listen

    def recording_listen(self, *args):
        bound.append(self.getsockname()[:2])
        return listen(self, *args)

    monkeypatch.setattr(socket.socket, "listen", recording_listen)
    result = CliRunner().invoke(app, ["join", str(DATA / "gdelt_sample.export.CSV"), "-o", str(tmp_path / "o.csv"),
                                      "--engine", "dask"])
    assert result.exit_code == 0, result.output
    assert bound, "the local cluster listens somewhere; the recorder saw nothing"
    assert {host for host, _ in bound} == {"127.0.0.1"}, bound
    assert all(port != 8787 for _, port in bound), bound


@pytest.fixture(scope="module")
def gdelt_file(tmp_path_factory) -> Path:
    """~3,000 GDELT-like rows (the sample's rows, moved around) in several blocks, some without coordinates."""
    sample = pd.read_csv(DATA / "gdelt_sample.export.CSV", sep="\t", header=None, names=GDELT_COLUMNS, dtype=str,
                         keep_default_na=False)
    rng = np.random.default_rng(5)
    rows = sample.iloc[rng.integers(0, len(sample), 3000)].reset_index(drop=True)
    rows["GLOBALEVENTID"] = (1299100000 + np.arange(len(rows))).astype(str)
    rows["ActionGeo_Lat"] = np.round(rng.uniform(29, 36, len(rows)), 4).astype(str)
    rows["ActionGeo_Long"] = np.round(rng.uniform(62, 74, len(rows)), 4).astype(str)
    rows.loc[::10, ["ActionGeo_Lat", "ActionGeo_Long"]] = ""  # geocoded from ActionGeo_FullName
    path = tmp_path_factory.mktemp("gdelt") / "20251012.export.CSV"
    rows.to_csv(path, sep="\t", header=False, index=False)
    return path


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame(frame.drop(columns="geometry")).sort_values("source_id")
    return frame.reset_index(drop=True).astype(str).replace({"<NA>": "", "nan": "", "None": ""})


def test_dask_engine_matches_the_local_engine_partition_by_partition(cluster, gdelt_file, tmp_path, monkeypatch):
    monkeypatch.setattr("geomap.engine.BLOCKSIZE", 200_000)  # several partitions from a small file
    _, summary = run(gdelt_file, tmp_path / "local.parquet")
    local = gpd.read_parquet(tmp_path / "local.parquet")
    out = tmp_path / "joined.parquet"
    _, dask_summary = run(gdelt_file, out, engine="dask", scheduler=cluster)
    written = gpd.read_parquet(out)
    assert out.is_dir() and len(list(out.glob("*.parquet"))) > 1  # one file per partition
    assert written.crs.to_epsg() == 4326
    assert dask_summary.rows_in == summary.rows_in == 3000 and dask_summary.written == 3000
    assert list(written.columns) == list(local.columns)
    pd.testing.assert_frame_equal(_comparable(written), _comparable(local))
    assert written.geometry.equals(local.set_index(local["source_id"]).loc[written["source_id"]].geometry
                                   .reset_index(drop=True))


def test_dask_engine_links_duplicates_like_the_local_engine(cluster, tmp_path, monkeypatch):
    """A merged export (its own source_dataset column), streamed to CSV through the scheduler's address."""
    monkeypatch.setattr("geomap.engine.BLOCKSIZE", 20_000)
    merged, _ = run([DATA / "acled_sample.csv", DATA / "ucdp_sample.csv", DATA / "gdelt_sample.export.CSV"],
                    stage="geocode")
    rng = np.random.default_rng(8)
    rows = merged[["place", "event_date", "event_category", "source_dataset", "source_id", "latitude",
                   "longitude"]].iloc[rng.integers(0, len(merged), 600)].reset_index(drop=True)
    rows["source_id"] = rows["source_id"] + "-" + rows.index.astype(str)
    rows["latitude"] += rng.normal(0, 0.03, len(rows))
    source = tmp_path / "merged.csv"
    rows.to_csv(source, index=False)

    run(source, tmp_path / "local.csv", dedupe_km=5, dedupe_days=1)
    _, summary = run(source, tmp_path / "dask.csv", engine="dask", scheduler=cluster.scheduler.address,
                     dedupe_km=5, dedupe_days=1)
    local, dask_out = pd.read_csv(tmp_path / "local.csv"), pd.read_csv(tmp_path / "dask.csv")
    assert summary.rows_in == 600 and dask_out["duplicate_cluster"].notna().sum() > 100
    pd.testing.assert_frame_equal(dask_out, local)

    # Repeats within one source too: more rows linked, and still the same answer on both engines.
    run(source, tmp_path / "local_within.csv", dedupe_km=5, dedupe_days=1, dedupe_within=True)
    run(source, tmp_path / "dask_within.csv", engine="dask", scheduler=cluster.scheduler.address,
        dedupe_km=5, dedupe_days=1, dedupe_within=True)
    within = pd.read_csv(tmp_path / "dask_within.csv")
    pd.testing.assert_frame_equal(within, pd.read_csv(tmp_path / "local_within.csv"))
    assert within["duplicate_cluster"].notna().sum() > dask_out["duplicate_cluster"].notna().sum()
