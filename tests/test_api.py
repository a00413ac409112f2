"""The library as a notebook uses it: GeoDataFrames in and out, a quick import, names that stay functions."""

from __future__ import annotations

import subprocess
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import geomap


def test_the_notebook_cell_gives_a_geodataframe_of_wgs84_points():
    gdf = geomap.join(geomap.geocode(geomap.load(geomap.sample_path())))
    assert isinstance(gdf, gpd.GeoDataFrame)
    assert gdf.crs.to_epsg() == 4326
    located = gdf["latitude"].notna()
    assert located.sum() >= 30
    assert (gdf.geometry[located].geom_type == "Point").all() and gdf.geometry[~located].isna().all()
    np.testing.assert_allclose(gdf.geometry[located].y, gdf.loc[located, "latitude"])
    assert pd.api.types.is_datetime64_any_dtype(gdf["event_date"])
    assert pd.api.types.is_numeric_dtype(gdf["fatalities"])
    assert gdf["event_date"].notna().all()


def test_points_in_another_crs_are_placed_where_they_are():
    lonlat = pd.DataFrame({"place": ["a", "b"], "latitude": [34.1147, 31.0], "longitude": [71.0847, 66.4]})
    utm = gpd.GeoDataFrame(lonlat[["place"]], geometry=gpd.points_from_xy(lonlat["longitude"], lonlat["latitude"]),
                           crs="EPSG:4326").to_crs("EPSG:32642")
    from_utm = geomap.join(geomap.geocode(utm))
    from_columns = geomap.join(geomap.geocode(lonlat))
    np.testing.assert_allclose(from_utm["border_distance_km"], from_columns["border_distance_km"], atol=1e-3)
    assert list(from_utm["side"]) == list(from_columns["side"])
    assert (from_utm["geocode_status"] == "given").all()


def test_a_geodataframe_without_a_crs_is_refused():
    frame = gpd.GeoDataFrame({"place": ["x"]}, geometry=gpd.points_from_xy([71.0], [34.0]))
    with pytest.raises(geomap.InputError, match="no CRS"):
        geomap.geocode(frame)


def test_a_frame_in_memory_is_read_like_a_file(tmp_path):
    frame = pd.DataFrame({"place": ["Khost"], "event_date": ["12 October 2025"], "fatalities": ["3"]})
    loaded = geomap.load(frame)
    assert loaded["event_date"].iloc[0] == pd.Timestamp("2025-10-12")
    assert loaded["fatalities"].iloc[0] == 3


def test_reference_layers_are_geodataframes():
    for layer in (geomap.border(), geomap.crossings(), geomap.provinces(), geomap.districts()):
        assert isinstance(layer, gpd.GeoDataFrame) and layer.crs.to_epsg() == 4326 and len(layer)
    assert "Torkham" in set(geomap.crossings()["name"])
    geomap.crossings().drop(columns="name")  # copies: changing them cannot damage the bundled data
    assert "name" in geomap.crossings()


def test_import_is_quick_and_names_stay_functions_after_their_modules_load():
    code = (
        "import sys, geomap\n"
        "heavy = [m for m in ('pandas', 'geopandas', 'folium', 'numpy') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "import geomap.load, geomap.geocode, geomap.join, geomap.render, geomap.extract\n"
        "from geomap.geocode import resolve\n"
        "assert all(callable(getattr(geomap, n)) and not isinstance(getattr(geomap, n), type(sys))\n"
        "           for n in ('load', 'geocode', 'join', 'render', 'extract')), 'a name became a module'\n"
        "assert geomap.stats.tables and geomap.__version__\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr
