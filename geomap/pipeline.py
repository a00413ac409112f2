"""load -> geocode -> join -> write: the one function the CLI and notebooks both call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from geomap.datasets import sample_path
from geomap.geocode import geocode
from geomap.io import check_output, write_table
from geomap.join import join
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
        status = frame["geocode_status"].value_counts()
        return cls(rows_in=len(frame), given=int(status.get("given", 0)), matched=int(status.get("matched", 0)),
                   ambiguous=int(status.get("ambiguous", 0)), unmatched=int(status.get("unmatched", 0)),
                   written=written, output=str(output) if output else None)


def run(input_path: str | Path | None = None, output: str | Path | None = None, *, stage: str = "join",
        place_column: str | None = None, country_column: str | None = None, province_column: str | None = None,
        title: str | None = None, tiles: str | None = None, offline: bool = False,
        bands: tuple[float, ...] | None = None, aggregate_above: int | None = None,
        progress: Progress | None = None) -> tuple[pd.DataFrame, Summary]:
    """Run the pipeline on a file and optionally write the result.

    Parameters
    ----------
    input_path
        Incident file (CSV, GeoJSON, GeoParquet, GeoPackage); None for the bundled sample.
    output
        Where to write: ``.html`` writes the map; ``.csv``/``.geojson``/``.parquet``/``.gpkg``
        write the table. None writes nothing.
    stage
        ``"geocode"`` stops after geocoding; ``"join"`` (default) adds the border columns.
    place_column, country_column, province_column
        Input columns used by the geocoder (defaults in :mod:`geomap.settings`).
    title, tiles, offline, bands, aggregate_above
        Map options, see :func:`geomap.render`.
    progress
        Optional callback for progress reports.

    Returns
    -------
    (pandas.DataFrame, Summary)
        Every input row, enriched; and the run's accounting.
    """
    report = progress or (lambda _stage, _fraction: None)
    source = Path(input_path) if input_path is not None else sample_path()
    target = None
    if output is not None:
        target = check_output(output, source, allowed=(".html", ".htm", ".csv", ".geojson", ".parquet", ".gpkg"))

    report("load", 0.0)
    frame = load(source)
    report("geocode", 0.25)
    frame = geocode(frame, place_column, country_column, province_column)
    if stage == "join" or (target is not None and target.suffix.lower() in (".html", ".htm")):
        report("join", 0.5)
        frame = join(frame)
    report("write", 0.75)
    written = 0
    if target is not None:
        if target.suffix.lower() in (".html", ".htm"):
            fmap = render(frame, **({"title": title} if title else {}), tiles=tiles, offline=offline, bands=bands,
                          aggregate_above=aggregate_above)
            write_html(fmap, target)
            written = int(frame["latitude"].notna().sum())
        else:
            write_table(frame, target)
            written = len(frame)
    report("done", 1.0)
    return frame, Summary.of(frame, written, target)
