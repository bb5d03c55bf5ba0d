"""serve's rebuild loop: one thread builds, first in full, then once per burst of changes.

It keeps a `WarmSession` (serve/warm.py: rendered Markdown, records, Jinja environments, the
last manifest and fingerprints) between builds, so a rebuild redoes little; each changed file is put in
place atomically (output/staging.py); the outcome goes to the browsers (live_reload.py) and to the
terminal (the reporter); then the search index is brought up to date, off the path from
save to page.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace

from weeknotes.base.errors import ContentErrors, Problem, WeeknotesError
from weeknotes.base.reporter import Reporter
from weeknotes.output import search
from weeknotes.output.build import BuildOptions, BuildResult, build
from weeknotes.serve.live_reload import Preview
from weeknotes.serve.warm import Ahead, WarmSession
from weeknotes.serve.watch import Burst, Change, Watcher
from weeknotes.source.cache import CACHE_DIR, RenderCache
from weeknotes.source.sources import display_path


def load_renders(options: BuildOptions) -> RenderCache:
    """The Markdown cache, read from disk once; serve keeps it in memory and never saves it."""
    return RenderCache(options.content / CACHE_DIR).detached() if options.use_cache else RenderCache(None)


def prune(cache: RenderCache) -> None:
    """Keep what the last build used, so a long session does not keep every version of a note."""
    if cache.used:  # empty when the build stopped before rendering (a broken site.yaml)
        cache.keep_only(cache.used)
        cache.used = set()


class Builder:
    """The one thread that builds: the first build, then one rebuild per burst of changes."""

    def __init__(
        self,
        options: BuildOptions,
        preview: Preview,
        watcher: Watcher,
        stop: threading.Event,
        renders: RenderCache,
        reporter: Reporter,
    ) -> None:
        self.options = options
        self.reporter = reporter
        self.preview = preview
        self.watcher = watcher
        self.stop = stop
        self.warm = WarmSession(options, renders)
        self.errors: tuple[str, ...] = ()
        self.warnings: list[Problem] = []
        self.files = 0
        self.search_stale = False
        self.bundles: list[search.Bundle] = []
        self.shown_at: float | None = None
        """When this rebuild showed the saved page ahead of the rest (`time.perf_counter()`)."""
        self.shown: tuple[str, ...] = ()
        """The files it wrote ahead."""

    def run(self) -> None:
        while not self.stop.is_set():
            burst = self.watcher.next_burst(self.stop, timeout=0.5 if self.search_stale else None)
            if burst is not None:
                self.rebuild(burst)
            elif self.search_stale and not self.watcher.pending():
                self.index_search()

    def rebuild(self, burst: Burst | None) -> None:
        """Build once, publish the outcome to browsers, and report it in the terminal."""
        # Watch new folders (a site's own themes/, just made) before the build reads them:
        # an edit saved after this is seen, one saved before is in this build.
        self.watcher.refresh()
        if burst is not None and burst.kind is Change.CONFIG:
            self.warm = WarmSession(self.options, RenderCache(None))  # site.yaml: a full rebuild, nothing kept
        elif burst is not None and burst.kind is Change.THEME:
            self.warm.environments.clear()  # a new override template must be found afresh
        self.shown_at, self.shown = None, ()
        with self.preview.busy():
            result, errors = self.attempt(self.ahead(burst))
            news = errors != self.errors or (
                result is not None and (result.stats.written > 0 or result.stats.total != self.files)
            )
            if news:
                self.preview.publish(errors, built=result is not None,
                                     files=(result.stats.changed or None) if result is not None else None)
        prune(self.warm.renders)
        self.report(result, errors, burst)
        self.errors = errors
        if result is not None:
            self.files = result.stats.total
            manifest = self.warm.manifest.files if self.warm.manifest else {}
            self.bundles = search.plan_bundles(result.site, {rel: known[1] for rel, known in manifest.items()})
            # A page shown ahead is new too, though the full build found it already in place.
            self.search_stale = news or bool(self.shown) or self.search_stale
            if self.search_stale:
                self.index_search()

    def ahead(self, burst: Burst | None) -> Ahead | None:
        """What to show before the whole rebuild is done: the pages of the Markdown files just
        saved, after a build that worked (so no error overlay comes and goes)."""
        if burst is None or burst.kind is not Change.CONTENT or self.errors:
            return None
        root = self.watcher.roots.content
        saved = frozenset(display_path(self.options.content / path.relative_to(root))
                          for path in burst.paths if path.suffix == ".md" and path.is_relative_to(root))
        return Ahead(saved, self.show_ahead) if saved else None

    def show_ahead(self, written: tuple[str, ...]) -> None:
        """The saved pages are in place: browsers showing them reload now, others wait."""
        if written:
            self.preview.publish((), built=True, files=written, settled=True)
            self.shown_at, self.shown = time.perf_counter(), written

    def attempt(self, ahead: Ahead | None = None) -> tuple[BuildResult | None, tuple[str, ...]]:
        """Build; a failed build is a list of error reports, never an exception."""
        try:
            self.warm.ahead = ahead
            return build(self.options, self.warm, self.reporter), ()
        except ContentErrors as exc:
            return None, tuple(problem.format() for problem in exc.problems)
        except WeeknotesError as exc:
            return None, (f"error: {exc}",)
        except Exception as exc:  # a bug must not stop the preview either
            return None, (
                f"weeknotes: internal error (a bug in weeknotes, not in your content): {type(exc).__name__}: {exc}",
            )

    def report(self, result: BuildResult | None, errors: tuple[str, ...], burst: Burst | None) -> None:
        if self.stop.is_set():
            return
        if result is None:
            kept = "still serving the last good build" if self.preview.has_site else "nothing to serve yet"
            self.reporter.failed(errors, kept)
            return
        if sorted(result.warnings) != self.warnings:
            self.warnings = sorted(result.warnings)
            self.reporter.warnings(self.warnings)
        if burst is None:
            self.reporter.built(result.summary_line(self.options.output))
            return
        since = time.perf_counter() - burst.first_seen
        shown = self.shown_at - burst.first_seen if self.shown_at is not None else None
        # The full build left the pages written ahead alone (same bytes): count them here.
        stats = replace(result.stats, written=result.stats.written + len(self.shown),
                        unchanged=result.stats.unchanged - len(self.shown))
        self.reporter.rebuilt(stats, result.seconds, since, fixed=bool(self.errors), page_shown=shown)

    def index_search(self) -> None:
        """Bring the index beside the site up to date; give up as soon as a change comes."""
        try:
            done = search.update_index(
                self.preview.site_dir,
                self.preview.search_dir,
                self.bundles,
                lambda: self.watcher.pending() or self.stop.is_set(),
            )
        except WeeknotesError as exc:
            done = True
            self.reporter.notice(f"{exc}\n  search does not work here until the next change")
        self.search_stale = not done  # else the next build indexes the next site
