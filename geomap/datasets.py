"""The only module that reads geomap's bundled data.

Files are read through :mod:`importlib.resources`, so they are found inside an installed
wheel as well as in a source checkout. Each loader caches its result; callers get the
same frame back and must not modify it.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import as_file, files
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geomap.errors import DataError
from geomap.geodesy import LineIndex

_PACKAGE = "geomap.data"
SAMPLE = "curated/incidents_2025.csv"


def _resource(name: str):
    resource = files(_PACKAGE).joinpath(name)
    if not resource.is_file():
        raise DataError(f"bundled data file {name!r} is missing from the installed package; reinstall geomap")
    return resource


def _read_geo(name: str) -> gpd.GeoDataFrame:
    with as_file(_resource(name)) as path:
        try:
            return gpd.read_parquet(path)
        except Exception as exc:  # a truncated or foreign file: say which one
            raise DataError(f"bundled data file {name!r} cannot be read ({exc})") from exc


@cache
def border() -> gpd.GeoDataFrame:
    """The Afghanistan-Pakistan border as one line, north (China tripoint) to south (Iran tripoint)."""
    return _read_geo("border.parquet")


@cache
def border_index() -> LineIndex:
    """A :class:`~geomap.geodesy.LineIndex` over :func:`border`, built once per process."""
    return LineIndex(border().geometry.iloc[0])


@cache
def countries() -> gpd.GeoDataFrame:
    """Afghanistan and Pakistan polygons from the same source as the border line."""
    return _read_geo("countries.parquet")


@cache
def world() -> gpd.GeoDataFrame:
    """Simplified polygons of every other country (``neighbour`` marks those around the region)."""
    return _read_geo("world.parquet")


@cache
def provinces() -> gpd.GeoDataFrame:
    """Current provinces of both countries (Khyber Pakhtunkhwa includes former FATA)."""
    return _read_geo("provinces.parquet")


@cache
def gazetteer() -> pd.DataFrame:
    """Every place geomap can name: GeoNames places, world cities, provinces, countries, curated places."""
    with as_file(_resource("gazetteer.parquet")) as path:
        return pd.read_parquet(path)


@cache
def districts() -> pd.DataFrame:
    """District seats (points): a district answer from them is approximate."""
    with as_file(_resource("districts.parquet")) as path:
        return pd.read_parquet(path)


@cache
def crossings() -> pd.DataFrame:
    """Curated border crossings and passes, each with the source of its coordinate."""
    places = gazetteer()
    return places[places["kind"].isin(["crossing", "pass"])].reset_index(drop=True)


def sample_path() -> Path:
    """Path of the bundled sample of October-November 2025 border incidents (CSV)."""
    resource = _resource(SAMPLE)
    with as_file(resource) as path:
        return Path(path)
