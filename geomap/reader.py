"""The one reader: every incident file, in blocks, the same way in every engine.

Reading happens in three steps, each a plain function:

1. :func:`sniff` looks at one file once and says how to read it (:class:`Layout`): its kind
   (CSV, GDELT event file, Parquet, GeoJSON/GeoPackage), text encoding, delimiter, header, a
   trailing empty field on every row (UCDP's download centre), an HXL hashtag row under the
   header (UCDP via HDX), the layers of a GeoPackage.
2. :func:`plan` cuts the files into :class:`Block` s: byte ranges of a CSV that start and end on
   a record boundary (a quote-aware scan, so a quoted field spanning lines is never cut), the
   row groups of a Parquet file, the layers of a GeoPackage. Each block knows the number, in
   its file, of its first record.
3. :func:`read_block` reads one block into a frame of text columns (Parquet and GDAL keep
   their types), with each row's record number and what was skipped or noted on the way.

The in-process engine calls :func:`read_block` for each block in turn; the Dask engine maps
the same function over the same blocks, so both read every byte alike. CSV is parsed by
pyarrow (multi-threaded, into Arrow strings); a block pyarrow cannot take as it is (rows of
uneven length) is read again by Python's :mod:`csv`, which pads short rows and refuses long
ones, naming the row.

Record numbers count the records of a file after its header, from 1; blank lines are not
records. ``input_row`` in every rejects file and error message is this number.
"""

from __future__ import annotations

import codecs
import csv
import io
import mmap
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from geomap import dates, sources, vector
from geomap.errors import InputError

#: Extension -> kind of reader.
KINDS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".geojson": "geo", ".json": "geo", ".gpkg": "geo",
         ".parquet": "parquet", ".geoparquet": "parquet"}
DELIMITERS = (",", "\t", ";", "|")
# Text files up to this size are sniffed whole (encoding included); larger ones by their first MiB.
_SNIFF_WHOLE = 16 * 2**20
_SNIFF_HEAD = 2**20
_SAMPLE_RECORDS = 50
# When no encoding is given and a file is not UTF-8: the code pages its users write with
# (Western European, and Arabic script for Pashto, Dari and Urdu), tried beside the detector's guess.
_CODE_PAGES = ("cp1252", "cp1256")
_HXL_TAG = re.compile(r"#[A-Za-z][A-Za-z0-9_]*(\s*\+\s*[A-Za-z][A-Za-z0-9_]*)*")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Encodings whose bytes for '"', the delimiters and line ends never occur inside another character,
# so a byte range can be cut on a line end and decoded alone. Others are decoded as a whole file.
_BYTE_SAFE = re.compile(r"^(utf[-_]?8(-sig)?|ascii|us-ascii|latin[-_]?1|iso[-_]?8859-\d+|cp\d+|windows-\d+|"
                        r"mac-?\w+|koi8-\w)$", re.IGNORECASE)


@dataclass(frozen=True)
class ReadOptions:
    """How to read the input: what the command line's reading options say.

    Attributes
    ----------
    format
        ``acled``, ``ucdp``, ``gdelt`` or ``generic``; None detects it from the columns.
    columns
        ``schema column -> source column`` pairs (``--columns``).
    encoding
        The text encoding (``--encoding``); None detects it.
    date_order
        ``dayfirst`` or ``monthfirst`` for numeric dates; None decides per column from its values.
    layer
        The one GeoPackage layer to read; None reads every layer, with a ``layer`` column.
    """

    format: str | None = None
    columns: tuple[tuple[str, str], ...] = ()
    encoding: str | None = None
    date_order: str | None = None
    layer: str | None = None

    @classmethod
    def build(cls, format: str | None = None, columns: str | dict | None = None, encoding: str | None = None,
              date_order: str | None = None, layer: str | None = None) -> ReadOptions:
        """Validated options: a bad value is an :class:`~geomap.errors.InputError` naming it."""
        if encoding is not None:
            try:
                encoding = codecs.lookup(encoding).name
            except LookupError:
                raise InputError(f"unknown encoding {encoding!r}; use a Python codec name such as utf-8, "
                                 "cp1252 or cp1256") from None
        return cls(format=sources.check_format(format), columns=tuple(sources.parse_columns(columns).items()),
                   encoding=encoding, date_order=dates.check_order(date_order), layer=layer)

    @property
    def mapping(self) -> dict[str, str]:
        return dict(self.columns)


@dataclass(frozen=True)
class Layout:
    """What :func:`sniff` found out about one file: everything needed to read any block of it."""

    path: Path
    kind: str  # csv, gdelt, parquet, geo
    size: int
    columns: tuple[str, ...]
    encoding: str | None = None
    delimiter: str | None = None
    quoted: bool = True
    data_start: int = 0  # byte offset of the first record after the header
    extra_field: bool = False  # every row has one more (empty) field than the header
    hxl: bool = False  # the first record is an HXL hashtag row
    layers: tuple[str, ...] = ()
    row_groups: tuple[int, ...] = ()  # rows per Parquet row group
    notes: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def whole_text(self) -> bool:
        """The text must be decoded as a whole (UTF-16 and similar), so the file is one block."""
        return self.kind in ("csv", "gdelt") and not _BYTE_SAFE.match(self.encoding or "utf-8")


@dataclass(frozen=True)
class Block:
    """A part of one file that can be read on its own."""

    layout: Layout
    number: int  # position in the plan
    start: int  # byte offset (text), row group (Parquet) or layer (GDAL)
    end: int
    first_record: int  # number of the block's first record in its file, from 1
    records: int | None = None  # records in the block, when the plan knows it
    size: int = 0  # bytes of input the block stands for (progress)

    @property
    def source(self) -> str:
        """The file (and layer) named in messages and in ``input_file``."""
        if self.layout.kind == "geo" and len(self.layout.layers) > 1:
            return f"{self.layout.name}:{self.layout.layers[self.start]}"
        return self.layout.name


@dataclass
class Chunk:
    """One block as read: text columns, each row's record number, and what happened on the way."""

    frame: pd.DataFrame
    rows: np.ndarray  # record number of each row of frame
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (record, why) not in frame
    notes: Counter = field(default_factory=Counter)  # note -> rows


# --- step 1: sniff ---------------------------------------------------------------------------


def sniff(path: str | Path, options: ReadOptions | None = None) -> Layout:
    """Look at a file once and decide how to read it.

    Raises
    ------
    InputError
        The file is missing, a directory, empty, of an unknown kind, not text, in an
        encoding that cannot be read, with duplicated column names, or otherwise unreadable.
    """
    options = options or ReadOptions()
    path = _check_path(path)
    kind = KINDS[path.suffix.lower()]
    if kind == "parquet":
        return _sniff_parquet(path)
    if kind == "geo":
        return _sniff_geo(path, options.layer)
    return _sniff_text(path, options)


def _check_path(raw: str | Path) -> Path:
    path = vector.check_local_path(raw)  # before Path() folds the "//" of a URL
    if not path.exists():
        raise InputError(f"input file {str(path)!r} does not exist")
    if path.is_dir():
        raise InputError(f"input {str(path)!r} is a directory; give a file")
    if path.suffix.lower() not in KINDS:
        raise InputError(f"cannot read {path.name!r}: unknown extension {path.suffix or '(none)'!r}; "
                         f"supported: {', '.join(sorted(KINDS))}")
    if path.stat().st_size == 0:
        raise InputError(f"input file {str(path)!r} is empty")
    return path


def _sniff_text(path: Path, options: ReadOptions) -> Layout:
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(size if size <= _SNIFF_WHOLE else _SNIFF_HEAD)
        while len(head) < size and head.count(b"\n") < 2:  # a header wider than the sample: read on
            head += handle.read(max(len(head), _SNIFF_HEAD))
    encoding, notes = options.encoding, []
    if encoding is None:
        encoding, note = _detect_encoding(path, head, complete=len(head) == size)
        if note:
            notes.append(note)
    text = _decode_head(path, head, encoding, complete=len(head) == size)
    if not text.strip():
        raise InputError(f"input file {str(path)!r} is empty")
    first_line = text.split("\n", 1)[0].rstrip("\r")
    fmt = options.format
    if fmt == "gdelt" or (fmt is None and _looks_like_gdelt(first_line)):
        found = len(first_line.split("\t"))
        if found != len(sources.GDELT_COLUMNS):
            raise InputError(f"{path}: a GDELT 2.0 event file has {len(sources.GDELT_COLUMNS)} tab-separated "
                             f"columns; its first line has {found}")
        return Layout(path, "gdelt", size, tuple(sources.GDELT_COLUMNS), encoding=encoding, delimiter="\t",
                      quoted=False, data_start=_bom_length(head, encoding), notes=tuple(notes))
    delimiter = "\t" if path.suffix.lower() == ".tsv" else _detect_delimiter(text)
    records, header_end = _first_records(text, delimiter, _SAMPLE_RECORDS + 1)
    if not records:
        raise InputError(f"input file {str(path)!r} is empty")
    header = [name.strip() for name in records[0]]
    sample = records[1:]
    trailing_header = len(header) > 1 and header[-1] == ""
    if trailing_header:  # "a,b,c," : a delimiter after the last name, as after every value
        header = header[:-1]
    columns = _column_names(path, header)
    width = len(columns)
    longer = [r for r in sample if len(r) == width + 1]
    extra_field = bool(longer) and all(r[-1].strip() == "" for r in longer) and \
        all(len(r) in (width, width + 1) for r in sample)
    if extra_field:
        notes.append("one field more than the header on each row, always empty (a trailing delimiter): dropped")
    hxl = bool(sample) and _is_hxl(sample[0])
    data_start = _bom_length(head, encoding) + len(text[:header_end].encode(_plain(encoding)))
    return Layout(path, "csv", size, columns, encoding=encoding, delimiter=delimiter, quoted=True,
                  data_start=data_start, extra_field=extra_field, hxl=hxl, notes=tuple(notes))


def _looks_like_gdelt(first_line: str) -> bool:
    fields = first_line.split("\t")
    return len(fields) == len(sources.GDELT_COLUMNS) and fields[0].strip().isdigit()


def _column_names(path: Path, header: list[str]) -> tuple[str, ...]:
    """The header's names, unnamed ones numbered; duplicates refused (a linear count, however wide)."""
    names = [name or f"unnamed_{number}" for number, name in enumerate(header, start=1)]
    counts = Counter(names)
    dupes = sorted(name for name, count in counts.items() if count > 1)
    if dupes:
        shown = dupes[:10] + (["..."] if len(dupes) > 10 else [])
        raise InputError(f"{path}: duplicated column names {shown}; rename them so each column is unique")
    return tuple(names)


def _is_hxl(record: list[str]) -> bool:
    """An HXL hashtag row: every non-empty field a tag such as ``#date+year`` or ``#loc+name``.

    At least two different tags: a first row repeating one tag tells no columns apart; it is more
    likely a record whose values happen to look like a tag, and it is read as data.
    """
    values = [re.sub(r"\s+", "", value) for value in record if value.strip()]
    return len(set(values)) >= 2 and all(_HXL_TAG.fullmatch(value) for value in values)


def _bom_length(head: bytes, encoding: str | None) -> int:
    return len(codecs.BOM_UTF8) if encoding == "utf-8-sig" and head.startswith(codecs.BOM_UTF8) else 0


def _plain(encoding: str | None) -> str:
    """The codec that measures the text after any BOM (UTF-16 files are re-encoded to UTF-8 first)."""
    if encoding in (None, "utf-8-sig") or not _BYTE_SAFE.match(encoding):
        return "utf-8"
    return encoding


# --- encodings ---------------------------------------------------------------------------------


def _detect_encoding(path: Path, head: bytes, complete: bool) -> tuple[str, str | None]:
    """The encoding of ``head`` and, when it is not UTF-8, a note saying what was chosen."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name, None
    if b"\x00" in head:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > len(head) // 4 and even == 0:
            return "utf-16-le", "text is UTF-16 (little-endian, no byte-order mark)"
        if even > len(head) // 4 and odd == 0:
            return "utf-16-be", "text is UTF-16 (big-endian, no byte-order mark)"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
        return "utf-8", None  # a NUL in a value of UTF-8 text is still text
    except UnicodeDecodeError as exc:
        bad = exc.start
    if b"\x00" in head:  # NULs and bytes that are no UTF-8: not text in any code page a CSV is written in
        raise InputError(f"{path}: not a text file (it holds NUL bytes); geomap reads CSV as text")
    chosen = _best_code_page(head, bad)
    if chosen is None:
        raise InputError(f"{path}: cannot tell the text encoding (not UTF-8, nor {', '.join(_CODE_PAGES)}); "
                         "give it with --encoding")
    return chosen, f"text is not UTF-8; read as {chosen} (detected; --encoding to choose another)"


def _best_code_page(head: bytes, bad: int) -> str | None:
    """The code page whose reading of the non-ASCII text looks most like words in one script.

    charset-normalizer proposes a candidate; :data:`_CODE_PAGES` are always tried. Short samples
    fool any statistical detector (three Arabic words read as Big5), so the choice is made by
    counting words that mix scripts or are wholly accented Latin letters: what mojibake makes.
    """
    around = head[max(0, bad - 65536):bad + 65536]
    candidates = list(_CODE_PAGES)
    try:
        from charset_normalizer import from_bytes

        guess = from_bytes(around).best()
        if guess is not None and guess.encoding not in candidates and _BYTE_SAFE.match(guess.encoding):
            candidates.append(guess.encoding)
    except ImportError:  # pragma: no cover - installed with geomap
        pass
    scored = []
    for rank, encoding in enumerate(candidates):
        try:
            text = around.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        scored.append((_mojibake(text), rank, encoding))
    return min(scored)[2] if scored else None


def _mojibake(text: str) -> int:
    """How many words look like text decoded with the wrong code page."""
    odd = 0
    for word in set(re.findall(r"[^\W\d_]{2,}", text)):
        if word.isascii():
            continue
        scripts = {unicodedata.name(ch, "?").split(" ")[0] for ch in word if not ch.isascii()}
        if {"LATIN"} != scripts and any(ch.isascii() for ch in word) or len(scripts) > 1:
            odd += 1  # Latin letters beside Arabic ones in one word: "Peڑhawar"
        elif scripts == {"LATIN"} and sum(not ch.isascii() for ch in word) > len(word) / 2:
            odd += 1  # mostly accented letters: "ÎæÓÊ" for an Arabic word
    odd += sum(unicodedata.category(ch) in ("Cc", "Co", "Cn") and ch not in "\t\r\n" for ch in text)
    return odd


def _decode_head(path: Path, head: bytes, encoding: str, complete: bool) -> str:
    try:
        text = codecs.getincrementaldecoder(encoding)().decode(head, final=complete)
    except UnicodeDecodeError as exc:
        before = head[:exc.start].decode(encoding, errors="replace") + "x"  # "x": the record being read counts
        row = len(_first_records(before, _detect_delimiter(before), 10**12)[0]) - 1
        where = f"row {row}" if row > 0 else "the header"
        raise InputError(f"{path.name} {where}: byte 0x{head[exc.start]:02X} cannot be read as {encoding}; "
                         "give the file's encoding with --encoding (e.g. cp1252 or cp1256)") from None
    return text[1:] if text.startswith("\ufeff") else text


# --- delimiters and records ----------------------------------------------------------------------


def _detect_delimiter(text: str) -> str:
    """The delimiter that splits the header into the most columns and every sampled row alike."""
    best, best_score = ",", (0, 0, 0)
    for rank, delimiter in enumerate(DELIMITERS):
        records, _ = _first_records(text, delimiter, 21)
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        consistent = sum(len(r) in (width, width + 1) for r in records[1:])
        score = (consistent == len(records) - 1, width, -rank)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _first_records(text: str, delimiter: str, limit: int) -> tuple[list[list[str]], int]:
    """Up to ``limit`` records from the start of ``text``, and the offset where the first one ends."""
    stream = io.StringIO(text, newline="")
    reader = csv.reader(stream, delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
    records, header_end = [], 0
    try:
        for record in reader:
            if not record:
                continue
            records.append(record)
            if len(records) == 1:
                header_end = stream.tell()
            if len(records) >= limit:
                break
    except csv.Error:  # a NUL or a field beyond csv's limit in the sample: what was read is enough
        pass
    return records, header_end


# --- Parquet and GDAL ---------------------------------------------------------------------------


def _sniff_parquet(path: Path) -> Layout:
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
    except Exception as exc:
        raise InputError(f"{path}: not a readable Parquet file ({_first_line(exc)})") from exc
    schema = meta.schema.to_arrow_schema()
    geo = _geo_metadata(path, schema)
    names = [n for n in schema.names if n != (geo or {}).get("primary_column") and not n.startswith("__index")]
    groups = tuple(meta.row_group(i).num_rows for i in range(meta.num_row_groups))
    return Layout(path, "parquet", path.stat().st_size, tuple(_column_names(path, names)), row_groups=groups)


def _geo_metadata(path: Path, schema) -> dict | None:
    import json

    raw = (schema.metadata or {}).get(b"geo")
    if raw is None:
        return None
    try:
        geo = json.loads(raw)
        primary = geo["primary_column"]
        column = geo["columns"][primary]
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: its GeoParquet metadata cannot be read ({exc})") from exc
    if "crs" in column and column["crs"] is None:
        raise InputError(f"{path}: the geometry has no CRS; write it with one (WGS84, EPSG:4326, is expected)")
    return geo


def _sniff_geo(path: Path, layer: str | None) -> Layout:
    names = vector.layers(path)
    if layer is not None:
        if layer not in names:
            raise InputError(f"{path}: no layer {layer!r}; layers: {', '.join(names[:20])}"
                             + (" ..." if len(names) > 20 else ""))
        names = [layer]
    columns, notes = [], []
    for each in names:
        info = vector.info(path, each)
        if info.get("geometry_type") and info.get("crs") is None and info.get("features", 0):
            raise InputError(f"{path}: the geometry has no CRS; write it with one (WGS84, EPSG:4326, is expected)")
        columns += [c for c in info["fields"] if c not in columns]
    if len(names) > 1:
        columns.append("layer")
        notes.append(f"{len(names)} layers read into one table, each row with its `layer` "
                     "(--layer NAME reads one)")
    return Layout(path, "geo", path.stat().st_size, tuple(_column_names(path, columns)), layers=tuple(names),
                  notes=tuple(notes))


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


# --- step 2: plan ---------------------------------------------------------------------------------


def plan(layouts: list[Layout], block_bytes: int | None = None) -> list[Block]:
    """Cut every file into blocks that can be read independently, in input order."""
    from geomap import settings

    block_bytes = int(block_bytes or settings.BLOCK_BYTES)  # a file up to half again this size is one block
    blocks: list[Block] = []
    for layout in layouts:
        if layout.kind == "parquet":
            first = 1
            for group, rows in enumerate(layout.row_groups or (0,)):
                size = layout.size * rows // max(1, sum(layout.row_groups))
                blocks.append(Block(layout, len(blocks), group, group + 1, first, rows, size))
                first += rows
        elif layout.kind == "geo":
            for number in range(len(layout.layers)):
                blocks.append(Block(layout, len(blocks), number, number + 1, 1, None,
                                    layout.size // len(layout.layers)))
        elif layout.whole_text or layout.size - layout.data_start <= block_bytes * 1.5:
            blocks.append(Block(layout, len(blocks), layout.data_start, layout.size, 1, None,
                                layout.size - layout.data_start))
        else:
            first = 1
            for start, end, records in _text_blocks(layout, block_bytes):
                blocks.append(Block(layout, len(blocks), start, end, first, records, end - start))
                first += records
    return blocks


def _text_blocks(layout: Layout, block_bytes: int) -> list[tuple[int, int, int]]:
    """``(start, end, records)`` of each block: cut on record ends found by a quote-aware scan."""
    from geomap import csvscan

    with layout.path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        data = np.frombuffer(mapped, dtype=np.uint8)

        def release(offset: int) -> None:  # pages behind the scan leave this process (the page cache keeps them)
            done = offset // mmap.PAGESIZE * mmap.PAGESIZE
            if done and hasattr(mapped, "madvise") and hasattr(mmap, "MADV_DONTNEED"):
                mapped.madvise(mmap.MADV_DONTNEED, 0, done)

        try:
            cuts, counts, open_at = csvscan.scan(data, layout.data_start, block_bytes, ord(layout.delimiter),
                                                 layout.quoted, release)
        finally:
            del data
    if open_at >= 0:
        raise InputError(f"{layout.path}: a quote opens a field at byte {open_at:,} that is never closed "
                         "(everything after it would be one value)")
    starts = [layout.data_start, *cuts[:-1]]
    return [(int(s), int(e), int(c)) for s, e, c in zip(starts, cuts, counts, strict=True) if e > s or c]


# --- step 3: read a block -------------------------------------------------------------------------


def read_block(block: Block) -> Chunk:
    """Read one block (see the module docstring); the same call in every engine.

    Raises
    ------
    InputError
        A row cannot be read: its file and record number are in the message.
    """
    layout = block.layout
    if layout.kind == "parquet":
        return _read_parquet(block)
    if layout.kind == "geo":
        return _read_geo(block)
    return _read_text(block)


def _read_text(block: Block) -> Chunk:
    layout = block.layout
    data = _block_bytes(block)
    names = list(layout.columns) + (["__extra__"] if layout.extra_field else [])
    table, ragged = _parse_arrow(data, layout, names)
    blank, short = [], []
    if ragged or not _closed_quotes(data, layout):
        records, blank, short = _parse_python(data, layout, block, len(names))
        frame = pd.DataFrame(records, columns=names, dtype=object) if records else \
            pd.DataFrame({n: pd.Series(dtype=object) for n in names})
    else:
        frame = table.to_pandas()
    chunk = Chunk(frame, np.arange(block.first_record, block.first_record + len(frame), dtype=np.int64))
    for position in reversed(blank):
        _skip(chunk, position, "blank line")
    chunk.skipped.sort()
    if short:
        chunk.notes["rows with fewer fields than the header (the missing ones left empty)"] += len(short)
    if block.records is not None and block.records != len(frame):
        raise InputError(f"{block.source}: the block from record {block.first_record} holds {len(frame)} rows "
                         f"where {block.records} were counted; the file may have changed while it was read")
    _drop_extra_field(chunk, block)
    _check_merged_rows(chunk, block)
    if layout.hxl and block.first_record == 1 and len(chunk.frame) and chunk.rows[0] == 1:
        tags = ", ".join(str(v) for v in chunk.frame.iloc[0].dropna().tolist()[:4])
        _skip(chunk, 0, f"HXL hashtag row ({tags}, ...), not an incident")
    if _may_break_lines(data, len(frame)):
        _note_line_breaks(chunk)
    chunk.frame = chunk.frame.reset_index(drop=True)
    return chunk


def _may_break_lines(data: bytes, records: int) -> bool:
    """Whether some value may hold a line break: more line ends than records, or a bare CR anywhere."""
    return data.count(b"\n") > records or data.count(b"\r") > data.count(b"\r\n")


def _block_bytes(block: Block) -> bytes:
    """The block's text as UTF-8 bytes (transcoded when the file is in another encoding)."""
    layout = block.layout
    if layout.whole_text:
        raw = layout.path.read_bytes()
        text = _decode_all(raw, layout, block)
        if text.startswith("\ufeff"):
            text = text[1:]
        data = text.encode("utf-8")
        return data[_header_length(text, layout):] if layout.kind == "csv" else data
    with layout.path.open("rb") as handle:
        handle.seek(block.start)
        raw = handle.read(block.end - block.start)
    if codecs.lookup(layout.encoding or "utf-8").name in ("utf-8", "utf-8-sig"):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            _undecodable(raw, exc, layout, block)
        return raw
    return _decode_all(raw, layout, block).encode("utf-8")


def _decode_all(raw: bytes, layout: Layout, block: Block) -> str:
    try:
        return raw.decode(layout.encoding)
    except UnicodeDecodeError as exc:
        _undecodable(raw, exc, layout, block)


def _undecodable(raw: bytes, exc: UnicodeDecodeError, layout: Layout, block: Block):
    record = block.first_record + max(0, _records_before(raw[:exc.start] + b"x", layout) - 1)
    raise InputError(f"{block.source} row {record}: byte 0x{raw[exc.start]:02X} cannot be read as "
                     f"{layout.encoding}; give the file's encoding with --encoding (e.g. cp1252 or cp1256)") from None


def _header_length(text: str, layout: Layout) -> int:
    _, end = _first_records(text, layout.delimiter, 1)
    return len(text[:end].encode("utf-8"))


def _records_before(prefix: bytes, layout: Layout) -> int:
    text = prefix.decode("utf-8", errors="replace")
    if not layout.quoted:
        return sum(1 for line in text.splitlines() if line)
    return len(_first_records(text, layout.delimiter, 10**12)[0])


_ARROW_PIECE = 4 * 2**20


def _parse_arrow(data: bytes, layout: Layout, names: list[str], only: str | None = None):
    """pyarrow's parse of the block as text columns, and whether any row had the wrong number of fields.

    ``only`` converts just that column (the others are still parsed, so rows are counted alike).
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    # pyarrow swaps in its own SIGINT/SIGTERM handler while it parses; a signal arriving then was
    # lost about one run in ten (the run went on and finished, exit 0). Python's own handler is left
    # in place: the interrupt is raised as soon as this piece's parse returns (a fraction of a second).
    pa.enable_signal_handlers(False)
    ragged = []

    def uneven(row) -> str:
        ragged.append(row.number)
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            # Parsed in pieces of 4 MiB, one thread per core (a block is 16 MiB by default); a value longer
            # than a piece is refused here and read by the careful path.
            read_options=pacsv.ReadOptions(column_names=names, use_threads=True, block_size=_ARROW_PIECE),
            parse_options=pacsv.ParseOptions(delimiter=layout.delimiter, quote_char='"' if layout.quoted else False,
                                             double_quote=True, newlines_in_values=layout.quoted,
                                             ignore_empty_lines=True, invalid_row_handler=uneven),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, null_values=[""],
                                                 strings_can_be_null=True, quoted_strings_can_be_null=True,
                                                 include_columns=[only] if only else None))
    except pa.ArrowInvalid:  # e.g. a value too large for one parse block: the careful path reads it
        return None, [None]
    return table, ragged


def _closed_quotes(data: bytes, layout: Layout) -> bool:
    """False if the block may end inside a quoted field (pyarrow accepts that silently)."""
    return not layout.quoted or data.count(b'"') % 2 == 0


def _parse_python(data: bytes, layout: Layout, block: Block, width: int) -> tuple[list[list], list[int], list[int]]:
    """The careful path: Python's csv, short rows padded, long rows and open quotes refused by row number.

    Also returns the positions of lines holding only spaces (records, but of nothing) and the
    numbers of the rows that were padded.
    """
    text = data.decode("utf-8")
    options = dict(delimiter=layout.delimiter, quotechar='"', doublequote=True) if layout.quoted else \
        dict(delimiter=layout.delimiter, quoting=csv.QUOTE_NONE)
    try:
        list(csv.reader(io.StringIO(text, newline=""), strict=True, **options))
    except csv.Error as exc:
        if "unexpected end of data" in str(exc) or "EOF inside string" in str(exc):
            start = len(_first_records(text, layout.delimiter, 10**12)[0])
            raise InputError(f"{block.source} row {block.first_record + max(0, start - 1)}: a quote opens a "
                             "field that is never closed (everything after it would be one value)") from None
    records, blank, short = [], [], []
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    for fields in csv.reader(io.StringIO(text, newline=""), strict=False, **options):
        if not fields:
            continue
        number = block.first_record + len(records)
        if len(fields) == 1 and width > 1 and not fields[0].strip():
            blank.append(len(records))  # a line of spaces: no record of anything, skipped below
            records.append([None] * width)
            continue
        if len(fields) > width:
            extra = [f for f in fields[width:] if f.strip()]
            if extra:
                raise InputError(f"{block.source} row {number}: {len(fields)} fields where the header has "
                                 f"{width - layout.extra_field}; the values from {extra[0][:30]!r} on belong to "
                                 "no column")
            fields = fields[:width]
        values = [value if value != "" else None for value in fields]
        if len(values) < width - layout.extra_field:
            short.append(number)
        records.append(values + [None] * (width - len(values)))
    return records, blank, short


def _skip(chunk: Chunk, position: int, why: str) -> None:
    chunk.skipped.append((int(chunk.rows[position]), why))
    keep = np.ones(len(chunk.frame), dtype=bool)
    keep[position] = False
    chunk.frame = chunk.frame[keep]
    chunk.rows = chunk.rows[keep]


def _drop_extra_field(chunk: Chunk, block: Block) -> None:
    if not block.layout.extra_field:
        return
    extra = chunk.frame["__extra__"]
    filled = extra.notna() & (extra.astype("string").str.strip() != "")
    if filled.any():
        position = int(np.flatnonzero(filled.to_numpy())[0])
        raise InputError(f"{block.source} row {chunk.rows[position]}: a value ({str(extra.iloc[position])[:30]!r}) "
                         "after the last column, where every other row has an empty trailing field")
    chunk.frame = chunk.frame.drop(columns="__extra__")
    chunk.notes["trailing empty field dropped"] += len(chunk.frame)


def _check_merged_rows(chunk: Chunk, block: Block) -> None:
    """A quoted value holding whole rows of the file: a quote left open merged them. Refused, by row."""
    layout = block.layout
    width = len(layout.columns)
    if not layout.quoted or width < 3 or chunk.frame.empty:
        return
    for column in chunk.frame.columns:
        values = chunk.frame[column]
        broken = values.astype("string").str.contains("\n", regex=False).fillna(False).to_numpy()
        for position in np.flatnonzero(broken):
            lines = str(values.iloc[position]).splitlines()[1:]
            rowlike = [line for line in lines if len(next(csv.reader([line], delimiter=layout.delimiter), []))
                       in (width, width + layout.extra_field)]
            if rowlike:
                raise InputError(f"{block.source} row {chunk.rows[position]}: a quoted value in {column!r} "
                                 f"runs over {len(lines) + 1} lines, {len(rowlike)} of them shaped like rows of "
                                 "the file (a quote left open?); close the quote")


def _note_line_breaks(chunk: Chunk) -> None:
    frame = chunk.frame
    broken = np.zeros(len(frame), dtype=bool)
    for column in frame.columns:
        if frame[column].dtype == object or str(frame[column].dtype) in ("string", "str"):
            broken |= frame[column].astype("string").str.contains(r"[\r\n]", regex=True).fillna(False).to_numpy()
    if broken.any():
        chunk.notes["rows with line breaks inside a quoted value (kept whole)"] += int(broken.sum())


def _read_parquet(block: Block) -> Chunk:
    import pyarrow.parquet as pq

    layout = block.layout
    try:
        handle = pq.ParquetFile(layout.path)
        table = handle.read_row_group(block.start) if layout.row_groups else handle.read()
    except Exception as exc:
        raise InputError(f"{layout.path}: not a readable Parquet file ({_first_line(exc)})") from exc
    geo = _geo_metadata(layout.path, table.schema)
    frame = table.to_pandas()
    frame = frame[[c for c in frame.columns if not str(c).startswith("__index")]]
    if geo is not None:
        frame = _points_from_wkb(frame, geo, layout.path)
    return Chunk(frame.reset_index(drop=True),
                 np.arange(block.first_record, block.first_record + len(frame), dtype=np.int64))


def _points_from_wkb(frame: pd.DataFrame, geo: dict, path: Path) -> pd.DataFrame:
    import geopandas as gpd
    import pyproj

    primary = geo["primary_column"]
    column = geo["columns"][primary]
    crs = column.get("crs", "OGC:CRS84")  # the GeoParquet default when the key is absent
    crs = pyproj.CRS.from_user_input(crs) if not isinstance(crs, dict) else pyproj.CRS.from_json_dict(crs)
    geometry = gpd.GeoSeries.from_wkb(frame[primary], crs=crs)
    rest = frame.drop(columns=primary)
    return points_from_geometry(gpd.GeoDataFrame(rest, geometry=geometry, crs=crs), path)


def _read_geo(block: Block) -> Chunk:
    layout = block.layout
    layer = layout.layers[block.start]
    frame = points_from_geometry(vector.read(layout.path, layer), layout.path)
    if len(layout.layers) > 1:
        frame["layer"] = layer
    frame = frame.reindex(columns=[c for c in layout.columns if c in frame or c == "layer"]
                          + [c for c in frame.columns if c not in layout.columns])
    return Chunk(frame.reset_index(drop=True), np.arange(1, len(frame) + 1, dtype=np.int64))


def points_from_geometry(frame, path: Path | str) -> pd.DataFrame:
    """Points to ``latitude``/``longitude`` in WGS84; other geometries to a representative point."""
    from geomap import settings

    if not hasattr(frame, "crs"):  # a layer without geometry: a plain table
        return pd.DataFrame(frame)
    if frame.crs is None:
        if frame.geometry.notna().any():
            raise InputError(f"{path}: the geometry has no CRS; write it with one (WGS84, EPSG:4326, is expected)")
        return pd.DataFrame(frame.drop(columns=frame.geometry.name))
    if not frame.crs.equals(settings.CRS):
        frame = frame.to_crs(settings.CRS)
    geometry = frame.geometry
    present = (geometry.notna() & ~geometry.is_empty).to_numpy()
    points = geometry.copy()
    other = present & (geometry.geom_type != "Point").to_numpy()
    if other.any():
        points[other] = geometry[other].representative_point()
    out = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    x = np.full(len(out), np.nan)
    y = np.full(len(out), np.nan)
    if present.any():
        x[present] = points[present].x.to_numpy()
        y[present] = points[present].y.to_numpy()
    out["latitude"] = y
    out["longitude"] = x
    return out


# --- evidence passes ---------------------------------------------------------------------------


def date_evidence(block: Block, options: ReadOptions) -> dates.Evidence:
    """How the block's event dates settle day/month order; only that column is converted where it can be."""
    layout = block.layout
    column = sources.date_column(layout.columns, options.format, options.mapping)
    if column is None or layout.kind == "gdelt":  # GDELT's SQLDATE is always YYYYMMDD, and not its own event_date
        return dates.Evidence()
    if layout.kind == "csv" and not layout.whole_text:
        data = _block_bytes(block)
        names = list(layout.columns) + (["__extra__"] if layout.extra_field else [])
        table, ragged = _parse_arrow(data, layout, names, only=column)
        if not ragged and _closed_quotes(data, layout):
            values = table.column(column).to_pandas()
            if layout.hxl and block.first_record == 1 and len(values):
                values = values.iloc[1:]
            return dates.evidence(values)
    frame = read_block(block).frame
    return dates.evidence(frame[column]) if column in frame else dates.Evidence()


def read_all(path: str | Path, options: ReadOptions | None = None) -> tuple[pd.DataFrame, list[Chunk], Layout]:
    """Every block of one file, in order, as one frame (what a notebook's ``load`` needs)."""
    layout = sniff(path, options)
    chunks = [read_block(block) for block in plan([layout])]
    frames = [chunk.frame for chunk in chunks if len(chunk.frame.columns)]
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0] if frames else pd.DataFrame()
    if frame.empty and not len(frame.columns):
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in layout.columns})
    return frame, chunks, layout


__all__ = ["Block", "Chunk", "KINDS", "Layout", "ReadOptions", "date_evidence", "plan",
           "points_from_geometry", "read_all", "read_block", "sniff"]
