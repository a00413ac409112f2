"""Coordinates as given, checked: ranges, swapped pairs, and the row's own country.

A pair is only ever moved when the row itself proves it wrong:

- ``swapped``: latitude beyond ±90 with a longitude that would be a valid latitude — impossible
  as given, so the two are exchanged;
- ``swapped (country)``: the row names a country (``country``, or a province of Afghanistan or
  Pakistan in ``admin1``), the point as given lies well outside that country, and the pair
  exchanged lies inside it.

Anything else is flagged and left as given. ``possibly swapped`` marks a pair that would land in
Afghanistan or Pakistan if exchanged but whose row names no country to decide it: a point in
northern Norway (latitude 69.7, longitude 30.1) is a real place there, not a Pakistani one. Out
of range and non-finite pairs are dropped (``out of range``, ``not finite``) so that the place
name can be geocoded instead; the row is always kept.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

#: The notes written to ``coord_note``.
NOTES = ("swapped", "swapped (country)", "possibly swapped", "out of range", "not finite")
# Spellings of "no value" in exported spreadsheets: not worth a flag.
EMPTY_TOKENS = frozenset({"", "nan", "na", "n/a", "null", "none", "-"})
# Afghanistan and Pakistan together, the region a swapped pair is suspected of belonging to.
_REGION = (60.5, 23.5, 77.2, 38.5)
# A point this far (degrees) outside a country's bounding box is not a border or coastal
# imprecision of the simplified outline: only then may the country prove a pair swapped.
_BOX_MARGIN = 1.0
# Names of Pakistani units before the 2018 merger, as older exports write them in admin1.
_FORMER_UNITS = {"federally administered tribal areas": "PAK", "fata": "PAK", "north-west frontier province": "PAK",
                 "north west frontier province": "PAK", "nwfp": "PAK", "n.w.f.p.": "PAK", "f.a.t.a.": "PAK"}


def check(lat, lon, country=None, admin1=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Latitude and longitude as floats, repaired only where the row proves them swapped.

    Parameters
    ----------
    lat, lon
        The values as read (text or numbers), one per row.
    country, admin1
        Optional context per row: a country name or ISO code, a province name.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray, numpy.ndarray)
        Latitude, longitude (NaN where dropped) and the note per row (see :data:`NOTES`).
    """
    lat_text = pd.Series(lat, dtype="string") if not isinstance(lat, pd.Series) else lat
    lat = _numbers(lat_text)
    lon = _numbers(pd.Series(lon) if not isinstance(lon, pd.Series) else lon)
    note = np.full(len(lat), "", dtype=object)

    finite = np.isfinite(lat) & np.isfinite(lon)
    unread = np.flatnonzero(~finite)  # only these need their text looked at: a value, or "no value"?
    text = lat_text.iloc[unread].astype("string").str.strip().str.lower()
    given = (text.notna() & ~text.isin(EMPTY_TOKENS)).to_numpy(dtype=bool)
    note[unread[given]] = "not finite"

    impossible = finite & (np.abs(lat) > 90) & (np.abs(lon) <= 90)
    exchangeable = finite & (np.abs(lat) <= 90) & (np.abs(lon) <= 90) & (lat != lon)
    by_country = exchangeable & _proved_by_country(lat, lon, exchangeable, country, admin1)
    swap = impossible | by_country
    lat[swap], lon[swap] = lon[swap], lat[swap].copy()
    note[impossible] = "swapped"
    note[by_country] = "swapped (country)"

    suspect = exchangeable & ~by_country & _inside(lon, lat, _REGION) & ~_inside(lat, lon, _REGION)
    if suspect.any():  # rows whose own country says the point as given is right are not suspects
        suspect &= ~_given_inside_country(lat, lon, suspect, country, admin1)
    note[suspect] = "possibly swapped"

    bad = finite & ((np.abs(lat) > 90) | (np.abs(lon) > 180))
    note[bad] = "out of range"
    lat[bad | ~finite] = np.nan
    lon[bad | ~finite] = np.nan
    return lat, lon, note


def _numbers(values: pd.Series) -> np.ndarray:
    """The values as floats (NaN where not a number), a new array.

    Text columns held in Arrow are parsed by Arrow (many times quicker); a column with any value
    Arrow does not read as a number (spaces around it, a comma) goes through pandas, which is
    more forgiving.
    """
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        import pyarrow as pa
        import pyarrow.compute as pc

        try:
            return pc.cast(pa.array(values.array), pa.float64()).to_numpy(zero_copy_only=False) + 0.0
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, copy=True) + 0.0


def _inside(lat: np.ndarray, lon: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    west, south, east, north = box
    return (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)


def _row_countries(rows: np.ndarray, country, admin1) -> np.ndarray:
    """ISO3 of the country each selected row names ('' where it names none geomap knows)."""
    out = np.full(int(rows.sum()), "", dtype=object)
    for values, table in ((admin1, _province_countries()), (country, _country_codes())):
        if values is None:
            continue
        text = pd.Series(np.asarray(values, dtype=object)[rows], dtype="string").str.strip().str.lower()
        codes, uniques = pd.factorize(text)
        known = np.array([table.get(u, "") for u in uniques] + [""], dtype=object)
        found = known[codes]  # code -1 (missing) takes the trailing ""
        out = np.where(found != "", found, out)  # the country column wins over the province
    return out


def _by_country(rows_mask: np.ndarray, country, admin1):
    """``(iso3, row indices)`` for each country the selected rows name."""
    if (country is None and admin1 is None) or not rows_mask.any():
        return
    rows = np.flatnonzero(rows_mask)
    codes = _row_countries(rows_mask, country, admin1)
    for code in sorted(set(codes) - {""}):
        yield code, rows[codes == code]


def _proved_by_country(lat, lon, candidates, country, admin1) -> np.ndarray:
    """Rows whose named country lies far from the point as given but contains the exchanged pair."""
    proved = np.zeros(len(lat), dtype=bool)
    for code, mine in _by_country(candidates, country, admin1):
        west, south, east, north = box = _boxes()[code]
        margin = (west - _BOX_MARGIN, south - _BOX_MARGIN, east + _BOX_MARGIN, north + _BOX_MARGIN)
        mine = mine[~_inside(lat[mine], lon[mine], margin) & _inside(lon[mine], lat[mine], box)]
        if len(mine):
            import shapely

            proved[mine] = shapely.contains_xy(_outline(code), lat[mine], lon[mine])  # x = the latitude given
    return proved


def _given_inside_country(lat, lon, rows_mask, country, admin1) -> np.ndarray:
    """Rows whose named country's box holds the point as given: their country vouches for it."""
    vouched = np.zeros(len(lat), dtype=bool)
    for code, mine in _by_country(rows_mask, country, admin1):
        vouched[mine] = _inside(lat[mine], lon[mine], _boxes()[code])
    return vouched


@cache
def _countries():
    """Every country's outline (Afghanistan and Pakistan from the border's own source), indexed by ISO3."""
    import pandas as pd

    from geomap import datasets

    frame = pd.concat([datasets.countries()[["iso2", "iso3", "name", "geometry"]],
                       datasets.world()[["iso2", "iso3", "name", "geometry"]]], ignore_index=True)
    return frame.drop_duplicates("iso3").set_index("iso3")


@cache
def _country_codes() -> dict[str, str]:
    table = {}
    for iso3, row in _countries().iterrows():
        for key in (row["name"], row["iso2"], iso3):
            if isinstance(key, str) and key.strip():
                table.setdefault(key.strip().lower(), iso3)
    return table


@cache
def _province_countries() -> dict[str, str]:
    from geomap import datasets

    iso3 = {"AF": "AFG", "PK": "PAK"}
    table = dict(_FORMER_UNITS)
    for row in datasets.provinces()[["province", "country", "alt_names"]].itertuples(index=False):
        for name in [row.province, *str(row.alt_names or "").split("|")]:
            if name.strip():
                table.setdefault(name.strip().lower(), iso3[row.country])
    return table


@cache
def _boxes() -> dict[str, tuple[float, float, float, float]]:
    return {iso3: tuple(geometry.bounds) for iso3, geometry in _countries()["geometry"].items()}


@cache
def _outline(iso3: str):
    import shapely

    geometry = _countries().loc[iso3, "geometry"]
    shapely.prepare(geometry)
    return geometry


__all__ = ["NOTES", "check"]
