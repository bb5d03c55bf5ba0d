"""What each CLI verb does, on top of build.py and friends.

Every verb reports through `args.reporter` (report.py; cli.main sets it), never by printing,
except what is itself the output of a verb (`digest` writes the digest to stdout).
"""

from __future__ import annotations

import argparse
import sys
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from weeknotes import __version__
from weeknotes.base.errors import ContentErrors, Problem, Problems, UsageError, WeeknotesError, with_source_lines
from weeknotes.base.reporter import Reporter
from weeknotes.base.wording import counted
from weeknotes.commands import check_formats, checks, new_post, scaffold, starter
from weeknotes.commands.delivery import choose_week
from weeknotes.commands.report import job_notice
from weeknotes.model import urls
from weeknotes.model.audience import default_output
from weeknotes.model.collect import collect_site
from weeknotes.model.placement import placement
from weeknotes.model.references import warn_broken_references
from weeknotes.model.values import Audience, Content
from weeknotes.output import id_guard
from weeknotes.output.build import BuildOptions, build, load, now_from_environment, plan_site
from weeknotes.render import digest
from weeknotes.render.feeds import feed_paths
from weeknotes.render.theme import make_environment
from weeknotes.source.config import load_authors, load_config, warn_placeholder
from weeknotes.source.sources import display_path


def build_options(args: argparse.Namespace, **overrides: object) -> BuildOptions:
    audience = args.audience or "public"
    values = {
        "content": args.content,
        "output": getattr(args, "output", None) or default_output(audience, args.drafts),
        "audience": audience,
        "drafts": args.drafts,
        "future": args.future,
        "base_url": args.base_url,
        "force": getattr(args, "force", False),
        "use_cache": not getattr(args, "no_cache", False),
    }
    values.update(overrides)
    return BuildOptions(**values)


def run_build(args: argparse.Namespace) -> int:
    reporter: Reporter = args.reporter
    options = build_options(args)
    result = build(options, reporter=reporter)  # forks where it can
    reporter.warnings(result.warnings)
    for item in result.site.held_back:
        reporter.notice(f"{item.source}: scheduled for {item.date.isoformat()}; held back (use --future to include it)")
    reporter.built(result.summary_line(options.output))
    return 0


@dataclass
class Checked:
    """What `check` found: the content (None when it cannot be built), its errors and
    warnings, and how many errors are ids that readers have seen taken away."""

    content: Content | None
    errors: list[Problem]
    warnings: list[Problem]
    id_errors: int = 0


def check_site(args: argparse.Namespace, now: datetime, published: id_guard.Published | None,
               raise_errors: bool) -> Checked:
    """Load, collect and plan the site for every audience, as a build would; write nothing.

    `raise_errors`: content errors are raised, for the CLI to print them all (else returned)."""
    problems = Problems()
    id_errors = 0
    try:
        # Against a published build, ids are made as they were there: with its address.
        options = BuildOptions(content=args.content, use_cache=False, base_url=published.base if published else None)
        content, theme = load(options, problems)  # check writes nothing
        if published is None:
            warn_placeholder(args.content, content.config, problems)
        planned = []
        for audience in (Audience("public", False, False, now), Audience("internal", True, True, now)):
            site = collect_site(content, audience)
            planned.append((site, plan_site(site, theme, problems)))  # two pages at one address
        problems.errors = list(dict.fromkeys(problems.errors))  # the same clash in both audiences is one
        if published is not None:
            id_errors = id_guard.check_ids(published, collect_site(content, published.audience(now)), problems)
        problems.raise_if_any()
        warn_broken_references(planned, problems)  # links and images to nothing, in either build
    except ContentErrors as exc:
        if raise_errors:
            raise  # every problem, then "N errors; nothing was written." (cli.py)
        return Checked(None, list(exc.problems), list(exc.warnings), id_errors)
    checks.curator_warnings(content, problems)
    return Checked(content, [], sorted(with_source_lines(problems.warnings)), id_errors)


def run_check(args: argparse.Namespace) -> int:
    reporter: Reporter = args.reporter
    fmt = args.format or check_formats.default_format()
    wanted = given_paths(args.paths)
    now = now_from_environment()
    published = id_guard.read_published(args.against) if args.against else None  # not a build: exit 2 first
    checked = check_site(args, now, published, raise_errors=fmt == "text" and not wanted)
    content, errors, warnings, id_errors = checked.content, checked.errors, checked.warnings, checked.id_errors
    # A pull request's check must say why it fails: a machine format reports every finding
    # that fails it, in a file given or not (issue 22); the terminal counts those elsewhere.
    failing = {id(f) for f in errors + (warnings if args.strict else [])}
    shown = [f for f in sorted(errors + warnings) if chosen(f.path, wanted) or (fmt != "text" and id(f) in failing)]
    unshown = len(errors) + len(warnings) - len(shown)
    if content is not None and wanted:
        shown += [placement(item, content, now) for item in content.items if chosen(item.source, wanted)]
    if fmt == "text":
        reporter.warnings([f for f in shown if f.severity == "warning"])
        for finding in shown:
            if finding.severity != "warning":
                (reporter.info if finding.severity == "info" else reporter.notice)(finding.format())
    elif shown or fmt != "github":
        reporter.info(check_formats.render(shown, fmt, check_formats.repository_root(args.content)).rstrip("\n"))
    # Machine formats keep stdout for the report alone.
    say = reporter.info if fmt in ("text", "github") else reporter.notice
    if unshown:
        hidden_errors = len(errors) - sum(1 for f in shown if f.severity == "error")
        found = [counted(n, word) for n, word in ((hidden_errors, "error"), (unshown - hidden_errors, "warning")) if n]
        say(f"{' and '.join(found)} in files not given; run `weeknotes check` without paths to see them")
    if errors:
        say(f"{counted(len(errors), 'error')}; " + ("merged as it is, it would show readers old posts as new."
                                                   if id_errors == len(errors) else "the site cannot be built."))
        return 1
    assert content is not None
    if not wanted:
        for line in [*checks.audience_report(content, now), *checks.pending_report(content, now)]:
            say(line)
    if args.strict and warnings:
        reporter.notice(f"{counted(len(warnings), 'warning')}, and --strict makes "
                        f"{'it an error' if len(warnings) == 1 else 'them errors'}.")
        return 1
    if published is not None:
        say(f"{counted(len(published.entries), 'feed entry', 'feed entries')} readers have seen in "
            f"{display_path(published.folder)}: no post loses its id or takes another's")
    listed = sum(1 for f in shown if f.severity == "warning")  # the count is of the warnings shown
    say(f"{display_path(args.content)}: no errors" + (f", {counted(listed, 'warning')}" if listed else ""))
    return 0


def given_paths(paths: list[Path]) -> list[Path]:
    """The files (or folders) `weeknotes check PATH...` reports on, resolved."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file: {', '.join(missing)}")
    return [p.resolve() for p in paths]


def chosen(path: str, wanted: list[Path]) -> bool:
    """True when `path` is one of the given files or inside a given folder (all, when none given)."""
    if not wanted:
        return True
    resolved = Path(path).resolve()
    return any(resolved == w or w in resolved.parents for w in wanted)


def run_digest(args: argparse.Namespace) -> int:
    from weeknotes.render import email_message  # the email package: only this verb and send need it

    problems = Problems()
    options = build_options(args)
    content, theme = load(options, problems)
    now = now_from_environment()
    site = collect_site(content, Audience(options.audience, options.drafts, options.future, now))
    chosen = choose_week(site, args.week, now)  # the same week `send` would take
    if not chosen.named:
        args.reporter.notice(f"the digest of {chosen.describe(site)}")
    if chosen.week is None:
        known = ", ".join(w.key for w in site.weeks[-8:])
        raise WeeknotesError(f"nothing to print: {chosen.key} has no posts for the {site.audience.name} audience"
                             + (f"; name a week with content, e.g. `weeknotes digest {site.weeks[-1].key}` "
                                f"(weeks with content: {known})" if known else ""))
    week = chosen.week
    env = make_environment(theme, site.language)
    if args.format == "markdown":
        sys.stdout.write(digest.digest_markdown(site, week))
    elif args.format == "email":
        sys.stdout.write(digest.email_html(env, site, week))
    elif args.format == "eml":
        message = email_message.digest_message(env, site, week, email_message.default_sender(site.config),
                                               site.config.email.to)
        sys.stdout.flush()
        sys.stdout.buffer.write(email_message.message_bytes(message))
    else:
        sys.stdout.write(digest.render_week(env, "digest_content.html", site, week, urls.path_of(week), absolute=True))
    return 0


def run_new(args: argparse.Namespace) -> int:
    problems = Problems()
    config = load_config(args.content, problems)
    authors = load_authors(args.content, problems)
    problems.raise_if_any()
    assert config is not None and authors is not None
    if not args.author or args.author not in authors:
        known = ", ".join(sorted(authors)) or "(none: add yourself to authors.yaml first)"
        raise UsageError(f"give --author with your handle from authors.yaml; known authors: {known}")
    if args.kind == "link" and not args.url:
        raise UsageError("`weeknotes new link` needs --url with the address you are curating")
    url = new_post.curated_url(args.url) if args.kind == "link" else None
    now = datetime.now(config.timezone)
    author = authors[args.author]
    if args.title or args.kind == "link":
        title, slug = args.title or "", new_post.slug_of(args.title or "", url)
    else:
        title, slug = new_post.default_title(author, now), new_post.default_slug(author, now)
    path = new_post.new_post_path(args.content, args.kind, author, slug, now, title_given=bool(args.title))
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(starter.new_file(args.kind, title, now, args.author, f"urn:uuid:{uuid.uuid4()}", url),
                    encoding="utf-8")
    args.reporter.info(display_path(path))
    if url and url != args.url.strip():
        args.reporter.info(f"The address is {url} (https:// added: check that the site serves it).")
    args.reporter.info(f"This {args.kind} is a draft: no build shows it but a preview. Write it, look at it with "
                       f"`weeknotes serve` (or `weeknotes build --drafts`), then delete its line "
                       f"`{starter.DRAFT_LINE}` to publish it.")
    return 0


def run_fetch(args: argparse.Namespace) -> int:
    from weeknotes.net.fetch import NOT_FETCHED, FetchOptions, fetch_all

    if not args.content.is_dir():
        raise UsageError(f"content directory {args.content} does not exist")
    reporter: Reporter = args.reporter
    reports = fetch_all(FetchOptions(args.content, args.timeout, now=now_from_environment()))
    for report in reports:
        reporter.info(report.line())
    if all(report.status in NOT_FETCHED for report in reports):  # a scheduled job on a new site
        reporter.info(job_notice("nothing to fetch: no author in authors.yaml has both a `feed:` and "
                                 "`aggregate: true`"))
    problems = sum(1 for report in reports if report.problem)
    if args.strict and problems:
        reporter.notice(f"{counted(problems, 'feed')} need attention, and --strict makes that an error.")
        return 1
    return 0


def run_ping(args: argparse.Namespace) -> int:
    from weeknotes.net.websub import ping_hub

    reporter: Reporter = args.reporter
    problems = Problems()
    content, _ = load(BuildOptions(content=args.content, base_url=args.base_url), problems)
    reporter.warnings(problems.warnings)
    config = content.config
    if not config.feed_hub:
        reporter.info("no WebSub hub is set (`feeds: {hub: URL}` in site.yaml): nothing to ping")
        return 0
    site = collect_site(content, Audience("public", now=now_from_environment()))  # the published feeds
    feeds = [urls.absolute(config.base_url, path) for path in feed_paths(site)]
    ping_hub(config.feed_hub, feeds, f"weeknotes/{__version__} (+{config.base_url}; WebSub publisher)", args.timeout)
    reporter.info(f"told {config.feed_hub} that {counted(len(feeds), 'feed')} of {config.base_url} changed")
    return 0


def run_links(args: argparse.Namespace) -> int:
    from weeknotes.net.links import LinksOptions, check_links

    if not args.content.is_dir():
        raise UsageError(f"content directory {args.content} does not exist")
    reporter: Reporter = args.reporter
    result = check_links(LinksOptions(args.content, args.timeout, args.pause),
                         lambda done, total: reporter.progress("asking addresses", done, total))
    for report in result.not_fine:
        reporter.info(report.line())
    reporter.info(result.summary())
    if args.strict and result.not_fine:
        reporter.notice(f"{counted(len(result.not_fine), 'address', 'addresses')} not fine, "
                        "and --strict makes that an error.")
        return 1
    return 0


def run_init(args: argparse.Namespace) -> int:
    target: Path = args.directory
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{target} already exists and is not empty; choose a new folder")
    language = starter.site_language(args.language)  # a bad tag exits 2 before anything is written
    timezone = starter.site_timezone(args.timezone)
    today = now_from_environment().astimezone(ZoneInfo(timezone)).date()  # the week `init` runs in
    repository = scaffold.Scaffold(ci=args.ci, timezone=timezone, today=today.isoformat()).files()
    scaffold.write_files(target, starter.site_files(language, today, timezone) | repository)
    written = sorted(repository)
    shown = display_path(target)
    args.reporter.info(f"created a new site in {shown}: content/ and {', '.join(written)}")
    args.reporter.info(f"build it with: weeknotes build --content {display_path(target / 'content')} "
                       f"--output {display_path(target / 'public')}")
    args.reporter.info(f"then: cd {shown} && git init && git add . && git commit -m 'A new weeknotes site'; "
                       "README.md there says how it is published")
    args.reporter.info(f"before you publish it, set `base_url` in {display_path(target / 'content' / 'site.yaml')} "
                       "to the site's address: https://example.org/ is a placeholder")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    # Imported here, as fetch's and send's modules are: every `weeknotes build` would load
    # the server, the file watcher and their libraries (0.02 s) for nothing.
    from weeknotes.serve.server import serve

    options = build_options(args, output=Path(), audience=args.audience or ("public" if args.public_only else "internal"),
                            drafts=not args.public_only)
    return serve(options, args.host, args.port, args.reporter)
