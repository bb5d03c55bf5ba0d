"""`weeknotes check --against DIR`: before a change is merged, no feed id that readers have
seen is taken away from a post still built, or given to another post.

A feed reader knows an entry by its id alone: a post that comes back under another id is
shown again, as new, to every subscriber (11ty/eleventy-plugin-rss#67, jekyll/jekyll-feed#207),
and a post that takes over an id readers know is taken for an update of that one. The drift
guard (drift.py) sees this only when a build replaces the one before it in the same folder;
a pull request's check has no such folder, so it is given DIR, a build of the site as
published (CI restores the last deploy's), and reads its feeds (output/published.py).

Each entry readers saw is matched to a post of this change: by its id, else by the same
authors, date and title, else by the same text, so a renamed file is still recognised. A
post that matches but carries another id is an error at its file, giving the lines that
keep the old id and address; a post that carries the id while another matches it is one
too. A title edit (same id), a new post (in no feed yet) or a deleted post is not.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import lxml.html
import yaml
from lxml import etree

from weeknotes.base.errors import Problems, UsageError
from weeknotes.model.audience import audience_of_label
from weeknotes.model.urls import ITEM_PATH_RE, path_of
from weeknotes.model.values import Audience, Item, Site
from weeknotes.output.guard import recorded_audience
from weeknotes.output.published import PublishedEntry, entries_by_id, read_feeds, site_paths
from weeknotes.render.feeds import clean, entry_html
from weeknotes.source.sources import key_line


@dataclass(frozen=True)
class Published:
    """What readers have seen of the site: the entries of DIR's feeds, by id."""

    folder: Path
    base: str | None
    """The address it was published at (from its feeds' own links), whose domain default ids carry."""
    entries: dict[str, PublishedEntry]
    audience_label: str | None
    """What DIR's marker says it was built for (`public` when it has none)."""

    def audience(self, now: datetime) -> Audience:
        return audience_of_label(self.audience_label, now)


def read_published(folder: Path) -> Published:
    """DIR's feeds; a UsageError when it is not a built site."""
    if not folder.is_dir():
        raise UsageError(f"--against {folder}: no such folder; give a build of the site as published "
                         "(e.g. the `public` folder of the last deploy)")
    feeds = read_feeds(folder)
    if not feeds:
        raise UsageError(f"--against {folder}: it holds no feed (feed.xml, rss.xml, feed.json) to compare with; "
                         "give the folder a `weeknotes build` wrote")
    base = next((feed.base for feed in feeds if feed.base), None)
    return Published(folder, base, entries_by_id(feeds), recorded_audience(folder))


def check_ids(published: Published, site: Site, problems: Problems) -> int:
    """Report every id readers know that this site would take from its post or give to another;
    return how many errors that made."""
    before = len(problems.errors)
    base = published.base or site.config.base_url
    posts = [item for item in site.items if not item.is_blog]  # a member's post keeps its blog's id
    holders = {item.id: item for item in posts}
    matcher = Matcher(posts, site)
    addresses = {path_of(item) for item in posts} | {path_of(page) for page in site.pages}
    for entry in sorted(published.entries.values(), key=lambda e: e.id):
        old_path = next(site_paths(entry.urls, base), None)
        if old_path is None or not ITEM_PATH_RE.match(old_path):
            continue  # not a post's page here: a week's digest, or a member's blog post (whose id is its blog's)
        holder = holders.get(entry.id)
        match = matcher.find(entry, text_too=holder is None)
        if match is None or match.id == entry.id:
            continue  # kept (a title edit, an edited body), or the post is gone
        old = Seen(entry, base + old_path, old_path)
        taken(problems, match, old, addresses)
        if holder is not None:
            given(problems, holder, old)
    return len(problems.errors) - before


@dataclass(frozen=True)
class Seen:
    """An entry readers have seen, and where its page was."""

    entry: PublishedEntry
    url: str
    path: str


def taken(problems: Problems, post: Item, old: Seen, addresses: set[str]) -> None:
    moved = path_of(post) != old.path
    aliases = ["/" + alias for alias in post.aliases]
    if moved and old.path.rstrip("/") and old.path not in addresses and old.path not in post.aliases:
        aliases.append("/" + old.path)  # the old address redirects here (unless a page has it now)
    lines = [f"id: {yaml_value(old.entry.id)}"]
    if len(aliases) > len(post.aliases):
        lines.append(f"aliases: [{', '.join(yaml_value(a, in_list=True) for a in aliases)}]")
    change = f"gives it the id {post.id}" + (f" and moves it to /{path_of(post)}" if moved else "")
    problems.error(post.source, key_line(post.source, "id"),
                   f"feed readers know this post by the id {old.entry.id}, at {old.url}; this change {change}, "
                   "so they would show it again, as a new post, to everyone subscribed",
                   hint="keep what readers know: put these lines in its front matter\n"
                        + "\n".join(f"    {line}" for line in lines))


def given(problems: Problems, post: Item, old: Seen) -> None:
    has_id_line = key_line(post.source, "id") > 0
    title = old.entry.title or old.url
    problems.error(post.source, key_line(post.source, "id"),
                   f"this change gives this post the feed id {old.entry.id}, which readers know as another post, "
                   f"“{title}” at {old.url}; feed readers would take this post for that one",
                   hint="give it an id of its own: " + ("delete its `id:` line, or write another" if has_id_line else
                        "its default id comes from its date and slug, so set another `slug:`, or an `id:` "
                        "(`weeknotes new` writes one)"))


class Matcher:
    """Finds the post an entry readers saw has become, without looking at ids: by its
    authors, date and title, else (`text_too`) by its text, when exactly one post matches."""

    def __init__(self, posts: list[Item], site: Site) -> None:
        self.site = site
        self.by_heading: dict[tuple[tuple[str, ...], datetime, str], list[Item]] = defaultdict(list)
        for post in posts:
            self.by_heading[heading(tuple(a.name for a in post.authors), post.date, post.title)].append(post)
        self.posts = posts
        self.texts: dict[str, list[Item]] | None = None

    def find(self, entry: PublishedEntry, text_too: bool) -> Item | None:
        if entry.published is not None:
            same = self.by_heading.get(heading(entry.authors, entry.published, entry.title), [])
            if len(same) == 1:
                return same[0]
        if not text_too:
            return None
        text = plain(entry.content) or plain(entry.summary)
        same = self.by_text().get(text, []) if text else []
        return same[0] if len(same) == 1 else None

    def by_text(self) -> dict[str, list[Item]]:
        """Each post by its whole text and by its summary (worked out once, when first needed)."""
        if self.texts is None:
            self.texts = defaultdict(list)
            for post in self.posts:
                for text in {plain(entry_html(post, self.site)), plain(clean(post.summary))} - {""}:
                    self.texts[text].append(post)
        return self.texts


def heading(authors: tuple[str, ...], date: datetime, title: str) -> tuple[tuple[str, ...], datetime, str]:
    return tuple(" ".join(a.split()) for a in authors), date, " ".join(clean(title).split())


def plain(html: str) -> str:
    """The words of some HTML (or plain text), whitespace made single: links' addresses,
    which change with base_url, are not words."""
    if not html.strip():
        return ""
    try:
        text = lxml.html.fragment_fromstring(html, create_parent="div").text_content()
    except (ValueError, etree.ParserError):
        text = html
    return " ".join(text.split())


def yaml_value(text: str, in_list: bool = False) -> str:
    """A value as it can stand in front matter (in a `[...]` list, or alone): as it is when
    YAML reads it back so, else quoted."""
    written = f"[{text}]" if in_list else text
    try:
        same = yaml.safe_load(f"key: {written}") == {"key": [text] if in_list else text}
    except yaml.YAMLError:
        same = False
    return text if same else json.dumps(text, ensure_ascii=False)
