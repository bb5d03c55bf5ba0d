"""One typed parser per record kind: note or link curation, page, digest intro.

Each parser reads a `Source` whose body has already been rendered, validates every field,
records problems with their line, and returns a model value (or None when it cannot).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from slugify import slugify

from weeknotes.base.errors import Problems
from weeknotes.base.wording import shortened
from weeknotes.model import urls
from weeknotes.model.curation import quick_key
from weeknotes.model.settings import Config
from weeknotes.model.tags import canonical_tags, tag_slug
from weeknotes.model.urls import HTML_SUFFIXES, PAGEFIND, RESERVED, alias_path, is_web_address
from weeknotes.model.values import REQUIRED_KEYS, VISIBILITIES, Author, Intro, Item, Page, Reference, TagRef, Via
from weeknotes.source import fields
from weeknotes.source.fields import Field, did_you_mean
from weeknotes.source.markdown import Rendered, host_and_path, is_safe_link
from weeknotes.source.sources import Source

NOTE_KEYS = ("title", "date", "author", "authors", "tags", "summary", "slug", "visibility", "updated", "id", "lang",
             "aliases")
LINK_KEYS = ("url", "title", "date", "author", "via", "tags", "summary", "visibility", "slug", "updated", "id", "lang",
             "archive", "aliases")
PAGE_KEYS = ("title", "slug", "visibility", "summary")
INTRO_KEYS = ("title", "editors", "visibility")
INTRO_VISIBILITIES = ("public", "internal", "draft")
DATE_PREFIX_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[-_]?")
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
WEEK_FILE_RE = re.compile(r"(\d{4})-W(\d{2})\.md")
ID_RE = re.compile(r"[a-zA-Z][a-zA-Z0-9+.\-]*:\S+")


def item_slug_from_file(source: Source) -> str:
    return slug_of_file_name(source.path.name)


def slug_of_file_name(name: str) -> str:
    """The slug a note or link takes from its file's name: without `.md` and a leading date."""
    stem = name.removesuffix(".md")
    return slugify(DATE_PREFIX_RE.sub("", stem)) or slugify(stem)


def slug_for(source: Source, problems: Problems) -> str | None:
    """The explicit `slug:` if valid, else one made from the file name."""
    f = Field(source.display, source.front_matter, "slug", problems)
    explicit = source.front_matter.values.get("slug")
    if explicit is None:
        slug = item_slug_from_file(source)
        if not slug:
            problems.error(source.display, 0, "cannot make a URL slug from this file name",
                           hint="rename the file using letters and digits, or add `slug: a-short-name`")
        elif urls.too_long_for_a_name(slug):
            problems.error(source.display, 0, _too_long("the URL slug made from this file name", slug),
                           hint="add a shorter `slug: a-short-name`, or rename the file")
            return None
        return slug or None
    if not isinstance(explicit, str) or not SLUG_RE.fullmatch(explicit):
        suggestion = slugify(str(explicit)) if isinstance(explicit, str) else ""
        if urls.too_long_for_a_name(suggestion):
            suggestion = ""
        f.error("`slug` may use only lowercase letters a-z, digits and single hyphens",
                hint=f"try `slug: {suggestion}`" if suggestion else "")
        return None
    if urls.too_long_for_a_name(explicit):
        f.error(_too_long("`slug`", explicit), hint="shorten it: it is the last part of the post's address")
        return None
    return explicit


def _too_long(what: str, segment: str) -> str:
    """The message for a slug too long to be a folder's name in the output."""
    return (f"{what} is {len(segment.encode('utf-8'))} characters long, and a file system allows "
            f"{urls.NAME_MAX_BYTES} in a folder's name")


def parse_item(source: Source, rendered: Rendered, config: Config, authors: dict[str, Author] | None,
               problems: Problems) -> Item | None:
    """Validate a note or link curation and build its `Item`.

    `authors` is None when authors.yaml could not be read: handles are then not judged.
    """
    data = source.front_matter
    values = data.values
    is_link = source.kind == "links"
    required = checked_keys(source, LINK_KEYS if is_link else NOTE_KEYS, problems)

    def field(key: str) -> Field:
        return Field(source.display, data, key, problems)

    url = fields.web_url(field("url"), values.get("url"), required="url" in required) if is_link else None
    archive = fields.web_url(field("archive"), values.get("archive")) if is_link else None
    title = fields.plain_text(field("title"), values.get("title"), required="title" in required)
    if is_link and title is None and url:
        title = host_and_path(url)
    when = fields.timestamp(field("date"), values.get("date"), config.timezone, required="date" in required)
    updated = fields.timestamp(field("updated"), values.get("updated"), config.timezone)
    item_authors = _authors(source, authors, problems, allow_many=not is_link, required="author" in required)
    tags = tags_of(field("tags"), values.get("tags"))
    visibility = fields.choice(field("visibility"), values.get("visibility"), VISIBILITIES, "public")
    slug = slug_for(source, problems)
    summary = fields.plain_text(field("summary"), values.get("summary"))
    via = _via(field("via"), values.get("via"), authors or {}) if is_link else None
    item_id = _item_id(field("id"), values.get("id"))
    lang = fields.language_tag(field("lang"), values.get("lang"))
    aliases = _aliases(field("aliases"), values.get("aliases"))
    if updated and when and updated < when:
        field("updated").error("`updated` is earlier than `date`",
                               hint="`updated` is when you last changed the post; leave it out if you have not")
    if None in (title, when, slug) or not item_authors or (is_link and not url):
        return None
    if any(not t.slug or urls.too_long_for_a_name(t.slug) for t in tags):
        return None
    assert title and when and slug
    local_day = when.astimezone(config.timezone).date()
    return Item(
        kind=source.kind,
        slug=slug,
        title=title,
        date=when,
        updated=updated,
        authors=item_authors,
        tags=canonical_tags(tags),  # one per slug, first spelling; collect.py picks the most used
        summary=summary or rendered.first_paragraph,
        body_html=rendered.html,
        visibility=visibility,
        id=item_id or default_id(config, local_day, source.kind, slug),
        source=source.display,
        url=url,
        via=via,
        archive=archive,
        lang=lang if lang != config.language else None,
        links=rendered.links,
        aliases=aliases,
        references=references_in(source, rendered),
        link_keys=tuple(quick_key(href) if is_web_address(href) else "" for href in rendered.links),
    )


def checked_keys(source: Source, keys: tuple[str, ...], problems: Problems) -> set[str]:
    """Report misspelt and unknown keys; return the required keys still to be asked for
    (a misspelt one has been reported already, so it is not also "missing")."""
    data = source.front_matter
    typos = fields.misspelt_keys(data, REQUIRED_KEYS[source.kind], keys)
    fields.report_misspelt_keys(source.display, data, typos, problems)
    fields.warn_unknown_keys(source.display, data, keys, problems, skip=typos)
    return set(REQUIRED_KEYS[source.kind]) - set(typos.values())


def tags_of(field: Field, value: Any) -> tuple[TagRef, ...]:
    """`tags:` with their slugs; a tag that makes no usable slug is an error at the line."""
    tags = tuple(TagRef(tag_slug(t), t) for t in fields.string_list(field, value))
    for tag in tags:
        if not tag.slug:
            field.error(f"tag {tag.name!r} has no letters or digits to make a URL from")
        elif urls.too_long_for_a_name(tag.slug):
            field.error(_too_long(f"the URL slug of tag {shortened(tag.name)!r}", tag.slug),
                        hint="shorten the tag: a tag is a word or two")
    return tags


def references_in(source: Source, rendered: Rendered) -> tuple[Reference, ...]:
    """The links and images of a body, with their lines in the file; where each points is
    worked out on the planned site (model/references.py), which knows where the body is shown."""
    return tuple(Reference(target, source.body_line + line, image) for target, line, image in rendered.references)


def default_id(config: Config, day: date, kind: str, slug: str) -> str:
    """`tag:DOMAIN,YYYY-MM-DD:KIND/SLUG` (RFC 4151): no scheme, so http -> https changes nothing."""
    return f"tag:{config.domain},{day.isoformat()}:{kind}/{slug}"


def _aliases(f: Field, value: Any) -> tuple[str, ...]:
    """`aliases:`, the site paths the post had before, each as urls.alias_path has it."""
    paths = []
    for written in fields.site_paths(f, value, HTML_SUFFIXES):
        path = alias_path(written)
        if path.startswith(PAGEFIND):
            f.error(f"alias {written} is inside /{PAGEFIND}, where the search index lives")
        elif path not in paths:
            paths.append(path)
    return tuple(paths)


def _item_id(f: Field, value: Any) -> str | None:
    text = fields.plain_text(f, value)
    if text is not None and not ID_RE.fullmatch(text):
        f.error(f"`id` must be a URI such as urn:uuid:... or tag:example.org,2026:..., not {text!r}",
                hint="`weeknotes new` writes one for you; or leave `id` out")
        return None
    return text


def _authors(source: Source, authors: dict[str, Author] | None, problems: Problems,
             allow_many: bool, required: bool = True) -> tuple[Author, ...]:
    """The item's authors, each handle checked against authors.yaml (`authors` None: not checked).

    `required` is False when a misspelt key has already been reported as the missing one.
    """
    values = source.front_matter.values
    key = "authors" if "authors" in values and allow_many else "author"
    f = Field(source.display, source.front_matter, key, problems)
    if "author" in values and "authors" in values:
        f.error("give either `author` or `authors`, not both")
        return ()
    raw = values.get(key)
    handles = fields.string_list(f, raw) if key == "authors" else [raw] if isinstance(raw, str) else None
    if not handles:
        if raw is None and required:
            f.error(f"`{key}` is required", hint="add a line `author: your-handle`"
                    + (f"; known authors: {_known(authors)}" if authors is not None else ""))
        elif isinstance(raw, list) and key == "author":
            f.error("`author` takes one handle, not a list",
                    hint=f"for a note written together, write `authors: [{', '.join(map(str, raw))}]`" if allow_many
                    else "a link curation has one curator: keep one handle")
        elif raw is not None:
            f.error(f"`{key}` must be a handle from authors.yaml")
        return ()
    if authors is None:
        return ()
    result = []
    for handle in handles:
        handle = handle.strip()
        if handle not in authors:
            problems.error(source.display, _handle_line(source, key, handle), f"unknown author {handle!r}",
                           hint=_author_hint(handle, authors))
        elif authors[handle] not in result:
            result.append(authors[handle])
    return tuple(result) if len(result) == len(handles) else ()


def _handle_line(source: Source, key: str, handle: str) -> int:
    """The line of `handle`: its own line in a block list, else the key's line."""
    data = source.front_matter
    raw = data.values.get(key)
    for index, value in enumerate(raw if isinstance(raw, list) else []):
        if isinstance(value, str) and value.strip() == handle:
            return data.line(f"{key}[{index}]")
    return data.line(key)


def _author_hint(handle: str, authors: dict[str, Author]) -> str:
    by_name = [a.handle for a in authors.values() if a.name.casefold() == handle.casefold()]
    if by_name:
        return f"{handle} is a name; write the handle: `{by_name[0]}`"
    guess = did_you_mean(handle, authors)
    return (guess + " " if guess else "") + f"known authors: {_known(authors)} (from authors.yaml)"


def _known(authors: dict[str, Author]) -> str:
    names = sorted(authors)
    return ", ".join(names[:30]) + (" ..." if len(names) > 30 else "") if names else "(none yet)"


def _via(f: Field, value: Any, authors: dict[str, Author]) -> Via | None:
    text = fields.plain_text(f, value)
    if text is None:
        return None
    if text in authors:
        return Via(name=authors[text].name, handle=text)
    for author in authors.values():  # a person named by name or address is still that person
        if text.casefold() == author.name.casefold() or text in (author.url, author.feed):
            return Via(name=author.name, handle=author.handle)
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:\S", text):
        if not is_safe_link(text) or text.lower().startswith("mailto:"):
            f.error("`via` may be an author's handle, a name, or an http(s) address",
                    hint="links with other schemes (javascript:, data:, ...) are not allowed")
            return None
        url = fields.web_url(f, text)
        return Via(name=host_and_path(url), url=url) if url else None
    return Via(name=text)


def parse_page(source: Source, rendered: Rendered, config: Config, problems: Problems) -> Page | None:
    data = source.front_matter
    fields.warn_unknown_keys(source.display, data, PAGE_KEYS, problems)
    title = fields.plain_text(Field(source.display, data, "title", problems), data.values.get("title"), required=True)
    visibility = fields.choice(Field(source.display, data, "visibility", problems),
                               data.values.get("visibility"), VISIBILITIES, "public")
    slug = page_slug(source, problems)
    if title is None or slug is None:
        return None
    return Page(slug=slug, title=title, body_html=rendered.html, visibility=visibility, source=source.display,
                references=references_in(source, rendered))


def page_slug(source: Source, problems: Problems) -> str | None:
    explicit = source.front_matter.values.get("slug")
    if explicit is not None:
        return slug_for(source, problems)
    parts = [slugify(part) for part in source.rel.removesuffix(".md").split("/")]
    if not all(parts):
        problems.error(source.display, 0, "cannot make a URL from this file name",
                       hint="rename it using letters and digits, or add `slug: a-short-name`")
        return None
    for part in parts:
        if urls.too_long_for_a_name(part):
            problems.error(source.display, 0, _too_long("a part of the URL made from this file's path", part),
                           hint="add a shorter `slug: a-short-name`, or rename the file or its folder")
            return None
    if parts[0] in RESERVED:  # top-level names weeknotes writes itself
        problems.error(source.display, 0, f"a page cannot be called {parts[0]!r}: weeknotes uses /{parts[0]}/ itself",
                       hint="rename the file or set another `slug:`")
        return None
    return "/".join(parts)


def intro_week(source: Source, problems: Problems) -> str | None:
    match = WEEK_FILE_RE.fullmatch(source.rel)
    if match:
        year, week = int(match.group(1)), int(match.group(2))
        try:
            date.fromisocalendar(year, week, 1)
            return f"{year}-W{week:02d}"
        except ValueError:
            pass
    problems.error(source.display, 0, "a digest intro must be named YYYY-Www.md after a real ISO week, e.g. 2026-W47.md",
                   hint="it must sit directly in digests/; ISO years have 52 or 53 weeks")
    return None


def parse_intro(source: Source, rendered: Rendered, config: Config, authors: dict[str, Author] | None,
                problems: Problems) -> Intro | None:
    data = source.front_matter
    fields.warn_unknown_keys(source.display, data, INTRO_KEYS, problems)
    week = intro_week(source, problems)
    f = Field(source.display, data, "editors", problems)
    editors = []
    for handle in fields.string_list(f, data.values.get("editors")):
        if authors is None:
            continue
        if handle in authors:
            editors.append(authors[handle])
        else:
            f.error(f"unknown editor {handle!r}", hint=f"editors are handles from authors.yaml: {_known(authors)}")
    title = fields.plain_text(Field(source.display, data, "title", problems), data.values.get("title"))
    # An intro is the week's page itself: there is no "own page only" for it to be unlisted on.
    visibility = fields.choice(Field(source.display, data, "visibility", problems),
                               data.values.get("visibility"), INTRO_VISIBILITIES, "public")
    if week is None:
        return None
    return Intro(week=week, title=title or "", editors=tuple(editors), body_html=rendered.html,
                 visibility=visibility, source=source.display,
                 references=references_in(source, rendered))
