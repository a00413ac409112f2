"""The `geomap` command as a user runs it: outputs, summaries, and one-line errors with exit code 1."""

from __future__ import annotations

import json
import subprocess
import sys

import geopandas as gpd
import pandas as pd
import pytest
from typer.testing import CliRunner

from geomap.cli import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_help_teaches_the_first_command():
    result = invoke("--help")
    assert result.exit_code == 0
    assert "geomap map -o map.html" in result.output
    for command in ("map", "stats", "geocode", "join", "border", "gazetteer"):
        assert command in result.output


def test_map_of_the_bundled_sample(tmp_path):
    out = tmp_path / "map.html"
    result = invoke("map", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 100_000
    assert "rows in: 40" in result.output and "written:" in result.output
    assert "cdn.jsdelivr" not in out.read_text(encoding="utf-8")


def test_offline_map_with_bands_and_aggregation(tmp_path):
    out = tmp_path / "offline.html"
    result = invoke("map", "--offline", "--bands", "5,20", "--aggregate-above", "10", "-o", str(out))
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "tile.openstreetmap.org" not in html
    from pagedata import payload

    data = payload(html)
    assert [band["km"] for band in data["bands"]] == [20.0, 5.0] and "grid cells" in data["summary"]


def test_stats_writes_tables_and_charts(tmp_path):
    from geomap import sample_path

    result = invoke("stats", str(sample_path()), "-o", str(tmp_path / "stats"))
    assert result.exit_code == 0, result.output
    assert "8 files" in result.output
    by_week = pd.read_csv(tmp_path / "stats" / "by_week.csv")
    assert by_week["incidents"].sum() >= 33 and (tmp_path / "stats" / "by_segment.png").exists()


def test_geocode_writes_csv_with_the_contract_columns(tmp_path, tiny_incidents, write_csv):
    out = tmp_path / "out.csv"
    result = invoke("geocode", str(write_csv(tiny_incidents)), "-o", str(out))
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    assert len(frame) == len(tiny_incidents)
    for column in ("latitude", "longitude", "geo_precision", "gazetteer_id", "gazetteer_name", "feature_kind",
                   "match_score", "geocode_status"):
        assert column in frame.columns
    assert "rows in: 5" in result.output and "unmatched: 1" in result.output


@pytest.mark.parametrize("suffix", [".geojson", ".parquet", ".gpkg"])
def test_join_writes_geodata_by_extension(tmp_path, tiny_incidents, write_csv, suffix):
    out = tmp_path / f"joined{suffix}"
    result = invoke("join", str(write_csv(tiny_incidents)), "-o", str(out))
    assert result.exit_code == 0, result.output
    frame = gpd.read_parquet(out) if suffix == ".parquet" else gpd.read_file(out)
    assert len(frame) == 5
    assert frame.crs.to_epsg() == 4326
    assert {"side", "border_distance_km", "nearest_crossing", "province", "district"} <= set(frame.columns)
    assert frame.geometry.notna().sum() == 4  # the unmatched row is kept, without a point


def test_custom_place_and_country_columns(tmp_path, write_csv):
    frame = pd.DataFrame({"location": ["Hyderabad"], "cc": ["IN"]})
    out = tmp_path / "o.csv"
    result = invoke("geocode", str(write_csv(frame)), "-o", str(out), "--place-column", "location",
                    "--country-column", "cc")
    assert result.exit_code == 0, result.output
    assert pd.read_csv(out).loc[0, "latitude"] == pytest.approx(17.4, abs=0.3)


def test_border_info_reports_the_line():
    result = invoke("border", "info", "--json")
    info = json.loads(result.output)
    assert info["vertices"] >= 10_000
    assert 2_700 < info["geodesic_length_km"] < 2_800
    assert "OpenStreetMap" in info["source"]
    assert "2,600" in invoke("border", "info").output


def test_gazetteer_search_table_and_json():
    result = invoke("gazetteer", "search", "خوست")
    assert result.exit_code == 0 and "Khost" in result.output
    rows = json.loads(invoke("gazetteer", "search", "Torkham", "--json").output)
    assert rows[0]["name"] == "Torkham" and rows[0]["kind"] == "crossing"


@pytest.mark.parametrize(("args", "message"), [
    (["map", "nope.csv"], "does not exist"),
    (["geocode", "{tmp}", "-o", "x.csv"], "is a directory"),
    (["geocode", "{csv}", "-o", "out.xlsx"], "unknown extension '.xlsx'"),
    (["geocode", "{csv}", "-o", "{csv}"], "is the input file"),
    (["geocode", "{csv}", "-o", "{tmp}/no/such/dir/out.csv"], "does not exist"),
    (["geocode", "{csv}", "-o", "o.csv", "--place-column", "where"], "no place column 'where'"),
    (["map", "-o", "map.png"], "give an output ending in .html"),
    (["map", "--bands", "10,far", "-o", "m.html"], "bands must be distances"),
    (["stats", "{csv}", "-o", "{csv}"], "is a file"),
])
def test_bad_input_is_one_line_on_stderr_and_exit_code_1(tmp_path, tiny_incidents, write_csv, args, message):
    csv = write_csv(tiny_incidents)
    args = [a.format(tmp=tmp_path, csv=csv) for a in args]
    result = subprocess.run([sys.executable, "-m", "geomap", *args], capture_output=True, text=True,
                            cwd=tmp_path, timeout=120)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert "Traceback" not in result.stderr
    assert csv.read_text(encoding="utf-8").startswith("event_date,place")  # the input is never touched
