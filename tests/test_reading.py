"""What a reader meets (issue 26): link posts that go where they say, notes that lead on, tab
titles and headings in one word, and a digest whose parts come in one order however it is read.
"""

from __future__ import annotations

import email
import email.policy
import json
import re
from collections.abc import Callable
from email.message import EmailMessage

import lxml.html
import mf2py

from tests.conftest import Run, SiteDir, link, note

CURATED = "https://www.example.net/essay?id=7&utm_source=newsletter&utm_medium=email&fbclid=abc"
SHOWN = "https://www.example.net/essay?id=7"


def permalink(entry: lxml.html.HtmlElement) -> str:
    """The href of an entry's own `u-url` (not a person's card in its byline)."""
    links = [a for a in entry.cssselect("a.u-url") if not a.xpath("ancestor::*[contains(@class, 'h-card')]")]
    assert len(links) == 1, lxml.html.tostring(entry)
    return str(links[0].get("href"))


def visible_text(page: lxml.html.HtmlElement) -> str:
    """What a reader sees or hears of a page: its text and every attribute but the link targets."""
    for element in page.xpath("//script|//style"):
        element.drop_tree()
    attributes = [value for element in page.iter() if isinstance(element.tag, str)
                  for name, value in element.attrib.items() if name not in ("href", "src")]
    return " ".join([page.text_content(), *attributes])


def curated_site(site: SiteDir) -> None:
    site.write("links/2026-11-17-essay.md", link(CURATED, title="An essay on slow learning", tags="[learning]",
                                                 via="ben"))
    site.write("notes/ana/2026-11-16-week.md", note("My week", tags="[learning]"))


def test_a_link_title_goes_to_the_curated_address_with_its_domain_beside_it(
        site: SiteDir, build: Callable[..., Run]) -> None:
    curated_site(site)
    build()
    for page in ("", "links/", "tags/learning/", "authors/ana/"):
        [entry] = site.html(page).cssselect("article.entry-links")
        title = entry.cssselect(".entry-title a")[0]
        assert (title.get("href"), title.text_content()) == (CURATED, "An essay on slow learning"), page
        assert entry.cssselect(".entry-title .domain")[0].text_content() == "(example.net)", page
        assert permalink(entry).endswith("links/essay/"), page  # a small permalink to our page stays
    # Microformats: the entry's url is our page, what it bookmarks is the curator's address.
    home = mf2py.parse(doc=(site.output / "index.html").read_text(), url="https://example.org/wol/")
    [feed] = [i for i in home["items"] if "h-feed" in i["type"]]
    [entry] = [child for child in feed["children"] if "bookmark-of" in child["properties"]]
    assert entry["properties"]["url"] == ["https://example.org/wol/links/essay/"]
    assert entry["properties"]["bookmark-of"] == [CURATED]
    assert entry["properties"]["name"] == ["An essay on slow learning"]

    page = site.html("links/essay/")
    title = page.cssselect("h1 a")[0]
    assert (title.get("href"), title.text_content()) == (CURATED, "An essay on slow learning")
    assert page.cssselect("h1 .domain")[0].text_content() == "(example.net)"
    assert page.cssselect(".bookmark a")[0].text_content() == SHOWN
    assert page.cssselect(".bookmark a")[0].get("href") == CURATED
    digest = site.html("weeks/2026-W47/")
    title = digest.cssselect(".merged-link h3 a")[0]
    assert (title.get("href"), title.text_content()) == (CURATED, "An essay on slow learning")
    assert digest.cssselect(".merged-link .domain")[0].text_content() == "(example.net)"


def test_no_page_or_email_shows_tracking_parameters_as_text(
        site: SiteDir, build: Callable[..., Run], run: Callable[..., Run]) -> None:
    curated_site(site)
    # A second link, found dead by `weeknotes links`: its archived copy's address carries the
    # curator's address, tracking parameters and all.
    site.write("links/2026-11-18-gone.md", link("https://example.org/gone?utm_campaign=x", date="2026-11-18"))
    site.write("links-health.yaml", "https://example.org/gone?utm_campaign=x:\n  status: dead\n"
                                     "  answer: 410 Gone\n  since: 2026-11-18\n")
    build()
    assert site.html("links/gone/").cssselect(".link-gone a.archived-copy")
    pages = [p for p in site.output.rglob("*.html")]
    assert len(pages) > 10
    kept = 0
    for path in pages:
        html = path.read_bytes()
        kept += html.count(b"utm_source=newsletter")  # in the hrefs: the address is the curator's
        shown = visible_text(lxml.html.fromstring(html))
        assert not re.search(r"utm_|fbclid", shown), path.relative_to(site.output)
    assert kept >= 5
    result = run("digest", "2026-W47", "--content", site.content, "--format", "eml")
    assert result.code == 0, result.err
    message = email.message_from_bytes(result.out.encode("utf-8"), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    text = message.get_body(("plain",))
    assert text is not None
    assert SHOWN in text.get_content() and "utm_" not in text.get_content()
    assert "Archived copy: https://web.archive.org/web/20261118/https://example.org/gone\r\n" in text.get_content()


def neighbour_links(page: lxml.html.HtmlElement) -> dict[str, str]:
    return {str(a.get("rel")): str(a.get("href")) for a in page.cssselect("nav.item-nav a[rel]")}


def test_a_note_leads_to_its_week_and_the_notes_either_side(site: SiteDir, build: Callable[..., Run]) -> None:
    site.write("notes/ana/2026-11-09-first.md", note("First", date="2026-11-09"))
    site.write("notes/ben/2026-11-10-second.md", note("Second", date="2026-11-10", author="ben"))
    site.write("notes/ana/2026-11-11-aside.md", note("Aside", date="2026-11-11", visibility="unlisted"))
    site.write("notes/ana/2026-11-17-third.md", note("Third", date="2026-11-17"))
    site.write("links/2026-11-12-l.md", link("https://example.net/l", date="2026-11-12"))
    build()
    second = site.html("notes/second/")
    assert neighbour_links(second) == {"prev": "../../notes/first/", "next": "../../notes/third/"}
    [week] = second.cssselect("nav.item-nav .in-week a")
    assert (week.text_content(), week.get("href")) == ("Week 46, 2026", "../../weeks/2026-W46/")
    assert second.cssselect("nav.item-nav a[rel=prev]")[0].text_content() == "Previous weeknote"
    assert neighbour_links(site.html("notes/first/")) == {"next": "../../notes/second/"}
    assert neighbour_links(site.html("notes/third/")) == {"prev": "../../notes/second/"}
    # An unlisted note is in no sequence (nothing leads to it), but it still leads to its week.
    aside = site.html("notes/aside/")
    assert neighbour_links(aside) == {}
    assert aside.cssselect("nav.item-nav .in-week a")[0].get("href") == "../../weeks/2026-W46/"
    assert not site.html("links/l/").cssselect("nav.item-nav")

    site.write("site.yaml", (site.content / "site.yaml").read_text() + "language: cy\n")
    build()
    welsh = site.html("notes/second/").cssselect("nav.item-nav")[0].text_content()
    assert "Y nodyn wythnos blaenorol" in welsh and "Wythnos 46, 2026" in welsh


def test_tab_titles_and_headings_say_the_same(site: SiteDir, build: Callable[..., Run]) -> None:
    site.write("site.yaml", (site.content / "site.yaml").read_text() + "per_page: 1\n")
    site.write("notes/ana/2026-11-16-a.md", note("A", tags="[pkm]"))
    site.write("notes/ana/2026-11-17-b.md", note("B", date="2026-11-17", tags="[pkm]"))
    build()
    pages = {"tags/": "Topics", "authors/": "People", "tags/pkm/": "Tagged “pkm”",
             "tags/pkm/page/2/": "Tagged “pkm”: page 2", "page/2/": "Test Circle: page 2",
             "notes/page/2/": "Weeknotes: page 2", "authors/ana/page/2/": "Ana Pérez: page 2"}
    for path, heading in pages.items():
        page = site.html(path)
        assert page.cssselect("main h1")[0].text_content() == heading, path
        assert page.cssselect("title")[0].text_content() == f"{heading} · Test Circle", path


def test_notes_and_links_lists_follow_in_their_own_words(site: SiteDir, build: Callable[..., Run]) -> None:
    site.write("notes/ana/2026-11-16-a.md", note("A"))
    site.write("links/2026-11-17-l.md", link("https://example.net/l"))
    build()
    notes, links = site.html("notes/"), site.html("links/")
    assert notes.cssselect("main p a")[0].text_content() == "Follow the weeknotes in a feed reader"
    assert links.cssselect("main p a")[0].text_content() == "Follow the links in a feed reader"
    assert "Only weeknotes" in notes.cssselect(".subscribe")[0].text_content()
    assert "Only links" in links.cssselect(".subscribe")[0].text_content()
    assert "“" not in notes.text_content() + links.text_content()  # not worded as a tag


def blog_snapshot(url: str) -> str:
    return json.dumps({
        "weeknotes_snapshot": 1, "author": "ana", "feed": "https://ana.example.net/feed.xml", "location": None,
        "etag": None, "last_modified": None, "gone": False,
        "entries": [{"id": "tag:ana.example.net,2026:1", "url": url, "title": "On my own blog",
                     "published": "2026-11-18T08:00:00+00:00", "updated": None, "summary": "Posted at home."}]})


def test_every_rendering_of_a_digest_has_its_parts_in_one_order(
        site: SiteDir, build: Callable[..., Run], run: Callable[..., Run]) -> None:
    site.write("authors.yaml", (site.content / "authors.yaml").read_text().replace(
        "  feed: https://ana.example.net/feed.xml", "  feed: https://ana.example.net/feed.xml\n  aggregate: true"))
    site.write("blogs/ana.json", blog_snapshot("https://ana.example.net/posts/1"))
    site.write("digests/2026-W47.md", "---\ntitle: A full week\neditors: [ben]\n---\n\nHello.\n")
    site.write("notes/ana/2026-11-16-a.md", note("A note"))
    site.write("links/2026-11-17-l.md", link("https://example.net/l", title="A link"))
    build()
    headings = ["Weeknotes", "From members' blogs", "Links", "This week's contributors"]
    page = site.html("weeks/2026-W47/")
    assert [h.text_content() for h in page.cssselect(".digest h2")] == headings
    assert page.cssselect(".digest > section")[0].get("class") == "intro"
    eml = run("digest", "2026-W47", "--content", site.content, "--format", "eml")
    assert eml.code == 0, eml.err
    message = email.message_from_bytes(eml.out.encode("utf-8"), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    text_part, html_part = message.get_body(("plain",)), message.get_body(("html",))
    assert text_part is not None and html_part is not None
    text = text_part.get_content()
    assert [line for line in text.splitlines() if line in headings] == headings
    assert text.index("Hello.") < text.index("Weeknotes")
    html = lxml.html.fromstring(html_part.get_content())
    assert [h.text_content() for h in html.cssselect(".digest h2")] == headings
    markdown = run("digest", "2026-W47", "--content", site.content, "--format", "markdown")
    assert markdown.code == 0, markdown.err
    assert re.findall(r"(?m)^## (.*)$", markdown.out) == headings[:3]
    assert markdown.out.index("Read the editor's introduction") < markdown.out.index("## Weeknotes")
    assert markdown.out.rstrip().endswith("Contributors: Ana Pérez, Ben Okafor")
    # "From NAME's blog", one wording wherever the post is shown.
    wording = "From Ana Pérez's blog"
    assert wording in page.cssselect(".digest-blogs .meta")[0].text_content()
    assert wording in site.html("").cssselect("article.entry-blogs .kind")[0].text_content()
    assert wording in text and wording in markdown.out
