"""The whole pipeline: files -> validated content -> site for one audience -> written output.

`build()` reads as the stages, each taking what the one before returned: load (content.py),
collect (collect.py), plan (plan.py and the output kinds), render (render.py), write
(write.py). How the work is spread over processes is workers.py's business; what the user
is told goes to a reporter (report.py).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import jinja2

from weeknotes.base.errors import Problem, Problems, UsageError
from weeknotes.base.language import Language
from weeknotes.base.workers import Workers, keep_to_the_end, long_lived
from weeknotes.commands.report import Reporter
from weeknotes.model.collect import collect_site
from weeknotes.model.plan import HtmlPlanner, Output, find_collisions, static_outputs
from weeknotes.model.values import Audience, Content, Site
from weeknotes.output import search
from weeknotes.output.drift import warn_on_feed_drift
from weeknotes.output.fingerprint import Fingerprinter, Remembered
from weeknotes.output.pages import render_outputs
from weeknotes.output.write import Manifest, StagedSite, WriteStats, check_output_dir
from weeknotes.render import digest
from weeknotes.render.feeds import feed_outputs
from weeknotes.render.indexes import index_outputs
from weeknotes.render.theme import Theme, find_theme, make_environment, theme_language
from weeknotes.source.cache import CACHE_DIR, RecordCache, RenderCache
from weeknotes.source.config import setting_line, warn_placeholder
from weeknotes.source.content import load_content
from weeknotes.source.sources import display_path


@dataclass(frozen=True)
class BuildOptions:
    content: Path = Path("content")
    output: Path = Path("public")
    audience: str = "public"
    drafts: bool = False
    future: bool = False
    base_url: str | None = None
    force: bool = False
    use_cache: bool = True
    search_index: bool = True
    """False when the caller indexes the built site itself (serve does, after the swap)."""


@dataclass
class Warm:
    """What a long-running `serve` keeps from one build to the next, so a rebuild redoes little.

    A build given one writes to a folder nothing else writes to (serve's own), so the last
    manifest lists every file there and the folder is never walked.
    """

    renders: RenderCache
    """Rendered Markdown by content hash, kept in memory instead of reloaded from disk."""
    records: RecordCache = field(default_factory=lambda: RecordCache(None))
    """Validated records by file stamp, so unchanged files are not even read again."""
    environments: dict[tuple[Theme, Language], jinja2.Environment] = field(default_factory=dict)
    """One Jinja environment per theme and language; it recompiles a template whose file changed."""
    manifest: Manifest | None = None
    """What the last build wrote, so the next renders only what changed."""
    sources: dict[str, str] = field(default_factory=dict)
    """Output file -> the source that made it, in the last build (see `Ahead`)."""
    fingerprints: Remembered | None = None
    """The last build's fingerprints and their inputs: an output whose inputs are equal is not digested again."""

    def environment(self, theme: Theme, language: Language) -> jinja2.Environment:
        if (theme, language) not in self.environments:
            # A catalog edit makes a new language: the old environment is never asked for again.
            self.environments = {key: env for key, env in self.environments.items() if key[0] != theme}
            self.environments[(theme, language)] = make_environment(theme, language)
        return self.environments[(theme, language)]


@dataclass(frozen=True)
class Ahead:
    """serve: show the pages of the files just saved before the rest of the rebuild is done.

    Their pages are rendered from the new site as soon as it is collected and put in place
    on their own (write.StagedSite.commit_ahead); the full build that follows renders them
    again, finds the same bytes and leaves them. Only a page already at its path, made from
    the same file by the last build, is written ahead: a new or moved page waits for the
    whole plan, where two files claiming one path are caught. If the rest of the build then
    fails (a template error elsewhere), the saved page stays as it was shown, under the
    error overlay; this is serve's own folder, never one that is published.
    """

    sources: frozenset[str]
    """The saved files, as item and page `source`s name them."""
    shown: Callable[[tuple[str, ...]], None]
    """Told the files written ahead, once they are in place."""


@dataclass
class BuildResult:
    site: Site
    stats: WriteStats
    seconds: float
    warnings: list[Problem] = field(default_factory=list)


def now_from_environment() -> datetime:
    """"Now" for scheduled items: SOURCE_DATE_EPOCH when set, so a build can be reproduced."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return datetime.now(UTC)
    try:
        return datetime.fromtimestamp(int(epoch), UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise UsageError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {epoch!r}") from exc


def load(options: BuildOptions, problems: Problems, warm: Warm | None = None, workers: Workers | None = None,
         reporter: Reporter | None = None) -> tuple[Content, Theme]:
    """Read and validate everything; raise ContentErrors listing every problem."""
    if not options.content.is_dir():
        raise UsageError(f"content directory {options.content} does not exist")
    content = load_content(options.content, problems, options.base_url, options.use_cache,
                           warm.renders if warm else None, warm.records if warm else None,
                           workers or Workers(), reporter or Reporter())
    theme = find_theme(content.config.theme, options.content, problems) if content else None
    if content and theme:
        where = display_path(options.content / "site.yaml"), setting_line(options.content, "language")
        content = replace(content, language=theme_language(theme, content.config.language, problems, *where))
    problems.raise_if_any()
    assert content is not None and theme is not None
    return content, theme


def plan_site(site: Site, theme: Theme, problems: Problems,
              env: jinja2.Environment | None = None) -> list[Output]:
    env = env or make_environment(theme, site.language)
    # The content's static files override the theme's, file by file.
    static = {f.rel: f for f in theme.static_files(problems)} | {f.rel: f for f in site.static}
    outputs = [
        *static_outputs(list(static.values())),
        *HtmlPlanner(site, env).plan(),
        *digest.email_outputs(env, site),
        *feed_outputs(site, lambda: digest.weeks_feed(env, site)),
        *index_outputs(site),
    ]
    find_collisions(outputs, problems)
    return outputs


def manifest_path(options: BuildOptions) -> Path:
    """Where the list of last-written files lives: the parse cache, keyed by output folder."""
    key = hashlib.blake2b(str(options.output.resolve()).encode(), digest_size=8).hexdigest()
    return options.content / CACHE_DIR / f"outputs-{key}.pickle"


def previous_manifest(options: BuildOptions, warm: Warm | None) -> Manifest | None:
    if warm is not None:
        return warm.manifest
    if options.use_cache:
        return Manifest.load(manifest_path(options))
    # A build without the cache changes the output behind the stored manifest's back.
    manifest_path(options).unlink(missing_ok=True)
    return None


def keep_manifest(manifest: Manifest, options: BuildOptions, warm: Warm | None) -> None:
    if warm is not None:
        warm.manifest = manifest
    elif options.use_cache:
        manifest.save(manifest_path(options))


def build(options: BuildOptions, warm: Warm | None = None, reporter: Reporter | None = None,
          workers: Workers | None = None, ahead: Ahead | None = None) -> BuildResult:
    """Build the site one audience sees into options.output, changing only what changed.

    `warm` is what serve keeps between builds; `workers` how heavy work runs (forked
    processes by default; serve, which runs threads, gives serial ones); `ahead` which
    pages serve shows before the rest is built.
    """
    started = time.perf_counter()
    reporter, workers, problems = reporter or Reporter(), workers or Workers(), Problems()
    audience = Audience(options.audience, options.drafts, options.future, now_from_environment())
    check_output_dir(options.output, options.content, options.force, audience.label)  # before anything is written
    with long_lived():  # serve's caches, kept from the last build
        content, theme = load(options, problems, warm, workers, reporter)
        if options.base_url is None:
            warn_placeholder(options.content, content.config, problems)
        site = collect_site(content, audience)
        keep_to_the_end()  # what was just loaded
        env = warm.environment(theme, site.language) if warm else make_environment(theme, site.language)
        if ahead is not None and warm is not None:
            write_ahead(ahead, site, env, theme, options.output, audience.label, warm)
        outputs = plan_site(site, theme, problems, env)
        problems.raise_if_any()
        if warm is not None:
            warm.sources = {output.path: output.source for output in outputs}
        previous = previous_manifest(options, warm)
        with StagedSite(options.output, previous, private=warm is not None, audience=audience.label) as staged:
            keys = fingerprint(outputs, site, env, theme, warm)
            keep_to_the_end()  # the model, the plan and the fingerprints (see workers.long_lived)
            # The old feeds are read before they are replaced; one made from unchanged
            # inputs would be written again byte for byte, so it cannot drift and is not read.
            warn_on_feed_drift(options.output, staged.existing_files() if staged.incremental else (), site,
                               problems, lambda rel: staged.is_current(rel, keys.get(rel)))
            changed = [o for o in outputs if staged.keep(o.path, keys.get(o.path)) is None]
            staged.record_all(render_outputs(changed, keys, theme, workers, reporter, staged.stage))
            index = search.StagedIndex(site, staged) if options.search_index else None
            if index is not None:
                index.before_commit()  # never let an index outlive the pages it describes
            staged.commit(lambda manifest: keep_manifest(manifest, options, warm))
    if index is not None:
        index.after_commit()
    return BuildResult(site, staged.stats, time.perf_counter() - started, problems.warnings)


def write_ahead(ahead: Ahead, site: Site, env: jinja2.Environment, theme: Theme, output: Path, audience: str,
                warm: Warm) -> None:
    """Put the pages of the saved files in place now (see `Ahead`), then tell `ahead.shown`."""
    pages = [o for o in HtmlPlanner(site, env).made_from(ahead.sources) if warm.sources.get(o.path) == o.source]
    if not pages or warm.manifest is None:
        return
    with StagedSite(output, warm.manifest, private=True, audience=audience) as staged:
        if not staged.incremental:  # the folder lost its marker: the full build starts it anew
            staged.abandon()
            return
        staged.record_all(render_outputs(pages, {}, theme, Workers(parallel=False), Reporter(), staged.stage))
        staged.commit_ahead(lambda manifest: setattr(warm, "manifest", manifest))
    ahead.shown(staged.stats.changed)


def fingerprint(outputs: list[Output], site: Site, env: jinja2.Environment, theme: Theme,
                warm: Warm | None) -> dict[str, str]:
    """Output path -> fingerprint of its inputs (weeknotes.output.fingerprint), for outputs that name them."""
    fingerprints = Fingerprinter(site, env, theme, warm.fingerprints if warm else None)
    keys = {o.path: fingerprints.key(o.path, o.template, o.inputs) for o in outputs if o.inputs is not None}
    if warm is not None:
        warm.fingerprints = fingerprints.current
    return keys
