"""Members' blogs on disk: one JSON snapshot per consenting author, `content/blogs/HANDLE.json`.

`weeknotes fetch` writes them (atomically); builds read them and never go online, so the
same commit always builds the same site. A snapshot holds no fetch time, only what the
feed said, so fetching an unchanged feed leaves the file byte for byte as it was.

Consent is decided here, in one function, for fetch and build alike: an author's feed is
taken in only with `aggregate: true`, a `feed:` and a `publish` other than `none`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from weeknotes.base.files import write_if_changed
from weeknotes.model.values import YEARS, Author, in_known_years

BLOGS_DIR = "blogs"
FORMAT = 1


def consents(author: Author) -> bool:
    """Whether this author's blog may be fetched and shown (to the audiences `publish` allows)."""
    return author.aggregate and author.feed is not None and not author.publishes_nothing


def snapshot_path(content_dir: Path, handle: str) -> Path:
    return content_dir / BLOGS_DIR / f"{handle}.json"


class SnapshotInvalid(Exception):
    """A snapshot file that cannot be read back (edited by hand, or cut short)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class FeedEntry:
    """One post as the member's feed describes it, reduced to what the site shows."""

    id: str
    """The original entry id (Atom `id`, RSS `guid`, JSON Feed `id`), else its link."""
    url: str
    """The original post: canonical, and where every mention of it links."""
    title: str
    published: datetime
    updated: datetime | None
    summary: str
    """Plain text, at most SUMMARY_LENGTH characters."""


@dataclass(frozen=True)
class Snapshot:
    """What the last good fetch of one author's feed found, and how to ask again politely."""

    author: str
    feed: str
    """The `feed:` from authors.yaml it was fetched for."""
    location: str | None = None
    """Where a permanent redirect sent us: asked directly next time, until authors.yaml says so."""
    etag: str | None = None
    last_modified: str | None = None
    gone: bool = False
    """The feed answered 410 Gone: it is not asked for again while `feed:` stays the same."""
    entries: tuple[FeedEntry, ...] = field(default=())
    """Every post taken in so far, newest first; a post that leaves the feed stays here."""


def entry_to_json(entry: FeedEntry) -> dict[str, Any]:
    data = asdict(entry)
    data["published"] = entry.published.isoformat()
    data["updated"] = entry.updated.isoformat() if entry.updated else None
    return data


def snapshot_bytes(snapshot: Snapshot) -> bytes:
    data = {"weeknotes_snapshot": FORMAT, **asdict(snapshot)}
    data["entries"] = [entry_to_json(e) for e in snapshot.entries]
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def write_snapshot(path: Path, snapshot: Snapshot) -> bool:
    """Write atomically (temp file, then rename); return False when the bytes were already there."""
    return write_if_changed(path, snapshot_bytes(snapshot))


def read_snapshot(path: Path) -> Snapshot:
    """Read one snapshot back; raise SnapshotInvalid saying what is wrong with it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SnapshotInvalid(f"not valid JSON: {exc.msg}", exc.lineno) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SnapshotInvalid(f"cannot be read: {exc}") from None
    if not isinstance(data, dict) or data.get("weeknotes_snapshot") != FORMAT:
        raise SnapshotInvalid(f"not a weeknotes blog snapshot (format {FORMAT})")
    try:
        return Snapshot(
            author=_text(data["author"]), feed=_text(data["feed"]), location=_optional(data.get("location")),
            etag=_optional(data.get("etag")), last_modified=_optional(data.get("last_modified")),
            gone=bool(data.get("gone", False)),
            entries=tuple(_entry(e) for e in data.get("entries", [])),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise SnapshotInvalid(f"a field is missing or has the wrong type ({exc})") from None


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, found {value!r}"[:100])
    return value


def _optional(value: object) -> str | None:
    return None if value is None else _text(value)


def _moment(value: object) -> datetime:
    moment = datetime.fromisoformat(_text(value))
    if moment.tzinfo is None:
        raise ValueError(f"date {value!r} has no offset")
    if not in_known_years(moment):
        raise ValueError(f"date {value!r} is not in the years {YEARS[0]} to {YEARS[-1]}")
    return moment


def _entry(data: Any) -> FeedEntry:
    updated = data.get("updated")
    if not _text(data["url"]).startswith(("http://", "https://")):
        raise ValueError(f"entry url {data['url']!r} is not http(s)"[:100])
    return FeedEntry(id=_text(data["id"]), url=_text(data["url"]), title=_text(data["title"]),
                     published=_moment(data["published"]), updated=_moment(updated) if updated else None,
                     summary=_text(data.get("summary", "")))
