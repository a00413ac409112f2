"""load -> geocode -> join -> write: the one function the CLI and notebooks both call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

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
    """What a run did with every row: ``rows_in == located + unmatched``."""

    rows_in: int
    given: int
    matched: int
    ambiguous: int
    unmatched: int
    written: int
    output: str | None

    @property
    def located(self) -> int:
        return self.given + self.matched + self.ambiguous

    def as_dict(self) -> dict:
        return {**asdict(self), "located": self.located}

    @classmethod
    def of(cls, frame: pd.DataFrame, written: int, output: Path | None) -> Summary:
        return cls.from_counts(frame["geocode_status"].value_counts(), written, output)

    @classmethod
    def from_counts(cls, status: pd.Series, written: int, output: Path | None) -> Summary:
        """A summary from the count of rows per ``geocode_status``."""
        return cls(rows_in=int(status.sum()), given=int(status.get("given", 0)), matched=int(status.get("matched", 0)),
                   ambiguous=int(status.get("ambiguous", 0)), unmatched=int(status.get("unmatched", 0)),
                   written=written, output=str(output) if output else None)


ENGINES = ("local", "dask")


def run(input_path: str | Path | list[str | Path] | None = None, output: str | Path | None = None, *,
        stage: str = "join", place_column: str | None = None, country_column: str | None = None,
        province_column: str | None = None, title: str | None = None, tiles: str | None = None,
        format: str | None = None, columns: str | dict | None = None, engine: str = "local",
        scheduler: str | object | None = None, dedupe_km: float | None = None, dedupe_days: float | None = None,
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
    title, tiles
        Map options, see :func:`geomap.render`.
    format, columns
        Source format (``acled``, ``ucdp``, ``gdelt``, ``generic``; None detects it) and a
        ``"place=location,..."`` column mapping, see :mod:`geomap.sources`.
    engine, scheduler
        ``"local"`` (default) runs in this process; ``"dask"`` runs partition by partition on
        the Dask scheduler at ``scheduler`` (None: a local cluster), see :mod:`geomap.engine`.
    dedupe_km, dedupe_days
        Giving either links likely duplicates across sources (the other takes its default
        from :mod:`geomap.settings`), see :mod:`geomap.dedupe`.
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
    dedupe = None
    if dedupe_km is not None or dedupe_days is not None:
        dedupe = (settings.DEDUPE_KM if dedupe_km is None else dedupe_km,
                  settings.DEDUPE_DAYS if dedupe_days is None else dedupe_days)
    is_map = target is not None and target.suffix.lower() in (".html", ".htm")
    options = dict(format=format, columns=columns, stage="join" if stage == "join" or is_map else "geocode",
                   place_column=place_column, country_column=country_column, province_column=province_column)

    if engine == "dask":
        from geomap.engine import run_dask

        report("geocode", 0.0)
        frame, counts = run_dask(paths, target, scheduler=scheduler, dedupe=dedupe, **options)
        report("done", 1.0)
        rows = int(counts.sum())
        return frame, Summary.from_counts(counts, rows if target is not None else 0, target)

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
            write_html(render(frame, **({"title": title} if title else {}), tiles=tiles), target)
            written = int(frame["latitude"].notna().sum())
        else:
            write_table(frame, target)
            written = len(frame)
    report("done", 1.0)
    return frame, Summary.of(frame, written, target)


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
