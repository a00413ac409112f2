"""The seed report: the places and incidents a reader finds in it.

Two texts tell the same events: the project's own report of the seed's facts
(tests/data/seed_report.txt, always run) and the real article (../shared/seed/article.txt,
run where it is present, as in CI). Both must give the same places and incidents.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import geomap
from geomap.extract import BORDER_PLACE
from geomap.geodesy import distance_km

FIXTURE = Path(__file__).parent / "data" / "seed_report.txt"


def _find_article() -> Path:
    """shared/ sits beside the checkout (in CI; a work tree may be deeper); GEOMAP_SEED_ARTICLE overrides."""
    if os.environ.get("GEOMAP_SEED_ARTICLE"):
        return Path(os.environ["GEOMAP_SEED_ARTICLE"])
    candidates = [parent / "shared" / "seed" / "article.txt" for parent in Path(__file__).resolve().parents[1:]]
    return next((c for c in candidates if c.is_file()), candidates[1])


ARTICLE = _find_article()
# Where each place is, from the bundled gazetteer's curated and GeoNames rows.
EXPECTED = {"Khost": (33.38, 69.90), "Gurbuz": (33.29, 69.91), "Ghulam Khan": (33.15, 70.03),
            "Kabul": (34.53, 69.17), "Istanbul": (41.01, 28.95), "Doha": (25.29, 51.53)}
NOT_PLACES = ("Attaullah", "Tarar", "Khawaja", "Asif", "Pakistani", "Afghan", "Reuters", "AFP", "Taliban")
# The words each text uses for two of its incidents.
PHRASES = {"fixture": {"posts": "attacked Pakistani military posts", "weekend": "weekend clashes"},
           "article": {"posts": "attacks on Pakistani military posts", "weekend": "weekend clashes"}}


@pytest.fixture(scope="module", params=["fixture", "article"])
def seed(request):
    path = FIXTURE if request.param == "fixture" else ARTICLE
    if not path.is_file():
        pytest.skip(f"the real seed article is not beside this checkout ({path}); the project's own report of "
                    "the same facts (tests/data/seed_report.txt) is tested instead")
    text = path.read_text(encoding="utf-8")
    result = geomap.extract(text, report_date="2025-10-29")
    return text, result, PHRASES[request.param]


def test_every_expected_place_is_found_at_the_right_place(seed):
    _, result, _ = seed
    mentions = result.mentions
    for name, (lat, lon) in EXPECTED.items():
        found = mentions[mentions["place"].str.startswith(name)]
        assert not found.empty, name
        assert (distance_km(found["longitude"], found["latitude"], lon, lat) < 5).all(), name
    assert "Gurbuz district" in set(mentions["place"]) and "Khost province" in set(mentions["place"])
    assert mentions.loc[mentions["place"] == "Khost province", "feature_kind"].item() == "province"


def test_no_person_demonym_or_organisation_is_a_place(seed):
    text, result, _ = seed
    for place in result.mentions["place"]:
        assert not set(place.replace("'s", "").split()) & set(NOT_PLACES), place
    # "Tehrik-e-Taliban Pakistan" holds a country's name; it is not a mention of the country.
    ttp = text.index("Tehrik-e-Taliban Pakistan")
    assert not ((result.mentions["span_start"] >= ttp) & (result.mentions["span_start"] < ttp + 26)).any()


def test_the_incidents_of_the_report(seed):
    _, result, phrases = seed
    incidents = result.incidents.set_index(["place", "event_type"])
    kabul = incidents.loc[("Kabul", "Explosions/Remote violence")]
    assert kabul["sub_event_type"] == "Air/drone strike" and kabul["event_date"].startswith("2025-10")
    doha = incidents.loc[("Doha", "Strategic developments")]
    assert doha["event_date"] == "2025-10-19" and doha["date_precision"] == "day"
    istanbul = incidents.loc[("Istanbul", "Strategic developments")]
    assert istanbul["event_date"] == "2025-10-29"
    posts = result.incidents[result.incidents["description"].str.contains(phrases["posts"])]
    assert posts["event_type"].tolist() == ["Battles"] and posts["place"].tolist() == [BORDER_PLACE]


def test_the_weekend_clashes(seed):
    _, result, phrases = seed
    weekend = result.incidents[result.incidents["description"].str.contains(phrases["weekend"])].iloc[0]
    assert weekend["event_type"] == "Battles" and weekend["fatalities"] == 30
    assert (weekend["event_date"], weekend["event_date_end"]) == ("2025-10-25", "2025-10-26")
    assert weekend["date_precision"] == "weekend"
    assert "Military Forces of Pakistan" in weekend["actors"] and "TTP" in weekend["actors"]


def test_each_event_is_told_once(seed):
    _, result, _ = seed
    located = result.incidents[result.incidents["gazetteer_id"] != ""]
    assert not located.duplicated(["gazetteer_id", "event_type", "event_date"]).any()
    assert (result.incidents["place"] == "Istanbul").sum() == 1
    # Every death is counted once over the report: the weekend's 30; the article's "dozens were killed ... in the
    # worst such violence since 2021" is background, not an incident of its own.
    assert result.incidents["fatalities"].sum() == 30
