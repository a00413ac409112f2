"""Geocoding: exact, fuzzy, kind words, context, and no row ever lost."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from geomap import InputError, datasets, geocode, search
from geomap.geocode import GEOCODE_COLUMNS, resolve


def test_every_row_comes_back_with_a_status(tiny_incidents):
    out = geocode(tiny_incidents)
    assert len(out) == len(tiny_incidents)
    assert list(out["place"]) == list(tiny_incidents["place"])
    assert set(GEOCODE_COLUMNS) <= set(out.columns)
    assert list(out["geocode_status"]) == ["matched", "matched", "matched", "matched", "unmatched"]
    assert out.loc[4, ["latitude", "longitude"]].isna().all()
    assert tiny_incidents.columns.tolist() == ["event_date", "place", "description"]  # input untouched


def test_khost_in_latin_and_arabic_script_is_the_same_city():
    found = resolve(["Khost", "خوست", "Khowst", "Khōst"])
    assert found["gazetteer_id"].nunique() == 1
    assert found["feature_kind"].iloc[0] == "city"
    assert found["latitude"].iloc[0] == pytest.approx(33.34, abs=0.05)


def test_kind_word_chooses_the_province_over_the_city():
    city, province = resolve(["Khost", "Khost province"]).itertuples(index=False)
    assert city.feature_kind == "city" and city.geo_precision == 1
    assert province.feature_kind == "province" and province.geo_precision == 3


def test_crossing_kind_word_chooses_the_crossing_over_the_town():
    town, crossing = resolve(["Spin Boldak", "Spin Boldak crossing"]).itertuples(index=False)
    assert town.feature_kind == "town"
    assert crossing.feature_kind == "crossing"
    assert resolve(["the Ghulam Khan zero-point border crossing"])["gazetteer_name"].iloc[0] == "Ghulam Khan"


def test_far_away_places_resolve_to_the_world_city():
    found = resolve(["Istanbul", "Doha", "Tehran"])
    assert list(found["latitude"].round(0)) == [41.0, 25.0, 36.0]


def test_misspellings_match_fuzzily_with_a_lower_score():
    found = resolve(["Torkam", "Spin Buldak", "Miramshah"])
    assert list(found["gazetteer_name"]) == ["Torkham", "Spin Boldak", "Miranshah"]
    assert found.loc[0, "match_score"] < 100


def test_country_context_decides_between_same_named_places():
    # "Hyderabad" is both a Pakistani and an Indian city.
    pk, india = resolve(["Hyderabad", "Hyderabad"], countries=["Pakistan", "IN"]).itertuples(index=False)
    assert pk.latitude == pytest.approx(25.4, abs=0.3)
    assert india.latitude == pytest.approx(17.4, abs=0.3)


def test_a_corrected_spelling_in_another_country_than_the_row_says_is_not_taken():
    # "Razmak" (North Waziristan) is not in the gazetteer; one letter away is "Ramak" in Ghazni, Afghanistan.
    found = resolve(["Razmak", "Razmak", "Kandahaar", "Kandahaar", "Khost"],
                    countries=["Pakistan", "", "Pakistan", "Afghanistan", "Pakistan"])
    assert found.loc[0, "geocode_status"] == "unmatched" and np.isnan(found.loc[0, "latitude"])
    assert found.loc[1, "gazetteer_name"] == "Rāmak"  # without a country there is nothing to contradict
    assert found.loc[2, "geocode_status"] == "unmatched"
    assert found.loc[3, "gazetteer_name"] == "Kandahār" and found.loc[3, "match_score"] < 100
    assert found.loc[4, "geocode_status"] == "matched"  # an exact name is kept, wherever it is


def test_given_coordinates_are_kept_and_not_geocoded():
    frame = pd.DataFrame({"place": ["Khost", "Khost"], "latitude": [34.0, np.nan], "longitude": [70.0, np.nan]})
    out = geocode(frame)
    assert list(out["geocode_status"]) == ["given", "matched"]
    assert out.loc[0, "latitude"] == 34.0
    assert out.loc[1, "latitude"] == pytest.approx(33.34, abs=0.05)


def test_missing_place_column_is_a_clear_error():
    with pytest.raises(InputError, match="no place column 'place'.*columns found: where"):
        geocode(pd.DataFrame({"where": ["Khost"]}))
    assert geocode(pd.DataFrame({"where": ["Khost"]}), place_column="where")["geocode_status"].iloc[0] == "matched"


def test_search_ranks_the_exact_reading_first():
    found = search("Spin Buldak", limit=5)
    assert found.iloc[0]["name"].startswith("Spin")
    assert found.iloc[0]["match_score"] == 100
    assert {"kind", "country", "province", "latitude", "longitude"} <= set(found.columns)
    with pytest.raises(InputError):
        search("  ")

_SCRIPT = """
import sys
import pandas as pd
from geomap import geocode
names = sys.stdin.read().split("\\n")
out = geocode(pd.DataFrame({"place": names}))
sys.stdout.write(out.to_csv(index=False))
"""


def _noisy_names(count: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    places = datasets.gazetteer()
    names = places.loc[places["country"].isin(["AF", "PK"]), "name"].to_numpy()
    letters = "abcdefghijklmnopqrstuvwxyz"
    out = []
    for name in names[rng.integers(0, len(names), count)]:
        i = int(rng.integers(1, max(2, len(name) - 1)))
        edit = rng.integers(0, 3)
        if edit == 0:
            name = name[:i] + name[i + 1:]
        elif edit == 1:
            name = name[:i] + letters[rng.integers(0, 26)] + name[i:]
        else:
            name = name[:i] + letters[rng.integers(0, 26)] + name[i + 1:]
        out.append(name)
    return out


def test_geocoding_is_byte_identical_whatever_the_hash_seed(tmp_path):
    names = "\n".join(_noisy_names(400, seed=11))
    outputs = []
    for seed in ("0", "1", "2", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", _SCRIPT], input=names, capture_output=True, text=True,
                              env=env, check=True, timeout=300)
        outputs.append(done.stdout.encode())
    assert all(output == outputs[0] for output in outputs[1:]), "output changed with PYTHONHASHSEED"
