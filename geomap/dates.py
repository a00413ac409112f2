"""When an incident happened, as a window of days that honours how precisely its date is known."""

from __future__ import annotations

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
    else:
        text = raw.astype("string")
        parsed = pd.to_datetime(text, errors="coerce", format="ISO8601")
        rest = parsed.isna() & text.notna()
        if rest.any():  # "7 October 2025" and other spelled-out dates, read one by one
            parsed[rest] = pd.to_datetime(text[rest], errors="coerce", format="mixed")
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert(None)
    return parsed.astype("datetime64[ns]")


def week_start(days: pd.Series) -> pd.Series:
    """The Monday of each date's week."""
    return days - pd.to_timedelta(days.dt.day_of_week, unit="D")


__all__ = ["incident_window", "week_start"]
