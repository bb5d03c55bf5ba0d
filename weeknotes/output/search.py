"""The static search index (Pagefind), in bundles that the search page merges in the browser.

Only pages marked `data-pagefind-body` (listed items and pages) are indexed, and every
bundle is made from this build's own pages, so it can hold nothing the build does not show.

The index is split by month: listed items of one month (by their date) are one bundle,
`pagefind/YYYY-MM/`, and standalone pages another, `pagefind/pages/`. The newest month,
where most edits happen, is split further into weeks of its days (`YYYY-MM-1` for days 1-7,
... `YYYY-MM-5`), so an edit there re-indexes a few dozen pages, not a month's; once an item
of a later month appears, they are merged into one month bundle (a log-structured store's
compaction, done once a month). A bundle is a full
Pagefind index; `pagefind/bundles.json` lists them, and the search page opens the first
and merges the others (Pagefind's `mergeIndex`), so one query searches them all. Why:

- an edit re-indexes one month, not the whole site (issue 13: a one-note edit re-indexed
  all 10,000 pages);
- a Pagefind process holds one bundle in memory, and processes run side by side only
  while their pages together stay under PAGES_AT_ONCE, so peak memory follows the busiest
  month, not the size of the whole site.

Which bundle a page is in, and what a bundle holds, depends only on the pages this build
writes (a digest of their paths and of what Pagefind reads of them, kept in `bundles.json`),
so a site reached by many rebuilds has the very index a cold build would make. A build
makes the index inside the new site before that is put in place (staging.py), so the site
and its index change together, in one step.

Pagefind is run from here only (`build` and `serve` both call `update_index`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from weeknotes.base.errors import WeeknotesError
from weeknotes.base.files import write_atomically
from weeknotes.base.workers import Workers
from weeknotes.model import urls
from weeknotes.model.values import Item, Site
from weeknotes.output.staging import StagedSite
from weeknotes.source.cache import distribution_key, installed_versions

STATE = "bundles.json"
PAGES_BUNDLE = "pages"
# Pagefind's UI files are the same in every bundle: they are kept once, beside the bundles.
UI_PREFIXES = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")
HINT = "install it with `pip install 'pagefind[extended]'`, or set `search: {enabled: false}` in site.yaml"


@dataclass(frozen=True)
class Bundle:
    """One piece of the index: the searchable pages of one month (or the standalone pages)."""

    key: str
    """Its folder under the index, e.g. `2026-10`, `2026-11-3` (days 15-21 of the newest month) or `pages`."""
    pages: tuple[str, ...]
    """The output files it indexes (`notes/slug/index.html`), sorted."""
    digest: str
    """Of the pages' paths, what Pagefind reads of them, and its version: equal digests, equal bundles."""


Cancelled = Callable[[], bool]


def never() -> bool:
    return False


def month_of(item: Item) -> str:
    return "%04d-%02d" % (item.date.year, item.date.month)  # noqa: UP031 (as `%Y-%m`, without strftime's cost)


def bundle_key(month: str, item: Item, newest_month: str) -> str:
    return month if month != newest_month else f"{month}-{(item.date.day - 1) // 7 + 1}"


def plan_bundles(site: Site, digests: Mapping[str, str]) -> list[Bundle]:
    """The bundles of the pages this build shows; `digests` maps each output file to its bytes' hash."""
    if not site.searchable:
        return []
    members: dict[str, list[str]] = {}
    items = [(month_of(item), item) for item in site.listed if not item.is_blog]  # a blog post's page is on its own site
    newest_month = max((month for month, _item in items), default="")
    for month, item in items:
        members.setdefault(bundle_key(month, item, newest_month), []).append(urls.file_of(urls.path_of(item)))
    for page in site.listed_pages:
        members.setdefault(PAGES_BUNDLE, []).append(urls.file_of(urls.path_of(page)))
    version = pagefind_version()
    bundles = []
    for key, pages in sorted(members.items()):
        pages.sort()
        # what Pagefind reads of each page (staging.digest_of, after its `+`)
        listed = "".join(f"{rel}\0{digests[rel].rpartition('+')[2]}\n" for rel in pages)
        digest = hashlib.blake2b(f"pagefind {version}\n{listed}".encode(), digest_size=16)
        bundles.append(Bundle(key, tuple(pages), digest.hexdigest()))
    return bundles


def pagefind_version() -> str:
    return installed_versions().get(distribution_key("pagefind"), "unknown")


class StagedIndex:
    """The index of a site being written by `build`, made inside the new site before that is
    put in place (staging.py), so the two are swapped in together: an index never describes
    pages that are not there, nor misses pages that are (serve indexes its own way, after
    the page)."""

    def __init__(self, site: Site, staged: StagedSite) -> None:
        self.bundles = plan_bundles(site, {rel: change.digest for rel, change in staged.changes.items()})

    def made_in(self, site_dir: Path) -> bool:
        return is_made(site_dir / urls.PAGEFIND_DIR, self.bundles)

    def keeps(self, index: Path) -> Callable[[str], bool]:
        """The list and the UI files, and the bundles that describe the same pages."""
        wanted = {bundle.key: bundle.digest for bundle in self.bundles}
        kept = {key for key, digest in read_state(index).items() if wanted.get(key) == digest}
        return lambda rel: "/" not in rel or rel.partition("/")[0] in kept

    def make_in(self, site_dir: Path) -> None:
        update_index(site_dir, site_dir / urls.PAGEFIND_DIR, self.bundles)


# --- the index on disk -------------------------------------------------------------------


def read_state(index: Path) -> dict[str, str]:
    """The bundles present in `index`: key -> digest (a listed bundle whose folder is gone is not)."""
    return {key: digest for key, digest in read_list(index).items() if (index / key).is_dir()}


def read_list(index: Path) -> dict[str, str]:
    """The bundles `index` lists: key -> digest."""
    try:
        raw = json.loads((index / STATE).read_text("utf-8"))
        return {str(entry["key"]): str(entry["digest"]) for entry in raw["bundles"]}
    except (OSError, ValueError, TypeError, KeyError):
        return {}


def write_state(index: Path, state: Mapping[str, str]) -> None:
    """List the bundles (newest month first, the standalone pages last), replacing the list atomically."""
    keys = sorted((k for k in state if k != PAGES_BUNDLE), reverse=True) + [k for k in state if k == PAGES_BUNDLE]
    text = json.dumps({"bundles": [{"key": key, "digest": state[key]} for key in keys]}, indent=1) + "\n"
    write_atomically(index / STATE, text.encode("utf-8"))


def is_made(index: Path, bundles: list[Bundle]) -> bool:
    """Whether `index` holds exactly `bundles` and nothing else, as `update_index` leaves it."""
    if not bundles:
        return not index.exists()
    if read_state(index) != {bundle.key: bundle.digest for bundle in bundles}:
        return False
    try:
        names = set(os.listdir(index))
    except OSError:
        return False
    listed = {bundle.key for bundle in bundles} | {STATE}
    return "pagefind-ui.js" in names and all(name in listed or name.startswith(UI_PREFIXES) for name in names)


def drop_stale(index: Path, bundles: list[Bundle], cancelled: Cancelled = never) -> None:
    """Remove every bundle (and anything else in `index`) that does not describe these pages.

    Called before the pages change: the list is rewritten first, so a browser is never sent
    to a bundle that is being removed. If `cancelled` says so, unlisted leftovers may stay
    (serve: a new change is waiting); the next call removes them.
    """
    if not bundles:
        shutil.rmtree(index, ignore_errors=True)
        return
    wanted = {bundle.key: bundle.digest for bundle in bundles}
    state = read_state(index)
    kept = {key: digest for key, digest in state.items() if wanted.get(key) == digest}
    if not index.is_dir():
        return
    if kept != read_list(index) or not (index / STATE).is_file():  # a bundle gone, or its folder
        write_state(index, kept)
    with os.scandir(index) as entries:
        for entry in entries:
            if cancelled():
                return
            if entry.name not in kept and entry.name != STATE and not entry.name.startswith(UI_PREFIXES):
                remove(Path(entry.path))


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def update_index(site_dir: Path, index: Path, bundles: list[Bundle], cancelled: Cancelled = never) -> bool:
    """Make `index` hold exactly `bundles`, indexing only those missing or out of date.

    Returns False if `cancelled` said to stop first (what was finished is kept and listed).
    Raises WeeknotesError if Pagefind fails.
    """
    drop_stale(index, bundles, cancelled)
    if not bundles or cancelled():
        return not bundles
    state = read_state(index)
    todo = [bundle for bundle in bundles if state.get(bundle.key) != bundle.digest]
    if not todo and not (index / "pagefind-ui.js").is_file():
        todo = bundles[:1]  # the UI files come with any bundle
    if not todo:
        return True
    index.mkdir(parents=True, exist_ok=True)
    # Inside the index, so a killed build's leftovers are removed by the next drop_stale.
    work = Path(tempfile.mkdtemp(prefix=".work-", dir=index))
    made: list[Bundle] = []
    try:
        made = run_pagefind(site_dir, work, todo, cancelled)
        for bundle in made:
            place_bundle(work / bundle.key / "out", index, bundle.key, work / f"{bundle.key}.old")
            state[bundle.key] = bundle.digest
        write_state(index, state)
    finally:
        # Removing thousands of small files takes seconds on a busy disk: when a change is
        # waiting (serve), leave them for the next drop_stale, after the next page is served.
        if len(made) == len(todo) or not cancelled():
            shutil.rmtree(work, ignore_errors=True)
    return len(made) == len(todo)


def place_bundle(made: Path, index: Path, key: str, trash: Path) -> None:
    """Move a new bundle into the index (the old one to `trash`); its UI files go beside the bundles."""
    with os.scandir(made) as entries:
        for entry in entries:
            if entry.name.startswith(UI_PREFIXES):
                os.replace(entry.path, index / entry.name)
    target = index / key
    if target.exists():
        os.rename(target, trash)
    os.rename(made, target)


# --- running Pagefind ----------------------------------------------------------------------


def pagefind_command() -> list[str]:
    """The Pagefind binary itself: `python -m pagefind` costs a Python start per bundle."""
    try:
        from pagefind.service import _must_get_executable  # private, so fall back below

        return [str(_must_get_executable())]
    except Exception:  # not installed, or the package changed
        return [sys.executable, "-m", "pagefind"]


COPY_AT_MOST = 120
"""Bundles of up to this many pages are indexed from copies (see `start`): the newest weeks'."""


def copy_pages(site_dir: Path, folder: Path, pages: tuple[str, ...]) -> None:
    for page in pages:
        target = folder / page
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(site_dir / page, target)


GLOB_SPECIAL = re.compile(r"([*?\[\]{}<>,:\\!()$])")
"""The characters Pagefind's globs give a meaning to; escaping any other is an error to it."""


def glob_of(pages: tuple[str, ...]) -> str:
    """A Pagefind glob matching exactly these files of the site (glob characters escaped)."""
    return "{" + ",".join(GLOB_SPECIAL.sub(r"\\\1", page) for page in pages) + "}"


PAGES_AT_ONCE = 6000
"""How many pages the Pagefind processes running together may index. Pagefind holds about
300 KB per page until it is done (855 MB for a month of 2,881 pages at 100,000 items), so
memory would otherwise grow with the busiest months times the cores. Two such months still
run at once (1.7 GB, less than the render workers hold at that size, and one at a time
doubled the indexing time); a site with larger months indexes them one at a time."""


def run_pagefind(site_dir: Path, work: Path, todo: list[Bundle], cancelled: Cancelled) -> list[Bundle]:
    """Index each bundle into `work/KEY/out`, as many at once as there are cores and
    PAGES_AT_ONCE allows (through the one runner of other programs, base/workers.py); return
    those made."""
    command = pagefind_command()
    logs: dict[int, IO[bytes]] = {}

    def starter(index: int) -> Callable[[], subprocess.Popen[bytes]]:
        def start_one() -> subprocess.Popen[bytes]:
            process, logs[index] = start(site_dir, work, todo[index], command)
            return process
        return start_one

    done: list[Bundle] = []
    try:
        starts, sizes = [starter(i) for i in range(len(todo))], [len(bundle.pages) for bundle in todo]
        for index, process in Workers().run(starts, cancelled, sizes, PAGES_AT_ONCE):
            finish(todo[index], process, logs.pop(index))
            done.append(todo[index])
    finally:
        for log in logs.values():  # of programs killed when cancelled or when one failed
            log.close()
    return done


def start(site_dir: Path, work: Path, bundle: Bundle, command: list[str]) -> tuple[subprocess.Popen[bytes], IO[bytes]]:
    """Start Pagefind on one bundle's pages, in a folder of its own under `work`.

    A small bundle's pages are copied into that folder for Pagefind to read; a large one's
    are named by a glob over the site itself, which costs Pagefind a walk of the whole site
    (0.17 s at 10,000 items) but no copies. Never hard links: a link changes a page's ctime,
    and with it the stamp the next build checks the page by (staging.py).
    """
    folder = work / bundle.key
    folder.mkdir()
    if len(bundle.pages) <= COPY_AT_MOST:
        copy_pages(site_dir, folder / "site", bundle.pages)
        site = (folder / "site").resolve()  # Pagefind runs in `folder`
    else:
        # In Pagefind's configuration file, read from its working folder: a month's glob can
        # be longer than one command-line argument may be (128 KiB on Linux).
        (folder / "pagefind.json").write_text(json.dumps({"glob": glob_of(bundle.pages)}), "utf-8")
        site = site_dir.resolve()
    log = tempfile.NamedTemporaryFile()  # noqa: SIM115 (closed by finish, or when killed)
    try:
        process = subprocess.Popen([*command, "--site", str(site), "--output-path", "out", "--silent"],
                                   cwd=folder, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
    except OSError as exc:
        log.close()
        raise WeeknotesError(f"search index: could not run Pagefind: {exc}\n  hint: {HINT}") from exc
    return process, log


def finish(bundle: Bundle, process: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    with log:
        if process.returncode == 0:
            return
        log.seek(0)
        lines = log.read().decode("utf-8", "replace").strip().splitlines()
    detail = lines[-1] if lines else f"exit {process.returncode}"
    raise WeeknotesError(f"search index: Pagefind failed on {bundle.key}: {detail}\n  hint: {HINT}")
