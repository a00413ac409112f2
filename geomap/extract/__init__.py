"""From news text to place mentions and incident records, offline, from geomap's own gazetteer.

Recipe: check the inputs -> split the report into sentences and clauses -> find and resolve
place mentions (:mod:`geomap.extract.toponyms`) -> turn clauses that report an event at a
place into incidents (:mod:`geomap.extract.incidents`). No language model: recognition is a
multi-pattern match over every gazetteer name, then rules for context.

    >>> result = geomap.extract(text, report_date="2025-10-29")
    >>> result.mentions     # one row per place mention, with its span in the text
    >>> result.incidents    # one row per incident, ready for geomap.render or `geomap map`
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geomap.errors import InputError
from geomap.extract.dates import dateline
from geomap.extract.incidents import INCIDENT_COLUMNS, build_incidents
from geomap.extract.language import detect
from geomap.extract.lexicon import BORDER_PLACE
from geomap.extract.text import dateline as find_dateline
from geomap.extract.text import sentences
from geomap.extract.toponyms import MENTION_COLUMNS, find_mentions

_URL = re.compile(r"https?://[^\s)\]>\"']+")
#: Columns every incident row gets from its report.
REPORT_COLUMNS = ["report_date", "report_date_source", "report_place", "language", "source_name", "source_url"]


@dataclass(frozen=True)
class Extraction:
    """What one report yields.

    Attributes
    ----------
    mentions
        One row per place mention (:data:`MENTION_COLUMNS`).
    incidents
        One row per incident (:data:`INCIDENT_COLUMNS` plus report and source columns).
    report_date
        The date relative expressions were resolved against.
    report_date_source
        Where it came from: ``"given"``, ``"text"`` (a dateline in the report) or ``"today"``.
    report_place
        The place of the report's dateline ("ISLAMABAD/KABUL:"), where it was filed; "" without one.
    language
        ``en``, ``ur`` (Urdu), ``prs`` (Dari) or ``ps`` (Pashto).
    """

    mentions: pd.DataFrame
    incidents: pd.DataFrame
    report_date: dt.date
    report_date_source: str
    report_place: str = ""
    language: str = "en"


def extract(text: str, report_date: str | dt.date | None = None, source: str = "") -> Extraction:
    """Find place mentions and incidents in a news report.

    Parameters
    ----------
    text
        The report, any language the gazetteer names places in (English with Arabic-script
        names works best).
    report_date
        The report's publication date (``"YYYY-MM-DD"`` or a date): "on Sunday" means the
        Sunday before it. None: the report's own dateline if its first lines carry a full
        date, else today (``report_date_source`` says which).
    source
        A name for the report (its file name), copied to ``source_name``.

    Returns
    -------
    Extraction
        Mentions and incidents as frames, with the report date used.
    """
    if not isinstance(text, str):
        raise InputError(f"extract needs the report's text as a string, got {type(text).__name__}")
    if not text.strip():
        raise InputError("the report is empty: there is no text to extract places and incidents from")
    date, date_source = _report_date(text, report_date)
    pieces = sentences(text)
    mentions = find_mentions(text, pieces)
    line = find_dateline(text, pieces)
    incidents = build_incidents(text, pieces, mentions, date, line, dated=date_source != "today")
    place = ""
    if line is not None:
        filed = mentions[(mentions["span_start"] >= line.start) & (mentions["span_start"] < line.places_end)]
        place = "/".join(filed["gazetteer_name"]) or " ".join(text[line.start:line.places_end].split())
    url = _URL.search(text)
    language = detect(text)
    incidents = incidents.assign(report_date=date.isoformat(), report_date_source=date_source, report_place=place,
                                 language=language, source_name=source, source_url=url.group(0) if url else "")
    return Extraction(mentions=mentions, incidents=incidents, report_date=date, report_date_source=date_source,
                      report_place=place, language=language)


def extract_reports(paths: list[str | Path], report_date: str | dt.date | None = None,
                    mentions: bool = False) -> tuple[pd.DataFrame, list[str]]:
    """Extract from several report files into one frame, and say what was assumed.

    Parameters
    ----------
    paths
        Text files, read with :func:`read_report`.
    report_date
        Date of every report (``YYYY-MM-DD``); None: each report's dateline, else today.
    mentions
        One row per place mention (with ``source_name``) instead of one per incident.

    Returns
    -------
    (pandas.DataFrame, list of str)
        The rows of all reports, and notes for the user (a report dated today for lack of a date).
    """
    if report_date is not None:
        report_date = parse_date(report_date)  # a bad --date fails before any file is read
    if not paths:
        raise InputError("give at least one report file")
    frames, notes = [], []
    for path in map(Path, paths):
        result = extract(read_report(path), report_date=report_date, source=path.name)
        if result.report_date_source == "today":
            notes.append(f"{path.name} has no date and no --date was given: relative dates are resolved "
                         f"against today, {result.report_date.isoformat()}")
        frames.append(result.mentions.assign(source_name=path.name) if mentions else result.incidents)
    frames = [f for f in frames if not f.empty]
    columns = [*MENTION_COLUMNS, "source_name"] if mentions else [*INCIDENT_COLUMNS, *REPORT_COLUMNS]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    return frame, notes


def format_table(frame: pd.DataFrame, mentions: bool = False) -> str:
    """A readable plain-text table of mentions or incidents (for a terminal)."""
    if frame.empty:
        return "no place mentions found" if mentions else "no incidents found"
    if mentions:
        lines = [f"{'place':<34} {'span':>11}  {'gazetteer name':<22} {'lat':>8} {'lon':>9} {'kind':<9} prec"]
        lines += [f"{str(r.place)[:34]:<34} {f'{r.span_start}-{r.span_end}':>11}  {str(r.gazetteer_name)[:22]:<22} "
                  f"{r.latitude:>8.3f} {r.longitude:>9.3f} {r.feature_kind:<9} {r.geo_precision}"
                  for r in frame.itertuples()]
        return "\n".join(lines)
    lines = [f"{'date':<10} {'prec':<8} {'place':<28} {'event type':<27} {'killed':>6}  sentence"]
    for r in frame.itertuples():
        killed = "" if pd.isna(r.fatalities) else str(r.fatalities)
        lines.append(f"{r.event_date:<10} {r.date_precision:<8} {str(r.place)[:28]:<28} {r.event_type[:27]:<27} "
                     f"{killed:>6}  {r.description[:70]}")
    return "\n".join(lines)


def parse_date(value: str | dt.date) -> dt.date:
    """A report date from ``YYYY-MM-DD`` (or a date); InputError names the bad value."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(f"report date {value!r} is not a date; give it as YYYY-MM-DD, e.g. 2025-10-29") from None


def _report_date(text: str, given: str | dt.date | None) -> tuple[dt.date, str]:
    if given is not None:
        return parse_date(given), "given"
    found = dateline(text)
    if found is not None:
        return found, "text"
    return dt.date.today(), "today"


def read_report(path: str | Path) -> str:
    """A report's text from a file (UTF-8, with or without BOM, or UTF-16 with BOM).

    Raises
    ------
    InputError
        The file is missing, a directory, empty, or not text in those encodings.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"report {str(path)!r} does not exist")
    if path.is_dir():
        raise InputError(f"report {str(path)!r} is a directory; give a text file")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-16") if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"report {str(path)!r} is not UTF-8 text (byte {exc.start}: "
                         f"{raw[exc.start:exc.start + 1]!r}); save it as UTF-8") from None
    if "\x00" in text:
        raise InputError(f"report {str(path)!r} is binary, not text")
    if not text.strip():
        raise InputError(f"report {str(path)!r} is empty")
    return text


__all__ = ["BORDER_PLACE", "INCIDENT_COLUMNS", "MENTION_COLUMNS", "REPORT_COLUMNS", "Extraction", "extract",
           "extract_reports", "format_table", "parse_date", "read_report"]
