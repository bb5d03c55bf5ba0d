"""Search across the index's bundles in Chromium (issue 13).

The index comes in one bundle per month (weeknotes/search.py), merged by the search page:
one query must find an old and a new item, as one index would, and an item withdrawn since
must be gone from the results after the next build (which re-indexes only its month).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.browser_support import build, serving, write_site
from tests.test_browser import browser, search_for  # noqa: F401 (browser is a fixture)

WORD = "quillwort"

FILES = {
    "site.yaml": """\
        title: Bundles
        base_url: https://example.org/wol/
        search: {enabled: true}
        """,
    "authors.yaml": """\
        ana:
          name: Ana
          publish: public
        """,
}
NOTES = {  # file -> (title, date)
    "notes/2024-03-05-old.md": ("An old note", "2024-03-05"),
    "notes/2025-07-09-middle.md": ("A middle note", "2025-07-09"),
    "notes/2026-11-16-new.md": ("A new note", "2026-11-16"),
}


def note_text(title: str, date: str, visibility: str = "public") -> str:
    return (f"---\ntitle: {title}\ndate: {date}\nauthor: ana\nvisibility: {visibility}\n---\n\n"
            f"We planted {WORD} by the pond.\n")


def results(page: Any) -> list[str]:
    search_for(page, WORD)
    return sorted(page.locator(".pagefind-ui__result-link").all_inner_texts())


def test_one_query_finds_old_and_new_items_and_a_withdrawn_one_is_gone(browser: Any, tmp_path: Path) -> None:  # noqa: F811
    content = write_site(tmp_path / "content", FILES)
    for rel, (title, date) in NOTES.items():
        (content / rel).parent.mkdir(parents=True, exist_ok=True)
        (content / rel).write_text(note_text(title, date), encoding="utf-8")
    root = tmp_path / "public"
    with serving(root, prefix="/wol/") as server:
        base = f"http://127.0.0.1:{server.server_address[1]}/wol/"
        build(content, root, "--base-url", base)
        listed = json.loads((root / "pagefind/bundles.json").read_text())["bundles"]
        assert [bundle["key"] for bundle in listed] == ["2026-11", "2025-07", "2024-03"]
        page = browser.new_page()
        try:
            page.goto(base + "search/", wait_until="load")
            assert results(page) == ["A middle note", "A new note", "An old note"]

            (content / "notes/2025-07-09-middle.md").write_text(
                note_text("A middle note", "2025-07-09", "draft"), encoding="utf-8")
            untouched = (root / "pagefind/2024-03/pagefind-entry.json").stat().st_ino
            build(content, root, "--base-url", base)  # in place, as a rebuild does
            assert (root / "pagefind/2024-03/pagefind-entry.json").stat().st_ino == untouched
            page.goto(base + "search/", wait_until="load")
            assert results(page) == ["A new note", "An old note"]
        finally:
            page.close()
