"""Real export variants read as they come: UCDP (download centre, HDX), ACLED (before 2019, re-saved), GDELT.

The small fixtures in tests/data are the project's own, shaped like the real files (see
tests/data/README.md). The real exports in ../shared/data/exports are read too when present.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from geomap.load import load
from geomap.pipeline import run

DATA = Path(__file__).parent / "data"
# ../shared beside the checkout (CI); the nearest such folder up the tree where worktrees sit deeper.
EXPORTS = next((p / "shared" / "data" / "exports" for p in Path(__file__).resolve().parents
                if (p / "shared" / "data" / "exports").is_dir()), Path(__file__).resolve().parents[2] / "shared" /
               "data" / "exports")


def _records(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_ucdp_download_centre_layout_trailing_comma_and_us_dates(tmp_path):
    path = DATA / "ucdp_gedevents_sample.csv"
    frame, summary = run(path, tmp_path / "o.csv")
    assert summary.rows_in == 3 and summary.records == 3
    assert frame["source_dataset"].tolist() == ["ucdp"] * 3
    assert frame["source_id"].tolist() == frame["id"].tolist() == ["990101", "990102", "990103"]
    # Columns stay in place: the trailing empty field is dropped, never the first column made an index.
    assert frame["relid"].tolist()[0] == "SYN-PAK-2009-1-1" and "unnamed_48" not in frame
    assert frame["fatalities"].tolist() == [8, 4, 5] and frame["fatalities_high"].tolist() == [11, 4, 7]
    assert frame["active_year"].tolist() == ["True", "False", "True"]
    # 10/13/2009 can only be month-first: the column is read so, 05/10/2009 included.
    assert frame["event_date"].tolist() == ["2009-03-27", "2009-05-10", "2009-10-13"]
    assert frame["geocode_status"].tolist() == ["given"] * 3
    assert frame["latitude"].tolist() == [32.2989, 33.0, 32.9889]
    assert any("trailing delimiter" in note for note in summary.notes)
    assert any("month-first" in note for note in summary.notes)
    assert "\n" in frame.loc[0, "source_article"]  # a quoted value over two lines stays one value


def test_ucdp_via_hdx_hxl_row_is_not_an_incident(tmp_path):
    frame, summary = run(DATA / "ucdp_hdx_sample.csv", tmp_path / "o.csv", rejects=tmp_path / "r.csv")
    assert summary.rows_in == 2 and summary.skipped == {"HXL hashtag row": 1} and summary.records == 3
    assert summary.skipped_rows[0][:2] == ("ucdp_hdx_sample.csv", 1)
    assert frame["source_id"].tolist() == ["990201", "990202"]
    assert frame["event_date"].tolist() == ["1990-10-04", "2001-12-25"]
    assert summary.unmatched == 0 and len(pd.read_csv(tmp_path / "r.csv")) == 0


def test_acled_before_2019_upper_case_columns_and_old_event_types():
    frame = load(DATA / "acled_2015_sample.csv")
    assert (frame["source_dataset"] == "acled").all()
    assert frame["source_id"].tolist() == ["SYNPAK9001", "SYNPAK9002", "SYNPAK9003"]
    assert frame["event_date"].tolist() == ["2015-01-01", "2015-02-14", "2015-03-13"]
    assert frame["event_category"].tolist() == ["battle", "explosion", "civilians"]
    assert frame["place"].tolist() == ["Miran Shah", "Landi Kotal", "Peshawar"]
    assert frame["geo_precision"].tolist() == [1, 2, 1]
    assert frame["admin1"].tolist() == ["Khyber Pakhtunkhwa"] * 3  # FATA merged into it in 2018
    assert frame["ADMIN1"].tolist()[0] == "Federally Administered Tribal Areas"  # the source's own kept
    assert frame["fatalities"].tolist() == [7, 2, 0]
    assert frame["latitude"].tolist() == [33.0, 34.0989, 34.008] and frame["country"].tolist()[0] == "Pakistan"


def test_acled_resaved_by_a_spreadsheet_two_digit_years():
    frame = load(DATA / "acled_resaved_sample.csv")
    assert frame["event_date"].tolist() == ["2020-05-09", "2020-05-13", "2020-06-21"]
    assert frame["event_date_raw"].tolist() == ["9-May-20", "13-May-20", "21-Jun-20"]
    assert (frame["date_note"] == "").all()


# --- the real exports, when they are beside the checkout --------------------------------------------

needs_exports = pytest.mark.skipif(not EXPORTS.is_dir(), reason=f"real exports not found at {EXPORTS} "
                                   "(they are in ../shared/data/exports in CI, not in a fresh clone)")


@needs_exports
@pytest.mark.parametrize(("name", "events"), [("ucdp_ged_pak_hdx.csv", 6416), ("ucdp_ged_pak_gedevents.csv", 5834)])
def test_real_ucdp_exports_every_row_with_its_own_id_and_coordinates(tmp_path, name, events):
    path = EXPORTS / name
    frame, summary = run(path, tmp_path / "o.csv", rejects=tmp_path / "r.csv")
    source = [r for r in _records(path) if r["id"] and not r["id"].startswith("#")]
    assert len(source) == events
    assert summary.rows_in == events == len(pd.read_csv(tmp_path / "o.csv", usecols=["id"]))
    assert summary.records == events + (1 if "hdx" in name else 0)  # the HXL row, accounted and not counted
    assert frame["source_id"].tolist() == [r["id"] for r in source]
    assert (frame["geocode_status"] == "given").all() and summary.given == events
    assert frame["latitude"].round(6).tolist() == [round(float(r["latitude"]), 6) for r in source]
    assert frame["longitude"].round(6).tolist() == [round(float(r["longitude"]), 6) for r in source]
    assert (frame["coord_note"] == "").all() and (frame["date_note"] == "").all()
    assert frame["side"].isin(["PK", "AF", "IN"]).all()


@needs_exports
def test_real_gdelt_kirkenes_events_stay_in_norway(tmp_path):
    frame, summary = run(EXPORTS / "gdelt_20191024143000.export.CSV", tmp_path / "o.csv")
    assert summary.rows_in == 2111
    kirkenes = frame[frame["ActionGeo_FullName"] == "Kirkenes, Finnmark, Norway"]
    finland = frame[frame["ActionGeo_FullName"] == "Finland"]
    assert len(kirkenes) == 18 and len(finland) == 3
    assert (kirkenes["side"] == "NO").all() and (kirkenes["latitude"] == 69.725).all()
    assert (finland["side"] == "FI").all()
    assert not frame["coord_note"].str.contains("swapped").any()
