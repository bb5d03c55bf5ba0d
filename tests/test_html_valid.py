"""Every page the default theme makes is valid HTML, by the Nu Html Checker (vnu, the W3C's).

The example site and two small hostile sites are built once, then checked in one JVM
invocation (vnu is slow to start); each site's errors are then reported by its own test,
with file and line.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser_support import (
    EXAMPLE_CONTENT,
    HOSTILE_FILES,
    HOSTILE_URL_FILES,
    VNU_JAR,
    build,
    html_pages,
    require_java,
    write_site,
)


@dataclass(frozen=True)
class Message:
    site: str
    file: str
    line: int | None
    column: int | None
    type: str
    sub_type: str | None
    text: str
    extract: str

    @property
    def is_error(self) -> bool:
        # "non-document-error" is vnu failing to read or parse a file: as bad as an error.
        return self.type in ("error", "non-document-error") or self.sub_type == "fatal"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" + (f":{self.column}" if self.column else "")
        extract = " ".join(self.extract.split())
        return f"{where}: {self.type}: {self.text}" + (f"\n      near: {extract}" if extract else "")


@dataclass(frozen=True)
class Checked:
    roots: dict[str, Path]
    files: dict[str, list[Path]]
    messages: list[Message]

    def errors(self, site: str) -> list[Message]:
        return [m for m in self.messages if m.site == site and m.is_error]

    def warnings(self, site: str) -> list[Message]:
        return [m for m in self.messages if m.site == site and not m.is_error]


def checkable(root: Path) -> list[Path]:
    """HTML pages plus the theme's CSS and the site's SVGs, leaving out Pagefind's own files."""
    others = [p for pattern in ("*.css", "*.svg") for p in root.rglob(pattern)
              if "pagefind" not in p.relative_to(root).parts]
    return html_pages(root) + sorted(others)


# The example site in every shipped language, Arabic (right to left) among them.
LANGUAGES = ("cy", "de", "es", "fr", "ar")


def one_page_per_template(root: Path) -> list[Path]:
    """A page made by each template (every translated string is in one), to keep vnu's run short."""
    wanted = ["index.html", "page/2/index.html", "404.html", "search/index.html", "authors/index.html",
              "tags/index.html", "weeks/index.html", "about/index.html"]
    pages = [root / rel for rel in wanted]
    for pattern in ("authors/*/index.html", "tags/*/index.html", "weeks/*/index.html", "weeks/*/email.html",
                    "notes/*/index.html", "links/*/index.html"):
        pages.append(sorted(root.glob(pattern))[-1])
    return [p for p in pages if p.is_file()]


@pytest.fixture(scope="session")
def vnu(tmp_path_factory: pytest.TempPathFactory) -> Checked:
    java = require_java()
    base = tmp_path_factory.mktemp("vnu")
    roots = {"example": base / "example"}
    build(EXAMPLE_CONTENT, roots["example"])
    for name, sources in (("hostile", HOSTILE_FILES), ("hostile-urls", HOSTILE_URL_FILES)):
        content = write_site(base / name / "content", sources)
        roots[name] = base / name / "public"
        build(content, roots[name])
    for language in LANGUAGES:
        content = base / language / "content"
        shutil.copytree(EXAMPLE_CONTENT, content, ignore=shutil.ignore_patterns(".weeknotes-cache"))
        settings = content / "site.yaml"
        settings.write_text(re.sub(r"(?m)^language: .*$", f"language: {language}", settings.read_text()))
        roots[language] = base / language / "public"
        build(content, roots[language])
    files = {name: checkable(root) if name not in LANGUAGES else one_page_per_template(root)
             for name, root in roots.items()}
    assert all(files.values()), files
    result = subprocess.run(
        [java, "-Xss8m", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always",
         "--also-check-css", "--also-check-svg", *(str(p) for group in files.values() for p in group)],
        capture_output=True, text=True, check=False, timeout=600)
    try:
        report = json.loads(result.stderr)  # vnu writes its report to stderr
    except json.JSONDecodeError:
        pytest.fail(f"vnu did not print a JSON report (exit {result.returncode}):\n"
                    f"{result.stderr[-3000:]}{result.stdout[-3000:]}", pytrace=False)
    messages = []
    for raw in report.get("messages", []):
        path = Path(raw.get("url", "").removeprefix("file:"))
        site, rel = "unknown", str(path)
        for name, root in roots.items():
            if path.is_relative_to(root):
                site, rel = name, path.relative_to(root).as_posix()
        messages.append(Message(site, rel, raw.get("lastLine"), raw.get("firstColumn"), raw.get("type", "?"),
                                raw.get("subType"), raw.get("message", ""), raw.get("extract", "")))
    return Checked(roots, files, messages)


def assert_valid(vnu: Checked, site: str) -> None:
    errors = vnu.errors(site) + vnu.errors("unknown")
    for warning in vnu.warnings(site):  # shown with -rA or on failure; they do not fail the build
        print(f"vnu warning: {site}/{warning}")
    assert not errors, (f"vnu found {len(errors)} error(s) in {len(vnu.files[site])} files of the {site} site:\n"
                        + "\n".join(f"  {site}/{e}" for e in errors))


def test_example_site_is_valid_html(vnu: Checked) -> None:
    assert len(vnu.files["example"]) > 100, "expected every page of the example site to be checked"
    kinds = {p.relative_to(vnu.roots["example"]).parts[0] for p in vnu.files["example"]}
    assert {"index.html", "404.html", "notes", "links", "authors", "tags", "weeks", "search",
            "assets", "about"} <= kinds
    assert_valid(vnu, "example")


def test_hostile_site_is_valid_html(vnu: Checked) -> None:
    """Markup, quotes, ampersands and non-ASCII in every field still make valid pages."""
    assert_valid(vnu, "hostile")


def test_urls_with_odd_characters_are_valid_html(vnu: Checked) -> None:
    assert_valid(vnu, "hostile-urls")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_is_valid_html(vnu: Checked, language: str) -> None:
    assert len(vnu.files[language]) == 14, vnu.files[language]
    assert_valid(vnu, language)
