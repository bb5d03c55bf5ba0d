"""Read the feeds of a site as it was built: every entry readers may have seen, with its id,
where it pointed, and what it said (title, date, authors, text).

Both guards against old posts coming back as new read feeds through here: the drift guard
(output/drift.py), which compares a rebuild with the build it replaces, and
`weeknotes check --against DIR` (output/id_guard.py), which compares a change with the
site as published. A feed that cannot be read is skipped: there is nothing to compare.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from weeknotes.model.urls import site_path_of_url

# The site's feeds, the sections' (notes/feed.xml), and the authors' and tags' (tags/x/feed.xml).
FEED_FILE_RE = re.compile(r"feed\.xml|rss\.xml|feed\.json|[^/]+/feed\.xml|[^/]+/[^/]+/feed\.xml")
ATOM = "{http://www.w3.org/2005/Atom}"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"


@dataclass(frozen=True)
class PublishedEntry:
    """One entry of a feed as readers got it."""

    id: str
    urls: tuple[str, ...]
    """Where the entry pointed, the site's own page first when the format says which it is."""
    title: str = ""
    published: datetime | None = None
    authors: tuple[str, ...] = ()
    """The authors' names, in the order the feed gave them."""
    content: str = ""
    """The whole post as HTML, when the feed carried it (`feeds.full_content`)."""
    summary: str = ""
    """The summary as HTML."""


@dataclass(frozen=True)
class PublishedFeed:
    path: str
    """Where it is in the built site, e.g. `tags/x/feed.xml`."""
    base: str | None
    """The base_url it was built with, worked out from its own address; None if it has none."""
    entries: tuple[PublishedEntry, ...]


def feed_files(folder: Path, existing: Iterable[str] | None = None) -> list[str]:
    """The feeds among a built site's files (`existing`, else every file in `folder`), sorted."""
    if existing is None:  # feeds lie at most two folders deep: no need to walk every page
        patterns = ("feed.xml", "rss.xml", "feed.json", "*/feed.xml", "*/*/feed.xml")
        existing = (p.relative_to(folder).as_posix() for pattern in patterns for p in folder.glob(pattern))
    return sorted(rel for rel in existing if FEED_FILE_RE.fullmatch(rel))


def read_feeds(folder: Path) -> list[PublishedFeed]:
    """Every feed of a built site that can be read."""
    return [feed for rel in feed_files(folder) if (feed := read_feed(folder / rel, rel)) is not None]


def entries_by_id(feeds: Iterable[PublishedFeed]) -> dict[str, PublishedEntry]:
    """Each id once, from the first feed that has it, gaps filled in from the others (an RSS
    copy has what an Atom one left out)."""
    found: dict[str, PublishedEntry] = {}
    for feed in feeds:
        for entry in feed.entries:
            if not entry.id:
                continue
            known = found.get(entry.id)
            found[entry.id] = entry if known is None else replace(
                known, urls=known.urls or entry.urls, title=known.title or entry.title,
                published=known.published or entry.published, authors=known.authors or entry.authors,
                content=known.content or entry.content, summary=known.summary or entry.summary)
    return found


def site_paths(urls: Iterable[str], base: str) -> Iterator[str]:
    """The site paths of those URLs that lie under `base`, by host and path (any scheme)."""
    for url in urls:
        path = site_path_of_url(url, "", base) if url.startswith(("http://", "https://")) else None
        if path is not None:
            yield path


def read_feed(path: Path, rel: str) -> PublishedFeed | None:
    """A built feed, or None when it cannot be read."""
    try:
        data = path.read_bytes()
        if rel.endswith(".json"):
            return json_feed(json.loads(data), rel)
        root = ET.fromstring(data)
        return rss_feed(root, rel) if root.tag == "rss" else atom_feed(root, rel)
    except (OSError, ValueError, ET.ParseError, AttributeError, KeyError, TypeError):
        return None


def atom_feed(root: ET.Element, rel: str) -> PublishedFeed:
    entries = tuple(PublishedEntry(
        e.findtext(f"{ATOM}id", "").strip(), atom_urls(e), e.findtext(f"{ATOM}title", "").strip(),
        moment(e.findtext(f"{ATOM}published", ""), datetime.fromisoformat),
        tuple(a.findtext(f"{ATOM}name", "").strip() for a in e.findall(f"{ATOM}author")),
        e.findtext(f"{ATOM}content", ""), e.findtext(f"{ATOM}summary", ""),
    ) for e in root.iter(f"{ATOM}entry"))
    return PublishedFeed(rel, base_of(self_link(root), rel), entries)


def atom_urls(entry: ET.Element) -> tuple[str, ...]:
    """A link curation's page is its `related` link; anything else's is its `alternate`."""
    links = [(link.get("rel") or "alternate", link.get("href") or "")
             for link in entry.iter(f"{ATOM}link")]
    return tuple(href for rel, href in sorted(links, key=lambda link: link[0] != "related")
                 if rel in ("related", "alternate"))


def rss_feed(root: ET.Element, rel: str) -> PublishedFeed:
    entries = tuple(PublishedEntry(
        i.findtext("guid", "").strip(),
        (*(link.get("href") or "" for link in i.iter(f"{ATOM}link") if link.get("rel") == "related"),
         i.findtext("link", "").strip()),
        i.findtext("title", "").strip(), moment(i.findtext("pubDate", ""), parsedate_to_datetime),
        tuple(c.text.strip() for c in i.findall(DC_CREATOR) if c.text),
        i.findtext(CONTENT_ENCODED, ""), i.findtext("description", ""),
    ) for i in root.iter("item"))
    return PublishedFeed(rel, base_of(self_link(root), rel), entries)


def self_link(root: ET.Element) -> str | None:
    return next((link.get("href") for link in root.iter(f"{ATOM}link") if link.get("rel") == "self"), None)


def json_feed(feed: dict[str, Any], rel: str) -> PublishedFeed:
    entries = tuple(PublishedEntry(
        str(i["id"]), tuple(str(i[key]) for key in ("url", "external_url") if key in i), str(i.get("title", "")),
        moment(str(i.get("date_published", "")), datetime.fromisoformat),
        tuple(str(a.get("name", "")) for a in i.get("authors", ()) if isinstance(a, dict)),
        str(i.get("content_html", "")), str(i.get("summary", "")),
    ) for i in feed["items"])
    return PublishedFeed(rel, base_of(feed.get("feed_url"), rel), entries)


def moment(text: str, parse: Any) -> datetime | None:
    """A feed's date, or None when it has none that reads as one."""
    try:
        value = parse(text.strip()) if text and text.strip() else None
    except (ValueError, TypeError, IndexError):
        return None
    return value if isinstance(value, datetime) and value.tzinfo is not None else None


def base_of(self_url: str | None, rel: str) -> str | None:
    """The base_url a feed was built with, from its own URL and its path in the output.

    `https://example.org/wol/` from `https://example.org/wol/tags/x/feed.xml`, `tags/x/feed.xml`.
    """
    if not self_url or not self_url.endswith("/" + rel):
        return None
    return self_url[: -len(rel)]
