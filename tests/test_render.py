"""The map page as HTML: self-contained, data as compact JSON, hostile text kept inert, size bounded."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from pagedata import column, payload

from geomap import InputError, geocode, join, render, settings
from geomap.render import parse_bands, write_html

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


def _region_incidents(n: int, seed: int = 1) -> pd.DataFrame:
    """Joined-looking incidents without running the join: enough for the page's data."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "latitude": rng.uniform(29, 35, n), "longitude": rng.uniform(66, 72, n),
        "event_date": (np.datetime64("2025-01-01") + rng.integers(0, 365, n).astype("timedelta64[D]")).astype(str),
        "event_type": rng.choice(["Battles", "Protests"], n), "side": rng.choice(["AF", "PK"], n),
        "border_distance_km": rng.uniform(0, 120, n), "border_position_km": rng.uniform(0, 2700, n),
        "fatalities": rng.integers(0, 5, n), "description": [f"incident number {i}" for i in range(n)],
    })


def test_page_loads_nothing_from_a_cdn(hostile_map):
    html = hostile_map.read_text(encoding="utf-8")
    scripts = re.findall(r"<script[^>]*\bsrc=", html)
    links = re.findall(r"<link[^>]*stylesheet", html)
    assert scripts == [] and links == []
    assert "Supercluster" in html and "heatLayer" in html  # the clusterer and heatmap are inlined


def test_hostile_text_never_appears_as_markup(hostile_map):
    html = hostile_map.read_text(encoding="utf-8")
    assert "<script>window.pwned" not in html
    assert "<img src=x" not in html
    assert "<i>title</i>" not in html and "&lt;i&gt;title&lt;/i&gt;" in html
    incidents = payload(html)["incidents"]["columns"]
    assert column(incidents["description"])[0] == HOSTILE  # kept verbatim, as data


def test_payload_carries_every_located_incident_and_the_layers(tmp_path):
    frame = join(geocode(pd.DataFrame({"place": ["Khost", "Wana", "Nowhere-at-all-xyz"]})))
    path = write_html(render(frame), tmp_path / "m.html")
    data = payload(path.read_text(encoding="utf-8"))
    assert data["incidents"]["n"] == 2
    assert "2 of 3 incidents located" in data["summary"]
    assert sum(len(piece["line"]) for piece in data["border"]) > 1000
    assert [b["km"] for b in data["bands"]] == [50.0, 25.0, 10.0]
    assert len(data["border"]) == 56  # 2,761.6 km in 50 km pieces
    assert len(data["crossings"]) >= 10 and len(data["districts"]) > 100
    assert {f["properties"]["code"] for f in data["provinces"]["features"]} >= {"AF-KHO", "PK-KP"}


def test_coordinates_and_dates_survive_packing():
    frame = pd.DataFrame({"latitude": [34.11472, 32.51556], "longitude": [71.08472, 69.2825],
                          "event_date": ["2025-10-15", "2025-10-15"], "date_precision": ["day", "month"]})
    data = payload(render(frame).get_root().render())["incidents"]
    lat = column(data["columns"]["lat"])
    assert lat == pytest.approx([34.11472, 32.51556], abs=0.0005)
    assert data["day0"] == "2025-10-01"  # the month-precise incident starts with its month
    assert column(data["columns"]["span"]) == [1, 31]


def test_offline_has_no_tile_layer_and_online_does():
    frame = pd.DataFrame({"latitude": [34.1], "longitude": [71.1]})
    assert "tile.openstreetmap.org" not in render(frame, offline=True).get_root().render()
    assert "tile.openstreetmap.org" in render(frame).get_root().render()


def test_many_incidents_become_counted_grid_cells():
    frame = _region_incidents(5_000)
    data = payload(render(frame, aggregate_above=1_000).get_root().render())
    incidents = data["incidents"]
    assert incidents["cellKm"] >= settings.AGGREGATE_CELL_KM and incidents["n"] < 5_000
    assert sum(column(incidents["columns"]["count"])) == 5_000  # no incident lost in the cells
    assert "grid cells" in data["summary"]


def test_popup_fields_give_way_to_the_data_budget(monkeypatch):
    monkeypatch.setattr(settings, "MAP_DATA_BUDGET_BYTES", 40_000)
    data = payload(render(_region_incidents(2_000)).get_root().render())["incidents"]
    assert "description" in data["omitted"]
    assert {"lat", "lon", "day", "event_type", "side", "fatalities"} <= set(data["columns"])


def test_side_uncertain_when_the_precision_reaches_the_border():
    frame = join(pd.DataFrame({"latitude": [34.12, 33.6], "longitude": [71.10, 69.0], "geo_precision": [1, 3]}))
    assert frame["side_uncertain"].tolist() == [True, True]
    far = join(pd.DataFrame({"latitude": [34.5], "longitude": [69.2], "geo_precision": [1]}))  # Kabul
    assert far["side_uncertain"].tolist() == [False] and far["uncertainty_km"].tolist() == [2.0]


@pytest.mark.parametrize(("text", "expected"), [("10,25,50", (10.0, 25.0, 50.0)), ("5", (5.0,)), ("", ())])
def test_parse_bands(text, expected):
    assert parse_bands(text) == expected


@pytest.mark.parametrize("text", ["10,x", "-5", "900"])
def test_parse_bands_refuses_nonsense(text):
    with pytest.raises(InputError, match="bands"):
        parse_bands(text)


def test_write_html_refuses_other_extensions(tmp_path):
    from geomap import OutputError

    with pytest.raises(OutputError, match=".html"):
        write_html(render(pd.DataFrame({"latitude": [33.0], "longitude": [70.0]})), tmp_path / "m.png")
