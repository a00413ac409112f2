"""Clauses with an event and a place become incident records.

A clause that names a place and reports an event (:func:`geomap.extract.events.classify`)
is an incident at its most specific place (two places equally specific, neither a country:
one incident each, as ACLED codes them). An event on "the border", or between the two
countries ("Pak-Afghan border", "the Durand Line"), is an incident at the border, without
coordinates.

* **Dates.** A clause's date is its own; else that of a neighbouring clause of its sentence
  that names no place ("The October clashes began | after air strikes on Kabul"); else, when
  the sentence links itself to the one before ("Then", "Hours later", "in the attack"), the
  date of the incident told just before; else the report's date, and ``date_precision`` says
  ``report``. A date never carries over from an unrelated sentence.
* **Datelines** ("ISLAMABAD/KABUL:") give the report's place and date, never an event's place.
* **Background** is not an incident: a clause opening with "since", a past year, "the worst
  violence since ...", "in recent months", "repeatedly".
* **One event, one row.** The same event told in the headline, the lead and the body (the
  same event type, places within each other's reach, dates that agree, the same or no
  death toll) is one row, at its most specific place and date.
* **Deaths counted once.** A sentence adding casualties to the incident just told ("Two
  civilians also died in the attack") adds them to that row; a figure that is the total of
  other rows, or a summary over a period that holds them, is kept in ``fatalities_note``
  and not counted again, so the column sums to the report's deaths.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geomap.extract.dates import DateRef, best_date, find_dates
from geomap.extract.events import Event, actors, classify, fatality_counts
from geomap.extract.lexicon import BORDER_PLACE
from geomap.extract.text import Dateline, Sentence
from geomap.geodesy import distance_km

INCIDENT_COLUMNS = [
    "event_date", "event_date_end", "date_precision", "date_text", "place", "latitude", "longitude", "geo_precision",
    "gazetteer_id", "gazetteer_name", "feature_kind", "country", "event_type", "sub_event_type", "actors",
    "fatalities", "fatalities_note", "description", "span_start", "span_end",
]
_BORDER = re.compile(r"\b(?:border|Durand\s+Line|frontier)\b|سرحد|مرز|پوله|ډیورنډ|دیورند", re.IGNORECASE)
# An event *at* the border ("along the border", "on the frontier"), not attackers who came "from across the border".
_AT_BORDER = re.compile(r"(?<!from\s)\b(?:along|on|at|near|by|across|over)\s+[^.;:]{0,50}?\b"
                        r"(?:border|frontier|Durand\s+Line)\b|\bborder\s+(?:posts?|areas?|regions?|clash(?:es)?)\b"
                        r"|سرحد|مرز|پوله|ډیورنډ|دیورند", re.IGNORECASE)
_COUNTRY_PRECISION = 4
_BORDER_COUNTRIES = {"AF", "PK"}
# A sentence that opens like this continues the story of the sentence before: its date is that incident's.
_LINKED = re.compile(r"^\W*(?:then|later|afterwards|subsequently|shortly\s+after\w*|hours\s+later|minutes\s+later"
                     r"|the\s+same\s+(?:day|night|morning|evening)|that\s+(?:day|night|morning|evening)"
                     r"|in\s+(?:response|retaliation)|in\s+the\s+(?:attack|blast|clash(?:es)?|strikes?|explosion"
                     r"|fighting|raid|ambush|incident|operation)|meanwhile|also|during\s+the\s+(?:attack|clash(?:es)?"
                     r"|fighting|operation))\b"
                     r"|^\W*(?:بعد\s+میں|اس\s+کے\s+بعد|پس\s+از\s+آن|سپس|وروسته|بیا)", re.IGNORECASE)
# A sentence about the incident just told: "in the attack", "the blast also killed".
_BACK_REFERENCE = re.compile(r"\b(?:the|that|this)\s+(?:attack|blast|clash(?:es)?|strikes?|explosion|fighting|raid"
                             r"|ambush|incident|operation|bombing|assault|shelling|attackers|assailants|militants"
                             r"|gunmen|bombers?)\b"
                             r"|اس\s+(?:حملے|دھماکے|واقعے)|این\s+(?:حمله|انفجار|رویداد)|دې\s+(?:برید|چاودنې|پېښې)",
                             re.IGNORECASE)
_NEW_TOLL = re.compile(r"\b(?:toll|rose|risen|climbed|total|in\s+all|altogether)\b|تعداد|شمار|شمېر", re.IGNORECASE)
# Context, not an event: how things have been, the worst since some year, what happened in an earlier year.
_BACKGROUND = re.compile(r"^\W*since\b|\b(?:in\s+recent\s+(?:days|weeks|months|years)|over\s+the\s+(?:past|last)"
                         r"\s+(?:\w+\s+)?(?:days|weeks|months|years|decades?)|so\s+far\s+this\s+year|repeatedly"
                         r"|frequently|several\s+times|for\s+(?:years|decades)|ha(?:s|ve)\s+long|a\s+series\s+of"
                         r"|in\s+the\s+past\b|routinely|regularly)\b", re.IGNORECASE)
_WORST_SINCE = re.compile(r"\b(?:worst|deadliest|bloodiest|heaviest|biggest)\b(?:(?!\.).)*\bsince\b", re.IGNORECASE)
#: How many incidents back a retelling, or the parts of a total, are looked for.
_RETELLING_WINDOW = 40
#: How far apart two places may be and still be one event's place, by the coarser one's precision (km).
_REACH_KM = {1: 10.0, 2: 40.0, 3: 120.0}
#: A degree of latitude is at least this long on WGS84 (110.57 km at the equator): a lower bound of a distance.
_KM_PER_DEGREE_LATITUDE = 110.5


@dataclass
class _Record:
    event: Event
    date: DateRef | None
    place: dict
    killed: int | None
    sentence: Sentence
    heading: bool
    # Told in the headline or the lead (the first paragraph after it): a summary of the story the body retells.
    lead: bool
    countries: list[str]
    notes: list[str] = field(default_factory=list)


def build_incidents(text: str, sentences: list[Sentence], mentions: pd.DataFrame, report_date: dt.date,
                    dateline: Dateline | None = None, dated: bool = True) -> pd.DataFrame:
    """Incident records for a report (columns :data:`INCIDENT_COLUMNS`), in text order.

    ``dated`` says the report date is the report's own (given, or its dateline's): only then is
    an event more than a year before it background. A report dated today for lack of a date
    keeps its old events.
    """
    by_sentence: dict[int, list[dict]] = {}
    for mention in mentions.to_dict("records"):
        if dateline is None or not dateline.start <= mention["span_start"] < dateline.end:
            by_sentence.setdefault(mention["sentence"], []).append(mention)
    records: list[_Record] = []
    lead = _lead_paragraphs(sentences)
    for number, sentence in enumerate(sentences):
        records += _sentence_incidents(text, sentence, by_sentence.get(number, []), report_date if dated else None,
                                       report_date, dateline, records, sentence.paragraph in lead)
    return _frame(text, _counted_once(_merged(records)), report_date)


def _lead_paragraphs(sentences: list[Sentence]) -> set[int]:
    """The headline's paragraph (if the report opens with one) and the first paragraph of body text."""
    headings = {s.paragraph for s in sentences if s.heading}
    paragraphs = sorted({s.paragraph for s in sentences})
    lead = set()
    for paragraph in paragraphs:
        lead.add(paragraph)
        if paragraph not in headings:
            break
    return lead


def _sentence_incidents(text: str, sentence: Sentence, mentions: list[dict], known_date: dt.date | None,
                        report_date: dt.date, dateline: Dateline | None, told: list[_Record],
                        lead: bool) -> list[_Record]:
    start = max(sentence.start, dateline.end) if dateline and dateline.start <= sentence.start < dateline.end \
        else sentence.start
    body = text[start:sentence.end]
    previous = told[-1] if told else None
    linked = bool(_LINKED.match(body)) or bool(_BACK_REFERENCE.search(body))
    clauses = [(max(s, start), e, [m for m in mentions if max(s, start) <= m["span_start"] < e])
               for s, e in sentence.clauses if e > start]
    countries = list(dict.fromkeys(m["country"] for m in mentions if m["feature_kind"] == "country"))
    made: list[_Record] = []
    for position, (c_start, c_end, places) in enumerate(clauses):
        clause = text[c_start:c_end]
        event = classify(clause)
        if event is None:
            continue
        own_dates = find_dates(text, c_start, c_end, report_date)
        if _background(clause, text[sentence.start:sentence.end], own_dates, known_date):
            continue
        counts = [(c_start + offset, n) for offset, n in fatality_counts(clause)]
        date = best_date(own_dates) \
            or _neighbour_date(text, clauses, position, report_date) \
            or (previous.date if linked and previous is not None else None)
        targets = _targets(places, clause)
        if not targets:
            # No place: more about the incident just told in this paragraph ("Seven soldiers were killed.").
            last = made[-1] if made else previous
            if last is not None and (linked or last.sentence.paragraph == sentence.paragraph):
                _add_casualties(last, sum(n for _, n in counts) if counts else None, clause)
            continue
        for place, killed in zip(targets, _share(counts, targets), strict=True):
            made.append(_Record(event, date, place, killed, sentence, sentence.heading, lead, countries))
    return made


def _share(counts: list[tuple[int, int]], targets: list[dict]) -> list[int | None]:
    """Each death count goes to the place told right after it ("15 killed at Spinwam ... and 10 more at Ghaki"),
    else the one right before it: a clause naming two places does not give both its whole toll."""
    if len(targets) == 1:
        return [sum(n for _, n in counts) if counts else None]
    shares: list[int | None] = [None] * len(targets)
    starts = [t.get("span_start", -1) for t in targets]
    for position, number in counts:
        after = [i for i, s in enumerate(starts) if s >= position]
        chosen = min(after, key=lambda i: starts[i]) if after else max(range(len(starts)), key=lambda i: starts[i])
        shares[chosen] = (shares[chosen] or 0) + number
    return shares


def _background(clause: str, sentence: str, dates: list[DateRef], report_date: dt.date | None) -> bool:
    if _BACKGROUND.search(clause) or _WORST_SINCE.search(clause + " " + sentence[sentence.find(clause) + len(clause):]):
        return True
    return report_date is not None and bool(dates) and all(d.last < report_date - dt.timedelta(days=366)
                               or d.precision == "year" and d.first.year < report_date.year for d in dates)


def _targets(places: list[dict], clause: str) -> list[dict]:
    """The places an event in this clause happened at: the most specific ones, or the border."""
    border = [p for p in places if p["feature_kind"] == "border"]
    if border:
        return [_border_place()]
    if not places:
        return [_border_place()] if _AT_BORDER.search(clause) else []
    precision = min(int(p["geo_precision"]) if pd.notna(p["geo_precision"]) else 9 for p in places)
    if precision >= _COUNTRY_PRECISION:
        named = {p["country"] for p in places if p["feature_kind"] == "country"}
        if _BORDER.search(clause) and (named & _BORDER_COUNTRIES):
            return [_border_place()]  # "on the Pakistan border", "Pak-Afghan border"
        return [min(places, key=lambda p: p["span_start"])]
    chosen, seen = [], set()
    for p in places:
        if pd.notna(p["geo_precision"]) and int(p["geo_precision"]) == precision and p["gazetteer_id"] not in seen:
            seen.add(p["gazetteer_id"])
            chosen.append(p)
    return chosen


def _border_place() -> dict:
    return {"place": BORDER_PLACE, "latitude": np.nan, "longitude": np.nan, "geo_precision": pd.NA,
            "gazetteer_id": "", "gazetteer_name": "", "feature_kind": "", "country": "", "province": ""}


def _neighbour_date(text: str, clauses, position: int, report_date: dt.date) -> DateRef | None:
    """A date from the clause just before or after, when that clause names no place of its own."""
    for other in (position - 1, position + 1):
        if 0 <= other < len(clauses) and not clauses[other][2]:
            date = best_date(find_dates(text, clauses[other][0], clauses[other][1], report_date))
            if date is not None:
                return date
    return None


def _add_casualties(record: _Record, killed: int | None, clause: str) -> None:
    """A later sentence about the same incident: its deaths are that incident's.

    The same figure again is a retelling; a new toll ("the death toll rose to 12") replaces
    the old one; other deaths ("Five soldiers died in the fighting") add to it.
    """
    if killed is None or killed == record.killed:
        return
    if record.killed is None:
        record.killed = killed
    elif _NEW_TOLL.search(clause):
        record.notes.append(f"toll revised from {record.killed} to {killed}")
        record.killed = killed
    else:
        record.notes.append(f"{record.killed} + {killed} told in separate sentences")
        record.killed += killed


# --- one event, one row ---------------------------------------------------------------------------

def _merged(records: list[_Record]) -> list[_Record]:
    """Retellings of one event (headline, lead, body) become one record, at the most specific place and date."""
    kept: list[_Record] = []
    for record in records:
        # A retelling comes within a few incidents of the first telling: a window keeps this linear in the text.
        twin = next((k for k in kept[-_RETELLING_WINDOW:] if _same_event(k, record)), None)
        if twin is None:
            kept.append(record)
            continue
        better_place = _precision(record.place) < _precision(twin.place)
        better_date = _date_rank(record.date) < _date_rank(twin.date)
        if better_place:
            twin.place = record.place
        if better_place or twin.heading and not record.heading:  # the body's sentence describes it best
            twin.sentence, twin.heading, twin.lead = record.sentence, record.heading, record.lead
        if better_date or (twin.date is None):
            twin.date = record.date or twin.date
        twin.killed = max((k for k in (twin.killed, record.killed) if k is not None), default=None)
        twin.countries = list(dict.fromkeys(twin.countries + record.countries))
    return kept


def _same_event(a: _Record, b: _Record) -> bool:
    """One event told twice: the same type at places that agree, and either told once in the headline or lead
    (dates that overlap, the same or no death toll) or told again in the body with the very same dates."""
    # The cheap tests first: the places are compared (a geodesic distance) only for what could be one event.
    if a.event.event_type != b.event.event_type:
        return False
    if a.killed is not None and b.killed is not None and a.killed != b.killed and not (a.heading or b.heading):
        return False  # a headline's figure may leave out what the lead adds
    if a.lead or b.lead:
        dates = _dates_agree(a.date, b.date)
    elif a.date is None or b.date is None:
        dates = a.date is None and b.date is None and bool(a.place["gazetteer_id"]) \
            and a.place["gazetteer_id"] == b.place["gazetteer_id"]
    else:
        dates = (a.date.first, a.date.last) == (b.date.first, b.date.last)
    return dates and _places_agree(a.place, b.place)


def _dates_agree(a: DateRef | None, b: DateRef | None) -> bool:
    if a is None or b is None:
        return True
    return a.first <= b.last and b.first <= a.last


def _places_agree(a: dict, b: dict) -> bool:
    if a["gazetteer_id"] and a["gazetteer_id"] == b["gazetteer_id"]:
        return True
    if not a["gazetteer_id"] and not b["gazetteer_id"]:
        return a["place"] == b["place"]
    coarse, fine = (a, b) if _precision(a) >= _precision(b) else (b, a)
    if not coarse["gazetteer_id"]:  # the border: an event there is any event by the line
        return fine["country"] in _BORDER_COUNTRIES
    if _precision(coarse) >= _COUNTRY_PRECISION:
        return coarse["country"] == fine["country"]
    if coarse["feature_kind"] == "province":
        return coarse["gazetteer_name"] == fine.get("province") or coarse["gazetteer_id"] == fine["gazetteer_id"]
    if not (np.isfinite(coarse["latitude"]) and np.isfinite(fine["latitude"])):
        return False
    reach = _REACH_KM.get(_precision(coarse), 10.0)
    if abs(coarse["latitude"] - fine["latitude"]) * _KM_PER_DEGREE_LATITUDE > reach:
        return False  # farther apart in latitude alone than the reach: no geodesic needed to say so
    return float(distance_km(coarse["longitude"], coarse["latitude"], fine["longitude"], fine["latitude"])) <= reach


def _precision(place: dict) -> int:
    value = place["geo_precision"]
    return int(value) if pd.notna(value) else (3 if place["place"] == BORDER_PLACE else 9)


def _date_rank(date: DateRef | None) -> int:
    return {"day": 0, "weekend": 1, "week": 2, "month": 3, "year": 4}.get(date.precision, 5) if date else 6


# --- deaths counted once --------------------------------------------------------------------------

def _counted_once(records: list[_Record]) -> list[_Record]:
    """A figure that repeats others' deaths (their total, or a summary over a period holding them) is a note."""
    for number, record in enumerate(records):
        if record.killed is None:
            continue
        nearby = records[max(0, number - _RETELLING_WINDOW):number + _RETELLING_WINDOW + 1]
        others = [r for r in nearby if r is not record and r.killed is not None and _dates_agree(r.date, record.date)]
        parts = [r for r in others if r.killed < record.killed and _precision(record.place) >= _precision(r.place)
                 and _places_agree(record.place, r.place)]
        if len(parts) >= 2 and sum(r.killed for r in parts) == record.killed:
            record.notes.append(f"{record.killed} is the total of the incidents told separately "
                                f"({' + '.join(str(r.killed) for r in parts)}); not counted again")
            record.killed = None
            continue
        inside = [r for r in others if record.date is not None and r.date is not None
                  and _date_rank(record.date) > _date_rank(r.date)
                  and record.date.first <= r.date.first and r.date.last <= record.date.last]
        if inside:
            record.notes.append(f"{record.killed} killed over a period that includes incidents told separately; "
                                "not counted again")
            record.killed = None
    return records


def _frame(text: str, records: list[_Record], report_date: dt.date) -> pd.DataFrame:
    rows = []
    for r in records:
        if r.date is None:
            first, last, precision, said = report_date, report_date, "report", ""
        else:
            first, last, precision, said = r.date.first, r.date.last, r.date.precision, text[r.date.start:r.date.end]
        description = " ".join(text[r.sentence.start:r.sentence.end].split())
        rows.append({
            "event_date": first.isoformat(), "event_date_end": last.isoformat(),
            "date_precision": precision, "date_text": said, "place": r.place["place"],
            "latitude": r.place["latitude"], "longitude": r.place["longitude"],
            "geo_precision": r.place["geo_precision"], "gazetteer_id": r.place["gazetteer_id"],
            "gazetteer_name": r.place["gazetteer_name"], "feature_kind": r.place["feature_kind"],
            "country": r.place["country"], "event_type": r.event.event_type, "sub_event_type": r.event.sub_event_type,
            "actors": "|".join(actors(description, r.countries, r.event.event_type)),
            "fatalities": r.killed, "fatalities_note": "; ".join(r.notes), "description": description,
            "span_start": r.sentence.start, "span_end": r.sentence.end})
    frame = pd.DataFrame(rows, columns=INCIDENT_COLUMNS)
    return frame.astype({"geo_precision": "Int8", "fatalities": "Int64", "latitude": float, "longitude": float})
