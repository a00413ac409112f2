"""The Dask engine: the blocks of a run on the workers of a Dask cluster.

:class:`DaskEngine` is a drop-in for :class:`geomap.pipeline.LocalEngine`: it maps the same
block function (:func:`geomap.pipeline.process_block`) over the same blocks, with a few
in flight at a time, and hands the results back in input order. Reading, writing and the
accounting stay in :mod:`geomap.pipeline`, so the output is the same as the in-process engine's,
byte for byte; only where the work runs changes. The workers read their blocks from the input
files themselves, so on a real cluster every worker needs the files at the same path (and
geomap installed).

Dask is optional (``pip install 'geomap[dask]'``); nothing here imports it until it is used.
Without ``--scheduler`` a cluster is started inside this process whose every server listens on
127.0.0.1, on ports the system picks, with no dashboard unless one is asked for.
"""

from __future__ import annotations

import contextlib
import logging
import signal
from collections import deque
from collections.abc import Callable, Iterator

from geomap.errors import InputError

#: Blocks in flight per worker thread: enough to keep every thread busy, few enough for memory.
IN_FLIGHT_PER_THREAD = 2
# How often (seconds) the wait for a block looks whether the run was asked to stop.
_POLL = 0.2
_EXTRA = "geomap[dask]"


def check_available() -> None:
    """Raise a one-line :class:`~geomap.errors.InputError` naming the extra when Dask is not installed."""
    try:
        import dask  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as exc:
        raise InputError(f"--engine dask needs Dask, which is not installed ({exc.name} is missing); "
                         f"install the extra: pip install '{_EXTRA}'") from None


def local_client(threads: int | None = None, dashboard: bool = False):
    """A Dask client on a cluster inside this process that listens on 127.0.0.1 only.

    Workers are threads of this process (the stages release the GIL in numba, pyarrow and
    numpy). Dask still starts an HTTP server for the scheduler and each worker, by default on
    every interface and the scheduler's on the fixed port 8787: here each takes a port the
    system picks on 127.0.0.1, and the scheduler serves no dashboard unless ``dashboard``.
    """
    check_available()
    from distributed import Client

    # Given these, the Client starts the LocalCluster itself and closes it when it is closed.
    return Client(processes=False, threads_per_worker=threads, dashboard_address="127.0.0.1:0",
                  worker_dashboard_address="127.0.0.1:0", scheduler_kwargs={"dashboard": dashboard})


class DaskEngine:
    """Runs blocks on a Dask cluster: the one at ``scheduler`` (an address or a Client), or a local one."""

    name = "dask"

    def __init__(self, scheduler: str | object | None = None, dashboard: bool = False) -> None:
        check_available()
        from distributed import Client

        logging.getLogger("distributed").setLevel(logging.ERROR)  # its INFO lines would bury the summary
        if isinstance(scheduler, Client):
            self.client, self._own = scheduler, False
        elif scheduler:
            try:
                self.client = Client(scheduler, timeout="20s")
            except OSError as exc:
                raise InputError(f"cannot reach the Dask scheduler at {scheduler!r} ({exc})") from None
            self._own = True
        else:
            self.client, self._own = local_client(dashboard=dashboard), True
        self.dashboard = None
        if dashboard and self._own and not scheduler:  # served on 127.0.0.1, whatever address Dask would print
            port = self.client.scheduler_info().get("services", {}).get("dashboard")
            self.dashboard = f"http://127.0.0.1:{port}/status" if port else None
        threads = sum(self.client.nthreads().values()) or 1
        self._in_flight = max(2, IN_FLIGHT_PER_THREAD * threads)

    def map(self, function: Callable, calls: list[tuple]) -> Iterator:
        """``function(*call)`` for each call on the workers; results in order, a few calls ahead.

        Ctrl-C, SIGTERM and SIGHUP are noted while waiting and raised here, between blocks, as
        :class:`geomap.io.Interrupted`: raised inside Dask's own waiting they would be lost in its
        event loop and the run would go on. The blocks already handed out are let finish first
        (a worker thread cannot be stopped inside compiled code, and one still running when the
        interpreter shuts down can crash it).
        """
        from geomap.io import Interrupted

        pending: deque = deque()
        calls = iter(calls)
        with _signals_noted() as caught:
            try:
                for call in calls:
                    pending.append(self.client.submit(function, *call, pure=False))
                    if len(pending) >= self._in_flight:
                        yield _result(pending.popleft(), caught)
                while pending:
                    yield _result(pending.popleft(), caught)
            except (Interrupted, GeneratorExit, Exception):
                _settle(pending)
                raise

    def close(self) -> None:
        if self._own:
            self.client.close()


def _result(future, caught: list[int]):
    """The future's result, looking every :data:`_POLL` seconds whether a signal asked the run to stop."""
    from geomap.io import Interrupted

    while True:
        if caught:
            _settle([future])
            raise Interrupted(caught[0])
        try:
            return future.result(timeout=_POLL)
        except TimeoutError:
            continue


def _settle(futures) -> None:
    """Wait until every future has finished one way or another; their results are not wanted."""
    from distributed import wait

    with contextlib.suppress(Exception):
        wait(list(futures))


@contextlib.contextmanager
def _signals_noted() -> Iterator[list[int]]:
    """While inside, SIGINT, SIGTERM and SIGHUP are only noted (in the list yielded); handlers restored after."""
    caught: list[int] = []
    previous = {}
    try:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(signum) is not signal.SIG_IGN:  # ignored (a background job's Ctrl-C) stays so
                previous[signum] = signal.signal(signum, lambda number, _frame: caught.append(number))
    except ValueError:  # not the main thread: signals are not ours to handle
        pass
    try:
        yield caught
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


__all__ = ["DaskEngine", "check_available", "local_client"]
