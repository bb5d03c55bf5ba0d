"""Atom, RSS 2.0 and JSON Feed 1.1, straight from the model.

A table of (path, title, items) and one loop make every feed; each entry's id is the
item's stable id (DESIGN.md), and a feed's `updated` is its newest entry's, never the
build clock, so the same input gives the same bytes.

Escaping follows the context: titles, names and tags are plain text and are escaped once,
by the XML (or JSON) writer; a summary going into an RSS `description` or an Atom
`type="html"` element is HTML, so it is HTML-escaped first. Control characters, which XML
1.0 cannot carry, are removed from everything that reaches a feed.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
from lxml.etree import Element, SubElement

from weeknotes import __version__
from weeknotes.model import urls
from weeknotes.model.plan import Output, feed_title, sections
from weeknotes.model.urls import Linker, path_of, rebase_html
from weeknotes.model.values import Author, Item, Site
from weeknotes.model.weeks import Week
from weeknotes.source.fields import CONTROL_RE

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ATOM_TYPE = "application/atom+xml"
RSS_TYPE = "application/rss+xml"
HTML_TYPE = "text/html"
LINK_ATTRIBUTES = ("rel", "type", "hreflang", "title", "length")
ATOM_LINK = "{http://www.w3.org/2005/Atom}link"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class FeedSpec:
    path: str
    title: str
    items: Sequence[Item]
    """The newest items, as many as the feed carries (`feeds.limit`): all it is made from,
    so an edit to an older item leaves the feed alone."""
    home: str
    """Site path of the HTML page this feed mirrors."""


def feed_specs(site: Site) -> list[FeedSpec]:
    limit = site.config.feed_limit
    specs = [FeedSpec(urls.feed_path(), feed_title(site), site.front[:limit], urls.HOME)]
    specs += [FeedSpec(urls.feed_path(section), feed_title(site, section), items[:limit], section)
              for section, items in sections(site)]
    specs += [FeedSpec(urls.feed_path(a), feed_title(site, a), site.author_items[a.handle][:limit], path_of(a))
              for a in site.authors]
    specs += [FeedSpec(urls.feed_path(t), feed_title(site, t), t.items[:limit], path_of(t))
              for t in site.tags]
    return specs


def feed_weeks(site: Site) -> tuple[Week, ...]:
    """The weeks the digest feed carries, newest first: all it is made from."""
    return tuple(reversed(site.weeks))[: site.config.feed_limit]


def item_updated(item: Item) -> datetime:
    return item.updated or item.date


def clean(text: str) -> str:
    """Text without the control characters XML 1.0 cannot carry (JSON gets the same text)."""
    return CONTROL_RE.sub("", text)


def permalink(item: Item, site: Site) -> str:
    """The item's page here; for a post from a member's blog, the original."""
    return urls.absolute(site.config.base_url, item)


def entry_html(item: Item, site: Site) -> str:
    """The item's full body as HTML, with every relative URL made absolute against base_url."""
    linker = Linker(path_of(item), site.config.base_url, absolute=True)
    return clean(rebase_html(item.body_html, path_of(item), linker))


def summary_html(item: Item) -> str:
    """The plain-text summary, escaped for places that hold HTML."""
    return html.escape(clean(item.summary), quote=False)


def author_url(author: Author, site: Site) -> str | None:
    if site.has_page(author):
        return urls.absolute(site.config.base_url, author)
    return author.url


def entry_links(item: Item, site: Site) -> list[dict[str, str]]:
    """A link curation points at the curated URL, with the site's page as `related`."""
    if item.is_link and item.url:
        return [{"href": item.url, "rel": "alternate"},
                {"href": permalink(item, site), "rel": "related", "type": HTML_TYPE}]
    return [{"href": permalink(item, site), "rel": "alternate", "type": HTML_TYPE}]


class Entry(FeedEntry):  # type: ignore[misc]
    """A feedgen entry that keeps its `related` link in Atom and in RSS, and its own language."""

    lang: str | None = None
    """`xml:lang` of an entry written in another language than the feed's."""

    def atom_entry(self, extensions: bool = True) -> Any:
        """feedgen 1.0 writes each link's `href` only (its loop rebinds `link` to the new
        element), so a `related` link would come out as a second `alternate`, which RFC 4287
        forbids: put the attributes back."""
        entry = super().atom_entry(extensions)
        for element, link in zip(entry.findall("link"), self.link() or [], strict=True):
            for key in LINK_ATTRIBUTES:
                if link.get(key):
                    element.set(key, link[key])
        if self.lang:
            entry.set(XML_LANG, self.lang)
        return entry

    def rss_entry(self, extensions: bool = True) -> Any:
        """RSS has one `link`; a `related` one goes in as an `atom:link`, as RSS extensions may."""
        item = super().rss_entry(extensions)
        for link in self.link() or []:
            if link.get("rel") == "related":
                attributes = {k: link[k] for k in ("href", "rel", "type") if link.get(k)}
                SubElement(item, ATOM_LINK, attributes)
        return item


class Generator(FeedGenerator):  # type: ignore[misc]
    """A feedgen generator that appends `Entry`s, so entries keep the order they are added in,
    and names the WebSub hub in RSS too."""

    hub: str | None = None
    """`feeds.hub`: RSS gets it as an `atom:link rel="hub"` beside the `rel="self"` one
    (feedgen writes only the self link into RSS)."""

    def add_entry(self, feedEntry: FeedEntry | None = None, order: str = "append") -> FeedEntry:
        return super().add_entry(feedEntry or Entry(), order)

    def _create_rss(self, extensions: bool = True) -> Any:
        feed, doc = super()._create_rss(extensions)
        if self.hub:
            own = next(link for link in feed.iter(ATOM_LINK) if link.get("rel") == "self")
            own.addnext(Element(ATOM_LINK, {"href": self.hub, "rel": "hub"}))
        return feed, doc


def new_generator(site: Site, spec_path: str, title: str, home: str, items: Sequence[Item],
                  self_type: str = ATOM_TYPE) -> FeedGenerator:
    """A feed's head: ids and links from base_url, `updated` from its newest entry."""
    base = site.config.base_url
    fg = Generator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.id(base + spec_path)
    fg.title(clean(title))
    # RSS has one channel link, and feedgen takes the last one given: the home page.
    fg.link(href=base + spec_path, rel="self", type=self_type)
    if site.config.feed_hub:  # WebSub: subscribers may ask the hub to push this feed's updates
        fg.hub = site.config.feed_hub
        fg.link(href=site.config.feed_hub, rel="hub")
    fg.link(href=base + home, rel="alternate", type=HTML_TYPE)
    fg.language(site.config.language)
    fg.description(clean(site.config.description or site.config.title))
    fg.generator("weeknotes", version=__version__)
    newest = max((item_updated(i) for i in items), default=EPOCH)
    fg.updated(newest)
    fg.lastBuildDate(newest)
    return fg


def add_entry(fg: FeedGenerator, item: Item, site: Site) -> None:
    fe = fg.add_entry()
    fe.id(item.id)  # also the RSS guid, isPermaLink="false": an id, not an address
    fe.title(clean(item.title))
    fe.link(entry_links(item, site))
    if item.lang:
        fe.lang = item.lang
        fe.dc.dc_language(item.lang)  # RSS items have no language of their own but Dublin Core's
    add_authors(fe, item, site)
    for tag in item.tags:
        fe.category(term=clean(tag.name))
    fe.published(item.date)
    fe.updated(item_updated(item))
    if site.config.feed_full_content and not item.is_blog:  # we never republish a member's post
        fe.content(entry_html(item, site), type="html")
    if item.summary:
        fe.summary(summary_html(item), type="html")


def add_authors(fe: FeedEntry, item: Item, site: Site) -> None:
    """Atom `author`s with name and page; RSS `dc:creator`s, since RSS `author` must be an email."""
    for author in item.authors:
        url = author_url(author, site)
        fe.author({"name": clean(author.name), **({"uri": url} if url else {})})
        fe.dc.dc_creator(clean(author.name))


def atom_feed(site: Site, spec: FeedSpec) -> bytes:
    items = spec.items
    fg = new_generator(site, spec.path, spec.title, spec.home, items)
    for item in items:
        add_entry(fg, item, site)
    return bytes(fg.atom_str(pretty=True))


def rss_feed(site: Site) -> bytes:
    items = site.front[: site.config.feed_limit]
    fg = new_generator(site, urls.RSS, feed_title(site), urls.HOME, items, self_type=RSS_TYPE)
    for item in items:
        add_entry(fg, item, site)
    return bytes(fg.rss_str(pretty=True))


def json_feed(site: Site) -> bytes:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1); feedgen has no writer for it."""
    base = site.config.base_url
    feed: dict[str, object] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": clean(site.config.title),
        "home_page_url": base,
        "feed_url": urls.absolute(base, urls.JSON_FEED),
        "language": site.config.language,
        "items": [json_item(item, site) for item in site.front[: site.config.feed_limit]],
    }
    if site.config.description:
        feed["description"] = clean(site.config.description)
    if site.config.feed_hub:
        feed["hubs"] = [{"type": "WebSub", "url": site.config.feed_hub}]
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def json_item(item: Item, site: Site) -> dict[str, object]:
    """One item: `url` is always the site's page; a link curation adds its `external_url`."""
    entry: dict[str, object] = {
        "id": item.id,
        "url": permalink(item, site),
        "title": clean(item.title),
        "date_published": item.date.isoformat(),
        "date_modified": item_updated(item).isoformat(),
        "authors": [{"name": clean(a.name), **({"url": u} if (u := author_url(a, site)) else {})}
                    for a in item.authors],
    }
    if item.is_link and item.url:
        entry["external_url"] = item.url
    if item.lang:
        entry["language"] = item.lang
    if item.tags:
        entry["tags"] = [clean(t.name) for t in item.tags]
    if item.summary:
        entry["summary"] = clean(item.summary)
    if site.config.feed_full_content and not item.is_blog:
        entry["content_html"] = entry_html(item, site)
    else:
        entry["content_text"] = clean(item.summary)
    return entry


def feed_paths(site: Site) -> list[str]:
    """The site path of every feed a build writes (what `weeknotes ping` tells the hub about),
    the whole site's first."""
    specs = [spec.path for spec in feed_specs(site)]
    return [specs[0], urls.RSS, urls.JSON_FEED, urls.feed_path(urls.WEEKS), *specs[1:]]


def feed_outputs(site: Site, weeks_feed: Callable[[], bytes]) -> list[Output]:
    # A feed reads its items, the settings, and who has an author page (for author links).
    shared = (site.config, site.author_handles)
    specs = feed_specs(site)
    outputs = [Output(spec.path, partial(atom_feed, site, spec), inputs=(spec, shared)) for spec in specs]
    newest = site.front[: site.config.feed_limit]  # what the RSS and JSON copies of the main feed carry
    outputs.append(Output(urls.RSS, lambda: rss_feed(site), inputs=(newest, shared)))
    outputs.append(Output(urls.JSON_FEED, lambda: json_feed(site), inputs=(newest, shared)))
    outputs.append(Output(urls.feed_path(urls.WEEKS), weeks_feed, template="digest_content.html",
                          inputs=(feed_weeks(site), shared)))
    return outputs
