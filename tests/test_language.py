"""The site's language: catalogs chosen by `language:`, merged per string, dates by CLDR, `lang:` on posts."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import feedparser
import lxml.etree

from tests.conftest import SITE_YAML, Run, SiteDir, link, note
from weeknotes.base.errors import Problems
from weeknotes.base.language import Language, is_rtl, normalize_tag, tag_problem
from weeknotes.render.catalogs import load_language

THEME = Path(__file__).resolve().parent.parent / "themes" / "default"
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def with_language(site: SiteDir, language: str) -> None:
    # Not the placeholder example.org, which builds warn about: these tests count warnings.
    site.write("site.yaml", SITE_YAML.replace("example.org", "circle.openpractice.net") + f"language: {language}\n")


def builtin(tag: str, problems: Problems | None = None) -> Language:
    return load_language(tag, [THEME], THEME, problems or Problems())


def test_welsh_counts_take_all_six_plural_forms() -> None:
    welsh = builtin("cy")
    links = [welsh.ngettext("%(num)s link", "%(num)s links", n) for n in (0, 1, 2, 3, 6, 11)]
    # zero, one, two (soft mutation: dwy ddolen), few, many, other.
    assert links == ["dim dolenni", "1 ddolen", "2 ddolen", "3 dolen", "6 dolen", "11 dolen"]
    people = [welsh.ngettext("Curated by %(num)s person", "Curated by %(num)s people", n) for n in (1, 2, 3, 6, 11)]
    assert people == ["Curadwyd gan 1 person", "Curadwyd gan 2 berson", "Curadwyd gan 3 pherson",
                      "Curadwyd gan 6 pherson", "Curadwyd gan 11 person"]


def test_other_languages_count_their_own_way() -> None:
    assert builtin("fr").ngettext("%(num)s link", "%(num)s links", 0) == "0 lien"  # French: 0 is singular
    assert builtin("en").ngettext("%(num)s link", "%(num)s links", 0) == "0 links"
    assert builtin("de").ngettext("%(num)s link", "%(num)s links", 1234) == "1.234 Links"


def test_a_region_tag_uses_its_base_language_catalog() -> None:
    problems = Problems()
    assert builtin("es-419", problems).gettext("Latest") == "Lo último"
    assert builtin("fr-CA", problems).gettext("Latest") == "Derniers articles"
    assert builtin("en-GB", problems).gettext("Latest") == "Latest"
    assert not problems.warnings


def test_dates_and_week_labels_are_in_the_site_language(site: SiteDir, build: Callable[..., Run]) -> None:
    with_language(site, "cy")
    site.write("notes/ana/2026-11-18-nodyn.md", note("Nodyn", date="2026-11-18"))
    build()
    page = site.html("notes/nodyn/")
    assert page.cssselect("time.dt-published")[0].text_content() == "18 Tachwedd 2026"
    week = site.html("weeks/2026-W47/")
    assert week.cssselect("h1")[0].text_content() == "Wythnos 47, 2026"
    feed = feedparser.parse((site.output / "weeks/feed.xml").read_bytes())
    assert [e.title for e in feed.entries] == ["Wythnos 47, 2026"]


def test_feeds_carry_the_site_language(site: SiteDir, build: Callable[..., Run]) -> None:
    with_language(site, "fr")
    site.write("notes/ana/2026-11-16-une-note.md", note("Une note"))
    build()
    atom = lxml.etree.parse(str(site.output / "feed.xml")).getroot()
    assert atom.get(XML_LANG) == "fr"
    rss = lxml.etree.parse(str(site.output / "rss.xml")).getroot()
    assert rss.findtext("channel/language") == "fr"
    assert json.loads((site.output / "feed.json").read_text())["language"] == "fr"


def test_a_welsh_note_on_an_english_site_says_so_in_its_page_and_feeds(site: SiteDir, build: Callable[..., Run]) -> None:
    site.write("notes/ana/2026-11-16-wythnos.md", note("Fy wythnos", lang="cy", body="Wythnos dda."))
    site.write("links/2026-11-17-english.md", link("https://example.org/a", title="In English"))
    build()
    atom = lxml.etree.parse(str(site.output / "feed.xml")).getroot()
    langs = {e.findtext(f"{ATOM}title"): e.get(XML_LANG) for e in atom.iter(f"{ATOM}entry")}
    assert langs == {"Fy wythnos": "cy", "In English": None}
    assert atom.get(XML_LANG) == "en"
    rss = lxml.etree.parse(str(site.output / "rss.xml")).getroot()
    dc = "{http://purl.org/dc/elements/1.1/}language"
    assert {i.findtext("title"): i.findtext(dc) for i in rss.iter("item")} == {"Fy wythnos": "cy", "In English": None}
    items = json.loads((site.output / "feed.json").read_text())["items"]
    assert {i["title"]: i.get("language") for i in items} == {"Fy wythnos": "cy", "In English": None}


def test_a_bad_lang_is_an_error_at_its_line_with_a_hint(site: SiteDir, build: Callable[..., Run]) -> None:
    site.write("notes/ana/2026-11-16-a.md", note("A", lang="Welsh"))
    site.write("notes/ana/2026-11-16-b.md", note("B", lang="zz-GB"))
    site.write("notes/ana/2026-11-16-c.md", note("C", lang="pt_BR"))
    result = build(ok=False)
    assert result.code == 1
    assert re.search(r"2026-11-16-a\.md:5: error: `lang` must be a language tag: 'welsh' in 'Welsh' is not a known "
                     r"language code", result.err), result.err
    assert "hint: did you mean `cy` (Welsh)?" in result.err
    assert re.search(r"2026-11-16-b\.md:5: error: `lang` must be a language tag: 'zz' in 'zz-GB' is not a known",
                     result.err), result.err
    assert re.search(r"2026-11-16-c\.md:5: error: `lang` must be a language tag: 'pt_BR'", result.err), result.err
    assert "    lang: Welsh" in result.err
    assert "Traceback" not in result.err


def test_a_bad_site_language_is_an_error_too(site: SiteDir, build: Callable[..., Run]) -> None:
    with_language(site, "cymraeg")
    result = build(ok=False)
    assert result.code == 1
    assert re.search(r"site\.yaml:5: error: `language` must be a language tag", result.err), result.err


def test_tags_are_written_in_their_usual_case() -> None:
    assert normalize_tag("en-gb") == "en-GB"
    assert normalize_tag("ZH-hant-tw") == "zh-Hant-TW"
    assert normalize_tag("es-419") == "es-419"
    assert normalize_tag("en_GB") is None
    assert tag_problem("sr-Latn-RS") is None
    assert tag_problem("x-klingon") is None


def test_right_to_left_is_decided_by_script_then_language() -> None:
    assert is_rtl("ar") and is_rtl("he-IL") and is_rtl("fa") and is_rtl("az-Arab")
    assert not is_rtl("cy") and not is_rtl("ar-Latn") and not is_rtl("en-GB")


def test_a_language_without_a_catalog_warns_once_and_stays_english(site: SiteDir, build: Callable[..., Run]) -> None:
    with_language(site, "ja")
    site.write("notes/ana/2026-11-16-a.md", note("A"))
    result = build()
    warnings = [line for line in result.err.splitlines() if ": warning: " in line]
    assert len(warnings) == 1, result.err
    assert re.search(r"site\.yaml:5: warning: the theme has no translation for language 'ja'", warnings[0])
    assert "built-in translations: ar, cy, de, en, es, fr" in result.err
    week = site.html("weeks/2026-W47/")
    assert week.cssselect("h1")[0].text_content() == "Week 47, 2026"
    assert week.cssselect("html")[0].get("lang") == "ja"
    assert week.cssselect("time")[0].text_content() == "2026年11月16日"  # CLDR dates, whatever the catalogs


def test_a_site_overrides_one_string_and_keeps_the_rest(site: SiteDir, build: Callable[..., Run]) -> None:
    with_language(site, "cy")
    override = site.root / "themes/default/locales/cy/LC_MESSAGES/messages.po"
    override.parent.mkdir(parents=True)
    override.write_text('msgid "Week %(week)s, %(year)s"\nmsgstr "Ein wythnos %(week)s (%(year)s)"\n', encoding="utf-8")
    site.write("notes/ana/2026-11-16-a.md", note("A"))
    site.write("notes/ana/2026-11-09-b.md", note("B", date="2026-11-09"))
    build()
    week = site.html("weeks/2026-W47/")
    assert week.cssselect("h1")[0].text_content() == "Ein wythnos 47 (2026)"
    assert "Fersiwn e-bost" in week.text_content()  # the built-in Welsh for every other string
    # An edit to the override reaches every page on the next build.
    override.write_text('msgid "Week %(week)s, %(year)s"\nmsgstr "Wythnos rhif %(week)s"\n', encoding="utf-8")
    build()
    assert site.html("weeks/2026-W47/").cssselect("h1")[0].text_content() == "Wythnos rhif 47"
    assert site.html("weeks/").cssselect(".weeks a")[0].text_content() == "Wythnos rhif 47"


def test_a_site_adds_a_language_of_its_own_with_a_region(site: SiteDir, build: Callable[..., Run]) -> None:
    """A catalog for `pt` serves `pt-BR`; strings it leaves out fall back to English."""
    with_language(site, "pt-BR")
    catalog = site.root / "themes/default/locales/pt/LC_MESSAGES/messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text('msgid ""\nmsgstr "Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
                       'msgid "Week %(week)s, %(year)s"\nmsgstr "Semana %(week)s de %(year)s"\n', encoding="utf-8")
    site.write("notes/ana/2026-11-16-a.md", note("A"))
    result = build()
    assert "warning" not in result.err
    week = site.html("weeks/2026-W47/")
    assert week.cssselect("h1")[0].text_content() == "Semana 47 de 2026"
    assert "Email version" in week.text_content()  # not in the site's catalog: English
    assert week.cssselect("time")[0].text_content() == "16 de novembro de 2026"


def test_a_broken_catalog_is_an_error_at_its_line(site: SiteDir, build: Callable[..., Run]) -> None:
    with_language(site, "cy")
    catalog = site.root / "themes/default/locales/cy/LC_MESSAGES/messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text('msgid "Latest"\nmsgstr "Diweddaraf"\n\nmsgid "Search"\nmstr "Chwilio"\n', encoding="utf-8")
    site.write("notes/ana/2026-11-16-a.md", note("A"))
    result = build(ok=False)
    assert result.code == 1
    assert re.search(r"themes/default/locales/cy/LC_MESSAGES/messages\.po:5: error: cannot read this translation "
                     r"catalog", result.err), result.err
    assert "Traceback" not in result.err
    assert not site.output.exists()


def test_a_welsh_note_on_an_english_site_is_marked_where_it_is_shown(site, build) -> None:  # type: ignore[no-untyped-def]
    site.write("notes/ana/2026-11-16-wythnos.md", note("Fy wythnos", lang="cy", body="Wythnos dda."))
    site.write("notes/ben/2026-11-17-week.md", note("My week", author="ben", body="See [Ana](../wythnos/)."))
    build()
    page = site.html("notes/wythnos/")
    assert page.get("lang") == "en"
    [article] = page.cssselect("article.h-entry")
    assert (article.get("lang"), article.get("dir")) == ("cy", None)
    home = site.html("")
    assert {a.cssselect(".p-name")[0].text_content(): a.get("lang") for a in home.cssselect("article.entry")} == {
        "Fy wythnos": "cy", "My week": None}
    digest = site.html("weeks/2026-W47/")
    assert {a.cssselect(".p-name")[0].text_content(): a.get("lang") for a in digest.cssselect(".digest-notes article")} == {
        "Fy wythnos": "cy", "My week": None}
    mentioned = site.html("notes/week/")  # not mentioned anywhere: no aside
    assert not mentioned.cssselect(".backlinks")
    assert site.html("notes/wythnos/").cssselect(".backlinks a")[0].get("lang") is None  # "My week" is English


def test_right_to_left_languages_set_dir(site, build) -> None:  # type: ignore[no-untyped-def]
    site.write("notes/ana/2026-11-16-shalom.md", note("Shalom", lang="he"))
    site.write("notes/ana/2026-11-17-hello.md", note("Hello"))
    build()
    [article] = site.html("notes/shalom/").cssselect("article.h-entry")
    assert (article.get("lang"), article.get("dir")) == ("he", "rtl")
    assert site.html("notes/shalom/").get("dir") is None
    with_language(site, "ar")
    build()
    for rel in ("", "notes/hello/", "weeks/2026-W47/"):
        assert site.html(rel).get("dir") == "rtl", rel
    email = lxml.html.fromstring((site.output / "weeks/2026-W47/email.html").read_bytes())
    assert (email.get("lang"), email.get("dir")) == ("ar", "rtl")
