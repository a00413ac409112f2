"""GDAL vector files, opened safely: each extension by its one driver, nothing else.

GDAL picks a driver by sniffing a file's content, so a file named ``.geojson`` that holds an
OGR VRT is opened as a VRT, and a VRT can read any file the user can read (``/etc/passwd``) or
open a network connection (``/vsicurl/``). geomap therefore never lets GDAL choose:

- the path must be a plain local file: ``/vsi…`` paths and URLs are refused;
- the file's first bytes must be what its extension promises (a JSON object, an SQLite
  database);
- GDAL is handed ``GeoJSON:path`` or ``GPKG:path``, a prefix that only that driver accepts, so
  no other driver (VRT, GDALG, CSV, ...) is ever asked.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from geomap.errors import InputError

#: Extension -> the only GDAL driver geomap lets open it.
DRIVERS = {".geojson": "GeoJSON", ".json": "GeoJSON", ".gpkg": "GPKG"}
_SQLITE_MAGIC = b"SQLite format 3\x00"


def check_local_path(path: str | Path) -> Path:
    """Refuse what GDAL would treat as a virtual file system or a URL rather than a local file."""
    text = str(path)
    if "://" in text or any(p.lower().startswith("/vsi") for p in (text, os.path.realpath(text))):
        raise InputError(f"input {text!r} is not a local file; GDAL virtual paths (/vsi...) and URLs are refused")
    return Path(text)


def driver_for(path: Path) -> str:
    """The one driver allowed for ``path``'s extension, after checking the file's first bytes."""
    path = check_local_path(path)
    driver = DRIVERS.get(path.suffix.lower())
    if driver is None:
        raise InputError(f"cannot read {path.name!r} with GDAL: only {', '.join(sorted(DRIVERS))} are opened")
    with path.open("rb") as handle:
        head = handle.read(4096)
    if driver == "GPKG" and not head.startswith(_SQLITE_MAGIC):
        raise InputError(f"{path}: not a readable .gpkg file (it is not an SQLite database; nothing else is opened)")
    if driver == "GeoJSON" and not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        raise InputError(f"{path}: not a readable {path.suffix} file (GeoJSON is a JSON object; nothing else is "
                         "opened)")
    return driver


@contextlib.contextmanager
def gdal_name(path: Path) -> Iterator[str]:
    """``DRIVER:path`` for GDAL; a path GDAL's prefix syntax would split (a ``:`` in it) goes through a link."""
    driver = driver_for(path)
    real = os.path.realpath(path)
    if driver == "GPKG" and ":" in real:  # "GPKG:file:table" is the driver's own syntax
        with tempfile.TemporaryDirectory(prefix="geomap-") as folder:
            link = Path(folder) / "input.gpkg"
            link.symlink_to(real)
            yield f"GPKG:{link}"
        return
    yield f"{driver}:{real}"


def layers(path: Path) -> list[str]:
    """Names of the layers in a GeoJSON or GeoPackage file, in the file's order."""
    import pyogrio

    with gdal_name(path) as name:
        try:
            return [str(layer) for layer, _ in pyogrio.list_layers(name)]
        except Exception as exc:  # GDAL's errors name the C call; say which file and what was expected
            raise InputError(f"{path}: not a readable {path.suffix} file ({_first_line(exc)})") from exc


def info(path: Path, layer: str) -> dict:
    """pyogrio's description of one layer (fields, geometry type, CRS, feature count)."""
    import pyogrio

    with gdal_name(path) as name:
        try:
            return pyogrio.read_info(name, layer=layer)
        except Exception as exc:
            raise InputError(f"{path}: not a readable {path.suffix} file ({_first_line(exc)})") from exc


def read(path: Path, layer: str | None = None):
    """One layer of ``path`` as a GeoDataFrame, opened by the extension's driver only."""
    import pyogrio

    with gdal_name(path) as name:
        try:
            return pyogrio.read_dataframe(name, layer=layer)
        except Exception as exc:
            raise InputError(f"{path}: not a readable {path.suffix} file ({_first_line(exc)})") from exc


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
