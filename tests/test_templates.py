"""The default theme only presents: every path comes from urls.py, every decision from the model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = sorted((Path(__file__).parent.parent / "themes/default/templates").glob("*.html"))

# What a template would have to say if it built a path or decided what is shown itself.
DECISIONS = {
    "a path literal given to url()": re.compile(r"""url(\.\w+)?\(\s*['"]"""),
    "a visibility test": re.compile(r"\bvisibility\b"),
    "an audience test": re.compile(r"audience\.name"),
    "a lookup of who or what has a page": re.compile(r"author_handles|tag_slugs"),
    "a test of what kind an avatar is": re.compile(r"startswith"),
    "a grouping the model should offer": re.compile(r"\|\s*groupby"),
}


def test_the_theme_has_templates() -> None:
    assert {p.name for p in TEMPLATES} >= {"base.html", "item.html", "_macros.html", "digest_content.html"}


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_a_template_holds_no_paths_and_no_decisions(template: Path) -> None:
    found = [f"{template.name}:{number}: {what}: {line.strip()}"
             for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), start=1)
             for what, pattern in DECISIONS.items() if pattern.search(line)]
    assert found == []
