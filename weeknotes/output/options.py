"""What a build is asked to do: the folders, the audience, and the switches of `weeknotes build`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from weeknotes.base.errors import UsageError


@dataclass(frozen=True)
class BuildOptions:
    content: Path = Path("content")
    output: Path = Path("public")
    audience: str = "public"
    drafts: bool = False
    future: bool = False
    base_url: str | None = None
    force: bool = False
    use_cache: bool = True
    search_index: bool = True
    """False when the caller indexes the built site itself (serve does, after the swap)."""


def now_from_environment() -> datetime:
    """"Now" for scheduled items: SOURCE_DATE_EPOCH when set, so a build can be reproduced."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return datetime.now(UTC)
    try:
        return datetime.fromtimestamp(int(epoch), UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise UsageError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {epoch!r}") from exc
