"""`weeknotes check --against DIR`: a site is built and "published" (DIR), then changed the way
contributors change it (renamed files, edited titles and bodies, new and deleted posts, edited
ids), and the check must name every change that would take a feed id readers know from its
post, or give it to another, with the lines that keep it; and nothing else."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from tests.conftest import Run, SiteDir, link, note

PUBLISHED = "https://circle.example.github.io/site/"  # what CI built it with (--base-url), not site.yaml's
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def published(site: SiteDir, run: Callable[..., Run]) -> Path:
    """Three posts, built as published: the folder the PR check is given."""
    site.write("notes/ana/2026-11-16-small-wins.md", note("A week of small wins",
                                                         body="Three small wins and one question about referrals."))
    site.write("notes/ben/2026-11-17-pathways.md", note("Mapping pathways", author="ben", date="2026-11-17",
                                                       body="We drew the referral pathway on one wall."))
    site.write("links/2026-11-18-slow.md", link("https://example.net/slow", title="Slow learning", date="2026-11-18",
                                               body="Read the third part twice."))
    folder = site.root / "published"
    built = run("build", "--content", site.content, "--output", folder, "--base-url", PUBLISHED)
    assert built.code == 0, built.err
    return folder


def check(run: Callable[..., Run], site: SiteDir, folder: Path, *extra: str) -> Run:
    return run("check", "--content", site.content, "--against", folder, *extra)


def errors(result: Run) -> list[str]:
    return [line for line in result.err.splitlines() if ": error: " in line]


def rename(site: SiteDir, old: str, new: str) -> Path:
    target = site.content / new
    (site.content / old).rename(target)
    return target


def test_an_unchanged_site_passes_and_says_so(site: SiteDir, published: Path, run: Callable[..., Run]) -> None:
    result = check(run, site, published)
    assert result.code == 0, result.err
    assert f"readers have seen in {published}: no post loses its id or takes another's" in result.out


def test_a_renamed_file_is_an_error_that_gives_the_lines_to_add(site: SiteDir, published: Path,
                                                               run: Callable[..., Run]) -> None:
    moved = rename(site, "notes/ana/2026-11-16-small-wins.md", "notes/ana/2026-11-16-small-wins-and-a-question.md")
    result = check(run, site, published)
    assert result.code == 1
    assert errors(result) == [
        f"{moved}:1: error: feed readers know this post by the id tag:circle.example.github.io,2026-11-16:notes/small-wins, "
        f"at {PUBLISHED}notes/small-wins/; this change gives it the id "
        "tag:circle.example.github.io,2026-11-16:notes/small-wins-and-a-question and moves it to "
        "/notes/small-wins-and-a-question/, so they would show it again, as a new post, to everyone subscribed"]
    assert ("  hint: keep what readers know: put these lines in its front matter\n"
            "    id: tag:circle.example.github.io,2026-11-16:notes/small-wins\n"
            "    aliases: [/notes/small-wins/]\n") in result.err

    # Doing as it says keeps the id and the address, and the check passes.
    text = moved.read_text().replace("author: ana\n", "author: ana\nid: tag:circle.example.github.io,2026-11-16:"
                                     "notes/small-wins\naliases: [/notes/small-wins/]\n")
    moved.write_text(text)
    assert check(run, site, published).code == 0
    rebuilt = site.root / "rebuilt"
    assert run("build", "--content", site.content, "--output", rebuilt, "--base-url", PUBLISHED).code == 0
    ids = {e.findtext(f"{ATOM}id") for e in etree.parse(str(rebuilt / "feed.xml")).iter(f"{ATOM}entry")}
    before = {e.findtext(f"{ATOM}id") for e in etree.parse(str(published / "feed.xml")).iter(f"{ATOM}entry")}
    assert ids == before
    old_page = lxml.html.fromstring((rebuilt / "notes/small-wins/index.html").read_bytes())
    assert old_page.xpath('//link[@rel="canonical"]/@href') == [f"{PUBLISHED}notes/small-wins-and-a-question/"]


def test_with_github_format_it_is_an_error_annotation_on_the_file(site: SiteDir, published: Path,
                                                                  run: Callable[..., Run]) -> None:
    rename(site, "notes/ben/2026-11-17-pathways.md", "notes/ben/2026-11-17-referral-pathways.md")
    result = check(run, site, published, "--format", "github")
    assert result.code == 1
    [annotation] = [line for line in result.out.splitlines() if line.startswith("::error ")]
    assert "notes/ben/2026-11-17-referral-pathways.md,line=1,title=weeknotes check error::" in annotation
    assert "tag:circle.example.github.io,2026-11-17:notes/pathways" in annotation
    assert "%0A    aliases: [/notes/pathways/]" in annotation
    assert result.out.rstrip().endswith("1 error; merged as it is, it would show readers old posts as new.")


def test_a_renamed_file_with_a_new_title_is_found_by_its_text(site: SiteDir, published: Path,
                                                             run: Callable[..., Run]) -> None:
    moved = rename(site, "notes/ana/2026-11-16-small-wins.md", "notes/ana/2026-11-16-wins.md")
    moved.write_text(moved.read_text().replace("title: A week of small wins", "title: Small wins, one question"))
    result = check(run, site, published)
    assert [e.split(": error: ")[0] for e in errors(result)] == [f"{moved}:1"]
    assert "by the id tag:circle.example.github.io,2026-11-16:notes/small-wins" in result.err


def test_a_renamed_link_curation_is_found_too(site: SiteDir, published: Path, run: Callable[..., Run]) -> None:
    moved = rename(site, "links/2026-11-18-slow.md", "links/2026-11-18-slow-learning.md")
    result = check(run, site, published)
    assert [e.split(": error: ")[0] for e in errors(result)] == [f"{moved}:1"]
    assert "    aliases: [/links/slow/]" in result.err


def test_edits_new_posts_and_deleted_posts_are_not_errors(site: SiteDir, published: Path,
                                                          run: Callable[..., Run]) -> None:
    wins = site.content / "notes/ana/2026-11-16-small-wins.md"
    wins.write_text(wins.read_text().replace("A week of small wins", "A week of small wins (updated)"))
    pathways = site.content / "notes/ben/2026-11-17-pathways.md"
    pathways.write_text(pathways.read_text().replace("on one wall.", "on one wall, then on paper."))
    (site.content / "links/2026-11-18-slow.md").unlink()
    site.write("notes/ana/2026-11-18-new.md", note("Something new", date="2026-11-18"))
    site.write("notes/ben/2026-11-18-draft.md", note("A draft", author="ben", date="2026-11-18", visibility="draft"))
    result = check(run, site, published)
    assert result.code == 0, result.err
    assert errors(result) == []


def test_a_post_made_internal_or_draft_is_gone_from_the_public_site_not_moved(site: SiteDir, published: Path,
                                                                            run: Callable[..., Run]) -> None:
    wins = site.content / "notes/ana/2026-11-16-small-wins.md"
    wins.write_text(wins.read_text().replace("author: ana\n", "author: ana\nvisibility: internal\n"))
    assert check(run, site, published).code == 0


def test_an_edited_id_is_an_error_at_its_line(site: SiteDir, published: Path, run: Callable[..., Run]) -> None:
    wins = site.content / "notes/ana/2026-11-16-small-wins.md"
    wins.write_text(wins.read_text().replace("author: ana\n", "author: ana\nid: urn:uuid:6f1c-new\n"))
    result = check(run, site, published)
    assert errors(result) == [
        f"{wins}:5: error: feed readers know this post by the id tag:circle.example.github.io,2026-11-16:notes/small-wins, "
        f"at {PUBLISHED}notes/small-wins/; this change gives it the id urn:uuid:6f1c-new, so they would show it again, "
        "as a new post, to everyone subscribed"]
    assert "    id: tag:circle.example.github.io,2026-11-16:notes/small-wins\n" in result.err
    assert "aliases:" not in result.err  # its address did not change


def test_an_id_given_to_another_post_is_an_error_at_both(site: SiteDir, published: Path, run: Callable[..., Run]) -> None:
    # Ana renames her note; Ben writes a new one the same day under the name hers had, so his
    # default id is the one readers know for hers.
    moved = rename(site, "notes/ana/2026-11-16-small-wins.md", "notes/ana/2026-11-16-wins.md")
    taker = site.write("notes/ben/2026-11-16-small-wins.md", note("Ben's small wins", author="ben",
                                                                   body="Different words entirely."))
    result = check(run, site, published)
    assert sorted(e.split(": error: ")[0] for e in errors(result)) == sorted([f"{moved}:1", f"{taker}:1"])
    assert (f"{taker}:1: error: this change gives this post the feed id tag:circle.example.github.io,2026-11-16:"
            f"notes/small-wins, which readers know as another post, “A week of small wins” at {PUBLISHED}notes/small-wins/; "
            "feed readers would take this post for that one") in result.err
    assert "set another `slug:`" in result.err
    # No alias is offered where Ben's note now stands.
    assert "aliases: [/notes/small-wins/]" not in result.err


@pytest.mark.parametrize("kept", ["rss.xml", "feed.json", "notes/feed.xml"])
def test_every_feed_format_is_read(site: SiteDir, published: Path, run: Callable[..., Run], kept: str) -> None:
    for feed in ("feed.xml", "rss.xml", "feed.json", "notes/feed.xml", "links/feed.xml", "weeks/feed.xml",
                 "authors/ana/feed.xml", "authors/ben/feed.xml"):
        if feed != kept:
            (published / feed).unlink()
    moved = rename(site, "notes/ana/2026-11-16-small-wins.md", "notes/ana/2026-11-16-wins.md")
    result = check(run, site, published)
    assert [e.split(": error: ")[0] for e in errors(result)] == [f"{moved}:1"], result.err


def test_a_folder_that_is_not_a_build_is_a_usage_error(site: SiteDir, published: Path, run: Callable[..., Run]) -> None:
    missing = check(run, site, site.root / "nowhere")
    assert missing.code == 2 and "--against" in missing.err and "no such folder" in missing.err
    empty = site.root / "empty"
    shutil.copytree(published / "notes", empty / "notes", ignore=shutil.ignore_patterns("*.xml"))
    nothing = check(run, site, empty)
    assert nothing.code == 2 and "holds no feed" in nothing.err
