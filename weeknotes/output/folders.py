"""The files in the output folder, listed without reading again every folder that has not changed.

A rebuild finds the files the new site no longer has by listing the whole output folder,
since files may be there that this build never wrote (another content folder built into
it, a stray file dropped in by hand); and a site is mostly folders holding one index.html,
so listing it meant reading 16,000 folders at 10,000 items (0.25-0.45 s of CPU, ten
times that at 100,000).

A folder's modification time changes whenever an entry is added to it, removed from it or
renamed in or out. So each listing records every folder's stamp (mtime, ctime, inode) with
the names in it, and the next listing reads again only the folders whose stamp differs; the
others cost one `stat`. A stamp is recorded only once it is settled (sources.settled: the
folder unchanged for two seconds before it was read), since two changes within one tick of
the file system's clock could leave the same stamp.
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


@dataclass
class FolderIndex:
    """Folder (`/`-separated, relative to the root, "" for the root) -> its settled stamp
    and the names of the files and sub-folders it held then."""

    folders: dict[str, tuple[FolderStamp, tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> FolderIndex:
        """The index kept at `path`; anything unreadable or of another shape is an empty one."""
        folders = read_pickle(path)
        return cls(folders) if isinstance(folders, dict) else cls()

    def save(self, path: Path) -> None:
        write_pickle(path, self.folders)


def list_files(root: Path, skip: str, known: FolderIndex,
               clock: Callable[[], int] = time.time_ns) -> tuple[list[str], FolderIndex]:
    """`/`-separated paths of the files (and symlinks) under `root`, except in the folder
    `skip`, and the index to list them by next time. `known` is the last listing's index."""
    files: list[str] = []
    index = FolderIndex()
    now = clock()
    pending = [""]
    while pending:
        rel_dir = pending.pop()
        folder = os.path.join(root, rel_dir)
        try:
            stat = os.stat(folder)
        except OSError:
            continue  # gone or unreadable: skip it, as os.walk does (a build never made such a folder)
        stamp = (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
        entry = known.folders.get(rel_dir)
        if entry is not None and entry[0] == stamp:
            names, subfolders = entry[1], entry[2]
        else:
            listed = read_folder(folder)
            if listed is None:
                continue
            names, subfolders = listed
        if now - max(stamp[0], stamp[1]) >= TRUST_AFTER_NS:
            index.folders[rel_dir] = (stamp, names, subfolders)
        files += [rel_dir + name for name in names]
        pending += [rel_dir + name + "/" for name in subfolders if rel_dir + name != skip]
    return files, index


def read_folder(folder: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The names of the files (and symlinks) and of the sub-folders in `folder`."""
    try:
        with os.scandir(folder) as scan:
            entries = list(scan)
    except OSError:
        return None
    names = tuple(entry.name for entry in entries if not entry.is_dir(follow_symlinks=False))
    subfolders = tuple(entry.name for entry in entries if entry.is_dir(follow_symlinks=False))
    return names, subfolders
