"""What `weeknotes new` writes where: a default title and address that no one else's post
of the same week can have, a curated address with its scheme, and never a clash with a
post already there (issue 22: two people's `new note` in one week made one address)."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from slugify import slugify

from weeknotes.base.errors import Problems, UsageError
from weeknotes.model.values import Author
from weeknotes.source.fields import escape_url, is_web_url
from weeknotes.source.layout import iter_files
from weeknotes.source.schema import slug_of_file_name
from weeknotes.source.sources import display_path

SLUG_LINE_RE = re.compile(r"^slug:\s*['\"]?([a-z0-9-]+)['\"]?\s*$", re.MULTILINE)
SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")


def default_title(author: Author, now: datetime) -> str:
    """A note's title when none is given: the author's and the week's, so it is theirs alone."""
    year, week, _day = now.isocalendar()
    return f"{author.name}'s weeknote, week {week} of {year}"


def default_slug(author: Author, now: datetime) -> str:
    year, week, _day = now.isocalendar()
    return f"{author.handle}-weeknote-{year}-w{week:02d}"


def curated_url(given: str) -> str:
    """The address for `new link --url`: `example.net/x` gains https://; anything that is not
    an http(s) address is refused now, not by the check that follows."""
    url = given.strip()
    if not SCHEME_RE.match(url) and not url.startswith("//"):
        url = "https://" + url
    if " " in url or not is_web_url(url):
        raise UsageError(f"--url must be an http:// or https:// address, not {given!r}\n"
                         "  hint: copy the address from your browser's address bar")
    return escape_url(url)


def new_post_path(content: Path, kind: str, author: Author, slug: str, now: datetime, title_given: bool) -> Path:
    """The file for a new post whose address is `slug`, if no post of its kind has it yet;
    a default slug is made unique with a number, a chosen title must be changed."""
    folder = content / ("notes" / Path(author.handle) if kind == "note" else Path("links"))
    taken = addresses(content / ("notes" if kind == "note" else "links"), content)
    wanted, number = slug, 1
    while wanted in taken:
        if title_given:
            raise UsageError(f"{display_path(taken[wanted])} already has the address /{kind}s/{wanted}/; "
                             "choose another --title")
        number += 1
        wanted = f"{slug}-{number}"
    path = folder / f"{now:%Y-%m-%d}-{wanted}.md"
    if path.exists():
        raise UsageError(f"{display_path(path)} already exists; choose another --title")
    return path


def addresses(kind_dir: Path, content: Path) -> dict[str, Path]:
    """Slug -> file of every post of one kind: its `slug:` line, else its file's name."""
    taken: dict[str, Path] = {}
    for path in iter_files(kind_dir, content, Problems(), ".md"):
        try:
            head = path.read_text(encoding="utf-8", errors="replace")[:4000]
        except OSError:
            continue
        explicit = SLUG_LINE_RE.search(head.split("\n---", 2)[0])
        taken.setdefault(explicit.group(1) if explicit else slug_of_file_name(path.name), path)
    return taken


def slug_of(title: str, url: str | None) -> str:
    return slugify(title or (url or "").split("//", 1)[-1])[:60].strip("-") or "untitled"
