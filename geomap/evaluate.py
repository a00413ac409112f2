"""Toponym recognition and resolution scores of ``geomap extract``, beside the geotext extractor.

A development set is a JSON file of short reports, each with its gold toponyms (the text
of each place name, in order, and the gazetteer row its coordinate was copied from). A
predicted mention is a true positive when its span overlaps a gold toponym's span (one
prediction per gold). Scores: precision, recall, F1; over the true positives whose gold
has a coordinate, the share placed within 25 km (a name found but not placed counts as
wrong); and the mean error in km on the gold toponyms every system found and placed.

The baseline, the PyPI ``geotext`` package, finds city and country names with a regular
expression and GeoNames' lists. To be fair to it, each name it finds is geocoded through
geomap's own gazetteer (with the country geotext assigns to the city as context, so a
geotext city is not pulled to a same-named place elsewhere); a name the gazetteer lacks
keeps the coordinate of the most populous city of that name in geotext's own GeoNames file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from geomap.errors import InputError
from geomap.extract import extract
from geomap.geocode import _index, resolve
from geomap.geodesy import distance_km

SCORE_COLUMNS = ["system", "precision", "recall", "f1", "acc_25km", "mean_error_km", "mean_error_own_km",
                 "shared_toponyms", "reports", "gold_toponyms", "predicted", "true_positives"]
SYSTEMS = ("geomap", "geotext")
ACCURACY_KM = 25.0


@dataclass(frozen=True)
class Toponym:
    """A place name's span in a report and its coordinate (NaN when none is known)."""

    start: int
    end: int
    latitude: float
    longitude: float


def evaluate(path: str | Path, systems: tuple[str, ...] = SYSTEMS) -> pd.DataFrame:
    """Score each system on a development set (one row per system, columns :data:`SCORE_COLUMNS`).

    ``mean_error_km`` is measured on the gold toponyms that every system found and placed,
    so the systems are compared on the same names; ``mean_error_own_km`` on each system's own.

    Raises
    ------
    InputError
        The file is missing or not a development set, a gold toponym is not in its
        report's text, or a system is unknown (geotext must be installed to be scored).
    """
    reports = load_devset(path)
    unknown = [s for s in systems if s not in SYSTEMS]
    if unknown:
        raise InputError(f"unknown system(s) {unknown!r}; choose from {', '.join(SYSTEMS)}")
    outcomes = {system: _outcomes(system, reports) for system in systems}
    errors = pd.DataFrame({system: found["error_km"] for system, found in outcomes.items()})
    shared = np.isfinite(errors).all(axis=1)
    return pd.DataFrame([_summary(system, found, errors.loc[shared, system], len(reports))
                         for system, found in outcomes.items()], columns=SCORE_COLUMNS)


def _outcomes(system: str, reports: list[dict]) -> pd.DataFrame:
    """One row per gold toponym (found or not, error in km) and the system's count of predictions."""
    predict = _geomap if system == "geomap" else _geotext
    rows, predicted = [], 0
    for report in reports:
        predictions = predict(report["text"], report.get("report_date"))
        predicted += len(predictions)
        paired = dict((id(gold), guess) for gold, guess in _pairs(report["gold"], predictions))
        for gold in report["gold"]:
            guess = paired.get(id(gold))
            error = np.nan
            if guess is not None and np.isfinite(gold.latitude):
                # A name found but not placed is an infinitely wrong placement.
                error = float(distance_km(gold.longitude, gold.latitude, guess.longitude, guess.latitude)) \
                    if np.isfinite(guess.latitude) else np.inf
            rows.append({"found": guess is not None, "has_coordinate": bool(np.isfinite(gold.latitude)),
                         "error_km": error})
    found = pd.DataFrame(rows)
    found.attrs["predicted"] = predicted
    return found


def _summary(system: str, found: pd.DataFrame, shared_errors: pd.Series, reports: int) -> list:
    predicted, true_positives = found.attrs["predicted"], int(found["found"].sum())
    precision = true_positives / predicted if predicted else 0.0
    recall = true_positives / len(found) if len(found) else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    placed = found.loc[found["found"] & found["has_coordinate"], "error_km"].to_numpy()
    accuracy = float(np.mean(placed <= ACCURACY_KM)) if len(placed) else 0.0
    own = placed[np.isfinite(placed)]
    return [system, round(precision, 3), round(recall, 3), round(f1, 3), round(accuracy, 3),
            round(float(shared_errors.mean()), 2) if len(shared_errors) else np.nan,
            round(float(own.mean()), 2) if len(own) else np.nan, int(len(shared_errors)), reports, len(found),
            predicted, true_positives]


def load_devset(path: str | Path) -> list[dict]:
    """Reports of a development set, each with ``gold`` as a list of :class:`Toponym`."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        reports = document["reports"]
    except FileNotFoundError:
        raise InputError(f"development set {str(path)!r} does not exist") from None
    except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a development set (a JSON object with 'reports'): {exc}") from None
    return [{**report, "gold": _gold_spans(report)} for report in reports]


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


def _pairs(gold: list[Toponym], predictions: list[Toponym]) -> list[tuple[Toponym, Toponym]]:
    """Gold and predicted toponyms whose spans overlap, each used once."""
    used: set[int] = set()
    pairs = []
    for item in gold:
        for number, guess in enumerate(predictions):
            if number not in used and guess.start < item.end and item.start < guess.end:
                used.add(number)
                pairs.append((item, guess))
                break
    return pairs


def _geomap(text: str, report_date: str | None) -> list[Toponym]:
    mentions = extract(text, report_date=report_date).mentions
    return [Toponym(int(m.span_start), int(m.span_end), float(m.latitude), float(m.longitude))
            for m in mentions.itertuples()]


def _geotext(text: str, report_date: str | None) -> list[Toponym]:
    try:
        from geotext import GeoText
    except ImportError:
        raise InputError("the geotext baseline needs the geotext package: pip install geotext") from None
    found = GeoText(text)
    names = [(name, found.index.countries[name.lower()], True) for name in found.countries]
    names += [(name, found.index.cities[name.lower()], False) for name in found.cities]
    return _place_geotext(text, _in_text_order(text, names))


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
    cities["key"] = cities["name"].str.lower()
    return cities.sort_values("population", ascending=False).drop_duplicates(["key", "country"])


def _geotext_city(key: str, country: str) -> tuple[float, float]:
    cities = _geotext_cities()
    hit = cities[(cities["key"] == key) & (cities["country"] == country)]
    if hit.empty:
        return float("nan"), float("nan")
    return float(hit["latitude"].iloc[0]), float(hit["longitude"].iloc[0])
