"""The search index with the real Pagefind: cancelled updates (serve: a new change is waiting), relative folders."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Run, SiteDir, note
from weeknotes.output import search


def test_a_cancelled_update_lists_nothing_stale_and_the_next_one_finishes_the_job(
        site: SiteDir, build: Callable[..., Run], run: Callable[..., Run]) -> None:
    site.write("site.yaml", (site.content / "site.yaml").read_text().replace("enabled: false", "enabled: true"))
    for month in ("2026-08", "2026-09", "2026-10"):
        site.write(f"notes/ana/{month}-03-n.md".replace("-n", f"-{month}"), note(f"Note {month}", date=f"{month}-03"))
    build()
    index = site.output / "pagefind"
    state = json.loads((index / "bundles.json").read_text())["bundles"]
    bundles = [search.Bundle(b["key"], (), b["digest"] + "x") for b in state]  # all out of date

    calls = iter(range(1_000_000))
    assert search.update_index(site.output, index, bundles, lambda: next(calls) > 0) is False
    listed = json.loads((index / "bundles.json").read_text())["bundles"]
    assert listed == [], "a bundle that no longer matches its pages must not stay listed"

    build()  # the real bundles again: the leftovers of the cancelled run go, the index is whole
    cold = site.root / "cold"
    assert run("build", "--content", site.content, "--output", cold, "--no-cache").code == 0
    files = sorted(p.relative_to(index).as_posix() for p in index.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(cold / "pagefind").as_posix() for p in (cold / "pagefind").rglob("*")
                           if p.is_file())
    assert not [name for name in files if name.startswith(".")]



@pytest.mark.parametrize("copy_at_most", [search.COPY_AT_MOST, 0], ids=["pages-copied", "pages-by-glob"])
def test_a_site_built_with_relative_folders_gets_its_index_cold_and_after_an_edit(
        site: SiteDir, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch, copy_at_most: int) -> None:
    """As most people type it: `weeknotes build` in the repository, folders relative to it;
    with the pages of a bundle copied for Pagefind (small bundles), and named by a glob (large)."""
    monkeypatch.setattr(search, "COPY_AT_MOST", copy_at_most)
    site.write("site.yaml", (site.content / "site.yaml").read_text().replace("enabled: false", "enabled: true"))
    site.write("notes/ana/2026-09-03-a.md", note("Note A", date="2026-09-03"))
    site.write("notes/ana/2026-10-03-b.md", note("Note B", date="2026-10-03"))
    monkeypatch.chdir(site.root)
    content, output = site.content.relative_to(site.root), site.output.relative_to(site.root)
    for edit in ("cold", "after an edit"):
        result = run("build", "--content", content, "--output", output)
        assert result.code == 0, (edit, result.err)
        listed = json.loads((site.output / "pagefind/bundles.json").read_text())["bundles"]
        assert [bundle["key"] for bundle in listed] == ["2026-10-1", "2026-09"], edit  # so the loop is not empty
        for bundle in listed:
            assert (site.output / "pagefind" / bundle["key"] / "pagefind-entry.json").is_file(), (edit, bundle)
        site.write("notes/ana/2026-10-03-b.md", note("Note B", date="2026-10-03", body="Edited."))


def test_a_glob_names_pages_whatever_characters_their_paths_hold(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Slugs are plain today; the glob must not depend on it (Pagefind rejects a needless escape)."""
    monkeypatch.setattr(search, "COPY_AT_MOST", 0)
    site = tmp_path / "site"
    pages = ("a é+~@b/index.html", "x,y{z}/index.html", "p(q)r [1]/index.html", "ok/index.html")
    for page in (*pages, "left-out/index.html"):
        (site / page).parent.mkdir(parents=True)
        (site / page).write_text(f'<html lang="en"><body><main data-pagefind-body><h1>{page}</h1>'
                                 "<p>words to find</p></main></body></html>", encoding="utf-8")
    assert search.update_index(site, site / "pagefind", [search.Bundle("all", pages, "d")])
    entry = json.loads((site / "pagefind/all/pagefind-entry.json").read_text())
    assert sum(language["page_count"] for language in entry["languages"].values()) == len(pages)
