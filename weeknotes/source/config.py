"""Read site.yaml into a `Config` and authors.yaml into `Author` records."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from weeknotes.base.errors import Problems, UsageError
from weeknotes.base.wording import shortened
from weeknotes.model import urls
from weeknotes.model.settings import Config
from weeknotes.model.values import PUBLISH_LEVELS, Author
from weeknotes.source.email_settings import EMAIL_KEYS, email_settings
from weeknotes.source.fields import (
    Field,
    boolean,
    choice,
    did_you_mean,
    escape_url,
    get,
    is_web_url,
    language_tag,
    plain_text,
    positive_int,
    warn_unknown_keys,
    web_url,
)
from weeknotes.source.sources import YamlData, display_path, load_yaml, read_text

SITE_KEYS = {
    "": ("title", "base_url", "description", "language", "timezone", "theme", "per_page",
         "feeds", "markdown", "search", "blogs", "email"),
    "feeds": ("limit", "full_content", "hub"),
    "markdown": ("allow_html",),
    "search": ("enabled",),
    "blogs": ("in_lists",),
    "email": EMAIL_KEYS,
}
AUTHOR_KEYS = ("name", "bio", "url", "avatar", "feed", "publish", "aggregate")
HANDLE_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
THEME_RE = re.compile(r"[A-Za-z0-9_-]+")


def read_yaml_file(path: Path, problems: Problems) -> tuple[str, YamlData] | None:
    display = display_path(path)
    if not path.is_file():
        problems.error(display, 0, f"{path.name} is missing",
                       hint="every content directory needs site.yaml and authors.yaml; `weeknotes init DIR` writes both")
        return None
    text = read_text(path, problems)
    if text is None:
        return None
    data = load_yaml(text, display, problems)
    return (display, data) if data is not None else None


def load_config(content_dir: Path, problems: Problems, base_url: str | None = None) -> Config | None:
    """Read and validate site.yaml; `base_url` (from the command line) overrides the file's,
    and a bad one is the command line's mistake, not the file's (a usage error)."""
    if base_url is not None and (" " in base_url.strip() or not is_web_url(base_url.strip())):
        raise UsageError(f"--base-url must be an absolute http:// or https:// address, not {base_url!r}\n"
                         "  hint: give the address the site is published at, e.g. --base-url https://example.org/wol/")
    loaded = read_yaml_file(content_dir / "site.yaml", problems)
    if loaded is None:
        return None
    display, data = loaded
    for section, keys in SITE_KEYS.items():
        values = get(data, section) if section else data.values
        if isinstance(values, dict):
            warn_unknown_keys(display, data, keys, problems, f"{section}." if section else "", values)
        elif section and values is not None:
            Field(display, data, section, problems).error(f"`{section}` must be a group of `key: value` lines")

    def field(key: str) -> Field:
        return Field(display, data, key, problems)

    title = plain_text(field("title"), get(data, "title"), required=True)
    url_field = field("base_url")
    url = web_url(url_field, base_url if base_url is not None else get(data, "base_url"), required=True)
    language = language_tag(field("language"), get(data, "language")) or "en"
    theme = plain_text(field("theme"), get(data, "theme")) or "default"
    if not THEME_RE.fullmatch(theme):
        field("theme").error("`theme` must be a folder name made of letters, digits, - and _")
        theme = "default"
    config = Config(
        title=title or "",
        base_url=_with_slash(url or "http://localhost/"),
        description=plain_text(field("description"), get(data, "description")) or "",
        language=language,
        timezone=_zone(field("timezone"), get(data, "timezone")),
        theme=theme,
        per_page=positive_int(field("per_page"), get(data, "per_page"), 10),
        feed_limit=positive_int(field("feeds.limit"), get(data, "feeds.limit"), 20),
        feed_full_content=boolean(field("feeds.full_content"), get(data, "feeds.full_content"), True),
        feed_hub=web_url(field("feeds.hub"), get(data, "feeds.hub")),
        allow_html=boolean(field("markdown.allow_html"), get(data, "markdown.allow_html"), False),
        search_enabled=boolean(field("search.enabled"), get(data, "search.enabled"), True),
        blogs_in_lists=boolean(field("blogs.in_lists"), get(data, "blogs.in_lists"), True),
        email=email_settings(field, data),
    )
    return config if title and url else None


def setting_line(content_dir: Path, key: str) -> int:
    """The line of a top-level setting in site.yaml (0 when it is not written there), for warnings."""
    try:
        lines = (content_dir / "site.yaml").read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    return next((n for n, line in enumerate(lines, 1) if re.match(rf"{key}\s*:", line)), 0)


EXAMPLE_NAMES = ("example.org", "example.com", "example.net", "example", "test", "invalid", "localhost")
"""RFC 2606 names (and every name below them): reserved for examples and tests, never a
published site's address."""


def is_placeholder(url: str) -> bool:
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    return any(host == name or host.endswith("." + name) for name in EXAMPLE_NAMES)


def warn_placeholder(content_dir: Path, config: Config, problems: Problems) -> None:
    """Warn while site.yaml's base_url is still an example address such as `weeknotes init`'s:
    a site built with it publishes feeds and a sitemap nobody can follow (#12). Builds and
    check call this; an address given with --base-url is the caller's to leave out."""
    if is_placeholder(config.base_url):
        problems.warn(display_path(content_dir / "site.yaml"), setting_line(content_dir, "base_url"),
                      f"`base_url` is a placeholder address: {urlsplit(config.base_url).hostname} is reserved "
                      "for examples (RFC 2606)",
                      hint="set it to the address the site is published at; feeds, the sitemap and 404.html use it")


def _with_slash(url: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, "", ""))


def _zone(f: Field, value: object) -> ZoneInfo:
    if value is None:
        return ZoneInfo("UTC")
    name = str(value)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        pass
    f.error(f"`timezone` must be an IANA time zone name like Europe/London, not {name!r}",
            hint=did_you_mean(name, available_timezones()))
    return ZoneInfo("UTC")


def load_authors(content_dir: Path, problems: Problems) -> dict[str, Author] | None:
    """Read and validate authors.yaml: handle -> Author; None when the file cannot be read
    at all (missing, or a YAML syntax error), so nothing is judged against an empty list."""
    loaded = read_yaml_file(content_dir / "authors.yaml", problems)
    if loaded is None:
        return None
    display, data = loaded
    authors: dict[str, Author] = {}
    for handle, record in data.values.items():
        line = data.line(handle)
        if not HANDLE_RE.fullmatch(handle):
            problems.error(display, line, f"author handle {handle!r} may use only lowercase letters, digits and -")
            continue
        if urls.too_long_for_a_name(handle):
            problems.error(display, line, f"author handle {shortened(handle)!r} is {len(handle)} characters long, "
                           f"and a file system allows {urls.NAME_MAX_BYTES} in a folder's name",
                           hint="shorten it: a handle is the last part of the author's page address")
            continue
        if not isinstance(record, dict):
            problems.error(display, line, f"author `{handle}` needs `name:` and other fields indented below it",
                           hint=f"write:\n    {handle}:\n      name: Full Name\n      publish: public")
            continue
        author = _author(handle, record, display, data, problems)
        if author is not None:
            authors[handle] = author
    return authors


YES_WORDS = frozenset({"yes", "y", "true", "on"})
NO_WORDS = frozenset({"no", "n", "false", "off"})


def _publish(f: Field, value: object) -> str:
    """`publish:` is one of three words; a yes or no (YAML 1.1's booleans) gets the word it means."""
    word = value.lower() if isinstance(value, str) else ""
    if word in YES_WORDS or word in NO_WORDS:
        wanted = "public" if word in YES_WORDS else "none"
        f.error(f"`{f.key}` must be one of {', '.join(PUBLISH_LEVELS)}, not {value!r}",
                hint=f"to {'publish on the public site' if wanted == 'public' else 'publish nowhere'}, "
                     f"write `publish: {wanted}`" + ("; for colleagues only, `publish: internal`" if wanted == "public" else ""))
        return "internal"
    return choice(f, value, PUBLISH_LEVELS, "internal")


def _author(handle: str, record: dict[str, object], display: str, data: YamlData,
            problems: Problems) -> Author | None:
    warn_unknown_keys(display, data, AUTHOR_KEYS, problems, f"{handle}.", record)

    def field(key: str) -> Field:
        return Field(display, data, f"{handle}.{key}", problems)

    name = plain_text(field("name"), record.get("name"), required=True)
    avatar = plain_text(field("avatar"), record.get("avatar"))
    if avatar and ":" in avatar.split("/")[0] and not avatar.startswith(("http://", "https://")):
        field("avatar").error("`avatar` must be an http(s) address or a path to a file in static/")
        avatar = None
    if avatar and not avatar.startswith(("http://", "https://")):
        avatar = quote(avatar.lstrip("/"), safe="/%")  # a path in static/, used in src="..."
    elif avatar:
        avatar = escape_url(avatar)
    return Author(
        handle=handle,
        name=name or handle,
        publish=_publish(field("publish"), record.get("publish")),
        bio=plain_text(field("bio"), record.get("bio")) or "",
        url=web_url(field("url"), record.get("url")),
        avatar=avatar,
        feed=web_url(field("feed"), record.get("feed")),
        aggregate=boolean(field("aggregate"), record.get("aggregate"), False),
    ) if name else None
