"""Find a theme and build its Jinja environment.

`theme: NAME` looks first in `themes/NAME/` beside the content directory, file by file,
then in the built-in theme of that name, so a site overrides one template without copying
all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import jinja2

from weeknotes.base.errors import Problems
from weeknotes.base.language import ENGLISH, Language
from weeknotes.model.values import StaticFile
from weeknotes.render.catalogs import load_language
from weeknotes.source.layout import iter_files
from weeknotes.source.sources import display_path


def builtin_themes_dir() -> Path:
    """Inside the wheel the themes sit in the package; in a source checkout, beside it."""
    package = Path(__file__).parent.parent
    packaged = package / "themes"
    return packaged if packaged.is_dir() else package.parent / "themes"


@dataclass(frozen=True)
class Theme:
    name: str
    folders: tuple[Path, ...]
    """Theme folders, most specific first (the site's own, then the built-in one)."""

    def static_files(self, problems: Problems) -> list[StaticFile]:
        """Static files of every folder; the site's own file wins over the built-in one."""
        found: dict[str, StaticFile] = {}
        for folder in reversed(self.folders):
            root = folder / "static"
            for path in iter_files(root, folder, problems, None):
                rel = path.relative_to(root).as_posix()
                found[rel] = StaticFile(rel, path, display_path(path))
        return [found[rel] for rel in sorted(found)]


def find_theme(name: str, content_dir: Path, problems: Problems) -> Theme | None:
    candidates = [content_dir.resolve().parent / "themes" / name, builtin_themes_dir() / name]
    folders: list[Path] = []
    for folder in candidates:
        if folder.is_dir() and folder.resolve() not in [f.resolve() for f in folders]:
            folders.append(folder)
    if not folders:
        problems.error(display_path(content_dir / "site.yaml"), 0, f"theme {name!r} not found",
                       hint=f"looked in {display_path(candidates[0])} and among the built-in themes (default)")
        return None
    return Theme(name, tuple(folders))


def theme_language(theme: Theme, tag: str, problems: Problems, where: str, line: int = 0) -> Language:
    """The site's language with this theme's catalogs (`locales/`), the site's own folder first."""
    return load_language(tag, theme.folders, builtin_themes_dir() / theme.name, problems, where, line)


def human_date(value: date | datetime, language: Language = ENGLISH) -> str:
    """`20 November 2026` in the site's language, the same whatever the machine's locale."""
    return language.date(value)


def make_environment(theme: Theme, language: Language = ENGLISH, compiled: Path | None = None) -> jinja2.Environment:
    """Templates of the theme, speaking the site's language (`_()`, `ngettext()`, dates, numbers).

    `compiled` is a folder to keep compiled templates in between runs (Jinja's bytecode
    cache: each is used only while its template's source is the same); it must be one
    folder per weeknotes version, since what a template compiles to depends on the
    settings below and on Jinja's version too.
    """
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(folder / "templates") for folder in theme.folders])
    env = jinja2.Environment(
        loader=loader,
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled is not None else None,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(language.translations, newstyle=True)  # type: ignore[attr-defined]
    env.filters["human_date"] = lambda value: human_date(value, language)
    env.filters["number"] = language.number
    env.filters["iso"] = lambda value: value.isoformat()
    return env


def template_problem(exc: jinja2.TemplateError, theme: Theme, problems: Problems) -> None:
    """Report a template error as PATH:LINE with the template file it is in."""
    name = getattr(exc, "filename", None) or getattr(exc, "name", None)
    line = getattr(exc, "lineno", 0) or 0
    if not name:
        tb = exc.__traceback__
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename.endswith((".html", ".xml", ".txt")):
                name, line = filename, tb.tb_lineno
            tb = tb.tb_next
    path = display_path(Path(name)) if name else f"theme {theme.name}"
    problems.error(path, line, f"template error: {exc.message or exc}" if hasattr(exc, "message") else str(exc))
