"""Watch what a site is built from, and say what kind of rebuild a burst of changes needs.

The watchdog handler runs on watchdog's own thread and only queues paths. The one builder
thread (rebuild_loop.py) takes them in bursts: it waits until no new change has come for
`DEBOUNCE` seconds, so an editor that saves in three steps, or a `git checkout` of twenty
files, makes one rebuild. What a burst needs is the widest kind among its paths (after zola
`src/fs_utils.rs::ChangeKind`):

    CONTENT  a note, link, page, author or static file: reload; the render cache re-parses
             only bodies whose text changed
    THEME    a template or theme static file: re-render everything, re-parse nothing
    CONFIG   site.yaml: a full rebuild that keeps nothing from the last one
"""

from __future__ import annotations

import os
import queue
import threading
import time
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

from watchdog.events import (
    EVENT_TYPE_CLOSED,
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch

from weeknotes.render.theme import builtin_themes_dir
from weeknotes.source.cache import CACHE_DIR

DEBOUNCE = 0.05
"""Seconds without a new change that end a burst: an editor's save in steps or a git
checkout writes its files within a few milliseconds of each other (watchexec waits 50 ms
too), and every millisecond here is added to each edit-to-page time."""
LONGEST_BURST = 1.0
"""A burst ends after this long even if changes keep coming (a slow copy), so edits still show."""

# Reading a file makes inotify report `opened` and `closed_no_write`; a build reads every
# source, so reacting to those would rebuild for ever. Only these mean a change.
WRITES = frozenset(
    {
        EVENT_TYPE_CREATED,
        EVENT_TYPE_MODIFIED,
        EVENT_TYPE_DELETED,
        EVENT_TYPE_MOVED,
        EVENT_TYPE_CLOSED,
    }
)
# Editors' swap, backup and probe files: the real file's own event follows.
SCRATCH_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", ".kate-swp")
SCRATCH_NAMES = frozenset({"4913", ".DS_Store", CACHE_DIR})


class Change(IntEnum):
    """How much a rebuild must redo; a wider kind includes the narrower ones."""

    CONTENT = 1
    THEME = 2
    CONFIG = 3


@dataclass(frozen=True)
class Roots:
    """The folders a site is built from, resolved, so event paths compare directly."""

    content: Path
    themes: tuple[Path, ...]
    """Folders holding themes: `themes/` beside the content directory, and the built-in ones."""

    @classmethod
    def of_site(cls, content_dir: Path) -> Roots:
        content = content_dir.resolve()
        return cls(
            content,
            tuple(dict.fromkeys((content.parent / "themes", builtin_themes_dir().resolve()))),
        )

    def folders(self) -> list[tuple[Path, bool]]:
        """(folder, recursive) pairs to watch; the parent only to see `themes/` appear."""
        return [
            (self.content, True),
            *((folder, True) for folder in self.themes),
            (self.content.parent, False),
        ]

    def classify(self, path: Path) -> Change | None:
        """The kind of rebuild a change to `path` needs; None when it needs none."""
        if path.name.startswith(".#") or path.name.endswith(SCRATCH_SUFFIXES):
            return None
        if path == self.content / "site.yaml":
            return Change.CONFIG
        for folder, kind in [
            (self.content, Change.CONTENT),
            *((f, Change.THEME) for f in self.themes),
        ]:
            if path.is_relative_to(folder):
                return None if SCRATCH_NAMES.intersection(path.relative_to(folder).parts) else kind
        return None


@dataclass(frozen=True)
class Burst:
    """Changes that came close together, and when the first of them came."""

    kind: Change
    first_seen: float
    """`time.perf_counter()` when the first change of the burst was queued."""
    paths: frozenset[Path]


class PathQueue(FileSystemEventHandler):
    """The watchdog handler: queue the paths that changed, nothing else."""

    def __init__(self) -> None:
        self.paths: queue.Queue[tuple[float, Path]] = queue.Queue()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in WRITES:
            return
        if event.is_directory and event.event_type == EVENT_TYPE_MODIFIED:
            return  # a file inside changed; its own event says which
        now = time.perf_counter()
        self.paths.put((now, Path(os.fsdecode(event.src_path))))
        if event.event_type == EVENT_TYPE_MOVED:
            self.paths.put((now, Path(os.fsdecode(event.dest_path))))


class Watcher:
    """A watchdog observer over a site's folders, handing out classified bursts of changes."""

    def __init__(self, roots: Roots) -> None:
        self.roots = roots
        self.handler = PathQueue()
        self.observer: BaseObserver = Observer()
        self.watches: dict[Path, ObservedWatch] = {}

    def start(self) -> None:
        self.refresh()
        self.observer.start()

    def stop(self) -> None:
        if self.observer.is_alive():
            self.observer.stop()
            self.observer.join(timeout=5)

    def refresh(self) -> None:
        """Watch folders that have appeared since (a site's own `themes/` folder, say)."""
        for folder, recursive in self.roots.folders():
            if folder not in self.watches and folder.is_dir():
                self.watches[folder] = self.observer.schedule(self.handler, folder, recursive=recursive)

    def pending(self) -> bool:
        return not self.handler.paths.empty()

    def next_burst(self, stop: threading.Event, timeout: float | None = None) -> Burst | None:
        """Wait for a burst needing a rebuild to settle; None once `stop` is set or at `timeout`."""
        deadline = None if timeout is None else time.perf_counter() + timeout
        while not stop.is_set() and (deadline is None or time.perf_counter() < deadline):
            try:
                first, path = self.handler.paths.get(timeout=0.2)
            except queue.Empty:
                continue
            paths = {path, *self._settle(first)}
            kinds = [kind for kind in map(self.roots.classify, paths) if kind is not None]
            if kinds:
                return Burst(max(kinds), first, frozenset(paths))
        return None

    def _settle(self, first: float) -> set[Path]:
        """Take changes until none has come for DEBOUNCE seconds (or LONGEST_BURST has passed)."""
        paths: set[Path] = set()
        while time.perf_counter() - first < LONGEST_BURST:
            try:
                _when, path = self.handler.paths.get(timeout=DEBOUNCE)
            except queue.Empty:
                break
            paths.add(path)
        return paths
