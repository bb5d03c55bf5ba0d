"""`weeknotes send` and `digest --format eml`: real SMTP servers on 127.0.0.1 (aiosmtpd), messages
read back with the standard library's email package and lxml."""

from __future__ import annotations

import email.policy
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import lxml.html
import pytest
import yaml

from tests.conftest import SITE_YAML, Run, SiteDir, link, note
from tests.smtp_support import self_signed, server_context, smtp_server

AFTER_W47 = "1795424400"  # Monday 2026-11-23 09:00 UTC: week 2026-W47 has ended
UNSUBSCRIBE = "https://lists.example.org/unsubscribe/circle"


@pytest.fixture
def week(site: SiteDir, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch) -> SiteDir:
    """A site whose week 2026-W47 has an intro, a note, a link curated twice and an internal note."""
    site.write("site.yaml", SITE_YAML + f"email:\n  unsubscribe: {UNSUBSCRIBE}\n")
    site.write("digests/2026-W47.md", "---\ntitle: Zoë's week of threads\neditors: [ana]\n---\n\n"
                                      "Welcome back, **everyone**. Start with [the about page](/about/).\n")
    site.write("notes/ana/2026-11-16-small-wins.md",
               note("A week of small wins", summary="Three small wins and one question."))
    site.write("notes/ben/2026-11-17-secret.md", note("Secret planning", author="ben", visibility="internal",
                                                     summary="Only for colleagues."))
    site.write("links/2026-11-17-one.md", link("https://example.net/slow-learning", title="Notes on slow learning",
                                               body="Ana's take: read the third part, and [my note](../../notes/small-wins/)."))
    site.write("links/2026-11-18-two.md", link("https://example.net/slow-learning/", author="ben", date="2026-11-18",
                                               body="Ben's take:\n\n- slower\n- deeper\n"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", AFTER_W47)
    monkeypatch.delenv("WEEKNOTES_SMTP_USER", raising=False)
    monkeypatch.delenv("WEEKNOTES_SMTP_PASSWORD", raising=False)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    return site


def send(run: Callable[..., Run], site: SiteDir, port: int, *extra: str) -> Run:
    return run("send", "2026-W47", "--content", site.content, "--to", "circle@lists.example.org",
               "--from", "Zoë Brennan <zoe@example.org>", "--smtp", f"127.0.0.1:{port}", *extra)


def sent_record(site: SiteDir) -> Any:
    path = site.content / "digests/sent.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None


def parts(message: EmailMessage) -> tuple[str, str]:
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert isinstance(text, EmailMessage) and isinstance(html, EmailMessage)
    # Lines end in CRLF on the wire, as RFC 5322 requires.
    return text.get_content().replace("\r\n", "\n"), html.get_content().replace("\r\n", "\n")


def test_send_delivers_one_message_with_both_parts_once(week: SiteDir, run: Callable[..., Run]) -> None:
    with smtp_server() as inbox:
        result = send(run, week, inbox.port)
        assert result.code == 0, result.err
        assert len(inbox.received) == 1
        arrived = inbox.received[0]
        assert arrived.mail_from == "zoe@example.org"
        assert arrived.rcpt_tos == ("circle@lists.example.org",)
        message = arrived.message
        assert message.get_content_type() == "multipart/alternative"
        assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
        assert all(p.get_content_charset() == "utf-8" for p in message.iter_parts())
        assert message["Subject"] == "Zoë's week of threads"
        assert message["From"].addresses[0].display_name == "Zoë Brennan"
        raw_headers = arrived.data.split(b"\r\n\r\n", 1)[0]
        assert b"=?utf-8?" in raw_headers and "ë".encode() not in raw_headers  # RFC 2047, 7-bit headers
        assert message["To"] == "circle@lists.example.org"
        assert parsedate_to_datetime(message["Date"]).isoformat() == "2026-11-23T00:00:00+00:00"
        assert message["Message-ID"].startswith("<weeknotes.2026-W47.") and message["Message-ID"].endswith("@example.org>")
        assert message["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

        text, html = parts(message)
        doc = lxml.html.fromstring(html)
        hrefs = [a.get("href") for a in doc.iter("a")]
        assert "https://example.org/wol/about/" in hrefs and "https://example.org/wol/notes/small-wins/" in hrefs
        assert hrefs and all(h.startswith(("https://", "http://")) for h in hrefs)
        assert not doc.cssselect("script")
        # The text part is written for people: the intro, each note and link with its full address, every
        # curator's own words, and no markup.
        assert "<" not in text.replace("<https://", "").replace("<http://", "")
        for expected in ["Zoë's week of threads", "Welcome back, everyone. Start with the about page\n<https://example.org/wol/about/>.",
                         "A week of small wins", "https://example.org/wol/notes/small-wins/",
                         "Three small wins and one question.", "Notes on slow learning", "https://example.net/slow-learning",
                         "Ana's take: read the third part, and my note", "Ben's take:", "- slower\n    - deeper",
                         "Curated by 2 people", f"Unsubscribe: {UNSUBSCRIBE}",
                         "Read it on the web: https://example.org/wol/weeks/2026-W47/"]:
            assert expected in text, expected
        assert all(len(line) <= 78 for line in text.splitlines())
        # Built for the public: the internal note is in neither part.
        assert "Secret planning" not in text + html and "Only for colleagues" not in text + html
        assert "Internal" not in text + html

        record = sent_record(week)
        assert record["2026-W47"]["public"]["to"] == ["circle@lists.example.org"]
        assert record["2026-W47"]["public"]["message_id"] == message["Message-ID"]
        assert "recorded in" in result.out

        again = send(run, week, inbox.port)
        assert again.code == 1
        assert "2026-W47 was already sent" in again.err and "--again" in again.err
        assert "Traceback" not in again.err
        assert len(inbox.received) == 1

        forced = send(run, week, inbox.port, "--again")
        assert forced.code == 0, forced.err
        assert len(inbox.received) == 2
        assert inbox.received[1].data == inbox.received[0].data  # the same message, byte for byte


def test_dry_run_sends_and_records_nothing_and_reports_the_checks(week: SiteDir, run: Callable[..., Run]) -> None:
    with smtp_server() as inbox:
        result = send(run, week, inbox.port, "--dry-run")
        assert result.code == 0, result.err
        assert inbox.received == []
    assert sent_record(week) is None
    out = result.out
    assert "would send the digest of 2026-W47 for the public audience" in out
    assert "subject: Zoë's week of threads" in out and "to:      circle@lists.example.org" in out
    assert "ok: every link is an absolute http(s) address" in out and "ok: the week has ended" in out
    assert "nothing was sent" in out


def test_a_refused_login_sends_and_records_nothing(week: SiteDir, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch) -> None:
    with smtp_server(login=("editor", "right horse")) as inbox:
        monkeypatch.setenv("WEEKNOTES_SMTP_USER", "editor")
        monkeypatch.setenv("WEEKNOTES_SMTP_PASSWORD", "wrong battery")
        refused = send(run, week, inbox.port)
        assert refused.code == 1
        assert refused.err.count("\n") == 1 and "refused the login for editor" in refused.err
        assert inbox.received == [] and sent_record(week) is None

        monkeypatch.setenv("WEEKNOTES_SMTP_PASSWORD", "right horse")
        accepted = send(run, week, inbox.port)
        assert accepted.code == 0, accepted.err
        assert inbox.logins == ["editor"] and len(inbox.received) == 1
        assert "right horse" not in sent_record(week).__repr__()


def test_only_user_or_only_password_is_a_usage_error(week: SiteDir, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEEKNOTES_SMTP_USER", "editor")
    result = send(run, week, 1)
    assert result.code == 2 and "WEEKNOTES_SMTP_PASSWORD" in result.err


def test_starttls_with_a_trusted_certificate_sends(week: SiteDir, run: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cert, key = self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts this one certificate
    with smtp_server(tls_context=server_context(cert, key)) as inbox:
        result = send(run, week, inbox.port, "--starttls")
        assert result.code == 0, result.err
        assert len(inbox.received) == 1
    assert "(STARTTLS)" in result.out


def test_tls_failures_are_one_line_and_record_nothing(week: SiteDir, run: Callable[..., Run], tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)  # not trusted by the client: SSL_CERT_FILE is not set
    with smtp_server(tls_context=server_context(cert, key)) as inbox:
        untrusted = send(run, week, inbox.port, "--starttls")
        assert inbox.received == []
    assert untrusted.code == 1
    assert untrusted.err.startswith("error: TLS failed with 127.0.0.1:") and untrusted.err.count("\n") == 1
    assert "certificate" in untrusted.err
    with smtp_server() as inbox:  # no STARTTLS offered at all
        plain = send(run, week, inbox.port, "--starttls")
        assert inbox.received == []
    assert plain.code == 1 and "TLS failed" in plain.err and "does not offer STARTTLS" in plain.err
    assert sent_record(week) is None


def test_implicit_tls_with_a_trusted_certificate_sends(week: SiteDir, run: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cert, key = self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    with smtp_server(tls_context=server_context(cert, key), implicit_tls=True) as inbox:
        result = send(run, week, inbox.port, "--ssl")
        assert result.code == 0, result.err
        assert len(inbox.received) == 1


def test_a_rejected_recipient_stops_the_whole_send(week: SiteDir, run: Callable[..., Run]) -> None:
    with smtp_server(refuse=frozenset({"nobody@example.org"})) as inbox:
        result = send(run, week, inbox.port, "--to", "nobody@example.org")
        assert inbox.received == []  # not even the list address got it
    assert result.code == 1
    assert result.err == (f"error: the SMTP server 127.0.0.1:{inbox.port} refused the recipient nobody@example.org: "
                          "550 5.1.1 <nobody@example.org>: no such mailbox here\n")
    assert sent_record(week) is None


def test_connection_refused_is_one_line(week: SiteDir, run: Callable[..., Run]) -> None:
    with smtp_server() as inbox:
        port = inbox.port
    result = send(run, week, port)
    assert result.code == 1
    assert result.err == (f"error: could not connect to 127.0.0.1:{port}: connection refused "
                          "(is the SMTP server running, and is this its port?)\n")
    assert sent_record(week) is None


def test_a_week_not_ended_is_refused_unless_forced(week: SiteDir, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")  # Wednesday of 2026-W47
    with smtp_server() as inbox:
        early = send(run, week, inbox.port)
        assert early.code == 1 and "the week ends on 2026-11-23 00:00" in early.err
        assert inbox.received == []
        forced = send(run, week, inbox.port, "--force")
        assert forced.code == 0, forced.err
        assert len(inbox.received) == 1


def test_the_checks_stop_scripts_relative_links_and_images_without_alt(week: SiteDir, run: Callable[..., Run]) -> None:
    # A site's own email template can put anything in the message; the checks stand between it and the list.
    template = (week.root / "themes/default/templates/email.html")
    template.parent.mkdir(parents=True)
    template.write_text('<html><body><script>track()</script><a href="../about/">About</a>'
                        '<a href="mailto:ana@example.org">Mail</a><img src="https://example.org/x.png">'
                        '{% include "digest_content.html" %}</body></html>', encoding="utf-8")
    week.write("notes/ana/2026-11-16-picture.md", note("Picture", body="![](https://example.org/p.png)"))
    with smtp_server() as inbox:
        dry = send(run, week, inbox.port, "--dry-run")
        result = send(run, week, inbox.port)
        assert inbox.received == []
    assert dry.code == 1 and "would be refused" in dry.out
    assert result.code == 1
    for expected in ["a <script> element", '<a href="../about/"> is not an absolute http(s) address',
                     '<a href="mailto:ana@example.org"> is not an absolute', '<img src="https://example.org/x.png"> has no alt text',
                     "was not sent: 3 checks failed"]:
        assert expected in result.err, expected
    assert "Traceback" not in result.err and sent_record(week) is None


def test_an_html_part_over_102_kb_is_refused(week: SiteDir, run: Callable[..., Run]) -> None:
    words = " ".join(f"word{i}" for i in range(1500))
    for n in range(12):
        week.write(f"links/2026-11-19-long-{n}.md", link(f"https://example.net/long/{n}", date="2026-11-19", body=words))
    with smtp_server() as inbox:
        result = send(run, week, inbox.port)
        assert inbox.received == []
    assert result.code == 1 and "Gmail clips messages over 102 KB" in result.err


def test_internal_audience_only_when_asked_and_says_so(week: SiteDir, run: Callable[..., Run]) -> None:
    with smtp_server() as inbox:
        result = send(run, week, inbox.port, "--audience", "internal")
        assert result.code == 0, result.err
        message = inbox.received[0].message
    text, html = parts(message)
    assert "Secret planning" in text and "Secret planning" in html
    assert text.startswith("Internal: do not share outside the organisation.")
    assert "do not share outside the organisation" in lxml.html.fromstring(html).cssselect(".banner")[0].text_content()
    assert message["Subject"] == "[Internal] Zoë's week of threads"
    record = sent_record(week)
    assert list(record["2026-W47"]) == ["internal"]  # the public digest of that week is still to send


def test_settings_from_site_yaml(week: SiteDir, run: Callable[..., Run]) -> None:
    with smtp_server() as inbox:
        week.write("site.yaml", SITE_YAML + f"email:\n  from: Circle <circle@example.org>\n  to: [a@example.org, b@example.org]\n"
                                            f"  smtp: 127.0.0.1:{inbox.port}\n  tls: none\n")
        result = run("send", "--content", week.content)  # the latest week that has ended: 2026-W47
        assert result.code == 0, result.err
        arrived = inbox.received[0]
    assert arrived.mail_from == "circle@example.org" and arrived.rcpt_tos == ("a@example.org", "b@example.org")
    assert arrived.message["To"] == "a@example.org, b@example.org"
    assert "List-Unsubscribe" not in arrived.message


def test_bad_email_settings_are_reported_with_their_line(week: SiteDir, run: Callable[..., Run]) -> None:
    week.write("site.yaml", SITE_YAML + "email:\n  from: not an address\n  smtp: 'smtp.example.org:99999'\n"
                                        "  tls: startls\n  unsubscribe: javascript:alert(1)\n  password: hunter2\n")
    result = run("send", "--content", week.content, "--dry-run")
    assert result.code == 1
    site_yaml = week.content / "site.yaml"
    for expected in [f"{site_yaml}:6: error: `email.from` must be one email address",
                     f"{site_yaml}:7: error: `email.smtp` must be HOST or HOST:PORT",
                     f"{site_yaml}:8: error: `email.tls` must be one of starttls, ssl, none", "did you mean `starttls`?",
                     f"{site_yaml}:9: error: `email.unsubscribe` must be an https:// or mailto: address",
                     f"{site_yaml}:10: warning: unknown key `password` is ignored"]:
        assert expected in result.err, expected


def test_command_line_mistakes_exit_2(week: SiteDir, run: Callable[..., Run]) -> None:
    no_to = run("send", "--content", week.content, "--smtp", "127.0.0.1:1")
    assert no_to.code == 2 and "--to ADDRESS" in no_to.err
    bad_to = run("send", "--content", week.content, "--smtp", "127.0.0.1:1", "--to", "a@example.org, b@example.org")
    assert bad_to.code == 2 and "--to must be one email address" in bad_to.err
    both = run("send", "--content", week.content, "--to", "a@example.org", "--starttls", "--ssl")
    assert both.code == 2
    no_week = run("send", "2026-W01", "--content", week.content, "--to", "a@example.org", "--smtp", "127.0.0.1:1")
    assert no_week.code == 2 and "no digest for 2026-W01" in no_week.err


def test_eml_is_one_complete_message_and_the_same_bytes_every_time(week: SiteDir, run: Callable[..., Run]) -> None:
    first = run("digest", "2026-W47", "--content", week.content, "--format", "eml")
    second = run("digest", "2026-W47", "--content", week.content, "--format", "eml")
    assert first.code == 0, first.err
    assert first.out == second.out
    data = first.out.encode("utf-8")
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    assert not message.defects and all(not p.defects for p in message.walk())
    assert data.isascii()  # 7-bit: UTF-8 lives in quoted-printable bodies and RFC 2047 headers
    boundary = message.get_boundary()
    assert boundary is not None and boundary.startswith("=_weeknotes_")
    assert message["Subject"] == "Zoë's week of threads"
    assert message["From"] == "Test Circle <digest@example.org>"
    assert "To" not in message
    text, html = parts(message)
    assert "A week of small wins" in text and "A week of small wins" in html


def test_posts_from_members_blogs_are_in_the_text_part_with_their_original_address(week, run) -> None:  # type: ignore[no-untyped-def]
    from tests.blog_server import feed_server

    with feed_server() as server:
        week.write("authors.yaml", "ana:\n  name: Ana Pérez\n  publish: public\n  aggregate: true\n"
                                   f"  feed: {server.feed('/ana.xml', 'atom.xml')}\nben:\n  name: Ben Okafor\n  publish: public\n")
        fetched = run("fetch", "--content", week.content, "--timeout", "5")
        assert fetched.code == 0, fetched.err
    result = run("digest", "2026-W47", "--content", week.content, "--format", "eml")
    assert result.code == 0, result.err
    message = email.message_from_bytes(result.out.encode("utf-8"), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    text, html = parts(message)
    assert "From members' blogs\n-------------------" in text
    assert ("- Mapping the referral pathway\n  https://ana.example.net/2026/11/mapping-referrals/\n"
            "  From Ana Pérez's blog, ") in text
    assert "https://ana.example.net/2026/11/mapping-referrals/" in html


def test_footnotes_point_at_the_notes_page_in_email_and_pass_the_checks(week, run) -> None:  # type: ignore[no-untyped-def]
    week.write("links/2026-11-18-two.md", link("https://example.net/slow-learning/", author="ben", date="2026-11-18",
                                               body="Ben's take.[^1]\n\n[^1]: Read it twice.\n"))
    with smtp_server() as inbox:
        result = send(run, week, inbox.port)
        assert result.code == 0, result.err
        text, html = parts(inbox.received[0].message)
    hrefs = [a.get("href") for a in lxml.html.fromstring(html).iter("a")]
    footnotes = [h for h in hrefs if "#fn" in h]
    assert len(footnotes) == 2  # the reference and the way back
    assert all(h.startswith("https://example.org/wol/links/two/#fn") for h in footnotes)
    assert "Ben's take.[1]\n" in text and "1. Read it twice." in text
    # The site's own pages keep the footnote links within the page.
    assert run("build", "--content", week.content, "--output", week.output).code == 0
    page_hrefs = [a.get("href") for a in week.html("links/two/").iter("a")]
    assert any(h.startswith("#fn") for h in page_hrefs)


def test_nothing_a_public_build_would_hide_reaches_the_public_message(week, run) -> None:  # type: ignore[no-untyped-def]
    week.write("authors.yaml", "ana:\n  name: Ana Pérez\n  publish: public\nben:\n  name: Ben Okafor\n  publish: public\n"
                               "cai:\n  name: Cai Sentinel-Private\n  publish: none\n"
                               "dee:\n  name: Dee Sentinel-Internal\n  publish: internal\n")
    week.write("notes/ana/2026-11-17-draft.md", note("DraftSentinel title", visibility="draft", summary="DraftSentinel"))
    week.write("notes/ana/2026-11-18-unlisted.md", note("UnlistedSentinel title", visibility="unlisted"))
    week.write("links/2026-11-18-cai.md", link("https://example.net/cai-only", author="cai", body="CaiSentinel words."))
    week.write("links/2026-11-18-dee.md", link("https://example.net/slow-learning", author="dee", date="2026-11-18",
                                               body="DeeSentinel words."))
    week.write("links/2026-11-19-via.md", link("https://example.net/via", date="2026-11-19", via="cai", body="Found it."))
    with smtp_server() as inbox:
        result = send(run, week, inbox.port)
        assert result.code == 0, result.err
        message = inbox.received[0].message
    text, html = parts(message)
    everything = text + html + str(message)
    assert "Found it." in text and "Ana's take" in text  # the public content is there
    for sentinel in ("Sentinel", "cai-only", "unlisted"):
        assert sentinel not in everything, sentinel
