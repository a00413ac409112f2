"""The ``geomap`` command: a thin shell over the library.

Parsing and printing live here; every decision lives in the library. Library errors
become one line on stderr and exit code 1 (a traceback only with ``--debug``).
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from geomap import __version__, datasets, settings, stats
from geomap.errors import GeomapError
from geomap.evaluate import evaluate
from geomap.extract import extract_reports, format_table
from geomap.geocode import search
from geomap.io import check_output, write_table
from geomap.pipeline import STAGES, Summary, run
from geomap.render import parse_bands

app = typer.Typer(
    name="geomap",
    help=(
        "Map Afghanistan–Pakistan border incidents, offline.\n\n"
        "geomap geocodes place names (\"Khost\", \"the Ghulam Khan crossing\", \"خوست\") against a bundled "
        "gazetteer, measures each incident against the Durand Line (geodesic distance, side, nearest "
        "crossing, position along the border, province, district) and draws an interactive map.\n\n"
        "Start with:  geomap map -o map.html   (the bundled Oct–Nov 2025 sample)"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
border_app = typer.Typer(help="The bundled border line.", no_args_is_help=True)
gazetteer_app = typer.Typer(help="Look up places in the bundled gazetteer.", no_args_is_help=True)
app.add_typer(border_app, name="border")
app.add_typer(gazetteer_app, name="gazetteer")

_state = {"debug": False}

InputArg = Annotated[Path, typer.Argument(help="Incident file: .csv, .geojson, .parquet (GeoParquet) or .gpkg.",
                                          show_default=False)]
OutputOpt = Annotated[Path, typer.Option("--output", "-o", help="Output file; its extension sets the format "
                                         "(.csv, .geojson, .parquet, .gpkg).", show_default=False)]
PlaceOpt = Annotated[str, typer.Option(help="Column holding the place name to geocode.")]
CountryOpt = Annotated[str, typer.Option(help="Optional column with the country (name or ISO2) to prefer.")]
ProvinceOpt = Annotated[str, typer.Option(help="Optional column with the province to prefer.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
RejectsOpt = Annotated[Path | None, typer.Option(help="Also write the rows that could not be located, with "
                                                 "input_row and reject_reason, to this CSV.", show_default=False)]
InputsArg = Annotated[list[Path], typer.Argument(
    help="Incident files: .csv (ACLED, UCDP GED or any CSV), GDELT 2.0 event files, .geojson, .parquet or .gpkg. "
         "Several files are read together, each row keeping its source_dataset and source_id.", show_default=False)]
# Plain strings, validated by the library: a bad value is then one line and exit code 1.
FormatOpt = Annotated[str | None, typer.Option(
    "--format", help="Source format: acled, ucdp, gdelt or generic (default: detected from the columns).",
    show_default=False)]
ColumnsOpt = Annotated[str | None, typer.Option(
    help="Which input column holds which geomap column, e.g. place=location,event_date=date.", show_default=False)]
EngineOpt = Annotated[str, typer.Option(help="local (in this process) or dask (partitioned, out of core).")]
SchedulerOpt = Annotated[str | None, typer.Option(
    help="Dask scheduler address for --engine dask (default: a local cluster).", show_default=False)]
DedupeKmOpt = Annotated[float | None, typer.Option(
    help=f"Link likely duplicates across sources within this many km (default {settings.DEDUPE_KM:g} "
         "when --dedupe-days is given).", show_default=False)]
DedupeDaysOpt = Annotated[float | None, typer.Option(
    help=f"... and this many days (default {settings.DEDUPE_DAYS:g} when --dedupe-km is given).",
    show_default=False)]
DedupeWithinOpt = Annotated[bool, typer.Option(
    "--dedupe-within", help="Link repeats within one source too (GDELT codes an event once per article).")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"geomap {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show the full traceback when something fails.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    _state["debug"] = debug


@contextmanager
def _errors():
    """Turn failures into one line on stderr and exit code 1."""
    try:
        yield
    except GeomapError as exc:
        if _state["debug"]:
            raise
        typer.echo(f"geomap: error: {exc}", err=True)
        raise typer.Exit(1) from None
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as exc:  # a bug, not bad input: still one line, with a way to see more
        if _state["debug"]:
            raise
        typer.echo(f"geomap: error: unexpected {type(exc).__name__}: {exc} (run with --debug for details)", err=True)
        raise typer.Exit(1) from None


@contextmanager
def _progress():
    """A progress bar on an interactive terminal; nothing when output is piped or in CI."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description:<10}"), BarColumn(), TimeElapsedColumn(), transient=True,
                  console=None) as bar:
        task = bar.add_task("load", total=1.0)

        def report(stage: str, fraction: float) -> None:
            bar.update(task, completed=fraction, description=stage)

        yield report


def _print_summary(summary: Summary, is_map: bool = False) -> None:
    located = f"{summary.located} located ({summary.given} with coordinates given, {summary.matched} matched"
    located += f", {summary.ambiguous} ambiguous)" if summary.ambiguous else ")"
    typer.echo(f"rows in: {summary.rows_in}  {located}  unmatched: {summary.unmatched}  "
               f"written: {summary.written}" + (f" -> {summary.output}" if summary.output else ""))
    if summary.reasons:
        where = "not drawn" if is_map else "kept with empty coordinates"
        detail = "; ".join(f"{n} {reason}" for reason, n in summary.reasons.items())
        typer.echo(f"without a location ({where}): {detail}"
                   + (f" -> {summary.rejects}" if summary.rejects else "; list them with --rejects FILE"))
    if summary.flags:
        typer.echo("flagged, kept: " + "; ".join(f"{n} {flag}" for flag, n in summary.flags.items()))


@app.command("map")
def map_command(
    input_path: Annotated[Path | None, typer.Argument(
        help="Incident file (.csv, .geojson, .parquet, .gpkg). Omit it to map the bundled sample of "
             "October–November 2025 incidents.", show_default=False)] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")] = Path("map.html"),
    title: Annotated[str, typer.Option(help="Title shown in the legend and the browser tab.")] =
        "Afghanistan–Pakistan border incidents",
    tiles: Annotated[str, typer.Option(help="Tile basemap name, or 'none' to use only the bundled polygons.")] =
        settings.TILES,
    offline: Annotated[bool, typer.Option("--offline", help="No tile basemap: one self-contained file that requests "
                                          "nothing from any network, drawn over the bundled polygons.")] = False,
    bands: Annotated[str, typer.Option(help="Distance bands around the border, in km, separated by commas "
                                       "('' for none).")] = ",".join(f"{b:g}" for b in settings.BANDS_KM),
    aggregate_above: Annotated[int, typer.Option(min=0, help="Above this many located incidents, draw counts in "
                                                 "grid cells so the page stays small.")] = settings.AGGREGATE_ABOVE,
    popup_budget: Annotated[float, typer.Option(min=0, help="MB of compressed popup text the page may carry; fields "
                                                "that do not fit are left out and named in the legend.")] =
        settings.MAP_POPUP_BUDGET_BYTES / 1e6,
    place_column: PlaceOpt = settings.PLACE_COLUMN,
    country_column: CountryOpt = settings.COUNTRY_COLUMN,
    province_column: ProvinceOpt = settings.PROVINCE_COLUMN,
    rejects: RejectsOpt = None,
    format: FormatOpt = None,
    columns: ColumnsOpt = None,
) -> None:
    """Draw incidents on an interactive map (HTML) with the border, crossings and provinces.

    Place names are geocoded and every incident is joined with the border first. Open the
    HTML in any browser; everything is inlined, so only the tile basemap needs a network
    (and with --offline there is none). The map has a time slider, clusters, a heatmap,
    location uncertainty, distance bands and incidents per 50 km of border.
    """
    if output.suffix.lower() not in (".html", ".htm"):
        typer.echo(f"geomap: error: the map is HTML; give an output ending in .html, not {output.name!r}", err=True)
        raise typer.Exit(1)
    with _errors(), _progress() as report:
        _, summary = run(input_path, output, title=title, tiles=tiles, offline=offline, bands=parse_bands(bands),
                         aggregate_above=aggregate_above, popup_budget=int(popup_budget * 1e6),
                         place_column=place_column, country_column=country_column,
                         province_column=province_column, format=format, columns=columns, rejects=rejects,
                         progress=report)
    _print_summary(summary, is_map=True)


@app.command("stats")
def stats_command(
    input_path: InputArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="Directory for the tables (CSV) and charts (PNG).")]
        = Path("stats"),
    place_column: PlaceOpt = settings.PLACE_COLUMN,
    country_column: CountryOpt = settings.COUNTRY_COLUMN,
    province_column: ProvinceOpt = settings.PROVINCE_COLUMN,
) -> None:
    """Tables and charts: incidents by province, by crossing, by 50 km of border and by week.

    Writes by_province, by_crossing, by_segment and by_week, each as .csv and .png. The
    same tables are in the library: geomap.stats.tables(joined).

    Example:  geomap stats incidents.csv -o stats
    """
    with _errors(), _progress() as report:
        frame, summary = run(input_path, None, stage="join", place_column=place_column,
                             country_column=country_column, province_column=province_column, progress=report)
        written = stats.write(frame, output)
    _print_summary(summary)
    typer.echo(f"tables and charts: {len(written)} files -> {output}")


def _run_table(stage: str, input_paths: list[Path], output: Path, **options) -> None:
    """geocode and join differ only in where the pipeline stops."""
    with _errors(), _progress() as report:
        _, summary = run(input_paths, output, stage=stage, progress=report, **options)
    _print_summary(summary)


@app.command("geocode")
def geocode_command(
    input_paths: InputsArg,
    output: OutputOpt,
    place_column: PlaceOpt = settings.PLACE_COLUMN,
    country_column: CountryOpt = settings.COUNTRY_COLUMN,
    province_column: ProvinceOpt = settings.PROVINCE_COLUMN,
    rejects: RejectsOpt = None,
    format: FormatOpt = None,
    columns: ColumnsOpt = None,
    engine: EngineOpt = "local",
    scheduler: SchedulerOpt = None,
    dedupe_km: DedupeKmOpt = None,
    dedupe_days: DedupeDaysOpt = None,
    dedupe_within: DedupeWithinOpt = False,
) -> None:
    """Add coordinates to place names, offline.

    Adds latitude, longitude, geo_precision (1 place, 2 district/area, 3 province/region,
    4 country), gazetteer_id, gazetteer_name, feature_kind, match_score (100 = exact),
    geocode_confidence (0-1), geocode_status (given / matched / ambiguous / unmatched) and
    runner_up. The row's own country, admin1 and admin2 are used when present. Rows that
    already have coordinates keep them. No row is dropped.

    Example:  geomap geocode incidents.csv -o located.csv --place-column location
    """
    _run_table("geocode", input_paths, output, place_column=place_column, country_column=country_column,
               province_column=province_column, rejects=rejects, format=format, columns=columns, engine=engine,
               scheduler=scheduler, dedupe_km=dedupe_km, dedupe_days=dedupe_days,
               dedupe_within=dedupe_within)


@app.command("join")
def join_command(
    input_paths: InputsArg,
    output: OutputOpt,
    place_column: PlaceOpt = settings.PLACE_COLUMN,
    country_column: CountryOpt = settings.COUNTRY_COLUMN,
    province_column: ProvinceOpt = settings.PROVINCE_COLUMN,
    rejects: RejectsOpt = None,
    format: FormatOpt = None,
    columns: ColumnsOpt = None,
    engine: EngineOpt = "local",
    scheduler: SchedulerOpt = None,
    dedupe_km: DedupeKmOpt = None,
    dedupe_days: DedupeDaysOpt = None,
    dedupe_within: DedupeWithinOpt = False,
) -> None:
    """Measure incidents against the border (geocoding names first where needed).

    Adds side (ISO2 of the containing country), border_distance_km (geodesic),
    border_position_km (along the line from the China tripoint in the north to the Iran
    tripoint in the south), nearest_crossing, crossing_distance_km, province,
    province_code (ISO 3166-2), district and tehsil (from district and tehsil polygons;
    district_approximate where none of the point's province holds it) and disagreement (the
    row's own country/admin1 differs).

    Example:  geomap join incidents.csv -o joined.parquet
              geomap join acled.csv ucdp.csv 20251012.export.CSV -o all.parquet --dedupe-km 5
              geomap join big.export.CSV -o big.parquet --engine dask   (a GeoParquet folder)
    """
    _run_table("join", input_paths, output, place_column=place_column, country_column=country_column,
               province_column=province_column, rejects=rejects, format=format, columns=columns, engine=engine,
               scheduler=scheduler, dedupe_km=dedupe_km, dedupe_days=dedupe_days,
               dedupe_within=dedupe_within)


@border_app.command("info")
def border_info(as_json: JsonOpt = False) -> None:
    """Source, vertex count, length and end points of the bundled border line."""
    with _errors():
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
def gazetteer_search(
    query: Annotated[str, typer.Argument(help="A place name in any spelling or script, e.g. 'Spin Buldak' or 'خوست'.")],
    limit: Annotated[int, typer.Option(min=1, max=100, help="How many candidates to show.")] = 10,
    as_json: JsonOpt = False,
) -> None:
    """Ranked candidates for a name: kind, country, province, coordinates, and why they rank."""
    with _errors():
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
def verify_data() -> None:
    """Check the bundled data against its checksum manifest (exit code 1 if anything is missing or damaged)."""
    with _errors():
        problems = datasets.verify_all()
    if problems:
        for problem in problems:
            typer.echo(f"geomap: error: {problem}", err=True)
        raise typer.Exit(1)
    typer.echo(f"bundled data OK: {len(datasets.manifest())} files match their checksums")


@app.command("extract")
def extract_command(
    files: Annotated[list[Path], typer.Argument(help="News reports as UTF-8 text files.", show_default=False)],
    date: Annotated[str | None, typer.Option("--date", help="The reports' date, YYYY-MM-DD: \"on Sunday\" means "
                                             "the Sunday before it. Default: a dateline in the report, else today.",
                                             show_default=False)] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Output file (.csv, .geojson, .parquet, "
                                                ".gpkg); without it, a table on stdout.", show_default=False)] = None,
    mentions: Annotated[bool, typer.Option("--mentions", help="One row per place mention instead of per "
                                           "incident.")] = False,
) -> None:
    """Find places and incidents in news text, offline.

    One row per incident (event_date, place, latitude, longitude, event_type, fatalities,
    actors, the sentence as description, and the report as source), ready for
    `geomap map`; with --mentions, one row per place mention with its span in the text.

    Example:  geomap extract report.txt --date 2025-10-29 -o incidents.csv
    """
    with _errors():
        frame, notes = extract_reports(files, report_date=date, mentions=mentions)
        if output is not None:
            write_table(frame, check_output(output))
    for note in notes:
        typer.echo(f"geomap: note: {note}", err=True)
    kind = "mentions" if mentions else "incidents"
    if output is not None:
        typer.echo(f"reports: {len(files)}  {kind}: {len(frame)}  written: {len(frame)} -> {output}")
        return
    typer.echo(format_table(frame, mentions=mentions))


@app.command("evaluate")
def evaluate_command(
    devset: Annotated[Path, typer.Argument(help="Development set (.json: reports with gold toponyms) or a "
                                           "geoparsing corpus (.jsonl, e.g. GeoVirus).", show_default=False)],
    as_json: JsonOpt = False,
) -> None:
    """Score `geomap extract` against gold toponyms, beside the geotext and spaCy peers.

    Prints toponym precision, recall and F1, the share placed within 25 and 161 km and the
    mean error in km, for each system on the same reports (per language for a dev set).

    Example:  geomap evaluate tests/data/extract_dev.json
    """
    with _errors():
        scores = evaluate(devset)
    for note in scores.attrs.get("notes", []):
        typer.echo(f"geomap: note: {note}", err=True)
    if as_json:
        typer.echo(scores.to_json(orient="records", indent=2))
        return
    typer.echo(scores.to_string(index=False))


def main() -> None:
    """Entry point of the ``geomap`` script."""
    app(prog_name="geomap")


__all__ = ["STAGES", "app", "main"]
