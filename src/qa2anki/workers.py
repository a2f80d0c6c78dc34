"""Worker processes that never outlive the build that started them.

Forked workers inherit the parent's end of their task pipe, so when the parent is killed
(SIGKILL, OOM killer, a closed terminal) they wait on it forever. Each worker therefore asks
the kernel to kill it when its parent dies (``PR_SET_PDEATHSIG`` on Linux) and, everywhere,
watches its parent id and exits once it has been reparented.

:func:`fork_map` is how the stages share work out: forked workers inherit what the work needs.
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

_PR_SET_PDEATHSIG = 1
#: Seconds between two looks at the parent id (the fallback where prctl is missing).
WATCH_INTERVAL = 0.2


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A forked pool whose workers exit promptly when this process dies."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=mp.get_context("fork"),
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    )


def die_with_parent(parent: int) -> None:
    """Worker initializer: exit when ``parent`` does, even if it is killed with no warning."""
    _ask_kernel()
    if os.getppid() != parent:  # the parent died before the request above was in place
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="qa2anki-parent-watch", daemon=True).start()


def _ask_kernel() -> None:
    """SIGKILL this process when its parent dies (Linux); elsewhere the watch thread does it."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        pass  # no usable libc: the watch thread still ends the worker


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_INTERVAL)
    os._exit(1)


T = TypeVar("T")
R = TypeVar("R")

_job: tuple[int, Callable[[list[Any]], list[Any]]] | None = None  # what forked workers run, numbered
_jobs_started = 0
_one_job_at_a_time = threading.Lock()


def fork_map(work: Callable[[list[T]], list[R]], inputs: list[T], *, minimum: int,
             workers: int | None = None, least_chunk: int = 1000, chunk: int | None = None) -> list[R]:
    """``work`` over ``inputs`` in chunks, the results in order (see :func:`fork_iter`)."""
    return list(fork_iter(work, inputs, minimum=minimum, workers=workers, least_chunk=least_chunk,
                          chunk=chunk))


def fork_iter(work: Callable[[list[T]], list[R]], inputs: list[T], *, minimum: int,
              workers: int | None = None, least_chunk: int = 1000, chunk: int | None = None) -> Iterator[R]:
    """``work`` over ``inputs`` in chunks, each result as soon as it and those before it are
    done: on every core once there are ``minimum`` inputs, serially below (starting workers
    costs more than it saves).

    A worker takes ``chunk`` inputs at a time; by default a quarter of its share, but at least
    ``least_chunk`` (small inputs cost more to send than to work on).

    Workers are forked after ``work`` is set aside, so they inherit it and everything it refers
    to (a deck's vectors, an index): only the inputs and results cross between processes.
    """
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers < 2 or len(inputs) < minimum or "fork" not in mp.get_all_start_methods():
        yield from work(inputs)
        return
    global _job, _jobs_started
    size = chunk or max(least_chunk, len(inputs) // (workers * 4))
    with _one_job_at_a_time:  # the job is set aside only while its workers are forked
        _jobs_started += 1
        _job = (_jobs_started, work)
        pool = process_pool(workers)
        try:
            chunks = [(_jobs_started, inputs[start:start + size]) for start in range(0, len(inputs), size)]
            parts = pool.map(_run_job, chunks)  # submits every chunk: the workers are forked now
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise
        finally:
            _job = None
    with pool:
        for part in parts:
            yield from part


def _run_job(numbered: tuple[int, list[Any]]) -> list[Any]:
    number, chunk = numbered
    if _job is None or _job[0] != number:  # a worker forked when another job was set aside
        raise RuntimeError("a worker process started without its job")
    return _job[1](chunk)
