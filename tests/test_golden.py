"""The basic site builds, file by file, to tests/golden/basic/ (`make golden` writes it again)."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import lxml.html
import pytest

from tests.golden import GOLDEN, build_basic, tree

# Every hidden thing in tests/sites/basic says SENTINEL, and so do the names of the people
# who have not opted in to public builds (Cy: internal only; Dee: not at all).
HIDDEN = re.compile(rb"SENTINEL|Cy Internal-Only|Dee Not-Opted-In|cy\.example\.net|avatars/dee")


def describe(rel: str, expected: bytes, built: bytes) -> str:
    """A unified diff of one file, short enough to read in a test report."""
    try:
        lines = difflib.unified_diff(expected.decode().splitlines(), built.decode().splitlines(),
                                     f"golden/{rel}", f"built/{rel}", lineterm="", n=2)
        return "\n".join(list(lines)[:40])
    except UnicodeDecodeError:
        return f"{rel}: binary files differ"


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return tree(build_basic(tmp_path_factory.mktemp("basic")))


def test_the_basic_site_builds_to_its_golden_tree(public: dict[str, bytes]) -> None:
    golden = tree(GOLDEN)
    report = [f"missing: {rel}" for rel in sorted(golden.keys() - public.keys())]
    report += [f"not in golden: {rel}" for rel in sorted(public.keys() - golden.keys())]
    report += [describe(rel, golden[rel], public[rel])
               for rel in sorted(golden.keys() & public.keys()) if golden[rel] != public[rel]]
    assert not report, ("the build differs from tests/golden/basic; if the change is meant, run "
                        "`make golden` and read the diff:\n" + "\n".join(report))


def test_nothing_hidden_reaches_the_public_build(public: dict[str, bytes]) -> None:
    leaks = sorted(rel for rel, data in public.items() if HIDDEN.search(data) or HIDDEN.search(rel.encode()))
    assert leaks == []


def test_the_sentinels_do_show_where_they_are_allowed(tmp_path: Path) -> None:
    """Proof that the leak test above can fail: an internal preview carries every sentinel but Dee's."""
    built = tree(build_basic(tmp_path, "--audience", "internal", "--drafts"))
    found = {match.decode() for data in built.values() for match in HIDDEN.findall(data)}
    assert found == {"SENTINEL", "Cy Internal-Only", "cy.example.net"}
    text = b"".join(built.values())
    for sentinel in (b"SENTINEL-DRAFT", b"SENTINEL-INTERNAL", b"SENTINEL-CY", b"SENTINEL-CY-LINK",
                     b"SENTINEL-INTRO-DRAFT"):
        assert sentinel in text
    assert b"SENTINEL-DEE" not in text  # Dee publishes to no audience at all


def page(public: dict[str, bytes], rel: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(public[rel])


def test_the_golden_claims_read_back(public: dict[str, bytes]) -> None:
    """The few facts the golden tree is checked for by eye, asserted so a regeneration cannot lose them."""
    home = page(public, "index.html")
    assert [a.text_content() for a in home.cssselect(".entry-title a")] == [
        "A quiet week", "Writing together", "A guide to <kind> letters"]
    assert [a.text_content() for a in home.cssselect(".site-nav a")] == [
        "Latest", "Weeknotes", "Links", "Weekly digests", "People", "Topics", "About the circle"]
    # Tags whose slugs are equal are one tag, in its most used spelling (ties: first in sort order).
    tags = page(public, "tags/index.html")
    assert [li.text_content().split()[-1] for li in tags.cssselect(".tag-cloud li")] == ["(3)", "(2)", "(3)"]
    assert [a.text_content() for a in tags.cssselect(".tag-cloud a")] == [
        "open practice", "Plain Language", "Reading Groups"]
    # One URL curated twice (scheme, www., trailing slash, utm_ differ) is one digest entry.
    week = page(public, "weeks/2026-W45/index.html")
    merged = week.cssselect(".merged-link")
    assert len(merged) == 1 and len(merged[0].cssselect(".curation")) == 2
    assert [h3.text_content() for h3 in week.cssselect(".digest-notes h3")] == ["Ana Pérez", "Ben Okafor"]
    # An avatar is a site file (relative) or a web address (as given).
    people = page(public, "authors/index.html")
    assert [img.get("src") for img in people.cssselect("img.avatar")] == [
        "../avatars/ana.svg", "https://images.example.com/ben.png"]
    # Unlisted: its own page, marked noindex, in no list or sitemap.
    assert b'content="noindex"' in public["notes/just-for-friends/index.html"]
    assert b"just-for-friends" not in public["sitemap.xml"] + public["feed.xml"] + public["index.html"]
    assert b"unlisted-page" not in public["sitemap.xml"]
