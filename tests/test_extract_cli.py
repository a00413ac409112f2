"""`geomap extract` and `geomap evaluate` as a user runs them: outputs by extension, a table, one-line errors."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
from typer.testing import CliRunner

from geomap.cli import app

runner = CliRunner()
REPORT = ("Kabul, 12 October 2025\n\nPakistan closed the Torkham crossing on Sunday after clashes in Kurram "
          "killed three soldiers, officials said.\n")


def invoke(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def report(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    return path


def test_incidents_to_csv_feed_the_map(tmp_path, report):
    out = tmp_path / "incidents.csv"
    result = invoke("extract", str(report), "-o", str(out))
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    for column in ("place", "latitude", "longitude", "event_date", "event_type", "description", "fatalities",
                   "source_name", "date_precision", "actors"):
        assert column in frame.columns
    assert frame[["place", "event_date"]].values.tolist() == [["Torkham crossing", "2025-10-12"],
                                                              ["Kurram", "2025-10-12"]]
    assert frame["fatalities"].iloc[1] == 3 and frame["source_name"].iloc[0] == "report.txt"
    html = tmp_path / "map.html"
    mapped = invoke("map", str(out), "-o", str(html))
    assert mapped.exit_code == 0, mapped.output
    assert "rows in: 2" in mapped.output and html.stat().st_size > 100_000


def test_mentions_to_geojson(tmp_path, report):
    out = tmp_path / "mentions.geojson"
    result = invoke("extract", str(report), "--mentions", "--date", "2025-10-13", "-o", str(out))
    assert result.exit_code == 0, result.output
    frame = gpd.read_file(out)
    assert frame.crs.to_epsg() == 4326
    assert {"place", "span_start", "span_end", "gazetteer_name", "latitude", "longitude", "feature_kind",
            "geo_precision"} <= set(frame.columns)
    assert frame["place"].tolist() == ["Kabul", "Pakistan", "Torkham crossing", "Kurram"]
    first = frame.iloc[0]
    assert REPORT[first["span_start"]:first["span_end"]] == "Kabul"


def test_without_output_a_table_on_stdout(report):
    result = invoke("extract", str(report), "--date", "2025-10-13")
    assert result.exit_code == 0, result.output
    assert "Torkham crossing" in result.output and "Strategic developments" in result.output


def test_a_report_without_a_date_says_it_uses_today(tmp_path):
    path = tmp_path / "undated.txt"
    path.write_text("Clashes hit Kurram.", encoding="utf-8")
    result = invoke("extract", str(path))
    assert result.exit_code == 0
    assert "no --date" in result.output and "today" in result.output


@pytest.mark.parametrize(("content", "args", "message"), [
    (None, (), "does not exist"),
    (b"", (), "is empty"),
    (b"\x80\x81 Kabul", (), "not UTF-8"),
    (REPORT.encode(), ("--date", "29/10/2025"), "'29/10/2025' is not a date"),
])
def test_bad_input_is_one_line_and_exit_1(tmp_path, content, args, message):
    path = tmp_path / "in.txt"
    if content is not None:
        path.write_bytes(content)
    result = invoke("extract", str(path), *args)
    assert result.exit_code == 1
    assert message in result.output and result.output.count("\n") == 1
    assert "Traceback" not in result.output


def test_evaluate_prints_both_systems(tmp_path):
    devset = tmp_path / "dev.json"
    devset.write_text(json.dumps({"reports": [{
        "id": "one", "report_date": "2025-10-19", "text": "Talks in Doha ended; Khawaja Asif flew to Islamabad.",
        "gold": [{"text": "Doha", "latitude": 25.28545, "longitude": 51.53096},
                 {"text": "Islamabad", "latitude": 33.72148, "longitude": 73.04329}]}]}), encoding="utf-8")
    result = invoke("evaluate", str(devset), "--json")
    assert result.exit_code == 0, result.output
    scores = {(row["subset"], row["system"]): row for row in json.loads(result.stdout)}
    assert scores[("en", "geomap")]["precision"] == 1.0 and scores[("en", "geomap")]["recall"] == 1.0
    assert {system for _, system in scores} == {"geomap", "geotext", "spacy"}
    missing = invoke("evaluate", str(tmp_path / "none.json"))
    assert missing.exit_code == 1 and "does not exist" in missing.output
