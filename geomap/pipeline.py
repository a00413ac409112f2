"""load -> geocode -> join -> write, as a validated plan that either engine executes.

A :class:`RunPlan` holds every option of a run, checked once when it is built
(:meth:`RunPlan.build`): the command line builds one, a notebook can too, or simply call
:func:`run` with the same keywords. :func:`execute` carries it out the same way on both engines:

1. each input is sniffed and cut into blocks (:mod:`geomap.reader`);
2. a first pass over the blocks collects the evidence that decides each file's date order (and,
   when duplicates are linked, the few columns that needs);
3. the main pass maps :func:`process_block` — read, schema, coordinates, dates, geocode, join —
   over the blocks, and the results are written in order as they come (:mod:`geomap.io`).

The engine only decides where :func:`process_block` runs: in this process, one block after the
other (:class:`LocalEngine`), or on Dask workers (:class:`geomap.engine.DaskEngine`). Blocks
and their order are the same, so the output is the same, byte for byte.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from geomap import dates, io, reader, settings
from geomap.errors import GeomapError, InputError

#: Called as ``progress(stage, fraction_done)`` while a run advances.
Progress = Callable[[str, float], None]
STAGES = ("geocode", "join")
ENGINES = ("local", "dask")
TABLES = io.WRITERS
MAPS = io.MAPS
# In-memory results need about this many bytes per byte of input text (strings, added columns, copies).
_MEMORY_PER_INPUT_BYTE = 10
# Blocks of one process take turns through the stages. Their shared geometry (prepared GEOS polygons,
# lazily indexed on first use) is not safe to touch from two threads at once (libgeos/geos#825): two
# Dask worker threads joining at the same moment crashed the process with a double free. Reading and
# writing, most of a block's time, still overlap; separate worker processes run fully in parallel.
_STAGES_LOCK = threading.Lock()


@dataclass(frozen=True)
class MapOptions:
    """Options of the HTML map (see :func:`geomap.render.render`)."""

    title: str | None = None
    tiles: str | None = None
    offline: bool = False
    bands: tuple[float, ...] | None = None
    aggregate_above: int | None = None
    popup_budget: int | None = None


@dataclass(frozen=True)
class Dedupe:
    """Link likely duplicates within ``km`` and ``days`` (see :mod:`geomap.dedupe`)."""

    km: float = settings.DEDUPE_KM
    days: float = settings.DEDUPE_DAYS
    within_source: bool = False


@dataclass(frozen=True)
class RunPlan:
    """Everything a run does, validated: what to read, how far to go, where to write, on which engine."""

    inputs: tuple[Path, ...]
    output: Path | None = None
    stage: str = "join"
    read: reader.ReadOptions = field(default_factory=reader.ReadOptions)
    place_column: str | None = None
    country_column: str | None = None
    province_column: str | None = None
    map: MapOptions | None = None
    dedupe: Dedupe | None = None
    rejects: Path | None = None
    engine: str = "local"
    scheduler: str | None = None
    dashboard: bool = False
    keep: bool = True
    block_bytes: int | None = None

    @classmethod
    def build(cls, inputs: str | Path | Iterable[str | Path] | None = None, output: str | Path | None = None, *,
              stage: str = "join", format: str | None = None, columns: str | dict | None = None,
              encoding: str | None = None, date_order: str | None = None, layer: str | None = None,
              place_column: str | None = None, country_column: str | None = None,
              province_column: str | None = None, title: str | None = None, tiles: str | None = None,
              offline: bool = False, bands: tuple[float, ...] | None = None, aggregate_above: int | None = None,
              popup_budget: int | None = None, dedupe_km: float | None = None, dedupe_days: float | None = None,
              dedupe_within: bool = False,
              rejects: str | Path | None = None, engine: str = "local", scheduler: str | None = None,
              dashboard: bool = False, keep: bool = True, block_bytes: int | str | None = None) -> RunPlan:
        """A plan from the options the command line and notebooks use; every value checked here.

        Parameters
        ----------
        inputs
            Incident file(s): CSV, GDELT event file, GeoJSON, GeoParquet, GeoPackage; None for the
            bundled sample. Several files are read one after the other.
        output
            ``.html`` writes the map; ``.csv``/``.geojson``/``.parquet``/``.gpkg`` the table; None
            writes nothing (the frame is returned).
        stage
            ``"geocode"`` stops after geocoding; ``"join"`` adds the border columns (a map always joins).
        format, columns, encoding, date_order, layer
            How to read the input (:class:`geomap.reader.ReadOptions`).
        place_column, country_column, province_column
            Input columns the geocoder uses (defaults in :mod:`geomap.settings`).
        title, tiles, offline, bands, aggregate_above, popup_budget
            Map options, see :func:`geomap.render.render`.
        dedupe_km, dedupe_days, dedupe_within
            Giving any links likely duplicates (see :mod:`geomap.dedupe`).
        rejects
            A CSV for the rows that could not be located, with ``input_file``, ``input_row`` and
            ``reject_reason``.
        engine, scheduler, dashboard
            ``"local"`` runs here; ``"dask"`` on a Dask cluster (``scheduler``: its address or a
            ``distributed.Client``; None starts a cluster in this process on 127.0.0.1, with a
            dashboard only if ``dashboard``).
        keep
            Return the result as a frame (when it fits in memory); False streams it to ``output``.
        block_bytes
            Bytes of text per block, or a size such as ``"16MB"`` (default :data:`geomap.settings.BLOCK_BYTES`).

        Raises
        ------
        InputError, OutputError
            A value that cannot be used, named with what is allowed.
        """
        from geomap.datasets import sample_path

        if inputs is None:
            paths = (sample_path(),)
        elif isinstance(inputs, (str, Path)):
            paths = (inputs,)
        else:
            paths = tuple(inputs)
        if not paths:
            raise InputError("no input file given")
        if stage not in STAGES:
            raise InputError(f"unknown stage {stage!r}; choose one of: {', '.join(STAGES)}")
        if engine not in ENGINES:
            raise InputError(f"unknown engine {engine!r}; choose one of: {', '.join(ENGINES)}")
        read = reader.ReadOptions.build(format, columns, encoding, date_order, layer)
        target = None
        if output is not None:
            target = io.check_output(output, [p for p in paths if isinstance(p, (str, Path))],
                                     allowed=(*MAPS, *TABLES), others=[("--rejects", rejects)])
        is_map = target is not None and target.suffix.lower() in MAPS
        rejects_path = None
        if rejects is not None:
            rejects_path = io.check_output(rejects, paths, allowed=(".csv",), others=[("-o/--output", output)])
        dedupe = None
        if dedupe_km is not None or dedupe_days is not None or dedupe_within:
            from geomap.dedupe import _check_window

            dedupe = Dedupe(settings.DEDUPE_KM if dedupe_km is None else float(dedupe_km),
                            settings.DEDUPE_DAYS if dedupe_days is None else float(dedupe_days), bool(dedupe_within))
            _check_window(dedupe.km, dedupe.days)
        options = MapOptions(title, tiles, offline, tuple(bands) if bands is not None else None,
                             aggregate_above, popup_budget) if is_map else None
        if engine == "dask":
            from geomap.engine import check_available

            check_available()
        try:
            block_bytes = settings.parse_size(block_bytes, "block size")
        except ValueError as exc:
            raise InputError(str(exc)) from None
        return cls(inputs=tuple(Path(str(p)) if not isinstance(p, Path) else p for p in paths), output=target,
                   stage="join" if is_map else stage, read=read, place_column=place_column,
                   country_column=country_column, province_column=province_column, map=options, dedupe=dedupe,
                   rejects=rejects_path, engine=engine, scheduler=scheduler, dashboard=dashboard,
                   keep=keep or is_map, block_bytes=block_bytes)

    @property
    def is_map(self) -> bool:
        return self.map is not None


@dataclass(frozen=True)
class Summary:
    """What a run did with every row: ``rows_in == located + unmatched``.

    ``written`` counts the rows in the output (for a map, the rows drawn); every row not
    written is in ``reasons`` (reason -> count) and, with ``rejects``, in that file. Records
    of the input that are not incidents (an HXL hashtag row, a blank line) are in ``skipped``:
    ``records == rows_in + sum(skipped.values())``.
    """

    rows_in: int
    given: int
    matched: int
    ambiguous: int
    unmatched: int
    written: int
    output: str | None
    reasons: dict[str, int] = field(default_factory=dict)
    flags: dict[str, int] = field(default_factory=dict)
    rejects: str | None = None
    skipped: dict[str, int] = field(default_factory=dict)
    skipped_rows: tuple[tuple[str, int, str], ...] = ()
    notes: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    engine: str = "local"
    blocks: int = 0
    #: Seconds spent in each stage (read, standardise, geocode, join, write), added up over the blocks
    #: (on Dask, over the workers), and ``total``: the run's wall time.
    seconds: dict[str, float] = field(default_factory=dict, compare=False)

    @property
    def located(self) -> int:
        return self.given + self.matched + self.ambiguous

    @property
    def records(self) -> int:
        return self.rows_in + sum(self.skipped.values())

    def as_dict(self) -> dict:
        out = asdict(self)
        out["skipped_rows"] = [{"input_file": f, "input_row": r, "reason": why} for f, r, why in self.skipped_rows]
        return {**out, "located": self.located, "records": self.records}


@dataclass(frozen=True)
class Context:
    """What every block needs besides itself (sent to the workers with it)."""

    read: reader.ReadOptions
    stage: str
    place_column: str | None
    country_column: str | None
    province_column: str | None
    readings: tuple[tuple[str, dates.Reading], ...]  # file -> how its dates are read
    several_files: bool
    template: pd.DataFrame | None = None  # the output's columns and types, no rows

    def reading(self, layout: reader.Layout) -> dates.Reading:
        return dict(self.readings).get(str(layout.path), dates.Reading(self.read.date_order))


@dataclass
class BlockResult:
    """One block processed: its rows, and the accounting the summary adds up."""

    frame: pd.DataFrame
    rows: np.ndarray
    source: str
    skipped: list[tuple[int, str]]
    notes: Counter
    status: Counter
    flags: Counter
    rejected: pd.DataFrame
    seconds: Counter = field(default_factory=Counter)


@contextmanager
def _timed(seconds: Counter, stage: str):
    """Add the time the ``with`` body takes to ``seconds[stage]``."""
    start = time.perf_counter()
    try:
        yield
    finally:
        seconds[stage] += time.perf_counter() - start


# --- the block function both engines map -----------------------------------------------------


def process_block(block: reader.Block, context: Context, clusters: pd.DataFrame | None = None) -> BlockResult:
    """Read one block and take it through every stage: the unit of work of both engines."""
    seconds = Counter()
    with _timed(seconds, "read"):
        chunk = reader.read_block(block)
    try:
        with _STAGES_LOCK:
            frame = _stages(chunk.frame, block.layout, context, seconds)
    except GeomapError as exc:
        if block.source not in str(exc):
            raise type(exc)(f"{block.source} rows {block.first_record}-{block.first_record + len(chunk.frame) - 1}: "
                            f"{exc}") from exc
        raise
    except Exception as exc:  # a bug: say where, and let it surface as one
        exc.add_note(f"while processing {block.source} rows {block.first_record}-"
                     f"{block.first_record + len(chunk.frame) - 1}")
        raise
    if clusters is not None:
        frame = frame.assign(duplicate_cluster=clusters["duplicate_cluster"].to_numpy(),
                             duplicate_count=clusters["duplicate_count"].to_numpy())
    if context.template is not None:
        frame = _conform(frame, context.template)
    rejected = unlocated(frame, context.place_column, rows=chunk.rows, source=block.source)
    status = Counter({str(k): int(v) for k, v in frame["geocode_status"].value_counts().items()}) \
        if "geocode_status" in frame else Counter()
    flags = Counter()
    for column, prefix in (("coord_note", "coordinates "), ("date_note", "")):
        if column in frame:
            for note, count in frame[column][frame[column] != ""].value_counts().items():
                flags[prefix + str(note)] += int(count)
    return BlockResult(frame, chunk.rows, block.source, chunk.skipped, chunk.notes, status, flags, rejected, seconds)


def _stages(frame: pd.DataFrame, layout: reader.Layout, context: Context,
            seconds: Counter | None = None) -> pd.DataFrame:
    from geomap.load import standardise

    seconds = Counter() if seconds is None else seconds
    with _timed(seconds, "standardise"):
        frame = standardise(frame, context.read.format, context.read.mapping, context.reading(layout))
    if context.several_files and "source_dataset" not in frame:
        frame = frame.assign(source_dataset=layout.name)  # which file, or duplicates cannot be told apart
    return enrich(frame, stage=context.stage, place_column=context.place_column,
                  country_column=context.country_column, province_column=context.province_column, seconds=seconds)


def enrich(frame: pd.DataFrame, *, stage: str = "join", place_column: str | None = None,
           country_column: str | None = None, province_column: str | None = None,
           seconds: Counter | None = None) -> pd.DataFrame:
    """Geocoding and, for ``stage="join"``, the border join: the stages after reading.

    ``seconds``, when given, gets the time each stage took added under its name.
    """
    from geomap.geocode import geocode
    from geomap.join import join

    seconds = Counter() if seconds is None else seconds
    with _timed(seconds, "geocode"):
        frame = geocode(frame, place_column, country_column, province_column)
    if stage != "join":
        return frame
    with _timed(seconds, "join"):
        return join(frame)


def _dedupe_keys(block: reader.Block, context: Context) -> pd.DataFrame:
    """The columns linking duplicates needs, for one processed block."""
    frame = process_block(block, context).frame
    return frame.reindex(columns=["longitude", "latitude", "event_date", "event_category", "source_dataset"])


def _conform(frame: pd.DataFrame, template: pd.DataFrame) -> pd.DataFrame:
    """The block with the output's columns, in order; a column it lacks is added empty, with its type."""
    missing = [c for c in template.columns if c not in frame.columns]
    if missing:
        empty = pd.DataFrame({c: pd.Series(index=frame.index, dtype=template[c].dtype) for c in missing})
        frame = pd.concat([frame, empty], axis=1)
    return frame[list(template.columns)] if list(frame.columns) != list(template.columns) else frame


def unlocated(frame: pd.DataFrame, place_column: str | None = None, rows: np.ndarray | None = None,
              source: str | None = None) -> pd.DataFrame:
    """The rows without a location, each with ``input_file``, ``input_row`` and a ``reject_reason``."""
    place_column = place_column or settings.PLACE_COLUMN
    missing = (frame["latitude"].isna() | frame["longitude"].isna()).to_numpy() if "latitude" in frame \
        else np.ones(len(frame), dtype=bool)
    out = frame[missing].copy()
    place = out[place_column].astype("string").fillna("").str.strip() if place_column in out \
        else pd.Series("", index=out.index)
    note = out["coord_note"].astype(str) if "coord_note" in out else pd.Series("", index=out.index)
    reason = np.where(place.to_numpy() == "", "no place name and no usable coordinates",
                      "place name not found in the gazetteer")
    bad_coords = note.isin(["out of range", "not finite"]).to_numpy()
    reason = np.where(bad_coords, "coordinates " + note.to_numpy(dtype=str) + "; " + reason, reason)
    numbers = rows[missing] if rows is not None else np.flatnonzero(missing) + 1
    out.insert(0, "reject_reason", reason)
    out.insert(0, "input_row", np.asarray(numbers, dtype=np.int64))
    out.insert(0, "input_file", source or "")
    return out.reset_index(drop=True)


# --- engines -------------------------------------------------------------------------------------


class LocalEngine:
    """Runs each block in this process, one after the other."""

    name = "local"

    def map(self, function: Callable, calls: list[tuple]) -> Iterator:
        """``function(*call)`` for each call, in order, as each is needed."""
        for call in calls:
            yield function(*call)

    def close(self) -> None:
        pass


def _engine(plan: RunPlan):
    if plan.engine == "dask":
        from geomap.engine import DaskEngine

        return DaskEngine(plan.scheduler, dashboard=plan.dashboard)
    return LocalEngine()


# --- executing a plan ----------------------------------------------------------------------------


def run(plan: RunPlan | str | Path | Iterable | None = None, output: str | Path | None = None, *,
        progress: Progress | None = None, notice: Callable[[str], None] | None = None,
        **options) -> tuple[pd.DataFrame | None, Summary]:
    """Run a :class:`RunPlan`, or build one from a path and :meth:`RunPlan.build`'s keywords and run it.

    Returns
    -------
    (pandas.DataFrame or None, Summary)
        Every input row, enriched (None when the result was only streamed to the output); and the
        run's accounting.
    """
    if not isinstance(plan, RunPlan):
        plan = RunPlan.build(plan, output, **options)
    elif output is not None or options:
        raise InputError("give either a RunPlan or a path with options, not both")
    return execute(plan, progress, notice)


def execute(plan: RunPlan, progress: Progress | None = None,
            notice: Callable[[str], None] | None = None) -> tuple[pd.DataFrame | None, Summary]:
    """Carry out a plan (see the module docstring); ``notice`` hears what a user should know while it runs."""
    started = time.perf_counter()
    report = progress or (lambda _stage, _fraction: None)
    report("read", 0.0)
    layouts = [reader.sniff(path, plan.read) for path in plan.inputs]
    blocks = reader.plan(layouts, plan.block_bytes)
    plan = _fit_memory(plan, layouts)
    engine = _engine(plan)
    if getattr(engine, "dashboard", None) and notice is not None:
        notice(f"Dask dashboard: {engine.dashboard}")
    try:
        first = Counter()
        with _timed(first, "first pass"):
            context = _context(plan, layouts, blocks, engine, report)
            clusters = _clusters(plan, blocks, context, engine, report) if plan.dedupe else [None] * len(blocks)
        frame, summary = _main_pass(plan, layouts, blocks, context, clusters, engine, report)
        seconds = {"first pass": round(first["first pass"], 3), **summary.seconds,
                   "total": round(time.perf_counter() - started, 3)}
        return frame, replace(summary, seconds=seconds)
    finally:
        engine.close()


def _context(plan: RunPlan, layouts, blocks, engine, report) -> Context:
    """Each file's date reading (a pass over its blocks when the order is not given) and the output template."""
    evidence: dict[str, dates.Evidence] = {}
    calls = [(block, plan.read) for block in blocks]  # also with --dayfirst: whether any date is not ISO
    for done, (block, found) in enumerate(zip(blocks, engine.map(reader.date_evidence, calls), strict=True)):
        key = str(block.layout.path)
        evidence[key] = evidence.get(key, dates.Evidence()) + found
        report("dates", (done + 1) / len(blocks))
    readings = tuple((key, found.decide(plan.read.date_order)) for key, found in evidence.items())
    context = Context(plan.read, plan.stage, plan.place_column, plan.country_column, plan.province_column,
                      readings, len(layouts) > 1)
    return replace(context, template=_template(layouts, context, plan.dedupe is not None))


def _template(layouts: list[reader.Layout], context: Context, linked: bool) -> pd.DataFrame:
    """The output's columns and types: every file's columns through every stage, with no rows."""
    parts = []
    for layout in layouts:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in layout.columns})
        if layout.kind in ("parquet", "geo"):
            empty = empty.assign(latitude=pd.Series(dtype=float), longitude=pd.Series(dtype=float))
        with _STAGES_LOCK:
            parts.append(_stages(empty, layout, context))
    template = parts[0]
    for part in parts[1:]:
        template = pd.concat([template, part[[c for c in part.columns if c not in template.columns]]], axis=1)
    if linked:
        template = template.assign(duplicate_cluster=pd.array([], dtype="Int64"),
                                   duplicate_count=np.array([], dtype=np.int64))
    return template.iloc[:0]


def _clusters(plan: RunPlan, blocks, context: Context, engine, report) -> list[pd.DataFrame]:
    """Duplicate links over every row, from a first pass that keeps only five columns; one slice per block."""
    from geomap.dedupe import link_duplicates

    keys = []
    for done, found in enumerate(engine.map(_dedupe_keys, [(block, context) for block in blocks])):
        keys.append(found)
        report("dedupe", (done + 1) / len(blocks))
    lengths = [len(k) for k in keys]
    linked = link_duplicates(pd.concat(keys, ignore_index=True), plan.dedupe.km, plan.dedupe.days,
                             plan.dedupe.within_source)[["duplicate_cluster", "duplicate_count"]]
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    return [linked.iloc[offsets[i]:offsets[i + 1]].reset_index(drop=True) for i in range(len(blocks))]


def _main_pass(plan: RunPlan, layouts, blocks, context: Context, clusters, engine, report):
    writes_table = plan.output is not None and not plan.is_map
    table = rejects = None
    kept, totals = [], _Totals()
    total_bytes = sum(b.size for b in blocks) or 1
    done_bytes = 0
    stage = "join" if plan.stage == "join" else "geocode"
    # A block is written on a thread of its own while the next one is processed (Arrow and Parquet
    # release the GIL); one write at a time, so blocks are written in order.
    writing, pending, write_seconds = ThreadPoolExecutor(1, thread_name_prefix="geomap-write"), None, Counter()

    def write(result: BlockResult) -> None:
        with _timed(write_seconds, "write"):
            if table is not None:
                table.write(result.frame)
            if rejects is not None:
                rejects.write(result.rejected)

    started = io.live_temporaries()
    try:  # from before the temporaries exist: a Ctrl-C at any moment after leaves none behind
        table = io.TableWriter(plan.output) if writes_table else None
        rejects = io.TableWriter(plan.rejects) if plan.rejects is not None else None
        report(stage, 0.0)
        calls = [(block, context, linked) for block, linked in zip(blocks, clusters, strict=True)]
        for block, result in zip(blocks, engine.map(process_block, calls), strict=True):
            totals.add(result)
            if pending is not None:
                pending.result()
            pending = writing.submit(write, result)
            if plan.keep:
                kept.append(result.frame)
            done_bytes += block.size
            report(stage, done_bytes / total_bytes)
            io.check_stop()
        if pending is not None:
            pending.result()
        totals.seconds.update(write_seconds)
        frame = None
        if plan.keep:
            frame = pd.concat(kept, ignore_index=True) if len(kept) > 1 else kept[0].reset_index(drop=True) \
                if kept else context.template.copy()
        written = 0
        if plan.is_map:
            report("map", 0.0)
            written = _write_map(frame, plan)
        with _timed(totals.seconds, "write"):
            if table is not None:
                table.close()
                written = table.rows
            if rejects is not None:
                rejects.close()
    except BaseException:
        writing.shutdown(wait=True, cancel_futures=True)
        for writer in (table, rejects):
            if writer is not None:
                writer.abort()
        io.discard_temporaries(io.live_temporaries() - started)  # one made a moment before it had a name here
        raise
    finally:
        writing.shutdown(wait=True)
    report("done", 1.0)
    notes = [f"{layout.name}: {note}" for layout in layouts for note in layout.notes]
    notes += [f"{Path(key).name}: dates read {_describe(context, key)}" for key, _ in context.readings
              if _describe(context, key)]
    summary = totals.summary(plan, written, notes, [layout.name for layout in layouts], len(blocks))
    return frame, summary


def _describe(context: Context, key: str) -> str:
    reading = dict(context.readings)[key]
    if context.read.date_order:
        return ""
    return {"dayfirst": "day-first", "monthfirst": "month-first"}.get(reading.order or "", "")


def _write_map(frame: pd.DataFrame, plan: RunPlan) -> int:
    from geomap.render import render, write_html

    options = plan.map
    fmap = render(frame, **({"title": options.title} if options.title else {}), tiles=options.tiles,
                  offline=options.offline, bands=options.bands, aggregate_above=options.aggregate_above,
                  popup_budget=options.popup_budget)
    write_html(fmap, plan.output)
    return int(frame["latitude"].notna().sum()) if "latitude" in frame else 0


class _Totals:
    """The accounting of every block, added up in input order."""

    def __init__(self) -> None:
        self.rows = 0
        self.status, self.flags, self.reasons, self.notes, self.skipped, self.seconds = (Counter() for _ in range(6))
        self.skipped_rows: list[tuple[str, int, str]] = []

    def add(self, result: BlockResult) -> None:
        self.rows += len(result.frame)
        self.status.update(result.status)
        self.flags.update(result.flags)
        self.notes.update(result.notes)
        self.seconds.update(result.seconds)
        self.reasons.update({str(k): int(v) for k, v in result.rejected["reject_reason"].value_counts().items()})
        for row, why in result.skipped:
            self.skipped[why.split(" (")[0]] += 1
            self.skipped_rows.append((result.source, row, why))

    def summary(self, plan: RunPlan, written: int, notes: list[str], files: list[str], blocks: int) -> Summary:
        notes = notes + [f"{count:,} {note}" for note, count in self.notes.items()]
        return Summary(rows_in=self.rows, given=self.status.get("given", 0), matched=self.status.get("matched", 0),
                       ambiguous=self.status.get("ambiguous", 0), unmatched=self.status.get("unmatched", 0),
                       written=written, output=str(plan.output) if plan.output else None,
                       reasons=dict(self.reasons), flags=dict(self.flags),
                       rejects=str(plan.rejects) if plan.rejects else None, skipped=dict(self.skipped),
                       skipped_rows=tuple(self.skipped_rows), notes=tuple(notes), files=tuple(files),
                       engine=plan.engine, blocks=blocks,
                       seconds={stage: round(value, 3) for stage, value in self.seconds.items()})


def _available_memory() -> int | None:
    """Bytes of memory this run may plan with: ``GEOMAP_MEMORY``, else what the system and its cgroup allow."""
    if settings.MEMORY_BYTES is not None:
        return settings.MEMORY_BYTES
    found = [value for value in (_meminfo(), _cgroup_room()) if value is not None]
    return min(found) if found else None


def _cgroup_room() -> int | None:
    """What a container's memory limit leaves (cgroup v2), or None without a limit."""
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text(encoding="ascii").strip()
        used = Path("/sys/fs/cgroup/memory.current").read_text(encoding="ascii").strip()
    except OSError:
        return None
    return None if limit == "max" else max(0, int(limit) - int(used))


def _meminfo() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _fit_memory(plan: RunPlan, layouts: list[reader.Layout]) -> RunPlan:
    """Keep the result in memory only where it fits: a table output then streams; a map or stats cannot."""
    if not plan.keep:
        return plan
    available = _available_memory()
    size = sum(layout.size for layout in layouts)
    needed = size * _MEMORY_PER_INPUT_BYTE
    if available is None or needed < available * 0.7:
        return plan
    if plan.output is not None and not plan.is_map:
        return replace(plan, keep=False)
    what = "the map" if plan.is_map else "the result"
    raise InputError(f"the input is {size / 2**30:.1f} GB; {what} needs about {needed / 2**30:.0f} GB of memory in "
                     f"one piece and {available / 2**30:.1f} GB are free. Write a table instead (geomap join ... "
                     "-o out.parquet streams it in blocks), then map a part of it")


__all__ = ["ENGINES", "STAGES", "Dedupe", "LocalEngine", "MapOptions", "RunPlan", "Summary", "enrich", "execute",
           "process_block", "run", "unlocated"]
