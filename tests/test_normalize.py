import pytest

from geomap.normalize import normalize, split_kind


@pytest.mark.parametrize(("raw", "folded"), [
    ("Khōst", "khost"), ("  KHOST ", "khost"), ("Spīn Bōldak", "spin boldak"), ("Miran-Shah", "miran shah"),
    ("Pakistan's", "pakistan s"), (None, ""), (3.5, ""),
])
def test_latin_names_fold_to_ascii(raw, folded):
    assert normalize(raw) == folded


def test_arabic_script_is_kept_and_letter_variants_unified():
    assert normalize("خوست") == "خوست"
    assert normalize("كابل") == normalize("کابل")  # Arabic kaf vs Persian keheh
    assert normalize("پکتيا") == normalize("پکتیا")  # Arabic yeh vs Farsi yeh
    assert normalize("خــوست") == "خوست"  # tatweel


@pytest.mark.parametrize(("raw", "expected"), [
    ("the Ghulam Khan zero-point border crossing", ("ghulam khan", "crossing")),
    ("Khost province", ("khost", "province")),
    ("Gurbuz district", ("gurbuz", "district")),
    ("Tirah Valley", ("tirah", "valley")),
    ("near Spin Boldak", ("spin boldak", "")),
    ("Spin Boldak area", ("spin boldak", "")),
    ("Border", ("border", "")),
])
def test_kind_words_are_stripped_and_kept_as_a_hint(raw, expected):
    assert split_kind(raw) == expected
