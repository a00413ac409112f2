"""Start-up: ``geomap --help``, ``geomap --version`` and a 10-row ``geomap join``, beside an eager import.

Each command runs ``--repeats`` times in a fresh process after one warm-up run (the disk cache
and the OS page cache warm, as a user's second run is); the median and the spread are printed.
The naive way is what a command line that imports its library up front pays before doing
anything: ``python -c "import pandas, geopandas, folium"``. Also printed: which heavy modules
each command imported (``python -X importtime``).

Usage: python benchmarks/run.py startup [--repeats 10]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAVY = ("pandas", "geopandas", "folium", "numpy", "pyarrow", "shapely", "matplotlib", "dask", "numba", "scipy")


def _time(command: list[str], repeats: int) -> list[float]:
    subprocess.run(command, check=True, capture_output=True)  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def _heavy_imports(command: list[str]) -> list[str]:
    result = subprocess.run([sys.executable, "-X", "importtime", *command[1:]] if command[0] == sys.executable
                            else command, capture_output=True, text=True, check=True)
    names = {line.split("|")[-1].strip().split(".")[0] for line in result.stderr.splitlines() if "|" in line}
    return sorted(names & set(HEAVY))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    from geomap import sample_path

    with tempfile.TemporaryDirectory(prefix="geomap-startup-") as folder:
        ten = Path(folder) / "ten.csv"
        ten.write_text("".join(sample_path().read_text(encoding="utf-8").splitlines(keepends=True)[:11]),
                       encoding="utf-8")
        module = [sys.executable, "-m", "geomap"]
        commands = {
            "geomap --help": [*module, "--help"],
            "geomap --version": [*module, "--version"],
            "geomap join (10 rows)": [*module, "join", str(ten), "-o", str(Path(folder) / "o.csv"), "-q"],
            "naive: import pandas, geopandas, folium": [sys.executable, "-c", "import pandas, geopandas, folium"],
        }
        naive = None
        for name, command in reversed(commands.items()):
            times = _time(command, args.repeats)
            median = statistics.median(times)
            naive = naive or median
            print(f"{name:<42} median {median:5.2f} s  (min {min(times):.2f}, max {max(times):.2f}, "
                  f"{args.repeats} runs)  {median / naive:4.2f}x the eager import  heavy modules: "
                  f"{', '.join(_heavy_imports(command)) or 'none'}")


if __name__ == "__main__":
    main()
