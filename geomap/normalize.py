"""Normalisation of place names, shared by the gazetteer index and the queries.

Latin script is folded to lower-case ASCII (diacritics removed, other scripts
transliterated by unidecode only when the name is Latin-based). Arabic script
(Pashto, Dari, Urdu) is kept, with its letter variants unified, so ``خوست`` matches
``خوست`` however it was typed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from unidecode import unidecode

# Arabic-script letters that different keyboards and languages write differently.
_ARABIC_FOLD = str.maketrans({
    "ي": "ی", "ى": "ی", "ې": "ی", "ۍ": "ی", "ئ": "ی",
    "ك": "ک", "ڪ": "ک", "ګ": "گ",
    "ة": "ه", "ۀ": "ه", "ہ": "ه", "ھ": "ه",
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ؤ": "و",
    "ـ": None,  # tatweel
})
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_NON_WORD = re.compile(r"[^\w]+")
_SPACES = re.compile(r"\s+")

#: Words that say what kind of place a name is; removed from the name and kept as a hint.
KIND_WORDS: dict[str, str] = {
    "province": "province", "provinces": "province", "wilayat": "province", "velayat": "province",
    "district": "district", "districts": "district", "agency": "district", "tehsil": "tehsil",
    "woluswali": "district", "uluswali": "district", "subdivision": "tehsil",
    "crossing": "crossing", "border crossing": "crossing", "zero point": "crossing", "zero-point": "crossing",
    "checkpoint": "crossing", "gate": "crossing", "border": "crossing", "terminal": "crossing",
    "pass": "pass", "valley": "valley", "city": "city", "town": "town", "village": "village",
    "region": "region", "post": "post", "outpost": "post", "camp": "post",
    # Vague words: stripped, but they say nothing of the kind of place.
    "area": "", "areas": "", "vicinity": "", "outskirts": "", "surroundings": "", "sector": "",
}
_KIND_ALTERNATIVES = "|".join(sorted((re.escape(w) for w in KIND_WORDS), key=len, reverse=True))
_KIND_PATTERN = re.compile(r"\b(" + _KIND_ALTERNATIVES + r")\b")
_LEADING_WORDS = {"the", "near", "outskirts", "in", "at", "of"}
_LEADING = re.compile(r"^(" + "|".join(sorted(_LEADING_WORDS - {"outskirts"}) + ["outskirts of"]) + r")\s+")
# A name holding none of these words has no kind word to strip.
_KIND_FIRST_WORDS = {phrase.split("-")[0].split()[0] for phrase in KIND_WORDS}


def is_arabic(text: str) -> bool:
    """True when the text contains Arabic-script letters."""
    return bool(_ARABIC.search(text))


def normalize(name: object) -> str:
    """Fold a name for matching: ``'Khōst'`` -> ``'khost'``, ``'خوست'`` stays Arabic script."""
    if not isinstance(name, str):
        return ""
    text = unicodedata.normalize("NFKC", name).strip()
    if is_arabic(text):
        text = _ARABIC_MARKS.sub("", text.translate(_ARABIC_FOLD))
        text = text.replace("\u200c", " ").replace("\u200d", "")
    else:  # most names are plain ASCII already: transliteration is only for the rest
        text = (text if text.isascii() else unidecode(text)).lower().replace("'s ", " ")
    text = _NON_WORD.sub(" ", text.replace("-", " ").replace("&", " and ")).replace("_", " ")
    return _SPACES.sub(" ", text).strip()


def split_kind(name: object) -> tuple[str, str]:
    """Normalise and strip kind words: ``'the Ghulam Khan crossing'`` -> ``('ghulam khan', 'crossing')``.

    If stripping would leave nothing (``'Border'``), the name is kept whole.
    """
    text = normalize(name)
    if not text.isascii():  # Latin names are ASCII once normalised: this is Arabic script
        return text, ""
    words = text.split()
    if not (_KIND_FIRST_WORDS.intersection(words) or words and words[0] in _LEADING_WORDS):
        return text, ""  # the common case, without running the patterns
    kinds = _KIND_PATTERN.findall(text)
    stripped = _SPACES.sub(" ", _KIND_PATTERN.sub(" ", text)).strip()
    while True:
        shorter = _LEADING.sub("", stripped)
        if shorter == stripped:
            break
        stripped = shorter
    if not stripped:
        return text, ""
    # The most specific hint wins: "border crossing" says crossing, "Khost province" province.
    hints = [KIND_WORDS[k] for k in kinds]
    for preferred in ("crossing", "pass", "province", "district", "tehsil", "valley", "post", "city", "town",
                      "village", "region"):
        if preferred in hints:
            return stripped, preferred
    return stripped, ""


_ASCII_RUN = re.compile(r"[\x00-\x7f]+")
# An ASCII word, or "&", which folds to "and" as in :func:`normalize`.
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+|&")


@lru_cache(maxsize=4096)
def _folded_char(char: str) -> str:
    return "".join(piece if piece.isalnum() and piece != "_" else " " for piece in _fold_char(char))


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """Fold running text the way :func:`normalize` folds a name, keeping where each character came from.

    Returns the folded text (each character folded as :func:`normalize` folds it, runs of
    non-word characters collapsed to one space, none at the start) and, for each of its
    characters, the index of the character of ``text`` it came from, so a match found in the
    folded text can be mapped back to a span of the original. A space stands at the first
    character of the run it replaces.

    News text is mostly ASCII: runs of it are folded a word at a time (folding character by
    character in Python was most of the time a long report took); other characters go
    through the per-character fold.
    """
    folded: list[str] = []
    origin: list[int] = []
    pending = -1  # where a separating space began, if one is owed before the next letter

    def emit(piece: str, offsets) -> None:
        nonlocal pending
        if pending >= 0 and folded:
            folded.append(" ")
            origin.append(pending)
        pending = -1
        folded.append(piece)
        origin.extend(offsets)

    def fold_slowly(first: int, last: int) -> None:
        nonlocal pending
        for index in range(first, last):
            for char in _folded_char(text[index]):
                if char == " ":
                    pending = index if pending < 0 else pending
                else:
                    emit(char, (index,))

    position = 0
    for run in _ASCII_RUN.finditer(text):
        fold_slowly(position, run.start())
        gap = run.start()
        for word in _ASCII_WORD.finditer(text, run.start(), run.end()):
            if word.start() > gap and pending < 0:
                pending = gap
            if word.group(0) == "&":  # " and ", its spaces where the "&" is
                pending = word.start() if pending < 0 else pending
                emit("and", (word.start(),) * 3)
                pending = word.start()
            else:
                emit(word.group(0).lower(), range(word.start(), word.end()))
            gap = word.end()
        if run.end() > gap and pending < 0:
            pending = gap
        position = run.end()
    fold_slowly(position, len(text))
    if pending >= 0 and folded:
        folded.append(" ")
        origin.append(pending)
    return "".join(folded), origin


def _fold_char(char: str) -> str:
    char = unicodedata.normalize("NFKC", char)
    if char == "\u200c":  # zero-width non-joiner separates words in Persian script
        return " "
    if char == "&":  # as normalize folds it: "Jammu & Kashmir" is "Jammu and Kashmir"
        return " and "
    if _ARABIC.match(char):
        return _ARABIC_MARKS.sub("", char.translate(_ARABIC_FOLD))
    return (char if char.isascii() else unidecode(char)).lower()
