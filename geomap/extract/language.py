"""Which language a report is written in: English, Urdu, Dari or Pashto.

Urdu, Dari and Pashto share the Arabic script. Each has letters of its own (Pashto ټ ډ ړ ښ ځ څ ۍ,
Urdu ٹ ڈ ڑ ں ے) and very frequent small words (Urdu میں کے ہے, Dari است در را, Pashto په کې چې),
so counting both tells them apart on a sentence or two. The result only chooses word lists;
every rule also accepts the other languages' words, so a report that mixes them loses nothing.
"""

from __future__ import annotations

import re

#: ISO 639 codes of the languages geomap reads ("prs" is Dari, the Persian of Afghanistan).
LANGUAGES = ("en", "ur", "prs", "ps")
_ARABIC_LETTER = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN_LETTER = re.compile("[A-Za-z]")
_MARKER_LETTERS = {"ps": "ټډړږښځڅۍېګڼ", "ur": "ٹڈڑںےھہ"}
_MARKER_WORDS = {
    "ur": frozenset(["میں", "کے", "کی", "کا", "نے", "ہے", "ہیں", "اور", "سے", "کو", "تھا", "تھے", "گئے", "کہا"]),
    "prs": frozenset(["است", "در", "از", "را", "این", "که", "می", "شد", "شده", "کرد", "گفت", "های", "برای"]),
    "ps": frozenset(["په", "کې", "د", "او", "چې", "دا", "شوي", "شول", "وویل", "سره", "ته", "له", "څخه"]),
}
_WORD = re.compile(r"[\u0600-\u06ff]+")


def detect(text: str) -> str:
    """The report's language: ``en``, ``ur``, ``prs`` or ``ps`` (English when it has more Latin letters).

    Only the first 20,000 characters are read: a report does not change language midway.
    """
    head = text[:20_000]
    if len(_ARABIC_LETTER.findall(head)) <= len(_LATIN_LETTER.findall(head)):
        return "en"
    words = _WORD.findall(head)
    scores = {language: sum(w in markers for w in words) for language, markers in _MARKER_WORDS.items()}
    for language, letters in _MARKER_LETTERS.items():
        scores[language] += sum(head.count(letter) for letter in letters) / 2
    return max(("ur", "prs", "ps"), key=lambda language: scores[language])
