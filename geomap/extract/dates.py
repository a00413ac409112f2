"""Date expressions in news text, resolved against the report's date.

"on Sunday", "October 19", "19 Oct", "the weekend", "earlier this month", "in 2021" each
become a :class:`DateRef`: a first day, a last day and a precision (``day``, ``weekend``,
``week``, ``month``, ``year``). A date that follows a verb of saying ("the military said on
Sunday") dates the statement, not the event, and is marked ``reported``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_MONTHS = {name: number for number, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
     ("december", "dec")], start=1) for name in names}
_WEEKDAYS = {name: number for number, name in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
_MONTH = r"(?P<month>" + "|".join(sorted((m.capitalize() for m in _MONTHS), key=len, reverse=True)) + r")\.?"
_YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d{2}))?"
_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("month_day", re.compile(_MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?!\d)" + _YEAR)),
    ("day_month", re.compile(r"(?<!\d)(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:\s*[-–]\s*\d{1,2})?\s+(?:of\s+)?"
                             + _MONTH + r"(?![a-z])" + _YEAR)),
    ("weekday", re.compile(r"(?:\b(?P<which>last|this|next)\s+)?\b(?P<weekday>Monday|Tuesday|Wednesday|Thursday"
                           r"|Friday|Saturday|Sunday)s?\b")),
    ("relative_day", re.compile(r"\b(?P<word>yesterday|today|tonight)\b", re.IGNORECASE)),
    ("weekend", re.compile(r"\b(?:(?P<which>last|this|past)\s+)?weekend\b", re.IGNORECASE)),
    ("week", re.compile(r"\b(?P<which>this|last|past)\s+week\b", re.IGNORECASE)),
    ("month_rel", re.compile(r"\b(?P<which>this|last|past)\s+month\b", re.IGNORECASE)),
    ("month", re.compile(r"(?:\b(?P<lead>in|since|during|early|mid|late|by|until|of|the|last|this)\s+)?(?<![\w-])"
                         + _MONTH + r"(?![\w-])" + _YEAR)),
    ("year", re.compile(r"\b(?:in|since|during|of|by)\s+(?P<year>(?:19|20)\d{2})\b")),
]
_SPEECH = re.compile(r"\b(?:said|says|told|announced|added|stated|reported|statement|confirmed|claimed)\b"
                     r"(?:\W+\w+){0,4}\W*$", re.IGNORECASE)
_PRECISION_RANK = {"day": 0, "weekend": 1, "week": 2, "month": 3, "year": 4}


@dataclass(frozen=True)
class DateRef:
    """A resolved date expression: its span in the text, the days it covers, and how precise it is."""

    start: int
    end: int
    first: dt.date
    last: dt.date
    precision: str
    reported: bool


def find_dates(text: str, start: int, end: int, report_date: dt.date) -> list[DateRef]:
    """Every date expression in ``text[start:end]``, resolved against ``report_date``, in text order."""
    found: list[DateRef] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text, start, end):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            resolved = _resolve(kind, match, report_date)
            if resolved is None:
                continue
            first, last, precision = resolved
            reported = bool(_SPEECH.search(text[max(start, match.start() - 60):match.start()]))
            found.append(DateRef(match.start(), match.end(), first, last, precision, reported))
            taken.append(match.span())
    return sorted(found, key=lambda d: d.start)


def best_date(dates: list[DateRef]) -> DateRef | None:
    """The date of an event among a clause's dates: an event date before a statement date, the most precise first."""
    if not dates:
        return None
    return min(dates, key=lambda d: (d.reported, _PRECISION_RANK[d.precision], d.start))


def _resolve(kind: str, match: re.Match, report: dt.date) -> tuple[dt.date, dt.date, str] | None:
    groups = match.groupdict()
    if kind in ("month_day", "day_month"):
        month, day = _MONTHS[groups["month"].lower()], int(groups["day"])
        try:
            date = _in_year(month, day, groups.get("year"), report)
        except ValueError:  # "February 30"
            return None
        return date, date, "day"
    if kind == "weekday":
        return _weekday(_WEEKDAYS[groups["weekday"].lower()], groups.get("which"), report)
    if kind == "relative_day":
        date = report - dt.timedelta(days=1) if groups["word"].lower() == "yesterday" else report
        return date, date, "day"
    if kind == "weekend":
        saturday = report - dt.timedelta(days=(report.weekday() - 5) % 7)
        if (groups.get("which") or "").lower() in ("last", "past") and report.weekday() >= 5:
            saturday -= dt.timedelta(days=7)
        return saturday, saturday + dt.timedelta(days=1), "weekend"
    if kind == "week":
        monday = report - dt.timedelta(days=report.weekday())
        if groups["which"].lower() in ("last", "past"):
            monday -= dt.timedelta(days=7)
        return monday, monday + dt.timedelta(days=6), "week"
    if kind == "month_rel":
        first = report.replace(day=1)
        if groups["which"].lower() in ("last", "past"):
            first = (first - dt.timedelta(days=1)).replace(day=1)
        return first, _month_end(first), "month"
    if kind == "month":
        return _month(match, groups, report)
    year = int(groups["year"])
    return dt.date(year, 1, 1), dt.date(year, 12, 31), "year"


def _month(match: re.Match, groups: dict, report: dt.date) -> tuple[dt.date, dt.date, str] | None:
    name = groups["month"]
    # "May" and "March" are also words: only a clear date context makes them months.
    if name.lower() in ("may", "march", "mar") and not (groups.get("lead") or groups.get("year")):
        return None
    first = _in_year(_MONTHS[name.lower()], 1, groups.get("year"), report)
    return first, _month_end(first), "month"


def _in_year(month: int, day: int, year: str | None, report: dt.date) -> dt.date:
    """A date without a year is the latest one not far after the report (news looks back)."""
    if year:
        return dt.date(int(year), month, day)
    date = dt.date(report.year, month, day)
    if date > report + dt.timedelta(days=31):
        date = dt.date(report.year - 1, month, day)
    return date


def _weekday(weekday: int, which: str | None, report: dt.date) -> tuple[dt.date, dt.date, str]:
    back = (report.weekday() - weekday) % 7
    which = (which or "").lower()
    if which == "last" and back == 0:
        back = 7
    date = report + dt.timedelta(days=(weekday - report.weekday()) % 7) if which == "next" else \
        report - dt.timedelta(days=back)
    return date, date, "day"


def _month_end(first: dt.date) -> dt.date:
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


_DATELINE = re.compile(r"(?:" + _MONTH + r"\s+(?P<day>\d{1,2}),?\s+(?P<year>20\d{2})"
                       r"|(?P<day2>\d{1,2})\s+(?P<month2>[A-Z][a-z]+)\.?\s+(?P<year2>20\d{2})"
                       r"|(?P<iso>20\d{2}-\d{2}-\d{2}))")


def dateline(text: str) -> dt.date | None:
    """The report's own date, when its first lines carry a full date ("29 October 2025", "2025-10-29")."""
    head = text[:300]
    for match in _DATELINE.finditer(head):
        try:
            if match.group("iso"):
                return dt.date.fromisoformat(match.group("iso"))
            if match.group("month"):
                return dt.date(int(match.group("year")), _MONTHS[match.group("month").lower()], int(match.group("day")))
            month = _MONTHS.get(match.group("month2").lower())
            if month:
                return dt.date(int(match.group("year2")), month, int(match.group("day2")))
        except ValueError:
            continue
    return None
