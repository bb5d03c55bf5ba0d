"""Read a whole content directory into a validated `Content` value.

Order: settings and authors first (items are checked against them), then every Markdown
source, then all bodies rendered at once (from the cache, or on both cores when many are
new), then each record parsed by schema.py. Every problem is collected; nothing stops early.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from weeknotes.base.errors import Problems, clashes
from weeknotes.base.reporter import Reporter
from weeknotes.base.wording import counted
from weeknotes.base.workers import Workers
from weeknotes.model.urls import path_of
from weeknotes.model.values import Content, Item, Page, StaticFile
from weeknotes.source.blogposts import load_blog_items
from weeknotes.source.cache import CACHE_DIR, RecordCache, RenderCache, context_key
from weeknotes.source.config import load_authors, load_config
from weeknotes.source.layout import iter_files, source_paths
from weeknotes.source.links_health import load_health
from weeknotes.source.parse import parse_all
from weeknotes.source.sources import display_path, key_line, read_source


def load_content(content_dir: Path, problems: Problems, base_url: str | None = None,
                 use_cache: bool = True, cache: RenderCache | None = None,
                 records: RecordCache | None = None, workers: Workers | None = None,
                 reporter: Reporter | None = None, clock: Callable[[], int] = time.time_ns) -> Content | None:
    """Load and validate everything; return None when site.yaml itself is unusable.

    `cache` and `records` are in-memory caches that outlive this call (serve); without
    them the caches are read from and saved to the content directory, or not kept at all.
    `clock` tells when a file's stamp may be trusted (sources.settled).
    """
    config = load_config(content_dir, problems, base_url)
    authors = load_authors(content_dir, problems)
    if records is None:
        records = RecordCache(content_dir / CACHE_DIR if use_cache else None)
    records.use_context(context_key(*(_bytes(content_dir / name) for name in ("site.yaml", "authors.yaml")),
                                    (base_url or "").encode(), str(Path.cwd()).encode()))
    found, fresh = records.sort_out(source_paths(content_dir, problems), problems, clock)
    if config is None:
        for job in fresh:  # still report what is wrong in them
            read_source(job.path, job.kind, job.kind_dir, problems, job.raw)
        note_skipped(content_dir / "site.yaml", "", len(fresh) + len(found), problems)
        return None
    if authors is None:
        note_skipped(content_dir / "authors.yaml", "the authors in ", len(fresh) + len(found), problems)
    if fresh:  # the Markdown cache is large: read it only when some file changed
        if cache is None:
            cache = RenderCache(content_dir / CACHE_DIR if use_cache else None)
        reporter = reporter or Reporter()
        parsed_all = parse_all(fresh, config, authors, cache, workers or Workers(), reporter)
        for job, parsed in zip(fresh, parsed_all, strict=True):
            problems.extend(parsed.problems)
            if parsed.rendered is not None:
                reporter.parsed(display_path(job.path))
                cache.put(parsed.render_key, parsed.rendered)
            elif parsed.render_key:
                cache.mark_used(parsed.render_key)
            if parsed.record is not None:
                found.append((job.kind, parsed.record))
                if not parsed.problems.errors:
                    records.put(str(job.path), job.digest, parsed.record, list(parsed.problems.warnings), job.stamp)
        cache.save(len(found))
    records.save()
    items = [r for kind, r in found if kind in ("notes", "links")]
    pages = [r for kind, r in found if kind == "pages"]
    intros = [r for kind, r in found if kind == "digests"]
    check_unique(items, pages, intros, problems)
    items += load_blog_items(content_dir, authors or {}, config.timezone, problems)  # no page here, so no URL to clash
    return Content(config, authors or {}, tuple(items), tuple(pages), tuple(intros),  # type: ignore[arg-type]
                   tuple(static_files(content_dir / "static", content_dir, problems)),
                   link_health=load_health(content_dir, problems))


def note_skipped(path: Path, what: str, count: int, problems: Problems) -> None:
    """One line for everything not checked because `path` could not be read, instead of a
    false error in each file that depends on it (#12: one tab, 80 "unknown author" errors)."""
    display = display_path(path)
    line = min((p.line for p in problems.errors if p.path == display), default=0)
    if count:
        problems.note(display, line, f"skipped checking {what}{counted(count, 'Markdown file')} "
                                     f"until {path.name} can be read")


def _bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def static_files(root: Path, content_dir: Path, problems: Problems) -> list[StaticFile]:
    return [StaticFile(path.relative_to(root).as_posix(), path, display_path(path))
            for path in iter_files(root, content_dir, problems, None, hidden=True)]


def check_unique(items: list, pages: list, intros: list, problems: Problems) -> None:  # type: ignore[type-arg]
    """Two records may not claim the same URL or the same feed id: the newer one is in the
    wrong (an older post may already be read and linked to), named with the one it clashes with."""
    # Sorting the items to tell the newer of two apart was a tenth of serve's path from save to
    # page at 10,000 items: done only once two of them do clash.
    if any(clashes((path_of(i), i.source) for i in items)) or any(clashes((i.id, i.source) for i in items)):
        items = sorted(items, key=lambda i: (i.date, i.source))
        clashing = _report_duplicates([(f"/{path_of(i)}", i.source) for i in items], "URL", problems,
                                      "set a different `slug:` in one of them")
        # A clash of URLs is usually a clash of default ids too: report the cause once.
        _report_duplicates([(i.id, i.source) for i in items if i.source not in clashing], "feed id", problems,
                           "each `id:` must be unique; remove the copied one")
    _report_duplicates([(f"/{path_of(p)}", p.source) for p in pages], "URL", problems,
                       "rename one of the pages or set a different `slug:`")
    _report_duplicates([(i.week, i.source) for i in intros], "week intro", problems, "")
    check_aliases(items, pages, problems)


def check_aliases(items: list[Item], pages: list[Page], problems: Problems) -> None:
    """An old address (`aliases:`) redirects to one post, and never takes a page's place,
    whichever build that page is in (`plan.py` checks the pages weeknotes makes itself)."""
    if not any(item.aliases for item in items):
        return
    records: list[Item | Page] = [*items, *pages]
    addresses = {f"/{path_of(record)}": record.source for record in records}
    for item in items:
        for alias in item.aliases:
            owner = addresses.get(f"/{alias}")
            if owner == item.source:
                problems.error(item.source, key_line(item.source, "aliases"), f"alias /{alias} is this post's own "
                               "address", hint="remove it from `aliases:`: an alias is an address the post had before")
            elif owner is not None:
                problems.error(item.source, key_line(item.source, "aliases"), f"alias /{alias} is the address of "
                               f"{owner}: a redirect there would take that page's place",
                               hint="remove it from `aliases:`")
    for alias, source, first in clashes((f"/{a}", i.source) for i in items for a in i.aliases):
        problems.error(source, key_line(source, "aliases"), f"alias {alias} is already an alias of {first}",
                       hint="an old address can redirect to one post only: remove it from one of them")


def _report_duplicates(claims: list[tuple[str, str]], what: str, problems: Problems, hint: str) -> set[str]:
    """Report every claim on a value already claimed; return the sources involved."""
    involved: set[str] = set()
    for value, source, first in clashes(claims):
        problems.error(source, 0, f"{what} {value} is already used by {first}", hint=hint)
        involved |= {source, first}
    return involved


