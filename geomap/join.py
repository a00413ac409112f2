"""Spatial join of located incidents with the border, crossings, countries, provinces and districts.

Every measure is computed for all rows at once (spatial indexes and array maths, no loop
per row). Side of border, country and province all come from one geometry: the OSM
country polygons the border line was cut from, and provinces clipped to them. Districts
(Afghanistan) and tehsils (Pakistan) are geoBoundaries polygons clipped to the same
countries; where a district polygon's province is not the point's, the province wins.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geomap import datasets, settings
from geomap.errors import InputError
from geomap.geodesy import distance_km, to_region, unit_vectors

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

    numeric = ("border_distance_km", "border_position_km", "crossing_distance_km")
    measured = [c for c in JOIN_COLUMNS if c != "disagreement"]
    result = {c: np.full(len(out), np.nan, dtype=float if c in numeric else object) for c in measured}
    if ok.any():
        # Exports repeat places (a district seat, a town) many times: each distinct point is measured once.
        repeat, distinct = pd.factorize(lon[ok] + 1j * lat[ok])
        located = _measure(distinct.real, distinct.imag)
        for column in measured:
            result[column][ok] = located[column][repeat]
    for column in measured:
        out[column] = np.round(result[column], 3) if column in numeric else result[column]
    out["district_approximate"] = out["district_approximate"].astype("boolean")
    out["disagreement"] = disagreement(out)
    return _with_uncertainty(out)


def _with_uncertainty(frame: pd.DataFrame) -> pd.DataFrame:
    precision = pd.to_numeric(frame["geo_precision"], errors="coerce") if "geo_precision" in frame else None
    radius = (precision.map(settings.PRECISION_RADIUS_KM) if precision is not None
              else pd.Series(np.nan, index=frame.index))
    located = frame["border_distance_km"].notna()
    radius = radius.where(~located | radius.notna(), settings.PRECISION_RADIUS_KM[1])
    frame["uncertainty_km"] = radius.astype(float)
    frame["side_uncertain"] = (frame["border_distance_km"] < radius).astype("boolean").where(located, pd.NA)
    return frame


def _check_coordinates(frame: pd.DataFrame) -> None:
    lat = pd.to_numeric(frame["latitude"], errors="coerce")
    lon = pd.to_numeric(frame["longitude"], errors="coerce")
    bad = (lat.abs() > 90) | (lon.abs() > 180)
    if bad.any():
        first = bad.idxmax()
        raise InputError(f"latitude/longitude out of range in row {first!r}: ({lat[first]!r}, {lon[first]!r}); "
                         "expected WGS84 degrees, latitude -90..90 and longitude -180..180")


def _measure(lon: np.ndarray, lat: np.ndarray) -> dict[str, np.ndarray]:
    border = datasets.border_index().measure(lon, lat)
    admin = locate_admin(lon, lat, datasets.countries(), datasets.provinces(), datasets.world())
    crossing, crossing_km = nearest_place(lon, lat, datasets.crossings())
    units = locate_units(lon, lat, admin["province_code"].to_numpy(), datasets.admin_units())
    return {
        "side": admin["side"].to_numpy(),
        "border_distance_km": border.distance_km,
        "border_position_km": border.position_km,
        "nearest_crossing": crossing,
        "crossing_distance_km": crossing_km,
        "province": admin["province"].to_numpy(),
        "province_code": admin["province_code"].to_numpy(),
        "district": units["district"].to_numpy(),
        "tehsil": units["tehsil"].to_numpy(),
        "district_approximate": units["district_approximate"].to_numpy(),
    }


def locate_admin(lon: np.ndarray, lat: np.ndarray, countries: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame,
                 others: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Country (``side``) and province of each point, consistent with each other.

    Provinces are clipped to the countries, so a point inside a province is in that
    province's country; only the rest are tested against the countries. Where the provinces
    (Natural Earth) leave a sliver of the OSM country uncovered, the nearest province of
    that country is used.
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    in_province = containing(lon, lat, provinces.geometry.to_numpy())
    hit = in_province >= 0
    side = np.full(len(lon), "", dtype=object)
    province = np.full(len(lon), "", dtype=object)
    code = np.full(len(lon), "", dtype=object)
    side[hit] = provinces["country"].to_numpy(dtype=object)[in_province[hit]]
    province[hit] = provinces["province"].to_numpy(dtype=object)[in_province[hit]]
    code[hit] = provinces["province_code"].to_numpy(dtype=object)[in_province[hit]]
    rest = np.flatnonzero(~hit)
    if len(rest):
        in_country = containing(lon[rest], lat[rest], countries.geometry.to_numpy())
        side[rest] = np.where(in_country >= 0, countries["iso2"].to_numpy(dtype=object)[in_country], "")
        if others is not None:
            outside = rest[in_country < 0]
            in_other = containing(lon[outside], lat[outside], others.geometry.to_numpy())
            side[outside] = np.where(in_other >= 0, others["iso2"].to_numpy(dtype=object)[in_other], "")
        sliver = rest[in_country >= 0]
        for country in ("AF", "PK"):
            mine = sliver[side[sliver] == country]
            if len(mine):
                province[mine], code[mine] = _nearest_province(lon[mine], lat[mine], provinces, country)
    return pd.DataFrame({"side": side, "province": province, "province_code": code})


def containing(lon: np.ndarray, lat: np.ndarray, polygons: np.ndarray, cell: float | None = None) -> np.ndarray:
    """Position of the first polygon containing each point, or -1.

    A grid of small cells over the region, each cell marked with the polygon that contains
    it whole, or as in none when no polygon touches it (built once per set of polygons),
    answers most points with an array lookup.
    The rest, near an edge or outside the grid, are tested against prepared polygons, each
    only for the points inside its bounding box.
    """
    found = _cell_grid(polygons, cell or _GRID_CELL).lookup(lon, lat)
    todo = np.flatnonzero(found == _UNKNOWN)
    todo_lon, todo_lat = lon[todo], lat[todo]
    for position, polygon in enumerate(polygons):
        if polygon is None or polygon.is_empty or len(todo) == 0:
            continue
        west, south, east, north = polygon.bounds
        candidates = np.flatnonzero((todo_lon >= west) & (todo_lon <= east) & (todo_lat >= south)
                                    & (todo_lat <= north) & (found[todo] == _UNKNOWN))
        if len(candidates) == 0:
            continue
        shapely.prepare(polygon)
        inside = candidates[shapely.contains_xy(polygon, todo_lon[candidates], todo_lat[candidates])]
        found[todo[inside]] = position
    found[found == _UNKNOWN] = -1
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

    def lookup(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        west, south, _, _ = _GRID_EXTENT
        column = np.floor((np.asarray(lon) - west) / self.cell)
        row = np.floor((np.asarray(lat) - south) / self.cell)
        inside = (column >= 0) & (column < self.owner.shape[1]) & (row >= 0) & (row < self.owner.shape[0])
        found = np.full(len(column), _UNKNOWN, dtype=np.int64)
        found[inside] = self.owner[row[inside].astype(np.int64), column[inside].astype(np.int64)]
        return found


_GRIDS: dict[tuple, tuple[np.ndarray, _CellGrid]] = {}


def _cell_grid(polygons: np.ndarray, cell: float = _GRID_CELL) -> _CellGrid:
    key = (cell, *map(id, polygons))
    if key not in _GRIDS:  # the polygons are kept with their grid, so their ids stay theirs
        from geomap import cache

        inputs = repr((_GRID_EXTENT, cell)).encode() + b"".join(shapely.to_wkb(polygons).tolist())
        owner = cache.cached_arrays("cell-grid", lambda: {"owner": _owner_grid(polygons, cell)}, inputs,
                                    (__name__,))["owner"]
        _GRIDS[key] = (polygons, _CellGrid(owner, cell))
    return _GRIDS[key][1]


def _owner_grid(polygons: np.ndarray, cell: float = _GRID_CELL) -> np.ndarray:
    """For each grid cell: the polygon containing it whole, -1 if none touches it, else _UNKNOWN."""
    west, south, east, north = _GRID_EXTENT
    columns, rows = round((east - west) / cell), round((north - south) / cell)
    x0 = west + cell * np.arange(columns)
    y0 = south + cell * np.arange(rows)
    xx, yy = np.meshgrid(x0, y0)
    cells = shapely.box(xx.ravel(), yy.ravel(), xx.ravel() + cell, yy.ravel() + cell)
    tree = shapely.STRtree(cells)
    # A cell that touches no polygon is known to be in none; one a polygon holds whole is that polygon's.
    owner = np.full(rows * columns, -1, dtype=np.int16 if len(polygons) < 2**15 else np.int64)
    owner[tree.query(polygons, predicate="intersects")[1]] = _UNKNOWN
    holder, held = tree.query(polygons, predicate="contains")
    owner[held] = holder
    return owner.reshape(rows, columns)


def _nearest_province(lon: np.ndarray, lat: np.ndarray, provinces: gpd.GeoDataFrame,
                      country: str) -> tuple[np.ndarray, np.ndarray]:
    """Nearest province of ``country``, for points in the country but in no province polygon.

    Those points lie in slivers a few km wide where the Natural Earth provinces stop short of
    the OSM border. The nearest point of the provinces' outlines, simplified to 200 m and
    with a point every 25 m, names the province (a KD-tree search, ~1 microsecond a point,
    where a nearest-polygon search takes ~50).
    """
    names, codes, owner, tree = _province_outlines(provinces, country)
    x, y = to_region(lon, lat)
    _, nearest = tree.query(np.column_stack([x, y]))
    return names[owner[nearest]], codes[owner[nearest]]


_OUTLINES: dict[tuple[int, str], tuple] = {}


def _province_outlines(provinces: gpd.GeoDataFrame, country: str) -> tuple:
    key = (id(provinces), country)
    if key not in _OUTLINES:  # the frame is kept with its outlines, so its id stays its own
        from scipy.spatial import cKDTree

        own = provinces[provinces["country"] == country]
        metric = shapely.simplify(own.to_crs(settings.METRIC_CRS).geometry.to_numpy(), 200.0, preserve_topology=True)
        points, owner = shapely.get_coordinates(shapely.segmentize(metric, 25.0), return_index=True)
        _OUTLINES[key] = (provinces, own["province"].to_numpy(dtype=object),
                          own["province_code"].to_numpy(dtype=object), owner, cKDTree(points))
    return _OUTLINES[key][1:]


def nearest_place(lon: np.ndarray, lat: np.ndarray, places: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Name of, and geodesic distance (km) to, the nearest of ``places`` for each point."""
    if places.empty:
        return np.full(len(lon), "", dtype=object), np.full(len(lon), np.nan)
    place_lon = places["longitude"].to_numpy(dtype=float)
    place_lat = places["latitude"].to_numpy(dtype=float)
    nearest = _nearest_by_chord(unit_vectors(lon, lat), unit_vectors(place_lon, place_lat))
    km = distance_km(lon, lat, place_lon[nearest], place_lat[nearest])
    return places["name"].to_numpy(dtype=object)[nearest], km


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
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    province_code = np.asarray(province_code, dtype=object)
    unit_province = units["province_code"].to_numpy(dtype=object)
    found = containing(lon, lat, units.geometry.to_numpy(), _UNIT_GRID_CELL)
    held = found >= 0
    held[held] = unit_province[found[held]] == province_code[held]
    regional = pd.Series(province_code).fillna("").str[:2].isin(["AF", "PK"]).to_numpy()
    nearest = np.flatnonzero(~held & regional)
    if len(nearest):
        codes, uniques = pd.factorize(pd.Series(province_code[nearest], dtype=object))
        for position, code in enumerate(uniques):
            mine = nearest[codes == position]
            found[mine] = _nearest_unit(lon[mine], lat[mine], units, code)
    district = np.full(len(lon), "", dtype=object)
    tehsil = np.full(len(lon), "", dtype=object)
    placed = found >= 0
    district[placed] = units["district"].to_numpy(dtype=object)[found[placed]]
    tehsil[placed] = units["tehsil"].to_numpy(dtype=object)[found[placed]]
    former = np.full(len(lon), "", dtype=object)
    if "former_district" in units:
        former[placed] = units["former_district"].to_numpy(dtype=object)[found[placed]]
    approximate = np.where(regional, ~held & placed, False)
    return pd.DataFrame({"district": district, "tehsil": tehsil,
                         "district_approximate": pd.array(np.where(placed, approximate, pd.NA), dtype="boolean"),
                         "former_district": former})


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
    key = (id(units), province_code)
    if key not in _UNIT_TREES:  # the frame is kept with its tree, so its id stays its own
        own = np.flatnonzero(units["province_code"].to_numpy(dtype=object) == province_code)
        metric = units.iloc[own].to_crs(settings.METRIC_CRS).geometry.to_numpy()
        _UNIT_TREES[key] = (units, own, shapely.STRtree(metric))
    return _UNIT_TREES[key][1:]


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
