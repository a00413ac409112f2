"""End to end, as a user runs it: ``geomap join in.csv -o out.parquet`` beside the bare geopandas recipe.

Both start from the same CSV of located incidents and end with a GeoParquet file; each runs as
its own process, one after the other, so the figures come from the same machine in the same
minutes. Wall time covers everything the user waits for (start-up, reading, measuring,
writing); peak memory is the process's max RSS.

bare recipe   pandas ``read_csv`` -> ``points_from_xy`` -> ``to_crs`` (the regional metric CRS) ->
              ``sjoin_nearest`` against the border's segments -> ``to_parquet``: the distance to the
              border only, on one thread, planar (geomap adds side, province, district, crossing and
              position along the border, and measures geodesically).
geomap        the ``geomap join`` command.

Usage: python benchmarks/run.py e2e [--sizes 100000,1000000,10000000] [--repeat 1] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GEOMAP = Path(sys.executable).with_name("geomap")

BARE = r"""
import sys, time
import geopandas as gpd, numpy as np, pandas as pd, shapely
from geomap import datasets, settings
source, target = sys.argv[1], sys.argv[2]
stages = {}
t = time.perf_counter()
frame = pd.read_csv(source)
stages["read"] = time.perf_counter() - t; t = time.perf_counter()
points = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["longitude"], frame["latitude"]),
                          crs="EPSG:4326").to_crs(settings.METRIC_CRS)
line = np.asarray(datasets.border().to_crs(settings.METRIC_CRS).geometry.iloc[0].coords)
segments = gpd.GeoDataFrame(geometry=shapely.linestrings(np.stack([line[:-1], line[1:]], axis=1)),
                            crs=settings.METRIC_CRS)
stages["points"] = time.perf_counter() - t; t = time.perf_counter()
joined = gpd.sjoin_nearest(points, segments, distance_col="border_distance_m")
joined = joined[~joined.index.duplicated()]  # ties give two rows
stages["sjoin_nearest"] = time.perf_counter() - t; t = time.perf_counter()
joined.drop(columns="index_right").to_crs("EPSG:4326").to_parquet(target)
stages["write"] = time.perf_counter() - t
print("STAGES " + " ".join(f"{k}={v:.2f}" for k, v in stages.items()))
"""


def make_input(rows: int, folder: Path) -> Path:
    """A CSV of located incidents as an export carries them (id, date, type, place, fatalities, coordinates)."""
    sys.path.insert(0, str(HERE))
    import numpy as np
    import synth

    path = folder / f"incidents-{rows}.csv"
    if path.exists():
        return path
    block = 1_000_000
    types = np.array(["Battles", "Explosions/Remote violence", "Violence against civilians", "Protests"])
    with path.open("w", encoding="utf-8") as handle:
        for start in range(0, rows, block):
            count = min(block, rows - start)
            frame = synth.incidents_with_coordinates(count, seed=start + 1)
            rng = np.random.default_rng(start)
            frame["event_id"] = np.arange(start, start + count)
            frame["event_date"] = (np.datetime64("2020-01-01") + rng.integers(0, 2000, count)).astype(str)
            frame["event_type"] = types[rng.integers(0, len(types), count)]
            frame["place"] = "site " + (frame["event_id"] % 5000).astype(str)
            frame["fatalities"] = rng.poisson(1.5, count)
            frame = frame[["event_id", "event_date", "event_type", "place", "fatalities", "latitude", "longitude"]]
            frame.to_csv(handle, index=False, header=start == 0)
    return path


def run(command: list[str], env: dict | None = None) -> dict:
    """Wall seconds and peak RSS (MB) of one child process; its stdout and stderr."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    out, err = child.communicate()
    seconds = time.perf_counter() - start
    # The child has been reaped by communicate(); its rusage is folded into RUSAGE_CHILDREN, whose
    # maxrss is the largest of any child so far, so each run is measured in a fresh helper process.
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{err[-3000:]}")
    return {"seconds": seconds, "stdout": out, "stderr": err}


def measured(command: list[str], env: dict | None = None) -> dict:
    """``run`` inside a fresh Python process, so RUSAGE_CHILDREN's max RSS is this command's alone."""
    probe = (
        "import json, resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "seconds = time.perf_counter() - start\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(json.dumps({'seconds': seconds, 'peak_mb': peak, 'code': done.returncode,\n"
        "                  'stdout': done.stdout[-4000:], 'stderr': done.stderr[-4000:]}))\n"
    )
    result = run([sys.executable, "-c", probe, *command], env=env)
    report = json.loads(result["stdout"].strip().splitlines()[-1])
    if report["code"] != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{report['stderr']}")
    return report


def stages(text: str) -> str:
    for line in text.splitlines():
        if line.startswith("STAGES "):
            return line[len("STAGES "):]
    return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000,10000000")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of each up to 1,000,000 rows (larger ones run once); the fastest is reported")
    parser.add_argument("--keep", type=Path, help="folder for the inputs (kept between runs)")
    parser.add_argument("--skip-bare-above", type=int, default=10_000_000,
                        help="do not run the bare recipe above this many rows")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="geomap-e2e-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "GEOMAP_CACHE_DIR": str(folder / "cache")}
    try:
        # Warm-up: the first geomap run on a machine fills the cache folder; users pay it once.
        small = make_input(1_000, folder)
        measured([str(GEOMAP), "join", str(small), "-o", str(folder / "warm.parquet")], env)
        print(f"{'rows':>11} {'geomap s':>9} {'geomap MB':>10} {'bare s':>8} {'bare MB':>8} {'ratio':>6}  stages")
        for size in (int(s) for s in args.sizes.split(",")):
            source = make_input(size, folder)
            command = [str(GEOMAP), "join", str(source), "-o", str(folder / "out.parquet"), "--quiet",
                       "--json-file", str(folder / "summary.json")]
            runs, bares = [], []
            # Alternated, so that a busy moment of the machine falls on both alike.
            for _ in range(args.repeat if size <= 1_000_000 else 1):
                runs.append(_with_stages(measured(command, env), folder))
                if size <= args.skip_bare_above:
                    bares.append(measured([sys.executable, "-c", BARE, str(source), str(folder / "bare.parquet")],
                                          env))
            geomap = min(runs, key=lambda r: r["seconds"])
            bare = min(bares, key=lambda r: r["seconds"]) if bares else None
            bare = bare or {"seconds": float("nan"), "peak_mb": float("nan"), "stdout": ""}
            print(f"{size:>11,} {geomap['seconds']:>9.2f} {geomap['peak_mb']:>10.0f} {bare['seconds']:>8.2f} "
                  f"{bare['peak_mb']:>8.0f} {geomap['seconds'] / bare['seconds']:>6.2f}  "
                  f"geomap: {geomap['stages']}; bare: {stages(bare['stdout']) or '-'}", flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


def _with_stages(result: dict, folder: Path) -> dict:
    """The run's result with the seconds of each stage from its JSON summary (``geomap --json-file``)."""
    timings = json.loads((folder / "summary.json").read_text(encoding="utf-8")).get("seconds", {})
    return {**result, "stages": " ".join(f"{k.replace(' ', '_')}={v:.2f}" for k, v in timings.items())}


if __name__ == "__main__":
    main()
