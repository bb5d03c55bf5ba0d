"""Write a site atomically, and refuse output directories a build must never touch.

Every file is rendered and compared before the old site is touched, so a content or
template error leaves the old site byte for byte. Then:

- a first build (no earlier site) is written into a staging folder beside the output
  and renamed into place;
- a rebuild writes only the files whose bytes changed into the staging folder and moves
  each into place with os.replace (atomic per file, so a server never serves half a file),
  then deletes files the new site no longer has. Unchanged files are not touched, so they
  keep their mtime and deploys that sync by mtime stay small.

Which files changed is decided by a manifest of the last build (size, mtime, hash per
file) kept in the parse cache; a file whose size or mtime differs from the manifest is
compared byte for byte, so a hand-edited output is still repaired.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from weeknotes.errors import OutputDirError
from weeknotes.sources import display_path

MARKER = ".weeknotes-build"
MARKER_TEXT = b"This folder is written by `weeknotes build`; it may be replaced by the next build.\n"


@dataclass
class WriteStats:
    written: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.written + self.unchanged


def check_output_dir(output: Path, content: Path, force: bool) -> None:
    """Refuse an output directory that would destroy something that is not an old build."""
    out = output.resolve()
    shown = display_path(output)
    protected = {"the content directory": content.resolve(), "the current directory": Path.cwd().resolve(),
                 "your home directory": Path.home().resolve()}
    if out == Path(out.anchor):
        raise OutputDirError(f"refusing to build into {shown}: it is the root of the file system")
    for name, folder in protected.items():
        if out == folder or out in folder.parents:
            raise OutputDirError(f"refusing to build into {shown}: it is or contains {name} ({display_path(folder)})")
    if content.resolve() in out.parents:
        raise OutputDirError(f"refusing to build into {shown}: it is inside the content directory")
    if out.parent in (Path("/home"), Path("/Users")):
        raise OutputDirError(f"refusing to build into {shown}: it is a home directory")
    if out.exists() and not out.is_dir():
        raise OutputDirError(f"refusing to build into {shown}: it is a file, not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file() and not force:
        raise OutputDirError(
            f"refusing to replace {shown}: it is not empty and was not made by weeknotes "
            "(no .weeknotes-build marker inside); choose another --output, or add --force to replace it")


def digest_of(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass
class Manifest:
    """What the last build wrote: path -> (size, mtime_ns, hash, fingerprint of its inputs)."""

    files: dict[str, tuple[int, int, str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None) -> Manifest:
        try:
            raw = json.loads(path.read_text()) if path else {}
            return cls({k: (int(v[0]), int(v[1]), str(v[2]), str(v[3])) for k, v in raw.get("files", {}).items()})
        except (OSError, ValueError, TypeError, IndexError, AttributeError):
            return cls()

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"files": self.files}, sort_keys=True))
        os.replace(tmp, path)


@dataclass
class Change:
    """One output file's fate in this build."""

    rel: str
    changed: bool
    size: int
    digest: str
    inputs: str = ""
    """Fingerprint of what it was made from ("" when unknown)."""


class StagedSite:
    """The new site, compared against the old one, applied only when complete."""

    def __init__(self, output: Path, previous: Manifest | None = None) -> None:
        """`previous` is what the last build into `output` wrote, when known."""
        self.output = output
        self.staging = output.parent / f".{output.name}.weeknotes-new"
        # A rebuild updates the earlier site in place; anything else starts a new folder.
        self.incremental = (output / MARKER).is_file()
        self.old = previous if previous is not None and self.incremental else Manifest()
        self.changes: dict[str, Change] = {}
        if self.staging.exists():
            shutil.rmtree(self.staging)  # left by a build that was killed
        self.staging.mkdir(parents=True)

    def keep(self, rel: str, inputs: str | None) -> Change | None:
        """Keep the old file without rendering, if it was made from these very inputs and is intact."""
        known = self.old.files.get(rel)
        if not (self.incremental and inputs and known and known[3] == inputs):
            return None
        try:
            stat = (self.output / rel).stat()
        except OSError:
            return None
        if known[:2] != (stat.st_size, stat.st_mtime_ns):
            return None
        change = Change(rel, False, known[0], known[2], inputs)
        self.record(change)
        return change

    def write(self, rel: str, data: bytes, inputs: str | None = None) -> Change:
        """Stage one file (only if it differs from the old site's copy, when updating)."""
        change = self.compare(rel, data, inputs or "")
        if change.changed or not self.incremental:
            dest = self.staging / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
        self.record(change)
        return change

    def compare(self, rel: str, data: bytes, inputs: str) -> Change:
        digest = digest_of(data)
        if not self.incremental:
            return Change(rel, True, len(data), digest, inputs)
        old = self.output / rel
        known = self.old.files.get(rel)
        try:
            stat = old.stat()
        except OSError:
            return Change(rel, True, len(data), digest, inputs)
        if known and known[:2] == (stat.st_size, stat.st_mtime_ns):
            return Change(rel, known[2] != digest, len(data), digest, inputs)
        return Change(rel, stat.st_size != len(data) or old.read_bytes() != data, len(data), digest, inputs)

    def record(self, change: Change) -> None:
        self.changes[change.rel] = change

    @property
    def stats(self) -> WriteStats:
        written = sum(1 for c in self.changes.values() if c.changed)
        return WriteStats(written, len(self.changes) - written)

    def commit(self, keep: Callable[[Manifest], None]) -> None:
        """Put the new site in place (swap the folder, or apply the changed files).

        `keep` stores the manifest. Before files are moved it is given every path of the old
        and the new site, so that if this process dies half-way the next build still knows
        which files may be stale and removes them (a withdrawn note must never linger).
        """
        self.write(MARKER, MARKER_TEXT)
        if self.incremental:
            keep(Manifest({**self.old.files, **{rel: (-1, -1, "", "") for rel in self.changes}}))
            self._apply_changes()
        else:
            self._swap_folders()
        keep(self._manifest())

    def _swap_folders(self) -> None:
        trash = self.output.parent / f".{self.output.name}.weeknotes-old"
        if trash.exists():
            shutil.rmtree(trash)
        if self.output.exists():
            os.rename(self.output, trash)
        os.rename(self.staging, self.output)
        if trash.exists():
            shutil.rmtree(trash)

    def _apply_changes(self) -> None:
        for change in self.changes.values():
            if change.changed:
                target = self.output / change.rel
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(self.staging / change.rel, target)
        self._delete_stale()
        shutil.rmtree(self.staging, ignore_errors=True)

    def _delete_stale(self) -> None:
        """Remove what the new site no longer has (the search index is replaced separately)."""
        if self.old.files:  # the manifest knows what the last build wrote: no need to walk the tree
            for rel in sorted(set(self.old.files) - set(self.changes), reverse=True):
                path = self.output / rel
                path.unlink(missing_ok=True)
                for parent in path.parents:
                    if parent == self.output or any(parent.iterdir()):
                        break
                    parent.rmdir()
            return
        for dirpath, _dirnames, filenames in os.walk(self.output, topdown=False):
            here = Path(dirpath)
            rel_dir = here.relative_to(self.output).as_posix()
            if rel_dir == "pagefind" or rel_dir.startswith("pagefind/"):
                continue
            for name in filenames:
                rel = name if rel_dir == "." else f"{rel_dir}/{name}"
                if rel not in self.changes:
                    (here / name).unlink()
            if here != self.output and not any(here.iterdir()):
                here.rmdir()

    def _manifest(self) -> Manifest:
        manifest = Manifest()
        for change in self.changes.values():
            try:
                stat = (self.output / change.rel).stat()
            except OSError:
                continue
            manifest.files[change.rel] = (stat.st_size, stat.st_mtime_ns, change.digest, change.inputs)
        return manifest

    def abandon(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
