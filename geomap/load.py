"""Incidents from any supported file, in geomap's schema. No geography here.

:func:`load` reads a file with :mod:`geomap.reader` (the reader every engine uses) and
:func:`standardise` adds the schema to the frame as read. The schema is the input's own columns,
kept as they are, plus:

- the source's columns mapped onto geomap's (:mod:`geomap.sources`);
- ``latitude``/``longitude`` (WGS84) when the input has coordinates: from a point geometry, or
  from columns named like latitude/longitude (``lat``, ``lon``, ``lng``, ``y``, ``x``);
- ``coord_note``: why a row's coordinates were changed, dropped or doubted (see
  :mod:`geomap.coordinates`), empty otherwise;
- ``event_date`` as ISO ``YYYY-MM-DD`` where it can be read (see :func:`geomap.dates.read`; the
  text as given is kept in ``event_date_raw`` when the column had any other form), and
  ``date_note`` for a date that is unreadable, ambiguous or a placeholder (the row is kept, its
  text untouched).

No row is ever dropped: a row whose coordinates cannot be used keeps its place name and goes on
to be geocoded.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geomap import coordinates, dates, reader, settings, sources

_LAT_NAMES = ("latitude", "lat", "y", "decimallatitude")
_LON_NAMES = ("longitude", "lon", "lng", "long", "x", "decimallongitude")
#: ``date_order`` value that decides day/month order from the frame's own dates.
AUTO = "auto"


def load(path: str | Path, format: str | None = None, columns: str | dict | None = None, *,
         encoding: str | None = None, date_order: str | None = None, layer: str | None = None) -> pd.DataFrame:
    """Read an incident file into a DataFrame (see the module docstring for the schema).

    Parameters
    ----------
    path
        A ``.csv``/``.tsv``/``.txt``, GDELT 2.0 event file, ``.geojson``, ``.parquet``
        (GeoParquet or plain Parquet) or ``.gpkg`` file.
    format
        ``acled``, ``ucdp``, ``gdelt`` or ``generic``; None detects it from the columns.
    columns
        ``"place=location,event_date=date"``: which source column holds which schema column.
    encoding
        The text encoding; None detects it (UTF-8, UTF-16, Windows code pages).
    date_order
        ``"dayfirst"`` or ``"monthfirst"`` for dates such as ``05/10/2025``; None decides from
        the column's own values and flags what stays ambiguous.
    layer
        The GeoPackage layer to read; None reads all of them, with a ``layer`` column.

    Raises
    ------
    InputError
        The file is missing, a directory, empty, of an unknown type, or unreadable.
    """
    options = reader.ReadOptions.build(format, columns, encoding, date_order, layer)
    frame, _, _ = reader.read_all(path, options)
    return standardise(frame, options.format, options.mapping, options.date_order or AUTO)


def standardise(frame: pd.DataFrame, format: str | None = None, columns: str | dict | None = None,
                date_order: str | dates.Reading | None = AUTO) -> pd.DataFrame:
    """Any source's columns to geomap's schema, with coordinates and dates checked (see the module docstring).

    ``date_order`` is ``"auto"`` (decide from this frame's dates), ``"dayfirst"``/``"monthfirst"``,
    or the :class:`~geomap.dates.Reading` decided for the whole file when the frame is one block of it.
    """
    schema = sources.to_schema(frame, format, columns)
    own_date = settings.DATE_COLUMN in frame.columns
    return normalise_dates(normalise_coordinates(schema), order=date_order, own_column=own_date)


def normalise_coordinates(frame: pd.DataFrame) -> pd.DataFrame:
    """Find coordinate columns, check ranges, repair proven swaps, flag doubts; never drop a row."""
    out = frame.copy()
    lat_col = _find_column(out, _LAT_NAMES)
    lon_col = _find_column(out, _LON_NAMES)
    if lat_col is None or lon_col is None:
        return out
    lat, lon, note = coordinates.check(out[lat_col], out[lon_col], out.get(settings.COUNTRY_COLUMN),
                                       out.get(settings.PROVINCE_COLUMN))
    out = out.drop(columns=[c for c in {lat_col, lon_col} if c not in ("latitude", "longitude")])
    out["latitude"] = lat
    out["longitude"] = lon
    out["coord_note"] = note
    return out


def normalise_dates(frame: pd.DataFrame, column: str | None = None, order: str | dates.Reading | None = AUTO,
                    own_column: bool = True) -> pd.DataFrame:
    """Read the date column into ISO dates; flag, never drop, what cannot be read.

    ``own_column`` says the column is the source's own (not one geomap added): its text is then
    kept in ``<column>_raw`` when the column has values in other forms than ISO.
    """
    column = column or settings.DATE_COLUMN
    if column not in frame.columns:
        return frame
    out = frame.copy()
    raw = out[column]
    if isinstance(order, dates.Reading):
        reading = order
    else:
        reading = dates.evidence(raw).decide(None if order == AUTO else order)
    iso, note = dates.read(raw, reading.order)
    out[column] = pd.Series(iso, index=out.index, dtype=object)
    if own_column and reading.keep_text:
        out[f"{column}_raw"] = raw
    out["date_note"] = note
    return out


def _find_column(frame: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    lowered = {str(c).strip().lower(): c for c in frame.columns}
    for name in names:
        if name in lowered:
            return lowered[name]
    return None


__all__ = ["AUTO", "load", "normalise_coordinates", "normalise_dates", "standardise"]
