"""Synthetic inputs for the benchmarks: incidents with coordinates, and noisy place names.

Everything is drawn from a seeded generator, so two runs measure the same data.

- :func:`incidents_with_coordinates`: points as an export of border incidents looks: most
  within 150 km of the Durand Line, the rest spread over Afghanistan, Pakistan and their
  neighbours (some beyond 500 km, where the geodesic refinement matters).
- :func:`incidents_at_places`: the same, but many rows share a point (real exports repeat places).
- :func:`noisy_names`: place names made from the bundled gazetteer's names with the noise
  analysts meet: case, diacritics dropped, transliteration variants, one-character typos,
  kind words that fit the place ("near X" for any, "X village" for a settlement, "X district"
  for a district), and Arabic-script letter variants. Each name carries the gazetteer id it
  was made from, so correctness can be measured.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from unidecode import unidecode

from geomap import datasets
from geomap.geodesy import GEOD
from geomap.normalize import is_arabic, normalize

# (pattern, replacement) pairs that transliterations of Pashto, Dari and Urdu names swap.
TRANSLITERATIONS = [
    ("kh", "x"), ("q", "k"), ("k", "q"), ("ee", "i"), ("i", "ee"), ("oo", "u"), ("u", "oo"), ("w", "v"),
    ("v", "w"), ("gh", "g"), ("ai", "ay"), ("ay", "ai"), ("ou", "u"), ("a", "aa"), ("aa", "a"), ("z", "dh"),
    ("j", "dj"), ("sh", "sch"), ("y", "i"), ("e", "i"), ("o", "u"), ("ph", "f"), ("ck", "k"),
]
# Kind words as reports use them: any place can be "near X"; "X district" names a district, not a village.
KIND_TEMPLATES = {
    "any": ["near {}", "{} area", "outskirts of {}", "in {}", "the {} area"],
    "settlement": ["{} village", "{} town", "{} city"],
    "unit": ["{} district", "{} Tehsil"],
}
_TEMPLATE_FAMILY = {"village": "settlement", "town": "settlement", "city": "settlement", "capital": "settlement",
                    "neighbourhood": "settlement", "district": "unit", "tehsil": "unit", "region": "unit"}
ARABIC_SWAPS = [("ی", "ي"), ("ک", "ك"), ("ه", "ة"), ("ا", "أ")]
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def incidents_with_coordinates(n: int, seed: int = 1) -> pd.DataFrame:
    """``n`` incidents with latitude/longitude: 70 % near the border, 30 % across the region."""
    rng = np.random.default_rng(seed)
    line = np.asarray(datasets.border().geometry.iloc[0].coords)
    near = int(n * 0.7)
    start = line[rng.integers(0, len(line), near)]
    lon, lat, _ = GEOD.fwd(start[:, 0], start[:, 1], rng.uniform(0, 360, near),
                           rng.exponential(40_000, near).clip(0, 150_000))
    wide_lon = rng.uniform(58.0, 80.0, n - near)
    wide_lat = rng.uniform(23.0, 40.0, n - near)
    order = rng.permutation(n)
    return pd.DataFrame({
        "event_id": np.arange(n),
        "latitude": np.round(np.concatenate([lat, wide_lat])[order], 5),
        "longitude": np.round(np.concatenate([lon, wide_lon])[order], 5),
    })


def incidents_at_places(n: int, places: int, seed: int = 3) -> pd.DataFrame:
    """``n`` incidents at only ``places`` distinct points, as exports repeat a district seat or a town."""
    rng = np.random.default_rng(seed)
    sites = incidents_with_coordinates(places, seed=seed)
    # A few places carry most incidents (a Zipf-like share), as in real conflict data.
    weight = 1.0 / np.arange(1, places + 1)
    rows = sites.iloc[rng.choice(places, n, p=weight / weight.sum())].reset_index(drop=True)
    return rows.assign(event_id=np.arange(n))


def _identifying_names() -> pd.DataFrame:
    """(gazetteer_id, name) pairs whose name points at one place, or at places within 10 km of each other.

    A name two far-apart places share ("Khost" the city and the province) cannot be
    resolved right from the name alone, so it is not used to measure correctness.
    """
    places = datasets.gazetteer()
    names = (places["name"] + "|" + places["alt_names"].fillna("")).str.split("|")
    pairs = pd.DataFrame({"gazetteer_id": places["gazetteer_id"], "name": names, "kind": places["kind"],
                          "latitude": places["latitude"], "longitude": places["longitude"]}).explode("name")
    pairs = pairs[pairs["name"].str.len() >= 3]
    pairs["key"] = pairs["name"].map(normalize)
    pairs = pairs[pairs["key"].str.len() >= 3].drop_duplicates(["gazetteer_id", "key"])
    spread = pairs.groupby("key").agg(lat_min=("latitude", "min"), lat_max=("latitude", "max"),
                                      lon_min=("longitude", "min"), lon_max=("longitude", "max"))
    # 0.09 degrees is ~10 km of latitude and ~8 km of longitude here.
    tight = ((spread["lat_max"] - spread["lat_min"]) < 0.09) & ((spread["lon_max"] - spread["lon_min"]) < 0.09)
    return pairs[pairs["key"].map(tight)].drop_duplicates("key").reset_index(drop=True)


def _typo(name: str, rng: np.random.Generator) -> str:
    if len(name) < 6:
        return name
    i = int(rng.integers(1, len(name) - 1))  # first letters are rarely mistyped
    kind = rng.integers(0, 4)
    if kind == 0:
        return name[:i] + name[i + 1:]
    if kind == 1:
        return name[:i] + _LETTERS[rng.integers(0, 26)] + name[i:]
    if kind == 2:
        return name[:i] + _LETTERS[rng.integers(0, 26)] + name[i + 1:]
    return name[:i] + name[i + 1] + name[i] + name[i + 2:]


def _transliterate(name: str, rng: np.random.Generator) -> str:
    lowered = name.lower()
    options = [(a, b) for a, b in TRANSLITERATIONS if a in lowered]
    if not options:
        return name
    a, b = options[rng.integers(0, len(options))]
    return re.sub(a, b, lowered, count=1)


def _arabic_variant(name: str, rng: np.random.Generator) -> str:
    out = name
    for a, b in ARABIC_SWAPS:
        if a in out and rng.random() < 0.6:
            out = out.replace(a, b)
    if rng.random() < 0.3:
        out = out[:1] + "ـ" + out[1:]  # tatweel
    if rng.random() < 0.3:
        out = out + "\u064e"  # a vowel mark
    return out


def _template(kind: str, rng: np.random.Generator) -> str:
    templates = KIND_TEMPLATES["any"] + KIND_TEMPLATES.get(_TEMPLATE_FAMILY.get(kind, ""), [])
    return templates[rng.integers(0, len(templates))]


def _noisy(name: str, kind: str, rng: np.random.Generator) -> str:
    if is_arabic(name):
        return _arabic_variant(name, rng)
    choice = rng.integers(0, 6)
    if choice == 0:
        return [name.upper(), name.lower(), name.title()][rng.integers(0, 3)]
    if choice == 1:
        return unidecode(name)
    if choice == 2:
        return _transliterate(name, rng)
    if choice == 3:
        return _typo(name, rng)
    if choice == 4:
        return _template(kind, rng).format(name)
    # Two kinds of noise at once: a kind word around a misspelt name.
    return _template(kind, rng).format(_transliterate(name, rng).title())


def noisy_names(n: int, unique: int, seed: int = 2) -> pd.DataFrame:
    """``n`` rows naming places, ``~unique`` distinct spellings, each with the gazetteer id it came from."""
    rng = np.random.default_rng(seed)
    source = _identifying_names()
    picks = source.iloc[rng.integers(0, len(source), unique * 2)]
    variants = pd.DataFrame({
        "place": [_noisy(name, kind, rng) for name, kind in zip(picks["name"], picks["kind"], strict=True)],
        "gazetteer_id": picks["gazetteer_id"].to_numpy(),
        "latitude": picks["latitude"].to_numpy(), "longitude": picks["longitude"].to_numpy(),
    }).drop_duplicates("place").head(unique).reset_index(drop=True)
    rows = variants.iloc[rng.integers(0, len(variants), n)].reset_index(drop=True)
    return rows.rename(columns={"gazetteer_id": "true_id", "latitude": "true_latitude",
                                "longitude": "true_longitude"})
