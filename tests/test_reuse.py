"""A rebuild restores the collected site from the last build's shape (model/reuse.py) only
when no changed file moves anything in it, and the site it restores is the one collect_site
makes, field for field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from tests.conftest import SiteDir, link, note
from weeknotes.base.errors import Problems
from weeknotes.model import reuse
from weeknotes.model.collect import collect_site
from weeknotes.model.values import Audience, Content
from weeknotes.source.content import load_content

SALT = b"test"
NOW = datetime(2026, 11, 19, tzinfo=UTC)


def content_of(site: SiteDir) -> Content:
    content = load_content(site.content, Problems(), use_cache=False)
    assert content is not None
    return content


def populate(site: SiteDir) -> None:
    for day in (2, 9, 16):
        site.write(f"notes/ana/2026-10-{day:02d}-n{day}.md",
                   note(f"Note {day}", date=f"2026-10-{day:02d}", tags="[Alpha, beta]" if day == 2 else "[alpha]",
                        body=f"Text {day}. See [the next](../n{day + 7}/)."))
    site.write("notes/ben/2026-10-23-n23.md", note("Note 23", date="2026-10-23", author="ben", tags="[alpha]"))
    site.write("notes/ben/2026-11-25-later.md", note("Later", date="2026-11-25", author="ben"))  # held back
    site.write("links/2026-10-10-a.md", link("https://a.example.com/x", date="2026-10-10", author="ben", title="A"))
    site.write("links/2026-10-11-b.md", link("https://www.a.example.com/x/", date="2026-10-11", title="B"))
    site.write("notes/ana/2026-10-12-cites.md", note("Cites", date="2026-10-12", body="[A](https://a.example.com/x)"))
    site.write("links-health.yaml", "https://www.a.example.com/x/:\n  status: dead\n  answer: 410 Gone\n"
                                    "  since: 2026-10-20\n")


def edit(site: SiteDir, rel: str, old: str, new: str) -> None:
    path = site.content / rel
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new))


UNMOVED: dict[str, Callable[[SiteDir], None]] = {
    "a note's text": lambda s: edit(s, "notes/ana/2026-10-09-n9.md", "Text 9.", "Other text."),
    "a note's title": lambda s: edit(s, "notes/ana/2026-10-16-n16.md", "Note 16", "Renamed"),
    "a summary": lambda s: edit(s, "notes/ben/2026-10-23-n23.md", "author: ben", "author: ben\nsummary: Short."),
    "a link's commentary": lambda s: edit(s, "links/2026-10-10-a.md", "Why it matters.", "Because."),
    # Its tag "Alpha" is shown as most spell it ("alpha"): the restored item must be too.
    "a respelt note's text": lambda s: edit(s, "notes/ana/2026-10-02-n2.md", "Text 2.", "Other text."),
    # Its address is dead (links-health.yaml): the restored item must offer the archived copy.
    "a dead link's commentary": lambda s: edit(s, "links/2026-10-11-b.md", "Why it matters.", "Because."),
}
MOVED: dict[str, Callable[[SiteDir], object]] = {
    "a date": lambda s: edit(s, "notes/ana/2026-10-09-n9.md", "2026-10-09", "2026-10-10"),
    "a tag": lambda s: edit(s, "notes/ana/2026-10-16-n16.md", "[alpha]", "[alpha, gamma]"),
    "a tag's spelling": lambda s: edit(s, "notes/ben/2026-10-23-n23.md", "[alpha]", "[Alpha]"),
    "a link in a body": lambda s: edit(s, "notes/ana/2026-10-09-n9.md", "../n16/", "../n2/"),
    "a link's title": lambda s: edit(s, "links/2026-10-10-a.md", "title: A", "title: Another"),
    "a visibility": lambda s: edit(s, "notes/ana/2026-10-16-n16.md", "author: ana", "author: ana\nvisibility: draft"),
    "a new note": lambda s: s.write("notes/ana/2026-10-20-new.md", note("New", date="2026-10-20")),
    "a deleted note": lambda s: (s.content / "notes/ana/2026-10-02-n2.md").unlink(),
    "an author's consent": lambda s: edit(s, "authors.yaml", "Ben Okafor\n  publish: public", "Ben Okafor\n  publish: internal"),
    "an intro": lambda s: s.write("digests/2026-W42.md", "---\ntitle: Hi\neditors: [ana]\n---\n\nHello.\n"),
    "the settings": lambda s: edit(s, "site.yaml", "Test Circle", "Other Circle"),
    "a link's health": lambda s: edit(s, "links-health.yaml", "status: dead", "status: ok"),
}


@pytest.mark.parametrize("change", UNMOVED)
def test_a_change_that_moves_nothing_restores_the_site_collect_would_make(site: SiteDir, change: str) -> None:
    populate(site)
    audience = Audience("public", now=NOW)
    _site, shape = reuse.collect(content_of(site), audience, None, SALT)
    UNMOVED[change](site)
    content = content_of(site)
    restored, kept = reuse.collect(content, audience, shape, SALT)
    assert kept.site is shape.site  # restored, not collected again
    assert restored == collect_site(content, audience)
    # the parts worth checking are there
    assert restored.backlinks and restored.also_curated and restored.held_back and restored.neighbours
    assert [i.archived_copy for i in restored.links if i.archived_copy]


@pytest.mark.parametrize("change", MOVED)
def test_a_change_that_moves_something_collects_the_site_again(site: SiteDir, change: str) -> None:
    populate(site)
    audience = Audience("public", now=NOW)
    _site, shape = reuse.collect(content_of(site), audience, None, SALT)
    MOVED[change](site)
    content = content_of(site)
    collected, kept = reuse.collect(content, audience, shape, SALT)
    assert kept.site is not shape.site
    assert collected == collect_site(content, audience)


def test_a_held_back_note_coming_due_collects_the_site_again(site: SiteDir) -> None:
    populate(site)
    _site, shape = reuse.collect(content_of(site), Audience("public", now=NOW), None, SALT)
    assert reuse.collect(content_of(site), Audience("public", now=NOW.replace(day=24)), shape, SALT)[1].site is shape.site
    later = Audience("public", now=NOW.replace(day=26))
    collected, kept = reuse.collect(content_of(site), later, shape, SALT)
    assert kept.site is not shape.site
    assert collected.items[0].slug == "later"


def test_another_audience_or_another_version_collects_the_site_again(site: SiteDir) -> None:
    populate(site)
    content = content_of(site)
    _site, shape = reuse.collect(content, Audience("public", now=NOW), None, SALT)
    assert reuse.collect(content, Audience("internal", now=NOW), shape, SALT)[1].site is not shape.site
    assert reuse.collect(content, Audience("public", drafts=True, now=NOW), shape, SALT)[1].site is not shape.site
    assert reuse.collect(content, Audience("public", now=NOW), shape, b"another version")[1].site is not shape.site
