"""A disk cache for indexes geomap derives from its bundled data (gazetteer keys, polygon grids).

Building them takes a few seconds per process; a cached copy loads in a fraction of that.
An entry's name carries a hash of everything it was built from — the bytes given by the
caller (data, parameters) and the source code of the modules that build it — so a changed
gazetteer, polygon or algorithm never meets a stale entry.

The folder is ``$GEOMAP_CACHE_DIR``, else ``$XDG_CACHE_HOME/geomap``, else
``~/.cache/geomap``; ``GEOMAP_CACHE_DIR=off`` turns the cache off. Where it cannot be used
the index is simply built each time: a cache costs speed, never a result.

Nothing in the cache can run code. Entries are plain arrays (``.npz`` read with
``allow_pickle=False``) or a format with its own safe loader (an Aho-Corasick automaton of
integers); nothing of geomap's is ever unpickled. And an entry is read only from a folder the
user owns that nobody else can write to, and only when the user owns the entry: another user
cannot plant one. geomap creates the folder with mode 0700.

The one exception is numba's cache of compiled kernels (:func:`private_folder` ``"numba"``),
whose index numba reads with pickle: it is kept in the same private folder, never beside the
installed module, and with the cache off or unusable the kernels are compiled in each process.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import stat
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np

T = TypeVar("T")
Arrays = dict[str, np.ndarray]
# Lists of text are stored as one array of UTF-8 bytes, the items separated by NUL (no name holds one).
_TEXT_SUFFIX = "__text"


def folder() -> Path | None:
    """Where entries are kept, or None when the cache is off."""
    chosen = os.environ.get("GEOMAP_CACHE_DIR", "")
    if chosen.lower() == "off":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "geomap"


def cached_arrays(name: str, build: Callable[[], dict], inputs: bytes, modules: tuple[str, ...]) -> Arrays:
    """``build()``, or its copy from an earlier process built from the same inputs and code.

    Parameters
    ----------
    name
        A short label for the file name (``"gazetteer-keys"``).
    build
        Makes the value: a dict of numpy arrays of numbers or booleans, or of lists of
        strings (which come back as lists of ``str``).
    inputs
        Bytes that identify the data and parameters the value is built from.
    modules
        Names of the modules whose source code builds the value (``"geomap.geocode"``): a change
        to any of them is a new entry. Names, not module objects: ``geomap.geocode`` the
        attribute is the function of that name.
    """
    return cached_file(name, build, inputs, modules, suffix=".npz", save=write_arrays, load=read_arrays)


def cached_file(name: str, build: Callable[[], T], inputs: bytes, modules: tuple[str, ...], *, suffix: str,
                save: Callable[[T, Path], None], load: Callable[[Path], T]) -> T:
    """As :func:`cached_arrays`, for a value with its own file format.

    ``save(value, path)`` writes the value; ``load(path)`` reads it back and must raise on
    anything it does not recognise (and must never run code from the file). Any exception
    from ``load`` means the entry is rebuilt.
    """
    where = _usable_folder()
    if where is None:
        return build()
    data = hashlib.sha256(inputs).hexdigest()[:16]
    code = hashlib.sha256(f"{sys.version_info[:2]}".encode())
    for module in modules:
        code.update(Path(importlib.import_module(module).__file__).read_bytes())
    # One entry per name and inputs (three polygon sets make three grids); a new version of the code replaces it.
    path = where / f"{name}-{data}-{code.hexdigest()[:16]}{suffix}"
    if _trusted(path):
        try:
            return load(path)
        except Exception:  # noqa: BLE001 - damaged, foreign or from another version: build anew
            pass
    value = build()
    _store(path, value, save)
    for stale in where.glob(f"{name}-{data}-*"):  # made by older code: never read again
        if stale != path and not stale.name.startswith("."):
            stale.unlink(missing_ok=True)
    return value


def _usable_folder() -> Path | None:
    """The cache folder, created 0700 if missing; None when it is off or others could write to it."""
    where = folder()
    if where is None:
        return None
    try:
        where.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = where.stat()
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o022:
        return None  # someone else's folder, or one others can write into: never read from it
    return where


def private_folder(name: str) -> Path | None:
    """A folder inside the cache folder for another library's cache, or None when there is none to trust."""
    where = _usable_folder()
    if where is None:
        return None
    path = where / name
    try:
        path.mkdir(exist_ok=True, mode=0o700)
        info = path.lstat()
    except OSError:
        return None
    return path if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() else None


def _trusted(path: Path) -> bool:
    """An entry the user owns, that only the user can change."""
    try:
        info = path.lstat()
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o022


def _store(path: Path, value, save: Callable) -> None:
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")  # mode 0600
        os.close(handle)
        try:
            save(value, Path(temporary))
            os.replace(temporary, path)  # readers see the whole entry or none
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    except (OSError, ValueError):
        pass  # a read-only or full disk costs speed, never a result


def write_arrays(value: dict, path: Path, compress: bool = False) -> None:
    """Write a dict of numeric arrays and lists of text as a plain ``.npz`` (no pickle); see :func:`read_arrays`.

    The same value always gives the same bytes (members carry a fixed date), so a file written
    by ``make data`` changes only when its content does.
    """
    arrays = {}
    for key, item in value.items():
        if isinstance(item, list) or (isinstance(item, np.ndarray) and item.dtype == object):
            text = "\0".join(map(str, item))
            arrays[key + _TEXT_SUFFIX] = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
            arrays[key + "__count"] = np.array([len(item)], dtype=np.int64)
        else:
            array = np.asarray(item)
            if array.dtype == object:
                raise ValueError(f"cache entry {key!r} holds Python objects")
            arrays[key] = array
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", compression=method) as archive:
        for key, array in arrays.items():
            member = zipfile.ZipInfo(key + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = method
            with archive.open(member, "w", force_zip64=True) as stream:
                np.lib.format.write_array(stream, array, allow_pickle=False)


def read_arrays(path: Path) -> Arrays:
    """Read what :func:`write_arrays` wrote, with ``allow_pickle=False``; raise ValueError on a damaged file."""
    out: Arrays = {}
    try:
        with path.open("rb") as stream, np.load(stream, allow_pickle=False) as stored:
            for key in stored.files:
                if key.endswith("__count"):
                    continue
                if key.endswith(_TEXT_SUFFIX):
                    name = key[: -len(_TEXT_SUFFIX)]
                    count = int(stored[name + "__count"][0])
                    text = stored[key].tobytes().decode("utf-8")
                    items = text.split("\0") if count else []
                    if len(items) != count:
                        raise ValueError(f"cache entry {name!r} is damaged")
                    out[name] = items
                else:
                    out[key] = stored[key]
    except zipfile.BadZipFile as exc:
        raise ValueError(str(exc)) from exc
    return out
