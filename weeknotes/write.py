"""Write a site atomically, and refuse output directories a build must never touch.

The new site is written into a staging folder beside the output directory, then swapped
in with two renames, so a failed build leaves the old site byte for byte. A file whose
bytes did not change is hard-linked from the old site instead of written, so it keeps its
mtime and deploys that sync by mtime stay small.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
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
        raise OutputDirError(f"refusing to build into {shown}: it is inside the content directory",
                             )
    if out.parent == Path("/home") or out.parent == Path("/Users"):
        raise OutputDirError(f"refusing to build into {shown}: it is a home directory")
    if out.exists() and not out.is_dir():
        raise OutputDirError(f"refusing to build into {shown}: it is a file, not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file() and not force:
        raise OutputDirError(
            f"refusing to replace {shown}: it is not empty and was not made by weeknotes "
            "(no .weeknotes-build marker inside); choose another --output, or add --force to replace it")


class StagedSite:
    """A new site written beside the old one, then swapped in."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self.staging = output.parent / f".{output.name}.weeknotes-new"
        self.stats = WriteStats()
        if self.staging.exists():
            shutil.rmtree(self.staging)  # left by a build that was killed
        self.staging.mkdir(parents=True)

    def write(self, rel: str, data: bytes) -> None:
        dest = self.staging / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        old = self.output / rel
        if _same_bytes(old, data):
            try:
                os.link(old, dest)
            except OSError:
                shutil.copy2(old, dest)
            self.stats.unchanged += 1
            return
        dest.write_bytes(data)
        self.stats.written += 1

    def commit(self) -> None:
        self.write(MARKER, MARKER_TEXT)
        trash = self.output.parent / f".{self.output.name}.weeknotes-old"
        if trash.exists():
            shutil.rmtree(trash)
        if self.output.exists():
            os.rename(self.output, trash)
        os.rename(self.staging, self.output)
        if trash.exists():
            shutil.rmtree(trash)

    def abandon(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def write_all(site: StagedSite, outputs: Iterable[tuple[str, Callable[[], bytes]]]) -> None:
    for rel, render in outputs:
        site.write(rel, render())
