"""The spare site: a second copy of the output folder, sharing its unchanged files by hard
link, that a rebuild brings up to date and then exchanges with the output folder whole.

Why (issue 22): a rebuild that moved changed files into the output one by one left a mix of
the old and the new site when it was killed half-way. Now the output folder changes in one
step only: `exchange` swaps two folders with one atomic rename (Linux `renameat2` with
RENAME_EXCHANGE, macOS `renamex_np` with RENAME_SWAP), so whenever a build is killed the
folder holds the old site or the new one, file for file.

A new folder of the whole site for each rebuild would cost a folder per page and a link per
file (16,000 folders at 10,000 items: seconds), so the old site is kept after the exchange,
as the spare of the next rebuild: it differs from the new site only by what the last two
builds changed, and bringing it up to date costs a link or a move per changed file. What
the spare holds (path -> inode) is remembered between builds; while it is being changed that
record is forgotten, so after a kill the next build walks the spare instead of trusting it.

The first rebuild after a cold build has no spare yet: making one links every file of the
site (16,000 folders and 27,000 links at 10,000 items: 1.7 s, nearly all of it the kernel's).
So a rebuild that finds no spare starts that copy (`Spare.prepare`) in another process (GNU
`cp -al`) as it begins, and reads, collects, plans and renders meanwhile. (Linking changes a
file's ctime, so the stamps that tell a build an output file is unchanged leave it out.)

Hard links share a file's inode, and with it its contents: that is safe because no build
ever writes into a file in place (staged files are renamed in, see staging.py), and it is
why a file's stamp keeps its inode. Linking changes a file's ctime, so files linked or moved
here are stamped again after the exchange (staging.py), and only those.
"""

from __future__ import annotations

import ctypes
import errno
import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from weeknotes.base.files import write_atomically

AT_FDCWD = -100
RENAME_EXCHANGE = 2  # linux/fs.h
RENAME_SWAP = 2  # macOS sys/stdio.h


def _exchange_call() -> object | None:
    """The C function that swaps two paths atomically, where the platform has one."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    name = "renamex_np" if sys.platform == "darwin" else "renameat2"
    return getattr(libc, name, None)


_EXCHANGE = _exchange_call()


def exchange(first: Path, second: Path) -> None:
    """Swap two folders in one atomic step: no moment when either is missing or mixed.

    Where the platform or the file system cannot, the swap falls back to three renames: a
    kill between them leaves `second` missing, and `recover` puts it back.
    """
    if _EXCHANGE is not None and _atomic_exchange(first, second):
        return
    aside = aside_of(second)
    os.rename(second, aside)
    os.rename(first, second)
    os.rename(aside, first)


def _atomic_exchange(first: Path, second: Path) -> bool:
    """Swap with the platform's call; False when it is not supported here (then nothing moved)."""
    one, two = os.fsencode(first), os.fsencode(second)
    if sys.platform == "darwin":
        result = _EXCHANGE(one, two, RENAME_SWAP)  # type: ignore[operator]
    else:
        result = _EXCHANGE(AT_FDCWD, one, AT_FDCWD, two, RENAME_EXCHANGE)  # type: ignore[operator]
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def aside_of(folder: Path) -> Path:
    """Where the fallback of `exchange` keeps `folder` between its renames."""
    return folder.parent / f".{folder.name}.weeknotes-old"


def recover(folder: Path) -> None:
    """Put back a folder that a killed fallback `exchange` left aside (a no-op otherwise)."""
    aside = aside_of(folder)
    if not folder.exists() and aside.is_dir():
        os.rename(aside, folder)


def put_in_place(fresh: Path, dest: Path) -> None:
    """Put the folder `fresh` where `dest` is, in one step, then remove the old one."""
    recover(dest)
    if not dest.exists():
        os.rename(fresh, dest)
        return
    exchange(fresh, dest)
    shutil.rmtree(fresh)  # the old site now


def walk_inodes(root: Path, under: str = "", prune: bool = False) -> Iterator[tuple[str, int]]:
    """(`/`-separated path, inode) of every file (and symlink) under `root`/`under`;
    `prune`: remove the empty folders met on the way.

    A site is mostly folders holding one index.html: this walks with os.scandir and plain
    strings (pathlib objects for every folder cost more than the walk itself), and the inode
    comes with each entry, without a stat.
    """
    pending = [under + "/" if under else ""]
    while pending:
        rel_dir = pending.pop()
        try:
            entries = list(os.scandir(os.path.join(root, rel_dir)))
        except OSError:
            continue  # gone or unreadable: as os.walk, skip it (a build never made such a folder)
        if prune and not entries and rel_dir:
            remove_file(root, rel_dir.rstrip("/"))
        for entry in entries:
            rel = rel_dir + entry.name
            if entry.is_dir(follow_symlinks=False):
                pending.append(rel + "/")
            else:
                yield rel, entry.inode()


@dataclass(frozen=True)
class Linked:
    """A file of the new site that is already in the output folder: linked into the spare."""

    inode: int


@dataclass(frozen=True)
class Moved:
    """A file of the new site that was staged: moved into the spare."""

    staged: Path


Wanted = Linked | Moved


@dataclass
class Spare:
    """The spare folder, and what it holds when that is known for sure."""

    folder: Path
    record: Path | None = None
    """Where what it holds is kept between builds (None: only in memory, as serve does)."""
    files: dict[str, int] | None = field(default=None, repr=False)
    """Path -> inode of every file in it; None until known (then it is walked)."""
    linking: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    """The copy `prepare` is making."""

    def prepare(self, site: Path) -> None:
        """Start making the spare as a copy of `site` made of hard links, in another process,
        when there is no spare at all; `contents` waits for it.

        Only where GNU cp is (Linux); elsewhere, and whenever it fails, `update` links the
        files itself."""
        if self.linking is not None or self.files is not None or self.folder.exists():
            return
        if not sys.platform.startswith("linux") or shutil.which("cp") is None:
            return
        self.folder.parent.mkdir(parents=True, exist_ok=True)
        command = ["cp", "-al", "--no-target-directory", "--", str(site), str(self.folder)]
        self.linking = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)

    def _linked(self, site_files: Mapping[str, int] | None) -> dict[str, int] | None:
        """What `prepare`'s copy holds once it is made: the files of the site it copied, which
        nothing changes during a build (None if it failed, and then it is removed, or if
        `site_files` are not known, and then it is walked)."""
        assert self.linking is not None
        process, self.linking = self.linking, None
        if process.wait() == 0:
            return dict(site_files) if site_files is not None else None
        shutil.rmtree(self.folder, ignore_errors=True)
        return None

    def stop_linking(self) -> None:
        """The build failed: stop `prepare`'s copy and remove what it made."""
        if self.linking is not None:
            process, self.linking = self.linking, None
            process.kill()
            process.wait()
            shutil.rmtree(self.folder, ignore_errors=True)

    def contents(self, site_files: Mapping[str, int] | None = None) -> dict[str, int]:
        """Path -> inode of every file in the spare; `site_files`, those of the site
        `prepare` copied, if that is what it holds."""
        if self.files is None and self.linking is not None:
            self.files = self._linked(site_files)
        if self.files is None:
            self.files = self._recorded()
        if self.files is None:
            # Pruned: a kill between a file's removal and its folder's leaves an empty folder.
            self.files = dict(walk_inodes(self.folder, prune=True)) if self.folder.is_dir() else {}
        return self.files

    def update(self, site: Path, wanted: Mapping[str, Wanted], site_files: Mapping[str, int] | None = None) -> set[str]:
        """Make the spare hold exactly the files `wanted` (those linked are linked from `site`,
        which holds `site_files`).

        Returns the paths linked or moved in: their ctime has changed.
        """
        have = self.contents(site_files)
        self.forget()  # until the exchange, what it holds is known to no one
        self.folder.mkdir(parents=True, exist_ok=True)
        for rel in sorted(set(have) - set(wanted), reverse=True):  # files before their folders
            remove_file(self.folder, rel)
        made_dirs: set[str] = set()
        touched = set()
        for rel, source in wanted.items():
            if isinstance(source, Linked) and have.get(rel) == source.inode:
                continue
            folder = rel.rpartition("/")[0]
            if folder and folder not in made_dirs:
                os.makedirs(self.folder / folder, exist_ok=True)
                made_dirs.add(folder)
            target = self.folder / rel
            if isinstance(source, Moved):
                os.replace(source.staged, target)
            else:
                link_over(site / rel, target)
            touched.add(rel)
        return touched

    def forget(self) -> None:
        self.files = None
        if self.record is not None:
            self.record.unlink(missing_ok=True)

    def keep(self, files: dict[str, int]) -> None:
        """After the exchange: the spare is the old site, which held `files`."""
        self.files = files
        if self.record is None:
            return
        identity = os.stat(self.folder).st_ino
        write_atomically(self.record, pickle.dumps((identity, files), protocol=pickle.HIGHEST_PROTOCOL))

    def _recorded(self) -> dict[str, int] | None:
        """The record kept by the last build, if it is of this very folder."""
        if self.record is None:
            return None
        try:
            identity, files = pickle.loads(self.record.read_bytes())
            if identity == os.stat(self.folder).st_ino and isinstance(files, dict):
                return files
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError, TypeError):
            pass
        return None


def remove_file(root: Path, rel: str) -> None:
    """Remove a file and the folders it leaves empty (a folder the walk found empty too)."""
    path = root / rel
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except FileNotFoundError:
        pass
    for parent in path.parents:
        if parent == root:
            break
        try:
            parent.rmdir()
        except OSError:
            break  # not empty (or gone)


def link_over(source: Path, target: Path) -> None:
    """Make `target` the same file as `source`; a copy where the file system has no hard links."""
    target.unlink(missing_ok=True)
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
        shutil.copy2(source, target, follow_symlinks=False)
