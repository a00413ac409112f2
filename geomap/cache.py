"""A disk cache for indexes geomap derives from its bundled data (gazetteer keys, polygon grids).

Building them takes a few seconds per process; a cached copy loads in a fraction of that.
An entry's name carries a hash of everything it was built from — the bytes given by the
caller (data, parameters) and the source code of the modules that build it — so a changed
gazetteer, polygon or algorithm never meets a stale entry.

The folder is ``$GEOMAP_CACHE_DIR``, else ``$XDG_CACHE_HOME/geomap``, else
``~/.cache/geomap``. Where it cannot be written the index is simply built each time;
``GEOMAP_CACHE_DIR=off`` turns the cache off. Entries are pickles written by geomap itself
into the user's own folder, and are only ever read from there.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def folder() -> Path | None:
    """Where entries are kept, or None when the cache is off."""
    chosen = os.environ.get("GEOMAP_CACHE_DIR", "")
    if chosen.lower() == "off":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "geomap"


def cached(name: str, build: Callable[[], T], inputs: bytes, modules: tuple[str, ...]) -> T:
    """``build()``, or its copy from an earlier process built from the same inputs and code.

    Parameters
    ----------
    name
        A short label for the file name (``"geocode-index"``).
    build
        Makes the value; its result must pickle.
    inputs
        Bytes that identify the data and parameters the value is built from.
    modules
        Names of the modules whose source code builds the value (``"geomap.geocode"``): a change
        to any of them is a new entry. Names, not module objects: ``geomap.geocode`` the
        attribute is the function of that name.
    """
    where = folder()
    if where is None:
        return build()
    data = hashlib.sha256(inputs).hexdigest()[:16]
    code = hashlib.sha256(f"{sys.version_info[:2]}".encode())
    for module in modules:
        code.update(Path(importlib.import_module(module).__file__).read_bytes())
    # One entry per name and inputs (three polygon sets make three grids); a new version of the code replaces it.
    path = where / f"{name}-{data}-{code.hexdigest()[:16]}.pickle"
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, IndexError, TypeError):
        pass  # absent, unreadable, or from another version of a library: build anew
    value = build()
    _store(path, value)
    for stale in where.glob(f"{name}-{data}-*.pickle"):  # made by older code: never read again
        if stale != path:
            stale.unlink(missing_ok=True)
    return value


def _store(path: Path, value: object) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as stream:
                pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)  # readers see the whole entry or none
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    except OSError:
        pass  # a read-only or full disk costs speed, never a result
