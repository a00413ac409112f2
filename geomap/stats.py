"""Tables of joined incidents — by province, crossing, piece of border and week — and their charts.

The same functions serve notebooks and ``geomap stats``. Each takes the output of
:func:`geomap.join` and returns a new frame; :func:`write` saves every table as CSV and as a
PNG chart (matplotlib, Agg backend, so no display is needed).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from geomap import datasets, settings
from geomap.dates import incident_window, week_start
from geomap.errors import InputError

TABLES = ("by_province", "by_crossing", "by_segment", "by_week")
#: The files :func:`write` puts in its folder: each table as CSV and as a PNG chart.
FILES = tuple(f"{name}{suffix}" for name in TABLES for suffix in (".csv", ".png"))


def by_province(incidents: pd.DataFrame) -> pd.DataFrame:
    """Incidents and fatalities per province (with its country), most incidents first."""
    frame = _joined(incidents)
    located = frame[frame["province"].fillna("") != ""]
    return (located.groupby(["side", "province"]).agg(incidents=("province", "size"), fatalities=("_fatalities", "sum"),
                                                     side_uncertain=("_uncertain", "sum"))
            .sort_values("incidents", ascending=False).reset_index())


def by_crossing(incidents: pd.DataFrame, within_km: float = 50.0) -> pd.DataFrame:
    """Incidents within ``within_km`` of each crossing or pass (nearest crossing), with the median distance."""
    frame = _joined(incidents)
    near = frame[pd.to_numeric(frame["crossing_distance_km"], errors="coerce") <= within_km]
    return (near.groupby("nearest_crossing").agg(incidents=("nearest_crossing", "size"),
                                                 fatalities=("_fatalities", "sum"),
                                                 median_km=("crossing_distance_km", "median"))
            .sort_values("incidents", ascending=False).reset_index())


def by_segment(incidents: pd.DataFrame, segment_km: float | None = None, within_km: float = 50.0) -> pd.DataFrame:
    """Incidents within ``within_km`` of the border per piece of ``segment_km`` along it, north to south.

    Every piece is listed, those without incidents too, so the table reads as a profile of the line.
    """
    segment_km = segment_km or settings.SEGMENT_KM
    frame = _joined(incidents)
    near = frame[pd.to_numeric(frame["border_distance_km"], errors="coerce") <= within_km]
    index = np.floor(pd.to_numeric(near["border_position_km"]) / segment_km).astype(int)
    length_km = datasets.border_index().length_km
    pieces = int(np.ceil(length_km / segment_km))
    counts = near.groupby(index).agg(incidents=("border_position_km", "size"), fatalities=("_fatalities", "sum"))
    counts = counts.reindex(range(pieces), fill_value=0)
    to_km = np.minimum((counts.index + 1) * segment_km, round(length_km, 1))
    return pd.DataFrame({"from_km": counts.index * segment_km, "to_km": to_km,
                         "incidents": counts["incidents"].to_numpy(), "fatalities": counts["fatalities"].to_numpy()})


def by_week(incidents: pd.DataFrame) -> pd.DataFrame:
    """Incidents per week (Monday start), and how many of them are dated only to the week or month.

    An incident counts in the week its known window starts in: a month-precise one in the
    week holding the 1st of its month. Weeks without incidents are listed with zeros.
    """
    frame = _joined(incidents)
    window = incident_window(frame)
    dated = window["start"].notna()
    weeks = week_start(window.loc[dated, "start"])
    imprecise = window.loc[dated, "precision"] != "day"
    table = pd.DataFrame({"week": weeks, "imprecise": imprecise, "fatalities": frame.loc[dated, "_fatalities"]})
    out = table.groupby("week").agg(incidents=("week", "size"), dated_to_week_or_month=("imprecise", "sum"),
                                    fatalities=("fatalities", "sum"))
    if len(out):
        out = out.reindex(pd.date_range(out.index.min(), out.index.max(), freq="7D"), fill_value=0)
    out.index.name = "week"
    return out.reset_index().assign(week=lambda t: t["week"].dt.date.astype(str))


def tables(incidents: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """All four tables, by name (:data:`TABLES`)."""
    return {name: globals()[name](incidents) for name in TABLES}


def write(incidents: pd.DataFrame, directory: str | Path) -> list[Path]:
    """Write each table as ``NAME.csv`` and a chart as ``NAME.png`` into ``directory``.

    The folder is written beside ``directory`` and renamed into place when complete, so an
    interrupted run leaves the old folder as it was. An existing ``directory`` is replaced only
    if it holds nothing but these files; a folder with anything else in it is refused.
    """
    from geomap.io import atomic_folder

    directory = Path(directory)
    with atomic_folder(directory, owned=FILES) as folder:
        for name, table in tables(incidents).items():
            table.to_csv(folder / f"{name}.csv", index=False)
            _chart(name, table, folder / f"{name}.png")
    return [directory / name for name in FILES]


def check_output(directory: str | Path) -> Path:
    """Refuse, before any work, a folder :func:`write` would refuse (a file, or a folder of other files)."""
    from geomap.io import check_folder

    return check_folder(directory, FILES)


def _joined(incidents: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in ("side", "province", "border_distance_km", "border_position_km", "nearest_crossing",
                           "crossing_distance_km") if c not in incidents]
    if missing:
        raise InputError(f"stats need joined incidents (geomap.join); missing columns: {', '.join(missing)}")
    fatalities = pd.to_numeric(incidents["fatalities"], errors="coerce") if "fatalities" in incidents else 0
    uncertain = incidents["side_uncertain"].fillna(False).astype(bool) if "side_uncertain" in incidents else False
    return incidents.assign(_fatalities=pd.Series(fatalities, index=incidents.index).fillna(0).astype(int),
                            _uncertain=uncertain)


_CHARTS = {
    "by_province": ("province", "Incidents by province", "barh"),
    "by_crossing": ("nearest_crossing", "Incidents within 50 km of a crossing", "barh"),
    "by_segment": ("from_km", "Incidents within 50 km of the border, by position along it (km from the north end)",
                   "bar"),
    "by_week": ("week", "Incidents per week", "bar"),
}


def _chart(name: str, table: pd.DataFrame, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    label, title, kind = _CHARTS[name]
    fig, ax = plt.subplots(figsize=(9, 4.5 if kind == "bar" else max(2.5, 0.3 * len(table) + 1)))
    if kind == "barh":
        ax.barh(table[label].astype(str)[::-1], table["incidents"][::-1], color="#3182bd")
        ax.set_xlabel("incidents")
    else:
        ax.bar(range(len(table)), table["incidents"], color="#54278f" if name == "by_segment" else "#d7301f")
        step = max(1, len(table) // 12)
        labels = [f"{v:g}" if isinstance(v, float) else str(v) for v in table[label]]
        ax.set_xticks(range(0, len(table), step), labels[::step], rotation=45, ha="right")
        ax.set_ylabel("incidents")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


__all__ = ["FILES", "TABLES", "by_crossing", "check_output", "by_province", "by_segment", "by_week", "tables", "write"]
