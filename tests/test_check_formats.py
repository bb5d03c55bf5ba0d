"""`weeknotes check --format text|github|gitlab|json` and `weeknotes check PATH...`.

Each format is parsed back: GitHub workflow commands by their documented grammar, the
GitLab Code Quality report and the JSON list with the json module.
"""

from __future__ import annotations

import json
import re
import subprocess
from urllib.parse import unquote

import pytest

from tests.conftest import AUTHORS_YAML, link, note

BROKEN = "notes/ana/2026-11-18-broken.md"
COMMAND = re.compile(r"^::(?P<kind>error|warning|notice) (?P<props>[^:]*)::(?P<data>.*)$")


def git_repo(site) -> None:  # type: ignore[no-untyped-def]
    subprocess.run(["git", "init", "-q", str(site.root)], check=True)


def published_address(site) -> None:  # type: ignore[no-untyped-def]
    """A real-looking base_url: the test site's example.org is (rightly) warned about as a placeholder."""
    config = site.content / "site.yaml"
    config.write_text(config.read_text().replace("https://example.org/wol/", "https://notes.openpractice.coop/"))


def workflow_commands(out: str) -> list[dict[str, str]]:
    """Parse `::kind key=value,...::data` lines, undoing GitHub's escapes (%25 %0D %0A %3A %2C)."""
    found = []
    for line in out.splitlines():
        match = COMMAND.match(line)
        if match:
            props = dict(pair.split("=", 1) for pair in match["props"].split(","))
            found.append({"kind": match["kind"], "data": unquote(match["data"]),
                          **{key: unquote(value) for key, value in props.items()}})
    return found


def line_of(path, key: str) -> int:  # type: ignore[no-untyped-def]
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, text in enumerate(lines, 1) if text.startswith(f"{key}:"))


def test_github_annotation_names_the_file_from_the_git_root_and_the_keys_line(site, run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    git_repo(site)
    site.write("notes/ana/2026-11-16-good.md", note("Good"))
    broken = site.write(BROKEN, note("Broken", tags="[a]", visibility="secret"))
    text = run("check", "--content", site.content)
    monkeypatch.chdir(site.content / "notes")  # the path must not depend on where check runs
    result = run("check", "--content", site.content, "--format", "github")
    assert result.code == 1
    errors = [c for c in workflow_commands(result.out) if c["kind"] == "error"]
    assert len(errors) == 1, result.out
    assert errors[0]["file"] == "content/" + BROKEN
    assert int(errors[0]["line"]) == line_of(broken, "visibility") == 6
    assert errors[0]["title"]
    # the same words as the text report
    message = errors[0]["data"].splitlines()[0]
    assert f"{BROKEN}:6: error: {message}" in text.err
    assert message.startswith("`visibility` must be one of")


def test_github_is_chosen_inside_github_actions_and_escapes_what_it_must(site, run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    git_repo(site)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    odd = site.write("notes/ana/2026-11-16-a,b: 100%.md", note("Odd", date="2026-11-16 25:00"))
    result = run("check", "--content", site.content)
    assert result.code == 1
    [error] = workflow_commands(result.out)
    assert error["file"] == "content/notes/ana/2026-11-16-a,b: 100%.md"
    assert int(error["line"]) == line_of(odd, "date")
    assert "\nhint: " in error["data"]  # a hint is on its own line, as in the text report
    assert all(line.startswith("::") or not line.startswith(":") for line in result.out.splitlines())


def test_warnings_are_github_warnings(site, run) -> None:  # type: ignore[no-untyped-def]
    git_repo(site)
    published_address(site)
    site.write("links/2026-11-17-a-link.md", link("https://example.net/a?utm_source=x"))
    result = run("check", "--content", site.content, "--format", "github")
    assert result.code == 0, result.err
    [warning] = workflow_commands(result.out)
    assert warning["kind"] == "warning"
    assert warning["file"] == "content/links/2026-11-17-a-link.md"
    assert "tracking parameters (utm_source)" in warning["data"]


def test_gitlab_code_quality_report(site, run) -> None:  # type: ignore[no-untyped-def]
    git_repo(site)
    broken = site.write(BROKEN, note("Broken", author="anna"))
    site.write("links/2026-11-17-a-link.md", link("https://example.net/a", tgas="[typo]"))
    result = run("check", "--content", site.content, "--format", "gitlab")
    assert result.code == 1
    report = json.loads(result.out)  # stdout is the report and nothing else
    assert isinstance(report, list) and len(report) >= 2
    for issue in report:
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert isinstance(issue["location"]["lines"]["begin"], int)
    assert len({i["fingerprint"] for i in report}) == len(report)
    [error] = [i for i in report if i["location"]["path"] == "content/" + BROKEN]
    assert error["location"]["lines"]["begin"] == line_of(broken, "author")
    assert error["description"].startswith("unknown author 'anna'")
    assert error["severity"] == "major"
    [warning] = [i for i in report if i["location"]["path"] == "content/links/2026-11-17-a-link.md"]
    assert warning["severity"] == "minor" and "tgas" in warning["description"]


def test_json_is_a_list_of_findings_with_the_documented_keys(site, run) -> None:  # type: ignore[no-untyped-def]
    git_repo(site)
    site.write(BROKEN, note("Broken", date="yesterday"))
    result = run("check", "--content", site.content, "--format", "json")
    assert result.code == 1
    [finding] = json.loads(result.out)
    assert set(finding) == {"path", "line", "severity", "message", "hint", "source_line"}
    assert finding["path"] == "content/" + BROKEN
    assert (finding["line"], finding["severity"], finding["source_line"]) == (3, "error", "date: yesterday")
    assert finding["message"].startswith("`date` must be a date")
    nowhere = run("check", "--content", site.root / "nowhere", "--format", "json")
    assert nowhere.code == 2 and nowhere.out == ""


def test_a_clean_site_in_each_machine_format_is_an_empty_list(site, run) -> None:  # type: ignore[no-untyped-def]
    git_repo(site)
    published_address(site)
    site.write("notes/ana/2026-11-16-good.md", note("Good"))
    for fmt in ("gitlab", "json"):
        result = run("check", "--content", site.content, "--format", fmt)
        assert result.code == 0, result.err
        assert json.loads(result.out) == []
        assert "no errors" in result.err
    result = run("check", "--content", site.content, "--format", "github")
    assert result.code == 0 and workflow_commands(result.out) == []


def placements(out: str) -> dict[str, str]:
    found = {}
    for line in out.splitlines():
        match = re.match(r"^(?P<path>\S.*?):1: info: (?P<message>.*)$", line)
        if match:
            found[match["path"].rpartition("/")[2]] = match["message"]
    return found


def test_check_paths_says_where_each_note_will_appear_or_why_not(site, run) -> None:  # type: ignore[no-untyped-def]
    site.write("authors.yaml", AUTHORS_YAML + "cy:\n  name: Cy\n  publish: internal\n")
    given = [
        site.write("notes/ana/2026-11-16-public.md", note("Public")),
        site.write("notes/ana/2026-11-17-draft.md", note("Draft", date="2026-11-17", visibility="draft")),
        site.write("notes/ana/2026-12-02-later.md", note("Later", date="2026-12-02 09:30")),
        site.write("notes/cy/2026-11-16-colleagues.md", note("Colleagues", author="cy")),
        site.write("links/2026-11-17-quiet.md", link("https://example.net/q", visibility="unlisted")),
    ]
    site.write("links/2026-11-17-other.md", link("http://example.net/not-given"))  # a warning, not reported
    result = run("check", "--content", site.content, *given)
    assert result.code == 0, result.err
    assert "example.net/not-given" not in result.out + result.err and "http://" not in result.err
    said = placements(result.out)
    assert said["2026-11-16-public.md"] == (
        "appears at https://example.org/wol/notes/public/, in the digest of week 2026-W47 "
        "(https://example.org/wol/weeks/2026-W47/); seen by: public, internal")
    assert said["2026-11-17-draft.md"].startswith("shown in no build: it is a draft (`visibility: draft`)")
    assert "remove the `visibility: draft` line" in result.out
    assert said["2026-12-02-later.md"].startswith("scheduled until 2026-12-02 09:30+00:00")
    assert "seen by: public, internal" in said["2026-12-02-later.md"]
    assert said["2026-11-16-colleagues.md"].endswith(
        "seen by: internal; not public: its author has not opted in to public publishing: "
        "cy (publish: internal) in authors.yaml")
    assert said["2026-11-17-quiet.md"].startswith(
        "unlisted: its page https://example.org/wol/links/quiet/ is in no list, feed, digest or search")
    assert "will include" not in result.out  # the whole-site audience summary is for `check` alone


def test_check_paths_reports_only_given_files_but_fails_on_any_error(site, run) -> None:  # type: ignore[no-untyped-def]
    good = site.write("notes/ana/2026-11-16-good.md", note("Good"))
    site.write(BROKEN, note("Broken", author="anna"))
    result = run("check", "--content", site.content, good)
    assert result.code == 1
    assert "anna" not in result.err and "anna" not in result.out
    assert "1 error in files not given" in result.out
    focused = run("check", "--content", site.content, site.content / BROKEN)
    assert focused.code == 1 and "unknown author 'anna'" in focused.err
    missing = run("check", "--content", site.content, site.content / "notes/none.md")
    assert missing.code == 2 and "no such file" in missing.err


@pytest.mark.parametrize("fmt", ["yaml", ""])
def test_an_unknown_format_is_a_usage_error(site, run, fmt) -> None:  # type: ignore[no-untyped-def]
    result = run("check", "--content", site.content, "--format", fmt)
    assert result.code == 2 and "--format" in result.err


@pytest.mark.parametrize("fmt", ["github", "gitlab", "json"])
def test_a_note_about_what_was_skipped_is_reported_in_each_machine_format(site, run, fmt) -> None:  # type: ignore[no-untyped-def]
    """A broken authors.yaml is one error plus a note that the Markdown files were not checked."""
    git_repo(site)
    site.write("notes/2026-11-16-hello.md", note("Hello"))
    site.write("authors.yaml", "ana:\n\tname: Ana\n")
    result = run("check", "--content", site.content, "--format", fmt)
    assert result.code == 1, result.err
    assert "skipped checking" in result.out and "internal error" not in result.err


def test_github_annotates_an_error_in_a_file_not_given(site, run) -> None:  # type: ignore[no-untyped-def]
    """A pull request's check that fails must say why on the diff, whichever file is at fault
    (issue 22: `check --format github CHANGED_FILES` failed with no annotation at all)."""
    git_repo(site)
    published_address(site)
    good = site.write("notes/ana/2026-11-16-good.md", note("Good"))
    site.write(BROKEN, note("Broken", author="anna"))
    result = run("check", "--content", site.content, "--format", "github", good)
    assert result.code == 1
    [error] = [c for c in workflow_commands(result.out) if c["kind"] == "error"]
    assert error["file"] == f"content/{BROKEN}" and error["line"] == "4"
    assert error["data"].startswith("unknown author 'anna'")
    assert "in files not given" not in result.out  # it is shown, not counted aside


def test_every_warning_check_counts_is_shown(site, run) -> None:  # type: ignore[no-untyped-def]
    """With paths, the summary counts the warnings shown; those elsewhere are said to be
    elsewhere, and when --strict fails on them a machine format annotates them."""
    git_repo(site)
    published_address(site)
    mine = site.write("notes/ana/2026-11-16-mine.md", note("Mine", tittle="x"))
    site.write("links/2026-11-17-plain.md", link("http://example.net/plain"))
    text = run("check", "--content", site.content, mine)
    assert text.code == 0, text.err
    assert text.err.count(": warning: ") == 1 and "unknown key `tittle`" in text.err
    assert "1 warning in files not given; run `weeknotes check` without paths to see them" in text.out
    assert text.out.rstrip().endswith(": no errors, 1 warning")
    strict = run("check", "--content", site.content, "--format", "github", "--strict", mine)
    assert strict.code == 1
    warned = {(c["file"], c["data"].split("\n")[0]) for c in workflow_commands(strict.out) if c["kind"] == "warning"}
    assert warned == {("content/notes/ana/2026-11-16-mine.md", "unknown key `tittle` is ignored"),
                      ("content/links/2026-11-17-plain.md", "the link uses http://")}
