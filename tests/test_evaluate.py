"""The development set and the public corpora: geomap extract's scores meet the bar and beat the offline peers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from geomap.evaluate import ARABIC_SCRIPT, evaluate, load_corpus, load_devset
from geomap.extract.toponyms import _lexicon

DEVSET = Path(__file__).parent / "data" / "extract_dev.json"
NEWS = next((p / "shared" / "data" / "news" for p in Path(__file__).resolve().parents[1:]
             if (p / "shared" / "data" / "news").is_dir()), Path(__file__).resolve().parents[2] / "shared/data/news")


@pytest.fixture(scope="module")
def scores():
    frame = evaluate(DEVSET)
    assert frame.attrs["notes"] == [], frame.attrs["notes"]  # both peers are installed with the test extra
    return frame.set_index(["subset", "system"])


def test_the_development_set_covers_every_language_and_its_gold_is_in_its_text():
    reports = load_devset(DEVSET)
    assert len(reports) >= 30
    assert sum(len(r.gold) for r in reports) >= 140
    languages = {r.language for r in reports}
    assert {"en", *ARABIC_SCRIPT} <= languages
    assert all(r.fatalities is not None for r in reports)


def test_gold_coordinates_are_the_gazetteer_rows_they_name():
    places = _lexicon().index.places.set_index("gazetteer_id")
    document = json.loads(DEVSET.read_text(encoding="utf-8"))
    for report in document["reports"]:
        for gold in report["gold"]:
            if gold["gazetteer_id"] is None:
                continue
            row = places.loc[[gold["gazetteer_id"]]].iloc[0]
            if gold["latitude"] is None:
                assert not np.isfinite(row["latitude"]), gold
            else:
                assert abs(row["latitude"] - gold["latitude"]) < 1e-4, gold
                assert abs(row["longitude"] - gold["longitude"]) < 1e-4, gold


@pytest.mark.parametrize(("subset", "precision", "recall"), [("en", 0.97, 0.95), ("arabic-script", 0.9, 0.85)])
def test_geomap_meets_the_bar(scores, subset, precision, recall):
    geomap = scores.loc[(subset, "geomap")]
    assert geomap["precision"] >= precision and geomap["recall"] >= recall
    assert geomap["acc_161km"] >= 0.95


@pytest.mark.parametrize("subset", ["en", "arabic-script", "all"])
def test_geomap_is_ahead_of_every_peer_on_f1(scores, subset):
    table = scores.loc[subset]
    for peer in ("geotext", "spacy"):
        assert table.loc["geomap", "f1"] > table.loc[peer, "f1"], peer


def test_incident_deaths_over_the_set_equal_the_gold_sum(scores):
    geomap = scores.loc[("all", "geomap")]
    assert geomap["fatalities_gold"] > 0 and geomap["fatalities_found"] == geomap["fatalities_gold"]


@pytest.mark.parametrize("corpus", ["geovirus", "trnews"])
def test_precision_on_real_annotated_news(corpus):
    path = NEWS / f"{corpus}.jsonl"
    if not path.is_file():
        pytest.skip(f"the public news corpora are not beside this checkout ({path}); they are only read from ../shared")
    table = evaluate(path, systems=("geomap", "geotext")).set_index("system")
    # Precision above all: a sentence-initial "We" is not Huế, "Police" is not a Polish town.
    assert table.loc["geomap", "precision"] >= 0.95
    assert table.loc["geomap", "precision"] > table.loc["geotext", "precision"]
    assert table.loc["geomap", "f1"] >= table.loc["geotext", "f1"]


def test_adjectives_of_place_in_a_corpus_count_neither_way(tmp_path):
    text = "Turkish officials met in Ankara."
    corpus = tmp_path / "tiny.jsonl"
    corpus.write_text(json.dumps({"id": "x", "text": text, "gold": [
        {"start": 0, "end": 7, "text": "Turkish", "lat": 39.0, "lon": 35.0},
        {"start": 25, "end": 31, "text": "Ankara", "lat": 39.91987, "lon": 32.85427}]}) + "\n", encoding="utf-8")
    table = evaluate(corpus, systems=("geomap",)).set_index("system")
    assert (table.loc["geomap", "precision"], table.loc["geomap", "recall"]) == (1.0, 1.0)
    assert table.loc["geomap", "gold_adjectival"] == 1 and table.loc["geomap", "recall_strict"] == 0.5
    assert len(load_corpus(corpus)[0].gold) == 2
