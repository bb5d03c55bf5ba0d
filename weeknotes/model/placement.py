"""Where a note or link will appear, for `weeknotes check PATH`: its address, its ISO week's
digest, which audiences see it, or exactly why not.

It applies the same rule as a build (audience.py), so what it says is what a build does.
"""

from __future__ import annotations

from datetime import datetime

from weeknotes.base.errors import Problem
from weeknotes.model import urls
from weeknotes.model.audience import AUDIENCES, admits, held_back_by, visibility_admitted
from weeknotes.model.collect import week_key
from weeknotes.model.values import Audience, Content, Item


def placement(item: Item, content: Content, now: datetime) -> Problem:
    """One `info` line about `item`, at the first line of its file."""
    base = content.config.base_url
    address = urls.absolute(base, item)
    week = week_key(item.date, content)
    digest = urls.absolute(base, urls.week_path(week))
    seen = [name for name in AUDIENCES if admits(Audience(name, False, False, now), item.visibility, item.authors)]
    parts, hint = [], ""
    if item.date > now:
        when = item.date.astimezone(content.config.timezone).isoformat(" ", "minutes")
        parts.append(f"scheduled until {when}: no build shows it before then (unless built with --future)")
    if not seen:
        reason, hint = why_not(item, "internal")
        parts.append(f"shown in no build: {reason}; it would be at {address}, week {week}")
    elif item.visibility == "unlisted":
        parts.append(f"unlisted: its page {address} is in no list, feed, digest or search; "
                     f"reachable by that address in the {' and '.join(seen)} build{'s' if len(seen) > 1 else ''}")
    else:
        parts.append(f"appears at {address}, in the digest of week {week} ({digest}); "
                     f"seen by: {', '.join(seen)}")
    if seen and "public" not in seen:
        reason, hint = why_not(item, "public")
        parts.append(f"not public: {reason}")
    return Problem(item.source, 1, "; ".join(parts), hint, severity="info")


def why_not(item: Item, audience: str) -> tuple[str, str]:
    """The first reason why `audience` does not see `item` (drafts first: they are the commonest), and a hint."""
    if item.visibility == "draft":
        return "it is a draft (`visibility: draft`)", "remove the `visibility: draft` line when it is ready"
    if not visibility_admitted(audience, False, item.visibility):
        return f"its visibility is {item.visibility}", "only colleagues see it, in the internal build"
    held = held_back_by(audience, item.authors)
    named = ", ".join(f"{a.handle} (publish: {a.publish})" for a in held)
    noun = "author has" if len(held) == 1 else "authors have"
    return (f"its {noun} not opted in to {audience} publishing: {named} in authors.yaml",
            "only the author can change that, by editing their own record in authors.yaml")
