"""The built wheel, installed in a clean virtualenv outside the checkout, runs the three commands users start with.

The rest of the suite runs against the editable install, which cannot see a module or data
file missing from the wheel. Here the wheel is built, checked file by file against the source
tree, installed into a fresh virtualenv (its dependencies from the package index) for every
supported Python found on this machine, and run from a folder outside the checkout.
"""

from __future__ import annotations

import csv
import glob
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SUPPORTED = ("3.11", "3.12", "3.13")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(ROOT), "-w", str(out)], check=True,
                   capture_output=True)
    (built,) = out.glob("geomap-*.whl")
    return built


def _shipped_files() -> list[str]:
    """Every file the installed package needs: geomap/ and data/ (as geomap.data), less caches and build inputs."""
    names = []
    for base, prefix in ((ROOT / "geomap", "geomap/"), (ROOT / "data", "geomap/data/")):
        for path in base.rglob("*"):
            parts = path.relative_to(base).parts
            if path.is_file() and "__pycache__" not in parts and parts[0] != "vendor" and path.suffix != ".pyc":
                names.append(prefix + "/".join(parts))
    return names


def test_the_wheel_holds_every_module_and_data_file_and_the_licences(wheel):
    with zipfile.ZipFile(wheel) as archive:
        inside = set(archive.namelist())
        metadata = archive.read(next(n for n in inside if n.endswith(".dist-info/METADATA"))).decode()
    missing = [name for name in _shipped_files() if name not in inside]
    assert missing == []
    assert "License-Expression: MIT" in metadata
    assert any(n.endswith("licenses/LICENSE") for n in inside)
    assert any(n.endswith("licenses/data/SOURCES.md") for n in inside)  # the data's licences travel with it
    for version in SUPPORTED:
        assert f"Programming Language :: Python :: {version}" in metadata


def _interpreter(version: str) -> str | None:
    """A working python{version}: pyenv's installs first (its shims only run the selected one), then PATH."""
    pyenv = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates = sorted(glob.glob(f"{pyenv}/versions/{version}.*/bin/python{version}"))
    found = shutil.which(f"python{version}")
    if found and "/shims/" not in found:
        candidates.append(found)
    for candidate in candidates:
        if subprocess.run([candidate, "-c", "import venv"], capture_output=True, check=False).returncode == 0:
            return candidate
    return None


@pytest.mark.parametrize("version", SUPPORTED)
def test_the_installed_wheel_runs_map_join_and_extract_from_another_folder(wheel, version, tmp_path):
    python = _interpreter(version)
    if python is None:
        pytest.skip(f"Python {version} is not installed on this machine, so the wheel is not tried with it")
    venv = tmp_path / "venv"
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    install = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
                             capture_output=True, text=True, check=False)
    assert install.returncode == 0, install.stderr[-3000:]
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {**os.environ, "GEOMAP_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("PYTHONPATH", None)

    def geomap(*args: str) -> subprocess.CompletedProcess:
        result = subprocess.run([str(venv / "bin" / "geomap"), *args], cwd=work, env=env, capture_output=True,
                                text=True, check=False)
        assert result.returncode == 0, f"geomap {' '.join(args)}: {result.stderr}"
        return result

    assert geomap("--version").stdout.startswith("geomap ")
    located = subprocess.run([str(venv / "bin" / "python"), "-c", "import geomap; print(geomap.__file__)"],
                             cwd=work, env=env, capture_output=True, text=True, check=True).stdout
    assert str(venv) in located and str(ROOT) not in located  # the installed copy, not the checkout

    geomap("map", "-o", "map.html")
    assert (work / "map.html").stat().st_size > 100_000
    sample = subprocess.run([str(venv / "bin" / "python"), "-c", "import geomap; print(geomap.sample_path())"],
                            cwd=work, env=env, capture_output=True, text=True, check=True).stdout.strip()
    geomap("join", sample, "-o", "joined.csv")
    with (work / "joined.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 40 and sum(1 for r in rows if r["border_distance_km"]) >= 30

    (work / "report.txt").write_text("Pakistani and Afghan forces exchanged fire near Torkham on Sunday; "
                                     "two soldiers were killed, officials in Khyber district said.\n",
                                     encoding="utf-8")
    geomap("extract", "report.txt", "--date", "2025-10-12", "-o", "incidents.csv")
    with (work / "incidents.csv").open(encoding="utf-8") as handle:
        incidents = list(csv.DictReader(handle))
    assert incidents and incidents[0]["event_date"] == "2025-10-12"
