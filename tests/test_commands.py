"""The other verbs: new, init, --version, --help."""

from __future__ import annotations

import re

from weeknotes import __version__


def test_new_note_fills_date_author_id_and_a_slugged_file_name(site, run) -> None:  # type: ignore[no-untyped-def]
    result = run("new", "note", "--content", site.content, "--author", "ana", "--title", "Ünïcode & “quotes”: week 47")
    assert result.code == 0, result.err
    created = sorted((site.content / "notes/ana").glob("*.md"))
    assert len(created) == 1
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}-unicode-quotes-week-47\.md", created[0].name)
    text = created[0].read_text()
    assert 'title: "Ünïcode & “quotes”: week 47"' in text
    assert re.search(r"^id: urn:uuid:[0-9a-f-]{36}$", text, re.M)
    assert "author: ana" in text
    # What `new` writes is valid content: the site still checks clean.
    assert run("check", "--content", site.content).code == 0


def test_new_link_goes_under_links_and_needs_a_url(site, run) -> None:  # type: ignore[no-untyped-def]
    missing = run("new", "link", "--content", site.content, "--author", "ana")
    assert missing.code == 2 and "--url" in missing.err
    made = run("new", "link", "--content", site.content, "--author", "ben", "--url", "https://example.net/a-great-read/")
    assert made.code == 0, made.err
    created = list((site.content / "links").glob("*.md"))
    assert len(created) == 1 and created[0].name.endswith("-example-net-a-great-read.md")
    assert run("check", "--content", site.content).code == 0


def test_new_with_an_unknown_author_lists_the_known_ones(site, run) -> None:  # type: ignore[no-untyped-def]
    result = run("new", "note", "--content", site.content, "--author", "zed")
    assert result.code == 2
    assert "known authors: ana, ben" in result.err


def test_init_makes_a_site_that_builds(tmp_path, run) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "circle"
    made = run("init", target)
    assert made.code == 0, made.err
    built = run("build", "--content", target / "content", "--output", target / "public")
    assert built.code == 0, built.err
    assert (target / "public/notes/first-weeknote/index.html").is_file()
    again = run("init", target)
    assert again.code == 2 and "not empty" in again.err


def test_version_and_help(run, capsys) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from weeknotes.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"weeknotes {__version__}"
    for verb in ("build", "check", "serve", "new", "digest", "init"):
        with pytest.raises(SystemExit) as exit_info:
            main([verb, "--help"])
        assert exit_info.value.code == 0
        assert "usage: weeknotes " + verb in capsys.readouterr().out
