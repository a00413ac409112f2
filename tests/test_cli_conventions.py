"""The command line as csvkit, sqlite-utils and ogr2ogr users expect it: pipes, quiet and verbose, JSON
summaries, completion, shared options after the command, GEOMAP_* defaults, progress, quick start-up."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from geomap import settings
from geomap.cli import app
from geomap.pipeline import run

DATA = Path(__file__).parent / "data"
ACLED = DATA / "acled_sample.csv"
runner = CliRunner()


def geomap(*args, input: bytes | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """The command in a process of its own, as a shell runs it (stdout and stderr apart, not a terminal)."""
    return subprocess.run([sys.executable, "-m", "geomap", *map(str, args)], input=input, capture_output=True,
                          timeout=300, env={**os.environ, **(env or {})})


def _imported_by(argv: list[str], watched: tuple[str, ...]) -> list[str]:
    """Which of the ``watched`` top-level modules a fresh process imported to run ``geomap ARGV`` (it must succeed)."""
    code = ("import sys\nfrom geomap.cli import main\n"
            f"sys.argv = ['geomap', *{[str(a) for a in argv]!r}]\n"
            "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
            f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({list(watched)!r})), file=sys.stderr)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stderr.strip().splitlines()[-1].replace("'", '"'))


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["join", "--help"], ["map", "--help"]])
def test_help_and_version_import_nothing_heavy(argv):
    heavy = ("pandas", "geopandas", "folium", "numpy", "pyarrow", "shapely", "matplotlib", "dask")
    assert _imported_by(argv, heavy) == []


def test_a_small_join_imports_only_its_stages(tmp_path):
    others = ("folium", "matplotlib", "dask", "distributed", "jinja2", "branca", "charset_normalizer", "rich", "numba")
    assert _imported_by(["join", ACLED, "-o", tmp_path / "o.csv", "-q"], others) == []


def test_stdin_to_stdout_with_the_summary_on_stderr():
    result = geomap("join", "-", "-o", "-", input=ACLED.read_bytes())
    assert result.returncode == 0, result.stderr
    frame = pd.read_csv(io.BytesIO(result.stdout))
    assert len(frame) == 3 and "border_distance_km" in frame
    assert b"rows in: 3" in result.stderr


def test_stdin_with_a_format_and_a_map_to_stdout():
    events = (DATA / "gdelt_sample.export.CSV").read_bytes()
    gdelt = geomap("geocode", "-", "-o", "-", "--format", "gdelt", input=events)
    assert gdelt.returncode == 0 and len(pd.read_csv(io.BytesIO(gdelt.stdout))) == 3
    page = geomap("map", "-", "-o", "-", "--offline", input=ACLED.read_bytes())
    assert page.returncode == 0 and page.stdout.lstrip().startswith(b"<!DOCTYPE html>")


def test_quiet_says_nothing_and_verbose_says_what_was_noted(tmp_path):
    quiet = geomap("join", DATA / "ucdp_hdx_sample.csv", "-o", tmp_path / "q.csv", "--quiet")
    assert quiet.returncode == 0 and quiet.stdout == b"" and quiet.stderr == b""
    verbose = geomap("join", DATA / "ucdp_gedevents_sample.csv", "-o", tmp_path / "v.csv", "-v")
    text = verbose.stdout.decode()
    assert "note: ucdp_gedevents_sample.csv: one field more than the header" in text
    assert "dates read month-first" in text
    quiet_env = geomap("join", ACLED, "-o", tmp_path / "e.csv", env={"GEOMAP_QUIET": "1"})
    assert quiet_env.stdout == b"" and quiet_env.stderr == b"" and (tmp_path / "e.csv").exists(), quiet_env


def test_json_summary_on_stderr_or_in_a_file(tmp_path):
    result = geomap("join", DATA / "ucdp_hdx_sample.csv", "-o", tmp_path / "o.csv", "--json", "--json-file",
                    tmp_path / "summary.json")
    assert result.returncode == 0
    on_stderr = json.loads(result.stderr)
    in_file = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert on_stderr == in_file
    assert in_file["rows_in"] == 2 and in_file["records"] == 3 and in_file["skipped"] == {"HXL hashtag row": 1}
    assert in_file["skipped_rows"][0] == {"input_file": "ucdp_hdx_sample.csv", "input_row": 1,
                                          "reason": in_file["skipped_rows"][0]["reason"]}


def test_shell_completion_script():
    result = runner.invoke(app, ["--show-completion", "bash"])
    assert result.exit_code == 0 and "_GEOMAP_COMPLETE" in result.output


@pytest.mark.parametrize("command", ["map", "stats", "geocode", "join"])
def test_every_command_that_reads_incidents_takes_the_reading_options_after_its_name(command):
    help_text = runner.invoke(app, [command, "--help"]).output
    for option in ("--format", "--columns", "--encoding", "--dayfirst", "--layer", "--debug", "--quiet",
                   "--verbose", "--json"):
        assert option in help_text, (command, option)


def test_options_work_before_and_after_the_command(tmp_path):
    for argv in (["--debug", "join", ACLED, "-o", tmp_path / "a.csv", "--format", "acledd"],
                 ["join", ACLED, "-o", tmp_path / "a.csv", "--format", "acledd", "--debug"]):
        result = runner.invoke(app, [str(a) for a in argv])
        assert isinstance(result.exception, Exception) and "unknown format" in str(result.exception)  # traceback
    generic = runner.invoke(app, ["geocode", str(DATA / "generic_sample.csv"), "-o", str(tmp_path / "g.csv"),
                                  "--format", "generic", "--columns", "place=town,event_date=date", "--encoding",
                                  "utf-8", "-q"])
    assert generic.exit_code == 0 and generic.output == ""


def test_help_examples_are_one_per_line():
    text = runner.invoke(app, ["join", "--help"]).output
    lines = [line.strip() for line in text.splitlines()]
    assert "Examples:" in lines
    examples = lines[lines.index("Examples:") + 1:lines.index("Examples:") + 5]
    assert all(line.startswith("geomap join ") for line in examples), examples


def test_defaults_from_geomap_environment_variables(tmp_path):
    wrong = geomap("join", ACLED, "-o", tmp_path / "o.csv", env={"GEOMAP_FORMAT": "acledd"})
    assert wrong.returncode == 1 and b"unknown format 'acledd'" in wrong.stderr
    engine = geomap("join", ACLED, "-o", tmp_path / "o.csv", env={"GEOMAP_ENGINE": "spark"})
    assert engine.returncode == 1 and b"unknown engine 'spark'" in engine.stderr
    help_text = runner.invoke(app, ["join", "--help"]).output
    for variable in ("GEOMAP_FORMAT", "GEOMAP_ENCODING", "GEOMAP_ENGINE", "GEOMAP_BLOCK_SIZE", "GEOMAP_QUIET"):
        assert variable in help_text


def test_the_clis_defaults_are_the_settings():
    """The CLI spells its defaults out (importing settings would cost start-up); they must stay the same."""
    help_text = " ".join(runner.invoke(app, ["map", "--help"]).output.split())
    assert f"[default: {','.join(f'{b:g}' for b in settings.BANDS_KM)}]" in help_text
    assert f"default: {settings.AGGREGATE_ABOVE};" in help_text and f"default: {settings.TILES}]" in help_text
    assert f"default: {settings.MAP_POPUP_BUDGET_BYTES / 1e6:.1f};" in help_text


def test_progress_moves_block_by_block(tmp_path):
    reports = []
    rows = pd.DataFrame({"place": ["Khost", "Wana"] * 2000, "event_date": "2025-10-12"})
    rows.to_csv(tmp_path / "in.csv", index=False)
    run(tmp_path / "in.csv", tmp_path / "o.csv", block_bytes=4_000, progress=lambda s, f: reports.append((s, f)))
    steps = [fraction for stage, fraction in reports if stage == "join"]
    assert len(set(steps)) > 10 and steps == sorted(steps) and steps[-1] == 1.0
    assert reports[-1] == ("done", 1.0)


def test_piped_output_carries_no_progress_bar(tmp_path):
    result = geomap("join", ACLED, "-o", tmp_path / "o.csv")
    assert b"\x1b[" not in result.stderr and b"\r" not in result.stderr and result.stderr == b""


def test_data_export_writes_the_reference_layers_for_a_gis(tmp_path):
    import geopandas as gpd
    import pyogrio

    result = runner.invoke(app, ["data", "export", str(tmp_path / "layers")])
    assert result.exit_code == 0, result.output
    gpkg = tmp_path / "layers" / "reference.gpkg"
    assert [name for name, _ in pyogrio.list_layers(gpkg)] == ["border", "crossings", "provinces", "districts"]
    for name in ("border", "crossings", "provinces", "districts"):
        layer = gpd.read_file(tmp_path / "layers" / f"{name}.geojson")
        assert len(layer) > 0 and layer.crs.to_epsg() == 4326
    assert len(gpd.read_file(gpkg, layer="crossings")) == len(gpd.read_file(tmp_path / "layers" / "crossings.geojson"))
    assert "OpenStreetMap" in (tmp_path / "layers" / "ATTRIBUTION.md").read_text(encoding="utf-8")
