"""The bundled data: present in the installed package, complete, and consistent with itself."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pycountry
import pytest

from geomap import datasets
from geomap.geodesy import line_length_km


def test_border_is_one_long_high_resolution_line_from_china_to_iran():
    border = datasets.border()
    line = border.geometry.iloc[0]
    assert line.geom_type == "LineString"
    assert len(line.coords) >= 10_000
    north, south = line.coords[0], line.coords[-1]
    assert north[1] > 36.5 and north[0] > 74  # Wakhan, at the China tripoint
    assert south[1] < 30.5 and south[0] < 61.5  # the Iran tripoint
    length = line_length_km(line)
    assert 2_600 < length < 2_900
    assert border["length_km"].iloc[0] == pytest.approx(length, rel=1e-9)


def test_border_is_the_shared_edge_of_the_two_country_polygons():
    countries = datasets.countries().set_index("iso2")
    line = datasets.border().geometry.iloc[0]
    for iso in ("AF", "PK"):
        assert countries.loc[iso, "geometry"].boundary.buffer(1e-6).covers(line)


def test_provinces_are_current_with_valid_iso_codes():
    provinces = datasets.provinces()
    af = provinces[provinces.country == "AF"]
    pk = provinces[provinces.country == "PK"]
    assert len(af) == 34 and af["province_code"].is_unique
    assert {"Daykundi", "Panjshir", "Uruzgan", "Parwan"} <= set(af["province"])
    assert "Khyber Pakhtunkhwa" in set(pk["province"])
    assert not {"N.W.F.P.", "F.A.T.A.", "Sind", "Northern Areas"} & set(pk["province"])
    for code in provinces["province_code"]:
        assert pycountry.subdivisions.get(code=code) is not None, code


def test_former_fata_lies_in_khyber_pakhtunkhwa():
    provinces = datasets.provinces().set_index("province")
    import shapely
    miranshah = shapely.Point(70.0689, 33.0025)
    assert provinces.loc["Khyber Pakhtunkhwa", "geometry"].contains(miranshah)


def test_provinces_stay_inside_their_own_country():
    countries = datasets.countries().set_index("iso2")
    for row in datasets.provinces().itertuples():
        outside = row.geometry.difference(countries.loc[row.country, "geometry"]).area
        assert outside < 1e-9, row.province


def test_gazetteer_has_alternate_names_in_latin_and_arabic_script():
    places = datasets.gazetteer()
    regional = places[places.country.isin(["AF", "PK"]) & (places.layer == "regional")]
    assert len(regional) > 800
    names = regional["alt_names"].str.split("|").explode()
    assert names.str.contains("[\u0600-\u06ff]", regex=True).sum() > 1_000
    world = places[places.layer == "world"]
    assert {"Istanbul", "Doha", "Tehran"} <= set(world["name"])


def test_every_curated_place_names_its_source_and_sits_on_its_side():
    places = datasets.gazetteer()
    curated = places[places.layer == "curated"]
    assert len(curated) >= 50
    assert curated["source"].str.contains("http").all()
    regional = curated[curated.kind != "crossing"]
    assert (regional["country"] == regional["province_code"].str[:2]).all()


def test_crossings_lie_on_the_border():
    crossings = datasets.crossings()
    names = set(crossings["name"])
    for expected in ("Torkham", "Ghulam Khan", "Angoor Adda", "Spin Boldak–Chaman"):
        assert expected in names
    distance = datasets.border_index().measure(crossings["longitude"], crossings["latitude"]).distance_km
    assert (distance < 15).all(), dict(zip(crossings["name"], np.round(distance, 2), strict=True))
    assert (distance[crossings["coord_precision"].to_numpy() == "exact"] < 5).all()


def test_sample_has_thirty_sourced_incidents_from_october_november_2025():
    sample = pd.read_csv(datasets.sample_path())
    assert len(sample) >= 30
    dates = pd.to_datetime(sample["event_date"])
    assert dates.min() >= pd.Timestamp("2025-10-01") and dates.max() <= pd.Timestamp("2025-11-30")
    assert sample["source_url"].str.startswith("http").all()
    assert sample["description"].str.len().le(240).all()
    assert sample["id"].is_unique
