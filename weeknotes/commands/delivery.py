"""`weeknotes send`: build one week's message, check it, send it once, and record that it went.

Settings come from the command line, else from `email:` in site.yaml; the SMTP user name and
password only from the environment. Nothing is recorded unless the server took the message.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import parseaddr

from weeknotes.base.errors import Problems, UsageError
from weeknotes.base.reporter import Reporter
from weeknotes.commands.report import job_notice
from weeknotes.model.collect import collect_site, latest_ended_week, week_days
from weeknotes.model.settings import Config
from weeknotes.model.values import Audience, Site
from weeknotes.model.weeks import Week
from weeknotes.net.mail_checks import CheckResult, check_digest
from weeknotes.net.send import Login, SendError, Server, deliver
from weeknotes.output.build import BuildOptions, load, now_from_environment
from weeknotes.render.email_message import (
    default_sender,
    digest_message,
    html_part,
    message_bytes,
    message_id,
    week_ended,
)
from weeknotes.render.theme import make_environment
from weeknotes.source.email_settings import parse_address, parse_server
from weeknotes.source.sent_record import Sent, load_sent, record_sent, sent_path
from weeknotes.source.sources import display_path

USER_VARIABLE = "WEEKNOTES_SMTP_USER"
PASSWORD_VARIABLE = "WEEKNOTES_SMTP_PASSWORD"


@dataclass(frozen=True)
class Outgoing:
    """Everything about one send, worked out before anything is sent."""

    site: Site
    week: Week
    message: EmailMessage
    sender: str
    to: tuple[str, ...]
    server: Server
    login: Login | None
    checks: list[CheckResult]
    already: Sent | None

    @property
    def ready(self) -> bool:
        return all(c.passed for c in self.checks)


def run_send(args: argparse.Namespace) -> int:
    reporter: Reporter = args.reporter
    problems = Problems()
    audience_name = args.audience or "public"
    content, theme = load(BuildOptions(content=args.content, audience=audience_name), problems)
    sent = load_sent(args.content, problems)
    problems.raise_if_any()
    reporter.warnings(problems.warnings)
    now = now_from_environment()
    site = collect_site(content, Audience(audience_name, drafts=False, future=False, now=now))
    chosen = choose_week(site, args.week, now)
    earlier = sent.get((chosen.key, audience_name))
    if nothing_to_send(chosen, site, earlier, args.again, reporter):
        return 0
    assert chosen.week is not None
    week = chosen.week
    sender, to, server = settings(args, site.config)
    login = login_from_environment()
    message = digest_message(make_environment(theme, site.language), site, week, sender, to)
    checks = check_digest(html_part(message), now, week_ended(site, week), args.force)
    outgoing = Outgoing(site, week, message, sender, to, server, login, checks,
                        None if args.again else earlier)
    if args.dry_run:
        reporter.info(describe(outgoing, earlier, args.again))
        return 0 if outgoing.ready and outgoing.already is None else 1
    refuse_unready(outgoing, reporter)
    deliver(message_bytes(message), parseaddr(sender)[1], tuple(parseaddr(a)[1] for a in to), server, login)
    record = Sent(week.key, audience_name, datetime.now(UTC).isoformat(timespec="seconds"), to,
                  message_id(site, week))
    try:
        path = record_sent(args.content, sent, record)
    except OSError as exc:  # sent, but not written down: say so, so nobody sends it twice by accident
        raise SendError(f"{week.key} was sent, but recording it in {display_path(sent_path(args.content))} failed: "
                        f"{exc.strerror or exc}; add it there by hand before the next send") from exc
    reporter.info(f"sent {week.key} ({message['Subject']}) to {', '.join(to)} via {server}; "
                  f"recorded in {display_path(path)} (commit it)")
    return 0


def nothing_to_send(chosen: ChosenWeek, site: Site, earlier: Sent | None, again: bool, reporter: Reporter) -> bool:
    """Say which week it is when the clock chose it; True (said why) when there is nothing to send.

    Without a week named, a week already sent is not an error but a job done: a scheduled
    `send` that runs again (or twice) says so and succeeds, and sends nothing.
    """
    audience = site.audience.name
    if not chosen.named:
        reporter.info(f"the digest of {chosen.describe(site)}")
    if chosen.week is None:
        reporter.info(job_notice(f"nothing to send for {chosen.key}: it has no posts for the {audience} audience"))
        return True
    if not chosen.named and earlier is not None and not again:
        reporter.info(job_notice(f"nothing to send: {chosen.key} was already sent to the {audience} audience "
                                 f"on {earlier.sent} (to {', '.join(earlier.to)})"))
        return True
    return False


def settings(args: argparse.Namespace, config: Config) -> tuple[str, tuple[str, ...], Server]:
    """From, To and the server: the command line first, then `email:` in site.yaml."""
    to = tuple(cli_address(a, "--to") for a in args.to) if args.to else config.email.to
    if not to:
        raise UsageError("say who receives the digest: --to ADDRESS, or `email.to` in site.yaml")
    sender = cli_address(args.sender, "--from") if args.sender else default_sender(config)
    tls = "starttls" if args.starttls else "ssl" if args.ssl else config.email.tls
    smtp = args.smtp or config.email.smtp
    if not smtp:
        raise UsageError("say which SMTP server sends it: --smtp HOST[:PORT], or `email.smtp` in site.yaml")
    parsed = parse_server(smtp, tls)
    if parsed is None:
        raise UsageError(f"--smtp must be HOST or HOST:PORT, not {smtp!r}")
    return sender, to, Server(parsed[0], parsed[1], tls)


def cli_address(text: str, flag: str) -> str:
    parsed = parse_address(text)
    if parsed is None:
        raise UsageError(f"{flag} must be one email address like `Name <name@example.org>`, not {text!r}")
    return parsed


def login_from_environment() -> Login | None:
    """The SMTP login, only ever from the environment (a CI secret), never from files or flags."""
    user, password = os.environ.get(USER_VARIABLE), os.environ.get(PASSWORD_VARIABLE)
    if not user and not password:
        return None
    if not user or password is None:
        raise UsageError(f"set both {USER_VARIABLE} and {PASSWORD_VARIABLE} to log in, or neither")
    return Login(user, password)


@dataclass(frozen=True)
class ChosenWeek:
    """The week `digest` or `send` works on: the one named, else the latest that has ended."""

    key: str
    week: Week | None
    """None when the week has nothing this audience may see."""
    named: bool
    """Given on the command line (else chosen by the clock)."""

    def describe(self, site: Site) -> str:
        """`2026-W47 (Monday 2026-11-16 to Sunday 2026-11-22)`, and why, when it was not named."""
        start, end = week_days(self.key)
        text = f"{self.key} (Monday {start} to Sunday {end})"
        return text if self.named else f"{text}, the latest week that has ended in {site.config.timezone.key}"


def choose_week(site: Site, key: str | None, now: datetime) -> ChosenWeek:
    """The week asked for, else the latest week that has ended in the site's timezone (even
    an empty one: an older week is never sent in its place)."""
    if key is None:
        latest = latest_ended_week(now, site.config.timezone)
        return ChosenWeek(latest, next((w for w in site.weeks if w.key == latest), None), named=False)
    for week in site.weeks:
        if week.key == key:
            return ChosenWeek(key, week, named=True)
    known = ", ".join(w.key for w in site.weeks[-8:]) or "none"
    raise UsageError(f"no digest for {key} in the {site.audience.name} build; weeks with content: {known}")


def refuse_unready(outgoing: Outgoing, reporter: Reporter) -> None:
    week, audience = outgoing.week.key, outgoing.site.audience.name
    if outgoing.already is not None:
        raise SendError(f"{week} was already sent to the {audience} audience on {outgoing.already.sent} "
                        f"(to {', '.join(outgoing.already.to)}); use --again to send it again")
    failed = [c for c in outgoing.checks if not c.passed]
    for check in failed:
        for problem in check.problems:
            reporter.notice(f"error: {problem}")
    if failed:
        raise SendError(f"{week} was not sent: {len(failed)} check{'s' if len(failed) != 1 else ''} failed "
                        "(see above; `weeknotes send --dry-run` lists them all)")


def describe(outgoing: Outgoing, earlier: Sent | None, again: bool) -> str:
    """What --dry-run prints: the message, its recipients, the server, and every check."""
    message = outgoing.message
    data = message_bytes(message)
    html = html_part(message).encode("utf-8")
    who = (f"log in as {outgoing.login.user} (from {USER_VARIABLE})" if outgoing.login
           else f"no login ({USER_VARIABLE} is not set)")
    lines = [
        f"would send the digest of {outgoing.week.key} for the {outgoing.site.audience.name} audience",
        f"  subject: {message['Subject']}",
        f"  from:    {outgoing.sender}",
        f"  to:      {', '.join(outgoing.to)}",
        f"  server:  {outgoing.server}, {who}",
        f"  size:    {len(data) / 1024:.1f} KB in all, HTML part {len(html) / 1024:.1f} KB",
        "checks:",
        *(c.format() for c in outgoing.checks),
    ]
    if earlier is None:
        lines.append("not sent before")
    else:
        lines.append(f"already sent on {earlier.sent} to {', '.join(earlier.to)}"
                     + ("; --again sends it again" if again else "; refused without --again"))
    verdict = "ready to send" if outgoing.ready and outgoing.already is None else "would be refused"
    lines.append(f"dry run: nothing was sent or recorded ({verdict})")
    return "\n".join(lines)
