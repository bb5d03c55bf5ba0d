"""Four renderings of one `Week`: its page (planned in plan.py), its feed entry, its email
and its Markdown export. All read the same model value; none works anything out itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from functools import partial

import css_inline
import jinja2
from feedgen.feed import FeedGenerator

from weeknotes.model import urls
from weeknotes.model.plan import Output, PageMeta, feed_title, render_template, site_feeds
from weeknotes.model.urls import Linker, path_of
from weeknotes.model.values import Site
from weeknotes.model.weeks import BLOGS, CONTRIBUTORS, INTRO, LINKS, NOTES, DigestSection, Week
from weeknotes.render.digest_text import from_blog
from weeknotes.render.feeds import EPOCH, feed_weeks, item_updated, new_generator


def week_published(site: Site, week: Week) -> datetime:
    """A digest's stable publication moment: the start of its week, in the site's timezone."""
    return datetime.combine(week.start, time(), tzinfo=site.config.timezone)


def week_updated(site: Site, week: Week) -> datetime:
    """The newest change to anything in the week (the week's start for an intro-only week)."""
    moments = [item_updated(i) for i in (*week.notes, *week.blog_posts)]
    moments += [item_updated(c) for m in week.links for c in m.curations]
    return max(moments, default=week_published(site, week))


def week_id(site: Site, week: Week) -> str:
    return f"tag:{site.config.domain},{week.start.isoformat()}:weeks/{week.key}"


def render_week(env: jinja2.Environment, template: str, site: Site, week: Week, path: str,
                absolute: bool, anchored: bool = False) -> str:
    linker = Linker(path, site.config.base_url, absolute, anchored)
    meta = PageMeta(path=path, title=week.title, noindex=site.audience.is_preview, feeds=site_feeds(site),
                    section="weeks")
    return render_template(env, template, site, linker, meta, week=week)


def email_html(env: jinja2.Environment, site: Site, week: Week) -> str:
    """The digest as one self-contained email: inline styles only, absolute URLs, no scripts."""
    html = render_week(env, "email.html", site, week, urls.email_path(week), absolute=True, anchored=True)
    inliner = css_inline.CSSInliner(keep_style_tags=False, keep_link_tags=False, load_remote_stylesheets=False)
    return inliner.inline(html)


def week_content(env: jinja2.Environment, site: Site, week: Week) -> str:
    """The whole digest, as the digest feed carries it (absolute URLs)."""
    return render_week(env, "digest_content.html", site, week, path_of(week), absolute=True)


def weeks_feed(env: jinja2.Environment, site: Site, content: Callable[[Week], str] | None = None) -> bytes:
    """One Atom entry per digest, newest first; content is the whole digest (`content(week)`,
    which may keep it from an earlier build: output/fragments.py)."""
    content = content or partial(week_content, env, site)
    weeks = feed_weeks(site)
    fg: FeedGenerator = new_generator(site, urls.feed_path(urls.WEEKS), feed_title(site, urls.WEEKS),
                                      urls.WEEKS, [])
    newest = max((week_updated(site, w) for w in weeks), default=EPOCH)
    fg.updated(newest)
    fg.lastBuildDate(newest)
    for week in weeks:
        fe = fg.add_entry(order="append")
        fe.id(week_id(site, week))
        fe.guid(week_id(site, week), permalink=False)
        fe.title(week.title)
        fe.link(href=urls.absolute(site.config.base_url, week), rel="alternate")
        for person in week.contributors:
            fe.author({"name": person.name})
        if not week.contributors:  # Atom requires an author: the community speaks for itself
            fe.author({"name": site.config.title, "uri": site.config.base_url})
        fe.published(week_published(site, week))
        fe.updated(week_updated(site, week))
        fe.content(content(week), type="html")
    return bytes(fg.atom_str(pretty=True))


def email_bytes(env: jinja2.Environment, site: Site, week: Week) -> bytes:
    return email_html(env, site, week).encode("utf-8")


def email_outputs(env: jinja2.Environment, site: Site) -> list[Output]:
    return [Output(urls.email_path(week), partial(email_bytes, env, site, week),
                   week.intro.source if week.intro else "weeknotes", "email.html", (week,))
            for week in site.weeks]


def digest_markdown(site: Site, week: Week) -> str:
    """The digest as Markdown, for newsletter tools that take Markdown: the week's sections in their order."""
    words = site.language
    dates = words.gettext("%(start)s to %(end)s", start=words.date(week.start), end=words.date(week.end))
    if week.has_own_title:  # as the page says under the title
        dates = week.label + " · " + dates
    lines = [f"# {week.title}", "", words.gettext("%(site)s, %(dates)s", site=site.config.title, dates=dates), ""]
    for part in week.sections:
        lines += section_markdown(site, week, part)
    return "\n".join(lines).rstrip() + "\n"


def section_markdown(site: Site, week: Week, part: DigestSection) -> list[str]:
    """One section of the digest (`Week.sections`) as Markdown lines."""
    base, words = site.config.base_url, site.language
    if part.kind == INTRO and week.intro:
        editors = ", ".join(e.name for e in week.intro.editors)
        read = words.gettext("Read the editor's introduction")
        return [words.gettext("Introduced by %(people)s", people=editors) if week.intro.editors else "",
                "", f"[{read}]({urls.absolute(base, week)})", ""]
    if part.kind == CONTRIBUTORS:
        return [words.gettext("Contributors: %(people)s", people=", ".join(p.name for p in week.contributors))]
    lines = ["## " + part.heading, ""]
    if part.kind == NOTES:
        for group in week.note_groups:  # as the page groups them: by person, not by name
            lines += [f"### {group.author.name}", ""]
            lines += [f"- [{item.title}]({urls.absolute(base, item)}) "
                      + words.gettext("by %(people)s", people=", ".join(a.name for a in item.authors))
                      + (f": {item.summary}" if item.summary else "") for item in group.notes]
            lines.append("")
    elif part.kind == BLOGS:
        lines += [f"- [{item.title}]({urls.absolute(base, item)}) · " + from_blog(item, words)
                  + (f": {item.summary}" if item.summary else "") for item in week.blog_posts]
        lines.append("")
    elif part.kind == LINKS:
        for merged in week.links:
            lines.append(f"- [{merged.title}]({merged.url}) ({merged.address.domain})")
            if merged.archived_copy:  # the address is dead: say so, offer the archived copy
                lines.append(f"  - {words.gettext('This address is gone.')} "
                             f"[{words.gettext('Read the archived copy')}]({merged.archived_copy})")
            for curation in merged.curations:
                who = ", ".join(a.name for a in curation.authors)
                lines.append(f"  - {who}: {curation.summary}" if curation.summary else f"  - {who}")
        lines.append("")
    return lines
