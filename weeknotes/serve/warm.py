"""serve's build session: what a long-running `serve` keeps from one build to the next, so
a rebuild redoes little, and the saved page shown ahead of the rest of the rebuild.

A build given one writes to a folder nothing else writes to (serve's own), so the last
manifest lists every file there and the folder is never walked.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import jinja2

from weeknotes.base.language import Language
from weeknotes.base.reporter import Reporter
from weeknotes.base.workers import Workers
from weeknotes.model import reuse
from weeknotes.model.plan import HtmlPlanner, Output
from weeknotes.model.values import Site
from weeknotes.output.fingerprint import Remembered
from weeknotes.output.fragments import WeekDigests
from weeknotes.output.options import BuildOptions
from weeknotes.output.pages import render_outputs
from weeknotes.output.session import BuildSession
from weeknotes.output.spare import Spare
from weeknotes.output.staging import Manifest, StagedSite
from weeknotes.render.theme import Theme, make_environment
from weeknotes.source.cache import RecordCache, RenderCache


@dataclass(frozen=True)
class Ahead:
    """serve: show the pages of the files just saved before the rest of the rebuild is done.

    Their pages are rendered from the new site as soon as it is collected and put in place
    on their own (staging.StagedSite.commit_ahead); the full build that follows renders them
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


class WarmSession(BuildSession):
    """Caches, environments, the manifest and fingerprints kept in memory between builds;
    never forks (the server's threads would be copied half-way through their work)."""

    private = True

    def __init__(self, options: BuildOptions, renders: RenderCache) -> None:
        super().__init__(options, Workers(parallel=False))
        self.renders = renders
        """Rendered Markdown by content hash, kept in memory instead of reloaded from disk."""
        self.records = RecordCache(None)
        """Validated records by file stamp, so unchanged files are not even read again."""
        self.environments: dict[tuple[Theme, Language], jinja2.Environment] = {}
        """One Jinja environment per theme and language; it recompiles a template whose file changed."""
        self.manifest: Manifest | None = None
        """What the last build wrote, so the next renders only what changed."""
        self.sources: dict[str, str] = {}
        """Output file -> the source that made it, in the last build (see `Ahead`)."""
        self.last_fingerprints: Remembered | None = None
        """The last build's fingerprints and their inputs: an output whose inputs are equal is not digested again."""
        self.ahead: Ahead | None = None
        """The pages to show before the rest of the next build, if any."""
        output = options.output
        self._spare = Spare(output.parent / f".{output.name}.weeknotes-spare")
        """Beside the site, in the session's own folder; what it holds is known from one build to the next."""
        self.shape: reuse.Shape | None = None
        """How the last build collected its site (model/reuse.py)."""

    @contextmanager
    def holding(self) -> Iterator[None]:
        """One rebuild, with the cycle collector paused: each of its full collections walked
        the whole warm state (0.5 s at 10,000 items), set off while the saved page was on
        its way. Nothing is frozen: a long session still frees what it no longer uses, in
        the collections that follow the rebuild."""
        paused = gc.isenabled()
        gc.disable()
        try:
            with self.spare_stopped_on_failure():
                yield
        finally:
            if paused:
                gc.enable()

    def loaded(self) -> None:
        pass

    def caches(self) -> tuple[RenderCache | None, RecordCache | None]:
        return self.renders, self.records

    def environment(self, theme: Theme, language: Language) -> jinja2.Environment:
        if (theme, language) not in self.environments:
            # A catalog edit makes a new language: the old environment is never asked for again.
            self.environments = {key: env for key, env in self.environments.items() if key[0] != theme}
            self.environments[(theme, language)] = make_environment(theme, language)
        return self.environments[(theme, language)]

    def collected(self, site: Site, env: jinja2.Environment, theme: Theme, audience: str) -> None:
        """Put the pages of the saved files in place now (see `Ahead`), then tell `ahead.shown`."""
        ahead, self.ahead = self.ahead, None
        if ahead is None or self.manifest is None:
            return
        pages = [o for o in HtmlPlanner(site, env).made_from(ahead.sources) if self.sources.get(o.path) == o.source]
        if not pages:
            return
        with StagedSite(self.options.output, self.manifest, private=True, audience=audience) as staged:
            if not staged.incremental:  # the folder lost its marker: the full build starts it anew
                staged.abandon()
                return
            staged.record_all(render_outputs(pages, {}, theme, self.workers, Reporter(), staged.stage))
            staged.commit_ahead(self.keep_manifest)
        ahead.shown(staged.stats.changed)

    def planned(self, outputs: list[Output]) -> None:
        self.sources = {output.path: output.source for output in outputs}

    def previous_manifest(self) -> Manifest | None:
        return self.manifest

    def start_spare(self, audience: str) -> None:
        """Not while the build runs: the saved page is put in place ahead of the rest, into the
        very folder a copy made meanwhile would be taken from. The spare is linked when needed."""

    def spare(self) -> Spare:
        assert self._spare is not None  # made with the session
        return self._spare

    def last_shape(self) -> reuse.Shape | None:
        return self.shape

    def keep_shape(self, shape: reuse.Shape, last: reuse.Shape | None) -> None:
        self.shape = shape

    def week_digests(self, site: Site, env: jinja2.Environment, theme: Theme) -> WeekDigests:
        return WeekDigests(None, lambda: self.fingerprinter(site, env, theme))  # nothing written beside the content

    def keep_manifest(self, manifest: Manifest) -> None:
        self.manifest = manifest

    def remembered(self) -> Remembered | None:
        return self.last_fingerprints

    def remember(self, fingerprints: Remembered) -> None:
        self.last_fingerprints = fingerprints
