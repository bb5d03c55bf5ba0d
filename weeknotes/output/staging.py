"""Write a site atomically: stage every file, then put the new site in place in one step.

Every file is rendered and compared before the old site is touched, so a content or
template error leaves the old site byte for byte. Then the output folder changes in one
atomic step, so a build killed at any moment (SIGKILL included) leaves the old site or the
new one, never a mix (issue 22):

- a first build (no earlier site) is written into a staging folder beside the output and
  swapped in whole;
- a rebuild writes only the files whose bytes changed into the staging folder; the spare
  site (spare.py: the site before last, sharing the unchanged files by hard link) is
  brought up to date with them, the search index made in it, and it is exchanged with the
  output folder. Unchanged files are the same files as before (same inode, same mtime), so
  deploys that sync by mtime stay small.

Which files changed is decided by a manifest of the last build (a stamp and a hash per
file) kept in the parse cache; a file whose stamp differs from the manifest is compared
byte for byte, so a hand-edited output is still repaired. Stale files are always found by
walking the output folder, never from the manifest alone (folders.py reads again only the
folders that changed since the last walk).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Protocol

from weeknotes.base.files import WriteStats, write_atomically
from weeknotes.model import urls
from weeknotes.output.folders import FolderIndex, list_files
from weeknotes.output.guard import LEGACY_AUDIENCE, MARKER, marker_text, recorded_audience
from weeknotes.output.spare import Linked, Moved, Spare, Wanted, exchange, put_in_place, recover, walk_inodes
from weeknotes.source.sources import Stamp, stamp_of

PAGEFIND_PREFIX = urls.PAGEFIND_DIR + "/"
FEW_CHANGES = 200
"""Up to this many written files are listed by name in a build's stats."""


@dataclass(frozen=True)
class Rendered:
    """One output file's new bytes, as rendering made them."""

    path: str
    """File path relative to the output root, e.g. `notes/hello/index.html`."""
    data: bytes
    inputs: str = ""
    """Fingerprint of what it was made from ("" when unknown)."""


def same_file(stamp: Stamp | None, known: Stamp) -> bool:
    """Whether an output file is still the one a manifest stamped: the same size, mtime and
    inode. Not its ctime: the spare site's hard links change that (spare.py), and a file's
    bytes cannot change without its mtime but by a write in place that puts the old mtime
    back, which no build does."""
    return stamp is not None and stamp[:3] == known[:3]


def digest_of(data: bytes) -> str:
    """The digest of a file's bytes. A page the search index reads gets a second one after a
    `+`: of what the index is made from (its <html> tag, for the language, and the element marked
    `data-pagefind-body`), so that a change around that element (a note's links to the notes
    either side, when one of them is withdrawn) re-renders the page without re-indexing it."""
    whole = hashlib.blake2b(data, digest_size=16).hexdigest()
    part = searched_part(data)
    return whole if part is None else whole + "+" + hashlib.blake2b(part, digest_size=16).hexdigest()


SEARCHED = b" data-pagefind-body"


def searched_part(data: bytes) -> bytes | None:
    """The <html> tag and the element marked `data-pagefind-body` of a page; None for other files."""
    marker = data.find(SEARCHED, max(0, data.find(b"<body")))  # not a summary in <head> saying so
    if marker < 0:
        return None
    start = data.rfind(b"<", 0, marker)
    name = data[start + 1:marker].split(None, 1)[0]
    depth, at = 0, start
    while True:  # to the tag that closes this element, past any of its own kind inside it
        opening, closing = data.find(b"<" + name, at + 1), data.find(b"</" + name + b">", at + 1)
        if closing < 0:
            return data[start:]
        if 0 <= opening < closing:
            depth, at = depth + 1, opening
        elif depth:
            depth, at = depth - 1, closing
        else:
            break
    html = data.find(b"<html")
    head = data[html:data.find(b">", html) + 1] if html >= 0 else b""
    return head + b"\0" + data[start:closing]


@dataclass
class Manifest:
    """What the last build wrote: path -> (stamp of the file, hash of its bytes, fingerprint of its inputs).

    It is only ever used to skip work: which files are stale is always found by walking the
    output folder, since another build (another content folder, another audience) may
    have written files this manifest does not know.
    """

    files: dict[str, tuple[Stamp, str, str]] = field(default_factory=dict)

    # Kept with pickle like the other caches beside it: reading 16,000 entries as JSON took
    # 0.13 s of a 2.6 s rebuild. Anything unreadable or of another shape is an empty manifest.
    @classmethod
    def load(cls, path: Path | None) -> Manifest:
        try:
            files = pickle.loads(path.read_bytes()) if path else {}
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError, TypeError):
            return cls()
        if not isinstance(files, dict):
            return cls()
        return cls(files)

    def save(self, path: Path) -> None:
        write_atomically(path, pickle.dumps(self.files, protocol=pickle.HIGHEST_PROTOCOL))


@dataclass
class Change:
    """One output file's fate in this build."""

    rel: str
    changed: bool
    size: int
    digest: str
    inputs: str = ""
    """Fingerprint of what it was made from ("" when unknown)."""
    stamp: Stamp | None = None
    """The stamp of the file in place, when it is left untouched (saves asking again)."""


class StagedSite:
    """The new site, compared against the old one, applied only when complete."""

    def __init__(self, output: Path, previous: Manifest | None = None, private: bool = False,
                 audience: str = LEGACY_AUDIENCE, spare: Spare | None = None,
                 folders: FolderIndex | None = None) -> None:
        """`previous` is what the last build into `output` wrote, when known; `audience` is
        the label this build records in the marker; `spare` the spare site a rebuild
        exchanges with the output (spare.py; by default beside the output, walked).

        `private`: nothing but these builds writes to `output` (serve's own folder), so
        `previous` lists every file in it, and the folder need not be walked.
        `folders`: what the last walk of `output` found (folders.py); `self.folders` is this one's.
        """
        # An output that is a link to a folder (a web server's) is that folder: it is the one
        # exchanged, beside it that staging happens, and the link stays as it was.
        output = output.resolve() if output.is_symlink() else output
        recover(output)  # from a kill in the middle of a fallback exchange
        self.known_folders = folders or FolderIndex()
        self.folders: FolderIndex | None = None
        """What this build's walk of the output folder found, to be kept for the next (folders.py)."""
        self.output = output
        self.spare = spare or Spare(output.parent / f".{output.name}.weeknotes-spare")
        self.private = private and previous is not None
        self.staging = output.parent / f".{output.name}.weeknotes-new"
        self.audience = audience
        # A rebuild for the same audience updates the earlier site in place; anything else
        # (a --force build over another audience's site included) starts a new folder.
        self.incremental = recorded_audience(output) == audience
        self.old = previous if previous is not None and self.incremental else Manifest()
        self.changes: dict[str, Change] = {}
        self._stale: list[str] | None = None
        self._existing: list[str] | None = None
        self._walk: dict[str, int] | None = None
        if self.staging.exists():
            shutil.rmtree(self.staging)  # left by a build that was killed
        self.staging.mkdir(parents=True)

    def __enter__(self) -> StagedSite:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        """Whatever went wrong (a template error, Ctrl-C), the old site stays as it was."""
        if kind is not None:
            self.abandon()

    def is_current(self, rel: str, inputs: str | None) -> bool:
        """Whether the old file was made from these very inputs and is intact."""
        known = self.old.files.get(rel)
        if not (self.incremental and inputs and known and known[2] == inputs):
            return False
        return same_file(stamp_of(os.path.join(self.output, rel)), known[0])

    def keep(self, rel: str, inputs: str | None) -> Change | None:
        """Keep the old file without rendering, if it was made from these very inputs and is intact."""
        if not self.is_current(rel, inputs):
            return None
        known = self.old.files[rel]
        change = Change(rel, False, known[0][0], known[1], known[2], known[0])
        self.record(change)
        return change

    def record_all(self, changes: Iterable[Change]) -> None:
        """Record what `stage` made of each file."""
        for change in changes:
            self.record(change)

    def write(self, rel: str, data: bytes, inputs: str | None = None) -> Change:
        """Stage one file and record it."""
        change = self.stage(Rendered(rel, data, inputs or ""))
        self.record(change)
        return change

    def stage(self, file: Rendered) -> Change:
        """Write one file into the staging folder, only if it differs from the old site's copy
        when updating; return what became of it, for `record_all`.

        Called in forked render workers too (render.py): it touches only this file's own
        path in the staging folder, and records nothing itself.
        """
        change = self.compare(file.path, file.data, file.inputs)
        if change.changed or not self.incremental:
            dest = self.staging / file.path
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(file.data)
        return change

    def compare(self, rel: str, data: bytes, inputs: str) -> Change:
        digest = digest_of(data)
        if not self.incremental:
            return Change(rel, True, len(data), digest, inputs)
        old = self.output / rel
        known = self.old.files.get(rel)
        stamp = stamp_of(old)
        if stamp is None:
            return Change(rel, True, len(data), digest, inputs)
        if known and same_file(stamp, known[0]):
            changed = known[1] != digest
        else:
            changed = stamp[0] != len(data) or old.read_bytes() != data
        return Change(rel, changed, len(data), digest, inputs, None if changed else stamp)

    def record(self, change: Change) -> None:
        self.changes[change.rel] = change

    @property
    def stats(self) -> WriteStats:
        changed = [rel for rel, c in self.changes.items() if c.changed]
        touched = [*changed, *(self._stale or ())]  # deleted files are known once committed
        listed = tuple(sorted(touched)) if len(touched) <= FEW_CHANGES else ()
        return WriteStats(len(changed), len(self.changes) - len(changed), listed)

    def commit(self, keep: Callable[[Manifest], None], index: SiteIndex | None = None) -> None:
        """Put the new site in place in one step, with its search index made inside it first.

        `keep` stores the manifest of the new site.
        """
        index = index or NoIndex()
        self.write(MARKER, marker_text(self.audience))
        if not self.incremental:
            index.make_in(self.staging)
            put_in_place(self.staging, self.output)
            keep(self._manifest())
            return
        touched: set[str] = set()
        if self.stale_files() or any(c.changed for c in self.changes.values()) or not index.made_in(self.output):
            touched = self._exchange_with_spare(index)
        elif self.spare.linking is not None:  # made meanwhile, but nothing to exchange: kept as the spare
            self.spare.keep(self.spare.contents(self._old_site()))
        shutil.rmtree(self.staging, ignore_errors=True)
        keep(self._manifest(touched))

    def _exchange_with_spare(self, index: SiteIndex) -> set[str]:
        """Bring the spare up to date, make the index in it, exchange it with the output folder.

        Returns the files of the new site that were linked or moved (their stamps changed).
        """
        old_site = self._old_site()
        kept = index.keeps(self.output / urls.PAGEFIND_DIR)  # what `make_in` will not make again
        wanted: dict[str, Wanted] = {rel: Linked(inode) for rel, inode in old_site.items()
                                     if rel.startswith(PAGEFIND_PREFIX) and kept(rel.removeprefix(PAGEFIND_PREFIX))}
        for change in self.changes.values():
            if change.changed:
                wanted[change.rel] = Moved(self.staging / change.rel)
            else:
                assert change.stamp is not None, "an unchanged file was stamped when compared"
                wanted[change.rel] = Linked(change.stamp[2])
        touched = self.spare.update(self.output, wanted, old_site)
        index.make_in(self.spare.folder)
        exchange(self.spare.folder, self.output)
        self.spare.keep(old_site)
        return touched

    def _old_site(self) -> dict[str, int]:
        """Every file in the output folder before the exchange: path -> inode."""
        if not self.private:
            return self._walked()
        files = {rel: stamp[2] for rel, (stamp, _digest, _inputs) in self.old.files.items()}
        files.update(walk_inodes(self.output, urls.PAGEFIND_DIR))
        return files

    def commit_ahead(self, keep: Callable[[Manifest], None]) -> None:
        """Put just these files in place, ahead of the rest of a rebuild (serve: the page of
        the file just saved); nothing else is touched or deleted.

        This one alone changes files one by one: only in serve's own folder, which is never
        published, and only the few pages of the file just saved.

        `keep` stores the old manifest with these files' entries replaced. Each file is
        stored without the fingerprint of its inputs, so the full build that follows renders
        it again (and, finding the same bytes, leaves it alone).
        """
        assert self.incremental and self.private, "only serve's own folder is updated ahead"
        for change in self.changes.values():
            if change.changed:
                target = self.output / change.rel
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(self.staging / change.rel, target)
        shutil.rmtree(self.staging, ignore_errors=True)
        manifest = Manifest(dict(self.old.files))
        manifest.files.update((rel, (stamp, digest, "")) for rel, (stamp, digest, _inputs) in self._manifest().files.items())
        keep(manifest)

    def existing_files(self) -> list[str]:
        """The files the output folder holds before this build changes it (the search index aside).

        Walked once and kept; a private folder's are those of the previous manifest.
        """
        if self._existing is None:
            if self.private:
                self._existing = list(self.old.files)
            else:
                self._existing = [rel for rel in self._walked() if not rel.startswith(PAGEFIND_PREFIX)]
        return self._existing

    def _walked(self) -> dict[str, int]:
        """Path -> inode of every file in the output folder, walked once."""
        if self._walk is None:
            self._walk, self.folders = list_files(self.output, self.known_folders)
        return self._walk

    def stale_files(self) -> list[str]:
        """Files in the output folder that the new site does not have (asked once all are staged)."""
        if self._stale is None:
            self._stale = sorted(rel for rel in self.existing_files() if rel not in self.changes and rel != MARKER)
        return self._stale

    def _manifest(self, touched: Iterable[str] = ()) -> Manifest:
        """Each file's stamp: asked again for files written, linked or moved (`touched`)."""
        touched = set(touched)
        manifest = Manifest()
        for change in self.changes.values():
            fresh = change.changed or change.rel in touched or not change.stamp
            stamp = stamp_of(self.output / change.rel) if fresh else change.stamp
            if stamp is not None:
                manifest.files[change.rel] = (stamp, change.digest, change.inputs)
        return manifest

    def abandon(self) -> None:
        self.spare.stop_linking()
        shutil.rmtree(self.staging, ignore_errors=True)


class SiteIndex(Protocol):
    """A search index made inside the new site before it is put in place (search.py)."""

    def made_in(self, site: Path) -> bool:
        """Whether the index in `site` is already the one this build would make."""

    def keeps(self, index: Path) -> Callable[[str], bool]:
        """Which files of the old index `index` (paths inside it) the new one keeps as they are:
        the others are not carried into the new site, only to be made again."""

    def make_in(self, site: Path) -> None:
        """Make the index inside the folder `site`, which holds the new site's pages."""


class NoIndex:
    """No index to make (search is off, or serve indexes its own way, after the page)."""

    def made_in(self, site: Path) -> bool:
        return True

    def keeps(self, index: Path) -> Callable[[str], bool]:
        return lambda rel: True

    def make_in(self, site: Path) -> None:
        pass
