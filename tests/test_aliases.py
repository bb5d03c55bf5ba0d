"""`aliases:` (a post's old addresses): each a small page that sends readers on (meta refresh,
rel=canonical, noindex), in every build that has the post and in no other, and in no list,
feed, sitemap or search index; an alias that would take a real page's place is an error."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import urljoin

import lxml.html
import pytest

from tests.conftest import SITE_YAML, Run, SiteDir, link, note
from tests.consent_support import read_output

BASE = "https://example.org/wol/"
NOT_A_PATH = "every entry of `aliases` must be a path on this site, like /notes/old-slug/: "


def redirect_of(site: SiteDir, rel: str) -> tuple[str, str, str]:
    """(where the meta refresh goes, the canonical address, the robots rule) of a built page at `rel`,
    the refresh resolved against the page's own address as a browser does."""
    page = lxml.html.fromstring((site.output / rel).read_bytes())
    [refresh] = page.xpath('//meta[@http-equiv="refresh"]/@content')
    delay, target = refresh.split(";", 1)
    assert delay.strip() == "0" and target.strip().startswith("url=")
    [canonical] = page.xpath('//link[@rel="canonical"]/@href')
    [robots] = page.xpath('//meta[@name="robots"]/@content')
    [shown] = page.xpath("//a/@href")
    address = BASE + rel.removesuffix("index.html")
    went = urljoin(address, target.strip().removeprefix("url="))
    assert urljoin(address, shown) == went  # the link a reader can follow when refresh is off
    return went, canonical, robots


@pytest.fixture
def moved(site: SiteDir) -> SiteDir:
    site.write("notes/ana/2026-11-16-new-name.md", note("Renamed, not new", aliases="[/notes/old-name/, /2026/11/old.html]"))
    site.write("links/2026-11-17-tool.md", link("https://example.net/tool", title="A tool",
                                                aliases="/links/a-tool"))
    site.write("notes/ana/2026-11-17-internal.md", note("Colleagues only", date="2026-11-17", visibility="internal",
                                                        aliases="[/notes/was-internal/]"))
    site.write("notes/ana/2026-11-18-draft.md", note("Not yet", date="2026-11-18", visibility="draft",
                                                     aliases="[/notes/was-draft/]"))
    site.write("notes/ana/2027-01-04-later.md", note("Later", date="2027-01-04", aliases="[/notes/was-later/]"))
    site.write("notes/ana/2026-11-16-accent.md", note("Café", aliases='["/notes/caf%C3%A9/"]'))
    return site


def test_each_old_address_sends_readers_and_search_engines_to_the_post(moved: SiteDir, build: Callable[..., Run]) -> None:
    build()
    expected = {"notes/old-name/index.html": "notes/new-name/", "2026/11/old.html": "notes/new-name/",
                "links/a-tool/index.html": "links/tool/", "notes/café/index.html": "notes/accent/"}
    for rel, page in expected.items():
        assert redirect_of(moved, rel) == (BASE + page, BASE + page, "noindex"), rel
    title = lxml.html.fromstring((moved.output / "notes/old-name/index.html").read_bytes()).findtext(".//title")
    assert title == "Renamed, not new · Test Circle"


def test_old_addresses_are_in_no_list_feed_or_sitemap(moved: SiteDir, build: Callable[..., Run]) -> None:
    build()
    files = moved.files()
    old = ("old-name", "old.html", "a-tool", "caf")
    listed = {rel: data for rel, data in files.items()
              if rel in ("sitemap.xml", "feed.xml", "rss.xml", "feed.json", "notes/feed.xml", "links/feed.xml",
                         "weeks/feed.xml", "index.html", "notes/index.html", "links/index.html",
                         "weeks/2026-W47/index.html")}
    assert len(listed) == 11
    assert b"/notes/new-name/" in listed["sitemap.xml"]
    for rel, data in listed.items():
        assert not any(name.encode() in data for name in old), rel


def test_a_redirect_is_made_only_in_the_builds_its_post_is_in(moved: SiteDir, build: Callable[..., Run],
                                                              run: Callable[..., Run]) -> None:
    build()
    made = {rel for rel in moved.files() if rel.startswith("notes/was-")}
    assert made == set()
    internal = moved.root / "internal"
    result = run("build", "--content", moved.content, "--output", internal, "--audience", "internal")
    assert result.code == 0, result.err
    assert (internal / "notes/was-internal/index.html").is_file()
    assert not (internal / "notes/was-draft").exists() and not (internal / "notes/was-later").exists()
    preview = moved.root / "preview"
    result = run("build", "--content", moved.content, "--output", preview, "--drafts", "--future")
    assert result.code == 0, result.err
    assert (preview / "notes/was-draft/index.html").is_file() and (preview / "notes/was-later/index.html").is_file()
    assert not (preview / "notes/was-internal").exists()


def test_dropping_an_alias_removes_its_page(moved: SiteDir, build: Callable[..., Run]) -> None:
    build()
    assert (moved.output / "notes/old-name/index.html").is_file()
    moved.write("notes/ana/2026-11-16-new-name.md", note("Renamed, not new", aliases="[/2026/11/old.html]"))
    build()
    assert not (moved.output / "notes/old-name").exists()
    assert (moved.output / "2026/11/old.html").is_file()


def test_old_addresses_are_not_in_the_search_index(site: SiteDir, build: Callable[..., Run]) -> None:
    site.write("site.yaml", SITE_YAML.replace("search: {enabled: false}\n", ""))
    site.write("notes/ana/2026-11-16-new-name.md", note("Renamed zqbalomurikq", aliases="[/notes/old-name/]"))
    build()
    index = {rel: data for rel, data in read_output(site.output).items() if rel.startswith("pagefind/")}
    fragments = [data for rel, data in index.items() if "/fragment/" in rel]
    assert fragments and any(b"zqbalomurikq" in data for data in fragments)
    urls = [json.loads(data)["url"] for data in fragments]
    assert urls == ["/notes/new-name/"]  # Pagefind names pages from the site's root


@pytest.mark.parametrize(("aliases", "expected"), [
    ("[/notes/other/]", "alias /notes/other/ is the address of {other}: a redirect there would take that page's place"),
    ("[/about/]", "alias /about/ is the address of {about}: a redirect there would take that page's place"),
    ("[/notes/mine/]", "alias /notes/mine/ is this post's own address"),
    ("[/tags/tools/]", "alias /tags/tools/ would take the place of /tags/tools/index.html, which this build writes itself"),
    ("[/feed.xml/]", "alias /feed.xml/ would take the place of /feed.xml, which this build writes itself"),
    ("[/]", "alias / would take the place of /index.html, which this build writes itself"),
    ("[/notes/]", "alias /notes/ would take the place of /notes/index.html, which this build writes itself"),
    ("[/pagefind/old/]", "alias /pagefind/old/ is inside /pagefind/, where the search index lives"),
    ("[https://example.org/wol/notes/x/]", NOT_A_PATH + "'https://example.org/wol/notes/x/' is a whole address; give only its path"),
    ("[notes/x/]", NOT_A_PATH + "'notes/x/' does not start with /"),
    ("[/notes/%2E%2E/%2E%2E/x/]", NOT_A_PATH + "'/notes/%2E%2E/%2E%2E/x/' may not hold //, /./ or /../"),
    ("[/old.php]", NOT_A_PATH + "'/old.php' names a file that is not a page: end it with / (or .html or .htm)"),
    ("[/notes/x?y=1]", NOT_A_PATH + "'/notes/x?y=1' may not hold spaces, backslashes, ? or #"),
])
def test_an_alias_that_would_take_a_page_s_place_is_an_error_at_its_line(site: SiteDir, build: Callable[..., Run],
                                                                          aliases: str, expected: str) -> None:
    other = site.write("notes/ben/2026-11-17-other.md", note("Other", author="ben", date="2026-11-17", tags="[Tools]"))
    about = site.write("pages/about.md", "---\ntitle: About\n---\n\nAbout us.\n")
    mine = site.write("notes/ana/2026-11-16-mine.md", note("Mine", aliases=aliases))
    result = build(ok=False)
    assert result.code == 1
    assert f"{mine}:5: error: " + expected.format(other=other, about=about) in result.err, result.err
    assert not site.output.exists()


def test_an_old_address_redirects_to_one_post_only(site: SiteDir, build: Callable[..., Run]) -> None:
    first = site.write("notes/ana/2026-11-16-one.md", note("One", aliases="[/notes/old/]"))
    second = site.write("notes/ben/2026-11-17-two.md", note("Two", author="ben", date="2026-11-17",
                                                           aliases="[/notes/old]"))
    result = build(ok=False)
    reported = [line for line in result.err.splitlines() if ": error: " in line]
    assert reported == [f"{second}:5: error: alias /notes/old/ is already an alias of {first}"]
