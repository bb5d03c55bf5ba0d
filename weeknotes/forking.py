"""When a build may fork worker processes, and how many.

Forked workers share the model without pickling it, which is what makes them cheap; but
forking is only safe while this process runs no other threads (`serve` runs several),
and below some amount of work starting workers costs more than it saves.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import threading
from multiprocessing.context import ForkContext
from typing import Any

MAX_WORKERS = 8


def worker_count(jobs: int, threshold: int) -> int:
    """How many processes to use for `jobs` units of work: 1 means do it here, serially."""
    cores = min(os.cpu_count() or 1, MAX_WORKERS)
    if jobs < threshold or cores < 2 or threading.active_count() > 1:
        return 1
    return cores


def fork_context() -> ForkContext:
    """The context to start workers with; first, memory this process freed goes back to the
    system, so that each worker does not start with (and count) a copy of its garbage."""
    trim_heap()
    return multiprocessing.get_context("fork")


def trim_heap() -> None:
    """Return freed heap memory to the system (glibc's malloc_trim; elsewhere, nothing).

    Reading a site frees as much as it keeps (file text, YAML trees), but the C allocator
    holds on to the pages; at 10k items that is about 70 MB more per process at the peak.
    """
    global _malloc_trim
    if _malloc_trim is None:
        try:
            _malloc_trim = ctypes.CDLL(None).malloc_trim  # this process's own C library
        except (OSError, AttributeError, TypeError):  # TypeError: Windows has no CDLL(None)
            _malloc_trim = False
    if _malloc_trim:
        _malloc_trim(0)


_malloc_trim: Any = None
