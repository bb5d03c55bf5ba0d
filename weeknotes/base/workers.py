"""How a build's heavy work runs: on forked worker processes, or here, one job after another.

Everything about processes and memory lives here, so the pipeline (build.py) reads as
what it does, not how it is made fast:

- `Workers.map` runs a function over many jobs. Where `fork` exists, no other thread runs
  (`serve` runs several, so it asks for `Workers(parallel=False)`) and there is enough work,
  it forks one child per core; children share the site model without pickling it, each
  takes a stripe of the jobs and streams back `(index, result)` batches. Elsewhere the jobs
  run here, serially, with the same results.
- Before forking, freed heap memory goes back to the system (glibc `malloc_trim`), so each
  child does not start with a copy of the parent's garbage: 454 -> 375 MiB peak at 10k items.
- `Workers.run` runs other programs (Pagefind), as many at once as there are cores and
  as their memory allows, and wakes when one ends (a thread waits on each), never on a timer.
- Python's cycle collector is told to skip what a build keeps to the end (`long_lived`,
  `keep_to_the_end`) and is paused while caches are unpickled (`collector_paused`): after
  loading, a build holds about a hundred acyclic objects per item, and the collector would
  walk them all several times per build (0.8 s of a 2.9 s rebuild at 10k items).
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import pickle
import queue
import subprocess
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

from weeknotes.base.errors import ContentErrors

Job = TypeVar("Job")
Result = TypeVar("Result")

MAX_WORKERS = 8
BATCH = 16
"""Results a child sends at once: fewer, larger messages, yet a steady progress line."""


class Workers:
    """Runs jobs on forked processes when that is possible and worth it, else serially."""

    def __init__(self, parallel: bool = True) -> None:
        """`parallel=False`: never fork (a process running threads must not)."""
        self.parallel = parallel and "fork" in multiprocessing.get_all_start_methods()

    def count(self, jobs: int, threshold: int) -> int:
        """How many processes `jobs` units of work get: 1 means here, serially."""
        cores = min(os.cpu_count() or 1, MAX_WORKERS)
        if not self.parallel or jobs < threshold or cores < 2 or threading.active_count() > 1:
            return 1
        return cores

    def map(self, work: Callable[[Job], Result], jobs: Sequence[Job], threshold: int) -> Iterator[tuple[int, Result]]:
        """`(index, work(jobs[index]))` for every job, in the order they are done.

        Below `threshold` jobs, starting processes costs more than it saves. An exception
        in a child is raised here once every child has stopped; ContentErrors from several
        children are raised as one, listing every problem.
        """
        processes = self.count(len(jobs), threshold)
        if processes == 1:
            for index, job in enumerate(jobs):
                yield index, work(job)
            return
        trim_heap()
        context = multiprocessing.get_context("fork")
        children: dict[Connection, BaseProcess] = {}
        try:
            for number in range(processes):
                receiver, sender = context.Pipe(duplex=False)
                child = context.Process(target=_run_stripe, args=(work, jobs, number, processes, sender), daemon=True)
                child.start()
                sender.close()
                children[receiver] = child
            yield from _gather(children)
        finally:
            for receiver, process in children.items():  # only left when the caller stopped early
                process.kill()
                process.join()
                receiver.close()


    def run(self, starts: Sequence[Callable[[], subprocess.Popen[bytes]]],
            cancelled: Callable[[], bool] = lambda: False,
            sizes: Sequence[int] | None = None, at_once: int = 0) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
        """Start each program (`starts[i]()` starts one), as many at once as there are cores;
        yield `(i, process)` as each ends, in the order they end.

        With `sizes` (what each program holds in memory, in any unit), another program starts
        beside those running only while their sizes together stay within `at_once`; one alone
        always starts, however large.

        Stops starting new ones and kills those running once `cancelled()` says so (asked
        between programs ending, and every CANCEL_CHECK seconds), or when the caller stops.
        """
        ended: queue.SimpleQueue[int] = queue.SimpleQueue()
        waiting, running = list(range(len(starts)))[::-1], dict[int, subprocess.Popen[bytes]]()
        slots = max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)

        def fits(index: int) -> bool:
            return not running or sizes is None or sum(sizes[i] for i in running) + sizes[index] <= at_once

        try:
            while (waiting or running) and not cancelled():
                while waiting and len(running) < slots and fits(waiting[-1]):
                    index = waiting.pop()
                    running[index] = process = starts[index]()
                    threading.Thread(target=_wait_for, args=(process, index, ended), daemon=True).start()
                try:
                    index = ended.get(timeout=CANCEL_CHECK)
                except queue.Empty:
                    continue
                yield index, running.pop(index)
        finally:
            for process in running.values():
                process.kill()
                process.wait()


CANCEL_CHECK = 0.05
"""How often `Workers.run` asks whether to stop while every program is still running."""


def _wait_for(process: subprocess.Popen[bytes], index: int, ended: queue.SimpleQueue[int]) -> None:
    process.wait()
    ended.put(index)


def _run_stripe(work: Callable[[Job], Result], jobs: Sequence[Job], number: int, processes: int,
                sender: Connection) -> None:
    """In a forked child: do jobs number, number + processes, ...; send results in batches."""
    try:
        batch: list[tuple[int, Result]] = []
        for index in range(number, len(jobs), processes):
            batch.append((index, work(jobs[index])))
            if len(batch) >= BATCH:
                sender.send(("results", batch))
                batch = []
        sender.send(("results", batch))
        sender.send(("done", None))
    except BaseException as exc:
        try:
            sender.send(("error", pickle.loads(pickle.dumps(exc))))
        except Exception:  # an exception that does not survive pickling: send its story
            sender.send(("error", RuntimeError(f"a worker failed:\n{traceback.format_exc()}")))
    finally:
        sender.close()
        os._exit(0)  # skip the parent's atexit handlers and buffers in this forked copy


def _gather(children: dict[Connection, BaseProcess]) -> Iterator[tuple[int, Any]]:
    """Yield the children's results as they come; raise their failures once all have ended."""
    failures: list[BaseException] = []
    while children:
        for receiver in wait(list(children)):
            assert isinstance(receiver, Connection)
            try:
                kind, payload = receiver.recv()
            except EOFError:
                kind, payload = "error", RuntimeError("a worker stopped without a word")
            if kind == "results":
                yield from payload
                continue
            if kind == "error":
                failures.append(payload)
            children.pop(receiver).join()
            receiver.close()
    if failures:
        raise _one_failure(failures)


def _one_failure(failures: list[BaseException]) -> BaseException:
    if all(isinstance(f, ContentErrors) for f in failures):
        # A broken template breaks every child's share alike: report each problem once.
        return ContentErrors(list({p: None for f in failures for p in f.problems}))  # type: ignore[attr-defined]
    return next(f for f in failures if not isinstance(f, ContentErrors))


def trim_heap() -> None:
    """Return freed heap memory to the system (glibc's malloc_trim; elsewhere, nothing).

    Reading a site frees as much as it keeps (file text, YAML trees), but the C allocator
    holds on to the pages; at 10k items that is about 70 MB more per process at the peak.
    """
    try:
        trim = ctypes.CDLL(None).malloc_trim  # this process's own C library
    except (OSError, AttributeError, TypeError):  # TypeError: Windows has no CDLL(None)
        return
    trim(0)


@contextmanager
def long_lived() -> Iterator[None]:
    """Let the cycle collector skip everything made so far, and what `keep_to_the_end`
    marks later, while the block runs (one build).

    Unfrozen afterwards, so a long `serve` session still frees what it no longer uses.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def keep_to_the_end() -> None:
    """Everything made so far lives until the build ends: the collector need not walk it."""
    gc.freeze()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector while a block makes many acyclic objects at once
    (unpickling a cache shard: each batch of 700 objects would set off a collection), and
    leave them out of its walks afterwards.

    Without the second part the first allocation after the block set off a collection that
    walked every object just made, and then again as they aged: as long as unpickling them
    took (0.14 s for the 64 record shards at 10k items). Frozen objects are still freed
    when nothing refers to them; only a cycle among them would outlive its use, and
    unpickled caches hold none.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
