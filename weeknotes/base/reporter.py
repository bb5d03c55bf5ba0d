"""What a command tells its user, as events sent to a reporter; nothing else prints.

The build, serve and the commands call a `Reporter`'s methods; `ConsoleReporter` (commands/report.py) turns them
into lines on stdout and stderr (and a progress line on a terminal), `RecordingReporter`
keeps them for tests, which observe a build through its events instead of patching our
functions. Each method is a no-op in `Reporter`, so a reporter implements only what it shows.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from weeknotes.base.errors import Problem
from weeknotes.base.files import WriteStats


class Reporter:
    """Receives a command's events. Every method does nothing here (a silent reporter)."""

    def progress(self, stage: str, done: int, total: int) -> None:
        """`done` of `total` units of `stage` ("reading Markdown", "rendering") are done."""

    def parsed(self, source: str) -> None:
        """A source's Markdown was rendered (it was not in the cache)."""

    def rendered(self, path: str) -> None:
        """An output file was rendered (it could not be kept from the last build)."""

    def warnings(self, problems: list[Problem]) -> None:
        """Warnings about the content; they do not stop a build."""

    def failed(self, errors: tuple[str, ...], kept: str) -> None:
        """A build in `serve` failed with these reports; `kept` says what is served meanwhile."""

    def built(self, summary: str) -> None:
        """A whole build is done: its summary line (`BuildResult.summary_line`)."""

    def rebuilt(self, stats: WriteStats, seconds: float, since_change: float, fixed: bool,
                page_shown: float | None = None) -> None:
        """`serve` rebuilt after a change, `since_change` seconds after it was first seen
        (and showed the saved page `page_shown` seconds after it, ahead of the rest)."""

    def info(self, text: str) -> None:
        """A line the user asked for (a URL, a file made, a report): stdout."""

    def notice(self, text: str) -> None:
        """A line about how things went (held-back items, a search index that failed): stderr."""


class SilentReporter(Reporter):
    """Shows nothing (the default where no one is listening)."""


@dataclass(frozen=True)
class Event:
    """One call a RecordingReporter received: the method's name and its arguments."""

    kind: str
    args: tuple[object, ...]
    at: float = field(default_factory=time.monotonic, compare=False)


class RecordingReporter(Reporter):
    """Keeps every event, in order, for a test to read (thread-safe enough: list.append)."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def of(self, kind: str) -> list[tuple[object, ...]]:
        """The arguments of every event of one kind, in order."""
        return [event.args for event in self.events if event.kind == kind]

    def names(self, kind: str) -> list[str]:
        """The first argument of every event of one kind (`rendered` paths, `parsed` sources)."""
        return [str(args[0]) for args in self.of(kind)]

    def clear(self) -> None:
        self.events.clear()

    def _record(self, kind: str, *args: object) -> None:
        self.events.append(Event(kind, args))

    def progress(self, stage: str, done: int, total: int) -> None:
        self._record("progress", stage, done, total)

    def parsed(self, source: str) -> None:
        self._record("parsed", source)

    def rendered(self, path: str) -> None:
        self._record("rendered", path)

    def warnings(self, problems: list[Problem]) -> None:
        self._record("warnings", list(problems))

    def failed(self, errors: tuple[str, ...], kept: str) -> None:
        self._record("failed", errors, kept)

    def built(self, summary: str) -> None:
        self._record("built", summary)

    def rebuilt(self, stats: WriteStats, seconds: float, since_change: float, fixed: bool,
                page_shown: float | None = None) -> None:
        self._record("rebuilt", stats, seconds, since_change, fixed, page_shown)

    def info(self, text: str) -> None:
        self._record("info", text)

    def notice(self, text: str) -> None:
        self._record("notice", text)
