"""When a build may fork worker processes, and how many.

Forked workers share the model without pickling it, which is what makes them cheap; but
forking is only safe while this process runs no other threads (`serve` runs several),
and below some amount of work starting workers costs more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from multiprocessing.context import ForkContext

MAX_WORKERS = 8


def worker_count(jobs: int, threshold: int) -> int:
    """How many processes to use for `jobs` units of work: 1 means do it here, serially."""
    cores = min(os.cpu_count() or 1, MAX_WORKERS)
    if jobs < threshold or cores < 2 or threading.active_count() > 1:
        return 1
    return cores


def fork_context() -> ForkContext:
    return multiprocessing.get_context("fork")
