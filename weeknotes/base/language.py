"""Language tags and the site's language as pages and feeds use it.

A `Language` is one value made per build (catalogs.py reads the theme's catalogs into it):
the theme's words (gettext), dates and numbers (Babel, CLDR data) and the writing
direction. Tags are BCP 47 (RFC 5646) as people write them, `cy`, `en-GB`, `es-419`;
gettext folders and Babel use `es_419`.
"""

from __future__ import annotations

import functools
import gettext
import re
from datetime import date, datetime

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_decimal

DEFAULT = "en"

# RFC 5646 language tags, well-formed: language (with up to three extended subtags),
# script, region, variants, extensions, private use; or private use alone.
TAG_RE = re.compile(
    r"(?P<language>[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})"
    r"(?:-(?P<script>[A-Za-z]{4}))?"
    r"(?:-(?P<region>[A-Za-z]{2}|\d{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|\d[A-Za-z0-9]{3}))*"
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"
    r"(?:-[Xx](?:-[A-Za-z0-9]{1,8})+)?"
    r"|[Xx](?:-[A-Za-z0-9]{1,8})+"
)
# Scripts written right to left (ISO 15924), for tags that name their script.
RTL_SCRIPTS = frozenset({"Adlm", "Arab", "Hebr", "Mand", "Mend", "Nkoo", "Rohg", "Samr", "Syrc", "Thaa", "Yezi"})


def normalize_tag(text: str) -> str | None:
    """The tag in its usual case (`en-gb` -> `en-GB`), or None when it is not one."""
    match = TAG_RE.fullmatch(text.strip())
    if match is None:
        return None
    parts = text.strip().split("-")
    if match.group("language") is None:  # private use only
        return text.strip().lower()
    result = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha() and len(result) == 1 + match.group("language").count("-"):
            result.append(part.title())  # a script subtag follows the language (and extlangs)
        elif len(part) == 2 and part.isalpha():
            result.append(part.upper())  # a region
        else:
            result.append(part.lower())
    return "-".join(result)


@functools.cache
def language_names() -> dict[str, str]:
    """Known primary language subtags (CLDR) and their English names."""
    return {code: name for code, name in Locale("en").languages.items() if "_" not in code}


def tag_problem(text: str) -> tuple[str, str] | None:
    """What is wrong with a language tag, and a hint; None when it is a usable tag."""
    example = "like cy, en-GB or es-419 (BCP 47)"
    tag = normalize_tag(text)
    if tag is None:
        return (f"{text!r} is not a language tag {example}", name_hint(text))
    primary = tag.split("-")[0]
    if primary != "x" and primary not in language_names():
        return (f"{primary!r} in {text!r} is not a known language code; write a language tag {example}",
                name_hint(text))
    return None


def name_hint(text: str) -> str:
    """`welsh` -> did you mean `cy` (Welsh)?"""
    wanted = text.strip().casefold()
    for code, name in language_names().items():
        if name.casefold() == wanted:
            return f"did you mean `{code}` ({name})?"
    return "the code is the one in the language's Wikipedia address: cy for Welsh, fr for French"


def gettext_codes(tag: str) -> list[str]:
    """Catalog folder names to try, most specific first: `es-419` -> es_419, es."""
    parts = tag.split("-")
    return ["_".join(parts[:n]) for n in range(len(parts), 0, -1)]


@functools.cache
def babel_locale(tag: str) -> Locale:
    """The most specific CLDR locale for a tag (`cy-GB` -> cy_GB, `en-Latn-XX` -> en), else English."""
    for code in gettext_codes(tag):
        try:
            return Locale.parse(code)
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse(DEFAULT)


@functools.cache
def is_rtl(tag: str) -> bool:
    """Whether text in this language is written right to left (a script subtag decides first)."""
    scripts = [part for part in tag.split("-")[1:] if len(part) == 4 and part.isalpha()]
    if scripts:
        return scripts[0].title() in RTL_SCRIPTS
    locale = babel_locale(tag)
    return locale.language == tag.split("-")[0] and locale.character_order == "right-to-left"


class Language:
    """The site's language: its words, dates and numbers, and its direction.

    Equal languages have equal reprs (the tag and a digest of the catalogs that made it),
    which fingerprints rely on.
    """

    __slots__ = ("digest", "locale", "tag", "translations")

    def __init__(self, tag: str, translations: gettext.NullTranslations | None = None, digest: str = "") -> None:
        self.tag = tag
        """As written in site.yaml, e.g. `cy` or `en-GB`."""
        self.locale = babel_locale(tag)
        self.translations = translations or gettext.NullTranslations()
        self.digest = digest
        """Of the catalogs the translations were made from."""

    def __repr__(self) -> str:
        return f"Language({self.tag!r}, {self.digest!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Language) and repr(self) == repr(other)

    def __hash__(self) -> int:
        return hash(repr(self))

    @property
    def rtl(self) -> bool:
        return is_rtl(self.tag)

    def gettext(self, message: str, **values: object) -> str:
        """The translation of `message`, with `%(name)s` placeholders filled from `values`."""
        text = self.translations.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, count: int, **values: object) -> str:
        """The form for `count` (`%(num)s` is the count written the language's way)."""
        return self.translations.ngettext(singular, plural, count) % {"num": self.number(count), **values}

    def date(self, value: date | datetime) -> str:
        """`20 Tachwedd 2026`: the day a moment falls on where it was written, in CLDR's long form."""
        day = value.date() if isinstance(value, datetime) else value
        return format_date(day, "long", locale=self.locale)

    def number(self, value: int) -> str:
        return format_decimal(value, locale=self.locale)

    def week_label(self, week: int, year: int) -> str:
        """`Wythnos 47, 2026`; the year is not grouped like a number (never `2,026`)."""
        return self.gettext("Week %(week)s, %(year)s", week=self.number(week), year=str(year))


ENGLISH = Language(DEFAULT)
"""The language without catalogs: the theme's own (English) words."""
