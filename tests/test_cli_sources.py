"""The new command options: --format, --columns, several inputs, --dedupe-km, --engine; bad values exit 1."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from geomap.cli import app

DATA = Path(__file__).parent / "data"
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_three_sources_in_one_run_with_linked_duplicates(tmp_path):
    out = tmp_path / "all.csv"
    result = invoke("join", DATA / "acled_sample.csv", DATA / "ucdp_sample.csv", DATA / "gdelt_sample.export.CSV",
                    "-o", out, "--dedupe-km", "5", "--dedupe-days", "2")
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    assert "rows in: 8" in result.output and len(frame) == 8
    assert set(frame["source_dataset"]) == {"acled", "ucdp", "gdelt"}
    assert frame["duplicate_cluster"].value_counts().max() == 3


def test_gdelt_repeats_are_linked_with_dedupe_within(tmp_path):
    # The same clash coded from a second article: another event id, the same place, day and code.
    first = (DATA / "gdelt_sample.export.CSV").read_text(encoding="utf-8").splitlines()[0]
    repeat = "1299000099" + first[first.index("\t"):]
    source = tmp_path / "20251012.export.CSV"
    source.write_text("\n".join([*(DATA / "gdelt_sample.export.CSV").read_text(encoding="utf-8").splitlines(),
                                  repeat]) + "\n", encoding="utf-8")
    for flag, linked in (((), 0), (("--dedupe-within",), 2)):
        out = tmp_path / f"out{len(flag)}.csv"
        result = invoke("join", source, "-o", out, *flag)
        assert result.exit_code == 0, result.output
        frame = pd.read_csv(out)
        assert len(frame) == 4
        assert frame.get("duplicate_cluster", pd.Series(dtype=float)).notna().sum() == linked


def test_generic_csv_with_columns(tmp_path):
    out = tmp_path / "g.csv"
    result = invoke("geocode", DATA / "generic_sample.csv", "-o", out, "--format", "generic",
                    "--columns", "place=town,event_date=date")
    assert result.exit_code == 0, result.output
    assert pd.read_csv(out)["geocode_status"].tolist() == ["matched", "matched"]


@pytest.mark.parametrize(("args", "message"), [
    (("--format", "acledd"), "unknown format 'acledd'"),
    (("--columns", "place"), "is not NAME=COLUMN"),
    (("--columns", "colour=location"), "not geomap columns"),
    (("--engine", "spark"), "unknown engine 'spark'"),
    (("--dedupe-km", "-3"), "positive number of km"),
])
def test_bad_options_end_in_one_line_and_exit_1(tmp_path, args, message):
    result = invoke("join", DATA / "acled_sample.csv", "-o", tmp_path / "x.csv", *args)
    assert result.exit_code == 1
    assert message in result.output and result.output.count("geomap: error:") == 1
    assert not (tmp_path / "x.csv").exists()


def test_gdelt_file_with_the_wrong_column_count(tmp_path):
    bad = tmp_path / "20251012.export.CSV"
    bad.write_text("1\t20251012\t202510\n", encoding="utf-8")
    result = invoke("join", bad, "-o", tmp_path / "x.csv", "--format", "gdelt")
    assert result.exit_code == 1 and "61 tab-separated columns" in result.output
