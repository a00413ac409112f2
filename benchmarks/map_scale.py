"""How the map scales: geomap's page against plain folium for 1k to 1M synthetic incidents.

For each size it reports the Python build time (render + write), the HTML size, and the time
from navigation start until the page is usable in headless Chromium with the network blocked,
by the page's own clock: for geomap when the map reports ready (``geomapState.readyMs``), for
plain folium (one ``folium.Marker`` per incident in a ``MarkerCluster``, its scripts served
from local copies) when its last script has run, which is when its clusters are drawn. A
small page is loaded first so the browser's cold start is counted against neither.

Interactivity is measured in geomap's page, by its own clock: a slider step (a 30-day window
moved by a week: filter, histogram, clusters, counts, border pieces) and a pan at zoom 9 near
Torkham (200 pixels: clusters, single incidents and their uncertainty redrawn, the canvas
layers repainted), each from the call until the next frame has been drawn (a requestAnimationFrame
followed by a task), median of 15. The same steps on plain folium's MarkerCluster page are timed
the same way: a pan there; it has no time filter.

Synthetic incidents: a pool of locations in the region (most within ~100 km of the border)
is joined with the border once; incidents are drawn from the pool with ~1 km of jitter,
random dates over two years (85% to the day, 10% to the week, 5% to the month), ACLED event
types, fatalities and precisions. The join itself is not what this measures.

Run:  python benchmarks/map_scale.py [--sizes 1000,10000,100000,1000000] [--folium-max 100000]
          [--points 1000000]   (also a 1M map drawn incident by incident, not in grid cells)
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path
from tempfile import TemporaryDirectory

import folium
import numpy as np
import pandas as pd
from branca.element import Element
from folium.plugins import MarkerCluster

from geomap import datasets
from geomap.join import join
from geomap.render import EVENT_COLOURS, render, write_html

STATIC = Path(__file__).resolve().parents[1] / "data" / "static"
# folium builds each popup with jQuery's $(html)[0]; this stands in for jQuery (lighter than it, so folium's
# figures are if anything flattering).
JQUERY_STANDIN = ("<script>window.$ = function (html) { var t = document.createElement('template'); "
                  "t.innerHTML = html.trim(); return [t.content.firstChild]; };</script>")
LOAD_TIMEOUT_S = 120
EVENT_TYPES = list(EVENT_COLOURS)
EVENT_WEIGHTS = np.array([0.35, 0.3, 0.1, 0.15, 0.06, 0.04])


def pool(size: int = 20_000, seed: int = 7) -> pd.DataFrame:
    """Joined locations: 75% scattered around the border line, the rest across the region."""
    rng = np.random.default_rng(seed)
    line = np.asarray(datasets.border().geometry.iloc[0].coords)
    near = int(size * 0.75)
    anchors = line[rng.integers(0, len(line), near)]
    lon = np.concatenate([anchors[:, 0] + rng.normal(0, 0.5, near), rng.uniform(61, 75, size - near)])
    lat = np.concatenate([anchors[:, 1] + rng.normal(0, 0.5, near), rng.uniform(25, 37, size - near)])
    precision = rng.choice([1, 1, 1, 2, 3], size)
    located = join(pd.DataFrame({"latitude": lat, "longitude": lon, "geo_precision": precision}))
    located["place"] = located["district"].where(located["district"] != "", "somewhere")
    return located


def synthetic(n: int, locations: pd.DataFrame, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = locations.iloc[rng.integers(0, len(locations), n)].reset_index(drop=True)
    frame["latitude"] = frame["latitude"] + rng.uniform(-0.01, 0.01, n)
    frame["longitude"] = frame["longitude"] + rng.uniform(-0.01, 0.01, n)
    start = np.datetime64("2024-01-01")
    frame["event_date"] = (start + rng.integers(0, 730, n).astype("timedelta64[D]")).astype(str)
    frame["date_precision"] = rng.choice(["day", "week", "month"], n, p=[0.85, 0.1, 0.05])
    frame["event_type"] = rng.choice(EVENT_TYPES, n, p=EVENT_WEIGHTS / EVENT_WEIGHTS.sum())
    frame["fatalities"] = rng.poisson(1.2, n)
    frame["description"] = "Synthetic " + frame["event_type"] + " reported near " + frame["place"]
    return frame


def build_geomap(frame: pd.DataFrame, path: Path, aggregate_above: int | None = None) -> float:
    started = time.perf_counter()
    write_html(render(frame, offline=True, aggregate_above=aggregate_above), path)
    return time.perf_counter() - started


def build_folium(frame: pd.DataFrame, path: Path) -> float:
    """The usual way: one folium.Marker per incident in a MarkerCluster."""
    started = time.perf_counter()
    fmap = folium.Map(location=[32.5, 69.0], zoom_start=6, tiles=None, maxZoom=18)
    fmap.default_js = [("leaflet", (STATIC / "leaflet.js").as_uri())]
    fmap.default_css = [("leaflet_css", (STATIC / "leaflet.css").as_uri())]
    fmap.get_root().header.add_child(Element(JQUERY_STANDIN), name="jquery_standin")
    fmap.get_root().script.add_child(Element("window.benchReadyMs = performance.now();"), name="bench_ready")
    cluster = MarkerCluster()
    cluster.default_js = [("markerclusterjs", (STATIC / "leaflet.markercluster.js").as_uri())]
    cluster.default_css = [("markerclustercss", (STATIC / "MarkerCluster.css").as_uri()),
                           ("markerclusterdefaultcss", (STATIC / "MarkerCluster.Default.css").as_uri())]
    cluster.add_to(fmap)
    for lat, lon, place, date in zip(frame["latitude"], frame["longitude"], frame["place"], frame["event_date"],
                                     strict=True):
        folium.Marker([lat, lon], popup=f"{place} {date}").add_to(cluster)
    fmap.save(str(path))
    return time.perf_counter() - started


GEOMAP_READY = ("window.geomapState && window.geomapState.ready", "geomapState.readyMs")
#: In-page timings (ms): a slider step and a pan, each until the next frame is drawn; medians of 15.
INTERACTION = """async () => {
    const s = geomapState, map = s.map;
    const frame = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
    const median = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
    const last = s.app.inc.lastDay;
    await frame();
    const steps = [];
    for (let k = 0; k < 15; k++) {
        const t0 = performance.now();
        s.setWindow(Math.min(last, 60 + k * 7), 30);
        await frame();
        steps.push(performance.now() - t0);
    }
    s.setWindow(0, 'all');
    map.setView([34.0, 71.0], 9, {animate: false});
    await frame(); await frame();
    const pans = [];
    for (let k = 0; k < 15; k++) {
        const t0 = performance.now();
        map.panBy([k % 2 ? -200 : 200, 0], {animate: false});
        await frame();
        pans.push(performance.now() - t0);
    }
    return {step: median(steps), pan: median(pans)};
}"""
FOLIUM_PAN = """async () => {
    const map = Object.values(window).find(v => v instanceof L.Map);
    const frame = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
    map.setView([34.0, 71.0], 9, {animate: false});
    await frame(); await frame();
    const pans = [];
    for (let k = 0; k < 15; k++) {
        const t0 = performance.now();
        map.panBy([k % 2 ? -200 : 200, 0], {animate: false});
        await frame();
        pans.push(performance.now() - t0);
    }
    return pans.sort((x, y) => x - y)[7];
}"""
FOLIUM_READY = ("window.benchReadyMs !== undefined && document.querySelector('.marker-cluster')", "benchReadyMs")


def load_seconds(browser, path: Path, ready: tuple[str, str], interaction: str | None = None):
    """Seconds from navigation start until the page is usable, as the page's own clock reports it,
    and what ``interaction`` (a script run once it is) returns."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.route("**/*", lambda route: route.abort() if route.request.url.startswith(("http:", "https:"))
               else route.continue_())
    try:
        page.goto(path.as_uri(), timeout=LOAD_TIMEOUT_S * 1000)
        page.wait_for_function(ready[0], timeout=LOAD_TIMEOUT_S * 1000)
        seconds = page.evaluate(ready[1]) / 1000
        return seconds, (page.evaluate(interaction) if interaction else None)
    except Exception:  # a page that does not finish in time is reported, not fatal
        return None, None
    finally:
        page.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--folium-max", type=int, default=100_000,
                        help="largest size plain folium is run at (it is skipped above)")
    parser.add_argument("--points", default="1000000",
                        help="sizes also drawn incident by incident, above the grid-cell threshold ('' for none)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    locations = pool()
    rows = []
    with TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"),
                                             args=["--no-sandbox", "--disable-gpu"])
        warm_up = Path(tmp) / "warm-up.html"  # the browser's cold start is not the page's cost
        build_geomap(synthetic(100, locations), warm_up)
        load_seconds(browser, warm_up, GEOMAP_READY)
        runs = [(int(n), None) for n in args.sizes.split(",")]
        runs += [(int(n), 2 * int(n)) for n in args.points.split(",") if n]
        for n, aggregate_above in runs:
            frame = synthetic(n, locations)
            ours = Path(tmp) / f"geomap-{n}.html"
            build = build_geomap(frame, ours, aggregate_above)
            load, timings = load_seconds(browser, ours, GEOMAP_READY, INTERACTION)
            label = f"{n:,}" + (" points" if aggregate_above else "")
            row = {"incidents": label, "geomap build s": build, "geomap MB": ours.stat().st_size / 1e6,
                   "geomap load s": load, "step ms": timings and timings["step"], "pan ms": timings and timings["pan"]}
            ours.unlink()
            if n <= args.folium_max and not aggregate_above:
                theirs = Path(tmp) / f"folium-{n}.html"
                row["folium build s"] = build_folium(frame, theirs)
                row["folium MB"] = theirs.stat().st_size / 1e6
                row["folium load s"], row["folium pan ms"] = load_seconds(browser, theirs, FOLIUM_READY, FOLIUM_PAN)
                theirs.unlink()
            rows.append(row)
            print(_table(rows[-1:], header=len(rows) == 1), flush=True)
        browser.close()
    print(f"\nplain folium skipped above {args.folium_max:,} incidents; a load that did not finish within "
          f"{LOAD_TIMEOUT_S} s shows as 'timeout'.")


def _table(rows: list[dict], header: bool) -> str:
    columns = ["incidents", "geomap build s", "geomap MB", "geomap load s", "step ms", "pan ms", "folium build s",
               "folium MB", "folium load s", "folium pan ms"]
    lines = []
    if header:
        lines += ["| " + " | ".join(columns) + " |", "|" + "---:|" * len(columns)]
    for row in rows:
        cells = [row["incidents"]]
        for column in columns[1:]:
            value = row.get(column, "skipped")
            digits = 0 if column.endswith("ms") else 2
            cells.append("timeout" if value is None else value if isinstance(value, str) else f"{value:.{digits}f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
