"""The only module that reads geomap's bundled data.

Files are read through :mod:`importlib.resources`, so they are found inside an installed
wheel as well as in a source checkout. Each loader caches its result; callers get the
same frame back and must not modify it.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib.resources import as_file, files
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geomap.errors import DataError
from geomap.geodesy import LineIndex

_PACKAGE = "geomap.data"
SAMPLE = "curated/incidents_2025.csv"


def _resource(name: str):
    resource = files(_PACKAGE).joinpath(name)
    if not resource.is_file():
        raise DataError(f"bundled data file {name!r} is missing from the installed package; reinstall geomap")
    _verify(name, resource.read_bytes())
    return resource


@cache
def manifest() -> dict[str, str]:
    """SHA-256 of every bundled file, written by data/build_data.py."""
    resource = files(_PACKAGE).joinpath("MANIFEST.json")
    if not resource.is_file():
        raise DataError("bundled data manifest 'MANIFEST.json' is missing; reinstall geomap")
    return json.loads(resource.read_text(encoding="utf-8"))


@cache
def _verified(name: str, digest: str) -> bool:
    expected = manifest().get(name)
    if expected is None:
        raise DataError(f"bundled data file {name!r} is not in the manifest; reinstall geomap")
    if digest != expected:
        raise DataError(f"bundled data file {name!r} is damaged (checksum mismatch); reinstall geomap "
                        "or rebuild the data with `make data`")
    return True


def _verify(name: str, content: bytes) -> None:
    _verified(name, hashlib.sha256(content).hexdigest())


def verify_all(root: Path | None = None) -> list[str]:
    """Check every file the manifest names; return the problems found (empty when all is well).

    ``root`` checks a copy of the data folder instead of the installed package.
    """
    base = Path(root) if root is not None else None
    problems = []
    for name, expected in manifest().items():
        path = base / name if base is not None else files(_PACKAGE).joinpath(name)
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != expected:
            problems.append(f"{name}: damaged (checksum mismatch)")
    return problems


def _read_geo(name: str) -> gpd.GeoDataFrame:
    with as_file(_resource(name)) as path:
        try:
            return gpd.read_parquet(path)
        except Exception as exc:  # a truncated or foreign file: say which one
            raise DataError(f"bundled data file {name!r} cannot be read ({exc})") from exc


@cache
def border() -> gpd.GeoDataFrame:
    """The Afghanistan-Pakistan border as one line, north (China tripoint) to south (Iran tripoint)."""
    return _read_geo("border.parquet")


@cache
def border_index() -> LineIndex:
    """A :class:`~geomap.geodesy.LineIndex` over :func:`border`, built once per process."""
    return LineIndex(border().geometry.iloc[0])


@cache
def countries() -> gpd.GeoDataFrame:
    """Afghanistan and Pakistan polygons from the same source as the border line."""
    return _read_geo("countries.parquet")


@cache
def world() -> gpd.GeoDataFrame:
    """Simplified polygons of every other country (``neighbour`` marks those around the region)."""
    return _read_geo("world.parquet")


@cache
def provinces() -> gpd.GeoDataFrame:
    """Current provinces of both countries (Khyber Pakhtunkhwa includes former FATA)."""
    return _read_geo("provinces.parquet")


#: The gazetteer stores coordinates as integers of this many steps per degree (see data/build_data.py).
COORDINATE_SCALE = 100_000


@cache
def gazetteer() -> pd.DataFrame:
    """Every place geomap can name: villages and towns, districts and tehsils, provinces, countries, world cities.

    Layers (``layer``): ``dense`` (Who's On First / GeoNames, AF and PK), ``regional``
    (GeoNames cities500 and regions), ``admin`` (district and tehsil polygons' centres),
    ``ucdp`` (UCDP GED's precise places), ``curated``, ``world``.
    """
    return gazetteer_columns(None)


@cache
def gazetteer_columns(columns: tuple[str, ...] | None) -> pd.DataFrame:
    """:func:`gazetteer` with only these columns (None: all): the geocoder needs a fraction of them."""
    return gazetteer_rows(columns)


def gazetteer_rows(columns: tuple[str, ...] | None = None, where: list | None = None) -> pd.DataFrame:
    """The gazetteer's rows that ``where`` selects (a pyarrow filter: ``[("kind", "in", ["crossing"])]``; None:
    all), with these columns (None: all), coordinates in degrees. Reading a few rows this way skips making
    Python strings for the other 116,000."""
    with as_file(_resource("gazetteer.parquet")) as path:
        places = pd.read_parquet(path, columns=list(columns) if columns is not None else None, filters=where)
    for column in ("latitude", "longitude"):
        if column in places and places[column].dtype.kind == "i":
            places[column] = places[column].to_numpy() / COORDINATE_SCALE
    return places


@cache
def gazetteer_index():
    """The name index of :func:`gazetteer` (:class:`geomap.gazindex.NameIndex`).

    The index shipped with the data when it was made from this gazetteer and this code;
    otherwise (the folding code changed since ``make data``) it is built, once per machine,
    through the disk cache.
    """
    from geomap import cache as disk_cache
    from geomap import gazindex

    wanted = gazindex.stamp(manifest()["gazetteer.parquet"])
    with as_file(_resource("gazetteer_index.npz")) as path:
        try:
            arrays = disk_cache.read_arrays(Path(path))
        except ValueError as exc:
            raise DataError(f"bundled data file 'gazetteer_index.npz' cannot be read ({exc})") from exc
    if list(arrays.get("stamp", [])) != [wanted]:
        arrays = disk_cache.cached_arrays(
            "gazetteer-index", lambda: gazindex.build(gazetteer(), manifest()["gazetteer.parquet"]),
            wanted.encode(), ("geomap.gazindex", "geomap.normalize"))
    return gazindex.from_arrays(arrays)


@cache
def admin_units() -> gpd.GeoDataFrame:
    """Afghan districts (ADM2) and Pakistani tehsils (ADM3, 2017, with their 2023 district) as polygons."""
    return _read_geo("admin_units.parquet")


@cache
def english_words() -> frozenset[str]:
    """Everyday English words (SCOWL's lower-case entries): a village named "Bar" needs more than a capital B."""
    with as_file(_resource("english_words.parquet")) as path:
        return frozenset(pd.read_parquet(path)["word"])


@cache
def districts() -> pd.DataFrame:
    """One point per Afghan and Pakistani district (the centre of its polygon), for the map."""
    with as_file(_resource("districts.parquet")) as path:
        return pd.read_parquet(path)


@cache
def crossings() -> pd.DataFrame:
    """Curated border crossings and passes, each with the source of its coordinate."""
    return gazetteer_rows(where=[("kind", "in", ["crossing", "pass"])]).reset_index(drop=True)


def static_text(name: str) -> str:
    """A bundled third-party map asset (Leaflet JS/CSS), checked against the manifest."""
    return _resource(f"static/{name}").read_text(encoding="utf-8")


def sample_path() -> Path:
    """Path of the bundled sample of October-November 2025 border incidents (CSV)."""
    resource = _resource(SAMPLE)
    with as_file(resource) as path:
        return Path(path)
