"""The files in the output folder, listed without reading again every folder that has not changed.

A rebuild finds the files the new site no longer has by listing the whole output folder,
since files may be there that this build never wrote (another content folder built into
it, a stray file dropped in by hand); and a site is mostly folders holding one index.html,
so listing it meant reading 16,000 folders at 10,000 items (0.25-0.45 s of CPU, ten
times that at 100,000).

A folder's modification time changes whenever an entry is added to it, removed from it or
renamed in or out, and those are the only ways a name in it can come to stand for another
file (another inode). So each listing records every folder's stamp (mtime, ctime, inode)
with the names and inodes in it, and the next listing reads again only the folders whose
stamp differs; the others cost one `stat`. A stamp is recorded only once it is settled
(the folder unchanged for TRUST_AFTER_NS before it was read), since two changes within one
tick of the file system's clock could leave the same stamp.

A rebuild exchanges the output folder with the spare site (spare.py), so the folder
alternates between two trees of folders: the index keeps what the last two listings found,
and each tree's unchanged folders are found in it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from weeknotes.base.files import read_pickle, write_pickle
from weeknotes.source.sources import TRUST_AFTER_NS

FolderStamp = tuple[int, int, int]
"""mtime, ctime and inode of a folder."""
FolderKey = tuple[str, FolderStamp]
"""A folder (`/`-separated, relative to the root, "" for the root) and its stamp."""
Listing = tuple[tuple[tuple[str, int], ...], tuple[str, ...]]
"""The files (and symlinks) in a folder with their inodes, and its sub-folders' names."""


@dataclass
class FolderIndex:
    """A folder with its settled stamp -> what the folder held then, from the last listing (`latest`)
    and the one before it (`earlier`: the other tree of the exchange)."""

    latest: dict[FolderKey, Listing] = field(default_factory=dict)
    earlier: dict[FolderKey, Listing] = field(default_factory=dict)

    def get(self, key: FolderKey) -> Listing | None:
        found = self.latest.get(key)
        return found if found is not None else self.earlier.get(key)

    @classmethod
    def load(cls, path: Path) -> FolderIndex:
        """The index kept at `path`; anything unreadable or of another shape is an empty one."""
        kept = read_pickle(path)
        if not (isinstance(kept, tuple) and len(kept) == 2 and all(isinstance(part, dict) for part in kept)):
            return cls()
        return cls(*kept)

    def save(self, path: Path) -> None:
        write_pickle(path, (self.latest, self.earlier))


def list_files(root: Path, known: FolderIndex,
               clock: Callable[[], int] = time.time_ns) -> tuple[dict[str, int], FolderIndex]:
    """`/`-separated path -> inode of every file (and symlink) under `root`, and the index to
    list them by next time. `known` is the last listing's index."""
    files: dict[str, int] = {}
    latest: dict[FolderKey, Listing] = {}
    now = clock()
    pending = [""]
    while pending:
        rel_dir = pending.pop()
        folder = os.path.join(root, rel_dir)
        try:
            stat = os.stat(folder)
        except OSError:
            continue  # gone or unreadable: skip it, as os.walk does (a build never made such a folder)
        key = (rel_dir, (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino))
        listing = known.get(key)
        if listing is None:
            listing = read_folder(folder)
            if listing is None:
                continue
        if now - max(stat.st_mtime_ns, stat.st_ctime_ns) >= TRUST_AFTER_NS:
            latest[key] = listing
        names, subfolders = listing
        files.update((rel_dir + name, inode) for name, inode in names)
        pending += [rel_dir + name + "/" for name in subfolders]
    return files, FolderIndex(latest, known.latest)


def read_folder(folder: str) -> Listing | None:
    """What `folder` holds; None when it cannot be read."""
    try:
        with os.scandir(folder) as scan:
            entries = list(scan)
    except OSError:
        return None
    names = tuple((entry.name, entry.inode()) for entry in entries if not entry.is_dir(follow_symlinks=False))
    subfolders = tuple(entry.name for entry in entries if entry.is_dir(follow_symlinks=False))
    return names, subfolders
