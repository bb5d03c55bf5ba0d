"""Feeds readers can trust (issue 3): every feed read back the way readers and validators read it.

Each test builds a small site into a temporary folder with the real CLI, then reads the
feeds with feedparser (a real reader's parser), lxml (Atom against the RFC 4287 RELAX NG
schema) and jsonschema (JSON Feed 1.1, schema vendored in tests/data/feeds/). What a feed
must hold is read from the built HTML pages, not from weeknotes' own model, so a feed is
checked against what the build shows.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from xml.sax import saxutils

import feedparser
import jsonschema
import lxml.html
import mf2py
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from tests.conftest import AUTHORS_YAML, Run, SiteDir, link, note
from weeknotes.render.indexes import escape, quoteattr

DATA = Path(__file__).resolve().parent / "data" / "feeds"
BASE = "https://example.org/wol/"
ATOM = "{http://www.w3.org/2005/Atom}"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
FEED_NAMES = ("feed.xml", "rss.xml", "feed.json")
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
CURATED = "https://tools.example.com/thing?a=1&b=2"

SITE_YAML = """\
title: Test Circle
base_url: {base}
description: People who work out loud.
timezone: Europe/London
per_page: 50
search: {{enabled: false}}
{extra}
"""

CIRCLE_AUTHORS = AUTHORS_YAML + """\
cara:
  name: Cara Lind
  publish: internal
  feed: https://cara.example.net/feed.xml
dan:
  name: Dan Quiet
  publish: public
  feed: https://dan.example.net/feed.xml
"""

# Shown in a public build, newest first (equal dates: by kind, then slug).
SHOWN = ["links/useful-tool/", "notes/joint/", "notes/same-day/", "notes/second-thoughts/",
         "notes/first-week/"]
AUTHORS_OF = {"links/useful-tool/": ["Ben Okafor"], "notes/joint/": ["Ana Pérez", "Ben Okafor"],
              "notes/same-day/": ["Ana Pérez"], "notes/second-thoughts/": ["Ben Okafor"],
              "notes/first-week/": ["Ana Pérez"]}
FEEDS = ["authors/ana/feed.xml", "authors/ben/feed.xml", "feed.json", "feed.xml", "links/feed.xml",
         "notes/feed.xml", "rss.xml", "tags/libraries/feed.xml", "tags/tools/feed.xml",
         "tags/warm-spaces/feed.xml", "weeks/feed.xml"]


INTRO = ("---\ntitle: A quiet week\neditors: {editors}\n---\n\n"
         "Nothing was written; see [week 46](../2026-W46/).\n")


def write_config(site: SiteDir, base: str = BASE, extra: str = "") -> None:
    site.write("site.yaml", SITE_YAML.format(base=base, extra=extra))


def write_circle(site: SiteDir, base: str = BASE, extra: str = "") -> None:
    """Five items shown across two weeks, four that must never reach a public feed, one page."""
    write_config(site, base, extra)
    site.write("authors.yaml", CIRCLE_AUTHORS)
    site.write("notes/ana/2026-11-09-first-week.md", note(
        "First week", "2026-11-09", tags="[Libraries]",
        body="Started with [the second note](../second-thoughts/) and [about us](/about/).\n\n"
             "![A chart](../../chart.png)\n\nThe last paragraph of the first week."))
    site.write("notes/ben/2026-11-16-second-thoughts.md", note(
        "Second thoughts", "2026-11-16T09:30:00", author="ben", tags="[Libraries, Tools]",
        updated="2026-11-18T10:00:00"))
    site.write("notes/2026-11-17-joint.md", note(
        "A joint note", "2026-11-17", author="ana", authors="[ana, ben]", tags="[Warm Spaces]")
        .replace("author: ana\n", ""))
    site.write("notes/ana/2026-11-17-same-day.md", note("Same day", "2026-11-17"))
    site.write("links/2026-11-18-useful-tool.md", link(
        CURATED, "2026-11-18", author="ben", title="A useful tool", tags="[Tools]",
        body="Pairs well with [my first week](../../notes/first-week/)."))
    site.write("notes/ana/2026-11-12-unlisted.md",
               note("Unlisted", "2026-11-12", visibility="unlisted"))
    site.write("notes/ana/2026-11-13-draft.md", note("Draft", "2026-11-13", visibility="draft"))
    site.write("notes/cara/2026-11-14-internal.md", note("Internal", "2026-11-14", author="cara"))
    site.write("notes/ana/2027-01-01-future.md", note("Future", "2027-01-01"))
    site.write("pages/about.md", "---\ntitle: About\n---\n\nAbout us.\n")
    site.write("digests/2026-W45.md", INTRO.format(editors="[ben]"))
    site.write("static/chart.png", "not really a PNG")


# --- reading feeds back --------------------------------------------------------------------

@dataclass
class Entry:
    """One entry of any feed format, as this file compares them."""

    id: str
    title: str
    page: str
    """The site's permalink for it."""
    link: str
    """Where a reader's click goes: the page, or for a link curation the curated URL."""
    authors: list[str]
    content: str | None
    summary: str | None
    published: str
    updated: str | None
    tags: list[str]


def atom_entries(data: bytes) -> list[Entry]:
    return [atom_entry(e) for e in etree.fromstring(data).iter(f"{ATOM}entry")]


def atom_entry(e: etree._Element) -> Entry:
    links = {link.get("rel", "alternate"): link.get("href") for link in e.iter(f"{ATOM}link")}
    content = e.find(f"{ATOM}content")
    summary = e.find(f"{ATOM}summary")
    return Entry(
        id=e.findtext(f"{ATOM}id"), title=e.findtext(f"{ATOM}title"),
        page=links.get("related", links["alternate"]), link=links["alternate"],
        authors=[a.findtext(f"{ATOM}name") for a in e.iter(f"{ATOM}author")],
        content=html_of(content), summary=html_of(summary),
        published=e.findtext(f"{ATOM}published"), updated=e.findtext(f"{ATOM}updated"),
        tags=[c.get("term") for c in e.iter(f"{ATOM}category")])


def html_of(element: etree._Element | None) -> str | None:
    """An Atom text construct as HTML: `html` is used as is, `text` is escaped for HTML."""
    if element is None:
        return None
    assert element.get("type") in (None, "text", "html"), element.get("type")
    text = element.text or ""
    return text if element.get("type") == "html" else html.escape(text)


def rss_entries(data: bytes) -> list[Entry]:
    return [Entry(
        id=i.findtext("guid"), title=i.findtext("title"), link=i.findtext("link"),
        page=next((a.get("href") for a in i.iter(f"{ATOM}link") if a.get("rel") == "related"),
                  i.findtext("link")),
        authors=[c.text for c in i.iter(DC_CREATOR)], content=i.findtext(CONTENT_ENCODED),
        summary=i.findtext("description"), published=i.findtext("pubDate"), updated=None,
        tags=[c.text for c in i.iter("category")])
        for i in etree.fromstring(data).iter("item")]


def json_entries(data: bytes) -> list[Entry]:
    return [Entry(
        id=i["id"], title=i["title"], page=i["url"], link=i.get("external_url", i["url"]),
        authors=[a["name"] for a in i["authors"]], content=i.get("content_html"),
        summary=html.escape(i["summary"]) if "summary" in i else None,
        published=i["date_published"], updated=i["date_modified"], tags=i.get("tags", []))
        for i in json.loads(data)["items"]]


def entries(path: Path) -> list[Entry]:
    reader = {"rss.xml": rss_entries, "feed.json": json_entries}.get(path.name, atom_entries)
    return reader(path.read_bytes())


def read_in_feedparser(path: Path) -> feedparser.FeedParserDict:
    """feedparser 6 reads Atom and RSS only (its JSON Feed reader is unreleased).

    JSON Feed is checked against its schema instead.
    """
    assert path.suffix == ".xml", path
    return feedparser.parse(path.read_bytes())


def xml_feed_files(site: SiteDir) -> list[str]:
    return [f for f in feed_files(site) if f.endswith(".xml")]


def feed_files(site: SiteDir) -> list[str]:
    return sorted(p.relative_to(site.output).as_posix() for p in site.output.rglob("*")
                  if p.name in FEED_NAMES)


def atom_files(site: SiteDir) -> list[str]:
    return [f for f in feed_files(site) if f.endswith("feed.xml")]


def site_path(url: str, base: str = BASE) -> str:
    assert url.startswith(base), f"{url} is not under {base}"
    return url[len(base):]


def built_file(site: SiteDir, url: str, base: str = BASE) -> Path:
    """The file a URL of the site is served from, mapping base_url to the output folder."""
    path = urlsplit(site_path(url, base)).path
    return site.output / (path + "index.html" if path == "" or path.endswith("/") else path)


def shown_on(site: SiteDir, page: str) -> list[str]:
    """The permalinks of the h-entries a built list page shows, in order."""
    doc = built_file(site, BASE + page).read_text(encoding="utf-8")
    found: list[str] = []

    def walk(items: list[dict]) -> None:  # type: ignore[type-arg]
        for item in items:
            if "h-entry" in item["type"]:
                found.append(item["properties"]["url"][0])
            walk(item.get("children", []))

    walk(mf2py.parse(doc=doc, url=BASE + page)["items"])
    return found


def weeks_shown(site: SiteDir) -> list[str]:
    doc = lxml.html.fromstring(built_file(site, BASE + "weeks/").read_bytes())
    urls = [urljoin(BASE + "weeks/", a.get("href")) for a in doc.iter("a")]
    week = re.escape(BASE) + r"weeks/\d{4}-W\d\d/"
    return list(dict.fromkeys(u for u in urls if re.fullmatch(week, u)))


def expected_pages(site: SiteDir, feed: str) -> list[str]:
    """What a feed must hold, read from the HTML page it mirrors."""
    if feed == "weeks/feed.xml":
        return weeks_shown(site)
    home = shown_on(site, "")
    if feed in FEED_NAMES:
        return home
    if feed in ("notes/feed.xml", "links/feed.xml"):
        return [url for url in home if site_path(url).startswith(feed.split("/")[0] + "/")]
    return shown_on(site, feed.removesuffix("feed.xml"))


def atom_schema() -> etree.RelaxNG:
    """RFC 4287's schema, kept in the repository (tests never read outside it)."""
    return etree.RelaxNG(etree.parse(str(DATA / "atom.rng")))


def json_feed_validator() -> jsonschema.protocols.Validator:
    schema = json.loads((DATA / "jsonfeed-schema-v1.1.json").read_text(encoding="utf-8"))
    checker = jsonschema.FormatChecker(formats=())

    # jsonschema checks these formats only with optional packages; check them here instead.
    @checker.checks("uri")  # type: ignore[untyped-decorator]
    def is_uri(value: object) -> bool:
        parts = urlsplit(str(value))
        return parts.scheme in ("http", "https") and bool(parts.netloc)

    @checker.checks("date-time")  # type: ignore[untyped-decorator]
    def is_date_time(value: object) -> bool:
        return bool(RFC3339.fullmatch(str(value)))

    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=checker)


def warnings_in(result: Run) -> list[str]:
    """The drift guard's warnings (these sites keep the placeholder example.org on purpose,
    so site.yaml's own warning about it is left out)."""
    return [line for line in result.err.splitlines()
            if ": warning: " in line and "site.yaml:" not in line.split(": warning: ")[0]]


Build = Callable[..., Run]


def entries_for(site: SiteDir, feed: str, page: str) -> list[Entry]:
    return [e for e in entries(site.output / feed) if e.page == BASE + page]


@pytest.fixture
def circle(site: SiteDir, build: Build) -> SiteDir:
    write_circle(site)
    build()
    return site


def every_entry(site: SiteDir) -> Iterator[tuple[str, Entry]]:
    for feed in feed_files(site):
        for entry in entries(site.output / feed):
            yield feed, entry


# --- every feed ----------------------------------------------------------------------------

def test_every_feed_of_the_design_is_written(circle: SiteDir) -> None:
    assert feed_files(circle) == FEEDS


def test_every_feed_parses_in_feedparser_without_bozo(circle: SiteDir) -> None:
    assert xml_feed_files(circle)
    for feed in xml_feed_files(circle):
        parsed = read_in_feedparser(circle.output / feed)
        assert not parsed.bozo, (feed, parsed.get("bozo_exception"))
        assert parsed.entries, feed
        assert parsed.version in ("atom10", "rss20"), (feed, parsed.version)


@pytest.mark.parametrize("limit", [None, 2])
def test_every_feed_holds_exactly_what_the_build_shows_newest_first(
        site: SiteDir, build: Build, limit: int | None) -> None:
    write_circle(site, extra=f"feeds: {{limit: {limit}}}" if limit else "")
    build()
    assert shown_on(site, "") == [BASE + p for p in SHOWN]
    for feed in feed_files(site):
        pages = [e.page for e in entries(site.output / feed)]
        assert pages == expected_pages(site, feed)[:limit or 20], feed


def test_entries_of_the_whole_site_are_in_the_same_order_in_every_format(circle: SiteDir) -> None:
    orders = {feed: [e.id for e in entries(circle.output / feed)] for feed in FEED_NAMES}
    assert orders["feed.xml"] == orders["rss.xml"] == orders["feed.json"]
    published = [datetime.fromisoformat(e.published) for e in entries(circle.output / "feed.xml")]
    assert published == sorted(published, reverse=True)


def test_nothing_hidden_reaches_any_feed(circle: SiteDir) -> None:
    assert feed_files(circle)
    for feed in feed_files(circle):
        text = (circle.output / feed).read_text(encoding="utf-8")
        for hidden in ("Unlisted", "Draft", "Internal", "Future", "Cara Lind"):
            assert hidden not in text, (feed, hidden)


def test_entry_ids_are_unique_in_every_feed_and_one_item_keeps_one_id(circle: SiteDir) -> None:
    id_of: dict[str, str] = {}
    for feed in feed_files(circle):
        ids = [e.id for e in entries(circle.output / feed)]
        assert len(ids) == len(set(ids)), feed
        for entry in entries(circle.output / feed):
            assert id_of.setdefault(entry.page, entry.id) == entry.id, (feed, entry.page)
    assert id_of[BASE + "notes/first-week/"] == "tag:example.org,2026-11-09:notes/first-week"
    assert id_of[BASE + "links/useful-tool/"] == "tag:example.org,2026-11-18:links/useful-tool"


def test_every_link_is_absolute_and_every_link_into_the_site_resolves(circle: SiteDir) -> None:
    assert feed_files(circle)
    assert list(every_entry(circle))
    for feed in feed_files(circle):
        assert all_urls(circle.output / feed), feed
        for url in all_urls(circle.output / feed):
            parts = urlsplit(url)
            assert parts.scheme in ("http", "https") and parts.netloc, (feed, url)
            if url.startswith(BASE):
                assert built_file(circle, url).is_file(), (feed, url)
            else:
                assert url in (CURATED, "https://ana.example.net/feed.xml"), (feed, url)
    for feed, entry in every_entry(circle):
        assert built_file(circle, entry.page).is_file(), (feed, entry.page)


def all_urls(path: Path) -> list[str]:
    data = path.read_bytes()
    if path.name == "feed.json":
        feed = json.loads(data)
        urls = [feed["home_page_url"], feed["feed_url"]]
        for item in feed["items"]:
            urls += [item["url"], *([item["external_url"]] if "external_url" in item else [])]
            urls += [a["url"] for a in item["authors"] if "url" in a]
            urls += urls_in_html(item.get("content_html", ""))
        return urls
    root = etree.fromstring(data)
    urls = [link.get("href") for link in root.iter(f"{ATOM}link")]
    urls += [e.text for e in root.iter(f"{ATOM}uri", "link")]
    for element in root.iter(f"{ATOM}content", CONTENT_ENCODED):
        urls += urls_in_html(element.text or "")
    return urls


def urls_in_html(fragment: str) -> list[str]:
    if not fragment.strip():
        return []
    doc = lxml.html.fragment_fromstring(fragment, create_parent="div")
    return [value for el in doc.iter() for name, value in el.attrib.items()
            if name in ("href", "src")]


def test_every_entry_names_its_authors(circle: SiteDir) -> None:
    assert list(every_entry(circle))
    assert xml_feed_files(circle)
    for feed, entry in every_entry(circle):
        if feed == "weeks/feed.xml":
            assert entry.authors, (feed, entry.page)
        else:
            assert entry.authors == AUTHORS_OF[site_path(entry.page)], (feed, entry.page)
    for feed in xml_feed_files(circle):
        assert read_in_feedparser(circle.output / feed).entries, feed
        for entry in read_in_feedparser(circle.output / feed).entries:
            assert entry.get("author"), (feed, entry.get("id"))


def test_rss_names_authors_with_dc_creator_not_an_email_field(circle: SiteDir) -> None:
    root = etree.fromstring((circle.output / "rss.xml").read_bytes())
    assert root.find("channel/item/author") is None  # RSS `author` must be an email address
    assert root.findtext("channel/link") == BASE
    assert root.find("channel/item/guid").get("isPermaLink") == "false"


def test_entries_carry_full_content_with_relative_urls_made_absolute(circle: SiteDir) -> None:
    seen = 0
    for feed, entry in every_entry(circle):
        if site_path(entry.page) != "notes/first-week/":
            continue
        seen += 1
        assert entry.content, feed
        urls = urls_in_html(entry.content)
        assert BASE + "notes/second-thoughts/" in urls, feed
        assert BASE + "about/" in urls, feed
        assert BASE + "chart.png" in urls, feed
        assert "The last paragraph of the first week." in entry.content, feed
        for url in urls:
            assert built_file(circle, url).is_file(), (feed, url)
    assert seen == 6  # everything (Atom, RSS, JSON), notes, Ana, Libraries
    [curation] = [e for e in entries(circle.output / "feed.xml") if e.link == CURATED]
    assert BASE + "notes/first-week/" in urls_in_html(curation.content or "")


def test_weekly_digest_entries_carry_the_whole_digest(circle: SiteDir) -> None:
    newest = entries(circle.output / "weeks/feed.xml")[0]
    assert newest.page == BASE + "weeks/2026-W47/"
    assert newest.content
    for item in SHOWN[:-1]:
        assert BASE + item in urls_in_html(newest.content), item


def test_a_week_with_only_an_unsigned_intro_names_an_author(site: SiteDir, build: Build) -> None:
    write_circle(site)
    site.write("digests/2026-W45.md", INTRO.format(editors="[]"))
    build()
    [week] = [e for e in entries(site.output / "weeks/feed.xml") if e.page.endswith("/2026-W45/")]
    assert week.authors


def test_a_week_with_only_an_intro_is_dated_in_that_week(circle: SiteDir) -> None:
    [week] = [e for e in entries(circle.output / "weeks/feed.xml") if e.page.endswith("/2026-W45/")]
    assert week.published.startswith("2026-11-0"), week.published


def test_summaries_instead_of_content_when_full_content_is_off(site: SiteDir, build: Build) -> None:
    write_circle(site, extra="feeds: {full_content: false}")
    build()
    for feed in [f for f in feed_files(site) if f != "weeks/feed.xml"]:
        for entry in entries(site.output / feed):
            assert not entry.content, (feed, entry.page)
            assert entry.summary, (feed, entry.page)
            assert "last paragraph" not in entry.summary, (feed, entry.page)
    item = json.loads((site.output / "feed.json").read_bytes())["items"][-1]
    assert item["content_text"] == item["summary"] == "Started with the second note and about us."
    assert "content_html" not in item


def test_atom_feeds_validate_against_the_rfc_4287_relax_ng_schema(circle: SiteDir) -> None:
    schema = atom_schema()
    assert atom_files(circle)
    for feed in atom_files(circle):
        doc = etree.parse(str(circle.output / feed))
        assert schema.validate(doc), (feed, str(schema.error_log))


def test_the_atom_schema_rejects_an_entry_without_an_id(circle: SiteDir) -> None:
    schema = atom_schema()
    doc = etree.parse(str(circle.output / "feed.xml"))
    entry = doc.getroot().find(f"{ATOM}entry")
    entry.remove(entry.find(f"{ATOM}id"))
    assert not schema.validate(doc)


def test_atom_feeds_keep_the_rules_the_schema_cannot_check(circle: SiteDir) -> None:
    """RFC 4287 4.1.1 and 4.1.2: one alternate link per type, an author per entry or feed."""
    assert atom_files(circle)
    for feed in atom_files(circle):
        root = etree.fromstring((circle.output / feed).read_bytes())
        selves = root.findall(f"{ATOM}link[@rel='self']")
        assert [link.get("href") for link in selves] == [BASE + feed]
        for entry in root.iter(f"{ATOM}entry"):
            alternates = [(link.get("type"), link.get("hreflang"))
                          for link in entry.findall(f"{ATOM}link")
                          if link.get("rel", "alternate") == "alternate"]
            assert len(alternates) == len(set(alternates)) == 1, feed
            assert entry.find(f"{ATOM}author") is not None, feed


def test_json_feed_validates_against_the_json_feed_1_1_schema(circle: SiteDir) -> None:
    feed = json.loads((circle.output / "feed.json").read_bytes())
    errors = [f"{list(e.path)}: {e.message}" for e in json_feed_validator().iter_errors(feed)]
    assert errors == []
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == BASE + "feed.json"


def test_the_vendored_schema_rejects_a_broken_feed() -> None:
    broken = {"version": "https://jsonfeed.org/version/1.1", "title": "x",
              "items": [{"id": "1", "url": "not a url", "date_published": "yesterday"}]}
    messages = [e.message for e in json_feed_validator().iter_errors(broken)]
    assert len(messages) == 3, messages  # no content, a relative url, a date that is not RFC 3339


def test_dates_come_from_date_and_updated(circle: SiteDir) -> None:
    [entry] = entries_for(circle, "feed.xml", "notes/second-thoughts/")
    assert entry.published == "2026-11-16T09:30:00+00:00"
    assert entry.updated == "2026-11-18T10:00:00+00:00"
    [entry] = entries_for(circle, "feed.json", "notes/first-week/")
    assert entry.published == entry.updated == "2026-11-09T00:00:00+00:00"
    [entry] = entries_for(circle, "rss.xml", "notes/first-week/")
    assert entry.published == "Mon, 09 Nov 2026 00:00:00 +0000"


def test_tags_are_categories(circle: SiteDir) -> None:
    for feed in ("feed.xml", "rss.xml", "feed.json"):
        [entry] = entries_for(circle, feed, "notes/second-thoughts/")
        assert entry.tags == ["Libraries", "Tools"], feed


def test_a_link_curation_links_to_the_curated_url_and_to_its_page(circle: SiteDir) -> None:
    permalink = BASE + "links/useful-tool/"
    atom = etree.fromstring((circle.output / "feed.xml").read_bytes())
    [entry] = [e for e in atom.iter(f"{ATOM}entry")
               if e.findtext(f"{ATOM}title") == "A useful tool"]
    links = {(link.get("rel"), link.get("href")) for link in entry.findall(f"{ATOM}link")}
    assert links == {("alternate", CURATED), ("related", permalink)}
    [item] = [i for i in json.loads((circle.output / "feed.json").read_bytes())["items"]
              if i["title"] == "A useful tool"]
    assert (item["url"], item["external_url"]) == (permalink, CURATED)
    [rss] = [e for e in entries(circle.output / "rss.xml") if e.title == "A useful tool"]
    assert rss.link == CURATED
    [parsed] = [e for e in read_in_feedparser(circle.output / "feed.xml").entries
                if e.title == "A useful tool"]
    assert parsed.link == CURATED


def test_a_feed_is_updated_when_its_newest_entry_is_never_by_the_clock(
        site: SiteDir, build: Build, monkeypatch: pytest.MonkeyPatch) -> None:
    write_circle(site)
    build()
    first = {feed: (site.output / feed).read_bytes() for feed in feed_files(site)}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")  # 2027-01-15: a later build, same content
    (site.content / "notes/ana/2027-01-01-future.md").unlink()
    build()
    assert {feed: (site.output / feed).read_bytes() for feed in feed_files(site)} == first
    atom = etree.fromstring(first["feed.xml"])
    assert atom.findtext(f"{ATOM}updated") == "2026-11-18T10:00:00+00:00"
    rss = etree.fromstring(first["rss.xml"])
    assert rss.findtext("channel/lastBuildDate") == "Wed, 18 Nov 2026 10:00:00 +0000"
    tag = etree.fromstring(first["tags/warm-spaces/feed.xml"])
    assert tag.findtext(f"{ATOM}updated") == "2026-11-17T00:00:00+00:00"


def test_a_new_title_or_a_move_to_https_keeps_every_entry_id(site: SiteDir, build: Build) -> None:
    http = "http://example.org/wol/"
    write_circle(site, base=http)
    site.write("notes/ana/2026-11-15-explicit.md", note(
        "Explicit", "2026-11-15", id="urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66"))
    build()
    before = ids_by_page(site, http)
    write_circle(site, base=BASE)
    site.write("notes/ana/2026-11-09-first-week.md",
               note("A better title for week one", "2026-11-09", tags="[Libraries]"))
    site.write("notes/ana/2026-11-15-explicit.md", note(
        "Explicit, retitled", "2026-11-15", id="urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66"))
    build()
    assert ids_by_page(site, BASE) == before
    assert before["feed.xml"]["notes/explicit/"] == "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66"


def ids_by_page(site: SiteDir, base: str) -> dict[str, dict[str, str]]:
    return {feed: {site_path(e.page, base): e.id for e in entries(site.output / feed)}
            for feed in feed_files(site)}


# --- hostile text --------------------------------------------------------------------------

HOSTILE = "A & B <C> ]]> &amp; \"q\""


def write_hostile(site: SiteDir) -> None:
    write_config(site)
    config = SITE_YAML.format(base=BASE, extra="")
    site.write("site.yaml", config.replace("Test Circle", "'Circle & <Friends> ]]>'"))
    site.write("authors.yaml", 'ana:\n  name: "Ana & <Co> ]]>"\n  publish: public\n')
    site.write("notes/2026-11-16-hostile.md", (
        '---\ntitle: "A & B <C> ]]>\\x01 &amp; \\"q\\"\\x0b"\ndate: 2026-11-16\nauthor: ana\n'
        'tags: ["R&D <x>"]\nsummary: "Less < more & ]]> done"\n---\n\n'
        "Fish & chips <b>raw</b> ]]> bell\x01 and tab\x0b end. 5 < 6 && 7 > 3; &amp; is one &.\n"))
    site.write("links/2026-11-17-hostile-link.md", link(
        CURATED, "2026-11-17", title="'Tools & <tricks>'", body="Why & <why> ]]>."))


def test_hostile_text_leaves_every_feed_well_formed_and_escaped_exactly_once(
        site: SiteDir, build: Build) -> None:
    write_hostile(site)
    result = build()
    assert "control characters" in result.err  # the contributor hears about them
    assert feed_files(site) == ["authors/ana/feed.xml", "feed.json", "feed.xml", "links/feed.xml",
                                "notes/feed.xml", "rss.xml", "tags/r-d-x/feed.xml",
                                "weeks/feed.xml"]
    for feed in feed_files(site):
        data = (site.output / feed).read_bytes()
        assert b"\x01" not in data and b"\x0b" not in data and b"\\u000b" not in data, feed
        if feed.endswith(".xml"):
            etree.fromstring(data, etree.XMLParser(recover=False))  # well-formed, or this raises
            assert not read_in_feedparser(site.output / feed).bozo, feed
        else:
            assert list(json_feed_validator().iter_errors(json.loads(data))) == []
    for feed in ("feed.xml", "rss.xml", "feed.json", "notes/feed.xml", "authors/ana/feed.xml",
                 "tags/r-d-x/feed.xml"):
        [entry] = entries_for(site, feed, "notes/hostile/")
        assert entry.title == HOSTILE, feed
        assert entry.authors == ["Ana & <Co> ]]>"], feed
        assert entry.tags == ["R&D <x>"], feed
        assert text_of(entry.summary) == "Less < more & ]]> done", feed
        body = text_of(entry.content)
        assert "Fish & chips raw ]]> bell and tab end. 5 < 6 && 7 > 3; & is one &." in body, feed
        assert "<b>" not in (entry.content or ""), feed  # raw HTML is left out of Markdown
    atom = etree.fromstring((site.output / "feed.xml").read_bytes())
    assert atom.findtext(f"{ATOM}title") == "Circle & <Friends> ]]>"
    assert json.loads((site.output / "feed.json").read_bytes())["title"] == "Circle & <Friends> ]]>"


def test_hostile_titles_reach_a_reader_unchanged(site: SiteDir, build: Build) -> None:
    write_hostile(site)
    build()
    for feed in ("feed.xml", "rss.xml"):
        parsed = read_in_feedparser(site.output / feed)
        titles = {e.title for e in parsed.entries}
        assert HOSTILE in titles and "Tools & <tricks>" in titles, (feed, titles)


def text_of(fragment: str | None) -> str:
    """What a reader shows for an HTML fragment."""
    assert fragment
    return str(lxml.html.fragment_fromstring(fragment, create_parent="div").text_content())


# --- identity errors, blogroll -------------------------------------------------------------

def test_a_duplicate_explicit_id_is_an_error_naming_both_files(site: SiteDir, build: Build) -> None:
    same = "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66"
    site.write("notes/ana/2026-11-16-one.md", note("One", id=same))
    site.write("links/2026-11-17-two.md", link(CURATED, id=same))
    result = build(ok=False)
    assert result.code == 1
    [line] = [line for line in result.err.splitlines() if same in line]
    assert "2026-11-16-one.md" in line and "2026-11-17-two.md" in line and ": error: " in line
    assert not site.output.exists()


def test_blogroll_lists_only_the_authors_this_build_shows(site: SiteDir, build: Build) -> None:
    write_circle(site)
    build()
    assert blogroll(site) == {"Ana Pérez": "https://ana.example.net/feed.xml"}
    build("--audience", "internal", "--force")  # the same folder, so replacing the public build needs --force
    assert blogroll(site) == {"Ana Pérez": "https://ana.example.net/feed.xml",
                              "Cara Lind": "https://cara.example.net/feed.xml"}


def blogroll(site: SiteDir) -> dict[str, str]:
    root = etree.fromstring((site.output / "blogroll.opml").read_bytes())
    assert root.get("version") == "2.0" and root.find("head/title") is not None
    return {o.get("text"): o.get("xmlUrl") for o in root.iter("outline")}


# --- drift guard ---------------------------------------------------------------------------

OLD_ID = "urn:uuid:0e1f2a3b-0000-4000-8000-000000000001"
NEW_ID = "urn:uuid:0e1f2a3b-0000-4000-8000-000000000002"


def test_a_rebuild_with_ordinary_edits_warns_about_no_feed(site: SiteDir, build: Build) -> None:
    write_circle(site, extra="feeds: {limit: 3}")
    build()
    site.write("notes/ana/2026-11-09-first-week.md", note("First week, retitled", "2026-11-09"))
    (site.content / "notes/ana/2026-11-17-same-day.md").unlink()  # a removed item
    # pushes the oldest out past the limit:
    site.write("notes/ben/2026-11-18-newer.md", note("Newer", "2026-11-18", author="ben"))
    site.write("notes/2026-11-17-joint.md",
               note("A joint note", "2026-11-17", visibility="unlisted"))  # still built, not listed
    write_config(site, base="http://example.org/wol/", extra="feeds: {limit: 3}")  # back to http
    assert warnings_in(build()) == []


def test_drift_guard_warns_when_a_page_gets_a_new_id(site: SiteDir, build: Build) -> None:
    write_circle(site)
    site.write("notes/ana/2026-11-15-explicit.md", note("Explicit", "2026-11-15", id=OLD_ID))
    build()
    site.write("notes/ana/2026-11-15-explicit.md", note("Explicit", "2026-11-15", id=NEW_ID))
    result = build()
    [warning] = warnings_in(result)
    assert "notes/ana/2026-11-15-explicit.md:1: warning: " in warning
    assert OLD_ID in warning and NEW_ID in warning
    for feed in ("feed.xml", "rss.xml", "feed.json", "notes/feed.xml", "authors/ana/feed.xml"):
        assert str(Path("public") / feed) in warning, feed
    assert f"id: {OLD_ID}" in result.err  # the hint says how to keep it
    assert warnings_in(build()) == []  # said once: the output now holds the new ids


def test_drift_guard_names_only_the_feeds_that_held_the_entry(site: SiteDir, build: Build) -> None:
    """An id that vanished from a tag feed while its page is still built (past the limit
    everywhere else)."""
    write_circle(site, extra="feeds: {limit: 1}")
    site.write("notes/ana/2026-11-10-old.md", note("Old", "2026-11-10", tags="[Rare]", id=OLD_ID))
    build()
    site.write("notes/ana/2026-11-10-old.md", note("Old", "2026-11-10", id=NEW_ID))
    [warning] = warnings_in(build())
    assert OLD_ID in warning and str(Path("public/tags/rare/feed.xml")) in warning
    assert str(Path("public/feed.xml")) not in warning


def test_drift_guard_warns_when_the_site_moves_domain(site: SiteDir, build: Build) -> None:
    write_circle(site)
    build()
    write_circle(site, base="https://circle.example.com/")
    warnings = warnings_in(build())
    assert len(warnings) == len(SHOWN) + len(weeks_shown(site)) == 8  # every item, every week
    assert any("tag:example.org,2026-11-09:notes/first-week" in w
               and "tag:circle.example.com,2026-11-09:notes/first-week" in w for w in warnings)


def test_drift_guard_reads_past_missing_or_broken_feeds(site: SiteDir, build: Build) -> None:
    write_circle(site)
    assert warnings_in(build()) == []
    (site.output / "feed.xml").write_text("<feed><entry>", encoding="utf-8")
    (site.output / "feed.json").write_text("{", encoding="utf-8")
    (site.output / "rss.xml").unlink()
    assert warnings_in(build()) == []


@given(st.text())
def test_the_sitemap_and_blogroll_escape_text_as_the_standard_library_does(text: str) -> None:
    """indexes.py has its own copy of xml.sax.saxutils's escaping (importing it costs every build 15 ms)."""
    assert escape(text) == saxutils.escape(text)
    assert quoteattr(text) == saxutils.quoteattr(text)
