"""Find content files, read their text and split off YAML front matter.

This module interprets nothing: it turns files into `Source` values (text, front matter as
plain strings, lists and mappings, and the line of every key) for `schema.py` to validate.
YAML is read with every scalar kept as the string the author wrote, because YAML 1.1's
guesses (`NO` -> False, `2025-01-17` -> date, `09:00` -> 540) silently change meaning;
schema.py parses each field explicitly instead.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from weeknotes.base.errors import Problems
from weeknotes.model.values import REQUIRED_KEYS

try:  # the C parser is ~10x faster; fall back where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})


@dataclass(frozen=True)
class YamlData:
    """YAML values with every scalar as a string, and the line of every key."""

    values: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)
    """Dotted key path -> 1-based line in the file (e.g. `feeds.limit`, `ana.name`)."""
    start_line: int = 1

    def line(self, key: str) -> int:
        """The line of `key` (`authors[1]` for a list entry), else of its nearest parent key,
        else of the data's start."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key.rpartition("[")[0] if key.endswith("]") else key.rpartition(".")[0]
        return self.start_line


@dataclass(frozen=True)
class Source:
    """One content file: where it is, its front matter and its Markdown body."""

    path: Path
    """Absolute path of the file."""
    display: str
    """The path as shown in messages."""
    rel: str
    """Path relative to its kind's folder, with `/` separators (e.g. `ana/2026-11-20-hi.md`)."""
    kind: str
    front_matter: YamlData
    body: str
    body_line: int
    """Line number of the body's first line, so Markdown problems can name their line."""
    text: str
    """The whole file as read (BOM removed, `\n` newlines), for quoting a line in a message."""

    def source_line(self, line: int) -> str:
        # Split only when a message needs a line: ten thousand files' lines kept as separate
        # strings would hold the site twice over in memory.
        lines = self.text.split("\n")
        return lines[line - 1] if 0 < line <= len(lines) else ""


def display_path(path: Path) -> str:
    """Show a path relative to the current directory when it is below it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def content_digest(raw: bytes) -> str:
    """What a file holds, as a digest (the caches' key for it)."""
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


Stamp = tuple[int, int, int, int]
"""size, mtime, inode and ctime of a file: a copy restored with its old mtime still differs."""

TRUST_AFTER_NS = 2_000_000_000
"""A stamp is trusted to mean "unchanged" only for files last changed this long before it
was taken: file times are coarse, so a file written twice within one clock tick can keep
its stamp (git's "racily clean" files). Newer files are read and compared instead."""


def stamp_of(path: Path | str) -> Stamp | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns)


def settled(stamp: Stamp | None, clock: Callable[[], int] = time.time_ns) -> Stamp | None:
    """A stamp taken just before reading a file, if the file had not changed for two seconds:
    while the stamp matches, the file still holds what was read (None: no such promise).
    `clock` (nanoseconds) is the wall clock, or a test's."""
    if stamp is None or clock() - max(stamp[1], stamp[3]) < TRUST_AFTER_NS:
        return None
    return stamp


def read_bytes(path: Path, problems: Problems) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError as exc:
        problems.error(display_path(path), 0, f"cannot read file: {exc.strerror}")
        return None


def read_text(path: Path, problems: Problems, raw: bytes | None = None) -> str | None:
    """Read a file (or the bytes already read from it) as UTF-8 text, BOM removed, newlines `\\n`."""
    raw = raw if raw is not None else read_bytes(path, problems)
    if raw is None:
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.error(display_path(path), line, "the file is not valid UTF-8 text",
                       hint="save it as UTF-8 in your editor")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_yaml(text: str, display: str, problems: Problems, first_line: int = 1) -> YamlData | None:
    """Parse YAML into strings, lists and mappings; report syntax errors with their line."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        context = ""
        if exc.context and exc.context_mark and exc.context_mark.line != (mark.line if mark else -1):
            context = f" ({exc.context} that starts on line {first_line + exc.context_mark.line})"
        if "tab character" in str(exc.problem):
            problems.error(display, line, "YAML syntax error: this line is indented with a tab",
                           hint="YAML indents with spaces only: replace the tab with spaces")
        else:
            problems.error(display, line, f"YAML syntax error: {exc.problem or exc.context}{context}",
                           hint="check indentation, and put quotes around values that contain ': ' "
                                "or start with a special character")
        return None
    except yaml.YAMLError as exc:
        problems.error(display, first_line, f"YAML error: {exc}")
        return None
    if node is None:
        return YamlData({}, {}, first_line)
    if not isinstance(node, yaml.MappingNode):
        problems.error(display, first_line + node.start_mark.line,
                       "expected `key: value` lines here, not a single value or a list")
        return None
    lines: dict[str, int] = {}
    values = _to_python(node, "", lines, display, problems, first_line)
    return YamlData(values, lines, first_line)


def _to_python(node: yaml.Node, path: str, lines: dict[str, int], display: str,
               problems: Problems, first_line: int) -> Any:
    if isinstance(node, yaml.ScalarNode):
        if node.style is None and node.value in NULL_WORDS:
            return None
        return node.value
    if isinstance(node, yaml.SequenceNode):
        for i, child in enumerate(node.value):  # so a message about one entry shows its own line
            lines[f"{path}[{i}]"] = first_line + child.start_mark.line
        return [_to_python(child, f"{path}[{i}]", lines, display, problems, first_line)
                for i, child in enumerate(node.value)]
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        line = first_line + key_node.start_mark.line
        if not isinstance(key_node, yaml.ScalarNode):
            problems.error(display, line, "a key must be a plain word")
            continue
        key = str(key_node.value)
        dotted = f"{path}.{key}" if path else key
        if key in result:
            problems.error(display, line, f"`{key}` is given twice",
                           hint=f"keep one `{key}:` line (the first is on line {lines[dotted]})")
            continue
        lines[dotted] = line
        result[key] = _to_python(value_node, dotted, lines, display, problems, first_line)
    return result


KIND_NAMES = {"notes": "a note", "links": "a link curation", "pages": "a page", "digests": "a digest intro"}
DATE_PREFIX_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
HEADER_LINE_RE = re.compile(r"([A-Za-z_][\w-]*\s*:|\s|- |#)")
"""A line that can belong to front matter: `key:`, indented, a list entry or a comment."""


def split_front_matter(text: str, display: str, problems: Problems,
                       kind: str = "notes") -> tuple[YamlData, str, int] | None:
    """Split `---` front matter from the body; return (front matter, body, body's first line)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        problems.error(display, 1, "the file does not start with front matter",
                       hint=_front_matter_hint(kind, example_date(display)))
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            end = _header_end(lines, index)
            if end is not None:  # a `---` rule in the text, read as the end of the front matter
                _never_closed(display, lines, end, problems, f" (the `---` on line {index + 1} comes after your text)")
                return None
            data = load_yaml("\n".join(lines[1:index]), display, problems, first_line=2)
            if data is None:
                return None
            return data, "\n".join(lines[index + 1:]), index + 2
    last = max(number for number, line in enumerate(lines, 1) if line.strip())
    _never_closed(display, lines, _header_end(lines, len(lines)) or last, problems)
    return None


def _header_end(lines: list[str], closing: int) -> int | None:
    """The line (1-based) after which an unclosed front matter should have ended: the last
    header line before a blank line that text follows, if text comes before `closing`."""
    index = 1
    while index < closing and lines[index].strip() and HEADER_LINE_RE.match(lines[index]):
        index += 1
    if index == closing:
        return None
    rest = [line for line in lines[index:closing] if line.strip()]
    return index if rest and not HEADER_LINE_RE.match(rest[0]) else None


def _never_closed(display: str, lines: list[str], end: int, problems: Problems, detail: str = "") -> None:
    problems.error(display, end, f"the front matter that starts on line 1 is never closed{detail}",
                   hint=f"add a line `---` after line {end}, before the text of your post")


def example_date(display: str) -> str:
    """A date to suggest: the one the file's name starts with, else a fixed example (never
    the clock, so a message is the same in every run)."""
    match = DATE_PREFIX_RE.match(display.replace("\\", "/").rsplit("/", 1)[-1])
    return match.group() if match else "2026-11-20"


def _front_matter_hint(kind: str, day: str) -> str:
    example = {"title": "...", "date": day, "author": "your-handle", "url": "https://..."}
    keys = REQUIRED_KEYS.get(kind, ())
    head = "\n    ".join(["---", *(f"{key}: {example[key]}" for key in keys), "---"])
    names = [f"`{key}`" for key in keys]
    listed = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)
    needs = f"{listed} {'are' if len(keys) > 1 else 'is'} required" if keys else "every key is optional"
    return f"{KIND_NAMES.get(kind, 'a file')} starts with front matter between two `---` lines ({needs}):\n    {head}"


def key_line(display: str, key: str) -> int:
    """The line of a front-matter key in a file that has already been read without errors
    (read again: a model value does not keep lines); 0 when it cannot be found."""
    try:
        text = Path(display).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return 0
    split = split_front_matter(text.replace("\r\n", "\n").replace("\r", "\n"), display, Problems())
    return split[0].lines.get(key, 0) if split else 0


VERSION_CONTROL = frozenset({".git", ".hg", ".svn"})
"""Folders a static copy leaves out: a repository's history is never part of a site."""


def iter_files(root: Path, content_dir: Path, problems: Problems, suffix: str | None,
               hidden: bool = False) -> Iterator[Path]:
    """Yield regular files below `root` in sorted order, refusing links that leave the content.

    Hidden files and folders are skipped unless `hidden` (static files: `.nojekyll`,
    `.well-known/`), and then only version-control folders are; a link to a folder is not followed.
    """
    return map(Path, iter_file_names(root, content_dir, problems, suffix, hidden))


def iter_file_names(root: Path, content_dir: Path, problems: Problems, suffix: str | None,
                    hidden: bool = False) -> Iterator[str]:
    """`iter_files`, as the strings `str(path)` would give: a rebuild lists 10,000 sources and
    reads few of them, and two Path objects a file cost as much as the rest of the listing."""
    if root.is_dir():
        yield from _walk(str(root), content_dir.resolve(), problems, suffix, hidden)


def _shown(name: str, hidden: bool) -> bool:
    return name not in VERSION_CONTROL if hidden else not name.startswith(".")


def _walk(folder: str, content_real: Path, problems: Problems, suffix: str | None,
          hidden: bool) -> Iterator[str]:
    # os.scandir tells files, folders and links apart without a system call per file.
    try:
        with os.scandir(folder) as scan:
            entries = sorted((e for e in scan if _shown(e.name, hidden)), key=lambda e: e.name)
    except FileNotFoundError:
        return  # removed while the site was read (a checkout during serve): the next build sees it
    except OSError as exc:
        problems.error(display_path(Path(folder)), 0, f"cannot read this folder: {exc.strerror}",
                       hint="make it readable, or move it out of the content directory")
        return
    folders = []
    for entry in entries:
        path = os.path.join(folder, entry.name)
        if entry.is_symlink():
            if os.path.isdir(path):
                if not _inside(Path(path).resolve(), content_real):
                    problems.error(display_path(Path(path)), 0,
                                   "this folder is a link to somewhere outside the content directory",
                                   hint="copy what you need into the content directory instead")
                continue
            if suffix and not entry.name.endswith(suffix):
                continue
            if not _inside(Path(path).resolve(), content_real):
                problems.error(display_path(Path(path)), 0,
                               "this file is a link to somewhere outside the content directory",
                               hint="copy the file into the content directory instead")
            elif os.path.isfile(path):
                yield path
        elif entry.is_dir():
            folders.append(path)
        elif entry.is_file() and not (suffix and not entry.name.endswith(suffix)):
            yield path
    for sub in folders:
        yield from _walk(sub, content_real, problems, suffix, hidden)


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def read_source(path: Path, kind: str, kind_dir: Path, problems: Problems,
                raw: bytes | None = None) -> Source | None:
    """Read one Markdown file with front matter (from `raw` when its bytes were already read)."""
    display = display_path(path)
    raw = raw if raw is not None else read_bytes(path, problems)
    if raw is None:
        return None
    text = read_text(path, problems, raw)
    if text is None:
        return None
    split = split_front_matter(text, display, problems, kind)
    if split is None:
        return None
    front_matter, body, body_line = split
    return Source(
        path=path,
        display=display,
        rel=path.relative_to(kind_dir).as_posix(),
        kind=kind,
        front_matter=front_matter,
        body=body,
        body_line=body_line,
        text=text,
    )
