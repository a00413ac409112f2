"""What `geomap extract` finds with the whole dense gazetteer, beside the layers it searched before it, on real text.

``python benchmarks/run.py extract_lexicon [--skip-corpora]``

The dense gazetteer (116,061 places: 110,000 WOF/GeoNames villages, district and tehsil
polygons, UCDP places) brings border villages into reach, and with them homonyms and
village names that are everyday words. This scores, in one run, the extractor as shipped
(every place of the gazetteer) and the same extractor restricted to the layers it searched
before the dense gazetteer (regional towns, world cities, curated places, provinces,
countries and districts: what the merge of the two branches first kept it to), on:

* real border text nobody here wrote: the place descriptions UCDP coders wrote
  (``where_description``) and the source headlines of UCDP GED events in Pakistan of
  2011-2021 with a precise location (``where_prec`` 1-2), from ``../shared/data/exports/``.
  The UCDP layer of the gazetteer holds the places of events up to 2010 only, so these
  events are held out. There are no gold spans: a text counts as found when a mention lies
  within 25 km of the coders' own point; a point place (not a country, province, region,
  district, tehsil or valley) more than 100 km from it counts as a wrong place;
* the development set and the GeoVirus and TR-News corpora (``geomap evaluate``'s scores).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
# shared/ sits beside the checkout (a work tree may be deeper): the first one above it.
SHARED = next((p / "shared" / "data" for p in ROOT.parents if (p / "shared" / "data").is_dir()),
              ROOT.parent / "shared" / "data")
UCDP = SHARED / "exports" / "ucdp_ged_pak_hdx.csv"
SETS = {"dev set": ROOT / "tests" / "data" / "extract_dev.json", "GeoVirus": SHARED / "news" / "geovirus.jsonl",
        "TR-News": SHARED / "news" / "trnews.jsonl"}
HELD_OUT_FROM = 2011
WITHIN_KM, WRONG_KM = 25.0, 100.0
_BROAD = {"country", "province", "region", "continent", "border", "district", "tehsil", "valley"}
#: The layers extract searched before the dense gazetteer (and the districts), as the merge first kept it.
_EARLIER_LAYERS = ("regional", "world", "curated")


def _restrict_to_earlier_layers() -> None:
    """Make the extractor see only the earlier layers' places (and its own regions)."""
    from geomap.extract import toponyms

    toponyms._lexicon.cache_clear()
    places = toponyms._lexicon().index.places
    layer, kind = places["layer"].to_numpy(dtype=object), places["kind"].to_numpy(dtype=object)
    kept = np.isin(layer, _EARLIER_LAYERS) | ((layer == "admin") & (kind == "district")) \
        | places["gazetteer_id"].str.startswith("geomap-extract:").to_numpy()
    every = toponyms._candidates

    def earlier(lex, key, position=None):
        rows, whole, primary = every(lex, key, position)
        chosen = kept[rows]
        return rows[chosen], whole[chosen], primary[chosen]

    toponyms._candidates = earlier


def _ucdp_texts() -> pd.DataFrame:
    events = pd.read_csv(UCDP, skiprows=[1], low_memory=False)  # the second line is HDX's hashtag row
    return events[(events["year"] >= HELD_OUT_FROM) & (events["where_prec"] <= 2)]


def _score_texts(texts: pd.Series, lat: np.ndarray, lon: np.ndarray) -> dict:
    import geomap
    from geomap.geodesy import distance_km

    counted = found = near = mentions = wrong = unplaced = 0
    for text, y, x in zip(texts.fillna(""), lat, lon, strict=True):
        if not text.strip():
            continue
        counted += 1
        m = geomap.extract(text, report_date="2015-01-01").mentions
        mentions += len(m)
        found += bool(len(m))
        km = distance_km(m["longitude"].to_numpy(float), m["latitude"].to_numpy(float), x, y)
        near += bool(np.any(km <= WITHIN_KM))
        wrong += int(((km > WRONG_KM) & ~m["feature_kind"].isin(_BROAD).to_numpy()).sum())
        unplaced += int((~np.isfinite(m["latitude"].to_numpy(float))).sum())
    return {"texts": counted, "with a mention": found / counted, f"one within {WITHIN_KM:.0f} km": near / counted,
            "mentions": mentions, f"point places > {WRONG_KM:.0f} km off": wrong, "unplaced": unplaced}


def _measure(lexicon: str, skip_corpora: bool) -> tuple[list[dict], list[dict]]:
    from geomap.evaluate import evaluate

    border, scored = [], []
    events = _ucdp_texts()
    for column, label in (("where_description", "UCDP place descriptions"), ("source_headline", "UCDP headlines")):
        started = time.perf_counter()
        scores = _score_texts(events[column], events["latitude"].to_numpy(float), events["longitude"].to_numpy(float))
        border.append({"text": label, "lexicon": lexicon, **scores, "seconds": time.perf_counter() - started})
    for label, path in SETS.items():
        if skip_corpora and label != "dev set":
            continue
        table = evaluate(path, systems=("geomap",)).set_index("subset")
        for subset, row in table.iterrows():
            if label == "dev set" and subset == "all":
                continue
            scored.append({"text": label if subset == path.stem else f"{label}, {subset}", "lexicon": lexicon,
                           "precision": row["precision"], "recall": row["recall"], "f1": row["f1"],
                           "acc@161 km": row["acc_161km"], "predicted": row["predicted"]})
    return border, scored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-corpora", action="store_true", help="score the dev set only, not GeoVirus/TR-News")
    args = parser.parse_args()
    if not UCDP.exists():
        raise SystemExit(f"needs the UCDP export at {UCDP} (a shared/ folder above the checkout)")
    import geomap

    geomap.extract("Clashes hit Kurram.", report_date="2025-10-29")  # warm-up: index loaded, automaton built
    border, scored = _measure("dense (shipped)", args.skip_corpora)
    _restrict_to_earlier_layers()
    earlier = _measure("earlier layers", args.skip_corpora)
    for rows in (border + earlier[0], scored + earlier[1]):
        table = pd.DataFrame(rows).sort_values(["text", "lexicon"], kind="stable")
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        print()


if __name__ == "__main__":
    main()
