"""The reader: encodings, dates, row accounting, layers; one clear error where a file cannot be read.

Each test writes the file it needs. Library calls check what is read; CLI runs check what a
user sees (one line on stderr, exit code 1, never a traceback or an "unexpected" error).
"""

from __future__ import annotations

import subprocess
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point
from typer.testing import CliRunner

from geomap import InputError, dates
from geomap.cli import app
from geomap.load import load
from geomap.pipeline import run
from geomap.reader import Block, ReadOptions, plan, read_block, sniff

runner = CliRunner()
ARABIC = ["خوست", "ننگرهار", "کابل", "پشاور"]  # Khost, Nangarhar, Kabul, Peshawar: all in Windows-1256


def cli(*args) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def one_error(code: int, err: str, fragment: str) -> None:
    assert code == 1 and err.startswith("geomap: error: ") and err.count("\n") == 1, err
    assert fragment in err and "unexpected" not in err and "Traceback" not in err


# --- encodings --------------------------------------------------------------------------------------


def test_windows_1256_arabic_is_read_as_arabic_not_mojibake(tmp_path):
    path = tmp_path / "ar.csv"
    text = "place,event_date,description\n" + "".join(f"{name},2025-10-1{i},حمله\n" for i, name in
                                                      enumerate(ARABIC))
    path.write_bytes(text.encode("cp1256"))
    frame = load(path)
    assert frame["place"].tolist() == ARABIC
    code, out, _ = cli("geocode", path, "-o", tmp_path / "o.csv", "-v")
    assert code == 0 and "4 located" in out and "read as cp1256" in out
    assert pd.read_csv(tmp_path / "o.csv")["geocode_status"].tolist() == ["matched"] * 4


@pytest.mark.parametrize(("text", "encoding"), [
    ("place,description\nKhost,attaque près du poste\nPešhawar,\u2019quoted\u2019\n", "cp1252"),
    ("place,description\nKhost,Grenzübergang geschlossen\n", "cp1252"),
    ("place,description\nخوست," + "انفجار در بازار\n", "cp1256"),
])
def test_code_page_detection(tmp_path, text, encoding):
    path = tmp_path / "e.csv"
    path.write_bytes(text.encode(encoding))
    assert sniff(path).encoding == encoding
    assert load(path)["description"].tolist()[-1] == text.strip().split("\n")[-1].split(",", 1)[1]


def test_encoding_option_wins_and_an_undecodable_row_is_one_error_naming_it(tmp_path):
    path = tmp_path / "w.csv"
    path.write_bytes("place,description\nKhost,plain\nTorkham,café\n".encode("cp1252"))
    assert load(path, encoding="latin-1")["description"].tolist() == ["plain", "café"]
    code, _, err = cli("join", path, "-o", tmp_path / "o.csv", "--encoding", "utf-8")
    one_error(code, err, "w.csv row 2: byte 0xE9 cannot be read as utf-8")
    assert not (tmp_path / "o.csv").exists()
    one_error(*cli("join", path, "-o", tmp_path / "o.csv", "--encoding", "klingon")[::2], "unknown encoding")


def test_a_binary_file_is_not_text(tmp_path):
    path = tmp_path / "b.csv"
    path.write_bytes(b"place,x\n\x00\x01\x02\xff\x00\x10" * 50)
    one_error(*cli("join", path, "-o", tmp_path / "o.csv")[::2], "not a text file")


# --- dates ------------------------------------------------------------------------------------------


def test_day_first_is_decided_for_the_column_from_its_evidence(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("place,event_date\nKhost,05/10/2025\nWana,13/10/2025\nTorkham,02/11/2025\n", encoding="utf-8")
    frame = load(path)
    assert frame["event_date"].tolist() == ["2025-10-05", "2025-10-13", "2025-11-02"]
    assert frame["event_date_raw"].tolist() == ["05/10/2025", "13/10/2025", "02/11/2025"]
    month = tmp_path / "m.csv"
    month.write_text("place,event_date\nKhost,05/10/2025\nWana,10/13/2025\n", encoding="utf-8")
    assert load(month)["event_date"].tolist() == ["2025-05-10", "2025-10-13"]


def test_ambiguous_dates_are_flagged_not_guessed_and_the_options_decide(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("place,event_date\nKhost,05/10/2025\nWana,07/07/2025\n", encoding="utf-8")
    frame = load(path)
    assert frame["event_date"].tolist() == ["05/10/2025", "2025-07-07"]
    assert frame["date_note"].tolist() == [dates.AMBIGUOUS, ""]
    assert load(path, date_order="dayfirst")["event_date"].tolist() == ["2025-10-05", "2025-07-07"]
    code, out, _ = cli("geocode", path, "-o", tmp_path / "o.csv", "--monthfirst")
    assert code == 0 and "flagged" not in out
    assert pd.read_csv(tmp_path / "o.csv")["event_date"].tolist() == ["2025-05-10", "2025-07-07"]
    code, out, _ = cli("geocode", path, "-o", tmp_path / "o.csv")
    assert code == 0 and "1 ambiguous date (day/month order)" in out


def test_evidence_is_gathered_across_blocks_so_every_block_reads_alike(tmp_path):
    """The only day-first proof sits in the last block; the first block's 05/10 must follow it."""
    rows = ["place,event_date"] + ["Khost,05/10/2025"] * 3000 + ["Wana,13/10/2025"]
    path = tmp_path / "blocks.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    frame, _ = run(path, block_bytes=10_000, stage="geocode")
    assert set(frame["event_date"]) == {"2025-10-05", "2025-10-13"}


def test_placeholder_dates_are_flagged_never_fatal(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("place,event_date\nKhost,0001-01-01\nWana,9999-12-31\nTorkham,2025-10-12\n", encoding="utf-8")
    code, out, _ = cli("join", path, "-o", tmp_path / "o.csv")
    assert code == 0 and "2 placeholder date" in out
    frame = pd.read_csv(tmp_path / "o.csv", keep_default_na=False)
    assert frame["date_note"].tolist() == [dates.PLACEHOLDER, dates.PLACEHOLDER, ""]
    assert frame["event_date"].tolist() == ["0001-01-01", "9999-12-31", "2025-10-12"]


# --- row accounting ----------------------------------------------------------------------------------


def _hundred_rows(multiline_every: int = 20) -> pd.DataFrame:
    return pd.DataFrame({
        "place": ["Qzxwv" if i % 10 == 9 else "Khost" for i in range(100)],
        "event_date": ["2025-10-12"] * 100,
        "description": [f"line one of {i}\nline two" if i % multiline_every == 0 else f"plain {i}"
                        for i in range(100)],
    })


def test_quoted_fields_spanning_lines_are_one_row_each_and_rows_keep_their_numbers(tmp_path):
    path = tmp_path / "ml.csv"
    _hundred_rows().to_csv(path, index=False)
    frame, summary = run(path, tmp_path / "o.csv", rejects=tmp_path / "r.csv", stage="geocode")
    assert summary.rows_in == 100 == len(frame)
    assert frame.loc[20, "description"] == "line one of 20\nline two"
    rejects = pd.read_csv(tmp_path / "r.csv")
    assert rejects["input_row"].tolist() == list(range(10, 101, 10))  # record numbers, not line numbers
    assert "5 rows with line breaks inside a quoted value" in " ".join(summary.notes)


def test_a_quote_left_open_is_an_error_naming_the_row_not_merged_rows(tmp_path):
    path = tmp_path / "open.csv"
    text = _hundred_rows().to_csv(index=False).replace("plain 5\n", '"plain 5\n', 1)
    path.write_text(text, encoding="utf-8")
    code, _, err = cli("join", path, "-o", tmp_path / "o.csv")
    one_error(code, err, "open.csv row 6: a quote")
    quoted = tmp_path / "open2.csv"  # the open quote meets the next quoted value: rows swallowed between
    lines = _hundred_rows(multiline_every=40).to_csv(index=False).splitlines()
    lines[6] = lines[6].replace(",plain", ',"plain')  # record 5: record 1 spans lines 1-2
    quoted.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = cli("join", quoted, "-o", tmp_path / "o.csv")
    one_error(code, err, "open2.csv row 5: a quoted value in 'description' runs over")


def test_a_bare_carriage_return_in_a_value_round_trips_through_geomaps_own_csv(tmp_path):
    source = tmp_path / "cr.csv"
    source.write_bytes(b'place,description\nKhost,"before\rafter"\nWana,plain\n')
    assert load(source)["description"].tolist() == ["before\rafter", "plain"]
    code, out, _ = cli("geocode", source, "-o", tmp_path / "once.csv")
    assert code == 0 and "rows in: 2" in out
    code, out, _ = cli("geocode", tmp_path / "once.csv", "-o", tmp_path / "twice.csv")
    assert code == 0 and "rows in: 2" in out
    assert load(tmp_path / "twice.csv")["description"].tolist() == ["before\rafter", "plain"]


def test_a_value_beyond_the_last_column_is_refused_by_row(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("place,event_date\nKhost,2025-10-12,\nWana,2025-10-13,\nTorkham,2025-10-14,oops\n",
                    encoding="utf-8")
    one_error(*cli("join", path, "-o", tmp_path / "o.csv")[::2], "t.csv row 3:")
    fine = tmp_path / "f.csv"
    fine.write_text("place,event_date\nKhost,2025-10-12,\nWana,2025-10-13,\n", encoding="utf-8")
    frame = load(fine)
    assert frame.columns.tolist()[:2] == ["place", "event_date"] and frame["place"].tolist() == ["Khost", "Wana"]


def test_short_rows_are_padded_and_kept(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("place,event_date,description\nKhost,2025-10-12\nWana\n   \nTorkham,2025-10-14,x\n",
                    encoding="utf-8")
    frame, summary = run(path, stage="geocode")
    assert frame["place"].tolist() == ["Khost", "Wana", "Torkham"]
    assert summary.skipped == {"blank line": 1} and summary.skipped_rows[0][1] == 3


def test_several_files_name_the_file_of_every_rejected_row(tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("place\nKhost\nQzxwv\n", encoding="utf-8")
    second.write_text("place\nQwyzz\nWana\n", encoding="utf-8")
    code, _, _ = cli("join", first, second, "-o", tmp_path / "o.csv", "--rejects", tmp_path / "r.csv")
    assert code == 0
    rejects = pd.read_csv(tmp_path / "r.csv")
    assert rejects[["input_file", "input_row"]].values.tolist() == [["a.csv", 2], ["b.csv", 1]]


def test_rejects_equal_to_the_output_is_refused(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("place\nKhost\nQzxwv\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    out.write_text("keep me\n", encoding="utf-8")
    one_error(*cli("join", source, "-o", out, "--rejects", out)[::2], "is the same file as the output")
    assert out.read_text(encoding="utf-8") == "keep me\n"


def test_a_two_million_column_header_is_checked_in_linear_time(tmp_path):
    names = [f"c{i}" for i in range(2_000_000)]
    names[-1] = "c5"
    path = tmp_path / "wide.csv"
    path.write_text(",".join(names) + "\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "geomap", "join", str(path), "-o", str(tmp_path / "o.csv")],
                            capture_output=True, text=True, timeout=120)
    one_error(result.returncode, result.stderr, "duplicated column names ['c5']")


# --- GeoPackages with many layers ---------------------------------------------------------------------


def test_every_layer_of_a_geopackage_is_read_with_its_name_or_one_with_layer(tmp_path):
    path = tmp_path / "many.gpkg"
    for number in range(50):
        gpd.GeoDataFrame({"place": [f"p{number}"], "note": ["x"]}, geometry=[Point(69 + number / 100, 33)],
                         crs="EPSG:4326").to_file(path, layer=f"layer{number:02d}", driver="GPKG")
    frame, summary = run(path, stage="geocode")
    assert len(frame) == 50 and frame["layer"].tolist() == [f"layer{n:02d}" for n in range(50)]
    assert any("50 layers read into one table" in note for note in summary.notes)
    one = load(path, layer="layer07")
    assert one["place"].tolist() == ["p7"] and "layer" not in one
    with pytest.raises(InputError, match="no layer 'nope'"):
        load(path, layer="nope")
    code, out, _ = cli("geocode", path, "-o", tmp_path / "o.csv", "--layer", "layer03", "-v")
    assert code == 0 and "rows in: 1" in out


# --- blocks ---------------------------------------------------------------------------------------------


def test_blocks_cut_only_between_records_and_number_them_globally(tmp_path):
    frame = _hundred_rows(multiline_every=3)
    frame["description"] = frame["description"].str.replace("two", 'two, "quoted"')
    path = tmp_path / "b.csv"
    frame.to_csv(path, index=False)
    layout = sniff(path, ReadOptions())
    blocks = plan([layout], block_bytes=300)
    assert len(blocks) > 5 and all(isinstance(b, Block) for b in blocks)
    chunks = [read_block(b) for b in blocks]
    rows = np.concatenate([c.rows for c in chunks])
    assert rows.tolist() == list(range(1, 101))
    read = pd.concat([c.frame for c in chunks], ignore_index=True)
    pd.testing.assert_frame_equal(read.astype(str), frame.astype(str))


@pytest.mark.parametrize("first, skipped", [("#loc+name,#date", 1), ("#loc+name,#loc+name", 0),
                                            ("#loc + name,  #adm1+name", 1), ("#loc+name,Khost", 0)])
def test_only_a_row_of_different_hxl_tags_is_taken_for_an_hxl_row(tmp_path, first, skipped):
    path = tmp_path / "in.csv"
    path.write_text(f"place,description\n{first}\nWana,b\n", encoding="utf-8")
    frame, summary = run(path, stage="geocode")
    assert summary.rows_in == 2 - skipped and sum(summary.skipped.values()) == skipped
    assert frame["place"].iloc[-1] == "Wana" and len(frame) == 2 - skipped
