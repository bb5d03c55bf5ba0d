"""The console reporter prints what a user reads; the recording reporter keeps what tests read."""

from __future__ import annotations

import io

from weeknotes.base.errors import Problem
from weeknotes.base.files import WriteStats
from weeknotes.base.reporter import RecordingReporter
from weeknotes.commands.report import ConsoleReporter


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def console() -> tuple[ConsoleReporter, io.StringIO, io.StringIO]:
    out, err = io.StringIO(), io.StringIO()
    return ConsoleReporter(out, err), out, err


def test_warnings_go_to_stderr_sorted_with_their_hints() -> None:
    reporter, out, err = console()
    reporter.warnings([Problem("b.md", 3, "second", "fix b", severity="warning"),
                       Problem("a.md", 1, "first", severity="warning")])
    assert out.getvalue() == ""
    assert err.getvalue() == "a.md:1: warning: first\nb.md:3: warning: second\n  hint: fix b\n"


def test_a_failed_rebuild_lists_its_errors_then_what_is_served() -> None:
    reporter, out, err = console()
    reporter.failed(("x.md:2: error: bad",), "still serving the last good build")
    assert out.getvalue() == ""
    assert err.getvalue() == ("x.md:2: error: bad\n"
                              "1 error; still serving the last good build. Fix and save: it rebuilds by itself.\n")


def test_a_rebuild_line_says_what_changed() -> None:
    reporter, out, err = console()
    reporter.rebuilt(WriteStats(written=2, unchanged=8), 0.25, 0.3, fixed=True)
    assert err.getvalue() == ""
    assert out.getvalue() == "fixed; rebuilt in 0.25s (0.30s after the change): 2 of 10 files changed\n"


def test_progress_shows_on_a_terminal_only_and_is_cleared_at_the_end() -> None:
    pipe = io.StringIO()  # not a terminal
    silent = ConsoleReporter(io.StringIO(), pipe)
    terminal = Terminal()
    shown = ConsoleReporter(io.StringIO(), terminal)
    for reporter in (silent, shown):
        reporter.progress("rendering", 1, 4)
        reporter.bars["rendering"].delay = 0  # shown at once, not after the usual second
        reporter.progress("rendering", 3, 4)
    assert pipe.getvalue() == ""
    assert "rendering" in terminal.getvalue() and "3/4" in terminal.getvalue()
    shown.progress("rendering", 4, 4)
    assert terminal.getvalue().endswith("\r") and "rendering" not in shown.bars


def test_the_recorder_keeps_events_in_order() -> None:
    recorder = RecordingReporter()
    recorder.rendered("index.html")
    recorder.parsed("notes/a.md")
    recorder.rendered("feed.xml")
    assert recorder.names("rendered") == ["index.html", "feed.xml"]
    assert [event.kind for event in recorder.events] == ["rendered", "parsed", "rendered"]
