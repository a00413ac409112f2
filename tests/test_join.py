"""The border join: geodesic distances checked against brute force, and real places on the right side."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from geomap import datasets, geocode, join
from geomap.geodesy import GEOD, LineIndex, densify_geodesic, distance_km
from geomap.join import JOIN_COLUMNS


def _brute_force_km(lon: float, lat: float, dense: np.ndarray) -> float:
    _, _, metres = GEOD.inv(np.full(len(dense), lon), np.full(len(dense), lat), dense[:, 0], dense[:, 1])
    return float(metres.min()) / 1000.0


@pytest.fixture(scope="module")
def dense_border() -> np.ndarray:
    """The border with a vertex every 10 m along each geodesic segment: the reference line."""
    return densify_geodesic(np.asarray(datasets.border().geometry.iloc[0].coords), 10.0)


def test_border_distance_agrees_with_brute_force_geodesic_within_a_metre(dense_border):
    rng = np.random.default_rng(2025)
    # The region, places on and near the line, and far points (Istanbul, Doha, Delhi, Tashkent, Muscat and
    # beyond), where many stretches of the line are nearly equidistant.
    lon = np.concatenate([rng.uniform(60.5, 75.0, 25), rng.uniform(45.0, 90.0, 8),
                          [69.92, 70.07, 71.085, 66.40, 28.95, 51.53, 77.21, 69.24, 58.41]])
    lat = np.concatenate([rng.uniform(25.0, 38.0, 25), rng.uniform(15.0, 50.0, 8),
                          [33.34, 33.00, 34.115, 31.01, 41.01, 25.29, 28.61, 41.30, 23.59]])
    measured = datasets.border_index().measure(lon, lat).distance_km
    reference = np.array([_brute_force_km(x, y, dense_border) for x, y in zip(lon, lat, strict=True)])
    assert np.abs(measured - reference).max() * 1000 < 1.0


def test_line_index_on_a_small_line_matches_known_geometry():
    # A meridian segment: distance from a point due east equals the geodesic to the foot point.
    index = LineIndex(shapely.LineString([(70.0, 34.0), (70.0, 33.0)]))
    result = index.measure(np.array([70.1]), np.array([33.5]))
    expected = float(distance_km(70.1, 33.5, 70.0, 33.5))
    assert result.distance_km[0] == pytest.approx(expected, abs=1e-3)
    assert result.position_km[0] == pytest.approx(float(distance_km(70, 34, 70, 33.5)), abs=0.05)
    assert index.length_km == pytest.approx(float(distance_km(70, 34, 70, 33)), abs=1e-6)


def test_real_places_land_on_the_right_side_and_province():
    frame = geocode(pd.DataFrame({"place": ["Khost", "Ghulam Khan crossing", "Miran Shah", "Torkham", "Chaman",
                                            "Spin Boldak", "Wana"]}))
    out = join(frame).set_index("place")
    assert out.loc["Khost", "side"] == "AF" and out.loc["Khost", "province"] == "Khost"
    assert out.loc["Khost", "province_code"] == "AF-KHO"
    assert out.loc["Ghulam Khan crossing", "border_distance_km"] < 2.0
    assert out.loc["Ghulam Khan crossing", "nearest_crossing"] == "Ghulam Khan"
    assert out.loc["Miran Shah", "side"] == "PK"
    assert out.loc["Miran Shah", "province"] == "Khyber Pakhtunkhwa"
    assert out.loc["Torkham", "border_distance_km"] < 1.0
    assert out.loc["Chaman", "side"] == "PK" and out.loc["Chaman", "province"] == "Balochistan"
    assert out.loc["Spin Boldak", "side"] == "AF" and out.loc["Spin Boldak", "province"] == "Kandahar"
    assert out.loc["Wana", "border_distance_km"] > 10


def test_position_along_the_border_runs_north_to_south():
    out = join(pd.DataFrame({"latitude": [36.88, 34.11, 33.15, 30.92], "longitude": [73.35, 71.08, 70.03, 66.44]}))
    positions = out["border_position_km"].to_numpy()
    assert (np.diff(positions) > 0).all()
    assert 0 <= positions[0] < positions[-1] <= datasets.border_index().length_km


def test_side_and_province_always_agree():
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({"latitude": rng.uniform(28, 37, 400), "longitude": rng.uniform(61, 74, 400)})
    out = join(frame)
    regional = out[out["side"].isin(["AF", "PK"])]
    assert len(regional) > 200
    assert (regional["province_code"].str[:2] == regional["side"]).all()
    assert (out["border_distance_km"] >= 0).all()


def test_rows_without_coordinates_are_kept_with_empty_join_columns():
    frame = pd.DataFrame({"latitude": [33.3, np.nan], "longitude": [69.9, np.nan], "note": ["x", "y"]})
    out = join(frame)
    assert len(out) == 2 and set(JOIN_COLUMNS) <= set(out.columns)
    assert out.loc[1, JOIN_COLUMNS].isna().all()
    assert out.loc[0, "side"] == "AF"
    assert "side" not in frame.columns


def test_far_away_points_get_their_own_country():
    out = join(pd.DataFrame({"latitude": [41.01, 25.29], "longitude": [28.95, 51.53]}))
    assert list(out["side"]) == ["TR", "QA"]
    assert (out["province"] == "").all()


def test_district_and_tehsil_come_from_the_polygons():
    # Khost city, Mir Ali, Chaman, a village in Bajaur's Mamund tehsil, Kandahar city, Karachi's Gadap.
    frame = pd.DataFrame({"latitude": [33.34, 32.97, 30.92, 34.80, 31.61, 25.0],
                          "longitude": [69.92, 70.27, 66.45, 71.45, 65.71, 67.0]})
    out = join(frame)
    assert list(out["district"]) == ["Khost", "North Waziristan", "Chaman", "Bajaur", "Kandahar", "Malir"]
    assert list(out["tehsil"]) == ["", "Mir Ali", "Chaman", "Mamund", "", "Gadap Town"]
    assert not out["district_approximate"].any()


def test_every_point_of_a_grid_gets_the_district_of_the_polygon_that_holds_it():
    from geomap.join import containing

    units = datasets.admin_units()
    lon, lat = np.meshgrid(np.arange(61.0, 77.5, 0.25), np.arange(24.0, 38.5, 0.25))
    out = join(pd.DataFrame({"latitude": lat.ravel(), "longitude": lon.ravel()}))
    regional = out["side"].isin(["AF", "PK"]).to_numpy()
    holder = containing(lon.ravel(), lat.ravel(), units.geometry.to_numpy())
    held = regional & (holder >= 0)
    truth = units["district"].to_numpy(dtype=object)[holder[held]]
    assert held.sum() > 2_000
    assert (out.loc[held, "district"].to_numpy() == truth).mean() >= 0.97
    # Outside every polygon but inside the countries (slivers along the border, the coast): approximate, said so.
    assert out.loc[regional & (holder < 0), "district_approximate"].all()
    assert out.loc[regional, "district"].ne("").all()
    assert out.loc[~regional, "district"].isna().all() | out.loc[~regional, "district"].eq("").all()


def test_a_district_never_contradicts_the_side_or_province():
    units = datasets.admin_units().set_index(["district", "province_code"])
    rng = np.random.default_rng(3)
    out = join(pd.DataFrame({"latitude": rng.uniform(28, 37, 500), "longitude": rng.uniform(61, 74, 500)}))
    regional = out[out["side"].isin(["AF", "PK"])]
    pairs = set(zip(regional["district"], regional["province_code"], strict=True))
    assert pairs <= set(units.index), pairs - set(units.index)


def test_disagreement_flags_a_row_whose_own_country_or_province_differs_from_the_join():
    frame = pd.DataFrame({"latitude": [33.34, 33.0025, 33.0025, 33.0025, np.nan],
                          "longitude": [69.92, 70.06889, 70.06889, 70.06889, np.nan],
                          "country": ["Afghanistan", "Afghanistan", "Pakistan", "Pakistan", "Pakistan"],
                          "admin1": ["Khost", "", "Federally Administered Tribal Areas", "Balochistan", "Sindh"]})
    out = join(frame)
    assert out["disagreement"].tolist()[:4] == [False, True, False, True]
    assert pd.isna(out.loc[4, "disagreement"])
    assert join(frame.drop(columns=["country", "admin1"]))["disagreement"].isna().all()  # nothing to compare
