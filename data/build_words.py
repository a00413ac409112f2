"""Rebuild data/english_words.parquet: the everyday English words, for the news extractor's precision rules.

A gazetteer of villages holds thousands of names that are also English words ("Bar", "Top",
"Police Lines"); ``geomap extract`` asks for positive evidence before it takes such a word for a
place. The words come from SCOWL, as Debian packages it (``wamerican`` and ``wbritish``
2020.12.07: ``/usr/share/dict/american-english`` and ``british-english``): every entry written
in lower case (a capitalised entry, "Kabul", is a proper name, not an everyday word).

Run ``make data`` (it installs both packages), or directly::

    python data/build_words.py [--dict-dir /usr/share/dict]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent
LISTS = ("american-english", "british-english")
_LOWER_WORD = re.compile(r"[a-z]+")


def build(dict_dir: Path) -> pd.DataFrame:
    """Lower-case entries of both SCOWL lists, one row per word, sorted."""
    words: set[str] = set()
    for name in LISTS:
        path = dict_dir / name
        if not path.is_file():
            sys.exit(f"{path} is missing: install Debian's wamerican and wbritish (apt-get install wamerican wbritish)")
        words.update(w for w in path.read_text(encoding="utf-8").split() if _LOWER_WORD.fullmatch(w))
    return pd.DataFrame({"word": sorted(words)})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dict-dir", type=Path, default=Path("/usr/share/dict"))
    args = parser.parse_args(argv)
    words = build(args.dict_dir)
    words.to_parquet(HERE / "english_words.parquet", index=False, compression="zstd")
    # SCOWL's notices must travel with any copy of its lists: the package's copyright file, as Debian ships it.
    notice = Path("/usr/share/doc/wamerican/copyright")
    if notice.is_file():
        (HERE / "english_words_LICENSE.md").write_text(
            "# Licence of english_words.parquet (SCOWL, via Debian wamerican/wbritish)\n\n```\n"
            + notice.read_text(encoding="utf-8") + "```\n", encoding="utf-8")
    sys.path.insert(0, str(HERE))
    from build_data import write_manifest

    write_manifest()
    print(f"english words: {len(words):,}")


if __name__ == "__main__":
    main()
