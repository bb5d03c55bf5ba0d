"""Building a site: every page at its path, relative links that resolve, escaping, determinism."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import lxml.html

from tests.conftest import Run, SiteDir, link, note
from tests.sitecheck import broken_links, html_files, local_links

REPO = Path(__file__).resolve().parent.parent


def small_site(site: SiteDir) -> None:
    site.write("notes/ana/2026-11-16-first-week.md", note("First week", tags="[Working Out Loud, PKM]",
                                                          body="Hello [second](../second-week/) and [about](/about/)."))
    site.write("notes/ben/2026-11-09-second-week.md", note("Second week", date="2026-11-09", author="ben",
                                                           tags="[working out loud]"))
    site.write("links/2026-11-17-a-link.md", link("https://example.net/article?utm_source=x", tags="[pkm]"))
    site.write("pages/about.md", "---\ntitle: About us\n---\n\nWho we are.\n")
    site.write("static/images/logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")


def test_every_page_in_the_design_table_exists(site: SiteDir, build: Callable[..., Run]) -> None:
    small_site(site)
    build()
    out = site.output
    expected = ["index.html", "notes/first-week/index.html", "links/a-link/index.html", "about/index.html",
                "authors/index.html", "authors/ana/index.html", "authors/ben/index.html",
                "tags/index.html", "tags/working-out-loud/index.html", "tags/pkm/index.html",
                "weeks/index.html", "weeks/2026-W47/index.html", "weeks/2026-W46/index.html",
                "404.html", "sitemap.xml", "robots.txt", "blogroll.opml", "images/logo.svg",
                "feed.xml", "rss.xml", "feed.json", "weeks/feed.xml", "weeks/2026-W47/email.html"]
    missing = [rel for rel in expected if not (out / rel).is_file()]
    assert missing == []


def test_links_are_relative_and_resolve(site: SiteDir, build: Callable[..., Run]) -> None:
    small_site(site)
    build()
    assert broken_links(site.output) == []
    pages = {p.relative_to(site.output).as_posix() for p in html_files(site.output)}
    for path, value in local_links(site.output):
        rel = path.relative_to(site.output).as_posix()
        if rel not in ("404.html",) and not rel.endswith("email.html"):
            assert not value.startswith("/"), f"root-relative link {value} in {rel}"
    assert "notes/first-week/index.html" in pages


def test_markdown_links_keep_working_under_a_path_prefix(site: SiteDir, build: Callable[..., Run]) -> None:
    small_site(site)
    build()
    page = site.html("notes/first-week/")
    hrefs = [a.get("href") for a in page.cssselect(".e-content a")]
    assert hrefs == ["../second-week/", "../../about/"]


def test_404_uses_absolute_urls(site: SiteDir, build: Callable[..., Run]) -> None:
    small_site(site)
    build()
    page = site.html("404.html")
    css = [el.get("href") for el in page.cssselect("link[rel=stylesheet]")]
    assert css == ["https://example.org/wol/assets/style.css"]


def test_tags_with_equal_slugs_are_one_tag_in_the_most_used_spelling(site: SiteDir, build: Callable[..., Run]) -> None:
    small_site(site)
    build()
    index = site.html("tags/")
    names = {a.text_content(): a.getparent().text_content() for a in index.cssselect(".tag-cloud a")}
    # Ties (one use each): the first in sort order wins; "PKM" < "pkm", "Working Out Loud" < "working out loud".
    assert names == {"PKM": "PKM (2)", "Working Out Loud": "Working Out Loud (2)"}


def test_microformats_on_a_note_and_a_link(site: SiteDir, build: Callable[..., Run]) -> None:
    import mf2py

    small_site(site)
    build()
    parsed = mf2py.parse(doc=(site.output / "links/a-link/index.html").read_text(), url="https://example.org/wol/links/a-link/")
    entry = next(i for i in parsed["items"] if "h-entry" in i["type"])
    props = entry["properties"]
    assert props["bookmark-of"] == ["https://example.net/article?utm_source=x"]
    assert props["author"][0]["properties"]["name"] == ["Ana Pérez"]
    assert props["published"][0].startswith("2026-11-17")
    # "PKM" (the note) and "pkm" (this link) tie at one use each: the first in sort order wins.
    assert props["category"] == ["PKM"]
    home = mf2py.parse(doc=(site.output / "index.html").read_text(), url="https://example.org/wol/")
    feed = next(i for i in home["items"] if "h-feed" in i["type"])
    assert len(feed["children"]) == 3
    # Each list entry's summary: its own `summary:`, else its first paragraph as plain text.
    assert [child["properties"]["summary"] for child in feed["children"]] == [
        ["Why it matters."], ["Hello second and about."], ["Some text."]]


def test_hostile_titles_tags_and_urls_are_escaped_or_dropped(site: SiteDir, build: Callable[..., Run]) -> None:
    site.write("notes/ana/2026-11-16-x.md", note(
        '"<script>alert(1)</script> & \\"quotes\\""', tags='["<b>bold</b>", "a\\"b"]',
        body="[click](javascript:alert(2)) <img src=x onerror=alert(3)> ![i](data:text/html,hi)"))
    site.write("links/2026-11-17-y.md", link("https://example.net/?q=<x>&r=\"1\"", title='"</a><a href=evil>"'))
    build()
    # JSON Feed titles are plain text by its spec, so only markup files are searched here.
    raw = b"".join(data for rel, data in site.files().items() if not rel.endswith(".json"))
    assert b"<script>alert(1)" not in raw
    assert b"<b>bold</b>" not in raw
    for path in html_files(site.output):
        for element in lxml.html.fromstring(path.read_bytes()).iter():
            assert element.tag != "script", path
            for name, value in element.attrib.items():
                assert not name.startswith("on"), (path, name)
                assert not value.strip().lower().startswith(("javascript:", "data:")), (path, value)
    page = site.html("notes/x/")
    assert page.cssselect("h1.p-name")[0].text_content() == '<script>alert(1)</script> & "quotes"'
    assert sorted(a.text_content() for a in page.cssselect("a.p-category")) == ['<b>bold</b>', 'a"b']


def test_two_builds_are_byte_identical_whatever_tz_locale_hash_seed(site: SiteDir, tmp_path: Path) -> None:
    small_site(site)
    outputs = []
    for index, (tz, seed) in enumerate([("UTC", "1"), ("Australia/Sydney", "99")]):
        out = tmp_path / f"out{index}"
        env = {**os.environ, "TZ": tz, "PYTHONHASHSEED": seed, "LC_ALL": "C.UTF-8", "SOURCE_DATE_EPOCH": "1795000000"}
        subprocess.run([sys.executable, "-m", "weeknotes", "build", "--content", str(site.content),
                        "--output", str(out), "--no-cache"], check=True, env=env, capture_output=True)
        outputs.append({p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert outputs[0].keys() == outputs[1].keys()
    different = [rel for rel in outputs[0] if outputs[0][rel] != outputs[1][rel]]
    assert different == []


def test_file_order_does_not_change_output(site: SiteDir, build: Callable[..., Run], tmp_path: Path) -> None:
    # Two items at the same moment: their order must not depend on which file the OS lists first.
    site.write("notes/ana/2026-11-16-b.md", note("B", date="2026-11-16 10:00"))
    site.write("notes/ben/2026-11-16-a.md", note("A", date="2026-11-16 10:00", author="ben"))
    build()
    home = site.html("")
    assert [a.text_content() for a in home.cssselect("h2.entry-title a")] == ["A", "B"]


def test_second_build_rewrites_nothing(site: SiteDir, build: Callable[..., Run]) -> None:
    small_site(site)
    build()
    before = {p: p.stat().st_mtime_ns for p in site.output.rglob("*") if p.is_file()}
    result = build()
    assert "(0 written," in result.out
    after = {p: p.stat().st_mtime_ns for p in site.output.rglob("*") if p.is_file()}
    assert before == after


def test_editing_one_note_rewrites_only_what_shows_it(site: SiteDir, build: Callable[..., Run]) -> None:
    small_site(site)
    build()
    unrelated = site.output / "links/a-link/index.html"
    before = unrelated.stat().st_mtime_ns
    site.write("notes/ben/2026-11-09-second-week.md", note("Second week", date="2026-11-09", author="ben",
                                                           tags="[working out loud]", body="Changed body."))
    build()
    text = (site.output / "notes/second-week/index.html").read_text()
    assert "Changed body." in text
    # The page of a link that neither shows nor mentions the note is not written again.
    assert unrelated.stat().st_mtime_ns == before


def test_example_site_has_no_broken_links(tmp_path: Path, run: Callable[..., Run]) -> None:
    result = run("build", "--content", REPO / "content", "--output", tmp_path / "out", "--no-cache")
    assert result.code == 0, result.err
    assert broken_links(tmp_path / "out") == []
