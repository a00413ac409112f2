"""Date expressions in news text, resolved against the report's date.

"on Sunday", "October 19", "19 Oct", "the weekend", "earlier this month", "in 2021" each
become a :class:`DateRef`: a first day, a last day and a precision (``day``, ``weekend``,
``week``, ``month``, ``year``). A date that follows a verb of saying ("the military said on
Sunday") dates the statement, not the event, and is marked ``reported``.

Urdu, Dari and Pashto dates are read too: Gregorian months as Urdu writes them ("19 اکتوبر"),
the Solar Hijri months used in Afghanistan, by their Dari (حمل ... حوت), Pashto (وری ... کب) and
Iranian (فروردین ... اسفند) names, converted to the Gregorian calendar ("۲۷ میزان ۱۴۰۴" is
19 October 2025), weekdays, "yesterday", "last week" and the like, in Eastern Arabic, Persian or
Latin digits.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from geomap.extract.lexicon import ARABIC_LETTERS, ARABIC_VARIANTS, arabic_pattern

_MONTHS = {name: number for number, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
     ("december", "dec")], start=1) for name in names}
_WEEKDAYS = {name: number for number, name in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
_MONTH = r"(?P<month>" + "|".join(sorted((m.capitalize() for m in _MONTHS), key=len, reverse=True)) + r")\.?"
_YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d{2}))?"

# --- Arabic script ----------------------------------------------------------------------------------
def _alternatives(words: dict[str, int]) -> tuple[str, dict[str, int]]:
    ordered = sorted(words, key=len, reverse=True)
    return "|".join(arabic_pattern(w) for w in ordered), words


#: Gregorian months as Urdu, Dari and Pashto reports write them.
_AR_GREGORIAN = {w: n for n, names in enumerate([
    "جنوری ژانویه جنوري", "فروری فبروری فوریه فبروري", "مارچ مارس", "اپریل آوریل اپرېل", "مئی می مۍ",
    "جون ژوئن", "جولائی جولای ژوئیه", "اگست اوت اګست", "ستمبر سپتمبر سپتامبر", "اکتوبر اکتبر",
    "نومبر نوامبر", "دسمبر دسامبر"], start=1) for w in names.split()}
#: Solar Hijri months: the Dari (Arabic zodiac) names used in Afghanistan, the Pashto names, the Iranian names.
_AR_SOLAR = {w: n for n, names in enumerate([
    "حمل وری فروردین", "ثور غویی غوایی اردیبهشت", "جوزا غبرگولی خرداد", "سرطان چنگاښ تیر", "اسد زمری مرداد",
    "سنبله وږی شهریور", "میزان تله تلې مهر", "عقرب لړم آبان", "قوس لیندۍ آذر", "جدی مرغومی", "دلو سلواغه بهمن",
    "حوت کب اسفند"], start=1) for w in names.split()}
_AR_WEEKDAYS = {w: n for n, names in enumerate([
    "دوشنبه|دوشنبې|پیر", "سه شنبه|سه شنبې|منگل", "چهارشنبه|چهارشنبې|بدھ", "پنجشنبه|پنجشنبې|جمعرات",
    "جمعه|جمعې|جمعہ", "شنبه|شنبې|ہفتہ", "یکشنبه|یکشنبې|اتوار"]) for w in names.split("|")}
_AR_GREGORIAN_RE, _ = _alternatives(_AR_GREGORIAN)
_AR_SOLAR_RE, _ = _alternatives(_AR_SOLAR)
_AR_WEEKDAY_RE, _ = _alternatives(_AR_WEEKDAYS)
_AR_BOUND_BEFORE = "(?<![" + ARABIC_LETTERS + "])"
_AR_BOUND_AFTER = "(?![" + ARABIC_LETTERS + "])"


def _any_of(words: str) -> str:
    return "|".join(map(arabic_pattern, words.split("|")))


_AR_YESTERDAY = _any_of("گزشتہ روز|گذشتہ روز|روز گذشته|دیروز|پرون|پرونۍ|کل")
_AR_TODAY = _any_of("آج|امروز|نن")
_AR_LAST_NIGHT = _any_of("گزشتہ رات|گذشتہ شب|شب گذشته|دیشب|تېره شپه|پرون شپه")
_AR_LAST_WEEK = _any_of("گزشتہ ہفتے|پچھلے ہفتے|هفته گذشته|هفته پیش|تېره اونۍ")
_AR_THIS_WEEK = _any_of("اس ہفتے|رواں ہفتے|این هفته|هفته جاری|دا اونۍ|روانه اونۍ")
_AR_WEEKEND = _any_of("ہفتے کے آخر|آخر هفته|د اونۍ په پای|اونۍ پای")
_AR_LAST_MONTH = _any_of("گزشتہ ماہ|پچھلے مہینے|ماه گذشته|ماه پیش|تېره میاشت")
_AR_THIS_MONTH = _any_of("رواں ماہ|اس ماہ|اس مہینے|ماه جاری|این ماه|روانه میاشت|دا میاشت")
# Urdu weekdays double as words ("پیر", a saint; "ہفتہ", a week): only with "کو" or "کے روز" after them,
# or "بروز" before, are they days. Dari and Pashto weekday names are unambiguous.
_AR_URDU_DAY_AFTER = r"(?=[\s\u200c]*(?:کو|کے[\s\u200c]*روز|کی[\s\u200c]*(?:صبح|شام|رات)))"

_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("month_day", re.compile(_MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?!\d)" + _YEAR)),
    ("day_month", re.compile(r"(?<!\d)(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:\s*[-–]\s*\d{1,2})?\s+(?:of\s+)?"
                             + _MONTH + r"(?![a-z])" + _YEAR)),
    ("weekday", re.compile(r"(?:\b(?P<which>last|this|next)\s+)?\b(?P<weekday>Monday|Tuesday|Wednesday|Thursday"
                           r"|Friday|Saturday|Sunday)s?\b")),
    ("relative_day", re.compile(r"\b(?P<word>yesterday|today|tonight|last\s+night)\b", re.IGNORECASE)),
    ("weekend", re.compile(r"\b(?:(?P<which>last|this|past)\s+)?weekend\b", re.IGNORECASE)),
    ("week", re.compile(r"\b(?P<which>this|last|past)\s+week\b", re.IGNORECASE)),
    ("month_rel", re.compile(r"\b(?P<which>this|last|past)\s+month\b", re.IGNORECASE)),
    ("month", re.compile(r"(?:\b(?P<lead>in|since|during|early|mid|late|by|until|of|the|last|this)\s+)?(?<![\w-])"
                         + _MONTH + r"(?![\w-])" + _YEAR)),
    ("year", re.compile(r"\b(?i:in|since|during|of|by)\s+(?P<year>(?:19|20)\d{2})\b")),
    # Arabic script: day month [year], Gregorian or Solar Hijri; weekdays; relative days, weeks, months.
    ("ar_gregorian", re.compile(r"(?<!\d)(?P<day>\d{1,2})[\s\u200c]*(?:ویں|ام|مه)?[\s\u200c]*" + _AR_BOUND_BEFORE
                                + "(?P<month>" + _AR_GREGORIAN_RE + ")" + _AR_BOUND_AFTER
                                + r"(?:[\s\u200c،,]*(?P<year>(?:19|20)\d{2})(?!\d))?")),
    ("ar_solar", re.compile(r"(?<!\d)(?P<day>\d{1,2})[\s\u200c]*(?:ام|مه)?[\s\u200c]*(?:د[\s\u200c]+)?"
                            + _AR_BOUND_BEFORE + "(?P<month>" + _AR_SOLAR_RE + ")" + _AR_BOUND_AFTER
                            + r"(?:[\s\u200c،,]*(?:سال[\s\u200c]*)?(?P<year>1[34]\d{2})(?!\d))?")),
    ("ar_solar", re.compile(_AR_BOUND_BEFORE + r"(?:د[\s\u200c]+)?(?P<month>" + _AR_SOLAR_RE + ")" + _AR_BOUND_AFTER
                            + r"[\s\u200c]+(?:(?:په|د)[\s\u200c]+)?(?P<day>\d{1,2})(?:(?:مه|ام)|[\s\u200c،,]*"
                              r"(?:سال[\s\u200c]*)?(?P<year>1[34]\d{2})(?!\d))")),
    ("ar_weekday", re.compile(_AR_BOUND_BEFORE + r"(?:(?:بروز|روز|د)[\s\u200c]+)?(?P<weekday>"
                              + _AR_WEEKDAY_RE + ")" + _AR_BOUND_AFTER)),
    ("ar_yesterday", re.compile(_AR_BOUND_BEFORE + "(?:" + _AR_LAST_NIGHT + "|" + _AR_YESTERDAY + ")"
                                + _AR_BOUND_AFTER)),
    ("ar_today", re.compile(_AR_BOUND_BEFORE + "(?:" + _AR_TODAY + ")" + _AR_BOUND_AFTER)),
    ("ar_weekend", re.compile(_AR_BOUND_BEFORE + "(?:" + _AR_WEEKEND + ")" + _AR_BOUND_AFTER)),
    ("ar_last_week", re.compile(_AR_BOUND_BEFORE + "(?:" + _AR_LAST_WEEK + ")" + _AR_BOUND_AFTER)),
    ("ar_this_week", re.compile(_AR_BOUND_BEFORE + "(?:" + _AR_THIS_WEEK + ")" + _AR_BOUND_AFTER)),
    ("ar_last_month", re.compile(_AR_BOUND_BEFORE + "(?:" + _AR_LAST_MONTH + ")" + _AR_BOUND_AFTER)),
    ("ar_this_month", re.compile(_AR_BOUND_BEFORE + "(?:" + _AR_THIS_MONTH + ")" + _AR_BOUND_AFTER)),
    ("ar_year", re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})(?!\d)[\s\u200c]*(?:میں|کال|کې|سال|ء)"
                           r"|(?:سال|کال)[\s\u200c]+(?P<year2>(?:19|20)\d{2}|1[34]\d{2})(?!\d)")),
]
_SPEECH = re.compile(r"\b(?:said|says|told|announced|added|stated|reported|statement|confirmed|claimed)\b"
                     r"(?:\W+\w+){0,4}\W*$", re.IGNORECASE)
# In Urdu, Dari and Pashto the verb of saying comes after the date: "ترجمان نے اتوار کو کہا کہ ...".
_AR_SPEECH_AFTER = re.compile(r"[\s\u200c]*(?:\S+[\s\u200c]+){0,3}?(?:کہا|بتایا|اعلان|گفت|گفته|اعلام|وویل|ویلي"
                              r"|وايي|ویلی)")
#: Eastern Arabic (٠-٩) and Persian/Urdu (۰-۹) digits, read as Latin ones; one character for one, so offsets hold.
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_ANY_ARABIC = re.compile("[" + ARABIC_LETTERS + "]")
_PRECISION_RANK = {"day": 0, "weekend": 1, "week": 2, "month": 3, "year": 4}
#: The first day of the Solar Hijri year 1404 (Nowruz), from which the other years are counted.
_NOWRUZ_1404 = dt.date(2025, 3, 21)


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
    piece = text[start:end].translate(DIGITS)
    arabic = bool(_ANY_ARABIC.search(piece))
    for kind, pattern in _PATTERNS:
        if kind.startswith("ar_") and not arabic:
            continue  # a clause without Arabic script holds no Urdu, Dari or Pashto date
        for match in pattern.finditer(piece):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            resolved = _resolve(kind, match, report_date)
            if resolved is None:
                continue
            first, last, precision = resolved
            reported = bool(_SPEECH.search(piece[max(0, match.start() - 60):match.start()])
                            or kind.startswith("ar_") and _AR_SPEECH_AFTER.match(piece, match.end()))
            found.append(DateRef(start + match.start(), start + match.end(), first, last, precision, reported))
            taken.append(match.span())
    return sorted(found, key=lambda d: d.start)


def best_date(dates: list[DateRef]) -> DateRef | None:
    """The date of an event among a clause's dates: an event date before a statement date, the most precise first."""
    if not dates:
        return None
    return min(dates, key=lambda d: (d.reported, _PRECISION_RANK[d.precision], d.start))


def solar_hijri_to_gregorian(year: int, month: int, day: int) -> dt.date:
    """The Gregorian date of a Solar Hijri date (the calendar of Afghanistan and Iran).

    Months 1-6 have 31 days, 7-11 have 30, the 12th 29 (30 in a leap year). Leap years follow
    the 33-year arithmetic rule, which agrees with the astronomical calendar for 1178-1633 SH.

    Raises
    ------
    ValueError
        No such day (month 13, "31 Mizan").
    """
    if not 1 <= month <= 12 or not 1 <= day <= (31 if month <= 6 else 30 if month <= 11 else
                                                 30 if _solar_leap(year) else 29):
        raise ValueError(f"{day} {month} {year} is not a Solar Hijri date")
    nowruz = _NOWRUZ_1404
    for y in range(1404, year):
        nowruz += dt.timedelta(days=366 if _solar_leap(y) else 365)
    for y in range(year, 1404):
        nowruz -= dt.timedelta(days=366 if _solar_leap(y) else 365)
    offset = (month - 1) * 31 + day - 1 if month <= 6 else 186 + (month - 7) * 30 + day - 1
    return nowruz + dt.timedelta(days=offset)


def _solar_leap(year: int) -> bool:
    return (25 * year + 11) % 33 < 8


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
        date = report if groups["word"].lower() in ("today", "tonight") else report - dt.timedelta(days=1)
        return date, date, "day"
    if kind == "weekend":
        saturday = report - dt.timedelta(days=(report.weekday() - 5) % 7)
        if (groups.get("which") or "").lower() in ("last", "past") and report.weekday() >= 5:
            saturday -= dt.timedelta(days=7)
        return saturday, saturday + dt.timedelta(days=1), "weekend"
    if kind == "week":
        return _week(report, groups["which"].lower() in ("last", "past"))
    if kind == "month_rel":
        return _month_relative(report, groups["which"].lower() in ("last", "past"))
    if kind == "month":
        return _month(match, groups, report)
    if kind == "year":
        year = int(groups["year"])
        return dt.date(year, 1, 1), dt.date(year, 12, 31), "year"
    return _resolve_arabic(kind, match, groups, report)


def _resolve_arabic(kind: str, match: re.Match, groups: dict, report: dt.date) -> tuple[dt.date, dt.date, str] | None:
    if kind in ("ar_gregorian", "ar_solar"):
        return _arabic_day(kind, groups, report)
    if kind == "ar_weekday":
        name = _lookup(groups["weekday"], _AR_WEEKDAYS)
        # Urdu's weekday names are words too: a day only when the text says "on" it.
        if name in ("پیر", "منگل", "بدھ", "جمعرات", "جمعہ", "ہفتہ", "اتوار") and not (
                re.match(_AR_URDU_DAY_AFTER, match.string[match.end():match.end() + 12])
                or match.group(0).startswith("بروز")):
            return None
        return _weekday(_AR_WEEKDAYS[name], None, report)
    if kind in ("ar_yesterday", "ar_today"):
        date = report - dt.timedelta(days=1) if kind == "ar_yesterday" else report
        return date, date, "day"
    if kind == "ar_weekend":
        saturday = report - dt.timedelta(days=(report.weekday() - 5) % 7)
        return saturday, saturday + dt.timedelta(days=1), "weekend"
    if kind in ("ar_last_week", "ar_this_week"):
        return _week(report, kind == "ar_last_week")
    if kind in ("ar_last_month", "ar_this_month"):
        return _month_relative(report, kind == "ar_last_month")
    year = int(groups.get("year") or groups.get("year2"))
    if year < 1900:  # a Solar Hijri year: 1 Hamal to the last day of Hut
        first = solar_hijri_to_gregorian(year, 1, 1)
        return first, solar_hijri_to_gregorian(year + 1, 1, 1) - dt.timedelta(days=1), "year"
    return dt.date(year, 1, 1), dt.date(year, 12, 31), "year"


def _arabic_day(kind: str, groups: dict, report: dt.date) -> tuple[dt.date, dt.date, str] | None:
    day, year = int(groups["day"]), groups.get("year")
    try:
        if kind == "ar_gregorian":
            date = _in_year(_AR_GREGORIAN[_lookup(groups["month"], _AR_GREGORIAN)], day, year, report)
        else:
            month = _AR_SOLAR[_lookup(groups["month"], _AR_SOLAR)]
            date = _solar_in_year(month, day, int(year) if year else None, report)
    except ValueError:
        return None
    return date, date, "day"


def _lookup(written: str, words: dict[str, int]) -> str:
    """The list's spelling of a word matched in any of its letter variants."""
    folded = _fold_variants(written)
    return next(w for w in sorted(words, key=len, reverse=True) if _fold_variants(w) == folded)


def _fold_variants(word: str) -> str:
    return "".join(ARABIC_VARIANTS.get(c, c)[0] for c in word if c not in " \u200c")


def _solar_in_year(month: int, day: int, year: int | None, report: dt.date) -> dt.date:
    """A Solar Hijri date; without a year, the latest one not far after the report (news looks back)."""
    if year:
        return solar_hijri_to_gregorian(year, month, day)
    report_year = 1404 + (report - _NOWRUZ_1404).days // 366  # close enough to pick the candidates
    candidates = [solar_hijri_to_gregorian(y, month, day) for y in (report_year - 1, report_year, report_year + 1)]
    return max(c for c in candidates if c <= report + dt.timedelta(days=31))


def _week(report: dt.date, last: bool) -> tuple[dt.date, dt.date, str]:
    monday = report - dt.timedelta(days=report.weekday())
    if last:
        monday -= dt.timedelta(days=7)
    return monday, monday + dt.timedelta(days=6), "week"


def _month_relative(report: dt.date, last: bool) -> tuple[dt.date, dt.date, str]:
    first = report.replace(day=1)
    if last:
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return first, _month_end(first), "month"


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
    """The report's own date, when its first lines carry a full date.

    "29 October 2025", "2025-10-29", or a Solar Hijri date with its year ("۲۷ میزان ۱۴۰۴").
    """
    head = text[:300].translate(DIGITS)
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
    for kind, pattern in _PATTERNS:
        if kind not in ("ar_gregorian", "ar_solar"):
            continue
        for match in pattern.finditer(head):
            if match.group("year"):
                resolved = _arabic_day(kind, match.groupdict(), dt.date.today())
                if resolved is not None:
                    return resolved[0]
    return None
