"""Write one corpus as a site for each tool: weeknotes, Hugo, Pelican and Eleventy.

Every writer takes the same abstract items from `corpus.generate_items()`, copies the
tool's fixed templates and configuration from `benchmarks/anchors/<tool>/`, and writes
one source file per item. All tools then publish the same URLs: `/notes/SLUG/`,
`/links/SLUG/`, `/tags/TAG/`, `/authors/HANDLE/`, `/page/N/` and `/feed.xml`.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import corpus
from corpus import Item, write_file, yaml_str

ANCHORS = Path(__file__).resolve().parent / "anchors"


@dataclass(frozen=True)
class SiteLayout:
    """Where a tool's site lives: its root, content and output dirs, and item files."""

    tool: str
    root: Path
    content: Path  # the directory holding the items (what a build reads)
    output: Path  # what a build writes
    caches: tuple[Path, ...]  # deleted before a cold build (with the output)
    item_path: Callable[[Item], str]  # an item's file, relative to `content`
    item_text: Callable[[Item], str]  # that file's text

    def source(self, item: Item) -> Path:
        return self.content / self.item_path(item)

    def write_item(self, item: Item) -> None:
        write_file(self.source(item), self.item_text(item))

    def output_page(self, item: Item) -> Path:
        return self.output / item.section / item.slug / "index.html"


def url_path(item: Item) -> str:
    """The item's page, the same in every tool."""
    return f"/{item.section}/{item.slug}/"


def _fresh(root: Path, tool: str) -> None:
    if root.exists():
        shutil.rmtree(root)
    anchor = ANCHORS / tool
    if anchor.is_dir():
        shutil.copytree(anchor, root)
    else:
        root.mkdir(parents=True)


def _write_all(layout: SiteLayout, items: Sequence[Item]) -> SiteLayout:
    for item in items:
        layout.write_item(item)
    return layout


# --- weeknotes ---------------------------------------------------------------------------


def weeknotes_layout(root: Path) -> SiteLayout:
    content = root / "content"
    return SiteLayout(
        "weeknotes",
        root,
        content,
        root / "public",
        (content / ".weeknotes-cache",),
        corpus.weeknotes_path,
        corpus.weeknotes_text,
    )


def write_weeknotes(items: Sequence[Item], root: Path) -> SiteLayout:
    """The default `site.yaml` a user gets: search on."""
    _fresh(root, "weeknotes")
    layout = weeknotes_layout(root)
    corpus.write_weeknotes(items, layout.content, search=True)
    return layout


def write_weeknotes_nosearch(items: Sequence[Item], root: Path) -> SiteLayout:
    _fresh(root, "weeknotes")
    layout = weeknotes_layout(root)
    corpus.write_weeknotes(items, layout.content, search=False)
    return layout


# --- Hugo --------------------------------------------------------------------------------


def hugo_path(item: Item) -> str:
    return f"{item.section}/{item.slug}/index.md"


def hugo_text(item: Item) -> str:
    lines = [
        "---",
        f"title: {yaml_str(item.title)}",
        f"date: {item.date:%Y-%m-%dT%H:%M:%SZ}",
        f"authors: [{item.author}]",
        f"tags: [{', '.join(item.tags)}]",
    ]
    if item.url:
        lines.append(f"bookmark: {item.url}")
    return "\n".join(lines) + "\n---\n\n" + item.body


def hugo_layout(root: Path) -> SiteLayout:
    return SiteLayout(
        "hugo",
        root,
        root / "content",
        root / "public",
        (root / "resources", root / ".hugo_build.lock", root / "cache"),
        hugo_path,
        hugo_text,
    )


def write_hugo(items: Sequence[Item], root: Path) -> SiteLayout:
    _fresh(root, "hugo")
    layout = hugo_layout(root)
    for author in corpus.generate_authors():
        text = f"---\ntitle: {yaml_str(author.name)}\n---\n"
        write_file(layout.content / "authors" / author.handle / "_index.md", text)
    return _write_all(layout, items)


# --- Pelican -----------------------------------------------------------------------------


@cache
def _names() -> dict[str, str]:
    return {author.handle: author.name for author in corpus.generate_authors()}


def pelican_path(item: Item) -> str:
    return f"{item.section}/{item.slug}.md"


def pelican_text(item: Item) -> str:
    # Pelican slugifies the author's name: "Ada Abara" -> ada-abara, which is the handle.
    lines = [
        f"Title: {item.title}",
        f"Date: {item.date:%Y-%m-%d %H:%M}",
        f"Author: {_names()[item.author]}",
        f"Tags: {', '.join(item.tags)}",
        f"Slug: {item.slug}",
        f"Category: {item.section}",
    ]
    if item.url:
        lines.append(f"Bookmark: {item.url}")
    return "\n".join(lines) + "\n\n" + item.body


def pelican_layout(root: Path) -> SiteLayout:
    return SiteLayout(
        "pelican",
        root,
        root / "content",
        root / "output",
        (root / "cache", root / "__pycache__"),
        pelican_path,
        pelican_text,
    )


def write_pelican(items: Sequence[Item], root: Path) -> SiteLayout:
    _fresh(root, "pelican")
    return _write_all(pelican_layout(root), items)


# --- Eleventy ----------------------------------------------------------------------------


def eleventy_path(item: Item) -> str:
    return f"{item.section}/{item.slug}.md"


def eleventy_text(item: Item) -> str:
    lines = [
        "---",
        f"title: {yaml_str(item.title)}",
        f"date: {item.date:%Y-%m-%dT%H:%M:%SZ}",
        f"author: {item.author}",
        f"tags: [{', '.join(item.tags)}]",
        "layout: item.njk",
        f"permalink: {url_path(item)}",
    ]
    if item.url:
        lines.append(f"bookmark: {item.url}")
    return "\n".join(lines) + "\n---\n\n" + item.body


def eleventy_layout(root: Path) -> SiteLayout:
    return SiteLayout(
        "eleventy",
        root,
        root,
        root / "_site",
        (root / ".cache",),
        eleventy_path,
        eleventy_text,
    )


def write_eleventy(items: Sequence[Item], root: Path) -> SiteLayout:
    _fresh(root, "eleventy")
    authors = {a.handle: {"name": a.name} for a in corpus.generate_authors()}
    write_file(root / "_data" / "authors.json", json.dumps(authors, indent=1) + "\n")
    return _write_all(eleventy_layout(root), items)


WRITERS: dict[str, Callable[[Sequence[Item], Path], SiteLayout]] = {
    "weeknotes": write_weeknotes,
    "weeknotes-nosearch": write_weeknotes_nosearch,
    "hugo": write_hugo,
    "hugo-pagefind": write_hugo,
    "pelican": write_pelican,
    "eleventy": write_eleventy,
}
