"""The seed article (shared/seed/article.txt, read where it lies): the places and incidents a reader finds in it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import geomap
from geomap.extract import BORDER_PLACE
from geomap.geodesy import distance_km


def _find_article() -> Path:
    """shared/ sits beside the checkout (in CI and in the work tree); GEOMAP_SEED_ARTICLE overrides."""
    if os.environ.get("GEOMAP_SEED_ARTICLE"):
        return Path(os.environ["GEOMAP_SEED_ARTICLE"])
    here = Path(__file__).resolve()
    candidates = [parent / "shared" / "seed" / "article.txt" for parent in here.parents]
    return next((c for c in candidates if c.is_file()), candidates[1])


ARTICLE = _find_article()
# Where each place is, from the bundled gazetteer's curated and GeoNames rows.
EXPECTED = {"Khost": (33.38, 69.90), "Gurbuz": (33.29, 69.91), "Ghulam Khan": (33.15, 70.03),
            "Kabul": (34.53, 69.17), "Istanbul": (41.01, 28.95), "Doha": (25.29, 51.53)}
NOT_PLACES = ("Attaullah", "Tarar", "Khawaja", "Asif", "Pakistani", "Afghan", "Reuters", "AFP", "Taliban")


@pytest.fixture(scope="module")
def seed():
    if not ARTICLE.is_file():
        pytest.fail(f"the seed article is missing: {ARTICLE}")
    return geomap.extract(ARTICLE.read_text(encoding="utf-8"), report_date="2025-10-29")


def test_every_expected_place_is_found_at_the_right_place(seed):
    mentions = seed.mentions
    for name, (lat, lon) in EXPECTED.items():
        found = mentions[mentions["place"].str.startswith(name)]
        assert not found.empty, name
        assert (distance_km(found["longitude"], found["latitude"], lon, lat) < 5).all(), name
    assert "Gurbuz district" in set(mentions["place"]) and "Khost province" in set(mentions["place"])
    assert mentions.loc[mentions["place"] == "Khost province", "feature_kind"].item() == "province"


def test_no_person_demonym_or_organisation_is_a_place(seed):
    for place in seed.mentions["place"]:
        assert not set(place.replace("'s", "").split()) & set(NOT_PLACES), place
    # "Tehrik-e-Taliban Pakistan" holds a country's name; it is not a mention of the country.
    text = ARTICLE.read_text(encoding="utf-8")
    ttp = text.index("Tehrik-e-Taliban Pakistan")
    assert not ((seed.mentions["span_start"] >= ttp) & (seed.mentions["span_start"] < ttp + 26)).any()


def test_the_incidents_of_the_article(seed):
    incidents = seed.incidents.set_index(["place", "event_type"])
    kabul = incidents.loc[("Kabul", "Explosions/Remote violence")]
    assert kabul["sub_event_type"] == "Air/drone strike" and kabul["event_date"].startswith("2025-10")
    doha = incidents.loc[("Doha", "Strategic developments")]
    assert doha["event_date"] == "2025-10-19" and doha["date_precision"] == "day"
    istanbul = incidents.loc[("Istanbul", "Strategic developments")]
    assert "talks" in istanbul["description"] and istanbul["event_date"] == "2025-10-29"
    posts = seed.incidents[seed.incidents["description"].str.contains("attacks on Pakistani military posts")]
    assert posts["event_type"].tolist() == ["Battles"] and posts["place"].tolist() == [BORDER_PLACE]


def test_the_weekend_clashes(seed):
    weekend = seed.incidents[seed.incidents["description"].str.contains("weekend clashes")].iloc[0]
    assert weekend["event_type"] == "Battles" and weekend["fatalities"] == 30
    assert (weekend["event_date"], weekend["event_date_end"]) == ("2025-10-25", "2025-10-26")
    assert weekend["date_precision"] == "weekend"
    assert "Military Forces of Pakistan" in weekend["actors"] and "TTP" in weekend["actors"]


def test_each_event_is_told_once(seed):
    located = seed.incidents[seed.incidents["gazetteer_id"] != ""]
    assert not located.duplicated(["gazetteer_id", "event_type", "event_date"]).any()
    assert (seed.incidents["place"] == "Istanbul").sum() == 1
