"""Place mentions in running text: find every gazetteer name, keep the ones that are places, resolve each.

Recipe: fold the text as names are folded (:func:`geomap.normalize.fold_with_offsets`) ->
match every name and alternate name at once (an Aho-Corasick automaton over the keys of the
name index shipped with the data) -> keep what is a place by rule -> keep the
longest non-overlapping matches -> rank each one's candidates with the geocoder's scoring
plus the text's context (kind word, the countries named in the sentence, closeness to the
places mentioned around it).

A gazetteer of villages names thousands of places after everyday words, so a name must be
a proper name in context:

* it is written as a name (capitalised in Latin script; never a function word such as "We",
  "An" or "The"; an upper-case code only when reports use it for a place: "US", "KP", "UAE");
* a name that is also an everyday English word ("Bar", "Swat", "Police Lines") or a person's
  name ("Sharif") counts for a minor place only with positive evidence: a kind word ("Bar
  village", "the district of Tank") or a locative preposition ("in Bar"); a country, capital,
  province or district of the region counts anywhere it is capitalised;
* a minor place's name must not rest on a capital that only the sentence start or a
  title-case headline gives it;
* not inside an organisation ("Tehrik-e-Taliban Pakistan", "University of Georgia") or a
  person's name ("minister, Attaullah Tarar", then "Tarar said"), and not a demonym; a
  compound of places ("Afghanistan-Pakistan", "Pak-Afghan", "Chaman-Spin Boldak") is its
  places, not a longer name;
* in Arabic script (no capitals), a common Urdu, Dari or Pashto word is never a place, and a
  minor place needs a kind word ("ولسوالی", "ضلع") or a preposition or postposition beside it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick
import numpy as np
import pandas as pd

from geomap import datasets, settings
from geomap.extract import lexicon
from geomap.extract.text import Sentence, capitalised_runs
from geomap.geocode import _Index, _index, _score, index_of
from geomap.geodesy import distance_km
from geomap.normalize import fold_with_offsets, is_arabic, normalize, split_kind

MENTION_COLUMNS = ["place", "span_start", "span_end", "gazetteer_name", "latitude", "longitude", "feature_kind",
                   "geo_precision", "gazetteer_id", "country", "province", "sentence"]
#: How much a candidate gains for lying near another place mentioned nearby, or in a country the sentence names.
_NEAR_KM, _NEAR_BONUS = 60.0, 0.5
_REGION_KM, _REGION_BONUS = 200.0, 0.25
_COUNTRY_BONUS = 0.2
#: Readings whose scores differ by less than this are tied: the text does not tell them apart.
_TIE = 0.01
#: How many mentions on each side of a mention give it context (a window keeps resolution linear in the text).
_CONTEXT_WINDOW = 12
_MIN_ARABIC_LETTERS = 4
_SHORT_CODE = 3
_ACRONYM = 5
#: Places a bare capitalised name may stand for: admin units, crossings and cities; and what else is notable.
_NOTABLE_KINDS = frozenset({"country", "capital", "province", "region", "district", "tehsil", "crossing", "pass",
                            "valley", "city", "continent", "border"})
_NOTABLE_IMPORTANCE = 0.55
#: Kinds that keep a name that is also an English word even at a sentence start ("Swat police said", "China").
_FIRM_KINDS = frozenset({"country", "capital", "province", "district", "tehsil", "crossing", "pass", "valley",
                         "region", "continent", "border"})
_EXTRACT_ID = "geomap-extract:"
_EMPTY = (np.array([], dtype=np.int64), np.array([], dtype=bool), np.array([], dtype=bool))
#: Importance of the regions the extractor adds to the gazetteer (a bare "Kashmir" is the region, not a village).
_REGION_IMPORTANCE = 0.7


@dataclass(frozen=True)
class _Lexicon:
    # Every word the automaton finds: the gazetteer's keys (the name index's, in its order), then the keys that
    # are not the gazetteer's (exonyms, regions); the automaton stores positions in this list.
    words: list[str]
    automaton: ahocorasick.Automaton
    # What the geocoder's scoring reads, for the gazetteer's places and the extractor's own regions after them.
    index: _Index
    # Keys that are not the gazetteer's (exonyms, regions), to their rows (all whole names, all a place's own).
    extra: dict[str, np.ndarray]
    # Keys the gazetteer only ever writes as upper-case codes ("KBL", "MAC").
    code_only: frozenset[str]
    notable: np.ndarray
    firm: np.ndarray
    # Rows that an upper-case code may stand for (countries, provinces, regions), and each country's own row(s).
    coded: np.ndarray
    country_rows: dict[str, np.ndarray]
    english: frozenset[str]
    # The places' text columns as arrays, read once: a pandas column of strings to numpy costs a millisecond a
    # report otherwise (most of the time a short report took).
    columns: dict[str, np.ndarray]

    @property
    def key_count(self) -> int:
        return len(self.index.names.keys)


@dataclass
class _Match:
    start: int
    end: int
    key: str
    rows: np.ndarray
    whole: np.ndarray
    # Whether the key is each place's own name, not one of its aliases: an everyday word counts for a place of
    # note only as that place's name ("China", "Swat"), not as an alias ("Federal" of Washington, "Garden" of
    # Singapore).
    primary: np.ndarray
    kind: str = ""
    place_end: int = 0
    compound: bool = False


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    """The automaton over every gazetteer key, and what the rules and the ranking read of each place.

    It is built on the geocoder's name index (shipped prebuilt with the data) and the columns
    its scoring reads: a run loads arrays and reads no alternate names. The automaton itself
    is built in each process: for the 240,000 keys of the dense gazetteer that takes ~0.25 s,
    and reading a saved one back (pyahocorasick's ``load``, 47 MB) took ~0.37 s.
    """
    from geomap import cache

    gazetteer = _index()
    names = gazetteer.names
    index = index_of(pd.concat([gazetteer.places, _regions()], ignore_index=True), names)
    places = index.places
    kind = places["kind"].to_numpy(dtype=object)
    country = index.country_of
    is_country = kind == "country"
    countries = set(country[is_country])
    extra: dict[str, np.ndarray] = {}
    for name, code in [*lexicon.EXONYMS.items(), *lexicon.ARABIC_EXONYMS.items()]:
        if code in countries:
            extra[normalize(name)] = np.flatnonzero(is_country & (country == code))
    identifier = places["gazetteer_id"].to_numpy(dtype=object)
    for gazetteer_id, aliases in lexicon.ALIASES.items():
        for key in map(normalize, aliases):
            extra[key] = np.flatnonzero(identifier == gazetteer_id)
    first_region = len(gazetteer.places)
    for row, (name, alternates, *_) in enumerate(lexicon.REGIONS, start=first_region):
        for key in {normalize(n) for n in [name, *filter(None, alternates.split("|"))]}:
            extra[key] = np.append(extra.get(key, np.array([], dtype=np.int64)), row)
    words = [*names.keys, *sorted(k for k in extra if k not in names.position)]
    inputs = names.stamp.encode()
    modules = (__name__, "geomap.extract.lexicon")
    automaton = _build_automaton(words)
    code_only = cache.cached_arrays("extract-codes", lambda: {"code_only": sorted(_code_only(datasets.gazetteer()))},
                                    inputs, modules)["code_only"]
    layer = places["layer"].to_numpy(dtype=object)
    ours = np.arange(len(places)) >= first_region
    notable = np.isin(kind, list(_NOTABLE_KINDS)) | (layer == "curated") | ours \
        | (index.importance >= _NOTABLE_IMPORTANCE)
    # Admin units, crossings and valleys of the region's towns-and-cities layer, the curated places, the places UCDP
    # coders chose for events and the regions news names keep a name that is also a word ("Swat police said"); a
    # district or tehsil known only from its polygon does not ("Burka sales rose", "Drug abuse").
    regional = np.isin(layer, ["regional", "curated", "ucdp"]) | ours
    firm = np.isin(kind, ["country", "capital", "province"]) | (np.isin(kind, list(_FIRM_KINDS)) & regional)
    country_row = np.flatnonzero(is_country)
    country_rows = {code: rows for code, rows in pd.Series(country_row).groupby(country[country_row]).agg(
        lambda rows: rows.to_numpy()).items()}
    columns = {"name": places["name"].to_numpy(dtype=object), "kind": kind, "layer": layer, "gazetteer_id": identifier,
               "province": places["province"].fillna("").to_numpy(dtype=object)}
    return _Lexicon(words=words, automaton=automaton, index=index, extra=extra, code_only=frozenset(code_only),
                    notable=notable, firm=firm, coded=np.isin(kind, list(lexicon.CODE_KINDS)),
                    country_rows=country_rows, english=datasets.english_words() | lexicon.COMMON_WORDS,
                    columns=columns)


def _regions() -> pd.DataFrame:
    """The regions the extractor knows (:data:`lexicon.REGIONS`) as places, in the columns the geocoder reads."""
    return pd.DataFrame([{
        "gazetteer_id": _EXTRACT_ID + normalize(name).replace(" ", "-"), "name": name, "kind": kind,
        "country": country, "province": "", "province_code": "", "district": "", "tehsil": "", "former_district": "",
        "latitude": np.nan if lat is None else lat, "longitude": np.nan if lon is None else lon,
        "precision": precision, "importance": _REGION_IMPORTANCE, "layer": "world"}
        for name, _, kind, country, lat, lon, precision, _ in lexicon.REGIONS])


def _candidates(lex: _Lexicon, key: str, position: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows a key may stand for, whether each carries it as a whole name, and whether as its own name."""
    names = lex.index.names
    if position is None:
        position = names.position.get(key, lex.key_count)
    if position < lex.key_count:
        first, last = names.starts[position], names.starts[position + 1]
        rows, whole, primary = names.rows[first:last].astype(np.int64), names.whole[first:last], \
            names.primary[first:last]
    else:
        rows, whole, primary = _EMPTY
    if key in lex.extra:
        found = lex.extra[key]
        rows = np.concatenate([rows, found])
        whole = np.concatenate([whole, np.ones(len(found), dtype=bool)])
        primary = np.concatenate([primary, np.ones(len(found), dtype=bool)])  # an exonym is the name reports use
    return rows, whole, primary


def _build_automaton(words: list[str]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    for position, word in enumerate(words):
        automaton.add_word(word, position)
    automaton.make_automaton()
    return automaton


def _code_only(places: pd.DataFrame) -> set[str]:
    raw = (places["name"] + "|" + places["alt_names"].fillna("")).str.split("|").explode()
    raw = raw[raw.str.len() > 0]
    forms = pd.DataFrame({"key": raw.map(normalize), "code": raw.map(lambda n: n.isupper() and len(n) <= 5)})
    codes = forms.groupby("key")["code"].all()
    return set(codes[codes].index)


class _Context:
    """What the rules ask of the text around a match, computed once per report."""

    def __init__(self, text: str, pieces: list[Sentence], lex: _Lexicon) -> None:
        self.text = text
        self.lex = lex
        self.sentence_starts = [s.start for s in pieces]
        self.pieces = pieces
        self.first_words = [_first_word(text, s.start, s.end) for s in pieces]
        self.lower_words = frozenset(re.findall(r"(?<![\w'’-])[a-z]{3,}(?![\w'’-])", text))
        self.organisations = sorted(m.span() for pattern in (lexicon.ORGANISATIONS, lexicon.ARABIC_ORGANISATIONS)
                                    for m in pattern.finditer(text))
        self.persons = _persons(text, lex)
        self.blocked = sorted(self.organisations + self.persons)
        self.blocked_starts = [s for s, _ in self.blocked]
        self.longest_block = max((e - s for s, e in self.blocked), default=0)

    def sentence_of(self, position: int) -> int:
        number = bisect.bisect_right(self.sentence_starts, position) - 1
        return number if number >= 0 and position < self.pieces[number].end else -1

    def initial(self, position: int) -> bool:
        """A capital here is no evidence: the sentence's first word, or a word of a title-case heading."""
        number = self.sentence_of(position)
        if number < 0:
            return True
        return self.pieces[number].title_case or self.first_words[number] == position

    def title_case(self, position: int) -> bool:
        number = self.sentence_of(position)
        return number >= 0 and self.pieces[number].title_case

    def is_blocked(self, start: int, end: int) -> bool:
        first = bisect.bisect_left(self.blocked_starts, start - self.longest_block)
        for s, e in self.blocked[first:]:
            if s >= end:
                break
            if s < end and start < e:
                return True
        return False

    def everyday(self, key: str) -> bool:
        """Every word of the name is an everyday English word, or written in lower case elsewhere in the report."""
        return all(w in self.lex.english or w in self.lower_words for w in key.split())


def _first_word(text: str, start: int, end: int) -> int:
    match = re.compile(r"\w").search(text, start, end)
    return match.start() if match else start


def find_mentions(text: str, pieces: list[Sentence]) -> pd.DataFrame:
    """Every place mention of ``text``, resolved, one row each (columns :data:`MENTION_COLUMNS`)."""
    lex = _lexicon()
    context = _Context(text, pieces, lex)
    kept, pending = [], []
    for match in _raw_matches(text, lex):
        verdict = _verdict(match, context)
        if verdict is _KEEP:
            kept.append(match)
        elif verdict is _LISTED:
            pending.append(match)
    matches = _with_listed(text, _longest(kept + _compound_matches(text, lex)), pending)
    matches = _drop_person_tokens(text, matches, context, lex)
    for match in matches:
        _attach_kind(text, match)
    return _resolve(text, matches, context, lex)


def _raw_matches(text: str, lex: _Lexicon) -> list[_Match]:
    folded, origin = fold_with_offsets(text)
    found = []
    for last, position in lex.automaton.iter(folded):
        key = lex.words[position]
        first = last - len(key) + 1
        if (first > 0 and folded[first - 1] != " ") or (last + 1 < len(folded) and folded[last + 1] != " "):
            continue  # inside a longer word
        start = origin[first]
        head = text[start]
        if not (head.isupper() or is_arabic(head)) or len(key.replace(" ", "")) < 2:
            continue  # the common case, settled before any lookup: a lower-case word is no name
        rows, whole, primary = _candidates(lex, key, position)
        if len(rows):
            found.append(_Match(start, origin[last] + 1, key, rows, whole, primary))
    return found


def _compound_matches(text: str, lex: _Lexicon) -> list[_Match]:
    """The short country forms of a compound ("Pak" and "Afghan" in "Pak-Afghan border"), as country mentions."""
    found = []
    for compound in lexicon.COMPOUND.finditer(text):
        parts = list(re.finditer(r"[^\W\d_]+", compound.group(0)))
        keys = [normalize(p.group(0)) for p in parts]
        if not all(_is_compound_part(part.group(0), lex) for part in parts):
            continue
        if not any(k in lexicon.COMPOUND_FORMS for k in keys):
            continue
        for part, key in zip(parts, keys, strict=True):
            code = lexicon.COMPOUND_FORMS.get(key)
            if code is None:
                continue
            rows = lex.country_rows.get(code, np.array([], dtype=np.int64))
            if len(rows):
                start = compound.start() + part.start()
                every = np.ones(len(rows), dtype=bool)
                found.append(_Match(start, start + len(part.group(0)), key, rows, every, every,
                                    compound=True))
    return found


def _persons(text: str, lex: _Lexicon) -> list[tuple[int, int]]:
    """Capitalised names that are people: after a title ("minister, Attaullah Tarar", "spokesman Mujahid"), or
    two or more names opening with a common given name ("Zahid Saleem"). A run that is itself a known place of
    note is not a person, even after a title ("an official, Balochistan, ...")."""
    found = []
    for start, end in capitalised_runs(text, 0, len(text)):
        run = text[start:end]
        words = run.split()
        titled = lexicon.TITLES.search(text[max(0, start - 40):start])
        named = len(words) >= 2 and normalize(words[0]) in lexicon.PERSONAL_NAMES
        if not (titled or named):
            continue
        rows = _candidates(lex, normalize(run))[0]
        if lex.notable[rows].any():
            continue
        found.append((start, end))
    return found


_KEEP, _DROP, _LISTED = "keep", "drop", "listed"
# Between places of one list, or a place and the larger place it is in: "Khost, Spinwam and Mir Ali", "Spinwam, North
# Waziristan".
_LIST_BEFORE = re.compile(r"\s*(?:,|,?\s+and|,?\s+or|&)\s*")
_LIST_AFTER = re.compile(r"\s*,\s*")


def _verdict(match: _Match, context: _Context) -> str:
    """A place (``keep``), not one (``drop``), or a minor place's name that needs a place beside it (``listed``)."""
    kept = _is_place(match, context)
    return _KEEP if kept is True else _LISTED if kept is None else _DROP


def _with_listed(text: str, kept: list[_Match], pending: list[_Match]) -> list[_Match]:
    """Add the minor places named in a list with, or in apposition to, a place already found."""
    starts = [m.start for m in kept]
    for match in pending:
        at = bisect.bisect_left(starts, match.start)
        previous, following = (kept[at - 1] if at else None), (kept[at] if at < len(kept) else None)
        if (previous and previous.end > match.start) or (following and following.start < match.end):
            continue  # overlaps a place already found
        listed = (previous and _LIST_BEFORE.fullmatch(text, previous.end, match.start)) or \
            (following and _LIST_AFTER.fullmatch(text, match.end, following.start))
        if listed:
            kept.insert(at, match)
            starts.insert(at, match.start)
    return kept


def _is_place(match: _Match, context: _Context) -> bool | None:
    """True: a place; False: not one; None: a minor place's name that counts only beside another place."""
    text, lex = context.text, context.lex
    surface = text[match.start:match.end]
    if context.is_blocked(match.start, match.end):
        return False
    if is_arabic(surface):
        return _is_arabic_place(match, context)
    words = re.findall(r"[^\W\d_]+", surface)
    if not words or not words[0][:1].isupper():
        return False
    if any(not w[:1].isupper() and w.lower() not in lexicon.CONNECTORS for w in words):
        return False
    key = match.key
    letters = "".join(words)
    if letters.isupper() and len(letters) > 1:
        # An upper-case code is a place only when reports use it for one ("US", "UAE", "KP"), never "US$";
        # another short word in capitals is an acronym ("USDA", "NASA") unless it is a firm place ("KABUL").
        if key.replace(" ", "") in lexicon.CODE_NAMES and text[match.end:match.end + 1] != "$":
            return _narrow(match, lex.coded[match.rows])
        if len(letters) <= _SHORT_CODE or key in lex.code_only or \
                len(letters) <= _ACRONYM and not _narrow(match, lex.firm[match.rows]):
            return False
    if normalize(surface) in lexicon.DEMONYMS or key in lexicon.STOPWORDS or key in lexicon.CALENDAR_WORDS:
        return False
    if key in lex.code_only:
        return False
    # A key that is a name only once a kind word is stripped ("University" of "University Town") is not that place.
    if not _narrow(match, match.whole | lex.notable[match.rows]):
        return False
    evidence = _kind_evidence(text, match) or bool(
        lexicon.LOCATIVE_BEFORE.search(text[max(0, match.start - 25):match.start]))
    notable, firm = lex.notable[match.rows], lex.firm[match.rows]
    if lexicon.SPEECH_AFTER.match(text[match.end:match.end + 24]) and not (evidence or firm.any()):
        return False  # "Saleem said": a speaker
    if _inside_a_name(text, match, context):
        return False
    initial = context.initial(match.start)
    if any(w in lexicon.COMMON_WORDS for w in key.split()) or all(w in lexicon.PERSONAL_NAMES for w in key.split()):
        return evidence
    if context.everyday(key):
        own_name = match.primary | (key in lex.extra)  # an exonym is the name reports use
        if (firm & own_name).any():
            return _narrow(match, firm & own_name)
        if (notable & own_name).any() and not initial:
            return _narrow(match, notable & own_name)
        return evidence
    if evidence:
        return True
    if notable.any():
        # A bare capitalised name stands for its places of note: "Kashmir" is the region, not a village of that name.
        return _narrow(match, notable)
    return None if not initial else False


def _narrow(match: _Match, keep: np.ndarray) -> bool:
    """Keep only the candidates ``keep`` marks; False when none is left."""
    match.rows, match.whole, match.primary = match.rows[keep], match.whole[keep], match.primary[keep]
    return bool(len(match.rows))


def _kind_evidence(text: str, match: _Match) -> bool:
    return bool(lexicon.TRAILING_KIND.match(text[match.end:match.end + 40])
                or lexicon.LEADING_KIND.search(text[max(0, match.start - 40):match.start]))


_ARABIC_WORD_BEFORE = re.compile("([" + lexicon.ARABIC_LETTERS + "]+)[\\s\u200c]*$")
_ARABIC_WORD_AFTER = re.compile("[\\s\u200c]*([" + lexicon.ARABIC_LETTERS + "]+)")


def _arabic_neighbours(text: str, match: _Match) -> tuple[str, str]:
    before = _ARABIC_WORD_BEFORE.search(text[max(0, match.start - 30):match.start])
    after = _ARABIC_WORD_AFTER.match(text, match.end)
    return (normalize(before.group(1)) if before else ""), (normalize(after.group(1)) if after else "")


def _is_arabic_place(match: _Match, context: _Context) -> bool:
    key = match.key
    if key in lexicon.ARABIC_STOPWORDS:
        return False
    letters = len(key.replace(" ", ""))
    before, after = _arabic_neighbours(context.text, match)
    kind = before in lexicon.ARABIC_KIND_BEFORE or after in lexicon.ARABIC_KIND_AFTER
    locative = before in lexicon.ARABIC_LOCATIVE_BEFORE or after in lexicon.ARABIC_LOCATIVE_AFTER
    notable = context.lex.notable[match.rows]
    if notable.any() and letters >= 3:
        return letters >= _MIN_ARABIC_LETTERS or _narrow(match, notable)
    return (letters >= _MIN_ARABIC_LETTERS and (kind or locative)) or (letters >= 3 and kind)


def _inside_a_name(text: str, match: _Match, context: _Context) -> bool:
    """True when the match is part of a longer capitalised name that is not a place ("Khawaja Asif", "Pakistan Army").

    Companion words ("North", "District", "Airport"), the capitalised first word of a
    sentence, and the other places of a hyphenated compound ("Afghanistan-Pakistan") do not count.
    """
    for start, end in capitalised_runs(text, max(0, match.start - 60), min(len(text), match.end + 60)):
        if start <= match.start and match.end <= end:
            tail = re.sub(r"^['’]s\b", "", text[match.end:end])  # "Pakistan's": the possessive is no word
            before = re.findall(r"[^\W\d_]+(?:['’]s)?", text[start:match.start])
            if start < match.start and context.initial(start) and before and (
                    context.title_case(start) or context.everyday(normalize(before[0]))):
                # A heading's words, and a sentence's first word, are capitalised whatever they are ("Yesterday
                # Khost ..."); but a first word that is no everyday word is a name's ("Kuki Khel area was shelled").
                before = before[1:]
            partners = _compound_partners(text[start:match.start], tail, context.lex)
            others = before + re.findall(r"[^\W\d_]+", tail)
            return any(w.lower() not in lexicon.PLACE_COMPANIONS for w in others
                       if w.lower() not in lexicon.CONNECTORS and not w.lower().endswith(("'s", "’s"))
                       and w not in partners)
    return False


def _compound_partners(before: str, tail: str, lex: _Lexicon) -> set[str]:
    """The words of the places hyphenated to a match: "Afghanistan" in "Afghanistan-Pakistan", "Spin Boldak" in
    "Chaman-Spin Boldak" (a partner may be several words long)."""
    partners: set[str] = set()
    for pieces in (re.search(r"((?:[^\W\d_]+[ /–-])*[^\W\d_]+)[/–-]$", before),
                   re.match(r"[/–-]((?:[^\W\d_]+[ /–-])*[^\W\d_]+)", tail)):
        if not pieces:
            continue
        for part in re.split(r"[-/–]", pieces.group(1)):
            words = part.split()
            spans = [words[i:j] for i in range(len(words)) for j in range(len(words), i, -1)]
            for span in spans:
                if _is_compound_part(" ".join(span), lex):
                    partners.update(span)
                    break
    return partners


def _is_compound_part(word: str, lex: _Lexicon) -> bool:
    """A part of a hyphenated compound that is a place of note ("Pakistan", "Chaman") or a country's short form."""
    key = normalize(word)
    return key in lexicon.COMPOUND_FORMS or bool(lex.notable[_candidates(lex, key)[0]].any())


def _longest(matches: list[_Match]) -> list[_Match]:
    """Leftmost-longest non-overlapping matches: "North Waziristan", not "Waziristan"."""
    kept: list[_Match] = []
    for match in sorted(matches, key=lambda m: (m.start, -(m.end - m.start))):
        if not kept or match.start >= kept[-1].end:
            kept.append(match)
        elif match.end - match.start > kept[-1].end - kept[-1].start and match.start < kept[-1].end:
            kept[-1] = match
    return kept


def _drop_person_tokens(text: str, matches: list[_Match], context: _Context, lex: _Lexicon) -> list[_Match]:
    """A one-word match equal to a word of a person's name seen in the text ("Tarar said") is that person.

    A place of note keeps its name even so: one "official Balochistan, Zahid Saleem" does not
    make every later "Balochistan" a person.
    """
    person_words = {w.lower() for start, end in context.persons for w in re.findall(r"[^\W\d_]+", text[start:end])}
    return [m for m in matches
            if not (text[m.start:m.end].lower() in person_words and " " not in text[m.start:m.end]
                    and not lex.notable[m.rows].any())]


def _attach_kind(text: str, match: _Match) -> None:
    if is_arabic(text[match.start:match.end]):
        before, after = _arabic_neighbours(text, match)
        match.place_end = match.end
        if after in lexicon.ARABIC_KIND_AFTER:
            match.kind = lexicon.ARABIC_KIND_AFTER[after]
            found = _ARABIC_WORD_AFTER.match(text, match.end)
            match.place_end = found.end() if match.kind else match.end
        elif before in lexicon.ARABIC_KIND_BEFORE:
            match.kind = lexicon.ARABIC_KIND_BEFORE[before]
        return
    trailing = lexicon.TRAILING_KIND.match(text[match.end:match.end + 60])
    match.place_end = match.end + (trailing.end() if trailing else 0)
    _, match.kind = split_kind(text[match.start:match.place_end])
    leading = lexicon.LEADING_KIND.search(text[max(0, match.start - 40):match.start])
    if not match.kind and leading:
        # "the district of Khost" is a district; "Gurbuz district of Khost" and "the district in
        # Khost" put a place inside the province of Khost.
        contained = leading.group("named") or leading.group("preposition") == "in"
        match.kind = "province" if contained else split_kind(leading.group("kind"))[1]


def _resolve(text: str, matches: list[_Match], context: _Context, lex: _Lexicon) -> pd.DataFrame:
    if not matches:
        return pd.DataFrame(columns=MENTION_COLUMNS).astype({"geo_precision": "Int8"})
    index = lex.index
    lon_of, lat_of = index.lon, index.lat
    kind_of, layer_of = lex.columns["kind"], lex.columns["layer"]
    sentence_of = [context.sentence_of(m.start) for m in matches]
    scored: dict[tuple, np.ndarray] = {}  # the same name and kind word, the same base scores: once per report
    base = []
    for m in matches:
        signature = (m.kind, m.rows.tobytes(), m.whole.tobytes(), m.primary.tobytes())
        if signature not in scored:
            scored[signature] = _score(m.rows, m.whole, m.kind, "", "", index, m.primary)
        base.append(scored[signature])
    chosen = [int(np.argmax(b)) for b in base]
    named: dict[int, set[str]] = {}
    for m, pick, sentence in zip(matches, chosen, sentence_of, strict=True):
        if kind_of[m.rows[pick]] == "country":
            named.setdefault(sentence, set()).add(index.country_of[m.rows[pick]])
    totals = base
    for _ in range(2):  # context from the first choices, then once more from the improved ones
        anchors = [(lon_of[m.rows[c]], lat_of[m.rows[c]])
                   if kind_of[m.rows[c]] not in ("country", "capital", "continent") and layer_of[m.rows[c]] != "world"
                   and np.isfinite(lat_of[m.rows[c]]) else None for m, c in zip(matches, chosen, strict=True)]
        totals = [base[i] + _context_bonus(i, m, anchors, named.get(sentence_of[i], set()), index, lon_of, lat_of,
                                           kind_of) if len(m.rows) > 1 else base[i] for i, m in enumerate(matches)]
        chosen = [int(np.argmax(total)) for total in totals]
    picked = np.array([m.rows[c] for m, c in zip(matches, chosen, strict=True)])
    unsure = np.array([_tied_elsewhere(m.rows, total, c, lon_of, lat_of)
                       for m, total, c in zip(matches, totals, chosen, strict=True)], dtype=bool)
    placed = np.flatnonzero(~unsure)
    latitude, longitude = np.full(len(matches), np.nan), np.full(len(matches), np.nan)
    latitude[placed], longitude[placed] = lat_of[picked[placed]], lon_of[picked[placed]]
    precision = pd.array([pd.NA] * len(matches), dtype="Int8")
    precision[placed] = index.precision[picked[placed]]
    def chosen_or_blank(values: np.ndarray) -> np.ndarray:
        return np.where(unsure, "", values[picked])

    frame = pd.DataFrame({
        "place": [text[m.start:m.place_end] for m in matches],
        "span_start": [m.start for m in matches], "span_end": [m.place_end for m in matches],
        "gazetteer_name": chosen_or_blank(lex.columns["name"]),
        "latitude": latitude, "longitude": longitude, "feature_kind": chosen_or_blank(kind_of),
        "geo_precision": precision, "gazetteer_id": chosen_or_blank(lex.columns["gazetteer_id"]),
        "country": chosen_or_blank(index.country_of),
        "province": chosen_or_blank(lex.columns["province"]), "sentence": sentence_of})
    return frame[MENTION_COLUMNS]


def _tied_elsewhere(rows: np.ndarray, total: np.ndarray, chosen: int, lon_of: np.ndarray, lat_of: np.ndarray) -> bool:
    """Whether another reading far from the chosen one scores as well: homonymous villages the text does not tell
    apart ("Shawal area" with no other place beside it). Such a mention is kept, unplaced: on UCDP coders' place
    descriptions of 2011-2021, three in four such choices were the wrong village (benchmarks/extract.py)."""
    if len(rows) < 2:
        return False
    rivals = total >= total[chosen] - _TIE
    rivals[chosen] = False
    if not rivals.any():
        return False
    apart = distance_km(lon_of[rows[rivals]], lat_of[rows[rivals]], lon_of[rows[chosen]], lat_of[rows[chosen]])
    return bool(np.any(apart > settings.AMBIGUOUS_KM))


def _context_bonus(i: int, match: _Match, anchors, countries: set[str], index: _Index, lon_of, lat_of,
                   kind_of) -> np.ndarray:
    rows = match.rows
    bonus = np.zeros(len(rows))
    if countries:
        bonus += np.where(np.isin(index.country_of[rows], list(countries)) & (kind_of[rows] != "country"),
                          _COUNTRY_BONUS, 0.0)
    window = anchors[max(0, i - _CONTEXT_WINDOW):i] + anchors[i + 1:i + 1 + _CONTEXT_WINDOW]
    others = [a for a in window if a is not None]
    if others:
        lon, lat = np.array(others).T
        nearest = distance_km(lon_of[rows][:, None], lat_of[rows][:, None], lon[None, :], lat[None, :]).min(axis=1)
        nearest = np.where(np.isfinite(nearest), nearest, np.inf)
        bonus += np.where(nearest < _NEAR_KM, _NEAR_BONUS, np.where(nearest < _REGION_KM, _REGION_BONUS, 0.0))
    return bonus
