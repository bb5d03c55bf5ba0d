"""The shipped catalogs are complete, and every word the default theme shows goes through one.

Strings are found the way translators' tools find them (Babel's extractors over the
templates and the package), and the templates' own text is read with the Jinja syntax
removed, so a new English word written straight into a template fails here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

REPO = Path(__file__).resolve().parent.parent
THEME = REPO / "themes" / "default"
LOCALES = THEME / "locales"
SHIPPED = ("en", "cy", "de", "es", "fr", "ar")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
# Attributes whose values people read or hear (screen readers read aria-label and alt).
READ_ATTRIBUTES = re.compile(r"""\s(?:aria-label|alt|title|placeholder)=["']([^"']*)["']""")
# Names that stay as they are in every language.
PROPER_NAMES = {"RSS"}


def catalog(code: str) -> Catalog:
    with (LOCALES / code / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=code, abort_invalid=True)


def messages(code: str) -> dict[str, Message]:
    return {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog(code) if m.id}


def extracted() -> dict[str, str]:
    """msgid -> the first file that uses it, from the templates and the package's Python."""
    found: dict[str, str] = {}
    sources: list[tuple[Path, Any]] = [(p, babel_extract) for p in sorted((THEME / "templates").glob("*.html"))]
    sources += [(p, "python") for p in sorted((REPO / "weeknotes").rglob("*.py"))]
    for path, method in sources:
        with path.open("rb") as handle:
            options = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}
            for _line, message, _comments, _context in extract(method, handle, KEYWORDS, options=options):
                key = message if isinstance(message, str) else message[0]
                found.setdefault(key, path.relative_to(REPO).as_posix())
    return found


@pytest.mark.parametrize("code", SHIPPED)
def test_every_shipped_catalog_is_complete(code: str) -> None:
    entries = messages(code)
    english = messages("en")
    assert sorted(entries) == sorted(english), "every catalog has exactly the English catalog's strings"
    for key, message in entries.items():
        assert not message.fuzzy, f"{code}: {key!r} is marked fuzzy"
        strings = [str(s) for s in (message.string if isinstance(message.string, (tuple, list)) else (message.string,))]
        assert all(strings), f"{code}: {key!r} is not translated"
        if isinstance(message.id, (tuple, list)):
            expected = catalog(code).num_plurals
            assert len(strings) == expected, f"{code}: {key!r} needs {expected} plural forms"
        wanted = set(PLACEHOLDER.findall(" ".join(message.id) if isinstance(message.id, (tuple, list)) else message.id))
        for string in strings:
            used = set(PLACEHOLDER.findall(string))
            # A plural form may leave the count out ("dim dolenni", no links); nothing else may be dropped.
            assert used <= wanted and (wanted - used) <= {"num"}, f"{code}: {string!r} for {key!r}"
            assert not re.search(r'[<>&"]', string), f"{code}: {string!r}: translations are plain text"
            assert "%" not in PLACEHOLDER.sub("", string), f"{code}: {string!r}: a stray %"


def test_welsh_has_six_plural_forms() -> None:
    assert catalog("cy").num_plurals == 6


def test_arabic_has_the_six_cldr_plural_forms_and_picks_each() -> None:
    """Arabic counts zero, one, two, a few (3-10), many (11-99) and other (100, 101, ...):
    each count gets the form CLDR gives it, through the catalog's own Plural-Forms rule."""
    from babel.core import Locale

    from weeknotes.base.errors import Problems
    from weeknotes.render.catalogs import load_language

    arabic = catalog("ar")
    assert arabic.num_plurals == 6
    rule = Locale.parse("ar").plural_form
    language = load_language("ar", [THEME], THEME, Problems())
    forms = messages("ar")["%(num)s link"].string
    assert isinstance(forms, (tuple, list)) and len(forms) == 6
    for count in (0, 1, 2, 3, 10, 11, 99, 100, 101, 102, 103, 111):
        index = ["zero", "one", "two", "few", "many", "other"].index(rule(count))
        expected = str(forms[index]) % {"num": language.number(count)}
        assert language.ngettext("%(num)s link", "%(num)s links", count) == expected, count


def test_every_string_the_theme_uses_is_in_the_english_catalog_and_no_other() -> None:
    used = extracted()
    known = messages("en")
    missing = {key: where for key, where in used.items() if key not in known}
    assert not missing, f"strings not in {LOCALES / 'en/LC_MESSAGES/messages.po'} (add them, then translate): {missing}"
    unused = sorted(set(known) - set(used))
    assert not unused, f"strings in the catalogs that nothing uses any more: {unused}"


def visible_text(source: str) -> list[str]:
    """What a template shows without going through gettext: its text and read attributes."""
    source = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", "\0", source, flags=re.S)
    source = re.sub(r"<!--.*?-->", "", source, flags=re.S)
    source = re.sub(r"""[\w-]+=["']\0["']""", "\0", source)  # an attribute made by an expression
    # Scripts and styles hold code; a script's words for people come in through tojson(_()).
    source = re.sub(r"<(script|style)\b.*?</\1>", "", source, flags=re.S | re.I)
    shown = READ_ATTRIBUTES.findall(source)
    shown += re.sub(r"<[^>]*>", "\0", source).split("\0")
    return [text.strip() for text in shown if re.search(r"[^\W\d_]", text)]


@pytest.mark.parametrize("template", sorted(p.name for p in (THEME / "templates").glob("*.html")))
def test_no_template_shows_words_outside_the_catalog(template: str) -> None:
    words = [t for t in visible_text((THEME / "templates" / template).read_text(encoding="utf-8"))
             if t not in PROPER_NAMES]
    assert not words, f"{template} shows text that is not translated: wrap it in _() and add it to the catalogs: {words}"


def test_the_check_finds_an_unmarked_word() -> None:
    """The template check itself: plain text and labels are caught, marked text is not."""
    assert visible_text('<p>{{ _("Fine") }} · <a href="{{ url("x") }}">Older</a></p>') == ["Older"]
    assert visible_text('<nav aria-label="Pages">{{ x }}</nav>') == ["Pages"]
    assert visible_text('<nav aria-label="{{ _("Pages") }}"><script>var a = "b";</script></nav>') == []
