"""Compact columns for the page: typed arrays in base64, strings as a dictionary plus indices.

A column is ``{"t": "u1" | "u2" | "u4", "b": base64 of little-endian unsigned ints, ...}``.
Stored value 0 means "no value". Numbers carry ``o`` (offset) and ``s`` (step): value =
(stored - 1 + o) * s. Strings carry ``d``, the distinct values: value = d[stored - 1].
Columns that always hold a value (coordinates, row numbers) may be stored as differences from
the previous row (``"delta": 1``, zig-zag coded: 0, -1, 1, -2 -> 0, 1, 2, 3), which compress far
better once rows are ordered by place. Where compression pays, ``b`` holds the bytes
zlib-compressed (marked ``"z": 1``) and a
dictionary travels as ``dz``, its JSON zlib-compressed; the page inflates them with the
browser's own ``DecompressionStream`` (``static/js/decode.js``), only when a column is needed.
Typed arrays are far smaller and faster to read than one JSON object per incident.
"""

from __future__ import annotations

import base64
import json
import zlib

import numpy as np
import pandas as pd

#: Coordinates are stored as 16-bit steps across the data's extent when a step stays below
#: this (about 50 m, far finer than the 2 km a place's precision stands for), else in 1e-5 degrees.
COORDINATE_STEP_MAX = 0.0005
COORDINATE_STEP_FINE = 1e-5


def pack_numbers(values, step: float = 1.0, delta: bool = False) -> dict:
    """Numbers rounded to ``step``; NaN and None become "no value".

    ``delta`` also tries differences from row to row and keeps whichever is smaller; only for
    columns with a value in every row.
    """
    numbers = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    valid = np.isfinite(numbers)
    steps = np.zeros(len(numbers), dtype=np.int64)
    steps[valid] = np.round(numbers[valid] / step).astype(np.int64)
    offset = int(steps[valid].min()) if valid.any() else 0
    stored = np.where(valid, steps - offset + 1, 0)
    column = _encode(stored)
    if delta and len(stored) and valid.all():
        change = np.diff(stored, prepend=0)
        by_change = {**_encode(np.where(change >= 0, 2 * change, -2 * change - 1)), "delta": 1}
        if len(by_change["b"]) < len(column["b"]):
            column = by_change
    return {**column, "o": offset, "s": step}


def pack_coordinates(values) -> dict:
    """Latitudes or longitudes, as fine as :data:`COORDINATE_STEP_MAX` allows in 16 bits."""
    numbers = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    span = float(np.nanmax(numbers) - np.nanmin(numbers)) if np.isfinite(numbers).any() else 0.0
    step = max(COORDINATE_STEP_FINE, span / 65_000)
    return pack_numbers(numbers, step if step <= COORDINATE_STEP_MAX else COORDINATE_STEP_FINE, delta=True)


def spatial_order(lat, lon) -> np.ndarray:
    """Row order that keeps nearby rows together (a Z-order curve over ~1.5 km cells; ties keep input order).

    Rows at one place then sit side by side, so their place, district, distances and
    coordinates compress to a fraction of their size in input order.
    """
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    if len(lat) == 0:
        return np.arange(0)
    codes = [np.round((v - v.min()) / max((v.max() - v.min()) / 4095, 1e-9)).astype(np.uint64) for v in (lat, lon)]
    key = np.zeros(len(lat), dtype=np.uint64)
    for bit in range(12):
        for k, code in enumerate(codes):
            key |= ((code >> np.uint64(bit)) & np.uint64(1)) << np.uint64(2 * bit + k)
    return np.argsort(key, kind="stable")


def pack_strings(values) -> dict:
    """Text as indices into its distinct values; empty strings and missing values become "no value"."""
    series = pd.Series(values, dtype=object)
    series = series.where(series.notna() & (series.astype(str) != ""), None)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    column = _encode(codes.astype(np.int64) + 1)
    words = [str(u) for u in uniques]
    text = json.dumps(words, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    packed = zlib.compress(text, 9)
    if len(packed) * 4 / 3 < len(text) * 0.8:
        column["dz"] = base64.b64encode(packed).decode("ascii")
    else:
        column["d"] = words
    return column


def pack_flags(values) -> dict:
    """Booleans as 1 (true) and 2 (false); missing stays 0."""
    series = pd.Series(values, dtype="boolean")
    stored = np.where(series.isna(), 0, np.where(series.fillna(False), 1, 2))
    return _encode(stored)


def pack_json(value) -> str:
    """Any JSON value, zlib-compressed, in base64: for large blocks the page reads once."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(zlib.compress(text, 9)).decode("ascii")


def packed_size(column: dict) -> int:
    """Bytes the column adds to the page."""
    size = len(column["b"]) + len(column.get("dz", ""))
    return size + (len(json.dumps(column["d"], ensure_ascii=False)) if "d" in column else 0)


def _encode(stored: np.ndarray) -> dict:
    top = int(stored.max()) if len(stored) else 0
    kind = "u1" if top < 2**8 else "u2" if top < 2**16 else "u4"
    raw = stored.astype({"u1": "<u1", "u2": "<u2", "u4": "<u4"}[kind]).tobytes()
    packed = zlib.compress(raw, 9)
    if len(packed) < len(raw) * 0.9:  # worth a decompression step in the page
        return {"t": kind, "b": base64.b64encode(packed).decode("ascii"), "z": 1}
    return {"t": kind, "b": base64.b64encode(raw).decode("ascii")}
