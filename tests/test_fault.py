"""Fault tests (issue 22): a build killed with SIGKILL at any moment leaves the old site or the
new one in the output folder, file for file, right after the kill; the next build finishes
the job.

The builds here are real `weeknotes build` processes, really killed: some at random moments
of the whole build, most while the new site is being put in place (from the moment the
spare site starts to change, see weeknotes/output/spare.py, until the process would have
exited), which is where a rebuild that moved files one by one used to leave a mix.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.conftest import AUTHORS_YAML, SiteDir, note
from tests.test_incremental import snapshot
from weeknotes.output.spare import aside_of, exchange

EPOCH = "1795000000"
CACHE = ".weeknotes-cache"


def write_version(site: SiteDir, version: str) -> None:
    """Two versions of one site that differ on every page: another title, a note gone, a note
    new, a tag renamed, and the search index with them."""
    site.write("site.yaml", f"title: Circle {version}\nbase_url: https://example.org/wol/\ntimezone: UTC\n"
                            "search: {enabled: true}\n")
    site.write("authors.yaml", AUTHORS_YAML)
    for number in range(24):
        day = 1 + number % 28
        month = 9 + number % 3
        tag = "alpha" if version == "A" else "omega"
        site.write(f"notes/ana/2026-{month:02d}-{day:02d}-note-{number}.md",
                   note(f"Note {number}", date=f"2026-{month:02d}-{day:02d}", tags=f"[{tag}, common]",
                        body=f"Body {number} of version {version}."))
    gone, new = ("note-only-in-b", "note-only-in-a") if version == "A" else ("note-only-in-a", "note-only-in-b")
    (site.content / f"notes/ben/2026-11-02-{gone}.md").unlink(missing_ok=True)
    site.write(f"notes/ben/2026-11-02-{new}.md", note(f"Only in {version}", date="2026-11-02", author="ben"))


def weeknotes(*args: str | Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "weeknotes", *map(str, args)],
                            env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            cwd=Path(__file__).resolve().parent.parent)  # this checkout's weeknotes


def finish(process: subprocess.Popen[bytes]) -> None:
    _, err = process.communicate()
    assert process.returncode == 0, err.decode()


def cold_build(site: SiteDir, version: str, output: Path) -> dict[str, bytes]:
    write_version(site, version)
    finish(weeknotes("build", "--content", site.content, "--output", output, "--no-cache"))
    return snapshot(output)


Trigger = Callable[[], bool]


def putting_in_place(site: SiteDir) -> Trigger:
    """Whether a rebuild has started to change the spare site (what it holds is forgotten first)."""
    cache = site.content / CACHE
    return lambda: any(cache.glob("site-*/")) and not any(cache.glob("site-*.pickle"))


def output_changed(site: SiteDir) -> Trigger:
    """Whether any of a few pages in the output folder has been replaced: whatever the way a
    build puts the new site in place, that has begun (moving files one by one, it is the moment
    the folder holds a mix)."""
    pages = [site.output / rel for rel in ("index.html", "notes/note-0/index.html", "tags/common/index.html")]
    before = [page.stat().st_ino for page in pages]

    def changed() -> bool:
        try:
            return [page.stat().st_ino for page in pages] != before
        except OSError:
            return True

    return changed


def rebuild_killed(site: SiteDir, delay: float, trigger: Trigger) -> tuple[bool, float]:
    """Start a rebuild and SIGKILL it `delay` seconds after `trigger` first says so.

    Returns whether it was killed (not done before), and how long it ran after the trigger.
    """
    process = weeknotes("build", "--content", site.content, "--output", site.output)
    triggered = None
    while process.poll() is None:
        if triggered is None and trigger():
            triggered = time.monotonic()
        if triggered is not None and time.monotonic() - triggered >= delay:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.0005)
    process.communicate()
    span = time.monotonic() - triggered if triggered is not None else 0.0
    return process.returncode == -signal.SIGKILL, span


def test_a_rebuild_killed_at_any_moment_leaves_the_old_site_or_the_new_one(tmp_path: Path) -> None:
    site = SiteDir(tmp_path / "site")
    sites = {version: cold_build(site, version, tmp_path / f"cold-{version}") for version in "AB"}
    assert len(sites["A"]) > 100 and any(rel.startswith("pagefind/") for rel in sites["A"])
    assert all(sites["A"].get(rel) != data for rel, data in sites["B"].items() if rel.endswith(".html"))
    finish(weeknotes("build", "--content", site.content, "--output", site.output))  # B, with its cache
    write_version(site, "A")
    killed, span = rebuild_killed(site, 600.0, putting_in_place(site))  # not killed: how long putting in place takes
    assert not killed and span > 0
    assert snapshot(site.output) == sites["A"]
    current, rng, outcomes = "A", random.Random(22), []
    for attempt in range(12):
        target = "B" if current == "A" else "A"
        write_version(site, target)
        way = attempt % 4
        if way == 0:  # at once when the output folder changes
            delay, trigger = 0.0, output_changed(site)
        elif way == 3:  # anywhere in the build
            delay, trigger = rng.uniform(0, 3.0), lambda: True
        else:  # while the new site is put in place
            delay, trigger = rng.uniform(0, 1.2 * span), putting_in_place(site)
        killed, _ = rebuild_killed(site, delay, trigger)
        left = snapshot(site.output)
        assert left in (sites[current], sites[target]), f"a mix, killed {delay:.3f}s in (attempt {attempt})"
        outcomes.append((killed, "old" if left == sites[current] else "new"))
        finish(weeknotes("build", "--content", site.content, "--output", site.output))
        assert snapshot(site.output) == sites[target]
        current = target
    assert sum(killed for killed, _ in outcomes) >= 6, outcomes


def test_a_first_build_killed_leaves_no_site_or_the_whole_of_it(tmp_path: Path) -> None:
    site = SiteDir(tmp_path / "site")
    whole = cold_build(site, "A", tmp_path / "cold")
    for delay in (0.3, 0.8, 1.5, 2.5):
        process = weeknotes("build", "--content", site.content, "--output", site.output, "--no-cache")
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.communicate()
        assert not site.output.exists() or snapshot(site.output) == whole
        finish(weeknotes("build", "--content", site.content, "--output", site.output, "--no-cache"))
        assert snapshot(site.output) == whole
        shutil.rmtree(site.output)


def test_folders_are_exchanged_whole(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, text in ((first, "one"), (second, "two")):
        (folder / "deep").mkdir(parents=True)
        (folder / "deep/page.html").write_text(text)
    exchange(first, second)
    assert (first / "deep/page.html").read_text() == "two"
    assert (second / "deep/page.html").read_text() == "one"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first", "second"]


def test_a_site_left_aside_by_a_killed_fallback_exchange_is_put_back(tmp_path: Path) -> None:
    """Where the file system cannot exchange two folders in one step, the output is renamed
    aside, the new site renamed in, the old one renamed to the spare: killed after the first
    rename, the next build finds the output missing and puts the old site back first."""
    site = SiteDir(tmp_path / "site")
    old = cold_build(site, "A", tmp_path / "cold-A")
    new = cold_build(site, "B", tmp_path / "cold-B")
    write_version(site, "A")
    finish(weeknotes("build", "--content", site.content, "--output", site.output))
    write_version(site, "B")
    os.rename(site.output, aside_of(site.output))  # the first rename of the fallback, then a kill
    process = weeknotes("build", "--content", site.content, "--output", site.output)
    finish(process)
    assert snapshot(site.output) == new
    assert not aside_of(site.output).exists()
    assert old != new


def test_a_rebuild_keeps_its_spare_in_the_cache_and_nothing_beside_the_output(tmp_path: Path) -> None:
    site = SiteDir(tmp_path / "site")
    write_version(site, "A")
    finish(weeknotes("build", "--content", site.content, "--output", site.output))
    write_version(site, "B")
    finish(weeknotes("build", "--content", site.content, "--output", site.output))
    assert sorted(p.name for p in site.root.iterdir()) == ["content", "public"]
    spares = list((site.content / CACHE).glob("site-*/"))
    assert len(spares) == 1 and (spares[0] / "index.html").is_file()  # the site before last
    write_version(site, "A")
    finish(weeknotes("build", "--content", site.content, "--output", site.output, "--no-cache"))
    assert sorted(p.name for p in site.root.iterdir()) == [".public.weeknotes-spare", "content", "public"]
