"""Snapshots -> `Item`s of kind `blogs`, for the content a build reads (offline).

Only consenting authors' snapshots are read (snapshot.consents, judged on today's
authors.yaml), so turning `aggregate` off, or `publish: none`, removes every trace on the
next build even before `weeknotes fetch` deletes the file. Which audience sees a post is
then decided like any item's: by its author's `publish` (audience.admits, in collect.py).
"""

from __future__ import annotations

import hashlib
from datetime import tzinfo
from pathlib import Path

from weeknotes.base.errors import Problems
from weeknotes.model.values import BLOGS, Author, Item
from weeknotes.source.fields import escape_url
from weeknotes.source.snapshot import BLOGS_DIR, FeedEntry, SnapshotInvalid, consents, read_snapshot, snapshot_path
from weeknotes.source.sources import display_path


def load_blog_items(content_dir: Path, authors: dict[str, Author], zone: tzinfo,
                    problems: Problems) -> tuple[Item, ...]:
    """Every stored post of every consenting author, newest first per author; dates in the site's `zone`."""
    items: list[Item] = []
    for author in sorted(authors.values(), key=lambda a: a.handle):
        path = snapshot_path(content_dir, author.handle)
        if consents(author) and path.is_file():
            items += items_of(author, path, zone, problems)
    warn_about_strays(content_dir, authors, problems)
    return tuple(items)


def items_of(author: Author, path: Path, zone: tzinfo, problems: Problems) -> list[Item]:
    display = display_path(path)
    try:
        snapshot = read_snapshot(path)
    except SnapshotInvalid as exc:
        problems.error(display, exc.line, f"blog snapshot {exc}",
                       hint="`weeknotes fetch` writes this file; delete it and run `weeknotes fetch` again")
        return []
    if snapshot.author != author.handle:
        problems.error(display, 0, f"this snapshot is of {snapshot.author!r}'s blog, not {author.handle!r}'s",
                       hint="delete it and run `weeknotes fetch` again")
        return []
    return [blog_item(author, entry, display, zone) for entry in snapshot.entries]


def blog_item(author: Author, entry: FeedEntry, source: str, zone: tzinfo) -> Item:
    # The slug only keys the item inside a build (blog posts have no page here); made from
    # the original id, so it stays put when the post's title or address changes.
    slug = f"{author.handle}-{hashlib.blake2b(entry.id.encode(), digest_size=8).hexdigest()}"
    # Shown in the site's timezone, as our own dates are (a post's day and week are counted there).
    return Item(kind=BLOGS, slug=slug, title=entry.title, date=entry.published.astimezone(zone),
                updated=entry.updated.astimezone(zone) if entry.updated else None,
                authors=(author,), tags=(), summary=entry.summary, body_html="", visibility="public",
                id=entry.id, source=source, url=escape_url(entry.url))


def warn_about_strays(content_dir: Path, authors: dict[str, Author], problems: Problems) -> None:
    """A snapshot of someone who has not consented is never shown; say so, so it is not committed."""
    folder = content_dir / BLOGS_DIR
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.json")):
        author = authors.get(path.stem)
        if author is None or not consents(author):
            problems.warn(display_path(path), 0, "not shown: its author has not consented to aggregation",
                          hint="`weeknotes fetch` deletes it; or set `aggregate: true` and a `feed:` in "
                               "authors.yaml if they agree")
