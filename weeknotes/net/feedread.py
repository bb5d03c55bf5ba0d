"""Read a member's feed (Atom, RSS 0.9x/1.0/2.0 or JSON Feed 1.0/1.1) into plain entries.

XML feeds go through feedparser, which finds the declared or detected encoding; JSON
Feeds (which feedparser 6 does not read) are checked against the JSON Feed schema that
ships with weeknotes. Every entry's HTML passes through the same nh3 sanitiser as
`markdown.allow_html` content, and only its plain text is kept, cut to a short summary:
the original post stays canonical, and nothing from it can run on our pages.
"""

from __future__ import annotations

import functools
import html
import json
import re
import time
import xml.sax
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import Any
from urllib.parse import urljoin

import feedparser
import jsonschema
import nh3

from weeknotes.model.values import in_known_years
from weeknotes.source.fields import CONTROL_RE, escape_url, is_web_url
from weeknotes.source.markdown import host_and_path, sanitise_html
from weeknotes.source.snapshot import FeedEntry

SUMMARY_LENGTH = 280
TITLE_LENGTH = 80


class FeedInvalid(Exception):
    """The body is not a feed we can read; the message says why."""


@dataclass(frozen=True)
class ParsedFeed:
    entries: tuple[FeedEntry, ...]
    skipped: tuple[str, ...]
    """Why each left-out entry was left out, e.g. `"Untitled" has no date`."""
    format: str


def parse_feed(body: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """Entries of a feed fetched from `url`; raise FeedInvalid if it cannot be read."""
    if looks_like_json(body, content_type):
        return parse_json_feed(body, url)
    return parse_xml_feed(body, url, content_type)


def looks_like_json(body: bytes, content_type: str) -> bool:
    start = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return start == b"{" or ("json" in content_type.lower() and start != b"<")


# feedparser calls these "bozo" too, but the document itself was read in full.
HARMLESS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


def parse_xml_feed(body: bytes, url: str, content_type: str) -> ParsedFeed:
    headers = {"content-location": url, **({"content-type": content_type} if content_type else {})}
    result = feedparser.parse(body, response_headers=headers, sanitize_html=True, resolve_relative_uris=True)
    problem = result.get("bozo_exception")
    if result.get("bozo") and not isinstance(problem, HARMLESS):
        if isinstance(problem, xml.sax.SAXParseException):
            raise FeedInvalid(f"malformed XML at line {problem.getLineNumber()}: {problem.getMessage()}")
        raise FeedInvalid(f"cannot read it as a feed: {problem}")
    if not result.get("version"):
        raise FeedInvalid("not an Atom, RSS or JSON feed")
    base = result.get("href") or url
    entries, skipped = [], []
    atom = str(result.version).startswith("atom")
    for raw in result.entries:
        made = xml_entry(raw, base, atom)
        if isinstance(made, str):
            skipped.append(made)
        else:
            entries.append(made)
    return ParsedFeed(*unique(entries, skipped), format=str(result.version))


def xml_entry(raw: Any, base: str, atom: bool) -> FeedEntry | str:
    """An entry, or the reason to skip it; `atom`: the feed says which text is text."""
    summary = raw.get("summary_detail", {}) if raw.get("summary") else raw["content"][0] if raw.get("content") else {}
    if atom and summary.get("type") == "text/plain":
        text = clean_text(summary.get("value", ""))
    else:
        text = text_of(summary.get("value", ""))
    title = text_as_typed(raw.get("title", ""), raw.get("title_detail", {}).get("type", ""), atom)
    link = raw.get("link") or ""
    name = describe(title, link)
    # Plain dict.get: feedparser's own get() maps a missing `updated` to `published`, with a warning.
    published_at, updated_at = dict.get(raw, "published_parsed"), dict.get(raw, "updated_parsed")
    published = struct_time_to_datetime(published_at or updated_at)
    if published is None:
        return f"{name} has no date"
    updated = struct_time_to_datetime(updated_at) if published_at else None
    return build_entry(raw.get("id") or "", link, title, published, updated, text, base)


def struct_time_to_datetime(value: time.struct_time | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


@functools.cache
def json_feed_schema() -> dict[str, Any]:
    text = resources.files("weeknotes").joinpath("data/jsonfeed-schema-v1.1.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def parse_json_feed(body: bytes, url: str) -> ParsedFeed:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FeedInvalid(f"malformed JSON: {exc}") from None
    error = jsonschema.exceptions.best_match(jsonschema.Draft7Validator(json_feed_schema()).iter_errors(data))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "the top level"
        what = "matches none of the forms the schema allows" if error.validator in ("anyOf", "oneOf") \
            else error.message[:120]
        raise FeedInvalid(f"not a valid JSON Feed ({where}: {what})")
    base = data.get("feed_url") or url
    entries, skipped = [], []
    for raw in data["items"]:
        made = json_entry(raw, base)
        if isinstance(made, str):
            skipped.append(made)
        else:
            entries.append(made)
    version = "json1.1" if data["version"].endswith("/1.1") else "json1"
    return ParsedFeed(*unique(entries, skipped), format=version)


def json_entry(raw: dict[str, Any], base: str) -> FeedEntry | str:
    title = plain(raw.get("title") or "")
    link = raw.get("url") or ""
    name = describe(title, link)
    published = iso_datetime(raw.get("date_published") or raw.get("date_modified"))
    if published is None:
        reason = "a date that is not RFC 3339" if raw.get("date_published") or raw.get("date_modified") else "no date"
        return f"{name} has {reason}"
    updated = iso_datetime(raw.get("date_modified")) if raw.get("date_published") else None
    summary = plain(raw.get("summary") or "") or text_of(raw.get("content_html") or "") \
        or plain(raw.get("content_text") or "")
    return build_entry(str(raw.get("id") or ""), link, title, published, updated, summary, base)


def iso_datetime(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def build_entry(entry_id: str, link: str, title: str, published: datetime, updated: datetime | None,
                summary: str, base: str) -> FeedEntry | str:
    try:
        url = escape_url(urljoin(base, link.strip())) if link else ""
    except ValueError:  # e.g. a malformed IPv6 host
        url = ""
    if not is_web_url(url):
        return f"{describe(title, link)} has no http(s) link to the original"
    if not in_known_years(published):
        return f"{describe(title, link)} is dated in the year {published.year}"
    if updated and not in_known_years(updated):
        updated = None
    title = title or shorten(summary, TITLE_LENGTH) or host_and_path(url)
    return FeedEntry(id=clean_text(entry_id) or url, url=url, title=title, published=published,
                     updated=updated if updated and updated > published else None,
                     summary=shorten(summary, SUMMARY_LENGTH))


def unique(entries: list[FeedEntry], skipped: list[str]) -> tuple[tuple[FeedEntry, ...], tuple[str, ...]]:
    """One entry per id: a feed that repeats an id shows the first."""
    seen: dict[str, FeedEntry] = {}
    for entry in entries:
        if entry.id in seen:
            skipped.append(f"{describe(entry.title, entry.url)} repeats the id of an earlier entry")
        else:
            seen[entry.id] = entry
    return tuple(seen.values()), tuple(skipped)


def describe(title: str, link: str) -> str:
    return f'"{shorten(title, 60)}"' if title else (link or "an untitled entry")


BLOCK_END_RE = re.compile(r"(</(?:p|div|li|h[1-6]|blockquote|pre|tr|td|th|figcaption)>|<br\s*/?>)", re.IGNORECASE)


def text_of(markup: str) -> str:
    """The plain text of an entry's HTML, after the sanitiser our own content goes through."""
    return plain(BLOCK_END_RE.sub(r"\1 ", sanitise_html(markup)))


CODE_RE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
"""A whole script or style element: code, not words."""


def plain(markup: str) -> str:
    """The words of some HTML, on one line: tags go, entities are decoded, whole script and
    style elements go with their code; the text after a lone `<script>` stays (issue 22: a
    title `Pasting <script> into the intranet` was cut to `Pasting `)."""
    text = html.unescape(nh3.clean(CODE_RE.sub(" ", markup), tags=set(), clean_content_tags=set()))
    return clean_text(text)


def text_as_typed(value: str, kind: str, atom: bool) -> str:
    """A title's or summary's text, read as its feed says: Atom's `type="text"` is text, kept
    whole (`<script>` is a word there, escaped wherever it is shown); anything else is HTML
    (RSS and JSON Feed do not say, and feeds put HTML in them), read by `plain`."""
    return clean_text(value) if atom and kind == "text/plain" else plain(value)


def clean_text(text: str) -> str:
    return " ".join(CONTROL_RE.sub(" ", text).split())


WORD_END_RE = re.compile(r"\s+\S*$")


def shorten(text: str, length: int) -> str:
    """At most `length` characters, cut at a word boundary with an ellipsis."""
    if len(text) <= length:
        return text
    cut = WORD_END_RE.sub("", text[: length - 1]) or text[: length - 1]
    return cut.rstrip(" ,;:.-") + "…"
