"""geomap: offline geocoding and mapping of Afghanistan-Pakistan border incidents.

Five lines in a notebook::

    import geomap
    incidents = geomap.load(geomap.sample_path())
    located = geomap.join(geomap.geocode(incidents))     # a GeoDataFrame, WGS84 points
    located.groupby("province").size()
    geomap.render(located)          # a folium.Map, shown inline

Importing geomap is quick: each name is imported when first used, so ``geomap --help``
does not pay for pandas, geopandas or folium.
"""

from __future__ import annotations

import importlib
import sys
import types

# Public name -> the module that defines it.
_EXPORTS = {
    "load": "geomap.api", "geocode": "geomap.api", "join": "geomap.api", "render": "geomap.api",
    "border": "geomap.api", "crossings": "geomap.api", "provinces": "geomap.api", "districts": "geomap.api",
    "gazetteer": "geomap.datasets", "sample_path": "geomap.datasets",
    "extract": "geomap.extract", "search": "geomap.geocode", "link_duplicates": "geomap.dedupe",
    "run": "geomap.pipeline",
    "DataError": "geomap.errors", "GeomapError": "geomap.errors", "InputError": "geomap.errors",
    "OutputError": "geomap.errors",
}
_MODULES = ("stats",)  # public submodules

__all__ = sorted([*_EXPORTS, *_MODULES, "__version__"])


def __getattr__(name: str):
    if name == "__version__":
        value = _version()
    elif name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
    elif name in _MODULES:
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    object.__setattr__(sys.modules[__name__], name, value)
    return value


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("geomap")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(types.ModuleType):
    """Keeps ``geomap.load``, ``geomap.geocode``, ... the functions once their modules are imported.

    Importing the submodule ``geomap.geocode`` sets the package's ``geocode`` attribute to that
    module; with lazy imports that would replace the function a notebook calls. Submodules stay
    reachable as ``sys.modules["geomap.geocode"]`` and through ``from geomap.geocode import ...``.
    """

    def __setattr__(self, name: str, value) -> None:
        if name in _EXPORTS and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
