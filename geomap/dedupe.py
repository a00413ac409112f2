"""Link likely duplicates across sources: the same event reported by ACLED, UCDP and GDELT.

Two located rows from *different* sources (``source_dataset``) are linked when they lie within
``km`` of each other (chord distance, equal to the geodesic to millimetres at these ranges),
their dates are at most ``days`` apart, and their ``event_category`` is the same. Links are
transitive: each connected group gets one ``duplicate_cluster`` id, the position of its first
row. Nothing is deleted; rows without a partner keep an empty ``duplicate_cluster``.
With ``within_source`` rows of the same source are linked as well: GDELT codes one event once
per article that reports it, so its own repeats are the duplicates that matter there.

The pair search is a KD-tree over (x, y, z, time, category), with category scaled so that
different categories never meet: O(n log n), not a Python loop over pairs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geomap import settings
from geomap.errors import InputError
from geomap.geodesy import ecef


def link_duplicates(incidents: pd.DataFrame, km: float | None = None, days: float | None = None,
                    within_source: bool = False) -> pd.DataFrame:
    """Add ``duplicate_cluster`` (and ``duplicate_count``) to a located frame.

    Parameters
    ----------
    incidents
        Rows with ``latitude``, ``longitude``, ``event_date``; ``event_category`` and
        ``source_dataset`` are used when present (see :mod:`geomap.sources`).
    km, days
        The window; default :data:`geomap.settings.DEDUPE_KM` and ``DEDUPE_DAYS``.
    within_source
        Also link rows of the same ``source_dataset`` (default: only across sources).

    Returns
    -------
    pandas.DataFrame
        A new frame, every row kept, plus ``duplicate_cluster`` (Int64, empty when the row has
        no likely duplicate) and ``duplicate_count`` (rows in the cluster, 1 when alone).
    """
    km = settings.DEDUPE_KM if km is None else km
    days = settings.DEDUPE_DAYS if days is None else days
    _check_window(km, days)
    missing = [c for c in ("latitude", "longitude", "event_date") if c not in incidents.columns]
    if missing:
        raise InputError(f"linking duplicates needs columns {missing}; columns found: "
                         f"{', '.join(map(str, incidents.columns))}")
    cluster = duplicate_clusters(
        pd.to_numeric(incidents.get("longitude"), errors="coerce"),
        pd.to_numeric(incidents.get("latitude"), errors="coerce"),
        pd.to_datetime(incidents.get("event_date"), errors="coerce", format="ISO8601"),
        _column(incidents, "event_category"), _column(incidents, "source_dataset"), km, days, within_source)
    out = incidents.copy()
    out["duplicate_cluster"] = pd.array(np.where(cluster >= 0, cluster, 0), dtype="Int64")
    out.loc[cluster < 0, "duplicate_cluster"] = pd.NA
    sizes = pd.Series(cluster).map(pd.Series(cluster).value_counts())
    out["duplicate_count"] = np.where(cluster >= 0, sizes.to_numpy(), 1).astype(np.int64)
    return out


def duplicate_clusters(lon, lat, when, category, dataset, km: float, days: float,
                       within_source: bool = False) -> np.ndarray:
    """Cluster id (position of the cluster's first row) per row, -1 for rows without a duplicate."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    seconds = np.asarray(pd.DatetimeIndex(when), dtype="datetime64[s]")
    day = seconds.astype(np.int64) / 86_400.0
    day[np.isnat(seconds)] = np.nan
    usable = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat) & np.isfinite(day))
    result = np.full(len(lon), -1, dtype=np.int64)
    if len(usable) < 2:
        return result
    category_code = pd.factorize(pd.Series(category)[usable], use_na_sentinel=False)[0]
    dataset_code = pd.factorize(pd.Series(dataset)[usable], use_na_sentinel=False)[0]
    metres = km * 1000.0
    # Time in metres so that one Chebyshev box (p=inf) holds the window; category far apart.
    scaled = np.column_stack([ecef(lon[usable], lat[usable]), day[usable] * (metres / max(days, 1e-9)),
                              category_code * (1e3 * metres)])
    pairs = cKDTree(scaled).query_pairs(r=metres, p=np.inf, output_type="ndarray")
    if len(pairs) == 0:
        return result
    i, j = pairs[:, 0], pairs[:, 1]
    xyz = scaled[:, :3]
    keep = ((((xyz[i] - xyz[j]) ** 2).sum(axis=1) <= metres ** 2) & (np.abs(day[usable][i] - day[usable][j]) <= days)
            & (within_source | (dataset_code[i] != dataset_code[j])))
    i, j = i[keep], j[keep]
    if len(i) == 0:
        return result
    graph = coo_matrix((np.ones(len(i)), (i, j)), shape=(len(usable), len(usable)))
    _, label = connected_components(graph, directed=False)
    linked = np.zeros(len(usable), dtype=bool)
    linked[i] = linked[j] = True
    first = pd.Series(usable).groupby(label).transform("min").to_numpy()
    result[usable[linked]] = first[linked]
    return result


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name in frame.columns:
        return frame[name].astype("string").fillna("").to_numpy(dtype=object)
    return np.full(len(frame), "", dtype=object)


def _check_window(km: float, days: float) -> None:
    if not (np.isfinite(km) and km > 0):
        raise InputError(f"dedupe distance must be a positive number of km, got {km!r}")
    if not (np.isfinite(days) and days >= 0):
        raise InputError(f"dedupe window must be zero or more days, got {days!r}")
