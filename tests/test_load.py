"""Reading incidents: formats, encodings, delimiters, coordinates; bad files get one clear error."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

from geomap import InputError
from geomap.load import load  # the reader stage itself: text columns as read, no geometry


def test_csv_keeps_every_column_and_row(tiny_incidents, write_csv):
    frame = load(write_csv(tiny_incidents))
    assert frame.columns.tolist() == [*tiny_incidents.columns, "date_note"]
    assert frame["place"].tolist() == tiny_incidents["place"].tolist()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1252"])
def test_csv_encodings(tmp_path, encoding):
    path = tmp_path / "e.csv"
    place = "Khōst" if encoding != "cp1252" else "Pešhawar"
    path.write_bytes(f"place,description\n{place},café\n".encode(encoding))
    frame = load(path)
    assert frame.columns.tolist() == ["place", "description"]
    assert frame.loc[0, "place"] == place


def test_semicolon_and_tab_delimiters_are_detected(tmp_path):
    (tmp_path / "s.csv").write_text("place;fatalities\nKhost;3\nWana;1\n", encoding="utf-8")
    (tmp_path / "t.tsv").write_text("place\tfatalities\nKhost\t3\n", encoding="utf-8")
    assert load(tmp_path / "s.csv")["fatalities"].tolist() == ["3", "1"]
    assert load(tmp_path / "t.tsv")["place"].tolist() == ["Khost"]


def test_coordinates_are_checked_swapped_and_flagged_never_dropped(tmp_path):
    (tmp_path / "c.csv").write_text(
        "place,lat,lon,country\nA,33.3,69.9,\nB,69.9,33.3,\nC,95,200,\nD,nan,,\nE,,,\nF,95,33.3,\n"
        "G,71.5,34.0,Pakistan\nH,69.725,30.0517,Norway\n", encoding="utf-8")
    frame = load(tmp_path / "c.csv")
    assert len(frame) == 8
    assert frame["coord_note"].tolist() == ["", "possibly swapped", "out of range", "", "", "swapped",
                                            "swapped (country)", ""]  # "nan" is a way to say empty
    assert frame.loc[1, ["latitude", "longitude"]].tolist() == [69.9, 33.3]  # doubted, never moved
    assert frame.loc[5, ["latitude", "longitude"]].tolist() == [33.3, 95.0]  # latitude 95 cannot be
    assert frame.loc[6, ["latitude", "longitude"]].tolist() == [34.0, 71.5]  # its country says so
    assert frame.loc[7, ["latitude", "longitude"]].tolist() == [69.725, 30.0517]  # Kirkenes stays in Norway
    assert frame.loc[2:4, "latitude"].isna().all()


def test_geojson_geoparquet_and_geopackage_round_trip(tmp_path):
    gdf = gpd.GeoDataFrame({"place": ["Khost", "Wana"]}, geometry=[Point(69.92, 33.34), Point(69.59, 32.30)],
                           crs="EPSG:4326")
    gdf.to_file(tmp_path / "i.geojson", driver="GeoJSON")
    gdf.to_parquet(tmp_path / "i.parquet")
    gdf.to_file(tmp_path / "i.gpkg", driver="GPKG")
    for name in ("i.geojson", "i.parquet", "i.gpkg"):
        frame = load(tmp_path / name)
        assert frame["place"].tolist() == ["Khost", "Wana"]
        assert frame["latitude"].tolist() == pytest.approx([33.34, 32.30])
        assert frame["longitude"].tolist() == pytest.approx([69.92, 69.59])


def test_projected_geometry_is_reprojected_to_wgs84(tmp_path):
    gdf = gpd.GeoDataFrame({"place": ["Khost"]}, geometry=[Point(69.92, 33.34)], crs="EPSG:4326").to_crs(32642)
    gdf.to_parquet(tmp_path / "utm.parquet")
    frame = load(tmp_path / "utm.parquet")
    assert frame.loc[0, "latitude"] == pytest.approx(33.34, abs=1e-6)


@pytest.mark.parametrize(("content", "name", "message"), [
    (None, "missing.csv", "does not exist"),
    ("", "empty.csv", "is empty"),
    ("a,b\n", "x.xlsx", "unknown extension '.xlsx'"),
    ("place,place\nKhost,Wana\n", "dupe.csv", "duplicated column names"),
    ("{not json", "bad.geojson", "not a readable .geojson"),
])
def test_bad_files_raise_one_clear_error(tmp_path, content, name, message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load(path)


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(InputError, match="is a directory"):
        load(tmp_path)


def test_header_only_file_gives_an_empty_frame(tmp_path):
    (tmp_path / "h.csv").write_text("place,description\n", encoding="utf-8")
    frame = load(tmp_path / "h.csv")
    assert frame.empty and frame.columns.tolist() == ["place", "description"]


