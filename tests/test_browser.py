"""The map in a real headless Chromium, with the network blocked: what a user sees."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from geomap.cli import app

BORDER_RED = (0xB3, 0x00, 0x1B)


@pytest.fixture(scope="module")
def sample_map(tmp_path_factory):
    path = tmp_path_factory.mktemp("map") / "map.html"
    result = CliRunner().invoke(app, ["map", "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _count_colour(png: bytes, rgb: tuple[int, int, int], tolerance: int = 40) -> int:
    from io import BytesIO

    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(BytesIO(png)).convert("RGB"), dtype=int)
    return int((np.abs(pixels - np.array(rgb)) <= tolerance).all(axis=2).sum())


def test_sample_map_renders_offline_with_border_and_markers(offline_page, sample_map, artifacts):
    page = offline_page
    page.goto(sample_map.as_uri())
    page.wait_for_function("window.geomapState !== undefined")
    page.wait_for_timeout(500)
    assert page.errors == []
    state = page.evaluate("""() => ({
        incidents: geomapState.count,
        clusters: document.querySelectorAll('.marker-cluster').length,
        legend: document.querySelector('.geomap-legend').textContent,
        layers: document.querySelector('.leaflet-control-layers').textContent,
        zoom: geomapState.map.getZoom()
    })""")
    assert state["incidents"] >= 30
    assert state["clusters"] >= 1
    assert "Battles" in state["legend"] and "incidents located" in state["legend"]
    assert "Border" in state["layers"] and "Crossings" in state["layers"]
    assert state["zoom"] >= 5  # framed on the border, not on the whole world
    png = page.screenshot(path=str(artifacts / "map.png"))
    assert _count_colour(png, BORDER_RED) > 300  # the border line is drawn


def test_clicking_a_cluster_zooms_and_a_marker_opens_a_popup(offline_page, sample_map):
    page = offline_page
    page.goto(sample_map.as_uri())
    page.wait_for_function("window.geomapState !== undefined")
    before = page.evaluate("geomapState.map.getZoom()")
    # The biggest cluster holds incidents at several places, so a click must zoom in (a
    # cluster of one place would spiderfy instead).
    counts = [int(t) for t in page.locator(".marker-cluster").all_inner_texts()]
    page.locator(".marker-cluster").nth(counts.index(max(counts))).click()
    page.wait_for_timeout(800)
    assert page.evaluate("geomapState.map.getZoom()") > before
    opened = page.evaluate("""() => {
        const layers = geomapState.incidents.getLayers();
        const marker = layers[0];
        geomapState.incidents.zoomToShowLayer(marker, () => marker.openPopup());
        return layers.length;
    }""")
    assert opened >= 30
    page.wait_for_selector(".geomap-popup", timeout=5000)
    text = page.locator(".geomap-popup").inner_text()
    assert "To border" in text and "Located as" in text and "Precision" in text


def test_hostile_description_shows_as_text_and_runs_nothing(offline_page, tmp_path):
    import pandas as pd

    from geomap import geocode, join, render
    from geomap.render import write_html

    hostile = "<img src=x onerror=\"window.pwned=1\"><script>window.pwned=2</script> `${window.pwned=3}`"
    frame = pd.DataFrame({"place": ["Torkham"], "latitude": [34.11], "longitude": [71.08], "description": [hostile],
                          "source_url": ["javascript:window.pwned=4"], "event_type": ["Battles"]})
    path = write_html(render(join(geocode(frame))), tmp_path / "h.html")
    page = offline_page
    page.goto(path.as_uri())
    page.wait_for_function("window.geomapState !== undefined")
    page.evaluate("""() => {
        const marker = geomapState.incidents.getLayers()[0];
        geomapState.incidents.zoomToShowLayer(marker, () => marker.openPopup());
    }""")
    page.wait_for_selector(".geomap-popup")
    page.wait_for_timeout(300)
    assert page.evaluate("window.pwned") is None
    assert hostile in page.locator(".geomap-popup-text").inner_text()
    assert page.locator(".geomap-popup a").count() == 0  # a javascript: link is not made into a link
