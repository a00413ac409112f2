"""Invariants of load -> geocode -> join under generated input, and a bounded fuzz of the CLI."""

from __future__ import annotations

import csv
import io
import json
import random
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from geomap import geocode, join, load
from geomap.cli import app

NAMES = ["Khost", "خوست", "Spin Buldak", "the Ghulam Khan crossing", "Torkam", "Kurram district", "Wana",
         "Khost province", "Doha", "Kabul", "Islamabad", "Miran Shah", "Chaman border"]
# Text that has broken readers and templates before: Jinja delimiters, a wiki citation, quotes and
# delimiters inside a value, line breaks (a bare CR too), a trailing comma, an HXL-looking tag.
HOSTILE = ["{{ 7*7 }}", "{% if x %}y{% endif %}", "{# comment", "{{cite news|title=Khost}}", "Khost,", 'a "quoted" b',
           "line one\nline two", "before\rafter", "a;b|c\td", "#loc+name", "</script><script>alert(1)</script>",
           "=cmd|' /C calc'!A0", "\u200fخوست\u200e"]
place = st.one_of(st.sampled_from(NAMES), st.sampled_from(HOSTILE), st.text(max_size=25), st.just(""))
coordinate = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True, width=32),
                       st.floats(min_value=24, max_value=38), st.floats(min_value=60, max_value=75))
row = st.tuples(place, coordinate, coordinate)
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["place", "latitude", "longitude"])


@FAST
@given(st.lists(row, min_size=0, max_size=30))
def test_pipeline_invariants(rows):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.csv"
        _frame(rows).to_csv(path, index=False, quoting=csv.QUOTE_NONNUMERIC)
        loaded = load(path)
    located = geocode(loaded)
    joined = join(located)
    assert len(loaded) == len(located) == len(joined) == len(rows)  # row count kept
    assert list(joined["place"].fillna("")) == list(loaded["place"].fillna(""))  # and order
    distance = joined["border_distance_km"].dropna()
    assert (distance >= 0).all()
    regional = joined[joined["side"].isin(["AF", "PK"])]
    assert (regional["province_code"].str[:2] == regional["side"]).all()  # side consistent with province
    has_point = joined["latitude"].notna()
    assert (has_point == joined["side"].notna()).all()
    assert joined["latitude"].dropna().between(-90, 90).all()


@FAST
@given(st.lists(row, min_size=1, max_size=20))
def test_geocode_and_join_are_idempotent(rows):
    once = join(geocode(_frame(rows)))
    twice = join(geocode(once))
    columns = ["latitude", "longitude", "side", "border_distance_km", "province"]
    pd.testing.assert_frame_equal(once[columns], twice[columns])


# --- bounded fuzz of the command line ----------------------------------------------------------

SEED_CSV = b"place,event_date,latitude,longitude,description\nKhost,2025-10-12,,,a\nTorkham,2025-10-13,34.1,71.08,b\n"
# The shapes that slipped through before: a trailing comma on every row (UCDP's download centre), a quoted
# value over several lines, a bare carriage return in a value, Jinja delimiters, an HXL row, US dates.
SEED_SHAPES = [
    b"id,date_start,where_prec,best,latitude,longitude\n1,03/27/1990 00:00:00,1,2,33.3,69.9,\n2,05/10/1990 00:00:00,"
    b"2,1,34.1,71.1,\n",
    b'place,description\nKhost,"first line\nsecond, with a comma\nthird"\nWana,"{{ 7*7 }} {% raw %} {#"\n',
    b'place,description\r\nKhost,"before\rafter"\r\nWana,plain\r\n',
    b"place,event_date,admin1\n#loc+name,#date,#adm1+name\nKhost,13/10/2025,Khost\nWana,0001-01-01,FATA\n",
]
SEED_GEOJSON = json.dumps({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"place": "Khost"}, "geometry": {"type": "Point", "coordinates": [69.9, 33.3]}},
]}).encode()


def _mutate(seed: bytes, rng: random.Random) -> bytes:
    data = bytearray(seed)
    for _ in range(rng.randint(1, 8)):
        action = rng.random()
        position = rng.randrange(len(data) + 1)
        if action < 0.4 and data:
            data[min(position, len(data) - 1)] = rng.randrange(256)
        elif action < 0.7:
            data[position:position] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 6)))
        else:
            del data[position:position + rng.randint(1, 10)]
    return bytes(data)


def _run_cli(data: bytes, suffix: str, command: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / f"fuzz{suffix}"
        source.write_bytes(data)
        output = Path(folder) / ("out.html" if command == "map" else "out.csv")
        result = CliRunner().invoke(app, [command, str(source), "-o", str(output)])
        written = output.exists()
    # Either a result or one clean error: never an uncaught exception, a traceback, or the error the CLI
    # itself calls a bug ("unexpected ..."), and never an output beside an error.
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output, (data, result.output)
    assert not result.stderr.startswith("geomap: error: unexpected "), (data, result.stderr)  # the CLI's "a bug"
    if result.exit_code == 1:
        assert result.stderr.startswith("geomap: error: ") and result.stderr.count("\n") == 1, result.stderr
        assert not written
    else:
        assert written and result.stderr == ""


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400), st.sampled_from([".csv", ".geojson"]), st.sampled_from(["join", "geocode"]))
def test_cli_survives_random_bytes(data, suffix, command):
    _run_cli(data, suffix, command)


def test_cli_survives_mutated_files():
    rng = random.Random(20251019)
    seeds = [(SEED_CSV, ".csv"), (SEED_GEOJSON, ".geojson"), *((shape, ".csv") for shape in SEED_SHAPES)]
    for _ in range(120):
        seed, suffix = rng.choice(seeds)
        _run_cli(_mutate(seed, rng), suffix, rng.choice(["join", "geocode", "map"]))


def test_each_hostile_shape_is_read_as_written():
    for shape in SEED_SHAPES:
        _run_cli(shape, ".csv", "join")


def test_jinja_delimiters_in_a_value_reach_the_map_as_text():
    for shape in SEED_SHAPES:
        _run_cli(shape, ".csv", "map")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(place, st.sampled_from(HOSTILE)), min_size=1, max_size=12),
       st.sampled_from([",", ";", "\t", "|"]), st.booleans())
@example([("#loc+name", "#loc+name")], ",", True)  # once read as an HXL tag row and dropped
@example([("#loc+name", "#loc+name")], ";", False)
def test_any_value_round_trips_through_a_written_and_read_csv(rows, delimiter, trailing):
    """Values with delimiters, quotes, line breaks and template syntax come back as they went in, row for row."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.csv"
        lines = io.StringIO(newline="")
        writer = csv.writer(lines, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(["place", "description"] + ([""] if trailing else []))
        for row in rows:
            writer.writerow([*row] + ([""] if trailing else []))
        source.write_text(lines.getvalue(), encoding="utf-8")
        result = CliRunner().invoke(app, ["geocode", str(source), "-o", str(Path(folder) / "out.csv")])
        assert result.exit_code == 0, result.stderr
        back = load(Path(folder) / "out.csv")
    expected = [[value if value != "" else None for value in row] for row in rows]
    got = back[["place", "description"]].astype(object).where(back[["place", "description"]].notna(), None)
    assert got.values.tolist() == expected


def test_mutations_really_change_the_input():
    rng = random.Random(1)
    mutated = {_mutate(SEED_CSV, rng) for _ in range(20)}
    assert len(mutated) > 15 and SEED_CSV not in mutated
    assert np.isfinite(pd.read_csv(io.BytesIO(SEED_CSV))["longitude"].dropna()).all()
