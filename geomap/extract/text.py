"""Running text into paragraphs, sentences and clauses, each kept as a span of the original.

Every piece is a ``(start, end)`` pair into the report's text, so whatever is found in a
piece (a place, a date, an event word) can be reported with its position in the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
# A line ending like this closes its sentence even without a blank line after it; other
# single line breaks are taken as wrapping inside a sentence.
_LINE_END_CLOSES = re.compile(r"[.!?:\"”’)\]۔؟»]\s*$")
_SENTENCE_END = re.compile(r"[.!?۔؟]+[\"”’)\]]*(?=\s+[\"“‘(\[«]?[A-Z0-9\u0600-\u06ff])|[۔؟](?=\s)")
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "st", "no", "vs", "jr", "sr", "prof",
                  "sgt", "brig", "u.s", "u.n", "inc", "co", "jan", "feb", "aug", "sept", "oct", "nov", "dec"}
# Words that open a new clause: what follows is a separate statement, often with its own
# place and date ("ceasefire brokered in Doha on October 19 but ... talks in Istanbul").
# "19but" (a missing space in the source) still splits.
_CLAUSE_BREAK = re.compile(r"(?:[;؛]\s*|(?:,\s*|\s+|(?<=\d))(?=(?:but|while|whereas|although|after|since)\b)"
                           r"|,\s*(?=which\b)"
                           r"|(?:،\s*|\s+)(?=(?:لیکن|مگر|جبکہ|اما|ولی|خو|مګر|حال\s+آنکه)(?:\s|$)))")
# A line that ends without a sentence's punctuation and is this short is a heading (a headline, a section title).
_HEADING_MAX = 200
_TITLE_CASE_SHARE = 0.6
# "ISLAMABAD/KABUL:", "Peshawar, Oct 12 (Reuters) -", "KABUL, 29 October 2025 —", "کابل (پژواک):".
_DATELINE = re.compile(
    r"(?P<places>(?:[A-Z][A-Za-z'’.-]+(?:[ ][A-Z][A-Za-z'’.-]+){0,3}|[\u0600-\u06ff][\u0600-\u06ff\u200c ]{1,25}?)"
    r"(?:\s*/\s*(?:[A-Z][A-Za-z'’.-]+(?:[ ][A-Z][A-Za-z'’.-]+){0,3}|[\u0600-\u06ff][\u0600-\u06ff\u200c ]{1,25}?))*)"
    r"(?:\s*\([^()\n]{1,30}\))?(?:\s*,\s*(?P<date>[^:—–\n()]{3,40}?))?(?:\s*\([^()\n]{1,30}\))?"
    r"\s*(?::|—|–|--|-(?=\s)|(?<=\d)\.(?=\s))\s+")
_DATELINE_PARAGRAPHS = 3
_NEXT_CHARACTER = re.compile(r"\s*(\S)")


@dataclass(frozen=True)
class Sentence:
    """One sentence: its span in the report, its paragraph, and its clauses (spans too).

    ``heading`` marks a line without a sentence's closing punctuation (a headline, a section
    title); ``title_case`` a heading whose words are mostly capitalised, where a capital letter
    says nothing about a word being a name.
    """

    start: int
    end: int
    paragraph: int
    clauses: tuple[tuple[int, int], ...]
    heading: bool = False
    title_case: bool = False


@dataclass(frozen=True)
class Dateline:
    """A report's dateline ("ISLAMABAD/KABUL:"): where and when the report was filed, not an event."""

    start: int
    end: int
    places_end: int


def sentences(text: str) -> list[Sentence]:
    """Split a report into sentences (and each sentence into clauses), in reading order."""
    found = []
    for paragraph, (p_start, p_end) in enumerate(_paragraphs(text)):
        for start, end in _split_lines(text, p_start, p_end):
            heading = end - start <= _HEADING_MAX and not _LINE_END_CLOSES.search(text[start:end]) \
                and not re.search(r"[.!?۔؟]\s", text[start:end])
            title_case = heading and _title_case(text[start:end])
            for s_start, s_end in _split_sentences(text, start, end):
                found.append(Sentence(s_start, s_end, paragraph, tuple(_split_clauses(text, s_start, s_end)),
                                      heading, title_case))
    return found


def _title_case(line: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_]+", line) if len(w) >= 4]
    return len(words) >= 2 and sum(w[0].isupper() for w in words) >= _TITLE_CASE_SHARE * len(words)


def dateline(text: str, pieces: list[Sentence]) -> Dateline | None:
    """The dateline at the start of one of the report's first paragraphs, if it has one."""
    starts = sorted({(s.paragraph, s.start) for s in pieces if not s.title_case})
    seen: set[int] = set()
    for paragraph, start in starts:
        if paragraph in seen:
            continue
        seen.add(paragraph)
        if len(seen) > _DATELINE_PARAGRAPHS:
            break
        match = _DATELINE.match(text, start)
        if match and (match.group("date") is None or re.search(r"\d", match.group("date"))) \
                and (text[match.end() - 2] != "." or match.group("date")):
            return Dateline(match.start(), match.end(), match.end("places"))
    return None


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [_trim(text, s, e) for s, e in spans if text[s:e].strip()]


def _split_lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A line that ends a sentence, or a short heading-like line followed by a capital, stands alone."""
    spans, piece_start = [], start
    for match in re.finditer(r"\n", text[start:end]):
        cut = start + match.start()
        line = text[piece_start:cut]
        following = _NEXT_CHARACTER.match(text, cut + 1, end)  # not a slice to the paragraph's end: linear time
        heading = len(line.strip()) < 80 and not re.search(r"[,;]\s*$", line) and bool(following) \
            and following.group(1).isupper()
        if _LINE_END_CLOSES.search(line) or heading:
            spans.append((piece_start, cut))
            piece_start = cut + 1
    spans.append((piece_start, end))
    return [_trim(text, s, e) for s, e in spans if text[s:e].strip()]


def _split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, piece_start = [], start
    for match in _SENTENCE_END.finditer(text, start, end):
        word = re.search(r"([\w.]+)$", text[max(piece_start, match.start() - 40):match.start()])
        if word and (word.group(1).lower() in _ABBREVIATIONS or len(word.group(1)) == 1):
            continue  # "Mr. Asif", "U.S. officials", an initial
        spans.append((piece_start, match.end()))
        piece_start = match.end()
    spans.append((piece_start, end))
    return [_trim(text, s, e) for s, e in spans if text[s:e].strip()]


def _split_clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, piece_start = [], start
    for match in _CLAUSE_BREAK.finditer(text, start, end):
        if match.start() > piece_start:
            spans.append((piece_start, match.start()))
        piece_start = match.end()
    spans.append((piece_start, end))
    return [_trim(text, s, e) for s, e in spans if text[s:e].strip()]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


_WORD = re.compile(r"[^\W\d_]+(?:['’]s)?(?:-[^\W\d_]+)*")


def capitalised_runs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of consecutive capitalised words ("Khawaja Asif", "Tehrik-e-Taliban Pakistan") in a piece of text.

    Words are joined by exactly one space (a hyphenated name is one word, whatever the case
    of its particles); a comma, an apostrophe or a lower-case word ends the run.
    """
    runs: list[list[int]] = []
    for word in _WORD.finditer(text, start, end):
        if not word.group(0)[:1].isupper():
            continue
        if runs and text[runs[-1][1]:word.start()] == " " and not text[runs[-1][0]:runs[-1][1]].endswith(("'s", "’s")):
            runs[-1][1] = word.end()
        else:
            runs.append([word.start(), word.end()])
    return [(s, e) for s, e in runs]
