"""Spatial join of located incidents with the border, crossings, countries, provinces and districts.

Every measure is computed for all rows at once (spatial indexes and array maths, no loop
per row). Side of border, country and province all come from one geometry: the OSM
country polygons the border line was cut from, and provinces clipped to them. Districts
(Afghanistan) and tehsils (Pakistan) are geoBoundaries polygons clipped to the same
countries; where a district polygon's province is not the point's, the province wins.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geomap import datasets, settings
from geomap.errors import InputError
from geomap.geodesy import distance_km, to_region, unit_vectors

T = TypeVar("T")

JOIN_COLUMNS = [
    "side", "border_distance_km", "border_position_km", "nearest_crossing", "crossing_distance_km",
    "province", "province_code", "district", "tehsil", "district_approximate", "disagreement",
]
#: Added after JOIN_COLUMNS: how far the row's location may be off, and whether that reaches the border.
UNCERTAINTY_COLUMNS = ["uncertainty_km", "side_uncertain"]


def join(incidents: pd.DataFrame) -> pd.DataFrame:
    """Add border and admin columns to located incidents.

    Parameters
    ----------
    incidents
        A frame with ``latitude`` and ``longitude`` in WGS84 (rows without them are kept,
        with empty join columns): the output of :func:`geomap.geocode`.

    Returns
    -------
    pandas.DataFrame
        A new frame with the input columns and :data:`JOIN_COLUMNS`:

        - ``side``: ISO2 code of the country that contains the point;
        - ``border_distance_km``: geodesic distance to the Afghanistan-Pakistan border;
        - ``border_position_km``: distance along the border from its northern end (China
          tripoint) to the point's nearest point on the line;
        - ``nearest_crossing``, ``crossing_distance_km``: closest curated crossing or pass;
        - ``province``, ``province_code`` (ISO 3166-2);
        - ``district``: the Afghan district or (for Pakistan) the 2023 district of the tehsil
          whose polygon holds the point; ``tehsil``: that Pakistani tehsil;
        - ``district_approximate``: True where no polygon of the point's province holds it
          (slivers along the border and the coast): the nearest one of that province is named;
        - ``disagreement``: True where the row's own ``country`` or ``admin1`` (when it has
          them) names another country or province than geomap finds at the point;
        - ``uncertainty_km``: the radius the row's ``geo_precision`` stands for
          (:data:`geomap.settings.PRECISION_RADIUS_KM`; a row without one counts as an exact place);
        - ``side_uncertain``: True where that radius reaches the border, so the incident may
          have happened on the other side.
    """
    if "latitude" not in incidents or "longitude" not in incidents:
        raise InputError("join needs located incidents, with latitude and longitude columns: geocode them first "
                         f"(geomap.geocode); columns found: {', '.join(map(str, list(incidents.columns)[:12]))}")
    _check_coordinates(incidents)
    out = incidents.copy()
    lon = pd.to_numeric(out["longitude"], errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(out["latitude"], errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(lon) & np.isfinite(lat)

    # Exports repeat places (a district seat, a town) many times: each distinct point is measured once.
    repeat, distinct = pd.factorize(lon[ok] + 1j * lat[ok])
    located = _measure(distinct.real, distinct.imag)
    columns = {}
    for column in JOIN_COLUMNS[:-1]:
        value = located[column]
        if isinstance(value, _Labels):  # text: positions in a small table of names, -2 for rows not located
            positions = np.full(len(out), -2, dtype=np.int64)
            positions[ok] = value.positions[repeat]
            columns[column] = value.names.text(positions)
        elif isinstance(value, _Flags):
            flags, known = np.zeros(len(out), dtype=bool), np.zeros(len(out), dtype=bool)
            flags[ok], known[ok] = value.values[repeat], value.known[repeat]
            columns[column] = pd.arrays.BooleanArray(flags, ~known)
        else:
            numbers = np.full(len(out), np.nan)
            numbers[ok] = np.round(value[repeat], 3)
            columns[column] = numbers
    out = pd.concat([out.drop(columns=[c for c in JOIN_COLUMNS if c in out]),
                     pd.DataFrame(columns, index=out.index)], axis=1)
    out["disagreement"] = disagreement(out)
    return _with_uncertainty(out)


class _Names:
    """A small table of names, turned into a text column by position without a Python string per row."""

    def __init__(self, names) -> None:
        import pyarrow as pa

        # Position -1 is "" (located, but in no such unit); -2 is missing (not located).
        self.names = np.asarray(list(names), dtype=object)
        self._table = pa.array([*map(str, self.names), ""], type=pa.large_string())

    def text(self, positions: np.ndarray) -> pd.api.extensions.ExtensionArray:
        import pyarrow as pa

        index = np.where(positions == -1, len(self.names), positions)
        taken = self._table.take(pa.array(index, mask=positions < -1))
        return pd.array(taken, dtype=pd.StringDtype("pyarrow", na_value=np.nan))


@dataclass(frozen=True)
class _Labels:
    names: _Names
    positions: np.ndarray


@dataclass(frozen=True)
class _Flags:
    values: np.ndarray
    known: np.ndarray


def _with_uncertainty(frame: pd.DataFrame) -> pd.DataFrame:
    radius = np.full(len(frame), np.nan)
    if "geo_precision" in frame:
        precision = pd.to_numeric(frame["geo_precision"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        for level, km in settings.PRECISION_RADIUS_KM.items():
            radius[precision == level] = km
    distance = frame["border_distance_km"].to_numpy(dtype=float, na_value=np.nan)
    located = ~np.isnan(distance)
    radius[located & np.isnan(radius)] = settings.PRECISION_RADIUS_KM[1]
    frame["uncertainty_km"] = radius
    frame["side_uncertain"] = pd.arrays.BooleanArray(located & (distance < radius), ~located)
    return frame


def _check_coordinates(frame: pd.DataFrame) -> None:
    lat = pd.to_numeric(frame["latitude"], errors="coerce")
    lon = pd.to_numeric(frame["longitude"], errors="coerce")
    bad = (lat.abs() > 90) | (lon.abs() > 180)
    if bad.any():
        first = bad.idxmax()
        raise InputError(f"latitude/longitude out of range in row {first!r}: ({lat[first]!r}, {lon[first]!r}); "
                         "expected WGS84 degrees, latitude -90..90 and longitude -180..180")


def _measure(lon: np.ndarray, lat: np.ndarray) -> dict[str, np.ndarray | _Labels]:
    border = datasets.border_index().measure(lon, lat)
    provinces, units, crossings = datasets.provinces(), datasets.admin_units(), datasets.crossings()
    side, province = _admin_positions(lon, lat, datasets.countries(), provinces, datasets.world())
    crossing, crossing_km = _nearest_place(lon, lat, crossings)
    code = _table(provinces, "province_code")
    unit, approximate = _unit_positions(lon, lat, province, code.names, units)
    return {
        "side": side,
        "border_distance_km": border.distance_km,
        "border_position_km": border.position_km,
        "nearest_crossing": _Labels(_table(crossings, "name"), crossing),
        "crossing_distance_km": crossing_km,
        "province": _Labels(_table(provinces, "province"), province),
        "province_code": _Labels(code, province),
        "district": _Labels(_table(units, "district"), unit),
        "tehsil": _Labels(_table(units, "tehsil"), unit),
        "district_approximate": _Flags(approximate, unit >= 0),
    }


_TABLES: dict[tuple[int, str], tuple] = {}


def _table(frame: pd.DataFrame, column: str) -> _Names:
    return _kept(_TABLES, (frame,), column, lambda: _Names(frame[column].fillna("").to_numpy(dtype=object)))


def _kept(store: dict, owners: tuple, extra: object, build: Callable[[], T]) -> T:
    """``build()``, once per set of ``owners`` (by identity) and ``extra``.

    The owners are kept in ``store`` with the value, so their ids cannot be taken by new objects.
    """
    key = (*map(id, owners), extra)
    if key not in store:
        store[key] = (owners, build())
    return store[key][1]


def locate_admin(lon: np.ndarray, lat: np.ndarray, countries: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame,
                 others: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Country (``side``) and province of each point, consistent with each other.

    Provinces are clipped to the countries, so a point inside a province is in that
    province's country; only the rest are tested against the countries. Where the provinces
    (Natural Earth) leave a sliver of the OSM country uncovered, the nearest province of
    that country is used.
    """
    side, province = _admin_positions(lon, lat, countries, provinces, others)
    return pd.DataFrame({"side": side.names.text(side.positions),
                         "province": _table(provinces, "province").text(province),
                         "province_code": _table(provinces, "province_code").text(province)})


def _admin_positions(lon: np.ndarray, lat: np.ndarray, countries: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame,
                     others: gpd.GeoDataFrame | None = None) -> tuple[_Labels, np.ndarray]:
    """:func:`locate_admin` as positions: the side, and each point's row in ``provinces`` (-1: none)."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    sides = _sides(provinces, countries, others)
    province = containing(lon, lat, provinces.geometry.to_numpy())
    hit = province >= 0
    side = np.full(len(lon), -1, dtype=np.int64)
    side[hit] = sides.province_side[province[hit]]
    rest = np.flatnonzero(~hit)
    if len(rest):
        in_country = containing(lon[rest], lat[rest], countries.geometry.to_numpy())
        side[rest] = np.where(in_country >= 0, sides.country_side[np.maximum(in_country, 0)], -1)
        if others is not None:
            outside = rest[in_country < 0]
            in_other = containing(lon[outside], lat[outside], others.geometry.to_numpy())
            side[outside] = np.where(in_other >= 0, sides.other_side[np.maximum(in_other, 0)], -1)
        sliver = rest[in_country >= 0]
        for country in ("AF", "PK"):
            mine = sliver[sides.names.names[side[sliver]] == country]
            if len(mine):
                province[mine] = _nearest_province(lon[mine], lat[mine], provinces, country)
    return _Labels(sides.names, side), province


@dataclass(frozen=True)
class _Sides:
    names: _Names  # every ISO2 code a point can get
    province_side: np.ndarray  # position in names of each province's country, each country's, each other's
    country_side: np.ndarray
    other_side: np.ndarray


_SIDES: dict[tuple, tuple] = {}


def _sides(provinces: gpd.GeoDataFrame, countries: gpd.GeoDataFrame, others: gpd.GeoDataFrame | None) -> _Sides:
    def build() -> _Sides:
        codes = [provinces["country"].to_numpy(dtype=object), countries["iso2"].to_numpy(dtype=object),
                 others["iso2"].to_numpy(dtype=object) if others is not None else np.array([], dtype=object)]
        names = pd.unique(np.concatenate(codes))
        where = {name: position for position, name in enumerate(names)}
        return _Sides(_Names(names), *(np.array([where[c] for c in part], dtype=np.int64) for part in codes))

    return _kept(_SIDES, (provinces, countries, others), None, build)


def containing(lon: np.ndarray, lat: np.ndarray, polygons: np.ndarray, cell: float | None = None) -> np.ndarray:
    """Position of the first polygon containing each point, or -1.

    A grid of small cells over the region, each cell marked with the polygon that contains
    it whole, or as in none when no polygon touches it (built once per set of polygons),
    answers most points with an array lookup.
    The rest, near an edge or outside the grid, are tested against prepared polygons, each
    only for the points inside its bounding box.
    """
    grid = _cell_grid(polygons, cell or _GRID_CELL)
    found, cells = grid.lookup(lon, lat)
    todo = np.flatnonzero(found == _UNKNOWN)
    if len(todo) == 0:
        found[found == _UNKNOWN] = -1
        return found
    # Candidate (point, polygon) pairs: the polygons that touch the point's cell, or for a point
    # outside the grid those whose bounding box holds it. Each polygon then tests its own candidates,
    # prepared; where two polygons hold a point, the first one counts.
    in_grid = cells[todo] >= 0
    near = todo[in_grid]
    first, count = grid.start[cells[near]], np.diff(grid.start)[cells[near]]
    point = np.repeat(near, count)
    member = np.arange(len(point)) - np.repeat(np.cumsum(count) - count, count) + np.repeat(first, count)
    polygon = grid.members[member].astype(np.int64)
    far = todo[~in_grid]
    if len(far):
        far_point, far_polygon = grid.boxes.query(shapely.points(lon[far], lat[far]))
        point, polygon = np.concatenate([point, far[far_point]]), np.concatenate([polygon, far_polygon])
    order = np.lexsort((point, polygon))
    point, polygon = point[order], polygon[order]
    starts = np.flatnonzero(np.diff(polygon, prepend=-1))
    inside = np.zeros(len(point), dtype=bool)
    for begin, end in zip(starts, np.append(starts[1:], len(polygon))[:len(starts)], strict=True):
        mine = point[begin:end]
        inside[begin:end] = shapely.contains_xy(polygons[polygon[begin]], lon[mine], lat[mine])
    holder = np.full(len(found), len(polygons), dtype=np.int64)
    np.minimum.at(holder, point[inside], polygon[inside])
    found[todo] = np.where(holder[todo] < len(polygons), holder[todo], -1)
    return found


_UNKNOWN = -2
#: The grid of :func:`containing`: the region's extent, in cells of this many degrees.
_GRID_EXTENT = (58.0, 22.0, 80.0, 40.0)
_GRID_CELL = 0.05
#: A finer grid for the ~950 district and tehsil polygons: their outlines cross many more cells.
_UNIT_GRID_CELL = 0.02


@dataclass(frozen=True)
class _CellGrid:
    owner: np.ndarray  # (rows, columns): the polygon containing the whole cell, else _UNKNOWN
    cell: float
    start: np.ndarray  # members[start[c]:start[c + 1]]: the polygons that touch cell c (row-major), if unknown
    members: np.ndarray
    boxes: shapely.STRtree  # over the polygons' bounding boxes (None and empty polygons match nothing)

    def lookup(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The polygon holding each point's whole cell (-1: none; _UNKNOWN: test it), and the cell (-1: off grid)."""
        west, south, _, _ = _GRID_EXTENT
        rows, columns = self.owner.shape
        column = np.floor((np.asarray(lon) - west) / self.cell)
        row = np.floor((np.asarray(lat) - south) / self.cell)
        inside = (column >= 0) & (column < columns) & (row >= 0) & (row < rows)
        cells = np.full(len(column), -1, dtype=np.int64)
        cells[inside] = row[inside].astype(np.int64) * columns + column[inside].astype(np.int64)
        found = np.full(len(column), _UNKNOWN, dtype=np.int64)
        found[inside] = self.owner.ravel()[cells[inside]]
        return found, cells


_GRIDS: dict[tuple, tuple] = {}


def _cell_grid(polygons: np.ndarray, cell: float = _GRID_CELL) -> _CellGrid:
    with _GRID_LOCK:
        return _kept(_GRIDS, tuple(polygons), cell, lambda: _new_grid(polygons, cell))


_GRID_LOCK = threading.Lock()


def _new_grid(polygons: np.ndarray, cell: float) -> _CellGrid:
    from geomap import cache

    inputs = repr((_GRID_EXTENT, cell)).encode() + b"".join(shapely.to_wkb(polygons).tolist())
    grid = cache.cached_arrays("cell-grid", lambda: _owner_grid(polygons, cell), inputs, (__name__,))
    # Prepared here, once, under the lock: two threads preparing one polygon at the same moment crash
    # GEOS (a double free, libgeos/geos#825); a polygon prepared once stays prepared.
    shapely.prepare(polygons[~shapely.is_missing(polygons)])
    return _CellGrid(grid["owner"], cell, grid["start"], grid["members"], shapely.STRtree(shapely.envelope(polygons)))


def _owner_grid(polygons: np.ndarray, cell: float = _GRID_CELL) -> dict[str, np.ndarray]:
    """For each grid cell: the polygon containing it whole, -1 if none touches it, else _UNKNOWN (``owner``);
    for the unknown cells, the polygons touching them (``start``, ``members``: see :class:`_CellGrid`)."""
    west, south, east, north = _GRID_EXTENT
    columns, rows = round((east - west) / cell), round((north - south) / cell)
    x0 = west + cell * np.arange(columns)
    y0 = south + cell * np.arange(rows)
    xx, yy = np.meshgrid(x0, y0)
    cells = shapely.box(xx.ravel(), yy.ravel(), xx.ravel() + cell, yy.ravel() + cell)
    tree = shapely.STRtree(cells)
    # A cell that touches no polygon is known to be in none; one a polygon holds whole is that polygon's.
    owner = np.full(rows * columns, -1, dtype=np.int16 if len(polygons) < 2**15 else np.int64)
    touching, touched = tree.query(polygons, predicate="intersects")
    owner[touched] = _UNKNOWN
    holder, held = tree.query(polygons, predicate="contains")
    owner[held] = holder
    keep = owner[touched] == _UNKNOWN
    order = np.lexsort((touching[keep], touched[keep]))
    cell_of, members = touched[keep][order], touching[keep][order]
    start = np.searchsorted(cell_of, np.arange(rows * columns + 1)).astype(np.int64)
    return {"owner": owner.reshape(rows, columns), "start": start, "members": members.astype(np.int32)}


def _nearest_province(lon: np.ndarray, lat: np.ndarray, provinces: gpd.GeoDataFrame, country: str) -> np.ndarray:
    """Nearest province of ``country``, for points in the country but in no province polygon.

    Those points lie in slivers a few km wide where the Natural Earth provinces stop short of
    the OSM border. The nearest segment of the provinces' outlines, simplified to 200 m, names
    the province: a search in a tree of the segments (in the region's metric CRS), where a
    nearest-polygon search measures every vertex of a province's outline.
    """
    rows, owner, tree = _province_outlines(provinces, country)
    x, y = to_region(lon, lat)
    nearest = tree.query_nearest(shapely.points(x, y), return_distance=False, all_matches=False)[1]
    return rows[owner[nearest]]


_OUTLINES: dict[tuple[int, str], tuple] = {}


def _province_outlines(provinces: gpd.GeoDataFrame, country: str) -> tuple:
    return _kept(_OUTLINES, (provinces,), country, lambda: _new_outlines(provinces, country))


def _new_outlines(provinces: gpd.GeoDataFrame, country: str) -> tuple:
    """The country's provinces' rows, and a tree of their outlines' segments with each segment's province."""
    from geomap import cache

    rows = np.flatnonzero(provinces["country"].to_numpy(dtype=object) == country)
    own = provinces.iloc[rows]

    def build() -> dict:
        metric = shapely.simplify(own.to_crs(settings.METRIC_CRS).geometry.to_numpy(), 200.0,
                                  preserve_topology=True)
        lines, province = shapely.get_parts(shapely.boundary(metric), return_index=True)
        points, line = shapely.get_coordinates(lines, return_index=True)
        follows = np.flatnonzero(line[1:] == line[:-1])  # a segment from each point to the next of its line
        return {"start": points[follows], "end": points[follows + 1], "owner": province[line[follows]]}

    inputs = repr((settings.METRIC_CRS, country)).encode() + b"".join(shapely.to_wkb(own.geometry.to_numpy()))
    outline = cache.cached_arrays("province-segments", build, inputs, (__name__,))
    segments = shapely.linestrings(np.stack([outline["start"], outline["end"]], axis=1))
    return rows, outline["owner"], shapely.STRtree(segments)


def nearest_place(lon: np.ndarray, lat: np.ndarray, places: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Name of, and geodesic distance (km) to, the nearest of ``places`` for each point."""
    nearest, km = _nearest_place(lon, lat, places)
    return np.where(nearest >= 0, places["name"].to_numpy(dtype=object)[np.maximum(nearest, 0)], ""), km


def _nearest_place(lon: np.ndarray, lat: np.ndarray, places: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Row of, and geodesic distance (km) to, the nearest of ``places`` for each point (-1 and NaN: no places)."""
    if places.empty:
        return np.full(len(lon), -1, dtype=np.int64), np.full(len(lon), np.nan)
    place_lon = places["longitude"].to_numpy(dtype=float)
    place_lat = places["latitude"].to_numpy(dtype=float)
    nearest = _nearest_by_chord(unit_vectors(lon, lat), unit_vectors(place_lon, place_lat))
    return nearest, distance_km(lon, lat, place_lon[nearest], place_lat[nearest])


def _nearest_by_chord(points: np.ndarray, targets: np.ndarray, chunk: int = 200_000) -> np.ndarray:
    # Largest dot product = smallest chord = nearest on the sphere; chunks bound the memory.
    out = np.empty(len(points), dtype=np.int64)
    for start in range(0, len(points), chunk):
        out[start:start + chunk] = (points[start:start + chunk] @ targets.T).argmax(axis=1)
    return out


def locate_units(lon: np.ndarray, lat: np.ndarray, province_code: np.ndarray,
                 units: gpd.GeoDataFrame) -> pd.DataFrame:
    """District, tehsil, ``district_approximate`` and ``former_district`` of each point, consistent with its province.

    The unit whose polygon holds the point names them when it belongs to the point's
    province (``province_code``, from :func:`locate_admin`). Otherwise -- a sliver between the
    units and the OSM border, or where geoBoundaries and Natural Earth draw a provincial
    boundary differently -- the nearest unit of the point's own province does, flagged
    approximate. Points in no Afghan or Pakistani province get empty values.
    """
    codes, table = pd.factorize(pd.Series(province_code, dtype=object).fillna(""))
    found, approximate = _unit_positions(lon, lat, codes, table.to_numpy(dtype=object), units)
    placed = found >= 0
    frame = pd.DataFrame({column: _table(units, column).text(found) for column in ("district", "tehsil")})
    frame["district_approximate"] = pd.arrays.BooleanArray(approximate, ~placed)
    former = _table(units, "former_district").text(found) if "former_district" in units \
        else np.full(len(found), "", dtype=object)
    return frame.assign(former_district=former)


def _unit_positions(lon: np.ndarray, lat: np.ndarray, province: np.ndarray, codes: np.ndarray,
                    units: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """:func:`locate_units` as positions: each point's row in ``units`` (-1: none) and whether it is approximate.

    ``province`` is each point's position in ``codes`` (the province codes; -1: in none).
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    codes = np.asarray(codes, dtype=object)
    # Provinces as positions in codes (one more: a unit's province no point has).
    where = {code: position for position, code in enumerate(codes)}
    unit_province = np.array([where.get(code, len(codes)) for code in units["province_code"]], dtype=np.int64)
    regional_code = np.append(pd.Series(codes, dtype=object).fillna("").str[:2].isin(["AF", "PK"]).to_numpy(), False)
    found = containing(lon, lat, units.geometry.to_numpy(), _UNIT_GRID_CELL)
    held = found >= 0
    held[held] = unit_province[found[held]] == province[held]
    regional = regional_code[np.where(province >= 0, province, len(codes))]
    nearest = np.flatnonzero(~held & regional)
    if len(nearest):
        for position in np.unique(province[nearest]):
            mine = nearest[province[nearest] == position]
            found[mine] = _nearest_unit(lon[mine], lat[mine], units, codes[position])
    placed = found >= 0
    return found, regional & ~held & placed


def _nearest_unit(lon: np.ndarray, lat: np.ndarray, units: gpd.GeoDataFrame, province_code: str) -> np.ndarray:
    """Position in ``units`` of the unit of that province nearest to each point (region's metric CRS; -1: none)."""
    own, tree = _unit_tree(units, province_code)
    if len(own) == 0:
        return np.full(len(lon), -1, dtype=np.int64)
    x, y = to_region(lon, lat)
    nearest = tree.query_nearest(shapely.points(x, y), return_distance=False, all_matches=False)[1]
    return own[nearest]


_UNIT_TREES: dict[tuple[int, str], tuple] = {}


def _unit_tree(units: gpd.GeoDataFrame, province_code: str) -> tuple[np.ndarray, shapely.STRtree]:
    def build() -> tuple[np.ndarray, shapely.STRtree]:
        own = np.flatnonzero(units["province_code"].to_numpy(dtype=object) == province_code)
        return own, shapely.STRtree(units.iloc[own].to_crs(settings.METRIC_CRS).geometry.to_numpy())

    return _kept(_UNIT_TREES, (units,), province_code, build)


def disagreement(frame: pd.DataFrame) -> pd.Series:
    """True where the row's own country or first-level unit contradicts the joined ``side``/``province``.

    Uses the ``country`` and ``admin1`` columns (:mod:`geomap.settings`) when the row has them;
    NA where there is nothing to compare (no location, or no such column or value).
    """
    from geomap.geocode import country_code, province_code

    result = pd.Series(pd.NA, index=frame.index, dtype="boolean")
    located = frame["side"].notna().to_numpy() & (frame["side"].fillna("") != "").to_numpy()
    if settings.COUNTRY_COLUMN in frame:
        said = frame[settings.COUNTRY_COLUMN].map(country_code, na_action="ignore").fillna("")
        known = located & (said != "").to_numpy()
        result[known] = (said[known] != frame.loc[known, "side"]).to_numpy()
    if settings.PROVINCE_COLUMN in frame:
        said = frame[settings.PROVINCE_COLUMN].map(province_code, na_action="ignore").fillna("")
        known = located & (said != "").to_numpy()
        differs = (said[known] != frame.loc[known, "province_code"].fillna("")).to_numpy()
        result[known] = result[known].fillna(False).to_numpy() | differs
    return result
