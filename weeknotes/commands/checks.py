"""Advice for `weeknotes check`: curator warnings and who each audience will see.

Nothing here changes a build; it helps contributors before they publish, and never ranks
or shames anyone (DOMAIN.md): the audience report counts items, and names authors who
have not opted in to public publishing only in the maintainer's terminal.
"""

from __future__ import annotations

from datetime import datetime

from weeknotes.base.errors import Problems
from weeknotes.base.wording import counted
from weeknotes.model import urls
from weeknotes.model.collect import week_key
from weeknotes.model.curation import normalize_url, tracking_params
from weeknotes.model.linkhealth import LinkHealth
from weeknotes.model.values import Audience, Content, Item
from weeknotes.source.sources import key_line


def curator_warnings(content: Content, problems: Problems) -> None:
    """Tracking parameters, plain http, URLs already curated in an earlier week, and addresses
    `weeknotes links` found dead or moved."""
    first_seen: dict[str, Item] = {}
    links = sorted((i for i in content.items if i.is_link and i.url), key=lambda i: (i.date.timestamp(), i.source))
    for item in links:
        assert item.url is not None
        line = key_line(item.source, "url")  # every warning here is about the `url:` line
        found = tracking_params(item.url)
        if found:
            problems.warn(item.source, line, f"the link carries tracking parameters ({', '.join(found)})",
                          hint="remove them from `url:`; readers do not need them")
        if item.url.lower().startswith("http://"):
            problems.warn(item.source, line, "the link uses http://",
                          hint="most sites serve https:// now; check whether this one does")
        key = normalize_url(item.url)
        earlier = first_seen.get(key)
        if earlier is not None and week_key(earlier.date, content) != week_key(item.date, content):
            who = ", ".join(a.name for a in earlier.authors)
            problems.warn(item.source, line,
                          f"{who} already curated this link in {week_key(earlier.date, content)} ({earlier.source})",
                          hint="add to their conversation: say what you see that they did not")
        first_seen.setdefault(key, item)
        health = content.link_health.get(item.url)
        if health is not None:
            health_warning(item, health, content, line, problems)


def health_warning(item: Item, health: LinkHealth, content: Content, line: int, problems: Problems) -> None:
    """What `weeknotes links` last found, when it asks something of the curator: a dead
    address, or one that moved permanently (content/links-health.yaml)."""
    if health.is_dead:
        copy = urls.archived_copy(item, content.config.timezone)
        moved = f" after a permanent redirect to {health.moved_to}" if health.moved_to else ""
        problems.warn(item.source, line, f"the address is dead: it answered {health.answer}{moved} "
                                         f"(`weeknotes links`, since {health.since})",
                      hint=f"readers are offered the archived copy {copy}; if the page lives on elsewhere, "
                           "put its new address in `url:`, or a better copy in `archive:`")
    elif health.moved_to:
        problems.warn(item.source, line, f"the address moved permanently to {health.moved_to} "
                                         f"(`weeknotes links`, since {health.since})",
                      hint=f"replace `url:` with {health.moved_to}")


def audience_report(content: Content, now: datetime) -> list[str]:
    lines = []
    for name, drafts in (("public", False), ("internal", False), ("internal", True)):
        audience = Audience(name, drafts, False, now)
        count = sum(1 for i in content.items if audience.includes(i) and i.date <= now)
        label = f"{name} build" + (" with --drafts" if drafts else "")
        article = "an" if name[0] in "aeiou" else "a"
        lines.append(f"info: {article} {label} will include {count} of {counted(len(content.items), 'item')}")
    internal_only = sorted(a.handle for a in content.authors.values() if a.is_internal_only)
    not_publishing = sorted(a.handle for a in content.authors.values() if a.publishes_nothing)
    if internal_only:
        lines.append(f"info: publishing to colleagues only (internal): {', '.join(internal_only)}")
    if not_publishing:
        lines.append(f"info: not publishing (none): {', '.join(not_publishing)}")
    return lines


def pending_report(content: Content, now: datetime) -> list[str]:
    """Drafts, and posts dated in the future with the moment they appear: for the terminal
    only, so a contributor sees what is waiting (a draft is listed as a draft even when dated
    in the future: removing its `visibility` line is what publishes it)."""
    zone = content.config.timezone
    lines = [f"draft: {item.source}" for item in content.items if item.is_draft]
    for item in content.items:
        if not item.is_draft and item.date > now:
            lines.append(f"scheduled: {item.source} appears {item.date.astimezone(zone):%Y-%m-%d %H:%M} ({zone.key})")
    return sorted(lines)
