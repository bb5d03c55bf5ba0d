"""Right to left, proven with a real language (issue 26): an Arabic site speaks Arabic, runs
right to left, gives a post in another language its own `lang` and `dir`, isolates names, dates
and addresses, and is laid out by a stylesheet that names no physical side.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import lxml.html
import pytest

from tests.conftest import Run, SiteDir, link, note

REPO = Path(__file__).resolve().parent.parent
STYLESHEET = REPO / "themes" / "default" / "static" / "assets" / "style.css"


@pytest.fixture
def arabic(site: SiteDir) -> SiteDir:
    """An Arabic site with an Arabic note, an English one (`lang: en`) and a link."""
    site.write("site.yaml", (site.content / "site.yaml").read_text() + "language: ar\n")
    site.write("notes/ana/2026-11-16-arabic.md", note("ملاحظات الأسبوع", body="أسبوع هادئ."))
    site.write("notes/ben/2026-11-17-english.md", note("An English week", author="ben", lang="en",
                                                       body="A quiet week, written in English."))
    site.write("links/2026-11-18-l.md", link("https://example.net/a?utm_source=x", title="مقالة", date="2026-11-18"))
    return site


def test_an_arabic_site_speaks_arabic_right_to_left(arabic: SiteDir, build: Callable[..., Run]) -> None:
    build()
    home = arabic.html("")
    assert (home.get("lang"), home.get("dir")) == ("ar", "rtl")
    nav = [a.text_content() for a in home.cssselect(".site-nav a")]
    assert nav[:3] == ["آخر المنشورات", "المذكرات الأسبوعية", "الروابط"]
    week = arabic.html("weeks/2026-W47/")
    assert week.cssselect("h1")[0].text_content() == "الأسبوع 47، 2026"
    assert "نوفمبر" in week.cssselect(".digest header .meta")[0].text_content()
    assert [h.text_content() for h in week.cssselect(".digest h2")] == [
        "المذكرات الأسبوعية", "الروابط", "المساهمون هذا الأسبوع"]
    # Mail clients know physical sides better than logical ones: the email puts a curation's
    # bar on the side Arabic starts from.
    email = lxml.html.fromstring((arabic.output / "weeks/2026-W47/email.html").read_bytes())
    style = email.cssselect(".curation")[0].get("style")
    assert "border-right" in style and "border-left" not in style, style
    # The six plural forms: two weeknotes ("two"), one link ("one"), and none in another week.
    site = arabic
    site.write("notes/ana/2026-11-02-older.md", note("أقدم", date="2026-11-02"))
    build()
    counts = [" ".join(span.text_content().split()) for span in site.html("weeks/").cssselect(".weeks .meta")]
    assert "مذكرتان أسبوعيتان، رابط واحد" in counts[0], counts
    assert "مذكرة أسبوعية واحدة، لا روابط" in counts[1], counts


def test_a_post_in_another_language_gets_its_own_lang_and_dir(arabic: SiteDir, build: Callable[..., Run]) -> None:
    build()
    [article] = arabic.html("notes/english/").cssselect("article.h-entry")
    assert (article.get("lang"), article.get("dir")) == ("en", "ltr")
    # The theme's own words inside it stay Arabic, right to left: its kind, its meta line.
    for part in article.cssselect(".kind, .meta, footer"):
        assert (part.get("lang"), part.get("dir")) == ("ar", "rtl"), lxml.html.tostring(part, encoding="unicode")
    [article] = arabic.html("notes/arabic/").cssselect("article.h-entry")
    assert (article.get("lang"), article.get("dir")) == (None, None)  # the page's own language and direction
    entries = {a.cssselect(".p-name")[0].text_content(): (a.get("lang"), a.get("dir"))
               for a in arabic.html("").cssselect("article.entry")}
    assert entries["An English week"] == ("en", "ltr")
    [english] = [a for a in arabic.html("").cssselect("article.entry") if a.get("lang") == "en"]
    assert (english.cssselect(".meta")[0].get("lang"), english.cssselect(".meta")[0].get("dir")) == ("ar", "rtl")
    assert entries["ملاحظات الأسبوع"] == (None, None)
    digest = {a.cssselect(".p-name")[0].text_content(): (a.get("lang"), a.get("dir"))
              for a in arabic.html("weeks/2026-W47/").cssselect(".digest-notes article")}
    assert digest["An English week"] == ("en", "ltr")


def isolated(element: lxml.html.HtmlElement) -> bool:
    """Whether the text of this element is set apart from the text around it: in a <bdi> (or an
    element with a `dir` of its own), or wholly made of <bdi>s."""
    if element.xpath("ancestor-or-self::bdi | ancestor-or-self::*[@dir][not(self::html)]"):
        return True
    inner = "".join(b.text_content() for b in element.cssselect("bdi"))
    return bool(inner) and inner == element.text_content()


def test_names_dates_and_addresses_in_meta_lines_are_isolated(arabic: SiteDir, build: Callable[..., Run]) -> None:
    build()
    checked = 0
    for path in ("", "notes/arabic/", "notes/english/", "links/l/", "weeks/2026-W47/", "authors/ana/", "links/"):
        page = arabic.html(path)
        for meta in page.cssselect(".meta"):
            for element in meta.cssselect("time, .p-name"):
                checked += 1
                assert isolated(element), (path, lxml.html.tostring(meta, encoding="unicode"))
        for element in page.cssselect(".domain bdi, .bookmark a, .via a"):
            checked += 1
            assert isolated(element), (path, lxml.html.tostring(element, encoding="unicode"))
    assert checked > 20


def declarations(css: str) -> list[tuple[str, str]]:
    """(property, value) of every declaration in a stylesheet, comments left out."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    blocks = re.findall(r"\{([^{}]*)\}", css)
    return [(name.strip().lower(), value.strip().lower()) for block in blocks
            for name, _, value in (part.partition(":") for part in block.split(";")) if value]


def physical_sides(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Declarations that name a side by the screen's left or right rather than by the text's flow."""
    return [(name, value) for name, value in found
            if re.search(r"(^|-)(left|right)($|-)", name)
            or (name in ("text-align", "float", "clear", "caption-side") and value in ("left", "right"))]


def test_the_stylesheet_names_no_physical_side() -> None:
    found = declarations(STYLESHEET.read_text(encoding="utf-8"))
    assert len(found) > 100
    assert physical_sides(found) == []
    assert ("border-inline-start", "4px solid var(--rule)") in found  # the quote bar, on the side text starts


def test_the_check_finds_a_physical_side() -> None:
    css = ".a { margin-left: 1rem } /* left */ .b { text-align: right; inset-inline-start: 0 } .c { left: 0 }"
    assert physical_sides(declarations(css)) == [("margin-left", "1rem"), ("text-align", "right"), ("left", "0")]
