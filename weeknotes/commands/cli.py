"""The `weeknotes` command line: parse arguments, run a command, map errors to exit codes.

Content problems exit 1 with every `PATH:LINE: error:` line; a bad command line exits 2.
Tracebacks are shown only with --debug.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from weeknotes import __version__
from weeknotes.base.errors import ContentErrors, UsageError, WeeknotesError
from weeknotes.base.reporter import Reporter
from weeknotes.base.wording import counted
from weeknotes.commands import check_formats, scaffold, starter
from weeknotes.commands import verbs as commands
from weeknotes.commands.report import ConsoleReporter
from weeknotes.model.audience import AUDIENCES
from weeknotes.source.fields import is_web_url


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}\n  hint: see `{self.prog} --help`")


def add_content(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", type=Path, default=Path("content"), metavar="DIR",
                        help="the content directory (default: content)")


def add_audience(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--audience", choices=AUDIENCES, default=None,
                        help="who the site is for: public, or internal (adds internal items, noindex) "
                             "(default: public)")
    parser.add_argument("--drafts", action="store_true",
                        help="include drafts; the build is then marked noindex (a preview) (default: off)")
    add_future_and_base_url(parser)


def add_future_and_base_url(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--future", action="store_true",
                        help="include items dated in the future (default: held back until their date)")
    parser.add_argument("--base-url", metavar="URL", type=web_address,
                        help="use this address instead of base_url from site.yaml")


def web_address(text: str) -> str:
    """--base-url: an http(s) address, or a mistake on the command line (never blamed on site.yaml)."""
    if " " in text.strip() or not is_web_url(text.strip()):
        raise argparse.ArgumentTypeError(f"must be an absolute http:// or https:// address, not {text!r}")
    return text.strip()


def add_serve_audience(parser: argparse.ArgumentParser) -> None:
    """serve shows drafts and internal items unless told otherwise (the opposite of build)."""
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--audience", choices=AUDIENCES, default=None,
                     help="preview for this audience, drafts still included (default: internal)")
    who.add_argument("--public-only", action="store_true",
                     help="preview exactly what a public build shows: no drafts, no internal items")
    parser.set_defaults(drafts=False)
    add_future_and_base_url(parser)


def positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most 3600 seconds, not {text}")
    return value


AddVerb = Callable[..., argparse.ArgumentParser]
"""Adds one verb's parser: `add_verb(name, help=..., description=...)`."""


def make_parser() -> argparse.ArgumentParser:
    common = Parser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show tracebacks for unexpected errors")
    parser = Parser(prog="weeknotes", description="Build a website from weeknotes and link curations.",
                    parents=[common])
    parser.add_argument("--version", action="version", version=f"weeknotes {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    def add_verb(name: str, **kwargs: Any) -> argparse.ArgumentParser:
        """Every verb takes --debug too, wherever it stands on the line."""
        return subparsers.add_parser(name, parents=[common], **kwargs)

    for add_verb_parser in VERBS:
        add_verb_parser(add_verb)
    return parser


def add_build_verb(add_verb: AddVerb) -> None:
    build = add_verb("build", help="build the site into the output directory")
    add_content(build)
    build.add_argument("--output", type=Path, default=None, metavar="DIR",
                       help="where to write the site (default: public, internal for --audience internal, "
                            "preview with --drafts)")
    add_audience(build)
    build.add_argument("--force", action="store_true",
                       help="replace a non-empty output directory that weeknotes did not make, "
                            "or one built for another audience")
    build.add_argument("--no-cache", action="store_true",
                       help="neither read nor write the parse cache in CONTENT/.weeknotes-cache")
    build.set_defaults(run=commands.run_build)


def add_check_verb(add_verb: AddVerb) -> None:
    check = add_verb("check", help="validate the content; write nothing")
    add_content(check)
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                       help="report only on these files (a pull request's changed files), and say where "
                            "each note or link will appear; the whole site is still checked")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors (exit 1)")
    check.add_argument("--against", type=Path, metavar="DIR",
                       help="a build of the site as published (its feeds are read): every feed id readers have "
                            "seen there that this change would take from its post, or give to another, is an error")
    check.add_argument("--format", choices=check_formats.FORMATS, default=None,
                       help="text, github (workflow annotations), gitlab (a Code Quality report) or json "
                            "(default: text, or github when GITHUB_ACTIONS=true)")
    check.set_defaults(run=commands.run_check)


def add_serve_verb(add_verb: AddVerb) -> None:
    serve = add_verb(
        "serve", help="preview the site locally, with drafts and internal items, rebuilding on save",
        description="Preview the site at http://HOST:PORT/, rebuilt and reloaded in the browser on every save. "
                    "It shows drafts and internal items (an internal preview) unless given --public-only; "
                    "nothing is written into your content or output folders.")
    add_content(serve)
    add_serve_audience(serve)
    serve.add_argument("--port", type=int, default=8000, metavar="N",
                       help="port to listen on; 0 picks a free one (default: 8000)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.set_defaults(run=commands.run_serve)


def add_new_verb(add_verb: AddVerb) -> None:
    new = add_verb("new", help="start a new weeknote or link curation, as a draft",
                           description="Write a new post as a draft (visibility: draft) and print its path.")
    new.add_argument("kind", choices=("note", "link"), help="note: a weeknote; link: a link curation")
    add_content(new)
    new.add_argument("--author", metavar="HANDLE", required=True, help="your handle from authors.yaml (required)")
    new.add_argument("--title", metavar="TEXT",
                     help="the post's title (default: 'Weeknote, week N' for a note, none for a link, "
                          "which then shows its address)")
    new.add_argument("--url", metavar="URL", help="the address you are curating (required for `new link`)")
    new.set_defaults(run=commands.run_new)


def add_digest_verb(add_verb: AddVerb) -> None:
    digest = add_verb("digest", help="print one week's digest (default: the latest week that has ended)")
    digest.add_argument("week", nargs="?", metavar="YYYY-Www",
                        help="the ISO week, e.g. 2026-W47 (default: the latest week that has ended in the site's "
                             "timezone, the one `send` takes)")
    add_content(digest)
    digest.add_argument("--format", choices=("html", "email", "markdown", "eml"), default="markdown",
                        help="markdown, html (the page's content), email (a whole page with inline CSS and "
                             "absolute links) or eml (the whole email message, RFC 5322, as `weeknotes send` "
                             "sends it) (default: markdown)")
    add_audience(digest)
    digest.set_defaults(run=commands.run_digest)


def add_fetch_verb(add_verb: AddVerb) -> None:
    fetch = add_verb("fetch", help="take in posts from consenting members' own blogs (goes online)")
    add_content(fetch)
    fetch.add_argument("--timeout", type=positive_seconds, default=20.0, metavar="S",
                       help="seconds allowed for each feed, body included (default: 20)")
    fetch.add_argument("--strict", action="store_true",
                       help="exit 1 when a feed failed, moved, is gone or had entries skipped")
    fetch.set_defaults(run=commands.run_fetch)


def pause_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 <= value <= 60:
        raise argparse.ArgumentTypeError(f"must be from 0 to 60 seconds, not {text}")
    return value


def add_links_verb(add_verb: AddVerb) -> None:
    links = add_verb(
        "links", help="ask every curated link's address, politely; record dead and moved ones (goes online)",
        description="Ask every address in links/ (HEAD, or GET where HEAD is refused; no body is read), "
                    "one request at a time per host, and record what changed in CONTENT/links-health.yaml: "
                    "410 is dead at once, 404 when it still fails a week after the first failing run; "
                    "5xx, timeouts and TLS errors are reported but never dead on their own. Commit the file: "
                    "builds offer a dead link's archived copy, and `check` warns about dead and moved addresses.")
    add_content(links)
    links.add_argument("--timeout", type=positive_seconds, default=20.0, metavar="S",
                       help="seconds allowed for each request, from the name lookup to the last header "
                            "(default: 20)")
    links.add_argument("--pause", type=pause_seconds, default=1.0, metavar="S",
                       help="seconds between two requests to the same host (default: 1)")
    links.add_argument("--strict", action="store_true",
                       help="exit 1 when an address is not fine: moved, failing, dead, transient or left for later")
    links.set_defaults(run=commands.run_links)


def add_send_verb(add_verb: AddVerb) -> None:
    send = add_verb("send", help="email one week's digest over SMTP, once")
    send.add_argument("week", nargs="?", metavar="YYYY-Www",
                      help="default: the latest week that has ended in the site's timezone; when it has no posts, "
                           "or was sent already, there is nothing to send (exit 0)")
    add_content(send)
    send.add_argument("--to", action="append", metavar="ADDRESS", help="who receives it (default: email.to)")
    send.add_argument("--from", dest="sender", metavar="ADDRESS", help="the From address (default: email.from)")
    send.add_argument("--smtp", metavar="HOST[:PORT]", help="the SMTP server (default: email.smtp)")
    tls = send.add_mutually_exclusive_group()
    tls.add_argument("--starttls", action="store_true", help="upgrade the connection with STARTTLS (port 587)")
    tls.add_argument("--ssl", action="store_true", help="connect over TLS from the start (port 465)")
    send.add_argument("--audience", choices=AUDIENCES, default=None,
                      help="who the digest is for (default: public)")
    send.add_argument("--dry-run", action="store_true", help="show what would be sent, and the checks; send nothing")
    send.add_argument("--again", action="store_true", help="send a week that was already sent")
    send.add_argument("--force", action="store_true", help="send a week that has not ended yet")
    send.set_defaults(run=run_send)


def add_ping_verb(add_verb: AddVerb) -> None:
    ping = add_verb("ping", help="tell the WebSub hub (feeds.hub) that the feeds changed (goes online)",
                    description="POST hub.mode=publish for each of the public site's feeds to the WebSub hub "
                                "named by `feeds.hub` in site.yaml, after a deploy; without a hub, say so and "
                                "exit 0.")
    add_content(ping)
    ping.add_argument("--base-url", metavar="URL",
                      help="the address the site was published at, as given to `build --base-url` "
                           "(default: base_url from site.yaml)")
    ping.add_argument("--timeout", type=positive_seconds, default=10.0, metavar="S",
                      help="seconds allowed for the hub to answer each feed's ping (default: 10)")
    ping.set_defaults(run=commands.run_ping)


def add_init_verb(add_verb: AddVerb) -> None:
    init = add_verb("init", help="create a new site: content, README, CI that checks and publishes")
    init.add_argument("directory", type=Path, metavar="DIR", help="a new or empty folder to create the site in")
    init.add_argument("--language", default="en", metavar="TAG",
                      help="the site's language, a tag like cy, en-GB or es-419 (default: en)")
    init.add_argument("--ci", choices=scaffold.CI_CHOICES, default="github",
                      help="where it is checked and published: github (GitHub Actions and Pages), "
                           "gitlab (GitLab CI and Pages), netlify, or none (default: github)")
    init.add_argument("--timezone", default=starter.DEFAULT_TIMEZONE, metavar="ZONE",
                      help="the site's timezone, an IANA name: weeks are counted and the scheduled jobs timed in it "
                           f"(default: {starter.DEFAULT_TIMEZONE})")
    init.set_defaults(run=commands.run_init)


VERBS: tuple[Callable[[AddVerb], None], ...] = (
    add_build_verb,
    add_check_verb,
    add_serve_verb,
    add_new_verb,
    add_digest_verb,
    add_fetch_verb,
    add_links_verb,
    add_send_verb,
    add_ping_verb,
    add_init_verb,
)
"""Every verb, in the order `--help` lists them."""


def run_send(args: argparse.Namespace) -> int:
    """`send`, with the mail modules imported only when mail is sent (not on every build)."""
    from weeknotes.commands.delivery import run_send as send

    return send(args)


def main(argv: Sequence[str] | None = None, reporter: Reporter | None = None) -> int:
    """Run one command line; its events go to `reporter` (by default, to the console)."""
    args = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in args
    try:
        parsed = make_parser().parse_args(args)
        if parsed.command is None:
            make_parser().print_help()
            return 2
        run: Callable[[argparse.Namespace], int] = parsed.run
        parsed.reporter = reporter or ConsoleReporter()  # every verb reports through args.reporter
        return run(parsed)
    except ContentErrors as exc:
        print(str(exc), file=sys.stderr)
        count = len(exc.problems)
        print(f"{counted(count, 'error')}; nothing was written.", file=sys.stderr)
        return exc.exit_code
    except WeeknotesError as exc:
        print(f"error: {exc}" if not str(exc).startswith("weeknotes") else str(exc), file=sys.stderr)
        if debug and not isinstance(exc, UsageError):
            traceback.print_exc()
        return exc.exit_code
    except KeyboardInterrupt:
        print("stopped.", file=sys.stderr)
        return 130
    except Exception:
        if debug:
            raise
        print("weeknotes: internal error (this is a bug in weeknotes, not in your content); "
              "run again with --debug for details", file=sys.stderr)
        print("  " + traceback.format_exc().strip().splitlines()[-1], file=sys.stderr)
        return 3


def run() -> NoReturn:
    """The `weeknotes` command: `main()`, then exit at once.

    A build leaves a model of the whole site in memory; letting the interpreter take it
    apart object by object before exiting took 0.25-0.45 s of a 2.9 s one-note rebuild at
    10,000 items. Every file is closed by then (each is written whole, base/files.py), so only
    the standard streams need flushing.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:  # `weeknotes check | head`: the reader has what it wanted
            pass
        except (OSError, ValueError):  # a full disk: the output is cut short, so say it failed
            code = code or 120  # what Python itself exits with when flushing fails
    os._exit(code)
