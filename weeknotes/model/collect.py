"""Content -> Site: filter for the audience, then work out tags, weeks, merges and backlinks.

Everything here reads only what the audience may see (audience.admits is applied first),
so every derived value (a count, a tag, a curator list, a backlink) is safe by construction.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from weeknotes.base.language import Language
from weeknotes.model import urls
from weeknotes.model.audience import admits, author_admitted
from weeknotes.model.curation import normalize_url, quick_key
from weeknotes.model.tags import canonical_tags
from weeknotes.model.values import (
    Audience,
    Author,
    Content,
    Intro,
    Item,
    Outbound,
    Page,
    Site,
    StaticFile,
    Tag,
)
from weeknotes.model.weeks import MergedLink, Neighbours, NoteGroup, Week, digest_sections


def newest_first(item: Item) -> tuple[float, str, str]:
    return (-item.date.timestamp(), item.kind, item.slug)


def collect_site(content: Content, audience: Audience) -> Site:
    """Build the model one audience sees."""
    now = audience.now or datetime.now().astimezone()
    admitted = [i for i in content.items if admits(audience, i.visibility, i.authors)]
    held_back = tuple(sorted((i for i in admitted if not audience.future and i.date > now), key=newest_first))
    held_keys = {i.key for i in held_back}
    shown = sorted((i for i in admitted if i.key not in held_keys), key=newest_first)
    shown = [without_hidden_via(i, audience, content) for i in with_canonical_tags(shown)]
    # Decided here, once, for every rendering: a dead address's curation offers its archived copy.
    shown = [with_archived_copy(i, content) for i in shown]
    shown = without_curated_blog_posts(shown)
    listed = tuple(i for i in shown if i.is_listed)
    with_pages = [i for i in shown if not i.is_blog]  # a blog post's page is the original
    author_items = group_by_author(listed)
    authors = tuple(sorted({a.handle: a for i in listed for a in i.authors}.values(),
                           key=lambda a: (a.name.casefold(), a.handle)))
    intros = [intro for intro in content.intros
              if admits(audience, intro.visibility, intro.editors)
              and (audience.future or week_start(intro.week, content) <= now)]
    front = listed if content.config.blogs_in_lists else tuple(i for i in listed if not i.is_blog)
    weeks = collect_weeks(listed, intros, content)
    return Site(
        config=content.config,
        audience=audience,
        items=tuple(with_pages),
        listed=listed,
        front=front,
        notes=tuple(i for i in front if not i.is_link),
        links=tuple(i for i in listed if i.is_link),
        authors=authors,
        tags=collect_tags(listed),
        weeks=weeks,
        pages=visible_pages(content, audience),
        static=visible_static(content, audience),
        author_items=author_items,
        backlinks=collect_backlinks(with_pages, listed, content.config.base_url),
        also_curated=collect_also_curated(listed),
        held_back=held_back,
        language=content.language,
        neighbours=collect_neighbours(with_pages, {w.key for w in weeks}, content),
    )


def with_canonical_tags(items: list[Item]) -> list[Item]:
    """Tags whose slugs are equal are one tag, shown in its most used spelling (ties: first in sort order)."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for item in items:
        if item.is_listed:
            for tag in item.tags:
                spellings[tag.slug][tag.name] += 1
    names = {slug: min(counter, key=lambda name: (-counter[name], name)) for slug, counter in spellings.items()}
    result = []
    for item in items:
        # An item's tags are one per slug in slug order already (schema.py), so only a tag
        # spelled otherwise than most makes a new item; the others keep their digest.
        if all(names.get(tag.slug, tag.name) == tag.name for tag in item.tags):
            result.append(item)
        else:
            result.append(replace(item, tags=canonical_tags(item.tags, names)))
    return result


def with_archived_copy(item: Item, content: Content) -> Item:
    """A link curation whose address `weeknotes links` found dead (links-health.yaml) offers its
    archived copy; any other item is the very same item, its digest unchanged."""
    health = content.link_health.get(item.url) if item.is_link and item.url else None
    copy = urls.archived_copy(item, content.config.timezone) if health is not None and health.is_dead else None
    return item if copy == item.archived_copy else replace(item, archived_copy=copy)


def without_curated_blog_posts(shown: list[Item]) -> list[Item]:
    """A blog post someone also curated as a link is shown once: as the curation, with its commentary."""
    curated = {normalize_url(i.url) for i in shown if i.is_link and i.url and i.is_listed}
    return [i for i in shown if not (i.is_blog and i.url and normalize_url(i.url) in curated)]


def visible_pages(content: Content, audience: Audience) -> tuple[Page, ...]:
    return tuple(sorted((p for p in content.pages if admits(audience, p.visibility, ())), key=lambda p: p.slug))


def visible_static(content: Content, audience: Audience) -> tuple[StaticFile, ...]:
    """Static files, less the avatars of people this audience may not see (unless shared)."""
    def avatars(shown: bool) -> set[str]:
        return {a.avatar for a in content.authors.values()
                if a.avatar and author_admitted(audience, a) == shown}

    hidden = avatars(False) - avatars(True)
    return tuple(f for f in content.static if f.rel not in hidden)


def without_hidden_via(item: Item, audience: Audience, content: Content) -> Item:
    """A `via` naming an author this audience may not see is dropped: their name stays private."""
    handle = item.via.handle if item.via else None
    if handle and not author_admitted(audience, content.authors[handle]):
        return replace(item, via=None)
    return item


def group_by_author(listed: Iterable[Item]) -> dict[str, tuple[Item, ...]]:
    groups: dict[str, list[Item]] = defaultdict(list)
    for item in listed:
        for author in item.authors:
            groups[author.handle].append(item)
    return {handle: tuple(items) for handle, items in sorted(groups.items())}


def collect_tags(listed: Iterable[Item]) -> tuple[Tag, ...]:
    groups: dict[str, list[Item]] = defaultdict(list)
    names: dict[str, str] = {}
    for item in listed:
        for tag in item.tags:
            groups[tag.slug].append(item)
            names[tag.slug] = tag.name
    return tuple(Tag(slug, names[slug], tuple(items)) for slug, items in sorted(groups.items()))


def week_key(moment: datetime, content: Content) -> str:
    """The ISO week of a moment, counted in the site's timezone (2024-12-30 is 2025-W01)."""
    year, week, _ = moment.astimezone(content.config.timezone).isocalendar()
    return f"{year}-W{week:02d}"


def latest_ended_week(now: datetime, zone: ZoneInfo) -> str:
    """The ISO week that ended last before `now`, counted in the site's timezone: from Monday
    00:00 there, the week just gone. `digest` and `send` take it when no week is named."""
    year, week, _ = (now.astimezone(zone).date() - timedelta(days=7)).isocalendar()
    return f"{year}-W{week:02d}"


def week_days(key: str) -> tuple[date, date]:
    """The Monday and the Sunday of an ISO week `YYYY-Www`."""
    start = date.fromisocalendar(int(key[:4]), int(key[6:]), 1)
    return start, start + timedelta(days=6)


def week_start(key: str, content: Content) -> datetime:
    year, week = int(key[:4]), int(key[6:])
    return datetime.fromisocalendar(year, week, 1).replace(tzinfo=content.config.timezone)


def collect_weeks(listed: tuple[Item, ...], intros: list[Intro], content: Content) -> tuple[Week, ...]:
    buckets: dict[str, list[Item]] = defaultdict(list)
    for item in listed:
        buckets[week_key(item.date, content)].append(item)
    intro_by_week = {intro.week: intro for intro in intros}
    keys = sorted(set(buckets) | set(intro_by_week))
    words = content.language
    weeks = []
    for number, key in enumerate(keys, start=1):
        items = sorted(buckets.get(key, ()), key=lambda i: (i.date.timestamp(), i.kind, i.slug))
        notes = tuple(sorted((i for i in items if not i.is_link and not i.is_blog), key=by_author))
        blog_posts = tuple(sorted((i for i in items if i.is_blog), key=by_author))
        links = merge_links(i for i in items if i.is_link)
        intro = intro_by_week.get(key)
        start = week_start(key, content).date()
        previous = keys[number - 2] if number > 1 else None
        following = keys[number] if number < len(keys) else None
        week = Week(
            key=key, year=int(key[:4]), week=int(key[6:]), number=number,
            start=start, end=start + timedelta(days=6), intro=intro, notes=notes, note_groups=group_notes(notes),
            links=links,
            blog_posts=blog_posts,
            contributors=contributors(items, intro),
            previous=previous,
            next=following,
            label=week_label(key, words),
            previous_label=week_label(previous, words),
            next_label=week_label(following, words),
        )
        weeks.append(replace(week, sections=digest_sections(week, words)))
    return tuple(weeks)


def week_label(key: str | None, words: Language) -> str:
    """`Week 47, 2026` in the site's language, for a week's key (`2026-W47`)."""
    return words.week_label(int(key[6:]), int(key[:4])) if key else ""


def collect_neighbours(with_pages: Iterable[Item], week_keys: set[str],
                       content: Content) -> dict[tuple[str, str], Neighbours]:
    """Where each note's page leads on: the listed notes either side of it, oldest to newest,
    and its week's digest. An unlisted note stands outside that sequence: it gets its week only."""
    notes = [i for i in with_pages if not i.is_link]  # a blog post has no page here
    sequence = [urls.path_of(i) for i in sorted((i for i in notes if i.is_listed),
                                                key=lambda i: (i.date.timestamp(), i.slug))]
    around = {path: (sequence[n - 1] if n else None, sequence[n + 1] if n + 1 < len(sequence) else None)
              for n, path in enumerate(sequence)}
    result = {}
    for item in notes:
        key = week_key(item.date, content)
        week = key if key in week_keys else None
        previous, following = around.get(urls.path_of(item), (None, None))
        result[item.key] = Neighbours(previous, following, week, week_label(week, content.language))
    return result


def group_notes(notes: Iterable[Item]) -> tuple[NoteGroup, ...]:
    """Notes by their first author, in the order each author first appears."""
    groups: dict[str, list[Item]] = {}
    authors: dict[str, Author] = {}
    for item in notes:
        first = item.authors[0]
        authors.setdefault(first.handle, first)
        groups.setdefault(first.handle, []).append(item)
    return tuple(NoteGroup(authors[handle], tuple(items)) for handle, items in groups.items())


def by_author(item: Item) -> tuple[str, float, str]:
    return (item.authors[0].name.casefold(), item.date.timestamp(), item.slug)


def merge_links(links: Iterable[Item]) -> tuple[MergedLink, ...]:
    """One entry per normalised URL, in the order each URL was first curated."""
    groups: dict[str, list[Item]] = {}
    for link in links:
        assert link.url is not None
        groups.setdefault(normalize_url(link.url), []).append(link)
    return tuple(MergedLink(key, group[0].url or "", group[0].title, tuple(group), merged_archived_copy(group))
                 for key, group in groups.items())


def merged_archived_copy(group: list[Item]) -> str | None:
    """The archived copy a merged entry offers when the address it shows is dead: a curator's
    own `archive:` first, else the first curation's copy."""
    if group[0].archived_copy is None:
        return None
    return next((c.archive for c in group if c.archive and c.archived_copy), group[0].archived_copy)


def contributors(items: Iterable[Item], intro: Intro | None) -> tuple[Author, ...]:
    people = {a.handle: a for i in items for a in i.authors}
    if intro:
        people.update({a.handle: a for a in intro.editors})
    return tuple(sorted(people.values(), key=lambda a: (a.name.casefold(), a.handle)))


def collect_also_curated(listed: tuple[Item, ...]) -> dict[tuple[str, str], tuple[Item, ...]]:
    groups: dict[str, list[Item]] = defaultdict(list)
    for item in listed:
        if item.is_link and item.url:
            groups[normalize_url(item.url)].append(item)
    return {item.key: tuple(other for other in group if other is not item)
            for group in groups.values() if len(group) > 1 for item in group}


def collect_backlinks(shown: list[Item], listed: tuple[Item, ...],
                      base_url: str) -> dict[tuple[str, str], tuple[Item, ...]]:
    """Target item -> listed notes whose body links to it (its page, or the URL it curates).

    Resolved here, not when the note is read: where a link points depends on where the note
    is published (its path, the site's base_url), which parsing does not know."""
    by_key = {item.key: item for item in shown}
    by_url: dict[str, list[Item]] = defaultdict(list)
    curations = [(item, item.url) for item in shown if item.is_link and item.url]
    for item, url in curations:
        by_url[normalize_url(url)].append(item)
    # Most links in notes point elsewhere: a cheap key rules them out before a full parse.
    quick_keys = frozenset(quick_key(url) for _item, url in curations)
    found: dict[tuple[str, str], dict[tuple[str, str], Item]] = defaultdict(dict)
    for source in listed:
        if source.is_link:
            continue
        for link in resolved_links(source, base_url, quick_keys):
            if link.item is not None:
                targets = [by_key[link.item]] if link.item in by_key else []
            else:
                targets = by_url.get(normalize_url(link.href), [])
            for target in targets:
                if target.key != source.key:
                    found[target.key][source.key] = source
    return {key: tuple(sorted(sources.values(), key=newest_first)) for key, sources in found.items()}


def resolved_links(item: Item, base_url: str, curated: frozenset[str]) -> Iterator[Outbound]:
    """The links in an item's body that may point to an item of this site or to a curated URL
    (one of `curated`, by quick key)."""
    if item.is_blog or not item.links:  # a member's blog post is shown by its summary alone
        return
    written_at = urls.path_of(item)
    host = urls.site_host(base_url)
    for href, quick in zip(item.links, item.link_keys, strict=True):
        # Most links are web addresses elsewhere (urls.points_elsewhere, written out here for
        # ten links a note): only a curated URL may match them, by quick key first.
        if quick and (host is None or host not in href.lower()):
            if quick in curated:
                yield Outbound(href, quick=quick)
            continue
        link = urls.resolve_outbound(href, written_at, base_url)
        if link is not None and (link.item is not None or link.quick in curated):
            yield link
