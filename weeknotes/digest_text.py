"""The digest as plain text, for the `text/plain` part of its email.

Made from the same `Week` value as email.html (not by stripping that HTML): the intro, each
note with its page's full address, each link with its address and every curator's words.
"""

from __future__ import annotations

from weeknotes import urls
from weeknotes.model import Author, Item, MergedLink, Site, Week
from weeknotes.plain_text import html_to_text, wrap
from weeknotes.theme import human_date
from weeknotes.urls import Linker

INTERNAL_BANNER = "Internal: do not share outside the organisation."
PREVIEW_BANNER = "Preview: this digest includes drafts. Do not send it."


def digest_text(site: Site, week: Week) -> str:
    """The whole digest as text: banner, heading, intro, notes, links, contributors, footer."""
    linker = Linker(urls.path_of(week), site.config.base_url, absolute=True)
    parts = [*banners(site), heading(site, week)]
    if week.intro:
        if week.intro.editors:
            parts.append(wrap(f"Introduced by {names(week.intro.editors)}"))
        parts.append(body_text(week.intro.body_html, urls.path_of(week.intro), linker))
    if week.notes:
        parts.append(section("Weeknotes"))
        parts += [note_text(item, linker) for item in week.notes]
    if week.links:
        parts.append(section("Links"))
        parts += [link_text(site, merged, linker) for merged in week.links]
    if week.contributors:
        parts += [section("This week's contributors"), wrap(names(week.contributors))]
    parts.append(footer(site, week, linker))
    return "\n\n".join(part for part in parts if part) + "\n"


def banners(site: Site) -> list[str]:
    return ([INTERNAL_BANNER] if site.audience.name == "internal" else []) + (
        [PREVIEW_BANNER] if site.audience.drafts else [])


def heading(site: Site, week: Week) -> str:
    dates = f"Digest {week.number} · {week.key} · {human_date(week.start)} to {human_date(week.end)}"
    return "\n".join([site.config.title, "", week.title, "=" * len(week.title), dates])


def section(title: str) -> str:
    return f"{title}\n{'-' * len(title)}"


def names(people: tuple[Author, ...]) -> str:
    listed = [p.name for p in people]
    return " and ".join(listed) if len(listed) < 3 else ", ".join(listed[:-1]) + " and " + listed[-1]


def body_text(html: str, written_at: str, linker: Linker, indent: str = "") -> str:
    """A body with its relative links made absolute first, as in email.html."""
    return html_to_text(urls.rebase_html(html, written_at, linker), indent)


def note_text(item: Item, linker: Linker) -> str:
    lines = [wrap(item.title, "  ", "- "), f"  {linker(item)}",
             wrap(f"by {names(item.authors)}, {human_date(item.date)}", "  ")]
    if item.summary:
        lines.append(wrap(item.summary, "  "))
    return "\n".join(lines)


def link_text(site: Site, merged: MergedLink, linker: Linker) -> str:
    lines = [wrap(merged.title, "  ", "- "), f"  {merged.url}"]
    if len(merged.curations) > 1:
        lines.append(f"  Curated by {len(merged.curations)} people")
    blocks = ["\n".join(lines)]
    for curation in merged.curations:
        said = wrap(f"{names(curation.authors)}, {human_date(curation.date)}{via_text(site, curation, linker)}:",
                    "  ")
        words = body_text(curation.body_html, urls.path_of(curation), linker, "    ")
        blocks.append(f"{said}\n{words}" if words else said.removesuffix(":"))
    return "\n\n".join(blocks)


def via_text(site: Site, item: Item, linker: Linker) -> str:
    """` (via NAME <URL>)`, with the same link the page shows, if any."""
    via = item.via
    if via is None:
        return ""
    if via.handle and via.handle in site.author_handles:
        return f" (via {via.name} <{linker.author(via.handle)}>)"
    return f" (via {via.name} <{via.url}>)" if via.url else f" (via {via.name})"


def footer(site: Site, week: Week, linker: Linker) -> str:
    lines = ["-- ", f"You are reading the weekly digest of {site.config.title}: {linker('')}",
             f"Read it on the web: {linker(week)}"]
    if site.config.email.unsubscribe:
        lines.append(f"Unsubscribe: {site.config.email.unsubscribe.removeprefix('mailto:')}")
    return "\n".join(lines)
