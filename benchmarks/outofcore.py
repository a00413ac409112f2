"""The dask engine on a GDELT-like file: time, and peak memory against the file's size.

Writes ``--rows`` GDELT 2.0 event rows (61 tab-separated columns, no header; coordinates
drawn like ``synth.incidents_with_coordinates``, one row in ten without coordinates so it is
geocoded from ActionGeo_FullName) to a scratch folder, then runs
``geomap join FILE -o OUT.parquet --engine dask`` in a child process and reports its wall
time and peak memory (max RSS of the child, its threads and in-process workers included).

Usage: python benchmarks/run.py outofcore [--rows 2000000] [--keep]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
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
        start = time.perf_counter()
        subprocess.run([str(geomap), "join", str(source), "-o", str(scratch / "out.parquet"), "--engine", "dask"],
                       check=True)
        seconds = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
        parts = len(list((scratch / "out.parquet").glob("*.parquet")))
        print(f"dask engine: {args.rows:,} GDELT rows ({source.stat().st_size / 1e6:,.0f} MB) in {seconds:,.1f} s, "
              f"{parts} partition files, peak memory {peak_mb:,.0f} MB")
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
