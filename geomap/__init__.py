"""geomap: offline geocoding and mapping of Afghanistan-Pakistan border incidents.

Five lines in a notebook::

    import geomap
    incidents = geomap.load(geomap.sample_path())
    located = geomap.join(geomap.geocode(incidents))
    located.groupby("province").size()
    geomap.render(located)          # a folium.Map, shown inline
"""

from importlib.metadata import PackageNotFoundError, version

from geomap import stats
from geomap.datasets import border, crossings, gazetteer, provinces, sample_path
from geomap.dedupe import link_duplicates
from geomap.errors import DataError, GeomapError, InputError, OutputError
from geomap.extract import extract
from geomap.geocode import geocode, search
from geomap.join import join
from geomap.load import load
from geomap.pipeline import run
from geomap.render import render

try:
    __version__ = version("geomap")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
    "DataError", "GeomapError", "InputError", "OutputError", "__version__", "border", "crossings",
    "extract", "gazetteer", "geocode", "join", "link_duplicates", "load", "provinces", "render", "run",
    "sample_path", "search", "stats",
]
