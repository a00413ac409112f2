"""Place mentions in running text: find every gazetteer name, keep the ones that are places, resolve each.

Recipe: fold the text as names are folded (:func:`geomap.normalize.fold_with_offsets`) ->
match every name and alternate name at once (an Aho-Corasick automaton over the geocoder's
index keys) -> drop what is not a place by rule (capitalisation, short codes, common English
words, demonyms, names inside organisations and person names) -> keep the longest
non-overlapping matches -> rank each one's candidates with the geocoder's scoring plus the
text's context (kind word, the countries named in the sentence, closeness to the other
places in the text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick
import numpy as np
import pandas as pd

from geomap import datasets
from geomap.extract import lexicon
from geomap.extract.text import Sentence, capitalised_runs
from geomap.geocode import _Index, _index, _score
from geomap.geodesy import distance_km
from geomap.normalize import fold_with_offsets, is_arabic, normalize, split_kind

MENTION_COLUMNS = ["place", "span_start", "span_end", "gazetteer_name", "latitude", "longitude", "feature_kind",
                   "geo_precision", "gazetteer_id", "country", "sentence"]
#: How much a candidate gains for lying near another place of the text, or in a country the sentence names.
_NEAR_KM, _NEAR_BONUS = 60.0, 0.5
_REGION_KM, _REGION_BONUS = 200.0, 0.25
_COUNTRY_BONUS = 0.2
_MIN_ARABIC_LETTERS = 4
_SHORT_KEY = 3


@dataclass(frozen=True)
class _Lexicon:
    # Every word the automaton finds: the gazetteer's keys and the exonyms; the automaton stores positions here.
    words: list[str]
    automaton: ahocorasick.Automaton
    # Keys the gazetteer only ever writes as upper-case codes ("KBL", "PAK").
    code_only: frozenset[str]
    # English names of countries that the gazetteer lacks ("Turkey"), to their rows.
    exonyms: dict[str, np.ndarray]


@dataclass
class _Match:
    start: int
    end: int
    key: str
    rows: np.ndarray
    whole: np.ndarray
    kind: str = ""
    place_end: int = 0


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    """The automaton over every gazetteer key, from the disk cache when this gazetteer and code made it."""
    from geomap import cache

    index = _index()
    countries = index.places[index.places["kind"] == "country"]
    exonyms = {normalize(name): np.flatnonzero((index.places["kind"] == "country").to_numpy()
                                               & (index.places["country"] == code).to_numpy())
               for name, code in lexicon.EXONYMS.items() if code in set(countries["country"])}
    words = [key for key in [*index.lexicon_keys, *exonyms] if len(key.replace(" ", "")) >= 2]
    inputs = datasets.manifest()["gazetteer.parquet"].encode()
    modules = (__name__, "geomap.extract.lexicon", "geomap.geocode", "geomap.normalize")
    automaton = cache.cached_file("extract-automaton", lambda: _build_automaton(words), inputs, modules,
                                  suffix=".aho", save=_save_automaton, load=_load_automaton)
    code_only = cache.cached_arrays("extract-codes", lambda: {"code_only": sorted(_code_only(index))}, inputs,
                                    modules)["code_only"]
    return _Lexicon(words=words, automaton=automaton, code_only=frozenset(code_only), exonyms=exonyms)


def _build_automaton(words: list[str]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    for position, word in enumerate(words):
        automaton.add_word(word, position)
    automaton.make_automaton()
    return automaton


def _refuse_objects(_data: bytes):
    raise ValueError("an automaton of integers holds no objects")


def _save_automaton(automaton: ahocorasick.Automaton, path) -> None:
    automaton.save(str(path), _refuse_objects)


def _load_automaton(path) -> ahocorasick.Automaton:
    automaton = ahocorasick.load(str(path), _refuse_objects)
    if automaton.store != ahocorasick.STORE_INTS:
        raise ValueError("not an automaton of integers")
    return automaton


def _code_only(index: _Index) -> set[str]:
    places = datasets.gazetteer()[index.in_lexicon]
    raw = (places["name"] + "|" + places["alt_names"].fillna("")).str.split("|").explode()
    raw = raw[raw.str.len() > 0]
    forms = pd.DataFrame({"key": raw.map(normalize), "code": raw.map(lambda n: n.isupper() and len(n) <= 5)})
    codes = forms.groupby("key")["code"].all()
    return set(codes[codes].index) | {normalize(name) for name in lexicon.EXONYMS if name.isupper()}


def find_mentions(text: str, sentences: list[Sentence]) -> pd.DataFrame:
    """Every place mention of ``text``, resolved, one row each (columns :data:`MENTION_COLUMNS`)."""
    index, lexicon_ = _index(), _lexicon()
    organisations, persons = _organisations(text), _persons(text)
    blocked = organisations + persons
    matches = [m for m in _raw_matches(text, index, lexicon_) if _is_place(text, m, sentences, blocked, lexicon_)]
    matches = _drop_person_tokens(text, _longest(matches), persons)
    for match in matches:
        _attach_kind(text, match)
    return _resolve(text, matches, sentences, index)


def _raw_matches(text: str, index: _Index, lexicon_: _Lexicon) -> list[_Match]:
    folded, origin = fold_with_offsets(text)
    found = []
    for last, position in lexicon_.automaton.iter(folded):
        key = lexicon_.words[position]
        first = last - len(key) + 1
        if (first > 0 and folded[first - 1] != " ") or (last + 1 < len(folded) and folded[last + 1] != " "):
            continue  # inside a longer word
        rows, whole = index.lexicon_rows(key)
        if len(rows) == 0:
            rows = lexicon_.exonyms[key]
            whole = np.ones(len(rows), dtype=bool)
        found.append(_Match(origin[first], origin[last] + 1, key, rows, whole))
    return found


def _organisations(text: str) -> list[tuple[int, int]]:
    """Organisations and outlets: a gazetteer name inside them is not a mention."""
    return [m.span() for m in lexicon.ORGANISATIONS.finditer(text)]


def _persons(text: str) -> list[tuple[int, int]]:
    """Capitalised names right after a title ("minister, Attaullah Tarar", "spokesman Mujahid")."""
    return [(start, end) for start, end in capitalised_runs(text, 0, len(text))
            if lexicon.TITLES.search(text[max(0, start - 40):start])]


def _is_place(text: str, match: _Match, sentences: list[Sentence], blocked: list[tuple[int, int]],
              lexicon_: _Lexicon) -> bool:
    surface = text[match.start:match.end]
    if any(start < match.end and match.start < end for start, end in blocked):
        return False
    if normalize(surface) in lexicon.DEMONYMS or match.key in lexicon.CALENDAR_WORDS:
        return False
    if is_arabic(surface):
        return _keep_rows(match, len(match.key.replace(" ", "")) >= _MIN_ARABIC_LETTERS or None)
    words = re.findall(r"[^\W\d_]+", surface)
    if not words or not words[0][:1].isupper():
        return False
    if any(not w[:1].isupper() and w.lower() not in lexicon.CONNECTORS for w in words):
        return False
    if match.key in lexicon_.code_only:
        return surface.isupper() and _keep_rows(match, None, kinds=lexicon.CODE_KINDS)
    if len(match.key.replace(" ", "")) <= _SHORT_KEY and not surface[1:].islower():
        return False  # "AP", "AFP", "KBL": capitals are an acronym, not a place name
    if match.key in lexicon.COMMON_WORDS and not _placed_by_context(text, match):
        return False
    return not _inside_a_name(text, match, sentences)


def _keep_rows(match: _Match, keep: bool | None, kinds: frozenset[str] | None = None) -> bool:
    """Narrow a short or coded match to the places such a form can stand for; False if none is left."""
    if keep:
        return True
    places = _index().places.iloc[match.rows]
    wanted = places["kind"].isin(kinds or {"capital", "country", "province"}).to_numpy()
    match.rows, match.whole = match.rows[wanted], match.whole[wanted]
    return bool(wanted.any())


def _placed_by_context(text: str, match: _Match) -> bool:
    return bool(lexicon.TRAILING_KIND.match(text[match.end:match.end + 40])
                or lexicon.LOCATIVE_BEFORE.search(text[max(0, match.start - 12):match.start]))


def _inside_a_name(text: str, match: _Match, sentences: list[Sentence]) -> bool:
    """True when the match is part of a longer capitalised name that is not a place ("Khawaja Asif", "Pakistan Army").

    Companion words ("North", "District", "Airport") and the capitalised first word of a
    sentence do not count.
    """
    sentence_starts = {s.start for s in sentences}
    for start, end in capitalised_runs(text, max(0, match.start - 60), min(len(text), match.end + 60)):
        if start <= match.start and match.end <= end:
            tail = re.sub(r"^['’]s\b", "", text[match.end:end])  # "Pakistan's": the possessive is no word
            others = re.findall(r"[^\W\d_]+(?:['’]s)?", text[start:match.start]) + re.findall(r"[^\W\d_]+", tail)
            if start < match.start and _at_sentence_start(text, start, sentence_starts):
                others = others[1:]
            return any(w.lower() not in lexicon.PLACE_COMPANIONS for w in others
                       if w.lower() not in lexicon.CONNECTORS and not w.lower().endswith(("'s", "’s")))
    return False


def _at_sentence_start(text: str, position: int, sentence_starts: set[int]) -> bool:
    before = position
    while before > 0 and not text[before - 1].isalnum() and text[before - 1] not in ".!?":
        before -= 1
    return before in sentence_starts or before == 0 or text[before - 1] in ".!?"


def _longest(matches: list[_Match]) -> list[_Match]:
    """Leftmost-longest non-overlapping matches: "North Waziristan", not "Waziristan"."""
    kept: list[_Match] = []
    for match in sorted(matches, key=lambda m: (m.start, -(m.end - m.start))):
        if not kept or match.start >= kept[-1].end:
            kept.append(match)
        elif match.end - match.start > kept[-1].end - kept[-1].start and match.start < kept[-1].end:
            kept[-1] = match
    return kept


def _drop_person_tokens(text: str, matches: list[_Match], persons: list[tuple[int, int]]) -> list[_Match]:
    """A one-word match equal to a word of a person's name seen in the text ("Tarar said") is that person."""
    person_words = {w.lower() for start, end in persons for w in re.findall(r"[^\W\d_]+", text[start:end])}
    kept = []
    for match in matches:
        surface = text[match.start:match.end]
        if surface.lower() in person_words and " " not in surface:
            continue
        kept.append(match)
    return kept


def _attach_kind(text: str, match: _Match) -> None:
    trailing = lexicon.TRAILING_KIND.match(text[match.end:match.end + 60])
    match.place_end = match.end + (trailing.end() if trailing else 0)
    _, match.kind = split_kind(text[match.start:match.place_end])
    leading = lexicon.LEADING_KIND.search(text[max(0, match.start - 40):match.start])
    if not match.kind and leading:
        # "the district of Khost" is a district; "Gurbuz district of Khost" and "the district in
        # Khost" put a place inside the province of Khost.
        contained = leading.group("named") or leading.group("preposition") == "in"
        match.kind = "province" if contained else split_kind(leading.group("kind"))[1]


def _resolve(text: str, matches: list[_Match], sentences: list[Sentence], index: _Index) -> pd.DataFrame:
    if not matches:
        return pd.DataFrame(columns=MENTION_COLUMNS)
    sentence_of = [_sentence_index(m.start, sentences) for m in matches]
    base = [_score(m.rows, m.whole, m.kind, "", "", index) for m in matches]
    chosen = [int(np.argmax(b)) for b in base]
    named_countries = _named_countries(matches, chosen, sentence_of, index)
    for _ in range(2):  # context from the first choices, then once more from the improved ones
        anchors = _anchor_points(matches, chosen, index)
        chosen = [int(np.argmax(base[i] + _context_bonus(i, m, anchors, named_countries.get(sentence_of[i], set()),
                                                          index)))
                  for i, m in enumerate(matches)]
    rows = []
    for i, match in enumerate(matches):
        place = index.places.iloc[match.rows[chosen[i]]]
        rows.append([text[match.start:match.place_end], match.start, match.place_end, place["name"],
                     float(place["latitude"]), float(place["longitude"]), place["kind"], int(place["precision"]),
                     place["gazetteer_id"], place["country"], sentence_of[i]])
    frame = pd.DataFrame(rows, columns=MENTION_COLUMNS)
    frame["geo_precision"] = frame["geo_precision"].astype("Int8")
    return frame


def _sentence_index(position: int, sentences: list[Sentence]) -> int:
    for number, sentence in enumerate(sentences):
        if sentence.start <= position < sentence.end:
            return number
    return -1


def _named_countries(matches, chosen, sentence_of, index: _Index) -> dict[int, set[str]]:
    named: dict[int, set[str]] = {}
    for match, pick, sentence in zip(matches, chosen, sentence_of, strict=True):
        place = index.places.iloc[match.rows[pick]]
        if place["kind"] == "country":
            named.setdefault(sentence, set()).add(place["country"])
    return named


def _anchor_points(matches, chosen, index: _Index) -> list[tuple[float, float] | None]:
    """Where each mention currently points, when it is a place precise enough to pull others toward it."""
    anchors = []
    for match, pick in zip(matches, chosen, strict=True):
        place = index.places.iloc[match.rows[pick]]
        precise = place["kind"] not in ("country", "capital") and place["layer"] != "world"
        anchors.append((float(place["longitude"]), float(place["latitude"])) if precise else None)
    return anchors


def _context_bonus(i: int, match: _Match, anchors, countries: set[str], index: _Index) -> np.ndarray:
    places = index.places.iloc[match.rows]
    bonus = np.zeros(len(match.rows))
    if countries:
        bonus += np.where(places["country"].isin(countries) & (places["kind"] != "country"), _COUNTRY_BONUS, 0.0)
    others = [a for j, a in enumerate(anchors) if j != i and a is not None]
    if len(match.rows) > 1 and others:
        lon, lat = np.array(others).T
        nearest = distance_km(places["longitude"].to_numpy()[:, None], places["latitude"].to_numpy()[:, None],
                              lon[None, :], lat[None, :]).min(axis=1)
        bonus += np.where(nearest < _NEAR_KM, _NEAR_BONUS, np.where(nearest < _REGION_KM, _REGION_BONUS, 0.0))
    return bonus
