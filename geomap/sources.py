"""Incident exports as they come (ACLED, UCDP GED, GDELT 2.0, any CSV) mapped onto geomap's schema.

Each source keeps all of its own columns; geomap adds its schema beside them (a column the
source already has with the same meaning, such as ACLED's ``event_type``, is left as it is):

``place``, ``event_date`` (ISO date), ``event_type``, ``event_category`` (one vocabulary across
sources, used to link duplicates), ``fatalities`` (``fatalities_low``/``fatalities_high`` where the
source gives a range), ``description``, ``source_name``, ``source_url``, ``source_id`` (the source's
own id), ``source_dataset`` (``acled``, ``ucdp``, ``gdelt``, ``generic``), ``geo_precision`` (geomap's
scale: 1 place, 2 district/area, 3 province/region, 4 country), ``admin1``, ``admin2``, ``country``,
and ``latitude``/``longitude``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geomap.errors import InputError

FORMATS = ("acled", "ucdp", "gdelt", "generic")
SCHEMA = ("place", "event_date", "event_type", "event_category", "fatalities", "fatalities_low", "fatalities_high",
          "description", "source_name", "source_url", "source_id", "source_dataset", "geo_precision", "admin1",
          "admin2", "admin3", "country", "latitude", "longitude")

#: The GDELT 2.0 event table: 61 tab-separated columns, no header (GDELT 2.0 Event Codebook).
GDELT_COLUMNS = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code", "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code", "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code", "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code", "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code", "ActionGeo_ADM2Code",
    "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
)

# Columns whose presence identifies a format (a frame may have more).
_SIGNATURES = {
    "acled": {"event_id_cnty", "event_date", "location", "geo_precision"},
    "ucdp": {"id", "date_start", "where_prec", "best"},
    "gdelt": {"GLOBALEVENTID", "SQLDATE", "ActionGeo_Lat", "ActionGeo_Long"},
}

# Each source's location precision on geomap's scale.
# ACLED geo_precision: 1 the place, 2 near it / part of a district, 3 a larger region.
_ACLED_PRECISION = {1: 1, 2: 2, 3: 3}
# UCDP where_prec: 1 exact, 2 within 25 km, 3 district (adm2), 4 province (adm1), 5 part of a
# country / linear feature, 6 country, 7 international waters or air space.
_UCDP_PRECISION = {1: 1, 2: 2, 3: 2, 4: 3, 5: 3, 6: 4, 7: 4}
# GDELT ActionGeo_Type: 1 country, 2 US state, 3 US city, 4 world city, 5 world state (ADM1).
_GDELT_PRECISION = {1: 4, 2: 3, 3: 1, 4: 1, 5: 3}

# event_category: one coarse vocabulary so that sources can be compared.
_ACLED_CATEGORY = {"battles": "battle", "explosions/remote violence": "explosion",
                   "violence against civilians": "civilians", "protests": "protest", "riots": "protest",
                   "strategic developments": "other"}
_UCDP_VIOLENCE = {1: "state-based", 2: "non-state", 3: "one-sided"}
_UCDP_CATEGORY = {1: "battle", 2: "battle", 3: "civilians"}
# CAMEO root codes (GDELT EventRootCode); finer codes first where they change the category:
# 183 bombings, 194 artillery and tanks, 195 aerial weapons, 204 weapons of mass destruction.
_CAMEO_ROOT = {"14": "Protest", "15": "Exhibit force posture", "17": "Coerce", "18": "Assault", "19": "Fight",
               "20": "Use unconventional mass violence"}
_CAMEO_CATEGORY = {"14": "protest", "18": "civilians", "19": "battle", "20": "civilians"}
_CAMEO_EXPLOSION = ("183", "194", "195", "204")


def parse_columns(spec: str | dict | None) -> dict[str, str]:
    """``"place=location,event_date=date"`` -> ``{"place": "location", "event_date": "date"}``.

    Raises
    ------
    InputError
        An item is not ``name=column``, or ``name`` is not a schema column.
    """
    if spec is None or isinstance(spec, dict):
        mapping = dict(spec or {})
    else:
        mapping = {}
        for item in (part.strip() for part in spec.split(",")):
            name, sep, column = item.partition("=")
            if not item or not sep or not name.strip() or not column.strip():
                raise InputError(f"--columns item {item!r} is not NAME=COLUMN (e.g. place=location,event_date=date)")
            mapping[name.strip()] = column.strip()
    unknown = sorted(set(mapping) - set(SCHEMA))
    if unknown:
        raise InputError(f"--columns names {unknown} are not geomap columns; allowed: {', '.join(SCHEMA)}")
    return mapping


def detect_format(columns) -> str:
    """The format whose signature columns are all present, else ``generic``."""
    present = set(map(str, columns))
    for name, signature in _SIGNATURES.items():
        if signature <= present:
            return name
    return "generic"


def check_format(name: str | None) -> str | None:
    """Validate a ``--format`` value (None means detect from the columns)."""
    if name is None:
        return None
    lowered = str(name).strip().lower()
    if lowered not in FORMATS:
        raise InputError(f"unknown format {name!r}; choose one of: {', '.join(FORMATS)}")
    return lowered


def to_schema(frame: pd.DataFrame, format: str | None = None, columns: str | dict | None = None) -> pd.DataFrame:
    """Add geomap's schema columns to a source's own frame (which is not changed).

    Parameters
    ----------
    frame
        The file as read, every value a string.
    format
        ``acled``, ``ucdp``, ``gdelt`` or ``generic``; None detects it from the columns.
    columns
        Extra ``schema name -> source column`` mapping (``--columns``), applied last so it
        can correct a detected format too.
    """
    mapping = parse_columns(columns)
    name = check_format(format) or detect_format(frame.columns)
    if name != "generic":
        _check_signature(frame, name)
    missing = sorted(c for c in mapping.values() if c not in frame.columns)
    if missing:
        raise InputError(f"--columns names source columns {missing} that the input does not have; "
                         f"columns found: {', '.join(map(str, frame.columns))}")
    out = frame.copy()
    if name == "acled":
        _acled(out)
    elif name == "ucdp":
        _ucdp(out)
    elif name == "gdelt":
        _gdelt(out)
    for target, source in mapping.items():
        out[target] = frame[source]
    if name == "generic" and "event_type" in out and "event_category" not in out:
        out["event_category"] = out["event_type"].astype("string").str.strip().str.lower()
    if "source_dataset" not in frame.columns and (name != "generic" or mapping):
        out["source_dataset"] = name
    if "event_date" in out and (name != "generic" or "event_date" in mapping):
        out["event_date"] = _iso_date(out["event_date"])
    return out


def _check_signature(frame: pd.DataFrame, name: str) -> None:
    missing = sorted(_SIGNATURES[name] - set(map(str, frame.columns)))
    if missing:
        raise InputError(f"input is not a {name.upper()} export: columns {missing} are missing "
                         f"(columns found: {', '.join(map(str, frame.columns[:12]))}...)")


def _set(frame: pd.DataFrame, target: str, values) -> None:
    """Add a schema column unless the source already has one of that name (its meaning is the same)."""
    if target not in frame.columns:
        frame[target] = values


def _number(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce")


def _precision(series: pd.Series, table: dict[int, int]) -> pd.Series:
    return _number(series).map(table).astype("Int8")


def _acled(frame: pd.DataFrame) -> None:
    _set(frame, "place", frame["location"])
    frame["geo_precision"] = _precision(frame["geo_precision"], _ACLED_PRECISION)
    frame["source_id"] = frame["event_id_cnty"]
    _set(frame, "description", frame.get("notes"))
    _set(frame, "source_name", frame.get("source"))
    if "event_type" in frame:
        frame["event_category"] = frame["event_type"].astype("string").str.strip().str.lower().map(
            _ACLED_CATEGORY).fillna("other")
    frame["fatalities"] = _number(frame["fatalities"]) if "fatalities" in frame else np.nan


def _ucdp(frame: pd.DataFrame) -> None:
    _set(frame, "place", frame.get("where_coordinates", frame.get("adm_2")))
    frame["source_id"] = frame["id"]
    frame["event_date"] = frame["date_start"]
    frame["geo_precision"] = _precision(frame["where_prec"], _UCDP_PRECISION)
    violence = _number(frame.get("type_of_violence", pd.Series(np.nan, index=frame.index)))
    _set(frame, "event_type", violence.map(_UCDP_VIOLENCE))
    frame["event_category"] = violence.map(_UCDP_CATEGORY).fillna("other")
    frame["fatalities"] = _number(frame["best"])
    frame["fatalities_low"] = _number(frame.get("low", frame["best"]))
    frame["fatalities_high"] = _number(frame.get("high", frame["best"]))
    _set(frame, "description", frame.get("source_headline", frame.get("where_description")))
    _set(frame, "source_name", frame.get("source_office"))
    _set(frame, "admin1", frame.get("adm_1"))
    _set(frame, "admin2", frame.get("adm_2"))


def _gdelt(frame: pd.DataFrame) -> None:
    full_name = frame["ActionGeo_FullName"].astype("string")
    # "Khost, Khowst, Afghanistan": the first part names the place itself.
    _set(frame, "place", full_name.str.split(",").str[0].str.strip())
    frame["source_id"] = frame["GLOBALEVENTID"]
    frame["event_date"] = frame["SQLDATE"]
    frame["geo_precision"] = _precision(frame["ActionGeo_Type"], _GDELT_PRECISION)
    code = frame["EventCode"].astype("string").fillna("")
    root = frame["EventRootCode"].astype("string").fillna("").str.zfill(2)
    _set(frame, "event_type", root.map(_CAMEO_ROOT).fillna("CAMEO " + root))
    category = root.map(_CAMEO_CATEGORY).fillna("other")
    frame["event_category"] = category.where(~code.str.startswith(_CAMEO_EXPLOSION), "explosion")
    _set(frame, "source_url", frame["SOURCEURL"])
    _set(frame, "description", full_name)
    # The name's last part is the country's name; ActionGeo_CountryCode is FIPS 10-4, not ISO ("CH" is China).
    _set(frame, "country", full_name.str.split(",").str[-1].str.strip())
    _set(frame, "admin1", frame["ActionGeo_ADM1Code"])
    frame["latitude"] = frame["ActionGeo_Lat"]
    frame["longitude"] = frame["ActionGeo_Long"]


def _iso_date(series: pd.Series) -> pd.Series:
    """Dates as ``YYYY-MM-DD`` strings: ISO, ``20251012`` (GDELT) or ``12 October 2025`` (older ACLED)."""
    text = series.astype("string").str.strip()
    compact = text.str.fullmatch(r"\d{8}").fillna(False).astype(bool)
    parsed = pd.to_datetime(text.where(~compact), errors="coerce", format="ISO8601")
    parsed = parsed.fillna(pd.to_datetime(text.where(compact), errors="coerce", format="%Y%m%d"))
    rest = parsed.isna() & text.notna()
    if rest.any():
        parsed[rest] = pd.to_datetime(text[rest], errors="coerce", format="mixed")
    return parsed.dt.strftime("%Y-%m-%d").astype(object).where(parsed.notna(), series)
