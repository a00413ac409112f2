"""The quote-aware scan that cuts large CSVs into blocks: the same cuts however the file is windowed."""

import csv
import io

import numpy as np
import pytest

from geomap import csvscan


def _text(rng: np.random.Generator, rows: int) -> bytes:
    pieces = []
    for _ in range(rows):
        fields = []
        for _ in range(3):
            kind = rng.integers(0, 4)
            if kind == 0:
                fields.append(f"v{rng.integers(0, 1000)}")
            elif kind == 1:
                fields.append('"a\nb, ""c"""')  # a quoted line break, a delimiter and an escaped quote
            elif kind == 2:
                fields.append('"x\r\ny"')
            else:
                fields.append("")
        pieces.append(",".join(fields) + ("\r\n" if rng.integers(0, 2) else "\n"))
    return "".join(pieces).encode()


@pytest.mark.parametrize("seed", range(5))
def test_windows_of_any_size_give_the_cuts_of_one_pass(seed, monkeypatch):
    rng = np.random.default_rng(seed)
    data = np.frombuffer(_text(rng, 300), dtype=np.uint8)
    whole = csvscan.scan(data, 0, 200, ord(","), True)
    records = sum(1 for _ in csv.reader(io.StringIO(data.tobytes().decode(), newline="")))
    assert whole[1].sum() == records
    for window in (1, 2, 3, 7, 64, 999):
        monkeypatch.setattr(csvscan, "WINDOW", window)
        released = []
        cuts, counts, open_at = csvscan.scan(data, 0, 200, ord(","), True, released.append)
        assert np.array_equal(cuts, whole[0]) and np.array_equal(counts, whole[1]) and open_at == whole[2] == -1
        # The scan says how far it got after every window, never going back, to the end of the file.
        assert len(released) == -(-len(data) // window) and released == sorted(released)
        assert released[-1] >= len(data)


def test_an_open_quote_is_found_across_windows(monkeypatch):
    data = np.frombuffer(b'a,b\n1,"never closed\n2,3\n4,5\n', dtype=np.uint8)
    monkeypatch.setattr(csvscan, "WINDOW", 3)
    assert csvscan.scan(data, 4, 5, ord(","), True)[2] == 6
