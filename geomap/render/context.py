"""The map's context layers as plain data: border, distance bands, border pieces, crossings, areas."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely

from geomap import datasets
from geomap.geodesy import distance_km, from_region, to_region
from geomap.normalize import is_arabic, normalize

_COUNTRY_FILL = {"AF": "#fdd49e", "PK": "#c7e9c0"}
#: How far from the border the Afghan and Pakistani fills keep their detail (km).
_FILL_DETAIL_KM = 8.0


@lru_cache(maxsize=8)
def bands(bands_km: tuple[float, ...]) -> list[dict]:
    """Areas within each distance of the border, on Afghan and Pakistani soil, widest first.

    Buffers are drawn in the region's metric CRS (not in degrees) around the line simplified
    to 4% of the band's width (400 m for 10 km), which keeps them quick to build and small.
    """
    line = datasets.border().geometry.iloc[0]
    metric = shapely.transform(line, lambda xy: np.column_stack(to_region(xy[:, 0], xy[:, 1])))
    land = shapely.simplify(shapely.union_all(datasets.countries().geometry.values), 0.002)
    out = []
    for km in sorted(bands_km, reverse=True):
        area = shapely.buffer(shapely.simplify(metric, km * 40), km * 1000, quad_segs=4)
        area = shapely.transform(area, lambda xy: np.column_stack(from_region(xy[:, 0], xy[:, 1])))
        area = shapely.set_precision(shapely.intersection(area, land), 0.001)
        out.append({"km": km, "geometry": shapely.geometry.mapping(area)})
    return out


@lru_cache(maxsize=8)
def segments(segment_km: float) -> list[dict]:
    """The border cut into pieces of ``segment_km`` measured geodesically from the north end.

    The pieces, simplified to ~50 m, are also how the page draws the border line itself.
    """
    coords = np.asarray(datasets.border().geometry.iloc[0].coords)
    along = np.concatenate([[0.0], np.cumsum(distance_km(coords[:-1, 0], coords[:-1, 1],
                                                          coords[1:, 0], coords[1:, 1]))])
    pieces = []
    for index in range(int(np.ceil(along[-1] / segment_km))):
        # From the last vertex before the piece starts to the first one after it ends, so pieces join.
        first = max(int(np.searchsorted(along, index * segment_km, "right")) - 1, 0)
        last = min(int(np.searchsorted(along, (index + 1) * segment_km, "left")), len(coords) - 1)
        span = np.arange(first, last + 1)
        piece = shapely.simplify(shapely.LineString(coords[span]), 0.0005)
        pieces.append({"index": index, "from_km": index * segment_km,
                       "to_km": min((index + 1) * segment_km, round(float(along[-1]), 1)),
                       "line": [[round(y, 4), round(x, 4)] for x, y in piece.coords]})
    return pieces


@lru_cache(maxsize=1)
def crossings() -> list[dict]:
    """Crossings and passes, with their other names (for the page's search)."""
    table = datasets.crossings()
    return [{"name": r.name, "kind": r.kind, "lat": round(r.latitude, 5), "lon": round(r.longitude, 5),
             "source": r.source, "precision": r.coord_precision, "alt": alternate_names(r.name, r.alt_names)}
            for r in table.itertuples()]


@lru_cache(maxsize=1)
def districts() -> list[dict]:
    """District centres (a point per district polygon), with their other names."""
    table = datasets.districts()
    alts = _gazetteer_alt_names()
    return [{"name": r.district, "province": r.province, "lat": round(r.latitude, 4), "lon": round(r.longitude, 4),
             "alt": alternate_names(r.district, alts.get(r.gazetteer_id))}
            for r in table.itertuples()]


@lru_cache(maxsize=1)
def provinces() -> dict:
    table = datasets.provinces()
    places = datasets.gazetteer()
    places = places[places["kind"] == "province"].drop_duplicates("province_code").set_index("province_code")
    geoms = shapely.set_precision(shapely.simplify(table.geometry.values, 0.01), 0.001)
    return _feature_collection(geoms, [
        {"name": n, "code": c, "alt": alternate_names(n, places["alt_names"].get(c))}
        for n, c in zip(table["province"], table["province_code"], strict=True)])


@lru_cache(maxsize=1)
def countries() -> dict:
    """Country fills: Afghanistan and Pakistan exact to ~50 m along their border, everything else to ~1 km.

    Simplified to 1 km throughout, the two fills ran up to a kilometre off the border line
    drawn over them, which shows from zoom 12.
    """
    world = datasets.world()
    own = datasets.countries()
    frames = [own, world[world["neighbour"]]]
    coarse = [shapely.simplify(f.geometry.values, 0.01) for f in frames]
    line = datasets.border().geometry.iloc[0]
    metric = shapely.transform(line, lambda xy: np.column_stack(to_region(xy[:, 0], xy[:, 1])))
    near = shapely.simplify(shapely.buffer(shapely.simplify(metric, 100), _FILL_DETAIL_KM * 1000, quad_segs=2), 500)
    near = shapely.transform(near, lambda xy: np.column_stack(from_region(xy[:, 0], xy[:, 1])))
    fine = shapely.simplify(own.geometry.values, 0.0005)
    coarse[0] = shapely.union(shapely.intersection(fine, near), shapely.difference(coarse[0], near))
    geoms = np.concatenate([shapely.set_precision(g, 0.0001 if k == 0 else 0.001) for k, g in enumerate(coarse)])
    props = [{"name": n, "code": c, "fill": _COUNTRY_FILL.get(c, "#e0e0e0")}
             for f in frames for n, c in zip(f["name"], f["iso2"], strict=True)]
    return _feature_collection(geoms, props)


def alternate_names(name: str, alt_names: str | None) -> list[str]:
    """A place's other names from the gazetteer, one per spelling once folded (``Tūrkham`` = ``Turkham``).

    Only names in Latin or Arabic script, the ones the page's users type (GeoNames also has
    Cyrillic, Chinese, ...).
    """
    seen = {normalize(name)}
    out = []
    for alt in (alt_names or "").split("|"):
        key = normalize(alt)
        if key and key not in seen and (is_arabic(alt) or all(ord(c) < 0x250 for c in alt if c.isalpha())):
            seen.add(key)
            out.append(alt.strip())
    return out


@lru_cache(maxsize=1)
def _gazetteer_alt_names() -> dict[str, str]:
    places = datasets.gazetteer()
    return dict(zip(places["gazetteer_id"], places["alt_names"], strict=True))


def place_names(points) -> dict[str, list[str]]:
    """Other names of the incident places on the map, by place as written, from the gazetteer rows they matched."""
    if "place" not in points or "gazetteer_id" not in points:
        return {}
    alts = _gazetteer_alt_names()
    pairs = points[["place", "gazetteer_id"]].dropna().drop_duplicates("place")
    out = {}
    for place, gazetteer_id in pairs.itertuples(index=False, name=None):
        names = alternate_names(str(place), alts.get(gazetteer_id))
        if names:
            out[str(place)] = names
    return out


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """ISO2 code -> name, for the legend's side toggles."""
    frames = [datasets.countries(), datasets.world()]
    return {c: n for f in frames for c, n in zip(f["iso2"], f["name"], strict=True)}


def _feature_collection(geoms, props: list[dict]) -> dict:
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": p, "geometry": shapely.geometry.mapping(g)}
                         for g, p in zip(geoms, props, strict=True) if g is not None and not g.is_empty]}
