"""Typed, documented defaults. Functions fall back to these when an argument is None.

A few can be set from the environment (``GEOMAP_BLOCK_SIZE``, ``GEOMAP_MEMORY``); the command
line's own ``GEOMAP_*`` variables are listed in ``geomap --help`` of each command.
"""

from __future__ import annotations

import os
import re

from geomap.geodesy import REGION_CRS, WGS84


def parse_size(text: str | int | None, name: str = "size") -> int | None:
    """``"64MB"``, ``"1.5G"``, ``"200000"`` -> bytes (powers of 1024); None stays None.

    Raises
    ------
    ValueError
        Text that is not a positive number of bytes with an optional K, M, G or T.
    """
    if text is None or isinstance(text, int):
        return text
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?\s*", str(text), re.IGNORECASE)
    if not found or float(found.group(1)) <= 0:
        raise ValueError(f"{name} {text!r} is not a size such as 64MB, 1.5GB or 200000")
    power = "kmgt".find(found.group(2).lower()) + 1 if found.group(2) else 0
    return int(float(found.group(1)) * 1024 ** power)

#: CRS of every input and output coordinate.
CRS = WGS84
#: Metric CRS for nearest-feature searches inside the region (distances are geodesic).
METRIC_CRS = REGION_CRS

#: Column that holds the place name to geocode when the input has no coordinates.
PLACE_COLUMN = "place"
#: Optional context columns used to choose between same-named places.
COUNTRY_COLUMN = "country"
PROVINCE_COLUMN = "admin1"
DISTRICT_COLUMN = "admin2"
DATE_COLUMN = "event_date"

#: A corrected spelling (phonetic form equal, or one or two edits away) is taken only when its
#: similarity to the name (0-100, rapidfuzz ratio) reaches this floor: below it, on real names,
#: corrections are more often another place than the one meant (benchmarks/realnames.py).
FUZZY_FLOOR = 85.0
#: Two candidates whose scores differ by less than this, and that lie farther apart than
#: AMBIGUOUS_KM, make the row "ambiguous" (the better one is still used, ``runner_up`` names the other).
AMBIGUOUS_MARGIN = 0.1
AMBIGUOUS_KM = 25.0

#: Radius (km) a precision code stands for when drawn on the map: 1 point, 2 district or
#: valley, 3 province or region, 4 country.
PRECISION_RADIUS_KM = {1: 2.0, 2: 20.0, 3: 80.0, 4: 300.0}
PRECISION_LABEL = {1: "place", 2: "district / area", 3: "province / region", 4: "country"}

#: Tile layer of the HTML map (names as folium knows them).
TILES = "OpenStreetMap"

#: Column with how precisely an incident's date is known: ``day``, ``weekend``, ``week``, ``month``,
#: ``year`` or ``report`` (or ACLED's ``time_precision`` codes 1, 2, 3). A week-precise date stands
#: for the Monday-to-Sunday week that contains it, a month-precise date for its calendar month.
DATE_PRECISION_COLUMN = "date_precision"
#: Column with the last day of an incident known only as a range (``geomap extract`` writes it).
DATE_END_COLUMN = "event_date_end"

#: Distance bands drawn around the border on the map (km).
BANDS_KM = (10.0, 25.0, 50.0)
#: Length of the border pieces incidents are counted by (map and ``geomap stats``).
SEGMENT_KM = 50.0

#: Above this many located incidents the map draws counts in grid cells instead of single
#: incidents, so that even a million incidents give a page of bounded size.
AGGREGATE_ABOVE = 200_000
#: At most this many cell records (cell x time bin x event type x side x border piece) in an
#: aggregated map; cells and time bins grow until the records fit.
AGGREGATE_MAX_RECORDS = 350_000
#: Smallest grid cell of an aggregated map (km, in the region's metric CRS).
AGGREGATE_CELL_KM = 10.0
#: Bytes of compressed popup text a map may carry (``--popup-budget``). Every incident always
#: keeps its position, dates, type, side, precision, fatalities and filter fields; popup fields
#: are added by priority while they fit, and the legend names any left out.
MAP_POPUP_BUDGET_BYTES = 10_000_000


#: Bytes of CSV text per block: the unit both engines read, process and write at a time. Peak memory
#: follows it (times the worker threads of the Dask engine). 16 MB blocks measured quicker than 64 MB ones
#: (a block is written while the next is processed) and used 0.4 GB less for 1,000,000 rows.
BLOCK_BYTES = parse_size(os.environ.get("GEOMAP_BLOCK_SIZE") or "16MB", "GEOMAP_BLOCK_SIZE")
#: Memory a run may plan with, in bytes (``GEOMAP_MEMORY=2GB``); None: what the system says is available.
#: A result that would not fit is streamed to its output in blocks, or, for a map, refused with a reason.
MEMORY_BYTES = parse_size(os.environ.get("GEOMAP_MEMORY"), "GEOMAP_MEMORY")

#: Rows from different sources closer than this (km), at most DEDUPE_DAYS apart and of the same
#: event_category are linked as likely duplicates (``--dedupe-km``, ``--dedupe-days``).
DEDUPE_KM = 5.0
DEDUPE_DAYS = 2.0
