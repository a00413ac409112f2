"""Both engines on a GDELT-like file larger than a block: time, peak memory, and the same bytes out.

Writes ``--rows`` GDELT 2.0 event rows (61 tab-separated columns, no header; coordinates
drawn like ``synth.incidents_with_coordinates``, one row in ten without coordinates so it is
geocoded from ActionGeo_FullName) to a scratch folder, then runs
``geomap join FILE -o OUT.parquet`` with ``--engine local`` and ``--engine dask`` in child
processes and reports each one's wall time and peak memory (max RSS of the child, threads and
in-process workers included), beside the naive way: ``pandas.read_csv`` of the whole file, which
only reads it. The two outputs must be byte for byte the same.

Usage: python benchmarks/run.py outofcore [--rows 2000000] [--keep]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
PLACES = ["Khost, Khowst, Afghanistan", "Torkham, Nangarhar, Afghanistan", "Chaman, Balochistan, Pakistan",
          "Miram Shah, North-West Frontier, Pakistan", "Spin Boldak, Kandahar, Afghanistan"]


def write_gdelt(path: Path, rows: int, chunk: int = 500_000) -> None:
    sys.path.insert(0, str(HERE))
    import synth

    from geomap.sources import GDELT_COLUMNS

    with path.open("w", encoding="utf-8") as handle:
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            points = synth.incidents_with_coordinates(n, seed=start + 1)
            frame = pd.DataFrame("", index=range(n), columns=list(GDELT_COLUMNS))
            frame["GLOBALEVENTID"] = (1_300_000_000 + start + np.arange(n)).astype(str)
            frame["SQLDATE"] = "20251012"
            frame["EventCode"], frame["EventBaseCode"], frame["EventRootCode"] = "190", "190", "19"
            frame["ActionGeo_Type"] = "4"
            frame["ActionGeo_FullName"] = np.array(PLACES)[np.arange(n) % len(PLACES)]
            frame["ActionGeo_CountryCode"] = "AF"
            frame["ActionGeo_Lat"] = points["latitude"].astype(str)
            frame["ActionGeo_Long"] = points["longitude"].astype(str)
            frame.loc[::10, ["ActionGeo_Lat", "ActionGeo_Long"]] = ""
            frame["SOURCEURL"] = "https://example.invalid/synthetic/" + frame["GLOBALEVENTID"]
            frame.to_csv(handle, sep="\t", header=False, index=False)


def _child(command: list[str]) -> tuple[float, float]:
    """Wall time and peak memory (MB) of a child process, alone: each child is measured in a fresh waiter."""
    waiter = ("import resource, subprocess, sys, time\n"
              "start = time.perf_counter()\nsubprocess.run(sys.argv[1:], check=True)\n"
              "print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0)")
    out = subprocess.run([sys.executable, "-c", waiter, *command], check=True, capture_output=True, text=True).stdout
    seconds, peak = out.split()
    return float(seconds), float(peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="geomap-outofcore-"))
    try:
        source = scratch / "events.export.CSV"
        write_gdelt(source, args.rows)
        geomap = Path(sys.executable).with_name("geomap")
        size_mb = source.stat().st_size / 1e6
        outputs, walls = {}, {}
        for engine in ("local", "dask"):
            outputs[engine] = scratch / f"{engine}.parquet"
            summary = scratch / f"{engine}.json"
            seconds, peak_mb = _child([str(geomap), "join", str(source), "-o", str(outputs[engine]), "--engine",
                                       engine, "-q", "--json-file", str(summary)])
            report = json.loads(summary.read_text(encoding="utf-8"))
            walls[engine] = seconds, report["blocks"]
            stages = ", ".join(f"{k} {v:,.1f}" for k, v in report["seconds"].items())
            print(f"{engine} engine: {args.rows:,} GDELT rows ({size_mb:,.0f} MB) in {seconds:,.1f} s, peak memory "
                  f"{peak_mb:,.0f} MB, output {outputs[engine].stat().st_size / 1e6:,.0f} MB, "
                  f"{report['blocks']} blocks; seconds per stage (summed over blocks): {stages}")
        # The same blocks and the same work per block on both engines: what Dask adds per block
        # (scheduling, moving results between threads) is the difference in wall time.
        (local, blocks), (dask, _) = walls["local"], walls["dask"]
        print(f"Dask engine overhead: {dask - local:+,.1f} s over the local engine, {(dask - local) / local:+.1%} "
              f"of its time, {1000 * (dask - local) / max(blocks, 1):+,.0f} ms per block")
        naive = ("import sys, pandas\nfrom geomap.sources import GDELT_COLUMNS\n"
                 "pandas.read_csv(sys.argv[1], sep='\\t', header=None, names=list(GDELT_COLUMNS), dtype=str)")
        seconds, peak_mb = _child([sys.executable, "-c", naive, str(source)])
        print(f"naive way (pandas.read_csv of the whole file, reading only): {seconds:,.1f} s, peak memory "
              f"{peak_mb:,.0f} MB")
        same = outputs["local"].read_bytes() == outputs["dask"].read_bytes()
        print(f"the two engines' outputs are {'byte for byte the same' if same else 'DIFFERENT'}")
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
