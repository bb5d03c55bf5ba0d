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


def _library_versions() -> str:
    parts = [__version__]
    for name in ("markdown-it-py", "mdit-py-plugins", "pygments", "nh3", "python-slugify"):
        try:
            parts.append(version(name))
        except PackageNotFoundError:  # pragma: no cover
            parts.append("?")
    return "/".join(parts)


_SALT = _library_versions().encode()


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

    def save(self) -> None:
        """Keep only what this build used, so the cache never grows without bound."""
        if self.directory is None:
            return
        if not self.dirty and len(self.used) == len(self.entries):
            return
        kept = {key: self.entries[key] for key in self.used}
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
