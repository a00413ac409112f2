"""Dates: reading them as exports write them, and an incident's window of days.

Reading (:func:`read`) turns the text of a date column into ISO ``YYYY-MM-DD`` and a note per
value. Exports write dates many ways: ISO with or without a time (``1990-10-04 00:00:00.000``),
GDELT's ``20191024``, month names (``14 October 2025``, ACLED's ``01-January-2015``, a
spreadsheet's ``9-May-20``), and numbers in either order (``05/10/2025``). For the last, the
order is decided for a whole column from its own evidence (:class:`Evidence`): a value whose
first number exceeds 12 is day-first, one whose second does is month-first. What the evidence
cannot settle is flagged, never guessed. Placeholder dates (``0001-01-01``, ``9999-12-31``)
are flagged too. Nothing here fails on a bad value: it is kept as text with its note.

Each distinct text is parsed once, so a column of millions of rows costs its distinct values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geomap import settings

_PRECISION_CODES = {"1": "day", "2": "week", "3": "month", "day": "day", "weekend": "weekend", "week": "week",
                    "month": "month", "year": "year", "report": "day"}


def incident_window(incidents: pd.DataFrame, date_column: str | None = None,
                    precision_column: str | None = None) -> pd.DataFrame:
    """First day, last day and precision of each incident's date.

    Parameters
    ----------
    incidents
        Any frame; ``date_column`` holds dates (ISO strings, ``"7 October 2025"``, or datetimes).
        An ``event_date_end`` column (:data:`geomap.settings.DATE_END_COLUMN`, written by
        ``geomap extract``), where it holds a later date than the precision implies, gives the last day.
    date_column, precision_column
        Defaults :data:`geomap.settings.DATE_COLUMN` and :data:`~geomap.settings.DATE_PRECISION_COLUMN`.
        Without a precision column every date is taken to the day.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``incidents``: ``start`` and ``end`` (inclusive, midnight timestamps; NaT
        for a missing or unreadable date) and ``precision`` (``day``, ``weekend``, ``week``,
        ``month`` or ``year``; ``report``, a report's own date, counts as a day). A weekend-precise
        date spans its Saturday and Sunday, a week-precise date its Monday-to-Sunday week, a
        month-precise date its month, a year-precise date its year.
    """
    date_column = date_column or settings.DATE_COLUMN
    precision_column = precision_column or settings.DATE_PRECISION_COLUMN
    raw = incidents[date_column] if date_column in incidents else pd.Series(pd.NaT, index=incidents.index)
    day = _parse_dates(raw).dt.normalize()
    precision = (incidents[precision_column].astype("string").str.strip().str.lower().map(_PRECISION_CODES)
                 if precision_column in incidents else pd.Series(None, index=incidents.index, dtype=object))
    precision = precision.fillna("day").astype(object)
    start = day.copy()
    end = day.copy()
    weekend = (precision == "weekend").to_numpy()
    week = (precision == "week").to_numpy()
    month = (precision == "month").to_numpy()
    year = (precision == "year").to_numpy()
    # The weekend a date belongs to: a Saturday or Sunday its own, a weekday the one before it.
    start[weekend] = day[weekend] - pd.to_timedelta((day[weekend].dt.day_of_week - 5) % 7, unit="D")
    end[weekend] = start[weekend] + pd.Timedelta(days=1)
    start[week] = week_start(day[week])
    end[week] = start[week] + pd.Timedelta(days=6)
    start[month] = day[month] - pd.to_timedelta(day[month].dt.day - 1, unit="D")
    end[month] = start[month] + pd.to_timedelta(day[month].dt.days_in_month - 1, unit="D")
    start[year] = day[year] - pd.to_timedelta(day[year].dt.day_of_year - 1, unit="D")
    end[year] = start[year] + pd.to_timedelta(365 + day[year].dt.is_leap_year.astype(int) - 1, unit="D")
    end_column = settings.DATE_END_COLUMN
    if end_column in incidents:  # an explicit last day, where it is a real date not before the first
        given = _parse_dates(incidents[end_column]).dt.normalize()
        later = (given > end).to_numpy()
        end[later] = given[later]
    return pd.DataFrame({"start": start, "end": end, "precision": precision}, index=incidents.index)


def _parse_dates(raw: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(raw):
        parsed = raw
    else:  # text: read as the reader reads it ("7 October 2025" too); what is flagged has no date here
        iso, note = read(raw)
        known = pd.Series(np.where(note == "", iso, None), index=raw.index, dtype=object)
        parsed = pd.to_datetime(known, errors="coerce", format="%Y-%m-%d")
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert(None)
    # A placeholder such as 0001-01-01 has no place on a nanosecond time line: no date.
    inside = parsed.isna() | ((parsed.dt.year >= _YEARS[0]) & (parsed.dt.year <= 2262))
    return parsed.where(inside).astype("datetime64[ns]")


def week_start(days: pd.Series) -> pd.Series:
    """The Monday of each date's week."""
    return days - pd.to_timedelta(days.dt.day_of_week, unit="D")


#: ``--dayfirst`` / ``--monthfirst``: the order of numeric dates such as ``05/10/2025``.
ORDERS = ("dayfirst", "monthfirst")
#: Notes written to ``date_note``.
UNPARSEABLE, AMBIGUOUS, PLACEHOLDER = "unparseable date", "ambiguous date (day/month order)", "placeholder date"
# Years outside this range are the placeholders systems write for "no date" (0001-01-01, 9999-12-31).
_YEARS = (1000, 2999)
_MONTHS = {name: number for number, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")], start=1) for name in names}
_TIME = r"(?:[T ]+\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[AaPp][Mm])?\s*(?:Z|[+-]\d{2}:?\d{2})?)?"
_ISO = re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})" + _TIME)
_COMPACT = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})")
_NUMERIC = re.compile(r"(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y>\d{4}|\d{2})" + _TIME)
_DAY_MONTH = re.compile(r"(?P<d>\d{1,2})(?:st|nd|rd|th)?[\s\-/.]+(?:of\s+)?(?P<mon>[A-Za-z]{3,9})\.?,?[\s\-/.]+"
                        r"(?P<y>\d{4}|\d{2})" + _TIME)
_MONTH_DAY = re.compile(r"(?P<mon>[A-Za-z]{3,9})\.?[\s\-/.]+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?[\s\-/.]+"
                        r"(?P<y>\d{4}|\d{2})" + _TIME)


@dataclass(frozen=True)
class Reading:
    """How a whole date column is read: the order of numeric dates, and whether its text is kept.

    ``keep_text`` is True when some value of the column is not already an ISO date, so
    rewriting them loses the text as given (it goes to ``event_date_raw``).
    """

    order: str | None = None
    keep_text: bool = False


@dataclass(frozen=True)
class Evidence:
    """How many values of a column can only be day-first, only month-first, and are not ISO dates."""

    dayfirst: int = 0
    monthfirst: int = 0
    rewritten: int = 0

    def __add__(self, other: Evidence) -> Evidence:
        return Evidence(self.dayfirst + other.dayfirst, self.monthfirst + other.monthfirst,
                        self.rewritten + other.rewritten)

    def decide(self, order: str | None = None) -> Reading:
        """The column's :class:`Reading`; ``order`` (``--dayfirst``/``--monthfirst``) wins over the evidence."""
        return Reading(order or self.order(), self.rewritten > 0)

    def order(self) -> str | None:
        """The column's order when the evidence points one way only, else None (each value on its own)."""
        if self.dayfirst and not self.monthfirst:
            return "dayfirst"
        if self.monthfirst and not self.dayfirst:
            return "monthfirst"
        return None

    def describe(self) -> str:
        if self.order() == "dayfirst":
            return f"day-first ({self.dayfirst:,} values can only be read that way)"
        if self.order() == "monthfirst":
            return f"month-first ({self.monthfirst:,} values can only be read that way)"
        if self.dayfirst:
            return (f"mixed ({self.dayfirst:,} values only day-first, {self.monthfirst:,} only month-first): "
                    "the others are flagged")
        return "undecided (no value settles it): the ambiguous ones are flagged"


def check_order(order: str | None) -> str | None:
    """Validate ``--dayfirst``/``--monthfirst`` (None: decide from the evidence)."""
    if order is not None and order not in ORDERS:
        from geomap.errors import InputError

        raise InputError(f"unknown date order {order!r}; choose one of: {', '.join(ORDERS)}")
    return order


def evidence(values) -> Evidence:
    """Count the values that settle day/month order (``13/10/2025`` day-first, ``10/13/2025`` month-first)."""
    text = _distinct(values)
    numeric = text.str.extract(f"^{_NUMERIC.pattern}$")
    a = pd.to_numeric(numeric["a"], errors="coerce").to_numpy()
    b = pd.to_numeric(numeric["b"], errors="coerce").to_numpy()
    counts = _counts(values, text)
    iso = text.str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False).to_numpy(dtype=bool)
    return Evidence(int(counts[(a > 12) & (b <= 12)].sum()), int(counts[(b > 12) & (a <= 12)].sum()),
                    int(counts[~iso].sum()))


def read(values, order: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """ISO dates for the text of a date column, and a note per value.

    Parameters
    ----------
    values
        The column as read (text; missing values allowed).
    order
        ``"dayfirst"`` or ``"monthfirst"`` for numeric dates, or None to read each on its own
        (a value such as ``05/10/2025`` is then flagged as ambiguous). Use :func:`evidence`
        over the whole column to decide it.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Per value: the ISO date (the text as given where it cannot be read) and the note
        (``""``, :data:`UNPARSEABLE`, :data:`AMBIGUOUS` or :data:`PLACEHOLDER`).
    """
    series = pd.Series(values, dtype=object) if not isinstance(values, pd.Series) else values
    codes, uniques = pd.factorize(_stripped(series), use_na_sentinel=True)
    iso, note = _read_distinct(pd.Series(uniques, dtype="string"), order)
    out_iso = np.asarray(series, dtype=object).copy()
    out_note = np.full(len(series), "", dtype=object)
    known = codes >= 0
    parsed = iso[codes[known]]
    keep = parsed != ""
    out_iso[np.flatnonzero(known)[keep]] = parsed[keep]
    out_note[known] = note[codes[known]]
    return out_iso, out_note


def _stripped(values) -> pd.Series:
    """The text, trimmed; an empty value is a missing one (no note)."""
    text = pd.Series(values, dtype="string").str.strip()
    return text.where(text != "")


def _distinct(values) -> pd.Series:
    return pd.Series(pd.unique(_stripped(values).dropna()), dtype="string")


def _counts(values, distinct: pd.Series) -> np.ndarray:
    counted = _stripped(values).value_counts()
    return counted.reindex(distinct.to_numpy()).fillna(0).to_numpy(dtype=np.int64)


def _read_distinct(text: pd.Series, order: str | None) -> tuple[np.ndarray, np.ndarray]:
    """Year, month and day of each distinct text by the first pattern that fits; then the notes."""
    n = len(text)
    year, month, day = (np.full(n, -1, dtype=np.int64) for _ in range(3))
    ambiguous = np.zeros(n, dtype=bool)
    todo = np.ones(n, dtype=bool)
    for pattern in (_ISO, _COMPACT, _NUMERIC, _DAY_MONTH, _MONTH_DAY):
        if not todo.any():
            break
        found = text[todo].str.extract(f"^{pattern.pattern}$")
        hit = found["y"].notna().to_numpy()
        rows = np.flatnonzero(todo)[hit]
        found = found[hit]
        y = found["y"].astype(int).to_numpy()
        y = np.where(found["y"].str.len().to_numpy() == 2, np.where(y <= 69, 2000 + y, 1900 + y), y)
        if "a" in found:  # numbers in either order: the column's evidence, or the values themselves
            a, b = found["a"].astype(int).to_numpy(), found["b"].astype(int).to_numpy()
            dayfirst = np.full(len(rows), order == "dayfirst") if order else (a > 12) & (b <= 12)
            if order is None:
                ambiguous[rows] = (a <= 12) & (b <= 12) & (a != b)
            d, m = np.where(dayfirst, a, b), np.where(dayfirst, b, a)
        elif "mon" in found:
            m = found["mon"].str.lower().map(_MONTHS).fillna(-1).astype(int).to_numpy()
            d = found["d"].astype(int).to_numpy()
        else:
            m, d = found["m"].astype(int).to_numpy(), found["d"].astype(int).to_numpy()
        year[rows], month[rows], day[rows] = y, m, d
        todo[rows] = False
    return _validated(year, month, day, ambiguous)


def _validated(year, month, day, ambiguous) -> tuple[np.ndarray, np.ndarray]:
    iso = np.full(len(year), "", dtype=object)
    note = np.full(len(year), UNPARSEABLE, dtype=object)
    shaped = (year >= 0) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)
    placeholder = shaped & ((year < _YEARS[0]) | (year > _YEARS[1]))
    real = shaped & ~placeholder & ~ambiguous
    if real.any():
        stamps = pd.to_datetime(pd.DataFrame({"year": year[real], "month": month[real], "day": day[real]}),
                                errors="coerce")  # 31 April and 29 February 2023 become NaT
        valid = stamps.notna().to_numpy()
        rows = np.flatnonzero(real)[valid]
        iso[rows] = stamps[valid].dt.strftime("%Y-%m-%d").to_numpy(dtype=object)
        note[rows] = ""
    note[placeholder] = PLACEHOLDER
    note[shaped & ambiguous & ~placeholder] = AMBIGUOUS
    return iso, note


__all__ = ["AMBIGUOUS", "ORDERS", "PLACEHOLDER", "UNPARSEABLE", "Evidence", "Reading", "check_order", "evidence",
           "incident_window", "read", "week_start"]
