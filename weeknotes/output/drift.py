"""The drift guard: warn before a rebuild makes feed readers show old posts as new.

A feed reader remembers the id of every entry it has shown (Atom `id`, RSS `guid`, JSON
Feed `id`), and an entry whose id it has not seen is a new post to it, whatever its title,
date or address. So if a post that subscribers have already read comes back under another
id (an `id:` edited by hand, a default id whose domain or slug changed) every reader shows
it again, unread, to every subscriber, and once the feed is fetched that cannot be undone.

So, before a build replaces an earlier one, this module reads the feeds the output folder
holds and warns, naming the feed files, about every entry whose page is still in this
build's feeds under a different id. An id that vanished because its item is gone (its page
is no longer built, or no longer listed) or was pushed past `feeds.limit` is fine: readers
keep what they have and are sent nothing twice. An old id still used by some item (say, a
slug renamed but its explicit `id:` kept) is fine too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from weeknotes.base.errors import Problems
from weeknotes.model.urls import path_of
from weeknotes.model.values import Site
from weeknotes.output.published import PublishedFeed, feed_files, read_feed, site_paths
from weeknotes.render.digest import week_id
from weeknotes.source.sources import display_path


@dataclass(frozen=True)
class Current:
    id: str
    source: str | None
    """The content file to fix; None for a week's digest."""


@dataclass(frozen=True, order=True)
class Drift:
    path: str
    old: str
    new: str
    source: str | None


def warn_on_feed_drift(output: Path, existing: Iterable[str], site: Site, problems: Problems,
                       unchanged: Callable[[str], bool] = lambda rel: False) -> None:
    """Warn about each entry of the feeds in `output` that this build would send under a new id.

    `existing` lists the files in `output`. A feed that is `unchanged` (to be written again
    byte for byte) cannot drift, and is not read.
    """
    current: Entries | None = None  # worked out once, when a feed needs it (most rebuilds: none)
    found: dict[Drift, list[str]] = {}
    for rel in feed_files(output, existing):
        if unchanged(rel):
            continue
        feed = read_feed(output / rel, rel)
        if feed is None:
            continue
        current = current or current_entries(site)
        for drift in find_drifts(feed, current, site.config.base_url):
            found.setdefault(drift, []).append(rel)
    for drift, feeds in sorted(found.items()):
        warn(problems, output, site.config.base_url, drift, feeds)


@dataclass(frozen=True)
class Entries:
    """Everything this build's feeds may hold."""

    by_path: dict[str, Current]
    """Site path -> the id this build gives the entry there."""
    ids: frozenset[str]
    """Every id in use."""


def current_entries(site: Site) -> Entries:
    by_path = {path_of(i): Current(i.id, i.source) for i in site.listed if not i.is_blog}  # blog posts keep the original's id
    by_path.update({path_of(w): Current(week_id(site, w), None) for w in site.weeks})
    return Entries(by_path, frozenset(c.id for c in by_path.values()))


def find_drifts(feed: PublishedFeed, current: Entries, base_url: str) -> Iterator[Drift]:
    for entry in feed.entries:
        paths = site_paths(entry.urls, feed.base or base_url)
        path = next((p for p in paths if p in current.by_path), None)
        if path is not None and entry.id and entry.id not in current.ids:
            now = current.by_path[path]
            yield Drift(path, entry.id, now.id, now.source)


def warn(problems: Problems, output: Path, base_url: str, drift: Drift, feeds: list[str]) -> None:
    files = ", ".join(str(display_path(output / rel)) for rel in feeds)
    message = (f"the feed entry for {base_url}{drift.path} changes id from {drift.old} to "
               f"{drift.new} in {files}; feed readers will show it again, as a new post, "
               "to everyone subscribed")
    hint = f"to keep its old id, put `id: {drift.old}` in its front matter" if drift.source else ""
    problems.warn(drift.source or display_path(output / feeds[0]), 0, message, hint=hint)
