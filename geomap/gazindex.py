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
    stamp: str = ""
    position: dict[str, int] = field(init=False, repr=False)
    _form_position: dict[str, int] | None = field(default=None, init=False, repr=False)
    _typo_table: dict[str, np.ndarray] | None = field(default=None, init=False, repr=False)

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

    def gather_forms(self, form_numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For form numbers: (which of them each key belongs to, key numbers), all at once."""
        first, last = self.form_starts[form_numbers], self.form_starts[form_numbers + 1]
        counts = last - first
        owner = np.repeat(np.arange(len(form_numbers)), counts)
        offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        return owner, self.form_keys[np.repeat(first, counts) + offsets]

    def near_forms(self, forms: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(query number, form number) of gazetteer forms that may be one or two edits from each form.

        A symmetric-deletion search over hashes: a form one edit from the query shares with it
        the query itself, the form itself, or the query less one letter; a form is found when
        the query, or the query less one letter, equals the form or the form less one letter
        (which also finds some forms two edits away). Candidates only: the caller checks the
        distance. The gazetteer side is built once per machine (the disk cache), the query side
        with array arithmetic: no per-form Python loop, no scan of every form per query.
        """
        table = self.typo_table()
        lengths, deleted, full = _deletion_hashes(forms)
        usable = lengths >= MIN_TYPO_LENGTH
        valid = (np.arange(_HASH_WIDTH)[None, :] < np.minimum(lengths, _HASH_WIDTH)[:, None]) & usable[:, None]
        pairs = [
            _lookup(full[usable], np.flatnonzero(usable), table["deleted"], table["deleted_form"]),  # query = form - 1
            _lookup(deleted[valid], np.nonzero(valid)[0], table["full"], table["full_form"]),  # query - 1 = form
            _lookup(deleted[valid], np.nonzero(valid)[0], table["deleted"], table["deleted_form"]),  # both - 1
        ]
        # One integer per (query, form) pair: unique pairs in a fast sort of integers.
        pair = np.unique(np.concatenate([q * len(self.forms) + f for q, f in pairs]))
        return pair // len(self.forms), pair % len(self.forms)

    def typo_table(self) -> dict[str, np.ndarray]:
        """The gazetteer side of :meth:`near_forms`: sorted hashes of every form and of every form less one letter."""
        if self._typo_table is None:
            from geomap import cache

            self._typo_table = cache.cached_arrays("name-typos", lambda: _typo_arrays(self.forms),
                                                   self.stamp.encode(), ("geomap.gazindex",))
        return self._typo_table


#: Forms shorter than this are not matched with a letter changed: too many short names collide.
MIN_TYPO_LENGTH = 5
# Polynomial hashes of forms (modulo 2**64) over their first _HASH_WIDTH bytes; the deletion of
# letter j comes from prefix and suffix sums, so every deletion of every form is one array operation.
_HASH_BASE = np.uint64(1099511628211)
_HASH_WIDTH = 40
_POWERS = _HASH_BASE ** np.arange(_HASH_WIDTH - 1, -1, -1, dtype=np.uint64)


def _deletion_hashes(forms: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lengths, hashes with each letter deleted (forms x width), and whole hashes of forms."""
    count = len(forms)
    lengths = np.fromiter((len(f) for f in forms), dtype=np.int64, count=count)
    padded = b"".join(f.encode("utf-8")[:_HASH_WIDTH].ljust(_HASH_WIDTH, b"\0") for f in forms)
    codes = np.frombuffer(padded, dtype=np.uint8).reshape(count, _HASH_WIDTH).astype(np.uint64)
    with np.errstate(over="ignore"):
        terms = codes * _POWERS
        before = np.cumsum(terms, axis=1, dtype=np.uint64) - terms
        after = np.cumsum(terms[:, ::-1], axis=1, dtype=np.uint64)[:, ::-1] - terms
        deleted = before + _HASH_BASE * after
        full = before[:, -1] + terms[:, -1] if count else np.zeros(0, dtype=np.uint64)
    return lengths, deleted, full


def _typo_arrays(forms: list[str]) -> dict[str, np.ndarray]:
    lengths, deleted, full = _deletion_hashes(forms)
    usable = lengths >= MIN_TYPO_LENGTH - 1  # a query of MIN_TYPO_LENGTH may lose a letter to a shorter form
    valid = (np.arange(_HASH_WIDTH)[None, :] < np.minimum(lengths, _HASH_WIDTH)[:, None]) & usable[:, None]
    hashes, owner = deleted[valid], np.nonzero(valid)[0]
    order = np.lexsort((owner, hashes))
    whole = np.flatnonzero(usable)
    whole_order = np.lexsort((whole, full[whole]))
    return {"deleted": hashes[order], "deleted_form": owner[order].astype(np.int32),
            "full": full[whole][whole_order], "full_form": whole[whole_order].astype(np.int32)}


def _ranges(starts: np.ndarray, numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions ``starts[n]`` to ``starts[n + 1]`` for every n of ``numbers``, with which n each came from."""
    first, last = starts[numbers], starts[numbers + 1]
    return _expand(first, last - first, np.arange(len(numbers)))


def _expand(first: np.ndarray, counts: np.ndarray, owners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    owner = np.repeat(owners, counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return owner, np.repeat(first, counts) + offsets


def _lookup(hashes: np.ndarray, owners: np.ndarray, table: np.ndarray, table_form: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:
    """(owner, form) for every hash found in the sorted ``table``."""
    order = np.argsort(hashes, kind="stable")  # sorted probes walk the table in order: far fewer cache misses
    hashes, owners = hashes[order], owners[order]
    first = np.searchsorted(table, hashes, side="left")
    last = np.searchsorted(table, hashes, side="right")
    owner, position = _expand(first, last - first, owners)
    return owner, table_form[position].astype(np.int64)


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
                     form_keys=arrays["form_keys"], stamp=arrays["stamp"][0])
