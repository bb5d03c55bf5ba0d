"""What each CLI verb does, on top of build.py and friends. Output goes to stdout/stderr here."""

from __future__ import annotations

import argparse
import sys
import uuid
from datetime import datetime
from pathlib import Path

from slugify import slugify

from weeknotes import checks, digest, starter, urls
from weeknotes.audience import default_output
from weeknotes.build import BuildOptions, BuildResult, build, load, now_from_environment, plan_site
from weeknotes.collect import collect_site
from weeknotes.config import load_authors, load_config
from weeknotes.errors import Problem, Problems, UsageError, with_source_lines
from weeknotes.model import Audience
from weeknotes.sources import display_path
from weeknotes.theme import make_environment
from weeknotes.wording import counted


def print_warnings(warnings: list[Problem]) -> None:
    for warning in sorted(with_source_lines(warnings)):
        print(warning.format(), file=sys.stderr)


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


def summary_line(result: BuildResult, output: Path) -> str:
    site = result.site
    notes = sum(1 for i in site.items if not i.is_link)
    parts = [counted(notes, "note"), counted(len(site.items) - notes, "link"), counted(len(site.weeks), "week"),
             counted(len(site.authors), "author"), counted(len(site.tags), "tag")]
    files = f"{counted(result.stats.total, 'file')} ({result.stats.written} written, {result.stats.unchanged} unchanged)"
    audience = site.audience.label
    article = "an" if audience[0] in "aeiou" else "a"
    return f"built {display_path(output)} for {article} {audience} audience: {', '.join(parts)}; {files} in {result.seconds:.2f}s"


def run_build(args: argparse.Namespace) -> int:
    options = build_options(args)
    result = build(options)
    print_warnings(result.warnings)
    for item in result.site.held_back:
        print(f"{item.source}: scheduled for {item.date.isoformat()}; held back (use --future to include it)",
              file=sys.stderr)
    print(summary_line(result, options.output))
    return 0


def run_check(args: argparse.Namespace) -> int:
    problems = Problems()
    options = BuildOptions(content=args.content, use_cache=False)  # check writes nothing
    content, theme = load(options, problems)
    now = now_from_environment()
    for audience in (Audience("public", False, False, now), Audience("internal", True, True, now)):
        plan_site(collect_site(content, audience), theme, problems)  # two pages at one address
    problems.raise_if_any()
    checks.curator_warnings(content, problems)
    print_warnings(problems.warnings)
    for line in checks.audience_report(content, now):
        print(line)
    if args.strict and problems.warnings:
        print(f"{counted(len(problems.warnings), 'warning')}, and --strict makes "
              f"{'it an error' if len(problems.warnings) == 1 else 'them errors'}.", file=sys.stderr)
        return 1
    print(f"{display_path(args.content)}: no errors" + (f", {counted(len(problems.warnings), 'warning')}" if problems.warnings else ""))
    return 0


def run_digest(args: argparse.Namespace) -> int:
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
    env = make_environment(theme)
    if args.format == "markdown":
        sys.stdout.write(digest.digest_markdown(site, week))
    elif args.format == "email":
        sys.stdout.write(digest.email_html(env, site, week))
    else:
        sys.stdout.write(digest.render_week(env, "digest_content.html", site, week, urls.path_of(week), absolute=True))
    return 0


def run_new(args: argparse.Namespace) -> int:
    problems = Problems()
    config = load_config(args.content, problems)
    authors = load_authors(args.content, problems)
    problems.raise_if_any()
    assert config is not None
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
    print(display_path(path))
    return 0


def run_init(args: argparse.Namespace) -> int:
    target: Path = args.directory
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{target} already exists and is not empty; choose a new folder")
    starter.write_site(target)
    print(f"created a new site in {display_path(target)}; build it with: weeknotes build --content {display_path(target / 'content')} --output {display_path(target / 'public')}")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from weeknotes.serve import serve

    options = build_options(args, output=Path(), audience=args.audience or ("public" if args.public_only else "internal"),
                            drafts=args.drafts or not args.public_only)
    return serve(options, args.host, args.port)
