"""Rendered Markdown, kept on disk by content hash so that a rebuild parses only what changed.

The key covers everything a rendering depends on: the Markdown text, the document id, the
`allow_html` setting, and the versions of weeknotes and of every library that shapes the
HTML. A change to any of them is a miss, so the cache cannot serve stale output.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from weeknotes import __version__
from weeknotes.base.errors import Problems
from weeknotes.base.files import write_atomically
from weeknotes.base.workers import collector_paused
from weeknotes.source.markdown import Rendered
from weeknotes.source.sources import Stamp, content_digest, read_bytes, settled, stamp_of

CACHE_DIR = ".weeknotes-cache"
RENDERS_DIR = "markdown"
RECORDS_DIR = "records"
TEMPLATES_DIR = "templates"
"""Compiled theme templates (output/session.py), one folder per weeknotes version."""


LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "pygments", "nh3", "python-slugify", "PyYAML", "jinja2",
             "markupsafe", "feedgen", "lxml", "css-inline", "tzdata")


def code_version() -> str:
    """weeknotes' version, a digest of its own source (an editable install keeps one version
    number across edits), and the version of every library that shapes the output."""
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    package = Path(__file__).parent.parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    versions = installed_versions()
    for name in LIBRARIES:
        digest.update(f"{name}={versions.get(distribution_key(name), '?')};".encode())
    return digest.hexdigest()


def distribution_key(name: str) -> str:
    """A distribution's name as its installed metadata folder spells it (PEP 503 and 427)."""
    return re.sub(r"[-_.]+", "_", name).lower()


@functools.cache
def installed_versions() -> dict[str, str]:
    """distribution_key -> version of every distribution installed on sys.path, the first one
    found winning, as for imports. Read from the names of their metadata folders
    (`markdown_it_py-3.0.0.dist-info`): importlib.metadata and the email package it loads
    cost every command 0.03 s."""
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith((".dist-info", ".egg-info")):
                project, _, rest = name.rpartition(".")[0].partition("-")
                found.setdefault(distribution_key(project), rest.partition("-")[0])
    return found


CODE_VERSION = code_version()
_SALT = CODE_VERSION.encode()


def render_key(text: str, allow_html: bool, doc_id: str) -> str:
    digest = hashlib.blake2b(_SALT, digest_size=20)
    digest.update(b"1" if allow_html else b"0")
    digest.update(doc_id.encode())
    digest.update(b"\0")
    digest.update(text.encode())
    return digest.hexdigest()


SHARDS = 64
"""Each cache is split into this many files by key, so a rebuild that changed one note
reads and rewrites a sixty-fourth of the Markdown cache, and of the record cache."""
LEGACY_FILES = ("markdown.pickle", "records.pickle")  # one file each, before 0.1's shards


def shard_of(key: str) -> int:
    return hashlib.blake2b(key.encode(), digest_size=2).digest()[0] % SHARDS


class ShardedStore:
    """A dict of str -> value kept on disk as SHARDS pickle files, each read when first
    needed and rewritten only when it changed. Every shard carries the context it was
    made under; a shard made under another context reads as empty."""

    def __init__(self, directory: Path | None, context: str = "") -> None:
        self.directory = directory
        self.context = context
        self.shards: dict[int, dict[str, object]] = {}
        self.dirty: set[int] = set()

    def shard(self, number: int) -> dict[str, object]:
        if number not in self.shards:
            self.shards[number] = self._read(number)
        return self.shards[number]

    def _read(self, number: int) -> dict[str, object]:
        if self.directory is None:
            return {}
        try:
            with open(self.directory / f"{number:02d}.pickle", "rb") as handle, collector_paused():
                context, entries = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError, TypeError):
            return {}  # a missing or unreadable shard is just a cold one
        if context != self.context or not isinstance(entries, dict):
            self.dirty.add(number)  # rewrite it, so stale entries do not linger on disk
            return {}
        return entries

    def get(self, key: str) -> object | None:
        return self.shard(shard_of(key)).get(key)

    def put(self, key: str, value: object) -> None:
        number = shard_of(key)
        self.shard(number)[key] = value
        self.dirty.add(number)

    def save(self, keep: Callable[[str], bool] = lambda key: True) -> None:
        """Write each shard that changed, or that holds entries `keep` lets go."""
        if self.directory is None:
            return
        for number, entries in sorted(self.shards.items()):
            kept = {key: value for key, value in entries.items() if keep(key)}
            if number in self.dirty or len(kept) != len(entries):
                self._write(number, kept)
        self.dirty.clear()

    def _write(self, number: int, entries: dict[str, object]) -> None:
        assert self.directory is not None
        self.directory.mkdir(parents=True, exist_ok=True)
        gitignore = self.directory.parent / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("*\n")
        for legacy in LEGACY_FILES:
            (self.directory.parent / legacy).unlink(missing_ok=True)
        data = pickle.dumps((self.context, entries), protocol=pickle.HIGHEST_PROTOCOL)
        write_atomically(self.directory / f"{number:02d}.pickle", data)


class RenderCache:
    """Render key -> Rendered: on disk (shard by shard), or only in memory (serve)."""

    def __init__(self, directory: Path | None) -> None:
        self.store = ShardedStore(directory / RENDERS_DIR if directory is not None else None)
        self.used: set[str] = set()

    def detached(self) -> RenderCache:
        """Everything this cache holds on disk, in a cache kept only in memory (serve's)."""
        memory = RenderCache(None)
        memory.store.shards = {number: self.store.shard(number) for number in range(SHARDS)}
        return memory

    def keep_only(self, keys: set[str]) -> None:
        """Forget all but these keys (serve, between two builds, so old versions do not pile up)."""
        for number, entries in self.store.shards.items():
            self.store.shards[number] = {key: value for key, value in entries.items() if key in keys}

    def get(self, key: str) -> Rendered | None:
        found = self.store.get(key)
        if found is not None:
            self.used.add(key)
        return found  # type: ignore[return-value]

    def put(self, key: str, rendered: Rendered) -> None:
        self.store.put(key, rendered)
        self.used.add(key)

    def mark_used(self, key: str) -> None:
        """Count an entry a worker process found in its copy of this cache as used here."""
        self.used.add(key)

    def save(self, live: int) -> None:
        """Save new entries; drop unused ones once a shard outgrows its share of `live` sources.

        Entries this build did not use may belong to files the record cache served, so
        they are kept until the cache grows well past the size of the site.
        """
        share = 2 * live // SHARDS + 10
        self.store.save(keep=lambda key: key in self.used or not self._crowded(key, share))

    def _crowded(self, key: str, share: int) -> bool:
        return len(self.store.shard(shard_of(key))) > share


@dataclass(frozen=True)
class Job:
    """A source file the record cache could not answer for: to be read, rendered and parsed."""

    path: Path
    kind: str
    kind_dir: Path
    raw: bytes
    digest: str
    """content_digest(raw): the record cache's key for the file."""
    stamp: Stamp | None
    """Its settled stamp, if it has one (sources.settled)."""


class RecordCache:
    """Validated records (items, pages, intros) by file, so a rebuild reads only changed files.

    An entry is used only while the file's bytes are those it was parsed from (by digest),
    and while the context (site.yaml, authors.yaml, the working directory that error
    messages are relative to, and every library version) is the same; files with errors
    are never kept, so their errors are reported on every run.
    """

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory / RECORDS_DIR if directory is not None else None
        self.store = ShardedStore(self.directory)
        self.used: set[str] = set()

    def use_context(self, context: str) -> None:
        """Forget everything parsed under other settings."""
        if context != self.store.context:
            self.store = ShardedStore(self.directory, context)

    def get(self, path: str, digest: str) -> tuple[object, list[object]] | None:
        """The record parsed from a file that held these very bytes."""
        entry = self.store.get(path)
        if not isinstance(entry, tuple) or entry[0] != digest:
            return None
        self.used.add(path)
        return entry[1], entry[2]

    def get_unchanged(self, path: str, stamp: Stamp | None) -> tuple[object, list[object]] | None:
        """The record of a file whose stamp is the settled one taken when it was read,
        so the file need not even be read again (sources.settled)."""
        entry = self.store.get(path)
        if stamp is None or not isinstance(entry, tuple) or entry[3] != stamp:
            return None
        self.used.add(path)
        return entry[1], entry[2]

    def put(self, path: str, digest: str, record: object, warnings: list[object],
            stamp: Stamp | None = None) -> None:
        self.store.put(path, (digest, record, warnings, stamp))
        self.used.add(path)

    def sort_out(self, paths: Iterable[tuple[str, Path, str]], problems: Problems,
                 clock: Callable[[], int]) -> tuple[list[tuple[str, object]], list[Job]]:
        """Split the source files (kind, kind folder, path as `str(Path)` gives it) into the
        records this cache answers for, with their warnings added to `problems`, and the
        files to parse.

        A file whose stamp is the settled one of its entry is not even read; another is read
        once, and its bytes are the key (and, when new, what the parse reads).
        """
        found: list[tuple[str, object]] = []
        fresh: list[Job] = []
        for kind, kind_dir, name in paths:
            stamp = stamp_of(name)  # before reading: a change made after it changes the stamp
            hit = self.get_unchanged(name, stamp)
            if hit is None:
                path = Path(name)
                raw = read_bytes(path, problems)
                if raw is None:
                    continue
                digest, trusted = content_digest(raw), settled(stamp, clock)
                hit = self.get(name, digest)
                if hit is None:
                    fresh.append(Job(path, kind, kind_dir, raw, digest, trusted))
                    continue
                if trusted is not None:  # touched, not changed: remember the new stamp
                    self.put(name, digest, hit[0], hit[1], trusted)
            found.append((kind, hit[0]))
            problems.warnings.extend(hit[1])  # type: ignore[arg-type]
        return found, fresh

    def save(self) -> None:
        """Write what changed; a file no longer there (or no longer valid) is forgotten."""
        self.store.save(keep=lambda path: path in self.used)


def context_key(*parts: bytes) -> str:
    digest = hashlib.blake2b(_SALT, digest_size=20)
    for part in parts:
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()
