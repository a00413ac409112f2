"""geomap.extract as a library: place mentions, dates, events and incidents, on tiny texts written here."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import geomap
from geomap.errors import InputError
from geomap.extract import parse_date
from geomap.extract.dates import find_dates
from geomap.extract.events import classify, fatalities
from geomap.normalize import _fold_char, fold_with_offsets, normalize

WEDNESDAY = dt.date(2025, 10, 29)


def places(text: str) -> list[tuple[str, str]]:
    mentions = geomap.extract(text, report_date=WEDNESDAY).mentions
    return list(zip(mentions["place"], mentions["gazetteer_name"], strict=True))


def test_multi_word_names_and_kind_words_are_one_mention():
    found = places("Troops moved from North Waziristan to Spin Boldak and the Ghulam Khan zero-point border crossing.")
    assert found == [("North Waziristan", "North Waziristan"), ("Spin Boldak", "Spin Boldak"),
                     ("Ghulam Khan zero-point border crossing", "Ghulam Khan")]


def test_kind_word_picks_the_province_and_spans_point_into_the_text():
    text = "Shelling hit Khost province."
    mention = geomap.extract(text, report_date=WEDNESDAY).mentions.iloc[0]
    assert text[mention["span_start"]:mention["span_end"]] == "Khost province"
    assert mention["feature_kind"] == "province" and mention["geo_precision"] == 3


def test_arabic_script_and_possessive_names():
    assert [name for _, name in places("Pakistan's army said it fired at خوست and کابل.")] == [
        "Pakistan", "Khōst", "Kabul"]


def test_people_demonyms_and_organisations_are_not_places():
    text = ("Defence minister Khawaja Asif said Afghan and Pakistani officials met. Tarar said the Tehrik-e-Taliban "
            "Pakistan was behind it, Reuters and AFP reported, citing Pakistan Today.")
    assert places(text) == []


def test_common_words_and_codes_need_context():
    assert places("In March the Tank crews left. KBL flights stopped.") == []
    assert [p for p, _ in places("Clashes in Tank district and in Tank spread.")] == ["Tank district", "Tank"]


def test_world_cities_resolve_to_the_world_city():
    mentions = geomap.extract("Talks in Istanbul followed a ceasefire agreed in Doha.", report_date=WEDNESDAY).mentions
    assert mentions["country"].tolist() == ["TR", "QA"]


def test_context_pulls_a_name_toward_the_other_places():
    text = "Infiltrators from Afghanistan were killed in Kurram and North Waziristan."
    mentions = geomap.extract(text, report_date=WEDNESDAY).mentions.set_index("place")
    assert mentions.loc["Kurram", "feature_kind"] == "district" and mentions.loc["Kurram", "country"] == "PK"


@pytest.mark.parametrize(("phrase", "first", "last", "precision"), [
    ("on Sunday", "2025-10-26", "2025-10-26", "day"),
    ("on Wednesday", "2025-10-29", "2025-10-29", "day"),
    ("on October 19", "2025-10-19", "2025-10-19", "day"),
    ("on 7 Oct", "2025-10-07", "2025-10-07", "day"),
    ("over the weekend", "2025-10-25", "2025-10-26", "weekend"),
    ("earlier this month", "2025-10-01", "2025-10-31", "month"),
    ("last week", "2025-10-20", "2025-10-26", "week"),
    ("in December", "2024-12-01", "2024-12-31", "month"),
    ("in 2021", "2021-01-01", "2021-12-31", "year"),
])
def test_dates_resolve_against_the_report_date(phrase, first, last, precision):
    text = f"Clashes broke out {phrase}."
    (found,) = find_dates(text, 0, len(text), WEDNESDAY)
    assert (found.first.isoformat(), found.last.isoformat(), found.precision) == (first, last, precision)


def test_a_date_after_a_verb_of_saying_dates_the_statement():
    text = "Weekend clashes killed five soldiers, the military said on Sunday."
    incident = geomap.extract(text + " They were near Kurram.", report_date=WEDNESDAY).incidents
    dates = find_dates(text, 0, len(text), WEDNESDAY)
    assert [d.reported for d in dates] == [False, True]
    assert incident.empty or incident["event_date"].iloc[0] == "2025-10-25"


@pytest.mark.parametrize(("clause", "killed"), [
    ("clashes killed five Pakistani soldiers and 25 Pakistani Taliban militants", 30),
    ("dozens were killed along the border", 12),
    ("a rocket killed three civilians and wounded at least 11 others", 3),
    ("2,400 families fled the 2,600-km border", None),
    ("talks in Istanbul on October 25", None),
])
def test_fatalities_in_digits_and_words(clause, killed):
    assert fatalities(clause) == killed


@pytest.mark.parametrize(("clause", "event_type"), [
    ("Pakistani air strikes on Kabul", "Explosions/Remote violence"),
    ("attacks on Pakistani military posts", "Battles"),
    ("gunmen abducted two teachers", "Violence against civilians"),
    ("both sides agreed to a ceasefire", "Strategic developments"),
    ("despite a ceasefire, clashes broke out", "Battles"),
    ("the minister visited the city", None),
])
def test_event_types(clause, event_type):
    event = classify(clause)
    assert (event.event_type if event else None) == event_type


def test_incident_takes_the_most_specific_place_and_a_neighbouring_date():
    text = ("The October clashes began after Pakistani air strikes on Kabul. Then mortars hit Paktika.\n\n"
            "Mortars hit Gurbuz district in Khost.")
    incidents = geomap.extract(text, report_date=WEDNESDAY).incidents
    assert incidents["place"].tolist() == ["Kabul", "Paktika", "Gurbuz district"]
    # The paragraph's date carries over to its next incident; a new paragraph starts afresh.
    assert incidents["event_date"].tolist() == ["2025-10-01", "2025-10-01", "2025-10-29"]
    assert incidents["date_precision"].tolist() == ["month", "month", "report"]
    assert set(incidents["event_type"]) == {"Explosions/Remote violence"}


def test_a_retold_event_is_one_incident_and_clauses_split_places():
    text = ("A ceasefire was agreed in Doha on October 19 but talks in Istanbul failed. "
            "Officials said the Istanbul talks failed.")
    incidents = geomap.extract(text, report_date=WEDNESDAY).incidents
    assert incidents[["place", "event_date"]].values.tolist() == [["Doha", "2025-10-19"], ["Istanbul", "2025-10-29"]]


def test_report_date_from_the_dateline_or_today():
    dated = geomap.extract("Kabul, 12 October 2025. Clashes hit Kurram on Sunday.")
    assert (dated.report_date, dated.report_date_source) == (dt.date(2025, 10, 12), "text")
    assert dated.incidents["event_date"].tolist() == ["2025-10-12"]
    assert geomap.extract("Clashes hit Kurram.").report_date_source == "today"


def test_bad_input_is_refused_with_a_clear_message():
    with pytest.raises(InputError, match="empty"):
        geomap.extract("   ")
    with pytest.raises(InputError, match="'2025-13-40'"):
        parse_date("2025-13-40")


@pytest.mark.parametrize("name", ["Khōst", "Spīn Būldak", "Dera Ismail Khan", "خوست", "Mazār-e Sharīf", "Ab-e Kamari"])
def test_folding_running_text_matches_name_folding(name):
    folded, origin = fold_with_offsets(f"({name}),")
    assert folded.strip() == normalize(name)
    assert len(origin) == len(folded)


def _fold_one_by_one(text: str) -> tuple[str, list[int]]:
    """The fold by its definition: each character as normalize folds it, non-word characters one space."""
    folded: list[str] = []
    origin: list[int] = []
    for position, char in enumerate(text):
        for piece in _fold_char(char):
            piece = piece if piece.isalnum() and piece != "_" else " "
            if piece == " " and (not folded or folded[-1] == " "):
                continue
            folded.append(piece)
            origin.append(position)
    return "".join(folded), origin


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab Z9_-—\"’éŞخوست\u200c ,.!\t\nß½&＆"))) | st.text())
def test_the_word_at_a_time_fold_is_the_fold(text):
    assert fold_with_offsets(text) == _fold_one_by_one(text)


def test_an_ampersand_folds_as_in_names():
    folded, origin = fold_with_offsets("Jammu & Kashmir")
    assert folded == normalize("Jammu & Kashmir") == "jammu and kashmir"
    assert [origin[i] for i in range(len(folded)) if folded[i] != " "] == [0, 1, 2, 3, 4, 6, 6, 6, 8, 9, 10, 11, 12, 13,
                                                                          14]
