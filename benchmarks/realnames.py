"""Geocoding real place names: UCDP GED's Pakistani events, their coordinates dropped, against UCDP's own points.

Each event's ``where_coordinates`` (the name its coders wrote, "Kharlachi village") is
geocoded with the event's own context -- country Pakistan, ``adm_1``, ``adm_2`` -- and the
answer is compared with UCDP's coordinate (geodesic distance).

Held-out split, by year: the gazetteer's UCDP layer was made from the events of 1989-2010
only (data/vendor/ucdp_ged_pak_places.csv.gz); the scores are for the events of 2011-2021.
The run checks that no scored event id is among the vendored ones. Scored too, apart: the
held-out events whose place name the vendored events never used (a split by place).

Reported: share within 5 / 25 / 50 km by ``where_prec`` (1 = the exact place ... 6 = the
country); the located share; confident errors (``matched``, confidence >= 0.8, more than
100 km off); the most frequent unmatched names; how often corrected spellings are right by
score (the fuzzy floor); the calibration of ``geocode_confidence``; and the district
polygons: every Afghan district and Pakistani tehsil geocoded by its name must land in its
own polygon, a grid of points over both countries must get the district of the polygon
that holds it, and UCDP's ``adm_2`` is compared with the joined ``district`` at UCDP's points.

``--calibrate`` fits the confidence model on the 1989-2010 events with the UCDP layer taken
out of the gazetteer (so the places are not scored against themselves) and prints the weights
for ``geomap.geocode._CONFIDENCE``; ``--split train`` scores those events the same way.

Usage: python benchmarks/run.py realnames [--split test|train] [--calibrate] [--json FILE]
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LAST_FED_YEAR = 2010  # data/vendor/vendor_sources.py UCDP_LAST_YEAR
CONFIDENT = 0.8


def shared_exports() -> Path:
    for parent in HERE.parents:
        folder = parent / "shared" / "data" / "exports"
        if folder.is_dir():
            return folder
    sys.exit("no shared/data/exports folder above the checkout: the real exports are needed for this benchmark")


def read_ucdp(folder: Path) -> pd.DataFrame:
    """Both UCDP variants, read robustly: HDX (an HXL '#' row under the header) and the GED API export
    (a trailing comma on every data row); one row per event id, HDX first."""
    hdx = pd.read_csv(folder / "ucdp_ged_pak_hdx.csv", dtype=str, keep_default_na=False)
    hdx = hdx[~hdx["year"].str.startswith("#")]
    path = folder / "ucdp_ged_pak_gedevents.csv"
    with path.open(encoding="utf-8") as stream:
        header = stream.readline().rstrip("\n").split(",")
    ged = pd.read_csv(path, dtype=str, keep_default_na=False, skiprows=1, names=[*header, "_trailing_comma"])
    events = pd.concat([hdx, ged[~ged["id"].isin(set(hdx["id"]))]], ignore_index=True)
    events = events[["id", "year", "where_prec", "where_coordinates", "adm_1", "adm_2", "latitude", "longitude"]]
    return events.astype({"year": int, "where_prec": int, "latitude": float, "longitude": float})


def fed_event_ids() -> set[str]:
    with gzip.open(ROOT / "data/vendor/ucdp_ged_pak_places.csv.gz", "rt", encoding="utf-8") as stream:
        fed = pd.read_csv(stream, dtype=str)
    return {i for ids in fed["event_ids"] for i in ids.split("|")}, set(fed["name"])


def without_ucdp_layer() -> None:
    """Make geomap's gazetteer the bundled one minus its UCDP rows (for the training split)."""
    from geomap import datasets, gazindex

    full = datasets.gazetteer()
    kept = full[full["layer"] != "ucdp"].reset_index(drop=True)
    index = gazindex.from_arrays(gazindex.build(kept, "no-ucdp"))
    datasets.gazetteer = lambda: kept
    datasets.gazetteer_columns = lambda columns: kept[list(columns)] if columns else kept
    datasets.gazetteer_index = lambda: index


#: How much of each event's own context the geocoder is given: all of it (as from a UCDP or
#: ACLED export), the country and province (as GDELT gives), the country only, or none (a
#: name from running text).
CONTEXTS = {"full": ("country", "adm_1", "adm_2"), "province": ("country", "adm_1"), "country": ("country",),
            "none": ()}


def context_of(events: pd.DataFrame, context: str = "full") -> pd.DataFrame:
    given = CONTEXTS[context]
    return pd.DataFrame({"place": events["where_coordinates"].to_numpy(),
                         "country": "Pakistan" if "country" in given else "",
                         "admin1": events["adm_1"].to_numpy() if "adm_1" in given else "",
                         "admin2": events["adm_2"].to_numpy() if "adm_2" in given else ""})


def geocode_events(events: pd.DataFrame, context: str = "full") -> tuple[pd.DataFrame, float]:
    from geomap import geocode

    frame = context_of(events, context)
    start = time.perf_counter()
    out = geocode(frame)
    seconds = time.perf_counter() - start
    return out.set_index(events.index), seconds


def scores(events: pd.DataFrame, out: pd.DataFrame) -> pd.DataFrame:
    from geomap.geodesy import distance_km

    located = out["latitude"].notna()
    km = np.full(len(out), np.nan)
    got, truth = out.loc[located], events.loc[located]
    km[located.to_numpy()] = distance_km(got["longitude"].to_numpy(), got["latitude"].to_numpy(),
                                         truth["longitude"].to_numpy(), truth["latitude"].to_numpy())
    return out.assign(km=km, where_prec=events["where_prec"].to_numpy(), truth_name=events["where_coordinates"],
                      point_fits_labels=_point_fits_labels(events))


def _point_fits_labels(events: pd.DataFrame) -> np.ndarray:
    """Whether UCDP's own point lies in the province and district its own adm_1/adm_2 name.

    Where it does not ("Sui town", adm_2 Dera Bugti, at a Sui on the Makran coast 790 km away),
    the coordinate and the labels cannot both be right: an answer that fits the labels is
    scored against a point that does not.
    """
    from geomap import datasets
    from geomap.join import locate_admin, locate_units

    geocode = importlib.import_module("geomap.geocode")  # the module; geomap.geocode is also the function

    lon, lat = events["longitude"].to_numpy(), events["latitude"].to_numpy()
    admin = locate_admin(lon, lat, datasets.countries(), datasets.provinces(), datasets.world())
    units = locate_units(lon, lat, admin["province_code"].to_numpy(), datasets.admin_units())
    said_province = events["adm_1"].map(geocode.province_code).to_numpy()
    index = geocode._index()
    said_district = events["adm_2"].map(lambda d: geocode._district_key(d, index)).to_numpy()
    names = [units[c].map(lambda n: geocode.split_kind(n)[0]).to_numpy() for c in ("district", "tehsil",
                                                                                     "former_district")]
    fits_province = (said_province == "") | (said_province == admin["province_code"].to_numpy())
    fits_district = (said_district == "") | np.any([said_district == n for n in names], axis=0)
    return fits_province & fits_district


def report_accuracy(scored: pd.DataFrame, title: str) -> dict:
    lines = [f"\n## {title}: {len(scored):,} events",
             f"{'where_prec':<12}{'events':>8}{'located':>9}{'<=5 km':>9}{'<=25 km':>9}{'<=50 km':>9}"]
    table = {}
    for prec, group in [*scored.groupby("where_prec"), ("all", scored)]:
        km = group["km"]
        row = {"events": len(group), "located": float(km.notna().mean()),
               **{f"within_{d}": float((km <= d).mean()) for d in (5, 25, 50)}}
        table[str(prec)] = row
        lines.append(f"{prec!s:<12}{row['events']:>8,}{row['located']:>9.1%}{row['within_5']:>9.1%}"
                     f"{row['within_25']:>9.1%}{row['within_50']:>9.1%}")
    confident = scored[(scored["geocode_status"] == "matched") & (scored["geocode_confidence"] >= CONFIDENT)
                       & (scored["km"] > 100)]
    matched_far = scored[(scored["geocode_status"] == "matched") & (scored["km"] > 100)]
    truth_off = ~confident["point_fits_labels"]
    lines.append(f"matched > 100 km off: {len(matched_far)}; of them with confidence >= {CONFIDENT}: {len(confident)}, "
                 f"{int(truth_off.sum())} where UCDP's point lies outside its own adm_1/adm_2 "
                 f"(so {int((~truth_off).sum())} confident errors against a self-consistent point)")
    shown = confident.drop_duplicates(["truth_name", "gazetteer_id"])
    for row in shown.head(12).itertuples():
        note = "UCDP's point is outside its own adm_1/adm_2" if not row.point_fits_labels else ""
        lines.append(f"  {row.truth_name!r} -> {row.gazetteer_name} ({row.gazetteer_id}) {row.km:,.0f} km, "
                     f"confidence {row.geocode_confidence:.2f} {note}")
    unmatched = scored.loc[scored["geocode_status"] == "unmatched", "truth_name"].value_counts().head(15)
    lines.append("top unmatched: " + ", ".join(f"{name} ({count})" for name, count in unmatched.items()))
    print("\n".join(lines))
    return {"by_where_prec": table, "matched_over_100km": len(matched_far), "confident_errors": len(confident),
            "confident_errors_point_off_labels": int(truth_off.sum()), "top_unmatched": unmatched.to_dict()}


def report_fuzzy(scored: pd.DataFrame) -> dict:
    """Right (within 25 km) share of corrected spellings by match score: where the floor belongs."""
    fixed = scored[(scored["match_score"] < 100) & scored["km"].notna()]
    bands = pd.cut(fixed["match_score"], [0, 60, 65, 70, 75, 80, 85, 90, 95, 99.99], right=False)
    table = fixed.groupby(bands, observed=True)["km"].agg(events="size", right=lambda k: float((k <= 25).mean()))
    print("\ncorrected spellings by match_score (share within 25 km):")
    print(table.to_string())
    return {str(k): v for k, v in table.to_dict("index").items()}


def report_calibration(scored: pd.DataFrame) -> dict:
    located = scored[scored["km"].notna() & (scored["where_prec"] <= 2)]
    bands = pd.cut(located["geocode_confidence"], [0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0001], right=False)
    table = located.groupby(bands, observed=True).agg(
        answers=("km", "size"), mean_confidence=("geocode_confidence", "mean"),
        within_25_km=("km", lambda k: float((k <= 25).mean())))
    print("\ncalibration (where_prec 1-2): confidence band -> share within 25 km")
    print(table.round(3).to_string())
    return {str(k): v for k, v in table.to_dict("index").items()}


def calibrate(events: pd.DataFrame) -> dict:
    """Fit the logistic confidence on the training split; print the weights for geomap.geocode._CONFIDENCE.

    Each event counts four times: with its full context, with country and province only, with
    the country only and with none -- so the confidence is calibrated for inputs that give
    less context than UCDP does, too.
    """
    module = importlib.import_module("geomap.geocode")
    xs, ys = [], []
    for context in CONTEXTS:
        out, _ = geocode_events(events, context)
        scored = scores(events, out)
        frame = context_of(events, context)
        features = module.evidence(frame["place"].tolist(), frame["country"].tolist(), frame["admin1"].tolist(),
                                   frame["admin2"].tolist())
        located = scored["km"].notna().to_numpy() & (scored["where_prec"] <= 3).to_numpy()
        xs.append(features.loc[located])
        ys.append((scored.loc[located, "km"] <= 25).to_numpy(dtype=float))
    features, y = pd.concat(xs, ignore_index=True), np.concatenate(ys)
    names = list(features.columns)
    x = np.column_stack([np.ones(len(y))] + [features[n].to_numpy() for n in names])
    weights = np.zeros(x.shape[1])
    ridge = np.r_[0, np.full(len(names), 0.5)]  # a little, so a rare feature does not run away
    for _ in range(100):  # Newton's method: a handful of features, some thousands of answers
        p = 1 / (1 + np.exp(-x @ weights))
        gradient = x.T @ (p - y) + ridge * weights
        hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(ridge)
        weights -= np.linalg.solve(hessian, gradient)
    fitted = {"intercept": round(float(weights[0]), 2),
              **{n: round(float(w), 2) for n, w in zip(names, weights[1:], strict=True)}}
    print(f"\nfitted on {len(y)} answers ({y.mean():.1%} within 25 km): _CONFIDENCE = {fitted}")
    print(f"in geomap now: {module._CONFIDENCE}")
    # The logistic score ranks answers well but is off in the middle: a monotone step table
    # (isotonic regression over 20 quantile bins) maps it to the observed share.
    score = 1 / (1 + np.exp(-x @ weights))
    knots = _isotonic_table(score, y)
    print(f"_CALIBRATION = {knots}")
    print(f"in geomap now: {module._CALIBRATION}")
    return {"weights": fitted, "calibration": knots}


def _isotonic_table(score: np.ndarray, right: np.ndarray, bins: int = 20) -> tuple[tuple[float, ...], ...]:
    """(mean score, share right) of quantile bins, made monotone by pooling adjacent violators."""
    order = np.argsort(score, kind="stable")
    groups = [g for g in np.array_split(order, bins) if len(g)]
    blocks = [[float(score[g].mean()), float(right[g].mean()), len(g)] for g in groups]
    merged: list[list[float]] = []
    for block in blocks:
        merged.append(block)
        while len(merged) > 1 and merged[-2][1] > merged[-1][1]:
            (s1, r1, n1), (s2, r2, n2) = merged[-2], merged[-1]
            merged[-2:] = [[(s1 * n1 + s2 * n2) / (n1 + n2), (r1 * n1 + r2 * n2) / (n1 + n2), n1 + n2]]
    return tuple(round(b[0], 3) for b in merged), tuple(round(b[1], 3) for b in merged)


def report_units() -> dict:
    """Every district (AF) and tehsil (PK) geocoded by name; the grid check of the district column."""
    from geomap import datasets, geocode, join
    from geomap.join import containing

    units = datasets.admin_units()
    frame = pd.DataFrame({"place": units["name"], "country": units["country"]})
    out = geocode(frame)
    inside = containing(out["longitude"].fillna(0).to_numpy(), out["latitude"].fillna(0).to_numpy(),
                        units.geometry.to_numpy())
    right = inside == np.arange(len(units))
    # Same-named units (two Arghandab, two Kohistan districts) cannot all be found by a bare name.
    repeated = units.duplicated(["country", "name"], keep=False).to_numpy()
    by_name = {}
    lines = ["\n## districts and tehsils by name (bare name, country given)"]
    for level in ("district", "tehsil"):
        mine = (units["level"] == level).to_numpy()
        share = float(right[mine & ~repeated].mean())
        by_name[level] = {"units": int(mine.sum()), "unique_names": int((mine & ~repeated).sum()), "in_own_polygon":
                          share}
        lines.append(f"{level}: {share:.1%} of {int((mine & ~repeated).sum())} uniquely named units land in their own "
                     f"polygon ({int((mine & repeated).sum())} share a name with another unit)")
        misses = units.loc[mine & ~repeated & ~right, "name"].head(12).tolist()
        lines.append(f"  not in own polygon: {misses}")

    # The grid: every 0.1 degree over both countries; truth = the unit polygon holding the point.
    lon, lat = np.meshgrid(np.arange(60.5, 77.9, 0.1), np.arange(23.6, 38.5, 0.1))
    grid = pd.DataFrame({"latitude": lat.ravel(), "longitude": lon.ravel()})
    joined = join(grid)
    regional = joined["side"].isin(["AF", "PK"]).to_numpy()
    holder = containing(grid["longitude"].to_numpy(), grid["latitude"].to_numpy(), units.geometry.to_numpy())
    truth = np.where(holder >= 0, units["district"].to_numpy(dtype=object)[np.maximum(holder, 0)], "")
    got = joined["district"].fillna("").to_numpy(dtype=object)
    held = regional & (holder >= 0)
    grid_share = float((got[held] == truth[held]).mean())
    approximate = float(joined.loc[regional, "district_approximate"].fillna(False).mean())
    lines.append(f"\n## grid of {int(regional.sum()):,} points in AF/PK (0.1 degree): district = the polygon's for "
                 f"{grid_share:.1%} of the {int(held.sum()):,} inside a polygon; {approximate:.2%} of all marked "
                 "district_approximate (no polygon of their province holds them)")
    print("\n".join(lines))
    return {"by_name": by_name, "grid_points": int(regional.sum()), "grid_right": grid_share,
            "grid_approximate": approximate}


def report_adm2(events: pd.DataFrame) -> dict:
    """UCDP's own adm_1/adm_2 against the province and district geomap finds at UCDP's own point."""
    fits = _point_fits_labels(events[events["adm_2"] != ""])
    share = float(fits.mean())
    print(f"\n## UCDP adm_1/adm_2 vs geomap's province and district (or tehsil, or district before a split) at "
          f"UCDP's own point: {share:.1%} of {len(fits):,} events agree")
    return {"events": len(fits), "agree": share}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=("test", "train"), default="test")
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument("--floor", type=float, help="a fuzzy floor other than geomap.settings.FUZZY_FLOOR (to measure "
                        "how corrections below it fare)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    events = read_ucdp(shared_exports())
    if args.floor is not None:
        from geomap import settings

        settings.FUZZY_FLOOR = args.floor
    fed_ids, fed_names = fed_event_ids()
    train = args.split == "train" or args.calibrate
    if train:
        without_ucdp_layer()
        chosen = events[events["year"] <= LAST_FED_YEAR]
    else:
        chosen = events[events["year"] > LAST_FED_YEAR]
        leaked = set(chosen["id"]) & fed_ids
        assert not leaked, f"held-out events feed the gazetteer: {sorted(leaked)[:5]}"
    out, seconds = geocode_events(chosen)
    scored = scores(chosen, out)
    label = "1989-2010 (training; UCDP layer left out)" if train else "2011-2021 (held out)"
    result = {"split": args.split, "seconds": seconds, "accuracy": report_accuracy(scored, label)}
    if not train:
        unseen = ~chosen["where_coordinates"].isin(fed_names)
        result["unseen_places"] = report_accuracy(scored[unseen.to_numpy()],
                                                  "held out, places the vendored UCDP events never name")
    result["fuzzy"] = report_fuzzy(scored)
    result["calibration"] = report_calibration(scored)
    if args.calibrate:
        result["fitted"] = calibrate(chosen)
    for context in ("province", "country", "none"):
        less, _ = geocode_events(chosen, context)
        print(f"\n### with less context: {context} only")
        result[f"calibration_{context}"] = report_calibration(scores(chosen, less))
    if not train:
        result["units"] = report_units()
        result["adm2"] = report_adm2(events)
    print(f"\ngeocoded {len(chosen):,} events ({chosen['where_coordinates'].nunique():,} distinct names) in "
          f"{seconds:.2f} s")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=str))


if __name__ == "__main__":
    main()
