"""The disk cache of derived indexes: reused when nothing changed, rebuilt when anything did, never in the way."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest

from geomap import cache


class Builds:
    """A build function that counts its calls."""

    def __init__(self, value):
        self.value, self.calls = value, 0

    def __call__(self):
        self.calls += 1
        return self.value


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOMAP_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_second_process_reads_what_the_first_built(cache_dir):
    build = Builds({"keys": np.arange(5)})
    first = cache.cached("thing", build, b"inputs", ("geomap.normalize",))
    second = cache.cached("thing", build, b"inputs", ("geomap.normalize",))
    assert build.calls == 1
    np.testing.assert_array_equal(first["keys"], second["keys"])
    assert len(list(cache_dir.glob("thing-*.pickle"))) == 1
    assert not list(cache_dir.glob(".*.part"))  # no half-written entry left behind


def test_other_inputs_or_code_make_a_new_entry(cache_dir, tmp_path, monkeypatch):
    build = Builds([1, 2, 3])
    cache.cached("thing", build, b"gazetteer v1", ("geomap.normalize",))
    cache.cached("thing", build, b"gazetteer v2", ("geomap.normalize",))
    assert build.calls == 2
    changed = tmp_path / "changed_module.py"
    changed.write_text("X = 1\n")

    module = types.ModuleType("changed_module")
    module.__file__ = str(changed)
    monkeypatch.setitem(sys.modules, "changed_module", module)

    cache.cached("thing", build, b"gazetteer v2", ("changed_module",))
    changed.write_text("X = 2\n")
    cache.cached("thing", build, b"gazetteer v2", ("changed_module",))
    assert build.calls == 4
    # Each inputs keeps its own entry (three polygon sets make three grids); an entry of older code is replaced.
    assert len(list(cache_dir.glob("thing-*.pickle"))) == 2


def test_a_damaged_entry_is_rebuilt(cache_dir):
    build = Builds("value")
    cache.cached("thing", build, b"x", ("geomap.normalize",))
    (entry,) = cache_dir.glob("thing-*.pickle")
    entry.write_bytes(entry.read_bytes()[:5])
    assert cache.cached("thing", build, b"x", ("geomap.normalize",)) == "value"
    assert build.calls == 2


def test_off_builds_every_time_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOMAP_CACHE_DIR", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    build = Builds("value")
    cache.cached("thing", build, b"x", ("geomap.normalize",))
    cache.cached("thing", build, b"x", ("geomap.normalize",))
    assert build.calls == 2 and not list(tmp_path.iterdir())


def test_a_folder_that_cannot_be_made_costs_speed_not_results(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("GEOMAP_CACHE_DIR", str(blocker))
    build = Builds("value")
    assert cache.cached("thing", build, b"x", ("geomap.normalize",)) == "value"
    assert cache.cached("thing", build, b"x", ("geomap.normalize",)) == "value"
    assert build.calls == 2


def test_the_cached_gazetteer_keys_equal_a_fresh_build(cache_dir):
    from geomap.geocode import _build_keys, _gazetteer_keys

    _gazetteer_keys()  # builds and stores
    stored, fresh = _gazetteer_keys(), _build_keys()
    assert list(cache_dir.glob("gazetteer-keys-*.pickle"))
    assert stored[0] == fresh[0] and stored[4] == fresh[4]
    for left, right in zip(stored[1:4], fresh[1:4], strict=True):
        np.testing.assert_array_equal(left, right)
