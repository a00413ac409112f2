"""geomap at 10k / 100k / 1M rows beside the ways a user would otherwise write it.

Each measurement runs in a fresh Python process, so its peak memory (max RSS) is its own.
Time excludes making the input and loading geomap's indexes (reported once, as warm-up).

enrich   incidents with coordinates -> side, border distance, crossing, position, province
  geomap          geomap.join
  sjoin_nearest   geopandas.sjoin_nearest (up to 20,000 rows, extrapolated) with the whole line in the
                  regional metric CRS (planar distance only: no side, province or crossing)
  row loop        a Python loop per row: shapely distance to the line (metric CRS) and a
                  province-by-province ``contains``; capped at 2,000 rows and extrapolated
repeats  the same, with one distinct point per 50 rows (real exports repeat a town or a district seat)
geocode  noisy place names -> gazetteer place (accuracy against the id each name came from)
  geomap          geomap.geocode
  extractOne      rapidfuzz process.extractOne(name, every gazetteer key) per row, capped at
                  500 rows and extrapolated

Usage: python benchmarks/scale.py [--sizes 10000,100000,1000000] [--quick]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOOP_CAP = 2_000
FUZZY_CAP = 200  # extractOne takes ~0.2 s a row against 240,000 keys
SJOIN_CAP = 20_000
UNIQUE_SHARE = 0.19  # 1M names, ~190k distinct
REPEAT = 50  # the "repeats" task: one distinct point per 50 rows, as in an export that repeats places


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def measure(task: str, method: str, size: int) -> dict:
    """One measurement in this process: {'seconds', 'peak_mb', 'rows_timed', 'accuracy'?}."""
    sys.path.insert(0, str(HERE))
    import synth

    if task == "enrich":
        return _enrich(method, synth.incidents_with_coordinates(size))
    if task == "repeats":
        return _enrich(method, synth.incidents_at_places(size, max(1, size // REPEAT)))
    names = synth.noisy_names(size, max(1, int(size * UNIQUE_SHARE)))
    return _geocode(method, names)


def _enrich(method: str, frame) -> dict:
    import geopandas as gpd

    from geomap import datasets, settings
    from geomap.join import join  # the stage itself, as the CLI runs it (no GeoDataFrame wrapping)

    warm = time.perf_counter()
    datasets.border_index(), datasets.provinces(), datasets.countries(), datasets.world()
    if method == "geomap":
        import synth

        # Loads the remaining lazily built pieces, the compiled border search too (enough distinct points).
        join(synth.incidents_with_coordinates(5_000, seed=99))
        warm = time.perf_counter() - warm
        start = time.perf_counter()
        join(frame)
        return {"seconds": time.perf_counter() - start, "warmup": warm, "rows_timed": len(frame)}
    border = datasets.border().to_crs(settings.METRIC_CRS)
    if method == "sjoin_nearest":
        timed = frame.head(SJOIN_CAP)
        start = time.perf_counter()
        points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(timed["longitude"], timed["latitude"]),
                                  crs=settings.CRS).to_crs(settings.METRIC_CRS)
        gpd.sjoin_nearest(points, border[["geometry"]], distance_col="border_distance_m")
        return {"seconds": time.perf_counter() - start, "rows_timed": len(timed)}
    # The per-row loop: what a first script looks like.
    from shapely.geometry import Point

    from geomap.geodesy import to_region

    line = border.geometry.iloc[0]
    provinces = datasets.provinces()
    timed = frame.head(LOOP_CAP)
    start = time.perf_counter()
    out = []
    for lon, lat in zip(timed["longitude"], timed["latitude"], strict=True):
        x, y = to_region([lon], [lat])
        distance = line.distance(Point(x[0], y[0]))
        here = Point(lon, lat)
        province = next((p for p, g in zip(provinces["province"], provinces.geometry, strict=True)
                         if g.contains(here)), "")
        out.append((distance, province))
    return {"seconds": time.perf_counter() - start, "rows_timed": len(timed)}


def _geocode(method: str, names) -> dict:
    import numpy as np

    from geomap.geocode import _index, geocode  # the stage itself, as the CLI runs it
    from geomap.geodesy import distance_km

    warm = time.perf_counter()
    index = _index()
    warm = time.perf_counter() - warm
    if method == "geomap":
        start = time.perf_counter()
        out = geocode(names[["place"]])
        seconds = time.perf_counter() - start
        got_id, lon, lat = out["gazetteer_id"], out["longitude"], out["latitude"]
        timed = names
    else:
        from rapidfuzz import fuzz, process

        from geomap.normalize import normalize

        timed = names.head(FUZZY_CAP)
        places = index.places
        start = time.perf_counter()
        rows = []
        for name in timed["place"]:
            hit = process.extractOne(normalize(name), index.names.keys, scorer=fuzz.WRatio)
            rows.append(int(index.names.places_of(hit[0])[0][0]) if hit else -1)
        seconds = time.perf_counter() - start
        rows = np.array(rows)
        got_id = places["gazetteer_id"].to_numpy()[rows]
        lon, lat = places["longitude"].to_numpy()[rows], places["latitude"].to_numpy()[rows]
    # Right: the id the name was made from, or a place within 5 km of it (several entries
    # share a location: a city and its district seat, a curated and a GeoNames row).
    near = distance_km(np.nan_to_num(lon), np.nan_to_num(lat), timed["true_longitude"], timed["true_latitude"]) < 5
    right = (np.asarray(got_id) == timed["true_id"].to_numpy()) | near
    return {"seconds": seconds, "warmup": warm, "rows_timed": len(timed), "accuracy": float(right.mean()),
            "distinct": int(timed["place"].nunique())}


def _child(task: str, method: str, size: int) -> dict:
    done = subprocess.run([sys.executable, __file__, "--one", task, method, str(size)], capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{task}/{method}/{size} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--quick", action="store_true", help="10k and 100k only")
    parser.add_argument("--one", nargs=3, metavar=("TASK", "METHOD", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        task, method, size = args.one
        result = measure(task, method, int(size))
        print(json.dumps({**result, "peak_mb": _peak_mb()}))
        return
    sizes = [10_000, 100_000] if args.quick else [int(s) for s in args.sizes.split(",")]
    plans = {"enrich": ["geomap", "sjoin_nearest", "row loop"], "repeats": ["geomap", "sjoin_nearest"],
             "geocode": ["geomap", "extractOne"]}
    print(f"{'task':<8} {'rows':>9} {'method':<14} {'seconds':>9} {'peak MB':>8} {'x geomap':>9} {'accuracy':>8}  note")
    for task, methods in plans.items():
        for size in sizes:
            base = None
            for method in methods:
                result = _child(task, method, size)
                seconds = result["seconds"] * size / result["rows_timed"]
                base = base or seconds
                note = "" if result["rows_timed"] == size else f"timed {result['rows_timed']:,} rows, extrapolated"
                if "warmup" in result and method == "geomap":
                    note = f"warm-up {result['warmup']:.1f} s not included"
                    if "distinct" in result:
                        note += f"; {result['distinct']:,} distinct names"
                accuracy = f"{result['accuracy']:.1%}" if "accuracy" in result else ""
                print(f"{task:<8} {size:>9,} {method:<14} {seconds:>9.2f} {result['peak_mb']:>8.0f} "
                      f"{seconds / base:>8.1f}x {accuracy:>8}  {note}", flush=True)


if __name__ == "__main__":
    main()
