"""Typed, documented defaults. Functions fall back to these when an argument is None."""

from __future__ import annotations

from geomap.geodesy import REGION_CRS, WGS84

#: CRS of every input and output coordinate.
CRS = WGS84
#: Metric CRS for nearest-feature searches inside the region (distances are geodesic).
METRIC_CRS = REGION_CRS

#: Column that holds the place name to geocode when the input has no coordinates.
PLACE_COLUMN = "place"
#: Optional context columns used to choose between same-named places.
COUNTRY_COLUMN = "country"
PROVINCE_COLUMN = "admin1"
DATE_COLUMN = "event_date"

#: Fuzzy matches scoring below this (0-100, rapidfuzz token_sort_ratio) are left unmatched.
FUZZY_CUTOFF = 85.0
#: Two candidates whose scores differ by less than this, and that lie farther apart than
#: AMBIGUOUS_KM, make the row "ambiguous" (the better one is still used).
AMBIGUOUS_MARGIN = 0.08
AMBIGUOUS_KM = 25.0

#: Radius (km) a precision code stands for when drawn on the map: 1 point, 2 district or
#: valley, 3 province or region, 4 country.
PRECISION_RADIUS_KM = {1: 2.0, 2: 20.0, 3: 80.0, 4: 300.0}
PRECISION_LABEL = {1: "place", 2: "district / area", 3: "province / region", 4: "country"}

#: Tile layer of the HTML map (names as folium knows them).
TILES = "OpenStreetMap"
#: Incidents above this count are clustered on the map.
CLUSTER_THRESHOLD = 0

#: Rows from different sources closer than this (km), at most DEDUPE_DAYS apart and of the same
#: event_category are linked as likely duplicates (``--dedupe-km``, ``--dedupe-days``).
DEDUPE_KM = 5.0
DEDUPE_DAYS = 2.0
