"""Property-based consent test: random sites, random audiences, and nothing hidden may leak.

Hypothesis generates small sites: authors with random `publish` levels, notes and link
curations with random visibility, co-authors, shared and own tags, shared URLs (written
differently, so digests merge them), `via:` handles, links between items, scheduled dates
and a digest intro. Every piece carries its own sentinel word. Each example is built for a
random audience (public or internal, with or without --drafts and --future) into a fresh
folder, and every output byte (Pagefind's index unpacked) is checked against the rule in
DESIGN.md, worked out here independently of weeknotes/audience.py:

- an item is shown when its visibility and every author's `publish` allow the audience, and
  its date has come (or --future); otherwise none of its words is in any output file;
- a shown item's words are on its own page; an unlisted one's only there;
- an author's name is only where they wrote a shown item, are credited by a kept `via:`, or
  introduced a shown digest; their bio, feed and page only when they have a shown listed item;
- tag counts, author pages and the merged curator lists count shown listed items only;
- preview builds (internal or --drafts) are noindex everywhere, with no sitemap;
- and all of this still holds after some authors withdraw (`publish: none`) and some items
  become drafts, and the site is rebuilt in place for another random audience: a rebuild
  updates only changed files, and must leave nothing withdrawn behind.

Run more examples locally with WEEKNOTES_CONSENT_EXAMPLES=500.
"""

from __future__ import annotations

import os
import random
import re
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

import lxml.html
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.consent_support import build_variant, files_with, html_files, make_sentinel, read_output

EPOCH = 1795000000  # 2026-11-18T11:06:40Z
NOW = datetime.fromtimestamp(EPOCH, UTC)
# Weeks 46, 47 and 48; "2026-11-18T20:00:00" is later on the day "now" falls on: still scheduled.
DATES = ["2026-11-16", "2026-11-17", "2026-11-09", "2026-11-18", "2026-11-18T20:00:00", "2026-11-26"]
# Weighted towards levels some audience admits, so that most examples show something and hide
# something for exactly one reason. None: no `publish:` key (internal by default).
PUBLISH = ["public", "public", "public", "internal", None, "none"]
VISIBILITY = ["public", "draft", "internal", "unlisted", None, "draft", "internal"]  # None: no key (public)
INTRO_VISIBILITY = [v for v in VISIBILITY if v != "unlisted"]  # an intro is a week page: never unlisted
AUDIENCES = [("public", False), ("internal", False), ("public", True), ("internal", True)]
POOL_URLS = [  # three spellings of each of two URLs: a digest merges them into one entry
    ["https://pool0.example.com/x", "https://www.pool0.example.com/x/", "http://POOL0.example.com/x?utm_source=a"],
    ["https://pool1.example.com/y", "https://pool1.example.com:443/y#part", "https://www.pool1.example.com/y?fbclid=z"],
]
POOL_TAGS = ["alpha", "beta"]

# Pagefind indexes *every* page when no page carries data-pagefind-body, so a site whose only
# shown items are unlisted gets them into pagefind/ (see the xfail in test_consent.py). Until
# weeknotes/output/search.py is fixed, that one case is not asserted here; set this to False then.
KNOWN_PAGEFIND_FALLBACK_LEAK = False

def sentinel_words(count: int) -> list[str]:
    rng, used = random.Random(1947), set[str]()
    return [make_sentinel(rng, used) for _ in range(count)]


WORDS = sentinel_words(200)  # enough for 4 authors, 8 items and an intro


@dataclass(frozen=True)
class AuthorSpec:
    handle: str
    publish: str | None
    name: str
    bio: str
    feed: str

    @property
    def level(self) -> str:
        return self.publish or "internal"


@dataclass(frozen=True)
class ItemSpec:
    index: int
    kind: str
    authors: tuple[int, ...]
    visibility: str | None
    date: str
    pool_tags: tuple[str, ...]
    own_tag: bool
    url: str | None
    via: int | None
    links_to: tuple[int, ...]
    title: str
    body: str
    tag: str
    host: str

    @property
    def slug(self) -> str:
        return f"i{self.index}"

    @property
    def page(self) -> str:
        return f"{self.kind}/{self.slug}/index.html"

    @property
    def level(self) -> str:
        return self.visibility or "public"


@dataclass(frozen=True)
class IntroSpec:
    visibility: str | None
    editors: tuple[int, ...]
    body: str


@dataclass(frozen=True)
class SiteSpec:
    authors: tuple[AuthorSpec, ...]
    items: tuple[ItemSpec, ...]
    intro: IntroSpec | None
    per_page: int
    search: bool


@st.composite
def sites(draw: st.DrawFn) -> SiteSpec:
    words = iter(WORDS)
    authors = tuple(AuthorSpec(f"p{i}", draw(st.sampled_from(PUBLISH)), next(words), next(words), next(words))
                    for i in range(draw(st.integers(1, 4))))
    handles = st.integers(0, len(authors) - 1)
    count = draw(st.integers(2, 8))
    items = []
    for index in range(count):
        kind = draw(st.sampled_from(["notes", "links"]))
        if kind == "notes":
            who = tuple(dict.fromkeys(draw(st.lists(handles, min_size=1, max_size=2))))
        else:
            who = (draw(handles),)
        title, body, tag, host = next(words), next(words), next(words), next(words)
        url = None
        if kind == "links":
            pool = draw(st.sampled_from([None, 0, 1]))
            url = f"https://{host}.example.org/" if pool is None else draw(st.sampled_from(POOL_URLS[pool]))
        items.append(ItemSpec(
            index=index, kind=kind, authors=who, visibility=draw(st.sampled_from(VISIBILITY)),
            date=draw(st.sampled_from(DATES)), pool_tags=tuple(draw(st.sets(st.sampled_from(POOL_TAGS)))),
            own_tag=draw(st.booleans()), url=url,
            via=draw(st.none() | handles) if kind == "links" else None,
            links_to=tuple(sorted(draw(st.sets(st.integers(0, count - 1), max_size=3)))),
            title=title, body=body, tag=tag, host=host))
    intro = None
    if draw(st.booleans()):
        intro = IntroSpec(draw(st.sampled_from(INTRO_VISIBILITY)), tuple(draw(st.sets(handles, max_size=2))), next(words))
    return SiteSpec(authors, tuple(items), intro, draw(st.integers(1, 3)), draw(st.booleans()))


@dataclass(frozen=True)
class AudienceSpec:
    name: str
    drafts: bool
    future: bool

    def flags(self) -> list[str]:
        return ["--audience", self.name] + (["--drafts"] if self.drafts else []) + (["--future"] if self.future else [])

    @property
    def preview(self) -> bool:
        return self.name == "internal" or self.drafts


audiences = st.builds(lambda pair, future: AudienceSpec(pair[0], pair[1], future),
                      st.sampled_from(AUDIENCES), st.booleans())


# ---------------------------------------------------------------------------- the rule, restated

def publish_ok(author: AuthorSpec, audience: AudienceSpec) -> bool:
    return author.level == "public" or (audience.name == "internal" and author.level == "internal")


def visibility_ok(visibility: str, audience: AudienceSpec) -> bool:
    allowed = {"public", "unlisted"} | ({"internal"} if audience.name == "internal" else set())
    return visibility in allowed or (visibility == "draft" and audience.drafts)


def is_shown(spec: SiteSpec, item: ItemSpec, audience: AudienceSpec) -> bool:
    due = audience.future or datetime.fromisoformat(item.date).replace(tzinfo=UTC) <= NOW  # site timezone: UTC
    return (visibility_ok(item.level, audience) and due
            and all(publish_ok(spec.authors[a], audience) for a in item.authors))


def intro_shown(spec: SiteSpec, audience: AudienceSpec) -> bool:
    intro = spec.intro
    return (intro is not None and visibility_ok(intro.visibility or "public", audience)
            and all(publish_ok(spec.authors[a], audience) for a in intro.editors))


def week_of(day: str) -> str:
    year, week, _ = date.fromisoformat(day[:10]).isocalendar()
    return f"{year}-W{week:02d}"


# ---------------------------------------------------------------------------- writing the site

def write_site(spec: SiteSpec, content: Path) -> None:
    def put(rel: str, text: str) -> None:
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    put("site.yaml", f"title: Random Circle\nbase_url: https://example.org/r/\nper_page: {spec.per_page}\n"
                     f"search: {{enabled: {'true' if spec.search else 'false'}}}\n")
    authors = []
    for a in spec.authors:
        authors += [f"{a.handle}:", f"  name: Person {a.name}", f"  bio: Bio {a.bio}",
                    f"  feed: https://{a.feed}.example.net/feed.xml"]
        if a.publish:
            authors.append(f"  publish: {a.publish}")
    put("authors.yaml", "\n".join(authors) + "\n")
    for item in spec.items:
        handles = [spec.authors[a].handle for a in item.authors]
        front = [f"title: Title {item.title}", f"date: {item.date}", f"slug: {item.slug}"]
        front.append(f"authors: [{', '.join(handles)}]" if item.kind == "notes" else f"author: {handles[0]}")
        if item.url:
            front.append(f'url: "{item.url}"')
        if item.via is not None:
            front.append(f"via: {spec.authors[item.via].handle}")
        tags = list(item.pool_tags) + ([item.tag] if item.own_tag else [])
        if tags:
            front.append(f"tags: [{', '.join(tags)}]")
        if item.visibility:
            front.append(f"visibility: {item.visibility}")
        body = f"Body {item.body} text."
        for target in (spec.items[n] for n in item.links_to):
            body += f" See [that](../../{target.kind}/{target.slug}/)."
        put(f"{item.kind}/{item.slug}.md", "---\n" + "\n".join(front) + "\n---\n\n" + body + "\n")
    if spec.intro:
        front = [f"editors: [{', '.join(spec.authors[a].handle for a in spec.intro.editors)}]"]
        if spec.intro.visibility:
            front.append(f"visibility: {spec.intro.visibility}")
        put("digests/2026-W47.md", "---\n" + "\n".join(front) + f"\n---\n\nIntro {spec.intro.body}.\n")


# ---------------------------------------------------------------------------- the property

def check_build(spec: SiteSpec, audience: AudienceSpec, root: Path) -> None:
    files = read_output(root)
    shown = [i for i in spec.items if is_shown(spec, i, audience)]
    listed = [i for i in shown if i.level != "unlisted"]
    hidden = [i for i in spec.items if i not in shown]
    skip_pagefind = KNOWN_PAGEFIND_FALLBACK_LEAK and spec.search and not listed
    problems: list[str] = []

    def where(word: str) -> list[str]:
        return files_with(files, word)

    def page(rel: str) -> lxml.html.HtmlElement:
        return lxml.html.fromstring(files[rel])

    # Hidden items: not one of their words, anywhere.
    for item in hidden:
        words = [item.title, item.body, item.tag] + ([item.host] if item.url and item.host in item.url else [])
        for word in words:
            if found := where(word):
                problems.append(f"hidden {item.slug} ({item.level}) leaks {word} into {found}")
        if item.page in files:
            problems.append(f"hidden {item.slug} has a page")

    # Shown items: on their own page; unlisted ones only there.
    for item in shown:
        for word in (item.title, item.body):
            found = where(word)
            if item.page not in found:
                problems.append(f"shown {item.slug} lacks {word} on its page")
            if item.level == "unlisted":
                strays = [f for f in found if f != item.page and not (skip_pagefind and f.startswith("pagefind/"))]
                if strays:
                    problems.append(f"unlisted {item.slug}: {word} also in {strays}")
        if item.level == "unlisted" and not page(item.page).cssselect('meta[name="robots"][content="noindex"]'):
            problems.append(f"unlisted {item.slug} lacks noindex")
        if item.own_tag:
            tag_page = f"tags/{item.tag}/index.html"
            if (tag_page in files) != (item.level != "unlisted"):
                problems.append(f"tag page of {item.slug}'s own tag: exists={tag_page in files}")

    # Authors: name, bio, feed and page only as far as what is shown allows.
    intro_on = intro_shown(spec, audience)
    for n, author in enumerate(spec.authors):
        wrote = [i for i in shown if n in i.authors]
        wrote_listed = [i for i in wrote if i.level != "unlisted"]
        credited = publish_ok(author, audience) and any(i.via == n for i in shown)
        introduced = intro_on and spec.intro is not None and n in spec.intro.editors
        if not (wrote or credited or introduced) and (found := where(author.name)):
            problems.append(f"author {author.handle} ({author.level}) with nothing shown is named in {found}")
        for word, what in ((author.bio, "bio"), (author.feed, "feed")):
            found = where(word)
            if not wrote_listed and found:
                problems.append(f"author {author.handle} ({author.level}) {what} in {found}")
            if wrote_listed and not found:
                problems.append(f"author {author.handle}: {what} missing")
        has_page = f"authors/{author.handle}/index.html" in files
        if has_page != bool(wrote_listed):
            problems.append(f"author {author.handle}: page exists={has_page}, listed items={len(wrote_listed)}")
        if wrote_listed and author.name not in files[f"authors/{author.handle}/index.html"].decode():
            problems.append(f"author {author.handle}: name missing from their page")

    # Intro.
    if spec.intro:
        found = where(spec.intro.body)
        if not intro_on and found:
            problems.append(f"hidden intro leaks into {found}")
        if intro_on and "weeks/2026-W47/index.html" not in found:
            problems.append("shown intro missing from its week")

    # Tag counts on /tags/ count shown listed items only.
    expected_counts = Counter(t for i in listed for t in set(i.pool_tags) | ({i.tag} if i.own_tag else set()))
    cloud = {li.cssselect("a")[0].get("href").strip("/").split("/")[-1]:
             int(li.cssselect(".count")[0].text_content().strip("()"))
             for li in page("tags/index.html").cssselect(".tag-cloud li")}
    if cloud != dict(expected_counts):
        problems.append(f"tag counts {cloud} != {dict(expected_counts)}")

    # Merged links: each pooled URL's digest entry names exactly its shown listed curations.
    groups: dict[tuple[str, int], int] = defaultdict(int)
    for item in listed:
        for p, spellings in enumerate(POOL_URLS):
            if item.url in spellings:
                groups[(week_of(item.date), p)] += 1
    for (week, p), count in groups.items():
        digest = page(f"weeks/{week}/index.html")
        entries = [a for a in digest.cssselect("article.merged-link")
                   if f"pool{p}.example.com" in a.cssselect("h3 a")[0].get("href").lower()]
        if len(entries) != 1 or len(entries[0].cssselect(".curation")) != count:
            problems.append(f"{week} pool{p}: {len(entries)} entries, expected one with {count} curations")

    # Backlinks: only shown listed notes, and only where they link.
    for item in shown:
        got = {a.get("href").rstrip("/").split("/")[-1] for a in page(item.page).cssselect(".backlinks li > a")}
        want = {s.slug for s in listed if s.kind == "notes" and item.index in s.links_to and s is not item}
        if got != want:
            problems.append(f"{item.slug} mentioned in {sorted(got)}, expected {sorted(want)}")

    # Home pagination counts.
    pages = max(1, -(-len(listed) // spec.per_page))
    home = sorted(rel for rel in files if re.fullmatch(r"(page/\d+/)?index\.html", rel))
    if len(home) != pages:
        problems.append(f"{len(home)} home pages for {len(listed)} listed items")

    # Preview builds are never indexed.
    if audience.preview:
        if "sitemap.xml" in files or b"Disallow: /" not in files["robots.txt"]:
            problems.append("preview build has a sitemap or an open robots.txt")
        for rel in html_files(files):
            if not rel.endswith("email.html") and not page(rel).cssselect('meta[name="robots"][content="noindex"]'):
                problems.append(f"preview page {rel} lacks noindex")

    assert not problems, "\n".join(problems)


@dataclass(frozen=True)
class Withdrawal:
    """What changes before the second build: authors opting out, items made drafts."""

    authors: frozenset[int]
    drafts: frozenset[int]

    def apply(self, spec: SiteSpec) -> SiteSpec:
        authors = tuple(replace(a, publish="none") if n in self.authors else a for n, a in enumerate(spec.authors))
        items = tuple(replace(i, visibility="draft") if i.index in self.drafts else i for i in spec.items)
        return replace(spec, authors=authors, items=items)


withdrawals = st.builds(Withdrawal, st.frozensets(st.integers(0, 3)), st.frozensets(st.integers(0, 7)))


@settings(max_examples=int(os.environ.get("WEEKNOTES_CONSENT_EXAMPLES", "25")), deadline=None, database=None,
          print_blob=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(spec=sites(), audience=audiences, withdrawal=withdrawals, second=audiences)
def test_nothing_hidden_leaks_from_a_random_site(spec: SiteSpec, audience: AudienceSpec,
                                                 withdrawal: Withdrawal, second: AudienceSpec) -> None:
    """Build a random site; then withdraw some of it and rebuild in place (the incremental path)."""
    with tempfile.TemporaryDirectory(prefix="weeknotes-consent-") as tmp:
        content, output = Path(tmp) / "content", Path(tmp) / "public"
        write_site(spec, content)
        build_variant(content, output, EPOCH, *audience.flags())
        check_build(spec, audience, output)

        changed = withdrawal.apply(spec)
        write_site(changed, content)
        build_variant(content, output, EPOCH, *second.flags(), "--force")  # --force: another audience's folder
        check_build(changed, second, output)
