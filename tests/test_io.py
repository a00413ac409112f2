"""The one writer: outputs appear whole or not at all, whatever stops the run.

Interrupted runs are real processes sent real signals once their temporary output exists (the
test waits for that, it does not guess a delay).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from geomap import io, stats
from geomap.cli import app
from geomap.io import TableWriter, atomic_folder, write_table
from geomap.pipeline import run

OLD = "old output, kept\n"


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    """150,000 incidents with coordinates: a run of some seconds, written in many blocks."""
    rng = np.random.default_rng(3)
    rows = 150_000
    frame = pd.DataFrame({"place": rng.choice(["Khost", "Wana", "Qzxwv"], rows),
                          "event_date": "2025-10-12", "latitude": np.round(rng.uniform(29, 36, rows), 5),
                          "longitude": np.round(rng.uniform(62, 74, rows), 5), "description": "x" * 40})
    path = tmp_path_factory.mktemp("big") / "big.csv"
    frame.to_csv(path, index=False)
    return path


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def _interrupt(command: list[str], folder: Path, signum: int) -> subprocess.CompletedProcess:
    """Start the command, wait until its temporary output exists, send the signal, wait for the end."""
    process = subprocess.Popen(command, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "GEOMAP_BLOCK_SIZE": "512KB"})
    deadline = time.monotonic() + 120
    while not any(name.startswith(".out.csv.") for name in _temporaries(folder)):
        assert process.poll() is None, f"the run ended before it was interrupted: {process.communicate()}"
        assert time.monotonic() < deadline, "no temporary output appeared"
        time.sleep(0.01)  # polling for the condition, not a guessed delay
    process.send_signal(signum)
    out, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(command, process.returncode, out, err)


@pytest.mark.parametrize("engine", ["local", "dask"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_run_leaves_the_old_output_and_no_temporary(tmp_path, big_csv, engine, signum):
    (tmp_path / "out.csv").write_text(OLD, encoding="utf-8")
    (tmp_path / "rejects.csv").write_text(OLD, encoding="utf-8")
    result = _interrupt([sys.executable, "-m", "geomap", "join", str(big_csv), "-o", "out.csv", "--rejects",
                         "rejects.csv", "--engine", engine], tmp_path, signum)
    assert result.returncode == 128 + signum, result.stderr
    assert result.stderr.startswith("geomap: error: interrupted") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == OLD
    assert (tmp_path / "rejects.csv").read_text(encoding="utf-8") == OLD
    assert _temporaries(tmp_path) == []


def test_a_completed_run_replaces_the_old_output(tmp_path, big_csv):
    target = tmp_path / "out.csv"
    target.write_text(OLD, encoding="utf-8")
    _, summary = run(big_csv, target, block_bytes="1MB", keep=False)
    assert summary.written == 150_000 and summary.blocks > 3
    assert len(pd.read_csv(target, usecols=["latitude"])) == 150_000 and _temporaries(tmp_path) == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_inside_a_write_removes_the_temporary(tmp_path, signum):
    """The map page and the stats folder use the same temporaries; a signal mid-write leaves neither."""
    code = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from geomap.io import atomic_folder, atomic_write, signals_interrupt\n"
        "folder = Path(sys.argv[1])\n"
        "try:\n"
        "    with signals_interrupt(), atomic_write(folder / 'map.html') as tmp, \\\n"
        "            atomic_folder(folder / 'stats') as out:\n"
        "        tmp.write_text('half a page')\n"
        "        (out / 'by_week.csv').write_text('half a table')\n"
        f"        os.kill(os.getpid(), {int(signum)})\n"
        "        raise SystemExit('the signal did not interrupt')\n"
        "except KeyboardInterrupt:\n"
        "    sys.exit(7)\n"
    )
    (tmp_path / "map.html").write_text(OLD, encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 7, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.html"]
    assert (tmp_path / "map.html").read_text(encoding="utf-8") == OLD


def test_the_stats_folder_is_replaced_whole_and_a_foreign_folder_is_refused(tmp_path):
    frame, _ = run(stage="join")
    target = tmp_path / "stats"
    target.mkdir()
    (target / "by_week.csv").write_text("stale", encoding="utf-8")
    stats.write(frame, target)
    assert sorted(p.name for p in target.iterdir()) == sorted(stats.FILES)
    assert pd.read_csv(target / "by_week.csv")["incidents"].sum() > 0
    (target / "notes.txt").write_text("mine", encoding="utf-8")
    code = CliRunner().invoke(app, ["stats", str(Path(__file__).parent / "data" / "acled_sample.csv"), "-o",
                                    str(target)])
    assert code.exit_code == 1 and "holds other files (notes.txt)" in code.output
    assert (target / "notes.txt").read_text(encoding="utf-8") == "mine"
    with pytest.raises(OSError, match="is a file"), atomic_folder(target / "notes.txt"):
        pass


def test_a_failed_block_removes_the_temporary_and_keeps_the_old_file(tmp_path):
    target = tmp_path / "out.parquet"
    target.write_text(OLD, encoding="utf-8")
    with pytest.raises(RuntimeError), TableWriter(target) as writer:
        writer.write(pd.DataFrame({"place": ["Khost"], "latitude": [33.3], "longitude": [69.9]}))
        raise RuntimeError("a stage failed half way")
    assert target.read_text(encoding="utf-8") == OLD and _temporaries(tmp_path) == []


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".geojson", ".gpkg"])
def test_blocks_written_one_by_one_read_back_as_one_table(tmp_path, suffix):
    blocks = [pd.DataFrame({"place": ["Khost", None], "note": [None, None], "latitude": [33.3, np.nan],
                            "longitude": [69.9, np.nan]}),
              pd.DataFrame({"place": ["Wana"], "note": ["text now"], "latitude": [32.3], "longitude": [69.6]})]
    with TableWriter(tmp_path / f"t{suffix}") as writer:
        for block in blocks:
            writer.write(block)
    whole = tmp_path / f"whole{suffix}"
    write_table(pd.concat(blocks, ignore_index=True), whole)
    import geopandas as gpd

    read = (pd.read_csv if suffix == ".csv" else gpd.read_parquet if suffix == ".parquet" else gpd.read_file)
    frame = read(tmp_path / f"t{suffix}")
    assert frame["place"].tolist()[::2] == ["Khost", "Wana"] and frame["note"].tolist()[2] == "text now"
    assert len(frame) == 3


@pytest.mark.parametrize("folder", [False, True])
def test_an_interrupt_at_any_line_of_making_a_temporary_leaves_none_unknown(tmp_path, folder):
    """A Ctrl-C can land between any two lines: whatever exists by then must already be known, to be removed.

    (The Dask engine's SIGINT test once left a `.rejects.csv.*` file: the signal came after the file was
    made and before it was recorded.) Each run raises KeyboardInterrupt at the n-th line of the function.
    """
    code = io._temporary.__code__
    target = tmp_path / ("stats" if folder else "out.csv")
    stopped_at = 0
    while True:
        stopped_at += 1
        lines = 0

        def trace(frame, event, arg, _n=stopped_at):
            if frame.f_code is not code:
                return None

            def line(frame, event, arg):
                nonlocal lines
                if event == "line":
                    lines += 1
                    if lines == _n:
                        raise KeyboardInterrupt
                return line
            return line

        before = io.live_temporaries()
        sys.settrace(trace)
        try:
            made = io._temporary(target, folder=folder)
        except KeyboardInterrupt:
            made = None
        finally:
            sys.settrace(None)
        if made is not None:  # ran to the end: every line has been interrupted once
            assert made.exists() and made in io.live_temporaries()
            io.discard_temporaries([made])
            break
        io.discard_temporaries(io.live_temporaries() - before)
        assert list(tmp_path.iterdir()) == [], f"left behind when interrupted at line {stopped_at}"
    assert stopped_at > 4 and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command, output", [(["stats", str(Path(__file__).parent / "data" / "acled_sample.csv")],
                                              "stats"), (["map", "--offline"], "map.html")])
def test_an_interrupt_just_after_a_temporary_is_made_leaves_it_to_the_command_to_remove(tmp_path, monkeypatch,
                                                                                         command, output):
    """The moment between making a temporary and the block that removes it: the command removes it then."""
    made = io._temporary

    def made_then_interrupted(path, folder=False):
        made(path, folder)
        raise KeyboardInterrupt

    monkeypatch.setattr(io, "_temporary", made_then_interrupted)
    result = CliRunner().invoke(app, [*command, "-o", str(tmp_path / output)])
    assert result.exit_code == 130 and "interrupted" in result.output
    assert list(tmp_path.iterdir()) == [] and io.live_temporaries() == set()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_whose_exception_was_swallowed_still_stops_the_run(signum):
    """Some library on the way may catch the interrupt's exception; the run is still refused its output."""
    with io.signals_interrupt():
        try:
            os.kill(os.getpid(), signum)
            for _ in range(10**6):  # the handler runs between two bytecodes of this thread
                pass
            raise AssertionError("the signal did not arrive")
        except KeyboardInterrupt:
            pass  # lost, as by a library that catches too much
        with pytest.raises(io.Interrupted) as stopped:
            io.check_stop()
        assert stopped.value.signum == signum
    io.check_stop()  # outside a run nothing is pending
