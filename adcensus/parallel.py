"""Run a per-row function over chunks of rows, in worker processes where that pays.

The per-ad work of normalising (finding phones, cleaning text) is pure Python and
independent from ad to ad, so it spreads over the machine's cores. Workers are
forked: they inherit the parent's data instead of receiving a pickled copy, and
send back only their chunk's compact result. Where fork is not available (Windows,
macOS by default) or the file is small, chunks run in this process, one by one,
with the same result.

Workers die with their parent, even when it is killed (`kill -9`, the out-of-memory
killer) and cannot stop them: each asks Linux to kill it when its parent dies
(`prctl(PR_SET_PDEATHSIG)`), and where that call fails, a watchdog thread checks
every second that its parent is still there.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, TypeVar

from adcensus.errors import AdcensusError

T = TypeVar("T")

# Below this many rows per worker, starting processes costs more than it saves.
MIN_ROWS_PER_WORKER = 20_000
CHUNK_ROWS = 25_000
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
WATCHDOG_SECONDS = 1.0

_job: dict[str, Any] = {}


def available_cores() -> int:
    """Cores this process may run on (the affinity mask where the OS has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def worker_count(rows: int, workers: int | None = None) -> int:
    """How many processes to use for `rows` rows; `workers` caps it (None or 0: all cores)."""
    wanted = workers if workers else available_cores()
    if wanted <= 1 or not sys.platform.startswith("linux"):
        return 1
    return max(1, min(wanted, rows // MIN_ROWS_PER_WORKER))


def map_chunks(
    fn: Callable[[Any, int, int], T],
    data: Any,
    rows: int,
    workers: int = 1,
    chunk: int | None = None,
) -> Iterator[tuple[int, T]]:
    """Yield (rows done so far, fn(data, start, stop)) for consecutive chunks, in order.

    With `workers` > 1 the chunks run in forked processes that read `data` from the
    memory they inherit; `fn` must be a module-level function.
    """
    chunk = chunk or CHUNK_ROWS
    bounds = [(start, min(start + chunk, rows)) for start in range(0, rows, chunk)]
    if workers <= 1 or len(bounds) < 2:
        for start, stop in bounds:
            with gc_paused():
                result = fn(data, start, stop)
            yield stop, result
        return
    _job["fn"], _job["data"] = fn, data
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(
            workers, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),)
        ) as pool:
            for (_, stop), result in zip(bounds, pool.map(_run, bounds), strict=True):
                yield stop, result
    except BrokenProcessPool:
        # A worker killed from outside (most often by the system, out of memory) would
        # leave a multiprocessing.Pool waiting for ever; the executor notices.
        raise AdcensusError(
            "a worker process stopped before its chunk was done (out of memory?); "
            "free memory, or run with --workers 1"
        ) from None
    finally:
        _job.clear()


def die_with_parent(parent: int) -> None:
    """In a worker: make sure it ends when process `parent` ends, however that ends."""
    if not _ask_kernel_to_kill_on_parent_death():
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def _ask_kernel_to_kill_on_parent_death() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCHDOG_SECONDS)
    os._exit(1)


def _run(bounds: tuple[int, int]) -> Any:
    with gc_paused():
        return _job["fn"](_job["data"], *bounds)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: a per-row pass makes millions of small objects
    and no cycles, and the collector walking them again and again doubles its time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
