"""`weeknotes links` against a real HTTP server on 127.0.0.1 (tests/link_server.py), then
`build`, `digest` and `check` from the health file it wrote.

The server logs every request with its method, headers, start and end, so politeness is
shown by the log itself: one request at a time per host, the pause, HEAD before GET,
Retry-After, and a body nobody read.
"""

from __future__ import annotations

import email
import email.policy
import itertools
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import lxml.html
import pytest
import yaml

from tests.conftest import Run, SiteDir, link
from tests.link_server import Answer, LinkServer, Logged, link_server, redirect

DAY = 86400
EPOCH = 1795000000  # 2026-11-18 in the site's timezone (conftest's `run` sets it)
PAUSE = 0.2
TIMEOUT = 1.0
HUGE = 64 * 1024 * 1024


@pytest.fixture
def server() -> Iterator[LinkServer]:
    with link_server() as s:
        yield s


@pytest.fixture
def links(site: SiteDir, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """Run `weeknotes links` on `day` days after EPOCH."""
    def do(*extra: str, day: int = 0) -> Run:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + day * DAY))
        return run("links", "--content", site.content, "--timeout", str(TIMEOUT), "--pause", str(PAUSE), *extra)
    return do


def curate(site: SiteDir, name: str, url: str, date: str = "2026-11-17", author: str = "ana", **extra: str) -> str:
    site.write(f"links/{date}-{name}.md", link(url, date=date, author=author, title=name.replace("-", " ").title(),
                                               tags="[practice]", **extra))
    return url


def health(site: SiteDir) -> dict[str, dict[str, object]]:
    data: dict[str, dict[str, object]] = yaml.safe_load((site.content / "links-health.yaml").read_text(encoding="utf-8"))
    return data


def lines_for(result: Run, url: str) -> list[str]:
    return [line for line in result.out.splitlines() if f" {url}: " in line]


def the_web(server: LinkServer) -> dict[str, str]:
    """One route per answer the issue names; name -> curated address."""
    s = server
    return {
        "fine": s.route("/fine", Answer(200)),
        "missing": s.route("/missing", Answer(404)),
        "gone": s.route("/gone", Answer(410)),
        "moved": s.route("/moved", redirect(301, "/moved-here")),
        "no-head": s.route("/no-head", Answer(200, head_status=405)),
        "busy": s.route("/busy", Answer(429, (("Retry-After", "1"),)), Answer(200)),
        "busy-for-long": s.route("/busy-for-long", Answer(429, (("Retry-After", "3600"),))),
        "down": s.route("/down", Answer(503)),
        "slow": s.route("/slow", Answer(200, drip=0.3)),
        "late": s.route("/late", Answer(200, delay=1.5)),  # nothing at all before the deadline
        "loop": s.route("/loop", redirect(301, "/loop-back")),
        "huge": s.route("/huge", Answer(200, head_status=405, body_size=HUGE)),
    }


def add_the_web(site: SiteDir, server: LinkServer) -> dict[str, str]:
    server.route("/moved-here", Answer(200))
    server.route("/loop-back", redirect(302, "/loop"))
    web = the_web(server)
    for name, url in web.items():
        curate(site, name, url)
    return web


def one_at_a_time(log: list[Logged]) -> None:
    """No request started before the one before it had ended, and the pause came between."""
    ordered = sorted(log, key=lambda entry: entry.start)
    assert len(ordered) > 1
    for before, after in itertools.pairwise(ordered):
        assert after.start >= before.end, f"{after.method} {after.path} began during {before.method} {before.path}"
        assert after.start - before.end >= PAUSE * 0.9, f"no pause before {after.method} {after.path}"


def test_each_answer_is_recorded_as_the_rules_say_and_asked_politely(
        site: SiteDir, server: LinkServer, links: Callable[..., Run]) -> None:
    web = add_the_web(site, server)
    result = links()
    assert result.code == 0, result.err  # not fine addresses fail only with --strict
    server.wait_until_idle()
    records = health(site)
    assert records[web["fine"]] == {"status": "ok"}
    assert records[web["no-head"]] == {"status": "ok"}
    assert records[web["huge"]] == {"status": "ok"}
    assert records[web["busy"]] == {"status": "ok"}  # asked again after the wait it asked for
    assert records[web["gone"]] == {"status": "dead", "answer": "410 Gone", "since": date(2026, 11, 18)}
    assert records[web["missing"]] == {"status": "failing", "answer": "404 Not Found", "since": date(2026, 11, 18)}
    assert records[web["moved"]] == {"status": "moved", "answer": "301 Moved Permanently", "since": date(2026, 11, 18),
                                     "moved_to": server.url + "/moved-here"}
    assert records[web["down"]] == {"status": "transient", "answer": "503 Service Unavailable",
                                    "since": date(2026, 11, 18)}
    for slow in ("slow", "late"):
        assert records[web[slow]] == {"status": "transient", "answer": "timed out", "since": date(2026, 11, 18)}
    assert records[web["loop"]]["status"] == "transient" and "redirect loop" in str(records[web["loop"]]["answer"])
    assert web["busy-for-long"] not in records  # left for the next run: nothing learnt
    assert sorted(records) == sorted(set(web.values()) - {web["busy-for-long"]})

    # One line per address that is not fine, then a summary.
    for name, label in [("gone", "dead"), ("missing", "failing"), ("moved", "moved"), ("down", "transient"),
                        ("slow", "transient"), ("late", "transient"), ("loop", "transient"),
                        ("busy-for-long", "deferred")]:
        [line] = lines_for(result, web[name])
        assert line.startswith(f"{label}: {web[name]}: ") and f"links/2026-11-17-{name}.md" in line
    for name in ("fine", "no-head", "huge", "busy"):
        assert not lines_for(result, web[name])
    assert result.out.splitlines()[-1].startswith("asked 12 addresses on 1 host: 4 fine, 1 moved, 1 failing, "
                                                  "1 dead, 4 transient, 1 left for the next run;")
    assert "moved permanently to " + server.url + "/moved-here" in lines_for(result, web["moved"])[0]

    # The server's log: one request at a time, with a pause between; who is asking.
    one_at_a_time(server.log)
    assert not server.overlapping()
    agents = {entry.headers["user-agent"] for entry in server.log}
    assert len(agents) == 1
    agent = agents.pop()
    assert agent.startswith("weeknotes/") and "https://example.org/wol/" in agent and "Test Circle" in agent
    # HEAD first; GET only where HEAD is refused, and no body read beyond what the socket held.
    assert [e.method for e in server.requests_for("/fine")] == ["HEAD"]
    assert [e.method for e in server.requests_for("/no-head")] == ["HEAD", "GET"]
    [_, huge] = server.requests_for("/huge")
    assert huge.method == "GET" and huge.body_sent < HUGE
    # Retry-After: 1 was waited for (no request at all to the host meanwhile); 3600 was not.
    first, second = server.requests_for("/busy")
    assert second.start - first.end >= 1.0
    assert not [e for e in server.log if first.end < e.start < second.start]
    assert len(server.requests_for("/busy-for-long")) == 1
    assert [e.path for e in server.requests_for("/moved-here")] == ["/moved-here"]
    assert len(server.requests_for("/loop")) == 1 and len(server.requests_for("/loop-back")) == 1

    # A day later nothing about any address has changed: the file is left exactly as it was.
    path = site.content / "links-health.yaml"
    before, stat = path.read_bytes(), path.stat()
    again = links(day=1)
    assert again.code == 0, again.err
    assert path.read_bytes() == before
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)
    assert again.out.splitlines()[-1].endswith("links-health.yaml unchanged")


def test_strict_fails_only_when_an_address_is_not_fine(
        site: SiteDir, server: LinkServer, links: Callable[..., Run]) -> None:
    curate(site, "fine", server.route("/fine", Answer(200)))
    assert links("--strict").code == 0
    curate(site, "down", server.route("/down", Answer(502)))
    failed = links("--strict")
    assert failed.code == 1 and "--strict" in failed.err
    assert links().code == 0


def test_a_redirect_with_retry_after_is_followed_after_that_wait(
        site: SiteDir, server: LinkServer, links: Callable[..., Run]) -> None:
    server.route("/there", Answer(200))
    curate(site, "wait-then-go", server.route("/wait-then-go", Answer(302, (("Location", "/there"),
                                                                              ("Retry-After", "1")))))
    assert links().code == 0
    first, second = server.log
    assert (first.path, second.path) == ("/wait-then-go", "/there")
    assert second.start - first.end >= 1.0


def test_a_404_is_dead_only_when_a_run_a_week_after_the_first_failing_one_still_fails(
        site: SiteDir, server: LinkServer, links: Callable[..., Run], run: Callable[..., Run]) -> None:
    missing = curate(site, "missing", server.route("/missing", Answer(404)))
    back = curate(site, "back", server.route("/back", Answer(404), Answer(200)))
    path = site.content / "links-health.yaml"
    links(day=0)
    assert health(site)[missing] == {"status": "failing", "answer": "404 Not Found", "since": date(2026, 11, 18)}
    assert health(site)[back]["status"] == "failing"
    first = path.read_bytes()
    links(day=1)  # `back` answers again: it is fine; `missing` still fails, a day on
    assert health(site)[back] == {"status": "ok"}
    assert health(site)[missing] == {"status": "failing", "answer": "404 Not Found", "since": date(2026, 11, 18)}
    links(day=6)
    assert health(site)[missing]["status"] == "failing"
    assert path.read_bytes() != first  # only `back` changed since the first run
    result = links(day=7)
    assert health(site)[missing] == {"status": "dead", "answer": "404 Not Found", "since": date(2026, 11, 18),
                                     "confirmed": date(2026, 11, 25)}
    [line] = lines_for(result, missing)
    assert line.startswith("dead: ")
    assert len(server.requests_for("/missing")) == 4  # asked on every run, once each

    built = run("build", "--content", site.content, "--output", site.output)
    assert built.code == 0, built.err
    page = lxml.html.fromstring((site.output / "links/missing/index.html").read_bytes())
    [copy] = page.cssselect(".link-gone a.archived-copy")
    assert copy.get("href") == f"https://web.archive.org/web/20261117/{missing}"
    assert not lxml.html.fromstring((site.output / "links/back/index.html").read_bytes()).cssselect(".link-gone")


def test_transient_answers_never_make_an_address_dead(
        site: SiteDir, server: LinkServer, links: Callable[..., Run]) -> None:
    flaky = curate(site, "flaky", server.route("/flaky", Answer(404), Answer(503), Answer(500), Answer(404)))
    links(day=0)
    links(day=8)  # a 5xx a week later neither confirms the 404 nor clears it
    assert health(site)[flaky] == {"status": "failing", "answer": "404 Not Found", "since": date(2026, 11, 18)}
    links(day=9)
    assert health(site)[flaky]["status"] == "failing"
    links(day=10)  # failing again, more than a week after the first failing run
    assert health(site)[flaky]["status"] == "dead"

    down = curate(site, "down", server.route("/down", Answer(503)))
    for day in (11, 30, 60):
        links(day=day)
    assert health(site)[down] == {"status": "transient", "answer": "503 Service Unavailable", "since": date(2026, 11, 29)}


def test_one_request_at_a_time_per_host_even_across_redirects(
        site: SiteDir, server: LinkServer, links: Callable[..., Run]) -> None:
    # Two hosts on one server: 127.0.0.1 and localhost. Each answer takes a while, so requests
    # made at once would be seen at once; some addresses of one host redirect to the other.
    other = server.url.replace("127.0.0.1", "localhost")
    for number in range(4):
        curate(site, f"here-{number}", server.route(f"/here-{number}", Answer(200, delay=0.1)))
        server.route(f"/there-{number}", Answer(200, delay=0.1))
        curate(site, f"there-{number}", f"{other}/there-{number}")
        curate(site, f"across-{number}", server.route(f"/across-{number}", redirect(302, f"{other}/there-{number}")))
    result = links()
    assert result.code == 0, result.err
    server.wait_until_idle()
    hosts = {entry.headers["host"].split(":")[0] for entry in server.log}
    assert hosts == {"127.0.0.1", "localhost"}
    for host in hosts:
        one_at_a_time([entry for entry in server.log if entry.headers["host"].startswith(host + ":")])
    assert len(server.log) == 16
    assert len(health(site)) == 12 and all(r == {"status": "ok"} for r in health(site).values())


WELSH = {"gone": "Mae\u2019r cyfeiriad hwn wedi diflannu.", "read": "Darllenwch y copi wedi\u2019i archifo"}


def test_dead_links_offer_their_archived_copy_where_they_are_shown_and_nowhere_else(
        site: SiteDir, server: LinkServer, links: Callable[..., Run], run: Callable[..., Run]) -> None:
    dead = curate(site, "dead", server.route("/dead", Answer(410)), date="2026-11-16")
    curate(site, "dead-again", dead, date="2026-11-17", author="ben")  # the same address, merged in the digest
    curate(site, "kept", server.route("/kept", Answer(410)), archive="https://archive.example.net/kept")
    live = curate(site, "live", server.route("/live", Answer(200)), archive="https://archive.example.net/live")
    curate(site, "moved", server.route("/moved", redirect(308, "/live")))
    curate(site, "failing", server.route("/failing", Answer(404)))
    curate(site, "down", server.route("/down", Answer(503)))
    site.write("notes/ana/2026-11-16-a-note.md", "---\ntitle: A note\ndate: 2026-11-16\nauthor: ana\n---\n\nHello.\n")
    built = run("build", "--content", site.content, "--output", site.output)
    assert built.code == 0, built.err
    assert b"class=\"link-gone\"" not in b"".join(site.files().values())  # nothing known yet
    assert links().code == 0
    built = run("build", "--content", site.content, "--output", site.output)  # the same output folder, again
    assert built.code == 0, built.err
    wayback = f"https://web.archive.org/web/20261116/{dead}"
    copies = {"dead": wayback, "dead-again": f"https://web.archive.org/web/20261117/{dead}",
              "kept": "https://archive.example.net/kept"}

    def gone_in(rel: str) -> list[str]:
        page = lxml.html.fromstring((site.output / rel).read_bytes())
        found = page.cssselect(".link-gone")
        assert all(p.text_content().startswith("This address is gone.") for p in found)
        return [a.get("href") for p in found for a in p.cssselect("a.archived-copy")]

    for slug in ("live", "moved", "failing", "down"):
        assert gone_in(f"links/{slug}/index.html") == []
    for slug, copy in copies.items():
        assert gone_in(f"links/{slug}/index.html") == [copy]
    # Lists: each dead entry says it, with its own copy; the rest say nothing.
    for rel in ("index.html", "links/index.html", "tags/practice/index.html"):
        assert sorted(gone_in(rel)) == sorted(copies.values()), rel
    assert sorted(gone_in("authors/ana/index.html")) == sorted([copies["dead"], copies["kept"]])
    assert gone_in("authors/ben/index.html") == [copies["dead-again"]]
    assert gone_in("notes/a-note/index.html") == []
    # The week's digest: one entry per address, the first curation's copy; the email too.
    assert sorted(gone_in("weeks/2026-W47/index.html")) == sorted([wayback, copies["kept"]])
    assert sorted(gone_in("weeks/2026-W47/email.html")) == sorted([wayback, copies["kept"]])
    markdown = run("digest", "2026-W47", "--content", site.content, "--format", "markdown").out
    assert markdown.count("This address is gone.") == 2
    assert f"This address is gone. [Read the archived copy]({wayback})" in markdown
    assert "archive.example.net/live" not in markdown
    eml = run("digest", "2026-W47", "--content", site.content, "--format", "eml")
    message = email.message_from_bytes(eml.out.encode("utf-8"), policy=email.policy.default)
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert f"Archived copy: {wayback}" in text and "Archived copy: https://archive.example.net/kept" in text
    assert text.count("Archived copy:") == 2
    html = lxml.html.fromstring(message.get_body(("html",)).get_content())  # type: ignore[union-attr]
    assert sorted(a.get("href") for a in html.cssselect(".link-gone a.archived-copy")) == sorted([wayback, copies["kept"]])
    assert live not in " ".join(gone_in("weeks/2026-W47/index.html"))

    site.write("site.yaml", (site.content / "site.yaml").read_text() + "language: cy\n")
    assert run("build", "--content", site.content, "--output", site.output).code == 0
    page = lxml.html.fromstring((site.output / "links/dead/index.html").read_bytes())
    [said] = page.cssselect(".link-gone")
    assert said.text_content().split() == " ".join(WELSH.values()).split()


def test_check_warns_at_the_url_line_of_dead_and_moved_addresses(
        site: SiteDir, server: LinkServer, links: Callable[..., Run], run: Callable[..., Run]) -> None:
    curate(site, "dead", server.route("/dead", Answer(410)))
    curate(site, "moved", server.route("/moved", redirect(301, "/new-home")))
    server.route("/new-home", Answer(200))
    curate(site, "live", server.route("/live", Answer(200)))
    curate(site, "failing", server.route("/failing", Answer(404)))

    def warnings() -> list[str]:
        checked = run("check", "--content", site.content)
        assert checked.code == 0, checked.err
        return [line for line in (checked.out + checked.err).splitlines() if ": warning: " in line]

    before = warnings()  # plain http:// addresses, and the placeholder base_url
    links()
    added = sorted(set(warnings()) - set(before))
    assert len(added) == 2, added
    [about_moved] = [w for w in added if "2026-11-17-moved.md" in w]
    assert about_moved.split(": warning: ")[0].endswith("2026-11-17-moved.md:2")  # the `url:` line
    assert f"moved permanently to {server.url}/new-home" in about_moved
    [about_dead] = [w for w in added if "2026-11-17-dead.md" in w]
    assert about_dead.split(": warning: ")[0].endswith(":2") and "410 Gone" in about_dead
    assert run("check", "--content", site.content, "--strict").code == 1


def test_archive_is_checked_like_url(site: SiteDir, run: Callable[..., Run]) -> None:
    curate(site, "odd", "https://example.net/odd", archive="javascript:alert(1)")
    checked = run("check", "--content", site.content)
    assert checked.code == 1
    assert "2026-11-17-odd.md:7: error: `archive` must be an absolute http:// or https:// address" in checked.err


def test_a_broken_health_file_is_an_error_at_its_line(site: SiteDir, run: Callable[..., Run]) -> None:
    site.write("links-health.yaml", "https://example.net/a:\n  status: ok\nhttps://example.net/b:\n  status: poorly\n")
    built = run("build", "--content", site.content, "--output", site.output)
    assert built.code == 1
    assert "links-health.yaml:3: error: the record of https://example.net/b needs a `status:`" in built.err


def test_an_address_beyond_ascii_is_asked_as_a_browser_would(
        site: SiteDir, server: LinkServer, links: Callable[..., Run]) -> None:
    server.route("/wiki/Stra%C3%9Fe", Answer(200))
    street = curate(site, "street", server.url + "/wiki/Straße")
    assert links().code == 0
    assert health(site)[street] == {"status": "ok"}
    assert [e.path for e in server.log] == ["/wiki/Stra%C3%9Fe"]


def test_an_address_that_is_not_curated_any_more_leaves_the_file(
        site: SiteDir, server: LinkServer, links: Callable[..., Run]) -> None:
    gone = curate(site, "gone", server.route("/gone", Answer(410)))
    fine = curate(site, "fine", server.route("/fine", Answer(200)))
    links()
    assert set(health(site)) == {gone, fine}
    Path(site.content / "links/2026-11-17-gone.md").unlink()
    links(day=1)
    assert set(health(site)) == {fine}
