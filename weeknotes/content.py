"""Read a whole content directory into a validated `Content` value.

Order: settings and authors first (items are checked against them), then every Markdown
source, then all bodies rendered at once (from the cache, or on both cores when many are
new), then each record parsed by schema.py. Every problem is collected; nothing stops early.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from slugify import slugify

from weeknotes import schema
from weeknotes.cache import CACHE_DIR, RecordCache, RenderCache, context_key, render_key
from weeknotes.config import load_authors, load_config
from weeknotes.errors import Problems
from weeknotes.forking import fork_context, worker_count
from weeknotes.markdown import Rendered, render_markdown
from weeknotes.model import Author, Config, Content, Intro, Item, Page, StaticFile
from weeknotes.progress import Progress
from weeknotes.sources import (
    Source,
    Stamp,
    content_digest,
    display_path,
    iter_files,
    read_bytes,
    read_source,
    settled_stamp,
    stamp_of,
)
from weeknotes.urls import path_of

# Below this many new bodies, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 64


def load_content(content_dir: Path, problems: Problems, base_url: str | None = None,
                 use_cache: bool = True, cache: RenderCache | None = None,
                 records: RecordCache | None = None) -> Content | None:
    """Load and validate everything; return None when site.yaml itself is unusable.

    `cache` and `records` are in-memory caches that outlive this call (serve); without
    them the caches are read from and saved to the content directory, or not kept at all.
    """
    config = load_config(content_dir, problems, base_url)
    authors = load_authors(content_dir, problems)
    if records is None:
        records = RecordCache(content_dir / CACHE_DIR if use_cache else None)
    records.use_context(context_key(*(_bytes(content_dir / name) for name in ("site.yaml", "authors.yaml")),
                                    (base_url or "").encode(), str(Path.cwd()).encode()))
    found: list[tuple[str, object]] = []
    fresh: list[tuple[Source, Stamp | None]] = []
    for kind, kind_dir, path in source_paths(content_dir, problems):
        hit = records.get_unchanged(str(path), stamp_of(path))
        if hit is None:
            stamp = settled_stamp(path)  # before reading: a change made after it changes the stamp
            raw = read_bytes(path, problems)  # read once: the key and the parse come from the same bytes
            if raw is None:
                continue
            hit = records.get(str(path), content_digest(raw))
            if hit is None:
                source = read_source(path, kind, kind_dir, problems, raw)
                if source is not None:
                    fresh.append((source, stamp))
                continue
            if stamp is not None:  # touched, not changed: remember the new stamp
                records.put(str(path), content_digest(raw), hit[0], hit[1], stamp)
        found.append((kind, hit[0]))
        problems.warnings.extend(hit[1])  # type: ignore[arg-type]
    if config is None:
        return None
    if fresh:  # the Markdown cache is large: read it only when some file changed
        if cache is None:
            cache = RenderCache(content_dir / CACHE_DIR if use_cache else None)
        rendered = render_all([source for source, _ in fresh], config.allow_html, cache)
        cache.save(len(found) + len(fresh))
        for source, stamp in fresh:
            local = Problems()
            record = parse_record(source, rendered[_key(source, config.allow_html)], config, authors, local)
            problems.extend(local)
            if record is not None:
                found.append((source.kind, record))
                if not local.errors:
                    records.put(str(source.path), source.digest, record, list(local.warnings), stamp)
    records.save()
    items = [r for kind, r in found if kind in ("notes", "links")]
    pages = [r for kind, r in found if kind == "pages"]
    intros = [r for kind, r in found if kind == "digests"]
    check_unique(items, pages, intros, problems)
    return Content(config, authors, tuple(items), tuple(pages), tuple(intros),  # type: ignore[arg-type]
                   tuple(static_files(content_dir / "static", content_dir, problems)))


def parse_record(source: Source, body: Rendered, config: Config, authors: dict[str, Author],
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
            for path in iter_files(root, content_dir, problems, None)]


def _doc_id(source: Source) -> str:
    return slugify(f"{source.kind[0]}-{source.rel.removesuffix('.md')}") or source.kind


def _key(source: Source, allow_html: bool) -> str:
    return render_key(source.body, allow_html, _doc_id(source))


def render_all(sources: list[Source], allow_html: bool, cache: RenderCache) -> dict[str, Rendered]:
    """Render every body once: cached ones from the cache, new ones in parallel when many."""
    result: dict[str, Rendered] = {}
    missing: dict[str, tuple[str, bool, str]] = {}
    for source in sources:
        key = _key(source, allow_html)
        found = cache.get(key)
        if found is not None:
            result[key] = found
        else:
            missing[key] = (source.body, allow_html, _doc_id(source))
    for key, rendered in zip(missing, _render_many(list(missing.values())), strict=True):
        cache.put(key, rendered)
        result[key] = rendered
    return result


def _render_one(job: tuple[str, bool, str]) -> Rendered:
    return render_markdown(*job)


def _render_many(jobs: list[tuple[str, bool, str]]) -> list[Rendered]:
    workers = worker_count(len(jobs), PARALLEL_THRESHOLD)
    progress = Progress(len(jobs), "reading Markdown")
    if workers == 1:
        rendered = []
        for job in jobs:
            rendered.append(_render_one(job))
            progress.advance()
    else:
        with ProcessPoolExecutor(max_workers=workers, mp_context=fork_context()) as pool:
            rendered = []
            for result in pool.map(_render_one, jobs, chunksize=max(1, len(jobs) // (workers * 8))):
                rendered.append(result)
                progress.advance()
    progress.finish()
    return rendered


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
    first: dict[str, str] = {}
    involved: set[str] = set()
    for value, source in claims:
        if value in first:
            problems.error(source, 0, f"{what} {value} is already used by {first[value]}", hint=hint)
            involved |= {source, first[value]}
        else:
            first[value] = source
    return involved


