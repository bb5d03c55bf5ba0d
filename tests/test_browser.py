"""The example site in a real browser: Debian's Chromium, driven by Playwright, with axe-core.

One Chromium for the whole session and one HTTP server per built site. The site is served
under a path prefix (/wol/), as many hosts serve it, and built with a base URL naming that
server, so the 404 page's absolute links resolve too. Requests to any other host are
blocked and reported: the theme promises no external requests.

Screenshots of every page at both widths and in both colour schemes are written to
test-artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from tests.browser_support import (
    AXE_JS,
    CHROMIUM_ARGS,
    EXAMPLE_CONTENT,
    HOSTILE_FILES,
    SCREENSHOTS,
    build,
    require_chromium,
    require_pagefind,
    serving,
    write_site,
)

AXE_URL_PATH = "/__checks__/axe.min.js"  # served beside the site, so Chromium caches it
PHONE, DESKTOP = 390, 1280
HEIGHTS = {PHONE: 844, DESKTOP: 800}
SCHEMES = ("light", "dark")

# name -> site path: the kinds of page a reader meets.
PAGES = {
    "home": "",
    "note": "notes/research-ops-consent-forms-and-a-very-long-spreadsheet/",  # code block
    "note-table": "notes/counting-what-counts-in-digital-inclusion/",  # a wide table
    "link": "links/warm-spaces-year-one/",
    "author": "authors/zoe/",
    "tag": "tags/working-out-loud/",
    "digest": "weeks/2026-W01/",
    "404": "no-such-page/",
    "search": "search/",
}
# Every other kind of page, checked in two of the four combinations.
MORE_PAGES = {
    "home-page-2": "page/2/",
    "authors": "authors/",
    "tags": "tags/",
    "weeks": "weeks/",
    "about": "about/",
    "merged-link": "links/notes-on-slow-learning/",
    "email": "weeks/2026-W01/email.html",
}
HOSTILE_PAGES = {
    "hostile-home": "",
    "hostile-note": "notes/hostile-title/",
    "hostile-link": "links/hostile-link/",
    "hostile-digest": "weeks/2026-W47/",
}

# A word in exactly one public note of the example site, and that note's title (checked
# against the built site below, so a change to the content is caught here, not guessed at).
SEARCH_WORD = "sunscreen"
SEARCH_TITLE = "Weeknotes from the other side of the world"
# Only in a draft note: a public build's index must not know it.
DRAFT_SENTINEL = "marmalade-coloured sofa"
SENTINEL_WORD = "marmalade"
DRAFT_URL = "notes/what-the-warm-spaces-numbers-dont-say/"
UNLISTED_URL = "notes/induction-pilot-notes-for-my-team/"
SEARCH_LABEL = "Search notes, links and pages"


@dataclass
class Site:
    root: Path
    base: str
    external: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    chromium = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS,
                                              headless=True)
        yield instance
        instance.close()


def served_site(tmp_path_factory: pytest.TempPathFactory, content: Path, name: str) -> Iterator[Site]:
    require_pagefind()
    root = tmp_path_factory.mktemp(name) / "public"
    with serving(root, prefix="/wol/", extra_files={AXE_URL_PATH: AXE_JS}) as server:
        base = f"http://127.0.0.1:{server.server_address[1]}/wol/"
        build(content, root, "--base-url", base)
        yield Site(root, base)


@pytest.fixture(scope="session")
def example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from served_site(tmp_path_factory, EXAMPLE_CONTENT, "example")


@pytest.fixture(scope="session")
def welsh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The example site with `language: cy`: Pagefind has no Welsh, so its words come from ours."""
    content = tmp_path_factory.mktemp("welsh") / "content"
    shutil.copytree(EXAMPLE_CONTENT, content, ignore=shutil.ignore_patterns(".weeknotes-cache"))
    settings = content / "site.yaml"
    settings.write_text(re.sub(r"(?m)^language: .*$", "language: cy", settings.read_text()))
    yield from served_site(tmp_path_factory, content, "welsh")


@pytest.fixture(scope="session")
def arabic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The example site with `language: ar`: the theme in Arabic, right to left."""
    content = tmp_path_factory.mktemp("arabic") / "content"
    shutil.copytree(EXAMPLE_CONTENT, content, ignore=shutil.ignore_patterns(".weeknotes-cache"))
    settings = content / "site.yaml"
    settings.write_text(re.sub(r"(?m)^language: .*$", "language: ar", settings.read_text()))
    yield from served_site(tmp_path_factory, content, "arabic")


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    content = write_site(tmp_path_factory.mktemp("hostile-content"), HOSTILE_FILES)
    yield from served_site(tmp_path_factory, content, "hostile")


class Tabs:
    """One browser context per (width, colour scheme), each with one tab that tests navigate
    (a new tab costs more than a page load); made when first asked for. Every request to a
    host other than the test server is blocked and recorded."""

    def __init__(self, browser: Any) -> None:
        self.browser = browser
        self.made: dict[tuple[int, str], Any] = {}
        self.external: list[str] = []

    def get(self, width: int, scheme: str) -> Any:
        if (width, scheme) not in self.made:
            context = self.browser.new_context(
                viewport={"width": width, "height": HEIGHTS[width]}, color_scheme=scheme,
                reduced_motion="reduce")
            context.route(re.compile(r"^(?!http://127\.0\.0\.1:\d+/)"), self._block)
            self.made[(width, scheme)] = context.new_page()
        return self.made[(width, scheme)]

    def _block(self, route: Any) -> None:
        self.external.append(route.request.url)
        route.abort()

    def close(self) -> None:
        for page in self.made.values():
            page.context.close()


@pytest.fixture(scope="session")
def tabs(browser: Any) -> Iterator[Tabs]:
    made = Tabs(browser)
    yield made
    made.close()


@pytest.fixture
def open_page(tabs: Tabs) -> Iterator[Any]:
    """Go to a site path in the shared tab for that width and scheme. The test fails on any
    script error, dialog, or request to another host."""
    errors: list[str] = []
    before = len(tabs.external)
    listening: list[tuple[Any, str, Any]] = []

    def do(site: Site, path: str, width: int, scheme: str) -> Any:
        page = tabs.get(width, scheme)

        def on_error(exc: Any) -> None:
            errors.append(f"{path}: {exc}")

        def on_dialog(dialog: Any) -> None:
            errors.append(f"{path}: dialog {dialog.message!r}")
            dialog.dismiss()

        for event, handler in (("pageerror", on_error), ("dialog", on_dialog)):
            page.on(event, handler)
            listening.append((page, event, handler))
        url = site.url(path)
        if page.url.split("#")[0] == url:
            page.goto("about:blank")  # else only the #fragment would change: no new document
        response = page.goto(url, wait_until="load")
        assert response is not None
        expected = 404 if path.startswith("no-such") else 200
        assert response.status == expected, f"{path}: HTTP {response.status}"
        page.evaluate("document.fonts.ready")
        return page

    yield do
    for page, event, handler in listening:
        page.remove_listener(event, handler)
    assert not errors, f"script errors or dialogs: {errors}"
    assert tabs.external[before:] == [], f"requests to other hosts: {tabs.external[before:]}"


def axe_violations(page: Any) -> list[str]:
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(url=AXE_URL_PATH)
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ["violations"]});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(" ") + ": " + (n.failureSummary || "").replace(/\\s+/g, " "))}));
    }""")
    return [f"{v['id']} ({v['impact']}): {v['help']}\n        " + "\n        ".join(v["nodes"][:8])
            for v in result]


def screenshot(page: Any, name: str, width: int, scheme: str, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}-{scheme}.png"), full_page=full_page)


def assert_looks_right(page: Any, name: str, width: int) -> None:
    """What a person notices first: no sideways scrolling, and the page's heading in view."""
    scroll = page.evaluate("""() => ({scroll: document.documentElement.scrollWidth,
                                      client: document.documentElement.clientWidth})""")
    assert scroll["scroll"] <= scroll["client"], (
        f"{name} at {width}px scrolls sideways: content is {scroll['scroll']}px wide in a "
        f"{scroll['client']}px viewport")
    h1 = page.locator("main h1").first
    assert h1.is_visible(), f"{name}: no visible h1 in main"
    box = h1.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= HEIGHTS[width], (
        f"{name} at {width}px: the main heading is not above the fold ({box})")


def check_page(page: Any, name: str, width: int, scheme: str) -> None:
    """Screenshot the page, then: no axe violations, and it looks right at this width."""
    screenshot(page, name, width, scheme)
    violations = axe_violations(page)
    assert not violations, (f"axe: {len(violations)} violation(s) on {name} at {width}px, {scheme}:\n  "
                            + "\n  ".join(violations))
    assert_looks_right(page, name, width)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", [PHONE, DESKTOP])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_is_accessible_and_looks_right(open_page: Any, example: Site, name: str, width: int,
                                            scheme: str) -> None:
    page = open_page(example, PAGES[name], width, scheme)
    check_page(page, name, width, scheme)


@pytest.mark.parametrize(("width", "scheme"), [(PHONE, "dark"), (DESKTOP, "light")])
@pytest.mark.parametrize("name", list(MORE_PAGES))
def test_other_pages_are_accessible(open_page: Any, example: Site, name: str, width: int,
                                    scheme: str) -> None:
    page = open_page(example, MORE_PAGES[name], width, scheme)
    check_page(page, name, width, scheme)


@pytest.mark.parametrize(("width", "scheme"), [(PHONE, "dark"), (DESKTOP, "light")])
@pytest.mark.parametrize("name", list(HOSTILE_PAGES))
def test_hostile_content_is_accessible(open_page: Any, hostile: Site, name: str, width: int,
                                       scheme: str) -> None:
    """Markup in titles and names, right-to-left text and unbroken long words stay readable,
    and none of it runs as script (a dialog would fail the test)."""
    page = open_page(hostile, HOSTILE_PAGES[name], width, scheme)
    check_page(page, name, width, scheme)


ARABIC_PAGES = {name: PAGES[name] for name in ("home", "note", "link", "digest", "search", "404")}


@pytest.mark.parametrize(("width", "scheme"), [(PHONE, "dark"), (DESKTOP, "light")])
@pytest.mark.parametrize("name", list(ARABIC_PAGES))
def test_arabic_pages_are_accessible_and_look_right(open_page: Any, arabic: Site, name: str, width: int,
                                                    scheme: str) -> None:
    """Right to left, with the theme's words in Arabic: axe finds nothing, nothing scrolls sideways."""
    page = open_page(arabic, ARABIC_PAGES[name], width, scheme)
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    check_page(page, f"ar-{name}", width, scheme)


# Where the page's own content starts on a phone, under the site's header (issue 26: the
# navigation used to wrap to four or five rows first).
HEADER_LIMIT = 140


@pytest.mark.parametrize("language", ["en", "ar"])
def test_on_a_phone_the_content_starts_high_and_every_page_is_reachable_without_script(
        browser: Any, example: Site, arabic: Site, language: str) -> None:
    site = example if language == "en" else arabic
    context = browser.new_context(viewport={"width": PHONE, "height": HEIGHTS[PHONE]}, java_script_enabled=False)
    try:
        page = context.new_page()
        for name in ("home", "note", "link", "digest", "tag"):
            page.goto(site.url(PAGES[name]), wait_until="load")
            header = page.locator(".site-header").bounding_box()
            heading = page.locator("main h1").first.bounding_box()
            assert header is not None and heading is not None
            assert header["y"] + header["height"] <= HEADER_LIMIT, (
                f"{language} {name}: the header ends at {header['y'] + header['height']:.0f}px on a phone")
            assert heading["y"] <= HEADER_LIMIT + 60, f"{language} {name}: the content starts at {heading['y']:.0f}px"
        screenshot(page, f"{language}-phone-header", PHONE, "light", full_page=False)
        # Every entry of the navigation can be brought into view and followed, with no script.
        links = page.locator(".site-nav a")
        hrefs = [str(links.nth(n).get_attribute("href")) for n in range(links.count())]
        assert len(hrefs) >= 7, hrefs
        for n in range(len(hrefs)):
            links.nth(n).scroll_into_view_if_needed()
            box = links.nth(n).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE, (n, box)
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        before = page.url
        links.nth(len(hrefs) - 1).click()
        page.wait_for_load_state("load")
        assert page.url != before and page.url.split("#")[0].endswith(hrefs[-1].lstrip("./"))
    finally:
        context.close()


def test_search_results_show_the_text_not_the_title_date_or_byline(open_page: Any, example: Site) -> None:
    page = open_page(example, "search/", DESKTOP, "light")
    search_for(page, SEARCH_WORD)
    assert page.locator(".pagefind-ui__result-link").all_inner_texts() == [SEARCH_TITLE]
    excerpt = page.locator(".pagefind-ui__result-excerpt").first.inner_text()
    note = lxml.html.fromstring((example.root / "notes/weeknotes-from-the-other-side-of-the-world/index.html")
                                .read_bytes())
    shown_around = [note.cssselect("article .kind")[0].text_content(), SEARCH_TITLE,
                    note.cssselect("article .meta time")[0].text_content(),
                    note.cssselect("article .meta .p-author")[0].text_content()]
    assert SEARCH_WORD in excerpt.lower()
    for text in shown_around:
        assert text.strip().lower() not in excerpt.lower(), (text, excerpt)
    # A word of the title alone still finds the note: the title is searched, just not repeated.
    search_for(page, "other side of the world")
    assert SEARCH_TITLE in page.locator(".pagefind-ui__result-link").all_inner_texts()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_search_box_follows_the_direction_of_the_page(open_page: Any, example: Site, arabic: Site,
                                                          language: str) -> None:
    site = example if language == "en" else arabic
    page = open_page(site, "search/", DESKTOP, "light")
    page.locator("#search input").fill(SEARCH_WORD)
    page.locator(".pagefind-ui__search-clear").wait_for(state="visible", timeout=10000)
    field = page.locator("#search input").bounding_box()
    clear = page.locator(".pagefind-ui__search-clear").bounding_box()
    assert field is not None and clear is not None
    middle = field["x"] + field["width"] / 2
    # The clear button sits at the end of the line the text runs along: right in English, left in Arabic.
    assert (clear["x"] > middle) == (language == "en"), (language, clear, field)
    icon = page.evaluate("""() => {
        const form = document.querySelector("#search form");
        const before = getComputedStyle(form, "::before");
        return {left: parseFloat(before.left), right: parseFloat(before.right), width: form.clientWidth};
    }""")
    start_offset = icon["left"] if language == "en" else icon["right"]
    assert start_offset < icon["width"] / 4, icon  # the magnifier at the start of the box
    screenshot(page, f"{language}-search-box", DESKTOP, "light", full_page=False)


FOCUS_STATE = """(el) => {
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return {tag: el.tagName, text: (el.textContent || el.value || "").trim().slice(0, 40),
            indicator: (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2)
                       || s.boxShadow !== "none",
            inView: r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0
                    && r.bottom <= innerHeight && r.right <= innerWidth};
}"""


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
@pytest.mark.parametrize("name", ["home", "note", "digest", "404", "search"])
def test_keyboard_focus_is_visible_and_skip_link_works(open_page: Any, example: Site, name: str,
                                                       width: int) -> None:
    page = open_page(example, PAGES[name], width, "light")
    skip = page.locator("a.skip-link")
    hidden = skip.bounding_box()
    assert hidden is None or hidden["y"] + hidden["height"] <= 0, \
        "the skip link should be out of sight until it is focused"

    page.keyboard.press("Tab")
    first = page.evaluate("document.activeElement.className")
    assert first == "skip-link", f"the first tab stop is {first!r}, not the skip link"
    state = skip.evaluate(FOCUS_STATE)
    assert state["inView"], "the focused skip link is not on screen"
    assert state["indicator"], "the focused skip link shows no focus indicator"
    box = skip.bounding_box()
    assert box is not None
    on_top = page.evaluate("([x, y]) => document.elementFromPoint(x, y)?.closest('a.skip-link') !== null",
                           [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
    assert on_top, "the focused skip link is covered by something else"
    screenshot(page, f"{name}-skip-link", width, "light", full_page=False)

    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main'",
                           timeout=2000)
    assert page.url.endswith("#main")

    # Tabbing on from main reaches what is in main first, and every stop is visibly focused
    # and scrolled into view.
    stops = []
    for step in range(6):
        page.keyboard.press("Tab")
        state = page.evaluate(f"""(() => {{
            const el = document.activeElement;
            if (el === document.body) return null;
            return {{...({FOCUS_STATE})(el), inMain: document.getElementById("main").contains(el)}};
        }})()""")
        if state is None:
            break
        if step == 0:
            assert state["inMain"], f"after the skip link, the next tab stop is outside main: {state}"
        stops.append(state)
        assert state["indicator"], f"no visible focus indicator on {state}"
        assert state["inView"], f"the focused element is off screen: {state}"
    assert stops, "nothing to tab to after the skip link"


def test_search_word_is_in_exactly_one_public_note(example: Site) -> None:
    """Guards the search test's premise against changes to the example content."""
    pages = [p for p in example.root.rglob("index.html") if "pagefind" not in p.parts]
    holders = []
    for path in pages:
        doc = lxml.html.fromstring(path.read_bytes())
        body = doc.cssselect("[data-pagefind-body]")
        if body and re.search(rf"\b{SEARCH_WORD}\b", body[0].text_content(), re.I):
            holders.append(path.relative_to(example.root).as_posix())
    assert holders == ["notes/weeknotes-from-the-other-side-of-the-world/index.html"], holders
    assert DRAFT_SENTINEL not in "".join(p.read_text(encoding="utf-8") for p in pages)
    draft = (EXAMPLE_CONTENT / "notes/zoe/2025-12-19-what-the-warm-spaces-numbers-dont-say.md").read_text(
        encoding="utf-8")
    assert DRAFT_SENTINEL in draft and "visibility: draft" in draft


# A script's view of the whole index: the first bundle listed in bundles.json, the others
# merged into it, as the search page does (weeknotes/output/search.py).
OPEN_INDEX = """(async (root) => {
    const list = await (await fetch(new URL("bundles.json", root))).json();
    const paths = list.bundles.map((b) => new URL(b.key + "/", root).pathname);
    // A module of its own (?direct): the search page's has merged the bundles already.
    const pagefind = await import(new URL(paths[0] + "pagefind.js?direct", root).href);
    await pagefind.options({basePath: paths[0]});
    for (const path of paths.slice(1)) await pagefind.mergeIndex(path);
    return {search: (q) => pagefind.search(q), bundles: paths};
})"""


def search_for(page: Any, text: str) -> None:
    box = page.get_by_role("textbox", name=SEARCH_LABEL)
    box.fill("")
    box.press_sequentially(text, delay=10)
    # Pagefind UI waits for typing to pause, then says how many pages match ("1 result for
    # ..."), then loads and shows each result: wait until all that it announced are shown.
    page.wait_for_function(
        """(q) => {
            const m = document.querySelector(".pagefind-ui__message");
            if (!m || !m.textContent.includes(q) || document.querySelector(".pagefind-ui__loading")) {
                return false;
            }
            const n = /^\\s*No results/.test(m.textContent) ? 0 : parseInt(m.textContent, 10);
            const shown = document.querySelectorAll(".pagefind-ui__result-link").length;
            return shown === Math.min(n, 5);
        }""", arg=text, timeout=10000)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_search_finds_a_public_note_and_nothing_hidden(open_page: Any, example: Site, scheme: str) -> None:
    page = open_page(example, "search/", DESKTOP, scheme)
    search_for(page, SEARCH_WORD)
    titles = page.locator(".pagefind-ui__result-link").all_inner_texts()
    assert titles == [SEARCH_TITLE], f"searching {SEARCH_WORD!r} showed {titles}"
    href = page.locator(".pagefind-ui__result-link").first.get_attribute("href") or ""
    assert href.startswith("/wol/notes/weeknotes-from-the-other-side-of-the-world/"), href
    screenshot(page, "search-results", DESKTOP, scheme)
    violations = axe_violations(page)
    assert not violations, "axe on search results:\n  " + "\n  ".join(violations)

    # The sentinel's own word, and the sentinel as an exact phrase (in quotes), find nothing.
    # (Unquoted, Pagefind also offers near misses: "marmalade-coloured sofa" then shows the
    # public note that mentions a sofa, which is not a leak: "marmalade" is not in the index.)
    for query in (SENTINEL_WORD, f'"{DRAFT_SENTINEL}"'):
        search_for(page, query)
        message = page.locator(".pagefind-ui__message").inner_text()
        found = page.locator(".pagefind-ui__result-link").all_inner_texts()
        assert found == [] and "No results" in message, f"{message}: {found}"
        screenshot(page, "search-no-results", DESKTOP, scheme)

    # Ask the index directly too, as any script on the page could: every page it holds, and
    # the draft's words.
    index = page.evaluate("""async () => {
        const pagefind = await open_index(new URL("../pagefind/", location.href));
        const urls = async (q) => Promise.all((await pagefind.search(q)).results.map(
            async (r) => (await r.data()).url));
        return {bundles: pagefind.bundles, all: await urls(null), marmalade: await urls("marmalade"),
                phrase: await urls('"marmalade-coloured sofa"'),
                sofa: await urls("marmalade-coloured sofa")};
    }""".replace("open_index", OPEN_INDEX))
    assert len(index["bundles"]) > 1, "the example site's index should come in several bundles"
    assert index["marmalade"] == [] and index["phrase"] == [], index
    assert DRAFT_URL not in index["sofa"], index["sofa"]
    indexed = sorted(url.removeprefix("/wol/") for url in index["all"])
    searchable = sorted(
        path.parent.relative_to(example.root).as_posix() + "/"
        for path in example.root.rglob("index.html")
        if "pagefind" not in path.parts and b"data-pagefind-body" in path.read_bytes())
    assert indexed == searchable, "the index should hold exactly the pages marked data-pagefind-body"
    for hidden in (DRAFT_URL, UNLISTED_URL):
        assert hidden not in indexed


def test_404_page_is_accessible_even_where_its_stylesheet_cannot_load(browser: Any, example: Site) -> None:
    """Hosts serve 404.html at any depth, so it links its stylesheet by absolute URL; served
    away from base_url (a preview, a mirror) it has no styles, and must still be readable."""
    context = browser.new_context(viewport={"width": PHONE, "height": HEIGHTS[PHONE]}, color_scheme="dark")
    try:
        context.route("**/*.css", lambda route: route.abort())
        page = context.new_page()
        page.goto(example.url("no-such-page/"), wait_until="load")
        assert page.evaluate("getComputedStyle(document.body).margin") == "8px", "stylesheet not blocked"
        screenshot(page, "404-unstyled", PHONE, "dark")
        violations = axe_violations(page)
        assert not violations, "axe on the unstyled 404 page:\n  " + "\n  ".join(violations)
    finally:
        context.close()


# --- the index in bundles (issue 13) ---------------------------------------------------------
# One bundle per month (weeknotes/output/search.py), merged by the search page: one query must find
# an old and a new item, as one index would, and an item withdrawn since must be gone from
# the results after the next build (which re-indexes only its month).

BUNDLE_WORD = "quillwort"

BUNDLE_FILES = {
    "site.yaml": """\
        title: Bundles
        base_url: https://example.org/wol/
        search: {enabled: true}
        """,
    "authors.yaml": """\
        ana:
          name: Ana
          publish: public
        """,
}
BUNDLE_NOTES = {  # file -> (title, date)
    "notes/2024-03-05-old.md": ("An old note", "2024-03-05"),
    "notes/2025-07-09-middle.md": ("A middle note", "2025-07-09"),
    "notes/2026-11-16-new.md": ("A new note", "2026-11-16"),
}


def bundle_note(title: str, date: str, visibility: str = "public") -> str:
    return (f"---\ntitle: {title}\ndate: {date}\nauthor: ana\nvisibility: {visibility}\n---\n\n"
            f"We planted {BUNDLE_WORD} by the pond.\n")


def bundle_results(page: Any) -> list[str]:
    search_for(page, BUNDLE_WORD)
    return sorted(page.locator(".pagefind-ui__result-link").all_inner_texts())


def test_one_query_finds_old_and_new_items_and_a_withdrawn_one_is_gone(browser: Any, tmp_path: Path) -> None:
    content = write_site(tmp_path / "content", BUNDLE_FILES)
    for rel, (title, date) in BUNDLE_NOTES.items():
        (content / rel).parent.mkdir(parents=True, exist_ok=True)
        (content / rel).write_text(bundle_note(title, date), encoding="utf-8")
    root = tmp_path / "public"
    with serving(root, prefix="/wol/") as server:
        base = f"http://127.0.0.1:{server.server_address[1]}/wol/"
        build(content, root, "--base-url", base)
        listed = json.loads((root / "pagefind/bundles.json").read_text())["bundles"]
        assert [bundle["key"] for bundle in listed] == ["2026-11-3", "2025-07", "2024-03"]
        page = browser.new_page()
        try:
            page.goto(base + "search/", wait_until="load")
            assert bundle_results(page) == ["A middle note", "A new note", "An old note"]

            (content / "notes/2025-07-09-middle.md").write_text(
                bundle_note("A middle note", "2025-07-09", "draft"), encoding="utf-8")
            untouched = (root / "pagefind/2024-03/pagefind-entry.json").stat().st_ino
            build(content, root, "--base-url", base)  # in place, as a rebuild does
            assert (root / "pagefind/2024-03/pagefind-entry.json").stat().st_ino == untouched
            page.goto(base + "search/", wait_until="load")
            assert bundle_results(page) == ["A new note", "An old note"]
        finally:
            page.close()


def test_search_results_are_announced_in_the_site_language(open_page: Any, welsh: Site) -> None:
    page = open_page(welsh, "search/", DESKTOP, "light")
    box = page.get_by_role("textbox", name="Chwilio nodiadau, dolenni a thudalennau")
    box.press_sequentially(SEARCH_WORD, delay=10)
    message = page.locator(".pagefind-ui__message")
    # "Yn chwilio am ..." first, then the count; an English message never matches.
    message.filter(has_text=re.compile(r"canlyniad ar gyfer")).wait_for(timeout=10000)
    assert message.inner_text() == f"1 canlyniad ar gyfer {SEARCH_WORD}"
    assert page.locator("html").get_attribute("lang") == "cy"
    violations = axe_violations(page)
    assert not violations, "axe on Welsh search results:\n  " + "\n  ".join(violations)


def test_serve_reloads_the_pages_an_edit_changed_and_leaves_the_others(browser: Any, tmp_path: Path) -> None:
    """`weeknotes serve` shows the saved note's page first, then the rest; a tab showing a page
    the edit did not change keeps its state (no reload), tabs showing changed pages reload."""
    from tests.test_serve import EXAMPLE_EPOCH, Server, poll

    content = tmp_path / "content"
    shutil.copytree(EXAMPLE_CONTENT, content, ignore=shutil.ignore_patterns(".weeknotes-cache"))
    server = Server(content, epoch=EXAMPLE_EPOCH)
    context = browser.new_context()
    try:
        server.wait_for("", lambda status, text: status == 200, "the first build")
        tabs = {name: context.new_page() for name in ("note", "home", "about")}
        paths = {"note": "notes/winter-comes-back-to-the-reading-room/", "home": "", "about": "about/"}
        for name, tab in tabs.items():
            tab.goto(server.url + paths[name], wait_until="load")
            tab.evaluate("window.untouched = true")  # gone once the tab reloads
        source = content / "notes/zoe/2026-11-20-winter-comes-back-to-the-reading-room.md"
        source.write_text(source.read_text(encoding="utf-8").replace(
            "title: Winter comes back to the reading room", "title: Winter returns to the reading room"),
            encoding="utf-8")
        for name in ("note", "home"):  # the note's page, and the home page listing it
            tabs[name].get_by_text("Winter returns to the reading room").first.wait_for(timeout=10000)
            assert tabs[name].evaluate("window.untouched === undefined"), name
        poll(lambda: "rebuilt in" in server.output, what="the rebuild report")
        tabs["about"].wait_for_timeout(500)  # time enough for a reload the last event would cause
        assert tabs["about"].evaluate("window.untouched === true"), "the about page reloaded for nothing"

        # A tab on an address nobody has written yet shows "not found" until the note is saved.
        waiting = context.new_page()
        response = waiting.goto(server.url + "notes/a-brand-new-note/", wait_until="load")
        assert response is not None and response.status == 404
        (content / "notes/zoe/2026-11-20-a-brand-new-note.md").write_text(
            "---\ntitle: A brand new note\ndate: 2026-11-20\nauthor: zoe\n---\n\nJust written.\n",
            encoding="utf-8")
        waiting.get_by_text("Just written.").wait_for(timeout=10000)
    finally:
        context.close()
        server.close()
