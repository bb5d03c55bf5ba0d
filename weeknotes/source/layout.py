"""Which files of a content folder are sources (`iter_files`, one reader of names), and a warning for each post that would be
silently left out: a note saved as `.markdown`, or in a misspelt folder (`content/note/`).

A pull request with such a file used to pass every check while the post never appeared
(issue 22). Taking those files in instead was weighed: the contract is `notes/**.md`, the
slug, the cache and `weeknotes new` all assume `.md`, and a warning that names the file
and the fix is enough for the one person it concerns.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterator
from pathlib import Path

from weeknotes.base.errors import Problems
from weeknotes.source.sources import display_path

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


def _utf8_name(path: Path, is_folder: bool, problems: Problems) -> bool:
    """Whether a file's name is UTF-8 text; if not, say so (an accented name saved by an old
    tool): such a name cannot be shown, linked to or kept in the caches."""
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:
        what = "folder" if is_folder else "file"
        problems.error(printable_path(path), 0, f"this {what}'s name is not valid UTF-8, so weeknotes cannot use it",
                       hint=f"rename the {what}; read as Latin-1, its name is `{os.fsencode(path.name).decode('latin-1')}`")
        return False
    return True


def printable_path(path: Path) -> str:
    """`display_path`, with any byte of the name that is not UTF-8 shown as `\\xNN`."""
    return os.fsencode(display_path(path)).decode("utf-8", "backslashreplace")


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
        if not entry.name.isascii() and not _utf8_name(Path(path), entry.is_dir(), problems):
            continue
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


KINDS = ("notes", "links", "pages", "digests")
"""The folders whose `.md` files are sources, in the order they are read."""
KIND_WORDS = {"notes": "notes", "links": "link curations", "pages": "pages", "digests": "digest intros"}
OTHER_FOLDERS = frozenset({"static", "blogs"})
"""The other folders weeknotes reads (copied verbatim; written by `fetch`)."""
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkdn", ".mkd", ".mdwn", ".mdtxt", ".mdtext",
                               ".txt", ".text"})
"""Names that suggest a post (compared in lower case): `.MD` or `.markdown` is one saved by another tool."""


def source_paths(content_dir: Path, problems: Problems) -> list[tuple[str, Path, str]]:
    """(kind, kind folder, file as `str(path)` gives it) of every source; a warning for each
    post-like file that is not one."""
    found = []
    for kind in KINDS:
        folder = content_dir / kind
        for name in iter_file_names(folder, content_dir, problems, None):
            if name.endswith(".md"):
                found.append((kind, folder, name))
            elif looks_like_a_post(path := Path(name)):
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
