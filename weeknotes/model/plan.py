"""Site -> the list of files a build writes, each with a function that renders its bytes.

Rendering is lazy so that a build holds one page in memory at a time, and a page is planned
as the values it is made from (`Output.inputs`), so a rebuild that finds its file already
made from equal values neither renders it nor works out its title and feeds. Every path comes
from urls.py; collisions.py checks the files planned.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, NamedTuple

import jinja2
from markupsafe import Markup

from weeknotes.model import urls
from weeknotes.model.urls import Linker, file_of, paginated, path_of, rebase_html
from weeknotes.model.values import Author, Item, Page, Site, StaticFile, Tag, TagRef
from weeknotes.model.weeks import Neighbours, Week


class Output(NamedTuple):
    """One file of the built site.

    (A named tuple rather than a frozen dataclass: a build plans 16,000 of them at 10,000
    items, and a frozen dataclass takes four times as long to make.)
    """

    path: str
    """File path relative to the output root, e.g. `notes/hello/index.html`."""
    render: Callable[[], bytes]
    source: str = "weeknotes"
    """What asked for this file, for collision messages."""
    template: str | None = None
    """The template it renders, whose reads of `site` count as inputs too."""
    inputs: tuple[object, ...] | None = None
    """Everything else its bytes depend on; None: always render (cheap or opaque outputs)."""


@dataclass(frozen=True)
class FeedLink:
    title: str
    path: str
    type: str = "application/atom+xml"


@dataclass(frozen=True)
class PageMeta:
    """What the base template needs to know about the page it frames."""

    path: str
    title: str
    description: str = ""
    noindex: bool = False
    feeds: tuple[FeedLink, ...] = ()
    section: str = ""
    """Which navigation entry is current (`home`, `notes`, `links`, `weeks`, `authors`, `tags`, `search`)."""

    def is_at(self, target: object) -> bool:
        """Whether this page is `target`'s own page (for `aria-current` in the navigation)."""
        return self.path == path_of(target)


@dataclass(frozen=True)
class Pagination:
    number: int
    total: int
    items: Sequence[Item]
    base: str
    previous: str | None = None
    next: str | None = None


@dataclass(frozen=True)
class ListHead:
    """A paginated list (home, a section, an author's, a tag's) less its items: what frames
    each of its pages."""

    base: str
    """The site path of its first page."""
    template: str
    title: str
    section: str
    feed: tuple[FeedLink, ...] = ()
    """Its own feed, which each of its pages advertises."""
    context: tuple[tuple[str, Any], ...] = ()
    """What else its template is given (`author`, `tag`, ...)."""


@dataclass(frozen=True)
class FixedPage:
    """A page of the site's own: an index (authors, tags, weeks), 404, search."""

    path: str
    template: str
    title: str
    section: str = ""
    noindex: bool = False
    absolute: bool = False


def paginate(items: Sequence[Item], per_page: int, base: str) -> list[Pagination]:
    """Split a list into pages at `base`, `base/page/2/`, ... (one empty page when no items)."""
    total = max(1, math.ceil(len(items) / per_page))
    paths = tuple(paginated(base, n) for n in range(1, total + 1))
    return [Pagination(
        number=n, total=total, items=items[(n - 1) * per_page:n * per_page], base=base,
        previous=paths[n - 2] if n > 1 else None, next=paths[n] if n < total else None,
    ) for n in range(1, total + 1)]


def sections(site: Site) -> tuple[tuple[str, Sequence[Item]], ...]:
    """The one-kind sections, each with its listed items: `notes/` and `links/` (their pages,
    feeds and sitemap entries all come from here)."""
    return ((urls.NOTES, site.notes), (urls.LINKS, site.links))


def paged_heading(site: Site, title: str, number: int) -> str:
    """A list's heading, and its tab's title: `Weeknotes`, then `Weeknotes: page 2`."""
    if number == 1:
        return title
    return site.language.gettext("%(name)s: page %(number)s", name=title, number=site.language.number(number))


@dataclass(frozen=True)
class SectionWords:
    """What /notes/ or /links/ says of itself: its heading and its feed, in its own words."""

    heading: str
    follow: str
    """The link to its feed on the page."""
    only: str
    """The same feed among the page's subscription links."""


def section_words(site: Site, section: str) -> SectionWords:
    words = site.language
    if section == urls.LINKS:
        return SectionWords(words.gettext("Links"), words.gettext("Follow the links in a feed reader"),
                            words.gettext("Only links"))
    return SectionWords(words.gettext("Weeknotes"), words.gettext("Follow the weeknotes in a feed reader"),
                        words.gettext("Only weeknotes"))


def feed_title(site: Site, target: Author | Tag | str | None = None) -> str:
    """The title of the Atom feed of the site (None), a section (`urls.NOTES`), an author or a tag,
    in the site's language."""
    words, title = site.language, site.config.title
    if isinstance(target, Author):
        return words.gettext("%(name)s on %(site)s", name=target.name, site=title)
    if isinstance(target, Tag):
        return words.gettext("Tagged %(tag)s on %(site)s", tag=target.name, site=title)
    if target == urls.NOTES:
        return words.gettext("%(site)s: weeknotes", site=title)
    if target == urls.LINKS:
        return words.gettext("%(site)s: link curations", site=title)
    if target == urls.WEEKS:
        return words.gettext("%(site)s: weekly digest", site=title)
    return title


def site_feeds(site: Site) -> tuple[FeedLink, ...]:
    words, title = site.language, site.config.title
    return (FeedLink(words.gettext("%(site)s: everything (Atom)", site=title), urls.feed_path()),
            FeedLink(words.gettext("%(site)s: everything (RSS)", site=title), urls.RSS, "application/rss+xml"),
            FeedLink(words.gettext("%(site)s: everything (JSON Feed)", site=title), urls.JSON_FEED,
                     "application/feed+json"),
            FeedLink(feed_title(site, urls.WEEKS), urls.feed_path(urls.WEEKS)))


def render_template(env: jinja2.Environment, template: str, site: Site, linker: Linker, meta: PageMeta,
                    **context: Any) -> str:
    """Render one template with what every template gets: the site, a URL maker, the page."""
    return env.get_template(template).render(
        site=site, config=site.config, url=linker, page=meta,
        body=lambda record: Markup(rebase_html(record.body_html, path_of(record), linker)),
        **context,
    )


class HtmlPlanner:
    """Plans every HTML page of a site, rendering each with the theme's templates.

    Planning is cheap and rendering lazy: each page is planned as the few values it is made
    from (its `inputs`: an item, or a list's head and the items of one of its pages), and its
    render function is given exactly those values, working out the page's title, feeds and
    pagination only when it runs. A build that finds a page already made from equal inputs
    (output/fingerprint.py) never calls it, so a rebuild costs a few microseconds per
    unchanged page.
    """

    def __init__(self, site: Site, env: jinja2.Environment) -> None:
        self.site = site
        self.env = env
        self.words = site.language
        self.feeds = site_feeds(site)
        self.preview = site.audience.is_preview
        self.entries: dict[tuple[tuple[str, str], bool, int], str] = {}
        """Rendered list entries by (item, absolute, depth of the page): see `entry`."""
        self.feed_tuples: dict[tuple[FeedLink, ...], tuple[FeedLink, ...]] = {}
        self.kind_feeds = {section: (FeedLink(feed_title(site, section), urls.feed_path(section)),)
                           for section in (urls.NOTES, urls.LINKS)}
        """The Atom feed of `urls.NOTES` and of `urls.LINKS`, which their lists and items advertise."""

    def output(self, path: str, template: str, render: Callable[..., bytes], inputs: tuple[object, ...],
               source: str = "weeknotes") -> Output:
        """A page at `path` that `render(*inputs)` makes: its render function gets its inputs and
        nothing else of the site but what its templates read (counted in its fingerprint)."""
        return Output(file_of(path), partial(render, *inputs), source, template, inputs)

    def render(self, path: str, template: str, meta: PageMeta, absolute: bool = False, **context: Any) -> bytes:
        linker = Linker(path, self.site.config.base_url, absolute)
        return render_template(self.env, template, self.site, linker, meta,
                               entry=lambda item: self.entry(item, linker), **context).encode("utf-8")

    def entry(self, item: Item, linker: Linker) -> Markup:
        """An item as a list shows it, rendered once per kind of page it is listed on.

        Every URL a Linker makes depends only on whether it is absolute and, if not, on the
        depth of the page (urls.Linker), so one rendering serves every page of that depth.
        (`url.page` inside `_entry.html` is the first such page's path, not each page's.)
        """
        key = (item.key, linker.absolute, 0 if linker.absolute else linker.page.count("/"))
        if key not in self.entries:
            self.entries[key] = self.env.get_template("_entry.html").render(
                site=self.site, config=self.site.config, url=linker, item=item)
        return Markup(self.entries[key])

    def meta(self, path: str, title: str, section: str = "", extra_feeds: tuple[FeedLink, ...] = (),
             noindex: bool = False, description: str = "") -> PageMeta:
        return PageMeta(path=path, title=title, description=description or self.site.config.description,
                        noindex=noindex or self.preview, feeds=self.page_feeds(extra_feeds), section=section)

    def page_feeds(self, extra: tuple[FeedLink, ...]) -> tuple[FeedLink, ...]:
        """The site's feeds and a page's own, one shared tuple for pages advertising the same."""
        if extra not in self.feed_tuples:
            self.feed_tuples[extra] = self.feeds + extra
        return self.feed_tuples[extra]

    def plan(self) -> list[Output]:
        return [*self.home(), *self.sections(), *self.items(), *self.pages(), *self.authors(), *self.tags(),
                *self.weeks(), *self.special()]

    # --- lists: one head, then the items of each page --------------------------------------

    def listing(self, items: Sequence[Item], head: ListHead) -> list[Output]:
        """The pages of a list: each made from the list's head, its number, the number of
        pages, and its own items (so an edit renders the pages that show the item, not all)."""
        per_page = self.site.config.per_page
        total = max(1, math.ceil(len(items) / per_page))
        return [self.output(paginated(head.base, number), head.template, self.render_list_page,
                            (head, number, total, *items[(number - 1) * per_page:number * per_page]))
                for number in range(1, total + 1)]

    def render_list_page(self, head: ListHead, number: int, total: int, *items: Item) -> bytes:
        path = paginated(head.base, number)
        pagination = Pagination(number=number, total=total, items=items, base=head.base,
                                previous=paginated(head.base, number - 1) if number > 1 else None,
                                next=paginated(head.base, number + 1) if number < total else None)
        heading = paged_heading(self.site, head.title, number)  # the tab's title too
        return self.render(path, head.template, self.meta(path, heading, head.section, head.feed),
                           pagination=pagination, heading=heading, **dict(head.context))

    def home(self) -> list[Output]:
        return self.listing(self.site.front, ListHead(urls.HOME, "index.html", self.site.config.title, "home"))

    def sections(self) -> list[Output]:
        """/notes/ and /links/: one kind only, paginated like the home page."""
        outputs = []
        for section, items in sections(self.site):
            words = section_words(self.site, section)
            outputs += self.listing(items, ListHead(section, "section.html", words.heading, section.rstrip("/"),
                                                    self.kind_feeds[section],
                                                    (("section_path", section), ("words", words))))
        return outputs

    def authors(self) -> list[Output]:
        outputs = [self.fixed(urls.AUTHORS, "authors.html", self.words.gettext("People"), "authors")]
        for author in self.site.authors:
            feed = (FeedLink(feed_title(self.site, author), urls.feed_path(author)),)
            outputs += self.listing(self.site.author_items[author.handle],
                                    ListHead(path_of(author), "author.html", author.name, "authors", feed,
                                             (("author", author),)))
        return outputs

    def tags(self) -> list[Output]:
        outputs = [self.fixed(urls.TAGS, "tags.html", self.words.gettext("Topics"), "tags")]
        for tag in self.site.tags:
            feed = (FeedLink(feed_title(self.site, tag), urls.feed_path(tag)),)
            title = self.words.gettext("Tagged “%(tag)s”", tag=tag.name)
            # Each page gets the tag without its items (the page's own are in `pagination`),
            # so an edit to one item renders the pages listing it, not every page of its tags.
            outputs += self.listing(tag.items, ListHead(path_of(tag), "tag.html", title, "tags", feed,
                                                        (("tag", TagRef(tag.slug, tag.name)),)))
        return outputs

    # --- pages of one thing ----------------------------------------------------------------

    def made_from(self, sources: frozenset[str]) -> list[Output]:
        """The pages of these source files alone (serve shows them before the rest)."""
        return [*self.items([i for i in self.site.items if i.source in sources]),
                *self.pages([p for p in self.site.pages if p.source in sources])]

    def items(self, items: Sequence[Item] | None = None) -> list[Output]:
        backlinks, also_curated, neighbours = self.site.backlinks, self.site.also_curated, self.site.neighbours
        return [self.output(path_of(item), "item.html", self.render_item,
                            (item, backlinks.get(item.key, ()), also_curated.get(item.key, ()), neighbours.get(item.key)),
                            item.source)
                for item in (self.site.items if items is None else items)]

    def render_item(self, item: Item, backlinks: tuple[Item, ...], also_curated: tuple[Item, ...],
                    neighbours: Neighbours | None) -> bytes:
        path = path_of(item)
        meta = self.meta(path, item.title, noindex=not item.is_listed, description=item.summary,
                         extra_feeds=self.kind_feeds[urls.LINKS if item.is_link else urls.NOTES])
        return self.render(path, "item.html", meta, item=item, backlinks=backlinks, also_curated=also_curated,
                           neighbours=neighbours)

    def pages(self, pages: Sequence[Page] | None = None) -> list[Output]:
        return [self.output(path_of(page), "page.html", self.render_standalone, (page,), page.source)
                for page in (self.site.pages if pages is None else pages)]

    def render_standalone(self, page: Page) -> bytes:
        path = path_of(page)
        return self.render(path, "page.html", self.meta(path, page.title, noindex=not page.is_listed), standalone=page)

    def weeks(self) -> list[Output]:
        outputs = [self.fixed(urls.WEEKS, "weeks.html", self.words.gettext("Weekly digests"), "weeks")]
        outputs += [self.output(path_of(week), "week.html", self.render_week, (week,),
                                week.intro.source if week.intro else "weeknotes")
                    for week in self.site.weeks]
        return outputs

    def render_week(self, week: Week) -> bytes:
        path = path_of(week)
        return self.render(path, "week.html", self.meta(path, week.title, "weeks"), week=week)

    def redirects(self) -> list[Output]:
        """A page at each address an item of this build had before (`aliases:`) that sends
        readers and search engines on to it (meta refresh, `rel="canonical"`, noindex). Like
        404.html, it is in no list, feed, sitemap or search index."""
        return [self.output(alias, "alias.html", self.render_redirect, (alias, item), item.source)
                for item in self.site.items for alias in item.aliases]

    def render_redirect(self, alias: str, item: Item) -> bytes:
        return self.render(alias, "alias.html", PageMeta(alias, item.title, noindex=True), item=item,
                           canonical=urls.absolute(self.site.config.base_url, item))

    def special(self) -> list[Output]:
        outputs = [self.fixed(urls.NOT_FOUND, "404.html", self.words.gettext("Page not found"), noindex=True,
                              absolute=True)]
        if self.site.searchable:
            outputs.append(self.fixed(urls.SEARCH, "search.html", self.words.gettext("Search"), "search"))
        return outputs

    def fixed(self, path: str, template: str, title: str, section: str = "", noindex: bool = False,
              absolute: bool = False) -> Output:
        """A page of the site's own (an index, 404, search): what it shows comes from what its
        template reads of the site."""
        return self.output(path, template, self.render_fixed, (FixedPage(path, template, title, section, noindex, absolute),))

    def render_fixed(self, page: FixedPage) -> bytes:
        return self.render(page.path, page.template, self.meta(page.path, page.title, page.section, noindex=page.noindex),
                           absolute=page.absolute)


def static_outputs(files: Sequence[StaticFile]) -> list[Output]:
    return [Output(f.rel, f.path.read_bytes, f.source) for f in files]
