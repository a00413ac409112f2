"""Where the records of a large CSV end: a quote-aware scan of its bytes, compiled with numba.

A CSV can only be cut where a record ends, and a line end inside a quoted field is not one. A
quote only opens a field at the field's start (``5" gun`` is a value, as pyarrow and Python's
csv read it), so the scan follows the same small state machine as the parsers, byte by byte,
at about a gigabyte a second. It also counts the records of each block, so that every block
knows the number of its first record without reading the ones before it.

Only files larger than a block are scanned; loading numba (~1 s) would cost a small file more
than reading it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from geomap.compiled import nogil

_QUOTE, _LF, _CR = 34, 10, 13


def _scan(data, stop, block, delimiter, quoted, cuts, counts, at):  # pragma: no cover - compiled by numba
    # Resumable: ``at`` holds the scan's place and state, and the call goes on from there up to ``stop``.
    # at = [position, state, records, in_record, block_start, blocks, quote_at]; states: 0 start of a field,
    # 1 in an unquoted field, 2 in a quoted field, 3 just after a quote in one.
    n = data.shape[0]
    i, state, records, in_record, block_start, blocks, quote_at = at[0], at[1], at[2], at[3], at[4], at[5], at[6]
    while i < stop:
        c = data[i]
        if state == 2:
            if c == _QUOTE:
                state = 3
        elif c == _LF or c == _CR:  # noqa: SIM109 (numba compiles comparisons, not tuple tests)
            if in_record:
                records += 1
                in_record = 0
            if c == _CR and i + 1 < n and data[i + 1] == _LF:
                i += 1
            state = 0
            if i + 1 - block_start >= block:
                cuts[blocks] = i + 1
                counts[blocks] = records
                blocks += 1
                records = 0
                block_start = i + 1
        elif c == delimiter:
            state = 0
            in_record = 1
        elif c == _QUOTE and quoted and state == 0:
            state = 2
            quote_at = i
            in_record = 1
        elif state == 3:
            state = 2 if c == _QUOTE else 1
            in_record = 1
        else:
            state = 1
            in_record = 1
        i += 1
    at[0], at[1], at[2], at[3], at[4], at[5], at[6] = i, state, records, in_record, block_start, blocks, quote_at


#: Bytes scanned between two releases of the pages behind the scan.
WINDOW = 64 * 2**20


def scan(data: np.ndarray, start: int, block: int, delimiter: int, quoted: bool,
         release: Callable[[int], None] | None = None) -> tuple[np.ndarray, np.ndarray, int]:
    """Cut ``data[start:]`` into blocks of at least ``block`` bytes on record ends.

    Parameters
    ----------
    data
        The file's bytes (a ``numpy.memmap`` of ``uint8`` does not read it into memory).
    start
        Offset of the first record (after the header).
    block
        Bytes per block; each block ends on the first record end at or after that many bytes.
    delimiter
        The delimiter's byte.
    quoted
        Whether ``"`` quotes fields (False for GDELT's tab-separated files).
    release
        Called with the offset the scan has passed, every :data:`WINDOW` bytes: the caller may
        drop the pages before it (a mapped file's pages scanned would otherwise all count in the
        process's memory until the end).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray, int)
        The end offset and the record count of each block, and the offset of a quote that
        is never closed (-1 if none).
    """
    most = (len(data) - start) // max(1, block) + 2
    cuts = np.zeros(most, dtype=np.int64)
    counts = np.zeros(most, dtype=np.int64)
    at = np.array([start, 0, 0, 0, start, 0, -1], dtype=np.int64)
    kernel = nogil(_scan)
    for stop in range(start + WINDOW, len(data) + WINDOW, WINDOW):
        kernel(data, min(stop, len(data)), int(block), int(delimiter), bool(quoted), cuts, counts, at)
        if release is not None:
            release(int(at[0]))
    _, state, records, in_record, _, blocks, quote_at = at.tolist()
    cuts[blocks] = len(data)
    counts[blocks] = records + in_record
    return cuts[:blocks + 1], counts[:blocks + 1], int(quote_at) if state == 2 else -1


__all__ = ["scan"]
