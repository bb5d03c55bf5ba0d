"""A build writes only inside its output directory, and refuses directories it must not replace."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Run, SiteDir, note
from weeknotes.output.folders import FolderIndex, list_files
from weeknotes.source.sources import TRUST_AFTER_NS


@pytest.fixture
def ready(site: SiteDir) -> SiteDir:
    site.write("notes/ana/2026-11-16-n.md", note("N"))
    return site


@pytest.mark.parametrize("target", ["content", ".", "/", "~", "parent-of-content"])
def test_dangerous_output_dirs_are_refused(ready: SiteDir, run: Callable[..., Run], target: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ready.root)
    monkeypatch.setenv("HOME", str(ready.root / "home"))
    (ready.root / "home").mkdir()
    output = {"content": ready.content, ".": Path("."), "/": Path("/"), "~": ready.root / "home",
              "parent-of-content": ready.root}[target]
    before = sorted(p.as_posix() for p in ready.root.rglob("*"))
    result = run("build", "--content", ready.content, "--output", output)
    assert result.code == 1
    assert "refusing to" in result.err
    assert sorted(p.as_posix() for p in ready.root.rglob("*")) == before


def test_a_non_empty_folder_not_made_by_weeknotes_needs_force(ready: SiteDir, run: Callable[..., Run]) -> None:
    output = ready.root / "site"
    output.mkdir()
    (output / "thesis.docx").write_text("years of work")
    result = run("build", "--content", ready.content, "--output", output)
    assert result.code == 1
    assert "not made by weeknotes" in result.err and "--force" in result.err
    assert (output / "thesis.docx").read_text() == "years of work"
    forced = run("build", "--content", ready.content, "--output", output, "--force")
    assert forced.code == 0, forced.err
    assert not (output / "thesis.docx").exists()
    assert (output / ".weeknotes-build").is_file()


def test_a_previous_build_is_replaced_and_stale_files_go(ready: SiteDir, build: Callable[..., Run]) -> None:
    build()
    assert (ready.output / "notes/n/index.html").is_file()
    (ready.content / "notes/ana/2026-11-16-n.md").rename(ready.content / "notes/ana/2026-11-16-renamed.md")
    build()
    assert not (ready.output / "notes/n/index.html").exists()
    assert (ready.output / "notes/renamed/index.html").is_file()


def test_stray_files_are_found_in_folders_unchanged_since_the_last_walk(ready: SiteDir, build: Callable[..., Run]) -> None:
    """A rebuild reads again only the folders that changed since the last walk (folders.py);
    a file dropped into any folder changes that folder, so it is still found and removed."""
    ready.write("notes/ana/2026-11-09-older.md", note("Older", date="2026-11-09"))
    build()
    time.sleep(2.1)  # the folders' stamps settle, so the next walk records them
    build()
    strays = [ready.output / "notes/n/stray.html", ready.output / "notes/older/deeper/stray.txt",
              ready.output / "stray-folder/inside.txt"]
    for stray in strays:
        stray.parent.mkdir(parents=True, exist_ok=True)
        stray.write_text("not ours")
    build()
    assert [stray for stray in strays if stray.exists()] == []
    assert not (ready.output / "stray-folder").exists()
    assert (ready.output / "notes/n/index.html").is_file() and (ready.output / "notes/older/index.html").is_file()


def test_a_listing_trusts_only_folders_whose_stamp_is_unchanged(tmp_path: Path) -> None:
    root = tmp_path / "site"
    for rel in ("index.html", "a/index.html", "a/b/index.html", "pagefind/x.js"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(rel)

    def later() -> int:  # a clock past the trust window, so every stamp counts as settled
        return time.time_ns() + TRUST_AFTER_NS + 1

    files, index = list_files(root, FolderIndex(), later)
    assert sorted(files) == ["a/b/index.html", "a/index.html", "index.html", "pagefind/x.js"]
    assert files["a/index.html"] == (root / "a/index.html").stat().st_ino
    assert {folder for folder, _stamp in index.latest} == {"", "a/", "a/b/", "pagefind/"}
    (root / "a/b/new.txt").write_text("new")
    (root / "a/b/c").mkdir()
    (root / "a/b/c/deep.txt").write_text("deep")
    (root / "a/index.html").unlink()
    (root / "index.html").unlink()
    (root / "index.html").write_text("the same name, another file")
    files, index = list_files(root, index, later)
    assert sorted(files) == ["a/b/c/deep.txt", "a/b/index.html", "a/b/new.txt", "index.html", "pagefind/x.js"]
    assert files["index.html"] == (root / "index.html").stat().st_ino
    files, fresh = list_files(root, FolderIndex(), time.time_ns)
    assert sorted(files) == ["a/b/c/deep.txt", "a/b/index.html", "a/b/new.txt", "index.html", "pagefind/x.js"]
    assert fresh.latest == {}  # just changed: nothing is trusted yet


def test_a_listing_remembers_both_trees_a_rebuild_exchanges(tmp_path: Path) -> None:
    """A rebuild exchanges the output with the spare site (issue 22), so the output folder
    alternates between two trees: what both held is kept, and a stray file dropped into
    either is found all the same."""
    trees = [tmp_path / "one", tmp_path / "two"]
    for tree in trees:
        (tree / "notes/n").mkdir(parents=True)
        (tree / "notes/n/index.html").write_text("n")

    def later() -> int:
        return time.time_ns() + TRUST_AFTER_NS + 1

    index = FolderIndex()
    for tree in trees:
        _files, index = list_files(tree, index, later)
    assert {folder for folder, _stamp in index.latest} == {"", "notes/", "notes/n/"}
    assert {folder for folder, _stamp in index.earlier} == {"", "notes/", "notes/n/"}
    (trees[0] / "notes/n/stray.html").write_text("not ours")
    files, _index = list_files(trees[0], index, later)
    assert sorted(files) == ["notes/n/index.html", "notes/n/stray.html"]


def test_a_failed_build_leaves_the_old_site_byte_for_byte(ready: SiteDir, build: Callable[..., Run]) -> None:
    build()
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in ready.output.rglob("*") if p.is_file()}
    templates = ready.root / "themes/default/templates"
    templates.mkdir(parents=True)
    (templates / "item.html").write_text("{% extends 'base.html' %}{% block main %}{{ item.nope.nope }}{% endblock %}")
    result = build(ok=False)
    assert result.code == 1
    assert "item.html:1: error: template error" in result.err
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in ready.output.rglob("*") if p.is_file()} == before
    assert [p.name for p in ready.root.iterdir() if "weeknotes-" in p.name] == []


def test_a_site_overrides_one_template_of_the_theme(ready: SiteDir, build: Callable[..., Run]) -> None:
    templates = ready.root / "themes/default/templates"
    templates.mkdir(parents=True)
    (templates / "404.html").write_text("{% extends 'base.html' %}{% block main %}<h1>Lost, sorry</h1>{% endblock %}")
    static = ready.root / "themes/default/static/assets"
    static.mkdir(parents=True)
    (static / "extra.css").write_text("body{}")
    build()
    assert "Lost, sorry" in (ready.output / "404.html").read_text()
    assert (ready.output / "assets/extra.css").is_file()
    assert (ready.output / "assets/style.css").is_file()  # the rest still comes from the built-in theme
    assert "Weeknote" in (ready.output / "notes/n/index.html").read_text()


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_each_audience_builds_into_its_own_folder_by_default(ready: SiteDir, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch) -> None:
    ready.write("notes/ana/2026-11-17-inside.md", note("Inside only", visibility="internal"))
    ready.write("notes/ana/2026-11-18-unfinished.md", note("Unfinished", visibility="draft"))
    monkeypatch.chdir(ready.root)
    public = run("build")
    assert public.code == 0, public.err
    assert "built public for a public audience" in public.out
    before = snapshot(ready.root / "public")
    internal = run("build", "--audience", "internal")
    assert internal.code == 0, internal.err
    assert "built internal for an internal audience" in internal.out
    preview = run("build", "--drafts")
    assert preview.code == 0, preview.err
    assert "built preview for a public + drafts audience" in preview.out
    assert snapshot(ready.root / "public") == before
    assert not (ready.root / "public/notes/inside").exists()
    assert (ready.root / "internal/notes/inside/index.html").is_file()
    assert not (ready.root / "internal/notes/unfinished").exists()
    assert (ready.root / "preview/notes/unfinished/index.html").is_file()
    markers = {name: (ready.root / name / ".weeknotes-build").read_text().splitlines()[-1]
               for name in ("public", "internal", "preview")}
    assert markers == {"public": "audience: public", "internal": "audience: internal",
                       "preview": "audience: public + drafts"}


@pytest.mark.parametrize(("first", "second", "recorded", "wanted"), [
    ((), ("--audience", "internal"), "a public", "an internal"),
    (("--audience", "internal"), (), "an internal", "a public"),
    ((), ("--drafts",), "a public", "a public + drafts"),
    (("--drafts",), ("--drafts", "--audience", "internal"), "a public + drafts", "an internal + drafts"),
])
def test_a_build_for_another_audience_is_refused_and_leaves_the_folder_byte_for_byte(
        ready: SiteDir, run: Callable[..., Run], first: tuple[str, ...], second: tuple[str, ...], recorded: str, wanted: str) -> None:
    assert run("build", "--content", ready.content, "--output", ready.output, *first).code == 0
    before = snapshot(ready.output)
    refused = run("build", "--content", ready.content, "--output", ready.output, *second)
    assert refused.code == 2
    shown = ready.output.as_posix()
    name = {"an internal": "internal", "a public": "public", "a public + drafts": "preview",
            "an internal + drafts": "preview"}[wanted]
    assert refused.err == (
        f"error: refusing to build for {wanted} audience into {shown}: it holds a build for {recorded} "
        "audience (its .weeknotes-build file says so), and one folder must never mix audiences\n"
        f"  hint: leave out --output ({wanted} build writes {name}/), choose another --output, "
        "or add --force to replace that build\n")
    assert snapshot(ready.output) == before
    assert [p.name for p in ready.root.iterdir() if "weeknotes-" in p.name] == []


def test_force_replaces_another_audiences_build_whole(ready: SiteDir, run: Callable[..., Run]) -> None:
    ready.write("notes/ana/2026-11-17-inside.md", note("Inside only", visibility="internal"))
    assert run("build", "--content", ready.content, "--output", ready.output, "--audience", "internal").code == 0
    assert (ready.output / "notes/inside/index.html").is_file()
    forced = run("build", "--content", ready.content, "--output", ready.output, "--force")
    assert forced.code == 0, forced.err
    assert not (ready.output / "notes/inside").exists()
    assert b"Inside only" not in b"".join(data for data, _ in snapshot(ready.output).values())
    assert (ready.output / ".weeknotes-build").read_text().splitlines()[-1] == "audience: public"


def test_a_marker_from_before_audiences_were_recorded_counts_as_public(ready: SiteDir, run: Callable[..., Run]) -> None:
    assert run("build", "--content", ready.content, "--output", ready.output).code == 0
    (ready.output / ".weeknotes-build").write_text("This folder is written by `weeknotes build`.\n")
    refused = run("build", "--content", ready.content, "--output", ready.output, "--audience", "internal")
    assert refused.code == 2 and "it holds a build for a public audience" in refused.err
    rebuilt = run("build", "--content", ready.content, "--output", ready.output)
    assert rebuilt.code == 0, rebuilt.err
    assert (ready.output / ".weeknotes-build").read_text().splitlines()[-1] == "audience: public"


def test_an_output_that_is_a_link_to_a_folder_keeps_the_link(ready: SiteDir, run: Callable[..., Run]) -> None:
    """`public -> /srv/www/site`: the folder it points to gets the site; the link stays a link."""
    served = ready.root / "srv"
    served.mkdir()
    link_to = ready.root / "public"
    link_to.symlink_to(served, target_is_directory=True)
    for body in ("First.", "Second."):
        ready.write("notes/ana/2026-11-16-n.md", note("N", body=body))
        result = run("build", "--content", ready.content, "--output", link_to)
        assert result.code == 0, result.err
        assert link_to.is_symlink() and link_to.resolve() == served.resolve()
        assert body in (served / "notes/n/index.html").read_text()
    assert sorted(p.name for p in ready.root.iterdir()) == ["content", "public", "srv"]
