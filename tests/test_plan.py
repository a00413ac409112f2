"""A run is a validated plan; stages do only their own work; memory that would not suffice is said, not died of."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from geomap import InputError, OutputError, settings
from geomap.join import join
from geomap.pipeline import RunPlan, run

DATA = Path(__file__).parent / "data"
ACLED = DATA / "acled_sample.csv"


def test_join_does_not_geocode_behind_the_callers_back():
    with pytest.raises(InputError, match="geocode them first"):
        join(pd.DataFrame({"place": ["Khost"]}))


def test_a_plan_is_checked_when_it_is_built_and_cannot_change_after(tmp_path):
    plan = RunPlan.build(ACLED, tmp_path / "m.html", stage="geocode", date_order="dayfirst", dedupe_km=3)
    assert plan.stage == "join" and plan.is_map and plan.read.date_order == "dayfirst"  # a map is always joined
    assert plan.dedupe.km == 3 and plan.dedupe.days == settings.DEDUPE_DAYS
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.stage = "geocode"
    for options, message in [({"stage": "render"}, "unknown stage"), ({"engine": "spark"}, "unknown engine"),
                             ({"format": "acledd"}, "unknown format"), ({"encoding": "klingon"}, "unknown encoding"),
                             ({"date_order": "yearfirst"}, "unknown date order"),
                             ({"columns": "colour=x"}, "not geomap columns"), ({"dedupe_km": -1}, "positive"),
                             ({"block_bytes": "lots"}, "not a size")]:
        with pytest.raises(InputError, match=message):
            RunPlan.build(ACLED, **options)
    with pytest.raises(OutputError, match="same file as the output"):
        RunPlan.build(ACLED, tmp_path / "o.csv", rejects=tmp_path / "o.csv")
    with pytest.raises(OutputError, match="is the input file"):
        RunPlan.build(ACLED, ACLED)


def test_a_local_run_imports_nothing_of_the_dask_engine():
    code = ("import sys\nfrom geomap.pipeline import run\n"
            f"run({str(ACLED)!r})\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed') "
            "or m == 'geomap.engine'))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_dask_engine_without_dask_is_one_line_naming_the_extra(tmp_path):
    """Dask made unimportable in a fresh process: what a user without the extra sees."""
    code = (
        "import sys\n"
        "class NoDask:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('dask', 'distributed', 'dask_geopandas'):\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, NoDask())\n"
        "from geomap.cli import main\n"
        f"sys.argv = ['geomap', 'join', {str(ACLED)!r}, '-o', {str(tmp_path / 'o.csv')!r}, '--engine', 'dask']\n"
        "main()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "pip install 'geomap[dask]'" in result.stderr
    assert "unexpected" not in result.stderr and not (tmp_path / "o.csv").exists()


def test_memory_that_would_not_suffice_streams_a_table_and_refuses_a_map(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "MEMORY_BYTES", 1000)  # GEOMAP_MEMORY: as if the machine had 1 kB to spare
    frame, summary = run(ACLED, tmp_path / "o.csv", block_bytes=1000)
    assert frame is None and summary.rows_in == 3 and len(pd.read_csv(tmp_path / "o.csv")) == 3  # streamed
    with pytest.raises(InputError, match=r"needs about .* of memory .* Write a table instead"):
        run(ACLED, tmp_path / "m.html")
    assert not (tmp_path / "m.html").exists()


def test_memory_refusal_from_the_command_line_is_one_line(tmp_path):
    result = subprocess.run([sys.executable, "-m", "geomap", "map", str(ACLED), "-o", str(tmp_path / "m.html")],
                            capture_output=True, text=True, timeout=300,
                            env={**__import__("os").environ, "GEOMAP_MEMORY": "2KB"})
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "of memory" in result.stderr
