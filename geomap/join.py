"""Spatial join of located incidents with the border, crossings, countries and provinces.

Every measure is computed for all rows at once (spatial indexes and array maths, no loop
per row). Side of border, country and province all come from one geometry: the OSM
country polygons the border line was cut from, and provinces clipped to them.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geomap import datasets, settings
from geomap.errors import InputError
from geomap.geodesy import distance_km, unit_vectors

JOIN_COLUMNS = [
    "side", "border_distance_km", "border_position_km", "nearest_crossing", "crossing_distance_km",
    "province", "province_code", "district",
]
#: Added after JOIN_COLUMNS: how far the row's location may be off, and whether that reaches the border.
UNCERTAINTY_COLUMNS = ["uncertainty_km", "side_uncertain"]


def join(incidents: pd.DataFrame) -> pd.DataFrame:
    """Add border and admin columns to located incidents.

    Parameters
    ----------
    incidents
        A frame with ``latitude`` and ``longitude`` in WGS84 (rows without them are kept,
        with empty join columns). If the frame has no coordinates yet it is geocoded first.

    Returns
    -------
    pandas.DataFrame
        A new frame with the input columns and :data:`JOIN_COLUMNS`:

        - ``side``: ISO2 code of the country that contains the point;
        - ``border_distance_km``: geodesic distance to the Afghanistan-Pakistan border;
        - ``border_position_km``: distance along the border from its northern end (China
          tripoint) to the point's nearest point on the line;
        - ``nearest_crossing``, ``crossing_distance_km``: closest curated crossing or pass;
        - ``province``, ``province_code`` (ISO 3166-2), ``district`` (nearest district seat in
          that province: an approximation, as no district polygons are bundled);
        - ``uncertainty_km``: the radius the row's ``geo_precision`` stands for
          (:data:`geomap.settings.PRECISION_RADIUS_KM`; a row without one counts as an exact place);
        - ``side_uncertain``: True where that radius reaches the border, so the incident may
          have happened on the other side.
    """
    if "latitude" not in incidents or "longitude" not in incidents:
        from geomap.geocode import geocode  # a later stage would be a cycle at import time

        incidents = geocode(incidents)
    _check_coordinates(incidents)
    out = incidents.copy()
    lon = pd.to_numeric(out["longitude"], errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(out["latitude"], errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(lon) & np.isfinite(lat)

    result = pd.DataFrame(index=out.index, columns=JOIN_COLUMNS, dtype=object)
    if ok.any():
        located = _measure(lon[ok], lat[ok])
        for column in JOIN_COLUMNS:
            result.loc[ok, column] = located[column].to_numpy()
    for column in ("border_distance_km", "border_position_km", "crossing_distance_km"):
        result[column] = pd.to_numeric(result[column]).round(3)
    for column in JOIN_COLUMNS:
        out[column] = result[column]
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


def _measure(lon: np.ndarray, lat: np.ndarray) -> pd.DataFrame:
    border = datasets.border_index().measure(lon, lat)
    admin = locate_admin(lon, lat, datasets.countries(), datasets.provinces(), datasets.world())
    crossing, crossing_km = nearest_place(lon, lat, datasets.crossings())
    district = nearest_district(lon, lat, admin["province_code"].to_numpy(), datasets.districts())
    return pd.DataFrame({
        "side": admin["side"].to_numpy(),
        "border_distance_km": border.distance_km,
        "border_position_km": border.position_km,
        "nearest_crossing": crossing,
        "crossing_distance_km": crossing_km,
        "province": admin["province"].to_numpy(),
        "province_code": admin["province_code"].to_numpy(),
        "district": district,
    })


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


def containing(lon: np.ndarray, lat: np.ndarray, polygons: np.ndarray) -> np.ndarray:
    """Position of the first polygon containing each point, or -1.

    Each polygon is prepared once and tested only against the points inside its bounding
    box: a few point-in-polygon tests per point however many points there are.
    """
    found = np.full(len(lon), -1, dtype=np.int64)
    for position, polygon in enumerate(polygons):
        if polygon is None or polygon.is_empty:
            continue
        west, south, east, north = polygon.bounds
        candidates = np.flatnonzero((found < 0) & (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north))
        if len(candidates) == 0:
            continue
        shapely.prepare(polygon)
        inside = shapely.contains_xy(polygon, lon[candidates], lat[candidates])
        found[candidates[inside]] = position
    return found


def _nearest_province(lon: np.ndarray, lat: np.ndarray, provinces: gpd.GeoDataFrame,
                      country: str) -> tuple[np.ndarray, np.ndarray]:
    own = provinces[provinces["country"] == country]
    metric = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=settings.CRS).to_crs(settings.METRIC_CRS)
    near = gpd.sjoin_nearest(metric, own[["province", "province_code", "geometry"]].to_crs(settings.METRIC_CRS),
                             how="left")
    near = near[~near.index.duplicated()]
    return near["province"].to_numpy(dtype=object), near["province_code"].to_numpy(dtype=object)


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


def nearest_district(lon: np.ndarray, lat: np.ndarray, province_code: np.ndarray,
                     districts: pd.DataFrame) -> np.ndarray:
    """Nearest district seat within the point's own province (approximate district)."""
    result = np.full(len(lon), "", dtype=object)
    codes, uniques = pd.factorize(pd.Series(province_code, dtype=object))
    for position, code in enumerate(uniques):
        group = districts[districts["province_code"] == code]
        if group.empty:
            continue
        mine = np.flatnonzero(codes == position)
        targets = unit_vectors(group["longitude"].to_numpy(), group["latitude"].to_numpy())
        nearest = _nearest_by_chord(unit_vectors(lon[mine], lat[mine]), targets)
        result[mine] = group["district"].to_numpy(dtype=object)[nearest]
    return result
