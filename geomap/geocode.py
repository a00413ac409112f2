"""Place names to coordinates, offline, against the bundled gazetteer.

Recipe: normalise each distinct name once -> exact match on every name and alternate name
-> the same phonetic form (transliteration variants) -> a phonetic form one or two edits
away (typos), kept only from :data:`geomap.settings.FUZZY_FLOOR` up -> rank every
candidate by the row's own context (country, province, district), the kind word in the
name and each place's kind and importance -> a calibrated confidence for the winner.
Every input row comes back, with a ``geocode_status``:

``given``      the row already had valid coordinates; they are kept
``matched``    one reading of the name clearly wins
``ambiguous``  two readings far apart score alike; the better is used, ``runner_up`` names the other
``unmatched``  no candidate good enough; coordinates stay empty
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import permutations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from geomap import datasets, settings
from geomap.errors import InputError
from geomap.gazindex import MIN_TYPO_LENGTH, NameIndex, has_form, sound
from geomap.geodesy import distance_km
from geomap.normalize import is_arabic, normalize, split_kind

GEOCODE_COLUMNS = [
    "latitude", "longitude", "geo_precision", "gazetteer_id", "gazetteer_name", "feature_kind",
    "match_score", "geocode_confidence", "geocode_status", "runner_up",
]
_NUMERIC_COLUMNS = {"latitude", "longitude", "geo_precision", "match_score", "geocode_confidence"}

_KINDS = ["capital", "city", "town", "village", "neighbourhood", "province", "district", "tehsil", "region", "valley",
          "crossing", "pass", "post", "country"]
# Which gazetteer kinds a kind word in the query asks for.
_KIND_FAMILY = {
    "crossing": {"crossing", "pass"}, "pass": {"pass", "crossing"}, "province": {"province"},
    "district": {"district", "tehsil", "region"}, "tehsil": {"tehsil", "district"},
    "valley": {"valley", "region", "district", "tehsil"}, "post": {"post", "village", "town", "neighbourhood"},
    "city": {"capital", "city", "town", "neighbourhood"},
    "town": {"town", "city", "village", "capital", "neighbourhood"}, "village": {"village", "town", "neighbourhood"},
    "region": {"region", "district", "tehsil", "valley", "province"},
}
_PLACE_COLUMNS = ["gazetteer_id", "name", "kind", "country", "province", "province_code", "district", "tehsil",
                  "former_district", "latitude", "longitude", "precision", "importance", "layer"]
# Kinds that answer a name written as a unit ("X district", "X tehsil", "X province").
_ADMIN_CODES = [_KINDS.index(k) for k in ("province", "district", "tehsil", "region", "valley", "country")]
# Places that may stand for a name even when the row says another country: a city or a region
# is named in reports from elsewhere, a village hardly ever.
_SMALL_KINDS = {"village", "neighbourhood", "post"}


@dataclass(frozen=True)
class _Index:
    places: pd.DataFrame
    names: NameIndex
    lon: np.ndarray
    lat: np.ndarray
    country_of: np.ndarray
    province_of: np.ndarray
    district_of: np.ndarray  # folded district name of each place ("" outside AF/PK)
    tehsil_of: np.ndarray
    former_of: np.ndarray  # the district before a split since ~2018 ("south waziristan"), else ""
    district_keys: tuple[str, ...]  # every folded district, tehsil and former district name, sorted
    kind_code: np.ndarray
    importance: np.ndarray
    is_world: np.ndarray
    is_small: np.ndarray
    precision: np.ndarray


@lru_cache(maxsize=1)
def _index() -> _Index:
    return index_of(datasets.gazetteer_columns(tuple(_PLACE_COLUMNS)), datasets.gazetteer_index())


def index_of(places: pd.DataFrame, names: NameIndex) -> _Index:
    """What the ranking reads of each place (columns :data:`_PLACE_COLUMNS`), with ``names`` as its name index.

    ``places`` may hold rows after the gazetteer's (the text extractor adds the regions news
    names): ``names`` only ever points at the gazetteer's own rows, the first ones.
    """
    kind = places["kind"].to_numpy(dtype=object)
    district, tehsil, former = (_folded(places[c]) for c in ("district", "tehsil", "former_district"))
    return _Index(
        places=places, names=names,
        lon=places["longitude"].to_numpy(dtype=float), lat=places["latitude"].to_numpy(dtype=float),
        country_of=places["country"].to_numpy(dtype=object),
        province_of=places["province_code"].fillna("").to_numpy(dtype=object),
        district_of=district, tehsil_of=tehsil, former_of=former,
        district_keys=tuple(sorted(set(district) | set(tehsil) | set(former) - {""})),
        kind_code=_kind_codes(kind), importance=places["importance"].to_numpy(dtype=float),
        is_world=(places["layer"] == "world").to_numpy(), is_small=np.isin(kind, list(_SMALL_KINDS)),
        precision=places["precision"].to_numpy(dtype=np.int64),
    )


def _folded(column: pd.Series) -> np.ndarray:
    """Folded values of a column with few distinct values (one :func:`normalize` call per value)."""
    codes, uniques = pd.factorize(column.fillna(""))
    folded = np.array([split_kind(u)[0] for u in uniques] + [""], dtype=object)
    return folded[codes]


def _kind_codes(kinds) -> np.ndarray:
    lookup = {k: i for i, k in enumerate(_KINDS)}
    return np.array([lookup.get(k, len(_KINDS)) for k in kinds], dtype=np.int64)


# _KIND_ALLOWED[hint, kind]: whether a place of that kind answers a name with that kind word.
_KIND_ALLOWED = np.zeros((len(_KINDS) + 1, len(_KINDS) + 1), dtype=bool)
for _hint, _hint_code in ((h, i) for i, h in enumerate(_KINDS)):
    for _kind in _KIND_FAMILY.get(_hint, {_hint}):
        _KIND_ALLOWED[_hint_code, _KINDS.index(_kind)] = True


def geocode(incidents: pd.DataFrame, place_column: str | None = None, country_column: str | None = None,
            province_column: str | None = None, district_column: str | None = None) -> pd.DataFrame:
    """Add coordinates and match details to every row of ``incidents``.

    Parameters
    ----------
    incidents
        Frame from :func:`geomap.load` (or any frame with a place-name column). Rows that
        already have valid ``latitude``/``longitude`` keep them (status ``given``).
    place_column, country_column, province_column, district_column
        Column names; default to :mod:`geomap.settings` (``place``, ``country``, ``admin1``,
        ``admin2``). The context columns are optional and used whenever present: a place in
        the row's own country beats one elsewhere, one inside its province or district beats
        one outside.

    Returns
    -------
    pandas.DataFrame
        A new frame, same rows and order, plus :data:`GEOCODE_COLUMNS`.
    """
    place_column = place_column or settings.PLACE_COLUMN
    country_column = country_column or settings.COUNTRY_COLUMN
    province_column = province_column or settings.PROVINCE_COLUMN
    district_column = district_column or settings.DISTRICT_COLUMN
    has_coords = {"latitude", "longitude"} <= set(incidents.columns)
    if place_column not in incidents.columns and not has_coords:
        raise InputError(f"no place column {place_column!r} and no latitude/longitude to use; "
                         f"columns found: {', '.join(map(str, incidents.columns)) or 'none'}")

    out = incidents.copy()
    given = _given_mask(out) if has_coords else np.zeros(len(out), dtype=bool)
    # Only rows without coordinates are looked up, each distinct (place, country, province, district) once;
    # when every row has coordinates the gazetteer is not even loaded.
    todo = np.flatnonzero(~given)
    pending = out.iloc[todo]
    queries = pd.DataFrame({
        "place": pending[place_column] if place_column in pending else pd.Series("", index=pending.index),
        "country": _context(pending, country_column),
        "province": _context(pending, province_column),
        "district": _context(pending, district_column),
    }).fillna("")
    queries["place"] = queries["place"].astype(str)
    repeat, _ = pd.factorize(_combined_codes(queries))
    first = np.unique(repeat, return_index=True)[1]  # codes number distinct queries in order of first row
    unique = queries.iloc[first]
    resolved = resolve(unique["place"].tolist(), unique["country"].tolist(), unique["province"].tolist(),
                       unique["district"].tolist()) if len(unique) else pd.DataFrame(columns=GEOCODE_COLUMNS)
    looked_up = resolved.reset_index(drop=True).iloc[repeat]

    # Rows with coordinates keep them, with status "given", no score, and their own precision (else 1: exact).
    precision = (pd.to_numeric(out["geo_precision"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
                 if "geo_precision" in out else np.ones(len(out)))
    given_value = {"geocode_status": "given", "geo_precision": precision[given], "match_score": np.nan,
                   "geocode_confidence": np.nan}
    for column in GEOCODE_COLUMNS:
        numeric = column in _NUMERIC_COLUMNS
        values = np.full(len(out), np.nan if numeric else "", dtype=float if numeric else object)
        found = looked_up[column]
        values[todo] = (pd.to_numeric(found).to_numpy(dtype=float, na_value=np.nan) if numeric
                        else found.to_numpy(dtype=object))
        if column in ("latitude", "longitude") and has_coords:
            values[given] = pd.to_numeric(out[column], errors="coerce").to_numpy(dtype=float)[given]
        elif column not in ("latitude", "longitude"):
            values[given] = given_value.get(column, "")
        out[column] = pd.array(values, dtype="Int8") if column == "geo_precision" else values
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


def resolve(places: list[str], countries: list[str] | None = None, provinces: list[str] | None = None,
            districts: list[str] | None = None) -> pd.DataFrame:
    """Geocode a list of names (one result row per name, in order), each with its optional context.

    This is the engine behind :func:`geocode`; it expects distinct queries and does no
    de-duplication of its own. ``countries`` take names or ISO codes; ``provinces`` and
    ``districts`` names in any common spelling ("Khyber Pakhtunkwa province", "FATA",
    "North Waziristan agency").
    """
    return _resolve(places, countries, provinces, districts)[0]


def evidence(places: list[str], countries: list[str] | None = None, provinces: list[str] | None = None,
             districts: list[str] | None = None) -> pd.DataFrame:
    """What :func:`resolve` weighed for each answer: the features of ``geocode_confidence`` (NaN when unmatched).

    For fitting and checking the confidence model (benchmarks/realnames.py).
    """
    return _resolve(places, countries, provinces, districts)[1]


def _resolve(places, countries, provinces, districts) -> tuple[pd.DataFrame, pd.DataFrame]:
    count = len(places)
    countries = countries or [""] * count
    provinces = provinces or [""] * count
    districts = districts or [""] * count
    index = _index()
    parsed = [split_kind(p) for p in places]
    matched = _match(sorted({key for key, _ in parsed if key}), index.names)
    country = _mapped(countries, country_code)
    province = _mapped(provinces, province_code)
    # A province the row names tells its country when the country column is empty or missing.
    country = np.where((country == "") & (province != ""), pd.Series(province).str[:2].to_numpy(), country)
    district = _mapped(districts, lambda d: _district_key(d, index))
    return _choose_all([matched.get(key) for key, _ in parsed], [kind for _, kind in parsed], country, province,
                       district, index)


#: A second-level unit name this close (rapidfuzz ratio) to a known district or tehsil is that one.
DISTRICT_NAME_CUTOFF = 88.0


def _district_key(value: str, index: _Index) -> str:
    """The folded district or tehsil name a row's ``admin2`` stands for; '' when it is none geomap knows.

    Matched as place names are (any spelling a district or tehsil row has: "Bajaur Agency",
    "Neelam" for Neelum), else by a close spelling of a district or tehsil name.
    """
    key = split_kind(value)[0]
    if not key or key in index.district_keys:
        return key
    readings = _match([key], index.names).get(key)
    if readings:
        for spelling in readings[0]:
            rows, _ = index.names.places_of(spelling)
            admin = rows[np.isin(index.kind_code[rows], _ADMIN_CODES[1:3])]
            for name in index.places["name"].to_numpy(dtype=object)[np.sort(admin)]:
                folded = split_kind(name)[0]
                if folded in index.district_keys:
                    return folded
    best = process.extractOne(key, index.district_keys, scorer=fuzz.ratio, score_cutoff=DISTRICT_NAME_CUTOFF)
    return best[0] if best else ""


def _mapped(values: list[str], function) -> np.ndarray:
    """``function`` of each value, called once per distinct value."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object).fillna(""))
    return np.array([function(u) if u else "" for u in uniques] + [""], dtype=object)[codes]


def _match(keys: list[str], names: NameIndex) -> dict[str, tuple[tuple[str, ...], tuple[float, ...]]]:
    """For each distinct query key that can be matched: the gazetteer keys it may stand for, each with a score.

    An exact key is the only reading, scored 100. Otherwise every key with the same phonetic
    form or a form one or two edits away is a reading, scored by its spelling similarity
    (:func:`rapidfuzz.fuzz.ratio`, 0-100) and kept from :data:`geomap.settings.FUZZY_FLOOR`
    up; the ranking then weighs the score with the row's context.
    """
    found: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {}
    misses = []
    for key in keys:
        if key in names.position:
            found[key] = ((key,), (100.0,))
        elif has_form(key):
            misses.append(key)
    forms = [sound(key) for key in misses]
    near = _typos(misses, forms, names)
    for key, form in zip(misses, forms, strict=True):
        spellings = sorted(set(names.keys_of_form(form)) | set(near.get(key, ())))
        scored = [(s, float(fuzz.ratio(key, s))) for s in spellings]
        if not spellings:  # the same words in another order, only when nothing else reads the name
            scored = [(s, float(fuzz.token_sort_ratio(key, s))) for s in sorted(_reordered(key, names))]
        kept = [(s, score) for s, score in scored if score >= settings.FUZZY_FLOOR]
        if kept:
            found[key] = (tuple(s for s, _ in kept), tuple(score for _, score in kept))
    return found


def _reordered(key: str, names: NameIndex) -> set[str]:
    """Keys that are the words of a two- or three-word key in another order ("Aryub Zazi" for "Zazi Aryob")."""
    words = key.split()
    if not 2 <= len(words) <= 3:
        return set()
    found: set[str] = set()
    for order in permutations(words):
        other = " ".join(order)
        if other != key:
            found.update([other] if other in names.position else names.keys_of_form(sound(other)))
    return found


#: Phonetic forms of at least this many letters may differ by one edit (shorter ones collide with
#: other real names too often), from the second length by two.
_ONE_EDIT_FROM, _TWO_EDITS_FROM = MIN_TYPO_LENGTH, 10


def _typos(keys: list[str], forms: list[str], names: NameIndex) -> dict[str, list[str]]:
    """Gazetteer keys whose phonetic form is one edit (two for long forms) from each key's (OSA distance).

    Candidates come from :meth:`geomap.gazindex.NameIndex.near_forms` (a symmetric-deletion
    search over hashes); every candidate pair's distance is then checked at once (rapidfuzz ``cpdist``).
    ``forms`` are the keys' phonetic forms (:func:`geomap.gazindex.sound`).
    """
    query, form = names.near_forms(forms)
    if len(query) == 0:
        return {}
    mine = [forms[q] for q in query.tolist()]
    theirs = [names.forms[f] for f in form.tolist()]
    distance = process.cpdist(mine, theirs, scorer=OSA.distance, dtype=np.int32, workers=-1)
    budget = np.where(np.fromiter(map(len, mine), dtype=np.int64, count=len(mine)) >= _TWO_EDITS_FROM, 2, 1)
    near = (distance >= 1) & (distance <= budget)
    owner, key_number = names.gather_forms(form[near])
    found: dict[str, list[str]] = {}
    for q, k in zip(query[near][owner].tolist(), key_number.tolist(), strict=True):
        found.setdefault(keys[q], []).append(names.keys[k])
    return found


def _choose_all(matches: list[tuple[tuple[str, ...], float] | None], kinds: list[str], countries: np.ndarray,
                provinces: np.ndarray, districts: np.ndarray, index: _Index) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rank every query's candidates at once and keep the best, with its confidence and runner-up.

    Returns the answers (:data:`GEOCODE_COLUMNS`) and, per answer, the evidence behind its confidence.
    """
    names = index.names
    query, pair, spelling = _candidates(matches, names)
    rows = names.rows[pair].astype(np.int64)
    whole, primary = names.whole[pair], names.primary[pair]
    score = _score_pairs(rows, whole, primary, np.asarray(kinds, dtype=object)[query], countries[query],
                         provinces[query], districts[query], index)
    score += _SPELLING * (spelling - 100.0) / 100.0

    out = pd.DataFrame({
        "latitude": np.nan, "longitude": np.nan, "geo_precision": pd.array([pd.NA] * len(matches), dtype="Int64"),
        "gazetteer_id": "", "gazetteer_name": "", "feature_kind": "", "match_score": np.nan,
        "geocode_confidence": np.nan, "geocode_status": "unmatched", "runner_up": ""}, index=range(len(matches)))
    features = pd.DataFrame(np.nan, index=range(len(matches)), columns=list(_CONFIDENCE)[1:])
    if len(rows) == 0:
        return out[GEOCODE_COLUMNS], features
    order = np.lexsort((rows, -score, query))  # best first; equal scores by gazetteer row: no hash order anywhere
    query, rows, score, spelling = query[order], rows[order], score[order], spelling[order]
    first = np.flatnonzero(np.r_[True, query[1:] != query[:-1]])
    asked = query[first]
    best = rows[first]
    # The runner-up is the best reading that lies elsewhere (beyond AMBIGUOUS_KM): same-place duplicates do not count.
    best_of_pair = np.repeat(best, np.diff(np.r_[first, len(rows)]))
    far = distance_km(index.lon[rows], index.lat[rows], index.lon[best_of_pair], index.lat[best_of_pair]) \
        > settings.AMBIGUOUS_KM
    far_first = np.full(len(first), -1, dtype=np.int64)
    far_queries, far_at = np.unique(query[far], return_index=True)
    far_first[np.searchsorted(asked, far_queries)] = np.flatnonzero(far)[far_at]
    far_count = np.bincount(np.searchsorted(asked, query[far]), minlength=len(first))
    has_runner = far_first >= 0
    gap = np.where(has_runner, score[first] - score[np.maximum(far_first, 0)], np.inf)
    ambiguous = has_runner & (gap < settings.AMBIGUOUS_MARGIN)

    match_score = spelling[first]
    context = _agreement(best, countries[asked], provinces[asked], districts[asked], index)
    evidence_of = confidence_features(match_score, gap, far_count, context, best, index)
    confidence = _confidence(evidence_of)
    taken = _acceptable(best, match_score, np.asarray(kinds, dtype=object)[asked], countries[asked], context, index)
    for name, values in evidence_of.items():
        features.loc[asked[taken], name] = values[taken]
    asked, best, far_first, ambiguous = asked[taken], best[taken], far_first[taken], ambiguous[taken]
    out.loc[asked, "latitude"] = index.lat[best]
    out.loc[asked, "longitude"] = index.lon[best]
    out.loc[asked, "geo_precision"] = index.precision[best]
    for column, source in (("gazetteer_id", "gazetteer_id"), ("gazetteer_name", "name"), ("feature_kind", "kind")):
        out.loc[asked, column] = index.places[source].to_numpy(dtype=object)[best]
    out.loc[asked, "match_score"] = np.round(match_score[taken], 1)
    out.loc[asked, "geocode_confidence"] = np.round(confidence[taken], 3)
    out.loc[asked, "geocode_status"] = np.where(ambiguous, "ambiguous", "matched")
    runner = rows[far_first[ambiguous]]
    out.loc[asked[ambiguous], "runner_up"] = _describe(runner, best[ambiguous], index)
    return out[GEOCODE_COLUMNS], features


def _candidates(matches: list, names: NameIndex) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(query number, key-place pair position, spelling score) of every candidate of every matched query."""
    owners, key_numbers, spellings = [], [], []
    position = names.position
    for number, match in enumerate(matches):
        if match is not None:
            for key, spelling in zip(*match, strict=True):
                owners.append(number)
                key_numbers.append(position[key])
                spellings.append(spelling)
    if not key_numbers:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
    owner, pair = names.gather(np.asarray(key_numbers, dtype=np.int64))
    query = np.asarray(owners, dtype=np.int64)[owner]
    spelling = np.asarray(spellings, dtype=float)[owner]
    # A place reached through two keys of one query ("Bara" the name and "Bara" stripped of a kind word) counts
    # once, by its best spelling: sorted by query, place and spelling, the first of each (query, place) run.
    rows = names.rows[pair]
    order = np.lexsort((-spelling, rows, query))
    query, pair, spelling, rows = query[order], pair[order], spelling[order], rows[order]
    first = np.r_[True, (query[1:] != query[:-1]) | (rows[1:] != rows[:-1])]
    return query[first], pair[first], spelling[first]


# How much each piece of evidence weighs in the ranking (a place's importance is 0..1).
_REGIONAL = 0.15          # any place in the region over a world city of the same score
_KIND_WANTED, _KIND_OTHER = 0.6, -0.3
_PART_OF_NAME = -0.3      # the key is the place's name only once a kind word is stripped ("Nawa" of "Nawa Pass")
_WORLD_ALTERNATE = -0.6   # a world city reached by an alternate name ("Bangi" of Bangui, "Cham" of Damascus)
_COUNTRY_SAME, _COUNTRY_OTHER = 2.0, -2.0
_PROVINCE_SAME, _PROVINCE_OTHER = 1.0, -0.5
_DISTRICT_SAME, _DISTRICT_OTHER = 0.8, -0.2
_SPELLING = 3.0           # per 100 points of spelling similarity lost: a 90 % spelling loses 0.3


def _score_pairs(rows: np.ndarray, whole: np.ndarray, primary: np.ndarray, kind: np.ndarray, country: np.ndarray,
                 province: np.ndarray, district: np.ndarray, index: _Index) -> np.ndarray:
    score = index.importance[rows] + np.where(index.is_world[rows], 0.0, _REGIONAL)
    hinted = kind != ""
    if len(rows):
        wanted = _KIND_ALLOWED[_kind_codes(kind), index.kind_code[rows]]
        score += np.where(hinted, np.where(wanted, _KIND_WANTED, _KIND_OTHER), np.where(whole, 0.0, _PART_OF_NAME))
    score += np.where(index.is_world[rows] & ~primary, _WORLD_ALTERNATE, 0.0)
    agree = _agreement(rows, country, province, district, index)
    score += np.select([agree["country"] > 0, agree["country"] < 0], [_COUNTRY_SAME, _COUNTRY_OTHER], 0.0)
    score += np.select([agree["province"] > 0, agree["province"] < 0], [_PROVINCE_SAME, _PROVINCE_OTHER], 0.0)
    score += np.select([agree["district"] > 0, agree["district"] < 0], [_DISTRICT_SAME, _DISTRICT_OTHER], 0.0)
    return score


def _agreement(rows: np.ndarray, country: np.ndarray, province: np.ndarray, district: np.ndarray,
               index: _Index) -> dict[str, np.ndarray]:
    """Per candidate: +1 where it lies in the row's country/province/district, -1 where not, 0 unknown."""
    def compare(given: np.ndarray, actual: np.ndarray, applies: np.ndarray) -> np.ndarray:
        return np.where((given != "") & applies, np.where(given == actual, 1, -1), 0)

    in_region = np.isin(index.country_of[rows], ["AF", "PK"])
    same_district = ((district == index.district_of[rows]) | (district == index.tehsil_of[rows])
                     | (district == index.former_of[rows]))
    district_vote = np.where((district != "") & in_region & (index.district_of[rows] != ""),
                             np.where(same_district, 1, -1), 0)
    return {"country": compare(country, index.country_of[rows], np.ones(len(rows), dtype=bool)),
            "province": compare(province, index.province_of[rows], in_region | (index.kind_code[rows] == 5)),
            "district": district_vote}


def _acceptable(best: np.ndarray, match_score: np.ndarray, kind: np.ndarray, country: np.ndarray,
                context: dict[str, np.ndarray], index: _Index) -> np.ndarray:
    """Whether each winning reading is taken.

    Where the row names a country and the winner lies in another, it is taken only when
    the name was spelt exactly and the place is one reports from elsewhere name (a city, a
    district, a crossing -- not a village): "Razmak, Pakistan" is not the Afghan village
    "Ramak". Such an answer keeps a low confidence, and the join flags ``disagreement``.
    A corrected spelling, or a village, is taken only where it does not contradict the row's
    province or district: on real names such answers are mostly another place of the same or
    a similar name (Mamozai in Orakzai is not the Mamozai village of Mohmand). A name that
    says it is a district, tehsil or province ("Bolan district") is not answered by a village.
    """
    elsewhere = (country != "") & (index.country_of[best] != country)
    corrected = match_score < 100
    small = index.is_small[best]
    contradicted = (corrected | small) & ((context["province"] < 0) | (context["district"] < 0))
    unit_named = np.isin(kind, ["province", "district", "tehsil"]) & ~np.isin(index.kind_code[best], _ADMIN_CODES)
    return (~elsewhere | (~corrected & ~small)) & ~contradicted & ~unit_named


# The calibrated confidence: a logistic model over the evidence for the winner, fitted on the
# located UCDP events of 1989-2010 (where_prec 1-3), each geocoded with its full context, with
# country and province, with the country, and with none (11,567 answers), the UCDP layer left
# out of the gazetteer (benchmarks/realnames.py --calibrate): of the answers given confidence
# c, about a share c lies within 25 km of the coders' own point.
_CONFIDENCE = {"intercept": 1.3, "exact": -0.56, "match": 3.78, "gap": 0.98, "alone": 2.75, "far": -0.52,
               "country": 0.25, "province": 0.02, "district": 1.22, "admin": 0.59, "small": -0.91}


def confidence_features(match_score: np.ndarray, gap: np.ndarray, far_count: np.ndarray,
                        context: dict[str, np.ndarray], best: np.ndarray, index: _Index) -> dict[str, np.ndarray]:
    """The evidence :func:`_confidence` weighs, one array per feature (also used to fit it)."""
    kind = index.kind_code[best]
    return {
        "exact": (match_score >= 100).astype(float), "match": (match_score - 100) / 100,
        "gap": np.where(np.isfinite(gap), np.minimum(gap, 3.0), 0.0), "alone": (~np.isfinite(gap)).astype(float),
        "far": np.log1p(far_count), "country": context["country"].astype(float),
        "province": context["province"].astype(float), "district": context["district"].astype(float),
        "admin": np.isin(kind, [_KINDS.index(k) for k in ("province", "district", "country")]).astype(float),
        "small": index.is_small[best].astype(float),
    }


# The logistic score, mapped through this monotone table (isotonic regression on the same answers) to the
# share of answers found right: (score at each step, share right).
_CALIBRATION = ((0.18, 0.276, 0.345, 0.411, 0.593, 0.733, 0.883, 0.944, 0.954, 0.982, 0.995),
                (0.098, 0.253, 0.32, 0.47, 0.551, 0.857, 0.881, 0.963, 0.965, 0.975, 0.984))


#: Confidence of an answer outside the country or province the row names. Too rare among the
#: training events to be fitted (4 such answers, all wrong): an answer the row's own context
#: contradicts is not called likely right.
CONTRADICTED_CONFIDENCE = 0.2


def _confidence(features: dict[str, np.ndarray]) -> np.ndarray:
    logit = _CONFIDENCE["intercept"] + sum(_CONFIDENCE[name] * value for name, value in features.items())
    confidence = np.interp(1.0 / (1.0 + np.exp(-logit)), *_CALIBRATION)
    contradicted = (features["country"] < 0) | (features["province"] < 0)
    return np.where(contradicted, np.minimum(confidence, CONTRADICTED_CONFIDENCE), confidence)


def _describe(runner: np.ndarray, best: np.ndarray, index: _Index) -> list[str]:
    km = distance_km(index.lon[runner], index.lat[runner], index.lon[best], index.lat[best])
    names = index.places["name"].to_numpy(dtype=object)[runner]
    ids = index.places["gazetteer_id"].to_numpy(dtype=object)[runner]
    return [f"{name} ({gid}, {d:,.0f} km away)" for name, gid, d in zip(names, ids, km, strict=True)]


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Folded country names and codes -> ISO2, from the gazetteer's country rows."""
    countries = datasets.gazetteer_rows(("country", "name", "alt_names"), [("kind", "==", "country")])
    names: dict[str, str] = {}
    for code, name, alternates in zip(countries["country"], countries["name"], countries["alt_names"].fillna(""),
                                      strict=True):
        for spelling in [name, *alternates.split("|")]:
            names.setdefault(normalize(spelling), code)
    names.update({"afghan": "AF", "pakistani": "PK"})
    return names


def country_code(value: object) -> str:
    """ISO2 code of a country name or code (``'Pakistan'``, ``'PAK'``, ``'pk'`` -> ``'PK'``); '' if unknown."""
    text = normalize(value)
    if not text:
        return ""
    if len(text) == 2 and text.isalpha():
        return text.upper()
    return _country_names().get(text, "")


@lru_cache(maxsize=1)
def _province_names() -> tuple[dict[str, str], list[str], list[str]]:
    # Provinces, and the former ones (feature code ADM1H: the tribal areas) by the province they are now in.
    provinces = datasets.gazetteer_rows(("province_code", "name", "alt_names"),
                                        [[("kind", "==", "province")], [("feature_code", "==", "ADM1H")]])
    names: dict[str, str] = {}
    for code, name, alternates in zip(provinces["province_code"], provinces["name"],
                                      provinces["alt_names"].fillna(""), strict=True):
        for spelling in [name, *alternates.split("|")]:
            names.setdefault(split_kind(spelling)[0], code)
    keys = sorted(k for k in names if not is_arabic(k))
    return names, keys, [names[k] for k in keys]


#: A first-level unit name this close (rapidfuzz ratio) to a province's is that province ("Khyber Pakhtunkwa").
PROVINCE_NAME_CUTOFF = 85.0


def province_code(value: object) -> str:
    """ISO 3166-2 code of an Afghan or Pakistani province in any common spelling; '' if unknown.

    ``'Khyber Pakhtunkwa province'``, ``'FATA'``, ``'Federally Administered Tribal Areas'`` ->
    ``'PK-KP'``; ``'Azad Jammu & Kashmir'`` -> ``'PK-JK'``.
    """
    key = split_kind(value)[0]
    if not key:
        return ""
    names, keys, codes = _province_names()
    if key in names:
        return names[key]
    if is_arabic(key):
        return ""
    best = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=PROVINCE_NAME_CUTOFF)
    return codes[best[2]] if best else ""


def _score(rows: np.ndarray, whole: np.ndarray, kind: str, country: str, province: str, index: _Index,
           primary: np.ndarray | None = None) -> np.ndarray:
    """Ranking scores of some places for one name (as :func:`resolve` ranks them), for callers outside it.

    ``primary`` says, per place, whether the name is its main name, not an alternate (default: all main names).
    """
    rows = np.asarray(rows, dtype=np.int64)
    count = len(rows)
    primary = np.ones(count, dtype=bool) if primary is None else np.asarray(primary, dtype=bool)
    return _score_pairs(rows, np.asarray(whole, dtype=bool), primary, np.full(count, kind, dtype=object),
                        np.full(count, country, dtype=object), np.full(count, province, dtype=object),
                        np.full(count, "", dtype=object), index)


def search(query: str, limit: int = 10) -> pd.DataFrame:
    """Ranked gazetteer candidates for one name: exact readings first, then close spellings.

    Returns a frame with ``gazetteer_id``, ``name``, ``kind``, ``country``, ``province``,
    ``latitude``, ``longitude``, ``match_score`` (0-100), ``rank_score`` and ``source``.
    """
    if not isinstance(query, str) or not query.strip():
        raise InputError(f"search needs a place name, got {query!r}")
    index = _index()
    key, kind = split_kind(query)
    arabic = is_arabic(key)
    keys = [k for k in index.names.keys if is_arabic(k) == arabic and k[:1] == key[:1]]
    hits = process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=75, limit=limit * 3)
    scored: dict[int, tuple[float, bool]] = {}
    for matched_key, score in [(key, 100.0)] * (key in index.names.position) + [(k, s) for k, s, _ in hits]:
        rows, whole = index.names.places_of(matched_key)
        for row, is_whole in zip(rows.tolist(), whole.tolist(), strict=True):
            scored.setdefault(row, (float(score), is_whole))
    columns = ["gazetteer_id", "name", "kind", "country", "province", "latitude", "longitude", "match_score",
               "rank_score", "source"]
    if not scored:
        return pd.DataFrame(columns=columns)
    rows = np.fromiter(scored, dtype=np.int64)
    match = np.array([m for m, _ in scored.values()])
    whole = np.array([w for _, w in scored.values()])
    # Spelling comes first: a 75 % match must not outrank an exact one for being a capital.
    rank = _score(rows, whole, kind, "", "", index) + 5.0 * (match / 100.0 - 1.0)
    found = datasets.gazetteer().iloc[rows].assign(match_score=match, rank_score=np.round(rank, 3))
    found = found.sort_values(["rank_score", "match_score", "gazetteer_id"], ascending=[False, False, True])
    return found.head(limit)[columns].reset_index(drop=True)
