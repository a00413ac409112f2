"""The interactive map: incidents in time, density and uncertainty, with the border around them.

The page carries everything it needs: Leaflet and Leaflet.heat are inlined from bundled
copies (no CDN), the data travels as JSON inside the page (incidents as compact typed
columns, compressed, see :mod:`geomap.render.pack`), and all text from the data is placed
with ``textContent`` by the page's script (``static/js``, one module per concern), never as
HTML. With ``offline=True`` there is no tile layer at all: the bundled country and province
polygons are the basemap, and the page makes no request.

No text from the user (title, data, tile URL) ever passes through a template engine (see
:mod:`geomap.render.page`).
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import folium
import numpy as np
import pandas as pd
import xyzservices

from geomap import settings
from geomap.errors import InputError, OutputError
from geomap.io import atomic_write
from geomap.render import context, page
from geomap.render.incidents import aggregate, encode, located
from geomap.render.pack import pack_json

#: Marker colours for ACLED's event types; anything else is drawn in OTHER_COLOUR.
EVENT_COLOURS = {
    "Battles": "#d7301f",
    "Explosions/Remote violence": "#fc8d59",
    "Violence against civilians": "#7a0177",
    "Strategic developments": "#3182bd",
    "Protests": "#31a354",
    "Riots": "#969696",
}
OTHER_COLOUR = "#636363"
#: Colours for other taxonomies' categories (UCDP's "state-based", GDELT's codes), most frequent first;
#: none is an ACLED colour or a cluster colour. Categories beyond these are drawn in OTHER_COLOUR.
EXTRA_COLOURS = ("#e7298a", "#e6ab02", "#8c6d31", "#66a61e", "#7570b3", "#a6761d", "#f781bf")
_FRAME_KM = 400.0


def render(incidents: pd.DataFrame, title: str = "Afghanistan–Pakistan border incidents",
           tiles: str | None = None, *, offline: bool = False, bands: tuple[float, ...] | None = None,
           segment_km: float | None = None, aggregate_above: int | None = None,
           popup_budget: int | None = None) -> folium.Map:
    """Build the map for joined incidents (output of :func:`geomap.join`).

    Parameters
    ----------
    incidents
        Rows without coordinates are counted in the legend but not drawn.
    title
        Shown in the legend and as the page title (escaped).
    tiles
        A tile set folium knows (default :data:`geomap.settings.TILES`); ``"none"`` for no
        tiles, leaving the bundled country and province polygons as the basemap.
    offline
        No tile layer whatever ``tiles`` says: the page requests nothing from any network.
    bands
        Distances from the border (km) drawn as bands (default :data:`~geomap.settings.BANDS_KM`).
    segment_km
        Length of the border pieces incidents are counted by (default :data:`~geomap.settings.SEGMENT_KM`).
    aggregate_above
        Above this many located incidents, draw counts in grid cells
        (default :data:`~geomap.settings.AGGREGATE_ABOVE`).
    popup_budget
        Bytes of compressed popup text the page may carry (default
        :data:`~geomap.settings.MAP_POPUP_BUDGET_BYTES`); fields that do not fit are left out
        and named in the legend.

    Returns
    -------
    folium.Map
        Displays inline in Jupyter; ``save()`` or :func:`write_html` writes the page.
    """
    bands = _check_bands(settings.BANDS_KM if bands is None else bands)
    segment_km = _check_positive("segment_km", settings.SEGMENT_KM if segment_km is None else segment_km)
    aggregate_above = settings.AGGREGATE_ABOVE if aggregate_above is None else aggregate_above
    if aggregate_above < 0:
        raise InputError(f"aggregate_above must be 0 or more, got {aggregate_above!r}")
    popup_budget = settings.MAP_POPUP_BUDGET_BYTES if popup_budget is None else popup_budget
    if popup_budget < 0:
        raise InputError(f"popup_budget must be 0 or more bytes, got {popup_budget!r}")
    tiles = "none" if offline else (settings.TILES if tiles is None else tiles)

    fmap = page.Map(tiles=None, control_scale=False, prefer_canvas=True, zoom_start=6, location=[32.5, 69.0],
                    zoom_snap=0.25)
    tile_spec = _tile_spec(tiles)
    root = fmap.get_root()
    root.header.add_child(page.Raw(f"<title>{html.escape(title)}</title>"), name="geomap_title")
    root.header.add_child(page.Raw(page.assets()), name="geomap_assets")
    block = page.data_block(_payload(incidents, title, tile_spec, bands, segment_km, aggregate_above, popup_budget))
    root.html.add_child(block, name="geomap_data")
    page.name_after(fmap, block)
    fmap.add_child(page.start())
    return fmap


def _tile_spec(tiles: str) -> dict | None:
    """The tile layer the page creates (in its own script, so the URL never meets a template).

    A name xyzservices knows (``OpenStreetMap``, ``CartoDB positron``, ...) or a URL template
    with ``{z}``, ``{x}`` and ``{y}``; ``"none"`` for no tiles.
    """
    if tiles.strip().lower() == "none":
        return None
    if tiles.startswith(("http://", "https://")):
        if not all(key in tiles for key in ("{z}", "{x}", "{y}")):
            raise InputError(f"a tile URL must hold {{z}}, {{x}} and {{y}}, like "
                             f"'https://tile.example.org/{{z}}/{{x}}/{{y}}.png'; got {tiles!r}")
        host = tiles.split("/")[2]
        return {"url": tiles, "label": tiles, "attribution": html.escape(f"Tiles: {host}"), "maxZoom": 19}
    name = "OpenStreetMap.Mapnik" if tiles.strip().lower() == "openstreetmap" else tiles
    try:
        provider = xyzservices.providers.query_name(name)
    except ValueError:
        raise InputError(f"unknown tile set {tiles!r}: give a name such as 'OpenStreetMap' or "
                         "'CartoDB positron', a URL with {z}/{x}/{y}, or 'none'") from None
    if provider.requires_token():
        raise InputError(f"tile set {tiles!r} needs an API key; give its URL with the key instead")
    # The attribution is xyzservices' own HTML (a link to the licence), not user text.
    return {"url": provider.build_url(fill_subdomain=False, scale_factor=""), "label": tiles,
            "attribution": provider.html_attribution, "maxZoom": int(provider.get("max_zoom", 19)),
            "subdomains": provider.get("subdomains", "abc"), "cors": True}


def parse_bands(text: str) -> tuple[float, ...]:
    """``"10,25,50"`` -> ``(10.0, 25.0, 50.0)``; an empty string means no bands."""
    try:
        values = tuple(float(part) for part in text.replace(" ", "").split(",") if part)
    except ValueError:
        raise InputError(f"bands must be distances in km separated by commas, like '10,25,50'; got {text!r}") from None
    return _check_bands(values)


def _check_bands(values) -> tuple[float, ...]:
    values = tuple(float(v) for v in values)
    bad = [v for v in values if not math.isfinite(v) or not 0 < v <= 500]
    if bad:
        raise InputError(f"bands must be distances between 0 and 500 km, got {bad[0]!r}")
    return tuple(sorted(set(values)))


def _check_positive(name: str, value: float) -> float:
    if not (math.isfinite(value) and value > 0):
        raise InputError(f"{name} must be a positive number of km, got {value!r}")
    return float(value)


def _payload(incidents: pd.DataFrame, title: str, tiles: dict | None, bands: tuple[float, ...], segment_km: float,
             aggregate_above: int, popup_budget: int) -> dict:
    band_km = max(bands, default=segment_km)
    points = located(incidents, segment_km, band_km)
    cell_km, period = None, None
    drawn = points
    if len(points) > aggregate_above:
        drawn, cell_km, period = aggregate(points, settings.AGGREGATE_MAX_RECORDS, settings.AGGREGATE_CELL_KM)
    columns, omitted = encode(drawn, popup_budget)
    border = context.segments(segment_km)
    return {
        "title": title,
        "summary": _summary(len(incidents), len(points), cell_km, period),
        "tiles": tiles,
        "offline": tiles is None,
        "otherColor": OTHER_COLOUR,
        "categories": _categories(points),
        "sides": _sides(points),
        "incidents": {"n": len(drawn), "incidents": len(points), "cellKm": cell_km, "period": period,
                      "omitted": omitted, "popupBudget": popup_budget, **columns},
        "precisionRadiusKm": {str(k): v for k, v in settings.PRECISION_RADIUS_KM.items()},
        "precisionLabel": {str(k): v for k, v in settings.PRECISION_LABEL.items()},
        "border": border,
        "borderLabel": "Durand Line, OpenStreetMap (2017)",
        "segmentKm": segment_km,
        "segmentBandKm": band_km,
        "crossings": context.crossings(),
        "bounds": _bounds(points, border),
        # Blocks merged into this object when the page opens, compressed: the areas are most of its weight.
        "packed": {"context": pack_json({"bands": context.bands(bands), "provinces": context.provinces(),
                                         "countries": context.countries(), "districts": context.districts()}),
                   "names": pack_json({"placeNames": context.place_names(points.assign(
                       gazetteer_id=_gazetteer_ids(incidents, points)))})},
    }


def _gazetteer_ids(incidents: pd.DataFrame, points: pd.DataFrame) -> pd.Series:
    """The gazetteer row each drawn incident was matched to, for the other names of its place."""
    if "gazetteer_id" not in incidents or points.empty:
        return pd.Series(None, index=points.index, dtype=object)
    return pd.Series(incidents["gazetteer_id"].to_numpy()[points["row"].to_numpy(dtype=np.int64)], index=points.index)


def _summary(rows: int, located_rows: int, cell_km: float | None, period: str | None) -> str:
    summary = f"{located_rows:,} of {rows:,} incidents located"
    if rows - located_rows:
        summary += f"; {rows - located_rows:,} without a location are not drawn"
    if cell_km:
        summary += f". Counted in {cell_km:g} km grid cells by {period}"
    return summary


def _categories(points: pd.DataFrame) -> list[dict]:
    counts = points.groupby("event_type")["count"].sum().sort_values(ascending=False, kind="stable")
    extra = iter(EXTRA_COLOURS)
    return [{"name": name, "count": int(n),
             "color": EVENT_COLOURS.get(name) or (next(extra, OTHER_COLOUR) if name != "Other" else OTHER_COLOUR)}
            for name, n in counts.items()]


def _sides(points: pd.DataFrame) -> list[dict]:
    counts = points["side"].fillna("").value_counts()
    names = context.country_names()
    return [{"code": code or None, "name": names.get(code, "outside any country") if code else "no country",
             "count": int(n)} for code, n in counts.items()]


def _bounds(points: pd.DataFrame, border: list[dict]) -> list[list[float]]:
    """The first view: the incidents near the border, or the border itself when there are none.

    Talks in Doha or Istanbul are drawn but would otherwise shrink the border region to a
    corner of the screen; a lone incident is framed with the border piece around it.
    """
    near = pd.to_numeric(points.get("border_distance_km"), errors="coerce").fillna(0) <= _FRAME_KM
    lats = points.loc[near, "lat"].to_numpy(dtype=float)
    lons = points.loc[near, "lon"].to_numpy(dtype=float)
    if len(lats) < 2 or np.ptp(lats) + np.ptp(lons) < 1.0:
        line = np.array([p for piece in border for p in piece["line"]])
        if len(lats):  # frame the incident with ~2 degrees around it
            line = line[(np.abs(line[:, 0] - lats.mean()) < 2) & (np.abs(line[:, 1] - lons.mean()) < 2)]
        lats, lons = np.concatenate([lats, line[:, 0]]), np.concatenate([lons, line[:, 1]])
    return [[float(lats.min()), float(lons.min())], [float(lats.max()), float(lons.max())]]


def write_html(fmap: folium.Map, path: str | Path) -> Path:
    """Write the map atomically: a temporary file renamed into place, so a failed run leaves no half page."""
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise OutputError(f"map output must end in .html, got {str(path)!r}")
    with atomic_write(path) as tmp:
        fmap.save(str(tmp))
    return path


__all__ = ["EVENT_COLOURS", "EXTRA_COLOURS", "OTHER_COLOUR", "parse_bands", "render", "write_html"]
