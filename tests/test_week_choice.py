"""`digest` and `send` without a week take the same one: the latest that has ended in the
site's timezone ("now" is SOURCE_DATE_EPOCH), and both say which. A week with no posts is
not replaced by an older one, and a week already sent is not sent again by a scheduled job."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from tests.conftest import SITE_YAML, Run, SiteDir, link, note
from tests.smtp_support import smtp_server


def epoch(text: str) -> str:
    """SOURCE_DATE_EPOCH for a UTC date-time `YYYY-MM-DD HH:MM`."""
    return str(int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()))


def with_timezone(site: SiteDir, timezone: str) -> None:
    site.write("site.yaml", SITE_YAML.replace("timezone: Europe/London", f"timezone: {timezone}"))


def named_week(said: str) -> str:
    """The week a command says it chose: `the digest of 2026-W47 (...)`."""
    match = re.search(r"the digest of (\d{4}-W\d\d) \(Monday [\d-]+ to Sunday [\d-]+\), the latest week that has ended",
                      said)
    assert match, said
    return match[1]


def dry_run(run: Callable[..., Run], site: SiteDir) -> Run:
    return run("send", "--content", site.content, "--dry-run", "--to", "circle@lists.example.org",
               "--smtp", "127.0.0.1:2525")


@pytest.fixture
def weeks(site: SiteDir) -> SiteDir:
    """Posts in 2026-W46 (Tuesday), W47 (Monday, Sunday) and W48 (Monday 00:30 in Auckland)."""
    site.write("notes/ana/2026-11-10-w46.md", note("Forty-six", date="2026-11-10T12:00:00+00:00"))
    site.write("notes/ana/2026-11-16-w47.md", note("Forty-seven", date="2026-11-16T12:00:00+00:00"))
    site.write("links/2026-11-22-w47.md", link("https://example.net/late", date="2026-11-22T12:00:00+00:00",
                                               title="Late on Sunday"))
    site.write("notes/ben/2026-11-23-w48.md", note("Forty-eight", author="ben", date="2026-11-23T00:30:00+13:00"))
    return site


@pytest.mark.parametrize(("timezone", "now", "expected"), [
    # Sunday 2026-11-22 23:59 UTC: W47 has not ended in UTC; Monday has begun in Auckland (UTC+13).
    ("UTC", "2026-11-22 23:59", "2026-W46"),
    ("Pacific/Auckland", "2026-11-22 11:00", "2026-W47"),
    ("Pacific/Auckland", "2026-11-22 10:59", "2026-W46"),
    # Monday 00:00 UTC is Sunday 16:00 in Los Angeles: W47 is still on there.
    ("UTC", "2026-11-23 00:00", "2026-W47"),
    ("America/Los_Angeles", "2026-11-23 00:00", "2026-W46"),
    ("America/Los_Angeles", "2026-11-23 08:00", "2026-W47"),
    # Across the year: ISO 2026-W53 ends on Sunday 2027-01-03.
    ("Europe/London", "2027-01-04 09:00", "2026-W53"),
])
def test_digest_and_send_choose_the_same_week_that_has_ended(weeks: SiteDir, run: Callable[..., Run],
                                                             monkeypatch: pytest.MonkeyPatch, timezone: str,
                                                             now: str, expected: str) -> None:
    with_timezone(weeks, timezone)
    weeks.write("notes/ana/2026-12-30-w53.md", note("Fifty-three", date="2026-12-30"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(now))
    digest = run("digest", "--content", weeks.content)
    send = dry_run(run, weeks)
    assert named_week(digest.err) == expected == named_week(send.out)
    assert digest.code == 0 and send.code == 0, digest.err + send.err
    titles = {"2026-W46": "Forty-six", "2026-W47": "Forty-seven", "2026-W53": "Fifty-three"}
    assert titles[expected] in digest.out
    assert f"would send the digest of {expected} for the public audience" in send.out
    assert all(other not in digest.out for week, other in titles.items() if week != expected)


def test_a_week_with_no_posts_is_not_replaced_by_an_older_one(weeks: SiteDir, run: Callable[..., Run],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2026-12-08 09:00"))  # W49 has ended; nobody wrote in it
    with smtp_server() as inbox:
        sent = run("send", "--content", weeks.content, "--to", "circle@lists.example.org",
                   "--smtp", f"127.0.0.1:{inbox.port}")
        assert inbox.received == []
    assert sent.code == 0, sent.err
    assert named_week(sent.out) == "2026-W49"
    assert "nothing to send for 2026-W49: it has no posts for the public audience" in sent.out
    assert not (weeks.content / "digests/sent.yaml").exists()
    dry = dry_run(run, weeks)
    assert dry.code == 0 and "nothing to send for 2026-W49" in dry.out and "would send" not in dry.out
    digest = run("digest", "--content", weeks.content)
    assert named_week(digest.err) == "2026-W49"
    assert digest.code == 1 and digest.out == ""
    assert "nothing to print: 2026-W49 has no posts for the public audience" in digest.err
    assert "`weeknotes digest 2026-W47`" in digest.err  # a week to name instead, not taken by itself


def test_a_week_of_internal_posts_only_has_nothing_for_the_public(site: SiteDir, run: Callable[..., Run],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    site.write("notes/ana/2026-11-10-w46.md", note("Forty-six", date="2026-11-10"))
    site.write("notes/ana/2026-11-17-w47.md", note("Only for us", date="2026-11-17", visibility="internal"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2026-11-23 09:00"))
    public = dry_run(run, site)
    assert public.code == 0 and "nothing to send for 2026-W47" in public.out
    internal = run("digest", "--content", site.content, "--audience", "internal")
    assert internal.code == 0 and named_week(internal.err) == "2026-W47" and "Only for us" in internal.out


def test_a_named_week_is_taken_as_named_and_said_once(weeks: SiteDir, run: Callable[..., Run],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2026-12-08 09:00"))
    digest = run("digest", "2026-W46", "--content", weeks.content)
    assert digest.code == 0 and "Forty-six" in digest.out and "latest week" not in digest.err
    send = run("send", "2026-W46", "--content", weeks.content, "--dry-run", "--to", "a@example.org",
               "--smtp", "127.0.0.1:2525")
    assert send.code == 0 and "would send the digest of 2026-W46" in send.out and "latest week" not in send.out


def test_a_scheduled_send_run_again_sends_nothing_and_succeeds(weeks: SiteDir, run: Callable[..., Run],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2026-11-23 09:00"))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")  # as in the scheduled workflow
    with smtp_server() as inbox:
        first = run("send", "--content", weeks.content, "--to", "circle@lists.example.org",
                    "--smtp", f"127.0.0.1:{inbox.port}")
        again = run("send", "--content", weeks.content, "--to", "circle@lists.example.org",
                    "--smtp", f"127.0.0.1:{inbox.port}")
        assert len(inbox.received) == 1
        named = run("send", "2026-W47", "--content", weeks.content, "--to", "circle@lists.example.org",
                    "--smtp", f"127.0.0.1:{inbox.port}")
        assert len(inbox.received) == 1
    assert first.code == 0 and "sent 2026-W47" in first.out, first.err
    assert again.code == 0, again.err
    notices = [line for line in again.out.splitlines() if line.startswith("::notice")]
    assert len(notices) == 1 and "nothing to send: 2026-W47 was already sent to the public audience" in notices[0]
    assert named.code == 1 and "already sent" in named.err  # a week named by hand is still refused loudly


def test_init_dates_its_starter_posts_in_the_week_it_runs(tmp_path, run: Callable[..., Run],  # type: ignore[no-untyped-def]
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # Wednesday 2026-11-18 23:30 UTC is already Thursday 2026-11-19 in Auckland.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2026-11-18 23:30"))
    made = run("init", tmp_path / "site", "--timezone", "Pacific/Auckland", "--ci", "none")
    assert made.code == 0, made.err
    content = tmp_path / "site/content"
    assert "timezone: Pacific/Auckland" in (content / "site.yaml").read_text()
    assert (content / "notes/ada/2026-11-19-first-weeknote.md").read_text().count("date: 2026-11-19\n") == 1
    assert (content / "links/2026-11-19-working-out-loud.md").read_text().count("date: 2026-11-19\n") == 1
    assert "2026-11-19-a-short-title.md" in (tmp_path / "site/README.md").read_text()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2026-11-23 09:00"))  # the next Monday
    digest = run("digest", "--content", content)
    assert digest.code == 0 and named_week(digest.err) == "2026-W47"
    assert "My first weeknote" in digest.out and "Working out loud" in digest.out


def test_init_refuses_an_unknown_timezone(tmp_path, run: Callable[..., Run]) -> None:  # type: ignore[no-untyped-def]
    made = run("init", tmp_path / "site", "--timezone", "Europe/Londres")
    assert made.code == 2 and "--timezone must be an IANA time zone name" in made.err
    assert not (tmp_path / "site").exists()
