"""The digest as plain text, for the `text/plain` part of its email.

Made from the same `Week` value as email.html (not by stripping that HTML): the intro, each
note with its page's full address, each link with its address and every curator's words.
"""

from __future__ import annotations

from weeknotes.base.language import Language
from weeknotes.model import urls
from weeknotes.model.curation import address_of
from weeknotes.model.urls import Linker
from weeknotes.model.values import Author, Item, Site
from weeknotes.model.weeks import BLOGS, CONTRIBUTORS, INTRO, LINKS, NOTES, DigestSection, MergedLink, Week
from weeknotes.render.plain_text import html_to_text, wrap


def digest_text(site: Site, week: Week) -> str:
    """The whole digest as text: banner, heading, then the week's sections in their order, footer."""
    linker = Linker(urls.path_of(week), site.config.base_url, absolute=True)
    parts = [*banners(site), heading(site, week)]
    for part in week.sections:
        parts += section_text(site, week, part, linker)
    parts.append(footer(site, week, linker))
    return "\n\n".join(part for part in parts if part) + "\n"


def section_text(site: Site, week: Week, part: DigestSection, linker: Linker) -> list[str]:
    """One section of the digest (`Week.sections`), as text blocks."""
    words = site.language
    if part.kind == INTRO and week.intro:
        editors = week.intro.editors
        introduced = wrap(words.gettext("Introduced by %(people)s", people=names(editors, words))) if editors else ""
        return [introduced, body_text(week.intro.body_html, urls.path_of(week.intro), linker)]
    blocks = {NOTES: lambda: [note_text(item, linker, words) for item in week.notes],
              BLOGS: lambda: [note_text(item, linker, words) for item in week.blog_posts],
              LINKS: lambda: [link_text(site, merged, linker) for merged in week.links],
              CONTRIBUTORS: lambda: [wrap(names(week.contributors, words))]}
    return [underlined(part.heading), *blocks[part.kind]()]


def from_blog(item: Item, words: Language) -> str:
    """`From NAME's blog`: the one wording for a member's blog post (the pages' too)."""
    return words.gettext("From %(name)s's blog", name=names(item.authors, words))


def banners(site: Site) -> list[str]:
    """The email page's banners, as text."""
    words = site.language
    internal = f"{words.gettext('Internal:')} {words.gettext('do not share outside the organisation.')}"
    preview = f"{words.gettext('Preview:')} {words.gettext('this digest includes drafts. Do not send it.')}"
    return ([internal] if site.audience.is_internal else []) + ([preview] if site.audience.drafts else [])


def heading(site: Site, week: Week) -> str:
    """The site, the week's title and, as the page says under it, the week and its dates."""
    words = site.language
    span = words.gettext("%(start)s to %(end)s", start=words.date(week.start), end=words.date(week.end))
    dates = f"{week.label} · {span}" if week.has_own_title else span
    return "\n".join([site.config.title, "", week.title, "=" * len(week.title), dates])


def underlined(title: str) -> str:
    return f"{title}\n{'-' * len(title)}"


def names(people: tuple[Author, ...], words: Language) -> str:
    """`Ana, Ben and Cai`, joined the way the pages join them."""
    listed = [p.name for p in people]
    if len(listed) < 2:
        return "".join(listed)
    return words.gettext("%(names)s and %(last)s", names=", ".join(listed[:-1]), last=listed[-1])


def body_text(html: str, written_at: str, linker: Linker, indent: str = "") -> str:
    """A body with its relative links made absolute first, as in email.html."""
    return html_to_text(urls.rebase_html(html, written_at, linker), indent)


def note_text(item: Item, linker: Linker, words: Language) -> str:
    """A weeknote or a post from a member's blog (whose address is the original's, which stays
    canonical): title, address, who and when, summary."""
    who = from_blog(item, words) if item.is_blog else words.gettext("by %(people)s", people=names(item.authors, words))
    lines = [wrap(item.title, "  ", "- "), f"  {linker(item)}", wrap(f"{who}, {words.date(item.date)}", "  ")]
    if item.summary:
        lines.append(wrap(item.summary, "  "))
    return "\n".join(lines)


def link_text(site: Site, merged: MergedLink, linker: Linker) -> str:
    language = site.language
    lines = [wrap(merged.title, "  ", "- "), f"  {merged.address.shown}"]  # no tracking parameters shown
    if merged.archived_copy:  # the address is dead (model/linkhealth.py): say so, offer the copy
        lines += [wrap(language.gettext("This address is gone."), "  "),
                  "  " + language.gettext("Archived copy: %(url)s", url=address_of(merged.archived_copy).shown)]
    if len(merged.curations) > 1:
        count = len(merged.curations)
        lines.append("  " + language.ngettext("Curated by %(num)s person", "Curated by %(num)s people", count))
    blocks = ["\n".join(lines)]
    for curation in merged.curations:
        said = wrap(f"{names(curation.authors, language)}, {language.date(curation.date)}{via_text(site, curation, linker)}:",
                    "  ")
        words = body_text(curation.body_html, urls.path_of(curation), linker, "    ")
        blocks.append(f"{said}\n{words}" if words else said.removesuffix(":"))
    return "\n\n".join(blocks)


def via_text(site: Site, item: Item, linker: Linker) -> str:
    """` (via NAME <URL>)`, with the same link the page shows, if any."""
    via = item.via
    if via is None:
        return ""
    if via.handle and site.has_page(via):
        who = f"{via.name} <{linker.author(via.handle)}>"
    else:
        who = f"{via.name} <{via.url}>" if via.url else via.name
    return f" ({site.language.gettext('via %(who)s', who=who)})"


def footer(site: Site, week: Week, linker: Linker) -> str:
    words = site.language
    lines = ["-- ", words.gettext("You are reading the weekly digest of %(site)s: %(url)s", site=site.config.title,
                                  url=linker("")),
             words.gettext("Read it on the web: %(url)s", url=linker(week))]
    if site.config.email.unsubscribe:
        lines.append(words.gettext("Unsubscribe: %(address)s",
                                   address=site.config.email.unsubscribe.removeprefix("mailto:")))
    return "\n".join(lines)
