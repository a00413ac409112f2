"""load -> geocode -> join -> write: the one function the CLI and notebooks both call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from geomap import settings
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


def run(input_path: str | Path | None = None, output: str | Path | None = None, *, stage: str = "join",
        place_column: str | None = None, country_column: str | None = None, province_column: str | None = None,
        title: str | None = None, tiles: str | None = None, offline: bool = False,
        bands: tuple[float, ...] | None = None, aggregate_above: int | None = None, rejects: str | Path | None = None,
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
    rejects
        Optional CSV file for the rows that could not be located, with ``input_row`` and
        ``reject_reason`` (they stay in table outputs too; a map cannot draw them).
    progress
        Optional callback for progress reports.

    Returns
    -------
    (pandas.DataFrame, Summary)
        Every input row, enriched; and the run's accounting.
    """
    report = progress or (lambda _stage, _fraction: None)
    source = Path(input_path) if input_path is not None else sample_path()
    target = rejects_path = None
    if output is not None:
        target = check_output(output, source, allowed=(".html", ".htm", ".csv", ".geojson", ".parquet", ".gpkg"))
    if rejects is not None:
        rejects_path = check_output(rejects, source, allowed=(".csv",))

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
    rejected = unlocated(frame, place_column)
    if rejects_path is not None:
        write_table(rejected, rejects_path)
    report("done", 1.0)
    return frame, Summary.of(frame, written, target, rejected, rejects_path)
