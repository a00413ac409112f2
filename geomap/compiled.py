"""Numba kernels, compiled on first use: loading numba costs ~0.5-1 s, so only work that needs one pays it."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache


@cache
def nogil(function: Callable) -> Callable:
    """``function`` compiled by numba to run without the GIL (so one thread per core can share the work).

    The compiled code is cached in geomap's private cache folder (see :mod:`geomap.cache`), which
    saves the compile (~1 s) in later processes. Never beside the installed module: numba reads
    its cache index with pickle, so it may only come from a folder nobody else can write to.
    """
    import numba
    from numba.core import config

    from geomap.cache import private_folder

    where = private_folder("numba")
    if where is None:
        return numba.njit(nogil=True)(function)
    previous = config.CACHE_DIR
    config.CACHE_DIR = str(where)  # read once, when the decorator picks where this function's cache lives
    try:
        return numba.njit(nogil=True, cache=True)(function)
    except RuntimeError:
        return numba.njit(nogil=True)(function)
    finally:
        config.CACHE_DIR = previous
