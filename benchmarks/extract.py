"""How fast `geomap extract` reads long reports, beside the implementation it replaced, in the same run.

``python benchmarks/run.py extract [--sizes 100,400,1000] [--baseline-cap 400]``

Reports of 100 KB to 1 MB are assembled from the development set's reports (English, Urdu,
Dari, Pashto) and from incident sentences made of border places, weekdays and counts, so a
long report holds thousands of distinct places and incidents, not one story repeated. Each
size is extracted in this process after a warm-up (the name index loaded, the automaton
built); the start-up of a fresh process (``geomap extract`` on a one-line report) is timed
apart.

The naive way is the extractor this branch replaced (git commit ``BASELINE``), run on the
same texts in a subprocess from a ``git archive`` of that commit, up to ``--baseline-cap`` KB
(it grows faster than the text: larger sizes are extrapolated with the growth measured
between its two largest runs, and the table says so).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT / "tests" / "data" / "extract_dev.json"
BASELINE = "3a6cb45"
REPORT_DATE = "2025-10-29"
_PLACES = ["Kurram", "Bajaur", "Khost", "Paktika", "North Waziristan", "South Waziristan", "Mir Ali", "Wana",
           "Spin Boldak", "Chaman", "Torkham", "Angoor Adda", "Orakzai", "Tirah", "Bannu", "Quetta", "Peshawar",
           "Kunar", "Nangarhar", "Paktia", "Kandahar", "Zhob", "Chitral", "Parachinar", "Miran Shah", "Landi Kotal"]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_TEMPLATES = [
    "Militants attacked a checkpost in {place} on {day}, killing {n} soldiers, officials said.",
    "A roadside bomb hit a police van near {place} on {day}; {n} policemen were wounded.",
    "Pakistani air strikes on {place} killed {n} people on {day}, the Taliban administration said.",
    "Traders in {place} said the crossing stayed shut on {day} as talks in Doha went on.",
]


def _report(size_kb: int, paragraphs: bool = True) -> str:
    """A report of about ``size_kb`` KB (UTF-8): the dev set's reports between generated incident paragraphs
    (or, with ``paragraphs=False``, all of it in one paragraph, the worst shape for a splitter)."""
    reports = [r["text"] for r in json.loads(DEVSET.read_text(encoding="utf-8"))["reports"]]
    pieces, size, i = [], 0, 0
    while size < size_kb * 1000:
        sentence = _TEMPLATES[i % len(_TEMPLATES)].format(place=_PLACES[i % len(_PLACES)],
                                                          day=_WEEKDAYS[(i // 3) % 7], n=2 + i % 17)
        piece = sentence if i % 3 else reports[(i // 3) % len(reports)]
        pieces.append(piece)
        size += len(piece.encode("utf-8")) + 2
        i += 1
    return "\n\n".join(pieces) if paragraphs else " ".join(p.replace("\n", " ") for p in pieces)


def _geomap_seconds(text: str) -> tuple[float, int, int]:
    import geomap

    started = time.perf_counter()
    result = geomap.extract(text, report_date=REPORT_DATE)
    return time.perf_counter() - started, len(result.mentions), len(result.incidents)


_BASELINE_RUNNER = """
import sys, time
import geomap
geomap.extract("Clashes hit Kurram.", report_date="2025-10-29")
text = open(sys.argv[1], encoding="utf-8").read()
started = time.perf_counter()
geomap.extract(text, report_date="2025-10-29")
print(time.perf_counter() - started)
"""


def _baseline(texts: dict[int, Path], cap_kb: int, timeout: float) -> dict[int, float] | str:
    """Seconds the replaced extractor takes on each text up to the cap, or why it could not run."""
    if shutil.which("git") is None:
        return "git is not installed"
    with tempfile.TemporaryDirectory(prefix="geomap-baseline-") as folder:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", BASELINE, "geomap"], capture_output=True)
        if archive.returncode != 0:
            return f"commit {BASELINE} is not in this clone"
        subprocess.run(["tar", "-x", "-C", folder], input=archive.stdout, check=True)
        os.symlink(ROOT / "data", Path(folder) / "geomap" / "data")  # the same bundled data, read the old way
        env = {**os.environ, "PYTHONPATH": folder}
        seconds = {}
        for size, path in texts.items():
            if size > cap_kb:
                continue
            try:
                done = subprocess.run([sys.executable, "-c", _BASELINE_RUNNER, str(path)], env=env, cwd=folder,
                                      capture_output=True, text=True, timeout=timeout)
            except subprocess.TimeoutExpired:
                seconds[size] = float("inf")
                break
            if done.returncode != 0:
                return f"the baseline failed: {done.stderr.strip().splitlines()[-1]}"
            seconds[size] = float(done.stdout.strip().splitlines()[-1])
        return seconds


def _startup_seconds(folder: Path) -> float:
    report = folder / "one.txt"
    report.write_text("Militants attacked a checkpost in Kurram on Sunday.", encoding="utf-8")
    geomap_command = [sys.executable, "-m", "geomap", "extract", str(report), "--date", REPORT_DATE]
    subprocess.run(geomap_command, capture_output=True, check=True)  # fills the cache folder if it was empty
    started = time.perf_counter()
    subprocess.run(geomap_command, capture_output=True, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,400,1000", help="report sizes in KB")
    parser.add_argument("--baseline-cap", type=int, default=400, help="largest size (KB) the old extractor runs on")
    parser.add_argument("--baseline-timeout", type=float, default=600.0)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    import geomap

    geomap.extract("Clashes hit Kurram.", report_date=REPORT_DATE)  # warm-up: index loaded, automaton built
    with tempfile.TemporaryDirectory(prefix="geomap-extract-bench-") as folder:
        texts = {}
        for size in sizes:
            texts[size] = Path(folder) / f"report-{size}.txt"
            texts[size].write_text(_report(size), encoding="utf-8")
        rows = []
        for size in sizes:
            text = texts[size].read_text(encoding="utf-8")
            seconds, mentions, incidents = _geomap_seconds(text)
            rows.append((size, len(text.encode("utf-8")), seconds, mentions, incidents))
        flat = _report(max(sizes), paragraphs=False)
        flat_seconds, flat_mentions, flat_incidents = _geomap_seconds(flat)
        baseline = _baseline(texts, args.baseline_cap, args.baseline_timeout)
        startup = _startup_seconds(Path(folder))

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"geomap extract, warm, in-process (peak {peak_mb:.0f} MB); start-up of `geomap extract` on a one-line "
          f"report: {startup:.2f} s")
    print(f"{'size':>8} {'bytes':>9} {'mentions':>9} {'incidents':>9} {'geomap s':>9} {'s per MB':>9} "
          f"{'old s':>10} {'ratio':>8}")
    measured = {s: t for s, t in (baseline if isinstance(baseline, dict) else {}).items() if t != float("inf")}
    growth = _growth(measured)
    largest = max(measured, default=None)
    for size, n_bytes, seconds, mentions, incidents in rows:
        old, note = measured.get(size), ""
        if old is None and largest is not None:
            old, note = measured[largest] * (size / largest) ** growth, "*"
        old_text = f"{old:.1f}{note}" if old is not None else "-"
        ratio = f"{old / seconds:.0f}x" if old not in (None, float("inf")) else "-"
        print(f"{size:>6}KB {n_bytes:>9,} {mentions:>9,} {incidents:>9,} {seconds:>9.2f} "
              f"{seconds / (n_bytes / 1e6):>9.2f} {old_text:>10} {ratio:>8}")
    print(f"{max(sizes):>6}KB {len(flat.encode('utf-8')):>9,} {flat_mentions:>9,} {flat_incidents:>9,} "
          f"{flat_seconds:>9.2f} {flat_seconds / (len(flat.encode('utf-8')) / 1e6):>9.2f}  (one paragraph, no line "
          "break)")
    if not isinstance(baseline, dict):
        print(f"old extractor not run: {baseline}")
    elif any(size not in baseline for size in sizes):
        print(f"* extrapolated from the old extractor's {largest} KB run as time ~ size^{growth:.2f}, the growth "
              "measured between its two largest runs (2 if only one ran)")


def _growth(measured: dict[int, float]) -> float:
    """The exponent of time against size between the two largest sizes measured."""
    import math

    if len(measured) < 2:
        return 2.0
    (s1, t1), (s2, t2) = sorted(measured.items())[-2:]
    return math.log(t2 / t1) / math.log(s2 / s1)


if __name__ == "__main__":
    main()
