"""Rendered Markdown, kept on disk by content hash so that a rebuild parses only what changed.

The key covers everything a rendering depends on: the Markdown text, the document id, the
`allow_html` setting, and the versions of weeknotes and of every library that shapes the
HTML. A change to any of them is a miss, so the cache cannot serve stale output.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from weeknotes import __version__
from weeknotes.markdown import Rendered

CACHE_DIR = ".weeknotes-cache"
CACHE_FILE = "markdown.pickle"
RECORDS_FILE = "records.pickle"


LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "pygments", "nh3", "python-slugify", "PyYAML", "jinja2",
             "markupsafe", "feedgen", "lxml", "css-inline", "tzdata")


def code_version() -> str:
    """weeknotes' version, a digest of its own source (an editable install keeps one version
    number across edits), and the version of every library that shapes the output."""
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for name in LIBRARIES:
        try:
            digest.update(f"{name}={version(name)};".encode())
        except PackageNotFoundError:  # pragma: no cover
            digest.update(f"{name}=?;".encode())
    return digest.hexdigest()


CODE_VERSION = code_version()
_SALT = CODE_VERSION.encode()


def render_key(text: str, allow_html: bool, doc_id: str) -> str:
    digest = hashlib.blake2b(_SALT, digest_size=20)
    digest.update(b"1" if allow_html else b"0")
    digest.update(doc_id.encode())
    digest.update(b"\0")
    digest.update(text.encode())
    return digest.hexdigest()


class RenderCache:
    """A dict of render key -> Rendered, loaded once and saved once per build."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self.entries: dict[str, Rendered] = {}
        self.used: set[str] = set()
        self.dirty = False
        if directory is not None:
            self._load()

    def _load(self) -> None:
        assert self.directory is not None
        try:
            with open(self.directory / CACHE_FILE, "rb") as handle:
                entries = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError):
            return  # a missing or unreadable cache is just a cold build
        if isinstance(entries, dict):
            self.entries = entries

    def get(self, key: str) -> Rendered | None:
        found = self.entries.get(key)
        if found is not None:
            self.used.add(key)
        return found

    def put(self, key: str, rendered: Rendered) -> None:
        self.entries[key] = rendered
        self.used.add(key)
        self.dirty = True

    def save(self, live: int) -> None:
        """Save new entries; drop unused ones once they outnumber the `live` sources.

        Entries this build did not use may belong to files the record cache served, so
        they are kept until the cache grows well past the size of the site.
        """
        if self.directory is None or not self.dirty:
            return
        prune = len(self.entries) > 2 * live + 100
        kept = {key: self.entries[key] for key in self.used} if prune else self.entries
        self.directory.mkdir(parents=True, exist_ok=True)
        gitignore = self.directory / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("*\n")
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(kept, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.directory / CACHE_FILE)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


class RecordCache:
    """Validated records (items, pages, intros) by file, so a rebuild reads only changed files.

    An entry is used only while the file's bytes are those it was parsed from (by digest),
    and while the context (site.yaml, authors.yaml, the working directory that error
    messages are relative to, and every library version) is the same; files with errors
    are never kept, so their errors are reported on every run.
    """

    def __init__(self, directory: Path | None) -> None:
        self.path = directory / RECORDS_FILE if directory is not None else None
        self.context = ""
        self.entries: dict[str, tuple[str, object, list[object]]] = {}
        self.used: set[str] = set()
        self.dirty = False
        if self.path is not None:
            try:
                with open(self.path, "rb") as handle:
                    self.context, self.entries = pickle.load(handle)
            except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError, TypeError):
                self.context, self.entries = "", {}

    def use_context(self, context: str) -> None:
        """Forget everything parsed under other settings."""
        if context != self.context:
            self.context, self.entries, self.dirty = context, {}, True

    def get(self, path: str, stamp: str) -> tuple[object, list[object]] | None:
        entry = self.entries.get(path)
        if entry is None or entry[0] != stamp:
            return None
        self.used.add(path)
        return entry[1], entry[2]

    def put(self, path: str, stamp: str, record: object, warnings: list[object]) -> None:
        self.entries[path] = (stamp, record, warnings)
        self.used.add(path)
        self.dirty = True

    def save(self) -> None:
        if self.path is None:
            return
        if not self.dirty and len(self.used) == len(self.entries):
            return
        kept = {path: self.entries[path] for path in self.used}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((self.context, kept), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def context_key(*parts: bytes) -> str:
    digest = hashlib.blake2b(_SALT, digest_size=20)
    for part in parts:
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()
