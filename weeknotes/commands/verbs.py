"""What each CLI verb does, on top of build.py and friends.

Every verb reports through `args.reporter` (report.py; cli.main sets it), never by printing,
except what is itself the output of a verb (`digest` writes the digest to stdout).
"""

from __future__ import annotations

import argparse
import sys
import uuid
from datetime import datetime
from pathlib import Path

from slugify import slugify

from weeknotes.base.errors import ContentErrors, Problems, UsageError, with_source_lines
from weeknotes.base.reporter import Reporter
from weeknotes.base.wording import counted
from weeknotes.commands import check_formats, checks, scaffold, starter
from weeknotes.model import urls
from weeknotes.model.audience import default_output
from weeknotes.model.collect import collect_site
from weeknotes.model.placement import placement
from weeknotes.model.values import Audience
from weeknotes.output.build import BuildOptions, build, load, now_from_environment, plan_site
from weeknotes.render import digest
from weeknotes.render.theme import make_environment
from weeknotes.source.config import load_authors, load_config
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


def run_check(args: argparse.Namespace) -> int:
    reporter: Reporter = args.reporter
    fmt = args.format or check_formats.default_format()
    wanted = given_paths(args.paths)
    now = now_from_environment()
    problems = Problems()
    content = None
    try:
        content, theme = load(BuildOptions(content=args.content, use_cache=False), problems)  # check writes nothing
        for audience in (Audience("public", False, False, now), Audience("internal", True, True, now)):
            plan_site(collect_site(content, audience), theme, problems)  # two pages at one address
        problems.raise_if_any()
    except ContentErrors as exc:
        if fmt == "text" and not wanted:
            raise  # every problem, then "N errors; nothing was written." (cli.py)
        content, errors, warnings = None, exc.problems, exc.warnings
    else:
        checks.curator_warnings(content, problems)
        errors, warnings = [], sorted(with_source_lines(problems.warnings))
    shown = [f for f in sorted(errors + warnings) if chosen(f.path, wanted)]
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
    elsewhere = len(errors) - sum(1 for f in shown if f.severity == "error")
    if elsewhere:
        say(f"{counted(elsewhere, 'error')} in files not given; run `weeknotes check` without paths to see them")
    if errors:
        say(f"{counted(len(errors), 'error')}; the site cannot be built.")
        return 1
    assert content is not None
    if not wanted:
        for line in [*checks.audience_report(content, now), *checks.pending_report(content, now)]:
            say(line)
    if args.strict and warnings:
        reporter.notice(f"{counted(len(warnings), 'warning')}, and --strict makes "
                        f"{'it an error' if len(warnings) == 1 else 'them errors'}.")
        return 1
    say(f"{display_path(args.content)}: no errors" + (f", {counted(len(warnings), 'warning')}" if warnings else ""))
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
    site = collect_site(content, Audience(options.audience, options.drafts, options.future, now_from_environment()))
    if not site.weeks:
        raise UsageError("there is no week with content to make a digest from")
    weeks = {week.key: week for week in site.weeks}
    key = args.week or site.weeks[-1].key
    if key not in weeks:
        raise UsageError(f"no digest for {key}; weeks with content: {', '.join(list(weeks)[-8:])}")
    week = weeks[key]
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
    now = datetime.now(config.timezone)
    title = args.title or (f"Weeknote, week {now.isocalendar().week}" if args.kind == "note" else "")
    slug = slugify(title or args.url.split("//", 1)[-1])[:60].strip("-") or "untitled"
    folder = args.content / ("notes" / Path(args.author) if args.kind == "note" else Path("links"))
    path = folder / f"{now:%Y-%m-%d}-{slug}.md"
    if path.exists():
        raise UsageError(f"{display_path(path)} already exists; choose another --title")
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(starter.new_file(args.kind, title, now, args.author, f"urn:uuid:{uuid.uuid4()}", args.url),
                    encoding="utf-8")
    args.reporter.info(display_path(path))
    args.reporter.info(f"This {args.kind} is a draft: no build shows it but a preview. Write it, look at it with "
                       f"`weeknotes serve` (or `weeknotes build --drafts`), then delete its line "
                       f"`{starter.DRAFT_LINE}` to publish it.")
    return 0


def run_fetch(args: argparse.Namespace) -> int:
    from weeknotes.net.fetch import FetchOptions, fetch_all

    if not args.content.is_dir():
        raise UsageError(f"content directory {args.content} does not exist")
    reporter: Reporter = args.reporter
    reports = fetch_all(FetchOptions(args.content, args.timeout, now=now_from_environment()))
    for report in reports:
        reporter.info(report.line())
    problems = sum(1 for report in reports if report.problem)
    if args.strict and problems:
        reporter.notice(f"{counted(problems, 'feed')} need attention, and --strict makes that an error.")
        return 1
    return 0


def run_init(args: argparse.Namespace) -> int:
    target: Path = args.directory
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{target} already exists and is not empty; choose a new folder")
    language = starter.site_language(args.language)  # a bad tag exits 2 before anything is written
    repository = scaffold.Scaffold(ci=args.ci).files()
    scaffold.write_files(target, starter.site_files(language) | repository)
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
