"""Writing results: the format follows the extension, and every write is atomic."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geomap import settings
from geomap.errors import OutputError

WRITERS = (".csv", ".geojson", ".parquet", ".gpkg")


@contextlib.contextmanager
def atomic_write(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it into place only if the block succeeds."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"cannot write {str(path)!r}: folder {str(folder)!r} does not exist")
    try:
        handle, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write to folder {str(folder)!r}: {exc.strerror}") from exc
    os.close(handle)
    tmp = Path(tmp_name)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes owner-only files; outputs are ordinary files
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)


def check_output(output: str | Path, input_path: str | Path | None = None, allowed=WRITERS) -> Path:
    """Refuse an unknown extension, a directory, or an output that would overwrite the input."""
    output = Path(output)
    if output.suffix.lower() not in allowed:
        raise OutputError(f"cannot write {output.name!r}: unknown extension {output.suffix or '(none)'!r}; "
                          f"supported: {', '.join(allowed)}")
    if output.is_dir():
        raise OutputError(f"output {str(output)!r} is a directory; give a file name")
    if input_path is not None and Path(input_path).exists() and output.exists() \
            and output.resolve() == Path(input_path).resolve():
        raise OutputError(f"output {str(output)!r} is the input file; choose another name so the input is kept")
    return output


def write_table(frame: pd.DataFrame, output: str | Path) -> Path:
    """Write incidents as CSV, GeoJSON, GeoParquet or GeoPackage (points in WGS84)."""
    output = check_output(output)
    suffix = output.suffix.lower()
    with atomic_write(output) as tmp:
        if suffix == ".csv":
            frame.to_csv(tmp, index=False)
        else:
            geo = _to_geo(frame)
            if suffix == ".parquet":
                geo.to_parquet(tmp, index=False)
            elif suffix == ".geojson":
                tmp.unlink()
                geo.to_file(tmp, driver="GeoJSON", engine="pyogrio")
            else:
                tmp.unlink()
                geo.to_file(tmp, driver="GPKG", layer="incidents", engine="pyogrio")
    return output


def _to_geo(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    lat = pd.to_numeric(frame.get("latitude"), errors="coerce")
    lon = pd.to_numeric(frame.get("longitude"), errors="coerce")
    plain = frame.copy()
    for column in plain.columns:  # nullable and object columns with mixed values trip the writers
        if str(plain[column].dtype) in ("Int8", "Int16", "Int32", "Int64"):
            plain[column] = plain[column].astype("float64")
    if lat is None or lon is None:
        return gpd.GeoDataFrame(plain, geometry=[None] * len(plain), crs=settings.CRS)
    points = gpd.points_from_xy(lon.fillna(0), lat.fillna(0))
    located = (lat.notna() & lon.notna()).to_numpy()
    geometry = gpd.GeoSeries(points, index=plain.index, crs=settings.CRS).where(located, None)
    return gpd.GeoDataFrame(plain, geometry=geometry, crs=settings.CRS)
