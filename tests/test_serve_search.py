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
