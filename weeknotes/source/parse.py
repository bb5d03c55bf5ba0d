"""Parse source files the record cache could not answer for: read each one's front matter,
render its body (unless the Markdown cache has it) and validate it into a record, on every
core when there are many."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from slugify import slugify

from weeknotes.base.errors import Problems
from weeknotes.base.reporter import Reporter
from weeknotes.base.workers import Workers
from weeknotes.model.settings import Config
from weeknotes.model.values import Author, Intro, Item, Page
from weeknotes.source import schema
from weeknotes.source.cache import Job, RenderCache, render_key
from weeknotes.source.markdown import Rendered, render_markdown
from weeknotes.source.sources import Source, read_source

# Below this many new bodies, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 64


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
    doc_id = doc_id_of(source)
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


def parse_record(source: Source, body: Rendered, config: Config, authors: dict[str, Author] | None,
                 problems: Problems) -> Item | Page | Intro | None:
    if source.kind in ("notes", "links"):
        return schema.parse_item(source, body, config, authors, problems)
    if source.kind == "pages":
        return schema.parse_page(source, body, config, problems)
    return schema.parse_intro(source, body, config, authors, problems)


def doc_id_of(source: Source) -> str:
    return slugify(f"{source.kind[0]}-{source.rel.removesuffix('.md')}") or source.kind
