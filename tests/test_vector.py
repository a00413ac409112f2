"""GDAL opens each extension with its own driver only: no VRT, no /vsi paths, no network."""

from __future__ import annotations

import select
import socket
import threading
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point
from typer.testing import CliRunner

from geomap import InputError, load
from geomap.cli import app

SECRET = "s3cr3t-row-from-another-file"


def _vrt(source: str, layer: str) -> str:
    """An OGR VRT that reads ``source`` as points: what GDAL opens if it is allowed to sniff."""
    return (f"<OGRVRTDataSource>\n  <OGRVRTLayer name=\"copied\">\n    <SrcDataSource relativeToVRT=\"0\">{source}"
            f"</SrcDataSource>\n    <SrcLayer>{layer}</SrcLayer>\n    <LayerSRS>EPSG:4326</LayerSRS>\n"
            "    <GeometryField encoding=\"PointFromColumns\" x=\"lon\" y=\"lat\"/>\n  </OGRVRTLayer>\n"
            "</OGRVRTDataSource>\n")


class Listener:
    """A TCP server on 127.0.0.1 (a port the system picks) that counts connections and closes each at once."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(8)
        self.port = self.socket.getsockname()[1]
        self.accepted = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:  # shut down: the test is over
                return
            self.accepted += 1
            connection.close()

    def contacted(self) -> bool:
        # Counted, or still waiting in the backlog: either way something reached out.
        readable, _, _ = select.select([self.socket], [], [], 0)
        return self.accepted > 0 or bool(readable)

    def close(self) -> None:
        self.socket.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self.thread.join()
        self.socket.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


@pytest.mark.parametrize("suffix", [".geojson", ".json", ".gpkg"])
def test_a_vrt_under_a_vector_extension_is_not_opened(tmp_path, suffix):
    secret = tmp_path / "secret.csv"
    secret.write_text(f"name,lon,lat\n{SECRET},69.9,33.3\n", encoding="utf-8")
    hostile = tmp_path / f"incidents{suffix}"
    hostile.write_text(_vrt(f"CSV:{secret}", "secret"), encoding="utf-8")
    with pytest.raises(InputError, match="not a readable"):
        load(hostile)
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(app, ["join", str(hostile), "-o", str(out)])
    assert result.exit_code == 1 and "not a readable" in result.output
    assert SECRET not in result.output and not out.exists()


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg"])
def test_a_vrt_pointing_at_vsicurl_opens_no_connection(tmp_path, listener, suffix):
    port = listener.port
    hostile = tmp_path / f"remote{suffix}"
    hostile.write_text(_vrt(f"/vsicurl/http://127.0.0.1:{port}/incidents.csv", "incidents"), encoding="utf-8")
    with pytest.raises(InputError):
        load(hostile)
    assert not listener.contacted()


def test_vsi_paths_and_urls_are_refused(listener):
    port = listener.port
    for path in (f"/vsicurl/http://127.0.0.1:{port}/x.geojson", f"http://127.0.0.1:{port}/x.geojson",
                 "/vsizip//tmp/x.zip/x.gpkg"):
        with pytest.raises(InputError, match="not a local file"):
            load(path)
    assert not listener.contacted()


def test_real_geojson_and_geopackage_still_open(tmp_path):
    frame = gpd.GeoDataFrame({"place": ["Khost"]}, geometry=[Point(69.92, 33.34)], crs="EPSG:4326")
    for name in ("a.geojson", "a.json", "a.gpkg", "with:colon.gpkg"):
        frame.to_file(tmp_path / name, driver="GPKG" if name.endswith(".gpkg") else "GeoJSON")
        loaded = load(tmp_path / name)
        assert loaded["place"].tolist() == ["Khost"] and loaded["latitude"].tolist() == pytest.approx([33.34])


def test_a_gdalg_pipeline_named_geojson_is_not_run(tmp_path):
    """GDAL 3.11's streamed-algorithm files are JSON too; only the GeoJSON driver may read a .geojson."""
    secret = tmp_path / "secret.csv"
    secret.write_text(f"name\n{SECRET}\n", encoding="utf-8")
    hostile = Path(tmp_path / "alg.geojson")
    hostile.write_text('{"type": "gdal_streamed_alg", "command_line": "gdal vector pipeline ! read '
                       f'{secret} ! write --of stream streamed_dataset", "relative_paths_relative_to_this_file": '
                       'false}', encoding="utf-8")
    with pytest.raises(InputError, match="not a readable"):
        load(hostile)
