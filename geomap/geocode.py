"""Place names to coordinates, offline, against the bundled gazetteer.

Recipe: normalise each distinct name once -> exact match on every name and alternate name
-> fuzzy match (rapidfuzz, batched) on what is left -> choose among candidates by the kind
word in the name, the row's country and province context, and each place's importance.
Every input row comes back, with a ``geocode_status``:

``given``      the row already had valid coordinates; they are kept
``matched``    one reading of the name clearly wins
``ambiguous``  two readings far apart score alike; the better is used, and flagged
``unmatched``  no candidate; coordinates stay empty
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from geomap import datasets, settings
from geomap.errors import InputError
from geomap.geodesy import distance_km
from geomap.normalize import is_arabic, normalize, split_kind

GEOCODE_COLUMNS = [
    "latitude", "longitude", "geo_precision", "gazetteer_id", "gazetteer_name", "feature_kind",
    "match_score", "geocode_status",
]

# Which gazetteer kinds a kind word in the query asks for.
_KIND_FAMILY = {
    "crossing": {"crossing", "pass"}, "pass": {"pass", "crossing"}, "province": {"province"},
    "district": {"district", "tehsil", "region"}, "tehsil": {"tehsil", "district"},
    "valley": {"valley", "region", "district"}, "post": {"post", "village", "town"},
    "city": {"capital", "city", "town"}, "town": {"town", "city", "village", "capital"},
    "village": {"village", "town"}, "region": {"region", "district", "valley", "province"},
}
_FUZZY_CHUNK = 256
_MIN_FUZZY_LENGTH = 4
# Phonetic forms shorter than this are not matched with a letter changed: too many collide.
_MIN_TYPO_LENGTH = 5


@dataclass(frozen=True)
class _Index:
    places: pd.DataFrame
    keys: list[str]
    candidates: dict[str, np.ndarray]
    # Per key, whether each candidate carries the key as a whole name (not only once a
    # kind word was stripped from it: "Nawa" is not the whole name of "Nawa Pass").
    whole: dict[str, np.ndarray]
    latin_keys: list[str]
    arabic_keys: list[str]
    country_of: np.ndarray
    province_of: np.ndarray
    # Spelling-tolerant lookups: phonetic form -> keys, and one-letter deletions of a
    # phonetic form -> phonetic forms (a symmetric-delete index: no scan of all keys).
    phonetic: dict[str, list[str]]
    deletes: dict[str, list[str]]
    importance: np.ndarray
    kind_code: np.ndarray


@lru_cache(maxsize=1)
def _index() -> _Index:
    places = datasets.gazetteer().reset_index(drop=True)
    keys, starts, rows, whole_rows, sounds = _gazetteer_keys()
    bounds = list(zip(starts.tolist(), [*starts[1:].tolist(), len(rows)], strict=True))
    candidates = {key: rows[a:b] for key, (a, b) in zip(keys, bounds, strict=True)}
    whole = {key: whole_rows[a:b] for key, (a, b) in zip(keys, bounds, strict=True)}
    latin_keys = [k for k in keys if not is_arabic(k) and len(k) >= _MIN_FUZZY_LENGTH]
    phonetic: dict[str, list[str]] = {}
    for key, form in zip(latin_keys, sounds, strict=True):
        phonetic.setdefault(form, []).append(key)
    deletes: dict[str, list[str]] = {}
    for form in phonetic:
        for variant in _deletions(form):
            deletes.setdefault(variant, []).append(form)
    importance = places["importance"].to_numpy(dtype=float) + np.where(places["layer"].to_numpy() != "world", 0.15, 0)
    return _Index(
        places=places, keys=keys, candidates=candidates, whole=whole, latin_keys=latin_keys,
        arabic_keys=[k for k in keys if is_arabic(k)],
        country_of=places["country"].to_numpy(dtype=object),
        province_of=places["province"].fillna("").map(normalize).to_numpy(dtype=object),
        phonetic=phonetic, deletes=deletes, importance=importance,
        kind_code=np.array([_KINDS.index(k) if k in _KINDS else len(_KINDS) for k in places["kind"]]),
    )


def _gazetteer_keys() -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Every normalised key of the gazetteer, with its rows; from the disk cache when this gazetteer and code made it.

    Returns the sorted keys, where each key's rows start, the rows, whether the key is the
    row's whole name, and the phonetic form of each Latin key of fuzzy-matching length.
    """
    from geomap import cache

    built = cache.cached_arrays("gazetteer-keys", lambda: dict(zip(_KEY_PARTS, _build_keys(), strict=True)),
                                datasets.manifest()["gazetteer.parquet"].encode(), (__name__, "geomap.normalize"))
    return tuple(built[part] for part in _KEY_PARTS)


_KEY_PARTS = ("keys", "starts", "rows", "whole", "sounds")


def _build_keys() -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, list[str]]:
    places = datasets.gazetteer().reset_index(drop=True)
    names = places["name"] + "|" + places["alt_names"].fillna("")
    long = names.str.split("|").explode()
    long = long[long.str.len() > 0]
    full = long.map(normalize)
    stripped = long.map(lambda n: split_kind(n)[0])
    keyed = pd.DataFrame({"key": pd.concat([full, stripped]), "row": np.concatenate([long.index, long.index]),
                          "whole": np.repeat([True, False], len(long))})
    keyed = keyed[keyed["key"].str.len() > 1]
    keyed = keyed.groupby(["key", "row"], as_index=False, sort=True)["whole"].max()
    keys, starts = np.unique(keyed["key"].to_numpy(dtype=object), return_index=True)
    keys = keys.tolist()
    sounds = [sound(k) for k in keys if not is_arabic(k) and len(k) >= _MIN_FUZZY_LENGTH]
    return keys, starts, keyed["row"].to_numpy(), keyed["whole"].to_numpy(), sounds


# Spellings that transliterations of Pashto, Dari, Urdu (and English, French, German
# exonyms) swap freely: folded away in the phonetic form. Order matters ("sch" before "sh").
_SOUND_FOLDS = [("sch", "s"), ("kh", "x"), ("qh", "x"), ("gh", "g"), ("sh", "s"), ("ch", "C"), ("ph", "f"), ("dh", "d"),
                ("th", "t"), ("ck", "k"), ("dj", "j"), ("c", "k"), ("C", "c"), ("q", "k"), ("w", "v"), ("y", "i"),
                ("ee", "i"), ("oo", "u"), ("ou", "u"), ("e", "i"), ("o", "u")]
_REPEATS = re.compile(r"(.)\1+")
_NOT_LETTER = re.compile(r"[^a-zC]")
_KINDS = ["capital", "city", "town", "village", "province", "district", "tehsil", "region", "valley", "crossing",
          "pass", "post", "country"]


def sound(key: str) -> str:
    """Phonetic form of a normalised Latin key: ``'khowst'`` and ``'xost'`` both give ``'xust'``."""
    text = _NOT_LETTER.sub("", key)
    for written, folded in _SOUND_FOLDS:
        text = text.replace(written, folded)
    return _REPEATS.sub(r"\1", text)


def _deletions(form: str) -> set[str]:
    return {form[:i] + form[i + 1:] for i in range(len(form))} if len(form) >= _MIN_TYPO_LENGTH else set()


def geocode(incidents: pd.DataFrame, place_column: str | None = None, country_column: str | None = None,
            province_column: str | None = None) -> pd.DataFrame:
    """Add coordinates and match details to every row of ``incidents``.

    Parameters
    ----------
    incidents
        Frame from :func:`geomap.load` (or any frame with a place-name column). Rows that
        already have valid ``latitude``/``longitude`` keep them (status ``given``).
    place_column, country_column, province_column
        Column names; default to :mod:`geomap.settings`. The context columns are optional:
        when present, a candidate in the named country or province is preferred.

    Returns
    -------
    pandas.DataFrame
        A new frame, same rows and order, plus :data:`GEOCODE_COLUMNS`.
    """
    place_column = place_column or settings.PLACE_COLUMN
    country_column = country_column or settings.COUNTRY_COLUMN
    province_column = province_column or settings.PROVINCE_COLUMN
    has_coords = {"latitude", "longitude"} <= set(incidents.columns)
    if place_column not in incidents.columns and not has_coords:
        raise InputError(f"no place column {place_column!r} and no latitude/longitude to use; "
                         f"columns found: {', '.join(map(str, incidents.columns)) or 'none'}")

    out = incidents.copy()
    given = _given_mask(out) if has_coords else np.zeros(len(out), dtype=bool)
    queries = pd.DataFrame({
        "place": out[place_column] if place_column in out else pd.Series("", index=out.index),
        "country": _context(out, country_column),
        "province": _context(out, province_column),
    }).fillna("")
    queries["place"] = queries["place"].astype(str)
    # Each distinct (place, country, province) is resolved once; rows with coordinates are not looked up.
    query = _combined_codes(queries)
    query[given] = -1
    repeat, distinct = pd.factorize(query)
    first = np.unique(repeat, return_index=True)[1]  # codes number distinct queries in order of first row
    wanted = distinct >= 0
    unique = queries.iloc[first[wanted]]
    resolved = resolve(unique["place"].tolist(), unique["country"].tolist(), unique["province"].tolist())
    slot = np.full(len(distinct), -1, dtype=np.int64)
    slot[wanted] = np.arange(wanted.sum())
    looked_up = resolved.reset_index(drop=True).reindex(slot[repeat])  # -1 (given rows): all empty
    looked_up.index = out.index

    for column in GEOCODE_COLUMNS:
        if column in ("latitude", "longitude") and has_coords:
            existing = pd.to_numeric(out[column], errors="coerce")
            out[column] = np.where(given, existing, looked_up[column])
        else:
            out[column] = looked_up[column]
    out.loc[given, "geocode_status"] = "given"
    out.loc[given, "match_score"] = np.nan
    if "geo_precision" in incidents.columns:
        out.loc[given, "geo_precision"] = pd.to_numeric(incidents.loc[given, "geo_precision"], errors="coerce")
    else:
        out.loc[given, "geo_precision"] = 1
    for column in ("gazetteer_id", "gazetteer_name", "feature_kind"):
        out.loc[given, column] = out.loc[given, column].where(out.loc[given, column].notna(), "")
    out["latitude"] = pd.to_numeric(out["latitude"])
    out["longitude"] = pd.to_numeric(out["longitude"])
    out["geo_precision"] = pd.to_numeric(out["geo_precision"]).astype("Int8")
    return out


def _combined_codes(frame: pd.DataFrame) -> np.ndarray:
    """One integer per row, equal for rows whose columns are all equal."""
    combined = np.zeros(len(frame), dtype=np.int64)
    for column in frame.columns:
        codes, uniques = pd.factorize(frame[column])
        combined = pd.factorize(combined * (len(uniques) + 1) + codes)[0]  # re-coded: never overflows
    return combined


def _given_mask(frame: pd.DataFrame) -> np.ndarray:
    lat = pd.to_numeric(frame["latitude"], errors="coerce")
    lon = pd.to_numeric(frame["longitude"], errors="coerce")
    return (np.isfinite(lat) & np.isfinite(lon) & (lat.abs() <= 90) & (lon.abs() <= 180)).to_numpy()


def _context(frame: pd.DataFrame, column: str) -> pd.Series:
    if column in frame.columns:
        return frame[column].astype("string").fillna("")
    return pd.Series("", index=frame.index, dtype="string")


def resolve(places: list[str], countries: list[str] | None = None, provinces: list[str] | None = None) -> pd.DataFrame:
    """Geocode a list of names (one result row per name, in order).

    This is the engine behind :func:`geocode`; it expects distinct queries and does no
    de-duplication of its own. Names are matched exactly, then by phonetic form
    (transliteration variants), then with one letter changed in the phonetic form (typos),
    then by fuzzy ratio; the candidates of every name are then ranked at once.
    """
    countries = countries or [""] * len(places)
    provinces = provinces or [""] * len(places)
    index = _index()
    parsed = [split_kind(p) for p in places]
    matched = _match(sorted({key for key, _ in parsed if key}), index)
    keys = [matched.get(key, (None, 0.0)) for key, _ in parsed]
    country_codes = {c: _country_code(c) for c in set(countries)}  # a handful of distinct values
    province_keys = {p: normalize(p) for p in set(provinces)}
    return _choose_all([k for k, _ in keys], np.array([score for _, score in keys]), [kind for _, kind in parsed],
                       [country_codes[c] for c in countries], [province_keys[p] for p in provinces], index)


def _match(keys: list[str], index: _Index) -> dict[str, tuple[str, float]]:
    """Gazetteer key and match score (0-100) for each distinct query key that can be matched."""
    found = {key: (key, 100.0) for key in keys if key in index.candidates}
    misses = [key for key in keys if key not in found and not is_arabic(key) and len(key) >= _MIN_FUZZY_LENGTH]
    for key in misses:
        best = _by_sound(key, index)
        if best is not None:
            found[key] = best
    found.update(_fuzzy([key for key in keys if key not in found], index))
    return found


def _by_sound(key: str, index: _Index) -> tuple[str, float] | None:
    """Same phonetic form, else a phonetic form one edit away; the closest spelling wins."""
    form = sound(key)
    forms = [form] if form in index.phonetic else []
    if not forms and len(form) >= _MIN_TYPO_LENGTH:
        near = {f for variant in _deletions(form) | {form} for f in index.deletes.get(variant, ())}
        near.update(index.phonetic.keys() & _deletions(form))
        # Sorted: a set's order follows the hash seed, and ties below must not.
        forms = sorted(f for f in near if OSA.distance(form, f) <= 1)
    if not forms:
        return None
    spellings = [k for f in forms for k in index.phonetic[f]]
    ratios = [fuzz.ratio(key, k) for k in spellings]
    best = int(np.argmax(ratios))
    return spellings[best], float(ratios[best])


def _choose_all(keys: list[str | None], match_scores: np.ndarray, kinds: list[str], countries: list[str],
                provinces: list[str], index: _Index) -> pd.DataFrame:
    """Rank every query's candidates at once (the same scores as :func:`_score`) and keep the best."""
    places = index.places
    counts = np.array([0 if k is None else len(index.candidates[k]) for k in keys], dtype=np.int64)
    query = np.repeat(np.arange(len(keys)), counts)
    found = [k for k in keys if k is not None]
    rows = np.concatenate([index.candidates[k] for k in found]) if found else np.array([], dtype=np.int64)
    whole = np.concatenate([index.whole[k] for k in found]) if found else np.array([], dtype=bool)
    kind = np.asarray(kinds, dtype=object)[query]
    country = np.asarray(countries, dtype=object)[query]
    province = np.asarray(provinces, dtype=object)[query]

    score = index.importance[rows].copy()
    hinted = kind != ""
    wanted = _KIND_ALLOWED[np.array([_KINDS.index(k) if k in _KINDS else len(_KINDS) for k in kind], dtype=np.int64),
                           index.kind_code[rows]] if len(rows) else np.zeros(0, dtype=bool)
    score += np.where(hinted, np.where(wanted, 0.6, -0.3), np.where(whole, 0.0, -0.3))
    score += np.where(country != "", np.where(index.country_of[rows] == country, 0.5, -0.5), 0.0)
    score += np.where(province != "", np.where(index.province_of[rows] == province, 0.3, -0.1), 0.0)

    order = np.lexsort((-score, query))  # stable: equal scores keep the gazetteer's order
    first = np.concatenate([[0], np.cumsum(counts)])[:-1][counts > 0]
    best_rows = rows[order][first]
    has_runner = counts[counts > 0] > 1
    runner_rows = rows[order][np.minimum(first + 1, len(rows) - 1)]
    gap = score[order][first] - score[order][np.minimum(first + 1, len(rows) - 1)]
    lon, lat = places["longitude"].to_numpy(dtype=float), places["latitude"].to_numpy(dtype=float)
    far = distance_km(lon[best_rows], lat[best_rows], lon[runner_rows], lat[runner_rows]) > settings.AMBIGUOUS_KM
    ambiguous = has_runner & (gap < settings.AMBIGUOUS_MARGIN) & far

    out = pd.DataFrame({
        "latitude": np.nan, "longitude": np.nan, "geo_precision": pd.array([pd.NA] * len(keys), dtype="Int64"),
        "gazetteer_id": "", "gazetteer_name": "", "feature_kind": "", "match_score": np.nan,
        "geocode_status": "unmatched"}, index=range(len(keys)))
    hit = np.flatnonzero(counts > 0)
    # A corrected spelling that lands outside the row's own country is more likely another place than a typo
    # ("Razmak, Pakistan" is not the Afghan village "Ramak"): such a row stays unmatched.
    asked = np.asarray(countries, dtype=object)[hit]
    elsewhere = (match_scores[hit] < 100) & (asked != "") & (index.country_of[best_rows] != asked)
    hit, best_rows, ambiguous = hit[~elsewhere], best_rows[~elsewhere], ambiguous[~elsewhere]
    out.loc[hit, "latitude"] = lat[best_rows]
    out.loc[hit, "longitude"] = lon[best_rows]
    out.loc[hit, "geo_precision"] = places["precision"].to_numpy()[best_rows].astype(np.int64)
    for column, source in (("gazetteer_id", "gazetteer_id"), ("gazetteer_name", "name"), ("feature_kind", "kind")):
        out.loc[hit, column] = places[source].to_numpy(dtype=object)[best_rows]
    out.loc[hit, "match_score"] = np.round(match_scores[hit], 1)
    out.loc[hit, "geocode_status"] = np.where(ambiguous, "ambiguous", "matched")
    return out[GEOCODE_COLUMNS]


def _fuzzy(misses: list[str], index: _Index) -> dict[str, tuple[str, float]]:
    """Best fuzzy key for each missed name, scored 0-100; batched over all misses at once.

    A close spelling is accepted outright (score >= ``settings.FUZZY_CUTOFF``); a looser one
    only when its consonant skeleton agrees too, which is how transliterations differ
    ("Peshawer"/"Peshawar", "Khst"/"Khost") while different places differ in consonants
    ("Razmak"/"Ramak").
    """
    found: dict[str, tuple[str, float]] = {}
    for script_keys, queries in ((index.arabic_keys, [m for m in misses if is_arabic(m)]),
                                 (index.latin_keys, [m for m in misses if not is_arabic(m)
                                                     and len(m) >= _MIN_FUZZY_LENGTH])):
        if not queries or not script_keys:
            continue
        for start in range(0, len(queries), _FUZZY_CHUNK):
            chunk = queries[start:start + _FUZZY_CHUNK]
            scores = process.cdist(chunk, script_keys, scorer=fuzz.token_sort_ratio,
                                   score_cutoff=settings.FUZZY_LOOSE_CUTOFF, dtype=np.uint8, workers=-1)
            for query, row in zip(chunk, scores, strict=True):
                match = _accept(query, row, script_keys)
                if match is not None:
                    found[query] = match
    return found


def _accept(query: str, row: np.ndarray, keys: list[str]) -> tuple[str, float] | None:
    for column in np.flatnonzero(row)[np.argsort(-row[np.flatnonzero(row)], kind="stable")]:
        score = float(row[column])
        if score >= settings.FUZZY_CUTOFF:
            return keys[column], score
        if fuzz.token_sort_ratio(_skeleton(query), _skeleton(keys[column])) >= _SKELETON_CUTOFF:
            return keys[column], score
    return None


_VOWELS = re.compile(r"[aeiouyhw]+")
_REPEATS = re.compile(r"(.)\1+")
_SKELETON_CUTOFF = 90


def _skeleton(name: str) -> str:
    """Consonants only, doubled letters folded: 'peshawer' -> 'psr', 'khost' -> 'kst'."""
    return " ".join(_REPEATS.sub(r"\1", _VOWELS.sub("", word)) or word for word in name.split())


def _country_code(value: str) -> str:
    text = normalize(value)
    if len(text) == 2:
        return text.upper()
    return _COUNTRY_NAMES.get(text, "")


_COUNTRY_NAMES = {"afghanistan": "AF", "pakistan": "PK", "iran": "IR", "india": "IN", "china": "CN",
                  "qatar": "QA", "turkey": "TR", "turkiye": "TR", "saudi arabia": "SA", "tajikistan": "TJ",
                  "united arab emirates": "AE", "uae": "AE", "afghan": "AF", "pakistani": "PK"}


def _score(rows: np.ndarray, whole: np.ndarray, kind: str, country: str, province: str, index: _Index) -> np.ndarray:
    places = index.places.iloc[rows]
    score = places["importance"].to_numpy(dtype=float).copy()
    score += np.where(places["layer"].to_numpy() != "world", 0.15, 0.0)
    if kind:
        wanted = _KIND_FAMILY.get(kind, {kind})
        score += np.where(places["kind"].isin(wanted).to_numpy(), 0.6, -0.3)
    else:
        score -= np.where(whole, 0.0, 0.3)
    if country:
        score += np.where(index.country_of[rows] == country, 0.5, -0.5)
    if province:
        score += np.where(index.province_of[rows] == province, 0.3, -0.1)
    return score


def search(query: str, limit: int = 10) -> pd.DataFrame:
    """Ranked gazetteer candidates for one name: exact readings first, then close spellings.

    Returns a frame with ``gazetteer_id``, ``name``, ``kind``, ``country``, ``province``,
    ``latitude``, ``longitude``, ``match_score`` (0-100), ``rank_score`` and ``source``.
    """
    if not isinstance(query, str) or not query.strip():
        raise InputError(f"search needs a place name, got {query!r}")
    index = _index()
    key, kind = split_kind(query)
    keys = index.arabic_keys if is_arabic(key) else index.latin_keys
    hits = process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=75, limit=limit * 3)
    scored: dict[int, tuple[float, bool]] = {}
    for matched_key, score in [(key, 100.0)] * (key in index.candidates) + [(k, s) for k, s, _ in hits]:
        for row, whole in zip(index.candidates[matched_key], index.whole[matched_key], strict=True):
            scored.setdefault(int(row), (float(score), bool(whole)))
    if not scored:
        return pd.DataFrame(columns=["gazetteer_id", "name", "kind", "country", "province", "latitude",
                                     "longitude", "match_score", "rank_score", "source"])
    rows = np.fromiter(scored, dtype=np.int64)
    match = np.array([m for m, _ in scored.values()])
    whole = np.array([w for _, w in scored.values()])
    # Spelling comes first: a 75 % match must not outrank an exact one for being a capital.
    rank = _score(rows, whole, kind, "", "", index) + 5.0 * (match / 100.0 - 1.0)
    found = index.places.iloc[rows].assign(match_score=match, rank_score=np.round(rank, 3))
    found = found.sort_values(["rank_score", "match_score"], ascending=False).head(limit)
    return found[["gazetteer_id", "name", "kind", "country", "province", "latitude", "longitude", "match_score",
                  "rank_score", "source"]].reset_index(drop=True)


# _KIND_ALLOWED[hint, kind]: whether a place of that kind answers a name with that kind word.
_KIND_ALLOWED = np.zeros((len(_KINDS) + 1, len(_KINDS) + 1), dtype=bool)
for _hint, _hint_code in ((h, i) for i, h in enumerate(_KINDS)):
    for _kind in _KIND_FAMILY.get(_hint, {_hint}):
        if _kind in _KINDS:
            _KIND_ALLOWED[_hint_code, _KINDS.index(_kind)] = True
