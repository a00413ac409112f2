"""The ``geomap`` command: a thin shell over the library.

Parsing and printing live here; every decision lives in the library (a run is a
:class:`geomap.pipeline.RunPlan` built from the options). Library errors become one line on
stderr and exit code 1 (a traceback only with ``--debug``). Nothing heavy is imported before a
command runs, so ``geomap --help`` and ``geomap --version`` start at once.

Options every command that reads incidents shares (``--format``, ``--columns``, ``--encoding``,
``--dayfirst``/``--monthfirst``, ``--layer``) and the output options every command has
(``--debug``, ``--quiet``, ``--verbose``) are added to each command by :func:`_shared`, so they
work after the command name as well as before it. Defaults can come from ``GEOMAP_*``
environment variables (see ``--help``).
"""

from __future__ import annotations

import functools
import inspect
import json
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="geomap",
    help=(
        "Map Afghanistan–Pakistan border incidents, offline.\n\n"
        "geomap geocodes place names (\"Khost\", \"the Ghulam Khan crossing\", \"خوست\") against a bundled "
        "gazetteer, measures each incident against the Durand Line (geodesic distance, side, nearest "
        "crossing, position along the border, province, district) and draws an interactive map.\n\n"
        "\b\nStart with:\n  geomap map -o map.html          the bundled Oct–Nov 2025 sample\n"
        "  geomap join acled.csv -o out.parquet\n"
        "  geomap join - -o - < in.csv > out.csv   (stdin to stdout)"
    ),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
border_app = typer.Typer(help="The bundled border line.", no_args_is_help=True)
gazetteer_app = typer.Typer(help="Look up places in the bundled gazetteer.", no_args_is_help=True)
data_app = typer.Typer(help="The bundled reference layers (border, crossings, provinces, districts).",
                       no_args_is_help=True)
app.add_typer(border_app, name="border")
app.add_typer(gazetteer_app, name="gazetteer")
app.add_typer(data_app, name="data")

_state = {"debug": False, "quiet": False, "verbose": False}
_ENV = "GEOMAP_"
STDIO = "-"

# --- options ---------------------------------------------------------------------------------------

InputArg = Annotated[Path, typer.Argument(help="Incident file (.csv, .geojson, .parquet, .gpkg), or - for stdin.",
                                          show_default=False)]
OutputOpt = Annotated[Path, typer.Option("--output", "-o", help="Output file; its extension sets the format "
                                         "(.csv, .geojson, .parquet, .gpkg); - writes CSV to stdout.",
                                         show_default=False)]
PlaceOpt = Annotated[str | None, typer.Option(help="Column holding the place name to geocode [default: place].",
                                              envvar=f"{_ENV}PLACE_COLUMN", show_default=False)]
CountryOpt = Annotated[str | None, typer.Option(help="Optional column with the country (name or ISO2) to prefer "
                                                "[default: country].", envvar=f"{_ENV}COUNTRY_COLUMN",
                                                show_default=False)]
ProvinceOpt = Annotated[str | None, typer.Option(help="Optional column with the province to prefer "
                                                 "[default: admin1].", envvar=f"{_ENV}PROVINCE_COLUMN",
                                                 show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
RejectsOpt = Annotated[Path | None, typer.Option(help="Also write the rows that could not be located, with "
                                                 "input_file, input_row and reject_reason, to this CSV.",
                                                 show_default=False)]
InputsArg = Annotated[list[Path], typer.Argument(
    help="Incident files: .csv (ACLED, UCDP GED or any CSV), GDELT 2.0 event files, .geojson, .parquet or .gpkg; "
         "- reads stdin. Several files are read together, each row keeping its source_dataset and source_id.",
    show_default=False)]
EngineOpt = Annotated[str, typer.Option(help="local (in this process) or dask (on a Dask cluster; needs "
                                        "geomap[dask]).", envvar=f"{_ENV}ENGINE")]
SchedulerOpt = Annotated[str | None, typer.Option(
    help="Dask scheduler address for --engine dask (default: a cluster in this process, on 127.0.0.1).",
    envvar=f"{_ENV}SCHEDULER", show_default=False)]
DashboardOpt = Annotated[bool, typer.Option("--dashboard", help="With --engine dask and no --scheduler: serve "
                                            "Dask's dashboard on 127.0.0.1 and print its address.")]
DedupeKmOpt = Annotated[float | None, typer.Option(
    help="Link likely duplicates across sources within this many km (default 5 when --dedupe-days is given).",
    show_default=False)]
DedupeDaysOpt = Annotated[float | None, typer.Option(
    help="... and this many days (default 2 when --dedupe-km is given).", show_default=False)]
DedupeWithinOpt = Annotated[bool, typer.Option(
    "--dedupe-within", help="Link repeats within one source too (GDELT codes an event once per article).")]

# Added to every command that reads incidents (see _shared): how to read them.
_READING = {
    "format": Annotated[str | None, typer.Option(
        "--format", help="Source format: acled, ucdp, gdelt or generic (default: detected from the columns).",
        envvar=f"{_ENV}FORMAT", show_default=False, rich_help_panel="Reading")],
    "columns": Annotated[str | None, typer.Option(
        "--columns", help="Which input column holds which geomap column, e.g. place=location,event_date=date.",
        show_default=False, rich_help_panel="Reading")],
    "encoding": Annotated[str | None, typer.Option(
        "--encoding", help="Text encoding of CSV input, e.g. cp1252 or cp1256 (default: detected).",
        envvar=f"{_ENV}ENCODING", show_default=False, rich_help_panel="Reading")],
    "dayfirst": Annotated[bool | None, typer.Option(
        "--dayfirst/--monthfirst", help="Read dates such as 05/10/2025 day-first or month-first (default: "
        "decided per column from dates that settle it; the rest are flagged).", show_default=False,
        rich_help_panel="Reading")],
    "layer": Annotated[str | None, typer.Option(
        "--layer", help="GeoPackage layer to read (default: every layer, with a layer column).",
        show_default=False, rich_help_panel="Reading")],
    "block_size": Annotated[str | None, typer.Option(
        "--block-size", help="Text read, processed and written at a time, e.g. 64MB (default 16MB); peak memory "
        "follows it.", envvar=f"{_ENV}BLOCK_SIZE", show_default=False, rich_help_panel="Reading")],
}
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show the full traceback when something fails.",
                                        envvar=f"{_ENV}DEBUG")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.", envvar=f"{_ENV}QUIET")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Also print what was noted on the way: "
                                          "encodings, date orders, skipped records.", envvar=f"{_ENV}VERBOSE")]
# Added to every command (see _shared): how much to say.
_SAYING = {"debug": DebugOpt, "quiet": QuietOpt, "verbose": VerboseOpt}
# Added to the commands that run the pipeline: the run's summary as JSON.
_SUMMARY = {
    "json_summary": Annotated[bool, typer.Option("--json", help="Write the run's summary as JSON on stderr.")],
    "json_file": Annotated[Path | None, typer.Option("--json-file", help="Write the run's summary as JSON to this "
                                                     "file.", show_default=False)],
}


def _shared(*groups: dict):
    """Add the options of ``groups`` to a command, so they work after its name too.

    The command receives them as keyword arguments; the output options also set ``_state``.
    """
    extra = {name: annotation for group in groups for name, annotation in group.items()}

    def decorate(command):
        signature = inspect.signature(command, eval_str=True)
        own = [p for p in signature.parameters.values() if p.kind is not inspect.Parameter.VAR_KEYWORD]
        defaults = {"dayfirst": None, "json_file": None, "format": None, "columns": None, "encoding": None,
                    "layer": None, "block_size": None}
        added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=defaults.get(name, False),
                                   annotation=annotation) for name, annotation in extra.items()]

        @functools.wraps(command)
        def wrapper(**kwargs):
            for name in _SAYING:
                if name in kwargs:
                    given = kwargs.pop(name)
                    _state[name] = _state[name] or given
            return command(**kwargs)

        wrapper.__signature__ = signature.replace(parameters=[*own, *added])
        wrapper.__annotations__ = {**{p.name: p.annotation for p in own}, **extra}
        return wrapper

    return decorate


def _version(value: bool) -> None:
    if value:
        from geomap import __version__

        typer.echo(f"geomap {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    debug: DebugOpt = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Options given before the command apply to it as well."""
    _state.update(debug=debug, quiet=quiet, verbose=verbose)


# --- errors, progress, summary -----------------------------------------------------------------------


@contextmanager
def _errors():
    """Turn failures into one line on stderr and exit code 1 (130 or 143 when interrupted)."""
    from geomap.errors import GeomapError
    from geomap.io import Interrupted, discard_temporaries, live_temporaries, signals_interrupt

    try:
        with signals_interrupt():
            try:
                yield
            except BaseException:  # what was not renamed into place by now never will be
                discard_temporaries(live_temporaries())
                raise
    except GeomapError as exc:
        if _state["debug"]:
            raise
        _error(str(exc))
        raise typer.Exit(1) from None
    except (typer.Exit, typer.Abort):
        raise
    except KeyboardInterrupt as exc:
        signum = exc.signum if isinstance(exc, Interrupted) else 2
        _error(f"interrupted ({'SIGINT' if signum == 2 else exc}); nothing was written, an old output is kept")
        raise typer.Exit(128 + signum) from None
    except MemoryError:
        if _state["debug"]:
            raise
        _error("out of memory; write a table (geomap join ... -o out.parquet streams in blocks), use "
               "--engine dask, or read a part of the input")
        raise typer.Exit(1) from None
    except Exception as exc:  # a bug, not bad input: still one line, with a way to see more
        if _state["debug"]:
            raise
        where = "; ".join(getattr(exc, "__notes__", []))
        _error(f"unexpected {type(exc).__name__}: {exc}{f' ({where})' if where else ''} "
               "(run with --debug for details)")
        raise typer.Exit(1) from None


def _error(message: str) -> None:
    typer.echo(f"geomap: error: {' '.join(message.split())}", err=True)


def _say(text: str, err: bool = False) -> None:
    if not _state["quiet"]:
        typer.echo(text, err=err)


@contextmanager
def _progress():
    """A bar that moves with the blocks on an interactive terminal; nothing when piped, in CI or with --quiet."""
    if _state["quiet"] or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description:<8}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                  TimeElapsedColumn(), transient=True) as bar:
        task = bar.add_task("read", total=1.0)

        def report(stage: str, fraction: float) -> None:
            bar.update(task, completed=fraction, description=stage)

        yield report


def _print_summary(summary, is_map: bool = False, err: bool = False) -> None:
    located = f"{summary.located} located ({summary.given} with coordinates given, {summary.matched} matched"
    located += f", {summary.ambiguous} ambiguous)" if summary.ambiguous else ")"
    _say(f"rows in: {summary.rows_in}  {located}  unmatched: {summary.unmatched}  written: {summary.written}"
         + (f" -> {summary.output}" if summary.output else ""), err)
    if summary.skipped:
        detail = "; ".join(f"{n} {why}" for why, n in summary.skipped.items())
        rows = ", ".join(f"{f} row {r}" for f, r, _ in summary.skipped_rows[:3])
        more = ", ..." if len(summary.skipped_rows) > 3 else ""
        _say(f"records that are not incidents (skipped): {detail} ({rows}{more})", err)
    if summary.reasons:
        where = "not drawn" if is_map else "kept with empty coordinates"
        detail = "; ".join(f"{n} {reason}" for reason, n in summary.reasons.items())
        _say(f"without a location ({where}): {detail}"
             + (f" -> {summary.rejects}" if summary.rejects else "; list them with --rejects FILE"), err)
    if summary.flags:
        _say("flagged, kept: " + "; ".join(f"{n} {flag}" for flag, n in summary.flags.items()), err)
    if _state["verbose"]:
        if summary.seconds:
            _say("seconds: " + ", ".join(f"{stage} {value:.2f}" for stage, value in summary.seconds.items()), err)
        for note in summary.notes:
            _say(f"note: {note}", err)
        for source, row, why in summary.skipped_rows:
            _say(f"skipped: {source} row {row}: {why}", err)


def _json_summary(summary, to_stderr: bool, path: Path | None) -> None:
    if not to_stderr and path is None:
        return
    text = json.dumps(summary.as_dict(), ensure_ascii=False, indent=2, default=str)
    if to_stderr:
        typer.echo(text, err=True)
    if path is not None:
        from geomap.io import atomic_write

        with atomic_write(path) as tmp:
            tmp.write_text(text + "\n", encoding="utf-8")


# --- stdin and stdout -----------------------------------------------------------------------------


@contextmanager
def _stdin_as_file(paths: list[Path] | None, fmt: str | None):
    """``-`` among the inputs: stdin copied to a temporary file the reader can sniff and cut into blocks."""
    if paths is None or not any(str(p) == STDIO for p in paths):
        yield paths
        return
    with tempfile.TemporaryDirectory(prefix="geomap-stdin-") as folder:
        suffix = {"gdelt": ".CSV"}.get(fmt or "", ".csv")
        target = Path(folder) / f"stdin{suffix}"
        with target.open("wb") as handle:
            shutil.copyfileobj(sys.stdin.buffer, handle)
        yield [target if str(p) == STDIO else p for p in paths]


@contextmanager
def _stdout_target(output: Path | None, suffix: str = ".csv"):
    """``-o -``: write to a temporary file and copy it to stdout once complete."""
    if output is None or str(output) != STDIO:
        yield output, False
        return
    with tempfile.TemporaryDirectory(prefix="geomap-stdout-") as folder:
        target = Path(folder) / f"stdout{suffix}"
        yield target, True
        with target.open("rb") as handle:
            shutil.copyfileobj(handle, sys.stdout.buffer)
        sys.stdout.flush()


def _run(inputs, output, *, json_summary: bool = False, json_file: Path | None = None, is_map: bool = False,
         dayfirst: bool | None = None, block_size: str | None = None, stdout_suffix: str = ".csv", **options):
    """Build the plan, run it with a progress bar, print the summary; the frame and summary for stats."""
    from geomap.pipeline import RunPlan, execute

    date_order = None if dayfirst is None else "dayfirst" if dayfirst else "monthfirst"
    with _errors(), _stdin_as_file(inputs, options.get("format")) as paths, \
            _stdout_target(output, stdout_suffix) as (target, to_stdout):
        plan = RunPlan.build(paths, target, date_order=date_order, block_bytes=block_size, **options)
        with _progress() as report:
            frame, summary = execute(plan, report, notice=lambda text: _say(f"geomap: {text}", err=True))
        if to_stdout:
            summary = _replace_output(summary, "-")
    _print_summary(summary, is_map=is_map, err=to_stdout)
    _json_summary(summary, json_summary, json_file)
    return frame, summary


def _replace_output(summary, name: str):
    from dataclasses import replace

    return replace(summary, output=name)


def _inputs(path: Path | None) -> list[Path] | None:
    return None if path is None else [path]


# --- commands that read incidents -------------------------------------------------------------------


@app.command("map")
@_shared(_READING, _SAYING, _SUMMARY)
def map_command(
    input_path: Annotated[Path | None, typer.Argument(
        help="Incident file (.csv, .geojson, .parquet, .gpkg), or - for stdin. Omit it to map the bundled sample "
             "of October–November 2025 incidents.", show_default=False)] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write; - writes it to stdout.")] =
        Path("map.html"),
    title: Annotated[str, typer.Option(help="Title shown in the legend and the browser tab.")] =
        "Afghanistan–Pakistan border incidents",
    tiles: Annotated[str, typer.Option(help="Tile basemap name, or 'none' to use only the bundled polygons.",
                                       envvar=f"{_ENV}TILES")] = "OpenStreetMap",
    offline: Annotated[bool, typer.Option("--offline", help="No tile basemap: one self-contained file that requests "
                                          "nothing from any network, drawn over the bundled polygons.",
                                          envvar=f"{_ENV}OFFLINE")] = False,
    bands: Annotated[str, typer.Option(help="Distance bands around the border, in km, separated by commas "
                                       "('' for none).")] = "10,25,50",
    aggregate_above: Annotated[int, typer.Option(min=0, help="Above this many located incidents, draw counts in "
                                                 "grid cells so the page stays small.")] = 200_000,
    popup_budget: Annotated[float, typer.Option(min=0, help="MB of compressed popup text the page may carry; fields "
                                                "that do not fit are left out and named in the legend.")] = 10.0,
    place_column: PlaceOpt = None,
    country_column: CountryOpt = None,
    province_column: ProvinceOpt = None,
    rejects: RejectsOpt = None,
    **shared,
) -> None:
    """Draw incidents on an interactive map (HTML) with the border, crossings and provinces.

    Place names are geocoded and every incident is joined with the border first. Open the
    HTML in any browser; everything is inlined, so only the tile basemap needs a network
    (and with --offline there is none). The map has a time slider, clusters, a heatmap,
    location uncertainty, distance bands and incidents per 50 km of border.

    \b
    Examples:
      geomap map -o map.html
      geomap map incidents.csv -o incidents.html --offline
      geomap map acled.csv --dayfirst -o acled.html
    """
    if str(output) != STDIO and output.suffix.lower() not in (".html", ".htm"):
        _error(f"the map is HTML; give an output ending in .html, not {output.name!r}")
        raise typer.Exit(1)
    with _errors():
        from geomap.render import parse_bands

        band_values = parse_bands(bands)
    _run(_inputs(input_path), output, is_map=True, stdout_suffix=".html", title=title, tiles=tiles, offline=offline,
         bands=band_values, aggregate_above=aggregate_above, popup_budget=int(popup_budget * 1e6),
         place_column=place_column,
         country_column=country_column, province_column=province_column, rejects=rejects, **shared)


@app.command("stats")
@_shared(_READING, _SAYING, _SUMMARY)
def stats_command(
    input_path: InputArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the tables (CSV) and charts (PNG); "
                                         "replaced whole when a run completes.")] = Path("stats"),
    place_column: PlaceOpt = None,
    country_column: CountryOpt = None,
    province_column: ProvinceOpt = None,
    **shared,
) -> None:
    """Tables and charts: incidents by province, by crossing, by 50 km of border and by week.

    Writes by_province, by_crossing, by_segment and by_week, each as .csv and .png. The
    same tables are in the library: geomap.stats.tables(joined).

    \b
    Example:
      geomap stats incidents.csv -o stats
    """
    with _errors():
        from geomap import stats

        stats.check_output(output)
    frame, summary = _run([input_path], None, stage="join", place_column=place_column,
                          country_column=country_column, province_column=province_column, **shared)
    with _errors():
        written = stats.write(frame, output)
    _say(f"tables and charts: {len(written)} files -> {output}")


def _table_command(stage: str, input_paths: list[Path], output: Path, dayfirst, **options) -> None:
    """geocode and join differ only in where the pipeline stops."""
    _run(input_paths, output, stage=stage, dayfirst=dayfirst, keep=False, **options)


@app.command("geocode")
@_shared(_READING, _SAYING, _SUMMARY)
def geocode_command(
    input_paths: InputsArg,
    output: OutputOpt,
    place_column: PlaceOpt = None,
    country_column: CountryOpt = None,
    province_column: ProvinceOpt = None,
    rejects: RejectsOpt = None,
    engine: EngineOpt = "local",
    scheduler: SchedulerOpt = None,
    dashboard: DashboardOpt = False,
    dedupe_km: DedupeKmOpt = None,
    dedupe_days: DedupeDaysOpt = None,
    dedupe_within: DedupeWithinOpt = False,
    **shared,
) -> None:
    """Add coordinates to place names, offline.

    Adds latitude, longitude, geo_precision (1 place, 2 district/area, 3 province/region,
    4 country), gazetteer_id, gazetteer_name, feature_kind, match_score (100 = exact),
    geocode_confidence (0-1), geocode_status (given / matched / ambiguous / unmatched) and
    runner_up. The row's own country, admin1 and admin2 are used when present. Rows that
    already have coordinates keep them. No row is dropped.

    \b
    Examples:
      geomap geocode incidents.csv -o located.csv --place-column location
      geomap geocode - -o - < incidents.csv > located.csv
    """
    _table_command("geocode", input_paths, output, place_column=place_column, country_column=country_column,
                   province_column=province_column, rejects=rejects, engine=engine, scheduler=scheduler,
                   dashboard=dashboard, dedupe_km=dedupe_km, dedupe_days=dedupe_days, dedupe_within=dedupe_within,
                   **shared)


@app.command("join")
@_shared(_READING, _SAYING, _SUMMARY)
def join_command(
    input_paths: InputsArg,
    output: OutputOpt,
    place_column: PlaceOpt = None,
    country_column: CountryOpt = None,
    province_column: ProvinceOpt = None,
    rejects: RejectsOpt = None,
    engine: EngineOpt = "local",
    scheduler: SchedulerOpt = None,
    dashboard: DashboardOpt = False,
    dedupe_km: DedupeKmOpt = None,
    dedupe_days: DedupeDaysOpt = None,
    dedupe_within: DedupeWithinOpt = False,
    **shared,
) -> None:
    """Measure incidents against the border (geocoding names first where needed).

    Adds side (ISO2 of the containing country), border_distance_km (geodesic),
    border_position_km (along the line from the China tripoint in the north to the Iran
    tripoint in the south), nearest_crossing, crossing_distance_km, province,
    province_code (ISO 3166-2), district and tehsil (from district and tehsil polygons;
    district_approximate where none of the point's province holds it) and disagreement (the
    row's own country/admin1 differs).

    \b
    Examples:
      geomap join incidents.csv -o joined.parquet
      geomap join acled.csv ucdp.csv 20251012.export.CSV -o all.parquet --dedupe-km 5
      geomap join big.export.CSV -o big.parquet --engine dask
      geomap join - -o - --format ucdp < ged.csv > joined.csv
    """
    _table_command("join", input_paths, output, place_column=place_column, country_column=country_column,
                   province_column=province_column, rejects=rejects, engine=engine, scheduler=scheduler,
                   dashboard=dashboard, dedupe_km=dedupe_km, dedupe_days=dedupe_days, dedupe_within=dedupe_within,
                   **shared)


# --- reference data ------------------------------------------------------------------------------------


@border_app.command("info")
@_shared(_SAYING)
def border_info(as_json: JsonOpt = False, **shared) -> None:
    """Source, vertex count, length and end points of the bundled border line."""
    with _errors():
        from geomap import datasets

        border = datasets.border().iloc[0]
        line = border.geometry
        info = {
            "name": border["name"], "source": border["source"], "vertices": int(border["vertices"]),
            "geodesic_length_km": round(datasets.border_index().length_km, 1),
            "north_end": {"latitude": round(line.coords[0][1], 5), "longitude": round(line.coords[0][0], 5)},
            "south_end": {"latitude": round(line.coords[-1][1], 5), "longitude": round(line.coords[-1][0], 5)},
            "crossings": len(datasets.crossings()),
        }
    if as_json:
        typer.echo(json.dumps(info, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{info['name']}\n  source:     {info['source']}\n  vertices:   {info['vertices']:,}\n"
               f"  length:     {info['geodesic_length_km']:,.1f} km (geodesic, WGS84)\n"
               f"  north end:  {info['north_end']['latitude']}, {info['north_end']['longitude']} (China tripoint)\n"
               f"  south end:  {info['south_end']['latitude']}, {info['south_end']['longitude']} (Iran tripoint)\n"
               f"  crossings:  {info['crossings']} curated crossings and passes\n"
               "  Published figures (~2,600-2,640 km) are rounded; a measured length grows with detail: "
               "Natural Earth 1:10m gives 2,246 km, this OpenStreetMap line more.")


@gazetteer_app.command("search")
@_shared(_SAYING)
def gazetteer_search(
    query: Annotated[str, typer.Argument(help="A place name in any spelling or script, e.g. 'Spin Buldak' or 'خوست'.")],
    limit: Annotated[int, typer.Option(min=1, max=100, help="How many candidates to show.")] = 10,
    as_json: JsonOpt = False,
    **shared,
) -> None:
    """Ranked candidates for a name: kind, country, province, coordinates, and why they rank."""
    with _errors():
        from geomap.geocode import search

        found = search(query, limit=limit)
    if as_json:
        typer.echo(found.to_json(orient="records", force_ascii=False, indent=2))
        return
    if found.empty:
        typer.echo(f"no place in the gazetteer is close to {query!r}")
        raise typer.Exit(1)
    typer.echo(f"{'name':<28} {'kind':<9} {'cc':<3} {'province':<22} {'lat':>9} {'lon':>10} {'match':>6}")
    for r in found.itertuples():
        typer.echo(f"{str(r.name)[:28]:<28} {r.kind:<9} {r.country:<3} {str(r.province)[:22]:<22} "
                   f"{r.latitude:>9.4f} {r.longitude:>10.4f} {r.match_score:>6.0f}")


@app.command("verify-data")
@_shared(_SAYING)
def verify_data(**shared) -> None:
    """Check the bundled data against its checksum manifest (exit code 1 if anything is missing or damaged)."""
    with _errors():
        from geomap import datasets

        problems = datasets.verify_all()
    if problems:
        for problem in problems:
            _error(problem)
        raise typer.Exit(1)
    _say(f"bundled data OK: {len(datasets.manifest())} files match their checksums")


@data_app.command("export")
@_shared(_SAYING)
def data_export(
    folder: Annotated[Path, typer.Argument(help="Folder to write the layers into (created if missing).",
                                           show_default=False)],
    formats: Annotated[str, typer.Option("--formats", help="Which formats, separated by commas: gpkg, geojson.")]
        = "gpkg,geojson",
    **shared,
) -> None:
    """Write the reference layers (border, crossings, provinces, districts) for QGIS and other GIS.

    One GeoPackage, reference.gpkg, with a layer each, and one GeoJSON file per layer, all in
    WGS84, with the sources' attribution in the layers' own columns and in ATTRIBUTION.md.

    \b
    Example:
      geomap data export layers/
    """
    with _errors():
        from geomap.export import export_reference

        written = export_reference(folder, tuple(f.strip() for f in formats.split(",") if f.strip()))
    _say(f"reference layers: {len(written)} files -> {folder}")


# --- text -----------------------------------------------------------------------------------------


@app.command("extract")
@_shared(_SAYING)
def extract_command(
    files: Annotated[list[Path], typer.Argument(help="News reports as UTF-8 text files.", show_default=False)],
    date: Annotated[str | None, typer.Option("--date", help="The reports' date, YYYY-MM-DD: \"on Sunday\" means "
                                             "the Sunday before it. Default: a dateline in the report, else today.",
                                             show_default=False)] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Output file (.csv, .geojson, .parquet, "
                                                ".gpkg); without it, a table on stdout.", show_default=False)] = None,
    mentions: Annotated[bool, typer.Option("--mentions", help="One row per place mention instead of per "
                                           "incident.")] = False,
    **shared,
) -> None:
    """Find places and incidents in news text, offline.

    One row per incident (event_date, place, latitude, longitude, event_type, fatalities,
    actors, the sentence as description, and the report as source), ready for
    `geomap map`; with --mentions, one row per place mention with its span in the text.

    \b
    Example:
      geomap extract report.txt --date 2025-10-29 -o incidents.csv
    """
    with _errors():
        from geomap.extract import extract_reports, format_table
        from geomap.io import check_output, write_table

        target = check_output(output, files) if output is not None else None
        frame, notes = extract_reports(files, report_date=date, mentions=mentions)
        if target is not None:
            write_table(frame, target)
    for note in notes:
        _say(f"geomap: note: {note}", err=True)
    kind = "mentions" if mentions else "incidents"
    if output is not None:
        _say(f"reports: {len(files)}  {kind}: {len(frame)}  written: {len(frame)} -> {output}")
        return
    typer.echo(format_table(frame, mentions=mentions))


@app.command("evaluate")
@_shared(_SAYING)
def evaluate_command(
    devset: Annotated[Path, typer.Argument(help="Development set (.json: reports with gold toponyms) or a "
                                           "geoparsing corpus (.jsonl, e.g. GeoVirus).", show_default=False)],
    as_json: JsonOpt = False,
    **shared,
) -> None:
    """Score `geomap extract` against gold toponyms, beside the geotext and spaCy peers.

    Prints toponym precision, recall and F1, the share placed within 25 and 161 km and the
    mean error in km, for each system on the same reports (per language for a dev set).

    \b
    Example:
      geomap evaluate tests/data/extract_dev.json
    """
    with _errors():
        from geomap.evaluate import evaluate

        scores = evaluate(devset)
    for note in scores.attrs.get("notes", []):
        _say(f"geomap: note: {note}", err=True)
    if as_json:
        typer.echo(scores.to_json(orient="records", indent=2))
        return
    typer.echo(scores.to_string(index=False))


def main() -> None:
    """Entry point of the ``geomap`` script."""
    app(prog_name="geomap")


__all__ = ["app", "main"]
