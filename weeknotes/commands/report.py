"""What a command tells its user, as events sent to a reporter; nothing else prints.

The build, serve and the commands call a `Reporter`'s methods; `ConsoleReporter` turns them
into lines on stdout and stderr (and a progress line on a terminal), `RecordingReporter`
keeps them for tests, which observe a build through its events instead of patching our
functions. Each method is a no-op in `Reporter`, so a reporter implements only what it shows.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from weeknotes.base.errors import Problem, with_source_lines
from weeknotes.base.progress import Progress
from weeknotes.base.wording import counted
from weeknotes.model.values import Site
from weeknotes.output.write import WriteStats
from weeknotes.source.sources import display_path


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

    def built(self, site: Site, stats: WriteStats, seconds: float, output: Path) -> None:
        """A whole build is done (the summary line)."""

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


def summary_line(site: Site, stats: WriteStats, seconds: float, output: Path) -> str:
    notes = sum(1 for i in site.items if not i.is_link)
    parts = [counted(notes, "note"), counted(len(site.items) - notes, "link"), counted(len(site.weeks), "week"),
             counted(len(site.authors), "author"), counted(len(site.tags), "tag")]
    blog_posts = sum(1 for i in site.listed if i.is_blog)
    if blog_posts:
        parts.insert(2, counted(blog_posts, "post from members' blogs", "posts from members' blogs"))
    files = f"{counted(stats.total, 'file')} ({stats.written} written, {stats.unchanged} unchanged)"
    audience = site.audience.label
    article = "an" if audience[0] in "aeiou" else "a"
    return f"built {display_path(output)} for {article} {audience} audience: {', '.join(parts)}; {files} in {seconds:.2f}s"


class ConsoleReporter(Reporter):
    """Lines on stdout (results) and stderr (warnings, errors, notices); progress on a terminal."""

    def __init__(self, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self.out = out
        self.err = err
        self.bars: dict[str, Progress] = {}

    def _line(self, text: str, stream: TextIO | None, default: TextIO) -> None:
        print(text, file=stream or default, flush=True)

    def say(self, text: str) -> None:
        self._line(text, self.out, sys.stdout)

    def tell(self, text: str) -> None:
        self._line(text, self.err, sys.stderr)

    def progress(self, stage: str, done: int, total: int) -> None:
        bar = self.bars.get(stage)
        if bar is None:
            bar = self.bars[stage] = Progress(total, stage, self.err or sys.stderr)
        bar.advance(done - bar.done)
        if done >= total:
            bar.finish()
            del self.bars[stage]

    def warnings(self, problems: list[Problem]) -> None:
        for warning in sorted(with_source_lines(problems)):
            self.tell(warning.format())

    def failed(self, errors: tuple[str, ...], kept: str) -> None:
        for error in errors:
            self.tell(error)
        self.tell(f"{counted(len(errors), 'error')}; {kept}. Fix and save: it rebuilds by itself.")

    def built(self, site: Site, stats: WriteStats, seconds: float, output: Path) -> None:
        self.say(summary_line(site, stats, seconds, output))

    def rebuilt(self, stats: WriteStats, seconds: float, since_change: float, fixed: bool,
                page_shown: float | None = None) -> None:
        shown = f"; the saved page was shown after {page_shown:.2f}s" if page_shown is not None else ""
        self.say(f"{'fixed; ' if fixed else ''}rebuilt in {seconds:.2f}s ({since_change:.2f}s after the change{shown}): "
                 f"{stats.written} of {counted(stats.total, 'file')} changed")

    def info(self, text: str) -> None:
        self.say(text)

    def notice(self, text: str) -> None:
        self.tell(text)


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

    def built(self, site: Site, stats: WriteStats, seconds: float, output: Path) -> None:
        self._record("built", site, stats, seconds, output)

    def rebuilt(self, stats: WriteStats, seconds: float, since_change: float, fixed: bool,
                page_shown: float | None = None) -> None:
        self._record("rebuilt", stats, seconds, since_change, fixed, page_shown)

    def info(self, text: str) -> None:
        self._record("info", text)

    def notice(self, text: str) -> None:
        self._record("notice", text)
