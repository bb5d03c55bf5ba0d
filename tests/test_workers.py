"""Forked workers give what serial work gives: the same results, the same errors, the same site."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import SiteDir, note
from weeknotes.build import BuildOptions, build
from weeknotes.errors import ContentErrors, Problems
from weeknotes.report import RecordingReporter
from weeknotes.workers import Workers

needs_two_cores = pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="forking needs two cores to be chosen")


def square_or_fail(number: int) -> int:
    if number in (7, 8):  # two jobs, so on two different children
        problems = Problems()
        problems.error(f"job{number}.md", number, "cannot do this one")
        raise ContentErrors(problems.errors)
    return number * number


@needs_two_cores
def test_forked_results_are_the_serial_ones() -> None:
    parallel = Workers()
    assert parallel.count(100, threshold=10) > 1, "this test must fork"
    jobs = list(range(100))
    forked = dict(parallel.map(lambda n: (n, os.getpid()), jobs, threshold=10))
    assert sorted(forked) == jobs
    assert all(value[0] == index for index, value in forked.items())
    assert os.getpid() not in {pid for _, pid in forked.values()}  # done in children
    serial = dict(Workers(parallel=False).map(lambda n: (n, os.getpid()), jobs, threshold=10))
    assert {pid for _, pid in serial.values()} == {os.getpid()}


@needs_two_cores
def test_errors_from_several_children_are_raised_together() -> None:
    with pytest.raises(ContentErrors) as caught:
        list(Workers().map(square_or_fail, list(range(40)), threshold=1))
    assert [(p.path, p.line) for p in caught.value.problems] == [("job7.md", 7), ("job8.md", 8)]


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


@needs_two_cores
def test_a_site_built_on_forked_workers_equals_one_built_serially(site: SiteDir,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    many_notes(site, 450)  # past both thresholds: 64 sources to parse, 400 files to render
    results = {}
    for name, workers in (("forked", Workers()), ("serial", Workers(parallel=False))):
        recorder = RecordingReporter()
        options = BuildOptions(content=site.content, output=site.root / name, use_cache=False)
        results[name] = build(options, reporter=recorder, workers=workers)
        assert len(recorder.names("parsed")) == 450
        assert sorted(recorder.names("rendered")) == sorted(files_of(site.root / name).keys() - {".weeknotes-build"})
    assert results["forked"].stats.total > 400
    assert files_of(site.root / "forked") == files_of(site.root / "serial")


@needs_two_cores
def test_a_template_error_in_a_forked_worker_names_the_template(site: SiteDir) -> None:
    many_notes(site, 450)
    folder = site.root / "themes/default/templates"
    folder.mkdir(parents=True)
    (folder / "item.html").write_text("{% extends 'base.html' %}\n{% block main %}{{ item.title | nosuch }}{% endblock %}\n")
    output = site.root / "public"
    with pytest.raises(ContentErrors) as caught:
        build(BuildOptions(content=site.content, output=output, use_cache=False), workers=Workers())
    assert [(Path(p.path).name, p.line) for p in caught.value.problems] == [("item.html", 2)]  # once
    assert not output.exists()  # nothing was written
