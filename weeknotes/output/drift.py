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

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from weeknotes.base.errors import Problems
from weeknotes.model.urls import path_of, site_path_of_url
from weeknotes.model.values import Site
from weeknotes.render.digest import week_id
from weeknotes.source.sources import display_path

# The site's feeds, the sections' (notes/feed.xml), and the authors' and tags' (tags/x/feed.xml).
FEED_FILE_RE = re.compile(r"feed\.xml|rss\.xml|feed\.json|[^/]+/feed\.xml|[^/]+/[^/]+/feed\.xml")
ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass(frozen=True)
class OldEntry:
    id: str
    urls: tuple[str, ...]
    """Where the entry pointed, the site's own page first when the format says which it is."""


@dataclass(frozen=True)
class OldFeed:
    base: str | None
    """The base_url it was built with, worked out from its own address; None if it has none."""
    entries: tuple[OldEntry, ...]


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
    for rel in sorted(rel for rel in existing if FEED_FILE_RE.fullmatch(rel)):
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


def find_drifts(feed: OldFeed, current: Entries, base_url: str) -> Iterator[Drift]:
    for entry in feed.entries:
        paths = site_paths(entry.urls, feed.base or base_url)
        path = next((p for p in paths if p in current.by_path), None)
        if path is not None and entry.id and entry.id not in current.ids:
            now = current.by_path[path]
            yield Drift(path, entry.id, now.id, now.source)


def site_paths(urls: Iterable[str], base: str) -> Iterator[str]:
    """The site paths of those URLs that lie under `base`, by host and path (any scheme)."""
    for url in urls:
        path = site_path_of_url(url, "", base) if url.startswith(("http://", "https://")) else None
        if path is not None:
            yield path


def warn(problems: Problems, output: Path, base_url: str, drift: Drift, feeds: list[str]) -> None:
    files = ", ".join(str(display_path(output / rel)) for rel in feeds)
    message = (f"the feed entry for {base_url}{drift.path} changes id from {drift.old} to "
               f"{drift.new} in {files}; feed readers will show it again, as a new post, "
               "to everyone subscribed")
    hint = f"to keep its old id, put `id: {drift.old}` in its front matter" if drift.source else ""
    problems.warn(drift.source or display_path(output / feeds[0]), 0, message, hint=hint)


def read_feed(path: Path, rel: str) -> OldFeed | None:
    """An earlier build's feed, or None when it cannot be read: then there is nothing to compare."""
    try:
        data = path.read_bytes()
        if rel.endswith(".json"):
            return json_feed(json.loads(data), rel)
        root = ET.fromstring(data)
        return rss_feed(root, rel) if root.tag == "rss" else atom_feed(root, rel)
    except (OSError, ValueError, ET.ParseError, AttributeError, KeyError, TypeError):
        return None


def atom_feed(root: ET.Element, rel: str) -> OldFeed:
    entries = tuple(OldEntry(e.findtext(f"{ATOM}id", "").strip(), atom_urls(e))
                    for e in root.iter(f"{ATOM}entry"))
    return OldFeed(base_of(self_link(root, f"{ATOM}link"), rel), entries)


def atom_urls(entry: ET.Element) -> tuple[str, ...]:
    """A link curation's page is its `related` link; anything else's is its `alternate`."""
    links = [(link.get("rel") or "alternate", link.get("href") or "")
             for link in entry.iter(f"{ATOM}link")]
    return tuple(href for rel, href in sorted(links, key=lambda link: link[0] != "related")
                 if rel in ("related", "alternate"))


def rss_feed(root: ET.Element, rel: str) -> OldFeed:
    entries = tuple(OldEntry(i.findtext("guid", "").strip(), (i.findtext("link", "").strip(),))
                    for i in root.iter("item"))
    return OldFeed(base_of(self_link(root, f"{ATOM}link"), rel), entries)


def self_link(root: ET.Element, tag: str) -> str | None:
    return next((link.get("href") for link in root.iter(tag) if link.get("rel") == "self"), None)


def json_feed(feed: dict[str, Any], rel: str) -> OldFeed:
    entries = tuple(OldEntry(str(i["id"]), json_urls(i)) for i in feed["items"])
    return OldFeed(base_of(feed.get("feed_url"), rel), entries)


def json_urls(item: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(item[key]) for key in ("url", "external_url") if key in item)


def base_of(self_url: str | None, rel: str) -> str | None:
    """The base_url a feed was built with, from its own URL and its path in the output.

    `https://example.org/wol/` from `https://example.org/wol/tags/x/feed.xml`, `tags/x/feed.xml`.
    """
    if not self_url or not self_url.endswith("/" + rel):
        return None
    return self_url[: -len(rel)]
