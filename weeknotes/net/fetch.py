"""`weeknotes fetch`: take in consenting members' blog posts, one polite request per feed.

For each author in authors.yaml: no consent (snapshot.consents) means no request, and any
snapshot kept for them is deleted. Otherwise their feed is asked for with the stored
validators; 304 keeps the snapshot, 410 marks it gone (never asked again for that
address), a permanent redirect is followed and reported, and any failure keeps the last
good snapshot. Each feed gets one line in the health report.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from weeknotes.base.errors import Problems
from weeknotes.model.settings import Config
from weeknotes.model.values import Author
from weeknotes.net import httpget
from weeknotes.net.feedread import FeedInvalid, parse_feed
from weeknotes.net.httpget import FetchFailed, Request, get
from weeknotes.source.config import load_authors, load_config
from weeknotes.source.snapshot import (
    BLOGS_DIR,
    FeedEntry,
    Snapshot,
    SnapshotInvalid,
    consents,
    read_snapshot,
    snapshot_path,
    write_snapshot,
)
from weeknotes.source.sources import display_path

DEFAULT_TIMEOUT = 20.0
SIZE_LIMIT = 4 * 1024 * 1024
"""The most bytes a feed may have: a feed is a summary of recent posts, not an archive."""


@dataclass(frozen=True)
class FetchOptions:
    content: Path = Path("content")
    timeout: float = DEFAULT_TIMEOUT
    """Seconds per feed, for the whole exchange."""
    limit: int = SIZE_LIMIT
    now: datetime | None = None
    """For counting posts dated in the future (they wait, like scheduled items)."""


@dataclass(frozen=True)
class FeedReport:
    """One line of the health report."""

    handle: str
    status: str
    """`new`, `unchanged`, `moved`, `gone`, `failed`, `skipped` (no consent) or `removed`."""
    detail: str
    problem: bool = False
    """Something a maintainer should act on (what `--strict` turns into a failure)."""

    def line(self) -> str:
        return f"{self.handle}: {self.status}: {self.detail}"


NOT_FETCHED = frozenset({"skipped", "removed"})
"""The statuses of authors whose feed was not asked for (no consent, or no longer)."""


def user_agent(config: Config) -> str:
    return httpget.user_agent(config, "feed aggregator")


def fetch_all(options: FetchOptions) -> list[FeedReport]:
    """Fetch every consenting author's feed; delete what is kept for anyone else."""
    problems = Problems()
    config = load_config(options.content, problems)
    authors = load_authors(options.content, problems)
    problems.raise_if_any()
    assert config is not None and authors is not None  # else raise_if_any raised
    reports = []
    for author in sorted(authors.values(), key=lambda a: a.handle):
        path = snapshot_path(options.content, author.handle)
        if consents(author):
            reports.append(fetch_one(author, path, options, user_agent(config)))
        else:
            reports += without_consent(author, path)
    reports += remove_strays(options.content, authors)
    return reports


def without_consent(author: Author, path: Path) -> list[FeedReport]:
    if path.exists():
        path.unlink()
        return [FeedReport(author.handle, "removed", f"no consent any more ({why_not(author)}); "
                                                     f"deleted {display_path(path)}")]
    if author.feed:
        return [FeedReport(author.handle, "skipped", f"not requested: {why_not(author)} ({author.feed})")]
    return []


def why_not(author: Author) -> str:
    if author.publishes_nothing:
        return "`publish: none`"
    if not author.feed:
        return "no `feed:`"
    return "`aggregate: true` is not set"


def remove_strays(content: Path, authors: dict[str, Author]) -> list[FeedReport]:
    reports = []
    for path in sorted((content / BLOGS_DIR).glob("*.json")):
        if path.stem not in authors:
            path.unlink()
            reports.append(FeedReport(path.stem, "removed", f"not in authors.yaml; deleted {display_path(path)}"))
    return reports


def stored(author: Author, path: Path) -> tuple[Snapshot, str]:
    """The last good snapshot for this author's current feed (or a fresh one), and a note about it."""
    fresh = Snapshot(author=author.handle, feed=author.feed or "")
    if not path.exists():
        return fresh, ""
    try:
        old = read_snapshot(path)
    except SnapshotInvalid as exc:
        return fresh, f" (the stored snapshot was unreadable: {exc}; started afresh)"
    if old.author != author.handle:
        return fresh, " (the stored snapshot was someone else's; started afresh)"
    if old.feed != author.feed:  # a new address in authors.yaml: keep the posts, forget the rest
        return replace(fresh, entries=old.entries), ""
    return old, ""


def fetch_one(author: Author, path: Path, options: FetchOptions, agent: str) -> FeedReport:
    old, note = stored(author, path)
    if old.gone:
        return FeedReport(author.handle, "gone", f"not requested: {old.feed} answered 410 Gone earlier; "
                                                 "remove `feed:` or give its new address in authors.yaml", True)
    url = old.location or old.feed
    try:
        response = get(Request(url, agent, options.timeout, options.limit, old.etag, old.last_modified))
        parsed = parse_feed(response.body, response.url, response.content_type) if response.status == 200 else None
    except (FetchFailed, FeedInvalid) as exc:
        kept = f"; kept the {len(old.entries)} posts stored before" if old.entries else ""
        return FeedReport(author.handle, "failed", f"{exc} ({url}){kept}{note}", True)
    location = response.moved_to or old.location
    moved = f"; moved permanently to {location}: update `feed:` for {author.handle} in authors.yaml" \
        if location else ""
    if response.status == 410:
        write_snapshot(path, replace(old, gone=True, location=location))
        return FeedReport(author.handle, "gone", f"{url} answered 410 Gone; it will not be requested again "
                                                 "(remove `feed:` or give its new address)", True)
    if response.status == 304:
        write_snapshot(path, replace(old, location=location))
        return FeedReport(author.handle, "moved" if location else "unchanged",
                          f"not modified since the last fetch ({response.url}){moved}{note}", bool(location))
    assert parsed is not None
    merged, counts = merge(old.entries, parsed.entries)
    write_snapshot(path, replace(old, location=location, etag=validator(response.etag),
                                 last_modified=validator(response.last_modified), entries=merged))
    detail = describe_counts(counts, parsed.entries, options.now) + f" ({response.url}, {parsed.format})"
    if parsed.skipped:
        detail += f"; skipped {len(parsed.skipped)}: " + "; ".join(parsed.skipped)
    status = "moved" if location else ("new" if counts[0] else "unchanged")
    return FeedReport(author.handle, status, detail + moved + note, bool(location or parsed.skipped))


def validator(value: str | None) -> str | None:
    return value.strip() or None if value else None


def merge(old: tuple[FeedEntry, ...], fetched: tuple[FeedEntry, ...]) -> tuple[tuple[FeedEntry, ...], tuple[int, int, int]]:
    """Every post kept so far, updated from the feed; (new, changed, unchanged) counts."""
    by_id = {entry.id: entry for entry in old}
    new = changed = same = 0
    for entry in fetched:
        before = by_id.get(entry.id)
        if before is None:
            new += 1
        elif before != entry:
            changed += 1
        else:
            same += 1
        by_id[entry.id] = entry
    entries = sorted(by_id.values(), key=lambda e: (-e.published.timestamp(), e.id))
    return tuple(entries), (new, changed, same)


def describe_counts(counts: tuple[int, int, int], fetched: tuple[FeedEntry, ...], now: datetime | None) -> str:
    new, changed, same = counts
    parts = [f"{new} new", f"{changed} updated", f"{same} unchanged"]
    waiting = sum(1 for e in fetched if now is not None and e.published > now)
    if waiting:
        parts.append(f"{waiting} dated in the future (shown from their date)")
    return ", ".join(parts)

