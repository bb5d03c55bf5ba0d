"""Front-matter splitting (sources.py): the YAML, the body, and where the body starts."""

from __future__ import annotations

import pytest

from weeknotes.base.errors import Problems
from weeknotes.source.sources import split_front_matter


def split(text: str) -> tuple[dict[str, object], str, int] | list[str]:
    """The values, body and body line; or the problems' formatted text when it fails."""
    problems = Problems()
    result = split_front_matter(text, "notes/x.md", problems)
    if result is None:
        return [p.format() for p in problems.errors]
    data, body, line = result
    assert problems.errors == []
    return data.values, body, line


def test_front_matter_and_body_are_split_with_the_body_line() -> None:
    assert split("---\ntitle: Hello\ndate: 2026-11-16\n---\n\nBody text.\n") == (
        {"title": "Hello", "date": "2026-11-16"}, "\nBody text.\n", 5)


def test_the_yaml_document_end_marker_closes_it_too() -> None:
    assert split("---\ntitle: Hello\n...\nBody.") == ({"title": "Hello"}, "Body.", 4)


def test_an_empty_body_and_trailing_spaces_on_the_fences() -> None:
    assert split("--- \ntitle: T\n---  ") == ({"title": "T"}, "", 4)


def test_a_rule_in_the_body_is_not_a_fence() -> None:
    assert split("---\ntitle: T\n---\nA\n\n---\n\nB\n") == ({"title": "T"}, "A\n\n---\n\nB\n", 4)


def test_a_key_knows_its_line() -> None:
    problems = Problems()
    result = split_front_matter("---\ntitle: T\n\ndate: 2026-11-16\n---\n", "notes/x.md", problems)
    assert result is not None
    assert (result[0].line("title"), result[0].line("date")) == (2, 4)


@pytest.mark.parametrize(("text", "report"), [
    ("title: T\n---\nBody", ["notes/x.md:1: error: the file does not start with front matter\n"
                             "  hint: a note starts with front matter between two `---` lines (`title`, `date` "
                             "and `author` are required):\n"
                             "    ---\n    title: ...\n    date: 2026-11-20\n    author: your-handle\n    ---"]),
    # Reported where the front matter should have ended: after its last line, before the text.
    ("---\ntitle: T\nBody", ["notes/x.md:2: error: the front matter that starts on line 1 is never closed\n"
                             "  hint: add a line `---` after line 2, before the text of your post"]),
])
def test_a_missing_or_unclosed_fence_is_reported_whole(text: str, report: list[str]) -> None:
    assert split(text) == report


def test_an_alias_alone_is_refused_at_its_line() -> None:
    assert split("---\ntitle: T\ntags: *favourites\n---\n") == [
        "notes/x.md:3: error: `*favourites` is a YAML alias; anchors (`&name`) and aliases (`*name`) are not allowed\n"
        "  hint: write each value out in full where it is needed; if you meant the text `*favourites`, "
        "put the value in quotes"]


def test_ampersands_and_stars_in_values_are_text() -> None:
    assert split('---\ntitle: Tea & biscuits * 2\nsummary: "&quoted *too"\n---\n') == (
        {"title": "Tea & biscuits * 2", "summary": "&quoted *too"}, "", 5)
