"""Files that `weeknotes new` and `weeknotes init` write for people to start from."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from weeknotes.base.errors import UsageError
from weeknotes.base.language import DEFAULT, normalize_tag, tag_problem

# What `weeknotes new` puts in the front matter as guidance. YAML comments, never body
# text: a body placeholder ("- ", "Why it matters...") would be published as written (#12).
NOTE_GUIDE = (
    "# Write your note below the closing --- line. Many weeknotes have four parts:",
    "# what happened, what I learnt, what is next, and thanks to people who helped.",
)
LINK_GUIDE = (
    "# Below the closing --- line, say why this link matters and how it connects to your work.",
    "# via: who you found it through (a handle, a name or a URL)",
)
DRAFT_LINE = "visibility: draft"
DRAFT_GUIDE = "# A draft is in no build but a preview (--drafts). Delete the next line to publish it."


def yaml_string(text: str) -> str:
    """Quote a value for YAML front matter so that any title survives as written."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def new_file(kind: str, title: str, now: datetime, author: str, item_id: str, url: str | None) -> str:
    """A new post that starts as a draft, with an empty body: nothing in it would be
    published as it stands."""
    lines = ["---"]
    if kind == "link":
        lines.append(f"url: {yaml_string(url or '')}")
    if title:
        lines.append(f"title: {yaml_string(title)}")
    lines += [f"date: {now:%Y-%m-%d %H:%M}", f"author: {author}", "tags: []", f"id: {item_id}"]
    lines += [*(NOTE_GUIDE if kind == "note" else LINK_GUIDE), DRAFT_GUIDE, DRAFT_LINE, "---", ""]
    return "\n".join(lines) + "\n"


DEFAULT_TIMEZONE = "Europe/London"
"""The timezone `init` writes into site.yaml unless given --timezone."""

SITE_YAML = """title: Our weeknotes
base_url: https://example.org/
description: What we are working on, learning and reading, week by week.
language: {language}
timezone: {timezone}
"""
AUTHORS_YAML = """# One record per person. Nothing of yours is published until you set `publish: public`.
ada:
  name: Ada Example
  bio: Writes weeknotes about the work.
  publish: public
"""
FIRST_NOTE = """---
title: My first weeknote
date: {today}
author: ada
tags: [getting started]
---

## What happened

- Set up our weeknotes site.

## What I learnt

- Working out loud is easier with a rhythm.
"""
FIRST_LINK = """---
url: https://example.org/working-out-loud/
title: Working out loud
date: {today}
author: ada
tags: [getting started]
---

Why this matters to us: a short explanation in your own words.
"""
ABOUT_PAGE = """---
title: About
---

Who we are, and how to join in.
"""


def site_language(text: str) -> str:
    """`--language` as site.yaml will have it, or a UsageError saying what is wrong."""
    problem = tag_problem(text)
    if problem is not None:
        raise UsageError(f"--language: {problem[0]}" + (f"; {problem[1]}" if problem[1] else ""))
    return normalize_tag(text) or DEFAULT


def site_timezone(name: str) -> str:
    """`--timezone` as site.yaml will have it, or a UsageError saying what is wrong."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"--timezone must be an IANA time zone name like Europe/London or America/New_York, "
                         f"not {name!r}") from None
    return name


def site_files(language: str = DEFAULT, today: date | None = None, timezone: str = DEFAULT_TIMEZONE) -> dict[str, str]:
    """The starter content, path -> text, in `language`; the first note and link are dated
    `today` (the day `init` runs, in the site's timezone), so they are in this week's digest."""
    day = (today or date.today()).isoformat()
    return {
        "content/site.yaml": SITE_YAML.format(language=language, timezone=timezone),
        "content/authors.yaml": AUTHORS_YAML,
        f"content/notes/ada/{day}-first-weeknote.md": FIRST_NOTE.format(today=day),
        f"content/links/{day}-working-out-loud.md": FIRST_LINK.format(today=day),
        "content/pages/about.md": ABOUT_PAGE,
    }
