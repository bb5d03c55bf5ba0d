"""Write a site atomically: stage every file, then put the new site in place.

Every file is rendered and compared before the old site is touched, so a content or
template error leaves the old site byte for byte. Then:

- a first build (no earlier site) is written into a staging folder beside the output
  and renamed into place;
- a rebuild writes only the files whose bytes changed into the staging folder and moves
  each into place with os.replace (atomic per file, so a server never serves half a file),
  then deletes files the new site no longer has. Unchanged files are not touched, so they
  keep their mtime and deploys that sync by mtime stay small.

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

from weeknotes.base.files import WriteStats, write_atomically
from weeknotes.model import urls
from weeknotes.output.folders import FolderIndex, list_files
from weeknotes.output.guard import LEGACY_AUDIENCE, MARKER, marker_text, recorded_audience
from weeknotes.source.sources import Stamp, stamp_of

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


def swap_in(fresh: Path, dest: Path) -> None:
    """Put the folder `fresh` where `dest` is, replacing it: two renames, then the old one goes.

    Between the renames `dest` is missing for an instant (a server retries, see serve.py);
    it is never half old, half new.
    """
    old = dest.parent / f".{dest.name}.weeknotes-old"
    if old.exists():
        shutil.rmtree(old)
    if dest.exists():
        os.rename(dest, old)
    os.rename(fresh, dest)
    if old.exists():
        shutil.rmtree(old)


def digest_of(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


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
                 audience: str = LEGACY_AUDIENCE, folders: FolderIndex | None = None) -> None:
        """`previous` is what the last build into `output` wrote, when known; `audience` is
        the label this build records in the marker.

        `private`: nothing but these builds writes to `output` (serve's own folder), so
        `previous` lists every file in it, and the folder need not be walked.
        `folders`: what the last walk of `output` found (folders.py); `self.folders` is this one's.
        """
        self.known_folders = folders or FolderIndex()
        self.folders: FolderIndex | None = None
        self.output = output
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
        return stamp_of(os.path.join(self.output, rel)) == known[0]

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
        if known and known[0] == stamp:
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

    def commit(self, keep: Callable[[Manifest], None]) -> None:
        """Put the new site in place (swap the folder, or apply the changed files).

        `keep` stores the manifest of the new site.
        """
        self.write(MARKER, marker_text(self.audience))
        if self.incremental:
            self._apply_changes()
        else:
            swap_in(self.staging, self.output)
        keep(self._manifest())

    def commit_ahead(self, keep: Callable[[Manifest], None]) -> None:
        """Put just these files in place, ahead of the rest of a rebuild (serve: the page of
        the file just saved); nothing else is touched or deleted.

        `keep` stores the old manifest with these files' entries replaced. Each file is
        stored without the fingerprint of its inputs, so the full build that follows renders
        it again (and, finding the same bytes, leaves it alone).
        """
        assert self.incremental and self.private, "only serve's own folder is updated ahead"
        self._move_changed()
        shutil.rmtree(self.staging, ignore_errors=True)
        manifest = Manifest(dict(self.old.files))
        manifest.files.update((rel, (stamp, digest, "")) for rel, (stamp, digest, _inputs) in self._manifest().files.items())
        keep(manifest)

    def _apply_changes(self) -> None:
        self._move_changed()
        self._delete_stale()
        shutil.rmtree(self.staging, ignore_errors=True)

    def _move_changed(self) -> None:
        for change in self.changes.values():
            if change.changed:
                target = self.output / change.rel
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(self.staging / change.rel, target)

    def existing_files(self) -> list[str]:
        """The files the output folder holds before this build changes it (the search index aside).

        Walked once and kept; a private folder's are those of the previous manifest.
        """
        if self._existing is None:
            if self.private:
                self._existing = list(self.old.files)
            else:
                self._existing, self.folders = list_files(self.output, urls.PAGEFIND_DIR, self.known_folders)
        return self._existing

    def stale_files(self) -> list[str]:
        """Files in the output folder that the new site does not have (asked once all are staged)."""
        if self._stale is None:
            self._stale = sorted(rel for rel in self.existing_files() if rel not in self.changes and rel != MARKER)
        return self._stale

    def _delete_stale(self) -> None:
        for rel in self.stale_files():
            path = self.output / rel
            path.unlink(missing_ok=True)
            for parent in path.parents:
                if parent == self.output or any(parent.iterdir()):
                    break
                parent.rmdir()

    def _manifest(self) -> Manifest:
        manifest = Manifest()
        for change in self.changes.values():
            stamp = change.stamp if not change.changed and change.stamp else stamp_of(self.output / change.rel)
            if stamp is not None:
                manifest.files[change.rel] = (stamp, change.digest, change.inputs)
        return manifest

    def abandon(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
