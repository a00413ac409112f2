"""Numba kernels, compiled on first use: loading numba costs ~0.5-1 s, so only work that needs one pays it."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache


@cache
def nogil(function: Callable) -> Callable:
    """``function`` compiled by numba to run without the GIL (so one thread per core can share the work).

    The compiled code is cached beside the module, which saves the compile (~1 s) in later
    processes; where nothing there is writable each process compiles it again.
    """
    import numba

    try:
        return numba.njit(nogil=True, cache=True)(function)
    except RuntimeError:
        return numba.njit(nogil=True)(function)
