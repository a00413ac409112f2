"""Read the map page's data back in Python: the JSON block and its packed columns."""

from __future__ import annotations

import base64
import json
import re

import numpy as np


def payload(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="geomap-data">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def column(spec: dict) -> list:
    """Decode one packed column (see geomap/render/pack.py) into Python values."""
    raw = np.frombuffer(base64.b64decode(spec["b"]), dtype={"u1": "<u1", "u2": "<u2", "u4": "<u4"}[spec["t"]])
    if "d" in spec:
        return [spec["d"][k - 1] if k else None for k in raw.tolist()]
    if "s" in spec:
        return [(k - 1 + spec["o"]) * spec["s"] if k else None for k in raw.tolist()]
    return [None if k == 0 else k == 1 for k in raw.tolist()]
