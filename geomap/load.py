"""Read incidents from CSV, GeoJSON, GeoParquet or GeoPackage into one schema. No geography here.

The schema is the input's own columns, kept as they are, plus:

- ``latitude``/``longitude`` (WGS84) when the input has coordinates: from a point geometry,
  or from columns named like latitude/longitude (``lat``, ``lon``, ``lng``, ``y``, ``x``);
- ``coord_note``: why a row's coordinates were changed, dropped or doubted (see
  :mod:`geomap.coordinates`), empty otherwise;
- ``event_date`` as ISO ``YYYY-MM-DD`` where it can be read (the text as given is kept in
  ``event_date_raw`` when any value changed), and ``date_note`` = ``unparseable date``
  for a row whose date cannot be read (the row is kept, its text untouched).

No row is ever dropped: a row whose coordinates cannot be used keeps its place name and
goes on to be geocoded.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geomap import coordinates, settings, sources, vector
from geomap.errors import InputError

READERS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".geojson": "geo", ".json": "geo",
           ".parquet": "parquet", ".geoparquet": "parquet", ".gpkg": "geo"}
_LAT_NAMES = ("latitude", "lat", "y", "decimallatitude")
_LON_NAMES = ("longitude", "lon", "lng", "long", "x", "decimallongitude")
_ENCODINGS = ("utf-8-sig", "cp1252")


def load(path: str | Path, format: str | None = None, columns: str | dict | None = None) -> pd.DataFrame:
    """Read an incident file into a DataFrame (see the module docstring for the schema).

    Parameters
    ----------
    path
        A ``.csv``/``.tsv``, ``.geojson``, ``.parquet`` (GeoParquet or plain Parquet) or
        ``.gpkg`` file, or a GDELT 2.0 event file (tab-separated, no header).
    format
        ``acled``, ``ucdp``, ``gdelt`` or ``generic``; None detects it from the columns.
        The source's columns are kept and geomap's schema is added, see :mod:`geomap.sources`.
    columns
        ``"place=location,event_date=date"``: which source column holds which schema column.

    Raises
    ------
    InputError
        The file is missing, a directory, empty, of an unknown type, or unreadable.
    """
    path = vector.check_local_path(path)  # before Path() folds the "//" of a URL
    kind = _check_path(path)
    format = sources.check_format(format)
    if kind == "csv" and (format == "gdelt" or (format is None and _is_gdelt(path))):
        frame = read_gdelt(path)
    elif kind == "csv":
        frame = _read_csv(path)
    elif kind == "parquet":
        frame = _read_parquet(path)
    else:
        frame = _read_geo(path)
    if frame.columns.duplicated().any():
        dupes = sorted(set(frame.columns[frame.columns.duplicated()]))
        raise InputError(f"{path}: duplicated column names {dupes}; rename them so each column is unique")
    return standardise(frame, format, columns)


def standardise(frame: pd.DataFrame, format: str | None = None, columns: str | dict | None = None) -> pd.DataFrame:
    """Any source's columns to geomap's schema, with coordinates and dates checked (see the module docstring)."""
    return normalise_dates(normalise_coordinates(sources.to_schema(frame, format, columns)))


def _is_gdelt(path: Path) -> bool:
    """A GDELT 2.0 event file: no header, 61 tab-separated fields, a numeric event id first."""
    with path.open("rb") as handle:
        first = handle.readline().split(b"\t")
    return len(first) == len(sources.GDELT_COLUMNS) and first[0].strip().isdigit()


def read_gdelt(path: Path) -> pd.DataFrame:
    """Read a GDELT 2.0 event file (``*.export.CSV``): tab-separated, no header, 61 columns."""
    with path.open("rb") as handle:
        found = len(handle.readline().split(b"\t"))
    if found != len(sources.GDELT_COLUMNS):
        raise InputError(f"{path}: a GDELT 2.0 event file has {len(sources.GDELT_COLUMNS)} tab-separated columns; "
                         f"its first line has {found}")
    try:
        return pd.read_csv(path, sep="\t", header=None, names=list(sources.GDELT_COLUMNS), dtype=str,
                           keep_default_na=False, na_values=[""], quoting=csv.QUOTE_NONE, encoding="utf-8",
                           encoding_errors="replace")
    except pd.errors.ParserError as exc:
        raise InputError(f"{path}: not a readable GDELT 2.0 event file ({str(exc).splitlines()[0]})") from exc


def _check_path(path: Path) -> str:
    if not path.exists():
        raise InputError(f"input file {str(path)!r} does not exist")
    if path.is_dir():
        raise InputError(f"input {str(path)!r} is a directory; give a file")
    kind = READERS.get(path.suffix.lower())
    if kind is None:
        raise InputError(f"cannot read {path.name!r}: unknown extension {path.suffix or '(none)'!r}; "
                         f"supported: {', '.join(sorted(READERS))}")
    if path.stat().st_size == 0:
        raise InputError(f"input file {str(path)!r} is empty")
    return kind


def _read_csv(path: Path) -> pd.DataFrame:
    text = _decode(path)
    if not text.strip():
        raise InputError(f"input file {str(path)!r} is empty")
    delimiter = ","
    if path.suffix.lower() == ".tsv":
        delimiter = "\t"
    else:
        try:
            delimiter = csv.Sniffer().sniff(text[:65536], delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    _check_duplicate_header(path, text, delimiter)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                            na_values=[""], skipinitialspace=True)
    except (pd.errors.ParserError, csv.Error) as exc:
        raise InputError(f"{path}: not a readable CSV ({str(exc).splitlines()[0]})") from exc
    except pd.errors.EmptyDataError as exc:
        raise InputError(f"input file {str(path)!r} has no header row") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _check_duplicate_header(path: Path, text: str, delimiter: str) -> None:
    header = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    names = [h.strip() for h in header]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputError(f"{path}: duplicated column names {dupes}; rename them so each column is unique")


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    for encoding in _ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{path}: text is neither UTF-8, UTF-16 nor Windows-1252")


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        frame = gpd.read_parquet(path)
    except ValueError:  # plain Parquet without geometry metadata
        try:
            return pd.read_parquet(path)
        except Exception as exc:
            raise InputError(f"{path}: not a readable Parquet file ({exc})") from exc
    except Exception as exc:
        raise InputError(f"{path}: not a readable Parquet file ({exc})") from exc
    return _from_geo(frame, path)


def _read_geo(path: Path) -> pd.DataFrame:
    return _from_geo(vector.read(path), path)


def _from_geo(frame: gpd.GeoDataFrame, path: Path) -> pd.DataFrame:
    """Points to latitude/longitude in WGS84; other geometries to a representative point."""
    if frame.crs is None:
        raise InputError(f"{path}: the geometry has no CRS; write it with one (WGS84, EPSG:4326, is expected)")
    if not frame.crs.equals(settings.CRS):
        frame = frame.to_crs(settings.CRS)
    geometry = frame.geometry
    has_geom = geometry.notna() & ~geometry.is_empty
    points = geometry.copy()
    non_point = has_geom & (geometry.geom_type != "Point")
    points[non_point] = geometry[non_point].representative_point()
    out = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    out["latitude"] = np.where(has_geom, points.y.where(has_geom), np.nan)
    out["longitude"] = np.where(has_geom, points.x.where(has_geom), np.nan)
    return out


def normalise_coordinates(frame: pd.DataFrame) -> pd.DataFrame:
    """Find coordinate columns, check ranges, repair swapped pairs; never drop a row."""
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


def normalise_dates(frame: pd.DataFrame, column: str | None = None) -> pd.DataFrame:
    """Read the date column into ISO dates; flag, never drop, what cannot be read."""
    column = column or settings.DATE_COLUMN
    if column not in frame.columns:
        return frame
    out = frame.copy()
    raw = out[column]
    text = raw.astype("string").str.strip()
    parsed = pd.to_datetime(text, errors="coerce", format="ISO8601")
    retry = parsed.isna() & text.notna() & (text != "")
    if retry.any():  # "19 October 2025", "10/19/2025": slower, so only for what ISO missed
        parsed[retry] = pd.to_datetime(text[retry], errors="coerce", format="mixed", dayfirst=False)
    iso = parsed.dt.strftime("%Y-%m-%d")
    unreadable = parsed.isna() & text.notna() & (text != "")
    out[column] = iso.where(parsed.notna(), raw).astype(object)
    if (out[column].astype("string") != raw.astype("string")).fillna(False).any():
        out[f"{column}_raw"] = raw
    out["date_note"] = np.where(unreadable, "unparseable date", "")
    return out


def _find_column(frame: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    lowered = {str(c).strip().lower(): c for c in frame.columns}
    for name in names:
        if name in lowered:
            return lowered[name]
    return None
