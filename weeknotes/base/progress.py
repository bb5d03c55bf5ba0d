"""A progress line on a terminal, shown only once a build has taken more than a second."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """`rendering 1200/15000` on one rewritten line of stderr; silent when not a terminal."""

    def __init__(self, total: int, label: str = "rendering", stream: TextIO | None = None,
                 delay: float = 1.0) -> None:
        self.total = total
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.started = time.monotonic()
        self.delay = delay
        self.done = 0
        self.last_shown = 0.0
        self.shown = False

    def advance(self, count: int = 1) -> None:
        self.done += count
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.started >= self.delay and now - self.last_shown >= 0.1:
            self.last_shown = now
            self.shown = True
            width = 30
            filled = width * min(self.done, self.total) // max(self.total, 1)
            self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}")
            self.stream.flush()

    def finish(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()
