"""load -> geocode -> join -> write: the one function the CLI and notebooks both call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from geomap import settings
from geomap.datasets import sample_path
from geomap.dedupe import link_duplicates
from geomap.errors import InputError
from geomap.io import check_output, write_table
from geomap.load import load
from geomap.render import render, write_html

#: Called as ``progress(stage, fraction_done)`` while a run advances.
Progress = Callable[[str, float], None]
STAGES = ("load", "geocode", "join", "write")


@dataclass(frozen=True)
class Summary:
    """What a run did with every row: ``rows_in == located + unmatched``.

    ``written`` counts the rows in the output (for a map, the rows drawn); every row not
    written is in ``reasons`` (reason -> count) and, with ``rejects``, in that file.
    """

    rows_in: int
    given: int
    matched: int
    ambiguous: int
    unmatched: int
    written: int
    output: str | None
    reasons: dict[str, int] = field(default_factory=dict)
    flags: dict[str, int] = field(default_factory=dict)
    rejects: str | None = None

    @property
    def located(self) -> int:
        return self.given + self.matched + self.ambiguous

    def as_dict(self) -> dict:
        return {**asdict(self), "located": self.located}

    @classmethod
    def of(cls, frame: pd.DataFrame, written: int, output: Path | None, rejected: pd.DataFrame,
           rejects_path: Path | None = None) -> Summary:
        status = frame["geocode_status"].value_counts()
        flags = {}
        for column, prefix in (("coord_note", "coordinates "), ("date_note", "")):
            if column in frame:
                for note, count in frame[column][frame[column] != ""].value_counts().items():
                    flags[prefix + str(note)] = int(count)
        return cls(rows_in=len(frame), given=int(status.get("given", 0)), matched=int(status.get("matched", 0)),
                   ambiguous=int(status.get("ambiguous", 0)), unmatched=int(status.get("unmatched", 0)),
                   written=written, output=str(output) if output else None,
                   reasons={str(k): int(v) for k, v in rejected["reject_reason"].value_counts().items()},
                   flags=flags, rejects=str(rejects_path) if rejects_path else None)


def _from_counts(status: pd.Series, written: int, output: Path | None) -> Summary:
    """A summary from the count of rows per ``geocode_status`` (the dask engine keeps no frame)."""
    return Summary(rows_in=int(status.sum()), given=int(status.get("given", 0)), matched=int(status.get("matched", 0)),
                   ambiguous=int(status.get("ambiguous", 0)), unmatched=int(status.get("unmatched", 0)),
                   written=written, output=str(output) if output else None)


def unlocated(frame: pd.DataFrame, place_column: str | None = None) -> pd.DataFrame:
    """The rows that have no location, each with a ``reject_reason`` and its 1-based ``input_row``."""
    place_column = place_column or settings.PLACE_COLUMN
    missing = frame["latitude"].isna() | frame["longitude"].isna()
    rows = frame[missing].copy()
    place = rows[place_column].astype("string").fillna("").str.strip() if place_column in rows else ""
    note = rows["coord_note"] if "coord_note" in rows else pd.Series("", index=rows.index)
    reason = np.where(pd.Series(place, index=rows.index) == "", "no place name and no usable coordinates",
                      "place name not found in the gazetteer")
    bad_coords = note.isin(["out of range", "not finite"]).to_numpy()
    reason = np.where(bad_coords, "coordinates " + note.astype(str) + "; " + reason, reason)
    rows.insert(0, "reject_reason", reason)
    rows.insert(0, "input_row", rows.index.to_numpy() + 1 if len(rows) else [])
    return rows


ENGINES = ("local", "dask")


def run(input_path: str | Path | list[str | Path] | None = None, output: str | Path | None = None, *,
        stage: str = "join", place_column: str | None = None, country_column: str | None = None,
        province_column: str | None = None, title: str | None = None, tiles: str | None = None,
        offline: bool = False, bands: tuple[float, ...] | None = None, aggregate_above: int | None = None,
        popup_budget: int | None = None, format: str | None = None, columns: str | dict | None = None,
        engine: str = "local",
        scheduler: str | object | None = None, dedupe_km: float | None = None, dedupe_days: float | None = None,
        dedupe_within: bool = False, rejects: str | Path | None = None,
        progress: Progress | None = None) -> tuple[pd.DataFrame | None, Summary]:
    """Run the pipeline on one or more files and optionally write the result.

    Parameters
    ----------
    input_path
        Incident file (CSV, GDELT event file, GeoJSON, GeoParquet, GeoPackage), a list of them
        (read one after the other, each keeping its own ``source_dataset``), or None for the
        bundled sample.
    output
        Where to write: ``.html`` writes the map; ``.csv``/``.geojson``/``.parquet``/``.gpkg``
        write the table. None writes nothing.
    stage
        ``"geocode"`` stops after geocoding; ``"join"`` (default) adds the border columns.
    place_column, country_column, province_column
        Input columns used by the geocoder (defaults in :mod:`geomap.settings`).
    title, tiles, offline, bands, aggregate_above, popup_budget
        Map options, see :func:`geomap.render`.
    format, columns
        Source format (``acled``, ``ucdp``, ``gdelt``, ``generic``; None detects it) and a
        ``"place=location,..."`` column mapping, see :mod:`geomap.sources`.
    engine, scheduler
        ``"local"`` (default) runs in this process; ``"dask"`` runs partition by partition on
        the Dask scheduler at ``scheduler`` (None: a local cluster), see :mod:`geomap.engine`.
    dedupe_km, dedupe_days, dedupe_within
        Giving any links likely duplicates across sources (the window's other end takes its
        default from :mod:`geomap.settings`); ``dedupe_within`` links repeats within one
        source as well, see :mod:`geomap.dedupe`.
    rejects
        Optional CSV file for the rows that could not be located, with ``input_row`` and
        ``reject_reason`` (they stay in table outputs too; a map cannot draw them).
    progress
        Optional callback for progress reports.

    Returns
    -------
    (pandas.DataFrame or None, Summary)
        Every input row, enriched (None when the dask engine wrote it); and the run's accounting.
    """
    from geomap.engine import enrich

    report = progress or (lambda _stage, _fraction: None)
    paths = _paths(input_path)
    engine = _check_engine(engine)
    target = None
    if output is not None:
        allowed = (".csv", ".parquet") if engine == "dask" else (".html", ".htm", ".csv", ".geojson", ".parquet",
                                                                 ".gpkg")
        for path in paths:
            target = check_output(output, path, allowed=allowed)
    rejects_path = None
    if rejects is not None:
        if engine == "dask":
            raise InputError("--rejects is not available with --engine dask; filter geocode_status == "
                             "'unmatched' in the written output instead")
        for path in paths:
            rejects_path = check_output(rejects, path, allowed=(".csv",))
    dedupe = None
    if dedupe_km is not None or dedupe_days is not None or dedupe_within:
        dedupe = (settings.DEDUPE_KM if dedupe_km is None else dedupe_km,
                  settings.DEDUPE_DAYS if dedupe_days is None else dedupe_days, dedupe_within)
    is_map = target is not None and target.suffix.lower() in (".html", ".htm")
    options = dict(format=format, columns=columns, stage="join" if stage == "join" or is_map else "geocode",
                   place_column=place_column, country_column=country_column, province_column=province_column)

    if engine == "dask":
        from geomap.engine import run_dask

        report("geocode", 0.0)
        frame, counts = run_dask(paths, target, scheduler=scheduler, dedupe=dedupe, **options)
        report("done", 1.0)
        rows = int(counts.sum())
        return frame, _from_counts(counts, rows if target is not None else 0, target)

    report("load", 0.0)
    frames = [load(path, format, columns) for path in paths]
    if len(frames) > 1:  # rows must say which file they came from, or duplicates cannot be told apart
        frames = [f if "source_dataset" in f else f.assign(source_dataset=p.name) for f, p in zip(frames, paths,
                                                                                                 strict=True)]
    frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    report("geocode", 0.25)
    options = {k: v for k, v in options.items() if k not in ("format", "columns")}
    frame = enrich(frame, **options)
    if dedupe is not None:
        frame = link_duplicates(frame, *dedupe)
    report("write", 0.75)
    written = 0
    if target is not None:
        if is_map:
            fmap = render(frame, **({"title": title} if title else {}), tiles=tiles, offline=offline, bands=bands,
                          aggregate_above=aggregate_above, popup_budget=popup_budget)
            write_html(fmap, target)
            written = int(frame["latitude"].notna().sum())
        else:
            write_table(frame, target)
            written = len(frame)
    rejected = unlocated(frame, place_column)
    if rejects_path is not None:
        write_table(rejected, rejects_path)
    report("done", 1.0)
    return frame, Summary.of(frame, written, target, rejected, rejects_path)


def _paths(input_path) -> list[Path]:
    if input_path is None:
        return [sample_path()]
    if isinstance(input_path, (str, Path)):
        return [Path(input_path)]
    paths = [Path(p) for p in input_path]
    if not paths:
        raise InputError("no input file given")
    return paths


def _check_engine(engine: str) -> str:
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}; choose one of: {', '.join(ENGINES)}")
    return engine
