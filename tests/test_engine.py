"""The Dask engine writes the same bytes as the in-process engine, on every fixture, on a cluster on 127.0.0.1."""

from __future__ import annotations

import socket
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from geomap.cli import app
from geomap.pipeline import run
from geomap.sources import GDELT_COLUMNS

DATA = Path(__file__).parent / "data"
# Every reader path: each source's layout, old and re-saved exports, a trailing field, an HXL row.
FIXTURES = [("acled_sample.csv", {}), ("ucdp_sample.csv", {}), ("gdelt_sample.export.CSV", {}),
            ("generic_sample.csv", {"format": "generic", "columns": "place=town,event_date=date"}),
            ("acled_2015_sample.csv", {}), ("acled_resaved_sample.csv", {}), ("ucdp_gedevents_sample.csv", {}),
            ("ucdp_hdx_sample.csv", {})]


@pytest.fixture(scope="module")
def cluster():
    from geomap.engine import local_client

    with local_client(threads=2) as client:  # ports the system picks, on 127.0.0.1 only
        yield client


@pytest.fixture(scope="module")
def gdelt_file(tmp_path_factory) -> Path:
    """~3,000 GDELT-like rows (the sample's rows, moved around), some without coordinates."""
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


@pytest.fixture(scope="module")
def windows_1252_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cp1252") / "incidents.csv"
    text = ("place,event_date,description\nKhost,12/10/2025,attaque près du poste\n"
            "Torkham,13/10/2025,\u2019quoted\u2019 – closed\nQzxwv,14/10/2025,café\n")
    path.write_bytes(text.encode("cp1252"))
    return path


def _both(source, tmp_path: Path, cluster, suffix: str, **options) -> tuple[Path, Path]:
    local, dask = tmp_path / f"local{suffix}", tmp_path / f"dask{suffix}"
    run(source, local, rejects=tmp_path / "local-rejects.csv", **options)
    run(source, dask, rejects=tmp_path / "dask-rejects.csv", engine="dask", scheduler=cluster, **options)
    assert (tmp_path / "local-rejects.csv").read_bytes() == (tmp_path / "dask-rejects.csv").read_bytes()
    return local, dask


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".geojson"])
@pytest.mark.parametrize(("name", "options"), FIXTURES, ids=[name for name, _ in FIXTURES])
def test_both_engines_write_the_same_bytes_on_every_fixture(cluster, tmp_path, name, options, suffix):
    local, dask = _both(DATA / name, tmp_path, cluster, suffix, **options)
    assert local.read_bytes() == dask.read_bytes()
    assert local.stat().st_size > 500


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_both_engines_agree_on_windows_1252_input(cluster, tmp_path, windows_1252_file, suffix):
    local, dask = _both(windows_1252_file, tmp_path, cluster, suffix)
    assert local.read_bytes() == dask.read_bytes()
    if suffix == ".csv":
        frame = pd.read_csv(dask)
        assert frame["description"].tolist()[0] == "attaque près du poste"
        assert frame["event_date"].tolist() == ["2025-10-12", "2025-10-13", "2025-10-14"]


def test_both_engines_agree_block_by_block(cluster, gdelt_file, tmp_path):
    """A file cut into many blocks (a quote-aware scan finds the cuts) gives the same bytes in both engines."""
    local, dask = _both(gdelt_file, tmp_path, cluster, ".parquet", block_bytes=100_000)
    assert local.read_bytes() == dask.read_bytes()
    _, summary = run(gdelt_file, tmp_path / "again.parquet", engine="dask", scheduler=cluster, block_bytes=100_000)
    assert summary.blocks > 5 and summary.rows_in == 3000
    one_block = tmp_path / "one.csv"
    run(gdelt_file, one_block)
    many = tmp_path / "many.csv"
    run(gdelt_file, many, engine="dask", scheduler=cluster, block_bytes=100_000)
    assert one_block.read_bytes() == many.read_bytes()  # blocks change nothing but where the work runs


def test_dask_engine_links_duplicates_like_the_local_engine(cluster, tmp_path):
    """A merged export (its own source_dataset column), through the scheduler's address, in many blocks."""
    merged, _ = run([DATA / "acled_sample.csv", DATA / "ucdp_sample.csv", DATA / "gdelt_sample.export.CSV"],
                    stage="geocode")
    rng = np.random.default_rng(8)
    rows = merged[["place", "event_date", "event_category", "source_dataset", "source_id", "latitude",
                   "longitude"]].iloc[rng.integers(0, len(merged), 600)].reset_index(drop=True)
    rows["source_id"] = rows["source_id"] + "-" + rows.index.astype(str)
    rows["latitude"] += rng.normal(0, 0.03, len(rows))
    source = tmp_path / "merged.csv"
    rows.to_csv(source, index=False)
    address = cluster.scheduler.address
    for within in (False, True):
        local, dask = tmp_path / f"local{within}.csv", tmp_path / f"dask{within}.csv"
        run(source, local, dedupe_km=5, dedupe_days=1, dedupe_within=within, block_bytes=8_000)
        _, summary = run(source, dask, engine="dask", scheduler=address, dedupe_km=5, dedupe_days=1,
                         dedupe_within=within, block_bytes=8_000)
        assert summary.rows_in == 600 and summary.blocks > 3
        assert local.read_bytes() == dask.read_bytes()
    linked = pd.read_csv(tmp_path / "daskFalse.csv")["duplicate_cluster"].notna().sum()
    assert 100 < linked < pd.read_csv(tmp_path / "daskTrue.csv")["duplicate_cluster"].notna().sum()


def _listening() -> set[tuple[str, int]]:
    import psutil

    return {(c.laddr.ip, c.laddr.port) for c in psutil.Process().net_connections(kind="inet")
            if c.status == psutil.CONN_LISTEN}


def test_a_dask_run_listens_on_127_0_0_1_only_and_serves_no_dashboard(tmp_path, monkeypatch):
    """Every socket that starts listening is recorded where it is bound, and the open ones are listed mid-run."""
    bound, during = [], []
    listen = socket.socket.listen

    def recording_listen(self, *args):
        bound.append(self.getsockname()[:2])
        return listen(self, *args)

    def progress(stage: str, fraction: float) -> None:
        if stage == "join":  # the cluster is up and working on the blocks
            during.append(_listening())

    monkeypatch.setattr(socket.socket, "listen", recording_listen)
    _, summary = run(DATA / "gdelt_sample.export.CSV", tmp_path / "o.csv", engine="dask", progress=progress)
    assert summary.rows_in == 3
    assert bound and during and during[-1], "the local cluster listens somewhere; the recorders saw nothing"
    assert {host for host, _ in bound} == {"127.0.0.1"}, bound
    assert all(host == "127.0.0.1" for sockets in during for host, _ in sockets), during
    assert all(port != 8787 for _, port in bound), bound
    assert not {address for address in _listening() if address in set(bound)}  # and closed after the run


def test_the_dashboard_is_served_only_when_asked_and_only_on_127_0_0_1(tmp_path):
    import urllib.error
    import urllib.request

    from geomap.engine import DaskEngine

    def status(engine) -> int:
        port = engine.client.scheduler_info()["services"]["dashboard"]
        try:
            return urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=30).status
        except urllib.error.HTTPError as error:
            return error.code

    plain, asked = DaskEngine(), DaskEngine(dashboard=True)
    try:
        assert plain.dashboard is None and status(plain) == 404
        assert asked.dashboard.startswith("http://127.0.0.1:") and status(asked) == 200
    finally:
        plain.close()
        asked.close()
    notices = []
    run(DATA / "acled_sample.csv", tmp_path / "o.csv", engine="dask", dashboard=True, notice=notices.append)
    assert notices and notices[0].startswith("Dask dashboard: http://127.0.0.1:")


def test_dask_engine_from_the_command_line(tmp_path):
    out = tmp_path / "gdelt.parquet"
    result = CliRunner().invoke(app, ["join", str(DATA / "gdelt_sample.export.CSV"), "-o", str(out),
                                      "--engine", "dask"])
    assert result.exit_code == 0, result.output
    assert "rows in: 3" in result.output and out.is_file()
