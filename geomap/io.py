"""The one writer: every output is written beside its target and renamed into place when complete.

Tables (CSV, GeoJSON, GeoParquet, GeoPackage) are written block by block through
:class:`TableWriter`, so a table larger than memory streams to disk, and both engines produce
the same bytes. The map page (:func:`geomap.render.write_html`) and the stats folder
(:func:`atomic_folder`) go through the same temporaries. Whatever stops a write — an error, a
full disk, Ctrl-C, ``kill`` (see :func:`signals_interrupt`) — the temporary is removed and the
old output, if any, is left as it was.

CSV is written by pyarrow: strings quoted, so a value holding a comma, a quote, a line feed or
a bare carriage return reads back as the one value it was (:mod:`geomap.reader` reads it).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from geomap import settings
from geomap.errors import GeomapError, OutputError

WRITERS = (".csv", ".geojson", ".parquet", ".gpkg")
MAPS = (".html", ".htm")
_DRIVERS = {".geojson": "GeoJSON", ".gpkg": "GPKG"}
_LAYER = "incidents"
# Temporaries being written right now: removed by whatever ends the write.
_LIVE: set[Path] = set()


class Interrupted(KeyboardInterrupt):
    """The process was asked to stop (SIGTERM, SIGHUP) while it worked: unwinds like Ctrl-C does."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextlib.contextmanager
def signals_interrupt() -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP unwind the stack as Ctrl-C does, so temporaries are removed.

    Their default action ends the process at once, skipping every ``finally``; a command line
    installs this around a run. Each of these signals (and Ctrl-C) is also noted, and no output
    is put in place after one (:func:`check_stop`), even if its exception was lost on the way up
    (the test suite saw a SIGTERM run end with exit 0 about once in forty). Only the main thread
    can install handlers: elsewhere it does nothing.
    """
    def stop(signum, _frame):
        _STOPS.append(signum)
        raise Interrupted(signum)

    _STOPS.clear()
    previous = {}
    try:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            if signum != signal.SIGINT or signal.getsignal(signum) is signal.default_int_handler:  # ignored stays so
                previous[signum] = signal.signal(signum, stop)
    except ValueError:  # not the main thread
        pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _STOPS.clear()


# Signals received inside signals_interrupt, in order.
_STOPS: list[int] = []


def check_stop() -> None:
    """Raise :class:`Interrupted` if the run was asked to stop: called before any output is put in place."""
    if _STOPS:
        raise Interrupted(_STOPS[0])


def _temporary(path: Path, folder: bool = False) -> Path:
    """A new file (or folder) beside ``path``, hidden, with a random name; it is in :data:`_LIVE` from
    before it exists, so an interrupt at any moment leaves nothing that no one knows to remove."""
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"cannot write {str(path)!r}: folder {str(parent)!r} does not exist")
    while True:
        tmp = parent / f".{path.name}.{secrets.token_hex(8)}{'.tmp' if folder else path.suffix}"
        _LIVE.add(tmp)
        try:
            if folder:
                os.mkdir(tmp, 0o777)  # less the umask, as for any ordinary folder
            else:
                os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            return tmp
        except FileExistsError:  # not ours: never removed
            _LIVE.discard(tmp)
        except OSError as exc:
            _LIVE.discard(tmp)
            raise OutputError(f"cannot write to folder {str(parent)!r}: {exc.strerror}") from exc


def live_temporaries() -> set[Path]:
    """The temporaries this process has made and not yet renamed into place or removed."""
    return set(_LIVE)


def discard_temporaries(paths: Iterable[Path]) -> None:
    """Remove these temporaries (files or folders), if they are still there."""
    for path in paths:
        _discard(path)


def _discard(tmp: Path) -> None:
    _LIVE.discard(tmp)
    if tmp.is_dir() and not tmp.is_symlink():
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_write(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it into place only if the block succeeds."""
    path = Path(path)
    tmp = _temporary(path)
    try:
        yield tmp
        check_stop()
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from exc
    finally:
        _discard(tmp)


@contextlib.contextmanager
def atomic_folder(path: str | Path, owned: Iterable[str] = ()) -> Iterator[Path]:
    """Yield a temporary folder beside ``path``; it replaces ``path`` only once complete.

    An existing ``path`` is replaced only if it holds nothing but files named in ``owned`` (what
    an earlier run wrote): a folder with anything else in it is refused, never emptied.
    """
    path = check_folder(path, owned)
    tmp = _temporary(path, folder=True)
    old = None
    try:
        yield tmp
        check_stop()
        if path.is_dir():
            old = path.with_name(f".{path.name}.old-{os.getpid()}")
            os.replace(path, old)
        os.replace(tmp, path)
    except OSError as exc:
        if old is not None and not path.exists():
            os.replace(old, path)
        raise OutputError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from exc
    finally:
        _discard(tmp)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def check_folder(path: str | Path, owned: Iterable[str] = ()) -> Path:
    """Refuse a folder output that is a file, or an existing folder holding anything not in ``owned``."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OutputError(f"output {str(path)!r} is a file; give a folder")
    owned = set(owned)
    if path.is_dir():
        foreign = sorted(p.name for p in path.iterdir() if p.name not in owned)
        if foreign:
            raise OutputError(f"output folder {str(path)!r} holds other files ({', '.join(foreign[:3])}"
                              f"{', ...' if len(foreign) > 3 else ''}); give a new or empty folder")
    return path


def check_output(output: str | Path, inputs: Iterable[str | Path] = (), allowed=WRITERS,
                 others: Iterable[tuple[str, str | Path | None]] = ()) -> Path:
    """Refuse an unknown extension, a directory, or an output that would overwrite an input or another output.

    ``others`` are ``(option, path)`` pairs of the run's other outputs (``("--rejects", ...)``).
    """
    output = Path(output)
    if output.suffix.lower() not in allowed:
        raise OutputError(f"cannot write {output.name!r}: unknown extension {output.suffix or '(none)'!r}; "
                          f"supported: {', '.join(allowed)}")
    if output.is_dir():
        raise OutputError(f"output {str(output)!r} is a directory; give a file name")
    for source in inputs:
        if _same(output, source):
            raise OutputError(f"output {str(output)!r} is the input file; choose another name so the input is kept")
    for option, other in others:
        if other is not None and _same(output, other):
            raise OutputError(f"{option} {str(other)!r} is the same file as the output; choose another name")
    return output


def _same(a: str | Path, b: str | Path) -> bool:
    a, b = Path(a), Path(b)
    if a.exists() and b.exists():
        return a.resolve() == b.resolve() or os.path.samefile(a, b)
    return a.resolve() == b.resolve()


class TableWriter:
    """Write a table block by block to CSV, GeoJSON, GeoParquet or GeoPackage (points in WGS84).

    The first block fixes the columns and their types; later blocks are given the same. The
    file appears at ``path`` only when :meth:`close` succeeds (or the ``with`` block ends
    without an error); otherwise nothing is left behind.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = check_output(path)
        self.suffix = self.path.suffix.lower()
        self.rows = 0
        self._schema = None
        self._columns = None
        self._writer = None
        self._tmp = _temporary(self.path)
        if self.suffix in _DRIVERS:
            self._tmp.unlink()  # GDAL creates the file itself

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()

    def write(self, frame: pd.DataFrame) -> None:
        """Append a block of rows."""
        if self._columns is None:
            self._columns = list(frame.columns)
        elif list(frame.columns) != self._columns:
            frame = frame.reindex(columns=self._columns)
        try:
            if self.suffix == ".csv":
                self._write_csv(frame)
            elif self.suffix == ".parquet":
                self._write_parquet(frame)
            else:
                self._write_gdal(frame)
        except OSError as exc:
            self.abort()
            raise OutputError(f"cannot write {str(self.path)!r}: {exc.strerror or exc}") from exc
        self.rows += len(frame)

    def close(self) -> Path:
        """Finish the file and rename it into place."""
        check_stop()
        try:
            if self._columns is None:
                self.write(pd.DataFrame())
            if self._writer is not None:
                self._writer.close()
                self._writer = None
            os.replace(self._tmp, self.path)
        except OSError as exc:
            self.abort()
            raise OutputError(f"cannot write {str(self.path)!r}: {exc.strerror or exc}") from exc
        _LIVE.discard(self._tmp)
        return self.path

    def abort(self) -> None:
        """Give up: remove the temporary, leave any old output as it was."""
        if self._writer is not None:
            with contextlib.suppress(Exception):
                self._writer.close()
            self._writer = None
        _discard(self._tmp)

    def _arrow(self, frame: pd.DataFrame, geometry: bool):
        import pyarrow as pa

        table = _to_arrow(frame, geometry)
        if self._schema is None:
            # A column empty in the first block has no type yet: text is the one every column can hold.
            fields = [f.with_type(pa.string()) if pa.types.is_null(f.type) else f for f in table.schema]
            self._schema = pa.schema(fields, metadata=table.schema.metadata)
        try:
            return table.cast(self._schema)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
            raise GeomapError(f"cannot write {str(self.path)!r}: a column changed type between blocks "
                              f"({str(exc).splitlines()[0]})") from exc

    def _write_csv(self, frame: pd.DataFrame) -> None:
        import pyarrow.csv as pacsv

        table = self._arrow(frame, geometry=False)
        if self._writer is None:
            self._writer = pacsv.CSVWriter(str(self._tmp), self._schema,
                                           write_options=pacsv.WriteOptions(quoting_style="needed"))
        self._writer.write_table(table)

    def _write_parquet(self, frame: pd.DataFrame) -> None:
        import pyarrow.parquet as pq

        table = self._arrow(frame, geometry=True)
        if self._writer is None:
            self._writer = pq.ParquetWriter(str(self._tmp), self._schema, compression="snappy")
        self._writer.write_table(table)

    def _write_gdal(self, frame: pd.DataFrame) -> None:
        import pyogrio

        geo = _to_geo(frame)
        if self._schema is None:  # GDAL fixes each field's type from the first block
            self._schema = geo.dtypes
        else:
            geo = _like(geo, self._schema)
        pyogrio.write_dataframe(geo, str(self._tmp), driver=_DRIVERS[self.suffix], layer=_LAYER,
                                append=self._tmp.exists())


def write_table(frame: pd.DataFrame, output: str | Path) -> Path:
    """Write incidents as CSV, GeoJSON, GeoParquet or GeoPackage (points in WGS84), atomically."""
    with TableWriter(output) as writer:
        writer.write(frame)
    return Path(output)


def write_blocks(frames: Iterable[pd.DataFrame], output: str | Path) -> int:
    """Write blocks of one table in order; the number of rows written."""
    with TableWriter(output) as writer:
        for frame in frames:
            writer.write(frame)
        return writer.rows


def _points(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lat = pd.to_numeric(frame["latitude"], errors="coerce").to_numpy(dtype=float) if "latitude" in frame \
        else np.full(len(frame), np.nan)
    lon = pd.to_numeric(frame["longitude"], errors="coerce").to_numpy(dtype=float) if "longitude" in frame \
        else np.full(len(frame), np.nan)
    return lon, lat, np.isfinite(lon) & np.isfinite(lat)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Nullable integer columns as floats and object columns as text: what every writer takes."""
    plain = frame.copy()
    for column in plain.columns:
        dtype = plain[column].dtype
        if str(dtype) in ("Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64"):
            plain[column] = plain[column].astype("float64")
        elif dtype is np.dtype(object) and not _one_type(plain[column]):
            values = plain[column]  # numbers among text: all of it as text, so every block has one type
            text = values.where(values.isna(), values.astype(str))
            plain[column] = text.astype(object).where(values.notna(), None)
    return plain


def _one_type(values: pd.Series) -> bool:
    """An object column Arrow can take as it is: text (or only missing values) throughout."""
    import pyarrow as pa

    try:
        kind = pa.array(values, from_pandas=True).type
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return False
    return pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_null(kind)


def _to_arrow(frame: pd.DataFrame, geometry: bool):
    """The block as an Arrow table; with ``geometry``, a WKB point column and GeoParquet metadata."""
    import json

    import pyarrow as pa

    plain = _plain(frame)
    table = pa.Table.from_pandas(plain, preserve_index=False)
    if not geometry:
        return table.replace_schema_metadata(None)
    lon, lat, located = _points(frame)
    table = table.append_column("geometry", _point_wkb(lon, lat, located))
    geo = {"version": "1.0.0", "primary_column": "geometry",
           "columns": {"geometry": {"encoding": "WKB", "geometry_types": ["Point"],
                                    "crs": _wgs84_projjson()}}}
    return table.replace_schema_metadata({b"geo": json.dumps(geo).encode()})


def _point_wkb(lon: np.ndarray, lat: np.ndarray, located: np.ndarray):
    """Points as an Arrow array of little-endian WKB (21 bytes each), null where there is no point.

    Built from the coordinates' bytes in one go; the same bytes shapely's ``to_wkb`` writes.
    """
    import pyarrow as pa

    record = np.dtype([("order", "u1"), ("kind", "<u4"), ("x", "<f8"), ("y", "<f8")])
    points = np.zeros(int(located.sum()), dtype=record)
    points["order"], points["kind"] = 1, 1
    points["x"], points["y"] = lon[located], lat[located]
    offsets = np.concatenate([[0], np.cumsum(located.astype(np.int64) * record.itemsize)]).astype(np.int32)
    validity = pa.py_buffer(np.packbits(located, bitorder="little").tobytes())
    return pa.Array.from_buffers(pa.binary(), len(located), [validity, pa.py_buffer(offsets.tobytes()),
                                                             pa.py_buffer(points.tobytes())],
                                 null_count=int((~located).sum()))


def _wgs84_projjson() -> dict:
    import pyproj

    return pyproj.CRS.from_user_input(settings.CRS).to_json_dict()


def _to_geo(frame: pd.DataFrame):
    import geopandas as gpd

    lon, lat, located = _points(frame)
    plain = _plain(frame)
    points = gpd.points_from_xy(np.where(located, lon, 0.0), np.where(located, lat, 0.0))
    geometry = gpd.GeoSeries(points, index=plain.index, crs=settings.CRS).where(located, None)
    return gpd.GeoDataFrame(plain, geometry=geometry, crs=settings.CRS)


def _like(geo, dtypes: pd.Series):
    """A later block given the first block's column types (GDAL's fields are fixed by then)."""
    for column, dtype in dtypes.items():
        if column == "geometry" or column not in geo or geo[column].dtype == dtype:
            continue
        if dtype is np.dtype(object):
            geo[column] = geo[column].astype(object).where(geo[column].notna(), None)
        else:
            with contextlib.suppress(TypeError, ValueError):
                geo[column] = geo[column].astype(dtype)
    return geo


__all__ = ["MAPS", "WRITERS", "Interrupted", "TableWriter", "atomic_folder", "atomic_write", "check_folder",
           "check_output", "check_stop", "signals_interrupt", "write_blocks", "write_table"]
