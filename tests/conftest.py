"""Shared fixtures: write small sites into temporary folders, run the real CLI, parse output."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest

from weeknotes.commands.cli import main

SITE_YAML = """\
title: Test Circle
base_url: https://example.org/wol/
timezone: Europe/London
search: {enabled: false}
"""

AUTHORS_YAML = """\
ana:
  name: Ana Pérez
  publish: public
  feed: https://ana.example.net/feed.xml
ben:
  name: Ben Okafor
  publish: public
"""


@dataclass
class Run:
    code: int
    out: str
    err: str


@dataclass
class SiteDir:
    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def output(self) -> Path:
        return self.root / "public"

    def write(self, rel: str, text: str) -> Path:
        path = self.content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def html(self, rel: str) -> lxml.html.HtmlElement:
        """Parse a built page; `rel` is a site path like `notes/hello/`."""
        path = self.output / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)
        return lxml.html.fromstring(path.read_bytes())

    def files(self) -> dict[str, bytes]:
        return {p.relative_to(self.output).as_posix(): p.read_bytes()
                for p in sorted(self.output.rglob("*")) if p.is_file()}


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """Run the weeknotes CLI in this process, as a user would type it."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")  # 2026-11-19, after all test content

    def invoke(*args: str | Path) -> Run:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return invoke


@pytest.fixture
def site(tmp_path: Path) -> SiteDir:
    """A small valid site: two public authors, no items yet."""
    s = SiteDir(tmp_path)
    s.write("site.yaml", SITE_YAML)
    s.write("authors.yaml", AUTHORS_YAML)
    return s


@pytest.fixture
def build(site: SiteDir, run: Callable[..., Run]) -> Callable[..., Run]:
    """Build `site` into its output folder; fail the test on a non-zero exit unless asked."""

    def do(*extra: str, ok: bool = True) -> Run:
        result = run("build", "--content", site.content, "--output", site.output, *extra)
        if ok:
            assert result.code == 0, result.err
        return result

    return do


def note(title: str, date: str = "2026-11-16", author: str = "ana", body: str = "Some text.",
         **extra: str) -> str:
    lines = ["---", f"title: {title}", f"date: {date}", f"author: {author}"]
    lines += [f"{key}: {value}" for key, value in extra.items()]
    return "\n".join([*lines, "---", "", body, ""])


def link(url: str, date: str = "2026-11-17", author: str = "ana", body: str = "Why it matters.",
         **extra: str) -> str:
    lines = ["---", f"url: {url}", f"date: {date}", f"author: {author}"]
    lines += [f"{key}: {value}" for key, value in extra.items()]
    return "\n".join([*lines, "---", "", body, ""])
