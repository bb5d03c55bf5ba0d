"""The whole pipeline: files -> validated content -> site for one audience -> written output.

`build()` reads as the stages, each taking what the one before returned: load
(source/content.py), collect (model/collect.py), plan (model/plan.py and the output kinds in
render/), render (output/pages.py), commit (output/staging.py). What differs between one
build and serve's rebuilds is behind the session it is given (output/session.py); what the
user is told goes to a reporter (base/reporter.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2

from weeknotes.base.errors import Problem, Problems, UsageError
from weeknotes.base.files import WriteStats
from weeknotes.base.reporter import Reporter
from weeknotes.base.wording import counted
from weeknotes.model.collisions import find_collisions, without_taken_places
from weeknotes.model.plan import HtmlPlanner, Output, static_outputs
from weeknotes.model.references import warn_broken_references
from weeknotes.model.values import Audience, Content, Site
from weeknotes.output import search
from weeknotes.output.drift import warn_on_feed_drift
from weeknotes.output.fingerprint import Fingerprinter
from weeknotes.output.fragments import WeekDigests
from weeknotes.output.guard import article, check_output_dir
from weeknotes.output.options import BuildOptions, now_from_environment
from weeknotes.output.pages import render_outputs
from weeknotes.output.session import BuildSession
from weeknotes.output.staging import StagedSite
from weeknotes.render import digest
from weeknotes.render.feeds import feed_outputs
from weeknotes.render.indexes import index_outputs
from weeknotes.render.theme import Theme, find_theme, make_environment, theme_language
from weeknotes.source.config import setting_line
from weeknotes.source.config import warn_placeholder as warn_placeholder_address
from weeknotes.source.content import load_content
from weeknotes.source.sources import display_path, key_line

SILENT = Reporter()
"""The reporter of a build no one is watching."""

__all__ = ["BuildOptions", "BuildResult", "BuildSession", "build", "load", "now_from_environment", "plan_site"]


@dataclass
class BuildResult:
    site: Site
    stats: WriteStats
    seconds: float
    warnings: list[Problem] = field(default_factory=list)

    def summary_line(self, output: Path) -> str:
        """`built public/ for a public audience: 3 notes, ...; 40 files (2 written, 38 unchanged) in 0.31s`."""
        site, stats = self.site, self.stats
        notes = sum(1 for i in site.items if not i.is_link)
        parts = [counted(notes, "note"), counted(len(site.items) - notes, "link"), counted(len(site.weeks), "week"),
                 counted(len(site.authors), "author"), counted(len(site.tags), "tag")]
        blog_posts = sum(1 for i in site.listed if i.is_blog)
        if blog_posts:
            parts.insert(2, counted(blog_posts, "post from members' blogs", "posts from members' blogs"))
        files = f"{counted(stats.total, 'file')} ({stats.written} written, {stats.unchanged} unchanged)"
        return (f"built {display_path(output)} for {article(site.audience.label)} audience: {', '.join(parts)}; "
                f"{files} in {self.seconds:.2f}s")


def build(options: BuildOptions, session: BuildSession | None = None, reporter: Reporter = SILENT) -> BuildResult:
    """Build the site one audience sees into options.output, changing only what changed.

    `session` is what differs between one build and serve's rebuilds (output/session.py).
    """
    started = time.perf_counter()
    session, problems = session or BuildSession(options), Problems()
    audience = Audience(options.audience, options.drafts, options.future, now_from_environment())
    check_output_dir(options.output, options.content, options.force, audience.label)  # before anything is written
    with session.holding():
        session.start_spare(audience.label)  # a first rebuild has none: made meanwhile (spare.py)
        content, theme = load(options, problems, session, reporter)  # files -> validated records
        warn_placeholder(options, content, problems)
        site = session.collect(content, audience)  # records -> the site this audience may see
        session.loaded()
        env = session.environment(theme, site.language)
        session.collected(site, env, theme, audience.label)  # serve shows the saved page here
        outputs = plan_site(site, theme, problems, env, session.week_digests(site, env, theme))  # site -> every output
        problems.raise_if_any()  # two outputs at one path
        warn_broken_references([(site, outputs)], problems)  # links and images to nothing
        session.planned(outputs)
        with session.staged_site(audience.label) as staged:  # a failure anywhere leaves the old site
            keys = session.fingerprints(outputs, site, env, theme)
            session.loaded()
            guard_feed_ids(staged, site, keys, problems)  # before the old feeds are replaced
            render(outputs, keys, staged, theme, session, reporter)  # only what its inputs changed
            commit(staged, site, options, session)  # the new site in place, whole
    return BuildResult(site, staged.stats, time.perf_counter() - started, problems.warnings)


def load(options: BuildOptions, problems: Problems, session: BuildSession | None = None,
         reporter: Reporter | None = None) -> tuple[Content, Theme]:
    """Read and validate everything; raise ContentErrors listing every problem."""
    if not options.content.is_dir():
        raise UsageError(f"content directory {options.content} does not exist")
    session = session or BuildSession(options)
    renders, records = session.caches()
    content = load_content(options.content, problems, options.base_url, options.use_cache, renders, records,
                           session.workers, reporter or Reporter())
    theme = find_theme(content.config.theme, options.content, problems) if content else None
    if content and theme:
        where = display_path(options.content / "site.yaml"), setting_line(options.content, "language")
        content = replace(content, language=theme_language(theme, content.config.language, problems, *where))
    problems.raise_if_any()
    assert content is not None and theme is not None
    session.loaded()  # the records live to the end: collecting the site need not walk them
    return content, theme


def warn_placeholder(options: BuildOptions, content: Content, problems: Problems) -> None:
    """Warn about an example address in site.yaml, unless this build was given its own."""
    if options.base_url is None:
        warn_placeholder_address(options.content, content.config, problems)


def plan_site(site: Site, theme: Theme, problems: Problems, env: jinja2.Environment | None = None,
              week_digests: WeekDigests | None = None) -> list[Output]:
    """Every output of the site; two that claim one path are problems. `week_digests` keeps
    the digest feed's weeks between builds (output/fragments.py)."""
    env = env or make_environment(theme, site.language)
    digests = week_digests or WeekDigests(None, lambda: Fingerprinter(site, env, theme))
    # The content's static files override the theme's, file by file.
    static = {f.rel: f for f in theme.static_files(problems)} | {f.rel: f for f in site.static}
    planner = HtmlPlanner(site, env)
    outputs = [
        *static_outputs(list(static.values())),
        *planner.plan(),
        *digest.email_outputs(env, site),
        *feed_outputs(site, lambda: digests.feed(env, site)),
        *index_outputs(site),
    ]
    outputs += without_taken_places(planner.redirects(), outputs, problems,  # old addresses (`aliases:`)
                                    lambda source: key_line(source, "aliases"))
    find_collisions(outputs, problems)
    return outputs


def guard_feed_ids(staged: StagedSite, site: Site, keys: dict[str, str], problems: Problems) -> None:
    """Warn when an entry readers have seen in the old feeds would change its id.

    The old feeds are read before they are replaced; one made from unchanged inputs would
    be written again byte for byte, so it cannot drift and is not read."""
    old_files = staged.existing_files() if staged.incremental else ()
    warn_on_feed_drift(staged.output, old_files, site, problems, lambda rel: staged.is_current(rel, keys.get(rel)))


def render(outputs: list[Output], keys: dict[str, str], staged: StagedSite, theme: Theme, session: BuildSession,
           reporter: Reporter) -> None:
    """Stage every output whose file is not already made from the same inputs."""
    changed = [o for o in outputs if staged.keep(o.path, keys.get(o.path)) is None]
    staged.record_all(render_outputs(changed, keys, theme, session.workers, reporter, staged.stage))


def commit(staged: StagedSite, site: Site, options: BuildOptions, session: BuildSession) -> None:
    """Put the new site in place, whole, with its search index made inside it first."""
    index = search.StagedIndex(site, staged) if options.search_index else None
    staged.commit(session.keep_manifest, index)
