"""The pipeline partitioned on Dask: files larger than memory, on one machine or a cluster.

The same stages run on each partition (:func:`process`, which the in-process engine calls
too), so results are identical; only reading and writing change. Input is streamed in
blocks (CSV, TSV, GDELT event files, Parquet files or dataset folders); output is written
partition by partition: ``.parquet`` becomes a GeoParquet dataset folder (one file per
partition), ``.csv`` one CSV appended partition by partition. Linking duplicates needs every
row's place and date at once: only those few columns are gathered, in a first pass.
"""

from __future__ import annotations

import csv
import logging
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from geomap import sources
from geomap.dedupe import duplicate_clusters, link_duplicates
from geomap.errors import InputError, OutputError
from geomap.geocode import geocode
from geomap.join import join
from geomap.load import _is_gdelt, standardise

#: Bytes of text per partition when streaming CSV.
BLOCKSIZE = "64MB"
_DEDUPE_KEYS = ["longitude", "latitude", "event_date", "event_category", "source_dataset"]


def process(frame: pd.DataFrame, *, format: str | None = None, columns: str | dict | None = None,
            **options) -> pd.DataFrame:
    """One block of rows as read: schema and coordinates (as :func:`geomap.load` does), then :func:`enrich`."""
    return enrich(standardise(frame, format, columns), **options)


def enrich(frame: pd.DataFrame, *, stage: str = "join", place_column: str | None = None,
           country_column: str | None = None, province_column: str | None = None) -> pd.DataFrame:
    """Geocoding and, for ``stage="join"``, the border join: the stages both engines share."""
    frame = geocode(frame, place_column, country_column, province_column)
    return join(frame) if stage == "join" else frame


def run_dask(paths: list[Path], output: Path | None, *, scheduler: str | object | None = None,
             dedupe: tuple[float, float, bool] | None = None, blocksize: str | int | None = None,
             **options) -> tuple[pd.DataFrame | None, pd.Series]:
    """Run :func:`process` over partitions of ``paths`` and write ``output`` partition-wise.

    Parameters
    ----------
    paths
        Input files (all the same format).
    output
        ``.parquet`` (a GeoParquet dataset folder) or ``.csv``; None returns the frame instead,
        which then has to fit in memory.
    scheduler
        A Dask scheduler address (``tcp://host:8786``), a ``distributed.Client``, or None for a
        local cluster of this machine's cores.
    dedupe
        ``(km, days, within_source)`` to link likely duplicates, or None.
    options
        ``format``, ``columns``, ``stage``, ``place_column``, ``country_column``,
        ``province_column``: as for the in-process engine.

    Returns
    -------
    (pandas.DataFrame or None, pandas.Series)
        The result when ``output`` is None, and the count of rows per ``geocode_status``.
    """
    import dask
    from distributed import Client

    client, own_client = (scheduler, False) if isinstance(scheduler, Client) else (None, True)
    if client is None:
        logging.getLogger("distributed").setLevel(logging.ERROR)  # its INFO lines would bury the summary
        client = Client(scheduler) if scheduler else local_client()
    try:
        frame = _read(paths, options.get("format"), blocksize or BLOCKSIZE)
        with warnings.catch_warnings():  # a file shorter than the sample is fine
            warnings.filterwarnings("ignore", "Insufficient elements", UserWarning)
            sample = frame.head(50)
        meta = _as_text(process(sample, **options).iloc[:0])
        result = frame.map_partitions(_process_as, meta, options, meta=meta)
        if dedupe is not None:
            result = _link(result, meta, *dedupe)
        if output is None:
            (computed,) = dask.compute(result)
            return computed.reset_index(drop=True), computed["geocode_status"].value_counts()
        dask.compute(_write(result, output))
        return None, _status_counts(output)
    finally:
        if own_client:
            client.close()


def local_client(threads: int | None = None, dashboard: bool = False):
    """A Dask client on a cluster inside this process that listens on 127.0.0.1 only.

    Workers are threads of this process (the stages release the GIL in numba, pyarrow and
    numpy). Dask still starts an HTTP server per scheduler and worker, by default on every
    interface and the scheduler's on the fixed port 8787: here each takes a port the system
    picks on 127.0.0.1, and the scheduler serves no dashboard unless ``dashboard`` is True.
    """
    from distributed import Client

    # Given these, the Client starts the LocalCluster itself and closes it when it is closed.
    return Client(processes=False, threads_per_worker=threads, dashboard_address="127.0.0.1:0",
                  worker_dashboard_address="127.0.0.1:0", scheduler_kwargs={"dashboard": dashboard})


def _status_counts(output: Path) -> pd.Series:
    """Rows per ``geocode_status``, read back from what was written: one column, one file or block at a time."""
    if output.suffix.lower() == ".csv":
        blocks = pd.read_csv(output, usecols=["geocode_status"], dtype=str, chunksize=1_000_000)
        counts = [block["geocode_status"].value_counts() for block in blocks]
    else:
        import pyarrow.parquet as pq

        counts = [pq.read_table(part, columns=["geocode_status"]).column(0).to_pandas().value_counts()
                  for part in sorted(output.glob("*.parquet"))]
    return pd.concat(counts).groupby(level=0).sum() if counts else pd.Series(dtype="int64")


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns as strings: Parquet needs one declared type per column, and all hold text."""
    text = {c: "string" for c in frame.columns if frame[c].dtype == object}
    return frame.astype(text)


def _process_as(part: pd.DataFrame, meta: pd.DataFrame, options: dict) -> pd.DataFrame:
    """:func:`process`, with every partition given the same columns and dtypes (Parquet needs one schema)."""
    out = _as_text(process(part, **options))
    for column in meta.columns.difference(out.columns):
        out[column] = pd.Series(pd.NA, index=out.index, dtype=meta[column].dtype)
    return out[list(meta.columns)].astype(meta.dtypes.to_dict())


def _read(paths: list[Path], format: str | None, blocksize):
    import dask.dataframe as dd

    format = sources.check_format(format)
    first = paths[0]
    for path in paths:
        if not path.exists():
            raise InputError(f"input file {str(path)!r} does not exist")
    suffix = first.suffix.lower()
    if suffix in (".parquet", ".geoparquet") or first.is_dir():
        frame = dd.read_parquet([str(p) for p in paths])
        geometry = [c for c in frame.columns if c == "geometry"]
        return frame.drop(columns=geometry) if geometry else frame
    if suffix not in (".csv", ".tsv", ".txt"):
        raise InputError(f"the dask engine streams CSV, TSV, GDELT event files and Parquet, not {suffix!r}; "
                         "use --engine local for GeoJSON and GeoPackage")
    text = dict(dtype=str, keep_default_na=False, na_values=[""], blocksize=blocksize, encoding="utf-8")
    if format == "gdelt" or (format is None and _is_gdelt(first)):
        with first.open("rb") as handle:
            found = len(handle.readline().split(b"\t"))
        if found != len(sources.GDELT_COLUMNS):
            raise InputError(f"{first}: a GDELT 2.0 event file has {len(sources.GDELT_COLUMNS)} tab-separated "
                             f"columns; its first line has {found}")
        return dd.read_csv([str(p) for p in paths], sep="\t", header=None, names=list(sources.GDELT_COLUMNS),
                           quoting=csv.QUOTE_NONE, **text)
    return dd.read_csv([str(p) for p in paths], sep=_delimiter(first), skipinitialspace=True, **text)


def _delimiter(path: Path) -> str:
    if path.suffix.lower() == ".tsv":
        return "\t"
    with path.open("r", encoding="utf-8-sig", errors="replace") as handle:
        head = handle.read(65536)
    try:
        return csv.Sniffer().sniff(head, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _link(result, meta: pd.DataFrame, km: float, days: float, within_source: bool = False):
    """Gather the few columns duplicates need, cluster them, and attach ids by global row position."""
    import dask

    link_duplicates(meta.assign(**{c: meta.get(c, pd.Series(dtype=object)) for c in _DEDUPE_KEYS}), km, days,
                    within_source)
    keys = result.map_partitions(lambda part: part.reindex(columns=_DEDUPE_KEYS),
                                 meta=pd.DataFrame({c: pd.Series(dtype=object) for c in _DEDUPE_KEYS}))
    (gathered,) = dask.compute(keys)
    gathered = gathered.reset_index(drop=True)
    cluster = duplicate_clusters(pd.to_numeric(gathered["longitude"], errors="coerce"),
                                 pd.to_numeric(gathered["latitude"], errors="coerce"),
                                 pd.to_datetime(gathered["event_date"], errors="coerce", format="ISO8601"),
                                 gathered["event_category"].astype("string").fillna("").to_numpy(dtype=object),
                                 gathered["source_dataset"].astype("string").fillna("").to_numpy(dtype=object),
                                 km, days, within_source)
    lengths = result.map_partitions(len).compute()
    offsets = np.concatenate([[0], np.cumsum(lengths.to_numpy())])
    counts = pd.Series(cluster[cluster >= 0]).value_counts()
    linked_meta = meta.assign(duplicate_cluster=pd.array([], dtype="Int64"),
                              duplicate_count=np.array([], dtype=np.int64))

    def attach(part: pd.DataFrame, partition_info=None) -> pd.DataFrame:
        number = partition_info["number"] if partition_info else 0
        mine = cluster[offsets[number]:offsets[number] + len(part)]
        out = part.copy()
        out["duplicate_cluster"] = pd.array(np.where(mine >= 0, mine, 0), dtype="Int64")
        out.loc[mine < 0, "duplicate_cluster"] = pd.NA
        out["duplicate_count"] = np.where(mine >= 0, pd.Series(mine).map(counts).fillna(1).to_numpy(),
                                          1).astype(np.int64)
        return out

    return result.map_partitions(attach, meta=linked_meta)


def _write(result, output: Path):
    suffix = output.suffix.lower()
    if suffix == ".csv":
        return result.to_csv(str(output), single_file=True, index=False, compute=False)
    if suffix == ".parquet":
        import dask_geopandas  # noqa: F401  (registers GeoDataFrame partitions with dask)

        from geomap.io import _to_geo

        geo = result.map_partitions(_to_geo, meta=_to_geo(result._meta))
        return geo.to_parquet(str(output), write_index=False, compute=False)
    raise OutputError(f"the dask engine writes .parquet (a GeoParquet dataset folder) or .csv, not {suffix!r}")

