"""Consent leak tests: one site full of sentinel words, built for every audience, grepped byte by byte.

The site below holds drafts, internal notes, authors who publish only internally or not at
all, co-authored notes with one non-consenting author, unlisted notes and their tags, link
curations by hidden curators (one of the same URL as a public curator, in the same week), a
`via:` naming a hidden author, backlinks to and from drafts, a scheduled note, internal
digest intros and internal/draft pages. Every piece carries its own sentinel word.

It is built four times (public, internal, public + --drafts, internal + --drafts) with
search on, and for each build every output file (Pagefind's compressed index and fragments
unpacked) is checked: no sentinel of something that build must hide is in any byte, and
every sentinel of something it must show is on that thing's own page, so the grep is
proven able to fail.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
import pytest

from tests.conftest import Run, SiteDir, link, note
from tests.consent_support import build_variant, cli, files_with, html_files, make_sentinel, read_output

EPOCH = 1795000000  # 2026-11-18T11:06:40Z, a Wednesday in 2026-W47
PER_PAGE = 3

PUBLIC, INTERNAL, PUBLIC_DRAFTS, INTERNAL_DRAFTS = "public", "internal", "public+drafts", "internal+drafts"
FLAGS = {PUBLIC: ("--audience", "public"), INTERNAL: ("--audience", "internal"),
         PUBLIC_DRAFTS: ("--drafts",), INTERNAL_DRAFTS: ("--audience", "internal", "--drafts")}
BUILDS = tuple(FLAGS)
ALL = frozenset(BUILDS)
INT = frozenset({INTERNAL, INTERNAL_DRAFTS})
DRF = frozenset({PUBLIC_DRAFTS, INTERNAL_DRAFTS})
INT_DRF = frozenset({INTERNAL_DRAFTS})
NEVER: frozenset[str] = frozenset()
PREVIEWS = (INTERNAL, PUBLIC_DRAFTS, INTERNAL_DRAFTS)


class Words(dict[str, str]):
    """label -> sentinel word, made on first use from a fixed seed (so failures reproduce)."""

    def __init__(self, seed: int) -> None:
        super().__init__()
        self.rng = random.Random(seed)
        self.used: set[str] = set()

    def __missing__(self, label: str) -> str:
        word = make_sentinel(self.rng, self.used)
        self[label] = word
        return word


W = Words(2026_47)
NONE = W["none_handle"]  # the handle of the author who publishes nowhere is itself a sentinel


@dataclass(frozen=True)
class Expect:
    """Where a sentinel may appear: in which builds, which page must carry it, and (optionally) only there."""

    builds: frozenset[str]
    home: str | None = None
    only_home: bool = False


EXPECT: dict[str, Expect] = {}


def expect(label: str, builds: frozenset[str], home: str | None = None, only_home: bool = False) -> str:
    EXPECT[label] = Expect(builds, home, only_home)
    return W[label]


# ---------------------------------------------------------------------------- the site

SITE_YAML = f"""\
title: Consent Circle
base_url: https://example.org/wol/
timezone: Europe/London
per_page: {PER_PAGE}
search: {{enabled: true}}
"""

AUTHORS_YAML = f"""\
ana:
  name: Ana Pérez
  publish: public
  bio: Ana {expect('ana_bio', ALL, 'authors/ana/index.html')}
  feed: https://ana.example.net/feed.xml
ben:
  name: Ben Okafor
  publish: public
ivy:
  name: Ivy {expect('ivy_name', INT, 'authors/ivy/index.html')}
  publish: internal
  bio: Ivy {expect('ivy_bio', INT, 'authors/ivy/index.html')}
  url: https://{expect('ivy_url', INT, 'authors/ivy/index.html')}.example.net/
  feed: https://{expect('ivy_feed', INT, 'blogroll.opml')}.example.net/feed.xml
dee:
  name: Dee {expect('dee_name', INT, 'authors/dee/index.html')}
{NONE}:
  name: Nora {expect('none_name', NEVER)}
  publish: none
  bio: Nora {expect('none_bio', NEVER)}
  url: https://{expect('none_url', NEVER)}.example.org/
  feed: https://{expect('none_feed', NEVER)}.example.org/rss.xml
pat:
  name: Pat {expect('pat_name', DRF, 'authors/pat/index.html')}
  publish: public
  feed: https://{expect('pat_feed', DRF, 'blogroll.opml')}.example.org/feed
kim:
  name: Kim {expect('kim_name', NEVER)}
  publish: public
  feed: https://{expect('kim_feed', NEVER)}.example.org/feed
uma:
  name: Uma {W['uma_name']}
  publish: public
  bio: Uma {expect('uma_bio', NEVER)}
  feed: https://{expect('uma_feed', NEVER)}.example.org/feed
"""


@dataclass(frozen=True)
class Entry:
    """One note or link curation, and which builds must show it."""

    file: str
    label: str
    kind: str
    slug: str
    authors: tuple[str, ...]
    shown: frozenset[str]
    date: str
    title: str = ""
    body: str = "Some text."
    tags: tuple[str, ...] = ()
    visibility: str = "public"
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def page(self) -> str:
        return f"{self.kind}/{self.slug}/index.html"

    @property
    def listed(self) -> bool:
        return self.visibility != "unlisted"

    def text(self) -> str:
        front: dict[str, object] = {}
        if self.kind == "notes":
            front["title"] = self.title
            front["authors"] = list(self.authors)
        else:
            front["url"] = self.extra["url"]
            front["title"] = self.title
            front["author"] = self.authors[0]
        front["date"] = self.date
        front["slug"] = self.slug
        if self.tags:
            front["tags"] = list(self.tags)
        if self.visibility != "public":
            front["visibility"] = self.visibility
        front.update({k: v for k, v in self.extra.items() if k != "url"})
        lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in front.items()]
        return "\n".join(["---", *lines, "---", "", self.body, ""])


def item(file: str, kind: str, slug: str, authors: tuple[str, ...], shown: frozenset[str], date: str,
         label: str, title: str = "", body: str = "", **kwargs: object) -> Entry:
    """An entry whose title and body carry sentinels `LABEL_title` / `LABEL_body`, expected on its own page."""
    page = f"{kind}/{slug}/index.html"
    only = kwargs.get("visibility") == "unlisted"
    title_word = expect(f"{label}_title", shown, page, only)
    body_word = expect(f"{label}_body", shown, page, only)
    return Entry(file, label, kind, slug, authors, shown, date, title=f"{title} {title_word}".strip(),
                 body=f"{body_word} {body}".strip(), **kwargs)  # type: ignore[arg-type]


SHARED_URL = "https://shared.example.com/article"
UNL_SLUG = W["unl_slug"]
EXPECT["unl_slug"] = Expect(ALL, f"notes/{UNL_SLUG}/index.html", only_home=True)
EXPECT["uma_name"] = Expect(ALL, f"notes/{UNL_SLUG}/index.html", only_home=True)

ENTRIES: list[Entry] = [
    # Public notes by public authors. The first links to a draft, which must not create a
    # "Mentioned in" anywhere public; the second is linked to by a draft and an unlisted note.
    item("notes/ana/2026-11-16-open-week.md", "notes", "open-week", ("ana",), ALL, "2026-11-16", "pub1",
         "Open week", "I wrote up [the plan](../plan-b/) for later.", tags=("shared", "Mixed zqtagq")),
    item("notes/ben/2026-11-17-ben-week.md", "notes", "ben-week", ("ben",), ALL, "2026-11-17", "pub2",
         "Ben's week", tags=("shared",)),
    # Drafts: one by a public author (links to a public note: no backlink may show), one by
    # an author whose only item is a draft, one by an internal author.
    item("notes/ana/2026-11-17-plan-b.md", "notes", "plan-b", ("ana",), DRF, "2026-11-17", "draft1",
         "Plan", "Following on from [Ben's week](../ben-week/).",
         tags=("shared", expect("draft_tag", DRF, f"tags/{W['draft_tag']}/index.html"), "MIXED_ZQTAGQ"),
         visibility="draft"),
    item("notes/pat/a.md", "notes", expect("pat_slug", DRF, f"notes/{W['pat_slug']}/index.html"), ("pat",), DRF,
         "2026-11-16", "pat1", tags=("MIXED_ZQTAGQ",), visibility="draft"),
    item("notes/ivy/draft.md", "notes", expect("ivydraft_slug", INT_DRF, f"notes/{W['ivydraft_slug']}/index.html"),
         ("ivy",), INT_DRF, "2026-11-17", "ivydraft", visibility="draft"),
    # Internal: an internal note by a public author (links to a public note), a public note by
    # an internal author, one by an author with no `publish:` (internal by default), and a
    # note co-authored by a public and an internal author.
    item("notes/ana/int.md", "notes", expect("int1_slug", INT, f"notes/{W['int1_slug']}/index.html"), ("ana",), INT,
         "2026-11-18", "int1", body="Building on [open week](../open-week/).",
         tags=("shared", expect("int_tag", INT, f"tags/{W['int_tag']}/index.html")), visibility="internal"),
    item("notes/ivy/pub.md", "notes", expect("ivy1_slug", INT, f"notes/{W['ivy1_slug']}/index.html"), ("ivy",), INT,
         "2026-11-16", "ivy1"),
    item("notes/dee/pub.md", "notes", expect("dee1_slug", INT, f"notes/{W['dee1_slug']}/index.html"), ("dee",), INT,
         "2026-11-17", "dee1"),
    item("notes/co-int.md", "notes", expect("coint_slug", INT, f"notes/{W['coint_slug']}/index.html"),
         ("ben", "ivy"), INT, "2026-11-17", "coint"),
    # The author who publishes nowhere: public, internal and draft notes, and a co-authored one.
    item(f"notes/{NONE}/1.md", "notes", expect("none1_slug", NEVER), (NONE,), NEVER, "2026-11-16", "none1",
         tags=(expect("none_tag", NEVER),)),
    item(f"notes/{NONE}/2.md", "notes", expect("none2_slug", NEVER), (NONE,), NEVER, "2026-11-17", "none2",
         visibility="internal"),
    item(f"notes/{NONE}/3.md", "notes", expect("none3_slug", NEVER), (NONE,), NEVER, "2026-11-17", "none3",
         visibility="draft"),
    item("notes/co-none.md", "notes", expect("conone_slug", NEVER), ("ana", NONE), NEVER, "2026-11-16", "conone",
         tags=("shared", expect("conone_tag", NEVER))),
    # A public author whose only note is co-authored with someone who publishes nowhere: no
    # page, no name, no blogroll entry, anywhere.
    item("notes/co-kim.md", "notes", expect("cokim_slug", NEVER), ("kim", NONE), NEVER, "2026-11-17", "cokim"),
    # Unlisted: by an author with nothing else (no author page), with a tag used by nothing
    # else; and one by a public author with a shared tag (it must not be counted).
    item("notes/uma/u.md", "notes", UNL_SLUG, ("uma",), ALL, "2026-11-16", "unl1",
         tags=(expect("unl_tag", ALL),), visibility="unlisted"),
    item("notes/ana/u2.md", "notes", expect("unl2_slug", ALL), ("ana",), ALL, "2026-11-17", "unl2",
         body="Thanks to [Ben](../ben-week/).", tags=("shared",), visibility="unlisted"),
    # Scheduled for next week: held back in all four builds (SOURCE_DATE_EPOCH is "now").
    item("notes/ana/future.md", "notes", expect("fut_slug", NEVER), ("ana",), NEVER, "2026-11-24", "fut",
         tags=(expect("fut_tag", NEVER),)),
    # Link curations: the same URL, one week, by a public, an internal and a none curator.
    item("links/l1.md", "links", "shared-article", ("ana",), ALL, "2026-11-17", "l1", "Shared article",
         extra={"url": SHARED_URL}),
    item("links/l2.md", "links", expect("l2_slug", INT, f"links/{W['l2_slug']}/index.html"), ("ivy",), INT,
         "2026-11-18", "l2", "Shared article", extra={"url": "https://www.shared.example.com/article/?utm_source=news"}),
    item("links/l3.md", "links", expect("l3_slug", NEVER), (NONE,), NEVER, "2026-11-17", "l3", "Shared article",
         extra={"url": "https://SHARED.example.com/article#top"}),
    item("links/l4.md", "links", expect("l4_slug", INT, f"links/{W['l4_slug']}/index.html"), ("ben",), INT,
         "2026-11-17", "l4", visibility="internal",
         extra={"url": f"https://{expect('l4_host', INT, 'links/' + W['l4_slug'] + '/index.html')}.example.org/page"}),
    item("links/l7.md", "links", expect("l7_slug", DRF, f"links/{W['l7_slug']}/index.html"), ("ben",), DRF,
         "2026-11-16", "l7", visibility="draft",
         extra={"url": f"https://{expect('l7_host', DRF, 'links/' + W['l7_slug'] + '/index.html')}.example.org/"}),
    # `via:` naming a non-consenting author's handle, and an internal author's handle.
    item("links/via-one.md", "links", "via-one", ("ben",), ALL, "2026-11-16", "l5", "Via one",
         extra={"url": "https://viaone.example.org/", "via": NONE}),
    item("links/via-two.md", "links", "via-two", ("ben",), ALL, "2026-11-17", "l6", "Via two",
         extra={"url": "https://viatwo.example.org/", "via": "ivy"}),
]
# Unlisted content: on its own page, and nowhere else.
for _label, _page in (("unl_tag", f"notes/{UNL_SLUG}/index.html"),
                      ("unl2_slug", f"notes/{W['unl2_slug']}/index.html")):
    EXPECT[_label] = Expect(ALL, _page, only_home=True)

INTROS = {
    # An internal intro for a week that has public items: the public digest has no trace of it.
    "2026-W47": ("internal", ["ana"], expect("intro47_title", INT, "weeks/2026-W47/index.html"),
                 expect("intro47_body", INT, "weeks/2026-W47/index.html")),
    # A public intro alone in its week: its week still gets a page.
    "2026-W46": ("public", ["ben"], "", expect("intro46_body", ALL, "weeks/2026-W46/index.html")),
    # An internal intro alone in its week: no page for that week in public builds.
    "2026-W45": ("internal", ["ben"], "", expect("intro45_body", INT, "weeks/2026-W45/index.html")),
    # Public intros by editors who are not public: hidden with them.
    "2026-W44": ("public", [NONE], "", expect("intro44_body", NEVER)),
    "2026-W43": ("public", ["ivy"], "", expect("intro43_body", INT, "weeks/2026-W43/index.html")),
}

PAGES = {
    "about": ("public", expect("about_body", ALL, "about/index.html")),
    "staff": ("internal", expect("staff_body", INT, "staff/index.html")),
    "wip": ("draft", expect("wip_body", DRF, "wip/index.html")),
    "hideout": ("unlisted", expect("hideout_body", ALL, "hideout/index.html", only_home=True)),
}
UNLISTED_PAGES = {f"notes/{UNL_SLUG}/index.html", f"notes/{W['unl2_slug']}/index.html", "hideout/index.html"}

# Which weeks each build has a digest page for.
WEEKS = {PUBLIC: {"2026-W46", "2026-W47"}, PUBLIC_DRAFTS: {"2026-W46", "2026-W47"},
         INTERNAL: {"2026-W43", "2026-W45", "2026-W46", "2026-W47"},
         INTERNAL_DRAFTS: {"2026-W43", "2026-W45", "2026-W46", "2026-W47"}}


def write_site(content: Path) -> None:
    def put(rel: str, text: str) -> None:
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    put("site.yaml", SITE_YAML)
    put("authors.yaml", AUTHORS_YAML)
    for entry in ENTRIES:
        put(entry.file, entry.text())
    for week, (visibility, editors, title, body) in INTROS.items():
        front = [f"visibility: {visibility}", f"editors: {json.dumps(editors)}"]
        front += [f"title: {title}"] if title else []
        put(f"digests/{week}.md", "\n".join(["---", *front, "---", "", body, ""]))
    for slug, (visibility, body) in PAGES.items():
        put(f"pages/{slug}.md", f"---\ntitle: Page {slug}\nvisibility: {visibility}\n---\n\n{body}\n")


@dataclass
class Built:
    name: str
    root: Path
    files: dict[str, bytes]
    out: str
    err: str

    def html(self, rel: str) -> lxml.html.HtmlElement:
        return lxml.html.fromstring(self.files[rel])

    def text(self, rel: str) -> str:
        return self.files[rel].decode("utf-8")


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("consent") / "content"
    write_site(root)
    return root


@pytest.fixture(scope="module")
def builds(content: Path) -> dict[str, Built]:
    result = {}
    for name, flags in FLAGS.items():
        output = content.parent / ("out-" + name.replace("+", "-"))
        run = build_variant(content, output, EPOCH, *flags)
        result[name] = Built(name, output, read_output(output), run.out, run.err)
    return result


def shown(build: str, *, listed_only: bool = True) -> list[Entry]:
    return [e for e in ENTRIES if build in e.shown and (e.listed or not listed_only)]


# ---------------------------------------------------------------------------- every byte

@pytest.mark.parametrize("name", BUILDS)
def test_no_hidden_sentinel_in_any_output_byte(builds: dict[str, Built], name: str) -> None:
    files = builds[name].files
    for key in bundle_keys(files):  # the index comes in bundles (weeknotes/output/search.py): grep them all
        assert any(rel.startswith(f"pagefind/{key}/fragment/") for rel in files), f"bundle {key} has no fragments"
    leaks = {f"{label} ({W[label]})": found for label, rule in EXPECT.items()
             if name not in rule.builds and (found := files_with(files, W[label]))}
    assert not leaks, f"{name} build leaks hidden content: {leaks}"


@pytest.mark.parametrize("name", BUILDS)
def test_shown_sentinels_are_on_their_own_page(builds: dict[str, Built], name: str) -> None:
    """The other half of the leak test: the grep finds what must be there, so it can fail."""
    files = builds[name].files
    missing, strays = {}, {}
    for label, rule in EXPECT.items():
        if name not in rule.builds or rule.home is None:
            continue
        found = files_with(files, W[label])
        if rule.home not in found:
            missing[label] = found
        if rule.only_home and found != [rule.home]:
            strays[label] = found
    assert not missing, f"{name}: shown content missing from its own page: {missing}"
    assert not strays, f"{name}: unlisted content outside its own page: {strays}"


@pytest.mark.parametrize("name", BUILDS)
def test_search_index_is_decompressed_and_follows_the_audience(builds: dict[str, Built], name: str) -> None:
    files = builds[name].files
    index = {rel: data for rel, data in files.items() if rel.startswith("pagefind/")}
    assert files_with(index, W["pub1_body"]), "a public note's text must be findable in the unpacked search index"
    assert any(rel.endswith(".pf_index") for rel in files_with(index, W["pub1_title"])), "word index not unpacked"
    assert bool(files_with(index, W["int1_body"])) == (name in INT)
    assert bool(files_with(index, W["draft1_body"])) == (name in DRF)
    assert not files_with(index, W["unl1_body"]), "an unlisted note is in the search index"
    assert not files_with(index, W["none1_body"])


def bundle_keys(files: dict[str, bytes]) -> list[str]:
    """The search bundles a build lists (there must be some, else there is nothing to grep)."""
    keys = [bundle["key"] for bundle in json.loads(files["pagefind/bundles.json"])["bundles"]]
    assert keys, "search index missing: nothing to grep"
    return keys


@pytest.mark.parametrize("name", BUILDS)
def test_every_search_bundle_holds_only_what_its_build_shows(builds: dict[str, Built], name: str) -> None:
    """Each bundle on its own: the month's items and the standalone pages this build shows, nothing else."""
    files = builds[name].files
    assert bundle_keys(files) == ["2026-11-3", "pages"]  # the newest month in weeks: days 15-21
    for key in bundle_keys(files):
        bundle = {rel: data for rel, data in files.items() if rel.startswith(f"pagefind/{key}/")}
        leaks = {label: found for label, rule in EXPECT.items()
                 if name not in rule.builds and (found := files_with(bundle, W[label]))}
        assert not leaks, f"{name}: bundle {key} holds hidden content: {leaks}"
    pages = {rel: data for rel, data in files.items() if rel.startswith("pagefind/pages/")}
    month = {rel: data for rel, data in files.items() if rel.startswith("pagefind/2026-11-3/")}
    assert files_with(pages, W["about_body"]) and not files_with(month, W["about_body"])
    assert bool(files_with(pages, W["staff_body"])) == (name in INT)
    assert bool(files_with(pages, W["wip_body"])) == (name in DRF)
    assert not files_with(pages, W["hideout_body"]), "an unlisted page is in the search index"
    assert files_with(month, W["pub2_body"]) and not files_with(pages, W["pub2_body"])
    assert bool(files_with(month, W["int1_body"])) == (name in INT)
    assert bool(files_with(month, W["draft1_body"])) == (name in DRF)
    assert not [rel for rel in files if rel.startswith("pagefind/") and rel.count("/") > 1
                and rel.split("/")[1] not in bundle_keys(files)], "a folder in the index that is not a listed bundle"


@pytest.mark.parametrize("name", BUILDS)
def test_feeds_carry_shown_listed_items_only(builds: dict[str, Built], name: str) -> None:
    built = builds[name]
    assert ENTRIES
    for feed in ("feed.xml", "rss.xml", "feed.json", "notes/feed.xml", "links/feed.xml", "weeks/feed.xml"):
        for entry in ENTRIES:
            # The body's first paragraph (it starts with the body sentinel) is in every feed's
            # entry, and in the weekly digest as a note's summary or a link's commentary.
            in_feed = bool(files_with({feed: built.files[feed]}, W[f"{entry.label}_body"]))
            kind_ok = feed.split("/")[0] not in ("notes", "links") or feed.startswith(entry.kind)
            assert in_feed == (name in entry.shown and entry.listed and kind_ok), (feed, entry.slug)


# ---------------------------------------------------------------------------- unlisted

@pytest.mark.parametrize("name", BUILDS)
def test_unlisted_note_is_only_on_its_own_page_with_noindex(builds: dict[str, Built], name: str) -> None:
    built = builds[name]
    page = f"notes/{UNL_SLUG}/index.html"
    assert files_with(built.files, W["unl1_title"]) == [page]
    assert files_with(built.files, W["unl_tag"]) == [page]
    assert files_with(built.files, W["uma_name"]) == [page]
    assert built.html(page).cssselect('meta[name="robots"][content="noindex"]')
    unl2 = f"notes/{W['unl2_slug']}/index.html"
    assert files_with(built.files, W["unl2_slug"]) == [unl2]
    # Linking to a public note from an unlisted one makes no "Mentioned in" there.
    assert not built.html("notes/ben-week/index.html").cssselect(f".backlinks a[href*='{W['unl2_slug']}']")
    assert built.html("hideout/index.html").cssselect('meta[name="robots"][content="noindex"]')
    assert not any(b"hideout" in data for rel, data in built.files.items() if rel != "hideout/index.html")
    assert not (built.root / "tags" / W["unl_tag"]).exists()
    assert not (built.root / "authors" / "uma").exists()


def test_public_build_is_indexable_except_unlisted_pages(builds: dict[str, Built]) -> None:
    built = builds[PUBLIC]
    for rel in html_files(built.files):
        if rel in ("404.html",) or rel.endswith("email.html"):
            continue
        noindex = bool(built.html(rel).cssselect('meta[name="robots"][content="noindex"]'))
        assert noindex == (rel in UNLISTED_PAGES), rel
        assert b"banner-internal" not in built.files[rel] and b"banner-preview" not in built.files[rel], rel
    assert "Disallow: /" not in built.text("robots.txt")
    sitemap = built.text("sitemap.xml")
    assert "https://example.org/wol/notes/open-week/" in sitemap
    assert "shared-article" in sitemap and "tags/shared/" in sitemap


# ---------------------------------------------------------------------------- preview builds

@pytest.mark.parametrize("name", PREVIEWS)
def test_preview_builds_are_noindex_everywhere(builds: dict[str, Built], name: str) -> None:
    built = builds[name]
    pages = [rel for rel in html_files(built.files) if not rel.endswith("email.html")]
    assert len(pages) > 20
    for rel in pages:
        assert built.html(rel).cssselect('meta[name="robots"][content="noindex"]'), f"{name}: {rel} lacks noindex"
    assert "sitemap.xml" not in built.files
    robots = built.text("robots.txt")
    assert re.search(r"^User-agent: \*$", robots, re.M) and re.search(r"^Disallow: /$", robots, re.M)
    assert "Allow: /\n" not in robots.replace("Disallow: /\n", "") and "Sitemap:" not in robots


@pytest.mark.parametrize("name", PREVIEWS)
def test_preview_builds_show_their_banner_on_every_page(builds: dict[str, Built], name: str) -> None:
    built = builds[name]
    assert html_files(built.files)
    for rel in html_files(built.files):
        if rel.endswith("email.html"):
            continue
        page = built.html(rel)
        internal = page.cssselect(".banner-internal")
        preview = page.cssselect(".banner-preview")
        assert bool(internal) == (name in INT), rel
        assert bool(preview) == (name in DRF), rel
        if internal:
            assert "do not share outside the organisation" in internal[0].text_content()


@pytest.mark.parametrize("name", PREVIEWS)
def test_preview_email_digests_are_noindex(builds: dict[str, Built], name: str) -> None:
    email = builds[name].html("weeks/2026-W47/email.html")
    assert email.cssselect('meta[name="robots"][content="noindex"]')


def test_internal_email_digest_says_it_is_internal(builds: dict[str, Built]) -> None:
    email = builds[INTERNAL].html("weeks/2026-W47/email.html")
    assert "do not share outside the organisation" in email.text_content()


# ---------------------------------------------------------------------------- derived lists and counts

@pytest.mark.parametrize("name", BUILDS)
def test_author_pages_exist_only_for_authors_with_shown_items(builds: dict[str, Built], name: str) -> None:
    built = builds[name]
    expected = {a for e in shown(name) for a in e.authors}
    pages = {rel.split("/")[1] for rel in built.files if re.fullmatch(r"authors/[^/]+/index\.html", rel)}
    assert pages == expected
    listed = {a.get("href").strip("/").split("/")[-1] for a in built.html("authors/index.html").cssselect(".people a")}
    assert listed == expected
    assert NONE not in listed and "uma" not in listed and "kim" not in listed
    assert ("pat" in expected) == (name in DRF) and ("ivy" in expected) == (name in INT)


@pytest.mark.parametrize("name", BUILDS)
def test_tag_pages_and_counts_count_only_shown_listed_items(builds: dict[str, Built], name: str) -> None:
    built = builds[name]
    from slugify import slugify

    counts = Counter(slugify(t) for e in shown(name) for t in set(e.tags))
    cloud = {}
    for li in built.html("tags/index.html").cssselect(".tag-cloud li"):
        slug = li.cssselect("a")[0].get("href").strip("/").split("/")[-1]
        cloud[slug] = int(li.cssselect(".count")[0].text_content().strip("()"))
    assert cloud == dict(counts)
    assert cloud["shared"] == {PUBLIC: 2, INTERNAL: 3, PUBLIC_DRAFTS: 3, INTERNAL_DRAFTS: 4}[name]
    pages = {rel.split("/")[1] for rel in built.files if re.fullmatch(r"tags/[^/]+/index\.html", rel)}
    assert pages == set(counts)
    for slug, count in counts.items():
        articles = built.html(f"tags/{slug}/index.html").cssselect("article.h-entry")
        assert len(articles) == min(count, PER_PAGE), slug


@pytest.mark.parametrize("name", BUILDS)
def test_tag_spelling_is_chosen_from_shown_items_only(builds: dict[str, Built], name: str) -> None:
    built = builds[name]
    loud = files_with(built.files, "MIXED_ZQTAGQ", case_sensitive=True)
    quiet = files_with(built.files, "Mixed zqtagq", case_sensitive=True)
    if name in DRF:  # two drafts spell it loudly, one public note quietly
        assert loud and not quiet
    else:
        assert quiet and not loud, loud


@pytest.mark.parametrize("name", BUILDS)
def test_pagination_counts_only_shown_listed_items(builds: dict[str, Built], name: str) -> None:
    built = builds[name]
    listed = shown(name)
    total = max(1, math.ceil(len(listed) / PER_PAGE))
    home_pages = ["index.html"] + [f"page/{n}/index.html" for n in range(2, total + 1)]
    assert sorted(rel for rel in built.files if re.fullmatch(r"(page/\d+/)?index\.html", rel)) == sorted(home_pages)
    # Each entry's permalink: its title, or for a link curation (whose title goes to the curated
    # address) its date; never a person's card.
    permalinks = [next(a for a in entry.cssselect("a.u-url") if not a.xpath("ancestor::*[contains(@class, 'h-card')]"))
                  for rel in home_pages for entry in built.html(rel).cssselect("article.h-entry")]
    slugs = [a.get("href").rstrip("/").split("/")[-1] for a in permalinks]
    assert sorted(slugs) == sorted(e.slug for e in listed)
    last = built.html(home_pages[-1]).cssselect(".pagination span")
    assert (last[0].text_content() if last else "Page 1 of 1") == f"Page {total} of {total}"
    for handle in {a for e in listed for a in e.authors}:
        mine = [e for e in listed if handle in e.authors]
        pages = max(1, math.ceil(len(mine) / PER_PAGE))
        found = [rel for rel in built.files if re.fullmatch(rf"authors/{handle}/(page/\d+/)?index\.html", rel)]
        assert len(found) == pages, handle


@pytest.mark.parametrize("name", BUILDS)
def test_weeks_and_digest_counts_follow_the_audience(builds: dict[str, Built], name: str) -> None:
    built = builds[name]
    weeks = {rel.split("/")[1] for rel in built.files if re.fullmatch(r"weeks/[^/]+/index\.html", rel)}
    assert weeks == WEEKS[name]
    assert {rel.split("/")[1] for rel in built.files if rel.endswith("email.html")} == WEEKS[name]
    notes = [e for e in shown(name) if e.kind == "notes"]
    links = {"https://shared.example.com/article" if "shared" in e.extra["url"].lower() else e.extra["url"]
             for e in shown(name) if e.kind == "links"}
    row = next(li for li in built.html("weeks/index.html").cssselect(".weeks li")
               if "2026-W47" in li.cssselect("a")[0].get("href"))
    meta = " ".join(row.cssselect(".meta")[0].text_content().split())
    assert f"{len(notes)} weeknote" in meta and f"{len(links)} link" in meta, meta
    week = built.html("weeks/2026-W47/index.html")
    assert len(week.cssselect(".digest-notes article.h-entry")) == len(notes)
    assert len(week.cssselect(".digest-links article.merged-link")) == len(links)


# ---------------------------------------------------------------------------- merges, via, backlinks

@pytest.mark.parametrize("name", BUILDS)
def test_merged_link_names_only_shown_curators(builds: dict[str, Built], name: str) -> None:
    built = builds[name]
    for rel in ("weeks/2026-W47/index.html", "weeks/2026-W47/email.html"):
        page = built.html(rel)
        merged = [a for a in page.cssselect("article.merged-link")
                  if a.cssselect("h3 a")[0].get("href").startswith(("https://shared", "https://www.shared"))]
        assert len(merged) == 1, rel
        curators = [" ".join(c.cssselect(".meta")[0].text_content().split()) for c in merged[0].cssselect(".curation")]
        expected = ["Ana Pérez"] + ([f"Ivy {W['ivy_name']}"] if name in INT else [])
        assert [c.split(" · ")[0] for c in curators] == expected, (rel, curators)
        text = merged[0].text_content()
        assert ("Curated by 2 people" in text) == (name in INT)
        assert "Curated by 3" not in text and W["none_name"] not in text
    also = built.html("links/shared-article/index.html").cssselect(".also-curated")
    if name in INT:
        assert W["ivy_name"] in also[0].text_content()
    else:
        assert not also


@pytest.mark.parametrize("name", BUILDS)
def test_via_naming_a_hidden_author_is_dropped(builds: dict[str, Built], name: str) -> None:
    built = builds[name]
    one = built.html("links/via-one/index.html")
    assert not one.cssselect(".via"), "via names the author who publishes nowhere"
    two = built.html("links/via-two/index.html").cssselect(".via")
    if name in INT:
        assert two and W["ivy_name"] in two[0].text_content()
        assert two[0].cssselect("a")[0].get("href") == "../../authors/ivy/"
    else:
        assert not two


@pytest.mark.parametrize("name", BUILDS)
def test_backlinks_never_name_hidden_items(builds: dict[str, Built], name: str) -> None:
    built = builds[name]

    def mentioned(rel: str) -> set[str]:
        return {a.get("href").rstrip("/").split("/")[-1] for a in built.html(rel).cssselect(".backlinks li > a")}

    # A draft links to ben-week; an unlisted note links to it too: only the draft, and only in drafts builds.
    assert mentioned("notes/ben-week/index.html") == ({"plan-b"} if name in DRF else set())
    # An internal note links to open-week.
    assert mentioned("notes/open-week/index.html") == ({W["int1_slug"]} if name in INT else set())
    # open-week links to the draft plan-b: in drafts builds plan-b says so; elsewhere plan-b has no page.
    if name in DRF:
        assert mentioned("notes/plan-b/index.html") == {"open-week"}
    else:
        assert "notes/plan-b/index.html" not in built.files
        assert not (built.root / "notes" / "plan-b").exists()


@pytest.mark.parametrize("name", BUILDS)
def test_blogroll_lists_feeds_of_shown_authors_only(builds: dict[str, Built], name: str) -> None:
    opml = builds[name].text("blogroll.opml")
    assert "https://ana.example.net/feed.xml" in opml
    assert (W["ivy_feed"] in opml) == (name in INT)
    assert (W["pat_feed"] in opml) == (name in DRF)
    assert W["none_feed"] not in opml and W["uma_feed"] not in opml


# ---------------------------------------------------------------------------- scheduled items

def test_future_item_is_held_back_until_its_date(content: Path, tmp_path: Path) -> None:
    default = build_variant(content, tmp_path / "a", EPOCH)
    assert "future.md" in default.err and "held back" in default.err
    assert not files_with(read_output(tmp_path / "a"), W["fut_title"])

    forced = build_variant(content, tmp_path / "b", EPOCH, "--future")
    files = read_output(tmp_path / "b")
    assert f"notes/{W['fut_slug']}/index.html" in files_with(files, W["fut_title"])
    assert "feed.xml" in files_with(files, W["fut_title"])
    assert "weeks/2026-W48/index.html" in files and f"tags/{W['fut_tag']}/index.html" in files
    assert "held back" not in forced.err

    later = 1795000000 + 7 * 86400  # 2026-11-25: the note's date has come
    build_variant(content, tmp_path / "c", later)
    assert f"notes/{W['fut_slug']}/index.html" in files_with(read_output(tmp_path / "c"), W["fut_title"])


# ---------------------------------------------------------------------------- check and digest commands

def test_check_reports_audiences_and_not_opted_in_authors_in_the_terminal(content: Path,
                                                                          builds: dict[str, Built]) -> None:
    result = cli(["check", "--content", content], EPOCH)
    assert result.code == 0, result.err
    total = len(ENTRIES)
    for label, build in (("a public build", PUBLIC), ("an internal build", INTERNAL),
                         ("an internal build with --drafts", INTERNAL_DRAFTS)):
        count = len(shown(build, listed_only=False))
        assert f"info: {label} will include {count} of {total} items" in result.out, result.out
    assert "info: publishing to colleagues only (internal): dee, ivy" in result.out
    assert f"info: not publishing (none): {NONE}" in result.out
    # Named in the maintainer's terminal only: never in the site, whatever the audience.
    for built in builds.values():
        assert not files_with(built.files, "not publishing")
        assert not files_with(built.files, "colleagues only")
        assert not files_with(built.files, NONE)


@pytest.mark.parametrize("fmt", ["markdown", "html", "email"])
@pytest.mark.parametrize("audience", ["public", "internal"])
def test_digest_command_follows_the_audience(content: Path, fmt: str, audience: str) -> None:
    result = cli(["digest", "2026-W47", "--content", content, "--format", fmt, "--audience", audience], EPOCH)
    assert result.code == 0, result.err
    name = PUBLIC if audience == "public" else INTERNAL
    leaks = [label for label, rule in EXPECT.items() if name not in rule.builds and W[label] in result.out]
    assert not leaks
    assert (W["intro47_title"] in result.out) == (audience == "internal")
    assert W["pub1_title"] in result.out and W["l1_body"] in result.out


# ---------------------------------------------------------------------------- withdrawal

def test_withdrawal_disappears_on_the_next_build(site: SiteDir, build: Callable[..., Run], run: Callable[..., Run]) -> None:
    """Withdrawing (opting out, or making a note a draft) empties every trace on the next build in place,
    including what other people's pages said about the withdrawn work: a curator list, a backlink, a count."""
    word = make_sentinel(random.Random(7))
    site.write("site.yaml", "title: T\nbase_url: https://example.org/wol/\nsearch: {enabled: true}\n")
    site.write("notes/ana/2026-11-16-keep.md", note("Keep", body="Stays.", tags="[shared]"))
    site.write("links/ana.md", link("https://example.com/x", author="ana", body="Ana's take."))
    site.write("notes/ben/2026-11-16-mine.md", note(f"Mine {word}", author="ben", tags=f"[shared, {word}]",
                                                    body=f"{word} text, after [Ana](../keep/)."))
    site.write("links/ben.md", link("https://www.example.com/x/", author="ben", body=f"{word} why."))

    def fresh() -> dict[str, bytes]:
        """The same content built from scratch, to compare an in-place rebuild with."""
        other = site.root / "fresh"
        result = run("build", "--content", site.content, "--output", other, "--no-cache", "--force")
        assert result.code == 0, result.err
        return read_output(other)

    build()
    before = read_output(site.output)
    assert "Ben Okafor" in before["notes/keep/index.html"].decode()  # "Mentioned in"
    assert "Ben Okafor" in before["links/ana/index.html"].decode()  # "Also curated by"
    assert len(files_with(before, word)) > 5

    site.write("authors.yaml", "ana:\n  name: Ana\n  publish: public\nben:\n  name: Ben Okafor\n  publish: none\n")
    build()
    after = read_output(site.output)
    assert not files_with(after, word) and not files_with(after, "Ben Okafor")
    assert not (site.output / "authors" / "ben").exists()
    assert "(1)" in after["tags/index.html"].decode()
    assert files_with(after, "Stays.") and after == fresh()

    # Opting back in brings it back; a draft and an internal link then take it out again.
    site.write("authors.yaml", "ana:\n  name: Ana\n  publish: public\nben:\n  name: Ben Okafor\n  publish: public\n")
    build()
    assert files_with(read_output(site.output), word)
    site.write("notes/ben/2026-11-16-mine.md", note(f"Mine {word}", author="ben", visibility="draft",
                                                    body=f"{word} text, after [Ana](../keep/)."))
    site.write("links/ben.md", link("https://www.example.com/x/", author="ben", body=f"{word} why.",
                                    visibility="internal"))
    build()
    after = read_output(site.output)
    assert not files_with(after, word) and not files_with(after, "Ben Okafor")
    assert after == fresh()


# ---------------------------------------------------------------------------- search edge case

def test_unlisted_note_stays_out_of_search_even_when_nothing_is_listed(site: SiteDir, build: Callable[..., Run]) -> None:
    word = make_sentinel(random.Random(11))
    site.write("site.yaml", "title: T\nbase_url: https://example.org/wol/\nsearch: {enabled: true}\n")
    site.write("notes/ana/2026-11-16-quiet.md", note(f"Quiet {word}", body=f"{word} text.", visibility="unlisted"))
    build()
    files = read_output(site.output)
    assert files_with(files, word) == ["notes/quiet/index.html"]


# ---------------------------------------------------------------------------- rebuilds in place

@pytest.mark.parametrize("before", [INTERNAL_DRAFTS, INTERNAL, PUBLIC_DRAFTS])
def test_rebuilding_in_place_for_a_narrower_audience_leaves_nothing_behind(
        content: Path, builds: dict[str, Built], tmp_path: Path, before: str) -> None:
    """A --force rebuild into another audience's folder: whatever the old audience saw must go."""
    after = INTERNAL if before == INTERNAL_DRAFTS else PUBLIC
    output = tmp_path / "public"
    build_variant(content, output, EPOCH, *FLAGS[before])
    assert files_with(read_output(output), W[("int1" if before in INT else "draft1") + "_body"])
    assert cli(["build", "--content", content, "--output", output, *FLAGS[after]], EPOCH).code == 2
    build_variant(content, output, EPOCH, *FLAGS[after], "--force")
    files = read_output(output)
    leaks = {label: found for label, rule in EXPECT.items() if after not in rule.builds
             and (found := files_with(files, W[label]))}
    assert not leaks
    assert files == builds[after].files, "an in-place rebuild differs from a fresh build for the same audience"


def test_withdrawal_with_the_cache_gone_still_leaves_nothing_behind(site: SiteDir, build: Callable[..., Run]) -> None:
    """The manifest of the last build lives in the cache; without it stale files must still go."""
    import shutil

    word = make_sentinel(random.Random(5))
    site.write("site.yaml", "title: T\nbase_url: https://example.org/wol/\nsearch: {enabled: true}\n")
    site.write("notes/ben/2026-11-16-mine.md", note(f"Mine {word}", author="ben", body=f"{word} text."))
    site.write("notes/ana/2026-11-16-keep.md", note("Keep", body="Stays."))
    build()
    shutil.rmtree(site.content / ".weeknotes-cache", ignore_errors=True)
    site.write("authors.yaml", "ana:\n  name: Ana\n  publish: public\nben:\n  name: Ben\n  publish: none\n")
    build()
    assert not files_with(read_output(site.output), word)


def test_turning_search_off_removes_the_old_index(site: SiteDir, build: Callable[..., Run]) -> None:
    word = make_sentinel(random.Random(13))
    site.write("site.yaml", "title: T\nbase_url: https://example.org/wol/\nsearch: {enabled: true}\n")
    site.write("notes/ben/2026-11-16-mine.md", note(f"Mine {word}", author="ben", body=f"{word} text."))
    site.write("notes/ana/2026-11-16-keep.md", note("Keep", body="Stays."))
    build()
    assert files_with(read_output(site.output), word)
    site.write("site.yaml", "title: T\nbase_url: https://example.org/wol/\nsearch: {enabled: false}\n")
    site.write("authors.yaml", "ana:\n  name: Ana\n  publish: public\nben:\n  name: Ben\n  publish: none\n")
    build()
    assert not files_with(read_output(site.output), word)


def test_an_interrupted_index_refresh_is_redone_by_the_next_build(site: SiteDir, build: Callable[..., Run], monkeypatch: pytest.MonkeyPatch) -> None:
    """Killed after the pages were replaced but before the index was: the next build must not keep it."""
    from weeknotes.output import search

    word = make_sentinel(random.Random(17))
    site.write("site.yaml", "title: T\nbase_url: https://example.org/wol/\nsearch: {enabled: true}\n")
    site.write("notes/ben/2026-11-16-mine.md", note(f"Mine {word}", author="ben", body=f"{word} text."))
    site.write("notes/ana/2026-11-16-keep.md", note("Keep", body="Stays."))
    build()
    site.write("authors.yaml", "ana:\n  name: Ana\n  publish: public\nben:\n  name: Ben\n  publish: none\n")

    def killed(*_args: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(search, "run_pagefind", killed)  # Ctrl-C while Pagefind runs
        assert build(ok=False).code == 130  # Ctrl-C, as the CLI reports it
    build()  # nothing changed since the interrupted build
    assert not files_with(read_output(site.output), word)


def test_an_edit_that_keeps_size_and_mtime_still_withdraws(site: SiteDir, build: Callable[..., Run]) -> None:
    """Racy timestamps: a change of visibility must be seen even when the file's stamp did not move."""
    import os

    word = make_sentinel(random.Random(19))
    path = site.write("notes/ana/2026-11-16-racy.md", note(f"Racy {word}", body=f"{word} text.", visibility="unlisted"))
    site.write("notes/ana/2026-11-16-keep.md", note("Keep", body="Stays."))
    build()
    assert files_with(read_output(site.output), word) == ["notes/racy/index.html"]
    stat = path.stat()
    text = path.read_text().replace("visibility: unlisted", "visibility: internal")
    assert len(text.encode()) == stat.st_size
    path.write_text(text)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # what a 2-second FAT clock or `cp -p` gives
    build()
    assert not files_with(read_output(site.output), word)
