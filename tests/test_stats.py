"""geomap.stats: the tables analysts ask for, from a joined frame built in code."""

from __future__ import annotations

import pandas as pd
import pytest

from geomap import InputError, join, stats


@pytest.fixture(scope="module")
def joined() -> pd.DataFrame:
    return join(pd.DataFrame({
        "latitude": [34.115, 34.12, 32.52, 34.5], "longitude": [71.085, 71.09, 69.28, 69.2],
        "event_date": ["2025-10-13", "2025-10-14", "2025-10-20", "2025-11-03"],
        "date_precision": ["day", "week", "day", "month"], "fatalities": [2, None, 5, 1], "geo_precision": [1, 1, 1, 1],
    }))


def test_by_crossing_counts_incidents_near_each_crossing(joined):
    table = stats.by_crossing(joined)
    assert table.iloc[0]["nearest_crossing"] == "Torkham" and table.iloc[0]["incidents"] == 2
    assert "Kabul" not in table["nearest_crossing"].tolist() or table["incidents"].sum() == 3


def test_by_segment_lists_every_piece_of_the_border(joined):
    table = stats.by_segment(joined)
    assert len(table) == 56 and table["to_km"].iloc[-1] == pytest.approx(2761.6)
    assert table["incidents"].sum() == 3  # Kabul is more than 50 km from the border


def test_by_week_fills_empty_weeks_and_counts_imprecise_dates(joined):
    table = stats.by_week(joined)
    # The month-precise incident of November counts in the week its month starts in (27 Oct - 2 Nov).
    assert table["week"].tolist() == ["2025-10-13", "2025-10-20", "2025-10-27"]
    assert table["incidents"].tolist() == [2, 1, 1]
    assert table["dated_to_week_or_month"].tolist() == [1, 0, 1]


def test_by_province_and_side_uncertain(joined):
    table = stats.by_province(joined)
    assert set(table["side"]) <= {"AF", "PK"} and table["incidents"].sum() == 4
    assert table["side_uncertain"].sum() >= 2  # two points within 2 km of Torkham


def test_write_makes_csv_and_png_per_table(joined, tmp_path):
    written = stats.write(joined, tmp_path / "out")
    assert sorted(p.name for p in written) == sorted(f"{n}.{ext}" for n in stats.TABLES for ext in ("csv", "png"))
    assert all(p.stat().st_size > 0 for p in written)


def test_unjoined_frame_is_refused():
    with pytest.raises(InputError, match="joined"):
        stats.by_province(pd.DataFrame({"place": ["Khost"]}))
