"""The other verbs: new, init, --version, --help."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import lxml.html
import pytest

from tests.conftest import Run, SiteDir, link, note
from weeknotes import __version__


def test_new_note_fills_date_author_id_and_a_slugged_file_name(site: SiteDir, run: Callable[..., Run]) -> None:
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


def test_new_link_goes_under_links_and_needs_a_url(site: SiteDir, run: Callable[..., Run]) -> None:
    missing = run("new", "link", "--content", site.content, "--author", "ana")
    assert missing.code == 2 and "--url" in missing.err
    made = run("new", "link", "--content", site.content, "--author", "ben", "--url", "https://example.net/a-great-read/")
    assert made.code == 0, made.err
    created = list((site.content / "links").glob("*.md"))
    assert len(created) == 1 and created[0].name.endswith("-example-net-a-great-read.md")
    assert run("check", "--content", site.content).code == 0


def test_new_with_an_unknown_author_lists_the_known_ones(site: SiteDir, run: Callable[..., Run]) -> None:
    result = run("new", "note", "--content", site.content, "--author", "zed")
    assert result.code == 2
    assert "known authors: ana, ben" in result.err


def test_init_makes_a_site_that_builds(tmp_path: Path, run: Callable[..., Run]) -> None:
    target = tmp_path / "circle"
    made = run("init", target)
    assert made.code == 0, made.err
    built = run("build", "--content", target / "content", "--output", target / "public")
    assert built.code == 0, built.err
    assert (target / "public/notes/first-weeknote/index.html").is_file()
    again = run("init", target)
    assert again.code == 2 and "not empty" in again.err


def test_init_starts_a_site_in_welsh(tmp_path: Path, run: Callable[..., Run]) -> None:
    target = tmp_path / "cylch"
    made = run("init", target, "--language", "CY")
    assert made.code == 0, made.err
    assert "\nlanguage: cy\n" in (target / "content/site.yaml").read_text()
    built = run("build", "--content", target / "content", "--output", target / "public")
    assert built.code == 0, built.err
    assert "warning" not in built.err
    home = lxml.html.fromstring((target / "public/index.html").read_bytes())
    assert home.get("lang") == "cy"
    assert home.cssselect(".site-nav a")[0].text_content() == "Diweddaraf"
    assert home.cssselect("time")[0].text_content() == "6 Ionawr 2026"


def test_init_refuses_a_language_that_is_not_a_tag(tmp_path: Path, run: Callable[..., Run]) -> None:
    made = run("init", tmp_path / "x", "--language", "Welsh")
    assert made.code == 2
    assert "--language: 'welsh' in 'Welsh' is not a known language code" in made.err
    assert "did you mean `cy` (Welsh)?" in made.err
    assert not (tmp_path / "x").exists()


def output_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_a_new_note_is_a_draft_until_its_visibility_line_goes(site: SiteDir, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(site.root)
    made = run("new", "note", "--content", "content", "--author", "ana", "--title", "Quorvex planning week")
    assert made.code == 0, made.err
    (path,) = (site.content / "notes/ana").glob("*.md")
    rel = path.relative_to(site.root).as_posix()
    assert made.out == (
        f"{rel}\nThis note is a draft: no build shows it but a preview. Write it, look at it with "
        "`weeknotes serve` (or `weeknotes build --drafts`), then delete its line `visibility: draft` to publish it.\n")
    text = path.read_text()
    front, body = text.removeprefix("---\n").split("\n---\n")
    assert body.strip() == ""  # nothing that would be published as written
    assert [line for line in front.splitlines() if not line.startswith("#")][-1] == "visibility: draft"
    # Dated now (the clock), so build "as of" a day later to not hold it back as scheduled.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(time.time()) + 86400))
    assert run("build").code == 0
    assert b"Quorvex" not in output_bytes(site.root / "public")
    assert run("build", "--audience", "internal").code == 0
    assert b"Quorvex" not in output_bytes(site.root / "internal")
    assert run("build", "--drafts").code == 0
    assert b"Quorvex" in output_bytes(site.root / "preview")
    path.write_text(text.replace("visibility: draft\n", ""))
    assert run("build").code == 0
    assert b"Quorvex" in output_bytes(site.root / "public")


def test_check_lists_drafts_and_scheduled_posts_in_the_terminal(site: SiteDir, run: Callable[..., Run]) -> None:
    site.write("notes/ana/2026-11-16-done.md", note("Done"))
    site.write("notes/ana/2026-11-17-unfinished.md", note("Unfinished", visibility="draft"))
    site.write("notes/ben/2026-12-07-later.md", note("Later", date="2026-12-07 09:30", author="ben"))
    site.write("links/2026-12-08-soon.md", link("https://example.net/soon/", date="2026-12-08"))
    result = run("check", "--content", site.content)
    assert result.code == 0, result.err
    content = site.content.as_posix()
    pending = [line for line in result.out.splitlines() if line.startswith(("draft:", "scheduled:"))]
    assert pending == [
        f"draft: {content}/notes/ana/2026-11-17-unfinished.md",
        f"scheduled: {content}/links/2026-12-08-soon.md appears 2026-12-08 00:00 (Europe/London)",
        f"scheduled: {content}/notes/ben/2026-12-07-later.md appears 2026-12-07 09:30 (Europe/London)",
    ]


def test_version_and_help(run: Callable[..., Run], capsys: pytest.CaptureFixture[str]) -> None:
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
