"""Shared fixtures: tiny incident tables built in code, and a real headless Chromium."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest

ARTIFACTS = Path(__file__).parent / "artifacts"
# Hermetic: the suite never reads or writes the user's own cache folder (subprocesses inherit this too).
_CACHE = tempfile.mkdtemp(prefix="geomap-test-cache-")
os.environ["GEOMAP_CACHE_DIR"] = _CACHE
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session", autouse=True)
def _private_cache_folder():
    yield _CACHE
    shutil.rmtree(_CACHE, ignore_errors=True)


@pytest.fixture
def tiny_incidents() -> pd.DataFrame:
    """Five rows: names in two scripts, a kind word, a coordinate pair, and a name nobody knows."""
    return pd.DataFrame({
        "event_date": ["2025-10-12", "2025-10-15", "2025-10-19", "2025-10-20", "2025-10-21"],
        "place": ["Khost", "the Ghulam Khan crossing", "خوست", "Spin Buldak", "Qwxzyville"],
        "description": ["a", "b", "c", "d", "e"],
    })


@pytest.fixture
def write_csv(tmp_path):
    def _write(frame: pd.DataFrame, name: str = "incidents.csv", **kwargs) -> Path:
        path = tmp_path / name
        frame.to_csv(path, index=False, **kwargs)
        return path
    return _write


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright; no browser is downloaded."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed: run `make test`, which installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def offline_page(browser):
    """A page whose every network request is refused: what the map shows with no internet."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error"
            and "net::ERR_FAILED" not in msg.text else None)
    page.route("**/*", lambda route: route.abort() if route.request.url.startswith(("http:", "https:"))
               else route.continue_())
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
