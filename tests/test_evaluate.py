"""The development set: geomap extract's toponym scores meet the bar, and beat or match the geotext baseline."""

from __future__ import annotations

from pathlib import Path

import pytest

from geomap.evaluate import evaluate, load_devset

DEVSET = Path(__file__).parent / "data" / "extract_dev.json"


@pytest.fixture(scope="module")
def scores():
    return evaluate(DEVSET).set_index("system")


def test_the_development_set_is_big_enough_and_its_gold_is_in_its_text():
    reports = load_devset(DEVSET)
    assert len(reports) >= 12
    assert sum(len(r["gold"]) for r in reports) >= 60


def test_geomap_meets_the_bar(scores):
    geomap = scores.loc["geomap"]
    assert geomap["precision"] >= 0.9 and geomap["recall"] >= 0.9 and geomap["acc_25km"] >= 0.9


def test_geomap_is_not_worse_than_geotext_on_any_figure_and_better_where_it_counts(scores):
    geomap, geotext = scores.loc["geomap"], scores.loc["geotext"]
    for figure in ("precision", "recall", "f1", "acc_25km"):
        assert geomap[figure] >= geotext[figure], figure
    assert geomap["mean_error_km"] <= geotext["mean_error_km"]
    assert geomap["recall"] > geotext["recall"] + 0.3 and geomap["f1"] > geotext["f1"]
