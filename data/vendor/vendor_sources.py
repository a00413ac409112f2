"""Make the compact source extracts in data/vendor/ from the public data in ../shared/data (run once, by hand).

``make data`` never reads ../shared: it rebuilds the bundled data from these extracts, the
registry packages and data/curated/. This script is how the extracts were made, so anyone
with the same public files can check them::

    python data/vendor/vendor_sources.py [--shared ../shared/data]

Inputs (provenance and licences: ../shared/data/README.md, and data/vendor/README.md):

* ``wof/wof_af_pk_records.csv.gz`` -- Who's On First's Afghan and Pakistani records
  (GeoNames' populated places inside).
* ``exports/ucdp_ged_pak_hdx.csv`` -- UCDP GED events in Pakistan, 1989-2021.

Outputs (gzip written with a zero timestamp, so the same input gives the same bytes):

* ``wof_af_pk_places.csv.gz`` -- GeoNames id (WOF id for districts and records without one),
  names, kind, coordinates, population and (Pakistan) WOF district id of the current, not
  deprecated, not superseded localities, neighbourhoods and districts; alternate names in
  Latin or Arabic script only, without IATA/ICAO and other all-capital codes, and without
  spellings that fold to the same key as one already kept (``Khōst`` beside ``Khost``). Left
  out to keep the file small: villages of Punjab and Sindh (provinces away from the border)
  with no population, no alternate name and no administrative role -- 49,927 rows that place
  4 of the 1,980 precisely placed UCDP events found in the full set (measured when this
  extract was made; see data/vendor/README.md).
* ``ucdp_ged_pak_places.csv.gz`` -- the distinct precisely placed (``where_prec`` 1) places
  of the events up to ``UCDP_LAST_YEAR``, each with the ids of the events that place it.
  Later events are left out on purpose: they are the held-out half of the real-names
  benchmark (benchmarks/realnames.py).
* ``WOF_LICENSE.md`` -- Who's On First's licence text, as published.
"""

from __future__ import annotations

import argparse
import gzip
import io
import re
import shutil
import sys
import unicodedata
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from geomap import datasets  # noqa: E402
from geomap.join import locate_admin  # noqa: E402
from geomap.normalize import normalize  # noqa: E402

HERE = Path(__file__).resolve().parent
#: UCDP events up to this year feed the gazetteer; the later ones are the benchmark's held-out split.
UCDP_LAST_YEAR = 2010
WOF_COLUMNS = ["wof_id", "gn_id", "name", "alt_names", "placetype", "gn_fcode", "country", "lat", "lon", "gn_pop",
               "county_id", "src_geom"]
# Airports (campus), the countries, provinces (regions) and the one localadmin come from other layers.
WOF_PLACETYPES = {"locality", "neighbourhood", "county"}
#: Provinces away from the border, where only places with a population, a name in another
#: spelling or an administrative role are kept.
INNER_PROVINCES = {"Punjab", "Sindh"}
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,5}$")  # "FBD", "OAFZ", "PK-KP": codes, not names


def _script(text: str) -> str:
    """'latin', 'arabic', 'other' or '' (no letters), from the letters of the text."""
    scripts = set()
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        scripts.add("latin" if name.startswith("LATIN") else "arabic" if name.startswith("ARABIC") else "other")
    return scripts.pop() if len(scripts) == 1 else ("other" if scripts else "")


def _alternates(name: str, joined: object) -> str:
    if not isinstance(joined, str):
        return ""
    kept = []
    seen = {normalize(name)}
    for alternate in joined.split("|"):
        alternate = unicodedata.normalize("NFC", alternate).strip()
        if not alternate or _CODE.match(alternate) or _script(alternate) not in ("latin", "arabic"):
            continue
        key = normalize(alternate)
        if key and key not in seen:  # geomap matches on the folded key: one spelling per key is enough
            seen.add(key)
            kept.append(alternate)
    return "|".join(kept)


def wof_places(shared: Path) -> pd.DataFrame:
    records = pd.read_csv(shared / "wof/wof_af_pk_records.csv.gz", low_memory=False)
    keep = (records["placetype"].isin(WOF_PLACETYPES) & records["deprecated"].isna()
            & records["superseded_by"].isna() & (records["is_current"] != 0))
    places = records[keep].copy()
    places["alt_names"] = [_alternates(n, a) for n, a in zip(places["name"], places["alt_names"], strict=True)]
    places["lat"] = places["lat"].round(5)
    places["lon"] = places["lon"].round(5)
    for column in ("gn_id", "gn_pop", "county_id"):
        places[column] = places[column].astype("Int64")
    # Districts of Pakistan come from WOF's hierarchy (county_id); Afghanistan's from polygons.
    places.loc[places["country"] != "PK", "county_id"] = pd.NA
    places = places[~_bare_inner_village(places)].copy()
    # A GeoNames id names the record (WOF keeps the concordance); the WOF id only where there is none,
    # and for districts, which the places' county_id points at.
    places["wof_id"] = places["wof_id"].astype("Int64").where(places["gn_id"].isna()
                                                              | (places["placetype"] == "county"))
    # Rows of one district together, south to north: neighbouring rows share digits, so the file packs smaller.
    return places[WOF_COLUMNS].sort_values(["country", "county_id", "lat", "lon", "name"], ignore_index=True)


def _bare_inner_village(places: pd.DataFrame) -> pd.Series:
    located = locate_admin(places["lon"].to_numpy(), places["lat"].to_numpy(), datasets.countries(),
                           datasets.provinces())
    inner = located["province"].isin(INNER_PROVINCES).to_numpy()
    bare = ((places["placetype"] == "locality") & places["gn_pop"].fillna(0).eq(0) & places["alt_names"].eq("")
            & ~places["gn_fcode"].fillna("").str.startswith("PPLA"))
    return bare & inner


def _read_hdx(path: Path) -> pd.DataFrame:
    # HDX puts a row of HXL hashtags (#date+year, ...) under the header.
    events = pd.read_csv(path, low_memory=False, dtype={"id": "string"})
    return events[~events["year"].astype(str).str.startswith("#")].astype({"year": int, "where_prec": int})


def ucdp_places(shared: Path) -> pd.DataFrame:
    events = _read_hdx(shared / "exports/ucdp_ged_pak_hdx.csv")
    fed = events[(events["where_prec"] == 1) & (events["year"] <= UCDP_LAST_YEAR)].copy()
    fed["latitude"] = fed["latitude"].astype(float).round(5)
    fed["longitude"] = fed["longitude"].astype(float).round(5)
    fed["id"] = fed["id"].astype(int)
    grouped = fed.sort_values("id").groupby(["where_coordinates", "latitude", "longitude"], sort=True)
    places = grouped.agg(adm_1=("adm_1", "first"), adm_2=("adm_2", "first"), first_year=("year", "min"),
                         last_year=("year", "max"), events=("id", "size"),
                         event_ids=("id", lambda ids: "|".join(map(str, ids))))
    return places.reset_index().rename(columns={"where_coordinates": "name"})


def _write_csv_gz(frame: pd.DataFrame, path: Path) -> None:
    text = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as stream:
        stream.write(text)
    path.write_bytes(buffer.getvalue())


def _shared_beside() -> Path | None:
    return next((p / "shared/data" for p in HERE.parents if (p / "shared/data").is_dir()), None)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=_shared_beside(),
                        help="the public data folder (default: shared/data in a folder above the checkout)")
    args = parser.parse_args(argv)
    if args.shared is None:
        parser.error("no shared/data folder found above the checkout; pass --shared")
    wof = wof_places(args.shared)
    _write_csv_gz(wof, HERE / "wof_af_pk_places.csv.gz")
    ucdp = ucdp_places(args.shared)
    _write_csv_gz(ucdp, HERE / "ucdp_ged_pak_places.csv.gz")
    shutil.copyfile(args.shared / "wof/LICENSE.md", HERE / "WOF_LICENSE.md")
    print(f"WOF: {len(wof):,} places, {wof['alt_names'].str.count('[|]').add(wof['alt_names'].ne('')).sum():,} "
          f"alternate names; UCDP: {len(ucdp):,} places from {ucdp['events'].sum():,} events up to {UCDP_LAST_YEAR}")


if __name__ == "__main__":
    main()
