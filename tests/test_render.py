"""The map page as HTML: self-contained, data as compact JSON, hostile text kept inert, size bounded."""

from __future__ import annotations

import re
from html import escape as html_escape

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
    assert "L.heatLayer" in html and "geomap.cluster" in html  # the heatmap and geomap's modules are inlined


def test_hostile_text_never_appears_as_markup(hostile_map):
    html = hostile_map.read_text(encoding="utf-8")
    assert "<script>window.pwned" not in html
    assert "<img src=x" not in html
    assert "<i>title</i>" not in html and "&lt;i&gt;title&lt;/i&gt;" in html
    incidents = payload(html)["incidents"]["columns"]
    by_row = dict(zip(column(incidents["row"]), column(incidents["description"]), strict=True))
    assert by_row[0] == HOSTILE  # kept verbatim, as data


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
    order = np.argsort(column(data["columns"]["row"]))  # the page keeps rows in place order, with their number
    lat = np.array(column(data["columns"]["lat"]))[order]
    assert lat == pytest.approx([34.11472, 32.51556], abs=0.0005)
    assert data["day0"] == "2025-10-01"  # the month-precise incident starts with its month
    assert np.array(column(data["columns"]["span"]))[order].tolist() == [1, 31]


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


def test_popup_fields_give_way_to_the_popup_budget(monkeypatch):
    frame = _region_incidents(2_000)
    small = payload(render(frame, popup_budget=20_000).get_root().render())["incidents"]
    assert "description" in small["omitted"]
    assert {"lat", "lon", "day", "event_type", "side", "fatalities"} <= set(small["columns"])
    monkeypatch.setattr(settings, "MAP_POPUP_BUDGET_BYTES", 0)
    assert "description" in payload(render(frame).get_root().render())["incidents"]["omitted"]
    whole = payload(render(frame, popup_budget=10**7).get_root().render())["incidents"]
    by_row = dict(zip(column(whole["columns"]["row"]), column(whole["columns"]["description"]), strict=True))
    assert whole["omitted"] == [] and by_row[1999] == "incident number 1999"


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


#: Every Jinja delimiter, a harmless expression, and a payload that would run a shell command.
JINJA_TEXTS = ["{{ 7*7 }}", "{% if true %}yes{% endif %}", "{# a comment #}", "{{cite news|title=x|date=2025}}",
               "{%", "{#", "{{", "}}", "%}", "#}", "{{ lipsum.__globals__['os'].system('touch marker') }}"]
TEXT_COLUMNS = ["place", "description", "event_type", "sub_event_type", "actor1", "actor2", "source_name",
                "source_url", "notes", "admin1", "country"]


def _jinja_frame() -> pd.DataFrame:
    n = len(JINJA_TEXTS)
    frame = pd.DataFrame({"latitude": np.linspace(31, 34, n), "longitude": np.linspace(66.5, 71, n),
                          "event_date": "2025-10-12"})
    for k, name in enumerate(TEXT_COLUMNS):
        frame[name] = [JINJA_TEXTS[(i + k) % n] for i in range(n)]
    return frame


def test_template_syntax_in_the_data_or_title_runs_nothing_and_stays_text(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    html = render(join(_jinja_frame()), title=" ".join(JINJA_TEXTS)).get_root().render()
    assert not (tmp_path / "marker").exists()
    assert "<title>" + html_escape(" ".join(JINJA_TEXTS)) + "</title>" in html
    data = payload(html)
    assert data["title"] == " ".join(JINJA_TEXTS)
    columns = data["incidents"]["columns"]
    for name in ("place", "description", "event_type"):
        assert sorted(column(columns[name])) == sorted(JINJA_TEXTS), name  # every delimiter round-trips as text


def test_template_payload_through_the_cli_creates_no_file(tmp_path, monkeypatch, write_csv):
    from typer.testing import CliRunner

    from geomap.cli import app

    monkeypatch.chdir(tmp_path)
    source = write_csv(_jinja_frame())
    title = JINJA_TEXTS[-1]
    result = CliRunner().invoke(app, ["map", str(source), "-o", str(tmp_path / "m.html"), "--offline",
                                      "--title", title])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "marker").exists()
    assert JINJA_TEXTS[-1] in payload((tmp_path / "m.html").read_text(encoding="utf-8"))["title"]


def test_a_tile_url_is_used_as_given_and_never_templated(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    url = "https://tiles.example.org/{z}/{x}/{y}.png?k={{ lipsum.__globals__['os'].system('touch marker') }}"
    data = payload(render(pd.DataFrame({"latitude": [34.1], "longitude": [71.1]}), tiles=url).get_root().render())
    assert not (tmp_path / "marker").exists()
    assert data["tiles"]["url"] == url and "tiles.example.org" in data["tiles"]["attribution"]
    with pytest.raises(InputError, match="tile"):
        render(pd.DataFrame({"latitude": [34.1], "longitude": [71.1]}), tiles="https://tiles.example.org/a.png")
    with pytest.raises(InputError, match="tile set"):
        render(pd.DataFrame({"latitude": [34.1], "longitude": [71.1]}), tiles="No Such Tiles")


def test_the_country_fills_follow_the_border_line_closely():
    import shapely
    from shapely.geometry import shape

    from geomap import datasets
    from geomap.geodesy import to_region

    data = payload(render(pd.DataFrame({"latitude": [34.1], "longitude": [71.1]})).get_root().render())
    fills = {f["properties"]["code"]: shape(f["geometry"]) for f in data["countries"]["features"]}
    line = np.asarray(datasets.border().geometry.iloc[0].coords)[::20]

    def metric(geom):
        return shapely.transform(geom, lambda xy: np.column_stack(to_region(xy[:, 0], xy[:, 1])))

    points = shapely.points(np.column_stack(to_region(line[:, 0], line[:, 1])))
    for code in ("AF", "PK"):
        edge = metric(fills[code].boundary)
        off_km = shapely.distance(points, edge) / 1000
        assert np.quantile(off_km, 0.99) < 0.1, code  # was up to ~1 km, visible from zoom 12


def test_a_row_located_only_to_a_country_or_province_has_no_finer_unit():
    frame = join(geocode(pd.DataFrame({"place": ["Pakistan", "Khost province", "Torkham"]})))
    assert frame["geo_precision"].tolist() == [4, 3, 1]
    columns = payload(render(frame).get_root().render())["incidents"]["columns"]
    rows = column(columns["row"])
    province = dict(zip(rows, column(columns["province"]), strict=True))
    district = dict(zip(rows, column(columns["district"]), strict=True))
    assert province[0] is None and district[0] is None  # the country's centre says nothing of either
    assert province[1] == "Khost" and district[1] is None
    assert province[2] == "Khyber Pakhtunkhwa" and district[2]


def test_a_grid_cell_spans_its_whole_time_bin():
    frame = _region_incidents(3_000)
    frame["event_date"] = "2025-10-13"  # all on a Monday: the cells still stand for their week
    incidents = payload(render(frame, aggregate_above=100).get_root().render())["incidents"]
    assert incidents["period"] == "week" and set(column(incidents["columns"]["span"])) == {7}


def test_the_page_is_the_same_byte_for_byte_every_run():
    frame = _region_incidents(2_000)
    assert render(frame).get_root().render() == render(frame.copy()).get_root().render()


def test_categories_of_other_taxonomies_get_colours_of_their_own():
    frame = pd.DataFrame({"latitude": [34.1, 33.0, 32.0, 31.0], "longitude": [71.1, 70.0, 69.0, 66.5],
                          "event_type": ["state-based", "state-based", "one-sided", "Battles"]})
    colours = {c["name"]: c["color"] for c in payload(render(frame).get_root().render())["categories"]}
    assert colours["Battles"] == "#d7301f"
    assert len(set(colours.values())) == 3 and "#636363" not in colours.values()
