"""The content model: frozen values, no I/O.

schema.py builds `Author`, `Item`, `Page` and `Intro` from sources; collect.py turns them
into a `Site` that holds only what one build's audience may see, with tags, weeks,
merged link curations and backlinks worked out. Templates and feed writers read a `Site`
and never change it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from weeknotes.base.language import ENGLISH, Language, is_rtl
from weeknotes.model.curation import Address, address_of
from weeknotes.model.linkhealth import LinkHealth
from weeknotes.model.settings import Config

if TYPE_CHECKING:  # weeks.py builds on the values here; a Site holds its weeks
    from weeknotes.model.weeks import Neighbours, Week

PUBLISH_LEVELS = ("public", "internal", "none")
BLOGS = "blogs"
"""The kind of an `Item` taken in from a member's own blog by `weeknotes fetch`."""
VISIBILITIES = ("public", "unlisted", "internal", "draft")
REQUIRED_KEYS = {"notes": ("title", "date", "author"), "links": ("url", "date", "author"),
                 "pages": ("title",), "digests": ()}
"""The front-matter keys each kind of file must have (`authors:` stands for `author:`)."""
YEARS = range(1000, 9999)
"""The years a date may have: four digits (weeks' addresses, feeds' dates), and room around
them for a timezone's and a week's arithmetic (issue 22: a date in year 1 crashed the build)."""


def in_known_years(moment: date) -> bool:
    """Whether a date (or an aware date-time, in its own offset and in UTC) is in `YEARS`."""
    if isinstance(moment, datetime) and moment.tzinfo is not None:
        if moment.year not in YEARS:
            return False
        moment = moment.astimezone(UTC)  # safe: a year in YEARS has a day's room on either side
    return moment.year in YEARS


@dataclass(frozen=True)
class Author:
    """One person from authors.yaml."""

    handle: str
    name: str
    publish: str = "internal"
    """`public`, `internal` (the default: only internal builds) or `none`."""
    bio: str = ""
    url: str | None = None
    avatar: str | None = None
    feed: str | None = None
    aggregate: bool = False
    """Consent for `weeknotes fetch` to take in posts from `feed` (listing a feed is not consent)."""

    @property
    def is_public(self) -> bool:
        """Opted in to public builds."""
        return self.publish == "public"

    @property
    def is_internal_only(self) -> bool:
        """Shown to colleagues (internal builds) only."""
        return self.publish == "internal"

    @property
    def publishes_nothing(self) -> bool:
        """`publish: none`: in no build at all, and nothing of theirs is fetched."""
        return self.publish == "none"


@dataclass(frozen=True)
class Via:
    """Who a link was found through: an author of the site, a name, or a URL."""

    name: str
    url: str | None = None
    handle: str | None = None


@dataclass(frozen=True)
class TagRef:
    """A tag as one item carries it: its slug, and the spelling shown for it."""

    slug: str
    name: str


@dataclass(frozen=True)
class Outbound:
    """One link in a body, worked out once when the item is read, for backlinks."""

    href: str
    """The target as written."""
    item: tuple[str, str] | None = None
    """(kind, slug) when it points to a note's or a link's page on this site."""
    quick: str | None = None
    """curation.quick_key of an outside http(s) URL: a cheap first match against curated URLs."""


@dataclass(frozen=True)
class Reference:
    """A link or an image in a body that points into this site, and the line it is on."""

    target: str
    """As written (`../other/`, `/img/map.png`)."""
    line: int
    """Its line in the source file."""
    image: bool = False


@dataclass(frozen=True, eq=False)
class Item:
    """A weeknote (`kind == "notes"`) or a link curation (`kind == "links"`)."""

    kind: str
    slug: str
    title: str
    date: datetime
    """Aware datetime; a plain date is midnight in the site's timezone."""
    authors: tuple[Author, ...]
    tags: tuple[TagRef, ...]
    summary: str
    body_html: str
    visibility: str
    id: str
    source: str
    """The file it came from, as shown in messages."""
    updated: datetime | None = None
    url: str | None = None
    """The curated URL (links), or the original post (blog posts, which have no page here)."""
    via: Via | None = None
    links: tuple[str, ...] = ()
    """The links in the body, as written; collect.py resolves them into backlinks."""
    link_keys: tuple[str, ...] = ()
    """For each of `links` that is a web address, its curation.quick_key ("" for others):
    worked out once when the item is read, so a build matches ten links a note against
    the curated URLs without taking each apart again."""
    lang: str | None = None
    """BCP 47 tag of an item written in another language than the site's (front matter `lang:`)."""
    archive: str | None = None
    """The curator's own archived copy of the page (front matter `archive:`)."""
    archived_copy: str | None = None
    """Where to read the page now: set by collect.py only when its address is dead."""
    aliases: tuple[str, ...] = ()
    """Site paths it had before (`aliases:`, urls.alias_path), each a page redirecting here."""
    references: tuple[Reference, ...] = ()
    """The links and images in the body that point into this site, for the check that each is answered."""
    digest: bytes = field(init=False, repr=False, compare=False)
    """A digest of every field above, made once with the item (and kept with it in the
    parse cache), so a rebuild's fingerprints need not walk ten thousand bodies again."""

    def __post_init__(self) -> None:
        # The generated repr shows every field, and each field is a plain value or a record
        # of plain values, so equal reprs mean equal items.
        object.__setattr__(self, "digest", hashlib.blake2b(repr(self).encode(), digest_size=16).digest())

    def __eq__(self, other: object) -> bool:
        # Equal when every field reads the same. Comparing fields with == would count
        # `23:30+00:00` and `00:30+01:00` as one date, though pages show them differently,
        # and serve reuses the fingerprint of inputs that compare equal.
        return isinstance(other, Item) and self.digest == other.digest

    def __hash__(self) -> int:
        return hash(self.digest)

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.slug)

    @property
    def is_link(self) -> bool:
        return self.kind == "links"

    @property
    def is_blog(self) -> bool:
        """A post from a member's own blog: shown as "from NAME's blog", linking to the original."""
        return self.kind == BLOGS

    @property
    def address(self) -> Address | None:
        """Where a link (or a member's blog post) goes, as pages show it: domain, no tracking."""
        return address_of(self.url) if self.url else None

    @property
    def is_listed(self) -> bool:
        """False for an unlisted item: its own page only, in no list, feed, sitemap or search."""
        return self.visibility != "unlisted"

    @property
    def is_draft(self) -> bool:
        """Written but not yet meant for readers: only previews (--drafts) show it."""
        return self.visibility == "draft"


@dataclass(frozen=True)
class Page:
    """A standalone page, e.g. pages/about.md at /about/."""

    slug: str
    title: str
    body_html: str
    visibility: str
    source: str
    references: tuple[Reference, ...] = ()
    """As `Item.references`."""

    @property
    def is_listed(self) -> bool:
        """False for an unlisted page: reachable by its address only, in no nav, sitemap or search."""
        return self.visibility != "unlisted"

    @property
    def is_top_level(self) -> bool:
        """A page at `/about/`, not `/guides/setup/`: only these are offered in the navigation."""
        return "/" not in self.slug


@dataclass(frozen=True)
class Intro:
    """An editor's introduction to one week's digest (digests/YYYY-Www.md)."""

    week: str
    title: str
    editors: tuple[Author, ...]
    body_html: str
    visibility: str
    source: str
    references: tuple[Reference, ...] = ()
    """As `Item.references`."""


@dataclass(frozen=True)
class StaticFile:
    """A file copied verbatim: from the theme's static/ or the content's static/."""

    rel: str
    """Output path relative to the site root, `/`-separated."""
    path: Path
    source: str


@dataclass(frozen=True)
class Content:
    """Everything read and validated from a content directory, before any audience filter."""

    config: Config
    authors: dict[str, Author]
    items: tuple[Item, ...]
    pages: tuple[Page, ...]
    intros: tuple[Intro, ...]
    static: tuple[StaticFile, ...]
    language: Language = ENGLISH
    """The site's language with the theme's catalogs for it (build.load fills it in)."""
    link_health: dict[str, LinkHealth] = field(default_factory=dict)
    """Curated address -> what `weeknotes links` last found there (content/links-health.yaml)."""


@dataclass(frozen=True)
class Tag:
    slug: str
    name: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Audience:
    """Who a build is for, and the moment it is built for."""

    name: str = "public"
    """`public` or `internal`."""
    drafts: bool = False
    future: bool = False
    now: datetime | None = None

    @property
    def is_preview(self) -> bool:
        """Builds that must never be indexed by search engines."""
        return self.name != "public" or self.drafts

    @property
    def label(self) -> str:
        """What a folder's marker records: `public`, `internal`, `public + drafts`, `internal + drafts`."""
        return self.name + (" + drafts" if self.drafts else "")

    @property
    def is_internal(self) -> bool:
        """A build for colleagues inside the circle: pages say not to share them."""
        return self.name == "internal"

    def includes(self, item: Item) -> bool:
        """Whether this build may show the item: its visibility and every author's consent."""
        from weeknotes.model.audience import admits  # the rule's one home, which imports this module

        return admits(self, item.visibility, item.authors)

    @property
    def marks(self) -> tuple[str, ...]:
        """What sets this build apart from a public one: `internal`, `drafts`, both, or nothing."""
        return (("internal",) if self.is_internal else ()) + (("drafts",) if self.drafts else ())


@dataclass(frozen=True)
class Site:
    """What one build shows: already filtered for its audience, so nothing else can leak."""

    config: Config
    audience: Audience
    items: tuple[Item, ...]
    """Every item with a page in this build (including unlisted), newest first."""
    listed: tuple[Item, ...]
    """Items that appear in lists, feeds and digests: `items` minus unlisted, plus members'
    blog posts (which have no page of their own here)."""
    authors: tuple[Author, ...]
    """Authors with at least one listed item, sorted by name."""
    tags: tuple[Tag, ...]
    """Tags of listed items, sorted by slug."""
    weeks: tuple[Week, ...]
    """Digests, oldest first."""
    pages: tuple[Page, ...]
    static: tuple[StaticFile, ...]
    author_items: dict[str, tuple[Item, ...]]
    backlinks: dict[tuple[str, str], tuple[Item, ...]]
    """Item key -> listed notes that link to it."""
    also_curated: dict[tuple[str, str], tuple[Item, ...]]
    """Link item key -> other listed curations of the same URL, in any week."""
    held_back: tuple[Item, ...] = ()
    """Scheduled items left out because their date is still to come."""
    front: tuple[Item, ...] = ()
    """What the home page and the site-wide feeds list: `listed`, less blog posts when
    `blogs.in_lists` is false."""
    notes: tuple[Item, ...] = ()
    """What /notes/ and its feed list: the notes of `front`."""
    links: tuple[Item, ...] = ()
    """What /links/ and its feed list: every listed link curation."""
    language: Language = ENGLISH
    """The site's language: the theme's words, dates and numbers, direction."""
    neighbours: dict[tuple[str, str], Neighbours] = field(default_factory=dict)
    """Note key -> where its page leads on: the notes before and after it, and its week."""

    def dir_for(self, item: Item) -> str | None:
        """`dir` for an item in another language (`lang:`) whose direction is not the page's."""
        if item.lang is None or is_rtl(item.lang) == self.language.rtl:
            return None
        return "rtl" if is_rtl(item.lang) else "ltr"

    @property
    def searchable(self) -> bool:
        """Whether this build has a search page and index (`search.enabled`)."""
        return self.config.search_enabled

    @cached_property
    def author_handles(self) -> frozenset[str]:
        return frozenset(a.handle for a in self.authors)

    @cached_property
    def tag_slugs(self) -> frozenset[str]:
        return frozenset(t.slug for t in self.tags)

    @cached_property
    def listed_pages(self) -> tuple[Page, ...]:
        """Standalone pages for the sitemap and search: all but unlisted ones."""
        return tuple(p for p in self.pages if p.is_listed)

    @cached_property
    def nav_pages(self) -> tuple[Page, ...]:
        """Standalone pages the navigation offers: listed, top-level ones (`/about/`)."""
        return tuple(p for p in self.listed_pages if p.is_top_level)

    def has_page(self, target: Author | Tag | TagRef | Via) -> bool:
        """Whether this build has a page for a person (an author, or who a link came via) or a tag."""
        if isinstance(target, Author):
            return target.handle in self.author_handles
        if isinstance(target, Via):
            return target.handle is not None and target.handle in self.author_handles
        return target.slug in self.tag_slugs
