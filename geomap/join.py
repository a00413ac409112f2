"""Spatial join of located incidents with the border, crossings, countries and provinces.

Every measure is computed for all rows at once (spatial indexes and array maths, no loop
per row). Side of border, country and province all come from one geometry: the OSM
country polygons the border line was cut from, and provinces clipped to them.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

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

    A point's province is always one of its own country's: where the provinces (Natural
    Earth) leave a sliver of the OSM country uncovered, the nearest province of that
    country is used.
    """
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=settings.CRS)
    side = _containing(points, countries, "iso2")
    if others is not None and (side == "").any():
        rest = side == ""
        side[rest] = _containing(points[rest], others, "iso2")
    province = np.full(len(points), "", dtype=object)
    code = np.full(len(points), "", dtype=object)
    for country in ("AF", "PK"):
        mine = side == country
        if not mine.any():
            continue
        own = provinces[provinces["country"] == country]
        hit = gpd.sjoin(points[mine], own, how="left", predicate="within")
        hit = hit[~hit.index.duplicated()]
        missing = hit["province"].isna().to_numpy()
        if missing.any():
            metric = points[mine][missing].to_crs(settings.METRIC_CRS)
            near = gpd.sjoin_nearest(metric, own.to_crs(settings.METRIC_CRS), how="left")
            near = near[~near.index.duplicated()]
            hit.loc[near.index, ["province", "province_code"]] = near[["province", "province_code"]].to_numpy()
        province[mine] = hit["province"].to_numpy()
        code[mine] = hit["province_code"].to_numpy()
    return pd.DataFrame({"side": side, "province": province, "province_code": code})


def _containing(points: gpd.GeoDataFrame, polygons: gpd.GeoDataFrame, column: str) -> np.ndarray:
    hit = gpd.sjoin(points, polygons[[column, "geometry"]], how="left", predicate="within")
    hit = hit[~hit.index.duplicated()]
    return hit[column].fillna("").to_numpy(dtype=object)


def nearest_place(lon: np.ndarray, lat: np.ndarray, places: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Name of, and geodesic distance (km) to, the nearest of ``places`` for each point."""
    if places.empty:
        return np.full(len(lon), "", dtype=object), np.full(len(lon), np.nan)
    targets = unit_vectors(places["longitude"].to_numpy(), places["latitude"].to_numpy())
    nearest = _nearest_by_chord(unit_vectors(lon, lat), targets)
    chosen = places.iloc[nearest]
    km = distance_km(lon, lat, chosen["longitude"].to_numpy(), chosen["latitude"].to_numpy())
    return chosen["name"].to_numpy(dtype=object), km


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
    for code, group in districts.groupby("province_code"):
        mine = province_code == code
        if not mine.any():
            continue
        targets = unit_vectors(group["longitude"].to_numpy(), group["latitude"].to_numpy())
        nearest = _nearest_by_chord(unit_vectors(lon[mine], lat[mine]), targets)
        result[mine] = group["district"].to_numpy(dtype=object)[nearest]
    return result
