"""The disk cache of derived indexes: reused when nothing changed, rebuilt when anything did, never in the way."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pandas as pd
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
    first = cache.cached_arrays("thing", build, b"inputs", ("geomap.normalize",))
    second = cache.cached_arrays("thing", build, b"inputs", ("geomap.normalize",))
    assert build.calls == 1
    np.testing.assert_array_equal(first["keys"], second["keys"])
    assert len(list(cache_dir.glob("thing-*.npz"))) == 1
    assert not list(cache_dir.glob(".*.part"))  # no half-written entry left behind


def test_other_inputs_or_code_make_a_new_entry(cache_dir, tmp_path, monkeypatch):
    build = Builds({"values": np.array([1, 2, 3])})
    cache.cached_arrays("thing", build, b"gazetteer v1", ("geomap.normalize",))
    cache.cached_arrays("thing", build, b"gazetteer v2", ("geomap.normalize",))
    assert build.calls == 2
    changed = tmp_path / "changed_module.py"
    changed.write_text("X = 1\n")

    module = types.ModuleType("changed_module")
    module.__file__ = str(changed)
    monkeypatch.setitem(sys.modules, "changed_module", module)

    cache.cached_arrays("thing", build, b"gazetteer v2", ("changed_module",))
    changed.write_text("X = 2\n")
    cache.cached_arrays("thing", build, b"gazetteer v2", ("changed_module",))
    assert build.calls == 4
    # Each inputs keeps its own entry (three polygon sets make three grids); an entry of older code is replaced.
    assert len(list(cache_dir.glob("thing-*.npz"))) == 2


def test_a_damaged_entry_is_rebuilt(cache_dir):
    build = Builds({"names": ["Khost", "خوست", ""], "n": np.arange(3)})
    cache.cached_arrays("thing", build, b"x", ("geomap.normalize",))
    (entry,) = cache_dir.glob("thing-*.npz")
    entry.write_bytes(entry.read_bytes()[:5])
    again = cache.cached_arrays("thing", build, b"x", ("geomap.normalize",))
    assert again["names"] == ["Khost", "خوست", ""]
    assert build.calls == 2
    assert cache.cached_arrays("thing", build, b"x", ("geomap.normalize",))["names"] == ["Khost", "خوست", ""]
    assert build.calls == 2  # the rebuilt entry is read back, text and all


def test_off_builds_every_time_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOMAP_CACHE_DIR", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    build = Builds({"n": np.arange(2)})
    cache.cached_arrays("thing", build, b"x", ("geomap.normalize",))
    cache.cached_arrays("thing", build, b"x", ("geomap.normalize",))
    assert build.calls == 2 and not list(tmp_path.iterdir())


def test_a_folder_that_cannot_be_made_costs_speed_not_results(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("GEOMAP_CACHE_DIR", str(blocker))
    build = Builds({"n": np.arange(2)})
    for _ in range(2):
        np.testing.assert_array_equal(cache.cached_arrays("thing", build, b"x", ("geomap.normalize",))["n"], [0, 1])
    assert build.calls == 2


def test_a_name_index_for_other_code_is_rebuilt_once_through_the_cache(cache_dir, monkeypatch):
    from geomap import datasets, gazindex

    # As if normalize.py had changed since `make data`: the shipped index no longer fits.
    monkeypatch.setattr(gazindex, "INDEX_VERSION", gazindex.INDEX_VERSION + 1000)
    builds = []
    real_build = gazindex.build
    monkeypatch.setattr(gazindex, "build", lambda *a: builds.append(1) or real_build(*a))
    try:
        datasets.gazetteer_index.cache_clear()
        first = datasets.gazetteer_index()
        datasets.gazetteer_index.cache_clear()
        second = datasets.gazetteer_index()
    finally:
        datasets.gazetteer_index.cache_clear()
    assert len(builds) == 1 and list(cache_dir.glob("gazetteer-index-*.npz"))
    assert first.keys == second.keys
    np.testing.assert_array_equal(first.rows, second.rows)
    np.testing.assert_array_equal(first.form_keys, second.form_keys)


MARKER_CODE = "import pathlib; pathlib.Path({path!r}).write_text('ran')"


class _Payload:
    """Unpickling this runs code: what a planted entry would do."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (exec, (MARKER_CODE.format(path=str(self.marker)),))


def test_hostile_pickles_in_place_of_every_entry_run_nothing(cache_dir, tmp_path):
    import pickle

    from geomap import extract, geocode, join

    def run():
        text = "Clashes near the Ghulam Khan crossing in Khost killed five soldiers on Sunday."
        frame = join(geocode(pd.DataFrame({"place": ["Khost", "Spin Buldak", "Torkham"]})))
        found = extract(text, report_date="2025-10-29").mentions
        return frame, found

    _clear_process_caches()
    before = run()
    entries = [p for p in cache_dir.iterdir() if not p.name.startswith(".")]
    assert {p.name.split("-")[0] for p in entries} >= {"cell", "extract"}
    marker = tmp_path / "marker"
    for entry in entries:
        entry.write_bytes(pickle.dumps(_Payload(marker)))
    _clear_process_caches()
    after = run()
    assert not marker.exists()
    pd.testing.assert_frame_equal(before[0], after[0])
    pd.testing.assert_frame_equal(before[1], after[1])


def _clear_process_caches():
    import importlib

    geocode_module = importlib.import_module("geomap.geocode")
    join_module = importlib.import_module("geomap.join")
    toponyms = importlib.import_module("geomap.extract.toponyms")

    geocode_module._index.cache_clear()
    toponyms._lexicon.cache_clear()
    join_module._GRIDS.clear()


def test_the_folder_is_private_and_a_shared_one_is_never_read(cache_dir, monkeypatch):
    old = os.umask(0)  # the most permissive umask: the folder must still be private
    try:
        build = Builds({"n": np.arange(3)})
        cache.cached_arrays("thing", build, b"x", ("geomap.normalize",))
    finally:
        os.umask(old)
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700
    (entry,) = cache_dir.glob("thing-*.npz")
    assert stat.S_IMODE(entry.stat().st_mode) & 0o077 == 0
    cache_dir.chmod(0o777)  # a folder others can write into: its entries could be anyone's
    cache.cached_arrays("thing", build, b"x", ("geomap.normalize",))
    assert build.calls == 2


def test_an_entry_owned_by_someone_else_is_never_read(cache_dir, monkeypatch):
    build = Builds({"n": np.arange(3)})
    cache.cached_arrays("thing", build, b"x", ("geomap.normalize",))
    cache.cached_arrays("thing", build, b"x", ("geomap.normalize",))
    assert build.calls == 1
    (entry,) = cache_dir.glob("thing-*.npz")
    entry.chmod(0o666)  # writable by others: refused
    cache.cached_arrays("thing", build, b"x", ("geomap.normalize",))
    assert build.calls == 2
    real = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: real + 1)  # every entry now belongs to another user
    cache.cached_arrays("thing", build, b"x", ("geomap.normalize",))
    assert build.calls == 3


_COMPILE = ("import numpy as np\n"
            "from geomap import geodesy\n"
            "n = geodesy.COMPILED_ABOVE + 1\n"
            "print(round(float(geodesy.distance_km(np.full(n, 69.9), np.full(n, 33.3), 71.1, 34.1)[0]), 3))\n")


@pytest.mark.parametrize("setting", ["private", "off"])
def test_compiled_kernels_are_cached_only_in_the_private_folder(tmp_path, setting):
    """numba reads its cache index with pickle: it must never sit beside the module, where others may write."""
    import geomap

    package = os.path.dirname(geomap.__file__)
    folder = tmp_path / "cache"
    env = {**os.environ, "GEOMAP_CACHE_DIR": str(folder) if setting == "private" else "off"}
    runs = [subprocess.run([sys.executable, "-c", _COMPILE], capture_output=True, text=True, env=env, timeout=300)
            for _ in range(2)]
    assert all(r.returncode == 0 for r in runs) and runs[0].stdout == runs[1].stdout, runs
    assert 100 < float(runs[0].stdout) < 200  # Khost to Peshawar's neighbourhood, ~150 km
    assert [p.name for p in Path(package).rglob("*") if p.suffix in (".nbi", ".nbc")] == []  # numba's in-tree place
    kept = sorted(p.suffix for p in folder.rglob("*") if p.suffix in (".nbi", ".nbc"))
    if setting == "private":
        assert ".nbi" in kept and ".nbc" in kept
        assert stat.S_IMODE((folder / "numba").stat().st_mode) == 0o700
    else:
        assert kept == [] and not folder.exists()
