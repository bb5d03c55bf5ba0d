"""The example site in content/ builds, and shows what DESIGN.md's table promises."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import lxml.html

from tests.conftest import Run

REPO = Path(__file__).resolve().parent.parent


def test_example_site_builds_every_kind_of_page(tmp_path: Path, run: Callable[..., Run]) -> None:
    output = tmp_path / "public"
    result: Run = run("build", "--content", REPO / "content", "--output", output, "--no-cache")
    assert result.code == 0, result.err
    for rel in ["index.html", "page/2/index.html", "authors/index.html", "authors/zoe/index.html",
                "tags/index.html", "weeks/index.html", "weeks/2026-W01/index.html", "about/index.html",
                "404.html", "sitemap.xml", "robots.txt", "feed.xml", "rss.xml", "feed.json",
                "blogroll.opml", "weeks/2026-W01/email.html", "favicon.svg"]:
        assert (output / rel).is_file(), rel
    home = lxml.html.fromstring((output / "index.html").read_bytes())
    assert home.get("lang") == "en-GB"
    assert len(home.cssselect("article.h-entry")) == 10
