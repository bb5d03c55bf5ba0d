"""`weeknotes fetch` against a real HTTP server on 127.0.0.1, then `build` from the snapshot.

The fixture feeds are in tests/data/blogs; the server (tests/blog_server.py) logs every
request, so consent is shown by what was never asked for.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import feedparser
import lxml.html
import pytest

from tests.blog_server import DATA, FeedServer, Route, feed_server
from tests.conftest import Run, SiteDir, link
from tests.consent_support import files_with, read_output


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with feed_server() as s:
        yield s


@pytest.fixture
def fetch(site: SiteDir, run: Callable[..., Run]) -> Callable[..., Run]:
    def do(*extra: str) -> Run:
        return run("fetch", "--content", site.content, "--timeout", "5", *extra)
    return do


def authors_yaml(**people: dict[str, object]) -> str:
    lines = []
    for handle, fields in people.items():
        lines.append(f"{handle}:")
        lines.append(f"  name: {fields.pop('name', handle.title())}")
        lines += [f"  {key}: {str(value).lower() if isinstance(value, bool) else value}" for key, value in fields.items()]
    return "\n".join(lines) + "\n"


def report_line(result: Run, handle: str) -> str:
    lines = [line for line in result.out.splitlines() if line.startswith(f"{handle}: ")]
    assert len(lines) == 1, result.out
    return lines[0]


def snapshot(site: SiteDir, handle: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((site.content / "blogs" / f"{handle}.json").read_text(encoding="utf-8"))
    return data


def entry_titles(element: lxml.html.HtmlElement, css: str) -> list[str]:
    return [a.text_content().strip() for a in element.cssselect(css)]


def test_each_format_is_fetched_and_shown_on_author_pages_digest_and_feeds(
        site: SiteDir, server: FeedServer, fetch: Callable[..., Run], build: Callable[..., Run]) -> None:
    site.write("authors.yaml", authors_yaml(
        ana={"name": "Ana Pérez", "publish": "public", "aggregate": True, "feed": server.feed("/ana.xml", "atom.xml")},
        ben={"publish": "public", "aggregate": True, "feed": server.feed("/ben.rss", "rss2.xml")},
        cai={"publish": "public", "aggregate": True, "feed": server.feed("/cai.json", "feed11.json")},
        dee={"publish": "public", "aggregate": True, "feed": server.feed("/dee.rss", "rss091.xml")},
        eve={"publish": "public", "aggregate": True, "feed": server.feed("/eve.rdf", "rss10.xml")},
        fay={"publish": "public", "aggregate": True, "feed": server.feed("/fay.json", "feed10.json")},
    ))
    result = fetch()
    assert result.code == 0, result.err
    assert "1 new" in report_line(result, "ben") and '"An undated musing" has no date' in report_line(result, "ben")
    assert '"No date here" has no date' in report_line(result, "cai")
    assert "3 new" in report_line(result, "ana") and "1 dated in the future" in report_line(result, "ana")
    for handle in ("dee", "eve", "fay"):
        assert report_line(result, handle).startswith(f"{handle}: new: 1 new")
    agents = {entry.headers["user-agent"] for entry in server.log}
    assert len(agents) == 1 and "weeknotes/" in agents.pop()

    build()
    ana = site.html("authors/ana/")
    assert entry_titles(ana, "h2.entry-title a") == ["Mapping the referral pathway", "Hostile post"]
    first = ana.cssselect("article.h-entry")[0]
    assert first.cssselect("a.u-url")[0].get("href") == "https://ana.example.net/2026/11/mapping-referrals/"
    assert "From Ana Pérez's blog" in first.text_content()
    assert "three places where people wait" in first.cssselect(".p-summary")[0].text_content()
    assert not (site.output / "blogs").exists()  # no page of its own: the original is canonical

    week = site.html("weeks/2026-W47/")
    section = week.cssselect("section.digest-blogs")[0]
    assert section.cssselect("h2")[0].text_content() == "From members' blogs"
    titles = entry_titles(section, "h3 a.p-name")
    assert set(titles) == {"Mapping the referral pathway", "Hostile post", "Retro on the hackday",
                           "Learning in public, month three", "Café conversations about care",
                           "Lab notes, week 47", "Sketchnotes from the meetup"}
    assert "Next month's plan" not in site.files()["weeks/2026-W47/index.html"].decode()

    feed = feedparser.parse(site.output / "feed.xml")
    by_id = {e.id: e for e in feed.entries}
    assert by_id["ben-post-0042"].link == "https://ben.example.org/posts/hackday-retro?utm_source=rss"
    assert by_id["tag:ana.example.net,2026-11-17:/mapping-referrals"].link == \
        "https://ana.example.net/2026/11/mapping-referrals/"
    assert "content" not in by_id["ben-post-0042"]  # a summary and a link, never the whole post
    rss = feedparser.parse(site.output / "rss.xml")
    assert "fay-7" in {e.id for e in rss.entries}
    items = json.loads((site.output / "feed.json").read_text(encoding="utf-8"))["items"]
    cai = next(i for i in items if i["id"] == "https://cai.example.net/p/1")
    assert cai["url"] == "https://cai.example.net/p/1" and "content_html" not in cai
    assert "https://ana.example.net" not in (site.output / "sitemap.xml").read_text(encoding="utf-8")
    home = site.html("")
    assert "Retro on the hackday" in entry_titles(home, "h2.entry-title a")
    assert "Retro on the hackday" in entry_titles(site.html("notes/"), "h2.entry-title a")


def test_hostile_html_in_entries_leaves_nothing_runnable(
        site: SiteDir, server: FeedServer, fetch: Callable[..., Run], build: Callable[..., Run]) -> None:
    site.write("authors.yaml", authors_yaml(
        ana={"publish": "public", "aggregate": True, "feed": server.feed("/ana.xml", "atom.xml")},
        cai={"publish": "public", "aggregate": True, "feed": server.feed("/cai.json", "feed11.json")},
        hob={"publish": "public", "aggregate": True, "feed": server.feed("/hob.rss", "hostile.rss")},
        jay={"publish": "public", "aggregate": True, "feed": server.feed("/jay.json", "hostile.json")},
    ))
    result = fetch()
    assert result.code == 0
    assert "skipped 1: \"A javascript link\" has no http(s) link" in report_line(result, "hob")
    assert "skipped 1: \"A data: link\" has no http(s) link" in report_line(result, "jay")
    build()
    files = read_output(site.output)
    assert files_with(files, "Plain-text title with markup") and files_with(files, "Kind words.")
    for word in ("XSS", "ATOM-", "RSS-", "JSON-", "javascript:", "data:text", "onerror", "onload", "onfocus"):
        assert files_with(files, word, case_sensitive=True) == [], word
    for rel in (r for r in files if r.endswith(".html")):
        page = lxml.html.fromstring(files[rel])
        assert page.xpath("//script[not(@src)][contains(., 'alert')]") == [], rel
        assert page.xpath("//iframe | //*[@onclick] | //*[@onerror]") == [], rel
    for handle in ("ana", "cai", "hob", "jay"):
        stored = json.dumps(snapshot(site, handle))
        assert "<script" not in stored and "onerror" not in stored and "alert(" not in stored


def test_second_fetch_is_conditional_and_a_304_keeps_the_snapshot(
        site: SiteDir, server: FeedServer, fetch: Callable[..., Run]) -> None:
    url = server.feed("/ana.xml", "atom.xml", etag='"v1"', last_modified="Wed, 18 Nov 2026 09:00:00 GMT")
    site.write("authors.yaml", authors_yaml(ana={"publish": "public", "aggregate": True, "feed": url}))
    assert fetch().code == 0
    before = (site.content / "blogs" / "ana.json").read_bytes()
    second = fetch()
    assert second.code == 0
    assert report_line(second, "ana").startswith("ana: unchanged: not modified")
    first_request, second_request = server.requests_for("/ana.xml")
    assert "if-none-match" not in first_request.headers
    assert second_request.headers["if-none-match"] == '"v1"'
    assert second_request.headers["if-modified-since"] == "Wed, 18 Nov 2026 09:00:00 GMT"
    assert (site.content / "blogs" / "ana.json").read_bytes() == before


def test_permanent_redirect_is_followed_reported_and_remembered(
        site: SiteDir, server: FeedServer, fetch: Callable[..., Run]) -> None:
    new = server.feed("/new.xml", "atom.xml")
    server.routes["/old.xml"] = Route(status=301, location=new)
    site.write("authors.yaml", authors_yaml(ana={"publish": "public", "aggregate": True,
                                                 "feed": server.url + "/old.xml"}))
    first = fetch()
    line = report_line(first, "ana")
    assert line.startswith("ana: moved:") and f"moved permanently to {new}" in line and "authors.yaml" in line
    assert len(snapshot(site, "ana")["entries"]) == 3  # type: ignore[arg-type]
    assert fetch("--strict").code == 1  # a move needs the maintainer: --strict says so
    assert len(server.requests_for("/old.xml")) == 1  # asked once; then straight at the new address


def test_gone_feed_is_never_requested_again(site: SiteDir, server: FeedServer, fetch: Callable[..., Run]) -> None:
    url = server.feed("/ana.xml", "atom.xml")
    site.write("authors.yaml", authors_yaml(ana={"publish": "public", "aggregate": True, "feed": url}))
    assert fetch().code == 0
    server.routes["/ana.xml"] = Route(status=410)
    assert report_line(fetch(), "ana").startswith("ana: gone:")
    third = fetch()
    assert report_line(third, "ana").startswith("ana: gone: not requested")
    assert third.code == 0
    assert len(server.requests_for("/ana.xml")) == 2
    assert len(snapshot(site, "ana")["entries"]) == 3  # type: ignore[arg-type]


@pytest.mark.parametrize("failure, reason", [
    (Route(status=404), "HTTP 404"),
    (Route(status=503), "HTTP 503"),
    ("malformed.xml", "malformed XML"),
    (Route(body=b"<feed>" + b"x" * 1024 * 1024, repeat=5), "too large"),
    (Route(status=302, location="file:///etc/passwd"), "not an http(s) address"),
    (Route(status=301, location="/ana.xml"), "redirect loop"),
])
def test_failures_keep_the_last_good_snapshot(site: SiteDir, server: FeedServer, fetch: Callable[..., Run],
                                              failure: Route | str, reason: str) -> None:
    url = server.feed("/ana.xml", "atom.xml")
    site.write("authors.yaml", authors_yaml(ana={"publish": "public", "aggregate": True, "feed": url}))
    assert fetch().code == 0
    good = (site.content / "blogs" / "ana.json").read_bytes()
    if isinstance(failure, str):
        server.feed("/ana.xml", failure)
    else:
        server.routes["/ana.xml"] = failure
    result = fetch()
    assert result.code == 0
    line = report_line(result, "ana")
    assert line.startswith("ana: failed:") and reason in line and "kept the 3 posts" in line
    assert (site.content / "blogs" / "ana.json").read_bytes() == good
    assert fetch("--strict").code == 1


def test_a_slow_server_is_cut_off_by_the_timeout(site: SiteDir, server: FeedServer,
                                                 run: Callable[..., Run]) -> None:
    url = server.feed("/ana.xml", "atom.xml", drip=0.05)  # about three minutes for the whole body
    site.write("authors.yaml", authors_yaml(ana={"publish": "public", "aggregate": True, "feed": url}))
    result = run("fetch", "--content", site.content, "--timeout", "1")
    assert "ana: failed: timed out" in result.out
    assert not (site.content / "blogs" / "ana.json").exists()


def test_without_consent_no_request_no_trace_and_the_snapshot_is_deleted(
        site: SiteDir, server: FeedServer, fetch: Callable[..., Run], build: Callable[..., Run],
        run: Callable[..., Run]) -> None:
    ana = server.feed("/ana.xml", "atom.xml")
    gus = server.feed("/gus.xml", "consent-sentinel.xml")
    hal = server.feed("/hal.xml", "internal-sentinel.xml")
    site.write("site.yaml", "title: Test Circle\nbase_url: https://example.org/wol/\n")  # search on: Pagefind too
    site.write("authors.yaml", authors_yaml(
        ana={"publish": "public", "aggregate": True, "feed": ana},
        gus={"publish": "public", "feed": gus},  # a feed for the blogroll is not consent
        hal={"publish": "internal", "aggregate": True, "feed": hal},
    ))
    result = fetch()
    assert server.requests_for("/gus.xml") == []
    assert "gus: skipped: not requested: `aggregate: true` is not set" in result.out
    build()
    public = read_output(site.output)
    for word in ("zqgus", "zqhal"):
        assert files_with(public, word) == [], word
    internal = site.root / "internal"
    assert run("build", "--content", site.content, "--output", internal, "--audience", "internal").code == 0
    assert files_with(read_output(internal), "zqhaltitlq")
    assert files_with(read_output(internal), "zqgus") == []

    # hal withdraws: the next build shows nothing of theirs, the next fetch deletes it unasked.
    site.write("authors.yaml", authors_yaml(
        ana={"publish": "public", "aggregate": True, "feed": ana},
        hal={"publish": "internal", "aggregate": False, "feed": hal},
    ))
    assert run("build", "--content", site.content, "--output", internal, "--audience", "internal").code == 0
    assert files_with(read_output(internal), "zqhal") == []
    requests = len(server.requests_for("/hal.xml"))
    result = fetch()
    assert "hal: removed: no consent any more" in result.out
    assert not (site.content / "blogs" / "hal.json").exists()
    assert len(server.requests_for("/hal.xml")) == requests


def test_publish_none_removes_the_posts_too(site: SiteDir, server: FeedServer, fetch: Callable[..., Run],
                                            build: Callable[..., Run]) -> None:
    url = server.feed("/ana.xml", "atom.xml")
    site.write("authors.yaml", authors_yaml(ana={"publish": "public", "aggregate": True, "feed": url},
                                            ben={"publish": "public"}))
    site.write("notes/n.md", "---\ntitle: A note\ndate: 2026-11-16\nauthor: ben\n---\nText.\n")
    assert fetch().code == 0
    site.write("authors.yaml", authors_yaml(ana={"publish": "none", "aggregate": True, "feed": url},
                                            ben={"publish": "public"}))
    build()
    assert files_with(read_output(site.output), "referral pathway") == []
    assert "ana: removed" in fetch().out


def test_future_posts_wait_like_scheduled_ones(site: SiteDir, server: FeedServer, fetch: Callable[..., Run],
                                               build: Callable[..., Run]) -> None:
    url = server.feed("/ana.xml", "atom.xml")
    site.write("authors.yaml", authors_yaml(ana={"publish": "public", "aggregate": True, "feed": url}))
    assert fetch().code == 0
    result = build()
    assert "scheduled for 2026-12-02" in result.err
    assert "Next month" not in site.files()["authors/ana/index.html"].decode()
    build("--future")
    assert "Next month's plan" in entry_titles(site.html("authors/ana/"), "h2.entry-title a")


def test_a_blog_post_also_curated_as_a_link_shows_once_with_the_commentary(
        site: SiteDir, server: FeedServer, fetch: Callable[..., Run], build: Callable[..., Run]) -> None:
    url = server.feed("/ben.rss", "rss2.xml")
    site.write("authors.yaml", authors_yaml(ben={"publish": "public", "aggregate": True, "feed": url},
                                            ana={"publish": "public"}))
    site.write("links/retro.md", link("https://www.ben.example.org/posts/hackday-retro/", date="2026-11-17",
                                      body="Ben's retro is a model of thanking people by name."))
    assert fetch().code == 0
    build()
    week = site.files()["weeks/2026-W47/index.html"].decode()
    assert week.count('href="https://www.ben.example.org/posts/hackday-retro/"') == 1
    assert "thanking people by name" in week and "ben.example.org/posts/hackday-retro?" not in week
    assert "digest-blogs" not in week
    feed = feedparser.parse(site.output / "feed.xml")
    assert "ben-post-0042" not in {e.id for e in feed.entries}


def test_lists_switch_keeps_blog_posts_off_the_home_page(
        site: SiteDir, server: FeedServer, fetch: Callable[..., Run], build: Callable[..., Run]) -> None:
    url = server.feed("/ben.rss", "rss2.xml")
    site.write("site.yaml", "title: T\nbase_url: https://example.org/\nsearch: {enabled: false}\n"
                            "blogs: {in_lists: false}\n")
    site.write("authors.yaml", authors_yaml(ben={"publish": "public", "aggregate": True, "feed": url}))
    assert fetch().code == 0
    build()
    assert "Retro on the hackday" not in site.files()["index.html"].decode()
    assert "Retro on the hackday" not in site.files()["notes/index.html"].decode()
    assert "ben-post-0042" not in {e.id for e in feedparser.parse(site.output / "feed.xml").entries}
    assert "Retro on the hackday" in entry_titles(site.html("authors/ben/"), "h2.entry-title a")
    assert "ben-post-0042" in {e.id for e in feedparser.parse(site.output / "authors/ben/feed.xml").entries}


def test_snapshot_is_stable_and_build_never_goes_online(
        site: SiteDir, server: FeedServer, fetch: Callable[..., Run], build: Callable[..., Run]) -> None:
    url = server.feed("/ana.xml", "atom.xml")  # no validators: a full answer every time
    site.write("authors.yaml", authors_yaml(ana={"publish": "public", "aggregate": True, "feed": url}))
    assert fetch().code == 0
    first = (site.content / "blogs" / "ana.json").read_bytes()
    assert "0 new, 0 updated, 3 unchanged" in report_line(fetch(), "ana")
    assert (site.content / "blogs" / "ana.json").read_bytes() == first
    requests = len(server.log)
    build()
    assert len(server.log) == requests


def test_a_hand_broken_snapshot_is_a_content_error(site: SiteDir, build: Callable[..., Run]) -> None:
    site.write("authors.yaml", authors_yaml(ana={"publish": "public", "aggregate": True,
                                                 "feed": "https://ana.example.net/feed.xml"}))
    site.write("blogs/ana.json", '{"weeknotes_snapshot": 1,\n "author": "ana",\n')
    result = build(ok=False)
    assert result.code == 1 and "Traceback" not in result.err
    assert "blogs/ana.json:3: error: blog snapshot not valid JSON" in result.err


def test_bad_timeout_is_a_usage_error(site: SiteDir, run: Callable[..., Run]) -> None:
    assert run("fetch", "--content", site.content, "--timeout", "0").code == 2


def test_a_server_lying_about_the_encoding_is_read_right(site: SiteDir, server: FeedServer,
                                                        fetch: Callable[..., Run]) -> None:
    body = (DATA / "rss091.xml").read_bytes().replace(b"&#233;", "é".encode("latin-1"))  # as declared: ISO-8859-1
    server.routes["/dee.rss"] = Route(body=body, content_type="text/xml; charset=utf-8")
    site.write("authors.yaml", authors_yaml(dee={"publish": "public", "aggregate": True,
                                                 "feed": server.url + "/dee.rss"}))
    assert report_line(fetch(), "dee").startswith("dee: new: 1 new")
    assert snapshot(site, "dee")["entries"][0]["title"] == "Café conversations about care"  # type: ignore[index]


def test_a_post_is_dated_and_weeked_in_the_sites_timezone(site: SiteDir, server: FeedServer,
                                                          fetch: Callable[..., Run], build: Callable[..., Run]) -> None:
    late_sunday_utc = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Late</title><id>urn:late</id><updated>2026-11-15T23:30:00Z</updated>
<entry><title>Written at midnight</title><id>urn:late:1</id><link href="https://late.example.org/1"/>
<updated>2026-11-15T23:30:00Z</updated><summary>Half past midnight in Zurich.</summary></entry></feed>"""
    server.routes["/late.xml"] = Route(body=late_sunday_utc)
    site.write("site.yaml", "title: T\nbase_url: https://example.org/\ntimezone: Europe/Zurich\nsearch: {enabled: false}\n")
    site.write("authors.yaml", authors_yaml(ana={"publish": "public", "aggregate": True,
                                                 "feed": server.url + "/late.xml"}))
    assert fetch().code == 0
    build()
    posts = site.html("weeks/2026-W47/").cssselect("section.digest-blogs article")
    assert len(posts) == 1 and not (site.output / "weeks/2026-W46").exists()
    assert posts[0].cssselect("time")[0].get("datetime") == "2026-11-16T00:30:00+01:00"


def test_a_plain_text_title_keeps_its_words_and_an_html_one_loses_only_its_tags(
        site: SiteDir, server: FeedServer, fetch: Callable[..., Run], build: Callable[..., Run]) -> None:
    """Atom's `type="text"` is text: `<script>` there is a word, shown (escaped) as written;
    only an HTML title loses its tags, and keeps its words (issue 22). A post dated in the
    year 1 is skipped with its reason, not a crash of the next build."""
    site.write("authors.yaml", authors_yaml(zed={"publish": "public", "aggregate": True,
                                                 "feed": server.feed("/zed.xml", "text-titles.xml")}))
    result = fetch()
    assert result.code == 0, result.err
    line = report_line(result, "zed")
    assert line.startswith("zed: new: 2 new") and line.endswith('skipped 1: "The year one" is dated in the year 1')
    build()
    page = site.html("authors/zed/")
    titles = entry_titles(page, "h2.entry-title a")
    assert titles == ["Tags in HTML titles <go>, words stay", "Pasting <script> into the intranet: what happened next"]
    assert "Why <b> tags & friends showed up as text." in page.text_content()
    assert page.xpath("//script[contains(., 'intranet')] | //b[contains(., 'tags')]") == []
    raw = (site.output / "authors/zed/index.html").read_text(encoding="utf-8")
    assert "Pasting &lt;script&gt; into the intranet" in raw
    feed = feedparser.parse(site.output / "feed.xml")
    assert "Pasting <script> into the intranet: what happened next" in [entry.title for entry in feed.entries]
