"""Atom, RSS 2.0 and JSON Feed 1.1, straight from the model.

A table of (path, title, items) and one loop make every feed; each entry's id is the
item's stable id (DESIGN.md), and a feed's `updated` is its newest entry's, never the
build clock, so the same input gives the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator

from weeknotes import __version__, urls
from weeknotes.fields import CONTROL_RE
from weeknotes.model import Author, Item, Site
from weeknotes.plan import Output
from weeknotes.urls import Linker, path_of, rebase_html

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class FeedSpec:
    path: str
    title: str
    items: Sequence[Item]
    home: str
    """Site path of the HTML page this feed mirrors."""


def feed_specs(site: Site) -> list[FeedSpec]:
    title = site.config.title
    notes = [i for i in site.listed if not i.is_link]
    links = [i for i in site.listed if i.is_link]
    specs = [FeedSpec(urls.feed_path(), title, site.listed, urls.HOME),
             FeedSpec(urls.feed_path("notes/"), f"{title}: weeknotes", notes, urls.HOME),
             FeedSpec(urls.feed_path("links/"), f"{title}: link curations", links, urls.HOME)]
    specs += [FeedSpec(urls.feed_path(a), f"{a.name} on {title}", site.author_items[a.handle], path_of(a))
              for a in site.authors]
    specs += [FeedSpec(urls.feed_path(t), f"Tagged {t.name} on {title}", t.items, path_of(t)) for t in site.tags]
    return specs


def item_updated(item: Item) -> datetime:
    return item.updated or item.date


def entry_html(item: Item, site: Site) -> str:
    """The entry's content: the full body (or summary), with every URL made absolute."""
    if not site.config.feed_full_content:
        return ""
    linker = Linker(path_of(item), site.config.base_url, absolute=True)
    return CONTROL_RE.sub("", rebase_html(item.body_html, path_of(item), linker))


def author_url(author: Author, site: Site) -> str | None:
    if author.handle in site.author_handles:
        return site.config.base_url + path_of(author)
    return author.url


def new_generator(site: Site, spec_path: str, title: str, home: str, items: Sequence[Item]) -> FeedGenerator:
    base = site.config.base_url
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.id(base + spec_path)
    fg.title(title)
    fg.link(href=base + home, rel="alternate")
    fg.link(href=base + spec_path, rel="self")
    fg.language(site.config.language)
    fg.description(site.config.description or site.config.title)
    fg.generator("weeknotes", version=__version__)
    newest = max((item_updated(i) for i in items), default=EPOCH)
    fg.updated(newest)
    fg.lastBuildDate(newest)
    return fg


def add_entry(fg: FeedGenerator, item: Item, site: Site) -> None:
    base = site.config.base_url
    permalink = base + path_of(item)
    fe = fg.add_entry(order="append")
    fe.id(item.id)
    fe.guid(item.id, permalink=False)
    fe.title(CONTROL_RE.sub("", item.title))
    if item.url:
        fe.link(href=item.url, rel="alternate")
        fe.link(href=permalink, rel="related")
    else:
        fe.link(href=permalink, rel="alternate")
    for author in item.authors:
        fe.author({"name": author.name, **({"uri": u} if (u := author_url(author, site)) else {})})
        fe.dc.dc_creator(author.name)
    for tag in item.tags:
        fe.category(term=tag.name)
    fe.published(item.date)
    fe.updated(item_updated(item))
    if item.summary:
        fe.summary(CONTROL_RE.sub("", item.summary))
    html = entry_html(item, site)
    if html:
        fe.content(html, type="html")
        fe.description(html)
    elif item.summary:
        fe.description(item.summary)


def atom_feed(site: Site, spec: FeedSpec) -> bytes:
    items = spec.items[: site.config.feed_limit]
    fg = new_generator(site, spec.path, spec.title, spec.home, items)
    for item in items:
        add_entry(fg, item, site)
    return bytes(fg.atom_str(pretty=True))


def rss_feed(site: Site) -> bytes:
    items = site.listed[: site.config.feed_limit]
    fg = new_generator(site, "rss.xml", site.config.title, urls.HOME, items)
    for item in items:
        add_entry(fg, item, site)
    return bytes(fg.rss_str(pretty=True))


def json_feed(site: Site) -> bytes:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1); feedgen has no writer for it."""
    base = site.config.base_url
    feed: dict[str, object] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": site.config.title,
        "home_page_url": base,
        "feed_url": base + "feed.json",
        "language": site.config.language,
        "items": [json_item(item, site) for item in site.listed[: site.config.feed_limit]],
    }
    if site.config.description:
        feed["description"] = site.config.description
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def json_item(item: Item, site: Site) -> dict[str, object]:
    entry: dict[str, object] = {
        "id": item.id,
        "url": site.config.base_url + path_of(item),
        "title": item.title,
        "date_published": item.date.isoformat(),
        "date_modified": item_updated(item).isoformat(),
        "authors": [{"name": a.name, **({"url": u} if (u := author_url(a, site)) else {})} for a in item.authors],
    }
    if item.url:
        entry["external_url"] = item.url
    if item.tags:
        entry["tags"] = [t.name for t in item.tags]
    if item.summary:
        entry["summary"] = item.summary
    entry["content_html"] = entry_html(item, site) or item.summary
    return entry


def feed_outputs(site: Site, weeks_feed: Callable[[], bytes]) -> list[Output]:
    outputs = [Output(spec.path, (lambda spec=spec: atom_feed(site, spec))) for spec in feed_specs(site)]
    outputs.append(Output("rss.xml", lambda: rss_feed(site)))
    outputs.append(Output("feed.json", lambda: json_feed(site)))
    outputs.append(Output(urls.feed_path("weeks/"), weeks_feed))
    return outputs
