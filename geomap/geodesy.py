"""Geodesic measurement on the WGS84 ellipsoid.

Distances are never taken in degrees or in Web Mercator. Nearest-point searches run in a
conformal projection fitted to the region (:data:`REGION_CRS`), and every distance that
is reported is then measured on the ellipsoid with :class:`pyproj.Geod`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import LineString

WGS84 = "EPSG:4326"
#: Lambert conformal conic with standard parallels through the border region. It is used
#: only to find candidates; scale error inside 24-39 N stays below 1 %, and reported
#: distances are geodesic.
REGION_CRS = "+proj=lcc +lat_1=29 +lat_2=36 +lat_0=32.5 +lon_0=67.5 +datum=WGS84 +units=m +no_defs"
GEOD = Geod(ellps="WGS84")

_TO_REGION = Transformer.from_crs(WGS84, REGION_CRS, always_xy=True)
_FROM_REGION = Transformer.from_crs(REGION_CRS, WGS84, always_xy=True)

# Beyond this distance the planar foot point can drift from the geodesic one by more than
# a metre's worth, so the search is refined on the ellipsoid.
_REFINE_BEYOND_KM = 60.0
_REFINE_SAMPLES = 41


def to_region(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 longitude/latitude to :data:`REGION_CRS` metres."""
    return _TO_REGION.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))


def from_region(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:data:`REGION_CRS` metres back to WGS84 longitude/latitude."""
    return _FROM_REGION.transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))


def distance_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Geodesic distance in km between paired points (arrays broadcast)."""
    lon1, lat1, lon2, lat2 = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (lon1, lat1, lon2, lat2)))
    _, _, metres = GEOD.inv(lon1, lat1, lon2, lat2)
    return np.asarray(metres) / 1000.0


def line_length_km(line: LineString) -> float:
    """Geodesic length of a WGS84 line in km."""
    return GEOD.geometry_length(line) / 1000.0


def unit_vectors(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Points on the unit sphere; chord order matches great-circle order, for nearest-neighbour searches."""
    lam, phi = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


def densify_geodesic(lonlat: np.ndarray, max_segment_m: float) -> np.ndarray:
    """Insert points along each segment's geodesic so no segment is longer than ``max_segment_m``.

    A segment between two vertices is taken to be the geodesic between them; once segments
    are short, straight lines in any local projection coincide with it to millimetres.
    """
    _, _, seg = GEOD.inv(lonlat[:-1, 0], lonlat[:-1, 1], lonlat[1:, 0], lonlat[1:, 1])
    out = [lonlat[:1]]
    for i, length in enumerate(np.asarray(seg)):
        if length > max_segment_m:
            inner = GEOD.npts(*lonlat[i], *lonlat[i + 1], int(np.ceil(length / max_segment_m)) - 1)
            out.append(np.asarray(inner))
        out.append(lonlat[i + 1:i + 2])
    return np.vstack(out)


@dataclass(frozen=True)
class LineMeasure:
    """Result of :meth:`LineIndex.measure`, one entry per input point."""

    distance_km: np.ndarray
    position_km: np.ndarray
    foot_lon: np.ndarray
    foot_lat: np.ndarray


class LineIndex:
    """Distance to, and position along, one WGS84 polyline, for many points at once.

    The line's segments are indexed in :data:`REGION_CRS`; for each point the nearest
    segment gives a foot point, and the distance from the point to that foot is geodesic.
    Points farther than ~60 km are refined by sampling the line around the foot on the
    ellipsoid, so the result agrees with a brute-force geodesic search to well under 1 m.
    """

    def __init__(self, line: LineString, max_segment_m: float = 200.0) -> None:
        lonlat = densify_geodesic(np.asarray(line.coords), max_segment_m)
        x, y = to_region(lonlat[:, 0], lonlat[:, 1])
        self._xy = np.column_stack([x, y])
        starts, ends = self._xy[:-1], self._xy[1:]
        self._tree = shapely.STRtree(shapely.linestrings(np.stack([starts, ends], axis=1)))
        seg_km = distance_km(lonlat[:-1, 0], lonlat[:-1, 1], lonlat[1:, 0], lonlat[1:, 1])
        self._cum_km = np.concatenate([[0.0], np.cumsum(seg_km)])
        self._cum_planar = np.concatenate([[0.0], np.cumsum(np.hypot(*(ends - starts).T))])
        self.length_km = float(self._cum_km[-1])

    def measure(self, lon: np.ndarray, lat: np.ndarray) -> LineMeasure:
        """Geodesic distance (km) to the line and position along it (km from its first vertex)."""
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        x, y = to_region(lon, lat)
        seg, t = self._nearest_segment(x, y)
        foot = self._xy[seg] + t[:, None] * (self._xy[seg + 1] - self._xy[seg])
        foot_lon, foot_lat = from_region(foot[:, 0], foot[:, 1])
        dist = distance_km(lon, lat, foot_lon, foot_lat)
        planar_pos = self._cum_planar[seg] + t * (self._cum_planar[seg + 1] - self._cum_planar[seg])

        far = dist > _REFINE_BEYOND_KM
        if far.any():
            refined = self._refine(lon[far], lat[far], planar_pos[far], dist[far])
            dist[far], planar_pos[far], foot_lon[far], foot_lat[far] = refined
        return LineMeasure(dist, self._geodesic_position(planar_pos), foot_lon, foot_lat)

    def _nearest_segment(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        points = shapely.points(x, y)
        src, seg = self._tree.query_nearest(points, all_matches=False)
        order = np.empty(len(points), dtype=np.int64)
        order[src] = seg
        a, b = self._xy[order], self._xy[order + 1]
        ab = b - a
        ap = np.column_stack([x, y]) - a
        denom = np.maximum((ab * ab).sum(axis=1), 1e-12)
        t = np.clip((ap * ab).sum(axis=1) / denom, 0.0, 1.0)
        return order, t

    def _refine(self, lon, lat, planar_pos, dist_km):
        """Search the line on the ellipsoid in a window around the planar foot point."""
        half_window = 0.03 * dist_km * 1000.0 + 500.0
        offsets = np.linspace(-1.0, 1.0, _REFINE_SAMPLES)
        best_pos = planar_pos.copy()
        best_dist = dist_km.copy()
        for _ in range(3):  # zoom in: each pass narrows the window around the best sample
            positions = np.clip(best_pos[:, None] + half_window[:, None] * offsets, 0.0, self._cum_planar[-1])
            plon, plat = from_region(*self._point_at(positions.ravel()))
            d = distance_km(np.repeat(lon, _REFINE_SAMPLES), np.repeat(lat, _REFINE_SAMPLES), plon, plat)
            d = d.reshape(-1, _REFINE_SAMPLES)
            k = d.argmin(axis=1)
            rows = np.arange(len(k))
            best_pos = positions[rows, k]
            best_dist = np.minimum(best_dist, d[rows, k])
            half_window = half_window * 2.0 / (_REFINE_SAMPLES - 1) * 2.0
        flon, flat = from_region(*self._point_at(best_pos))
        return distance_km(lon, lat, flon, flat), best_pos, flon, flat

    def _point_at(self, planar_pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Points at the given distances along the projected line (binary search, not a walk)."""
        seg = np.clip(np.searchsorted(self._cum_planar, planar_pos, side="right") - 1, 0, len(self._xy) - 2)
        span = np.maximum(self._cum_planar[seg + 1] - self._cum_planar[seg], 1e-12)
        t = np.clip((planar_pos - self._cum_planar[seg]) / span, 0.0, 1.0)[:, None]
        xy = self._xy[seg] + t * (self._xy[seg + 1] - self._xy[seg])
        return xy[:, 0], xy[:, 1]

    def _geodesic_position(self, planar_pos: np.ndarray) -> np.ndarray:
        return np.interp(planar_pos, self._cum_planar, self._cum_km)
