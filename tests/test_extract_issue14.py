"""Each error class that real news showed (issue 14), on a real-shaped sentence written here.

Every test failed before the fix it names and passes after it. The sentences are the project's
own; the shapes (a quote opening with "We", a dateline "ISLAMABAD/KABUL:", a headline retold in
the lead) are the ones real reports have.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import geomap
from geomap.extract import BORDER_PLACE

REPORT_DATE = dt.date(2025, 10, 29)  # a Wednesday


def names(text: str) -> list[str]:
    return geomap.extract(text, report_date=REPORT_DATE).mentions["gazetteer_name"].tolist()


def incidents(text: str):
    return geomap.extract(text, report_date=REPORT_DATE).incidents


# --- false places -----------------------------------------------------------------------------------------------

def test_a_sentence_opening_we_is_not_hue():
    assert names('"We will answer any attack," a Pakistani official told reporters in Islamabad.') == ["Islamabad"]


def test_the_city_and_the_crossing_are_not_the_valley():
    found = names("The city was quiet a day after the blast in Peshawar. The crossing at Torkham stayed shut.")
    assert found == ["Peshawar", "Torkham"]


@pytest.mark.parametrize("text", [
    "Traders said they had lost US$45 million since the closure.",
    "The phone's MAC address was logged by investigators.",
    "A researcher at the University of Georgia said the data were incomplete.",
    "Federal officials met on Monday.",  # a guard: an alias of Washington that is an everyday word
])
def test_codes_currencies_and_organisations_are_not_places(text):
    assert names(text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("Burka sales rose in the markets of Kabul, traders said.", ["Kabul"]),
    # Guards for the rule's other side (they passed before too): a kind word is evidence enough.
    ("Bay residents said the road had been closed for a week.", []),
    ("Troops reached Bay village on Sunday after the clashes.", ["Tagāw-Bāy"]),
])
def test_a_village_named_after_an_everyday_word_needs_evidence(text, expected):
    assert names(text) == expected


# --- missed places ----------------------------------------------------------------------------------------------

def test_hyphenated_compounds_are_their_places():
    found = names("Trade across the Afghanistan-Pakistan border fell, the Pak-Afghan crossings stayed shut and "
                  "lorries waited on the Chaman-Spin Boldak road.")
    assert found == ["Afghanistan", "Pakistan", "Pakistan", "Afghanistan", "Chaman", "Spin Boldak"]


def test_a_dotted_abbreviation_is_the_country():
    assert names("The U.S. urged restraint, and US diplomats flew to Doha.") == ["United States", "United States",
                                                                                "Doha"]


def test_regions_and_disputed_areas_of_border_news():
    found = names("Envoys from Europe and the Middle East met in Jerusalem, while India and Pakistan traded fire in "
                  "Kashmir and militants crossed the Durand Line.")
    assert found == ["Europe", "Middle East", "Jerusalem", "India", "Pakistan", "Kashmir", BORDER_PLACE]


# --- over-suppression -------------------------------------------------------------------------------------------

def test_a_province_after_a_title_stays_a_place_for_the_whole_report():
    found = names("Levies official Balochistan, Zahid Saleem, said the Chaman crossing would stay shut. Traders "
                  "across Balochistan were told to wait in Quetta.")
    assert found.count("Balochistan") == 2 and "Quetta" in found


# --- incidents --------------------------------------------------------------------------------------------------

DATELINE_REPORT = (
    "ISLAMABAD/KABUL: Eight Pakistani soldiers and three Afghan civilians were killed on Tuesday when the two "
    "countries' forces traded fire along the border, officials said.\n\n"
    "Pakistan's military said the eight soldiers died when Afghan forces fired on a post in Kurram. The Taliban "
    "administration said three civilians were killed by Pakistani shelling in Paktia province.")


def test_a_dateline_is_where_the_report_was_filed_not_the_event():
    result = geomap.extract(DATELINE_REPORT, report_date=REPORT_DATE)
    assert not result.incidents["place"].isin(["ISLAMABAD", "KABUL"]).any()
    assert result.report_place == "Islamabad/Kabul"


def test_a_total_told_with_its_parts_is_counted_once():
    found = incidents(DATELINE_REPORT)
    assert found["fatalities"].sum() == 11
    total = found[found["place"] == BORDER_PLACE].iloc[0]
    assert total["fatalities"] is pd.NA and "total" in total["fatalities_note"]


def test_a_date_does_not_carry_over_to_an_unrelated_sentence():
    found = incidents("Militants attacked a police post in Dera Ismail Khan on Monday, killing two policemen. "
                      "A roadside bomb wounded three soldiers in Bannu.").set_index("place")
    assert found.loc["Dera Ismail Khan", "event_date"] == "2025-10-27"
    assert found.loc["Bannu", "date_precision"] == "report"


def test_a_linked_sentence_takes_the_date_of_the_incident_before_it():
    # A guard: what the text links still carries its date (as it did before).
    found = incidents("Militants attacked a police post in Dera Ismail Khan on Monday. Hours later, a roadside "
                      "bomb hit a patrol in Bannu.").set_index("place")
    assert found.loc["Bannu", "event_date"] == "2025-10-27"


@pytest.mark.parametrize("text", [
    "Pakistan has carried out air strikes in Afghanistan several times since 2021.",
    "In 2023, a suicide bombing at a mosque in Peshawar killed more than 80 people.",
    "The clashes were the worst fighting on the border since the Taliban returned to power in Kabul.",
])
def test_background_is_not_an_incident(text):
    assert incidents(text).empty


def test_one_event_in_headline_lead_and_body_is_one_row():
    found = incidents(
        "Five soldiers killed in attack on North Waziristan checkpost\n\n"
        "Five Pakistani soldiers were killed when militants stormed a checkpost in Mir Ali, North Waziristan, early "
        "on Sunday, the military said.\n\n"
        "The attackers came from across the border, the statement said, and troops killed three of them. The attack "
        "in Mir Ali was the third on security forces in the district this month.")
    assert len(found) == 1
    row = found.iloc[0]
    assert (row["place"], row["event_date"], row["fatalities"]) == ("Mir Ali", "2025-10-26", 8)


def test_deaths_of_two_places_in_one_clause_are_shared_not_repeated():
    found = incidents("Troops foiled two infiltration bids on Saturday: 15 militants were killed in North "
                      "Waziristan and 10 more in Kurram.").set_index("place")
    assert found.loc["North Waziristan", "fatalities"] == 15 and found.loc["Kurram", "fatalities"] == 10


def test_an_undated_report_keeps_its_old_events():
    # Dated today for lack of a date, an old report's events are not "background" for being old.
    found = geomap.extract("On 12 March 2019, a bomb killed five people in Quetta.").incidents
    assert found["event_date"].tolist() == ["2019-03-12"] and found["fatalities"].tolist() == [5]
