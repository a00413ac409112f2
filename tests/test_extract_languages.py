"""Urdu, Dari and Pashto reports: language, places by Arabic-script name, dates (Solar Hijri too), numbers, events.

The sentences are the project's own, written for these tests.
"""

from __future__ import annotations

import datetime as dt

import pytest

import geomap
from geomap.extract.dates import find_dates, solar_hijri_to_gregorian
from geomap.extract.events import classify, fatalities
from geomap.extract.language import detect

REPORT_DATE = dt.date(2025, 10, 29)  # a Wednesday


@pytest.mark.parametrize(("text", "language"), [
    ("پشاور میں پیر کو ہونے والے دھماکے میں تین افراد ہلاک ہو گئے۔", "ur"),
    ("در حمله هوایی شب گذشته در ولسوالی گربز سه تن کشته شدند.", "prs"),
    ("د کرم ولسوالۍ په یوه پوستې برید وشو او پنځه سرتېري ووژل شول.", "ps"),
    ("Five soldiers were killed in Kurram on Sunday.", "en"),
])
def test_the_language_is_detected(text, language):
    assert detect(text) == language
    assert geomap.extract(text, report_date=REPORT_DATE).language == language


@pytest.mark.parametrize(("year", "month", "day", "gregorian"), [
    (1404, 1, 1, "2025-03-21"),   # Nowruz 1404
    (1404, 7, 27, "2025-10-19"),  # 27 Mizan: the Doha ceasefire
    (1403, 1, 1, "2024-03-20"),   # after the leap year 1402/1403 boundary
    (1403, 12, 30, "2025-03-20"),  # 1403 is a leap year: Hut has 30 days
    (1400, 5, 24, "2021-08-15"),  # 24 Asad 1400: the Taliban entered Kabul
    (1399, 12, 30, "2021-03-20"),
])
def test_solar_hijri_dates_convert_to_gregorian(year, month, day, gregorian):
    assert solar_hijri_to_gregorian(year, month, day).isoformat() == gregorian


def test_an_impossible_solar_hijri_date_is_refused():
    with pytest.raises(ValueError):
        solar_hijri_to_gregorian(1404, 12, 30)  # 1404 is not a leap year
    with pytest.raises(ValueError):
        solar_hijri_to_gregorian(1404, 7, 31)


@pytest.mark.parametrize(("phrase", "first", "precision"), [
    ("۲۷ میزان ۱۴۰۴", "2025-10-19", "day"),        # Dari month, Persian digits
    ("۲۷ میزان", "2025-10-19", "day"),              # no year: the latest before the report
    ("د تلې په ۲۷مه", "2025-10-19", "day"),         # Pashto month name
    ("۲۷ مهر ۱۴۰۴", "2025-10-19", "day"),           # Iranian month name
    ("19 اکتوبر", "2025-10-19", "day"),             # Urdu Gregorian month
    ("١٩ اکتوبر", "2025-10-19", "day"),             # Eastern Arabic digits
    ("اتوار کو", "2025-10-26", "day"),              # Urdu weekday
    ("روز یکشنبه", "2025-10-26", "day"),            # Dari weekday
    ("د دوشنبې په شپه", "2025-10-27", "day"),       # Pashto weekday
    ("دیروز", "2025-10-28", "day"),
    ("هفته گذشته", "2025-10-20", "week"),
    ("سال ۱۴۰۰", "2021-03-21", "year"),
])
def test_dates_in_arabic_script(phrase, first, precision):
    (found,) = find_dates(phrase, 0, len(phrase), REPORT_DATE)
    assert (found.first.isoformat(), found.precision) == (first, precision)


def test_an_urdu_weekday_name_is_a_day_only_when_the_text_says_on_it():
    text = "پیر صاحب نے امن کی اپیل کی۔"  # "Pir sahib appealed for peace": a title, not Monday
    assert find_dates(text, 0, len(text), REPORT_DATE) == []


@pytest.mark.parametrize(("clause", "event_type", "killed"), [
    ("پاکستانی فوج کے فضائی حملوں میں پانچ عسکریت پسند ہلاک اور تین زخمی ہو گئے", "Explosions/Remote violence", 5),
    ("در درگیری‌های مرزی ۵ سرباز کشته و ۳ تن زخمی شدند", "Battles", 5),
    ("په دې نښتو کې پنځه سرتېري ووژل شول او درې ټپیان شول", "Battles", 5),
    ("در انفجار ماین دو کودک کشته شدند", "Explosions/Remote violence", 2),
    ("د دوحې په خبرو اترو کې اوربند ومنل شو", "Strategic developments", None),
    ("دوحہ میں جنگ بندی پر اتفاق ہو گیا", "Strategic developments", None),
])
def test_event_words_and_death_counts(clause, event_type, killed):
    assert classify(clause).event_type == event_type
    assert fatalities(clause) == killed


def test_an_urdu_report_gives_the_same_columns_as_an_english_one():
    result = geomap.extract("پشاور: ضلع کرم میں پیر کو سرحد پار سے ہونے والے حملے میں پانچ سیکیورٹی اہلکار شہید ہو "
                            "گئے۔ فوج کی جوابی کارروائی میں آٹھ عسکریت پسند مارے گئے۔", report_date=REPORT_DATE)
    english = geomap.extract("Militants attacked a post in Kurram.", report_date=REPORT_DATE)
    assert list(result.incidents.columns) == list(english.incidents.columns)
    (row,) = result.incidents.itertuples()
    assert (row.gazetteer_id, row.feature_kind, row.event_date, row.fatalities) == (
        "curated:kurram-district", "district", "2025-10-27", 13)
    assert result.report_place == "Peshawar"


def test_common_words_that_are_village_names_are_not_places():
    # "او" (Pashto "and"), "شهید" (martyr), "برید" (attack) and "سره" (with) all name villages somewhere.
    text = "په خوست کې برید وشو او دوه سرتېري شهید شول، له ولسوال سره خبرې وشوې."
    assert geomap.extract(text, report_date=REPORT_DATE).mentions["gazetteer_name"].tolist() == ["Khōst"]
