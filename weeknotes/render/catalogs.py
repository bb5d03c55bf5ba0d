"""Read the theme's gettext catalogs for the site's language into a `Language`.

A catalog is `locales/CODE/LC_MESSAGES/messages.po` in a theme folder (CODE as gettext
writes it: `cy`, `es_419`). Catalogs are merged string by string: the site's own theme
folder before the built-in one, an exact tag (`es_419`) before its base language (`es`).
A string that no catalog of the language translates falls back to English. Catalogs are
compiled here, in memory, on every build: no compiled `.mo` file is ever kept.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import babel
from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.support import Translations

from weeknotes.base.errors import Problems
from weeknotes.base.language import DEFAULT, Language, gettext_codes
from weeknotes.source.sources import display_path

DOMAIN = "messages"


def catalog_path(folder: Path, code: str) -> Path:
    return folder / "locales" / code / "LC_MESSAGES" / f"{DOMAIN}.po"


@dataclass(frozen=True)
class Found:
    path: Path
    catalog: Catalog
    builtin: bool


def load_language(tag: str, folders: Sequence[Path], builtin: Path, problems: Problems,
                  where: str = "site.yaml", line: int = 0) -> Language:
    """The site's language made from every catalog for it in the theme `folders` (most specific first).

    `builtin` is the built-in theme folder (its catalogs decide plural rules); `where` is
    the file and line a missing translation is reported against.
    """
    codes = gettext_codes(tag)
    own = read_all(codes, folders, builtin, problems)
    english = read_all(gettext_codes(DEFAULT), folders, builtin, problems) if codes[-1] != DEFAULT else []
    if not own and codes[-1] != DEFAULT:
        known = ", ".join(sorted(p.parent.parent.name for p in (builtin / "locales").glob(f"*/LC_MESSAGES/{DOMAIN}.po")))
        problems.warn(where, line, f"the theme has no translation for language {tag!r}: its words stay in English",
                      hint=f"built-in translations: {known}; to add one, copy {display_path(catalog_path(builtin, DEFAULT))} "
                           f"to themes/{builtin.name}/{catalog_path(Path(), codes[-1])} beside your content folder and translate it")
    translations = compile_catalogs(codes[0], own)
    if english:
        translations.add_fallback(compile_catalogs(DEFAULT, english))
    digest = hashlib.blake2b(babel.__version__.encode(), digest_size=12)
    for found in own + english:
        digest.update(str(found.path).encode() + b"\0" + found.path.read_bytes() + b"\0")
    return Language(tag, translations, digest.hexdigest())


def read_all(codes: Sequence[str], folders: Sequence[Path], builtin: Path, problems: Problems) -> list[Found]:
    """Every catalog for these codes, most specific first; a broken one is an error at its line."""
    found = []
    for code in codes:
        for folder in folders:
            path = catalog_path(folder, code)
            if path.is_file():
                catalog = read_catalog(path, code, problems)
                if catalog is not None:
                    found.append(Found(path, catalog, folder.resolve() == builtin.resolve()))
    return found


def read_catalog(path: Path, code: str, problems: Problems) -> Catalog | None:
    try:
        with path.open("rb") as handle:
            return read_po(handle, locale=known_locale(code), abort_invalid=True)
    except PoFileError as exc:
        line = getattr(exc, "lineno", -1) + 1  # babel counts from 0
        problems.error(display_path(path), line, f"cannot read this translation catalog: {exc}",
                       hint='each entry is a `msgid "..."` line and a `msgstr "..."` line, in double quotes')
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        problems.error(display_path(path), 0, f"cannot read this translation catalog: {exc}",
                       hint="save it as UTF-8 text in the gettext .po format")
    return None


def compile_catalogs(code: str, found: Sequence[Found]) -> Translations:
    """One gettext object from several catalogs: for each string, the first that translates it."""
    merged = Catalog(locale=known_locale(code), domain=DOMAIN)
    rules = [f for f in found if f.builtin] or list(found)
    if rules:  # plural rules from the built-in catalog: a site's own may leave its header out
        merged.mime_headers = [("Plural-Forms", rules[0].catalog.plural_forms)]
    for each in found:
        for message in each.catalog:
            if message.id and not message.fuzzy and translated(message.string) and message.id not in merged:
                merged[message.id] = message
    buffer = io.BytesIO()
    write_mo(buffer, merged)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def known_locale(code: str) -> str | None:
    """The code if CLDR knows it (it then gives default plural rules), else None."""
    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return None
    return code


def translated(string: object) -> bool:
    if isinstance(string, (tuple, list)):
        return all(string)
    return bool(string)
