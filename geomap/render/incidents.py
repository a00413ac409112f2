"""Incidents for the page: one compact record per incident, or per grid cell above a threshold."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geomap.dates import incident_window, week_start
from geomap.geodesy import from_region, to_region
from geomap.render import context
from geomap.render.pack import pack_coordinates, pack_flags, pack_numbers, pack_strings, packed_size, spatial_order

#: Popup fields, most useful first: they join the page in this order while the popup budget
#: allows. Each maps to the input columns that may hold it.
POPUP_FIELDS = {
    "place": ("place", "location"), "border_distance_km": ("border_distance_km",),
    "province": ("province",), "nearest_crossing": ("nearest_crossing",),
    "crossing_distance_km": ("crossing_distance_km",), "border_position_km": ("border_position_km",),
    "district": ("district",), "gazetteer_name": ("gazetteer_name",), "feature_kind": ("feature_kind",),
    "geocode_status": ("geocode_status",), "source_name": ("source_name",),
    "description": ("description", "notes"), "source_url": ("source_url", "url"),
}
#: Fields the page filters on besides type, side, time and fatalities: always carried whole.
FILTER_FIELDS = {"sub_event_type": ("sub_event_type",), "source": ("source_dataset", "source_name", "source")}
#: Columns naming who took part (ACLED's four, or extract's ``actors``), joined into one field.
ACTOR_COLUMNS = ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2", "actors")
_KM_FIELDS = {"border_distance_km", "crossing_distance_km", "border_position_km"}
#: Fields that describe the administrative unit of the point drawn; a row located only to a
#: coarser unit (geo_precision 3 province, 4 country) has its point at that unit's centre,
#: so the finer units the point happens to fall in are not facts about the incident.
_FINER_THAN = {"district": 3, "province": 4}


def located(incidents: pd.DataFrame, segment_km: float, band_km: float) -> pd.DataFrame:
    """One row per incident with coordinates, in the columns the page needs."""
    lat = pd.to_numeric(incidents["latitude"], errors="coerce") if "latitude" in incidents else None
    lon = pd.to_numeric(incidents["longitude"], errors="coerce") if "longitude" in incidents else None
    if lat is None or lon is None:
        return _empty()
    keep = (np.isfinite(lat) & np.isfinite(lon)).to_numpy()
    rows = incidents[keep]
    window = incident_window(rows)
    precision = pd.to_numeric(rows["geo_precision"], errors="coerce") if "geo_precision" in rows else np.nan
    out = pd.DataFrame({
        "lat": lat[rows.index], "lon": lon[rows.index], "start": window["start"],
        "span": (window["end"] - window["start"]).dt.days + 1,
        "event_type": _text(rows, "event_type").fillna("Other"),
        "side": _text(rows, "side"),
        "side_uncertain": rows.get("side_uncertain", pd.NA),
        "precision": precision,
        "fatalities": pd.to_numeric(rows["fatalities"], errors="coerce") if "fatalities" in rows else np.nan,
        "segment": _segment(rows, segment_km, band_km),
        "crossing": _crossing(rows, band_km),
        "row": np.flatnonzero(keep),
        "count": 1,
    })
    for field, candidates in {**FILTER_FIELDS, **POPUP_FIELDS}.items():
        column = next((c for c in candidates if c in rows.columns), None)
        out[field] = rows[column] if column else None
    out["actors"] = _actors(rows)
    for field, coarsest in _FINER_THAN.items():
        out[field] = out[field].where(~(pd.Series(precision, index=rows.index) >= coarsest), None)
    return out.reset_index(drop=True)


def _empty() -> pd.DataFrame:
    columns = ["lat", "lon", "start", "span", "event_type", "side", "side_uncertain", "precision", "fatalities",
               "segment", "crossing", "row", "count", *FILTER_FIELDS, "actors", *POPUP_FIELDS]
    frame = pd.DataFrame(columns=columns)
    frame["start"] = pd.to_datetime(frame["start"])
    return frame


def _text(rows: pd.DataFrame, column: str) -> pd.Series:
    if column not in rows:
        return pd.Series(None, index=rows.index, dtype=object)
    values = rows[column].astype(object)
    keep = values.notna() & (values.astype(str) != "")
    return pd.Series([str(v) if k else None for v, k in zip(values, keep, strict=True)], index=rows.index, dtype=object)


def _actors(rows: pd.DataFrame) -> pd.Series:
    """Everyone named in the actor columns, one ``|``-joined value per row (ACLED joins associates with ';')."""
    present = [c for c in ACTOR_COLUMNS if c in rows]
    if not present:
        return pd.Series(None, index=rows.index, dtype=object)
    parts = pd.concat([_text(rows, c) for c in present], axis=1)

    def join(values) -> str | None:
        names = [n.strip() for v in values if v for n in v.replace(";", "|").split("|") if n.strip()]
        return "|".join(dict.fromkeys(names)) or None

    return pd.Series([join(v) for v in parts.itertuples(index=False, name=None)], index=rows.index, dtype=object)


def _segment(rows: pd.DataFrame, segment_km: float, band_km: float) -> pd.Series:
    """Index of the piece of border an incident counts for; none beyond the outermost band."""
    if "border_position_km" not in rows or "border_distance_km" not in rows:
        return pd.Series(np.nan, index=rows.index)
    position = pd.to_numeric(rows["border_position_km"], errors="coerce")
    near = pd.to_numeric(rows["border_distance_km"], errors="coerce") <= band_km
    return np.floor(position / segment_km).where(near)


def _crossing(rows: pd.DataFrame, band_km: float) -> pd.Series:
    """Index (in :func:`geomap.render.context.crossings`) of the crossing within ``band_km``, if any."""
    if "nearest_crossing" not in rows or "crossing_distance_km" not in rows:
        return pd.Series(np.nan, index=rows.index)
    names = {c["name"]: k for k, c in enumerate(context.crossings())}
    index = rows["nearest_crossing"].map(names).astype(float)
    return index.where(pd.to_numeric(rows["crossing_distance_km"], errors="coerce") <= band_km)


#: Coarsening steps of an aggregated map, finest first: (cell size as a multiple of the
#: smallest cell, time bin). Space and time coarsen in turn so neither is sacrificed alone.
_LADDER = ((1, "week"), (2, "week"), (1, "month"), (2, "month"), (4, "month"), (8, "month"), (16, "month"),
           (32, "quarter"), (64, "year"))


def aggregate(points: pd.DataFrame, max_records: int, cell_km: float) -> tuple[pd.DataFrame, float, str]:
    """Sum incidents by grid cell, time bin, event type, side, piece of border and crossing.

    Cells are squares in the region's metric CRS. Cells and time bins grow along
    :data:`_LADDER` until the records fit in ``max_records``. Returns the records (at cell
    centres, ``count`` incidents each, spanning their whole time bin or, if an incident in
    them lasts longer, to its end), the cell size (km) and the time bin used.
    """
    x, y = to_region(points["lon"].to_numpy(dtype=float), points["lat"].to_numpy(dtype=float))
    end = points["start"] + pd.to_timedelta(points["span"] - 1, unit="D")
    for factor, period in _LADDER:
        size = cell_km * factor
        keys = pd.DataFrame({"ix": np.floor(x / (size * 1000)).astype(np.int64),
                             "iy": np.floor(y / (size * 1000)).astype(np.int64),
                             "bin": _time_bin(points["start"], period), "event_type": points["event_type"],
                             "side": points["side"], "segment": points["segment"], "crossing": points["crossing"]})
        groups = keys.groupby(list(keys.columns), dropna=False, sort=False)
        if groups.ngroups <= max_records:
            break
    frame = keys.assign(count=points["count"].to_numpy(), fatalities=points["fatalities"].to_numpy(),
                        uncertain=points["side_uncertain"].fillna(False).astype(bool).to_numpy(), end=end.to_numpy())
    records = frame.groupby(list(keys.columns), dropna=False, sort=False).agg(
        count=("count", "sum"), fatalities=("fatalities", "sum"), uncertain=("uncertain", "sum"),
        end=("end", "max")).reset_index()
    lon, lat = from_region((records["ix"].to_numpy() + 0.5) * size * 1000,
                           (records["iy"].to_numpy() + 0.5) * size * 1000)
    # A cell stands for its whole time bin: a week's total is not a day's, even if all fell on a Monday.
    last = np.maximum(_bin_end(records["bin"], period), records["end"])
    return pd.DataFrame({
        "lat": lat, "lon": lon, "start": records["bin"], "span": (last - records["bin"]).dt.days + 1,
        "event_type": records["event_type"], "side": records["side"], "segment": records["segment"],
        "crossing": records["crossing"], "count": records["count"], "fatalities": records["fatalities"],
        "uncertain": records["uncertain"],
    }), size, period


def _time_bin(start: pd.Series, period: str) -> pd.Series:
    if period == "week":
        return week_start(start)
    return start.dt.to_period({"month": "M", "quarter": "Q", "year": "Y"}[period]).dt.start_time


def _bin_end(first: pd.Series, period: str) -> pd.Series:
    if period == "week":
        return first + pd.Timedelta(days=6)
    return first.dt.to_period({"month": "M", "quarter": "Q", "year": "Y"}[period]).dt.end_time.dt.normalize()


def encode(points: pd.DataFrame, popup_budget: int) -> tuple[dict, list[str]]:
    """The page's incident columns: core and filter fields always, popup fields by priority while they fit.

    Rows are put in :func:`~geomap.render.pack.spatial_order` (the input row travels with each).
    The core (position, dates, type, side, fatalities, border piece, crossing, precision, input
    row) is read when the page opens; filter and popup fields (``lazy``) only when first needed.
    Popup fields join while their compressed size stays within ``popup_budget`` bytes. Returns
    the columns and the names of popup fields left out.
    """
    points = points.iloc[spatial_order(points["lat"], points["lon"])].reset_index(drop=True)
    day0 = points["start"].min()
    days = (points["start"] - day0).dt.days if pd.notna(day0) else pd.Series(np.nan, index=points.index)
    columns = {
        "lat": pack_coordinates(points["lat"]), "lon": pack_coordinates(points["lon"]),
        "day": pack_numbers(days), "span": pack_numbers(points["span"]),
        "event_type": pack_strings(points["event_type"]), "side": pack_strings(points["side"]),
        "fatalities": pack_numbers(points["fatalities"]), "segment": pack_numbers(points["segment"]),
        "crossing": pack_numbers(points["crossing"]),
    }
    if "uncertain" in points:  # grid cells: how many of the cell's incidents may be on the other side
        columns["count"] = pack_numbers(points["count"])
        columns["uncertain"] = pack_numbers(points["uncertain"])
    else:
        columns["side_uncertain"] = pack_flags(points["side_uncertain"])
        columns["precision"] = pack_numbers(points["precision"])
        columns["row"] = pack_numbers(points["row"], delta=True)
    lazy = []
    for field in (*FILTER_FIELDS, "actors"):
        if field in points and points[field].notna().any():
            columns[field] = pack_strings(points[field])
            lazy.append(field)
    used = 0
    omitted = []
    for field in POPUP_FIELDS:
        if field not in points or points[field].isna().all():
            continue
        column = (pack_numbers(points[field], 0.1) if field in _KM_FIELDS else pack_strings(points[field]))
        if used + packed_size(column) > popup_budget:
            omitted.append(field)
            continue
        columns[field] = column
        lazy.append(field)
        used += packed_size(column)
    return {"day0": day0.date().isoformat() if pd.notna(day0) else None, "columns": columns, "lazy": lazy}, omitted
