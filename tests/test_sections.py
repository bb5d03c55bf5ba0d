"""/notes/ and /links/: one kind each, paginated like the home page, in the navigation, and
advertising their own feeds, as the items of that kind do (issue #12)."""

from __future__ import annotations

from collections.abc import Callable

import feedparser

from tests.conftest import Run, SiteDir, link, note


def alternates(site: SiteDir, page: str) -> dict[str, str]:
    """title -> href of every Atom feed the page advertises."""
    return {el.get("title"): el.get("href")
            for el in site.html(page).cssselect('link[rel="alternate"][type="application/atom+xml"]')}


def entry_titles(site: SiteDir, page: str) -> list[str]:
    return [a.text_content().strip() for a in site.html(page).cssselect("article.h-entry .entry-title .p-name")]


def test_each_kind_has_its_own_paginated_list(site: SiteDir, build: Callable[..., Run]) -> None:
    site.write("site.yaml", "title: Circle\nbase_url: https://circle.openpractice.net/\nper_page: 2\n"
                            "search: {enabled: false}\n")
    for day in (10, 11, 12):
        site.write(f"notes/ana/2026-11-{day}-n{day}.md", note(f"Note {day}", date=f"2026-11-{day}"))
    site.write("notes/ana/2026-11-13-quiet.md", note("Quiet", date="2026-11-13", visibility="unlisted"))
    site.write("links/2026-11-14-l.md", link("https://read.openpractice.net/l", title="Link 14", date="2026-11-14"))
    build()
    assert entry_titles(site, "notes/") == ["Note 12", "Note 11"]
    assert entry_titles(site, "notes/page/2/") == ["Note 10"]
    assert not (site.output / "notes/page/3").exists()
    assert entry_titles(site, "links/") == ["Link 14"]
    assert not (site.output / "links/page/2").exists()
    older = site.html("notes/").cssselect('a[rel="next"]')
    assert [a.get("href") for a in older] == ["../notes/page/2/"]
    assert site.html("notes/page/2/").cssselect("h1")[0].text_content() == "Weeknotes: page 2"
    sitemap = (site.output / "sitemap.xml").read_text()
    for path in ("notes/", "notes/page/2/", "links/"):
        assert f"<loc>https://circle.openpractice.net/{path}</loc>" in sitemap


def test_sections_are_in_the_navigation_and_advertise_their_feeds(site: SiteDir, build: Callable[..., Run]) -> None:
    site.write("notes/ana/2026-11-16-n.md", note("A note"))
    site.write("links/2026-11-17-l.md", link("https://read.openpractice.net/l", title="A link"))
    build()
    nav = site.html("").cssselect(".site-nav a")
    assert [(a.text_content(), a.get("href")) for a in nav][:3] == [
        ("Latest", "./"), ("Weeknotes", "notes/"), ("Links", "links/")]
    current = site.html("links/").cssselect('.site-nav a[aria-current="page"]')
    assert [a.text_content() for a in current] == ["Links"]
    for page, own in (("notes/", "../notes/feed.xml"), ("notes/n/", "../../notes/feed.xml"),
                      ("links/", "../links/feed.xml"), ("links/l/", "../../links/feed.xml")):
        kind = "weeknotes" if page.startswith("notes") else "link curations"
        assert alternates(site, page)[f"Test Circle: {kind}"] == own, page
        other = "link curations" if kind == "weeknotes" else "weeknotes"
        assert f"Test Circle: {other}" not in alternates(site, page), page
    notes_feed = feedparser.parse((site.output / "notes/feed.xml").read_bytes())
    assert [e.title for e in notes_feed.entries] == ["A note"]
    assert notes_feed.feed.link == "https://example.org/wol/notes/"  # the page the feed mirrors
    links_feed = feedparser.parse((site.output / "links/feed.xml").read_bytes())
    assert [e.title for e in links_feed.entries] == ["A link"]
    assert links_feed.feed.link == "https://example.org/wol/links/"
