"""A build writes only inside its output directory, and refuses directories it must not replace."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import note


@pytest.fixture
def ready(site):  # type: ignore[no-untyped-def]
    site.write("notes/ana/2026-11-16-n.md", note("N"))
    return site


@pytest.mark.parametrize("target", ["content", ".", "/", "~", "parent-of-content"])
def test_dangerous_output_dirs_are_refused(ready, run, target, monkeypatch) -> None:  # type: ignore[no-untyped-def]
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


def test_a_non_empty_folder_not_made_by_weeknotes_needs_force(ready, run) -> None:  # type: ignore[no-untyped-def]
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


def test_a_previous_build_is_replaced_and_stale_files_go(ready, build) -> None:  # type: ignore[no-untyped-def]
    build()
    assert (ready.output / "notes/n/index.html").is_file()
    (ready.content / "notes/ana/2026-11-16-n.md").rename(ready.content / "notes/ana/2026-11-16-renamed.md")
    build()
    assert not (ready.output / "notes/n/index.html").exists()
    assert (ready.output / "notes/renamed/index.html").is_file()


def test_a_failed_build_leaves_the_old_site_byte_for_byte(ready, build) -> None:  # type: ignore[no-untyped-def]
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


def test_a_site_overrides_one_template_of_the_theme(ready, build) -> None:  # type: ignore[no-untyped-def]
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
