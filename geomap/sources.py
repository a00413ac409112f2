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

# Columns whose presence identifies a format (a frame may have more), compared without case:
# ACLED before 2019 wrote its columns in upper case (EVENT_ID_CNTY, ...).
_SIGNATURES = {
    "acled": {"event_id_cnty", "event_date", "location", "geo_precision"},
    "ucdp": {"id", "date_start", "where_prec"},
    "gdelt": {"globaleventid", "sqldate", "actiongeo_lat", "actiongeo_long"},
}
# UCDP's best estimate of deaths: "best" in GED releases and on HDX, "best_est" from the download centre.
_UCDP_BEST = ("best", "best_est")

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
                   "strategic developments": "other",
                   # ACLED's event types before 2019
                   "battle-no change of territory": "battle", "battle-government regains territory": "battle",
                   "battle-non-state actor overtakes territory": "battle", "remote violence": "explosion",
                   "riots/protests": "protest", "strategic development": "other",
                   "headquarters or base established": "other", "non-violent transfer of territory": "other",
                   "non-violent activity": "other"}
# Pakistani units before the 2018 merger into Khyber Pakhtunkhwa, as older exports name them in admin1.
_FORMER_PROVINCES = {"federally administered tribal areas": "Khyber Pakhtunkhwa", "fata": "Khyber Pakhtunkhwa",
                     "north-west frontier province": "Khyber Pakhtunkhwa", "n.w.f.p.": "Khyber Pakhtunkhwa",
                     "nwfp": "Khyber Pakhtunkhwa"}
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
    """The format whose signature columns are all present (in any case), else ``generic``."""
    present = {str(c).lower() for c in columns}
    for name, signature in _SIGNATURES.items():
        if signature <= present and (name != "ucdp" or present & set(_UCDP_BEST)):
            return name
    return "generic"


def date_column(columns, format: str | None = None, mapping: dict[str, str] | None = None) -> str | None:
    """The source column that becomes ``event_date`` (None if there is none)."""
    if mapping and "event_date" in mapping:
        return mapping["event_date"]
    name = check_format(format) or detect_format(columns)
    wanted = {"acled": "event_date", "ucdp": "date_start", "gdelt": "SQLDATE"}.get(name, "event_date")
    return next((c for c in columns if str(c).lower() == wanted.lower()), None)


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
    return out


def _check_signature(frame: pd.DataFrame, name: str) -> None:
    present = {str(c).lower() for c in frame.columns}
    missing = sorted(_SIGNATURES[name] - present)
    if name == "ucdp" and not present & set(_UCDP_BEST):
        missing.append(" or ".join(_UCDP_BEST))
    if missing:
        raise InputError(f"input is not a {name.upper()} export: columns {missing} are missing "
                         f"(columns found: {', '.join(map(str, frame.columns[:12]))}...)")


def _get(frame: pd.DataFrame, *names: str) -> pd.Series | None:
    """The first of ``names`` the frame has, compared without case (None if it has none)."""
    lowered = {str(c).lower(): c for c in frame.columns}
    for name in names:
        if name.lower() in lowered:
            return frame[lowered[name.lower()]]
    return None


def _set(frame: pd.DataFrame, target: str, values) -> None:
    """Add a schema column unless the source already has one of that name (its meaning is the same)."""
    if target not in frame.columns:
        frame[target] = values


def _number(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce")


def _precision(series: pd.Series, table: dict[int, int]) -> pd.Series:
    return _number(series).map(table).astype("Int8")


def _acled(frame: pd.DataFrame) -> None:
    """ACLED, current (lower-case columns) and before 2019 (UPPER-CASE columns, other event types)."""
    _set(frame, "place", _get(frame, "location"))
    frame["geo_precision"] = _precision(_get(frame, "geo_precision"), _ACLED_PRECISION)
    frame["source_id"] = _get(frame, "event_id_cnty")
    _set(frame, "event_date", _get(frame, "event_date"))
    _set(frame, "description", _get(frame, "notes"))
    _set(frame, "source_name", _get(frame, "source"))
    for column in ("event_type", "time_precision", "country", "admin2", "admin3"):
        if _get(frame, column) is not None:
            _set(frame, column, _get(frame, column))
    admin1 = _get(frame, "admin1")
    if admin1 is not None and "admin1" not in frame:  # an older export: say the province as it is now
        folded = admin1.astype("string").str.strip().str.lower()
        _set(frame, "admin1", folded.map(_FORMER_PROVINCES).fillna(admin1).astype(object).where(admin1.notna()))
    event_type = _get(frame, "event_type")
    if event_type is not None:
        frame["event_category"] = event_type.astype("string").str.strip().str.lower().map(
            _ACLED_CATEGORY).fillna("other")
    fatalities = _get(frame, "fatalities")
    frame["fatalities"] = _number(fatalities) if fatalities is not None else np.nan


def _ucdp(frame: pd.DataFrame) -> None:
    """UCDP GED: a release (``best/high/low``, also via HDX) or the download centre (``best_est/...``)."""
    _set(frame, "place", _get(frame, "where_coordinates", "adm_2"))
    frame["source_id"] = _get(frame, "id")
    frame["event_date"] = _get(frame, "date_start")
    frame["geo_precision"] = _precision(_get(frame, "where_prec"), _UCDP_PRECISION)
    kind = _get(frame, "type_of_violence")
    violence = _number(kind if kind is not None else pd.Series(np.nan, index=frame.index))
    _set(frame, "event_type", violence.map(_UCDP_VIOLENCE))
    frame["event_category"] = violence.map(_UCDP_CATEGORY).fillna("other")
    best = _get(frame, *_UCDP_BEST)
    frame["fatalities"] = _number(best)
    for target, names in (("fatalities_low", ("low", "low_est")), ("fatalities_high", ("high", "high_est"))):
        found = _get(frame, *names)
        frame[target] = _number(found if found is not None else best)
    _set(frame, "description", _get(frame, "source_headline", "where_description"))
    _set(frame, "source_name", _get(frame, "source_office"))
    _set(frame, "admin1", _get(frame, "adm_1"))
    _set(frame, "admin2", _get(frame, "adm_2"))


def _by_distinct(values: pd.Series, function) -> pd.Series:
    """``function`` applied to each distinct value once (exports repeat a few thousand names millions of times)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    done = function(pd.Series(uniques, dtype="string"))
    out = done.to_numpy(dtype=object)[np.where(codes >= 0, codes, 0)] if len(uniques) else \
        np.full(len(values), None, dtype=object)
    out[codes < 0] = None
    return pd.Series(out, index=values.index, dtype=object)


def _gdelt(frame: pd.DataFrame) -> None:
    full_name = frame["ActionGeo_FullName"].astype("string")
    # "Khost, Khowst, Afghanistan": the first part names the place itself.
    _set(frame, "place", _by_distinct(full_name, lambda names: names.str.split(",").str[0].str.strip()))
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
    _set(frame, "country", _by_distinct(full_name, lambda names: names.str.split(",").str[-1].str.strip()))
    _set(frame, "admin1", frame["ActionGeo_ADM1Code"])
    frame["latitude"] = frame["ActionGeo_Lat"]
    frame["longitude"] = frame["ActionGeo_Long"]
