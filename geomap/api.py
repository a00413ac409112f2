"""The library as a notebook uses it: GeoDataFrames in, GeoDataFrames out.

The stages underneath (:mod:`geomap.load`, :mod:`geomap.geocode`, :mod:`geomap.join`) work on
plain DataFrames with ``latitude``/``longitude`` columns, which is what the command line and
the Dask engine pass between them. These wrappers accept either a DataFrame or a
GeoDataFrame (points in any CRS) and return a GeoDataFrame with WGS84 point geometry, numeric
``fatalities`` and datetime ``event_date``, so the result plots, joins and exports like any
other geopandas frame::

    import geomap
    gdf = geomap.join(geomap.geocode(geomap.load(geomap.sample_path())))
    gdf.plot(column="border_distance_km")
    m = geomap.render(gdf)

Nothing heavy is imported until a function is called, so ``import geomap`` is quick.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    import folium
    import geopandas as gpd
    import pandas as pd

_WGS84 = "EPSG:4326"


def load(source: str | Path | pd.DataFrame, format: str | None = None, columns: str | dict | None = None,
         **options) -> gpd.GeoDataFrame:
    """Read incidents into geomap's schema.

    Parameters
    ----------
    source
        A file (CSV, GDELT event file, GeoJSON, GeoParquet, GeoPackage), or a DataFrame /
        GeoDataFrame already in memory (a GeoDataFrame's points may be in any CRS).
    format
        ``acled``, ``ucdp``, ``gdelt`` or ``generic``; None detects it from the columns.
    columns
        ``"place=location,event_date=date"``: which source column holds which geomap column.
    options
        Further reader options for files (see :func:`geomap.load.load`).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per input row, in order, with the source's own columns and geomap's schema.

    Examples
    --------
    >>> incidents = geomap.load(geomap.sample_path())
    >>> incidents.crs.to_string()
    'EPSG:4326'
    """
    _stage = _stage_module("load")

    if _is_frame(source):
        return _frame_out(_stage.standardise(_frame_in(source), format, columns))
    return _frame_out(_stage.load(source, format, columns, **options))


def geocode(incidents: pd.DataFrame, place_column: str | None = None, country_column: str | None = None,
            province_column: str | None = None) -> gpd.GeoDataFrame:
    """Coordinates for place names, offline; rows that have coordinates keep them.

    Parameters
    ----------
    incidents
        A DataFrame or GeoDataFrame with a place-name column (``place`` by default).
    place_column, country_column, province_column
        Column names; defaults in :mod:`geomap.settings`. Country and province, when given,
        choose between places of the same name.

    Returns
    -------
    geopandas.GeoDataFrame
        The same rows plus ``latitude``, ``longitude``, ``geo_precision``, ``gazetteer_id``,
        ``gazetteer_name``, ``feature_kind``, ``match_score`` and ``geocode_status``.

    Examples
    --------
    >>> located = geomap.geocode(pd.DataFrame({"place": ["Khost", "Spin Buldak", "خوست"]}))
    >>> located["geocode_status"].tolist()
    ['matched', 'matched', 'matched']
    """
    _stage = _stage_module("geocode")

    return _frame_out(_stage.geocode(_frame_in(incidents), place_column, country_column, province_column))


def join(incidents: pd.DataFrame) -> gpd.GeoDataFrame:
    """Border distance, side, nearest crossing, position along the border, province and district.

    Parameters
    ----------
    incidents
        Located incidents: a GeoDataFrame of points, or a frame with ``latitude`` and
        ``longitude`` (the output of :func:`geocode`). Rows without a location are kept, with
        empty join columns.

    Returns
    -------
    geopandas.GeoDataFrame
        The same rows plus the join columns (see :func:`geomap.join.join`).

    Examples
    --------
    >>> joined = geomap.join(geomap.geocode(geomap.load(geomap.sample_path())))
    >>> joined.groupby("province").size().sort_values().tail(3)
    """
    _stage = _stage_module("join")

    return _frame_out(_stage.join(_frame_in(incidents)))


def render(incidents: pd.DataFrame, title: str = "Afghanistan–Pakistan border incidents", tiles: str | None = None,
           **options) -> folium.Map:
    """The interactive map of joined incidents, as a :class:`folium.Map`.

    The map is an ordinary folium map: add your own layers, markers and popups to it, then
    show it inline or ``save()`` it. See :func:`geomap.render.render` for the options.

    Examples
    --------
    >>> m = geomap.render(joined, offline=True)
    >>> folium.Marker([34.1, 71.1], popup="Torkham").add_to(m)
    >>> m.save("map.html")
    """
    _stage = _stage_module("render")

    return _stage.render(_frame_in(incidents), title, tiles, **options)


def border() -> gpd.GeoDataFrame:
    """The Afghanistan–Pakistan border (OpenStreetMap, 2017) as one WGS84 line, north to south."""
    from geomap import datasets

    return datasets.border().copy()


def crossings() -> gpd.GeoDataFrame:
    """Curated border crossings and passes as WGS84 points, each with the source of its coordinate."""
    from geomap import datasets

    return _points(datasets.crossings())


def provinces() -> gpd.GeoDataFrame:
    """Provinces of Afghanistan and Pakistan (WGS84 polygons) with ISO 3166-2 codes."""
    from geomap import datasets

    return datasets.provinces().copy()


def districts() -> gpd.GeoDataFrame:
    """Districts (Afghanistan) and their Pakistani counterparts as bundled: polygons where geomap has them."""
    import geopandas as gpd

    from geomap import datasets

    table = datasets.districts()
    if isinstance(table, gpd.GeoDataFrame):
        return table.copy()
    return _points(table)


def _stage_module(name: str):
    # The package's attribute of that name is this module's function, so the stage is imported by its full name.
    import importlib

    return importlib.import_module(f"geomap.{name}")


def _is_frame(value) -> bool:
    import pandas as pd

    return isinstance(value, pd.DataFrame)


def _frame_in(frame: pd.DataFrame) -> pd.DataFrame:
    """A plain DataFrame with WGS84 ``latitude``/``longitude`` for the stages underneath."""
    import geopandas as gpd
    import pandas as pd

    from geomap.errors import InputError

    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"expected a DataFrame or GeoDataFrame of incidents, got {type(frame).__name__}")
    if not isinstance(frame, gpd.GeoDataFrame) or frame._geometry_column_name not in frame:
        return pd.DataFrame(frame)
    geometry = frame.geometry
    if geometry.isna().all():
        return pd.DataFrame(frame.drop(columns=frame.geometry.name))
    if frame.crs is None:
        raise InputError("the GeoDataFrame has no CRS; set one (e.g. gdf.set_crs('EPSG:4326')) so its points "
                         "can be placed")
    if not frame.crs.equals(_WGS84):
        geometry = geometry.to_crs(_WGS84)
    present = geometry.notna() & ~geometry.is_empty
    points = geometry.where(~present | (geometry.geom_type == "Point"), geometry.representative_point())
    out = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    out["latitude"] = points.y.where(present)
    out["longitude"] = points.x.where(present)
    return out


def _frame_out(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """WGS84 points from ``latitude``/``longitude``; ``fatalities`` numeric; ``event_date`` as datetimes."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd

    out = pd.DataFrame(frame).copy()
    if "fatalities" in out:
        out["fatalities"] = pd.to_numeric(out["fatalities"], errors="coerce")
    if "event_date" in out and not pd.api.types.is_datetime64_any_dtype(out["event_date"]):
        text = out["event_date"].astype("string").str.strip()
        dates = pd.to_datetime(text, errors="coerce", format="ISO8601")
        lost = dates.isna() & text.notna() & (text != "")
        if lost.any() and "event_date_raw" not in out:  # text that is no date stays readable
            out["event_date_raw"] = frame["event_date"]
        out["event_date"] = dates
    if {"latitude", "longitude"} <= set(out.columns):
        lat = pd.to_numeric(out["latitude"], errors="coerce").to_numpy(dtype=float)
        lon = pd.to_numeric(out["longitude"], errors="coerce").to_numpy(dtype=float)
        located = np.isfinite(lat) & np.isfinite(lon)
        geometry = gpd.GeoSeries(gpd.points_from_xy(np.where(located, lon, 0), np.where(located, lat, 0)),
                                 index=out.index, crs=_WGS84).where(located, None)
    else:
        geometry = gpd.GeoSeries([None] * len(out), index=out.index, crs=_WGS84)
    return gpd.GeoDataFrame(out, geometry=geometry, crs=_WGS84)


def _points(table: pd.DataFrame) -> gpd.GeoDataFrame:
    import geopandas as gpd

    return gpd.GeoDataFrame(table.copy(), geometry=gpd.points_from_xy(table["longitude"], table["latitude"]),
                            crs=_WGS84)


__all__ = ["border", "crossings", "districts", "geocode", "join", "load", "provinces", "render"]
