"""Forked workers give what serial work gives: the same results, the same errors, the same site."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import SiteDir, note
from weeknotes.base.reporter import RecordingReporter
from weeknotes.base.workers import Workers
from weeknotes.output.build import BuildOptions, BuildSession, build

ROOT = Path(__file__).resolve().parent.parent
EPOCH = "1795000000"

needs_two_cores = pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="forking needs two cores to be chosen")


def in_a_fresh_process(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run Python code in a new process. Workers never fork while another thread runs, and
    a test session keeps servers running on threads, so forking is tested from a new process."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          check=False, cwd=ROOT, env={**os.environ, **(env or {})}, timeout=300)


@needs_two_cores
def test_forked_results_are_the_serial_ones() -> None:
    done = in_a_fresh_process("""
        import json, os
        from weeknotes.base.workers import Workers
        assert Workers().count(100, threshold=10) > 1
        forked = dict(Workers().map(lambda n: (n * n, os.getpid()), list(range(100)), threshold=10))
        serial = dict(Workers(parallel=False).map(lambda n: (n * n, os.getpid()), list(range(100)), threshold=10))
        print(json.dumps({"parent": os.getpid(), "forked": forked, "serial": serial}))
    """)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    forked, serial = seen["forked"], seen["serial"]
    assert [value[0] for _, value in sorted(forked.items(), key=lambda kv: int(kv[0]))] == [n * n for n in range(100)]
    assert len({pid for _, pid in forked.values()} - {seen["parent"]}) >= 2  # done in children
    assert {pid for _, pid in serial.values()} == {seen["parent"]}
    assert {k: v[0] for k, v in forked.items()} == {k: v[0] for k, v in serial.items()}


@needs_two_cores
def test_errors_from_several_children_are_raised_together() -> None:
    done = in_a_fresh_process("""
        from weeknotes.base.errors import ContentErrors, Problems
        from weeknotes.base.workers import Workers

        def square_or_fail(number):
            if number in (7, 8):  # two jobs, so on two different children
                problems = Problems()
                problems.error(f"job{number}.md", number, "cannot do this one")
                raise ContentErrors(problems.errors)
            return number * number

        try:
            list(Workers().map(square_or_fail, list(range(40)), threshold=1))
        except ContentErrors as exc:
            print(repr([(p.path, p.line) for p in exc.problems]))
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[('job7.md', 7), ('job8.md', 8)]"


def test_little_work_or_no_fork_is_serial() -> None:
    assert Workers().count(3, threshold=10) == 1
    assert Workers(parallel=False).count(10_000, threshold=10) == 1
    assert list(Workers(parallel=False).map(str, [1, 2], threshold=0)) == [(0, "1"), (1, "2")]


def many_notes(site: SiteDir, count: int) -> None:
    for n in range(count):
        day = 1 + n % 28
        site.write(f"notes/ana/2026-10-{day:02d}-n{n}.md",
                   note(f"Note {n}", date=f"2026-10-{day:02d}", tags=f"[t{n % 30}]", body=f"Body *{n}*."))


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build_forked(site: SiteDir, output: Path) -> subprocess.CompletedProcess[str]:
    """`weeknotes build` in a new process, which forks (it says so first)."""
    return in_a_fresh_process(f"""
        from weeknotes.base.workers import Workers
        assert Workers().count(1000, threshold=1) > 1, "would not fork"
        from weeknotes.commands.cli import main
        raise SystemExit(main(["build", "--no-cache", "--content", {str(site.content)!r}, "--output", {str(output)!r}]))
    """, env={"SOURCE_DATE_EPOCH": EPOCH})


@needs_two_cores
def test_a_site_built_on_forked_workers_equals_one_built_serially(site: SiteDir,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    many_notes(site, 450)  # past both thresholds: 64 sources to parse, 400 files to render
    forked = build_forked(site, site.root / "forked")
    assert forked.returncode == 0, forked.stderr
    recorder = RecordingReporter()
    options = BuildOptions(content=site.content, output=site.root / "serial", use_cache=False)
    serial = build(options, BuildSession(options, Workers(parallel=False)), recorder)
    assert len(recorder.names("parsed")) == 450
    assert serial.stats.total > 400
    assert f"{serial.stats.total} files ({serial.stats.total} written" in forked.stdout
    assert files_of(site.root / "forked") == files_of(site.root / "serial")


@needs_two_cores
def test_a_template_error_in_a_forked_worker_is_reported_once(site: SiteDir) -> None:
    many_notes(site, 450)
    folder = site.root / "themes/default/templates"
    folder.mkdir(parents=True)
    (folder / "item.html").write_text("{% extends 'base.html' %}\n{% block main %}{{ item.title | nosuch }}{% endblock %}\n")
    output = site.root / "public"
    done = build_forked(site, output)
    assert done.returncode == 1, done.stderr
    errors = [line for line in done.stderr.splitlines() if ": error:" in line]
    assert len(errors) == 1 and "item.html:2: error:" in errors[0], done.stderr
    assert not output.exists()  # nothing was written


def running_together(count: int, tmp_path: Path, sizes: list[int] | None = None, at_once: int = 0) -> list[set[int]]:
    """Run `count` short programs through `Workers.run`; return, for each moment one started,
    the set of programs running then (read from the log they append to)."""
    log = tmp_path / "log"

    def starter(index: int) -> Callable[[], subprocess.Popen[bytes]]:
        script = f"echo start {index} >> {log}; sleep 1; echo end {index} >> {log}"
        return lambda: subprocess.Popen(["sh", "-c", script])

    ended = [index for index, _process in Workers().run([starter(i) for i in range(count)], sizes=sizes,
                                                       at_once=at_once)]
    assert sorted(ended) == list(range(count))
    running: set[int] = set()
    moments = []
    for line in log.read_text().splitlines():
        event, index = line.split()
        if event == "start":
            running.add(int(index))
            moments.append(set(running))
        else:
            running.discard(int(index))
    return moments


@needs_two_cores
def test_programs_run_one_per_core(tmp_path: Path) -> None:
    moments = running_together(2, tmp_path)
    assert moments[-1] == {0, 1}, moments  # the second started before the first ended


@needs_two_cores
def test_programs_run_side_by_side_only_while_their_sizes_fit_together(tmp_path: Path) -> None:
    """Pagefind on two large months at once would hold both in memory (search.PAGES_AT_ONCE)."""
    moments = running_together(5, tmp_path, sizes=[500, 500, 2000, 2000, 4000], at_once=3000)
    assert len(moments) == 5
    assert {0, 1} in moments, moments  # the small ones: side by side
    assert not any({2, 3} <= together for together in moments), moments  # the large ones: one after the other
    assert {4} in moments, moments  # larger than the whole allowance: alone, but it runs
    assert not any(4 in together and len(together) > 1 for together in moments), moments
