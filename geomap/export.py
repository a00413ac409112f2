"""The bundled reference layers as files a GIS opens: GeoPackage and GeoJSON, in WGS84.

``geomap data export DIR`` writes the border line, the curated crossings and passes, the
provinces and the districts (as :mod:`geomap.datasets` holds them) so that QGIS users see
exactly what geomap measured against. Every file is written beside its name and renamed into
place when complete (:mod:`geomap.io`), and the sources' attribution goes with them.
"""

from __future__ import annotations

from pathlib import Path

from geomap.errors import OutputError

#: Layer name -> the public function that returns it as a GeoDataFrame.
LAYERS = ("border", "crossings", "provinces", "districts")
FORMATS = {"gpkg": "GPKG", "geojson": "GeoJSON"}


def reference_layers() -> dict:
    """Each reference layer as a WGS84 GeoDataFrame, by name (see :data:`LAYERS`)."""
    from geomap import api

    return {name: _plain(getattr(api, name)()) for name in LAYERS}


def export_reference(folder: str | Path, formats: tuple[str, ...] = ("gpkg", "geojson")) -> list[Path]:
    """Write the reference layers into ``folder``: ``reference.gpkg`` (a layer each) and ``NAME.geojson``.

    Returns
    -------
    list of pathlib.Path
        The files written, ``ATTRIBUTION.md`` (the data's sources and licences) among them.
    """
    import pyogrio

    from geomap.io import atomic_write

    unknown = sorted(set(formats) - set(FORMATS))
    if unknown or not formats:
        raise OutputError(f"unknown export format(s) {unknown or list(formats)}; choose from: {', '.join(FORMATS)}")
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"output {str(folder)!r} is a file; give a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create folder {str(folder)!r}: {exc.strerror}") from exc
    layers = reference_layers()
    written = []
    if "gpkg" in formats:
        target = folder / "reference.gpkg"
        with atomic_write(target) as tmp:
            tmp.unlink()
            for name, frame in layers.items():
                pyogrio.write_dataframe(frame, str(tmp), driver="GPKG", layer=name, append=tmp.exists())
        written.append(target)
    if "geojson" in formats:
        for name, frame in layers.items():
            target = folder / f"{name}.geojson"
            with atomic_write(target) as tmp:
                tmp.unlink()
                pyogrio.write_dataframe(frame, str(tmp), driver="GeoJSON", layer=name)
            written.append(target)
    attribution = folder / "ATTRIBUTION.md"
    with atomic_write(attribution) as tmp:
        tmp.write_text(_attribution(), encoding="utf-8")
    written.append(attribution)
    return written


def _plain(frame):
    """Columns every GDAL driver takes: text for anything that is not a number, a flag or the geometry."""
    out = frame.copy()
    for column in out.columns:
        if column == out.geometry.name:
            continue
        dtype = out[column].dtype
        if str(dtype) == "object" or str(dtype).startswith(("string", "str", "category")):
            out[column] = out[column].astype(object).where(out[column].notna(), None).map(
                lambda v: v if v is None else str(v))
    return out


def _attribution() -> str:
    from importlib.resources import files

    sources = files("geomap.data").joinpath("SOURCES.md")
    text = sources.read_text(encoding="utf-8") if sources.is_file() else ""
    return ("# Attribution of the geomap reference layers\n\n"
            "These layers were written by `geomap data export` from the data bundled with geomap. "
            "Keep this file with them. The sources, their licences and what geomap did with them:\n\n" + text)


__all__ = ["FORMATS", "LAYERS", "export_reference", "reference_layers"]
