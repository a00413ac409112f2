"""Read the map page's data back in Python: the JSON block, its packed blocks and columns."""

from __future__ import annotations

import base64
import json
import re
import zlib

import numpy as np


def payload(html: str) -> dict:
    """The page's data, with the compressed context block (``packed``) merged back in."""
    match = re.search(r'<script type="application/json" id="geomap-data">(.*?)</script>', html, re.S)
    data = json.loads(match.group(1))
    for value in data.pop("packed", {}).values():
        data.update(unpack(value))
    return data


def unpack(text: str):
    """A block written by geomap.render.pack.pack_json."""
    return json.loads(zlib.decompress(base64.b64decode(text)).decode("utf-8"))


def column(spec: dict) -> list:
    """Decode one packed column (see geomap/render/pack.py) into Python values."""
    raw = base64.b64decode(spec["b"])
    if spec.get("z"):
        raw = zlib.decompress(raw)
    values = np.frombuffer(raw, dtype={"u1": "<u1", "u2": "<u2", "u4": "<u4"}[spec["t"]]).astype(np.int64)
    if spec.get("delta"):
        values = np.cumsum(np.where(values % 2, -(values + 1) // 2, values // 2))
    values = values.tolist()
    if "dz" in spec:
        spec = {**spec, "d": unpack(spec["dz"])}
    if "d" in spec:
        return [spec["d"][k - 1] if k else None for k in values]
    if "s" in spec:
        return [(k - 1 + spec["o"]) * spec["s"] if k else None for k in values]
    return [None if k == 0 else k == 1 for k in values]
