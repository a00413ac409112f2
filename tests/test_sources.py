"""Real-shaped exports (ACLED, UCDP GED, GDELT 2.0, any CSV): detection, provenance, precision, duplicates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geomap import InputError, run
from geomap.dedupe import link_duplicates
from geomap.load import load  # the reader stage itself: text columns as read, no geometry
from geomap.sources import GDELT_COLUMNS, detect_format, parse_columns

DATA = Path(__file__).parent / "data"
ACLED, UCDP, GDELT, GENERIC = (DATA / n for n in ("acled_sample.csv", "ucdp_sample.csv", "gdelt_sample.export.CSV",
                                                  "generic_sample.csv"))
GENERIC_COLUMNS = "place=town,event_date=date,event_type=what,fatalities=killed,source_url=link,source_id=ref"


@pytest.mark.parametrize(("path", "expected"), [(ACLED, "acled"), (UCDP, "ucdp"), (GDELT, "gdelt"),
                                                (GENERIC, "generic")])
def test_each_export_is_detected_from_its_columns(path, expected):
    frame = load(path)
    assert (frame["source_dataset"] == expected).all() if expected != "generic" else "source_dataset" not in frame


def test_gdelt_is_read_without_a_header_and_keeps_its_61_columns():
    frame = load(GDELT)
    assert len(frame) == 3 and set(GDELT_COLUMNS) <= set(frame.columns)
    assert frame["source_id"].tolist() == ["1299000001", "1299000002", "1299000003"]
    assert frame["place"].tolist() == ["Ghulam Khan", "Afghanistan", "Khyber Pakhtunkhwa"]
    assert frame["event_date"].tolist() == ["2025-10-12", "2025-10-13", "2025-10-14"]
    assert frame["source_url"].str.startswith("https://example.invalid/").all()


def test_source_columns_are_kept_beside_the_schema():
    frame = load(ACLED)
    assert {"event_id_cnty", "time_precision", "admin3", "notes", "tags"} <= set(frame.columns)
    assert frame["source_id"].tolist() == ["SYNAFG0001", "SYNAFG0002", "SYNPAK0003"]
    assert frame["description"].str.contains("SYNTHETIC").all()
    assert frame["event_date"].tolist() == ["2025-10-12", "2025-10-13", "2025-10-14"]  # "14 October 2025" too


def test_precision_codes_map_onto_one_scale():
    assert load(ACLED)["geo_precision"].tolist() == [1, 2, 1]
    assert load(UCDP)["geo_precision"].tolist() == [1, 3]  # where_prec 1 exact, 4 province
    assert load(GDELT)["geo_precision"].tolist() == [1, 4, 3]  # world city, country, world state


def test_gdelt_country_context_is_the_named_country_not_its_fips_code():
    # FIPS 10-4 "CH" is China, ISO "CH" Switzerland: the full name's last part says which country is meant.
    assert load(GDELT)["country"].tolist() == ["Afghanistan", "Afghanistan", "Pakistan"]


def test_ucdp_fatality_range_is_kept():
    frame = load(UCDP)
    assert frame[["fatalities_low", "fatalities", "fatalities_high"]].iloc[0].tolist() == [2, 3, 5]
    assert frame["event_type"].tolist() == ["state-based", "one-sided"]
    assert frame["event_category"].tolist() == ["battle", "civilians"]


def test_generic_csv_with_a_column_mapping():
    frame = load(GENERIC, columns=GENERIC_COLUMNS)
    assert frame["place"].tolist() == ["Chaman", "Khost"] and frame["source_id"].tolist() == ["syn-1", "syn-2"]
    assert {"town", "date", "ref"} <= set(frame.columns)
    assert (frame["source_dataset"] == "generic").all()


def test_format_override_wins_over_detection_and_checks_the_columns():
    assert "source_dataset" not in load(UCDP, format="generic")  # read as plain CSV: nothing mapped
    with pytest.raises(InputError, match="not a ACLED export"):
        load(UCDP, format="acled")
    with pytest.raises(InputError, match="unknown format 'acledd'"):
        load(ACLED, format="acledd")


def test_gdelt_with_the_wrong_column_count_is_refused(tmp_path):
    bad = tmp_path / "20251012.export.CSV"
    bad.write_text("1\t20251012\tonly three\n", encoding="utf-8")
    with pytest.raises(InputError, match="61 tab-separated columns; its first line has 3"):
        load(bad, format="gdelt")


@pytest.mark.parametrize("spec", ["place", "place=", "=town", "colour=town"])
def test_bad_column_specs_are_refused(spec):
    with pytest.raises(InputError):
        parse_columns(spec)


def test_mapping_to_a_missing_source_column_names_it():
    with pytest.raises(InputError, match="'nowhere'"):
        load(GENERIC, columns="place=nowhere")


def test_detection_needs_every_signature_column():
    assert detect_format(["event_id_cnty", "event_date", "location"]) == "generic"
    assert detect_format(["id", "date_start", "where_prec", "best", "extra"]) == "ucdp"


def test_one_clash_in_three_sources_is_linked_and_nothing_is_deleted():
    frame, _ = run([ACLED, UCDP, GDELT], dedupe_km=5)
    assert len(frame) == 8
    clash = frame[frame["source_id"].isin(["SYNAFG0001", "990001", "1299000001"])]
    assert clash["duplicate_cluster"].nunique() == 1 and clash["duplicate_cluster"].notna().all()
    assert (clash["duplicate_count"] == 3).all()
    assert frame.loc[~frame.index.isin(clash.index), "duplicate_cluster"].isna().all()


def test_window_category_and_source_all_count():
    base = pd.DataFrame({"latitude": [33.0, 33.02, 33.0, 33.0, 33.0], "longitude": [70.0, 70.0, 70.0, 70.0, 70.0],
                         "event_date": ["2025-10-01", "2025-10-02", "2025-10-09", "2025-10-01", "2025-10-01"],
                         "event_category": ["battle", "battle", "battle", "protest", "battle"],
                         "source_dataset": ["acled", "ucdp", "ucdp", "ucdp", "acled"]})
    out = link_duplicates(base, km=5, days=2)
    # 0-1: 2.2 km and a day apart; 2: a week later; 3: other category; 4 links to 1 (not to 0: same source).
    assert out["duplicate_cluster"].iloc[0] == 0
    assert out["duplicate_cluster"].iloc[0] == out["duplicate_cluster"].iloc[1] == out["duplicate_cluster"].iloc[4]
    assert pd.isna(out["duplicate_cluster"].iloc[2]) and pd.isna(out["duplicate_cluster"].iloc[3])
    assert link_duplicates(base, km=1, days=2)["duplicate_cluster"].isna().iloc[:2].all()


def test_repeats_within_one_source_are_linked_only_when_asked():
    # GDELT codes one clash once per article: three rows, same place, day and category, one source.
    gdelt = pd.DataFrame({"latitude": [33.0, 33.01, 33.0, 31.0], "longitude": [70.0, 70.0, 70.01, 66.4],
                          "event_date": ["2025-10-12", "2025-10-12", "2025-10-13", "2025-10-12"],
                          "event_category": ["battle"] * 4, "source_dataset": ["gdelt"] * 4})
    assert link_duplicates(gdelt, km=5, days=2)["duplicate_cluster"].isna().all()
    out = link_duplicates(gdelt, km=5, days=2, within_source=True)
    assert out["duplicate_cluster"].tolist()[:3] == [0, 0, 0] and pd.isna(out["duplicate_cluster"].iloc[3])
    assert out["duplicate_count"].tolist() == [3, 3, 3, 1]


def test_linking_is_vectorised_at_scale():
    rng = np.random.default_rng(3)
    n = 200_000
    frame = pd.DataFrame({"latitude": rng.uniform(29, 36, n), "longitude": rng.uniform(62, 74, n),
                          "event_date": pd.to_datetime("2025-01-01") + pd.to_timedelta(rng.integers(0, 365, n), "D"),
                          "event_category": rng.choice(["battle", "protest"], n),
                          "source_dataset": rng.choice(["acled", "ucdp", "gdelt"], n)})
    frame["event_date"] = frame["event_date"].dt.strftime("%Y-%m-%d")
    out = link_duplicates(frame)
    assert len(out) == n and out["duplicate_cluster"].notna().sum() > 0


def test_bad_dedupe_window_is_refused():
    with pytest.raises(InputError, match="positive number of km"):
        link_duplicates(load(ACLED), km=-1)
