"""Whole sites built in Welsh, French and Arabic: no English word of the theme on any page.

The sites' own content is written in their language, so any English word left on a page
can only have come from the theme. Which words are English is read from the English
catalog (its strings, less the words a translation keeps, such as "Atom").
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.html
import pytest
from babel.messages.pofile import read_po

from tests.browser_support import build, write_site

REPO = Path(__file__).resolve().parent.parent
LOCALES = REPO / "themes" / "default" / "locales"
READ_ATTRIBUTES = ("aria-label", "alt", "title", "placeholder", "data-label", "content")

WELSH = {
    "site.yaml": """\
        title: Cylch Ymarfer Agored
        base_url: https://example.org/cylch/
        description: Nodiadau wythnos a dolenni gan bobl sy'n gweithio'n agored.
        language: cy
        timezone: Europe/London
        per_page: 2
        """,
    "authors.yaml": """\
        sian:
          name: Siân Evans
          publish: public
          bio: Llyfrgellydd yng Nghaerdydd.
          url: https://sian.example.net/
        dafydd:
          name: Dafydd Huws
          publish: public
        """,
    "notes/sian/2026-11-16-dechrau.md": """\
        ---
        title: Dechrau'r gwaith
        date: 2026-11-16 09:00
        author: sian
        tags: [dysgu, cymuned]
        updated: 2026-11-18 10:00
        ---
        Wythnos brysur. Darllenais [nodyn Dafydd](../cyfarfod/).
        """,
    "notes/dafydd/2026-11-17-cyfarfod.md": """\
        ---
        title: Cyfarfod cyntaf
        date: 2026-11-17 12:00
        author: dafydd
        tags: [cymuned]
        ---
        Cyfarfod da gyda'r tîm.
        """,
    "notes/sian/2026-11-10-ddoe.md": """\
        ---
        title: Wythnos arall
        date: 2026-11-10
        authors: [sian, dafydd]
        tags: [dysgu]
        ---
        Gwaith ar y cyd.
        """,
    "links/2026-11-16-erthygl.md": """\
        ---
        url: https://example.org/erthygl
        title: Erthygl am ddysgu
        date: 2026-11-16
        author: sian
        via: dafydd
        tags: [dysgu]
        ---
        Darllen gwerth chweil.
        """,
    "links/2026-11-17-erthygl-eto.md": """\
        ---
        url: https://www.example.org/erthygl/
        date: 2026-11-17
        author: dafydd
        via: https://cylchlythyr.example.net/
        ---
        Cytuno'n llwyr.
        """,
    "digests/2026-W47.md": """\
        ---
        title: Wythnos o gyfarfodydd
        editors: [sian]
        ---
        Croeso i grynodeb yr wythnos.
        """,
    "pages/amdanom.md": """\
        ---
        title: Amdanom ni
        ---
        Cylch o bobl sy'n rhannu.
        """,
}

FRENCH = {
    "site.yaml": WELSH["site.yaml"].replace("Cylch Ymarfer Agored", "Cercle de pratique ouverte")
    .replace("language: cy", "language: fr")
    .replace("Nodiadau wythnos a dolenni gan bobl sy'n gweithio'n agored.", "Notes et liens de personnes qui partagent."),
    "authors.yaml": WELSH["authors.yaml"].replace("Llyfrgellydd yng Nghaerdydd.", "Bibliothécaire à Lyon."),
    **{path: text for path, text in WELSH.items() if path not in ("site.yaml", "authors.yaml")},
}
FRENCH.update({
    "notes/sian/2026-11-16-dechrau.md": WELSH["notes/sian/2026-11-16-dechrau.md"]
    .replace("Dechrau'r gwaith", "Premiers pas").replace("Wythnos brysur. Darllenais", "Semaine chargée. J'ai lu la")
    .replace("nodyn Dafydd", "note de Dafydd").replace("dysgu", "apprendre").replace("cymuned", "communauté"),
    "notes/dafydd/2026-11-17-cyfarfod.md": WELSH["notes/dafydd/2026-11-17-cyfarfod.md"]
    .replace("Cyfarfod cyntaf", "Première réunion").replace("Cyfarfod da gyda'r tîm.", "Bonne réunion d'équipe.")
    .replace("cymuned", "communauté"),
    "digests/2026-W47.md": "---\ntitle: Une semaine de réunions\neditors: [sian]\n---\nBienvenue.\n",
    "pages/amdanom.md": "---\ntitle: À propos\n---\nUn cercle de personnes.\n",
})


# Right to left, in Arabic: the same site, its own words in Arabic.
ARABIC = {
    "site.yaml": WELSH["site.yaml"].replace("Cylch Ymarfer Agored", "حلقة الممارسة المفتوحة")
    .replace("language: cy", "language: ar")
    .replace("Nodiadau wythnos a dolenni gan bobl sy'n gweithio'n agored.", "مذكرات وروابط من أناس يعملون في العلن."),
    "authors.yaml": WELSH["authors.yaml"].replace("Llyfrgellydd yng Nghaerdydd.", "أمينة مكتبة في القاهرة."),
    **{path: text for path, text in WELSH.items() if path not in ("site.yaml", "authors.yaml")},
}
ARABIC.update({
    "notes/sian/2026-11-16-dechrau.md": WELSH["notes/sian/2026-11-16-dechrau.md"]
    .replace("Dechrau'r gwaith", "بداية العمل").replace("Wythnos brysur. Darllenais", "أسبوع مزدحم. قرأت")
    .replace("nodyn Dafydd", "مذكرة داود").replace("dysgu", "تعلم").replace("cymuned", "مجتمع"),
    "notes/dafydd/2026-11-17-cyfarfod.md": WELSH["notes/dafydd/2026-11-17-cyfarfod.md"]
    .replace("Cyfarfod cyntaf", "الاجتماع الأول").replace("Cyfarfod da gyda'r tîm.", "اجتماع جيد مع الفريق.")
    .replace("cymuned", "مجتمع"),
    "notes/sian/2026-11-10-ddoe.md": WELSH["notes/sian/2026-11-10-ddoe.md"]
    .replace("Wythnos arall", "أسبوع آخر").replace("Gwaith ar y cyd.", "عمل مشترك.").replace("dysgu", "تعلم"),
    "links/2026-11-16-erthygl.md": WELSH["links/2026-11-16-erthygl.md"]
    .replace("Erthygl am ddysgu", "مقالة عن التعلم").replace("Darllen gwerth chweil.", "قراءة تستحق.")
    .replace("dysgu", "تعلم"),
    "links/2026-11-17-erthygl-eto.md": WELSH["links/2026-11-17-erthygl-eto.md"].replace("Cytuno'n llwyr.", "أوافق تمامًا."),
    "digests/2026-W47.md": "---\ntitle: أسبوع من الاجتماعات\neditors: [sian]\n---\nنرحب بكم.\n",
    "pages/amdanom.md": "---\ntitle: من نحن\n---\nحلقة من أناس يتشاركون.\n",
})


def english_words(code: str) -> set[str]:
    """Words of the English catalog that the `code` translation never uses itself."""
    def words(path: Path, strings: bool) -> set[str]:
        with path.open("rb") as handle:
            catalog = read_po(handle)
        texts: list[str] = []
        for message in catalog:
            if not message.id:
                continue
            value = message.string if strings else message.id
            texts += [str(v) for v in value] if isinstance(value, (tuple, list)) else [str(value)]
        plain = re.sub(r"%\(\w+\)s", " ", " ".join(texts))
        return set(re.findall(r"[A-Za-z]{3,}", plain))

    own = words(LOCALES / code / "LC_MESSAGES" / "messages.po", strings=True)
    return words(LOCALES / "en" / "LC_MESSAGES" / "messages.po", strings=False) - own


def shown_text(page: lxml.html.HtmlElement) -> str:
    """What a reader sees or hears: text (scripts and styles aside) and read attributes."""
    for element in page.xpath("//script|//style"):
        element.drop_tree()
    attributes = [value for name in READ_ATTRIBUTES for value in page.xpath(f"//@{name}")]
    return " ".join([page.text_content(), *attributes])


@pytest.fixture(scope="module", params=[("cy", WELSH), ("fr", FRENCH), ("ar", ARABIC)], ids=["cy", "fr", "ar"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Path]]:
    code, files = request.param
    base = tmp_path_factory.mktemp(f"site-{code}")
    content = write_site(base / "content", files)
    outputs = {"public": base / "public", "internal": base / "internal"}
    build(content, outputs["public"])
    build(content, outputs["internal"], "--audience", "internal", "--drafts")
    return code, outputs


def pages(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.html") if "pagefind" not in p.relative_to(root).parts)


def test_no_page_carries_an_english_word_of_the_theme(built: tuple[str, dict[str, Path]]) -> None:
    code, outputs = built
    english = english_words(code)
    assert {"Weekly", "digests", "Older", "Mentioned"} <= english  # the check has words to look for
    pattern = re.compile(r"\b(" + "|".join(sorted(english)) + r")\b")
    found = {}
    for root in outputs.values():
        checked = pages(root)
        assert len(checked) > 20
        for path in checked:
            words = sorted(set(pattern.findall(shown_text(lxml.html.fromstring(path.read_bytes())))))
            if words:
                found[path.relative_to(root).as_posix()] = words
    assert not found, f"English theme words on {code} pages: {found}"


def test_every_page_says_its_language(built: tuple[str, dict[str, Path]]) -> None:
    code, outputs = built
    assert outputs
    for root in outputs.values():
        assert list(pages(root)), root
        for path in pages(root):
            html = lxml.html.fromstring(path.read_bytes())
            assert html.get("lang") == code, path
            assert html.get("dir") == ("rtl" if code == "ar" else None), path


WORDS = {
    "cy": {"month": "Tachwedd", "week": "Wythnos 46, 2026", "counts": ["2 nodyn wythnos, 1 ddolen", "1 nodyn wythnos, dim dolenni"],
           "curated": "Curadwyd gan 2 berson", "banner": "Mewnol:"},
    "fr": {"month": "novembre", "week": "Semaine 46, 2026", "counts": ["2 notes de la semaine, 1 lien", "1 note de la semaine, 0 lien"],
           "curated": "Partagé par 2 personnes", "banner": "Interne"},
    "ar": {"month": "نوفمبر", "week": "الأسبوع 46، 2026", "counts": ["مذكرتان أسبوعيتان، رابط واحد", "مذكرة أسبوعية واحدة، لا روابط"],
           "curated": "اختاره شخصان", "banner": "داخلي:"},
}


def test_dates_weeks_and_counts_are_in_the_language(built: tuple[str, dict[str, Path]]) -> None:
    code, outputs = built
    words = WORDS[code]
    public = outputs["public"]
    week = lxml.html.fromstring((public / "weeks/2026-W47/index.html").read_bytes())
    assert words["month"] in week.cssselect(".digest .meta")[0].text_content()
    archive = lxml.html.fromstring((public / "weeks/index.html").read_bytes()).text_content()
    assert words["week"] in archive
    listed = " ".join(archive.split())
    assert all(count in listed for count in words["counts"]), listed
    assert words["curated"] in week.text_content()
    internal = lxml.html.fromstring((outputs["internal"] / "index.html").read_bytes())
    assert words["banner"] in internal.cssselect(".banner")[0].text_content()


def test_the_search_box_speaks_the_language_too(built: tuple[str, dict[str, Path]]) -> None:
    """Pagefind's own words (it has no Welsh) come from the catalogs, through its `translations`."""
    code, outputs = built
    page = lxml.html.fromstring((outputs["public"] / "search/index.html").read_bytes())
    words = json.loads(page.get_element_by_id("search-words").text)
    expected = {"cy": "Dim canlyniadau ar gyfer [SEARCH_TERM]", "fr": "Aucun résultat pour [SEARCH_TERM]",
                "ar": "لا توجد نتائج لـ [SEARCH_TERM]"}[code]
    assert words["zero_results"] == expected
    assert "translations: JSON.parse(document.getElementById(\"search-words\").textContent)" in (
        outputs["public"] / "search/index.html").read_text()
