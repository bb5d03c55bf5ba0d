"""`weeknotes serve` keeps the search index beside the site up to date, after the page (issue 13).

The page comes first; the index follows, re-indexing only the month whose pages changed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.test_serve import EXAMPLE_EPOCH, Server, example, poll, serve  # noqa: F401 (fixtures)

NOTE = "notes/soren/2025-12-29-weeknotes-from-the-other-side-of-the-world.md"
PAGE = "notes/weeknotes-from-the-other-side-of-the-world/"


def bundles(server: Server) -> dict[str, str]:
    status, text = server.get("pagefind/bundles.json")
    return {b["key"]: b["digest"] for b in json.loads(text)["bundles"]} if status == 200 else {}


def test_an_edit_reaches_the_page_then_reindexes_only_its_month(
        serve: Callable[..., Server], example: Path) -> None:  # noqa: F811
    server = serve(example, epoch=EXAMPLE_EPOCH)
    before = poll(lambda: (found := bundles(server)) and len(found) >= 4 and found, what="the first index")
    assert "2025-12" in before and "pages" in before, before
    status, entry = server.get("pagefind/2025-12/pagefind-entry.json")
    assert status == 200 and json.loads(entry)["version"]

    source = example / NOTE
    source.write_text(source.read_text(encoding="utf-8").replace("sunscreen", "sunscreen zqbundlewordq", 1),
                      encoding="utf-8")
    server.wait_for(PAGE, lambda status, text: "zqbundlewordq" in text, "the edit on its page")
    after = poll(lambda: (found := bundles(server)) and found.get("2025-12") not in (None, before["2025-12"])
                 and found, what="the month's bundle made again")
    assert {key: digest for key, digest in after.items() if key != "2025-12"} == {
        key: digest for key, digest in before.items() if key != "2025-12"}


def test_an_edit_that_changes_only_its_own_page_is_indexed_too(
        serve: Callable[..., Server], example: Path) -> None:  # noqa: F811
    """A standalone page is on no list: serve shows it ahead, the full build then finds nothing
    else to write, and the index must still follow."""
    server = serve(example, epoch=EXAMPLE_EPOCH)
    before = poll(lambda: (found := bundles(server)) and "pages" in found and found, what="the first index")
    source = example / "pages/about.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.rstrip("\n") + "\n\nA sentence with zqaboutwordq in it.\n", encoding="utf-8")
    server.wait_for("about/", lambda status, text: "zqaboutwordq" in text, "the edit on its page")
    after = poll(lambda: (found := bundles(server)) and found.get("pages") != before["pages"] and found,
                 what="the standalone pages' bundle made again")
    assert {k: v for k, v in after.items() if k != "pages"} == {k: v for k, v in before.items() if k != "pages"}
    poll(lambda: "rebuilt in" in server.output, what="the rebuild report")
    assert "0 of" not in server.output.split("rebuilt in", 1)[1], server.output  # the page counts as written
