"""What differs between one `weeknotes build` and serve's rebuilds, behind one object.

`build()` asks its session for the caches, the Jinja environment, the last manifest and
the fingerprints, and tells it when the site is collected and planned. `BuildSession`
answers for a one-shot build (caches on disk, forked workers, the cycle collector told to
skip what a build keeps); serve's `WarmSession` (serve/warm.py) keeps them in memory
between builds and shows the saved page ahead of the rest.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import jinja2

from weeknotes.base.files import read_pickle, write_pickle
from weeknotes.base.language import Language
from weeknotes.base.workers import Workers, keep_to_the_end, long_lived
from weeknotes.model import reuse
from weeknotes.model.plan import Output
from weeknotes.model.values import Audience, Content, Site
from weeknotes.output.fingerprint import Fingerprinter, Reads, Remembered
from weeknotes.output.folders import FolderIndex
from weeknotes.output.fragments import WeekDigests
from weeknotes.output.guard import recorded_audience
from weeknotes.output.options import BuildOptions
from weeknotes.output.spare import Spare
from weeknotes.output.staging import Manifest, StagedSite
from weeknotes.render.theme import Theme, make_environment
from weeknotes.source.cache import CACHE_DIR, CODE_VERSION, TEMPLATES_DIR, RecordCache, RenderCache

READS = "reads.pickle"
"""Beside the compiled templates: what each template reads of the site (fingerprint.site_attributes)."""
FRAGMENTS = "-fragments"
"""The suffix of the folder that keeps the digest feed's weeks (fragments.py)."""
SHAPE, SHAPE_SITE = "-shape", "-shape-site"
"""The suffixes of the files that keep the collected site's shape (model/reuse.py)."""
FOLDERS = "-folders"
"""The suffix of the file that keeps what the last walk of the output folder found."""


class BuildSession:
    """A one-shot build: caches read from and saved to the content folder (unless
    `use_cache` is off), work forked onto every core, nothing kept afterwards."""

    private = False
    """Whether nothing but these builds writes to the output folder (serve's own)."""

    def __init__(self, options: BuildOptions, workers: Workers | None = None) -> None:
        self.options = options
        self.workers = workers or Workers()
        self.staged: StagedSite | None = None
        self._fingerprinter: Fingerprinter | None = None
        self.known_reads: dict[str, Reads] = {}
        self._spare: Spare | None = None

    @contextmanager
    def holding(self) -> Iterator[None]:
        """One build: the cycle collector skips what was made before it, and what `loaded` marks."""
        with long_lived(), self.spare_stopped_on_failure():
            yield

    @contextmanager
    def spare_stopped_on_failure(self) -> Iterator[None]:
        """A build that fails stops the spare site it started making (`start_spare`)."""
        try:
            yield
        except BaseException:
            self.spare().stop_linking()
            raise

    def start_spare(self, audience: str) -> None:
        """A rebuild for the same audience with no spare site starts making one now, in
        another process, so that it is ready, or nearly, when the new site is put in place
        (spare.py)."""
        output = self.options.output.resolve() if self.options.output.is_symlink() else self.options.output
        if recorded_audience(output) == audience:
            self.spare().prepare(output)

    def loaded(self) -> None:
        """Everything made so far lives until the build ends (the model, the plan, the fingerprints)."""
        keep_to_the_end()

    def caches(self) -> tuple[RenderCache | None, RecordCache | None]:
        """The Markdown and record caches to use; None: the loader opens the content folder's."""
        return None, None

    def collect(self, content: Content, audience: Audience) -> Site:
        """The site this audience sees: restored from the shape the last build kept when no
        changed file moves anything in it, else collected (model/reuse.py)."""
        shape = self.last_shape()
        site, new = reuse.collect(content, audience, shape, CODE_VERSION.encode())
        self.keep_shape(new, shape)
        return site

    def last_shape(self) -> reuse.Shape | None:
        """What the last build into this output folder kept, beside the manifest."""
        if not self.options.use_cache:
            return None
        fields, site = read_pickle(self.manifest_path(SHAPE)), read_pickle(self.manifest_path(SHAPE_SITE))
        if not isinstance(fields, dict) or not isinstance(site, bytes):
            return None
        try:
            return reuse.Shape(site=site, **fields)
        except TypeError:  # written by another version
            return None

    def keep_shape(self, shape: reuse.Shape, last: reuse.Shape | None) -> None:
        """Keep the shape for the next build; the pickled site only when it is not the last one's."""
        if not self.options.use_cache:
            return
        if last is None or shape.site is not last.site:
            write_pickle(self.manifest_path(SHAPE_SITE), shape.site)
        write_pickle(self.manifest_path(SHAPE), {"context": shape.context, "items": shape.items, "now": shape.now,
                                                 "until": shape.until})

    def environment(self, theme: Theme, language: Language) -> jinja2.Environment:
        return make_environment(theme, language, self.compiled_templates())

    def compiled_templates(self) -> Path | None:
        """Where compiled templates are kept between builds, beside the other caches: compiling
        the theme took a tenth of a one-note rebuild. One folder per weeknotes version (the
        code's digest), older ones removed."""
        if not self.options.use_cache:
            return None
        cache = self.options.content / CACHE_DIR
        folder = cache / f"{TEMPLATES_DIR}-{CODE_VERSION[:16]}"
        if not folder.is_dir():
            for old in cache.glob(f"{TEMPLATES_DIR}-*"):
                shutil.rmtree(old, ignore_errors=True)
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError:
                return None  # a read-only content folder: compile every time
        return folder

    def collected(self, site: Site, env: jinja2.Environment, theme: Theme, audience: str) -> None:
        """The new site is collected (serve writes the saved page ahead here)."""

    def planned(self, outputs: list[Output]) -> None:
        """The outputs are planned and free of collisions."""

    def staged_site(self, audience: str) -> StagedSite:
        folders = FolderIndex.load(self.manifest_path(FOLDERS)) if self.options.use_cache else None
        self.staged = StagedSite(self.options.output, self.previous_manifest(), private=self.private, audience=audience,
                                 spare=self.spare(), folders=folders)
        return self.staged

    def spare(self) -> Spare:
        """The spare site a rebuild exchanges with the output (spare.py), made when first asked for.

        In the parse cache, keyed by output folder like the manifest, where that is on the
        output's file system (a hard link or an exchange cannot cross file systems): there it
        is out of sight, already ignored by git, and removed with the cache. Else beside the
        output, hidden, walked by each rebuild instead of trusted.
        """
        if self._spare is None:
            self._spare = self.find_spare()
        return self._spare

    def find_spare(self) -> Spare:
        output = self.options.output.resolve() if self.options.output.is_symlink() else self.options.output
        beside = Spare(output.parent / f".{output.name}.weeknotes-spare")
        if not self.options.use_cache:
            return beside
        cache = self.options.content / CACHE_DIR
        try:
            cache.mkdir(exist_ok=True)
            if os.stat(cache).st_dev != os.stat(output.parent).st_dev:
                return beside
        except OSError:
            return beside
        key = self.manifest_path().stem.removeprefix("outputs-")
        return Spare(cache / f"site-{key}", record=cache / f"site-{key}.pickle")

    def previous_manifest(self) -> Manifest | None:
        if self.options.use_cache:
            return Manifest.load(self.manifest_path())
        # A build without the cache changes the output behind the stored manifest's back.
        for suffix in ("", FOLDERS, SHAPE, SHAPE_SITE):
            self.manifest_path(suffix).unlink(missing_ok=True)
        return None

    def keep_manifest(self, manifest: Manifest) -> None:
        if self.options.use_cache:
            manifest.save(self.manifest_path())
            if self.staged is not None and self.staged.folders is not None:
                self.staged.folders.save(self.manifest_path(FOLDERS))

    def manifest_path(self, suffix: str = "") -> Path:
        """Where the list of last-written files lives (and, with a `suffix`, what the last walk of
        the output folder found): the parse cache, keyed by output folder."""
        key = hashlib.blake2b(str(self.options.output.resolve()).encode(), digest_size=8).hexdigest()
        return self.options.content / CACHE_DIR / f"outputs-{key}{suffix}.pickle"

    def fingerprinter(self, site: Site, env: jinja2.Environment, theme: Theme) -> Fingerprinter:
        """This build's fingerprints (output/fingerprint.py), made when first asked for."""
        if self._fingerprinter is None or self._fingerprinter.site is not site:
            folder = self.compiled_templates()
            known = read_pickle(folder / READS) if folder is not None else None
            self.known_reads = known if isinstance(known, dict) else {}
            self._fingerprinter = Fingerprinter(site, env, theme, self.remembered(), dict(self.known_reads))
        return self._fingerprinter

    def fingerprints(self, outputs: list[Output], site: Site, env: jinja2.Environment, theme: Theme) -> dict[str, str]:
        """Output path -> fingerprint of its inputs, for outputs that name them."""
        fingerprints = self.fingerprinter(site, env, theme)
        keys = {o.path: fingerprints.key(o.path, o.template, o.inputs) for o in outputs if o.inputs is not None}
        self.remember(fingerprints.current)
        folder = self.compiled_templates()
        if folder is not None and fingerprints.known_reads != self.known_reads:
            write_pickle(folder / READS, fingerprints.known_reads)
        return keys

    def week_digests(self, site: Site, env: jinja2.Environment, theme: Theme) -> WeekDigests:
        """The digest feed's weeks, kept between builds beside the other caches (output/fragments.py)."""
        folder = self.manifest_path(FRAGMENTS).with_suffix("") if self.options.use_cache else None
        return WeekDigests(folder, lambda: self.fingerprinter(site, env, theme))

    def remembered(self) -> Remembered | None:
        """The last build's fingerprints, when kept (serve)."""
        return None

    def remember(self, fingerprints: Remembered) -> None:
        """Keep this build's fingerprints for the next (serve)."""
