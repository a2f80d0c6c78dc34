"""Worker processes that never outlive the build that started them.

Forked workers inherit the parent's end of their task pipe, so when the parent is killed
(SIGKILL, OOM killer, a closed terminal) they wait on it forever. Each worker therefore asks
the kernel to kill it when its parent dies (``PR_SET_PDEATHSIG`` on Linux) and, everywhere,
watches its parent id and exits once it has been reparented.
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

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
