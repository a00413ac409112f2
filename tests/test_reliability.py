"""Bad input never crashes, loses or injects anything: one test per class of bad input.

Each test runs the real command (in-process through Typer's runner, or as a subprocess
where the exit code and streams themselves are the point) on a file the test writes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from geomap import datasets, geocode, load, sample_path
from geomap import join as join_border
from geomap.cli import app
from geomap.errors import DataError
from geomap.pipeline import run

runner = CliRunner()
DATA = Path(__file__).parent / "data"


def geomap(*args: str | Path):
    """Run the CLI in-process; return (exit code, stdout, stderr)."""
    result = runner.invoke(app, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def one_line_error(code: int, stderr: str, fragment: str) -> None:
    assert code == 1
    assert stderr.count("\n") == 1 and stderr.startswith("geomap: error: "), stderr
    assert fragment in stderr
    assert "Traceback" not in stderr


# --- each class of bad input -------------------------------------------------------------


def test_empty_file(tmp_path):
    (tmp_path / "e.csv").write_bytes(b"")
    one_line_error(*geomap("join", tmp_path / "e.csv", "-o", tmp_path / "o.csv")[::2], "is empty")


def test_whitespace_only_file(tmp_path):
    (tmp_path / "w.csv").write_text("\n  \n", encoding="utf-8")
    one_line_error(*geomap("join", tmp_path / "w.csv", "-o", tmp_path / "o.csv")[::2], "is empty")


def test_header_only_gives_an_empty_result_not_an_error(tmp_path):
    (tmp_path / "h.csv").write_text("place,event_date\n", encoding="utf-8")
    code, out, _ = geomap("join", tmp_path / "h.csv", "-o", tmp_path / "o.csv")
    assert code == 0 and "rows in: 0" in out
    assert pd.read_csv(tmp_path / "o.csv").empty


def test_undetectable_delimiter_names_the_columns_it_found(tmp_path):
    (tmp_path / "d.csv").write_text("place#date\nKhost#2025-10-01\n", encoding="utf-8")
    code, _, err = geomap("join", tmp_path / "d.csv", "-o", tmp_path / "o.csv")
    one_line_error(code, err, "columns found: place#date")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1252"])
def test_encodings_are_read(tmp_path, encoding):
    text = "place,description\nKhost,attaque près du poste\nTorkham,\u2019quoted\u2019\n"
    if encoding == "cp1252":
        text = text.replace("\u2019", "'")
    (tmp_path / "e.csv").write_bytes(text.encode(encoding))
    code, out, _ = geomap("geocode", tmp_path / "e.csv", "-o", tmp_path / "o.csv")
    assert code == 0 and "2 located" in out
    assert pd.read_csv(tmp_path / "o.csv").loc[0, "description"] == "attaque près du poste"


def test_missing_required_column_lists_what_was_found(tmp_path):
    (tmp_path / "m.csv").write_text("location,when\nKhost,2025-10-01\n", encoding="utf-8")
    code, _, err = geomap("join", tmp_path / "m.csv", "-o", tmp_path / "o.csv")
    one_line_error(code, err, "no place column 'place' and no latitude/longitude")
    assert "columns found: location, when" in err


def test_unparseable_dates_are_kept_and_flagged(tmp_path):
    (tmp_path / "d.csv").write_text("place,event_date\nKhost,2025-10-19\nWana,19 October 2025\nTorkham,soon\n",
                                    encoding="utf-8")
    code, out, _ = geomap("join", tmp_path / "d.csv", "-o", tmp_path / "o.csv")
    assert code == 0 and "1 unparseable date" in out
    frame = pd.read_csv(tmp_path / "o.csv", keep_default_na=False)
    assert frame["event_date"].tolist() == ["2025-10-19", "2025-10-19", "soon"]
    assert frame["date_note"].tolist() == ["", "", "unparseable date"]


def test_bad_coordinates_are_repaired_or_flagged_and_the_row_kept(tmp_path):
    (tmp_path / "c.csv").write_text(
        "place,latitude,longitude,country\nKhost,33.3,69.9,\nWana,69.6,32.3,Pakistan\nTorkham,95,200,\nx,nan,nan,\n"
        "y,inf,-inf,\nz,69.6,32.3,\n", encoding="utf-8")
    code, out, _ = geomap("join", tmp_path / "c.csv", "-o", tmp_path / "o.csv", "--rejects", tmp_path / "r.csv")
    assert code == 0
    frame = pd.read_csv(tmp_path / "o.csv", keep_default_na=False)
    assert len(frame) == 6
    assert frame["coord_note"].tolist() == ["", "swapped (country)", "out of range", "", "not finite",
                                            "possibly swapped"]
    assert frame.loc[1, "side"] == "PK"  # the swapped pair, put right: the row says Pakistan
    assert frame.loc[5, "side"] == "RU" and float(frame.loc[5, "latitude"]) == 69.6  # nothing proves it: kept
    assert frame.loc[2, "geocode_status"] == "matched"  # bad coordinates dropped, the name geocoded
    rejects = pd.read_csv(tmp_path / "r.csv")
    assert rejects["input_row"].tolist() == [4, 5]
    assert "flagged, kept:" in out and "1 coordinates possibly swapped" in out


def test_kirkenes_stays_in_norway(tmp_path):
    """A GDELT file's events at Kirkenes (69.7 N, 30.1 E) and Finland's centroid are not moved into Pakistan."""
    template = (DATA / "gdelt_sample.export.CSV").read_text(encoding="utf-8").splitlines()[0].split("\t")
    rows = []
    for number, (kind, name, fips, adm1, lat, lon) in enumerate([
            ("4", "Kirkenes, Finnmark, Norway", "NO", "NO05", "69.725", "30.0517"),
            ("1", "Finland", "FI", "FI", "64", "26"),
            ("4", "Kabul, Kabol, Afghanistan", "AF", "AF13", "34.5167", "69.1833")]):
        row = list(template)
        row[0] = str(881991754 + number)
        row[51:58] = [kind, name, fips, adm1, "", lat, lon]
        rows.append("\t".join(row))
    source = tmp_path / "20191024143000.export.CSV"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, out, _ = geomap("join", source, "-o", tmp_path / "o.csv")
    assert code == 0
    frame = pd.read_csv(tmp_path / "o.csv", keep_default_na=False)
    assert frame["latitude"].tolist() == [69.725, 64.0, 34.5167] and frame["longitude"].tolist()[:2] == [30.0517, 26]
    assert frame["side"].tolist() == ["NO", "FI", "AF"]
    assert frame["coord_note"].tolist() == ["", "", ""] and "swapped" not in out


def test_duplicated_column_names(tmp_path):
    (tmp_path / "d.csv").write_text("place,place,x\nKhost,Wana,1\n", encoding="utf-8")
    one_line_error(*geomap("join", tmp_path / "d.csv", "-o", tmp_path / "o.csv")[::2], "duplicated column names")


def test_a_100_kb_field_survives_to_the_map(tmp_path):
    long_text = "word " * 20_000
    pd.DataFrame({"place": ["Khost"], "description": [long_text]}).to_csv(tmp_path / "l.csv", index=False)
    code, _, _ = geomap("map", tmp_path / "l.csv", "-o", tmp_path / "m.html")
    assert code == 0
    from pagedata import column, payload

    columns = payload((tmp_path / "m.html").read_text(encoding="utf-8"))["incidents"]["columns"]
    assert column(columns["description"])[0].strip() == long_text.strip()  # whole, compressed in the page


def test_invalid_geojson_is_refused(tmp_path):
    (tmp_path / "b.geojson").write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    one_line_error(*geomap("join", tmp_path / "b.geojson", "-o", tmp_path / "o.csv")[::2], "not a readable")


def test_non_wgs84_geoparquet_is_reprojected_and_crs_less_refused(tmp_path):
    import geopandas as gpd
    from shapely.geometry import Point

    frame = gpd.GeoDataFrame({"place": ["Khost"]}, geometry=[Point(69.92, 33.34)], crs="EPSG:4326")
    frame.to_crs(32642).to_parquet(tmp_path / "utm.parquet")
    code, _, _ = geomap("join", tmp_path / "utm.parquet", "-o", tmp_path / "o.csv")
    assert code == 0
    assert pd.read_csv(tmp_path / "o.csv").loc[0, "latitude"] == pytest.approx(33.34, abs=1e-6)
    frame.set_crs(None, allow_override=True).to_parquet(tmp_path / "nocrs.parquet")
    one_line_error(*geomap("join", tmp_path / "nocrs.parquet", "-o", tmp_path / "o2.csv")[::2], "has no CRS")


@pytest.mark.parametrize(("make", "args", "fragment"), [
    (None, ["join", "{d}/missing.csv", "-o", "{d}/o.csv"], "does not exist"),
    (None, ["join", "{d}", "-o", "{d}/o.csv"], "is a directory"),
    ("in.xls", ["join", "{d}/in.xls", "-o", "{d}/o.csv"], "unknown extension '.xls'"),
    ("in.csv", ["join", "{d}/in.csv", "-o", "{d}/o.txt"], "unknown extension '.txt'"),
    ("in.csv", ["join", "{d}/in.csv", "-o", "{d}/in.csv/o.csv"], "does not exist"),
    ("in.csv", ["join", "{d}/in.csv", "-o", "{d}/in.csv"], "is the input file"),
    ("in.csv", ["join", "{d}/in.csv", "-o", "{d}/o.csv", "--rejects", "{d}/r.json"], "unknown extension"),
])
def test_paths_that_cannot_be_used(tmp_path, make, args, fragment):
    if make:
        (tmp_path / make).write_text("place\nKhost\n", encoding="utf-8")
    code, _, err = geomap(*[a.format(d=tmp_path) for a in args])
    one_line_error(code, err, fragment)
    if make:
        assert (tmp_path / make).read_text(encoding="utf-8") == "place\nKhost\n"


# --- nothing lost --------------------------------------------------------------------------


def _messy_frame(rows: int, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    names = np.array(["Khost", "خوست", "Spin Buldak", "the Ghulam Khan crossing", "Torkam", "Kurram", "Wana",
                      "Qzxwv", "", "Mughalgai", "Gurbuz district", "Islamabad", "Doha"], dtype=object)
    frame = pd.DataFrame({
        "place": rng.choice(names, rows),
        "event_date": rng.choice(["2025-10-12", "12/10/2025", "not a date", "", "2025-11-01"], rows),
        "latitude": rng.choice([np.nan, 33.3, 95.0, 69.9, np.inf], rows, p=[0.6, 0.1, 0.1, 0.1, 0.1]),
        "longitude": rng.choice([np.nan, 69.9, 200.0, 33.3], rows),
        "description": rng.choice(["<script>alert(1)</script>", "plain", 'quote " and `tick`', ""], rows),
    })
    return frame


def test_messy_10000_rows_every_row_accounted_for(tmp_path):
    source = tmp_path / "messy.csv"
    _messy_frame(10_000).to_csv(source, index=False)
    frame, summary = run(source, tmp_path / "out.parquet", rejects=tmp_path / "rejects.csv")
    written = pd.read_parquet(tmp_path / "out.parquet")
    rejects = pd.read_csv(tmp_path / "rejects.csv")
    assert summary.rows_in == 10_000 == len(written) == summary.written
    assert summary.located + summary.unmatched == summary.rows_in
    assert len(rejects) == summary.unmatched == sum(summary.reasons.values())
    assert rejects["input_row"].is_unique and rejects["input_row"].between(1, 10_000).all()
    assert written["latitude"].isna().sum() == len(rejects)

    _, map_summary = run(source, tmp_path / "out.html")
    assert map_summary.written + sum(map_summary.reasons.values()) == map_summary.rows_in


# --- atomic outputs --------------------------------------------------------------------------


def test_an_interrupted_write_leaves_the_old_file(tmp_path, monkeypatch):
    import folium

    source = tmp_path / "in.csv"
    source.write_text("place\nKhost\n", encoding="utf-8")
    target = tmp_path / "map.html"
    target.write_text("old map", encoding="utf-8")

    def broken_save(self, path, **kwargs):
        Path(path).write_text("half a page", encoding="utf-8")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(folium.Map, "save", broken_save)
    code, _, err = geomap("map", source, "-o", target)
    one_line_error(code, err, "No space left on device")
    assert target.read_text(encoding="utf-8") == "old map"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "map.html"]  # no temporary left behind


# --- security ----------------------------------------------------------------------------------


def test_no_eval_in_geomap_code():
    root = Path(__file__).resolve().parents[1] / "geomap"
    for path in [*root.rglob("*.py"), *root.rglob("*.js")]:
        text = path.read_text(encoding="utf-8")
        assert "eval(" not in text and "new Function(" not in text and "innerHTML" not in text, path


def test_cli_works_with_networking_disabled(tmp_path):
    """Every socket connection raises: a run that reached for the network would fail."""
    guard = (
        "import socket, sys, runpy\n"
        "def deny(*a, **k):\n    raise OSError('network disabled by the test')\n"
        "socket.socket.connect = deny\nsocket.socket.connect_ex = deny\nsocket.create_connection = deny\n"
        "socket.getaddrinfo = deny\n"
        "sys.argv = ['geomap'] + sys.argv[1:]\nrunpy.run_module('geomap', run_name='__main__')\n"
    )
    command = [sys.executable, "-c", guard, "map", "-o", str(tmp_path / "m.html")]
    if shutil.which("unshare") and os.geteuid() == 0:
        probe = subprocess.run(["unshare", "--net", "true"], capture_output=True)
        if probe.returncode == 0:  # a real network namespace with no interfaces, as well
            command = ["unshare", "--net", *command]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    located = int(join_border(geocode(load(sample_path())))["latitude"].notna().sum())
    assert f"rows in: 40  {located} located" in result.stdout and f"written: {located}" in result.stdout


def test_damaged_or_missing_data_is_reported(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(Path(datasets.__file__).resolve().parents[1] / "data", copy)
    assert datasets.verify_all(copy) == []
    (copy / "border.parquet").write_bytes((copy / "border.parquet").read_bytes()[:1000])
    (copy / "gazetteer.parquet").unlink()
    assert datasets.verify_all(copy) == ["border.parquet: damaged (checksum mismatch)",
                                         "gazetteer.parquet: missing"]
    with pytest.raises(DataError, match="damaged"):
        datasets._verified("border.parquet", "0" * 64)
    code, out, _ = geomap("verify-data")
    assert code == 0 and "match their checksums" in out


def test_manifest_covers_every_bundled_file():
    manifest = datasets.manifest()
    root = Path(datasets.__file__).resolve().parents[1] / "data"
    shipped = {p.relative_to(root).as_posix() for p in root.rglob("*")
               if p.is_file() and p.suffix in (".parquet", ".csv", ".js", ".css", ".npz")}
    assert shipped == set(manifest)
    assert json.loads((root / "MANIFEST.json").read_text(encoding="utf-8")) == manifest
