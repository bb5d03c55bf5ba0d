"""Weekly digests: ISO weeks in the site's timezone, merged curations, intro, feed, email."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import feedparser
import lxml.html
import mf2py
import pytest

from tests.conftest import Run, SiteDir, link, note


def entries(doc_text: str, url: str) -> list[dict[str, Any]]:
    parsed = mf2py.parse(doc=doc_text, url=url)

    def walk(items: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for item in items:
            yield item
            yield from walk(item.get("children", []))
            for values in item.get("properties", {}).values():
                yield from walk(v for v in values if isinstance(v, dict) and "type" in v)

    return [i for i in walk(parsed["items"]) if "h-entry" in i["type"]]


def test_weeks_are_iso_weeks_in_the_site_timezone(site: SiteDir, build: Callable[..., Run]) -> None:
    site.write("site.yaml", "title: T\nbase_url: https://example.org/\ntimezone: Australia/Sydney\nsearch: {enabled: false}\n")
    # 2024-12-30 is a Monday in ISO week 2025-W01.
    site.write("notes/a/2024-12-30-new-year.md", note("New year", date="2024-12-30"))
    # Sunday 22:30 in London is Monday 09:30 in Sydney: week 2026-W03 there, not W02.
    site.write("notes/a/2026-01-11-late.md", note("Late Sunday", date="2026-01-11T22:30:00+00:00"))
    # Sunday 23:59 Sydney time stays in its week.
    site.write("notes/a/2026-01-04-sunday.md", note("Sunday", date="2026-01-04 23:59"))
    build()
    weeks = sorted(p.name for p in (site.output / "weeks").iterdir() if p.is_dir())
    assert weeks == ["2025-W01", "2026-W01", "2026-W03"]
    page = site.html("weeks/2026-W03/")
    assert [a.text_content() for a in page.cssselect(".digest-notes h4 a")] == ["Late Sunday"]
    assert "January 12, 2026 to January 18, 2026" in page.text_content()


def test_a_url_curated_by_two_people_is_one_entry_naming_both(site: SiteDir, build: Callable[..., Run]) -> None:
    site.write("links/2026-11-16-one.md", link("https://www.Example.org/path/?utm_source=news&utm_medium=email",
                                               date="2026-11-16", body="Ana's take.", title="The article"))
    site.write("links/2026-11-17-two.md", link("http://example.org:80/path#part", date="2026-11-17", author="ben",
                                               body="Ben's take.", via="ana"))
    site.write("links/2026-11-18-other.md", link("https://example.org/other", date="2026-11-18"))
    build()
    html = (site.output / "weeks/2026-W47/index.html").read_text()
    found = entries(html, "https://example.org/wol/weeks/2026-W47/")
    merged = [e for e in found if e["properties"].get("bookmark-of", [""])[0].startswith("https://www.Example.org/path")]
    assert len(merged) == 1
    props = merged[0]["properties"]
    assert sorted(a["properties"]["name"][0] for a in props["author"]) == ["Ana Pérez", "Ben Okafor"]
    contents = " ".join(c["value"] for c in props["content"])
    assert "Ana's take." in contents and "Ben's take." in contents
    assert "via" in html and "Ana Pérez" in html
    assert len([e for e in found if "bookmark-of" in e["properties"]]) == 2
    # Each link page says who else curated the same URL.
    page = site.html("links/two/")
    assert "Ana Pérez" in page.cssselect(".also-curated")[0].text_content()


def test_intro_numbers_range_navigation_and_contributors(site: SiteDir, build: Callable[..., Run]) -> None:
    site.write("notes/a/2026-11-02-one.md", note("One", date="2026-11-02"))
    site.write("notes/b/2026-11-16-two.md", note("Two", date="2026-11-16", author="ben"))
    site.write("digests/2026-W47.md", "---\ntitle: A week of threads\neditors: [ana]\n---\n\nWelcome, **everyone**.\n")
    site.write("digests/2026-W46.md", "---\ntitle: Only an intro\neditors: [ben]\n---\n\nNothing else yet.\n")
    # An intro for a week still to come is held back like any scheduled item.
    site.write("digests/2026-W49.md", "---\ntitle: Next month\n---\n\nLater.\n")
    build()
    w47 = site.html("weeks/2026-W47/")
    assert w47.cssselect("h1")[0].text_content() == "A week of threads"
    assert "Welcome, everyone." in w47.cssselect(".intro")[0].text_content()
    # Readers are told the week and its dates, not a digest number or an ISO week key (issue 26).
    assert w47.cssselect(".digest header .meta")[0].text_content() == (
        "Week 47, 2026 · November 16, 2026 to November 22, 2026")
    assert "Digest" not in w47.text_content() and "2026-W47" not in w47.cssselect("main")[0].text_content()
    nav = {a.get("rel"): a.get("href") for a in w47.cssselect("nav.pagination a[rel]")}
    assert nav == {"prev": "../../weeks/2026-W46/"}
    assert "Ben Okafor" in w47.cssselect(".contributors")[0].text_content()
    assert not (site.output / "weeks/2026-W49").exists()
    only_intro = site.html("weeks/2026-W46/")
    assert "Nothing else yet." in only_intro.text_content()
    archive = site.html("weeks/")
    assert [a.text_content() for a in archive.cssselect(".weeks a")] == ["A week of threads", "Only an intro", "Week 45, 2026"]


def test_digest_feed_has_one_entry_per_week_with_the_whole_digest(site: SiteDir, build: Callable[..., Run]) -> None:
    site.write("notes/a/2026-11-02-one.md", note("One", date="2026-11-02", body="Body one."))
    site.write("links/2026-11-16-l.md", link("https://example.net/x", date="2026-11-16", body="Commentary here."))
    build()
    feed = feedparser.parse((site.output / "weeks/feed.xml").read_bytes())
    assert not feed.bozo
    assert [e.title for e in feed.entries] == ["Week 47, 2026", "Week 45, 2026"]
    assert len({e.id for e in feed.entries}) == 2
    assert "Commentary here." in feed.entries[0].content[0].value
    assert 'href="https://example.org/wol/links/l/"' in feed.entries[0].content[0].value


def test_email_is_self_contained(site: SiteDir, build: Callable[..., Run]) -> None:
    site.write("notes/a/2026-11-16-one.md", note("One", body="See [the other](../two/) and [about](/about/)."))
    site.write("notes/a/2026-11-17-two.md", note("Two", date="2026-11-17"))
    site.write("links/2026-11-16-l.md", link("https://example.net/x", body="Read [this](../../notes/one/)."))
    build()
    raw = (site.output / "weeks/2026-W47/email.html").read_text()
    doc = lxml.html.fromstring(raw)
    assert doc.cssselect("script") == [] and doc.cssselect("style") == [] and doc.cssselect("link") == []
    urls = [el.get(attr) for el in doc.iter() for attr in ("href", "src") if el.get(attr)]
    assert urls and all(u.startswith(("https://", "http://", "mailto:")) for u in urls), urls
    assert "https://example.org/wol/notes/one/" in urls
    assert doc.cssselect("body")[0].get("style")  # styles were inlined


def test_digest_command_prints_each_format(site: SiteDir, build: Callable[..., Run], run: Callable[..., Run],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795424400")  # Monday 2026-11-23: without a week, digest takes W47
    site.write("notes/a/2026-11-16-one.md", note("One [x]", summary="A short summary."))
    site.write("notes/a/2026-11-02-old.md", note("Old", date="2026-11-02"))
    markdown = run("digest", "--content", site.content)
    assert markdown.code == 0, markdown.err
    assert markdown.out.startswith("# Week 47, 2026")
    assert "https://example.org/wol/notes/one/" in markdown.out and "A short summary." in markdown.out
    older = run("digest", "2026-W45", "--content", site.content, "--format", "email")
    assert older.code == 0 and "<html" in older.out and "Old" in older.out
    missing = run("digest", "2020-W01", "--content", site.content)
    assert missing.code == 2 and "no digest for 2020-W01" in missing.err


def test_backlinks_show_notes_that_link_here(site: SiteDir, build: Callable[..., Run]) -> None:
    site.write("notes/a/2026-11-16-target.md", note("Target"))
    site.write("notes/b/2026-11-17-source.md", note("Source", date="2026-11-17", author="ben",
                                                    body="Building on [Ana's note](../target/) and [a read](https://example.net/read?utm_source=x)."))
    site.write("links/2026-11-15-read.md", link("https://example.net/read", date="2026-11-15"))
    build()
    for page in ("notes/target/", "links/read/"):
        mentions = site.html(page).cssselect(".backlinks li > a")
        assert [a.text_content() for a in mentions] == ["Source"], page


def test_check_helps_curators(site: SiteDir, run: Callable[..., Run]) -> None:
    site.write("links/2026-11-02-first.md", link("https://example.net/a", date="2026-11-02", author="ben"))
    site.write("links/2026-11-16-again.md", link("http://www.example.net/a/?utm_source=x", date="2026-11-16"))
    result = run("check", "--content", site.content)
    assert result.code == 0
    assert "again.md:2: warning: the link carries tracking parameters (utm_source)" in result.err
    assert "again.md:2: warning: the link uses http://" in result.err
    assert "again.md:2: warning: Ben Okafor already curated this link in 2026-W45" in result.err


def test_two_people_with_one_name_are_two_groups_on_the_page_and_in_markdown(
        site: SiteDir, build: Callable[..., Run], run: Callable[..., Run]) -> None:
    site.write("authors.yaml", """\
        sam-a:
          name: Sam Lee
          publish: public
        sam-b:
          name: Sam Lee
          publish: public
        """)
    site.write("notes/2026-11-16-first.md", note("First Sam", date="2026-11-16", author="sam-a"))
    site.write("notes/2026-11-17-second.md", note("Second Sam", date="2026-11-17", author="sam-b"))
    site.write("notes/2026-11-18-third.md", note("First Sam again", date="2026-11-18", author="sam-a"))
    build()
    groups: list[tuple[str, list[str], set[str]]] = []
    for element in site.html("weeks/2026-W47/").cssselect(".digest-notes")[0]:
        if element.tag == "h3":
            groups.append((element.text_content(), [], set()))
        elif element.tag == "article":
            groups[-1][1].append(element.cssselect("h4")[0].text_content())
            groups[-1][2].update(a.get("href") for a in element.cssselect(".p-author a"))
    assert groups == [("Sam Lee", ["First Sam", "First Sam again"], {"../../authors/sam-a/"}),
                      ("Sam Lee", ["Second Sam"], {"../../authors/sam-b/"})]
    markdown = run("digest", "2026-W47", "--content", site.content, "--format", "markdown")
    assert markdown.code == 0, markdown.err
    assert markdown.out.split("## Weeknotes\n\n", 1)[1] == (
        "### Sam Lee\n\n"
        "- [First Sam](https://example.org/wol/notes/first/) by Sam Lee: Some text.\n"
        "- [First Sam again](https://example.org/wol/notes/third/) by Sam Lee: Some text.\n\n"
        "### Sam Lee\n\n"
        "- [Second Sam](https://example.org/wol/notes/second/) by Sam Lee: Some text.\n\n"
        "Contributors: Sam Lee, Sam Lee\n")
