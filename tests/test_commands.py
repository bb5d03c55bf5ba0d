"""The other verbs: new, init, --version, --help."""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import lxml.html
import pytest

from tests.conftest import Run, SiteDir, link, note
from weeknotes import __version__
from weeknotes.commands.cli import main, make_parser


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


def test_two_people_starting_a_note_in_one_week_get_two_addresses(site: SiteDir, run: Callable[..., Run]) -> None:
    """The default title and address are the author's and the week's (issue 22: both got
    `Weeknote, week 47` at /notes/weeknote-week-47/, and the build failed on files neither wrote)."""
    for author in ("ana", "ben", "ana"):
        assert run("new", "note", "--content", site.content, "--author", author).code == 0
    year, week, _ = datetime.now(ZoneInfo("Europe/London")).isocalendar()  # the site's timezone
    made = sorted(p.relative_to(site.content).as_posix() for p in site.content.glob("notes/*/*.md"))
    assert [re.sub(r"^notes/(\w+)/\d{4}-\d{2}-\d{2}-", r"\1: ", rel) for rel in made] == [
        f"ana: ana-weeknote-{year}-w{week:02d}-2.md", f"ana: ana-weeknote-{year}-w{week:02d}.md",
        f"ben: ben-weeknote-{year}-w{week:02d}.md"]
    titles = {re.search(r'^title: "(.*)"$', (site.content / rel).read_text(), re.M).group(1)  # type: ignore[union-attr]
              for rel in made}
    assert titles == {f"Ana Pérez's weeknote, week {week} of {year}", f"Ben Okafor's weeknote, week {week} of {year}"}
    assert run("check", "--content", site.content).code == 0


def test_a_chosen_title_whose_address_is_taken_is_refused_naming_the_other_file(
        site: SiteDir, run: Callable[..., Run]) -> None:
    assert run("new", "note", "--content", site.content, "--author", "ana", "--title", "Week 47").code == 0
    (first,) = site.content.glob("notes/ana/*.md")
    clash = run("new", "note", "--content", site.content, "--author", "ben", "--title", "Week 47")
    assert clash.code == 2
    assert clash.err == f"error: {first} already has the address /notes/week-47/; choose another --title\n"
    assert not (site.content / "notes/ben").exists()


def test_new_link_adds_the_scheme_or_refuses_at_once(site: SiteDir, run: Callable[..., Run]) -> None:
    made = run("new", "link", "--content", site.content, "--author", "ana", "--url", "example.net/x")
    assert made.code == 0, made.err
    (path,) = site.content.glob("links/*.md")
    assert 'url: "https://example.net/x"' in path.read_text()
    assert "https:// added" in made.out
    assert run("check", "--content", site.content).code == 0
    for bad in ("ftp://example.net/x", "javascript:alert(1)", "two words"):
        refused = run("new", "link", "--content", site.content, "--author", "ana", "--url", bad)
        assert refused.code == 2 and f"--url must be an http:// or https:// address, not {bad!r}" in refused.err
    assert len(list(site.content.glob("links/*.md"))) == 1


@pytest.mark.parametrize("verb", ["build", "serve", "digest"])
def test_a_bad_base_url_flag_is_blamed_on_the_flag(site: SiteDir, run: Callable[..., Run], verb: str) -> None:
    """Not on site.yaml's line, showing the file's own good address (issue 22)."""
    result = run(verb, "--content", site.content, "--base-url", "example.org/wol")
    assert result.code == 2
    assert result.err == (f"weeknotes {verb}: argument --base-url: must be an absolute http:// or https:// "
                          f"address, not 'example.org/wol'\n  hint: see `weeknotes {verb} --help`\n")


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
    # No warning about the language; the one about init's placeholder address is expected.
    warnings = [line for line in built.err.splitlines() if ": warning: " in line]
    assert len(warnings) == 1 and "site.yaml:2: warning: `base_url` is a placeholder address" in warnings[0]
    home = lxml.html.fromstring((target / "public/index.html").read_bytes())
    assert home.get("lang") == "cy"
    assert home.cssselect(".site-nav a")[0].text_content() == "Diweddaraf"
    # init dates its starter posts the day it runs: SOURCE_DATE_EPOCH, 2026-11-18 in London.
    assert home.cssselect("time")[0].text_content() == "18 Tachwedd 2026"


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

    from weeknotes.commands.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"weeknotes {__version__}"
    for verb in ("build", "check", "serve", "new", "digest", "init"):
        with pytest.raises(SystemExit) as exit_info:
            main([verb, "--help"])
        assert exit_info.value.code == 0
        assert "usage: weeknotes " + verb in capsys.readouterr().out


@pytest.mark.parametrize(("base_url", "placeholder"), [
    ("https://example.org/wol/", True), ("http://EXAMPLE.COM", True), ("https://www.example.net/", True),
    ("https://circle.example/", True), ("https://site.test/", True), ("https://a.b.invalid/", True),
    ("http://localhost:8000/", True), ("http://dev.localhost/", True),
    ("https://example.org.uk/", False), ("https://myexample.org/", False), ("https://testing.org/", False),
    ("https://weeknotes.coop/", False),
])
def test_a_build_warns_while_base_url_is_a_placeholder(site, run, monkeypatch, base_url, placeholder) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(site.root)
    site.write("site.yaml", f"title: Circle\nbase_url: {base_url}\n")
    site.write("notes/ana/2026-11-16-n.md", note("N"))
    result = run("build")
    assert result.code == 0, result.err
    host = base_url.split("/")[2].split(":")[0].lower()
    warning = (f"content/site.yaml:2: warning: `base_url` is a placeholder address: {host} is reserved for "
               "examples (RFC 2606)\n    base_url: " + base_url + "\n  hint: set it to the address the site is "
               "published at; feeds, the sitemap and 404.html use it\n")
    assert result.err == (warning if placeholder else "")
    # The address given on the command line is the one used: nothing to warn about in site.yaml.
    assert run("build", "--base-url", "https://circle.openpractice.net/", "--output", "elsewhere").err == ""


def test_init_says_the_placeholder_address_must_change(tmp_path, run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    made = run("init", "circle")
    assert made.code == 0, made.err
    assert made.out.splitlines()[-1] == ("before you publish it, set `base_url` in circle/content/site.yaml to the "
                                         "site's address: https://example.org/ is a placeholder")
    built = run("build", "--content", "circle/content", "--output", "circle/public")
    assert "circle/content/site.yaml:2: warning: `base_url` is a placeholder address" in built.err


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = make_parser()
    [verbs] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(verbs.choices)


@pytest.mark.parametrize("verb", sorted(subcommands()))
def test_every_option_says_what_it_does_and_its_default(verb: str) -> None:
    actions = [a for a in subcommands()[verb]._actions if not isinstance(a, argparse._HelpAction)]
    assert actions, f"{verb} has no options"
    for action in actions:
        if isinstance(action, argparse._HelpAction):
            continue
        name = action.option_strings[-1] if action.option_strings else action.dest
        assert action.help, f"{verb} {name} has no help"
        if not action.option_strings:
            continue  # a positional: required or optional by its brackets in the usage line
        if action.default not in (None, False) and not action.required:
            shown = format(action.default, "g") if isinstance(action.default, float) else action.default
            assert f"(default: {shown})" in action.help, f"{verb} {name}"
        if action.required:
            assert "(required)" in action.help, f"{verb} {name}"


def test_serve_help_says_what_serve_shows(capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "It shows drafts and internal items (an internal preview) unless given --public-only" in text
    assert "--audience {public,internal} preview for this audience, drafts still included (default: internal)" in text
    assert "--port N port to listen on; 0 picks a free one (default: 8000)" in text


@pytest.mark.parametrize("argv", [["serve", "--public-only", "--drafts"],
                                  ["serve", "--public-only", "--audience", "internal"],
                                  ["new", "note"]])
def test_contradictory_or_incomplete_command_lines_exit_2(run, argv) -> None:  # type: ignore[no-untyped-def]
    result = run(*argv)
    assert result.code == 2
    assert re.search(r"\n  hint: see `weeknotes( serve| new)? --help`\n$", result.err)
