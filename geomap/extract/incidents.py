"""Clauses with an event and a place become incident records.

A clause that names a place and reports an event (:func:`geomap.extract.events.classify`)
is an incident at its most specific place (two places equally specific, neither a country:
one incident each, as ACLED codes them). Its date is the clause's own event date; else one
from a neighbouring clause that names no place ("The October clashes began | after air
strikes on Kabul"); else the date of the paragraph's previous incident (or, if none was told
yet, the last date read in the paragraph); else the report's date,
with ``date_precision`` saying so. A sentence that reports an event on "the border" without
naming a place gives one incident at the border, without coordinates. The same event told
twice (same place, type and date) is kept once.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from geomap.extract.dates import DateRef, best_date, find_dates
from geomap.extract.events import actors, classify, fatalities
from geomap.extract.text import Sentence

INCIDENT_COLUMNS = [
    "event_date", "event_date_end", "date_precision", "date_text", "place", "latitude", "longitude", "geo_precision",
    "gazetteer_id", "gazetteer_name", "feature_kind", "country", "event_type", "sub_event_type", "actors",
    "fatalities", "description", "span_start", "span_end",
]
#: Where an event on the border with no named place is put (no coordinates: geomap does not guess).
BORDER_PLACE = "Afghanistan–Pakistan border"
_BORDER = re.compile(r"\b(?:border|Durand\s+Line|frontier)\b", re.IGNORECASE)
_COUNTRY_PRECISION = 4


def build_incidents(text: str, sentences: list[Sentence], mentions: pd.DataFrame,
                    report_date: dt.date) -> pd.DataFrame:
    """Incident records for a report (columns :data:`INCIDENT_COLUMNS`), in text order."""
    rows: list[dict] = []
    # The date the paragraph has reached: that of the last incident told, else the last date read.
    paragraph_date: dict[int, DateRef | None] = {}
    for number, sentence in enumerate(sentences):
        in_sentence = mentions[mentions["sentence"] == number]
        inherited = paragraph_date.get(sentence.paragraph)
        made = _clause_incidents(text, sentence, in_sentence, report_date, inherited) or \
            _border_incident(text, sentence, report_date, inherited)
        if made:
            paragraph_date[sentence.paragraph] = made[-1].pop("_date")
        else:
            read = best_date(find_dates(text, sentence.start, sentence.end, report_date))
            paragraph_date[sentence.paragraph] = read or inherited
        for record in made:
            record.pop("_date", None)
        rows += made
    frame = pd.DataFrame(rows, columns=INCIDENT_COLUMNS)
    return _merge_repeats(frame)


def _clause_incidents(text: str, sentence: Sentence, mentions: pd.DataFrame, report_date: dt.date,
                      inherited: DateRef | None) -> list[dict]:
    clauses = [(start, end, mentions[(mentions["span_start"] >= start) & (mentions["span_start"] < end)])
               for start, end in sentence.clauses]
    countries = mentions.loc[mentions["feature_kind"] == "country", "country"].drop_duplicates().tolist()
    made = []
    for position, (start, end, places) in enumerate(clauses):
        event = classify(text[start:end])
        if places.empty or event is None:
            continue
        date = best_date(find_dates(text, start, end, report_date)) or _neighbour_date(
            text, clauses, position, report_date) or inherited
        for _, place in _most_specific(places).iterrows():
            made.append(_record(text, sentence, event, date, report_date, place, countries,
                                fatalities(text[start:end])))
    return made


def _neighbour_date(text: str, clauses, position: int, report_date: dt.date) -> DateRef | None:
    """A date from the clause just before or after, when that clause names no place of its own."""
    for other in (position - 1, position + 1):
        if 0 <= other < len(clauses) and clauses[other][2].empty:
            date = best_date(find_dates(text, clauses[other][0], clauses[other][1], report_date))
            if date is not None:
                return date
    return None


def _most_specific(places: pd.DataFrame) -> pd.DataFrame:
    best = places["geo_precision"].min()
    chosen = places[places["geo_precision"] == best].drop_duplicates("gazetteer_id")
    return chosen if best < _COUNTRY_PRECISION else chosen.head(1)


def _border_incident(text: str, sentence: Sentence, report_date: dt.date, inherited: DateRef | None) -> list[dict]:
    """The first clause that reports an event "along the border" without naming a place."""
    for start, end in sentence.clauses:
        event = classify(text[start:end])
        if event is None or not _BORDER.search(text[start:end]):
            continue
        date = best_date(find_dates(text, start, end, report_date)) or inherited
        place = pd.Series({"place": BORDER_PLACE, "latitude": np.nan, "longitude": np.nan, "geo_precision": pd.NA,
                           "gazetteer_id": "", "gazetteer_name": "", "feature_kind": "", "country": ""})
        return [_record(text, sentence, event, date, report_date, place, [], fatalities(text[start:end]))]
    return []


def _record(text: str, sentence: Sentence, event, date: DateRef | None, report_date: dt.date, place: pd.Series,
            countries: list[str], killed: int | None) -> dict:
    if date is None:
        first, last, precision, said = report_date, report_date, "report", ""
    else:
        first, last, precision, said = date.first, date.last, date.precision, text[date.start:date.end]
    description = " ".join(text[sentence.start:sentence.end].split())
    return {
        "event_date": first.isoformat(), "event_date_end": last.isoformat(), "date_precision": precision,
        "date_text": said, "place": place["place"], "latitude": place["latitude"], "longitude": place["longitude"],
        "geo_precision": place["geo_precision"], "gazetteer_id": place["gazetteer_id"],
        "gazetteer_name": place["gazetteer_name"], "feature_kind": place["feature_kind"], "country": place["country"],
        "event_type": event.event_type, "sub_event_type": event.sub_event_type,
        "actors": "|".join(actors(description, countries, event.event_type)),
        "fatalities": killed, "description": description, "span_start": sentence.start, "span_end": sentence.end,
        "_date": date,
    }


def _merge_repeats(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (place, event type, date): a report often retells its main event."""
    if frame.empty:
        return frame.astype({"geo_precision": "Int8", "fatalities": "Int64"})
    frame = frame.assign(fatalities=pd.to_numeric(frame["fatalities"]).astype("Int64"))
    key = frame["gazetteer_id"].where(frame["gazetteer_id"] != "", frame["place"])
    groups = frame.groupby([key, frame["event_type"], frame["event_date"]], sort=False)
    merged = groups.head(1).copy()
    merged["fatalities"] = groups["fatalities"].transform("max")[merged.index]
    merged["actors"] = groups["actors"].transform(
        lambda values: "|".join(dict.fromkeys(a for v in values for a in v.split("|") if a)))[merged.index]
    merged["geo_precision"] = pd.to_numeric(merged["geo_precision"]).astype("Int8")
    return merged.reset_index(drop=True)
