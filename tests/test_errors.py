"""Bad content: every problem reported as PATH:LINE: error:, exit 1, the old site untouched."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Run, SiteDir, note


def lines_of(err: str) -> list[str]:
    return [line for line in err.splitlines() if re.match(r"^\S.*:\d*:? ?(error|warning):", line)]


def test_every_broken_file_is_named_with_its_line_and_the_old_site_stays(site: SiteDir, build: Callable[..., Run], run: Callable[..., Run]) -> None:
    site.write("notes/ana/2026-11-16-good.md", note("Good"))
    build()
    before = site.files()
    site.write("notes/ana/broken-yaml.md", "---\ntitle: [broken\ndate: 2026-11-16\nauthor: ana\n---\nx\n")
    site.write("notes/ana/unknown-author.md", note("Who", author="anna"))
    site.write("notes/ana/bad-date.md", note("When", date="2026-02-30"))
    site.write("notes/ana/no-front-matter.md", "Just text\n")
    site.write("notes/ana/draft-but-broken.md", note("Draft", visibility="drafty"))
    result = build(ok=False)
    assert result.code == 1
    errors = [line for line in result.err.splitlines() if ": error: " in line]
    assert any(re.search(r"broken-yaml\.md:3: error: YAML syntax error", e) for e in errors), errors
    assert any(re.search(r"unknown-author\.md:4: error: unknown author 'anna'", e) for e in errors), errors
    assert "hint: did you mean `ana`? known authors: ana, ben" in result.err
    assert any(re.search(r"bad-date\.md:3: error: `date` is not a real date", e) for e in errors), errors
    assert any(re.search(r"no-front-matter\.md:1: error: the file does not start with front matter", e) for e in errors)
    # A draft that would not be shown is still checked: its author hears about the mistake.
    assert any(re.search(r"draft-but-broken\.md:5: error: `visibility` must be one of", e) for e in errors)
    assert "Traceback" not in result.err
    assert site.files() == before


def test_check_exits_like_build_and_writes_nothing(site: SiteDir, run: Callable[..., Run]) -> None:
    site.write("notes/ana/2026-11-16-good.md", note("Good"))
    ok = run("check", "--content", site.content)
    assert ok.code == 0, ok.err
    site.write("notes/ana/bad.md", note("Bad", author="nobody"))
    bad = run("check", "--content", site.content)
    assert bad.code == 1
    assert "bad.md:4: error: unknown author 'nobody'" in bad.err
    assert not site.output.exists()


def test_yaml_guesses_are_never_silently_applied(site: SiteDir, build: Callable[..., Run]) -> None:
    # YAML 1.1 reads NO as false and 2026-11-16 09:00 as a string; we read both explicitly.
    site.write("authors.yaml", "ana:\n  name: Ana\n  publish: NO\n")
    result = build(ok=False)
    assert "authors.yaml:3: error: `ana.publish` must be one of public, internal, none, not 'NO'" in result.err
    site.write("authors.yaml", "ana:\n  name: NO\n  publish: public\n")
    site.write("notes/ana/2026-11-16-n.md", note("Norway", date="2026-11-16 09:00", tags="[yes, no, 1.0]"))
    build()
    page = site.html("notes/n/")
    assert page.cssselect(".p-author .p-name")[0].text_content() == "NO"
    assert page.cssselect("time.dt-published")[0].get("datetime") == "2026-11-16T09:00:00+00:00"
    assert sorted(a.text_content() for a in page.cssselect(".p-category")) == ["1.0", "no", "yes"]


def test_bom_and_crlf_files_read_like_any_other(site: SiteDir, build: Callable[..., Run]) -> None:
    text = "\ufeff---\r\ntitle: Crème brûlée\r\ndate: 2026-11-16\r\nauthor: ana\r\n---\r\n\r\nLine one\r\nline two\r\n"
    (site.content / "notes").mkdir()
    (site.content / "notes/2026-11-16-bom.md").write_bytes(text.encode("utf-8"))
    build()
    page = site.html("notes/bom/")
    assert page.cssselect("h1.p-name")[0].text_content() == "Crème brûlée"
    assert "\r" not in (site.output / "notes/bom/index.html").read_text()


def test_duplicate_slugs_name_both_files(site: SiteDir, build: Callable[..., Run]) -> None:
    site.write("notes/ana/2026-11-16-weeknote.md", note("One"))
    site.write("notes/ben/2026-11-16-weeknote.md", note("Two", author="ben"))
    result = build(ok=False)
    assert re.search(r"notes/ben/2026-11-16-weeknote\.md:1: error: URL /notes/weeknote/ is already used by .*notes/ana/2026-11-16-weeknote\.md", result.err)
    assert "set a different `slug:`" in result.err


def test_a_copied_feed_id_names_the_newer_post(site: SiteDir, build: Callable[..., Run]) -> None:
    """Two posts at different addresses with one `id:`: the newer one is in the wrong (readers'
    feed readers already know the older one by it), whichever file is read first."""
    site.write("notes/ana/2026-11-16-first-week.md", note("First week", id="tag:example.org,2026:week"))
    site.write("notes/ana/2026-11-09-an-older-week.md", note("An older week", date="2026-11-09",
                                                          id="tag:example.org,2026:week"))
    result = build(ok=False)
    assert re.search(r"notes/ana/2026-11-16-first-week\.md:1: error: feed id tag:example\.org,2026:week is already "
                     r"used by .*notes/ana/2026-11-09-an-older-week\.md", result.err), result.err
    assert "each `id:` must be unique" in result.err
    assert "URL" not in result.err


def test_unknown_keys_warn_with_the_nearest_known_key(site: SiteDir, build: Callable[..., Run]) -> None:
    site.write("notes/ana/2026-11-16-n.md", note("N", tgas="[x]"))
    result = build()
    assert "n.md:5: warning: unknown key `tgas` is ignored" in result.err
    assert "did you mean `tags`?" in result.err


@pytest.mark.parametrize(("field", "value", "message"), [
    ("url", "javascript:alert(1)", "`url` must be an absolute http:// or https:// address"),
    ("url", "ftp://example.org/file", "`url` must be an absolute http:// or https:// address"),
    ("via", "javascript:alert(1)", "`via` may be an author's handle, a name, or an http(s) address"),
])
def test_links_in_front_matter_are_http_only(site: SiteDir, build: Callable[..., Run], field: str, value: str, message: str) -> None:
    values = {"url": "https://example.org/", field: value}
    site.write("links/2026-11-16-l.md", f"---\nurl: {values['url']}\ndate: 2026-11-16\nauthor: ana\n"
               + (f"via: {values['via']}\n" if "via" in values else "") + "---\nWhy.\n")
    result = build(ok=False)
    assert message in result.err


def test_author_urls_are_http_only(site: SiteDir, build: Callable[..., Run]) -> None:
    site.write("authors.yaml", "ana:\n  name: Ana\n  publish: public\n  url: javascript:alert(1)\n  feed: data:x\n")
    result = build(ok=False)
    assert "authors.yaml:4: error: `ana.url` must be an absolute http:// or https:// address" in result.err
    assert "authors.yaml:5: error: `ana.feed` must be an absolute http:// or https:// address" in result.err


def test_a_huge_file_is_fine(site: SiteDir, build: Callable[..., Run]) -> None:
    body = ("A paragraph of ordinary words that goes on for a while. " * 20 + "\n\n") * 1500  # ~1.7 MB
    site.write("notes/ana/2026-11-16-huge.md", note("Huge", body=body))
    build()
    assert (site.output / "notes/huge/index.html").stat().st_size > 1_000_000


def test_bad_command_line_exits_2(run: Callable[..., Run]) -> None:
    result = run("build", "--no-such-flag")
    assert result.code == 2
    assert "unrecognized arguments: --no-such-flag" in result.err
    assert "Traceback" not in result.err


def test_missing_content_directory_is_a_usage_error(run: Callable[..., Run], tmp_path: Path) -> None:
    result = run("build", "--content", tmp_path / "nope", "--output", tmp_path / "out")
    assert result.code == 2
    assert "does not exist" in result.err


def test_symlink_leaving_the_content_dir_is_refused(site: SiteDir, build: Callable[..., Run], tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-PASSWORD")
    (site.content / "static").mkdir()
    (site.content / "static/leak.txt").symlink_to(secret)
    result = build(ok=False)
    assert "leak.txt:1: error: this file is a link to somewhere outside the content directory" in result.err
    assert not site.output.exists() or "TOP-SECRET" not in str(site.files())


def test_a_file_name_that_is_not_utf8_is_an_error_naming_it(site: SiteDir, build: Callable[..., Run]) -> None:
    """An accented name saved by an old tool (Latin-1 bytes): one line naming the file, with
    its bytes shown as escapes and the name it probably meant, never an internal error."""
    site.write("notes/ana/2026-11-16-good.md", note("Good"))
    folder = os.fsencode(site.content / "notes/ana")
    with open(os.path.join(folder, b"2026-11-16-caf\xe9.md"), "wb") as handle:
        handle.write(note("Caf\u00e9").encode("utf-8"))
    result = build(ok=False)
    assert result.code == 1
    shown = str(site.content / "notes/ana") + "/2026-11-16-caf\\xe9.md"
    assert result.err == (f"{shown}:1: error: this file's name is not valid UTF-8, so weeknotes cannot use it\n"
                          "  hint: rename the file; read as Latin-1, its name is `2026-11-16-café.md`\n"
                          "1 error; nothing was written.\n")
    assert not site.output.exists()
