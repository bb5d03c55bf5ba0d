"""The site's settings as a value: site.yaml with defaults filled in (source/config.py reads
and validates it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class EmailSettings:
    """The `email:` group of site.yaml: how `weeknotes send` delivers the weekly digest."""

    sender: str | None = None
    """`from`: the From address, e.g. `Open Practice Circle <digest@example.org>`."""
    to: tuple[str, ...] = ()
    """Who receives it, usually one mailing-list address."""
    smtp: str | None = None
    """`HOST` or `HOST:PORT` of the SMTP server."""
    tls: str = "none"
    """`starttls`, `ssl` or `none`."""
    unsubscribe: str | None = None
    """An https:// or mailto: address for the List-Unsubscribe header."""


@dataclass(frozen=True)
class Config:
    """Settings from site.yaml, with defaults filled in."""

    title: str
    base_url: str
    """Absolute http(s) URL ending in `/`; its path is the site's prefix."""
    description: str = ""
    language: str = "en"
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    theme: str = "default"
    per_page: int = 10
    feed_limit: int = 20
    feed_full_content: bool = True
    feed_hub: str | None = None
    """`feeds.hub`: the WebSub hub every feed names, and `weeknotes ping` tells of changes."""
    allow_html: bool = False
    search_enabled: bool = True
    blogs_in_lists: bool = True
    """Whether members' blog posts show on the home page and in the site-wide feeds too
    (`blogs.in_lists`); they are always on their author's page and in their week's digest."""
    email: EmailSettings = field(default_factory=EmailSettings)

    @property
    def domain(self) -> str:
        return urlsplit(self.base_url).hostname or "localhost"
