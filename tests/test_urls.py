"""urls.py: every path and URL, relative links between pages, and HTML moved between pages."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from hypothesis import given
from hypothesis import strategies as st

from weeknotes.model import urls
from weeknotes.model.urls import Linker, rebase_html
from weeknotes.model.values import Author, TagRef

BASE = "https://example.org/wol/"


def test_paths_of_pages_files_and_feeds() -> None:
    ana = Author("ana", "Ana")
    assert urls.path_of(ana) == "authors/ana/"
    assert urls.path_of(TagRef("pkm", "PKM")) == "tags/pkm/"
    assert urls.feed_path() == "feed.xml"
    assert urls.feed_path(ana) == "authors/ana/feed.xml"
    assert urls.feed_path(urls.WEEKS) == "weeks/feed.xml"
    assert urls.paginated("tags/pkm/", 1) == "tags/pkm/"
    assert urls.paginated("tags/pkm/", 3) == "tags/pkm/page/3/"
    assert urls.file_of("") == "index.html"
    assert urls.file_of("notes/x/") == "notes/x/index.html"
    assert urls.file_of("robots.txt") == "robots.txt"


def test_reserved_names_come_from_the_targets() -> None:
    assert {"notes", "links", "authors", "tags", "weeks", "search", "page", "pagefind", "assets",
            "feed.xml", "rss.xml", "sitemap.xml", "robots.txt", "404.html", "blogroll.opml"} <= urls.RESERVED
    assert "about" not in urls.RESERVED


@pytest.mark.parametrize(("page", "target", "expected"), [
    ("", "", "./"),
    ("", "notes/x/", "notes/x/"),
    ("notes/x/", "", "../../"),
    ("notes/x/", "notes/y/", "../../notes/y/"),
    ("tags/a/page/2/", "feed.xml", "../../../../feed.xml"),
    ("404.html", "weeks/", "weeks/"),
])
def test_links_between_pages_are_relative(page: str, target: str, expected: str) -> None:
    assert Linker(page, BASE)(target) == expected


def test_named_targets_and_avatars() -> None:
    url = Linker("authors/", BASE)
    assert (url.home, url.weeks_feed, url.stylesheet, url.rss) == ("../", "../weeks/feed.xml",
                                                                   "../assets/style.css", "../rss.xml")
    assert url.avatar(Author("a", "A", avatar="avatars/a.svg")) == "../avatars/a.svg"
    assert url.avatar(Author("b", "B", avatar="https://img.example.com/b.png")) == "https://img.example.com/b.png"
    assert url.avatar(Author("c", "C")) is None
    assert Linker("404.html", BASE, absolute=True).home == BASE


@pytest.mark.parametrize(("html", "written_at", "page", "absolute", "expected"), [
    # On its own page, a relative link stays as the author wrote it.
    ('<a href="../y/">y</a>', "notes/x/", "notes/x/", False, '<a href="../y/">y</a>'),
    # Moved to a page at another depth, it points to the same place.
    ('<a href="../y/">y</a>', "notes/x/", "", False, '<a href="notes/y/">y</a>'),
    ('<a href="../y/">y</a>', "notes/x/", "weeks/2026-W47/", False, '<a href="../../notes/y/">y</a>'),
    # Root-relative means the site's root, wherever the site is served.
    ('<img src="/img/a.png">', "notes/x/", "notes/x/", False, '<img src="../../img/a.png">'),
    # Feeds and email get absolute URLs; query and fragment travel along, &amp; stays escaped.
    ('<a href="../y/?a=1&amp;b=2#c">y</a>', "notes/x/", "notes/x/", True,
     f'<a href="{BASE}notes/y/?a=1&amp;b=2#c">y</a>'),
    # Footnotes, other sites and mailto are left alone.
    ('<a href="#fn1">1</a> <a href="https://a.example/">a</a> <a href="mailto:x@example.org">m</a>',
     "notes/x/", "", True,
     '<a href="#fn1">1</a> <a href="https://a.example/">a</a> <a href="mailto:x@example.org">m</a>'),
])
def test_html_is_rebased_to_the_page_it_is_shown_on(html: str, written_at: str, page: str, absolute: bool,
                                                    expected: str) -> None:
    assert rebase_html(html, written_at, Linker(page, BASE, absolute)) == expected


def test_a_link_above_the_site_root_stops_at_the_root() -> None:
    linker = Linker("notes/x/", BASE, absolute=True)
    assert rebase_html('<a href="../../../../elsewhere/">e</a>', "notes/x/", linker) == (
        f'<a href="{BASE}elsewhere/">e</a>')


SEGMENT = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=6)
PAGE = st.lists(SEGMENT, max_size=4).map(lambda parts: "".join(part + "/" for part in parts))
TARGET = st.tuples(st.lists(SEGMENT, max_size=3), st.sampled_from(["", "/", ".html"])).map(
    lambda t: "/".join(t[0]) + (t[1] if t[0] else ""))


@given(PAGE, PAGE, TARGET, st.booleans(), st.booleans())
def test_a_rebased_link_points_where_it_pointed_from_its_own_page(written_at: str, shown_at: str, target: str,
                                                                   root_relative: bool, absolute: bool) -> None:
    """Wherever HTML is shown (another page, a feed, an email), each link reaches the same site path."""
    href = "/" + target if root_relative else "../" * written_at.count("/") + target or "./"
    rebased = rebase_html(f'<a href="{href}">x</a>', written_at, Linker(shown_at, BASE, absolute))
    new_href = rebased.removeprefix('<a href="').removesuffix('">x</a>')
    site = "http://site.invalid/"
    where = BASE if absolute else site + shown_at
    assert urljoin(where, new_href) == (BASE if absolute else site) + target
