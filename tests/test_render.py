"""The map page as HTML: self-contained, data as JSON, and hostile text kept inert."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from geomap import geocode, join, render
from geomap.render import write_html

HOSTILE = "<script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\"> `${window.pwned=3}` ' \""


@pytest.fixture
def hostile_map(tmp_path):
    frame = pd.DataFrame({
        "event_date": ["2025-10-12", "2025-10-15"],
        "place": ["Torkham", "Khost</script><script>window.pwned=4</script>"],
        "latitude": [34.11, 33.34], "longitude": [71.08, 69.92],
        "event_type": ["Battles", "<b>Riots</b>"],
        "description": [HOSTILE, "plain"],
        "source_url": ["javascript:window.pwned=5", "https://example.org/report"],
        "source_name": ["x", "Example"],
    })
    path = tmp_path / "hostile.html"
    write_html(render(join(geocode(frame)), title="<i>title</i>"), path)
    return path


def _payload(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="geomap-data">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_page_loads_nothing_from_a_cdn(hostile_map):
    html = hostile_map.read_text(encoding="utf-8")
    scripts = re.findall(r"<script[^>]*\bsrc=", html)
    links = re.findall(r"<link[^>]*stylesheet", html)
    assert scripts == [] and links == []
    assert "L.markerClusterGroup" in html  # MarkerCluster is inlined


def test_hostile_text_never_appears_as_markup(hostile_map):
    html = hostile_map.read_text(encoding="utf-8")
    assert "<script>window.pwned" not in html
    assert "<img src=x" not in html
    assert "<i>title</i>" not in html and "&lt;i&gt;title&lt;/i&gt;" in html
    payload = _payload(html)
    assert payload["incidents"]["description"][0] == HOSTILE  # kept verbatim, as data


def test_payload_carries_every_located_incident_and_the_layers(tmp_path):
    frame = join(geocode(pd.DataFrame({"place": ["Khost", "Wana", "Nowhere-at-all-xyz"]})))
    path = write_html(render(frame), tmp_path / "m.html")
    payload = _payload(path.read_text(encoding="utf-8"))
    assert len(payload["incidents"]["lat"]) == 2
    assert "2 of 3 incidents located" in payload["summary"]
    assert len(payload["border"]) > 1000
    assert len(payload["crossings"]) >= 10
    assert {f["properties"]["code"] for f in payload["provinces"]["features"]} >= {"AF-KHO", "PK-KP"}


def test_write_html_refuses_other_extensions(tmp_path):
    from geomap import OutputError

    with pytest.raises(OutputError, match=".html"):
        write_html(render(pd.DataFrame({"latitude": [33.0], "longitude": [70.0]})), tmp_path / "m.png")
