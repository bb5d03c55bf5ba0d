"""The progress line appears on a terminal only, and only once a build is slow."""

from __future__ import annotations

import io

from weeknotes.base.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_progress_line_when_output_is_not_a_terminal() -> None:
    stream = io.StringIO()
    progress = Progress(10, stream=stream, delay=0)
    for _ in range(10):
        progress.advance()
    progress.finish()
    assert stream.getvalue() == ""


def test_progress_line_on_a_terminal_after_the_delay_then_cleared() -> None:
    stream = Terminal()
    progress = Progress(10, stream=stream, delay=0)
    progress.advance(5)
    assert "5/10" in stream.getvalue()
    progress.finish()
    assert stream.getvalue().endswith("\r")


def test_a_fast_build_shows_nothing() -> None:
    stream = Terminal()
    progress = Progress(10, stream=stream, delay=60)
    progress.advance(10)
    progress.finish()
    assert stream.getvalue() == ""
