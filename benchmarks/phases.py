"""Where a build's time goes: run `weeknotes` with a wall-clock timer around each stage.

    .venv/bin/python benchmarks/phases.py build --content benchmarks/work/n10000/weeknotes/content \
        --output /tmp/phases-out

prints the time spent importing weeknotes, then in each stage of the build, slowest first:
wall-clock time, and this process's CPU time (user + system), which other work on the
machine disturbs far less. It wraps the stages' functions with perf_counter and
process_time (no profiler, so the numbers are the real ones, give or take the machine's
noise); a stage called inside another is counted in both. Work done in forked render
workers is in the wall time only.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable
from typing import Any

started, started_cpu = time.perf_counter(), time.process_time()
import weeknotes.model.reuse as reuse  # noqa: E402  (timed: importing is part of every build)
import weeknotes.output.build as build  # noqa: E402
import weeknotes.output.search as search  # noqa: E402
import weeknotes.output.session as session  # noqa: E402
import weeknotes.output.staging as staging  # noqa: E402
import weeknotes.source.cache as cache  # noqa: E402
import weeknotes.source.content as content  # noqa: E402
from weeknotes.commands.cli import main  # noqa: E402

IMPORTED = time.perf_counter() - started, time.process_time() - started_cpu
SPENT: dict[str, tuple[float, float]] = {}


def timed(owner: Any, name: str, label: str | None = None) -> None:
    """Replace owner.name by a wrapper that adds its wall-clock and CPU time to SPENT[label]."""
    original: Callable[..., Any] | None = getattr(owner, name, None)
    if original is None:
        return  # not in this version of weeknotes (phases.py also times older checkouts)

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start, start_cpu = time.perf_counter(), time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            wall, cpu = SPENT.get(label or name, (0.0, 0.0))
            SPENT[label or name] = (wall + time.perf_counter() - start, cpu + time.process_time() - start_cpu)

    setattr(owner, name, wrapper)


try:
    import weeknotes.output.spare as spare  # issue 22

    SPARE: list[tuple[Any, str, str]] = [(spare.Spare, "update", "  bring the spare site up to date"),
                                         (spare, "exchange", "  exchange it with the output")]
except ImportError:
    SPARE = []

STAGES: list[tuple[Any, str, str]] = [*SPARE,
    (build, "load", "load (read, parse, validate)"),
    (content, "source_paths", "  list the sources"),
    (content, "parse_all", "  parse changed sources"),
    (cache.ShardedStore, "_read", "  unpickle cache shards"),
    (cache.RecordCache, "save", "  save the record cache"),
    (session.BuildSession, "collect", "collect the audience's site"),
    (reuse, "collect_site", "  collect it in full"),
    (build, "plan_site", "plan the outputs"),
    (session.BuildSession, "fingerprints", "fingerprint the outputs"),
    (build, "warn_on_feed_drift", "drift guard"),
    (staging.StagedSite, "keep", "keep unchanged files"),
    (staging.StagedSite, "record_all", "render and stage changed files"),
    (session.BuildSession, "previous_manifest", "read the manifest"),
    (staging.StagedSite, "_walked", "walk the output folder"),
    (staging.StagedSite, "commit", "put the site in place (search index included)"),
    (search, "update_index", "  search index (Pagefind)"),
    (session.BuildSession, "keep_manifest", "save the manifest"),
]


def run(argv: list[str]) -> int:
    for owner, name, label in STAGES:
        timed(owner, name, label)
    start, start_cpu = time.perf_counter(), time.process_time()
    code = main(argv)
    total = time.perf_counter() - start, time.process_time() - start_cpu
    print(f"{'':32s} {'wall':>8s} {'CPU':>8s}")
    for label, (wall, cpu) in [("import weeknotes", IMPORTED), *sorted(SPENT.items(), key=lambda item: -item[1][1]),
                               ("whole command", total)]:
        print(f"{label:32s} {wall:6.3f} s {cpu:6.3f} s")
    return code


if __name__ == "__main__":
    raise SystemExit(run(sys.argv[1:]))
