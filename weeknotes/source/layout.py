"""Which files of a content folder are sources, and a warning for each post that would be
silently left out: a note saved as `.markdown`, or in a misspelt folder (`content/note/`).

A pull request with such a file used to pass every check while the post never appeared
(issue 22). Taking those files in instead was weighed: the contract is `notes/**.md`, the
slug, the cache and `weeknotes new` all assume `.md`, and a warning that names the file
and the fix is enough for the one person it concerns.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from weeknotes.base.errors import Problems
from weeknotes.source.sources import iter_files, printable_path

KINDS = ("notes", "links", "pages", "digests")
"""The folders whose `.md` files are sources, in the order they are read."""
KIND_WORDS = {"notes": "notes", "links": "link curations", "pages": "pages", "digests": "digest intros"}
OTHER_FOLDERS = frozenset({"static", "blogs"})
"""The other folders weeknotes reads (copied verbatim; written by `fetch`)."""
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkdn", ".mkd", ".mdwn", ".mdtxt", ".mdtext",
                               ".txt", ".text"})
"""Names that suggest a post (compared in lower case): `.MD` or `.markdown` is one saved by another tool."""


def source_paths(content_dir: Path, problems: Problems) -> list[tuple[str, Path, Path]]:
    """(kind, kind folder, file) of every source; a warning for each post-like file that is not one."""
    found = []
    for kind in KINDS:
        for path in iter_files(content_dir / kind, content_dir, problems, None):
            if path.suffix == ".md":
                found.append((kind, content_dir / kind, path))
            elif looks_like_a_post(path):
                problems.warn(printable_path(path), 0, f"not read: only `.md` files are {KIND_WORDS[kind]}",
                              hint=f"rename it to `{path.stem}.md`")
    warn_outside_the_kinds(content_dir, problems)
    return found


def looks_like_a_post(path: Path) -> bool:
    return path.suffix.lower() in MARKDOWN_SUFFIXES


def warn_outside_the_kinds(content_dir: Path, problems: Problems) -> None:
    """Warn about each post-like file directly in the content folder or in a folder weeknotes
    does not read (a misspelt `note/`, `Notes/`), suggesting the folder it was meant for."""
    try:
        with os.scandir(content_dir) as scan:
            entries = sorted((e for e in scan if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError:
        return  # reported where the content folder is read
    for entry in entries:
        path = content_dir / entry.name
        if entry.is_dir() and entry.name not in KINDS and entry.name not in OTHER_FOLDERS:
            meant = difflib.get_close_matches(entry.name.lower(), KINDS, n=1, cutoff=0.6)
            for post in iter_files(path, content_dir, problems, None):
                if looks_like_a_post(post):
                    moved = printable_path(content_dir / meant[0] / post.relative_to(path).parent) if meant else ""
                    problems.warn(printable_path(post), 0, f"not read: weeknotes reads no folder `{entry.name}/`",
                                  hint=f"did you mean `{meant[0]}/`? move the file to {moved}/" if meant
                                  else "notes go in notes/, link curations in links/, pages in pages/")
        elif entry.is_file() and looks_like_a_post(path) and entry.name.lower() != "readme.md":
            problems.warn(printable_path(path), 0, "not read: a post goes in notes/, links/ or pages/",
                          hint=f"move it to {printable_path(content_dir / 'notes')}/ (a weeknote), links/ "
                               "(a link curation) or pages/ (a page)")
