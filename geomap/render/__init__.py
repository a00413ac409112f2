"""The interactive Folium map: border, crossings, provinces and incidents.

The page carries everything it needs: Leaflet and MarkerCluster are inlined from the
bundled copies (no CDN), the data travels as JSON inside the page, and all text from the
data is placed with ``textContent`` by ``static/geomap.js``, never as HTML. Only the tile
basemap needs a network; without one the bundled country and province polygons remain.
"""

from __future__ import annotations

import html
import json
import math
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import folium
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template

from geomap import datasets, settings
from geomap.errors import OutputError
from geomap.io import atomic_write

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
_VENDOR_CSS = ("leaflet.css", "MarkerCluster.css", "MarkerCluster.Default.css")
_VENDOR_JS = ("leaflet.js", "leaflet.markercluster.js")
_FRAME_KM = 400.0
_COUNTRY_FILL = {"AF": "#fdd49e", "PK": "#c7e9c0"}


def render(incidents: pd.DataFrame, title: str = "Afghanistan–Pakistan border incidents",
           tiles: str | None = None) -> folium.Map:
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

    Returns
    -------
    folium.Map
        Displays inline in Jupyter; ``save()`` or :func:`write_html` writes the page.
    """
    tiles = settings.TILES if tiles is None else tiles
    fmap = folium.Map(tiles=None, control_scale=False, prefer_canvas=True, zoom_start=6,
                      location=[32.5, 69.0])
    fmap.default_js, fmap.default_css = [], []  # served inline below, never from a CDN
    tile_layer = None
    if tiles.lower() != "none":
        tile_layer = folium.TileLayer(tiles, name=tiles)
        tile_layer.add_to(fmap)
    root = fmap.get_root()
    root.header.add_child(Element(f"<title>{html.escape(title)}</title>"), name="geomap_title")
    root.header.add_child(Element(_inline_assets()), name="geomap_assets")
    payload = _payload(incidents, title, tiles)
    root.html.add_child(Element(f'<script type="application/json" id="geomap-data">{_safe_json(payload)}</script>'),
                        name="geomap_data")
    fmap.add_child(_Layers(tile_layer))
    return fmap


class _Layers(MacroElement):
    """Calls geomapRender once folium has created the map and its tile layer."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        geomapRender({{ this._parent.get_name() }}, {{ this.tiles_name }},
                     JSON.parse(document.getElementById("geomap-data").textContent));
        {% endmacro %}
    """)

    def __init__(self, tile_layer: folium.TileLayer | None) -> None:
        super().__init__()
        self._name = "GeomapLayers"
        self.tiles_name = tile_layer.get_name() if tile_layer is not None else "null"


@lru_cache(maxsize=1)
def _inline_assets() -> str:
    vendor = files("geomap.data").joinpath("static")
    own = files("geomap").joinpath("static")
    css = "\n".join(vendor.joinpath(n).read_text(encoding="utf-8") for n in _VENDOR_CSS)
    css += "\n" + own.joinpath("geomap.css").read_text(encoding="utf-8")
    js = "\n".join(vendor.joinpath(n).read_text(encoding="utf-8") for n in _VENDOR_JS)
    js += "\n" + own.joinpath("geomap.js").read_text(encoding="utf-8")
    # A literal "</script" inside inlined code would end the element early.
    js = js.replace("</script", "<\\/script")
    return f"<style>\n{css}\n</style>\n<script>\n{js}\n</script>"


def _safe_json(payload: dict) -> str:
    text = json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _payload(incidents: pd.DataFrame, title: str, tiles: str) -> dict:
    located = _located(incidents)
    counts = located["event_type"].value_counts()
    categories = [{"name": name, "color": EVENT_COLOURS.get(name, OTHER_COLOUR), "count": int(n)}
                  for name, n in counts.items()]
    unlocated = len(incidents) - len(located)
    summary = f"{len(located)} of {len(incidents)} incidents located"
    if unlocated:
        summary += f"; {unlocated} without a location are not drawn"
    border_coords = _border_coords()
    # Frame the border and the incidents near it; talks in Doha or Istanbul are drawn but
    # would otherwise shrink the border region to a corner of the screen.
    near = pd.to_numeric(located["border_distance_km"], errors="coerce").fillna(0) <= _FRAME_KM
    lats = np.concatenate([located.loc[near, "lat"].to_numpy(dtype=float), [p[0] for p in border_coords]])
    lons = np.concatenate([located.loc[near, "lon"].to_numpy(dtype=float), [p[1] for p in border_coords]])
    return {
        "title": title,
        "summary": summary,
        "tilesLabel": tiles,
        "otherColor": OTHER_COLOUR,
        "categories": categories,
        "border": border_coords,
        "borderLabel": "Durand Line, OpenStreetMap (2017)",
        "crossings": _crossings(),
        "provinces": _provinces_geojson(),
        "countries": _countries_geojson(),
        "bounds": [[float(lats.min()), float(lons.min())], [float(lats.max()), float(lons.max())]],
        "incidents": {column: _jsonable(located[column]) for column in located.columns},
    }


_POPUP_FIELDS = {
    "place": ("place", "location"), "date": ("event_date", "date"), "event_type": ("event_type",),
    "description": ("description", "notes"), "fatalities": ("fatalities",), "source_url": ("source_url", "url"),
    "source_name": ("source_name", "source"), "gazetteer_name": ("gazetteer_name",),
    "feature_kind": ("feature_kind",), "geocode_status": ("geocode_status",), "side": ("side",),
    "province": ("province",), "district": ("district",), "border_distance_km": ("border_distance_km",),
    "border_position_km": ("border_position_km",), "nearest_crossing": ("nearest_crossing",),
    "crossing_distance_km": ("crossing_distance_km",),
}


def _located(incidents: pd.DataFrame) -> pd.DataFrame:
    lat = pd.to_numeric(incidents.get("latitude"), errors="coerce")
    lon = pd.to_numeric(incidents.get("longitude"), errors="coerce")
    ok = np.isfinite(lat) & np.isfinite(lon) if lat is not None and lon is not None else None
    if ok is None:
        return pd.DataFrame(columns=["lat", "lon", "precision_label", *_POPUP_FIELDS])
    rows = incidents[ok.to_numpy()]
    out = pd.DataFrame({"lat": lat[ok].round(5), "lon": lon[ok].round(5)})
    for field, candidates in _POPUP_FIELDS.items():
        column = next((c for c in candidates if c in rows.columns), None)
        out[field] = rows[column] if column else None
    precision = pd.to_numeric(rows.get("geo_precision"), errors="coerce") if "geo_precision" in rows else None
    out["precision_label"] = (precision.map(settings.PRECISION_LABEL) if precision is not None else None)
    out["event_type"] = out["event_type"].fillna("Other").astype(str)
    return out.reset_index(drop=True)


def _jsonable(series: pd.Series) -> list:
    values = series.astype(object).where(series.notna(), None).tolist()
    return [None if isinstance(v, float) and not math.isfinite(v) else _plain(v) for v in values]


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return value


@lru_cache(maxsize=1)
def _border_coords() -> list[list[float]]:
    line = shapely.simplify(datasets.border().geometry.iloc[0], 0.0003)  # ~30 m: invisible at map zooms
    return [[round(y, 5), round(x, 5)] for x, y in line.coords]


@lru_cache(maxsize=1)
def _crossings() -> list[dict]:
    table = datasets.crossings()
    return [{"name": r.name, "kind": r.kind, "lat": round(r.latitude, 5), "lon": round(r.longitude, 5),
             "source": r.source, "precision": r.coord_precision}
            for r in table.itertuples()]


@lru_cache(maxsize=1)
def _provinces_geojson() -> dict:
    provinces = datasets.provinces()
    geoms = shapely.set_precision(shapely.simplify(provinces.geometry.values, 0.01), 0.001)
    return _feature_collection(geoms, [{"name": n, "code": c} for n, c in
                                       zip(provinces["province"], provinces["province_code"], strict=True)])


@lru_cache(maxsize=1)
def _countries_geojson() -> dict:
    world = datasets.world()
    frames = [datasets.countries(), world[world["neighbour"]]]
    geoms = np.concatenate([shapely.set_precision(shapely.simplify(f.geometry.values, 0.01), 0.001) for f in frames])
    props = [{"name": n, "fill": _COUNTRY_FILL.get(c, "#e0e0e0")}
             for f in frames for n, c in zip(f["name"], f["iso2"], strict=True)]
    return _feature_collection(geoms, props)


def _feature_collection(geoms, props: list[dict]) -> dict:
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": p, "geometry": shapely.geometry.mapping(g)}
                         for g, p in zip(geoms, props, strict=True) if g is not None and not g.is_empty]}


def write_html(fmap: folium.Map, path: str | Path) -> Path:
    """Write the map atomically: a temporary file renamed into place, so a failed run leaves no half page."""
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise OutputError(f"map output must end in .html, got {str(path)!r}")
    with atomic_write(path) as tmp:
        fmap.save(str(tmp))
    return path
