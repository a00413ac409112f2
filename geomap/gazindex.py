"""The name index behind :mod:`geomap.geocode`: every folded name of the gazetteer, its places and its sound.

Built once by ``make data`` (``data/gazetteer_index.npz``: plain arrays, no pickle) and
loaded by each process in a fraction of a second, so a small run does not pay for indexing
170,000 places. If the shipped index was made from another gazetteer or by other folding
code (``normalize.py`` or this module changed), it is rebuilt instead, through the disk cache.

Layout (``n`` keys, ``m`` key-place pairs, ``f`` phonetic forms):

``keys``                 sorted folded names (:func:`geomap.normalize.normalize`, and the same
                         with kind words stripped, :func:`geomap.normalize.split_kind`)
``counts`` (n)           how many places each key has (their pairs follow each other in ``rows``)
``rows``, ``whole``, ``primary`` (m)  the places (gazetteer row numbers), whether the key is
                         the place's whole name (not only once a kind word was stripped: "Nawa" is
                         not the whole name of "Nawa Pass"), and whether it is its main name (not
                         one of its alternates)
``forms``                sorted distinct phonetic forms (:func:`sound`) of the Latin keys of four
                         letters or more, and the Arabic-script keys without spaces
``form_counts`` (f), ``form_keys``  the keys of each form
"""

from __future__ import annotations

import hashlib
import inspect
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from geomap.normalize import is_arabic, normalize, split_kind

#: Bumped when the layout or the folding changes meaning: an index of another version is rebuilt.
INDEX_VERSION = 2
#: Latin keys shorter than this get no phonetic form: too many short names collide.
MIN_FORM_LENGTH = 4
PARTS = ("keys", "counts", "rows", "whole", "primary", "forms", "form_counts", "form_keys", "stamp")

# Spellings that transliterations of Pashto, Dari, Urdu (and English, French, German
# exonyms) swap freely: folded away in the phonetic form. Order matters ("sch" before "sh").
_SOUND_FOLDS = [("sch", "s"), ("kh", "x"), ("qh", "x"), ("gh", "g"), ("sh", "s"), ("ch", "C"), ("ph", "f"), ("dh", "d"),
                ("th", "t"), ("ck", "k"), ("dj", "j"), ("c", "k"), ("C", "c"), ("q", "k"), ("w", "v"), ("y", "i"),
                ("ee", "i"), ("oo", "u"), ("ou", "u"), ("e", "i"), ("o", "u")]
_REPEATS = re.compile(r"(.)\1+")
_NOT_LETTER = re.compile(r"[^a-zC]")


def sound(key: str) -> str:
    """Phonetic form of a normalised key: ``'khowst'`` and ``'xost'`` both give ``'xust'``.

    Arabic-script keys are their letters without spaces (their variants are folded already).
    """
    if is_arabic(key):
        return key.replace(" ", "")
    text = _NOT_LETTER.sub("", key)
    for written, folded in _SOUND_FOLDS:
        text = text.replace(written, folded)
    return _REPEATS.sub(r"\1", text)


def has_form(key: str) -> bool:
    """Whether a key is long enough to be matched by its phonetic form."""
    return len(key.replace(" ", "")) >= (3 if is_arabic(key) else MIN_FORM_LENGTH)


@dataclass
class NameIndex:
    """The loaded index, with dictionaries for lookups built from its arrays."""

    keys: list[str]
    starts: np.ndarray
    rows: np.ndarray
    whole: np.ndarray
    primary: np.ndarray
    forms: list[str]
    form_starts: np.ndarray
    form_keys: np.ndarray
    position: dict[str, int] = field(init=False, repr=False)
    _form_position: dict[str, int] | None = field(default=None, init=False, repr=False)
    _blocks: dict[tuple[str, int], tuple[np.ndarray, list[str]]] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.position = dict(zip(self.keys, range(len(self.keys)), strict=True))

    @property
    def form_position(self) -> dict[str, int]:
        """Phonetic form -> its number; made on first use (a run of exact names never needs it)."""
        if self._form_position is None:
            self._form_position = dict(zip(self.forms, range(len(self.forms)), strict=True))
        return self._form_position

    def places_of(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """Gazetteer rows carrying ``key``, and whether it is each one's whole name (empty if none)."""
        at = self.position.get(key)
        if at is None:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=bool)
        return self.rows[self.starts[at]:self.starts[at + 1]], self.whole[self.starts[at]:self.starts[at + 1]]

    def gather(self, key_numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For key numbers: (which of them each pair belongs to, pair positions), all pairs at once."""
        first, last = self.starts[key_numbers], self.starts[key_numbers + 1]
        counts = last - first
        owner = np.repeat(np.arange(len(key_numbers)), counts)
        offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        return owner, np.repeat(first, counts) + offsets

    def keys_of_form(self, form: str) -> list[str]:
        """The keys whose phonetic form is ``form``, in key order."""
        at = self.form_position.get(form)
        if at is None:
            return []
        return [self.keys[k] for k in self.form_keys[self.form_starts[at]:self.form_starts[at + 1]]]

    def block(self, first: str, length: int) -> tuple[np.ndarray, list[str]]:
        """Form numbers and forms that start with ``first`` and have ``length`` letters (for typo search)."""
        if self._blocks is None:
            grouped: dict[tuple[str, int], list[int]] = {}
            for number, form in enumerate(self.forms):
                grouped.setdefault((form[:1], len(form)), []).append(number)
            self._blocks = {k: (np.asarray(v), [self.forms[i] for i in v]) for k, v in grouped.items()}
        return self._blocks.get((first, length), (np.zeros(0, dtype=np.int64), []))


def build(places: pd.DataFrame, gazetteer_digest: str) -> dict:
    """The index arrays of a gazetteer frame (``name`` and ``|``-joined ``alt_names`` per row).

    ``gazetteer_digest`` is the SHA-256 of the gazetteer file the frame was read from (or
    written to); with this code's own digest it makes the index's ``stamp``.
    """
    places = places.reset_index(drop=True)
    names = (places["name"].fillna("") + "|" + places["alt_names"].fillna("")).str.split("|").explode()
    is_main = ~names.index.duplicated(keep="first")  # the first of each row's names is its main name
    kept = (names.str.len() > 0).to_numpy()
    names, is_main = names[kept], is_main[kept]
    row = names.index.to_numpy()
    unique, inverse = np.unique(names.to_numpy(dtype=object), return_inverse=True)
    full = np.array([normalize(n) for n in unique], dtype=object)[inverse]
    stripped = np.array([split_kind(n)[0] for n in unique], dtype=object)[inverse]
    keyed = pd.DataFrame({"key": np.concatenate([full, stripped]), "row": np.concatenate([row, row]),
                          "whole": np.repeat([True, False], len(row)),
                          "primary": np.concatenate([is_main, np.zeros(len(row), dtype=bool)])})
    keyed = keyed[keyed["key"].str.len() > 1]
    keyed = keyed.groupby(["key", "row"], as_index=False, sort=True)[["whole", "primary"]].max()
    keys, counts = np.unique(keyed["key"].to_numpy(dtype=object), return_counts=True)
    keys = keys.tolist()
    form_of = pd.DataFrame({"form": [sound(k) if has_form(k) else "" for k in keys], "key": np.arange(len(keys))})
    form_of = form_of[form_of["form"] != ""].sort_values(["form", "key"], kind="stable")
    forms, form_counts = np.unique(form_of["form"].to_numpy(dtype=object), return_counts=True)
    return {
        "keys": keys, "counts": counts.astype(np.int32),
        "rows": keyed["row"].to_numpy(dtype=np.int32), "whole": keyed["whole"].to_numpy(dtype=bool),
        "primary": keyed["primary"].to_numpy(dtype=bool),
        "forms": forms.tolist(), "form_counts": form_counts.astype(np.int32),
        "form_keys": form_of["key"].to_numpy(dtype=np.int32), "stamp": [stamp(gazetteer_digest)],
    }


def stamp(gazetteer_digest: str) -> str:
    """What an index must have been made from: this gazetteer file, the code that builds it and its folding of names.

    Only the building code counts (:func:`build`, :func:`sound`, their constants, and
    ``normalize.py``), so a change to how the index is used does not make the shipped one stale.
    """
    digest = hashlib.sha256(f"v{INDEX_VERSION}:{MIN_FORM_LENGTH}:{_SOUND_FOLDS!r}:{gazetteer_digest}".encode())
    for function in (build, sound, has_form):
        digest.update(inspect.getsource(function).encode())
    digest.update((Path(__file__).parent / "normalize.py").read_bytes())
    return digest.hexdigest()


def from_arrays(arrays: dict) -> NameIndex:
    """The :class:`NameIndex` of arrays written by :func:`build` (counts become start positions)."""
    def starts(counts: np.ndarray) -> np.ndarray:
        return np.concatenate([[0], np.cumsum(counts, dtype=np.int64)])

    return NameIndex(keys=arrays["keys"], starts=starts(arrays["counts"]), rows=arrays["rows"], whole=arrays["whole"],
                     primary=arrays["primary"], forms=arrays["forms"], form_starts=starts(arrays["form_counts"]),
                     form_keys=arrays["form_keys"])
