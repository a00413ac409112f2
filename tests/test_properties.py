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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from geomap import geocode, join, load
from geomap.cli import app

NAMES = ["Khost", "خوست", "Spin Buldak", "the Ghulam Khan crossing", "Torkam", "Kurram district", "Wana",
         "Khost province", "Doha", "Kabul", "Islamabad", "Miran Shah", "Chaman border"]
place = st.one_of(st.sampled_from(NAMES), st.text(max_size=25), st.just(""))
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
    # Either a result or one clean error: never an uncaught exception, never a traceback.
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400), st.sampled_from([".csv", ".geojson"]), st.sampled_from(["join", "geocode"]))
def test_cli_survives_random_bytes(data, suffix, command):
    _run_cli(data, suffix, command)


def test_cli_survives_mutated_files():
    rng = random.Random(20251019)
    for _ in range(80):
        seed, suffix = rng.choice([(SEED_CSV, ".csv"), (SEED_GEOJSON, ".geojson")])
        _run_cli(_mutate(seed, rng), suffix, rng.choice(["join", "geocode", "map"]))


def test_mutations_really_change_the_input():
    rng = random.Random(1)
    mutated = {_mutate(SEED_CSV, rng) for _ in range(20)}
    assert len(mutated) > 15 and SEED_CSV not in mutated
    assert np.isfinite(pd.read_csv(io.BytesIO(SEED_CSV))["longitude"].dropna()).all()
