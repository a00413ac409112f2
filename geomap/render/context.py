"""The map's context layers as plain data: border, distance bands, border pieces, crossings, areas."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely

from geomap import datasets
from geomap.geodesy import distance_km, from_region, to_region

_COUNTRY_FILL = {"AF": "#fdd49e", "PK": "#c7e9c0"}


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
    table = datasets.crossings()
    return [{"name": r.name, "kind": r.kind, "lat": round(r.latitude, 5), "lon": round(r.longitude, 5),
             "source": r.source, "precision": r.coord_precision}
            for r in table.itertuples()]


@lru_cache(maxsize=1)
def districts() -> list[dict]:
    """District centres (a point per district polygon)."""
    table = datasets.districts()
    return [{"name": r.district, "province": r.province, "lat": round(r.latitude, 4), "lon": round(r.longitude, 4)}
            for r in table.itertuples()]


@lru_cache(maxsize=1)
def provinces() -> dict:
    table = datasets.provinces()
    geoms = shapely.set_precision(shapely.simplify(table.geometry.values, 0.01), 0.001)
    return _feature_collection(geoms, [{"name": n, "code": c} for n, c in
                                       zip(table["province"], table["province_code"], strict=True)])


@lru_cache(maxsize=1)
def countries() -> dict:
    world = datasets.world()
    frames = [datasets.countries(), world[world["neighbour"]]]
    geoms = np.concatenate([shapely.set_precision(shapely.simplify(f.geometry.values, 0.01), 0.001) for f in frames])
    props = [{"name": n, "code": c, "fill": _COUNTRY_FILL.get(c, "#e0e0e0")}
             for f in frames for n, c in zip(f["name"], f["iso2"], strict=True)]
    return _feature_collection(geoms, props)


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """ISO2 code -> name, for the legend's side toggles."""
    frames = [datasets.countries(), datasets.world()]
    return {c: n for f in frames for c, n in zip(f["iso2"], f["name"], strict=True)}


def _feature_collection(geoms, props: list[dict]) -> dict:
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": p, "geometry": shapely.geometry.mapping(g)}
                         for g, p in zip(geoms, props, strict=True) if g is not None and not g.is_empty]}
