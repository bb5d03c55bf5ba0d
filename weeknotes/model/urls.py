"""The only place that maps model objects to output paths and URLs.

A *site path* is relative to the site root and has no leading slash: `notes/hello/` for a
page (written as `notes/hello/index.html`), `feed.xml` for a file, `` for the home page.
Pages link to each other with relative URLs, so the output works under any path prefix;
404.html, email.html, feeds and the sitemap use absolute URLs from `base_url`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import unquote, urljoin, urlsplit
from zoneinfo import ZoneInfo

from weeknotes.model.curation import quick_key
from weeknotes.model.values import Author, Intro, Item, Outbound, Page, Tag, TagRef
from weeknotes.model.weeks import Week

HOME = ""
# The site's fixed sections: every list of them and every link to them comes from here.
AUTHORS = "authors/"
TAGS = "tags/"
WEEKS = "weeks/"
NOTES = "notes/"
LINKS = "links/"
SEARCH = "search/"
# The site's fixed files.
NOT_FOUND = "404.html"
FEED = "feed.xml"
"""The Atom feed of the site; inside a section, author or tag folder, of that."""
RSS = "rss.xml"
JSON_FEED = "feed.json"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
BLOGROLL = "blogroll.opml"
EMAIL = "email.html"
"""A week's digest ready to mail, inside the week's folder."""
INDEX = "index.html"
PAGE = "page/"
"""Where a list's later pages go: `tags/x/page/2/`."""
# What the theme and the search index bring.
ASSETS = "assets/"
STYLESHEET = f"{ASSETS}style.css"
FAVICON = "favicon.svg"
PAGEFIND = "pagefind/"
"""The search index, written by Pagefind after the pages."""
PAGEFIND_DIR = PAGEFIND.rstrip("/")
"""The search index's folder in the output (staging.py leaves it to search.py)."""
PAGEFIND_UI_CSS = f"{PAGEFIND}pagefind-ui.css"
PAGEFIND_UI_JS = f"{PAGEFIND}pagefind-ui.js"

# Top-level names weeknotes writes itself: a page may not take their place (schema.py).
RESERVED = frozenset(target.split("/", 1)[0] for target in (
    NOTES, LINKS, AUTHORS, TAGS, WEEKS, SEARCH, PAGE, PAGEFIND, ASSETS, NOT_FOUND, FEED, RSS, JSON_FEED,
    SITEMAP, ROBOTS, BLOGROLL, INDEX, FAVICON))


NAME_MAX_BYTES = 255
"""The longest name of one file or folder that file systems allow (ext4, APFS, NTFS): a slug,
a tag's slug or a handle is a folder's name in the output."""


def too_long_for_a_name(segment: str) -> bool:
    """Whether `segment` (one part of a site path) is longer than a file system allows a name."""
    return len(segment.encode("utf-8")) > NAME_MAX_BYTES


def path_of(target: object) -> str:
    """The site path of a model object's page (or a site path given as a string)."""
    if isinstance(target, str):
        return target
    if isinstance(target, Item):
        if target.is_blog:  # its page is the original: see `Linker` and `absolute`
            raise TypeError(f"a post from a member's blog has no page here ({target.url})")
        return item_path(target.kind, target.slug)
    if isinstance(target, Author):
        return f"{AUTHORS}{target.handle}/"
    if isinstance(target, (Tag, TagRef)):
        return f"{TAGS}{target.slug}/"
    if isinstance(target, Week):
        return week_path(target.key)
    if isinstance(target, Page):
        return f"{target.slug}/"
    if isinstance(target, Intro):
        return week_path(target.week)
    raise TypeError(f"no URL for {type(target).__name__}")


HTML_SUFFIXES = (".html", ".htm")
"""What a redirect page written at an alias may be called, when it is a file and not a folder."""


def alias_path(written: str) -> str:
    """The site path of an address a post had before (`aliases:`), as written from the site's
    root: `/notes/old-slug/` -> `notes/old-slug/`, `/old.html` as it is, `/notes/old` -> `notes/old/`
    (a folder, as every page here is). Its redirect page is written at `file_of` it."""
    path = unquote(written).lstrip("/")
    last = path.rsplit("/", 1)[-1]
    return path if path == "" or path.endswith("/") or last.endswith(HTML_SUFFIXES) else path + "/"


def item_path(kind: str, slug: str) -> str:
    """A note's or link's page (`notes/slug/`), also for an item not built yet (schema.py)."""
    return f"{kind}/{slug}/"


def absolute(base_url: str, target: object) -> str:
    """The absolute URL of a page or file, for feeds, the sitemap, 404.html and email."""
    if isinstance(target, Item) and target.is_blog:
        return original(target)
    return base_url + path_of(target)


def original(item: Item) -> str:
    """Where a post from a member's blog lives: every link to it goes there (it stays canonical)."""
    assert item.url is not None
    return item.url


WAYBACK = "https://web.archive.org/web/"
"""The Internet Archive's Wayback Machine: `WAYBACK + YYYYMMDD/ADDRESS` answers with the
snapshot of ADDRESS nearest to that day, so no lookup is needed when the site is built."""


def wayback(address: str, day: date) -> str:
    """The Internet Archive's copy of `address` as it was around `day` (the curation date)."""
    return f"{WAYBACK}{day:%Y%m%d}/{address}"


def archived_copy(item: Item, timezone: ZoneInfo) -> str:
    """Where to read a link curation's page once its address is dead: the curator's own
    `archive:`, else the Internet Archive's copy from the curation date (in the site's timezone)."""
    assert item.url is not None
    return item.archive or wayback(item.url, item.date.astimezone(timezone).date())


def week_path(key: str) -> str:
    return f"{WEEKS}{key}/"


def email_path(week: Week) -> str:
    return week_path(week.key) + EMAIL


def feed_path(target: object | None = None) -> str:
    """The Atom feed of the whole site (None), an author, a tag, or a section (`notes/`)."""
    return FEED if target is None else path_of(target) + FEED


def paginated(base: str, number: int) -> str:
    """`base` for page 1, then `base` + `page/N/`."""
    return base if number == 1 else f"{base}{PAGE}{number}/"


def file_of(path: str) -> str:
    """The file written for a site path: directories get index.html."""
    return path + INDEX if path == "" or path.endswith("/") else path


@dataclass(frozen=True)
class Linker:
    """Makes URLs from one page to others: relative by default, absolute where required."""

    page: str
    """The site path of the page being rendered."""
    base_url: str
    absolute: bool = False
    anchored: bool = False
    """Point fragment-only links in bodies (footnotes) at the body's own page too: in email,
    where a mail client may drop the ids they name (and `weeknotes send` allows only http(s))."""

    def __call__(self, target: object) -> str:
        if isinstance(target, Item) and target.is_blog:
            return original(target)
        path = path_of(target)
        if self.absolute:
            return self.base_url + path
        return ("../" * self.page.count("/") + path) or "./"

    def feed(self, target: object | None = None) -> str:
        """The URL of the Atom feed of the site (None), an author, a tag or a section."""
        return self(feed_path(target))

    def week(self, key: str) -> str:
        return self(week_path(key))

    def email(self, week: Week) -> str:
        return self(email_path(week))

    def author(self, handle: str) -> str:
        return self(f"{AUTHORS}{handle}/")

    def avatar(self, author: Author) -> str | None:
        """An author's picture: a web address as given, else a file of the site (static/)."""
        if author.avatar is None or author.avatar.startswith(("http://", "https://")):
            return author.avatar
        return self(author.avatar)

    # The fixed places every page may link to, by name, so that templates hold no paths.
    @property
    def home(self) -> str:
        return self(HOME)

    @property
    def authors(self) -> str:
        return self(AUTHORS)

    @property
    def tags(self) -> str:
        return self(TAGS)

    @property
    def weeks(self) -> str:
        return self(WEEKS)

    @property
    def notes(self) -> str:
        return self(NOTES)

    @property
    def links(self) -> str:
        return self(LINKS)

    @property
    def search(self) -> str:
        return self(SEARCH)

    @property
    def rss(self) -> str:
        return self(RSS)

    @property
    def json_feed(self) -> str:
        return self(JSON_FEED)

    @property
    def weeks_feed(self) -> str:
        return self.feed(WEEKS)

    @property
    def blogroll(self) -> str:
        return self(BLOGROLL)

    @property
    def stylesheet(self) -> str:
        return self(STYLESHEET)

    @property
    def favicon(self) -> str:
        return self(FAVICON)

    @property
    def pagefind(self) -> str:
        """The search index's folder (its bundles are listed in `bundles.json` inside)."""
        return self(PAGEFIND)

    @property
    def pagefind_css(self) -> str:
        return self(PAGEFIND_UI_CSS)

    @property
    def pagefind_js(self) -> str:
        return self(PAGEFIND_UI_JS)


_URL_ATTR_RE = re.compile(r'(\s(?:href|src)=")([^"]*)(")')
_HAS_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:|^//")


def rebase_html(html: str, written_at: str, linker: Linker) -> str:
    """Re-point relative URLs in HTML written for the page at `written_at` to `linker`'s page.

    Fragment-only links (footnotes) are kept, since the fragment travels with the HTML, unless
    the linker is `anchored` (email): then they point at the fragment on the body's own page.
    """
    if linker.page == written_at and not linker.absolute and '="/' not in html:
        return html  # already right where it was written, with no root-relative URL to fix
    source_url = "http://site.invalid/" + written_at
    at_home = linker.page == written_at and not linker.absolute

    def fix(match: re.Match[str]) -> str:
        url = match.group(2)
        if linker.anchored and url.startswith("#") and len(url) > 1:
            return match.group(1) + linker(written_at) + url + match.group(3)
        if not url or url.startswith("#") or _HAS_SCHEME_RE.match(url):
            return match.group(0)
        if at_home and not url.startswith("/"):
            return match.group(0)  # a relative link on its own page stays as the author wrote it
        resolved = urljoin(source_url, url.replace("&amp;", "&"))
        parts = urlsplit(resolved)
        if parts.netloc != "site.invalid":
            return match.group(0)
        site_path = parts.path.lstrip("/")
        suffix = (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
        new = linker(site_path) + suffix
        return match.group(1) + new.replace("&", "&amp;") + match.group(3)

    return _URL_ATTR_RE.sub(fix, html)


@functools.lru_cache(maxsize=8)
def _host_and_prefix(base_url: str) -> tuple[str | None, str]:
    """The site's host and path prefix; parsed once, asked for every link of every note."""
    base = urlsplit(base_url)
    return base.hostname, base.path


ITEM_PATH_RE = re.compile(r"(notes|links)/([^/]+)/?(?:index\.html)?$")


def is_web_address(href: str) -> bool:
    return href.startswith(("http://", "https://"))


def site_host(base_url: str) -> str | None:
    """The site's host name, lowercase."""
    return _host_and_prefix(base_url)[0]


def points_elsewhere(href: str, base_url: str) -> bool:
    """A web address surely not on this site (most links in bodies): site_path_of_url would
    say None, found without taking it apart."""
    host = site_host(base_url)
    return is_web_address(href) and (host is None or host not in href.lower())


def resolve_outbound(href: str, written_at: str, base_url: str) -> Outbound | None:
    """What a link in a body at `written_at` may point to: an item page here, or a curated URL."""
    if points_elsewhere(href, base_url):
        return Outbound(href, quick=quick_key(href))
    site_path = site_path_of_url(href, written_at, base_url)
    if site_path is not None:
        match = ITEM_PATH_RE.match(site_path)
        return Outbound(href, item=(match.group(1), match.group(2))) if match else None
    if is_web_address(href):
        return Outbound(href, quick=quick_key(href))
    return None


def site_path_of_url(url: str, written_at: str, base_url: str) -> str | None:
    """The site path a link in a body points to, if it points inside this site (either scheme)."""
    if url.startswith("#"):
        return None
    if _HAS_SCHEME_RE.match(url):
        host, prefix = _host_and_prefix(base_url)
        if host is None or host not in url.lower():
            return None  # cheap: most links point elsewhere
        parts = urlsplit(url)
        if parts.hostname != host or not parts.path.startswith(prefix):
            return None
        return parts.path[len(prefix):]
    resolved = urlsplit(urljoin("http://site.invalid/" + written_at, url))
    return resolved.path.lstrip("/")
