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


def ecef(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """WGS84 longitude/latitude (on the ellipsoid surface) to Earth-centred Cartesian metres."""
    lam, phi = np.radians(np.asarray(lon, dtype=float)), np.radians(np.asarray(lat, dtype=float))
    sin_phi, cos_phi = np.sin(phi), np.cos(phi)
    normal = _A / np.sqrt(1.0 - _E2 * sin_phi * sin_phi)
    return np.column_stack([normal * cos_phi * np.cos(lam), normal * cos_phi * np.sin(lam),
                            normal * (1.0 - _E2) * sin_phi])


_A = 6378137.0
_F = 1 / 298.257223563
_E2 = _F * (2 - _F)


@dataclass(frozen=True)
class LineMeasure:
    """Result of :meth:`LineIndex.measure`, one entry per input point."""

    distance_km: np.ndarray
    position_km: np.ndarray
    foot_lon: np.ndarray
    foot_lat: np.ndarray


class LineIndex:
    """Distance to, and position along, one WGS84 polyline, for many points at once.

    The line is densified along its geodesics and held as Earth-centred (ECEF) points. For
    each point the nearest segment is found by straight-line (chord) distance in 3-D, which
    orders points as the geodesic does to far below a metre at these distances; the foot
    point on that segment is exact, and the reported distance is the geodesic from the
    point to the foot (one :meth:`pyproj.Geod.inv` per point).

    Near the line (within :data:`_NEAR_KM`) a KD-tree gives each point its
    :data:`_NEAREST_VERTICES` nearest vertices and the segments on either side of them are
    tested; farther out, where a KD-tree search visits most of the tree, see
    :meth:`_far_vertices`. Checked against a brute-force geodesic search over the line
    densified to 10 m (tests and ``benchmarks/``).
    """

    def __init__(self, line: LineString, max_segment_m: float = 100.0) -> None:
        from scipy.spatial import cKDTree  # scipy loads in ~0.2 s; only measuring needs it

        lonlat = densify_geodesic(np.asarray(line.coords), max_segment_m)
        self._lonlat = lonlat
        self._xyz = ecef(lonlat[:, 0], lonlat[:, 1])
        # Large leaves and sliding-midpoint splits suit a line's vertices: ~1.5x faster queries.
        self._tree = cKDTree(self._xyz, leafsize=64, balanced_tree=False)
        seg_km = distance_km(lonlat[:-1, 0], lonlat[:-1, 1], lonlat[1:, 0], lonlat[1:, 1])
        self._cum_km = np.concatenate([[0.0], np.cumsum(seg_km)])
        self.length_km = float(self._cum_km[-1])
        self._centre = self._xyz.mean(axis=0)
        self._xyz32 = (self._xyz - self._centre).astype(np.float32)
        self._planar = np.column_stack(to_region(lonlat[:, 0], lonlat[:, 1]))
        segments = shapely.linestrings(np.stack([self._planar[:-1], self._planar[1:]], axis=1))
        self._planar_tree = shapely.STRtree(segments)

    def measure(self, lon: np.ndarray, lat: np.ndarray, chunk: int = 200_000) -> LineMeasure:
        """Geodesic distance (km) to the line and position along it (km from its first vertex)."""
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        seg = np.empty(len(lon), dtype=np.int64)
        t = np.empty(len(lon))

        for start in range(0, len(lon), chunk):  # chunks bound the (n, candidates, 3) temporaries
            part = slice(start, start + chunk)
            seg[part], t[part] = self._nearest_segment(ecef(lon[part], lat[part]), lon[part], lat[part])
        a, b = self._lonlat[seg], self._lonlat[seg + 1]
        # Segments are at most ~100 m long: along one, lon/lat is linear to well under a millimetre.
        foot_lon = a[:, 0] + t * (b[:, 0] - a[:, 0])
        foot_lat = a[:, 1] + t * (b[:, 1] - a[:, 1])
        position = self._cum_km[seg] + t * (self._cum_km[seg + 1] - self._cum_km[seg])
        return LineMeasure(distance_km(lon, lat, foot_lon, foot_lat), position, foot_lon, foot_lat)

    def _nearest_segment(self, points: np.ndarray, lon: np.ndarray,
                         lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        vertex = np.empty((len(points), _NEAREST_VERTICES), dtype=np.int64)
        chord, found = self._tree.query(points, k=_NEAREST_VERTICES, distance_upper_bound=_NEAR_KM * 1000.0,
                                        workers=-1)
        near = np.isfinite(chord[:, -1])
        vertex[near] = found[near]
        if (~near).any():
            vertex[~near] = self._far_vertices(points[~near], lon[~near], lat[~near])
        # Each vertex's segments on both sides are candidates.
        segments = np.concatenate([vertex - 1, vertex], axis=1).clip(0, len(self._xyz) - 2)
        return self._closest_on(points, segments)

    def _closest_on(self, points: np.ndarray, segments: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        a = self._xyz[segments]
        ab = self._xyz[segments + 1] - a
        ap = points[:, None, :] - a
        t = np.clip((ap * ab).sum(axis=2) / np.maximum((ab * ab).sum(axis=2), 1e-9), 0.0, 1.0)
        gap = ap - t[:, :, None] * ab
        best = (gap * gap).sum(axis=2).argmin(axis=1)
        rows = np.arange(len(points))
        return segments[rows, best], t[rows, best]

    def _far_vertices(self, points: np.ndarray, lon: np.ndarray, lat: np.ndarray,
                      chunk: int = 20_000) -> np.ndarray:
        """Nearest vertex of each far point, and its neighbours along the line.

        A KD-tree search from far away visits most of the tree, so the nearest segment in
        the regional projection (an R-tree search that stays fast) places the foot point
        roughly, and every vertex within a window along the line around it (2 % of the
        distance plus 500 m, as the projection's scale error allows) is tested in 3-D. A
        window of all vertices, not a sample, keeps the ~100 m spikes of the OSM ridge line,
        which can be the nearest point by tens of metres.
        """
        x, y = to_region(lon, lat)
        source, segment = self._planar_tree.query_nearest(shapely.points(x, y), all_matches=False)
        foot = np.empty(len(points), dtype=np.int64)
        foot[source] = segment
        planar_km = np.hypot(x - self._planar[foot, 0], y - self._planar[foot, 1]) / 1000.0
        half_km = np.minimum(0.02 * planar_km + 0.5, _MAX_WINDOW_KM)
        lo = np.searchsorted(self._cum_km, self._cum_km[foot] - half_km)
        hi = np.searchsorted(self._cum_km, self._cum_km[foot] + half_km, side="right")
        nearest = np.empty(len(points), dtype=np.int64)
        # Chunks of similar window width waste little on padding; centred float32 is exact
        # to millimetres here and halves the memory traffic.
        by_width = np.argsort(hi - lo, kind="stable")
        for start in range(0, len(points), chunk):
            part = by_width[start:start + chunk]
            width = int((hi[part] - lo[part]).max())
            window = np.minimum(lo[part, None] + np.arange(width), hi[part, None] - 1)
            gap = self._xyz32[window] - (points[part] - self._centre).astype(np.float32)[:, None, :]
            nearest[part] = window[np.arange(len(window)), np.einsum("ijk,ijk->ij", gap, gap).argmin(axis=1)]
        offsets = np.arange(_NEAREST_VERTICES) - _NEAREST_VERTICES // 2
        return (nearest[:, None] + offsets).clip(0, len(self._xyz) - 1)


#: Within this distance of the line points use the KD-tree; beyond it, the planar R-tree and a window.
_NEAR_KM = 60.0
#: Nearest vertices whose adjacent segments are tested for each point.
_NEAREST_VERTICES = 8
#: Widest window (km either side) searched along the line for a far point.
_MAX_WINDOW_KM = 30.0
