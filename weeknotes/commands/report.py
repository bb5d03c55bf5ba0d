"""What a command shows its user: `ConsoleReporter` turns a build's events into lines on
stdout and stderr, and a progress line on a terminal (the events: base/reporter.py)."""

from __future__ import annotations

import os
import sys
from typing import TextIO

from weeknotes.base.errors import Problem, with_source_lines
from weeknotes.base.files import WriteStats
from weeknotes.base.progress import Progress
from weeknotes.base.reporter import Reporter
from weeknotes.base.wording import counted


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

    def built(self, summary: str) -> None:
        self.say(summary)

    def rebuilt(self, stats: WriteStats, seconds: float, since_change: float, fixed: bool,
                page_shown: float | None = None) -> None:
        shown = f"; the saved page was shown after {page_shown:.2f}s" if page_shown is not None else ""
        self.say(f"{'fixed; ' if fixed else ''}rebuilt in {seconds:.2f}s ({since_change:.2f}s after the change{shown}): "
                 f"{stats.written} of {counted(stats.total, 'file')} changed")

    def info(self, text: str) -> None:
        self.say(text)

    def notice(self, text: str) -> None:
        self.tell(text)


def job_notice(text: str) -> str:
    """One line saying a (scheduled) job had nothing to do and why: in GitHub Actions a
    workflow notice, shown in the run's summary, so that a job left unconfigured on a new
    site says what it needs instead of failing every week."""
    if os.environ.get("GITHUB_ACTIONS") != "true":
        return text
    escaped = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return f"::notice title=weeknotes::{escaped}"
