"""Errors and warnings that users see.

    WeeknotesError            anything we report without a traceback
    ├── ContentErrors         one or more problems in the content (exit 1)
    ├── OutputDirError        an output directory we refuse to touch (exit 1)
    └── UsageError            a bad command line (exit 2)
        └── OutputAudienceError  an output directory that holds another audience's build

A `Problem` is one line of a report: `PATH:LINE: error: message`, then the offending
source line and a hint, in the style of Jinja's TemplateSyntaxError.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


@dataclass(frozen=True, order=True)
class Problem:
    """One error or warning about one place in the content."""

    path: str
    """Path as the user wrote it on the command line (relative to the cwd when possible)."""
    line: int
    """1-based line number; 0 when the problem concerns the whole file."""
    message: str
    hint: str = ""
    source_line: str = ""
    severity: str = "error"

    def format(self) -> str:
        where = f"{self.path}:{self.line or 1}"  # a problem with a whole file points at its start
        text = f"{where}: {self.severity}: {self.message}"
        if self.source_line.strip():
            text += f"\n    {self.source_line.strip()}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


def with_source_lines(problems: list[Problem]) -> list[Problem]:
    """Add the offending line of each file, as a compiler shows it under the message.

    Files are read afresh each time (not through linecache, which keeps a file's lines by
    its path: serve would show a line the author has since changed).
    """
    result = []
    files: dict[str, list[str]] = {}
    for problem in problems:
        if problem.line and not problem.source_line and problem.severity != "note":
            if problem.path not in files:
                files[problem.path] = _lines_of(problem.path)
            lines = files[problem.path]
            text = lines[problem.line - 1] if problem.line <= len(lines) else ""
            problem = replace(problem, source_line=text.lstrip("\ufeff").rstrip())
        result.append(problem)
    return result


def _lines_of(path: str) -> list[str]:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")  # as sources.py counts lines


class WeeknotesError(Exception):
    """An error reported to the user as text, without a traceback."""

    exit_code = 1


class ContentErrors(WeeknotesError):
    """Every problem found in one run, reported together."""

    def __init__(self, problems: list[Problem], warnings: list[Problem] | None = None) -> None:
        self.problems = sorted(with_source_lines(problems))
        self.warnings = sorted(with_source_lines(warnings or []))
        super().__init__("\n".join(p.format() for p in sorted(self.problems + self.warnings)))

    def __reduce__(self) -> tuple[type[ContentErrors], tuple[list[Problem], list[Problem]]]:
        """Survive pickling (a worker process sends its errors to the parent)."""
        return (ContentErrors, (self.problems, self.warnings))


class OutputDirError(WeeknotesError):
    """An output directory that a build must not write into."""


class UsageError(WeeknotesError):
    """A command line that does not make sense."""

    exit_code = 2


class OutputAudienceError(UsageError):
    """A build into a folder another audience's build made (public/ getting internal notes)."""


@dataclass
class Problems:
    """Collects errors and warnings so that one run reports all of them."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def error(self, path: str | Path, line: int, message: str, hint: str = "", source_line: str = "") -> None:
        self.errors.append(Problem(str(path), line, message, hint, source_line))

    def warn(self, path: str | Path, line: int, message: str, hint: str = "", source_line: str = "") -> None:
        self.warnings.append(Problem(str(path), line, message, hint, source_line, "warning"))

    def note(self, path: str | Path, line: int, message: str) -> None:
        """A line that explains what was not checked (never an error or warning of its own)."""
        self.warnings.append(Problem(str(path), line, message, severity="note"))

    def extend(self, other: Problems) -> None:
        self.errors.extend(other.errors)
        self.warnings.extend(other.warnings)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ContentErrors(self.errors, self.warnings)


def clashes(claims: Iterable[tuple[K, T]]) -> Iterator[tuple[K, T, T]]:
    """(value, claimant, first claimant) for each claim on a value that an earlier claim made.

    The one core of every duplicate check: two notes with one URL or feed id (content.py),
    two outputs at one path (plan.py).
    """
    first: dict[K, T] = {}
    for value, claimant in claims:
        if value in first:
            yield value, claimant, first[value]
        else:
            first[value] = claimant
