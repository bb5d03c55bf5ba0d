"""Files written whole: a temporary file beside the target, renamed over it, so a reader
(a server, the next build) never sees half a file; what a write did; small caches kept
as pickles."""

from __future__ import annotations

import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def write_atomically(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all: a temporary file beside it, renamed over it.

    The file is readable by all, like any file a user writes (mkstemp makes it private).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # ignored by serve's watch
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            os.fchmod(handle.fileno(), 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_pickle(path: Path) -> Any:
    """What a cache file written by `write_pickle` holds; None if it is missing or unreadable
    (a cache is only ever used to skip work, so a broken one is an empty one)."""
    try:
        return pickle.loads(path.read_bytes())
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError, TypeError):
        return None


def write_pickle(path: Path, value: object) -> None:
    write_atomically(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


@dataclass
class WriteStats:
    """How many files a build wrote and left as they were."""

    written: int = 0
    unchanged: int = 0
    changed: tuple[str, ...] = ()
    """The files written or deleted, when few (serve reloads only the pages showing them); () when many."""

    @property
    def total(self) -> int:
        return self.written + self.unchanged


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write `path` whole (as `write_atomically`) unless it already holds these bytes; return
    whether it was written, so a scheduled job that changed nothing commits nothing."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomically(path, data)
    return True
