"""geomap's exceptions: one base class, one subclass per kind of failure.

Each subclasses ``ValueError`` (or ``OSError``) as well, so ``except ValueError`` in a
notebook still catches bad input. The CLI turns any :class:`GeomapError` into one line on
stderr and exit code 1.
"""

from __future__ import annotations


class GeomapError(Exception):
    """Base class of every error geomap raises on purpose."""


class InputError(GeomapError, ValueError):
    """The input file or frame cannot be read as incidents (format, columns, values)."""


class OutputError(GeomapError, OSError):
    """The output cannot be written (unknown extension, unwritable path, would overwrite input)."""


class DataError(GeomapError, RuntimeError):
    """The bundled data is missing or damaged."""
