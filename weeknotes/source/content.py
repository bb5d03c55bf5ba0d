"""Read a whole content directory into a validated `Content` value.

Order: settings and authors first (items are checked against them), then every Markdown
source, then all bodies rendered at once (from the cache, or on both cores when many are
new), then each record parsed by schema.py. Every problem is collected; nothing stops early.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from slugify import slugify

from weeknotes.base.errors import Problems, clashes
from weeknotes.base.reporter import Reporter
from weeknotes.base.wording import counted
from weeknotes.base.workers import Workers
from weeknotes.model.urls import path_of
from weeknotes.model.values import Author, Config, Content, Intro, Item, Page, StaticFile
from weeknotes.source import schema
from weeknotes.source.blogposts import load_blog_items
from weeknotes.source.cache import CACHE_DIR, RecordCache, RenderCache, context_key, render_key
from weeknotes.source.config import load_authors, load_config
from weeknotes.source.links_health import load_health
from weeknotes.source.markdown import Rendered, render_markdown
from weeknotes.source.sources import (
    Source,
    Stamp,
    content_digest,
    display_path,
    iter_files,
    read_bytes,
    read_source,
    settled,
    stamp_of,
)

# Below this many new bodies, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 64


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
    found: list[tuple[str, object]] = []
    fresh: list[Job] = []
    for kind, kind_dir, path in source_paths(content_dir, problems):
        stamp = stamp_of(path)  # before reading: a change made after it changes the stamp
        hit = records.get_unchanged(str(path), stamp)
        if hit is None:
            raw = read_bytes(path, problems)  # read once: the key and the parse come from the same bytes
            if raw is None:
                continue
            digest, trusted = content_digest(raw), settled(stamp, clock)
            hit = records.get(str(path), digest)
            if hit is None:
                fresh.append(Job(path, kind, kind_dir, raw, digest, trusted))
                continue
            if trusted is not None:  # touched, not changed: remember the new stamp
                records.put(str(path), digest, hit[0], hit[1], trusted)
        found.append((kind, hit[0]))
        problems.warnings.extend(hit[1])  # type: ignore[arg-type]
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


def parse_record(source: Source, body: Rendered, config: Config, authors: dict[str, Author] | None,
                 problems: Problems) -> Item | Page | Intro | None:
    if source.kind in ("notes", "links"):
        return schema.parse_item(source, body, config, authors, problems)
    if source.kind == "pages":
        return schema.parse_page(source, body, problems)
    return schema.parse_intro(source, body, authors, problems)


def source_paths(content_dir: Path, problems: Problems) -> list[tuple[str, Path, Path]]:
    return [(kind, content_dir / kind, path) for kind in ("notes", "links", "pages", "digests")
            for path in iter_files(content_dir / kind, content_dir, problems, ".md")]



def _bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def static_files(root: Path, content_dir: Path, problems: Problems) -> list[StaticFile]:
    return [StaticFile(path.relative_to(root).as_posix(), path, display_path(path))
            for path in iter_files(root, content_dir, problems, None, hidden=True)]


def _doc_id(source: Source) -> str:
    return slugify(f"{source.kind[0]}-{source.rel.removesuffix('.md')}") or source.kind


@dataclass(frozen=True)
class Job:
    """A source file the record cache could not answer for: to be read, rendered and parsed."""

    path: Path
    kind: str
    kind_dir: Path
    raw: bytes
    digest: str
    """content_digest(raw): the record cache's key for the file."""
    stamp: Stamp | None
    """Its settled stamp, if it has one (sources.settled)."""


@dataclass(frozen=True)
class Parsed:
    """What became of a Job: its record (None if unusable) and the problems found in it."""

    record: Item | Page | Intro | None
    problems: Problems
    render_key: str = ""
    rendered: Rendered | None = None
    """The body, when it had to be rendered (so the parent can keep it in the Markdown cache)."""


def parse_one(job: Job, config: Config, authors: dict[str, Author] | None, cache: RenderCache) -> Parsed:
    """Read one file's front matter, render its body (unless cached) and validate it."""
    problems = Problems()
    source = read_source(job.path, job.kind, job.kind_dir, problems, job.raw)
    if source is None:
        return Parsed(None, problems)
    doc_id = _doc_id(source)
    key = render_key(source.body, config.allow_html, doc_id)
    body = cache.get(key)
    new = None
    if body is None:
        body = new = render_markdown(source.body, config.allow_html, doc_id)
    return Parsed(parse_record(source, body, config, authors, problems), problems, key, new)


def parse_all(jobs: list[Job], config: Config, authors: dict[str, Author] | None, cache: RenderCache,
              workers: Workers, reporter: Reporter) -> list[Parsed]:
    """Parse every job, in order: on every core when there are many (YAML, Markdown and
    validation alike; the Markdown is most of the work of a cold build)."""
    parsed: list[Parsed | None] = [None] * len(jobs)
    work = partial(parse_one, config=config, authors=authors, cache=cache)
    for done, (index, result) in enumerate(workers.map(work, jobs, PARALLEL_THRESHOLD), 1):
        parsed[index] = result
        reporter.progress("reading Markdown", done, len(jobs))
    return [p for p in parsed if p is not None]


def check_unique(items: list, pages: list, intros: list, problems: Problems) -> None:  # type: ignore[type-arg]
    """Two records may not claim the same URL or the same feed id."""
    clashing = _report_duplicates([(f"/{path_of(i)}", i.source) for i in items], "URL", problems,
                                  "set a different `slug:` in one of them")
    # A clash of URLs is usually a clash of default ids too: report the cause once.
    _report_duplicates([(i.id, i.source) for i in items if i.source not in clashing], "feed id", problems,
                       "each `id:` must be unique; remove the copied one")
    _report_duplicates([(f"/{path_of(p)}", p.source) for p in pages], "URL", problems,
                       "rename one of the pages or set a different `slug:`")
    _report_duplicates([(i.week, i.source) for i in intros], "week intro", problems, "")


def _report_duplicates(claims: list[tuple[str, str]], what: str, problems: Problems, hint: str) -> set[str]:
    """Report every claim on a value already claimed; return the sources involved."""
    involved: set[str] = set()
    for value, source, first in clashes(claims):
        problems.error(source, 0, f"{what} {value} is already used by {first}", hint=hint)
        involved |= {source, first}
    return involved


