"""A week's digest as one value, and where a note's page leads: frozen values, no I/O.

collect.py makes them; the digest's page, feed entry, email, Markdown and plain text all read
the same `Week`, and go through its `sections` in order, so what a digest shows, in which
order and under which heading is decided here once (issue 24).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from weeknotes.base.language import Language
from weeknotes.model.curation import Address, address_of

if TYPE_CHECKING:
    from weeknotes.model.values import Author, Intro, Item

INTRO, NOTES, BLOGS, LINKS, CONTRIBUTORS = "intro", "notes", "blogs", "links", "contributors"


@dataclass(frozen=True)
class MergedLink:
    """One URL as curated by one or more people: a single entry in a digest."""

    normalized: str
    url: str
    title: str
    curations: tuple[Item, ...]
    archived_copy: str | None = None
    """Where to read the page now that its address is dead; None while it lives."""

    @property
    def address(self) -> Address:
        """Where it goes, as the digest shows it: its domain, and no tracking parameters."""
        return address_of(self.url)

    @property
    def curators(self) -> tuple[Author, ...]:
        seen: dict[str, Author] = {}
        for item in self.curations:
            for author in item.authors:
                seen.setdefault(author.handle, author)
        return tuple(seen.values())


@dataclass(frozen=True)
class NoteGroup:
    """One person's weeknotes in a digest: grouped by handle, so two people of one name stay two."""

    author: Author
    notes: tuple[Item, ...]


@dataclass(frozen=True)
class DigestSection:
    """One part of a digest; every rendering shows the week's parts in the order of `Week.sections`."""

    kind: str
    """`intro`, `notes`, `blogs` (members' blog posts), `links` or `contributors`."""
    heading: str
    """In the site's language: `Weeknotes`, `From members' blogs`, ..."""


@dataclass(frozen=True)
class Week:
    """One ISO week's digest: every rendering (page, feed entry, email, Markdown) reads this."""

    key: str
    """`YYYY-Www`, e.g. `2026-W47`."""
    year: int
    week: int
    number: int
    """1 for the first week with content in this build."""
    start: date
    end: date
    intro: Intro | None
    notes: tuple[Item, ...]
    note_groups: tuple[NoteGroup, ...]
    """The same notes grouped by author (by handle), as the page, email and Markdown show them."""
    links: tuple[MergedLink, ...]
    contributors: tuple[Author, ...]
    previous: str | None = None
    next: str | None = None
    blog_posts: tuple[Item, ...] = ()
    """Posts from members' own blogs dated in this week, under their own heading."""
    label: str = ""
    """`Week 47, 2026` in the site's language."""
    previous_label: str = ""
    next_label: str = ""
    sections: tuple[DigestSection, ...] = ()
    """The parts this week has, in order, with their headings (see `digest_sections`)."""

    @property
    def has_own_title(self) -> bool:
        """Whether the editor's intro names the week (the week's label then stands under it)."""
        return bool(self.intro and self.intro.title)

    @property
    def title(self) -> str:
        """The intro's own title, else the week's label."""
        return self.intro.title if self.intro and self.intro.title else self.label or f"Week {self.week}, {self.year}"

    @property
    def item_count(self) -> int:
        return len(self.notes) + len(self.blog_posts) + sum(len(link.curations) for link in self.links)


def digest_sections(week: Week, words: Language) -> tuple[DigestSection, ...]:
    """The parts a week has, in the one order every rendering shows them."""
    parts = (
        (INTRO, week.intro is not None, words.gettext("Editor's introduction")),
        (NOTES, bool(week.notes), words.gettext("Weeknotes")),
        (BLOGS, bool(week.blog_posts), words.gettext("From members' blogs")),
        (LINKS, bool(week.links), words.gettext("Links")),
        (CONTRIBUTORS, bool(week.contributors), words.gettext("This week's contributors")),
    )
    return tuple(DigestSection(kind, heading) for kind, present, heading in parts if present)


@dataclass(frozen=True)
class Neighbours:
    """Where a note's page leads a reader on: the notes either side of it, and its week's digest.

    The notes are named by their pages' site paths alone, so that editing one note re-renders
    only the pages that show it: its neighbours' pages change only when it comes or goes.
    """

    previous: str | None = None
    """The page of the listed note published just before it (`rel="prev"`)."""
    next: str | None = None
    """The page of the listed note published just after it (`rel="next"`)."""
    week: str | None = None
    """The key of its week's digest, when this build has one."""
    week_label: str = ""
    """`Week 47, 2026` in the site's language."""
