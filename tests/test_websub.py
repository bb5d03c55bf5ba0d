"""WebSub: `feeds.hub` advertised in every feed, and `weeknotes ping` telling a real hub on
127.0.0.1 (one that accepts, one that fails, one that never answers) about each feed."""

from __future__ import annotations

import json
from collections.abc import Callable

import feedparser
from lxml import etree

from tests.conftest import Run, SiteDir
from tests.hub_server import hub_server
from tests.test_feeds import ATOM, BASE, FEEDS, atom_schema, feed_files, json_feed_validator, write_circle

HUB = "https://hub.example.net/websub"


def hub_config(hub: str) -> str:
    return f"feeds: {{hub: '{hub}'}}\n"


def links_of(feed: etree._Element, tag: str) -> dict[str, list[str]]:
    """rel -> hrefs of the feed's own links (not its entries')."""
    found: dict[str, list[str]] = {}
    for link in feed.findall(tag):
        found.setdefault(link.get("rel") or "alternate", []).append(link.get("href") or "")
    return found


def test_every_feed_names_the_hub_beside_its_own_address(site: SiteDir, build: Callable[..., Run]) -> None:
    write_circle(site, extra=hub_config(HUB))
    build()
    written = feed_files(site)
    assert written == FEEDS
    for feed in written:
        data = (site.output / feed).read_bytes()
        if feed.endswith(".json"):
            parsed = json.loads(data)
            assert parsed["hubs"] == [{"type": "WebSub", "url": HUB}]
            assert parsed["feed_url"] == BASE + feed
            assert list(json_feed_validator().iter_errors(parsed)) == []
            continue
        root = etree.fromstring(data)
        if root.tag == "rss":
            links = links_of(root.find("channel"), f"{ATOM}link")
            assert root.findtext("channel/link") == BASE  # RSS's one channel link is still the home page
        else:
            links = links_of(root, f"{ATOM}link")
            assert atom_schema().validate(root), atom_schema().error_log
        assert links["hub"] == [HUB] and links["self"] == [BASE + feed], feed
        parsed = feedparser.parse(data)
        assert not parsed.bozo and {"rel": "hub", "href": HUB} in [
            {"rel": link.get("rel"), "href": link.get("href")} for link in parsed.feed.links]


def test_without_a_hub_no_feed_names_one(site: SiteDir, build: Callable[..., Run]) -> None:
    write_circle(site)
    build()
    for feed in feed_files(site):
        data = (site.output / feed).read_bytes()
        assert b"hub" not in data.replace(b"github", b""), feed


def test_a_hub_that_is_not_a_web_address_is_an_error_with_its_line(site: SiteDir, run: Callable[..., Run]) -> None:
    write_circle(site, extra="feeds:\n  hub: javascript:alert(1)\n")
    result = run("check", "--content", site.content)
    assert result.code == 1
    assert f"{site.content / 'site.yaml'}:8: error: `feeds.hub` must be an absolute http:// or https:// address" \
        in result.err


def test_ping_tells_the_hub_about_every_feed_form_encoded(site: SiteDir, build: Callable[..., Run],
                                                         run: Callable[..., Run]) -> None:
    with hub_server() as hub:
        write_circle(site, extra=hub_config(hub.url))
        build()
        result = run("ping", "--content", site.content)
        told = list(hub.received)
    assert result.code == 0, result.err
    assert result.out == f"told {hub.url} that 11 feeds of {BASE} changed\n"
    assert told and all(p.content_type == "application/x-www-form-urlencoded" for p in told)
    assert all(sorted(p.fields) == ["hub.mode", "hub.url"] and p.fields["hub.mode"] == ["publish"] for p in told)
    assert sorted(p.fields["hub.url"][0] for p in told) == [BASE + feed for feed in feed_files(site)]


def test_ping_uses_the_address_the_site_was_published_at(site: SiteDir, run: Callable[..., Run]) -> None:
    with hub_server() as hub:
        write_circle(site, extra=hub_config(hub.url))
        result = run("ping", "--content", site.content, "--base-url", "https://circle.example.github.io/site")
        told = sorted(p.fields["hub.url"][0] for p in hub.received)
    assert result.code == 0, result.err
    assert told == ["https://circle.example.github.io/site/" + feed for feed in FEEDS]


def test_a_failing_hub_is_one_line_and_exit_1(site: SiteDir, run: Callable[..., Run]) -> None:
    with hub_server(status=500) as hub:
        write_circle(site, extra=hub_config(hub.url))
        result = run("ping", "--content", site.content)
        asked = len(hub.received)
    assert result.code == 1 and result.out == ""
    assert asked == 1  # the first refusal ends it
    errors = [line for line in result.err.splitlines() if "warning" not in line and line.startswith("error")]
    assert errors == [f"error: the WebSub hub {hub.url} refused {BASE}feed.xml: "
                      "HTTP 500 Internal Server Error (0 of 11 feeds told before it)"]


def test_a_hanging_hub_gives_up_after_the_timeout(site: SiteDir, run: Callable[..., Run]) -> None:
    with hub_server(status=0) as hub:
        write_circle(site, extra=hub_config(hub.url))
        result = run("ping", "--content", site.content, "--timeout", "0.5")
        asked = len(hub.received)
    assert result.code == 1 and asked == 1
    assert f"error: the WebSub hub {hub.url} could not be told that {BASE}feed.xml changed: " \
           "no answer within 0.5s (0 of 11 feeds told before it)\n" in result.err
    assert "Traceback" not in result.err


def test_a_hub_that_is_not_there_is_one_line(site: SiteDir, run: Callable[..., Run]) -> None:
    with hub_server() as hub:
        gone = hub.url
    write_circle(site, extra=hub_config(gone))
    result = run("ping", "--content", site.content, "--timeout", "5")
    assert result.code == 1
    assert f"error: the WebSub hub {gone} could not be told that {BASE}feed.xml changed: " \
           "connection refused (is the hub's address right?)" in result.err


def test_ping_without_a_hub_says_so_and_succeeds(site: SiteDir, run: Callable[..., Run]) -> None:
    write_circle(site)
    result = run("ping", "--content", site.content)
    assert result.code == 0
    assert result.out == "no WebSub hub is set (`feeds: {hub: URL}` in site.yaml): nothing to ping\n"
